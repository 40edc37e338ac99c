//! Handles: how code outside the heap (a host program, a native function
//! holding a value across a collection) keeps an object alive and finds it
//! again after it moved.
//!
//! A [`Handle`] is an index into the VM's handle table, whose entries the
//! collector treats as roots and renames. The table reuses released
//! entries.

use super::Tracer;
use crate::value::Value;

/// A rooted reference to a value, valid until released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle(u32);

/// The VM's table of handles.
#[derive(Debug, Default)]
pub struct Handles {
    entries: Vec<Option<Value>>,
    free: Vec<u32>,
}

impl Handles {
    /// Roots `v`.
    pub fn add(&mut self, v: Value) -> Handle {
        match self.free.pop() {
            Some(i) => {
                self.entries[i as usize] = Some(v);
                Handle(i)
            }
            None => {
                self.entries.push(Some(v));
                Handle((self.entries.len() - 1) as u32)
            }
        }
    }

    /// The value a handle roots now (`None` once released).
    pub fn get(&self, h: Handle) -> Option<Value> {
        self.entries.get(h.0 as usize).copied().flatten()
    }

    /// Replaces the value a handle roots.
    pub fn set(&mut self, h: Handle, v: Value) {
        if let Some(slot @ Some(_)) = self.entries.get_mut(h.0 as usize) {
            *slot = Some(v);
        }
    }

    /// Stops rooting; the handle must not be used again.
    pub fn release(&mut self, h: Handle) {
        if let Some(slot @ Some(_)) = self.entries.get_mut(h.0 as usize) {
            *slot = None;
            self.free.push(h.0);
        }
    }

    /// How many handles are in use.
    pub fn len(&self) -> usize {
        self.entries.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn trace(&mut self, t: &mut dyn Tracer) {
        for v in self.entries.iter_mut().flatten() {
            t.value(v);
        }
    }
}
