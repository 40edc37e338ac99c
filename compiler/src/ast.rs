//! The abstract syntax tree.
//!
//! The parser produces it; the resolver annotates it in place (the `Cell`-free
//! `binding`, `slot` and `captured` fields below start out empty and are filled by
//! [`crate::resolve`]); the code generator reads it. Every node carries the
//! [`Span`] of the source it came from. Every [`Expr`] and [`Stmt`] also records
//! its `height` (1 + the height of its tallest child), which the parser bounds so
//! that no later recursive pass can exhaust the Rust stack.

use crate::span::Span;

/// An identifier with the place it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole source file.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub stmts: Vec<Stmt>,
    /// Filled by the resolver: the module-level names, in declaration order.
    pub globals: Vec<String>,
    /// Filled by the resolver: slots used by top-level code outside any function.
    pub n_locals: u32,
    /// Filled by the resolver: the module's imports, in source order.
    pub imports: Vec<ImportSource>,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
    pub height: u32,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    /// `let x = e` / `var x` / `var x = e`.
    Let(LetDecl),
    Fn(Box<FnDecl>),
    Class(Box<ClassDecl>),
    Import(ImportDecl),
    Expr(Expr),
    /// `target = value`, or `target op= value` when `op` is set.
    Assign {
        target: Expr,
        op: Option<BinOp>,
        value: Expr,
    },
    If {
        cond: Expr,
        then: Block,
        otherwise: Option<Box<Else>>,
    },
    While {
        cond: Expr,
        body: Block,
    },
    For(Box<ForLoop>),
    Break,
    Continue,
    Return(Option<Expr>),
    Throw(Expr),
    Try(Box<TryStmt>),
    /// A statement the parser could not read; its error was already reported.
    Error,
}

#[derive(Clone, Debug)]
pub enum Else {
    If(Stmt),
    Block(Block),
}

#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

/// How a name was declared; decides whether it may be assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Let,
    Var,
    Param,
    Fn,
    Class,
    Import,
    ForVar,
    CatchVar,
}

impl DeclKind {
    /// Whether an assignment to a name of this kind is allowed.
    pub fn assignable(self) -> bool {
        matches!(self, DeclKind::Var | DeclKind::Param)
    }

    /// How diagnostics describe a name of this kind.
    pub fn describe(self) -> &'static str {
        match self {
            DeclKind::Let => "`let` binding",
            DeclKind::Var => "variable",
            DeclKind::Param => "parameter",
            DeclKind::Fn => "function",
            DeclKind::Class => "class",
            DeclKind::Import => "imported module",
            DeclKind::ForVar => "loop variable",
            DeclKind::CatchVar => "catch variable",
        }
    }
}

/// Where a declared name lives, decided by the resolver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Storage {
    /// Not yet resolved.
    #[default]
    Unresolved,
    /// A module-level name: index into [`Module::globals`].
    Global(u32),
    /// A local slot of the enclosing function (or of top-level code).
    Local(u32),
}

/// A declaration site of a name.
#[derive(Clone, Debug)]
pub struct Binder {
    pub ident: Ident,
    pub kind: DeclKind,
    /// Filled by the resolver.
    pub storage: Storage,
    /// Filled by the resolver: true when a closure captures this local and its
    /// value can change after the capture (it is assigned, or it is a `fn` or
    /// `class` statement's name captured by its own value), so the code
    /// generator must give it a shared cell (fresh for each loop iteration
    /// when the binder is a loop variable). Other captured locals are copied.
    pub captured: bool,
    /// Filled by the resolver: a number unique among the module's binders.
    pub id: u32,
}

impl Binder {
    pub fn new(ident: Ident, kind: DeclKind) -> Binder {
        Binder {
            ident,
            kind,
            storage: Storage::Unresolved,
            captured: false,
            id: u32::MAX,
        }
    }
}

#[derive(Clone, Debug)]
pub struct LetDecl {
    pub binder: Binder,
    pub value: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct ImportDecl {
    pub source: ImportSource,
    pub source_span: Span,
    pub binder: Binder,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportSource {
    /// `import math`: a standard-library module.
    Std(String),
    /// `import "./geometry"`: a path relative to the importing file.
    Path(String),
}

#[derive(Clone, Debug)]
pub struct Param {
    pub binder: Binder,
    pub default: Option<Expr>,
    pub rest: bool,
}

/// A function body: a block, or the expression after `=>`.
#[derive(Clone, Debug)]
pub enum FnBody {
    Block(Block),
    Expr(Expr),
}

/// Upvalue descriptor computed by the resolver, in the order the closure's
/// upvalue table lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// A local slot of the immediately enclosing function.
    Local(u32),
    /// An upvalue of the immediately enclosing function.
    Upvalue(u32),
}

/// Everything a function literal, declaration or method has in common.
#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub params: Vec<Param>,
    pub body: FnBody,
    pub span: Span,
    /// Filled by the resolver.
    pub captures: Vec<Capture>,
    /// Filled by the resolver: number of local slots (parameters included).
    pub n_locals: u32,
}

