//! Map and Range methods.

use super::prelude::{arity, int_arg, method};
use crate::interp::{Exc, Vm};
use crate::object::{MapObj, Object, RangeObj};
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

fn with_map<T>(vm: &mut Vm, r: Value, f: impl FnOnce(&mut MapObj) -> T) -> Option<T> {
    match vm.heap.get_mut(map_ref(r)) {
        Object::Map(m) => Some(f(m)),
        _ => None,
    }
}

fn len(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.len", args, 0, 0)?;
    Ok(Value::Int(
        with_map(vm, r, |m| m.entries.len()).unwrap_or(0) as i64,
    ))
}

fn get(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.get", args, 1, 2)?;
    let k = vm.map_key(args[0])?;
    let found = with_map(vm, r, |m| m.entries.get(&k).map(|e| e.1)).flatten();
    Ok(found.unwrap_or(args.get(1).copied().unwrap_or(Value::Nil)))
}

fn contains(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.contains", args, 1, 1)?;
    let k = vm.map_key(args[0])?;
    Ok(Value::Bool(
        with_map(vm, r, |m| m.entries.contains_key(&k)).unwrap_or(false),
    ))
}

fn remove(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.remove", args, 1, 1)?;
    let k = vm.map_key(args[0])?;
    let removed = with_map(vm, r, |m| m.entries.shift_remove(&k).map(|e| e.1)).flatten();
    Ok(removed.unwrap_or(Value::Nil))
}

fn listing(
    vm: &mut Vm,
    r: Value,
    f: impl Fn(&(Value, Value)) -> Option<Value>,
    pairs: bool,
) -> Value {
    let parts: Vec<(Value, Value)> =
        with_map(vm, r, |m| m.entries.values().copied().collect()).unwrap_or_default();
    let mut out = Vec::with_capacity(parts.len());
    for p in &parts {
        if pairs {
            let pair = vm.heap.alloc(Object::List(vec![p.0, p.1]));
            out.push(Value::Obj(pair));
        } else if let Some(v) = f(p) {
            out.push(v);
        }
    }
    Value::Obj(vm.heap.alloc(Object::List(out)))
}

fn keys(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.keys", args, 0, 0)?;
    Ok(listing(vm, r, |p| Some(p.0), false))
}

fn values(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.values", args, 0, 0)?;
    Ok(listing(vm, r, |p| Some(p.1), false))
}

fn entries(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.entries", args, 0, 0)?;
    Ok(listing(vm, r, |_| None, true))
}

fn clear(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.clear", args, 0, 0)?;
    with_map(vm, r, |m| m.entries.clear());
    Ok(Value::Nil)
}

fn copy(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Map.copy", args, 0, 0)?;
    let entries = with_map(vm, r, |m| m.entries.clone()).unwrap_or_default();
    Ok(Value::Obj(vm.heap.alloc(Object::Map(MapObj { entries }))))
}

fn range_of(vm: &Vm, r: Value) -> RangeObj {
    match r {
        Value::Obj(o) => match vm.heap.get(o) {
            Object::Range(g) => *g,
            _ => RangeObj {
                start: 0,
                end: 0,
                inclusive: false,
                step: 1,
            },
        },
        _ => RangeObj {
            start: 0,
            end: 0,
            inclusive: false,
            step: 1,
        },
    }
}

fn range_contains(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Range.contains", args, 1, 1)?;
    let g = range_of(vm, r);
    let x = match args[0] {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        _ => return Ok(Value::Bool(false)),
    };
    let (lo, hi) = (g.start as f64, g.end as f64);
    let inside = x >= lo && (x < hi || (g.inclusive && x == hi));
    let on_step = x.fract() == 0.0 && ((x as i64) - g.start) % g.step == 0;
    Ok(Value::Bool(inside && on_step))
}

fn range_to_list(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Range.to_list", args, 0, 0)?;
    let g = range_of(vm, r);
    let end = if g.inclusive {
        g.end.saturating_add(1)
    } else {
        g.end
    };
    let count = if g.step > 0 {
        (end - g.start).max(0) / g.step
    } else {
        0
    };
    if count > 1 << 26 {
        return Err(vm.error_of("MemoryError", "range too large for a list".into()));
    }
    let items: Vec<Value> = (0..count)
        .map(|i| Value::Int(g.start + i * g.step))
        .collect();
    Ok(Value::Obj(vm.heap.alloc(Object::List(items))))
}

fn range_step(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Range.step", args, 1, 1)?;
    let n = int_arg(vm, "Range.step", args[0])?;
    if n <= 0 {
        return Err(vm.error_of("ValueError", "step must be positive".into()));
    }
    let mut g = range_of(vm, r);
    g.step = n;
    Ok(Value::Obj(vm.heap.alloc(Object::Range(g))))
}
