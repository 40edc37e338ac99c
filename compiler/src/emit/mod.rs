//! The code generator: a resolved module to a class file.
//!
//! It walks the scoped AST once. Each function is compiled into a [`FnCode`]
//! buffer that tracks operand-stack depth exactly, so the class file's
//! `max_stack` is right by construction. Conventions (see spec/bytecode.md):
//! slot 0 holds the receiver or callee; parameters follow; a local that a
//! closure captures lives in a cell (`NEW_CELL`/`LOAD_CELL`/`STORE_CELL`), made
//! fresh at each declaration, so each loop iteration gets its own; `finally`
//! blocks are copied onto every exit path and guarded by a catch-all handler.

mod class;
mod expr;
mod func;
mod stmt;
mod try_stmt;

use cairn_vm::classfile::{
    self, ClassFile, ConstantPool, Function, FunctionKind, Import, ImportKind, Upvalue,
};
use cairn_vm::isa::Op;

use crate::ast::*;
use crate::diag::{Diagnostic, FileId};
use crate::span::Span;

use func::{FnCode, Label};

/// Compiles a resolved, error-free module.
///
/// `name` is the module name (its file name without `.cairn`); `source` is
/// the path tracebacks print; `text` is the source, for line numbers.
///
/// # Errors
/// Returns diagnostics when the module exceeds a class-file limit (more than
/// 65,536 constants, locals or functions; more than 255 call arguments).
pub fn emit(
    module: &Module,
    file: FileId,
    name: &str,
    source: &str,
    text: &str,
) -> Result<ClassFile, Vec<Diagnostic>> {
    emit_module(module, file, (name, source, text), false)
}

/// Compiles a resolved, error-free entry of a session ([`crate::session`]):
/// as [`emit`], except that when its last statement is an expression, its
/// top-level code returns that expression's value instead of nil.
///
/// # Errors
/// As [`emit`].
pub fn emit_entry(
    module: &Module,
    file: FileId,
    name: &str,
    source: &str,
    text: &str,
) -> Result<ClassFile, Vec<Diagnostic>> {
    emit_module(module, file, (name, source, text), true)
}

fn emit_module(
    module: &Module,
    file: FileId,
    (name, source, text): (&str, &str, &str),
    returns_last: bool,
) -> Result<ClassFile, Vec<Diagnostic>> {
    let mut e = Emitter::new(file, text);
    let name_idx = e.str_const(name, Span::default());
    let source_idx = e.str_const(source, Span::default());
    for g in &module.globals {
        let idx = e.str_const(g, Span::default());
        e.globals.push(idx);
    }
    let main = e.module_body(module, returns_last);
    if !e.diags.is_empty() {
        return Err(e.diags);
    }
    Ok(ClassFile {
        major: classfile::MAJOR,
        minor: classfile::MINOR,
        name: name_idx,
        source: source_idx,
        constants: e.pool.into_vec(),
        imports: e.imports,
        globals: e.globals,
        classes: e.classes,
        functions: e
            .functions
            .into_iter()
            .map(|f| f.expect("every function slot is filled"))
            .collect(),
        main,
    })
}

/// Byte offsets of line starts, for span-to-line lookups.
struct LineIndex(Vec<u32>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        LineIndex(starts)
    }

    fn line(&self, offset: u32) -> u32 {
        self.0.partition_point(|&s| s <= offset) as u32
    }
}

/// A loop being compiled: where `break` and `continue` go, and how many
/// `try` statements were open when it began.
struct LoopCtx {
    break_label: Label,
    continue_label: Label,
    tries: usize,
}

/// A `try` statement being compiled.
struct TryCtx<'a> {
    finally: Option<&'a Block>,
    /// Code ranges the catch-all handler covers; finally copies are left out.
    ranges: Vec<(u32, u32)>,
    open_since: Option<u32>,
    hidden_slot: u32,
}

/// One function being compiled.
struct FnState<'a> {
    code: FnCode,
    /// Per local slot: whether it currently holds a cell.
    cells: Vec<bool>,
    loops: Vec<LoopCtx>,
    tries: Vec<TryCtx<'a>>,
    /// Open blocks, each with the local-name entries it declared.
    scopes: Vec<Vec<usize>>,
}

struct Emitter<'a> {
    file: FileId,
    lines: LineIndex,
    pool: ConstantPool,
    globals: Vec<u16>,
    imports: Vec<Import>,
    classes: Vec<classfile::Class>,
    functions: Vec<Option<Function>>,
    fns: Vec<FnState<'a>>,
    diags: Vec<Diagnostic>,
}

