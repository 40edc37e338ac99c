//! The [`Host`] trait: what a host implements so a VM can reach its world.
//!
//! One method per built-in call of the table (the method's documentation
//! names its number), plus two resolution services the capability layer
//! uses. The VM checks capabilities and arguments before a method runs:
//! every path a method receives is absolute, resolved, and granted, and
//! every handle is one the same host returned. Methods report failures as
//! [`HostError`]s and must not panic.

use std::path::{Path, PathBuf};

/// Why a host call failed. The kind picks the Cairn error class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    pub kind: ErrorKind,
    /// The reason, as the operating system (or host) words it, such as
    /// "No such file or directory (os error 2)".
    pub message: String,
}

/// Classes of host failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The outside world refused or failed: `IOError`.
    Io,
    /// An argument out of its range: `ValueError`.
    Value,
    /// An argument of the wrong kind: `TypeError`.
    Type,
}

impl HostError {
    pub fn io(message: impl Into<String>) -> HostError {
        HostError {
            kind: ErrorKind::Io,
            message: message.into(),
        }
    }

    pub fn value(message: impl Into<String>) -> HostError {
        HostError {
            kind: ErrorKind::Value,
            message: message.into(),
        }
    }

    pub fn type_error(message: impl Into<String>) -> HostError {
        HostError {
            kind: ErrorKind::Type,
            message: message.into(),
        }
    }

    /// The Cairn error class this failure raises.
    pub fn class(&self) -> &'static str {
        match self.kind {
            ErrorKind::Io => "IOError",
            ErrorKind::Value => "ValueError",
            ErrorKind::Type => "TypeError",
        }
    }
}

impl From<std::io::Error> for HostError {
    fn from(e: std::io::Error) -> HostError {
        HostError::io(e.to_string())
    }
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HostError {}

/// How `file_open_write` (0x11) opens a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// 0: create, or truncate an existing file.
    Truncate,
    /// 1: create, or append to an existing file.
    Append,
    /// 2: create a new file; fail if anything (even a dangling symbolic
    /// link) is at the path.
    CreateNew,
}

impl WriteMode {
    pub fn from_number(n: i64) -> Option<WriteMode> {
        match n {
            0 => Some(WriteMode::Truncate),
            1 => Some(WriteMode::Append),
            2 => Some(WriteMode::CreateNew),
            _ => None,
        }
    }
}

/// What `path_kind` (0x20) found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    Missing = 0,
    File = 1,
    Dir = 2,
    Other = 3,
}

/// A host: the outside world as one VM sees it. [`OsHost`](super::OsHost)
/// is the operating system's; tests and embedders may supply their own.
pub trait Host: Send {
    /// 0x01: writes all of `data` to standard output.
    fn stdout_write(&mut self, data: &[u8]) -> Result<(), HostError>;
    /// 0x02: writes all of `data` to standard error. Standard output is
    /// flushed first, so the two interleave in program order.
    fn stderr_write(&mut self, data: &[u8]) -> Result<(), HostError>;
    /// 0x03: flushes standard output.
    fn stdout_flush(&mut self) -> Result<(), HostError>;
    /// 0x04: the next line of standard input, with its line feed if it had
    /// one, or its first `max` bytes if it is longer (the rest is left for
    /// the next calls); `None` at end of input.
    fn stdin_read_line(&mut self, max: usize) -> Result<Option<Vec<u8>>, HostError>;
    /// 0x05: up to `max` bytes of standard input; empty at end of input.
    fn stdin_read(&mut self, max: usize) -> Result<Vec<u8>, HostError>;

    /// 0x10: opens an existing file for reading; returns a handle.
    fn file_open_read(&mut self, path: &Path) -> Result<u32, HostError>;
    /// 0x11: opens a file for writing; returns a handle.
    fn file_open_write(&mut self, path: &Path, mode: WriteMode) -> Result<u32, HostError>;
    /// 0x12: reads up to `max` bytes; empty at end of file.
    fn file_read(&mut self, handle: u32, max: usize) -> Result<Vec<u8>, HostError>;
    /// 0x13: writes all of `data`.
    fn file_write(&mut self, handle: u32, data: &[u8]) -> Result<(), HostError>;
    /// 0x14: flushes the file to stable storage.
    fn file_sync(&mut self, handle: u32) -> Result<(), HostError>;
    /// 0x15: closes a handle.
    fn file_close(&mut self, handle: u32) -> Result<(), HostError>;

    /// 0x20: what is at `path`, following symbolic links.
    fn path_kind(&mut self, path: &Path) -> Result<PathKind, HostError>;
    /// 0x21: the names of a directory's entries, in any order.
    fn dir_list(&mut self, path: &Path) -> Result<Vec<String>, HostError>;
    /// 0x22: creates a directory, and with `parents` its missing parents
    /// (then an existing directory is no error).
    fn dir_create(&mut self, path: &Path, parents: bool) -> Result<(), HostError>;
    /// 0x23: removes a file, a symbolic link or an empty directory.
    fn path_remove(&mut self, path: &Path) -> Result<(), HostError>;
    /// 0x24: renames `from` to `to`.
    fn path_rename(&mut self, from: &Path, to: &Path) -> Result<(), HostError>;

    /// 0x30: seconds since the Unix epoch.
    fn clock_wall(&mut self) -> f64;
    /// 0x31: seconds since a fixed origin, never decreasing.
    fn clock_monotonic(&mut self) -> f64;
    /// 0x32: pauses for `seconds` (finite and >= 0, checked by the VM).
    fn sleep(&mut self, seconds: f64);
    /// 0x33: fills `buf` with unpredictable bytes.
    fn entropy(&mut self, buf: &mut [u8]) -> Result<(), HostError>;

    /// 0x40: an environment variable; `None` when unset.
    fn env_get(&mut self, name: &str) -> Result<Option<String>, HostError>;
    /// 0x41: the program's arguments, after its path.
    fn args(&mut self) -> Vec<String>;
    /// 0x42: the program is ending with `code`: flush what must be
    /// flushed. The VM then stops the guest; the host's caller (the command
    /// line) ends the process with the status.
    fn exit(&mut self, code: u8);
    /// 0x43: the platform's name.
    fn platform(&mut self) -> String;

    /// Resolution service: the absolute form of `path` with every symbolic
    /// link, `.` and `..` resolved; fails if the path does not exist.
    /// Relative paths are taken from the host's working directory.
    fn canonicalize(&mut self, path: &Path) -> Result<PathBuf, HostError>;
    /// Resolution service: whether anything, a dangling symbolic link
    /// included, is at `path` (the last component is not followed).
    fn entry_exists(&mut self, path: &Path) -> bool;
}
