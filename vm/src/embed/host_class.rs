//! Host objects: a Rust type exposed to Cairn as a class.
//!
//! A [`ClassBuilder`] names the class and gives its constructor, methods
//! (closures taking `&mut T` first), and property getters and setters
//! (`obj.x`, `obj.x = v`). Registering it makes a Cairn class whose
//! instances hold a `T` in the heap: the collector owns them, and `T`'s
//! `Drop` runs when an unreachable one is collected.

use std::any::{Any, TypeId};
use std::fmt::Display;
use std::marker::PhantomData;
use std::sync::Arc;

use super::host_fn::{arg, bind_callable, check_count, HostCallable, HostReturn};
use super::{Error, FromValue, IntoValue};
use crate::interp::{Exc, Vm};
use crate::object::{Builtin, ClassObj, HostObj, Object};
use crate::symbol::SymMap;
use crate::value::{ObjRef, Value};

/// The symbol a property getter is stored under in its class's methods.
pub(crate) fn getter_name(field: &str) -> String {
    format!("get {field}")
}

/// The symbol a property setter is stored under.
pub(crate) fn setter_name(field: &str) -> String {
    format!("set {field}")
}

/// What a constructor may return: the Rust value, or a `Result` of it whose
/// error becomes a Cairn exception.
///
/// ```
/// use cairn_vm::embed::{ClassBuilder, Config, Exception, Runtime};
/// struct Age(u8);
/// let mut rt = Runtime::new(Config::default());
/// let class = rt.register_class(ClassBuilder::<Age>::new("Age").constructor(|n: i64| {
///     u8::try_from(n).map(Age).map_err(|_| Exception::new("ValueError", "not an age"))
/// }));
/// assert!(rt.call_function::<cairn_vm::embed::Handle>(&class, (30,)).is_ok());
/// let e = rt.call_function::<cairn_vm::embed::Handle>(&class, (-1,)).unwrap_err();
/// assert_eq!(e.class(), "ValueError");
/// ```
pub trait IntoHostObject<T> {
    /// The value, or the exception.
    ///
    /// # Errors
    /// The error to raise.
    fn into_host_object(self, vm: &mut Vm) -> Result<T, Exc>;
}

impl<T: Any + Send> IntoHostObject<T> for T {
    fn into_host_object(self, _: &mut Vm) -> Result<T, Exc> {
        Ok(self)
    }
}

impl<T: Any + Send, E: Display + 'static> IntoHostObject<T> for Result<T, E> {
    fn into_host_object(self, vm: &mut Vm) -> Result<T, Exc> {
        match self {
            Ok(t) => Ok(t),
            Err(e) => Err(Err::<(), E>(e).into_result(vm).unwrap_err()),
        }
    }
}

/// A closure that constructs a `T`: `Fn(A1, ..., An) -> T` (or `->
/// Result<T, E>`), up to 8 parameters.
///
/// ```
/// use cairn_vm::embed::{ClassBuilder, Config, Runtime};
/// struct Rgb(u8, u8, u8);
/// let mut rt = Runtime::new(Config::default());
/// let class = rt.register_class(
///     ClassBuilder::<Rgb>::new("Rgb").constructor(|r: u8, g: u8, b: u8| Rgb(r, g, b)),
/// );
/// let e = rt.call_function::<cairn_vm::embed::Handle>(&class, (1, 2, 300)).unwrap_err();
/// assert_eq!(e.message(), "Rgb(): argument 3: 300 is out of range for u8");
/// ```
pub trait HostConstructor<T, Marker>: Send + Sync + 'static {
    #[doc(hidden)]
    fn erase(self, name: &'static str) -> Arc<dyn HostCallable>;
}

/// A closure that is a method of `T`: `Fn(&mut T, A1, ..., An) -> R`, up to
/// 8 parameters after the receiver.
///
/// ```
/// use cairn_vm::embed::{ClassBuilder, Config, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// rt.register_class(ClassBuilder::<Vec<String>>::new("Names")
///     .method("add", |v: &mut Vec<String>, name: String| v.push(name))
///     .method("count", |v: &mut Vec<String>| v.len()));
/// let names = rt.create_object(Vec::<String>::new()).unwrap();
/// rt.call_method::<()>(&names, "add", ("ada",)).unwrap();
/// assert_eq!(rt.call_method::<usize>(&names, "count", ()).unwrap(), 1);
/// ```
pub trait HostMethod<T, Marker>: Send + Sync + 'static {
    #[doc(hidden)]
    fn erase(self, name: &'static str) -> Arc<dyn HostCallable>;
}

