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
    /// `LOAD_UPVAL` of an upvalue held as a cell.
    LoadUpval(u16),
    /// `LOAD_UPVAL` of an upvalue held as a copied value: no cell to read
    /// through.
    LoadUpvalValue(u16),
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
    /// `CALL argc`, with its call site's index into `Vm::call_sites`.
    Call(u8, u32),
    Invoke(Sym, u8, Cache),
    SuperInvoke(Sym, u8),
    Return,
    Throw,
    Closure(u32),
    Class(u16, u16),
    List(u16),
    Map(u16),
    Str(u16),

    // Superinstructions (see `fuse.rs`). Each replaces the first
    // instruction of a common sequence and leaves the rest in place; its
    // fast path does the whole sequence and skips the rest, and its slow
    // path does only what the first instruction did and falls through.
    /// `LOAD_LOCAL a; LOAD_LOCAL b`.
    LoadLocal2(u16, u16),
    /// `INT k; ADD`.
    AddInt(i32),
    /// `INT k; SUB`.
    SubInt(i32),
    /// `INT k; MUL`.
    MulInt(i32),
    /// `INT k; DIV`.
    DivInt(i32),
    /// `INT k; MOD`.
    ModInt(i32),
    /// `LOAD_LOCAL l; INT k; ADD; STORE_LOCAL l`: `l += k`.
    IncLocal(u16, i32),
    /// A comparison followed by `JUMP_IF_FALSE t`.
    CmpJump(Cmp, u32),
    /// `INT k`, a comparison, `JUMP_IF_FALSE t`.
    CmpIntJump(Cmp, i32, u32),
    /// `NIL; EQ` (`true`) or `NIL; NE` (`false`), then `JUMP_IF_FALSE t`:
    /// `if x == nil`, `while node != nil`.
    NilCmpJump(bool, u32),
    /// `LOAD_LOCAL l; INT k`, a comparison, `JUMP_IF_FALSE t`: `if l < k`
    /// and the like. Fields: the comparison, `l`, `k`, `t`.
    LocalCmpIntJump(Cmp, u16, i32, u32),
    /// `LOAD_LOCAL l; GET_FIELD name`.
    LocalField(u16, Sym, Cache),
    /// `LOAD_LOCAL a; LOAD_LOCAL o; GET_FIELD f`: `a`, then `o.f`.
    LocalLocalField(u16, u16, Cache),
    /// `LOAD_LOCAL o; GET_FIELD f; STORE_LOCAL l`: `l = o.f`.
    LocalFieldStore(u16, u16, Cache),
    /// `LOAD_LOCAL a; LOAD_LOCAL b; GET_INDEX`: `a[b]`.
    IndexLocals(u16, u16),
    /// `FOR_NEXT it, t; STORE_LOCAL v`: the loop variable is stored
    /// directly.
    ForNextStore(u16, u16, u32),
    /// `RANGE; ITER`: iterating a range literal makes only the iterator.
    RangeIter(bool),
    // The arithmetic superinstructions come one per operator, so that
    // dispatch alone selects the operation (no second branch on it).
    /// `LOAD_LOCAL b; ADD`: `top + b` (and likewise `SUB`, `MUL`, `DIV`).
    AddLocal(u16),
    SubLocal(u16),
    MulLocal(u16),
    DivLocal(u16),
    /// `LOAD_LOCAL a; LOAD_LOCAL b; ADD`: `a + b` (and likewise).
    AddLocals(u16, u16),
    SubLocals(u16, u16),
    MulLocals(u16, u16),
    DivLocals(u16, u16),
    /// `ADD; STORE_LOCAL l` (and likewise).
    AddStore(u16),
    SubStore(u16),
    MulStore(u16),
    DivStore(u16),
    /// `LOAD_LOCAL o; DUP; GET_FIELD f`: the start of a compound field
    /// assignment `o.f op= e`, leaving `o` and `o.f`.
    LocalDupField(u16, Cache),
    /// `ADD; SET_FIELD f`: `o.f = a + b` (and likewise).
    AddSetField(Cache),
    SubSetField(Cache),
    MulSetField(Cache),
    DivSetField(Cache),
    /// `LOAD_LOCAL o; LOAD_LOCAL v; SET_FIELD f`: `o.f = v`.
    SetFieldLocals(u16, u16, Cache),
    /// `LOAD_LOCAL a; LOAD_LOCAL b`, a comparison, `JUMP_IF_FALSE t`.
    CmpLocalsJump(Cmp, u16, u16, u32),
    /// `LOAD_LOCAL a; LOAD_LOCAL b; GET_INDEX; STORE_LOCAL l`: `l = a[b]`.
    IndexLocalsStore(u16, u16, u16),
    /// `LOAD_LOCAL o; LOAD_LOCAL k; LOAD_LOCAL v; SET_INDEX`: `o[k] = v`.
    SetIndexLocals(u16, u16, u16),
    /// `LOAD_LOCAL o; LOAD_LOCAL k; LOAD_LOCAL a; LOAD_LOCAL b; GET_INDEX;
    /// SET_INDEX`: `o[k] = a[b]`.
    CopyIndex(u16, u16, u16, u16),
    /// `LOAD_LOCAL l; RETURN`.
    ReturnLocal(u16),
    /// `RANGE` (`RANGE_INCL` with `true`) starting a counted range loop
    /// (see `range_loop.rs`): the first value goes to slot `h`, the end
    /// (exclusive) to slot `h + 1`, and `ITER; STORE_LOCAL it` is skipped.
    RangeLoop(bool, u16),
    /// `FOR_NEXT it, t; STORE_LOCAL v` of a counted range loop: counts in
    /// slots `h` and `h + 1`. Fields: `h`, `it`, `v`, `t`.
    ForRange(u16, u16, u16, u32),
    /// A counted range loop's closing `JUMP head`, where `head` holds
    /// its `FOR_RANGE h, it, v, exit`: the jump and the next iteration's
    /// test in one dispatch, as Lua's `FORLOOP` closes a loop. Fields:
    /// `h`, `v`, `head`, `exit`.
    LoopRange(u16, u16, u32, u32),
    /// A `while` loop's closing `JUMP head`, where `head` holds its test
    /// `CMP_LOCALS_JUMP c, a, b, exit`: the jump and the next test in one
    /// dispatch. Fields: `c`, `a`, `b`, `head`, `exit`.
    LoopCmpLocals(Cmp, u16, u16, u32, u32),
    /// The same for a test `LOCAL_CMP_INT_JUMP c, l, k, exit`. Fields:
    /// `c`, `l`, `k`, `head`, `exit`.
    LoopCmpInt(Cmp, u16, i32, u32, u32),
    /// `NIL; RETURN`: the end of a function body without `return`.
    ReturnNil,
    /// `LOAD_GLOBAL g; LOAD_LOCAL l`, where no longer sequence starts at
    /// the `LOAD_LOCAL`: a global function or object and its argument.
    GlobalLocal(u16, u16),
}

