//! [`HostTable`]: one VM's host, its grants and its embedder entries, and
//! the dispatcher every host call goes through.
//!
//! A call is made by number with [`HostValue`] arguments. The dispatcher
//! checks the arguments against the call's signature, checks the capability
//! it requires (resolving path arguments, which the host then receives in
//! resolved form), and only then runs the host's method or the embedder's
//! closure. A denial never reaches the host.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::caps::{self, Capabilities, Grants};
use super::interface::{Host, HostError, PathKind, WriteMode};
use super::os::OsHost;
use super::table::{Call, CallDesc, HostValue, Requires, FIRST_EMBEDDER_CALL};

/// The largest `file_read` request.
pub const MAX_READ: usize = 16 << 20;
/// The most bytes one `entropy` call gives.
pub const MAX_ENTROPY: usize = 256;

/// An embedder's implementation of a host entry. It receives the checked
/// arguments (path arguments resolved to absolute paths).
pub type HostFnImpl = dyn Fn(&[HostValue]) -> Result<HostValue, HostError> + Send + Sync;

/// An embedder's own host entry: a name, the number of arguments, the
/// capability it requires and a closure. It is numbered when registered
/// and behaves like a built-in call: arguments and capability are checked
/// before the closure runs.
#[derive(Clone)]
pub struct HostFn {
    pub name: String,
    pub arity: usize,
    pub requires: Requires,
    pub func: Arc<HostFnImpl>,
}

impl HostFn {
    pub fn new(
        name: impl Into<String>,
        arity: usize,
        requires: Requires,
        func: impl Fn(&[HostValue]) -> Result<HostValue, HostError> + Send + Sync + 'static,
    ) -> HostFn {
        HostFn {
            name: name.into(),
            arity,
            requires,
            func: Arc::new(func),
        }
    }
}

impl std::fmt::Debug for HostFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostFn")
            .field("name", &self.name)
            .field("arity", &self.arity)
            .field("requires", &self.requires)
            .finish_non_exhaustive()
    }
}

/// Why a host call did not return a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The capability was not granted: raises `PermissionError` with this
    /// message.
    Denied(String),
    /// The call ran (or its arguments were refused) and failed.
    Failed(HostError),
    /// `exit`: the program ends with this status.
    Exit(u8),
}

/// One VM's host-call table.
pub struct HostTable {
    host: Box<dyn Host>,
    caps: Capabilities,
    grants: Grants,
    embedder: Vec<HostFn>,
    /// Whether standard output was written since it was last flushed: a
    /// flush with nothing to flush (after every embedded call) is skipped.
    unflushed: bool,
}

impl Default for HostTable {
    fn default() -> HostTable {
        HostTable::new(Box::new(OsHost::new()))
    }
}

impl HostTable {
    /// A table over `host` with no capabilities granted.
    pub fn new(host: Box<dyn Host>) -> HostTable {
        HostTable {
            host,
            caps: Capabilities::none(),
            grants: Grants::default(),
            embedder: Vec::new(),
            unflushed: false,
        }
    }

    /// Replaces the host, keeping the grants (re-resolved by the new host).
    ///
    /// # Errors
    /// A granted path the new host cannot resolve.
    pub fn set_host(&mut self, host: Box<dyn Host>) -> Result<(), HostError> {
        self.host = host;
        let caps = self.caps.clone();
        self.set_capabilities(caps)
    }

    /// Grants `caps` (replacing earlier grants), resolving their paths.
    ///
    /// # Errors
    /// A granted path that cannot be resolved; the grants are unchanged.
    pub fn set_capabilities(&mut self, caps: Capabilities) -> Result<(), HostError> {
        self.grants = Grants::resolve(&caps, self.host.as_mut())?;
        self.caps = caps;
        Ok(())
    }

    pub fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    /// The host itself, for calls the VM makes outside the table.
    pub fn host_mut(&mut self) -> &mut dyn Host {
        self.host.as_mut()
    }

