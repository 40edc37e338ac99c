//! The reader: bytes to a [`ClassFile`] model, rejecting anything malformed.
//!
//! It takes untrusted bytes and produces a model whose every index (constant,
//! function, class) is in range and of the right kind, or the first
//! [`DecodeError`] in the order `spec/classfile.md` gives. It never panics,
//! and it bounds every count by the bytes left before allocating, so memory
//! use stays proportional to the input. It does not look inside code: the
//! verifier does.

use byteorder::{ByteOrder, LittleEndian as LE};

use super::error::DecodeError;
use super::layout::{self, min_size, tag, MAX_TABLE_LEN};
use super::model::*;

/// Decodes and checks a class file.
///
/// Checks, in order: the magic, the major version, the checksum, the
/// section table, each section's layout, then every index. Any minor
/// version is accepted, and optional sections (tags `0x80..=0xFF`) this
/// reader does not know are skipped.
///
/// ```
/// use cairn_vm::classfile::{read, DecodeError};
///
/// assert_eq!(read(b"#!/bin/sh\n"), Err(DecodeError::BadMagic));
/// let err = read(b"\xCAIRN\r\n\x1A\n\x07\x00\x00\x00").unwrap_err();
/// assert_eq!(err.to_string(), "unsupported major version 7 (this VM reads 2)");
/// ```
///
/// # Errors
/// A [`DecodeError`] naming the first rule the bytes break.
pub fn read(bytes: &[u8]) -> Result<ClassFile, DecodeError> {
    check_magic(bytes)?;
    let mut header = Cursor::new(bytes, MAGIC.len(), bytes.len());
    let major = header.u16("the major version")?;
    let minor = header.u16("the minor version")?;
    if major != MAJOR {
        return Err(DecodeError::UnsupportedMajor {
            found: major,
            supported: MAJOR,
        });
    }
    let content = check_checksum(bytes)?;
    let [constants, module, imports, globals, classes, functions] = section_table(content)?;
    let constants = decode(constants, tag::CONSTANTS, read_constants)?;
    let (name, source, main) = decode(module, tag::MODULE, |c| {
        Ok((
            c.u16("the module name")?,
            c.u16("the module source")?,
            c.u16("the main function")?,
        ))
    })?;
    let cf = ClassFile {
        major,
        minor,
        name,
        source,
        constants,
        imports: decode(imports, tag::IMPORTS, |c| c.table(&IMPORTS, read_import))?,
        globals: decode(globals, tag::GLOBALS, |c| c.indexes(&GLOBALS, "a global"))?,
        classes: decode(classes, tag::CLASSES, |c| c.table(&CLASSES, read_class))?,
        functions: decode(functions, tag::FUNCTIONS, |c| {
            c.table(&FUNCTIONS, read_function)
        })?,
        main,
    };
    super::refs::check(&cf)?;
    Ok(cf)
}

fn check_magic(bytes: &[u8]) -> Result<(), DecodeError> {
    let n = bytes.len().min(MAGIC.len());
    if bytes[..n] != MAGIC[..n] {
        return Err(DecodeError::BadMagic);
    }
    if n < MAGIC.len() {
        return Err(DecodeError::Truncated {
            needed: MAGIC.len() as u64,
            what: "the magic",
            offset: 0,
        });
    }
    Ok(())
}

/// Checks the trailing CRC-32 and returns the bytes it covers.
fn check_checksum(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    let Some(split) = bytes
        .len()
        .checked_sub(layout::CHECKSUM_LEN)
        .filter(|&s| s >= layout::HEADER_LEN)
    else {
        return Err(DecodeError::Truncated {
            needed: layout::CHECKSUM_LEN as u64,
            what: "the checksum",
            offset: layout::HEADER_LEN,
        });
    };
    let (content, tail) = bytes.split_at(split);
    let stored = LE::read_u32(tail);
    let computed = super::crc32(content);
    if stored != computed {
        return Err(DecodeError::ChecksumMismatch { stored, computed });
    }
    Ok(content)
}

