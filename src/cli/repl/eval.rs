//! The REPL's evaluator: one VM and one compiler session, into which each
//! entry is compiled, linked and run. Every entry is linked into one
//! session module, so the names entries declare share one table of
//! globals (see `cairn_compiler::session`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cairn_compiler::ast::DeclKind;
use cairn_compiler::session::{Entry, Session};
use cairn_vm::classfile::ClassFile;
use cairn_vm::host::{Capabilities, OsHost};
use cairn_vm::interp::load::Finish;
use cairn_vm::interp::{Exc, Interrupt, Vm};
use cairn_vm::object::Object;
use cairn_vm::runtime::format::repr;
use cairn_vm::value::Value;
use cairn_vm::verify::verify;

use super::super::out::{err, errln, out, outln};

/// The name diagnostics and tracebacks give typed entries.
pub const SOURCE: &str = "<repl>";

/// What running an entry came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It ran (or failed, and that was reported): read the next entry.
    Continue,
    /// It called `os.exit(code)`: the session ends with that status.
    Exit(u8),
}

/// A value an entry gave, described, or why there is none.
enum Produced {
    Value(Value),
    Nothing,
    Exit(u8),
}

/// One linked entry: its class file, and where its functions start in the
/// VM's prototype table (for `:disasm`).
struct Linked {
    proto_base: usize,
    class_file: ClassFile,
}

pub struct Evaluator {
    vm: Vm,
    session: Session,
    module: usize,
    entries: Vec<Linked>,
    caps: Capabilities,
    /// Whether diagnostics are coloured.
    pub color: bool,
}

impl Evaluator {
    /// A fresh session whose programs may reach what `caps` grants.
    ///
    /// # Errors
    /// When the capabilities cannot be granted, as a message.
    pub fn new(caps: Capabilities, color: bool) -> Result<Evaluator, String> {
        let mut heap = cairn_vm::heap::HeapConfig::from_env();
        heap.max_heap = super::super::run::default_max_heap();
        let mut vm = Vm::with_heap(heap);
        vm.host
            .set_host(Box::new(OsHost::new()))
            .and_then(|()| vm.host.set_capabilities(caps.clone()))
            .map_err(|e| e.to_string())?;
        cairn_stdlib::install(&mut vm);
        vm.loader = Some(super::super::run::loader(Default::default()));
        let session = Session::new();
        let empty = session
            .compile(SOURCE, "")
            .map_err(|_| "cannot start a session".to_string())?;
        let module = vm.link(&empty.class_file, std::env::current_dir().ok(), true);
        Ok(Evaluator {
            vm,
            session,
            module,
            entries: Vec::new(),
            caps,
            color,
        })
    }

    /// Starts afresh: a new VM, no names defined.
    ///
    /// # Errors
    /// As [`Evaluator::new`].
    pub fn reset(&mut self) -> Result<(), String> {
        *self = Evaluator::new(self.caps.clone(), self.color)?;
        Ok(())
    }

    /// The handle that interrupts what this session runs.
    pub fn interrupt_handle(&self) -> Interrupt {
        self.vm.interrupt_handle()
    }

    /// Compiles, links and runs one entry, printing its value (when it is
    /// an expression whose value is not nil) or its error.
    pub fn eval(&mut self, source: &str, text: &str, dir: Option<PathBuf>) -> Outcome {
        match self.run(source, text, dir) {
            Some(Produced::Value(v)) => self.print_repr(v),
            Some(Produced::Exit(code)) => Outcome::Exit(code),
            Some(Produced::Nothing) | None => Outcome::Continue,
        }
    }

    /// `:time EXPR`: runs the entry and reports how long it took.
    pub fn time(&mut self, text: &str) -> Outcome {
        let start = Instant::now();
        let produced = self.run(SOURCE, text, None);
        let elapsed = start.elapsed();
        let outcome = match produced {
            Some(Produced::Value(v)) => self.print_repr(v),
            Some(Produced::Exit(code)) => return Outcome::Exit(code),
            Some(Produced::Nothing) | None => Outcome::Continue,
        };
        if produced_ran(&produced) {
            outln!("time: {}", format_duration(elapsed));
        }
        outcome
    }

