//! String methods. Strings are immutable UTF-8; indexes count characters,
//! in O(1) for ASCII strings.

use super::memory::{self, MAX_STR};
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

/// `f` of the receiver's text, borrowed (`""` if it is not a String).
fn with_text<T>(vm: &Vm, r: Value, f: impl FnOnce(&str) -> T) -> T {
    match r {
        Value::Obj(o) => match vm.str_ref(o) {
            Some(s) => f(&s.text),
            None => f(""),
        },
        _ => f(""),
    }
}

/// What a new String of `len` bytes costs the heap.
fn str_bytes(len: usize) -> usize {
    len.saturating_add(std::mem::size_of::<Object>())
}

/// Checks, before a String of `len` bytes is built, that it fits under
/// the heap limit and the longest String allowed. The methods' receiver
/// and arguments are on the stack, so nothing else needs holding.
fn reserve_str(vm: &mut Vm, len: usize) -> Result<(), Exc> {
    reserve_str_holding(vm, len, &[])
}

/// [`reserve_str`], holding `held` too (see [`memory`]).
fn reserve_str_holding(vm: &mut Vm, len: usize, held: &[Value]) -> Result<(), Exc> {
    if len > MAX_STR {
        return Err(memory::too_large(vm));
    }
    memory::reserve(vm, str_bytes(len), held)
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
    let range = match obj {
        Value::Obj(o) => match vm.heap.get(o) {
            Object::Str(s) => byte_at(s, a)..byte_at(s, b),
            _ => 0..0,
        },
        _ => 0..0,
    };
    // `s[a..b]` comes here with `s` popped by the interpreter.
    reserve_str_holding(vm, range.len(), &[obj])?;
    let piece = with_text(vm, obj, |t| t.get(range).unwrap_or_default().to_string());
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
    Ok(Value::Int(with_text(vm, r, str::len) as i64))
}

/// A String made from the receiver's text by `f` (case mapping): its
/// size, that of the text for all but a few characters, is checked
/// against the heap limit first, and again if it came out larger.
fn mapped(vm: &mut Vm, r: Value, f: impl FnOnce(&str) -> String) -> Result<Value, Exc> {
    let len = with_text(vm, r, str::len);
    reserve_str(vm, len)?;
    let t = with_text(vm, r, f);
    if t.len() > len {
        reserve_str(vm, t.len())?;
    }
    Ok(vm.str_value(t))
}

fn upper(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.upper", args, 0, 0)?;
    mapped(vm, r, str::to_uppercase)
}

fn lower(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.lower", args, 0, 0)?;
    mapped(vm, r, str::to_lowercase)
}

fn trim(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.trim", args, 0, 0)?;
    let len = with_text(vm, r, |t| t.trim().len());
    reserve_str(vm, len)?;
    let t = with_text(vm, r, |t| t.trim().to_string());
    Ok(vm.str_value(t))
}

/// What each piece of a `split` or `chars` costs the heap besides its
/// bytes: its object, and its item in the List.
const PIECE: usize = std::mem::size_of::<Object>() + std::mem::size_of::<Value>();

/// More pieces than could ever fit under the heap limit (so counting
/// them can stop there).
fn too_many_pieces(vm: &Vm) -> usize {
    match vm.heap.ceiling() {
        Some(c) => c.saturating_sub(vm.heap.young_bytes()) / PIECE + 1,
        None => usize::MAX,
    }
}

/// What `split` cuts at.
enum Sep<'s> {
    /// Runs of whitespace, with none at either end (`split()`).
    Whitespace,
    /// A one-byte (ASCII) separator, found with `memchr`.
    Byte(u8),
    /// Any longer separator, found with a searcher built once per call.
    Str(Box<memchr::memmem::Finder<'s>>),
}

