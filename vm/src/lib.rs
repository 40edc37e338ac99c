//! The Cairn virtual machine.
//!
//! [`isa`] defines the instruction set. The class-file model, reader and
//! writer, the verifier, the linker, the interpreter, the heap and the
//! host-call interface build on it. The compiler depends on this crate for the
//! instruction set and the class-file format, never the reverse.
#![deny(unsafe_code)]

pub mod asm;
pub mod classfile;
pub mod heap;
pub mod host;
pub mod interp;
pub mod isa;
pub mod object;
pub mod runtime;
pub mod symbol;
pub mod value;
pub mod verify;

/// The version of the Cairn VM crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
