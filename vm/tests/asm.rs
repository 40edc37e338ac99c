//! The textual form (`.casm`): `assemble(disassemble(cf))` gives back `cf`
//! for hand-built models covering every table, constant kind, opcode,
//! operand kind and superclass, for invalid code and for random models;
//! hand-written text assembles as the spec says; malformed text fails with a
//! line number and a specific message; and no input makes the assembler
//! panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use cairn_vm::asm::{assemble, disassemble, AsmError};
use cairn_vm::classfile::*;
use cairn_vm::isa::{write_operand, Op, OperandKind, BUILTIN_COUNT, OPS};
use cairn_vm::verify::verify;

// ---------------------------------------------------------------------------
// Building models

fn function(kind: FunctionKind, code: Vec<u8>) -> Function {
    Function {
        name: 0,
        kind,
        n_params: 0,
        n_defaults: 0,
        has_rest: false,
        n_locals: 1,
        max_stack: 1,
        upvalues: vec![],
        code,
        handlers: vec![],
        lines: vec![],
        local_names: vec![],
    }
}

fn module(constants: Vec<Constant>, functions: Vec<Function>) -> ClassFile {
    ClassFile {
        major: MAJOR,
        minor: MINOR,
        name: 0,
        source: 1,
        constants,
        imports: vec![],
        globals: vec![],
        classes: vec![],
        functions,
        main: 0,
    }
}

fn strs(names: &[&str]) -> Vec<Constant> {
    names.iter().map(|s| Constant::Str((*s).into())).collect()
}

/// Encodes one instruction with the given operand values.
fn insn(code: &mut Vec<u8>, op: Op, values: &[u32]) {
    code.push(op as u8);
    for (&kind, &v) in op.operands().iter().zip(values) {
        write_operand(code, kind, v);
    }
}

/// Disassembles, assembles, and checks the model came back exactly: equal
/// bytes (which compare floats by bits), an equal model when no NaN makes
/// `==` useless, and the same text again.
#[track_caller]
fn round_trip(cf: &ClassFile) -> String {
    let text = disassemble(cf);
    let back = match assemble(&text) {
        Ok(back) => back,
        Err(e) => panic!("{e}\n--- text ---\n{}", numbered(&text)),
    };
    assert_eq!(write(&back), write(cf), "bytes differ\n{text}");
    let has_nan = cf
        .constants
        .iter()
        .any(|c| matches!(c, Constant::Float(v) if v.is_nan()));
    if !has_nan {
        assert_eq!(&back, cf, "models differ\n{text}");
    }
    assert_eq!(disassemble(&back), text, "disassembly is not stable");
    text
}

fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| format!("{:4} {l}\n", i + 1))
        .collect()
}

// ---------------------------------------------------------------------------
// Round trips of hand-built models

#[test]
fn empty_tables() {
    let cf = module(vec![], vec![]);
    let text = round_trip(&cf);
    assert!(text.contains(".module 0"), "{text}");
    assert!(text.contains("no such constant"), "{text}");
    // A function with no code, no fields set, and a class with nothing.
    let mut cf = module(vec![], vec![function(FunctionKind::Module, vec![])]);
    cf.functions[0].n_locals = 0;
    cf.functions[0].max_stack = 0;
    cf.classes.push(Class {
        name: 0,
        superclass: Superclass::Object,
        fields: vec![],
        static_fields: vec![],
        methods: vec![],
        field_init: None,
    });
    round_trip(&cf);
}

#[test]
fn header_values() {
    let mut cf = module(strs(&["m", "m.cairn"]), vec![]);
    (cf.major, cf.minor, cf.name, cf.source, cf.main) = (7, 300, 65535, 40000, 12);
    let text = round_trip(&cf);
    assert!(text.contains(".version 7.300"), "{text}");
    assert!(text.contains(".main 12"), "{text}");
}

