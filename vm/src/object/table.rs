//! The hash table behind a Map.
//!
//! Entries live in insertion order in one vector (a [`MappedVec`], which
//! grows a large table's buffer without copying it); an open-addressed index
//! (at most three quarters full, probed a cache line at a time, then
//! perturbed)
//! finds them. Each index slot packs
//! the top 32 bits of the key's hash beside the entry's number, so a probe
//! that meets another key's slot is turned away without touching that
//! entry: a lookup reads one index slot and, usually, one entry. An Int
//! key is placed by its own bits and tagged by a seeded folded multiply;
//! other keys hash with seeded foldhash over their canonical form. Probe
//! sequences after the first slot follow the seeded bits, so a program
//! cannot choose keys that all queue behind one another.
//!
//! Removal is the Map's business (it writes a tombstone key over the entry
//! with [`MapTable::replace`]). The entry's slot stays in the index: it
//! still names the entry, whose key now matches nothing, so probes pass
//! it. Rebuilding the index ([`MapTable::retain`], growth) leaves removed
//! entries out.

use std::hash::BuildHasher;

use super::mapped_vec::MappedVec;
use super::{KeyRef, MapHasher, MapKey};
use crate::value::Value;

/// An entry's original key value and its value.
pub type Pair = (Value, Value);

/// One entry: its key's hash, the canonical key, and the pair.
#[derive(Clone, Debug)]
pub struct Entry {
    hash: u64,
    key: MapKey,
    pub pair: Pair,
}

impl Entry {
    /// The canonical key. Read-only: the index files the entry under it.
    #[inline]
    pub fn key(&self) -> &MapKey {
        &self.key
    }
}

/// A key the table can look up: hashes exactly as the [`MapKey`] it
/// equals.
pub trait Lookup {
    fn table_hash(&self, state: &MapHasher) -> u64;
    fn matches(&self, key: &MapKey) -> bool;
}

impl Lookup for MapKey {
    #[inline]
    fn table_hash(&self, state: &MapHasher) -> u64 {
        match self {
            MapKey::Int(i) => int_hash(*i, state),
            k => state.hash_one(k),
        }
    }

    #[inline]
    fn matches(&self, key: &MapKey) -> bool {
        self == key
    }
}

impl Lookup for KeyRef<'_> {
    #[inline]
    fn table_hash(&self, state: &MapHasher) -> u64 {
        match self {
            KeyRef::Int(i) => int_hash(*i, state),
            // `KeyRef::Str` hashes as `MapKey::Str` does.
            k => state.hash_one(k),
        }
    }

    #[inline]
    fn matches(&self, key: &MapKey) -> bool {
        match (self, key) {
            (KeyRef::Int(a), MapKey::Int(b)) => a == b,
            (KeyRef::Str(a), b) => b.text_is(a.as_bytes()),
            _ => false,
        }
    }
}

/// An Int key's hash. Its low half, which places the key, is the Int
/// with its higher bits folded in: nearby Ints land in nearby slots, so a
/// run over sequential keys walks the index in order (as Lua's and
/// CPython's tables do), and keys that differ only in high bits (multiples
/// of a power of two) still spread. Its high half, the tag that turns a
/// probe away and steers the rest of the probe sequence (see [`Probe`]),
/// is a seeded hash of the whole Int.
#[inline]
fn int_hash(i: i64, state: &MapHasher) -> u64 {
    let x = i as u64;
    let place = x ^ (x >> 13) ^ (x >> 29) ^ (x >> 47);
    (state.hash_one(x) & !0xffff_ffff) | (place & 0xffff_ffff)
}

/// An insertion-ordered hash table of [`MapKey`]s.
#[derive(Clone, Debug, Default)]
pub struct MapTable {
    /// In insertion order; a large one grows without copying.
    entries: MappedVec<Entry>,
    /// Empty, or a power of two at least 4/3 of `entries.len()` long (so a
    /// probe always reaches an empty slot). A slot is 0 when empty, else
    /// `(hash >> 32) << 32 | (entry number + 1)`.
    index: MappedVec<u64>,
    state: MapHasher,
}

