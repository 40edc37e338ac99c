//! [`Runtime`]: one VM as a Rust host sees it.

use std::sync::Arc;

use super::host_fn::{self, HostFunction};
use super::{ClassBuilder, Error, ErrorKind, FromValue, Function, Handle, IntoArgs, IntoValue};
use crate::classfile::{self, ClassFile};
use crate::heap::HeapConfig;
use crate::host::{Capabilities, Host};
use crate::interp::{Exc, Interrupt, Vm};
use crate::value::Value;

/// How to set up a [`Runtime`]: heap, limits, capabilities and host.
///
/// ```
/// use cairn_vm::embed::{Config, Runtime};
/// let config = Config::default()
///     .max_heap(64 << 20)
///     .max_call_depth(500)
///     .fuel(1_000_000);
/// let rt = Runtime::new(config);
/// assert_eq!(rt.fuel(), Some(1_000_000));
/// ```
pub struct Config {
    heap: HeapConfig,
    max_call_depth: usize,
    fuel: Option<u64>,
    capabilities: Capabilities,
    host: Option<Box<dyn Host>>,
}

impl Default for Config {
    /// The default heap with no limit, 10,000 nested calls, unlimited fuel,
    /// no capabilities beyond the standard streams, clocks and entropy,
    /// and the operating system as host.
    fn default() -> Config {
        Config {
            heap: HeapConfig::default(),
            max_call_depth: crate::interp::Limits::default().max_call_depth,
            fuel: None,
            capabilities: Capabilities::none(),
            host: None,
        }
    }
}

impl Config {
    /// Caps the heap at `bytes`: past it, allocation raises `MemoryError`
    /// (and an uncaught one is [`ErrorKind::HeapLimit`]).
    #[must_use]
    pub fn max_heap(mut self, bytes: usize) -> Config {
        self.heap.max_heap = Some(bytes);
        self
    }

    /// Caps the depth of nested Cairn calls (an uncaught overflow is
    /// [`ErrorKind::CallDepth`]).
    #[must_use]
    pub fn max_call_depth(mut self, depth: usize) -> Config {
        self.max_call_depth = depth.max(1);
        self
    }

    /// Starts with `fuel` instructions to spend (see [`Runtime::set_fuel`]).
    #[must_use]
    pub fn fuel(mut self, fuel: u64) -> Config {
        self.fuel = Some(fuel);
        self
    }

    /// What scripts may reach: files, environment variables, named
    /// capabilities of the host's own calls.
    #[must_use]
    pub fn capabilities(mut self, caps: Capabilities) -> Config {
        self.capabilities = caps;
        self
    }

    /// The host the VM's host calls go to (the default is the operating
    /// system; [`OsHost`](crate::host::OsHost) can redirect the standard
    /// streams, a test double can stand in for everything).
    #[must_use]
    pub fn host(mut self, host: Box<dyn Host>) -> Config {
        self.host = Some(host);
        self
    }

    /// The whole heap configuration (generation sizes, limit).
    #[must_use]
    pub fn heap(mut self, heap: HeapConfig) -> Config {
        self.heap = heap;
        self
    }
}

/// Verified, immutable code: a class file that passed the verifier, ready
/// to load into any number of runtimes on any threads. Cloning shares it.
///
/// ```
/// use cairn_vm::embed::Program;
/// let e = Program::from_bytes(b"not a class file").unwrap_err();
/// assert_eq!(e.kind(), cairn_vm::embed::ErrorKind::Load);
/// ```
#[derive(Clone, Debug)]
pub struct Program {
    class_file: Arc<ClassFile>,
}

impl Program {
    /// Decodes and verifies a class file.
    ///
    /// # Errors
    /// [`ErrorKind::Load`] with the decoder's or verifier's message.
    pub fn from_bytes(bytes: &[u8]) -> Result<Program, Error> {
        let cf = classfile::read(bytes).map_err(|e| Error::load(e.to_string()))?;
        Program::from_class_file(cf)
    }

    /// Verifies a class-file model (one the compiler made, say).
    ///
    /// # Errors
    /// [`ErrorKind::Load`] with the verifier's message.
    pub fn from_class_file(cf: ClassFile) -> Result<Program, Error> {
        crate::verify::verify(&cf).map_err(|e| Error::load(e.to_string()))?;
        Ok(Program {
            class_file: Arc::new(cf),
        })
    }

