//! The `sipauth-tui` binary: parse, run, and map the result to an exit code
//! (0 success, 1 failure, 2 usage error; a closed pipe exits 0 quietly).

#![cfg_attr(test, allow(clippy::unwrap_used))]

use std::io;
use std::process::ExitCode;

use clap::Parser;

mod cli;

use cli::diag;

fn main() -> ExitCode {
    let parsed = match cli::Cli::try_parse() {
        Ok(parsed) => parsed,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(parsed) {
        Ok(cli::Outcome::Success) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Failure) => ExitCode::FAILURE,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            diag!("error: {e}");
            for cause in e.chain().skip(1) {
                diag!("  caused by: {cause}");
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