#[test]
fn every_constant_kind() {
    let floats = [
        0.0,
        -0.0,
        1.5,
        0.1,
        -2.5e-300,
        1e300,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        5e-324,
        f64::EPSILON,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001),
        f64::from_bits(0xfff8_dead_beef_0001),
        123_456_789.123_456_79,
    ];
    let strings = [
        "",
        "plain",
        "with \"quotes\" and 'apostrophes'",
        "back\\slash \\n not a newline",
        "new\nline\r\ttab\0nul",
        "\u{1}\u{7f}\u{9b} controls",
        "; not a comment // nor this",
        "héllo wörld, 日本語, emoji 😀",
        "\u{301}combining first",
        "zero\u{200b}width, bidi \u{202e}, bom \u{feff}, sep \u{2028}",
        "  leading and trailing spaces  ",
        "\"",
        "\\",
    ];
    let mut constants = vec![
        Constant::Int(0),
        Constant::Int(-1),
        Constant::Int(i64::MIN),
        Constant::Int(i64::MAX),
        Constant::Int(65536),
    ];
    constants.extend(floats.iter().map(|&f| Constant::Float(f)));
    constants.extend(strings.iter().map(|&s| Constant::Str(s.into())));
    let cf = module(constants, vec![]);
    let text = round_trip(&cf);
    assert!(text.contains("float -0.0\n"), "{text}");
    assert!(text.contains("float nan\n"), "{text}");
    assert!(text.contains("float bits 0xfff8deadbeef0001\n"), "{text}");
    assert!(text.contains("int -9223372036854775808\n"), "{text}");
    assert!(text.contains(r#"str "new\nline\r\ttab\0nul""#), "{text}");
    // Every constant is exactly one line, whatever its content.
    assert_eq!(text.lines().filter(|l| l.starts_with(".const")).count(), 36);
}

#[test]
fn imports_globals_and_classes() {
    let mut cf = module(
        strs(&["m", "m.cairn", "math", "./lib/geo", "x", "Shape"]),
        vec![],
    );
    cf.imports = vec![
        Import {
            kind: ImportKind::Std,
            spec: 2,
        },
        Import {
            kind: ImportKind::Path,
            spec: 3,
        },
        Import {
            kind: ImportKind::Path,
            spec: 999,
        },
    ];
    cf.globals = vec![4, 5, 4, 7777];
    let supers = [
        Superclass::Object,
        Superclass::Builtin(17),
        Superclass::Builtin(65535),
        Superclass::Class(0),
        Superclass::Class(12),
        Superclass::Dynamic,
    ];
    for (i, superclass) in supers.into_iter().enumerate() {
        cf.classes.push(Class {
            name: 5,
            superclass,
            fields: vec![4, 5, 4],
            static_fields: if i % 2 == 0 { vec![] } else { vec![4, 300] },
            methods: vec![
                Method {
                    name: 4,
                    func: 0,
                    is_static: false,
                },
                Method {
                    name: 5,
                    func: 3,
                    is_static: true,
                },
                Method {
                    name: 4,
                    func: 9,
                    is_static: false,
                },
            ],
            field_init: if i % 3 == 0 { None } else { Some(i as u16) },
        });
    }
    let text = round_trip(&cf);
    assert!(text.contains("super builtin 17"), "{text}");
    assert!(text.contains("; Error"), "{text}");
    assert!(text.contains("super dynamic"), "{text}");
    assert!(text.contains("static_method 5 fn 3"), "{text}");
}

/// Operand values to try for each kind: small, large and at the limits.
fn values(kind: OperandKind, code_len: u32) -> Vec<u32> {
    match kind {
        OperandKind::Argc => vec![0, 3, 255],
        OperandKind::Imm => vec![0, 1, 0x7fff, 0x8000, 0xffff],
        OperandKind::Target => vec![0, 5, code_len, u32::MAX],
        OperandKind::Builtin => vec![0, BUILTIN_COUNT as u32 - 1, BUILTIN_COUNT as u32, 65535],
        _ => vec![0, 1, 2, 65535],
    }
}

#[test]
fn every_opcode_with_every_operand_value() {
    let mut constants = strs(&["m", "m.cairn", "area"]);
    constants.push(Constant::Float(1.5));
    constants.push(Constant::Int(7));
    let mut code = Vec::new();
    for round in 0..4 {
        for &op in OPS {
            let vals: Vec<u32> = op
                .operands()
                .iter()
                .map(|&k| {
                    let v = values(k, 40);
                    v[round % v.len()]
                })
                .collect();
            insn(&mut code, op, &vals);
        }
    }
    let mut f = function(FunctionKind::Module, code);
    f.local_names = vec![LocalName {
        slot: 1,
        name: 2,
        start: 0,
        end: 100,
    }];
    let mut cf = module(constants, vec![f]);
    cf.globals = vec![2];
    cf.imports = vec![Import {
        kind: ImportKind::Std,
        spec: 2,
    }];
    let text = round_trip(&cf);
    for &op in OPS {
        assert!(text.contains(op.mnemonic()), "{} missing", op.mnemonic());
    }
    assert!(text.contains("INT -32768"), "{text}");
    assert!(text.contains("JUMP_IF_ARG 65535, 4294967295"), "{text}");
    assert!(text.contains("JUMP_IF_ARG 0, L0"), "{text}");
    assert!(
        text.contains("LOAD_BUILTIN 0") && text.contains("; print"),
        "{text}"
    );
    assert!(
        text.contains("GET_FIELD 2") && text.contains("; \"area\""),
        "{text}"
    );
    assert!(text.contains("CONST 2"), "{text}");
}

#[test]
fn upvalues_handlers_lines_and_local_names() {
    let mut code = Vec::new();
    insn(&mut code, Op::Nil, &[]); // 0
    insn(&mut code, Op::LoadLocal, &[1]); // 1
    insn(&mut code, Op::JumpIfFalse, &[12]); // 4
    insn(&mut code, Op::Pop, &[]); // 9
    insn(&mut code, Op::Nil, &[]); // 10
    insn(&mut code, Op::Return, &[]); // 11
    insn(&mut code, Op::Throw, &[]); // 12
    let mut f = function(FunctionKind::Method, code);
    f.n_params = 3;
    f.n_defaults = 1;
    f.has_rest = true;
    f.n_locals = 300;
    f.max_stack = 65535;
    f.upvalues = vec![
        Upvalue::Local(1),
        Upvalue::Outer(0),
        Upvalue::Local(65535),
        Upvalue::LocalValue(2),
        Upvalue::OuterValue(65535),
    ];
    f.handlers = vec![
        Handler {
            start: 1,
            end: 10,
            handler: 12,
            depth: 0,
        },
        Handler {
            start: 2,
            end: 13,
            handler: 999,
            depth: 65535,
        },
    ];
    f.lines = vec![(0, 1), (1, 1), (1, 2), (13, 70000)];
    f.local_names = vec![
        LocalName {
            slot: 1,
            name: 2,
            start: 4,
            end: 13,
        },
        LocalName {
            slot: 7,
            name: 40,
            start: 3,
            end: 1,
        },
    ];
    let cf = module(strs(&["m", "m.cairn", "x"]), vec![f]);
    let text = round_trip(&cf);
    assert!(text.contains("handler L1..L10 -> L12 depth 0"), "{text}");
    assert!(text.contains("handler 2..L13 -> 999 depth 65535"), "{text}");
    assert!(text.contains("    line 2\n"), "inline line markers\n{text}");
    assert!(text.contains("local 7 40 3..L1"), "{text}");
    assert!(text.contains("upvalue outer 0"), "{text}");
    assert!(text.contains("upvalue local 2 value"), "{text}");
    assert!(text.contains("upvalue outer 65535 value"), "{text}");

    // Line tables that cannot be markers: out of order, mid-instruction,
    // past the end.
    let mut cf = cf;
    for lines in [
        vec![(4, 2), (0, 1)],
        vec![(0, 1), (2, 5)],
        vec![(0, 1), (14, 3)],
        vec![(u32::MAX, 0)],
    ] {
        cf.functions[0].lines = lines;
        let text = round_trip(&cf);
        assert!(text.contains(" at "), "explicit line table\n{text}");
    }
}

#[test]
fn raw_bytes_and_bad_targets() {
    // Every unassigned byte as an opcode, then an instruction cut short.
    let mut code: Vec<u8> = (0..=255u8)
        .filter(|b| Op::from_byte(*b).is_none())
        .collect();
    let unknown = code.len();
    insn(&mut code, Op::Jump, &[1]); // into the middle of nothing useful
    insn(&mut code, Op::Jump, &[unknown as u32 + 2]); // mid-instruction
    insn(&mut code, Op::LoadLocal, &[0]);
    code.pop(); // LOAD_LOCAL cut short
    let mut f = function(FunctionKind::Function, code);
    f.lines = vec![(0, 1), (unknown as u32, 2), (unknown as u32 + 11, 3)];
    let cf = module(strs(&["m", "m.cairn"]), vec![f]);
    let text = round_trip(&cf);
    assert!(text.contains("RAW 0xff"), "{text}");
    assert!(text.contains("not an opcode"), "{text}");
    assert!(text.contains("`LOAD_LOCAL` cut short"), "{text}");
    assert!(text.contains(&format!("JUMP {}", unknown + 2)), "{text}");

    // Just one byte, and a truncated wide instruction alone.
    for code in [vec![0x50], vec![0x50, 1, 2], vec![0x61, 0, 0], vec![0xee]] {
        round_trip(&module(vec![], vec![function(FunctionKind::Module, code)]));
    }
}

#[test]
fn every_function_kind() {
    let kinds = [
        FunctionKind::Module,
        FunctionKind::Function,
        FunctionKind::Method,
        FunctionKind::Static,
        FunctionKind::Initializer,
        FunctionKind::FieldInit,
    ];
    let functions = kinds
        .iter()
        .map(|&k| function(k, vec![Op::Nil as u8, Op::Return as u8]))
        .collect();
    let text = round_trip(&module(strs(&["m", "m.cairn"]), functions));
    assert!(text.contains(".function 5 field_init"), "{text}");
}

// ---------------------------------------------------------------------------
// Random models

/// splitmix64: a small, seedable generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn u16(&mut self) -> u16 {
        match self.below(4) {
            0 => u16::MAX,
            1 => self.next() as u16,
            _ => self.below(8) as u16,
        }
    }

    fn u32(&mut self) -> u32 {
        match self.below(4) {
            0 => self.next() as u32,
            _ => self.below(64) as u32,
        }
    }

    fn vec<T>(&mut self, max: usize, mut item: impl FnMut(&mut Rng) -> T) -> Vec<T> {
        let n = self.below(max + 1);
        (0..n).map(|_| item(self)).collect()
    }
}

