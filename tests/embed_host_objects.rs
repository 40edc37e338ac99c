//! Host objects: Rust types exposed to Cairn as classes, owned by the
//! collector.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cairn::vm::heap::HeapConfig;
use cairn::{ClassBuilder, Config, ErrorKind, Exception, Handle, Runtime, RuntimeExt};

struct Point {
    x: f64,
    y: f64,
}

fn point_class() -> ClassBuilder<Point> {
    ClassBuilder::<Point>::new("Point")
        .constructor(|x: f64, y: f64| Point { x, y })
        .method("norm", |p: &mut Point| (p.x * p.x + p.y * p.y).sqrt())
        .method("scale", |p: &mut Point, k: f64| {
            p.x *= k;
            p.y *= k;
        })
        .method("to_string", |p: &mut Point| {
            format!("Point({}, {})", p.x, p.y)
        })
        .method("boom", |_: &mut Point| -> i64 { panic!("method exploded") })
        .getter("x", |p: &Point| p.x)
        .setter("x", |p: &mut Point, v: f64| p.x = v)
        .getter("y", |p: &Point| p.y)
}

fn geo() -> Runtime {
    let mut rt = Runtime::new(Config::default());
    rt.define_module("geo").class(point_class()).install();
    rt
}

#[test]
fn constructed_and_used_from_cairn() {
    let mut rt = geo();
    let src = "import geo\n\
               let p = geo.Point(3, 4)\n\
               fn run() {\n  let n = p.norm()\n  p.scale(2)\n  p.x = p.x + 1\n  return [n, p.x, p.y, p.to_string(), \"\" + p.to_string()]\n}\n\
               fn printed() { return \"{p}\" }\n";
    let m = rt.load_source("main", src).unwrap();
    let (n, x, y, s, _): (f64, f64, f64, String, String) = rt.call(m, "run", ()).unwrap();
    assert_eq!((n, x, y, s.as_str()), (5.0, 7.0, 8.0, "Point(7, 8)"));
    let p: Handle = rt.global(m, "p").unwrap();
    assert_eq!(rt.class_name(&p).unwrap(), "Point");
    assert_eq!(rt.with_object(&p, |p: &mut Point| p.x).unwrap(), 7.0);
}

#[test]
fn constructed_from_rust_and_passed_to_cairn() {
    let mut rt = geo();
    let m = rt.load_source("main", "import geo\nfn far(p) { return p.norm() > 10 }\nfn make() { return geo.Point(1, 1) }\n").unwrap();
    let big = rt.create_object(Point { x: 30.0, y: 40.0 }).unwrap();
    assert!(rt.call::<bool>(m, "far", (&big,)).unwrap());
    let small: Handle = rt.call(m, "make", ()).unwrap();
    assert!(!rt.call::<bool>(m, "far", (&small,)).unwrap());
    let class = rt.register_class(point_class());
    let made: Handle = rt.call_function(&class, (6, 8)).unwrap();
    assert_eq!(rt.call_method::<f64>(&made, "norm", ()).unwrap(), 10.0);
    // The wrong type.
    let e = rt.with_object(&made, |s: &mut String| s.len()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conversion);
    // A type never registered.
    let e = rt.create_object(7u8).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Misuse);
}

#[test]
fn wrong_arguments_read_only_fields_and_panics() {
    let mut rt = geo();
    let src = "import geo\nlet p = geo.Point(1, 2)\n\
               fn bad_ctor() { return geo.Point(\"a\", 2) }\n\
               fn bad_scale() { p.scale(nil) }\n\
               fn set_y() { p.y = 5 }\n\
               fn set_z() { p.z = 5 }\n\
               fn set_x_bad() { p.x = \"no\" }\n\
               fn get_z() { return p.z }\n\
               fn boom() { return p.boom() }\n\
               fn norm() { return p.norm() }\n";
    let m = rt.load_source("main", src).unwrap();
    let e = rt.call::<()>(m, "bad_ctor", ()).unwrap_err();
    assert_eq!(
        (e.class(), e.message()),
        (
            "TypeError",
            "Point(): argument 1: expected Float, got String"
        )
    );
    let e = rt.call::<()>(m, "bad_scale", ()).unwrap_err();
    assert_eq!(
        e.message(),
        "Point.scale(): argument 1: expected Float, got Nil"
    );
    let e = rt.call::<()>(m, "set_y", ()).unwrap_err();
    assert_eq!(
        (e.class(), e.message()),
        ("TypeError", "field 'y' of Point is read-only")
    );
    let e = rt.call::<()>(m, "set_z", ()).unwrap_err();
    assert_eq!(
        (e.class(), e.message()),
        ("AttributeError", "Point has no field 'z'")
    );
    let e = rt.call::<()>(m, "set_x_bad", ()).unwrap_err();
    assert_eq!(
        e.message(),
        "field 'x' of Point: expected Float, got String"
    );
    let e = rt.call::<()>(m, "get_z", ()).unwrap_err();
    assert_eq!(e.class(), "AttributeError");
    let e = rt.call::<i64>(m, "boom", ()).unwrap_err();
    assert_eq!(
        e.message(),
        "host function Point.boom() panicked: method exploded"
    );
    assert_eq!(rt.call::<f64>(m, "norm", ()).unwrap(), 5f64.sqrt());
}

