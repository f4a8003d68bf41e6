//! Rule packs: YAML files of rules (Vale's idea: rules are data a non-programmer can write).
//! Loading checks everything a rule author can get wrong and names the file, line and rule.

use super::metric::{Metric, MetricDef};
use super::patterns::LazyRegex;
use super::phrases::{Phrases, PhrasesDef};
use super::regex::{Pattern, RegexDef};
use super::require::{Require, RequireDef};
use super::rule::{BadExample, Examples, Matcher, Rule, RuleLang, SuggestionDef};
use super::{Category, Severity};
use crate::yaml;
use include_dir::{Dir, include_dir};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/lints");

/// The text of one pack file, wherever it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSource {
    /// Shown in errors: `lints/ja-tone.yaml` for embedded packs, the path given for others.
    pub path: String,
    pub text: String,
    /// Embedded packs are verified by `cargo test`; user packs run their examples at load.
    pub embedded: bool,
}

/// The packs compiled into the binary, in file-name order.
pub fn embedded_packs() -> Vec<PackSource> {
    let mut files: Vec<_> = EMBEDDED
        .files()
        .filter(|f| {
            f.path()
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml")
        })
        .collect();
    files.sort_by_key(|f| f.path());
    files
        .into_iter()
        .map(|f| PackSource {
            path: format!("lints/{}", f.path().display()),
            text: f.contents_utf8().unwrap_or_default().to_owned(),
            embedded: true,
        })
        .collect()
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum LoadError {
    #[error("{path}:{line}:{column}: {message}")]
    Yaml {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}:{line}: rule `{rule}`: {message}")]
    Rule {
        path: String,
        line: usize,
        rule: String,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackDef {
    pack: String,
    lang: RuleLang,
    #[serde(default)]
    #[allow(dead_code)] // documentation for the pack's readers
    description: String,
    rules: Vec<yaml::Value>,
}

/// The keys every rule has; the matcher's own keys are read by its kind.
#[derive(Deserialize)]
struct RuleDef {
    id: String,
    category: Category,
    level: Severity,
    message: String,
    why: String,
    #[serde(default)]
    suggestions: Vec<SuggestionDef>,
    examples: ExamplesDef,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    when: Vec<String>,
    #[serde(flatten)]
    matcher: yaml::Mapping,
}

const COMMON_KEYS: &[&str] = &[
    "id",
    "category",
    "level",
    "message",
    "why",
    "suggestions",
    "examples",
    "unless",
    "when",
    "kind",
];

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum MatcherDef {
    Phrases(PhrasesDef),
    Regex(RegexDef),
    Require(RequireDef),
    Metric(MetricDef),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExamplesDef {
    #[serde(default)]
    bad: Vec<BadDef>,
    #[serde(default)]
    good: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BadDef {
    Text(String),
    WithFix { text: String, fixed: Option<String> },
}

mod prebuilt {
    include!(concat!(env!("OUT_DIR"), "/packs.rs"));
}

/// FNV-1a, as build.rs computes it.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The pack build.rs converted to JSON from exactly this YAML text, if any: reading it skips
/// the YAML parser, which was most of loading the shipped packs. Errors still come from the
/// YAML (a pack that does not parse is never converted).
fn prebuilt_def(text: &str) -> Option<PackDef> {
    let hash = fnv1a(text.as_bytes());
    let (_, json) = prebuilt::PACKS.iter().find(|(h, _)| *h == hash)?;
    serde_json::from_str(json).ok()
}

/// Parses one pack file into rules. Ids come out in full (`pack/id`).
pub(crate) fn parse_pack(src: &PackSource) -> Result<(String, Vec<Rule>), LoadError> {
    let def = match prebuilt_def(&src.text) {
        Some(def) => def,
        None => yaml::parse::<PackDef>(&src.text).map_err(|e| LoadError::Yaml {
            path: src.path.clone(),
            line: e.line.unwrap_or(1),
            column: e.column.unwrap_or(1),
            message: e.message,
        })?,
    };
    if !is_kebab(&def.pack) {
        return Err(LoadError::Yaml {
            path: src.path.clone(),
            line: find_line(&src.text, "pack", &def.pack),
            column: 1,
            message: format!("pack id `{}` must be kebab-case (a-z, 0-9, -)", def.pack),
        });
    }
    let mut rules = Vec::with_capacity(def.rules.len());
    let mut ids = HashSet::new();
    let id_lines = key_lines(&src.text, "id");
    for (n, value) in def.rules.into_iter().enumerate() {
        let raw_id = value
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("#{}", n + 1));
        let line = id_lines.get(raw_id.as_str()).copied().unwrap_or(1);
        let err = |message: String| LoadError::Rule {
            path: src.path.clone(),
            line,
            rule: format!("{}/{}", def.pack, raw_id),
            message,
        };
        let rule = build_rule(value, def.lang, &def.pack).map_err(err)?;
        if !ids.insert(rule.id.clone()) {
            return Err(err("duplicate rule id in this pack".into()));
        }
        rules.push(Rule {
            path: src.path.clone(),
            line,
            ..rule
        });
    }
    Ok((def.pack, rules))
}

fn build_rule(value: yaml::Value, lang: RuleLang, pack: &str) -> Result<Rule, String> {
    let def: RuleDef = yaml::from_value(value).map_err(|e| explain_key_error(&e.message))?;
    if !is_kebab(&def.id) {
        return Err(format!("id `{}` must be kebab-case (a-z, 0-9, -)", def.id));
    }
    for (field, text) in [("message", &def.message), ("why", &def.why)] {
        if text.trim().is_empty() {
            return Err(format!("`{field}` is empty"));
        }
    }
    if def.suggestions.is_empty() {
        return Err("no `suggestions`: every finding must say what to write instead".into());
    }
    if def.examples.bad.is_empty() || def.examples.good.is_empty() {
        return Err("`examples` needs at least one `bad` and one `good` example".into());
    }
    let matcher_def: MatcherDef = yaml::from_value(yaml::Value::Mapping(def.matcher))
        .map_err(|e| explain_key_error(&e.message))?;
    let matcher = match matcher_def {
        MatcherDef::Phrases(d) => Matcher::Phrases(Phrases::compile(d)?),
        MatcherDef::Regex(d) => Matcher::Regex(Pattern::compile(d, &def.suggestions)),
        MatcherDef::Require(d) => Matcher::Require(Require::compile(d)?),
        MatcherDef::Metric(d) => Matcher::Metric(Metric::compile(d)?),
    };
    if matches!(matcher, Matcher::Require(_)) && !def.unless.is_empty() {
        return Err("`unless` does not apply to `require` rules (they have no span)".into());
    }
    // Compiled lazily: see `patterns.rs` for when each is validated.
    let lazy = |patterns: Vec<String>| patterns.into_iter().map(LazyRegex::new).collect();
    Ok(Rule {
        id: format!("{pack}/{}", def.id),
        lang,
        category: def.category,
        level: def.level,
        message: def.message,
        why: def.why,
        suggestions: def.suggestions,
        examples: Examples {
            bad: def
                .examples
                .bad
                .into_iter()
                .map(|b| match b {
                    BadDef::Text(text) => BadExample { text, fixed: None },
                    BadDef::WithFix { text, fixed } => BadExample { text, fixed },
                })
                .collect(),
            good: def.examples.good,
        },
        matcher,
        unless: lazy(def.unless),
        when: lazy(def.when),
        path: String::new(),
        line: 0,
    })
}

/// serde's "unknown field" lists only the matcher's keys; name the nearest known key instead.
fn explain_key_error(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_owned();
    };
    let Some((field, _)) = rest.split_once('`') else {
        return message.to_owned();
    };
    let known = COMMON_KEYS.iter().chain(&[
        "phrases",
        "case_sensitive",
        "pattern",
        "luhn",
        "any",
        "min_chars",
        "metric",
        "max",
    ]);
    match crate::text::closest(field, known.copied()) {
        Some(best) => {
            format!("unknown key `{field}` (did you mean `{best}`?)")
        }
        _ => format!("unknown key `{field}` for this rule's kind"),
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The 1-based line where `key: value` is written (YAML values carry no positions in serde).
fn find_line(text: &str, key: &str, value: &str) -> usize {
    key_lines(text, key).get(value).copied().unwrap_or(1)
}

/// The 1-based line of the first `key: value` (or `- key: value`) line for every value, in one
/// pass: looking each rule's id up separately made loading the packs quadratic.
fn key_lines<'t>(text: &'t str, key: &str) -> HashMap<&'t str, usize> {
    let mut lines = HashMap::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_start().trim_start_matches("- ").trim_start();
        if let Some(v) = l.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            lines
                .entry(v.trim().trim_matches(['"', '\'']))
                .or_insert(i + 1);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_pack_loads_from_json_identical_to_its_yaml() {
        for src in embedded_packs() {
            let hash = fnv1a(src.text.as_bytes());
            let (_, json) = prebuilt::PACKS
                .iter()
                .find(|(h, _)| *h == hash)
                .unwrap_or_else(|| panic!("build.rs did not convert {}", src.path));
            let from_json: yaml::Value = serde_json::from_str(json).unwrap();
            let from_yaml: yaml::Value = yaml::parse(&src.text).unwrap();
            assert_eq!(from_json, from_yaml, "{}", src.path);
            assert!(prebuilt_def(&src.text).is_some(), "{}", src.path);
        }
        // Any other text goes through the YAML parser (and its line numbers).
        assert!(prebuilt_def("pack: x\nlang: ja\nrules: []\n").is_none());
    }

    fn source(text: &str) -> PackSource {
        PackSource {
            path: "test.yaml".into(),
            text: text.into(),
            embedded: false,
        }
    }

    const GOOD_RULE: &str = "pack: t
lang: ja
rules:
  - id: first
    category: sarcasm
    level: warning
    kind: phrases
    phrases: [(笑)]
    message: m
    why: w
    suggestions: [{text: '', applicability: safe}]
    examples: {bad: [はい(笑)], good: [はい]}
";

    #[test]
    fn a_valid_pack_loads_with_full_ids_and_lines() {
        let (pack, rules) = parse_pack(&source(GOOD_RULE)).unwrap();
        assert_eq!(pack, "t");
        assert_eq!(rules[0].id, "t/first");
        assert_eq!(rules[0].line, 4);
    }

    #[test]
    fn unknown_keys_name_the_rule_line_and_nearest_key() {
        let text = GOOD_RULE.replace("    why: w\n", "    why: w\n    mesage: x\n");
        let err = parse_pack(&source(&text)).unwrap_err().to_string();
        assert!(err.starts_with("test.yaml:4: rule `t/first`:"), "{err}");
        assert!(err.contains("did you mean `message`"), "{err}");
    }

    #[test]
    fn invalid_regex_is_a_load_error() {
        let text = GOOD_RULE
            .replace("kind: phrases", "kind: regex")
            .replace("phrases: [(笑)]", "pattern: '(笑'");
        // Patterns are validated when the rule set is built, with the rule's file and line.
        let err = crate::lint::Linter::load(&[source(&text)], &Default::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("test.yaml:4: rule `t/first`: invalid regex"),
            "{err}"
        );
        let unless = GOOD_RULE.replace("    why: w\n", "    why: w\n    unless: ['[']\n");
        let err = crate::lint::Linter::load(&[source(&unless)], &Default::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid regex `[`"), "{err}");
    }

    #[test]
    fn duplicate_ids_and_missing_examples_are_load_errors() {
        let dup = format!(
            "{GOOD_RULE}{}",
            &GOOD_RULE[GOOD_RULE.find("  - id").unwrap()..]
        );
        let err = parse_pack(&source(&dup)).unwrap_err().to_string();
        assert!(err.contains("duplicate rule id"), "{err}");
        let nogood = GOOD_RULE.replace(", good: [はい]", "");
        let err = parse_pack(&source(&nogood)).unwrap_err().to_string();
        assert!(err.contains("at least one `bad` and one `good`"), "{err}");
    }

    #[test]
    fn yaml_syntax_errors_carry_line_and_column() {
        let err = parse_pack(&source("pack: t\nlang: ja\nrules: [\n")).unwrap_err();
        assert!(
            matches!(
                err,
                LoadError::Yaml { line: 4, .. } | LoadError::Yaml { line: 3, .. }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn embedded_packs_are_found() {
        assert!(!embedded_packs().is_empty());
    }
}
