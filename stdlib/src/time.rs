//! `time`: wall-clock time, monotonic time and sleeping (§13).

use cairn_vm::host::{Call, HostValue};
use cairn_vm::interp::{Exc, Vm};
use cairn_vm::value::Value;

use crate::args::{arity, number_arg};

pub fn install(vm: &mut Vm) {
    vm.define_module("time")
        .function("now", now)
        .function("monotonic", monotonic)
        .function("sleep", sleep)
        .install();
}

fn clock(vm: &mut Vm, call: Call) -> Result<Value, Exc> {
    match vm.call_host(call, Vec::new(), "cannot read the clock")? {
        HostValue::Float(f) => Ok(Value::Float(f)),
        _ => Ok(Value::Float(0.0)),
    }
}

/// `time.now()`: seconds since the Unix epoch, a Float.
fn now(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "time.now", args, 0, 0)?;
    clock(vm, Call::ClockWall)
}

/// `time.monotonic()`: seconds from a fixed origin, never decreasing.
fn monotonic(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "time.monotonic", args, 0, 0)?;
    clock(vm, Call::ClockMonotonic)
}

/// `time.sleep(seconds)`: negative, NaN and infinite durations raise
/// `ValueError`.
fn sleep(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "time.sleep", args, 1, 1)?;
    let seconds = number_arg(vm, "time.sleep", args, 0)?;
    if !(seconds.is_finite() && seconds >= 0.0) {
        let msg = "time.sleep(): seconds must be a finite number >= 0".to_string();
        return Err(vm.error_of("ValueError", msg));
    }
    vm.call_host(Call::Sleep, vec![HostValue::Float(seconds)], "cannot sleep")?;
    Ok(Value::Nil)
}
