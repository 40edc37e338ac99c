//! Map and Range methods.

use super::keys;
use super::prelude::{arity, int_arg, method};
use crate::interp::{Exc, Vm};
use crate::object::{IterObj, MapObj, Object, RangeCursor, RangeObj};
use crate::value::{ObjRef, Value};

pub fn install(vm: &mut Vm) {
    method(vm, "Map", "len", len);
    method(vm, "Map", "get", get);
    method(vm, "Map", "contains", contains);
    method(vm, "Map", "remove", remove);
    method(vm, "Map", "keys", keys);
    method(vm, "Map", "values", values);
    method(vm, "Map", "entries", entries);
    method(vm, "Map", "clear", clear);
    method(vm, "Map", "copy", copy);
    method(vm, "Range", "contains", range_contains);
    method(vm, "Range", "to_list", range_to_list);
    method(vm, "Range", "step", range_step);
}

fn map_ref(r: Value) -> ObjRef {
    match r {
        Value::Obj(o) => o,
        _ => ObjRef(0),
    }
}

/// The map, for reading (no write barrier).
fn map_of(vm: &Vm, r: Value) -> Option<&MapObj> {
    match vm.heap.get(map_ref(r)) {
        Object::Map(m) => Some(m),
        _ => None,
    }
}

fn with_map<T>(vm: &mut Vm, r: Value, f: impl FnOnce(&mut MapObj) -> T) -> Option<T> {
    match vm.heap.get_mut(map_ref(r)) {
        Object::Map(m) => Some(f(m)),
        _ => None,
    }
}

fn len(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.len", args, 0, 0)?;
    Ok(Value::Int(map_of(vm, r).map_or(0, MapObj::len) as i64))
}

fn get(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.get", args, 1, 2)?;
    let found = keys::get(vm, map_ref(r), args[0])?;
    Ok(found.unwrap_or(args.get(1).copied().unwrap_or(Value::Nil)))
}

fn contains(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.contains", args, 1, 1)?;
    Ok(Value::Bool(keys::find(vm, map_ref(r), args[0])?.is_some()))
}

fn remove(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.remove", args, 1, 1)?;
    let removed = keys::remove(vm, map_ref(r), args[0])?;
    Ok(removed.unwrap_or(Value::Nil))
}

fn listing(
    vm: &mut Vm,
    r: Value,
    f: impl Fn(&(Value, Value)) -> Option<Value>,
    pairs: bool,
) -> Result<Value, Exc> {
    // The list, and for `entries` a pair list per entry, checked against
    // the heap limit before any is made.
    let n = map_of(vm, r).map_or(0, MapObj::len);
    let item = std::mem::size_of::<Value>();
    let each = if pairs {
        item + std::mem::size_of::<Object>() + 2 * item
    } else {
        item
    };
    super::memory::reserve(vm, n.saturating_mul(each), &[])?;
    let parts: Vec<(Value, Value)> =
        map_of(vm, r).map_or_else(Vec::new, |m| m.pairs().map(|(_, e)| *e).collect());
    let mut out = Vec::with_capacity(parts.len());
    for p in &parts {
        if pairs {
            let pair = vm.heap.alloc(Object::List(vec![p.0, p.1]));
            out.push(Value::Obj(pair));
        } else if let Some(v) = f(p) {
            out.push(v);
        }
    }
    Ok(Value::Obj(vm.heap.alloc(Object::List(out))))
}

fn keys(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.keys", args, 0, 0)?;
    listing(vm, r, |p| Some(p.0), false)
}

fn values(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.values", args, 0, 0)?;
    listing(vm, r, |p| Some(p.1), false)
}

fn entries(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.entries", args, 0, 0)?;
    listing(vm, r, |_| None, true)
}

fn clear(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.clear", args, 0, 0)?;
    with_map(vm, r, MapObj::clear);
    Ok(Value::Nil)
}

fn copy(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.copy", args, 0, 0)?;
    let bytes = map_of(vm, r).map_or(0, |m| m.entries.capacity()) * crate::object::ENTRY_BYTES;
    super::memory::reserve(vm, bytes, &[])?;
    let mut copy = with_map(vm, r, |m| m.clone()).unwrap_or_default();
    copy.version = 0;
    Ok(Value::Obj(vm.heap.alloc(Object::Map(Box::new(copy)))))
}

fn range_of(vm: &Vm, r: Value) -> RangeObj {
    match r {
        Value::Obj(o) => match vm.heap.get(o) {
            Object::Range(g) => *g,
            _ => EMPTY,
        },
        _ => EMPTY,
    }
}

const EMPTY: RangeObj = RangeObj {
    start: 0,
    end: 0,
    inclusive: false,
};

/// `(a..b).contains(x)`: whether `x` is `==` to one of the elements.
fn range_contains(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Range.contains", args, 1, 1)?;
    let g = range_of(vm, r);
    let x = match args[0] {
        Value::Int(i) => i,
        Value::Float(f) => match keys::integral(f) {
            Some(i) => i,
            None => return Ok(Value::Bool(false)),
        },
        _ => return Ok(Value::Bool(false)),
    };
    let inside = x >= g.start && (x < g.end || (g.inclusive && x == g.end));
    Ok(Value::Bool(inside))
}

fn range_to_list(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Range.to_list", args, 0, 0)?;
    let g = range_of(vm, r);
    let end = i128::from(g.end) + i128::from(g.inclusive);
    let count = (end - i128::from(g.start)).max(0);
    if count > 1 << 26 {
        return Err(vm.error_of("MemoryError", "range too large for a list".into()));
    }
    super::memory::reserve(vm, count as usize * std::mem::size_of::<Value>(), &[])?;
    let items: Vec<Value> = (0..count as i64).map(|i| Value::Int(g.start + i)).collect();
    Ok(Value::Obj(vm.heap.alloc(Object::List(items))))
}

/// `range.step(n)`: an Iterator over `start, start + n, ...` (§12.9).
fn range_step(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Range.step", args, 1, 1)?;
    let n = int_arg(vm, "Range.step", args, 0)?;
    if n == 0 {
        return Err(vm.error_of("ValueError", "step must not be zero".into()));
    }
    let cursor = RangeCursor::new(range_of(vm, r), n);
    let it = vm.heap.alloc(Object::Iter(Box::new(IterObj::Step(cursor))));
    Ok(Value::Obj(it))
}
