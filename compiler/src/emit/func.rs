//! The per-function code buffer: instruction encoding through the ISA
//! table, operand-stack depth tracking (so `max_stack` is exact), labels with
//! back-patching, the line table, local names, and exception-handler ranges.

use cairn_vm::classfile::{Handler, LocalName};
use cairn_vm::isa::{write_operand, Effect, Op, OperandKind};

/// A forward or backward jump destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(usize);

#[derive(Default)]
pub struct FnCode {
    pub code: Vec<u8>,
    depth: i32,
    pub max_stack: u16,
    /// Whether the code emitted last can fall through (false after a
    /// terminator, until a label is placed).
    reachable: bool,
    labels: Vec<Option<u32>>,
    /// Where each label's depth is known (set by the first jump or placement).
    label_depth: Vec<Option<i32>>,
    patches: Vec<(usize, Label)>,
    pub lines: Vec<(u32, u32)>,
    pub local_names: Vec<LocalName>,
    pub handlers: Vec<Handler>,
}

impl FnCode {
    pub fn new() -> FnCode {
        FnCode {
            reachable: true,
            ..FnCode::default()
        }
    }

    pub fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    pub fn depth(&self) -> u16 {
        self.depth.max(0) as u16
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

    fn adjust(&mut self, pop: u16, push: u16) {
        self.depth -= i32::from(pop);
        self.depth += i32::from(push);
        self.max_stack = self.max_stack.max(self.depth.max(0) as u16);
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
            let value = *values.next().expect("operand count matches the ISA table");
            if matches!(kind, OperandKind::Argc | OperandKind::Count) {
                argc_or_count = value;
            }
            write_operand(&mut self.code, kind, value);
        }
        let n = argc_or_count as u16;
        match op.effect() {
            Effect::Fixed { pop, push } => self.adjust(pop, push),
            Effect::Call => self.adjust(n + 1, 1),
            Effect::PopN => self.adjust(n, 1),
            Effect::PopPairs => self.adjust(2 * n, 1),
            Effect::Branch { fall, taken } => {
                if let Some(label) = target {
                    let at_target = self.depth - i32::from(taken.0) + i32::from(taken.1);
                    self.note_depth(label, at_target);
                }
                self.adjust(fall.0, fall.1);
            }
        }
        if let (Some(label), Effect::Fixed { .. }) = (target, op.effect()) {
            self.note_depth(label, self.depth);
        }
        if op.flags().terminator {
            self.reachable = false;
        }
    }

    fn note_depth(&mut self, label: Label, depth: i32) {
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
    pub fn enter_at(&mut self, depth: u16) {
        self.depth = i32::from(depth);
        self.max_stack = self.max_stack.max(depth);
        self.reachable = true;
    }

    pub fn add_local_name(&mut self, slot: u32, name: u16, start: u32) -> usize {
        self.local_names.push(LocalName {
            slot: slot as u16,
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
