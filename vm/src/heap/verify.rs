//! The heap verifier (`CAIRN_GC_VERIFY=1`, and always under
//! `CAIRN_GC_STRESS=1`): after a collection, checks that every reference
//! names a live object where live objects may be, and that every old object
//! holding a young reference is remembered. A failure is a collector bug,
//! so it panics with what it found.

use super::trace::key_ref;
use super::{minor::NOT_MOVED, Heap, Tracer, CARD_SHIFT};
use crate::object::Object;
use crate::value::{ObjRef, Value};

struct Checker<'h> {
    heap: &'h Heap,
    /// The object being checked (out of its slot meanwhile).
    at: usize,
    young_refs: usize,
    /// References to young objects that are not pinned.
    movable_refs: usize,
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
            if i >= self.heap.pinned {
                self.movable_refs += 1;
            }
        }
    }

    fn moves(&self, _: ObjRef) -> bool {
        false
    }
}

impl Heap {
    /// Whether every reference to a young object that can move, held by
    /// the large list or map at `i`, lies in one of its dirty cards (and
    /// none is a map key, which needs the whole map remembered).
    fn carded_refs_covered(&self, i: usize) -> bool {
        let Some(bits) = self.cards.get(&(i as u32)) else {
            return false;
        };
        let movable = |v: &Value| {
            v.as_obj()
                .is_some_and(|r| (self.pinned..self.nursery_end).contains(&r.index()))
        };
        let dirty = |entry: usize| {
            let card = entry >> CARD_SHIFT;
            bits.get(card / 64)
                .is_some_and(|w| w & (1 << (card % 64)) != 0)
        };
        match &self.slots[i] {
            Some(Object::List(items)) => items
                .iter()
                .enumerate()
                .all(|(n, v)| !movable(v) || dirty(n)),
            Some(Object::Map(m)) => m.entries.iter().enumerate().all(|(n, (k, (kv, v)))| {
                key_ref(k).is_none_or(|r| r.index() >= self.nursery_end)
                    && (!(movable(kv) || movable(v)) || dirty(n))
            }),
            _ => false,
        }
    }

    /// Whether young slot `i` is in a space that may hold objects now.
    fn young_slot_in_use(&self, i: usize) -> bool {
        (self.eden_start..self.top).contains(&i) || (self.from..self.from_top).contains(&i)
    }

    /// Checks the young generation and the remembered set; with `full`,
    /// every object (the old generation's check costs a walk of the whole
    /// heap, so stress mode does it at major collections).
    pub(super) fn verify(&mut self, full: bool) {
        // Otherwise: the spaces that hold young objects, and the
        // remembered old objects.
        let indexes: Vec<usize> = if full {
            (0..self.slots.len()).collect()
        } else {
            let mut v: Vec<usize> = self.remset.iter().map(|&i| i as usize).collect();
            v.extend(self.eden_start..self.top);
            v.extend(self.from..self.from_top);
            v
        };
        let deferred: std::collections::HashSet<u32> = self.deferred.iter().copied().collect();
        for i in indexes {
            let Some(mut obj) = self.slots[i].take() else {
                continue;
            };
            let mut c = Checker {
                heap: self,
                at: i,
                young_refs: 0,
                movable_refs: 0,
            };
            obj.trace_mut(&mut c);
            let young_refs = c.young_refs;
            let movable_refs = c.movable_refs;
            self.slots[i] = Some(obj);
            if i < self.nursery_end {
                assert!(
                    self.young_slot_in_use(i),
                    "heap verifier: young slot {i} holds an object outside the spaces in use"
                );
            }
            // Old and pinned objects: references to objects that can move
            // must be remembered; an old object's to pinned ones,
            // remembered or set aside.
            if i >= self.nursery_end || i < self.pinned {
                let pinned_refs = young_refs - movable_refs;
                let known = self.remembered[i];
                assert!(
                    movable_refs == 0 || known || self.carded_refs_covered(i),
                    "heap verifier: object {i} holds {movable_refs} references to young objects that move but is not remembered"
                );
                // (A pinned object's references to other pinned objects
                // were made before the pin, when both were young: nothing
                // to remember.)
                assert!(
                    i < self.nursery_end || pinned_refs == 0 || known || deferred.contains(&(i as u32)),
                    "heap verifier: object {i} holds {pinned_refs} references to pinned objects but is neither remembered nor set aside"
                );
            }
        }
        assert!(
            !full || self.forward.iter().all(|&f| f == NOT_MOVED),
            "heap verifier: forwarding left behind"
        );
        for &i in &self.remset {
            assert!(
                self.remembered[i as usize],
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
