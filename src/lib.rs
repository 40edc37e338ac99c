//! Cairn: a program virtual machine and toolchain.
//!
//! This facade crate is what a Rust host depends on. At its top level is
//! the embedding API ([`Runtime`], [`Config`], conversions, handles, host
//! functions; see `spec/embedding.md`), with source loading added by
//! [`RuntimeExt`] and [`compile`]. It also re-exports the compiler
//! ([`compiler`]), the virtual machine ([`vm`]) and the standard library
//! ([`stdlib`]).
//!
//! ```
//! use cairn::{Config, Runtime, RuntimeExt};
//! let mut rt = Runtime::new(Config::default());
//! let m = rt.load_source("hello", "fn greet(name) { return \"hello, \" + name }\n").unwrap();
//! let s: String = rt.call(m, "greet", ("Rust",)).unwrap();
//! assert_eq!(s, "hello, Rust");
//! ```
#![forbid(unsafe_code)]

mod embed;

pub use cairn_vm::embed::*;
pub use embed::{compile, RuntimeExt};

pub use cairn_compiler as compiler;
pub use cairn_stdlib as stdlib;
pub use cairn_vm as vm;

/// The embedding guide, `spec/embedding.md`: its Rust examples run as doc
/// tests, so the guide cannot drift from the API.
#[doc = include_str!("../spec/embedding.md")]
#[cfg(doctest)]
pub struct EmbeddingGuide;