/// Wraps `value` as a host object of its registered class.
pub(crate) fn wrap<T: Any + Send>(vm: &mut Vm, value: T) -> Result<Value, Error> {
    let Some(&class) = vm.embed.classes.get(&TypeId::of::<T>()) else {
        return Err(Error::misuse(format!(
            "{} was never registered as a class",
            std::any::type_name::<T>()
        )));
    };
    let size = std::mem::size_of::<T>();
    let obj = vm.heap.alloc(Object::Host(Box::new(HostObj {
        class,
        data: Box::new(value),
        size,
    })));
    Ok(Value::Obj(obj))
}

/// Runs `f` on the `T` inside a host object, or raises `TypeError`.
fn with_receiver<T: Any + Send, R>(
    vm: &mut Vm,
    name: &str,
    receiver: Value,
    f: impl FnOnce(&mut T) -> R,
) -> Result<R, Exc> {
    if let Value::Obj(r) = receiver {
        if let Object::Host(h) = vm.heap.get(r) {
            if h.data.is::<T>() {
                if let Object::Host(h) = vm.heap.get_mut(r) {
                    if let Some(t) = h.data.downcast_mut::<T>() {
                        return Ok(f(t));
                    }
                }
            }
        }
    }
    let class = vm.class_name_of(receiver);
    Err(vm.type_error(format!("{name}() called on a {class}")))
}

/// Borrows the `T` inside a host object, for [`Runtime::with_object`](super::Runtime::with_object).
pub(crate) fn borrow<T: Any + Send, R>(
    vm: &mut Vm,
    v: Value,
    f: impl FnOnce(&mut T) -> R,
) -> Result<R, Error> {
    if let Value::Obj(r) = v {
        if let Object::Host(h) = vm.heap.get_mut(r) {
            if let Some(t) = h.data.downcast_mut::<T>() {
                return Ok(f(t));
            }
        }
    }
    Err(super::convert::mismatch(vm, std::any::type_name::<T>(), v))
}

struct Ctor<F, T, M> {
    f: F,
    name: &'static str,
    _marker: PhantomData<fn() -> (T, M)>,
}

struct Method<F, T, M> {
    f: F,
    name: &'static str,
    _marker: PhantomData<fn() -> (T, M)>,
}

macro_rules! host_class_fns {
    ($n:literal: $($a:ident $i:tt),*) => {
        impl<F, T, O, $($a,)*> HostCallable for Ctor<F, T, fn($($a,)*) -> O>
        where
            F: Fn($($a),*) -> O + Send + Sync + 'static,
            O: IntoHostObject<T>,
            T: Any + Send,
            $($a: FromValue,)*
        {
            fn name(&self) -> &'static str {
                self.name
            }

            #[allow(unused_variables, non_snake_case)]
            fn call(&self, vm: &mut Vm, _receiver: Value, args: &[Value]) -> Result<Value, Exc> {
                check_count(vm, self.name, args, $n)?;
                $(let $a = arg::<$a>(vm, self.name, args, $i)?;)*
                let value = (self.f)($($a),*).into_host_object(vm)?;
                wrap(vm, value).map_err(|e| super::host_fn::raise(vm, &e))
            }
        }

        impl<F, T, O, $($a,)*> HostConstructor<T, fn($($a,)*) -> O> for F
        where
            F: Fn($($a),*) -> O + Send + Sync + 'static,
            O: IntoHostObject<T> + 'static,
            T: Any + Send,
            $($a: FromValue + 'static,)*
        {
            fn erase(self, name: &'static str) -> Arc<dyn HostCallable> {
                Arc::new(Ctor::<F, T, fn($($a,)*) -> O> { f: self, name, _marker: PhantomData })
            }
        }

        impl<F, T, R, $($a,)*> HostCallable for Method<F, T, fn($($a,)*) -> R>
        where
            F: Fn(&mut T, $($a),*) -> R + Send + Sync + 'static,
            R: HostReturn,
            T: Any + Send,
            $($a: FromValue,)*
        {
            fn name(&self) -> &'static str {
                self.name
            }

            #[allow(unused_variables, non_snake_case)]
            fn call(&self, vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc> {
                check_count(vm, self.name, args, $n)?;
                $(let $a = arg::<$a>(vm, self.name, args, $i)?;)*
                // Arguments are converted before the object is borrowed.
                let result = with_receiver(vm, self.name, receiver, |t: &mut T| (self.f)(t, $($a),*))?;
                result.into_result(vm)
            }
        }

        impl<F, T, R, $($a,)*> HostMethod<T, fn($($a,)*) -> R> for F
        where
            F: Fn(&mut T, $($a),*) -> R + Send + Sync + 'static,
            R: HostReturn + 'static,
            T: Any + Send,
            $($a: FromValue + 'static,)*
        {
            fn erase(self, name: &'static str) -> Arc<dyn HostCallable> {
                Arc::new(Method::<F, T, fn($($a,)*) -> R> { f: self, name, _marker: PhantomData })
            }
        }
    };
}

host_class_fns!(0:);
host_class_fns!(1: A 0);
host_class_fns!(2: A 0, B 1);
host_class_fns!(3: A 0, B 1, C 2);
host_class_fns!(4: A 0, B 1, C 2, D 3);
host_class_fns!(5: A 0, B 1, C 2, D 3, E 4);
host_class_fns!(6: A 0, B 1, C 2, D 3, E 4, G 5);
host_class_fns!(7: A 0, B 1, C 2, D 3, E 4, G 5, H 6);
host_class_fns!(8: A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7);

/// A getter: `obj.field` reads through it.
struct Getter<F, T, R> {
    f: F,
    name: &'static str,
    _marker: PhantomData<fn() -> (T, R)>,
}

impl<F, T, R> HostCallable for Getter<F, T, R>
where
    F: Fn(&T) -> R + Send + Sync + 'static,
    T: Any + Send,
    R: IntoValue,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn call(&self, vm: &mut Vm, receiver: Value, _: &[Value]) -> Result<Value, Exc> {
        let r = with_receiver(vm, self.name, receiver, |t: &mut T| (self.f)(t))?;
        r.into_result(vm)
    }
}

