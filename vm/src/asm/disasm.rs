//! The disassembler: a [`ClassFile`] model to `.casm` text.
//!
//! It prints every field of the model, valid or not, in the order
//! `spec/bytecode.md` ("Textual form") gives, so that the assembler reads the
//! text back into an equal model. Indexes are printed as numbers; what they
//! name (a constant's value, a global's or function's name) follows as a
//! comment. Code is decoded from pc 0: a known opcode whose operands fit is an
//! instruction, anything else a `RAW` line. Jump targets and table pcs that
//! fall on a line of the listing become labels (`L12`), others stay numbers.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::classfile::*;
use crate::isa::{read_operand, Op, OperandKind, BUILTINS};

use super::text::{bare, float_text, kind_name, label, quote};

/// The column where comments start, when the text before them is shorter.
const COMMENT_COLUMN: usize = 44;

/// Prints a class file as `.casm` text that [`assemble`](super::assemble)
/// reads back into the same model.
///
/// Every table and every field is printed, whether or not the file would
/// pass the reader's or the verifier's checks; indexes that point nowhere
/// are printed as they are, with a comment saying so.
///
/// ```
/// use cairn_vm::asm::{assemble, disassemble};
/// use cairn_vm::classfile::{ClassFile, Constant, Function, FunctionKind, MAJOR, MINOR};
/// use cairn_vm::isa::Op;
///
/// let main = Function {
///     name: 0, kind: FunctionKind::Module, n_params: 0, n_defaults: 0, has_rest: false,
///     n_locals: 1, max_stack: 1, upvalues: vec![],
///     code: vec![Op::Const as u8, 2, 0, Op::Return as u8],
///     handlers: vec![], lines: vec![(0, 1)], local_names: vec![],
/// };
/// let cf = ClassFile {
///     major: MAJOR, minor: MINOR, name: 0, source: 1,
///     constants: vec![
///         Constant::Str("demo".into()),
///         Constant::Str("demo.cairn".into()),
///         Constant::Float(1.5),
///     ],
///     imports: vec![], globals: vec![], classes: vec![], functions: vec![main], main: 0,
/// };
/// let text = disassemble(&cf);
/// assert!(text.contains(".const 2 float 1.5"));
/// assert!(text.contains("CONST 2"));
/// assert_eq!(assemble(&text).unwrap(), cf);
/// ```
pub fn disassemble(cf: &ClassFile) -> String {
    let mut out = Listing::default();
    header(cf, &mut out);
    constants(cf, &mut out);
    imports(cf, &mut out);
    globals(cf, &mut out);
    for (i, class) in cf.classes.iter().enumerate() {
        out.blank();
        self::class(cf, i, class, &mut out);
    }
    for (i, f) in cf.functions.iter().enumerate() {
        out.blank();
        function(cf, i, f, &mut out);
    }
    out.text
}

/// Prints one function of a class file, as [`disassemble`] prints it
/// there; `None` when there is no function `index`.
///
/// ```
/// use cairn_vm::asm::{assemble, disassemble_function};
/// let cf = assemble(".module 0\n.source 0\n.main 0\n.const 0 str \"m\"\n\
///     .function 0 module\n    name 0\n    n_locals 1  max_stack 1\n      NIL\n      RETURN\n").unwrap();
/// let text = disassemble_function(&cf, 0).unwrap();
/// assert!(text.starts_with(".function 0 module"));
/// assert!(text.contains("RETURN"));
/// assert!(disassemble_function(&cf, 1).is_none());
/// ```
pub fn disassemble_function(cf: &ClassFile, index: usize) -> Option<String> {
    let f = cf.functions.get(index)?;
    let mut out = Listing::default();
    function(cf, index, f, &mut out);
    Some(out.text)
}

/// The text being built, one line at a time.
#[derive(Default)]
struct Listing {
    text: String,
}

impl Listing {
    /// Appends `text`, then `comment` after `;` at [`COMMENT_COLUMN`].
    fn line(&mut self, text: &str, comment: Option<String>) {
        self.text.push_str(text);
        if let Some(comment) = comment {
            let pad = COMMENT_COLUMN.saturating_sub(text.chars().count()).max(1);
            self.text.extend(std::iter::repeat_n(' ', pad));
            self.text.push_str("; ");
            self.text.push_str(&comment);
        }
        self.text.push('\n');
    }

    fn blank(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }
}

/// What constant `index` holds, for a comment.
fn const_note(cf: &ClassFile, index: u16) -> String {
    match cf.constants.get(usize::from(index)) {
        Some(Constant::Int(v)) => v.to_string(),
        Some(Constant::Float(v)) => float_text(*v),
        Some(Constant::Str(s)) => quote(s),
        None => "no such constant".to_owned(),
    }
}

