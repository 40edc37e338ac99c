//! The embedding API from a Rust host's side: conversions, host functions,
//! handles, errors, limits, threads.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cairn::{
    Caller, Config, ErrorKind, Exception, FromValue, Function, Handle, IntoValue, Runtime,
    RuntimeExt,
};

const IDENTITY: &str = "fn id(x) { return x }\n";

fn runtime() -> Runtime {
    Runtime::new(Config::default())
}

/// Sends `value` through a Cairn identity function and back as `T`.
fn round_trip<V: IntoValue, T: FromValue>(rt: &mut Runtime, value: V) -> Result<T, cairn::Error> {
    let m = rt.load_source("id", IDENTITY).unwrap();
    rt.call(m, "id", (value,))
}

#[test]
fn scalars_round_trip() {
    let mut rt = runtime();
    round_trip::<_, ()>(&mut rt, ()).unwrap();
    assert!(round_trip::<_, bool>(&mut rt, true).unwrap());
    assert_eq!(round_trip::<_, i64>(&mut rt, i64::MIN).unwrap(), i64::MIN);
    assert_eq!(round_trip::<_, u8>(&mut rt, 255u8).unwrap(), 255);
    assert_eq!(round_trip::<_, i8>(&mut rt, -128i8).unwrap(), -128);
    assert_eq!(round_trip::<_, u32>(&mut rt, u32::MAX).unwrap(), u32::MAX);
    assert_eq!(round_trip::<_, usize>(&mut rt, 7usize).unwrap(), 7);
    assert_eq!(round_trip::<_, f64>(&mut rt, 1.5).unwrap(), 1.5);
    assert_eq!(round_trip::<_, f32>(&mut rt, 0.25f32).unwrap(), 0.25);
    assert_eq!(round_trip::<_, String>(&mut rt, "héllo").unwrap(), "héllo");
    assert_eq!(round_trip::<_, String>(&mut rt, 'x').unwrap(), "x");
    // An Int reads as a Float; an integral Float reads as an Int.
    assert_eq!(round_trip::<_, f64>(&mut rt, 3).unwrap(), 3.0);
    assert_eq!(round_trip::<_, i32>(&mut rt, 4.0).unwrap(), 4);
}

#[test]
fn containers_round_trip() {
    let mut rt = runtime();
    let v = vec![vec![1, 2], vec![], vec![3]];
    assert_eq!(
        round_trip::<_, Vec<Vec<i64>>>(&mut rt, v.clone()).unwrap(),
        v
    );
    let mut h = HashMap::new();
    h.insert("a".to_string(), 1.5);
    h.insert("b".to_string(), -2.0);
    assert_eq!(
        round_trip::<_, HashMap<String, f64>>(&mut rt, h.clone()).unwrap(),
        h
    );
    let mut b = BTreeMap::new();
    b.insert("k".to_string(), vec!["x".to_string()]);
    assert_eq!(
        round_trip::<_, BTreeMap<String, Vec<String>>>(&mut rt, b.clone()).unwrap(),
        b
    );
    assert_eq!(
        round_trip::<_, Option<i64>>(&mut rt, Some(5)).unwrap(),
        Some(5)
    );
    assert_eq!(
        round_trip::<_, Option<i64>>(&mut rt, None::<i64>).unwrap(),
        None
    );
    let t = (1, "two".to_string(), 3.0, true);
    assert_eq!(
        round_trip::<_, (i64, String, f64, bool)>(&mut rt, t.clone()).unwrap(),
        t
    );
}

#[test]
fn conversions_from_cairn_values() {
    let mut rt = runtime();
    let src =
        "let list = [1, \"a\", nil]\nlet map = {\"x\": 1, \"y\": [true]}\nlet pair = [2, \"b\"]\n";
    let m = rt.load_source("values", src).unwrap();
    let list: Vec<Option<Handle>> = rt.global(m, "list").unwrap();
    assert_eq!(list.len(), 3);
    assert!(list[2].is_none());
    let h = list[1].as_ref().unwrap();
    assert_eq!(rt.get::<String>(h).unwrap(), "a");
    assert_eq!(rt.class_name(h).unwrap(), "String");
    let map: HashMap<String, Handle> = rt.global(m, "map").unwrap();
    assert_eq!(rt.get::<i64>(&map["x"]).unwrap(), 1);
    assert_eq!(rt.get::<Vec<bool>>(&map["y"]).unwrap(), [true]);
    let pair: (u8, String) = rt.global(m, "pair").unwrap();
    assert_eq!(pair, (2, "b".to_string()));
}

