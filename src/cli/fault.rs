//! A testing hook: `MIXAUDIT_FAULT_INJECTION="clientA=abort,clientB=hang"`
//! makes `mixaudit audit` of the named client folders abort, overflow its
//! stack, exhaust memory or hang, so tests can prove that `batch` survives
//! each of these in one client (real files that did so are now refused by
//! the input budgets, which is the point). Unset, it does nothing.

use std::path::Path;

/// The environment variable naming clients and the fault each one gets.
const VAR: &str = "MIXAUDIT_FAULT_INJECTION";

/// Injects the fault configured for this client folder, if any.
pub fn inject(dir: Option<&Path>) {
    let Ok(spec) = std::env::var(VAR) else {
        return;
    };
    let Some(name) = dir
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return;
    };
    let kind = spec.split(',').find_map(|pair| {
        let (client, kind) = pair.split_once('=')?;
        (client.trim() == name).then(|| kind.trim().to_string())
    });
    match kind.as_deref() {
        Some("abort") => std::process::abort(),
        Some("stack") => {
            std::hint::black_box(recurse(0));
        }
        Some("oom") => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(Vec::with_capacity(64 << 20));
                std::hint::black_box(&hoard);
            }
        }
        Some("hang") => loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        },
        _ => {}
    }
}

/// Recursion without end, each frame kept alive, until the stack overflows.
#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth; 512]);
    recurse(depth + 1).wrapping_add(frame[(depth % 512) as usize])
}
