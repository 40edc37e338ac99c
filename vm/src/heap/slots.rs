//! The slot table: every object, by index, in one flat buffer.
//!
//! A `Vec` would copy the whole table each time it doubled, and the table
//! grows during a minor collection (promotion takes old slots): a 13 MB
//! copy inside one collection paused the program for tens of
//! milliseconds. The buffer is a [`MappedVec`]: past 1 MiB it is mapped
//! from the kernel and grown with `mremap`, which moves page tables, not
//! slots. (Elsewhere than Linux it grows by copying.) The table was a list
//! of fixed-size chunks before; finding a slot there took a shift, a mask
//! and a load of the chunk's address, on every object access: about 5% of
//! `richards`' instructions.

use std::ops::{Index, IndexMut, Range};

use crate::object::Object;

/// A slot: an object, or free.
pub(super) type Slot = Option<Object>;

use crate::object::MappedVec;

pub(super) struct SlotTable {
    /// Every slot in use, free ones `None`.
    slots: MappedVec<Slot>,
}

impl SlotTable {
    /// A table whose first `young` slots exist (free).
    pub fn new(young: usize) -> SlotTable {
        assert!(
            young < u32::MAX as usize,
            "the heap has more than 2^32 slots"
        );
        let mut slots = MappedVec::new();
        slots.reserve(young);
        for _ in 0..young {
            slots.push(None);
        }
        SlotTable { slots }
    }

    /// Slots in use, free ones included: indexes `[0, len)`.
    #[inline]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// The slot at `i`, if it is below `len`.
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&Slot> {
        self.slots.get(i)
    }

    #[inline(always)]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Slot> {
        self.slots.get_mut(i)
    }

    /// Adds a free slot at the end; returns its index.
    pub fn push_free(&mut self) -> usize {
        let i = self.slots.len();
        assert!(i < u32::MAX as usize, "the heap has more than 2^32 slots");
        self.slots.push(None);
        i
    }

    /// Makes sure the next `n` slots pushed need no new buffer.
    pub fn reserve(&mut self, n: usize) {
        self.slots.reserve(n);
    }

    /// Drops the slots from `len` up (they must be free), and gives back
    /// the buffer's room when the table holds less than half of it.
    pub fn truncate(&mut self, len: usize) {
        debug_assert!(self
            .slots
            .get(len..)
            .is_none_or(|t| t.iter().all(Option::is_none)));
        self.slots.truncate(len);
        if self.slots.capacity() > 2 * len + 1024 {
            self.slots.shrink_to(len + len / 4);
        }
    }

    /// Frees every slot in `range` (dropping what they held).
    pub fn clear_range(&mut self, range: Range<usize>) {
        self.slots[range].fill_with(|| None);
    }

    /// Every slot in use, in index order.
    pub fn iter(&self) -> impl Iterator<Item = &Slot> {
        self.slots.iter()
    }

    /// The slots in `range`, mutably, in index order.
    pub fn range_mut(&mut self, range: Range<usize>) -> impl Iterator<Item = &mut Slot> {
        self.slots[range].iter_mut()
    }
}

impl Index<usize> for SlotTable {
    type Output = Slot;

    #[inline(always)]
    fn index(&self, i: usize) -> &Slot {
        &self.slots[i]
    }
}

impl IndexMut<usize> for SlotTable {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut Slot {
        &mut self.slots[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_free_until_filled_and_survive_growth() {
        let mut t = SlotTable::new(10);
        assert_eq!(t.len(), 10);
        t[3] = Some(Object::Done);
        // Past the mapping threshold and through several remappings.
        while t.len() < 200_000 {
            t.push_free();
        }
        t[100_000] = Some(Object::Done);
        t[199_999] = Some(Object::Done);
        assert!(t[3].is_some() && t.get(100_000).is_some_and(Option::is_some));
        assert!(t[2].is_none() && t[100_001].is_none());
        assert!(t.get(200_000).is_none());
        assert_eq!(t.iter().count(), t.len());
        assert_eq!(t.iter().filter(|s| s.is_some()).count(), 3);
        assert_eq!(
            t.range_mut(99_999..100_002).filter(|s| s.is_some()).count(),
            1
        );
        t.clear_range(2..200_000);
        assert_eq!(t.iter().filter(|s| s.is_some()).count(), 0);
    }

    #[test]
    fn truncate_gives_back_room_and_pushes_reuse_it() {
        let mut t = SlotTable::new(1);
        while t.len() < 300_000 {
            t.push_free();
        }
        let big = t.slots.capacity();
        t.truncate(1000);
        assert_eq!(t.len(), 1000);
        assert!(t.slots.capacity() < big);
        assert_eq!(t.push_free(), 1000);
        t.reserve(50_000);
        let reserved = t.slots.capacity();
        assert!(reserved >= 51_001);
        while t.len() < 51_001 {
            t.push_free();
        }
        assert_eq!(t.slots.capacity(), reserved);
        assert!(t.iter().all(Option::is_none));
    }
}
