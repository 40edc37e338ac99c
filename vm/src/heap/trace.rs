//! Tracing: how the collector visits, and renames, the references an object
//! or a root holds.
//!
//! One walk serves both collections. A minor collection's tracer renames
//! each nursery reference to the object's new place (copying it there the
//! first time); the major collection's tracer only marks. Tables keyed by
//! object identity (a Map whose keys are instances) are rebuilt when a key
//! is renamed, since the key's hash changes with its name.

use crate::interp::fiber::Fiber;
use crate::object::{IterObj, MapKey, MapObj, Object};
use crate::value::{ObjRef, Value};

/// What a collection does with each reference it finds.
pub trait Tracer {
    /// Visits one reference, possibly renaming it.
    fn obj(&mut self, r: &mut ObjRef);

    /// Whether visiting `r` will rename it.
    fn moves(&self, r: ObjRef) -> bool;

    #[inline]
    fn value(&mut self, v: &mut Value) {
        if let Value::Obj(r) = v {
            self.obj(r);
        }
    }

    fn opt(&mut self, r: &mut Option<ObjRef>) {
        if let Some(r) = r {
            self.obj(r);
        }
    }
}

impl Object {
    /// Visits every reference this object holds.
    pub fn trace_mut<T: Tracer + ?Sized>(&mut self, t: &mut T) {
        match self {
            Object::Str(_) | Object::Range(_) | Object::Done => {}
            Object::List(items) => items.iter_mut().for_each(|v| t.value(v)),
            Object::Map(m) => trace_map(m, t),
            Object::Instance(i) => {
                t.obj(&mut i.class);
                i.fields.iter_mut().for_each(|v| t.value(v));
            }
            Object::Class(c) => {
                t.opt(&mut c.superclass);
                t.opt(&mut c.module);
                c.methods.values_mut().for_each(|v| t.value(v));
                c.statics.values_mut().for_each(|v| t.value(v));
                c.static_methods.values_mut().for_each(|v| t.value(v));
                c.field_inits.iter_mut().for_each(|v| t.value(v));
            }
            Object::Closure(c) => {
                c.upvalues.iter_mut().for_each(|v| t.value(v));
                t.opt(&mut c.home);
            }
            Object::Cell(v) => t.value(v),
            Object::Bound(b) => {
                t.value(&mut b.receiver);
                t.value(&mut b.method);
            }
            Object::Native(n) => t.value(&mut n.receiver),
            Object::Module(m) => m.members.values_mut().for_each(|v| t.value(v)),
            Object::Iter(it) => match &mut **it {
                IterObj::List { list: r, .. }
                | IterObj::Str { s: r, .. }
                | IterObj::Map { map: r, .. }
                | IterObj::Fiber { fiber: r } => t.obj(r),
                IterObj::Range(_) | IterObj::Step(_) => {}
                IterObj::User { class, iterator } => {
                    t.obj(class);
                    t.value(iterator);
                }
            },
            Object::Fiber(f) => trace_fiber(f, t),
            Object::Host(h) => t.obj(&mut h.class),
        }
    }
}

pub(super) fn key_ref(k: &MapKey) -> Option<ObjRef> {
    match k {
        MapKey::Obj(r) | MapKey::Hashed { obj: r, .. } => Some(*r),
        _ => None,
    }
}

fn trace_map<T: Tracer + ?Sized>(m: &mut MapObj, t: &mut T) {
    let rekey = m
        .entries
        .keys()
        .any(|k| key_ref(k).is_some_and(|r| t.moves(r)));
    if rekey {
        // Keys hash by identity, and identities are changing: file every
        // entry again, in the same order.
        m.entries.rekey(|k, (kv, v)| {
            if let MapKey::Obj(r) | MapKey::Hashed { obj: r, .. } = k {
                t.obj(r);
            }
            t.value(kv);
            t.value(v);
        });
    } else {
        for (k, (kv, v)) in m.entries.iter_mut() {
            if let Some(mut r) = key_ref(k) {
                t.obj(&mut r);
                debug_assert_eq!(Some(r), key_ref(k), "a key moved unannounced");
            }
            t.value(kv);
            t.value(v);
        }
    }
    for list in m.hashed.values_mut() {
        list.iter_mut().for_each(|r| t.obj(r));
    }
}

fn trace_fiber<T: Tracer + ?Sized>(f: &mut Fiber, t: &mut T) {
    f.stack.iter_mut().for_each(|v| t.value(v));
    f.frames.iter_mut().for_each(|fr| t.obj(&mut fr.closure));
    t.value(&mut f.function);
    t.opt(&mut f.resumer);
}
