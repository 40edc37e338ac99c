//! References: every index an instruction or a function's tables hold names
//! something that exists, of the right kind.
//!
//! Operand rules: `const-in-range`, `const-kind`, `local-in-range`,
//! `upval-in-range`, `global-in-range`, `builtin-in-range`, `func-in-range`,
//! `class-in-range`, `import-in-range`, and the instruction-specific
//! `closure-target`, `closure-capture`, `class-count` and `param-slot`. All
//! are checked on every instruction, reachable or not, in one pass; each
//! check is constant time (`closure-capture` compares against the captured
//! function's largest local and upvalue index, and `const-kind` reads which
//! constants are Strings, both computed once per file).

use crate::classfile::{ClassFile, Constant, Function, FunctionKind, Upvalue};
use crate::isa::{ConstKind, Op, OperandKind, BUILTIN_COUNT};

use super::code::{Code, Insn};
use super::ops::{Bound, OpInfo, BOUNDS, MAX_OPERANDS};
use super::{Fault, VerifyRule};

/// Rules `const-in-range` and `const-kind` for constant `index`.
pub(super) fn constant(cf: &ClassFile, index: u16, kind: ConstKind) -> Result<(), VerifyRule> {
    let Some(constant) = cf.constants.get(usize::from(index)) else {
        return Err(VerifyRule::ConstInRange {
            index,
            count: cf.constants.len(),
        });
    };
    match (kind, constant) {
        (ConstKind::Value, _) | (ConstKind::Name, Constant::Str(_)) => Ok(()),
        (ConstKind::Name, other) => Err(VerifyRule::ConstKind {
            index,
            expected: kind,
            found: kind_name(other),
        }),
    }
}

/// A constant that must be a String: a name, a path, a selector.
pub(super) fn name(cf: &ClassFile, index: u16) -> Result<(), VerifyRule> {
    constant(cf, index, ConstKind::Name)
}

fn kind_name(constant: &Constant) -> &'static str {
    match constant {
        Constant::Int(_) => "an Int",
        Constant::Float(_) => "a Float",
        Constant::Str(_) => "a String",
    }
}

/// What the operand rules need to know about the whole file, computed once
/// per file: per function, the largest local slot and the largest enclosing
/// upvalue its upvalue descriptors capture (`None` when it captures none of
/// that sort), which is what a `CLOSURE` of it needs from the function
/// executing it; and per constant, whether it is a String.
pub(super) struct Facts {
    captures: Vec<(Option<u16>, Option<u16>)>,
    strings: Strings,
}

impl Facts {
    pub fn new(cf: &ClassFile) -> Facts {
        let summary = |f: &Function| {
            let (mut local, mut outer) = (None, None);
            for capture in &f.upvalues {
                match capture.source() {
                    (true, n) => local = local.max(Some(n)),
                    (false, n) => outer = outer.max(Some(n)),
                }
            }
            (local, outer)
        };
        Facts {
            captures: cf.functions.iter().map(summary).collect(),
            strings: Strings::new(&cf.constants),
        }
    }

    /// Rules `const-in-range` and `const-kind` for a name: [`name`], with a
    /// quick answer for the usual case, a String.
    pub fn name(&self, cf: &ClassFile, index: u16) -> Result<(), VerifyRule> {
        if self.strings.contains(usize::from(index)) {
            return Ok(());
        }
        name(cf, index)
    }

    /// Rule `closure-capture`: whether `func`'s captures exist in `encloser`.
    fn check(&self, func: u16, encloser: &Function) -> Result<(), VerifyRule> {
        let Some(&(local, outer)) = self.captures.get(usize::from(func)) else {
            return Ok(());
        };
        let fail = |capture, count| VerifyRule::ClosureCapture {
            func,
            capture,
            count,
        };
        let n_locals = usize::from(encloser.n_locals);
        if let Some(n) = local.filter(|&n| usize::from(n) >= n_locals) {
            return Err(fail(Upvalue::Local(n), n_locals));
        }
        let n_upvals = encloser.upvalues.len();
        if let Some(n) = outer.filter(|&n| usize::from(n) >= n_upvals) {
            return Err(fail(Upvalue::Outer(n), n_upvals));
        }
        Ok(())
    }
}

/// Which constants are Strings, as a bit per u16 index.
struct Strings(Box<[u64; 1024]>);

impl Strings {
    fn new(constants: &[Constant]) -> Strings {
        let mut bits = Box::new([0; 1024]);
        for (n, constant) in constants.iter().enumerate().take(1 << 16) {
            if matches!(constant, Constant::Str(_)) {
                bits[n >> 6] |= 1 << (n & 63);
            }
        }
        Strings(bits)
    }

    /// Whether constant `n` (taken modulo 2^16) is a String; exact for a
    /// u16 index.
    fn contains(&self, n: usize) -> bool {
        (self.0[(n >> 6) & 1023] >> (n & 63)) & 1 != 0
    }
}

/// Every operand rule, for every instruction of `func`, decoded in `code`.
pub(super) fn operands(
    cf: &ClassFile,
    facts: &Facts,
    func: &Function,
    code: &Code,
) -> Result<(), Fault> {
    let operands = Operands::new(cf, facts, func);
    for insn in code.insns() {
        let check = operands.check(insn, code.info(insn));
        check.map_err(|rule| Fault::at(insn.at(), rule))?;
    }
    Ok(())
}

/// The operand rules for one function's instructions.
///
/// A quick test passes the operands that are plainly valid; any other goes
/// to [`operand`], which decides and names the rule broken.
struct Operands<'a> {
    cf: &'a ClassFile,
    facts: &'a Facts,
    func: &'a Function,
    /// The size of each table an operand may index, by [`Bound`].
    limits: [usize; BOUNDS],
}

