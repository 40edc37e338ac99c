//! Member access (`obj.name`), indexing (`obj[i]`), iteration, and the
//! literal builders that need the heap (maps, interpolated strings).

use super::call::CacheEntry;
use super::{Exc, Vm};
use crate::object::{BoundObj, IterObj, MapKey, MapObj, Object, StrObj};
use crate::runtime::format;
use crate::symbol::Sym;
use crate::value::{ObjRef, Value};

/// What `obj.name` found: a method (to bind or call with the receiver) or
/// a plain value.
pub enum Member {
    Method(Value),
    Value(Value),
}

impl Vm {
    pub(crate) fn get_field(
        &mut self,
        obj: Value,
        name: Sym,
        proto: u32,
        cache: u32,
    ) -> Result<Value, Exc> {
        if let Value::Obj(r) = obj {
            if let Object::Instance(inst) = self.heap.get(r) {
                let class = inst.class;
                if let CacheEntry::Field { class: c, slot } =
                    self.caches[proto as usize][cache as usize]
                {
                    if c == class {
                        if self.collect_stats {
                            self.stats.cache_hits[1] += 1;
                        }
                        if let Object::Instance(inst) = self.heap.get(r) {
                            return Ok(inst.fields[slot as usize]);
                        }
                    }
                }
                if self.collect_stats {
                    self.stats.cache_misses[1] += 1;
                }
                let slot = match self.heap.get(class) {
                    Object::Class(c) => c.field_index.get(&name).copied(),
                    _ => None,
                };
                if let Some(slot) = slot {
                    self.caches[proto as usize][cache as usize] = CacheEntry::Field { class, slot };
                    if let Object::Instance(inst) = self.heap.get(r) {
                        return Ok(inst.fields[slot as usize]);
                    }
                }
            }
        }
        match self.get_member(obj, name, false)? {
            Member::Value(v) => Ok(v),
            Member::Method(method) => Ok(Value::Obj(self.heap.alloc(Object::Bound(BoundObj {
                receiver: obj,
                method,
            })))),
        }
    }

    /// Looks `name` up on any value: instance fields and methods, class
    /// statics and static methods, module members, built-in properties and
    /// methods. `calling` only changes the wording of the error.
    pub(crate) fn get_member(
        &mut self,
        obj: Value,
        name: Sym,
        calling: bool,
    ) -> Result<Member, Exc> {
        let class = self.class_of(obj);
        if let Value::Obj(r) = obj {
            match self.heap.get(r) {
                Object::Instance(inst) => {
                    if let Object::Class(c) = self.heap.get(inst.class) {
                        if let Some(&slot) = c.field_index.get(&name) {
                            return Ok(Member::Value(inst.fields[slot as usize]));
                        }
                    }
                }
                Object::Class(c) => {
                    if let Some(v) = c.statics.get(&name) {
                        return Ok(Member::Value(*v));
                    }
                    let text = self.symbols.name(name);
                    if text == "name" {
                        let n = c.name.to_string();
                        return Ok(Member::Value(self.str_value(n)));
                    }
                    if text == "done" && c.builtin == Some(crate::object::Builtin::Iterator) {
                        return Ok(Member::Value(Value::Obj(self.done)));
                    }
                    if let Some(m) = crate::runtime::prelude::class_static(self, r, name) {
                        return Ok(Member::Method(m));
                    }
                }
                Object::Module(m) => {
                    if let Some(v) = m.members.get(&name) {
                        return Ok(Member::Value(*v));
                    }
                    let index = m.index as usize;
                    let module_name = m.name.to_string();
                    let text = self.symbols.name(name).to_string();
                    if index != u32::MAX as usize {
                        let found = self.modules[index]
                            .global_names
                            .iter()
                            .position(|g| *g == name);
                        if let Some(g) = found {
                            if text.starts_with('_') {
                                let msg = format!("'{text}' is private to module {module_name}");
                                return Err(self.error_of("AttributeError", msg));
                            }
                            return Ok(Member::Value(self.modules[index].globals[g]));
                        }
                    }
                    let msg = format!("module {module_name} has no member '{text}'");
                    return Err(self.error_of("AttributeError", msg));
                }
                Object::Fiber(f) if self.symbols.name(name) == "done" => {
                    let done = f.state == super::fiber::FiberState::Done;
                    return Ok(Member::Value(Value::Bool(done)));
                }
                _ => {}
            }
        }
        if self.symbols.name(name) == "class" {
            return Ok(Member::Value(Value::Obj(class)));
        }
        if let Some(m) = self.find_method(class, name) {
            return Ok(Member::Method(m));
        }
        let class_name = self.class_name(class);
        let text = self.symbols.name(name).to_string();
        let is_class = matches!(obj, Value::Obj(r) if matches!(self.heap.get(r), Object::Class(_)));
        let msg = if is_class {
            let shown = match obj {
                Value::Obj(r) => self.class_name(r),
                _ => class_name,
            };
            format!("class {shown} has no static member '{text}'")
        } else if calling {
            format!("{class_name} has no method '{text}'")
        } else {
            format!("{class_name} has no field or method '{text}'")
        };
        Err(self.error_of("AttributeError", msg))
    }

