//! `cairn build FILE.cairn [-o OUT]`: compile a program to class files,
//! one per module. The main module goes to OUT (default: FILE with the
//! extension `.cairnc`); each imported module goes next to it, at the path
//! it has relative to the main file's directory, with the extension
//! `.cairnc`. Every class file is verified before any is written: one that
//! fails is a compiler bug.

use std::path::{Component, Path, PathBuf};

use cairn_compiler::CompiledModule;
use cairn_vm::classfile;
use cairn_vm::verify::verify;

use super::out::errln;
use super::{program, status};

pub fn run(file: &Path, out: Option<PathBuf>) -> u8 {
    match build(file, out) {
        Ok(()) => status::OK,
        Err(code) => code,
    }
}

fn build(file: &Path, out: Option<PathBuf>) -> Result<(), u8> {
    let modules = program::compile(file)?;
    for m in &modules {
        if let Err(e) = verify(&m.class_file) {
            errln!("internal error: the compiler produced an invalid class file: {e}");
            return Err(status::SOFTWARE);
        }
    }
    let out = out.unwrap_or_else(|| file.with_extension("cairnc"));
    let main_dir = file.parent().unwrap_or(Path::new(""));
    let out_dir = out.parent().unwrap_or(Path::new(""));
    for (i, m) in modules.iter().enumerate() {
        let path = if i == 0 {
            out.clone()
        } else {
            out_dir.join(relative(m, main_dir)).with_extension("cairnc")
        };
        program::write(&path, &classfile::write(&m.class_file))?;
    }
    Ok(())
}

/// Where an imported module's source lies relative to the main file's
/// directory (`lib/geo.cairn`); its file name when that cannot be told.
fn relative(m: &CompiledModule, main_dir: &Path) -> PathBuf {
    let plain =
        |p: &Path| -> PathBuf { p.components().filter(|c| *c != Component::CurDir).collect() };
    let Some(path) = m.path.as_deref() else {
        return PathBuf::from(&m.name);
    };
    match plain(path).strip_prefix(plain(main_dir)) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path
            .file_name()
            .map_or_else(|| PathBuf::from(&m.name), PathBuf::from),
    }
}
