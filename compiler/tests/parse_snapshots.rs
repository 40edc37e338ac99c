//! Snapshot tests of the parser (and, for a few programs, the resolver): each
//! renders the AST with `ast_print` and compares it with the snapshot under
//! `tests/snapshots/`. Every snapshot starts with the source it was made from.
//!
//! Also here: error recovery, and the bound on tree height.

use cairn_compiler::ast::*;
use cairn_compiler::ast_print;
use cairn_compiler::diag::Diagnostic;
use cairn_compiler::parse::{parse, MAX_HEIGHT};
use cairn_compiler::resolve::resolve;
use cairn_compiler::span::line_col;

/// The source, each line marked, above the rendering.
fn with_source(src: &str, rendered: &str) -> String {
    let mut out = String::new();
    for line in src.lines() {
        out.push_str("| ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("=====\n");
    out.push_str(rendered);
    out
}

fn render_diags(src: &str, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let (line, col) = line_col(src, d.span.start as usize);
        out.push_str(&format!(
            "{line}:{col}: {} [{}] at {:?}\n",
            d.message,
            d.label,
            &src[d.span.range()]
        ));
        for note in &d.notes {
            out.push_str(&format!("    note: {note}\n"));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("    help: {help}\n"));
        }
    }
    out
}

/// Parses `src`, which must be free of syntax errors, and renders the AST.
fn ast(src: &str) -> String {
    let parsed = parse(src, 0);
    assert!(
        parsed.diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        render_diags(src, &parsed.diagnostics)
    );
    with_source(src, &ast_print::module(&parsed.module))
}

/// Parses and resolves `src`, which must be free of errors, and renders the
/// resolved AST.
fn resolved(src: &str) -> String {
    let mut parsed = parse(src, 0);
    assert!(
        parsed.diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        render_diags(src, &parsed.diagnostics)
    );
    let diags = resolve(&mut parsed.module, 0);
    assert!(
        diags.is_empty(),
        "unexpected resolver diagnostics:\n{}",
        render_diags(src, &diags)
    );
    with_source(src, &ast_print::module(&parsed.module))
}

/// Parses `src`, which must have syntax errors, and renders the diagnostics
/// and what was recovered.
fn parse_errors(src: &str) -> String {
    let parsed = parse(src, 0);
    assert!(!parsed.diagnostics.is_empty(), "expected diagnostics");
    let rendered = format!(
        "{}-----\n{}",
        render_diags(src, &parsed.diagnostics),
        ast_print::module(&parsed.module)
    );
    with_source(src, &rendered)
}

macro_rules! snap {
    ($name:ident, $render:ident, $src:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!($render($src));
        }
    };
}

// ---------------------------------------------------------------------------
// A walker over every node, for span dumps and independent height checks.

