//! The resolver: binds every name to a local slot, an upvalue, a module-level
//! global or a prelude name; records which locals closures capture; assigns
//! local slots (slot 0 of every function holds the receiver or the callee);
//! and reports the compile errors that need scope information.
//!
//! It annotates the AST in place (`Binding`, `Storage`, `captured`,
//! `captures`, `n_locals`), producing the "scoped AST" the code generator reads.
//! Module-level names are visible throughout their module, but top-level code
//! outside any function may not read one before its declaring statement.

mod class;
mod expr;
mod scope;
mod stmt;
mod suggest;

use std::collections::HashMap;

use crate::ast::*;
use crate::diag::{Diagnostic, FileId};
use crate::span::Span;

use class::ClassInfo;
use scope::{FnKind, FnScope};

/// Names every module sees without importing anything: the VM's builtin
/// table, so that compiler and VM cannot disagree.
pub const PRELUDE: &[&str] = cairn_vm::isa::BUILTINS;

/// The standard-library modules `import NAME` may name.
pub const STD_MODULES: &[&str] = &["math", "io", "fs", "os", "time", "random", "json"];

/// A module-level name.
struct Global {
    name: String,
    kind: DeclKind,
    span: Span,
    /// Set once top-level resolution has passed the declaring statement.
    declared: bool,
    /// Declared by an earlier entry of a session (its span is not in this
    /// file), and not redeclared by this one.
    prior: bool,
    /// A slot an earlier entry declared but never defined: its name is
    /// unknown until declared again.
    hidden: bool,
}

/// A module-level name that earlier entries of a session declared, in its
/// global slot (see [`crate::session`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorGlobal {
    pub name: String,
    pub kind: DeclKind,
    /// False for a slot whose declaring entry failed before defining it:
    /// the slot is kept, the name is not.
    pub visible: bool,
}

/// Resolves `module` in place and returns the diagnostics found.
///
/// ```
/// use cairn_compiler::{parse::parse, resolve::resolve};
/// let mut parsed = parse("let a = 1\nfn f() { return a + b }\n", 0);
/// let diags = resolve(&mut parsed.module, 0);
/// assert_eq!(diags[0].message, "undefined name `b`");
/// ```
pub fn resolve(module: &mut Module, file: FileId) -> Vec<Diagnostic> {
    resolve_with_modules(module, file, &[])
}

/// [`resolve`], also accepting `import NAME` of the native modules a host
/// (an embedder) provides, `host_modules`.
///
/// ```
/// use cairn_compiler::{parse::parse, resolve::resolve_with_modules};
/// let mut parsed = parse("import rules\nrules.check(1)\n", 0);
/// let diags = resolve_with_modules(&mut parsed.module, 0, &["rules".to_string()]);
/// assert!(diags.is_empty());
/// ```
pub fn resolve_with_modules(
    module: &mut Module,
    file: FileId,
    host_modules: &[String],
) -> Vec<Diagnostic> {
    let mut r = Resolver::new(file);
    r.host_modules = host_modules.to_vec();
    r.module(module);
    r.diags
}

/// Resolves one entry of a session: `prior` are the global slots earlier
/// entries declared, which this entry sees as already declared. A top-level
/// declaration of a prior name is not a duplicate: it takes over the name's
/// slot (redefinition replaces, as at Python's prompt). New names get the
/// slots after them.
///
/// ```
/// use cairn_compiler::{ast::DeclKind, parse::parse, resolve::{resolve_entry, PriorGlobal}};
/// let prior = [PriorGlobal { name: "a".into(), kind: DeclKind::Let, visible: true }];
/// let mut parsed = parse("let b = a + 1\nlet a = 2\n", 0);
/// assert!(resolve_entry(&mut parsed.module, 0, &prior).is_empty());
/// assert_eq!(parsed.module.globals, ["a", "b"]);
/// ```
pub fn resolve_entry(module: &mut Module, file: FileId, prior: &[PriorGlobal]) -> Vec<Diagnostic> {
    let mut r = Resolver::new(file);
    for (i, g) in prior.iter().enumerate() {
        r.globals.push(Global {
            name: g.name.clone(),
            kind: g.kind,
            span: Span::default(),
            declared: g.visible,
            prior: true,
            hidden: !g.visible,
        });
        r.global_index.insert(g.name.clone(), i as u32);
    }
    r.module(module);
    r.diags
}

