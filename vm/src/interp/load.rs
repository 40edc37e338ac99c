//! Loading and running modules: linking verified class files, running a
//! main module, and `IMPORT` (standard modules, and relative paths through
//! the host's module loader).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cache::Site;
use super::fiber::{CodeRef, Frame, OnReturn};
use super::instr::Instr;
use super::link::{exported_globals, translate, ClassDesc, Import, Module, ModuleState, Reloc};
use super::{Exc, Vm};
use crate::classfile::{ClassFile, Constant, FunctionKind, ImportKind};
use crate::object::{ClosureObj, ModuleObj, Object};
use crate::value::Value;

/// Finds, compiles or reads, and verifies the module a relative import
/// names. `path` has no extension; the loader decides between source and
/// class file. The command line installs one that uses the compiler.
pub type Loader = Box<dyn FnMut(&Path) -> Result<ClassFile, String> + Send>;

/// An error that escaped the program.
#[derive(Clone, Debug)]
pub struct Uncaught {
    pub class: String,
    pub message: String,
    pub traceback: String,
}

/// How a program ended when no error escaped it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// Its top-level code ran to the end.
    Completed,
    /// It called `os.exit(code)`.
    Exit(u8),
    /// The host triggered the VM's [`Interrupt`](super::Interrupt) handle;
    /// the VM is ready to run more code.
    Interrupted,
    /// The VM's fuel budget ran out ([`Vm::set_fuel`]). The program's
    /// frames are dropped and the VM is ready to run more code, once the
    /// host adds fuel: the budget stays at zero until then.
    OutOfFuel,
}

impl std::fmt::Display for Uncaught {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            write!(f, "error: {}", self.class)?;
        } else {
            write!(f, "error: {}: {}", self.class, self.message)?;
        }
        if !self.traceback.is_empty() {
            write!(f, "\n{}", self.traceback)?;
        }
        Ok(())
    }
}

impl Vm {
    /// Links a verified class file as a new module and returns its index.
    pub fn link(&mut self, cf: &ClassFile, dir: Option<PathBuf>, is_main: bool) -> usize {
        let index = self.modules.len();
        let name: Box<str> = cf.str_const(cf.name).unwrap_or("?").into();
        let constants = self.link_constants(cf);
        let protos = self.link_functions(cf, index, is_main, Reloc::default());
        let classes = self.class_descs(cf, 0);
        let global_names = self.global_names(cf);
        let imports = link_imports(cf, None);
        let main_proto = protos[usize::from(cf.main)] as usize;
        let exported = exported_globals(&self.protos[main_proto].code, cf.globals.len());
        let object = self.heap.alloc(Object::Module(Box::new(ModuleObj {
            name: name.clone(),
            index: index as u32,
            members: crate::symbol::SymMap::default(),
        })));
        self.modules.push(Module {
            name,
            source: cf.str_const(cf.source).unwrap_or("?").into(),
            dir,
            constants,
            globals: vec![Value::Nil; cf.globals.len()],
            global_names,
            exported,
            classes,
            imports,
            protos,
            main: u32::from(cf.main),
            state: ModuleState::NotRun,
            object: Some(object),
            is_main,
        });
        index
    }

    /// Links a verified class file into module `m` as one more entry of an
    /// interactive session, and makes it the module's top-level code, which
    /// [`Vm::run_module`] then runs.
    ///
    /// The file's constants, functions, classes and imports are appended to
    /// the module's, its code relocated to find them there. Its globals
    /// table must extend the module's: the same names in the same slots,
    /// then any new ones. So every entry shares one table, and functions of
    /// earlier entries see later assignments. Relative imports are resolved
    /// against `dir`.
    ///
    /// # Errors
    /// When the globals tables disagree, or the module would outgrow a
    /// limit of the instruction encoding (65,536 constants, classes or
    /// imports). The module is unchanged then.
    pub fn link_entry(
        &mut self,
        cf: &ClassFile,
        m: usize,
        dir: Option<PathBuf>,
    ) -> Result<(), String> {
        let reloc = self.entry_reloc(cf, m)?;
        let global_names = self.global_names(cf);
        if !global_names.starts_with(&self.modules[m].global_names) {
            return Err("the entry's globals do not extend the session's".to_string());
        }
        let constants = self.link_constants(cf);
        let protos = self.link_functions(cf, m, true, reloc);
        let classes = self.class_descs(cf, reloc.functions);
        let imports = link_imports(cf, dir);
        let main_proto = protos[usize::from(cf.main)] as usize;
        let exported = exported_globals(&self.protos[main_proto].code, cf.globals.len());
        let module = &mut self.modules[m];
        module.constants.extend(constants);
        module.main = reloc.functions + u32::from(cf.main);
        module.protos.extend(protos);
        module.classes.extend(classes);
        module.imports.extend(imports);
        module.globals.resize(global_names.len(), Value::Nil);
        module.global_names = global_names;
        module.exported = exported;
        module.state = ModuleState::NotRun;
        Ok(())
    }

