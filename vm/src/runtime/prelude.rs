//! The prelude: built-in classes, the functions every module sees, and the
//! registration of built-in methods (in `strings`, `lists`, `maps`,
//! `numbers`, `math`).

use crate::interp::{Exc, NativeFn, Vm};
use crate::isa::BUILTINS;
use crate::object::{Builtin, NativeObj, Object, StrObj};
use crate::runtime::format;
use crate::value::{ObjRef, Value};

/// A native value (function or method).
pub fn native(vm: &mut Vm, name: &'static str, func: NativeFn) -> Value {
    Value::Obj(vm.heap.alloc(Object::Native(Box::new(NativeObj {
        name,
        func,
        receiver: Value::Nil,
        data: 0,
        float_fn: None,
    }))))
}

/// Adds a native instance method to a built-in class.
pub fn method(vm: &mut Vm, class: &str, name: &'static str, func: NativeFn) {
    let sym = vm.intern(name);
    let full = crate::host::static_name(&format!("{class}.{name}"));
    let f = native(vm, full, func);
    let c = vm.class(class);
    if let Object::Class(k) = vm.heap.get_mut(c) {
        k.methods.insert(sym, f);
    }
}

/// Adds a native static method to a built-in class.
pub fn static_method(vm: &mut Vm, class: &str, name: &'static str, func: NativeFn) {
    let sym = vm.intern(name);
    let full = crate::host::static_name(&format!("{class}.{name}"));
    let f = native(vm, full, func);
    let c = vm.class(class);
    if let Object::Class(k) = vm.heap.get_mut(c) {
        k.static_methods.insert(sym, f);
    }
}

/// Checks a native's argument count the way arity errors are worded.
pub fn arity(vm: &mut Vm, name: &str, args: &[Value], min: usize, max: usize) -> Result<(), Exc> {
    if args.len() < min || args.len() > max {
        let was = if args.len() == 1 { "was" } else { "were" };
        let expected = if min == max {
            format!("{min} argument{}", if min == 1 { "" } else { "s" })
        } else {
            format!("{min} to {max} arguments")
        };
        let msg = format!("{name}() takes {expected} but {} {was} given", args.len());
        return Err(vm.type_error(msg));
    }
    Ok(())
}

/// The `TypeError` for a built-in's argument of the wrong class (§12.1):
/// "String.split(): argument 1 must be String, not Int".
pub fn arg_type_error(vm: &mut Vm, name: &str, index: usize, want: &str, got: Value) -> Exc {
    let msg = format!(
        "{name}(): argument {} must be {want}, not {}",
        index + 1,
        vm.class_name_of(got)
    );
    vm.type_error(msg)
}

/// Argument `index` of a built-in, which must be an Int.
pub fn int_arg(vm: &mut Vm, name: &str, args: &[Value], index: usize) -> Result<i64, Exc> {
    match args[index] {
        Value::Int(i) => Ok(i),
        other => Err(arg_type_error(vm, name, index, "Int", other)),
    }
}

/// Argument `index` of a built-in, which must be a String.
pub fn str_arg(vm: &mut Vm, name: &str, args: &[Value], index: usize) -> Result<String, Exc> {
    if let Value::Obj(r) = args[index] {
        if let Some(s) = vm.str_ref(r) {
            return Ok(s.text.to_string());
        }
    }
    Err(arg_type_error(vm, name, index, "String", args[index]))
}

