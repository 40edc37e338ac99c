//! `fs`: files as UTF-8 text or byte lists, and directories (§13).
//!
//! Every function goes through the host's file calls, so the VM's
//! capability checks apply: reading needs a read grant covering the path,
//! creating, writing, renaming and removing a write grant. Failures raise
//! `IOError` naming the path and the operating system's reason:
//! `cannot read "data.txt": No such file or directory (os error 2)`.
//!
//! `write_text` is atomic: it writes a temporary file in the same directory,
//! flushes it to disk and renames it over the target, so the target holds
//! either the old or the new text, never a part. When the temporary file
//! cannot be created there (a write grant on the file alone), it writes the
//! file in place.

use std::path::Path;

use cairn_vm::host::{path_kind_of, Call, CallError, HostValue, PathKind};
use cairn_vm::interp::{Exc, Vm};
use cairn_vm::value::Value;

use crate::args::{arity, new_list, str_arg};

/// Bytes read per `file_read` call.
const CHUNK: i64 = 1 << 16;

pub fn install(vm: &mut Vm) {
    vm.define_module("fs")
        .function("read_text", read_text)
        .function("write_text", write_text)
        .function("append_text", append_text)
        .function("read_bytes", read_bytes)
        .function("exists", exists)
        .function("is_dir", is_dir)
        .function("list_dir", list_dir)
        .function("mkdir", mkdir)
        .function("remove", remove)
        .function("rename", rename)
        .install();
}

fn call(vm: &mut Vm, c: Call, args: Vec<HostValue>) -> Result<HostValue, CallError> {
    vm.host_call(c as u16, args)
}

fn raise(vm: &mut Vm, e: CallError, context: &str) -> Exc {
    vm.raise_call_error(e, context)
}

fn handle_of(v: &HostValue) -> HostValue {
    match v {
        HostValue::Int(h) => HostValue::Int(*h),
        _ => HostValue::Int(-1),
    }
}

/// The whole content of the file at `path`.
fn read_file(vm: &mut Vm, path: &str, per_byte: usize) -> Result<Vec<u8>, Exc> {
    let context = format!("cannot read \"{path}\"");
    let handle = vm.call_host(
        Call::FileOpenRead,
        vec![HostValue::Str(path.into())],
        &context,
    )?;
    let handle = handle_of(&handle);
    // The chunks are kept as read and joined once at the end: a buffer
    // grown by doubling would hold one and a half times the file while it
    // grew, and leave the allocator its old copies.
    let mut chunks = Vec::new();
    let mut total = 0usize;
    let mut too_large = None;
    let result = loop {
        match call(
            vm,
            Call::FileRead,
            vec![handle.clone(), HostValue::Int(CHUNK)],
        ) {
            Ok(HostValue::Bytes(b)) if b.is_empty() => break Ok(()),
            Ok(HostValue::Bytes(b)) => {
                // The value made from the file is checked against the heap
                // limit as the file is read, so a huge file stops early.
                total += b.len();
                let bytes = total.saturating_mul(per_byte);
                if let Err(e) = cairn_vm::runtime::memory::reserve(vm, bytes, &[]) {
                    too_large = Some(e);
                    break Ok(());
                }
                chunks.push(b);
            }
            Ok(_) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    let closed = call(vm, Call::FileClose, vec![handle]);
    if let Some(e) = too_large {
        return Err(e);
    }
    match result.and(closed.map(|_| ())) {
        Ok(()) => Ok(chunks.concat()),
        Err(e) => Err(raise(vm, e, &context)),
    }
}

/// Writes all of `data` to a new handle opened with `mode`, then (with
/// `sync`) flushes it to disk, and closes it.
fn write_file(
    vm: &mut Vm,
    path: &str,
    mode: i64,
    data: Vec<u8>,
    sync: bool,
) -> Result<(), CallError> {
    let args = vec![HostValue::Str(path.into()), HostValue::Int(mode)];
    let handle = handle_of(&call(vm, Call::FileOpenWrite, args)?);
    let mut result = call(
        vm,
        Call::FileWrite,
        vec![handle.clone(), HostValue::Bytes(data)],
    );
    if sync && result.is_ok() {
        result = call(vm, Call::FileSync, vec![handle.clone()]);
    }
    let closed = call(vm, Call::FileClose, vec![handle]);
    result.and(closed).map(|_| ())
}

/// `path` and `text` arguments of a write.
fn path_and_text(vm: &mut Vm, name: &str, args: &[Value]) -> Result<(String, String), Exc> {
    arity(vm, name, args, 2, 2)?;
    let path = str_arg(vm, name, args, 0)?;
    let text = str_arg(vm, name, args, 1)?;
    Ok((path, text))
}

/// `fs.read_text(path)`: the file's text; invalid UTF-8 raises `IOError`.
fn read_text(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "fs.read_text", args, 1, 1)?;
    let path = str_arg(vm, "fs.read_text", args, 0)?;
    let bytes = read_file(vm, &path, 1)?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(vm.str_value(s)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let msg = format!("cannot read \"{path}\": invalid UTF-8 at byte {at}");
            Err(vm.error_of("IOError", msg))
        }
    }
}

/// `fs.read_bytes(path)`: a List of Ints in `0..=255`.
fn read_bytes(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "fs.read_bytes", args, 1, 1)?;
    let path = str_arg(vm, "fs.read_bytes", args, 0)?;
    // Each byte becomes an Int in the List.
    let bytes = read_file(vm, &path, std::mem::size_of::<Value>())?;
    let items = bytes
        .into_iter()
        .map(|b| Value::Int(i64::from(b)))
        .collect();
    Ok(new_list(vm, items))
}

