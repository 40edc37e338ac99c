//! The interpreter's internal instruction form: the portable bytecode after
//! link-time translation. Operands are decoded once; constants are resolved
//! to module-constant indexes; names are interned symbols; jump targets are
//! instruction indexes; every site that looks something up by name carries an
//! inline-cache slot.

use crate::symbol::Sym;

/// An inline-cache slot index into the prototype's cache table.
pub type Cache = u32;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    Nop,
    Const(u16),
    Int(i64),
    Nil,
    True,
    False,
    Pop,
    Dup,
    Dup2,
    Swap,
    LoadLocal(u16),
    StoreLocal(u16),
    LoadUpval(u16),
    StoreUpval(u16),
    LoadGlobal(u16),
    StoreGlobal(u16),
    LoadBuiltin(u16),
    NewCell(u16),
    LoadCell(u16),
    StoreCell(u16),
    Import(u16),
    GetField(Sym, Cache),
    SetField(Sym, Cache),
    GetIndex,
    SetIndex,
    GetSuper(Sym),
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    Neg,
    BitNot,
    Not,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Is,
    /// `IS` testing a `catch` filter (found at link time): only its error
    /// message differs.
    IsCatch,
    Range,
    RangeIncl,
    Jump(u32),
    JumpIfFalse(u32),
    JumpIfTrue(u32),
    AndJump(u32),
    OrJump(u32),
    JumpIfArg(u16, u32),
    Iter,
    ForNext(u16, u32),
    ForNext2(u16, u32),
    Call(u8),
    Invoke(Sym, u8, Cache),
    SuperInvoke(Sym, u8),
    Return,
    Throw,
    Closure(u32),
    Class(u16, u16),
    List(u16),
    Map(u16),
    Str(u16),
}

#[cfg(test)]
mod tests {
    #[test]
    fn instructions_stay_small() {
        assert!(std::mem::size_of::<super::Instr>() <= 16);
    }
}
