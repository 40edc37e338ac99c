//! Operators on values: arithmetic, bitwise, comparison, `is`. User classes
//! may define operator methods; those are dispatched here through
//! [`Vm::call_function`], the interpreter's re-entry point for natives.

use crate::interp::{Exc, Vm};
use crate::object::{Object, StrObj};
use crate::runtime::keys::{self, rooted};
use crate::value::{ObjRef, Value};

/// 2^63 as a float: the first value past the Int range.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

fn operands_error(vm: &mut Vm, op: &str, a: Value, b: Value) -> Exc {
    let msg = format!(
        "unsupported operand types for {op}: {} and {}",
        vm.class_name_of(a),
        vm.class_name_of(b)
    );
    vm.type_error(msg)
}

/// The `OverflowError` of an Int result out of range (§5.4).
pub fn overflow(vm: &mut Vm) -> Exc {
    vm.error_of("OverflowError", "integer overflow".into())
}

/// Calls the operator method `name` of `a`'s class, if `a` is an instance
/// of a user class that defines it.
fn user_op(vm: &mut Vm, name: &str, a: Value, args: &[Value]) -> Option<Result<Value, Exc>> {
    let Value::Obj(r) = a else { return None };
    let class = match vm.heap.get(r) {
        Object::Instance(i) => i.class,
        _ => return None,
    };
    let sym = vm.symbols.lookup(name)?;
    user_method(vm, class, sym, a, args)
}

/// Calls the operator method `sym` of `a`'s class, if it has one. A native
/// one (such as `Object`'s `==`) is called directly, without a nested
/// dispatch loop.
fn user_method(
    vm: &mut Vm,
    class: ObjRef,
    sym: crate::symbol::Sym,
    a: Value,
    args: &[Value],
) -> Option<Result<Value, Exc>> {
    let method = vm.find_method(class, sym)?;
    call_operator(vm, method, a, args)
}

/// Calls operator method `method` on `a`.
fn call_operator(
    vm: &mut Vm,
    method: Value,
    a: Value,
    args: &[Value],
) -> Option<Result<Value, Exc>> {
    if let Value::Obj(m) = method {
        if let Object::Native(n) = vm.heap.get(m) {
            let func = n.func;
            // The operands may have been popped already: root them while
            // the native runs, in case it calls back into Cairn.
            let depth = vm.temp_roots.len();
            vm.temp_roots.push(a);
            vm.temp_roots.extend_from_slice(args);
            let result = func(vm, a, args);
            vm.temp_roots.truncate(depth);
            return Some(result);
        }
    }
    Some(vm.call_method_value(method, a, args))
}

fn str_of(vm: &Vm, v: Value) -> Option<&str> {
    match v {
        Value::Obj(r) => match vm.heap.get(r) {
            Object::Str(s) => Some(&s.text),
            _ => None,
        },
        _ => None,
    }
}

fn float_of(v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) => Some(f),
        _ => None,
    }
}

pub fn add(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            x.checked_add(y).map(Value::Int).ok_or_else(|| overflow(vm))
        }
        (Value::Float(_), Value::Int(_) | Value::Float(_)) | (Value::Int(_), Value::Float(_)) => {
            Ok(Value::Float(
                float_of(a).unwrap_or(0.0) + float_of(b).unwrap_or(0.0),
            ))
        }
        (Value::Obj(x), Value::Obj(y)) => {
            // The result's size is checked against the limit before it is
            // built: at once against the room left, and if that is too
            // little, again after old garbage is freed.
            let joined = match concat(vm, x, y, vm.heap.room()) {
                Joined::TooLarge(bytes) => {
                    // The operands have been popped: they are held here.
                    super::memory::reserve(vm, bytes, &[a, b])?;
                    concat(vm, x, y, usize::MAX)
                }
                joined => joined,
            };
            match joined {
                Joined::Done(obj) => Ok(Value::Obj(vm.heap.alloc(obj))),
                Joined::NotSequences => {
                    user_op(vm, "+", a, &[b]).unwrap_or_else(|| Err(operands_error(vm, "+", a, b)))
                }
                Joined::TooLong | Joined::TooLarge(_) => Err(super::memory::too_large(vm)),
            }
        }
        _ => user_op(vm, "+", a, &[b]).unwrap_or_else(|| Err(operands_error(vm, "+", a, b))),
    }
}

