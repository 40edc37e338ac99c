//! The interrupt handle: a triggered VM stops its program at the next
//! safepoint, without running `catch` or `finally`, and runs later programs
//! normally.

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

/// `answer = 42`, global 0.
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
fn a_pending_interrupt_stops_a_loop_without_catch_or_finally() {
    let mut vm = Vm::new();
    let m = link(&mut vm, RUNAWAY);
    vm.interrupt_handle().trigger();
    assert_eq!(vm.run_module(m).unwrap(), Finish::Interrupted);
    assert_eq!(vm.modules[m].globals[1], Value::Nil, "catch ran");
    assert_eq!(vm.modules[m].globals[2], Value::Nil, "finally ran");
    assert!(
        !vm.interrupt_handle().is_triggered(),
        "the request is taken"
    );
    assert!(vm.frames.is_empty() && vm.stack.is_empty());
}

#[test]
fn another_thread_interrupts_a_running_loop() {
    let mut vm = Vm::new();
    let m = link(&mut vm, RUNAWAY);
    let handle = vm.interrupt_handle();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(20));
        handle.trigger();
    });
    assert_eq!(vm.run_module(m).unwrap(), Finish::Interrupted);
    watchdog.join().unwrap();
    assert!(matches!(vm.modules[m].globals[0], Value::Int(n) if n > 0));
}

#[test]
fn the_vm_runs_normally_after_an_interrupt() {
    let mut vm = Vm::new();
    let m = link(&mut vm, RUNAWAY);
    vm.interrupt_handle().trigger();
    assert_eq!(vm.run_module(m).unwrap(), Finish::Interrupted);
    let q = link(&mut vm, QUIET);
    assert_eq!(vm.run_module(q).unwrap(), Finish::Completed);
    assert_eq!(vm.modules[q].globals[0], Value::Int(42));
}

#[test]
fn a_cleared_request_does_not_interrupt() {
    let mut vm = Vm::new();
    let q = link(&mut vm, QUIET);
    let handle = vm.interrupt_handle();
    handle.trigger();
    handle.clear();
    assert_eq!(vm.run_module(q).unwrap(), Finish::Completed);
}
