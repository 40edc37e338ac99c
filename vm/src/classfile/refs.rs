//! The reader's last pass: every index a decoded file holds must name an
//! entry of its own tables, and every constant index a String.
//!
//! Checked here: the module's name, source and main function; import specs;
//! global names; class names, superclass class indexes, field and static
//! names, method selectors and functions, field-initializer functions;
//! function names and local names. Not checked here (the verifier and the
//! linker do): operands inside code, prelude indexes
//! ([`Superclass::Builtin`]), function kinds matching their use, cycles.

use super::error::DecodeError;
use super::model::*;

/// Checks every table index of `cf`, in file order.
pub(crate) fn check(cf: &ClassFile) -> Result<(), DecodeError> {
    let k = Names(&cf.constants);
    k.check(cf.name, || "module name".into())?;
    k.check(cf.source, || "module source".into())?;
    function(cf, cf.main, || "main".into())?;
    for (i, import) in cf.imports.iter().enumerate() {
        k.check(import.spec, || format!("spec of import {i}"))?;
    }
    for (i, &g) in cf.globals.iter().enumerate() {
        k.check(g, || format!("global {i}"))?;
    }
    for (i, class) in cf.classes.iter().enumerate() {
        check_class(cf, i, class)?;
    }
    for (i, f) in cf.functions.iter().enumerate() {
        k.check(f.name, || format!("name of function {i}"))?;
        for (j, local) in f.local_names.iter().enumerate() {
            k.check(local.name, || format!("local name {j} of function {i}"))?;
        }
    }
    Ok(())
}

fn check_class(cf: &ClassFile, i: usize, class: &Class) -> Result<(), DecodeError> {
    let k = Names(&cf.constants);
    k.check(class.name, || format!("name of class {i}"))?;
    if let Superclass::Class(index) = class.superclass {
        if usize::from(index) >= cf.classes.len() {
            return Err(DecodeError::ClassOutOfRange {
                index,
                len: cf.classes.len(),
                what: format!("superclass of class {i}"),
            });
        }
    }
    for (j, &f) in class.fields.iter().enumerate() {
        k.check(f, || format!("field {j} of class {i}"))?;
    }
    for (j, &f) in class.static_fields.iter().enumerate() {
        k.check(f, || format!("static field {j} of class {i}"))?;
    }
    for (j, m) in class.methods.iter().enumerate() {
        k.check(m.name, || format!("selector of method {j} of class {i}"))?;
        function(cf, m.func, || format!("method {j} of class {i}"))?;
    }
    if let Some(f) = class.field_init {
        function(cf, f, || format!("field_init of class {i}"))?;
    }
    Ok(())
}

fn function(cf: &ClassFile, index: u16, what: impl FnOnce() -> String) -> Result<(), DecodeError> {
    if usize::from(index) < cf.functions.len() {
        return Ok(());
    }
    Err(DecodeError::FunctionOutOfRange {
        index,
        len: cf.functions.len(),
        what: what(),
    })
}

/// The pool, seen as a source of names: the description of a use is built
/// only when the check fails.
struct Names<'a>(&'a [Constant]);

impl Names<'_> {
    fn check(&self, index: u16, what: impl FnOnce() -> String) -> Result<(), DecodeError> {
        let found = match self.0.get(usize::from(index)) {
            Some(Constant::Str(_)) => return Ok(()),
            Some(Constant::Int(_)) => "Int",
            Some(Constant::Float(_)) => "Float",
            None => {
                return Err(DecodeError::ConstOutOfRange {
                    index,
                    len: self.0.len(),
                    what: what(),
                })
            }
        };
        Err(DecodeError::ConstKind {
            index,
            found,
            what: what(),
        })
    }
}