#[test]
fn range_and_type_failures() {
    let mut rt = runtime();
    let e = round_trip::<_, u8>(&mut rt, 256).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conversion);
    assert_eq!(e.class(), "TypeError");
    assert_eq!(e.message(), "256 is out of range for u8");
    let e = round_trip::<_, u64>(&mut rt, -1).unwrap_err();
    assert_eq!(e.message(), "-1 is out of range for u64");
    let e = round_trip::<_, i64>(&mut rt, 1.5).unwrap_err();
    assert_eq!(e.message(), "1.5 is not an integer (for i64)");
    let e = round_trip::<_, f32>(&mut rt, 1e300).unwrap_err();
    assert!(e.message().contains("out of range for f32"), "{e}");
    // Rust to Cairn: a u64 beyond Int's range.
    let e = round_trip::<_, u64>(&mut rt, u64::MAX).unwrap_err();
    assert_eq!(
        e.message(),
        "argument 1: 18446744073709551615 is out of range for Int"
    );
    let e = round_trip::<_, String>(&mut rt, 5).unwrap_err();
    assert_eq!(e.message(), "expected String, got Int");
    let e = round_trip::<_, bool>(&mut rt, "yes").unwrap_err();
    assert_eq!(e.message(), "expected Bool, got String");
    let e = round_trip::<_, Vec<i64>>(&mut rt, vec!["a"]).unwrap_err();
    assert_eq!(e.message(), "item 0: expected Int, got String");
    let e = round_trip::<_, (i64, i64)>(&mut rt, (1,)).unwrap_err();
    assert_eq!(e.message(), "expected a List of 2 items, got 1");
    let e = round_trip::<_, HashMap<String, i64>>(&mut rt, vec![1]).unwrap_err();
    assert_eq!(e.message(), "expected Map, got List");
    let m = rt.load_source("keys", "let m = {1: 2}\n").unwrap();
    let e = rt.global::<HashMap<String, i64>>(m, "m").unwrap_err();
    assert_eq!(e.message(), "global 'm': expected a String key, got Int");
}

#[test]
fn host_function_called_from_cairn() {
    let mut rt = runtime();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    rt.define_module("host")
        .function("add", |a: i64, b: i64| a + b)
        .function("greet", move |name: String| {
            counted.fetch_add(1, Ordering::Relaxed);
            format!("hi {name}")
        })
        .function(
            "sum8",
            |a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64| {
                a + b + c + d + e + f + g + h
            },
        )
        .function("maybe", |x: Option<i64>| x.map_or(-1, |v| v * 2))
        .value("answer", 42)
        .unwrap()
        .install();
    let src = "import host\n\
               fn run() { return [host.add(2, 3), host.greet(\"ann\"), host.sum8(1, 2, 3, 4, 5, 6, 7, 8), host.maybe(), host.maybe(4), host.answer] }\n";
    let m = rt.load_source("main", src).unwrap();
    let (sum, greeting, eight, none, some, answer): (i64, String, i64, i64, i64, i64) =
        rt.call(m, "run", ()).unwrap();
    assert_eq!(
        (sum, greeting.as_str(), eight, none, some, answer),
        (5, "hi ann", 36, -1, 8, 42)
    );
    assert_eq!(calls.load(Ordering::Relaxed), 1);
}

