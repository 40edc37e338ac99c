//! Class-file reader and writer: round trips, determinism, the constant-pool
//! builder, and a negative corpus with one case per reader rule of
//! `spec/classfile.md`, each asserting its exact message.

use cairn_vm::classfile::*;

// ---------------------------------------------------------------------------
// Models

fn s(text: &str) -> Constant {
    Constant::Str(text.into())
}

fn func(name: u16, kind: FunctionKind) -> Function {
    Function {
        name,
        kind,
        n_params: 0,
        n_defaults: 0,
        has_rest: false,
        n_locals: 1,
        max_stack: 1,
        upvalues: vec![],
        code: vec![0x03, 0x63],
        handlers: vec![],
        lines: vec![(0, 1)],
        local_names: vec![],
    }
}

/// The smallest useful file: two names and one function.
fn tiny() -> ClassFile {
    ClassFile {
        major: MAJOR,
        minor: MINOR,
        name: 0,
        source: 1,
        constants: vec![s("m"), s("m.cairn")],
        imports: vec![],
        globals: vec![],
        classes: vec![],
        functions: vec![func(0, FunctionKind::Module)],
        main: 0,
    }
}

const NAN_BITS: u64 = 0x7FF8_0000_0000_1234;

/// Every field of every table populated, with extreme values. The constants
/// end with an Int, the classes with a field initializer and the functions
/// with a local name, which the truncation cases rely on.
fn sample() -> ClassFile {
    let constants = vec![
        s("geometry"),
        s("examples/géométrie/geometry.cairn"),
        s(""),
        s("área ∑ 🦀 \u{0} null inside \u{10FFFF}"),
        Constant::Int(i64::MIN),
        Constant::Int(i64::MAX),
        Constant::Float(f64::from_bits(NAN_BITS)),
        Constant::Float(-0.0),
        Constant::Float(f64::INFINITY),
        s("Shape"),
        s("Circle"),
        s("area"),
        s("init"),
        s("radius"),
        s("count"),
        s("math"),
        s("./util"),
        s("<module>"),
        s("x"),
        Constant::Int(-1),
    ];
    let classes = vec![
        Class {
            name: 9,
            superclass: Superclass::Object,
            fields: vec![],
            static_fields: vec![14],
            methods: vec![Method {
                name: 11,
                func: 1,
                is_static: false,
            }],
            field_init: None,
        },
        Class {
            name: 10,
            superclass: Superclass::Class(0),
            fields: vec![13, 18],
            static_fields: vec![],
            methods: vec![
                Method {
                    name: 12,
                    func: 2,
                    is_static: false,
                },
                Method {
                    name: 11,
                    func: 3,
                    is_static: true,
                },
            ],
            field_init: Some(4),
        },
        Class {
            name: 18,
            superclass: Superclass::Builtin(u16::MAX),
            fields: vec![],
            static_fields: vec![],
            methods: vec![],
            field_init: None,
        },
        Class {
            name: 18,
            superclass: Superclass::Dynamic,
            fields: vec![18],
            static_fields: vec![18, 14],
            methods: vec![],
            field_init: Some(4),
        },
    ];
    let mut main = func(17, FunctionKind::Module);
    main.max_stack = u16::MAX;
    main.code = (0..=255).collect();
    main.handlers = vec![Handler {
        start: 0,
        end: 4,
        handler: 6,
        depth: 1,
    }];
    main.lines = vec![(0, 1), (3, u32::MAX)];
    let mut init = func(12, FunctionKind::Initializer);
    init.n_params = u8::MAX;
    init.n_defaults = 254;
    init.has_rest = true;
    init.n_locals = u16::MAX;
    let mut area = func(11, FunctionKind::Static);
    area.upvalues = vec![
        Upvalue::Local(0),
        Upvalue::Outer(u16::MAX),
        Upvalue::LocalValue(3),
        Upvalue::OuterValue(u16::MAX),
    ];
    let mut lambda = func(2, FunctionKind::Function);
    lambda.upvalues = vec![Upvalue::Outer(7), Upvalue::LocalValue(0)];
    lambda.code = vec![];
    lambda.handlers = vec![Handler {
        start: u32::MAX,
        end: 0,
        handler: u32::MAX,
        depth: u16::MAX,
    }];
    lambda.lines = vec![];
    lambda.local_names = vec![
        LocalName {
            slot: 0,
            name: 18,
            start: 0,
            end: 2,
        },
        LocalName {
            slot: u16::MAX,
            name: 3,
            start: 1,
            end: u32::MAX,
        },
    ];
    ClassFile {
        major: MAJOR,
        minor: MINOR,
        name: 0,
        source: 1,
        constants,
        imports: vec![
            Import {
                kind: ImportKind::Std,
                spec: 15,
            },
            Import {
                kind: ImportKind::Path,
                spec: 16,
            },
        ],
        globals: vec![9, 10, 18],
        classes,
        functions: vec![
            main,
            func(11, FunctionKind::Method),
            init,
            area,
            func(17, FunctionKind::FieldInit),
            lambda,
        ],
        main: 0,
    }
}

