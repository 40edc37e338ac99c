//! Interned names. Field, method and global names become small integers
//! once, at link time, so lookups compare integers instead of strings.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// An interned name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// A map keyed by interned names, with a multiplicative hash: symbols
/// are small dense integers the guest cannot choose freely, so SipHash's
/// protection against chosen keys buys nothing here and costs a lot.
pub type SymMap<V> = HashMap<Sym, V, BuildHasherDefault<SymHasher>>;

/// The hasher behind [`SymMap`].
#[derive(Default, Clone, Copy, Debug)]
pub struct SymHasher(u64);

impl Hasher for SymHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u32(&mut self, n: u32) {
        // Fibonacci hashing; the high bits are the well-mixed ones, and
        // hashbrown takes its control bits from the top.
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The table of interned names of one VM.
#[derive(Default, Debug)]
pub struct Symbols {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, Sym>,
}

impl Symbols {
    pub fn intern(&mut self, name: &str) -> Sym {
        if let Some(&s) = self.index.get(name) {
            return s;
        }
        let sym = Sym(self.names.len() as u32);
        self.names.push(name.into());
        self.index.insert(name.into(), sym);
        sym
    }

    pub fn lookup(&self, name: &str) -> Option<Sym> {
        self.index.get(name).copied()
    }

    pub fn name(&self, sym: Sym) -> &str {
        self.names.get(sym.0 as usize).map_or("?", |n| n)
    }
}
