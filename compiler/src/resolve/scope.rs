//! Function and block scopes: local slots, and upvalue capture across
//! function boundaries (Lua's scheme: a closure lists, for each variable it
//! uses from outside, either a local slot of the enclosing function or one of
//! that function's own upvalues).

use std::collections::HashMap;

use crate::ast::{Capture, DeclKind};
use crate::span::Span;

/// What sort of code a function scope holds; decides whether `this`,
/// `super`, `return` and `return expr` are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnKind {
    /// The module's top-level code.
    Module,
    Function,
    Method,
    StaticMethod,
    Initializer,
    /// The hidden method that runs instance-field initializers.
    FieldInit,
}

impl FnKind {
    /// Methods keep the receiver in slot 0.
    pub fn has_receiver(self) -> bool {
        matches!(
            self,
            FnKind::Method | FnKind::StaticMethod | FnKind::Initializer | FnKind::FieldInit
        )
    }
}

/// A local variable in scope.
#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub slot: u32,
    pub kind: DeclKind,
    pub span: Span,
    pub id: u32,
    /// Block depth within its function.
    pub depth: u32,
}

/// The lexical context of one function being resolved.
pub struct FnScope {
    pub kind: FnKind,
    /// The class whose method this is (or whose method encloses this lambda).
    pub class: Option<usize>,
    /// In declaration order, so block depths never decrease along it.
    pub locals: Vec<Local>,
    /// Indexes into `locals` by name, innermost last, so that a function
    /// with many locals is not resolved in quadratic time.
    by_name: HashMap<String, Vec<usize>>,
    pub depth: u32,
    next_slot: u32,
    pub max_slots: u32,
    pub captures: Vec<Capture>,
    /// For each capture: the declaring binder's id and kind, for assignment checks.
    pub capture_info: Vec<(u32, DeclKind, String)>,
    /// Indexes into `captures`, keyed by (is an upvalue, index).
    capture_index: HashMap<(bool, u32), u32>,
    pub loop_depth: u32,
}

impl FnScope {
    /// A new scope; slot 0 holds the receiver (methods) or the callee itself.
    pub fn new(kind: FnKind, class: Option<usize>) -> FnScope {
        FnScope {
            kind,
            class,
            locals: Vec::new(),
            by_name: HashMap::new(),
            depth: 0,
            next_slot: 1,
            max_slots: 1,
            captures: Vec::new(),
            capture_info: Vec::new(),
            capture_index: HashMap::new(),
            loop_depth: 0,
        }
    }

    pub fn lookup(&self, name: &str) -> Option<&Local> {
        let &i = self.by_name.get(name)?.last()?;
        self.locals.get(i)
    }

    /// The local of this name declared in the innermost block, if any.
    pub fn declared_here(&self, name: &str) -> Option<&Local> {
        self.lookup(name).filter(|l| l.depth == self.depth)
    }

    pub fn alloc_slot(&mut self) -> u32 {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.max_slots = self.max_slots.max(self.next_slot);
        slot
    }

    pub fn declare(&mut self, name: &str, kind: DeclKind, span: Span, id: u32) -> u32 {
        let slot = self.alloc_slot();
        self.by_name
            .entry(name.to_string())
            .or_default()
            .push(self.locals.len());
        self.locals.push(Local {
            name: name.to_string(),
            slot,
            kind,
            span,
            id,
            depth: self.depth,
        });
        slot
    }

    pub fn begin_block(&mut self) {
        self.depth += 1;
    }

    /// Ends the innermost block; its slots become free again.
    pub fn end_block(&mut self, saved_next_slot: u32) {
        while let Some(l) = self.locals.last() {
            if l.depth < self.depth {
                break;
            }
            if let Some(indexes) = self.by_name.get_mut(&l.name) {
                indexes.pop();
                if indexes.is_empty() {
                    self.by_name.remove(&l.name);
                }
            }
            self.locals.pop();
        }
        self.depth -= 1;
        self.next_slot = saved_next_slot;
    }

    pub fn next_slot(&self) -> u32 {
        self.next_slot
    }

    /// Index of the upvalue for `capture`, adding it if new.
    pub fn add_capture(&mut self, capture: Capture, id: u32, kind: DeclKind, name: &str) -> u32 {
        let key = match capture {
            Capture::Local(i) => (false, i),
            Capture::Upvalue(i) => (true, i),
        };
        if let Some(&i) = self.capture_index.get(&key) {
            return i;
        }
        let index = self.captures.len() as u32;
        self.captures.push(capture);
        self.capture_info.push((id, kind, name.to_string()));
        self.capture_index.insert(key, index);
        index
    }
}