pub(crate) struct Resolver {
    file: FileId,
    /// Native modules the host provides beyond the standard ones.
    host_modules: Vec<String>,
    diags: Vec<Diagnostic>,
    globals: Vec<Global>,
    global_index: HashMap<String, u32>,
    fns: Vec<FnScope>,
    classes: Vec<ClassInfo>,
    /// Module-level class declarations by global index, as indexes into
    /// `classes`.
    global_classes: HashMap<u32, usize>,
    /// Local class declarations by binder id, as indexes into `classes`.
    local_classes: HashMap<u32, usize>,
    /// Module-level class declarations by the offset where they start.
    class_by_span: HashMap<u32, usize>,
    /// Which binders (by id) some closure captures.
    captured: Vec<bool>,
    /// Which binders (by id) some assignment names.
    assigned: Vec<bool>,
}

impl Resolver {
    fn new(file: FileId) -> Resolver {
        Resolver {
            file,
            host_modules: Vec::new(),
            diags: Vec::new(),
            globals: Vec::new(),
            global_index: HashMap::new(),
            fns: Vec::new(),
            classes: Vec::new(),
            global_classes: HashMap::new(),
            local_classes: HashMap::new(),
            class_by_span: HashMap::new(),
            captured: Vec::new(),
            assigned: Vec::new(),
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(self.file, message, span).with_label(label));
    }

