//! Cairn: a program virtual machine and toolchain.
//!
//! This facade crate re-exports the compiler ([`compiler`]), the virtual
//! machine ([`vm`]) and the standard library ([`stdlib`]), so a Rust host
//! needs one dependency. A VM gets the standard modules with
//! [`stdlib::install`]; what they may reach is set per VM with
//! [`vm::host::Capabilities`].
//!
//! ```
//! let checked = cairn::compiler::check_source("hello.cairn", "print(\"hello\")\n");
//! assert!(!checked.has_errors());
//! ```
#![forbid(unsafe_code)]

pub use cairn_compiler as compiler;
pub use cairn_stdlib as stdlib;
pub use cairn_vm as vm;
