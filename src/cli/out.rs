//! The tool's own writes to standard output and standard error:
//! diagnostics, tracebacks, `--stats` reports, listings, REPL results.
//! (What a Cairn program prints goes through its host, and a failed write
//! is an `IOError` in the program.)
//!
//! `print!` and friends panic when a write fails, as it does when the
//! reader of a pipe has gone (`cairn disasm f.cairn | head -1`). Here a
//! failed write is not an error of the command: the stream is given up,
//! later writes to it are skipped, and the command goes on to finish with
//! the status it would have had, as `cat`, `head` and ripgrep stop quietly
//! on a closed pipe. Only when standard output fails for another reason
//! (a full disk) is that reported, on standard error, and a command that
//! would have succeeded exits with [`status::IO_ERROR`] instead: its
//! output is incomplete. A failure of standard error itself cannot be
//! reported anywhere, so it changes no status.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use super::status;

/// Standard output failed: later writes to it are skipped.
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);
/// Standard output failed for a reason other than a closed pipe.
static STDOUT_ERROR: AtomicBool = AtomicBool::new(false);
/// Standard error failed: later writes to it are skipped.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes to standard output, like `print!`, without panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out::stdout(&::std::format!($($arg)*))
    };
}

/// Writes a line to standard output, like `println!`, without panicking.
macro_rules! outln {
    () => {
        $crate::cli::out::stdout("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::out::stdout(&::std::format!("{}\n", ::std::format_args!($($arg)*)))
    };
}

/// Writes to standard error, like `eprint!`, without panicking.
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::out::stderr(&::std::format!($($arg)*))
    };
}

/// Writes a line to standard error, like `eprintln!`, without panicking.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::out::stderr(&::std::format!("{}\n", ::std::format_args!($($arg)*)))
    };
}

pub(crate) use {err, errln, out, outln};

/// Writes `text` to standard output and flushes it, so that a failure is
/// seen now rather than at exit. Gives up the stream when the write fails.
pub fn stdout(text: &str) {
    if STDOUT_FAILED.load(Ordering::Relaxed) {
        return;
    }
    let mut lock = io::stdout().lock();
    if let Err(e) = lock.write_all(text.as_bytes()).and_then(|()| lock.flush()) {
        drop(lock);
        STDOUT_FAILED.store(true, Ordering::Relaxed);
        if e.kind() != io::ErrorKind::BrokenPipe {
            STDOUT_ERROR.store(true, Ordering::Relaxed);
            stderr(&format!("error: cannot write to standard output: {e}\n"));
        }
    }
}

/// Writes `text` to standard error in one piece. Gives up the stream when
/// the write fails.
pub fn stderr(text: &str) {
    if STDERR_FAILED.load(Ordering::Relaxed) {
        return;
    }
    if io::stderr().lock().write_all(text.as_bytes()).is_err() {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Whether a write to either stream has failed: whoever read the output
/// has gone (or it cannot be stored).
pub fn failed() -> bool {
    STDOUT_FAILED.load(Ordering::Relaxed) || STDERR_FAILED.load(Ordering::Relaxed)
}

/// The status to exit with, given the one the command chose: a success
/// whose standard output could not be written (other than to a closed
/// pipe) becomes [`status::IO_ERROR`].
pub fn exit_status(code: u8) -> u8 {
    if code == status::OK && STDOUT_ERROR.load(Ordering::Relaxed) {
        status::IO_ERROR
    } else {
        code
    }
}
