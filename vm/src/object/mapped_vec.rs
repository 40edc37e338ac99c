//! A vector for a Map's entries and index whose large buffers grow without
//! copying.
//!
//! A `Vec` that doubles copies every element into a fresh buffer, and the
//! allocator hands back fresh pages for it: a Map growing to 400,000
//! entries first-touches about twice its final size, and holds the old and
//! new buffers at once. Past [`MAP_MIN`] bytes this vector takes its
//! buffer straight from the operating system and, on Linux, grows it with
//! `mremap`, which moves the page tables rather than the bytes, as glibc's
//! `realloc` does for its large blocks. Smaller buffers come from the
//! global allocator as a `Vec`'s do.
//!
//! It holds a Map's entries and its index: plain data with owning
//! pointers and no self-references, so moving them with the buffer is
//! sound.

use std::alloc::{self, Layout};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::ptr::{self, NonNull};

/// Buffers of at least this many bytes are mapped from the operating
/// system (on Linux; elsewhere every buffer comes from the allocator).
const MAP_MIN: usize = 1 << 20;

/// A growable array, like `Vec<T>`, whose large buffers are grown in
/// place by the kernel. See the module documentation.
pub struct MappedVec<T> {
    ptr: NonNull<T>,
    len: usize,
    cap: usize,
}

// SAFETY: a `MappedVec<T>` owns its elements as a `Vec<T>` does; the
// buffer is not shared.
unsafe impl<T: Send> Send for MappedVec<T> {}
// SAFETY: as for `Send`: shared access only reads the elements.
unsafe impl<T: Sync> Sync for MappedVec<T> {}

impl<T> MappedVec<T> {
    const ELEM: usize = {
        assert!(std::mem::size_of::<T>() > 0, "no zero-sized elements");
        assert!(std::mem::align_of::<T>() <= 4096, "page alignment suffices");
        std::mem::size_of::<T>()
    };

    /// An empty vector; allocates nothing.
    pub const fn new() -> MappedVec<T> {
        MappedVec {
            ptr: NonNull::dangling(),
            len: 0,
            cap: 0,
        }
    }

    /// How many elements fit before the buffer grows.
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Makes room for at least `n` more elements.
    pub fn reserve(&mut self, n: usize) {
        let need = self.len.checked_add(n).expect("capacity overflow");
        if need > self.cap {
            self.move_to(need.max(self.cap * 2).max(4));
        }
    }

    /// Appends `value`.
    #[inline]
    pub fn push(&mut self, value: T) {
        if self.len == self.cap {
            self.move_to((self.cap * 2).max(4));
        }
        // SAFETY: `len < cap` now, so slot `len` is inside the buffer and
        // holds no element.
        unsafe { self.ptr.as_ptr().add(self.len).write(value) };
        self.len += 1;
    }

