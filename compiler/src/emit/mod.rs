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

use func::{FnCode, Label, MAX_CODE};

/// Entries in a table addressed by a `u16` index (constants, globals,
/// functions, classes, imports, upvalues, class members).
const MAX_TABLE: usize = 1 << 16;
/// Local slots per function: `n_locals` is a `u16`.
const MAX_LOCALS: u32 = u16::MAX as u32;
/// Elements a `count` operand can give.
const MAX_COUNT: usize = u16::MAX as usize;
/// Parameters and call arguments: `n_params` and `argc` are `u8`.
const MAX_ARGS: usize = u8::MAX as usize;

/// Compiles a resolved, error-free module.
///
/// `name` is the module name (its file name without `.cairn`); `source` is
/// the path tracebacks print; `text` is the source, for line numbers.
///
/// # Errors
/// Returns diagnostics when the module exceeds a class-file limit
/// (`spec/classfile.md` §7): more than 65,536 constants, globals, functions,
/// classes or imports; more than 65,535 local slots or stack values in a
/// function; more than 255 parameters or call arguments; and the like.
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
    let mut e = Emitter::new(file, text, name);
    let name_idx = e.str_const(name, Span::default());
    let source_idx = e.str_const(source, Span::default());
    let spans = global_spans(module);
    if let Some(&span) = spans.get(MAX_TABLE) {
        e.module_limit(span, "globals");
    }
    for (g, &span) in module.globals.iter().zip(&spans) {
        let idx = e.str_const(g, span);
        e.globals.push(idx);
    }
    let main = e.module_body(module, returns_last);
    if e.overflowed && e.diags.is_empty() {
        // A limit without its own check; never write the bad operand.
        let message = format!("module `{name}` exceeds a class-file limit");
        e.diags
            .push(Diagnostic::error(file, message, Span::default()).with_label("in this module"));
    }
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

/// Where each global is first declared in this module (the start of the file
/// for a session's earlier globals), to point limit errors at.
fn global_spans(module: &Module) -> Vec<Span> {
    let mut spans: Vec<Option<Span>> = vec![None; module.globals.len()];
    for stmt in &module.stmts {
        let Some(binder) = stmt.binder() else {
            continue;
        };
        if let Storage::Global(g) = binder.storage {
            if let Some(slot @ None) = spans.get_mut(g as usize) {
                *slot = Some(binder.ident.span);
            }
        }
    }
    spans.into_iter().map(Option::unwrap_or_default).collect()
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
    /// What the function is, for diagnostics: "function `f`".
    desc: String,
    code: FnCode,
    /// Per local slot: whether it currently holds a cell.
    cells: Vec<bool>,
    /// Per upvalue: whether it is a copied value, not a cell (what the
    /// captured local held when this function's closure was made).
    upvalue_values: Vec<bool>,
    loops: Vec<LoopCtx>,
    tries: Vec<TryCtx<'a>>,
    /// Open blocks, each with the local-name entries it declared.
    scopes: Vec<Vec<usize>>,
    /// The "too many local variables" error, until it is pointed at the
    /// first local past the limit.
    locals_error: Option<usize>,
    /// The stack-depth limit has been reported (or explained by another
    /// error), so it is not reported again.
    stack_reported: bool,
}

struct Emitter<'a> {
    file: FileId,
    module_name: String,
    lines: LineIndex,
    pool: ConstantPool,
    globals: Vec<u16>,
    imports: Vec<Import>,
    classes: Vec<classfile::Class>,
    functions: Vec<Option<Function>>,
    fns: Vec<FnState<'a>>,
    diags: Vec<Diagnostic>,
    /// The module-wide limits already reported: each is reported once, as
    /// every later entry would repeat it.
    reported: Vec<&'static str>,
    /// Some value was narrowed to fit its encoding; compiling must fail.
    overflowed: bool,
}

