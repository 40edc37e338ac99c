//! The host-call interface: the one way guest code reaches the world
//! outside the VM, the way a paravirtualised guest talks to its hypervisor
//! through hypercalls.
//!
//! - [`table`] numbers and describes the built-in calls (standard streams,
//!   files, directories, clocks, sleep, entropy, environment, arguments,
//!   exit) and versions the interface.
//! - [`Host`] is what a host implements; [`OsHost`] implements it with the
//!   operating system. Nothing else in the VM or the standard library
//!   touches the outside world.
//! - [`Capabilities`] are granted per VM: the file system, the environment
//!   and embedder-named capabilities are denied unless granted.
//! - [`HostTable`] dispatches a call by number: it validates the arguments,
//!   resolves and checks paths, then runs the host's method or an
//!   embedder's [`HostFn`].
//! - [`ModuleBuilder`] binds natives and host entries as module members;
//!   the standard library and embedders use it alike.
//!
//! `spec/hostcalls.md` is the normative description.

mod bind;
mod caps;
mod dispatch;
mod interface;
mod os;
pub mod table;
#[cfg(test)]
mod tests;

pub use bind::{from_host, static_name, to_host, Extensions, ModuleBuilder, MAX_HOST_DEPTH};
pub use caps::{resolve, Capabilities};
pub use dispatch::{path_kind_of, CallError, HostFn, HostFnImpl, HostTable, MAX_ENTROPY, MAX_READ};
pub use interface::{ErrorKind, Host, HostError, PathKind, WriteMode};
pub use os::OsHost;
pub use table::{
    markdown_table, Access, Call, CallDesc, HostValue, Kind, PathArg, Requires, Target, Version,
    CALLS, FIRST_EMBEDDER_CALL, VERSION,
};