    /// Drops the elements from `len` on; the buffer stays.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let old = self.len;
        // Shorten first: if a drop panics, the rest leak rather than being
        // dropped twice.
        self.len = len;
        // SAFETY: elements `len..old` are initialized and now unreachable.
        unsafe {
            ptr::drop_in_place(ptr::slice_from_raw_parts_mut(
                self.ptr.as_ptr().add(len),
                old - len,
            ))
        };
    }

    /// Gives back capacity past `cap` (or past `len`, if longer). A mapped
    /// buffer stays mapped: it shrinks no lower than the mapping threshold.
    pub fn shrink_to(&mut self, cap: usize) {
        let mut cap = cap.max(self.len).max(4);
        if Self::is_mapped(self.cap) && !Self::is_mapped(cap) {
            cap = MAP_MIN.div_ceil(Self::ELEM);
        }
        if cap < self.cap {
            self.move_to(cap);
        }
    }

    /// Drops every element; the buffer stays.
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Keeps the elements `keep` accepts, in order, dropping the others.
    pub fn retain_mut(&mut self, mut keep: impl FnMut(&mut T) -> bool) {
        let len = self.len;
        // If `keep` or a drop panics, the elements leak: with the length
        // zero nothing is dropped twice.
        self.len = 0;
        let base = self.ptr.as_ptr();
        let mut kept = 0;
        for i in 0..len {
            // SAFETY: `i < len`, so element `i` is initialized and not yet
            // moved or dropped; `kept <= i`, and slot `kept` is either `i`
            // itself or one whose element was moved out or dropped.
            unsafe {
                let p = base.add(i);
                if keep(&mut *p) {
                    if kept != i {
                        ptr::copy_nonoverlapping(p, base.add(kept), 1);
                    }
                    kept += 1;
                } else {
                    ptr::drop_in_place(p);
                }
            }
        }
        self.len = kept;
    }

    fn bytes(cap: usize) -> usize {
        cap.checked_mul(Self::ELEM).expect("capacity overflow")
    }

    /// Whether a buffer of `cap` elements is mapped from the kernel.
    fn is_mapped(cap: usize) -> bool {
        cfg!(target_os = "linux") && Self::bytes(cap) >= MAP_MIN
    }

    /// Moves the elements to a buffer of `cap` elements: larger, or
    /// smaller but still holding them. A mapped buffer never moves back to
    /// the allocator (`shrink_to` stops at the mapping threshold).
    fn move_to(&mut self, cap: usize) {
        debug_assert!(cap >= self.len && cap >= 4 && cap != self.cap);
        debug_assert!(Self::is_mapped(cap) || !Self::is_mapped(self.cap));
        let bytes = Self::bytes(cap);
        let layout =
            Layout::from_size_align(bytes, std::mem::align_of::<T>()).expect("capacity overflow");
        let old = self.ptr.as_ptr().cast::<u8>();
        let old_bytes = Self::bytes(self.cap);
        let new = if !Self::is_mapped(cap) {
            if self.cap == 0 {
                // SAFETY: `layout` has a non-zero size (`cap >= 4`,
                // elements are not zero-sized).
                unsafe { alloc::alloc(layout) }
            } else {
                // SAFETY: the buffer came from `alloc` with this alignment
                // and `old_bytes` (it is not mapped, since `cap`'s is not),
                // and `bytes` is non-zero and holds the `len` elements.
                unsafe {
                    let old_layout =
                        Layout::from_size_align_unchecked(old_bytes, std::mem::align_of::<T>());
                    alloc::realloc(old, old_layout, bytes)
                }
            }
        } else if Self::is_mapped(self.cap) {
            // SAFETY: the buffer is a mapping of `old_bytes` this vector
            // made, and the `len` elements lie within the first `bytes`;
            // MREMAP_MAYMOVE lets the kernel move it (the elements move
            // with their pages, and nothing points into them).
            unsafe { remap(old, old_bytes, bytes) }
        } else {
            let new = map(bytes, false);
            if !new.is_null() && self.cap > 0 {
                // SAFETY: the old buffer holds `len` initialized elements,
                // the new one has room for `cap >= len`, and they are
                // distinct allocations; the old one, from `alloc` with
                // `old_bytes`, is freed without dropping what moved.
                unsafe {
                    ptr::copy_nonoverlapping(old, new, self.len * Self::ELEM);
                    alloc::dealloc(
                        old,
                        Layout::from_size_align_unchecked(old_bytes, std::mem::align_of::<T>()),
                    );
                }
            }
            new
        };
        match NonNull::new(new.cast::<T>()) {
            Some(p) => {
                self.ptr = p;
                self.cap = cap;
            }
            None => alloc::handle_alloc_error(layout),
        }
    }
}

/// A fresh zeroed mapping of `bytes`, or null; with `populate`, its
/// pages are made present now rather than at first touch.
#[cfg(target_os = "linux")]
fn map(bytes: usize, populate: bool) -> *mut u8 {
    let populate = if populate { libc::MAP_POPULATE } else { 0 };
    // SAFETY: an anonymous private mapping touches no existing memory.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | populate,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        ptr::null_mut()
    } else {
        p.cast()
    }
}

