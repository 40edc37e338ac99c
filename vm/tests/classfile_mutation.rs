//! Mutation test for the class-file reader: many corrupted variants of valid
//! files, none of which may make `read` panic.
//!
//! Half the mutants get a fresh checksum, so they pass the CRC check and
//! reach the section, layout and index checks. Mutants that still load must
//! re-encode to a file that loads to the same model. A fixed-seed xorshift
//! generator keeps every run identical; a failure prints the input.
//!
//! For a longer hunt, `CAIRN_MUTANTS=N` and `CAIRN_MUTATION_SEED=S` (decimal)
//! override the count and the seed, for example
//! `CAIRN_MUTANTS=5000000 CAIRN_MUTATION_SEED=7 cargo test --release -p
//! cairn-vm --test classfile_mutation`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use cairn_vm::classfile::*;

const MUTANTS: usize = 120_000;
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: small, fast and good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    fn u16_below(&mut self, n: usize) -> u16 {
        self.below(n) as u16
    }
}

// ---------------------------------------------------------------------------
// Valid seed files

/// A random valid model: every index names a String constant or an existing
/// function or class.
fn model(rng: &mut Rng, size: usize) -> ClassFile {
    let mut constants = vec![
        Constant::Str("seed".into()),
        Constant::Str("seeds/ünïcode.cairn".into()),
    ];
    for i in 0..rng.below(4 * size) {
        constants.push(match rng.below(4) {
            0 => Constant::Int(rng.next() as i64),
            1 => Constant::Float(f64::from_bits(rng.next())),
            _ => Constant::Str(format!("name{i}{}", "é".repeat(rng.below(3)))),
        });
    }
    let names: Vec<u16> = (0..constants.len())
        .filter(|&i| matches!(constants[i], Constant::Str(_)))
        .map(|i| i as u16)
        .collect();
    let mut name = |rng: &mut Rng| names[rng.below(names.len())];
    let n_functions = 1 + rng.below(size);
    let functions: Vec<Function> = (0..n_functions)
        .map(|i| function(rng, i, &mut name))
        .collect();
    let n_classes = rng.below(size / 2 + 1);
    let classes = (0..n_classes)
        .map(|_| class(rng, n_classes, n_functions, &mut name))
        .collect();
    ClassFile {
        major: MAJOR,
        minor: MINOR,
        name: 0,
        source: 1,
        imports: (0..rng.below(4))
            .map(|_| Import {
                kind: if rng.chance(50) {
                    ImportKind::Std
                } else {
                    ImportKind::Path
                },
                spec: name(rng),
            })
            .collect(),
        globals: (0..rng.below(6)).map(|_| name(rng)).collect(),
        classes,
        functions,
        main: 0,
        constants,
    }
}

fn class(
    rng: &mut Rng,
    n_classes: usize,
    n_functions: usize,
    name: &mut impl FnMut(&mut Rng) -> u16,
) -> Class {
    Class {
        name: name(rng),
        superclass: match rng.below(4) {
            0 => Superclass::Object,
            1 => Superclass::Builtin(rng.u16_below(12)),
            2 => Superclass::Class(rng.u16_below(n_classes)),
            _ => Superclass::Dynamic,
        },
        fields: (0..rng.below(4)).map(|_| name(rng)).collect(),
        static_fields: (0..rng.below(3)).map(|_| name(rng)).collect(),
        methods: (0..rng.below(4))
            .map(|_| Method {
                name: name(rng),
                func: rng.u16_below(n_functions),
                is_static: rng.chance(30),
            })
            .collect(),
        field_init: rng.chance(40).then(|| rng.u16_below(n_functions)),
    }
}

