//! Every example program prints exactly its expected output
//! (`examples/expected/NAME.out`), normally and with the collector running
//! at every safepoint (`CAIRN_GC_STRESS=1`).
//!
//! An example whose first line is `// run: FLAGS... [-- ARGS...]` is run as
//! `cairn run FLAGS... EXAMPLE ARGS...` from the workspace root, with every
//! `$TMP` replaced by a fresh temporary directory. If its flags grant
//! capabilities, it is also run without them and must stop with an uncaught
//! `PermissionError` (exit status 70).
//!
//! `CAIRN_BIN` names another `cairn` to run (`.ci/run` points it at a
//! release build with debug assertions for its stress run).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The words of an example's `// run:` line: flags, then program arguments.
fn run_line(path: &Path, tmp: &Path) -> (Vec<String>, Vec<String>) {
    let source = std::fs::read_to_string(path).expect("readable example");
    let Some(line) = source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// run:"))
    else {
        return (Vec::new(), Vec::new());
    };
    let tmp = tmp.display().to_string();
    let words: Vec<String> = line
        .split_whitespace()
        .map(|w| w.replace("$TMP", &tmp))
        .collect();
    match words.iter().position(|w| w == "--") {
        Some(i) => (words[..i].to_vec(), words[i + 1..].to_vec()),
        None => (words, Vec::new()),
    }
}

/// A fresh temporary directory, removed on drop.
struct Tmp(PathBuf);

impl Tmp {
    fn new() -> Tmp {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cairn-examples-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temporary directory");
        Tmp(dir)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cairn() -> PathBuf {
    match std::env::var_os("CAIRN_BIN") {
        Some(bin) if !bin.is_empty() => PathBuf::from(bin),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_cairn")),
    }
}

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cairn"))
        .collect();
    paths.sort();
    paths
}

fn check_all(stress: bool) {
    let mut checked = 0;
    for path in examples() {
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let expected_path = path.with_file_name(format!("expected/{name}.out"));
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no expected output", path.display()));
        let tmp = Tmp::new();
        let (flags, args) = run_line(&path, &tmp.0);
        let mut cmd = Command::new(cairn());
        cmd.arg("run").args(&flags).arg(&path).args(&args);
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
        if stress {
            cmd.env("CAIRN_GC_STRESS", "1");
        }
        let out = cmd.output().expect("cairn runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name}: exit {:?}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout, expected, "{name}: output differs");
        checked += 1;
        if flags.iter().any(|f| f.starts_with("--allow")) {
            let out = Command::new(cairn())
                .arg("run")
                .arg(&path)
                .args(&args)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .output()
                .expect("cairn runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(70),
                "{name} without grants: {stderr}"
            );
            assert!(
                stderr.starts_with("error: PermissionError: "),
                "{name} without grants: {stderr}"
            );
        }
    }
    assert!(
        checked >= 8,
        "expected at least eight examples, ran {checked}"
    );
}

#[test]
fn examples_print_their_expected_output() {
    check_all(false);
}

#[test]
fn examples_survive_gc_stress() {
    check_all(true);
}
