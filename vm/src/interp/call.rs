//! Calls: closures, natives, classes (construction), bound methods; method
//! invocation through inline caches; closure creation; and unwinding to
//! exception handlers.

use super::cache::{Entry, Kind};
use super::fiber::{Frame, OnReturn};
use super::{Exc, Vm};
use crate::classfile::Upvalue;
use crate::object::{BoundObj, ClosureObj, Instance, Object};
use crate::symbol::Sym;
use crate::value::{ObjRef, Value};

/// How an `INVOKE` receiver's key finds its callee.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lookup {
    /// Among the methods of the class the key names.
    Method,
    /// Among the members of the native module the key names.
    Member,
}

/// Describes a call's arity failure the way the language spec words it.
fn arity_message(name: &str, min: usize, max: Option<usize>, given: usize) -> String {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let was = if given == 1 { "was" } else { "were" };
    match max {
        Some(max) if max == min => {
            format!(
                "{name}() takes {min} {} but {given} {was} given",
                plural(min)
            )
        }
        Some(max) => format!("{name}() takes {min} to {max} arguments but {given} {was} given"),
        None => format!(
            "{name}() takes at least {min} {} but {given} {was} given",
            plural(min)
        ),
    }
}

impl Vm {
    /// The value in a cell-held upvalue; `nil` if it holds no cell (a
    /// hand-written class file can capture a copied value as a cell).
    pub(crate) fn upvalue_get(&self, held: Value) -> Value {
        match held {
            Value::Obj(r) => self.cell_get(r),
            _ => Value::Nil,
        }
    }

    fn is_cell(&self, v: Value) -> bool {
        matches!(v, Value::Obj(r) if matches!(self.heap.get(r), Object::Cell(_)))
    }

    /// Writes a cell-held upvalue; nothing if it holds no cell.
    pub(crate) fn upvalue_set(&mut self, held: Value, v: Value) {
        if let Value::Obj(r) = held {
            self.cell_set(r, v);
        }
    }

    pub(crate) fn cell_get(&self, cell: ObjRef) -> Value {
        match self.heap.get(cell) {
            Object::Cell(v) => *v,
            _ => Value::Nil,
        }
    }

    pub(crate) fn cell_set(&mut self, cell: ObjRef, v: Value) {
        if let Object::Cell(slot) = self.heap.get_mut(cell) {
            *slot = v;
        }
    }

    pub(crate) fn cell_of(&mut self, slot: Value) -> Result<ObjRef, Exc> {
        match slot {
            Value::Obj(r) if self.is_cell(slot) => Ok(r),
            _ => Err(self.type_error("local slot holds no cell".to_string())),
        }
    }

    pub(crate) fn absent(&self) -> ObjRef {
        self.absent
    }

    /// Calls `callee` whose slot is `at` with `argc` arguments above it.
    pub(crate) fn call_value_at(
        &mut self,
        callee: Value,
        at: usize,
        argc: usize,
    ) -> Result<bool, Exc> {
        if self.collect_stats {
            self.stats.calls += 1;
        }
        let Value::Obj(r) = callee else {
            return Err(self.not_callable(callee));
        };
        match self.heap.get(r) {
            Object::Closure(c) => {
                let proto = c.proto;
                self.enter_closure(r, proto, at, argc, OnReturn::Keep)?;
                Ok(true)
            }
            Object::Native(n) => {
                let (func, receiver) = (n.func, n.receiver);
                self.native_data = n.data;
                self.call_native(func, receiver, at)?;
                Ok(false)
            }
            Object::Bound(b) => {
                let (receiver, method) = (b.receiver, b.method);
                self.stack[at] = receiver;
                self.call_method(method, at, argc)
            }
            Object::Class(_) => self.construct(r, at, argc),
            _ => Err(self.not_callable(callee)),
        }
    }