/// Models compare with constants by bits, so NaN equals itself.
fn assert_same(a: &ClassFile, b: &ClassFile) {
    let keys = |cf: &ClassFile| -> Vec<String> {
        cf.constants
            .iter()
            .map(|c| format!("{:?}", c.key()))
            .collect()
    };
    assert_eq!(keys(a), keys(b));
    let strip = |cf: &ClassFile| ClassFile {
        constants: vec![],
        ..cf.clone()
    };
    assert_eq!(strip(a), strip(b));
}

fn round_trip(cf: &ClassFile) {
    let bytes = write(cf);
    let back = read(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_same(cf, &back);
    assert_eq!(write(&back), bytes, "re-encoding changed the bytes");
}

// ---------------------------------------------------------------------------
// Raw files: split into sections, patch, reassemble with a fresh checksum.

const CONSTANTS: u8 = 0x01;
const MODULE: u8 = 0x02;
const IMPORTS: u8 = 0x03;
const GLOBALS: u8 = 0x04;
const CLASSES: u8 = 0x05;
const FUNCTIONS: u8 = 0x06;

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Appends the CRC-32 of `content`.
fn with_crc(mut content: Vec<u8>) -> Vec<u8> {
    let crc = crc32(&content);
    content.extend_from_slice(&crc.to_le_bytes());
    content
}

/// Drops the checksum, applies `patch`, then appends a fresh checksum.
fn patched(bytes: &[u8], patch: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut content = bytes[..bytes.len() - 4].to_vec();
    patch(&mut content);
    with_crc(content)
}

#[derive(Clone)]
struct Raw {
    major: u16,
    minor: u16,
    /// Written as the section count instead of `sections.len()`.
    count: Option<u16>,
    sections: Vec<(u8, Vec<u8>)>,
    /// Bytes after the last section, before the checksum.
    trailer: Vec<u8>,
}

impl Raw {
    fn of(cf: &ClassFile) -> Raw {
        let b = write(cf);
        let mut sections = vec![];
        let mut at = 14;
        for _ in 0..le16(&b, 12) {
            let len = le32(&b, at + 1) as usize;
            sections.push((b[at], b[at + 5..at + 5 + len].to_vec()));
            at += 5 + len;
        }
        assert_eq!(at + 4, b.len());
        Raw {
            major: le16(&b, 8),
            minor: le16(&b, 10),
            count: None,
            sections,
            trailer: vec![],
        }
    }

    fn content(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&self.major.to_le_bytes());
        out.extend_from_slice(&self.minor.to_le_bytes());
        let count = self.count.unwrap_or(self.sections.len() as u16);
        out.extend_from_slice(&count.to_le_bytes());
        for (tag, payload) in &self.sections {
            out.push(*tag);
            out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            out.extend_from_slice(payload);
        }
        out.extend_from_slice(&self.trailer);
        out
    }

    fn build(&self) -> Vec<u8> {
        with_crc(self.content())
    }

    /// The file offset of the payload of the section tagged `tag`.
    fn offset(&self, tag: u8) -> usize {
        let mut at = 14;
        for (t, payload) in &self.sections {
            if *t == tag {
                return at + 5;
            }
            at += 5 + payload.len();
        }
        panic!("no section {tag:#04x}")
    }

    fn end(&self, tag: u8) -> usize {
        self.offset(tag) + self.payload(tag).len()
    }

    fn payload(&self, tag: u8) -> &Vec<u8> {
        &self.sections.iter().find(|(t, _)| *t == tag).unwrap().1
    }

    fn payload_mut(&mut self, tag: u8) -> &mut Vec<u8> {
        &mut self.sections.iter_mut().find(|(t, _)| *t == tag).unwrap().1
    }

    fn with(mut self, f: impl FnOnce(&mut Raw)) -> Raw {
        f(&mut self);
        self
    }
}

/// The offset of the only occurrence of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> usize {
    let hits: Vec<usize> = (0..=hay.len() - needle.len())
        .filter(|&i| &hay[i..i + needle.len()] == needle)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "needle {needle:?} found {} times",
        hits.len()
    );
    hits[0]
}

