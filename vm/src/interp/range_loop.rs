//! Counted range loops: link-time rewriting of `for v in a..b` so that
//! each iteration counts in two frame slots instead of advancing an
//! iterator object on the heap.
//!
//! The compiler emits a range loop as
//!
//! ```text
//!     <a> <b> RANGE ITER STORE_LOCAL it
//! L:  FOR_NEXT it, E
//!     STORE_LOCAL v
//!     ...
//!     JUMP L
//! E:
//! ```
//!
//! The link gives the function two more local slots, `h` (the next value)
//! and `h + 1` (the end, exclusive), past the class file's locals: no
//! instruction of the class file can name them (the verifier bounds local
//! indexes by the class file's count). `RANGE` becomes
//! [`Instr::RangeLoop`], whose fast path, for two Int bounds, sets the
//! two slots and skips `ITER; STORE_LOCAL it`; `FOR_NEXT` becomes
//! [`Instr::ForRange`], whose fast path counts in the slots. When the fast
//! path does not apply (a bound that is not an Int, or an inclusive range
//! ending at the largest Int), `RANGE_LOOP` clears `h` and does what `RANGE`
//! did, and `FOR_RANGE`, finding no count in `h`, does what `FOR_NEXT` did.
//!
//! Skipping the store to `it` must not be observable, and the count must
//! stand for the iterator that store would have left. So a loop is
//! rewritten only when, over the function's control flow (jumps, fall
//! through, and an edge from every instruction a handler covers to the
//! handler):
//!
//! - nothing lands on the skipped `ITER` or `STORE_LOCAL`;
//! - the value the `STORE_LOCAL it` writes reaches no reader of slot `it`
//!   but the loop's own `FOR_NEXT` (a closure that captures `it` reads it);
//! - no other write of `it` reaches that `FOR_NEXT`.
//!
//! Then the iterator the store would have written is read by nothing but
//! the `FOR_NEXT`s of its own loop, which advance it in step with the
//! count, and the compiler's code, where a loop's iterator slot may be
//! reused for later loops and for other variables, meets these rules.

use super::instr::Instr;

/// A range loop as the compiler emits it.
#[derive(Clone, Copy)]
struct Loop {
    /// The index of `RANGE`.
    start: usize,
    /// The exit, `FOR_NEXT`'s target.
    end: u32,
    inclusive: bool,
    it: u16,
    v: u16,
}

/// Visits over all the searches of one function, per instruction: past
/// this the rest of its loops are left as they are (a guard against
/// quadratic work on an adversarial class file).
const BUDGET_PER_INSTR: usize = 256;

/// Rewrites the range loops of one function's code in place (before
/// [`super::fuse::fuse`]) and gives its new local count. `captured` lists
/// the locals that closures made in this function capture.
pub fn rewrite(
    code: &mut [Instr],
    handlers: &[(u32, u32, u32, u16)],
    captured: &[u16],
    n_locals: u16,
) -> u16 {
    let loops = find_loops(code);
    if loops.is_empty() {
        return n_locals;
    }
    let Some(flow) = Flow::new(code, handlers) else {
        return n_locals;
    };
    let mut budget = BUDGET_PER_INSTR.saturating_mul(code.len());
    let mut marks = Marks {
        mark: vec![0; code.len()],
        round: 0,
        seen: Vec::new(),
    };
    let mut n = n_locals;
    for l in loops {
        let header = l.start + 3;
        let store = l.start + 2;
        if flow.targeted[l.start + 1] || flow.targeted[store] {
            continue;
        }
        let slot = Slot {
            code,
            captured,
            it: l.it,
        };
        // The stored value reaches no other reader...
        if !flow.reach(&[store], &slot, &mut marks, &mut budget) {
            break;
        }
        if marks.seen.iter().any(|&j| j != header && slot.reads(j)) {
            continue;
        }
        // ...and no other write reaches the header.
        match flow.written_before(header, store, &slot, &mut marks, &mut budget) {
            None => break,
            Some(true) => continue,
            Some(false) => {}
        }
        let Some(next_n) = n.checked_add(2) else {
            break;
        };
        code[l.start] = Instr::RangeLoop(l.inclusive, n);
        code[header] = Instr::ForRange(n, l.it, l.v, l.end);
        n = next_n;
    }
    n
}

/// The instructions one search reached: marked with the search's round,
/// so that no search clears what the one before marked.
struct Marks {
    mark: Vec<u32>,
    round: u32,
    seen: Vec<usize>,
}

