//! The in-memory form of a class file: one compiled module.
//!
//! Indexes between parts are plain integers into this file's own tables
//! (constants, functions, classes, imports, globals). The reader checks every
//! structural index (names, function and class references) is in range and of
//! the right kind; the verifier checks the operands inside code. After both,
//! later stages may index freely.

/// The file's first eight bytes.
/// `0xCA "IRN"` then `\r\n\x1A\n`, which catches text-mode line-ending damage
/// as PNG's signature does.
pub const MAGIC: [u8; 8] = *b"\xCAIRN\r\n\x1A\n";

/// The format version this VM writes. A reader accepts any minor version of
/// its major version; sections it does not know in a newer minor are skipped.
pub const MAJOR: u16 = 2;
pub const MINOR: u16 = 0;

/// A constant-pool entry.
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    Int(i64),
    Float(f64),
    Str(String),
}

impl Constant {
    /// Constants compare by bits, so `0.0` and `-0.0` (and NaNs) stay apart
    /// when the pool is deduplicated.
    pub fn key(&self) -> ConstKey<'_> {
        match self {
            Constant::Int(v) => ConstKey::Int(*v),
            Constant::Float(v) => ConstKey::Float(v.to_bits()),
            Constant::Str(s) => ConstKey::Str(s),
        }
    }
}

/// A hashable identity for a [`Constant`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConstKey<'a> {
    Int(i64),
    Float(u64),
    Str(&'a str),
}

/// Where an import comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// A standard-library module, by name.
    Std = 0,
    /// A path relative to the importing file, without the `.cairn` suffix.
    Path = 1,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub kind: ImportKind,
    /// Constant index of the module name or path (a `Str`).
    pub spec: u16,
}

/// What sort of code a function holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// A module's top-level code.
    Module = 0,
    /// A function declaration or a lambda.
    Function = 1,
    /// An instance method; slot 0 holds the receiver.
    Method = 2,
    /// A static method; slot 0 holds the class.
    Static = 3,
    /// A constructor (`init`); slot 0 holds the new instance.
    Initializer = 4,
    /// The hidden method that evaluates instance-field initializers.
    FieldInit = 5,
}

/// Where a closure's upvalue comes from when `CLOSURE` creates it, and
/// how the closure reads it: through a shared cell (a variable someone
/// assigns), or as a copy of the value (a variable nothing assigns after
/// the closure is made, so the copy can never go stale).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upvalue {
    /// The cell in local slot `n` of the enclosing frame.
    Local(u16),
    /// Upvalue `n` of the enclosing closure, a cell.
    Outer(u16),
    /// A copy of the value in local slot `n` of the enclosing frame.
    LocalValue(u16),
    /// Upvalue `n` of the enclosing closure, a copied value.
    OuterValue(u16),
}

impl Upvalue {
    /// Whether the closure holds a copy of the value, not a cell:
    /// `LOAD_UPVAL` reads it as is and `STORE_UPVAL` may not write it.
    pub fn is_value(self) -> bool {
        matches!(self, Upvalue::LocalValue(_) | Upvalue::OuterValue(_))
    }

    /// Whether it comes from the enclosing frame's locals (not from the
    /// enclosing closure's upvalues), and the slot or upvalue index.
    pub fn source(self) -> (bool, u16) {
        match self {
            Upvalue::Local(n) | Upvalue::LocalValue(n) => (true, n),
            Upvalue::Outer(n) | Upvalue::OuterValue(n) => (false, n),
        }
    }
}

/// An exception-table entry: an error raised while `start <= pc < end`
/// truncates the operand stack to `depth`, pushes the error and jumps to
/// `handler`. The first matching entry wins, so inner handlers come first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub handler: u32,
    pub depth: u16,
}

/// A local variable's name and the code range where it is live, for
/// debuggers and the REPL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalName {
    pub slot: u16,
    /// Constant index of the name.
    pub name: u16,
    pub start: u32,
    pub end: u32,
}

/// One compiled function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Constant index of the name (`<anonymous>` for lambdas).
    pub name: u16,
    pub kind: FunctionKind,
    /// Parameters, not counting slot 0; defaults and rest included.
    pub n_params: u8,
    /// How many of the parameters (the last ones before any rest parameter)
    /// have default values.
    pub n_defaults: u8,
    /// Whether the last parameter collects extra arguments into a List.
    pub has_rest: bool,
    /// Local slots, slot 0 (receiver or callee) and parameters included.
    pub n_locals: u16,
    /// The most values the operand stack holds at once.
    pub max_stack: u16,
    pub upvalues: Vec<Upvalue>,
    pub code: Vec<u8>,
    pub handlers: Vec<Handler>,
    /// `(pc, line)` pairs in increasing pc order: the line of each
    /// instruction is that of the last pair at or before it.
    pub lines: Vec<(u32, u32)>,
    pub local_names: Vec<LocalName>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Method {
    /// Constant index of the selector (`area`, `+`, `[]=`, and `-@` for
    /// unary minus, which no identifier can spell).
    pub name: u16,
    /// Function index.
    pub func: u16,
    pub is_static: bool,
}

/// Where a class's superclass comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Superclass {
    /// None written: `Object`.
    Object,
    /// A prelude class (`Error` and its subclasses), by prelude index.
    Builtin(u16),
    /// A module-level class of this same file, by class index. These links
    /// must not form a cycle.
    Class(u16),
    /// Computed at run time (an imported class, or a local variable):
    /// `CLASS` pops it from the operand stack.
    Dynamic,
}

/// A class declaration. `CLASS` pops one closure per method (in `methods`
/// order, then `field_init` if present) and, under them, the superclass when
/// it is [`Superclass::Dynamic`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    /// Constant index of the name.
    pub name: u16,
    pub superclass: Superclass,
    /// Constant indexes of the instance fields this class declares.
    pub fields: Vec<u16>,
    /// Constant indexes of the static variables.
    pub static_fields: Vec<u16>,
    pub methods: Vec<Method>,
    /// Function index of the hidden field-initializer method, if any field
    /// has an initializer.
    pub field_init: Option<u16>,
}

impl Class {
    /// How many values `CLASS` pops for this class: its closures, plus a
    /// dynamic superclass.
    pub fn pop_count(&self) -> usize {
        self.methods.len()
            + usize::from(self.field_init.is_some())
            + usize::from(self.superclass == Superclass::Dynamic)
    }
}

/// A whole class file.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassFile {
    pub major: u16,
    pub minor: u16,
    /// Constant index of the module's name (its file name without `.cairn`).
    pub name: u16,
    /// Constant index of the source path, as tracebacks print it.
    pub source: u16,
    pub constants: Vec<Constant>,
    pub imports: Vec<Import>,
    /// Constant indexes of the module-level global names.
    pub globals: Vec<u16>,
    pub classes: Vec<Class>,
    pub functions: Vec<Function>,
    /// Function index of the top-level code.
    pub main: u16,
}

impl ClassFile {
    /// The string constant at `index`, if it is one.
    pub fn str_const(&self, index: u16) -> Option<&str> {
        match self.constants.get(index as usize) {
            Some(Constant::Str(s)) => Some(s),
            _ => None,
        }
    }
}
