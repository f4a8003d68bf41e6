//! `appeal lint`: check letters, report in one of three formats, fix or show fixes.

use super::Status;
use super::config::{Config, load_linter};
use super::input::{self, Failure, Input};
use appeal::lint::report::{self, FileReport, Summary};
use appeal::lint::{
    Category, Finding, FixOutcome, LangChoice, Linter, Severity, fix_text, mask_secrets,
};
use appeal::text::Lang;
use clap::ValueEnum;
use rayon::prelude::*;
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  appeal lint letter.txt                     findings with the line, why, and what to write instead
  pbpaste | appeal lint -                    lint the clipboard (stdin)
  appeal lint letters/ --format json         every .txt/.md letter in a folder, as JSON
  appeal lint letter.txt --fix               apply safe fixes in place (atomically)
  appeal lint letter.txt --diff              show the fixes as a diff; write nothing
  appeal lint letter.txt --disable ja-style/long-sentence --fail-on warning";

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Letters to lint: files, directories (walked for .txt/.md), or - for stdin
    #[arg(value_name = "PATH")]
    paths: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Language of the letter; auto decides per paragraph
    #[arg(long, value_enum, default_value_t = LangArg::Auto)]
    lang: LangArg,
    /// Extra rule-pack directory (repeatable); a pack with a shipped pack's id replaces it
    #[arg(long = "lints", value_name = "DIR")]
    lints: Vec<PathBuf>,
    /// Switch off a rule (pack/id) or a whole pack (repeatable)
    #[arg(long, value_name = "ID")]
    disable: Vec<String>,
    /// Exit 1 when a finding is at or above this level [default: error, or the config's]
    #[arg(long, value_enum)]
    fail_on: Option<Level>,
    /// Warn when the letter is longer than the support form accepts (characters)
    #[arg(long, value_name = "N")]
    max_chars: Option<usize>,
    /// Apply safe fixes and rewrite the files (with -: print the fixed text)
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// With --fix, also apply unsafe fixes (tone rewrites: read them afterwards)
    #[arg(long, requires = "fix")]
    unsafe_fixes: bool,
    /// Show the safe fixes as a unified diff and write nothing
    #[arg(long)]
    diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Auto,
    Ja,
    En,
}

