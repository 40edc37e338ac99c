//! The one error type of the embedding API.

use std::fmt;

use crate::interp::load::Uncaught;

/// What went wrong, for a host that reacts differently to each case.
///
/// ```
/// use cairn_vm::embed::{Config, ErrorKind, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
/// match rt.call::<i64>(m, "missing", ()) {
///     Err(e) if e.kind() == ErrorKind::NotFound => {}
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A Cairn error escaped the script (its class, message and traceback
    /// are in the [`Error`]).
    Script,
    /// The fuel budget ran out. When [`Runtime::can_resume`] says so, the
    /// script can go on after [`Runtime::add_fuel`] with
    /// [`Runtime::resume`].
    ///
    /// [`Runtime::can_resume`]: super::Runtime::can_resume
    /// [`Runtime::add_fuel`]: super::Runtime::add_fuel
    /// [`Runtime::resume`]: super::Runtime::resume
    OutOfFuel,
    /// The [`Interrupt`](crate::interp::Interrupt) handle stopped the script.
    Interrupted,
    /// The heap limit was exceeded and the script did not catch the
    /// `MemoryError`.
    HeapLimit,
    /// Calls nested deeper than the call-depth limit and the script did not
    /// catch the `StackOverflowError`.
    CallDepth,
    /// The script called `os.exit(code)`.
    Exit(u8),
    /// A value did not convert between Rust and Cairn (wrong type, out of
    /// range). Its class is `TypeError`.
    Conversion,
    /// A class file did not decode or verify, or source did not compile.
    Load,
    /// A module, global, function or method named by the host does not exist.
    NotFound,
    /// The host used the API wrongly: a handle of another runtime, a
    /// [`resume`](super::Runtime::resume) with nothing suspended.
    Misuse,
}

/// An error from the embedding API: its [`ErrorKind`], and the Cairn error
/// class, message and traceback it formats with, the way the command line
/// prints an uncaught error.
///
/// ```
/// use cairn_vm::embed::{Error, ErrorKind};
/// let e = Error::conversion("expected Int, got String");
/// assert_eq!(e.kind(), ErrorKind::Conversion);
/// assert_eq!(e.class(), "TypeError");
/// assert_eq!(e.to_string(), "error: TypeError: expected Int, got String");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    // Boxed, so that a `Result<T, Error>` is hardly larger than `T`: every
    // call from Rust returns one.
    inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    class: String,
    message: String,
    traceback: String,
}

impl Error {
    /// An error of `kind` with a Cairn class and message and no traceback.
    pub fn new(kind: ErrorKind, class: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                class: class.into(),
                message: message.into(),
                traceback: String::new(),
            }),
        }
    }

    /// A failed conversion: a `TypeError` of kind [`ErrorKind::Conversion`].
    pub fn conversion(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Conversion, "TypeError", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::NotFound, "NameError", message)
    }

    pub(crate) fn misuse(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Misuse, "ValueError", message)
    }

    pub(crate) fn load(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Load, "LoadError", message)
    }

    /// An error that escaped a script. A `MemoryError` or a
    /// `StackOverflowError` is a limit being hit.
    pub(crate) fn uncaught(u: Uncaught) -> Error {
        let kind = match u.class.as_str() {
            "MemoryError" => ErrorKind::HeapLimit,
            "StackOverflowError" => ErrorKind::CallDepth,
            _ => ErrorKind::Script,
        };
        Error {
            inner: Box::new(Inner {
                kind,
                class: u.class,
                message: u.message,
                traceback: u.traceback,
            }),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The Cairn error class (`TypeError`, a script's own class, ...).
    pub fn class(&self) -> &str {
        &self.inner.class
    }

    /// The error's message.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// `  at fn (file:line)` lines, innermost first; empty when the error
    /// did not come from running code.
    pub fn traceback(&self) -> &str {
        &self.inner.traceback
    }

    /// Prefixes the message with where the error happened.
    #[must_use]
    pub fn context(mut self, context: impl fmt::Display) -> Error {
        self.inner.message = format!("{context}: {}", self.inner.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.inner;
        if e.message.is_empty() {
            write!(f, "error: {}", e.class)?;
        } else {
            write!(f, "error: {}: {}", e.class, e.message)?;
        }
        if !e.traceback.is_empty() {
            write!(f, "\n{}", e.traceback)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// An error a host function raises as a Cairn exception of a chosen class.
/// A host function that fails with any other error type raises `Error`
/// with the error's text as its message.
///
/// ```
/// use cairn_vm::embed::Exception;
/// let e = Exception::new("ValueError", "negative amount");
/// assert_eq!(e.to_string(), "ValueError: negative amount");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    /// A built-in error class (`ValueError`, `KeyError`, ...); an unknown
    /// name raises `Error`.
    pub class: String,
    pub message: String,
}

impl Exception {
    /// An exception of `class` with `message`.
    pub fn new(class: impl Into<String>, message: impl Into<String>) -> Exception {
        Exception {
            class: class.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.message)
    }
}

impl std::error::Error for Exception {}
