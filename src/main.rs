//! `appeal`: parse, run, map the outcome to an exit code. Everything else is in `cli`.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // --help and --version print to stdout and succeed; usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli::run(args) {
        Ok(status) => status.into(),
        // Someone closed our pipe (`appeal lint … | head`): nothing left to say.
        Err(cli::Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(cli::Failure::Reported) => ExitCode::from(2),
        Err(cli::Failure::Errors(errors)) => {
            cli::print_errors(&errors);
            ExitCode::from(2)
        }
    }
}
