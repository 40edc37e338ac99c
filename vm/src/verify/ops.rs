//! The facts about each opcode that the verifier's loops need, gathered once
//! from the instruction table into an array indexed by opcode byte, so the
//! loops index memory instead of matching on [`Op`] for every instruction.

use std::sync::LazyLock;

use crate::isa::{ConstKind, Effect, Op, OperandKind};

/// The most operands any instruction has; a decoded instruction keeps this
/// many operand values.
pub(super) const MAX_OPERANDS: usize = 2;

/// The most operand bytes an instruction may have for the decoder to read
/// them all from one word.
const WORD: usize = 8;

/// Which table an operand indexes: what bounds its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bound {
    /// Nothing (a target, a count, an immediate, or no operand at all).
    Unbounded,
    /// The constant pool, any kind.
    Constants,
    /// The constant pool, Strings only.
    Strings,
    Locals,
    Upvals,
    Globals,
    Builtins,
    Functions,
    Classes,
    Imports,
}

/// How many [`Bound`]s there are.
pub(super) const BOUNDS: usize = 10;

impl Bound {
    fn of(kind: OperandKind) -> Bound {
        match kind {
            OperandKind::Const(ConstKind::Value) => Bound::Constants,
            OperandKind::Const(ConstKind::Name) => Bound::Strings,
            OperandKind::Local => Bound::Locals,
            OperandKind::Upval => Bound::Upvals,
            OperandKind::Global => Bound::Globals,
            OperandKind::Builtin => Bound::Builtins,
            OperandKind::Func => Bound::Functions,
            OperandKind::Class => Bound::Classes,
            OperandKind::Import => Bound::Imports,
            OperandKind::Target | OperandKind::Argc | OperandKind::Count | OperandKind::Imm => {
                Bound::Unbounded
            }
        }
    }
}

/// What the verifier needs to know about one opcode byte, packed into 32
/// bytes so that the table stays small in the cache.
#[derive(Clone, Copy, Debug)]
pub(super) struct OpInfo {
    /// The opcode, or `None` for an unassigned byte.
    pub op: Option<Op>,
    /// The encoded length, opcode byte included.
    pub len: u8,
    /// Per operand slot, what bounds its value.
    pub bounds: [Bound; MAX_OPERANDS],
    /// The [`Flags`](crate::isa::Flags) the stack rules read: whether the instruction never
    /// continues with the next one, and whether it may jump.
    pub terminator: bool,
    pub branch: bool,
    /// Which operand is the first `Target`, if any.
    pub target: Option<u8>,
    /// Whether the instruction has rules beyond its operands' ranges.
    pub special: bool,
    /// Whether the operands fit the [`WORD`] bytes after the opcode; if so,
    /// per operand slot, the bit offset and mask of its value in their
    /// little-endian word (a zero mask past the last operand).
    pub in_word: bool,
    pub shifts: [u8; MAX_OPERANDS],
    pub masks: [u32; MAX_OPERANDS],
    /// Values popped and pushed when the instruction falls through, and
    /// when it jumps, before adding `scale` times operand `scaled` to the
    /// pops (the `argc` of a call, the `count` of `LIST` or `MAP`).
    pub fall: (u16, u16),
    pub taken: (u16, u16),
    pub scaled: u8,
    pub scale: u8,
}

impl OpInfo {
    fn new(byte: u8) -> OpInfo {
        let mut info = OpInfo {
            op: None,
            len: 1,
            bounds: [Bound::Unbounded; MAX_OPERANDS],
            terminator: false,
            branch: false,
            target: None,
            special: false,
            in_word: true,
            shifts: [0; MAX_OPERANDS],
            masks: [0; MAX_OPERANDS],
            fall: (0, 0),
            taken: (0, 0),
            scaled: 0,
            scale: 0,
        };
        let Some(op) = Op::from_byte(byte) else {
            return info;
        };
        let operands = op.operands();
        let slot = |kind| operands.iter().position(|&k| k == kind);
        let small = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
        let mut at = 0;
        for (i, &kind) in operands.iter().enumerate().take(MAX_OPERANDS) {
            let width = kind.width();
            info.bounds[i] = Bound::of(kind);
            info.in_word &= at + width <= WORD;
            info.shifts[i] = small(8 * at);
            let bits = 8 * u32::from(small(width));
            info.masks[i] = u32::MAX
                .checked_shr(32u32.saturating_sub(bits))
                .unwrap_or(0);
            at += width;
        }
        let (fall, taken, scaled) = match op.effect() {
            Effect::Fixed { pop, push } => ((pop, push), (pop, push), None),
            Effect::Call => ((1, 1), (1, 1), slot(OperandKind::Argc).map(|s| (s, 1))),
            Effect::PopN => ((0, 1), (0, 1), slot(OperandKind::Count).map(|s| (s, 1))),
            Effect::PopPairs => ((0, 1), (0, 1), slot(OperandKind::Count).map(|s| (s, 2))),
            Effect::Branch { fall, taken } => (fall, taken, None),
        };
        let (scaled, scale) = scaled.unwrap_or((0, 0));
        OpInfo {
            op: Some(op),
            len: small(op.len()),
            terminator: op.flags().terminator,
            branch: op.flags().branch,
            target: slot(OperandKind::Target).map(small),
            special: matches!(op, Op::Closure | Op::Class | Op::JumpIfArg | Op::StoreUpval),
            fall,
            taken,
            scaled: small(scaled),
            scale,
            ..info
        }
    }
}

/// Every opcode byte's facts.
pub(super) type Table = [OpInfo; 256];

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut table = [OpInfo::new(0); 256];
    for (byte, info) in (0..=u8::MAX).zip(table.iter_mut()) {
        *info = OpInfo::new(byte);
    }
    table
});

/// The table, built on first use.
pub(super) fn table() -> &'static Table {
    &TABLE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::OPS;

    #[test]
    fn every_opcode_fits_the_decoded_form() {
        for &op in OPS {
            let info = &table()[op as usize];
            assert_eq!(info.op, Some(op));
            assert!(op.operands().len() <= MAX_OPERANDS, "{}", op.mnemonic());
            assert!(info.in_word, "{}", op.mnemonic());
            assert_eq!(usize::from(info.len), op.len(), "{}", op.mnemonic());
        }
        assert_eq!(std::mem::size_of::<OpInfo>(), 32);
        let assigned = table().iter().filter(|i| i.op.is_some()).count();
        assert_eq!(assigned, OPS.len());
    }
}