    /// The module name the class file declares.
    pub fn name(&self) -> &str {
        self.class_file
            .str_const(self.class_file.name)
            .unwrap_or("?")
    }

    /// The verified class file.
    pub fn class_file(&self) -> &ClassFile {
        &self.class_file
    }
}

/// A module loaded into a [`Runtime`]: names its globals. It is only an
/// index: copy it freely; using it with another runtime is an error.
///
/// ```
/// use cairn_vm::embed::{Config, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
/// let mut other = Runtime::new(Config::default());
/// assert!(other.global::<i64>(m, "limit").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Module {
    owner: u64,
    index: usize,
}

/// A call stopped by running out of fuel, kept to resume.
#[derive(Clone, Copy, Debug)]
struct Suspended {
    /// Frames below this depth are not the call's.
    depth: usize,
    /// Stack height before the call.
    at: usize,
}

/// One Cairn VM, for a Rust host: load code, read and write globals, call
/// functions with Rust values, bind Rust closures, set limits.
///
/// A runtime is `Send`: it runs on whichever thread owns it. Runtimes
/// share nothing but the [`Program`]s loaded into several of them.
///
/// ```
/// use cairn_vm::embed::{Config, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// let greet = rt.create_function("greet", |name: String| format!("hello, {name}"));
/// let s: String = rt.call_function(&greet, ("world",)).unwrap();
/// assert_eq!(s, "hello, world");
/// ```
pub struct Runtime {
    vm: Vm,
    suspended: Option<Suspended>,
    /// The buffer calls from Rust convert their arguments into.
    args: Vec<Value>,
}

impl Runtime {
    /// A runtime with the built-in prelude and the `math` module.
    ///
    /// # Panics
    /// Never for the default host; a custom host that cannot resolve a
    /// granted path leaves that grant out (see
    /// [`HostTable::set_capabilities`](crate::host::HostTable::set_capabilities)).
    pub fn new(config: Config) -> Runtime {
        let mut vm = Vm::with_heap(config.heap);
        vm.limits.max_call_depth = config.max_call_depth;
        if let Some(host) = config.host {
            vm.host = crate::host::HostTable::new(host);
        }
        // A grant the host cannot resolve is dropped, not fatal: the
        // script gets a PermissionError when it tries.
        if vm.host.set_capabilities(config.capabilities).is_err() {
            let _ = vm.host.set_capabilities(Capabilities::none());
        }
        vm.set_fuel(config.fuel);
        Runtime {
            vm,
            suspended: None,
            args: Vec::new(),
        }
    }

    /// The VM underneath, for what this API does not cover (installing
    /// native modules, the heap's statistics).
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// assert!(rt.vm().heap.stats.collections() == 0);
    /// ```
    pub fn vm(&mut self) -> &mut Vm {
        &mut self.vm
    }

    /// Loads verified code as a new module and runs its top level.
    ///
    /// # Errors
    /// The error that escaped the top level, or a limit it hit.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
    /// assert_eq!(rt.call::<i64>(m, "add", (2, 3)).unwrap(), 5);
    /// ```
    pub fn load(&mut self, program: &Program) -> Result<Module, Error> {
        self.discard_suspended();
        let index = self.vm.link(program.class_file(), None, false);
        let module = Module {
            owner: self.vm.embed.id,
            index,
        };
        match self.vm.run_module(index) {
            Ok(crate::interp::load::Finish::Completed) => Ok(module),
            Ok(other) => Err(finish_error(other)),
            Err(u) => Err(Error::uncaught(u)),
        }
    }

    /// Decodes, verifies and loads a class file (see [`Runtime::load`]).
    ///
    /// # Errors
    /// [`ErrorKind::Load`], or what running its top level raised.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
    /// let bytes = cairn_vm::classfile::write(cairn_vm::embed::example_program().class_file());
    /// let again = rt.load_bytes(&bytes).unwrap();
    /// assert_ne!(m, again); // a second, independent module
    /// ```
    pub fn load_bytes(&mut self, bytes: &[u8]) -> Result<Module, Error> {
        let program = Program::from_bytes(bytes)?;
        self.load(&program)
    }