/// Installs the prelude into a fresh VM.
pub fn install(vm: &mut Vm) {
    let object = vm.new_builtin_class("Object", Builtin::Object, None, &[]);
    for (name, b) in [
        ("Nil", Builtin::Nil),
        ("Bool", Builtin::Bool),
        ("Int", Builtin::Int),
        ("Float", Builtin::Float),
        ("String", Builtin::String),
        ("List", Builtin::List),
        ("Map", Builtin::Map),
        ("Range", Builtin::Range),
        ("Function", Builtin::Function),
        ("Class", Builtin::Class),
        ("Fiber", Builtin::Fiber),
        ("Iterator", Builtin::Iterator),
        ("Module", Builtin::Module),
    ] {
        vm.new_builtin_class(name, b, Some(object), &[]);
    }
    method(vm, "Object", "to_string", object_to_string);
    method(vm, "Object", "hash", object_hash);
    method(vm, "Object", "==", object_eq);
    let error = vm.new_builtin_class("Error", Builtin::Error, Some(object), &["message", "stack"]);
    method(vm, "Error", "init", error_init);
    for name in &BUILTINS[18..] {
        vm.new_builtin_class(name, Builtin::Error, Some(error), &["message", "stack"]);
    }
    // Methods are copied down at class creation, so classes made above
    // don't see methods added later: re-copy Object's and Error's.
    inherit_methods(vm);
    crate::runtime::numbers::install(vm);
    crate::runtime::strings::install(vm);
    crate::runtime::lists::install(vm);
    crate::runtime::maps::install(vm);
    crate::runtime::math::install(vm);
    method(vm, "Fiber", "resume", crate::runtime::fibers::resume);
    static_method(vm, "Fiber", "yield", crate::runtime::fibers::yield_);
    method(vm, "Iterator", "next", crate::interp::iter::iterator_next);
    method(vm, "Iterator", "iter", crate::interp::iter::iterator_iter);
    let functions: [(&'static str, NativeFn); 4] = [
        ("print", print),
        ("str", str_fn),
        ("repr", repr_fn),
        ("assert", assert_fn),
    ];
    for name in BUILTINS {
        let v = match functions.iter().find(|(n, _)| n == name) {
            Some((n, f)) => native(vm, n, *f),
            None => Value::Obj(vm.class(name)),
        };
        vm.builtins.push(v);
    }
}

fn inherit_methods(vm: &mut Vm) {
    let classes: Vec<ObjRef> = vm.classes.values().copied().collect();
    for c in classes {
        let mut chain = Vec::new();
        let mut cur = Some(c);
        while let Some(k) = cur {
            chain.push(k);
            cur = match vm.heap.get(k) {
                Object::Class(x) => x.superclass,
                _ => None,
            };
        }
        let mut methods = crate::symbol::SymMap::default();
        for k in chain.iter().rev() {
            if let Object::Class(x) = vm.heap.get(*k) {
                for (s, m) in &x.methods {
                    methods.insert(*s, *m);
                }
            }
        }
        if let Object::Class(x) = vm.heap.get_mut(c) {
            x.methods = methods;
        }
    }
}

fn print(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    let mut line = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        format::write_str(vm, *a, &mut line)?;
    }
    line.push('\n');
    vm.write_stdout(line.into_bytes())?;
    Ok(Value::Nil)
}

fn str_fn(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "str", args, 1, 1)?;
    match args[0] {
        Value::Obj(r) if vm.str_ref(r).is_some() => return Ok(args[0]),
        // Short, so the heap limit need not be consulted first.
        Value::Int(i) => {
            let mut text = String::with_capacity(format::int_text_len(i));
            format::push_int(&mut text, i);
            return Ok(vm.str_value_of(StrObj::of_ascii(text.into_boxed_str())));
        }
        _ => {}
    }
    let s = format::to_str(vm, args[0])?;
    Ok(vm.str_value(s))
}

fn repr_fn(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "repr", args, 1, 1)?;
    let s = format::repr(vm, args[0])?;
    Ok(vm.str_value(s))
}

fn assert_fn(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "assert", args, 1, 2)?;
    if args[0].truthy() {
        return Ok(Value::Nil);
    }
    let message = match args.get(1) {
        Some(m) => format::to_str(vm, *m)?,
        None => "assertion failed".to_string(),
    };
    Err(vm.error_of("Error", message))
}

/// `x.to_string()` for every value (§12.3): `str(x)`, and for instances
/// `Object`'s own text.
fn object_to_string(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Object.to_string", args, 0, 0)?;
    let text = match r {
        Value::Obj(o) if matches!(vm.heap.get(o), Object::Instance(_)) => {
            format::default_instance_text(vm, r)
        }
        _ => format::to_str(vm, r)?,
    };
    Ok(vm.str_value(text))
}

