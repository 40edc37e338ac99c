//! `cairn check` and the command line around it: exit statuses (sysexits:
//! 0 ok, 64 usage, 65 compile or load error, 66 no input), where diagnostics
//! go and what they look like, and how relative imports are followed.

use std::path::Path;
use std::process::{Command, Output};

mod support;
use support::TempDir;

fn cairn() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
    cmd.env_remove("NO_COLOR");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run cairn");
    (
        status.code().expect("exit status"),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Runs `cairn check FILE` in the file's directory, naming the file relatively.
fn check_in(dir: &Path, file: &str) -> (i32, String, String) {
    run(cairn().current_dir(dir).arg("check").arg(file))
}

fn assert_no_ansi(text: &str) {
    assert!(
        !text.contains('\u{1b}'),
        "unexpected ANSI escape in:\n{text}"
    );
}

#[test]
fn clean_file_exits_0_silently() {
    let dir = TempDir::new("clean");
    dir.write(
        "ok.cairn",
        "import math\nfn area(r) { return math.pi * r * r }\nprint(area(2))\n",
    );
    let (code, stdout, stderr) = check_in(dir.path(), "ok.cairn");
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(stderr, "");
    assert_eq!(stdout, "");
}

#[test]
fn errors_exit_65_with_plain_locations() {
    let dir = TempDir::new("errors");
    dir.write("bad.cairn", "let x = 1\nx = 2\nfn f() {\n  return y\n}\n");
    let (code, stdout, stderr) = check_in(dir.path(), "bad.cairn");
    assert_eq!(code, 65, "stderr: {stderr}");
    assert_eq!(stdout, "");
    // stderr is a pipe, not a terminal: no colour.
    assert_no_ansi(&stderr);
    assert!(stderr.contains("error: cannot assign to `x`"), "{stderr}");
    assert!(stderr.contains("bad.cairn:2:1"), "{stderr}");
    assert!(stderr.contains("error: undefined name `y`"), "{stderr}");
    assert!(stderr.contains("bad.cairn:4:10"), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert_eq!(
        last, "error: could not compile `bad.cairn` due to 2 errors",
        "{stderr}"
    );
}

#[test]
fn one_error_is_counted_in_the_singular() {
    let dir = TempDir::new("singular");
    dir.write("one.cairn", "print(nope)\n");
    let (code, _, stderr) = check_in(dir.path(), "one.cairn");
    assert_eq!(code, 65);
    assert!(
        stderr.ends_with("error: could not compile `one.cairn` due to 1 error\n"),
        "{stderr}"
    );
}

#[test]
fn no_color_gives_no_escapes() {
    let dir = TempDir::new("nocolor");
    dir.write("bad.cairn", "let a = 1\nbreak\n");
    let (code, _, stderr) = run(cairn()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "bad.cairn"]));
    assert_eq!(code, 65);
    assert_no_ansi(&stderr);
    assert!(stderr.contains("bad.cairn:2:1"), "{stderr}");
}

#[test]
fn missing_file_exits_66() {
    let dir = TempDir::new("missing");
    let (code, stdout, stderr) = check_in(dir.path(), "nowhere.cairn");
    assert_eq!(code, 66);
    assert_eq!(stdout, "");
    assert!(stderr.contains("nowhere.cairn"), "{stderr}");
    assert!(stderr.contains("no such file"), "{stderr}");
}

#[test]
fn directory_exits_66() {
    let dir = TempDir::new("directory");
    std::fs::create_dir_all(dir.path().join("sub.cairn")).expect("mkdir");
    let (code, _, stderr) = check_in(dir.path(), "sub.cairn");
    assert_eq!(code, 66);
    assert!(stderr.contains("sub.cairn"), "{stderr}");
    assert!(stderr.contains("directory"), "{stderr}");
}

#[test]
fn non_utf8_file_exits_65_with_clear_message() {
    let dir = TempDir::new("latin1");
    dir.write("latin1.cairn", b"let a = 1\nprint(\"caf\xe9\")\n");
    let (code, _, stderr) = check_in(dir.path(), "latin1.cairn");
    assert_eq!(code, 65);
    assert!(stderr.contains("latin1.cairn"), "{stderr}");
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
    assert!(stderr.contains("line 2, column 11"), "{stderr}");
}

#[test]
fn no_arguments_exits_64_with_usage() {
    let (code, _, stderr) = run(&mut cairn());
    assert_eq!(code, 64);
    assert!(stderr.contains("Usage: cairn"), "{stderr}");
}

#[test]
fn unknown_subcommand_exits_64() {
    let (code, _, stderr) = run(cairn().arg("frobnicate"));
    assert_eq!(code, 64);
    assert!(stderr.contains("frobnicate"), "{stderr}");
}

#[test]
fn check_without_file_exits_64() {
    let (code, _, stderr) = run(cairn().arg("check"));
    assert_eq!(code, 64);
    assert!(stderr.contains("<FILE>"), "{stderr}");
}

