//! `json`: `parse(s)` and `stringify(v, indent = nil)` (§13).

mod parse;
mod stringify;
#[cfg(test)]
mod tests;

use cairn_vm::interp::{Exc, Vm};
use cairn_vm::value::Value;

pub use parse::{parse, ParseError};
pub use stringify::{stringify, StringifyError};

use crate::args::{arg_type_error, arity, str_arg};

pub fn install(vm: &mut Vm) {
    vm.define_module("json")
        .function("parse", parse_fn)
        .function("stringify", stringify_fn)
        .install();
}

/// `json.parse(s)`: `ValueError` "invalid JSON at line L column C: ...".
fn parse_fn(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "json.parse", args, 1, 1)?;
    let text = str_arg(vm, "json.parse", args, 0)?;
    parse(vm, &text).map_err(|e| vm.error_of("ValueError", e.to_string()))
}

/// `json.stringify(v, indent = nil)`.
fn stringify_fn(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "json.stringify", args, 1, 2)?;
    let indent = match args.get(1).copied().unwrap_or(Value::Nil) {
        Value::Nil => None,
        Value::Int(n) if n < 0 => {
            let msg = format!("json.stringify(): indent must be >= 0, not {n}");
            return Err(vm.error_of("ValueError", msg));
        }
        Value::Int(n) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
        other => return Err(arg_type_error(vm, "json.stringify", 1, "Int or nil", other)),
    };
    match stringify(vm, args[0], indent) {
        Ok(text) => Ok(vm.str_value(text)),
        Err(e) => Err(vm.error_of(e.class, e.message)),
    }
}
