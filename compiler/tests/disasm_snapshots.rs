//! Snapshot tests of the code generator, read through the disassembler:
//! each compiles a small program and compares its `.casm` listing with the
//! snapshot under `tests/snapshots/`. Every snapshot starts with the source
//! it was made from. Each listing was read against `spec/bytecode.md`: the
//! conventions it shows (cells for captured loop variables, finally copies
//! on every exit path, handler ranges) are what the spec prescribes.

use cairn_compiler::compile_source;
use cairn_vm::asm::{assemble, disassemble};
use cairn_vm::classfile::write;
use cairn_vm::verify::verify;

/// The source, each line marked, above the listing of its class file,
/// which must verify and survive the textual round trip.
fn listing(name: &str, src: &str) -> String {
    let cf = match compile_source(&format!("{name}.cairn"), src) {
        Ok(cf) => cf,
        Err(checked) => panic!("{}", checked.render(false)),
    };
    if let Err(e) = verify(&cf) {
        panic!("{e}");
    }
    let text = disassemble(&cf);
    let back = assemble(&text).expect("the listing assembles");
    assert_eq!(write(&back), write(&cf));
    let mut out = String::new();
    for line in src.lines() {
        out.push_str("| ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("=====\n");
    out.push_str(&text);
    out
}

macro_rules! snapshot {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(
                concat!("disasm_", stringify!($name)),
                listing(stringify!($name), $src)
            );
        }
    };
}

snapshot!(
    loops,
    r#"fn sum_odd(n) {
  var total = 0
  var i = 0
  while i < n {
    i += 1
    if i % 2 == 0 { continue }
    if i > 100 { break }
    total += i
  }
  return total
}
for x in [1, 2, 3] { print(sum_odd(x)) }
"#
);

snapshot!(
    classes,
    r#"class Shape {
  var origin
  static var count = 0
  init(origin) {
    this.origin = origin
    Shape.count += 1
  }
  fn describe() { return "shape" }
}
class Square < Shape {
  var side = 1
  init(origin, side) {
    super.init(origin)
    this.side = side
  }
  fn describe() { return super.describe() + " square" }
  static fn unit() { return Square(0, 1) }
}
class Oops < ValueError {}
print(Square.unit().describe())
"#
);

snapshot!(
    closures,
    r#"let fs = []
for i in 0..3 {
  let j = i * 10
  fs.push(fn() => i + j)
}
fn counter() {
  var n = 0
  return fn() {
    return fn() {
      n += 1
      return n
    }
  }
}
print(fs[0]() + counter()()())
"#
);

snapshot!(
    try_catch_finally,
    r#"fn risky(x) {
  for i in 0..x {
    try {
      if i == 1 { continue }
      if i == 2 { return i }
      print(i)
    } catch e: KeyError {
      print("key")
    } catch e {
      throw e
    } finally {
      print("finally")
    }
  }
  return -1
}
risky(3)
"#
);

snapshot!(
    interpolation,
    r#"let name = "world"
let n = 3
print("hello ${name}, ${n + 1} times ${[n, name]}!")
print("${n}")
"#
);

snapshot!(
    params,
    r#"fn greet(name, greeting = "hello", punct = "!", ...rest) {
  return "${greeting} ${name}${punct} ${rest.len()}"
}
fn capture(a, b = a + 1) {
  return fn() => a + b
}
print(greet("x"))
print(greet("x", "hi", "?", 1, 2))
print(capture(1)())
"#
);

snapshot!(
    logic,
    r#"let a = 1
let b = nil
print(a and b or "default")
print(not a ? 1 : 2)
let m = {"k": a, "v": [b, 2.5]}
m["k"] = -a
"#
);
