//! Rust closures as Cairn functions.
//!
//! A closure `Fn(A1, ..., An) -> R` (up to 10 parameters), or
//! `Fn(&mut Caller, A1, ..., An) -> R` when it needs the VM, becomes a Cairn
//! function. Each argument converts with [`FromValue`]; a failure raises
//! `TypeError` naming the function and the argument's position. The result
//! converts with [`IntoValue`]; a closure returning `Result` raises its
//! error as a Cairn exception ([`Exception`] picks the class). A panic is
//! caught and raised as `Error`, and the VM stays usable.

use std::any::Any;
use std::fmt::Display;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use super::{Error, ErrorKind, Exception, FromValue, Function, IntoArgs, IntoValue};
use crate::interp::{Exc, Vm};
use crate::object::{NativeObj, Object};
use crate::value::Value;

/// A bound host function, type-erased.
#[doc(hidden)]
pub trait HostCallable: Send + Sync {
    /// The name messages and tracebacks give it.
    fn name(&self) -> &'static str;
    fn call(&self, vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc>;
}

/// What a host closure may return: any [`IntoValue`], or a `Result` of one
/// whose error becomes a Cairn exception.
///
/// ```
/// use cairn_vm::embed::{Config, Exception, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// let sqrt = rt.create_function("sqrt", |x: f64| {
///     if x < 0.0 { Err(Exception::new("ValueError", "negative")) } else { Ok(x.sqrt()) }
/// });
/// assert_eq!(rt.call_function::<f64>(&sqrt, (4,)).unwrap(), 2.0);
/// assert_eq!(rt.call_function::<f64>(&sqrt, (-1,)).unwrap_err().class(), "ValueError");
/// ```
pub trait HostReturn {
    /// The value, or the exception to raise.
    ///
    /// # Errors
    /// The exception, as a Cairn outcome.
    fn into_result(self, vm: &mut Vm) -> Result<Value, Exc>;
}

impl<T: IntoValue> HostReturn for T {
    #[inline]
    fn into_result(self, vm: &mut Vm) -> Result<Value, Exc> {
        self.into_value(vm).map_err(|e| raise(vm, &e))
    }
}

impl<T: IntoValue, E: Display + 'static> HostReturn for Result<T, E> {
    #[inline]
    fn into_result(self, vm: &mut Vm) -> Result<Value, Exc> {
        match self {
            Ok(v) => v.into_value(vm).map_err(|e| raise(vm, &e)),
            Err(e) => {
                let any: &dyn Any = &e;
                if let Some(exception) = any.downcast_ref::<Exception>() {
                    Err(raise_class(vm, &exception.class, exception.message.clone()))
                } else if let Some(error) = any.downcast_ref::<Error>() {
                    Err(raise(vm, error))
                } else {
                    Err(vm.error_of("Error", e.to_string()))
                }
            }
        }
    }
}

/// An embedding error as the Cairn outcome that carries it on: a stop
/// (fuel, interrupt, exit) stays a stop; anything else is raised as an
/// exception of its class.
pub(crate) fn raise(vm: &mut Vm, e: &Error) -> Exc {
    match e.kind() {
        ErrorKind::OutOfFuel => Exc::OutOfFuel,
        ErrorKind::Interrupted => Exc::Interrupt,
        ErrorKind::Exit(code) => Exc::Exit(code),
        _ => raise_class(vm, e.class(), e.message().to_string()),
    }
}

/// An exception of the built-in class named `class`, or `Error` when no
/// such class exists.
fn raise_class(vm: &mut Vm, class: &str, message: String) -> Exc {
    let known = vm.classes.contains_key(class) && is_error_class(vm, class);
    vm.error_of(if known { class } else { "Error" }, message)
}

fn is_error_class(vm: &Vm, class: &str) -> bool {
    let (Some(&c), Some(&error)) = (vm.classes.get(class), vm.classes.get("Error")) else {
        return false;
    };
    vm.is_subclass(c, error)
}

/// A host closure's window on the VM that called it: to call Cairn
/// functions back, convert values, or reach the VM itself.
///
/// ```
/// use cairn_vm::embed::{Caller, Config, Function, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// // apply(f, x) calls the Cairn function f from Rust.
/// let apply = rt.create_function("apply", |c: &mut Caller, f: Function, x: i64| {
///     c.call::<i64>(&f, (x,))
/// });
/// let inc = rt.create_function("inc", |x: i64| x + 1);
/// assert_eq!(rt.call_function::<i64>(&apply, (&inc, 41)).unwrap(), 42);
/// ```
pub struct Caller<'a> {
    vm: &'a mut Vm,
    receiver: Value,
}

