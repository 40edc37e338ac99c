//! `str(x)` and `repr(x)`: how values print. Containers print their
//! elements with `repr`; instances use their class's `to_string` when it
//! has one. Nesting is walked with an explicit depth bound and a cycle
//! check, so a list that contains itself prints as `[[...]]`.

use crate::interp::{Exc, Vm};
use crate::object::Object;
use crate::runtime::float_repr::float_repr;
use crate::runtime::keys::rooted;
use crate::runtime::memory::{self, grow_text};
use crate::value::{ObjRef, Value};

/// Containers nested deeper than this print as `...`.
const MAX_DEPTH: usize = 200;

/// The length of [`int_text`]'s text, without writing it.
pub fn int_text_len(i: i64) -> usize {
    let digits = i
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1);
    digits + usize::from(i < 0)
}

/// An Int's decimal digits and sign, written into the end of `buf` (20
/// bytes hold any `i64`): formatting without `fmt`'s machinery or a heap
/// buffer, since `str(i)` and `"${i}"` are common in inner loops.
pub(crate) fn int_bytes(i: i64, buf: &mut [u8; 20]) -> &[u8] {
    // Two digits per division, from a table of "00" to "99".
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut n = i.unsigned_abs();
    let mut at = buf.len();
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        buf[at] = b'0' + n as u8;
    }
    if i < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// An Int's decimal text, written into `buf` (see [`int_bytes`]).
pub fn int_text(i: i64, buf: &mut [u8; 20]) -> &str {
    // Only ASCII digits and '-' were written.
    std::str::from_utf8(int_bytes(i, buf)).unwrap_or_default()
}

/// Appends an Int's decimal text to `out`, [`int_text_len`] bytes, all
/// ASCII. Byte by byte: checking the few bytes as UTF-8 first cost more
/// than formatting them.
#[inline]
pub fn push_int(out: &mut String, i: i64) {
    out.extend(int_bytes(i, &mut [0; 20]).iter().map(|&b| char::from(b)));
}

/// `str(v)`. The text is built in a buffer that grows only after checking
/// the heap limit (see [`memory::grow_text`]): `MemoryError` as soon as
/// it would pass it.
pub fn to_str(vm: &mut Vm, v: Value) -> Result<String, Exc> {
    let mut out = String::new();
    write_str(vm, v, &mut out)?;
    Ok(out)
}

/// Appends `str(v)` to `out`, growing it as [`to_str`] does. `v` is
/// rooted meanwhile; `out` may already hold text.
pub fn write_str(vm: &mut Vm, v: Value, out: &mut String) -> Result<(), Exc> {
    match v {
        Value::Obj(_) => rooted(vm, &[v], |vm| write(vm, v, false, &mut Vec::new(), out)),
        _ => write(vm, v, false, &mut Vec::new(), out),
    }
}

/// The items converted by `str`, with `sep` between them (`join`). A
/// `to_string` may change the list the items came from, so they are rooted.
/// Items that are all Strings are measured first, so the text is checked
/// against the heap limit and allocated once.
pub fn join_values(vm: &mut Vm, items: &[Value], sep: &str) -> Result<String, Exc> {
    let seps = sep.len().saturating_mul(items.len().saturating_sub(1));
    let mut out = String::new();
    if let Some(len) = memory::strings_len(vm, items) {
        let total = len.saturating_add(seps);
        rooted(vm, items, |vm| {
            memory::reserve_text(vm, &mut out, total, &[])
        })?;
    }
    rooted(vm, items, |vm| {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                push_text(vm, &mut out, sep)?;
            }
            write(vm, *item, false, &mut Vec::new(), &mut out)?;
        }
        Ok(out)
    })
}

/// `repr(v)`, built as [`to_str`] is.
pub fn repr(vm: &mut Vm, v: Value) -> Result<String, Exc> {
    let mut out = String::new();
    rooted(vm, &[v], |vm| write(vm, v, true, &mut Vec::new(), &mut out))?;
    Ok(out)
}

/// Appends `text` to `out`, growing it only after checking the heap limit.
/// Everything the writer holds is rooted by then.
#[inline]
fn push_text(vm: &mut Vm, out: &mut String, text: &str) -> Result<(), Exc> {
    grow_text(vm, out, text.len(), &[])?;
    out.push_str(text);
    Ok(())
}