/// In a file written from `tiny()` plus extra tables, the offset of the
/// first function's fields: payload start + 4 (count).
fn first_function(raw: &Raw) -> usize {
    raw.offset(FUNCTIONS) + 4
}

// ---------------------------------------------------------------------------
// Round trips and determinism

#[test]
fn sample_round_trips() {
    round_trip(&sample());
}

#[test]
fn tiny_round_trips() {
    round_trip(&tiny());
}

#[test]
fn empty_tables_round_trip() {
    let mut cf = tiny();
    cf.functions[0].code.clear();
    cf.functions[0].lines.clear();
    round_trip(&cf);
    let mut cf = tiny();
    cf.constants = vec![s("")];
    cf.source = 0;
    round_trip(&cf);
}

#[test]
fn floats_keep_their_bits() {
    let bits = [
        NAN_BITS,
        f64::NAN.to_bits(),
        (-f64::NAN).to_bits(),
        0x7FF0_0000_0000_0001, // a signalling NaN
        (-0.0f64).to_bits(),
        0.0f64.to_bits(),
        f64::NEG_INFINITY.to_bits(),
        f64::MIN_POSITIVE.to_bits(),
        1, // the smallest subnormal
    ];
    let mut cf = tiny();
    cf.constants
        .extend(bits.iter().map(|&b| Constant::Float(f64::from_bits(b))));
    let back = read(&write(&cf)).unwrap();
    for (i, &b) in bits.iter().enumerate() {
        match &back.constants[i + 2] {
            Constant::Float(v) => assert_eq!(v.to_bits(), b, "float {i}"),
            other => panic!("constant {i} is {other:?}"),
        }
    }
}

#[test]
fn extreme_ints_and_unicode_round_trip() {
    let mut cf = tiny();
    cf.constants.extend([
        Constant::Int(i64::MIN),
        Constant::Int(i64::MAX),
        Constant::Int(0),
        s("日本語 — ελληνικά — עברית — 👩‍👩‍👧"),
        s(&"x".repeat(100_000)),
    ]);
    cf.name = 5;
    round_trip(&cf);
}

#[test]
fn writing_is_deterministic() {
    let a = write(&sample());
    let b = write(&sample().clone());
    assert_eq!(a, b);
    assert_eq!(write(&read(&a).unwrap()), a);
}

#[test]
fn sections_come_in_tag_order() {
    let raw = Raw::of(&sample());
    let tags: Vec<u8> = raw.sections.iter().map(|(t, _)| *t).collect();
    assert_eq!(tags, [1, 2, 3, 4, 5, 6]);
}

#[test]
fn tiny_file_layout_is_as_specified() {
    // The worked example in spec/classfile.md.
    let bytes = write(&tiny());
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex.join(" "),
        "ca 49 52 4e 0d 0a 1a 0a 02 00 00 00 06 00 \
         01 16 00 00 00 02 00 00 00 02 01 00 00 00 6d 02 07 00 00 00 6d 2e 63 61 69 72 6e \
         02 06 00 00 00 00 00 01 00 00 00 \
         03 04 00 00 00 00 00 00 00 \
         04 04 00 00 00 00 00 00 00 \
         05 04 00 00 00 00 00 00 00 \
         06 2c 00 00 00 01 00 00 00 00 00 00 00 00 00 01 00 01 00 00 00 00 00 02 00 00 00 03 63 \
         00 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 \
         51 6d 31 be"
    );
}

#[test]
fn sections_in_any_order_load() {
    let mut raw = Raw::of(&sample());
    raw.sections.reverse();
    assert_same(&read(&raw.build()).unwrap(), &sample());
}

#[test]
fn unknown_optional_sections_and_newer_minor_load() {
    let mut raw = Raw::of(&sample());
    raw.minor = 7;
    raw.sections.insert(0, (0x80, vec![]));
    raw.sections
        .insert(3, (0xC3, b"future debug info \xFF\x00".to_vec()));
    raw.sections.push((0xFF, vec![0xAB; 1000]));
    let back = read(&raw.build()).unwrap();
    let mut expected = sample();
    expected.minor = 7;
    assert_same(&back, &expected);
}

#[test]
fn pool_sized_tables_load_at_the_limit() {
    let mut cf = tiny();
    cf.constants
        .extend((2..MAX_TABLE_LEN as i64).map(Constant::Int));
    assert_eq!(cf.constants.len(), 65_536);
    cf.globals = vec![1; 65_536];
    assert_eq!(read(&write(&cf)).unwrap().constants.len(), 65_536);
    cf.constants.push(Constant::Int(-1));
    assert_eq!(
        read(&write(&cf)).unwrap_err().to_string(),
        "too many constants: 65537 (limit 65536)"
    );
}

