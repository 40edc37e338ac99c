//! The verifier's rules. Each [`VerifyRule`] variant is one rule, named as
//! the property it demands; a [`VerifyError`](super::VerifyError) carries the
//! rule a file broke, with the numbers that show how. The kebab-case
//! [`VerifyRule::name`] is stable: `spec/verifier.md` lists the rules under
//! it, and the interpreter's `SAFETY:` comments cite it.

use std::fmt;

use crate::classfile::{FunctionKind, Upvalue};
use crate::isa::{ConstKind, Op};

/// A verifier rule, as broken by a class file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyRule {
    // ---- code layout -------------------------------------------------
    /// A function has at least one instruction.
    NonEmptyCode,
    /// A function's code fits the 32-bit code offsets that `Target`
    /// operands and the handler, line and local-name tables use.
    CodeSize { len: usize },
    /// Every byte where an instruction starts is an assigned opcode.
    KnownOpcode { byte: u8 },
    /// Every instruction's operands lie inside the code.
    WholeInstruction { op: Op },
    /// A jump target lies inside the function's code.
    TargetInCode { target: u32, len: usize },
    /// A jump target is the first byte of an instruction.
    TargetOnBoundary { target: u32 },

    // ---- indexes -----------------------------------------------------
    /// A constant index is below the pool size.
    ConstInRange { index: u16, count: usize },
    /// A constant has the kind its use needs: a name is a String (a value
    /// may be any constant).
    ConstKind {
        index: u16,
        expected: ConstKind,
        found: &'static str,
    },
    /// A local slot is below the function's `n_locals`.
    LocalInRange { index: u16, count: usize },
    /// An upvalue index is below the function's upvalue count.
    UpvalInRange { index: u16, count: usize },
    /// A global index is below the module's global count.
    GlobalInRange { index: u16, count: usize },
    /// A prelude index is below [`BUILTIN_COUNT`](crate::isa::BUILTIN_COUNT).
    BuiltinInRange { index: u16, count: usize },
    /// A function index is below the module's function count.
    FuncInRange { index: u16, count: usize },
    /// A class index is below the module's class count.
    ClassInRange { index: u16, count: usize },
    /// An import index is below the module's import count.
    ImportInRange { index: u16, count: usize },

    // ---- instructions with extra conditions ------------------------------
    /// `CLOSURE` never names the module's top-level function.
    ClosureTarget { func: u16 },
    /// The upvalues of a function that `CLOSURE` creates name locals and
    /// upvalues that exist in the function executing the `CLOSURE`.
    ClosureCapture {
        func: u16,
        capture: Upvalue,
        count: usize,
    },
    /// `STORE_UPVAL` names an upvalue held as a cell, not as a copied
    /// value.
    UpvalWritable { index: u16 },
    /// `CLASS`'s count operand equals the class's
    /// [`pop_count`](crate::classfile::Class::pop_count).
    ClassCount {
        class: u16,
        expected: usize,
        found: u32,
    },
    /// `JUMP_IF_ARG` names a parameter slot (`1..=n_params`).
    ParamSlot { slot: u16, n_params: u8 },

    // ---- operand stack -----------------------------------------------
    /// No reachable instruction pops more values than the stack holds.
    StackUnderflow { op: Op, pops: u32, height: u32 },
    /// No reachable instruction leaves more than `max_stack` values.
    MaxStack { height: u32, max_stack: u16 },
    /// Every path into an instruction brings the same stack height.
    StackMerge { height: u32, other: u32 },
    /// No reachable instruction other than a terminator or an
    /// unconditional jump is the last one: execution never runs past the end.
    NoFallOff,

    // ---- exception table ------------------------------------------------
    /// A handler's range is non-empty and inside the code: `start < end <=
    /// code length`.
    HandlerRange {
        handler: usize,
        start: u32,
        end: u32,
        len: usize,
    },
    /// A handler's `start`, `end` (unless it is the code length) and target
    /// are instruction boundaries.
    HandlerBoundary {
        handler: usize,
        field: &'static str,
        pc: u32,
    },
    /// A handler's target lies inside the code.
    HandlerTarget {
        handler: usize,
        target: u32,
        len: usize,
    },
    /// A handler's depth leaves room for the error it pushes: `depth <
    /// max_stack`.
    HandlerDepth {
        handler: usize,
        depth: u16,
        max_stack: u16,
    },
    /// No reachable instruction inside a handler's range takes the stack
    /// below the handler's depth, so unwinding to that depth only drops
    /// values.
    HandlerStack {
        handler: usize,
        depth: u16,
        floor: u32,
    },

    // ---- function headers ----------------------------------------------
    /// `n_locals >= 1 + n_params`: slot 0 and every parameter have a slot.
    LocalsCoverParams { n_locals: u16, n_params: u8 },
    /// A rest parameter is one of the parameters: `has_rest` implies
    /// `n_params >= 1`.
    RestHasParam,
    /// Defaults fit the parameters before any rest parameter:
    /// `n_defaults + has_rest <= n_params`.
    DefaultsFit {
        n_defaults: u8,
        n_params: u8,
        has_rest: bool,
    },
    /// `main` is a function of kind `Module`.
    MainFunction { func: u16, kind: FunctionKind },
    /// Only `main` has kind `Module`.
    ModuleKind,
    /// The top-level function takes no parameters and captures no upvalues.
    ModuleSignature,
    /// Each line-table entry's pc is an instruction start inside the code,
    /// after the previous entry's.
    LineTable { entry: usize, pc: u32 },
    /// Each local-name range lies inside the code: `start <= end <= code
    /// length`.
    LocalNameRange {
        entry: usize,
        start: u32,
        end: u32,
        len: usize,
    },

    // ---- classes -----------------------------------------------------
    /// A method names a function of the matching kind: `Static` for a
    /// static method, `Initializer` for `init`, `Method` for any other, and
    /// `FieldInit` for the field initializer.
    MethodKind {
        member: String,
        func: u16,
        expected: FunctionKind,
        found: FunctionKind,
    },
    /// Every function of a method kind belongs to exactly one class.
    MethodOwner { kind: FunctionKind, owners: usize },
    /// A built-in superclass is `Object`, `Error` or an `Error` subclass.
    SuperclassBuiltin { index: u16, name: &'static str },
    /// `Superclass::Class` links form no cycle.
    SuperclassCycle { path: Vec<String> },
    /// No two members of one class share a name in one namespace: instance
    /// fields and instance methods, or static fields and static methods.
    UniqueMembers { name: String, is_static: bool },
}