fn random_constant(rng: &mut Rng) -> Constant {
    match rng.below(3) {
        0 => Constant::Int(rng.next() as i64),
        1 => Constant::Float(f64::from_bits(rng.next())),
        _ => {
            let chars = rng.vec(12, |r| match r.below(4) {
                0 => char::from_u32(r.below(0x11_0000) as u32).unwrap_or('?'),
                1 => ['"', '\\', '\n', ';', '/', ' ', '\0', '\''][r.below(8)],
                _ => char::from(b'a' + r.below(26) as u8),
            });
            Constant::Str(chars.into_iter().collect())
        }
    }
}

/// Code that is mostly instructions, sometimes with random bytes.
fn random_code(rng: &mut Rng) -> Vec<u8> {
    if rng.below(5) == 0 {
        return rng.vec(24, |r| r.next() as u8);
    }
    let mut code = Vec::new();
    for _ in 0..rng.below(20) {
        let op = OPS[rng.below(OPS.len())];
        let vals: Vec<u32> = op
            .operands()
            .iter()
            .map(|&k| match k {
                OperandKind::Argc => rng.below(256) as u32,
                OperandKind::Target => rng.below(code.len() + 12) as u32,
                _ => u32::from(rng.u16()),
            })
            .collect();
        insn(&mut code, op, &vals);
    }
    if rng.below(4) == 0 {
        code.truncate(code.len().saturating_sub(rng.below(4)));
    }
    code
}

