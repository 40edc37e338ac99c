//! Every way a hand-written class file can loop passes a safepoint, so an
//! interrupt (and the collector) always gets its turn: backward
//! conditional jumps and loop exits of every kind, a handler whose target
//! lies before the throw, and a native function calling back into Cairn in
//! a loop. Fuel stops each of them too.

use cairn_vm::asm::assemble;
use cairn_vm::heap::HeapConfig;
use cairn_vm::interp::load::Finish;
use cairn_vm::interp::Vm;
use cairn_vm::value::Value;
use cairn_vm::verify::verify;

/// A module whose top-level code is `code`: global 0 is `n`, global 1
/// `caught`; constant 4 names a function, 5 is `"push"`, 6 `"filter"`.
/// `rest` follows the top-level function (more functions).
fn module(code: &str, rest: &str) -> String {
    format!(
        r#"
.version 2.0
.module 0
.source 1
.main 0
.const 0 str "loop"
.const 1 str "loop.cairn"
.const 2 str "n"
.const 3 str "<module>"
.const 4 str "f"
.const 5 str "push"
.const 6 str "filter"
.const 7 str "caught"
.global 0 2
.global 1 7
.function 0 module
    name 3
    n_params 0  n_defaults 0  has_rest false
    n_locals 3  max_stack 6
{code}
{rest}
"#
    )
}

/// Loops that no unconditional backward `JUMP` or `RETURN` closes, by
/// what closes them.
fn endless_loops() -> Vec<(&'static str, String)> {
    let plain = |code: &str| module(code, "");
    vec![
        (
            "JUMP_IF_TRUE",
            plain(
                "  top:
      TRUE
      JUMP_IF_TRUE top
      NIL
      RETURN",
            ),
        ),
        (
            "JUMP_IF_FALSE",
            plain(
                "  top:
      FALSE
      JUMP_IF_FALSE top
      NIL
      RETURN",
            ),
        ),
        (
            // To itself: the target is the jump.
            "JUMP_IF_FALSE_OR_POP",
            plain(
                "      FALSE
  top:
      JUMP_IF_FALSE_OR_POP top
      NIL
      RETURN",
            ),
        ),
        (
            "JUMP_IF_TRUE_OR_POP",
            plain(
                "      TRUE
  top:
      JUMP_IF_TRUE_OR_POP top
      NIL
      RETURN",
            ),
        ),
        (
            // Fused into a compare-and-branch.
            "GT; JUMP_IF_FALSE",
            plain(
                "  top:
      INT 1
      DUP
      GT
      JUMP_IF_FALSE top
      NIL
      RETURN",
            ),
        ),
        (
            // Fused into a compare-with-constant-and-branch.
            "INT; GT; JUMP_IF_FALSE",
            plain(
                "  top:
      INT 1
      INT 2
      GT
      JUMP_IF_FALSE top
      NIL
      RETURN",
            ),
        ),
        (
            // The exit of a loop over an empty List, taken each time.
            "FOR_NEXT",
            plain(
                "      LIST 0
      ITER
      STORE_LOCAL 1
  top:
      FOR_NEXT 1, top
      POP
      NIL
      RETURN",
            ),
        ),
        (
            // Over an empty range, fused with its store.
            "FOR_NEXT; STORE_LOCAL",
            plain(
                "      INT 0
      INT 0
      RANGE
      ITER
      STORE_LOCAL 1
  top:
      FOR_NEXT 1, top
      STORE_LOCAL 2
      NIL
      RETURN",
            ),
        ),
        (
            "FOR_NEXT2",
            plain(
                "      MAP 0
      ITER
      STORE_LOCAL 1
  top:
      FOR_NEXT2 1, top
      POP
      POP
      NIL
      RETURN",
            ),
        ),
        (
            // In `f(5)`, where `f`'s parameter has a default.
            "JUMP_IF_ARG",
            module(
                "      CLOSURE 1
      INT 5
      CALL 1
      POP
      NIL
      RETURN",
                ".function 1 function
    name 4
    n_params 1  n_defaults 1  has_rest false
    n_locals 2  max_stack 1
  top:
      JUMP_IF_ARG 1, top
      NIL
      RETURN",
            ),
        ),
        ("handler before the throw", handler_loop()),
    ]
}

/// Throws (a `TypeError`: 0 is no Error) to a handler that leads back to
/// the throw, counting the turns in `n`.
fn handler_loop() -> String {
    module(
        "      INT 0
      STORE_GLOBAL 0
      NIL
  top:
      POP
      LOAD_GLOBAL 0
      INT 1
      ADD
      STORE_GLOBAL 0
  try:
      INT 0
      THROW
  end:
    handler try..end -> top depth 0",
        "",
    )
}

/// `n = 0; xs = [1]; xs.filter(fn(x) { n = n + 1; xs.push(x); return
/// true })`, with `xs` global 1: `filter` meets each pushed element, and
/// the callback has no backward jump or safepoint return.
fn growing_filter() -> String {
    module(
        "      INT 0
      STORE_GLOBAL 0
      INT 1
      LIST 1
      STORE_GLOBAL 1
      LOAD_GLOBAL 1
      CLOSURE 1
      INVOKE 6, 1
      POP
      NIL
      RETURN",
        ".function 1 function
    name 4
    n_params 1  n_defaults 0  has_rest false
    n_locals 2  max_stack 2
      LOAD_GLOBAL 0
      INT 1
      ADD
      STORE_GLOBAL 0
      LOAD_GLOBAL 1
      LOAD_LOCAL 1
      INVOKE 5, 1
      POP
      TRUE
      RETURN",
    )
}

