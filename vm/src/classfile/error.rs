//! [`DecodeError`]: why [`read`](super::read) rejected a class file.
//!
//! Every message is lowercase, has no final period and names what was being
//! read and where (a byte offset from the start of the file), so a corrupt
//! or hand-crafted file can be diagnosed from the message alone.
//! `spec/classfile.md` lists the rule behind each variant.

use std::fmt;

/// A reason a class file cannot be loaded. The reader returns the first one
/// it finds, in the order `spec/classfile.md` gives; it never panics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The file does not start with [`MAGIC`](super::MAGIC).
    BadMagic,
    /// The major version is not the one this VM reads.
    UnsupportedMajor {
        /// The file's major version.
        found: u16,
        /// The major version this VM reads ([`MAJOR`](super::MAJOR)).
        supported: u16,
    },
    /// A fixed-width field, or a section's payload, runs past the end of
    /// the bytes it must lie in (the file, or its section).
    Truncated {
        /// Bytes the field needs.
        needed: u64,
        /// The field, such as "the checksum" or "the function kind".
        what: &'static str,
        /// Where the field starts.
        offset: usize,
    },
    /// The CRC-32 in the last four bytes does not match the bytes before it.
    ChecksumMismatch {
        /// The checksum the file carries.
        stored: u32,
        /// The checksum of the file's content.
        computed: u32,
    },
    /// A table is longer than its index width allows.
    TooMany {
        /// The table, plural ("functions", "upvalues").
        what: &'static str,
        /// The count the file gives.
        count: u32,
        /// The most entries the table may hold.
        limit: u32,
    },
    /// A count or length promises more entries than the bytes left could
    /// hold, even if every entry had its minimum encoded size.
    CountExceedsInput {
        /// The count the file gives.
        count: u32,
        /// Bytes left in the enclosing section (or file) after the count.
        left: usize,
        /// What is counted, plural ("handlers", "code bytes").
        what: &'static str,
        /// The minimum encoded size of one entry.
        min_size: usize,
        /// Where the count starts.
        offset: usize,
    },
    /// Two sections have the same tag.
    DuplicateSection {
        /// The repeated tag.
        tag: u8,
    },
    /// A tag below `0x80` (required) that this reader does not know.
    UnknownSection {
        /// The unknown tag.
        tag: u8,
    },
    /// A required section is absent.
    MissingSection {
        /// The section's name ("functions").
        name: &'static str,
    },
    /// A section's payload is longer than its content.
    SectionLeftover {
        /// The section's tag.
        tag: u8,
        /// The section's name ("module").
        name: &'static str,
        /// Unread bytes.
        extra: usize,
        /// Where the unread bytes start.
        offset: usize,
    },
    /// Bytes between the last section and the checksum.
    TrailingData {
        /// How many bytes.
        extra: usize,
        /// Where they start.
        offset: usize,
    },
    /// A string's bytes are not UTF-8.
    InvalidUtf8 {
        /// The first byte that is not part of a valid UTF-8 sequence.
        offset: usize,
    },
    /// A tag or enum byte with no meaning (a constant tag, import kind,
    /// function kind, superclass tag or upvalue tag).
    BadTag {
        /// The field ("constant tag", "function kind").
        what: &'static str,
        /// The byte found.
        value: u8,
        /// Where it is.
        offset: usize,
    },
    /// A boolean byte other than 0 or 1.
    BadBool {
        /// The field ("has_rest", "is_static", "field_init flag").
        what: &'static str,
        /// The byte found.
        value: u8,
        /// Where it is.
        offset: usize,
    },
    /// A constant index past the end of the pool.
    ConstOutOfRange {
        /// The index.
        index: u16,
        /// The pool's length.
        len: usize,
        /// Where the index is used ("name of function 3").
        what: String,
    },
    /// A constant index naming a constant of the wrong kind (every index
    /// the file itself holds must name a String).
    ConstKind {
        /// The index.
        index: u16,
        /// The kind found: "Int" or "Float".
        found: &'static str,
        /// Where the index is used ("name of function 3").
        what: String,
    },
    /// A function index past the end of the function table.
    FunctionOutOfRange {
        /// The index.
        index: u16,
        /// The function table's length.
        len: usize,
        /// Where the index is used ("main", "method 2 of class 0").
        what: String,
    },
    /// A class index past the end of the class table.
    ClassOutOfRange {
        /// The index.
        index: u16,
        /// The class table's length.
        len: usize,
        /// Where the index is used ("superclass of class 1").
        what: String,
    },
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DecodeError::*;
        match self {
            BadMagic => write!(f, "bad magic: not a Cairn class file"),
            UnsupportedMajor { found, supported } => write!(
                f,
                "unsupported major version {found} (this VM reads {supported})"
            ),
            Truncated {
                needed,
                what,
                offset,
            } => write!(
                f,
                "truncated: expected {needed} byte{} for {what} at offset {offset}",
                plural(*needed)
            ),
            ChecksumMismatch { stored, computed } => write!(
                f,
                "checksum mismatch: file says {stored:#010x}, content gives {computed:#010x}"
            ),
            TooMany { what, count, limit } => {
                write!(f, "too many {what}: {count} (limit {limit})")
            }
            CountExceedsInput {
                count,
                left,
                what,
                min_size,
                offset,
            } => write!(
                f,
                "count {count} exceeds the {left} byte{} left ({what} of at least {min_size} \
                 byte{} each, count at offset {offset})",
                plural(*left as u64),
                plural(*min_size as u64)
            ),
            DuplicateSection { tag } => write!(f, "duplicate section {tag:#04x}"),
            UnknownSection { tag } => write!(f, "unknown required section {tag:#04x}"),
            MissingSection { name } => write!(f, "missing section: {name}"),
            SectionLeftover {
                tag,
                name,
                extra,
                offset,
            } => write!(
                f,
                "section {tag:#04x} ({name}) has {extra} unread byte{} at offset {offset}",
                plural(*extra as u64)
            ),
            TrailingData { extra, offset } => write!(
                f,
                "trailing data: {extra} byte{} after the last section at offset {offset}",
                plural(*extra as u64)
            ),
            InvalidUtf8 { offset } => write!(f, "invalid UTF-8 in string at offset {offset}"),
            BadTag {
                what,
                value,
                offset,
            } => write!(f, "invalid {what} {value} at offset {offset}"),
            BadBool {
                what,
                value,
                offset,
            } => write!(f, "invalid boolean {value} for {what} at offset {offset}"),
            ConstOutOfRange { index, len, what } => write!(
                f,
                "constant {index} out of range (pool has {len}) for {what}"
            ),
            ConstKind { index, found, what } => write!(
                f,
                "constant {index} is {} {found}, expected a String ({what})",
                article(found)
            ),
            FunctionOutOfRange { index, len, what } => write!(
                f,
                "function {index} out of range (file has {len}) for {what}"
            ),
            ClassOutOfRange { index, len, what } => {
                write!(f, "class {index} out of range (file has {len}) for {what}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}