/// What [`concat`] made of two objects.
enum Joined {
    Done(Object),
    /// Not two Strings or two Lists.
    NotSequences,
    /// A String longer than [`super::memory::MAX_STR`].
    TooLong,
    /// More bytes than the room given.
    TooLarge(usize),
}

/// `x + y` for two Strings or two Lists, if the result takes at most
/// `room` bytes.
fn concat(vm: &Vm, x: ObjRef, y: ObjRef, room: usize) -> Joined {
    match (vm.heap.get(x), vm.heap.get(y)) {
        (Object::Str(s), Object::Str(t)) => {
            let len = s.text.len().saturating_add(t.text.len());
            if len > super::memory::MAX_STR {
                return Joined::TooLong;
            }
            if len > room {
                return Joined::TooLarge(len);
            }
            let mut out = String::with_capacity(len);
            out.push_str(&s.text);
            out.push_str(&t.text);
            // Known from the parts: the text need not be scanned again.
            Joined::Done(Object::Str(StrObj {
                text: out.into_boxed_str(),
                ascii: s.ascii && t.ascii,
                chars: s.chars + t.chars,
            }))
        }
        (Object::List(s), Object::List(t)) => {
            let len = s.len().saturating_add(t.len());
            let bytes = len.saturating_mul(std::mem::size_of::<Value>());
            if bytes > room {
                return Joined::TooLarge(bytes);
            }
            let mut out = Vec::with_capacity(len);
            out.extend_from_slice(s);
            out.extend_from_slice(t);
            Joined::Done(Object::List(out))
        }
        _ => Joined::NotSequences,
    }
}

pub fn sub(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            x.checked_sub(y).map(Value::Int).ok_or_else(|| overflow(vm))
        }
        _ => match (float_of(a), float_of(b)) {
            (Some(x), Some(y)) => Ok(Value::Float(x - y)),
            _ => user_op(vm, "-", a, &[b]).unwrap_or_else(|| Err(operands_error(vm, "-", a, b))),
        },
    }
}

/// `String * Int`, `Int * String` and `List * Int`: the sequence repeated;
/// `None` when `seq` is not a sequence that can be repeated.
fn repeat(vm: &mut Vm, seq: Value, n: i64, allow_list: bool) -> Option<Result<Value, Exc>> {
    let Value::Obj(r) = seq else { return None };
    let len = match vm.heap.get(r) {
        Object::Str(s) => s.text.len(),
        Object::List(items) if allow_list => items.len(),
        _ => return None,
    };
    if n < 0 {
        return Some(Err(
            vm.error_of("ValueError", format!("negative repeat count {n}"))
        ));
    }
    let count = n as usize;
    let item = if matches!(vm.heap.get(r), Object::Str(_)) {
        1
    } else {
        std::mem::size_of::<Value>()
    };
    // `seq` may have been popped by the interpreter: it is held here.
    let bytes = len.saturating_mul(count).saturating_mul(item);
    if let Err(e) = super::memory::reserve(vm, bytes, &[seq]) {
        return Some(Err(e));
    }
    let obj = match vm.heap.get(r) {
        Object::Str(s) if len.saturating_mul(count) <= 1 << 31 => {
            Object::Str(StrObj::new(s.text.repeat(count)))
        }
        Object::List(items) if len.saturating_mul(count) <= 1 << 28 => {
            Object::List(items.repeat(count))
        }
        _ => {
            let what = if allow_list { "sequence" } else { "string" };
            return Some(Err(vm.error_of("MemoryError", format!("{what} too large"))));
        }
    };
    Some(Ok(Value::Obj(vm.heap.alloc(obj))))
}