fn link(vm: &mut Vm, text: &str) -> usize {
    let cf = assemble(text).unwrap_or_else(|e| panic!("assembles: {e:?}\n{text}"));
    verify(&cf).unwrap_or_else(|e| panic!("verifies: {e}\n{text}"));
    vm.link(&cf, None, true)
}

/// Runs `text` in a fresh VM, interrupted by another thread after about
/// 50 ms. The timing only decides how long the loop runs first.
fn interrupted_from_another_thread(text: &str) -> (Vm, usize, Finish) {
    let mut vm = Vm::new();
    let m = link(&mut vm, text);
    let handle = vm.interrupt_handle();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        handle.trigger();
    });
    let finish = vm.run_module(m).expect("no error escapes");
    watchdog.join().unwrap();
    (vm, m, finish)
}

#[test]
fn a_pending_interrupt_stops_every_kind_of_loop() {
    for (kind, text) in endless_loops() {
        let mut vm = Vm::new();
        let m = link(&mut vm, &text);
        vm.interrupt_handle().trigger();
        let finish = vm.run_module(m).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(finish, Finish::Interrupted, "{kind}");
        assert!(vm.frames.is_empty() && vm.stack.is_empty(), "{kind}");
    }
}

#[test]
fn fuel_stops_every_kind_of_loop() {
    for (kind, text) in endless_loops() {
        let mut vm = Vm::new();
        let m = link(&mut vm, &text);
        vm.set_fuel(Some(100_000));
        let finish = vm.run_module(m).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(finish, Finish::OutOfFuel, "{kind}");
    }
}

#[test]
fn another_thread_interrupts_a_backward_jump_if_true_loop() {
    let (_, _, finish) = interrupted_from_another_thread(&endless_loops()[0].1);
    assert_eq!(finish, Finish::Interrupted);
}

#[test]
fn another_thread_interrupts_a_handler_loop() {
    let (vm, m, finish) = interrupted_from_another_thread(&handler_loop());
    assert_eq!(finish, Finish::Interrupted);
    assert!(matches!(vm.modules[m].globals[0], Value::Int(n) if n > 0));
}

#[test]
fn another_thread_interrupts_a_native_calling_back_in_a_loop() {
    let (vm, m, finish) = interrupted_from_another_thread(&growing_filter());
    assert_eq!(finish, Finish::Interrupted);
    assert!(matches!(vm.modules[m].globals[0], Value::Int(n) if n > 0));
}

#[test]
fn fuel_stops_a_native_calling_back_in_a_loop() {
    let mut vm = Vm::new();
    let m = link(&mut vm, &growing_filter());
    vm.set_fuel(Some(100_000));
    assert_eq!(vm.run_module(m).unwrap(), Finish::OutOfFuel);
}

#[test]
fn a_handler_loop_collects_its_garbage() {
    // Each turn allocates a TypeError, and no backward jump or return
    // lies on the way: only handler entry can collect.
    let mut vm = Vm::new();
    let m = link(&mut vm, &handler_loop());
    vm.set_fuel(Some(2_000_000));
    assert_eq!(vm.run_module(m).unwrap(), Finish::OutOfFuel);
    assert!(vm.heap.stats.collections() > 0);
}

#[test]
fn a_backward_conditional_jump_still_counts_right() {
    // n += 1 while n < 1000, closed by a backward JUMP_IF_TRUE.
    let text = module(
        "      INT 0
      STORE_GLOBAL 0
  top:
      LOAD_GLOBAL 0
      INT 1
      ADD
      STORE_GLOBAL 0
      LOAD_GLOBAL 0
      INT 1000
      LT
      JUMP_IF_TRUE top
      NIL
      RETURN",
        "",
    );
    let mut vm = Vm::new();
    let m = link(&mut vm, &text);
    assert_eq!(vm.run_module(m).unwrap(), Finish::Completed);
    assert_eq!(vm.modules[m].globals[0], Value::Int(1000));
}

#[test]
fn a_memory_error_at_a_backward_conditional_jump_goes_to_its_handler() {
    // The loop's only safepoint is its backward JUMP_IF_TRUE: the error the
    // collection there raises must reach the handler that covers it.
    let text = module(
        "      LIST 0
      STORE_GLOBAL 0
  top:
      LOAD_GLOBAL 0
      INT 1
      INT 2
      INT 3
      INT 4
      LIST 4
      INVOKE 5, 1
      POP
      TRUE
      JUMP_IF_TRUE top
  out:
      NIL
      RETURN
  handler:
      POP
      TRUE
      STORE_GLOBAL 1
      NIL
      RETURN
    handler top..out -> handler depth 0",
        "",
    );
    let mut vm = Vm::with_heap(HeapConfig {
        max_heap: Some(16 << 20),
        ..HeapConfig::default()
    });
    let m = link(&mut vm, &text);
    assert_eq!(vm.run_module(m).unwrap(), Finish::Completed);
    assert_eq!(vm.modules[m].globals[1], Value::Bool(true), "not caught");
}
