//! The command line: clap definitions and one file per subcommand. The only place that reads
//! files, writes output or knows about exit codes.

mod completions;
mod compose;
mod config;
mod diff;
mod init;
mod input;
mod lint;
mod rules;
mod templates;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use input::{Failure, print_errors};

const AFTER_HELP: &str = "\
Examples:
  appeal init security-lock --lang ja > facts.yaml   start a facts file
  appeal compose facts.yaml -o letter.txt            draft the letter (linted before it is printed)
  appeal lint letter.txt                              check a letter you wrote
  appeal lint --fix letter.txt                        apply the safe fixes in place
  appeal diff sent.txt next.txt                       what changed since the last submission

Exit codes: 0 success, 1 findings at or above --fail-on, 2 usage or input error.";

#[derive(Debug, Parser)]
#[command(
    name = "appeal",
    version,
    about = "Compose, lint and diff appeals for blocked or suspended Amazon seller accounts",
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a commented facts skeleton for a scenario
    Init(init::Args),
    /// List scenarios, or show one scenario's facts
    Templates(templates::Args),
    /// Compose a letter from a facts file (the draft is linted before it is printed)
    Compose(compose::Args),
    /// Lint letters for phrasing that gets appeals ignored
    Lint(lint::Args),
    /// List, explain and test the lint rules
    Rules(rules::Args),
    /// Compare revisions of a letter and show which findings each one fixed or introduced
    Diff(diff::Args),
    /// Print a shell completion script
    Completions(completions::Args),
}

/// What a command asks `main` to exit with when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success,
    /// Findings at or above `--fail-on`.
    Findings,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        match s {
            Status::Success => ExitCode::SUCCESS,
            Status::Findings => ExitCode::from(1),
        }
    }
}

pub fn run(cli: Cli) -> Result<Status, Failure> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Templates(args) => templates::run(args),
        Command::Compose(args) => compose::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Completions(args) => completions::run(args),
    }
}