impl From<LangArg> for LangChoice {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Auto => LangChoice::Auto,
            LangArg::Ja => LangChoice::Force(Lang::Ja),
            LangArg::En => LangChoice::Force(Lang::En),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl From<Level> for Severity {
    fn from(l: Level) -> Self {
        match l {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

/// One file's result.
struct Checked {
    input: Input,
    lang: Lang,
    findings: Vec<Finding>,
    fix: Option<FixOutcome>,
    /// The secrets (`pii` findings) of the text as read, to mask in `--diff` (empty when not
    /// fixing).
    secrets: Vec<Finding>,
}

/// Up to this many bytes of input in all, only the packs of the languages it holds are loaded
/// (see [`needed_langs`]): reading the other language's packs was 8-14% of linting a letter,
/// while finding a text's languages folds it once more, which a big input pays for in full
/// and for which reading every pack is a small share.
const PICK_PACKS_UP_TO: usize = 1 << 20;

pub fn run(args: Args) -> Result<Status, Failure> {
    let config = Config::discover()?;
    let fail_on = args
        .fail_on
        .map(Severity::from)
        .or(config.fail_on)
        .unwrap_or(Severity::Error);
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return Err(Failure::msg(
                "no letter given: name a file or directory, or pass - to read stdin (see appeal lint --help)",
            ));
        }
        paths.push("-".into());
    }
    let lang = LangChoice::from(args.lang);
    let fixing = args.fix || args.diff;
    let files = input::expand_paths(&paths);
    // One file is read and checked on this thread: starting rayon's pool for it spawned a
    // thread per core, each with its stack and malloc arena to fault in, for nothing to share.
    let parallel = files.len() > 1;
    let read = |p: Result<String, String>| input::read_input(&p?);
    let inputs = map_all(files, parallel, read);
    // The rules are loaded once the texts are known. The process ends after this command:
    // freeing the automata piece by piece cost about 5% of linting one letter, so the linter
    // is never dropped.
    let langs = needed_langs(&inputs, lang, fixing);
    let linter: &Linter = Box::leak(Box::new(load_linter(
        &config,
        &args.lints,
        &args.disable,
        args.max_chars,
        langs.as_deref(),
    )?));
    let check = |i: Result<Input, String>| check_one(linter, i?, lang, fixing, args.unsafe_fixes);
    let results = map_all(inputs, parallel, check);

    let mut errors = Vec::new();
    let mut checked = Vec::new();
    for r in results {
        match r {
            Ok(c) => checked.push(c),
            Err(e) => errors.push(e),
        }
    }
    input::print_errors(&errors);

    if args.diff {
        print_fix_diffs(&checked)?;
    } else if args.fix {
        write_fixes(&mut checked, &mut errors, args.format)?;
    }
    let reports: Vec<FileReport> = checked
        .iter()
        .map(|c| FileReport {
            path: &c.input.name,
            text: c.fix.as_ref().map_or(&c.input.text, |f| &f.text),
            lang: c.lang,
            findings: &c.findings,
        })
        .collect();
    if !args.diff {
        print_report(&reports, args.format, args.fix && stdin_fixed(&checked))?;
    }
    let summary = Summary::of(checked.iter().flat_map(|c| &c.findings));
    if !errors.is_empty() {
        return Err(Failure::Reported);
    }
    Ok(if summary.reaches(fail_on) {
        Status::Findings
    } else {
        Status::Success
    })
}

/// `f` of each item, in order: on rayon's threads when `parallel`, else on this one.
fn map_all<T: Send, R: Send>(
    items: Vec<T>,
    parallel: bool,
    f: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    match parallel {
        false => items.into_iter().map(f).collect(),
        true => items.into_par_iter().map(f).collect(),
    }
}

/// The languages whose packs the inputs need, or `None` for all: when fixing (a fix may turn a
/// paragraph's language) or past [`PICK_PACKS_UP_TO`].
fn needed_langs(
    inputs: &[Result<Input, String>],
    lang: LangChoice,
    fixing: bool,
) -> Option<Vec<Lang>> {
    let texts = || {
        inputs
            .iter()
            .filter_map(|i| i.as_ref().ok())
            .map(|i| &i.text)
    };
    if fixing || texts().map(String::len).sum::<usize>() > PICK_PACKS_UP_TO {
        return None;
    }
    let mut langs = Vec::new();
    for text in texts() {
        for l in lang.langs_in(text) {
            if !langs.contains(&l) {
                langs.push(l);
            }
        }
        if langs.len() == Lang::ALL.len() {
            break;
        }
    }
    Some(langs)
}

fn check_one(
    linter: &Linter,
    input: Input,
    lang: LangChoice,
    fixing: bool,
    unsafe_fixes: bool,
) -> Result<Checked, String> {
    let outcome = linter.check(&input.text, lang);
    let fix = fixing.then(|| fix_text(linter, &input.text, lang, unsafe_fixes));
    // Only `--diff` shows the text as read again.
    let secrets = match fixing {
        true => (outcome.findings.iter())
            .filter(|f| f.category == Category::Pii)
            .cloned()
            .collect(),
        false => Vec::new(),
    };
    // After a fix, what is reported is what remains.
    let findings = match &fix {
        Some(f) => f.remaining.clone(),
        None => outcome.findings,
    };
    Ok(Checked {
        input,
        lang: outcome.lang,
        findings,
        fix,
        secrets,
    })
}

fn stdin_fixed(checked: &[Checked]) -> bool {
    checked.iter().any(|c| c.input.path.is_none())
}

/// `--diff`: the fixes as a unified diff per file, nothing written.
fn print_fix_diffs(checked: &[Checked]) -> Result<(), Failure> {
    let mut out = String::new();
    for c in checked {
        let Some(fix) = &c.fix else { continue };
        if fix.text == c.input.text {
            continue;
        }
        // A preview, not only a patch: a secret on a line the fixes touch (or its context) is
        // masked as everywhere else, so a hunk with one will not apply; `--fix` writes the fixes.
        let (old, new) = (
            mask_secrets(&c.input.text, &c.secrets),
            mask_secrets(&fix.text, &c.findings),
        );
        let diff = similar::TextDiff::from_lines(&old, &new);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(2)
                .header(
                    &format!("a/{}", c.input.name),
                    &format!("b/{}", c.input.name),
                )
                .to_string(),
        );
    }
    input::print(&out)
}

/// `--fix`: rewrite changed files atomically (stdin: print the fixed text), and say what changed.
fn write_fixes(
    checked: &mut [Checked],
    errors: &mut Vec<String>,
    format: Format,
) -> Result<(), Failure> {
    let mut notes = String::new();
    for c in checked.iter() {
        let Some(fix) = &c.fix else { continue };
        match &c.input.path {
            None => input::print(&fix.text)?,
            Some(path) if fix.text != c.input.text => {
                if let Err(e) = input::write_atomic(path, &fix.text, true) {
                    errors.push(e);
                    continue;
                }
                notes.push_str(&format!(
                    "{}: fixed {} ({}), {} remaining\n",
                    c.input.name,
                    plural(fix.applied.len(), "finding"),
                    rule_counts(&fix.applied),
                    fix.remaining.len()
                ));
            }
            Some(_) => {}
        }
    }
    input::print_errors(errors);
    if !notes.is_empty() {
        if format == Format::Human && !stdin_fixed(checked) {
            input::print(&notes)?;
        } else {
            eprint!("{notes}");
        }
    }
    Ok(())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn rule_counts(findings: &[Finding]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in findings {
        *counts.entry(&f.rule).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(r, n)| {
            if n == 1 {
                r.to_owned()
            } else {
                format!("{r} ×{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prints the report; when stdout carries a fixed text, the human report goes to stderr.
fn print_report(reports: &[FileReport], format: Format, stdout_taken: bool) -> Result<(), Failure> {
    let text = match format {
        Format::Json => report::json(reports),
        Format::Github => report::github(reports),
        Format::Human => {
            let color = if stdout_taken {
                false
            } else {
                input::stdout_color()
            };
            let summary = Summary::of(reports.iter().flat_map(|r| r.findings));
            format!(
                "{}{}\n",
                report::human(reports, color),
                report::summary_line(summary, reports.len())
            )
        }
    };
    if stdout_taken {
        eprint!("{text}");
        Ok(())
    } else {
        input::print(&text)
    }
}
