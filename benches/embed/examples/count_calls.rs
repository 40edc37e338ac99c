//! Makes N embedding calls one way, through Cairn or through mlua, for
//! counting instructions per call under callgrind (deterministic, unlike
//! the timings on a shared machine):
//!
//! ```sh
//! cargo build --manifest-path benches/embed/Cargo.toml --profile bench --example count_calls
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     benches/embed/target/release/examples/count_calls rust_to_script 100000
//! ```
//!
//! Directions: `rust_to_script`, `script_to_rust`, `script_to_script`,
//! each also with a `lua_` prefix; `setup` makes no calls (its count is
//! subtracted from the others).

use cairn::{Config, Function, Runtime, RuntimeExt};

const SCRIPT: &str = "import host
fn add(a, b) { return a + b }
fn to_rust(n) { var t = 0
 var i = 0
 while i < n { t = host.add(t, i)
 i += 1 }
 return t }
fn to_script(n) { var t = 0
 var i = 0
 while i < n { t = add(t, i)
 i += 1 }
 return t }
";

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_default();
    let n: i64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut rt = Runtime::new(Config::default());
    rt.define_module("host")
        .function("add", |a: i64, b: i64| a + b)
        .install();
    let m = rt.load_source("bench", SCRIPT).expect("the script loads");
    let add: Function = rt.global(m, "add").expect("add");
    let to_rust: Function = rt.global(m, "to_rust").expect("to_rust");
    let to_script: Function = rt.global(m, "to_script").expect("to_script");
    let mut sum = 0i64;
    match which.as_str() {
        "setup" => {}
        "rust_to_script" => {
            for i in 0..n {
                sum += rt
                    .call_function::<i64>(&add, (std::hint::black_box(i), 2))
                    .expect("the call");
            }
        }
        "script_to_rust" => sum = rt.call_function(&to_rust, (n,)).expect("the call"),
        "script_to_script" => sum = rt.call_function(&to_script, (n,)).expect("the call"),
        lua if lua.starts_with("lua_") => sum = lua_calls(&lua[4..], n),
        other => {
            eprintln!("unknown direction {other:?}");
            std::process::exit(64);
        }
    }
    println!("{sum}");
}

/// The same calls through mlua.
fn lua_calls(which: &str, n: i64) -> i64 {
    let lua = mlua::Lua::new();
    if which == "script_to_rust" {
        let f = lua
            .create_function(|_, (a, b): (i64, i64)| Ok(a + b))
            .expect("a host function");
        lua.globals().set("add", f).expect("set add");
    } else {
        lua.load("function add(a, b) return a + b end")
            .exec()
            .expect("add");
    }
    lua.load("function run(n) local t = 0 for i = 0, n - 1 do t = add(t, i) end return t end")
        .exec()
        .expect("run");
    match which {
        "rust_to_script" => {
            let f: mlua::Function = lua.globals().get("add").expect("add");
            (0..n)
                .map(|i| {
                    f.call::<i64>((std::hint::black_box(i), 2))
                        .expect("the call")
                })
                .sum()
        }
        _ => {
            let f: mlua::Function = lua.globals().get("run").expect("run");
            f.call::<i64>(n).expect("the call")
        }
    }
}
