//! Values: what a variable, a stack slot or a field holds.
//!
//! A 16-byte tagged enum. NaN-boxing was ruled out by the language: Ints are
//! full 64-bit signed integers and must not be heap-allocated, which a
//! NaN-boxed word (with at most 51 payload bits) cannot hold.

/// A reference to a heap object: an index into the heap's slot table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef(pub(crate) u32);

impl ObjRef {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
// A word-sized tag puts every payload at offset 8: a copy is two whole
// words, never the overlapping 8-byte moves a 1-byte tag leads LLVM to,
// which stall store-to-load forwarding when the copy is read back.
#[repr(u64)]
pub enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Obj(ObjRef),
}

impl Value {
    /// Only `false` and `nil` are false.
    #[inline]
    pub fn truthy(self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    pub fn as_obj(self) -> Option<ObjRef> {
        match self {
            Value::Obj(r) => Some(r),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_stays_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
    }

    #[test]
    fn truthiness() {
        assert!(!Value::Nil.truthy());
        assert!(!Value::Bool(false).truthy());
        assert!(Value::Int(0).truthy());
        assert!(Value::Float(0.0).truthy());
    }
}