fn random_function(rng: &mut Rng) -> Function {
    let code = random_code(rng);
    let len = code.len();
    let pc = |r: &mut Rng| match r.below(3) {
        0 => r.u32(),
        _ => r.below(len + 2) as u32,
    };
    Function {
        name: rng.u16(),
        kind: [
            FunctionKind::Module,
            FunctionKind::Function,
            FunctionKind::Method,
            FunctionKind::Static,
            FunctionKind::Initializer,
            FunctionKind::FieldInit,
        ][rng.below(6)],
        n_params: rng.next() as u8,
        n_defaults: rng.next() as u8,
        has_rest: rng.below(2) == 0,
        n_locals: rng.u16(),
        max_stack: rng.u16(),
        upvalues: rng.vec(3, |r| match r.below(4) {
            0 => Upvalue::Local(r.u16()),
            1 => Upvalue::Outer(r.u16()),
            2 => Upvalue::LocalValue(r.u16()),
            _ => Upvalue::OuterValue(r.u16()),
        }),
        code,
        handlers: rng.vec(3, |r| Handler {
            start: pc(r),
            end: pc(r),
            handler: pc(r),
            depth: r.u16(),
        }),
        lines: {
            let mut lines = rng.vec(5, |r| (pc(r), r.u32()));
            if rng.below(2) == 0 {
                lines.sort();
            }
            lines
        },
        local_names: rng.vec(3, |r| LocalName {
            slot: r.u16(),
            name: r.u16(),
            start: pc(r),
            end: pc(r),
        }),
    }
}

