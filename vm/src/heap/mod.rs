//! The heap: every object the VM allocates, and the generational collector.
//!
//! See `spec/heap.md` for the layout, barrier and policies in prose.
//!
//! **Layout.** Objects live in one table of slots and are named by index
//! ([`ObjRef`]); an object's payload (a list's items, a string's bytes) is
//! owned by its slot. Indexes below `Heap::nursery_end` are the young
//! generation: an *eden* where allocation bumps a pointer, and two
//! *survivor* spaces. Indexes from there up are the old generation, a table
//! with a free list.
//!
//! **Minor collection** (copying): live young objects are evacuated,
//! Cheney-style, to the other survivor space or, once old enough, to the old
//! generation, and every reference to them is renamed; then the eden and the
//! survivor space they left are emptied wholesale.
//!
//! **Major collection** (mark-sweep): after a minor one, marks the old
//! generation from the roots and frees what is unmarked.
//!
//! **Write barrier.** [`Heap::get_mut`] is the only way to change an object,
//! so the barrier lives there: taking an old object for writing adds it to
//! the remembered set (once), which a minor collection scans as roots.
//!
//! **Safepoints and pinning.** Collection happens only at interpreter
//! safepoints, when every live value is in a root the collector can rename.
//! Native code that calls back into Cairn holds references in Rust locals
//! across the nested loop, so such a call pins the nursery as it stands
//! ([`Heap::pin`]): collections inside it leave those objects where they are
//! (and alive), moving only what the nested code allocated.

mod handles;
mod major;
mod minor;
mod slots;
mod stats;
pub mod trace;
mod verify;

use std::collections::HashMap;

pub use handles::{Handle, Handles};
pub use stats::HeapStats;
pub use trace::Tracer;

use crate::object::Object;
use crate::value::{ObjRef, Value};
use slots::SlotTable;

/// Lists and maps with at least this many entries are remembered by card
/// when written entry by entry.
const CARD_MIN_ENTRIES: usize = 1024;
/// A card covers `1 << CARD_SHIFT` entries.
const CARD_SHIFT: u32 = 7;

/// How many entries `obj` has if it is a list or map large enough to be
/// remembered by card. Keys that hash by a class's `hash` are also listed
/// outside the entries, so maps that have any are remembered whole.
fn card_entries(obj: &Object) -> Option<usize> {
    let n = match obj {
        Object::List(items) => items.len(),
        Object::Map(m) if m.hashed.is_empty() => m.entries.len(),
        _ => return None,
    };
    (n >= CARD_MIN_ENTRIES).then_some(n)
}

/// Sizes and policies, chosen by measurement (see `spec/heap.md`).
#[derive(Clone, Debug)]
pub struct HeapConfig {
    /// Eden capacity, in objects.
    pub eden: usize,
    /// Each survivor space's capacity, in objects.
    pub survivor: usize,
    /// Minor collections an object survives before promotion (1: at the
    /// first).
    pub tenure_age: u8,
    /// Objects larger than this (bytes, payload included) are allocated
    /// straight into the old generation.
    pub large_object: usize,
    /// Old-generation bytes that start the first major collection; later
    /// ones start when the old generation doubles.
    pub major_start: usize,
    /// The most bytes the heap may hold; past it, `MemoryError`.
    pub max_heap: Option<usize>,
    /// Collect at every safepoint after an allocation (`CAIRN_GC_STRESS=1`).
    pub stress: bool,
    /// Under stress, at most every Nth collection is a major one (fewer
    /// as the old generation grows).
    pub stress_major_every: u32,
    /// Check the heap's invariants after every collection.
    pub verify: bool,
    /// Print a line to stderr for every collection (`CAIRN_GC_TRACE=1`).
    pub trace: bool,
}

impl Default for HeapConfig {
    fn default() -> HeapConfig {
        HeapConfig {
            eden: 8 * 1024,
            survivor: 1024,
            tenure_age: 2,
            large_object: 32 * 1024,
            major_start: 16 << 20,
            max_heap: None,
            stress: false,
            stress_major_every: 64,
            verify: false,
            trace: false,
        }
    }
}