    /// `:type EXPR`: the class of the value.
    pub fn type_of(&mut self, text: &str) -> Outcome {
        match self.run(SOURCE, text, None) {
            Some(Produced::Value(v)) => outln!("{}", self.vm.class_name_of(v)),
            Some(Produced::Nothing) => outln!("Nil"),
            Some(Produced::Exit(code)) => return Outcome::Exit(code),
            None => {}
        }
        Outcome::Continue
    }

    /// `:vars`: each name defined, as declared, with the value of each
    /// variable.
    pub fn vars(&mut self) -> Outcome {
        let names: Vec<(String, DeclKind)> = self
            .session
            .names()
            .map(|(n, k)| (n.to_string(), k))
            .collect();
        for (name, kind) in names {
            let line = match kind {
                DeclKind::Fn => format!("fn {name}"),
                DeclKind::Class => format!("class {name}"),
                DeclKind::Import => format!("import {name}"),
                _ => {
                    let word = if kind == DeclKind::Var { "var" } else { "let" };
                    let shown = self
                        .global(&name)
                        .map(|v| repr(&mut self.vm, v).unwrap_or_else(|_| "<error>".into()))
                        .unwrap_or_else(|| "nil".into());
                    format!("{word} {name} = {shown}")
                }
            };
            outln!("{line}");
        }
        Outcome::Continue
    }

    /// `:disasm NAME`: the bytecode of a function, or of each method of a
    /// class; `Class.method` names one method.
    pub fn disasm(&mut self, name: &str) -> Outcome {
        let (global, member) = match name.split_once('.') {
            Some((g, m)) => (g, Some(m)),
            None => (name, None),
        };
        let Some(value) = self.global(global) else {
            errln!("error: `{global}` is not defined");
            return Outcome::Continue;
        };
        let protos = self.protos_of(value, member);
        if protos.is_empty() {
            errln!("error: `{name}` is not a function or class defined in this session");
            return Outcome::Continue;
        }
        let listings: Vec<String> = protos.iter().filter_map(|&p| self.listing(p)).collect();
        out!("{}", listings.join("\n"));
        Outcome::Continue
    }