fn find_loops(code: &[Instr]) -> Vec<Loop> {
    let mut loops = Vec::new();
    for i in 0..code.len() {
        let Some(
            &[first, Instr::Iter, Instr::StoreLocal(it), Instr::ForNext(it2, end), Instr::StoreLocal(v)],
        ) = code.get(i..i + 5)
        else {
            continue;
        };
        let inclusive = match first {
            Instr::Range => false,
            Instr::RangeIncl => true,
            _ => continue,
        };
        if it == it2 && it != v {
            loops.push(Loop {
                start: i,
                end,
                inclusive,
                it,
                v,
            });
        }
    }
    loops
}

/// The function's control flow.
struct Flow {
    /// Per instruction: the handlers that cover it (their targets).
    handlers: Vec<Vec<u32>>,
    /// Whether a jump or handler lands on each instruction.
    targeted: Vec<bool>,
    /// Per instruction: where it jumps, and whether it falls through.
    jumps: Vec<(Option<u32>, bool)>,
    /// Per instruction: the instructions control can come from.
    preds: Vec<Vec<u32>>,
}

impl Flow {
    /// `None` when handlers cover too much code to list cheaply.
    fn new(code: &[Instr], handlers: &[(u32, u32, u32, u16)]) -> Option<Flow> {
        let n = code.len();
        let mut covered = 0usize;
        let mut per = vec![Vec::new(); n];
        let mut targeted = vec![false; n + 1];
        for &(from, to, t, _) in handlers {
            let range = (from as usize).min(n)..(to as usize).min(n);
            covered += range.len();
            if covered > BUDGET_PER_INSTR.saturating_mul(n) {
                return None;
            }
            for j in range {
                per[j].push(t);
            }
            if let Some(slot) = targeted.get_mut(t as usize) {
                *slot = true;
            }
        }
        let jumps: Vec<(Option<u32>, bool)> = code.iter().map(|&i| jump(i)).collect();
        for &(t, _) in &jumps {
            if let Some(slot) = t.and_then(|t| targeted.get_mut(t as usize)) {
                *slot = true;
            }
        }
        let mut preds = vec![Vec::new(); n];
        for j in 0..n {
            let (target, falls) = jumps[j];
            let next = falls.then_some(j + 1);
            let to = next
                .into_iter()
                .chain(target.map(|t| t as usize))
                .chain(per[j].iter().map(|&t| t as usize));
            for s in to {
                if let Some(p) = preds.get_mut(s) {
                    p.push(j as u32);
                }
            }
        }
        Some(Flow {
            handlers: per,
            targeted,
            jumps,
            preds,
        })
    }

    /// Whether a write to the slot other than `store` reaches `at` along
    /// a path that writes nothing else to it (searching back from `at`,
    /// not past `store` or any writer). `None` when the budget runs out.
    fn written_before(
        &self,
        at: usize,
        store: usize,
        slot: &Slot,
        marks: &mut Marks,
        budget: &mut usize,
    ) -> Option<bool> {
        marks.round += 1;
        let round = marks.round;
        let mut work: Vec<usize> = self.preds[at].iter().map(|&p| p as usize).collect();
        while let Some(j) = work.pop() {
            if marks.mark[j] == round || j == store {
                continue;
            }
            *budget = budget.checked_sub(1)?;
            marks.mark[j] = round;
            if slot.writes(j) {
                return Some(true);
            }
            work.extend(self.preds[j].iter().map(|&p| p as usize));
        }
        Some(false)
    }

    /// Finds the instructions reached from the successors of `from`
    /// along paths that write no value to the slot (a writer is reached,
    /// not passed), into `marks.seen`. False when the budget runs out.
    fn reach(&self, from: &[usize], slot: &Slot, marks: &mut Marks, budget: &mut usize) -> bool {
        let n = self.jumps.len();
        marks.round += 1;
        marks.seen.clear();
        let round = marks.round;
        let mut work: Vec<usize> = Vec::new();
        let successors = |j: usize, work: &mut Vec<usize>| {
            let (target, falls) = self.jumps[j];
            if falls {
                work.push(j + 1);
            }
            work.extend(target.map(|t| t as usize));
            work.extend(self.handlers[j].iter().map(|&t| t as usize));
        };
        for &f in from {
            successors(f, &mut work);
        }
        while let Some(j) = work.pop() {
            if j >= n || marks.mark[j] == round {
                continue;
            }
            let Some(left) = budget.checked_sub(1) else {
                return false;
            };
            *budget = left;
            marks.mark[j] = round;
            marks.seen.push(j);
            if !slot.writes(j) {
                successors(j, &mut work);
            }
        }
        true
    }
}

/// Where an instruction of the class file's set jumps, and whether it
/// falls through to the next.
fn jump(mut instr: Instr) -> (Option<u32>, bool) {
    match instr {
        Instr::Jump(t) => (Some(t), false),
        Instr::Return | Instr::Throw => (None, false),
        _ => (instr.branch_target().copied(), true),
    }
}

