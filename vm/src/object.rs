//! Heap object kinds. Every object lives in the [`Heap`](crate::heap::Heap)
//! and is reached through an [`ObjRef`]; [`Object::trace_mut`] lists the
//! references an object holds, which is all the collector needs to know.

use std::collections::HashMap;

use crate::symbol::{Sym, SymMap};

// A map's entry buffer: raw allocation, `mmap` and `mremap` for large
// tables, so growth neither copies nor first-touches the entries again.
#[allow(unsafe_code)]
mod mapped_vec;
pub(crate) use mapped_vec::MappedVec;
mod table;
use crate::value::{ObjRef, Value};
pub use table::{Entry, Lookup, MapTable, Pair, ENTRY_BYTES};

/// An immutable string. `ascii` makes character indexing O(1).
#[derive(Debug)]
pub struct StrObj {
    pub text: Box<str>,
    pub ascii: bool,
    /// Length in characters (Unicode scalar values).
    pub chars: usize,
}

impl StrObj {
    pub fn new(text: impl Into<Box<str>>) -> StrObj {
        let text = text.into();
        let ascii = text.is_ascii();
        let chars = if ascii {
            text.len()
        } else {
            text.chars().count()
        };
        StrObj { text, ascii, chars }
    }

    /// A String of text already known to be ASCII (a piece of an ASCII
    /// String, say), without scanning it again.
    pub fn of_ascii(text: Box<str>) -> StrObj {
        debug_assert!(text.is_ascii());
        let chars = text.len();
        StrObj {
            text,
            ascii: true,
            chars,
        }
    }
}

/// A map key: the hashable identity of a value under Cairn's equality
/// (§4.5). `1`, `1.0` and `-0.0`-like integral Floats are one `Int` key;
/// strings compare by content; instances by identity unless their class
/// defines `hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapKey {
    Nil,
    Bool(bool),
    Int(i64),
    /// A Float that is neither integral in the Int range nor NaN, by bits.
    Float(u64),
    /// A String of at most [`MapKey::SHORT`] bytes, kept in the key
    /// itself (only texts that short; see [`MapKey::str`]).
    ShortStr {
        len: u8,
        bytes: [u8; MapKey::SHORT],
    },
    /// A longer String.
    Str(Box<str>),
    Range(i64, i64, bool),
    /// An instance keyed by identity (its class keeps `Object`'s `hash`).
    Obj(ObjRef),
    /// An instance whose class defines `hash`: its hash, and the object.
    /// Lookups find candidates through [`MapObj::hashed`] and compare them
    /// with `==`; this key itself is only the entry's unique name.
    Hashed {
        hash: i64,
        obj: ObjRef,
    },
    /// A NaN key: stored under a fresh number, so it is never found.
    NaN(u64),
    /// The place of a removed entry (see [`MapObj::remove_index`]): a fresh
    /// number, never produced by a value, so never found.
    Removed(u64),
}

/// The hasher of map keys: foldhash, seeded per process (much faster than
/// SipHash on the short keys maps mostly hold, and not predictable by a
/// program that would flood one bucket).
pub type MapHasher = foldhash::fast::RandomState;

/// An insertion-ordered map. Each entry keeps the original key value, so
/// `keys()` returns what was first stored.
///
/// Removing an entry leaves a tombstone in its place (a
/// [`MapKey::Removed`] key with `nil`s), so removal is O(1) and keeps the
/// order of the rest; the tombstones are swept out when they outnumber the
/// live entries. `entries` therefore holds tombstones: read it through
/// [`MapObj::len`] and [`MapObj::pairs`], or skip keys that are
/// [`MapKey::is_removed`].
#[derive(Clone, Debug, Default)]
pub struct MapObj {
    pub entries: MapTable,
    /// Keys of classes that define `hash`, by hash value.
    pub hashed: HashMap<i64, Vec<ObjRef>>,
    /// Changes whenever the set of keys changes, so that a `for` loop over
    /// the map can detect it (§6.6).
    pub version: u64,
    /// How many NaN keys were ever stored (names the next one).
    pub nans: u64,
    /// Tombstones in `entries`.
    pub removed: usize,
    /// Names the next tombstone.
    pub tombstones: u64,
}

