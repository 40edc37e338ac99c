//! What may follow `value.` for completion: a module's members, a class's
//! static members, an instance's fields and methods.

use cairn_vm::interp::Vm;
use cairn_vm::object::{ClassObj, Object};
use cairn_vm::value::Value;

/// The member names of `v`, unsorted.
pub fn of(vm: &Vm, v: Value) -> Vec<String> {
    let name = |s| vm.symbols.name(s).to_string();
    if let Value::Obj(r) = v {
        match vm.heap.get(r) {
            Object::Module(m) => {
                let mut names: Vec<String> = m.members.keys().map(|s| name(*s)).collect();
                if let Some(linked) = vm
                    .modules
                    .get(m.index as usize)
                    .filter(|_| m.members.is_empty())
                {
                    names.extend(
                        linked
                            .global_names
                            .iter()
                            .zip(&linked.exported)
                            .filter(|(_, e)| **e)
                            .map(|(s, _)| name(*s)),
                    );
                }
                return names;
            }
            Object::Class(c) => {
                let mut names = methods(vm, &c.static_methods);
                names.extend(c.statics.keys().map(|s| name(*s)));
                return names;
            }
            Object::Instance(i) => {
                if let Object::Class(c) = vm.heap.get(i.class) {
                    return instance_members(vm, c);
                }
            }
            _ => {}
        }
    }
    match vm.heap.get(vm.class_of(v)) {
        Object::Class(c) => instance_members(vm, c),
        _ => Vec::new(),
    }
}

fn instance_members(vm: &Vm, class: &ClassObj) -> Vec<String> {
    let mut names = methods(vm, &class.methods);
    names.extend(class.fields.iter().map(|s| vm.symbols.name(*s).to_string()));
    names
}

/// Method selectors that are names (not operators such as `==`).
fn methods(vm: &Vm, table: &cairn_vm::symbol::SymMap<Value>) -> Vec<String> {
    table
        .keys()
        .map(|s| vm.symbols.name(*s))
        .filter(|n| n.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .map(str::to_string)
        .collect()
}
