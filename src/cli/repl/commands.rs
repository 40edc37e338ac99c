//! Handling one entry: a `:command`, or Cairn code for the evaluator.

use std::path::Path;

use super::super::out::{errln, outln};
use super::eval::{Evaluator, Outcome, SOURCE};

/// The commands, with their argument and what they do (for `:help` and
/// completion).
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (":help", "", "show this help"),
    (":quit", "", "leave the REPL (so does Ctrl-D)"),
    (":load", "FILE", "run a source file into the session"),
    (":reset", "", "forget every name: start a fresh session"),
    (
        ":disasm",
        "NAME",
        "show the bytecode of a function, or of a class's methods",
    ),
    (":time", "EXPR", "evaluate EXPR and show how long it took"),
    (":type", "EXPR", "show the class of EXPR's value"),
    (":vars", "", "list the names defined in this session"),
];

/// What to do after an entry.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Leave the REPL with this exit status.
    Quit(u8),
}

/// Runs one complete entry.
pub fn handle(eval: &mut Evaluator, entry: &str) -> Flow {
    let trimmed = entry.trim();
    if trimmed.is_empty() {
        return Flow::Continue;
    }
    if !trimmed.starts_with(':') {
        return flow(eval.eval(SOURCE, entry, None));
    }
    let (command, arg) = match trimmed.split_once(char::is_whitespace) {
        Some((c, a)) => (c, a.trim()),
        None => (trimmed, ""),
    };
    let Some((name, needs)) = find(command) else {
        errln!("error: unknown command `{command}`; `:help` lists the commands");
        return Flow::Continue;
    };
    if needs.is_empty() != arg.is_empty() {
        if needs.is_empty() {
            errln!("error: `{name}` takes no argument");
        } else {
            errln!("error: usage: {name} {needs}");
        }
        return Flow::Continue;
    }
    match name {
        ":help" => help(),
        ":quit" => return Flow::Quit(0),
        ":load" => return flow(load(eval, arg)),
        ":reset" => {
            if let Err(e) = eval.reset() {
                errln!("error: {e}");
            }
        }
        ":disasm" => return flow(eval.disasm(arg)),
        ":time" => return flow(eval.time(arg)),
        ":type" => return flow(eval.type_of(arg)),
        _ => return flow(eval.vars()),
    }
    Flow::Continue
}

/// The command `command` names: exactly, or as the prefix of just one
/// (`:q`, `:ty`).
fn find(command: &str) -> Option<(&'static str, &'static str)> {
    if let Some(&(name, needs, _)) = COMMANDS.iter().find(|c| c.0 == command) {
        return Some((name, needs));
    }
    let mut matching = COMMANDS
        .iter()
        .filter(|c| command.len() > 1 && c.0.starts_with(command));
    match (matching.next(), matching.next()) {
        (Some(&(name, needs, _)), None) => Some((name, needs)),
        _ => None,
    }
}

fn flow(outcome: Outcome) -> Flow {
    match outcome {
        Outcome::Continue => Flow::Continue,
        Outcome::Exit(code) => Flow::Quit(code),
    }
}

fn load(eval: &mut Evaluator, file: &str) -> Outcome {
    let path = Path::new(file);
    let text = match cairn_compiler::frontend::read_source(path) {
        Ok(text) => text,
        Err(e) => {
            errln!("error: {e}");
            return Outcome::Continue;
        }
    };
    let dir = path
        .parent()
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .and_then(|d| std::fs::canonicalize(d).ok());
    eval.eval(&path.display().to_string(), &text, dir)
}

fn help() {
    outln!("Enter Cairn statements and expressions; an expression's value is printed.");
    outln!("An unfinished entry (an open bracket or string, a trailing operator)");
    outln!("continues on the next line. Names defined stay defined; defining one");
    outln!("again replaces it. Ctrl-C interrupts running code; Ctrl-D leaves.");
    outln!();
    for (name, arg, what) in COMMANDS {
        let usage = format!("{name} {arg}");
        outln!("  {usage:<14} {what}");
    }
}
