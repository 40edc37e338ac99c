//! Command-line parsing and dispatch. Exit statuses follow the BSD sysexits
//! convention the architecture brief fixes: 0 success, 64 usage, 65 compile
//! or load error, 66 input not found, 70 uncaught runtime error.

mod check;

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
}

#[derive(Parser)]
#[command(
    name = "cairn",
    version,
    about = "The Cairn language: compile, verify and run Cairn programs",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    let code = match cli.command {
        Command::Check { file, dump_ast } => check::run(&file, dump_ast),
    };
    ExitCode::from(code)
}

/// Whether diagnostics on stderr should be coloured: a terminal, and
/// `NO_COLOR` unset (https://no-color.org).
pub fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}
