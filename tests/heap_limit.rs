//! `cairn run --max-heap`: the limit is a ceiling. Built-in operations that
//! make a large value check it before they build it (or, for text built
//! piece by piece, as it grows), containers check before they grow, and a
//! program that catches `MemoryError` and tries again cannot grow the heap
//! past the limit. Each case runs the command under a limit and checks the
//! outcome and the process's peak resident memory (from `wait4`), which
//! without these checks reached gigabytes (or, under `ulimit -v`, ended in
//! an abort: "memory allocation of N bytes failed").
//!
//! The conformance runner has no way to set a heap limit, so these cases
//! live here. As with the runner, `CAIRN_BIN` names another `cairn` to
//! test.

#![cfg(target_os = "linux")]

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a run ended.
#[derive(Debug)]
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    /// Peak resident set size, in KiB.
    peak_kib: u64,
}

/// Runs `cairn run --max-heap LIMIT FILE` on `code`.
fn run(limit: &str, code: &str) -> Run {
    run_with(limit, &[], code)
}

/// [`run`], with `extra` arguments before the file.
fn run_with(limit: &str, extra: &[&str], code: &str) -> Run {
    run_with_stdin(limit, extra, code, Stdio::null())
}

/// [`run_with`], reading `stdin`.
fn run_with_stdin(limit: &str, extra: &[&str], code: &str, stdin: Stdio) -> Run {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file =
        std::env::temp_dir().join(format!("cairn-heap-limit-{}-{n}.cairn", std::process::id()));
    std::fs::write(&file, code).expect("write program");
    let bin = std::env::var("CAIRN_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cairn").into());
    let mut command = Command::new(bin);
    command
        .arg("run")
        .arg(format!("--max-heap={limit}"))
        .args(extra)
        .arg(&file)
        .env("NO_COLOR", "1")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // A safety net only, so that a regression cannot take the machine's
    // memory: 8 GiB of address space. The checks below do not rely on it
    // (an abort it causes fails them like any other).
    // SAFETY: `setrlimit` is async-signal-safe and touches no state of
    // this process.
    unsafe {
        command.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: 8 << 30,
                rlim_max: 8 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &cap);
            Ok(())
        });
    }
    // Reaped below by `wait4`, which also reports its peak memory.
    #[allow(clippy::zombie_processes)]
    let mut child = command.spawn().expect("run cairn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let deadline = Instant::now() + Duration::from_secs(60);
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain integers, for which all zeroes is a
        // valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: a plain system call on our own unreaped child, with
        // valid pointers to locals.
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if done == pid {
            break (status, usage);
        }
        assert!(done == 0, "wait4 failed");
        if Instant::now() > deadline {
            // SAFETY: the child is not yet reaped, so `pid` still names it.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("cairn ran for over a minute:\n{code}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = std::fs::remove_file(&file);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    // Shown with `-- --nocapture`.
    eprintln!(
        "peak RSS {} KiB, exit {code}, under --max-heap={limit}",
        usage.ru_maxrss
    );
    Run {
        status: code,
        stdout: out_reader.join().expect("stdout"),
        stderr: err_reader.join().expect("stderr"),
        peak_kib: usage.ru_maxrss as u64,
    }
}

/// The most resident memory a run under a limit of `limit_mib` may take:
/// twice the limit (the heap's count is an estimate that leaves out the
/// slot table's side tables and the allocator's rounding, and the
/// allocator keeps freed pages for a while), plus what the command takes
/// to start (about 10 MiB for a debug build).
fn rss_bound_kib(limit_mib: u64) -> u64 {
    (2 * limit_mib + 16) * 1024
}

/// Checks that the program ended with an uncaught `MemoryError` (exit
/// status 70, not an abort) and stayed under the memory bound.
fn assert_memory_error(limit_mib: u64, code: &str) {
    let r = run(&format!("{limit_mib}M"), code);
    assert_eq!(r.status, 70, "{code}\n{r:?}");
    assert!(
        r.stderr.starts_with("error: MemoryError: "),
        "{code}\n{}",
        r.stderr
    );
    assert!(
        r.peak_kib < rss_bound_kib(limit_mib),
        "peak RSS {} KiB under a {limit_mib} MiB limit:\n{code}",
        r.peak_kib
    );
}

/// Checks that the program ran to the end printing `expected`, under the
/// memory bound.
fn assert_output(limit_mib: u64, code: &str, expected: &str) {
    assert_output_within(limit_mib, rss_bound_kib(limit_mib), code, expected);
}

/// [`assert_output`], with a bound of `bound_kib` on resident memory.
fn assert_output_within(limit_mib: u64, bound_kib: u64, code: &str, expected: &str) {
    let r = run(&format!("{limit_mib}M"), code);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, expected),
        "{code}\n{r:?}"
    );
    assert!(
        r.peak_kib < bound_kib,
        "peak RSS {} KiB under a {limit_mib} MiB limit:\n{code}",
        r.peak_kib
    );
}

