//! Inline caches: what a by-name lookup site (`INVOKE`, `GET_FIELD`,
//! `SET_FIELD`) found for the receiver classes it has seen.
//!
//! A site starts empty, becomes monomorphic with its first class, then
//! polymorphic up to [`POLY`] classes, then megamorphic: from then on a
//! miss in its own entries goes to the VM-wide [`MegaCache`], a
//! direct-mapped table keyed by (class, selector, kind), as in Smalltalk-80's
//! global method cache.
//!
//! Entries stay valid for a class's lifetime because a class's methods and
//! field layout never change after it is created. Site entries are
//! collector roots (they keep their classes alive, so a class's reference
//! is never reused under them); the megamorphic table is not, and is
//! cleared at every collection instead.

use crate::symbol::Sym;
use crate::value::{ObjRef, Value};

/// How many classes a site remembers before it goes megamorphic.
pub const POLY: usize = 4;

/// Entries in the megamorphic table (a power of two).
const MEGA_SIZE: usize = 1024;

/// The kinds of lookup site, for statistics and the megamorphic key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Method = 0,
    GetField = 1,
    SetField = 2,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Method, Kind::GetField, Kind::SetField];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Method => "method call",
            Kind::GetField => "field get",
            Kind::SetField => "field set",
        }
    }
}

/// What a site found for one receiver class: a method, or a field slot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    pub class: ObjRef,
    pub slot: u32,
    pub method: Value,
}

const NO_CLASS: ObjRef = ObjRef(u32::MAX);

/// The `slot` of an entry for a module member.
const MEMBER: u32 = u32::MAX;

/// The `slot` of a method entry whose method is no Cairn closure (a
/// method entry's `slot` is otherwise its closure's prototype, or, with
/// [`GETTER`] set, the field an accessor returns).
const NOT_CLOSURE: u32 = u32::MAX - 1;

/// Set in the `slot` of a method entry for an accessor: the low 16 bits
/// are the field it returns. Prototypes are numbered below it (a
/// prototype numbered at or above it is cached as no closure).
const GETTER: u32 = 1 << 31;

impl Entry {
    const EMPTY: Entry = Entry {
        class: NO_CLASS,
        slot: 0,
        method: Value::Nil,
    };

    pub fn field(class: ObjRef, slot: u16) -> Entry {
        Entry {
            class,
            slot: u32::from(slot),
            method: Value::Nil,
        }
    }

    /// A method of `class`; `proto` is its prototype when it is a Cairn
    /// closure, so a call through the entry needs no lookup of the method.
    pub fn method(class: ObjRef, method: Value, proto: Option<u32>) -> Entry {
        Entry {
            class,
            slot: proto.filter(|&p| p < GETTER).unwrap_or(NOT_CLOSURE),
            method,
        }
    }

    /// An accessor method of `class` (its body is `return this.f`, see
    /// [`Proto::getter`](super::link::Proto::getter)), where `field` is
    /// `f`'s slot in `class`'s instances. A call with no arguments through
    /// this entry is the field's value: the method cannot do anything else
    /// (`class`'s fields and methods never change).
    pub fn getter(class: ObjRef, method: Value, field: u16) -> Entry {
        Entry {
            class,
            slot: GETTER | u32::from(field),
            method,
        }
    }

    /// The prototype of a method entry's closure, if it is one (and no
    /// accessor).
    #[inline(always)]
    pub fn proto(&self) -> Option<u32> {
        (self.slot < GETTER).then_some(self.slot)
    }

    /// The field slot of an accessor's entry.
    #[inline(always)]
    pub fn getter_field(&self) -> Option<usize> {
        (self.slot & !0xFFFF == GETTER).then_some((self.slot & 0xFFFF) as usize)
    }

    /// A native module's member, called without a receiver; `class` is
    /// the module itself.
    pub fn member(module: ObjRef, value: Value) -> Entry {
        Entry {
            class: module,
            slot: MEMBER,
            method: value,
        }
    }

    pub fn is_member(&self) -> bool {
        self.slot == MEMBER
    }
}

