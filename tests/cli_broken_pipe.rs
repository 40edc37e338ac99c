//! The tool's own output (diagnostics, `--stats` and `--gc-stats` reports,
//! listings, help, REPL results) written to a closed pipe, as in
//! `cairn disasm f.cairn | head -1`: the command stops writing quietly and
//! exits with the status it would have had, never with a panic (status
//! 101, "failed printing to stdout"). Standard output that fails for
//! another reason (a full disk) is reported, and status 74 replaces a
//! success.
#![cfg(unix)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod support;
use support::TempDir;

/// A compile error.
const COMPILE_ERROR: &str = "print(1 +)\n";

/// A program that prints one line.
const PRINTS: &str =
    "fn f(x) { return x * 2 + 1 }\nvar t = 0\nfor i in 0..10 { t += f(i) }\nprint(t)\n";

/// A program that prints nothing but allocates.
const QUIET: &str = "var xs = []\nfor i in 0..1000 { xs.push([i]) }\n";

/// The write end of a pipe whose reader has already exited: what `cmd`
/// gets in `cmd | true` once `true` has finished, so every write fails
/// with EPIPE, whatever its size and timing.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("start `true`");
    let write_end = reader.stdin.take().expect("pipe to `true`");
    reader.wait().expect("wait for `true`");
    Stdio::from(write_end)
}

fn cairn(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cairn"));
    c.args(args).env("NO_COLOR", "1").stdin(Stdio::null());
    c
}

/// Runs `command` with standard output closed; standard error captured.
fn stdout_closed(mut command: Command) -> Output {
    command
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .output()
        .expect("run cairn")
}

/// Runs `command` with standard error closed; standard output captured.
fn stderr_closed(mut command: Command) -> Output {
    command
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .output()
        .expect("run cairn")
}

/// Runs `command` with both streams closed (`cmd 2>&1 | true`): the exit
/// status.
fn both_closed(mut command: Command) -> Option<i32> {
    command
        .stdout(closed_pipe())
        .stderr(closed_pipe())
        .status()
        .expect("run cairn")
        .code()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the captured stream has no panic message and the status is
/// `expected` (an exit, not a signal).
fn assert_quiet(out: &Output, expected: i32) {
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        !stdout.contains("panicked") && !stderr.contains("panicked"),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert_eq!(out.status.code(), Some(expected), "stderr:\n{stderr}");
}

#[test]
fn compile_errors_to_a_closed_stderr_keep_status_65() {
    let dir = TempDir::new("compile-error");
    let file = dir.file("ce.cairn", COMPILE_ERROR);
    for command in ["run", "check", "build", "disasm"] {
        let args = [command, &file];
        let out = stderr_closed(cairn(&args));
        assert_quiet(&out, 65);
        assert_eq!(text(&out.stdout), "", "{command}");
        assert_eq!(both_closed(cairn(&args)), Some(65), "{command}");
    }
    let out = stderr_closed(cairn(&["-e", COMPILE_ERROR]));
    assert_quiet(&out, 65);
}

#[test]
fn compile_errors_are_still_reported_when_only_stdout_is_closed() {
    let dir = TempDir::new("compile-error-stdout");
    let file = dir.file("ce.cairn", COMPILE_ERROR);
    let out = stdout_closed(cairn(&["check", &file]));
    assert_quiet(&out, 65);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: unexpected `)`"), "{stderr}");
    assert!(stderr.contains("could not compile"), "{stderr}");
}

#[test]
fn disasm_to_a_closed_stdout_exits_0_quietly() {
    let dir = TempDir::new("disasm");
    let file = dir.file("p1.cairn", PRINTS);
    let out = stdout_closed(cairn(&["disasm", &file]));
    assert_quiet(&out, 0);
    assert_eq!(text(&out.stderr), "");
    assert_eq!(both_closed(cairn(&["disasm", &file])), Some(0));
}

#[test]
fn dump_ast_to_a_closed_stdout_exits_0_quietly() {
    let dir = TempDir::new("dump-ast");
    let file = dir.file("p1.cairn", PRINTS);
    let args = ["check", "--dump-ast", &file];
    let out = stdout_closed(cairn(&args));
    assert_quiet(&out, 0);
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn stats_reports_to_a_closed_stderr_keep_the_programs_status() {
    let dir = TempDir::new("stats");
    let prints = dir.file("p1.cairn", PRINTS);
    let quiet = dir.file("quiet.cairn", QUIET);
    let exits = dir.file("exits.cairn", "import os\nos.exit(3)\n");
    for flag in ["--gc-stats", "--stats"] {
        let run = |file: &str| cairn(&["run", flag, file]);
        let out = stderr_closed(run(&prints));
        assert_quiet(&out, 0);
        assert_eq!(text(&out.stdout), "100\n", "{flag}");
        assert_eq!(both_closed(run(&quiet)), Some(0), "{flag}");
        assert_eq!(both_closed(run(&exits)), Some(3), "{flag}");
    }
}

#[test]
fn runtime_errors_to_a_closed_stderr_keep_status_70() {
    let dir = TempDir::new("runtime-error");
    let file = dir.file("fails.cairn", "let x = 1 / 0\n");
    let out = stderr_closed(cairn(&["run", &file]));
    assert_quiet(&out, 70);
}

#[test]
fn help_and_version_to_a_closed_stdout() {
    for flag in ["--help", "--version", "help"] {
        let out = stdout_closed(cairn(&[flag]));
        assert_quiet(&out, 0);
    }
    // A usage error goes to stderr.
    let out = stderr_closed(cairn(&["--no-such-flag"]));
    assert_quiet(&out, 64);
    // `cairn` alone, input not a terminal: the usage, on stderr.
    let out = stderr_closed(cairn(&[]));
    assert_quiet(&out, 64);
}

#[test]
fn piped_repl_with_a_closed_stdout_ends_quietly() {
    let mut child = cairn(&["repl"])
        .stdin(Stdio::piped())
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cairn repl");
    // Far more input than the session would get through if it went on
    // after its output had gone: it must stop reading, so that writing
    // fails.
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let lines = ":help\n1 + 1\nprint(2)\n".repeat(1000);
        (0..1000).all(|_| stdin.write_all(lines.as_bytes()).is_ok())
    });
    let out = child.wait_with_output().expect("wait for cairn repl");
    let wrote_everything = writer.join().expect("writer thread");
    assert_quiet(&out, 0);
    assert_eq!(text(&out.stderr), "");
    assert!(!wrote_everything, "the session read all its input");
}

