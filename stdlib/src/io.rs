//! `io`: the standard streams (§13). Standard output is the same stream
//! `print` writes to.

use cairn_vm::host::{Call, HostValue};
use cairn_vm::interp::{Exc, Vm};
use cairn_vm::runtime::format;
use cairn_vm::value::Value;

use crate::args::arity;

pub fn install(vm: &mut Vm) {
    vm.define_module("io")
        .function("write", write)
        .function("read_line", read_line)
        .function("read_all", read_all)
        .function("eprint", eprint)
        .install();
}

/// `io.write(x)`: `str(x)` without a line feed.
fn write(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "io.write", args, 1, 1)?;
    let text = format::to_str(vm, args[0])?;
    vm.write_stdout(text.into_bytes())?;
    Ok(Value::Nil)
}

/// `io.read_line()`: the next line without `\n` or `\r\n`; nil at the end.
fn read_line(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "io.read_line", args, 0, 0)?;
    let context = "cannot read standard input";
    let mut line = match vm.call_host(Call::StdinReadLine, Vec::new(), context)? {
        HostValue::Bytes(b) => b,
        _ => return Ok(Value::Nil),
    };
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    text_value(vm, line)
}

/// `io.read_all()`: the rest of standard input.
fn read_all(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "io.read_all", args, 0, 0)?;
    let context = "cannot read standard input";
    match vm.call_host(Call::StdinReadAll, Vec::new(), context)? {
        HostValue::Bytes(b) => text_value(vm, b),
        _ => Ok(vm.str_value("")),
    }
}

fn text_value(vm: &mut Vm, bytes: Vec<u8>) -> Result<Value, Exc> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(vm.str_value(s)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let msg = format!("standard input is not valid UTF-8 (at byte {at} of the input read)");
            Err(vm.error_of("IOError", msg))
        }
    }
}

/// `io.eprint(...)`: like `print`, to standard error.
fn eprint(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    let mut line = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        format::write_str(vm, *a, &mut line)?;
    }
    line.push('\n');
    let data = vec![HostValue::Bytes(line.into_bytes())];
    vm.call_host(Call::StderrWrite, data, "cannot write to standard error")?;
    Ok(Value::Nil)
}