// Hashed by hand, to agree with [`KeyRef`]'s hash: a lookup by a borrowed
// key must land on the bucket of the owned one.
impl std::hash::Hash for MapKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            MapKey::Nil => state.write_u8(0),
            MapKey::Bool(b) => state.write_u16(0x100 | u16::from(*b)),
            MapKey::Int(i) => hash_int(*i, state),
            MapKey::Float(bits) => {
                state.write_u8(3);
                state.write_u64(*bits);
            }
            MapKey::ShortStr { .. } | MapKey::Str(_) => {
                hash_str(self.text_bytes().unwrap_or_default(), state)
            }
            MapKey::Range(a, b, inclusive) => {
                state.write_u8(5);
                state.write_i64(*a);
                state.write_i64(*b);
                state.write_u8(u8::from(*inclusive));
            }
            MapKey::Obj(r) => {
                state.write_u8(6);
                state.write_u32(r.0);
            }
            MapKey::Hashed { hash, obj } => {
                state.write_u8(7);
                state.write_i64(*hash);
                state.write_u32(obj.0);
            }
            MapKey::NaN(n) => {
                state.write_u8(8);
                state.write_u64(*n);
            }
            MapKey::Removed(n) => {
                state.write_u8(9);
                state.write_u64(*n);
            }
        }
    }
}

fn hash_int<H: std::hash::Hasher>(i: i64, state: &mut H) {
    state.write_u8(2);
    state.write_i64(i);
}

/// A String key's hash: its bytes alone, in one write (the hasher mixes
/// in their length). A kind tag before them, as the other kinds of key
/// have, cost a third of a short key's hash; a String that shares another
/// key's hash costs only a comparison.
#[inline]
fn hash_str<H: std::hash::Hasher>(s: &[u8], state: &mut H) {
    state.write(s);
}

/// `a == b` for slices of the same length, at most [`MapKey::SHORT`]
/// bytes: two or three word loads from each, overlapping, for any length
/// from 4 up, instead of a call to `memcmp`.
#[inline(always)]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    debug_assert!(a.len() == b.len() && a.len() <= MapKey::SHORT);
    fn word(s: &[u8], at: usize) -> u64 {
        s.get(at..at + 8)
            .and_then(|w| w.try_into().ok())
            .map_or(0, u64::from_ne_bytes)
    }
    fn half(s: &[u8], at: usize) -> u32 {
        s.get(at..at + 4)
            .and_then(|w| w.try_into().ok())
            .map_or(0, u32::from_ne_bytes)
    }
    let n = a.len();
    if n >= 8 {
        let ends = word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8);
        ends && (n <= 16 || word(a, 8) == word(b, 8))
    } else if n >= 4 {
        half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4)
    } else {
        a == b
    }
}

/// The commonest map keys, borrowed: an Int, or a String's text still in
/// its object. Looks entries up without building a [`MapKey`] (which for
/// a String would copy its text).
#[derive(Clone, Copy, Debug)]
pub enum KeyRef<'a> {
    Int(i64),
    Str(&'a str),
}

impl std::hash::Hash for KeyRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            KeyRef::Int(i) => hash_int(*i, state),
            KeyRef::Str(s) => hash_str(s.as_bytes(), state),
        }
    }
}

impl KeyRef<'_> {
    /// The owned key.
    pub fn to_owned_key(self) -> MapKey {
        match self {
            KeyRef::Int(i) => MapKey::Int(i),
            KeyRef::Str(s) => MapKey::str(s),
        }
    }
}

// A short text fits beside its length where a `Box<str>` was: keys (and
// so map entries) are no larger for it.
const _: () = assert!(std::mem::size_of::<MapKey>() == 24);

impl MapKey {
    /// The longest String kept in the key itself: what fits beside its
    /// length in the 24 bytes the key takes anyway.
    pub const SHORT: usize = 22;

    /// A String's key. Most keys are short, and a short one is kept in
    /// place: a lookup that finds its entry reads no other memory (a map
    /// of 300,000 String keys had each key's text in an allocation of its
    /// own, one more cache miss per hit), and a new key allocates nothing.
    pub fn str(s: &str) -> MapKey {
        if s.len() <= MapKey::SHORT {
            let mut bytes = [0; MapKey::SHORT];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            MapKey::ShortStr {
                len: s.len() as u8,
                bytes,
            }
        } else {
            MapKey::Str(s.into())
        }
    }