#[test]
fn host_function_argument_errors_are_type_errors() {
    let mut rt = runtime();
    rt.define_module("host")
        .function("add", |a: i64, b: i64| a + b)
        .install();
    let src = "import host\n\
               fn bad_type() { return host.add(1, \"x\") }\n\
               fn too_many() { return host.add(1, 2, 3) }\n\
               fn too_few() { return host.add(1) }\n\
               fn caught() { try { host.add(1, nil) } catch e: TypeError { return e.message } }\n";
    let m = rt.load_source("main", src).unwrap();
    let e = rt.call::<i64>(m, "bad_type", ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Script);
    assert_eq!(e.class(), "TypeError");
    assert_eq!(
        e.message(),
        "host.add(): argument 2: expected Int, got String"
    );
    assert!(e.traceback().contains("bad_type"), "{}", e.traceback());
    assert!(e
        .to_string()
        .starts_with("error: TypeError: host.add(): argument 2"));
    let e = rt.call::<i64>(m, "too_many", ()).unwrap_err();
    assert_eq!(e.message(), "host.add() takes 2 arguments but 3 were given");
    let e = rt.call::<i64>(m, "too_few", ()).unwrap_err();
    assert_eq!(
        e.message(),
        "host.add(): missing argument 2 (expected Int, got Nil)"
    );
    let msg: String = rt.call(m, "caught", ()).unwrap();
    assert_eq!(msg, "host.add(): argument 2: expected Int, got Nil");
}

#[test]
fn fallible_host_functions_raise_exceptions() {
    let mut rt = runtime();
    rt.define_module("bank")
        .function("withdraw", |amount: i64| {
            if amount < 0 {
                Err(Exception::new("ValueError", "negative amount"))
            } else {
                Ok(amount)
            }
        })
        .function("parse", |s: String| s.parse::<i64>())
        .install();
    let src = "import bank\n\
               fn w(n) { return bank.withdraw(n) }\n\
               fn p(s) { return bank.parse(s) }\n\
               fn handled() { try { bank.withdraw(-1) } catch e: ValueError { return \"caught \" + e.message } }\n";
    let m = rt.load_source("main", src).unwrap();
    assert_eq!(rt.call::<i64>(m, "w", (5,)).unwrap(), 5);
    let e = rt.call::<i64>(m, "w", (-5,)).unwrap_err();
    assert_eq!((e.class(), e.message()), ("ValueError", "negative amount"));
    let e = rt.call::<i64>(m, "p", ("x1",)).unwrap_err();
    assert_eq!(
        (e.class(), e.message()),
        ("Error", "invalid digit found in string")
    );
    assert_eq!(
        rt.call::<String>(m, "handled", ()).unwrap(),
        "caught negative amount"
    );
}

#[test]
fn panicking_host_function_becomes_error_and_vm_survives() {
    let mut rt = runtime();
    rt.define_module("host")
        .function("boom", |x: i64| -> i64 {
            if x > 0 {
                panic!("kaboom {x}");
            }
            x
        })
        .install();
    let src = "import host\n\
               fn go(x) { return host.boom(x) }\n\
               fn guarded() { try { host.boom(1) } catch e { return e.message } }\n";
    let m = rt.load_source("main", src).unwrap();
    let e = rt.call::<i64>(m, "go", (3,)).unwrap_err();
    assert_eq!(e.class(), "Error");
    assert_eq!(e.message(), "host function host.boom() panicked: kaboom 3");
    assert_eq!(
        rt.call::<String>(m, "guarded", ()).unwrap(),
        "host function host.boom() panicked: kaboom 1"
    );
    // Still usable.
    assert_eq!(rt.call::<i64>(m, "go", (0,)).unwrap(), 0);
}

#[test]
fn cairn_closure_called_from_rust() {
    let mut rt = runtime();
    let src = "fn make_adder(n) { return fn(x) => x + n }\n\
               class Counter {\n  var n = 0\n  fn bump(by) { this.n += by\n return this.n }\n}\n\
               let counter = Counter()\n";
    let m = rt.load_source("main", src).unwrap();
    let add5: Function = rt.call(m, "make_adder", (5,)).unwrap();
    rt.collect().unwrap();
    assert_eq!(rt.call_function::<i64>(&add5, (1,)).unwrap(), 6);
    let counter: Handle = rt.global(m, "counter").unwrap();
    assert_eq!(rt.call_method::<i64>(&counter, "bump", (2,)).unwrap(), 2);
    assert_eq!(rt.call_method::<i64>(&counter, "bump", (3,)).unwrap(), 5);
    let e = rt.call_method::<i64>(&counter, "nope", ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.message(), "Counter has no method 'nope'");
    // A Rust closure taking a Cairn function, calling it back.
    let apply = rt.create_function("apply", |c: &mut Caller, f: Function, xs: Vec<i64>| {
        xs.into_iter()
            .map(|x| c.call::<i64>(&f, (x,)))
            .collect::<Result<Vec<_>, _>>()
    });
    let out: Vec<i64> = rt.call_function(&apply, (&add5, vec![1, 2, 3])).unwrap();
    assert_eq!(out, [6, 7, 8]);
}