impl Sep<'_> {
    /// The fewest bytes a piece and what follows it take.
    fn shortest(&self) -> usize {
        match self {
            // A character, then whitespace.
            Sep::Whitespace => 2,
            Sep::Byte(_) => 1,
            Sep::Str(f) => f.needle().len(),
        }
    }

    /// How many pieces `t` has, counting at most `most`.
    fn count(&self, t: &str, most: usize) -> usize {
        match self {
            Sep::Whitespace => t.split_whitespace().take(most).count(),
            Sep::Byte(b) => memchr::memchr_iter(*b, t.as_bytes()).take(most).count() + 1,
            Sep::Str(f) => f.find_iter(t.as_bytes()).take(most).count() + 1,
        }
    }

    /// Appends up to `n` pieces of `s` from byte `at` on to `out`, and
    /// says where the next piece starts (`None` after the last).
    fn pieces(&self, s: &StrObj, at: usize, n: usize, out: &mut Vec<StrObj>) -> Option<usize> {
        let t = &*s.text;
        // A piece of an ASCII text is ASCII: no scan to find out.
        let piece = |p: &str| {
            if s.ascii {
                StrObj::of_ascii(p.into())
            } else {
                StrObj::new(p)
            }
        };
        let find = |from: usize| -> Option<(usize, usize)> {
            let rest = &t.as_bytes()[from..];
            match self {
                Sep::Byte(b) => memchr::memchr(*b, rest).map(|i| (from + i, 1)),
                Sep::Str(f) => f.find(rest).map(|i| (from + i, f.needle().len())),
                Sep::Whitespace => None,
            }
        };
        if let Sep::Whitespace = self {
            let mut end = None;
            let rest = &t[at..];
            for p in rest.split_whitespace().take(n) {
                out.push(piece(p));
                end = Some(p.as_ptr() as usize - t.as_ptr() as usize + p.len());
            }
            // More if anything but whitespace follows.
            return end.filter(|&e| !t[e..].trim_start().is_empty());
        }
        let mut from = at;
        for _ in 0..n {
            // Separators are whole characters, so every cut is on a
            // character boundary.
            match find(from) {
                Some((i, sep_len)) => {
                    out.push(piece(&t[from..i]));
                    from = i + sep_len;
                }
                // The last piece runs to the end of the text.
                None => {
                    out.push(piece(&t[from..]));
                    return None;
                }
            }
        }
        Some(from)
    }
}

fn split(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.split", args, 0, 1)?;
    let sep_text;
    let sep = match args.first() {
        None => Sep::Whitespace,
        Some(_) => {
            sep_text = str_arg(vm, "String.split", args, 0)?;
            match sep_text.as_bytes() {
                [] => return Err(vm.error_of("ValueError", "empty separator".into())),
                [b] => Sep::Byte(*b),
                more => Sep::Str(Box::new(memchr::memmem::Finder::new(more))),
            }
        }
    };
    // The pieces and the List are checked against the limit before any is
    // made (their bytes are at most the text's). They are counted only if
    // as many as the text could hold might not fit.
    let len = with_text(vm, r, str::len);
    let bound = len / sep.shortest() + 1;
    let mut items = Vec::new();
    if bound.saturating_mul(PIECE).saturating_add(len) > vm.heap.room() {
        let most = too_many_pieces(vm);
        let count = with_text(vm, r, |t| sep.count(t, most));
        if count >= most {
            return Err(memory::too_large_for_heap(vm));
        }
        memory::reserve(vm, count.saturating_mul(PIECE).saturating_add(len), &[])?;
        items.reserve_exact(count);
    }
    let Value::Obj(o) = r else {
        return Ok(Value::Obj(vm.heap.alloc(Object::List(items))));
    };
    let mut at = Some(0);
    let mut batch = Vec::with_capacity(BATCH);
    // A batch of pieces at a time from the text (which stays where it
    // is), made into Strings before the next.
    while let Some(from) = at {
        at = match vm.str_ref(o) {
            Some(s) => sep.pieces(s, from, BATCH, &mut batch),
            None => None,
        };
        for piece in batch.drain(..) {
            items.push(vm.str_value_of(piece));
        }
    }
    Ok(Value::Obj(vm.heap.alloc(Object::List(items))))
}

/// How many pieces `split` cuts before it makes them into Strings.
const BATCH: usize = 128;

