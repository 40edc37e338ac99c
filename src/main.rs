//! The `cairn` command-line tool.

use std::process::ExitCode;

use mimalloc::MiMalloc;

mod cli;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
