//! Member access (`obj.name`), indexing (`obj[i]`), and the literal
//! builders that need the heap (maps, interpolated strings).

use super::cache::{Entry, Kind};
use super::{Exc, Vm};
use crate::object::{BoundObj, Object, StrObj};
use crate::runtime::{format, keys};
use crate::symbol::Sym;
use crate::value::{ObjRef, Value};

/// What `obj.name` found: a method (to bind or call with the receiver) or
/// a plain value.
pub enum Member {
    Method(Value),
    Value(Value),
}

impl Vm {
    pub(crate) fn get_field(&mut self, obj: Value, name: Sym, cache: u32) -> Result<Value, Exc> {
        if let Value::Obj(r) = obj {
            if let Object::Instance(inst) = self.heap.get(r) {
                let class = inst.class;
                let slot = self.field_slot(cache, class, name, Kind::GetField);
                if let Some(slot) = slot {
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
                Object::Class(_) => {
                    if let Some(m) = self.class_member(r, name) {
                        return Ok(m);
                    }
                }
                Object::Module(_) => return self.module_member(r, name).map(Member::Value),
                Object::Host(_) => {
                    let field = self.symbols.name(name).to_string();
                    if let Some(got) =
                        crate::embed::host_class::get_property(self, obj, class, &field)
                    {
                        return got.map(Member::Value);
                    }
                }
                Object::Fiber(f) if self.symbols.name(name) == "done" => {
                    let done = f.state == super::fiber::FiberState::Done;
                    return Ok(Member::Value(Value::Bool(done)));
                }
                _ => {}
            }
        }
        if name == self.sym_class {
            return Ok(Member::Value(Value::Obj(class)));
        }
        if let Some(m) = self.find_method(class, name) {
            return Ok(Member::Method(m));
        }
        Err(self.no_member(obj, class, name, calling))
    }

    /// The AttributeError for a member that does not exist (§5.12).
    fn no_member(&mut self, obj: Value, class: ObjRef, name: Sym, calling: bool) -> Exc {
        let class_name = self.class_name(class);
        let text = self.symbols.name(name).to_string();
        let msg = match obj {
            Value::Obj(r) if matches!(self.heap.get(r), Object::Class(_)) => {
                format!("class {} has no static member '{text}'", self.class_name(r))
            }
            _ if calling => format!("{class_name} has no method '{text}'"),
            _ => format!("{class_name} has no field or method '{text}'"),
        };
        self.error_of("AttributeError", msg)
    }

    /// The class whose static variable `name` is, searching `class` and its
    /// ancestors (§8.3: there is one variable, shared with subclasses).
    fn static_owner(&self, class: ObjRef, name: Sym) -> Option<ObjRef> {
        let mut current = Some(class);
        while let Some(c) = current {
            current = match self.heap.get(c) {
                Object::Class(k) if k.statics.contains_key(&name) => return Some(c),
                Object::Class(k) => k.superclass,
                _ => None,
            };
        }
        None
    }

    /// `C.name` on a class: a static variable, a static method (called with
    /// `this` = `C`), the class's `name`, or `Iterator.done`.
    fn class_member(&mut self, class: ObjRef, name: Sym) -> Option<Member> {
        if let Some(owner) = self.static_owner(class, name) {
            if let Object::Class(k) = self.heap.get(owner) {
                return k.statics.get(&name).copied().map(Member::Value);
            }
        }
        let Object::Class(c) = self.heap.get(class) else {
            return None;
        };
        if let Some(m) = c.static_methods.get(&name) {
            return Some(Member::Method(*m));
        }
        let (class_name, builtin) = (c.name.to_string(), c.builtin);
        match self.symbols.name(name) {
            "name" => Some(Member::Value(self.str_value(class_name))),
            "done" if builtin == Some(crate::object::Builtin::Iterator) => {
                Some(Member::Value(Value::Obj(self.done)))
            }
            _ => None,
        }
    }

    /// `m.name` on a module: its `let`, `var`, `fn` and `class` names, not
    /// its imports; `_` names are private (§9.3).
    fn module_member(&mut self, module: ObjRef, name: Sym) -> Result<Value, Exc> {
        let Object::Module(m) = self.heap.get(module) else {
            return Ok(Value::Nil);
        };
        if let Some(v) = m.members.get(&name) {
            return Ok(*v);
        }
        let index = m.index as usize;
        let module_name = m.name.to_string();
        let text = self.symbols.name(name).to_string();
        let found = self.modules.get(index).and_then(|linked| {
            linked
                .global_names
                .iter()
                .zip(&linked.exported)
                .position(|(g, exported)| *g == name && *exported)
        });
        match found {
            Some(_) if text.starts_with('_') => {
                let msg = format!("'{text}' is private to module {module_name}");
                Err(self.error_of("AttributeError", msg))
            }
            Some(g) => Ok(self.modules[index].globals[g]),
            None => {
                let msg = format!("module {module_name} has no member '{text}'");
                Err(self.error_of("AttributeError", msg))
            }
        }
    }

    /// `obj.name = v` (§5.12).
    pub(crate) fn set_field(
        &mut self,
        obj: Value,
        name: Sym,
        v: Value,
        cache: u32,
    ) -> Result<(), Exc> {
        if name == self.sym_class {
            return Err(self.error_of("AttributeError", "cannot assign to 'class'".into()));
        }
        let Value::Obj(r) = obj else {
            return Err(self.cannot_assign_member(obj));
        };
        match self.heap.get(r) {
            Object::Instance(inst) => {
                let class = inst.class;
                self.set_instance_field(r, class, name, v, cache)
            }
            Object::Class(c) => {
                let class_name = c.name.to_string();
                match self.static_owner(r, name) {
                    Some(owner) => {
                        if let Object::Class(k) = self.heap.get_mut(owner) {
                            k.statics.insert(name, v);
                        }
                        Ok(())
                    }
                    None => {
                        let msg = format!(
                            "class {class_name} has no static variable '{}'",
                            self.symbols.name(name)
                        );
                        Err(self.error_of("AttributeError", msg))
                    }
                }
            }
            Object::Host(h) => {
                let class = h.class;
                let field = self.symbols.name(name).to_string();
                crate::embed::host_class::set_property(self, obj, class, &field, v)
            }
            Object::Module(m) => {
                let msg = format!(
                    "cannot assign to member '{}' of module {}",
                    self.symbols.name(name),
                    m.name
                );
                Err(self.error_of("AttributeError", msg))
            }
            _ => Err(self.cannot_assign_member(obj)),
        }
    }

    fn cannot_assign_member(&mut self, obj: Value) -> Exc {
        let msg = format!(
            "cannot assign to a member of a value of class {}",
            self.class_name_of(obj)
        );
        self.error_of("AttributeError", msg)
    }

    fn set_instance_field(
        &mut self,
        r: ObjRef,
        class: ObjRef,
        name: Sym,
        v: Value,
        cache: u32,
    ) -> Result<(), Exc> {
        let Some(slot) = self.field_slot(cache, class, name, Kind::SetField) else {
            let msg = format!(
                "{} has no field '{}'",
                self.class_name(class),
                self.symbols.name(name)
            );
            return Err(self.error_of("AttributeError", msg));
        };
        if let Object::Instance(inst) = self.heap.get_mut(r) {
            inst.fields[slot as usize] = v;
        }
        Ok(())
    }

    /// The slot of field `name` in instances of `class`, through the site's
    /// inline cache (filled on a miss).
    fn field_slot(&mut self, cache: u32, class: ObjRef, name: Sym, kind: Kind) -> Option<u16> {
        if let Some(e) = self.cached(cache, class, name, kind) {
            return Some(e.slot as u16);
        }
        let slot = match self.heap.get(class) {
            Object::Class(c) => c.field_index.get(&name).copied(),
            _ => None,
        }?;
        self.remember(cache, name, kind, Entry::field(class, slot));
        Some(slot)
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

    /// "list index must be Int or Range, not String" (§5.11).
    fn bad_index(&mut self, what: &str, i: Value) -> Exc {
        let msg = format!(
            "{what} index must be Int or Range, not {}",
            self.class_name_of(i)
        );
        self.type_error(msg)
    }

    fn not_indexable(&mut self, obj: Value) -> Exc {
        let msg = format!("cannot index a value of class {}", self.class_name_of(obj));
        self.type_error(msg)
    }

    fn is_range(&self, v: Value) -> bool {
        matches!(v, Value::Obj(r) if matches!(self.heap.get(r), Object::Range(_)))
    }

    /// `obj[i]` (§5.11).
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
            (Object::List(_) | Object::Str(_), _) if self.is_range(i) => {
                crate::runtime::prelude::slice(self, obj, i)
            }
            (Object::List(_), _) => Err(self.bad_index("list", i)),
            (Object::Str(_), _) => Err(self.bad_index("string", i)),
            (Object::Map(_), key) => match keys::get(self, r, key)? {
                Some(v) => Ok(v),
                None => {
                    let shown = format::repr(self, key)?;
                    Err(self.error_of("KeyError", format!("key {shown} not found")))
                }
            },
            _ => self.user_index(obj, i),
        }
    }