impl HeapConfig {
    /// The defaults, adjusted by `CAIRN_GC_STRESS=1` (stress and verify),
    /// `CAIRN_GC_VERIFY=1`, `CAIRN_GC_TRACE=1` (a line per collection), and for measuring, `CAIRN_GC_EDEN=N` (objects)
    /// and `CAIRN_GC_TENURE=N` (minor collections survived before
    /// promotion).
    pub fn from_env() -> HeapConfig {
        let on = |name: &str| std::env::var_os(name).is_some_and(|v| v == "1");
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
        };
        let stress = on("CAIRN_GC_STRESS");
        let defaults = HeapConfig::default();
        let eden = number("CAIRN_GC_EDEN").map_or(defaults.eden, |n| n.clamp(16, 1 << 24));
        HeapConfig {
            stress,
            verify: stress || on("CAIRN_GC_VERIFY"),
            trace: on("CAIRN_GC_TRACE"),
            eden,
            survivor: eden / 8,
            tenure_age: number("CAIRN_GC_TENURE")
                .map_or(defaults.tenure_age, |n| n.clamp(1, 15) as u8),
            ..defaults
        }
    }
}

/// What a collection at a safepoint found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Even after a major collection the heap is over its limit.
    OverLimit,
}

/// The state [`Heap::pin`] saves.
#[derive(Clone, Copy, Debug)]
#[must_use = "pass it back to Heap::unpin"]
pub struct Pin {
    pinned: usize,
    nested: u32,
    pinned_bytes: usize,
}

pub struct Heap {
    slots: SlotTable,
    /// The young generation is `[0, nursery_end)`: two survivor spaces,
    /// then the eden `[eden_start, nursery_end)`.
    nursery_end: usize,
    /// Where the eden's allocation pointer triggers
    /// [`Heap::prepare_promotion`] (halfway).
    prepare_at: usize,
    eden_start: usize,
    /// Eden's bump pointer.
    top: usize,
    /// Young objects below this are pinned (see [`Heap::pin`]); 0 when
    /// nothing is. Both survivor spaces lie below any pin, so one compare
    /// in the write barrier finds pinned objects.
    pinned: usize,
    /// How many pins are in force.
    nested: u32,
    /// Start of the survivor space that holds survivors now ("from").
    from: usize,
    /// End of what "from" holds.
    from_top: usize,
    /// Minor collections survived, per young slot.
    age: Vec<u8>,
    /// During a minor collection: where each evacuated young object went
    /// ([`minor::NOT_MOVED`] if it has not).
    forward: Vec<u32>,
    /// Young bytes when the innermost pin was taken.
    pinned_bytes: usize,
    /// Old slots free for reuse.
    free: Vec<u32>,
    /// Per slot: in the remembered set (old) or marked (during a major).
    remembered: Vec<bool>,
    remset: Vec<u32>,
    /// Large old lists and maps written entry by entry ([`Heap::get_mut_entry`])
    /// are remembered by card instead of whole: per object, a bit for each
    /// run of `1 << CARD_SHIFT` entries written since the last minor
    /// collection (or still holding young references).
    cards: HashMap<u32, Vec<u64>, foldhash::fast::RandomState>,
    /// The objects in `cards`, in the order they were first marked.
    carded: Vec<u32>,
    /// Objects whose only young references name pinned objects: they need
    /// no scanning until the pin is released, and then join the
    /// remembered set.
    deferred: Vec<u32>,
    marks: Vec<bool>,
    /// Identity hashes handed out for objects that have since moved, or
    /// that were young when asked: by current index.
    hashes: HashMap<u32, i64>,
    next_hash: i64,
    /// Estimated bytes held by young objects, and by old ones.
    young_bytes: usize,
    old_bytes: usize,
    /// Start a major collection once `old_bytes` passes this.
    major_threshold: usize,
    /// Past this many young bytes an allocation makes a collection due:
    /// where the heap would pass its ceiling (the limit, plus any grace),
    /// or where the young generation has grown by an eighth of the limit
    /// since the last collection. Kept up to date with `old_bytes`, so
    /// that allocation tests the limit with one compare.
    alloc_limit: usize,
    /// `young_bytes` after the last collection.
    young_base: usize,
    /// Room past the limit given to the program while it handles the
    /// `MemoryError` a collection raised (0 when the heap is under its
    /// limit): a collection raises again only past `max_heap + grace`.
    grace: usize,
    /// Bytes of old objects found unreachable by [`Heap::measure_garbage`]
    /// since the last major collection: counted in `old_bytes` until that
    /// collection frees them, but not against the limit.
    garbage: usize,
    /// A collection is due at the next safepoint.
    due: bool,
    /// The next due collection must be major.
    major_due: bool,
    /// `stats.minor_collections` at the last major collection.
    minors_at_major: u64,
    pub config: HeapConfig,
    pub stats: HeapStats,
}

