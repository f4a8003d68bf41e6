//! `kind: phrases`: literal phrase lists. Every phrase of every rule goes into one Aho-Corasick
//! automaton, so a text is scanned once however many phrase rules are loaded.

use super::engine::{Doc, Hit};
use super::rule::{Matcher, Rule, RuleLang};
use crate::text::Folded;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhrasesDef {
    phrases: Vec<String>,
    /// Phrases match ASCII letters case-insensitively unless this is set.
    #[serde(default)]
    case_sensitive: bool,
}

#[derive(Debug, Clone)]
pub struct Phrases {
    /// Width-folded, so `ＡＢＣ` in a pack matches `ABC` in a letter and the other way round.
    pub phrases: Vec<String>,
    pub case_sensitive: bool,
}

impl Phrases {
    pub(crate) fn compile(def: PhrasesDef) -> Result<Self, String> {
        if def.phrases.is_empty() {
            return Err("`phrases` is empty".into());
        }
        let mut phrases = Vec::with_capacity(def.phrases.len());
        for p in def.phrases {
            let folded = Folded::new(&p).text.into_owned();
            if folded.trim().is_empty() {
                return Err("a phrase is empty".into());
            }
            phrases.push(folded);
        }
        Ok(Phrases {
            phrases,
            case_sensitive: def.case_sensitive,
        })
    }

    pub(crate) fn describe(&self) -> String {
        let list: Vec<String> = self.phrases.iter().map(|p| format!("「{p}」")).collect();
        format!(
            "phrases{}: {}",
            if self.case_sensitive {
                " (case-sensitive)"
            } else {
                ""
            },
            list.join(" ")
        )
    }
}

/// One automaton per case mode, with the rules that own each pattern (a phrase may belong to
/// several rules; it is stored once). Built on the first text with a paragraph in a language
/// some phrase rule applies to: the shipped phrase rules are English, and building their
/// automaton was a twentieth of linting a Japanese letter.
#[derive(Debug, Default)]
pub(crate) struct PhraseIndex {
    /// The languages of the phrase rules, to skip texts none of them applies to.
    langs: Vec<RuleLang>,
    automata: OnceLock<Vec<Automaton>>,
}

type Automaton = (AhoCorasick, Vec<Vec<usize>>);

impl PhraseIndex {
    pub(crate) fn build(rules: &[Rule]) -> Self {
        let mut langs: Vec<RuleLang> = Vec::new();
        for rule in rules {
            if matches!(rule.matcher, Matcher::Phrases(_)) && !langs.contains(&rule.lang) {
                langs.push(rule.lang);
            }
        }
        PhraseIndex {
            langs,
            automata: OnceLock::new(),
        }
    }

    fn automata(rules: &[Rule]) -> Vec<Automaton> {
        let mut automata = Vec::new();
        for case_sensitive in [false, true] {
            let mut patterns: Vec<&str> = Vec::new();
            let mut owners: Vec<Vec<usize>> = Vec::new();
            let mut seen = std::collections::HashMap::new();
            for (idx, rule) in rules.iter().enumerate() {
                let Matcher::Phrases(p) = &rule.matcher else {
                    continue;
                };
                if p.case_sensitive != case_sensitive {
                    continue;
                }
                for phrase in &p.phrases {
                    let key = if case_sensitive {
                        phrase.clone()
                    } else {
                        phrase.to_ascii_lowercase()
                    };
                    let slot = *seen.entry(key).or_insert_with(|| {
                        patterns.push(phrase);
                        owners.push(Vec::new());
                        owners.len() - 1
                    });
                    if !owners[slot].contains(&idx) {
                        owners[slot].push(idx);
                    }
                }
            }
            if patterns.is_empty() {
                continue;
            }
            // Standard semantics with overlapping search: every phrase of every rule is reported,
            // even where a longer phrase of another rule covers it.
            let ac = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(!case_sensitive)
                .build(&patterns)
                .expect("phrase automaton: patterns are non-empty literals");
            automata.push((ac, owners));
        }
        automata
    }

    /// `rules` must be the rules this index was built from.
    pub(crate) fn scan(&self, rules: &[Rule], doc: &Doc, out: &mut Vec<Hit>) {
        if !doc.any_lang(|lang| self.langs.iter().any(|l| l.applies_to(lang))) {
            return;
        }
        let text = doc.text();
        for (ac, owners) in self.automata.get_or_init(|| Self::automata(rules)) {
            for m in ac.find_overlapping_iter(text) {
                if !on_word_boundaries(text, m.start(), m.end()) {
                    continue;
                }
                for &rule in &owners[m.pattern().as_usize()] {
                    out.push(Hit::new(rule, m.start()..m.end()));
                }
            }
        }
    }
}

/// English phrases match whole words: a phrase that starts (ends) with an ASCII letter or digit
/// must not be preceded (followed) by one. Japanese has no word boundaries, and a phrase that
/// starts with kana or kanji is matched anywhere.
fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !(first.is_some_and(word) && before.is_some_and(word)
        || last.is_some_and(word) && after.is_some_and(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_apply_to_ascii_edges_only() {
        let t = "I was hacked. unhacked hackedX 乗っ取られた";
        assert!(on_word_boundaries(t, 6, 12));
        let inner = t.find("unhacked").unwrap() + 2;
        assert!(!on_word_boundaries(t, inner, inner + 6));
        let prefix = t.find("hackedX").unwrap();
        assert!(!on_word_boundaries(t, prefix, prefix + 6));
        let j = t.find("乗っ取").unwrap();
        assert!(on_word_boundaries(t, j, t.len()));
        // A kana phrase right after Latin letters still matches.
        let s = "Amazonのミス";
        assert!(on_word_boundaries(s, 6, s.len()));
    }
}
