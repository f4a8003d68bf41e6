//! The lint engine: rule packs (data), matchers (one file per kind), the engine that runs them in
//! one pass over a text, fixes, and report formats. No I/O: packs arrive as `PackSource`s.

mod engine;
mod fix;
mod hircode;
mod leads;
pub(crate) mod learn;
mod metric;
mod nfacode;
mod nfasim;
mod pack;
mod patterns;
mod phrases;
mod regex;
pub mod report;
mod require;
mod rule;
mod selftest;
#[cfg(test)]
mod train;

pub use engine::{LangChoice, Linter, Options, Outcome};
pub use fix::{FixOutcome, apply_fixes, fix_text};
pub use pack::{LoadError, PackSource, embedded_packs, embedded_packs_for};
pub use patterns::LazyRegex;
pub use rule::{Examples, Matcher, Rule, RuleLang, SuggestionDef};
pub use selftest::{ExampleFailure, ExampleRef};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// What kind of problem a rule finds. A fixed vocabulary (DESIGN.md); every rule has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Blame,
    UnauthorizedAccess,
    Demand,
    Emotional,
    Sarcasm,
    Vague,
    Pii,
    MissingContent,
    Style,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Blame,
        Category::UnauthorizedAccess,
        Category::Demand,
        Category::Emotional,
        Category::Sarcasm,
        Category::Vague,
        Category::Pii,
        Category::MissingContent,
        Category::Style,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Blame => "blame",
            Category::UnauthorizedAccess => "unauthorized-access",
            Category::Demand => "demand",
            Category::Emotional => "emotional",
            Category::Sarcasm => "sarcasm",
            Category::Vague => "vague",
            Category::Pii => "pii",
            Category::MissingContent => "missing-content",
            Category::Style => "style",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown level `{other}` (expected error, warning or info)"
            )),
        }
    }
}

/// Whether a suggestion may be applied without a person reading it (ruff's model): `safe` keeps
/// the meaning and is applied by `--fix`; `unsafe` rewrites tone and needs `--unsafe-fixes`;
/// `display-only` is advice that never replaces text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    Safe,
    Unsafe,
    DisplayOnly,
}

/// A concrete replacement for a finding's span, ready to paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub text: String,
    pub applicability: Applicability,
}

/// One problem in one text. Field order is the JSON contract's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets into the text as read.
    pub start: usize,
    pub end: usize,
    /// The matched text; for `pii` findings the secret is masked but for its last four characters.
    pub matched: String,
    pub suggestions: Vec<Suggestion>,
    pub why: String,
}

impl Finding {
    /// Document-level findings (`missing-content`) have no span.
    pub fn is_document_level(&self) -> bool {
        self.start == self.end && self.matched.is_empty()
    }
}

/// Masks a secret, keeping its last four characters (and any separators) visible:
/// `4242 4242 4242 4242` → `**** **** **** 4242`.
pub fn mask_secret(secret: &str) -> String {
    let alnum = secret.chars().filter(|c| c.is_alphanumeric()).count();
    let keep_from = alnum.saturating_sub(4);
    let mut seen = 0;
    secret
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                seen += 1;
                if seen <= keep_from { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// The spans (byte offsets) of the `pii` findings among `findings`.
pub(crate) fn pii_spans(findings: &[Finding]) -> Vec<Range<usize>> {
    findings
        .iter()
        .filter(|f| f.category == Category::Pii && f.start < f.end)
        .map(|f| f.start..f.end)
        .collect()
}

/// `text` with the secret of every `pii` finding among `findings` masked as [`mask_secret`]
/// does, character for character (so lines and columns hold): for output that shows the
/// letter's own text, such as `appeal diff`.
pub fn mask_secrets(text: &str, findings: &[Finding]) -> String {
    mask_within(text, 0..text.len(), &pii_spans(findings))
}

/// `text[range]` with every secret that overlaps it masked as [`mask_secret`] does (the part of a
/// secret inside `range`): so a finding whose span or line holds a `pii` finding's secret shows
/// it masked too. Character counts are kept, so columns hold.
pub(crate) fn mask_within(text: &str, range: Range<usize>, secrets: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(range.end - range.start);
    let mut at = range.start;
    let mut inside: Vec<Range<usize>> = secrets
        .iter()
        .map(|s| s.start.max(range.start)..s.end.min(range.end))
        .filter(|s| s.start < s.end)
        .collect();
    inside.sort_by_key(|s| s.start);
    for s in inside {
        if s.start < at {
            // Overlaps the previous secret: mask what is left of it.
            if s.end > at {
                out.push_str(&mask_secret(&text[at..s.end]));
                at = s.end;
            }
            continue;
        }
        out.push_str(&text[at..s.start]);
        out.push_str(&mask_secret(&text[s.clone()]));
        at = s.end;
    }
    out.push_str(&text[at..range.end]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_inside_a_wider_span_are_masked_and_columns_hold() {
        let text = "パスワードはHanako2024です。もう限界です。";
        let secret = text.find("パスワード").unwrap()..text.find("です").unwrap();
        let masked = mask_within(text, 0..text.len(), std::slice::from_ref(&secret));
        assert_eq!(masked, "************2024です。もう限界です。");
        assert_eq!(masked.chars().count(), text.chars().count());
        // Only the part inside the range, and nothing when none overlaps.
        let tail = text.find("もう").unwrap()..text.len();
        assert_eq!(mask_within(text, tail.clone(), &[secret]), &text[tail]);
    }

    #[test]
    fn mask_keeps_last_four_and_separators() {
        assert_eq!(mask_secret("4242 4242 4242 4242"), "**** **** **** 4242");
        assert_eq!(mask_secret("pw: abcd1234"), "**: ****1234");
        assert_eq!(mask_secret("12"), "12");
    }

    #[test]
    fn categories_serialise_in_kebab_case() {
        assert_eq!(
            serde_json::to_string(&Category::UnauthorizedAccess).unwrap(),
            "\"unauthorized-access\""
        );
        for c in Category::ALL {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
    }
}
