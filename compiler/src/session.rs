//! Sessions: a program entered one piece at a time, as at the REPL.
//!
//! Each entry compiles to a class file of its own, whose globals table
//! extends the session's: the names earlier entries declared keep their
//! slots, and the entry's new names follow. The VM links every entry into
//! one module (`Vm::link_entry`), so all entries share one table of
//! globals. An entry may use any name an earlier one declared; declaring it
//! again replaces it, in the same slot, so functions that use the name see
//! the new definition. An entry whose last statement is an expression
//! returns that expression's value.
//!
//! ```
//! use cairn_compiler::session::Session;
//! let mut session = Session::new();
//! let first = session.compile("<repl>", "let x = 20\n").ok().unwrap();
//! session.commit(&first, |_| true);
//! let second = session.compile("<repl>", "x + 1\n").ok().unwrap();
//! assert!(second.is_expression);
//! assert!(session.compile("<repl>", "y\n").is_err());
//! ```

use cairn_vm::classfile::ClassFile;

use crate::ast::{DeclKind, StmtKind};
use crate::diag::SourceMap;
use crate::emit::emit_entry;
use crate::frontend::{Checked, CheckedModule};
use crate::lexer::{tokenize, Tok};
use crate::parse::parse;
use crate::resolve::{resolve_entry, PriorGlobal};

/// The names a session has declared, by global slot.
#[derive(Clone, Debug, Default)]
pub struct Session {
    slots: Vec<PriorGlobal>,
}

/// One compiled entry, ready to link into the session's module.
pub struct Entry {
    pub class_file: ClassFile,
    /// Whether its last statement is an expression, whose value its
    /// top-level code returns.
    pub is_expression: bool,
    /// The names its top-level statements declare, in order.
    pub declared: Vec<String>,
    /// The session's slots once it has run.
    slots: Vec<PriorGlobal>,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Checks and compiles `text` as the next entry, against the names
    /// declared so far. `source` names it in diagnostics and tracebacks.
    /// The session is unchanged until [`Session::commit`].
    ///
    /// # Errors
    /// The [`Checked`] result, whose diagnostics say what is wrong.
    pub fn compile(&self, source: &str, text: &str) -> Result<Entry, Box<Checked>> {
        let mut sources = SourceMap::new();
        let file = sources.add(source, text);
        let mut parsed = parse(text, file);
        let mut diagnostics = parsed.diagnostics;
        diagnostics.extend(resolve_entry(&mut parsed.module, file, &self.slots));
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        let module = parsed.module;
        if diagnostics.is_empty() {
            match emit_entry(&module, file, "<repl>", source, text) {
                Ok(class_file) => return Ok(self.entry(class_file, &module)),
                Err(diags) => diagnostics = diags,
            }
        }
        Err(Box::new(Checked {
            sources,
            modules: vec![CheckedModule {
                file,
                path: None,
                module,
            }],
            diagnostics,
        }))
    }

    fn entry(&self, class_file: ClassFile, module: &crate::ast::Module) -> Entry {
        let mut slots = self.slots.clone();
        let mut declared = Vec::new();
        for stmt in &module.stmts {
            let Some(binder) = stmt.binder() else {
                continue;
            };
            let name = &binder.ident.name;
            let slot = PriorGlobal {
                name: name.clone(),
                kind: binder.kind,
                visible: true,
            };
            match slots.iter_mut().find(|s| s.name == *name) {
                Some(s) => *s = slot,
                None => slots.push(slot),
            }
            declared.push(name.clone());
        }
        Entry {
            class_file,
            is_expression: matches!(module.stmts.last(), Some(s) if matches!(s.kind, StmtKind::Expr(_))),
            declared,
            slots,
        }
    }

    /// Records what an entry declared, once it has been linked and run.
    /// `defined(name)` says whether a name the entry declared for the first
    /// time was defined: when the entry failed before its declaration ran,
    /// the name stays unknown (its slot is kept for a later declaration).
    pub fn commit(&mut self, entry: &Entry, defined: impl Fn(&str) -> bool) {
        let known = self.slots.len();
        self.slots = entry.slots.clone();
        for slot in &mut self.slots[known..] {
            slot.visible = defined(&slot.name);
        }
    }

    /// The names declared so far, with how each was declared, in the order
    /// first declared.
    pub fn names(&self) -> impl Iterator<Item = (&str, DeclKind)> {
        self.slots
            .iter()
            .filter(|s| s.visible)
            .map(|s| (s.name.as_str(), s.kind))
    }
}

/// Whether `text` is unfinished as an entry, and more lines should be read
/// before compiling it: a bracket, brace or parenthesis left open, a string
/// or block comment not closed, or a last token that needs an operand
/// after it (a binary operator, `=`, `,`, `.`, `=>`).
///
/// ```
/// use cairn_compiler::session::is_incomplete;
/// assert!(is_incomplete("class P {\n  var x\n"));
/// assert!(is_incomplete("let s = \"abc\n"));
/// assert!(is_incomplete("1 +"));
/// assert!(!is_incomplete("print(1 + 2)"));
/// assert!(!is_incomplete("print(1))"));
/// ```
pub fn is_incomplete(text: &str) -> bool {
    let (toks, errors) = tokenize(text, 0);
    if errors.iter().any(|d| d.message.starts_with("unterminated")) {
        return true;
    }
    let mut depth = [0i64; 3];
    for t in &toks {
        match t {
            Tok::LParen => depth[0] += 1,
            Tok::RParen => depth[0] -= 1,
            Tok::LBracket => depth[1] += 1,
            Tok::RBracket => depth[1] -= 1,
            Tok::LBrace => depth[2] += 1,
            Tok::RBrace => depth[2] -= 1,
            _ => {}
        }
    }
    if depth.iter().any(|&d| d > 0) {
        return true;
    }
    let last = toks.iter().rev().find(|t| **t != Tok::Newline);
    last.is_some_and(needs_operand)
}

/// Whether a token cannot end an entry: something must follow it.
fn needs_operand(t: &Tok<'_>) -> bool {
    use Tok::*;
    matches!(
        t,
        Plus | Minus
            | Star
            | StarStar
            | Slash
            | Percent
            | Assign
            | EqEq
            | NotEq
            | Lt
            | Le
            | Gt
            | Ge
            | Amp
            | Pipe
            | Caret
            | Shl
            | Shr
            | PlusEq
            | MinusEq
            | StarEq
            | SlashEq
            | PercentEq
            | And
            | Or
            | Not
            | Comma
            | Dot
            | DotDot
            | DotDotEq
            | FatArrow
            | Colon
            | Question
    )
}

#[cfg(test)]
mod tests;
