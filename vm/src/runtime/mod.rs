//! The runtime library: operators, formatting and the built-in classes'
//! methods, written against the interpreter's native-function interface.

pub mod fibers;
pub mod float_repr;
pub mod format;
pub mod keys;
pub mod lists;
pub mod maps;
pub mod math;
pub mod memory;
pub mod numbers;
pub mod ops;
pub mod prelude;
pub mod strings;