/// A name taken from constant `index`, bare when it is a plain String.
fn name_note(cf: &ClassFile, index: u16) -> String {
    match cf.str_const(index) {
        Some(s) => bare(s),
        None => const_note(cf, index),
    }
}

fn function_note(cf: &ClassFile, index: u16) -> String {
    match cf.functions.get(usize::from(index)) {
        Some(f) => format!("fn {}", name_note(cf, f.name)),
        None => "no such function".to_owned(),
    }
}

fn class_note(cf: &ClassFile, index: u16) -> String {
    match cf.classes.get(usize::from(index)) {
        Some(c) => format!("class {}", name_note(cf, c.name)),
        None => "no such class".to_owned(),
    }
}

fn builtin_note(index: u16) -> String {
    BUILTINS
        .get(usize::from(index))
        .map_or_else(|| "no such builtin".to_owned(), |b| (*b).to_owned())
}

fn header(cf: &ClassFile, out: &mut Listing) {
    out.line(
        &format!("; Cairn class file, module {}", name_note(cf, cf.name)),
        None,
    );
    out.line(&format!(".version {}.{}", cf.major, cf.minor), None);
    out.line(
        &format!(".module {}", cf.name),
        Some(const_note(cf, cf.name)),
    );
    out.line(
        &format!(".source {}", cf.source),
        Some(const_note(cf, cf.source)),
    );
    out.line(
        &format!(".main {}", cf.main),
        Some(function_note(cf, cf.main)),
    );
}

fn constants(cf: &ClassFile, out: &mut Listing) {
    if cf.constants.is_empty() {
        return;
    }
    out.blank();
    out.line(&format!("; {} constants", cf.constants.len()), None);
    for (i, c) in cf.constants.iter().enumerate() {
        let value = match c {
            Constant::Int(v) => format!("int {v}"),
            Constant::Float(v) => format!("float {}", float_text(*v)),
            Constant::Str(s) => format!("str {}", quote(s)),
        };
        out.line(&format!(".const {i} {value}"), None);
    }
}

fn imports(cf: &ClassFile, out: &mut Listing) {
    if cf.imports.is_empty() {
        return;
    }
    out.blank();
    for (i, import) in cf.imports.iter().enumerate() {
        let kind = match import.kind {
            ImportKind::Std => "std",
            ImportKind::Path => "path",
        };
        out.line(
            &format!(".import {i} {kind} {}", import.spec),
            Some(const_note(cf, import.spec)),
        );
    }
}

fn globals(cf: &ClassFile, out: &mut Listing) {
    if cf.globals.is_empty() {
        return;
    }
    out.blank();
    for (i, &g) in cf.globals.iter().enumerate() {
        out.line(&format!(".global {i} {g}"), Some(name_note(cf, g)));
    }
}

fn class(cf: &ClassFile, i: usize, class: &Class, out: &mut Listing) {
    out.line(&format!(".class {i}"), Some(name_note(cf, class.name)));
    out.line(
        &format!("    name {}", class.name),
        Some(const_note(cf, class.name)),
    );
    let (text, note) = match class.superclass {
        Superclass::Object => ("super object".to_owned(), None),
        Superclass::Builtin(b) => (format!("super builtin {b}"), Some(builtin_note(b))),
        Superclass::Class(c) => (format!("super class {c}"), Some(class_note(cf, c))),
        Superclass::Dynamic => ("super dynamic".to_owned(), Some("popped by CLASS".into())),
    };
    out.line(&format!("    {text}"), note);
    for &f in &class.fields {
        out.line(&format!("    field {f}"), Some(const_note(cf, f)));
    }
    for &f in &class.static_fields {
        out.line(&format!("    static_field {f}"), Some(const_note(cf, f)));
    }
    for m in &class.methods {
        let keyword = if m.is_static {
            "static_method"
        } else {
            "method"
        };
        let note = format!(
            "{} -> {}",
            const_note(cf, m.name),
            function_note(cf, m.func)
        );
        out.line(
            &format!("    {keyword} {} fn {}", m.name, m.func),
            Some(note),
        );
    }
    if let Some(f) = class.field_init {
        out.line(
            &format!("    field_init fn {f}"),
            Some(function_note(cf, f)),
        );
    }
}

