//! A function's code, decoded once.
//!
//! Decoding runs from pc 0, one instruction after another, so every byte of
//! code belongs to exactly one instruction, reachable or not. The result is
//! a table of instructions in code order, each with its opcode and operand
//! values, and a map from each code offset to the instruction starting there.
//! That set of instruction starts is what "on an instruction boundary" means
//! for jump targets, handler ranges and handler targets, and line entries.
//! Every later pass reads this table instead of the bytes.
//!
//! One [`Code`] is reused for every function of a file, so decoding a
//! function allocates only when it is the largest yet.

use crate::isa::{read_operand, Op};

use super::ops::{self, OpInfo, Table, MAX_OPERANDS};
use super::{Fault, VerifyRule};

/// One decoded instruction: where it starts, its opcode and its operand
/// values in encoding order (zero past its last operand).
#[derive(Clone, Copy, Debug)]
pub(super) struct Insn {
    pub pc: u32,
    pub op: Op,
    pub operands: [u32; MAX_OPERANDS],
}

impl Insn {
    /// The pc as an index into the code.
    pub fn at(&self) -> usize {
        offset(self.pc)
    }
}

/// The index map's entry for an offset where no instruction starts.
const NONE: u32 = u32::MAX;

/// A decoded function body: see the module documentation.
pub(super) struct Code {
    table: &'static Table,
    insns: Vec<Insn>,
    /// Per code offset, the index in `insns` of the instruction starting
    /// there, or [`NONE`].
    index: Vec<u32>,
    /// The indexes of the instructions with a `Target` operand.
    branches: Vec<u32>,
}

impl Code {
    pub fn new() -> Code {
        Code {
            table: ops::table(),
            insns: Vec::new(),
            index: Vec::new(),
            branches: Vec::new(),
        }
    }

    /// Rules `code-size`, `non-empty-code`, `known-opcode` and
    /// `whole-instruction`: decodes all of `code`, replacing what `self`
    /// held.
    pub fn decode(&mut self, code: &[u8]) -> Result<(), Fault> {
        self.insns.clear();
        self.index.clear();
        self.branches.clear();
        if u32::try_from(code.len()).is_err() {
            return Err(VerifyRule::CodeSize { len: code.len() }.into());
        }
        if code.is_empty() {
            return Err(VerifyRule::NonEmptyCode.into());
        }
        self.index.resize(code.len(), NONE);
        let buffers = (&mut self.insns, &mut self.index[..], &mut self.branches);
        decode(self.table, code, buffers)
    }

    /// The instructions, in code order.
    pub fn insns(&self) -> &[Insn] {
        &self.insns
    }

    /// The instructions with a `Target` operand, in code order.
    pub fn branches(&self) -> impl Iterator<Item = &Insn> + '_ {
        let insn = |&i: &u32| self.insns.get(usize::try_from(i).ok()?);
        self.branches.iter().filter_map(insn)
    }

    /// The facts about `insn`'s opcode.
    pub fn info(&self, insn: &Insn) -> &'static OpInfo {
        &self.table[insn.op as usize]
    }

    /// The code length.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// The index of the instruction that starts at `pc`, if one does.
    pub fn index(&self, pc: usize) -> Option<usize> {
        match self.index.get(pc) {
            Some(&i) if i != NONE => usize::try_from(i).ok(),
            _ => None,
        }
    }

    /// Whether `pc` is the first byte of an instruction.
    pub fn is_start(&self, pc: usize) -> bool {
        self.index.get(pc).is_some_and(|&i| i != NONE)
    }

    /// Whether `pc` may end a range: an instruction start or the code length.
    pub fn ends_range(&self, pc: usize) -> bool {
        pc == self.len() || self.is_start(pc)
    }
}

/// Decodes `code` into `insns` and `index`, which has one entry per byte.
/// (The buffers are separate arguments, so the loop keeps their lengths in
/// registers.)
fn decode(
    table: &Table,
    code: &[u8],
    (insns, index, branches): (&mut Vec<Insn>, &mut [u32], &mut Vec<u32>),
) -> Result<(), Fault> {
    let mut pc = 0;
    while let Some(&byte) = code.get(pc) {
        let info = &table[usize::from(byte)];
        let Some(op) = info.op else {
            return Err(Fault::at(pc, VerifyRule::KnownOpcode { byte }));
        };
        let len = usize::from(info.len);
        if code.len() - pc < len {
            return Err(Fault::at(pc, VerifyRule::WholeInstruction { op }));
        }
        let operands = if info.in_word {
            let word = word(code, pc + 1);
            std::array::from_fn(|slot| {
                let field = (word >> info.shifts[slot]) & u64::from(info.masks[slot]);
                u32::try_from(field).unwrap_or(u32::MAX)
            })
        } else {
            operands(code, pc, op)
        };
        // Fewer instructions than bytes, and the code fits a u32.
        let i = u32::try_from(insns.len()).unwrap_or(NONE);
        if let Some(entry) = index.get_mut(pc) {
            *entry = i;
        }
        if info.target.is_some() {
            branches.push(i);
        }
        insns.push(Insn {
            pc: u32::try_from(pc).unwrap_or(u32::MAX),
            op,
            operands,
        });
        pc += len;
    }
    Ok(())
}

/// The little-endian word of the 8 bytes at `at`, with zeros for any past
/// the end of the code.
fn word(code: &[u8], at: usize) -> u64 {
    if let Some(bytes) = code.get(at..).and_then(|rest| rest.first_chunk()) {
        return u64::from_le_bytes(*bytes);
    }
    let mut bytes = [0; 8];
    let rest = code.get(at..).unwrap_or_default();
    let n = rest.len().min(bytes.len());
    bytes[..n].copy_from_slice(&rest[..n]);
    u64::from_le_bytes(bytes)
}

/// The operands of the whole instruction at `pc`, one by one.
fn operands(code: &[u8], pc: usize, op: Op) -> [u32; MAX_OPERANDS] {
    let mut operands = [0; MAX_OPERANDS];
    let mut at = pc + 1;
    for (value, &kind) in operands.iter_mut().zip(op.operands()) {
        // The caller checked that every operand byte exists.
        *value = read_operand(code, at, kind).unwrap_or(0);
        at += kind.width();
    }
    operands
}

/// A u32 code offset as an index (saturating on 16-bit hosts, where it is
/// then out of range anyway).
pub(super) fn offset(pc: u32) -> usize {
    usize::try_from(pc).unwrap_or(usize::MAX)
}