// ---------------------------------------------------------------------------
// CRC-32 and the constant pool

#[test]
fn crc32_matches_zlib() {
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"a"), 0xE8B7_BE43);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(
        crc32(b"The quick brown fox jumps over the lazy dog"),
        0x414F_A339
    );
    // The eight-byte loop and the byte loop agree at every split.
    let data: Vec<u8> = (0..100u32).map(|i| (i * 37 + 11) as u8).collect();
    for n in 0..data.len() {
        let mut crc = !0u32;
        for &b in &data[..n] {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        assert_eq!(crc32(&data[..n]), !crc, "length {n}");
    }
}

#[test]
fn pool_deduplicates_by_key() {
    let mut pool = ConstantPool::new();
    assert!(pool.is_empty());
    let a = pool.str("area").unwrap();
    let one = pool.int(1).unwrap();
    let fone = pool.float(1.0).unwrap();
    let zero = pool.float(0.0).unwrap();
    let neg_zero = pool.float(-0.0).unwrap();
    let nan = pool.float(f64::NAN).unwrap();
    assert_eq!((a, one, fone, zero, neg_zero, nan), (0, 1, 2, 3, 4, 5));
    assert_eq!(pool.str("area").unwrap(), a);
    assert_eq!(pool.int(1).unwrap(), one);
    assert_eq!(pool.float(-0.0).unwrap(), neg_zero);
    assert_eq!(pool.float(f64::NAN).unwrap(), nan);
    assert_eq!(pool.add(&Constant::Int(1)).unwrap(), one);
    assert_eq!(pool.str("").unwrap(), 6);
    assert_eq!(pool.len(), 7);
    assert_eq!(pool.get(0), Some(&s("area")));
    assert_eq!(pool.get(7), None);
    let v = pool.into_vec();
    assert_eq!(v[1], Constant::Int(1));
    assert!(matches!(v[4], Constant::Float(z) if z.to_bits() == (-0.0f64).to_bits()));
}

#[test]
fn pool_refuses_the_65537th_constant() {
    let mut pool = ConstantPool::new();
    for i in 0..65_536 {
        assert_eq!(pool.int(i).unwrap() as i64, i);
    }
    assert_eq!(pool.int(65_536), Err(PoolFull));
    assert_eq!(pool.str("new"), Err(PoolFull));
    assert_eq!(
        pool.int(65_535),
        Ok(65_535),
        "existing constants still resolve"
    );
    assert_eq!(
        PoolFull.to_string(),
        "too many constants: a module holds at most 65536"
    );
    assert_eq!(pool.into_vec().len(), 65_536);
}

// ---------------------------------------------------------------------------
// The negative corpus

struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    message: String,
}

fn case(name: &'static str, bytes: Vec<u8>, message: impl Into<String>) -> Case {
    Case {
        name,
        bytes,
        message: message.into(),
    }
}

fn header(major: u16, minor: u16) -> Vec<u8> {
    let mut b = MAGIC.to_vec();
    b.extend_from_slice(&major.to_le_bytes());
    b.extend_from_slice(&minor.to_le_bytes());
    b
}

/// A file written from `cf` (which may break index rules: the writer does
/// not check them).
fn written(cf: impl FnOnce(&mut ClassFile)) -> Vec<u8> {
    let mut model = sample();
    cf(&mut model);
    write(&model)
}

fn header_cases() -> Vec<Case> {
    let good = write(&tiny());
    let mut text_mode = good.clone();
    text_mode.remove(4); // "\r\n" became "\n"
    vec![
        case(
            "empty file",
            vec![],
            "truncated: expected 8 bytes for the magic at offset 0",
        ),
        case(
            "magic cut short",
            MAGIC[..5].to_vec(),
            "truncated: expected 8 bytes for the magic at offset 0",
        ),
        case(
            "not a class file",
            b"PK\x03\x04 zip".to_vec(),
            "bad magic: not a Cairn class file",
        ),
        case(
            "magic damaged by text-mode newlines",
            text_mode,
            "bad magic: not a Cairn class file",
        ),
        case(
            "header cut in the major version",
            header(2, 0)[..9].to_vec(),
            "truncated: expected 2 bytes for the major version at offset 8",
        ),
        case(
            "header cut in the minor version",
            header(2, 0)[..11].to_vec(),
            "truncated: expected 2 bytes for the minor version at offset 10",
        ),
        case(
            "newer major version",
            patched(&good, |b| put16(b, 8, 7)),
            "unsupported major version 7 (this VM reads 2)",
        ),
        case(
            "major version 0",
            header(0, 0),
            "unsupported major version 0 (this VM reads 2)",
        ),
        case(
            "no room for the checksum",
            [header(2, 0), vec![1, 2, 3]].concat(),
            "truncated: expected 4 bytes for the checksum at offset 12",
        ),
        case(
            "header and checksum only",
            with_crc(header(2, 3)),
            "truncated: expected 2 bytes for the section count at offset 12",
        ),
    ]
}

