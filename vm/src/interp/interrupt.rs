//! Interrupting a running VM from outside: another thread, or a signal
//! handler.
//!
//! An [`Interrupt`] is a shared flag. [`Interrupt::trigger`] sets it; the
//! interpreter polls it at its safepoints, where it also polls the
//! collector, in one check, and when it finds it set it clears it and stops
//! the program with [`Exc::Interrupt`](super::Exc): an outcome that no
//! `catch` or `finally` intercepts, so a guest cannot ignore it. The host
//! sees [`Finish::Interrupted`](super::load::Finish) and the VM stays
//! usable: its stacks are emptied and later runs start afresh.
//!
//! The safepoints are every backward transfer of control, so that no loop
//! escapes them: a backward `JUMP`; a backward conditional jump or loop
//! exit, which linking routes through a backward `JUMP` (`link.rs`); a
//! `RETURN` to a caller in the same loop; a throw, before it unwinds to a
//! handler (which may lie before the throw); and native code calling back
//! into Cairn (which may do so in a loop). Between two of them a frame runs
//! forward through its code, so the program stops within a bounded number
//! of instructions. A host call blocked in the operating system (reading
//! standard input, `time.sleep`) returns first.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{Exc, Vm};

/// A handle that stops a VM's running program at its next safepoint.
///
/// Cloneable, `Send` and `Sync`: give a clone to a watchdog thread or a
/// signal handler. Get one with [`Vm::interrupt_handle`]; every handle of a
/// VM shares one flag.
///
/// ```
/// use cairn_vm::interp::Vm;
/// let vm = Vm::new();
/// let handle = vm.interrupt_handle();
/// std::thread::spawn(move || handle.trigger()).join().unwrap();
/// assert!(vm.interrupt_handle().is_triggered());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Interrupt {
    flag: Arc<AtomicBool>,
}

impl Interrupt {
    /// Asks the VM to stop at its next safepoint. If no program is running,
    /// the next one stops at its first safepoint, unless the flag is
    /// [cleared](Interrupt::clear) first.
    pub fn trigger(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Withdraws a request not yet acted on.
    pub fn clear(&self) {
        self.flag.store(false, Ordering::Relaxed);
    }

    /// Whether a request is pending.
    pub fn is_triggered(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Takes a pending request: true (and the flag cleared) when there was
    /// one.
    fn take(&self) -> bool {
        self.flag.swap(false, Ordering::Relaxed)
    }
}

impl Vm {
    /// A handle that interrupts this VM's running program; see
    /// [`Interrupt`].
    pub fn interrupt_handle(&self) -> Interrupt {
        self.interrupt.clone()
    }

    /// Whether a safepoint has work to do: a collection is due or an
    /// interrupt is pending. One branch for the dispatch loop's fast path;
    /// the work itself is [`Vm::safepoint`].
    #[inline(always)]
    pub(crate) fn safepoint_due(&self) -> bool {
        // `|`, not `||`: both are plain loads, tested by one branch.
        self.heap.should_collect() | self.interrupt.is_triggered()
    }

    /// The work of a safepoint: stops the program if an interrupt is
    /// pending, else collects garbage if due (objects may move: callers
    /// re-read their frame afterwards).
    ///
    /// # Errors
    /// [`Exc::Interrupt`] when the program is to stop; `MemoryError` when
    /// the heap is over its limit.
    #[cold]
    pub(crate) fn safepoint(&mut self) -> Result<(), Exc> {
        if self.interrupt.take() {
            return Err(Exc::Interrupt);
        }
        self.maybe_collect()
    }
}
