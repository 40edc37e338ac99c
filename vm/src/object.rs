//! Heap object kinds. Every object lives in the [`Heap`](crate::heap::Heap)
//! and is reached through an [`ObjRef`]; [`Object::trace`] lists the
//! references an object holds, which is all the collector needs to know.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::symbol::Sym;
use crate::value::{ObjRef, Value};

/// An immutable string. `ascii` makes character indexing O(1).
#[derive(Debug)]
pub struct StrObj {
    pub text: Box<str>,
    pub ascii: bool,
    /// Length in characters (Unicode scalar values).
    pub chars: usize,
}

impl StrObj {
    pub fn new(text: impl Into<Box<str>>) -> StrObj {
        let text = text.into();
        let ascii = text.is_ascii();
        let chars = if ascii {
            text.len()
        } else {
            text.chars().count()
        };
        StrObj { text, ascii, chars }
    }
}

/// A map key: the hashable identity of a value under Cairn's equality
/// (`1` and `1.0` are one key; strings compare by content; other objects
/// by identity).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MapKey {
    Nil,
    Bool(bool),
    Int(i64),
    /// A Float that is not integral (integral ones become `Int`); NaN is
    /// stored by bits, so a NaN key can be stored but never found by lookup.
    Float(u64),
    Str(Box<str>),
    Range(i64, i64, bool),
    Obj(ObjRef),
}

/// An insertion-ordered map. Each entry keeps the original key value, so
/// `keys()` returns what was stored.
#[derive(Debug, Default)]
pub struct MapObj {
    pub entries: IndexMap<MapKey, (Value, Value)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RangeObj {
    pub start: i64,
    pub end: i64,
    pub inclusive: bool,
    /// The step of a stepping range made by `step(n)`; 1 for plain ranges.
    pub step: i64,
}

#[derive(Debug)]
pub struct Instance {
    pub class: ObjRef,
    /// One slot per field of the class layout (inherited fields first).
    pub fields: Box<[Value]>,
}

/// A class: its layout, methods and static members.
#[derive(Debug)]
pub struct ClassObj {
    pub name: Box<str>,
    pub superclass: Option<ObjRef>,
    /// Field names by slot, inherited first; `field_index` maps them back.
    pub fields: Vec<Sym>,
    pub field_index: HashMap<Sym, u16>,
    /// Methods by selector, own and inherited (copied down at creation).
    pub methods: HashMap<Sym, Value>,
    pub statics: HashMap<Sym, Value>,
    /// Field-initializer closures, base class first.
    pub field_inits: Vec<Value>,
    /// Which built-in class this is or descends from, if any.
    pub builtin: Option<Builtin>,
    /// The module that declared it (for `_private` checks and tracebacks).
    pub module: Option<ObjRef>,
}

/// Built-in classes with native behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Nil,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
    Range,
    Function,
    Class,
    Fiber,
    Iterator,
    Object,
    Error,
    Module,
}

/// A function value: compiled code plus its captured cells.
#[derive(Debug)]
pub struct ClosureObj {
    /// Index into the VM's prototype table.
    pub proto: u32,
    pub upvalues: Box<[ObjRef]>,
    /// The class whose method this is (or whose method created it): where
    /// `super` starts looking.
    pub home: Option<ObjRef>,
}

/// A native function: Rust code callable from Cairn.
#[derive(Clone, Copy)]
pub struct NativeObj {
    pub name: &'static str,
    pub func: crate::interp::NativeFn,
    /// Bound receiver for native methods of built-in values.
    pub receiver: Value,
    /// Extra data (a builtin method selector or module index).
    pub data: u32,
}

impl std::fmt::Debug for NativeObj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<native {}>", self.name)
    }
}

#[derive(Debug)]
pub struct BoundObj {
    pub receiver: Value,
    pub method: Value,
}