impl Default for Heap {
    fn default() -> Heap {
        Heap::new(HeapConfig::default())
    }
}

impl Heap {
    pub fn new(config: HeapConfig) -> Heap {
        let eden = config.eden.max(16);
        let survivor = if config.tenure_age > 1 {
            config.survivor.max(1)
        } else {
            0
        };
        let eden_start = 2 * survivor;
        let nursery_end = eden_start + eden;
        let mut heap = Heap {
            slots: SlotTable::new(nursery_end),
            nursery_end,
            eden_start,
            top: eden_start,
            prepare_at: eden_start + eden / 2,
            pinned: 0,
            nested: 0,
            from: 0,
            from_top: 0,
            age: vec![0; nursery_end],
            forward: vec![minor::NOT_MOVED; nursery_end],
            pinned_bytes: 0,
            free: Vec::new(),
            remembered: vec![false; nursery_end],
            remset: Vec::new(),
            cards: HashMap::default(),
            carded: Vec::new(),
            deferred: Vec::new(),
            marks: vec![false; nursery_end],
            hashes: HashMap::new(),
            next_hash: 1 << 40,
            young_bytes: 0,
            old_bytes: 0,
            major_threshold: config.major_start,
            alloc_limit: usize::MAX,
            young_base: 0,
            grace: 0,
            garbage: 0,
            due: false,
            major_due: false,
            minors_at_major: 0,
            config,
            stats: HeapStats::default(),
        };
        heap.update_alloc_limit();
        heap
    }

    /// Allocates `obj`: in the eden, or in the old generation if it is
    /// large or the eden is full. Never collects.
    #[inline]
    pub fn alloc(&mut self, obj: Object) -> ObjRef {
        let size = obj.size();
        self.stats.allocated_objects += 1;
        self.stats.allocated_bytes += size as u64;
        if self.config.stress {
            self.due = true;
        }
        if self.top < self.nursery_end && size <= self.config.large_object {
            let i = self.top;
            self.top += 1;
            debug_assert!(self.slots[i].is_none());
            self.slots[i] = Some(obj);
            self.young_bytes += size;
            // Past the limit (or a young generation grown large): collect
            // at the next safepoint, which raises `MemoryError` if the
            // heap is still over then.
            if self.young_bytes > self.alloc_limit {
                self.due = true;
            }
            if self.top == self.nursery_end {
                self.due = true;
            } else if self.top == self.prepare_at {
                self.prepare_promotion();
            }
            return ObjRef(i as u32);
        }
        self.alloc_old(obj, size)
    }

    #[cold]
    fn alloc_old(&mut self, mut obj: Object, size: usize) -> ObjRef {
        // It may hold young references from the start: then it is
        // remembered. Most objects that overflow the eden (the strings a
        // native like `split` makes by the thousand) hold none, and
        // remembering them all would make the next minor collection scan
        // every one.
        let mut finder = YoungFinder {
            nursery_end: self.nursery_end,
            found: false,
        };
        obj.trace_mut(&mut finder);
        let i = self.old_slot();
        self.slots[i] = Some(obj);
        self.grew_old(size);
        if finder.found {
            self.remember(i);
        }
        ObjRef(i as u32)
    }

