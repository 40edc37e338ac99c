//! The interpreter: linked modules, the VM state, and the dispatch loop.
//!
//! The VM is stackless: a Cairn call pushes a [`fiber::Frame`] and the loop
//! continues; it never recurses on the Rust stack. Native code that calls
//! back into Cairn — `map`, `sort_by`, `to_string`, and `resume`, which runs
//! a fiber until it yields — starts a nested loop, bounded by
//! [`MAX_NATIVE_DEPTH`]. The running fiber's stacks live in the VM itself
//! and are swapped with a fiber object's on resume and yield.

pub mod cache;
pub mod call;
pub mod class;
// `Send` and `Sync` for a pointer to immutable, VM-owned code.
#[allow(unsafe_code)]
pub mod code_ref;
// One unchecked UTF-8 conversion of texts joined from whole `str`s.
#[allow(unsafe_code)]
mod concat;
pub mod error;
pub mod fiber;
pub mod fuel;
pub mod fuse;
pub mod instr;
pub mod interrupt;
pub mod iter;
pub mod link;
pub mod load;
pub mod members;
pub mod range_loop;
// The dispatch loop: unchecked operand-stack, local and code access, each
// justified by a verifier rule.
#[allow(unsafe_code)]
pub mod run;

use std::collections::HashMap;

use crate::heap::Heap;
use crate::object::{Builtin, ClassObj, Object, StrObj};
use crate::symbol::{Sym, Symbols};
use crate::value::{ObjRef, Value};

use fiber::Frame;
pub use interrupt::Interrupt;
use link::{Module, Proto};

/// Native functions: `(vm, receiver, arguments)`. The receiver is the bound
/// value for methods of built-in values, else nil.
pub type NativeFn = fn(&mut Vm, Value, &[Value]) -> Result<Value, Exc>;

/// How deeply native code may re-enter the interpreter.
pub const MAX_NATIVE_DEPTH: usize = 200;

/// Why execution stopped abnormally.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Exc {
    /// A Cairn error object, catchable by `try`.
    Error(Value),
    /// `Fiber.yield(v)`: leaves the fiber's frames in place and returns to
    /// the `resume` that started this stretch of the fiber.
    Yield(Value),
    /// `os.exit(code)`: ends the program at once. Unwinding does not stop
    /// for it, so no `catch` or `finally` runs.
    Exit(u8),
    /// The host triggered the VM's [`Interrupt`] handle: the program stops
    /// at once. Like `Exit`, no `catch` or `finally` intercepts it.
    Interrupt,
    /// The VM's fuel budget ([`Vm::set_fuel`]) ran out before the next
    /// instruction. No `catch` or `finally` intercepts it; the dispatch
    /// loop leaves the frames and operand stack as they were, so the
    /// computation can go on once fuel is added (see [`fuel`]).
    OutOfFuel,
}

/// Limits a host or the command line sets.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_call_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_call_depth: 10_000,
        }
    }
}

/// Counters for `cairn run --stats`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub instructions: u64,
    pub calls: u64,
    /// Inline-cache outcomes, by [`cache::Kind`].
    pub cache: [cache::CacheStats; 3],
}

/// One slot per [`Builtin`] kind, for [`Vm::builtin_classes`].
const BUILTIN_KINDS: usize = Builtin::Host as usize + 1;

