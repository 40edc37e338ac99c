//! Superinstructions: link-time fusion of the commonest instruction
//! sequences into one dispatch.
//!
//! A fused instruction replaces only the first instruction of its sequence;
//! the others stay where they were. Its fast path does the whole sequence
//! and skips over the rest; its slow path does exactly what the first
//! instruction did and falls through to the second. So a jump into the
//! middle of a sequence, an exception table range or a line-table entry
//! still sees the original instructions, and errors are raised by original
//! instructions at their own indexes. The sequences were chosen from
//! instruction-pair counts over `benches/programs/` (see
//! `benches/README.md`).

use super::instr::{Arith, Cmp, Instr};

/// Rewrites `code` in place.
pub fn fuse(code: &mut [Instr]) {
    for i in 0..code.len() {
        if let Some(f) = indexing_or_branch(code, i) {
            code[i] = f;
            continue;
        }
        let next = |k: usize| code.get(i + k).copied();
        let fused = match (code[i], next(1), next(2), next(3)) {
            (Instr::Jump(head), ..) if (head as usize) < i => match code[head as usize] {
                Instr::ForRange(h, _, v, exit) => Some(Instr::LoopRange(h, v, head, exit)),
                Instr::CmpLocalsJump(c, a, b, exit) => {
                    Some(Instr::LoopCmpLocals(c, a, b, head, exit))
                }
                Instr::LocalCmpIntJump(c, l, k, exit) => {
                    Some(Instr::LoopCmpInt(c, l, k, head, exit))
                }
                _ => None,
            },
            (Instr::Nil, Some(c @ (Instr::Eq | Instr::Ne)), Some(Instr::JumpIfFalse(t)), _) => {
                Some(Instr::NilCmpJump(c == Instr::Eq, t))
            }
            (Instr::Nil, Some(Instr::Return), _, _) => Some(Instr::ReturnNil),
            (Instr::LoadLocal(l), Some(Instr::Int(k)), Some(c), Some(Instr::JumpIfFalse(t)))
                if Cmp::of(c).is_some() && imm(k).is_some() =>
            {
                match (Cmp::of(c), imm(k)) {
                    (Some(c), Some(k)) => Some(Instr::LocalCmpIntJump(c, l, k, t)),
                    _ => None,
                }
            }
            (
                Instr::LoadLocal(a),
                Some(Instr::Int(k)),
                Some(Instr::Add),
                Some(Instr::StoreLocal(b)),
            ) if a == b => imm(k).map(|k| Instr::IncLocal(a, k)),
            (
                Instr::LoadLocal(a),
                Some(Instr::Int(k)),
                Some(Instr::Sub),
                Some(Instr::StoreLocal(b)),
            ) if a == b => imm(k)
                .and_then(i32::checked_neg)
                .map(|k| Instr::IncLocal(a, k)),
            (Instr::LoadLocal(o), Some(Instr::Dup), Some(Instr::GetField(_, cache)), _) => {
                Some(Instr::LocalDupField(o, cache))
            }
            (
                Instr::LoadLocal(o),
                Some(Instr::LoadLocal(v)),
                Some(Instr::SetField(_, cache)),
                _,
            ) => Some(Instr::SetFieldLocals(o, v, cache)),
            (op, Some(Instr::SetField(_, cache)), _, _) if Arith::of(op).is_some() => {
                Arith::of(op).map(|op| op.set_field(cache))
            }
            // As above, `a op b` then `STORE_LOCAL` stays two loads and a
            // fused `op; STORE_LOCAL`.
            (
                Instr::LoadLocal(a),
                Some(Instr::LoadLocal(b)),
                Some(op),
                Some(Instr::StoreLocal(_)),
            ) if Arith::of(op).is_some() => Some(Instr::LoadLocal2(a, b)),
            (Instr::LoadLocal(a), Some(Instr::LoadLocal(b)), Some(op), _)
                if Arith::of(op).is_some() =>
            {
                Arith::of(op).map(|op| op.locals(a, b))
            }
            (op, Some(Instr::StoreLocal(l)), _, _) if Arith::of(op).is_some() => {
                Arith::of(op).map(|op| op.store(l))
            }
            // `LOAD_LOCAL b; op; STORE_LOCAL l` stays a plain load, which
            // copies `b` whole, and an `op; STORE_LOCAL` that takes its
            // operands apart: fused into `top op b` the result would be
            // written in pieces and at once read whole by `STORE_LOCAL`,
            // which stalls (store forwarding fails).
            (Instr::LoadLocal(_), Some(op), Some(Instr::StoreLocal(_)), _)
                if Arith::of(op).is_some() =>
            {
                None
            }
            (Instr::LoadLocal(b), Some(op), _, _) if Arith::of(op).is_some() => {
                Arith::of(op).map(|op| op.local(b))
            }
            (
                Instr::LoadLocal(a),
                Some(Instr::LoadLocal(o)),
                Some(Instr::GetField(_, cache)),
                _,
            ) => Some(Instr::LocalLocalField(a, o, cache)),
            (Instr::LoadLocal(a), Some(Instr::LoadLocal(b)), Some(Instr::GetIndex), _) => {
                Some(Instr::IndexLocals(a, b))
            }
            (Instr::LoadLocal(l), Some(Instr::Return), _, _) => Some(Instr::ReturnLocal(l)),
            (Instr::ForNext(it, t), Some(Instr::StoreLocal(v)), _, _) => {
                Some(Instr::ForNextStore(it, v, t))
            }
            (Instr::Range, Some(Instr::Iter), _, _) => Some(Instr::RangeIter(false)),
            (Instr::RangeIncl, Some(Instr::Iter), _, _) => Some(Instr::RangeIter(true)),
            (Instr::Int(k), Some(c), Some(Instr::JumpIfFalse(t)), _) => {
                match (imm(k), Cmp::of(c)) {
                    (Some(k), Some(c)) => Some(Instr::CmpIntJump(c, k, t)),
                    _ => None,
                }
            }
            (c, Some(Instr::JumpIfFalse(t)), _, _) => Cmp::of(c).map(|c| Instr::CmpJump(c, t)),
            (Instr::Int(k), Some(Instr::Add), _, _) => imm(k).map(Instr::AddInt),
            (Instr::Int(k), Some(Instr::Sub), _, _) => imm(k).map(Instr::SubInt),
            (Instr::Int(k), Some(Instr::Mul), _, _) => imm(k).map(Instr::MulInt),
            (Instr::Int(k), Some(Instr::Div), _, _) => imm(k).map(Instr::DivInt),
            (Instr::Int(k), Some(Instr::Mod), _, _) => imm(k).map(Instr::ModInt),
            (
                Instr::LoadLocal(o),
                Some(Instr::GetField(_, cache)),
                Some(Instr::StoreLocal(l)),
                _,
            ) => Some(Instr::LocalFieldStore(o, l, cache)),
            (Instr::LoadLocal(l), Some(Instr::GetField(name, cache)), _, _) => {
                Some(Instr::LocalField(l, name, cache))
            }
            (Instr::LoadLocal(a), Some(Instr::LoadLocal(b)), _, _) => Some(Instr::LoadLocal2(a, b)),
            _ => None,
        };
        if let Some(f) = fused {
            code[i] = f;
        }
    }
    // Over the fused code: a `LOAD_LOCAL` still plain begins no longer
    // sequence, so the `LOAD_GLOBAL` before it may take it.
    for i in 1..code.len() {
        if let (Instr::LoadGlobal(g), Instr::LoadLocal(l)) = (code[i - 1], code[i]) {
            code[i - 1] = Instr::GlobalLocal(g, l);
        }
    }
}