#[test]
fn join_checks_the_result_before_building_it() {
    // 200 MB of text from a 1 MB string.
    let xs = "let xs = [\"x\" * 1000000] * 200\n";
    assert_memory_error(20, &format!("{xs}print(\"\".join(xs).len())\n"));
    assert_memory_error(20, &format!("{xs}print(xs.join(\"\").len())\n"));
    assert_memory_error(20, &format!("{xs}print(xs.join(\", \").len())\n"));
    // Items that are not Strings are checked as the text grows.
    assert_memory_error(
        20,
        "let xs = [[\"x\" * 1000000]] * 200\nprint(xs.join(\"\").len())\n",
    );
}

#[test]
fn replace_checks_the_result_before_building_it() {
    let s = "let s = \"x\" * 200000\n";
    assert_memory_error(
        20,
        &format!("{s}print(s.replace(\"x\", \"y\" * 500).len())\n"),
    );
    // An empty pattern matches at every character boundary.
    assert_memory_error(
        20,
        &format!("{s}print(s.replace(\"\", \"y\" * 500).len())\n"),
    );
    // What fits is still made.
    assert_output(
        20,
        &format!("{s}print(s.replace(\"x\", \"yy\").len(), \"ab\".replace(\"\", \"-\"))\n"),
        "400000 -a-b-\n",
    );
}

#[test]
fn interpolation_checks_the_result_before_building_it() {
    let s = "let s = \"x\" * 3000000\n";
    let parts = "${s}".repeat(10);
    assert_memory_error(20, &format!("{s}print(\"{parts}\".len())\n"));
    // A List's text grows piece by piece, checked as it grows.
    assert_memory_error(
        20,
        &format!("{s}let xs = [s] * 100\nprint(\"${{xs}}\".len())\n"),
    );
}

#[test]
fn str_and_repr_check_the_text_as_it_grows() {
    assert_memory_error(20, "let s = \"x\" * 3000000\nprint(str([s] * 100).len())\n");
    // Wide rather than large: a small heap whose text is 40 MB.
    assert_memory_error(
        20,
        "let y = [\"abcdefghijklmnopq\"] * 1024\nlet z = [y] * 2048\nprint(repr(z).len())\n",
    );
}

#[test]
fn json_stringify_checks_the_text_as_it_grows() {
    assert_memory_error(
        20,
        "import json\nlet s = \"x\" * 3000000\nprint(json.stringify([s] * 100).len())\n",
    );
    assert_memory_error(
        20,
        "import json\nlet s = \"x\" * 3000000\nprint(json.stringify({\"a\": [s] * 100}, 2).len())\n",
    );
}

#[test]
fn json_parse_checks_the_values_as_it_makes_them() {
    // 2 MB of text, 4 million Lists.
    assert_memory_error(
        20,
        "import json\nlet text = \"[\" + \"[],\" * 700000 + \"[]]\"\nprint(json.parse(text).len())\n",
    );
}

