//! The slot table: every object, by index, in chunks that never move.
//!
//! A single `Vec` would copy the whole table each time it doubled, and the
//! table grows during a minor collection (promotion takes old slots): a
//! 13 MB copy inside one collection paused the program for tens of
//! milliseconds. Here the table is a list of fixed-size chunks, so growing
//! allocates one more chunk (650 KB) and copies nothing. Finding a slot is a
//! shift, a mask and one more load than a flat table: the chunk's address.

use std::ops::{Index, IndexMut, Range};

use crate::object::Object;

/// A slot: an object, or free.
pub(super) type Slot = Option<Object>;

const CHUNK_SHIFT: u32 = 14;
/// Slots per chunk.
const CHUNK: usize = 1 << CHUNK_SHIFT;

type Chunk = Box<[Slot; CHUNK]>;

pub(super) struct SlotTable {
    /// Every slot of every chunk is initialised (free slots are `None`);
    /// the indexes in use are `[0, len)`; the chunks cover them, and may
    /// run past them after [`SlotTable::reserve`].
    chunks: Vec<Chunk>,
    len: usize,
}

fn new_chunk() -> Chunk {
    let slots: Box<[Slot]> = (0..CHUNK).map(|_| None).collect();
    match slots.try_into() {
        Ok(chunk) => chunk,
        Err(_) => unreachable!("a chunk is made with exactly CHUNK slots"),
    }
}

impl SlotTable {
    /// A table whose first `young` slots exist (free).
    pub fn new(young: usize) -> SlotTable {
        assert!(
            young < u32::MAX as usize,
            "the heap has more than 2^32 slots"
        );
        SlotTable {
            chunks: (0..young.div_ceil(CHUNK)).map(|_| new_chunk()).collect(),
            len: young,
        }
    }

    /// Slots in use, free ones included: indexes `[0, len)`.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The slot at `i`, if it is below `len` rounded up to a chunk (the
    /// slots past `len` there are free).
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&Slot> {
        let chunk = self.chunks.get(i >> CHUNK_SHIFT)?;
        Some(&chunk[i & (CHUNK - 1)])
    }

    #[inline(always)]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Slot> {
        let chunk = self.chunks.get_mut(i >> CHUNK_SHIFT)?;
        Some(&mut chunk[i & (CHUNK - 1)])
    }

    /// Adds a free slot at the end; returns its index.
    pub fn push_free(&mut self) -> usize {
        let i = self.len;
        if i >> CHUNK_SHIFT == self.chunks.len() {
            assert!(i < u32::MAX as usize, "the heap has more than 2^32 slots");
            self.chunks.push(new_chunk());
        }
        self.len += 1;
        i
    }

    /// Makes sure the next `n` slots pushed need no new chunk (chunks past
    /// `len` hold only free slots).
    pub fn reserve(&mut self, n: usize) {
        let want = (self.len + n).div_ceil(CHUNK);
        while self.chunks.len() < want {
            self.chunks.push(new_chunk());
        }
    }

    /// Drops the slots from `len` up (they must be free), and the chunks
    /// that no longer hold any.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        debug_assert!((len..self.len).all(|i| self[i].is_none()));
        self.chunks.truncate(len.div_ceil(CHUNK));
        self.len = len;
    }

    /// Frees every slot in `range` (dropping what they held).
    pub fn clear_range(&mut self, range: Range<usize>) {
        let mut i = range.start;
        while i < range.end {
            let (c, o) = (i >> CHUNK_SHIFT, i & (CHUNK - 1));
            let n = (CHUNK - o).min(range.end - i);
            self.chunks[c][o..o + n].fill_with(|| None);
            i += n;
        }
    }

    /// Every slot in use, in index order.
    pub fn iter(&self) -> impl Iterator<Item = &Slot> {
        self.chunks.iter().flat_map(|c| c.iter()).take(self.len)
    }

    /// The slots in `range`, mutably, in index order.
    pub fn range_mut(&mut self, range: Range<usize>) -> impl Iterator<Item = &mut Slot> {
        self.chunks
            .iter_mut()
            .flat_map(|c| c.iter_mut())
            .skip(range.start)
            .take(range.len())
    }
}

impl Index<usize> for SlotTable {
    type Output = Slot;

    #[inline(always)]
    fn index(&self, i: usize) -> &Slot {
        &self.chunks[i >> CHUNK_SHIFT][i & (CHUNK - 1)]
    }
}

impl IndexMut<usize> for SlotTable {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut Slot {
        &mut self.chunks[i >> CHUNK_SHIFT][i & (CHUNK - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_cross_chunks_without_moving_earlier_ones() {
        let mut t = SlotTable::new(10);
        assert_eq!(t.len(), 10);
        while t.len() < 3 * CHUNK + 5 {
            t.push_free();
        }
        t[3] = Some(Object::Done);
        let before = t.get(3).unwrap() as *const Slot;
        t[CHUNK] = Some(Object::Done);
        t[3 * CHUNK + 4] = Some(Object::Done);
        for _ in 0..CHUNK {
            t.push_free();
        }
        assert_eq!(t.get(3).unwrap() as *const Slot, before, "a slot moved");
        assert!(t[CHUNK].is_some() && t[3 * CHUNK + 4].is_some());
        assert!(t[CHUNK - 1].is_none() && t[CHUNK + 1].is_none());
        assert_eq!(t.iter().count(), t.len());
        assert_eq!(t.iter().filter(|s| s.is_some()).count(), 3);
        assert_eq!(
            t.range_mut(CHUNK - 1..CHUNK + 2)
                .filter(|s| s.is_some())
                .count(),
            1
        );
        t.clear_range(2..3 * CHUNK + 5);
        assert_eq!(t.iter().filter(|s| s.is_some()).count(), 0);
    }

    #[test]
    fn truncate_drops_whole_chunks() {
        let mut t = SlotTable::new(1);
        while t.len() < 4 * CHUNK {
            t.push_free();
        }
        assert_eq!(t.chunks.len(), 4);
        t.truncate(CHUNK);
        assert_eq!((t.len(), t.chunks.len()), (CHUNK, 1));
        assert_eq!(t.push_free(), CHUNK);
        assert_eq!(t.chunks.len(), 2);
        t.truncate(5);
        assert_eq!((t.len(), t.chunks.len()), (5, 1));
        assert!(t.get(CHUNK).is_none());
    }

    #[test]
    fn reserved_chunks_are_used_before_new_ones() {
        let mut t = SlotTable::new(CHUNK - 10);
        t.reserve(CHUNK);
        assert_eq!((t.len(), t.chunks.len()), (CHUNK - 10, 2));
        while t.len() < 2 * CHUNK {
            t.push_free();
        }
        assert_eq!(t.chunks.len(), 2);
        assert!(t.iter().all(Option::is_none));
        assert_eq!(t.iter().count(), 2 * CHUNK);
        t.push_free();
        assert_eq!(t.chunks.len(), 3);
        t.truncate(CHUNK);
        assert_eq!(t.chunks.len(), 1);
    }
}