    /// Adds an embedder entry and returns its number.
    ///
    /// # Errors
    /// The table is full (`0xffff` is the last number).
    pub fn register(&mut self, f: HostFn) -> Result<u16, HostError> {
        let number = usize::from(FIRST_EMBEDDER_CALL) + self.embedder.len();
        let number =
            u16::try_from(number).map_err(|_| HostError::value("the host-call table is full"))?;
        self.embedder.push(f);
        Ok(number)
    }

    /// The embedder entry with this number.
    pub fn embedder_entry(&self, number: u16) -> Option<&HostFn> {
        let i = number.checked_sub(FIRST_EMBEDDER_CALL)?;
        self.embedder.get(usize::from(i))
    }

    /// Whether standard output has been written since it was last
    /// flushed (a flush is then the only call that does anything).
    #[inline]
    pub fn unflushed(&self) -> bool {
        self.unflushed
    }

    /// Makes host call `number` with `args`.
    ///
    /// # Errors
    /// [`CallError::Denied`] when a capability is missing,
    /// [`CallError::Failed`] for bad arguments or a failure of the host,
    /// [`CallError::Exit`] from `exit`.
    pub fn call(&mut self, number: u16, mut args: Vec<HostValue>) -> Result<HostValue, CallError> {
        if let Some(call) = Call::from_number(number) {
            match call {
                Call::StdoutFlush if !self.unflushed => return Ok(HostValue::Nil),
                Call::StdoutFlush => self.unflushed = false,
                Call::StdoutWrite => self.unflushed = true,
                _ => {}
            }
            let desc = call.desc();
            check_signature(desc, &args)?;
            let resolved = self.check(&desc.requires, &args)?;
            return self.builtin(call, &args, &resolved);
        }
        let Some(entry) = self.embedder_entry(number).cloned() else {
            return Err(CallError::Failed(HostError::value(format!(
                "no host call numbered {number:#06x}"
            ))));
        };
        if args.len() != entry.arity {
            return Err(CallError::Failed(HostError::type_error(format!(
                "{}() takes {} argument{} but {} {} given",
                entry.name,
                entry.arity,
                if entry.arity == 1 { "" } else { "s" },
                args.len(),
                if args.len() == 1 { "was" } else { "were" }
            ))));
        }
        let resolved = self.check(&entry.requires, &args)?;
        for (i, p) in resolved.iter().enumerate() {
            if let Some(p) = p {
                args[i] = HostValue::Str(p.to_string_lossy().into_owned());
            }
        }
        (entry.func)(&args).map_err(CallError::Failed)
    }

    /// Checks a requirement; returns the resolved path of each path
    /// argument (by position).
    fn check(
        &mut self,
        requires: &Requires,
        args: &[HostValue],
    ) -> Result<Vec<Option<PathBuf>>, CallError> {
        let mut resolved = Vec::new();
        match requires {
            Requires::Nothing => {}
            Requires::Env(i) => {
                let name = str_arg(args, *i)?;
                if !self.grants.env_allowed(name) {
                    return Err(CallError::Denied(caps::env_denial(name)));
                }
            }
            Requires::Named(name) => {
                if !self.grants.named_allowed(name) {
                    return Err(CallError::Denied(caps::named_denial(name)));
                }
            }
            Requires::Paths(paths) => {
                resolved = vec![None; args.len()];
                for arg in paths.iter() {
                    let given = str_arg(args, arg.index)?;
                    if given.is_empty() {
                        return Err(CallError::Failed(HostError::io(
                            "No such file or directory (empty path)",
                        )));
                    }
                    let path = match caps::resolve(self.host.as_mut(), Path::new(given), arg.target)
                    {
                        Ok(p) => p,
                        Err(_) if self.grants.is_all() => PathBuf::from(given),
                        Err(why) => {
                            return Err(CallError::Denied(caps::unresolvable_denial(
                                arg, given, &why,
                            )))
                        }
                    };
                    if !self.grants.covers(arg.access, &path) {
                        return Err(CallError::Denied(caps::path_denial(arg, given, &path)));
                    }
                    if let Some(slot) = resolved.get_mut(arg.index) {
                        *slot = Some(path);
                    }
                }
            }
        }
        Ok(resolved)
    }

