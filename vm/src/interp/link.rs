//! Linking: a verified class file becomes a [`Module`] of translated
//! [`Proto`]s. Translation decodes each instruction once into an [`Instr`],
//! turns byte offsets into instruction indexes, interns names, and gives
//! every by-name lookup site its own inline-cache slot.

use crate::classfile::{self, ClassFile, Constant, FunctionKind, ImportKind, Superclass};
use crate::isa::{read_operand, Op};
use crate::symbol::{Sym, Symbols};
use crate::value::{ObjRef, Value};

use super::fiber::CodeRef;
use super::instr::Instr;

/// A translated function.
#[derive(Debug)]
pub struct Proto {
    pub name: Box<str>,
    /// How tracebacks name it (`Point.norm`, `main`, `<module geo>`).
    pub display: String,
    /// The source file tracebacks name: its class file's.
    pub source: std::sync::Arc<str>,
    pub module: u32,
    pub kind: FunctionKind,
    pub n_params: u8,
    pub n_defaults: u8,
    pub has_rest: bool,
    pub n_locals: u16,
    pub max_stack: u16,
    pub upvalues: Vec<classfile::Upvalue>,
    pub code: Vec<Instr>,
    /// Handlers in instruction indexes: start, end, target, depth.
    pub handlers: Vec<(u32, u32, u32, u16)>,
    /// The source line of each instruction.
    pub lines: Vec<u32>,
    pub n_caches: u32,
    /// Its `CALL` instructions, each with an entry in `Vm::call_sites`.
    pub n_call_sites: u32,
    /// The field an accessor method returns: a method of no parameters
    /// whose whole body is `return this.name`. An `INVOKE` whose receiver
    /// has that field reads it in place of the call (see
    /// [`Entry::getter`](super::cache::Entry::getter)).
    pub getter: Option<Sym>,
}

/// What the dispatch loop's call and return need of a prototype, in 32
/// bytes (a [`Proto`] is a few cache lines): one load checks a call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallInfo {
    /// `n_params`, or `u32::MAX` with a rest parameter: the one argument
    /// count the fast call takes.
    pub fast_argc: u32,
    /// Slots the frame's locals take: `n_locals`, and at least the callee
    /// and its arguments.
    pub frame: u32,
    /// `frame` plus `max_stack`: the stack the call must have room for.
    pub need: u32,
    pub module: u32,
    /// The prototype's code, for the frame the call pushes.
    pub code: CodeRef,
}

impl CallInfo {
    /// Facts no call matches (no argument count equals `fast_argc`).
    pub const NONE: CallInfo = CallInfo {
        fast_argc: u32::MAX,
        frame: 0,
        need: 0,
        module: 0,
        code: CodeRef::EMPTY,
    };

    pub fn of(p: &Proto, code: CodeRef) -> CallInfo {
        let frame = u32::from(p.n_locals).max(1 + u32::from(p.n_params));
        CallInfo {
            fast_argc: if p.has_rest {
                u32::MAX
            } else {
                u32::from(p.n_params)
            },
            frame,
            need: frame + u32::from(p.max_stack),
            module: p.module,
            code,
        }
    }
}

impl Proto {
    /// The fewest arguments a call must pass.
    pub fn min_args(&self) -> usize {
        usize::from(self.n_params) - usize::from(self.n_defaults) - usize::from(self.has_rest)
    }

    /// The most arguments a call may pass, if bounded.
    pub fn max_args(&self) -> Option<usize> {
        (!self.has_rest).then_some(usize::from(self.n_params))
    }
}

/// A class declaration with its names interned.
#[derive(Debug)]
pub struct ClassDesc {
    pub name: Box<str>,
    pub superclass: Superclass,
    pub fields: Vec<Sym>,
    pub static_fields: Vec<Sym>,
    pub methods: Vec<(Sym, u32, bool)>,
    pub field_init: Option<u32>,
}

/// How far a module's top-level code has run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleState {
    NotRun,
    Running,
    Done,
}

#[derive(Debug)]
pub struct Import {
    pub kind: ImportKind,
    pub spec: Box<str>,
    /// Filled on first execution of the `IMPORT`.
    pub resolved: Option<ObjRef>,
    /// The directory a relative path is resolved against, when it is not
    /// the module's own (an entry linked into a session module from
    /// another directory).
    pub dir: Option<std::path::PathBuf>,
}

