//! The lexer: source text to tokens.
//!
//! A logos-generated scanner does the bulk of the work; this module adds what a
//! regular scanner cannot: nested block comments, strings with nested `${...}`
//! interpolation (emitted as `StrStart expr StrMid expr ... StrEnd`), numeric
//! literal validation, and the statement-separator rule of the language (a
//! newline ends a statement after certain tokens, unless the next line starts
//! with `.` or the newline is inside `( )`, `[ ]` or an interpolation).
//!
//! So that one missing closer does not hide the rest of the file from the
//! newline rule, unbalanced brackets are repaired as they are met: a `}` closes
//! any `(` or `[` left open since its `{`, a `)` or `]` closes those left open
//! since its opener, and a word that can only begin a statement (`let`, `if`,
//! `return`, ...) closes any `(` or `[` around it, emitting the newline that
//! would have ended the broken statement. The parser then reports the error.
//!
//! The lexer never stops early: each problem becomes a [`Diagnostic`] and
//! scanning goes on, so the parser always sees a complete token stream.

use std::collections::VecDeque;
use std::fmt;

use logos::Logos;

use crate::diag::{Diagnostic, FileId};
use crate::span::Span;

/// A token as the parser sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'a> {
    Ident(&'a str),
    /// An integer literal's magnitude; at most 2^63 (larger ones are reported).
    Int(u64),
    Float(f64),
    /// A string without interpolation.
    Str(String),
    /// The text before the first `${` of an interpolated string.
    StrStart(String),
    /// The text between a `}` and the next `${`.
    StrMid(String),
    /// The text after the last `}` up to the closing quote.
    StrEnd(String),
    /// A newline that ends a statement.
    Newline,
    // Reserved words.
    And,
    As,
    Break,
    Catch,
    Class,
    Continue,
    Else,
    False,
    Finally,
    Fn,
    For,
    If,
    Import,
    In,
    Is,
    Let,
    Nil,
    Not,
    Or,
    Return,
    Static,
    Super,
    This,
    Throw,
    True,
    Try,
    Var,
    While,
    // Punctuation and operators.
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Dot,
    DotDot,
    DotDotEq,
    Ellipsis,
    Colon,
    Semi,
    Question,
    FatArrow,
    Plus,
    Minus,
    Star,
    StarStar,
    Slash,
    Percent,
    Assign,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Shl,
    Shr,
    PlusEq,
    MinusEq,
    StarEq,
    SlashEq,
    PercentEq,
}

impl Tok<'_> {
    /// Whether a newline right after this token ends the statement.
    fn ends_statement(&self) -> bool {
        matches!(
            self,
            Tok::Ident(_)
                | Tok::Int(_)
                | Tok::Float(_)
                | Tok::Str(_)
                | Tok::StrEnd(_)
                | Tok::RParen
                | Tok::RBracket
                | Tok::RBrace
                | Tok::True
                | Tok::False
                | Tok::Nil
                | Tok::This
                | Tok::Break
                | Tok::Continue
                | Tok::Return
        )
    }

    /// Whether this is a reserved word.
    fn is_reserved(&self) -> bool {
        keyword(self.text()).is_some()
    }

    /// Whether this reserved word can only begin a statement (or a class
    /// member), so it can never stand directly inside `( )` or `[ ]`.
    fn starts_statement_only(&self) -> bool {
        matches!(
            self,
            Tok::Let
                | Tok::Var
                | Tok::Class
                | Tok::Static
                | Tok::If
                | Tok::While
                | Tok::For
                | Tok::Import
                | Tok::Try
                | Tok::Throw
                | Tok::Return
                | Tok::Break
                | Tok::Continue
        )
    }
}

impl fmt::Display for Tok<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(name) => write!(f, "identifier `{name}`"),
            Tok::Int(_) | Tok::Float(_) => f.write_str("number"),
            Tok::Str(_) | Tok::StrStart(_) => f.write_str("string"),
            Tok::StrMid(_) | Tok::StrEnd(_) => f.write_str("end of interpolation"),
            Tok::Newline => f.write_str("newline"),
            other => write!(f, "`{}`", other.text()),
        }
    }
}

