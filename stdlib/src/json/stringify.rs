//! `json.stringify`: Cairn values to JSON text, byte for byte what Python's
//! `json.dumps(v, separators=(",", ":"), ensure_ascii=False)` writes, or
//! with an indent N what `json.dumps(v, indent=N, ensure_ascii=False)`
//! writes; Floats are written as Cairn prints them.
//!
//! Containers are walked recursively with the chain of open containers
//! kept, so a container inside itself is reported ("circular reference")
//! instead of looping, and nesting is bounded by [`MAX_DEPTH`].

use std::fmt::Write as _;

use cairn_vm::interp::Vm;
use cairn_vm::object::Object;
use cairn_vm::runtime::float_repr::float_repr;
use cairn_vm::value::{ObjRef, Value};

/// How deeply Lists and Maps may nest.
pub const MAX_DEPTH: usize = 512;
/// The longest text written (as for Strings made by `*`).
pub const MAX_LEN: usize = 1 << 31;

/// Why a value cannot be written, as the Cairn error it raises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringifyError {
    /// `ValueError`, `TypeError` or `MemoryError`.
    pub class: &'static str,
    pub message: String,
}

fn error<T>(class: &'static str, message: impl Into<String>) -> Result<T, StringifyError> {
    Err(StringifyError {
        class,
        message: message.into(),
    })
}

/// Writes `v` as JSON, compact or with `indent` spaces per level. The
/// text's buffer grows only after checking the heap's limit, counting the
/// buffer as if it were already a String on the heap.
///
/// # Errors
/// NaN or infinite Floats and circular or too deep containers
/// (`ValueError`), non-String Map keys and values JSON cannot hold
/// (`TypeError`), text past [`MAX_LEN`] or past the heap's limit
/// (`MemoryError`).
pub fn stringify(vm: &Vm, v: Value, indent: Option<usize>) -> Result<String, StringifyError> {
    let mut w = Writer {
        vm,
        out: String::new(),
        indent,
        open: Vec::new(),
    };
    w.value(v)?;
    Ok(w.out)
}

struct Writer<'a> {
    vm: &'a Vm,
    out: String,
    indent: Option<usize>,
    /// The containers being written, outermost first.
    open: Vec<ObjRef>,
}

/// The most bytes a number, `null`, `true` or `false` takes.
const SCALAR: usize = 32;