/// A setter: `obj.field = v` writes through it.
struct Setter<F, T, A> {
    f: F,
    name: &'static str,
    field: &'static str,
    _marker: PhantomData<fn() -> (T, A)>,
}

impl<F, T, A> HostCallable for Setter<F, T, A>
where
    F: Fn(&mut T, A) + Send + Sync + 'static,
    T: Any + Send,
    A: FromValue,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn call(&self, vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc> {
        let v = args.first().copied().unwrap_or(Value::Nil);
        let a = A::from_value(v, vm).map_err(|e| {
            let message = format!(
                "field '{}' of {}: {}",
                self.field,
                vm.class_name_of(receiver),
                e.message()
            );
            vm.type_error(message)
        })?;
        with_receiver(vm, self.name, receiver, |t: &mut T| (self.f)(t, a))?;
        Ok(Value::Nil)
    }
}

/// Describes a Rust type as a Cairn class, registered with
/// [`Runtime::register_class`](crate::embed::Runtime::register_class): a
/// constructor, methods taking `&mut T`, and property getters and setters.
/// The heap owns the objects and drops each `T` when it is collected.
///
/// ```
/// use cairn_vm::embed::{ClassBuilder, Config, Runtime};
/// struct Counter { n: i64 }
/// let mut rt = Runtime::new(Config::default());
/// let class = rt.register_class(
///     ClassBuilder::<Counter>::new("Counter")
///         .constructor(|start: i64| Counter { n: start })
///         .method("bump", |c: &mut Counter, by: i64| { c.n += by; c.n })
///         .getter("n", |c: &Counter| c.n)
///         .setter("n", |c: &mut Counter, v: i64| c.n = v),
/// );
/// let counter: cairn_vm::embed::Handle = rt.call_function(&class, (10,)).unwrap();
/// assert_eq!(rt.call_method::<i64>(&counter, "bump", (5,)).unwrap(), 15);
/// assert_eq!(rt.with_object(&counter, |c: &mut Counter| c.n).unwrap(), 15);
/// ```
pub struct ClassBuilder<T> {
    name: String,
    constructor: Option<Arc<dyn HostCallable>>,
    members: Vec<(String, Arc<dyn HostCallable>)>,
    _marker: PhantomData<fn() -> T>,
}

impl<T: Any + Send> ClassBuilder<T> {
    /// A class named `name`, with no constructor or members yet.
    pub fn new(name: &str) -> Self {
        ClassBuilder {
            name: name.to_string(),
            constructor: None,
            members: Vec::new(),
            _marker: PhantomData,
        }
    }

    /// What calling the class does: converts the arguments and builds the
    /// `T`. Without one, Cairn code cannot construct the class (Rust can,
    /// with [`Runtime::create_object`](super::Runtime::create_object)).
    #[must_use]
    pub fn constructor<M>(mut self, f: impl HostConstructor<T, M>) -> Self {
        let name = crate::host::static_name(&self.name);
        self.constructor = Some(f.erase(name));
        self
    }

    /// Adds method `name`; its closure gets the object as `&mut T` first.
    #[must_use]
    pub fn method<M>(mut self, name: &str, f: impl HostMethod<T, M>) -> Self {
        let full = crate::host::static_name(&format!("{}.{name}", self.name));
        self.members.push((name.to_string(), f.erase(full)));
        self
    }