fn pred(
    vm: &mut Vm,
    r: Value,
    args: &[Value],
    name: &str,
    f: fn(&str, &str) -> bool,
) -> Result<Value, Exc> {
    arity(vm, name, args, 1, 1)?;
    let needle = str_arg(vm, name, args, 0)?;
    Ok(Value::Bool(with_text(vm, r, |t| f(t, &needle))))
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
    Ok(Value::Int(with_text(vm, r, |t| match t.find(&needle) {
        Some(b) => t[..b].chars().count() as i64,
        None => -1,
    })))
}

fn replace(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "String.replace", args, 2, 2)?;
    let a = str_arg(vm, "String.replace", args, 0)?;
    let b = str_arg(vm, "String.replace", args, 1)?;
    // The result's length, from the number of matches (an empty pattern
    // matches at every character boundary), checked before it is built.
    let (len, count) = with_text(vm, r, |t| (t.len(), t.matches(a.as_str()).count()));
    let out_len = (len - count * a.len()).saturating_add(count.saturating_mul(b.len()));
    reserve_str(vm, out_len)?;
    let out = with_text(vm, r, |t| {
        let mut out = String::with_capacity(out_len);
        let mut last = 0;
        for (i, m) in t.match_indices(a.as_str()) {
            out.push_str(&t[last..i]);
            out.push_str(&b);
            last = i + m.len();
        }
        out.push_str(&t[last..]);
        out
    });
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
    let (count, len) = match r {
        Value::Obj(o) => vm.str_ref(o).map_or((0, 0), |s| (s.chars, s.text.len())),
        _ => (0, 0),
    };
    memory::reserve(vm, count.saturating_mul(PIECE).saturating_add(len), &[])?;
    let mut items = Vec::with_capacity(count);
    let mut at = 0;
    // One character at a time from the text, which stays where it is.
    while let Some(c) = with_text(vm, r, |t| t[at..].chars().next()) {
        at += c.len_utf8();
        items.push(vm.str_value(String::from(c)));
    }
    Ok(Value::Obj(vm.heap.alloc(Object::List(items))))
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

#[cfg(test)]
mod tests {
    use super::{Sep, StrObj};

    /// All of `s`'s pieces, cut `n` at a time as `split` cuts them.
    fn cut(sep: &Sep, s: &StrObj, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = Some(0);
        while let Some(from) = at {
            at = sep.pieces(s, from, n, &mut out);
        }
        out.iter().map(|p| p.text.to_string()).collect()
    }

    /// Texts and separators drawn from a few characters (ASCII, two- and
    /// three-byte ones, whitespace) so that separators meet each other,
    /// the ends, and non-ASCII neighbours; every cut agrees with Rust's
    /// `str::split` and `split_whitespace`, whatever the batch size, and
    /// every piece's ASCII flag and character count are right.
    #[test]
    fn pieces_agree_with_the_standard_library() {
        let alphabet = ['a', 'b', ',', ' ', '\t', 'é', '→', '\n'];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let mut pick = |len: u64| -> String {
            let n = next() % len;
            (0..n)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        };
        for _ in 0..3000 {
            let text = pick(24);
            let sep_text = {
                let s = pick(4);
                if s.is_empty() {
                    ",".to_string()
                } else {
                    s
                }
            };
            let s = StrObj::new(text.as_str());
            let sep = match sep_text.as_bytes() {
                [b] => Sep::Byte(*b),
                more => Sep::Str(Box::new(memchr::memmem::Finder::new(more))),
            };
            let want: Vec<&str> = text.split(sep_text.as_str()).collect();
            let ws: Vec<&str> = text.split_whitespace().collect();
            for n in [1, 2, 3, 64] {
                assert_eq!(cut(&sep, &s, n), want, "{text:?} split {sep_text:?} by {n}");
                assert_eq!(cut(&Sep::Whitespace, &s, n), ws, "{text:?} split() by {n}");
                let mut pieces = Vec::new();
                let mut at = Some(0);
                while let Some(from) = at {
                    at = sep.pieces(&s, from, n, &mut pieces);
                }
                for p in &pieces {
                    assert_eq!(p.ascii, p.text.is_ascii(), "{:?}", p.text);
                    assert_eq!(p.chars, p.text.chars().count(), "{:?}", p.text);
                }
            }
            assert_eq!(
                sep.count(&text, usize::MAX),
                want.len(),
                "{text:?} count {sep_text:?}"
            );
        }
    }
}