fn checksum_cases() -> Vec<Case> {
    let good = write(&sample());
    let n = good.len();
    let stored = le32(&good, n - 4);
    let mut flipped = good.clone();
    flipped[100] ^= 0x10;
    let computed = crc32(&flipped[..n - 4]);
    let cut = good[..n - 10].to_vec();
    let cut_stored = le32(&cut, cut.len() - 4);
    let cut_computed = crc32(&cut[..cut.len() - 4]);
    let mut bad_crc = good.clone();
    bad_crc[n - 1] ^= 0x80;
    let tiny_bytes = write(&tiny());
    let tn = tiny_bytes.len();
    vec![
        case(
            "a flipped bit",
            flipped,
            format!("checksum mismatch: file says {stored:#010x}, content gives {computed:#010x}"),
        ),
        case(
            "a file cut short (its last 4 bytes read as the checksum)",
            cut,
            format!(
                "checksum mismatch: file says {cut_stored:#010x}, content gives {cut_computed:#010x}"
            ),
        ),
        case(
            "a damaged checksum",
            bad_crc,
            format!(
                "checksum mismatch: file says {:#010x}, content gives {stored:#010x}",
                stored ^ 0x8000_0000
            ),
        ),
        case(
            "checksum of a valid file over a newer major is not reached",
            {
                let mut b = tiny_bytes.clone();
                b[8] = 3;
                b[tn - 1] ^= 1;
                b
            },
            "unsupported major version 3 (this VM reads 2)",
        ),
    ]
}

fn section_table_cases() -> Vec<Case> {
    let raw = Raw::of(&tiny());
    let content_end = raw.content().len();
    let mut cases = vec![
        case(
            "section count larger than the file",
            raw.clone().with(|r| r.count = Some(1000)).build(),
            format!(
                "count 1000 exceeds the {} bytes left (sections of at least 5 bytes each, \
                 count at offset 12)",
                content_end - 14
            ),
        ),
        case(
            "file ends before a section header",
            raw.clone().with(|r| r.count = Some(7)).build(),
            format!("truncated: expected 1 byte for a section tag at offset {content_end}"),
        ),
        case(
            "file ends inside a section length",
            raw.clone()
                .with(|r| {
                    r.count = Some(7);
                    r.trailer = vec![0x90, 1, 0, 0, 0];
                })
                .with(|r| r.trailer.truncate(3))
                .build(),
            format!(
                "truncated: expected 4 bytes for a section length at offset {}",
                content_end + 1
            ),
        ),
        case(
            "section payload runs past the end",
            {
                let mut c = raw.content();
                let at = raw.offset(FUNCTIONS) - 4;
                let len = le32(&c, at);
                put32(&mut c, at, len + 1);
                with_crc(c)
            },
            format!(
                "truncated: expected {} bytes for the functions section at offset {}",
                raw.payload(FUNCTIONS).len() + 1,
                raw.offset(FUNCTIONS)
            ),
        ),
        case(
            "optional section payload runs past the end",
            raw.clone()
                .with(|r| {
                    r.count = Some(7);
                    r.trailer = vec![0x90, 9, 0, 0, 0, 1, 2];
                })
                .build(),
            format!(
                "truncated: expected 9 bytes for the payload of an unknown section at offset {}",
                content_end + 5
            ),
        ),
        case(
            "bytes after the last section",
            raw.clone().with(|r| r.trailer = vec![0, 0, 0]).build(),
            format!("trailing data: 3 bytes after the last section at offset {content_end}"),
        ),
        case(
            "duplicate required section",
            raw.clone()
                .with(|r| {
                    let globals = r.sections[3].clone();
                    r.sections.push(globals);
                })
                .build(),
            "duplicate section 0x04",
        ),
        case(
            "duplicate optional section",
            raw.clone()
                .with(|r| {
                    r.sections.push((0x9A, vec![]));
                    r.sections.push((0x9A, vec![1]));
                })
                .build(),
            "duplicate section 0x9a",
        ),
        case(
            "unknown required section",
            raw.clone()
                .with(|r| r.sections.insert(2, (0x33, vec![1, 2, 3])))
                .build(),
            "unknown required section 0x33",
        ),
        case(
            "unknown required section 0x00",
            raw.clone()
                .with(|r| r.sections.push((0x00, vec![])))
                .build(),
            "unknown required section 0x00",
        ),
        case(
            "unknown required section 0x7f",
            raw.clone()
                .with(|r| r.sections.push((0x7F, vec![])))
                .build(),
            "unknown required section 0x7f",
        ),
    ];
    for (i, name) in [
        "constants",
        "module",
        "imports",
        "globals",
        "classes",
        "functions",
    ]
    .into_iter()
    .enumerate()
    {
        cases.push(case(
            "missing section",
            raw.clone().with(|r| drop(r.sections.remove(i))).build(),
            format!("missing section: {name}"),
        ));
    }
    cases
}