fn function(rng: &mut Rng, i: usize, name: &mut impl FnMut(&mut Rng) -> u16) -> Function {
    let kinds = [
        FunctionKind::Module,
        FunctionKind::Function,
        FunctionKind::Method,
        FunctionKind::Static,
        FunctionKind::Initializer,
        FunctionKind::FieldInit,
    ];
    let code_len = rng.below(120);
    let code: Vec<u8> = (0..code_len)
        .map(|_| cairn_vm::isa::OPS[rng.below(cairn_vm::isa::OPS.len())] as u8)
        .collect();
    let pc = |rng: &mut Rng| rng.below(code_len + 1) as u32;
    Function {
        name: name(rng),
        kind: if i == 0 {
            FunctionKind::Module
        } else {
            kinds[rng.below(kinds.len())]
        },
        n_params: rng.byte() % 8,
        n_defaults: rng.byte() % 3,
        has_rest: rng.chance(20),
        n_locals: rng.u16_below(40),
        max_stack: rng.u16_below(40),
        upvalues: (0..rng.below(4))
            .map(|_| {
                let n = rng.u16_below(10);
                match rng.below(4) {
                    0 => Upvalue::Local(n),
                    1 => Upvalue::Outer(n),
                    2 => Upvalue::LocalValue(n),
                    _ => Upvalue::OuterValue(n),
                }
            })
            .collect(),
        handlers: (0..rng.below(3))
            .map(|_| Handler {
                start: pc(rng),
                end: pc(rng),
                handler: pc(rng),
                depth: rng.u16_below(8),
            })
            .collect(),
        lines: (0..rng.below(6)).map(|l| (pc(rng), l as u32 + 1)).collect(),
        local_names: (0..rng.below(4))
            .map(|_| LocalName {
                slot: rng.u16_below(40),
                name: name(rng),
                start: pc(rng),
                end: pc(rng),
            })
            .collect(),
        code,
    }
}

/// Valid files of several sizes, plus one with optional sections and a
/// newer minor version.
fn seeds(rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [1, 2, 4, 8, 12]
        .iter()
        .map(|&n| write(&model(rng, n)))
        .collect();
    let mut future = write(&model(rng, 3));
    future.truncate(future.len() - 4);
    future[10] = 3; // minor 3
    future[12] += 2; // two more sections
    future.extend_from_slice(&[0x81, 3, 0, 0, 0, 1, 2, 3, 0xF0, 0, 0, 0, 0]);
    let crc = crc32(&future);
    future.extend_from_slice(&crc.to_le_bytes());
    out.push(future);
    for seed in &out {
        assert!(read(seed).is_ok(), "seed does not load: {:?}", read(seed));
    }
    out
}

// ---------------------------------------------------------------------------
// Mutations

const INTERESTING_U32: [u32; 10] = [
    0,
    1,
    2,
    0x7F,
    0xFF,
    0xFFFF,
    0x1_0000,
    0x1_0001,
    0x7FFF_FFFF,
    u32::MAX,
];

/// Applies one to three random mutations to `bytes`.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(3) {
        let n = bytes.len();
        if n == 0 {
            bytes.push(rng.byte());
            continue;
        }
        let at = rng.below(n);
        match rng.below(8) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes[at] = rng.byte(),
            2 => bytes[at] = [0, 1, 2, 0x7F, 0x80, 0xFF][rng.below(6)],
            3 if at + 4 <= n => {
                let v = INTERESTING_U32[rng.below(INTERESTING_U32.len())];
                bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
            4 => bytes.truncate(at),
            5 => {
                let extra: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.byte()).collect();
                bytes.splice(at..at, extra);
            }
            6 => {
                let end = (at + 1 + rng.below(8)).min(n);
                bytes.drain(at..end);
            }
            _ => {
                // Copy a chunk from elsewhere in the file over this spot.
                let from = rng.below(n);
                let len = (1 + rng.below(16)).min(n - from).min(n - at);
                bytes.copy_within(from..from + len, at);
            }
        }
    }
}

