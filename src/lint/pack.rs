//! Rule packs: YAML files of rules (Vale's idea: rules are data a non-programmer can write).
//! Loading checks everything a rule author can get wrong and names the file, line and rule.

use super::learn::{CATEGORIES, category_index};
use super::metric::{Measure, Metric, MetricDef};
use super::patterns::LazyRegex;
use super::phrases::{Phrases, PhrasesDef};
use super::regex::{Pattern, RegexDef};
use super::require::{Require, RequireDef};
use super::rule::{BadExample, Examples, LazyExamples, Matcher, Rule, RuleLang, SuggestionDef};
use super::{Category, Severity};
use crate::text::Lang;
use crate::yaml;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashSet;

/// The text of one pack file, wherever it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSource {
    /// Shown in errors: `lints/ja-tone.yaml` for embedded packs, the path given for others.
    pub path: String,
    /// Borrowed from the binary for the embedded packs: copying their text was a tenth of
    /// the memory a lint of one letter touched.
    pub text: Cow<'static, str>,
    /// Embedded packs are verified by `cargo test`; user packs run their examples at load.
    pub embedded: bool,
}

/// The packs compiled into the binary (build.rs embeds `lints/`), in file-name order.
pub fn embedded_packs() -> Vec<PackSource> {
    embedded_packs_for(|_| true)
}

/// The embedded packs whose rules can apply to a language `needed` accepts: a `lang: any`
/// pack, or one whose `lang` build.rs could not read (loading reports what is wrong with it),
/// always. Reading a pack is most of starting up, and a letter in one language never runs the
/// other's rules.
pub fn embedded_packs_for(needed: impl Fn(Lang) -> bool) -> Vec<PackSource> {
    prebuilt::PACKS
        .iter()
        .filter(
            |(.., lang)| match Lang::ALL.into_iter().find(|l| l.as_str() == *lang) {
                Some(lang) => needed(lang),
                None => true,
            },
        )
        .map(|(name, text, ..)| PackSource {
            path: format!("lints/{name}"),
            text: Cow::Borrowed(*text),
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

/// A rule as the YAML holds it: the keys every rule has, and the matcher's own keys beside them,
/// read by its kind.
#[derive(Deserialize)]
struct RuleDef {
    #[serde(flatten)]
    common: RuleCommon,
    #[serde(flatten)]
    matcher: yaml::Mapping,
}

/// The keys every rule has ([`COMMON_KEYS`]).
#[derive(Deserialize)]
struct RuleCommon {
    id: String,
    category: Category,
    level: Severity,
    message: String,
    why: String,
    #[serde(default)]
    suggestions: Vec<SuggestionDef>,
    examples: ExamplesDef,
    #[serde(default)]
    unless: Vec<Cow<'static, str>>,
    #[serde(default)]
    when: Vec<String>,
}

#[path = "rulekeys.rs"]
mod rulekeys;
use rulekeys::COMMON_KEYS;

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
    /// Set instead (from the embedded JSON) when build.rs moved the examples to
    /// [`prebuilt::EXAMPLES`], having checked they are well formed and not empty.
    #[serde(skip)]
    embedded: Option<&'static str>,
}

/// A rule's examples, moved out of the embedded JSON by build.rs, as the rule holds them.
pub(crate) fn read_examples(json: &str) -> Examples {
    let def: ExamplesDef = serde_json::from_str(json).unwrap_or_default();
    examples_of(def)
}

fn examples_of(def: ExamplesDef) -> Examples {
    Examples {
        bad: def
            .bad
            .into_iter()
            .map(|b| match b {
                BadDef::Text(text) => BadExample { text, fixed: None },
                BadDef::WithFix { text, fixed } => BadExample { text, fixed },
            })
            .collect(),
        good: def.good,
    }
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

/// A pack as build.rs's JSON holds it, read straight into typed rules.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedPackDef {
    pack: String,
    lang: RuleLang,
    #[serde(default)]
    #[allow(dead_code)] // documentation for the pack's readers
    description: String,
    rules: Vec<JsonRuleDef>,
}

/// A rule as build.rs's JSON holds it: its own keys under `rule`, and the matcher's keys under
/// `matcher`, by kind (`{"rule": {"id": …}, "matcher": {"regex": {"pattern": …}}}`), so that
/// serde reads them straight into their types. Flattened side by side (as in the YAML) they
/// were buffered, then read again: a third of loading the shipped packs.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRuleDef {
    rule: RuleCommon,
    /// The rule's examples, as a place in [`prebuilt::EXAMPLES`] (`rule` then has none).
    #[serde(default)]
    examples: Option<u32>,
    /// The rule's `unless`, as places in [`prebuilt::PATTERNS`] (and then not in `rule`).
    #[serde(default)]
    unless: Vec<u32>,
    matcher: JsonMatcherDef,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum JsonMatcherDef {
    Phrases(PhrasesDef),
    Regex(JsonRegexDef),
    Require(RequireDef),
    Metric(MetricDef),
}

/// A `regex` rule's keys, its pattern named by its place in [`prebuilt::PATTERNS`]: the
/// patterns are embedded as Rust strings, read in place, where serde_json copied each one out
/// of its escapes (`\\b`), which was most of loading the shipped packs.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRegexDef {
    pattern: u32,
    #[serde(default)]
    luhn: bool,
}

/// The embedded pattern at `n`.
fn prebuilt_pattern(n: u32) -> Option<Cow<'static, str>> {
    prebuilt::PATTERNS
        .get(n as usize)
        .map(|&p| Cow::Borrowed(p))
}