impl Caller<'_> {
    /// The VM.
    pub fn vm(&mut self) -> &mut Vm {
        self.vm
    }

    /// The receiver of a host method (the host object); nil for a function.
    pub fn receiver(&self) -> Value {
        self.receiver
    }

    /// Calls a Cairn function (or anything callable) and converts its
    /// result. The call runs in a nested loop of the same VM, under the same
    /// limits.
    ///
    /// # Errors
    /// The error that escaped the call, or a failed conversion. Returning
    /// it from the host closure carries it on to the script: a stop (fuel,
    /// interrupt) stays a stop.
    pub fn call<R: FromValue>(&mut self, f: &Function, args: impl IntoArgs) -> Result<R, Error> {
        let callee = f.handle().value(self.vm)?;
        let args = args.into_args(self.vm)?;
        let result = self.vm.call_function(callee, &args);
        let v = match result {
            Ok(v) => v,
            Err(exc) => return Err(super::runtime::error_of_exc(self.vm, exc)),
        };
        R::from_value(v, self.vm)
    }

    /// Converts a Rust value into a Cairn one in this VM.
    ///
    /// # Errors
    /// The value has no Cairn equivalent.
    pub fn value<T: IntoValue>(&mut self, v: T) -> Result<Value, Error> {
        v.into_value(self.vm)
    }
}

/// A Rust closure that can become a Cairn function. Implemented for
/// closures of up to 10 parameters that convert with [`FromValue`],
/// optionally taking a [`Caller`] first. `Marker` only tells the
/// implementations apart.
///
/// ```
/// use cairn_vm::embed::{Caller, Config, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// let none = rt.create_function("none", || 1);
/// let eight = rt.create_function("eight", |a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64| {
///     a + b + c + d + e + f + g + h
/// });
/// let with_vm = rt.create_function("depth", |c: &mut Caller| c.vm().frames.len());
/// assert_eq!(rt.call_function::<i64>(&eight, (1, 1, 1, 1, 1, 1, 1, 1)).unwrap(), 8);
/// assert_eq!(rt.call_function::<i64>(&none, ()).unwrap(), 1);
/// assert_eq!(rt.call_function::<usize>(&with_vm, ()).unwrap(), 0);
/// ```
pub trait HostFunction<Marker>: Send + Sync + 'static {
    #[doc(hidden)]
    fn erase(self, name: &'static str) -> Arc<dyn HostCallable>;
}

/// Converts argument `i` of `name`, or raises `TypeError` naming it.
#[inline]
pub(crate) fn arg<T: FromValue>(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    i: usize,
) -> Result<T, Exc> {
    let v = args.get(i).copied().unwrap_or(Value::Nil);
    match T::from_value(v, vm) {
        Ok(t) => Ok(t),
        Err(e) => Err(arg_error(vm, name, args.len(), i, &e)),
    }
}

/// The `TypeError` of argument `i` that did not convert.
#[cold]
#[inline(never)]
fn arg_error(vm: &mut Vm, name: &str, argc: usize, i: usize, e: &Error) -> Exc {
    let message = if argc <= i {
        format!("{name}(): missing argument {} ({})", i + 1, e.message())
    } else {
        format!("{name}(): argument {}: {}", i + 1, e.message())
    };
    vm.type_error(message)
}