    /// Where `cf`'s tables will start in module `m`, if they fit.
    fn entry_reloc(&self, cf: &ClassFile, m: usize) -> Result<Reloc, String> {
        let module = &self.modules[m];
        let fit = |have: usize, add: usize, what: &str| {
            u16::try_from(have)
                .ok()
                .filter(|_| have + add <= usize::from(u16::MAX) + 1)
                .ok_or_else(|| format!("the session has too many {what}; start afresh"))
        };
        Ok(Reloc {
            constants: fit(module.constants.len(), cf.constants.len(), "constants")?,
            functions: module.protos.len() as u32,
            classes: fit(module.classes.len(), cf.classes.len(), "classes")?,
            imports: fit(module.imports.len(), cf.imports.len(), "imports")?,
        })
    }

    fn link_constants(&mut self, cf: &ClassFile) -> Vec<Value> {
        cf.constants
            .iter()
            .map(|c| match c {
                Constant::Int(i) => Value::Int(*i),
                Constant::Float(f) => Value::Float(*f),
                Constant::Str(s) => self.str_value(s.as_str()),
            })
            .collect()
    }

    /// Translates every function of `cf` for module `index`; gives their
    /// prototype indexes.
    fn link_functions(
        &mut self,
        cf: &ClassFile,
        index: usize,
        is_main: bool,
        reloc: Reloc,
    ) -> Vec<u32> {
        let name = cf.str_const(cf.name).unwrap_or("?");
        let mut method_names: HashMap<u16, String> = HashMap::new();
        for c in &cf.classes {
            let class = cf.str_const(c.name).unwrap_or("?");
            for m in &c.methods {
                let sel = cf.str_const(m.name).unwrap_or("?");
                method_names.insert(m.func, format!("{class}.{sel}"));
            }
            if let Some(f) = c.field_init {
                method_names.insert(f, format!("{class}.<fields>"));
            }
        }
        let mut protos = Vec::with_capacity(cf.functions.len());
        for (i, f) in cf.functions.iter().enumerate() {
            let display = if i == cf.main as usize {
                if is_main {
                    "main".to_string()
                } else {
                    format!("<module {name}>")
                }
            } else if let Some(d) = method_names.get(&(i as u16)) {
                d.clone()
            } else {
                cf.str_const(f.name).unwrap_or("?").to_string()
            };
            // Fewer than 2^32 sites: each takes tens of bytes, and the
            // class files holding them far more.
            let first_cache = u32::try_from(self.caches.len()).unwrap_or(u32::MAX);
            let first_call_site = u32::try_from(self.call_sites.len()).unwrap_or(u32::MAX);
            let mut proto = translate(
                f,
                cf,
                &mut self.symbols,
                index as u32,
                display,
                reloc,
                super::link::FirstSites {
                    cache: first_cache,
                    call: first_call_site,
                },
            );
            let mut code = proto.code.clone();
            let captured = captured_locals(cf, &code);
            proto.n_locals =
                super::range_loop::rewrite(&mut code, &proto.handlers, &captured, proto.n_locals);
            super::fuse::fuse(&mut code);
            let code: Arc<[Instr]> = Arc::from(code);
            let code_ref = CodeRef::of(&code);
            self.code.push(code);
            self.caches.extend(std::iter::repeat_n(
                Site::default(),
                proto.n_caches as usize,
            ));
            self.call_sites.extend(std::iter::repeat_n(
                super::run::CallSite::EMPTY,
                proto.n_call_sites as usize,
            ));
            protos.push(self.protos.len() as u32);
            self.calls.push(super::link::CallInfo::of(&proto, code_ref));
            self.protos.push(proto);
        }
        protos
    }

    /// `cf`'s classes, their methods' function indexes moved up by
    /// `functions`.
    fn class_descs(&mut self, cf: &ClassFile, functions: u32) -> Vec<ClassDesc> {
        let mut sym = |k: u16| self.symbols.intern(cf.str_const(k).unwrap_or("?"));
        cf.classes
            .iter()
            .map(|c| ClassDesc {
                name: cf.str_const(c.name).unwrap_or("?").into(),
                superclass: c.superclass,
                fields: c.fields.iter().map(|k| sym(*k)).collect(),
                static_fields: c.static_fields.iter().map(|k| sym(*k)).collect(),
                methods: c
                    .methods
                    .iter()
                    .map(|m| (sym(m.name), functions + u32::from(m.func), m.is_static))
                    .collect(),
                field_init: c.field_init.map(|f| functions + u32::from(f)),
            })
            .collect()
    }

