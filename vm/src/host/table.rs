//! The numbered host-call table: what each call takes, returns and requires.
//!
//! The `calls!` invocation below is the single definition of the built-in
//! calls. It produces the [`Call`] enum (the call numbers), the descriptor
//! table [`CALLS`] the dispatcher validates arguments against, and the
//! reference table of `spec/hostcalls.md` ([`markdown_table`]), which a test
//! keeps in step with the spec.
//!
//! Numbers are grouped by area (streams `0x0_`, files `0x1_`, paths `0x2_`,
//! time and entropy `0x3_`, process `0x4_`); numbers from
//! [`FIRST_EMBEDDER_CALL`] up are given to embedder entries in the order
//! they are registered. A number is never reused for another meaning.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The version of the host-call interface, `major.minor`.
///
/// Adding a call raises the minor version; changing what an existing call
/// takes, returns or requires raises the major version.
pub const VERSION: Version = Version { major: 1, minor: 0 };

/// The first number given to an embedder's own entries.
pub const FIRST_EMBEDDER_CALL: u16 = 0x1000;

/// A version of the host-call interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Data crossing the host-call boundary. It holds no heap references, so a
/// host never sees (or keeps) a guest object.
#[derive(Clone, Debug, PartialEq)]
pub enum HostValue {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// UTF-8 text (file-system paths, environment values, names).
    Str(String),
    /// Raw bytes (stream and file contents). In Cairn, a List of Ints.
    Bytes(Vec<u8>),
    List(Vec<HostValue>),
    /// String keys in order (a Cairn Map with String keys).
    Map(Vec<(String, HostValue)>),
}

impl HostValue {
    /// The kind name used in argument errors.
    pub fn kind_name(&self) -> &'static str {
        match self {
            HostValue::Nil => "Nil",
            HostValue::Bool(_) => "Bool",
            HostValue::Int(_) => "Int",
            HostValue::Float(_) => "Float",
            HostValue::Str(_) => "Str",
            HostValue::Bytes(_) => "Bytes",
            HostValue::List(_) => "List",
            HostValue::Map(_) => "Map",
        }
    }
}

/// The kind of an argument in a call's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int,
    Float,
    Str,
    Bytes,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Bool => "Bool",
            Kind::Int => "Int",
            Kind::Float => "Float",
            Kind::Str => "Str",
            Kind::Bytes => "Bytes",
        }
    }

    pub fn accepts(self, v: &HostValue) -> bool {
        matches!(
            (self, v),
            (Kind::Bool, HostValue::Bool(_))
                | (Kind::Int, HostValue::Int(_))
                | (Kind::Float, HostValue::Float(_))
                | (Kind::Str, HostValue::Str(_))
                | (Kind::Bytes, HostValue::Bytes(_))
        )
    }
}

/// Whether a path is read or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn word(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

/// What a path argument names. It decides how the path is resolved and
/// which directory a denial suggests granting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A file (or anything read through the path): resolved fully, symlinks
    /// included; a denial suggests its directory.
    File,
    /// A directory: resolved fully; a denial suggests the directory itself.
    Dir,
    /// A directory entry itself (remove, rename): the directory holding it
    /// is resolved, the last component is not followed, so a symbolic link
    /// is removed or renamed rather than its target.
    Entry,
}

/// A path argument a call checks before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathArg {
    /// The argument's position (it must be a `Str`).
    pub index: usize,
    pub access: Access,
    pub target: Target,
}

impl PathArg {
    pub const fn read(index: usize) -> PathArg {
        PathArg {
            index,
            access: Access::Read,
            target: Target::File,
        }
    }

    pub const fn write(index: usize) -> PathArg {
        PathArg {
            index,
            access: Access::Write,
            target: Target::File,
        }
    }

    pub const fn with_target(self, target: Target) -> PathArg {
        PathArg { target, ..self }
    }
}