    /// Halfway through the eden, makes room for the next minor collection
    /// to promote every young object without growing the slot table or its
    /// side tables: a new chunk of slots is 640 KB of fresh pages, which
    /// made every other collection of a growing heap twice as long.
    #[cold]
    fn prepare_promotion(&mut self) {
        let need = self.nursery_end.saturating_sub(self.free.len());
        self.slots.reserve(need);
        self.remembered.reserve(need);
        self.marks.reserve(need);
    }

    /// A free old slot.
    fn old_slot(&mut self) -> usize {
        match self.free.pop() {
            Some(i) => i as usize,
            None => {
                self.remembered.push(false);
                self.marks.push(false);
                self.slots.push_free()
            }
        }
    }

    fn grew_old(&mut self, size: usize) {
        self.old_bytes += size;
        if self.old_bytes > self.major_threshold {
            self.due = true;
            self.major_due = true;
        }
        self.update_alloc_limit();
        self.check_limit();
    }

    /// Makes a collection due if the heap has passed `alloc_limit`.
    #[inline]
    fn check_limit(&mut self) {
        if self.young_bytes > self.alloc_limit {
            self.due = true;
        }
    }

    /// Recomputes `alloc_limit` from the limit, the grace and the bytes
    /// the heap holds.
    fn update_alloc_limit(&mut self) {
        self.alloc_limit = match self.config.max_heap {
            None => usize::MAX,
            Some(max) => {
                let ceiling = max.saturating_add(self.grace);
                let over = ceiling.saturating_sub(self.old_bytes - self.garbage);
                over.min(self.young_base.saturating_add(max / 8))
            }
        };
    }

    /// Notes that an object's payload grew by `bytes` (a list or map that
    /// grew in place), for pacing and the heap limit. Code that grows a
    /// payload checks the growth first ([`Heap::would_exceed`]).
    pub fn grew(&mut self, r: ObjRef, bytes: usize) {
        self.stats.allocated_bytes += bytes as u64;
        if self.is_young(r) {
            self.young_bytes += bytes;
            self.check_limit();
        } else {
            self.grew_old(bytes);
        }
    }

    /// Whether allocating `bytes` more would pass the heap's ceiling: the
    /// limit, plus the grace given while a `MemoryError` is handled (see
    /// [`Heap::limit_outcome`]). Natives check before building large
    /// values or growing containers.
    pub fn would_exceed(&self, bytes: usize) -> bool {
        self.ceiling()
            .is_some_and(|c| self.counted_bytes().saturating_add(bytes) > c)
    }

    /// The most bytes the heap may hold now: the limit, plus the grace
    /// given while a `MemoryError` is handled. `None` without a limit.
    pub fn ceiling(&self) -> Option<usize> {
        self.config
            .max_heap
            .map(|max| max.saturating_add(self.grace))
    }

    /// Whether the heap holds more than its limit (not counting any
    /// grace): then every collection is a major one.
    fn over_limit(&self) -> bool {
        self.config
            .max_heap
            .is_some_and(|max| self.counted_bytes() > max)
    }

    /// The bytes that may still be allocated under the ceiling
    /// (`usize::MAX` without a limit): for a hot path that tests an
    /// uncommon growth against it.
    #[inline]
    pub fn room(&self) -> usize {
        self.ceiling()
            .map_or(usize::MAX, |c| c.saturating_sub(self.counted_bytes()))
    }

    /// Finds how many of the old generation's bytes are garbage, without
    /// freeing anything: marks from `roots` and every young object, and
    /// counts what is left unmarked. Natives use it when a large value
    /// would not fit under the limit, since the heap's count includes old
    /// objects that died since the last major collection (a large string
    /// just dropped) and a native cannot collect. Nothing is freed or
    /// moved, so it is sound whatever the native holds in Rust locals (an
    /// object only they hold is counted as garbage, which errs towards
    /// letting the value be built, never towards a dangling reference).
    /// The garbage found no longer counts against the limit until
    /// [`Heap::collect_garbage`] (which the dispatch loop runs before its
    /// next general-path instruction) or a major collection frees it.
    pub fn measure_garbage(&mut self, roots: &mut dyn FnMut(&mut dyn Tracer)) {
        let live = self.mark_old(roots);
        let garbage = self.old_bytes.saturating_sub(live);
        if garbage > self.garbage {
            self.garbage = garbage;
            self.request_major();
            self.update_alloc_limit();
        }
    }