    fn global_names(&mut self, cf: &ClassFile) -> Vec<crate::symbol::Sym> {
        cf.globals
            .iter()
            .map(|g| self.symbols.intern(cf.str_const(*g).unwrap_or("?")))
            .collect()
    }

    /// A closure over a module's top-level code.
    fn module_closure(&mut self, m: usize) -> Value {
        let proto = self.modules[m].protos[self.modules[m].main as usize];
        Value::Obj(self.heap.alloc(Object::Closure(ClosureObj {
            proto,
            upvalues: Box::new([]),
            home: None,
        })))
    }

    /// Runs a linked module's top-level code to completion.
    ///
    /// Standard output is flushed when it ends, however it ends.
    ///
    /// # Errors
    /// The error that escaped the program, with its traceback.
    pub fn run_module(&mut self, m: usize) -> Result<Finish, Uncaught> {
        self.run_module_value(m).map(|(finish, _)| finish)
    }

    /// [`Vm::run_module`], also giving the value the top-level code
    /// returned when it completed: nil, unless it was compiled as a session
    /// entry that ends in an expression. The value is not rooted: use it
    /// before anything else runs.
    ///
    /// # Errors
    /// The error that escaped the program, with its traceback.
    pub fn run_module_value(&mut self, m: usize) -> Result<(Finish, Value), Uncaught> {
        let depth = self.frames.len();
        let base = self.stack.len();
        if let Err(Exc::Error(e)) = self.enter_module(m) {
            self.stack.truncate(base);
            return Err(self.uncaught(e));
        }
        // Run from inside a running program (an import): pin what the
        // importer's loop holds.
        let result = if depth > 0 {
            self.pinned(|vm| vm.execute(depth + 1))
        } else {
            self.execute(depth + 1)
        };
        self.modules[m].state = ModuleState::Done;
        // A completed program whose last output cannot be written fails
        // as a `print` that failed would; after an error, the error is
        // what is reported.
        let result = match result {
            Ok(v) => self.finish_stdout().map(|()| v),
            other => {
                self.flush_stdout();
                other
            }
        };
        if result.is_err() {
            // Nothing of this run is left to go on with.
            self.frames.truncate(depth);
            self.stack.truncate(base);
            self.forget_suspension();
        }
        match result {
            Ok(v) => {
                self.stack.truncate(base);
                Ok((Finish::Completed, v))
            }
            Err(Exc::Exit(code)) => Ok((Finish::Exit(code), Value::Nil)),
            Err(Exc::Interrupt) => Ok((Finish::Interrupted, Value::Nil)),
            Err(Exc::OutOfFuel) => Ok((Finish::OutOfFuel, Value::Nil)),
            Err(Exc::Error(e)) => Err(self.uncaught(e)),
            Err(Exc::Yield(_)) => Err(Uncaught {
                class: "ValueError".into(),
                message: "Fiber.yield called outside a fiber".into(),
                traceback: String::new(),
            }),
        }
    }

    /// Pushes the frame of module `m`'s top-level code, marked running,
    /// above whatever runs now: [`Vm::execute`] at one more than the frame
    /// depth before the call runs it.
    pub(crate) fn enter_module(&mut self, m: usize) -> Result<(), Exc> {
        self.modules[m].state = ModuleState::Running;
        let closure = self.module_closure(m);
        let Value::Obj(c) = closure else {
            unreachable!("closures are objects")
        };
        let proto = self.modules[m].protos[self.modules[m].main as usize];
        let n_locals = usize::from(self.protos[proto as usize].n_locals).max(1);
        let base = self.stack.len();
        self.stack.push(closure);
        self.stack.resize(base + n_locals, Value::Nil);
        let info = self.calls[proto as usize];
        let frame = Frame {
            closure: c,
            proto,
            ip: 0,
            base,
            code: info.code,
            module: info.module,
            on_return: OnReturn::Keep,
            boundary: true,
        };
        self.push_frame(frame)
    }

    /// An error value described for the host: class, message, traceback.
    pub fn uncaught(&mut self, e: Value) -> Uncaught {
        let (class, message, traceback) = self.error_parts(e);
        Uncaught {
            class,
            message,
            traceback,
        }
    }

