//! Every compile error at its exact place: the message, the 1-based line and
//! column of the primary span, and the text the span underlines. Sources span
//! several lines so that line counting is exercised, not just columns.
//! Also: valid programs, using every feature, produce no diagnostics.

use cairn_compiler::check_source;

/// One expected diagnostic: message, line, column, underlined text.
type Expected<'a> = (&'a str, usize, usize, &'a str);

/// Every diagnostic for `src` as (message, line, column, underlined text),
/// in source order.
fn diagnostics(src: &str) -> Vec<(String, usize, usize, String)> {
    let checked = check_source("test.cairn", src);
    checked
        .diagnostics
        .iter()
        .map(|d| {
            let (line, col) = checked.sources.line_col(d);
            let text = src.get(d.span.range()).unwrap_or("<bad span>").to_string();
            (d.message.clone(), line, col, text)
        })
        .collect()
}

/// Asserts that `src` produces exactly the `expected` diagnostics.
#[track_caller]
fn assert_errors(src: &str, expected: &[Expected<'_>]) {
    let got = diagnostics(src);
    let got_ref: Vec<Expected<'_>> = got
        .iter()
        .map(|(m, l, c, t)| (m.as_str(), *l, *c, t.as_str()))
        .collect();
    assert_eq!(
        got_ref,
        expected,
        "\nfor source:\n{src}\nrendered:\n{}",
        check_source("test.cairn", src).render(false)
    );
}

/// Asserts that `src` produces exactly one diagnostic, as given.
#[track_caller]
fn assert_error(src: &str, message: &str, line: usize, col: usize, text: &str) {
    assert_errors(src, &[(message, line, col, text)]);
}

#[track_caller]
fn assert_clean(src: &str) {
    let checked = check_source("test.cairn", src);
    assert!(
        checked.diagnostics.is_empty(),
        "expected no diagnostics, got:\n{}",
        checked.render(false)
    );
}

// ---------------------------------------------------------------------------
// Lexer

#[test]
fn unexpected_character() {
    assert_errors(
        "let a = 1\nlet b = a @ 2\n",
        &[
            ("unexpected character `@`", 2, 11, "@"),
            ("unexpected number", 2, 13, "2"),
        ],
    );
}

#[test]
fn unexpected_character_after_multibyte_text() {
    // Columns count characters, not bytes.
    assert_errors(
        "let s = \"héllo\"\nlet t = s # 1\n",
        &[
            ("unexpected character `#`", 2, 11, "#"),
            ("unexpected number", 2, 13, "1"),
        ],
    );
    assert_error("let s = \"日本\" + x\n", "undefined name `x`", 1, 16, "x");
}

#[test]
fn unterminated_block_comment() {
    assert_error(
        "let x = 1\n\n/* open\n/* nested */\n",
        "unterminated block comment",
        3,
        1,
        "/*",
    );
}

#[test]
fn number_literal_errors() {
    assert_error(
        "let a = 1\nlet m = 0x\n",
        "missing digits after `0x`",
        2,
        9,
        "0x",
    );
    assert_error(
        "let a = 1\nlet m = 0b102\n",
        "invalid digit `2` in binary literal",
        2,
        9,
        "0b102",
    );
    assert_error(
        "let a = 1\n\nlet m = 1__0\n",
        "misplaced `_` in number literal",
        3,
        9,
        "1__0",
    );
    assert_error(
        "let a = 1\nlet f = 2_.5\n",
        "misplaced `_` in number literal",
        2,
        9,
        "2_.5",
    );
    assert_error(
        "let a = 1\nlet big = 18446744073709551616\n",
        "integer literal is too large",
        2,
        11,
        "18446744073709551616",
    );
    assert_error(
        "let a = 1\nlet f = 1e400\n",
        "float literal is out of range",
        2,
        9,
        "1e400",
    );
}

#[test]
fn string_errors() {
    assert_error(
        "let a = 1\nlet s = \"open\n",
        "unterminated string",
        2,
        9,
        "\"",
    );
    assert_error(
        "let a = 1\nlet s = \"a\\qb\"\n",
        "unknown escape sequence `\\q`",
        2,
        11,
        "\\q",
    );
    assert_error(
        "let a = 1\nlet s = \"\\u41\"\n",
        "expected `{` after `\\u`",
        2,
        10,
        "\\u",
    );
    assert_error(
        "let a = 1\nlet s = \"\\u{}\"\n",
        "unicode escape must have 1 to 6 hex digits",
        2,
        10,
        "\\u{}",
    );
    assert_error(
        "let a = 1\nlet s = \"\\u{1234567}\"\n",
        "unicode escape must have 1 to 6 hex digits",
        2,
        10,
        "\\u{1234567}",
    );
    assert_error(
        "let a = 1\nlet s = \"\\u{41\"\n",
        "unicode escape must be `\\u{` 1 to 6 hex digits `}`",
        2,
        10,
        "\\u{41",
    );
    assert_error(
        "let a = 1\nlet s = \"\\u{DFFF}\"\n",
        "unicode escape is not a Unicode scalar value (surrogate or above 10FFFF)",
        2,
        10,
        "\\u{DFFF}",
    );
}

// ---------------------------------------------------------------------------
// Parser

#[test]
fn unexpected_token() {
    assert_error("let x = 1\nlet = 5\n", "unexpected `=`", 2, 5, "=");
}

#[test]
fn unexpected_end_of_line() {
    let diags = diagnostics("let ready = true\nwhile ready\n{\n}\n");
    assert_eq!(diags[0].0, "unexpected end of line");
    assert_eq!((diags[0].1, diags[0].2), (2, 12));
}

#[test]
fn unexpected_end_of_file() {
    assert_error(
        "let x = 1\nlet y = x *\n",
        "unexpected end of file",
        2,
        12,
        "",
    );
}

#[test]
fn else_on_new_line() {
    let diags = diagnostics("if true {\n  print(1)\n}\nelse {\n  print(2)\n}\n");
    assert_eq!(
        (
            diags[0].0.as_str(),
            diags[0].1,
            diags[0].2,
            diags[0].3.as_str()
        ),
        ("unexpected `else`", 4, 1, "else")
    );
}

#[test]
fn chained_comparisons() {
    assert_error(
        "let a = 1\nlet b = 2\nif a < b <= 3 {\n}\n",
        "comparison operators cannot be chained",
        3,
        4,
        "a < b <= 3",
    );
    assert_error(
        "let a = 1\nprint(a == 1 != false)\n",
        "comparison operators cannot be chained",
        2,
        7,
        "a == 1 != false",
    );
    assert_error(
        "let a = 1\nprint(a is Int is Bool)\n",
        "comparison operators cannot be chained",
        2,
        7,
        "a is Int is Bool",
    );
}

#[test]
fn parenthesized_comparisons_are_fine() {
    assert_clean("let a = 1\nprint((a < 2) == true)\nprint(a < 2 and 2 < 3)\n");
}

#[test]
fn chained_ranges() {
    assert_error(
        "let a = 1\nlet r = a..2..=3\n",
        "range operators cannot be chained",
        2,
        9,
        "a..2..=3",
    );
}

#[test]
fn nested_too_deeply() {
    let src = format!("let a = 1\nlet x = {}1\n", "-".repeat(1100));
    let diags = diagnostics(&src);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].0, "expression is nested too deeply");
    assert_eq!(diags[0].1, 2);

    let src = format!(
        "let a = 1\n{}{}",
        "while a {\n".repeat(1001),
        "}\n".repeat(1001)
    );
    let diags = diagnostics(&src);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].0, "statement is nested too deeply");
}

