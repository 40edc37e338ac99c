//! The per-function code buffer: instruction encoding through the ISA
//! table, operand-stack depth tracking (so `max_stack` is exact), labels with
//! back-patching, the line table, local names, and exception-handler ranges.

use cairn_vm::classfile::{Handler, LocalName};
use cairn_vm::isa::{write_operand, Effect, Op, OperandKind};

/// The most bytes of code one function may have (16 MiB). Jump targets
/// are `u32`, but a bound far below that keeps a short hostile program from
/// making the compiler allocate gigabytes: code that copies each enclosing
/// `finally` onto every exit doubles with each level of nesting.
pub const MAX_CODE: usize = 1 << 24;
/// The deepest operand stack a function may use: `max_stack` is a `u16`.
pub const MAX_STACK: i64 = u16::MAX as i64;

/// A forward or backward jump destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(usize);

#[derive(Default)]
pub struct FnCode {
    pub code: Vec<u8>,
    depth: i64,
    /// The deepest the stack has been, unclamped, so that an overflow of
    /// `max_stack` is seen rather than wrapped.
    max_depth: i64,
    pub max_stack: u16,
    /// An operand did not fit its encoding and was written as 0. The emitter
    /// reports the limit; this makes sure the code is never used if it did not.
    pub operand_overflow: bool,
    /// The code reached `max_code` bytes; nothing more is appended.
    pub too_long: bool,
    max_code: usize,
    /// Whether the code emitted last can fall through (false after a
    /// terminator, until a label is placed).
    reachable: bool,
    labels: Vec<Option<u32>>,
    /// Where each label's depth is known (set by the first jump or placement).
    label_depth: Vec<Option<i64>>,
    patches: Vec<(usize, Label)>,
    pub lines: Vec<(u32, u32)>,
    pub local_names: Vec<LocalName>,
    pub handlers: Vec<Handler>,
}

impl FnCode {
    pub fn new() -> FnCode {
        FnCode {
            reachable: true,
            max_code: MAX_CODE,
            ..FnCode::default()
        }
    }

    /// A buffer that stops growing at `max_code` bytes.
    #[cfg(test)]
    fn with_max_code(max_code: usize) -> FnCode {
        FnCode {
            max_code,
            ..FnCode::new()
        }
    }

    pub fn pc(&self) -> u32 {
        // At most MAX_CODE, which fits: see `raw`.
        u32::try_from(self.code.len()).unwrap_or(u32::MAX)
    }

    pub fn depth(&self) -> u16 {
        u16::try_from(self.depth.max(0)).unwrap_or(u16::MAX)
    }

    /// Whether the stack has ever been deeper than `max_stack` can say.
    pub fn stack_overflowed(&self) -> bool {
        self.max_depth > MAX_STACK
    }

    pub fn reachable(&self) -> bool {
        self.reachable
    }

    /// Records that code from here on comes from `line`.
    pub fn line(&mut self, line: u32) {
        let pc = self.pc();
        match self.lines.last_mut() {
            Some(last) if last.0 == pc => last.1 = line,
            Some(last) if last.1 == line => {}
            _ => self.lines.push((pc, line)),
        }
    }

    fn adjust(&mut self, pop: u32, push: u32) {
        self.depth -= i64::from(pop);
        self.depth += i64::from(push);
        self.note_max(self.depth);
    }

    fn note_max(&mut self, depth: i64) {
        self.max_depth = self.max_depth.max(depth);
        self.max_stack = u16::try_from(self.max_depth.max(0)).unwrap_or(u16::MAX);
    }

    /// Emits `op` with its operands (targets are given as labels separately).
    pub fn op(&mut self, op: Op, operands: &[u32]) {
        debug_assert!(!op.operands().contains(&OperandKind::Target));
        self.raw(op, operands, None);
    }

    /// Emits a branch instruction to `target`; `operands` excludes the target.
    pub fn jump(&mut self, op: Op, operands: &[u32], target: Label) {
        self.raw(op, operands, Some(target));
    }

