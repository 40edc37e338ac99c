//! `cairn asm FILE.casm [-o OUT]`: assemble textual bytecode into a class
//! file. The result is not verified, so invalid class files can be made on
//! purpose.

use std::path::{Path, PathBuf};

use cairn_vm::asm::assemble;
use cairn_vm::classfile;

use super::out::errln;
use super::{program, status};

pub fn run(file: &Path, out: Option<PathBuf>) -> u8 {
    match assemble_file(file, out) {
        Ok(()) => status::OK,
        Err(code) => code,
    }
}

fn assemble_file(file: &Path, out: Option<PathBuf>) -> Result<(), u8> {
    let bytes = program::read(file)?;
    let Ok(text) = String::from_utf8(bytes) else {
        errln!("error: cannot read `{}`: not valid UTF-8", file.display());
        return Err(status::DATA_ERROR);
    };
    let cf = assemble(&text).map_err(|e| {
        errln!("{}:{}: {}", file.display(), e.line, e.message);
        status::DATA_ERROR
    })?;
    let out = out.unwrap_or_else(|| file.with_extension("cairnc"));
    program::write(&out, &classfile::write(&cf))
}