    /// `IMPORT i` in module `m`: the module object, running its top-level
    /// code on first import. `Ok(None)` is never returned today; it is the
    /// place for a frame-pushing import.
    pub(crate) fn import(&mut self, m: usize, i: usize) -> Result<Option<Value>, Exc> {
        if let Some(r) = self.modules[m].imports[i].resolved {
            return self.imported(r).map(Some);
        }
        let spec = self.modules[m].imports[i].spec.to_string();
        let module = match self.modules[m].imports[i].kind {
            ImportKind::Std => match self.native_modules.get(spec.as_str()) {
                Some(r) => *r,
                None => {
                    let msg = format!("standard module '{spec}' is not available in this VM");
                    return Err(self.error_of("ImportError", msg));
                }
            },
            ImportKind::Path => {
                let dir = self.modules[m].imports[i].dir.clone();
                let dir = dir.or_else(|| self.modules[m].dir.clone());
                self.load_path(dir.unwrap_or_default(), &spec)?
            }
        };
        self.modules[m].imports[i].resolved = Some(module);
        self.imported(module).map(Some)
    }

    /// Runs an imported module's top level if it has not run; reports
    /// cycles.
    fn imported(&mut self, r: crate::value::ObjRef) -> Result<Value, Exc> {
        let index = match self.heap.get(r) {
            Object::Module(m) => m.index as usize,
            _ => return Ok(Value::Obj(r)),
        };
        if index >= self.modules.len() {
            return Ok(Value::Obj(r));
        }
        match self.modules[index].state {
            ModuleState::Done => Ok(Value::Obj(r)),
            ModuleState::Running => {
                let running: Vec<String> = self
                    .modules
                    .iter()
                    .filter(|m| m.state == ModuleState::Running)
                    .map(|m| {
                        if m.is_main {
                            "main".to_string()
                        } else {
                            m.name.to_string()
                        }
                    })
                    .collect();
                let msg = format!(
                    "import cycle: {} -> {}",
                    running.join(" -> "),
                    self.modules[index].name
                );
                Err(self.error_of("ImportError", msg))
            }
            ModuleState::NotRun => {
                self.modules[index].state = ModuleState::Running;
                let closure = self.module_closure(index);
                let result = self.call_function(closure, &[]);
                self.modules[index].state = ModuleState::Done;
                result.map(|_| Value::Obj(r))
            }
        }
    }

    fn load_path(&mut self, dir: PathBuf, spec: &str) -> Result<crate::value::ObjRef, Exc> {
        let path = dir.join(spec);
        // Module files are the loader's business, not the program's: the
        // host resolves the path without a capability check.
        let host = self.host.host_mut();
        let canonical = host
            .canonicalize(&path.with_extension("cairn"))
            .or_else(|_| host.canonicalize(&path.with_extension("cairnc")))
            .unwrap_or_else(|_| path.clone());
        if let Some(existing) = self.loaded_paths.get(&canonical) {
            return Ok(*existing);
        }
        let Some(loader) = self.loader.as_mut() else {
            let msg = format!("cannot import '{spec}': this VM has no module loader");
            return Err(self.error_of("ImportError", msg));
        };
        let cf = match loader(&path) {
            Ok(cf) => cf,
            Err(e) => {
                return Err(self.error_of("ImportError", format!("cannot import '{spec}': {e}")))
            }
        };
        let module_dir = path.parent().map(Path::to_path_buf);
        let index = self.link(&cf, module_dir, false);
        let object = self.modules[index]
            .object
            .expect("linked modules have objects");
        self.loaded_paths.insert(canonical, object);
        Ok(object)
    }

    /// Whether a prototype is a method (has a receiver in slot 0).
    pub fn proto_is_method(&self, proto: u32) -> bool {
        !matches!(
            self.protos[proto as usize].kind,
            FunctionKind::Function | FunctionKind::Module
        )
    }
}

fn link_imports(cf: &ClassFile, dir: Option<PathBuf>) -> Vec<Import> {
    cf.imports
        .iter()
        .map(|i| Import {
            kind: i.kind,
            spec: cf.str_const(i.spec).unwrap_or("?").into(),
            resolved: None,
            dir: dir.clone(),
        })
        .collect()
}

/// The locals of a function that the closures it makes capture.
fn captured_locals(cf: &ClassFile, code: &[Instr]) -> Vec<u16> {
    let mut captured = Vec::new();
    for instr in code {
        if let Instr::Closure(f) = instr {
            if let Some(inner) = cf.functions.get(*f as usize) {
                for u in &inner.upvalues {
                    if let (true, l) = u.source() {
                        captured.push(l);
                    }
                }
            }
        }
    }
    captured
}