fn function(cf: &ClassFile, i: usize, f: &Function, out: &mut Listing) {
    out.line(
        &format!(".function {i} {}", kind_name(f.kind)),
        Some(name_note(cf, f.name)),
    );
    out.line(
        &format!("    name {}", f.name),
        Some(const_note(cf, f.name)),
    );
    out.line(
        &format!(
            "    n_params {}  n_defaults {}  has_rest {}",
            f.n_params, f.n_defaults, f.has_rest
        ),
        None,
    );
    out.line(
        &format!("    n_locals {}  max_stack {}", f.n_locals, f.max_stack),
        None,
    );
    for (u, up) in f.upvalues.iter().enumerate() {
        let text = match up {
            Upvalue::Local(n) => format!("    upvalue local {n}"),
            Upvalue::Outer(n) => format!("    upvalue outer {n}"),
            Upvalue::LocalValue(n) => format!("    upvalue local {n} value"),
            Upvalue::OuterValue(n) => format!("    upvalue outer {n} value"),
        };
        out.line(&text, Some(format!("upvalue {u}")));
    }
    Code::new(cf, f).print(out);
}

/// One line of a code listing: an instruction, or bytes that are not one.
#[derive(Clone, Copy)]
enum Item {
    Insn(Op),
    /// `len` bytes; `op` is the instruction they begin when it is cut short.
    Raw {
        len: usize,
        op: Option<Op>,
    },
}

/// A function's code, decoded for printing.
struct Code<'a> {
    cf: &'a ClassFile,
    f: &'a Function,
    /// Each line of the listing, with its pc.
    items: Vec<(usize, Item)>,
    /// The pcs a line starts at, and the end of the code.
    starts: BTreeSet<usize>,
    /// The pcs that get a label.
    labels: BTreeSet<usize>,
    /// Whether the line table is printed as markers in the code.
    inline_lines: bool,
}

