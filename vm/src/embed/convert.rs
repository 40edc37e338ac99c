//! Conversions between Rust values and Cairn values.
//!
//! [`IntoValue`] makes a Cairn value from a Rust one; [`FromValue`] reads a
//! Rust value out of a Cairn one, checking its type and range. Both take the
//! VM because Strings, Lists and Maps live in its heap. Allocating never
//! collects, so values made one after another stay valid until Cairn code
//! runs; anything kept longer must be a [`Handle`](super::Handle).

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use super::Error;
use crate::interp::Vm;
use crate::object::{MapKey, MapObj, Object};
use crate::value::Value;

/// A Rust value that becomes a Cairn value.
///
/// ```
/// use cairn_vm::embed::{FromValue, IntoValue};
/// let mut vm = cairn_vm::interp::Vm::new();
/// let v = vec![1i64, 2, 3].into_value(&mut vm).unwrap();
/// assert_eq!(Vec::<i64>::from_value(v, &mut vm).unwrap(), [1, 2, 3]);
/// ```
pub trait IntoValue {
    /// The Cairn value.
    ///
    /// # Errors
    /// The value has no Cairn equivalent (a `u64` above `i64::MAX`).
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error>;
}

/// A Rust value read out of a Cairn value.
///
/// ```
/// use cairn_vm::embed::{ErrorKind, FromValue, IntoValue};
/// let mut vm = cairn_vm::interp::Vm::new();
/// let v = 300i64.into_value(&mut vm).unwrap();
/// let e = u8::from_value(v, &mut vm).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::Conversion);
/// assert_eq!(e.message(), "300 is out of range for u8");
/// ```
pub trait FromValue: Sized {
    /// The Rust value.
    ///
    /// # Errors
    /// A [`Conversion`](super::ErrorKind::Conversion) error naming what was
    /// expected and what was found.
    fn from_value(v: Value, vm: &mut Vm) -> Result<Self, Error>;
}

/// "expected `what`, got a `class of v`".
pub(crate) fn mismatch(vm: &Vm, what: &str, v: Value) -> Error {
    Error::conversion(format!("expected {what}, got {}", vm.class_name_of(v)))
}

impl IntoValue for Value {
    fn into_value(self, _: &mut Vm) -> Result<Value, Error> {
        Ok(self)
    }
}

impl FromValue for Value {
    fn from_value(v: Value, _: &mut Vm) -> Result<Value, Error> {
        Ok(v)
    }
}

impl IntoValue for () {
    fn into_value(self, _: &mut Vm) -> Result<Value, Error> {
        Ok(Value::Nil)
    }
}

impl FromValue for () {
    /// Accepts any value: a function called for its effect may return one.
    fn from_value(_: Value, _: &mut Vm) -> Result<(), Error> {
        Ok(())
    }
}

impl IntoValue for bool {
    fn into_value(self, _: &mut Vm) -> Result<Value, Error> {
        Ok(Value::Bool(self))
    }
}

impl FromValue for bool {
    fn from_value(v: Value, vm: &mut Vm) -> Result<bool, Error> {
        match v {
            Value::Bool(b) => Ok(b),
            _ => Err(mismatch(vm, "Bool", v)),
        }
    }
}

/// The Int a value holds, accepting a Float with an integral value.
#[cold]
#[inline(never)]
fn int_of(v: Value, vm: &Vm, ty: &str) -> Result<i128, Error> {
    match v {
        Value::Int(i) => Ok(i128::from(i)),
        #[allow(clippy::cast_possible_truncation)]
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1.8e19 => Ok(f as i128),
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 => {
            Err(Error::conversion(format!("{f} is out of range for {ty}")))
        }
        Value::Float(f) => Err(Error::conversion(format!(
            "{} is not an integer (for {ty})",
            crate::runtime::float_repr::float_repr(f)
        ))),
        _ => Err(mismatch(vm, "Int", v)),
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl IntoValue for $t {
            #[inline]
            fn into_value(self, _: &mut Vm) -> Result<Value, Error> {
                i64::try_from(self).map(Value::Int).map_err(|_| {
                    Error::conversion(format!(
                        "{self} is out of range for Int"
                    ))
                })
            }
        }

        impl FromValue for $t {
            #[inline]
            fn from_value(v: Value, vm: &mut Vm) -> Result<$t, Error> {
                // An Int in range: the common case, without the i128.
                if let Value::Int(i) = v {
                    // Infallible for the wider types.
                    #[allow(irrefutable_let_patterns)]
                    if let Ok(i) = <$t>::try_from(i) {
                        return Ok(i);
                    }
                }
                let i = int_of(v, vm, stringify!($t))?;
                <$t>::try_from(i).map_err(|_| {
                    Error::conversion(format!(
                        "{i} is out of range for {}",
                        stringify!($t)
                    ))
                })
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, i128, u128);

impl IntoValue for f64 {
    fn into_value(self, _: &mut Vm) -> Result<Value, Error> {
        Ok(Value::Float(self))
    }
}

impl FromValue for f64 {
    /// Accepts an Int too, as Cairn arithmetic does.
    fn from_value(v: Value, vm: &mut Vm) -> Result<f64, Error> {
        match v {
            Value::Float(f) => Ok(f),
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Ok(i as f64),
            _ => Err(mismatch(vm, "Float", v)),
        }
    }
}

impl IntoValue for f32 {
    fn into_value(self, _: &mut Vm) -> Result<Value, Error> {
        Ok(Value::Float(f64::from(self)))
    }
}

impl FromValue for f32 {
    /// Rounds to the nearest `f32`; a finite value beyond its range fails.
    fn from_value(v: Value, vm: &mut Vm) -> Result<f32, Error> {
        let f = f64::from_value(v, vm)?;
        #[allow(clippy::cast_possible_truncation)]
        let narrow = f as f32;
        if f.is_finite() && narrow.is_infinite() {
            return Err(Error::conversion(format!("{f} is out of range for f32")));
        }
        Ok(narrow)
    }
}

impl IntoValue for String {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        Ok(vm.str_value(self))
    }
}

impl IntoValue for &str {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        Ok(vm.str_value(self))
    }
}

impl IntoValue for &String {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        Ok(vm.str_value(self.as_str()))
    }
}