/// What one entry of capacity costs, for the heap's accounting: the entry
/// (64 bytes) and its share of an index kept at most three quarters
/// full (two slots in a typical one, where the index's doubling left it
/// from three eighths to three quarters full).
pub const ENTRY_BYTES: usize = 80;

/// The smallest index a table with entries gets.
const MIN_INDEX: usize = GROUP;

impl MapTable {
    /// How many entries, tombstones included.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries the table holds without growing.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.entries.capacity()
    }

    /// Makes room for `n` more entries.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve(n);
        let want = index_len(self.entries.len() + n);
        if want > self.index.len() {
            self.rebuild(want);
        }
    }

    /// The number of the entry whose key matches `q`.
    #[inline]
    pub fn get_index_of<Q: Lookup + ?Sized>(&self, q: &Q) -> Option<usize> {
        if self.index.is_empty() {
            return None;
        }
        self.find(q.table_hash(&self.state), |k| q.matches(k))
    }

    /// [`MapTable::get_index_of`] for an Int key, inlined into the
    /// dispatch loop's Map fast paths: the commonest key, compared
    /// without the general lookup's call and its String case.
    #[inline(always)]
    pub fn get_index_of_int(&self, i: i64) -> Option<usize> {
        if self.index.is_empty() {
            return None;
        }
        self.find(
            int_hash(i, &self.state),
            |k| matches!(*k, MapKey::Int(j) if j == i),
        )
    }

    /// The entry whose key `is` accepts, along the probe sequence of
    /// `hash` (the index is not empty).
    #[inline(always)]
    fn find(&self, hash: u64, is: impl Fn(&MapKey) -> bool) -> Option<usize> {
        let tag = hash >> 32;
        let mask = self.index.len() - 1;
        let mut probe = Probe::new(hash, mask);
        loop {
            let slot = self.index[probe.pos];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == tag {
                let at = (slot as u32 - 1) as usize;
                if self.entries.get(at).is_some_and(|e| is(&e.key)) {
                    return Some(at);
                }
            }
            probe.next(mask);
        }
    }

    /// [`MapTable::get`] for an Int key (see
    /// [`MapTable::get_index_of_int`]).
    #[inline(always)]
    pub fn get_int(&self, i: i64) -> Option<&Pair> {
        let at = self.get_index_of_int(i)?;
        self.entries.get(at).map(|e| &e.pair)
    }

    #[inline]
    pub fn get<Q: Lookup + ?Sized>(&self, q: &Q) -> Option<&Pair> {
        let i = self.get_index_of(q)?;
        self.entries.get(i).map(|e| &e.pair)
    }

    #[inline]
    pub fn get_mut<Q: Lookup + ?Sized>(&mut self, q: &Q) -> Option<&mut Pair> {
        let i = self.get_index_of(q)?;
        self.entries.get_mut(i).map(|e| &mut e.pair)
    }

    #[inline]
    pub fn get_index(&self, i: usize) -> Option<(&MapKey, &Pair)> {
        self.entries.get(i).map(|e| (&e.key, &e.pair))
    }

    #[inline]
    pub fn get_index_mut(&mut self, i: usize) -> Option<(&MapKey, &mut Pair)> {
        self.entries.get_mut(i).map(|e| (&e.key, &mut e.pair))
    }

    /// Appends an entry for a key the caller knows is absent, giving its
    /// number.
    pub fn push(&mut self, key: MapKey, pair: Pair) -> usize {
        let hash = key.table_hash(&self.state);
        let at = self.entries.len();
        if index_len(at + 1) > self.index.len() {
            self.rebuild(index_len(at + 1));
        }
        self.entries.push(Entry { hash, key, pair });
        self.file(hash, at);
        at
    }

    /// Puts `key` and `pair` in place of entry `i`, keeping its position,
    /// and gives back the old ones. The new key is not filed in the index:
    /// it is for tombstones, which no lookup should find.
    pub fn replace(&mut self, i: usize, key: MapKey, pair: Pair) -> Option<(MapKey, Pair)> {
        let e = self.entries.get_mut(i)?;
        Some((
            std::mem::replace(&mut e.key, key),
            std::mem::replace(&mut e.pair, pair),
        ))
    }

    /// Keeps only the entries `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&MapKey, &mut Pair) -> bool) {
        self.entries.retain_mut(|e| keep(&e.key, &mut e.pair));
        self.rebuild(index_len(self.entries.len()));
    }

    /// Lets `f` rewrite every key and pair (the collector renaming the
    /// objects instance keys hold), then files every entry again under
    /// its new key's hash.
    pub fn rekey(&mut self, mut f: impl FnMut(&mut MapKey, &mut Pair)) {
        for e in &mut self.entries {
            f(&mut e.key, &mut e.pair);
            e.hash = e.key.table_hash(&self.state);
        }
        self.rebuild(self.index.len());
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index = MappedVec::new();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&MapKey, &Pair)> {
        self.entries.iter().map(|e| (&e.key, &e.pair))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&MapKey, &mut Pair)> {
        self.entries.iter_mut().map(|e| (&e.key, &mut e.pair))
    }

    pub fn keys(&self) -> impl Iterator<Item = &MapKey> {
        self.entries.iter().map(|e| &e.key)
    }

    /// Entries `range` (clamped to the table), for the collector's scan of
    /// a dirty card.
    pub fn entries_mut(&mut self, range: std::ops::Range<usize>) -> &mut [Entry] {
        let hi = range.end.min(self.entries.len());
        let lo = range.start.min(hi);
        &mut self.entries[lo..hi]
    }

    /// Files entry `at` in the first free slot of its probe sequence.
    #[inline]
    fn file(&mut self, hash: u64, at: usize) {
        let mask = self.index.len() - 1;
        let mut probe = Probe::new(hash, mask);
        while self.index[probe.pos] != 0 {
            probe.next(mask);
        }
        let pos = probe.pos;
        // Entry numbers fit 32 bits: a table of 2^32 entries would need
        // 256 GiB, far past any heap limit.
        self.index[pos] = (hash >> 32) << 32 | (at as u64 + 1);
    }

    /// A fresh index of `len` slots (0 or a power of two) holding every
    /// live entry.
    fn rebuild(&mut self, len: usize) {
        // Freed first: a large index goes back to the kernel before its
        // successor is mapped.
        self.index = MappedVec::new();
        self.index = MappedVec::zeroed(len);
        if len == 0 {
            return;
        }
        for at in 0..self.entries.len() {
            let e = &self.entries[at];
            if !e.key.is_removed() {
                let hash = e.hash;
                self.file(hash, at);
            }
        }
    }
}

