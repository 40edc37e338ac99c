//! Class-file limits (spec/classfile.md §7) are compile errors, never a
//! panic or a bad class file: each points at the first declaration or item
//! past the limit, is reported once per module or function, and a long
//! source line is printed only around the error. The sources are generated
//! here, as they are large.
//!
//! Update snapshots with `INSTA_UPDATE=always cargo test -p cairn-compiler
//! --test limits`, then read the changed `.snap` files.

use cairn_compiler::compile_source;
use cairn_vm::verify::verify;
use insta::assert_snapshot;

/// The rendered diagnostics for `src`, which must fail to compile.
fn render(src: &str) -> String {
    match compile_source("test.cairn", src) {
        Ok(_) => panic!("expected a limit error"),
        Err(checked) => checked.render(false),
    }
}

/// The messages of the diagnostics for `src`, which must fail to compile.
fn messages(src: &str) -> Vec<String> {
    match compile_source("test.cairn", src) {
        Ok(_) => panic!("expected a limit error"),
        Err(checked) => checked.diagnostics.into_iter().map(|d| d.message).collect(),
    }
}

/// Asserts that `src` compiles to a class file the verifier accepts.
fn assert_compiles(src: &str) {
    match compile_source("test.cairn", src) {
        Ok(cf) => verify(&cf).expect("verifies"),
        Err(checked) => panic!("expected no errors, got:\n{}", checked.render(false)),
    }
}

/// `n` lines made by `line`.
fn lines(n: usize, line: impl Fn(usize) -> String) -> String {
    (0..n).map(|i| line(i) + "\n").collect()
}

/// `n` items made by `item`, joined with commas.
fn items(n: usize, item: impl Fn(usize) -> String) -> String {
    (0..n).map(item).collect::<Vec<_>>().join(", ")
}

fn function_with_locals(n: usize) -> String {
    format!("fn f() {{\n{}}}\n", lines(n, |i| format!("  var v{i} = 0")))
}

/// Locals all named `_`, which may be declared again: one name constant.
fn function_with_blank_locals(n: usize) -> String {
    format!("fn f() {{\n{}}}\n", lines(n, |_| "  var _ = 0".into()))
}

#[test]
fn too_many_locals_in_a_function() {
    // Slot 0 holds the function itself: `v65534` is slot 65535. Their names
    // also overflow the constant pool; the locals error comes first.
    assert_snapshot!(render(&function_with_locals(65536)));
}

#[test]
fn too_many_blank_locals_is_one_error() {
    assert_eq!(
        messages(&function_with_blank_locals(65535)),
        ["too many local variables in function `f` (the limit is 65535)"]
    );
}

#[test]
fn locals_up_to_the_limit_compile() {
    assert_compiles(&function_with_blank_locals(65534));
}

#[test]
fn too_many_locals_in_a_method_and_a_lambda() {
    let body = lines(65535, |i| format!("    var v{i} = 0"));
    let src = format!("class C {{\n  fn m() {{\n{body}  }}\n}}\nlet g = fn() {{\n{body}}}\n");
    let msgs = messages(&src);
    let locals: Vec<&String> = msgs.iter().filter(|m| m.contains("local")).collect();
    assert_eq!(
        locals,
        [
            "too many local variables in method `m` (the limit is 65535)",
            "too many local variables in an anonymous function (the limit is 65535)",
        ]
    );
}

#[test]
fn too_many_globals() {
    assert_snapshot!(render(&lines(65537, |i| format!("var v{i} = 0"))));
}

#[test]
fn too_many_methods_in_a_class() {
    let methods = lines(65536, |i| format!("  fn m{i}() => 0"));
    assert_snapshot!(render(&format!("class C {{\n{methods}}}\n")));
}

#[test]
fn field_initializers_count_against_the_method_limit() {
    let methods = lines(65535, |i| format!("  fn m{i}() => 0"));
    let msgs = messages(&format!("class C {{\n  var x = 1\n{methods}}}\n"));
    assert!(
        msgs.contains(&"too many methods in class `C` (the limit is 65534)".to_string()),
        "{msgs:?}"
    );
}

#[test]
fn too_many_fields_in_a_class() {
    let fields = lines(65537, |i| format!("  var f{i}"));
    let msgs = messages(&format!("class C {{\n{fields}}}\n"));
    assert!(
        msgs.contains(&"too many fields in class `C` (the limit is 65536)".to_string()),
        "{msgs:?}"
    );
}

#[test]
fn too_many_classes() {
    let msgs = messages(&lines(70000, |i| format!("class C{i} {{ }}")));
    assert_eq!(
        msgs,
        [
            "too many globals in module `test` (the limit is 65536)",
            "too many constants in module `test` (the limit is 65536)",
            "too many classes in module `test` (the limit is 65536)",
        ]
    );
}