#[derive(Clone, Copy)]
enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
    Block(&'a Block),
    Func(&'a Function),
    Param(&'a Param),
    Catch(&'a Catch),
    ClassRef(&'a ClassRef),
    Ident(&'a str, &'a Ident),
}

impl<'a> Node<'a> {
    fn span(self) -> cairn_compiler::span::Span {
        match self {
            Node::Stmt(s) => s.span,
            Node::Expr(e) => e.span,
            Node::Block(b) => b.span,
            Node::Func(f) => f.span,
            Node::Param(p) => p.binder.ident.span,
            Node::Catch(c) => c.span,
            Node::ClassRef(c) => c.span,
            Node::Ident(_, i) => i.span,
        }
    }

    fn label(self) -> String {
        match self {
            Node::Stmt(s) => match &s.kind {
                StmtKind::Let(l) => format!("{:?} {}", l.binder.kind, l.binder.ident.name),
                StmtKind::Fn(f) => format!("Fn {}", f.binder.ident.name),
                StmtKind::Class(c) => format!("Class {}", c.binder.ident.name),
                StmtKind::Import(i) => format!("Import {}", i.binder.ident.name),
                StmtKind::Expr(_) => "ExprStmt".into(),
                StmtKind::Assign { op, .. } => {
                    format!("Assign {}=", op.map_or("", |o| o.symbol()))
                }
                StmtKind::If { .. } => "If".into(),
                StmtKind::While { .. } => "While".into(),
                StmtKind::For(_) => "For".into(),
                StmtKind::Break => "Break".into(),
                StmtKind::Continue => "Continue".into(),
                StmtKind::Return(_) => "Return".into(),
                StmtKind::Throw(_) => "Throw".into(),
                StmtKind::Try(_) => "Try".into(),
                StmtKind::Error => "ErrorStmt".into(),
            },
            Node::Expr(e) => match &e.kind {
                ExprKind::Name { name, .. } => format!("Name {name}"),
                ExprKind::Unary(op, _) => format!("Unary {}", op.symbol()),
                ExprKind::Binary(op, _, _) => format!("Binary {}", op.symbol()),
                ExprKind::Logic(op, _, _) => format!("Logic {op:?}"),
                ExprKind::Range { inclusive, .. } => {
                    format!("Range {}", if *inclusive { "..=" } else { ".." })
                }
                ExprKind::Field { name, .. } => format!("Field .{}", name.name),
                ExprKind::Invoke(inv) => format!("Invoke .{}", inv.name.name),
                ExprKind::SuperField { name, .. } => format!("SuperField .{}", name.name),
                ExprKind::SuperInvoke(sup) => format!("SuperInvoke .{}", sup.name.name),
                other => {
                    let debug = format!("{other:?}");
                    debug
                        .split(|c: char| !c.is_alphanumeric())
                        .next()
                        .unwrap_or("")
                        .to_string()
                }
            },
            Node::Block(_) => "Block".into(),
            Node::Func(f) => format!("Function {}", f.name),
            Node::Param(p) => format!("Param {}", p.binder.ident.name),
            Node::Catch(c) => format!("Catch {}", c.binder.ident.name),
            Node::ClassRef(_) => "ClassRef".into(),
            Node::Ident(what, i) => format!("{what} {}", i.name),
        }
    }

    fn children(self) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        match self {
            Node::Stmt(s) => match &s.kind {
                StmtKind::Let(l) => {
                    out.push(Node::Ident("binder", &l.binder.ident));
                    out.extend(l.value.iter().map(Node::Expr));
                }
                StmtKind::Fn(f) => {
                    out.push(Node::Ident("binder", &f.binder.ident));
                    out.push(Node::Func(&f.func));
                }
                StmtKind::Class(c) => {
                    out.push(Node::Ident("binder", &c.binder.ident));
                    out.extend(c.superclass.iter().map(Node::ClassRef));
                    for f in &c.fields {
                        out.push(Node::Ident("field", &f.ident));
                        out.extend(f.init.iter().map(Node::Expr));
                    }
                    for m in &c.methods {
                        out.push(Node::Func(&m.func));
                    }
                }
                StmtKind::Import(i) => out.push(Node::Ident("binder", &i.binder.ident)),
                StmtKind::Expr(e) | StmtKind::Throw(e) => out.push(Node::Expr(e)),
                StmtKind::Assign { target, value, .. } => {
                    out.push(Node::Expr(target));
                    out.push(Node::Expr(value));
                }
                StmtKind::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    out.push(Node::Expr(cond));
                    out.push(Node::Block(then));
                    match otherwise.as_deref() {
                        Some(Else::If(s)) => out.push(Node::Stmt(s)),
                        Some(Else::Block(b)) => out.push(Node::Block(b)),
                        None => {}
                    }
                }
                StmtKind::While { cond, body } => {
                    out.push(Node::Expr(cond));
                    out.push(Node::Block(body));
                }
                StmtKind::For(f) => {
                    out.extend(f.vars.iter().map(|v| Node::Ident("var", &v.ident)));
                    out.push(Node::Expr(&f.iterable));
                    out.push(Node::Block(&f.body));
                }
                StmtKind::Return(e) => out.extend(e.iter().map(Node::Expr)),
                StmtKind::Try(t) => {
                    out.push(Node::Block(&t.body));
                    out.extend(t.catches.iter().map(Node::Catch));
                    out.extend(t.finally.iter().map(Node::Block));
                }
                StmtKind::Break | StmtKind::Continue | StmtKind::Error => {}
            },
            Node::Expr(e) => match &e.kind {
                ExprKind::Interp(parts) => {
                    for p in parts {
                        if let StrPart::Expr(e) = p {
                            out.push(Node::Expr(e));
                        }
                    }
                }
                ExprKind::List(items) => out.extend(items.iter().map(Node::Expr)),
                ExprKind::Map(entries) => {
                    for (k, v) in entries {
                        out.push(Node::Expr(k));
                        out.push(Node::Expr(v));
                    }
                }
                ExprKind::Range { start, end, .. } => {
                    out.push(Node::Expr(start));
                    out.push(Node::Expr(end));
                }
                ExprKind::Unary(_, a) => out.push(Node::Expr(a)),
                ExprKind::Binary(_, a, b) | ExprKind::Logic(_, a, b) | ExprKind::Is(a, b) => {
                    out.push(Node::Expr(a));
                    out.push(Node::Expr(b));
                }
                ExprKind::Ternary {
                    cond,
                    then,
                    otherwise,
                } => {
                    out.push(Node::Expr(cond));
                    out.push(Node::Expr(then));
                    out.push(Node::Expr(otherwise));
                }
                ExprKind::Call { callee, args } => {
                    out.push(Node::Expr(callee));
                    out.extend(args.iter().map(Node::Expr));
                }
                ExprKind::Invoke(inv) => {
                    out.push(Node::Expr(&inv.object));
                    out.push(Node::Ident("name", &inv.name));
                    out.extend(inv.args.iter().map(Node::Expr));
                }
                ExprKind::SuperInvoke(sup) => {
                    out.push(Node::Ident("name", &sup.name));
                    out.extend(sup.args.iter().map(Node::Expr));
                }
                ExprKind::SuperField { name, .. } => out.push(Node::Ident("name", name)),
                ExprKind::Field { object, name } => {
                    out.push(Node::Expr(object));
                    out.push(Node::Ident("name", name));
                }
                ExprKind::Index { object, index } => {
                    out.push(Node::Expr(object));
                    out.push(Node::Expr(index));
                }
                ExprKind::Lambda(f) => out.push(Node::Func(f)),
                _ => {}
            },
            Node::Block(b) => out.extend(b.stmts.iter().map(Node::Stmt)),
            Node::Func(f) => {
                out.extend(f.params.iter().map(Node::Param));
                match &f.body {
                    FnBody::Block(b) => out.push(Node::Block(b)),
                    FnBody::Expr(e) => out.push(Node::Expr(e)),
                }
            }
            Node::Param(p) => out.extend(p.default.iter().map(Node::Expr)),
            Node::Catch(c) => {
                out.push(Node::Ident("var", &c.binder.ident));
                out.extend(c.filter.iter().map(Node::ClassRef));
                out.push(Node::Block(&c.body));
            }
            Node::ClassRef(c) => out.push(Node::Expr(&c.expr)),
            Node::Ident(..) => {}
        }
        out
    }

    /// The height as `ast.rs` defines it, recomputed from the nodes: the most
    /// statements and expressions on any path from this node down (the other
    /// nodes are transparent). Iterative, so any depth is safe.
    fn real_height(self) -> u32 {
        let mut max = 0;
        let mut stack = vec![(self, 0u32)];
        while let Some((node, above)) = stack.pop() {
            let here = above + u32::from(matches!(node, Node::Stmt(_) | Node::Expr(_)));
            max = max.max(here);
            stack.extend(node.children().into_iter().map(|c| (c, here)));
        }
        max
    }
}

/// Every node with the exact source text its span covers, indented by depth.
fn spans(src: &str) -> String {
    fn walk(node: Node, src: &str, depth: usize, out: &mut String) {
        out.push_str(&format!(
            "{}{} {:?}\n",
            "  ".repeat(depth),
            node.label(),
            &src[node.span().range()]
        ));
        for c in node.children() {
            walk(c, src, depth + 1, out);
        }
    }
    let parsed = parse(src, 0);
    assert!(
        parsed.diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        render_diags(src, &parsed.diagnostics)
    );
    let mut out = String::new();
    for s in &parsed.module.stmts {
        walk(Node::Stmt(s), src, 0, &mut out);
    }
    with_source(src, &out)
}

// ===========================================================================
// Statements

snap!(
    let_and_var,
    ast,
    r#"let x = 1
var y
var z = x + 2
let s = "text"
var t = nil
"#
);

snap!(
    fn_decl_with_block_and_arrow_bodies,
    ast,
    r#"fn add(a, b) { return a + b }
fn inc(x) => x + 1
fn nothing() {}
fn two_lines() {
  let a = 1
  return a
}
fn cond(x) => x ? "yes" : "no"
"#
);

snap!(
    fn_params_defaults_rest_and_trailing_commas,
    ast,
    r#"fn greet(name, greeting = "hello") { return greeting }
fn sum(...xs) => xs
fn mixed(a, b = 1, c = [a, b], ...rest) => rest
fn spread_out(
  first,
  second = {"k": 1},
) {}
fn trailing(a,) => a
"#
);

snap!(
    class_fields_initialised_fields_and_static_vars,
    ast,
    r#"class Point {
  var x
  var y = 0
  static var made = 0
  static var origin
  var tags = ["a", "b"]
}
"#
);

snap!(
    class_init_with_and_without_fn,
    ast,
    r#"class A {
  init(x, y) { this.x = x }
}
class B {
  fn init(x = 1) { return }
}
class C {
  init() => nil
}
"#
);