impl Tok<'_> {
    /// The fixed spelling of keyword and punctuation tokens.
    pub fn text(&self) -> &'static str {
        match self {
            Tok::And => "and",
            Tok::As => "as",
            Tok::Break => "break",
            Tok::Catch => "catch",
            Tok::Class => "class",
            Tok::Continue => "continue",
            Tok::Else => "else",
            Tok::False => "false",
            Tok::Finally => "finally",
            Tok::Fn => "fn",
            Tok::For => "for",
            Tok::If => "if",
            Tok::Import => "import",
            Tok::In => "in",
            Tok::Is => "is",
            Tok::Let => "let",
            Tok::Nil => "nil",
            Tok::Not => "not",
            Tok::Or => "or",
            Tok::Return => "return",
            Tok::Static => "static",
            Tok::Super => "super",
            Tok::This => "this",
            Tok::Throw => "throw",
            Tok::True => "true",
            Tok::Try => "try",
            Tok::Var => "var",
            Tok::While => "while",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::DotDot => "..",
            Tok::DotDotEq => "..=",
            Tok::Ellipsis => "...",
            Tok::Colon => ":",
            Tok::Semi => ";",
            Tok::Question => "?",
            Tok::FatArrow => "=>",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::StarStar => "**",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Assign => "=",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Amp => "&",
            Tok::Pipe => "|",
            Tok::Caret => "^",
            Tok::Tilde => "~",
            Tok::Shl => "<<",
            Tok::Shr => ">>",
            Tok::PlusEq => "+=",
            Tok::MinusEq => "-=",
            Tok::StarEq => "*=",
            Tok::SlashEq => "/=",
            Tok::PercentEq => "%=",
            Tok::Ident(_)
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::StrStart(_)
            | Tok::StrMid(_)
            | Tok::StrEnd(_)
            | Tok::Newline => "",
        }
    }
}

/// What the logos scanner recognises directly.
#[derive(Logos, Clone, Copy, Debug, PartialEq)]
#[logos(skip r"[ \t\r\x0C]+")]
enum Raw {
    #[token("\n")]
    Newline,
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LineComment,
    #[token("/*")]
    BlockComment,
    #[token("\"")]
    Quote,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[regex(r"[0-9][0-9_]*")]
    Dec,
    #[regex(r"0[xXbBoO][0-9A-Za-z_]*")]
    Radix,
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9_]+")]
    Float,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("..=")]
    DotDotEq,
    #[token("...")]
    Ellipsis,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token("?")]
    Question,
    #[token("=>")]
    FatArrow,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("**")]
    StarStar,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("=")]
    Assign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("~")]
    Tilde,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
}

fn keyword(word: &str) -> Option<Tok<'static>> {
    Some(match word {
        "and" => Tok::And,
        "as" => Tok::As,
        "break" => Tok::Break,
        "catch" => Tok::Catch,
        "class" => Tok::Class,
        "continue" => Tok::Continue,
        "else" => Tok::Else,
        "false" => Tok::False,
        "finally" => Tok::Finally,
        "fn" => Tok::Fn,
        "for" => Tok::For,
        "if" => Tok::If,
        "import" => Tok::Import,
        "in" => Tok::In,
        "is" => Tok::Is,
        "let" => Tok::Let,
        "nil" => Tok::Nil,
        "not" => Tok::Not,
        "or" => Tok::Or,
        "return" => Tok::Return,
        "static" => Tok::Static,
        "super" => Tok::Super,
        "this" => Tok::This,
        "throw" => Tok::Throw,
        "true" => Tok::True,
        "try" => Tok::Try,
        "var" => Tok::Var,
        "while" => Tok::While,
        _ => return None,
    })
}