fn random_class(rng: &mut Rng) -> Class {
    Class {
        name: rng.u16(),
        superclass: match rng.below(4) {
            0 => Superclass::Object,
            1 => Superclass::Builtin(rng.u16()),
            2 => Superclass::Class(rng.u16()),
            _ => Superclass::Dynamic,
        },
        fields: rng.vec(3, Rng::u16),
        static_fields: rng.vec(3, Rng::u16),
        methods: rng.vec(3, |r| Method {
            name: r.u16(),
            func: r.u16(),
            is_static: r.below(2) == 0,
        }),
        field_init: (rng.below(2) == 0).then(|| rng.u16()),
    }
}

fn random_model(rng: &mut Rng) -> ClassFile {
    ClassFile {
        major: rng.u16(),
        minor: rng.u16(),
        name: rng.u16(),
        source: rng.u16(),
        constants: rng.vec(8, random_constant),
        imports: rng.vec(3, |r| Import {
            kind: if r.below(2) == 0 {
                ImportKind::Std
            } else {
                ImportKind::Path
            },
            spec: r.u16(),
        }),
        globals: rng.vec(3, Rng::u16),
        classes: rng.vec(3, random_class),
        functions: rng.vec(4, random_function),
        main: rng.u16(),
    }
}

#[test]
fn random_models_round_trip() {
    let mut rng = Rng(0x5eed_ca1f);
    for _ in 0..2000 {
        round_trip(&random_model(&mut rng));
    }
}

// ---------------------------------------------------------------------------
// Hand-written text