snap!(
    class_methods_and_static_methods,
    ast,
    r#"class Point {
  var x
  fn norm2() { return this.x * this.x }
  fn double() => Point(this.x * 2)
  static fn origin() { return Point(0) }
  static fn of(...xs) => xs
  fn to_string() { return "(${this.x})" }
}
"#
);

snap!(
    class_operator_methods,
    ast,
    r#"class V {
  fn +(o) => 1
  fn -(o) => 2
  fn *(o) => 3
  fn /(o) => 4
  fn %(o) => 5
  fn **(o) => 6
  fn ==(o) => 7
  fn <(o) => 8
  fn <=(o) => 9
  fn >(o) => 10
  fn >=(o) => 11
  fn [](i) => 12
  fn []=(i, v) { }
  fn -() => 13
}
"#
);

snap!(
    class_superclasses,
    ast,
    r#"class Point3 < Point {
  var z
  init(x, y, z) { super.init(x, y); this.z = z }
  fn norm2() { return super.norm2() + this.z * this.z }
}
class Disk < geometry.Circle {}
class MyError < Error { }
"#
);

snap!(
    class_members_separated_by_semicolons_and_blank_lines,
    ast,
    r#"class Empty {}
class Blank {

}
class OneLine { var a; var b = 1; fn f() => a }
class Spaced {

  var a


  fn f() {}

}
"#
);