    pub(crate) fn set_field(
        &mut self,
        obj: Value,
        name: Sym,
        v: Value,
        proto: u32,
        cache: u32,
    ) -> Result<(), Exc> {
        if let Value::Obj(r) = obj {
            let slot = match self.heap.get(r) {
                Object::Instance(inst) => {
                    let class = inst.class;
                    match self.caches[proto as usize][cache as usize] {
                        CacheEntry::Field { class: c, slot } if c == class => Some(slot),
                        _ => {
                            let slot = match self.heap.get(class) {
                                Object::Class(c) => c.field_index.get(&name).copied(),
                                _ => None,
                            };
                            if let Some(slot) = slot {
                                self.caches[proto as usize][cache as usize] =
                                    CacheEntry::Field { class, slot };
                            }
                            slot
                        }
                    }
                }
                Object::Class(c) => {
                    if c.statics.contains_key(&name) {
                        if let Object::Class(c) = self.heap.get_mut(r) {
                            c.statics.insert(name, v);
                        }
                        return Ok(());
                    }
                    let msg = format!(
                        "class {} has no static member '{}'",
                        c.name,
                        self.symbols.name(name)
                    );
                    return Err(self.error_of("AttributeError", msg));
                }
                _ => None,
            };
            if let Some(slot) = slot {
                if let Object::Instance(inst) = self.heap.get_mut(r) {
                    inst.fields[slot as usize] = v;
                }
                return Ok(());
            }
        }
        let msg = format!(
            "{} has no field '{}'",
            self.class_name_of(obj),
            self.symbols.name(name)
        );
        Err(self.error_of("AttributeError", msg))
    }

    /// A sequence index after negative adjustment, or an IndexError.
    fn index_in(&mut self, what: &str, i: i64, len: usize) -> Result<usize, Exc> {
        let adjusted = if i < 0 { i + len as i64 } else { i };
        if adjusted < 0 || adjusted >= len as i64 {
            return Err(self.error_of(
                "IndexError",
                format!("{what} index {i} out of range for length {len}"),
            ));
        }
        Ok(adjusted as usize)
    }

    pub(crate) fn get_index(&mut self, obj: Value, i: Value) -> Result<Value, Exc> {
        let Value::Obj(r) = obj else {
            return self.user_index(obj, i);
        };
        match (self.heap.get(r), i) {
            (Object::List(items), Value::Int(n)) => {
                let len = items.len();
                let at = self.index_in("list", n, len)?;
                match self.heap.get(r) {
                    Object::List(items) => Ok(items[at]),
                    _ => Ok(Value::Nil),
                }
            }
            (Object::Str(_), Value::Int(n)) => crate::runtime::strings::char_at(self, r, n),
            (Object::Map(_), key) => {
                let k = self.map_key(key)?;
                let found = match self.heap.get(r) {
                    Object::Map(m) => m.entries.get(&k).map(|e| e.1),
                    _ => None,
                };
                match found {
                    Some(v) => Ok(v),
                    None => {
                        let shown = format::repr(self, key)?;
                        Err(self.error_of("KeyError", format!("key {shown} not found")))
                    }
                }
            }
            (Object::List(_) | Object::Str(_), Value::Obj(range))
                if matches!(self.heap.get(range), Object::Range(_)) =>
            {
                crate::runtime::prelude::slice(self, obj, i)
            }
            (Object::Instance(_), _) => self.user_index(obj, i),
            (Object::List(_) | Object::Str(_), _) => {
                let msg = format!(
                    "indexes must be Ints or Ranges, not {}",
                    self.class_name_of(i)
                );
                Err(self.type_error(msg))
            }
            _ => self.user_index(obj, i),
        }
    }

