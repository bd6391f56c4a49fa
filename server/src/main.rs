//! The `gridhall` command: serves the portal, migrates the database, loads demo data.

fn main() -> std::process::ExitCode {
    gridhall::cli::main()
}
