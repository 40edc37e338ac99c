//! [`ConstantPool`]: the compiler's builder for a class file's constants.
//!
//! Each distinct constant is stored once, in first-use order, so the same
//! sequence of requests always gives the same pool. Constants are compared
//! by [`Constant::key`]: by bits for floats, so `0.0` and `-0.0` stay apart
//! and a NaN matches only the same NaN.

use std::fmt;
use std::hash::{Hash, Hasher};

use indexmap::{Equivalent, IndexSet};

use super::layout::MAX_TABLE_LEN;
use super::model::{ConstKey, Constant};

/// A deduplicating constant-pool builder. Indexes are `u16`, so a pool holds
/// at most 65,536 constants.
///
/// ```
/// use cairn_vm::classfile::{ConstantPool, Constant};
///
/// let mut pool = ConstantPool::new();
/// let a = pool.str("area")?;
/// assert_eq!(pool.int(42)?, 1);
/// assert_eq!(pool.str("area")?, a);
/// assert_ne!(pool.float(0.0)?, pool.float(-0.0)?);
/// assert_eq!(pool.into_vec()[0], Constant::Str("area".into()));
/// # Ok::<(), cairn_vm::classfile::PoolFull>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ConstantPool {
    entries: IndexSet<Entry>,
}

/// The error when a pool already holds 65,536 constants and a new one is
/// asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolFull;

impl fmt::Display for PoolFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "too many constants: a module holds at most {MAX_TABLE_LEN}"
        )
    }
}

impl std::error::Error for PoolFull {}

impl ConstantPool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of the Int `v`, added if new.
    ///
    /// # Errors
    /// [`PoolFull`] if `v` is new and the pool is full.
    pub fn int(&mut self, v: i64) -> Result<u16, PoolFull> {
        self.intern(ConstKey::Int(v), || Constant::Int(v))
    }

    /// The index of the Float `v` (by bits), added if new.
    ///
    /// # Errors
    /// [`PoolFull`] if `v` is new and the pool is full.
    pub fn float(&mut self, v: f64) -> Result<u16, PoolFull> {
        self.intern(ConstKey::Float(v.to_bits()), || Constant::Float(v))
    }

    /// The index of the String `s`, added if new.
    ///
    /// # Errors
    /// [`PoolFull`] if `s` is new and the pool is full.
    pub fn str(&mut self, s: &str) -> Result<u16, PoolFull> {
        self.intern(ConstKey::Str(s), || Constant::Str(s.to_owned()))
    }

    /// The index of any constant, added if new.
    ///
    /// # Errors
    /// [`PoolFull`] if `c` is new and the pool is full.
    pub fn add(&mut self, c: &Constant) -> Result<u16, PoolFull> {
        self.intern(c.key(), || c.clone())
    }

    /// The constant at `index`.
    pub fn get(&self, index: u16) -> Option<&Constant> {
        self.entries.get_index(usize::from(index)).map(|e| &e.0)
    }

    /// How many constants the pool holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the pool holds no constants.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The constants in index order, for [`ClassFile::constants`](super::ClassFile::constants).
    pub fn into_vec(self) -> Vec<Constant> {
        self.entries.into_iter().map(|e| e.0).collect()
    }

    fn intern(
        &mut self,
        key: ConstKey<'_>,
        make: impl FnOnce() -> Constant,
    ) -> Result<u16, PoolFull> {
        if let Some(i) = self.entries.get_index_of(&key) {
            return Ok(index(i));
        }
        if self.entries.len() >= MAX_TABLE_LEN as usize {
            return Err(PoolFull);
        }
        let (i, _) = self.entries.insert_full(Entry(make()));
        Ok(index(i))
    }
}

/// Entries never pass `MAX_TABLE_LEN`, so every index fits.
fn index(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// A constant that hashes and compares by its key.
#[derive(Clone, Debug)]
struct Entry(Constant);

impl Hash for Entry {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.key().hash(state);
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.0.key() == other.0.key()
    }
}

impl Eq for Entry {}

impl Equivalent<Entry> for ConstKey<'_> {
    fn equivalent(&self, entry: &Entry) -> bool {
        *self == entry.0.key()
    }
}
