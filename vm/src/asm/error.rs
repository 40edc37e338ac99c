//! [`AsmError`]: why [`assemble`](super::assemble) rejected a text.

use std::fmt;

/// A line of `.casm` text the assembler could not read. The assembler stops
/// at the first one; it never panics, whatever the input.
///
/// Displays as `line 14: unknown mnemonic `LOAD_LOCL``; a caller that read
/// the text from a file prefixes the path (`prog.casm:14: ...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong, lowercase, without a final period.
    pub message: String,
}

impl AsmError {
    pub(super) fn new(line: usize, message: impl Into<String>) -> AsmError {
        AsmError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for AsmError {}
