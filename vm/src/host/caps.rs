//! Capabilities: what one VM may reach, and the path resolution that
//! checks rely on.
//!
//! A VM is denied the file system, the environment and every embedder-named
//! capability unless its host grants them; standard streams, arguments,
//! clocks and entropy are always allowed. Read and write grants are
//! separate: a write grant does not imply read.
//!
//! Every path is resolved before it is checked, and the resolved path is
//! what the host then operates on (see [`resolve`]): relative paths are
//! taken from the host's working directory, symbolic links and `..` are
//! resolved through the host, and the result is compared with the granted
//! paths component by component, so a grant of `dir` covers `dir/x` but
//! not `dir2`.

use std::path::{Component, Path, PathBuf};

use super::interface::{Host, HostError};
use super::table::{Access, PathArg, Target};

/// The grants of one VM, as given (paths not yet resolved).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    all: bool,
    read: Vec<String>,
    write: Vec<String>,
    env: Vec<String>,
    named: Vec<String>,
}

impl Capabilities {
    /// Nothing beyond what is always allowed.
    pub fn none() -> Capabilities {
        Capabilities::default()
    }

    /// Everything (`--allow-all`).
    pub fn all() -> Capabilities {
        Capabilities {
            all: true,
            ..Capabilities::default()
        }
    }

    /// Reading files and listing directories at or under `path`
    /// (`--allow-read=PATH`).
    #[must_use]
    pub fn allow_read(mut self, path: impl Into<String>) -> Capabilities {
        self.read.push(path.into());
        self
    }

    /// Creating, writing, renaming and removing at or under `path`
    /// (`--allow-write=PATH`).
    #[must_use]
    pub fn allow_write(mut self, path: impl Into<String>) -> Capabilities {
        self.write.push(path.into());
        self
    }

    /// Reading the environment variable `name` (`--allow-env=NAME`).
    #[must_use]
    pub fn allow_env(mut self, name: impl Into<String>) -> Capabilities {
        self.env.push(name.into());
        self
    }

    /// An embedder-defined capability, by name.
    #[must_use]
    pub fn allow_named(mut self, name: impl Into<String>) -> Capabilities {
        self.named.push(name.into());
        self
    }

    /// Whether everything is granted.
    pub fn is_all(&self) -> bool {
        self.all
    }
}

/// Capabilities with their paths resolved by a host.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grants {
    all: bool,
    read: Vec<PathBuf>,
    write: Vec<PathBuf>,
    env: Vec<String>,
    named: Vec<String>,
}

impl Grants {
    /// Resolves the granted paths through `host`.
    ///
    /// # Errors
    /// A granted path that cannot be resolved (a dangling symbolic link, a
    /// `..` below a missing directory).
    pub(crate) fn resolve(caps: &Capabilities, host: &mut dyn Host) -> Result<Grants, HostError> {
        let mut resolve_all = |paths: &[String]| -> Result<Vec<PathBuf>, HostError> {
            paths
                .iter()
                .map(|p| {
                    resolve(host, Path::new(p), Target::Dir).map_err(|why| {
                        HostError::value(format!("cannot grant access to \"{p}\": {why}"))
                    })
                })
                .collect()
        };
        Ok(Grants {
            all: caps.all,
            read: resolve_all(&caps.read)?,
            write: resolve_all(&caps.write)?,
            env: caps.env.clone(),
            named: caps.named.clone(),
        })
    }

    pub(crate) fn covers(&self, access: Access, resolved: &Path) -> bool {
        let list = match access {
            Access::Read => &self.read,
            Access::Write => &self.write,
        };
        self.all || list.iter().any(|g| resolved.starts_with(g))
    }

    pub(crate) fn env_allowed(&self, name: &str) -> bool {
        self.all || self.env.iter().any(|n| n == name)
    }

    pub(crate) fn named_allowed(&self, name: &str) -> bool {
        self.all || self.named.iter().any(|n| n == name)
    }

    pub(crate) fn is_all(&self) -> bool {
        self.all
    }
}

/// Resolves `given` to the absolute path the capability check compares and
/// the host then uses.
///
/// - The longest prefix of the path that exists is canonicalised by the
///   host (absolute, symbolic links, `.` and `..` resolved). The rest must
///   not exist, so it holds no link: it may contain only plain names (`.`
///   is dropped) and no `..`.
/// - For [`Target::Entry`] the last component is not followed: the
///   directory holding it is resolved and the name appended, unless the
///   name is `.` or `..`.
///
/// # Errors
/// Why the path cannot be resolved: a `..` after a missing component, or an
/// entry that exists but does not resolve (a dangling symbolic link or a
/// loop).
pub fn resolve(host: &mut dyn Host, given: &Path, target: Target) -> Result<PathBuf, String> {
    if given.as_os_str().is_empty() {
        return Err("the path is empty".to_string());
    }
    if target == Target::Entry {
        if let (Some(parent), Some(Component::Normal(name))) =
            (given.parent(), given.components().next_back())
        {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            return Ok(resolve(host, parent, Target::Dir)?.join(name));
        }
    }
    if let Ok(p) = host.canonicalize(given) {
        return Ok(p);
    }
    // Walk up to the deepest ancestor that resolves.
    let mut ancestor = given;
    loop {
        let Some(parent) = ancestor.parent() else {
            return Err("no part of the path exists".to_string());
        };
        let lookup = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(base) = host.canonicalize(lookup) {
            let rest = given.strip_prefix(parent).unwrap_or(given);
            return append_missing(host, base, parent, rest);
        }
        ancestor = parent;
    }
}

/// `base` (the resolved `parent`) joined with `rest`, which must not exist.
fn append_missing(
    host: &mut dyn Host,
    base: PathBuf,
    parent: &Path,
    rest: &Path,
) -> Result<PathBuf, String> {
    let mut out = base;
    let mut first = true;
    for c in rest.components() {
        match c {
            Component::CurDir => {}
            Component::Normal(name) => {
                if first && host.entry_exists(&parent.join(name)) {
                    return Err(format!(
                        "\"{}\" exists but cannot be resolved (a dangling or looping symbolic link?)",
                        parent.join(name).display()
                    ));
                }
                first = false;
                out.push(name);
            }
            Component::ParentDir => {
                return Err("it has \"..\" after a directory that does not exist".to_string())
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err("it is not a plain path".to_string())
            }
        }
    }
    Ok(out)
}

/// The message of a denied path: it names the path as the program gave it
/// and the flag that would grant it.
pub(crate) fn path_denial(arg: &PathArg, given: &str, resolved: &Path) -> String {
    let dir = match arg.target {
        Target::Dir => resolved,
        Target::File | Target::Entry => resolved.parent().unwrap_or(resolved),
    };
    format!(
        "{} access to \"{given}\" denied (grant it with --allow-{}={})",
        arg.access.word(),
        arg.access.word(),
        dir.display()
    )
}

/// The message of a path that could not be resolved for a check.
pub(crate) fn unresolvable_denial(arg: &PathArg, given: &str, why: &str) -> String {
    format!("{} access to \"{given}\" denied ({why})", arg.access.word())
}

pub(crate) fn env_denial(name: &str) -> String {
    format!("env access to \"{name}\" denied (grant it with --allow-env={name})")
}

pub(crate) fn named_denial(name: &str) -> String {
    format!("\"{name}\" access denied (the host has not granted it)")
}
