use super::*;

fn run(session: &mut Session, text: &str) -> Entry {
    let entry = match session.compile("<repl>", text) {
        Ok(e) => e,
        Err(checked) => panic!("{text:?} does not compile:\n{}", checked.render(false)),
    };
    session.commit(&entry, |_| true);
    entry
}

fn error(session: &Session, text: &str) -> String {
    match session.compile("<repl>", text) {
        Ok(_) => panic!("{text:?} compiled"),
        Err(checked) => checked.render(false),
    }
}

fn globals(entry: &Entry) -> Vec<&str> {
    let cf = &entry.class_file;
    cf.globals
        .iter()
        .map(|g| cf.str_const(*g).unwrap_or("?"))
        .collect()
}

#[test]
fn names_declared_by_one_entry_are_seen_by_the_next() {
    let mut s = Session::new();
    run(&mut s, "let x = 1\nfn double(n) => n * 2\n");
    let entry = run(&mut s, "let y = double(x)\n");
    assert_eq!(globals(&entry), ["x", "double", "y"]);
    let names: Vec<_> = s.names().collect();
    assert_eq!(
        names,
        [
            ("x", DeclKind::Let),
            ("double", DeclKind::Fn),
            ("y", DeclKind::Let)
        ]
    );
}

#[test]
fn redeclaring_a_name_takes_over_its_slot() {
    let mut s = Session::new();
    run(&mut s, "let x = 1\nlet y = 2\n");
    let entry = run(&mut s, "var x = x + 10\n");
    assert_eq!(globals(&entry), ["x", "y"]);
    assert_eq!(entry.declared, ["x"]);
    // Now a `var`, so assignable.
    run(&mut s, "x = 3\n");
    run(&mut s, "class x {}\n");
    assert_eq!(s.names().next(), Some(("x", DeclKind::Class)));
}

#[test]
fn assigning_an_earlier_let_is_an_error_without_a_label_in_another_entry() {
    let mut s = Session::new();
    run(&mut s, "let x = 1\n");
    insta::assert_snapshot!(error(&s, "x = 2\n"), @r"
    error: cannot assign to `x`
      ┌─ <repl>:1:1
      │
    1 │ x = 2
      │ ^ `x` is a `let` binding
      │
      = help: declare it with `var x` to make it assignable
    ");
}

#[test]
fn one_entry_still_may_not_declare_a_name_twice() {
    let s = Session::new();
    assert!(error(&s, "let a = 1\nlet a = 2\n").contains("`a` is already declared in this module"));
}

#[test]
fn an_undefined_name_suggests_a_session_name() {
    let mut s = Session::new();
    run(&mut s, "let total = 1\n");
    insta::assert_snapshot!(error(&s, "print(totl)\n"), @r"
    error: undefined name `totl`
      ┌─ <repl>:1:7
      │
    1 │ print(totl)
      │       ^^^^ not found in this scope
      │
      = help: did you mean `total`?
    ");
}

#[test]
fn a_failed_entry_leaves_nothing_but_the_session_as_it_was() {
    let mut s = Session::new();
    run(&mut s, "let a = 1\n");
    assert!(s.compile("<repl>", "let b = 2\nprint(nope)\n").is_err());
    assert_eq!(s.names().count(), 1);
}

#[test]
fn a_name_whose_entry_failed_before_defining_it_is_unknown_but_keeps_its_slot() {
    let mut s = Session::new();
    let entry = s
        .compile("<repl>", "let a = 1\nlet b = a / 0\n")
        .ok()
        .unwrap();
    s.commit(&entry, |name| name == "a");
    assert!(error(&s, "b\n").contains("undefined name `b`"));
    let again = run(&mut s, "let b = 2\nlet c = b\n");
    assert_eq!(globals(&again), ["a", "b", "c"]);
}

#[test]
fn an_entry_ending_in_an_expression_returns_its_value() {
    let s = Session::new();
    let entry = s.compile("<repl>", "let a = 1\na + 1\n").ok().unwrap();
    assert!(entry.is_expression);
    let main = &entry.class_file.functions[usize::from(entry.class_file.main)];
    let text = cairn_vm::asm::disassemble_function(&entry.class_file, 0).unwrap();
    assert!(text.contains("ADD"), "{text}");
    // The sum is returned, not popped: the code ends `ADD; RETURN`.
    let tail = &main.code[main.code.len() - 2..];
    assert_eq!(
        tail,
        [
            cairn_vm::isa::Op::Add as u8,
            cairn_vm::isa::Op::Return as u8
        ]
    );
    assert!(
        !s.compile("<repl>", "let b = 2\n")
            .ok()
            .unwrap()
            .is_expression
    );
    assert!(
        !s.compile("<repl>", "if true { 1 }\n")
            .ok()
            .unwrap()
            .is_expression
    );
}

#[test]
fn functions_and_classes_may_use_earlier_entries_names() {
    let mut s = Session::new();
    run(&mut s, "class Shape { fn area() => 0 }\nvar count = 0\n");
    run(&mut s, "class Square < Shape {\n  var side\n  init(s) { this.side = s }\n  fn area() => this.side ** 2\n}\n");
    run(&mut s, "fn bump() { count += 1\n return count }\n");
    assert!(s.compile("<repl>", "Square(2).area() + bump()\n").is_ok());
}

#[test]
fn incomplete_entries() {
    for text in [
        "class P {",
        "class P {\n  fn f() {\n  }\n",
        "let xs = [1,\n 2",
        "print(1,",
        "let s = \"no end",
        "let s = \"${1 + ",
        "/* a comment",
        "1 +",
        "let a =",
        "xs.",
        "fn f(x) =>",
        "a and",
    ] {
        assert!(is_incomplete(text), "{text:?} should be incomplete");
    }
    for text in [
        "",
        "1 + 2",
        "class P {}\n",
        "print(\"a\")",
        "let s = \"a\nb\"",
        "}",
        "print(1))",
        "-1",
    ] {
        assert!(!is_incomplete(text), "{text:?} should be complete");
    }
}
