//! `cairn run FILE [ARGS...]` and `cairn -e CODE`: compile (or read) and
//! verify, then run in a fresh VM. Exit 70 on an uncaught error.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cairn_compiler::{compile_checked, compile_source, frontend::check_file};
use cairn_vm::classfile::{self, ClassFile};
use cairn_vm::heap::HeapConfig;
use cairn_vm::host::{Capabilities, OsHost};
use cairn_vm::interp::load::Finish;
use cairn_vm::interp::Vm;
use cairn_vm::verify::verify;

use super::out::{err, errln};
use super::{program, status, stderr_color};

/// Options shared by `run` and `-e`.
pub struct RunOptions {
    pub stats: bool,
    /// Print the collector's counters at exit (`--gc-stats`).
    pub gc_stats: bool,
    /// The heap limit in bytes (`--max-heap`).
    pub max_heap: Option<usize>,
    /// The instruction budget (`--fuel`); `None` is unlimited.
    pub fuel: Option<u64>,
    /// The program's arguments (what `os.args()` gives it).
    pub args: Vec<String>,
    /// What the program may reach beyond the standard streams.
    pub caps: Capabilities,
}

pub fn run_file(file: &Path, options: &RunOptions) -> u8 {
    let is_class_file = file.extension().is_some_and(|e| e == "cairnc");
    let (main, others) = if is_class_file {
        let bytes = match program::read(file) {
            Ok(b) => b,
            Err(code) => return code,
        };
        match classfile::read(&bytes) {
            Ok(cf) => (cf, Vec::new()),
            Err(e) => {
                errln!("error: {}: {e}", file.display());
                return status::DATA_ERROR;
            }
        }
    } else {
        let modules = match program::compile(file) {
            Ok(m) => m,
            Err(code) => return code,
        };
        let mut modules = modules.into_iter();
        let Some(main) = modules.next() else {
            return status::DATA_ERROR;
        };
        let others: Vec<(PathBuf, ClassFile)> = modules
            .filter_map(|m| m.path.map(|p| (canonical(&p), m.class_file)))
            .collect();
        (main.class_file, others)
    };
    if let Err(e) = verify(&main) {
        errln!("{e}");
        return status::DATA_ERROR;
    }
    let dir = file.parent().map(Path::to_path_buf);
    execute(&main, dir, others, options)
}

pub fn run_snippet(code: &str, options: &RunOptions) -> u8 {
    match compile_source("<snippet>", code) {
        Ok(cf) => execute(&cf, std::env::current_dir().ok(), Vec::new(), options),
        Err(checked) => {
            err!("{}", checked.render(stderr_color()));
            status::DATA_ERROR
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Loads modules that `import "./x"` names: ones compiled with the program
/// first, else compiled from source or read from a class file on demand.
pub(super) fn loader(mut compiled: HashMap<PathBuf, ClassFile>) -> cairn_vm::interp::load::Loader {
    Box::new(move |path: &Path| {
        let source = path.with_extension("cairn");
        if let Some(cf) = compiled.remove(&canonical(&source)) {
            return Ok(cf);
        }
        let cf = if source.is_file() {
            let checked = check_file(&source).map_err(|e| e.to_string())?;
            if checked.has_errors() {
                return Err(format!("it does not compile:\n{}", checked.render(false)));
            }
            let mut modules = compile_checked(&checked)
                .map_err(|_| "it exceeds a class-file limit".to_string())?;
            modules.remove(0).class_file
        } else {
            let class_path = path.with_extension("cairnc");
            let bytes = std::fs::read(&class_path)
                .map_err(|_| format!("no module file at {}", source.display()))?;
            classfile::read(&bytes).map_err(|e| e.to_string())?
        };
        verify(&cf).map_err(|e| e.to_string())?;
        Ok(cf)
    })
}

fn execute(
    main: &ClassFile,
    dir: Option<PathBuf>,
    others: Vec<(PathBuf, ClassFile)>,
    options: &RunOptions,
) -> u8 {
    let mut heap = HeapConfig::from_env();
    heap.max_heap = options.max_heap;
    let mut vm = Vm::with_heap(heap);
    let host = OsHost::new().with_args(options.args.clone());
    let granted = vm
        .host
        .set_host(Box::new(host))
        .and_then(|()| vm.host.set_capabilities(options.caps.clone()));
    if let Err(e) = granted {
        errln!("error: {e}");
        return status::USAGE;
    }
    cairn_stdlib::install(&mut vm);
    vm.collect_stats = options.stats;
    vm.set_fuel(options.fuel);
    vm.loader = Some(loader(others.into_iter().collect()));
    let m = vm.link(main, dir, true);
    let result = vm.run_module(m);
    vm.flush_stdout();
    if options.stats {
        print_stats(&vm);
    }
    if options.gc_stats {
        err!("{}", vm.heap.stats.report());
    }
    // The process ends next. Freeing the heap object by object would only
    // cost time (milliseconds for a large map, a sixth of hello world's
    // instructions), and nothing in it is owed to the OS: standard output
    // was flushed above and files are written through unbuffered.
    std::mem::forget(vm);
    match result {
        Ok(Finish::Completed) => status::OK,
        Ok(Finish::Exit(code)) => code,
        Ok(Finish::Interrupted) => {
            errln!("error: interrupted");
            status::INTERRUPTED
        }
        Ok(Finish::OutOfFuel) => {
            let budget = options.fuel.unwrap_or(0);
            errln!("error: out of fuel ({budget} instructions)");
            status::OUT_OF_FUEL
        }
        Err(e) => {
            errln!("{e}");
            status::SOFTWARE
        }
    }
}

fn print_stats(vm: &Vm) {
    let s = &vm.stats;
    let h = &vm.heap.stats;
    errln!("instructions executed: {}", s.instructions);
    errln!("calls:                 {}", s.calls);
    errln!("objects allocated:     {}", h.allocated_objects);
    errln!("collections:           {}", h.collections());
    for kind in cairn_vm::interp::cache::Kind::ALL {
        let c = &s.cache[kind as usize];
        let [mono, poly, mega] = c.hits;
        let hits = mono + poly + mega;
        let total = hits + c.misses;
        if total > 0 {
            let rate = 100.0 * hits as f64 / total as f64;
            errln!(
                "inline cache ({}): {hits} hits ({mono} monomorphic, {poly} polymorphic, {mega} megamorphic), {} misses ({rate:.1}% hit rate)",
                kind.label(),
                c.misses
            );
        }
    }
}

/// Parses a size with an optional binary suffix: `65536`, `512K`, `64M`,
/// `2G` (also `KB`/`KiB` and so on, in either case).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let n: usize = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (examples: 64M, 2G, 500000)"))?;
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("`{text}` has an unknown unit (use K, M or G)")),
    };
    let bytes = n
        .checked_mul(1usize << shift)
        .ok_or_else(|| format!("`{text}` is too large"))?;
    if bytes < 1 << 20 {
        return Err(format!("`{text}` is too small: the heap needs at least 1M"));
    }
    Ok(bytes)
}

/// Half the machine's memory (from `/proc/meminfo`), else 4 GiB: a
/// runaway program gets a `MemoryError` before the system kills it.
pub fn default_max_heap() -> Option<usize> {
    let from_meminfo = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib.saturating_mul(1024) / 2)
    });
    Some(from_meminfo.unwrap_or(4 << 30))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("1536KiB"), Ok(1536 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("10").unwrap_err().contains("too small"));
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