pub fn mul(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            x.checked_mul(y).map(Value::Int).ok_or_else(|| overflow(vm))
        }
        (Value::Obj(_), Value::Int(n)) => repeat(vm, a, n, true)
            .or_else(|| user_op(vm, "*", a, &[b]))
            .unwrap_or_else(|| Err(operands_error(vm, "*", a, b))),
        (Value::Int(n), Value::Obj(_)) => {
            repeat(vm, b, n, false).unwrap_or_else(|| Err(operands_error(vm, "*", a, b)))
        }
        _ => match (float_of(a), float_of(b)) {
            (Some(x), Some(y)) => Ok(Value::Float(x * y)),
            _ => user_op(vm, "*", a, &[b]).unwrap_or_else(|| Err(operands_error(vm, "*", a, b))),
        },
    }
}

pub fn div(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    match (a, b) {
        (Value::Int(_), Value::Int(0)) => {
            Err(vm.error_of("ZeroDivisionError", "division by zero".into()))
        }
        (Value::Int(x), Value::Int(y)) => {
            x.checked_div(y).map(Value::Int).ok_or_else(|| overflow(vm))
        }
        _ => match (float_of(a), float_of(b)) {
            (Some(x), Some(y)) => Ok(Value::Float(x / y)),
            _ => user_op(vm, "/", a, &[b]).unwrap_or_else(|| Err(operands_error(vm, "/", a, b))),
        },
    }
}

pub fn rem(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    match (a, b) {
        (Value::Int(_), Value::Int(0)) => {
            Err(vm.error_of("ZeroDivisionError", "modulo by zero".into()))
        }
        (Value::Int(x), Value::Int(y)) => Ok(Value::Int(x.wrapping_rem(y))),
        _ => match (float_of(a), float_of(b)) {
            (Some(x), Some(y)) => Ok(Value::Float(x % y)),
            _ => user_op(vm, "%", a, &[b]).unwrap_or_else(|| Err(operands_error(vm, "%", a, b))),
        },
    }
}

pub fn pow(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) if y >= 0 => {
            let exp = u32::try_from(y).map_err(|_| overflow(vm));
            match exp {
                Ok(e) => x.checked_pow(e).map(Value::Int).ok_or_else(|| overflow(vm)),
                Err(e) if x == 0 || x == 1 => {
                    let _ = e;
                    Ok(Value::Int(x))
                }
                Err(_) if x == -1 => Ok(Value::Int(if y % 2 == 0 { 1 } else { -1 })),
                Err(e) => Err(e),
            }
        }
        (Value::Int(x), Value::Int(y)) => Ok(Value::Float((x as f64).powf(y as f64))),
        _ => match (float_of(a), float_of(b)) {
            (Some(x), Some(y)) => Ok(Value::Float(x.powf(y))),
            _ => user_op(vm, "**", a, &[b]).unwrap_or_else(|| Err(operands_error(vm, "**", a, b))),
        },
    }
}

fn ints(vm: &mut Vm, op: &str, a: Value, b: Value) -> Result<(i64, i64), Exc> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok((x, y)),
        _ => Err(operands_error(vm, op, a, b)),
    }
}

pub fn bit_and(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    ints(vm, "&", a, b).map(|(x, y)| Value::Int(x & y))
}

pub fn bit_or(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    ints(vm, "|", a, b).map(|(x, y)| Value::Int(x | y))
}

pub fn bit_xor(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    ints(vm, "^", a, b).map(|(x, y)| Value::Int(x ^ y))
}

fn shift_count(vm: &mut Vm, y: i64) -> Result<u32, Exc> {
    if (0..=63).contains(&y) {
        Ok(y as u32)
    } else {
        Err(vm.error_of("ValueError", format!("shift count {y} out of range 0..=63")))
    }
}

pub fn shl(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    let (x, y) = ints(vm, "<<", a, b)?;
    let n = shift_count(vm, y)?;
    Ok(Value::Int(x.wrapping_shl(n)))
}

pub fn shr(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    let (x, y) = ints(vm, ">>", a, b)?;
    let n = shift_count(vm, y)?;
    Ok(Value::Int(x >> n))
}

