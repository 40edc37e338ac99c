//! List methods.

use super::keys::rooted;
use super::memory;
use super::prelude::{arity, int_arg, method};
use crate::interp::{Exc, Vm};
use crate::object::Object;
use crate::value::{ObjRef, Value};

pub fn install(vm: &mut Vm) {
    method(vm, "List", "len", len);
    method(vm, "List", "push", push);
    method(vm, "List", "pop", pop);
    method(vm, "List", "insert", insert);
    method(vm, "List", "remove_at", remove_at);
    method(vm, "List", "contains", contains);
    method(vm, "List", "index_of", index_of);
    method(vm, "List", "slice", slice);
    method(vm, "List", "reverse", reverse);
    method(vm, "List", "sort", sort);
    method(vm, "List", "sort_by", sort_by);
    method(vm, "List", "map", map);
    method(vm, "List", "filter", filter);
    method(vm, "List", "reduce", reduce);
    method(vm, "List", "join", join);
    method(vm, "List", "clear", clear);
    method(vm, "List", "copy", copy);
}

fn list_ref(r: Value) -> ObjRef {
    match r {
        Value::Obj(o) => o,
        _ => ObjRef(0),
    }
}

fn items(vm: &Vm, r: Value) -> Vec<Value> {
    match vm.heap.get(list_ref(r)) {
        Object::List(items) => items.clone(),
        _ => Vec::new(),
    }
}

/// Runs `f` on the list's items; growth in place is reported to the heap
/// (for pacing and the heap limit).
fn with_list<T>(vm: &mut Vm, r: Value, f: impl FnOnce(&mut Vec<Value>) -> T) -> Option<T> {
    with_list_at(vm, r, None, f)
}

/// [`with_list`] for a change to item `at` alone (or a push, at the
/// length), which lets the write barrier remember just that part.
fn with_list_at<T>(
    vm: &mut Vm,
    r: Value,
    at: Option<usize>,
    f: impl FnOnce(&mut Vec<Value>) -> T,
) -> Option<T> {
    let obj = match at {
        Some(at) => vm.heap.get_mut_entry(list_ref(r), at),
        None => vm.heap.get_mut(list_ref(r)),
    };
    let (out, grown) = match obj {
        Object::List(items) => {
            let before = items.capacity();
            let out = f(items);
            (out, items.capacity().saturating_sub(before))
        }
        _ => return None,
    };
    if grown > 0 {
        vm.heap
            .grew(list_ref(r), grown * std::mem::size_of::<Value>());
    }
    Some(out)
}

/// Makes sure the list can take `more` items without growing past the
/// heap limit: when its capacity must grow, the new capacity is checked
/// first (`MemoryError`, the list unchanged) and then made. `held`: values the
/// caller holds besides the list (see [`memory`]). Gives the list's
/// length.
#[inline]
fn make_room(vm: &mut Vm, r: Value, more: usize, held: &[Value]) -> Result<usize, Exc> {
    let (len, cap) = match vm.heap.get(list_ref(r)) {
        Object::List(items) => (items.len(), items.capacity()),
        _ => return Ok(0),
    };
    let need = len.saturating_add(more);
    if need > cap {
        grow(vm, r, need, cap, held)?;
    }
    Ok(len)
}

#[cold]
#[inline(never)]
fn grow(vm: &mut Vm, r: Value, need: usize, cap: usize, held: &[Value]) -> Result<(), Exc> {
    let item = std::mem::size_of::<Value>();
    // Doubling, as `Vec` would; near the limit, an eighth more. The new
    // buffer counts on top of the heap, which holds the old one until it
    // has been copied.
    let doubled = need.max(cap.saturating_mul(2)).max(4);
    let modest = need.max(cap.saturating_add(cap / 8));
    let new_cap = if vm.heap.would_exceed(doubled.saturating_mul(item)) {
        modest
    } else {
        doubled
    };
    let mut roots = Vec::with_capacity(held.len() + 1);
    roots.push(r);
    roots.extend_from_slice(held);
    memory::reserve(vm, new_cap.saturating_mul(item), &roots)?;
    // Only capacity changes, no reference is stored: no barrier.
    let grown = match vm.heap.get_mut_unbarriered(list_ref(r)) {
        Object::List(items) => {
            items.reserve_exact(new_cap - items.len());
            items.capacity() - cap
        }
        _ => 0,
    };
    if grown > 0 {
        vm.heap.grew(list_ref(r), grown * item);
    }
    Ok(())
}