snap!(
    imports,
    ast,
    r#"import math
import json as j
import "./geometry"
import "./lib/geometry" as geo
import "../util/strings.cairn"
import "./a/b.cairn" as b2
"#
);

snap!(
    expression_statements,
    ast,
    r#"print("hi")
xs.push(1)
f
42
f()()
fn() { print(1) }()
(a)
"#
);

snap!(
    assignment_operators_on_names,
    ast,
    r#"x = 1
x += 2
x -= 3
x *= 4
x /= 5
x %= 6
x = y == 7
"#
);

snap!(
    assignment_to_fields_and_indexes,
    ast,
    r#"obj.f = 6
obj.a.b += 1
xs[0] = 5
grid[i][j] -= 1
m["k"] *= 2
f().x /= 2
xs[i + 1].y %= 3
this.count = this.count + 1
Point.made += 1
"#
);

snap!(
    if_else_if_else,
    ast,
    r#"if a { x() }
if a { x() } else { y() }
if a { x() } else if b { y() }
if a {
  x()
} else if b {
  y()
} else if c {
  z()
} else {
  w()
}
if a { if b { c() } else { d() } }
if not a and b or c { }
"#
);

snap!(
    while_loops_break_and_continue,
    ast,
    r#"while i < 10 {
  i += 1
  if i % 2 == 0 { continue }
  if i > 7 { break }
}
while true { break }
while x {}
"#
);

snap!(
    for_loops_with_one_and_two_variables,
    ast,
    r#"for x in xs { print(x) }
for k, v in ages { print(k, v) }
for i in 0..10 {
  for j in 0..=i { continue }
  break
}
for c in "text".chars() {}
"#
);

snap!(
    return_with_and_without_value,
    ast,
    r#"fn f(x) {
  if x { return }
  if not x { return nil }
  return x + 1
}
fn g() {
  return
}
fn h() { return; }
fn k() { return fn() => 1 }
"#
);

snap!(
    throw_statements,
    ast,
    r#"throw TypeError("area() is abstract")
throw e
fn f() { throw ValueError() }
"#
);

snap!(
    try_catch_finally_combinations,
    ast,
    r#"try { a() } catch e: KeyError { b(e) }
try { a() } catch e { b(e) }
try { a() } finally { c() }
try { a() } catch _ { }
try {
  a()
} catch e: KeyError {
  b()
} catch e: errors.Custom {
  c()
} catch e {
  d()
} finally {
  f()
}
try { a() } catch e: IndexError { } finally { }
try { try { a() } finally { b() } } catch e { }
"#
);

snap!(
    separators_semicolons_comments_and_blank_lines,
    ast,
    r#"

; a; b;; c ;
// a comment line
d // trailing comment
/* block */ e /* another
spanning lines */ f

g
"#
);

