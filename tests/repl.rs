//! `cairn repl`: piped standard input (results only, no prompts), and a
//! real session through a pseudo-terminal (prompts, multi-line entry,
//! Ctrl-C, history).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use rexpect::session::{spawn_command, PtySession};

mod support;
use support::TempDir;

fn cairn() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cairn"));
    c.env("NO_COLOR", "1");
    c
}

/// Runs `cairn repl` with `input` on standard input: status, stdout,
/// stderr.
fn piped(input: &str) -> (i32, String, String) {
    piped_in(Path::new("."), input)
}

fn piped_in(dir: &Path, input: &str) -> (i32, String, String) {
    let mut child = cairn()
        .arg("repl")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cairn repl");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write input");
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---------------------------------------------------------------------------
// Piped standard input

#[test]
fn piped_definitions_persist_and_expressions_print_their_repr() {
    let (code, out, err) = piped(
        "let x = 20\nfn double(n) => n * 2\ndouble(x) + 2\n\"text\"\n[1, \"a\", nil]\nprint(\"out\")\nnil\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "42\n\"text\"\n[1, \"a\", nil]\nout\n");
    assert_eq!(err, "");
}

#[test]
fn piped_redefinition_replaces_a_name_for_earlier_functions_too() {
    let (_, out, err) = piped(
        "fn greet() => \"hello\"\nfn twice() => greet() + greet()\nfn greet() => \"bye\"\ntwice()\nlet n = 1\nvar n = n + 1\nn += 1\nn\n",
    );
    assert_eq!(out, "\"byebye\"\n3\n", "{err}");
}

#[test]
fn piped_multi_line_class() {
    let (_, out, err) = piped(
        "class Point {\n  var x\n  var y\n  init(x, y) {\n    this.x = x\n    this.y = y\n  }\n  fn norm() =>\n    (this.x ** 2 + this.y ** 2) ** 0.5\n}\nPoint(3, 4).norm()\nlet s = \"two\nlines\"\ns\n",
    );
    assert_eq!(out, "5.0\n\"two\\nlines\"\n", "{err}");
}

