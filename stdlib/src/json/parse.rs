//! `json.parse`: RFC 8259 text to Cairn values.
//!
//! A recursive-descent parser over the text's bytes (the text is a Rust
//! `str`, so it is valid UTF-8; only ASCII bytes are ever special). Nesting
//! is bounded by [`MAX_DEPTH`], so no input can exhaust the Rust stack.
//! Positions in errors are 1-based lines and columns counted in characters.

use cairn_vm::interp::Vm;
use cairn_vm::object::{MapKey, MapObj, Object, ENTRY_BYTES};
use cairn_vm::value::Value;

/// How deeply arrays and objects may nest.
pub const MAX_DEPTH: usize = 512;

/// Why a text is not JSON, and where; or that its values would not fit
/// under the heap's limit (`heap_limit`, raised as `MemoryError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub reason: String,
    pub heap_limit: bool,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid JSON at line {} column {}: {}",
            self.line, self.column, self.reason
        )
    }
}

/// A failure at a byte offset, turned into a [`ParseError`] at the end.
struct Fail(usize, String);

/// Parses `text` into new heap values. The values made so far are held
/// only here, so nothing may collect meanwhile: the heap's limit is
/// tested as they are made, counting the containers still open.
///
/// # Errors
/// The first place where `text` stops being JSON, or where its values
/// pass the heap's limit.
pub fn parse(vm: &mut Vm, text: &str) -> Result<Value, ParseError> {
    let mut p = Parser {
        vm,
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        pending: 0,
        over_limit: false,
    };
    let result = p.value().and_then(|v| {
        p.skip_ws();
        if p.pos < p.bytes.len() {
            Err(Fail(p.pos, "unexpected text after the value".to_string()))
        } else {
            Ok(v)
        }
    });
    let over_limit = p.over_limit;
    result.map_err(|Fail(at, reason)| ParseError {
        heap_limit: over_limit,
        ..position(text, at, reason)
    })
}

fn position(text: &str, mut at: usize, reason: String) -> ParseError {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    ParseError {
        line,
        column,
        reason,
        heap_limit: false,
    }
}

struct Parser<'a, 'v> {
    vm: &'v mut Vm,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// Bytes the open containers' buffers hold, not yet on the heap.
    pending: usize,
    /// The parse stopped at the heap's limit.
    over_limit: bool,
}

