//! `cairn run` options that report on the run or bound it: `--stats`,
//! `--gc-stats`, `--max-heap`, `--fuel`.

use std::process::Command;

/// Runs `cairn run OPTIONS FILE` on `code` written to a temporary file:
/// exit status, stdout, stderr.
fn run_code(options: &[&str], code: &str) -> (i32, String, String) {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("cairn-cli-run-{}-{n}.cairn", std::process::id()));
    std::fs::write(&file, code).expect("write program");
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("run")
        .args(options)
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .expect("run cairn");
    let _ = std::fs::remove_file(&file);
    (
        out.status.code().expect("exit status"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The numbers in the `--stats` line that starts with `prefix`.
fn numbers(stderr: &str, prefix: &str) -> Vec<u64> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{stderr}"));
    line[prefix.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().expect("a number"))
        .collect()
}

const SITES: &str = r#"
class P1 { fn f() { return 1 } }
class P2 { fn f() { return 2 } }
class P3 { fn f() { return 3 } }
class P4 { fn f() { return 4 } }
class P5 { fn f() { return 5 } }
class P6 { fn f() { return 6 } }
fn mono(o) { return o.f() }
fn poly(o) { return o.f() }
fn mega(o) { return o.f() }
var total = 0
let one = P1()
for i in 0..100 { total += mono(one) }
let two = [P1(), P2()]
for i in 0..100 { total += poly(two[i % 2]) }
let six = [P1(), P2(), P3(), P4(), P5(), P6()]
for i in 0..600 { total += mega(six[i % 6]) }
print(total)
"#;

#[test]
fn stats_report_cache_hits_by_kind() {
    let (status, stdout, stderr) = run_code(&["--stats"], SITES);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stdout, "2350\n");
    assert!(numbers(&stderr, "instructions executed:")[0] > 1000);
    assert!(numbers(&stderr, "calls:")[0] >= 800);
    let [hits, mono, poly, mega, misses, ..] = numbers(&stderr, "inline cache (method call):")[..]
    else {
        panic!("bad stats line:\n{stderr}");
    };
    assert_eq!(hits, mono + poly + mega);
    // mono: 99 hits after its first miss; poly: 98 after two misses; mega:
    // four classes remembered, two more through the global cache.
    assert!(mono >= 99, "{stderr}");
    assert!(poly >= 98 + 396, "{stderr}");
    assert!(mega >= 190, "{stderr}");
    assert!(misses <= 1 + 2 + 6 + 6, "{stderr}");
}

#[test]
fn no_stats_without_the_flag() {
    let (status, stdout, stderr) = run_code(&[], SITES);
    assert_eq!(
        (status, stdout.as_str(), stderr.as_str()),
        (0, "2350\n", "")
    );
}

const BOMB: &str = r#"
fn bomb() {
  let xs = []
  while true { xs.push([1, 2, 3, 4, 5, 6, 7, 8]) }
}
try {
  bomb()
} catch e: MemoryError {
  print("caught:", e.message)
}
let ys = []
for i in 0..1000 { ys.push("still working ${i}") }
print(ys.len(), ys[999])
try {
  let s = "x" * 100000000
} catch e: MemoryError {
  print("repeat:", e.message)
}
"#;

#[test]
fn an_allocation_bomb_raises_memory_error_and_the_program_goes_on() {
    let (status, stdout, stderr) = run_code(&["--max-heap", "32M"], BOMB);
    assert_eq!(status, 0, "stderr: {stderr}");
    assert_eq!(
        stdout,
        "caught: heap limit of 32 MiB exceeded\n\
         1000 still working 999\n\
         repeat: heap limit of 32 MiB exceeded\n"
    );
}

#[test]
fn a_memory_error_at_a_loops_backward_jump_is_caught_around_the_loop() {
    // The collection that finds the heap over its limit runs at the
    // loop's backward jump, the first point where it may; the error is
    // the jump's, inside the `try`, not the code's before the loop.
    let (status, stdout, stderr) = run_code(
        &["--max-heap", "16M"],
        "let xs = []\ntry {\n  while true { xs.push([1, 2, 3, 4, 5, 6, 7, 8]) }\n} catch e: MemoryError {\n  print(\"caught\")\n}\n",
    );
    assert_eq!((status, stdout.as_str()), (0, "caught\n"), "{stderr}");
}

#[test]
fn an_uncaught_memory_error_ends_the_program_cleanly() {
    let (status, stdout, stderr) = run_code(
        &["--max-heap", "16M"],
        "print(\"before\")\nlet xs = []\nwhile true { xs.push(\"a string ${xs.len()}\") }\n",
    );
    assert_eq!(status, 70);
    assert_eq!(stdout, "before\n");
    assert!(
        stderr.starts_with("error: MemoryError: heap limit of 16 MiB exceeded"),
        "{stderr}"
    );
}

