//! The `math` module.

use super::prelude::{arity, native};
use crate::interp::{Exc, NativeFn, Vm};
use crate::object::{ModuleObj, Object};
use crate::value::Value;

pub fn install(vm: &mut Vm) {
    let mut members = crate::symbol::SymMap::default();
    for (name, v) in [
        ("pi", std::f64::consts::PI),
        ("e", std::f64::consts::E),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        members.insert(vm.intern(name), Value::Float(v));
    }
    let functions: [(&'static str, NativeFn); 18] = [
        ("sqrt", sqrt),
        ("sin", sin),
        ("cos", cos),
        ("tan", tan),
        ("asin", asin),
        ("acos", acos),
        ("atan", atan),
        ("atan2", atan2),
        ("exp", exp),
        ("log", log),
        ("log10", log10),
        ("pow", pow),
        ("floor", floor),
        ("ceil", ceil),
        ("abs", abs),
        ("min", min),
        ("max", max),
        ("hypot", hypot),
    ];
    for (name, f) in functions {
        let sym = vm.intern(name);
        let full = crate::host::static_name(&format!("math.{name}"));
        let v = native(vm, full, f);
        if let (Some(pure), Value::Obj(r)) = (float_fn(name), v) {
            if let Object::Native(n) = vm.heap.get_mut(r) {
                n.float_fn = Some(pure);
            }
        }
        members.insert(sym, v);
    }
    let m = vm.heap.alloc(Object::Module(Box::new(ModuleObj {
        name: "math".into(),
        index: u32::MAX,
        members,
    })));
    vm.native_modules.insert("math", m);
}

/// The function of one number behind `math.NAME`, for those that are
/// exactly `unary(.., f)`: called directly by the dispatch loop.
fn float_fn(name: &str) -> Option<fn(f64) -> f64> {
    Some(match name {
        "sqrt" => f64::sqrt,
        "sin" => f64::sin,
        "cos" => f64::cos,
        "tan" => f64::tan,
        "asin" => f64::asin,
        "acos" => f64::acos,
        "atan" => f64::atan,
        "exp" => f64::exp,
        "log" => f64::ln,
        "log10" => f64::log10,
        _ => return None,
    })
}

/// Argument `index` of `math.NAME`, which must be a number (§13).
#[inline]
fn num(vm: &mut Vm, name: &str, args: &[Value], index: usize) -> Result<f64, Exc> {
    match args[index] {
        Value::Int(i) => Ok(i as f64),
        Value::Float(f) => Ok(f),
        other => Err(not_num(vm, name, index, other)),
    }
}

#[cold]
fn not_num(vm: &mut Vm, name: &str, index: usize, other: Value) -> Exc {
    super::prelude::arg_type_error(vm, &format!("math.{name}"), index, "Int or Float", other)
}

/// Checks `math.NAME`'s argument count, naming it only on failure (the
/// common case allocates nothing).
#[inline]
fn math_arity(vm: &mut Vm, name: &str, args: &[Value], n: usize) -> Result<(), Exc> {
    if args.len() == n {
        return Ok(());
    }
    bad_arity(vm, name, args, n)
}

#[cold]
fn bad_arity(vm: &mut Vm, name: &str, args: &[Value], n: usize) -> Result<(), Exc> {
    arity(vm, &format!("math.{name}"), args, n, n)
}

#[inline]
fn unary(vm: &mut Vm, name: &str, args: &[Value], f: fn(f64) -> f64) -> Result<Value, Exc> {
    math_arity(vm, name, args, 1)?;
    let x = num(vm, name, args, 0)?;
    Ok(Value::Float(f(x)))
}

macro_rules! unary_fns {
    ($($name:ident),*) => {
        $(fn $name(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
            unary(vm, stringify!($name), args, f64::$name)
        })*
    };
}

unary_fns!(sin, cos, tan, asin, acos, atan, exp);

fn sqrt(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    unary(vm, "sqrt", args, f64::sqrt)
}

fn log(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    unary(vm, "log", args, f64::ln)
}

fn log10(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    unary(vm, "log10", args, f64::log10)
}

fn binary(vm: &mut Vm, name: &str, args: &[Value], f: fn(f64, f64) -> f64) -> Result<Value, Exc> {
    math_arity(vm, name, args, 2)?;
    let x = num(vm, name, args, 0)?;
    let y = num(vm, name, args, 1)?;
    Ok(Value::Float(f(x, y)))
}

fn atan2(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    binary(vm, "atan2", args, f64::atan2)
}

fn pow(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    binary(vm, "pow", args, f64::powf)
}

fn hypot(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    binary(vm, "hypot", args, f64::hypot)
}

fn rounding(vm: &mut Vm, name: &str, args: &[Value], f: fn(f64) -> f64) -> Result<Value, Exc> {
    math_arity(vm, name, args, 1)?;
    if let Value::Int(i) = args[0] {
        return Ok(Value::Int(i));
    }
    let x = num(vm, name, args, 0)?;
    super::numbers::float_to_int_exact(vm, f(x))
}

fn floor(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    rounding(vm, "floor", args, f64::floor)
}

fn ceil(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    rounding(vm, "ceil", args, f64::ceil)
}

fn abs(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "math.abs", args, 1, 1)?;
    match args[0] {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| crate::runtime::ops::overflow(vm)),
        _ => Ok(Value::Float(num(vm, "abs", args, 0)?.abs())),
    }
}

fn extreme(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    want: std::cmp::Ordering,
) -> Result<Value, Exc> {
    if args.is_empty() {
        return Err(vm.type_error(format!(
            "math.{name}() takes at least 1 argument but 0 were given"
        )));
    }
    let mut best = args[0];
    num(vm, name, args, 0)?;
    for (i, &a) in args.iter().enumerate().skip(1) {
        num(vm, name, args, i)?;
        if super::ops::compare(vm, name, a, best)? == Some(want) {
            best = a;
        }
    }
    Ok(best)
}

fn min(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    extreme(vm, "min", args, std::cmp::Ordering::Less)
}

fn max(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    extreme(vm, "max", args, std::cmp::Ordering::Greater)
}