impl JsonRuleDef {
    /// `None` when a pattern number is not one build.rs wrote.
    fn into_parts(self) -> Option<(RuleCommon, MatcherKeys)> {
        let matcher = match self.matcher {
            JsonMatcherDef::Phrases(d) => MatcherDef::Phrases(d),
            JsonMatcherDef::Regex(d) => {
                MatcherDef::Regex(RegexDef::new(prebuilt_pattern(d.pattern)?, d.luhn))
            }
            JsonMatcherDef::Require(d) => MatcherDef::Require(d),
            JsonMatcherDef::Metric(d) => MatcherDef::Metric(d),
        };
        let mut rule = self.rule;
        if let Some(n) = self.examples {
            rule.examples.embedded = Some(prebuilt::EXAMPLES.get(n as usize)?);
        }
        for n in self.unless {
            rule.unless.push(prebuilt_pattern(n)?);
        }
        Some((rule, MatcherKeys::Read(matcher)))
    }
}

/// A rule's matcher as loading meets it: read already (from the JSON), or still the rule's
/// other keys (from the YAML).
enum MatcherKeys {
    Read(MatcherDef),
    Keys(yaml::Mapping),
}

/// A pack read from the embedded JSON: its id, its language, and per rule its definition.
type ReadPack = (String, RuleLang, Vec<(RuleCommon, MatcherKeys)>);

/// The pack build.rs converted to JSON from exactly this YAML text, if any, read into typed
/// rules: this skips the YAML parser and the generic value in between, which were most of
/// loading the shipped packs. `None` (so the YAML is read, for its line numbers) when there is
/// no such JSON or a rule in it does not fit: errors always come from the YAML.
fn prebuilt_def(text: &str) -> Option<(ReadPack, &'static [u32])> {
    // An embedded pack's text is the very string in `PACKS`: known without reading it.
    let same = |yaml: &str| std::ptr::eq(yaml, text) || yaml == text;
    let (_, _, json, lines, _) = prebuilt::PACKS.iter().find(|(_, yaml, ..)| same(yaml))?;
    let def: TypedPackDef = serde_json::from_str(json).ok()?;
    if def.rules.len() != lines.len() {
        return None;
    }
    let rules: Option<Vec<_>> = def.rules.into_iter().map(JsonRuleDef::into_parts).collect();
    Some(((def.pack, def.lang, rules?), *lines))
}

/// Parses one pack file into rules. Ids come out in full (`pack/id`).
pub(crate) fn parse_pack(src: &PackSource) -> Result<(String, Vec<Rule>), LoadError> {
    // Per rule: its definition (with its matcher read already, from the JSON), or its id as
    // written (or `#n`) and what is wrong.
    type Def = Result<(RuleCommon, MatcherKeys), (String, String)>;
    // Rule lines: build.rs's, or found in the text when it is first needed.
    let mut lines: Option<&[u32]> = None;
    let (pack, lang, defs): (String, RuleLang, Vec<Def>) = match prebuilt_def(&src.text) {
        Some(((pack, lang, rules), rule_lines)) => {
            lines = Some(rule_lines);
            (pack, lang, rules.into_iter().map(Ok).collect())
        }
        None => {
            let def = yaml::parse::<PackDef>(&src.text).map_err(|e| LoadError::Yaml {
                path: src.path.clone(),
                line: e.line.unwrap_or(1),
                column: e.column.unwrap_or(1),
                message: e.message,
            })?;
            let defs = def.rules.into_iter().enumerate().map(|(n, value)| {
                let raw_id = value
                    .get("id")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("#{}", n + 1));
                yaml::from_value::<RuleDef>(value)
                    .map(|def| (def.common, MatcherKeys::Keys(def.matcher)))
                    .map_err(|e| (raw_id, explain_key_error(&e.message)))
            });
            (def.pack, def.lang, defs.collect())
        }
    };
    if !is_kebab(&pack) {
        return Err(LoadError::Yaml {
            path: src.path.clone(),
            line: find_line(&src.text, "pack", &pack),
            column: 1,
            message: format!("pack id `{pack}` must be kebab-case (a-z, 0-9, -)"),
        });
    }
    let mut rules = Vec::with_capacity(defs.len());
    // Sized once: growing it rule by rule rehashed it a few times per pack.
    let mut ids = HashSet::with_capacity(defs.len());
    let mut id_lines = None;
    for (n, def) in defs.into_iter().enumerate() {
        let raw_id = match &def {
            Ok((d, _)) => d.id.clone(),
            Err((id, _)) => id.clone(),
        };
        let line = match lines.and_then(|l| l.get(n)) {
            Some(&line) => line as usize,
            None => id_lines
                .get_or_insert_with(|| yaml::key_lines(&src.text, "id"))
                .get(raw_id.as_str())
                .copied()
                .unwrap_or(1),
        };
        let err = |message: String| LoadError::Rule {
            path: src.path.clone(),
            line,
            rule: format!("{pack}/{raw_id}"),
            message,
        };
        let (def, matcher) = def.map_err(|(_, message)| err(message))?;
        let rule = build_rule(def, matcher, lang, &pack).map_err(err)?;
        if !ids.insert(rule.id.clone()) {
            return Err(err("duplicate rule id in this pack".into()));
        }
        rules.push(Rule {
            path: src.path.clone(),
            line,
            ..rule
        });
    }
    Ok((pack, rules))
}

