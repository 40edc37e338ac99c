//! Operand-stack heights: rules `stack-underflow`, `max-stack`,
//! `stack-merge`, `no-fall-off` and `handler-stack`.
//!
//! A worklist walks the code from pc 0 and from every handler target (entered
//! with `depth + 1` values: the unwound stack plus the error). The height
//! before an instruction is a plain integer, recorded the first time a path
//! reaches it; a later path that brings a different height is an error, and
//! one that brings the same height adds nothing. So each instruction is
//! processed at most once and the walk is linear in the code size.
//! Instructions no path reaches are not walked: unreachable code is allowed,
//! and only the layout and operand rules apply to it.
//!
//! `handler-stack` then asks, for each handler, whether any reachable
//! instruction in its range can leave fewer than `depth` values once it has
//! popped its operands. One sweep over the code answers every handler at
//! once: a stack of suffix minima of those floors, searched by binary search
//! when the sweep reaches each range's end, so the cost is O(code + handlers × log code).

use crate::classfile::Function;

use super::code::{offset, Code, Insn};
use super::ops::OpInfo;
use super::{Fault, VerifyRule};

/// The height of an instruction no path has reached yet.
const UNSEEN: u32 = u32::MAX;

/// What one outcome of an instruction does to the stack.
#[derive(Clone, Copy)]
struct Move {
    pop: u32,
    push: u32,
}

/// The instruction's effect when it falls through, and when it jumps (the
/// same for all but [`Effect::Branch`](crate::isa::Effect::Branch)).
#[inline]
fn moves(info: &OpInfo, insn: &Insn) -> (Move, Move) {
    // An `argc` or `count` operand is at most 16 bits and `scale` at most 2.
    let extra = insn
        .operands
        .get(usize::from(info.scaled))
        .map_or(0, |&v| v.wrapping_mul(u32::from(info.scale)));
    let fall = Move {
        pop: u32::from(info.fall.0) + extra,
        push: u32::from(info.fall.1),
    };
    let taken = Move {
        pop: u32::from(info.taken.0) + extra,
        push: u32::from(info.taken.1),
    };
    (fall, taken)
}

/// The buffers the stack rules use, kept from one function to the next.
#[derive(Default)]
pub(super) struct Scratch {
    /// Per instruction (by index in the decoded code), its height.
    heights: Vec<u32>,
    /// Instruction indexes whose successors are still to be entered.
    work: Vec<usize>,
    /// Handler indexes, by range end.
    order: Vec<usize>,
    /// The `handler-stack` sweep's suffix minima.
    minima: Vec<(usize, u32)>,
}

struct Flow<'f> {
    max_stack: u16,
    code: &'f Code,
    insns: &'f [Insn],
    heights: &'f mut [u32],
    work: &'f mut Vec<usize>,
}

