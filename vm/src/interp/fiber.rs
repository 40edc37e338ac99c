//! Fibers: each has its own value stack and frame stack, which is all the
//! interpreter's state for a thread of execution (the interpreter never
//! recurses on the Rust stack for Cairn calls), so switching fibers is
//! switching which of these the dispatch loop works on.

pub use super::code_ref::CodeRef;
use crate::value::{ObjRef, Value};

/// What to do with a frame's result when it returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnReturn {
    /// Leave it for the caller.
    Keep,
    /// A constructor: the caller gets slot 0 (the new instance).
    Receiver,
    /// A field initializer: drop it.
    Discard,
}

#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub closure: ObjRef,
    pub proto: u32,
    /// Next instruction index.
    pub ip: usize,
    /// Stack index of slot 0.
    pub base: usize,
    /// The prototype's code (`Vm::code[proto]`).
    pub code: CodeRef,
    /// The prototype's module (`Vm::protos[proto].module`).
    pub module: u32,
    pub on_return: OnReturn,
    /// A native re-entry boundary: returning from this frame ends the
    /// nested dispatch loop that started it.
    pub boundary: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiberState {
    /// Created, not yet resumed.
    New,
    Running,
    /// Waiting in `Fiber.yield`.
    Suspended,
    /// Returned or failed.
    Done,
}

#[derive(Debug)]
pub struct Fiber {
    pub stack: Vec<Value>,
    pub frames: Vec<Frame>,
    pub state: FiberState,
    /// The function the fiber runs (for a new fiber).
    pub function: Value,
    /// The fiber that resumed this one.
    pub resumer: Option<ObjRef>,
    /// Stack index of the pending `Fiber.yield` call, whose result the next
    /// `resume` supplies.
    pub pending_at: usize,
    /// The native nesting depth the fiber runs at; `yield` from any deeper
    /// (inside a native callback) is refused.
    pub native_depth: usize,
}

impl Fiber {
    pub fn new(function: Value) -> Fiber {
        Fiber {
            stack: Vec::new(),
            frames: Vec::new(),
            state: FiberState::New,
            function,
            resumer: None,
            pending_at: 0,
            native_depth: 0,
        }
    }

    pub fn size(&self) -> usize {
        self.stack.capacity() * 16 + self.frames.capacity() * 48
    }
}
