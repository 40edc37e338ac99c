//! Resolving expressions and names.

use super::scope::FnKind;
use super::{Resolver, PRELUDE};
use crate::ast::*;
use crate::diag::Diagnostic;
use crate::span::Span;

/// The binder id used for the implicit `this` of a method.
const THIS_ID: u32 = u32::MAX;

/// Where a name was found, with what the assignment check needs.
struct Found {
    binding: Binding,
    kind: DeclKind,
    decl_span: Option<Span>,
    /// The binder's id, for a local of this or an enclosing function.
    id: Option<u32>,
}

impl Resolver {
    pub(super) fn expr(&mut self, e: &mut Expr) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e));
    }

    fn expr_inner(&mut self, e: &mut Expr) {
        let span = e.span;
        match &mut e.kind {
            ExprKind::Nil
            | ExprKind::True
            | ExprKind::False
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Error => {}
            ExprKind::IntMinMagnitude => self.push(
                Diagnostic::error(self.file, "integer literal is too large", span)
                    .with_label("does not fit in a 64-bit signed integer")
                    .with_note(
                        "2^63 may only be written directly after a unary minus, as the minimum Int: `-9223372036854775808`",
                    ),
            ),
            ExprKind::Interp(parts) => {
                for part in parts {
                    if let StrPart::Expr(e) = part {
                        self.expr(e);
                    }
                }
            }
            ExprKind::Name { name, binding } => {
                *binding = self
                    .use_name(name, span, false)
                    .map_or(Binding::Unresolved, |f| f.binding);
            }
            ExprKind::This(binding) => *binding = self.this(span, "this"),
            ExprKind::List(items) => items.iter_mut().for_each(|i| self.expr(i)),
            ExprKind::Map(entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            ExprKind::Range { start, end, .. } => {
                self.expr(start);
                self.expr(end);
            }
            ExprKind::Unary(_, operand) => self.expr(operand),
            ExprKind::Binary(_, a, b) | ExprKind::Logic(_, a, b) | ExprKind::Is(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Ternary {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.expr(then);
                self.expr(otherwise);
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                args.iter_mut().for_each(|a| self.expr(a));
            }
            ExprKind::Invoke(inv) => {
                self.expr(&mut inv.object);
                inv.args.iter_mut().for_each(|a| self.expr(a));
            }
            ExprKind::SuperInvoke(sup) => {
                sup.this = self.super_this(span);
                sup.args.iter_mut().for_each(|a| self.expr(a));
            }
            ExprKind::SuperField { this, .. } => *this = self.super_this(span),
            ExprKind::Field { object, .. } => self.expr(object),
            ExprKind::Index { object, index } => {
                self.expr(object);
                self.expr(index);
            }
            ExprKind::Lambda(func) => self.function(func, FnKind::Function, None),
        }
    }

    /// Resolves a name read; reports undefined names and top-level reads
    /// before declaration.
    fn use_name(&mut self, name: &str, span: Span, assigning: bool) -> Option<Found> {
        let found = self.lookup(name);
        match &found {
            None => self.undefined(name, span, assigning),
            Some(Found {
                binding: Binding::Global(i),
                decl_span,
                ..
            }) => {
                let declared = self.globals[*i as usize].declared;
                if !declared && self.at_top_level_code() {
                    let mut diag = Diagnostic::error(
                        self.file,
                        format!("`{name}` is used before its declaration"),
                        span,
                    )
                    .with_label("used here")
                    .with_note("top-level code runs in order; only function bodies may refer to names declared later");
                    if let Some(d) = decl_span {
                        diag = diag.with_secondary(*d, "declared here");
                    }
                    self.push(diag);
                }
            }
            Some(_) => {}
        }
        found
    }

    fn lookup(&mut self, name: &str) -> Option<Found> {
        let depth = self.fns.len() - 1;
        if let Some(found) = self.lookup_in(depth, name) {
            return Some(found);
        }
        if let Some(&i) = self.global_index.get(name) {
            let g = &self.globals[i as usize];
            if !g.hidden {
                return Some(Found {
                    binding: Binding::Global(i),
                    kind: g.kind,
                    decl_span: (!g.prior).then_some(g.span),
                    id: None,
                });
            }
        }
        if PRELUDE.contains(&name) {
            return Some(Found {
                binding: Binding::Prelude,
                kind: DeclKind::Let,
                decl_span: None,
                id: None,
            });
        }
        None
    }

    /// Looks `name` up as a local of function `depth` or, through upvalues, of
    /// an enclosing function; marks captured locals.
    fn lookup_in(&mut self, depth: usize, name: &str) -> Option<Found> {
        if let Some(local) = self.fns[depth].lookup(name) {
            return Some(Found {
                binding: Binding::Local(local.slot),
                kind: local.kind,
                decl_span: Some(local.span),
                id: Some(local.id),
            });
        }
        if depth == 0 {
            return None;
        }
        let (capture, id, kind, decl_span) = match self.fns[depth - 1].lookup(name) {
            Some(local) => {
                let found = (
                    Capture::Local(local.slot),
                    local.id,
                    local.kind,
                    Some(local.span),
                );
                if let Some(c) = self.captured.get_mut(local.id as usize) {
                    *c = true;
                }
                found
            }
            None => {
                let outer = self.lookup_in(depth - 1, name)?;
                let Binding::Upvalue(index) = outer.binding else {
                    // A global or prelude name: no capture needed.
                    return Some(outer);
                };
                let id = self.fns[depth - 1].capture_info[index as usize].0;
                (Capture::Upvalue(index), id, outer.kind, outer.decl_span)
            }
        };
        let index = self.fns[depth].add_capture(capture, id, kind, name);
        Some(Found {
            binding: Binding::Upvalue(index),
            kind,
            decl_span,
            id: Some(id),
        })
    }

    /// Reports an undefined name; `assigning` when it is an assignment's
    /// target, which may have been meant as a declaration.
    fn undefined(&mut self, name: &str, span: Span, assigning: bool) {
        let mut candidates: Vec<String> = Vec::new();
        for f in &self.fns {
            candidates.extend(f.locals.iter().map(|l| l.name.clone()));
        }
        candidates.extend(
            self.globals
                .iter()
                .filter(|g| !g.hidden)
                .map(|g| g.name.clone()),
        );
        candidates.extend(PRELUDE.iter().map(|s| s.to_string()));
        let mut diag = Diagnostic::error(self.file, format!("undefined name `{name}`"), span)
            .with_label("not found in this scope");
        if let Some(best) = super::suggest::closest(name, candidates.iter().map(String::as_str)) {
            diag = diag.with_help(format!("did you mean `{best}`?"));
        } else if assigning {
            diag = diag.with_help(format!(
                "to declare a new variable, write `var {name} = ...`"
            ));
        }
        self.push(diag);
    }

    /// The binding of the receiver: slot 0 of the nearest enclosing method,
    /// captured as an upvalue through any closures in between.
    fn this(&mut self, span: Span, word: &str) -> Binding {
        let Some(method_depth) = self.fns.iter().rposition(|f| f.kind.has_receiver()) else {
            self.push(
                Diagnostic::error(self.file, format!("`{word}` outside a method"), span)
                    .with_label(format!(
                        "`{word}` is only meaningful inside a class's methods"
                    )),
            );
            return Binding::Unresolved;
        };
        self.this_from(method_depth, self.fns.len() - 1)
    }

    fn this_from(&mut self, method_depth: usize, depth: usize) -> Binding {
        if depth == method_depth {
            return Binding::Local(0);
        }
        // The receiver is never assigned, so closures copy it (slot 0 is
        // never a cell).
        let capture = if depth - 1 == method_depth {
            Capture::Local(0)
        } else {
            match self.this_from(method_depth, depth - 1) {
                Binding::Upvalue(i) => Capture::Upvalue(i),
                _ => Capture::Local(0),
            }
        };
        let index = self.fns[depth].add_capture(capture, THIS_ID, DeclKind::Let, "this");
        Binding::Upvalue(index)
    }

    /// `super.name` or `super.name(...)`; `span` is the whole expression, of
    /// which diagnostics underline only the `super` keyword.
    fn super_this(&mut self, span: Span) -> Binding {
        let span = Span::new(span.start as usize, span.start as usize + "super".len());
        let method = self
            .fns
            .iter()
            .rev()
            .find(|f| f.kind.has_receiver())
            .map(|f| f.kind);
        if method == Some(FnKind::StaticMethod) {
            self.push(
                Diagnostic::error(self.file, "`super` in a static method", span)
                    .with_label("static methods have no superclass instance")
                    .with_help("call the superclass's static method by its class name"),
            );
            return Binding::Unresolved;
        }
        self.this(span, "super")
    }

    /// Resolves the left side of an assignment and checks it may be assigned.
    pub(super) fn assign_target(&mut self, target: &mut Expr, compound: bool) {
        let span = target.span;
        match &mut target.kind {
            ExprKind::Name { name, binding } => {
                let name = name.clone();
                let Some(found) = self.use_name(&name, span, true) else {
                    return;
                };
                *binding = found.binding;
                if let Some(a) = found.id.and_then(|id| self.assigned.get_mut(id as usize)) {
                    *a = true;
                }
                if found.binding == Binding::Prelude {
                    self.push(
                        Diagnostic::error(self.file, format!("cannot assign to `{name}`"), span)
                            .with_label("a built-in name")
                            .with_help(format!("declare your own with `var {name} = ...`")),
                    );
                } else if !found.kind.assignable() {
                    self.cannot_assign(&name, span, found);
                }
            }
            ExprKind::Field { object, name } => {
                if matches!(object.kind, ExprKind::This(_)) && !compound {
                    self.check_this_field(name);
                }
                self.expr(object);
            }
            ExprKind::Index { object, index } => {
                self.expr(object);
                self.expr(index);
            }
            ExprKind::Error => {}
            _ => {
                self.expr(target);
                let mut diag = Diagnostic::error(self.file, "invalid assignment target", span)
                    .with_label(
                        "only a variable, a field (`a.b`) or an index (`a[i]`) can be assigned",
                    );
                if let ExprKind::SuperField { name, .. } = &target.kind {
                    diag = diag.with_help(format!(
                        "fields belong to the instance: assign `this.{}` instead",
                        name.name
                    ));
                }
                self.push(diag);
            }
        }
    }

    fn cannot_assign(&mut self, name: &str, span: Span, found: Found) {
        let what = found.kind.describe();
        let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        let mut diag = Diagnostic::error(self.file, format!("cannot assign to `{name}`"), span)
            .with_label(format!("`{name}` is {article} {what}"));
        if let Some(d) = found.decl_span {
            diag = diag.with_secondary(d, "declared here");
        }
        match found.kind {
            DeclKind::Let => {
                diag = diag.with_help(format!(
                    "declare it with `var {name}` to make it assignable"
                ))
            }
            DeclKind::ForVar | DeclKind::CatchVar => {
                diag = diag.with_help("copy it into a `var` first if you need to change it")
            }
            _ => {}
        }
        self.push(diag);
    }
}
