//! The host-function API: how native code and host entries become members
//! of importable modules, and how host calls look from inside the VM.
//!
//! [`Vm::define_module`] builds a module from native functions
//! ([`NativeFn`], which work on Cairn values) and embedder host entries
//! ([`HostFn`], which work on [`HostValue`]s and go through the host-call
//! table with its capability checks). The standard library's modules are
//! built with the same builder. Natives reach the outside world only
//! through [`Vm::call_host`] or [`Vm::host_call`].

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use super::dispatch::{CallError, HostFn};
use super::interface::HostError;
use super::table::{Call, HostValue};
use crate::interp::{Exc, NativeFn, Vm};
use crate::object::{MapKey, MapObj, ModuleObj, NativeObj, Object};
use crate::symbol::SymMap;
use crate::value::{ObjRef, Value};

/// How deeply nested a value may be to cross the host-call boundary.
pub const MAX_HOST_DEPTH: usize = 64;

/// A `&'static str` equal to `s`, leaked once per distinct name for the
/// whole process (native objects name themselves with static strings).
pub fn static_name(s: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(n) = names.get(s) {
        return n;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Per-VM state of native modules, one value per Rust type (the `random`
/// module keeps its generator here). Every value is `Send`, like the VM.
#[derive(Default)]
pub struct Extensions(HashMap<TypeId, Box<dyn Any + Send>>);

impl Extensions {
    /// The value of type `T`, created with `T::default()` on first use.
    pub fn get_or_default<T: Any + Send + Default>(&mut self) -> &mut T {
        let slot = self
            .0
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()));
        if !slot.is::<T>() {
            *slot = Box::new(T::default());
        }
        // The slot was just checked (or replaced) to hold a `T`.
        slot.downcast_mut::<T>().expect("slot holds a T")
    }

    /// The value of type `T`, if there is one.
    pub fn get<T: Any + Send>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>())?.downcast_ref()
    }

    /// Stores `value`, replacing any earlier value of its type.
    pub fn insert<T: Any + Send>(&mut self, value: T) {
        self.0.insert(TypeId::of::<T>(), Box::new(value));
    }
}

impl Vm {
    /// Makes host call `number` (a built-in [`Call`] or an embedder entry).
    ///
    /// # Errors
    /// See [`HostTable::call`](super::HostTable::call).
    pub fn host_call(&mut self, number: u16, args: Vec<HostValue>) -> Result<HostValue, CallError> {
        self.host.call(number, args)
    }

    /// Makes a built-in host call and raises its failure as a Cairn error:
    /// a denial as `PermissionError`, a host failure as its class with the
    /// message `"{context}: {reason}"` (just the reason when `context` is
    /// empty), and `exit` as [`Exc::Exit`].
    ///
    /// # Errors
    /// The raised error.
    pub fn call_host(
        &mut self,
        call: Call,
        args: Vec<HostValue>,
        context: &str,
    ) -> Result<HostValue, Exc> {
        match self.host.call(call as u16, args) {
            Ok(v) => Ok(v),
            Err(e) => Err(self.raise_call_error(e, context)),
        }
    }

    /// The Cairn error for a failed host call (see [`Vm::call_host`]).
    pub fn raise_call_error(&mut self, e: CallError, context: &str) -> Exc {
        match e {
            CallError::Denied(msg) => self.error_of("PermissionError", msg),
            CallError::Failed(HostError { kind, message }) => {
                let class = HostError {
                    kind,
                    message: String::new(),
                }
                .class();
                let msg = if context.is_empty() {
                    message
                } else {
                    format!("{context}: {message}")
                };
                self.error_of(class, msg)
            }
            CallError::Exit(code) => Exc::Exit(code),
        }
    }

    /// Writes bytes to standard output through the host (`print` does).
    ///
    /// # Errors
    /// `IOError` when the host cannot write.
    pub fn write_stdout(&mut self, bytes: Vec<u8>) -> Result<(), Exc> {
        self.call_host(
            Call::StdoutWrite,
            vec![HostValue::Bytes(bytes)],
            "cannot write to standard output",
        )
        .map(|_| ())
    }

    /// Flushes standard output, ignoring failures (the program has ended or
    /// is about to report an error).
    #[inline]
    pub fn flush_stdout(&mut self) {
        // Checked here first: every call from Rust ends with a flush.
        if self.host.unflushed() {
            let _ = self.host.call(Call::StdoutFlush as u16, Vec::new());
        }
    }

    /// Flushes standard output at the end of a program that completed:
    /// its output must not be lost unreported, so a failure is the
    /// `IOError` a `print` that failed would have raised.
    ///
    /// # Errors
    /// `IOError` when the buffered output cannot be written.
    pub fn finish_stdout(&mut self) -> Result<(), Exc> {
        if !self.host.unflushed() {
            return Ok(());
        }
        self.call_host(
            Call::StdoutFlush,
            Vec::new(),
            "cannot write to standard output",
        )
        .map(|_| ())
    }

    /// Starts a module importable by name (`import NAME`).
    pub fn define_module(&mut self, name: &str) -> ModuleBuilder<'_> {
        ModuleBuilder {
            vm: self,
            name: static_name(name),
            members: SymMap::default(),
        }
    }
}

/// Builds a native module: see [`Vm::define_module`].
pub struct ModuleBuilder<'a> {
    vm: &'a mut Vm,
    name: &'static str,
    members: SymMap<Value>,
}