    fn user_index(&mut self, obj: Value, i: Value) -> Result<Value, Exc> {
        let class = self.class_of(obj);
        let sym = self.intern("[]");
        match self.find_method(class, sym) {
            Some(m) => self.call_method_value(m, obj, &[i]),
            None => {
                let msg = format!("{} is not indexable", self.class_name_of(obj));
                Err(self.type_error(msg))
            }
        }
    }

    pub(crate) fn set_index(&mut self, obj: Value, i: Value, v: Value) -> Result<(), Exc> {
        if let Value::Obj(r) = obj {
            match (self.heap.get(r), i) {
                (Object::List(items), Value::Int(n)) => {
                    let len = items.len();
                    let at = self.index_in("list", n, len)?;
                    if let Object::List(items) = self.heap.get_mut(r) {
                        items[at] = v;
                    }
                    return Ok(());
                }
                (Object::Map(_), key) => {
                    let k = self.map_key(key)?;
                    if let Object::Map(m) = self.heap.get_mut(r) {
                        m.entries.insert(k, (key, v));
                    }
                    return Ok(());
                }
                (Object::List(_), _) => {
                    let msg = format!("list indexes must be Ints, not {}", self.class_name_of(i));
                    return Err(self.type_error(msg));
                }
                _ => {}
            }
        }
        let class = self.class_of(obj);
        let sym = self.intern("[]=");
        match self.find_method(class, sym) {
            Some(m) => self.call_method_value(m, obj, &[i, v]).map(|_| ()),
            None => {
                let msg = format!(
                    "{} does not support item assignment",
                    self.class_name_of(obj)
                );
                Err(self.type_error(msg))
            }
        }
    }

