//! The fuel budget, through the public API: a program stops when it runs
//! out, without running `catch` or `finally`; the budget is not refilled;
//! and adding fuel lets later programs run.

use cairn_vm::asm::assemble;
use cairn_vm::interp::load::Finish;
use cairn_vm::interp::Vm;
use cairn_vm::value::Value;
use cairn_vm::verify::verify;

/// `var n = 0; try { while true { n += 1 } } catch e { caught = true }
/// finally { cleaned = true }`, with `n` global 0, `caught` 1, `cleaned` 2.
const RUNAWAY: &str = r#"
.version 2.0
.module 0
.source 1
.main 0
.const 0 str "runaway"
.const 1 str "runaway.cairn"
.const 2 str "n"
.const 3 str "caught"
.const 4 str "cleaned"
.const 5 str "<module>"
.global 0 2
.global 1 3
.global 2 4

.function 0 module
    name 5
    n_params 0  n_defaults 0  has_rest false
    n_locals 2  max_stack 2
      INT 0
      STORE_GLOBAL 0
  top:
      LOAD_GLOBAL 0
      INT 1
      ADD
      STORE_GLOBAL 0
      JUMP top
  out:
      JUMP done
  handler:
      STORE_LOCAL 1
      TRUE
      STORE_GLOBAL 1
      TRUE
      STORE_GLOBAL 2
      LOAD_LOCAL 1
      THROW
  done:
      NIL
      RETURN
    handler top..out -> handler depth 0
"#;

/// `answer = 42`, global 0: four instructions.
const QUIET: &str = r#"
.version 2.0
.module 0
.source 1
.main 0
.const 0 str "quiet"
.const 1 str "quiet.cairn"
.const 2 str "answer"
.const 3 str "<module>"
.global 0 2
.function 0 module
    name 3
    n_params 0  n_defaults 0  has_rest false
    n_locals 1  max_stack 1
      INT 42
      STORE_GLOBAL 0
      NIL
      RETURN
"#;

fn link(vm: &mut Vm, text: &str) -> usize {
    let cf = assemble(text).expect("assembles");
    verify(&cf).expect("verifies");
    vm.link(&cf, None, true)
}

#[test]
fn a_vm_is_unlimited_by_default() {
    let mut vm = Vm::new();
    assert_eq!(vm.fuel(), None);
    vm.add_fuel(10);
    assert_eq!(vm.fuel(), None, "adding to no limit sets none");
    let q = link(&mut vm, QUIET);
    assert_eq!(vm.run_module(q).unwrap(), Finish::Completed);
}

#[test]
fn adding_fuel_saturates() {
    let mut vm = Vm::new();
    vm.set_fuel(Some(u64::MAX - 1));
    vm.add_fuel(5);
    assert_eq!(vm.fuel(), Some(u64::MAX));
    vm.set_fuel(None);
    assert_eq!(vm.fuel(), None);
}

#[test]
fn running_out_stops_a_loop_without_catch_or_finally() {
    let mut vm = Vm::new();
    let m = link(&mut vm, RUNAWAY);
    vm.set_fuel(Some(1_000));
    assert_eq!(vm.run_module(m).unwrap(), Finish::OutOfFuel);
    assert_eq!(vm.fuel(), Some(0));
    assert_eq!(vm.modules[m].globals[1], Value::Nil, "catch ran");
    assert_eq!(vm.modules[m].globals[2], Value::Nil, "finally ran");
    // The loop ran, and each turn cost at least one unit.
    assert!(matches!(vm.modules[m].globals[0], Value::Int(n) if n > 0 && n < 1_000));
    assert!(vm.frames.is_empty() && vm.stack.is_empty());
}

#[test]
fn spent_fuel_is_not_refilled_until_the_host_adds_some() {
    let mut vm = Vm::new();
    let m = link(&mut vm, RUNAWAY);
    vm.set_fuel(Some(100));
    assert_eq!(vm.run_module(m).unwrap(), Finish::OutOfFuel);
    let q = link(&mut vm, QUIET);
    assert_eq!(vm.run_module(q).unwrap(), Finish::OutOfFuel);
    assert_eq!(vm.modules[q].globals[0], Value::Nil, "nothing ran");
    vm.add_fuel(4);
    let q = link(&mut vm, QUIET);
    assert_eq!(vm.run_module(q).unwrap(), Finish::Completed);
    assert_eq!(vm.modules[q].globals[0], Value::Int(42));
    assert_eq!(vm.fuel(), Some(0));
}
