//! Assembling one `.function` block: header fields, upvalues, labels,
//! instructions, `RAW` bytes, and the handler, line and local-name tables.
//! Label uses are recorded as fixups and resolved when the block ends, so a
//! label may be used before it is defined.

use std::collections::HashMap;

use crate::classfile::{Constant, Function, FunctionKind, Handler, LocalName, Upvalue};
use crate::isa::{Op, OperandKind};

use super::error::AsmError;
use super::lex::Tok;
use super::line::{parse_int, Line, PcRef};
use super::text::is_label;

/// The function header fields, which may share a line.
const HEADER_FIELDS: [&str; 6] = [
    "name",
    "n_params",
    "n_defaults",
    "has_rest",
    "n_locals",
    "max_stack",
];

/// Where a label's pc goes once it is known.
#[derive(Clone, Copy)]
enum Slot {
    Code(usize),
    HandlerStart(usize),
    HandlerEnd(usize),
    HandlerTarget(usize),
    Line(usize),
    LocalStart(usize),
    LocalEnd(usize),
}

/// A function being assembled.
pub(super) struct FnDraft<'a> {
    f: Function,
    /// Defined labels: their pc and the line that defined them.
    labels: HashMap<&'a str, (u32, usize)>,
    /// Label uses: where the pc goes, the label, the line that used it.
    fixups: Vec<(Slot, &'a str, usize)>,
    /// Header fields given so far, with their lines.
    seen: HashMap<&'static str, usize>,
}

impl<'a> FnDraft<'a> {
    pub fn new(kind: FunctionKind) -> Self {
        FnDraft {
            f: Function {
                name: 0,
                kind,
                n_params: 0,
                n_defaults: 0,
                has_rest: false,
                n_locals: 0,
                max_stack: 0,
                upvalues: Vec::new(),
                code: Vec::new(),
                handlers: Vec::new(),
                lines: Vec::new(),
                local_names: Vec::new(),
            },
            labels: HashMap::new(),
            fixups: Vec::new(),
            seen: HashMap::new(),
        }
    }

    /// Resolves every label use.
    ///
    /// # Errors
    /// The first use, in text order, of a label that was never defined.
    pub fn finish(mut self) -> Result<Function, AsmError> {
        for (slot, name, line) in std::mem::take(&mut self.fixups) {
            let Some(&(pc, _)) = self.labels.get(name) else {
                return Err(AsmError::new(line, format!("undefined label `{name}`")));
            };
            self.store(slot, pc);
        }
        Ok(self.f)
    }

    /// Reads one line of the block; `pool` is the constant pool.
    pub fn line(&mut self, pool: &[Constant], line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        let Some(mut first) = line.peek_word() else {
            return Err(line.missing("an instruction, a label or a function field"));
        };
        if let Some(name) = first.strip_suffix(':') {
            line.advance();
            self.label(name, line)?;
            match line.peek_word() {
                None if line.left() == 0 => return Ok(()),
                Some(w) => first = w,
                None => return Err(line.missing("an instruction")),
            }
        }
        if parse_int(first).is_some() {
            // A pc, as the disassembler prints it; ignored, so that edits
            // need no renumbering.
            line.advance();
            match line.peek_word() {
                Some(w) if is_mnemonic(w) => first = w,
                _ => return Err(line.missing("an instruction")),
            }
        }
        line.advance();
        if is_mnemonic(first) {
            self.instruction(pool, first, line)?;
        } else {
            self.field(pool, first, line)?;
        }
        line.end()
    }

    fn label(&mut self, name: &'a str, line: &Line<'_, 'a>) -> Result<(), AsmError> {
        if !is_label(name) {
            return Err(line.err(format!(
                "`{name}` cannot name a label: use a letter or `_`, then letters, digits and `_`"
            )));
        }
        if let Some(&(_, first)) = self.labels.get(name) {
            return Err(line.err(format!(
                "label `{name}` is defined twice (first on line {first})"
            )));
        }
        self.labels.insert(name, (self.pc(), line.no));
        Ok(())
    }