fn build_rule(
    def: RuleCommon,
    matcher: MatcherKeys,
    lang: RuleLang,
    pack: &str,
) -> Result<Rule, String> {
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
    let ex = &def.examples;
    if ex.embedded.is_none() && (ex.bad.is_empty() || ex.good.is_empty()) {
        return Err("`examples` needs at least one `bad` and one `good` example".into());
    }
    let matcher_def = match matcher {
        MatcherKeys::Read(matcher) => matcher,
        MatcherKeys::Keys(keys) => yaml::from_value(yaml::Value::Mapping(keys))
            .map_err(|e| explain_key_error(&e.message))?,
    };
    let matcher = match matcher_def {
        MatcherDef::Phrases(d) => Matcher::Phrases(Phrases::compile(d)?),
        MatcherDef::Regex(d) => Matcher::Regex(Pattern::compile(d, &def.suggestions)),
        MatcherDef::Require(d) => Matcher::Require(Require::compile(d)?),
        MatcherDef::Metric(d) => Matcher::Metric(Metric::compile(d)?),
    };
    if let Matcher::Metric(m) = &matcher
        && m.measure == Measure::Score
    {
        if lang == RuleLang::Any {
            return Err(
                "`metric: score` needs `lang: ja` or `lang: en`: each has its own model".into(),
            );
        }
        if category_index(def.category.as_str()).is_none() {
            return Err(format!(
                "`metric: score` has models for {} only, not `{}`",
                CATEGORIES.join(", "),
                def.category
            ));
        }
        if m.max >= 100 {
            return Err("`max` of `metric: score` is a percentage: 1 to 99".into());
        }
    }
    if matches!(matcher, Matcher::Require(_)) && !def.unless.is_empty() {
        return Err("`unless` does not apply to `require` rules (they have no span)".into());
    }
    // Compiled lazily: see `patterns.rs` for when each is validated.
    Ok(Rule {
        id: format!("{pack}/{}", def.id),
        lang,
        category: def.category,
        level: def.level,
        message: def.message,
        why: def.why,
        suggestions: def.suggestions,
        examples: match def.examples.embedded {
            Some(json) => LazyExamples::embedded(json),
            None => examples_of(def.examples).into(),
        },
        matcher,
        unless: def.unless.into_iter().map(LazyRegex::new).collect(),
        when: def.when.into_iter().map(LazyRegex::new).collect(),
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
    yaml::key_lines(text, key).get(value).copied().unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_pack_loads_from_json_identical_to_its_yaml() {
        for src in embedded_packs() {
            let (_, _, json, ..) = prebuilt::PACKS
                .iter()
                .find(|(_, yaml, ..)| *yaml == src.text)
                .unwrap_or_else(|| panic!("build.rs did not convert {}", src.path));
            assert!(!json.is_empty(), "{}", src.path);
            assert!(prebuilt_def(&src.text).is_some(), "{}", src.path);
            // The same rules, lines included, as when the YAML is read (another text).
            let fast = parse_pack(&src).unwrap().1;
            let mut other = src.clone();
            other.text.to_mut().push('\n');
            assert!(prebuilt_def(&other.text).is_none());
            let slow = parse_pack(&other).unwrap().1;
            // Everything a rule holds, as `rules explain` and the engine read it.
            let key = |r: &Rule| {
                let patterns = |list: &[LazyRegex]| -> Vec<String> {
                    list.iter().map(|p| p.as_str().to_owned()).collect()
                };
                format!(
                    "{} {} {:?} {:?} {:?} {} {} {:?} {:?} {} {:?} {:?}",
                    r.id,
                    r.line,
                    r.lang,
                    r.category,
                    r.level,
                    r.message,
                    r.why,
                    r.suggestions,
                    r.examples,
                    r.matcher.describe(),
                    patterns(&r.unless),
                    patterns(&r.when),
                )
            };
            let fast: Vec<_> = fast.iter().map(key).collect();
            assert_eq!(
                fast,
                slow.iter().map(key).collect::<Vec<_>>(),
                "{}",
                src.path
            );
        }
        // Any other text goes through the YAML parser (and its line numbers).
        assert!(prebuilt_def("pack: x\nlang: ja\nrules: []\n").is_none());
    }

    fn source(text: &str) -> PackSource {
        PackSource {
            path: "test.yaml".into(),
            text: text.to_owned().into(),
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