snap!(
    statements_in_one_line_blocks,
    ast,
    r#"if a { b; c } else { d; e; }
while x { x -= 1; if x == 3 { break } }
fn f() { let a = 1; return a }
"#
);

snap!(
    taste_program_from_the_brief,
    ast,
    r#"import math

class Shape {
  fn area() { throw TypeError("area() is abstract") }
  fn describe() { return "${this.name()} of area ${this.area()}" }
}

class Circle < Shape {
  var r
  init(r) { this.r = r }
  fn area() { return math.pi * this.r * this.r }
  fn name() { return "circle" }
  static fn unit() { return Circle(1.0) }
}

let shapes = [Circle(2.0), Circle.unit()]
for s in shapes {
  print(s.describe())
}

fn counter() {
  var n = 0
  return fn() { n += 1; return n }
}
let next = counter()
next()
print(next())            // 2

let ages = {"ann": 31, "bob": 27}
ages["cy"] = 45
for name, age in ages { print("${name} is ${age}") }

try {
  print([1, 2, 3][7])
} catch e: IndexError {
  print("caught: ${e.message}")
} finally {
  print("done")
}
"#
);

// ===========================================================================
// Expressions

snap!(
    literals,
    ast,
    r#"nil
true
false
0
1_000
0xff
0b1010
0o17
9223372036854775807
1.5
2.0e-3
1e9
1_000.25
""
"a\tb\n\"q\" \$ \\ \u{1F600}"
"cost: $5"
"#
);

snap!(
    minimum_int_literal,
    ast,
    r#"-9223372036854775808
-0x8000000000000000
- 9223372036854775808
-9223372036854775807
-1
-(1)
"#
);

snap!(
    ternary_is_right_associative,
    ast,
    r#"a ? b : c
a ? b : c ? d : e
a ? b ? c : d : e
a or b ? c and d : not e
(a ? b : c) ? d : e
x = a ? 1 : 2
"#
);

snap!(
    or_and_not_precedence,
    ast,
    r#"a or b or c
a and b and c
a or b and c
a and b or c
not a or b
not a and not b
not not a
not a == b
not a is Int
(a or b) and c
"#
);

snap!(
    comparisons_and_is,
    ast,
    r#"a == b
a != b
a < b
a <= b
a > b
a >= b
x is Int
x is geometry.Circle
a + 1 < b * 2
a == b and c != d
(a < b) == (c < d)
a < b or b < c
"#
);

snap!(
    bitwise_operators,
    ast,
    r#"a | b ^ c & d
a & b ^ c | d
a | b | c
a ^ b ^ c
a & b & c
a | b == c
a & b != 0
~a & b
"#
);

snap!(
    shifts,
    ast,
    r#"a << b >> c
1 << n + 1
a & b << c
a << b | c
1 << 63
x >> 2 == 0
"#
);

snap!(
    ranges,
    ast,
    r#"0..n
0..=n
a + 1..b - 1
0..n * 2
a << 1..2
xs[1..3]
s[0..=2]
(0..10).step(2)
a..b == c..d
-1..-5
"#
);

snap!(
    additive_and_multiplicative,
    ast,
    r#"a - b - c
a - b + c
a + b - c
a * b / c % d
a / b * c
a + b * c
a * b + c
a - b * c - d
(a + b) * c
a % b % c
"#
);

snap!(
    prefix_minus_and_bit_not,
    ast,
    r#"-a
~a
- -a
-~a
~-a
-a * b
-a.b
-f(x)
-xs[0]
not -a
-a + -b
a - -b
a--b
"#
);

snap!(
    power_is_right_associative_and_binds_tighter_than_prefix_minus,
    ast,
    r#"a ** b ** c
-2 ** 2
(-2) ** 2
2 ** -1
2 ** -x ** 2
~a ** b
a.b ** c.d
a ** b * c
a * b ** c
f(x) ** xs[0]
-a ** -b ** c
"#
);

snap!(
    calls,
    ast,
    r#"f()
f(a)
f(a, b)
f(a, b,)
f(a)(b)
f()()()
(f)(x)
g(f(x), h(y, z))
fn(x) { return x }(1)
f(
  a,
  b,
)
f(a
  , b)
"#
);

snap!(
    invoke_and_field_access,
    ast,
    r#"a.b
a.b(c)
a.b()
a.b(c, d,)
a.b.c(d).e
a.b()()
a.b.c
(a.b)(c)
1.abs()
1.5.floor()
"s".len()
[1].len()
f().g
this.x
"#
);