fn punct(raw: Raw) -> Tok<'static> {
    match raw {
        Raw::LParen => Tok::LParen,
        Raw::RParen => Tok::RParen,
        Raw::LBracket => Tok::LBracket,
        Raw::RBracket => Tok::RBracket,
        Raw::LBrace => Tok::LBrace,
        Raw::RBrace => Tok::RBrace,
        Raw::Comma => Tok::Comma,
        Raw::Dot => Tok::Dot,
        Raw::DotDot => Tok::DotDot,
        Raw::DotDotEq => Tok::DotDotEq,
        Raw::Ellipsis => Tok::Ellipsis,
        Raw::Colon => Tok::Colon,
        Raw::Semi => Tok::Semi,
        Raw::Question => Tok::Question,
        Raw::FatArrow => Tok::FatArrow,
        Raw::Plus => Tok::Plus,
        Raw::Minus => Tok::Minus,
        Raw::Star => Tok::Star,
        Raw::StarStar => Tok::StarStar,
        Raw::Slash => Tok::Slash,
        Raw::Percent => Tok::Percent,
        Raw::Assign => Tok::Assign,
        Raw::EqEq => Tok::EqEq,
        Raw::NotEq => Tok::NotEq,
        Raw::Lt => Tok::Lt,
        Raw::Le => Tok::Le,
        Raw::Gt => Tok::Gt,
        Raw::Ge => Tok::Ge,
        Raw::Amp => Tok::Amp,
        Raw::Pipe => Tok::Pipe,
        Raw::Caret => Tok::Caret,
        Raw::Tilde => Tok::Tilde,
        Raw::Shl => Tok::Shl,
        Raw::Shr => Tok::Shr,
        Raw::PlusEq => Tok::PlusEq,
        Raw::MinusEq => Tok::MinusEq,
        Raw::StarEq => Tok::StarEq,
        Raw::SlashEq => Tok::SlashEq,
        Raw::PercentEq => Tok::PercentEq,
        _ => unreachable!("not a punctuation token: {raw:?}"),
    }
}

/// An open bracket, remembered to decide whether newlines are significant and
/// where an interpolation ends.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Open {
    Paren,
    Bracket,
    Brace,
    /// `${` inside a string that started at this byte offset.
    Interp(usize),
}

/// The lexer never fails; this type exists only because the parser's token
/// stream is a stream of `Result`s.
#[derive(Clone, Debug, PartialEq)]
pub enum LexError {}

/// A spanned token, as the parser consumes them.
pub type Spanned<'a> = Result<(usize, Tok<'a>, usize), LexError>;

/// The token stream of one source file.
pub struct Lexer<'a> {
    src: &'a str,
    file: FileId,
    raw: logos::Lexer<'a, Raw>,
    queue: VecDeque<(usize, Tok<'a>, usize)>,
    open: Vec<Open>,
    last_ends_statement: bool,
    /// Whether the last token was `.`, so that a reserved word is a member
    /// name (`x.class`).
    after_dot: bool,
    /// A newline that would have ended the statement had it not been inside
    /// `( )` or `[ ]`; used when those brackets turn out to be unclosed.
    skipped_newline: Option<(usize, usize)>,
    /// Problems found so far.
    pub errors: Vec<Diagnostic>,
}

