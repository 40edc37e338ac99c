//! `cairn repl` (and `cairn` alone on a terminal): the interactive session.
//!
//! On a terminal, entries are read with line editing, completion,
//! highlighting and a history file; an unfinished entry continues after a
//! `... ` prompt. Otherwise entries are read from standard input without
//! prompts or colours, so a session can be scripted. Either way each entry
//! is handled by [`commands::handle`], and the session's state survives
//! errors and interrupts.

mod commands;
mod editor;
mod eval;
mod members;

use std::io::{BufRead, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use cairn_compiler::session::is_incomplete;
use cairn_vm::host::Capabilities;
use cairn_vm::interp::Interrupt;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};
use signal_hook::consts::SIGINT;

use commands::{handle, Flow};
use editor::{history_path, ReplHelper};
use eval::Evaluator;

use super::out::{self, errln, outln};
use super::status;

const PROMPT: &str = ">>> ";
const CONTINUE: &str = "... ";

/// Runs a session; gives the exit status.
pub fn run(caps: Capabilities) -> u8 {
    let interactive = std::io::stdin().is_terminal();
    let color = interactive && super::stderr_color();
    let mut eval = match Evaluator::new(caps, color) {
        Ok(e) => e,
        Err(e) => {
            errln!("error: {e}");
            return status::USAGE;
        }
    };
    let sigint = match Sigint::install(!interactive) {
        Ok(s) => s,
        Err(e) => {
            errln!("error: cannot handle Ctrl-C: {e}");
            return status::SOFTWARE;
        }
    };
    if interactive {
        interactive_loop(&mut eval, &sigint)
    } else {
        piped_loop(&mut eval, &sigint)
    }
}

/// Runs an entry with Ctrl-C directed at the session's VM. When what it
/// printed could not be written (the reader of a pipe has gone), the
/// session ends as at the end of its input.
fn run_entry(eval: &mut Evaluator, sigint: &Sigint, entry: &str) -> Flow {
    sigint.arm(eval.interrupt_handle());
    let flow = handle(eval, entry);
    sigint.disarm();
    match flow {
        Flow::Continue if out::failed() => Flow::Quit(status::OK),
        flow => flow,
    }
}

/// Entries from a non-terminal standard input: each complete one runs as
/// soon as it has been read.
fn piped_loop(eval: &mut Evaluator, sigint: &Sigint) -> u8 {
    let mut entry = String::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        entry.push_str(&line);
        entry.push('\n');
        if !entry.trim_start().starts_with(':') && is_incomplete(&entry) {
            continue;
        }
        if let Flow::Quit(code) = run_entry(eval, sigint, &entry) {
            return code;
        }
        entry.clear();
    }
    match run_entry(eval, sigint, &entry) {
        Flow::Quit(code) => code,
        Flow::Continue => status::OK,
    }
}

fn interactive_loop(eval: &mut Evaluator, sigint: &Sigint) -> u8 {
    let config = Config::builder().auto_add_history(false).build();
    let mut editor: Editor<ReplHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            errln!("error: cannot start the line editor: {e}");
            return status::SOFTWARE;
        }
    };
    let history = history_path();
    if let Some(path) = &history {
        // A first session has no history yet.
        let _ = editor.load_history(path);
    }
    outln!(
        "Cairn {} (:help for help, Ctrl-D to leave)",
        env!("CARGO_PKG_VERSION")
    );
    if out::failed() {
        return status::OK;
    }
    loop {
        editor.set_helper(Some(ReplHelper {
            names: eval.names(),
            members: eval.members().into_iter().collect(),
            color: eval.color,
        }));
        let entry = match read_entry(&mut editor) {
            Ok(Some(entry)) => entry,
            Ok(None) => continue,
            Err(()) => return status::OK,
        };
        if entry.trim().is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(entry.as_str());
        if let Some(path) = &history {
            save_history(&mut editor, path);
        }
        if let Flow::Quit(code) = run_entry(eval, sigint, &entry) {
            return code;
        }
    }
}

/// Reads one entry, over as many lines as it needs. `Ok(None)` when Ctrl-C
/// abandoned it; `Err` at the end of input (Ctrl-D).
fn read_entry(editor: &mut Editor<ReplHelper, DefaultHistory>) -> Result<Option<String>, ()> {
    let mut entry = String::new();
    let mut prompt = PROMPT;
    loop {
        match editor.readline(prompt) {
            Ok(line) => {
                if !entry.is_empty() {
                    entry.push('\n');
                }
                entry.push_str(&line);
                if entry.trim_start().starts_with(':') || !is_incomplete(&entry) {
                    return Ok(Some(entry));
                }
                prompt = CONTINUE;
            }
            Err(ReadlineError::Interrupted) => return Ok(None),
            Err(ReadlineError::Eof) => return Err(()),
            // The terminal's output has gone: leave quietly, as at Ctrl-D.
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                return Err(())
            }
            Err(e) => {
                errln!("error: {e}");
                return Err(());
            }
        }
    }
}

fn save_history(editor: &mut Editor<ReplHelper, DefaultHistory>, path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = editor.save_history(path) {
        errln!("warning: cannot save history to {}: {e}", path.display());
    }
}

/// Ctrl-C handling. A thread waits for SIGINT and triggers the interrupt
/// handle of the VM whose code is running. While no code runs, SIGINT has
/// its default effect when input is piped (it ends the process); on a
/// terminal the line editor reads Ctrl-C as a key, and a stray SIGINT is
/// dropped.
struct Sigint {
    target: Arc<Mutex<Option<Interrupt>>>,
    /// While set, SIGINT ends the process as if unhandled.
    default_action: Arc<AtomicBool>,
    piped: bool,
}

impl Sigint {
    fn install(piped: bool) -> std::io::Result<Sigint> {
        let target: Arc<Mutex<Option<Interrupt>>> = Arc::default();
        let default_action = Arc::new(AtomicBool::new(piped));
        signal_hook::flag::register_conditional_default(SIGINT, default_action.clone())?;
        let mut signals = signal_hook::iterator::Signals::new([SIGINT])?;
        let watched = target.clone();
        std::thread::spawn(move || {
            for _ in signals.forever() {
                if let Ok(target) = watched.lock() {
                    if let Some(handle) = target.as_ref() {
                        handle.trigger();
                    }
                }
            }
        });
        Ok(Sigint {
            target,
            default_action,
            piped,
        })
    }

    /// From now on, Ctrl-C interrupts the code `handle` stops.
    fn arm(&self, handle: Interrupt) {
        if let Ok(mut target) = self.target.lock() {
            *target = Some(handle);
        }
        self.default_action.store(false, Ordering::SeqCst);
    }

    /// No code is running any more.
    fn disarm(&self) {
        self.default_action.store(self.piped, Ordering::SeqCst);
        if let Ok(mut target) = self.target.lock() {
            *target = None;
        }
    }
}
