//! The major collection: marks the old generation from the roots and the
//! young objects (all of which a preceding minor collection left alive or
//! pinned), then sweeps what is unmarked onto the free list.

use super::{Heap, Tracer};
use crate::value::ObjRef;

struct Marker<'h> {
    marks: &'h mut [bool],
    nursery_end: usize,
    work: Vec<u32>,
}

impl Tracer for Marker<'_> {
    #[inline]
    fn obj(&mut self, r: &mut ObjRef) {
        let i = r.index();
        if i >= self.nursery_end && !self.marks[i] {
            self.marks[i] = true;
            self.work.push(i as u32);
        }
    }

    fn moves(&self, _: ObjRef) -> bool {
        false
    }
}

impl Heap {
    pub(super) fn major(&mut self, roots: &mut dyn FnMut(&mut dyn Tracer)) {
        self.stats.major_collections += 1;
        self.mark(roots);
        self.sweep();
    }

    /// Marks every old object reachable from `roots` or from any young
    /// object (alive or not: young objects are not traced from the roots
    /// here, so all count).
    fn mark(&mut self, roots: &mut dyn FnMut(&mut dyn Tracer)) {
        let nursery_end = self.nursery_end;
        let Heap { slots, marks, .. } = self;
        let mut m = Marker {
            marks,
            nursery_end,
            work: Vec::new(),
        };
        roots(&mut m);
        for obj in slots.range_mut(0..nursery_end).flatten() {
            obj.trace_mut(&mut m);
        }
        // An explicit work list, so no object graph can overflow the Rust
        // stack.
        while let Some(i) = m.work.pop() {
            if let Some(obj) = &mut slots[i as usize] {
                obj.trace_mut(&mut m);
            }
        }
    }

    /// The bytes of the old objects [`Heap::mark`] reaches, leaving every
    /// mark cleared and nothing freed.
    pub(super) fn mark_old(&mut self, roots: &mut dyn FnMut(&mut dyn Tracer)) -> usize {
        self.mark(roots);
        let mut live = 0;
        for i in self.nursery_end..self.slots.len() {
            if std::mem::take(&mut self.marks[i]) {
                if let Some(obj) = &self.slots[i] {
                    live += obj.size();
                }
            }
        }
        live
    }

    fn sweep(&mut self) {
        let mut live_bytes = 0;
        let mut last_live = self.nursery_end;
        self.free.clear();
        // Downwards, so the free list hands out low indexes first.
        for i in (self.nursery_end..self.slots.len()).rev() {
            if self.marks[i] {
                self.marks[i] = false;
                if let Some(obj) = &self.slots[i] {
                    live_bytes += obj.size();
                    last_live = last_live.max(i + 1);
                }
            } else {
                if self.slots[i].take().is_some() {
                    self.stats.freed_objects += 1;
                    if !self.cards.is_empty() {
                        self.cards.remove(&(i as u32));
                    }
                    if !self.hashes.is_empty() {
                        self.hashes.remove(&(i as u32));
                    }
                }
                self.remembered[i] = false;
                self.free.push(i as u32);
            }
        }
        // Give back the table's free tail.
        self.free.retain(|&i| (i as usize) < last_live);
        self.slots.truncate(last_live);
        self.remembered.truncate(last_live);
        self.marks.truncate(last_live);
        if self.marks.capacity() > 2 * self.marks.len() + 1024 {
            self.remembered.shrink_to_fit();
            self.marks.shrink_to_fit();
        }
        let remembered = &self.remembered;
        self.remset.retain(|&i| remembered[i as usize]);
        let cards = &self.cards;
        self.carded.retain(|i| cards.contains_key(i));
        self.old_bytes = live_bytes;
        self.garbage = 0;
        self.major_threshold = (live_bytes * 2).max(self.config.major_start);
        if let Some(max) = self.config.max_heap {
            // Collect before the limit, not after it.
            self.major_threshold = self.major_threshold.min(max.saturating_sub(max / 8));
        }
    }
}