/// The length of [`quote`]'s output for `s`.
pub fn quoted_len(s: &str) -> usize {
    let mut n = 2;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        n += match c {
            '"' | '\\' | '\n' | '\t' | '\r' | '\0' => 2,
            '$' if chars.peek() == Some(&'{') => 2,
            // `\u{X}`: the hex digits of the code point.
            c if c.is_control() => 4 + (32 - (c as u32 | 1).leading_zeros() as usize).div_ceil(4),
            c => c.len_utf8(),
        };
    }
    n
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
        Value::Nil => push_text(vm, out, "nil"),
        Value::Bool(b) => push_text(vm, out, if b { "true" } else { "false" }),
        Value::Int(i) => push_text(vm, out, int_text(i, &mut [0; 20])),
        Value::Float(f) => push_text(vm, out, &float_repr(f)),
        Value::Obj(r) => write_obj(vm, r, quoted, seen, out),
    }
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
        return push_text(vm, out, bracket);
    }
    match vm.heap.get(r) {
        Object::Str(s) => {
            let need = if quoted {
                quoted_len(&s.text)
            } else {
                s.text.len()
            };
            // The String is reachable from a root (the value written, or
            // a rooted container's item): it stays where it is.
            grow_text(vm, out, need, &[])?;
            if let Object::Str(s) = vm.heap.get(r) {
                if quoted {
                    quote(&s.text, out);
                } else {
                    out.push_str(&s.text);
                }
            }
        }
        Object::List(items) => {
            let items = items.clone();
            seen.push(r);
            // A `to_string` may change the list: keep the items alive.
            let written = rooted(vm, &items, |vm| {
                push_text(vm, out, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        push_text(vm, out, ", ")?;
                    }
                    write(vm, *item, true, seen, out)?;
                }
                push_text(vm, out, "]")
            });
            seen.pop();
            written?;
        }
        Object::Map(m) => {
            let entries: Vec<Value> = m.pairs().flat_map(|(_, (k, v))| [*k, *v]).collect();
            seen.push(r);
            let written = rooted(vm, &entries, |vm| {
                push_text(vm, out, "{")?;
                for (i, pair) in entries.chunks(2).enumerate() {
                    if i > 0 {
                        push_text(vm, out, ", ")?;
                    }
                    write(vm, pair[0], true, seen, out)?;
                    push_text(vm, out, ": ")?;
                    write(vm, pair[1], true, seen, out)?;
                }
                push_text(vm, out, "}")
            });
            seen.pop();
            written?;
        }
        Object::Range(g) => {
            let text = format!(
                "{}{}{}",
                g.start,
                if g.inclusive { "..=" } else { ".." },
                g.end
            );
            push_text(vm, out, &text)?;
        }
        Object::Host(h) => {
            let class = h.class;
            let sym = vm.intern("to_string");
            match vm.find_method(class, sym) {
                Some(m) if !is_default_to_string(vm, m) => {
                    seen.push(r);
                    let text = call_to_string(vm, m, Value::Obj(r));
                    seen.pop();
                    push_text(vm, out, &text?)?;
                }
                _ => {
                    let text = format!("<{} object>", vm.class_name(class));
                    push_text(vm, out, &text)?;
                }
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
                    push_text(vm, out, &text?)?;
                }
                _ => {
                    let text = default_instance_text(vm, Value::Obj(r));
                    push_text(vm, out, &text)?;
                }
            }
        }
        Object::Class(c) => {
            let text = format!("<class {}>", c.name);
            push_text(vm, out, &text)?;
        }
        Object::Closure(c) => {
            let p = &vm.protos[c.proto as usize];
            let name = if vm.proto_is_method(c.proto) {
                p.display.clone()
            } else {
                p.name.to_string()
            };
            push_text(vm, out, &format!("<fn {name}>"))?;
        }
        Object::Native(n) => {
            let text = format!("<fn {}>", n.name);
            push_text(vm, out, &text)?;
        }
        Object::Bound(b) => {
            let method = b.method;
            match method {
                Value::Obj(m) => write_obj(vm, m, quoted, seen, out)?,
                _ => push_text(vm, out, "<fn>")?,
            }
        }
        Object::Module(m) => {
            let text = format!("<module {}>", m.name);
            push_text(vm, out, &text)?;
        }
        Object::Fiber(_) => push_text(vm, out, "<fiber>")?,
        Object::Iter(_) => push_text(vm, out, "<iterator>")?,
        Object::Done => push_text(vm, out, "<done>")?,
        Object::Cell(_) => push_text(vm, out, "<cell>")?,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_text_matches_to_string() {
        for i in [
            0,
            7,
            -7,
            10,
            -10,
            99,
            1000,
            123_456_789,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            assert_eq!(int_text(i, &mut [0; 20]), i.to_string());
            let mut pushed = String::from("x");
            push_int(&mut pushed, i);
            assert_eq!(pushed, format!("x{i}"));
            assert_eq!(int_text_len(i), i.to_string().len());
        }
        for i in -10_000..10_000 {
            assert_eq!(int_text(i, &mut [0; 20]), i.to_string());
            assert_eq!(int_text_len(i), i.to_string().len());
        }
        // Around every power of ten, both signs.
        let mut p = 1i64;
        while let Some(next) = p.checked_mul(10) {
            for i in [p - 1, p, p + 1, -p + 1, -p, -p - 1] {
                assert_eq!(int_text(i, &mut [0; 20]), i.to_string());
                assert_eq!(int_text_len(i), i.to_string().len());
            }
            p = next;
        }
    }

    #[test]
    fn quoted_len_is_the_length_quote_writes() {
        for s in [
            "",
            "plain",
            "\"quoted\" \\ back",
            "\n\t\r\0",
            "${x} $ {y} $",
            "\u{1}\u{1f}\u{7f}\u{85}\u{9f}",
            "héllo wörld ✓ 𝄞",
        ] {
            let mut out = String::new();
            quote(s, &mut out);
            assert_eq!(quoted_len(s), out.len(), "{s:?}");
        }
    }
}