#[test]
fn piped_errors_are_reported_and_the_session_goes_on() {
    let (code, out, err) =
        piped("let total = 10\nprint(totl)\nlet bad = 1 / 0\nbad\ntotal = 3\ntotal + 1\n");
    assert_eq!(code, 0);
    assert_eq!(out, "11\n");
    insta::assert_snapshot!(err, @r"
    error: undefined name `totl`
      ┌─ <repl>:1:7
      │
    1 │ print(totl)
      │       ^^^^ not found in this scope
      │
      = help: did you mean `total`?

    error: ZeroDivisionError: division by zero
      at main (<repl>:1)
    error: undefined name `bad`
      ┌─ <repl>:1:1
      │
    1 │ bad
      │ ^^^ not found in this scope

    error: cannot assign to `total`
      ┌─ <repl>:1:1
      │
    1 │ total = 3
      │ ^^^^^ `total` is a `let` binding
      │
      = help: declare it with `var total` to make it assignable

    ");
}

#[test]
fn piped_runtime_error_in_an_earlier_function_names_its_line() {
    let (_, _, err) = piped("fn f(xs) {\n  return xs[5]\n}\nf([1])\n");
    assert_eq!(
        err,
        "error: IndexError: list index 5 out of range for length 1\n  at f (<repl>:2)\n  at main (<repl>:1)\n"
    );
}

#[test]
fn piped_commands() {
    let dir = TempDir::new("commands");
    std::fs::write(
        dir.path().join("lib.cairn"),
        "fn greet(name) => \"hello \" + name\nlet loaded = true\n",
    )
    .unwrap();
    let (code, out, err) = piped_in(
        dir.path(),
        ":load lib.cairn\ngreet(\"you\")\n:type greet\n:type 1.5\n:vars\nvar count = 2\n:vars\n:reset\n:vars\nloaded\n:time 6 * 7\n:help\n:quit\nprint(\"not reached\")\n",
    );
    assert_eq!(code, 0, "{err}");
    let (before_time, after_time) = out.split_once("42\ntime: ").expect("timed result");
    assert_eq!(
        before_time,
        "\"hello you\"\nFunction\nFloat\nfn greet\nlet loaded = true\nfn greet\nlet loaded = true\nvar count = 2\n"
    );
    assert!(after_time.contains(":disasm NAME"), "{after_time}");
    assert!(!out.contains("not reached"));
    assert!(err.contains("undefined name `loaded`"), "{err}");
}

#[test]
fn piped_disasm_shows_a_function_and_a_class() {
    let (_, out, err) = piped(
        "fn add(a, b) => a + b\nclass C {\n  fn m() => 1\n}\n:disasm add\n:disasm C.m\n:disasm nothing\n:disasm\n",
    );
    insta::assert_snapshot!(out, @r#"
    .function 1 function                        ; add
        name 1                                  ; "add"
        n_params 2  n_defaults 0  has_rest false
        n_locals 3  max_stack 2
      L0:
        line 1
          0  LOAD_LOCAL 1                       ; a
          3  LOAD_LOCAL 2                       ; b
          6  ADD
          7  RETURN
      L8:
        local 1 2 L0..L8                        ; a
        local 2 3 L0..L8                        ; b
    .function 1 method                          ; m
        name 3                                  ; "m"
        n_params 0  n_defaults 0  has_rest false
        n_locals 1  max_stack 1
        line 2
          0  INT 1
          3  RETURN
    "#);
    assert_eq!(
        err,
        "error: `nothing` is not defined\nerror: usage: :disasm NAME\n"
    );
}

#[test]
fn piped_os_exit_ends_the_session_with_its_status() {
    let (code, out, _) = piped("import os\nprint(\"a\")\nos.exit(3)\nprint(\"b\")\n");
    assert_eq!((code, out.as_str()), (3, "a\n"));
}

#[test]
fn piped_unfinished_last_entry_is_compiled_as_it_is() {
    let (code, _, err) = piped("print(1,\n");
    assert_eq!(code, 0);
    assert!(err.contains("error:"), "{err}");
}

// ---------------------------------------------------------------------------
// A terminal session

/// Generous: only a broken REPL waits this long.
const TIMEOUT_MS: u64 = 30_000;

/// What the line editor writes when it starts reading a line (it turns on
/// bracketed paste). Waiting for it, not for the prompt text, which every
/// redraw of the line repeats, makes sure nothing is typed ahead: the
/// editor drops what it read past the end of a line.
const READING: &str = "\x1b[?2004h";

fn terminal(data: &Path) -> PtySession {
    let mut c = cairn();
    c.arg("repl")
        .env("HOME", data)
        .env("XDG_DATA_HOME", data.join("data"))
        .env("TERM", "xterm");
    let mut p = spawn_command(c, Some(TIMEOUT_MS)).expect("start cairn repl on a pty");
    p.exp_string("Cairn").expect("banner");
    reading(&mut p, ">>> ");
    p
}

/// Waits until the editor reads a line after `prompt`.
fn reading(p: &mut PtySession, prompt: &str) {
    p.exp_string(READING).expect("the editor reads a line");
    p.exp_string(prompt).expect("the prompt");
}

/// Sends a line, waits for `expect` in the output (when not empty), then
/// for the editor to read again after `prompt`.
fn enter(p: &mut PtySession, line: &str, expect: &str, prompt: &str) {
    p.send_line(line).expect("send");
    if !expect.is_empty() {
        if let Err(e) = p.exp_string(expect) {
            panic!("after {line:?}, waiting for {expect:?}: {e}");
        }
    }
    reading(p, prompt);
}

fn leave(mut p: PtySession) {
    p.send_control('d').unwrap();
    p.exp_eof().expect("Ctrl-D leaves");
}

#[test]
fn terminal_definitions_persist_and_multi_line_entries_continue() {
    let dir = TempDir::new("pty-defs");
    let mut p = terminal(dir.path());
    enter(&mut p, "let base = 40", "", ">>> ");
    enter(&mut p, "class Counter {", "", "... ");
    enter(&mut p, "  var n = base", "", "... ");
    enter(&mut p, "  fn next() {", "", "... ");
    enter(&mut p, "    this.n += 1", "", "... ");
    enter(&mut p, "    return this.n }", "", "... ");
    enter(&mut p, "}", "", ">>> ");
    enter(&mut p, "let c = Counter()", "", ">>> ");
    enter(&mut p, "c.next() + c.next() - base", "43", ">>> ");
    leave(p);
}

#[test]
fn terminal_error_then_success() {
    let dir = TempDir::new("pty-error");
    let mut p = terminal(dir.path());
    enter(&mut p, "let items = [3, 4]", "", ">>> ");
    enter(&mut p, "itemz[0]", "did you mean `items`?", ">>> ");
    enter(&mut p, "items[0] * items[1] * 100", "1200", ">>> ");
    p.send_line(":quit").unwrap();
    p.exp_eof().expect(":quit leaves");
}

#[test]
fn terminal_ctrl_c_interrupts_a_runaway_loop_and_keeps_the_session() {
    let dir = TempDir::new("pty-interrupt");
    let mut p = terminal(dir.path());
    enter(&mut p, "var spins = 0", "", ">>> ");
    p.send_line("while true { spins += 1 }").unwrap();
    // Ctrl-C until the loop stops: the first may come before it starts.
    let mut interrupted = false;
    for _ in 0..20 {
        p.send_control('c').unwrap();
        if p.exp_string("interrupted").is_ok() {
            interrupted = true;
            break;
        }
    }
    assert!(interrupted, "Ctrl-C did not interrupt the loop");
    reading(&mut p, ">>> ");
    enter(&mut p, "spins > 0", "true", ">>> ");
    // Ctrl-C at the prompt abandons the line; the session goes on.
    p.send("let abandoned = 1").unwrap();
    p.flush().unwrap();
    p.exp_string("abandoned = 1").unwrap();
    p.send_control('c').unwrap();
    reading(&mut p, ">>> ");
    enter(&mut p, ":type spins", "Int", ">>> ");
    enter(&mut p, "abandoned", "undefined name `abandoned`", ">>> ");
    leave(p);
}

#[test]
fn terminal_load_and_disasm() {
    let dir = TempDir::new("pty-load");
    let lib = dir.path().join("shapes.cairn");
    std::fs::write(&lib, "fn area(w, h) => w * h\n").unwrap();
    let mut p = terminal(dir.path());
    enter(&mut p, &format!(":load {}", lib.display()), "", ">>> ");
    enter(&mut p, "area(6, 7)", "42", ">>> ");
    enter(&mut p, ":disasm area", "MUL", ">>> ");
    leave(p);
}

#[test]
fn terminal_history_survives_a_restart() {
    let dir = TempDir::new("pty-history");
    let mut p = terminal(dir.path());
    enter(&mut p, "let remembered = 6 * 111", "", ">>> ");
    leave(p);
    let history = dir.path().join("data").join("cairn").join("history");
    let saved = std::fs::read_to_string(&history).expect("history file");
    assert!(saved.contains("let remembered = 6 * 111"), "{saved}");

    let mut p = terminal(dir.path());
    // Up-arrow recalls the last entry of the earlier session.
    p.send("\x1b[A").unwrap();
    p.flush().unwrap();
    p.exp_string("let remembered = 6 * 111").unwrap();
    enter(&mut p, "", "", ">>> ");
    enter(&mut p, "remembered", "666", ">>> ");
    leave(p);
}