    /// A String key's text, as bytes.
    #[inline]
    pub fn text_bytes(&self) -> Option<&[u8]> {
        match self {
            MapKey::ShortStr { len, bytes } => Some(&bytes[..usize::from(*len)]),
            MapKey::Str(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// Whether this is the String key of text `t`. A short key is
    /// compared a word at a time, in place: `memcmp`'s call cost more than
    /// the comparison (each hit of a String-keyed lookup makes one).
    #[inline]
    pub fn text_is(&self, t: &[u8]) -> bool {
        match self {
            MapKey::ShortStr { len, bytes } => {
                usize::from(*len) == t.len() && short_eq(&bytes[..t.len()], t)
            }
            MapKey::Str(s) => s.as_bytes() == t,
            _ => false,
        }
    }

    /// A String key's text (made from a `&str`, so always UTF-8).
    pub fn text(&self) -> Option<&str> {
        match self {
            MapKey::Str(s) => Some(s),
            _ => std::str::from_utf8(self.text_bytes()?).ok(),
        }
    }

    /// Whether this is a removed entry's tombstone.
    #[inline]
    pub fn is_removed(&self) -> bool {
        matches!(self, MapKey::Removed(_))
    }
}

impl MapObj {
    /// Live entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len() - self.removed
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The live entries, in order: (key, (original key, value)).
    pub fn pairs(&self) -> impl Iterator<Item = (&MapKey, &(Value, Value))> {
        self.entries.iter().filter(|(k, _)| !k.is_removed())
    }

    /// The first live entry at or after position `i`: its position and
    /// (original key, value).
    pub fn live_from(&self, mut i: usize) -> Option<(usize, (Value, Value))> {
        while let Some((k, e)) = self.entries.get_index(i) {
            if !k.is_removed() {
                return Some((i, *e));
            }
            i += 1;
        }
        None
    }

    /// Adds an entry for a key known to be absent.
    pub fn push(&mut self, key: MapKey, original: Value, value: Value) {
        if let MapKey::Hashed { hash, obj } = key {
            self.hashed.entry(hash).or_default().push(obj);
        }
        self.entries.push(key, (original, value));
        self.version += 1;
    }

    /// Removes the entry at `index`, returning its value. O(1): the entry
    /// becomes a tombstone in place.
    pub fn remove_index(&mut self, index: usize) -> Option<Value> {
        if self.entries.get_index(index)?.0.is_removed() {
            return None;
        }
        self.tombstones += 1;
        let (key, (_, value)) = self.entries.replace(
            index,
            MapKey::Removed(self.tombstones),
            (Value::Nil, Value::Nil),
        )?;
        self.removed += 1;
        if let MapKey::Hashed { hash, obj } = key {
            if let Some(list) = self.hashed.get_mut(&hash) {
                list.retain(|o| *o != obj);
                if list.is_empty() {
                    self.hashed.remove(&hash);
                }
            }
        }
        if self.removed > 16 && self.removed > self.len() {
            self.entries.retain(|k, _| !k.is_removed());
            self.removed = 0;
        }
        self.version += 1;
        Some(value)
    }

    pub fn clear(&mut self) {
        if !self.entries.is_empty() {
            self.version += 1;
        }
        self.entries.clear();
        self.hashed.clear();
        self.removed = 0;
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RangeObj {
    pub start: i64,
    pub end: i64,
    pub inclusive: bool,
}

/// The position of an iteration over a range of Ints with a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeCursor {
    pub next: i64,
    pub end: i64,
    pub inclusive: bool,
    pub step: i64,
    /// Set once the next value would overflow or the end was passed.
    pub exhausted: bool,
}

impl RangeCursor {
    pub fn new(range: RangeObj, step: i64) -> RangeCursor {
        RangeCursor {
            next: range.start,
            end: range.end,
            inclusive: range.inclusive,
            step,
            exhausted: false,
        }
    }

    /// The next value, or `None` at the end (and forever after).
    pub fn advance(&mut self) -> Option<i64> {
        let v = self.next;
        let inside = match (self.step > 0, self.inclusive) {
            (true, false) => v < self.end,
            (true, true) => v <= self.end,
            (false, false) => v > self.end,
            (false, true) => v >= self.end,
        };
        if self.exhausted || !inside {
            self.exhausted = true;
            return None;
        }
        match v.checked_add(self.step) {
            Some(n) => self.next = n,
            None => self.exhausted = true,
        }
        Some(v)
    }
}

#[derive(Debug)]
pub struct Instance {
    pub class: ObjRef,
    /// One slot per field of the class layout (inherited fields first).
    pub fields: Box<[Value]>,
}

/// A class: its layout, methods and static members.
#[derive(Debug)]
pub struct ClassObj {
    pub name: Box<str>,
    pub superclass: Option<ObjRef>,
    /// Field names by slot, inherited first; `field_index` maps them back.
    pub fields: Vec<Sym>,
    pub field_index: SymMap<u16>,
    /// Methods by selector, own and inherited (copied down at creation).
    pub methods: SymMap<Value>,
    /// Static variables this class declares (inherited ones stay with
    /// their class: there is one variable, §8.3).
    pub statics: SymMap<Value>,
    /// Static methods, own and inherited (copied down at creation).
    pub static_methods: SymMap<Value>,
    /// Field-initializer closures, base class first.
    pub field_inits: Vec<Value>,
    /// Which built-in class this is or descends from, if any.
    pub builtin: Option<Builtin>,
    /// The module that declared it (for `_private` checks and tracebacks).
    pub module: Option<ObjRef>,
    /// What its `==` is, found on first use (a class's methods are fixed
    /// once it is made): 0 not yet known, 1 `Object`'s identity, 2 a method
    /// of its own, 3 none. `x == nil` on instances is common enough that
    /// looking the method up each time cost richards a tenth of its time.
    pub eq_kind: std::cell::Cell<u8>,
}

/// Built-in classes with native behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Nil,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
    Range,
    Function,
    Class,
    Fiber,
    Iterator,
    Object,
    Error,
    Module,
    /// A class an embedder registered for a Rust type.
    Host,
}

/// A function value: compiled code plus its captured cells.
#[derive(Debug)]
pub struct ClosureObj {
    /// Index into the VM's prototype table.
    pub proto: u32,
    /// Per the prototype's upvalue descriptors: a cell (`Value::Obj` of an
    /// [`Object::Cell`]) or a copied value.
    pub upvalues: Box<[Value]>,
    /// The class whose method this is (or whose method created it): where
    /// `super` starts looking.
    pub home: Option<ObjRef>,
}

/// A native function: Rust code callable from Cairn.
#[derive(Clone, Copy)]
pub struct NativeObj {
    pub name: &'static str,
    pub func: crate::interp::NativeFn,
    /// Bound receiver for native methods of built-in values.
    pub receiver: Value,
    /// Extra data (a builtin method selector or module index).
    pub data: u32,
    /// For a native that is a pure function of one number (`math.sqrt`):
    /// that function, which the dispatch loop calls directly when the
    /// argument is a number; the result is its Float.
    pub float_fn: Option<fn(f64) -> f64>,
}

impl std::fmt::Debug for NativeObj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<native {}>", self.name)
    }
}

#[derive(Debug)]
pub struct BoundObj {
    pub receiver: Value,
    pub method: Value,
}

/// A loaded module: its globals and what `import` returns.
#[derive(Debug)]
pub struct ModuleObj {
    pub name: Box<str>,
    /// Index into the VM's linked-module table.
    pub index: u32,
    /// Native modules (math) keep their members here instead.
    pub members: SymMap<Value>,
}

/// The state of an iterator: the hidden one a `for` loop makes, or a
/// built-in Iterator value (`Range.step`).
#[derive(Debug)]
pub enum IterObj {
    List {
        list: ObjRef,
        index: usize,
    },
    Str {
        s: ObjRef,
        byte: usize,
        index: usize,
    },
    /// `for` over a Range.
    Range(RangeCursor),
    /// The Iterator `Range.step(n)` returns.
    Step(RangeCursor),
    Map {
        map: ObjRef,
        index: usize,
        /// The map's `version` when the loop started.
        version: u64,
    },
    /// `obj.iter()` returned `iterator`; `next()` is called on it. `class`
    /// is the class of the iterated object, for error messages.
    User {
        class: ObjRef,
        iterator: Value,
    },
    Fiber {
        fiber: ObjRef,
    },
}

/// A host object: a Rust value owned by the heap and dropped with it, an
/// instance of the class its type was registered as.
pub struct HostObj {
    pub class: ObjRef,
    pub data: Box<dyn std::any::Any + Send>,
    /// The Rust value's size in bytes, for collection pacing.
    pub size: usize,
}

impl std::fmt::Debug for HostObj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<host object of class {:?}>", self.class)
    }
}

