//! Call overhead across the embedding boundary, in both directions, for
//! Cairn, Lua 5.4 (through mlua) and rhai doing the same calls.
//!
//! - `rust_to_script`: Rust calls a script function `add(a, b)` with two
//!   integers and reads the integer result, through each engine's
//!   prefetched-function API.
//! - `script_to_rust`: a script loop calls a Rust function `add(a, b)`
//!   1,000 times; `script_to_script` is the same loop calling a script
//!   function, the baseline that shows the host call's own cost.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use cairn::{Config, Function, Runtime, RuntimeExt};

const LOOP: i64 = 1000;

fn rust_to_script(c: &mut Criterion) {
    let mut g = c.benchmark_group("rust_to_script");
    g.throughput(Throughput::Elements(1));

    let mut rt = Runtime::new(Config::default());
    let m = rt
        .load_source("bench", "fn add(a, b) { return a + b }\n")
        .unwrap();
    let add: Function = rt.global(m, "add").unwrap();
    g.bench_function("cairn", |b| {
        b.iter(|| {
            rt.call_function::<i64>(&add, (std::hint::black_box(1), 2))
                .unwrap()
        })
    });

    let lua = mlua::Lua::new();
    lua.load("function add(a, b) return a + b end")
        .exec()
        .unwrap();
    let lua_add: mlua::Function = lua.globals().get("add").unwrap();
    g.bench_function("mlua", |b| {
        b.iter(|| lua_add.call::<i64>((std::hint::black_box(1), 2)).unwrap())
    });

    let engine = rhai::Engine::new();
    let ast = engine.compile("fn add(a, b) { a + b }").unwrap();
    let mut scope = rhai::Scope::new();
    g.bench_function("rhai", |b| {
        b.iter(|| {
            engine
                .call_fn::<i64>(
                    &mut scope,
                    &ast,
                    "add",
                    (std::hint::black_box(1_i64), 2_i64),
                )
                .unwrap()
        })
    });
    g.finish();
}

fn script_loops(c: &mut Criterion) {
    for (group, host) in [("script_to_rust", true), ("script_to_script", false)] {
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Elements(LOOP as u64));

        let mut rt = Runtime::new(Config::default());
        rt.define_module("host")
            .function("add", |a: i64, b: i64| a + b)
            .install();
        let src = if host {
            "import host\nfn run(n) { var t = 0\n var i = 0\n while i < n { t = host.add(t, i)\n i += 1 }\n return t }\n"
        } else {
            "fn add(a, b) { return a + b }\nfn run(n) { var t = 0\n var i = 0\n while i < n { t = add(t, i)\n i += 1 }\n return t }\n"
        };
        let m = rt.load_source("bench", src).unwrap();
        let run: Function = rt.global(m, "run").unwrap();
        g.bench_function("cairn", |b| {
            b.iter(|| rt.call_function::<i64>(&run, (LOOP,)).unwrap())
        });

        let lua = mlua::Lua::new();
        if host {
            let f = lua
                .create_function(|_, (a, b): (i64, i64)| Ok(a + b))
                .unwrap();
            lua.globals().set("add", f).unwrap();
        } else {
            lua.load("function add(a, b) return a + b end")
                .exec()
                .unwrap();
        }
        lua.load("function run(n) local t = 0 for i = 0, n - 1 do t = add(t, i) end return t end")
            .exec()
            .unwrap();
        let lua_run: mlua::Function = lua.globals().get("run").unwrap();
        g.bench_function("mlua", |b| b.iter(|| lua_run.call::<i64>(LOOP).unwrap()));

        let mut engine = rhai::Engine::new();
        let script = if host {
            engine.register_fn("add", |a: i64, b: i64| a + b);
            "fn run(n) { let t = 0; let i = 0; while i < n { t = add(t, i); i += 1; } t }"
        } else {
            "fn add(a, b) { a + b } fn run(n) { let t = 0; let i = 0; while i < n { t = add(t, i); i += 1; } t }"
        };
        let ast = engine.compile(script).unwrap();
        let mut scope = rhai::Scope::new();
        g.bench_function("rhai", |b| {
            b.iter(|| {
                engine
                    .call_fn::<i64>(&mut scope, &ast, "run", (LOOP,))
                    .unwrap()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, rust_to_script, script_loops);
criterion_main!(benches);
