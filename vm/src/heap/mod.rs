//! The heap: every object the VM allocates, and the collector.
//!
//! Objects live in a slot table and are named by index ([`ObjRef`]). This
//! first collector is a non-moving mark-sweep: it marks from the roots the
//! interpreter hands it, with an explicit work list (so no object graph can
//! overflow the Rust stack), then frees every unmarked slot for reuse.
//!
//! Invariant: collection happens only at interpreter safepoints, when every
//! live value is reachable from the roots; allocation itself never collects,
//! so native code may hold fresh references in Rust locals between
//! safepoints.

use crate::object::Object;
use crate::value::{ObjRef, Value};

/// Counters for `--gc-stats` and pacing.
#[derive(Clone, Copy, Debug, Default)]
pub struct HeapStats {
    pub collections: u64,
    pub allocated_objects: u64,
    pub allocated_bytes: u64,
    pub freed_objects: u64,
    pub live_objects: usize,
    pub peak_live_bytes: usize,
}

pub struct Heap {
    slots: Vec<Option<Object>>,
    marks: Vec<bool>,
    free: Vec<u32>,
    /// Bytes allocated since the last collection.
    since_gc: usize,
    /// Collect once `since_gc` passes this.
    threshold: usize,
    live_bytes: usize,
    /// Collect at every safepoint (`CAIRN_GC_STRESS=1`).
    pub stress: bool,
    pub stats: HeapStats,
}

impl Default for Heap {
    fn default() -> Heap {
        Heap::new()
    }
}

impl Heap {
    pub fn new() -> Heap {
        Heap {
            slots: Vec::new(),
            marks: Vec::new(),
            free: Vec::new(),
            since_gc: 0,
            threshold: 8 << 20,
            live_bytes: 0,
            stress: false,
            stats: HeapStats::default(),
        }
    }

    pub fn alloc(&mut self, obj: Object) -> ObjRef {
        let size = obj.size();
        self.since_gc += size;
        self.live_bytes += size;
        self.stats.allocated_objects += 1;
        self.stats.allocated_bytes += size as u64;
        self.stats.peak_live_bytes = self.stats.peak_live_bytes.max(self.live_bytes);
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(obj);
                ObjRef(i)
            }
            None => {
                self.slots.push(Some(obj));
                self.marks.push(false);
                ObjRef((self.slots.len() - 1) as u32)
            }
        }
    }

    /// The object behind a reference. References come only from `alloc`
    /// and stay valid while reachable, which the collector guarantees.
    #[inline]
    pub fn get(&self, r: ObjRef) -> &Object {
        match self.slots.get(r.index()) {
            Some(Some(obj)) => obj,
            _ => panic!("dangling object reference {r:?}: a collector root is missing"),
        }
    }

    #[inline]
    pub fn get_mut(&mut self, r: ObjRef) -> &mut Object {
        match self.slots.get_mut(r.index()) {
            Some(Some(obj)) => obj,
            _ => panic!("dangling object reference {r:?}: a collector root is missing"),
        }
    }

    /// Whether a safepoint should collect now.
    #[inline]
    pub fn should_collect(&self) -> bool {
        self.stress || self.since_gc >= self.threshold
    }

    /// Marks everything reachable from `roots` and frees the rest.
    pub fn collect(&mut self, roots: impl Iterator<Item = Value>) {
        let mut work: Vec<ObjRef> = roots.filter_map(Value::as_obj).collect();
        while let Some(r) = work.pop() {
            let i = r.index();
            if i >= self.marks.len() || self.marks[i] {
                continue;
            }
            self.marks[i] = true;
            if let Some(obj) = &self.slots[i] {
                obj.trace(&mut work);
            }
        }
        let mut live_bytes = 0;
        let mut live = 0;
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if self.marks[i] {
                self.marks[i] = false;
                if let Some(obj) = slot {
                    live_bytes += obj.size();
                    live += 1;
                }
            } else if slot.is_some() {
                *slot = None;
                self.free.push(i as u32);
                self.stats.freed_objects += 1;
            }
        }
        self.live_bytes = live_bytes;
        self.stats.live_objects = live;
        self.stats.collections += 1;
        self.since_gc = 0;
        // Grow with the live set, so collection work stays proportional to
        // allocation.
        self.threshold = (live_bytes * 2).max(8 << 20);
    }
}