    /// `obj[i]` on an instance whose class defines `[]`.
    fn user_index(&mut self, obj: Value, i: Value) -> Result<Value, Exc> {
        let sym = self.intern("[]");
        match self.instance_method(obj, sym) {
            Some(m) => self.call_method_value(m, obj, &[i]),
            None => Err(self.not_indexable(obj)),
        }
    }

    /// The method `name` of an instance's class, if `obj` is an instance.
    pub(crate) fn instance_method(&self, obj: Value, name: Sym) -> Option<Value> {
        match obj {
            Value::Obj(r) => match self.heap.get(r) {
                Object::Instance(inst) => self.find_method(inst.class, name),
                _ => None,
            },
            _ => None,
        }
    }

    /// `obj[i] = v` (§5.11).
    pub(crate) fn set_index(&mut self, obj: Value, i: Value, v: Value) -> Result<(), Exc> {
        if let Value::Obj(r) = obj {
            match (self.heap.get(r), i) {
                (Object::List(items), Value::Int(n)) => {
                    let len = items.len();
                    let at = self.index_in("list", n, len)?;
                    if let Object::List(items) = self.heap.get_mut_entry_storing(r, at, &[v]) {
                        items[at] = v;
                    }
                    return Ok(());
                }
                (Object::List(_), _) if self.is_range(i) => {
                    return Err(self.type_error("cannot assign to a slice".into()));
                }
                (Object::List(_), _) => return Err(self.bad_index("list", i)),
                (Object::Str(_), _) => {
                    return Err(self.type_error("cannot assign to an index of a String".into()));
                }
                (Object::Map(_), key) => return keys::insert(self, r, key, v),
                _ => {}
            }
        }
        let sym = self.intern("[]=");
        match self.instance_method(obj, sym) {
            Some(m) => self.call_method_value(m, obj, &[i, v]).map(|_| ()),
            None => Err(self.not_indexable(obj)),
        }
    }