/// Where a lookup was answered, for `--stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    Mono = 0,
    Poly = 1,
    Mega = 2,
}

/// One lookup site's cache.
#[derive(Clone, Copy, Debug)]
pub struct Site {
    entries: [Entry; POLY],
    len: u8,
    mega: bool,
}

impl Default for Site {
    fn default() -> Site {
        Site {
            entries: [Entry::EMPTY; POLY],
            len: 0,
            mega: false,
        }
    }
}

impl Site {
    /// The first entry: the fast path for natives checks only this.
    #[inline(always)]
    pub fn first(&self) -> &Entry {
        &self.entries[0]
    }

    /// The entry for `class` if it is one of the first two: the dispatch
    /// loop's fast path checks these, so that a site two classes share (a
    /// method inherited by a subclass, say) stays off the slow path.
    /// Entries not yet filled hold no class, so they never match.
    #[inline(always)]
    pub fn fast(&self, class: ObjRef) -> Option<&Entry> {
        let [first, second, ..] = &self.entries;
        if first.class == class {
            Some(first)
        } else if second.class == class {
            Some(second)
        } else {
            None
        }
    }

    /// The entry for `class` among this site's own, and where it was.
    #[inline]
    pub fn find(&self, class: ObjRef) -> Option<(Entry, Hit)> {
        let len = usize::from(self.len);
        for (i, e) in self.entries[..len].iter().enumerate() {
            if e.class == class {
                let hit = if i == 0 && len == 1 {
                    Hit::Mono
                } else {
                    Hit::Poly
                };
                return Some((*e, hit));
            }
        }
        None
    }