/// Walks the section headers and returns the payload of each required
/// section, in tag order.
fn section_table(content: &[u8]) -> Result<[Cursor<'_>; 6], DecodeError> {
    let mut c = Cursor::new(content, layout::HEADER_LEN, content.len());
    let at = c.pos;
    let count = u32::from(c.u16("the section count")?);
    let count = c.check_count(count, &SECTIONS, at)?;
    let mut seen = [false; 256];
    let mut found: [Option<Cursor<'_>>; 6] = Default::default();
    for _ in 0..count {
        let (tag, payload) = section(&mut c)?;
        if std::mem::replace(&mut seen[usize::from(tag)], true) {
            return Err(DecodeError::DuplicateSection { tag });
        }
        match layout::REQUIRED.iter().position(|(t, _)| *t == tag) {
            Some(i) => found[i] = Some(payload),
            None if tag >= layout::OPTIONAL_TAGS => {}
            None => return Err(DecodeError::UnknownSection { tag }),
        }
    }
    if c.left() > 0 {
        return Err(DecodeError::TrailingData {
            extra: c.left(),
            offset: c.pos,
        });
    }
    let mut out = [Cursor::EMPTY; 6];
    for (i, (slot, (_, name))) in found.into_iter().zip(layout::REQUIRED).enumerate() {
        out[i] = slot.ok_or(DecodeError::MissingSection { name })?;
    }
    Ok(out)
}

/// One section header, and a cursor over its payload.
fn section<'a>(c: &mut Cursor<'a>) -> Result<(u8, Cursor<'a>), DecodeError> {
    let tag = c.u8("a section tag")?;
    let len = c.u32("a section length")?;
    let what = match tag {
        tag::CONSTANTS => "the constants section",
        tag::MODULE => "the module section",
        tag::IMPORTS => "the imports section",
        tag::GLOBALS => "the globals section",
        tag::CLASSES => "the classes section",
        tag::FUNCTIONS => "the functions section",
        _ => "the payload of an unknown section",
    };
    let start = c.pos;
    c.take(len as usize, what)?;
    Ok((tag, Cursor::new(c.bytes, start, c.pos)))
}

/// Runs `body` over a section's payload, which it must consume exactly.
fn decode<'a, T>(
    mut c: Cursor<'a>,
    tag: u8,
    body: impl FnOnce(&mut Cursor<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let value = body(&mut c)?;
    if c.left() > 0 {
        return Err(DecodeError::SectionLeftover {
            tag,
            name: layout::section_name(tag).unwrap_or("unknown"),
            extra: c.left(),
            offset: c.pos,
        });
    }
    Ok(value)
}

fn read_constants(c: &mut Cursor<'_>) -> Result<Vec<Constant>, DecodeError> {
    c.table(&CONSTANTS, |c| {
        let at = c.pos;
        Ok(match c.u8("a constant tag")? {
            layout::CONST_INT => Constant::Int(c.u64("an Int constant")? as i64),
            layout::CONST_FLOAT => Constant::Float(f64::from_bits(c.u64("a Float constant")?)),
            layout::CONST_STR => Constant::Str(c.string()?),
            value => return Err(bad_tag("constant tag", value, at)),
        })
    })
}

fn read_import(c: &mut Cursor<'_>) -> Result<Import, DecodeError> {
    let at = c.pos;
    let kind = match c.u8("an import kind")? {
        0 => ImportKind::Std,
        1 => ImportKind::Path,
        value => return Err(bad_tag("import kind", value, at)),
    };
    Ok(Import {
        kind,
        spec: c.u16("an import spec")?,
    })
}

fn read_class(c: &mut Cursor<'_>) -> Result<Class, DecodeError> {
    let name = c.u16("a class name")?;
    let at = c.pos;
    let superclass = match c.u8("a superclass tag")? {
        layout::SUPER_OBJECT => Superclass::Object,
        layout::SUPER_BUILTIN => Superclass::Builtin(c.u16("a builtin superclass")?),
        layout::SUPER_CLASS => Superclass::Class(c.u16("a superclass index")?),
        layout::SUPER_DYNAMIC => Superclass::Dynamic,
        value => return Err(bad_tag("superclass tag", value, at)),
    };
    let fields = c.indexes(&FIELDS, "a field")?;
    let static_fields = c.indexes(&STATIC_FIELDS, "a static field")?;
    let methods = c.table(&METHODS, |c| {
        Ok(Method {
            name: c.u16("a method name")?,
            func: c.u16("a method function")?,
            is_static: c.bool("is_static")?,
        })
    })?;
    let field_init = match c.bool("the field_init flag")? {
        true => Some(c.u16("a field_init function")?),
        false => None,
    };
    Ok(Class {
        name,
        superclass,
        fields,
        static_fields,
        methods,
        field_init,
    })
}

