//! Resolving statements.

use super::scope::FnKind;
use super::{Resolver, STD_MODULES};
use crate::ast::*;
use crate::diag::Diagnostic;
use crate::span::Span;

impl Resolver {
    pub(super) fn stmt(&mut self, stmt: &mut Stmt) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt_inner(stmt));
    }

    fn stmt_inner(&mut self, stmt: &mut Stmt) {
        let span = stmt.span;
        match &mut stmt.kind {
            StmtKind::Let(decl) => {
                if let Some(value) = &mut decl.value {
                    self.expr(value);
                }
                self.declare(&mut decl.binder);
            }
            StmtKind::Fn(decl) => {
                // Declared first so the body may call itself.
                self.declare(&mut decl.binder);
                self.function(&mut decl.func, FnKind::Function, None);
            }
            StmtKind::Class(decl) => self.class_decl(decl),
            StmtKind::Import(import) => self.import(import, span),
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { target, op, value } => {
                self.assign_target(target, op.is_some());
                self.expr(value);
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.block(then);
                match otherwise.as_deref_mut() {
                    None => {}
                    Some(Else::If(s)) => self.stmt(s),
                    Some(Else::Block(b)) => self.block(b),
                }
            }
            StmtKind::While { cond, body } => {
                self.expr(cond);
                self.loop_body(body);
            }
            StmtKind::For(f) => self.for_loop(f),
            StmtKind::Break => self.loop_control(span, "break"),
            StmtKind::Continue => self.loop_control(span, "continue"),
            StmtKind::Return(value) => self.return_stmt(span, value.as_mut()),
            StmtKind::Throw(e) => self.expr(e),
            StmtKind::Try(t) => self.try_stmt(t),
            StmtKind::Error => {}
        }
    }

    fn loop_body(&mut self, body: &mut Block) {
        self.current().loop_depth += 1;
        self.block(body);
        self.current().loop_depth -= 1;
    }

    fn loop_control(&mut self, span: Span, word: &str) {
        if self.current().loop_depth == 0 {
            let mut diag = Diagnostic::error(self.file, format!("`{word}` outside a loop"), span)
                .with_label(format!("`{word}` must be inside `while` or `for`"));
            if self.fns.iter().any(|f| f.loop_depth > 0) {
                diag = diag.with_note(format!(
                    "a loop outside the enclosing function does not count: `{word}` cannot leave a function"
                ));
            }
            self.push(diag);
        }
    }

    fn return_stmt(&mut self, span: Span, value: Option<&mut Expr>) {
        let kind = self.current().kind;
        if kind == FnKind::Module {
            let keyword = Span::new(span.start as usize, span.start as usize + "return".len());
            self.error(
                keyword,
                "`return` outside a function",
                "top-level code cannot return",
            );
        }
        if let Some(value) = value {
            if kind == FnKind::Initializer {
                self.push(
                    Diagnostic::error(self.file, "`init` cannot return a value", value.span)
                        .with_label("remove this value")
                        .with_help("a bare `return` ends `init` early"),
                );
            }
            self.expr(value);
        }
    }

    /// A loop's hidden state slots sit outside the per-iteration scope; the
    /// variables are declared inside it, fresh for each iteration.
    fn for_loop(&mut self, f: &mut ForLoop) {
        self.expr(&mut f.iterable);
        let saved = self.current().next_slot();
        self.current().begin_block();
        f.hidden_slot = self.current().alloc_slot();
        for _ in 1..HIDDEN_SLOTS {
            self.current().alloc_slot();
        }
        for var in &mut f.vars {
            self.declare(var);
        }
        self.loop_body(&mut f.body);
        for var in &mut f.vars {
            self.mark_captured(var);
        }
        self.current().end_block(saved);
    }

    fn try_stmt(&mut self, t: &mut TryStmt) {
        let saved = self.current().next_slot();
        self.current().begin_block();
        t.hidden_slot = self.current().alloc_slot();
        for _ in 1..HIDDEN_SLOTS {
            self.current().alloc_slot();
        }
        self.block(&mut t.body);
        for catch in &mut t.catches {
            if let Some(filter) = &mut catch.filter {
                self.expr(&mut filter.expr);
            }
            let saved_catch = self.current().next_slot();
            self.current().begin_block();
            self.declare(&mut catch.binder);
            self.block(&mut catch.body);
            self.mark_captured(&mut catch.binder);
            self.current().end_block(saved_catch);
        }
        if let Some(finally) = &mut t.finally {
            self.block(finally);
        }
        self.current().end_block(saved);
    }

    fn import(&mut self, import: &mut ImportDecl, span: Span) {
        if !(self.at_top_level_code() && self.current().depth == 0) {
            self.error(
                span,
                "`import` is only allowed at the top level of a module",
                "move this to the top of the file",
            );
        }
        if let ImportSource::Std(name) = &import.source {
            if !STD_MODULES.contains(&name.as_str()) && !self.host_modules.contains(name) {
                let mut diag = Diagnostic::error(
                    self.file,
                    format!("no standard module named `{name}`"),
                    import.source_span,
                )
                .with_label("unknown module")
                .with_note(format!(
                    "the standard modules are {}",
                    STD_MODULES.join(", ")
                ));
                if let Some(best) = super::suggest::closest(name, STD_MODULES.iter().copied()) {
                    diag = diag.with_help(format!("did you mean `{best}`?"));
                } else {
                    diag = diag.with_help(format!(
                        "to import a file, use a path: `import \"./{name}\"`"
                    ));
                }
                self.push(diag);
            }
        }
        self.declare(&mut import.binder);
    }
}