/// The list's length (reading, so no write barrier).
fn list_len(vm: &Vm, r: Value) -> usize {
    match vm.heap.get(list_ref(r)) {
        Object::List(items) => items.len(),
        _ => 0,
    }
}

fn new_list(vm: &mut Vm, items: Vec<Value>) -> Value {
    Value::Obj(vm.heap.alloc(Object::List(items)))
}

pub fn slice_list(vm: &mut Vm, obj: Value, a: usize, b: usize) -> Result<Value, Exc> {
    let bytes = b
        .saturating_sub(a)
        .saturating_mul(std::mem::size_of::<Value>());
    memory::reserve(vm, bytes, &[obj])?;
    let piece = match vm.heap.get(list_ref(obj)) {
        Object::List(items) => items.get(a..b).map(<[Value]>::to_vec).unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok(new_list(vm, piece))
}

fn len(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.len", args, 0, 0)?;
    Ok(Value::Int(list_len(vm, r) as i64))
}

fn push(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.push", args, 1, 1)?;
    let at = make_room(vm, r, 1, &[args[0]])?;
    with_list_at(vm, r, Some(at), |l| l.push(args[0]));
    Ok(Value::Nil)
}

fn pop(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.pop", args, 0, 0)?;
    match with_list(vm, r, |l| l.pop()).flatten() {
        Some(v) => Ok(v),
        None => Err(vm.error_of("IndexError", "pop from empty list".into())),
    }
}

fn insert(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.insert", args, 2, 2)?;
    let i = int_arg(vm, "List.insert", args, 0)?;
    let len = list_len(vm, r) as i64;
    let at = if i < 0 { i + len } else { i };
    if at < 0 || at > len {
        return Err(vm.error_of(
            "IndexError",
            format!("insert index {i} out of range for length {len}"),
        ));
    }
    make_room(vm, r, 1, &[args[1]])?;
    with_list(vm, r, |l| l.insert(at as usize, args[1]));
    Ok(Value::Nil)
}

fn remove_at(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.remove_at", args, 1, 1)?;
    let i = int_arg(vm, "List.remove_at", args, 0)?;
    let len = list_len(vm, r) as i64;
    let at = if i < 0 { i + len } else { i };
    if at < 0 || at >= len {
        return Err(vm.error_of(
            "IndexError",
            format!("list index {i} out of range for length {len}"),
        ));
    }
    Ok(with_list(vm, r, |l| l.remove(at as usize)).unwrap_or(Value::Nil))
}

fn position(vm: &mut Vm, r: Value, x: Value) -> Result<Option<usize>, Exc> {
    for (i, item) in items(vm, r).into_iter().enumerate() {
        if vm.values_equal(item, x)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn contains(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.contains", args, 1, 1)?;
    Ok(Value::Bool(position(vm, r, args[0])?.is_some()))
}

fn index_of(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.index_of", args, 1, 1)?;
    Ok(Value::Int(
        position(vm, r, args[0])?.map_or(-1, |i| i as i64),
    ))
}

fn slice(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.slice", args, 2, 2)?;
    let a = int_arg(vm, "List.slice", args, 0)?;
    let b = int_arg(vm, "List.slice", args, 1)?;
    let len = list_len(vm, r);
    let (a, b) = super::prelude::bounds(vm, a, b, false, len)?;
    slice_list(vm, r, a, b)
}

fn reverse(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.reverse", args, 0, 0)?;
    with_list(vm, r, |l| l.reverse());
    Ok(Value::Nil)
}

/// A stable merge sort whose comparisons may call back into Cairn (and so
/// may fail): insertion into runs keeps it simple and stable.
fn sort_values(vm: &mut Vm, keys: &[Value]) -> Result<Vec<usize>, Exc> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    let mut buf = order.clone();
    let mut width = 1;
    while width < order.len() {
        let mut i = 0;
        while i < order.len() {
            let mid = (i + width).min(order.len());
            let end = (i + 2 * width).min(order.len());
            let (mut a, mut b, mut k) = (i, mid, i);
            while a < mid && b < end {
                let less = less_than(vm, keys[order[b]], keys[order[a]])?;
                if less {
                    buf[k] = order[b];
                    b += 1;
                } else {
                    buf[k] = order[a];
                    a += 1;
                }
                k += 1;
            }
            buf[k..k + mid - a].copy_from_slice(&order[a..mid]);
            k += mid - a;
            buf[k..k + end - b].copy_from_slice(&order[b..end]);
            i = end;
        }
        std::mem::swap(&mut order, &mut buf);
        width *= 2;
    }
    Ok(order)
}

fn less_than(vm: &mut Vm, a: Value, b: Value) -> Result<bool, Exc> {
    Ok(super::ops::lt(vm, a, b)?.truthy())
}

fn sort(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.sort", args, 0, 0)?;
    let values = items(vm, r);
    let order = rooted(vm, &values, |vm| sort_values(vm, &values))?;
    let sorted: Vec<Value> = order.into_iter().map(|i| values[i]).collect();
    with_list(vm, r, |l| *l = sorted);
    Ok(Value::Nil)
}

fn sort_by(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.sort_by", args, 1, 1)?;
    let values = items(vm, r);
    let mark = vm.temp_roots.len();
    vm.temp_roots.extend_from_slice(&values);
    let order = sort_keys(vm, args[0], &values);
    vm.temp_roots.truncate(mark);
    let sorted: Vec<Value> = order?.into_iter().map(|i| values[i]).collect();
    with_list(vm, r, |l| *l = sorted);
    Ok(Value::Nil)
}

/// Calls `key` once per value, in order (rooting each key), and sorts the
/// keys: the resulting order of indexes.
fn sort_keys(vm: &mut Vm, key: Value, values: &[Value]) -> Result<Vec<usize>, Exc> {
    let mut keys = Vec::with_capacity(values.len());
    for v in values {
        let k = vm.call_function(key, &[*v])?;
        keys.push(k);
        vm.temp_roots.push(k);
    }
    sort_values(vm, &keys)
}

/// Element `i` of the list, re-read each time: `map`, `filter` and
/// `reduce` traverse like `for`, so the callback may change the list.
fn item_at(vm: &Vm, r: Value, i: usize) -> Option<Value> {
    match vm.heap.get(list_ref(r)) {
        Object::List(items) => items.get(i).copied(),
        _ => None,
    }
}

fn map(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.map", args, 1, 1)?;
    let out = new_list(vm, Vec::new());
    rooted(vm, &[out], |vm| {
        let mut i = 0;
        while let Some(v) = item_at(vm, r, i) {
            let m = vm.call_function(args[0], &[v])?;
            make_room(vm, out, 1, &[m])?;
            with_list(vm, out, |l| l.push(m));
            i += 1;
        }
        Ok(out)
    })
}

fn filter(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.filter", args, 1, 1)?;
    let out = new_list(vm, Vec::new());
    rooted(vm, &[out], |vm| {
        let mut i = 0;
        while let Some(v) = item_at(vm, r, i) {
            vm.temp_roots.push(v);
            let keep = vm.call_function(args[0], &[v]);
            vm.temp_roots.pop();
            if keep?.truthy() {
                make_room(vm, out, 1, &[v])?;
                with_list(vm, out, |l| l.push(v));
            }
            i += 1;
        }
        Ok(out)
    })
}

fn reduce(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.reduce", args, 2, 2)?;
    let mut acc = args[1];
    let mut i = 0;
    while let Some(v) = item_at(vm, r, i) {
        acc = vm.call_function(args[0], &[acc, v])?;
        i += 1;
    }
    Ok(acc)
}

fn join(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.join", args, 1, 1)?;
    let sep = super::prelude::str_arg(vm, "List.join", args, 0)?;
    let values = items(vm, r);
    let text = super::format::join_values(vm, &values, &sep)?;
    Ok(vm.str_value(text))
}

fn clear(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.clear", args, 0, 0)?;
    with_list(vm, r, |l| l.clear());
    Ok(Value::Nil)
}

fn copy(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "List.copy", args, 0, 0)?;
    let bytes = list_len(vm, r).saturating_mul(std::mem::size_of::<Value>());
    memory::reserve(vm, bytes, &[])?;
    let v = items(vm, r);
    Ok(new_list(vm, v))
}
