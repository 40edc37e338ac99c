//! Command-line parsing and dispatch. Exit statuses follow the BSD sysexits
//! convention the architecture brief fixes: 0 success, 64 usage, 65 compile
//! or load error, 66 input not found, 70 uncaught runtime error; a program
//! stopped from outside gets a shell's signal status (130 interrupted, 152
//! out of fuel), and 74 means standard output could not be written. A
//! closed pipe on either stream is not an error: see [`out`].

// Every write of the tool's own goes through `out`, which does not panic
// when a stream is closed.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod asm;
mod build;
mod check;
mod disasm;
mod out;
mod program;
mod repl;
mod run;
mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use out::{err, errln};

/// Exit statuses.
pub mod status {
    pub const OK: u8 = 0;
    pub const USAGE: u8 = 64;
    pub const DATA_ERROR: u8 = 65;
    pub const NO_INPUT: u8 = 66;
    /// An internal error: a bug in Cairn itself.
    pub const SOFTWARE: u8 = 70;
    /// An output file cannot be written.
    pub const CANT_CREATE: u8 = 73;
    /// Standard output cannot be written (other than to a closed pipe).
    pub const IO_ERROR: u8 = 74;
    /// The program was interrupted (128 + SIGINT, as shells report it).
    pub const INTERRUPTED: u8 = 130;
    /// The program used up its `--fuel` (128 + SIGXCPU, as shells report a
    /// process stopped for exceeding its CPU-time limit).
    pub const OUT_OF_FUEL: u8 = 152;
}

#[derive(Parser)]
#[command(
    name = "cairn",
    version,
    about = "The Cairn language: compile, verify and run Cairn programs",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Run a snippet of code
    #[arg(short = 'e', value_name = "CODE")]
    eval: Option<String>,
    /// With -e: stop the snippet after N instructions
    #[arg(long, value_name = "N", requires = "eval")]
    fuel: Option<u64>,
    #[command(flatten)]
    grants: Grants,
}

/// Capability flags of `run` and `-e`. Without them a program can use the
/// standard streams, its arguments, the clocks and entropy, but not the
/// file system or the environment.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Grants {
    /// Allow reading files and listing directories at or under these paths
    #[arg(long, value_name = "PATH[,PATH]", value_delimiter = ',')]
    allow_read: Vec<String>,
    /// Allow creating, writing, renaming and removing at or under these paths
    #[arg(long, value_name = "PATH[,PATH]", value_delimiter = ',')]
    allow_write: Vec<String>,
    /// Allow reading these environment variables
    #[arg(long, value_name = "NAME[,NAME]", value_delimiter = ',')]
    allow_env: Vec<String>,
    /// Allow everything: the whole file system and environment
    #[arg(long)]
    allow_all: bool,
}

