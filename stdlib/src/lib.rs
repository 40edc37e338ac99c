//! The Cairn standard library: the modules `io`, `fs`, `os`, `time`,
//! `random` and `json` (`math` is built into the VM).
//!
//! Every module is made of native functions bound with the VM's
//! host-function API ([`Vm::define_module`]), the one embedders use. The
//! functions that touch the outside world do so only through host calls
//! ([`Vm::call_host`]), so the VM's capability checks apply to them: `fs`
//! and `os.env` raise `PermissionError` unless the host granted access.
//!
//! ```
//! let mut vm = cairn_vm::interp::Vm::new();
//! cairn_stdlib::install(&mut vm);
//! assert!(cairn_stdlib::MODULES.iter().all(|m| vm.native_modules.contains_key(m)));
//! ```
#![forbid(unsafe_code)]

mod args;
mod fs;
mod io;
mod json;
mod os;
mod random;
mod time;

use cairn_vm::interp::Vm;

pub use json::{
    parse as parse_json, stringify as stringify_json, ParseError as JsonParseError,
    StringifyError as JsonStringifyError,
};
pub use random::Xoshiro256;

/// The standard-library modules a program may import by bare name.
pub const MODULES: &[&str] = &["math", "io", "fs", "os", "time", "random", "json"];

/// Installs every standard module into `vm` (replacing modules of the same
/// names).
pub fn install(vm: &mut Vm) {
    io::install(vm);
    fs::install(vm);
    os::install(vm);
    time::install(vm);
    random::install(vm);
    json::install(vm);
}