/// The capability a call needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requires {
    /// Always allowed: standard streams, arguments, clocks, entropy.
    Nothing,
    /// Access to the file-system paths in these arguments.
    Paths(Cow<'static, [PathArg]>),
    /// Reading the environment variable named by this (`Str`) argument.
    Env(usize),
    /// A capability an embedder defines, granted by name (`--allow-all`
    /// grants every one).
    Named(Cow<'static, str>),
}

impl Requires {
    /// How the spec's table shows it, naming arguments by `params`.
    fn describe(&self, params: &[(&str, Kind)]) -> String {
        let arg = |i: usize| {
            params
                .get(i)
                .map_or_else(|| format!("arg{i}"), |p| p.0.to_string())
        };
        match self {
            Requires::Nothing => "none".to_string(),
            Requires::Paths(paths) => paths
                .iter()
                .map(|p| {
                    let target = match p.target {
                        Target::File => "",
                        Target::Dir => ", directory",
                        Target::Entry => ", entry",
                    };
                    format!("{} `{}`{target}", p.access.word(), arg(p.index))
                })
                .collect::<Vec<_>>()
                .join("; "),
            Requires::Env(i) => format!("env `{}`", arg(*i)),
            Requires::Named(n) => format!("named `{n}`"),
        }
    }
}

/// One built-in call: its number, name and contract.
#[derive(Clone, Debug)]
pub struct CallDesc {
    pub call: Call,
    pub name: &'static str,
    pub params: &'static [(&'static str, Kind)],
    /// The result, as the spec writes it.
    pub result: &'static str,
    pub requires: Requires,
    pub doc: &'static str,
}

impl CallDesc {
    pub fn number(&self) -> u16 {
        self.call as u16
    }
}

const fn paths(p: &'static [PathArg]) -> Requires {
    Requires::Paths(Cow::Borrowed(p))
}

macro_rules! calls {
    ($(
        $variant:ident = $number:literal, $name:literal,
        ($($param:literal: $kind:ident),*) -> $result:literal,
        $requires:expr, $doc:literal;
    )*) => {
        /// The built-in host calls, by number.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Call {
            $($variant = $number,)*
        }

        impl Call {
            /// The call with this number, if it is a built-in one.
            pub fn from_number(n: u16) -> Option<Call> {
                match n {
                    $($number => Some(Call::$variant),)*
                    _ => None,
                }
            }
        }

        /// Every built-in call, in number order.
        pub static CALLS: &[CallDesc] = &[
            $(CallDesc {
                call: Call::$variant,
                name: $name,
                params: &[$(($param, Kind::$kind)),*],
                result: $result,
                requires: $requires,
                doc: $doc,
            },)*
        ];
    };
}

