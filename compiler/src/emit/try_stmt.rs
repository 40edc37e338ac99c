//! `try` / `catch` / `finally`.
//!
//! Layout, for `try { B } catch e: C { H } finally { F }`:
//!
//! ```text
//!   B                      protected by the catch handler and the catch-all
//!   F                      (a copy, outside every range of this try)
//!   JUMP end
//! catch:                   entered with the error pushed
//!   DUP; C; IS; JUMP_IF_FALSE next
//!   store e; H             protected by the catch-all only
//!   F; JUMP end
//! next:
//!   THROW                  no clause matched: re-raise (the catch-all runs F)
//! catch_all:               entered with the error pushed
//!   STORE hidden; F; LOAD hidden; THROW
//! end:
//! ```
//!
//! `break`, `continue` and `return` inside B or H run copies of F (and of
//! every enclosing `finally` they leave) before jumping; those copies are cut
//! out of the protected ranges.

use cairn_vm::classfile::Handler;
use cairn_vm::isa::Op;

use super::{Emitter, TryCtx};
use crate::ast::*;

impl<'a> Emitter<'a> {
    pub(super) fn try_stmt(&mut self, t: &'a TryStmt) {
        let depth = self.code().depth();
        let end = self.code().label();
        let pc = self.code().pc();
        self.cur().tries.push(TryCtx {
            finally: t.finally.as_ref(),
            ranges: Vec::new(),
            open_since: Some(pc),
            hidden_slot: t.hidden_slot,
        });
        self.block(&t.body);
        // The catch clauses guard the body only: the ranges so far.
        self.close_range();
        let body_ranges = self.cur().tries.last().map_or(0, |c| c.ranges.len());
        self.normal_exit(end);
        if !t.catches.is_empty() {
            let handler = self.code().pc();
            let ranges = self
                .cur()
                .tries
                .last()
                .map(|c| c.ranges[..body_ranges].to_vec());
            for (start, stop) in ranges.unwrap_or_default() {
                self.code().handlers.push(Handler {
                    start,
                    end: stop,
                    handler,
                    depth,
                });
            }
            let pc = self.code().pc();
            if let Some(ctx) = self.cur().tries.last_mut() {
                ctx.open_since = Some(pc);
            }
            self.catch_clauses(t, depth, end);
        }
        self.close_range();
        let ctx = self.cur().tries.pop().expect("try context");
        if let Some(finally) = ctx.finally {
            self.catch_all(&ctx, finally, depth);
        }
        self.code().place(end);
    }

    fn close_range(&mut self) {
        let pc = self.code().pc();
        if let Some(ctx) = self.cur().tries.last_mut() {
            if let Some(since) = ctx.open_since.take() {
                if pc > since {
                    ctx.ranges.push((since, pc));
                }
            }
        }
    }

    /// After the body or a catch clause completes normally: run this try's
    /// `finally` and jump past the handlers.
    fn normal_exit(&mut self, end: super::Label) {
        if !self.code().reachable() {
            return;
        }
        let level = self.cur().tries.len() - 1;
        self.run_finally_blocks(level);
        self.code().jump(Op::Jump, &[], end);
    }

    fn catch_clauses(&mut self, t: &'a TryStmt, depth: u16, end: super::Label) {
        self.code().enter_at(u32::from(depth) + 1);
        for clause in &t.catches {
            self.line_of(clause.span);
            let next = clause.filter.as_ref().map(|filter| {
                let next = self.code().label();
                self.op(Op::Dup, &[]);
                self.expr(&filter.expr);
                self.op(Op::Is, &[]);
                self.code().jump(Op::JumpIfFalse, &[], next);
                next
            });
            self.begin_scope();
            self.define(&clause.binder);
            self.block(&clause.body);
            self.end_scope();
            self.normal_exit(end);
            match next {
                Some(next) => self.code().place(next),
                // A catch-all clause: nothing falls through to re-raise.
                None => return,
            }
        }
        self.op(Op::Throw, &[]);
    }

    /// The handler that runs `finally` for errors escaping the body or a
    /// catch clause, then re-raises.
    fn catch_all(&mut self, ctx: &TryCtx<'a>, finally: &'a Block, depth: u16) {
        let handler = self.code().pc();
        for &(start, end) in &ctx.ranges {
            self.code().handlers.push(Handler {
                start,
                end,
                handler,
                depth,
            });
        }
        self.code().enter_at(u32::from(depth) + 1);
        if let Some(first) = finally.stmts.first() {
            self.line_of(first.span);
        }
        self.op(Op::StoreLocal, &[ctx.hidden_slot]);
        self.block(finally);
        self.op(Op::LoadLocal, &[ctx.hidden_slot]);
        self.op(Op::Throw, &[]);
    }

    /// Emits copies of the `finally` blocks of the open `try` statements from
    /// the innermost down to level `down_to`, each outside the protected
    /// ranges of its own try and of every try inside it.
    pub(super) fn run_finally_blocks(&mut self, down_to: usize) {
        if self.code().too_long {
            // Already an error; copies nested in copies can grow without end.
            return;
        }
        let top = self.cur().tries.len();
        for level in (down_to..top).rev() {
            let Some(finally) = self.cur().tries[level].finally else {
                continue;
            };
            let pc = self.code().pc();
            for ctx in &mut self.cur().tries[level..] {
                if let Some(since) = ctx.open_since.take() {
                    if pc > since {
                        ctx.ranges.push((since, pc));
                    }
                }
            }
            // The copy runs with only the outer tries active.
            let saved: Vec<TryCtx<'a>> = self.cur().tries.drain(level..).collect();
            self.block(finally);
            self.cur().tries.extend(saved);
            let pc = self.code().pc();
            for ctx in &mut self.cur().tries[level..] {
                ctx.open_since = Some(pc);
            }
        }
    }
}
