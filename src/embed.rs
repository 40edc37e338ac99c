//! Source loading for the embedding API: what the facade adds to
//! [`cairn_vm::embed`], which runs class files only.

use cairn_vm::embed::{Error, ErrorKind, Module, Program, Runtime};

/// Compiles Cairn source into a verified [`Program`] that any runtime can
/// load. `import NAME` may name the standard modules and `host_modules`,
/// the native modules the runtimes it is loaded into will provide.
///
/// # Errors
/// [`ErrorKind::Load`] with class `CompileError` and the rendered
/// diagnostics as its message.
///
/// ```
/// let program = cairn::compile("demo", "fn twice(x) { return 2 * x }\n", &[]).unwrap();
/// let mut rt = cairn::Runtime::new(cairn::Config::default());
/// let m = rt.load(&program).unwrap();
/// assert_eq!(rt.call::<i64>(m, "twice", (21,)).unwrap(), 42);
///
/// let e = cairn::compile("bad", "let = 1\n", &[]).unwrap_err();
/// assert_eq!(e.class(), "CompileError");
/// ```
pub fn compile(name: &str, source: &str, host_modules: &[String]) -> Result<Program, Error> {
    let file = if std::path::Path::new(name).extension().is_some() {
        name.to_string()
    } else {
        format!("{name}.cairn")
    };
    match cairn_compiler::compile_source_with_modules(&file, source, host_modules) {
        Ok(cf) => Program::from_class_file(cf),
        Err(checked) => Err(Error::new(
            ErrorKind::Load,
            "CompileError",
            checked.render(false).trim_end().to_string(),
        )),
    }
}

/// Source loading and the standard library for a [`Runtime`].
///
/// ```
/// use cairn::{Config, Runtime, RuntimeExt};
/// let mut rt = Runtime::new(Config::default());
/// rt.install_stdlib();
/// let m = rt.load_source("main", "import json\nlet text = json.stringify([1, 2])\n").unwrap();
/// assert_eq!(rt.global::<String>(m, "text").unwrap(), "[1,2]");
/// ```
pub trait RuntimeExt {
    /// Compiles `source` (its imports may name the runtime's native
    /// modules) and loads it, running its top level.
    ///
    /// # Errors
    /// A compile error ([`ErrorKind::Load`]), or what running it raised.
    fn load_source(&mut self, name: &str, source: &str) -> Result<Module, Error>;

    /// Compiles `source` for this runtime without loading it.
    ///
    /// # Errors
    /// A compile error ([`ErrorKind::Load`]).
    fn compile(&self, name: &str, source: &str) -> Result<Program, Error>;

    /// Installs the standard modules `io`, `fs`, `os`, `time`, `random` and
    /// `json` (`math` is always there). What they reach is still checked
    /// against the runtime's capabilities.
    fn install_stdlib(&mut self);
}

impl RuntimeExt for Runtime {
    fn load_source(&mut self, name: &str, source: &str) -> Result<Module, Error> {
        let program = RuntimeExt::compile(self, name, source)?;
        self.load(&program)
    }

    fn compile(&self, name: &str, source: &str) -> Result<Program, Error> {
        compile(name, source, &self.native_module_names())
    }

    fn install_stdlib(&mut self) {
        cairn_stdlib::install(self.vm());
    }
}
