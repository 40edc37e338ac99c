//! Iteration (§6.6, §12.11): the iterator a `for` loop makes (`ITER`), each
//! step of the loop (`FOR_NEXT`, `FOR_NEXT2`), and the built-in Iterator
//! values' `next()` and `iter()`.
//!
//! A built-in Iterator (`Range.step`) is iterated in place, so a `for` over
//! an exhausted one runs no iterations. A Map loop remembers the map's
//! `version` and fails at the next step once the key set has changed.

use super::{Exc, Vm};
use crate::object::{IterObj, Object, RangeCursor};
use crate::value::{ObjRef, Value};

/// What one step of an iteration produced.
enum Step {
    /// The index or key, and the element or value.
    Item(Value, Value),
    /// A Map entry: a one-variable loop binds the key.
    Entry(Value, Value),
    Done,
}

impl Vm {
    /// `ITER`: the iterator object a `for` loop steps through.
    pub(crate) fn make_iter(&mut self, x: Value) -> Result<Value, Exc> {
        let it = match x {
            Value::Obj(r) => match self.heap.get(r) {
                Object::List(_) => IterObj::List { list: r, index: 0 },
                Object::Str(_) => IterObj::Str {
                    s: r,
                    byte: 0,
                    index: 0,
                },
                Object::Range(g) => IterObj::Range(RangeCursor::new(*g, 1)),
                Object::Map(m) => IterObj::Map {
                    map: r,
                    index: 0,
                    version: m.version,
                },
                Object::Fiber(_) => IterObj::Fiber { fiber: r },
                Object::Iter(_) => return Ok(x),
                _ => self.protocol_iter(x)?,
            },
            _ => self.protocol_iter(x)?,
        };
        Ok(Value::Obj(self.heap.alloc(Object::Iter(Box::new(it)))))
    }

    /// The iteration protocol: `x.iter()`, called once.
    fn protocol_iter(&mut self, x: Value) -> Result<IterObj, Exc> {
        let sym = self.intern("iter");
        let class = self.class_of(x);
        match self.find_method(class, sym) {
            Some(m) => {
                let iterator = self.call_method_value(m, x, &[])?;
                Ok(IterObj::User { class, iterator })
            }
            None => {
                let msg = format!(
                    "cannot iterate over a value of class {}",
                    self.class_name_of(x)
                );
                Err(self.type_error(msg))
            }
        }
    }

    /// `FOR_NEXT` / `FOR_NEXT2`: pushes the next element (or, when `pair`,
    /// the index or key and the element or value); false when done.
    pub(crate) fn iter_next(&mut self, it: Value, pair: bool) -> Result<bool, Exc> {
        let Value::Obj(r) = it else { return Ok(false) };
        if pair {
            self.check_pair_iterable(r)?;
        }
        match self.advance(r)? {
            Step::Item(k, v) | Step::Entry(k, v) if pair => {
                self.stack.push(k);
                self.stack.push(v);
                Ok(true)
            }
            Step::Item(_, v) | Step::Entry(v, _) => {
                self.stack.push(v);
                Ok(true)
            }
            Step::Done => Ok(false),
        }
    }

    /// Two-variable `for` works on Lists and Maps only.
    fn check_pair_iterable(&mut self, r: ObjRef) -> Result<(), Exc> {
        let class = match self.heap.get(r) {
            Object::Iter(state) => match **state {
                IterObj::List { .. } | IterObj::Map { .. } => return Ok(()),
                IterObj::Str { .. } => self.class("String"),
                IterObj::Range(_) => self.class("Range"),
                IterObj::Step(_) => self.class("Iterator"),
                IterObj::Fiber { .. } => self.class("Fiber"),
                IterObj::User { class, .. } => class,
            },
            _ => self.class("Iterator"),
        };
        let msg = format!(
            "`for a, b` needs a Map or a List, not {}",
            self.class_name(class)
        );
        Err(self.type_error(msg))
    }