    /// The names in scope, for completion: the session's, then the
    /// prelude's.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.session.names().map(|(n, _)| n.to_string()).collect();
        names.extend(
            cairn_compiler::resolve::PRELUDE
                .iter()
                .map(|s| s.to_string()),
        );
        names
    }

    /// For each global whose value is known, the names after `NAME.`:
    /// module members, methods and fields of an instance's class, static
    /// members of a class.
    pub fn members(&self) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for (name, _) in self.session.names() {
            if let Some(v) = self.global(name) {
                let mut members = super::members::of(&self.vm, v);
                members.sort();
                members.dedup();
                out.push((name.to_string(), members));
            }
        }
        out
    }

    /// The current value of a session name.
    fn global(&self, name: &str) -> Option<Value> {
        if self.session.names().all(|(n, _)| n != name) {
            return None;
        }
        let sym = self.vm.symbols.lookup(name)?;
        let m = &self.vm.modules[self.module];
        let slot = m.global_names.iter().position(|s| *s == sym)?;
        m.globals.get(slot).copied()
    }

    /// Compiles, verifies, links and runs an entry; reports any failure.
    /// `None` when it did not run to the end.
    fn run(&mut self, source: &str, text: &str, dir: Option<PathBuf>) -> Option<Produced> {
        let entry = match self.session.compile(source, text) {
            Ok(entry) => entry,
            Err(checked) => {
                err!("{}", checked.render(self.color));
                return None;
            }
        };
        if let Err(e) = verify(&entry.class_file) {
            errln!("internal error: the compiler produced an invalid class file: {e}");
            return None;
        }
        let proto_base = self.vm.protos.len();
        if let Err(e) = self.vm.link_entry(&entry.class_file, self.module, dir) {
            errln!("error: {e}");
            return None;
        }
        self.vm.interrupt_handle().clear();
        let result = self.vm.run_module_value(self.module);
        self.commit(&entry, matches!(result, Ok((Finish::Completed, _))));
        self.entries.push(Linked {
            proto_base,
            class_file: entry.class_file,
        });
        match result {
            Ok((Finish::Completed, v)) if entry.is_expression => Some(Produced::Value(v)),
            Ok((Finish::Completed, _)) => Some(Produced::Nothing),
            Ok((Finish::Exit(code), _)) => Some(Produced::Exit(code)),
            Ok((Finish::Interrupted, _)) => {
                report_interrupted();
                None
            }
            Ok((Finish::OutOfFuel, _)) => {
                report_out_of_fuel();
                None
            }
            Err(uncaught) => {
                errln!("{uncaught}");
                None
            }
        }
    }

    /// Records the entry's names: all of them when it completed; after a
    /// failure, only those it had defined (a new name still nil was never
    /// reached).
    fn commit(&mut self, entry: &Entry, completed: bool) {
        let m = &self.vm.modules[self.module];
        let cf = &entry.class_file;
        let defined = |name: &str| {
            completed
                || cf
                    .globals
                    .iter()
                    .position(|g| cf.str_const(*g) == Some(name))
                    .and_then(|slot| m.globals.get(slot))
                    .is_some_and(|v| *v != Value::Nil)
        };
        self.session.commit(entry, defined);
    }

    fn print_repr(&mut self, v: Value) -> Outcome {
        if v == Value::Nil {
            return Outcome::Continue;
        }
        match repr(&mut self.vm, v) {
            Ok(text) => outln!("{text}"),
            Err(Exc::Error(e)) => {
                let u = self.vm.uncaught(e);
                errln!("{u}");
            }
            Err(Exc::Exit(code)) => return Outcome::Exit(code),
            Err(Exc::Interrupt) => report_interrupted(),
            Err(Exc::OutOfFuel) => report_out_of_fuel(),
            Err(Exc::Yield(_)) => {
                errln!("error: ValueError: Fiber.yield called outside a fiber")
            }
        }
        self.vm.flush_stdout();
        Outcome::Continue
    }

    /// Prototypes to list for `:disasm`: a function's own, or a class's
    /// methods (all, or the one named `member`).
    fn protos_of(&self, value: Value, member: Option<&str>) -> Vec<u32> {
        let Value::Obj(r) = value else {
            return Vec::new();
        };
        match (self.vm.heap.get(r), member) {
            (Object::Closure(c), None) => vec![c.proto],
            (Object::Class(class), _) => {
                let mut methods: Vec<(&str, u32)> = class
                    .methods
                    .iter()
                    .chain(class.static_methods.iter())
                    .filter_map(|(sym, v)| {
                        let Value::Obj(m) = v else { return None };
                        let Object::Closure(c) = self.vm.heap.get(*m) else {
                            return None;
                        };
                        Some((self.vm.symbols.name(*sym), c.proto))
                    })
                    .filter(|(name, _)| member.is_none_or(|m| m == *name))
                    .collect();
                methods.sort_by_key(|&(_, p)| p);
                methods.dedup_by_key(|&mut (_, p)| p);
                methods.into_iter().map(|(_, p)| p).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The bytecode of prototype `proto`, from the entry that defined it.
    fn listing(&self, proto: u32) -> Option<String> {
        let proto = proto as usize;
        let linked = self.entries.iter().rev().find(|e| e.proto_base <= proto)?;
        cairn_vm::asm::disassemble_function(&linked.class_file, proto - linked.proto_base)
    }
}

fn produced_ran(p: &Option<Produced>) -> bool {
    matches!(p, Some(Produced::Value(_) | Produced::Nothing))
}

fn report_interrupted() {
    errln!("interrupted");
}

/// The session sets no budget, but a VM can run out of fuel whenever one
/// is set, so the outcome is reported rather than assumed away.
fn report_out_of_fuel() {
    errln!("error: out of fuel");
}

/// A duration in the unit that suits it: `812 ns`, `3.406 ms`, `1.250 s`.
pub fn format_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos < 1_000 {
        format!("{nanos} ns")
    } else if nanos < 1_000_000 {
        format!("{:.3} µs", nanos as f64 / 1e3)
    } else if nanos < 1_000_000_000 {
        format!("{:.3} ms", nanos as f64 / 1e6)
    } else {
        format!("{:.3} s", d.as_secs_f64())
    }
}
