//! `str(x)` and `repr(x)`: how values print. Containers print their
//! elements with `repr`; instances use their class's `to_string` when it
//! has one. Nesting is walked with an explicit depth bound and a cycle
//! check, so a list that contains itself prints as `[[...]]`.

use crate::interp::{Exc, Vm};
use crate::object::Object;
use crate::runtime::float_repr::float_repr;
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

pub fn repr(vm: &mut Vm, v: Value) -> Result<String, Exc> {
    let mut out = String::new();
    write(vm, v, true, &mut Vec::new(), &mut out)?;
    Ok(out)
}

/// Quotes a string as Cairn source would write it.
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '$' => out.push_str("\\$"),
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
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(vm, item, true, seen, out)?;
            }
            out.push(']');
            seen.pop();
        }
        Object::Map(m) => {
            let entries: Vec<(Value, Value)> = m.entries.values().copied().collect();
            seen.push(r);
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(vm, k, true, seen, out)?;
                out.push_str(": ");
                write(vm, v, true, seen, out)?;
            }
            out.push('}');
            seen.pop();
        }
        Object::Range(g) if g.step != 1 => out.push_str("<iterator>"),
        Object::Range(g) => {
            out.push_str(&format!(
                "{}{}{}",
                g.start,
                if g.inclusive { "..=" } else { ".." },
                g.end
            ));
        }
        Object::Instance(inst) => {
            let class = inst.class;
            let sym = vm.intern("to_string");
            match vm.find_method(class, sym) {
                Some(m) if !is_default_to_string(vm, m) => {
                    seen.push(r);
                    let s = vm.call_method_value(m, Value::Obj(r), &[])?;
                    seen.pop();
                    let text = match s {
                        Value::Obj(sr) => vm.str_ref(sr).map(|s| s.text.to_string()),
                        _ => None,
                    };
                    match text {
                        Some(t) => out.push_str(&t),
                        None => {
                            let msg = format!(
                                "to_string() must return a String, not {}",
                                vm.class_name_of(s)
                            );
                            return Err(vm.type_error(msg));
                        }
                    }
                }
                _ => {
                    if vm.is_error(Value::Obj(r)) {
                        let (class, message, _) = vm.error_parts(Value::Obj(r));
                        if message.is_empty() {
                            out.push_str(&class);
                        } else {
                            out.push_str(&format!("{class}: {message}"));
                        }
                    } else {
                        out.push_str(&format!("<{} instance>", vm.class_name(class)));
                    }
                }
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

/// Whether `m` is `Object`'s own `to_string` (the `<X instance>` form).
fn is_default_to_string(vm: &Vm, m: Value) -> bool {
    matches!(m, Value::Obj(r) if matches!(vm.heap.get(r), Object::Native(n) if n.name == "Object.to_string"))
}
