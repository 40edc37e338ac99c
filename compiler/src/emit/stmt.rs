//! Statements.

use cairn_vm::classfile::FunctionKind;
use cairn_vm::isa::Op;

use super::{Emitter, LoopCtx};
use crate::ast::*;

impl<'a> Emitter<'a> {
    pub(super) fn stmts(&mut self, stmts: &'a [Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    pub(super) fn block(&mut self, block: &'a Block) {
        self.begin_scope();
        self.stmts(&block.stmts);
        self.end_scope();
    }

    pub(super) fn stmt(&mut self, stmt: &'a Stmt) {
        // Once the function's code is over its limit (reported when the
        // function ends) nothing more is emitted, so the rest of its body
        // is not walked: the walk itself grows with every copied `finally`.
        if self.code().too_long {
            return;
        }
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt_inner(stmt));
    }

    fn stmt_inner(&mut self, stmt: &'a Stmt) {
        self.line_of(stmt.span);
        match &stmt.kind {
            StmtKind::Let(decl) => {
                match &decl.value {
                    Some(v) => self.expr(v),
                    None => self.op(Op::Nil, &[]),
                }
                self.define(&decl.binder);
            }
            StmtKind::Fn(decl) => self.fn_decl(decl),
            StmtKind::Class(decl) => self.class_decl(decl),
            StmtKind::Import(import) => self.import(import),
            StmtKind::Expr(e) => {
                self.expr(e);
                self.op(Op::Pop, &[]);
            }
            StmtKind::Assign { target, op, value } => self.assign(target, *op, value),
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => self.if_stmt(cond, then, otherwise.as_deref()),
            StmtKind::While { cond, body } => self.while_loop(cond, body),
            StmtKind::For(f) => self.for_loop(f),
            StmtKind::Break => self.loop_exit(true),
            StmtKind::Continue => self.loop_exit(false),
            StmtKind::Return(value) => self.return_stmt(value.as_ref()),
            StmtKind::Throw(e) => {
                self.expr(e);
                self.op(Op::Throw, &[]);
            }
            StmtKind::Try(t) => self.try_stmt(t),
            StmtKind::Error => {}
        }
    }

    fn fn_decl(&mut self, decl: &'a FnDecl) {
        // The function can capture itself (recursion through a local name).
        let captured_local = self.cell_first(&decl.binder);
        let f = self.function(&decl.func, FunctionKind::Function, decl.binder.ident.span);
        self.op(Op::Closure, &[u32::from(f)]);
        match captured_local {
            Some(slot) => self.op(Op::StoreCell, &[slot]),
            None => self.define(&decl.binder),
        }
    }

    fn if_stmt(&mut self, cond: &'a Expr, then: &'a Block, otherwise: Option<&'a Else>) {
        let else_label = self.code().label();
        self.expr(cond);
        self.code().jump(Op::JumpIfFalse, &[], else_label);
        self.block(then);
        match otherwise {
            None => self.code().place(else_label),
            Some(other) => {
                let end = self.code().label();
                self.code().jump(Op::Jump, &[], end);
                self.code().place(else_label);
                match other {
                    Else::If(s) => self.stmt(s),
                    Else::Block(b) => self.block(b),
                }
                self.code().place(end);
            }
        }
    }

    fn while_loop(&mut self, cond: &'a Expr, body: &'a Block) {
        let start = self.code().label();
        let end = self.code().label();
        self.code().place(start);
        self.expr(cond);
        self.code().jump(Op::JumpIfFalse, &[], end);
        self.loop_body(body, start, end);
        self.code().jump(Op::Jump, &[], start);
        self.code().place(end);
    }

    fn loop_body(
        &mut self,
        body: &'a Block,
        continue_label: super::Label,
        break_label: super::Label,
    ) {
        let tries = self.cur().tries.len();
        self.cur().loops.push(LoopCtx {
            break_label,
            continue_label,
            tries,
        });
        self.block(body);
        self.cur().loops.pop();
    }

    /// `for v in xs { }`: the iterator lives in the loop's hidden slot; each
    /// iteration stores into the variables afresh (a new cell when captured).
    fn for_loop(&mut self, f: &'a ForLoop) {
        self.expr(&f.iterable);
        self.op(Op::Iter, &[]);
        self.op(Op::StoreLocal, &[f.hidden_slot]);
        self.cur().cells[f.hidden_slot as usize] = false;
        let next = self.code().label();
        let end = self.code().label();
        self.code().place(next);
        self.begin_scope();
        if f.vars.len() == 2 {
            self.code().jump(Op::ForNext2, &[f.hidden_slot], end);
            self.define(&f.vars[1]);
            self.define(&f.vars[0]);
        } else {
            self.code().jump(Op::ForNext, &[f.hidden_slot], end);
            self.define(&f.vars[0]);
        }
        self.loop_body(&f.body, next, end);
        self.end_scope();
        self.code().jump(Op::Jump, &[], next);
        self.code().place(end);
    }

    /// `break` or `continue`: runs the `finally` blocks of every `try` opened
    /// inside the loop, innermost first, then jumps.
    fn loop_exit(&mut self, is_break: bool) {
        let Some(ctx) = self.cur().loops.last() else {
            // The resolver reports this; emit nothing.
            return;
        };
        let (target, tries) = if is_break {
            (ctx.break_label, ctx.tries)
        } else {
            (ctx.continue_label, ctx.tries)
        };
        self.run_finally_blocks(tries);
        self.code().jump(Op::Jump, &[], target);
    }

    fn return_stmt(&mut self, value: Option<&'a Expr>) {
        match value {
            Some(v) => self.expr(v),
            None => self.op(Op::Nil, &[]),
        }
        if self.cur().tries.is_empty() {
            self.op(Op::Return, &[]);
            return;
        }
        // Park the value in the innermost try's hidden slot while the
        // finally blocks run.
        let slot = self
            .cur()
            .tries
            .last()
            .map(|t| t.hidden_slot + 1)
            .unwrap_or(0);
        self.op(Op::StoreLocal, &[slot]);
        self.run_finally_blocks(0);
        self.op(Op::LoadLocal, &[slot]);
        self.op(Op::Return, &[]);
    }

    fn assign(&mut self, target: &'a Expr, op: Option<BinOp>, value: &'a Expr) {
        match &target.kind {
            ExprKind::Name { binding, .. } => {
                if let Some(op) = op {
                    self.load_binding(*binding);
                    self.expr(value);
                    self.binary_op(op);
                } else {
                    self.expr(value);
                }
                self.store_binding(*binding);
            }
            ExprKind::Field { object, name } => {
                let name = u32::from(self.str_const(&name.name, name.span));
                self.expr(object);
                if let Some(op) = op {
                    self.op(Op::Dup, &[]);
                    self.op(Op::GetField, &[name]);
                    self.expr(value);
                    self.binary_op(op);
                } else {
                    self.expr(value);
                }
                self.op(Op::SetField, &[name]);
            }
            ExprKind::Index { object, index } => {
                self.expr(object);
                self.expr(index);
                if let Some(op) = op {
                    self.op(Op::Dup2, &[]);
                    self.op(Op::GetIndex, &[]);
                    self.expr(value);
                    self.binary_op(op);
                } else {
                    self.expr(value);
                }
                self.op(Op::SetIndex, &[]);
            }
            // Rejected by the resolver.
            _ => {}
        }
    }
}
