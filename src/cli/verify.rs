//! `cairn verify FILE.cairnc`: decode and verify a class file; silent when
//! it is valid.

use std::path::Path;

use cairn_vm::verify::verify;

use super::out::errln;
use super::{program, status};

pub fn run(file: &Path) -> u8 {
    let cf = match program::read_class_file(file) {
        Ok(cf) => cf,
        Err(code) => return code,
    };
    match verify(&cf) {
        Ok(()) => status::OK,
        Err(mut e) => {
            // Name the file as the user gave it, not its recorded source.
            e.module = file.display().to_string();
            errln!("{e}");
            status::DATA_ERROR
        }
    }
}
