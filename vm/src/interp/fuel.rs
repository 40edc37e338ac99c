//! Fuel: a per-VM budget of instructions, so that a host can bound how much
//! guest code runs, or run it in slices.
//!
//! Each instruction the dispatch loop executes costs one unit; a
//! superinstruction (`fuse.rs`), which does the work of a short sequence in
//! one dispatch, costs one. Work a native function does (sorting a list,
//! a host call) costs nothing itself, but Cairn code it calls back is
//! metered like any other. With a budget set, the loop checks it before
//! each instruction, in the counting copy of the loop, so an unlimited VM
//! pays nothing. At zero it stops before executing anything, saves the
//! running frame's position and returns [`Exc::OutOfFuel`], which no
//! `catch` or `finally` intercepts.
//!
//! The loop leaves the frames and the operand stack as they were, so the
//! computation can go on: add fuel and call `Vm::resume_execute` (what [`Runtime::resume`](crate::embed::Runtime::resume) does). That is
//! sound only when fuel ran out in the loop that the host started. When it
//! runs out in a nested loop (a callback of `map` or `sort_by`, a user
//! `to_string`, a fiber's `resume`), the native function that started that
//! loop is abandoned half-way: its frames are dropped and the error passes
//! up through the outer loops, which cannot go on. `Vm::can_resume` tells
//! the two apart. [`Vm::run_module`] does not resume: it drops the
//! program's frames and reports [`Finish::OutOfFuel`](super::load::Finish).
//!
//! Fuel is never refilled by the VM: once spent, every later run stops at
//! its first instruction until the host adds more or lifts the limit.

use super::{Exc, Vm};
use crate::value::Value;

