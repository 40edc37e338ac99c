//! Expressions. Each leaves exactly one value on the operand stack.

use cairn_vm::classfile::FunctionKind;
use cairn_vm::isa::{Op, BUILTINS};

use super::{Emitter, MAX_ARGS, MAX_COUNT};
use crate::ast::*;
use crate::span::Span;

impl<'a> Emitter<'a> {
    pub(super) fn expr(&mut self, e: &'a Expr) {
        let overflowed = self.code().stack_overflowed();
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e));
        // Only these push many values at once; report the innermost one that
        // takes the stack past its limit.
        let many = matches!(
            e.kind,
            ExprKind::List(_)
                | ExprKind::Map(_)
                | ExprKind::Interp(_)
                | ExprKind::Call { .. }
                | ExprKind::Invoke(_)
                | ExprKind::SuperInvoke(_)
        );
        if many && !overflowed && self.code().stack_overflowed() && !self.cur().stack_reported {
            self.cur().stack_reported = true;
            let max = super::func::MAX_STACK as u64;
            self.fn_limit(e.span, "values on the operand stack", max, "stack depth");
        }
    }

    fn expr_inner(&mut self, e: &'a Expr) {
        match &e.kind {
            ExprKind::Nil => self.op(Op::Nil, &[]),
            ExprKind::True => self.op(Op::True, &[]),
            ExprKind::False => self.op(Op::False, &[]),
            ExprKind::Int(v) => self.int(*v, e.span),
            ExprKind::Float(v) => match self.pool.float(*v) {
                Ok(k) => self.op(Op::Const, &[u32::from(k)]),
                Err(_) => self.module_limit(e.span, "constants"),
            },
            ExprKind::Str(s) => {
                let k = self.str_const(s, e.span);
                self.op(Op::Const, &[u32::from(k)]);
            }
            ExprKind::Interp(parts) => self.interpolation(parts, e.span),
            ExprKind::Name { name, binding } => {
                if *binding == Binding::Prelude {
                    self.load_builtin(name);
                } else {
                    self.load_binding(*binding);
                }
            }
            ExprKind::This(binding) => self.load_binding(*binding),
            ExprKind::List(items) => {
                let over = items.get(MAX_COUNT).map(|i| i.span);
                let n = self.count(
                    items.len(),
                    over,
                    ["elements", "a list literal", "list elements"],
                );
                items.iter().for_each(|i| self.expr(i));
                self.op(Op::List, &[n]);
            }
            ExprKind::Map(entries) => {
                let over = entries.get(MAX_COUNT).map(|(k, v)| k.span.to(v.span));
                let n = self.count(
                    entries.len(),
                    over,
                    ["entries", "a map literal", "map entries"],
                );
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
                self.op(Op::Map, &[n]);
            }
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => {
                self.expr(start);
                self.expr(end);
                self.op(if *inclusive { Op::RangeIncl } else { Op::Range }, &[]);
            }
            ExprKind::Unary(op, operand) => {
                self.expr(operand);
                self.op(
                    match op {
                        UnOp::Neg => Op::Neg,
                        UnOp::BitNot => Op::BitNot,
                        UnOp::Not => Op::Not,
                    },
                    &[],
                );
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a);
                self.expr(b);
                self.binary_op(*op);
            }
            ExprKind::Logic(op, a, b) => {
                let end = self.code().label();
                self.expr(a);
                let jump = match op {
                    LogicOp::And => Op::AndJump,
                    LogicOp::Or => Op::OrJump,
                };
                self.code().jump(jump, &[], end);
                self.expr(b);
                self.code().place(end);
            }
            ExprKind::Is(a, b) => {
                self.expr(a);
                self.expr(b);
                self.op(Op::Is, &[]);
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                let other = self.code().label();
                let end = self.code().label();
                self.expr(cond);
                self.code().jump(Op::JumpIfFalse, &[], other);
                self.expr(then);
                self.code().jump(Op::Jump, &[], end);
                self.code().place(other);
                self.expr(otherwise);
                self.code().place(end);
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                let argc = self.args(args);
                self.op(Op::Call, &[argc]);
            }
            ExprKind::Invoke(inv) => {
                let Invoke { object, name, args } = &**inv;
                self.expr(object);
                let argc = self.args(args);
                let name = self.str_const(&name.name, name.span);
                self.op(Op::Invoke, &[u32::from(name), argc]);
            }
            ExprKind::SuperInvoke(sup) => {
                let SuperInvoke { name, args, this } = &**sup;
                self.load_binding(*this);
                let argc = self.args(args);
                let name = self.str_const(&name.name, name.span);
                self.op(Op::SuperInvoke, &[u32::from(name), argc]);
            }
            ExprKind::SuperField { name, this } => {
                self.load_binding(*this);
                let name = self.str_const(&name.name, name.span);
                self.op(Op::GetSuper, &[u32::from(name)]);
            }
            ExprKind::Field { object, name } => {
                self.expr(object);
                let name = self.str_const(&name.name, name.span);
                self.op(Op::GetField, &[u32::from(name)]);
            }
            ExprKind::Index { object, index } => {
                self.expr(object);
                self.expr(index);
                self.op(Op::GetIndex, &[]);
            }
            ExprKind::Lambda(func) => {
                let f = self.function(func, FunctionKind::Function, func.span);
                self.op(Op::Closure, &[u32::from(f)]);
            }
            // Reported by the resolver; a module with errors is never emitted.
            ExprKind::IntMinMagnitude | ExprKind::Error => self.op(Op::Nil, &[]),
        }
    }

    fn int(&mut self, v: i64, span: Span) {
        if let Ok(small) = i16::try_from(v) {
            self.op(Op::Int, &[u32::from(small as u16)]);
            return;
        }
        match self.pool.int(v) {
            Ok(k) => self.op(Op::Const, &[u32::from(k)]),
            Err(_) => self.module_limit(span, "constants"),
        }
    }

    /// The `count` operand for `n` items of a literal; `over` is the first
    /// item past the limit, if any; `words` are what they are, where, and
    /// their name in the label.
    fn count(&mut self, n: usize, over: Option<Span>, words: [&str; 3]) -> u32 {
        let Some(span) = over else {
            return n as u32;
        };
        let [what, scope, label_what] = words;
        self.limit(span, what, scope, MAX_COUNT as u64, label_what);
        // The items would overflow the stack too; one error is enough.
        self.cur().stack_reported = true;
        0
    }

    fn args(&mut self, args: &'a [Expr]) -> u32 {
        if let Some(a) = args.get(MAX_ARGS) {
            self.limit(a.span, "arguments", "a call", MAX_ARGS as u64, "arguments");
        }
        args.iter().for_each(|a| self.expr(a));
        args.len().min(MAX_ARGS) as u32
    }

    fn interpolation(&mut self, parts: &'a [StrPart], span: Span) {
        let over = parts.get(MAX_COUNT).map(|p| match p {
            StrPart::Expr(e) => e.span,
            StrPart::Lit(_) => span,
        });
        let n = self.count(
            parts.len(),
            over,
            ["parts", "an interpolated string", "interpolated parts"],
        );
        for part in parts {
            match part {
                StrPart::Lit(s) => {
                    let k = self.str_const(s, span);
                    self.op(Op::Const, &[u32::from(k)]);
                }
                StrPart::Expr(e) => self.expr(e),
            }
        }
        self.op(Op::Str, &[n]);
    }

    pub(super) fn binary_op(&mut self, op: BinOp) {
        let code = match op {
            BinOp::Add => Op::Add,
            BinOp::Sub => Op::Sub,
            BinOp::Mul => Op::Mul,
            BinOp::Div => Op::Div,
            BinOp::Rem => Op::Mod,
            BinOp::Pow => Op::Pow,
            BinOp::Eq => Op::Eq,
            BinOp::Ne => Op::Ne,
            BinOp::Lt => Op::Lt,
            BinOp::Le => Op::Le,
            BinOp::Gt => Op::Gt,
            BinOp::Ge => Op::Ge,
            BinOp::BitAnd => Op::BitAnd,
            BinOp::BitOr => Op::BitOr,
            BinOp::BitXor => Op::BitXor,
            BinOp::Shl => Op::Shl,
            BinOp::Shr => Op::Shr,
        };
        self.op(code, &[]);
    }

    /// Whether local `slot` currently holds a cell (a captured variable).
    fn is_cell(&mut self, slot: u32) -> bool {
        self.cur()
            .cells
            .get(slot as usize)
            .copied()
            .unwrap_or(false)
    }

    pub(super) fn load_binding(&mut self, binding: Binding) {
        match binding {
            Binding::Local(slot) => {
                let op = if self.is_cell(slot) {
                    Op::LoadCell
                } else {
                    Op::LoadLocal
                };
                self.op(op, &[slot]);
            }
            Binding::Upvalue(i) => self.op(Op::LoadUpval, &[i]),
            Binding::Global(g) => self.op(Op::LoadGlobal, &[g]),
            Binding::Prelude | Binding::Unresolved => self.op(Op::Nil, &[]),
        }
    }

    /// Loads a prelude name by its index in the VM's builtin table.
    pub(super) fn load_builtin(&mut self, name: &str) {
        match BUILTINS.iter().position(|b| *b == name) {
            Some(i) => self.op(Op::LoadBuiltin, &[i as u32]),
            None => self.op(Op::Nil, &[]),
        }
    }

    pub(super) fn store_binding(&mut self, binding: Binding) {
        match binding {
            Binding::Local(slot) => {
                let op = if self.is_cell(slot) {
                    Op::StoreCell
                } else {
                    Op::StoreLocal
                };
                self.op(op, &[slot]);
            }
            Binding::Upvalue(i) => self.op(Op::StoreUpval, &[i]),
            Binding::Global(g) => self.op(Op::StoreGlobal, &[g]),
            Binding::Prelude | Binding::Unresolved => self.op(Op::Pop, &[]),
        }
    }
}