    /// Calls a native with the arguments above slot `at`, leaving its
    /// result in that slot. The arguments are copied into a pooled buffer
    /// (a native may push to the stack, so it cannot borrow them there);
    /// they stay on the stack, rooted, until it returns.
    pub(crate) fn call_native(
        &mut self,
        func: super::NativeFn,
        receiver: Value,
        at: usize,
    ) -> Result<(), Exc> {
        // The arguments are copied out of the stack, which the function
        // may grow; they stay there too, as roots. A few fit in an array.
        const FEW: usize = 4;
        let argc = self.stack.len() - at - 1;
        let result = if argc <= FEW {
            let mut args = [Value::Nil; FEW];
            args[..argc].copy_from_slice(&self.stack[at + 1..]);
            func(self, receiver, &args[..argc])
        } else {
            let mut args = self.arg_pool.pop().unwrap_or_default();
            args.clear();
            args.extend_from_slice(&self.stack[at + 1..]);
            let result = func(self, receiver, &args);
            self.arg_pool.push(args);
            result
        };
        let result = result?;
        self.stack.truncate(at);
        self.stack.push(result);
        Ok(())
    }

    /// Calls a method value with the receiver already in slot `at`.
    pub(crate) fn call_method(
        &mut self,
        method: Value,
        at: usize,
        argc: usize,
    ) -> Result<bool, Exc> {
        let Value::Obj(m) = method else {
            return Err(self.not_callable(method));
        };
        match self.heap.get(m) {
            Object::Closure(c) => {
                let proto = c.proto;
                self.enter_closure(m, proto, at, argc, OnReturn::Keep)?;
                Ok(true)
            }
            Object::Native(n) => {
                let func = n.func;
                self.native_data = n.data;
                let receiver = self.stack[at];
                self.call_native(func, receiver, at)?;
                Ok(false)
            }
            _ => {
                // A field holding a function: call it without the receiver.
                self.stack[at] = method;
                self.call_value_at(method, at, argc)
            }
        }
    }

    /// Pushes a frame for a closure call, checking arity, filling missing
    /// defaulted parameters with the absent marker and packing rest
    /// arguments.
    #[inline]
    pub(crate) fn enter_closure(
        &mut self,
        closure: ObjRef,
        proto: u32,
        at: usize,
        argc: usize,
        on_return: OnReturn,
    ) -> Result<(), Exc> {
        let c = self.calls[proto as usize];
        if argc as u32 != c.fast_argc {
            self.arrange_arguments(proto, at, argc)?;
        }
        self.stack.resize(at + c.frame as usize, Value::Nil);
        self.push_frame(Frame {
            closure,
            proto,
            ip: 0,
            base: at,
            code: c.code,
            module: c.module,
            on_return,
            boundary: false,
        })
    }

    /// Checks a call's arity against a function with defaults or a rest
    /// parameter, fills missing defaulted parameters with the absent marker
    /// and packs rest arguments into a List, leaving exactly `n_params`
    /// arguments above slot `at`.
    #[cold]
    fn arrange_arguments(&mut self, proto: u32, at: usize, argc: usize) -> Result<(), Exc> {
        let p = &self.protos[proto as usize];
        let (min, max) = (p.min_args(), p.max_args());
        let n_params = usize::from(p.n_params);
        let has_rest = p.has_rest;
        if argc < min || max.is_some_and(|m| argc > m) {
            let name = p.display.clone();
            return Err(self.type_error(arity_message(&name, min, max, argc)));
        }
        let absent = Value::Obj(self.absent);
        if has_rest {
            let fixed = n_params - 1;
            let extra: Vec<Value> = if argc > fixed {
                self.stack.drain(at + 1 + fixed..).collect()
            } else {
                Vec::new()
            };
            while self.stack.len() < at + 1 + fixed {
                self.stack.push(absent);
            }
            let list = self.heap.alloc(Object::List(extra));
            self.stack.push(Value::Obj(list));
        } else {
            for _ in argc..n_params {
                self.stack.push(absent);
            }
        }
        Ok(())
    }

