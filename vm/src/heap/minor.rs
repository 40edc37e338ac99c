//! The minor collection: evacuates live young objects (Cheney-style, with
//! a queue of copied objects still to scan) and empties the spaces they
//! left.

use std::collections::HashMap;

use super::trace::key_ref;
use super::{card_entries, Heap, Tracer, CARD_SHIFT};
use crate::object::Object;
use crate::value::ObjRef;

/// `Heap::forward` of a young object that has not been evacuated.
pub(super) const NOT_MOVED: u32 = u32::MAX;

/// The evacuating tracer.
struct Evac<'h> {
    heap: &'h mut Heap,
    /// Young indexes `[eden_lo, eden_hi)` and `[from_lo, from_hi)` move.
    eden_lo: usize,
    eden_hi: usize,
    from_lo: usize,
    from_hi: usize,
    /// Where survivors that stay young go: `[to_top, to_end)` is free.
    to_top: usize,
    to_end: usize,
    /// Whether survivors may stay young (not while pinned).
    aging: bool,
    /// Copied objects whose references are still to be visited.
    queue: Vec<u32>,
    /// Whether the object being scanned holds a reference to a young
    /// object that can move (after this collection).
    saw_young: bool,
    /// Whether it holds a reference to a pinned object.
    saw_pinned: bool,
    /// `Heap::pinned`.
    pinned: usize,
    /// Identity hashes of moved objects, by new index.
    moved_hashes: HashMap<u32, i64>,
    survivor_bytes: usize,
}

impl Evac<'_> {
    #[inline]
    fn moving(&self, i: usize) -> bool {
        (self.eden_lo..self.eden_hi).contains(&i) || (self.from_lo..self.from_hi).contains(&i)
    }

    /// Visits every reference the object at `j` holds, then keeps it
    /// remembered if one of them names a young object that can move, or
    /// sets it aside until the pin is released if one names a pinned one.
    fn scan(&mut self, j: usize) {
        // A large old list or map is scanned card by card, so that only
        // the cards still holding young references stay remembered.
        if j >= self.heap.nursery_end {
            if let Some(n) = self.heap.slots[j].as_ref().and_then(card_entries) {
                let cards = n.div_ceil(1 << CARD_SHIFT);
                let mut bits = vec![u64::MAX; cards.div_ceil(64)];
                if cards % 64 != 0 {
                    bits[cards / 64] = (1 << (cards % 64)) - 1;
                }
                self.scan_cards(j, &bits);
                return;
            }
        }
        self.scan_whole(j);
    }

    fn scan_whole(&mut self, j: usize) {
        let Some(mut obj) = self.heap.slots[j].take() else {
            return;
        };
        self.saw_young = false;
        self.saw_pinned = false;
        obj.trace_mut(self);
        self.heap.slots[j] = Some(obj);
        let heap = &mut *self.heap;
        // Young objects need remembering only while pinned.
        let rememberable = j >= heap.nursery_end || j < self.pinned;
        if rememberable && self.saw_young {
            heap.remember(j);
        } else if rememberable && self.saw_pinned {
            heap.deferred.push(j as u32);
        }
    }

    /// Visits the references in the dirty cards of the large list or map
    /// at `j` (`bits`, one per card), keeping dirty the cards that still
    /// hold young references. A map whose keys in those cards name young
    /// objects is scanned whole, since renaming a key rehashes the map.
    fn scan_cards(&mut self, j: usize, bits: &[u64]) {
        let Some(mut obj) = self.heap.slots[j].take() else {
            return;
        };
        let mut keep = vec![0u64; bits.len()];
        let (mut kept, mut pinned, mut whole) = (false, false, false);
        let nursery_end = self.heap.nursery_end;
        let cards = bits.iter().enumerate().flat_map(|(w, &word)| {
            (0..64)
                .filter(move |b| word & (1 << b) != 0)
                .map(move |b| w * 64 + b)
        });
        for card in cards {
            let lo = card << CARD_SHIFT;
            self.saw_young = false;
            self.saw_pinned = false;
            match &mut obj {
                Object::List(items) => {
                    let hi = items.len().min(lo + (1 << CARD_SHIFT));
                    if lo < hi {
                        items[lo..hi].iter_mut().for_each(|v| self.value(v));
                    }
                }
                Object::Map(m) => {
                    let slice = m.entries.entries_mut(lo..lo + (1 << CARD_SHIFT));
                    let young_key = slice
                        .iter()
                        .any(|e| key_ref(e.key()).is_some_and(|r| r.index() < nursery_end));
                    if young_key || !m.hashed.is_empty() {
                        whole = true;
                        break;
                    }
                    for e in slice {
                        self.value(&mut e.pair.0);
                        self.value(&mut e.pair.1);
                    }
                }
                _ => {
                    whole = true;
                    break;
                }
            }
            if self.saw_young {
                keep[card / 64] |= 1 << (card % 64);
                kept = true;
            }
            pinned |= self.saw_pinned;
        }
        self.heap.slots[j] = Some(obj);
        if whole {
            self.scan_whole(j);
            return;
        }
        let heap = &mut *self.heap;
        if kept {
            heap.cards.insert(j as u32, keep);
            heap.carded.push(j as u32);
        }
        if pinned {
            heap.deferred.push(j as u32);
        }
    }

    #[cold]
    fn evacuate(&mut self, i: usize) -> u32 {
        let heap = &mut *self.heap;
        let Some(obj) = heap.slots[i].take() else {
            super::dangling(ObjRef(i as u32))
        };
        let size = obj.size();
        let age = heap.age[i].saturating_add(1);
        let dest = if self.aging && age < heap.config.tenure_age && self.to_top < self.to_end {
            let d = self.to_top;
            self.to_top += 1;
            heap.age[d] = age;
            self.survivor_bytes += size;
            d
        } else {
            let d = heap.old_slot();
            heap.old_bytes += size;
            heap.stats.promoted_objects += 1;
            heap.stats.promoted_bytes += size as u64;
            d
        };
        heap.slots[dest] = Some(obj);
        heap.forward[i] = dest as u32;
        if !heap.hashes.is_empty() {
            if let Some(h) = heap.hashes.remove(&(i as u32)) {
                self.moved_hashes.insert(dest as u32, h);
            }
        }
        self.queue.push(dest as u32);
        dest as u32
    }
}

