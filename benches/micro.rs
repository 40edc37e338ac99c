//! Interpreter micro-benchmarks: one small Cairn function per operation,
//! each a loop of `N` operations, timed through the embedding API and
//! reported per operation (`Throughput::Elements(N)`), so an optimisation
//! shows which operation it moved.
//!
//! ```sh
//! cargo bench --bench micro                       # all
//! cargo bench --bench micro -- calls/             # one group
//! cargo bench --bench micro -- --warm-up-time 1 --measurement-time 2
//! ```
//!
//! Every benchmark's function returns a checksum that setup compares with
//! the value computed in Rust, once, before timing: a benchmark that stops
//! doing its work fails instead of getting faster. Loop overhead is not
//! subtracted; `dispatch/empty_loop` measures it.

use std::hint::black_box;

use cairn::{Config, Function, Runtime, RuntimeExt};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// Operations per timed call.
const N: i64 = 10_000;

/// The Cairn source every benchmark function lives in.
const SOURCE: &str = include_str!("micro/micro.cairn");

struct Bench {
    rt: Runtime,
    module: cairn::Module,
}

impl Bench {
    fn new() -> Bench {
        let mut rt = Runtime::new(Config::default());
        rt.install_stdlib();
        let module = rt
            .load_source("micro", SOURCE)
            .unwrap_or_else(|e| panic!("benches/micro/micro.cairn: {e}"));
        Bench { rt, module }
    }

    /// The function `name`, after checking that `name(N)` returns `expect`.
    fn function(&mut self, name: &str, expect: i64) -> Function {
        let f: Function = self
            .rt
            .global(self.module, name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got: i64 = self
            .rt
            .call_function(&f, (N,))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, expect, "{name}({N}) returned the wrong checksum");
        f
    }
}

/// A group of benchmarks: (function name, expected checksum of `f(N)`).
fn group(c: &mut Criterion, b: &mut Bench, title: &str, cases: &[(&str, i64)]) {
    let mut g = c.benchmark_group(title);
    g.throughput(Throughput::Elements(N as u64));
    for &(name, expect) in cases {
        let f = b.function(name, expect);
        let rt = &mut b.rt;
        g.bench_function(name, |bencher| {
            bencher.iter(|| {
                let r: i64 = rt.call_function(&f, (black_box(N),)).unwrap();
                black_box(r)
            })
        });
    }
    g.finish();
}

fn sum_to(n: i64) -> i64 {
    n * (n - 1) / 2
}

fn fib(n: i64) -> i64 {
    if n < 2 {
        n
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

fn benches(c: &mut Criterion) {
    let mut b = Bench::new();
    let n = N;
    group(
        c,
        &mut b,
        "dispatch",
        &[
            ("empty_loop", n),
            ("while_loop", n),
            ("local_arith", (0..n).map(|i| (i * 3 + 1) ^ (i & 7)).sum()),
        ],
    );
    // fib(15) makes 1,973 calls; one "operation" here is a whole fib(15) per
    // N / 1,000 iterations, so its per-element figure is not per call.
    group(
        c,
        &mut b,
        "calls",
        &[
            ("call_function", sum_to(n)),
            ("call_closure", sum_to(n) + 7 * n),
            ("call_method", sum_to(n)),
            ("call_native", (0..n).map(|i| i.abs() + 1).sum()),
            ("recursion_fib15", fib(15) * (n / 1000)),
        ],
    );
    let shapes = |k: i64| (0..n).map(|i| i % k + 1).sum::<i64>();
    group(
        c,
        &mut b,
        "inline_caches",
        &[
            ("field_monomorphic", n),
            ("field_polymorphic_4", shapes(4)),
            ("field_megamorphic_16", shapes(16)),
            ("method_monomorphic", n),
            ("method_polymorphic_4", shapes(4)),
            ("method_megamorphic_16", shapes(16)),
        ],
    );
    group(
        c,
        &mut b,
        "arithmetic",
        &[
            ("int_add_mul", (0..n).map(|i| i * 3 + i).sum()),
            ("float_add_mul", n * 2),
            ("mixed_int_float", n),
            ("compare", n / 2),
        ],
    );
    group(
        c,
        &mut b,
        "allocation",
        &[
            ("instances", n),
            ("lists", n * 3),
            ("closures", sum_to(n)),
            ("survivors", n),
        ],
    );
    group(
        c,
        &mut b,
        "strings",
        &[
            (
                "concat",
                (0..n).map(|i| i.to_string().len() as i64 + 1).sum(),
            ),
            (
                "interpolate",
                (0..n).map(|i| 4 + i.to_string().len() as i64).sum(),
            ),
            ("join", n * 2 - 1),
        ],
    );
    group(
        c,
        &mut b,
        "maps",
        &[
            ("int_insert", n),
            ("int_hit", sum_to(n)),
            ("int_miss", n),
            ("int_update", n * 2),
            ("string_insert", n),
            ("string_hit", sum_to(n)),
            ("iterate", sum_to(n)),
        ],
    );
}

criterion_group!(micro, benches);
criterion_main!(micro);