#[test]
fn split_checks_the_pieces_before_making_them() {
    assert_memory_error(20, "print((\",\" * 2000000).split(\",\").len())\n");
    assert_memory_error(20, "print((\"a \" * 1000000).split().len())\n");
}

#[test]
fn chars_checks_the_pieces_before_making_them() {
    assert_memory_error(20, "print((\"x\" * 2000000).chars().len())\n");
}

#[test]
fn string_and_list_concatenation_check_the_result_first() {
    assert_memory_error(20, "let s = \"x\" * 12000000\nprint((s + s).len())\n");
    assert_memory_error(20, "let xs = [1] * 800000\nprint((xs + xs).len())\n");
}

#[test]
fn old_garbage_does_not_count_against_a_large_value() {
    // The first String is garbage by the time the second is made, with no
    // safepoint in between: the check finds it is garbage, and does not
    // count it.
    assert_output(
        20,
        "print((\"x\" * 12000000).len())\nprint((\"y\" * 12000000).len())\nprint(\"\".join([\"z\" * 6000000] * 2).len())\n",
        "12000000\n12000000\n12000000\n",
    );
    // Operands the interpreter has popped are held: the dead String is
    // not counted, the temporary ones are. The dead one is freed only at
    // the end of the instruction (a native cannot collect), so memory
    // passes the limit by it for a moment: a third limit's worth.
    assert_output_within(
        20,
        rss_bound_kib(20) + 20 * 1024,
        "var g = \"g\" * 9000000\ng = nil\nprint((\"x\" * 5000000 + \"y\" * 5000000).len())\ng = \"g\" * 9000000\ng = nil\nprint((\"x\" * 9000000)[0..8000000].len())\ng = [0] * 600000\ng = nil\nprint(([1] * 600000)[0..500000].len())\n",
        "10000000\n8000000\n500000\n",
    );
}

#[test]
fn straight_line_code_that_drops_large_values_stays_under_the_limit() {
    // No safepoint between the statements (no loop, call return or
    // throw): each product is found to be garbage by the next one's check,
    // and freed before the instruction after it. Before, the third
    // statement raised MemoryError although one String was ever alive.
    let mut code = String::from("var g = nil\n");
    for _ in 0..30 {
        code.push_str("g = \"x\" * 9000000\n");
    }
    code.push_str("print(g.len())\n");
    assert_output_within(20, rss_bound_kib(20) + 20 * 1024, &code, "9000000\n");
}

#[test]
fn doubling_a_string_in_a_catch_and_retry_loop_stays_under_the_limit() {
    assert_output(
        20,
        "var s = \"x\"\nvar caught = 0\nwhile caught < 30 {\n  try { while true { s = s + s } } catch e { caught += 1 }\n}\nprint(caught, s.len())\n",
        "30 8388608\n",
    );
}

#[test]
fn pushing_in_a_catch_and_retry_loop_stays_under_the_limit() {
    // Without the check, the list's capacity doubled after every catch.
    assert_output(
        1,
        "let m = []\nvar caught = 0\nwhile caught < 30 {\n  try { while true { m.push(1) } } catch e: MemoryError { caught += 1 }\n}\nprint(caught, m.len() < 70000)\n",
        "30 true\n",
    );
}

#[test]
fn storing_into_a_map_in_a_catch_and_retry_loop_stays_under_the_limit() {
    assert_output(
        1,
        "let m = {}\nvar i = 0\nvar caught = 0\nwhile caught < 30 {\n  try { while true { m[i] = i\n i += 1 } } catch e: MemoryError { caught += 1 }\n}\nprint(caught, m.len() < 15000)\n",
        "30 true\n",
    );
    // String keys take the general path.
    assert_output(
        1,
        "let m = {}\nvar i = 0\nvar caught = 0\nwhile caught < 30 {\n  try { while true { m[\"k\"] = i\n m[\"${i}\"] = i\n i += 1 } } catch e: MemoryError { caught += 1 }\n}\nprint(caught, m.len() < 15000)\n",
        "30 true\n",
    );
}

