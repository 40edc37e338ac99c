//! Function and block scopes: local slots, and upvalue capture across
//! function boundaries (Lua's scheme: a closure lists, for each variable it
//! uses from outside, either a local slot of the enclosing function or one of
//! that function's own upvalues).

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
    pub locals: Vec<Local>,
    pub depth: u32,
    next_slot: u32,
    pub max_slots: u32,
    pub captures: Vec<Capture>,
    /// For each capture: the declaring binder's id and kind, for assignment checks.
    pub capture_info: Vec<(u32, DeclKind, String)>,
    pub loop_depth: u32,
    /// Whether a closure captures this function's receiver (slot 0).
    pub receiver_captured: bool,
}

impl FnScope {
    /// A new scope; slot 0 holds the receiver (methods) or the callee itself.
    pub fn new(kind: FnKind, class: Option<usize>) -> FnScope {
        FnScope {
            kind,
            class,
            locals: Vec::new(),
            depth: 0,
            next_slot: 1,
            max_slots: 1,
            captures: Vec::new(),
            capture_info: Vec::new(),
            loop_depth: 0,
            receiver_captured: false,
        }
    }

    pub fn lookup(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| l.name == name)
    }

    /// The local of this name declared in the innermost block, if any.
    pub fn declared_here(&self, name: &str) -> Option<&Local> {
        self.locals
            .iter()
            .rev()
            .take_while(|l| l.depth == self.depth)
            .find(|l| l.name == name)
    }

    pub fn alloc_slot(&mut self) -> u32 {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.max_slots = self.max_slots.max(self.next_slot);
        slot
    }

    pub fn declare(&mut self, name: &str, kind: DeclKind, span: Span, id: u32) -> u32 {
        let slot = self.alloc_slot();
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
        self.locals.retain(|l| l.depth < self.depth);
        self.depth -= 1;
        self.next_slot = saved_next_slot;
    }

    pub fn next_slot(&self) -> u32 {
        self.next_slot
    }

    /// Index of the upvalue for `capture`, adding it if new.
    pub fn add_capture(&mut self, capture: Capture, id: u32, kind: DeclKind, name: &str) -> u32 {
        if let Some(i) = self.captures.iter().position(|c| *c == capture) {
            return i as u32;
        }
        self.captures.push(capture);
        self.capture_info.push((id, kind, name.to_string()));
        (self.captures.len() - 1) as u32
    }
}
