//! The `gridhall` command: serves the portal, migrates the database, loads demo data.

/// mimalloc: server rendering allocates many small, short-lived strings and nodes, where it
/// is markedly faster than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gridhall::cli::main()
}
