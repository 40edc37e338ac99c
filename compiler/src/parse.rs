//! The parser's support code: the entry point [`parse`], the node builders the
//! grammar's actions call, and the translation of LALR errors into
//! diagnostics.
//!
//! Guarantees: parsing always returns a module (with `Error` nodes where the
//! input could not be read) plus every diagnostic found, several per run where
//! recovery allows; and no tree is taller than [`MAX_HEIGHT`], so recursive
//! passes over the AST cannot exhaust the stack.

use lalrpop_util::{ErrorRecovery, ParseError};

use crate::ast::*;
use crate::diag::{Diagnostic, FileId};
use crate::grammar::ModuleParser;
use crate::lexer::{LexError, Lexer, Tok};
use crate::span::Span;

/// The tallest expression or statement tree accepted. Deep enough for any
/// program a person writes; shallow enough for recursive passes.
pub const MAX_HEIGHT: u32 = 1000;

/// The result of parsing one file.
pub struct Parsed {
    pub module: Module,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lexes and parses `src`, collecting every diagnostic.
///
/// ```
/// use cairn_compiler::parse::parse;
/// let parsed = parse("let x = 1 + 2\nprint(x)\n", 0);
/// assert!(parsed.diagnostics.is_empty());
/// assert_eq!(parsed.module.stmts.len(), 2);
/// ```
pub fn parse(src: &str, file: FileId) -> Parsed {
    let mut lexer = Lexer::new(src, file);
    let mut state = ParseState::new(file, src.len());
    let result = ModuleParser::new().parse(&mut state, &mut lexer);
    let stmts = match result {
        Ok(stmts) => stmts,
        Err(e) => {
            let diag = state.error_to_diag(e);
            state.diags.push(diag);
            Vec::new()
        }
    };
    let mut diagnostics = lexer.errors;
    diagnostics.append(&mut state.diags);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Parsed {
        module: Module {
            stmts,
            ..Module::default()
        },
        diagnostics,
    }
}

/// A class member as the grammar reads it, before sorting into fields and
/// methods.
pub enum Member {
    Field(Box<Field>),
    Method(Box<Method>),
    Error,
}

type Recovery<'a> = ErrorRecovery<usize, Tok<'a>, LexError>;

/// State threaded through the grammar's actions.
pub struct ParseState<'a> {
    file: FileId,
    src_len: usize,
    diags: Vec<Diagnostic>,
    height_reported: bool,
    _tokens: std::marker::PhantomData<Tok<'a>>,
}

