//! `appeal diff`: what changed between revisions of a letter, which facts changed, and which
//! lint findings each revision fixed or introduced.

use super::Status;
use super::config::{Config, load_linter};
use super::input::{self, Failure, Input};
use appeal::diff::{self, By, Delta, FactsDelta, Hunk, Op, Options, TextDiff};
use appeal::lint::{Finding, LangChoice, mask_secrets};
use appeal::text::{display_width, is_japanese_char};
use clap::ValueEnum;
use serde::Serialize;
use std::fmt::Write as _;

const EXAMPLES: &str = "\
Examples:
  appeal diff sent.txt next.txt              track changes, changed facts, lint delta
  appeal diff v1.txt v2.txt v3.txt           each consecutive pair
  appeal diff revisions/                     the folder's .txt/.md letters (v2 before v10)
  appeal diff old.txt new.txt --by line      whole lines, no inline diff
  appeal diff old.txt new.txt --format json  for scripts (changes rebuild both texts)";

/// Unchanged rows shown around each edit.
const CONTEXT: usize = 2;

#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Revisions, oldest first: files, directories (their .txt/.md letters in name order), or -
    /// for stdin
    #[arg(value_name = "REVISION", required = true)]
    revisions: Vec<String>,
    /// What to compare inside a changed sentence; auto: characters for Japanese, words for English
    #[arg(long, value_enum, default_value_t = ByArg::Auto)]
    by: ByArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Do not report the lint delta (secrets the pii rules find are still masked)
    #[arg(long)]
    no_lint: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ByArg {
    Auto,
    Char,
    Word,
    Line,
}

