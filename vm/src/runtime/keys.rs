//! Hashing and Map keys (§4.5, §12.3).
//!
//! `hash()` of every hashable value is consistent with `==`: `1`, `1.0` and
//! `-0.0`-like integral Floats hash alike, strings by content. A Map stores
//! each entry under a [`MapKey`]: built-in values under their canonical
//! form, instances by identity — unless their class defines `hash`, in
//! which case the key is found by its hash and the class's `==`. NaN is
//! unequal to everything, so a NaN key is stored under a fresh name and
//! never found.
//!
//! The functions that look keys up may call `hash` and `==` methods written
//! in Cairn, so they root the map and the values they hold in
//! [`Vm::temp_roots`] while they run.

use crate::interp::{Exc, Vm};
use crate::object::{KeyRef, MapKey, Object};
use crate::runtime::{memory, ops};
use crate::value::{ObjRef, Value};

/// 2^63 as a float: the first value past the Int range.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// How a value takes part in a Map operation.
enum Probe {
    /// A value with a canonical key: found by hashing alone.
    Key(MapKey),
    /// NaN: never found.
    NaN,
    /// An instance whose class defines `hash`: candidates with this hash
    /// are compared with `==`.
    Hashed(i64, ObjRef),
}

/// Runs `f` with `values` rooted against collection.
pub fn rooted<T>(vm: &mut Vm, values: &[Value], f: impl FnOnce(&mut Vm) -> T) -> T {
    let mark = vm.temp_roots.len();
    vm.temp_roots.extend_from_slice(values);
    let result = f(vm);
    vm.temp_roots.truncate(mark);
    result
}

/// The Int a Float equal to an Int stands for, if any.
pub fn integral(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f)).then_some(f as i64)
}

/// FNV-1a over bytes, as an Int.
fn fnv(bytes: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// The `TypeError` for a value that cannot be a Map key.
fn not_a_key(vm: &mut Vm, v: Value) -> Exc {
    let msg = format!("{} cannot be a Map key", vm.class_name_of(v));
    vm.type_error(msg)
}

/// The borrowed key of an Int, an integral Float in the Int range or a
/// String: the common keys, which need neither Cairn code to hash nor a
/// copy of the text. `None` for everything else.
#[inline]
fn plain_key(vm: &Vm, v: Value) -> Option<KeyRef<'_>> {
    match v {
        Value::Int(i) => Some(KeyRef::Int(i)),
        Value::Obj(r) => match vm.heap.get(r) {
            Object::Str(s) => Some(KeyRef::Str(&s.text)),
            _ => None,
        },
        Value::Float(f) => integral(f).map(KeyRef::Int),
        _ => None,
    }
}

/// The canonical key of a value that is not an instance, or `None` for an
/// instance; `Err` for values that cannot be keys.
fn builtin_key(vm: &mut Vm, v: Value) -> Result<Option<Probe>, Exc> {
    let probe = match v {
        Value::Nil => Probe::Key(MapKey::Nil),
        Value::Bool(b) => Probe::Key(MapKey::Bool(b)),
        Value::Int(i) => Probe::Key(MapKey::Int(i)),
        Value::Float(f) if f.is_nan() => Probe::NaN,
        Value::Float(f) => match integral(f) {
            Some(i) => Probe::Key(MapKey::Int(i)),
            None => Probe::Key(MapKey::Float(f.to_bits())),
        },
        Value::Obj(r) => match vm.heap.get(r) {
            Object::Str(s) => Probe::Key(MapKey::str(&s.text)),
            Object::Range(g) => Probe::Key(MapKey::Range(g.start, g.end, g.inclusive)),
            Object::Instance(_) | Object::Host(_) => return Ok(None),
            _ => return Err(not_a_key(vm, v)),
        },
    };
    Ok(Some(probe))
}

