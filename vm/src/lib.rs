//! The Cairn virtual machine.
//!
//! [`isa`] defines the instruction set. The class-file model, reader and
//! writer, the verifier, the linker, the interpreter, the heap and the
//! host-call interface build on it. The compiler depends on this crate for the
//! instruction set and the class-file format, never the reverse.
//!
//! `unsafe` is denied except in the modules that need it for speed, each
//! named where it is declared; every block there carries a `SAFETY:`
//! comment naming the invariant (usually a verifier rule) it relies on.
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod asm;
pub mod classfile;
pub mod embed;
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
