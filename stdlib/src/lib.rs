//! The Cairn standard library: Cairn sources plus native parts bound through
//! the VM's host-function API.

/// The standard-library modules a program may import by bare name.
pub const MODULES: &[&str] = &["math", "io", "fs", "os", "time", "random", "json"];