    fn module_index(&self, m: Module) -> Result<usize, Error> {
        if m.owner != self.vm.embed.id || m.index >= self.vm.modules.len() {
            return Err(Error::misuse("a module of another runtime"));
        }
        Ok(m.index)
    }

    /// The slot of global `name` of module `m`.
    fn global_slot(&self, m: Module, name: &str) -> Result<(usize, usize), Error> {
        let index = self.module_index(m)?;
        let module = &self.vm.modules[index];
        let slot = self.vm.symbols.lookup(name).and_then(|sym| {
            module
                .global_names
                .iter()
                .zip(&module.exported)
                .position(|(n, e)| *n == sym && *e)
        });
        match slot {
            Some(s) => Ok((index, s)),
            None => Err(Error::not_found(format!(
                "module '{}' has no global '{name}'",
                module.name
            ))),
        }
    }

    /// Reads global `name` of a module.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], or a failed conversion.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
    /// assert_eq!(rt.global::<i64>(m, "limit").unwrap(), 10);
    /// ```
    pub fn global<T: FromValue>(&mut self, m: Module, name: &str) -> Result<T, Error> {
        let (index, slot) = self.global_slot(m, name)?;
        let v = self.vm.modules[index].globals[slot];
        T::from_value(v, &mut self.vm).map_err(|e| e.context(format_args!("global '{name}'")))
    }