impl VerifyRule {
    /// The rule's stable name, as `spec/verifier.md` and `SAFETY:` comments
    /// cite it.
    pub fn name(&self) -> &'static str {
        use VerifyRule::*;
        match self {
            NonEmptyCode => "non-empty-code",
            CodeSize { .. } => "code-size",
            KnownOpcode { .. } => "known-opcode",
            WholeInstruction { .. } => "whole-instruction",
            TargetInCode { .. } => "target-in-code",
            TargetOnBoundary { .. } => "target-on-boundary",
            ConstInRange { .. } => "const-in-range",
            ConstKind { .. } => "const-kind",
            LocalInRange { .. } => "local-in-range",
            UpvalInRange { .. } => "upval-in-range",
            GlobalInRange { .. } => "global-in-range",
            BuiltinInRange { .. } => "builtin-in-range",
            FuncInRange { .. } => "func-in-range",
            ClassInRange { .. } => "class-in-range",
            ImportInRange { .. } => "import-in-range",
            ClosureTarget { .. } => "closure-target",
            ClosureCapture { .. } => "closure-capture",
            UpvalWritable { .. } => "upval-writable",
            ClassCount { .. } => "class-count",
            ParamSlot { .. } => "param-slot",
            StackUnderflow { .. } => "stack-underflow",
            MaxStack { .. } => "max-stack",
            StackMerge { .. } => "stack-merge",
            NoFallOff => "no-fall-off",
            HandlerRange { .. } => "handler-range",
            HandlerBoundary { .. } => "handler-boundary",
            HandlerTarget { .. } => "handler-target",
            HandlerDepth { .. } => "handler-depth",
            HandlerStack { .. } => "handler-stack",
            LocalsCoverParams { .. } => "locals-cover-params",
            RestHasParam => "rest-has-param",
            DefaultsFit { .. } => "defaults-fit",
            MainFunction { .. } => "main-function",
            ModuleKind => "module-kind",
            ModuleSignature => "module-signature",
            LineTable { .. } => "line-table",
            LocalNameRange { .. } => "local-name-range",
            MethodKind { .. } => "method-kind",
            MethodOwner { .. } => "method-owner",
            SuperclassBuiltin { .. } => "superclass-builtin",
            SuperclassCycle { .. } => "superclass-cycle",
            UniqueMembers { .. } => "unique-members",
        }
    }
}