/// Where a class file's tables start in the module it is linked into: all
/// zero for a module of its own; the module's table lengths for a session
/// entry ([`Vm::link_entry`](super::Vm::link_entry)). Translation adds
/// them to the operands that index those tables.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reloc {
    pub constants: u16,
    pub functions: u32,
    pub classes: u16,
    pub imports: u16,
}

/// Where a function's lookup sites and call sites start in the VM-wide
/// tables (`Vm::caches`, `Vm::call_sites`): [`translate`] numbers them on.
#[derive(Clone, Copy, Debug)]
pub struct FirstSites {
    pub cache: u32,
    pub call: u32,
}

/// A linked module.
#[derive(Debug)]
pub struct Module {
    pub name: Box<str>,
    pub source: Box<str>,
    /// Directory relative imports are resolved against.
    pub dir: Option<std::path::PathBuf>,
    pub constants: Vec<Value>,
    pub globals: Vec<Value>,
    pub global_names: Vec<Sym>,
    /// Whether each global is a module member (§9.1): false for the names
    /// that imports bind.
    pub exported: Vec<bool>,
    pub classes: Vec<ClassDesc>,
    pub imports: Vec<Import>,
    /// Prototype index of function `i` of the class file.
    pub protos: Vec<u32>,
    pub main: u32,
    pub state: ModuleState,
    pub object: Option<ObjRef>,
    pub is_main: bool,
}

