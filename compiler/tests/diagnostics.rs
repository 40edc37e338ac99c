//! Snapshots of every kind of diagnostic the front end produces, rendered as
//! `cairn check` prints them (without colour). Each snapshot is the whole
//! report for a small program, so a change in wording, span or help text shows
//! up in review.
//!
//! Update with `INSTA_UPDATE=always cargo test -p cairn-compiler --test
//! diagnostics` (or `cargo insta review`), then read the changed `.snap` files.

use cairn_compiler::check_source;
use insta::assert_snapshot;

/// The rendered diagnostics for `src`, which must have at least one.
fn render(src: &str) -> String {
    let checked = check_source("test.cairn", src);
    assert!(
        checked.has_errors(),
        "expected diagnostics, found none for:\n{src}"
    );
    checked.render(false)
}

/// Asserts that `src` checks clean.
fn assert_clean(src: &str) {
    let checked = check_source("test.cairn", src);
    assert!(
        !checked.has_errors(),
        "expected no diagnostics, got:\n{}",
        checked.render(false)
    );
}

// ---------------------------------------------------------------------------
// Lexer

#[test]
fn lex_unexpected_character() {
    assert_snapshot!(render("let a = 1\nlet b = a @ 2\n"));
}

#[test]
fn lex_bang_suggests_not() {
    assert_snapshot!(render("let ok = true\nif !ok {\n  print(1)\n}\n"));
}

#[test]
fn lex_single_quote_suggests_double_quotes() {
    assert_snapshot!(render("let s = 'hi'\n"));
}

#[test]
fn lex_non_ascii_character() {
    assert_snapshot!(render("let x = 1\nlet y = x × 2\n"));
}

#[test]
fn lex_unterminated_block_comment() {
    assert_snapshot!(render(
        "let x = 1\n/* a comment\n   /* nested */\nthat never ends\n"
    ));
}

#[test]
fn lex_missing_digits_after_radix_prefix() {
    assert_snapshot!(render("let mask = 0x\n"));
}

#[test]
fn lex_invalid_digit() {
    assert_snapshot!(render("let bits = 0b1021\nlet perms = 0o789\n"));
}

#[test]
fn lex_misplaced_underscore_in_integer() {
    assert_snapshot!(render("let a = 1__000\nlet b = 1000_\n"));
}

#[test]
fn lex_misplaced_underscore_in_float() {
    assert_snapshot!(render("let x = 1_.5\n"));
}

#[test]
fn lex_integer_literal_too_large() {
    assert_snapshot!(render("let big = 99999999999999999999\n"));
}

#[test]
fn lex_float_literal_out_of_range() {
    assert_snapshot!(render("let huge = 1e999\n"));
}

#[test]
fn lex_unterminated_string() {
    assert_snapshot!(render("let a = 1\nlet s = \"abc\n"));
}

#[test]
fn lex_unknown_escape() {
    assert_snapshot!(render("let path = \"C:\\temp\\data\"\n"));
}

#[test]
fn lex_unicode_escape_without_brace() {
    assert_snapshot!(render("let a = \"\\u0041\"\n"));
}

#[test]
fn lex_unicode_escape_unclosed() {
    assert_snapshot!(render("let a = \"\\u{41\"\n"));
}

#[test]
fn lex_unicode_escape_empty() {
    assert_snapshot!(render("let a = \"\\u{}\"\n"));
}

#[test]
fn lex_unicode_escape_too_many_digits() {
    assert_snapshot!(render("let a = \"\\u{1234567}\"\n"));
}

#[test]
fn lex_unicode_escape_not_a_scalar_value() {
    assert_snapshot!(render("let a = \"\\u{D800}\"\nlet b = \"\\u{110000}\"\n"));
}

// ---------------------------------------------------------------------------
// Parser

#[test]
fn parse_unexpected_token() {
    assert_snapshot!(render("let x = 1\nlet = 5\n"));
}

#[test]
fn parse_two_statements_on_one_line() {
    assert_snapshot!(render("let x = 1 let y = 2\n"));
}

#[test]
fn parse_unexpected_end_of_line() {
    assert_snapshot!(render("let xs = [1, 2]\nfor x\nin xs {\n  print(x)\n}\n"));
}