impl<'a> ParseState<'a> {
    fn new(file: FileId, src_len: usize) -> ParseState<'a> {
        ParseState {
            file,
            src_len,
            diags: Vec::new(),
            height_reported: false,
            _tokens: std::marker::PhantomData,
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(self.file, message, span).with_label(label));
    }

    fn too_tall(&mut self, span: Span, what: &str) {
        if !self.height_reported {
            self.height_reported = true;
            self.diags.push(
                Diagnostic::error(self.file, format!("{what} is nested too deeply"), span)
                    .with_label(format!("more than {MAX_HEIGHT} levels of nesting"))
                    .with_help("split it into smaller pieces with helper variables or functions"),
            );
        }
    }

    pub fn expr(&mut self, kind: ExprKind, l: usize, r: usize) -> Expr {
        let span = Span::new(l, r);
        let e = Expr::new(kind, span);
        if e.height > MAX_HEIGHT {
            self.too_tall(span, "expression");
            return Expr::new(ExprKind::Error, span);
        }
        e
    }

    pub fn stmt(&mut self, kind: StmtKind, l: usize, r: usize) -> Stmt {
        let span = Span::new(l, r);
        let s = Stmt::new(kind, span);
        if s.height > MAX_HEIGHT {
            self.too_tall(span, "statement");
            return Stmt::new(StmtKind::Error, span);
        }
        s
    }

    /// A parenthesised expression. Parentheses add no node, but they count
    /// towards the height so that absurdly deep nesting is reported too.
    pub fn paren(&mut self, mut e: Expr) -> Expr {
        e.height += 1;
        if e.height > MAX_HEIGHT {
            self.too_tall(e.span, "expression");
            return Expr::new(ExprKind::Error, e.span);
        }
        e
    }

    pub fn recover(&mut self, e: Recovery<'a>, l: usize, r: usize) -> Stmt {
        let diag = self.error_to_diag(e.error);
        self.diags.push(diag);
        Stmt::new(StmtKind::Error, Span::new(l, r))
    }

    pub fn recover_member(&mut self, e: Recovery<'a>, _l: usize, _r: usize) -> Member {
        let diag = self.error_to_diag(e.error);
        self.diags.push(diag);
        Member::Error
    }

    pub fn binary(&mut self, op: BinOp, a: Expr, b: Expr, l: usize, r: usize) -> Expr {
        self.expr(ExprKind::Binary(op, Box::new(a), Box::new(b)), l, r)
    }

    /// `cond ? a : b`.
    pub fn ternary(&mut self, cond: Chain, a: Expr, b: Expr, l: usize, r: usize) -> Expr {
        let cond = self.fold(cond);
        let kind = ExprKind::Ternary {
            cond: Box::new(cond),
            then: Box::new(a),
            otherwise: Box::new(b),
        };
        self.expr(kind, l, r)
    }

    /// Arranges a flat chain of operators by precedence (levels 2 to 12 of
    /// the table; binary ones left-associative, `not` a prefix), with explicit
    /// stacks so that no chain length can exhaust the Rust stack. Chained
    /// comparisons and chained ranges are reported, and still build a tree.
    pub fn fold(&mut self, chain: Chain) -> Expr {
        if chain.rest.is_empty() && chain.first.nots == 0 {
            return chain.first.expr;
        }
        let mut operands: Vec<(Expr, Made, Span)> = Vec::new();
        let mut ops: Vec<(ChainOp, u32)> = Vec::new();
        self.push_operand(chain.first, &mut operands, &mut ops);
        for (op, operand) in chain.rest {
            while ops
                .last()
                .is_some_and(|(top, _)| top.precedence() >= op.precedence())
            {
                self.reduce_chain(&mut operands, &mut ops);
            }
            ops.push((op, 0));
            self.push_operand(operand, &mut operands, &mut ops);
        }
        while !ops.is_empty() {
            self.reduce_chain(&mut operands, &mut ops);
        }
        operands
            .pop()
            .map(|(e, _, _)| e)
            .unwrap_or_else(|| Expr::new(ExprKind::Error, Span::default()))
    }

    fn push_operand(
        &mut self,
        operand: Operand,
        operands: &mut Vec<(Expr, Made, Span)>,
        ops: &mut Vec<(ChainOp, u32)>,
    ) {
        for _ in 0..operand.nots {
            ops.push((ChainOp::Not, operand.not_start));
        }
        operands.push((operand.expr, Made::Other, operand.span));
    }

    fn reduce_chain(
        &mut self,
        operands: &mut Vec<(Expr, Made, Span)>,
        ops: &mut Vec<(ChainOp, u32)>,
    ) {
        let Some((op, not_start)) = ops.pop() else {
            return;
        };
        if op == ChainOp::Not {
            let Some((e, _, span)) = operands.pop() else {
                return;
            };
            let span = Span {
                start: not_start,
                end: span.end,
            };
            let e = self.expr(
                ExprKind::Unary(UnOp::Not, Box::new(e)),
                span.start as usize,
                span.end as usize,
            );
            operands.push((e, Made::Other, span));
            return;
        }
        let (Some((b, _, b_span)), Some((a, made, a_span))) = (operands.pop(), operands.pop())
        else {
            return;
        };
        // Spans cover the operands as written, parentheses included.
        let span = a_span.to(b_span);
        let (kind, result) = match op {
            ChainOp::Bin(bin) if bin.is_comparison() => {
                self.check_comparison_chain(made, bin.symbol(), span);
                (
                    ExprKind::Binary(bin, Box::new(a), Box::new(b)),
                    Made::Comparison,
                )
            }
            ChainOp::Is => {
                self.check_comparison_chain(made, "is", span);
                (ExprKind::Is(Box::new(a), Box::new(b)), Made::Comparison)
            }
            ChainOp::Bin(bin) => (ExprKind::Binary(bin, Box::new(a), Box::new(b)), Made::Other),
            ChainOp::And => (
                ExprKind::Logic(LogicOp::And, Box::new(a), Box::new(b)),
                Made::Other,
            ),
            ChainOp::Or => (
                ExprKind::Logic(LogicOp::Or, Box::new(a), Box::new(b)),
                Made::Other,
            ),
            ChainOp::Range | ChainOp::RangeIncl => {
                if made == Made::Range {
                    self.error(
                        span,
                        "range operators cannot be chained",
                        "this range's start is itself a range",
                    );
                }
                let kind = ExprKind::Range {
                    start: Box::new(a),
                    end: Box::new(b),
                    inclusive: op == ChainOp::RangeIncl,
                };
                (kind, Made::Range)
            }
            ChainOp::Not => unreachable!("handled above"),
        };
        let e = self.expr(kind, span.start as usize, span.end as usize);
        operands.push((e, result, span));
    }

    fn check_comparison_chain(&mut self, left: Made, op_text: &str, span: Span) {
        if left == Made::Comparison {
            self.diags.push(
                Diagnostic::error(self.file, "comparison operators cannot be chained", span)
                    .with_label(format!("`{op_text}` follows another comparison"))
                    .with_help("write `a < b and b < c`, or add parentheses"),
            );
        }
    }

    pub fn int(&mut self, v: u64, l: usize, r: usize) -> Expr {
        let kind = if v == 1 << 63 {
            ExprKind::IntMinMagnitude
        } else {
            ExprKind::Int(v as i64)
        };
        self.expr(kind, l, r)
    }

    /// Unary minus; folds `-9223372036854775808` into the minimum Int.
    pub fn negate(&mut self, e: Expr, l: usize, r: usize) -> Expr {
        if let ExprKind::IntMinMagnitude = e.kind {
            return self.expr(ExprKind::Int(i64::MIN), l, r);
        }
        self.expr(ExprKind::Unary(UnOp::Neg, Box::new(e)), l, r)
    }

    /// A call; `obj.m(args)` and `super.m(args)` become invokes.
    pub fn call(&mut self, callee: Expr, args: Vec<Expr>, l: usize, r: usize) -> Expr {
        let kind = match callee.kind {
            ExprKind::Field { object, name } => ExprKind::Invoke(Box::new(Invoke {
                object: *object,
                name,
                args,
            })),
            ExprKind::SuperField { name, this } => {
                ExprKind::SuperInvoke(Box::new(SuperInvoke { name, args, this }))
            }
            kind => ExprKind::Call {
                callee: Box::new(Expr {
                    kind,
                    span: callee.span,
                    height: callee.height,
                }),
                args,
            },
        };
        self.expr(kind, l, r)
    }

    pub fn lambda(&mut self, params: Vec<Param>, body: FnBody, l: usize, r: usize) -> Expr {
        let func = self.function("<anonymous>".to_string(), params, body, l, r);
        self.expr(ExprKind::Lambda(Box::new(func)), l, r)
    }

    /// Checks parameter order: plain, then with defaults, then one rest
    /// parameter last.
    fn function(
        &mut self,
        name: String,
        params: Vec<Param>,
        body: FnBody,
        l: usize,
        r: usize,
    ) -> Function {
        let mut seen_default = false;
        for (i, p) in params.iter().enumerate() {
            let span = p.binder.ident.span;
            if p.rest && i + 1 != params.len() {
                self.error(
                    span,
                    "rest parameter must be the last parameter",
                    "parameters follow this rest parameter",
                );
            }
            if p.default.is_some() {
                seen_default = true;
            } else if seen_default && !p.rest {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        format!(
                            "parameter `{}` has no default but follows one that does",
                            p.binder.ident.name
                        ),
                        span,
                    )
                    .with_label("needs a default value")
                    .with_help("put parameters with defaults after those without"),
                );
            }
        }
        Function {
            name,
            params,
            body,
            span: Span::new(l, r),
            captures: Vec::new(),
            n_locals: 0,
        }
    }

    pub fn fn_decl(
        &mut self,
        n: Ident,
        params: Vec<Param>,
        body: FnBody,
        l: usize,
        r: usize,
    ) -> StmtKind {
        let func = self.function(n.name.clone(), params, body, l, r);
        StmtKind::Fn(Box::new(FnDecl {
            binder: Binder::new(n, DeclKind::Fn),
            func,
        }))
    }

    pub fn import_std(&mut self, n: Ident, alias: Option<Ident>) -> StmtKind {
        let binder = Binder::new(alias.unwrap_or_else(|| n.clone()), DeclKind::Import);
        StmtKind::Import(ImportDecl {
            source: ImportSource::Std(n.name),
            source_span: n.span,
            binder,
        })
    }

    pub fn import_path(&mut self, path: String, span: Span, alias: Option<Ident>) -> StmtKind {
        let binder = match alias {
            Some(a) => a,
            None => {
                let stem = path
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(".cairn");
                if !is_identifier(stem) {
                    self.diags.push(
                        Diagnostic::error(
                            self.file,
                            format!("cannot name a module after `{path}`"),
                            span,
                        )
                        .with_label("the file name is not an identifier")
                        .with_help("give it a name: `import \"...\" as name`"),
                    );
                }
                Ident {
                    name: stem.to_string(),
                    span,
                }
            }
        };
        StmtKind::Import(ImportDecl {
            source: ImportSource::Path(path),
            source_span: span,
            binder: Binder::new(binder, DeclKind::Import),
        })
    }

    pub fn for_loop(
        &mut self,
        a: Ident,
        b: Option<Ident>,
        iterable: Expr,
        body: Block,
    ) -> StmtKind {
        let mut vars = vec![Binder::new(a, DeclKind::ForVar)];
        vars.extend(b.map(|b| Binder::new(b, DeclKind::ForVar)));
        StmtKind::For(Box::new(ForLoop {
            vars,
            iterable,
            body,
            hidden_slot: 0,
        }))
    }

    pub fn try_stmt(
        &mut self,
        body: Block,
        catches: Vec<Box<Catch>>,
        finally: Option<Block>,
        l: usize,
        _r: usize,
    ) -> StmtKind {
        if catches.is_empty() && finally.is_none() {
            self.error(
                Span::new(l, l + 3),
                "`try` needs a `catch` or a `finally`",
                "this `try` handles nothing",
            );
        }
        StmtKind::Try(Box::new(TryStmt {
            body,
            catches: catches.into_iter().map(|c| *c).collect(),
            finally,
            hidden_slot: 0,
        }))
    }

    pub fn class_ref(&mut self, m: Ident, n: Option<Ident>, l: usize, r: usize) -> ClassRef {
        let span = Span::new(l, r);
        let first = self.expr(
            ExprKind::Name {
                name: m.name,
                binding: Binding::Unresolved,
            },
            m.span.start as usize,
            m.span.end as usize,
        );
        let expr = match n {
            None => first,
            Some(name) => self.expr(
                ExprKind::Field {
                    object: Box::new(first),
                    name,
                },
                l,
                r,
            ),
        };
        ClassRef { expr, span }
    }

    pub fn class_decl(
        &mut self,
        n: Ident,
        superclass: Option<ClassRef>,
        members: Vec<Member>,
        l: usize,
        r: usize,
    ) -> StmtKind {
        let mut fields = Vec::new();
        let mut methods = Vec::new();
        for m in members {
            match m {
                Member::Field(f) => fields.push(*f),
                Member::Method(m) => methods.push(*m),
                Member::Error => {}
            }
        }
        StmtKind::Class(Box::new(ClassDecl {
            binder: Binder::new(n, DeclKind::Class),
            superclass,
            fields,
            methods,
            span: Span::new(l, r),
            field_init_captures: Vec::new(),
            field_init_n_locals: 0,
        }))
    }

    /// A member written `fn name(...)`, `static fn name(...)` or `fn op(...)`.
    #[allow(clippy::too_many_arguments)]
    pub fn method(
        &mut self,
        is_static: bool,
        name: MethodName,
        name_span: Span,
        params: Vec<Param>,
        body: FnBody,
        l: usize,
        r: usize,
    ) -> Member {
        let name = self.check_method_name(is_static, name, name_span, &params);
        let func = self.function(method_display(&name), params, body, l, r);
        Member::Method(Box::new(Method {
            name,
            name_span,
            is_static,
            func,
        }))
    }

    /// A member written without `fn`: only the constructor `init(...)`.
    pub fn bare_method(
        &mut self,
        n: Ident,
        params: Vec<Param>,
        body: FnBody,
        l: usize,
        r: usize,
    ) -> Member {
        if n.name != "init" {
            self.diags.push(
                Diagnostic::error(
                    self.file,
                    format!("method `{}` must be declared with `fn`", n.name),
                    n.span,
                )
                .with_label("missing `fn`")
                .with_help(format!(
                    "write `fn {}(...)`; only `init` may omit `fn`",
                    n.name
                )),
            );
        }
        self.method(false, MethodName::Named(n.name), n.span, params, body, l, r)
    }

    fn check_method_name(
        &mut self,
        is_static: bool,
        name: MethodName,
        span: Span,
        params: &[Param],
    ) -> MethodName {
        let plain = params.iter().all(|p| p.default.is_none() && !p.rest);
        let (name, wanted) = match name {
            MethodName::Named(n) => {
                if is_static && n == "init" {
                    self.error(
                        span,
                        "`init` cannot be static",
                        "constructors belong to instances",
                    );
                }
                return MethodName::Named(n);
            }
            MethodName::Binary(BinOp::Sub) if params.is_empty() => (MethodName::Neg, 0),
            MethodName::Binary(op) => (MethodName::Binary(op), 1),
            MethodName::Index => (MethodName::Index, 1),
            MethodName::IndexSet => (MethodName::IndexSet, 2),
            MethodName::Neg => (MethodName::Neg, 0),
        };
        let shown = method_display(&name);
        if is_static {
            self.error(
                span,
                format!("operator method `{shown}` cannot be static"),
                "operators apply to instances",
            );
        }
        if params.len() != wanted || !plain {
            let what = match wanted {
                0 => "no parameters".to_string(),
                1 => "exactly 1 parameter".to_string(),
                n => format!("exactly {n} parameters"),
            };
            self.error(
                span,
                format!("operator method `{shown}` takes {what}"),
                format!("declared with {} parameter(s)", params.len()),
            );
        }
        name
    }

    /// Turns an LALR error into a diagnostic.
    pub fn error_to_diag(&self, e: ParseError<usize, Tok<'a>, LexError>) -> Diagnostic {
        match e {
            ParseError::UnrecognizedToken {
                token: (l, tok, r),
                expected,
            } => self.unexpected(&tok, Span::new(l, r), &expected),
            ParseError::ExtraToken { token: (l, tok, r) } => {
                self.unexpected(&tok, Span::new(l, r), &[])
            }
            ParseError::UnrecognizedEof { location, expected } => {
                let at = location.min(self.src_len);
                Diagnostic::error(self.file, "unexpected end of file", Span::new(at, at))
                    .with_label(format!("expected {}", describe_expected(&expected)))
            }
            ParseError::InvalidToken { location } => Diagnostic::error(
                self.file,
                "invalid token",
                Span::new(location, location + 1),
            )
            .with_label("not valid here"),
            ParseError::User { error } => match error {},
        }
    }

    fn unexpected(&self, tok: &Tok<'a>, span: Span, expected: &[String]) -> Diagnostic {
        let message = match tok {
            Tok::Newline => "unexpected end of line".to_string(),
            other => format!("unexpected {other}"),
        };
        let label = if expected.is_empty() {
            "not expected here".to_string()
        } else {
            format!("expected {}", describe_expected(expected))
        };
        let mut diag = Diagnostic::error(self.file, message, span).with_label(label);
        match tok {
            Tok::Else => {
                diag = diag.with_help(
                    "`else` must stand on the same line as the `}` that closes the `if` block",
                )
            }
            Tok::Catch | Tok::Finally => {
                diag = diag.with_help(format!(
                    "`{}` must stand on the same line as the `}}` that closes the block before it",
                    tok.text()
                ))
            }
            Tok::Ident(name) if expected.iter().any(|e| e == "\";\"") => {
                diag = diag.with_note(format!(
                    "statements are separated by newlines or `;`; `{name}` starts a new one"
                ))
            }
            _ => {}
        }
        diag
    }
}