/// A key's probe sequence through the index. The index is read in
/// groups of [`GROUP`] slots, one cache line. The first slot is the low
/// bits of the hash (for an Int, its own bits: sequential keys take
/// sequential slots); the probe then reads the rest of that slot's group,
/// wrapping within it, so a lookup that meets an occupied slot usually
/// ends in the line it has already loaded. Only a full group sends it on,
/// to a group steered by the whole hash, seeded tag included, as
/// CPython's probes are: `group = 5 * group + 1 + perturb` with `perturb`
/// shifted down each step. So keys that share a first group (a dense run
/// of Ints, or Ints a program picked to collide) part ways after it
/// instead of queueing along a linear run, and once `perturb` is spent the
/// recurrence visits every group, so a probe always reaches one of the
/// empty slots the index keeps.
struct Probe {
    pos: usize,
    /// Slots of the current group still to read after `pos`.
    left: u32,
    perturb: u64,
}

/// Slots per probe group: 8 slots of 8 bytes, one cache line. Every index
/// is a multiple of it long.
const GROUP: usize = 8;

impl Probe {
    #[inline]
    fn new(hash: u64, mask: usize) -> Probe {
        Probe {
            pos: hash as usize & mask,
            left: GROUP as u32 - 1,
            perturb: hash,
        }
    }

