//! String methods. Strings are immutable UTF-8; indexes count characters,
//! in O(1) for ASCII strings.

use super::prelude::{arity, int_arg, method, str_arg};
use crate::interp::{Exc, Vm};
use crate::object::{Object, StrObj};
use crate::value::{ObjRef, Value};

pub fn install(vm: &mut Vm) {
    method(vm, "String", "len", len);
    method(vm, "String", "byte_len", byte_len);
    method(vm, "String", "upper", upper);
    method(vm, "String", "lower", lower);
    method(vm, "String", "trim", trim);
    method(vm, "String", "split", split);
    method(vm, "String", "contains", contains);
    method(vm, "String", "starts_with", starts_with);
    method(vm, "String", "ends_with", ends_with);
    method(vm, "String", "find", find);
    method(vm, "String", "replace", replace);
    method(vm, "String", "slice", slice);
    method(vm, "String", "chars", chars);
    method(vm, "String", "repeat", repeat);
    method(vm, "String", "to_int", to_int);
    method(vm, "String", "to_float", to_float);
    method(vm, "String", "join", join);
    method(vm, "String", "to_string", to_string);
}

fn text(vm: &Vm, r: Value) -> String {
    match r {
        Value::Obj(o) => vm
            .str_ref(o)
            .map(|s| s.text.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Byte offset of character `i` (which must be `<= chars`).
fn byte_at(s: &StrObj, i: usize) -> usize {
    if s.ascii {
        i
    } else {
        s.text
            .char_indices()
            .nth(i)
            .map_or(s.text.len(), |(b, _)| b)
    }
}

pub fn char_at(vm: &mut Vm, r: ObjRef, i: i64) -> Result<Value, Exc> {
    let (len, piece) = match vm.heap.get(r) {
        Object::Str(s) => {
            let len = s.chars;
            let at = if i < 0 { i + len as i64 } else { i };
            if at < 0 || at >= len as i64 {
                (len, None)
            } else {
                let b = byte_at(s, at as usize);
                let c = s.text[b..].chars().next().unwrap_or(' ');
                (len, Some(c.to_string()))
            }
        }
        _ => (0, None),
    };
    match piece {
        Some(p) => Ok(vm.str_value(p)),
        None => Err(vm.error_of(
            "IndexError",
            format!("string index {i} out of range for length {len}"),
        )),
    }
}

pub fn slice_str(vm: &mut Vm, obj: Value, a: usize, b: usize) -> Result<Value, Exc> {
    let piece = match obj {
        Value::Obj(o) => match vm.heap.get(o) {
            Object::Str(s) => s.text[byte_at(s, a)..byte_at(s, b)].to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    Ok(vm.str_value(piece))
}

fn len(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.len", args, 0, 0)?;
    Ok(Value::Int(match r {
        Value::Obj(o) => vm.str_ref(o).map_or(0, |s| s.chars as i64),
        _ => 0,
    }))
}

fn byte_len(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.byte_len", args, 0, 0)?;
    Ok(Value::Int(text(vm, r).len() as i64))
}

fn upper(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.upper", args, 0, 0)?;
    let t = text(vm, r).to_uppercase();
    Ok(vm.str_value(t))
}

fn lower(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.lower", args, 0, 0)?;
    let t = text(vm, r).to_lowercase();
    Ok(vm.str_value(t))
}

fn trim(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.trim", args, 0, 0)?;
    let t = text(vm, r).trim().to_string();
    Ok(vm.str_value(t))
}

fn list_of(vm: &mut Vm, parts: Vec<String>) -> Value {
    let items: Vec<Value> = parts.into_iter().map(|p| vm.str_value(p)).collect();
    Value::Obj(vm.heap.alloc(Object::List(items)))
}

fn split(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.split", args, 0, 1)?;
    let t = text(vm, r);
    let parts: Vec<String> = match args.first() {
        None => t.split_whitespace().map(str::to_string).collect(),
        Some(_) => {
            let sep = str_arg(vm, "String.split", args, 0)?;
            if sep.is_empty() {
                return Err(vm.error_of("ValueError", "empty separator".into()));
            }
            t.split(sep.as_str()).map(str::to_string).collect()
        }
    };
    Ok(list_of(vm, parts))
}

fn pred(
    vm: &mut Vm,
    r: Value,
    args: &[Value],
    name: &str,
    f: fn(&str, &str) -> bool,
) -> Result<Value, Exc> {
    arity(vm, name, args, 1, 1)?;
    let needle = str_arg(vm, name, args, 0)?;
    Ok(Value::Bool(f(&text(vm, r), &needle)))
}

fn contains(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    pred(vm, r, args, "String.contains", |a, b| a.contains(b))
}

fn starts_with(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    pred(vm, r, args, "String.starts_with", |a, b| a.starts_with(b))
}

fn ends_with(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    pred(vm, r, args, "String.ends_with", |a, b| a.ends_with(b))
}

fn find(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.find", args, 1, 1)?;
    let needle = str_arg(vm, "String.find", args, 0)?;
    let t = text(vm, r);
    Ok(Value::Int(match t.find(&needle) {
        Some(b) => t[..b].chars().count() as i64,
        None => -1,
    }))
}

fn replace(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.replace", args, 2, 2)?;
    let a = str_arg(vm, "String.replace", args, 0)?;
    let b = str_arg(vm, "String.replace", args, 1)?;
    let t = text(vm, r);
    let out = t.replace(&a, &b);
    Ok(vm.str_value(out))
}

fn slice(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.slice", args, 2, 2)?;
    let a = int_arg(vm, "String.slice", args, 0)?;
    let b = int_arg(vm, "String.slice", args, 1)?;
    let len = match r {
        Value::Obj(o) => vm.str_ref(o).map_or(0, |s| s.chars),
        _ => 0,
    };
    let (a, b) = super::prelude::bounds(vm, a, b, false, len)?;
    slice_str(vm, r, a, b)
}

fn chars(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.chars", args, 0, 0)?;
    let parts = text(vm, r).chars().map(|c| c.to_string()).collect();
    Ok(list_of(vm, parts))
}

fn repeat(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.repeat", args, 1, 1)?;
    let n = int_arg(vm, "String.repeat", args, 0)?;
    super::ops::mul(vm, r, Value::Int(n))
}

fn to_int(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.to_int", args, 0, 0)?;
    let t = text(vm, r);
    super::numbers::parse_int(vm, &t)
}

fn to_float(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.to_float", args, 0, 0)?;
    let t = text(vm, r);
    super::numbers::parse_float(vm, &t)
}

/// `sep.join(list)`.
fn join(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.join", args, 1, 1)?;
    let sep = text(vm, r);
    let items = match args[0] {
        Value::Obj(o) => match vm.heap.get(o) {
            Object::List(items) => Some(items.clone()),
            _ => None,
        },
        _ => None,
    };
    let Some(items) = items else {
        return Err(super::prelude::arg_type_error(
            vm,
            "String.join",
            0,
            "List",
            args[0],
        ));
    };
    let text = super::format::join_values(vm, &items, &sep)?;
    Ok(vm.str_value(text))
}

fn to_string(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.to_string", args, 0, 0)?;
    Ok(r)
}
