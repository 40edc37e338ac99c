//! `str(x)` and `repr(x)`: how values print. Containers print their
//! elements with `repr`; instances use their class's `to_string` when it
//! has one. Nesting is walked with an explicit depth bound and a cycle
//! check, so a list that contains itself prints as `[[...]]`.

use crate::interp::{Exc, Vm};
use crate::object::Object;
use crate::runtime::float_repr::float_repr;
use crate::runtime::keys::rooted;
use crate::value::{ObjRef, Value};

/// Containers nested deeper than this print as `...`.
const MAX_DEPTH: usize = 200;

pub fn to_str(vm: &mut Vm, v: Value) -> Result<String, Exc> {
    if let Value::Obj(r) = v {
        if let Object::Str(s) = vm.heap.get(r) {
            return Ok(s.text.to_string());
        }
    }
    let mut out = String::new();
    write(vm, v, false, &mut Vec::new(), &mut out)?;
    Ok(out)
}

/// The items converted by `str`, with `sep` between them (`join`). A
/// `to_string` may change the list the items came from, so they are rooted.
pub fn join_values(vm: &mut Vm, items: &[Value], sep: &str) -> Result<String, Exc> {
    rooted(vm, items, |vm| {
        let mut out = String::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.push_str(&to_str(vm, *item)?);
        }
        Ok(out)
    })
}

pub fn repr(vm: &mut Vm, v: Value) -> Result<String, Exc> {
    let mut out = String::new();
    write(vm, v, true, &mut Vec::new(), &mut out)?;
    Ok(out)
}

/// Quotes a string as Cairn source would write it (§12.2): `$` is escaped
/// only where it would start an interpolation.
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write(
    vm: &mut Vm,
    v: Value,
    quoted: bool,
    seen: &mut Vec<ObjRef>,
    out: &mut String,
) -> Result<(), Exc> {
    match v {
        Value::Nil => out.push_str("nil"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&float_repr(f)),
        Value::Obj(r) => write_obj(vm, r, quoted, seen, out)?,
    }
    Ok(())
}

fn write_obj(
    vm: &mut Vm,
    r: ObjRef,
    quoted: bool,
    seen: &mut Vec<ObjRef>,
    out: &mut String,
) -> Result<(), Exc> {
    if seen.contains(&r) || seen.len() > MAX_DEPTH {
        let bracket = match vm.heap.get(r) {
            Object::Map(_) => "{...}",
            _ => "[...]",
        };
        out.push_str(bracket);
        return Ok(());
    }
    match vm.heap.get(r) {
        Object::Str(s) => {
            if quoted {
                quote(&s.text, out);
            } else {
                out.push_str(&s.text);
            }
        }
        Object::List(items) => {
            let items = items.clone();
            seen.push(r);
            out.push('[');
            // A `to_string` may change the list: keep the items alive.
            let written = rooted(vm, &items, |vm| {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write(vm, *item, true, seen, out)?;
                }
                Ok(())
            });
            written?;
            out.push(']');
            seen.pop();
        }
        Object::Map(m) => {
            let entries: Vec<Value> = m.pairs().flat_map(|(_, (k, v))| [*k, *v]).collect();
            seen.push(r);
            out.push('{');
            let written = rooted(vm, &entries, |vm| {
                for (i, pair) in entries.chunks(2).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write(vm, pair[0], true, seen, out)?;
                    out.push_str(": ");
                    write(vm, pair[1], true, seen, out)?;
                }
                Ok(())
            });
            written?;
            out.push('}');
            seen.pop();
        }
        Object::Range(g) => {
            out.push_str(&format!(
                "{}{}{}",
                g.start,
                if g.inclusive { "..=" } else { ".." },
                g.end
            ));
        }
        Object::Host(h) => {
            let class = h.class;
            let sym = vm.intern("to_string");
            match vm.find_method(class, sym) {
                Some(m) if !is_default_to_string(vm, m) => {
                    seen.push(r);
                    let text = call_to_string(vm, m, Value::Obj(r));
                    seen.pop();
                    out.push_str(&text?);
                }
                _ => out.push_str(&format!("<{} object>", vm.class_name(class))),
            }
        }
        Object::Instance(inst) => {
            let class = inst.class;
            let sym = vm.intern("to_string");
            match vm.find_method(class, sym) {
                Some(m) if !is_default_to_string(vm, m) => {
                    seen.push(r);
                    let text = call_to_string(vm, m, Value::Obj(r));
                    seen.pop();
                    out.push_str(&text?);
                }
                _ => out.push_str(&default_instance_text(vm, Value::Obj(r))),
            }
        }
        Object::Class(c) => out.push_str(&format!("<class {}>", c.name)),
        Object::Closure(c) => {
            let p = &vm.protos[c.proto as usize];
            let name = if vm.proto_is_method(c.proto) {
                p.display.clone()
            } else {
                p.name.to_string()
            };
            out.push_str(&format!("<fn {name}>"));
        }
        Object::Native(n) => out.push_str(&format!("<fn {}>", n.name)),
        Object::Bound(b) => {
            let method = b.method;
            match method {
                Value::Obj(m) => write_obj(vm, m, quoted, seen, out)?,
                _ => out.push_str("<fn>"),
            }
        }
        Object::Module(m) => out.push_str(&format!("<module {}>", m.name)),
        Object::Fiber(_) => out.push_str("<fiber>"),
        Object::Iter(_) => out.push_str("<iterator>"),
        Object::Done => out.push_str("<done>"),
        Object::Cell(_) => out.push_str("<cell>"),
    }
    Ok(())
}

/// Calls a user `to_string`, which must return a String.
fn call_to_string(vm: &mut Vm, method: Value, receiver: Value) -> Result<String, Exc> {
    let s = vm.call_method_value(method, receiver, &[])?;
    let text = match s {
        Value::Obj(sr) => vm.str_ref(sr).map(|s| s.text.to_string()),
        _ => None,
    };
    text.ok_or_else(|| {
        let msg = format!(
            "to_string() must return a String, not {}",
            vm.class_name_of(s)
        );
        vm.type_error(msg)
    })
}

/// `Object`'s `to_string` of an instance: `Class: message` for errors
/// (§11.1), `<Class instance>` for the rest (§8.9).
pub fn default_instance_text(vm: &Vm, v: Value) -> String {
    if vm.is_error(v) {
        let (class, message, _) = vm.error_parts(v);
        if message.is_empty() {
            class
        } else {
            format!("{class}: {message}")
        }
    } else {
        format!("<{} instance>", vm.class_name_of(v))
    }
}

/// Whether `m` is `Object`'s own `to_string` (the `<X instance>` form).
fn is_default_to_string(vm: &Vm, m: Value) -> bool {
    matches!(m, Value::Obj(r) if matches!(vm.heap.get(r), Object::Native(n) if n.name == "Object.to_string"))
}