/// Whether `method` is `Object`'s own `hash` (identity).
fn is_identity_hash(vm: &Vm, method: Value) -> bool {
    matches!(method, Value::Obj(m)
        if matches!(vm.heap.get(m), Object::Native(n) if n.name == "Object.hash"))
}

/// Calls an instance's `hash` method; it must return an Int.
fn call_hash(vm: &mut Vm, method: Value, receiver: Value) -> Result<i64, Exc> {
    match vm.call_method_value(method, receiver, &[])? {
        Value::Int(h) => Ok(h),
        other => {
            let msg = format!("hash() must return an Int, not {}", vm.class_name_of(other));
            Err(vm.type_error(msg))
        }
    }
}

fn probe(vm: &mut Vm, v: Value) -> Result<Probe, Exc> {
    if let Some(p) = builtin_key(vm, v)? {
        return Ok(p);
    }
    let Value::Obj(r) = v else {
        return Err(not_a_key(vm, v));
    };
    let sym = vm.intern("hash");
    let class = vm.class_of(v);
    match vm.find_method(class, sym) {
        Some(m) if !is_identity_hash(vm, m) => Ok(Probe::Hashed(call_hash(vm, m, v)?, r)),
        _ => Ok(Probe::Key(MapKey::Obj(r))),
    }
}

/// `x.hash()` for any value (§12.3): consistent with `==` for values that
/// can be Map keys; a `TypeError` for the others.
pub fn hash_value(vm: &mut Vm, v: Value) -> Result<i64, Exc> {
    let key = match v {
        Value::Float(f) if f.is_nan() => return Ok(fnv(&f.to_bits().to_le_bytes())),
        Value::Obj(r) if matches!(vm.heap.get(r), Object::Instance(_) | Object::Host(_)) => {
            let sym = vm.intern("hash");
            let class = vm.class_of(v);
            return match vm.find_method(class, sym) {
                Some(m) if !is_identity_hash(vm, m) => call_hash(vm, m, v),
                _ => Ok(vm.heap.identity_hash(r)),
            };
        }
        _ => match builtin_key(vm, v) {
            Ok(Some(Probe::Key(k))) => k,
            Ok(_) => return Ok(0),
            Err(_) => {
                let msg = format!("{} values cannot be hashed", vm.class_name_of(v));
                return Err(vm.type_error(msg));
            }
        },
    };
    Ok(match key {
        MapKey::Nil => 0x004e_696c,
        MapKey::Bool(b) => 0x426f_6f6c + i64::from(b),
        MapKey::Int(i) => i,
        MapKey::Float(bits) => fnv(&bits.to_le_bytes()),
        MapKey::ShortStr { .. } | MapKey::Str(_) => fnv(key.text_bytes().unwrap_or_default()),
        MapKey::Range(a, b, inclusive) => {
            let mut bytes = Vec::with_capacity(17);
            bytes.extend_from_slice(&a.to_le_bytes());
            bytes.extend_from_slice(&b.to_le_bytes());
            bytes.push(u8::from(inclusive));
            fnv(&bytes)
        }
        MapKey::Obj(r) | MapKey::Hashed { obj: r, .. } => vm.heap.identity_hash(r),
        MapKey::NaN(n) | MapKey::Removed(n) => n as i64,
    })
}

fn map_of(vm: &Vm, map: ObjRef) -> Option<&crate::object::MapObj> {
    match vm.heap.get(map) {
        Object::Map(m) => Some(m),
        _ => None,
    }
}

/// The map for a write whose barrier the caller runs afterwards, with
/// [`crate::heap::Heap::get_mut_entry`], before anything can collect.
fn map_of_unbarriered(vm: &mut Vm, map: ObjRef) -> Option<&mut crate::object::MapObj> {
    match vm.heap.get_mut_unbarriered(map) {
        Object::Map(m) => Some(m),
        _ => None,
    }
}

fn map_mut(vm: &mut Vm, map: ObjRef) -> Option<&mut crate::object::MapObj> {
    match vm.heap.get_mut(map) {
        Object::Map(m) => Some(m),
        _ => None,
    }
}

