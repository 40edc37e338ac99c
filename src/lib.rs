//! Cairn: a program virtual machine and toolchain.
//!
//! This facade crate re-exports the compiler ([`compiler`]) and the virtual
//! machine ([`vm`]), so a Rust host needs one dependency.
//!
//! ```
//! let checked = cairn::compiler::check_source("hello.cairn", "print(\"hello\")\n");
//! assert!(!checked.has_errors());
//! ```
#![forbid(unsafe_code)]

pub use cairn_compiler as compiler;
pub use cairn_vm as vm;