#[test]
fn parameter_order() {
    assert_error(
        "let a = 1\nfn f(x, ...rest, y) { }\n",
        "rest parameter must be the last parameter",
        2,
        12,
        "rest",
    );
    assert_error(
        "let a = 1\nfn f(x = 1,\n     y) { }\n",
        "parameter `y` has no default but follows one that does",
        3,
        6,
        "y",
    );
    // A rest parameter after defaults is fine.
    assert_clean("fn f(a, b = 1, ...rest) { }\n");
}

#[test]
fn operator_methods() {
    assert_error(
        "class V {\n  var x\n  fn +() { return this }\n}\n",
        "operator method `+` takes exactly 1 parameter",
        3,
        6,
        "+",
    );
    assert_error(
        "class V {\n  fn []=(i) { }\n}\n",
        "operator method `[]=` takes exactly 2 parameters",
        2,
        6,
        "[]=",
    );
    assert_error(
        "class V {\n\n  static fn ==(o) { return true }\n}\n",
        "operator method `==` cannot be static",
        3,
        13,
        "==",
    );
    // Unary and binary minus may both be defined.
    assert_clean("class V {\n  fn -() { return this }\n  fn -(o) { return o }\n}\n");
}

#[test]
fn static_init() {
    assert_error(
        "class V {\n  static fn init() { }\n}\n",
        "`init` cannot be static",
        2,
        13,
        "init",
    );
}