    /// Sets global `name` of a module (it must be declared by the module).
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], or a failed conversion.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
    /// rt.set_global(m, "limit", 3).unwrap();
    /// assert!(rt.call::<bool>(m, "over", (5,)).unwrap());
    /// ```
    pub fn set_global<T: IntoValue>(
        &mut self,
        m: Module,
        name: &str,
        value: T,
    ) -> Result<(), Error> {
        let (index, slot) = self.global_slot(m, name)?;
        let v = value.into_value(&mut self.vm)?;
        self.vm.modules[index].globals[slot] = v;
        Ok(())
    }

    /// The names of a module's globals, in declaration order.
    ///
    /// # Errors
    /// [`ErrorKind::Misuse`] for a module of another runtime.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
    /// assert_eq!(rt.globals(m).unwrap(), ["limit", "add", "over"]);
    /// ```
    pub fn globals(&self, m: Module) -> Result<Vec<String>, Error> {
        let index = self.module_index(m)?;
        let module = &self.vm.modules[index];
        Ok(module
            .global_names
            .iter()
            .zip(&module.exported)
            .filter(|(_, e)| **e)
            .map(|(n, _)| self.vm.symbols.name(*n).to_string())
            .collect())
    }

    /// Calls the function in global `name` of a module.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`], what the call raised, a limit, or a failed
    /// conversion.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
    /// assert!(!rt.call::<bool>(m, "over", (7,)).unwrap());
    /// let e = rt.call::<i64>(m, "add", (1, "x")).unwrap_err();
    /// assert_eq!(e.class(), "TypeError");
    /// ```
    pub fn call<R: FromValue>(
        &mut self,
        m: Module,
        name: &str,
        args: impl IntoArgs,
    ) -> Result<R, Error> {
        let (index, slot) = self.global_slot(m, name)?;
        let f = self.vm.modules[index].globals[slot];
        if !super::handle::is_callable(&self.vm, f) {
            let class = self.vm.class_name_of(f);
            return Err(Error::conversion(format!(
                "global '{name}' is a {class}, not a Function"
            )));
        }
        let v = self.run_call(f, None, args)?;
        R::from_value(v, &mut self.vm)
    }

    /// Calls a function handle.
    ///
    /// # Errors
    /// What the call raised, a limit, or a failed conversion.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let m = rt.load(&cairn_vm::embed::example_program()).unwrap();
    /// let add: cairn_vm::embed::Function = rt.global(m, "add").unwrap();
    /// assert_eq!(rt.call_function::<f64>(&add, (0.5, 2)).unwrap(), 2.5);
    /// ```
    pub fn call_function<R: FromValue>(
        &mut self,
        f: &Function,
        args: impl IntoArgs,
    ) -> Result<R, Error> {
        let callee = f.handle().value(&self.vm)?;
        let v = self.run_call(callee, None, args)?;
        R::from_value(v, &mut self.vm)
    }

    /// Calls method `name` of the value a handle roots.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when it has no such method, what the call
    /// raised, a limit, or a failed conversion.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let s = rt.value("a,b").unwrap();
    /// let parts: Vec<String> = rt.call_method(&s, "split", (",",)).unwrap();
    /// assert_eq!(parts, ["a", "b"]);
    /// ```
    pub fn call_method<R: FromValue>(
        &mut self,
        receiver: &Handle,
        name: &str,
        args: impl IntoArgs,
    ) -> Result<R, Error> {
        let this = receiver.value(&self.vm)?;
        let sym = self.vm.intern(name);
        let class = self.vm.class_of(this);
        let Some(method) = self.vm.find_method(class, sym) else {
            let class = self.vm.class_name(class);
            return Err(Error::not_found(format!("{class} has no method '{name}'")));
        };
        let v = self.run_call(method, Some(this), args)?;
        R::from_value(v, &mut self.vm)
    }

    /// Converts a Rust value and roots it.
    ///
    /// # Errors
    /// The value has no Cairn equivalent.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let h = rt.value(vec![1.5, 2.5]).unwrap();
    /// assert_eq!(rt.class_name(&h).unwrap(), "List");
    /// ```
    pub fn value<T: IntoValue>(&mut self, v: T) -> Result<Handle, Error> {
        let v = v.into_value(&mut self.vm)?;
        Ok(Handle::new(&mut self.vm, v))
    }

    /// Reads the value a handle roots as a Rust value.
    ///
    /// # Errors
    /// A failed conversion, or a handle of another runtime.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let h = rt.value("text").unwrap();
    /// assert_eq!(rt.get::<String>(&h).unwrap(), "text");
    /// assert!(rt.get::<i64>(&h).is_err());
    /// ```
    pub fn get<T: FromValue>(&mut self, h: &Handle) -> Result<T, Error> {
        let v = h.value(&self.vm)?;
        T::from_value(v, &mut self.vm)
    }

    /// The class name of the value a handle roots.
    ///
    /// # Errors
    /// A handle of another runtime.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let h = rt.value(Some(1)).unwrap();
    /// assert_eq!(rt.class_name(&h).unwrap(), "Int");
    /// ```
    pub fn class_name(&self, h: &Handle) -> Result<String, Error> {
        let v = h.value(&self.vm)?;
        Ok(self.vm.class_name_of(v))
    }

    /// Makes a Rust closure a Cairn function, named `name` in messages and
    /// tracebacks. Pass it to scripts as an argument or a global, or bind it
    /// in a module with [`Runtime::define_module`].
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let shout = rt.create_function("shout", |s: String| s.to_uppercase());
    /// assert_eq!(rt.call_function::<String>(&shout, ("hi",)).unwrap(), "HI");
    /// ```
    pub fn create_function<M>(&mut self, name: &str, f: impl HostFunction<M>) -> Function {
        let v = host_fn::bind(&mut self.vm, name, f);
        Function::from_value(v, &mut self.vm).expect("a bound host function is callable")
    }

    /// Exposes Rust type `T` as a Cairn class (see [`ClassBuilder`]) and
    /// returns the class, callable to construct. Registering `T` again
    /// replaces the class used for new objects.
    ///
    /// ```
    /// use cairn_vm::embed::{ClassBuilder, Config, Runtime};
    /// struct Temp(f64);
    /// let mut rt = Runtime::new(Config::default());
    /// let class = rt.register_class(ClassBuilder::<Temp>::new("Temp").constructor(|c: f64| Temp(c)));
    /// let t: cairn_vm::embed::Handle = rt.call_function(&class, (21.5,)).unwrap();
    /// assert_eq!(rt.class_name(&t).unwrap(), "Temp");
    /// ```
    pub fn register_class<T: std::any::Any + Send>(&mut self, class: ClassBuilder<T>) -> Function {
        let r = class.build(&mut self.vm);
        Function::from_value(Value::Obj(r), &mut self.vm).expect("a class is callable")
    }

    /// Wraps a Rust value as an object of its registered class.
    ///
    /// # Errors
    /// [`ErrorKind::Misuse`] when `T` was never registered.
    ///
    /// ```
    /// use cairn_vm::embed::{ClassBuilder, Config, Runtime};
    /// struct Token(String);
    /// let mut rt = Runtime::new(Config::default());
    /// rt.register_class(ClassBuilder::<Token>::new("Token").getter("text", |t: &Token| t.0.clone()));
    /// let t = rt.create_object(Token("abc".into())).unwrap();
    /// assert_eq!(rt.with_object(&t, |t: &mut Token| t.0.len()).unwrap(), 3);
    /// ```
    pub fn create_object<T: std::any::Any + Send>(&mut self, value: T) -> Result<Handle, Error> {
        let v = super::host_class::wrap(&mut self.vm, value)?;
        Ok(Handle::new(&mut self.vm, v))
    }

    /// Borrows the Rust value inside a host object.
    ///
    /// # Errors
    /// [`ErrorKind::Conversion`] when the handle is not a `T` object.
    ///
    /// ```
    /// use cairn_vm::embed::{ClassBuilder, Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// rt.register_class(ClassBuilder::<Vec<u8>>::new("Bytes"));
    /// let b = rt.create_object(vec![1u8, 2]).unwrap();
    /// rt.with_object(&b, |v: &mut Vec<u8>| v.push(3)).unwrap();
    /// assert_eq!(rt.with_object(&b, |v: &mut Vec<u8>| v.clone()).unwrap(), [1, 2, 3]);
    /// assert!(rt.with_object(&b, |s: &mut String| s.len()).is_err());
    /// ```
    pub fn with_object<T: std::any::Any + Send, R>(
        &mut self,
        h: &Handle,
        f: impl FnOnce(&mut T) -> R,
    ) -> Result<R, Error> {
        let v = h.value(&self.vm)?;
        super::host_class::borrow(&mut self.vm, v, f)
    }

    /// Starts a native module of Rust closures that scripts import by name
    /// (`import NAME`).
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// rt.define_module("units").function("km", |m: f64| m / 1000.0).install();
    /// assert!(rt.native_module_names().contains(&"units".to_string()));
    /// ```
    pub fn define_module(&mut self, name: &str) -> ModuleBuilder<'_> {
        ModuleBuilder {
            rt: self,
            name: name.to_string(),
            members: Vec::new(),
        }
    }

    /// The names of the native modules scripts can import (the compiler
    /// needs them to accept `import NAME`).
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// assert_eq!(rt.native_module_names(), ["math"]);
    /// ```
    pub fn native_module_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .vm
            .native_modules
            .keys()
            .map(|k| (*k).to_string())
            .collect();
        names.sort();
        names
    }

    /// Remaining fuel; `None` when unlimited.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// assert_eq!(rt.fuel(), None);
    /// rt.set_fuel(Some(100));
    /// rt.add_fuel(50);
    /// assert_eq!(rt.fuel(), Some(150));
    /// ```
    pub fn fuel(&self) -> Option<u64> {
        self.vm.fuel()
    }

    /// Sets the fuel budget: each instruction spends one unit, and a script
    /// that runs out stops with [`ErrorKind::OutOfFuel`]. `None` lifts the
    /// limit.
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.vm.set_fuel(fuel);
    }

    /// Adds fuel (nothing changes when fuel is unlimited).
    pub fn add_fuel(&mut self, fuel: u64) {
        self.vm.add_fuel(fuel);
    }

    /// A handle another thread can use to stop the running script within a
    /// bounded number of instructions ([`ErrorKind::Interrupted`]).
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let handle = rt.interrupt_handle();
    /// std::thread::spawn(move || handle.trigger()).join().unwrap();
    /// // The next script stops at its first safepoint.
    /// assert!(rt.interrupt_handle().is_triggered());
    /// ```
    pub fn interrupt_handle(&self) -> Interrupt {
        self.vm.interrupt_handle()
    }

    /// Collects garbage now: unreachable host objects are dropped.
    ///
    /// # Errors
    /// [`ErrorKind::HeapLimit`] when live data exceeds the heap limit.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// let kept = rt.value(vec!["survives"]).unwrap();
    /// rt.collect().unwrap();
    /// assert_eq!(rt.get::<Vec<String>>(&kept).unwrap(), ["survives"]);
    /// ```
    pub fn collect(&mut self) -> Result<(), Error> {
        self.vm.heap.request_major();
        match self.vm.collect() {
            Ok(()) => Ok(()),
            Err(exc) => Err(error_of_exc(&mut self.vm, exc)),
        }
    }

    /// Whether a call stopped by running out of fuel can be resumed.
    ///
    /// ```
    /// use cairn_vm::embed::{Config, Runtime};
    /// let mut rt = Runtime::new(Config::default());
    /// assert!(!rt.can_resume());
    /// assert!(rt.resume::<()>().is_err());
    /// ```
    pub fn can_resume(&self) -> bool {
        self.suspended.is_some()
    }

    /// Goes on with the call that ran out of fuel, from where it stopped.
    /// Add fuel first. Any other call on the runtime abandons the
    /// suspended one.
    ///
    /// # Errors
    /// [`ErrorKind::Misuse`] when nothing is suspended; else as the
    /// original call.
    pub fn resume<R: FromValue>(&mut self) -> Result<R, Error> {
        let Some(s) = self.suspended.take() else {
            return Err(Error::misuse("no call is suspended"));
        };
        if !self.vm.can_resume() {
            self.abandon(s);
            return Err(Error::misuse("the suspended call can no longer go on"));
        }
        let v = self.drive_with(s.depth, s.at, Vm::resume_execute)?;
        R::from_value(v, &mut self.vm)
    }

    /// Drops a suspended call's frames.
    fn discard_suspended(&mut self) {
        if let Some(s) = self.suspended.take() {
            self.abandon(s);
        }
    }

    fn abandon(&mut self, s: Suspended) {
        self.vm.frames.truncate(s.depth);
        self.vm.stack.truncate(s.at);
        self.vm.forget_suspension();
    }

    /// Calls `f` (with `receiver` in slot 0 for a method) at the top level.
    fn run_call(
        &mut self,
        f: Value,
        receiver: Option<Value>,
        args: impl IntoArgs,
    ) -> Result<Value, Error> {
        self.discard_suspended();
        // Converted into a buffer kept between calls: a call from Rust
        // allocates only what its Cairn values need. Nothing collects
        // before they are on the operand stack.
        let mut buf = std::mem::take(&mut self.args);
        buf.clear();
        let converted = args.push_args(&mut self.vm, &mut buf);
        let vm = &mut self.vm;
        let at = vm.stack.len();
        let argc = buf.len();
        if converted.is_ok() {
            vm.stack.push(receiver.unwrap_or(f));
            vm.stack.extend_from_slice(&buf);
        }
        self.args = buf;
        converted?;
        let vm = &mut self.vm;
        let depth = vm.frames.len();
        let started = match receiver {
            Some(_) => vm.call_method(f, at, argc),
            None => vm.call_value_at(f, at, argc),
        };
        let pushed = match started {
            Ok(p) => p,
            Err(exc) => {
                vm.frames.truncate(depth);
                vm.stack.truncate(at);
                return Err(error_of_exc(vm, exc));
            }
        };
        if !pushed {
            let v = vm.stack.pop().unwrap_or(Value::Nil);
            vm.stack.truncate(at);
            return Ok(v);
        }
        if let Some(frame) = vm.frames.get_mut(depth) {
            frame.boundary = true;
        }
        self.drive(depth, at)
    }

    /// Runs the call whose frames are above `depth` until it returns or
    /// stops.
    fn drive(&mut self, depth: usize, at: usize) -> Result<Value, Error> {
        self.drive_with(depth, at, Vm::execute)
    }

    /// [`Runtime::drive`], starting the loop with `run` (which also resumes).
    fn drive_with(
        &mut self,
        depth: usize,
        at: usize,
        run: fn(&mut Vm, usize) -> Result<Value, Exc>,
    ) -> Result<Value, Error> {
        let vm = &mut self.vm;
        let result = run(vm, depth + 1);
        vm.flush_stdout();
        match result {
            Ok(v) => {
                vm.stack.truncate(at);
                Ok(v)
            }
            Err(Exc::OutOfFuel) if vm.frames.len() > depth && vm.can_resume() => {
                self.suspended = Some(Suspended { depth, at });
                Err(out_of_fuel())
            }
            Err(exc) => {
                let e = error_of_exc(vm, exc);
                vm.frames.truncate(depth);
                vm.stack.truncate(at);
                vm.forget_suspension();
                Err(e)
            }
        }
    }
}

