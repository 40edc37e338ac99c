//! The `cairn` command-line tool.

use std::process::ExitCode;

use mimalloc::MiMalloc;

mod cli;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> ExitCode {
    cli::main()
}

/// Turns off transparent huge pages for this process, as the JVM does by
/// default, unless `MIMALLOC_ALLOW_THP` is set. mimalloc advises them for
/// its arenas, so each first touch of a 2 MiB region zeroes all of it:
/// binary_trees peaked at 48 MB instead of 29, hello world took 3 ms longer
/// to start, and a collection that promoted into fresh memory paused for
/// milliseconds (`spec/heap.md`, "Memory from the system").
///
/// It runs as an ELF constructor ordered before mimalloc's own (priority
/// 101), since mimalloc makes its first arena, and touches it, before
/// `main`.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00100"]
static NO_TRANSPARENT_HUGE_PAGES: extern "C" fn() = no_transparent_huge_pages;

#[cfg(target_os = "linux")]
extern "C" fn no_transparent_huge_pages() {
    // SAFETY: getenv reads the environment the loader set up, before any
    // thread exists; prctl(PR_SET_THP_DISABLE) takes integer arguments and
    // changes only the kernel's page policy for this process (on failure,
    // an old kernel, the default stays, which is harmless).
    unsafe {
        if libc::getenv(c"MIMALLOC_ALLOW_THP".as_ptr()).is_null() {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}