#[test]
fn method_without_fn() {
    assert_error(
        "class V {\n  init() { }\n  size() { return 1 }\n}\n",
        "method `size` must be declared with `fn`",
        3,
        3,
        "size",
    );
}

#[test]
fn try_without_handlers() {
    assert_error(
        "let a = 1\n  try {\n  print(a)\n}\n",
        "`try` needs a `catch` or a `finally`",
        2,
        3,
        "try",
    );
}

#[test]
fn import_path_stem_not_identifier() {
    assert_error(
        "let a = 1\nimport \"./data/2024\"\n",
        "cannot name a module after `./data/2024`",
        2,
        8,
        "\"./data/2024\"",
    );
    assert_clean("import \"./data/2024\" as year\n");
}

// ---------------------------------------------------------------------------
// Resolver: names and assignment

#[test]
fn undefined_name() {
    assert_error(
        "let a = 1\nfn f() {\n  return a + bogus\n}\n",
        "undefined name `bogus`",
        3,
        14,
        "bogus",
    );
}

#[test]
fn undefined_name_with_suggestion() {
    let src = "let total = 0\nfn f() {\n  return totl\n}\n";
    assert_error(src, "undefined name `totl`", 3, 10, "totl");
    let checked = check_source("test.cairn", src);
    assert_eq!(
        checked.diagnostics[0].help.as_deref(),
        Some("did you mean `total`?")
    );
}

#[test]
fn used_before_declaration() {
    assert_error(
        "fn f() { return later }\nprint(later)\nlet later = 1\n",
        "`later` is used before its declaration",
        2,
        7,
        "later",
    );
}

#[test]
fn functions_may_refer_to_later_names() {
    assert_clean(
        "fn even(n) { return n == 0 or odd(n - 1) }\nfn odd(n) { return n != 0 and even(n - 1) }\nclass A {\n  fn b() { return B() }\n}\nclass B { }\nprint(even(4))\n",
    );
}

#[test]
fn assignment_to_let() {
    assert_error(
        "let x = 1\nprint(x)\nx = 2\n",
        "cannot assign to `x`",
        3,
        1,
        "x",
    );
    assert_error(
        "fn f() {\n  let n = 1\n  if n {\n    n += 1\n  }\n}\n",
        "cannot assign to `n`",
        4,
        5,
        "n",
    );
}

#[test]
fn assignment_to_other_unassignable_names() {
    assert_error("fn f() { }\n\nf = 2\n", "cannot assign to `f`", 3, 1, "f");
    assert_error("class C { }\nC = 2\n", "cannot assign to `C`", 2, 1, "C");
    assert_error(
        "import json\njson = 2\n",
        "cannot assign to `json`",
        2,
        1,
        "json",
    );
    assert_error(
        "for i, x in [1] {\n  x = 2\n}\n",
        "cannot assign to `x`",
        2,
        3,
        "x",
    );
    assert_error(
        "try {\n} catch err {\n  err = nil\n}\n",
        "cannot assign to `err`",
        3,
        3,
        "err",
    );
    assert_error(
        "let a = 1\nTypeError = nil\n",
        "cannot assign to `TypeError`",
        2,
        1,
        "TypeError",
    );
}

#[test]
fn assignable_names() {
    assert_clean(
        "var a = 1\na = 2\na += 1\nfn f(p) {\n  p = 3\n  var q\n  q = p\n  let g = fn() { q = 4 }\n  return q\n}\nlet xs = [1]\nxs[0] = 2\nclass C {\n  var f\n  static var n = 0\n  fn set() { this.f = 1; C.n += 1 }\n}\n",
    );
}

#[test]
fn invalid_assignment_target() {
    assert_error(
        "var a = 1\nvar b = 2\na + b = 3\n",
        "invalid assignment target",
        3,
        1,
        "a + b",
    );
    assert_errors(
        "class A {\n  var x\n  fn f() {\n    super.x = 1\n    this = 2\n  }\n}\nlet a = A()\na.f() = 3\n",
        &[
            ("invalid assignment target", 4, 5, "super.x"),
            ("invalid assignment target", 5, 5, "this"),
            ("invalid assignment target", 9, 1, "a.f()"),
        ],
    );
}

// ---------------------------------------------------------------------------
// Resolver: declarations