/// Each section's payload loses its last byte (its length adjusted): a
/// truncation inside each section.
fn payload_truncation_cases() -> Vec<Case> {
    let raw = Raw::of(&sample());
    let cut = |tag: u8| {
        raw.clone()
            .with(|r| {
                r.payload_mut(tag).pop();
            })
            .build()
    };
    let end = |tag: u8| raw.end(tag);
    let at = |tag: u8| raw.offset(tag);
    // Every table in a function has fixed-size entries, so cutting the
    // section's last byte breaks a count; cut the last function's header.
    let mut alone = tiny();
    alone.functions = vec![sample().functions.pop().unwrap()];
    let last_len = Raw::of(&alone).payload(FUNCTIONS).len() - 4;
    let last_function = raw.payload(FUNCTIONS).len() - last_len;
    vec![
        case(
            "constants section cut in its last Int",
            cut(CONSTANTS),
            format!(
                "truncated: expected 8 bytes for an Int constant at offset {}",
                end(CONSTANTS) - 8
            ),
        ),
        case(
            "module section cut in the main function",
            cut(MODULE),
            format!(
                "truncated: expected 2 bytes for the main function at offset {}",
                at(MODULE) + 4
            ),
        ),
        case(
            "imports section cut (fixed-size entries: the count no longer fits)",
            cut(IMPORTS),
            format!(
                "count 2 exceeds the 5 bytes left (imports of at least 3 bytes each, \
                 count at offset {})",
                at(IMPORTS)
            ),
        ),
        case(
            "globals section cut (fixed-size entries: the count no longer fits)",
            cut(GLOBALS),
            format!(
                "count 3 exceeds the 5 bytes left (globals of at least 2 bytes each, \
                 count at offset {})",
                at(GLOBALS)
            ),
        ),
        case(
            "classes section cut in the last field initializer",
            cut(CLASSES),
            format!(
                "truncated: expected 2 bytes for a field_init function at offset {}",
                end(CLASSES) - 2
            ),
        ),
        case(
            "functions section cut in the last function's max_stack",
            raw.clone()
                .with(|r| r.payload_mut(FUNCTIONS).truncate(last_function + 9))
                .build(),
            format!(
                "truncated: expected 2 bytes for max_stack at offset {}",
                at(FUNCTIONS) + last_function + 8
            ),
        ),
        case(
            "a section with bytes left over",
            raw.clone().with(|r| r.payload_mut(MODULE).push(0)).build(),
            format!(
                "section 0x02 (module) has 1 unread byte at offset {}",
                at(MODULE) + 6
            ),
        ),
        case(
            "an empty constants section",
            raw.clone()
                .with(|r| r.payload_mut(CONSTANTS).clear())
                .build(),
            format!(
                "truncated: expected 4 bytes for the constant count at offset {}",
                at(CONSTANTS)
            ),
        ),
    ]
}