/// The error message: lowercase, no final period, names in backticks.
impl fmt::Display for VerifyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use VerifyRule::*;
        match self {
            NonEmptyCode => write!(f, "function has no code"),
            CodeSize { len } => write!(f, "code is {len} bytes, more than a u32 offset can address"),
            KnownOpcode { byte } => write!(f, "unknown opcode {byte:#04x}"),
            WholeInstruction { op } => {
                write!(f, "truncated instruction: `{}` runs past the end of the code", op.mnemonic())
            }
            TargetInCode { target, len } => {
                write!(f, "jump target {target} is outside the code (length {len})")
            }
            TargetOnBoundary { target } => {
                write!(f, "jump target {target} is inside an instruction")
            }
            ConstInRange { index, count } => {
                write!(f, "constant index {index} out of range (pool has {count})")
            }
            ConstKind { index, expected, found } => {
                let want = match expected {
                    crate::isa::ConstKind::Name => "a String (a name)",
                    crate::isa::ConstKind::Value => "an Int, Float or String",
                };
                write!(f, "constant {index} is {found}, expected {want}")
            }
            LocalInRange { index, count } => write!(f, "local {index} out of range ({count} locals)"),
            UpvalInRange { index, count } => {
                write!(f, "upvalue {index} out of range ({count} upvalues)")
            }
            GlobalInRange { index, count } => {
                write!(f, "global {index} out of range ({count} globals)")
            }
            BuiltinInRange { index, count } => {
                write!(f, "builtin {index} out of range ({count} builtins)")
            }
            FuncInRange { index, count } => {
                write!(f, "function {index} out of range ({count} functions)")
            }
            ClassInRange { index, count } => {
                write!(f, "class {index} out of range ({count} classes)")
            }
            ImportInRange { index, count } => {
                write!(f, "import {index} out of range ({count} imports)")
            }
            ClosureTarget { func } => {
                write!(f, "`CLOSURE` names function {func}, the module's top-level code")
            }
            ClosureCapture { func, capture, count } => match capture.source() {
                (true, n) => write!(
                    f,
                    "function {func} captures local {n}, but this function has {count} locals"
                ),
                (false, n) => write!(
                    f,
                    "function {func} captures upvalue {n}, but this function has {count} upvalues"
                ),
            },
            UpvalWritable { index } => write!(
                f,
                "`STORE_UPVAL` writes upvalue {index}, a copied value (only a cell can be written)"
            ),
            ClassCount { class, expected, found } => write!(
                f,
                "`CLASS` pops {found} values, but class {class} needs {expected}"
            ),
            ParamSlot { slot, n_params } => write!(
                f,
                "`JUMP_IF_ARG` slot {slot} is not a parameter (the function has {n_params})"
            ),
            StackUnderflow { op, pops, height } => write!(
                f,
                "stack underflow: `{}` pops {pops} but the stack holds {height}",
                op.mnemonic()
            ),
            MaxStack { height, max_stack } => {
                write!(f, "stack height {height} exceeds max_stack {max_stack}")
            }
            StackMerge { height, other } => write!(
                f,
                "stack height mismatch at merge: {height} on one path, {other} on another"
            ),
            NoFallOff => write!(f, "execution falls off the end of the code"),
            HandlerRange { handler, start, end, len } => write!(
                f,
                "handler {handler} range {start}..{end} is empty or outside the code (length {len})"
            ),
            HandlerBoundary { handler, field, pc } => {
                write!(f, "handler {handler} {field} {pc} is inside an instruction")
            }
            HandlerTarget { handler, target, len } => write!(
                f,
                "handler {handler} target {target} is outside the code (length {len})"
            ),
            HandlerDepth { handler, depth, max_stack } => write!(
                f,
                "handler {handler} depth {depth} leaves no room for the error (max_stack {max_stack})"
            ),
            HandlerStack { handler, depth, floor } => write!(
                f,
                "stack drops to {floor} inside handler {handler}'s range, below its depth {depth}"
            ),
            LocalsCoverParams { n_locals, n_params } => write!(
                f,
                "n_locals {n_locals} is less than 1 + n_params ({n_params})"
            ),
            RestHasParam => write!(f, "has_rest is set but n_params is 0"),
            DefaultsFit { n_defaults, n_params, has_rest } => write!(
                f,
                "{n_defaults} defaults do not fit {n_params} parameters{}",
                if *has_rest { " (one of them rest)" } else { "" }
            ),
            MainFunction { func, kind } => {
                write!(f, "main function {func} has kind {kind:?}, not Module")
            }
            ModuleKind => write!(f, "only the main function may have kind Module"),
            ModuleSignature => {
                write!(f, "module code must take no parameters and capture no upvalues")
            }
            LineTable { entry, pc } => write!(
                f,
                "line entry {entry} pc {pc} is not an instruction start after the previous entry's"
            ),
            LocalNameRange { entry, start, end, len } => write!(
                f,
                "local name {entry} range {start}..{end} is not within the code (length {len})"
            ),
            MethodKind { member, func, expected, found } => write!(
                f,
                "`{member}` names function {func} of kind {found:?}, expected {expected:?}"
            ),
            MethodOwner { kind, owners } => write!(
                f,
                "a {kind:?} function must belong to exactly one class, but {owners} list it"
            ),
            SuperclassBuiltin { index, name } => write!(
                f,
                "superclass `{name}` (builtin {index}) is not `Object` or an Error class"
            ),
            SuperclassCycle { path } => write!(f, "inheritance cycle: {}", path.join(" < ")),
            UniqueMembers { name, is_static } => write!(
                f,
                "duplicate {} member `{name}`",
                if *is_static { "static" } else { "instance" }
            ),
        }
    }
}