/// Raises `TypeError` when more arguments came than the closure takes.
#[inline]
pub(crate) fn check_count(vm: &mut Vm, name: &str, args: &[Value], n: usize) -> Result<(), Exc> {
    if args.len() > n {
        return Err(count_error(vm, name, args.len(), n));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn count_error(vm: &mut Vm, name: &str, argc: usize, n: usize) -> Exc {
    let s = if n == 1 { "" } else { "s" };
    vm.type_error(format!(
        "{name}() takes {n} argument{s} but {argc} were given"
    ))
}

struct Plain<F, M> {
    f: F,
    name: &'static str,
    _marker: PhantomData<fn() -> M>,
}

struct WithCaller<F, M> {
    f: F,
    name: &'static str,
    _marker: PhantomData<fn() -> M>,
}

/// Marks closures that take a [`Caller`] first.
#[doc(hidden)]
pub struct CallerFirst<M>(PhantomData<M>);

macro_rules! host_functions {
    ($n:literal: $($a:ident $i:tt),*) => {
        impl<F, R, $($a,)*> HostCallable for Plain<F, fn($($a,)*) -> R>
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: HostReturn,
            $($a: FromValue,)*
        {
            fn name(&self) -> &'static str {
                self.name
            }

            #[allow(unused_variables, non_snake_case)]
            fn call(&self, vm: &mut Vm, _receiver: Value, args: &[Value]) -> Result<Value, Exc> {
                check_count(vm, self.name, args, $n)?;
                $(let $a = arg::<$a>(vm, self.name, args, $i)?;)*
                (self.f)($($a),*).into_result(vm)
            }
        }

        impl<F, R, $($a,)*> HostFunction<fn($($a,)*) -> R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: HostReturn + 'static,
            $($a: FromValue + 'static,)*
        {
            fn erase(self, name: &'static str) -> Arc<dyn HostCallable> {
                Arc::new(Plain::<F, fn($($a,)*) -> R> { f: self, name, _marker: PhantomData })
            }
        }

        impl<F, R, $($a,)*> HostCallable for WithCaller<F, fn($($a,)*) -> R>
        where
            F: for<'c> Fn(&mut Caller<'c>, $($a),*) -> R + Send + Sync + 'static,
            R: HostReturn,
            $($a: FromValue,)*
        {
            fn name(&self) -> &'static str {
                self.name
            }

            #[allow(unused_variables, non_snake_case)]
            fn call(&self, vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc> {
                check_count(vm, self.name, args, $n)?;
                $(let $a = arg::<$a>(vm, self.name, args, $i)?;)*
                // The closure's Rust locals may hold Values across calls
                // back into Cairn: keep the nursery where it is until it
                // returns (or panics: the pin is released before the
                // panic goes on to `call_bound`).
                let pin = vm.heap.pin();
                let result = catch_unwind(AssertUnwindSafe(|| {
                    (self.f)(&mut Caller { vm: &mut *vm, receiver }, $($a),*)
                }));
                vm.heap.unpin(pin);
                match result {
                    Ok(result) => result.into_result(vm),
                    Err(payload) => std::panic::resume_unwind(payload),
                }
            }
        }

        impl<F, R, $($a,)*> HostFunction<CallerFirst<fn($($a,)*) -> R>> for F
        where
            F: for<'c> Fn(&mut Caller<'c>, $($a),*) -> R + Send + Sync + 'static,
            R: HostReturn + 'static,
            $($a: FromValue + 'static,)*
        {
            fn erase(self, name: &'static str) -> Arc<dyn HostCallable> {
                Arc::new(WithCaller::<F, fn($($a,)*) -> R> { f: self, name, _marker: PhantomData })
            }
        }
    };
}

host_functions!(0:);
host_functions!(1: A 0);
host_functions!(2: A 0, B 1);
host_functions!(3: A 0, B 1, C 2);
host_functions!(4: A 0, B 1, C 2, D 3);
host_functions!(5: A 0, B 1, C 2, D 3, E 4);
host_functions!(6: A 0, B 1, C 2, D 3, E 4, G 5);
host_functions!(7: A 0, B 1, C 2, D 3, E 4, G 5, H 6);
host_functions!(8: A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7);
host_functions!(9: A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8);
host_functions!(10: A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7, J 8, K 9);

/// Binds `f` in `vm` and makes the Cairn function value for it, named
/// `name` in messages and tracebacks.
pub(crate) fn bind<M>(vm: &mut Vm, name: &str, f: impl HostFunction<M>) -> Value {
    let name = crate::host::static_name(name);
    bind_callable(vm, f.erase(name))
}

/// Makes the Cairn function value for a type-erased host closure.
pub(crate) fn bind_callable(vm: &mut Vm, callable: Arc<dyn HostCallable>) -> Value {
    let name = callable.name();
    let index = u32::try_from(vm.embed.functions.len()).unwrap_or(u32::MAX);
    vm.embed.idle.push(Some(Arc::clone(&callable)));
    vm.embed.functions.push(callable);
    Value::Obj(vm.heap.alloc(Object::Native(Box::new(NativeObj {
        name,
        func: call_bound,
        receiver: Value::Nil,
        data: index,
        float_fn: None,
    }))))
}

/// The native behind every bound host closure: finds the closure by the
/// native's data, runs it, and turns a panic into a Cairn `Error` after
/// putting the VM back as it was when the closure started.
fn call_bound(vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc> {
    let index = vm.native_data as usize;
    let taken = vm.embed.idle.get_mut(index).and_then(Option::take);
    let Some(f) = taken.or_else(|| vm.embed.functions.get(index).cloned()) else {
        return Err(vm.type_error("not a host function".to_string()));
    };
    let outcome = run_bound(vm, &f, receiver, args);
    // Back in its slot, unless a nested call put it back first (or the
    // closure swapped in another VM, whose slot holds its own).
    if let Some(slot @ None) = vm.embed.idle.get_mut(index) {
        if vm
            .embed
            .functions
            .get(index)
            .is_some_and(|g| Arc::ptr_eq(g, &f))
        {
            *slot = Some(f);
        }
    }
    outcome
}

/// Runs a host closure, turning a panic into a Cairn `Error` after putting
/// the VM back as it was when the closure started.
fn run_bound(
    vm: &mut Vm,
    f: &Arc<dyn HostCallable>,
    receiver: Value,
    args: &[Value],
) -> Result<Value, Exc> {
    let (frames, stack, depth, roots) = (
        vm.frames.len(),
        vm.stack.len(),
        vm.native_depth,
        vm.temp_roots.len(),
    );
    let outcome = catch_unwind(AssertUnwindSafe(|| f.call(vm, receiver, args)));
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            vm.frames.truncate(frames);
            vm.stack.truncate(stack);
            vm.native_depth = depth;
            vm.temp_roots.truncate(roots);
            let why = panic_message(payload.as_ref());
            let name = f.name();
            Err(vm.error_of("Error", format!("host function {name}() panicked: {why}")))
        }
    }
}

/// The text a panic carried, when it was a string.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}
