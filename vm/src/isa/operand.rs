//! Operand kinds: what an operand means and how wide it is.

/// The kind of constant an operand must name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstKind {
    /// An Int, Float or String value.
    Value,
    /// A String used as a name (field, method, global).
    Name,
}

/// What an instruction operand is. The width of each kind fixes the limits
/// of a class file: at most 65,536 locals, constants, globals, functions and
/// classes per module, 255 arguments per call, and 4 GiB of code per function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    /// A local slot of the current frame (u16).
    Local,
    /// An upvalue of the current closure (u16).
    Upval,
    /// A module-level global of the current module (u16).
    Global,
    /// An entry of the fixed prelude table (u16).
    Builtin,
    /// A constant-pool index (u16) of the given kind.
    Const(ConstKind),
    /// An index into the module's function table (u16).
    Func,
    /// An index into the module's class table (u16).
    Class,
    /// An index into the module's import table (u16).
    Import,
    /// An absolute code offset within the function (u32).
    Target,
    /// An argument count (u8).
    Argc,
    /// An element count (u16).
    Count,
    /// A signed 16-bit immediate.
    Imm,
}

impl OperandKind {
    /// Encoded width in bytes.
    pub fn width(self) -> usize {
        match self {
            OperandKind::Argc => 1,
            OperandKind::Target => 4,
            _ => 2,
        }
    }

    /// The word `disasm` and `spec/bytecode.md` use for the kind.
    pub fn name(self) -> &'static str {
        match self {
            OperandKind::Local => "local",
            OperandKind::Upval => "upval",
            OperandKind::Global => "global",
            OperandKind::Builtin => "builtin",
            OperandKind::Const(ConstKind::Value) => "const",
            OperandKind::Const(ConstKind::Name) => "name",
            OperandKind::Func => "func",
            OperandKind::Class => "class",
            OperandKind::Import => "import",
            OperandKind::Target => "target",
            OperandKind::Argc => "argc",
            OperandKind::Count => "count",
            OperandKind::Imm => "imm",
        }
    }
}
