//! `telltale`: arguments → command. The GUI opens when no subcommand is given.

use clap::Parser;
use std::process::ExitCode;
use telltale::cli::{Cli, Command};

/// See Cargo.toml: glibc's malloc was a sixth of an import's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => open_gui(telltale::cli::GuiArgs::default()),
        Some(Command::Gui(args)) => open_gui(args),
        Some(command) => telltale::cli::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `telltale events CASE | head` closes the pipe early: not a failure.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("telltale: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "gui")]
fn open_gui(args: telltale::cli::GuiArgs) -> anyhow::Result<()> {
    telltale::app::run(args)
}

#[cfg(not(feature = "gui"))]
fn open_gui(_args: telltale::cli::GuiArgs) -> anyhow::Result<()> {
    anyhow::bail!("this build has no GUI (built without the `gui` feature)")
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let io = cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe);
        // serde_json keeps the io::Error inside without naming it as a source.
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe));
        io || json
    })
}