#[test]
fn help_and_version_exit_0() {
    let (code, stdout, _) = run(cairn().arg("--help"));
    assert_eq!(code, 0);
    assert!(stdout.contains("Usage: cairn"), "{stdout}");
    assert!(stdout.contains("check"), "{stdout}");

    let (code, stdout, _) = run(cairn().arg("--version"));
    assert_eq!(code, 0);
    assert_eq!(
        stdout.trim(),
        format!("cairn {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn missing_relative_import_is_an_error() {
    let dir = TempDir::new("missing-import");
    dir.write(
        "main.cairn",
        "import \"./shapes\"\nimport \"./lib/missing_mod\" as m\nprint(m.x)\n",
    );
    dir.write("shapes.cairn", "let x = 1\n");
    let (code, _, stderr) = check_in(dir.path(), "main.cairn");
    assert_eq!(code, 65, "stderr: {stderr}");
    assert!(stderr.contains("./lib/missing_mod"), "{stderr}");
    assert!(stderr.contains("main.cairn:2:8"), "{stderr}");
    assert!(stderr.contains("missing_mod.cairn"), "{stderr}");
    assert!(!stderr.contains("shapes"), "{stderr}");
}

#[test]
fn error_in_imported_file_is_reported_in_that_file() {
    let dir = TempDir::new("imported-error");
    dir.write("main.cairn", "import \"./lib/geo\"\nprint(geo.area(1))\n");
    dir.write(
        "lib/geo.cairn",
        "import \"./consts\"\nfn area(r) {\n  return consts.pi * r * rr\n}\n",
    );
    dir.write("lib/consts.cairn", "let pi = 3.14\npi = 3\n");
    let (code, _, stderr) = check_in(dir.path(), "main.cairn");
    assert_eq!(code, 65, "stderr: {stderr}");
    assert_no_ansi(&stderr);
    assert!(stderr.contains("error: undefined name `rr`"), "{stderr}");
    assert!(stderr.contains("lib/geo.cairn:3:26"), "{stderr}");
    // Imports are relative to the importing file, not the working directory.
    assert!(stderr.contains("error: cannot assign to `pi`"), "{stderr}");
    assert!(stderr.contains("lib/consts.cairn:2:1"), "{stderr}");
    assert!(!stderr.contains("main.cairn:"), "{stderr}");
    assert!(
        stderr.ends_with("error: could not compile `main.cairn` due to 2 errors\n"),
        "{stderr}"
    );
}

#[test]
fn import_cycles_are_not_compile_errors() {
    let dir = TempDir::new("cycle");
    dir.write("a.cairn", "import \"./b\"\nfn f() { return b.g() }\n");
    dir.write("b.cairn", "import \"./a\"\nfn g() { return a.f() }\n");
    let (code, _, stderr) = check_in(dir.path(), "a.cairn");
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(stderr, "");

    // A file importing itself is a cycle too.
    dir.write("self.cairn", "import \"./self\"\nprint(1)\n");
    let (code, _, stderr) = check_in(dir.path(), "self.cairn");
    assert_eq!(code, 0, "stderr: {stderr}");
}

#[test]
fn shared_import_is_checked_once() {
    let dir = TempDir::new("diamond");
    dir.write("main.cairn", "import \"./a\"\nimport \"./b\"\n");
    dir.write("a.cairn", "import \"./c\"\n");
    dir.write("b.cairn", "import \"./c.cairn\"\n");
    dir.write("c.cairn", "print(undefined_thing)\n");
    let (code, _, stderr) = check_in(dir.path(), "main.cairn");
    assert_eq!(code, 65);
    assert_eq!(
        stderr.matches("undefined name `undefined_thing`").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn file_given_by_absolute_path() {
    let dir = TempDir::new("absolute");
    let main = dir.write("main.cairn", "import \"./dep\"\nprint(dep.x)\n");
    dir.write("dep.cairn", "let x = 1\nx = 2\n");
    // Run from elsewhere: imports still resolve next to the main file.
    let (code, _, stderr) = run(cairn()
        .current_dir(std::env::temp_dir())
        .arg("check")
        .arg(&main));
    assert_eq!(code, 65, "stderr: {stderr}");
    assert!(stderr.contains("dep.cairn:2:1"), "{stderr}");
}

#[test]
fn class_file_limits_are_compile_errors_for_check_too() {
    let dir = TempDir::new("limits");
    let mut src = String::from("fn f() {\n");
    for i in 0..65_536 {
        src.push_str(&format!("  var v{i} = 0\n"));
    }
    src.push_str("}\n");
    dir.write("locals.cairn", src);
    let (code, out, err) = check_in(dir.path(), "locals.cairn");
    assert_eq!(code, 65, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("too many local variables in function `f` (the limit is 65535)"),
        "{err}"
    );
}
