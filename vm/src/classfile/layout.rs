//! Facts about the byte layout shared by the reader and the writer: section
//! tags, the minimum encoded size of each table entry and the table limits.
//! `spec/classfile.md` is the normative description; this file mirrors it.

/// Section tags. Tags `0x80..=0xFF` are optional: a reader skips the ones it
/// does not know. Every tag below is required.
pub(crate) mod tag {
    pub const CONSTANTS: u8 = 0x01;
    pub const MODULE: u8 = 0x02;
    pub const IMPORTS: u8 = 0x03;
    pub const GLOBALS: u8 = 0x04;
    pub const CLASSES: u8 = 0x05;
    pub const FUNCTIONS: u8 = 0x06;
}

/// The required sections, in the order a writer emits them and a reader
/// reports a missing one.
pub(crate) const REQUIRED: [(u8, &str); 6] = [
    (tag::CONSTANTS, "constants"),
    (tag::MODULE, "module"),
    (tag::IMPORTS, "imports"),
    (tag::GLOBALS, "globals"),
    (tag::CLASSES, "classes"),
    (tag::FUNCTIONS, "functions"),
];

/// Tags at or above this are optional.
pub(crate) const OPTIONAL_TAGS: u8 = 0x80;

/// The name of a known section, for messages.
pub(crate) fn section_name(tag: u8) -> Option<&'static str> {
    REQUIRED.iter().find(|(t, _)| *t == tag).map(|(_, n)| *n)
}

/// Magic (8), major (2), minor (2).
pub(crate) const HEADER_LEN: usize = 12;
/// Tag (1) and payload length (4).
pub(crate) const SECTION_HEADER_LEN: usize = 5;
pub(crate) const CHECKSUM_LEN: usize = 4;

/// How many entries a table addressed by a `u16` index can hold.
pub const MAX_TABLE_LEN: u32 = 1 << 16;

/// Constant tags.
pub(crate) const CONST_INT: u8 = 0;
pub(crate) const CONST_FLOAT: u8 = 1;
pub(crate) const CONST_STR: u8 = 2;

/// Superclass tags.
pub(crate) const SUPER_OBJECT: u8 = 0;
pub(crate) const SUPER_BUILTIN: u8 = 1;
pub(crate) const SUPER_CLASS: u8 = 2;
pub(crate) const SUPER_DYNAMIC: u8 = 3;

/// Upvalue tags.
pub(crate) const UPVALUE_LOCAL: u8 = 0;
pub(crate) const UPVALUE_OUTER: u8 = 1;
pub(crate) const UPVALUE_LOCAL_VALUE: u8 = 2;
pub(crate) const UPVALUE_OUTER_VALUE: u8 = 3;

/// Minimum encoded sizes, used to bound a count by the bytes left before
/// anything is allocated.
pub(crate) mod min_size {
    /// Tag and an empty string.
    pub const CONSTANT: usize = 1 + 4;
    /// Kind and spec.
    pub const IMPORT: usize = 1 + 2;
    pub const INDEX: usize = 2;
    /// Name, superclass tag, three counts, field-init flag.
    pub const CLASS: usize = 2 + 1 + 4 + 4 + 4 + 1;
    /// Name, function, is-static flag.
    pub const METHOD: usize = 2 + 2 + 1;
    /// Name, kind, n_params, n_defaults, has_rest, n_locals, max_stack and
    /// five counts (upvalues, code, handlers, lines, local names).
    pub const FUNCTION: usize = 2 + 1 + 1 + 1 + 1 + 2 + 2 + 5 * 4;
    /// Tag and index.
    pub const UPVALUE: usize = 1 + 2;
    /// Start, end, handler, depth.
    pub const HANDLER: usize = 4 + 4 + 4 + 2;
    /// Pc, line.
    pub const LINE: usize = 4 + 4;
    /// Slot, name, start, end.
    pub const LOCAL_NAME: usize = 2 + 2 + 4 + 4;
    pub const BYTE: usize = 1;
    pub const SECTION: usize = super::SECTION_HEADER_LEN;
}