/// The arithmetic a fused instruction performs.
impl Instr {
    /// The target of a conditional branch of the class file's set: one that
    /// jumps or falls through to the next instruction.
    pub fn branch_target(&mut self) -> Option<&mut u32> {
        match self {
            Instr::JumpIfFalse(t)
            | Instr::JumpIfTrue(t)
            | Instr::AndJump(t)
            | Instr::OrJump(t)
            | Instr::JumpIfArg(_, t)
            | Instr::ForNext(_, t)
            | Instr::ForNext2(_, t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

impl Arith {
    pub fn of(instr: Instr) -> Option<Arith> {
        Some(match instr {
            Instr::Add => Arith::Add,
            Instr::Sub => Arith::Sub,
            Instr::Mul => Arith::Mul,
            Instr::Div => Arith::Div,
            _ => return None,
        })
    }

    /// `LOAD_LOCAL b; op`.
    pub fn local(self, b: u16) -> Instr {
        match self {
            Arith::Add => Instr::AddLocal(b),
            Arith::Sub => Instr::SubLocal(b),
            Arith::Mul => Instr::MulLocal(b),
            Arith::Div => Instr::DivLocal(b),
        }
    }

    /// `LOAD_LOCAL a; LOAD_LOCAL b; op`.
    pub fn locals(self, a: u16, b: u16) -> Instr {
        match self {
            Arith::Add => Instr::AddLocals(a, b),
            Arith::Sub => Instr::SubLocals(a, b),
            Arith::Mul => Instr::MulLocals(a, b),
            Arith::Div => Instr::DivLocals(a, b),
        }
    }

    /// `op; STORE_LOCAL l`.
    pub fn store(self, l: u16) -> Instr {
        match self {
            Arith::Add => Instr::AddStore(l),
            Arith::Sub => Instr::SubStore(l),
            Arith::Mul => Instr::MulStore(l),
            Arith::Div => Instr::DivStore(l),
        }
    }

    /// `op; SET_FIELD f`.
    pub fn set_field(self, cache: Cache) -> Instr {
        match self {
            Arith::Add => Instr::AddSetField(cache),
            Arith::Sub => Instr::SubSetField(cache),
            Arith::Mul => Instr::MulSetField(cache),
            Arith::Div => Instr::DivSetField(cache),
        }
    }

    /// The result for Ints and Floats (mixed ones converting the Int),
    /// or `None` where the full operation must decide: other types,
    /// overflow, and Int division by zero.
    #[inline(always)]
    pub fn fast(
        self,
        a: crate::value::Value,
        b: crate::value::Value,
    ) -> Option<crate::value::Value> {
        use crate::value::Value;
        let floats = |x: f64, y: f64| match self {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mul => x * y,
            Arith::Div => x / y,
        };
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => match self {
                Arith::Add => x.checked_add(y),
                Arith::Sub => x.checked_sub(y),
                Arith::Mul => x.checked_mul(y),
                Arith::Div => x.checked_div(y),
            }
            .map(Value::Int),
            (Value::Float(x), Value::Float(y)) => Some(Value::Float(floats(x, y))),
            (Value::Int(x), Value::Float(y)) => Some(Value::Float(floats(x as f64, y))),
            (Value::Float(x), Value::Int(y)) => Some(Value::Float(floats(x, y as f64))),
            _ => None,
        }
    }
}

/// The comparison a fused compare-and-branch performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    /// The comparison of an unfused instruction, if it is one.
    pub fn of(instr: Instr) -> Option<Cmp> {
        Some(match instr {
            Instr::Lt => Cmp::Lt,
            Instr::Le => Cmp::Le,
            Instr::Gt => Cmp::Gt,
            Instr::Ge => Cmp::Ge,
            Instr::Eq => Cmp::Eq,
            Instr::Ne => Cmp::Ne,
            _ => return None,
        })
    }

    /// The unfused instruction.
    pub fn instr(self) -> Instr {
        match self {
            Cmp::Lt => Instr::Lt,
            Cmp::Le => Instr::Le,
            Cmp::Gt => Instr::Gt,
            Cmp::Ge => Instr::Ge,
            Cmp::Eq => Instr::Eq,
            Cmp::Ne => Instr::Ne,
        }
    }

    /// Branch-free, so that a fused compare-and-jump makes one
    /// data-dependent branch (its jump) and no dispatch on the comparison:
    /// the ordering of `a` and `b` (0 less, 1 equal, 2 greater) picks a
    /// bit of the comparison's three-bit mask of the orderings it accepts.
    #[inline(always)]
    pub fn ints(self, a: i64, b: i64) -> bool {
        // Masks in declaration order: Lt, Le, Gt, Ge, Eq, Ne.
        const MASKS: u32 = 0b001 | 0b011 << 3 | 0b100 << 6 | 0b110 << 9 | 0b010 << 12 | 0b101 << 15;
        let ord = u32::from(a > b) * 2 + u32::from(a == b);
        (MASKS >> (self as u32 * 3 + ord)) & 1 != 0
    }

    /// IEEE comparison, which is the language's for two Floats (NaN is
    /// unequal to everything and unordered).
    #[inline(always)]
    pub fn floats(self, a: f64, b: f64) -> bool {
        self.apply(a, b)
    }

    #[inline(always)]
    fn apply<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn instructions_stay_small() {
        assert!(std::mem::size_of::<super::Instr>() <= 16);
    }

    #[test]
    fn int_comparisons_agree_with_the_operators() {
        use super::Cmp;
        let values = [
            i64::MIN,
            i64::MIN + 1,
            -2,
            -1,
            0,
            1,
            2,
            i64::MAX - 1,
            i64::MAX,
        ];
        for a in values {
            for b in values {
                assert_eq!(Cmp::Lt.ints(a, b), a < b);
                assert_eq!(Cmp::Le.ints(a, b), a <= b);
                assert_eq!(Cmp::Gt.ints(a, b), a > b);
                assert_eq!(Cmp::Ge.ints(a, b), a >= b);
                assert_eq!(Cmp::Eq.ints(a, b), a == b);
                assert_eq!(Cmp::Ne.ints(a, b), a != b);
            }
        }
    }
}
