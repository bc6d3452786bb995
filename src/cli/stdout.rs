//! Everything mixaudit prints on stdout goes through here, so a closed pipe
//! (`mixaudit audit … --json | head -c 10`) ends the output quietly instead
//! of panicking the way `println!` does.

use std::io::{ErrorKind, Write};

/// Writes `text` to stdout and flushes. A reader that went away (broken
/// pipe) is not an error: the output is simply done. Other write errors are
/// returned so the caller can report them.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Prints a JSON value, pretty and ending in a newline.
pub fn print_json(value: &serde_json::Value) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    print(&text)
}
