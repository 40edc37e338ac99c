//! `cairn disasm FILE`: print a class file, or the class files a source
//! program compiles to, as `.casm` text (`spec/bytecode.md` §14).

use std::path::Path;

use cairn_vm::asm::disassemble;

use super::out::out;
use super::{program, status};

pub fn run(file: &Path) -> u8 {
    match listing(file) {
        Ok(text) => {
            out!("{text}");
            status::OK
        }
        Err(code) => code,
    }
}

/// A `.cairn` file is compiled in memory: its main module is listed first,
/// then each imported module under a header. Anything else is read as a
/// class file.
fn listing(file: &Path) -> Result<String, u8> {
    if file.extension().is_none_or(|e| e != "cairn") {
        return Ok(disassemble(&program::read_class_file(file)?));
    }
    let modules = program::compile(file)?;
    let mut text = String::new();
    for (i, m) in modules.iter().enumerate() {
        if i > 0 {
            let path = m.path.as_deref().unwrap_or(Path::new(&m.name));
            text.push_str(&format!(
                "\n; ==== imported module {}: {} ====\n",
                m.name,
                path.display()
            ));
        }
        text.push_str(&disassemble(&m.class_file));
    }
    Ok(text)
}