#[test]
fn parse_unexpected_end_of_file() {
    assert_snapshot!(render("let x = 1\nlet y = x +\n"));
}

#[test]
fn parse_unclosed_block_at_end_of_file() {
    assert_snapshot!(render("fn f() {\n  return 1\n"));
}

#[test]
fn parse_else_on_new_line() {
    assert_snapshot!(render(
        "let x = 1\nif x > 0 {\n  print(\"pos\")\n}\nelse {\n  print(\"neg\")\n}\n"
    ));
}

#[test]
fn parse_chained_comparison() {
    assert_snapshot!(render("let a = 1\nlet b = 2\nprint(a < b < 3)\n"));
}

#[test]
fn parse_chained_equality_and_is() {
    assert_snapshot!(render("print(1 == 1 == true)\nprint(1 is Int is Bool)\n"));
}

#[test]
fn parse_chained_range() {
    assert_snapshot!(render("let r = 0..10..20\n"));
}

#[test]
fn parse_expression_nested_too_deeply() {
    let src = format!("let x = {}1\n", "1 +\n".repeat(1001));
    assert_snapshot!(render(&src));
}

#[test]
fn parse_statement_nested_too_deeply() {
    let src = format!("{}{}", "if true {\n".repeat(1001), "}\n".repeat(1001));
    assert_snapshot!(render(&src));
}

#[test]
fn parse_rest_parameter_not_last() {
    assert_snapshot!(render("fn log(...parts, sep) {\n  print(parts)\n}\n"));
}

#[test]
fn parse_parameter_without_default_after_default() {
    assert_snapshot!(render(
        "fn greet(greeting = \"hi\", name) {\n  print(name)\n}\n"
    ));
}

#[test]
fn parse_operator_method_arity() {
    assert_snapshot!(render(
        "class V {\n  fn +(a, b) { return a }\n  fn ==() { return true }\n  fn [](i, j) { return i }\n  fn []=(i) { }\n  fn -(a, b) { return a }\n  fn *(o = 1) { return o }\n}\n"
    ));
}

#[test]
fn parse_static_operator_method() {
    assert_snapshot!(render("class V {\n  static fn +(o) { return o }\n}\n"));
}

#[test]
fn parse_static_init() {
    assert_snapshot!(render("class V {\n  static fn init() { }\n}\n"));
}

#[test]
fn parse_method_without_fn() {
    assert_snapshot!(render(
        "class V {\n  init() { }\n  length() { return 0 }\n}\n"
    ));
}

#[test]
fn parse_try_without_catch_or_finally() {
    assert_snapshot!(render("try {\n  print(1)\n}\nprint(2)\n"));
}

#[test]
fn parse_import_path_stem_not_an_identifier() {
    assert_snapshot!(render("import \"./lib/my-utils\"\n"));
}

// ---------------------------------------------------------------------------
// Resolver: names

#[test]
fn undefined_name() {
    assert_snapshot!(render("fn f() {\n  return zebra\n}\n"));
}

#[test]
fn undefined_name_with_suggestion() {
    assert_snapshot!(render("let count = 1\nprint(cuont)\n"));
}

#[test]
fn undefined_name_suggests_prelude_name() {
    assert_snapshot!(render("prnt(\"hello\")\n"));
}

#[test]
fn undefined_name_as_assignment_target() {
    assert_snapshot!(render("total = 0\n"));
}

#[test]
fn used_before_declaration_at_top_level() {
    assert_snapshot!(render("print(limit)\nlet limit = 10\n"));
}

// ---------------------------------------------------------------------------
// Resolver: assignments

#[test]
fn assign_to_let() {
    assert_snapshot!(render("let x = 1\nx = 2\n"));
}

#[test]
fn compound_assign_to_let() {
    assert_snapshot!(render("let x = 1\nx += 2\n"));
}

#[test]
fn assign_to_let_captured_by_closure() {
    assert_snapshot!(render(
        "fn f() {\n  let n = 0\n  return fn() { n = n + 1 }\n}\n"
    ));
}

#[test]
fn assign_to_fn() {
    assert_snapshot!(render("fn f() { }\nf = 1\n"));
}

#[test]
fn assign_to_class() {
    assert_snapshot!(render("class C { }\nC = nil\n"));
}