    /// Moves an iterator one step.
    fn advance(&mut self, r: ObjRef) -> Result<Step, Exc> {
        let state = match self.heap.get_mut(r) {
            Object::Iter(state) => &mut **state,
            _ => return Ok(Step::Done),
        };
        match state {
            IterObj::Range(c) | IterObj::Step(c) => Ok(match c.advance() {
                Some(i) => Step::Item(Value::Nil, Value::Int(i)),
                None => Step::Done,
            }),
            IterObj::List { list, index } => {
                let (list, i) = (*list, *index);
                *index += 1;
                Ok(match self.heap.get(list) {
                    Object::List(items) if i < items.len() => {
                        Step::Item(Value::Int(i as i64), items[i])
                    }
                    _ => Step::Done,
                })
            }
            IterObj::Str { s, byte, index } => {
                let (s, b, i) = (*s, *byte, *index);
                let ch = match self.heap.get(s) {
                    Object::Str(st) => st.text[b..].chars().next(),
                    _ => None,
                };
                let Some(c) = ch else { return Ok(Step::Done) };
                if let Object::Iter(state) = self.heap.get_mut(r) {
                    **state = IterObj::Str {
                        s,
                        byte: b + c.len_utf8(),
                        index: i + 1,
                    };
                }
                let v = self.str_value(c.to_string());
                Ok(Step::Item(Value::Int(i as i64), v))
            }
            IterObj::Map {
                map,
                index,
                version,
            } => {
                let (map, i, version) = (*map, *index, *version);
                let (step, next) = self.map_step(map, i, version)?;
                if let Object::Iter(state) = self.heap.get_mut(r) {
                    if let IterObj::Map { index, .. } = &mut **state {
                        *index = next;
                    }
                }
                Ok(step)
            }
            IterObj::User { iterator, .. } => {
                let iterator = *iterator;
                self.user_step(iterator)
            }
            IterObj::Fiber { fiber } => {
                let fiber = *fiber;
                Ok(match crate::runtime::fibers::next_for_loop(self, fiber)? {
                    Some(v) => Step::Item(Value::Nil, v),
                    None => Step::Done,
                })
            }
        }
    }

    /// The map's next live entry at or after position `i`, and the
    /// position after it.
    fn map_step(&mut self, map: ObjRef, i: usize, version: u64) -> Result<(Step, usize), Exc> {
        let (current, entry) = match self.heap.get(map) {
            Object::Map(m) => (m.version, m.live_from(i)),
            _ => (version, None),
        };
        if current != version {
            return Err(self.error_of("ValueError", "map modified during iteration".into()));
        }
        Ok(match entry {
            Some((at, (k, v))) => (Step::Entry(k, v), at + 1),
            None => (Step::Done, i),
        })
    }

    /// One `next()` call of the iteration protocol.
    fn user_step(&mut self, iterator: Value) -> Result<Step, Exc> {
        let sym = self.intern("next");
        let class = self.class_of(iterator);
        let Some(m) = self.find_method(class, sym) else {
            let msg = format!("{} has no method 'next'", self.class_name_of(iterator));
            return Err(self.error_of("AttributeError", msg));
        };
        let v = self.call_method_value(m, iterator, &[])?;
        Ok(if v == Value::Obj(self.done) {
            Step::Done
        } else {
            Step::Item(Value::Nil, v)
        })
    }
}

/// `Iterator.next()`: the next value, or `Iterator.done`.
pub fn iterator_next(vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc> {
    crate::runtime::prelude::arity(vm, "Iterator.next", args, 0, 0)?;
    let done = Value::Obj(vm.done);
    let Value::Obj(r) = receiver else {
        return Ok(done);
    };
    if !matches!(vm.heap.get(r), Object::Iter(_)) {
        return Ok(done);
    }
    Ok(match vm.advance(r)? {
        Step::Item(_, v) | Step::Entry(v, _) => v,
        Step::Done => done,
    })
}

/// `Iterator.iter()`: the iterator itself.
pub fn iterator_iter(vm: &mut Vm, receiver: Value, args: &[Value]) -> Result<Value, Exc> {
    crate::runtime::prelude::arity(vm, "Iterator.iter", args, 0, 0)?;
    Ok(receiver)
}
