//! The rule model as the engine uses it, after a pack is loaded and checked.

use super::patterns::LazyRegex;
use super::{
    Applicability, Category, Severity, metric::Metric, phrases::Phrases, regex::Pattern,
    require::Require,
};
use crate::text::Lang;
use serde::Deserialize;
use std::sync::OnceLock;

/// Which paragraphs a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLang {
    Ja,
    En,
    Any,
}

impl RuleLang {
    pub fn applies_to(self, lang: Lang) -> bool {
        match self {
            RuleLang::Any => true,
            RuleLang::Ja => lang == Lang::Ja,
            RuleLang::En => lang == Lang::En,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleLang::Ja => "ja",
            RuleLang::En => "en",
            RuleLang::Any => "any",
        }
    }

    /// The language to lint a rule's own examples in.
    pub fn example_lang(self) -> Option<Lang> {
        match self {
            RuleLang::Ja => Some(Lang::Ja),
            RuleLang::En => Some(Lang::En),
            RuleLang::Any => None,
        }
    }
}

/// A suggestion as written in the pack. For `regex` rules the text may name capture groups
/// (`$1`, `${name}`), expanded per match.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestionDef {
    pub text: String,
    pub applicability: Applicability,
}

/// A bad example, with the text expected once this rule's fixes are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadExample {
    pub text: String,
    pub fixed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Examples {
    pub bad: Vec<BadExample>,
    pub good: Vec<String>,
}

/// A rule's examples, read when first asked for when they come from the embedded packs: only
/// `rules test`, `rules explain` and the tests read them, and reading them for every lint was a
/// third of loading the shipped packs.
#[derive(Clone, Default)]
pub struct LazyExamples {
    /// build.rs's JSON of them, when they are not read yet.
    json: Option<&'static str>,
    read: OnceLock<Examples>,
}

impl LazyExamples {
    pub(crate) fn embedded(json: &'static str) -> Self {
        LazyExamples {
            json: Some(json),
            read: OnceLock::new(),
        }
    }
}

impl From<Examples> for LazyExamples {
    fn from(examples: Examples) -> Self {
        LazyExamples {
            json: None,
            read: OnceLock::from(examples),
        }
    }
}

impl std::ops::Deref for LazyExamples {
    type Target = Examples;

    fn deref(&self) -> &Examples {
        self.read.get_or_init(|| {
            self.json
                .map(super::pack::read_examples)
                .unwrap_or_default()
        })
    }
}

impl std::fmt::Debug for LazyExamples {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl PartialEq for LazyExamples {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for LazyExamples {}

/// How a rule finds its matches. One variant per matcher kind, each in its own file.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Literal phrases, all rules' phrases in one automaton.
    Phrases(Phrases),
    /// A regular expression, all rules' patterns in one `RegexSet`.
    Regex(Pattern),
    /// Document level: one of these patterns must appear, else a `missing-content` finding.
    Require(Require),
    /// A measure of the text (length, longest sentence) against a limit.
    Metric(Metric),
}

impl Matcher {
    pub fn kind(&self) -> &'static str {
        match self {
            Matcher::Phrases(_) => "phrases",
            Matcher::Regex(_) => "regex",
            Matcher::Require(_) => "require",
            Matcher::Metric(_) => "metric",
        }
    }

    /// A short human description of what the matcher looks for, for `rules explain`.
    pub fn describe(&self) -> String {
        match self {
            Matcher::Phrases(p) => p.describe(),
            Matcher::Regex(p) => p.describe(),
            Matcher::Require(r) => r.describe(),
            Matcher::Metric(m) => m.describe(),
        }
    }
}

/// A loaded, compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Full id, `pack/id`.
    pub id: String,
    pub lang: RuleLang,
    pub category: Category,
    pub level: Severity,
    pub message: String,
    pub why: String,
    pub suggestions: Vec<SuggestionDef>,
    pub examples: LazyExamples,
    pub matcher: Matcher,
    /// A hit is dropped when any of these matches in the same sentence.
    pub unless: Vec<LazyRegex>,
    /// The rule applies only to letters where one of these matches in the paragraphs of the
    /// language it is checking (empty: always).
    pub when: Vec<LazyRegex>,
    /// Where the rule was defined, for errors and `rules explain`.
    pub path: String,
    pub line: usize,
}

impl Rule {
    /// The message with `{count}` and `{max}` filled in (metric rules).
    pub(crate) fn message_with(&self, count: usize, max: usize) -> String {
        self.message
            .replace("{count}", &count.to_string())
            .replace("{max}", &max.to_string())
    }
}