/// Counts past their limit or past the bytes left, in a file written from
/// `tiny()` (one function, two constants "m" and "m.cairn").
fn count_cases() -> Vec<Case> {
    let raw = Raw::of(&tiny());
    let k = raw.offset(CONSTANTS);
    let f = first_function(&raw);
    let set_u32 = |at: usize, v: u32| patched(&raw.build(), |b| put32(b, at, v));
    let constants_left = raw.payload(CONSTANTS).len() - 4;
    let functions_left = raw.payload(FUNCTIONS).len() - 4;
    // In the only function: upvalue count at f+10, code length at f+14.
    let code_left = raw.end(FUNCTIONS) - (f + 18);
    vec![
        case(
            "too many constants",
            set_u32(k, 70_000),
            "too many constants: 70000 (limit 65536)",
        ),
        case(
            "constant count past the bytes left",
            set_u32(k, 60_000),
            format!(
                "count 60000 exceeds the {constants_left} bytes left (constants of at least \
                 5 bytes each, count at offset {k})"
            ),
        ),
        case(
            "too many functions",
            set_u32(raw.offset(FUNCTIONS), 70_000),
            "too many functions: 70000 (limit 65536)",
        ),
        case(
            "function count past the bytes left",
            set_u32(raw.offset(FUNCTIONS), 2),
            format!(
                "count 2 exceeds the {functions_left} bytes left (functions of at least \
                 30 bytes each, count at offset {})",
                raw.offset(FUNCTIONS)
            ),
        ),
        case(
            "too many upvalues",
            set_u32(f + 10, 70_000),
            "too many upvalues: 70000 (limit 65536)",
        ),
        case(
            "code length past the bytes left",
            set_u32(f + 14, 1_000_000),
            format!(
                "count 1000000 exceeds the {code_left} bytes left (code bytes of at least \
                 1 byte each, count at offset {})",
                f + 14
            ),
        ),
        case(
            "handler count past the bytes left",
            set_u32(f + 20, u32::MAX),
            format!(
                "count 4294967295 exceeds the {} bytes left (handlers of at least 14 bytes \
                 each, count at offset {})",
                code_left - 6,
                f + 20
            ),
        ),
        case(
            "string length past the bytes left",
            set_u32(k + 5, 1_000),
            format!(
                "count 1000 exceeds the {} bytes left (string bytes of at least 1 byte each, \
                 count at offset {})",
                constants_left - 5,
                k + 5
            ),
        ),
        case(
            "too many classes",
            set_u32(raw.offset(CLASSES), 65_537),
            "too many classes: 65537 (limit 65536)",
        ),
    ]
}

/// Bad UTF-8, enum tags and booleans, patched into written files.
fn encoding_cases() -> Vec<Case> {
    let mut cf = tiny();
    cf.constants.push(s("fo\u{e9}o"));
    cf.classes.push(Class {
        name: 0,
        superclass: Superclass::Object,
        fields: vec![],
        static_fields: vec![],
        methods: vec![Method {
            name: 0,
            func: 0,
            is_static: true,
        }],
        field_init: None,
    });
    cf.imports.push(Import {
        kind: ImportKind::Path,
        spec: 1,
    });
    cf.functions[0].upvalues.push(Upvalue::Outer(3));
    let raw = Raw::of(&cf);
    let bytes = raw.build();
    let e9 = find(&bytes, "fo\u{e9}o".as_bytes()) + 2; // the 0xC3 0xA9 pair
    let f = first_function(&raw);
    let c = raw.offset(CLASSES) + 4;
    let i = raw.offset(IMPORTS) + 4;
    let set = |at: usize, v: u8| patched(&bytes, |b| b[at] = v);
    let set2 = |at: usize, v: [u8; 2]| patched(&bytes, |b| b[at..at + 2].copy_from_slice(&v));
    vec![
        case(
            "invalid UTF-8: a lone continuation byte",
            set(e9, 0xA9),
            format!("invalid UTF-8 in string at offset {e9}"),
        ),
        case(
            "invalid UTF-8: an overlong encoding",
            set2(e9, [0xC0, 0xA9]),
            format!("invalid UTF-8 in string at offset {e9}"),
        ),
        case(
            "invalid UTF-8: a sequence cut by the string's end",
            patched(&bytes, |b| {
                b[e9..e9 + 3].copy_from_slice(&[b'x', 0xE2, 0x82])
            }),
            format!("invalid UTF-8 in string at offset {}", e9 + 1),
        ),
        case(
            "invalid UTF-8: 0xFF",
            set(e9 - 1, 0xFF),
            format!("invalid UTF-8 in string at offset {}", e9 - 1),
        ),
        case(
            "bad constant tag",
            set(raw.offset(CONSTANTS) + 4, 7),
            format!(
                "invalid constant tag 7 at offset {}",
                raw.offset(CONSTANTS) + 4
            ),
        ),
        case(
            "bad import kind",
            set(i, 2),
            format!("invalid import kind 2 at offset {i}"),
        ),
        case(
            "bad superclass tag",
            set(c + 2, 4),
            format!("invalid superclass tag 4 at offset {}", c + 2),
        ),
        case(
            "bad function kind",
            set(f + 2, 6),
            format!("invalid function kind 6 at offset {}", f + 2),
        ),
        case(
            "bad upvalue tag",
            set(f + 14, 4),
            format!("invalid upvalue tag 4 at offset {}", f + 14),
        ),
        case(
            "has_rest not 0 or 1",
            set(f + 5, 2),
            format!("invalid boolean 2 for has_rest at offset {}", f + 5),
        ),
        // Class: name 2, superclass tag 1, field count 4, static count 4,
        // method count 4, then the method: name 2, func 2, is_static 1.
        case(
            "is_static not 0 or 1",
            set(c + 19, 255),
            format!("invalid boolean 255 for is_static at offset {}", c + 19),
        ),
        case(
            "field_init flag not 0 or 1",
            set(c + 20, 2),
            format!(
                "invalid boolean 2 for the field_init flag at offset {}",
                c + 20
            ),
        ),
    ]
}