#[test]
fn no_constructor_means_rust_only() {
    let mut rt = Runtime::new(Config::default());
    rt.define_module("host")
        .class(ClassBuilder::<String>::new("Secret").getter("len", |s: &String| s.len()))
        .install();
    let m = rt
        .load_source(
            "main",
            "import host\nfn make() { return host.Secret() }\nfn len(s) { return s.len }\n",
        )
        .unwrap();
    let e = rt.call::<()>(m, "make", ()).unwrap_err();
    assert_eq!(e.message(), "cannot construct Secret from Cairn");
    let s = rt.create_object("hush".to_string()).unwrap();
    assert_eq!(rt.call::<usize>(m, "len", (&s,)).unwrap(), 4);
}

#[test]
fn fallible_constructor_raises_its_exception() {
    let mut rt = Runtime::new(Config::default());
    rt.define_module("bank")
        .class(ClassBuilder::<i64>::new("Account").constructor(|n: i64| {
            if n < 0 {
                Err(Exception::new("ValueError", "negative opening balance"))
            } else {
                Ok(n)
            }
        }))
        .install();
    let m = rt
        .load_source(
            "main",
            "import bank\nfn open(n) { return bank.Account(n) }\n",
        )
        .unwrap();
    let ok: Handle = rt.call(m, "open", (5,)).unwrap();
    assert_eq!(rt.with_object(&ok, |n: &mut i64| *n).unwrap(), 5);
    let e = rt.call::<Handle>(m, "open", (-1,)).unwrap_err();
    assert_eq!(
        (e.class(), e.message()),
        ("ValueError", "negative opening balance")
    );
}

/// Counts its drops.
struct Tracked {
    drops: Arc<AtomicUsize>,
    id: i64,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

fn tracked_runtime(config: Config, drops: &Arc<AtomicUsize>) -> Runtime {
    let mut rt = Runtime::new(config);
    let d = drops.clone();
    rt.define_module("t")
        .class(
            ClassBuilder::<Tracked>::new("Tracked")
                .constructor(move |id: i64| Tracked {
                    drops: d.clone(),
                    id,
                })
                .getter("id", |t: &Tracked| t.id),
        )
        .install();
    rt
}

#[test]
fn unreachable_host_objects_are_dropped_reachable_ones_kept() {
    let drops = Arc::new(AtomicUsize::new(0));
    let mut rt = tracked_runtime(Config::default(), &drops);
    let src = "import t\n\
               let kept = [t.Tracked(1), t.Tracked(2)]\n\
               fn garbage(n) { var i = 0\n while i < n { t.Tracked(i)\n i += 1 } }\n\
               fn ids() { return [kept[0].id, kept[1].id] }\n\
               fn forget() { kept.pop() }\n";
    let m = rt.load_source("main", src).unwrap();
    rt.call::<()>(m, "garbage", (1000,)).unwrap();
    rt.collect().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 1000);
    // Many minor collections move the kept ones; they stay intact.
    rt.call::<()>(m, "garbage", (200_000,)).unwrap();
    rt.collect().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 201_000);
    assert_eq!(rt.call::<Vec<i64>>(m, "ids", ()).unwrap(), [1, 2]);
    rt.call::<()>(m, "forget", ()).unwrap();
    rt.collect().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 201_001);
    // One held only by a Rust handle lives until the handle is dropped.
    let held = rt
        .create_object(Tracked {
            drops: drops.clone(),
            id: 9,
        })
        .unwrap();
    rt.collect().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 201_001);
    drop(held);
    rt.collect().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 201_002);
    drop(rt);
    assert_eq!(drops.load(Ordering::SeqCst), 201_003);
}

#[test]
fn host_objects_under_gc_stress_and_verification() {
    let drops = Arc::new(AtomicUsize::new(0));
    let heap = HeapConfig {
        stress: true,
        verify: true,
        ..HeapConfig::default()
    };
    let mut rt = tracked_runtime(Config::default().heap(heap), &drops);
    let src = "import t\n\
               fn churn() {\n  let keep = {}\n  var i = 0\n  while i < 300 {\n    let o = t.Tracked(i)\n    if i % 10 == 0 { keep[o] = o.id }\n    i += 1\n  }\n  var sum = 0\n  for k in keep.keys() { sum += k.id + keep[k] }\n  return sum\n}\n";
    let m = rt.load_source("main", src).unwrap();
    let sum: i64 = rt.call(m, "churn", ()).unwrap();
    assert_eq!(sum, 2 * (0..300).filter(|i| i % 10 == 0).sum::<i64>());
    rt.collect().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 300);
}
