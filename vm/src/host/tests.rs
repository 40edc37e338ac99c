//! Unit tests of the host-call interface: path resolution and capability
//! checks against a real directory tree, the dispatcher's argument checks,
//! embedder entries called from Cairn, and the spec's call table.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::*;
use crate::interp::load::Finish;
use crate::interp::Vm;

/// A fresh directory tree, removed on drop: `root/dir/a.txt`,
/// `root/dir2/s.txt`, and (on Unix) `root/dir/out -> ../dir2`,
/// `root/dir/dangling -> ../nowhere/x`.
struct Tree(PathBuf);

impl Tree {
    fn new() -> Tree {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("cairn-host-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("dir")).unwrap();
        std::fs::create_dir_all(root.join("dir2")).unwrap();
        std::fs::write(root.join("dir/a.txt"), "a").unwrap();
        std::fs::write(root.join("dir2/s.txt"), "secret").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../dir2", root.join("dir/out")).unwrap();
            std::os::unix::fs::symlink("../nowhere/x", root.join("dir/dangling")).unwrap();
        }
        let root = std::fs::canonicalize(&root).unwrap();
        Tree(root)
    }

    fn path(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn table(caps: Capabilities) -> HostTable {
    let mut t = HostTable::new(Box::new(OsHost::new()));
    t.set_capabilities(caps).unwrap();
    t
}

fn read(t: &mut HostTable, path: &str) -> Result<HostValue, CallError> {
    t.call(Call::PathKind as u16, vec![HostValue::Str(path.into())])
}

fn denied(r: Result<HostValue, CallError>) -> String {
    match r {
        Err(CallError::Denied(msg)) => msg,
        other => panic!("expected a denial, got {other:?}"),
    }
}

#[test]
fn resolve_handles_dots_missing_tails_and_links() {
    let tree = Tree::new();
    let mut host = OsHost::new();
    let root = &tree.0;
    let r = |host: &mut OsHost, p: &str, t| resolve(host, Path::new(&tree.path(p)), t);
    assert_eq!(
        r(&mut host, "dir/./a.txt", Target::File),
        Ok(root.join("dir/a.txt"))
    );
    assert_eq!(
        r(&mut host, "dir/../dir2/s.txt", Target::File),
        Ok(root.join("dir2/s.txt"))
    );
    // A missing tail is appended to the deepest existing directory.
    assert_eq!(
        r(&mut host, "dir/new/deeper.txt", Target::File),
        Ok(root.join("dir/new/deeper.txt"))
    );
    assert!(r(&mut host, "dir/new/../../dir2", Target::File).is_err());
    assert!(resolve(&mut host, Path::new(""), Target::File).is_err());
    #[cfg(unix)]
    {
        assert_eq!(
            r(&mut host, "dir/out/s.txt", Target::File),
            Ok(root.join("dir2/s.txt"))
        );
        // An entry is not followed: removing `dir/out` removes the link.
        assert_eq!(
            r(&mut host, "dir/out", Target::Entry),
            Ok(root.join("dir/out"))
        );
        let dangling = r(&mut host, "dir/dangling", Target::File).unwrap_err();
        assert!(dangling.contains("cannot be resolved"), "{dangling}");
    }
}

#[test]
fn read_grants_cover_their_tree_only() {
    let tree = Tree::new();
    let mut t = table(Capabilities::none().allow_read(tree.path("dir")));
    assert_eq!(read(&mut t, &tree.path("dir/a.txt")), Ok(HostValue::Int(1)));
    assert_eq!(read(&mut t, &tree.path("dir")), Ok(HostValue::Int(2)));
    assert_eq!(
        read(&mut t, &tree.path("dir/missing")),
        Ok(HostValue::Int(0))
    );
    let msg = denied(read(&mut t, &tree.path("dir2/s.txt")));
    let dir2 = tree.path("dir2");
    assert_eq!(
        msg,
        format!(
            "read access to \"{}\" denied (grant it with --allow-read={dir2})",
            tree.path("dir2/s.txt")
        )
    );
    denied(read(&mut t, &tree.path("dir/../dir2/s.txt")));
    denied(read(&mut t, &tree.path("dir2")));
    denied(read(&mut t, &tree.0.to_string_lossy()));
    #[cfg(unix)]
    denied(read(&mut t, &tree.path("dir/out/s.txt")));
    // Listing the parent suggests the parent itself.
    let list = t.call(Call::DirList as u16, vec![HostValue::Str(tree.path("."))]);
    let root = tree.0.display().to_string();
    assert!(denied(list).ends_with(&format!("--allow-read={root})")));
}

#[test]
fn write_needs_its_own_grant() {
    let tree = Tree::new();
    let mut t = table(Capabilities::none().allow_read(tree.path("dir")));
    let open = |t: &mut HostTable, p: &str| {
        t.call(
            Call::FileOpenWrite as u16,
            vec![HostValue::Str(p.into()), HostValue::Int(0)],
        )
    };
    let msg = denied(open(&mut t, &tree.path("dir/new.txt")));
    assert!(msg.starts_with("write access to"), "{msg}");
    let mut t = table(Capabilities::none().allow_write(tree.path("dir")));
    let h = open(&mut t, &tree.path("dir/new.txt")).unwrap();
    t.call(Call::FileClose as u16, vec![h]).unwrap();
    // Write does not imply read.
    denied(read(&mut t, &tree.path("dir/new.txt")));
    // A grant for a directory that does not exist yet covers it.
    let mut t = table(Capabilities::none().allow_write(tree.path("dir/out-later")));
    let mk = vec![
        HostValue::Str(tree.path("dir/out-later/x")),
        HostValue::Bool(true),
    ];
    assert_eq!(t.call(Call::DirCreate as u16, mk), Ok(HostValue::Nil));
    #[cfg(unix)]
    {
        // Removing a link in a granted directory is allowed (the link goes,
        // not its target); writing through it is not.
        let mut t = table(Capabilities::none().allow_write(tree.path("dir")));
        denied(open(&mut t, &tree.path("dir/out/s.txt")));
        denied(open(&mut t, &tree.path("dir/dangling")));
        let rm = vec![HostValue::Str(tree.path("dir/out"))];
        assert_eq!(t.call(Call::PathRemove as u16, rm), Ok(HostValue::Nil));
        assert!(tree.0.join("dir2/s.txt").exists());
    }
}

#[test]
fn sibling_with_a_common_prefix_is_not_granted() {
    let tree = Tree::new();
    let mut t = table(Capabilities::none().allow_read(tree.path("dir")));
    denied(read(&mut t, &tree.path("dir2/s.txt")));
    let mut all = table(Capabilities::all());
    assert_eq!(
        read(&mut all, &tree.path("dir2/s.txt")),
        Ok(HostValue::Int(1))
    );
}

#[test]
fn env_needs_a_grant_per_name() {
    let mut t = table(Capabilities::none().allow_env("CAIRN_TEST_UNSET_VARIABLE"));
    let get =
        |t: &mut HostTable, n: &str| t.call(Call::EnvGet as u16, vec![HostValue::Str(n.into())]);
    assert_eq!(get(&mut t, "CAIRN_TEST_UNSET_VARIABLE"), Ok(HostValue::Nil));
    assert_eq!(
        denied(get(&mut t, "HOME")),
        "env access to \"HOME\" denied (grant it with --allow-env=HOME)"
    );
}

#[test]
fn arguments_are_checked_against_the_signature() {
    let mut t = table(Capabilities::all());
    let bad = t.call(Call::StdoutWrite as u16, vec![HostValue::Str("x".into())]);
    assert!(matches!(
        bad,
        Err(CallError::Failed(HostError {
            kind: ErrorKind::Type,
            ..
        }))
    ));
    let few = t.call(Call::FileRead as u16, vec![HostValue::Int(3)]);
    assert!(matches!(few, Err(CallError::Failed(_))));
    let unknown = t.call(0x7777, Vec::new());
    assert!(matches!(unknown, Err(CallError::Failed(_))));
    let handle = t.call(Call::FileClose as u16, vec![HostValue::Int(12345)]);
    assert!(matches!(
        handle,
        Err(CallError::Failed(HostError {
            kind: ErrorKind::Value,
            ..
        }))
    ));
    let big = t.call(Call::Entropy as u16, vec![HostValue::Int(100_000)]);
    assert!(matches!(big, Err(CallError::Failed(_))));
    assert_eq!(
        t.call(Call::Exit as u16, vec![HostValue::Int(7)]),
        Err(CallError::Exit(7))
    );
    assert!(matches!(
        t.call(Call::Exit as u16, vec![HostValue::Int(256)]),
        Err(CallError::Failed(_))
    ));
}

#[test]
fn every_call_number_is_distinct_and_round_trips() {
    let mut seen = std::collections::HashSet::new();
    for d in CALLS {
        assert!(
            seen.insert(d.number()),
            "duplicate number {:#x}",
            d.number()
        );
        assert_eq!(Call::from_number(d.number()), Some(d.call));
        assert_eq!(d.call.desc().name, d.name);
        assert!(d.number() < FIRST_EMBEDDER_CALL);
    }
}

/// A writer the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// `import greeter` then `print(greeter.FN(ARG))`, as textual bytecode
/// (the compiler accepts only the standard module names).
fn program(function: &str, arg: &str) -> crate::classfile::ClassFile {
    let text = format!(
        ".const 0 str \"t\"\n.const 1 str \"t.cairn\"\n.const 2 str \"greeter\"\n\
         .const 3 str {arg:?}\n.const 4 str {function:?}\n.const 5 str \"<module>\"\n\
         .import 0 std 2\n.global 0 2\n\
         .function 0 module\n  name 5\n  n_params 0  n_defaults 0  has_rest false\n\
         n_locals 1  max_stack 4\n  line 1\n\
         IMPORT 0\n STORE_GLOBAL 0\n LOAD_BUILTIN 0\n LOAD_GLOBAL 0\n CONST 3\n\
         INVOKE 4, 1\n CALL 1\n POP\n NIL\n RETURN\n"
    );
    let cf = crate::asm::assemble(&text).expect("the test program assembles");
    crate::verify::verify(&cf).expect("the test program verifies");
    cf
}

fn vm_with_greeter(caps: Capabilities) -> (Vm, Captured) {
    let out = Captured::default();
    let mut vm = Vm::new();
    let host = OsHost::new().with_stdout(Box::new(out.clone()));
    vm.host.set_host(Box::new(host)).unwrap();
    vm.host.set_capabilities(caps).unwrap();
    let greet = HostFn::new("greet", 1, Requires::Nothing, |args| match &args[0] {
        HostValue::Str(name) => Ok(HostValue::Str(format!("hello, {name}"))),
        other => Err(HostError::type_error(format!(
            "greet needs a Str, not {}",
            other.kind_name()
        ))),
    });
    let secret = HostFn::new("secret", 1, Requires::Named("vault".into()), |_| {
        Ok(HostValue::List(vec![
            HostValue::Int(42),
            HostValue::Bytes(vec![1, 2]),
        ]))
    });
    let size = HostFn::new(
        "size",
        1,
        Requires::Paths(vec![PathArg::read(0)].into()),
        |args| match &args[0] {
            // The closure receives the resolved, absolute path.
            HostValue::Str(p) if Path::new(p).is_absolute() => Ok(HostValue::Str(p.clone())),
            _ => Err(HostError::value("not resolved")),
        },
    );
    vm.define_module("greeter")
        .host_fn(greet)
        .and_then(|b| b.host_fn(secret))
        .and_then(|b| b.host_fn(size))
        .unwrap()
        .install();
    (vm, out)
}

fn run(vm: &mut Vm, cf: &crate::classfile::ClassFile) -> Result<Finish, String> {
    let m = vm.link(cf, None, true);
    vm.run_module(m).map_err(|e| e.to_string())
}

#[test]
fn embedder_entries_are_called_from_cairn() {
    let (mut vm, out) = vm_with_greeter(Capabilities::none());
    assert_eq!(
        run(&mut vm, &program("greet", "cairn")),
        Ok(Finish::Completed)
    );
    assert_eq!(out.text(), "hello, cairn\n");
}

#[test]
fn embedder_entries_check_their_capability() {
    let (mut vm, _) = vm_with_greeter(Capabilities::none());
    let err = run(&mut vm, &program("secret", "x")).unwrap_err();
    assert!(
        err.starts_with("error: PermissionError: \"vault\" access denied"),
        "{err}"
    );
    let (mut vm, out) = vm_with_greeter(Capabilities::none().allow_named("vault"));
    assert_eq!(run(&mut vm, &program("secret", "x")), Ok(Finish::Completed));
    assert_eq!(out.text(), "[42, [1, 2]]\n");
    let (mut vm, _) = vm_with_greeter(Capabilities::none());
    let err = run(&mut vm, &program("size", "/etc/hostname")).unwrap_err();
    assert!(
        err.contains("read access to \"/etc/hostname\" denied"),
        "{err}"
    );
    let (mut vm, out) = vm_with_greeter(Capabilities::all());
    assert_eq!(run(&mut vm, &program("size", ".")), Ok(Finish::Completed));
    assert!(Path::new(out.text().trim_end()).is_absolute());
}

#[test]
fn embedder_entries_convert_and_report_errors() {
    let (mut vm, _) = vm_with_greeter(Capabilities::none());
    let entry = vm.host.embedder_entry(FIRST_EMBEDDER_CALL).unwrap();
    assert_eq!(entry.name, "greeter.greet");
    let err = vm
        .host_call(FIRST_EMBEDDER_CALL, vec![HostValue::Int(1)])
        .unwrap_err();
    assert!(matches!(
        err,
        CallError::Failed(HostError {
            kind: ErrorKind::Type,
            ..
        })
    ));
    let arity = vm.host_call(FIRST_EMBEDDER_CALL, Vec::new()).unwrap_err();
    let CallError::Failed(e) = arity else {
        panic!("{arity:?}")
    };
    assert_eq!(
        e.message,
        "greeter.greet() takes 1 argument but 0 were given"
    );
}

#[test]
fn values_cross_the_boundary_both_ways() {
    let mut vm = Vm::new();
    let v = HostValue::Map(vec![
        (
            "a".into(),
            HostValue::List(vec![HostValue::Nil, HostValue::Float(1.5)]),
        ),
        ("b".into(), HostValue::Bytes(vec![255])),
    ]);
    let value = from_host(&mut vm, v);
    let back = to_host(&vm, value, 0).unwrap();
    assert_eq!(
        back,
        HostValue::Map(vec![
            (
                "a".into(),
                HostValue::List(vec![HostValue::Nil, HostValue::Float(1.5)])
            ),
            ("b".into(), HostValue::List(vec![HostValue::Int(255)])),
        ])
    );
    let done = crate::value::Value::Obj(vm.done);
    assert!(to_host(&vm, done, 0).is_err());
}

#[test]
fn a_map_with_a_removed_key_crosses_without_it() {
    let mut vm = Vm::new();
    let v = HostValue::Map(vec![
        ("a".into(), HostValue::Int(1)),
        ("b".into(), HostValue::Int(2)),
    ]);
    let value = from_host(&mut vm, v);
    let crate::value::Value::Obj(map) = value else {
        panic!("{value:?}")
    };
    let a = vm.str_value("a");
    crate::runtime::keys::remove(&mut vm, map, a).unwrap();
    assert_eq!(
        to_host(&vm, value, 0).unwrap(),
        HostValue::Map(vec![("b".into(), HostValue::Int(2))])
    );
}

#[test]
fn print_goes_through_the_host_and_exit_stops_the_program() {
    let out = Captured::default();
    let mut vm = Vm::new();
    vm.host
        .set_host(Box::new(OsHost::new().with_stdout(Box::new(out.clone()))))
        .unwrap();
    assert_eq!(vm.write_stdout(b"abc".to_vec()), Ok(()));
    vm.flush_stdout();
    assert_eq!(out.text(), "abc");
    let exit = vm.call_host(Call::Exit, vec![HostValue::Int(3)], "");
    assert_eq!(exit, Err(crate::interp::Exc::Exit(3)));
}

#[test]
fn vms_and_tables_are_send() {
    fn send<T: Send>() {}
    send::<Vm>();
    send::<HostTable>();
    send::<HostFn>();
}

/// `spec/hostcalls.md` must show exactly the table in `table.rs`; with
/// `CAIRN_BLESS_SPEC=1` the test rewrites it instead.
#[test]
fn spec_table_matches_the_calls() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/hostcalls.md");
    let mut text = std::fs::read_to_string(&path).expect("spec/hostcalls.md is readable");
    let begin = "<!-- BEGIN HOSTCALL TABLE -->\n";
    let end = "<!-- END HOSTCALL TABLE -->";
    let start = text.find(begin).expect("the BEGIN marker") + begin.len();
    let stop = start + text[start..].find(end).expect("the END marker");
    let table = markdown_table();
    if std::env::var_os("CAIRN_BLESS_SPEC").is_some() {
        text.replace_range(start..stop, &table);
        std::fs::write(&path, &text).expect("spec/hostcalls.md is writable");
        return;
    }
    assert!(
        text[start..stop] == table,
        "the call table in spec/hostcalls.md is stale; regenerate it with \
         `CAIRN_BLESS_SPEC=1 cargo test -p cairn-vm host::tests`"
    );
}

#[test]
fn standard_input_is_read_at_most_max_bytes_at_a_time() {
    let input = b"short\na line longer than eight\n\nlast".to_vec();
    let host = OsHost::new().with_stdin(Box::new(std::io::Cursor::new(input)));
    let mut t = HostTable::new(Box::new(host));
    let mut line = |max: i64| t.call(Call::StdinReadLine as u16, vec![HostValue::Int(max)]);
    let bytes = |r: Result<HostValue, CallError>| match r {
        Ok(HostValue::Bytes(b)) => Some(String::from_utf8(b).unwrap()),
        Ok(HostValue::Nil) => None,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(bytes(line(100)).as_deref(), Some("short\n"));
    // A longer line comes in pieces of at most `max` bytes.
    assert_eq!(bytes(line(8)).as_deref(), Some("a line l"));
    assert_eq!(bytes(line(8)).as_deref(), Some("onger th"));
    assert_eq!(bytes(line(100)).as_deref(), Some("an eight\n"));
    assert_eq!(bytes(line(100)).as_deref(), Some("\n"));
    assert_eq!(
        bytes(t.call(Call::StdinRead as u16, vec![HostValue::Int(2)])).as_deref(),
        Some("la")
    );
    assert_eq!(
        bytes(t.call(Call::StdinRead as u16, vec![HostValue::Int(100)])).as_deref(),
        Some("st")
    );
    assert_eq!(
        bytes(t.call(Call::StdinRead as u16, vec![HostValue::Int(100)])).as_deref(),
        Some("")
    );
    assert_eq!(
        bytes(t.call(Call::StdinReadLine as u16, vec![HostValue::Int(100)])),
        None
    );
    // `max` is checked.
    for bad in [0, -1, (MAX_READ + 1) as i64] {
        assert!(matches!(
            t.call(Call::StdinRead as u16, vec![HostValue::Int(bad)]),
            Err(CallError::Failed(_))
        ));
    }
}