#[test]
fn globals_read_and_written() {
    let mut rt = runtime();
    let m = rt
        .load_source("main", "var limit = 10\nfn over(x) { return x > limit }\n")
        .unwrap();
    assert_eq!(rt.global::<i64>(m, "limit").unwrap(), 10);
    assert!(!rt.call::<bool>(m, "over", (5,)).unwrap());
    rt.set_global(m, "limit", 3).unwrap();
    assert!(rt.call::<bool>(m, "over", (5,)).unwrap());
    assert_eq!(rt.globals(m).unwrap(), ["limit", "over"]);
    let e = rt.global::<i64>(m, "missing").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.message(), "module 'main' has no global 'missing'");
    let e = rt.call::<i64>(m, "limit", ()).unwrap_err();
    assert_eq!(e.message(), "global 'limit' is a Int, not a Function");
}

#[test]
fn handles_survive_collections_and_are_released() {
    let mut rt = runtime();
    let m = rt
        .load_source("main", "fn make(i) { return [i, \"item\" + i.to_string()] }\nfn churn() { var i = 0\n while i < 100000 { let t = [i]\n i += 1 } }\n")
        .unwrap();
    let kept: Vec<Handle> = (0..100)
        .map(|i| rt.call(m, "make", (i,)).unwrap())
        .collect();
    rt.call::<()>(m, "churn", ()).unwrap();
    rt.collect().unwrap();
    for (i, h) in kept.iter().enumerate() {
        let (n, s): (usize, String) = rt.get(h).unwrap();
        assert_eq!((n, s), (i, format!("item{i}")));
    }
    let before = rt.vm().handles.len();
    drop(kept);
    rt.collect().unwrap();
    assert_eq!(rt.vm().handles.len(), before - 100);
}

#[test]
fn handle_of_another_runtime_is_refused() {
    let mut a = runtime();
    let mut b = runtime();
    let h = a.value(vec![1]).unwrap();
    let e = b.get::<Vec<i64>>(&h).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Misuse);
}

#[test]
fn compile_errors_and_bad_class_files_are_load_errors() {
    let mut rt = runtime();
    let e = rt.load_source("bad", "let x = \n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Load);
    assert_eq!(e.class(), "CompileError");
    assert!(e.message().contains("bad.cairn"), "{e}");
    let e = rt.load_bytes(&[0xCA, 0xFE, 0, 1]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Load);
    // Importing a module the runtime does not have.
    let e = rt.load_source("imp", "import nothere\n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Load);
    // A script error at load time carries its traceback.
    let e = rt
        .load_source("thrower", "fn f() { throw ValueError(\"no\") }\nf()\n")
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.class(), e.message()),
        (ErrorKind::Script, "ValueError", "no")
    );
    assert!(e.to_string().contains("at f (thrower.cairn:1)"), "{e}");
}

#[test]
fn eight_runtimes_on_eight_threads() {
    let program = cairn::compile(
        "fib",
        "fn fib(n) { if n < 2 { return n }\n return fib(n - 1) + fib(n - 2) }\n",
        &["host".to_string()],
    )
    .unwrap();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let program = program.clone();
            std::thread::spawn(move || {
                let mut rt = Runtime::new(Config::default().max_heap(32 << 20));
                let m = rt.load(&program).unwrap();
                let n = 15 + i;
                let r: i64 = rt.call(m, "fib", (n,)).unwrap();
                (n, r)
            })
        })
        .collect();
    for t in threads {
        let (n, r) = t.join().unwrap();
        let (mut a, mut b) = (0i64, 1i64);
        for _ in 0..n {
            (a, b) = (b, a + b);
        }
        assert_eq!(r, a);
    }
}