impl IntoValue for char {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        Ok(vm.str_value(self.to_string()))
    }
}

impl FromValue for String {
    fn from_value(v: Value, vm: &mut Vm) -> Result<String, Error> {
        if let Value::Obj(r) = v {
            if let Object::Str(s) = vm.heap.get(r) {
                return Ok(s.text.to_string());
            }
        }
        Err(mismatch(vm, "String", v))
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        match self {
            Some(x) => x.into_value(vm),
            None => Ok(Value::Nil),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    /// `nil` is `None`; anything else must convert to `T`.
    fn from_value(v: Value, vm: &mut Vm) -> Result<Option<T>, Error> {
        match v {
            Value::Nil => Ok(None),
            _ => T::from_value(v, vm).map(Some),
        }
    }
}

/// A new List of converted items.
fn list_of<T: IntoValue>(
    items: impl ExactSizeIterator<Item = T>,
    vm: &mut Vm,
) -> Result<Value, Error> {
    let mut out = Vec::with_capacity(items.len());
    for x in items {
        out.push(x.into_value(vm)?);
    }
    Ok(Value::Obj(vm.heap.alloc(Object::List(out))))
}

/// The items of a List (copied: converting them may allocate).
fn items_of(v: Value, vm: &Vm, what: &str) -> Result<Vec<Value>, Error> {
    if let Value::Obj(r) = v {
        if let Object::List(items) = vm.heap.get(r) {
            return Ok(items.clone());
        }
    }
    Err(mismatch(vm, what, v))
}

impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        list_of(self.into_iter(), vm)
    }
}

impl<T: IntoValue + Clone> IntoValue for &[T] {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        list_of(self.iter().cloned(), vm)
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(v: Value, vm: &mut Vm) -> Result<Vec<T>, Error> {
        let items = items_of(v, vm, "List")?;
        let mut out = Vec::with_capacity(items.len());
        for (i, x) in items.into_iter().enumerate() {
            out.push(T::from_value(x, vm).map_err(|e| e.context(format_args!("item {i}")))?);
        }
        Ok(out)
    }
}

/// A new Map with String keys.
fn map_of<T: IntoValue>(
    entries: impl Iterator<Item = (String, T)>,
    vm: &mut Vm,
) -> Result<Value, Error> {
    let mut map = MapObj::default();
    for (k, x) in entries {
        let value = x.into_value(vm)?;
        let key = MapKey::str(&k);
        match map.entries.get_mut(&key) {
            Some(e) => e.1 = value,
            None => {
                let original = vm.str_value(k);
                map.push(key, original, value);
            }
        }
    }
    Ok(Value::Obj(vm.heap.alloc(Object::Map(Box::new(map)))))
}

/// The entries of a Map whose keys are all Strings.
fn entries_of(v: Value, vm: &Vm) -> Result<Vec<(String, Value)>, Error> {
    if let Value::Obj(r) = v {
        if let Object::Map(m) = vm.heap.get(r) {
            let mut out = Vec::with_capacity(m.len());
            for (key, (original, value)) in m.pairs() {
                let Some(k) = key.text() else {
                    return Err(mismatch(vm, "a String key", *original));
                };
                out.push((k.to_string(), *value));
            }
            return Ok(out);
        }
    }
    Err(mismatch(vm, "Map", v))
}