    /// Adds a property read as `obj.name`.
    #[must_use]
    pub fn getter<R: IntoValue + 'static>(
        mut self,
        name: &str,
        f: impl Fn(&T) -> R + Send + Sync + 'static,
    ) -> Self {
        let full = crate::host::static_name(&format!("{}.{name}", self.name));
        let g: Getter<_, T, R> = Getter {
            f,
            name: full,
            _marker: PhantomData,
        };
        self.members.push((getter_name(name), Arc::new(g)));
        self
    }

    /// Adds a property written as `obj.name = v`; `v` converts to `A` (a
    /// failure raises `TypeError` naming the field).
    #[must_use]
    pub fn setter<A: FromValue + 'static>(
        mut self,
        name: &str,
        f: impl Fn(&mut T, A) + Send + Sync + 'static,
    ) -> Self {
        let full = crate::host::static_name(&format!("{}.{name}", self.name));
        let s: Setter<_, T, A> = Setter {
            f,
            name: full,
            field: crate::host::static_name(name),
            _marker: PhantomData,
        };
        self.members.push((setter_name(name), Arc::new(s)));
        self
    }

    /// The class's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Makes the class object in `vm` and records it as `T`'s class.
    pub(crate) fn build(self, vm: &mut Vm) -> ObjRef {
        let object = vm.class("Object");
        let mut methods = match vm.heap.get(object) {
            Object::Class(c) => c.methods.clone(),
            _ => SymMap::default(),
        };
        for (name, callable) in self.members {
            let v = bind_callable(vm, callable);
            let sym = vm.intern(&name);
            methods.insert(sym, v);
        }
        if let Some(ctor) = self.constructor {
            let v = bind_callable(vm, ctor);
            methods.insert(vm.sym_init, v);
        }
        let class = ClassObj {
            name: self.name.into(),
            superclass: Some(object),
            fields: Vec::new(),
            field_index: std::collections::HashMap::default(),
            methods,
            statics: SymMap::default(),
            static_methods: SymMap::default(),
            field_inits: Vec::new(),
            builtin: Some(Builtin::Host),
            module: None,
            eq_kind: std::cell::Cell::new(0),
        };
        let r = vm.heap.alloc(Object::Class(Box::new(class)));
        vm.embed.classes.insert(TypeId::of::<T>(), r);
        r
    }
}

/// `construct` for a host class: its constructor, if it has one.
pub(crate) fn construct(vm: &mut Vm, class: ObjRef, at: usize) -> Result<bool, Exc> {
    let init = match vm.heap.get(class) {
        Object::Class(c) => c.methods.get(&vm.sym_init).copied(),
        _ => None,
    };
    let (Some(Value::Obj(m)), Object::Class(c)) = (init, vm.heap.get(class)) else {
        let msg = format!("cannot construct {} from Cairn", vm.class_name(class));
        return Err(vm.type_error(msg));
    };
    let _ = c;
    let (func, data) = match vm.heap.get(m) {
        Object::Native(n) => (n.func, n.data),
        _ => {
            let msg = format!("cannot construct {} from Cairn", vm.class_name(class));
            return Err(vm.type_error(msg));
        }
    };
    vm.native_data = data;
    vm.call_native(func, Value::Nil, at)?;
    Ok(false)
}

/// `obj.name` on a host object: its getter, if it has one.
pub(crate) fn get_property(
    vm: &mut Vm,
    obj: Value,
    class: ObjRef,
    name: &str,
) -> Option<Result<Value, Exc>> {
    let sym = vm.symbols.lookup(&getter_name(name))?;
    let getter = vm.find_method(class, sym)?;
    Some(vm.call_method_value(getter, obj, &[]))
}

/// `obj.name = v` on a host object: its setter, or an error saying the
/// property is read-only or missing.
pub(crate) fn set_property(
    vm: &mut Vm,
    obj: Value,
    class: ObjRef,
    name: &str,
    v: Value,
) -> Result<(), Exc> {
    let setter = vm
        .symbols
        .lookup(&setter_name(name))
        .and_then(|sym| vm.find_method(class, sym));
    if let Some(setter) = setter {
        return vm.call_method_value(setter, obj, &[v]).map(|_| ());
    }
    let class_name = vm.class_name(class);
    let readable = vm
        .symbols
        .lookup(&getter_name(name))
        .and_then(|sym| vm.find_method(class, sym))
        .is_some();
    if readable {
        return Err(vm.type_error(format!("field '{name}' of {class_name} is read-only")));
    }
    Err(vm.error_of(
        "AttributeError",
        format!("{class_name} has no field '{name}'"),
    ))
}