#[test]
fn runtime_is_send() {
    fn is_send<T: Send>() {}
    is_send::<Runtime>();
    is_send::<Handle>();
    is_send::<Function>();
    is_send::<cairn::Program>();
}

#[test]
fn heap_bomb_stopped_by_heap_limit_and_vm_reused() {
    let mut rt = Runtime::new(Config::default().max_heap(16 << 20));
    let src = "fn bomb() { let xs = []\n while true { xs.push([1, 2, 3, 4, 5, 6, 7, 8]) } }\nfn ok() { return 1 + 1 }\n";
    let m = rt.load_source("main", src).unwrap();
    let e = rt.call::<()>(m, "bomb", ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HeapLimit);
    assert_eq!(e.class(), "MemoryError");
    assert_eq!(rt.call::<i64>(m, "ok", ()).unwrap(), 2);
    let e = rt.call::<()>(m, "bomb", ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HeapLimit);
}

#[test]
fn deep_recursion_stopped_by_call_depth_limit() {
    let mut rt = Runtime::new(Config::default().max_call_depth(200));
    let m = rt
        .load_source(
            "main",
            "fn down(n) { return down(n + 1) }\nfn ok(n) { return n }\n",
        )
        .unwrap();
    let e = rt.call::<()>(m, "down", (0,)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CallDepth);
    assert_eq!(rt.call::<i64>(m, "ok", (7,)).unwrap(), 7);
}

#[test]
fn infinite_loop_stopped_by_interrupt_from_another_thread() {
    let mut rt = runtime();
    let m = rt
        .load_source(
            "main",
            "fn spin() { var i = 0\n while true { i += 1 } }\nfn ok() { return \"fine\" }\n",
        )
        .unwrap();
    let handle = rt.interrupt_handle();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        handle.trigger();
    });
    let e = rt.call::<()>(m, "spin", ()).unwrap_err();
    watchdog.join().unwrap();
    assert_eq!(e.kind(), ErrorKind::Interrupted);
    assert_eq!(rt.call::<String>(m, "ok", ()).unwrap(), "fine");
}

#[test]
fn every_kind_of_loop_closing_jump_is_interruptible() {
    // A counted `for`, and `while` loops testing two locals and a local
    // against a constant: their closing jumps are fused with the loop's
    // test, and each must still stop for an interrupt.
    let src = "fn counted() { var n = 0\n for i in 0..1000000000000000 { n += 1 } }\n\
               fn locals() { var a = 0\n var b = 1\n while a < b { b += 1\n a += 1 } }\n\
               fn constant() { var k = 1\n while k != 0 { k += 2 } }\n\
               fn skipping() { var a = 0\n var b = 1\n while a < b { if a < 0 { a -= 1 } } }\n";
    let mut rt = runtime();
    let m = rt.load_source("main", src).unwrap();
    for f in ["counted", "locals", "constant", "skipping"] {
        let handle = rt.interrupt_handle();
        let watchdog = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(30));
            handle.trigger();
        });
        let e = rt.call::<()>(m, f, ()).unwrap_err();
        watchdog.join().unwrap();
        assert_eq!(e.kind(), ErrorKind::Interrupted, "{f}");
    }
}

#[test]
fn stdlib_through_the_facade_respects_capabilities() {
    let mut rt = runtime();
    rt.install_stdlib();
    let m = rt
        .load_source(
            "main",
            "import fs\nfn read() { return fs.read_text(\"/etc/hostname\") }\n",
        )
        .unwrap();
    let e = rt.call::<String>(m, "read", ()).unwrap_err();
    assert_eq!(e.class(), "PermissionError");
}

#[test]
fn infinite_loop_stopped_by_fuel_and_vm_reused() {
    let mut rt = Runtime::new(Config::default().fuel(100_000));
    let m = rt
        .load_source(
            "main",
            "fn spin() { while true {} }\nfn ok() { return \"fine\" }\n",
        )
        .unwrap();
    let e = rt.call::<()>(m, "spin", ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutOfFuel);
    assert_eq!(rt.fuel(), Some(0));
    // Nothing runs on an empty tank; refuelled, the runtime goes on.
    assert_eq!(
        rt.call::<String>(m, "ok", ()).unwrap_err().kind(),
        ErrorKind::OutOfFuel
    );
    rt.add_fuel(1_000);
    assert_eq!(rt.call::<String>(m, "ok", ()).unwrap(), "fine");
    rt.set_fuel(None);
    assert_eq!(rt.call::<String>(m, "ok", ()).unwrap(), "fine");
}

