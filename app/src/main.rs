//! The `trustmap` binary: the command line, and the window when no command is given.
//!
//! Exit codes: 0 when clean, 1 when `review --fail-on` finds something at or above the
//! threshold, 2 for bad input or usage (clap's own usage errors exit with 2 as well).

mod cli;
mod gui;

use std::process::ExitCode;

use clap::Parser as _;

/// Every frame the window tessellates the canvas into meshes of megabytes and frees them.
/// The system allocator hands such blocks back to the kernel and faults them in again on
/// the next frame. On a large model that cost more than the tessellation itself (see the
/// window's figures in BENCHMARKS.md), so mimalloc, which keeps them for reuse, is used.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();

    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(cli::Status::Clean) => ExitCode::SUCCESS,
        Ok(cli::Status::FindingsAtThreshold) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Returns whether an error is a closed standard output, as when the output is piped into
/// `head`: the reader wanted no more, so it is no failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
