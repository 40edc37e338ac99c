//! Methods of Int and Float.

use super::prelude::{arity, method, static_method, str_arg};
use crate::interp::{Exc, Vm};
use crate::value::Value;

/// 2^63 as a float: the first value past the Int range.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

pub fn install(vm: &mut Vm) {
    method(vm, "Int", "abs", int_abs);
    method(vm, "Int", "to_float", int_to_float);
    method(vm, "Int", "to_string", to_string);
    method(vm, "Int", "min", min);
    method(vm, "Int", "max", max);
    static_method(vm, "Int", "parse", int_parse);
    method(vm, "Float", "abs", float_abs);
    method(vm, "Float", "floor", float_floor);
    method(vm, "Float", "ceil", float_ceil);
    method(vm, "Float", "round", float_round);
    method(vm, "Float", "to_int", float_to_int);
    method(vm, "Float", "is_nan", float_is_nan);
    method(vm, "Float", "to_string", to_string);
    static_method(vm, "Float", "parse", float_parse);
}

fn int_abs(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Int.abs", args, 0, 0)?;
    match r {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| crate::runtime::ops::overflow(vm)),
        _ => Ok(r),
    }
}

fn int_to_float(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Int.to_float", args, 0, 0)?;
    Ok(match r {
        Value::Int(i) => Value::Float(i as f64),
        other => other,
    })
}

fn to_string(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "to_string", args, 0, 0)?;
    let s = super::format::to_str(vm, r)?;
    Ok(vm.str_value(s))
}

fn pick(vm: &mut Vm, r: Value, args: &[Value], name: &str, want_less: bool) -> Result<Value, Exc> {
    arity(vm, name, args, 1, 1)?;
    let o = args[0];
    let ord = super::ops::compare(vm, if want_less { "min" } else { "max" }, o, r)?;
    Ok(match ord {
        Some(std::cmp::Ordering::Less) if want_less => o,
        Some(std::cmp::Ordering::Greater) if !want_less => o,
        _ => r,
    })
}

fn min(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    pick(vm, r, args, "Int.min", true)
}

fn max(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    pick(vm, r, args, "Int.max", false)
}

fn int_parse(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Int.parse", args, 1, 1)?;
    let s = str_arg(vm, "Int.parse", args, 0)?;
    parse_int(vm, &s)
}

fn float_parse(vm: &mut Vm, _r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Float.parse", args, 1, 1)?;
    let s = str_arg(vm, "Float.parse", args, 0)?;
    parse_float(vm, &s)
}

/// `Int.parse(s)` (§12.4): an optional sign, then one or more ASCII digits.
pub fn parse_int(vm: &mut Vm, s: &str) -> Result<Value, Exc> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let valid = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    match s.parse::<i64>() {
        Ok(i) if valid => Ok(Value::Int(i)),
        _ => Err(vm.error_of("ValueError", format!("invalid Int literal: {}", quoted(s)))),
    }
}

/// `Float.parse(s)` (§12.5): an optional sign, digits with an optional
/// fraction (one side of the point may be empty) and exponent, or `inf`,
/// `infinity`, `nan` in any case.
pub fn parse_float(vm: &mut Vm, s: &str) -> Result<Value, Exc> {
    match float_text(s) {
        Some(f) => Ok(Value::Float(f)),
        None => Err(vm.error_of(
            "ValueError",
            format!("invalid Float literal: {}", quoted(s)),
        )),
    }
}

fn float_text(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let word = unsigned.to_ascii_lowercase();
    if matches!(word.as_str(), "inf" | "infinity" | "nan") {
        return s.to_ascii_lowercase().parse::<f64>().ok();
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        all_digits(whole) && all_digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    s.parse::<f64>().ok()
}

/// A String as `repr` writes it, for parse errors.
fn quoted(s: &str) -> String {
    let mut out = String::new();
    super::format::quote(s, &mut out);
    out
}

fn float_of(r: Value) -> f64 {
    match r {
        Value::Float(f) => f,
        Value::Int(i) => i as f64,
        _ => f64::NAN,
    }
}

fn float_abs(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Float.abs", args, 0, 0)?;
    Ok(Value::Float(float_of(r).abs()))
}

/// Converts an integral float to Int, or raises.
pub fn float_to_int_exact(vm: &mut Vm, f: f64) -> Result<Value, Exc> {
    if f.is_nan() || f.is_infinite() {
        return Err(vm.error_of(
            "ValueError",
            format!("cannot convert {} to Int", super::float_repr::float_repr(f)),
        ));
    }
    if !(-TWO_POW_63..TWO_POW_63).contains(&f) {
        return Err(vm.error_of(
            "OverflowError",
            format!(
                "Float {} out of Int range",
                super::float_repr::float_repr(f)
            ),
        ));
    }
    Ok(Value::Int(f as i64))
}

fn float_floor(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Float.floor", args, 0, 0)?;
    float_to_int_exact(vm, float_of(r).floor())
}

fn float_ceil(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Float.ceil", args, 0, 0)?;
    float_to_int_exact(vm, float_of(r).ceil())
}

fn float_round(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Float.round", args, 0, 0)?;
    float_to_int_exact(vm, float_of(r).round_ties_even())
}

fn float_to_int(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Float.to_int", args, 0, 0)?;
    float_to_int_exact(vm, float_of(r).trunc())
}

fn float_is_nan(vm: &mut Vm, r: Value, args: &[Value]) -> Result<Value, Exc> {
    arity(vm, "Float.is_nan", args, 0, 0)?;
    Ok(Value::Bool(float_of(r).is_nan()))
}