impl Writer<'_> {
    /// Makes room for `extra` more bytes of text: pushing at most that
    /// many afterwards never reallocates.
    #[inline]
    fn room(&mut self, extra: usize) -> Result<(), StringifyError> {
        if self.out.capacity() - self.out.len() >= extra {
            return Ok(());
        }
        self.grow(extra)
    }

    /// Grows the buffer as a `String` would (doubling), or as far as still
    /// fits when doubling would pass the heap's limit; `MemoryError` if not
    /// even `extra` more bytes fit.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, extra: usize) -> Result<(), StringifyError> {
        let need = self.out.len().saturating_add(extra);
        if need > MAX_LEN {
            return error("MemoryError", "JSON text too large");
        }
        let heap = &self.vm.heap;
        // The new buffer counts on top of the heap, and so does the old
        // one while it is copied. Near the limit, as much as still fits:
        // growing by only what is needed would copy the buffer at every
        // push.
        let old = self.out.capacity();
        let doubled = need.max(old.saturating_mul(2)).max(64);
        let cap = doubled.min(heap.room().saturating_sub(old)).max(need);
        if heap.would_exceed(cap.saturating_add(old)) {
            let limit = heap.config.max_heap.unwrap_or(0);
            return error(
                "MemoryError",
                format!(
                    "heap limit of {} exceeded",
                    cairn_vm::heap::format_bytes(limit)
                ),
            );
        }
        self.out.reserve_exact(cap - self.out.len());
        Ok(())
    }

    fn push(&mut self, text: &str) -> Result<(), StringifyError> {
        self.room(text.len())?;
        self.out.push_str(text);
        Ok(())
    }

    fn value(&mut self, v: Value) -> Result<(), StringifyError> {
        match v {
            Value::Nil => self.push("null")?,
            Value::Bool(b) => self.push(if b { "true" } else { "false" })?,
            Value::Int(i) => {
                self.room(SCALAR)?;
                let _ = write!(self.out, "{i}");
            }
            Value::Float(f) if !f.is_finite() => {
                return error("ValueError", format!("{} is not valid JSON", float_repr(f)));
            }
            Value::Float(f) => self.push(&float_repr(f))?,
            Value::Obj(r) => match self.vm.heap.get(r) {
                Object::Str(s) => {
                    self.room(quoted_len(&s.text))?;
                    quote(&s.text, &mut self.out);
                }
                Object::List(items) => {
                    let items = items.clone();
                    self.container(r, |w| w.list(&items))?;
                }
                Object::Map(m) => {
                    let entries: Vec<(Value, Value)> = m.pairs().map(|(_, e)| *e).collect();
                    self.container(r, |w| w.map(&entries))?;
                }
                _ => {
                    let class = self.vm.class_name_of(v);
                    return error(
                        "TypeError",
                        format!("a value of class {class} cannot be written as JSON"),
                    );
                }
            },
        }
        Ok(())
    }

    fn container(
        &mut self,
        r: ObjRef,
        body: impl FnOnce(&mut Self) -> Result<(), StringifyError>,
    ) -> Result<(), StringifyError> {
        if self.open.contains(&r) {
            return error("ValueError", "circular reference");
        }
        if self.open.len() >= MAX_DEPTH {
            return error(
                "ValueError",
                format!("Lists and Maps nested deeper than {MAX_DEPTH} levels"),
            );
        }
        self.open.push(r);
        let result = body(self);
        self.open.pop();
        result
    }

    /// A line break and the indentation of the current level (indented
    /// output only).
    fn newline(&mut self, level: usize) -> Result<(), StringifyError> {
        if let Some(n) = self.indent {
            let spaces = n.saturating_mul(level);
            self.room(spaces.saturating_add(1))?;
            self.out.push('\n');
            self.out.extend(std::iter::repeat_n(' ', spaces));
        }
        Ok(())
    }

    fn list(&mut self, items: &[Value]) -> Result<(), StringifyError> {
        if items.is_empty() {
            return self.push("[]");
        }
        let level = self.open.len();
        self.push("[")?;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.push(",")?;
            }
            self.newline(level)?;
            self.value(*item)?;
        }
        self.newline(level - 1)?;
        self.push("]")
    }

    fn map(&mut self, entries: &[(Value, Value)]) -> Result<(), StringifyError> {
        if entries.is_empty() {
            return self.push("{}");
        }
        let level = self.open.len();
        self.push("{")?;
        for (i, (key, value)) in entries.iter().enumerate() {
            let key = match key {
                Value::Obj(k) => match self.vm.heap.get(*k) {
                    Object::Str(s) => Some(s.text.clone()),
                    _ => None,
                },
                _ => None,
            };
            let Some(key) = key else {
                let class = self.vm.class_name_of(entries[i].0);
                return error(
                    "TypeError",
                    format!("Map keys must be Strings, not {class}"),
                );
            };
            if i > 0 {
                self.push(",")?;
            }
            self.newline(level)?;
            self.room(quoted_len(&key))?;
            quote(&key, &mut self.out);
            self.push(if self.indent.is_some() { ": " } else { ":" })?;
            self.value(*value)?;
        }
        self.newline(level - 1)?;
        self.push("}")
    }
}

/// The length of [`quote`]'s output for `s`.
pub fn quoted_len(s: &str) -> usize {
    let mut n = 2usize;
    for c in s.chars() {
        n += match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if u32::from(c) < 0x20 => 6,
            c => c.len_utf8(),
        };
    }
    n
}

/// A JSON string literal, escaping as Python's `ensure_ascii=False` does:
/// `"` and `\`, the control characters (`\b \f \n \r \t` by name, the rest
/// as `\u00XX`); everything else as is.
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
