//! Report formats: rustc-style human output, the JSON contract, and GitHub workflow annotations.
//! Each returns a `String`; the CLI decides where it goes.

use super::{Applicability, Finding, Severity, mask_within, pii_spans};
use crate::text::{Lang, LineIndex};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;
use std::ops::Range;

/// One linted file: what the formats need.
#[derive(Debug, Clone, Copy)]
pub struct FileReport<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub lang: Lang,
    pub findings: &'a [Finding],
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Summary {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
            }
        }
        s
    }

    /// Whether any finding is at or above `level`.
    pub fn reaches(&self, level: Severity) -> bool {
        match level {
            Severity::Error => self.error > 0,
            Severity::Warning => self.error + self.warning > 0,
            Severity::Info => self.error + self.warning + self.info > 0,
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closing line of human output.
pub fn summary_line(summary: Summary, files: usize) -> String {
    let total = summary.error + summary.warning + summary.info;
    let files = plural(files, "file");
    if total == 0 {
        format!("no findings in {files}")
    } else {
        format!(
            "{}, {}, {} info in {files}",
            plural(summary.error, "error"),
            plural(summary.warning, "warning"),
            summary.info
        )
    }
}

/// How a suggestion reads after `= try:`.
pub fn describe_suggestion(text: &str, applicability: Applicability, matched: &str) -> String {
    let what = if text.is_empty() {
        format!("remove 「{matched}」")
    } else {
        text.to_owned()
    };
    let tag = match applicability {
        Applicability::Safe => " (safe fix)",
        Applicability::Unsafe => " (fix with --unsafe-fixes)",
        Applicability::DisplayOnly => "",
    };
    format!("{what}{tag}")
}

/// rustc-style diagnostics for every finding of every file, and no summary line.
pub fn human(files: &[FileReport], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for file in files {
        let index = LineIndex::new(file.text);
        let secrets = pii_spans(file.findings);
        for f in file.findings {
            out.push_str(&renderer.render(&finding_report(file, &index, &secrets, f)));
            out.push_str("\n\n");
        }
    }
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn finding_report<'a>(
    file: &FileReport<'a>,
    index: &LineIndex,
    secrets: &[Range<usize>],
    f: &'a Finding,
) -> Vec<Group<'a>> {
    let title = level(f.severity)
        .primary_title(f.message.as_str())
        .id(f.rule.as_str());
    let mut group = if f.is_document_level() {
        title.element(Origin::path(file.path).line(1).char_column(1))
    } else {
        let first = f.line - 1;
        let last = f.end_line - 1;
        // A span that ends at the very start of a line (a sentence ending in "\n") stays on its
        // own lines.
        let last = if last > first && f.end == index.line_start(last) {
            last - 1
        } else {
            last
        };
        let start = index.line_start(first);
        let end = if last + 1 < index.line_count() {
            index.line_start(last + 1)
        } else {
            file.text.len()
        };
        // No secret reaches the screen, this finding's or another's on the same lines: masked
        // in place, same length in characters, so the underline is placed by characters.
        let source = mask_within(file.text, start..end, secrets);
        let source = source.trim_end_matches(['\n', '\r']).to_owned();
        let chars_before = file.text[start..f.start].chars().count();
        let span_start = source
            .char_indices()
            .nth(chars_before)
            .map_or(source.len(), |(i, _)| i);
        let span = span_start..(span_start + f.matched_len_in(&source, span_start)).max(span_start);
        title.element(
            Snippet::source(source)
                .line_start(f.line)
                .path(file.path)
                .annotation(AnnotationKind::Primary.span(span)),
        )
    };
    group = group.element(Level::NOTE.with_name("why").message(f.why.as_str()));
    for s in &f.suggestions {
        group = group.element(Level::HELP.with_name("try").message(describe_suggestion(
            &s.text,
            s.applicability,
            &f.matched,
        )));
    }
    vec![group]
}

impl Finding {
    /// Byte length of the finding's span inside `source` (a copy of its lines, possibly masked)
    /// starting at `at`; masking keeps character counts, not byte counts.
    fn matched_len_in(&self, source: &str, at: usize) -> usize {
        let chars = self.matched.chars().count();
        source[at..]
            .char_indices()
            .nth(chars)
            .map_or(source.len() - at, |(i, _)| i)
    }
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    lang: Lang,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile<'a>>,
    summary: Summary,
}

/// The JSON document of DESIGN.md.
pub fn json(files: &[FileReport]) -> String {
    let report = JsonReport {
        files: files
            .iter()
            .map(|f| JsonFile {
                path: f.path,
                lang: f.lang,
                findings: f.findings,
            })
            .collect(),
        summary: Summary::of(files.iter().flat_map(|f| f.findings)),
    };
    serde_json::to_string_pretty(&report).expect("report serialises") + "\n"
}

/// GitHub Actions workflow commands, one per finding.
pub fn github(files: &[FileReport]) -> String {
    let mut out = String::new();
    for file in files {
        for f in file.findings {
            let kind = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let try_ = f
                .suggestions
                .first()
                .map(|s| {
                    format!(
                        " Try: {}",
                        describe_suggestion(&s.text, s.applicability, &f.matched)
                    )
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(file.path),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                escape_property(&f.rule),
                escape_data(&format!("{} ({}){try_}", f.message, f.why)),
            ));
        }
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Suggestion;
    use crate::lint::{Category, mask_secret};

    fn finding(text: &str, matched: &str, category: Category) -> Finding {
        let start = text.find(matched).unwrap();
        let end = start + matched.len();
        let index = LineIndex::new(text);
        let (s, e) = (index.position(text, start), index.position(text, end));
        Finding {
            rule: "t/r".into(),
            category,
            severity: Severity::Error,
            message: "msg".into(),
            line: s.line,
            column: s.column,
            end_line: e.line,
            end_column: e.column,
            start,
            end,
            matched: if category == Category::Pii {
                mask_secret(matched)
            } else {
                matched.into()
            },
            suggestions: vec![Suggestion {
                text: "恐れ入りますが".into(),
                applicability: Applicability::Unsafe,
            }],
            why: "because".into(),
        }
    }

    fn render(text: &str, f: Finding) -> String {
        let findings = [f];
        let file = FileReport {
            path: "letter.txt",
            text,
            lang: Lang::Ja,
            findings: &findings,
        };
        human(&[file], false)
    }

    /// Renders `text` with a finding on "Amazonのミス" and checks that the carets start under
    /// it and are as wide as it, in terminal cells. Returns the rendered output.
    fn assert_carets_under_match(text: &str) -> String {
        let out = render(text, finding(text, "Amazonのミス", Category::Blame));
        let lines: Vec<&str> = out.lines().collect();
        let src = lines
            .iter()
            .position(|l| l.contains("Amazonのミス"))
            .unwrap();
        let (src_line, caret_line) = (lines[src], lines[src + 1]);
        let prefix = &src_line[..src_line.find("Amazon").unwrap()];
        let width = crate::text::display_width;
        assert_eq!(width(prefix), caret_line.find('^').unwrap(), "\n{out}");
        assert_eq!(
            caret_line.matches('^').count(),
            width("Amazonのミス"),
            "\n{out}"
        );
        out
    }

    /// The caret must sit exactly under the match when the line holds full-width characters:
    /// each full-width character is two cells wide.
    #[test]
    fn underline_sits_under_full_width_text() {
        let out = assert_carets_under_match("一行目\n　ＡＢＣ、Amazonのミスです。\n");
        assert!(out.contains("error[t/r]: msg"), "{out}");
        assert!(out.contains("--> letter.txt:2:6"), "{out}");
        assert!(out.contains("= why: because"), "{out}");
        assert!(
            out.contains("= try: 恐れ入りますが (fix with --unsafe-fixes)"),
            "{out}"
        );
    }

    /// Tabs, half-width katakana with separate voiced marks and the ideographic space before the
    /// match: the caret still lands under it.
    #[test]
    fn underline_survives_tabs_and_half_width_kana() {
        assert_carets_under_match("\tｶﾞｲﾄﾞ　Amazonのミスです\n");
    }

    #[test]
    fn pii_is_masked_in_the_source_line() {
        let text = "カード番号は4242424242424242です。\n";
        let out = render(text, finding(text, "4242424242424242", Category::Pii));
        assert!(!out.contains("4242424242424242"), "{out}");
        assert!(out.contains("************4242"), "{out}");
    }

    #[test]
    fn another_finding_on_the_line_of_a_secret_shows_it_masked_and_underlines_its_own_span() {
        let text = "パスワードはsakura2024です。もう限界です。\n";
        let findings = [
            finding(text, "パスワードはsakura2024", Category::Pii),
            finding(text, "もう限界です。", Category::Emotional),
        ];
        let out = human(
            &[FileReport {
                path: "letter.txt",
                text,
                lang: Lang::Ja,
                findings: &findings,
            }],
            false,
        );
        assert!(!out.contains("sakura"), "{out}");
        let emotional = out.split("\n\n").nth(1).expect("two findings");
        let lines: Vec<&str> = emotional.lines().collect();
        let source = lines
            .iter()
            .position(|l| l.starts_with("1 |"))
            .expect("source line");
        let (line, marks) = (lines[source], lines[source + 1]);
        // The carets sit under 「もう限界です。」 in the masked line (display columns).
        let at = |s: &str, upto: usize| unicode_width::UnicodeWidthStr::width(&s[..upto]);
        let start = line.find("もう").expect("the span is shown");
        assert_eq!(
            at(marks, marks.find('^').unwrap()),
            at(line, start),
            "{emotional}"
        );
    }

    #[test]
    fn github_annotations_escape_properties() {
        let text = "至急\n";
        let findings = [finding(text, "至急", Category::Demand)];
        let out = github(&[FileReport {
            path: "a,b.txt",
            text,
            lang: Lang::Ja,
            findings: &findings,
        }]);
        assert!(
            out.starts_with(
                "::error file=a%2Cb.txt,line=1,col=1,endLine=1,endColumn=3,title=t/r::msg"
            ),
            "{out}"
        );
    }

    #[test]
    fn summary_lines() {
        assert_eq!(summary_line(Summary::default(), 1), "no findings in 1 file");
        let s = Summary {
            error: 1,
            warning: 2,
            info: 0,
        };
        assert_eq!(summary_line(s, 3), "1 error, 2 warnings, 0 info in 3 files");
        assert!(s.reaches(Severity::Warning));
        assert!(
            !Summary {
                error: 0,
                warning: 0,
                info: 3
            }
            .reaches(Severity::Warning)
        );
    }
}