impl<'a> Emitter<'a> {
    fn new(file: FileId, text: &str, module_name: &str) -> Emitter<'a> {
        Emitter {
            file,
            module_name: module_name.to_string(),
            lines: LineIndex::new(text),
            pool: ConstantPool::new(),
            globals: Vec::new(),
            imports: Vec::new(),
            classes: Vec::new(),
            functions: Vec::new(),
            fns: Vec::new(),
            diags: Vec::new(),
            reported: Vec::new(),
            overflowed: false,
        }
    }

    /// Reports that `scope` has more `what` than a class file allows.
    /// `label_what` names them in the label, where `scope` is not said.
    fn limit(&mut self, span: Span, what: &str, scope: &str, max: u64, label_what: &str) {
        self.diags.push(
            Diagnostic::error(
                self.file,
                format!("too many {what} in {scope} (the limit is {max})"),
                span,
            )
            .with_label(format!("this exceeds the class-file limit on {label_what}")),
        );
    }

    /// [`Self::limit`] for a table of the whole module, reported once.
    fn module_limit(&mut self, span: Span, what: &'static str) {
        if self.reported.contains(&what) {
            return;
        }
        self.reported.push(what);
        let scope = format!("module `{}`", self.module_name);
        self.limit(span, what, &scope, MAX_TABLE as u64, what);
        if what == "constants" {
            let note = "every distinct literal and every name of a variable, function, \
                        class, field or method is a constant";
            if let Some(d) = self.diags.last_mut() {
                d.notes.push(note.to_string());
            }
        }
    }

    /// [`Self::limit`] for the function being compiled.
    fn fn_limit(&mut self, span: Span, what: &str, max: u64, label_what: &str) {
        let scope = self.cur().desc.clone();
        self.limit(span, what, &scope, max, label_what);
    }

    fn str_const(&mut self, s: &str, span: Span) -> u16 {
        match self.pool.str(s) {
            Ok(i) => i,
            Err(_) => {
                self.module_limit(span, "constants");
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
        if self.functions.len() >= MAX_TABLE {
            self.module_limit(span, "functions");
            return 0;
        }
        self.functions.push(None);
        (self.functions.len() - 1) as u16
    }

    /// Starts compiling a function; `desc` says what it is ("function `f`")
    /// and `span` is where to point at it.
    fn begin_function(&mut self, n_locals: u32, captures: &[Capture], desc: String, span: Span) {
        // The enclosing function's locals hold now what they will hold at
        // this function's `CLOSURE`, which comes right after its body.
        let upvalue_values = match self.fns.last() {
            Some(outer) => captures
                .iter()
                .map(|c| match *c {
                    Capture::Local(i) => !outer.cells.get(i as usize).copied().unwrap_or(false),
                    Capture::Upvalue(i) => outer
                        .upvalue_values
                        .get(i as usize)
                        .copied()
                        .unwrap_or(false),
                })
                .collect(),
            None => vec![false; captures.len()],
        };
        let mut locals_error = None;
        if n_locals > MAX_LOCALS {
            // Reported now, so it comes before errors it causes (such as too
            // many constants for the locals' names); `name_local` moves it to
            // the first local past the limit.
            locals_error = Some(self.diags.len());
            self.limit(
                span,
                "local variables",
                &desc,
                MAX_LOCALS.into(),
                "local variables",
            );
        }
        self.fns.push(FnState {
            desc,
            code: FnCode::new(),
            cells: vec![false; n_locals as usize],
            upvalue_values,
            loops: Vec::new(),
            tries: Vec::new(),
            scopes: vec![Vec::new()],
            locals_error,
            stack_reported: false,
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
        let scope = &state.desc;
        if code.too_long {
            let max = MAX_CODE as u64;
            self.limit(span, "bytes of code", scope, max, "code size");
        }
        if code.stack_overflowed() && !state.stack_reported {
            let max = func::MAX_STACK as u64;
            self.limit(
                span,
                "values on the operand stack",
                scope,
                max,
                "stack depth",
            );
        }
        if captures.len() > MAX_TABLE {
            let max = MAX_TABLE as u64;
            self.limit(span, "captured variables", scope, max, "upvalues");
        }
        let mut narrow = |i: u32| {
            u16::try_from(i).unwrap_or_else(|_| {
                self.overflowed = true;
                0
            })
        };
        let upvalues = captures
            .iter()
            .zip(&state.upvalue_values)
            .map(|(c, &value)| match (*c, value) {
                (Capture::Local(i), false) => Upvalue::Local(narrow(i)),
                (Capture::Upvalue(i), false) => Upvalue::Outer(narrow(i)),
                (Capture::Local(i), true) => Upvalue::LocalValue(narrow(i)),
                (Capture::Upvalue(i), true) => Upvalue::OuterValue(narrow(i)),
            })
            .collect();
        // Each limit below is reported where it is first exceeded.
        self.overflowed |= code.operand_overflow || params.len() > MAX_ARGS;
        let narrow_count = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
        let function = Function {
            name,
            kind,
            n_params: narrow_count(params.len()),
            n_defaults: narrow_count(params.iter().filter(|p| p.default.is_some()).count()),
            has_rest: params.last().is_some_and(|p| p.rest),
            n_locals: u16::try_from(n_locals).unwrap_or(u16::MAX),
            max_stack: code.max_stack,
            upvalues,
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
        let desc = format!("the top-level code of module `{}`", self.module_name);
        self.begin_function(module.n_locals, &[], desc, Span::default());
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
    /// function index. `span` is its name, for diagnostics.
    fn function(&mut self, func: &'a Function_, kind: FunctionKind, span: Span) -> u16 {
        let index = self.reserve_function(span);
        let desc = match kind {
            FunctionKind::Method | FunctionKind::Initializer | FunctionKind::Static => {
                format!("method `{}`", func.name)
            }
            _ if func.name == "<anonymous>" => "an anonymous function".to_string(),
            _ => format!("function `{}`", func.name),
        };
        self.begin_function(func.n_locals, &func.captures, desc, span);
        if let Some(p) = func.params.get(MAX_ARGS) {
            let span = p.binder.ident.span;
            self.fn_limit(span, "parameters", MAX_ARGS as u64, "parameters");
        }
        self.line_of(func.span);
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
            span,
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

    /// Records a local's name for debuggers, live until its block ends.
    fn name_local(&mut self, binder: &Binder) {
        let Storage::Local(slot) = binder.storage else {
            return;
        };
        if slot >= MAX_LOCALS {
            if let Some(i) = self.cur().locals_error.take() {
                self.diags[i].span = binder.ident.span;
            }
        }
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
        if self.imports.len() >= MAX_TABLE {
            self.module_limit(import.source_span, "imports");
        }
        self.imports.push(Import { kind, spec });
        self.op(Op::Import, &[index]);
        self.define(&import.binder);
    }
}

/// The AST's function type, named apart from the class file's.
type Function_ = crate::ast::Function;
