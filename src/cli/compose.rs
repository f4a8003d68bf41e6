//! `appeal compose`: facts file in, letter out, linted before it is printed.

use super::Status;
use super::config::{Config, load_linter};
use super::input::{self, Failure, describe_io};
use appeal::compose::{ComposeError, Composer, TemplateSource};
use appeal::facts::{self, FactsError};
use appeal::lint::report::{self, FileReport, Summary};
use appeal::lint::{LangChoice, Severity};
use std::path::{Path, PathBuf};

const EXAMPLES: &str = "\
Examples:
  appeal init security-lock --lang ja > facts.yaml   start from a commented facts file
  appeal compose facts.yaml                          the letter on stdout, findings on stderr
  appeal compose facts.yaml -o letter.txt            write it (refuses to replace a file without --force)
  appeal compose - < facts.yaml --max-chars 2000     facts from stdin; warn over the form's limit
  appeal compose facts.yaml --templates my-templates  use your own templates (same names replace ours)

Exit codes: 0 letter written and clean, 1 the letter has findings at warning or above
(it is still written), 2 bad facts, templates or usage.";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The facts file (YAML), or - for stdin
    #[arg(value_name = "FACTS")]
    facts: String,
    /// Write the letter to FILE (atomically) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// With -o, replace FILE if it exists
    #[arg(long, requires = "output")]
    force: bool,
    /// A directory of templates: LANG/NAME.txt replaces the shipped template of that name
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Extra rule-pack directory for the check of the draft (repeatable)
    #[arg(long = "lints", value_name = "DIR")]
    lints: Vec<PathBuf>,
    /// Switch off a rule (pack/id) or a whole pack in the check of the draft (repeatable)
    #[arg(long, value_name = "ID")]
    disable: Vec<String>,
    /// Warn when the letter is longer than the support form accepts (characters)
    #[arg(long, value_name = "N")]
    max_chars: Option<usize>,
    /// Do not lint the draft
    #[arg(long)]
    no_lint: bool,
}

pub fn run(args: Args) -> Result<Status, Failure> {
    let config = Config::discover()?;
    let input = input::read_input(&args.facts).map_err(Failure::msg)?;
    let parsed = facts::parse(&input.text).map_err(|errors| {
        Failure::Errors(errors.iter().map(|e| located(&input.name, e)).collect())
    })?;
    for w in &parsed.warnings {
        eprintln!("warning: {}: {w}", input.name);
    }
    let (user, dir) = match &args.templates {
        Some(dir) => (read_templates(dir)?, Some(dir.as_path())),
        None => (Vec::new(), None),
    };
    let user_names: Vec<String> = user.iter().map(|t| t.name.clone()).collect();
    let shown = |e: ComposeError| Failure::msg(show_error(e, dir, &user_names));
    let composer = Composer::new(user).map_err(shown)?;
    let letter = composer.compose(&parsed.facts).map_err(shown)?;

    let findings = if args.no_lint {
        Vec::new()
    } else {
        let linter = load_linter(&config, &args.lints, &args.disable, args.max_chars, None)?;
        linter
            .check(&letter.text, LangChoice::Force(letter.lang))
            .findings
    };

    let shown_as = match &args.output {
        Some(path) => {
            input::write_atomic(path, &letter.text, args.force).map_err(Failure::msg)?;
            path.display().to_string()
        }
        None => {
            input::print(&letter.text)?;
            "<composed letter>".to_owned()
        }
    };

    if findings.is_empty() {
        return Ok(Status::Success);
    }
    let reports = [FileReport {
        path: &shown_as,
        text: &letter.text,
        lang: letter.lang,
        findings: &findings,
    }];
    let summary = Summary::of(&findings);
    let color = !matches!(
        anstream::AutoStream::choice(&std::io::stderr()),
        anstream::ColorChoice::Never
    );
    eprintln!(
        "{}{}",
        report::human(&reports, color),
        report::summary_line(summary, 1)
    );
    Ok(if summary.reaches(Severity::Warning) {
        Status::Findings
    } else {
        Status::Success
    })
}

/// `facts.yaml:3:5: …` where the position is known, `facts.yaml: …` otherwise.
fn located(name: &str, e: &FactsError) -> String {
    match e.pos {
        Some(_) => format!("{name}:{e}"),
        None => format!("{name}: {e}"),
    }
}

/// A template error, naming a user's template by its path on disk.
fn show_error(e: ComposeError, dir: Option<&Path>, user: &[String]) -> String {
    match (e, dir) {
        (
            ComposeError::Template {
                template,
                line,
                column,
                message,
            },
            Some(dir),
        ) if user.contains(&template) => {
            format!(
                "template {}:{line}:{column}: {message}",
                dir.join(&template).display()
            )
        }
        (e, _) => e.to_string(),
    }
}

/// Every file under `dir`, named by its path relative to `dir` (`ja/security-lock.txt`).
fn read_templates(dir: &Path) -> Result<Vec<TemplateSource>, Failure> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<TemplateSource>) -> Result<(), String> {
        let name = dir.display().to_string();
        let entries = std::fs::read_dir(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{name}: no such template directory"),
            _ => describe_io(&name, &e),
        })?;
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out)?;
                continue;
            }
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|e| describe_io(&shown, &e))?;
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push(TemplateSource { name, text });
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out).map_err(Failure::msg)?;
    if out.is_empty() {
        return Err(Failure::msg(format!(
            "{}: no templates in this directory (expected LANG/SCENARIO.txt files)",
            dir.display()
        )));
    }
    Ok(out)
}