/// The index of the entry for `key` in `map`, given its probe.
fn find_probe(vm: &mut Vm, map: ObjRef, key: Value, p: &Probe) -> Result<Option<usize>, Exc> {
    match p {
        Probe::Key(k) => Ok(map_of(vm, map).and_then(|m| m.entries.get_index_of(k))),
        Probe::NaN => Ok(None),
        Probe::Hashed(hash, _) => {
            let candidates = map_of(vm, map)
                .and_then(|m| m.hashed.get(hash).cloned())
                .unwrap_or_default();
            for c in candidates {
                if ops::equal(vm, key, Value::Obj(c), 0)? {
                    let k = MapKey::Hashed {
                        hash: *hash,
                        obj: c,
                    };
                    if let Some(i) = map_of(vm, map).and_then(|m| m.entries.get_index_of(&k)) {
                        return Ok(Some(i));
                    }
                }
            }
            Ok(None)
        }
    }
}

/// The index of the entry whose key is `== key`, if any.
pub fn find(vm: &mut Vm, map: ObjRef, key: Value) -> Result<Option<usize>, Exc> {
    if let Some(k) = plain_key(vm, key) {
        return Ok(map_of(vm, map).and_then(|m| m.entries.get_index_of(&k)));
    }
    match builtin_key(vm, key)? {
        // No Cairn code runs for built-in keys: no rooting needed.
        Some(p) => find_probe(vm, map, key, &p),
        None => rooted(vm, &[Value::Obj(map), key], |vm| {
            let p = probe(vm, key)?;
            find_probe(vm, map, key, &p)
        }),
    }
}

/// The value stored for `key`, if any.
pub fn get(vm: &mut Vm, map: ObjRef, key: Value) -> Result<Option<Value>, Exc> {
    if let Some(k) = plain_key(vm, key) {
        return Ok(map_of(vm, map).and_then(|m| m.entries.get(&k).map(|e| e.1)));
    }
    let index = find(vm, map, key)?;
    Ok(index.and_then(|i| {
        map_of(vm, map)
            .and_then(|m| m.entries.get_index(i))
            .map(|(_, e)| e.1)
    }))
}

/// Where a read by Int key found its entry last: `map[k] = map.get(k, 0)
/// + 1` and `map[k] += 1` look the same key up twice in a row, and the
/// write can then skip its hash and probe. Only a hint: a write checks
/// that the entry there still has the key (see [`update_int_at`]).
#[derive(Clone, Copy, Debug)]
pub struct IntHint {
    pub map: ObjRef,
    pub key: i64,
    pub at: usize,
}

impl IntHint {
    pub const NONE: IntHint = IntHint {
        map: ObjRef(u32::MAX),
        key: 0,
        at: usize::MAX,
    };
}

/// [`IntHint`] for a String key: where a read by the String object `key`
/// found its entry last (`counts[w] = counts.get(w, 0) + 1`, `m[k] *=
/// 2`). A write by the same object checks that the entry there still has
/// its text (see [`update_str_at`]), so a String collected and its
/// reference reused meanwhile is turned away, not trusted.
#[derive(Clone, Copy, Debug)]
pub struct StrHint {
    pub map: ObjRef,
    pub key: ObjRef,
    pub at: usize,
}

impl StrHint {
    pub const NONE: StrHint = StrHint {
        map: ObjRef(u32::MAX),
        key: ObjRef(u32::MAX),
        at: usize::MAX,
    };
}