snap!(
    indexing,
    ast,
    r#"a[0]
a[i][j]
a[b[c]]
f()[0]
a.b[0]
a.b()[0]
[1, 2][0]
{"k": 1}["k"]
"str"[-1]
xs[i + 1]
xs[-1]
"#
);

snap!(
    class_of_a_value,
    ast,
    r#"x.class
x.class.name
x.class == Int
1.class
(x.class)
print(x.class)
"#
);

snap!(
    super_field_and_super_invoke,
    ast,
    r#"class B < A {
  fn m(x) {
    super.m(x)
    let f = super.m
    return super.m(x, 1) + super.n()
  }
  fn k() => super.k
  fn j() => super.class
}
"#
);

snap!(
    list_literals,
    ast,
    r#"[]
[1]
[1, 2, 3]
[1, 2, 3,]
[[1, 2], [], [[3]]]
[
  1,
  2,
]
[
  "a", "b",
  "c"
]
[f(x), a.b, -1, 1..2]
"#
);

snap!(
    map_literals,
    ast,
    r#"let a = {}
let b = {"k": 1}
let c = {"k": 1, "j": 2,}
let d = {1: "one", nil: 0, true: [1], (1..2): x}
let e = {
  "ann": 31,
  "bob": 27,
}
let f = {
  "ann": 31,
  "bob": 27
}
let g = {"outer": {"inner": {
  "deep": 1
}}}
let h = {
}
let i = {"k": a ? b : c, "f": fn(x) => x}
"#
);

snap!(
    string_interpolation,
    ast,
    r#""a ${x} b"
"${x}"
"${x}${y}"
"sum: ${a + b}, product: ${a * b}!"
"${xs[0]} and ${m["k"]}"
"${p.name()} of area ${p.area()}"
"${ {"k": 1}["k"] }"
"${ fn() { return 1 }() }"
"$${x}"
"\${x} ${y}"
"#
);

snap!(
    nested_interpolation,
    ast,
    r#""a ${ "b ${x} c" } d"
"${ "${ "${x}" }" }"
"outer ${ "inner ${a + 1}" + "${b}" } end"
"#
);

snap!(
    lambdas_with_block_and_expression_bodies,
    ast,
    r#"let sq = fn(x) { return x * x }
let inc = fn(x) => x + 1
let k = fn() => fn() => 1
let pick = fn(c) => c ? 1 : 2
let opts = fn(a, b = 2, ...r) => [a, b, r]
let body = fn() {
  let t = 1
  return t
}
let compare = fn(a, b) => a < b
let t = x ? fn() => 1 : fn() => 2
"#
);

snap!(
    lambdas_passed_as_arguments_spanning_lines,
    ast,
    r#"xs.map(fn(x) {
  return x * 2
})
xs.sort_by(fn(p) => p.age)
reduce(xs, fn(acc, x) {
  acc += x
  return acc
}, 0)
f(
  fn(a) => a,
  fn(b) {
    return b
  },
)
"#
);

snap!(
    method_chains_continue_on_lines_starting_with_a_dot,
    ast,
    r#"let r = xs
  .map(fn(x) => x * 2)
  .filter(fn(x) => x > 1)
  .len()
print(r)
items
  // a comment between
  .first()

  .name
builder.a()
  .b
  .c()
"#
);

snap!(
    newline_rule_in_expressions,
    ast,
    r#"let a = 1 +
  2
let b = (1
  + 2)
let c = [1
  , 2]
let d = f(
  1)
x
(y)
"#
);

// ===========================================================================
// Spans

snap!(
    spans_of_expressions,
    spans,
    r#"-2 ** 2 + f(a, b)[0].c(d)
x = c ? a.b : -9223372036854775808
"a ${x + 1} b"
(a + b) * (c)
xs
  .map(f)
  .len
{"k": [1]}
"#
);

snap!(
    spans_of_statements,
    spans,
    r#"fn f(a, b = 1, ...c) => a
class P < m.Q {
  var x = 1
  static fn s() {}
  fn +(o) { return o }
}
if a { b() } else if c { } else { }
for k, v in m { }
try { } catch e: m.E { } finally { }
import "./lib/geo"
let g = fn(x) { return x }
"#
);

// ===========================================================================
// Resolved trees

snap!(
    resolved_locals_and_globals,
    resolved,
    r#"let top = 1
var counter = 0
fn f(a, b) {
  let c = a + b + top
  var d = c
  d += 1
  counter += d
  return d
}
fn g() { return f(1, 2) }
let r = g()
"#
);