    /// A line that is not an instruction, after its first word.
    fn field(
        &mut self,
        pool: &[Constant],
        first: &str,
        line: &mut Line<'_, 'a>,
    ) -> Result<(), AsmError> {
        match first {
            "upvalue" => self.upvalue(line),
            "line" => self.line_entry(line),
            "handler" => self.handler(line),
            "local" => self.local_name(pool, line),
            _ => match header_key(first) {
                Some(key) => self.header(pool, key, line),
                None => Err(line.err(format!(
                    "unknown function field `{first}`: expected a header field (`name`, \
                     `n_params`, `n_defaults`, `has_rest`, `n_locals`, `max_stack`), \
                     `upvalue`, `line`, `handler`, `local`, a label or an instruction"
                ))),
            },
        }
    }

    /// Header fields from `key` on: `KEY VALUE [KEY VALUE]...`.
    fn header(
        &mut self,
        pool: &[Constant],
        key: &'static str,
        line: &mut Line<'_, 'a>,
    ) -> Result<(), AsmError> {
        let mut key = Some(key);
        while let Some(k) = key {
            if let Some(first) = self.seen.insert(k, line.no) {
                return Err(line.err(format!("`{k}` is given twice (first on line {first})")));
            }
            let what = format!("`{k}`");
            let f = &mut self.f;
            match k {
                "name" => f.name = line.const_ref(pool, &what)?,
                "n_params" => f.n_params = line.u8(&what)?,
                "n_defaults" => f.n_defaults = line.u8(&what)?,
                "has_rest" => f.has_rest = line.bool()?,
                "n_locals" => f.n_locals = line.u16(&what)?,
                _ => f.max_stack = line.u16(&what)?,
            }
            key = line.peek_word().and_then(header_key);
            if key.is_some() {
                line.advance();
            }
        }
        Ok(())
    }

    /// `upvalue local N` or `upvalue outer N`, a cell; either followed by
    /// `value`, a copy of the value.
    fn upvalue(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        let (local, n) = match line.word("`local` or `outer`")? {
            "local" => (true, line.u16("an upvalue's local slot")?),
            "outer" => (false, line.u16("an upvalue's outer index")?),
            other => {
                return Err(line.err(format!(
                    "unknown upvalue source `{other}`: expected `local` or `outer`"
                )))
            }
        };
        let value = line.peek_word() == Some("value");
        if value {
            line.advance();
        }
        let up = match (local, value) {
            (true, false) => Upvalue::Local(n),
            (false, false) => Upvalue::Outer(n),
            (true, true) => Upvalue::LocalValue(n),
            (false, true) => Upvalue::OuterValue(n),
        };
        self.f.upvalues.push(up);
        Ok(())
    }

    /// `line N` (at the current pc) or `line N at PC`.
    fn line_entry(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        let number = line.u32("a line number")?;
        let i = self.f.lines.len();
        self.f.lines.push((self.pc(), number));
        if line.peek_word() == Some("at") {
            line.advance();
            let pc = line.pc_ref()?;
            self.set(Slot::Line(i), pc, line.no);
        }
        Ok(())
    }

    /// `handler START..END -> TARGET depth N`.
    fn handler(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        let start = line.pc_ref()?;
        line.punct(Tok::DotDot)?;
        let end = line.pc_ref()?;
        line.punct(Tok::Arrow)?;
        let target = line.pc_ref()?;
        line.keyword("depth")?;
        let depth = line.u16("a handler depth")?;
        let i = self.f.handlers.len();
        self.f.handlers.push(Handler {
            start: 0,
            end: 0,
            handler: 0,
            depth,
        });
        self.set(Slot::HandlerStart(i), start, line.no);
        self.set(Slot::HandlerEnd(i), end, line.no);
        self.set(Slot::HandlerTarget(i), target, line.no);
        Ok(())
    }

    /// `local SLOT NAME START..END`.
    fn local_name(&mut self, pool: &[Constant], line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        let slot = line.u16("a local slot")?;
        let name = line.const_ref(pool, "a local's name")?;
        let start = line.pc_ref()?;
        line.punct(Tok::DotDot)?;
        let end = line.pc_ref()?;
        let i = self.f.local_names.len();
        self.f.local_names.push(LocalName {
            slot,
            name,
            start: 0,
            end: 0,
        });
        self.set(Slot::LocalStart(i), start, line.no);
        self.set(Slot::LocalEnd(i), end, line.no);
        Ok(())
    }

