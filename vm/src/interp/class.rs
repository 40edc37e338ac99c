//! `CLASS`: building a class object from its declaration (§8.1), with the
//! checks that can only run when the superclass is known: it must be a
//! class that may be subclassed (§8.7), and inherited fields and methods
//! must not clash with the new class's members (§8.2, §8.8).

use super::{Exc, Vm};
use crate::classfile::Superclass;
use crate::object::{Builtin, ClassObj, Object};
use crate::symbol::{Sym, SymMap};
use crate::value::{ObjRef, Value};

/// What a new class takes over from its superclass.
struct Inherited {
    fields: Vec<Sym>,
    methods: SymMap<Value>,
    static_methods: SymMap<Value>,
    field_inits: Vec<Value>,
    builtin: Option<Builtin>,
}

impl Vm {
    /// `CLASS c n`: builds the class from its declaration and the closures
    /// (and dynamic superclass) on the stack.
    pub(crate) fn make_class(
        &mut self,
        module: usize,
        index: usize,
        n: usize,
    ) -> Result<Value, Exc> {
        let at = self.stack.len() - n;
        let popped: Vec<Value> = self.stack.drain(at..).collect();
        let desc = &self.modules[module].classes[index];
        let name = desc.name.clone();
        let superclass_kind = desc.superclass;
        let own_fields = desc.fields.clone();
        let static_fields = desc.static_fields.clone();
        let methods = desc.methods.clone();
        let has_field_init = desc.field_init.is_some();
        let mut values = popped.into_iter();
        let superclass = match superclass_kind {
            Superclass::Object => self.class("Object"),
            Superclass::Builtin(b) => match self.builtins.get(b as usize) {
                Some(Value::Obj(c)) => *c,
                _ => self.class("Object"),
            },
            Superclass::Class(_) | Superclass::Dynamic => {
                let v = values.next().unwrap_or(Value::Nil);
                self.check_superclass(v)?
            }
        };
        let mut inherited = self.inherited(superclass);
        let own_methods: Vec<Sym> = methods
            .iter()
            .filter(|(_, _, is_static)| !is_static)
            .map(|(sym, _, _)| *sym)
            .collect();
        self.check_members(&name, superclass, &inherited, &own_fields, &own_methods)?;
        inherited.fields.extend(own_fields);
        let field_index = inherited
            .fields
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i as u16))
            .collect();
        let class_ref = self.heap.alloc(Object::Class(Box::new(ClassObj {
            name,
            superclass: Some(superclass),
            fields: std::mem::take(&mut inherited.fields),
            field_index,
            methods: SymMap::default(),
            statics: static_fields.into_iter().map(|s| (s, Value::Nil)).collect(),
            static_methods: SymMap::default(),
            field_inits: Vec::new(),
            builtin: inherited.builtin.filter(|b| *b == Builtin::Error),
            module: self.modules[module].object,
            eq_kind: std::cell::Cell::new(0),
        })));
        for (sym, _func, is_static) in methods {
            let closure = values.next().unwrap_or(Value::Nil);
            self.set_home(closure, class_ref);
            let table = if is_static {
                &mut inherited.static_methods
            } else {
                &mut inherited.methods
            };
            table.insert(sym, closure);
        }
        if has_field_init {
            let closure = values.next().unwrap_or(Value::Nil);
            self.set_home(closure, class_ref);
            inherited.field_inits.push(closure);
        }
        if let Object::Class(c) = self.heap.get_mut(class_ref) {
            c.methods = inherited.methods;
            c.static_methods = inherited.static_methods;
            c.field_inits = inherited.field_inits;
        }
        Ok(Value::Obj(class_ref))
    }

    fn inherited(&self, superclass: ObjRef) -> Inherited {
        match self.heap.get(superclass) {
            Object::Class(s) => Inherited {
                fields: s.fields.clone(),
                methods: s.methods.clone(),
                static_methods: s.static_methods.clone(),
                field_inits: s.field_inits.clone(),
                builtin: s.builtin,
            },
            _ => Inherited {
                fields: Vec::new(),
                methods: SymMap::default(),
                static_methods: SymMap::default(),
                field_inits: Vec::new(),
                builtin: None,
            },
        }
    }

    /// A field may not redeclare an inherited field, and a member may not
    /// be a field in one class and a method in another of the chain.
    fn check_members(
        &mut self,
        name: &str,
        superclass: ObjRef,
        inherited: &Inherited,
        own_fields: &[Sym],
        own_methods: &[Sym],
    ) -> Result<(), Exc> {
        for &f in own_fields {
            if inherited.fields.contains(&f) {
                let declarer = self.field_declarer(superclass, f);
                let msg = format!(
                    "field `{}` is already declared by superclass `{}`",
                    self.symbols.name(f),
                    self.class_name(declarer)
                );
                return Err(self.type_error(msg));
            }
        }
        let clash = own_fields
            .iter()
            .find(|f| inherited.methods.contains_key(f))
            .or_else(|| own_methods.iter().find(|m| inherited.fields.contains(m)));
        if let Some(&member) = clash {
            let msg = format!(
                "'{}' is both a field and a method of {name}",
                self.symbols.name(member)
            );
            return Err(self.type_error(msg));
        }
        Ok(())
    }

    /// The ancestor (from `class` up) that declares field `f`: the
    /// root-most one whose layout has it.
    fn field_declarer(&self, class: ObjRef, f: Sym) -> ObjRef {
        let mut declarer = class;
        let mut current = Some(class);
        while let Some(c) = current {
            current = match self.heap.get(c) {
                Object::Class(k) if k.field_index.contains_key(&f) => {
                    declarer = c;
                    k.superclass
                }
                _ => None,
            };
        }
        declarer
    }

    fn set_home(&mut self, closure: Value, class: ObjRef) {
        if let Value::Obj(r) = closure {
            if let Object::Closure(c) = self.heap.get_mut(r) {
                c.home = Some(class);
            }
        }
    }

    /// A superclass must be a class: a user class, `Object`, or `Error` and
    /// its subclasses.
    fn check_superclass(&mut self, v: Value) -> Result<ObjRef, Exc> {
        if let Value::Obj(r) = v {
            if let Object::Class(c) = self.heap.get(r) {
                if matches!(c.builtin, None | Some(Builtin::Object | Builtin::Error)) {
                    return Ok(r);
                }
                let msg = format!("cannot inherit from built-in class {}", c.name);
                return Err(self.type_error(msg));
            }
        }
        let msg = format!("superclass must be a class, not {}", self.class_name_of(v));
        Err(self.type_error(msg))
    }
}