#[test]
fn assign_to_import() {
    assert_snapshot!(render("import math\nmath = nil\n"));
}

#[test]
fn assign_to_loop_variable() {
    assert_snapshot!(render("for i in 0..3 {\n  i = i + 1\n}\n"));
}

#[test]
fn assign_to_catch_variable() {
    assert_snapshot!(render("try {\n  print(1)\n} catch e {\n  e = nil\n}\n"));
}

#[test]
fn assign_to_prelude_name() {
    assert_snapshot!(render("print = nil\n"));
}

#[test]
fn invalid_assignment_target() {
    assert_snapshot!(render("let a = 1\na + 1 = 3\n"));
}

#[test]
fn invalid_assignment_target_call() {
    assert_snapshot!(render("fn f() { }\nf() = 1\n"));
}

#[test]
fn invalid_assignment_target_super_and_this() {
    assert_snapshot!(render(
        "class A {\n  var x\n}\nclass B < A {\n  fn set() {\n    super.x = 1\n    this = nil\n  }\n}\n"
    ));
}

// ---------------------------------------------------------------------------
// Resolver: declarations

#[test]
fn duplicate_declaration_module_level() {
    assert_snapshot!(render("let a = 1\nfn a() { }\n"));
}

#[test]
fn duplicate_declaration_block_level() {
    assert_snapshot!(render("fn f() {\n  var b = 1\n  let b = 2\n}\n"));
}

#[test]
fn duplicate_parameter() {
    assert_snapshot!(render("fn f(a, b, a) { }\n"));
}

#[test]
fn duplicate_parameter_and_local() {
    assert_snapshot!(render("fn f(a) {\n  var a = 2\n}\n"));
}

#[test]
fn duplicate_for_variables() {
    assert_snapshot!(render("for k, k in {\"a\": 1} { }\n"));
}

#[test]
fn underscore_may_be_declared_twice() {
    assert_clean(
        "let _ = 1\nlet _ = 2\nfn f(_, _) { }\nfor _, _ in [1] { }\ntry { } catch _ { }\nfn g() {\n  let _ = 1\n  let _ = 2\n}\n",
    );
}

#[test]
fn shadowing_in_inner_block_is_allowed() {
    assert_clean("let x = 1\nfn f(x) {\n  if x {\n    let x = 2\n  }\n  return x\n}\n");
}

// ---------------------------------------------------------------------------
// Resolver: control flow

#[test]
fn break_outside_loop() {
    assert_snapshot!(render("fn f() {\n  break\n}\n"));
}

#[test]
fn continue_outside_loop() {
    assert_snapshot!(render("if true {\n  continue\n}\n"));
}

#[test]
fn break_in_lambda_inside_loop() {
    assert_snapshot!(render(
        "for i in 0..3 {\n  let f = fn() {\n    break\n  }\n  f()\n}\n"
    ));
}

#[test]
fn return_at_module_level() {
    assert_snapshot!(render("let x = 1\nreturn x\n"));
}

#[test]
fn init_returns_value() {
    assert_snapshot!(render(
        "class P {\n  var x\n  init(x) {\n    this.x = x\n    return this\n  }\n}\n"
    ));
}

#[test]
fn init_expression_body() {
    assert_snapshot!(render("class P {\n  init() => nil\n}\n"));
}

// ---------------------------------------------------------------------------
// Resolver: `this` and `super`

#[test]
fn this_outside_method() {
    assert_snapshot!(render("fn f() {\n  return this\n}\n"));
}

#[test]
fn super_outside_method() {
    assert_snapshot!(render("fn f() {\n  return super.to_string()\n}\n"));
}

#[test]
fn super_in_static_method() {
    assert_snapshot!(render(
        "class A { }\nclass B < A {\n  static fn make() {\n    return super.make()\n  }\n}\n"
    ));
}

// ---------------------------------------------------------------------------
// Resolver: classes

#[test]
fn undeclared_field() {
    assert_snapshot!(render(
        "class P {\n  var x\n  init(x, y) {\n    this.x = x\n    this.y = y\n  }\n}\n"
    ));
}

#[test]
fn undeclared_field_with_suggestion() {
    assert_snapshot!(render(
        "class Counter {\n  var count = 0\n  fn reset() {\n    this.cuont = 0\n  }\n}\n"
    ));
}

