//! Command-line parsing and dispatch. Exit statuses follow the BSD sysexits
//! convention the architecture brief fixes: 0 success, 64 usage, 65 compile
//! or load error, 66 input not found, 70 uncaught runtime error.

mod asm;
mod build;
mod check;
mod disasm;
mod program;
mod run;
mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

#[derive(Parser)]
#[command(
    name = "cairn",
    version,
    about = "The Cairn language: compile, verify and run Cairn programs",
    arg_required_else_help = true,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Run a snippet of code
    #[arg(short = 'e', value_name = "CODE")]
    eval: Option<String>,
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
    /// Compile (if source), verify and run a program
    Run {
        /// A source file (`.cairn`) or a class file (`.cairnc`)
        file: PathBuf,
        /// Arguments for the program (`os.args()`)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
        /// Print instruction, call, allocation and inline-cache counts at exit
        #[arg(long)]
        stats: bool,
    },
    /// Verify a class file, printing nothing when it is valid
    Verify {
        /// The class file (`.cairnc`)
        file: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                status::USAGE
            } else {
                status::OK
            };
            // Printing help or a usage error; nothing better to do if it fails.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Some(code) = cli.eval {
        return ExitCode::from(run::run_snippet(
            &code,
            &run::RunOptions {
                stats: false,
                args: Vec::new(),
            },
        ));
    }
    let Some(command) = cli.command else {
        return ExitCode::from(status::USAGE);
    };
    let code = match command {
        Command::Run { file, args, stats } => {
            run::run_file(&file, &run::RunOptions { stats, args })
        }
        Command::Check { file, dump_ast } => check::run(&file, dump_ast),
        Command::Build { file, output } => build::run(&file, output),
        Command::Disasm { file } => disasm::run(&file),
        Command::Asm { file, output } => asm::run(&file, output),
        Command::Verify { file } => verify::run(&file),
    };
    ExitCode::from(code)
}

/// Whether diagnostics on stderr should be coloured: a terminal, and
/// `NO_COLOR` unset (https://no-color.org).
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}