    /// The hashable identity of a value as a map key.
    pub fn map_key(&mut self, v: Value) -> Result<MapKey, Exc> {
        Ok(match v {
            Value::Nil => MapKey::Nil,
            Value::Bool(b) => MapKey::Bool(b),
            Value::Int(i) => MapKey::Int(i),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    MapKey::Int(f as i64)
                } else {
                    MapKey::Float(f.to_bits())
                }
            }
            Value::Obj(r) => match self.heap.get(r) {
                Object::Str(s) => MapKey::Str(s.text.clone()),
                Object::Range(g) => MapKey::Range(g.start, g.end, g.inclusive),
                Object::List(_) | Object::Map(_) => {
                    let msg = format!("{} cannot be a map key", self.class_name_of(v));
                    return Err(self.type_error(msg));
                }
                _ => MapKey::Obj(r),
            },
        })
    }

    pub(crate) fn make_map(&mut self, n: usize) -> Result<Value, Exc> {
        let at = self.stack.len() - 2 * n;
        let pairs: Vec<Value> = self.stack[at..].to_vec();
        let mut map = MapObj::default();
        for pair in pairs.chunks(2) {
            let k = self.map_key(pair[0])?;
            map.entries.insert(k, (pair[0], pair[1]));
        }
        self.stack.truncate(at);
        Ok(Value::Obj(self.heap.alloc(Object::Map(map))))
    }

    /// `STR n`: converts each part with `str` and joins them.
    pub(crate) fn concat_strs(&mut self, n: usize) -> Result<Value, Exc> {
        let at = self.stack.len() - n;
        let parts: Vec<Value> = self.stack[at..].to_vec();
        let mut out = String::new();
        for p in parts {
            let s = format::to_str(self, p)?;
            out.push_str(&s);
        }
        self.stack.truncate(at);
        Ok(self.str_value(out))
    }

    /// `ITER`: an iterator object for a List, Range, String, Map, Fiber or
    /// any object with `iter()`.
    pub(crate) fn make_iter(&mut self, x: Value) -> Result<Value, Exc> {
        let it = match x {
            Value::Obj(r) => match self.heap.get(r) {
                Object::List(_) => IterObj::List { list: r, index: 0 },
                Object::Str(_) => IterObj::Str {
                    s: r,
                    byte: 0,
                    index: 0,
                },
                Object::Range(g) => IterObj::Range {
                    next: g.start,
                    end: g.end,
                    inclusive: g.inclusive,
                    step: g.step,
                    index: 0,
                },
                Object::Map(_) => IterObj::Map { map: r, index: 0 },
                Object::Fiber(_) => IterObj::Fiber { fiber: r, index: 0 },
                _ => self.user_iter(x)?,
            },
            _ => self.user_iter(x)?,
        };
        Ok(Value::Obj(self.heap.alloc(Object::Iter(Box::new(it)))))
    }

    fn user_iter(&mut self, x: Value) -> Result<IterObj, Exc> {
        let sym = self.intern("iter");
        let class = self.class_of(x);
        match self.find_method(class, sym) {
            Some(m) => {
                let iterator = self.call_method_value(m, x, &[])?;
                Ok(IterObj::User { iterator, index: 0 })
            }
            None => {
                let msg = format!("{} is not iterable", self.class_name_of(x));
                Err(self.type_error(msg))
            }
        }
    }

    /// `FOR_NEXT`: pushes the next value (or index/key and value when
    /// `pair`), or returns false when done.
    pub(crate) fn iter_next(&mut self, it: Value, pair: bool) -> Result<bool, Exc> {
        let Value::Obj(r) = it else { return Ok(false) };
        let state = match self.heap.get(r) {
            Object::Iter(state) => &**state,
            _ => return Ok(false),
        };
        let (next, advance): (Option<(Value, Value)>, IterObj) = match *state {
            IterObj::List { list, index } => {
                let item = match self.heap.get(list) {
                    Object::List(items) => items.get(index).copied(),
                    _ => None,
                };
                (
                    item.map(|v| (Value::Int(index as i64), v)),
                    IterObj::List {
                        list,
                        index: index + 1,
                    },
                )
            }
            IterObj::Range {
                next,
                end,
                inclusive,
                step,
                index,
            } => {
                let more = if step > 0 {
                    next < end || (inclusive && next == end)
                } else {
                    next > end || (inclusive && next == end)
                };
                let following = next.checked_add(step);
                let done_after = following.is_none();
                let item = more.then_some((Value::Int(index as i64), Value::Int(next)));
                let advance = IterObj::Range {
                    next: following.unwrap_or(end),
                    end: if done_after { next } else { end },
                    inclusive: inclusive && !done_after,
                    step,
                    index: index + 1,
                };
                (item, advance)
            }
            IterObj::Str { s, byte, index } => {
                let ch = match self.heap.get(s) {
                    Object::Str(st) => st.text[byte..].chars().next(),
                    _ => None,
                };
                match ch {
                    Some(c) => {
                        let v = self.str_value(c.to_string());
                        (
                            Some((Value::Int(index as i64), v)),
                            IterObj::Str {
                                s,
                                byte: byte + c.len_utf8(),
                                index: index + 1,
                            },
                        )
                    }
                    None => (None, IterObj::Str { s, byte, index }),
                }
            }
            IterObj::Map { map, index } => {
                let entry = match self.heap.get(map) {
                    Object::Map(m) => m.entries.get_index(index).map(|(_, e)| *e),
                    _ => None,
                };
                (
                    entry,
                    IterObj::Map {
                        map,
                        index: index + 1,
                    },
                )
            }
            IterObj::User { iterator, index } => {
                let sym = self.intern("next");
                let class = self.class_of(iterator);
                let Some(m) = self.find_method(class, sym) else {
                    let msg = format!("{} has no method 'next'", self.class_name_of(iterator));
                    return Err(self.error_of("AttributeError", msg));
                };
                let v = self.call_method_value(m, iterator, &[])?;
                let done = v == Value::Obj(self.done);
                (
                    (!done).then_some((Value::Int(index as i64), v)),
                    IterObj::User {
                        iterator,
                        index: index + 1,
                    },
                )
            }
            IterObj::Fiber { fiber, index } => {
                let v = crate::runtime::fibers::next_for_loop(self, fiber)?;
                (
                    v.map(|v| (Value::Int(index as i64), v)),
                    IterObj::Fiber {
                        fiber,
                        index: index + 1,
                    },
                )
            }
        };
        if let Object::Iter(state) = self.heap.get_mut(r) {
            **state = advance;
        }
        match next {
            Some((k, v)) => {
                if pair {
                    self.stack.push(k);
                }
                self.stack.push(v);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    pub fn str_ref(&self, r: ObjRef) -> Option<&StrObj> {
        match self.heap.get(r) {
            Object::Str(s) => Some(s),
            _ => None,
        }
    }
}