snap!(
    resolved_upvalues_closure_in_closure,
    resolved,
    r#"fn outer(a) {
  var n = 0
  fn middle(b) {
    return fn(c) {
      n += 1
      return a + b + c + n
    }
  }
  return middle
}
"#
);

snap!(
    resolved_captured_loop_variables,
    resolved,
    r#"var fs = []
for i in 0..3 {
  let j = i * 2
  fs.push(fn() => i + j)
}
for k, v in {"a": 1} {
  print(k, v)
}
fn in_function(xs) {
  for x in xs {
    fs.push(fn() { return x })
  }
}
"#
);

snap!(
    resolved_prelude_names,
    resolved,
    r#"print(str(1), repr("a"))
assert(true, "msg")
let k = [Int, Float, String, List, Map, Range, Function, Class, Fiber, Iterator, Object]
try { } catch e: KeyError { throw ValueError(e.message) }
"#
);

snap!(
    resolved_this_captured_in_lambda_inside_method,
    resolved,
    r#"class Counter < Object {
  var n = 0
  fn adder() {
    return fn(k) { this.n += k; return this.n }
  }
  fn nested() {
    return fn() => fn() => this.n
  }
  fn sup() {
    return fn() => super.to_string()
  }
}
"#
);

snap!(
    resolved_module_level_functions_refer_to_each_other,
    resolved,
    r#"fn even(n) => n == 0 ? true : odd(n - 1)
fn odd(n) => n == 0 ? false : even(n - 1)
class A { fn b() => B() }
class B < A {}
print(even(10))
"#
);

// ===========================================================================
// Syntax errors

snap!(
    error_recovery_reports_each_error,
    parse_errors,
    r#"let a = 1 +* 2
let ok1 = 1
print(a b)
let b = (3
let ok2 = 2
x = = 5
fn f(x { return x }
let ok3 = 3
if a { ) }
let ok4 = 4
"#
);

snap!(
    error_recovery_inside_blocks_and_classes,
    parse_errors,
    r#"fn f() {
  let a = 1 +* 2
  let b = 2
  a b
  return b
}
class C {
  var x
  fn m() { return ) }
  fn ok() => 1
}
let after = 1
"#
);

snap!(
    chained_comparisons_and_ranges_are_errors,
    parse_errors,
    r#"a < b < c
a == b != c
x is A is B
1..2..3
0..=1..2
let fine = (a < b) < c
"#
);

snap!(
    operator_method_errors,
    parse_errors,
    r#"class A {
  fn +(a, b) {}
  fn [](i = 0) {}
  fn []=(i) {}
  fn -(a, b) {}
  static fn *(o) {}
  static fn init() {}
  m() {}
}
"#
);

snap!(
    parameter_order_errors,
    parse_errors,
    r#"fn f(...a, b) {}
fn g(a = 1, b) {}
fn h(...a, ...b) {}
let l = fn(a = 1, b) => a
"#
);

snap!(
    misplaced_else_and_missing_separators,
    parse_errors,
    r#"if a { b() }
else { c() }
let x = 1 let y = 2
try { a() }
catch e { }
try { a() } catch e { }
finally { }
"#
);

snap!(
    lexical_errors_reach_the_parser,
    parse_errors,
    r#"let a = 0x
let b = "\q"
let c = 9223372036854775809
let d = 'x'
let e = "open
"#
);

snap!(
    bad_import_names,
    parse_errors,
    r#"import "./my-module"
import "./ok" as fine
import "./3d"
"#
);

// ===========================================================================
// Tree height

/// Parses `src` (expected to contain one nesting that is too deep) on a
/// thread with a deliberately small stack, and checks that exactly one
/// "nested too deeply" error comes back and that nothing in the tree is
/// taller than MAX_HEIGHT; then that printing and resolving it are safe.
fn assert_height_bounded(src: String, what: &str) {
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let mut parsed = parse(&src, 0);
            let deep: Vec<&Diagnostic> = parsed
                .diagnostics
                .iter()
                .filter(|d| d.message.ends_with("is nested too deeply"))
                .collect();
            assert_eq!(
                deep.len(),
                1,
                "expected one nesting error, got:\n{}",
                render_diags(&src, &parsed.diagnostics)
            );
            for s in &parsed.module.stmts {
                assert!(s.height <= MAX_HEIGHT, "statement height {}", s.height);
                assert!(Node::Stmt(s).real_height() <= MAX_HEIGHT);
            }
            let _ = ast_print::module(&parsed.module);
            let _ = resolve(&mut parsed.module, 0);
            deep[0].message.clone()
        })
        .expect("spawn");
    let message = handle.join().expect("parsing must not overflow the stack");
    assert!(message.contains("nested too deeply"), "{what}: {message}");
}

