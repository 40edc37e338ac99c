//! `os`: the program's arguments, the environment, exit and the platform
//! (§13).

use cairn_vm::host::{from_host, Call, HostValue};
use cairn_vm::interp::{Exc, Vm};
use cairn_vm::value::Value;

use crate::args::{arity, int_arg, str_arg};

pub fn install(vm: &mut Vm) {
    vm.define_module("os")
        .function("args", args)
        .function("env", env)
        .function("exit", exit)
        .function("platform", platform)
        .install();
}

/// `os.args()`: a new List of the program's arguments.
fn args(vm: &mut Vm, _r: Value, a: &[Value]) -> Result<Value, Exc> {
    arity(vm, "os.args", a, 0, 0)?;
    let list = vm.call_host(Call::Args, Vec::new(), "cannot read the arguments")?;
    Ok(from_host(vm, list))
}

/// `os.env(name)`: the variable's value, or nil when unset.
fn env(vm: &mut Vm, _r: Value, a: &[Value]) -> Result<Value, Exc> {
    arity(vm, "os.env", a, 1, 1)?;
    let name = str_arg(vm, "os.env", a, 0)?;
    let context = format!("cannot read environment variable \"{name}\"");
    let v = vm.call_host(Call::EnvGet, vec![HostValue::Str(name)], &context)?;
    Ok(from_host(vm, v))
}

/// `os.exit(code)`: ends the program at once; `finally` blocks do not run.
fn exit(vm: &mut Vm, _r: Value, a: &[Value]) -> Result<Value, Exc> {
    arity(vm, "os.exit", a, 1, 1)?;
    let code = int_arg(vm, "os.exit", a, 0)?;
    if !(0..=255).contains(&code) {
        let msg = format!("os.exit(): code must be in 0..=255, not {code}");
        return Err(vm.error_of("ValueError", msg));
    }
    vm.call_host(Call::Exit, vec![HostValue::Int(code)], "cannot exit")?;
    // `exit` never returns a value; the call above raised `Exc::Exit`.
    Ok(Value::Nil)
}

/// `os.platform()`: "linux", "macos", "windows", ...
fn platform(vm: &mut Vm, _r: Value, a: &[Value]) -> Result<Value, Exc> {
    arity(vm, "os.platform", a, 0, 0)?;
    let name = vm.call_host(Call::Platform, Vec::new(), "cannot read the platform")?;
    Ok(from_host(vm, name))
}
