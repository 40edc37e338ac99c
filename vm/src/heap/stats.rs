//! What the collector counts, for `cairn run --gc-stats`.

use std::time::Duration;

/// Counters since the heap was created.
#[derive(Clone, Copy, Debug, Default)]
pub struct HeapStats {
    pub minor_collections: u64,
    pub major_collections: u64,
    pub allocated_objects: u64,
    /// Estimated bytes allocated (objects, and growth of lists and maps).
    pub allocated_bytes: u64,
    pub promoted_objects: u64,
    pub promoted_bytes: u64,
    /// Old objects freed by major collections.
    pub freed_objects: u64,
    pub total_pause: Duration,
    pub max_minor_pause: Duration,
    /// Minor collections that took over a millisecond.
    pub slow_minor_collections: u64,
    pub max_major_pause: Duration,
    /// The most bytes the heap held at the end of a collection.
    pub peak_heap_bytes: usize,
}

impl HeapStats {
    pub(super) fn note_minor_pause(&mut self, d: Duration) {
        self.total_pause += d;
        self.max_minor_pause = self.max_minor_pause.max(d);
        if d > Duration::from_millis(1) {
            self.slow_minor_collections += 1;
        }
    }

    pub(super) fn note_major_pause(&mut self, d: Duration) {
        self.total_pause += d;
        self.max_major_pause = self.max_major_pause.max(d);
    }

    /// The collections of either kind.
    pub fn collections(&self) -> u64 {
        self.minor_collections + self.major_collections
    }

    /// The `--gc-stats` report, one fact per line.
    pub fn report(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!(
            "gc: minor collections:  {}\n\
             gc: major collections:  {}\n\
             gc: objects allocated:  {}\n\
             gc: bytes allocated:    {}\n\
             gc: objects promoted:   {}\n\
             gc: bytes promoted:     {}\n\
             gc: total pause:        {:.3} ms\n\
             gc: max minor pause:    {:.3} ms ({} over 1 ms)\n\
             gc: max major pause:    {:.3} ms\n\
             gc: peak heap:          {} bytes\n",
            self.minor_collections,
            self.major_collections,
            self.allocated_objects,
            self.allocated_bytes,
            self.promoted_objects,
            self.promoted_bytes,
            ms(self.total_pause),
            ms(self.max_minor_pause),
            self.slow_minor_collections,
            ms(self.max_major_pause),
            self.peak_heap_bytes,
        )
    }
}