    /// Whether `r` names a young object.
    #[inline]
    pub fn is_young(&self, r: ObjRef) -> bool {
        r.index() < self.nursery_end
    }

    /// The object behind a reference. References come only from `alloc`
    /// and stay valid while reachable, which the collector guarantees.
    #[inline]
    pub fn get(&self, r: ObjRef) -> &Object {
        match self.slots.get(r.index()) {
            Some(Some(obj)) => obj,
            _ => dangling(r),
        }
    }

    /// The object behind a reference, for writing. This is the write
    /// barrier: an old or pinned object taken for writing is remembered,
    /// since the write may store into it a reference to an object that can
    /// move.
    #[inline]
    pub fn get_mut(&mut self, r: ObjRef) -> &mut Object {
        let i = r.index();
        if (i >= self.nursery_end || i < self.pinned) && !self.remembered[i] {
            self.remember(i);
        }
        match self.slots.get_mut(i) {
            Some(Some(obj)) => obj,
            _ => dangling(r),
        }
    }

    /// [`Heap::get_mut`] for a write to one entry of a list or map: item
    /// `entry` of a list (its length, to push), or entry `entry` of a map
    /// in insertion order (its length, to add one). A large old container
    /// then has only that entry's card remembered, so the next minor
    /// collection scans that card and not every entry.
    #[inline]
    pub fn get_mut_entry(&mut self, r: ObjRef, entry: usize) -> &mut Object {
        let i = r.index();
        if (i >= self.nursery_end || i < self.pinned) && !self.remembered[i] {
            self.remember_entry(i, entry);
        }
        match self.slots.get_mut(i) {
            Some(Some(obj)) => obj,
            _ => dangling(r),
        }
    }

    /// [`Heap::get_mut_entry`] for a write of known values: nothing is
    /// remembered unless one of `stored` is a young object, since only a
    /// reference to an object that can move needs finding at the next
    /// minor collection. Storing Ints into a large old list or map then
    /// costs no barrier at all.
    #[inline]
    pub fn get_mut_entry_storing(
        &mut self,
        r: ObjRef,
        entry: usize,
        stored: &[Value],
    ) -> &mut Object {
        let young = |v: &Value| matches!(v, Value::Obj(o) if o.index() < self.nursery_end);
        if stored.iter().any(young) {
            self.get_mut_entry(r, entry)
        } else {
            self.get_mut_unbarriered(r)
        }
    }

    /// The barrier of [`Heap::get_mut_entry_storing`] alone, for a write
    /// already made through [`Heap::get_mut_unbarriered`] (with no
    /// safepoint since).
    #[inline]
    pub(crate) fn stored_entry(&mut self, r: ObjRef, entry: usize, stored: &[Value]) {
        let young = |v: &Value| matches!(v, Value::Obj(o) if o.index() < self.nursery_end);
        if stored.iter().any(young) {
            self.get_mut_entry(r, entry);
        }
    }

    /// The object behind a reference, for a write whose barrier the caller
    /// runs itself afterwards, with [`Heap::get_mut_entry`], before the next
    /// safepoint (for a map entry whose index is known only once found).
    #[inline]
    pub(crate) fn get_mut_unbarriered(&mut self, r: ObjRef) -> &mut Object {
        match self.slots.get_mut(r.index()) {
            Some(Some(obj)) => obj,
            _ => dangling(r),
        }
    }