#[test]
fn piped_repl_errors_to_a_closed_stderr_end_quietly() {
    let mut child = cairn(&["repl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .spawn()
        .expect("start cairn repl");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"print(1 +)\n1 / 0\n:nope\n")
        .expect("write input");
    drop(stdin);
    let out = child.wait_with_output().expect("wait for cairn repl");
    assert_quiet(&out, 0);
}

/// Not a closed pipe but a full disk: the failure is reported, and a
/// command that would have succeeded exits 74.
#[cfg(target_os = "linux")]
#[test]
fn stdout_on_a_full_disk_is_reported_with_status_74() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = TempDir::new("dev-full");
    let file = dir.file("p1.cairn", PRINTS);
    let bad = dir.file("ce.cairn", COMPILE_ERROR);
    let full = || std::fs::File::create("/dev/full").expect("open /dev/full");
    let out = cairn(&["disasm", &file])
        .stdout(full())
        .output()
        .expect("run cairn disasm");
    assert_quiet(&out, 74);
    assert_eq!(
        text(&out.stderr),
        "error: cannot write to standard output: No space left on device (os error 28)\n"
    );
    let out = cairn(&["--version"])
        .stdout(full())
        .output()
        .expect("run cairn --version");
    assert_quiet(&out, 74);
    // A failure already has its status; diagnostics that cannot be written
    // change nothing.
    let out = cairn(&["check", &bad])
        .stderr(full())
        .output()
        .expect("run cairn check");
    assert_quiet(&out, 65);
}

/// A program's own output (`print`) is not the tool's: output that cannot
/// be written raises `IOError` in the program, whether the write fails
/// while it runs or when the last buffered lines are flushed as it ends.
/// A short program used to lose its one line silently and exit 0.
#[test]
fn program_output_that_cannot_be_written_is_an_io_error() {
    let dir = TempDir::new("program-output");
    let file = dir.file("p1.cairn", PRINTS);
    let out = stdout_closed(cairn(&["run", &file]));
    assert_eq!(out.status.code(), Some(70), "{out:?}");
    assert_eq!(
        text(&out.stderr),
        "error: IOError: cannot write to standard output: Broken pipe (os error 32)\n"
    );
    #[cfg(target_os = "linux")]
    if Path::new("/dev/full").exists() {
        let full = std::fs::File::create("/dev/full").expect("open /dev/full");
        let out = cairn(&["run", &file])
            .stdout(full)
            .output()
            .expect("run cairn");
        assert_eq!(out.status.code(), Some(70), "{out:?}");
        assert_eq!(
            text(&out.stderr),
            "error: IOError: cannot write to standard output: No space left on device (os error 28)\n"
        );
    }
}
