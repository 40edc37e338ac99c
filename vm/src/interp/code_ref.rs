//! A pointer to a prototype's linked code, kept in frames and call info.

use super::instr::Instr;

/// A prototype's instructions, as the dispatch loop reads them: a pointer
/// to the `Arc<[Instr]>` that `Vm::code` holds for the prototype. `Vm::code`
/// only grows and never drops an entry while the VM lives, and frames and
/// `CallInfo`s live no longer than the VM, so the pointer stays valid; the
/// instructions are never written after linking. Kept in each frame so that
/// a return finds its caller's code in the frame it pops to.
/// Thin (the start alone), so that frames carry one word for it; debug
/// builds also keep the length, for the dispatch loop's assertions.
#[derive(Clone, Copy, Debug)]
pub struct CodeRef {
    start: *const Instr,
    #[cfg(debug_assertions)]
    len: usize,
}

// SAFETY: a `CodeRef` is a shared reference to immutable instructions in
// an `Arc<[Instr]>` the VM owns (see above), which is itself `Send` and
// `Sync`; it is only read through.
unsafe impl Send for CodeRef {}
// SAFETY: as for `Send`.
unsafe impl Sync for CodeRef {}

impl CodeRef {
    /// No code: a placeholder that is never run (an empty call site's).
    pub const EMPTY: CodeRef = CodeRef {
        start: std::ptr::NonNull::dangling().as_ptr(),
        #[cfg(debug_assertions)]
        len: 0,
    };

    /// The code of a prototype; `code` must be the VM's own `Arc` for it
    /// (see the type's invariant).
    pub fn of(code: &std::sync::Arc<[Instr]>) -> CodeRef {
        CodeRef {
            start: code.as_ptr(),
            #[cfg(debug_assertions)]
            len: code.len(),
        }
    }

    /// The first instruction.
    #[inline(always)]
    pub fn start(self) -> *const Instr {
        self.start
    }

    /// How many instructions (debug builds only).
    #[cfg(debug_assertions)]
    pub fn count(self) -> usize {
        self.len
    }
}
