//! Class files (`.cairnc`): the portable, compiled form of one module.
//!
//! [`model`] is the in-memory form; [`read()`] decodes bytes into it, rejecting
//! every malformed input with a specific [`DecodeError`] and never panicking;
//! [`write()`] encodes it deterministically (the same model always gives the
//! same bytes). [`ConstantPool`] builds a deduplicated constant pool for the
//! compiler. The layout is specified in `spec/classfile.md`.

mod crc;
mod error;
mod layout;
pub mod model;
mod pool;
mod read;
mod refs;
mod write;

pub use crc::crc32;
pub use error::DecodeError;
pub use layout::MAX_TABLE_LEN;
pub use model::*;
pub use pool::{ConstantPool, PoolFull};
pub use read::read;
pub use write::write;