#[test]
fn garbage_does_not_count_against_the_limit() {
    // About a gigabyte allocated in total, little of it alive at once.
    let (status, stdout, stderr) = run_code(
        &["--max-heap", "64M", "--gc-stats"],
        "var total = 0\nfor i in 0..2000 { let big = \"y\" * 500000\n total += big.len() }\nprint(total)\n",
    );
    assert_eq!(status, 0, "stderr: {stderr}");
    assert_eq!(stdout, "1000000000\n");
    let allocated = numbers(&stderr, "gc: bytes allocated:")[0];
    assert!(allocated >= 1_000_000_000, "{stderr}");
}

#[test]
fn gc_stats_reports_every_counter() {
    let (status, _, stderr) = run_code(
        &["--gc-stats"],
        "class P { var x\n init(x) { this.x = x } }\nlet keep = []\nfor i in 0..100000 { let p = P(i)\n if i % 100 == 0 { keep.push(p) } }\nprint(keep.len())\n",
    );
    assert_eq!(status, 0, "{stderr}");
    for line in [
        "gc: minor collections:",
        "gc: major collections:",
        "gc: objects allocated:",
        "gc: bytes allocated:",
        "gc: objects promoted:",
        "gc: bytes promoted:",
        "gc: total pause:",
        "gc: max minor pause:",
        "gc: max major pause:",
        "gc: peak heap:",
    ] {
        assert!(stderr.contains(line), "no {line:?} in:\n{stderr}");
    }
    assert!(numbers(&stderr, "gc: minor collections:")[0] >= 1);
    assert!(numbers(&stderr, "gc: objects allocated:")[0] >= 100_000);
    // Most of what is kept outlives two minor collections.
    assert!(numbers(&stderr, "gc: objects promoted:")[0] >= 100);
}

#[test]
fn max_heap_rejects_a_bad_size() {
    let (status, _, stderr) = run_code(&["--max-heap", "lots"], "print(1)\n");
    assert_eq!(status, 64, "{stderr}");
    assert!(stderr.contains("not a size"), "{stderr}");
}

/// Runs `cairn ARGS` (no file): exit status, stdout, stderr.
fn cairn(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run cairn");
    (
        out.status.code().expect("exit status"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Loops for ever, printing first; `finally` must not run when fuel ends it.
const FOREVER: &str = r#"
print("started")
try {
  var n = 0
  while true { n += 1 }
} catch e {
  print("caught")
} finally {
  print("finally")
}
"#;

#[test]
fn running_out_of_fuel_stops_the_program_with_its_own_status() {
    let (status, stdout, stderr) = run_code(&["--fuel", "5000"], FOREVER);
    assert_eq!(status, 152, "{stderr}");
    assert_eq!(stdout, "started\n", "catch or finally ran");
    assert_eq!(stderr, "error: out of fuel (5000 instructions)\n");
}

#[test]
fn a_program_within_its_fuel_runs_normally() {
    let (status, stdout, stderr) = run_code(
        &["--fuel", "100000"],
        "var t = 0\nfor i in 0..100 { t += i }\nprint(t)\n",
    );
    assert_eq!((status, stdout.as_str()), (0, "4950\n"), "{stderr}");
}

#[test]
fn the_fuel_counts_the_instructions_stats_report() {
    let code = "var t = 0\nfor i in 0..100 { t += i }\nprint(t)\n";
    let (_, _, stderr) = run_code(&["--stats"], code);
    let used = numbers(&stderr, "instructions executed:")[0];
    let exact = used.to_string();
    let (status, stdout, stderr) = run_code(&["--fuel", &exact], code);
    assert_eq!((status, stdout.as_str()), (0, "4950\n"), "{stderr}");
    // One unit short, the top level's final RETURN does not run.
    let short = (used - 1).to_string();
    let (status, stdout, _) = run_code(&["--fuel", &short], code);
    assert_eq!((status, stdout.as_str()), (152, "4950\n"));
}

#[test]
fn fuel_runs_out_inside_a_callback() {
    // Native `map` calls back into Cairn; the callback's loop is metered.
    let (status, _, stderr) = run_code(
        &["--fuel", "20000"],
        "[1, 2].map(fn(x) { while true {} })\nprint(\"after\")\n",
    );
    assert_eq!(status, 152, "{stderr}");
    assert!(stderr.starts_with("error: out of fuel"), "{stderr}");
}

#[test]
fn a_snippet_takes_fuel_too() {
    let (status, stdout, stderr) = cairn(&["-e", "print(1)\nwhile true {}", "--fuel", "1000"]);
    assert_eq!(status, 152, "{stderr}");
    assert_eq!(stdout, "1\n");
    assert_eq!(stderr, "error: out of fuel (1000 instructions)\n");
    let (status, stdout, _) = cairn(&["-e", "print(2)", "--fuel", "1000"]);
    assert_eq!((status, stdout.as_str()), (0, "2\n"));
}

#[test]
fn fuel_must_be_a_count() {
    let (status, _, stderr) = run_code(&["--fuel", "-3"], "print(1)\n");
    assert_eq!(status, 64, "{stderr}");
    let (status, _, stderr) = cairn(&["--fuel", "10"]);
    assert_eq!(status, 64, "--fuel without -e: {stderr}");
}
