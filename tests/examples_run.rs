//! Every example program prints exactly its expected output
//! (`examples/expected/NAME.out`), normally and with the collector running
//! at every safepoint (`CAIRN_GC_STRESS=1`).

use std::path::{Path, PathBuf};
use std::process::Command;

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
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
        cmd.arg("run").arg(&path);
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
