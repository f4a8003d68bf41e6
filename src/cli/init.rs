//! `appeal init` (being built: see the open issue).

use super::Status;
use super::input::Failure;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<Status, Failure> {
    Err(Failure::msg("`appeal init` is not available yet"))
}