    #[inline]
    fn next(&mut self, mask: usize) {
        if self.left > 0 {
            self.left -= 1;
            self.pos = (self.pos & !(GROUP - 1)) | ((self.pos + 1) & (GROUP - 1));
            return;
        }
        self.left = GROUP as u32 - 1;
        self.perturb >>= 5;
        let group = self.pos / GROUP;
        let group = group
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(self.perturb as usize);
        self.pos = (group.wrapping_mul(GROUP) | (self.pos & (GROUP - 1))) & mask;
    }
}

/// The index length for `n` entries: empty for none, else a power of two
/// at least `4n / 3`: at most three quarters full. A lookup reads its
/// first slot's whole cache line, so a fuller index costs few more reads,
/// and a smaller one misses the cache less: a map of 300,000 String keys
/// has a 4 MB index instead of 8 MB, and `map_string` ran 9% faster.
fn index_len(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (n + n.div_ceil(3)).next_power_of_two().max(MIN_INDEX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(i: i64) -> Pair {
        (Value::Int(i), Value::Int(i * 10))
    }

    #[test]
    fn finds_what_it_holds_in_order() {
        let mut t = MapTable::default();
        for i in 0..1000 {
            assert_eq!(t.push(MapKey::Int(i * 7), pair(i)), i as usize);
        }
        t.push(MapKey::str("seven"), pair(-1));
        for i in 0..1000 {
            assert_eq!(t.get_index_of(&KeyRef::Int(i * 7)), Some(i as usize));
            assert_eq!(t.get_index_of_int(i * 7), Some(i as usize));
            assert_eq!(t.get(&MapKey::Int(i * 7)), Some(&pair(i)));
            assert_eq!(t.get_int(i * 7), Some(&pair(i)));
            assert_eq!(t.get_index_of(&KeyRef::Int(i * 7 + 1)), None);
            assert_eq!(t.get_index_of_int(i * 7 + 1), None);
        }
        // A String key is never an Int's match, nor an Int a String's.
        assert_eq!(t.get_index_of_int(-1), None);
        assert_eq!(MapTable::default().get_int(0), None);
        assert_eq!(t.get_index_of(&KeyRef::Str("seven")), Some(1000));
        assert_eq!(t.get_index_of(&KeyRef::Str("eight")), None);
        let keys: Vec<&MapKey> = t.keys().take(3).collect();
        assert_eq!(keys, [&MapKey::Int(0), &MapKey::Int(7), &MapKey::Int(14)]);
    }

    #[test]
    fn a_replaced_key_is_not_found_and_can_return() {
        let mut t = MapTable::default();
        for i in 0..20 {
            t.push(MapKey::Int(i), pair(i));
        }
        let old = t.replace(5, MapKey::Removed(1), (Value::Nil, Value::Nil));
        assert_eq!(old, Some((MapKey::Int(5), pair(5))));
        assert_eq!(t.get_index_of(&KeyRef::Int(5)), None);
        assert_eq!(t.get_index_of_int(5), None);
        assert_eq!(t.get_index_of(&MapKey::Int(6)), Some(6));
        assert_eq!(t.push(MapKey::Int(5), pair(50)), 20);
        assert_eq!(t.get(&KeyRef::Int(5)), Some(&pair(50)));
        t.retain(|k, _| !k.is_removed());
        assert_eq!(t.len(), 20);
        assert_eq!(t.get_index_of(&KeyRef::Int(5)), Some(19));
        assert_eq!(t.get_index_of(&KeyRef::Int(6)), Some(5));
    }

    #[test]
    fn rekeying_refiles_every_entry() {
        let mut t = MapTable::default();
        for i in 0..100 {
            t.push(MapKey::Range(i, i, false), pair(i));
        }
        t.rekey(|k, _| {
            if let MapKey::Range(a, b, _) = k {
                *a += 1000;
                *b += 1000;
            }
        });
        assert_eq!(t.get_index_of(&MapKey::Range(1042, 1042, false)), Some(42));
        assert_eq!(t.get_index_of(&MapKey::Range(42, 42, false)), None);
    }

    /// How many groups of the index (cache lines) a lookup of `q` reads.
    fn probes(t: &MapTable, q: &impl Lookup) -> usize {
        let hash = q.table_hash(&t.state);
        let mask = t.index.len() - 1;
        let mut probe = Probe::new(hash, mask);
        let mut n = 1;
        while t.index[probe.pos] != 0 {
            let i = (t.index[probe.pos] as u32 - 1) as usize;
            if q.matches(&t.entries[i].key) {
                break;
            }
            let group = probe.pos / GROUP;
            probe.next(mask);
            n += usize::from(probe.pos / GROUP != group);
        }
        n
    }

    #[test]
    fn keys_that_share_a_first_slot_do_not_queue() {
        // A dense run of Ints, then keys of another kind whose first slots
        // land inside the run: linear probing would walk the run.
        let mut t = MapTable::default();
        for i in 0..20_000 {
            t.push(MapKey::Int(i), pair(i));
        }
        for i in 0..20_000 {
            t.push(MapKey::str(&format!("k{i}")), pair(i));
        }
        let worst = (0..20_000)
            .map(|i| probes(&t, &MapKey::str(&format!("k{i}"))))
            .max();
        assert!(worst < Some(12), "{worst:?}");
        // Ints chosen so that all have the same first slot.
        let mut t = MapTable::default();
        t.reserve(4096);
        let mask = t.index.len() - 1;
        let same: Vec<i64> = (0..i64::MAX)
            .filter(|&i| int_hash(i, &t.state) as usize & mask == 0)
            .take(2000)
            .collect();
        for &k in &same {
            t.push(MapKey::Int(k), pair(k));
        }
        let worst = same.iter().map(|&k| probes(&t, &KeyRef::Int(k))).max();
        assert!(worst < Some(12), "{worst:?}");
    }

    #[test]
    fn a_probe_reaches_every_slot() {
        // An index at most three quarters full always has an empty slot;
        // the probe must get there whatever the hash, so its sequence
        // covers the index.
        for len in [GROUP, 64, 1024] {
            let mask = len - 1;
            for hash in [0, 1, u64::MAX, 0x9e37_79b9_7f4a_7c15, 0xdead_beef << 32] {
                let mut seen = vec![false; len];
                let mut probe = Probe::new(hash, mask);
                // Perturbation is spent after 13 jumps; then the group
                // recurrence has full period.
                for _ in 0..GROUP * (len / GROUP + 14) {
                    seen[probe.pos] = true;
                    probe.next(mask);
                }
                assert!(seen.iter().all(|&s| s), "len {len}, hash {hash:#x}");
            }
        }
    }

    #[test]
    fn clear_and_reserve_keep_it_usable() {
        let mut t = MapTable::default();
        assert_eq!(t.get_index_of(&KeyRef::Int(1)), None);
        t.reserve(100);
        assert!(t.capacity() >= 100);
        t.push(MapKey::Int(1), pair(1));
        t.clear();
        assert!(t.is_empty());
        assert_eq!(t.get_index_of(&KeyRef::Int(1)), None);
        t.push(MapKey::Int(1), pair(2));
        assert_eq!(t.get(&KeyRef::Int(1)), Some(&pair(2)));
    }
}
