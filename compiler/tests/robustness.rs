//! The front end never panics and always terminates, whatever its input:
//! random bytes, random text of code-like characters, random sequences of
//! valid tokens, and mutations of a valid program. 100,000+ inputs per run,
//! from a fixed seed so a failure reproduces.

use std::panic;

use cairn_compiler::check_source;

/// xorshift64*: small, fast and good enough to drive input generation.
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

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TOKENS: &[&str] = &[
    "and",
    "as",
    "break",
    "catch",
    "class",
    "continue",
    "else",
    "false",
    "finally",
    "fn",
    "for",
    "if",
    "import",
    "in",
    "is",
    "let",
    "nil",
    "not",
    "or",
    "return",
    "static",
    "super",
    "this",
    "throw",
    "true",
    "try",
    "var",
    "while",
    "init",
    "x",
    "y",
    "print",
    "Point",
    "_",
    "0",
    "42",
    "9223372036854775808",
    "0xff",
    "0b101",
    "1.5",
    "2e10",
    "\"s\"",
    "\"a${x}b\"",
    "\"${",
    "}\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "..",
    "..=",
    "...",
    ":",
    ";",
    "?",
    "=>",
    "+",
    "-",
    "*",
    "**",
    "/",
    "%",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&",
    "|",
    "^",
    "~",
    "<<",
    ">>",
    "+=",
    "-=",
    "*=",
    "/=",
    "%=",
    "\n",
    "\n",
    "\n",
    "//c\n",
    "/* */",
];

const CODE_CHARS: &[u8] = b"abcxyz_019 \n\t(){}[]<>=!+-*/%&|^~.,:;?\"'$\\@#";

const VALID: &str = r#"import math
class Shape {
  var name = "shape"
  static var count = 0
  init(n) { this.name = n; Shape.count += 1 }
  fn area() { throw TypeError("abstract") }
  fn +(o) { return this.area() + o.area() }
  fn describe() => "${this.name} of area ${this.area()}"
}
class Circle < Shape {
  var r
  init(r) { super.init("circle"); this.r = r }
  fn area() { return math.pi * this.r ** 2 }
}
fn counter(start = 0, ...rest) {
  var n = start
  return fn() { n += 1; return n }
}
let shapes = [Circle(2.0), Circle(1.0)]
for i, s in shapes {
  if i % 2 == 0 and s is Shape { print(s.describe()) } else if not s { break } else { continue }
}
var m = {"a": 1, "b": [1, 2, 3][0..=1]}
while m.len() > 0 { m.remove("a"); m = {} }
try { print([1][7]) } catch e: IndexError { print(e.message) } finally { print(-2 ** 2 > 1 ? "y" : "n") }
let f = fn(x) => x * 2
print(shapes.map(f)
  .filter(fn(x) { return x }))
"#;

fn check(input: &str) {
    let result = panic::catch_unwind(|| {
        let checked = check_source("fuzz.cairn", input);
        // Rendering exercises span handling on arbitrary positions too.
        let _ = checked.render(false);
    });
    if result.is_err() {
        panic!("front end panicked on input {input:?}");
    }
}

fn random_bytes(rng: &mut Rng) -> String {
    let len = rng.below(64);
    let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn random_code_chars(rng: &mut Rng) -> String {
    let len = rng.below(80);
    (0..len)
        .map(|_| CODE_CHARS[rng.below(CODE_CHARS.len())] as char)
        .collect()
}

fn random_tokens(rng: &mut Rng) -> String {
    let len = rng.below(40);
    let mut out = String::new();
    for _ in 0..len {
        out.push_str(rng.pick(TOKENS));
        out.push(' ');
    }
    out
}

/// Deletes, duplicates or replaces a few token-sized pieces of a valid program.
fn mutate_valid(rng: &mut Rng) -> String {
    let mut words: Vec<String> = VALID.split(' ').map(str::to_string).collect();
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(words.len());
        match rng.below(3) {
            0 => {
                words.remove(i);
            }
            1 => {
                let w = words[i].clone();
                words.insert(i, w);
            }
            _ => words[i] = rng.pick(TOKENS).to_string(),
        }
        if words.is_empty() {
            break;
        }
    }
    words.join(" ")
}

#[test]
fn valid_program_checks_clean() {
    let checked = check_source("valid.cairn", VALID);
    assert!(!checked.has_errors(), "{}", checked.render(false));
}

#[test]
fn front_end_survives_100k_generated_inputs() {
    // Silence the default hook so an expected-panic search stays readable.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut count = 0;
    for round in 0..25_000 {
        let inputs = [
            random_bytes(&mut rng),
            random_code_chars(&mut rng),
            random_tokens(&mut rng),
            if round % 5 == 0 {
                mutate_valid(&mut rng)
            } else {
                random_tokens(&mut rng)
            },
        ];
        for input in &inputs {
            check(input);
            count += 1;
        }
    }
    assert_eq!(count, 100_000);
}

#[test]
fn pathological_nesting_is_rejected_not_overflowed() {
    let cases = [
        "(".repeat(100_000),
        "[".repeat(100_000),
        "{".repeat(100_000),
        format!("x = {}1", "-".repeat(100_000)),
        format!("x = {}1", "not ".repeat(50_000)),
        format!("x = 1{}", " + 1".repeat(100_000)),
        format!("x = 2{}", " ** 2".repeat(50_000)),
        format!("x = a{}", ".b".repeat(100_000)),
        format!("x = f{}", "()".repeat(100_000)),
        format!("x = {}1", "fn() => ".repeat(20_000)),
        format!("x = {}1{}", "c ? ".repeat(20_000), " : 2".repeat(20_000)),
        format!("{}{}", "if x {\n".repeat(20_000), "}\n".repeat(20_000)),
        format!("x = \"{}\"", "${\"".repeat(20_000)),
        "/*".repeat(50_000),
    ];
    for case in &cases {
        let checked = check_source("deep.cairn", case);
        assert!(checked.has_errors(), "expected an error for a deep input");
    }
}