impl Grants {
    /// The VM capabilities these flags grant.
    ///
    /// # Errors
    /// An empty path or name, as a message for a usage error.
    pub fn capabilities(&self) -> Result<cairn_vm::host::Capabilities, String> {
        use cairn_vm::host::Capabilities;
        let mut caps = if self.allow_all {
            Capabilities::all()
        } else {
            Capabilities::none()
        };
        for (flag, values) in [
            ("--allow-read", &self.allow_read),
            ("--allow-write", &self.allow_write),
            ("--allow-env", &self.allow_env),
        ] {
            if values.iter().any(String::is_empty) {
                return Err(format!("{flag} needs a non-empty value"));
            }
        }
        for p in &self.allow_read {
            caps = caps.allow_read(p.as_str());
        }
        for p in &self.allow_write {
            caps = caps.allow_write(p.as_str());
        }
        for n in &self.allow_env {
            caps = caps.allow_env(n.as_str());
        }
        Ok(caps)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Compile a file without running it and report every diagnostic
    Check {
        /// The source file (`.cairn`)
        file: PathBuf,
        /// Print the resolved syntax tree of each module
        #[arg(long)]
        dump_ast: bool,
    },
    /// Compile a program to class files: FILE and every module it imports
    Build {
        /// The main source file (`.cairn`)
        file: PathBuf,
        /// Where to write the main module's class file (default: FILE.cairnc);
        /// imported modules go next to it
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Print a class file, or the class files a source file compiles to, as text
    Disasm {
        /// A class file (`.cairnc`) or a source file (`.cairn`)
        file: PathBuf,
    },
    /// Assemble textual bytecode into a class file, without verifying it
    Asm {
        /// The textual bytecode (`.casm`)
        file: PathBuf,
        /// Where to write the class file (default: FILE.cairnc)
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// Compile (if source), verify and run a program. Flags go before FILE;
    /// every word after FILE is an argument of the program
    #[command(override_usage = "cairn run [OPTIONS] <FILE> [ARGS]...")]
    Run {
        /// Print instruction, call, allocation and inline-cache counts at exit
        #[arg(long)]
        stats: bool,
        /// Print collection counts, bytes allocated and promoted, pause
        /// times and the heap's peak at exit
        #[arg(long)]
        gc_stats: bool,
        /// The most memory the program's heap may hold (e.g. 64M, 2G);
        /// past it the program gets a MemoryError [default: half the
        /// machine's memory]
        #[arg(long, value_name = "SIZE", value_parser = run::parse_size)]
        max_heap: Option<usize>,
        /// Stop the program after N instructions, with status 152
        #[arg(long, value_name = "N")]
        fuel: Option<u64>,
        #[command(flatten)]
        grants: Grants,
        /// A source file (`.cairn`) or a class file (`.cairnc`), then the
        /// program's arguments (`os.args()`)
        #[arg(
            value_name = "FILE",
            required = true,
            num_args = 1..,
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        program: Vec<String>,
    },
    /// Start an interactive session (also `cairn` alone, on a terminal).
    /// With standard input not a terminal, entries are read from it
    /// without prompts
    Repl {
        #[command(flatten)]
        grants: Grants,
    },
    /// Verify a class file, printing nothing when it is valid
    Verify {
        /// The class file (`.cairnc`)
        file: PathBuf,
    },
}

pub fn main() -> ExitCode {
    ExitCode::from(out::exit_status(dispatch()))
}

/// Parses the command line and runs the command: the exit status.
fn dispatch() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                status::USAGE
            } else {
                status::OK
            };
            // Help and version go to standard output, usage errors to
            // standard error; as with `out`, a closed pipe is no error.
            return match e.print() {
                Err(w) if code == status::OK && w.kind() != std::io::ErrorKind::BrokenPipe => {
                    status::IO_ERROR
                }
                _ => code,
            };
        }
    };
    if let Some(code) = cli.eval {
        let caps = match cli.grants.capabilities() {
            Ok(caps) => caps,
            Err(e) => return usage_error(&e),
        };
        return run::run_snippet(
            &code,
            &run::RunOptions {
                stats: false,
                gc_stats: false,
                max_heap: run::default_max_heap(),
                fuel: cli.fuel,
                args: Vec::new(),
                caps,
            },
        );
    }
    let Some(command) = cli.command else {
        if std::io::stdin().is_terminal() {
            return match cli.grants.capabilities() {
                Ok(caps) => repl::run(caps),
                Err(e) => usage_error(&e),
            };
        }
        // Not a terminal and nothing to do: show the usage.
        err!("{}", <Cli as clap::CommandFactory>::command().render_help());
        return status::USAGE;
    };
    match command {
        Command::Run {
            stats,
            gc_stats,
            max_heap,
            fuel,
            grants,
            mut program,
        } => {
            let caps = match grants.capabilities() {
                Ok(caps) => caps,
                Err(e) => return usage_error(&e),
            };
            let file = PathBuf::from(program.remove(0));
            let options = run::RunOptions {
                stats,
                gc_stats,
                max_heap: max_heap.or_else(run::default_max_heap),
                fuel,
                args: program,
                caps,
            };
            run::run_file(&file, &options)
        }
        Command::Check { file, dump_ast } => check::run(&file, dump_ast),
        Command::Build { file, output } => build::run(&file, output),
        Command::Disasm { file } => disasm::run(&file),
        Command::Asm { file, output } => asm::run(&file, output),
        Command::Verify { file } => verify::run(&file),
        Command::Repl { grants } => match grants.capabilities() {
            Ok(caps) => repl::run(caps),
            Err(e) => usage_error(&e),
        },
    }
}

fn usage_error(message: &str) -> u8 {
    errln!("error: {message}");
    status::USAGE
}

/// Whether diagnostics on stderr should be coloured: a terminal, and
/// `NO_COLOR` unset (https://no-color.org).
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}
