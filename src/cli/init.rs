//! `appeal init`: a commented facts skeleton on stdout, to fill in and pass to `appeal compose`.

use super::Status;
use super::input::{self, Failure};
use super::templates::ScenarioArg;
use appeal::text::Lang;

const EXAMPLES: &str = "\
Examples:
  appeal init security-lock --lang ja > facts.yaml    the founding case, in Japanese
  appeal init plan-of-action --lang en > poa.yaml     a Plan of Action, in English
  appeal compose facts.yaml                           then draft the letter";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The kind of letter (see `appeal templates list`)
    #[arg(value_enum, default_value_t = ScenarioArg::SecurityLock)]
    scenario: ScenarioArg,
    /// The letter's language
    #[arg(long, value_parser = ["ja", "en"], default_value = "ja")]
    lang: String,
}

pub fn run(args: Args) -> Result<Status, Failure> {
    let lang: Lang = args.lang.parse().map_err(Failure::msg)?;
    input::print(&appeal::facts::skeleton(args.scenario.into(), lang))?;
    Ok(Status::Success)
}
