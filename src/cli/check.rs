//! `cairn check FILE`: compile without running and report diagnostics.

use std::path::Path;

use cairn_compiler::{check_file, compile_checked, LoadError};

use super::out::{err, errln, out, outln};
use super::{status, stderr_color};

pub fn run(file: &Path, dump_ast: bool) -> u8 {
    let mut checked = match check_file(file) {
        Ok(c) => c,
        Err(e) => {
            errln!("error: {e}");
            return match e {
                LoadError::NotFound(_) | LoadError::NotAFile(_) => status::NO_INPUT,
                LoadError::NotUtf8 { .. } => status::DATA_ERROR,
                LoadError::Io(..) => status::NO_INPUT,
            };
        }
    };
    if dump_ast {
        for m in &checked.modules {
            outln!("// {}", checked.sources.name(m.file));
            out!("{}", cairn_compiler::ast_print::module(&m.module));
        }
    }
    // The class-file limits (too many locals, constants, ...) are found
    // by the emitter: a program `check` passes also builds.
    if !checked.has_errors() {
        if let Err(diagnostics) = compile_checked(&checked) {
            checked.diagnostics = diagnostics;
        }
    }
    if checked.has_errors() {
        err!("{}", checked.render(stderr_color()));
        let n = checked.diagnostics.len();
        errln!(
            "error: could not compile `{}` due to {n} error{}",
            file.display(),
            if n == 1 { "" } else { "s" }
        );
        return status::DATA_ERROR;
    }
    status::OK
}