pub fn neg(vm: &mut Vm, a: Value) -> Result<Value, Exc> {
    match a {
        Value::Int(x) => x.checked_neg().map(Value::Int).ok_or_else(|| overflow(vm)),
        Value::Float(f) => Ok(Value::Float(-f)),
        _ => user_op(vm, "-@", a, &[]).unwrap_or_else(|| {
            let msg = format!(
                "unsupported operand type for unary -: {}",
                vm.class_name_of(a)
            );
            Err(vm.type_error(msg))
        }),
    }
}

pub fn bit_not(vm: &mut Vm, a: Value) -> Result<Value, Exc> {
    match a {
        Value::Int(x) => Ok(Value::Int(!x)),
        _ => {
            let msg = format!(
                "unsupported operand type for unary ~: {}",
                vm.class_name_of(a)
            );
            Err(vm.type_error(msg))
        }
    }
}

/// Exact comparison of an Int with a Float.
fn cmp_int_float(i: i64, f: f64) -> Option<std::cmp::Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= TWO_POW_63 {
        return Some(std::cmp::Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(std::cmp::Ordering::Greater);
    }
    let t = f.trunc();
    match i.cmp(&(t as i64)) {
        std::cmp::Ordering::Equal => 0.0f64.partial_cmp(&(f - t)),
        other => Some(other),
    }
}

/// Orders two values, or `None` when they are unordered (NaN); errors when
/// their classes cannot be compared.
pub fn compare(
    vm: &mut Vm,
    op: &str,
    a: Value,
    b: Value,
) -> Result<Option<std::cmp::Ordering>, Exc> {
    use std::cmp::Ordering;
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(&y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(&y),
        (Value::Int(x), Value::Float(y)) => cmp_int_float(x, y),
        (Value::Float(x), Value::Int(y)) => cmp_int_float(y, x).map(Ordering::reverse),
        _ => match (str_of(vm, a), str_of(vm, b)) {
            (Some(s), Some(t)) => Some(s.cmp(t)),
            _ => return Err(operands_error(vm, op, a, b)),
        },
    })
}

fn ordered(
    vm: &mut Vm,
    op: &str,
    a: Value,
    b: Value,
    test: fn(std::cmp::Ordering) -> bool,
) -> Result<Value, Exc> {
    if let Some(result) = user_op(vm, op, a, &[b]) {
        return result;
    }
    Ok(Value::Bool(compare(vm, op, a, b)?.is_some_and(test)))
}

pub fn lt(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    ordered(vm, "<", a, b, std::cmp::Ordering::is_lt)
}

pub fn le(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    ordered(vm, "<=", a, b, std::cmp::Ordering::is_le)
}

pub fn gt(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    ordered(vm, ">", a, b, std::cmp::Ordering::is_gt)
}

pub fn ge(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    ordered(vm, ">=", a, b, std::cmp::Ordering::is_ge)
}

/// `x is C` (§4.3).
pub fn is(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    instance_of(vm, a, b, "right operand of `is`")
}

/// A `catch e: C` filter test (§6.10).
pub fn is_catch(vm: &mut Vm, a: Value, b: Value) -> Result<Value, Exc> {
    instance_of(vm, a, b, "catch filter")
}

fn instance_of(vm: &mut Vm, a: Value, b: Value, what: &str) -> Result<Value, Exc> {
    match b {
        Value::Obj(c) if matches!(vm.heap.get(c), Object::Class(_)) => {
            let class = vm.class_of(a);
            Ok(Value::Bool(vm.is_subclass(class, c)))
        }
        _ => {
            let msg = format!("{what} must be a class, not {}", vm.class_name_of(b));
            Err(vm.type_error(msg))
        }
    }
}

/// Cairn equality (§5.8) as a Bool: numbers by value, strings by content,
/// lists and maps structurally, ranges by bounds, bound methods by method
/// and receiver, instances through their class's `==` (`Object`'s is
/// identity) with the result's truthiness. Nesting deeper than 200 levels
/// (a cycle) compares unequal.
pub fn equal(vm: &mut Vm, a: Value, b: Value, depth: usize) -> Result<bool, Exc> {
    if let Some(result) = user_eq(vm, a, b) {
        return Ok(result?.truthy());
    }
    match (a, b) {
        (Value::Nil, Value::Nil) => Ok(true),
        (Value::Bool(x), Value::Bool(y)) => Ok(x == y),
        (Value::Int(x), Value::Int(y)) => Ok(x == y),
        (Value::Float(x), Value::Float(y)) => Ok(x == y),
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => {
            Ok(cmp_int_float(x, y) == Some(std::cmp::Ordering::Equal))
        }
        (Value::Obj(x), Value::Obj(y)) if x == y => Ok(true),
        (Value::Obj(_), Value::Obj(_)) if depth > 200 => Ok(false),
        (Value::Obj(x), Value::Obj(y)) => objects_equal(vm, x, y, depth),
        _ => Ok(false),
    }
}