#[test]
fn deeply_nested_parentheses() {
    let n = 5000;
    assert_height_bounded(
        format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        "parentheses",
    );
}

#[test]
fn unclosed_parentheses() {
    let src = format!("x = {}\n", "(".repeat(5000));
    let parsed = parse(&src, 0);
    assert!(!parsed.diagnostics.is_empty());
}

#[test]
fn a_very_long_sum() {
    let terms = vec!["1"; 100_000];
    assert_height_bounded(format!("x = {}\n", terms.join("+")), "sum");
}

#[test]
fn many_prefix_minuses() {
    assert_height_bounded(format!("x = {}1\n", "-".repeat(5000)), "minus");
}

#[test]
fn many_nested_lambdas() {
    assert_height_bounded(format!("x = {}1\n", "fn() => ".repeat(3000)), "lambdas");
}

#[test]
fn deeply_nested_block_lambdas() {
    let n = 2000;
    assert_height_bounded(
        format!("x = {}1{}\n", "fn() { return ".repeat(n), " }".repeat(n)),
        "block lambdas",
    );
}

#[test]
fn deeply_nested_lists_calls_and_maps() {
    let n = 3000;
    assert_height_bounded(format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)), "lists");
    assert_height_bounded(
        format!("x = {}1{}\n", "f(".repeat(n), ")".repeat(n)),
        "calls",
    );
    assert_height_bounded(
        format!("x = {}1{}\n", "{\"k\": ".repeat(n), "}".repeat(n)),
        "maps",
    );
    assert_height_bounded(
        format!("x = {}1{}\n", "\"${".repeat(n), "}\"".repeat(n)),
        "interpolations",
    );
}

#[test]
fn long_right_associative_chains() {
    let n = 3000;
    assert_height_bounded(format!("x = {}1\n", "2 ** ".repeat(n)), "power chain");
    assert_height_bounded(format!("x = {}1\n", "a ? b : ".repeat(n)), "ternary chain");
    assert_height_bounded(format!("x = {}a\n", "not ".repeat(n)), "not chain");
    let calls: String = (0..n).map(|_| ".f()").collect();
    assert_height_bounded(format!("x = a{calls}\n"), "method chain");
}

#[test]
fn deeply_nested_statements() {
    let n = 3000;
    assert_height_bounded(
        format!("{}{}", "if x {\n".repeat(n), "}\n".repeat(n)),
        "ifs",
    );
    assert_height_bounded(
        format!("{}{}", "fn f() {\n".repeat(n), "}\n".repeat(n)),
        "functions",
    );
    assert_height_bounded(
        format!("{}{}", "while x {\n".repeat(n), "}\n".repeat(n)),
        "whiles",
    );
    let mut chain = String::from("if a { }");
    for _ in 0..n {
        chain.push_str(" else if a { }");
    }
    chain.push('\n');
    assert_height_bounded(chain, "else-if chain");
}

#[test]
fn nesting_just_under_the_limit_is_accepted() {
    // A statement adds one level to its expression; `[]` is one level, and
    // so is `1`.
    let depth = MAX_HEIGHT as usize - 2;
    for src in [
        format!("{}1\n", "-".repeat(depth)),
        format!("{}1{}\n", "(".repeat(depth), ")".repeat(depth)),
        format!("{}{}\n", "[".repeat(depth + 1), "]".repeat(depth + 1)),
    ] {
        let parsed = parse(&src, 0);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}",
            render_diags(&src, &parsed.diagnostics)
        );
        assert_eq!(parsed.module.stmts[0].height, MAX_HEIGHT);
    }
    let src = format!("{}1\n", "-".repeat(depth + 1));
    assert!(!parse(&src, 0).diagnostics.is_empty());
}

#[test]
fn a_long_flat_program_is_fine() {
    // Many statements, many list items, many arguments: wide, not tall.
    let mut src = String::new();
    for i in 0..20_000 {
        src.push_str(&format!("let v{i} = {i}\n"));
    }
    let items = vec!["1"; 50_000].join(", ");
    src.push_str(&format!("let xs = [{items}]\nf({items})\n"));
    let parsed = parse(&src, 0);
    assert!(parsed.diagnostics.is_empty());
    assert_eq!(parsed.module.stmts.len(), 20_002);
}