impl Tracer for Evac<'_> {
    #[inline]
    fn obj(&mut self, r: &mut ObjRef) {
        let i = r.index();
        if i >= self.heap.nursery_end {
            return;
        }
        if !self.moving(i) {
            // Pinned, or already in the survivor space it is copied to.
            if i < self.pinned {
                self.saw_pinned = true;
            } else {
                self.saw_young = true;
            }
            return;
        }
        let mut dest = self.heap.forward[i];
        if dest == NOT_MOVED {
            dest = self.evacuate(i);
        }
        *r = ObjRef(dest);
        if (dest as usize) < self.heap.nursery_end {
            self.saw_young = true;
        }
    }

    fn moves(&self, r: ObjRef) -> bool {
        self.moving(r.index())
    }
}

impl Heap {
    pub(super) fn minor(&mut self, roots: &mut dyn FnMut(&mut dyn Tracer)) {
        self.stats.minor_collections += 1;
        let nested = self.nested > 0;
        let survivor = self.eden_start / 2;
        let to = if self.from == 0 { survivor } else { 0 };
        let (from_lo, from_hi) = if nested {
            (0, 0)
        } else {
            (self.from, self.from_top)
        };
        let eden_lo = self.pinned.max(self.eden_start);
        let eden_hi = self.top;
        let remset = std::mem::take(&mut self.remset);
        let pinned = self.pinned;
        let mut ev = Evac {
            heap: self,
            eden_lo,
            eden_hi,
            from_lo,
            from_hi,
            to_top: to,
            to_end: to + survivor,
            aging: !nested && survivor > 0,
            queue: Vec::new(),
            saw_young: false,
            saw_pinned: false,
            pinned,
            moved_hashes: HashMap::new(),
            survivor_bytes: 0,
        };
        roots(&mut ev);
        // Large containers remembered by card, unless remembered whole
        // (then the whole object is scanned below).
        let carded = std::mem::take(&mut ev.heap.carded);
        let mut cards = std::mem::take(&mut ev.heap.cards);
        for j in carded {
            if let Some(bits) = cards.remove(&j) {
                if !ev.heap.remembered[j as usize] {
                    ev.scan_cards(j as usize, &bits);
                }
            }
        }
        // Objects written since the last collection: old ones, and pinned
        // young ones (which may have been given references to objects that
        // move). Those that still hold young references stay remembered.
        // Other young entries are stale: their objects move or die now.
        for &i in &remset {
            let i = i as usize;
            ev.heap.remembered[i] = false;
            if i >= ev.heap.nursery_end || i < pinned {
                ev.scan(i);
            }
        }
        while let Some(j) = ev.queue.pop() {
            ev.scan(j as usize);
        }
        let to_top = ev.to_top;
        let survivor_bytes = ev.survivor_bytes;
        let moved_hashes = std::mem::take(&mut ev.moved_hashes);
        // Empty the spaces evacuated: what is left there is garbage.
        for range in [eden_lo..eden_hi, from_lo..from_hi] {
            self.slots.clear_range(range.clone());
            self.forward[range.clone()].fill(NOT_MOVED);
            self.age[range].fill(0);
        }
        if !self.hashes.is_empty() || !moved_hashes.is_empty() {
            let gone = |i: u32| {
                let i = i as usize;
                (eden_lo..eden_hi).contains(&i) || (from_lo..from_hi).contains(&i)
            };
            self.hashes.retain(|i, _| !gone(*i));
            self.hashes.extend(moved_hashes);
        }
        self.top = eden_lo;
        if nested {
            self.young_bytes = self.pinned_bytes;
        } else {
            self.from = to;
            self.from_top = to_top;
            self.young_bytes = survivor_bytes;
        }
        if self.old_bytes > self.major_threshold {
            self.major_due = true;
        }
    }
}
