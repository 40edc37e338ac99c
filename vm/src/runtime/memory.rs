//! Keeping native code under the heap limit (`spec/heap.md`, "Heap
//! limit").
//!
//! Native code checks before it builds a large value or grows a container,
//! with [`reserve`]; text built piece by piece (formatting, joining, JSON)
//! grows its buffer through [`grow_text`], which checks each time the
//! buffer's capacity would grow. Both raise `MemoryError` before the memory
//! is taken, never after.
//!
//! When a value does not fit, [`reserve`] first finds the old
//! generation's garbage (see [`crate::heap::Heap::measure_garbage`]): the
//! heap's count includes old objects that died since the last major
//! collection (a large string just dropped), and natives cannot collect,
//! since a collection moves objects and frees what only Rust locals hold.
//! Measuring frees and moves nothing, so it is sound whatever the native
//! holds; the garbage it finds stops counting against the limit, and the
//! dispatch loop frees it before the next instruction on its general path
//! (`Vm::free_measured_garbage`). Values passed as
//! `held` are counted as alive (operands the interpreter has popped, say),
//! so the measure is not more lenient than it need be.

use super::keys::rooted;
use crate::interp::{Exc, Vm};
use crate::value::Value;

/// The longest String native code builds (as for `String * Int`).
pub const MAX_STR: usize = 1 << 31;

/// Checks that `bytes` more fit under the heap limit, before native code
/// builds a value that large or grows a container by that much: if they do
/// not, finds the old generation's garbage (counting `held` as alive) and
/// checks again. `MemoryError` if they still do not fit.
#[inline]
pub fn reserve(vm: &mut Vm, bytes: usize, held: &[Value]) -> Result<(), Exc> {
    if !vm.heap.would_exceed(bytes) {
        return Ok(());
    }
    reserve_slow(vm, bytes, held)
}

#[cold]
#[inline(never)]
fn reserve_slow(vm: &mut Vm, bytes: usize, held: &[Value]) -> Result<(), Exc> {
    // Young objects are not measured: if they and the request alone
    // pass the limit, no old garbage can make room.
    let ceiling = vm.heap.ceiling().unwrap_or(usize::MAX);
    let hopeless = vm.heap.young_bytes().saturating_add(bytes) > ceiling;
    if !hopeless {
        measure_garbage(vm, held);
    }
    vm.reserve(bytes)
}

/// Finds the old generation's garbage, counting `held` as alive, so that
/// it no longer counts against the limit. Frees and moves nothing.
pub fn measure_garbage(vm: &mut Vm, held: &[Value]) {
    rooted(vm, held, Vm::measure_garbage);
}

/// The `MemoryError` of a value that could not fit under the heap limit
/// whatever was freed (found before it was measured exactly).
pub fn too_large_for_heap(vm: &mut Vm) -> Exc {
    vm.memory_error()
}

/// The `MemoryError` of a String longer than [`MAX_STR`].
pub fn too_large(vm: &mut Vm) -> Exc {
    vm.error_of("MemoryError", "string too large".into())
}

/// Makes room in `out`, a buffer native code is filling with the text of
/// a new String, for `extra` more bytes. When its capacity must grow, it
/// grows as a `String` would (doubling), or near the limit as far as
/// still fits, after checking the new capacity with [`reserve`]:
/// `MemoryError` (and `out` unchanged) if not even `extra` more fit.
/// Pushing at most `extra` bytes afterwards never reallocates.
#[inline]
pub fn grow_text(vm: &mut Vm, out: &mut String, extra: usize, held: &[Value]) -> Result<(), Exc> {
    if out.capacity() - out.len() >= extra {
        return Ok(());
    }
    // Short text (`str` of a number, a small interpolation) is not
    // worth checking: it grows as a `String` does.
    if out.len() + extra <= SHORT_TEXT {
        out.reserve(extra);
        return Ok(());
    }
    grow_text_slow(vm, out, extra, held)
}

/// The bytes of `items` together, if all of them are Strings (a text
/// built from them can then be checked and allocated at once).
pub fn strings_len(vm: &Vm, items: &[Value]) -> Option<usize> {
    items.iter().try_fold(0usize, |total, item| match item {
        Value::Obj(r) => vm.str_ref(*r).map(|s| total.saturating_add(s.text.len())),
        _ => None,
    })
}

/// Makes room in `out` for `len` bytes of text known in advance, as
/// [`grow_text`] does: `MemoryError` past [`MAX_STR`] or the heap limit.
pub fn reserve_text(vm: &mut Vm, out: &mut String, len: usize, held: &[Value]) -> Result<(), Exc> {
    if len > MAX_STR {
        return Err(too_large(vm));
    }
    grow_text(vm, out, len, held)
}

/// Buffers up to this long grow without a check.
const SHORT_TEXT: usize = 256;

#[cold]
#[inline(never)]
fn grow_text_slow(vm: &mut Vm, out: &mut String, extra: usize, held: &[Value]) -> Result<(), Exc> {
    let need = out.len().saturating_add(extra);
    if need > MAX_STR {
        return Err(too_large(vm));
    }
    // The new buffer counts against the limit on top of the heap (the
    // String made from it will hold its bytes), and so does the old one
    // while it is copied. Doubling, or near the limit as much as still
    // fits: growing by only what is needed would copy the buffer at every
    // push.
    let old = out.capacity();
    let doubled = need.max(old.saturating_mul(2)).max(64);
    let cap = doubled.min(vm.heap.room().saturating_sub(old)).max(need);
    reserve(vm, cap.saturating_add(old), held)?;
    out.reserve_exact(cap - out.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::HeapConfig;

    fn vm(max: usize) -> Vm {
        Vm::with_heap(HeapConfig {
            max_heap: Some(max),
            ..HeapConfig::default()
        })
    }

    #[test]
    fn text_grows_by_doubling_until_the_limit_then_fails() {
        let mut vm = vm(1 << 20);
        let mut out = String::new();
        let mut grown = 0;
        let failed = loop {
            match grow_text(&mut vm, &mut out, 1000, &[]) {
                Ok(()) => {
                    let cap = out.capacity();
                    out.push_str(&"t".repeat(1000));
                    assert_eq!(
                        out.capacity(),
                        cap,
                        "pushing what was made room for reallocated"
                    );
                    grown += 1;
                }
                Err(e) => break e,
            }
        };
        assert!(matches!(failed, Exc::Error(_)));
        // The buffer (and, while it grew, its old copy) stayed under the
        // limit, and came close to it.
        assert!(out.capacity() < 1 << 20);
        assert!(grown * 1000 > 300_000, "{grown}");
    }

    #[test]
    fn a_request_that_fits_once_old_garbage_is_found_succeeds() {
        let mut vm = vm(4 << 20);
        let big = vm.str_value("g".repeat(3 << 20));
        let Value::Obj(r) = big else { panic!() };
        assert!(!vm.heap.is_young(r));
        // Held: refused.
        assert!(reserve(&mut vm, 2 << 20, &[big]).is_err());
        // Dropped: found to be garbage, and no longer counted.
        assert!(reserve(&mut vm, 2 << 20, &[]).is_ok());
        // Not freed until a collection at a safepoint, which is now due.
        assert!(vm.heap.heap_bytes() > 3 << 20);
        assert!(vm.heap.should_collect());
        let _ = vm.collect_quietly();
        assert!(vm.heap.heap_bytes() < 1 << 20);
    }
}