impl Vm {
    /// Sets the instruction budget: `Some(n)` lets `n` more instructions
    /// run, `None` (the default) lifts the limit.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.fuel = fuel;
    }

    /// The instructions left to run, or `None` when unlimited.
    pub fn fuel(&self) -> Option<u64> {
        self.fuel
    }

    /// Adds `n` instructions to a limited budget (saturating); an
    /// unlimited VM stays unlimited.
    pub fn add_fuel(&mut self, n: u64) {
        if let Some(left) = &mut self.fuel {
            *left = left.saturating_add(n);
        }
    }

    /// Whether the dispatch loop must count: the budget is limited.
    #[inline]
    pub(crate) fn metered(&self) -> bool {
        self.fuel.is_some()
    }

    /// Takes one unit for the instruction about to run: false (and
    /// nothing taken) when the budget is spent.
    #[inline(always)]
    pub(crate) fn burn_fuel(&mut self) -> bool {
        match &mut self.fuel {
            Some(0) => false,
            Some(left) => {
                *left -= 1;
                true
            }
            None => true,
        }
    }

    /// Records that the dispatch loop stopped for want of fuel with its
    /// state intact, at the present native nesting depth.
    pub(crate) fn suspend_for_fuel(&mut self) {
        self.fuel_suspended = Some(self.native_depth);
    }

    /// Whether the frames and stack are those a loop left when it ran out
    /// of fuel, at this nesting depth, so that [`Vm::resume_execute`] may
    /// go on with them. False once the stop has passed up through a native
    /// function (which was abandoned), and once the frames are dropped.
    pub(crate) fn can_resume(&self) -> bool {
        self.fuel_suspended == Some(self.native_depth)
    }

    /// Forgets a stop for fuel whose frames were dropped.
    pub(crate) fn forget_suspension(&mut self) {
        self.fuel_suspended = None;
    }

    /// Goes on with a computation that stopped with [`Exc::OutOfFuel`]:
    /// runs until the frame at depth `stop` (the `stop` given to the
    /// [`Vm::execute`] that stopped) returns, and gives its result. It may
    /// stop for fuel again.
    ///
    /// # Panics
    /// When there is nothing to resume ([`Vm::can_resume`] is false): the
    /// frames would not be the ones the loop left, and running them could
    /// break the verifier's guarantees the loop relies on.
    pub(crate) fn resume_execute(&mut self, stop: usize) -> Result<Value, Exc> {
        assert!(self.can_resume(), "no computation stopped for fuel here");
        self.forget_suspension();
        self.execute(stop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::load::Finish;

    /// `cairn disasm` of
    ///
    /// ```text
    /// fn add(a, b) { return a + b }
    /// var total = 0
    /// var i = 0
    /// while i < 300 {
    ///   try {
    ///     if i % 7 == 0 { throw Error("skip") }
    ///     total = add(total, i)
    ///   } catch e {
    ///     total = total + 1
    ///   }
    ///   i = i + 1
    /// }
    /// ```
    ///
    /// which leaves 38572 in `total` (global 1): calls, returns, throws and
    /// handlers for a stop to fall among.
    const SLICES: &str = r#"
.version 2.0
.module 0
.source 1
.main 0
.const 0 str "slices"
.const 1 str "slices.cairn"
.const 2 str "add"
.const 3 str "total"
.const 4 str "i"
.const 5 str "a"
.const 6 str "b"
.const 7 str "skip"
.const 8 str "e"
.const 9 str "<module>"
.global 0 2
.global 1 3
.global 2 4
.function 0 module
    name 9
    n_params 0  n_defaults 0  has_rest false
    n_locals 4  max_stack 3
    line 1
      CLOSURE 1
      STORE_GLOBAL 0
    line 2
      INT 0
      STORE_GLOBAL 1
    line 3
     INT 0
     STORE_GLOBAL 2
  L18:
    line 4
     LOAD_GLOBAL 2
     INT 300
     LT
     JUMP_IF_FALSE L107
  L30:
    line 6
     LOAD_GLOBAL 2
     INT 7
     MOD
     INT 0
     EQ
     JUMP_IF_FALSE L55
     LOAD_BUILTIN 17
     CONST 7
     CALL 1
     THROW
  L55:
    line 7
     LOAD_GLOBAL 0
     LOAD_GLOBAL 1
     LOAD_GLOBAL 2
     CALL 2
     STORE_GLOBAL 1
  L69:
     JUMP L92
  L74:
    line 8
     STORE_LOCAL 3
  L77:
    line 9
     LOAD_GLOBAL 1
     INT 1
     ADD
     STORE_GLOBAL 1
  L87:
     JUMP L92
  L92:
    line 11
     LOAD_GLOBAL 2
     INT 1
     ADD
     STORE_GLOBAL 2
    JUMP L18
  L107:
    NIL
    RETURN
    handler L30..L69 -> L74 depth 0
    local 3 8 L77..L87
.function 1 function
    name 2
    n_params 2  n_defaults 0  has_rest false
    n_locals 3  max_stack 2
  L0:
    line 1
      LOAD_LOCAL 1
      LOAD_LOCAL 2
      ADD
      RETURN
  L8:
    local 1 5 L0..L8
    local 2 6 L0..L8
"#;

    /// `cairn disasm` of
    ///
    /// ```text
    /// var after = false
    /// [1, 2].map(fn(x) {
    ///   var n = 0
    ///   while true { n = n + x }
    /// })
    /// after = true
    /// ```
    const NESTED: &str = r#"
.version 2.0
.module 0
.source 1
.main 0
.const 0 str "nested"
.const 1 str "nested.cairn"
.const 2 str "after"
.const 3 str "x"
.const 4 str "n"
.const 5 str "<anonymous>"
.const 6 str "map"
.const 7 str "<module>"
.global 0 2
.function 0 module
    name 7
    n_params 0  n_defaults 0  has_rest false
    n_locals 1  max_stack 2
    line 1
      FALSE
      STORE_GLOBAL 0
    line 2
      INT 1
      INT 2
     LIST 2
     CLOSURE 1
     INVOKE 6, 1
     POP
    line 6
     TRUE
     STORE_GLOBAL 0
     NIL
     RETURN
.function 1 function
    name 5
    n_params 1  n_defaults 0  has_rest false
    n_locals 3  max_stack 2
  L0:
    line 3
      INT 0
      STORE_LOCAL 2
  L6:
    line 4
      TRUE
      JUMP_IF_FALSE L27
     LOAD_LOCAL 2
     LOAD_LOCAL 1
     ADD
     STORE_LOCAL 2
     JUMP L6
  L27:
     NIL
     RETURN
  L29:
    local 1 3 L0..L29
    local 2 4 L6..L29
"#;

    fn vm_with(text: &str) -> (Vm, usize) {
        vm_on(text, crate::heap::HeapConfig::default())
    }

    fn vm_on(text: &str, heap: crate::heap::HeapConfig) -> (Vm, usize) {
        let cf = crate::asm::assemble(text).expect("assembles");
        crate::verify::verify(&cf).expect("verifies");
        let mut vm = Vm::with_heap(heap);
        let m = vm.link(&cf, None, true);
        (vm, m)
    }

    #[test]
    fn a_computation_runs_in_slices_to_the_same_result() {
        run_in_slices(crate::heap::HeapConfig::default());
    }

    /// The stopped state survives collections (and the heap verifier)
    /// between and within the slices.
    #[test]
    fn a_computation_runs_in_slices_on_a_stressed_heap() {
        let vm = run_in_slices(crate::heap::HeapConfig {
            stress: true,
            verify: true,
            ..crate::heap::HeapConfig::default()
        });
        assert!(vm.heap.stats.collections() > 0);
    }

    fn run_in_slices(heap: crate::heap::HeapConfig) -> Vm {
        let (mut vm, m) = vm_on(SLICES, heap);
        vm.enter_module(m).unwrap();
        // A prime slice, so the stops fall at every kind of instruction.
        vm.set_fuel(Some(13));
        let mut slices = 1;
        let mut result = vm.execute(1);
        while result == Err(Exc::OutOfFuel) {
            assert!(vm.can_resume());
            assert_eq!(vm.fuel(), Some(0));
            assert!(!vm.frames.is_empty(), "the frames stay in place");
            vm.add_fuel(13);
            slices += 1;
            result = vm.resume_execute(1);
        }
        assert_eq!(result, Ok(Value::Nil));
        assert_eq!(vm.modules[m].globals[1], Value::Int(38572));
        // Each of the loop's 300 turns takes more than one slice.
        assert!(slices > 300, "only {slices} slices");
        assert!(vm.frames.is_empty());
        assert!(!vm.can_resume());
        vm
    }

    /// Runs `text` with `fuel` and counting on; gives the outcome, the
    /// instructions counted and the fuel left.
    fn run_counted(text: &str, fuel: u64) -> (Finish, u64, Option<u64>) {
        let (mut vm, m) = vm_with(text);
        vm.collect_stats = true;
        vm.set_fuel(Some(fuel));
        let finish = vm.run_module(m).unwrap();
        (finish, vm.stats.instructions, vm.fuel())
    }

    #[test]
    fn each_instruction_costs_one_unit() {
        let (finish, used, left) = run_counted(SLICES, 1_000_000);
        assert_eq!(finish, Finish::Completed);
        assert_eq!(left, Some(1_000_000 - used));
        // Exactly enough fuel completes, spending all of it; one unit less
        // stops before the last instruction.
        assert_eq!(
            run_counted(SLICES, used),
            (Finish::Completed, used, Some(0))
        );
        assert_eq!(
            run_counted(SLICES, used - 1),
            (Finish::OutOfFuel, used - 1, Some(0))
        );
    }

    #[test]
    fn running_out_in_a_callback_cannot_be_resumed() {
        let (mut vm, m) = vm_with(NESTED);
        vm.enter_module(m).unwrap();
        vm.set_fuel(Some(10_000));
        assert_eq!(vm.execute(1), Err(Exc::OutOfFuel));
        // `map` was abandoned half-way: its caller's frame is left, but not
        // in a state to go on from.
        assert_eq!(vm.native_depth, 0);
        assert!(!vm.can_resume());
    }

    #[test]
    fn run_module_drops_the_frames_of_a_callback_out_of_fuel() {
        let (mut vm, m) = vm_with(NESTED);
        vm.set_fuel(Some(10_000));
        assert_eq!(vm.run_module(m).unwrap(), Finish::OutOfFuel);
        assert_eq!(vm.modules[m].globals[0], Value::Bool(false));
        assert!(vm.frames.is_empty() && vm.stack.is_empty());
        assert!(!vm.can_resume());
    }

    #[test]
    #[should_panic(expected = "no computation stopped for fuel")]
    fn resuming_what_did_not_stop_for_fuel_panics() {
        let (mut vm, m) = vm_with(SLICES);
        vm.enter_module(m).unwrap();
        let _ = vm.resume_execute(1);
    }
}
