//! Runs a template with bounds on time and output size.
//!
//! Why: fuel bounds the instructions a template executes, and minijinja
//! charges fuel for the strings it builds, but a sequence doubled with `+`
//! stays a lazy chain whose length and iteration take time exponential in the
//! number of doublings — 60 doublings hang `| length` or `| join` inside one
//! instruction. minijinja cannot be interrupted, so the template renders on
//! its own thread (with a generous stack) and the caller stops waiting after
//! [`MAX_RENDER_SECONDS`]; the runaway thread is left to end with the process.
//! The output goes through a writer that refuses more than
//! [`MAX_OUTPUT_BYTES`].

use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

use minijinja::{Environment, Value};

use crate::error::{Error, Result};

/// Longest a template may take to render.
pub const MAX_RENDER_SECONDS: u64 = 5;
/// Largest rendered summary.
pub const MAX_OUTPUT_BYTES: usize = 16 << 20;

/// Collects output up to the cap, then refuses to write.
struct Capped {
    out: Vec<u8>,
    over: bool,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.over = true;
            return Err(std::io::Error::other("output limit"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Compiles and renders `source` with `ctx`; `name` names it in messages.
pub fn render(env: Environment<'static>, source: String, name: &str, ctx: Value) -> Result<String> {
    let (tx, rx) = mpsc::channel();
    let label = name.to_string();
    let spawned = std::thread::Builder::new()
        .name("template".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let result = (|| {
                let tmpl = env
                    .template_from_str(&source)
                    .map_err(|e| format!("{label}: template error: {e:#}"))?;
                let mut w = Capped {
                    out: Vec::new(),
                    over: false,
                };
                match tmpl.render_captured_to(ctx, &mut w).map(drop) {
                    Ok(_) => String::from_utf8(w.out)
                        .map_err(|_| format!("{label}: the template wrote invalid UTF-8")),
                    Err(_) if w.over => Err(format!(
                        "{label}: the rendered template exceeds the limit of {} MiB",
                        MAX_OUTPUT_BYTES >> 20
                    )),
                    Err(e) => Err(format!("{label}: template error: {e:#}")),
                }
            })();
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        return Err(Error::Failed(format!("{name}: cannot render: {e}")));
    }
    match rx.recv_timeout(Duration::from_secs(MAX_RENDER_SECONDS)) {
        Ok(r) => r.map_err(Error::Failed),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::Failed(format!(
            "{name}: rendering the template exceeds the limit of {MAX_RENDER_SECONDS} s (does it build a list by doubling it?)"
        ))),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(Error::Failed(format!(
            "{name}: the template could not be rendered"
        ))),
    }
}
