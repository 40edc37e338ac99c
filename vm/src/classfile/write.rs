//! The writer: a [`ClassFile`] model to bytes, as `spec/classfile.md` lays
//! them out.
//!
//! Output is a function of the model alone: sections come in tag order,
//! tables in model order, floats as their bit patterns, with no padding and
//! nothing from the host (no pointers, sizes, times or paths). The writer
//! does not check indexes or limits; [`read`](super::read) does, so a model
//! that breaks them writes fine and fails to load.

use byteorder::{ByteOrder, LittleEndian as LE};

use super::layout::{self, tag};
use super::model::*;

/// Encodes `cf` as class-file bytes, checksum included. The same model
/// always gives the same bytes.
///
/// ```
/// use cairn_vm::classfile::{read, write, ClassFile, Constant, Function, FunctionKind, MAJOR, MINOR};
///
/// let main = Function {
///     name: 0, kind: FunctionKind::Module, n_params: 0, n_defaults: 0, has_rest: false,
///     n_locals: 1, max_stack: 1, upvalues: vec![], code: vec![0x03, 0x63],
///     handlers: vec![], lines: vec![(0, 1)], local_names: vec![],
/// };
/// let cf = ClassFile {
///     major: MAJOR, minor: MINOR, name: 0, source: 1,
///     constants: vec![Constant::Str("hello".into()), Constant::Str("hello.cairn".into())],
///     imports: vec![], globals: vec![], classes: vec![], functions: vec![main], main: 0,
/// };
/// let bytes = write(&cf);
/// assert_eq!(bytes, write(&cf));
/// assert_eq!(read(&bytes).unwrap(), cf);
/// ```
///
/// # Panics
/// When a table has more than `u32::MAX` entries, or a string or a
/// function's code more than `u32::MAX` bytes: such a model cannot be
/// encoded at all (the reader's limits are far lower).
pub fn write(cf: &ClassFile) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(estimate(cf)),
    };
    w.out.extend_from_slice(&MAGIC);
    w.u16(cf.major);
    w.u16(cf.minor);
    w.u16(layout::REQUIRED.len() as u16);
    w.section(tag::CONSTANTS, |w| w.constants(&cf.constants));
    w.section(tag::MODULE, |w| {
        w.u16(cf.name);
        w.u16(cf.source);
        w.u16(cf.main);
    });
    w.section(tag::IMPORTS, |w| w.imports(&cf.imports));
    w.section(tag::GLOBALS, |w| w.indexes(&cf.globals));
    w.section(tag::CLASSES, |w| w.table(&cf.classes, Writer::class));
    w.section(tag::FUNCTIONS, |w| w.table(&cf.functions, Writer::function));
    let checksum = super::crc32(&w.out);
    w.u32(checksum);
    w.out
}

/// A capacity guess that avoids most reallocation for typical files.
fn estimate(cf: &ClassFile) -> usize {
    let code: usize = cf.functions.iter().map(|f| f.code.len() + 64).sum();
    let strings: usize = cf
        .constants
        .iter()
        .map(|c| match c {
            Constant::Str(s) => s.len() + 5,
            _ => 9,
        })
        .sum();
    64 + code + strings + 32 * cf.classes.len()
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }

    fn u16(&mut self, v: u16) {
        let mut b = [0; 2];
        LE::write_u16(&mut b, v);
        self.out.extend_from_slice(&b);
    }

    fn u32(&mut self, v: u32) {
        let mut b = [0; 4];
        LE::write_u32(&mut b, v);
        self.out.extend_from_slice(&b);
    }

    fn u64(&mut self, v: u64) {
        let mut b = [0; 8];
        LE::write_u64(&mut b, v);
        self.out.extend_from_slice(&b);
    }

    fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    /// A count or byte length: a `u32`.
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).expect("a class-file table or string fits a u32 length"));
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.out.extend_from_slice(b);
    }

    /// Tag, payload length, payload: the length is patched in once the
    /// payload is written.
    fn section(&mut self, tag: u8, payload: impl FnOnce(&mut Writer)) {
        self.u8(tag);
        let at = self.out.len();
        self.u32(0);
        payload(self);
        let n = self.out.len() - at - 4;
        let n = u32::try_from(n).expect("a class-file section fits a u32 length");
        LE::write_u32(&mut self.out[at..at + 4], n);
    }

    fn table<T>(&mut self, items: &[T], mut entry: impl FnMut(&mut Writer, &T)) {
        self.len(items.len());
        for item in items {
            entry(self, item);
        }
    }

    fn indexes(&mut self, items: &[u16]) {
        self.table(items, |w, &i| w.u16(i));
    }

    fn constants(&mut self, constants: &[Constant]) {
        self.table(constants, |w, c| match c {
            Constant::Int(v) => {
                w.u8(layout::CONST_INT);
                w.u64(*v as u64);
            }
            Constant::Float(v) => {
                w.u8(layout::CONST_FLOAT);
                w.u64(v.to_bits());
            }
            Constant::Str(s) => {
                w.u8(layout::CONST_STR);
                w.bytes(s.as_bytes());
            }
        });
    }

    fn imports(&mut self, imports: &[Import]) {
        self.table(imports, |w, i| {
            w.u8(i.kind as u8);
            w.u16(i.spec);
        });
    }

    fn class(&mut self, c: &Class) {
        self.u16(c.name);
        match c.superclass {
            Superclass::Object => self.u8(layout::SUPER_OBJECT),
            Superclass::Builtin(i) => {
                self.u8(layout::SUPER_BUILTIN);
                self.u16(i);
            }
            Superclass::Class(i) => {
                self.u8(layout::SUPER_CLASS);
                self.u16(i);
            }
            Superclass::Dynamic => self.u8(layout::SUPER_DYNAMIC),
        }
        self.indexes(&c.fields);
        self.indexes(&c.static_fields);
        self.table(&c.methods, |w, m| {
            w.u16(m.name);
            w.u16(m.func);
            w.bool(m.is_static);
        });
        self.bool(c.field_init.is_some());
        if let Some(f) = c.field_init {
            self.u16(f);
        }
    }

    fn function(&mut self, f: &Function) {
        self.u16(f.name);
        self.u8(f.kind as u8);
        self.u8(f.n_params);
        self.u8(f.n_defaults);
        self.bool(f.has_rest);
        self.u16(f.n_locals);
        self.u16(f.max_stack);
        self.table(&f.upvalues, |w, u| {
            let (tag, i) = match *u {
                Upvalue::Local(i) => (layout::UPVALUE_LOCAL, i),
                Upvalue::Outer(i) => (layout::UPVALUE_OUTER, i),
                Upvalue::LocalValue(i) => (layout::UPVALUE_LOCAL_VALUE, i),
                Upvalue::OuterValue(i) => (layout::UPVALUE_OUTER_VALUE, i),
            };
            w.u8(tag);
            w.u16(i);
        });
        self.bytes(&f.code);
        self.table(&f.handlers, |w, h| {
            w.u32(h.start);
            w.u32(h.end);
            w.u32(h.handler);
            w.u16(h.depth);
        });
        self.table(&f.lines, |w, &(pc, line)| {
            w.u32(pc);
            w.u32(line);
        });
        self.table(&f.local_names, |w, l| {
            w.u16(l.slot);
            w.u16(l.name);
            w.u32(l.start);
            w.u32(l.end);
        });
    }
}