/// Translates one function's code.
pub fn translate(
    f: &classfile::Function,
    cf: &ClassFile,
    symbols: &mut Symbols,
    module: u32,
    display: String,
    reloc: Reloc,
    first: FirstSites,
) -> Proto {
    let FirstSites {
        cache: first_cache,
        call: first_call_site,
    } = first;
    let code = &f.code;
    // Instruction index at each instruction start; u32::MAX elsewhere.
    let mut index_of = vec![u32::MAX; code.len() + 1];
    let mut starts = Vec::new();
    let mut pc = 0;
    while pc < code.len() {
        let Some(op) = Op::from_byte(code[pc]) else {
            break;
        };
        index_of[pc] = starts.len() as u32;
        starts.push(pc);
        pc += op.len();
    }
    index_of[code.len().min(pc)] = starts.len() as u32;
    let target = |t: u32| index_of.get(t as usize).copied().unwrap_or(0);
    // Sites are numbered VM-wide, from `first_cache`: the loop finds a
    // site with one index into one table.
    let mut caches = 0;
    let mut cache = || {
        caches += 1;
        first_cache + caches - 1
    };
    // Call sites likewise, from `first_call_site`.
    let mut call_sites = 0;
    let mut call_site = || {
        call_sites += 1;
        first_call_site + call_sites - 1
    };
    let mut out = Vec::with_capacity(starts.len());
    for &pc in &starts {
        let op = Op::from_byte(code[pc]).unwrap_or(Op::Nop);
        let mut at = pc + 1;
        let mut ops = [0u32; 2];
        for (i, &kind) in op.operands().iter().enumerate() {
            ops[i] = read_operand(code, at, kind).unwrap_or(0);
            at += kind.width();
        }
        let [a, b] = ops;
        let name = |symbols: &mut Symbols, k: u32| match cf.constants.get(k as usize) {
            Some(Constant::Str(s)) => symbols.intern(s),
            _ => symbols.intern("?"),
        };
        let u = |v: u32| v as u16;
        out.push(match op {
            Op::Nop => Instr::Nop,
            Op::Const => Instr::Const(u(a) + reloc.constants),
            Op::Int => Instr::Int(i64::from(a as u16 as i16)),
            Op::Nil => Instr::Nil,
            Op::True => Instr::True,
            Op::False => Instr::False,
            Op::Pop => Instr::Pop,
            Op::Dup => Instr::Dup,
            Op::Dup2 => Instr::Dup2,
            Op::Swap => Instr::Swap,
            Op::LoadLocal => Instr::LoadLocal(u(a)),
            Op::StoreLocal => Instr::StoreLocal(u(a)),
            Op::LoadUpval => match f.upvalues.get(a as usize) {
                Some(up) if up.is_value() => Instr::LoadUpvalValue(u(a)),
                _ => Instr::LoadUpval(u(a)),
            },
            Op::StoreUpval => Instr::StoreUpval(u(a)),
            Op::LoadGlobal => Instr::LoadGlobal(u(a)),
            Op::StoreGlobal => Instr::StoreGlobal(u(a)),
            Op::LoadBuiltin => Instr::LoadBuiltin(u(a)),
            Op::NewCell => Instr::NewCell(u(a)),
            Op::LoadCell => Instr::LoadCell(u(a)),
            Op::StoreCell => Instr::StoreCell(u(a)),
            Op::Import => Instr::Import(u(a) + reloc.imports),
            Op::GetField => Instr::GetField(name(symbols, a), cache()),
            Op::SetField => Instr::SetField(name(symbols, a), cache()),
            Op::GetIndex => Instr::GetIndex,
            Op::SetIndex => Instr::SetIndex,
            Op::GetSuper => Instr::GetSuper(name(symbols, a)),
            Op::Add => Instr::Add,
            Op::Sub => Instr::Sub,
            Op::Mul => Instr::Mul,
            Op::Div => Instr::Div,
            Op::Mod => Instr::Mod,
            Op::Pow => Instr::Pow,
            Op::BitAnd => Instr::BitAnd,
            Op::BitOr => Instr::BitOr,
            Op::BitXor => Instr::BitXor,
            Op::Shl => Instr::Shl,
            Op::Shr => Instr::Shr,
            Op::Neg => Instr::Neg,
            Op::BitNot => Instr::BitNot,
            Op::Not => Instr::Not,
            Op::Eq => Instr::Eq,
            Op::Ne => Instr::Ne,
            Op::Lt => Instr::Lt,
            Op::Le => Instr::Le,
            Op::Gt => Instr::Gt,
            Op::Ge => Instr::Ge,
            Op::Is => Instr::Is,
            Op::Range => Instr::Range,
            Op::RangeIncl => Instr::RangeIncl,
            Op::Jump => Instr::Jump(target(a)),
            Op::JumpIfFalse => Instr::JumpIfFalse(target(a)),
            Op::JumpIfTrue => Instr::JumpIfTrue(target(a)),
            Op::AndJump => Instr::AndJump(target(a)),
            Op::OrJump => Instr::OrJump(target(a)),
            Op::JumpIfArg => Instr::JumpIfArg(u(a), target(b)),
            Op::Iter => Instr::Iter,
            Op::ForNext => Instr::ForNext(u(a), target(b)),
            Op::ForNext2 => Instr::ForNext2(u(a), target(b)),
            Op::Call => Instr::Call(a as u8, call_site()),
            Op::Invoke => Instr::Invoke(name(symbols, a), b as u8, cache()),
            Op::SuperInvoke => Instr::SuperInvoke(name(symbols, a), b as u8),
            Op::Return => Instr::Return,
            Op::Throw => Instr::Throw,
            Op::Closure => Instr::Closure(a + reloc.functions),
            Op::Class => Instr::Class(u(a) + reloc.classes, u(b)),
            Op::List => Instr::List(u(a)),
            Op::Map => Instr::Map(u(a)),
            Op::Str => Instr::Str(u(a)),
        });
    }
    let getter = match out.as_slice() {
        [Instr::LoadLocal(0), Instr::GetField(name, _), Instr::Return]
            if f.kind == FunctionKind::Method
                && f.n_params == 0
                && !f.has_rest
                && f.handlers.is_empty() =>
        {
            Some(*name)
        }
        _ => None,
    };
    let mut lines = line_per_instruction(f, &starts);
    let mut handlers: Vec<(u32, u32, u32, u16)> = f
        .handlers
        .iter()
        .map(|h| (target(h.start), target(h.end), target(h.handler), h.depth))
        .collect();
    for &(_, _, handler, _) in &handlers {
        mark_catch_filters(&mut out, handler as usize);
    }
    route_backward_branches(&mut out, &mut lines, &mut handlers);
    Proto {
        name: cf.str_const(f.name).unwrap_or("?").into(),
        display,
        source: cf.str_const(cf.source).unwrap_or("?").into(),
        module,
        kind: f.kind,
        n_params: f.n_params,
        n_defaults: f.n_defaults,
        has_rest: f.has_rest,
        n_locals: f.n_locals,
        max_stack: f.max_stack,
        upvalues: f.upvalues.clone(),
        code: out,
        handlers,
        lines,
        n_caches: caches,
        n_call_sites: call_sites,
        getter,
    }
}

