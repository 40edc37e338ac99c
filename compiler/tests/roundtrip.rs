//! Compiled programs survive the textual form: for every example and every
//! conformance program that compiles, source → class file → `disassemble` →
//! `assemble` → `write` gives exactly the bytes of writing the class file
//! itself, and compiling the same source twice gives the same bytes.

use std::path::{Path, PathBuf};

use cairn_compiler::{check_file, compile_checked};
use cairn_vm::asm::{assemble, disassemble};
use cairn_vm::classfile::write;

/// The `.cairn` files under `dir`, recursively, sorted; none when `dir`
/// does not exist.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "cairn") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every module of the program at `path` as written bytes, or `None` when
/// it does not compile (conformance cases may expect compile errors).
fn compile(path: &Path) -> Option<Vec<(String, Vec<u8>, String)>> {
    let checked = check_file(path).expect("readable source");
    if checked.has_errors() {
        return None;
    }
    let modules = compile_checked(&checked).ok()?;
    Some(
        modules
            .into_iter()
            .map(|m| {
                let text = disassemble(&m.class_file);
                (m.name, write(&m.class_file), text)
            })
            .collect(),
    )
}

/// Checks every program in `dir`; returns how many compiled.
fn check_dir(dir: &Path) -> usize {
    let mut compiled = 0;
    for path in sources(dir) {
        let Some(modules) = compile(&path) else {
            continue;
        };
        compiled += 1;
        for (name, bytes, text) in &modules {
            let where_ = format!("{} (module {name})", path.display());
            let back = assemble(text).unwrap_or_else(|e| panic!("{where_}: {e}\n{text}"));
            assert!(write(&back) == *bytes, "{where_}: bytes differ after asm");
        }
        let again = compile(&path).expect("compiles the second time");
        assert!(
            again == modules,
            "{}: compiling twice differs",
            path.display()
        );
    }
    compiled
}

#[test]
fn examples_round_trip_through_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    assert!(check_dir(&dir) >= 10, "the examples all compile");
}

#[test]
fn conformance_programs_round_trip_through_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    check_dir(&dir);
}
