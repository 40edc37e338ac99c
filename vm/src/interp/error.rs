//! Runtime errors: creating Cairn error objects from Rust, class names for
//! messages, and tracebacks.

use super::{Exc, Vm};
use crate::object::{Builtin, Instance, Object};
use crate::value::{ObjRef, Value};

impl Vm {
    /// A new instance of the built-in error class `class` with `message`.
    pub fn error_value(&mut self, class: &str, message: String) -> Value {
        let class = self
            .classes
            .get(class)
            .copied()
            .unwrap_or_else(|| self.class("Error"));
        let message = self.str_value(message);
        let stack = self.str_value("");
        let r = self.heap.alloc(Object::Instance(Instance {
            class,
            fields: vec![message, stack].into_boxed_slice(),
        }));
        let v = Value::Obj(r);
        self.set_stack_trace(v);
        v
    }

    pub fn error_of(&mut self, class: &str, message: String) -> Exc {
        Exc::Error(self.error_value(class, message))
    }

    pub fn type_error(&mut self, message: String) -> Exc {
        self.error_of("TypeError", message)
    }

    pub fn not_callable(&mut self, v: Value) -> Exc {
        let msg = format!("cannot call a value of class {}", self.class_name_of(v));
        self.type_error(msg)
    }

    pub fn class_name(&self, class: ObjRef) -> String {
        match self.heap.get(class) {
            Object::Class(c) => c.name.to_string(),
            _ => "?".to_string(),
        }
    }

    /// The class object of any value.
    #[inline]
    pub fn class_of(&self, v: Value) -> ObjRef {
        use crate::object::Builtin as C;
        let which = match v {
            Value::Nil => C::Nil,
            Value::Bool(_) => C::Bool,
            Value::Int(_) => C::Int,
            Value::Float(_) => C::Float,
            Value::Obj(r) => match self.heap.get(r) {
                Object::Str(_) => C::String,
                Object::List(_) => C::List,
                Object::Map(_) => C::Map,
                Object::Range(_) => C::Range,
                Object::Instance(i) => return i.class,
                Object::Host(h) => return h.class,
                Object::Class(_) => C::Class,
                Object::Closure(_) | Object::Native(_) | Object::Bound(_) => C::Function,
                Object::Cell(_) => C::Object,
                Object::Module(_) => C::Module,
                Object::Iter(_) | Object::Done => C::Iterator,
                Object::Fiber(_) => C::Fiber,
            },
        };
        self.builtin_classes[which as usize]
    }

    pub fn class_name_of(&self, v: Value) -> String {
        self.class_name(self.class_of(v))
    }

    /// Whether `class` is `ancestor` or inherits from it.
    pub fn is_subclass(&self, class: ObjRef, ancestor: ObjRef) -> bool {
        let mut current = Some(class);
        while let Some(c) = current {
            if c == ancestor {
                return true;
            }
            current = match self.heap.get(c) {
                Object::Class(k) => k.superclass,
                _ => None,
            };
        }
        false
    }

    pub fn is_error(&self, v: Value) -> bool {
        let error = self.class("Error");
        match v {
            Value::Obj(r) => match self.heap.get(r) {
                Object::Instance(i) => self.is_subclass(i.class, error),
                _ => false,
            },
            _ => false,
        }
    }

    /// `throw v`: v must be an Error. Its `stack` is set the first time it
    /// is raised and kept when it is raised again (§11.1).
    pub(crate) fn prepare_throw(&mut self, v: Value) -> Value {
        if !self.is_error(v) {
            let msg = format!(
                "can only throw Error instances, not {}",
                self.class_name_of(v)
            );
            return self.error_value("TypeError", msg);
        }
        if self.stack_slot(v).is_some_and(|(r, slot)| {
            matches!(self.heap.get(r), Object::Instance(i) if i.fields[slot] == Value::Nil)
        }) {
            self.set_stack_trace(v);
        }
        v
    }

    /// The error object and the slot of its `stack` field.
    fn stack_slot(&mut self, error: Value) -> Option<(ObjRef, usize)> {
        let stack_sym = self.intern("stack");
        let Value::Obj(r) = error else { return None };
        let Object::Instance(i) = self.heap.get(r) else {
            return None;
        };
        match self.heap.get(i.class) {
            Object::Class(c) => c.field_index.get(&stack_sym).map(|&s| (r, usize::from(s))),
            _ => None,
        }
    }

    /// Writes the current traceback into the error's `stack` field.
    fn set_stack_trace(&mut self, error: Value) {
        let trace = self.traceback();
        let text = self.str_value(trace);
        if let Some((r, slot)) = self.stack_slot(error) {
            if let Object::Instance(i) = self.heap.get_mut(r) {
                i.fields[slot] = text;
            }
        }
    }

    /// `  at fn (file:line)` lines, innermost frame first.
    pub fn traceback(&self) -> String {
        let mut out = String::new();
        for f in self.frames.iter().rev() {
            let p = &self.protos[f.proto as usize];
            let line = p.lines.get(f.ip.saturating_sub(1)).copied().unwrap_or(0);
            let source = &p.source;
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("  at {} ({source}:{line})", p.display));
        }
        out
    }

    /// The `message` of an error value, and its class name.
    pub fn error_parts(&self, error: Value) -> (String, String, String) {
        let class = self.class_name_of(error);
        let mut message = String::new();
        let mut stack = String::new();
        if let Value::Obj(r) = error {
            if let Object::Instance(i) = self.heap.get(r) {
                if let Object::Class(c) = self.heap.get(i.class) {
                    let field = |name: &str| {
                        self.symbols
                            .lookup(name)
                            .and_then(|s| c.field_index.get(&s))
                            .map(|&slot| i.fields[slot as usize])
                    };
                    if let Some(Value::Obj(m)) = field("message") {
                        if let Object::Str(s) = self.heap.get(m) {
                            message = s.text.to_string();
                        }
                    }
                    if let Some(Value::Obj(m)) = field("stack") {
                        if let Object::Str(s) = self.heap.get(m) {
                            stack = s.text.to_string();
                        }
                    }
                }
            }
        }
        (class, message, stack)
    }

    /// Whether a class value is one of the built-in value classes.
    pub fn builtin_of(&self, class: ObjRef) -> Option<Builtin> {
        match self.heap.get(class) {
            Object::Class(c) => c.builtin,
            _ => None,
        }
    }
}
