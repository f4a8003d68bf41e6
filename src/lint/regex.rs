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
    /// Keep only matches whose digits pass the Luhn checksum (card numbers): most digit runs
    /// of card length in a letter (order numbers, JAN codes) fail it.
    #[serde(default)]
    luhn: bool,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub(crate) regex: Regex,
    /// Whether any suggestion names a capture group, so matches need `captures`.
    pub(crate) expands: bool,
    /// Matches must pass the Luhn checksum.
    pub luhn: bool,
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
            luhn: def.luhn,
        })
    }

    pub(crate) fn describe(&self) -> String {
        let luhn = if self.luhn { " (Luhn-valid only)" } else { "" };
        format!("regex{luhn}: {}", self.source)
    }

    /// Whether a match survives the pattern's extra checks.
    fn accepts(&self, matched: &str) -> bool {
        !self.luhn || luhn_valid(matched)
    }
}

/// The Luhn checksum over the ASCII digits of `s` (separators ignored); false without digits.
pub(crate) fn luhn_valid(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.is_empty() {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2 == 1, d * 2) {
            (true, dd) if dd > 9 => dd - 9,
            (true, dd) => dd,
            (false, _) => d,
        })
        .sum();
    sum.is_multiple_of(10)
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
                    if !p.accepts(m.as_str()) {
                        continue;
                    }
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
                out.extend(
                    p.regex
                        .find_iter(text)
                        .filter(|m| p.accepts(m.as_str()))
                        .map(|m| Hit::new(idx, m.range())),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_card_numbers_with_separators() {
        assert!(luhn_valid("4242 4242 4242 4242"));
        assert!(luhn_valid("4111-1111-1111-1111"));
        assert!(luhn_valid("378282246310005")); // 15-digit test card
        assert!(!luhn_valid("4242 4242 4242 4241"));
        assert!(!luhn_valid("1234567890123"));
        assert!(!luhn_valid("no digits"));
    }

    #[test]
    fn luhn_option_filters_matches() {
        let def = |luhn| RegexDef {
            pattern: r"\d{4}(?: \d{4}){3}".into(),
            luhn,
        };
        let p = Pattern::compile(def(true), &[]).unwrap();
        assert!(p.accepts("4242 4242 4242 4242"));
        assert!(!p.accepts("1234 5678 9012 3456"));
        assert!(p.describe().contains("Luhn"));
        let plain = Pattern::compile(def(false), &[]).unwrap();
        assert!(plain.accepts("1234 5678 9012 3456"));
    }
}