impl Flow<'_> {
    /// Records that a path reaches instruction `i` with `height` values;
    /// true when it is the first path, which the caller must then walk on.
    #[inline]
    fn enter(&mut self, i: usize, height: u32) -> Result<bool, Fault> {
        let Some(slot) = self.heights.get_mut(i) else {
            return Err(Fault::at(self.code.len(), VerifyRule::NoFallOff));
        };
        if *slot == UNSEEN {
            *slot = height;
            return Ok(true);
        }
        if *slot != height {
            let rule = VerifyRule::StackMerge {
                height: *slot,
                other: height,
            };
            let pc = self.insns.get(i).map_or(0, Insn::at);
            return Err(Fault::at(pc, rule));
        }
        Ok(false)
    }

    /// The instruction that starts at code offset `pc`: jump and handler
    /// targets are instruction starts by now.
    #[inline]
    fn index(&self, pc: usize) -> Result<usize, Fault> {
        self.code
            .index(pc)
            .ok_or_else(|| Fault::at(pc, VerifyRule::NoFallOff))
    }

    /// The height after `m`, if the stack holds enough and has room.
    #[inline]
    fn apply(&self, insn: &Insn, height: u32, m: Move) -> Result<u32, Fault> {
        if height < m.pop {
            let rule = VerifyRule::StackUnderflow {
                op: insn.op,
                pops: m.pop,
                height,
            };
            return Err(Fault::at(insn.at(), rule));
        }
        let after = height - m.pop + m.push;
        if after > u32::from(self.max_stack) {
            let rule = VerifyRule::MaxStack {
                height: after,
                max_stack: self.max_stack,
            };
            return Err(Fault::at(insn.at(), rule));
        }
        Ok(after)
    }

    /// Processes instruction `i`, entering its successors (the next
    /// instruction first, then the jump target), and so on along the last
    /// successor entered for the first time: that one would be on top of
    /// the worklist, so it is processed next without a push and a pop.
    fn walk(&mut self, i: usize) -> Result<(), Fault> {
        let code = self.code;
        let mut next = self.heights.get(i).map(|&height| (i, height));
        while let Some((i, height)) = next.take() {
            let Some(insn) = self.insns.get(i) else {
                break;
            };
            let info = code.info(insn);
            let (fall, taken) = moves(info, insn);
            let after = self.apply(insn, height, fall)?;
            if !info.terminator {
                if i + 1 >= self.insns.len() {
                    return Err(Fault::at(insn.at(), VerifyRule::NoFallOff));
                }
                if self.enter(i + 1, after)? {
                    next = Some((i + 1, after));
                }
            }
            if info.branch {
                let after = self.apply(insn, height, taken)?;
                if let Some(slot) = info.target {
                    let target = insn.operands.get(usize::from(slot)).copied();
                    let target = self.index(offset(target.unwrap_or(u32::MAX)))?;
                    if self.enter(target, after)? {
                        let pushed = next.replace((target, after));
                        self.work.extend(pushed.map(|(i, _)| i));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Every stack rule for `func`, decoded in `code`, whose layout and tables
/// are already valid.
pub(super) fn check(func: &Function, code: &Code, scratch: &mut Scratch) -> Result<(), Fault> {
    scratch.heights.clear();
    scratch.heights.resize(code.insns().len(), UNSEEN);
    scratch.work.clear();
    let mut flow = Flow {
        max_stack: func.max_stack,
        code,
        insns: code.insns(),
        heights: &mut scratch.heights,
        work: &mut scratch.work,
    };
    let entries = std::iter::once((0, 0));
    let handlers = func
        .handlers
        .iter()
        .map(|h| (h.handler, u32::from(h.depth) + 1));
    for (pc, height) in entries.chain(handlers) {
        let i = flow.index(offset(pc))?;
        if flow.enter(i, height)? {
            flow.work.push(i);
        }
    }
    while let Some(i) = flow.work.pop() {
        flow.walk(i)?;
    }
    handler_stack(func, code, scratch)
}

/// Rule `handler-stack`: see the module documentation.
fn handler_stack(func: &Function, code: &Code, scratch: &mut Scratch) -> Result<(), Fault> {
    let handlers = &func.handlers;
    if handlers.is_empty() {
        return Ok(());
    }
    let order = &mut scratch.order;
    order.clear();
    order.extend(0..handlers.len());
    order.sort_unstable_by_key(|&i| (handlers[i].end, i));
    let mut queries = order.iter().copied().peekable();
    // (pc, floor) with pcs increasing and floors non-decreasing; an entry is
    // dropped when a later pc has a smaller floor. So the first entry at or
    // after any pc is the earliest pc with the least floor from there on.
    let minima = &mut scratch.minima;
    minima.clear();
    let mut answer = |pc: usize, minima: &[(usize, u32)]| -> Result<(), Fault> {
        while let Some(i) = queries.next_if(|&i| offset(handlers[i].end) <= pc) {
            let h = handlers[i];
            let first = minima.partition_point(|&(at, _)| at < offset(h.start));
            if let Some(&(at, floor)) = minima.get(first) {
                if floor < u32::from(h.depth) {
                    let rule = VerifyRule::HandlerStack {
                        handler: i,
                        depth: h.depth,
                        floor,
                    };
                    return Err(Fault::at(at, rule));
                }
            }
        }
        Ok(())
    };
    for (insn, &height) in code.insns().iter().zip(&scratch.heights) {
        answer(insn.at(), minima)?;
        if height == UNSEEN {
            continue;
        }
        let (fall, taken) = moves(code.info(insn), insn);
        let floor = height.saturating_sub(fall.pop.max(taken.pop));
        while minima.last().is_some_and(|&(_, f)| f > floor) {
            minima.pop();
        }
        minima.push((insn.at(), floor));
    }
    answer(code.len(), minima)
}