/// [`get`] for an Int or String key (the dispatch loop's `m[k]` and
/// `m.get(k)`), which needs neither Cairn code nor a mutable VM:
/// `Some((found, entry number))`, or `None` for any other key (the caller
/// takes the general path). The entry number feeds an [`IntHint`] or a
/// [`StrHint`]. An Int key, the commonest, takes the table's inlined Int
/// lookup.
#[inline(always)]
pub fn get_plain_at(
    vm: &Vm,
    m: &crate::object::MapObj,
    key: Value,
) -> Option<(Option<Value>, Option<usize>)> {
    let at = match key {
        Value::Int(i) => m.entries.get_index_of_int(i),
        _ => index_of_plain(vm, m, key)?,
    };
    let v = at.and_then(|a| m.entries.get_index(a)).map(|(_, e)| e.1);
    Some((v, at))
}

/// `map[i] = value` where `at` may be the number of `i`'s entry (from an
/// [`IntHint`]): whether it stored. It stores only when the entry there
/// has key `i`, which is then `i`'s entry (keys are unique), so a stale
/// hint (the entry removed, the table rebuilt, the map collected and its
/// reference reused) is turned away, not trusted. Kept apart from
/// [`update_int`], which `SET_INDEX` tries next: one function taking an
/// optional hint ran the histogram loop of `map_numeric` 2% more
/// instructions (callgrind).
#[inline(always)]
pub fn update_int_at(vm: &mut Vm, map: ObjRef, i: i64, at: usize, value: Value) -> bool {
    let Some(m) = map_of_unbarriered(vm, map) else {
        return false;
    };
    match m.entries.get_index_mut(at) {
        Some((&MapKey::Int(k), pair)) if k == i => pair.1 = value,
        _ => return false,
    }
    stored_value(vm, map, at, value);
    true
}

/// The entry number of a String (or Float) key, for [`get_plain_at`]:
/// out of line, so that the dispatch loop, where that is inlined, carries
/// only the Int path's code (inlined, this path made the calls and field
/// reads of `closures` and `method_call` run 1% more instructions).
#[inline(never)]
fn index_of_plain(vm: &Vm, m: &crate::object::MapObj, key: Value) -> Option<Option<usize>> {
    Some(m.entries.get_index_of(&plain_key(vm, key)?))
}

/// `map[s] = value` for the String object `key`, where `at` may be the
/// number of its entry (from a [`StrHint`]): whether it stored. It stores
/// only when the entry there has `key`'s text, which makes it that text's
/// entry (keys are unique), as [`update_int_at`] does for Ints.
#[inline]
pub fn update_str_at(vm: &mut Vm, map: ObjRef, key: ObjRef, at: usize, value: Value) -> bool {
    let holds = match (vm.heap.get(map), vm.heap.get(key)) {
        (Object::Map(m), Object::Str(s)) => m
            .entries
            .get_index(at)
            .is_some_and(|(k, _)| k.text_is(s.text.as_bytes())),
        _ => false,
    };
    if !holds {
        return false;
    }
    // The map again, mutably: the check above borrowed the key's text
    // from the same heap.
    let Some((_, pair)) = map_of_unbarriered(vm, map).and_then(|m| m.entries.get_index_mut(at))
    else {
        return false;
    };
    pair.1 = value;
    stored_value(vm, map, at, value);
    true
}

/// The barrier for a new value written into entry `at` of `map`, after the
/// write (nothing collects in between); a value that is not an object
/// needs none.
#[inline(always)]
fn stored_value(vm: &mut Vm, map: ObjRef, at: usize, value: Value) {
    if let Value::Obj(_) = value {
        vm.heap.stored_entry(map, at, &[value]);
    }
}

/// The bytes a map's table of `len` entries and capacity `cap` needs
/// when one more is added: 0 if it has room, else those of its new
/// capacity (as `Vec` grows: doubling, at least 4), which count on top
/// of the heap while the old table is copied.
#[inline]
fn entry_growth(len: usize, cap: usize) -> usize {
    if len < cap {
        return 0;
    }
    let new_cap = cap.saturating_mul(2).max(len + 1).max(4);
    new_cap.saturating_mul(crate::object::ENTRY_BYTES)
}