    /// Calling a class: a new instance, its field initializers (base class
    /// first), then `init`.
    fn construct(&mut self, class: ObjRef, at: usize, argc: usize) -> Result<bool, Exc> {
        let (n_fields, init, inits, builtin) = match self.heap.get(class) {
            Object::Class(c) => (
                c.fields.len(),
                c.methods.get(&self.sym_init).copied(),
                c.field_inits.clone(),
                c.builtin,
            ),
            _ => return Err(self.not_callable(Value::Obj(class))),
        };
        if builtin == Some(crate::object::Builtin::Host) {
            return crate::embed::host_class::construct(self, class, at);
        }
        if let Some(b) = builtin {
            if b != crate::object::Builtin::Object && b != crate::object::Builtin::Error {
                return crate::runtime::prelude::construct_builtin(self, class, at, argc);
            }
        }
        let instance = self.heap.alloc(Object::Instance(Instance {
            class,
            fields: vec![Value::Nil; n_fields].into_boxed_slice(),
        }));
        self.stack[at] = Value::Obj(instance);
        let mut pushed = false;
        match init {
            Some(Value::Obj(m)) if matches!(self.heap.get(m), Object::Closure(_)) => {
                let proto = match self.heap.get(m) {
                    Object::Closure(c) => c.proto,
                    _ => 0,
                };
                self.enter_closure(m, proto, at, argc, OnReturn::Receiver)?;
                pushed = true;
            }
            Some(native) => {
                self.call_method(native, at, argc)?;
                // A native init's result is dropped: the instance stays.
                self.stack.truncate(at);
                self.stack.push(Value::Obj(instance));
            }
            None => {
                if argc > 0 {
                    let name = format!("{}.init", self.class_name(class));
                    return Err(self.type_error(arity_message(&name, 0, Some(0), argc)));
                }
                self.stack.truncate(at + 1);
            }
        }
        // Field initializers run first: push them above, last one first.
        for init in inits.iter().rev() {
            let Value::Obj(f) = *init else { continue };
            let proto = match self.heap.get(f) {
                Object::Closure(c) => c.proto,
                _ => continue,
            };
            let slot = self.stack.len();
            self.stack.push(Value::Obj(instance));
            self.enter_closure(f, proto, slot, 0, OnReturn::Discard)?;
            pushed = true;
        }
        Ok(pushed)
    }

    /// The prototype of a closure value.
    fn proto_of(&self, v: Value) -> Option<u32> {
        match v {
            Value::Obj(r) => match self.heap.get(r) {
                Object::Closure(c) => Some(c.proto),
                _ => None,
            },
            _ => None,
        }
    }

    /// The cache entry for `method`, found on `class`: an accessor's when
    /// the method is one (see [`Proto::getter`](super::link::Proto::getter))
    /// and `class`'s instances have the field it returns.
    fn method_entry(&self, class: ObjRef, method: Value) -> Entry {
        let proto = self.proto_of(method);
        let getter = proto.and_then(|p| self.protos.get(p as usize)?.getter);
        if let (Some(name), Object::Class(c)) = (getter, self.heap.get(class)) {
            if let Some(&field) = c.field_index.get(&name) {
                return Entry::getter(class, method, field);
            }
        }
        Entry::method(class, method, proto)
    }

    /// `INVOKE name argc`.
    pub(crate) fn invoke_at(&mut self, name: Sym, argc: usize, cache: u32) -> Result<bool, Exc> {
        let at = self.stack.len() - argc - 1;
        let receiver = self.stack[at];
        let key = self.invoke_key(receiver, name);
        if let Some((key, _)) = key {
            if let Some(e) = self.cached(cache, key, name, Kind::Method) {
                return self.call_entry(e, at, argc);
            }
        }
        if let Some((class, Lookup::Method)) = key {
            if let Some(method) = self.find_method(class, name) {
                let e = self.method_entry(class, method);
                self.remember(cache, name, Kind::Method, e);
                return self.call_method(method, at, argc);
            }
        }
        let callee = self.get_member(receiver, name, true)?;
        match callee {
            super::members::Member::Method(m) => {
                if let Some((class, Lookup::Method)) = key {
                    let e = self.method_entry(class, m);
                    self.remember(cache, name, Kind::Method, e);
                }
                self.call_method(m, at, argc)
            }
            super::members::Member::Value(v) => {
                if let Some((module, Lookup::Member)) = key {
                    self.remember(cache, name, Kind::Method, Entry::member(module, v));
                }
                self.stack[at] = v;
                self.call_value_at(v, at, argc)
            }
        }
    }

    /// What an `INVOKE` site's cache may key a receiver by: its class when
    /// `name` is found among the class's methods (instances and built-in
    /// values), or the module itself for a native module, whose members
    /// never change. Classes (static members), user modules (whose globals
    /// can change), fibers (`done`) and `.class` are looked up every time.
    fn invoke_key(&self, receiver: Value, name: Sym) -> Option<(ObjRef, Lookup)> {
        if name == self.sym_class {
            return None;
        }
        if let Value::Obj(r) = receiver {
            match self.heap.get(r) {
                Object::Instance(inst) => return Some((inst.class, Lookup::Method)),
                Object::Module(m) if m.index == u32::MAX => return Some((r, Lookup::Member)),
                Object::Class(_) | Object::Module(_) | Object::Fiber(_) => return None,
                _ => {}
            }
        }
        Some((self.class_of(receiver), Lookup::Method))
    }

