//! The bytecode verifier: proves a decoded class file safe to link and run.
//!
//! It takes a [`ClassFile`] model, whatever it contains, and returns `Ok`
//! only when every rule of `spec/verifier.md` holds; otherwise the first
//! broken rule, as a [`VerifyError`]. It never panics. A verified file cannot
//! make the interpreter read or write outside its frame, its operand stack,
//! the constant pool or the code: every index an instruction or a table holds
//! is in range, every jump lands on an instruction, and the operand-stack
//! height before each reachable instruction is one fixed number between 0
//! and `max_stack`, whichever path reaches it.
//!
//! The work is split by job: `code` decodes each function's code once, into
//! a table of instructions that the later passes read instead of the bytes
//! (`ops` holds the per-opcode facts they need); `layout` checks everything
//! that points into code (jump targets, the handler, line and local-name
//! tables); `refs` checks every index into the constant pool and the
//! module's tables; `decls` checks module, class and function declarations;
//! `flow` computes stack heights. Each pass is linear in the size of what it
//! reads (the handler-range check adds a logarithmic factor per handler), so
//! verification is linear in the size of the file. The buffers a function's
//! passes need are kept from one function to the next.

mod code;
mod decls;
mod flow;
mod layout;
mod ops;
mod refs;
mod rules;

use std::fmt;

use crate::classfile::ClassFile;

pub use rules::VerifyRule;

/// Where in a class file a rule was broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The module's own tables: its name, imports, globals or `main`.
    Module,
    /// A function, by index in the function table, with its name.
    Function { index: usize, name: String },
    /// A class, by index in the class table, with its name.
    Class { index: usize, name: String },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Module => write!(f, "module"),
            Location::Function { name, .. } => write!(f, "fn {name}"),
            Location::Class { name, .. } => write!(f, "class {name}"),
        }
    }
}

/// A class file that failed verification: which rule, where.
///
/// Displays as `verify error: fn area (geometry.cairn) at pc 14: stack
/// underflow: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// The module's source name (its `source` constant), or `<unknown>` when
    /// that constant is itself invalid. A caller that loaded the file from a
    /// path may replace it with that path.
    pub module: String,
    /// The function, class or module table at fault.
    pub location: Location,
    /// The offset of the offending instruction, for rules about code.
    pub pc: Option<u32>,
    /// The rule broken, with the numbers that show how.
    pub rule: VerifyRule,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "verify error: {} ({})", self.location, self.module)?;
        if let Some(pc) = self.pc {
            write!(f, " at pc {pc}")?;
        }
        write!(f, ": {}", self.rule)
    }
}

impl std::error::Error for VerifyError {}

/// A broken rule and, for code, the pc where it broke; the caller adds the
/// location.
#[derive(Debug)]
struct Fault {
    pc: Option<u32>,
    rule: VerifyRule,
}

impl Fault {
    /// A fault at code offset `pc` (which fits a u32 once `code-size` holds).
    fn at(pc: usize, rule: VerifyRule) -> Fault {
        Fault {
            pc: u32::try_from(pc).ok(),
            rule,
        }
    }
}

impl From<VerifyRule> for Fault {
    fn from(rule: VerifyRule) -> Fault {
        Fault { pc: None, rule }
    }
}

/// Verifies a whole class file.
///
/// # Errors
/// Returns the first broken rule of `spec/verifier.md`, with the function,
/// class or module table at fault and, for code, the pc.
///
/// # Examples
/// ```
/// use cairn_vm::classfile::{ClassFile, Constant, Function, FunctionKind, MAJOR, MINOR};
/// use cairn_vm::isa::Op;
/// use cairn_vm::verify::{verify, VerifyRule};
///
/// let main = Function {
///     name: 0,
///     kind: FunctionKind::Module,
///     n_params: 0,
///     n_defaults: 0,
///     has_rest: false,
///     n_locals: 1,
///     max_stack: 1,
///     upvalues: vec![],
///     code: vec![Op::Nil as u8, Op::Return as u8],
///     handlers: vec![],
///     lines: vec![(0, 1)],
///     local_names: vec![],
/// };
/// let mut file = ClassFile {
///     major: MAJOR,
///     minor: MINOR,
///     name: 0,
///     source: 1,
///     constants: vec![Constant::Str("geometry".into()), Constant::Str("geometry.cairn".into())],
///     imports: vec![],
///     globals: vec![],
///     classes: vec![],
///     functions: vec![main],
///     main: 0,
/// };
/// assert_eq!(verify(&file), Ok(()));
///
/// file.functions[0].code = vec![Op::Add as u8, Op::Return as u8];
/// let err = verify(&file).unwrap_err();
/// assert_eq!(err.rule.name(), "stack-underflow");
/// assert_eq!(
///     err.to_string(),
///     "verify error: fn geometry (geometry.cairn) at pc 0: \
///      stack underflow: `ADD` pops 2 but the stack holds 0"
/// );
/// ```
pub fn verify(cf: &ClassFile) -> Result<(), VerifyError> {
    let module = cf.str_const(cf.source).unwrap_or("<unknown>");
    let fail = |location: Location, fault: Fault| VerifyError {
        module: module.to_owned(),
        location,
        pc: fault.pc,
        rule: fault.rule,
    };
    decls::module(cf).map_err(|f| fail(Location::Module, f))?;
    for (index, class) in cf.classes.iter().enumerate() {
        decls::class(cf, class).map_err(|f| fail(class_at(cf, index), f))?;
    }
    decls::cycles(cf).map_err(|(index, f)| fail(class_at(cf, index), f))?;
    decls::owners(cf).map_err(|(index, f)| fail(function_at(cf, index), f))?;
    let facts = refs::Facts::new(cf);
    let mut scratch = Scratch {
        code: code::Code::new(),
        flow: flow::Scratch::default(),
    };
    for index in 0..cf.functions.len() {
        function(cf, &facts, &mut scratch, index).map_err(|f| fail(function_at(cf, index), f))?;
    }
    Ok(())
}

/// The buffers one function's checks use, kept for the next.
struct Scratch {
    code: code::Code,
    flow: flow::Scratch,
}

/// Every rule about one function, header first, then code, then the stack.
fn function(
    cf: &ClassFile,
    facts: &refs::Facts,
    scratch: &mut Scratch,
    index: usize,
) -> Result<(), Fault> {
    let Some(func) = cf.functions.get(index) else {
        return Ok(());
    };
    decls::header(cf, facts, index, func)?;
    let code = &mut scratch.code;
    code.decode(&func.code)?;
    refs::operands(cf, facts, func, code)?;
    layout::targets(code)?;
    layout::tables(func, code)?;
    refs::tables(cf, facts, func)?;
    flow::check(func, code, &mut scratch.flow)
}

fn function_at(cf: &ClassFile, index: usize) -> Location {
    let name = cf.functions.get(index).and_then(|f| cf.str_const(f.name));
    Location::Function {
        index,
        name: name.map_or_else(|| format!("#{index}"), str::to_owned),
    }
}

fn class_at(cf: &ClassFile, index: usize) -> Location {
    let name = cf.classes.get(index).and_then(|c| cf.str_const(c.name));
    Location::Class {
        index,
        name: name.map_or_else(|| format!("#{index}"), str::to_owned),
    }
}