#[test]
fn undeclared_field_that_is_static() {
    assert_snapshot!(render(
        "class Counter {\n  static var total = 0\n  fn bump() {\n    this.total = 1\n  }\n}\n"
    ));
}

#[test]
fn undeclared_field_in_closure_in_method() {
    assert_snapshot!(render(
        "class P {\n  fn later() {\n    return fn() { this.done = true }\n  }\n}\n"
    ));
}

#[test]
fn undeclared_field_in_local_class() {
    assert_snapshot!(render(
        "fn make() {\n  class Base {\n    var a\n  }\n  class Derived < Base {\n    init() {\n      this.b = 1\n    }\n  }\n  return Derived\n}\n"
    ));
}

#[test]
fn field_of_imported_superclass_is_not_checked() {
    let checked = check_source(
        "test.cairn",
        "import \"./shapes\" as mod\nclass Square < mod.Base {\n  init() {\n    this.side = 1\n  }\n}\n",
    );
    // Relative imports are not followed by `check_source`: no error at all.
    assert!(!checked.has_errors(), "{}", checked.render(false));
}

#[test]
fn inherited_fields_are_declared() {
    assert_clean(
        "class A {\n  var a\n}\nclass B < A {\n  var b\n  init() {\n    this.a = 1\n    this.b = 2\n  }\n}\nclass C < B {\n  init() {\n    super.init()\n    this.a = 3\n  }\n}\nclass E < Error {\n  var code\n  init(m) {\n    this.message = m\n    this.stack = \"\"\n    this.code = 1\n  }\n}\nclass V < ValueError {\n  init() {\n    this.message = \"bad\"\n  }\n}\n",
    );
}

#[test]
fn local_class_shadowing_module_class_is_followed() {
    assert_clean(
        "class A {\n  var a\n}\nfn f() {\n  class A {\n    var b\n  }\n  class B < A {\n    init() {\n      this.b = 1\n    }\n  }\n  return B\n}\n",
    );
}

#[test]
fn superclass_from_variable_is_not_checked() {
    assert_clean(
        "fn f(Base) {\n  class D < Base {\n    init() {\n      this.anything = 1\n    }\n  }\n  return D\n}\nfn g(Error) {\n  class D < Error {\n    init() {\n      this.anything = 1\n    }\n  }\n  return D\n}\n",
    );
}

#[test]
fn field_redeclares_inherited_field() {
    assert_snapshot!(render(
        "class A {\n  var a\n}\nclass B < A { }\nclass C < B {\n  var a\n}\n"
    ));
}

#[test]
fn field_redeclares_error_field() {
    assert_snapshot!(render("class AppError < Error {\n  var message\n}\n"));
}

#[test]
fn field_and_method_with_same_name() {
    assert_snapshot!(render(
        "class Box {\n  var size\n  fn size() {\n    return 1\n  }\n}\n"
    ));
}

#[test]
fn duplicate_members() {
    assert_snapshot!(render(
        "class Box {\n  var w\n  var w\n  fn area() { return 0 }\n  fn area() { return 1 }\n  static var count = 0\n  static var count = 1\n}\n"
    ));
}

#[test]
fn static_and_instance_members_may_share_a_name() {
    assert_clean("class Box {\n  var size\n  static var size = 0\n  fn area() { }\n  static fn area() { }\n}\n");
}

#[test]
fn inherit_from_value_class() {
    assert_snapshot!(render("class Meters < Int { }\nclass Stack < List { }\n"));
}

// ---------------------------------------------------------------------------
// Resolver: imports and literals

#[test]
fn import_not_at_top_level() {
    assert_snapshot!(render("fn f() {\n  import math\n  return math.pi\n}\n"));
}

#[test]
fn import_in_top_level_block() {
    assert_snapshot!(render("if true {\n  import math\n}\n"));
}

#[test]
fn unknown_standard_module_with_suggestion() {
    assert_snapshot!(render("import maths\n"));
}

#[test]
fn unknown_standard_module_without_suggestion() {
    assert_snapshot!(render("import geometry\n"));
}