impl<'a> Emitter<'a> {
    fn new(file: FileId, text: &str) -> Emitter<'a> {
        Emitter {
            file,
            lines: LineIndex::new(text),
            pool: ConstantPool::new(),
            globals: Vec::new(),
            imports: Vec::new(),
            classes: Vec::new(),
            functions: Vec::new(),
            fns: Vec::new(),
            diags: Vec::new(),
        }
    }

    fn limit(&mut self, span: Span, what: &str) {
        self.diags.push(
            Diagnostic::error(self.file, format!("too many {what}"), span)
                .with_label(format!("this exceeds the class-file limit on {what}")),
        );
    }

    fn str_const(&mut self, s: &str, span: Span) -> u16 {
        match self.pool.str(s) {
            Ok(i) => i,
            Err(_) => {
                self.limit(span, "constants");
                0
            }
        }
    }

    fn cur(&mut self) -> &mut FnState<'a> {
        self.fns.last_mut().expect("a function is being compiled")
    }

    fn code(&mut self) -> &mut FnCode {
        &mut self.cur().code
    }

    fn op(&mut self, op: Op, operands: &[u32]) {
        self.code().op(op, operands);
    }

    fn line_of(&mut self, span: Span) {
        let line = self.lines.line(span.start);
        self.code().line(line);
    }

    /// Reserves a function-table slot, so nested functions get indexes in
    /// source order regardless of when they finish.
    fn reserve_function(&mut self, span: Span) -> u16 {
        if self.functions.len() > u16::MAX as usize {
            self.limit(span, "functions");
            return 0;
        }
        self.functions.push(None);
        (self.functions.len() - 1) as u16
    }

    fn begin_function(&mut self, n_locals: u32) {
        self.fns.push(FnState {
            code: FnCode::new(),
            cells: vec![false; n_locals as usize],
            loops: Vec::new(),
            tries: Vec::new(),
            scopes: vec![Vec::new()],
        });
    }

    /// Finishes the function being compiled into table slot `index`.
    #[allow(clippy::too_many_arguments)]
    fn end_function(
        &mut self,
        index: u16,
        name: &str,
        kind: FunctionKind,
        params: &[Param],
        n_locals: u32,
        captures: &[Capture],
        span: Span,
    ) {
        if self.code().reachable() {
            self.op(Op::Nil, &[]);
            self.op(Op::Return, &[]);
        }
        let mut state = self.fns.pop().expect("function state");
        for scope in std::mem::take(&mut state.scopes) {
            for entry in scope {
                state.code.end_local_name(entry);
            }
        }
        let code = state.code.finish();
        let name = self.str_const(name, span);
        if n_locals > u32::from(u16::MAX) {
            self.limit(span, "local variables");
        }
        if params.len() > 255 {
            self.limit(span, "parameters");
        }
        let function = Function {
            name,
            kind,
            n_params: params.len().min(255) as u8,
            n_defaults: params
                .iter()
                .filter(|p| p.default.is_some())
                .count()
                .min(255) as u8,
            has_rest: params.last().is_some_and(|p| p.rest),
            n_locals: n_locals.min(u32::from(u16::MAX)) as u16,
            max_stack: code.max_stack,
            upvalues: captures
                .iter()
                .map(|c| match *c {
                    Capture::Local(i) => Upvalue::Local(i as u16),
                    Capture::Upvalue(i) => Upvalue::Outer(i as u16),
                })
                .collect(),
            code: code.code,
            handlers: code.handlers,
            lines: code.lines,
            local_names: code.local_names,
        };
        self.functions[index as usize] = Some(function);
    }

    /// The module's top-level code; with `returns_last`, a final
    /// expression statement's value is returned rather than dropped.
    fn module_body(&mut self, module: &'a Module, returns_last: bool) -> u16 {
        let index = self.reserve_function(Span::default());
        self.begin_function(module.n_locals);
        let (last, stmts) = match module.stmts.split_last() {
            Some((last, rest)) if returns_last => match &last.kind {
                StmtKind::Expr(e) => (Some((e, last.span)), rest),
                _ => (None, &module.stmts[..]),
            },
            _ => (None, &module.stmts[..]),
        };
        for stmt in stmts {
            self.stmt(stmt);
        }
        if let Some((e, span)) = last {
            self.line_of(span);
            self.expr(e);
            self.op(Op::Return, &[]);
        }
        self.end_function(
            index,
            "<module>",
            FunctionKind::Module,
            &[],
            module.n_locals,
            &[],
            Span::default(),
        );
        index
    }

    /// Compiles a function literal, declaration or method body; returns its
    /// function index.
    fn function(&mut self, func: &'a Function_, kind: FunctionKind) -> u16 {
        let index = self.reserve_function(func.span);
        self.begin_function(func.n_locals);
        self.line_of(func.span);
        if func.receiver_captured {
            self.receiver_to_cell();
        }
        self.prologue(&func.params);
        match &func.body {
            FnBody::Block(b) => self.stmts(&b.stmts),
            FnBody::Expr(e) => {
                self.expr(e);
                if kind == FunctionKind::Initializer {
                    self.op(Op::Pop, &[]);
                    self.op(Op::Nil, &[]);
                }
                self.op(Op::Return, &[]);
            }
        }
        self.end_function(
            index,
            &func.name,
            kind,
            &func.params,
            func.n_locals,
            &func.captures,
            func.span,
        );
        index
    }

    /// Each parameter in order: its default when the argument is missing,
    /// then a cell when a closure captures it — so a later default that
    /// captures an earlier parameter finds the cell already made.
    fn prologue(&mut self, params: &'a [Param]) {
        for p in params {
            let Storage::Local(slot) = p.binder.storage else {
                continue;
            };
            if let Some(default) = &p.default {
                let skip = self.code().label();
                self.code().jump(Op::JumpIfArg, &[slot], skip);
                self.expr(default);
                self.op(Op::StoreLocal, &[slot]);
                self.code().place(skip);
            }
            self.name_local(&p.binder);
            if p.binder.captured {
                self.op(Op::LoadLocal, &[slot]);
                self.op(Op::NewCell, &[slot]);
                self.cur().cells[slot as usize] = true;
            }
        }
    }

    /// Moves the receiver in slot 0 into a cell, for closures that capture
    /// `this`.
    fn receiver_to_cell(&mut self) {
        self.op(Op::LoadLocal, &[0]);
        self.op(Op::NewCell, &[0]);
        if let Some(c) = self.cur().cells.first_mut() {
            *c = true;
        }
    }

    /// Records a local's name for debuggers, live until its block ends.
    fn name_local(&mut self, binder: &Binder) {
        let Storage::Local(slot) = binder.storage else {
            return;
        };
        let name = self.str_const(&binder.ident.name, binder.ident.span);
        let pc = self.code().pc();
        let entry = self.code().add_local_name(slot, name, pc);
        if let Some(scope) = self.cur().scopes.last_mut() {
            scope.push(entry);
        }
    }

    fn begin_scope(&mut self) {
        self.cur().scopes.push(Vec::new());
    }

    fn end_scope(&mut self) {
        let scope = self.cur().scopes.pop().unwrap_or_default();
        for entry in scope {
            self.code().end_local_name(entry);
        }
    }

    /// For a captured local declared by a `fn` or `class` statement: makes
    /// its cell (holding nil) before the value exists, so code inside the
    /// value can capture it. Returns the slot; the caller stores the value
    /// with `STORE_CELL`. `None` for other binders (use [`Self::define`]).
    fn cell_first(&mut self, binder: &Binder) -> Option<u32> {
        let Storage::Local(slot) = binder.storage else {
            return None;
        };
        if !binder.captured {
            return None;
        }
        self.op(Op::Nil, &[]);
        self.op(Op::NewCell, &[slot]);
        self.cur().cells[slot as usize] = true;
        self.name_local(binder);
        Some(slot)
    }

    /// Stores the value on top of the stack into a freshly declared binder.
    fn define(&mut self, binder: &Binder) {
        match binder.storage {
            Storage::Global(g) => self.op(Op::StoreGlobal, &[g]),
            Storage::Local(slot) => {
                if binder.captured {
                    self.op(Op::NewCell, &[slot]);
                } else {
                    self.op(Op::StoreLocal, &[slot]);
                }
                self.cur().cells[slot as usize] = binder.captured;
                self.name_local(binder);
            }
            Storage::Unresolved => self.op(Op::Pop, &[]),
        }
    }

    fn import(&mut self, import: &ImportDecl) {
        let (kind, spec) = match &import.source {
            ImportSource::Std(n) => (ImportKind::Std, n.as_str()),
            ImportSource::Path(p) => (ImportKind::Path, p.as_str()),
        };
        let spec = self.str_const(spec, import.source_span);
        let index = self.imports.len() as u32;
        self.imports.push(Import { kind, spec });
        self.op(Op::Import, &[index]);
        self.define(&import.binder);
    }
}

/// The AST's function type, named apart from the class file's.
type Function_ = crate::ast::Function;