impl<T: IntoValue, S: BuildHasher> IntoValue for HashMap<String, T, S> {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        map_of(self.into_iter(), vm)
    }
}

impl<T: FromValue, S: BuildHasher + Default> FromValue for HashMap<String, T, S> {
    fn from_value(v: Value, vm: &mut Vm) -> Result<HashMap<String, T, S>, Error> {
        let mut out = HashMap::default();
        for (k, x) in entries_of(v, vm)? {
            let value = T::from_value(x, vm).map_err(|e| e.context(format_args!("key {k:?}")))?;
            out.insert(k, value);
        }
        Ok(out)
    }
}

impl<T: IntoValue> IntoValue for BTreeMap<String, T> {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        map_of(self.into_iter(), vm)
    }
}

impl<T: FromValue> FromValue for BTreeMap<String, T> {
    fn from_value(v: Value, vm: &mut Vm) -> Result<BTreeMap<String, T>, Error> {
        let mut out = BTreeMap::new();
        for (k, x) in entries_of(v, vm)? {
            let value = T::from_value(x, vm).map_err(|e| e.context(format_args!("key {k:?}")))?;
            out.insert(k, value);
        }
        Ok(out)
    }
}

/// Arguments for a call from Rust: a tuple of up to 12 values (each one
/// argument), `()` for none, or a `Vec` of one type.
///
/// ```
/// use cairn_vm::embed::IntoArgs;
/// let mut vm = cairn_vm::interp::Vm::new();
/// assert_eq!((1, "two", 3.0).into_args(&mut vm).unwrap().len(), 3);
/// ```
pub trait IntoArgs: Sized {
    /// Appends the argument values to `out` (a buffer the runtime reuses,
    /// so a call from Rust allocates nothing for its arguments).
    ///
    /// # Errors
    /// An argument did not convert.
    fn push_args(self, vm: &mut Vm, out: &mut Vec<Value>) -> Result<(), Error>;

    /// The argument values, in a new `Vec`.
    ///
    /// # Errors
    /// An argument did not convert.
    fn into_args(self, vm: &mut Vm) -> Result<Vec<Value>, Error> {
        let mut out = Vec::new();
        self.push_args(vm, &mut out)?;
        Ok(out)
    }
}

impl<T: IntoValue> IntoArgs for Vec<T> {
    fn push_args(self, vm: &mut Vm, out: &mut Vec<Value>) -> Result<(), Error> {
        for (i, x) in self.into_iter().enumerate() {
            let v = x.into_value(vm);
            out.push(v.map_err(|e| e.context(format_args!("argument {}", i + 1)))?);
        }
        Ok(())
    }
}

macro_rules! tuples {
    ($n:literal: $($t:ident $i:tt),*) => {
        impl<$($t: IntoValue),*> IntoArgs for ($($t,)*) {
            #[allow(unused_variables)]
            fn push_args(self, vm: &mut Vm, out: &mut Vec<Value>) -> Result<(), Error> {
                $(out.push(self.$i.into_value(vm).map_err(|e| {
                    e.context(format_args!("argument {}", $i + 1))
                })?);)*
                Ok(())
            }
        }

        /// A tuple is a List of its items.
        impl<$($t: IntoValue),*> IntoValue for ($($t,)*) {
            #[allow(unused_variables)]
            fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
                let items = vec![$(self.$i.into_value(vm)?),*];
                Ok(Value::Obj(vm.heap.alloc(Object::List(items))))
            }
        }

        /// A List of exactly as many items as the tuple.
        impl<$($t: FromValue),*> FromValue for ($($t,)*) {
            #[allow(unused_variables, unused_mut)]
            fn from_value(v: Value, vm: &mut Vm) -> Result<Self, Error> {
                let items = items_of(v, vm, "List")?;
                if items.len() != $n {
                    return Err(Error::conversion(format!(
                        "expected a List of {} items, got {}",
                        $n,
                        items.len()
                    )));
                }
                let mut it = items.into_iter();
                Ok(($({
                    let x = it.next().unwrap_or(Value::Nil);
                    $t::from_value(x, vm).map_err(|e| e.context(format_args!("item {}", $i)))?
                },)*))
            }
        }
    };
}

impl IntoArgs for () {
    fn push_args(self, _: &mut Vm, _: &mut Vec<Value>) -> Result<(), Error> {
        Ok(())
    }
}

tuples!(1: A 0);
tuples!(2: A 0, B 1);
tuples!(3: A 0, B 1, C 2);
tuples!(4: A 0, B 1, C 2, D 3);
tuples!(5: A 0, B 1, C 2, D 3, E 4);
tuples!(6: A 0, B 1, C 2, D 3, E 4, F 5);
tuples!(7: A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuples!(8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuples!(9: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuples!(10: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuples!(11: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuples!(12: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
