//! Front-end throughput: lex + parse + resolve a generated 100,000-line
//! program that uses every construct. Criterion reports lines per second
//! (as "elements"). Run: `cargo bench -p cairn-compiler --bench frontend`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// One unit of the program: 50 lines touching every statement and expression
/// form. `N` is replaced to keep module-level names unique.
const UNIT: &str = r#"class ShapeN {
  var name = "shape"
  var tags = [1, 2, 3]
  static var count = 0
  init(name) { this.name = name; ShapeN.count += 1 }
  fn area() { throw TypeError("area() is abstract: ${this.name}") }
  fn +(other) { return this.area() + other.area() }
  fn [](i) => this.tags[i]
  fn -() { return -this.area() }
  static fn make() => ShapeN("made")
}
class CircleN < ShapeN {
  var r
  init(r) { super.init("circle"); this.r = r }
  fn area() { return 3.14159 * this.r ** 2 }
}
fn counterN(start = 0, step = 1, ...extra) {
  var n = start
  return fn() { n += step; return n }
}
let shapesN = [CircleN(2.0), CircleN(0x10), CircleN(1_000)]
var totalN = 0
for i, s in shapesN {
  if i % 2 == 0 and s is ShapeN { totalN += s.area() } else if not s { break } else { continue }
}
var mapN = {"a": 1, "b": [1, 2, 3][0..=1], 3: nil}
while mapN.len() > 0 and totalN >= 0 {
  mapN.remove("a")
  mapN = {}
}
try {
  print([1, 2, 3][7])
} catch e: IndexError {
  print("caught: ${e.message}")
} catch e {
  throw e
} finally {
  totalN -= 1
}
let fN = fn(x) => x * 2 + 1 - 3 / 4 % 5
let gN = fn(a, b) {
  return a < b ? a << 2 | b >> 1 & ~a ^ 0b1010 : -a
}
print(shapesN.map(fN)
  .filter(fn(x) { return x != nil or false }))
let rN = 0..10
let sN = "text ${totalN} and ${"nested ${rN}"} done"
fn fibN(n) {
  if n < 2 { return n }
  return fibN(n - 1) + fibN(n - 2)
}
"#;

fn program(lines: usize) -> (String, usize) {
    let unit_lines = UNIT.lines().count();
    let units = lines.div_ceil(unit_lines);
    let mut src = String::with_capacity(units * UNIT.len());
    for i in 0..units {
        src.push_str(&UNIT.replace('N', &format!("_{i}")));
    }
    (src, units * unit_lines)
}

fn bench_front_end(c: &mut Criterion) {
    let (src, lines) = program(100_000);
    let checked = cairn_compiler::check_source("bench.cairn", &src);
    assert!(!checked.has_errors(), "{}", checked.render(false));
    let mut group = c.benchmark_group("frontend");
    group.throughput(Throughput::Elements(lines as u64));
    group.sample_size(10);
    group.bench_function("lex", |b| {
        b.iter(|| cairn_compiler::lexer::tokenize(&src, 0).0.len())
    });
    group.bench_function("lex_parse", |b| {
        b.iter(|| cairn_compiler::parse::parse(&src, 0).module.stmts.len())
    });
    group.bench_function("lex_parse_resolve", |b| {
        b.iter(|| {
            cairn_compiler::check_source("bench.cairn", &src)
                .diagnostics
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_front_end);
criterion_main!(benches);
