//! `io`: the standard streams (§13). Standard output is the same stream
//! `print` writes to.

use cairn_vm::host::{Call, HostValue};
use cairn_vm::interp::{Exc, Vm};
use cairn_vm::runtime::{format, memory};
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

/// How much one host call reads from standard input.
const CHUNK: usize = 1 << 16;

/// `io.read_line()`: the next line without `\n` or `\r\n`; nil at the end.
fn read_line(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "io.read_line", args, 0, 0)?;
    let context = "cannot read standard input";
    // A line comes in pieces of at most `CHUNK` bytes, each checked
    // against the heap limit, so an endless line stops with MemoryError;
    // they are joined once at the end.
    let mut pieces = Vec::new();
    let mut total = 0;
    loop {
        let piece = match vm.call_host(Call::StdinReadLine, vec![chunk()], context)? {
            HostValue::Bytes(b) => b,
            _ if pieces.is_empty() => return Ok(Value::Nil),
            _ => break,
        };
        let more = piece.len() == CHUNK && piece.last() != Some(&b'\n');
        total += piece.len();
        memory::reserve(vm, total, &[])?;
        pieces.push(piece);
        if !more {
            break;
        }
    }
    let mut line = pieces.concat();
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
    // Read a chunk at a time, each checked against the heap limit (endless
    // input stops with MemoryError), and joined once at the end.
    let mut chunks = Vec::new();
    let mut total = 0;
    loop {
        match vm.call_host(Call::StdinRead, vec![chunk()], context)? {
            HostValue::Bytes(b) if !b.is_empty() => {
                total += b.len();
                memory::reserve(vm, total, &[])?;
                chunks.push(b);
            }
            _ => break,
        }
    }
    text_value(vm, chunks.concat())
}

/// The `max` argument of a read.
fn chunk() -> HostValue {
    HostValue::Int(CHUNK as i64)
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