impl<'a> Code<'a> {
    fn new(cf: &'a ClassFile, f: &'a Function) -> Code<'a> {
        let items = decode(&f.code);
        let mut starts: BTreeSet<usize> = items.iter().map(|(pc, _)| *pc).collect();
        starts.insert(f.code.len());
        let mut code = Code {
            cf,
            f,
            items,
            starts,
            labels: BTreeSet::new(),
            inline_lines: false,
        };
        code.inline_lines = code.lines_fit_inline();
        code.labels = code.label_pcs();
        code
    }

    /// Whether every line entry can be a marker: pcs in order, each where
    /// a line of the listing starts (or at the end of the code).
    fn lines_fit_inline(&self) -> bool {
        let in_order = self.f.lines.windows(2).all(|w| w[0].0 <= w[1].0);
        in_order && self.f.lines.iter().all(|&(pc, _)| self.is_start(pc))
    }

    fn is_start(&self, pc: u32) -> bool {
        usize::try_from(pc).is_ok_and(|pc| self.starts.contains(&pc))
    }

    /// Every pc that code or a table refers to and that can carry a label.
    fn label_pcs(&self) -> BTreeSet<usize> {
        let mut pcs: Vec<u32> = Vec::new();
        for &(pc, item) in &self.items {
            if let Item::Insn(op) = item {
                pcs.extend(
                    operands(&self.f.code, pc, op)
                        .filter_map(|(k, v)| (k == OperandKind::Target).then_some(v)),
                );
            }
        }
        for h in &self.f.handlers {
            pcs.extend([h.start, h.end, h.handler]);
        }
        for l in &self.f.local_names {
            pcs.extend([l.start, l.end]);
        }
        if !self.inline_lines {
            pcs.extend(self.f.lines.iter().map(|&(pc, _)| pc));
        }
        pcs.into_iter()
            .filter(|&pc| self.is_start(pc))
            .map(|pc| pc as usize)
            .collect()
    }

    /// A pc operand or table field: a label when there is one, else the
    /// number.
    fn pc(&self, pc: u32) -> String {
        if self.is_start(pc) {
            label(pc as usize)
        } else {
            pc.to_string()
        }
    }

    fn print(&self, out: &mut Listing) {
        let mut lines = self.f.lines.iter().peekable();
        let mut at = |pc: usize, out: &mut Listing| {
            if self.labels.contains(&pc) {
                out.line(&format!("  {}:", label(pc)), None);
            }
            while let Some(&&(line_pc, line)) = lines.peek() {
                if !self.inline_lines || line_pc as usize != pc {
                    break;
                }
                out.line(&format!("    line {line}"), None);
                lines.next();
            }
        };
        for &(pc, item) in &self.items {
            at(pc, out);
            self.item(pc, item, out);
        }
        at(self.f.code.len(), out);
        self.tables(out);
    }

    fn item(&self, pc: usize, item: Item, out: &mut Listing) {
        let code = &self.f.code;
        match item {
            Item::Insn(op) => {
                let mut text = format!("{pc:>7}  {}", op.mnemonic());
                let mut notes = Vec::new();
                for (i, (kind, value)) in operands(code, pc, op).enumerate() {
                    text.push_str(if i == 0 { " " } else { ", " });
                    text.push_str(&self.operand(kind, value));
                    notes.extend(self.note(pc, op, kind, value));
                }
                let note = (!notes.is_empty()).then(|| notes.join(", "));
                out.line(&text, note);
            }
            Item::Raw { len, op } => {
                let mut text = format!("{pc:>7}  RAW");
                for b in code.get(pc..pc + len).unwrap_or_default() {
                    let _ = write!(text, " {b:#04x}");
                }
                let note = match op {
                    Some(op) => format!("`{}` cut short by the end of the code", op.mnemonic()),
                    None => "not an opcode".to_owned(),
                };
                out.line(&text, Some(note));
            }
        }
    }

    fn operand(&self, kind: OperandKind, value: u32) -> String {
        match kind {
            OperandKind::Target => self.pc(value),
            OperandKind::Imm => (value as u16 as i16).to_string(),
            _ => value.to_string(),
        }
    }

    /// What an operand names, for the comment.
    fn note(&self, pc: usize, op: Op, kind: OperandKind, value: u32) -> Option<String> {
        let cf = self.cf;
        let index = u16::try_from(value).unwrap_or(u16::MAX);
        Some(match kind {
            OperandKind::Local => return self.local_name(pc + op.len(), pc, index),
            OperandKind::Global => match cf.globals.get(usize::from(index)) {
                Some(&g) => name_note(cf, g),
                None => "no such global".to_owned(),
            },
            OperandKind::Builtin => builtin_note(index),
            OperandKind::Const(_) => const_note(cf, index),
            OperandKind::Func => function_note(cf, index),
            OperandKind::Class => class_note(cf, index),
            OperandKind::Import => match cf.imports.get(usize::from(index)) {
                Some(i) => format!("import {}", const_note(cf, i.spec)),
                None => "no such import".to_owned(),
            },
            _ => return None,
        })
    }

    /// The name of local `slot` at `pc`: an entry live there, or one that
    /// starts right after the instruction (which stores its first value).
    fn local_name(&self, next: usize, pc: usize, slot: u16) -> Option<String> {
        let entry = self.f.local_names.iter().find(|l| {
            let (start, end) = (l.start as usize, l.end as usize);
            l.slot == slot && ((start <= pc && pc < end) || start == next)
        })?;
        Some(name_note(self.cf, entry.name))
    }

    fn tables(&self, out: &mut Listing) {
        for h in &self.f.handlers {
            out.line(
                &format!(
                    "    handler {}..{} -> {} depth {}",
                    self.pc(h.start),
                    self.pc(h.end),
                    self.pc(h.handler),
                    h.depth
                ),
                None,
            );
        }
        if !self.inline_lines {
            for &(pc, line) in &self.f.lines {
                out.line(&format!("    line {line} at {}", self.pc(pc)), None);
            }
        }
        for l in &self.f.local_names {
            out.line(
                &format!(
                    "    local {} {} {}..{}",
                    l.slot,
                    l.name,
                    self.pc(l.start),
                    self.pc(l.end)
                ),
                Some(name_note(self.cf, l.name)),
            );
        }
    }
}

/// Splits code into listing lines: whole instructions, single bytes that
/// are not opcodes, and a last instruction cut short.
fn decode(code: &[u8]) -> Vec<(usize, Item)> {
    let mut items = Vec::new();
    let mut pc = 0;
    while pc < code.len() {
        let item = match Op::from_byte(code[pc]) {
            Some(op) if op.len() <= code.len() - pc => Item::Insn(op),
            Some(op) => Item::Raw {
                len: code.len() - pc,
                op: Some(op),
            },
            None => Item::Raw { len: 1, op: None },
        };
        items.push((pc, item));
        pc += match item {
            Item::Insn(op) => op.len(),
            Item::Raw { len, .. } => len,
        };
    }
    items
}

/// The operands of the whole instruction `op` at `pc`.
fn operands(code: &[u8], pc: usize, op: Op) -> impl Iterator<Item = (OperandKind, u32)> + '_ {
    let mut at = pc + 1;
    op.operands().iter().map(move |&kind| {
        let value = read_operand(code, at, kind).unwrap_or(0);
        at += kind.width();
        (kind, value)
    })
}