/// Before a new entry is added to `map`: if its table must grow, checks
/// its new size against the heap limit (`MemoryError`, nothing changed).
/// `held`: what the caller holds (see [`memory`]).
fn room_for_entry(vm: &mut Vm, map: ObjRef, held: &[Value]) -> Result<(), Exc> {
    let bytes = map_of(vm, map).map_or(0, |m| entry_growth(m.entries.len(), m.entries.capacity()));
    if bytes == 0 {
        return Ok(());
    }
    memory::reserve(vm, bytes, held)
}

/// [`insert`] for an Int or String key, which cannot fail: whether `key`
/// was one (and the entry stored). A new entry that would grow the table
/// past the heap limit is left to the general path (which raises
/// `MemoryError`).
#[inline]
pub fn insert_plain(vm: &mut Vm, map: ObjRef, key: Value, value: Value) -> bool {
    let int = match key {
        Value::Int(i) => i,
        Value::Float(f) => match integral(f) {
            Some(i) => i,
            None => return false,
        },
        // A String key borrows the heap for its text: the general path.
        Value::Obj(_) => {
            let full = map_of(vm, map).is_some_and(|m| {
                entry_growth(m.entries.len(), m.entries.capacity()) > vm.heap.room()
            });
            return !full && plain_key(vm, key).is_some() && insert(vm, map, key, value).is_ok();
        }
        _ => return false,
    };
    update_int(vm, map, int, value) || add_int(vm, map, int, key, value)
}

/// `map[i] = value` for an Int key `map` holds: whether it stored. The
/// keys stay as they were, so the map's version does too. Inlined into
/// the dispatch loop's `SET_INDEX`.
#[inline(always)]
pub fn update_int(vm: &mut Vm, map: ObjRef, i: i64, value: Value) -> bool {
    let Some(m) = map_of_unbarriered(vm, map) else {
        return false;
    };
    let Some(at) = m.entries.get_index_of_int(i) else {
        return false;
    };
    let Some((_, pair)) = m.entries.get_index_mut(at) else {
        return false;
    };
    pair.1 = value;
    stored_value(vm, map, at, value);
    true
}

/// Appends an entry for an Int key `map` does not hold (`key` is the value
/// it came from: the Int, or a Float equal to it): whether it stored. A
/// table that would grow past the heap limit is left to the general path
/// (which raises `MemoryError`).
pub fn add_int(vm: &mut Vm, map: ObjRef, int: i64, key: Value, value: Value) -> bool {
    let Some(m) = map_of_unbarriered(vm, map) else {
        return false;
    };
    debug_assert!(m.entries.get_index_of_int(int).is_none());
    let (at, grown) = if m.entries.len() < m.entries.capacity() {
        (push_int(m, int, key, value), 0)
    } else {
        match push_int_growing(vm, map, int, key, value) {
            Some(pushed) => pushed,
            None => return false,
        }
    };
    vm.heap.stored_entry(map, at, &[key, value]);
    if grown > 0 {
        vm.heap.grew(map, grown * crate::object::ENTRY_BYTES);
    }
    true
}

/// [`push_int`] into a full table, which grows: checked against the
/// limit first. Its index and the capacity it grew by; `None` (nothing
/// changed) if the growth would not fit.
#[cold]
#[inline(never)]
fn push_int_growing(
    vm: &mut Vm,
    map: ObjRef,
    int: i64,
    key: Value,
    value: Value,
) -> Option<(usize, usize)> {
    let room = vm.heap.room();
    let Object::Map(m) = vm.heap.get_mut_unbarriered(map) else {
        return None;
    };
    let before = m.entries.capacity();
    if entry_growth(m.entries.len(), before) > room {
        return None;
    }
    let at = push_int(m, int, key, value);
    Some((at, m.entries.capacity() - before))
}

/// Appends an entry for an absent Int key: its index.
#[inline]
fn push_int(m: &mut crate::object::MapObj, int: i64, key: Value, value: Value) -> usize {
    let at = m.entries.push(MapKey::Int(int), (key, value));
    m.version += 1;
    at
}