pub struct Vm {
    pub heap: Heap,
    pub symbols: Symbols,
    pub protos: Vec<Proto>,
    /// Translated code, per prototype (shared so the loop can hold it).
    pub code: Vec<std::sync::Arc<[instr::Instr]>>,
    /// What a call needs to know of each prototype, packed (see
    /// [`link::CallInfo`]).
    pub(crate) calls: Vec<link::CallInfo>,
    /// Inline caches, one per by-name lookup site of every prototype
    /// (numbered by `link::translate`).
    pub caches: Vec<cache::Site>,
    /// The cache behind megamorphic sites.
    pub mega: cache::MegaCache,
    /// The upvalue list of the closure whose captured variables were
    /// last read, so a loop reading them skips the closure's lookup.
    /// Emptied by every collection, which may free or rename closures.
    pub(crate) upvals: run::UpvalCache,
    /// What each `CALL` site last called, valid in the `epoch` it was
    /// filled in.
    pub(crate) call_sites: Vec<run::CallSite>,
    /// Counts collections: a collection may free or rename the closures
    /// that call sites remember.
    pub(crate) epoch: u64,
    pub modules: Vec<Module>,
    /// Values of the prelude table, by builtin index.
    pub builtins: Vec<Value>,
    pub classes: HashMap<&'static str, ObjRef>,
    /// The built-in classes by kind, so `class_of` finds a built-in
    /// value's class without hashing its name (a collector root; `Error`
    /// and `Host` name many classes and stay unset).
    pub(crate) builtin_classes: [ObjRef; BUILTIN_KINDS],
    /// Native modules (`math`) by name.
    pub native_modules: HashMap<&'static str, ObjRef>,
    pub done: ObjRef,
    /// Marks a parameter slot that received no argument.
    pub absent: ObjRef,
    /// Resolves relative imports (the command line installs a compiler).
    pub loader: Option<load::Loader>,
    pub loaded_paths: HashMap<std::path::PathBuf, ObjRef>,
    /// The running fiber's stacks.
    pub stack: Vec<Value>,
    pub frames: Vec<Frame>,
    /// The running fiber object (`None`: the main fiber).
    pub fiber: Option<ObjRef>,
    pub native_depth: usize,
    pub limits: Limits,
    pub stats: Stats,
    pub collect_stats: bool,
    /// Values natives hold across a possible collection.
    pub temp_roots: Vec<Value>,
    /// Rooted values the host holds (renamed when objects move).
    pub handles: crate::heap::Handles,
    /// Argument buffers for native calls, reused (one per nesting level).
    pub arg_pool: Vec<Vec<Value>>,
    /// The host-call table: the only way out of the VM (`crate::host`).
    pub host: crate::host::HostTable,
    /// State that native modules keep per VM (`random`'s generator).
    pub extensions: crate::host::Extensions,
    pub sym_init: Sym,
    pub sym_class: Sym,
    pub sym_eq: Sym,
    /// `Object`'s own `==` (identity), which `==` on instances that keep
    /// it decides without a call.
    pub identity_eq: Value,
    /// The Map class's own `get`, which the loop runs in place for plain
    /// keys.
    pub map_get: Value,
    /// Where the last read of a Map by Int key found it, for the write
    /// that often follows.
    pub(crate) int_hint: crate::runtime::keys::IntHint,
    /// The same for the last read by String key.
    pub(crate) str_hint: crate::runtime::keys::StrHint,
    /// Shared with every [`Interrupt`] handle given out.
    interrupt: Interrupt,
    /// The `data` of the native being called (which host closure it is).
    pub native_data: u32,
    /// Handles and host closures of the embedding API.
    pub(crate) embed: crate::embed::State,
    /// Instructions left to run (`None`: no limit); see [`fuel`].
    fuel: Option<u64>,
    /// The native nesting depth at which the dispatch loop last stopped
    /// for want of fuel, its frames left in place; see [`fuel`].
    fuel_suspended: Option<usize>,
}

impl Vm {
    /// A VM with the prelude installed and the default heap.
    pub fn new() -> Vm {
        Vm::with_heap(crate::heap::HeapConfig::default())
    }

    /// A VM with the prelude installed and a heap configured by `config`.
    pub fn with_heap(config: crate::heap::HeapConfig) -> Vm {
        let mut heap = Heap::new(config);
        let done = heap.alloc(Object::Done);
        let absent = heap.alloc(Object::Done);
        let mut vm = Vm {
            heap,
            symbols: Symbols::default(),
            protos: Vec::new(),
            code: Vec::new(),
            calls: Vec::new(),
            caches: Vec::new(),
            mega: cache::MegaCache::default(),
            upvals: run::UpvalCache::EMPTY,
            call_sites: Vec::new(),
            epoch: 0,
            modules: Vec::new(),
            builtins: Vec::new(),
            classes: HashMap::new(),
            builtin_classes: [done; BUILTIN_KINDS],
            native_modules: HashMap::new(),
            done,
            absent,
            loader: None,
            loaded_paths: HashMap::new(),
            stack: Vec::with_capacity(1024),
            frames: Vec::with_capacity(64),
            fiber: None,
            native_depth: 0,
            limits: Limits::default(),
            stats: Stats::default(),
            collect_stats: false,
            temp_roots: Vec::new(),
            handles: crate::heap::Handles::default(),
            arg_pool: Vec::new(),
            host: crate::host::HostTable::default(),
            extensions: crate::host::Extensions::default(),
            sym_init: Sym(0),
            sym_class: Sym(0),
            sym_eq: Sym(0),
            identity_eq: Value::Nil,
            map_get: Value::Nil,
            int_hint: crate::runtime::keys::IntHint::NONE,
            str_hint: crate::runtime::keys::StrHint::NONE,
            interrupt: Interrupt::default(),
            native_data: 0,
            embed: crate::embed::State::default(),
            fuel: None,
            fuel_suspended: None,
        };
        vm.sym_init = vm.symbols.intern("init");
        vm.sym_class = vm.symbols.intern("class");
        vm.sym_eq = vm.symbols.intern("==");
        crate::runtime::prelude::install(&mut vm);
        let object = vm.class("Object");
        vm.identity_eq = vm.find_method(object, vm.sym_eq).unwrap_or(Value::Nil);
        let map = vm.class("Map");
        let get = vm.symbols.intern("get");
        vm.map_get = vm.find_method(map, get).unwrap_or(Value::Nil);
        vm
    }

