//! `mixaudit completions SHELL` and `mixaudit man`: both generated from the
//! same clap definition as the parser, so they list exactly the flags that exist.

use std::path::Path;

use clap::CommandFactory;

use super::{Cli, exit, fail, note, stdout};
use crate::error::Error;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> u8 {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "mixaudit", &mut buf);
    print(&String::from_utf8_lossy(&buf))
}

/// Prints the manual page (roff) on stdout, or writes one page per command
/// into `out` (mixaudit.1, mixaudit-audit.1, …).
pub fn man(out: Option<&Path>) -> u8 {
    let cmd = Cli::command();
    if let Some(dir) = out {
        let written =
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir));
        return match written {
            Ok(()) => {
                note!("wrote the manual pages to {}", dir.display());
                exit::OK
            }
            Err(e) => fail(&Error::io(dir, e)),
        };
    }
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut buf) {
        return fail(&Error::io(Path::new("stdout"), e));
    }
    print(&String::from_utf8_lossy(&buf))
}

/// Prints text on stdout; a write error other than a closed pipe is exit 1.
pub(super) fn print(text: &str) -> u8 {
    match stdout::print(text) {
        Ok(()) => exit::OK,
        Err(e) => fail(&Error::io(Path::new("stdout"), e)),
    }
}
