//! `appeal templates`: the scenarios there are templates for, and the facts each one needs.

use super::Status;
use super::input::{self, Failure};
use appeal::compose::template_name;
use appeal::facts::{Field, Kind, SCENARIOS, Scenario};
use appeal::text::Lang;
use clap::ValueEnum;
use std::fmt::Write;

const EXAMPLES: &str = "\
Examples:
  appeal templates                      the scenarios and their languages
  appeal templates show security-lock   the facts a security-lock letter needs
  appeal init security-lock --lang ja   a facts file to fill in";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List the scenarios (the default)
    List,
    /// Show the facts one scenario needs
    Show {
        #[arg(value_enum)]
        scenario: ScenarioArg,
    },
}

/// A scenario on the command line; clap lists the possible values in help and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioArg {
    SecurityLock,
    IdentityVerification,
    PlanOfAction,
    FollowUp,
}

impl From<ScenarioArg> for Scenario {
    fn from(s: ScenarioArg) -> Self {
        match s {
            ScenarioArg::SecurityLock => Scenario::SecurityLock,
            ScenarioArg::IdentityVerification => Scenario::IdentityVerification,
            ScenarioArg::PlanOfAction => Scenario::PlanOfAction,
            ScenarioArg::FollowUp => Scenario::FollowUp,
        }
    }
}

pub fn run(args: Args) -> Result<Status, Failure> {
    let text = match args.command.unwrap_or(Command::List) {
        Command::List => list(),
        Command::Show { scenario } => show(scenario.into()),
    };
    input::print(&text)?;
    Ok(Status::Success)
}

fn langs() -> String {
    Lang::ALL.map(Lang::as_str).join(", ")
}

fn list() -> String {
    let width = SCENARIOS
        .iter()
        .map(|i| i.scenario.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for info in &SCENARIOS {
        let _ = writeln!(
            out,
            "{:width$}  [{}]  {}",
            info.scenario.as_str(),
            langs(),
            info.summary
        );
    }
    out.push_str("\nShow a scenario's facts: appeal templates show SCENARIO\n");
    out
}

fn show(scenario: Scenario) -> String {
    let info = scenario.info();
    let mut out = String::new();
    let _ = writeln!(out, "{scenario}: {}", info.summary);
    let names: Vec<String> = Lang::ALL
        .iter()
        .map(|&l| template_name(scenario, l))
        .collect();
    let _ = writeln!(
        out,
        "languages: {} (templates: {})",
        langs(),
        names.join(", ")
    );
    out.push_str("\nFacts (* required; dates are YYYY-MM-DD):\n");
    let mut rows = vec![
        ("  scenario *".to_owned(), scenario.to_string()),
        (
            "  lang *".to_owned(),
            Lang::ALL.map(Lang::as_str).join(" | "),
        ),
    ];
    for f in info.fields {
        rows_for(&mut rows, f, 1);
    }
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (left, doc) in rows {
        let _ = writeln!(out, "{left:width$}  {doc}");
    }
    let _ = writeln!(
        out,
        "\nStart a facts file: appeal init {scenario} --lang ja"
    );
    out
}

/// One row per fact: the key (indented by depth, `*` when required) and what it holds.
fn rows_for(rows: &mut Vec<(String, String)>, f: &Field, depth: usize) {
    let pad = "  ".repeat(depth);
    let star = if f.required { " *" } else { "" };
    let shape = match f.kind {
        Kind::List(_) | Kind::TextList => " (list)",
        Kind::Date => " (date)",
        _ => "",
    };
    rows.push((
        format!("{pad}{}{star}", f.name),
        format!("{}{shape}", f.doc),
    ));
    if let Kind::Group(sub) | Kind::List(sub) = f.kind {
        for s in sub {
            rows_for(rows, s, depth + 1);
        }
    }
}