#[test]
fn duplicate_declarations() {
    assert_error(
        "let a = 1\nvar b = 2\nclass a { }\n",
        "`a` is already declared in this module",
        3,
        7,
        "a",
    );
    assert_error(
        "fn f() {\n  let b = 1\n  if b {\n    let c = 1\n    var c = 2\n  }\n}\n",
        "`c` is already declared in this scope",
        5,
        9,
        "c",
    );
    assert_error(
        "fn f(x,\n     y,\n     x) { }\n",
        "`x` is already declared in this scope",
        3,
        6,
        "x",
    );
    assert_error(
        "let m = fn(a, a) => a\n",
        "`a` is already declared in this scope",
        1,
        15,
        "a",
    );
    assert_error(
        "class K {\n  fn m(v, v) { }\n}\n",
        "`v` is already declared in this scope",
        2,
        11,
        "v",
    );
}

#[test]
fn underscore_twice_is_allowed() {
    assert_clean("let _ = 1\nlet _ = 2\nfn f(_, _) {\n  let _ = 3\n  var _ = 4\n}\n");
}

// ---------------------------------------------------------------------------
// Resolver: control flow

#[test]
fn break_and_continue_outside_loop() {
    assert_error(
        "let a = 1\nbreak\n",
        "`break` outside a loop",
        2,
        1,
        "break",
    );
    assert_error(
        "fn f() {\n  if true {\n    continue\n  }\n}\n",
        "`continue` outside a loop",
        3,
        5,
        "continue",
    );
    assert_error(
        "while true {\n  let f = fn() {\n    break\n  }\n}\n",
        "`break` outside a loop",
        3,
        5,
        "break",
    );
    assert_error(
        "for i in 0..2 {\n  fn g() {\n    continue\n  }\n}\n",
        "`continue` outside a loop",
        3,
        5,
        "continue",
    );
    assert_clean("for i in 0..2 {\n  if i { break }\n  while true { continue }\n}\n");
}

#[test]
fn return_at_module_level() {
    assert_error(
        "let a = 1\nif a {\n  return a\n}\n",
        "`return` outside a function",
        3,
        3,
        "return",
    );
    assert_error(
        "let a = 1\nreturn\n",
        "`return` outside a function",
        2,
        1,
        "return",
    );
}

#[test]
fn init_returning_a_value() {
    assert_error(
        "class P {\n  var x\n  init(x) {\n    this.x = x\n    return x\n  }\n}\n",
        "`init` cannot return a value",
        5,
        12,
        "x",
    );
    assert_error(
        "class P {\n  fn init() => 42\n}\n",
        "`init` cannot return a value",
        2,
        16,
        "42",
    );
    assert_clean(
        "class P {\n  var x\n  init(x) {\n    if x { return }\n    this.x = fn() { return 1 }\n  }\n}\n",
    );
}

// ---------------------------------------------------------------------------
// Resolver: `this` and `super`

#[test]
fn this_and_super_outside_methods() {
    assert_error(
        "let a = 1\nprint(this)\n",
        "`this` outside a method",
        2,
        7,
        "this",
    );
    assert_error(
        "fn f() {\n  return this.x\n}\n",
        "`this` outside a method",
        2,
        10,
        "this",
    );
    assert_error(
        "fn f() {\n  return super.m()\n}\n",
        "`super` outside a method",
        2,
        10,
        "super",
    );
    assert_error(
        "let a = 1\nprint(super.x)\n",
        "`super` outside a method",
        2,
        7,
        "super",
    );
    assert_error(
        "class A { }\nclass B < A {\n  static fn make() {\n    return super.make()\n  }\n}\n",
        "`super` in a static method",
        4,
        12,
        "super",
    );
    // Closures inside methods may use both.
    assert_clean(
        "class A {\n  fn m() { return 1 }\n}\nclass B < A {\n  fn m() {\n    let f = fn() => super.m() + this.n()\n    return f()\n  }\n  fn n() { return 2 }\n}\n",
    );
}

// ---------------------------------------------------------------------------
// Resolver: classes