    /// Runs a built-in call whose arguments were checked.
    fn builtin(
        &mut self,
        call: Call,
        args: &[HostValue],
        resolved: &[Option<PathBuf>],
    ) -> Result<HostValue, CallError> {
        let path = |i: usize| -> Result<&Path, CallError> {
            resolved
                .get(i)
                .and_then(Option::as_deref)
                .ok_or_else(|| CallError::Failed(HostError::value("path argument not resolved")))
        };
        let h = self.host.as_mut();
        let nil = |r: Result<(), HostError>| r.map(|()| HostValue::Nil).map_err(CallError::Failed);
        match call {
            Call::StdoutWrite => nil(h.stdout_write(bytes_arg(args, 0)?)),
            Call::StderrWrite => nil(h.stderr_write(bytes_arg(args, 0)?)),
            Call::StdoutFlush => nil(h.stdout_flush()),
            Call::StdinReadLine => match h.stdin_read_line(read_max(args, 0, "stdin_read_line")?) {
                Ok(Some(line)) => Ok(HostValue::Bytes(line)),
                Ok(None) => Ok(HostValue::Nil),
                Err(e) => Err(CallError::Failed(e)),
            },
            Call::StdinRead => h
                .stdin_read(read_max(args, 0, "stdin_read")?)
                .map(HostValue::Bytes)
                .map_err(CallError::Failed),
            Call::FileOpenRead => handle(h.file_open_read(path(0)?)),
            Call::FileOpenWrite => {
                let mode = WriteMode::from_number(int_arg(args, 1)?).ok_or_else(|| {
                    CallError::Failed(HostError::value("file_open_write: mode must be 0, 1 or 2"))
                })?;
                handle(h.file_open_write(path(0)?, mode))
            }
            Call::FileRead => {
                let max = read_max(args, 1, "file_read")?;
                h.file_read(handle_arg(args, 0)?, max)
                    .map(HostValue::Bytes)
                    .map_err(CallError::Failed)
            }
            Call::FileWrite => nil(h.file_write(handle_arg(args, 0)?, bytes_arg(args, 1)?)),
            Call::FileSync => nil(h.file_sync(handle_arg(args, 0)?)),
            Call::FileClose => nil(h.file_close(handle_arg(args, 0)?)),
            Call::PathKind => h
                .path_kind(path(0)?)
                .map(|k| HostValue::Int(k as i64))
                .map_err(CallError::Failed),
            Call::DirList => h
                .dir_list(path(0)?)
                .map(|names| HostValue::List(names.into_iter().map(HostValue::Str).collect()))
                .map_err(CallError::Failed),
            Call::DirCreate => nil(h.dir_create(path(0)?, bool_arg(args, 1)?)),
            Call::PathRemove => nil(h.path_remove(path(0)?)),
            Call::PathRename => nil(h.path_rename(path(0)?, path(1)?)),
            Call::ClockWall => Ok(HostValue::Float(h.clock_wall())),
            Call::ClockMonotonic => Ok(HostValue::Float(h.clock_monotonic())),
            Call::Sleep => {
                let s = float_arg(args, 0)?;
                if !(s.is_finite() && s >= 0.0) {
                    return Err(CallError::Failed(HostError::value(
                        "sleep: seconds must be finite and non-negative",
                    )));
                }
                h.sleep(s);
                Ok(HostValue::Nil)
            }
            Call::Entropy => {
                let n = usize::try_from(int_arg(args, 0)?)
                    .ok()
                    .filter(|n| *n <= MAX_ENTROPY)
                    .ok_or_else(|| {
                        CallError::Failed(HostError::value(format!(
                            "entropy: count must be in 0..={MAX_ENTROPY}"
                        )))
                    })?;
                let mut buf = vec![0; n];
                h.entropy(&mut buf).map_err(CallError::Failed)?;
                Ok(HostValue::Bytes(buf))
            }
            Call::EnvGet => match h.env_get(str_arg(args, 0)?) {
                Ok(Some(v)) => Ok(HostValue::Str(v)),
                Ok(None) => Ok(HostValue::Nil),
                Err(e) => Err(CallError::Failed(e)),
            },
            Call::Args => Ok(HostValue::List(
                h.args().into_iter().map(HostValue::Str).collect(),
            )),
            Call::Exit => {
                let code = u8::try_from(int_arg(args, 0)?).map_err(|_| {
                    CallError::Failed(HostError::value("exit: code must be in 0..=255"))
                })?;
                h.exit(code);
                Err(CallError::Exit(code))
            }
            Call::Platform => Ok(HostValue::Str(h.platform())),
        }
    }
}