/// The mapping `old` of `old_bytes` grown to `bytes`, perhaps moved, or
/// null (the old mapping then stays).
///
/// # Safety
///
/// `old` must be a mapping of `old_bytes` made by [`map`] or `remap`.
#[cfg(target_os = "linux")]
unsafe fn remap(old: *mut u8, old_bytes: usize, bytes: usize) -> *mut u8 {
    // SAFETY: the caller's contract.
    let p = unsafe { libc::mremap(old.cast(), old_bytes, bytes, libc::MREMAP_MAYMOVE) };
    if p == libc::MAP_FAILED {
        ptr::null_mut()
    } else {
        p.cast()
    }
}

/// Frees the mapping `p` of `bytes`.
///
/// # Safety
///
/// `p` must be a mapping of `bytes` made by [`map`] or `remap`, not used
/// after.
#[cfg(target_os = "linux")]
unsafe fn unmap(p: *mut u8, bytes: usize) {
    // SAFETY: the caller's contract. A failure (which would leave the
    // mapping in place) only wastes address space.
    unsafe { libc::munmap(p.cast(), bytes) };
}

// Elsewhere no buffer is mapped (`is_mapped` is false), so these are never
// called.
#[cfg(not(target_os = "linux"))]
fn map(_bytes: usize, _populate: bool) -> *mut u8 {
    ptr::null_mut()
}
#[cfg(not(target_os = "linux"))]
unsafe fn remap(_old: *mut u8, _old_bytes: usize, _bytes: usize) -> *mut u8 {
    ptr::null_mut()
}
#[cfg(not(target_os = "linux"))]
unsafe fn unmap(_p: *mut u8, _bytes: usize) {}

impl MappedVec<u64> {
    /// `len` zeros, for a buffer that will be written throughout (a Map's
    /// index). A large one comes zeroed and present from the kernel.
    pub fn zeroed(len: usize) -> MappedVec<u64> {
        if len == 0 {
            return MappedVec::new();
        }
        let bytes = Self::bytes(len);
        let layout =
            Layout::from_size_align(bytes, std::mem::align_of::<u64>()).expect("capacity overflow");
        let p = if Self::is_mapped(len) {
            // Populated at once: a zero buffer's pages are first read
            // (a probe for an empty slot), which maps the shared zero
            // page, then written, which faults again to copy it; filling
            // the whole mapping in the kernel costs neither trap.
            map(bytes, true)
        } else {
            // SAFETY: `layout` has a non-zero size (`len > 0`).
            unsafe { alloc::alloc_zeroed(layout) }
        };
        match NonNull::new(p.cast::<u64>()) {
            // All zero bits is a `u64`, so the `len` elements are
            // initialized.
            Some(ptr) => MappedVec { ptr, len, cap: len },
            None => alloc::handle_alloc_error(layout),
        }
    }
}

impl<T> Drop for MappedVec<T> {
    fn drop(&mut self) {
        self.clear();
        if self.cap == 0 {
            return;
        }
        let bytes = Self::bytes(self.cap);
        let p = self.ptr.as_ptr().cast::<u8>();
        if Self::is_mapped(self.cap) {
            // SAFETY: the buffer is this vector's mapping of `bytes`.
            unsafe { unmap(p, bytes) };
        } else {
            // SAFETY: the buffer came from `alloc` with this layout.
            unsafe {
                alloc::dealloc(
                    p,
                    Layout::from_size_align_unchecked(bytes, std::mem::align_of::<T>()),
                )
            };
        }
    }
}

impl<T> Deref for MappedVec<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        // SAFETY: elements `0..len` are initialized; the pointer is
        // non-null and aligned (dangling only when `len` is 0).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> DerefMut for MappedVec<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as for `deref`, and `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> Default for MappedVec<T> {
    fn default() -> MappedVec<T> {
        MappedVec::new()
    }
}

impl<T: Clone> Clone for MappedVec<T> {
    fn clone(&self) -> MappedVec<T> {
        let mut v = MappedVec::new();
        v.reserve(self.len);
        for x in self.iter() {
            v.push(x.clone());
        }
        v
    }
}