    #[cold]
    fn remember_entry(&mut self, i: usize, entry: usize) {
        // A card for an existing entry or the one a push appends. An
        // index past that (a store that will fail, `list[-1]`) is no
        // entry: the whole object is remembered, never a card table
        // sized by a number the program chose.
        let large = i >= self.nursery_end
            && self
                .slots
                .get(i)
                .and_then(|s| s.as_ref())
                .and_then(card_entries)
                .is_some_and(|n| entry <= n);
        if !large {
            self.remember(i);
            return;
        }
        let card = entry >> CARD_SHIFT;
        let bits = self.cards.entry(i as u32).or_insert_with(|| {
            self.carded.push(i as u32);
            Vec::new()
        });
        if bits.len() <= card / 64 {
            bits.resize(card / 64 + 1, 0);
        }
        bits[card / 64] |= 1 << (card % 64);
    }

    #[cold]
    fn remember(&mut self, i: usize) {
        if i < self.remembered.len() && !self.remembered[i] {
            self.remembered[i] = true;
            self.remset.push(i as u32);
        }
    }

    /// A hash of `r`'s identity that stays the same when it moves.
    pub fn identity_hash(&mut self, r: ObjRef) -> i64 {
        if let Some(h) = self.hashes.get(&r.0) {
            return *h;
        }
        if !self.is_young(r) {
            return i64::from(r.0);
        }
        // Young objects move: record a number to carry along.
        self.next_hash += 1;
        self.hashes.insert(r.0, self.next_hash);
        self.next_hash
    }

    /// Pins the nursery as it stands, for a nested dispatch loop started by
    /// native code: until [`Heap::unpin`], collections neither move nor free
    /// what is there now.
    pub fn pin(&mut self) -> Pin {
        let saved = Pin {
            pinned: self.pinned,
            nested: self.nested,
            pinned_bytes: self.pinned_bytes,
        };
        self.pinned = self.top;
        self.pinned_bytes = self.young_bytes;
        self.nested += 1;
        saved
    }

    pub fn unpin(&mut self, saved: Pin) {
        self.pinned = saved.pinned;
        self.nested = saved.nested;
        self.pinned_bytes = saved.pinned_bytes;
        // What they refer to may move from now on.
        for i in std::mem::take(&mut self.deferred) {
            if matches!(self.slots.get(i as usize), Some(Some(_))) {
                self.remember(i as usize);
            }
        }
    }

    /// Whether [`Heap::measure_garbage`] found garbage that no collection
    /// has freed yet: the dispatch loop collects after the instruction.
    #[inline]
    pub fn garbage_pending(&self) -> bool {
        self.garbage > 0
    }

    /// Whether a safepoint should collect now.
    #[inline]
    pub fn should_collect(&self) -> bool {
        self.due
    }

    /// Frees the garbage [`Heap::measure_garbage`] found: a major
    /// collection of the old generation alone that keeps every young
    /// object (tracing them all as roots) and moves nothing, so the
    /// dispatch loop can run it between two instructions without reading
    /// its frame again. A heap still over its limit is left for the next
    /// safepoint to report (its next allocation makes one due).
    pub fn collect_garbage(&mut self, roots: &mut dyn FnMut(&mut dyn Tracer)) {
        self.major_due = false;
        self.timed_major(roots, " (old generation only)");
        if self.config.verify {
            self.verify(true);
        }
        self.update_alloc_limit();
    }

    /// A major collection, with its pause noted and traced (`what` follows
    /// its number in the trace).
    fn timed_major(&mut self, roots: &mut dyn FnMut(&mut dyn Tracer), what: &str) {
        let start = std::time::Instant::now();
        self.minors_at_major = self.stats.minor_collections;
        self.major(roots);
        let pause = start.elapsed();
        self.stats.note_major_pause(pause);
        if self.config.trace {
            eprintln!(
                "gc: major {}{what}: {:.3} ms, {} old bytes live",
                self.stats.major_collections,
                pause.as_secs_f64() * 1e3,
                self.old_bytes,
            );
        }
    }

    /// Asks for a major collection at the next safepoint.
    pub fn request_major(&mut self) {
        self.due = true;
        self.major_due = true;
    }