impl<'a> Operands<'a> {
    fn new(cf: &'a ClassFile, facts: &'a Facts, func: &'a Function) -> Operands<'a> {
        let mut limits = [usize::MAX; BOUNDS];
        for (bound, limit) in [
            (Bound::Constants, cf.constants.len()),
            (Bound::Strings, cf.constants.len()),
            (Bound::Locals, usize::from(func.n_locals)),
            (Bound::Upvals, func.upvalues.len()),
            (Bound::Globals, cf.globals.len()),
            (Bound::Builtins, BUILTIN_COUNT),
            (Bound::Functions, cf.functions.len()),
            (Bound::Classes, cf.classes.len()),
            (Bound::Imports, cf.imports.len()),
        ] {
            limits[bound as usize] = limit;
        }
        Operands {
            cf,
            facts,
            func,
            limits,
        }
    }

    /// Every operand rule for `insn`, whose opcode's facts are `info`.
    fn check(&self, insn: &Insn, info: &OpInfo) -> Result<(), VerifyRule> {
        for slot in 0..MAX_OPERANDS {
            let bound = info.bounds[slot];
            let n = usize::try_from(insn.operands[slot]).unwrap_or(usize::MAX);
            // Computed without branches: which operand kinds follow one
            // another depends on the code, so a branch would often guess
            // wrong. A name operand is 16 bits, so `contains` is exact for it.
            let named = self.facts.strings.contains(n) | (bound != Bound::Strings);
            let plain = (n < self.limits[bound as usize]) & named;
            if plain {
                continue;
            }
            if let Some(&kind) = insn.op.operands().get(slot) {
                operand(self.cf, self.func, kind, insn.operands[slot])?;
            }
        }
        if info.special {
            special(self.cf, self.facts, self.func, insn)?;
        }
        Ok(())
    }
}

/// The range (and kind) rule of one operand.
fn operand(
    cf: &ClassFile,
    func: &Function,
    kind: OperandKind,
    value: u32,
) -> Result<(), VerifyRule> {
    // Every index kind is 16 bits wide; the others need no check.
    let Ok(index) = u16::try_from(value) else {
        return Ok(());
    };
    let n = usize::from(index);
    let rule = match kind {
        OperandKind::Const(k) => return constant(cf, index, k),
        OperandKind::Local if n >= usize::from(func.n_locals) => VerifyRule::LocalInRange {
            index,
            count: usize::from(func.n_locals),
        },
        OperandKind::Upval if n >= func.upvalues.len() => VerifyRule::UpvalInRange {
            index,
            count: func.upvalues.len(),
        },
        OperandKind::Global if n >= cf.globals.len() => VerifyRule::GlobalInRange {
            index,
            count: cf.globals.len(),
        },
        OperandKind::Builtin if n >= BUILTIN_COUNT => VerifyRule::BuiltinInRange {
            index,
            count: BUILTIN_COUNT,
        },
        OperandKind::Func if n >= cf.functions.len() => VerifyRule::FuncInRange {
            index,
            count: cf.functions.len(),
        },
        OperandKind::Class if n >= cf.classes.len() => VerifyRule::ClassInRange {
            index,
            count: cf.classes.len(),
        },
        OperandKind::Import if n >= cf.imports.len() => VerifyRule::ImportInRange {
            index,
            count: cf.imports.len(),
        },
        _ => return Ok(()),
    };
    Err(rule)
}

/// Rules that tie one operand to another, or to the function: run after
/// every operand is known to be in range.
fn special(cf: &ClassFile, facts: &Facts, func: &Function, insn: &Insn) -> Result<(), VerifyRule> {
    let kinds = insn.op.operands();
    let first = |kind| {
        let slot = kinds.iter().position(|&k| k == kind);
        slot.map_or(0, |slot| insn.operands[slot])
    };
    match insn.op {
        Op::Closure => {
            let target = u16::try_from(first(OperandKind::Func)).unwrap_or(u16::MAX);
            let is_module = cf
                .functions
                .get(usize::from(target))
                .is_some_and(|f| f.kind == FunctionKind::Module);
            if target == cf.main || is_module {
                return Err(VerifyRule::ClosureTarget { func: target });
            }
            facts.check(target, func)
        }
        Op::Class => {
            let class = u16::try_from(first(OperandKind::Class)).unwrap_or(u16::MAX);
            let found = first(OperandKind::Count);
            let expected = cf
                .classes
                .get(usize::from(class))
                .map_or(0, |c| c.pop_count());
            if usize::try_from(found).ok() != Some(expected) {
                return Err(VerifyRule::ClassCount {
                    class,
                    expected,
                    found,
                });
            }
            Ok(())
        }
        Op::JumpIfArg => {
            let slot = u16::try_from(first(OperandKind::Local)).unwrap_or(u16::MAX);
            if slot == 0 || slot > u16::from(func.n_params) {
                return Err(VerifyRule::ParamSlot {
                    slot,
                    n_params: func.n_params,
                });
            }
            Ok(())
        }
        Op::StoreUpval => {
            let index = u16::try_from(first(OperandKind::Upval)).unwrap_or(u16::MAX);
            match func.upvalues.get(usize::from(index)) {
                Some(up) if up.is_value() => Err(VerifyRule::UpvalWritable { index }),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// Indexes in a function's own tables: its local names' slots and names.
pub(super) fn tables(cf: &ClassFile, facts: &Facts, func: &Function) -> Result<(), Fault> {
    for local in &func.local_names {
        facts.name(cf, local.name)?;
        if local.slot >= func.n_locals {
            return Err(VerifyRule::LocalInRange {
                index: local.slot,
                count: usize::from(func.n_locals),
            }
            .into());
        }
    }
    Ok(())
}