fn out_of_fuel() -> Error {
    Error::new(ErrorKind::OutOfFuel, "OutOfFuel", "the fuel budget ran out")
}

/// The embedding error for how a run stopped.
pub(crate) fn error_of_exc(vm: &mut Vm, exc: Exc) -> Error {
    match exc {
        Exc::Error(e) => Error::uncaught(vm.uncaught(e)),
        Exc::OutOfFuel => out_of_fuel(),
        Exc::Interrupt => Error::new(
            ErrorKind::Interrupted,
            "Interrupted",
            "the script was interrupted",
        ),
        Exc::Exit(code) => Error::new(
            ErrorKind::Exit(code),
            "Exit",
            format!("the script exited with status {code}"),
        ),
        Exc::Yield(_) => Error::new(
            ErrorKind::Script,
            "ValueError",
            "Fiber.yield called outside a fiber",
        ),
    }
}

fn finish_error(f: crate::interp::load::Finish) -> Error {
    use crate::interp::load::Finish;
    match f {
        Finish::Exit(code) => error_of_exc_plain(Exc::Exit(code)),
        Finish::Interrupted => error_of_exc_plain(Exc::Interrupt),
        Finish::OutOfFuel => out_of_fuel(),
        Finish::Completed => Error::misuse("completed"),
    }
}

