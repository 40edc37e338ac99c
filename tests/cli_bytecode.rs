//! The bytecode commands: `cairn build`, `disasm`, `asm` and `verify`, their
//! outputs and exit statuses (0 ok, 64 usage, 65 compile, decode or verify
//! error, 66 input not found).

use std::path::Path;
use std::process::{Command, Output};

mod support;
use support::TempDir;

/// Runs `cairn ARGS` in `dir`: exit status, stdout, stderr.
fn cairn(dir: &TempDir, args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run cairn");
    (
        status.code().expect("exit status"),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A program with a main file and one imported module in a subdirectory.
fn program(dir: &TempDir) {
    dir.write(
        "main.cairn",
        "import \"./lib/geo\"\nlet r = 2\nprint(\"area ${geo.area(r)}\")\n",
    );
    dir.write("lib/geo.cairn", "fn area(r) {\n  return 3 * r * r\n}\n");
}

const INVALID_CASM: &str = r#"// expect verify error: stack underflow
.const 0 str "m"
.const 1 str "m.casm"
.source 1
.function 0 module
    n_locals 1  max_stack 1
    ADD              // pops 2 from an empty stack
    RETURN
"#;

#[test]
fn build_writes_main_and_imported_modules() {
    let dir = TempDir::new("build");
    program(&dir);
    let (code, out, err) = cairn(&dir, &["build", "main.cairn"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    for file in ["main.cairnc", "lib/geo.cairnc"] {
        assert!(dir.join(file).is_file(), "{file} written");
        let (code, out, err) = cairn(&dir, &["verify", file]);
        assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""), "{file}");
    }

    // With -o, imported modules go next to OUT, at the same relative path.
    let (code, _, err) = cairn(&dir, &["build", "main.cairn", "-o", "out/app.cairnc"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(&dir.join("out/app.cairnc")),
        read(&dir.join("main.cairnc"))
    );
    assert_eq!(
        read(&dir.join("out/lib/geo.cairnc")),
        read(&dir.join("lib/geo.cairnc"))
    );
    // `./` in the path does not change where imported modules go.
    let (code, _, err) = cairn(&dir, &["build", "./main.cairn", "-o", "dot/app.cairnc"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("dot/lib/geo.cairnc").is_file());
}

#[test]
fn build_reports_compile_errors() {
    let dir = TempDir::new("build-errors");
    dir.write("bad.cairn", "print(totl)\n");
    let (code, out, err) = cairn(&dir, &["build", "bad.cairn"]);
    assert_eq!(code, 65, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("undefined name `totl`"), "{err}");
    assert!(
        err.contains("could not compile `bad.cairn` due to 1 error"),
        "{err}"
    );
    assert!(!dir.join("bad.cairnc").exists());
}

#[test]
fn disasm_of_source_and_class_file_agree() {
    let dir = TempDir::new("disasm");
    program(&dir);
    assert_eq!(cairn(&dir, &["build", "main.cairn"]).0, 0);
    let (code, from_source, err) = cairn(&dir, &["disasm", "main.cairn"]);
    assert_eq!(code, 0, "{err}");
    let (code, from_class, err) = cairn(&dir, &["disasm", "main.cairnc"]);
    assert_eq!(code, 0, "{err}");
    let (code, geo, err) = cairn(&dir, &["disasm", "lib/geo.cairnc"]);
    assert_eq!(code, 0, "{err}");
    assert!(from_class.contains(".module 0"), "{from_class}");
    assert!(from_class.contains("IMPORT 0"), "{from_class}");
    let header = "\n; ==== imported module geo: lib/geo.cairn ====\n";
    assert_eq!(from_source, format!("{from_class}{header}{geo}"));
}

#[test]
fn asm_of_disasm_gives_identical_bytes() {
    let dir = TempDir::new("asm");
    program(&dir);
    assert_eq!(cairn(&dir, &["build", "main.cairn"]).0, 0);
    let (_, listing, _) = cairn(&dir, &["disasm", "main.cairnc"]);
    dir.write("copy.casm", &listing);
    let (code, out, err) = cairn(&dir, &["asm", "copy.casm"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert_eq!(
        read(&dir.join("copy.cairnc")),
        read(&dir.join("main.cairnc"))
    );
    let (code, _, err) = cairn(&dir, &["asm", "copy.casm", "-o", "sub/other.cairnc"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(&dir.join("sub/other.cairnc")),
        read(&dir.join("main.cairnc"))
    );
}

#[test]
fn asm_writes_invalid_code_that_verify_rejects() {
    let dir = TempDir::new("verify");
    dir.write("underflow.casm", INVALID_CASM);
    let (code, _, err) = cairn(&dir, &["asm", "underflow.casm"]);
    assert_eq!(code, 0, "asm does not verify: {err}");
    let (code, out, err) = cairn(&dir, &["verify", "underflow.cairnc"]);
    assert_eq!(code, 65);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "verify error: fn m (underflow.cairnc) at pc 0: stack underflow: \
         `ADD` pops 2 but the stack holds 0\n"
    );
}

#[test]
fn asm_reports_errors_with_file_and_line() {
    let dir = TempDir::new("asm-errors");
    dir.write("typo.casm", ".function 0 module\n    NIL\n    RETRN\n");
    let (code, out, err) = cairn(&dir, &["asm", "typo.casm"]);
    assert_eq!((code, out.as_str()), (65, ""));
    assert_eq!(err, "typo.casm:3: unknown mnemonic `RETRN`\n");
    assert!(!dir.join("typo.cairnc").exists());
}

#[test]
fn undecodable_class_files_are_load_errors() {
    let dir = TempDir::new("decode");
    dir.write("junk.cairnc", "not a class file");
    for command in ["disasm", "verify"] {
        let (code, out, err) = cairn(&dir, &[command, "junk.cairnc"]);
        assert_eq!((code, out.as_str()), (65, ""), "{command}");
        assert!(
            err.starts_with("error: cannot load `junk.cairnc`: bad magic"),
            "{command}: {err}"
        );
    }
}

#[test]
fn missing_inputs_exit_66_and_usage_errors_64() {
    let dir = TempDir::new("missing");
    for (command, file) in [
        ("build", "nope.cairn"),
        ("disasm", "nope.cairn"),
        ("disasm", "nope.cairnc"),
        ("asm", "nope.casm"),
        ("verify", "nope.cairnc"),
    ] {
        let (code, out, err) = cairn(&dir, &[command, file]);
        assert_eq!((code, out.as_str()), (66, ""), "{command} {file}");
        assert!(err.contains(&format!("`{file}`")), "{command}: {err}");
    }
    for args in [
        &["asm"][..],
        &["verify", "a", "b"],
        &["build", "x.cairn", "-o"],
    ] {
        assert_eq!(cairn(&dir, args).0, 64, "{args:?}");
    }
}

/// Captures as hand-written bytecode may mix them: a copy of an upvalue
/// held as a cell copies the cell's value; a capture as a cell of what is
/// no cell fails at `CLOSURE`, so reading a cell-held upvalue never fails.
#[test]
fn hand_written_captures_copy_values_and_refuse_missing_cells() {
    let dir = TempDir::new("captures");
    dir.write(
        "cap.cairn",
        "fn outer(a) {\n  var b = a\n  fn mid() {\n    return fn() => a + b\n  }\n  \
         b += 1\n  return mid\n}\nprint(outer(1)()())\n",
    );
    let (_, listing, _) = cairn(&dir, &["disasm", "cap.cairn"]);
    // As compiled: `a` (never assigned) copied, `b` in a cell.
    for line in [
        "upvalue local 1 value",
        "upvalue local 2 ",
        "upvalue outer 0 value",
        "upvalue outer 1 ",
    ] {
        assert!(listing.contains(line), "{line}\n{listing}");
    }
    let run = |name: &str, from: &str, to: &str| {
        assert!(listing.contains(from), "{from}");
        dir.write(&format!("{name}.casm"), listing.replacen(from, to, 1));
        let (code, _, err) = cairn(&dir, &["asm", &format!("{name}.casm")]);
        assert_eq!(code, 0, "{err}");
        cairn(&dir, &["run", &format!("{name}.cairnc")])
    };
    let (code, out, err) = run("as_compiled", "", "");
    assert_eq!((code, out.as_str()), (0, "3\n"), "{err}");
    // The innermost closure copies `b`'s value (2) instead of sharing it.
    let (code, out, err) = run("copy_of_cell", "upvalue outer 1 ", "upvalue outer 1 value ");
    assert_eq!((code, out.as_str()), (0, "3\n"), "{err}");
    // `a` captured as a cell, but its slot holds a plain value.
    let (code, _, err) = run("local_not_cell", "upvalue local 1 value", "upvalue local 1");
    assert_eq!(code, 70, "{err}");
    assert!(err.contains("captured local 1 holds no cell"), "{err}");
    // The copied `a` captured onward as a cell.
    let (code, _, err) = run("outer_not_cell", "upvalue outer 0 value", "upvalue outer 0");
    assert_eq!(code, 70, "{err}");
    assert!(err.contains("captured upvalue 0 holds no cell"), "{err}");
}