    /// An instruction, or `RAW` bytes, after the mnemonic.
    fn instruction(
        &mut self,
        pool: &[Constant],
        mnemonic: &str,
        line: &mut Line<'_, 'a>,
    ) -> Result<(), AsmError> {
        if mnemonic == "RAW" {
            return self.raw(line);
        }
        let op = Op::from_mnemonic(mnemonic)
            .ok_or_else(|| line.err(format!("unknown mnemonic `{mnemonic}`")))?;
        let kinds = op.operands();
        if line.left() != kinds.len() {
            let names: Vec<_> = kinds.iter().map(|k| k.name()).collect();
            let takes = match kinds.len() {
                0 => "no operands".to_owned(),
                1 => format!("1 operand ({})", names.join("")),
                n => format!("{n} operands ({})", names.join(", ")),
            };
            return Err(line.err(format!("`{mnemonic}` takes {takes}, found {}", line.left())));
        }
        self.f.code.push(op as u8);
        for (i, &kind) in kinds.iter().enumerate() {
            let what = format!("operand {} of `{mnemonic}` ({})", i + 1, kind.name());
            self.operand(pool, kind, &what, line)?;
        }
        Ok(())
    }

    fn operand(
        &mut self,
        pool: &[Constant],
        kind: OperandKind,
        what: &str,
        line: &mut Line<'_, 'a>,
    ) -> Result<(), AsmError> {
        let value: u16 = match kind {
            OperandKind::Target => {
                let at = self.f.code.len();
                self.f.code.extend_from_slice(&[0; 4]);
                let target = line.pc_ref()?;
                self.set(Slot::Code(at), target, line.no);
                return Ok(());
            }
            OperandKind::Argc => {
                let v = line.u8(what)?;
                self.f.code.push(v);
                return Ok(());
            }
            OperandKind::Imm => line.int(i16::MIN.into(), i16::MAX.into(), what)? as i16 as u16,
            OperandKind::Builtin => line.builtin()?,
            OperandKind::Const(_) => line.const_ref(pool, what)?,
            _ => line.u16(what)?,
        };
        self.f.code.extend_from_slice(&value.to_le_bytes());
        Ok(())
    }

    /// `RAW B...`: bytes copied into the code as they are.
    fn raw(&mut self, line: &mut Line<'_, 'a>) -> Result<(), AsmError> {
        if line.left() == 0 {
            return Err(line.missing("a byte"));
        }
        while line.left() > 0 {
            let byte = line.u8("a `RAW` byte")?;
            self.f.code.push(byte);
        }
        Ok(())
    }

    fn pc(&self) -> u32 {
        u32::try_from(self.f.code.len()).unwrap_or(u32::MAX)
    }

    /// Stores `r` into `slot` now, or records a fixup for a label.
    fn set(&mut self, slot: Slot, r: PcRef<'a>, line: usize) {
        match r {
            PcRef::Pc(pc) => self.store(slot, pc),
            PcRef::Label(name) => self.fixups.push((slot, name, line)),
        }
    }

    fn store(&mut self, slot: Slot, value: u32) {
        let f = &mut self.f;
        let field = match slot {
            Slot::Code(at) => {
                if let Some(bytes) = f.code.get_mut(at..at + 4) {
                    bytes.copy_from_slice(&value.to_le_bytes());
                }
                return;
            }
            Slot::HandlerStart(i) => f.handlers.get_mut(i).map(|h| &mut h.start),
            Slot::HandlerEnd(i) => f.handlers.get_mut(i).map(|h| &mut h.end),
            Slot::HandlerTarget(i) => f.handlers.get_mut(i).map(|h| &mut h.handler),
            Slot::Line(i) => f.lines.get_mut(i).map(|l| &mut l.0),
            Slot::LocalStart(i) => f.local_names.get_mut(i).map(|l| &mut l.start),
            Slot::LocalEnd(i) => f.local_names.get_mut(i).map(|l| &mut l.end),
        };
        if let Some(field) = field {
            *field = value;
        }
    }
}

fn header_key(word: &str) -> Option<&'static str> {
    HEADER_FIELDS.iter().copied().find(|k| *k == word)
}

/// Instructions are written in capitals: `LOAD_LOCAL`, `RAW`.
fn is_mnemonic(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_uppercase())
}