fn read_function(c: &mut Cursor<'_>) -> Result<Function, DecodeError> {
    let name = c.u16("a function name")?;
    let at = c.pos;
    let kind = match c.u8("a function kind")? {
        0 => FunctionKind::Module,
        1 => FunctionKind::Function,
        2 => FunctionKind::Method,
        3 => FunctionKind::Static,
        4 => FunctionKind::Initializer,
        5 => FunctionKind::FieldInit,
        value => return Err(bad_tag("function kind", value, at)),
    };
    Ok(Function {
        name,
        kind,
        n_params: c.u8("n_params")?,
        n_defaults: c.u8("n_defaults")?,
        has_rest: c.bool("has_rest")?,
        n_locals: c.u16("n_locals")?,
        max_stack: c.u16("max_stack")?,
        upvalues: c.table(&UPVALUES, read_upvalue)?,
        code: c.byte_string(&CODE)?.to_vec(),
        handlers: c.table(&HANDLERS, |c| {
            Ok(Handler {
                start: c.u32("a handler start")?,
                end: c.u32("a handler end")?,
                handler: c.u32("a handler target")?,
                depth: c.u16("a handler depth")?,
            })
        })?,
        lines: c.table(&LINES, |c| {
            Ok((c.u32("a line-table pc")?, c.u32("a line number")?))
        })?,
        local_names: c.table(&LOCAL_NAMES, |c| {
            Ok(LocalName {
                slot: c.u16("a local slot")?,
                name: c.u16("a local name")?,
                start: c.u32("a local's start")?,
                end: c.u32("a local's end")?,
            })
        })?,
    })
}

fn read_upvalue(c: &mut Cursor<'_>) -> Result<Upvalue, DecodeError> {
    let at = c.pos;
    let tag = c.u8("an upvalue tag")?;
    let index = c.u16("an upvalue index")?;
    match tag {
        layout::UPVALUE_LOCAL => Ok(Upvalue::Local(index)),
        layout::UPVALUE_OUTER => Ok(Upvalue::Outer(index)),
        layout::UPVALUE_LOCAL_VALUE => Ok(Upvalue::LocalValue(index)),
        layout::UPVALUE_OUTER_VALUE => Ok(Upvalue::OuterValue(index)),
        value => Err(bad_tag("upvalue tag", value, at)),
    }
}

fn bad_tag(what: &'static str, value: u8, offset: usize) -> DecodeError {
    DecodeError::BadTag {
        what,
        value,
        offset,
    }
}

/// A counted table: how its count is named and bounded.
struct Table {
    /// Plural, for messages: "functions".
    plural: &'static str,
    /// The count field, for truncation messages: "the function count".
    field: &'static str,
    /// The smallest encoding of one entry.
    min_size: usize,
    /// The most entries allowed, when the index width limits it.
    limit: Option<u32>,
}

const fn table(
    plural: &'static str,
    field: &'static str,
    min_size: usize,
    limit: Option<u32>,
) -> Table {
    Table {
        plural,
        field,
        min_size,
        limit,
    }
}