/// A loaded module: its globals and what `import` returns.
#[derive(Debug)]
pub struct ModuleObj {
    pub name: Box<str>,
    /// Index into the VM's linked-module table.
    pub index: u32,
    /// Native modules (math) keep their members here instead.
    pub members: HashMap<Sym, Value>,
}

/// The state of an iterator over a built-in collection.
#[derive(Debug)]
pub enum IterObj {
    List {
        list: ObjRef,
        index: usize,
    },
    Str {
        s: ObjRef,
        byte: usize,
        index: usize,
    },
    Range {
        next: i64,
        end: i64,
        inclusive: bool,
        step: i64,
        index: usize,
    },
    Map {
        map: ObjRef,
        index: usize,
    },
    /// `obj.iter()` returned this object; `next()` is called on it.
    User {
        iterator: Value,
        index: usize,
    },
    Fiber {
        fiber: ObjRef,
        index: usize,
    },
}

#[derive(Debug)]
pub enum Object {
    Str(StrObj),
    List(Vec<Value>),
    Map(MapObj),
    Range(RangeObj),
    Instance(Instance),
    Class(Box<ClassObj>),
    Closure(ClosureObj),
    Cell(Value),
    Bound(BoundObj),
    Native(NativeObj),
    Module(Box<ModuleObj>),
    Iter(Box<IterObj>),
    Fiber(Box<crate::interp::fiber::Fiber>),
    /// The unique `Iterator.done` sentinel.
    Done,
}

impl Object {
    /// Pushes every reference this object holds.
    pub fn trace(&self, out: &mut Vec<ObjRef>) {
        let value = |v: &Value, out: &mut Vec<ObjRef>| {
            if let Value::Obj(r) = v {
                out.push(*r);
            }
        };
        match self {
            Object::Str(_) | Object::Range(_) | Object::Done => {}
            Object::List(items) => items.iter().for_each(|v| value(v, out)),
            Object::Map(m) => {
                for (k, (kv, v)) in &m.entries {
                    if let MapKey::Obj(r) = k {
                        out.push(*r);
                    }
                    value(kv, out);
                    value(v, out);
                }
            }
            Object::Instance(i) => {
                out.push(i.class);
                i.fields.iter().for_each(|v| value(v, out));
            }
            Object::Class(c) => {
                out.extend(c.superclass);
                out.extend(c.module);
                c.methods.values().for_each(|v| value(v, out));
                c.statics.values().for_each(|v| value(v, out));
                c.field_inits.iter().for_each(|v| value(v, out));
            }
            Object::Closure(c) => {
                out.extend(c.upvalues.iter().copied());
                out.extend(c.home);
            }
            Object::Cell(v) => value(v, out),
            Object::Bound(b) => {
                value(&b.receiver, out);
                value(&b.method, out);
            }
            Object::Native(n) => value(&n.receiver, out),
            Object::Module(m) => m.members.values().for_each(|v| value(v, out)),
            Object::Iter(it) => match &**it {
                IterObj::List { list, .. } => out.push(*list),
                IterObj::Str { s, .. } => out.push(*s),
                IterObj::Range { .. } => {}
                IterObj::Map { map, .. } => out.push(*map),
                IterObj::User { iterator, .. } => value(iterator, out),
                IterObj::Fiber { fiber, .. } => out.push(*fiber),
            },
            Object::Fiber(f) => f.trace(out),
        }
    }

    /// A rough size in bytes, for collection pacing.
    pub fn size(&self) -> usize {
        std::mem::size_of::<Object>()
            + match self {
                Object::Str(s) => s.text.len(),
                Object::List(v) => v.capacity() * 16,
                Object::Map(m) => m.entries.capacity() * 64,
                Object::Instance(i) => i.fields.len() * 16,
                Object::Class(c) => 256 + c.methods.len() * 32,
                Object::Closure(c) => c.upvalues.len() * 4,
                Object::Fiber(f) => f.size(),
                _ => 0,
            }
    }
}