#[test]
fn this_field_undeclared() {
    assert_error(
        "class P {\n  var x\n  init(x, y) {\n    this.x = x\n    this.y = y\n  }\n}\n",
        "class `P` has no field `y`",
        5,
        10,
        "y",
    );
    assert_error(
        "class P {\n  var count\n  fn reset() {\n    this.cont = 0\n  }\n}\n",
        "class `P` has no field `cont`",
        4,
        10,
        "cont",
    );
    // A static variable is not an instance field.
    assert_error(
        "class P {\n  static var n = 0\n  fn f() {\n    this.n = 1\n  }\n}\n",
        "class `P` has no field `n`",
        4,
        10,
        "n",
    );
    // Through a same-module superclass declared first.
    assert_error(
        "class A {\n  var a\n}\nclass B < A {\n  init() {\n    this.a = 1\n    this.z = 2\n  }\n}\n",
        "class `B` has no field `z`",
        7,
        10,
        "z",
    );
}

#[test]
fn this_field_checks_that_do_not_apply() {
    // Imported superclass: unknown fields.
    assert_clean(
        "import \"./base\" as mod\nclass P < mod.Base {\n  init() {\n    this.anything = 1\n  }\n}\n",
    );
    // Inherited fields, from a user class and from `Error`.
    assert_clean(
        "class A {\n  var a\n}\nclass B < A {\n  init() {\n    this.a = 1\n  }\n}\nclass E < KeyError {\n  init() {\n    this.message = \"m\"\n    this.stack = \"\"\n  }\n}\n",
    );
    // Compound assignments and reads are dynamic.
    assert_clean("class A {\n  fn f() {\n    this.n += 1\n    return this.other\n  }\n}\n");
    // Static methods: `this` is the class.
    assert_clean("class A {\n  static var n = 0\n  static fn f() {\n    this.n = 1\n  }\n}\n");
}

#[test]
fn field_redeclares_inherited_field() {
    assert_error(
        "class A {\n  var a\n}\nclass B < A {\n  var a\n}\n",
        "field `a` is already declared by superclass `A`",
        5,
        7,
        "a",
    );
    assert_error(
        "class E < Error {\n  var code\n  var stack\n}\n",
        "field `stack` is already declared by superclass `Error`",
        3,
        7,
        "stack",
    );
}

#[test]
fn field_and_method_share_a_name() {
    assert_error(
        "class Box {\n  var size\n  fn area() { return 0 }\n  fn size() { return 1 }\n}\n",
        "`size` is both a field and a method of `Box`",
        4,
        6,
        "size",
    );
}

#[test]
fn duplicate_members() {
    assert_error(
        "class Box {\n  var w\n  fn f() { }\n  fn f() { }\n}\n",
        "`f` is declared twice in class `Box`",
        4,
        6,
        "f",
    );
    assert_error(
        "class Box {\n  static var n\n  var m\n  static var n\n}\n",
        "`n` is declared twice in class `Box`",
        4,
        14,
        "n",
    );
}

#[test]
fn inherit_from_builtin_value_class() {
    assert_error(
        "let a = 1\nclass S < String { }\n",
        "cannot inherit from built-in class `String`",
        2,
        11,
        "String",
    );
    assert_clean("class O < Object { }\nclass E < Error { }\nclass I < IndexError { }\n");
}

// ---------------------------------------------------------------------------
// Resolver: imports and literals

#[test]
fn import_not_at_top_level() {
    assert_error(
        "fn f() {\n  import math\n}\n",
        "`import` is only allowed at the top level of a module",
        2,
        3,
        "import math",
    );
}

#[test]
fn unknown_standard_module() {
    assert_error(
        "import math\nimport jsn\n",
        "no standard module named `jsn`",
        2,
        8,
        "jsn",
    );
    assert_error(
        "import math\nimport widgets\n",
        "no standard module named `widgets`",
        2,
        8,
        "widgets",
    );
    assert_clean("import math\nimport io\nimport fs\nimport os\nimport time\nimport random\nimport json as j\n");
}

#[test]
fn integer_two_to_the_63() {
    assert_error(
        "let a = -9223372036854775808\nlet b = 9223372036854775808\n",
        "integer literal is too large",
        2,
        9,
        "9223372036854775808",
    );
    assert_error(
        "let a = 1\nlet b = 2 - 0b1000000000000000000000000000000000000000000000000000000000000000\n",
        "integer literal is too large",
        2,
        13,
        "0b1000000000000000000000000000000000000000000000000000000000000000",
    );
    assert_clean(
        "let a = -9223372036854775808\nlet b = -0x8000000000000000\nlet c = 9223372036854775807\n",
    );
}

// ---------------------------------------------------------------------------
// Several errors

