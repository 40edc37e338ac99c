//! Argument helpers shared by the modules, worded like the prelude's.

use cairn_vm::interp::{Exc, Vm};
use cairn_vm::object::Object;
use cairn_vm::runtime::prelude;
use cairn_vm::value::Value;

pub use prelude::{arg_type_error, arity, int_arg, str_arg};

/// Argument `index`, a number, as a Float.
pub fn number_arg(vm: &mut Vm, name: &str, args: &[Value], index: usize) -> Result<f64, Exc> {
    match args[index] {
        Value::Int(i) => Ok(i as f64),
        Value::Float(f) => Ok(f),
        other => Err(arg_type_error(vm, name, index, "Int or Float", other)),
    }
}

/// Argument `index`, which must be a List; returns the list object.
pub fn list_arg(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    index: usize,
) -> Result<cairn_vm::value::ObjRef, Exc> {
    if let Value::Obj(r) = args[index] {
        if matches!(vm.heap.get(r), Object::List(_)) {
            return Ok(r);
        }
    }
    Err(arg_type_error(vm, name, index, "List", args[index]))
}

/// A new List value.
pub fn new_list(vm: &mut Vm, items: Vec<Value>) -> Value {
    Value::Obj(vm.heap.alloc(Object::List(items)))
}
