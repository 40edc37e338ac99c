//! The `cairn` command-line tool.

use std::process::ExitCode;

use mimalloc::MiMalloc;

mod cli;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> ExitCode {
    no_transparent_huge_pages();
    cli::main()
}

/// Turns off transparent huge pages for this process, as the JVM does by
/// default, unless `MIMALLOC_ALLOW_THP` asks for them. mimalloc advises
/// them for its arenas, so each first touch of a 2 MiB region zeroes all of
/// it: binary_trees peaked at 48 MB instead of 31, and a collection that
/// promoted into fresh memory paused for tens of milliseconds
/// (`spec/heap.md`, "Memory from the system").
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and
        // changes nothing but the kernel's page policy for this process;
        // failure (an old kernel) leaves the default, which is harmless.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}