#[test]
fn several_errors_in_source_order() {
    assert_errors(
        "let a = 1\na = 2\nfn f() {\n  return nope\n}\nbreak\nprint(this)\n",
        &[
            ("cannot assign to `a`", 2, 1, "a"),
            ("undefined name `nope`", 4, 10, "nope"),
            ("`break` outside a loop", 6, 1, "break"),
            ("`this` outside a method", 7, 7, "this"),
        ],
    );
}

// ---------------------------------------------------------------------------
// Valid programs

#[test]
fn valid_program_has_no_diagnostics() {
    assert_clean(
        r#"// A program using every feature of the language.
import math
import json
import io as console

/* Block comments /* nest */ too. */

class Shape {
  static var made = 0
  var name = "shape"
  init() { Shape.made += 1 }
  fn area() { throw TypeError("area() is abstract") }
  fn describe() { return "${this.name} of area ${this.area()}" }
  fn to_string() { return "<${this.name}>" }
  static fn count() { return Shape.made }
}

class Circle < Shape {
  var r
  init(r) {
    super.init()
    this.r = r
    this.name = "circle"
  }
  fn area() { return math.pi * this.r ** 2 }
  static fn unit() { return Circle(1.0) }
}

class Vec {
  var x
  var y
  init(x, y) { this.x = x; this.y = y }
  fn +(o) { return Vec(this.x + o.x, this.y + o.y) }
  fn -(o) { return Vec(this.x - o.x, this.y - o.y) }
  fn -() { return Vec(-this.x, -this.y) }
  fn *(k) => Vec(this.x * k, this.y * k)
  fn ==(o) { return o is Vec and this.x == o.x and this.y == o.y }
  fn <(o) { return this.x < o.x }
  fn [](i) { return i == 0 ? this.x : this.y }
  fn []=(i, v) {
    if i == 0 { this.x = v } else if i == 1 { this.y = v } else {
      throw IndexError("no component ${i}")
    }
  }
  fn hash() { return this.x ^ this.y }
}

class AppError < Error {
  var code
  init(message, code = 1) {
    super.init(message)
    this.code = code
  }
}

fn counter(start = 0, step = 1) {
  var n = start
  return fn() {
    n += step
    return n
  }
}

fn sum(...xs) {
  var total = 0
  for x in xs { total += x }
  return total
}

let inc = fn(x) => x + 1
let next = counter()
next()
print(next(), inc(41), sum(1, 2, 3))

let shapes = [Circle(2.0), Circle.unit()]
for s in shapes {
  print(s.describe())
}

let ages = {"ann": 31, "bob": 27,
  "cy": 45,
}
ages["dee"] = 19
for name, age in ages { print("${name} is ${age}") }
for i, s in shapes { print(i, s) }

var v = Vec(1, 2) + Vec(3, 4) * 2
v[0] = -v[1]
print(v == -v, v < Vec(0, 0), v[0])

let gen = Fiber(fn() {
  for i in 0..3 { Fiber.yield(i) }
  return "done"
})
for x in gen { print(x) }
print(gen.done)

let squares = (1..=5).to_list().map(fn(x) => x * x)
  .filter(fn(x) => x % 2 == 1)
print(squares, "hello"[1..3], [1, 2, 3][-1])

var tries = 0
while true {
  tries += 1
  if tries > 3 { break }
  if tries == 2 { continue }
}

try {
  print([1, 2, 3][7])
} catch e: IndexError {
  print("caught: ${e.message}")
} catch e: AppError {
  print(e.code)
} catch _ {
  print("other")
} finally {
  print("done")
}

try {
  throw AppError("bad", 2)
} finally {
  print("cleanup")
}

let big = -9223372036854775808
let bits = 0xff & 0b1010 | 0o17 ^ ~1 << 2 >> 1
let f = 1_000.25 + 2.0e-3 + 1e9
let text = "tab\t quote\" dollar\$ emoji\u{1F600} nested ${"inner ${1 + 2}"}"
let maybe = nil or 5
let flag = not false and true
console.write(json.stringify({"k": [1, 2.5, nil, true]}))
print(Shape.count(), big, bits, f, text, maybe, flag, shapes[0].class.name)
"#,
    );
}

#[test]
fn valid_module_with_functions_referring_forward() {
    assert_clean(
        "import \"./lib/geometry\" as geo\nimport \"./util\"\n\nfn main() {\n  return helper(geo.area(2)) + util.x\n}\n\nfn helper(x) {\n  return Point(x, x)\n}\n\nclass Point {\n  var x\n  var y\n  init(x, y) { this.x = x; this.y = y }\n}\n\nprint(main())\n",
    );
}
