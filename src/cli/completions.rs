//! `appeal completions SHELL`.

use super::input::Failure;
use super::{Cli, Status};
use clap::CommandFactory;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  appeal completions bash > ~/.local/share/bash-completion/completions/appeal"
)]
pub struct Args {
    /// The shell to complete for
    shell: clap_complete::Shell,
}

pub fn run(args: Args) -> Result<Status, Failure> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "appeal", &mut out);
    super::input::print(&String::from_utf8_lossy(&out))?;
    Ok(Status::Success)
}