calls! {
    StdoutWrite = 0x01, "stdout_write", ("data": Bytes) -> "Nil",
        Requires::Nothing, "write all of `data` to standard output (the host may buffer it)";
    StderrWrite = 0x02, "stderr_write", ("data": Bytes) -> "Nil",
        Requires::Nothing, "write all of `data` to standard error, after flushing standard output";
    StdoutFlush = 0x03, "stdout_flush", () -> "Nil",
        Requires::Nothing, "flush buffered standard output";
    StdinReadLine = 0x04, "stdin_read_line", ("max": Int) -> "Bytes or Nil",
        Requires::Nothing, "the next line of standard input including its `\\n` (none at the end of input without one), or its first `max` (1 to 16 MiB) bytes when it is longer (the rest follows in the next calls); Nil at end of input";
    StdinRead = 0x05, "stdin_read", ("max": Int) -> "Bytes",
        Requires::Nothing, "up to `max` (1 to 16 MiB) bytes of standard input; empty at end of input";
    FileOpenRead = 0x10, "file_open_read", ("path": Str) -> "Int handle",
        paths(&[PathArg::read(0)]), "open an existing file for reading";
    FileOpenWrite = 0x11, "file_open_write", ("path": Str, "mode": Int) -> "Int handle",
        paths(&[PathArg::write(0)]), "open a file for writing; `mode` 0: create or truncate, 1: create or append, 2: create a new file (fails if anything exists at `path`, symbolic links included)";
    FileRead = 0x12, "file_read", ("handle": Int, "max": Int) -> "Bytes",
        Requires::Nothing, "read up to `max` (1 to 16 MiB) bytes; empty at end of file";
    FileWrite = 0x13, "file_write", ("handle": Int, "data": Bytes) -> "Nil",
        Requires::Nothing, "write all of `data`";
    FileSync = 0x14, "file_sync", ("handle": Int) -> "Nil",
        Requires::Nothing, "flush the file's data to stable storage";
    FileClose = 0x15, "file_close", ("handle": Int) -> "Nil",
        Requires::Nothing, "close the handle; the number may be reused";
    PathKind = 0x20, "path_kind", ("path": Str) -> "Int",
        paths(&[PathArg::read(0)]), "what is at `path`, following symbolic links: 0 nothing, 1 a file, 2 a directory, 3 something else";
    DirList = 0x21, "dir_list", ("path": Str) -> "List of Str",
        paths(&[PathArg::read(0).with_target(Target::Dir)]), "the names of a directory's entries, without `.` and `..`, in no particular order";
    DirCreate = 0x22, "dir_create", ("path": Str, "parents": Bool) -> "Nil",
        paths(&[PathArg::write(0).with_target(Target::Dir)]), "create a directory (with `parents`: and its missing parents, no error if it exists as a directory)";
    PathRemove = 0x23, "path_remove", ("path": Str) -> "Nil",
        paths(&[PathArg::write(0).with_target(Target::Entry)]), "remove a file, a symbolic link or an empty directory";
    PathRename = 0x24, "path_rename", ("from": Str, "to": Str) -> "Nil",
        paths(&[PathArg::write(0).with_target(Target::Entry), PathArg::write(1).with_target(Target::Entry)]), "rename `from` to `to`, replacing a file at `to`";
    ClockWall = 0x30, "clock_wall", () -> "Float",
        Requires::Nothing, "seconds since the Unix epoch (negative before it)";
    ClockMonotonic = 0x31, "clock_monotonic", () -> "Float",
        Requires::Nothing, "seconds since a fixed origin; never decreases";
    Sleep = 0x32, "sleep", ("seconds": Float) -> "Nil",
        Requires::Nothing, "pause for `seconds` (finite, >= 0)";
    Entropy = 0x33, "entropy", ("count": Int) -> "Bytes",
        Requires::Nothing, "`count` (0 to 256) unpredictable bytes";
    EnvGet = 0x40, "env_get", ("name": Str) -> "Str or Nil",
        Requires::Env(0), "the value of an environment variable; Nil when unset";
    Args = 0x41, "args", () -> "List of Str",
        Requires::Nothing, "the program's arguments, after its path";
    Exit = 0x42, "exit", ("code": Int) -> "does not return",
        Requires::Nothing, "end the program with status `code` (0 to 255) after flushing standard output";
    Platform = 0x43, "platform", () -> "Str",
        Requires::Nothing, "the host platform's name, such as `linux`, `macos` or `windows`";
}

impl Call {
    /// This call's descriptor.
    pub fn desc(self) -> &'static CallDesc {
        // Every variant has exactly one row, generated by `calls!`.
        CALLS.iter().find(|d| d.call == self).unwrap_or(&CALLS[0])
    }
}

/// The reference table of `spec/hostcalls.md`: one Markdown row per
/// built-in call, in number order. Every line ends with a newline.
///
/// ```
/// let table = cairn_vm::host::markdown_table();
/// assert!(table.lines().any(|row| row.starts_with("| 0x10 | `file_open_read` |")));
/// ```
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| number | name | arguments | result | capability | meaning |\n\
         |---|---|---|---|---|---|\n",
    );
    for d in CALLS {
        let params = d
            .params
            .iter()
            .map(|(name, kind)| format!("`{name}`: {}", kind.name()))
            .collect::<Vec<_>>()
            .join(", ");
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "| {:#04x} | `{}` | {} | {} | {} | {} |",
            d.number(),
            d.name,
            if params.is_empty() { "none" } else { &params },
            d.result,
            d.requires.describe(d.params),
            d.doc.replace('|', "\\|"),
        );
    }
    out
}