    /// `MAP n`: a new Map from the `n` key/value pairs on the stack, which
    /// stay there (rooted) until every key is in.
    pub(crate) fn make_map(&mut self, n: usize) -> Result<Value, Exc> {
        let at = self.stack.len() - 2 * n;
        let map = self.heap.alloc(Object::Map(Box::default()));
        let result = keys::rooted(self, &[Value::Obj(map)], |vm| {
            for i in 0..n {
                let (k, v) = (vm.stack[at + 2 * i], vm.stack[at + 2 * i + 1]);
                keys::insert(vm, map, k, v)?;
            }
            Ok(Value::Obj(map))
        });
        self.stack.truncate(at);
        result
    }

    /// `STR n`: converts each part with `str` and joins them. The parts
    /// stay on the stack (rooted) meanwhile. The text is checked against
    /// the heap limit as it grows, and when the parts are all Strings, at
    /// once before it is built.
    pub(crate) fn concat_strs(&mut self, n: usize) -> Result<Value, Exc> {
        let at = self.stack.len() - n;
        if let Some(s) = self.concat_plain(&self.stack[at..]) {
            self.stack.truncate(at);
            return Ok(self.str_value_of(s));
        }
        let mut out = String::new();
        if let Some(total) = crate::runtime::memory::strings_len(self, &self.stack[at..]) {
            crate::runtime::memory::reserve_text(self, &mut out, total, &[])?;
        }
        for i in at..at + n {
            format::write_str(self, self.stack[i], &mut out)?;
        }
        self.stack.truncate(at);
        Ok(self.str_value(out))
    }

    pub fn str_ref(&self, r: ObjRef) -> Option<&StrObj> {
        match self.heap.get(r) {
            Object::Str(s) => Some(s),
            _ => None,
        }
    }
}