impl<T: fmt::Debug> fmt::Debug for MappedVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T> IntoIterator for &'a mut MappedVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn grows_past_the_mapping_threshold_keeping_every_element() {
        let mut v: MappedVec<(u64, Box<str>)> = MappedVec::new();
        // 24-byte elements: the buffer is mapped from about 44,000 on and
        // remapped several times after.
        for i in 0..300_000u64 {
            v.push((i, i.to_string().into()));
        }
        assert!(v.capacity() * 24 >= 4 * MAP_MIN);
        assert_eq!(v.len(), 300_000);
        for (i, (n, s)) in v.iter().enumerate() {
            assert_eq!(*n, i as u64);
            assert_eq!(&**s, i.to_string());
        }
        let c = v.clone();
        assert_eq!(c.len(), v.len());
        assert_eq!(c[123_456].1.as_ref(), "123456");
    }

    #[test]
    fn retain_clear_and_drop_drop_each_element_once() {
        let counter = Rc::new(());
        let mut v = MappedVec::new();
        for i in 0..100_000 {
            v.push((i, Rc::clone(&counter)));
        }
        v.retain_mut(|(i, _)| *i % 3 == 0);
        assert_eq!(v.len(), 33_334);
        assert_eq!(Rc::strong_count(&counter), 33_335);
        assert!(v.iter().enumerate().all(|(k, (i, _))| *i == 3 * k));
        v.reserve(1_000_000);
        assert!(v.capacity() >= 1_033_334);
        assert_eq!(v[33_333].0, 99_999);
        v.clear();
        assert_eq!(Rc::strong_count(&counter), 1);
        v.push((7, Rc::clone(&counter)));
        drop(v);
        assert_eq!(Rc::strong_count(&counter), 1);
    }

    #[test]
    fn truncate_and_shrink_keep_the_rest_and_drop_the_tail_once() {
        let counter = Rc::new(());
        let mut v = MappedVec::new();
        for i in 0..200_000 {
            v.push((i, Rc::clone(&counter)));
        }
        let mapped = MappedVec::<(i32, Rc<()>)>::is_mapped(v.capacity());
        v.truncate(150_000);
        assert_eq!((v.len(), Rc::strong_count(&counter)), (150_000, 150_001));
        v.truncate(160_000);
        assert_eq!(v.len(), 150_000);
        v.shrink_to(150_000);
        assert_eq!(v.capacity(), 150_000);
        assert_eq!(v[149_999].0, 149_999);
        // A mapped buffer shrinks to the threshold and no lower.
        v.truncate(10);
        v.shrink_to(0);
        assert_eq!(MappedVec::<(i32, Rc<()>)>::is_mapped(v.capacity()), mapped);
        assert!(v.iter().enumerate().all(|(k, (i, _))| *i == k as i32));
        v.push((10, Rc::clone(&counter)));
        assert_eq!(Rc::strong_count(&counter), 12);
        // A small one shrinks to what it holds.
        let mut small = MappedVec::new();
        for i in 0..100 {
            small.push(i);
        }
        small.truncate(7);
        small.shrink_to(0);
        assert_eq!((small.capacity(), small.iter().sum::<i32>()), (7, 21));
        drop(v);
        assert_eq!(Rc::strong_count(&counter), 1);
    }

    #[test]
    fn zeroed_buffers_of_either_kind_read_zero_and_take_writes() {
        for len in [0, 8, 1 << 10, 1 << 18] {
            let mut v = MappedVec::zeroed(len);
            assert_eq!(v.len(), len);
            assert!(v.iter().all(|&x| x == 0));
            if len > 0 {
                v[len - 1] = 7;
                assert_eq!(v.iter().sum::<u64>(), 7);
            }
        }
        assert!(MappedVec::<u64>::is_mapped(1 << 18) == cfg!(target_os = "linux"));
    }

    #[test]
    fn small_vectors_stay_with_the_allocator() {
        let mut v = MappedVec::new();
        for i in 0..10u8 {
            v.push(i);
        }
        assert!(!MappedVec::<u8>::is_mapped(v.capacity()));
        assert_eq!(&v[..], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let empty: MappedVec<u8> = MappedVec::default();
        assert!(empty.is_empty());
    }
}