    /// Calls what a cache entry names: a method with the receiver in place,
    /// or a module member without it.
    fn call_entry(&mut self, e: Entry, at: usize, argc: usize) -> Result<bool, Exc> {
        if e.is_member() {
            self.stack[at] = e.method;
            self.call_value_at(e.method, at, argc)
        } else {
            self.call_method(e.method, at, argc)
        }
    }

    pub(crate) fn find_method(&self, class: ObjRef, name: Sym) -> Option<Value> {
        match self.heap.get(class) {
            Object::Class(c) => c.methods.get(&name).copied(),
            _ => None,
        }
    }

    /// The class that `super` starts from: the superclass of the running
    /// closure's home class.
    fn super_class(&mut self, closure: ObjRef) -> Result<ObjRef, Exc> {
        let home = match self.heap.get(closure) {
            Object::Closure(c) => c.home,
            _ => None,
        };
        let sup = home.and_then(|h| match self.heap.get(h) {
            Object::Class(c) => c.superclass,
            _ => None,
        });
        sup.ok_or_else(|| self.type_error("`super` used outside a class with a superclass".into()))
    }

    pub(crate) fn super_invoke_at(
        &mut self,
        closure: ObjRef,
        name: Sym,
        argc: usize,
    ) -> Result<bool, Exc> {
        let at = self.stack.len() - argc - 1;
        let method = self.super_method(closure, name)?;
        self.call_method(method, at, argc)
    }

    /// The method `super.name` denotes in the running closure.
    fn super_method(&mut self, closure: ObjRef, name: Sym) -> Result<Value, Exc> {
        let sup = self.super_class(closure)?;
        match self.find_method(sup, name) {
            Some(m) => Ok(m),
            None => {
                let msg = format!(
                    "{} has no method '{}'",
                    self.class_name(sup),
                    self.symbols.name(name)
                );
                Err(self.error_of("AttributeError", msg))
            }
        }
    }

    pub(crate) fn get_super(
        &mut self,
        closure: ObjRef,
        this: Value,
        name: Sym,
    ) -> Result<Value, Exc> {
        let method = self.super_method(closure, name)?;
        Ok(Value::Obj(self.heap.alloc(Object::Bound(BoundObj {
            receiver: this,
            method,
        }))))
    }

    /// `CLOSURE f`: captures cells, or copies values, from the current
    /// frame or closure. A cell-held upvalue always holds a cell: a capture
    /// that finds none raises `TypeError` here (hand-written bytecode
    /// only), so `LOAD_UPVAL` and `STORE_UPVAL` never fail.
    pub(crate) fn make_closure(
        &mut self,
        module: usize,
        func: u32,
        current: ObjRef,
        base: usize,
    ) -> Result<Value, Exc> {
        let proto = self.modules[module].protos[func as usize];
        // The running closure, looked up once: its upvalues (`None` when
        // the frame runs no closure, as the module's code does not), the
        // descriptors saying which of them are cells, and its home class.
        let (outer, outer_proto, home) = match self.heap.get(current) {
            Object::Closure(c) => (Some(c.upvalues.as_ref()), Some(c.proto), c.home),
            _ => (None, None, None),
        };
        let outer_held = |n: u16| {
            outer
                .and_then(|u| u.get(usize::from(n)).copied())
                .unwrap_or(Value::Nil)
        };
        let outer_is_cell = |n: u16| {
            outer_proto
                .and_then(|p| self.protos[p as usize].upvalues.get(usize::from(n)))
                .is_some_and(|d| !d.is_value())
        };
        // Read in place, not cloned: a closure is made often.
        let n = self.protos[proto as usize].upvalues.len();
        let mut upvalues = Vec::with_capacity(n);
        for i in 0..n {
            let d = self.protos[proto as usize].upvalues[i];
            let held = match d {
                Upvalue::Local(n) => {
                    let slot = self.stack[base + n as usize];
                    if !self.is_cell(slot) {
                        let e = format!("captured local {n} holds no cell");
                        return Err(self.type_error(e));
                    }
                    slot
                }
                Upvalue::LocalValue(n) => self.stack[base + n as usize],
                Upvalue::Outer(n) => {
                    let held = outer_held(n);
                    if !outer_is_cell(n) || !self.is_cell(held) {
                        let e = format!("captured upvalue {n} holds no cell");
                        return Err(self.type_error(e));
                    }
                    held
                }
                // What `LOAD_UPVAL n` would push in the running closure.
                Upvalue::OuterValue(n) if outer_is_cell(n) => self.upvalue_get(outer_held(n)),
                Upvalue::OuterValue(n) => outer_held(n),
            };
            upvalues.push(held);
        }
        let c = self.heap.alloc(Object::Closure(ClosureObj {
            proto,
            upvalues: upvalues.into_boxed_slice(),
            home,
        }));
        Ok(Value::Obj(c))
    }