#[test]
fn integer_two_to_the_63_not_negated() {
    assert_snapshot!(render(
        "let a = -9223372036854775808\nlet b = 9223372036854775808\nlet c = 0x8000000000000000\nlet d = -(9223372036854775808)\n"
    ));
}

// ---------------------------------------------------------------------------
// Several errors in one run

#[test]
fn several_errors_in_one_run() {
    assert_snapshot!(render(
        r#"import maths

let limit = 10
limit = 20

fn total(xs) {
  var sum = 0
  for x in xs {
    sum += x
  }
  return summ
}

class Point {
  var x
  init(x, y) {
    this.x = x
    this.y = y
  }
}

let s = "tab\q"
break
"#
    ));
}

#[test]
fn errors_after_a_syntax_error_are_still_reported() {
    assert_snapshot!(render("let a = (1 +\nlet b = 2\nb = 3\nprint(c)\n"));
}

// ---------------------------------------------------------------------------
// Rendering never loses a diagnostic

/// Every diagnostic must render: a span codespan rejects (past the end of the
/// file, inside a character) would make it vanish from the output silently.
#[test]
fn every_diagnostic_of_every_prefix_renders() {
    let program = "import math\nclass P < Error {\n  var x = \"é${1 + 2}\\u{1F600}\"\n  init(x) { this.x = x; return }\n  fn +(o) => P(this.x + o.x)\n}\n/* c /* n */ */\nlet xs = [1, 2.5e3, 0x_f, -9223372036854775808]\nfor i, x in xs {\n  if i < 2 { continue } else { break }\n}\ntry { throw P(1) } catch e: P { print(e.message) } finally { }\n";
    for end in (0..=program.len()).filter(|&i| program.is_char_boundary(i)) {
        let src = &program[..end];
        let checked = check_source("test.cairn", src);
        let rendered = checked.render(false);
        let headers = rendered
            .lines()
            .filter(|l| l.starts_with("error:") || l.starts_with("warning:"))
            .count();
        assert_eq!(
            headers,
            checked.diagnostics.len(),
            "prefix of {end} bytes:\n{src}\nrendered:\n{rendered}"
        );
    }
}

#[test]
fn out_of_range_spans_still_render() {
    use cairn_compiler::diag::{Diagnostic, SourceMap};
    use cairn_compiler::span::Span;
    let mut sources = SourceMap::new();
    let file = sources.add("odd.cairn", "let é = 1\n");
    let diags = [
        Diagnostic::error(file, "past the end", Span::new(50, 60)),
        Diagnostic::error(file, "inside a character", Span::new(5, 6)).with_label("here"),
        Diagnostic::error(file, "reversed", Span::new(3, 1)),
        Diagnostic::error(7, "unknown file", Span::new(0, 1)),
    ];
    assert_snapshot!(sources.render(&diags, false));
}

// ---------------------------------------------------------------------------
// Long lines are shown around the labels only

/// `n` comma-separated Int literals from `from`.
fn ints(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn long_line_is_shown_around_the_error() {
    let src = format!(
        "let total = 1\nlet xs = [{}, totl, {}]\n",
        ints(0, 200),
        ints(200, 200)
    );
    assert_snapshot!(render(&src));
}

#[test]
fn long_line_with_labels_far_apart() {
    let src = format!("let x = [{}]; let x = 2\n", ints(0, 300));
    assert_snapshot!(render(&src));
}

#[test]
fn label_across_long_lines() {
    use cairn_compiler::diag::{Diagnostic, SourceMap};
    use cairn_compiler::span::Span;
    let long = "é".repeat(400);
    let text = format!("short\n{long}\nmiddle {long}\n{long} end\n");
    let mut sources = SourceMap::new();
    let file = sources.add("long.cairn", text.as_str());
    let start = text.find("ort").expect("present");
    let end = text.find(" end").expect("present");
    let diags = [
        Diagnostic::error(file, "from line 1 to line 4", Span::new(start, end))
            .with_label("here")
            .with_secondary(Span::new(end - 21, end - 20), "inside a character"),
        Diagnostic::error(
            file,
            "past the end",
            Span::new(text.len() + 5, text.len() + 9),
        ),
        Diagnostic::error(file, "reversed", Span::new(end, start)),
    ];
    assert_snapshot!(sources.render(&diags, false));
}