#[test]
fn keeping_small_objects_in_a_catch_and_retry_loop_stays_under_the_limit() {
    // Each small List is allocated before any check can fail: the heap
    // passes the limit, and the next safepoint raises. Once it has, the
    // heap gets a little room for the handler, and past that every
    // safepoint raises again: the program ends with a MemoryError when
    // its retries do not free anything, instead of growing.
    for (limit, body) in [
        (1, "keep.push([1, 2, 3])"),
        (1, "head = [head]"),
        (16, "keep.push([1, 2, 3])"),
    ] {
        let code = format!(
            "let keep = []\nvar head = nil\nvar caught = 0\nwhile caught < 30 {{\n  try {{ while true {{ {body} }} }} catch e: MemoryError {{ caught += 1 }}\n}}\nprint(caught)\n"
        );
        let r = run(&format!("{limit}M"), &code);
        let ended = (r.status == 0 && r.stdout == "30\n")
            || (r.status == 70 && r.stderr.starts_with("error: MemoryError: "));
        assert!(ended, "{code}\n{r:?}");
        assert!(
            r.peak_kib < rss_bound_kib(limit),
            "peak RSS {} KiB under a {limit} MiB limit:\n{code}",
            r.peak_kib
        );
    }
}

#[test]
fn reading_a_file_checks_its_size_as_it_reads() {
    // 40 MB of text under a 20 MiB limit: the read stops with a
    // MemoryError (and the file closed), and a smaller read still works.
    let dir = std::env::temp_dir().join(format!("cairn-heap-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let big = dir.join("big.txt");
    // Written a megabyte at a time: the child's peak RSS, as `wait4`
    // reports it, includes this process's at the fork.
    let mut file = std::fs::File::create(&big).expect("create file");
    let mb = "x".repeat(1 << 20);
    for _ in 0..40 {
        std::io::Write::write_all(&mut file, mb.as_bytes()).expect("write file");
    }
    drop(file);
    let small = dir.join("small.txt");
    std::fs::write(&small, "y".repeat(2 << 20)).expect("write file");
    let allow = format!("--allow-read={}", dir.display());
    let code = format!(
        "import fs\nfor f in [\"read_text\", \"read_bytes\"] {{\n  try {{ if f == \"read_text\" {{ fs.read_text({big:?}) }} else {{ fs.read_bytes({big:?}) }} }} catch e: MemoryError {{ print(f, \"MemoryError\") }}\n}}\nprint(fs.read_text({small:?}).len())\n",
        big = big.display().to_string(),
        small = small.display().to_string(),
    );
    let r = run_with("20M", &[&allow], &code);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (
            0,
            "read_text MemoryError\nread_bytes MemoryError\n2097152\n"
        ),
        "{code}\n{r:?}"
    );
    assert!(
        r.peak_kib < rss_bound_kib(20),
        "peak RSS {} KiB",
        r.peak_kib
    );
}

#[test]
fn endless_standard_input_stops_at_the_limit() {
    // `/dev/zero` is a line without end: both reads gather it a piece at a
    // time and stop with MemoryError, instead of the host reading it all.
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    for read in ["io.read_line()", "io.read_all()"] {
        let code = format!("import io\nlet s = {read}\nprint(s.len())\n");
        let zero = std::fs::File::open("/dev/zero").expect("open /dev/zero");
        let r = run_with_stdin("20M", &[], &code, Stdio::from(zero));
        assert_eq!(r.status, 70, "{code}\n{r:?}");
        assert!(
            r.stderr.starts_with("error: MemoryError: "),
            "{code}\n{r:?}"
        );
        assert!(
            r.peak_kib < rss_bound_kib(20),
            "peak RSS {} KiB",
            r.peak_kib
        );
    }
}
