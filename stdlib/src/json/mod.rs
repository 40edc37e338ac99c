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
    let mut result = parse(vm, &text);
    if matches!(&result, Err(e) if e.heap_limit) {
        // What the parse made is garbage now, and so may be old objects
        // that died since the last major collection: stop counting them
        // against the limit (they are freed at the next safepoint) and
        // try once more.
        cairn_vm::runtime::memory::measure_garbage(vm, &[]);
        result = parse(vm, &text);
    }
    match result {
        Ok(v) => Ok(v),
        Err(e) if e.heap_limit => {
            let limit = vm.heap.config.max_heap.unwrap_or(0);
            let message = format!(
                "heap limit of {} exceeded",
                cairn_vm::heap::format_bytes(limit)
            );
            Err(vm.error_of("MemoryError", message))
        }
        Err(e) => Err(vm.error_of("ValueError", e.to_string())),
    }
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
    let mut result = stringify(vm, args[0], indent);
    if matches!(&result, Err(e) if e.class == "MemoryError") && vm.heap.config.max_heap.is_some() {
        // The heap's count includes old objects that have died since the
        // last major collection: stop counting them (the value written
        // is an argument, on the stack) and try once more.
        cairn_vm::runtime::memory::measure_garbage(vm, &[]);
        result = stringify(vm, args[0], indent);
    }
    match result {
        Ok(text) => Ok(vm.str_value(text)),
        Err(e) => Err(vm.error_of(e.class, e.message)),
    }
}