/// `a == b` when `a` is an instance: its class's `==` method's result.
fn user_eq(vm: &mut Vm, a: Value, b: Value) -> Option<Result<Value, Exc>> {
    let Value::Obj(r) = a else { return None };
    let class = match vm.heap.get(r) {
        Object::Instance(i) => i.class,
        _ => return None,
    };
    // `ClassObj::eq_kind`: 0 not yet known, 1 identity, 2 a method of
    // its own, 3 no `==` at all.
    let kind = match vm.heap.get(class) {
        Object::Class(c) => c.eq_kind.get(),
        _ => return None,
    };
    let kind = if kind == 0 {
        let kind = match vm.find_method(class, vm.sym_eq) {
            None => 3,
            Some(m) if m == vm.identity_eq => 1,
            Some(_) => 2,
        };
        if let Object::Class(c) = vm.heap.get(class) {
            c.eq_kind.set(kind);
        }
        kind
    } else {
        kind
    };
    match kind {
        1 => return Some(Ok(Value::Bool(a == b))),
        3 => return None,
        _ => {}
    }
    let method = vm.find_method(class, vm.sym_eq)?;
    call_operator(vm, method, a, &[b])
}

/// `==` of two distinct objects that are not instances on the left.
fn objects_equal(vm: &mut Vm, x: ObjRef, y: ObjRef, depth: usize) -> Result<bool, Exc> {
    match (vm.heap.get(x), vm.heap.get(y)) {
        (Object::Str(s), Object::Str(t)) => Ok(s.text == t.text),
        (Object::Range(s), Object::Range(t)) => Ok(s == t),
        (Object::Bound(s), Object::Bound(t)) => {
            Ok(s.method == t.method && s.receiver == t.receiver)
        }
        (Object::List(s), Object::List(t)) => {
            if s.len() != t.len() {
                return Ok(false);
            }
            let items: Vec<Value> = s.iter().chain(t.iter()).copied().collect();
            rooted(vm, &items, |vm| {
                let (left, right) = items.split_at(items.len() / 2);
                for (p, q) in left.iter().zip(right) {
                    if !equal(vm, *p, *q, depth + 1)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            })
        }
        (Object::Map(s), Object::Map(t)) => {
            if s.len() != t.len() {
                return Ok(false);
            }
            let pairs: Vec<Value> = s.pairs().flat_map(|(_, (k, v))| [*k, *v]).collect();
            rooted(vm, &pairs, |vm| maps_equal(vm, &pairs, y, depth))
        }
        _ => Ok(false),
    }
}

/// Whether map `other` has a key `==` to each of `pairs`' keys, with an
/// equal value.
fn maps_equal(vm: &mut Vm, pairs: &[Value], other: ObjRef, depth: usize) -> Result<bool, Exc> {
    for pair in pairs.chunks(2) {
        let Some(w) = keys::get(vm, other, pair[0])? else {
            return Ok(false);
        };
        if !equal(vm, pair[1], w, depth + 1)? {
            return Ok(false);
        }
    }
    Ok(true)
}

impl Vm {
    pub fn values_equal(&mut self, a: Value, b: Value) -> Result<bool, Exc> {
        equal(self, a, b, 0)
    }

    /// The value of `a == b` (§5.8): what an instance's `==` returned, not
    /// converted, or a Bool.
    pub fn eq_value(&mut self, a: Value, b: Value) -> Result<Value, Exc> {
        match user_eq(self, a, b) {
            Some(result) => result,
            None => equal(self, a, b, 0).map(Value::Bool),
        }
    }
}
