//! The vocabulary the disassembler writes and the assembler reads, kept in
//! one place so the two cannot drift apart: keyword names for enum values,
//! string quoting, float spelling and label names.

use crate::classfile::FunctionKind;

/// Function kinds and their keywords, as `.function N KIND` spells them.
pub(super) const FUNCTION_KINDS: [(FunctionKind, &str); 6] = [
    (FunctionKind::Module, "module"),
    (FunctionKind::Function, "function"),
    (FunctionKind::Method, "method"),
    (FunctionKind::Static, "static"),
    (FunctionKind::Initializer, "initializer"),
    (FunctionKind::FieldInit, "field_init"),
];

pub(super) fn kind_name(kind: FunctionKind) -> &'static str {
    FUNCTION_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("function", |(_, name)| name)
}

pub(super) fn kind_from_name(name: &str) -> Option<FunctionKind> {
    FUNCTION_KINDS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(k, _)| *k)
}

/// A string literal: double quotes, Rust-style escapes for quotes,
/// backslashes, control and other non-printing characters. Never contains
/// a line break, so it can sit in a comment.
pub(super) fn quote(s: &str) -> String {
    format!("\"{}\"", s.escape_debug())
}

/// A name for a comment: bare when it is plain text, quoted otherwise.
pub(super) fn bare(s: &str) -> String {
    let plain = !s.is_empty() && s.chars().all(|c| !c.is_control() && !c.is_whitespace());
    if plain {
        s.to_owned()
    } else {
        quote(s)
    }
}

/// How `.const N float ...` spells a value so that it reads back with the
/// same bits: the shortest decimal that round-trips (`1.5`, `-0.0`, `1e300`,
/// `inf`), `nan` for the canonical NaN, and `bits 0x...` for any other NaN.
pub(super) fn float_text(v: f64) -> String {
    if !v.is_nan() {
        format!("{v:?}")
    } else if v.to_bits() == f64::NAN.to_bits() {
        "nan".to_owned()
    } else {
        format!("bits {:#018x}", v.to_bits())
    }
}

/// The name the disassembler gives the label at `pc`.
pub(super) fn label(pc: usize) -> String {
    format!("L{pc}")
}

/// Whether `s` may name a label: a letter or `_`, then letters, digits and
/// `_`.
pub(super) fn is_label(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
