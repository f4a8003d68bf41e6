//! `appeal rules`: list the rules, explain one (like `ruff rule`), run their examples as tests.

use super::Status;
use super::config::{Config, load_linter, read_pack_dir};
use super::input::{self, Failure};
use appeal::lint::report::describe_suggestion;
use appeal::lint::{Linter, Options, embedded_packs};
use clap::Subcommand;
use std::fmt::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  appeal rules list                              every rule: id, category, level, language
  appeal rules explain ja-tone/amazon-mistake    what it finds, why, examples, what to write
  appeal rules test my-lints/                    run the examples of your own packs";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Extra rule-pack directory (repeatable)
    #[arg(long = "lints", value_name = "DIR", global = true)]
    lints: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// One line per rule: id, category, level, language, message
    List,
    /// What a rule finds, why it matters, its examples and suggestions
    Explain {
        /// Rule id, pack/id
        id: String,
    },
    /// Run the rules' own examples; with DIR, only the packs in DIR
    Test {
        /// A directory of rule packs to test (default: the shipped packs)
        dir: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> Result<Status, Failure> {
    match args.action.unwrap_or(Action::List) {
        Action::List => {
            let linter = load_linter(&Config::discover()?, &args.lints, &[], None, None)?;
            input::print(&list(&linter))?;
            Ok(Status::Success)
        }
        Action::Explain { id } => {
            let linter = load_linter(&Config::discover()?, &args.lints, &[], None, None)?;
            let Some(text) = explain(&linter, &id) else {
                let near = linter
                    .rules()
                    .iter()
                    .filter(|r| {
                        r.id.contains(&id) || id.contains(r.id.split('/').nth(1).unwrap_or(""))
                    })
                    .map(|r| r.id.as_str())
                    .take(5)
                    .collect::<Vec<_>>();
                let hint = if near.is_empty() {
                    "see `appeal rules list`".to_owned()
                } else {
                    format!("did you mean {}?", near.join(", "))
                };
                return Err(Failure::msg(format!("no rule `{id}` ({hint})")));
            };
            input::print(&text)?;
            Ok(Status::Success)
        }
        Action::Test { dir } => test(dir, &args.lints),
    }
}

fn list(linter: &Linter) -> String {
    let width = linter.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in linter.rules() {
        let first = r.message.lines().next().unwrap_or("");
        let _ = writeln!(
            out,
            "{:width$}  {:19}  {:7}  {:3}  {}",
            r.id,
            r.category.as_str(),
            r.level.as_str(),
            r.lang.as_str(),
            first
        );
    }
    out
}

fn explain(linter: &Linter, id: &str) -> Option<String> {
    let r = linter.rule(id)?;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", r.id);
    let _ = writeln!(
        out,
        "category: {}   level: {}   language: {}   defined at {}:{}\n",
        r.category,
        r.level,
        r.lang.as_str(),
        r.path,
        r.line
    );
    let _ = writeln!(
        out,
        "## What it finds\n{}\n\n{}\n",
        r.message,
        r.matcher.describe()
    );
    if !r.unless.is_empty() {
        let list: Vec<&str> = r.unless.iter().map(|u| u.as_str()).collect();
        let _ = writeln!(
            out,
            "Not reported when the sentence also has: {}\n",
            list.join(" | ")
        );
    }
    let _ = writeln!(out, "## Why it matters\n{}\n", r.why);
    let _ = writeln!(out, "## Write instead");
    for s in &r.suggestions {
        let _ = writeln!(
            out,
            "- {}",
            describe_suggestion(&s.text, s.applicability, "the match")
        );
    }
    let _ = writeln!(out, "\n## Examples\nFlagged:");
    for b in &r.examples.bad {
        let _ = writeln!(out, "  ✗ {}", b.text);
        if let Some(f) = &b.fixed {
            let _ = writeln!(out, "    → {f}");
        }
    }
    let _ = writeln!(out, "Not flagged:");
    for g in &r.examples.good {
        let _ = writeln!(out, "  ✓ {g}");
    }
    Some(out)
}

/// Runs examples and reports every failure (not just the first) as `error:` lines; exit 2 when
/// any fails, since a failing example is a load error.
fn test(dir: Option<PathBuf>, extra: &[PathBuf]) -> Result<Status, Failure> {
    let mut sources = embedded_packs();
    let mut user = Vec::new();
    for d in dir.iter().chain(extra) {
        user.extend(read_pack_dir(d)?);
    }
    let only_user = dir.is_some();
    user.sort_by(|a, b| a.path.cmp(&b.path));
    sources.extend(user);
    let linter =
        Linter::load(&sources, &Options::default()).map_err(|e| Failure::msg(e.to_string()))?;
    linter
        .compile_all()
        .map_err(|e| Failure::msg(e.to_string()))?;
    let selected = |i: usize| !only_user || !linter.is_embedded(i);
    let total = linter
        .examples()
        .iter()
        .filter(|(_, i, _)| selected(*i))
        .count();
    let rules = (0..linter.rules().len()).filter(|&i| selected(i)).count();
    let failures = linter.self_test(|i, _| selected(i));
    let errors: Vec<String> = failures
        .iter()
        .map(|f| format!("{}:{}: rule `{}`: {}", f.path, f.line, f.rule, f.message))
        .collect();
    input::print_errors(&errors);
    let line = format!(
        "{} passed, {} failed ({} rules)\n",
        total - failures.len(),
        failures.len(),
        rules
    );
    if failures.is_empty() {
        input::print(&line)?;
        Ok(Status::Success)
    } else {
        eprint!("{line}");
        Err(Failure::Reported)
    }
}