fn error_of_exc_plain(exc: Exc) -> Error {
    match exc {
        Exc::Interrupt => Error::new(
            ErrorKind::Interrupted,
            "Interrupted",
            "the script was interrupted",
        ),
        Exc::Exit(code) => Error::new(
            ErrorKind::Exit(code),
            "Exit",
            format!("the script exited with status {code}"),
        ),
        _ => out_of_fuel(),
    }
}

/// Builds a native module of Rust closures: see [`Runtime::define_module`].
///
/// ```
/// use cairn_vm::embed::{Config, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// rt.define_module("config")
///     .function("get", |key: String| key.len())
///     .value("version", "1.2")
///     .unwrap()
///     .install();
/// ```
pub struct ModuleBuilder<'a> {
    rt: &'a mut Runtime,
    name: String,
    members: Vec<(String, Value)>,
}

impl ModuleBuilder<'_> {
    /// Adds a Rust closure as function `name` (`MODULE.name` in messages).
    #[must_use]
    pub fn function<M>(mut self, name: &str, f: impl HostFunction<M>) -> Self {
        let full = format!("{}.{name}", self.name);
        let v = host_fn::bind(&mut self.rt.vm, &full, f);
        self.members.push((name.to_string(), v));
        self
    }

    /// Registers a Rust type as a class (see [`Runtime::register_class`])
    /// and binds it as the member named like the class.
    #[must_use]
    pub fn class<T: std::any::Any + Send>(mut self, class: ClassBuilder<T>) -> Self {
        let name = class.name().to_string();
        let f = self.rt.register_class(class);
        let v = f
            .handle()
            .value(&self.rt.vm)
            .expect("a handle of this runtime");
        self.members.push((name, v));
        self
    }

    /// Adds a constant member.
    ///
    /// # Errors
    /// The value has no Cairn equivalent.
    pub fn value<T: IntoValue>(mut self, name: &str, v: T) -> Result<Self, Error> {
        let v = v.into_value(&mut self.rt.vm)?;
        self.members.push((name.to_string(), v));
        Ok(self)
    }

    /// Makes the module importable, replacing one of the same name.
    pub fn install(self) {
        let mut builder = self.rt.vm.define_module(&self.name);
        for (name, v) in self.members {
            builder = builder.value(&name, v);
        }
        builder.install();
    }
}