/// How a method is named in diagnostics and tracebacks.
fn method_display(name: &MethodName) -> String {
    match name {
        MethodName::Named(n) => n.clone(),
        MethodName::Binary(op) => op.symbol().to_string(),
        MethodName::Neg => "-".to_string(),
        MethodName::Index => "[]".to_string(),
        MethodName::IndexSet => "[]=".to_string(),
    }
}

/// Reads LALRPOP's list of expected terminals as a person would say it.
fn describe_expected(expected: &[String]) -> String {
    let starts_expr = ["Ident", "Int", "\"(\"", "\"[\""]
        .iter()
        .all(|t| expected.iter().any(|e| e == t));
    let separator = expected.iter().any(|e| e == "Newline" || e == "\";\"");
    if starts_expr {
        return if separator {
            "an expression or the end of the statement".to_string()
        } else {
            "an expression".to_string()
        };
    }
    let mut names: Vec<String> = Vec::new();
    for e in expected {
        let name = match e.as_str() {
            "Ident" => "identifier".to_string(),
            "Int" | "Float" => "number".to_string(),
            "Str" | "StrStart" => "string".to_string(),
            "StrMid" | "StrEnd" => "`}` closing the interpolation".to_string(),
            "Newline" | "\";\"" => "newline or `;`".to_string(),
            quoted => format!("`{}`", quoted.trim_matches('"')),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.len() {
        0 => "something else".to_string(),
        1 => names.remove(0),
        n if n <= 6 => {
            let last = names.pop().unwrap_or_default();
            format!("one of {} or {last}", names.join(", "))
        }
        _ => format!("one of {}, ...", names[..6].join(", ")),
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && crate::lexer::tokenize(s, 0).0 == vec![Tok::Ident(s)]
}

/// The first text and expression of an interpolated string; empty text is
/// dropped throughout.
pub fn start_interpolation(start: String, first: Expr) -> Vec<StrPart> {
    let mut parts = Vec::with_capacity(3);
    if !start.is_empty() {
        parts.push(StrPart::Lit(start));
    }
    parts.push(StrPart::Expr(first));
    parts
}

/// Adds the text between two interpolations and the next expression.
pub fn push_interpolation(parts: &mut Vec<StrPart>, mid: String, e: Expr) {
    if !mid.is_empty() {
        parts.push(StrPart::Lit(mid));
    }
    parts.push(StrPart::Expr(e));
}

/// Adds the text after the last interpolation.
pub fn end_interpolation(mut parts: Vec<StrPart>, end: String) -> Vec<StrPart> {
    if !end.is_empty() {
        parts.push(StrPart::Lit(end));
    }
    parts
}

/// An operator of the flat chain (precedence levels 2 to 12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainOp {
    Or,
    And,
    /// Prefix `not`, applying to everything up to the next `and` or `or`.
    Not,
    Bin(BinOp),
    Is,
    Range,
    RangeIncl,
}

impl ChainOp {
    /// Binding strength: higher binds tighter. Mirrors the table in
    /// spec/language.md.
    fn precedence(self) -> u8 {
        match self {
            ChainOp::Or => 1,
            ChainOp::And => 2,
            ChainOp::Not => 3,
            ChainOp::Is => 4,
            ChainOp::Bin(op) => match op {
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
                BinOp::BitOr => 5,
                BinOp::BitXor => 6,
                BinOp::BitAnd => 7,
                BinOp::Shl | BinOp::Shr => 8,
                BinOp::Add | BinOp::Sub => 10,
                BinOp::Mul | BinOp::Div | BinOp::Rem => 11,
                BinOp::Pow => 12,
            },
            ChainOp::Range | ChainOp::RangeIncl => 9,
        }
    }
}

/// One operand of a chain: a unary-level expression with any `not`s before it.
pub struct Operand {
    pub expr: Expr,
    /// Where the expression was written, parentheses included.
    pub span: Span,
    pub nots: u32,
    /// Where the first `not` starts.
    pub not_start: u32,
}

impl Operand {
    pub fn new(expr: Expr, span: Span) -> Operand {
        Operand {
            expr,
            span,
            nots: 0,
            not_start: span.start,
        }
    }

    /// The operand with one more `not` before it, starting at `at`.
    pub fn negated(mut self, at: usize) -> Operand {
        self.nots += 1;
        self.not_start = at as u32;
        self
    }
}

/// A chain as the grammar reads it: `first (op operand)*`.
pub struct Chain {
    pub first: Operand,
    pub rest: Vec<(ChainOp, Operand)>,
}

impl Chain {
    pub fn new(first: Operand) -> Chain {
        Chain {
            first,
            rest: Vec::new(),
        }
    }
}

/// What built an operand of a chain, for the non-chaining rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Made {
    Comparison,
    Range,
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser's value stack holds its largest value type; keeping these
    /// small keeps every shift and reduce a short copy (measured: moving from
    /// 128-byte to 112-byte stack entries cut parse instructions by 12%).
    #[test]
    fn parser_values_stay_small() {
        assert!(std::mem::size_of::<Expr>() <= 64);
        assert!(std::mem::size_of::<Chain>() <= 104);
        assert!(std::mem::size_of::<Member>() <= 16);
    }
}