/// `map[key] = value`: updates the value of an equal key in place (keeping
/// the original key and position), or appends a new entry.
pub fn insert(vm: &mut Vm, map: ObjRef, key: Value, value: Value) -> Result<(), Exc> {
    let capacity = |vm: &Vm| map_of(vm, map).map_or(0, |m| m.entries.capacity());
    let before = capacity(vm);
    let result = insert_entry(vm, map, key, value);
    let grown = capacity(vm).saturating_sub(before);
    if grown > 0 {
        vm.heap.grew(map, grown * crate::object::ENTRY_BYTES);
    }
    result
}

fn insert_entry(vm: &mut Vm, map: ObjRef, key: Value, value: Value) -> Result<(), Exc> {
    if let Some(k) = plain_key(vm, key) {
        // An existing entry is found by the borrowed key; a new one needs
        // it owned. The entry's index is known only once it is found, so
        // the barrier is told after the write (nothing can collect in
        // between).
        // `Ok(index)` of the entry, or `Err(owned key)` for a new one.
        let slot = match map_of(vm, map).and_then(|m| m.entries.get_index_of(&k)) {
            Some(at) => Ok(at),
            None => Err(k.to_owned_key()),
        };
        if slot.is_err() {
            room_for_entry(vm, map, &[Value::Obj(map), key, value])?;
        }
        if let Some(m) = map_of_unbarriered(vm, map) {
            let (at, added) = match slot {
                Ok(at) => {
                    if let Some((_, e)) = m.entries.get_index_mut(at) {
                        e.1 = value;
                    }
                    (at, false)
                }
                Err(k) => {
                    let at = m.entries.push(k, (key, value));
                    m.version += 1;
                    (at, true)
                }
            };
            let stored: &[Value] = if added { &[key, value] } else { &[value] };
            vm.heap.get_mut_entry_storing(map, at, stored);
        }
        return Ok(());
    }
    match builtin_key(vm, key)? {
        Some(Probe::Key(k)) => {
            if map_of(vm, map).is_some_and(|m| m.entries.get_index_of(&k).is_none()) {
                room_for_entry(vm, map, &[Value::Obj(map), key, value])?;
            }
            if let Some(m) = map_mut(vm, map) {
                match m.entries.get_mut(&k) {
                    Some(entry) => entry.1 = value,
                    None => m.push(k, key, value),
                }
            }
            Ok(())
        }
        Some(p) => store(vm, map, key, value, p, None),
        None => rooted(vm, &[Value::Obj(map), key, value], |vm| {
            let p = probe(vm, key)?;
            let found = find_probe(vm, map, key, &p)?;
            store(vm, map, key, value, p, found)
        }),
    }
}

/// Stores `value` at entry `found`, or under a new key made from `p`.
fn store(
    vm: &mut Vm,
    map: ObjRef,
    key: Value,
    value: Value,
    p: Probe,
    found: Option<usize>,
) -> Result<(), Exc> {
    if found.is_none() {
        room_for_entry(vm, map, &[Value::Obj(map), key, value])?;
    }
    let Some(m) = map_mut(vm, map) else {
        return Ok(());
    };
    if let Some((_, entry)) = found.and_then(|i| m.entries.get_index_mut(i)) {
        entry.1 = value;
        return Ok(());
    }
    let k = match p {
        Probe::Key(k) => k,
        Probe::NaN => {
            m.nans += 1;
            MapKey::NaN(m.nans)
        }
        Probe::Hashed(hash, obj) => MapKey::Hashed { hash, obj },
    };
    m.push(k, key, value);
    Ok(())
}

/// `map.remove(key)`: the removed value, if the key was present.
pub fn remove(vm: &mut Vm, map: ObjRef, key: Value) -> Result<Option<Value>, Exc> {
    let found = find(vm, map, key)?;
    Ok(found.and_then(|i| map_mut(vm, map).and_then(|m| m.remove_index(i))))
}