const INDEXED: Option<u32> = Some(MAX_TABLE_LEN);
const SECTIONS: Table = table("sections", "the section count", min_size::SECTION, None);
const CONSTANTS: Table = table(
    "constants",
    "the constant count",
    min_size::CONSTANT,
    INDEXED,
);
const IMPORTS: Table = table("imports", "the import count", min_size::IMPORT, INDEXED);
const GLOBALS: Table = table("globals", "the global count", min_size::INDEX, INDEXED);
const CLASSES: Table = table("classes", "the class count", min_size::CLASS, INDEXED);
const FUNCTIONS: Table = table(
    "functions",
    "the function count",
    min_size::FUNCTION,
    INDEXED,
);
const FIELDS: Table = table("fields", "a field count", min_size::INDEX, INDEXED);
const STATIC_FIELDS: Table = table(
    "static fields",
    "a static-field count",
    min_size::INDEX,
    INDEXED,
);
const METHODS: Table = table("methods", "a method count", min_size::METHOD, INDEXED);
const UPVALUES: Table = table("upvalues", "an upvalue count", min_size::UPVALUE, INDEXED);
const CODE: Table = table("code bytes", "a code length", min_size::BYTE, None);
const HANDLERS: Table = table("handlers", "a handler count", min_size::HANDLER, None);
const LINES: Table = table("line entries", "a line-table count", min_size::LINE, None);
const LOCAL_NAMES: Table = table(
    "local names",
    "a local-name count",
    min_size::LOCAL_NAME,
    None,
);
const STRING: Table = table("string bytes", "a string length", min_size::BYTE, None);

/// A read position within `bytes[..end]`. Offsets are from the start of the
/// file, so messages can cite them. Invariant: `pos <= end <= bytes.len()`.
#[derive(Clone, Copy)]
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Cursor<'a> {
    const EMPTY: Cursor<'static> = Cursor {
        bytes: &[],
        pos: 0,
        end: 0,
    };

    fn new(bytes: &'a [u8], pos: usize, end: usize) -> Self {
        let end = end.min(bytes.len());
        Cursor {
            bytes,
            pos: pos.min(end),
            end,
        }
    }

    fn left(&self) -> usize {
        self.end - self.pos
    }

    /// The next `n` bytes, or `Truncated` naming `what`.
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let truncated = DecodeError::Truncated {
            needed: n as u64,
            what,
            offset: self.pos,
        };
        if n > self.left() {
            return Err(truncated);
        }
        let slice = self.bytes.get(self.pos..self.pos + n).ok_or(truncated)?;
        self.pos += n;
        Ok(slice)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        Ok(LE::read_u16(self.take(2, what)?))
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        Ok(LE::read_u32(self.take(4, what)?))
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        Ok(LE::read_u64(self.take(8, what)?))
    }

    fn bool(&mut self, what: &'static str) -> Result<bool, DecodeError> {
        let at = self.pos;
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            value => Err(DecodeError::BadBool {
                what,
                value,
                offset: at,
            }),
        }
    }

    /// Reads a `u32` count of `t`'s entries and bounds it.
    fn count(&mut self, t: &Table) -> Result<usize, DecodeError> {
        let at = self.pos;
        let count = self.u32(t.field)?;
        self.check_count(count, t, at)
    }

    /// Checks `count` (read at `at`) against `t`'s limit, then against the
    /// bytes left at `t`'s minimum entry size.
    fn check_count(&self, count: u32, t: &Table, at: usize) -> Result<usize, DecodeError> {
        if let Some(limit) = t.limit.filter(|&l| count > l) {
            return Err(DecodeError::TooMany {
                what: t.plural,
                count,
                limit,
            });
        }
        if u64::from(count) * t.min_size as u64 > self.left() as u64 {
            return Err(DecodeError::CountExceedsInput {
                count,
                left: self.left(),
                what: t.plural,
                min_size: t.min_size,
                offset: at,
            });
        }
        Ok(count as usize)
    }

    /// A counted table; capacity is reserved only after the count is
    /// bounded by the bytes left.
    fn table<T>(
        &mut self,
        t: &Table,
        mut entry: impl FnMut(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.count(t)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(entry(self)?);
        }
        Ok(out)
    }

    /// A counted table of `u16` indexes, each named `what`.
    fn indexes(&mut self, t: &Table, what: &'static str) -> Result<Vec<u16>, DecodeError> {
        self.table(t, |c| c.u16(what))
    }

    /// A `u32` length, then that many bytes.
    fn byte_string(&mut self, t: &Table) -> Result<&'a [u8], DecodeError> {
        let n = self.count(t)?;
        self.take(n, t.field)
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let bytes = self.byte_string(&STRING)?;
        let start = self.pos - bytes.len();
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(DecodeError::InvalidUtf8 {
                offset: start + e.valid_up_to(),
            }),
        }
    }
}