#[derive(Clone, Debug)]
pub struct FnDecl {
    pub binder: Binder,
    pub func: Function,
}

/// What a method's name is: a plain name or an operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MethodName {
    Named(String),
    /// A binary operator method such as `fn +(o)`.
    Binary(BinOp),
    /// Unary minus: `fn -()`.
    Neg,
    /// `fn [](i)`.
    Index,
    /// `fn []=(i, v)`.
    IndexSet,
}

impl MethodName {
    /// The selector the method is looked up by at run time.
    pub fn selector(&self) -> String {
        match self {
            MethodName::Named(n) => n.clone(),
            MethodName::Binary(op) => op.symbol().to_string(),
            MethodName::Neg => "-@".to_string(),
            MethodName::Index => "[]".to_string(),
            MethodName::IndexSet => "[]=".to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Method {
    pub name: MethodName,
    pub name_span: Span,
    pub is_static: bool,
    pub func: Function,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub ident: Ident,
    pub is_static: bool,
    pub init: Option<Expr>,
}

/// A reference to a class in a position that names one: a superclass or a
/// `catch` filter. Either `Name` or `module.Name`.
#[derive(Clone, Debug)]
pub struct ClassRef {
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ClassDecl {
    pub binder: Binder,
    pub superclass: Option<ClassRef>,
    pub fields: Vec<Field>,
    pub methods: Vec<Method>,
    pub span: Span,
    /// Filled by the resolver: instance-field initializers run as one hidden
    /// method per class; these are its upvalues and local-slot count.
    pub field_init_captures: Vec<Capture>,
    pub field_init_n_locals: u32,
}

#[derive(Clone, Debug)]
pub struct ForLoop {
    /// `for v in` or `for k, v in`: one or two binders.
    pub vars: Vec<Binder>,
    pub iterable: Expr,
    pub body: Block,
    /// Filled by the resolver: the first of [`HIDDEN_SLOTS`] local slots
    /// reserved for the loop's own state (the iterator, an index).
    pub hidden_slot: u32,
}

/// Local slots the resolver reserves for a `for` loop's or a `try`
/// statement's own bookkeeping.
pub const HIDDEN_SLOTS: u32 = 2;

#[derive(Clone, Debug)]
pub struct Catch {
    pub binder: Binder,
    pub filter: Option<ClassRef>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TryStmt {
    pub body: Block,
    pub catches: Vec<Catch>,
    pub finally: Option<Block>,
    /// Filled by the resolver: the first of [`HIDDEN_SLOTS`] local slots
    /// reserved for the pending exception or return value while `finally` runs.
    pub hidden_slot: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Pow => "**",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
        }
    }

    /// Whether a class may define this operator as a method.
    pub fn overloadable(self) -> bool {
        matches!(
            self,
            BinOp::Add
                | BinOp::Sub
                | BinOp::Mul
                | BinOp::Div
                | BinOp::Rem
                | BinOp::Pow
                | BinOp::Eq
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
        )
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    BitNot,
    Not,
}

impl UnOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::BitNot => "~",
            UnOp::Not => "not",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    And,
    Or,
}

/// How a name use was resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Binding {
    #[default]
    Unresolved,
    /// A local slot of the current function.
    Local(u32),
    /// An upvalue of the current function (index into its captures).
    Upvalue(u32),
    /// A module-level name (index into [`Module::globals`]).
    Global(u32),
    /// A prelude name (`print`, `Int`, `TypeError`, ...).
    Prelude,
}

/// One piece of an interpolated string.
#[derive(Clone, Debug)]
pub enum StrPart {
    Lit(String),
    Expr(Expr),
}

/// The parts of `obj.name(args)`.
#[derive(Clone, Debug)]
pub struct Invoke {
    pub object: Expr,
    pub name: Ident,
    pub args: Vec<Expr>,
}

/// The parts of `super.name(args)`; `this` is how the receiver is reached.
#[derive(Clone, Debug)]
pub struct SuperInvoke {
    pub name: Ident,
    pub args: Vec<Expr>,
    pub this: Binding,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    pub height: u32,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Nil,
    True,
    False,
    Int(i64),
    /// The literal 9223372036854775808 (2^63), valid only directly under unary
    /// minus, which the parser folds into `Int(i64::MIN)`. The resolver reports
    /// any that remain.
    IntMinMagnitude,
    Float(f64),
    Str(String),
    Interp(Vec<StrPart>),
    Name {
        name: String,
        binding: Binding,
    },
    /// `this`: slot 0 of the enclosing method, or an upvalue inside a closure.
    This(Binding),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    /// `a..b` or `a..=b`.
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
        inclusive: bool,
    },
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Logic(LogicOp, Box<Expr>, Box<Expr>),
    /// `x is C`.
    Is(Box<Expr>, Box<Expr>),
    Ternary {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `obj.name(args)`: kept apart from `Call` of a `Field` so the code
    /// generator can emit a single invoke instruction.
    /// (Boxed, as is `SuperInvoke`, to keep `Expr` small.)
    Invoke(Box<Invoke>),
    /// `super.name(args)`.
    SuperInvoke(Box<SuperInvoke>),
    /// `super.name` without a call: a bound method.
    SuperField {
        name: Ident,
        this: Binding,
    },
    Field {
        object: Box<Expr>,
        name: Ident,
    },
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    Lambda(Box<Function>),
    /// An expression the parser could not read; its error was already reported.
    Error,
}

impl Expr {
    /// Builds a node whose height is one more than its tallest child.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let height = 1 + kind_height(&kind);
        Expr { kind, span, height }
    }
}

fn kind_height(kind: &ExprKind) -> u32 {
    let h = |e: &Expr| e.height;
    let max_of = |es: &[Expr]| es.iter().map(|e| e.height).max().unwrap_or(0);
    match kind {
        ExprKind::Interp(parts) => parts
            .iter()
            .map(|p| match p {
                StrPart::Lit(_) => 0,
                StrPart::Expr(e) => e.height,
            })
            .max()
            .unwrap_or(0),
        ExprKind::List(items) => max_of(items),
        ExprKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| k.height.max(v.height))
            .max()
            .unwrap_or(0),
        ExprKind::Range { start, end, .. } => h(start).max(h(end)),
        ExprKind::Unary(_, e) => h(e),
        ExprKind::Binary(_, a, b) | ExprKind::Logic(_, a, b) | ExprKind::Is(a, b) => h(a).max(h(b)),
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => h(cond).max(h(then)).max(h(otherwise)),
        ExprKind::Call { callee, args } => h(callee).max(max_of(args)),
        ExprKind::Invoke(inv) => h(&inv.object).max(max_of(&inv.args)),
        ExprKind::SuperInvoke(sup) => max_of(&sup.args),
        ExprKind::Field { object, .. } => h(object),
        ExprKind::Index { object, index } => h(object).max(h(index)),
        ExprKind::Lambda(f) => function_height(f),
        _ => 0,
    }
}