impl Parser<'_, '_> {
    /// Fails if the heap, with `more` bytes and the open containers'
    /// buffers added, would pass its limit.
    fn check_limit(&mut self, more: usize) -> Result<(), Fail> {
        if self.vm.heap.would_exceed(self.pending.saturating_add(more)) {
            self.over_limit = true;
            return self.fail("heap limit exceeded");
        }
        Ok(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, Fail> {
        Err(Fail(self.pos, reason.into()))
    }

    fn unexpected<T>(&self) -> Result<T, Fail> {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => self.fail(format!("unexpected character {c:?}")),
            None => self.fail("unexpected end of input"),
        }
    }

    /// value = object / array / string / number / true / false / null
    fn value(&mut self) -> Result<Value, Fail> {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                self.check_limit(s.len())?;
                Ok(self.vm.str_value(s))
            }
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Nil),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.unexpected(),
        }
    }

    fn enter(&mut self) -> Result<(), Fail> {
        if self.depth >= MAX_DEPTH {
            return self.fail(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// array = "[" [ value *( "," value ) ] "]"
    fn array(&mut self) -> Result<Value, Fail> {
        self.enter()?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                let v = self.value()?;
                if items.len() == items.capacity() {
                    // The new buffer counts on top of the old one while
                    // it is copied.
                    let cap = items.capacity();
                    let item = std::mem::size_of::<Value>();
                    self.check_limit((cap + cap.max(4)) * item)?;
                    self.pending += cap.max(4) * item;
                    items.reserve_exact(cap.max(4));
                } else {
                    self.check_limit(0)?;
                }
                items.push(v);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    None => return self.fail("unexpected end of input"),
                    Some(_) => return self.fail("expected ',' or ']'"),
                }
            }
        }
        self.depth -= 1;
        let held = items.capacity() * std::mem::size_of::<Value>();
        self.pending = self.pending.saturating_sub(held);
        Ok(Value::Obj(self.vm.heap.alloc(Object::List(items))))
    }

    /// object = "{" [ member *( "," member ) ] "}"; member = string ":" value
    fn object(&mut self) -> Result<Value, Fail> {
        self.enter()?;
        let mut map = MapObj::default();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.peek() != Some(b'"') {
                    return match self.peek() {
                        None => self.fail("unexpected end of input"),
                        Some(_) => self.fail("expected a string key"),
                    };
                }
                let key = self.string()?;
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return self.fail("expected ':'");
                }
                self.pos += 1;
                let value = self.value()?;
                // A repeated key keeps its first position, takes the last value.
                let k = MapKey::Str(key.as_str().into());
                if let Some(entry) = map.entries.get_mut(&k) {
                    entry.1 = value;
                } else {
                    let (len, cap) = (map.entries.len(), map.entries.capacity());
                    if len == cap {
                        let grown = cap.max(4) * ENTRY_BYTES;
                        self.check_limit(cap * ENTRY_BYTES + grown + key.len())?;
                        self.pending += grown;
                        map.entries.reserve(cap.max(4));
                    } else {
                        self.check_limit(key.len())?;
                    }
                    let key_value = self.vm.str_value(key);
                    map.push(k, key_value, value);
                }
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    None => return self.fail("unexpected end of input"),
                    Some(_) => return self.fail("expected ',' or '}'"),
                }
            }
        }
        self.depth -= 1;
        let held = map.entries.capacity() * ENTRY_BYTES;
        self.pending = self.pending.saturating_sub(held);
        Ok(Value::Obj(self.vm.heap.alloc(Object::Map(Box::new(map)))))
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, Fail> {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(word.as_bytes()) {
            self.pos += word.len();
            return Ok(v);
        }
        if word.as_bytes().starts_with(rest) {
            self.pos = self.bytes.len();
            return self.fail("unexpected end of input");
        }
        self.fail(format!("expected `{word}`"))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// number = [ "-" ] int [ frac ] [ exp ]
    fn number(&mut self) -> Result<Value, Fail> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.fail("expected a digit"),
        }
        let mut integral = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.fail("expected a digit after '.'");
            }
            integral = false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.fail("expected a digit in the exponent");
            }
            integral = false;
        }
        let s = &self.text[start..self.pos];
        if integral {
            if let Ok(i) = s.parse::<i64>() {
                return Ok(Value::Int(i));
            }
        }
        match s.parse::<f64>() {
            Ok(f) => Ok(Value::Float(f)),
            Err(_) => Err(Fail(start, "invalid number".to_string())),
        }
    }

    /// string = quotation-mark *char quotation-mark
    fn string(&mut self) -> Result<String, Fail> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[start..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return self.fail("control character in a string"),
                None => return self.fail("unterminated string"),
            }
        }
    }

    /// The character an escape (after its backslash) stands for.
    fn escape(&mut self) -> Result<char, Fail> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(),
            None => return self.fail("unterminated string"),
            Some(_) => return self.fail("invalid escape"),
        };
        self.pos += 1;
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, Fail> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let value = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match value {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => self.fail("expected four hex digits after \\u"),
        }
    }

    /// `\uXXXX`, combining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, Fail> {
        let at = self.pos - 1;
        self.pos += 1;
        let first = self.hex4()?;
        let lone = || Err(Fail(at, "unpaired surrogate in a \\u escape".to_string()));
        let code = match first {
            0xd800..=0xdbff => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return lone();
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xdc00..=0xdfff).contains(&second) {
                    return lone();
                }
                0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
            }
            0xdc00..=0xdfff => return lone(),
            c => c,
        };
        char::from_u32(code).map_or_else(lone, Ok)
    }
}