/// The sequences that begin with two or more `LOAD_LOCAL`s and end in a
/// list access or a conditional branch, longest first.
fn indexing_or_branch(code: &[Instr], i: usize) -> Option<Instr> {
    use Instr::{GetIndex, JumpIfFalse, LoadLocal, SetIndex, StoreLocal};
    let at = |k: usize| code.get(i + k).copied();
    let (Some(LoadLocal(a)), Some(LoadLocal(b))) = (at(0), at(1)) else {
        return None;
    };
    match (at(2), at(3), at(4), at(5)) {
        (Some(LoadLocal(c)), Some(LoadLocal(d)), Some(GetIndex), Some(SetIndex)) => {
            Some(Instr::CopyIndex(a, b, c, d))
        }
        (Some(LoadLocal(c)), Some(SetIndex), _, _) => Some(Instr::SetIndexLocals(a, b, c)),
        (Some(GetIndex), Some(StoreLocal(l)), _, _) => Some(Instr::IndexLocalsStore(a, b, l)),
        (Some(c), Some(JumpIfFalse(t)), _, _) => {
            Cmp::of(c).map(|c| Instr::CmpLocalsJump(c, a, b, t))
        }
        _ => None,
    }
}

/// An `INT` operand as a fused immediate.
fn imm(k: i64) -> Option<i32> {
    i32::try_from(k).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuses_in_place_and_keeps_the_tail() {
        let mut code = vec![
            Instr::LoadLocal(1),
            Instr::Int(2),
            Instr::Lt,
            Instr::JumpIfFalse(9),
            Instr::LoadLocal(1),
            Instr::Int(1),
            Instr::Add,
            Instr::StoreLocal(1),
        ];
        fuse(&mut code);
        assert_eq!(
            code,
            vec![
                Instr::LocalCmpIntJump(Cmp::Lt, 1, 2, 9),
                Instr::CmpIntJump(Cmp::Lt, 2, 9),
                Instr::CmpJump(Cmp::Lt, 9),
                Instr::JumpIfFalse(9),
                Instr::IncLocal(1, 1),
                Instr::AddInt(1),
                Instr::AddStore(1),
                Instr::StoreLocal(1),
            ]
        );
    }

    #[test]
    fn fuses_field_updates() {
        use crate::symbol::Sym;
        let (f, c) = (Sym(7), 3);
        // o.f += a * b; o.f = v; o.f = x + y * z
        let mut code = vec![
            Instr::LoadLocal(0),
            Instr::Dup,
            Instr::GetField(f, c),
            Instr::LoadLocal(1),
            Instr::LoadLocal(2),
            Instr::Mul,
            Instr::Add,
            Instr::SetField(f, c),
            Instr::LoadLocal(0),
            Instr::LoadLocal(1),
            Instr::SetField(f, c),
            Instr::LoadLocal(0),
            Instr::LoadLocal(1),
            Instr::LoadLocal(2),
            Instr::LoadLocal(3),
            Instr::Mul,
            Instr::Sub,
            Instr::SetField(f, c),
        ];
        fuse(&mut code);
        assert_eq!(
            code,
            vec![
                Instr::LocalDupField(0, c),
                Instr::Dup,
                Instr::GetField(f, c),
                Instr::MulLocals(1, 2),
                Instr::MulLocal(2),
                Instr::Mul,
                Instr::AddSetField(c),
                Instr::SetField(f, c),
                Instr::SetFieldLocals(0, 1, c),
                Instr::LoadLocal(1),
                Instr::SetField(f, c),
                Instr::LoadLocal2(0, 1),
                Instr::LoadLocal2(1, 2),
                Instr::MulLocals(2, 3),
                Instr::MulLocal(3),
                Instr::Mul,
                Instr::SubSetField(c),
                Instr::SetField(f, c),
            ]
        );
    }

    #[test]
    fn fuses_field_reads_into_locals() {
        use crate::symbol::Sym;
        // let x = o.f; y = (...) * b; let z = x + o.f; z = b * x
        let mut code = vec![
            Instr::LoadLocal(0),
            Instr::GetField(Sym(7), 3),
            Instr::StoreLocal(1),
            Instr::LoadLocal(2),
            Instr::Mul,
            Instr::StoreLocal(3),
            Instr::LoadLocal(1),
            Instr::LoadLocal(0),
            Instr::GetField(Sym(7), 3),
            Instr::Add,
            Instr::StoreLocal(4),
            Instr::LoadLocal(2),
            Instr::LoadLocal(1),
            Instr::Mul,
            Instr::StoreLocal(4),
        ];
        fuse(&mut code);
        assert_eq!(
            code,
            vec![
                Instr::LocalFieldStore(0, 1, 3),
                Instr::GetField(Sym(7), 3),
                Instr::StoreLocal(1),
                // Left alone: `MUL; STORE_LOCAL` is fused instead.
                Instr::LoadLocal(2),
                Instr::MulStore(3),
                Instr::StoreLocal(3),
                Instr::LocalLocalField(1, 0, 3),
                Instr::LocalField(0, Sym(7), 3),
                Instr::GetField(Sym(7), 3),
                Instr::AddStore(4),
                Instr::StoreLocal(4),
                // Two loads, then `MUL; STORE_LOCAL`.
                Instr::LoadLocal2(2, 1),
                Instr::LoadLocal(1),
                Instr::MulStore(4),
                Instr::StoreLocal(4),
            ]
        );
    }

    #[test]
    fn fuses_list_accesses_and_local_branches() {
        // while i < j { let t = p[i]; p[i] = p[j]; p[j] = t }
        let mut code = vec![
            Instr::LoadLocal(1),
            Instr::LoadLocal(2),
            Instr::Lt,
            Instr::JumpIfFalse(20),
            Instr::LoadLocal(0),
            Instr::LoadLocal(1),
            Instr::GetIndex,
            Instr::StoreLocal(3),
            Instr::LoadLocal(0),
            Instr::LoadLocal(1),
            Instr::LoadLocal(0),
            Instr::LoadLocal(2),
            Instr::GetIndex,
            Instr::SetIndex,
            Instr::LoadLocal(0),
            Instr::LoadLocal(2),
            Instr::LoadLocal(3),
            Instr::SetIndex,
        ];
        fuse(&mut code);
        assert_eq!(
            code,
            vec![
                Instr::CmpLocalsJump(Cmp::Lt, 1, 2, 20),
                Instr::LoadLocal(2),
                Instr::CmpJump(Cmp::Lt, 20),
                Instr::JumpIfFalse(20),
                Instr::IndexLocalsStore(0, 1, 3),
                Instr::LoadLocal(1),
                Instr::GetIndex,
                Instr::StoreLocal(3),
                Instr::CopyIndex(0, 1, 0, 2),
                Instr::LoadLocal2(1, 0),
                Instr::IndexLocals(0, 2),
                Instr::LoadLocal(2),
                Instr::GetIndex,
                Instr::SetIndex,
                Instr::SetIndexLocals(0, 2, 3),
                Instr::LoadLocal2(2, 3),
                Instr::LoadLocal(3),
                Instr::SetIndex,
            ]
        );
    }

    #[test]
    fn fuses_arithmetic_with_a_constant() {
        let mut code = vec![
            Instr::LoadLocal(0),
            Instr::Int(3),
            Instr::Mul,
            Instr::Int(2),
            Instr::Div,
            Instr::Int(1021),
            Instr::Mod,
            Instr::Return,
        ];
        fuse(&mut code);
        assert_eq!(
            code,
            vec![
                Instr::LoadLocal(0),
                Instr::MulInt(3),
                Instr::Mul,
                Instr::DivInt(2),
                Instr::Div,
                Instr::ModInt(1021),
                Instr::Mod,
                Instr::Return,
            ]
        );
    }

    #[test]
    fn fuses_comparisons_with_nil_and_small_ints() {
        let mut code = vec![
            Instr::Nil,
            Instr::Ne,
            Instr::JumpIfFalse(7),
            Instr::Nil,
            Instr::Eq,
            Instr::JumpIfFalse(7),
            Instr::LoadLocal(2),
            Instr::Int(10),
            Instr::Ge,
            Instr::JumpIfFalse(0),
            Instr::Nil,
            Instr::Lt,
            Instr::JumpIfFalse(0),
        ];
        fuse(&mut code);
        assert_eq!(
            code,
            vec![
                Instr::NilCmpJump(false, 7),
                Instr::CmpJump(Cmp::Ne, 7),
                Instr::JumpIfFalse(7),
                Instr::NilCmpJump(true, 7),
                Instr::CmpJump(Cmp::Eq, 7),
                Instr::JumpIfFalse(7),
                Instr::LocalCmpIntJump(Cmp::Ge, 2, 10, 0),
                Instr::CmpIntJump(Cmp::Ge, 10, 0),
                Instr::CmpJump(Cmp::Ge, 0),
                Instr::JumpIfFalse(0),
                // Only equality with nil is decided without its operands.
                Instr::Nil,
                Instr::CmpJump(Cmp::Lt, 0),
                Instr::JumpIfFalse(0),
            ]
        );
    }

    #[test]
    fn fuses_a_loop_closing_jump_with_the_test_at_its_head() {
        let mut code = vec![
            // 0: a counted range loop's head, as `range_loop` leaves it.
            Instr::ForRange(5, 1, 2, 4),
            Instr::StoreLocal(2),
            Instr::Nop,
            Instr::Jump(0),
            // 4: `while a < b`.
            Instr::LoadLocal(0),
            Instr::LoadLocal(1),
            Instr::Lt,
            Instr::JumpIfFalse(10),
            Instr::Nop,
            Instr::Jump(4),
            // 10: `while k != 0`.
            Instr::LoadLocal(3),
            Instr::Int(0),
            Instr::Ne,
            Instr::JumpIfFalse(16),
            Instr::Jump(10),
            // 15: a forward jump, and a backward one to another head.
            Instr::Jump(17),
            Instr::Jump(15),
            Instr::Return,
        ];
        fuse(&mut code);
        assert_eq!(code[3], Instr::LoopRange(5, 2, 0, 4));
        assert_eq!(code[9], Instr::LoopCmpLocals(Cmp::Lt, 0, 1, 4, 10));
        assert_eq!(code[14], Instr::LoopCmpInt(Cmp::Ne, 3, 0, 10, 16));
        assert_eq!(code[15], Instr::Jump(17));
        assert_eq!(code[16], Instr::Jump(15));
        // The heads keep their own fused tests.
        assert_eq!(code[4], Instr::CmpLocalsJump(Cmp::Lt, 0, 1, 10));
        assert_eq!(code[10], Instr::LocalCmpIntJump(Cmp::Ne, 3, 0, 16));
    }

    #[test]
    fn fuses_returning_nil_and_a_global_with_a_local() {
        let mut code = vec![
            Instr::LoadGlobal(3),
            Instr::LoadLocal(0),
            Instr::Int(1),
            Instr::Sub,
            Instr::Call(1, 0),
            // A local that begins a longer sequence stays with it.
            Instr::LoadGlobal(3),
            Instr::LoadLocal(0),
            Instr::LoadLocal(1),
            Instr::Add,
            Instr::Pop,
            Instr::Nil,
            Instr::Return,
        ];
        fuse(&mut code);
        assert_eq!(code[0], Instr::GlobalLocal(3, 0));
        assert_eq!(code[1], Instr::LoadLocal(0));
        assert_eq!(code[5], Instr::LoadGlobal(3));
        assert_eq!(code[6], Instr::AddLocals(0, 1));
        assert_eq!(code[10], Instr::ReturnNil);
        assert_eq!(code[11], Instr::Return);
    }

    #[test]
    fn fuses_returning_a_local() {
        let mut code = vec![Instr::LoadLocal(0), Instr::Return];
        fuse(&mut code);
        assert_eq!(code, vec![Instr::ReturnLocal(0), Instr::Return]);
    }

    #[test]
    fn leaves_other_code_alone() {
        let mut code = vec![Instr::Int(1 << 40), Instr::Add, Instr::Return];
        fuse(&mut code);
        assert_eq!(code, vec![Instr::Int(1 << 40), Instr::Add, Instr::Return]);
    }
}