#[test]
fn script_runs_in_fuel_slices() {
    let mut rt = Runtime::new(Config::default());
    let src = "fn add(a, b) { return a + b }\n\
               fn total(n) {\n  var t = 0\n  var i = 0\n  while i < n {\n    try { if i % 7 == 0 { throw Error(\"x\") }\n t = add(t, i) } catch e { t += 1 }\n    i += 1\n  }\n  return t\n}\n";
    let m = rt.load_source("main", src).unwrap();
    let expected: i64 = (0..5000).map(|i| if i % 7 == 0 { 1 } else { i }).sum();
    rt.set_fuel(Some(1_000));
    let mut slices = 1;
    let mut result = rt.call::<i64>(m, "total", (5000,));
    while let Err(e) = &result {
        assert_eq!(e.kind(), ErrorKind::OutOfFuel);
        assert!(rt.can_resume());
        rt.add_fuel(1_000);
        slices += 1;
        result = rt.resume::<i64>();
    }
    assert_eq!(result.unwrap(), expected);
    assert!(slices > 20, "{slices} slices");
    assert!(!rt.can_resume());
    assert_eq!(rt.resume::<i64>().unwrap_err().kind(), ErrorKind::Misuse);
}

#[test]
fn fuel_running_out_inside_a_callback_is_not_resumable() {
    let mut rt = Runtime::new(Config::default());
    let src = "fn work() { return [1, 2, 3].map(fn(x) { var i = 0\n while i < 100000 { i += 1 }\n return x }) }\nfn ok() { return 1 }\n";
    let m = rt.load_source("main", src).unwrap();
    rt.set_fuel(Some(10_000));
    let e = rt.call::<Vec<i64>>(m, "work", ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutOfFuel);
    assert!(!rt.can_resume());
    rt.set_fuel(None);
    assert_eq!(rt.call::<i64>(m, "ok", ()).unwrap(), 1);
}

#[test]
fn a_new_call_abandons_a_suspended_one() {
    let mut rt = Runtime::new(Config::default().fuel(500));
    let m = rt
        .load_source(
            "main",
            "fn spin() { while true {} }\nfn ok() { return 2 }\n",
        )
        .unwrap();
    assert_eq!(
        rt.call::<()>(m, "spin", ()).unwrap_err().kind(),
        ErrorKind::OutOfFuel
    );
    assert!(rt.can_resume());
    rt.add_fuel(500);
    assert_eq!(rt.call::<i64>(m, "ok", ()).unwrap(), 2);
    assert!(!rt.can_resume());
    assert_eq!(rt.vm().frames.len(), 0);
}

#[test]
fn host_function_reentered_through_cairn() {
    // host.twice(f, x) calls f, a Cairn function that calls host.twice
    // again: the same host closure runs nested, then keeps working.
    let mut rt = runtime();
    rt.define_module("host")
        .function("twice", |c: &mut Caller, f: Function, x: i64| {
            let once = c.call::<i64>(&f, (x,))?;
            c.call::<i64>(&f, (once,))
        })
        .install();
    let src = "import host\n\
               fn down(n) {\n  if n <= 0 { return 1 }\n  return host.twice(fn(k) => k + 1, down(n - 1))\n}\n\
               fn dbl(j) { return j * 2 }\n\
               fn step(k) {\n  if k > 100 { return k }\n  return host.twice(dbl, k)\n}\n\
               fn nested(n) { return host.twice(step, n) }\n";
    let m = rt.load_source("main", src).unwrap();
    assert_eq!(rt.call::<i64>(m, "down", (5,)).unwrap(), 11);
    assert_eq!(rt.call::<i64>(m, "nested", (1,)).unwrap(), 16);
    for _ in 0..3 {
        assert_eq!(rt.call::<i64>(m, "nested", (3,)).unwrap(), 48);
    }
}