/// How a string scan stopped.
#[derive(Clone, Copy)]
enum StrStop {
    Quote,
    Interp,
    Eof,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str, file: FileId) -> Lexer<'a> {
        Lexer {
            src,
            file,
            raw: Raw::lexer(src),
            queue: VecDeque::new(),
            open: Vec::new(),
            last_ends_statement: false,
            after_dot: false,
            skipped_newline: None,
            errors: Vec::new(),
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) {
        self.errors
            .push(Diagnostic::error(self.file, message, span).with_label(label));
    }

    fn newlines_significant(&self) -> bool {
        matches!(self.open.last(), None | Some(Open::Brace))
    }

    /// Scans raw tokens until at least one parser token is queued or input ends.
    fn fill(&mut self) {
        while self.queue.is_empty() {
            let Some(raw) = self.raw.next() else { return };
            let span = self.raw.span();
            match raw {
                Ok(raw) => self.handle(raw, span.start, span.end),
                Err(()) => self.bad_char(span.start),
            }
        }
    }

    fn bad_char(&mut self, start: usize) {
        let ch = self.src[start..].chars().next().unwrap_or('\u{FFFD}');
        let end = start + ch.len_utf8();
        if self.raw.span().end < end {
            self.raw.bump(end - self.raw.span().end);
        }
        let span = Span::new(start, end);
        let mut diag = Diagnostic::error(
            self.file,
            format!("unexpected character `{}`", shown_char(ch)),
            span,
        )
        .with_label("not valid here");
        match ch {
            '!' => diag = diag.with_help("use `not` for logical negation, `!=` for inequality"),
            '\'' => diag = diag.with_help("strings are written with double quotes: \"...\""),
            '&' | '|' => {}
            _ => {}
        }
        self.errors.push(diag);
    }

    fn push(&mut self, start: usize, tok: Tok<'a>, end: usize) {
        // A reserved word after `.` is a member name (`x.class`), so a newline
        // after it ends the statement as after an identifier.
        self.last_ends_statement = tok.ends_statement() || (self.after_dot && tok.is_reserved());
        self.after_dot = tok == Tok::Dot;
        self.skipped_newline = None;
        self.queue.push_back((start, tok, end));
    }

    fn handle(&mut self, raw: Raw, start: usize, end: usize) {
        match raw {
            Raw::Newline => self.newline(start, end),
            Raw::LineComment => {}
            Raw::BlockComment => self.block_comment(start),
            Raw::Quote => self.string(start, end, start),
            Raw::Ident => {
                let word = &self.src[start..end];
                let tok = keyword(word).unwrap_or(Tok::Ident(word));
                if tok.starts_statement_only() && !self.after_dot {
                    self.close_unclosed_brackets();
                }
                self.push(start, tok, end);
            }
            Raw::Dec => {
                let value = self.integer(start, end, 10, 0);
                self.push(start, Tok::Int(value), end);
            }
            Raw::Radix => {
                let radix = match self.src.as_bytes()[start + 1] {
                    b'x' | b'X' => 16,
                    b'b' | b'B' => 2,
                    _ => 8,
                };
                let value = self.integer(start, end, radix, 2);
                self.push(start, Tok::Int(value), end);
            }
            Raw::Float => {
                let value = self.float(start, end);
                self.push(start, Tok::Float(value), end);
            }
            Raw::LParen | Raw::LBracket | Raw::LBrace => {
                self.open.push(match raw {
                    Raw::LParen => Open::Paren,
                    Raw::LBracket => Open::Bracket,
                    _ => Open::Brace,
                });
                self.push(start, punct(raw), end);
            }
            Raw::RParen => {
                self.close(Open::Paren);
                self.push(start, Tok::RParen, end);
            }
            Raw::RBracket => {
                self.close(Open::Bracket);
                self.push(start, Tok::RBracket, end);
            }
            Raw::RBrace => {
                // A `}` also closes any `(` or `[` left open since its `{` (or
                // `${`), so that one missing closer does not swallow the rest
                // of the file.
                if let Some(i) = self
                    .open
                    .iter()
                    .rposition(|o| matches!(o, Open::Brace | Open::Interp(_)))
                {
                    self.open.truncate(i + 1);
                }
                if let Some(&Open::Interp(string_start)) = self.open.last() {
                    self.open.pop();
                    self.string(start, end, string_start);
                } else {
                    self.close(Open::Brace);
                    self.push(start, Tok::RBrace, end);
                }
            }
            other => self.push(start, punct(other), end),
        }
    }

    /// Pops the innermost open `kind` (`(` or `[`), and with it any bracket
    /// left unclosed inside it, as long as no `{` or `${` lies in between. A
    /// closer without a matching opener is left for the parser to report; the
    /// stack stays as it was.
    fn close(&mut self, kind: Open) {
        for i in (0..self.open.len()).rev() {
            match self.open[i] {
                o if o == kind => {
                    self.open.truncate(i);
                    return;
                }
                Open::Brace | Open::Interp(_) => return,
                _ => {}
            }
        }
    }

    /// Called before a reserved word that only begins statements: any `(` or
    /// `[` still open around it was never closed. Closes them, and if a
    /// newline inside them would otherwise have ended the statement, emits it
    /// now, so the parser reports one error and resynchronises on that line.
    fn close_unclosed_brackets(&mut self) {
        if !matches!(self.open.last(), Some(Open::Paren | Open::Bracket)) {
            return;
        }
        while matches!(self.open.last(), Some(Open::Paren | Open::Bracket)) {
            self.open.pop();
        }
        if let Some((start, end)) = self.skipped_newline {
            if self.newlines_significant() {
                self.push(start, Tok::Newline, end);
            }
        }
    }

    fn newline(&mut self, start: usize, end: usize) {
        if !self.last_ends_statement {
            return;
        }
        if !self.newlines_significant() {
            self.skipped_newline.get_or_insert((start, end));
        } else if !self.next_line_continues(end) {
            self.push(start, Tok::Newline, end);
        }
    }

    /// Whether the next line with code starts with `.` (a method chain going on).
    fn next_line_continues(&self, from: usize) -> bool {
        let bytes = self.src.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            match bytes[i] {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0C => i += 1,
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => match skip_block_comment(bytes, i) {
                    Some(next) => i = next,
                    None => return false,
                },
                b'.' => return true,
                _ => return false,
            }
        }
        false
    }

    fn block_comment(&mut self, start: usize) {
        let bytes = self.src.as_bytes();
        match skip_block_comment(bytes, start) {
            Some(end) => {
                let has_newline = bytes[start..end].contains(&b'\n');
                self.raw.bump(end - self.raw.span().end);
                // As in Go, a comment spanning lines acts as a newline.
                if has_newline {
                    self.newline(end, end);
                }
            }
            None => {
                self.raw.bump(self.src.len() - self.raw.span().end);
                self.error(
                    Span::new(start, start + 2),
                    "unterminated block comment",
                    "this comment is never closed",
                );
            }
        }
    }

    /// Parses an integer literal's digits (after a `prefix`-byte radix prefix).
    fn integer(&mut self, start: usize, end: usize, radix: u32, prefix: usize) -> u64 {
        let text = &self.src[start..end];
        let span = Span::new(start, end);
        let digits = &text[prefix..];
        let kind = match radix {
            16 => "hexadecimal",
            2 => "binary",
            8 => "octal",
            _ => "decimal",
        };
        if digits.is_empty() {
            self.error(
                span,
                format!("missing digits after `{text}`"),
                "expected digits",
            );
            return 0;
        }
        if let Some(bad) = digits.chars().find(|c| *c != '_' && !c.is_digit(radix)) {
            self.error(
                span,
                format!("invalid digit `{bad}` in {kind} literal"),
                "invalid digit",
            );
            return 0;
        }
        if !underscores_ok(digits) {
            self.error(
                span,
                "misplaced `_` in number literal",
                "`_` may only stand between digits",
            );
            return 0;
        }
        // Digits were validated above, so only overflow can fail here.
        let mut value: Option<u64> = Some(0);
        for c in digits.bytes().filter(|b| *b != b'_') {
            let d = u64::from((c as char).to_digit(radix).unwrap_or(0));
            value = value
                .and_then(|v| v.checked_mul(u64::from(radix)))
                .and_then(|v| v.checked_add(d));
        }
        match value.ok_or(()) {
            Ok(v) if v <= 1 << 63 => v,
            _ => {
                self.errors.push(
                    Diagnostic::error(self.file, "integer literal is too large", span)
                        .with_label("does not fit in a 64-bit signed integer")
                        .with_note("the largest Int is 9223372036854775807"),
                );
                0
            }
        }
    }

    fn float(&mut self, start: usize, end: usize) -> f64 {
        let text = &self.src[start..end];
        let span = Span::new(start, end);
        let ok = text
            .split(['.', 'e', 'E'])
            .all(|part| underscores_ok(part.trim_start_matches(['+', '-'])));
        if !ok {
            self.error(
                span,
                "misplaced `_` in number literal",
                "`_` may only stand between digits",
            );
            return 0.0;
        }
        let clean: String = text.chars().filter(|c| *c != '_').collect();
        match clean.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                self.error(
                    span,
                    "float literal is out of range",
                    "too large for a 64-bit float",
                );
                0.0
            }
        }
    }

    /// Scans string text starting after `opener` (a `"` or an interpolation's
    /// closing `}`) and queues the matching string token.
    fn string(&mut self, opener: usize, after: usize, string_start: usize) {
        let first = self.src.as_bytes()[opener] == b'"';
        let (text, stop, end) = self.scan_string_text(after);
        self.raw.bump(end - self.raw.span().end);
        let tok = match (first, stop) {
            (true, StrStop::Interp) => Tok::StrStart(text),
            (false, StrStop::Interp) => Tok::StrMid(text),
            (true, _) => Tok::Str(text),
            (false, _) => Tok::StrEnd(text),
        };
        if let StrStop::Interp = stop {
            self.open.push(Open::Interp(string_start));
        }
        if let StrStop::Eof = stop {
            self.error(
                Span::new(string_start, string_start + 1),
                "unterminated string",
                "this string is never closed",
            );
        }
        self.push(opener, tok, end);
    }

    /// Reads string content from `from` to the closing quote or the next `${`,
    /// decoding escapes. Returns the text, why it stopped, and the offset just
    /// past the delimiter.
    fn scan_string_text(&mut self, from: usize) -> (String, StrStop, usize) {
        let src = self.src;
        let bytes = src.as_bytes();
        let mut out = String::new();
        let mut i = from;
        let mut run = from;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    out.push_str(&src[run..i]);
                    return (out, StrStop::Quote, i + 1);
                }
                b'$' if bytes.get(i + 1) == Some(&b'{') => {
                    out.push_str(&src[run..i]);
                    return (out, StrStop::Interp, i + 2);
                }
                b'\\' => {
                    out.push_str(&src[run..i]);
                    i = self.escape(i, &mut out);
                    run = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&src[run..]);
        (out, StrStop::Eof, bytes.len())
    }

    /// Decodes the escape at `at` (a backslash) into `out`; returns the offset
    /// after it.
    fn escape(&mut self, at: usize, out: &mut String) -> usize {
        let Some(c) = self.src[at + 1..].chars().next() else {
            return at + 1;
        };
        let simple = match c {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '0' => Some('\0'),
            '\\' => Some('\\'),
            '"' => Some('"'),
            '$' => Some('$'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            return at + 2;
        }
        if c == 'u' {
            return self.unicode_escape(at, out);
        }
        let end = at + 1 + c.len_utf8();
        self.errors.push(
            Diagnostic::error(
                self.file,
                format!("unknown escape sequence `\\{}`", c.escape_debug()),
                Span::new(at, end),
            )
            .with_label("unknown escape")
            .with_help(r#"valid escapes are \n \t \r \0 \\ \" \$ and \u{...}"#),
        );
        end
    }

    fn unicode_escape(&mut self, at: usize, out: &mut String) -> usize {
        let bytes = self.src.as_bytes();
        let bad = |lexer: &mut Self, end: usize, message: &str| {
            lexer.error(Span::new(at, end), message, "invalid unicode escape");
            end
        };
        if bytes.get(at + 2) != Some(&b'{') {
            return bad(self, at + 2, "expected `{` after `\\u`");
        }
        let digits_start = at + 3;
        let mut i = digits_start;
        while i < bytes.len() && bytes[i].is_ascii_hexdigit() && i - digits_start < 7 {
            i += 1;
        }
        if bytes.get(i) != Some(&b'}') {
            return bad(
                self,
                i,
                "unicode escape must be `\\u{` 1 to 6 hex digits `}`",
            );
        }
        let digits = &self.src[digits_start..i];
        if digits.is_empty() || digits.len() > 6 {
            return bad(self, i + 1, "unicode escape must have 1 to 6 hex digits");
        }
        let value = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
        match char::from_u32(value) {
            Some(ch) => {
                out.push(ch);
                i + 1
            }
            None => bad(
                self,
                i + 1,
                "unicode escape is not a Unicode scalar value (surrogate or above 10FFFF)",
            ),
        }
    }
}

/// Returns the offset after the nested block comment opening at `start`, or
/// `None` when it is never closed.
fn skip_block_comment(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Underscores may only stand between two digits.
fn underscores_ok(digits: &str) -> bool {
    !digits.starts_with('_') && !digits.ends_with('_') && !digits.contains("__")
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Spanned<'a>;

    fn next(&mut self) -> Option<Spanned<'a>> {
        self.fill();
        self.queue.pop_front().map(Ok)
    }
}

/// Lexes a whole file into tokens plus diagnostics; for tests and tools.
///
/// ```
/// use cairn_compiler::lexer::{tokenize, Tok};
/// let (toks, errors) = tokenize("x = 1\n", 0);
/// assert!(errors.is_empty());
/// assert_eq!(toks, vec![Tok::Ident("x"), Tok::Assign, Tok::Int(1), Tok::Newline]);
/// ```
pub fn tokenize(src: &str, file: FileId) -> (Vec<Tok<'_>>, Vec<Diagnostic>) {
    let mut lexer = Lexer::new(src, file);
    let toks = lexer
        .by_ref()
        .map(|t| t.map(|(_, t, _)| t))
        .collect::<Result<_, _>>();
    let toks = match toks {
        Ok(t) => t,
        Err(e) => match e {},
    };
    (toks, lexer.errors)
}

/// How `unexpected character` shows a character (§2.2): quotes and the
/// backslash as themselves, invisible characters escaped (`\u{a0}`).
fn shown_char(ch: char) -> String {
    match ch {
        '\'' | '"' | '\\' => ch.to_string(),
        _ => ch.escape_debug().to_string(),
    }
}

#[cfg(test)]
mod tests;