    /// How many classes the site remembers.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_mega(&self) -> bool {
        self.mega
    }

    /// Remembers a new class; past [`POLY`] classes the site goes
    /// megamorphic and keeps the entries it has.
    pub fn insert(&mut self, e: Entry) {
        let len = usize::from(self.len);
        if len < POLY {
            self.entries[len] = e;
            self.len += 1;
        } else {
            self.mega = true;
        }
    }

    /// The references the entries hold, for the collector.
    pub fn trace(&mut self, t: &mut dyn crate::heap::Tracer) {
        for e in &mut self.entries[..usize::from(self.len)] {
            t.obj(&mut e.class);
            t.value(&mut e.method);
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct MegaEntry {
    name: Sym,
    kind: u8,
    entry: Entry,
}

/// The VM-wide cache behind megamorphic sites.
pub struct MegaCache {
    table: Box<[MegaEntry]>,
}

impl Default for MegaCache {
    fn default() -> MegaCache {
        MegaCache {
            table: vec![
                MegaEntry {
                    name: Sym(u32::MAX),
                    kind: 0,
                    entry: Entry::EMPTY,
                };
                MEGA_SIZE
            ]
            .into_boxed_slice(),
        }
    }
}

impl MegaCache {
    fn index(class: ObjRef, name: Sym, kind: Kind) -> usize {
        let h = (class.0.wrapping_mul(0x9E37_79B9) ^ name.0.wrapping_mul(0x85EB_CA6B))
            .wrapping_add(kind as u32);
        (h as usize ^ (h as usize >> 10)) & (MEGA_SIZE - 1)
    }

    pub fn get(&self, class: ObjRef, name: Sym, kind: Kind) -> Option<Entry> {
        let e = &self.table[MegaCache::index(class, name, kind)];
        (e.entry.class == class && e.name == name && e.kind == kind as u8).then_some(e.entry)
    }

    pub fn put(&mut self, name: Sym, kind: Kind, entry: Entry) {
        self.table[MegaCache::index(entry.class, name, kind)] = MegaEntry {
            name,
            kind: kind as u8,
            entry,
        };
    }

    /// Forgets everything (at each collection: class references may be
    /// reused afterwards).
    pub fn clear(&mut self) {
        for e in self.table.iter_mut() {
            e.entry.class = NO_CLASS;
        }
    }
}

/// Hit and miss counts of one kind of site.
#[derive(Clone, Copy, Debug, Default)]
pub struct CacheStats {
    /// Hits by [`Hit`]: monomorphic, polymorphic, megamorphic.
    pub hits: [u64; 3],
    pub misses: u64,
}

impl super::Vm {
    /// Looks `class` up in site `cache` (and, for a megamorphic
    /// site, in the VM-wide table), counting the outcome.
    #[inline]
    pub(crate) fn cached(
        &mut self,
        cache: u32,
        class: ObjRef,
        name: Sym,
        kind: Kind,
    ) -> Option<Entry> {
        let site = &self.caches[cache as usize];
        let found = match site.find(class) {
            Some(found) => Some(found),
            None if site.is_mega() => self.mega.get(class, name, kind).map(|e| (e, Hit::Mega)),
            None => None,
        };
        if self.collect_stats {
            let stats = &mut self.stats.cache[kind as usize];
            match found {
                Some((_, hit)) => stats.hits[hit as usize] += 1,
                None => stats.misses += 1,
            }
        }
        found.map(|(e, _)| e)
    }

    /// Records what a missed lookup found.
    pub(crate) fn remember(&mut self, cache: u32, name: Sym, kind: Kind, e: Entry) {
        let site = &mut self.caches[cache as usize];
        site.insert(e);
        if site.is_mega() {
            self.mega.put(name, kind, e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(i: u32) -> ObjRef {
        ObjRef(i)
    }

    #[test]
    fn site_goes_mono_poly_mega() {
        let mut site = Site::default();
        assert!(site.find(class(1)).is_none());
        site.insert(Entry::field(class(1), 3));
        assert_eq!(
            site.find(class(1)),
            Some((Entry::field(class(1), 3), Hit::Mono))
        );
        for i in 2..=POLY as u32 {
            site.insert(Entry::field(class(i), i as u16));
        }
        assert_eq!(site.find(class(1)).map(|h| h.1), Some(Hit::Poly));
        assert_eq!(
            site.find(class(POLY as u32)).map(|h| h.0.slot),
            Some(POLY as u32)
        );
        assert!(!site.is_mega());
        site.insert(Entry::field(class(99), 0));
        assert!(site.is_mega());
        assert!(site.find(class(99)).is_none());
        struct Count(usize);
        impl crate::heap::Tracer for Count {
            fn obj(&mut self, _: &mut ObjRef) {
                self.0 += 1;
            }
            fn value(&mut self, _: &mut Value) {
                self.0 += 1;
            }
            fn moves(&self, _: ObjRef) -> bool {
                false
            }
        }
        let mut count = Count(0);
        site.trace(&mut count);
        assert_eq!(count.0, 2 * POLY);
    }

    #[test]
    fn mega_cache_keys_on_class_name_and_kind() {
        let mut mega = MegaCache::default();
        let e = Entry::method(class(7), Value::Int(1), None);
        assert_eq!(e.proto(), None);
        assert!(!e.is_member());
        assert_eq!(
            Entry::method(class(7), Value::Nil, Some(12)).proto(),
            Some(12)
        );
        let g = Entry::getter(class(7), Value::Nil, 5);
        assert_eq!((g.proto(), g.getter_field()), (None, Some(5)));
        assert_eq!(e.getter_field(), None);
        assert_eq!(
            Entry::method(class(7), Value::Nil, Some(12)).getter_field(),
            None
        );
        // A prototype numbered where accessors are marked is cached as no
        // closure: the slow path calls it.
        let far = Entry::method(class(7), Value::Nil, Some(GETTER | 5));
        assert_eq!((far.proto(), far.getter_field()), (None, None));
        mega.put(Sym(3), Kind::Method, e);
        assert_eq!(mega.get(class(7), Sym(3), Kind::Method), Some(e));
        assert_eq!(mega.get(class(7), Sym(3), Kind::GetField), None);
        assert_eq!(mega.get(class(7), Sym(4), Kind::Method), None);
        assert_eq!(mega.get(class(8), Sym(3), Kind::Method), None);
        mega.clear();
        assert_eq!(mega.get(class(7), Sym(3), Kind::Method), None);
    }
}
