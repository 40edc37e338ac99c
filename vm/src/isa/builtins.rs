//! The prelude table: what a `Builtin` operand (and a
//! [`Superclass::Builtin`](crate::classfile::Superclass::Builtin) index) names.
//!
//! The order is part of the class-file format: index `i` means `BUILTINS[i]`
//! in every file, so entries are only ever appended.

/// The prelude, by index: built-in functions, then built-in classes.
pub const BUILTINS: &[&str] = &[
    "print",
    "str",
    "repr",
    "assert",
    "Nil",
    "Bool",
    "Int",
    "Float",
    "String",
    "List",
    "Map",
    "Range",
    "Function",
    "Class",
    "Fiber",
    "Iterator",
    "Object",
    "Error",
    "TypeError",
    "ValueError",
    "IndexError",
    "KeyError",
    "AttributeError",
    "ZeroDivisionError",
    "OverflowError",
    "StackOverflowError",
    "MemoryError",
    "ImportError",
    "PermissionError",
    "IOError",
];

/// How many prelude entries there are: a `Builtin` operand must be below it.
pub const BUILTIN_COUNT: usize = BUILTINS.len();

/// Whether prelude entry `index` is a class user code may extend: `Object`,
/// `Error` or one of `Error`'s built-in subclasses.
///
/// ```
/// use cairn_vm::isa::{builtin_is_base_class, BUILTINS};
/// let index = |name| BUILTINS.iter().position(|b| *b == name).unwrap();
/// assert!(builtin_is_base_class(index("KeyError")));
/// assert!(!builtin_is_base_class(index("Int")));
/// assert!(!builtin_is_base_class(BUILTINS.len()));
/// ```
pub fn builtin_is_base_class(index: usize) -> bool {
    match BUILTINS.get(index) {
        Some(name) => *name == "Object" || name.ends_with("Error"),
        None => false,
    }
}