/// A fresh temporary name next to `path`, or `None` if `path` names no
/// file.
fn temp_path(vm: &mut Vm, path: &str) -> Result<Option<String>, Exc> {
    let p = Path::new(path);
    let Some(name) = p.file_name() else {
        return Ok(None);
    };
    let noise = match vm.call_host(Call::Entropy, vec![HostValue::Int(8)], "cannot name a file")? {
        HostValue::Bytes(b) => b.iter().map(|x| format!("{x:02x}")).collect::<String>(),
        _ => String::new(),
    };
    let temp = format!(".{}.{noise}.tmp", name.to_string_lossy());
    Ok(Some(p.with_file_name(temp).to_string_lossy().into_owned()))
}

/// `fs.write_text(path, s)`: creates or replaces the file, atomically.
fn write_text(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    let (path, text) = path_and_text(vm, "fs.write_text", args)?;
    let context = format!("cannot write \"{path}\"");
    let data = text.into_bytes();
    let Some(temp) = temp_path(vm, &path)? else {
        write_file(vm, &path, 0, data, false).map_err(|e| raise(vm, e, &context))?;
        return Ok(Value::Nil);
    };
    match write_file(vm, &temp, 2, data.clone(), true) {
        Ok(()) => {}
        // No grant for the temporary file (or a full directory listing):
        // write in place instead.
        Err(CallError::Denied(_)) => {
            write_file(vm, &path, 0, data, false).map_err(|e| raise(vm, e, &context))?;
            return Ok(Value::Nil);
        }
        Err(e) => {
            let _ = call(vm, Call::PathRemove, vec![HostValue::Str(temp)]);
            return Err(raise(vm, e, &context));
        }
    }
    let renamed = call(
        vm,
        Call::PathRename,
        vec![HostValue::Str(temp.clone()), HostValue::Str(path.clone())],
    );
    if let Err(e) = renamed {
        let _ = call(vm, Call::PathRemove, vec![HostValue::Str(temp)]);
        return Err(raise(vm, e, &context));
    }
    Ok(Value::Nil)
}

/// `fs.append_text(path, s)`: creates the file or appends to it.
fn append_text(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    let (path, text) = path_and_text(vm, "fs.append_text", args)?;
    let context = format!("cannot append to \"{path}\"");
    write_file(vm, &path, 1, text.into_bytes(), false).map_err(|e| raise(vm, e, &context))?;
    Ok(Value::Nil)
}

fn kind(vm: &mut Vm, name: &str, args: &[Value]) -> Result<PathKind, Exc> {
    arity(vm, name, args, 1, 1)?;
    let path = str_arg(vm, name, args, 0)?;
    let context = format!("cannot inspect \"{path}\"");
    match vm.call_host(Call::PathKind, vec![HostValue::Str(path)], &context)? {
        HostValue::Int(n) => Ok(path_kind_of(n)),
        _ => Ok(PathKind::Missing),
    }
}

/// `fs.exists(path)`.
fn exists(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    Ok(Value::Bool(
        kind(vm, "fs.exists", args)? != PathKind::Missing,
    ))
}

/// `fs.is_dir(path)`.
fn is_dir(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    Ok(Value::Bool(kind(vm, "fs.is_dir", args)? == PathKind::Dir))
}

/// `fs.list_dir(path)`: entry names sorted by code point.
fn list_dir(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "fs.list_dir", args, 1, 1)?;
    let path = str_arg(vm, "fs.list_dir", args, 0)?;
    let context = format!("cannot list \"{path}\"");
    let HostValue::List(entries) =
        vm.call_host(Call::DirList, vec![HostValue::Str(path)], &context)?
    else {
        return Ok(new_list(vm, Vec::new()));
    };
    let mut names: Vec<String> = entries
        .into_iter()
        .filter_map(|e| match e {
            HostValue::Str(s) => Some(s),
            _ => None,
        })
        .collect();
    names.sort_unstable();
    let items = names.into_iter().map(|n| vm.str_value(n)).collect();
    Ok(new_list(vm, items))
}

/// `fs.mkdir(path)`: with missing parents; an existing directory is fine.
fn mkdir(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "fs.mkdir", args, 1, 1)?;
    let path = str_arg(vm, "fs.mkdir", args, 0)?;
    let context = format!("cannot create directory \"{path}\"");
    let call_args = vec![HostValue::Str(path), HostValue::Bool(true)];
    vm.call_host(Call::DirCreate, call_args, &context)?;
    Ok(Value::Nil)
}

/// `fs.remove(path)`: a file or an empty directory.
fn remove(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "fs.remove", args, 1, 1)?;
    let path = str_arg(vm, "fs.remove", args, 0)?;
    let context = format!("cannot remove \"{path}\"");
    vm.call_host(Call::PathRemove, vec![HostValue::Str(path)], &context)?;
    Ok(Value::Nil)
}

/// `fs.rename(from, to)`.
fn rename(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "fs.rename", args, 2, 2)?;
    let from = str_arg(vm, "fs.rename", args, 0)?;
    let to = str_arg(vm, "fs.rename", args, 1)?;
    let context = format!("cannot rename \"{from}\" to \"{to}\"");
    let call_args = vec![HostValue::Str(from), HostValue::Str(to)];
    vm.call_host(Call::PathRename, call_args, &context)?;
    Ok(Value::Nil)
}
