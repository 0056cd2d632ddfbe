//! The one way the binary writes to stdout, and the colour decision of every stream.
//!
//! Every byte of stdout goes through [`outln!`], [`write_stdout`] or [`Stdout`] (for a report
//! written as it is made): each returns an error instead of panicking when stdout is closed
//! (`yagura … | head`). `main` ends a listing cut short that way with 0 (see
//! [`is_broken_pipe`]); a report keeps the exit code it had decided before writing
//! (`common::emit`). The crate denies `clippy::print_stdout`, so a `println!` does not build.

use crate::cli::{ColorChoice, Global};
use std::io::Write;

/// `println!` that returns an error instead of panicking when stdout is closed.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// Writes `bytes` to stdout and flushes; an error (a closed pipe) comes back to the caller.
pub fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut lock = std::io::stdout().lock();
    lock.write_all(bytes)?;
    lock.flush()
}

/// Stdout for a writer that streams (a report of a million findings is not held twice in
/// memory): remembers that the reader went away, whatever error type the writer above turned the
/// closed pipe into.
pub struct Stdout {
    lock: std::io::StdoutLock<'static>,
    closed: bool,
}

impl Stdout {
    pub fn lock() -> Stdout {
        Stdout {
            lock: std::io::stdout().lock(),
            closed: false,
        }
    }

    /// True once a write or a flush met a closed pipe.
    pub fn closed(&self) -> bool {
        self.closed
    }

    fn watch<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.closed = true;
            }
        }
        r
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.lock.write(buf);
        self.watch(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.lock.flush();
        self.watch(r)
    }
}

/// Flushes stdout (before a long wait, so the reader has every line already).
pub fn flush_stdout() -> std::io::Result<()> {
    std::io::stdout().lock().flush()
}

/// True when the error is only a closed pipe on stdout: the reader went away, which is not a
/// failure of ours.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Whether a stream gets colour and other terminal escapes: `--color always` and `never` say
/// so; `auto` colours a terminal unless `NO_COLOR` is set to something (https://no-color.org)
/// or `TERM` is `dumb`.
pub fn color(g: &Global, is_terminal: bool) -> bool {
    match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// [`color`] for stdout.
pub fn color_stdout(g: &Global) -> bool {
    color(g, std::io::IsTerminal::is_terminal(&std::io::stdout()))
}

/// [`color`] for stderr.
pub fn color_stderr(g: &Global) -> bool {
    color(g, std::io::IsTerminal::is_terminal(&std::io::stderr()))
}