/// One local slot, as the instructions of the class file's set use it.
struct Slot<'a> {
    code: &'a [Instr],
    captured: &'a [u16],
    it: u16,
}

impl Slot<'_> {
    fn writes(&self, j: usize) -> bool {
        matches!(self.code[j], Instr::StoreLocal(l) | Instr::NewCell(l) if l == self.it)
    }

    fn reads(&self, j: usize) -> bool {
        match self.code[j] {
            Instr::LoadLocal(l)
            | Instr::LoadCell(l)
            | Instr::StoreCell(l)
            | Instr::JumpIfArg(l, _)
            | Instr::ForNext(l, _)
            | Instr::ForNext2(l, _) => l == self.it,
            Instr::Closure(_) => self.captured.contains(&self.it),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range_loop(range: Instr) -> Vec<Instr> {
        vec![
            Instr::Int(0),
            Instr::Int(10),
            range,
            Instr::Iter,
            Instr::StoreLocal(1),
            Instr::ForNext(1, 9),
            Instr::StoreLocal(2),
            Instr::Nop,
            Instr::Jump(5),
            Instr::Nil,
            Instr::Return,
        ]
    }

    #[test]
    fn a_range_loop_counts_in_two_new_slots() {
        for (range, inclusive) in [(Instr::Range, false), (Instr::RangeIncl, true)] {
            let mut code = range_loop(range);
            assert_eq!(rewrite(&mut code, &[], &[], 3), 5);
            assert_eq!(code[2], Instr::RangeLoop(inclusive, 3));
            assert_eq!(code[3], Instr::Iter);
            assert_eq!(code[4], Instr::StoreLocal(1));
            assert_eq!(code[5], Instr::ForRange(3, 1, 2, 9));
            assert_eq!(code[6], Instr::StoreLocal(2));
        }
    }

    #[test]
    fn an_iterator_read_elsewhere_is_left_alone() {
        // Read in the body.
        let mut code = range_loop(Instr::Range);
        code[7] = Instr::LoadLocal(1);
        let before = code.clone();
        assert_eq!(rewrite(&mut code, &[], &[], 3), 3);
        assert_eq!(code, before);
        // Captured by a closure made in the body.
        let mut code = range_loop(Instr::Range);
        code[7] = Instr::Closure(1);
        let before = code.clone();
        assert_eq!(rewrite(&mut code, &[], &[1], 3), 3);
        assert_eq!(code, before);
        // Read after the loop.
        let mut code = range_loop(Instr::Range);
        code[9] = Instr::LoadLocal(1);
        let before = code.clone();
        assert_eq!(rewrite(&mut code, &[], &[], 3), 3);
        assert_eq!(code, before);
        // A closure capturing another slot does not matter.
        let mut code = range_loop(Instr::Range);
        code[7] = Instr::Closure(1);
        assert_eq!(rewrite(&mut code, &[], &[0], 3), 5);
    }

    #[test]
    fn another_write_reaching_the_header_is_left_alone() {
        let mut code = range_loop(Instr::Range);
        code[7] = Instr::StoreLocal(1);
        let before = code.clone();
        assert_eq!(rewrite(&mut code, &[], &[], 3), 3);
        assert_eq!(code, before);
        // A slot reused for a variable after the loop is fine.
        let mut code = range_loop(Instr::Range);
        code[9] = Instr::StoreLocal(1);
        assert_eq!(rewrite(&mut code, &[], &[], 3), 5);
    }

    #[test]
    fn a_jump_into_the_skipped_instructions_is_left_alone() {
        for landing in [3, 4] {
            let mut code = range_loop(Instr::Range);
            code[7] = Instr::Jump(landing);
            let before = code.clone();
            assert_eq!(rewrite(&mut code, &[], &[], 3), 3);
            assert_eq!(code, before);

            let mut code = range_loop(Instr::Range);
            assert_eq!(rewrite(&mut code, &[(0, 2, landing, 0)], &[], 3), 3);
            assert_eq!(code, range_loop(Instr::Range));
        }
    }

    #[test]
    fn loops_sharing_an_iterator_slot_each_get_their_own_count() {
        let mut code = range_loop(Instr::Range);
        code.pop();
        code.pop();
        // The same loop again, after the first, on the same slot.
        let second: Vec<Instr> = range_loop(Instr::RangeIncl)
            .into_iter()
            .map(|i| match i {
                Instr::ForNext(l, t) => Instr::ForNext(l, t + 9),
                Instr::Jump(t) => Instr::Jump(t + 9),
                i => i,
            })
            .collect();
        code.extend(second);
        assert_eq!(rewrite(&mut code, &[], &[], 3), 7);
        assert_eq!(code[2], Instr::RangeLoop(false, 3));
        assert_eq!(code[5], Instr::ForRange(3, 1, 2, 9));
        assert_eq!(code[11], Instr::RangeLoop(true, 5));
        assert_eq!(code[14], Instr::ForRange(5, 1, 2, 18));
    }

    #[test]
    fn handlers_carry_the_flow() {
        // A handler covering a write after the loop, landing on its
        // header: that write reaches the header.
        let mut code = range_loop(Instr::Range);
        code[9] = Instr::StoreLocal(1);
        let before = code.clone();
        assert_eq!(rewrite(&mut code, &[(9, 10, 5, 0)], &[], 3), 3);
        assert_eq!(code, before);
        // A handler in the body landing after it on a read of the slot.
        let mut code = range_loop(Instr::Range);
        code[9] = Instr::LoadLocal(1);
        code[8] = Instr::Jump(5);
        let before = code.clone();
        assert_eq!(rewrite(&mut code, &[(6, 8, 9, 0)], &[], 3), 3);
        assert_eq!(code, before);
    }

    #[test]
    fn a_range_loop_beside_another_kind_of_loop_on_its_slot() {
        let mut code = range_loop(Instr::Range);
        code.pop();
        code.pop();
        // `for k, v in m` on the same slot, after the range loop.
        code.extend([
            Instr::LoadLocal(0),
            Instr::Iter,
            Instr::StoreLocal(1),
            Instr::ForNext2(1, 17),
            Instr::StoreLocal(2),
            Instr::StoreLocal(0),
            Instr::Nop,
            Instr::Jump(12),
            Instr::Nil,
            Instr::Return,
        ]);
        let mut fused = code.clone();
        assert_eq!(rewrite(&mut fused, &[], &[], 3), 5);
        assert_eq!(fused[2], Instr::RangeLoop(false, 3));
        assert_eq!(fused[12], Instr::ForNext2(1, 17));
        // A jump into the other loop from outside: neither is rewritten.
        code[7] = Instr::Jump(15);
        let before = code.clone();
        assert_eq!(rewrite(&mut code, &[], &[], 3), 3);
        assert_eq!(code, before);
    }

    /// Random code (targets and handlers anywhere, in range or not, and
    /// many loop patterns) never panics, and every rewrite is a loop
    /// pattern given fresh slots.
    #[test]
    fn random_code_is_rewritten_only_where_a_loop_was() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut rewritten = 0;
        for _ in 0..3000 {
            let len = next(48) as usize;
            let mut code = Vec::new();
            while code.len() < len {
                let t = next(len as u64 + 4) as u32;
                let l = next(4) as u16;
                match next(12) {
                    0..=3 => code.extend(range_loop(if next(2) == 0 {
                        Instr::Range
                    } else {
                        Instr::RangeIncl
                    })),
                    4 => code.push(Instr::Jump(t)),
                    5 => code.push(Instr::JumpIfFalse(t)),
                    6 => code.push(Instr::StoreLocal(l)),
                    7 => code.push(Instr::LoadLocal(l)),
                    8 => code.push(Instr::ForNext(l, t)),
                    9 => code.push(Instr::Closure(0)),
                    10 => code.push(Instr::Return),
                    _ => code.push(Instr::Nop),
                }
            }
            let handlers: Vec<(u32, u32, u32, u16)> = (0..next(3))
                .map(|_| {
                    let b = len as u64 + 4;
                    (next(b) as u32, next(b) as u32, next(b) as u32, 0)
                })
                .collect();
            let before = code.clone();
            let n = rewrite(&mut code, &handlers, &[next(4) as u16], 4);
            let mut fresh = 4;
            for (i, (was, now)) in before.iter().zip(&code).enumerate() {
                match (was, now) {
                    (a, b) if a == b => {}
                    (Instr::Range | Instr::RangeIncl, Instr::RangeLoop(_, h)) => {
                        assert_eq!(*h, fresh);
                        assert!(matches!(code[i + 3], Instr::ForRange(h2, ..) if h2 == *h));
                        fresh += 2;
                    }
                    (Instr::ForNext(it, t), Instr::ForRange(_, it2, _, t2)) => {
                        assert_eq!((it, t), (it2, t2));
                    }
                    (a, b) => panic!("{a:?} became {b:?} at {i}"),
                }
            }
            assert_eq!(n, fresh);
            rewritten += usize::from(fresh > 4);
        }
        // Some loops qualify, so both kinds of change were checked.
        assert!(rewritten > 100, "{rewritten}");
    }

    #[test]
    fn no_slots_past_the_largest_local_count() {
        let mut code = range_loop(Instr::Range);
        assert_eq!(rewrite(&mut code, &[], &[], u16::MAX - 1), u16::MAX - 1);
        assert_eq!(code, range_loop(Instr::Range));
    }
}
