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
pub mod error;
pub mod fiber;
pub mod fuse;
pub mod instr;
pub mod interrupt;
pub mod iter;
pub mod link;
pub mod load;
pub mod members;
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

/// Built-in classes, by role.
#[derive(Clone, Debug)]
pub struct Classes {
    pub by_builtin: HashMap<&'static str, ObjRef>,
}

pub struct Vm {
    pub heap: Heap,
    pub symbols: Symbols,
    pub protos: Vec<Proto>,
    /// Translated code, per prototype (shared so the loop can hold it).
    pub code: Vec<std::sync::Arc<[instr::Instr]>>,
    /// Inline caches, per prototype.
    pub caches: Vec<Vec<cache::Site>>,
    /// The cache behind megamorphic sites.
    pub mega: cache::MegaCache,
    pub modules: Vec<Module>,
    /// Values of the prelude table, by builtin index.
    pub builtins: Vec<Value>,
    pub classes: HashMap<&'static str, ObjRef>,
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
    /// Argument buffers for native calls, reused (one per nesting level).
    pub arg_pool: Vec<Vec<Value>>,
    /// The host-call table: the only way out of the VM (`crate::host`).
    pub host: crate::host::HostTable,
    /// State that native modules keep per VM (`random`'s generator).
    pub extensions: crate::host::Extensions,
    pub sym_init: Sym,
    pub sym_class: Sym,
    pub sym_eq: Sym,
    /// Shared with every [`Interrupt`] handle given out.
    interrupt: Interrupt,
}

impl Vm {
    /// A VM with the prelude installed.
    pub fn new() -> Vm {
        let mut heap = Heap::new();
        let done = heap.alloc(Object::Done);
        let absent = heap.alloc(Object::Done);
        let mut vm = Vm {
            heap,
            symbols: Symbols::default(),
            protos: Vec::new(),
            code: Vec::new(),
            caches: Vec::new(),
            mega: cache::MegaCache::default(),
            modules: Vec::new(),
            builtins: Vec::new(),
            classes: HashMap::new(),
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
            arg_pool: Vec::new(),
            host: crate::host::HostTable::default(),
            extensions: crate::host::Extensions::default(),
            sym_init: Sym(0),
            sym_class: Sym(0),
            sym_eq: Sym(0),
            interrupt: Interrupt::default(),
        };
        vm.sym_init = vm.symbols.intern("init");
        vm.sym_class = vm.symbols.intern("class");
        vm.sym_eq = vm.symbols.intern("==");
        crate::runtime::prelude::install(&mut vm);
        vm
    }

    pub fn intern(&mut self, name: &str) -> Sym {
        self.symbols.intern(name)
    }

    pub fn str_value(&mut self, s: impl Into<Box<str>>) -> Value {
        Value::Obj(self.heap.alloc(Object::Str(StrObj::new(s))))
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
        };
        let r = self.heap.alloc(Object::Class(Box::new(class)));
        self.classes.insert(name, r);
        r
    }

    /// Collects garbage if due; call only at safepoints.
    #[inline]
    pub fn maybe_collect(&mut self) {
        if self.heap.should_collect() {
            self.collect();
        }
    }

    pub fn collect(&mut self) {
        let mut roots: Vec<Value> = Vec::with_capacity(self.stack.len() + 64);
        roots.extend_from_slice(&self.stack);
        roots.extend(self.frames.iter().map(|f| Value::Obj(f.closure)));
        roots.extend_from_slice(&self.builtins);
        roots.extend(self.classes.values().map(|c| Value::Obj(*c)));
        roots.extend(self.native_modules.values().map(|c| Value::Obj(*c)));
        roots.push(Value::Obj(self.done));
        roots.push(Value::Obj(self.absent));
        roots.extend(self.loaded_paths.values().map(|r| Value::Obj(*r)));
        roots.extend(self.fiber.map(Value::Obj));
        roots.extend_from_slice(&self.temp_roots);
        for m in &self.modules {
            roots.extend_from_slice(&m.constants);
            roots.extend_from_slice(&m.globals);
            roots.extend(m.object.map(Value::Obj));
            roots.extend(m.imports.iter().filter_map(|i| i.resolved.map(Value::Obj)));
        }
        for cache in &self.caches {
            for entry in cache {
                entry.trace(&mut roots);
            }
        }
        self.heap.collect(roots.into_iter());
        self.mega.clear();
    }
}

impl Default for Vm {
    fn default() -> Vm {
        Vm::new()
    }
}
