//! [`Line`]: a cursor over one line's tokens, and the readers for the
//! values the format holds (integers in a range, constant references,
//! prelude names, pcs). Every error names the line, the token read last and
//! what was found instead.

use crate::classfile::Constant;
use crate::isa::BUILTINS;

use super::error::AsmError;
use super::lex::Tok;
use super::text::{is_label, quote};

pub(super) struct Line<'t, 'a> {
    /// The 1-based line number.
    pub no: usize,
    toks: &'t [Tok<'a>],
    pos: usize,
}

/// A pc written as a number or as a label (resolved when its function ends).
pub(super) enum PcRef<'a> {
    Pc(u32),
    Label(&'a str),
}

impl<'t, 'a> Line<'t, 'a> {
    pub fn new(no: usize, toks: &'t [Tok<'a>]) -> Self {
        Line { no, toks, pos: 0 }
    }

    pub fn err(&self, message: impl Into<String>) -> AsmError {
        AsmError::new(self.no, message)
    }

    pub fn peek(&self) -> Option<&'t Tok<'a>> {
        self.toks.get(self.pos)
    }

    /// The word at the cursor, if it is one (not consumed).
    pub fn peek_word(&self) -> Option<&'a str> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    pub fn advance(&mut self) {
        self.pos = (self.pos + 1).min(self.toks.len());
    }

    /// How many tokens are left.
    pub fn left(&self) -> usize {
        self.toks.len() - self.pos
    }

    /// The error for a token at the cursor that is not `what`.
    pub fn missing(&self, what: &str) -> AsmError {
        let prev = self.pos.checked_sub(1).and_then(|i| self.toks.get(i));
        let found = self
            .peek()
            .map_or_else(|| "the end of the line".to_owned(), |t| t.to_string());
        match prev {
            Some(prev) => self.err(format!("expected {what} after {prev}, found {found}")),
            None => self.err(format!("expected {what}, found {found}")),
        }
    }

    /// Any word; `what` describes the one expected.
    pub fn word(&mut self, what: &str) -> Result<&'a str, AsmError> {
        let word = self.peek_word().ok_or_else(|| self.missing(what))?;
        self.advance();
        Ok(word)
    }

    /// The keyword `expected`.
    pub fn keyword(&mut self, expected: &str) -> Result<(), AsmError> {
        if self.peek_word() != Some(expected) {
            return Err(self.missing(&format!("`{expected}`")));
        }
        self.advance();
        Ok(())
    }

    /// `..` or `->`.
    pub fn punct(&mut self, expected: Tok<'static>) -> Result<(), AsmError> {
        if self.peek() != Some(&expected) {
            return Err(self.missing(&expected.to_string()));
        }
        self.advance();
        Ok(())
    }

    /// Nothing may follow.
    pub fn end(&self) -> Result<(), AsmError> {
        match self.peek() {
            None => Ok(()),
            Some(tok) => Err(self.err(format!("unexpected {tok} at the end of the line"))),
        }
    }

    /// An integer in `min..=max`; `what` names the value in range errors.
    pub fn int(&mut self, min: i128, max: i128, what: &str) -> Result<i128, AsmError> {
        let value = self.peek_word().and_then(parse_int);
        let value = value.ok_or_else(|| self.missing("an integer"))?;
        if value < min || value > max {
            return Err(self.err(format!("{what} must be in {min}..={max}, found `{value}`")));
        }
        self.advance();
        Ok(value)
    }

    pub fn u8(&mut self, what: &str) -> Result<u8, AsmError> {
        Ok(self.int(0, u8::MAX.into(), what)? as u8)
    }

    pub fn u16(&mut self, what: &str) -> Result<u16, AsmError> {
        Ok(self.int(0, u16::MAX.into(), what)? as u16)
    }

    pub fn u32(&mut self, what: &str) -> Result<u32, AsmError> {
        Ok(self.int(0, u32::MAX.into(), what)? as u32)
    }

    pub fn bool(&mut self) -> Result<bool, AsmError> {
        let value = match self.peek_word() {
            Some("true") => true,
            Some("false") => false,
            _ => return Err(self.missing("`true` or `false`")),
        };
        self.advance();
        Ok(value)
    }

    /// The number of a table entry, which must be the next one.
    pub fn entry_index(&mut self, next: usize, what: &str) -> Result<(), AsmError> {
        let index = self.int(0, u32::MAX.into(), &format!("a {what} index"))?;
        if index != next as i128 {
            return Err(self.err(format!(
                "{what} {index} is out of order: the next {what} is {next}"
            )));
        }
        Ok(())
    }

    /// A constant index: a number, or a string literal standing for the
    /// first String constant of `pool` equal to it.
    pub fn const_ref(&mut self, pool: &[Constant], what: &str) -> Result<u16, AsmError> {
        let Some(Tok::Str(s)) = self.peek() else {
            return self.u16(what);
        };
        let found = pool
            .iter()
            .position(|c| matches!(c, Constant::Str(k) if k == s))
            .and_then(|i| u16::try_from(i).ok());
        let index = found.ok_or_else(|| {
            self.err(format!(
                "no String constant {} in the pool: add a `.const N str` line for it",
                quote(s)
            ))
        })?;
        self.advance();
        Ok(index)
    }

    /// A prelude index: a number, or a prelude name such as `print`.
    pub fn builtin(&mut self) -> Result<u16, AsmError> {
        if let Some(w) = self.peek_word().filter(|w| parse_int(w).is_none()) {
            let i = BUILTINS.iter().position(|b| *b == w);
            let i = i.ok_or_else(|| self.err(format!("unknown builtin `{w}`")))?;
            self.advance();
            return Ok(i as u16);
        }
        self.u16("a builtin index")
    }

    /// A pc: a number or a label.
    pub fn pc_ref(&mut self) -> Result<PcRef<'a>, AsmError> {
        match self.peek_word() {
            Some(w) if parse_int(w).is_some() => Ok(PcRef::Pc(self.u32("a pc")?)),
            Some(w) if is_label(w) => {
                self.advance();
                Ok(PcRef::Label(w))
            }
            _ => Err(self.missing("a label or a pc")),
        }
    }

    /// A Float: a decimal literal, `inf`, `-inf`, `nan`, or `bits 0x...`.
    pub fn float(&mut self) -> Result<f64, AsmError> {
        let word = self.word("a float such as `1.5`, `-0.0`, `inf`, `nan` or `bits 0x...`")?;
        if word == "bits" {
            let bits = self.int(0, u64::MAX.into(), "the bits of a Float")?;
            return Ok(f64::from_bits(bits as u64));
        }
        let lower = word.to_ascii_lowercase();
        let unsigned = lower.trim_start_matches(['+', '-']);
        let numeric = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
        match word.parse::<f64>() {
            Ok(v) if numeric || unsigned == "inf" || unsigned == "nan" => Ok(v),
            _ => Err(self.err(format!("`{word}` is not a float"))),
        }
    }
}

/// A decimal integer with an optional sign, or `0x` and hex digits.
pub(super) fn parse_int(word: &str) -> Option<i128> {
    let (negative, digits) = match word.as_bytes().first()? {
        b'-' => (true, &word[1..]),
        b'+' => (false, &word[1..]),
        _ => (false, word),
    };
    let (radix, digits) = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => (16, hex),
        None => (10, digits),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}