impl ModuleBuilder<'_> {
    /// Adds a native function, named `MODULE.name` in messages.
    #[must_use]
    pub fn function(mut self, name: &str, func: NativeFn) -> Self {
        let full = static_name(&format!("{}.{name}", self.name));
        let f = crate::runtime::prelude::native(self.vm, full, func);
        let sym = self.vm.intern(name);
        self.members.insert(sym, f);
        self
    }

    /// Adds a constant member.
    #[must_use]
    pub fn value(mut self, name: &str, v: Value) -> Self {
        let sym = self.vm.intern(name);
        self.members.insert(sym, v);
        self
    }

    /// Adds an embedder entry to the VM's host-call table and binds it as
    /// the member `f.name`. Calling it from Cairn converts the arguments to
    /// [`HostValue`]s (a value that cannot cross raises `TypeError`), makes
    /// the host call with its checks, and converts the result back.
    ///
    /// # Errors
    /// The host-call table is full.
    pub fn host_fn(mut self, mut f: HostFn) -> Result<Self, HostError> {
        let member = f.name.clone();
        f.name = format!("{}.{member}", self.name);
        let full = static_name(&f.name);
        let number = self.vm.host.register(f)?;
        let native = self.vm.heap.alloc(Object::Native(Box::new(NativeObj {
            name: full,
            func: call_host_fn,
            receiver: Value::Int(i64::from(number)),
            data: u32::from(number),
            float_fn: None,
        })));
        let sym = self.vm.intern(&member);
        self.members.insert(sym, Value::Obj(native));
        Ok(self)
    }

    /// Makes the module importable, replacing one of the same name.
    pub fn install(self) -> ObjRef {
        let m = self.vm.heap.alloc(Object::Module(Box::new(ModuleObj {
            name: self.name.into(),
            index: u32::MAX,
            members: self.members,
        })));
        self.vm.native_modules.insert(self.name, m);
        m
    }
}

/// The native behind every embedder entry bound by
/// [`ModuleBuilder::host_fn`]; its receiver holds the entry's number.
fn call_host_fn(vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc> {
    let number = match receiver {
        Value::Int(n) => u16::try_from(n).ok(),
        _ => None,
    };
    let Some(number) = number else {
        return Err(vm.type_error("not a host function".to_string()));
    };
    let name = vm
        .host
        .embedder_entry(number)
        .map_or_else(|| "host function".to_string(), |e| e.name.clone());
    let mut host_args = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        match to_host(vm, *a, 0) {
            Ok(v) => host_args.push(v),
            Err(why) => {
                let msg = format!(
                    "{name}(): argument {} cannot be passed to the host: {why}",
                    i + 1
                );
                return Err(vm.type_error(msg));
            }
        }
    }
    match vm.host.call(number, host_args) {
        Ok(v) => Ok(from_host(vm, v)),
        Err(e) => Err(vm.raise_call_error(e, "")),
    }
}

/// A Cairn value as a [`HostValue`]: nil, Bools, numbers, Strings, and
/// Lists and Maps (String keys) of those, nested at most
/// [`MAX_HOST_DEPTH`] deep.
///
/// # Errors
/// Why the value cannot cross.
pub fn to_host(vm: &Vm, v: Value, depth: usize) -> Result<HostValue, String> {
    if depth > MAX_HOST_DEPTH {
        return Err("it is nested too deeply (or contains itself)".to_string());
    }
    Ok(match v {
        Value::Nil => HostValue::Nil,
        Value::Bool(b) => HostValue::Bool(b),
        Value::Int(i) => HostValue::Int(i),
        Value::Float(f) => HostValue::Float(f),
        Value::Obj(r) => match vm.heap.get(r) {
            Object::Str(s) => HostValue::Str(s.text.to_string()),
            Object::List(items) => HostValue::List(
                items
                    .iter()
                    .map(|x| to_host(vm, *x, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Object::Map(m) => {
                let mut out = Vec::with_capacity(m.len());
                for (key, (_, value)) in m.pairs() {
                    let Some(k) = key.text() else {
                        return Err("a Map key is not a String".to_string());
                    };
                    out.push((k.to_string(), to_host(vm, *value, depth + 1)?));
                }
                HostValue::Map(out)
            }
            _ => return Err(format!("a {} is not data", vm.class_name_of(v))),
        },
    })
}

/// A [`HostValue`] as a new Cairn value (`Bytes` become a List of Ints).
pub fn from_host(vm: &mut Vm, v: HostValue) -> Value {
    match v {
        HostValue::Nil => Value::Nil,
        HostValue::Bool(b) => Value::Bool(b),
        HostValue::Int(i) => Value::Int(i),
        HostValue::Float(f) => Value::Float(f),
        HostValue::Str(s) => vm.str_value(s),
        HostValue::Bytes(b) => {
            let items = b.into_iter().map(|x| Value::Int(i64::from(x))).collect();
            Value::Obj(vm.heap.alloc(Object::List(items)))
        }
        HostValue::List(items) => {
            let items = items.into_iter().map(|x| from_host(vm, x)).collect();
            Value::Obj(vm.heap.alloc(Object::List(items)))
        }
        HostValue::Map(entries) => {
            let mut map = MapObj::default();
            for (k, x) in entries {
                let value = from_host(vm, x);
                let key_value = vm.str_value(k.as_str());
                let key = MapKey::str(&k);
                match map.entries.get_mut(&key) {
                    Some(e) => e.1 = value,
                    None => map.push(key, key_value, value),
                }
            }
            Value::Obj(vm.heap.alloc(Object::Map(Box::new(map))))
        }
    }
}