#[test]
fn hand_written_program_verifies() {
    let cf = assemble(
        r#"
        // A module that prints 1 + 2 if it is true, with a handler.
        .const 0 str "m"
        .const 1 str "m.casm"
        .const 2 str "<module>"
        .module "m"
        .source "m.casm"
        .function 0 module
            name "<module>"
            n_locals 1, max_stack 3
            line 1
        start:
            LOAD_BUILTIN print
            INT 1, INT 2            ; not two instructions: a syntax error?
        "#,
    );
    // Two instructions on one line is an error: one item per line.
    let err = cf.unwrap_err();
    assert_eq!(err.line, 14);
    assert_eq!(err.message, "`INT` takes 1 operand (imm), found 3");

    let cf = assemble(
        r#"
        .const 0 str "m"
        .const 1 str "m.casm"
        .const 2 str "<module>"
        .module "m"
        .source "m.casm"
        .function 0 module
            name "<module>"
            n_locals 1, max_stack 3
            line 1
        start:
            LOAD_BUILTIN print
            INT 1
            INT 2
            ADD
            TRUE
            JUMP_IF_FALSE skip      // a forward label
            CALL 1
            POP
            line 2
     123    JUMP done               // the leading pc is ignored
        skip: POP
            POP
        done:
            NIL
            RETURN
        end:
            handler start..skip -> end depth 0
        "#,
    )
    .unwrap();
    let f = &cf.functions[0];
    assert_eq!((cf.name, cf.source, f.name), (0, 1, 2));
    assert_eq!(f.lines, [(0, 1), (19, 2)]);
    assert_eq!(f.handlers[0].start, 0);
    assert_eq!(f.handlers[0].end, 24);
    assert_eq!(f.handlers[0].handler, 28);
    // JUMP_IF_FALSE at 11 targets `skip` (24); JUMP at 19 targets `done` (26).
    assert_eq!(&f.code[12..16], &24u32.to_le_bytes());
    assert_eq!(&f.code[20..24], &26u32.to_le_bytes());
    let err = verify(&cf).unwrap_err();
    // The handler target is the end of the code, not an instruction.
    assert_eq!(err.rule.name(), "handler-target", "{err}");
}

#[test]
fn spec_example_fails_verification() {
    let cf = assemble(
        r#"// expect verify error: stack underflow
.const 0 str "m"
.const 1 str "m.casm"
.source 1
.function 0 module
    n_locals 1  max_stack 1
    ADD              // pops 2 from an empty stack
    RETURN
"#,
    )
    .unwrap();
    let err = verify(&cf).unwrap_err();
    assert!(err.to_string().contains("stack underflow"), "{err}");
}

#[test]
fn symbolic_operands() {
    let cf = assemble(
        r#"
        .const 0 int 5
        .const 1 str "x"
        .const 2 str "x"
        .global 0 "x"
        .class 0
            name "x"
            super builtin KeyError
        .function 0 function
            GET_FIELD "x"
            LOAD_BUILTIN IOError
            RAW 0x00, 255 0
            LOAD_LOCAL 0x10
        "#,
    )
    .unwrap();
    assert_eq!(cf.globals, [1]);
    assert_eq!(cf.classes[0].name, 1);
    assert_eq!(cf.classes[0].superclass, Superclass::Builtin(21));
    assert_eq!(
        cf.functions[0].code,
        [0x20, 1, 0, 0x16, 29, 0, 0x00, 0xff, 0x00, 0x10, 0x10, 0]
    );
}

// ---------------------------------------------------------------------------
// Errors

#[track_caller]
fn fails(text: &str, line: usize, message: &str) {
    match assemble(text) {
        Ok(_) => panic!("assembled:\n{text}"),
        Err(e) => assert_eq!(
            e,
            AsmError {
                line,
                message: message.into()
            },
            "{text}"
        ),
    }
}

