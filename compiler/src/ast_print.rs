//! A compact S-expression rendering of the AST, one statement per line, for
//! snapshot tests and `cairn check --dump-ast`. Resolution results are shown
//! where the resolver has filled them (`x@L1` local slot 1, `x@U0` upvalue 0,
//! `x@G2` global 2, `x@P` prelude; `*` marks a captured binder).

use std::fmt::Write;

use crate::ast::*;

/// Renders a module.
///
/// ```
/// let parsed = cairn_compiler::parse::parse("let x = 1 + 2\n", 0);
/// let text = cairn_compiler::ast_print::module(&parsed.module);
/// assert_eq!(text, "(let x (+ 1 2))\n");
/// ```
pub fn module(m: &Module) -> String {
    let mut p = Printer::default();
    for s in &m.stmts {
        p.stmt(s);
    }
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
    indent: usize,
}

impl Printer {
    fn line(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn stmt(&mut self, s: &Stmt) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.line();
        }
        self.stmt_body(s);
        if self.indent == 0 {
            self.out.push('\n');
        }
    }

    fn stmt_body(&mut self, s: &Stmt) {
        stacker::maybe_grow(32 * 1024, 1024 * 1024, || self.stmt_inner(s));
    }

    fn stmt_inner(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Let(l) => {
                let word = if l.binder.kind == DeclKind::Let {
                    "let"
                } else {
                    "var"
                };
                self.w(&format!("({word} "));
                self.binder(&l.binder);
                if let Some(v) = &l.value {
                    self.w(" ");
                    self.expr(v);
                }
                self.w(")");
            }
            StmtKind::Fn(f) => {
                self.w("(fn ");
                self.binder(&f.binder);
                self.function(&f.func);
                self.w(")");
            }
            StmtKind::Class(c) => self.class(c),
            StmtKind::Import(i) => {
                match &i.source {
                    ImportSource::Std(n) => self.w(&format!("(import {n} as ")),
                    ImportSource::Path(p) => self.w(&format!("(import {p:?} as ")),
                }
                self.binder(&i.binder);
                self.w(")");
            }
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { target, op, value } => {
                let op = op.map_or("=".to_string(), |o| format!("{}=", o.symbol()));
                self.w(&format!("({op} "));
                self.expr(target);
                self.w(" ");
                self.expr(value);
                self.w(")");
            }
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.w("(if ");
                self.expr(cond);
                self.block(then);
                match otherwise.as_deref() {
                    None => {}
                    Some(Else::If(s)) => {
                        self.indent += 1;
                        self.line();
                        self.w("else ");
                        self.stmt_body(s);
                        self.indent -= 1;
                    }
                    Some(Else::Block(b)) => {
                        self.indent += 1;
                        self.line();
                        self.w("else");
                        self.indent -= 1;
                        self.block(b);
                    }
                }
                self.w(")");
            }
            StmtKind::While { cond, body } => {
                self.w("(while ");
                self.expr(cond);
                self.block(body);
                self.w(")");
            }
            StmtKind::For(f) => {
                self.w("(for");
                for v in &f.vars {
                    self.w(" ");
                    self.binder(v);
                }
                self.w(" in ");
                self.expr(&f.iterable);
                self.block(&f.body);
                self.w(")");
            }
            StmtKind::Break => self.w("(break)"),
            StmtKind::Continue => self.w("(continue)"),
            StmtKind::Return(v) => {
                self.w("(return");
                if let Some(v) = v {
                    self.w(" ");
                    self.expr(v);
                }
                self.w(")");
            }
            StmtKind::Throw(e) => {
                self.w("(throw ");
                self.expr(e);
                self.w(")");
            }
            StmtKind::Try(t) => self.try_stmt(t),
            StmtKind::Error => self.w("(error)"),
        }
    }

    fn try_stmt(&mut self, t: &TryStmt) {
        self.w("(try");
        self.block(&t.body);
        self.indent += 1;
        for c in &t.catches {
            self.line();
            self.w("(catch ");
            self.binder(&c.binder);
            if let Some(f) = &c.filter {
                self.w(" : ");
                self.expr(&f.expr);
            }
            self.block(&c.body);
            self.w(")");
        }
        if let Some(f) = &t.finally {
            self.line();
            self.w("(finally");
            self.block(f);
            self.w(")");
        }
        self.indent -= 1;
        self.w(")");
    }

    fn class(&mut self, c: &ClassDecl) {
        self.w("(class ");
        self.binder(&c.binder);
        if let Some(s) = &c.superclass {
            self.w(" < ");
            self.expr(&s.expr);
        }
        self.indent += 1;
        for f in &c.fields {
            self.line();
            self.w(if f.is_static {
                "(static-var "
            } else {
                "(field "
            });
            self.w(&f.ident.name);
            if let Some(init) = &f.init {
                self.w(" ");
                self.expr(init);
            }
            self.w(")");
        }
        for m in &c.methods {
            self.line();
            self.w(if m.is_static {
                "(static-method "
            } else {
                "(method "
            });
            self.w(&m.name.selector());
            self.function(&m.func);
            self.w(")");
        }
        self.indent -= 1;
        self.w(")");
    }

    fn binder(&mut self, b: &Binder) {
        self.w(&b.ident.name);
        match b.storage {
            Storage::Unresolved => {}
            Storage::Global(i) => self.w(&format!("@G{i}")),
            Storage::Local(i) => self.w(&format!("@L{i}")),
        }
        if b.captured {
            self.w("*");
        }
    }

    fn binding(&mut self, b: Binding) {
        match b {
            Binding::Unresolved => {}
            Binding::Local(i) => self.w(&format!("@L{i}")),
            Binding::Upvalue(i) => self.w(&format!("@U{i}")),
            Binding::Global(i) => self.w(&format!("@G{i}")),
            Binding::Prelude => self.w("@P"),
        }
    }

    fn function(&mut self, f: &Function) {
        self.w(" (");
        for (i, p) in f.params.iter().enumerate() {
            if i > 0 {
                self.w(" ");
            }
            if p.rest {
                self.w("...");
            }
            match &p.default {
                None => self.binder(&p.binder),
                Some(d) => {
                    self.w("(");
                    self.binder(&p.binder);
                    self.w(" = ");
                    self.expr(d);
                    self.w(")");
                }
            }
        }
        self.w(")");
        if !f.captures.is_empty() {
            let caps: Vec<String> = f
                .captures
                .iter()
                .map(|c| match c {
                    Capture::Local(i) => format!("L{i}"),
                    Capture::Upvalue(i) => format!("U{i}"),
                })
                .collect();
            self.w(&format!(" [captures {}]", caps.join(" ")));
        }
        match &f.body {
            FnBody::Block(b) => self.block(b),
            FnBody::Expr(e) => {
                self.w(" => ");
                self.expr(e);
            }
        }
    }

    fn block(&mut self, b: &Block) {
        self.w(" (block");
        self.indent += 2;
        for s in &b.stmts {
            self.line();
            self.stmt_body(s);
        }
        self.indent -= 2;
        self.w(")");
    }

    fn list(&mut self, items: &[Expr]) {
        for e in items {
            self.w(" ");
            self.expr(e);
        }
    }

    fn expr(&mut self, e: &Expr) {
        stacker::maybe_grow(32 * 1024, 1024 * 1024, || self.expr_inner(e));
    }

    fn expr_inner(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Nil => self.w("nil"),
            ExprKind::True => self.w("true"),
            ExprKind::False => self.w("false"),
            ExprKind::Int(v) => self.w(&v.to_string()),
            ExprKind::IntMinMagnitude => self.w("9223372036854775808"),
            ExprKind::Float(v) => self.w(&format!("{v:?}")),
            ExprKind::Str(s) => self.w(&format!("{s:?}")),
            ExprKind::Interp(parts) => {
                self.w("(interp");
                for p in parts {
                    self.w(" ");
                    match p {
                        StrPart::Lit(s) => self.w(&format!("{s:?}")),
                        StrPart::Expr(e) => self.expr(e),
                    }
                }
                self.w(")");
            }
            ExprKind::Name { name, binding } => {
                self.w(name);
                self.binding(*binding);
            }
            ExprKind::This(b) => {
                self.w("this");
                self.binding(*b);
            }
            ExprKind::List(items) => {
                self.w("(list");
                self.list(items);
                self.w(")");
            }
            ExprKind::Map(entries) => {
                self.w("(map");
                for (k, v) in entries {
                    self.w(" (");
                    self.expr(k);
                    self.w(" : ");
                    self.expr(v);
                    self.w(")");
                }
                self.w(")");
            }
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => self.op(if *inclusive { "..=" } else { ".." }, &[start, end]),
            ExprKind::Unary(op, a) => self.op(op.symbol(), &[a]),
            ExprKind::Binary(op, a, b) => self.op(op.symbol(), &[a, b]),
            ExprKind::Logic(LogicOp::And, a, b) => self.op("and", &[a, b]),
            ExprKind::Logic(LogicOp::Or, a, b) => self.op("or", &[a, b]),
            ExprKind::Is(a, b) => self.op("is", &[a, b]),
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => self.op("?:", &[cond, then, otherwise]),
            ExprKind::Call { callee, args } => {
                self.w("(call ");
                self.expr(callee);
                self.list(args);
                self.w(")");
            }
            ExprKind::Invoke(inv) => {
                let Invoke { object, name, args } = &**inv;
                self.w("(invoke ");
                self.expr(object);
                self.w(&format!(" .{}", name.name));
                self.list(args);
                self.w(")");
            }
            ExprKind::SuperInvoke(sup) => {
                let SuperInvoke { name, args, this } = &**sup;
                self.w("(super-invoke");
                self.binding(*this);
                self.w(&format!(" .{}", name.name));
                self.list(args);
                self.w(")");
            }
            ExprKind::SuperField { name, this } => {
                self.w("(super");
                self.binding(*this);
                self.w(&format!(" .{})", name.name));
            }
            ExprKind::Field { object, name } => {
                self.w("(. ");
                self.expr(object);
                self.w(&format!(" {})", name.name));
            }
            ExprKind::Index { object, index } => self.op("[]", &[object, index]),
            ExprKind::Lambda(f) => {
                self.w("(lambda");
                self.function(f);
                self.w(")");
            }
            ExprKind::Error => self.w("(error)"),
        }
    }

    fn op(&mut self, name: &str, operands: &[&Expr]) {
        let _ = write!(self.out, "({name}");
        for e in operands {
            self.w(" ");
            self.expr(e);
        }
        self.w(")");
    }
}
