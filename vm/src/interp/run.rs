//! The dispatch loop.
//!
//! Hot state — the current prototype's code, the instruction index and the
//! frame base — lives in locals and is written back to the frame only where
//! an instruction may call, return, throw or switch fibers.

use super::fiber::{Frame, OnReturn};
use super::instr::Instr;
use super::{Exc, Vm};
use crate::object::{Object, RangeObj};
use crate::runtime::ops;
use crate::value::Value;

impl Vm {
    /// Runs until the frame at depth `stop` (a boundary frame) returns, and
    /// gives its result.
    pub(crate) fn execute(&mut self, stop: usize) -> Result<Value, Exc> {
        loop {
            match self.run_frames(stop) {
                Ok(v) => return Ok(v),
                Err(e @ (Exc::Yield(_) | Exc::Exit(_))) => return Err(e),
                Err(Exc::Error(e)) => {
                    // Unwinds to a handler (and continues) or out of `stop`.
                    self.unwind(e, stop)?;
                }
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn run_frames(&mut self, stop: usize) -> Result<Value, Exc> {
        let mut frame = *self.frames.last().expect("a frame to run");
        let mut code = std::sync::Arc::clone(&self.code_of(frame.proto));
        let mut ip = frame.ip;
        let mut base = frame.base;
        macro_rules! save {
            () => {
                if let Some(f) = self.frames.last_mut() {
                    f.ip = ip;
                }
            };
        }
        macro_rules! reload {
            () => {{
                frame = *self.frames.last().expect("a frame to run");
                code = std::sync::Arc::clone(&self.code_of(frame.proto));
                ip = frame.ip;
                base = frame.base;
            }};
        }
        macro_rules! pop {
            () => {
                self.stack.pop().unwrap_or(Value::Nil)
            };
        }
        macro_rules! top {
            () => {
                *self.stack.last().unwrap_or(&Value::Nil)
            };
        }
        macro_rules! throw {
            ($e:expr) => {{
                save!();
                return Err($e);
            }};
        }
        macro_rules! binary {
            ($f:path) => {{
                let b = pop!();
                let a = pop!();
                match $f(self, a, b) {
                    Ok(v) => self.stack.push(v),
                    Err(e) => throw!(e),
                }
            }};
        }
        loop {
            let instr = code[ip];
            ip += 1;
            if self.collect_stats {
                self.stats.instructions += 1;
            }
            match instr {
                Instr::Nop => {}
                Instr::Const(k) => {
                    let v = self.modules[self.protos[frame.proto as usize].module as usize]
                        .constants[k as usize];
                    self.stack.push(v);
                }
                Instr::Int(i) => self.stack.push(Value::Int(i)),
                Instr::Nil => self.stack.push(Value::Nil),
                Instr::True => self.stack.push(Value::Bool(true)),
                Instr::False => self.stack.push(Value::Bool(false)),
                Instr::Pop => {
                    self.stack.pop();
                }
                Instr::Dup => {
                    let v = top!();
                    self.stack.push(v);
                }
                Instr::Dup2 => {
                    let n = self.stack.len();
                    let (a, b) = (self.stack[n - 2], self.stack[n - 1]);
                    self.stack.push(a);
                    self.stack.push(b);
                }
                Instr::Swap => {
                    let n = self.stack.len();
                    self.stack.swap(n - 1, n - 2);
                }
                Instr::LoadLocal(l) => {
                    let v = self.stack[base + l as usize];
                    self.stack.push(v);
                }
                Instr::StoreLocal(l) => {
                    let v = pop!();
                    self.stack[base + l as usize] = v;
                }
                Instr::LoadUpval(u) => {
                    let cell = self.upvalue(frame.closure, u);
                    let v = self.cell_get(cell);
                    self.stack.push(v);
                }
                Instr::StoreUpval(u) => {
                    let cell = self.upvalue(frame.closure, u);
                    let v = pop!();
                    self.cell_set(cell, v);
                }
                Instr::LoadGlobal(g) => {
                    let m = self.protos[frame.proto as usize].module as usize;
                    let v = self.modules[m].globals[g as usize];
                    self.stack.push(v);
                }
                Instr::StoreGlobal(g) => {
                    let m = self.protos[frame.proto as usize].module as usize;
                    let v = pop!();
                    self.modules[m].globals[g as usize] = v;
                }
                Instr::LoadBuiltin(b) => {
                    let v = self.builtins.get(b as usize).copied().unwrap_or(Value::Nil);
                    self.stack.push(v);
                }
                Instr::NewCell(l) => {
                    let v = pop!();
                    let cell = self.heap.alloc(Object::Cell(v));
                    self.stack[base + l as usize] = Value::Obj(cell);
                }
                Instr::LoadCell(l) => {
                    let slot = self.stack[base + l as usize];
                    match self.cell_of(slot) {
                        Ok(c) => {
                            let v = self.cell_get(c);
                            self.stack.push(v);
                        }
                        Err(e) => throw!(e),
                    }
                }
                Instr::StoreCell(l) => {
                    let slot = self.stack[base + l as usize];
                    let v = pop!();
                    match self.cell_of(slot) {
                        Ok(c) => self.cell_set(c, v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Import(i) => {
                    save!();
                    let m = self.protos[frame.proto as usize].module as usize;
                    match self.import(m, i as usize) {
                        Ok(Some(v)) => self.stack.push(v),
                        Ok(None) => {
                            // The module's top-level code was pushed as a
                            // frame; its result is the module object.
                            reload!();
                        }
                        Err(e) => throw!(e),
                    }
                }
                Instr::GetField(name, cache) => {
                    let obj = pop!();
                    match self.get_field(obj, name, frame.proto, cache) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::SetField(name, cache) => {
                    let v = pop!();
                    let obj = pop!();
                    if let Err(e) = self.set_field(obj, name, v, frame.proto, cache) {
                        throw!(e);
                    }
                }
                Instr::GetIndex => {
                    save!();
                    let i = pop!();
                    let obj = pop!();
                    match self.get_index(obj, i) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::SetIndex => {
                    save!();
                    let v = pop!();
                    let i = pop!();
                    let obj = pop!();
                    if let Err(e) = self.set_index(obj, i, v) {
                        throw!(e);
                    }
                }
                Instr::GetSuper(name) => {
                    let this = pop!();
                    match self.get_super(frame.closure, this, name) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Add => {
                    let n = self.stack.len();
                    if let (Value::Int(a), Value::Int(b)) = (self.stack[n - 2], self.stack[n - 1]) {
                        if let Some(s) = a.checked_add(b) {
                            self.stack.truncate(n - 1);
                            self.stack[n - 2] = Value::Int(s);
                            continue;
                        }
                    }
                    save!();
                    binary!(ops::add)
                }
                Instr::Sub => {
                    let n = self.stack.len();
                    if let (Value::Int(a), Value::Int(b)) = (self.stack[n - 2], self.stack[n - 1]) {
                        if let Some(s) = a.checked_sub(b) {
                            self.stack.truncate(n - 1);
                            self.stack[n - 2] = Value::Int(s);
                            continue;
                        }
                    }
                    save!();
                    binary!(ops::sub)
                }
                Instr::Mul => {
                    save!();
                    binary!(ops::mul)
                }
                Instr::Div => {
                    save!();
                    binary!(ops::div)
                }
                Instr::Mod => {
                    save!();
                    binary!(ops::rem)
                }
                Instr::Pow => {
                    save!();
                    binary!(ops::pow)
                }
                Instr::BitAnd => binary!(ops::bit_and),
                Instr::BitOr => binary!(ops::bit_or),
                Instr::BitXor => binary!(ops::bit_xor),
                Instr::Shl => binary!(ops::shl),
                Instr::Shr => binary!(ops::shr),
                Instr::Neg => {
                    save!();
                    let a = pop!();
                    match ops::neg(self, a) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::BitNot => {
                    let a = pop!();
                    match ops::bit_not(self, a) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Not => {
                    let a = pop!();
                    self.stack.push(Value::Bool(!a.truthy()));
                }
                Instr::Eq | Instr::Ne => {
                    save!();
                    let n = self.stack.len();
                    let (a, b) = (self.stack[n - 2], self.stack[n - 1]);
                    match self.eq_value(a, b) {
                        Ok(v) => {
                            self.stack.truncate(n - 2);
                            let v = match instr {
                                Instr::Eq => v,
                                _ => Value::Bool(!v.truthy()),
                            };
                            self.stack.push(v);
                        }
                        Err(e) => throw!(e),
                    }
                }
                Instr::Lt => {
                    let n = self.stack.len();
                    if let (Value::Int(a), Value::Int(b)) = (self.stack[n - 2], self.stack[n - 1]) {
                        self.stack.truncate(n - 1);
                        self.stack[n - 2] = Value::Bool(a < b);
                        continue;
                    }
                    save!();
                    binary!(ops::lt)
                }
                Instr::Le => {
                    save!();
                    binary!(ops::le)
                }
                Instr::Gt => {
                    save!();
                    binary!(ops::gt)
                }
                Instr::Ge => {
                    save!();
                    binary!(ops::ge)
                }
                Instr::Is => binary!(ops::is),
                Instr::IsCatch => binary!(ops::is_catch),
                Instr::Range | Instr::RangeIncl => {
                    let b = pop!();
                    let a = pop!();
                    match self.make_range(a, b, instr == Instr::RangeIncl) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Jump(t) => {
                    if (t as usize) < ip {
                        save!();
                        self.maybe_collect();
                    }
                    ip = t as usize;
                }
                Instr::JumpIfFalse(t) => {
                    if !pop!().truthy() {
                        ip = t as usize;
                    }
                }
                Instr::JumpIfTrue(t) => {
                    if pop!().truthy() {
                        ip = t as usize;
                    }
                }
                Instr::AndJump(t) => {
                    if top!().truthy() {
                        self.stack.pop();
                    } else {
                        ip = t as usize;
                    }
                }
                Instr::OrJump(t) => {
                    if top!().truthy() {
                        ip = t as usize;
                    } else {
                        self.stack.pop();
                    }
                }
                Instr::JumpIfArg(l, t) => {
                    if !matches!(self.stack[base + l as usize], Value::Obj(r) if r == self.absent())
                    {
                        ip = t as usize;
                    }
                }
                Instr::Iter => {
                    save!();
                    let x = pop!();
                    match self.make_iter(x) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::ForNext(l, t) | Instr::ForNext2(l, t) => {
                    save!();
                    let it = self.stack[base + l as usize];
                    let pair = matches!(instr, Instr::ForNext2(..));
                    match self.iter_next(it, pair) {
                        Ok(true) => {}
                        Ok(false) => ip = t as usize,
                        Err(e) => throw!(e),
                    }
                }
                Instr::Call(argc) => {
                    save!();
                    match self.call_at(argc as usize) {
                        Ok(true) => reload!(),
                        Ok(false) => {}
                        Err(e) => throw!(e),
                    }
                }
                Instr::Invoke(name, argc, cache) => {
                    save!();
                    match self.invoke_at(name, argc as usize, frame.proto, cache) {
                        Ok(true) => reload!(),
                        Ok(false) => {}
                        Err(e) => throw!(e),
                    }
                }
                Instr::SuperInvoke(name, argc) => {
                    save!();
                    match self.super_invoke_at(frame.closure, name, argc as usize) {
                        Ok(true) => reload!(),
                        Ok(false) => {}
                        Err(e) => throw!(e),
                    }
                }
                Instr::Return => {
                    let result = pop!();
                    let done = self.frames.pop().expect("returning frame");
                    let result = match done.on_return {
                        OnReturn::Keep => Some(result),
                        OnReturn::Receiver => Some(self.stack[done.base]),
                        OnReturn::Discard => None,
                    };
                    self.stack.truncate(done.base);
                    if let Some(v) = result {
                        self.stack.push(v);
                    }
                    if done.boundary || self.frames.len() < stop {
                        return Ok(result.unwrap_or(Value::Nil));
                    }
                    reload!();
                    self.maybe_collect();
                }
                Instr::Throw => {
                    let e = pop!();
                    let e = self.prepare_throw(e);
                    throw!(Exc::Error(e))
                }
                Instr::Closure(f) => {
                    let m = self.protos[frame.proto as usize].module as usize;
                    match self.make_closure(m, f, frame.closure, base) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Class(c, n) => {
                    save!();
                    let m = self.protos[frame.proto as usize].module as usize;
                    match self.make_class(m, c as usize, n as usize) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::List(n) => {
                    let at = self.stack.len() - n as usize;
                    let items: Vec<Value> = self.stack.drain(at..).collect();
                    let r = self.heap.alloc(Object::List(items));
                    self.stack.push(Value::Obj(r));
                }
                Instr::Map(n) => {
                    save!();
                    match self.make_map(n as usize) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
                Instr::Str(n) => {
                    save!();
                    match self.concat_strs(n as usize) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => throw!(e),
                    }
                }
            }
        }
    }

    /// `a..b` and `a..=b` (§5.6): both bounds must be Ints.
    fn make_range(&mut self, a: Value, b: Value, inclusive: bool) -> Result<Value, Exc> {
        match (a, b) {
            (Value::Int(start), Value::Int(end)) => {
                let r = self.heap.alloc(Object::Range(RangeObj {
                    start,
                    end,
                    inclusive,
                }));
                Ok(Value::Obj(r))
            }
            _ => {
                let bad = if matches!(a, Value::Int(_)) { b } else { a };
                let msg = format!("range bounds must be Int, not {}", self.class_name_of(bad));
                Err(self.type_error(msg))
            }
        }
    }

    pub(crate) fn code_of(&self, proto: u32) -> std::sync::Arc<[Instr]> {
        std::sync::Arc::clone(&self.code[proto as usize])
    }

    /// Pushes a frame for `proto` whose slot 0 is at `base`.
    pub(crate) fn push_frame(&mut self, frame: Frame) -> Result<(), Exc> {
        if self.frames.len() >= self.limits.max_call_depth {
            return Err(self.error_of(
                "StackOverflowError",
                format!(
                    "call depth limit of {} frames exceeded",
                    self.limits.max_call_depth
                ),
            ));
        }
        self.frames.push(frame);
        Ok(())
    }
}
