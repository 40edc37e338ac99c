//! The textual form of class files (`.casm`): a disassembler and an
//! assembler.
//!
//! [`disassemble`] prints every field of a [`ClassFile`](crate::classfile::ClassFile)
//! model as text; [`assemble`] reads that text back, so that
//! `assemble(&disassemble(&cf))` gives `cf` again for every model, including
//! models the reader or the verifier would reject. The assembler checks the
//! text, not the bytecode: it is how tests hand-craft invalid class files.
//! The format is specified in `spec/bytecode.md`, "Textual form (.casm)".
//!
//! `text` holds the vocabulary both directions share; `lex` splits a line
//! into tokens, `line` reads values from them; `parse` assembles the module
//! and its classes, `func` each function.

mod disasm;
mod error;
mod func;
mod lex;
mod line;
mod parse;
mod text;

pub use disasm::{disassemble, disassemble_function};
pub use error::AsmError;
pub use parse::assemble;