#[derive(Debug)]
pub enum Object {
    Str(StrObj),
    List(Vec<Value>),
    Map(Box<MapObj>),
    Range(RangeObj),
    Instance(Instance),
    Class(Box<ClassObj>),
    Closure(ClosureObj),
    Cell(Value),
    Bound(BoundObj),
    Native(Box<NativeObj>),
    Module(Box<ModuleObj>),
    Iter(Box<IterObj>),
    Fiber(Box<crate::interp::fiber::Fiber>),
    /// A Rust value exposed to Cairn by an embedder (a host object).
    Host(Box<HostObj>),
    /// The unique `Iterator.done` sentinel.
    Done,
}

impl Object {
    /// A rough size in bytes, for collection pacing.
    pub fn size(&self) -> usize {
        std::mem::size_of::<Object>()
            + match self {
                Object::Str(s) => s.text.len(),
                Object::List(v) => v.capacity() * 16,
                Object::Map(m) => m.entries.capacity() * ENTRY_BYTES,
                Object::Instance(i) => i.fields.len() * 16,
                Object::Class(c) => 256 + c.methods.len() * 32,
                Object::Closure(c) => c.upvalues.len() * 16,
                Object::Fiber(f) => f.size(),
                Object::Host(h) => h.size,
                _ => 0,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_agrees_with_byte_equality_at_every_length_and_position() {
        let long = "a key longer than twenty-two bytes";
        for n in 0..=long.len() {
            let text = &long[..n];
            let key = MapKey::str(text);
            assert!(key.text_is(text.as_bytes()), "{text:?}");
            // One byte changed, at each position in turn.
            for at in 0..n {
                let mut other = text.as_bytes().to_vec();
                other[at] ^= 0x20;
                assert!(!key.text_is(&other), "{text:?} at {at}");
            }
            // Longer and shorter by one, sharing the prefix.
            if n < long.len() {
                assert!(!key.text_is(&long.as_bytes()[..n + 1]));
            }
            if n > 0 {
                assert!(!key.text_is(&text.as_bytes()[..n - 1]));
            }
        }
        assert!(!MapKey::Int(1).text_is(b""));
    }

    #[test]
    fn string_keys_short_in_place_long_boxed_and_found_either_way() {
        let hasher = MapHasher::default();
        let mut map = MapTable::default();
        let texts = [
            "",
            "a",
            "key123456",
            "twenty-two bytes long",
            "exactly 22 bytes long!",
            "twenty-three bytes long",
            "é→ü: nine chars",
            "a key long enough to need a box of its own",
        ];
        for (i, t) in texts.iter().enumerate() {
            let k = MapKey::str(t);
            let short = matches!(k, MapKey::ShortStr { .. });
            assert_eq!(short, t.len() <= MapKey::SHORT, "{t:?}");
            assert_eq!((k.text(), k.text_bytes()), (Some(*t), Some(t.as_bytes())));
            assert_eq!(
                k.table_hash(&hasher),
                KeyRef::Str(t).table_hash(&hasher),
                "{t:?}"
            );
            map.push(k, (Value::Int(i as i64), Value::Nil));
        }
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(map.get_index_of(&KeyRef::Str(t)), Some(i), "{t:?}");
            assert_eq!(map.get_index_of(&MapKey::str(t)), Some(i), "{t:?}");
        }
        assert_eq!(map.get_index_of(&KeyRef::Str("key12345")), None);
        assert_eq!(MapKey::Int(3).text(), None);
    }

    #[test]
    fn a_borrowed_key_finds_the_owned_one() {
        let hasher = MapHasher::default();
        let mut map = MapTable::default();
        let pair = |i| (Value::Int(i), Value::Int(i));
        map.push(MapKey::Int(-7), pair(1));
        map.push(MapKey::str("key"), pair(2));
        map.push(MapKey::Float(1.5f64.to_bits()), pair(3));
        for (borrowed, owned) in [
            (KeyRef::Int(-7), MapKey::Int(-7)),
            (KeyRef::Str("key"), MapKey::str("key")),
        ] {
            assert_eq!(borrowed.table_hash(&hasher), owned.table_hash(&hasher));
            assert_eq!(map.get(&borrowed), map.get(&owned));
            assert!(map.get(&borrowed).is_some());
        }
        assert_eq!(map.get(&KeyRef::Str("ke")), None);
        assert_eq!(map.get(&KeyRef::Int(7)), None);
    }
}
