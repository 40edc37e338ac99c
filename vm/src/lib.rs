//! The Cairn virtual machine.
//!
//! It will hold the class-file model, reader and writer, the verifier, the
//! linker, the interpreter, the heap and the host-call interface; the
//! compiler depends on it for the class-file format, never the reverse.

/// The version of the Cairn VM crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