    pub fn intern(&mut self, name: &str) -> Sym {
        self.symbols.intern(name)
    }

    pub fn str_value(&mut self, s: impl Into<Box<str>>) -> Value {
        Value::Obj(self.heap.alloc(Object::Str(StrObj::new(s))))
    }

    /// [`Vm::str_value`] of a string whose ASCII flag and length are known.
    pub(crate) fn str_value_of(&mut self, s: StrObj) -> Value {
        Value::Obj(self.heap.alloc(Object::Str(s)))
    }

    pub fn class(&self, name: &str) -> ObjRef {
        self.classes[name]
    }

    /// Creates a built-in class object.
    pub fn new_builtin_class(
        &mut self,
        name: &'static str,
        builtin: Builtin,
        superclass: Option<ObjRef>,
        fields: &[&str],
    ) -> ObjRef {
        let fields: Vec<Sym> = fields.iter().map(|f| self.symbols.intern(f)).collect();
        let field_index = fields
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i as u16))
            .collect();
        let mut methods = crate::symbol::SymMap::default();
        if let Some(sup) = superclass {
            if let Object::Class(c) = self.heap.get(sup) {
                methods = c.methods.clone();
            }
        }
        let class = ClassObj {
            name: name.into(),
            superclass,
            fields,
            field_index,
            methods,
            statics: crate::symbol::SymMap::default(),
            static_methods: crate::symbol::SymMap::default(),
            field_inits: Vec::new(),
            builtin: Some(builtin),
            module: None,
            eq_kind: std::cell::Cell::new(0),
        };
        let r = self.heap.alloc(Object::Class(Box::new(class)));
        self.classes.insert(name, r);
        if !matches!(builtin, Builtin::Error | Builtin::Host) {
            self.builtin_classes[builtin as usize] = r;
        }
        r
    }

    /// Collects garbage if due; call only at safepoints. `Err` is the
    /// `MemoryError` to raise when the heap is over its limit.
    #[inline]
    pub fn maybe_collect(&mut self) -> Result<(), Exc> {
        if self.heap.should_collect() {
            return self.collect();
        }
        Ok(())
    }

    /// Collects now (minor, and major if due), renaming every root.
    pub fn collect(&mut self) -> Result<(), Exc> {
        let outcome = self.collect_quietly();
        if outcome == crate::heap::Outcome::OverLimit {
            return Err(self.memory_error());
        }
        Ok(())
    }

    /// The `MemoryError` for a heap over its limit.
    pub(crate) fn memory_error(&mut self) -> Exc {
        let limit = self.heap.config.max_heap.unwrap_or(0);
        let message = format!(
            "heap limit of {} exceeded",
            crate::heap::format_bytes(limit)
        );
        self.error_of("MemoryError", message)
    }

    /// Checks, before native code builds a value of about `bytes`, that it
    /// fits under the heap limit: `MemoryError` if it cannot.
    pub fn reserve(&mut self, bytes: usize) -> Result<(), Exc> {
        if self.heap.would_exceed(bytes) {
            return Err(self.memory_error());
        }
        Ok(())
    }

    /// Collects, reporting (not raising) an exceeded limit.
    pub fn collect_quietly(&mut self) -> crate::heap::Outcome {
        self.embed.release_dropped(&mut self.handles);
        let outcome = self.with_roots(|heap, roots| heap.collect(roots));
        // Its keys name classes by index, which may have changed.
        self.mega.clear();
        outcome
    }

    /// Frees the garbage [`Vm::measure_garbage`] found, moving nothing:
    /// the dispatch loop calls it after an instruction whose native code
    /// found some, where every live value is in the frames and on the
    /// stack. An exceeded limit is left for the next safepoint to raise.
    #[cold]
    #[inline(never)]
    pub(crate) fn free_measured_garbage(&mut self) {
        self.embed.release_dropped(&mut self.handles);
        self.with_roots(|heap, roots| heap.collect_garbage(roots));
        self.mega.clear();
    }

    /// Finds the old generation's garbage without freeing it (see
    /// [`crate::heap::Heap::measure_garbage`]): safe inside native code.
    pub fn measure_garbage(&mut self) {
        self.with_roots(|heap, roots| heap.measure_garbage(roots));
    }

    /// Runs `act` on the heap with a function that visits every root.
    fn with_roots<R>(
        &mut self,
        act: impl FnOnce(&mut crate::heap::Heap, &mut dyn FnMut(&mut dyn crate::heap::Tracer)) -> R,
    ) -> R {
        // The collection may free or rename the cached closures.
        self.upvals = run::UpvalCache::EMPTY;
        self.epoch += 1;
        let Vm {
            heap,
            stack,
            frames,
            builtins,
            classes,
            builtin_classes,
            native_modules,
            done,
            absent,
            loaded_paths,
            fiber,
            temp_roots,
            modules,
            caches,
            handles,
            embed,
            identity_eq,
            map_get,
            ..
        } = self;
        act(heap, &mut |t: &mut dyn crate::heap::Tracer| {
            stack.iter_mut().for_each(|v| t.value(v));
            frames.iter_mut().for_each(|f| t.obj(&mut f.closure));
            builtins.iter_mut().for_each(|v| t.value(v));
            classes.values_mut().for_each(|r| t.obj(r));
            builtin_classes.iter_mut().for_each(|r| t.obj(r));
            native_modules.values_mut().for_each(|r| t.obj(r));
            t.obj(done);
            t.obj(absent);
            t.value(identity_eq);
            t.value(map_get);
            loaded_paths.values_mut().for_each(|r| t.obj(r));
            t.opt(fiber);
            temp_roots.iter_mut().for_each(|v| t.value(v));
            handles.trace(t);
            embed.trace(t);
            for m in modules.iter_mut() {
                m.constants.iter_mut().for_each(|v| t.value(v));
                m.globals.iter_mut().for_each(|v| t.value(v));
                t.opt(&mut m.object);
                m.imports.iter_mut().for_each(|i| t.opt(&mut i.resolved));
            }
            caches.iter_mut().for_each(|s| s.trace(t));
        })
    }

    /// Runs `f` (a nested dispatch loop started by native code) with the
    /// nursery pinned: the native code's Rust locals keep naming the
    /// objects they did.
    pub fn pinned<R>(&mut self, f: impl FnOnce(&mut Vm) -> R) -> R {
        let pin = self.heap.pin();
        let result = f(self);
        self.heap.unpin(pin);
        result
    }
}