    /// Collects: a minor collection, followed by a major one when the old
    /// generation has grown enough (or under stress, every so often).
    /// `roots` must visit every reference held outside the heap.
    pub fn collect(&mut self, roots: &mut dyn FnMut(&mut dyn Tracer)) -> Outcome {
        let start = std::time::Instant::now();
        self.due = false;
        // Under stress, a major collection every so many minor ones: at
        // least `stress_major_every`, and more as the old generation grows,
        // so stressing a big heap stays linear in the allocations.
        let old_objects = self.slots.len() - self.nursery_end - self.free.len();
        let period = u64::from(self.config.stress_major_every.max(1)).max(old_objects as u64 / 64);
        let stress_major =
            self.config.stress && self.stats.minor_collections - self.minors_at_major + 1 >= period;
        let mut major = std::mem::take(&mut self.major_due) || stress_major;
        let promoted_before = self.stats.promoted_objects;
        let young_before = self.top - self.eden_start + self.from_top - self.from;
        self.minor(roots);
        let minor_done = start.elapsed();
        if self.config.trace {
            eprintln!(
                "gc: minor {}: {:.3} ms, {} young objects, {} promoted, {} kept young, {} slots",
                self.stats.minor_collections,
                minor_done.as_secs_f64() * 1e3,
                young_before,
                self.stats.promoted_objects - promoted_before,
                self.from_top - self.from,
                self.slots.len(),
            );
        }
        self.stats.note_minor_pause(minor_done);
        // Only a major collection can tell whether the heap is really full.
        major |= self.over_limit();
        if major {
            self.timed_major(roots, "");
        }
        if self.config.verify {
            self.verify(major);
        }
        self.stats.peak_heap_bytes = self.stats.peak_heap_bytes.max(self.heap_bytes());
        self.young_base = self.young_bytes;
        let outcome = self.limit_outcome();
        self.update_alloc_limit();
        outcome
    }

    /// Whether a collection that just ended leaves the heap over its
    /// ceiling. The first time it does, the ceiling is raised by a grace
    /// (a sixteenth of the limit, 64 KiB to 64 MiB), so that the handler
    /// of the `MemoryError` this raises can run (the error itself is
    /// allocated over the limit) and drop what it holds; a collection
    /// that finds the heap under the limit again withdraws the grace.
    fn limit_outcome(&mut self) -> Outcome {
        let Some(max) = self.config.max_heap else {
            return Outcome::Ok;
        };
        let bytes = self.counted_bytes();
        if bytes <= max {
            self.grace = 0;
            return Outcome::Ok;
        }
        if bytes <= max.saturating_add(self.grace) {
            return Outcome::Ok;
        }
        if self.grace == 0 {
            self.grace = (max / 16).clamp(64 << 10, 64 << 20);
        }
        Outcome::OverLimit
    }

    /// Estimated bytes the heap holds now.
    pub fn heap_bytes(&self) -> usize {
        self.old_bytes + self.young_bytes
    }

    /// [`Heap::heap_bytes`] less the old garbage already found: what the
    /// limit is tested against.
    fn counted_bytes(&self) -> usize {
        self.heap_bytes() - self.garbage
    }

    /// Estimated bytes young objects hold now.
    pub fn young_bytes(&self) -> usize {
        self.young_bytes
    }

    /// Occupied slots: the objects alive at the last collection and those
    /// allocated since (old garbage counts until a major collection).
    pub fn object_count(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }
}

/// Finds whether an object holds a reference into the nursery.
struct YoungFinder {
    nursery_end: usize,
    found: bool,
}

impl Tracer for YoungFinder {
    fn obj(&mut self, r: &mut ObjRef) {
        self.found |= r.index() < self.nursery_end;
    }

    fn moves(&self, _: ObjRef) -> bool {
        false
    }
}

#[cold]
#[inline(never)]
fn dangling(r: ObjRef) -> ! {
    panic!("dangling object reference {r:?}: a collector root is missing")
}

/// `bytes` for people: `64 MiB`, `1.5 GiB`, `512 bytes`.
pub fn format_bytes(bytes: usize) -> String {
    const UNITS: [(&str, usize); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let n = bytes as f64 / size as f64;
            return if bytes % size == 0 {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{n:.1} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests;