    fn push(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    fn new_binder_id(&mut self) -> u32 {
        self.captured.push(false);
        self.assigned.push(false);
        (self.captured.len() - 1) as u32
    }

    fn module(&mut self, module: &mut Module) {
        self.collect_globals(module);
        self.collect_classes(&module.stmts);
        self.fns.push(FnScope::new(FnKind::Module, None));
        for stmt in &mut module.stmts {
            if let StmtKind::Import(import) = &stmt.kind {
                module.imports.push(import.source.clone());
            }
            self.stmt(stmt);
        }
        self.mark_captured_in(&mut module.stmts);
        let top = self.fns.pop().expect("module scope");
        module.n_locals = top.max_slots;
        module.globals = self.globals.iter().map(|g| g.name.clone()).collect();
    }

    /// Declares every module-level name up front, so functions may refer to
    /// names declared later in the file.
    fn collect_globals(&mut self, module: &mut Module) {
        for stmt in &mut module.stmts {
            let binder = match &mut stmt.kind {
                StmtKind::Let(l) => &mut l.binder,
                StmtKind::Fn(f) => &mut f.binder,
                StmtKind::Class(c) => &mut c.binder,
                StmtKind::Import(i) => &mut i.binder,
                _ => continue,
            };
            binder.id = self.new_binder_id();
            let name = binder.ident.name.clone();
            if let Some(&prev) = self.global_index.get(&name) {
                let g = &mut self.globals[prev as usize];
                if g.prior {
                    // A session entry redefining an earlier entry's name.
                    g.prior = false;
                    g.kind = binder.kind;
                    g.span = binder.ident.span;
                    g.declared &= !g.hidden;
                    g.hidden = false;
                    binder.storage = Storage::Global(prev);
                    continue;
                }
                if name != "_" {
                    let prev_span = self.globals[prev as usize].span;
                    self.duplicate(&name, binder.ident.span, prev_span, "this module");
                }
                binder.storage = Storage::Global(prev);
                continue;
            }
            let index = self.globals.len() as u32;
            self.globals.push(Global {
                name: name.clone(),
                kind: binder.kind,
                span: binder.ident.span,
                declared: false,
                prior: false,
                hidden: false,
            });
            self.global_index.insert(name, index);
            binder.storage = Storage::Global(index);
        }
    }

    /// Reports a second declaration of `name` in one scope, described as `scope`.
    fn duplicate(&mut self, name: &str, span: Span, prev: Span, scope: &str) {
        self.push(
            Diagnostic::error(
                self.file,
                format!("`{name}` is already declared in {scope}"),
                span,
            )
            .with_label("declared again here")
            .with_secondary(prev, "first declared here"),
        );
    }

    fn current(&mut self) -> &mut FnScope {
        self.fns
            .last_mut()
            .expect("resolver always has a function scope")
    }

    /// Whether code being resolved now runs as the module's top-level code.
    fn at_top_level_code(&self) -> bool {
        self.fns.len() == 1
    }

    /// Declares a binder in the current scope: a global when it is a
    /// module-level declaration (already collected), else a new local.
    fn declare(&mut self, binder: &mut Binder) {
        if let Storage::Global(i) = binder.storage {
            if self.at_top_level_code() && self.current().depth == 0 {
                self.globals[i as usize].declared = true;
                return;
            }
        }
        binder.id = self.new_binder_id();
        let name = binder.ident.name.clone();
        if name != "_" {
            if let Some(prev) = self.current().declared_here(&name) {
                let prev_span = prev.span;
                self.duplicate(&name, binder.ident.span, prev_span, "this scope");
            }
        }
        let (span, kind, id) = (binder.ident.span, binder.kind, binder.id);
        let slot = self.current().declare(&name, kind, span, id);
        binder.storage = Storage::Local(slot);
    }

    /// Copies the "captured" facts onto the binders declared directly in a
    /// statement list, once the list's scope has been fully resolved.
    fn mark_captured_in(&mut self, stmts: &mut [Stmt]) {
        for stmt in stmts {
            let binder = match &mut stmt.kind {
                StmtKind::Let(l) => &mut l.binder,
                StmtKind::Fn(f) => &mut f.binder,
                StmtKind::Class(c) => &mut c.binder,
                StmtKind::Import(i) => &mut i.binder,
                _ => continue,
            };
            self.mark_captured(binder);
        }
    }

    /// A captured local needs a cell when its value can change after a
    /// closure copies it: something assigns it, or (a `fn` or `class`
    /// statement) the closures in its own value capture it before it is
    /// stored. Every other captured local is copied into the closures.
    fn mark_captured(&self, binder: &mut Binder) {
        let id = binder.id as usize;
        if let Some(&c) = self.captured.get(id) {
            let assigned = self.assigned.get(id).copied().unwrap_or(true);
            let early = matches!(binder.kind, DeclKind::Fn | DeclKind::Class);
            binder.captured =
                c && matches!(binder.storage, Storage::Local(_)) && (assigned || early);
        }
    }

    /// Resolves a block in a fresh scope.
    fn block(&mut self, block: &mut Block) {
        let saved = self.current().next_slot();
        self.current().begin_block();
        for stmt in &mut block.stmts {
            self.stmt(stmt);
        }
        self.mark_captured_in(&mut block.stmts);
        self.current().end_block(saved);
    }

    /// Resolves a function body in a new function scope; fills its captures
    /// and slot count.
    fn function(&mut self, func: &mut Function, kind: FnKind, class: Option<usize>) {
        let class = class.or_else(|| self.fns.last().and_then(|f| f.class));
        self.fns.push(FnScope::new(kind, class));
        for param in &mut func.params {
            if let Some(default) = &mut param.default {
                self.expr(default);
            }
            self.declare(&mut param.binder);
        }
        match &mut func.body {
            FnBody::Block(block) => {
                for stmt in &mut block.stmts {
                    self.stmt(stmt);
                }
                self.mark_captured_in(&mut block.stmts);
            }
            FnBody::Expr(e) => {
                if kind == FnKind::Initializer {
                    self.push(
                        Diagnostic::error(self.file, "`init` cannot return a value", e.span)
                            .with_label("an `=>` body returns this value")
                            .with_help("give `init` a block body: `init(...) { ... }`"),
                    );
                }
                self.expr(e)
            }
        }
        for param in &mut func.params {
            self.mark_captured(&mut param.binder);
        }
        let scope = self.fns.pop().expect("function scope");
        func.captures = scope.captures;
        func.n_locals = scope.max_slots;
    }
}