/// Index errors, written straight from models that break them.
fn index_cases() -> Vec<Case> {
    let n = sample().constants.len();
    let oor = |i: u16, what: &str| format!("constant {i} out of range (pool has {n}) for {what}");
    vec![
        case(
            "module name out of range",
            written(|cf| cf.name = 20),
            oor(20, "module name"),
        ),
        case(
            "module source is a Float",
            written(|cf| cf.source = 7),
            "constant 7 is a Float, expected a String (module source)",
        ),
        case(
            "main function out of range",
            written(|cf| cf.main = 6),
            "function 6 out of range (file has 6) for main",
        ),
        case(
            "import spec out of range",
            written(|cf| cf.imports[1].spec = u16::MAX),
            oor(u16::MAX, "spec of import 1"),
        ),
        case(
            "global name is an Int",
            written(|cf| cf.globals[2] = 4),
            "constant 4 is an Int, expected a String (global 2)",
        ),
        case(
            "class name out of range",
            written(|cf| cf.classes[3].name = 100),
            oor(100, "name of class 3"),
        ),
        case(
            "superclass class index out of range",
            written(|cf| cf.classes[1].superclass = Superclass::Class(4)),
            "class 4 out of range (file has 4) for superclass of class 1",
        ),
        case(
            "field name is a Float",
            written(|cf| cf.classes[1].fields[1] = 8),
            "constant 8 is a Float, expected a String (field 1 of class 1)",
        ),
        case(
            "static field name out of range",
            written(|cf| cf.classes[3].static_fields[1] = 20),
            oor(20, "static field 1 of class 3"),
        ),
        case(
            "method selector is an Int",
            written(|cf| cf.classes[0].methods[0].name = 19),
            "constant 19 is an Int, expected a String (selector of method 0 of class 0)",
        ),
        case(
            "method function out of range",
            written(|cf| cf.classes[1].methods[1].func = 77),
            "function 77 out of range (file has 6) for method 1 of class 1",
        ),
        case(
            "field_init function out of range",
            written(|cf| cf.classes[3].field_init = Some(6)),
            "function 6 out of range (file has 6) for field_init of class 3",
        ),
        case(
            "function name out of range",
            written(|cf| cf.functions[4].name = 12_345),
            oor(12_345, "name of function 4"),
        ),
        case(
            "function name is a Float",
            written(|cf| cf.functions[3].name = 6),
            "constant 6 is a Float, expected a String (name of function 3)",
        ),
        case(
            "local name out of range",
            written(|cf| cf.functions[5].local_names[1].name = 20),
            oor(20, "local name 1 of function 5"),
        ),
        case(
            "an empty pool",
            written(|cf| cf.constants.clear()),
            "constant 0 out of range (pool has 0) for module name",
        ),
    ]
}

#[test]
fn negative_corpus() {
    let cases: Vec<Case> = [
        header_cases(),
        checksum_cases(),
        section_table_cases(),
        payload_truncation_cases(),
        count_cases(),
        encoding_cases(),
        index_cases(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(cases.len() >= 25, "only {} cases", cases.len());
    let mut failures = vec![];
    for c in &cases {
        match read(&c.bytes) {
            Ok(_) => failures.push(format!("{}: loaded", c.name)),
            Err(e) if e.to_string() != c.message => failures.push(format!(
                "{}:\n    got      {e}\n    expected {}",
                c.name, c.message
            )),
            Err(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn errors_carry_their_fields() {
    let mut raw = Raw::of(&tiny());
    raw.sections.push((0x33, vec![]));
    assert_eq!(
        read(&raw.build()),
        Err(DecodeError::UnknownSection { tag: 0x33 })
    );
    assert_eq!(read(b"hello world"), Err(DecodeError::BadMagic));
    let mut b = write(&tiny());
    b[8] = 9;
    assert_eq!(
        read(&b),
        Err(DecodeError::UnsupportedMajor {
            found: 9,
            supported: 2
        })
    );
}
