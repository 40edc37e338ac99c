//! The reference tables of `spec/bytecode.md`, rendered from the opcode
//! table and the prelude table. A test compares them with the spec's text,
//! so the spec cannot drift from the code.

use std::fmt::Write as _;

use super::{Effect, Op, OperandKind, BUILTINS, OPS};

/// The instruction table of `spec/bytecode.md`: one Markdown row per opcode,
/// in byte order, giving its mnemonic, byte, operands, stack effect, meaning
/// and the errors it may raise. Every line ends with a newline.
///
/// ```
/// let table = cairn_vm::isa::markdown_table();
/// assert!(table.lines().any(|row| row.starts_with("| `ADD` | 0x30 |")));
/// ```
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| mnemonic | byte | operands | stack | meaning | errors |\n\
         |---|---|---|---|---|---|\n",
    );
    for &op in OPS {
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "| `{}` | {:#04x} | {} | {} | {} | {} |",
            op.mnemonic(),
            op as u8,
            operands(op),
            cell(&effect(op.effect())),
            cell(op.doc()),
            cell(op.errors()),
        );
    }
    out
}

/// The prelude table of `spec/bytecode.md`: index and name of every
/// [`BUILTINS`] entry. Every line ends with a newline.
pub fn markdown_builtins() -> String {
    let mut out = String::from("| index | name |\n|---|---|\n");
    for (index, name) in BUILTINS.iter().enumerate() {
        let _ = writeln!(out, "| {index} | `{name}` |");
    }
    out
}

/// `local:u16, target:u32`, or `none`.
fn operands(op: Op) -> String {
    let kinds: Vec<String> = op
        .operands()
        .iter()
        .map(|&k| format!("{}:{}", k.name(), width_type(k)))
        .collect();
    if kinds.is_empty() {
        "none".to_owned()
    } else {
        kinds.join(", ")
    }
}

fn width_type(kind: OperandKind) -> &'static str {
    match (kind, kind.width()) {
        (OperandKind::Imm, _) => "i16",
        (_, 1) => "u8",
        (_, 2) => "u16",
        _ => "u32",
    }
}

fn effect(effect: Effect) -> String {
    match effect {
        Effect::Fixed { pop, push } => pop_push(pop, push),
        Effect::Call => "pop 1 + argc, push 1".to_owned(),
        Effect::PopN => "pop count, push 1".to_owned(),
        Effect::PopPairs => "pop 2 × count, push 1".to_owned(),
        Effect::Branch { fall, taken } => format!(
            "{}; taken: {}",
            pop_push(fall.0, fall.1),
            pop_push(taken.0, taken.1)
        ),
    }
}

fn pop_push(pop: u16, push: u16) -> String {
    match (pop, push) {
        (0, 0) => "none".to_owned(),
        (0, n) => format!("push {n}"),
        (n, 0) => format!("pop {n}"),
        (p, q) => format!("pop {p}, push {q}"),
    }
}

/// Escapes what would end a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