impl Default for Vm {
    fn default() -> Vm {
        Vm::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_class_is_installed() {
        let mut vm = Vm::new();
        vm.collect().unwrap();
        let kinds = [
            (Builtin::Nil, "Nil"),
            (Builtin::Bool, "Bool"),
            (Builtin::Int, "Int"),
            (Builtin::Float, "Float"),
            (Builtin::String, "String"),
            (Builtin::List, "List"),
            (Builtin::Map, "Map"),
            (Builtin::Range, "Range"),
            (Builtin::Class, "Class"),
            (Builtin::Function, "Function"),
            (Builtin::Object, "Object"),
            (Builtin::Module, "Module"),
            (Builtin::Iterator, "Iterator"),
            (Builtin::Fiber, "Fiber"),
        ];
        for (kind, name) in kinds {
            assert_eq!(vm.builtin_classes[kind as usize], vm.class(name), "{name}");
        }
        assert_eq!(vm.class_name_of(Value::Int(1)), "Int");
        let s = vm.str_value("s");
        assert_eq!(vm.class_name_of(s), "String");
    }

    #[test]
    fn the_methods_the_loop_knows_are_renamed_when_they_move() {
        let mut vm = Vm::new();
        for _ in 0..4 {
            vm.collect().unwrap();
            // Compared by name: a stale one could match another method.
            let object = vm.class("Object");
            assert_eq!(vm.find_method(object, vm.sym_eq), Some(vm.identity_eq));
            let map = vm.class("Map");
            let get = vm.intern("get");
            assert_eq!(vm.find_method(map, get), Some(vm.map_get));
        }
    }
}
