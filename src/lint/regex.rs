//! `kind: regex`: one regular expression per rule. All patterns sit in one `RegexSet`, which
//! tells in a single pass which rules fire; only those are then run for their match positions.

use super::engine::{Doc, Hit};
use super::rule::{Matcher, Rule};
use regex::{Regex, RegexSet};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegexDef {
    pattern: String,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub(crate) regex: Regex,
    /// Whether any suggestion names a capture group, so matches need `captures`.
    pub(crate) expands: bool,
}

impl Pattern {
    pub(crate) fn compile(
        def: RegexDef,
        suggestions: &[super::SuggestionDef],
    ) -> Result<Self, String> {
        let regex = compile_regex(&def.pattern)?;
        if regex.is_match("") {
            return Err(format!(
                "pattern `{}` matches the empty string",
                def.pattern
            ));
        }
        let expands = suggestions.iter().any(|s| s.text.contains('$'));
        Ok(Pattern {
            source: def.pattern,
            regex,
            expands,
        })
    }

    pub(crate) fn describe(&self) -> String {
        format!("regex: {}", self.source)
    }
}

/// Compiles a pack's pattern with a readable error.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("invalid regex `{pattern}`: {e}"))
}

#[derive(Debug)]
pub(crate) struct RegexIndex {
    set: RegexSet,
    rules: Vec<usize>,
}

impl Default for RegexIndex {
    fn default() -> Self {
        RegexIndex {
            set: RegexSet::empty(),
            rules: Vec::new(),
        }
    }
}

impl RegexIndex {
    pub(crate) fn build(rules: &[Rule]) -> Self {
        let mut sources = Vec::new();
        let mut owners = Vec::new();
        for (idx, rule) in rules.iter().enumerate() {
            if let Matcher::Regex(p) = &rule.matcher {
                sources.push(p.source.as_str());
                owners.push(idx);
            }
        }
        let set = RegexSet::new(&sources).expect("each pattern compiled alone at load");
        RegexIndex { set, rules: owners }
    }

    pub(crate) fn scan(&self, doc: &Doc, rules: &[Rule], out: &mut Vec<Hit>) {
        if self.rules.is_empty() {
            return;
        }
        let text = doc.text();
        for i in self.set.matches(text).iter() {
            let idx = self.rules[i];
            let rule = &rules[idx];
            let Matcher::Regex(p) = &rule.matcher else {
                continue;
            };
            if p.expands {
                for caps in p.regex.captures_iter(text) {
                    let m = caps.get(0).expect("group 0 always matches");
                    let texts = rule
                        .suggestions
                        .iter()
                        .map(|s| {
                            let mut dst = String::new();
                            caps.expand(&s.text, &mut dst);
                            dst
                        })
                        .collect();
                    let mut hit = Hit::new(idx, m.range());
                    hit.suggestions = Some(texts);
                    out.push(hit);
                }
            } else {
                out.extend(p.regex.find_iter(text).map(|m| Hit::new(idx, m.range())));
            }
        }
    }
}
