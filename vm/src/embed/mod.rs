//! The embedding API: Cairn inside a Rust program.
//!
//! A [`Runtime`] is one VM. Load verified code into it ([`Program`], from
//! class-file bytes; the `cairn` facade crate adds loading from source),
//! read and write module globals, and call Cairn functions with Rust values:
//! arguments convert with [`IntoValue`] (tuples with [`IntoArgs`]), results
//! with [`FromValue`]. A [`Handle`] keeps a Cairn value alive across calls
//! and collections; a [`Function`] is a handle to something callable.
//!
//! Rust closures become Cairn functions ([`Runtime::create_function`],
//! [`Runtime::define_module`]) with their arguments converted from their
//! signature; a closure that needs the VM takes a [`Caller`] first.
//!
//! Every fallible call returns [`Error`], which carries the Cairn error
//! class, message and traceback and an [`ErrorKind`] that tells a limit
//! (fuel, heap, call depth, interrupt) from a script's own error.
//!
//! ```
//! use cairn_vm::embed::{Config, Runtime};
//! let mut rt = Runtime::new(Config::default().fuel(10_000));
//! let add = rt.create_function("add", |a: i64, b: i64| a + b);
//! assert_eq!(rt.call_function::<i64>(&add, (2, 3)).unwrap(), 5);
//! ```

mod convert;
mod error;
mod handle;
pub(crate) mod host_class;
mod host_fn;
mod runtime;

pub use convert::{FromValue, IntoArgs, IntoValue};
pub use error::{Error, ErrorKind, Exception};
pub use handle::{Function, Handle, State};
pub use host_class::{ClassBuilder, HostConstructor, HostMethod, IntoHostObject};
pub use host_fn::{Caller, HostFunction, HostReturn};
pub use runtime::{Config, Module, ModuleBuilder, Program, Runtime};

/// A small verified module for the documentation's examples: `var limit =
/// 10`, `fn add(a, b)` and `fn over(x)` (whether `x > limit`).
#[doc(hidden)]
pub fn example_program() -> Program {
    let cf = crate::asm::assemble(include_str!("example.casm")).expect("the example assembles");
    Program::from_class_file(cf).expect("the example verifies")
}
