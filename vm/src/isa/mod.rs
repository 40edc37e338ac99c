//! The instruction set: one table, from which everything else is generated.
//!
//! Each row of the `opcodes!` table (`isa/table.rs`) gives an instruction's
//! byte, its mnemonic, its operand kinds, its stack effect, its flags, a
//! one-line meaning and the errors it may raise. From that single list come
//! the [`Op`] enum, byte decoding, operand layout, mnemonics for the
//! assembler and disassembler, the facts the verifier checks, and the
//! instruction table of `spec/bytecode.md` ([`markdown_table`]), which a
//! test keeps equal to the spec's text. [`BUILTINS`] is the prelude table
//! that `Builtin` operands index.
//!
//! Encoding: one opcode byte, then the operands in order, little-endian, each
//! of the fixed width its kind gives. Instructions are variable length.

mod builtins;
mod markdown;
mod operand;
mod table;

pub use builtins::{builtin_is_base_class, BUILTINS, BUILTIN_COUNT};
pub use markdown::{markdown_builtins, markdown_table};
pub use operand::{ConstKind, OperandKind};
pub use table::{Op, OPS};

/// How an instruction changes the operand-stack height.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Pops `pop` values, then pushes `push`.
    Fixed { pop: u16, push: u16 },
    /// Pops the callee (or receiver) and `argc` arguments; pushes the result.
    /// `argc` is the instruction's `Argc` operand.
    Call,
    /// Pops `n` values (the `Count` operand) and pushes one.
    PopN,
    /// Pops `2n` values (the `Count` operand) and pushes one.
    PopPairs,
    /// A conditional branch whose two outcomes differ: `fall` applies when
    /// execution continues with the next instruction, `taken` when it jumps.
    Branch { fall: (u16, u16), taken: (u16, u16) },
}

/// Properties the verifier and the translator rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Flags {
    /// Has a `Target` operand: execution may continue there.
    pub branch: bool,
    /// Never continues with the next instruction.
    pub terminator: bool,
    /// May allocate on the heap (a GC point).
    pub allocates: bool,
    /// May raise an error.
    pub throws: bool,
    /// Gets an inline-cache slot when linked.
    pub cached: bool,
}

/// Flag shorthands for the table.
pub(crate) mod f {
    use super::Flags;
    pub const NONE: Flags = Flags {
        branch: false,
        terminator: false,
        allocates: false,
        throws: false,
        cached: false,
    };
    pub const THROWS: Flags = Flags {
        throws: true,
        ..NONE
    };
    pub const ALLOC: Flags = Flags {
        allocates: true,
        throws: true,
        ..NONE
    };
    pub const CACHED: Flags = Flags {
        allocates: true,
        throws: true,
        cached: true,
        ..NONE
    };
    pub const BRANCH: Flags = Flags {
        branch: true,
        ..NONE
    };
    pub const JUMP: Flags = Flags {
        branch: true,
        terminator: true,
        ..NONE
    };
    pub const END: Flags = Flags {
        terminator: true,
        throws: true,
        ..NONE
    };
    pub const RETURN: Flags = Flags {
        terminator: true,
        ..NONE
    };
    pub const ITER: Flags = Flags {
        branch: true,
        allocates: true,
        throws: true,
        ..NONE
    };
}

impl Op {
    /// The encoded length of this instruction, opcode byte included.
    pub fn len(self) -> usize {
        1 + self.operands().iter().map(|k| k.width()).sum::<usize>()
    }

    /// Always false: every instruction has at least its opcode byte.
    pub fn is_empty(self) -> bool {
        false
    }

    /// Decodes an opcode byte.
    pub fn from_byte(byte: u8) -> Option<Op> {
        table::DECODE[byte as usize]
    }

    /// Looks an instruction up by its mnemonic (as `disasm` prints it).
    pub fn from_mnemonic(text: &str) -> Option<Op> {
        OPS.iter().copied().find(|op| op.mnemonic() == text)
    }
}

/// Reads the operand of `kind` at `at` in `code`, if the bytes are there.
pub fn read_operand(code: &[u8], at: usize, kind: OperandKind) -> Option<u32> {
    let bytes = code.get(at..at + kind.width())?;
    Some(match kind.width() {
        1 => u32::from(bytes[0]),
        2 => u32::from(u16::from_le_bytes([bytes[0], bytes[1]])),
        _ => u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
    })
}

/// Appends an operand of `kind` to `code`; the value must fit its width.
///
/// # Panics
/// When `value` does not fit the operand's width: the emitter checks limits
/// before it encodes.
pub fn write_operand(code: &mut Vec<u8>, kind: OperandKind, value: u32) {
    match kind.width() {
        1 => code.push(u8::try_from(value).expect("operand fits in u8")),
        2 => code.extend_from_slice(
            &u16::try_from(value)
                .expect("operand fits in u16")
                .to_le_bytes(),
        ),
        _ => code.extend_from_slice(&value.to_le_bytes()),
    }
}

#[cfg(test)]
mod tests;
