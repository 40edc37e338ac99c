//! The sandbox battery: `cairn run` with and without capability flags.
//!
//! Each test builds a directory tree in a fresh temporary directory:
//!
//! ```text
//! ROOT/outside.txt         a file no grant below covers
//! ROOT/dir/a.txt           "alpha"
//! ROOT/dir/bad.txt         bytes that are not UTF-8
//! ROOT/dir/link            -> ../outside.txt   (Unix)
//! ROOT/dir/sub/            a directory
//! ROOT/dir2/secret.txt     a sibling whose name starts with "dir"
//! ```
//!
//! and runs a program from ROOT. Without grants, and with
//! `--allow-read=dir`, every escape is a `PermissionError` naming the flag
//! that would grant it; the granted operations work; file-system faults are
//! catchable `IOError`s naming the path and the operating system's reason.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Tree(PathBuf);

impl Tree {
    fn new() -> Tree {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("cairn-sandbox-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("dir/sub")).expect("create dir");
        std::fs::create_dir_all(root.join("dir2")).expect("create dir2");
        std::fs::write(root.join("outside.txt"), "outside").expect("write");
        std::fs::write(root.join("dir/a.txt"), "alpha").expect("write");
        std::fs::write(root.join("dir/bad.txt"), b"ok \xff\xfe bytes").expect("write");
        std::fs::write(root.join("dir2/secret.txt"), "secret").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink("../outside.txt", root.join("dir/link")).expect("symlink");
        let root = std::fs::canonicalize(&root).expect("canonical root");
        Tree(root)
    }

    fn abs(&self, rel: &str) -> String {
        self.0.join(rel).display().to_string()
    }

    /// Runs `cairn run FLAGS prog.cairn ARGS` in ROOT with `source` as the
    /// program; returns (status, stdout, stderr).
    fn run(&self, flags: &[&str], source: &str, args: &[&str]) -> (i32, String, String) {
        std::fs::write(self.0.join("prog.cairn"), source).expect("write program");
        let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .arg("run")
            .args(flags)
            .arg("prog.cairn")
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .env("CAIRN_SANDBOX_SECRET", "hunter2")
            .stdin(Stdio::null())
            .output()
            .expect("run cairn");
        (
            out.status.code().expect("exit status"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A program that runs `expr` and prints `Class: message` or the result.
fn attempt(expr: &str) -> String {
    format!(
        "import fs\nimport os\n\
         try {{ print(\"ok:\", {expr}) }} catch e {{ print(e.class.name + \": \" + e.message) }}\n"
    )
}

/// Runs `expr` with `flags` and returns its one line of output.
fn outcome(tree: &Tree, flags: &[&str], expr: &str) -> String {
    let (status, stdout, stderr) = tree.run(flags, &attempt(expr), &[]);
    assert_eq!(status, 0, "{expr}: {stderr}");
    assert!(stderr.is_empty(), "{expr}: {stderr}");
    stdout.trim_end().to_string()
}

fn assert_denied(tree: &Tree, flags: &[&str], expr: &str, flag: &str) {
    let line = outcome(tree, flags, expr);
    assert!(
        line.starts_with("PermissionError: ") && line.contains("denied (grant it with "),
        "{flags:?} {expr}: {line}"
    );
    assert!(
        line.contains(flag),
        "{flags:?} {expr}: `{line}` should suggest {flag}"
    );
}

const READ_DIR: &[&str] = &["--allow-read=dir"];

#[test]
fn reading_outside_by_absolute_path_is_denied() {
    let tree = Tree::new();
    let outside = tree.abs("outside.txt");
    let expr = format!("fs.read_text({outside:?})");
    let flag = format!("--allow-read={}", tree.0.display());
    assert_denied(&tree, &[], &expr, &flag);
    assert_denied(&tree, READ_DIR, &expr, &flag);
    let line = outcome(&tree, READ_DIR, &expr);
    assert_eq!(
        line,
        format!("PermissionError: read access to \"{outside}\" denied (grant it with {flag})")
    );
}

#[test]
fn reading_outside_through_dotdot_is_denied() {
    let tree = Tree::new();
    let flag = format!("--allow-read={}", tree.0.display());
    for expr in [
        "fs.read_text(\"dir/../outside.txt\")",
        "fs.read_text(\"dir/sub/../../outside.txt\")",
        "fs.exists(\"dir/../outside.txt\")",
        "fs.read_bytes(\"../outside.txt\")",
    ] {
        assert_denied(&tree, &[], expr, "--allow-read=");
        assert_denied(&tree, READ_DIR, expr, "--allow-read=");
    }
    assert_denied(
        &tree,
        READ_DIR,
        "fs.read_text(\"dir/../outside.txt\")",
        &flag,
    );
}

#[cfg(unix)]
#[test]
fn reading_through_a_symlink_that_leaves_the_grant_is_denied() {
    let tree = Tree::new();
    let flag = format!("--allow-read={}", tree.0.display());
    assert_denied(&tree, &[], "fs.read_text(\"dir/link\")", &flag);
    assert_denied(&tree, READ_DIR, "fs.read_text(\"dir/link\")", &flag);
    // Granting the target's directory (too) lets it through.
    let both = ["--allow-read=dir", "--allow-read=outside.txt"];
    assert_eq!(
        outcome(&tree, &both, "fs.read_text(\"dir/link\")"),
        "ok: outside"
    );
}

#[test]
fn writing_with_only_a_read_grant_is_denied() {
    let tree = Tree::new();
    let flag = format!("--allow-write={}", tree.abs("dir"));
    for expr in [
        "fs.write_text(\"dir/new.txt\", \"x\")",
        "fs.append_text(\"dir/a.txt\", \"x\")",
        "fs.mkdir(\"dir/newdir\")",
        "fs.remove(\"dir/a.txt\")",
        "fs.rename(\"dir/a.txt\", \"dir/b.txt\")",
    ] {
        assert_denied(&tree, &[], expr, "--allow-write=");
        assert_denied(&tree, READ_DIR, expr, "--allow-write=");
    }
    assert_denied(
        &tree,
        READ_DIR,
        "fs.write_text(\"dir/new.txt\", \"x\")",
        &flag,
    );
    assert!(!tree.0.join("dir/new.txt").exists());
    assert!(!tree.0.join("dir/newdir").exists());
    assert_eq!(
        std::fs::read_to_string(tree.0.join("dir/a.txt")).unwrap(),
        "alpha"
    );
}

#[test]
fn listing_the_parent_directory_is_denied() {
    let tree = Tree::new();
    let flag = format!("--allow-read={}", tree.0.display());
    assert_denied(&tree, &[], "fs.list_dir(\".\")", &flag);
    assert_denied(&tree, READ_DIR, "fs.list_dir(\".\")", &flag);
    assert_denied(&tree, READ_DIR, "fs.list_dir(\"dir/..\")", &flag);
    assert_denied(
        &tree,
        READ_DIR,
        &format!("fs.list_dir({:?})", tree.abs("")),
        &flag,
    );
}

#[test]
fn reading_an_environment_variable_not_granted_is_denied() {
    let tree = Tree::new();
    let flag = "--allow-env=CAIRN_SANDBOX_SECRET";
    assert_denied(&tree, &[], "os.env(\"CAIRN_SANDBOX_SECRET\")", flag);
    assert_denied(&tree, READ_DIR, "os.env(\"CAIRN_SANDBOX_SECRET\")", flag);
    assert_denied(
        &tree,
        &["--allow-env=HOME"],
        "os.env(\"CAIRN_SANDBOX_SECRET\")",
        flag,
    );
    let granted = ["--allow-env=HOME,CAIRN_SANDBOX_SECRET"];
    assert_eq!(
        outcome(&tree, &granted, "os.env(\"CAIRN_SANDBOX_SECRET\")"),
        "ok: hunter2"
    );
    assert_eq!(
        outcome(
            &tree,
            &["--allow-env=CAIRN_UNSET_NAME"],
            "os.env(\"CAIRN_UNSET_NAME\")"
        ),
        "ok: nil"
    );
}

#[test]
fn a_grant_does_not_cover_a_sibling_with_the_same_prefix() {
    let tree = Tree::new();
    let flag = format!("--allow-read={}", tree.abs("dir2"));
    assert_denied(&tree, READ_DIR, "fs.read_text(\"dir2/secret.txt\")", &flag);
    assert_denied(&tree, READ_DIR, "fs.list_dir(\"dir2\")", &flag);
    let abs = format!("--allow-read={}", tree.abs("dir"));
    assert_denied(&tree, &[&abs], "fs.read_text(\"dir2/secret.txt\")", &flag);
}

#[test]
fn granted_operations_work() {
    let tree = Tree::new();
    assert_eq!(
        outcome(&tree, READ_DIR, "fs.read_text(\"dir/a.txt\")"),
        "ok: alpha"
    );
    assert_eq!(
        outcome(
            &tree,
            READ_DIR,
            &format!("fs.read_text({:?})", tree.abs("dir/a.txt"))
        ),
        "ok: alpha"
    );
    assert_eq!(
        outcome(&tree, READ_DIR, "fs.read_text(\"dir/sub/../a.txt\")"),
        "ok: alpha"
    );
    let listing = if cfg!(unix) {
        "ok: [\"a.txt\", \"bad.txt\", \"link\", \"sub\"]"
    } else {
        "ok: [\"a.txt\", \"bad.txt\", \"sub\"]"
    };
    assert_eq!(outcome(&tree, READ_DIR, "fs.list_dir(\"dir\")"), listing);
    assert_eq!(
        outcome(&tree, READ_DIR, "fs.is_dir(\"dir/sub\")"),
        "ok: true"
    );
    let rw = ["--allow-read=dir", "--allow-write=dir"];
    let program = "import fs\n\
        fs.write_text(\"dir/sub/out.txt\", \"one\")\n\
        fs.append_text(\"dir/sub/out.txt\", \" two\")\n\
        print(fs.read_text(\"dir/sub/out.txt\"))\n\
        fs.mkdir(\"dir/sub/x/y\")\n\
        fs.rename(\"dir/sub/out.txt\", \"dir/sub/x/y/moved.txt\")\n\
        print(fs.list_dir(\"dir/sub/x/y\"))\n\
        fs.remove(\"dir/sub/x/y/moved.txt\")\n\
        print(fs.exists(\"dir/sub/x/y/moved.txt\"))\n";
    let (status, stdout, stderr) = tree.run(&rw, program, &[]);
    assert_eq!((status, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "one two\n[\"moved.txt\"]\nfalse\n");
    // Write alone does not imply read.
    let write_only = ["--allow-write=dir"];
    assert_eq!(
        outcome(&tree, &write_only, "fs.write_text(\"dir/w.txt\", \"w\")"),
        "ok: nil"
    );
    assert_denied(
        &tree,
        &write_only,
        "fs.read_text(\"dir/w.txt\")",
        "--allow-read=",
    );
    // --allow-all grants everything.
    assert_eq!(
        outcome(&tree, &["--allow-all"], "fs.read_text(\"dir2/secret.txt\")"),
        "ok: secret"
    );
}

#[cfg(unix)]
#[test]
fn writes_through_links_cannot_leave_the_grant() {
    let tree = Tree::new();
    let rw = ["--allow-read=dir", "--allow-write=dir"];
    assert_denied(
        &tree,
        &rw,
        "fs.append_text(\"dir/link\", \"x\")",
        "--allow-write=",
    );
    std::os::unix::fs::symlink("../dir2/new.txt", tree.0.join("dir/dangling")).unwrap();
    let line = outcome(&tree, &rw, "fs.append_text(\"dir/dangling\", \"x\")");
    assert!(line.starts_with("PermissionError: "), "{line}");
    assert!(!tree.0.join("dir2/new.txt").exists());
    // Removing the link removes the link, not its target.
    assert_eq!(outcome(&tree, &rw, "fs.remove(\"dir/link\")"), "ok: nil");
    assert_eq!(
        std::fs::read_to_string(tree.0.join("outside.txt")).unwrap(),
        "outside"
    );
}

/// Checks that `expr` raises a caught `IOError` whose message names
/// `path` and gives a reason after it.
fn assert_io_fault(tree: &Tree, expr: &str, path: &str) {
    let rw = ["--allow-read=dir", "--allow-write=dir"];
    let line = outcome(tree, &rw, expr);
    let Some(message) = line.strip_prefix("IOError: ") else {
        panic!("{expr}: expected an IOError, got {line}");
    };
    assert!(
        message.contains(&format!("\"{path}\"")),
        "{expr}: {message}"
    );
    let reason = message.rsplit(": ").next().unwrap_or("");
    assert!(!reason.is_empty() && reason != message, "{expr}: {message}");
}

#[test]
fn faults_are_catchable_io_errors_with_path_and_reason() {
    let tree = Tree::new();
    assert_io_fault(
        &tree,
        "fs.read_text(\"dir/missing.txt\")",
        "dir/missing.txt",
    );
    assert_io_fault(
        &tree,
        "fs.read_bytes(\"dir/missing.txt\")",
        "dir/missing.txt",
    );
    assert_io_fault(
        &tree,
        "fs.write_text(\"dir/nodir/f.txt\", \"x\")",
        "dir/nodir/f.txt",
    );
    assert_io_fault(
        &tree,
        "fs.append_text(\"dir/nodir/f.txt\", \"x\")",
        "dir/nodir/f.txt",
    );
    assert_io_fault(&tree, "fs.read_text(\"dir/sub\")", "dir/sub");
    assert_io_fault(&tree, "fs.write_text(\"dir/sub\", \"x\")", "dir/sub");
    assert_io_fault(&tree, "fs.list_dir(\"dir/a.txt\")", "dir/a.txt");
    assert_io_fault(&tree, "fs.read_text(\"dir/bad.txt\")", "dir/bad.txt");
    let rw = ["--allow-read=dir", "--allow-write=dir"];
    assert_eq!(
        outcome(&tree, &rw, "fs.read_text(\"dir/bad.txt\")"),
        "IOError: cannot read \"dir/bad.txt\": invalid UTF-8 at byte 3"
    );
    assert_eq!(
        outcome(&tree, &rw, "fs.read_bytes(\"dir/bad.txt\")"),
        "ok: [111, 107, 32, 255, 254, 32, 98, 121, 116, 101, 115]"
    );
    // A failed write leaves nothing behind.
    assert_eq!(
        std::fs::read_dir(tree.0.join("dir/sub")).unwrap().count(),
        0,
        "no temporary file is left"
    );
}

#[test]
fn an_uncaught_denial_ends_the_program_with_status_70() {
    let tree = Tree::new();
    let (status, stdout, stderr) = tree.run(
        &[],
        "import fs\nprint(\"start\")\nfs.read_text(\"dir/a.txt\")\n",
        &[],
    );
    assert_eq!(status, 70);
    assert_eq!(stdout, "start\n");
    let dir = tree.abs("dir");
    assert_eq!(
        stderr.lines().next(),
        Some(
            format!(
                "error: PermissionError: read access to \"dir/a.txt\" denied (grant it with --allow-read={dir})"
            )
            .as_str()
        )
    );
    assert!(stderr.contains("at main (prog.cairn:3)"), "{stderr}");
}

#[test]
fn words_after_the_program_belong_to_it() {
    let tree = Tree::new();
    let source = "import os\nimport fs\nprint(os.args())\n\
                  try { fs.read_text(\"dir/a.txt\") } catch e { print(e.class.name) }\n";
    let (status, stdout, _) = tree.run(&[], source, &["--allow-all", "-e", "x y"]);
    assert_eq!(status, 0);
    assert_eq!(
        stdout,
        "[\"--allow-all\", \"-e\", \"x y\"]\nPermissionError\n"
    );
}

#[test]
fn exit_ends_the_program_with_its_status() {
    let tree = Tree::new();
    let source = "import os\nfn stop() {\n  print(\"flushed\")\n  try { os.exit(3) } finally { print(\"no\") }\n}\nstop()\n";
    let (status, stdout, stderr) = tree.run(&[], source, &[]);
    assert_eq!(
        (status, stdout.as_str(), stderr.as_str()),
        (3, "flushed\n", "")
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let tree = Tree::new();
    let (status, _, stderr) = tree.run(&["--allow-read="], "print(1)\n", &[]);
    assert_eq!(status, 64, "{stderr}");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("nowhere/x", tree.0.join("broken")).unwrap();
        let (status, _, stderr) = tree.run(&["--allow-read=broken"], "print(1)\n", &[]);
        assert_eq!(status, 64, "{stderr}");
        assert!(
            stderr.contains("cannot grant access to \"broken\""),
            "{stderr}"
        );
    }
}

#[test]
fn snippets_take_the_same_flags() {
    let tree = Tree::new();
    let run = |flags: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
            .args(flags)
            .arg("-e")
            .arg("import fs\nprint(fs.read_text(\"dir/a.txt\"))")
            .current_dir(&tree.0)
            .output()
            .expect("run cairn");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(run(&["--allow-read=dir"]), (Some(0), "alpha\n".to_string()));
    assert_eq!(run(&[]).0, Some(70));
}
