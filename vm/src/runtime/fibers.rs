//! Fibers (coroutines): `Fiber(f)`, `resume`, `Fiber.yield`, `done`, and
//! `for x in fiber`. A resume runs the fiber's frames in a nested dispatch
//! loop on the fiber's own stacks until it yields, returns or fails.

use crate::interp::fiber::{Fiber, FiberState};
use crate::interp::{Exc, Vm};
use crate::object::Object;
use crate::value::{ObjRef, Value};

/// `Fiber(f)`: `f` must take zero or one parameter.
pub fn create(vm: &mut Vm, f: Value) -> Result<Value, Exc> {
    let ok = match f {
        Value::Obj(r) => match vm.heap.get(r) {
            Object::Closure(c) => {
                let p = &vm.protos[c.proto as usize];
                p.min_args() <= 1 && (p.has_rest || p.n_params <= 1 || p.min_args() <= 1)
            }
            Object::Native(_) | Object::Bound(_) => true,
            _ => false,
        },
        _ => false,
    };
    if !ok {
        return Err(vm.type_error("Fiber() needs a function that takes 0 or 1 arguments".into()));
    }
    Ok(Value::Obj(
        vm.heap.alloc(Object::Fiber(Box::new(Fiber::new(f)))),
    ))
}

fn fiber_mut(vm: &mut Vm, r: ObjRef) -> Option<&mut Fiber> {
    match vm.heap.get_mut(r) {
        Object::Fiber(f) => Some(f),
        _ => None,
    }
}

/// `fiber.resume(v)`.
pub fn resume(vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc> {
    let Value::Obj(r) = receiver else {
        return Err(vm.type_error("resume() needs a Fiber".into()));
    };
    let arg = args.first().copied().unwrap_or(Value::Nil);
    let (state, function, pending_at) = match vm.heap.get(r) {
        Object::Fiber(f) => (f.state, f.function, f.pending_at),
        _ => return Err(vm.type_error("resume() needs a Fiber".into())),
    };
    match state {
        FiberState::Done => {
            return Err(vm.error_of("ValueError", "cannot resume a finished fiber".into()))
        }
        FiberState::Running => {
            return Err(vm.error_of("ValueError", "fiber is already running".into()))
        }
        FiberState::New | FiberState::Suspended => {}
    }
    if vm.native_depth >= crate::interp::MAX_NATIVE_DEPTH {
        return Err(vm.error_of("StackOverflowError", "fibers nested too deeply".into()));
    }
    // Swap the fiber's stacks in.
    let (stack, frames) = match fiber_mut(vm, r) {
        Some(f) => {
            f.state = FiberState::Running;
            (std::mem::take(&mut f.stack), std::mem::take(&mut f.frames))
        }
        None => (Vec::new(), Vec::new()),
    };
    let saved_stack = std::mem::replace(&mut vm.stack, stack);
    let saved_frames = std::mem::replace(&mut vm.frames, frames);
    let saved_fiber = vm.fiber.replace(r);
    // Keep the resumer's values alive while the fiber runs.
    vm.temp_roots.extend_from_slice(&saved_stack);
    vm.temp_roots
        .extend(saved_frames.iter().map(|f| Value::Obj(f.closure)));
    let roots_mark = vm.temp_roots.len() - saved_stack.len() - saved_frames.len();
    vm.native_depth += 1;
    let depth = vm.native_depth;
    if let Some(f) = fiber_mut(vm, r) {
        f.native_depth = depth;
    }
    // The resumer's Rust frames hold references: pin them in place.
    let result = vm.pinned(|vm| match state {
        FiberState::New => start(vm, function, arg),
        _ => {
            vm.stack.truncate(pending_at);
            vm.stack.push(arg);
            vm.execute(1)
        }
    });
    vm.native_depth -= 1;
    let (new_state, outcome) = match result {
        Ok(v) => (FiberState::Done, Ok(v)),
        Err(Exc::Yield(v)) => (FiberState::Suspended, Ok(v)),
        Err(e) => (FiberState::Done, Err(e)),
    };
    let stack = std::mem::replace(&mut vm.stack, saved_stack);
    let frames = std::mem::replace(&mut vm.frames, saved_frames);
    vm.fiber = saved_fiber;
    vm.temp_roots.truncate(roots_mark);
    if let Some(f) = fiber_mut(vm, r) {
        f.state = new_state;
        if new_state == FiberState::Suspended {
            f.stack = stack;
            f.frames = frames;
        }
    }
    outcome
}

fn start(vm: &mut Vm, function: Value, arg: Value) -> Result<Value, Exc> {
    let takes_arg = match function {
        Value::Obj(f) => match vm.heap.get(f) {
            Object::Closure(c) => vm.protos[c.proto as usize].n_params >= 1,
            _ => true,
        },
        _ => false,
    };
    vm.stack.push(function);
    let argc = usize::from(takes_arg);
    if takes_arg {
        vm.stack.push(arg);
    }
    let pushed = vm.call_value_at(function, 0, argc)?;
    if !pushed {
        return Ok(vm.stack.pop().unwrap_or(Value::Nil));
    }
    if let Some(f) = vm.frames.first_mut() {
        f.boundary = true;
    }
    vm.execute(1)
}

/// `Fiber.yield(v)`.
pub fn yield_(vm: &mut Vm, _receiver: Value, args: &[Value]) -> Result<Value, Exc> {
    let Some(current) = vm.fiber else {
        return Err(vm.error_of("ValueError", "Fiber.yield called outside a fiber".into()));
    };
    let at = vm.stack.len() - args.len() - 1;
    let depth = vm.native_depth;
    match fiber_mut(vm, current) {
        Some(f) if f.native_depth == depth => f.pending_at = at,
        _ => {
            return Err(vm.type_error("cannot yield from inside a native callback".into()));
        }
    }
    Err(Exc::Yield(args.first().copied().unwrap_or(Value::Nil)))
}

/// One step of `for x in fiber`: the next yielded value, or `None` once the
/// fiber finishes (its return value is not an iteration).
pub fn next_for_loop(vm: &mut Vm, fiber: ObjRef) -> Result<Option<Value>, Exc> {
    let done =
        |vm: &Vm| matches!(vm.heap.get(fiber), Object::Fiber(f) if f.state == FiberState::Done);
    if done(vm) {
        return Ok(None);
    }
    let v = resume(vm, Value::Obj(fiber), &[])?;
    Ok(if done(vm) { None } else { Some(v) })
}
