//! The front-end driver: reads a program's files (the main file and, through
//! relative imports, every module it reaches), and runs lexer, parser and
//! resolver on each, collecting all diagnostics.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::ast::{ImportSource, Module, StmtKind};
use crate::diag::{Diagnostic, FileId, SourceMap};
use crate::parse::parse;
use crate::resolve::resolve_with_modules;

/// One checked module.
pub struct CheckedModule {
    pub file: FileId,
    /// The file's path, when it came from the file system.
    pub path: Option<PathBuf>,
    pub module: Module,
}

/// The result of running the front end over a program.
pub struct Checked {
    pub sources: SourceMap,
    /// The main module first, then imported modules in the order first met.
    pub modules: Vec<CheckedModule>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }

    /// The diagnostics rendered as text, with colour codes when `color` is set.
    pub fn render(&self, color: bool) -> String {
        self.sources.render(&self.diagnostics, color)
    }
}

/// Why the main file could not be read at all.
#[derive(Debug)]
pub enum LoadError {
    NotFound(PathBuf),
    NotAFile(PathBuf),
    /// The first invalid byte is at `offset`, on 1-based `line` and `column`
    /// (in characters).
    NotUtf8 {
        path: PathBuf,
        offset: usize,
        line: usize,
        column: usize,
    },
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound(p) => write!(f, "cannot open `{}`: no such file", p.display()),
            LoadError::NotAFile(p) if p.is_dir() => {
                write!(f, "cannot open `{}`: it is a directory", p.display())
            }
            LoadError::NotAFile(p) => {
                write!(f, "cannot open `{}`: not a regular file", p.display())
            }
            LoadError::NotUtf8 {
                path,
                offset,
                line,
                column,
            } => write!(
                f,
                "cannot read `{}`: not valid UTF-8 at line {line}, column {column} (byte {offset}); \
                 Cairn source files must be UTF-8",
                path.display()
            ),
            LoadError::Io(p, e) => write!(f, "cannot read `{}`: {e}", p.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// Checks one source text; relative imports are not followed.
///
/// ```
/// let checked = cairn_compiler::check_source("t.cairn", "var x = 1\nx += 2\n");
/// assert!(!checked.has_errors());
/// ```
pub fn check_source(name: &str, text: &str) -> Checked {
    check_source_with_modules(name, text, &[])
}

/// [`check_source`], also accepting `import NAME` of the native modules a
/// host provides (`host_modules`, beyond the standard ones).
///
/// ```
/// let modules = ["rules".to_string()];
/// let checked = cairn_compiler::check_source_with_modules("t.cairn", "import rules\n", &modules);
/// assert!(!checked.has_errors());
/// assert!(cairn_compiler::check_source("t.cairn", "import rules\n").has_errors());
/// ```
pub fn check_source_with_modules(name: &str, text: &str, host_modules: &[String]) -> Checked {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    let (module, diagnostics) = front_end(text, file, host_modules);
    Checked {
        sources,
        modules: vec![CheckedModule {
            file,
            path: None,
            module,
        }],
        diagnostics,
    }
}

fn front_end(text: &str, file: FileId, host_modules: &[String]) -> (Module, Vec<Diagnostic>) {
    let mut parsed = parse(text, file);
    let mut diagnostics = parsed.diagnostics;
    diagnostics.extend(resolve_with_modules(&mut parsed.module, file, host_modules));
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    (parsed.module, diagnostics)
}

/// Reads a file as UTF-8 source.
pub fn read_source(path: &Path) -> Result<String, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(path.to_path_buf()),
        _ => LoadError::Io(path.to_path_buf(), e),
    })?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile(path.to_path_buf()));
    }
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        let (line, column) = crate::span::line_col(valid, offset);
        LoadError::NotUtf8 {
            path: path.to_path_buf(),
            offset,
            line,
            column,
        }
    })
}

/// Where `import "spec"` in a file in `dir` points. `.` components are
/// dropped, so that diagnostics name `lib/geo.cairn`, not `./lib/./geo.cairn`.
///
/// ```
/// use std::path::{Path, PathBuf};
/// use cairn_compiler::frontend::import_path;
/// assert_eq!(import_path(Path::new(""), "./lib/geo"), PathBuf::from("lib/geo.cairn"));
/// assert_eq!(import_path(Path::new("src"), "../x.cairn"), PathBuf::from("src/../x.cairn"));
/// ```
pub fn import_path(dir: &Path, spec: &str) -> PathBuf {
    let mut path: PathBuf = dir
        .join(spec)
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    if path.extension().is_none_or(|e| e != "cairn") {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".cairn");
        path.set_file_name(name);
    }
    path
}

/// Checks the program whose main file is `path`, following relative imports.
///
/// # Errors
/// Fails only when the main file cannot be read; problems in imported files
/// become diagnostics.
pub fn check_file(path: &Path) -> Result<Checked, LoadError> {
    let text = read_source(path)?;
    let mut sources = SourceMap::new();
    let mut modules = Vec::new();
    let mut diagnostics = Vec::new();
    let mut seen: HashMap<PathBuf, ()> = HashMap::new();
    let mut queue = vec![(path.to_path_buf(), text)];
    seen.insert(canonical(path), ());
    while let Some((path, text)) = queue.pop() {
        let file = sources.add(path.display().to_string(), text);
        let (module, diags) = front_end(sources.text(file), file, &[]);
        diagnostics.extend(diags);
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut found = Vec::new();
        for stmt in &module.stmts {
            let StmtKind::Import(import) = &stmt.kind else {
                continue;
            };
            let ImportSource::Path(spec) = &import.source else {
                continue;
            };
            let target = import_path(&dir, spec);
            if seen.insert(canonical(&target), ()).is_some() {
                continue;
            }
            match read_source(&target) {
                Ok(text) => found.push((target, text)),
                Err(e) => diagnostics.push(
                    Diagnostic::error(file, format!("cannot import `{spec}`"), import.source_span)
                        .with_label(match &e {
                            LoadError::NotFound(_) => "no such module file".to_string(),
                            other => other.to_string(),
                        })
                        .with_note(format!("looked for `{}`", target.display())),
                ),
            }
        }
        // Depth-first in source order: reverse so the first import pops first.
        found.reverse();
        queue.extend(found);
        modules.push(CheckedModule {
            file,
            path: Some(path),
            module,
        });
    }
    diagnostics.sort_by_key(|d| (d.file, d.span.start, d.span.end));
    Ok(Checked {
        sources,
        modules,
        diagnostics,
    })
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
