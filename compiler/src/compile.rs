//! From checked modules to class files: the last step of the pipeline.

use std::path::{Path, PathBuf};

use cairn_vm::classfile::ClassFile;

use crate::diag::Diagnostic;
use crate::emit::emit;
use crate::frontend::Checked;

/// One module compiled to a class file.
pub struct CompiledModule {
    /// The module name: its file name without `.cairn`.
    pub name: String,
    /// Where its source came from, when it came from a file.
    pub path: Option<PathBuf>,
    pub class_file: ClassFile,
}

/// The module name of a source path: its file stem.
pub fn module_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "main".to_string())
}

/// Compiles every module of an error-free [`Checked`] program, main first.
///
/// # Errors
/// The diagnostics of a module that exceeds a class-file limit.
pub fn compile_checked(checked: &Checked) -> Result<Vec<CompiledModule>, Vec<Diagnostic>> {
    let mut out = Vec::with_capacity(checked.modules.len());
    for m in &checked.modules {
        let source = checked.sources.name(m.file).to_string();
        let name = m
            .path
            .as_deref()
            .map(module_name)
            .unwrap_or_else(|| module_name(Path::new(&source)));
        let class_file = emit(
            &m.module,
            m.file,
            &name,
            &source,
            checked.sources.text(m.file),
        )?;
        out.push(CompiledModule {
            name,
            path: m.path.clone(),
            class_file,
        });
    }
    Ok(out)
}

/// Checks and compiles one source text (relative imports are not followed).
///
/// # Errors
/// The [`Checked`] result, whose diagnostics say what is wrong.
///
/// ```
/// let cf = cairn_compiler::compile_source("demo.cairn", "print(1 + 2)\n").ok().unwrap();
/// assert!(cairn_vm::verify::verify(&cf).is_ok());
/// ```
pub fn compile_source(name: &str, text: &str) -> Result<ClassFile, Box<Checked>> {
    compile_source_with_modules(name, text, &[])
}

/// [`compile_source`], also accepting `import NAME` of the native modules a
/// host provides (`host_modules`).
///
/// # Errors
/// The [`Checked`] result, whose diagnostics say what is wrong.
pub fn compile_source_with_modules(
    name: &str,
    text: &str,
    host_modules: &[String],
) -> Result<ClassFile, Box<Checked>> {
    let mut checked = crate::frontend::check_source_with_modules(name, text, host_modules);
    if checked.has_errors() {
        return Err(Box::new(checked));
    }
    match compile_checked(&checked) {
        Ok(mut modules) => Ok(modules.remove(0).class_file),
        Err(diags) => {
            checked.diagnostics = diags;
            Err(Box::new(checked))
        }
    }
}
