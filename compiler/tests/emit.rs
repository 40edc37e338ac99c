//! The code generator's output verifies, round-trips through the class-file
//! writer and reader, and is deterministic — for every example program and a
//! set of programs exercising each construct.

use std::path::Path;

use cairn_compiler::{check_file, compile_checked, compile_source};
use cairn_vm::classfile::{read, write};
use cairn_vm::verify::verify;

fn examples() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("examples directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cairn"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn examples_compile_verify_and_round_trip() {
    for path in examples() {
        let checked = check_file(&path).expect("readable");
        assert!(!checked.has_errors(), "{}", checked.render(false));
        let modules = compile_checked(&checked).expect("within limits");
        for m in modules {
            if let Err(e) = verify(&m.class_file) {
                panic!("{}: {e}", path.display());
            }
            let bytes = write(&m.class_file);
            let back = read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(back, m.class_file, "{}", path.display());
            let again = compile_checked(&check_file(&path).expect("readable")).expect("ok");
            assert_eq!(write(&again[0].class_file), write(&modules_first(&path)));
        }
    }
}

fn modules_first(path: &Path) -> cairn_vm::classfile::ClassFile {
    let checked = check_file(path).expect("readable");
    compile_checked(&checked).expect("ok").remove(0).class_file
}

const CONSTRUCTS: &[(&str, &str)] = &[
    ("literals", "let a = [1, -2, 40000, 1.5, \"s\", nil, true, false, {\"k\": 1}, 0..3, 0..=3]\n"),
    ("operators", "var x = 1 + 2 * 3 - 4 / 5 % 6 ** 2\nx = -x\nlet b = ~x & 3 | 4 ^ 5 << 1 >> 1\nlet c = x < 1 or x >= 2 and not (x == 3) or x != 4\nlet d = x is Int ? 1 : 2\n"),
    ("interpolation", "let n = 3\nprint(\"a ${n} b ${\"c ${n + 1}\"} d\")\n"),
    ("closures", "fn counter() {\n  var n = 0\n  return fn() { n += 1; return n }\n}\nlet c = counter()\nprint(c())\nfn outer(a) {\n  fn inner(b) { return fn() => a + b }\n  return inner(2)\n}\n"),
    ("loop capture", "let fs = []\nfor i in 0..3 { fs.push(fn() => i) }\nfor k, v in {\"a\": 1} { print(k, v) }\nvar j = 0\nwhile j < 3 { j += 1; if j == 2 { continue }; if j > 5 { break } }\n"),
    ("defaults and rest", "fn f(a, b = a + 1, ...rest) { return [a, b, rest] }\nprint(f(1), f(1, 2, 3, 4))\n"),
    ("classes", "class P {\n  var x = 0\n  var y\n  static var n = 0\n  init(x, y) { this.x = x; this.y = y; P.n += 1 }\n  fn +(o) { return P(this.x + o.x, this.y + o.y) }\n  fn -() { return P(-this.x, -this.y) }\n  fn [](i) => i == 0 ? this.x : this.y\n  fn []=(i, v) { this.x = v }\n  fn to_string() => \"(${this.x}, ${this.y})\"\n  static fn origin() { return P(0, 0) }\n  fn later() { return [1].map(fn(v) => this.x + v) }\n}\nclass Q < P {\n  var z\n  init(x, y, z) { super.init(x, y); this.z = z }\n  fn to_string() { return super.to_string() + \"!\" }\n  fn m() { return fn() => super.to_string() }\n}\nlet p = Q(1, 2, 3)\np[0] += 1\np.x *= 2\n"),
    ("errors", "class MyError < Error { }\nfn risky(n) {\n  try {\n    if n > 1 { throw MyError(\"big\") }\n    return n\n  } catch e: MyError {\n    return -1\n  } catch e {\n    throw e\n  } finally {\n    print(\"done\")\n  }\n}\nfor i in 0..3 {\n  try { if i == 1 { continue } ; if i == 2 { break } } finally { print(i) }\n}\ntry { print(1) } finally { print(2) }\n"),
    ("nested try", "fn f() {\n  try {\n    try { return 1 } finally { print(\"inner\") }\n  } catch e { print(e) } finally { print(\"outer\") }\n}\n"),
    ("imports", "import math\nimport math as m\nprint(math.pi, m.sqrt(2.0))\n"),
    ("fibers", "let f = Fiber(fn(x) { Fiber.yield(x + 1); return 0 })\nfor v in f { print(v) }\n"),
];

#[test]
fn every_construct_compiles_and_verifies() {
    for (name, src) in CONSTRUCTS {
        let cf = match compile_source("t.cairn", src) {
            Ok(cf) => cf,
            Err(checked) => panic!("{name}: {}", checked.render(false)),
        };
        if let Err(e) = verify(&cf) {
            panic!("{name}: {e}");
        }
        let bytes = write(&cf);
        assert_eq!(read(&bytes).expect("reads back"), cf, "{name}");
        let again = compile_source("t.cairn", src).ok().expect("compiles");
        assert_eq!(write(&again), bytes, "{name}: not deterministic");
    }
}