fn handle(r: Result<u32, HostError>) -> Result<HostValue, CallError> {
    r.map(|h| HostValue::Int(i64::from(h)))
        .map_err(CallError::Failed)
}

/// Checks argument count and kinds against a built-in call's signature.
fn check_signature(desc: &CallDesc, args: &[HostValue]) -> Result<(), CallError> {
    if args.len() != desc.params.len() {
        return Err(CallError::Failed(HostError::type_error(format!(
            "host call {} takes {} arguments but {} were given",
            desc.name,
            desc.params.len(),
            args.len()
        ))));
    }
    for (arg, (name, kind)) in args.iter().zip(desc.params) {
        if !kind.accepts(arg) {
            return Err(CallError::Failed(HostError::type_error(format!(
                "host call {}: `{name}` must be {}, not {}",
                desc.name,
                kind.name(),
                arg.kind_name()
            ))));
        }
    }
    Ok(())
}

fn bad_arg(i: usize, want: &str) -> CallError {
    CallError::Failed(HostError::type_error(format!(
        "host call argument {} must be {want}",
        i + 1
    )))
}

fn str_arg(args: &[HostValue], i: usize) -> Result<&str, CallError> {
    match args.get(i) {
        Some(HostValue::Str(s)) => Ok(s),
        _ => Err(bad_arg(i, "Str")),
    }
}

fn bytes_arg(args: &[HostValue], i: usize) -> Result<&[u8], CallError> {
    match args.get(i) {
        Some(HostValue::Bytes(b)) => Ok(b),
        _ => Err(bad_arg(i, "Bytes")),
    }
}

/// Argument `i`, the most bytes a read may return: 1 to [`MAX_READ`].
fn read_max(args: &[HostValue], i: usize, name: &str) -> Result<usize, CallError> {
    usize::try_from(int_arg(args, i)?)
        .ok()
        .filter(|m| (1..=MAX_READ).contains(m))
        .ok_or_else(|| {
            CallError::Failed(HostError::value(format!(
                "{name}: max must be in 1..={MAX_READ}"
            )))
        })
}

fn int_arg(args: &[HostValue], i: usize) -> Result<i64, CallError> {
    match args.get(i) {
        Some(HostValue::Int(n)) => Ok(*n),
        _ => Err(bad_arg(i, "Int")),
    }
}

fn float_arg(args: &[HostValue], i: usize) -> Result<f64, CallError> {
    match args.get(i) {
        Some(HostValue::Float(f)) => Ok(*f),
        _ => Err(bad_arg(i, "Float")),
    }
}

fn bool_arg(args: &[HostValue], i: usize) -> Result<bool, CallError> {
    match args.get(i) {
        Some(HostValue::Bool(b)) => Ok(*b),
        _ => Err(bad_arg(i, "Bool")),
    }
}

fn handle_arg(args: &[HostValue], i: usize) -> Result<u32, CallError> {
    u32::try_from(int_arg(args, i)?).map_err(|_| {
        CallError::Failed(HostError::value(format!(
            "host call argument {} is not a file handle",
            i + 1
        )))
    })
}

/// `PathKind` from its number, for callers decoding `path_kind`.
pub fn path_kind_of(n: i64) -> PathKind {
    match n {
        1 => PathKind::File,
        2 => PathKind::Dir,
        3 => PathKind::Other,
        _ => PathKind::Missing,
    }
}