#[test]
fn malformed_text_is_rejected_with_its_line() {
    let f = ".function 0 module\n";
    fails(
        &format!("{f}    NIL\n    LOAD_LOCL 0\n"),
        3,
        "unknown mnemonic `LOAD_LOCL`",
    );
    fails(
        &format!("{f}    n_params 1\n    n_locals\n"),
        3,
        "expected an integer after `n_locals`, found the end of the line",
    );
    fails(
        &format!("{f}    n_locals 70000\n"),
        2,
        "`n_locals` must be in 0..=65535, found `70000`",
    );
    fails(
        &format!("{f}    max_stack 1\n    max_stack 2\n"),
        3,
        "`max_stack` is given twice (first on line 2)",
    );
    fails(
        &format!("{f}    JUMP nowhere\n    NIL\n"),
        2,
        "undefined label `nowhere`",
    );
    fails(
        &format!("{f}  a:\n  a:\n"),
        3,
        "label `a` is defined twice (first on line 2)",
    );
    fails(
        &format!("{f}    JUMP_IF_ARG 1\n"),
        2,
        "`JUMP_IF_ARG` takes 2 operands (local, target), found 1",
    );
    fails(
        &format!("{f}    INT 32768\n"),
        2,
        "operand 1 of `INT` (imm) must be in -32768..=32767, found `32768`",
    );
    fails(
        &format!("{f}    CALL 256\n"),
        2,
        "operand 1 of `CALL` (argc) must be in 0..=255, found `256`",
    );
    fails(
        &format!("{f}    GET_FIELD \"area\"\n"),
        2,
        "no String constant \"area\" in the pool: add a `.const N str` line for it",
    );
    fails(
        ".const 0 int 1\n\n.const 2 int 2\n",
        3,
        "constant 2 is out of order: the next constant is 1",
    );
    fails(
        ".const 0 str \"abc\n",
        1,
        "unterminated string: a string must end with `\"` on the same line",
    );
    fails(
        ".const 0 str \"a\\qb\"\n",
        1,
        "unknown escape `\\q` in a string (use \\n \\r \\t \\0 \\\\ \\\" \\' or \\u{...})",
    );
    fails(".const 0 float 1.5.2\n", 1, "`1.5.2` is not a float");
    fails(
        ".const 0 char 'a'\n",
        1,
        "unknown constant kind `char`: expected `int`, `float` or `str`",
    );
    fails(
        "// top\nNIL\n",
        2,
        "expected a directive such as `.const` or `.function`, found `NIL`",
    );
    fails(".frobnicate 3\n", 1, "unknown directive `.frobnicate`");
    fails(
        ".version 1\n",
        1,
        "expected a version such as `1.0` after `.version`, found `1`",
    );
    fails(".main 0 1\n", 1, "unexpected `1` at the end of the line");
    fails(
        ".function 0 procedure\n",
        1,
        "unknown function kind `procedure`: expected one of `module`, `function`, `method`, \
         `static`, `initializer`, `field_init`",
    );
    fails(
        ".class 0\n    super builtin Integer\n",
        2,
        "unknown builtin `Integer`",
    );
    fails(
        ".class 0\n    method 1 2\n",
        2,
        "expected `fn` after `1`, found `2`",
    );
    fails(
        &format!("{f}    handler 0..4 5 depth 0\n"),
        2,
        "expected `->` after `4`, found `5`",
    );
    fails(
        &format!("{f}    has_rest yes\n"),
        2,
        "expected `true` or `false` after `has_rest`, found `yes`",
    );
    fails(
        &format!("{f}    RAW 0x1ff\n"),
        2,
        "a `RAW` byte must be in 0..=255, found `511`",
    );
    fails(
        &format!("{f}    12\n"),
        2,
        "expected an instruction after `12`, found the end of the line",
    );
    fails(
        ".class 0\n    NIL\n",
        2,
        "instruction `NIL` in a class: code belongs in a `.function`",
    );
}

// ---------------------------------------------------------------------------
// Robustness