/// The height of a function's parameters and body.
pub fn function_height(f: &Function) -> u32 {
    let params = f
        .params
        .iter()
        .filter_map(|p| p.default.as_ref().map(|d| d.height))
        .max()
        .unwrap_or(0);
    let body = match &f.body {
        FnBody::Block(b) => block_height(b),
        FnBody::Expr(e) => e.height,
    };
    params.max(body)
}

pub fn block_height(b: &Block) -> u32 {
    b.stmts.iter().map(|s| s.height).max().unwrap_or(0)
}

impl Stmt {
    /// Builds a statement whose height is one more than its tallest child.
    pub fn new(kind: StmtKind, span: Span) -> Stmt {
        let height = 1 + stmt_kind_height(&kind);
        Stmt { kind, span, height }
    }

    /// The name a declaration binds (`let`, `fn`, `class`, `import`);
    /// `None` for other statements.
    pub fn binder(&self) -> Option<&Binder> {
        match &self.kind {
            StmtKind::Let(l) => Some(&l.binder),
            StmtKind::Fn(f) => Some(&f.binder),
            StmtKind::Class(c) => Some(&c.binder),
            StmtKind::Import(i) => Some(&i.binder),
            _ => None,
        }
    }
}

fn stmt_kind_height(kind: &StmtKind) -> u32 {
    let opt = |e: &Option<Expr>| e.as_ref().map_or(0, |e| e.height);
    match kind {
        StmtKind::Let(l) => opt(&l.value),
        StmtKind::Fn(f) => function_height(&f.func),
        StmtKind::Class(c) => {
            let sup = c.superclass.as_ref().map_or(0, |s| s.expr.height);
            let fields = c.fields.iter().map(|f| opt(&f.init)).max().unwrap_or(0);
            let methods = c
                .methods
                .iter()
                .map(|m| function_height(&m.func))
                .max()
                .unwrap_or(0);
            sup.max(fields).max(methods)
        }
        StmtKind::Import(_) | StmtKind::Break | StmtKind::Continue | StmtKind::Error => 0,
        StmtKind::Expr(e) | StmtKind::Throw(e) => e.height,
        StmtKind::Assign { target, value, .. } => target.height.max(value.height),
        StmtKind::If {
            cond,
            then,
            otherwise,
        } => {
            let other = match otherwise.as_deref() {
                None => 0,
                Some(Else::If(s)) => s.height,
                Some(Else::Block(b)) => block_height(b),
            };
            cond.height.max(block_height(then)).max(other)
        }
        StmtKind::While { cond, body } => cond.height.max(block_height(body)),
        StmtKind::For(f) => f.iterable.height.max(block_height(&f.body)),
        StmtKind::Return(e) => opt(e),
        StmtKind::Try(t) => {
            let catches = t
                .catches
                .iter()
                .map(|c| block_height(&c.body))
                .max()
                .unwrap_or(0);
            let fin = t.finally.as_ref().map_or(0, block_height);
            block_height(&t.body).max(catches).max(fin)
        }
    }
}