impl From<ByArg> for By {
    fn from(b: ByArg) -> Self {
        match b {
            ByArg::Auto => By::Auto,
            ByArg::Char => By::Char,
            ByArg::Word => By::Word,
            ByArg::Line => By::Line,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// One consecutive pair of revisions, compared.
struct Pair<'a> {
    old: &'a Input,
    new: &'a Input,
    diff: TextDiff,
    facts: FactsDelta,
    lint: Option<Delta<Finding>>,
}

pub fn run(args: Args) -> Result<Status, Failure> {
    let mut inputs = read_revisions(&args.revisions)?;
    // Linted even with --no-lint: the findings' secrets are masked in the text before it is
    // compared, so no output of `appeal diff` shows a password or card number a revision held.
    let config = Config::discover()?;
    let linter = load_linter(&config, &[], &[], None, None)?;
    let findings: Vec<Vec<Finding>> = inputs
        .iter()
        .map(|i| linter.check(&i.text, LangChoice::Auto).findings)
        .collect();
    for (input, found) in inputs.iter_mut().zip(&findings) {
        input.text = mask_secrets(&input.text, found);
    }
    let findings = (!args.no_lint).then_some(findings);
    let options = Options {
        by: args.by.into(),
        ..Options::default()
    };
    let pairs: Vec<Pair> = inputs
        .windows(2)
        .enumerate()
        .map(|(k, w)| Pair {
            old: &w[0],
            new: &w[1],
            diff: diff::diff(&w[0].text, &w[1].text, &options),
            facts: diff::facts_delta(&w[0].text, &w[1].text),
            lint: findings
                .as_ref()
                .map(|f| diff::lint_delta(f[k].clone(), f[k + 1].clone())),
        })
        .collect();
    let out = match args.format {
        Format::Json => json(&pairs),
        Format::Human => human(&pairs, input::stdout_color()),
    };
    input::print(&out)?;
    Ok(Status::Success)
}

/// Reads every revision, expanding directories; reports every unreadable one at once.
fn read_revisions(args: &[String]) -> Result<Vec<Input>, Failure> {
    let mut errors = Vec::new();
    let mut inputs = Vec::new();
    if args.iter().filter(|a| *a == "-").count() > 1 {
        return Err(Failure::msg("- (stdin) can be given only once"));
    }
    for arg in args {
        let paths = if arg != "-" && std::path::Path::new(arg).is_dir() {
            letters_in(arg)
        } else {
            vec![Ok(arg.clone())]
        };
        for path in paths {
            match path.and_then(|p| input::read_input(&p)) {
                Ok(i) => inputs.push(i),
                Err(e) => errors.push(e),
            }
        }
    }
    if !errors.is_empty() {
        return Err(Failure::Errors(errors));
    }
    if inputs.len() < 2 {
        return Err(Failure::msg(format!(
            "diff needs at least two revisions, got {} (name two files, or a directory holding several)",
            inputs.len()
        )));
    }
    Ok(inputs)
}

/// The letters (`.txt`, `.md`) directly in a directory, in natural name order, so `v2.txt`
/// comes before `v10.txt`. Subdirectories are not walked: they would mix unrelated letters
/// into one sequence of revisions.
fn letters_in(dir: &str) -> Vec<Result<String, String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return vec![Err(input::describe_io(dir, &e))],
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.') && (n.ends_with(".txt") || n.ends_with(".md")))
        .collect();
    if names.is_empty() {
        return vec![Err(format!(
            "{dir}: no .txt or .md letters in this directory"
        ))];
    }
    names.sort_by(|a, b| natural_cmp(a, b));
    let base = dir.trim_end_matches('/');
    names
        .into_iter()
        .map(|n| Ok(format!("{base}/{n}")))
        .collect()
}

/// Compares names with runs of digits taken as numbers: `v2` < `v10`, `2026-11-02` < `2026-11-10`.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digit = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digit.is_some_and(|p| p != d) {
                out.push((digit.unwrap_or(false), &s[start..i]));
                start = i;
            }
            digit = Some(d);
        }
        if start < s.len() {
            out.push((digit.unwrap_or(false), &s[start..]));
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord.is_ne() {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

/// The similarity rounded for output, so tiny float noise does not churn snapshots and scripts.
fn rounded(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn json(pairs: &[Pair]) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        pairs: Vec<JsonPair<'a>>,
    }
    #[derive(Serialize)]
    struct JsonPair<'a> {
        old: &'a str,
        new: &'a str,
        similarity: f64,
        identical: bool,
        changes: &'a [diff::Change],
        lint: Option<&'a Delta<Finding>>,
        facts: &'a FactsDelta,
    }
    let report = Report {
        pairs: pairs
            .iter()
            .map(|p| JsonPair {
                old: &p.old.name,
                new: &p.new.name,
                similarity: rounded(p.diff.similarity),
                identical: p.diff.identical,
                changes: &p.diff.changes,
                lint: p.lint.as_ref(),
                facts: &p.facts,
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&report).expect("diff report serialises");
    s.push('\n');
    s
}

/// ANSI styles; used only when stdout is a terminal that wants colour.
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    /// Deleted text: red and struck through on a terminal, `[-…-]` in a log.
    fn delete(&self, s: &str) -> String {
        if self.color {
            self.wrap("31;9", s)
        } else {
            format!("[-{s}-]")
        }
    }

    /// Inserted text: green and underlined on a terminal, `{+…+}` in a log.
    fn insert(&self, s: &str) -> String {
        if self.color {
            self.wrap("32;4", s)
        } else {
            format!("{{+{s}+}}")
        }
    }
}

fn human(pairs: &[Pair], color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    for (k, p) in pairs.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        human_pair(&mut out, p, &paint);
    }
    out
}

fn human_pair(out: &mut String, p: &Pair, paint: &Paint) {
    let (old, new) = (&p.old.name, &p.new.name);
    let _ = writeln!(out, "{}", paint.wrap("1", &format!("--- {old}")));
    let _ = writeln!(out, "{}", paint.wrap("1", &format!("+++ {new}")));
    let d = &p.diff;
    let similarity = format!("similarity {:.2}", rounded(d.similarity));
    if !d.has_changes() {
        let _ = writeln!(out, "identical ({similarity}): the same text as {old}");
    } else if d.identical {
        let _ = writeln!(
            out,
            "identical ignoring trailing white space and line endings ({similarity})"
        );
    } else {
        let hunks = diff::hunks(&d.changes, CONTEXT);
        // Lines touched: rows carrying a deletion (old lines) or an insertion (new lines).
        let touched = |op: Op, line: fn(&diff::Row) -> Option<usize>| {
            let mut lines: Vec<usize> = hunks
                .iter()
                .flat_map(|h| &h.rows)
                .filter(|r| r.pieces.iter().any(|p| p.op == op))
                .filter_map(line)
                .collect();
            lines.dedup();
            lines.len()
        };
        let moved = match d.moved_count() {
            0 => String::new(),
            1 => " · 1 sentence moved".to_owned(),
            n => format!(" · {n} sentences moved"),
        };
        let _ = writeln!(
            out,
            "{similarity} · lines changed: -{} +{}{moved}",
            touched(Op::Delete, |r| r.old_line),
            touched(Op::Insert, |r| r.new_line)
        );
        for h in hunks {
            human_hunk(out, &h, paint);
        }
    }
    if !p.facts.is_empty() {
        let _ = writeln!(
            out,
            "\nfacts changed (check that they do not contradict what you already sent):"
        );
        let width = p
            .facts
            .removed
            .iter()
            .chain(&p.facts.added)
            .map(|f| display_width(&f.text))
            .max()
            .unwrap_or(0);
        for (sign, name, facts) in [("-", old, &p.facts.removed), ("+", new, &p.facts.added)] {
            for f in facts {
                let line = format!(
                    "  {sign} {:<6} {}{}  {name}:{}",
                    f.kind.as_str(),
                    f.text,
                    " ".repeat(width - display_width(&f.text)),
                    f.line
                );
                let _ = writeln!(
                    out,
                    "{}",
                    if sign == "-" {
                        paint.wrap("31", &line)
                    } else {
                        paint.wrap("32", &line)
                    }
                );
            }
        }
    }
    if let Some(lint) = &p.lint {
        human_lint(out, lint, old, new, paint);
    }
}