/// A valid listing to mutate, with every kind of line.
const SAMPLE: &str = r#"; a sample
.version 2.0
.module 0                        ; "m"
.source "m.cairn"
.main 0
.const 0 str "m"
.const 1 str "m.cairn"
.const 2 int -42
.const 3 float 1.5e-7
.const 4 float bits 0x7ff8000000000001
.const 5 str "a \"quoted\" \u{e9}\n"
.import 0 std 5
.import 1 path "m"
.global 0 "m"
.class 0
    name 0
    super builtin Error
    field 5
    static_field "m"
    method 0 fn 1
    static_method 5 fn 1
    field_init fn 1
.function 0 module               ; <module>
    name 0
    n_params 0  n_defaults 0  has_rest false
    n_locals 3  max_stack 4
    upvalue local 1
    upvalue outer 0
    line 1
      0  CONST 3                 ; 1.5e-7
  L3:
      3  JUMP_IF_ARG 1, L13
     10  LOAD_BUILTIN print
     13  GET_FIELD "m"
    line 2
  L13: INVOKE 5, 2
         CLASS 0, 65535
         INT -32768
         RAW 0xff 7
         FOR_NEXT 2, 99
    handler L3..L13 -> L3 depth 0
    line 9 at L13
    local 1 "m" L3..L13
.function 1 method
    n_locals 1
    NIL
    RETURN
"#;
const VOCABULARY: &[&str] = &[
    ".const",
    ".function",
    ".class",
    ".import",
    ".global",
    ".main",
    ".version",
    "str",
    "int",
    "float",
    "bits",
    "nan",
    "-inf",
    "0x",
    "-",
    "..",
    "->",
    ":",
    "L0:",
    "L0",
    "L99",
    "\"",
    "\\",
    "\\u{",
    "}",
    ";",
    "//",
    ",",
    "RAW",
    "JUMP",
    "CLASS",
    "LOAD_BUILTIN",
    "print",
    "line",
    "at",
    "handler",
    "local",
    "depth",
    "upvalue",
    "outer",
    "fn",
    "method",
    "super",
    "builtin",
    "1e309",
    "65536",
    "-32769",
    "99999999999999999999999999999999999999999",
    "\n",
    " ",
    "\u{feff}",
    "é",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if at < chars.len() => {
                let n = rng.below(8).min(chars.len() - at);
                chars.drain(at..at + n);
            }
            1 => {
                let word = VOCABULARY[rng.below(VOCABULARY.len())];
                chars.splice(at..at, word.chars());
            }
            2 if at < chars.len() => chars[at] = char::from(rng.below(128) as u8),
            3 => {
                let from = rng.below(chars.len() + 1);
                let to = (from + rng.below(80)).min(chars.len());
                let copy: Vec<char> = chars[from..to].to_vec();
                chars.splice(at..at, copy);
            }
            _ => {
                let digit = char::from(b'0' + rng.below(10) as u8);
                chars.insert(at, digit);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn assembler_never_panics() {
    let mut rng = Rng(0xa55e_4b1e);
    let sample = SAMPLE;
    assemble(sample).expect("the sample is valid");
    let mut accepted = 0;
    for i in 0..10_000 {
        let input = if i % 4 == 0 {
            let bytes = rng.vec(200, |r| match r.below(3) {
                0 => b" \n\t;,.:\"\\-0123456789xL"[r.below(22)],
                _ => r.next() as u8,
            });
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            mutate(&mut rng, sample)
        };
        let result = catch_unwind(AssertUnwindSafe(|| assemble(&input)));
        match result {
            Ok(Ok(cf)) => {
                accepted += 1;
                // Whatever was accepted round-trips too.
                let again = assemble(&disassemble(&cf)).expect("disassembly reassembles");
                assert_eq!(write(&again), write(&cf));
            }
            Ok(Err(e)) => assert!(e.line >= 1 && e.line <= input.lines().count().max(1), "{e}"),
            Err(_) => panic!("assemble panicked on:\n{input}"),
        }
    }
    // Many edits (inside comments, to numbers) leave valid text.
    assert!(accepted > 100, "only {accepted} mutated inputs assembled");
}
