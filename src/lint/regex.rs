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

/// Compiles a pack's pattern with a readable error, after [`ascii_classes`].
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
    Regex::new(&ascii_classes(pattern)).map_err(|e| format!("invalid regex `{pattern}`: {e}"))
}

/// Makes `\b`, `\w` and `\d` ASCII in a pack's pattern. Their Unicode forms are what English
/// rules never need (Japanese has no word boundaries, and digits are width-folded to ASCII before
/// matching) and cost dearly: a Unicode `\b` cannot run in the lazy DFA on non-ASCII text, so
/// one such rule made every Japanese letter fall back to the slow engine, and Unicode `\w` under
/// `(?i)` made the shipped packs take 200 ms to compile. `\B`, `\W` and `\D` stay as written
/// (their ASCII forms could match inside a multi-byte character).
pub(crate) fn ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    // Depth of `[...]` bracket classes; inside one, `\w` and `\d` become ranges.
    let mut class_depth = 0usize;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let at_class_start = std::mem::take(&mut class_start);
        match c {
            '\\' => match chars.next() {
                Some('b') if class_depth == 0 => out.push_str("(?-u:\\b)"),
                Some('w') if class_depth == 0 => out.push_str("[0-9A-Za-z_]"),
                Some('w') => out.push_str("0-9A-Za-z_"),
                Some('d') if class_depth == 0 => out.push_str("[0-9]"),
                Some('d') => out.push_str("0-9"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '[' => {
                out.push('[');
                // `[:alpha:]` inside a class is a named class, not a nested one.
                if class_depth > 0 && chars.as_str().starts_with(':') {
                    let rest = chars.as_str();
                    if let Some(end) = rest.find(":]") {
                        out.push_str(&rest[..end + 2]);
                        chars = rest[end + 2..].chars();
                        continue;
                    }
                }
                class_depth += 1;
                class_start = true;
                if chars.as_str().starts_with('^') {
                    out.push('^');
                    chars.next();
                }
            }
            // A `]` first in a class is a literal.
            ']' if class_depth > 0 && !at_class_start => {
                class_depth -= 1;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
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
                sources.push(p.regex.as_str());
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
    fn word_classes_become_ascii_outside_and_inside_brackets() {
        assert_eq!(
            ascii_classes(r"(?i)\bhack\w*\b"),
            r"(?i)(?-u:\b)hack[0-9A-Za-z_]*(?-u:\b)"
        );
        assert_eq!(ascii_classes(r"[\d\- ]{13,19}"), r"[0-9\- ]{13,19}");
        assert_eq!(ascii_classes(r"[^\w]"), r"[^0-9A-Za-z_]");
        assert_eq!(ascii_classes(r"[[:alpha:]\d]x\d"), r"[[:alpha:]0-9]x[0-9]");
        // Escaped backslashes, a literal `]` first in a class, and the negated forms stay.
        assert_eq!(ascii_classes(r"\\b[]\d]\B\W\D"), r"\\b[]0-9]\B\W\D");
    }

    #[test]
    fn rewritten_patterns_still_match_english_and_japanese() {
        let re = compile_regex(r"(?i)\bgot\s+hacked\b").unwrap();
        assert!(re.is_match("I GOT hacked."));
        assert!(!re.is_match("forgot hacked"));
        // Next to Japanese, an ASCII word boundary holds on both sides.
        assert!(re.is_match("昨日got hackedでした"));
        let digits = compile_regex(r"\d{4}").unwrap();
        assert!(
            !digits.is_match("１２３４"),
            "full-width digits are folded before matching"
        );
    }

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