/// Makes every backward conditional transfer a safepoint at no cost to
/// forward ones: a conditional jump or loop exit whose target is at or
/// before it is pointed instead at a `JUMP` to that target appended after
/// the code, and a backward `JUMP` polls. Each appended jump takes the line
/// and the handlers of the instruction it serves, so an error raised at its
/// safepoint (a `MemoryError`) is reported and caught as if raised there.
/// The compiler's conditional jumps all go forward; hand-written class
/// files could otherwise loop without ever being interrupted.
fn route_backward_branches(
    code: &mut Vec<Instr>,
    lines: &mut Vec<u32>,
    handlers: &mut Vec<(u32, u32, u32, u16)>,
) {
    let n = code.len();
    let mut routed = Vec::new();
    for (at, instr) in code.iter_mut().enumerate() {
        let Some(target) = instr.branch_target() else {
            continue;
        };
        if *target as usize > at {
            continue;
        }
        routed.push((at, *target));
        *target = (n + routed.len() - 1) as u32;
    }
    let original = handlers.len();
    for (at, target) in routed {
        let via = code.len() as u32;
        code.push(Instr::Jump(target));
        lines.push(lines.get(at).copied().unwrap_or(0));
        // After the original table, in its order: the first entry that
        // covers the jump is the innermost handler of the instruction.
        for i in 0..original {
            let (start, end, handler, depth) = handlers[i];
            if start as usize <= at && at < end as usize {
                handlers.push((via, via + 1, handler, depth));
            }
        }
    }
}

/// Turns the `IS` of each `catch` filter into [`Instr::IsCatch`]. A
/// handler's code tests its clauses in turn: `DUP`, the filter (a name,
/// possibly `module.Name`), `IS`, `JUMP_IF_FALSE` to the next clause.
fn mark_catch_filters(code: &mut [Instr], handler: usize) {
    let mut at = handler;
    // Each jump goes forward, so the walk ends.
    while let Some(Instr::Dup) = code.get(at) {
        let mut i = at + 1;
        if matches!(
            code.get(i),
            Some(
                Instr::LoadLocal(_)
                    | Instr::LoadUpval(_)
                    | Instr::LoadUpvalValue(_)
                    | Instr::LoadGlobal(_)
                    | Instr::LoadBuiltin(_)
                    | Instr::LoadCell(_)
            )
        ) {
            i += 1;
        } else {
            return;
        }
        if matches!(code.get(i), Some(Instr::GetField(..))) {
            i += 1;
        }
        let (Some(Instr::Is), Some(&Instr::JumpIfFalse(next))) = (code.get(i), code.get(i + 1))
        else {
            return;
        };
        code[i] = Instr::IsCatch;
        if next as usize <= at {
            return;
        }
        at = next as usize;
    }
}

/// Which globals a module's top-level code binds to imports: each
/// `IMPORT` is directly followed by the `STORE_GLOBAL` of its name.
pub fn exported_globals(main: &[Instr], n_globals: usize) -> Vec<bool> {
    let mut exported = vec![true; n_globals];
    for pair in main.windows(2) {
        if let [Instr::Import(_), Instr::StoreGlobal(g)] = *pair {
            if let Some(e) = exported.get_mut(usize::from(g)) {
                *e = false;
            }
        }
    }
    exported
}

fn line_per_instruction(f: &classfile::Function, starts: &[usize]) -> Vec<u32> {
    let mut lines = Vec::with_capacity(starts.len());
    let mut entry = 0;
    let mut line = f.lines.first().map_or(0, |l| l.1);
    for &pc in starts {
        while entry < f.lines.len() && f.lines[entry].0 as usize <= pc {
            line = f.lines[entry].1;
            entry += 1;
        }
        lines.push(line);
    }
    lines
}
