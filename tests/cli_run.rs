//! `cairn run` options that report on the run: `--stats`.

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
