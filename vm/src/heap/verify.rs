//! The heap verifier (`CAIRN_GC_VERIFY=1`, and always under
//! `CAIRN_GC_STRESS=1`): after a collection, checks that every reference
//! names a live object where live objects may be, and that every old object
//! holding a young reference is remembered. A failure is a collector bug,
//! so it panics with what it found.

use super::{minor::NOT_MOVED, Heap, Tracer};
use crate::value::ObjRef;

struct Checker<'h> {
    heap: &'h Heap,
    /// The object being checked (out of its slot meanwhile).
    at: usize,
    young_refs: usize,
}

impl Tracer for Checker<'_> {
    fn obj(&mut self, r: &mut ObjRef) {
        let i = r.index();
        let live = i == self.at || matches!(self.heap.slots.get(i), Some(Some(_)));
        assert!(
            live,
            "heap verifier: object {} refers to {i}, which is not a live object",
            self.at
        );
        if i < self.heap.nursery_end {
            assert!(
                self.heap.young_slot_in_use(i),
                "heap verifier: object {} refers to young slot {i} outside the spaces in use",
                self.at
            );
            self.young_refs += 1;
        }
    }

    fn moves(&self, _: ObjRef) -> bool {
        false
    }
}

impl Heap {
    /// Whether young slot `i` is in a space that may hold objects now.
    fn young_slot_in_use(&self, i: usize) -> bool {
        i < self.top || (self.from..self.from_top).contains(&i)
    }

    pub(super) fn verify(&mut self) {
        for i in 0..self.slots.len() {
            let Some(mut obj) = self.slots[i].take() else {
                continue;
            };
            let mut c = Checker {
                heap: self,
                at: i,
                young_refs: 0,
            };
            obj.trace_mut(&mut c);
            let young_refs = c.young_refs;
            self.slots[i] = Some(obj);
            if i < self.nursery_end {
                assert!(
                    self.young_slot_in_use(i),
                    "heap verifier: young slot {i} holds an object outside the spaces in use"
                );
            } else {
                assert!(
                    young_refs == 0 || self.remembered[i],
                    "heap verifier: old object {i} holds {young_refs} young references but is not remembered"
                );
            }
        }
        assert!(
            self.forward.iter().all(|&f| f == NOT_MOVED),
            "heap verifier: forwarding left behind"
        );
        for &i in &self.remset {
            assert!(
                self.remembered[i as usize] && (i as usize) >= self.nursery_end,
                "heap verifier: remembered-set entry {i} is inconsistent"
            );
        }
        for &i in self.hashes.keys() {
            assert!(
                matches!(self.slots.get(i as usize), Some(Some(_))),
                "heap verifier: identity hash kept for dead slot {i}"
            );
        }
        for &i in &self.free {
            assert!(
                self.slots[i as usize].is_none(),
                "heap verifier: free slot {i} is occupied"
            );
        }
    }
}
