//! Decode throughput: `classfile::read` on a large generated class file, in
//! bytes per second of input.
//!
//! The file imitates compiler output: 20,000 constants (names, numbers,
//! string literals), 3,000 functions of straight-line code built from real
//! instructions with in-range operands and a consistent stack, line tables,
//! local names, plus classes, imports and globals. The `crc32` bench
//! isolates the checksum's share of `read`; `read+verify` adds the verifier,
//! which the file passes, and `verify` times the verifier alone on the
//! decoded model (still in bytes of the encoded file per second).

use std::hint::black_box;

use cairn_vm::classfile::{self, *};
use cairn_vm::isa::Op;
use cairn_vm::verify::verify;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const CONSTANTS: usize = 20_000;
const FUNCTIONS: usize = 3_000;
const CLASSES: usize = 200;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Straight-line code that keeps the stack between 0 and 8 and ends in
/// `RETURN`; returns the code, its maximum stack height and a line table
/// with an entry every third instruction.
fn code(
    rng: &mut Rng,
    names: &[u16],
    n_locals: u16,
    len: usize,
) -> (Vec<u8>, u16, Vec<(u32, u32)>) {
    let mut code = Vec::with_capacity(len + 8);
    let mut lines = vec![];
    let (mut h, mut max) = (0u16, 0u16);
    let u16le = |code: &mut Vec<u8>, v: u16| code.extend_from_slice(&v.to_le_bytes());
    for insn in 0.. {
        if code.len() >= len {
            break;
        }
        if insn % 3 == 0 {
            lines.push((code.len() as u32, 10 + insn / 3));
        }
        let local = rng.below(usize::from(n_locals)) as u16;
        let name = names[rng.below(names.len())];
        let (op, pops, pushes) = match rng.below(10) {
            0..=3 if h < 8 => match rng.below(3) {
                0 => (Op::Const, 0, 1),
                1 => (Op::LoadLocal, 0, 1),
                _ => (Op::Int, 0, 1),
            },
            4 if h >= 1 => (Op::StoreLocal, 1, 0),
            5 if h >= 1 => (Op::GetField, 1, 1),
            6 | 7 if h >= 2 => (
                [Op::Add, Op::Sub, Op::Mul, Op::Lt, Op::Eq][rng.below(5)],
                2,
                1,
            ),
            8 if h >= 2 => (Op::Invoke, 2, 1),
            _ if h >= 1 => (Op::Pop, 1, 0),
            _ => (Op::Nil, 0, 1),
        };
        code.push(op as u8);
        match op {
            Op::Const => u16le(&mut code, rng.below(CONSTANTS) as u16),
            Op::LoadLocal | Op::StoreLocal => u16le(&mut code, local),
            Op::Int => u16le(&mut code, rng.next() as u16),
            Op::GetField => u16le(&mut code, name),
            Op::Invoke => {
                u16le(&mut code, name);
                code.push(1);
            }
            _ => {}
        }
        h = h - pops + pushes;
        max = max.max(h);
    }
    if h == 0 {
        code.push(Op::Nil as u8);
        max = max.max(1);
    }
    code.push(Op::Return as u8);
    (code, max, lines)
}

fn function(rng: &mut Rng, names: &[u16], kind: FunctionKind) -> Function {
    let n_params = if kind == FunctionKind::Module {
        0
    } else {
        rng.below(4) as u8
    };
    let n_locals = 1 + u16::from(n_params) + rng.below(6) as u16;
    let len = 40 + rng.below(400);
    let (code, max_stack, lines) = code(rng, names, n_locals, len);
    let end = code.len() as u32;
    Function {
        name: names[rng.below(names.len())],
        kind,
        n_params,
        n_defaults: 0,
        has_rest: false,
        n_locals,
        max_stack,
        upvalues: vec![],
        handlers: vec![],
        lines,
        local_names: (0..n_locals)
            .map(|slot| LocalName {
                slot,
                name: names[rng.below(names.len())],
                start: 0,
                end,
            })
            .collect(),
        code,
    }
}

fn big_file() -> ClassFile {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut pool = ConstantPool::new();
    let mut names = vec![
        pool.str("big").unwrap(),
        pool.str("bench/big.cairn").unwrap(),
    ];
    while pool.len() < CONSTANTS {
        match rng.below(4) {
            0 => {
                pool.int(rng.next() as i64 >> rng.below(64)).unwrap();
            }
            1 => {
                pool.float(rng.below(1_000_000) as f64 / 7.0).unwrap();
            }
            2 => {
                let len = rng.below(40);
                let text = format!("a string literal of length {len}: {}", "x".repeat(len));
                pool.str(&text).unwrap();
            }
            _ => names.push(pool.str(&format!("identifier_{}", pool.len())).unwrap()),
        }
    }
    let mut functions = vec![function(&mut rng, &names, FunctionKind::Module)];
    functions.extend((1..FUNCTIONS).map(|_| function(&mut rng, &names, FunctionKind::Function)));
    let classes = (0..CLASSES)
        .map(|i| Class {
            name: names[rng.below(names.len())],
            superclass: if i == 0 {
                Superclass::Object
            } else {
                Superclass::Class(0)
            },
            fields: (0..4).map(|_| names[rng.below(names.len())]).collect(),
            static_fields: vec![],
            methods: vec![],
            field_init: None,
        })
        .collect();
    ClassFile {
        major: MAJOR,
        minor: MINOR,
        name: names[0],
        source: names[1],
        constants: pool.into_vec(),
        imports: (0..20)
            .map(|_| Import {
                kind: ImportKind::Std,
                spec: names[rng.below(names.len())],
            })
            .collect(),
        globals: names[2..200].to_vec(),
        classes,
        functions,
        main: 0,
    }
}

fn decode(c: &mut Criterion) {
    let cf = big_file();
    let bytes = write(&cf);
    assert!(read(&bytes).is_ok());
    if let Err(e) = verify(&cf) {
        panic!("the generated file must verify: {e}");
    }
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("read", |b| b.iter(|| read(black_box(&bytes)).unwrap()));
    group.bench_function("crc32", |b| b.iter(|| classfile::crc32(black_box(&bytes))));
    group.bench_function("read+verify", |b| {
        b.iter(|| verify(&read(black_box(&bytes)).unwrap()).unwrap())
    });
    group.bench_function("verify", |b| b.iter(|| verify(black_box(&cf)).unwrap()));
    group.bench_function("write", |b| b.iter(|| write(black_box(&cf))));
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
