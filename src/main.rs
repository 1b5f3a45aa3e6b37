//! The `sipauth-tui` binary: parse, run, and map the result to an exit code
//! (0 success, 1 failure, 2 usage error; a closed pipe exits 0 quietly).

#![cfg_attr(test, allow(clippy::unwrap_used))]

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

mod cli;

use cli::diag;
use sipauth_tui::sanitize::SafeWriter;

fn main() -> ExitCode {
    // Before anything is read: a core or a same-user debugger would see
    // every secret this process holds.
    if let Err(e) = cli::hardening::harden() {
        diag!("warning: cannot disable core dumps: {e}");
    }
    // A Tab in a shell that sourced `sipauth-tui completions SHELL`.
    cli::complete::answer_if_asked();
    let parsed = match parse() {
        Ok(parsed) => parsed,
        // A usage error quotes the arguments: filtered like every other
        // output, so without clap's colours.
        Err(e) if e.use_stderr() => {
            let _ = write!(SafeWriter::new(io::stderr().lock()), "{}", e.render());
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match cli::run(parsed) {
        Ok(cli::Outcome::Success) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Failure) => ExitCode::FAILURE,
        Ok(cli::Outcome::Code(code)) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            for (i, cause) in e.chain().enumerate() {
                let advice = cli::advice::suffix(cause).unwrap_or_default();
                match i {
                    0 => diag!("error: {cause}{advice}"),
                    _ => diag!("  caused by: {cause}{advice}"),
                }
            }
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

/// Parses the command line like `Cli::try_parse`, but takes the quick path
/// for a plain `decode` (see `Cli::quick`), and leaks clap's command
/// tree: it is hundreds of small allocations used once, and freeing them was
/// 6% of the instructions of a whole `decode` run; the process ends soon.
fn parse() -> Result<cli::Cli, clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(quick) = cli::Cli::quick(&args) {
        return Ok(quick);
    }
    let mut command = cli::Cli::command();
    let parsed = match command.try_get_matches_from_mut(args) {
        Ok(mut matches) => {
            cli::Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command))
        }
        Err(e) => Err(e),
    };
    std::mem::forget(command);
    parsed
}
