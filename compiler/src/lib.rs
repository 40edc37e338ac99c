//! The Cairn compiler: source text to class files.
//!
//! The front end runs in stages, each its own module, data flowing forward:
//! [`lexer`] (text to tokens), [`parse`] (tokens to [`ast`], via the LALRPOP
//! grammar), and [`resolve`] (scopes, bindings, captures, and the compile errors
//! that need them). [`diag`] renders every stage's diagnostics.
//!
//! ```
//! use cairn_compiler::check_source;
//! let result = check_source("demo.cairn", "let x = 1\nprint(y)\n");
//! assert_eq!(result.diagnostics.len(), 1);
//! assert!(result.diagnostics[0].message.contains("`y`"));
//! ```
#![forbid(unsafe_code)]

pub mod ast;
pub mod ast_print;
pub mod compile;
pub mod diag;
pub mod emit;
pub mod frontend;
pub mod lexer;
pub mod parse;
pub mod resolve;
pub mod session;
pub mod span;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, dead_code)]
    grammar
);

pub use compile::{compile_checked, compile_source, compile_source_with_modules, CompiledModule};
pub use frontend::{check_file, check_source, check_source_with_modules, Checked, LoadError};