/// A mutant of `seed`: half mutate the whole file (so most fail the
/// checksum), half mutate the content and then append its CRC.
fn mutant(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    if rng.chance(50) {
        let mut m = seed.to_vec();
        mutate(rng, &mut m);
        m
    } else {
        let mut m = seed[..seed.len() - 4].to_vec();
        mutate(rng, &mut m);
        let crc = crc32(&m);
        m.extend_from_slice(&crc.to_le_bytes());
        m
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads `bytes`, failing the test with the input if `read` panics or a
/// loaded model does not survive re-encoding.
fn check(bytes: &[u8]) -> Result<(), DecodeError> {
    let result = catch_unwind(AssertUnwindSafe(|| read(bytes)));
    let cf = match result {
        Err(_) => panic!("read panicked on input {}", hex(bytes)),
        Ok(r) => r?,
    };
    // Whatever the reader accepts, the verifier must judge without panicking.
    if catch_unwind(AssertUnwindSafe(|| cairn_vm::verify::verify(&cf))).is_err() {
        panic!("verify panicked on input {}", hex(bytes));
    }
    let again = write(&cf);
    let back = read(&again).unwrap_or_else(|e| {
        panic!(
            "re-encoded mutant fails to load ({e}): input {}",
            hex(bytes)
        )
    });
    assert_eq!(write(&back), again, "input {}", hex(bytes));
    Ok(())
}

/// The variant's name, to see which rules the mutants reach.
fn kind(e: &DecodeError) -> &'static str {
    match e {
        DecodeError::BadMagic => "BadMagic",
        DecodeError::UnsupportedMajor { .. } => "UnsupportedMajor",
        DecodeError::Truncated { .. } => "Truncated",
        DecodeError::ChecksumMismatch { .. } => "ChecksumMismatch",
        DecodeError::TooMany { .. } => "TooMany",
        DecodeError::CountExceedsInput { .. } => "CountExceedsInput",
        DecodeError::DuplicateSection { .. } => "DuplicateSection",
        DecodeError::UnknownSection { .. } => "UnknownSection",
        DecodeError::MissingSection { .. } => "MissingSection",
        DecodeError::SectionLeftover { .. } => "SectionLeftover",
        DecodeError::TrailingData { .. } => "TrailingData",
        DecodeError::InvalidUtf8 { .. } => "InvalidUtf8",
        DecodeError::BadTag { .. } => "BadTag",
        DecodeError::BadBool { .. } => "BadBool",
        DecodeError::ConstOutOfRange { .. } => "ConstOutOfRange",
        DecodeError::ConstKind { .. } => "ConstKind",
        DecodeError::FunctionOutOfRange { .. } => "FunctionOutOfRange",
        DecodeError::ClassOutOfRange { .. } => "ClassOutOfRange",
    }
}

#[test]
fn mutants_never_panic() {
    let mutants = env_or("CAIRN_MUTANTS", MUTANTS);
    // xorshift must not start at zero.
    let mut rng = Rng(env_or("CAIRN_MUTATION_SEED", SEED).max(1));
    let seeds = seeds(&mut rng);
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    let mut loaded = 0;
    for i in 0..mutants {
        let m = mutant(&mut rng, &seeds[i % seeds.len()]);
        match check(&m) {
            Ok(()) => loaded += 1,
            Err(e) => *seen.entry(kind(&e)).or_default() += 1,
        }
    }
    // Every truncation of every seed, with and without a fresh checksum.
    for seed in &seeds {
        for n in 0..seed.len() {
            let _ = check(&seed[..n]);
            let mut content = seed[..n.min(seed.len() - 4)].to_vec();
            let crc = crc32(&content);
            content.extend_from_slice(&crc.to_le_bytes());
            let _ = check(&content);
        }
    }
    println!("{mutants} mutants: {loaded} loaded; errors {seen:?}");
    // The mutants must get past the checksum into the structural checks.
    for rule in [
        "ChecksumMismatch",
        "Truncated",
        "CountExceedsInput",
        "TooMany",
        "BadTag",
        "BadBool",
        "InvalidUtf8",
        "SectionLeftover",
        "ConstOutOfRange",
        "ConstKind",
        "FunctionOutOfRange",
    ] {
        assert!(
            seen.contains_key(rule),
            "no mutant reached {rule}: {seen:?}"
        );
    }
}