#[test]
fn too_many_local_classes() {
    // Local classes need no globals: the class table's own limit.
    let classes = lines(65537, |i| format!("  class C{i} {{ }}"));
    let msgs = messages(&format!("fn f() {{\n{classes}}}\n"));
    assert!(
        msgs.contains(&"too many classes in module `test` (the limit is 65536)".to_string()),
        "{msgs:?}"
    );
}

#[test]
fn too_many_functions() {
    let fns = lines(65536, |i| format!("  let f{i} = fn() => 0"));
    let msgs = messages(&format!("fn outer() {{\n{fns}}}\n"));
    assert!(
        msgs.contains(&"too many functions in module `test` (the limit is 65536)".to_string()),
        "{msgs:?}"
    );
}

#[test]
fn too_many_imports() {
    let msgs = messages(&lines(65537, |i| format!("import \"./m{i}\"")));
    assert!(
        msgs.contains(&"too many imports in module `test` (the limit is 65536)".to_string()),
        "{msgs:?}"
    );
}

#[test]
fn too_many_constants_is_reported_once() {
    let msgs = messages(&lines(70000, |i| format!("print(\"s{i}\")")));
    assert_eq!(
        msgs,
        ["too many constants in module `test` (the limit is 65536)"]
    );
}

#[test]
fn huge_list_on_one_line_reports_each_limit_once_and_briefly() {
    let src = format!("let xs = [{}]\n", items(100_000, |i| i.to_string()));
    let out = render(&src);
    // Not 1,700 reports each holding the 677 KB line.
    assert!(out.len() < 2000, "{} bytes of diagnostics", out.len());
    assert_snapshot!(out);
}

#[test]
fn list_of_65535_elements_compiles() {
    assert_compiles(&format!("let xs = [{}]\n", items(65535, |_| "0".into())));
}

#[test]
fn map_literal_too_big_for_the_stack() {
    // Each entry keeps a key and a value on the stack until `MAP`.
    let src = format!("let m = {{{}}}\n", items(40000, |i| format!("{i}: 0")));
    assert_snapshot!(render(&src));
}

#[test]
fn list_too_big_for_the_stack_inside_a_call() {
    // 65,535 elements fit `LIST`, but not on top of the callee.
    let src = format!("print([{}])\n", items(65535, |_| "0".into()));
    assert_eq!(
        messages(&src),
        ["too many values on the operand stack in the top-level code of module `test` (the limit is 65535)"]
    );
}

#[test]
fn too_many_interpolated_parts() {
    let src = format!("let a = 1\nprint(\"{}\")\n", "${a}".repeat(65536));
    let msgs = messages(&src);
    assert_eq!(
        msgs,
        ["too many parts in an interpolated string (the limit is 65535)"]
    );
}

#[test]
fn too_many_arguments() {
    let src = format!("fn f(...xs) => xs\nf({})\n", items(256, |i| i.to_string()));
    assert_snapshot!(render(&src));
}

#[test]
fn too_many_parameters() {
    let src = format!("fn f({}) {{ }}\n", items(256, |i| format!("p{i}")));
    assert_snapshot!(render(&src));
}

#[test]
fn too_many_captured_variables() {
    // `h` captures 40,000 locals of `g` and, through `g`, 40,000 of `f`.
    let f_locals = lines(40000, |i| format!("  let a{i} = 0"));
    let g_locals = lines(40000, |i| format!("    let b{i} = 0"));
    let uses = items(40000, |i| format!("a{i} + b{i}"));
    let src =
        format!("fn f() {{\n{f_locals}  fn g() {{\n{g_locals}    fn h() => [{uses}]\n  }}\n}}\n");
    let msgs = messages(&src);
    assert!(
        msgs.contains(
            &"too many captured variables in function `h` (the limit is 65536)".to_string()
        ),
        "{msgs:?}"
    );
}

/// `finally` is copied onto every exit it covers, so nesting doubles the
/// code per level: a short program reaches the code-size limit, and the
/// compiler stops there instead of walking and allocating on.
#[test]
fn nested_finally_blocks_stop_at_the_code_limit() {
    let depth = 40;
    let mut src = String::from("var n = 0\nwhile n < 1 {\n");
    for _ in 0..depth {
        src.push_str("try {\n");
    }
    src.push_str("n += 1\nif n > 5 { break }\n");
    for _ in 0..depth {
        src.push_str("} finally { if n > 3 { break }\nn += 1 }\n");
    }
    src.push_str("}\n");
    let errors = messages(&src);
    assert_eq!(
        errors,
        ["too many bytes of code in the top-level code of module `test` (the limit is 16777216)"]
    );
}
