//! What the bytecode commands (`build`, `disasm`, `asm`, `verify`) share:
//! reading an input file, compiling a program, decoding a class file and
//! writing an output, each reporting its own failure on stderr and giving
//! the exit status to use.

use std::path::Path;

use cairn_compiler::{check_file, compile_checked, CompiledModule, LoadError};
use cairn_vm::classfile::{self, ClassFile};

use super::out::{err, errln};
use super::{status, stderr_color};

/// Checks and compiles the program whose main file is `file`: the main
/// module first, then every module it imports. Diagnostics are printed as
/// `cairn check` prints them.
///
/// # Errors
/// The exit status, once the problem has been reported.
pub fn compile(file: &Path) -> Result<Vec<CompiledModule>, u8> {
    let mut checked = check_file(file).map_err(|e| {
        errln!("error: {e}");
        match e {
            LoadError::NotUtf8 { .. } => status::DATA_ERROR,
            LoadError::NotFound(_) | LoadError::NotAFile(_) | LoadError::Io(..) => status::NO_INPUT,
        }
    })?;
    if !checked.has_errors() {
        match compile_checked(&checked) {
            Ok(modules) => return Ok(modules),
            Err(diagnostics) => checked.diagnostics = diagnostics,
        }
    }
    err!("{}", checked.render(stderr_color()));
    let n = checked.diagnostics.len();
    errln!(
        "error: could not compile `{}` due to {n} error{}",
        file.display(),
        if n == 1 { "" } else { "s" }
    );
    Err(status::DATA_ERROR)
}

/// The bytes of an input file.
///
/// # Errors
/// [`status::NO_INPUT`] when it cannot be read.
pub fn read(file: &Path) -> Result<Vec<u8>, u8> {
    let fail = |why: String| {
        errln!("error: cannot open `{}`: {why}", file.display());
        status::NO_INPUT
    };
    match std::fs::metadata(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(fail("no such file".into())),
        Err(e) => Err(fail(e.to_string())),
        Ok(meta) if meta.is_dir() => Err(fail("it is a directory".into())),
        Ok(_) => std::fs::read(file).map_err(|e| fail(e.to_string())),
    }
}

/// Reads and decodes a class file.
///
/// # Errors
/// [`status::NO_INPUT`] when it cannot be read, [`status::DATA_ERROR`] when
/// it does not decode.
pub fn read_class_file(file: &Path) -> Result<ClassFile, u8> {
    let bytes = read(file)?;
    classfile::read(&bytes).map_err(|e| {
        errln!("error: cannot load `{}`: {e}", file.display());
        status::DATA_ERROR
    })
}

/// Writes `bytes` to `file`, creating its directory if need be.
///
/// # Errors
/// [`status::CANT_CREATE`] when it cannot be written.
pub fn write(file: &Path, bytes: &[u8]) -> Result<(), u8> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
    let result = match dir {
        Some(dir) => std::fs::create_dir_all(dir),
        None => Ok(()),
    };
    result
        .and_then(|()| std::fs::write(file, bytes))
        .map_err(|e| {
            errln!("error: cannot write `{}`: {e}", file.display());
            status::CANT_CREATE
        })
}