    /// Unwinds to the innermost handler covering the failing instruction, or
    /// returns the error when it escapes the frame at depth `stop`.
    pub(crate) fn unwind(&mut self, error: Value, stop: usize) -> Result<(), Exc> {
        loop {
            let Some(frame) = self.frames.last().copied() else {
                return Err(Exc::Error(error));
            };
            let failing = frame.ip.saturating_sub(1) as u32;
            let proto = &self.protos[frame.proto as usize];
            let handler = proto
                .handlers
                .iter()
                .find(|(start, end, _, _)| *start <= failing && failing < *end)
                .copied();
            if let Some((_, _, target, depth)) = handler {
                let height = frame.base + usize::from(proto.n_locals) + usize::from(depth);
                self.stack.truncate(height);
                self.stack.push(error);
                if let Some(f) = self.frames.last_mut() {
                    f.ip = target as usize;
                }
                return Ok(());
            }
            let done = self.frames.pop().expect("frame");
            self.stack.truncate(done.base);
            if done.boundary || self.frames.len() < stop || self.frames.is_empty() {
                return Err(Exc::Error(error));
            }
        }
    }
}

impl Vm {
    /// Calls `f(args)` from native code and runs it to completion in a
    /// nested dispatch loop.
    pub fn call_function(&mut self, f: Value, args: &[Value]) -> Result<Value, Exc> {
        let at = self.stack.len();
        self.stack.push(f);
        self.stack.extend_from_slice(args);
        self.finish_reentry(at, |vm| vm.call_value_at(f, at, args.len()))
    }

    /// Calls a method value with `receiver` in slot 0, from native code.
    pub fn call_method_value(
        &mut self,
        method: Value,
        receiver: Value,
        args: &[Value],
    ) -> Result<Value, Exc> {
        let at = self.stack.len();
        self.stack.push(receiver);
        self.stack.extend_from_slice(args);
        self.finish_reentry(at, |vm| vm.call_method(method, at, args.len()))
    }

    fn finish_reentry(
        &mut self,
        at: usize,
        start: impl FnOnce(&mut Vm) -> Result<bool, Exc>,
    ) -> Result<Value, Exc> {
        if self.native_depth >= super::MAX_NATIVE_DEPTH {
            self.stack.truncate(at);
            return Err(self.error_of(
                "StackOverflowError",
                "native calls nested too deeply".to_string(),
            ));
        }
        let depth = self.frames.len();
        let pushed = match start(self) {
            Ok(p) => p,
            Err(e) => {
                self.stack.truncate(at);
                return Err(e);
            }
        };
        if !pushed {
            let v = self.stack.pop().unwrap_or(Value::Nil);
            self.stack.truncate(at);
            return Ok(v);
        }
        // Frames above `depth` belong to this call; the lowest one ends the
        // nested loop when it returns.
        if let Some(f) = self.frames.get_mut(depth) {
            f.boundary = true;
        }
        self.native_depth += 1;
        let result = self.pinned(|vm| {
            // Entering Cairn code from native code is a safepoint: a native
            // that calls back in a loop (`filter` over a list its callback
            // grows) passes no backward jump or return of its own.
            if vm.safepoint_due() {
                vm.safepoint()?;
            }
            vm.execute(depth + 1)
        });
        self.native_depth -= 1;
        match result {
            Ok(v) => {
                self.stack.truncate(at);
                Ok(v)
            }
            Err(e) => {
                self.frames.truncate(depth);
                self.stack.truncate(at);
                Err(e)
            }
        }
    }
}