/// `x.hash()` for every value (§12.3); instances hash by identity.
fn object_hash(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Object.hash", args, 0, 0)?;
    match r {
        Value::Obj(o) if matches!(vm.heap.get(o), Object::Instance(_)) => {
            Ok(Value::Int(vm.heap.identity_hash(o)))
        }
        _ => crate::runtime::keys::hash_value(vm, r).map(Value::Int),
    }
}

fn object_eq(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Object.==", args, 1, 1)?;
    Ok(Value::Bool(r == args[0]))
}

/// `Error(message = "")` and `super.init(message)` in subclasses.
fn error_init(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Error.init", args, 0, 1)?;
    let message = match args.first() {
        Some(m) => format::to_str(vm, *m)?,
        None => String::new(),
    };
    let text = vm.str_value(message);
    let sym = vm.intern("message");
    if let Value::Obj(o) = r {
        let slot = match vm.heap.get(o) {
            Object::Instance(i) => match vm.heap.get(i.class) {
                Object::Class(c) => c.field_index.get(&sym).copied(),
                _ => None,
            },
            _ => None,
        };
        if let (Some(slot), Object::Instance(i)) = (slot, vm.heap.get_mut(o)) {
            i.fields[slot as usize] = text;
        }
    }
    Ok(Value::Nil)
}

/// Calling a built-in value class: `Fiber(f)`; the rest cannot be called.
pub fn construct_builtin(vm: &mut Vm, class: ObjRef, at: usize, argc: usize) -> Result<bool, Exc> {
    let name = vm.class_name(class);
    let args: Vec<Value> = vm.stack[at + 1..].to_vec();
    let result = match name.as_str() {
        "Fiber" => {
            arity(vm, "Fiber", &args, 1, 1)?;
            crate::runtime::fibers::create(vm, args[0])?
        }
        _ => {
            let _ = argc;
            let msg = format!("cannot instantiate built-in class {name}");
            return Err(vm.type_error(msg));
        }
    };
    vm.stack.truncate(at);
    vm.stack.push(result);
    Ok(false)
}

/// `xs[a..b]` and `s[a..b]` (§5.11).
pub fn slice(vm: &mut Vm, obj: Value, range: Value) -> Result<Value, Exc> {
    let Value::Obj(g) = range else {
        return Ok(Value::Nil);
    };
    let (start, end, inclusive) = match vm.heap.get(g) {
        Object::Range(r) => (r.start, r.end, r.inclusive),
        _ => return Ok(Value::Nil),
    };
    let (is_list, len) = match obj {
        Value::Obj(o) => match vm.heap.get(o) {
            Object::List(items) => (true, items.len()),
            Object::Str(s) => (false, s.chars),
            _ => return Ok(Value::Nil),
        },
        _ => return Ok(Value::Nil),
    };
    let (a, b) = bounds(vm, start, end, inclusive, len)?;
    if is_list {
        crate::runtime::lists::slice_list(vm, obj, a, b)
    } else {
        crate::runtime::strings::slice_str(vm, obj, a, b)
    }
}

/// Slice bounds (§5.11): negative bounds count from the end, then an
/// inclusive end moves up by one; `0 <= start <= end <= len` must hold.
/// The error shows the range as written.
pub fn bounds(
    vm: &mut Vm,
    start: i64,
    end: i64,
    inclusive: bool,
    len: usize,
) -> Result<(usize, usize), Exc> {
    let n = len as i128;
    let adjust = |i: i64| {
        if i < 0 {
            i128::from(i) + n
        } else {
            i128::from(i)
        }
    };
    let a = adjust(start);
    let b = adjust(end) + i128::from(inclusive);
    if a < 0 || b < a || b > n {
        let op = if inclusive { "..=" } else { ".." };
        let msg = format!("slice {start}{op}{end} out of range for length {len}");
        return Err(vm.error_of("IndexError", msg));
    }
    Ok((a as usize, b as usize))
}