fn human_hunk(out: &mut String, h: &Hunk, paint: &Paint) {
    let _ = writeln!(
        out,
        "{}",
        paint.wrap(
            "36",
            &format!(
                "@@ -{},{} +{},{} @@",
                h.old_start, h.old_len, h.new_start, h.new_len
            )
        )
    );
    let width = (h.old_start + h.old_len)
        .max(h.new_start + h.new_len)
        .to_string()
        .len();
    let num = |n: Option<usize>| n.map_or(" ".repeat(width), |n| format!("{n:>width$}"));
    for row in &h.rows {
        let mut text = String::new();
        let mut notes = Vec::new();
        for piece in &row.pieces {
            // A line break deleted or inserted on its own would be invisible.
            let shown = if piece.text.is_empty() {
                "↵"
            } else {
                &piece.text
            };
            match piece.op {
                Op::Equal => text.push_str(&piece.text),
                Op::Delete => text.push_str(&paint.delete(shown)),
                Op::Insert => text.push_str(&paint.insert(shown)),
            }
            match (piece.op, piece.moved_line) {
                (Op::Delete, Some(l)) => notes.push(format!("moved to line {l}")),
                (Op::Insert, Some(l)) => notes.push(format!("moved from line {l}")),
                _ => {}
            }
        }
        notes.dedup();
        let note = if notes.is_empty() {
            String::new()
        } else {
            format!("  {}", paint.wrap("2", &format!("({})", notes.join(", "))))
        };
        let _ = writeln!(
            out,
            "{} {} │ {text}{note}",
            num(row.old_line),
            num(row.new_line)
        );
    }
}

fn human_lint(out: &mut String, lint: &Delta<Finding>, old: &str, new: &str, paint: &Paint) {
    let _ = writeln!(
        out,
        "\nlint: {} fixed, {} introduced, {} kept",
        lint.fixed.len(),
        lint.introduced.len(),
        lint.kept.len()
    );
    let groups = [
        ("fixed", &lint.fixed, old, "32"),
        ("introduced", &lint.introduced, new, "31"),
        ("kept", &lint.kept, new, "33"),
    ];
    let rule_width = groups
        .iter()
        .flat_map(|g| g.1.iter())
        .map(|f| f.rule.len())
        .max()
        .unwrap_or(0);
    for (label, findings, name, code) in groups {
        for f in findings {
            let matched = if f.is_document_level() {
                "(whole letter)".to_owned()
            } else {
                let m = f.matched.replace('\n', "↵");
                if m.chars().any(is_japanese_char) {
                    format!("「{m}」")
                } else {
                    format!("\"{m}\"")
                }
            };
            let _ = writeln!(
                out,
                "  {} {:<7} {:<rule_width$}  {matched}  {name}:{}",
                paint.wrap(code, &format!("{label:<10}")),
                f.severity.as_str(),
                f.rule,
                f.line
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn numbers_in_names_sort_as_numbers() {
        let mut names = vec!["v10.txt", "v2.txt", "v1.txt", "final.md", "v02b.txt"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            vec!["final.md", "v1.txt", "v2.txt", "v02b.txt", "v10.txt"]
        );
    }
}