    fn raw(&mut self, op: Op, operands: &[u32], target: Option<Label>) {
        // Stop short of the limit rather than let `pc` wrap; depths are
        // still tracked so the emitter's other checks keep working.
        let emit = !self.too_long && self.code.len() + op.len() <= self.max_code;
        if !emit {
            self.too_long = true;
        }
        let start = self.code.len();
        self.code.push(op as u8);
        let mut values = operands.iter();
        let mut argc_or_count = 0;
        for &kind in op.operands() {
            if kind == OperandKind::Target {
                let label = target.expect("branch needs a target");
                self.patches.push((self.code.len(), label));
                write_operand(&mut self.code, kind, 0);
                continue;
            }
            let mut value = *values.next().expect("operand count matches the ISA table");
            if matches!(kind, OperandKind::Argc | OperandKind::Count) {
                argc_or_count = value;
            }
            let max = match kind.width() {
                1 => u32::from(u8::MAX),
                2 => u32::from(u16::MAX),
                _ => u32::MAX,
            };
            if value > max {
                self.operand_overflow = true;
                value = 0;
            }
            write_operand(&mut self.code, kind, value);
        }
        if !emit {
            self.code.truncate(start);
            self.patches.retain(|&(at, _)| at < start);
        }
        let n = argc_or_count;
        match op.effect() {
            Effect::Fixed { pop, push } => self.adjust(pop.into(), push.into()),
            Effect::Call => self.adjust(n.saturating_add(1), 1),
            Effect::PopN => self.adjust(n, 1),
            Effect::PopPairs => self.adjust(n.saturating_mul(2), 1),
            Effect::Branch { fall, taken } => {
                if let Some(label) = target {
                    let at_target = self.depth - i64::from(taken.0) + i64::from(taken.1);
                    self.note_depth(label, at_target);
                }
                self.adjust(fall.0.into(), fall.1.into());
            }
        }
        if let (Some(label), Effect::Fixed { .. }) = (target, op.effect()) {
            self.note_depth(label, self.depth);
        }
        if op.flags().terminator {
            self.reachable = false;
        }
    }

    fn note_depth(&mut self, label: Label, depth: i64) {
        let slot = &mut self.label_depth[label.0];
        if slot.is_none() {
            *slot = Some(depth);
        }
    }

    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        self.label_depth.push(None);
        Label(self.labels.len() - 1)
    }

    /// Places `label` here. After a terminator, the depth at the label is the
    /// one recorded by the jumps to it.
    pub fn place(&mut self, label: Label) {
        self.labels[label.0] = Some(self.pc());
        match self.label_depth[label.0] {
            Some(d) if !self.reachable => self.depth = d,
            Some(_) => {}
            None => self.label_depth[label.0] = Some(self.depth),
        }
        self.reachable = true;
    }

    /// Sets the depth for code that starts unreachable-by-fallthrough, such
    /// as an exception handler (entered with the error pushed).
    pub fn enter_at(&mut self, depth: u32) {
        self.depth = i64::from(depth);
        self.note_max(self.depth);
        self.reachable = true;
    }

    pub fn add_local_name(&mut self, slot: u32, name: u16, start: u32) -> usize {
        self.local_names.push(LocalName {
            // A slot past the limit has been reported; the name is unused.
            slot: u16::try_from(slot).unwrap_or(u16::MAX),
            name,
            start,
            end: start,
        });
        self.local_names.len() - 1
    }

    pub fn end_local_name(&mut self, index: usize) {
        let pc = self.pc();
        self.local_names[index].end = pc;
    }

    /// Resolves every jump; all labels must have been placed.
    pub fn finish(mut self) -> FnCode {
        for &(at, label) in &self.patches {
            let target = self.labels[label.0].expect("every label is placed");
            self.code[at..at + 4].copy_from_slice(&target.to_le_bytes());
        }
        self.patches.clear();
        self.local_names.retain(|l| l.end > l.start);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_stops_at_its_limit_instead_of_wrapping() {
        let mut code = FnCode::with_max_code(16);
        let top = code.label();
        code.place(top);
        for _ in 0..10 {
            code.jump(Op::Jump, &[], top);
        }
        assert!(code.too_long);
        let code = code.finish();
        assert!(code.code.len() <= 16);
        // Every jump kept is whole and targets the label.
        assert_eq!(code.code.len() % Op::Jump.len(), 0);
        for at in (0..code.code.len()).step_by(Op::Jump.len()) {
            assert_eq!(code.code[at + 1..at + 5], [0, 0, 0, 0]);
        }
    }

    #[test]
    fn oversized_operands_are_flagged_not_panics() {
        let mut code = FnCode::new();
        code.op(Op::LoadLocal, &[70_000]);
        code.op(Op::List, &[1 << 20]);
        assert!(code.operand_overflow);
    }

    #[test]
    fn stack_depth_past_u16_is_seen() {
        let mut code = FnCode::new();
        for _ in 0..40_000 {
            code.op(Op::Nil, &[]);
            code.op(Op::Nil, &[]);
        }
        assert!(code.stack_overflowed());
        assert_eq!(code.max_stack, u16::MAX);
        code.op(Op::Map, &[40_000]);
        assert_eq!(code.depth(), 1);
    }
}
