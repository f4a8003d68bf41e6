//! `kind: regex`: one regular expression per rule. Whether it fires is decided by the one-pass
//! pattern index (`patterns.rs`); only a rule that fires has its own regex compiled and run for
//! match positions.

use super::engine::Hit;
use super::hircode::{self, ascii_classes};
use super::nfasim;
use super::patterns::{LazyRegex, matches_in};
use super::rule::Rule;
use regex_automata::Input;
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::util::interpolate;
use serde::Deserialize;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegexDef {
    /// Borrowed when it comes from the embedded packs.
    pattern: Cow<'static, str>,
    /// Keep only matches whose digits pass the Luhn checksum (card numbers): most digit runs
    /// of card length in a letter (order numbers, JAN codes) fail it.
    #[serde(default)]
    luhn: bool,
}

impl RegexDef {
    pub(crate) fn new(pattern: Cow<'static, str>, luhn: bool) -> Self {
        RegexDef { pattern, luhn }
    }
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: Cow<'static, str>,
    pub(crate) regex: LazyRegex,
    /// Whether any suggestion names a capture group, so matches need `captures`.
    pub(crate) expands: bool,
    /// Matches must pass the Luhn checksum.
    pub luhn: bool,
    /// When `expands`: what reads the capture groups of a match the pattern index found, built
    /// on first use. Only an NFA: the `regex` crate's `Regex` also builds its DFAs, one-pass and
    /// backtracking engines and prefilters, a tenth of linting a letter that broke such a rule,
    /// to search a span already known to match. Shared by clones, like `LazyRegex`'s finder.
    captures: Arc<OnceLock<Option<Capturer>>>,
}

/// The NFA that reads capture groups, with the threads' working memory: a PikeVM's cache is a
/// few allocations per NFA state, and a large text asks once per paragraph.
#[derive(Debug)]
enum Capturer {
    /// A shipped pattern's NFA from build.rs, simulated (nfasim.rs): rebuilding it for a
    /// PikeVM (its Unicode classes make thousands of states) cost about a million
    /// instructions, to read the groups of one match.
    Sim(nfasim::Nfa<'static>, Mutex<Vec<nfasim::Scratch>>),
    /// A user pack's pattern.
    Pike(PikeVM, Mutex<Vec<pikevm::Cache>>),
}

impl Pattern {
    /// Reads the definition; the pattern is validated when the pattern index is built.
    pub(crate) fn compile(def: RegexDef, suggestions: &[super::SuggestionDef]) -> Self {
        let expands = suggestions.iter().any(|s| s.text.contains('$'));
        Pattern {
            regex: LazyRegex::new(def.pattern.clone()),
            source: def.pattern,
            expands,
            luhn: def.luhn,
            captures: Arc::new(OnceLock::new()),
        }
    }

    pub(crate) fn describe(&self) -> String {
        let luhn = if self.luhn { " (Luhn-valid only)" } else { "" };
        format!("regex{luhn}: {}", self.source)
    }

    /// Whether a match survives the pattern's extra checks.
    fn accepts(&self, matched: &str) -> bool {
        !self.luhn || luhn_valid(matched)
    }

    /// The matches of rule `idx` (whose matcher is this pattern) in `range` of `text`; `spans`
    /// finds the matches of the pattern in a range.
    pub(crate) fn hits(
        &self,
        idx: usize,
        rule: &Rule,
        text: &str,
        range: Range<usize>,
        spans: impl FnOnce(&LazyRegex, Range<usize>) -> Vec<Range<usize>>,
        out: &mut Vec<Hit>,
    ) {
        if !self.expands {
            for m in spans(&self.regex, range) {
                if self.accepts(&text[m.clone()]) {
                    out.push(Hit::new(idx, m));
                }
            }
            return;
        }
        // Suggestions that name capture groups need the groups of each match. Only of a match
        // that passes the extra checks: most digit runs a card rule finds fail Luhn, and
        // building the NFA for none cost 8% of linting a letter.
        let spans: Vec<Range<usize>> = spans(&self.regex, range.clone())
            .into_iter()
            .filter(|m| self.accepts(&text[m.clone()]))
            .collect();
        if spans.is_empty() {
            return;
        }
        let captures = self.captures.get_or_init(|| {
            if let Some(nfa) = embedded_nfa(self.regex.as_str()).and_then(nfasim::Nfa::decode) {
                return Some(Capturer::Sim(nfa, Mutex::new(Vec::new())));
            }
            let vm = PikeVM::new(&ascii_classes(self.regex.as_str())).ok()?;
            Some(Capturer::Pike(vm, Mutex::new(Vec::new())))
        });
        if let Some(Capturer::Sim(nfa, scratches)) = captures {
            let pooled = scratches.lock().ok().and_then(|mut s| s.pop());
            let mut scratch = pooled.unwrap_or_default();
            let names = nfa.group_names();
            for m in spans {
                // The match is known: its groups are those of the one anchored at its start.
                let haystack = &text[..m.end];
                let Some(slots) = nfa.captures(&mut scratch, haystack.as_bytes(), m.start) else {
                    continue;
                };
                let group = |index: usize| match slots.get(index * 2..index * 2 + 2) {
                    Some(&[Some(start), Some(end)]) => haystack.get(start..end),
                    _ => None,
                };
                out.push(expanded(idx, m, rule, |template, dst| {
                    interpolate::string(
                        template,
                        |index, dst| dst.push_str(group(index).unwrap_or_default()),
                        |name| names.iter().position(|n| n.as_deref() == Some(name)),
                        dst,
                    )
                }));
            }
            if let Ok(mut s) = scratches.lock() {
                s.push(scratch);
            }
            return;
        }
        if let Some(Capturer::Pike(vm, caches)) = captures {
            let pooled = caches.lock().ok().and_then(|mut c| c.pop());
            let mut cache = pooled.unwrap_or_else(|| vm.create_cache());
            let mut caps = vm.create_captures();
            for m in spans {
                // As `Regex::captures_at` searches: from the match's start, up to its end.
                let haystack = &text[..m.end];
                vm.captures(&mut cache, Input::new(haystack).span(m.clone()), &mut caps);
                if !caps.is_match() {
                    continue;
                }
                out.push(expanded(idx, m, rule, |template, dst| {
                    caps.interpolate_string_into(haystack, template, dst)
                }));
            }
            if let Ok(mut c) = caches.lock() {
                c.push(cache);
            }
            return;
        }
        let regex = self.regex.get();
        for m in matches_in(regex, text, range) {
            if !self.accepts(m.as_str()) {
                continue;
            }
            let Some(caps) = regex.captures_at(&text[..m.end()], m.start()) else {
                continue;
            };
            out.push(expanded(idx, m.range(), rule, |template, dst| {
                caps.expand(template, dst)
            }));
        }
    }
}

/// The shipped packs' patterns whose suggestions name capture groups, each followed by its NFA
/// as `PikeVM::new` compiles it, encoded by build.rs (`nfacode.rs`): simulating it skips
/// compiling it.
static CAPTURE_NFAS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/captures.bin"));

/// The NFA build.rs compiled for `pattern`'s capture groups, encoded, if it is a shipped one.
fn embedded_nfa(pattern: &str) -> Option<&'static [u8]> {
    let mut bytes = CAPTURE_NFAS;
    while !bytes.is_empty() {
        let source = hircode::take(&mut bytes)?;
        let code = hircode::take(&mut bytes)?;
        if source == pattern.as_bytes() {
            return Some(code);
        }
    }
    None
}

/// A hit whose suggestions are the rule's, with capture groups filled in by `expand`.
fn expanded(
    idx: usize,
    range: Range<usize>,
    rule: &Rule,
    expand: impl Fn(&str, &mut String),
) -> Hit {
    let texts = (rule.suggestions.iter())
        .map(|s| {
            let mut dst = String::new();
            expand(&s.text, &mut dst);
            dst
        })
        .collect();
    let mut hit = Hit::new(idx, range);
    hit.suggestions = Some(texts);
    hit
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

    /// The embedded NFA is the one `PikeVM::new` compiles, and its simulation reads the same
    /// groups as that PikeVM at every match in the rule's examples.
    #[test]
    fn every_shipped_capture_reader_is_embedded_and_read_as_a_pikevm_reads_it() {
        use super::super::nfacode;
        use regex_automata::nfa::thompson::NFA;
        let packs = crate::lint::pack::embedded_packs();
        let rules = packs
            .iter()
            .flat_map(|src| crate::lint::pack::parse_pack(src).unwrap().1);
        let (mut checked, mut matched) = (0, 0);
        for rule in rules {
            let super::super::rule::Matcher::Regex(p) = &rule.matcher else {
                continue;
            };
            if !p.expands {
                continue;
            }
            let code = embedded_nfa(&p.source).expect("build.rs embedded it");
            let embedded = nfacode::decode(code).unwrap();
            let vm = PikeVM::new(&ascii_classes(&p.source)).unwrap();
            let compiled = vm.get_nfa();
            assert_eq!(embedded.states(), compiled.states(), "{}", p.source);
            let names = |nfa: &NFA| -> Vec<Option<String>> {
                let all = nfa.group_info().all_names();
                all.map(|(_, _, name)| name.map(str::to_owned)).collect()
            };
            assert_eq!(names(&embedded), names(compiled));
            let sim = nfasim::Nfa::decode(code).unwrap();
            let sim_names = sim
                .group_names()
                .iter()
                .map(|n| n.as_deref().map(str::to_owned));
            assert_eq!(sim_names.collect::<Vec<_>>(), names(compiled));
            let regex = super::super::patterns::compile_regex(&p.source).unwrap();
            let (mut cache, mut caps) = (vm.create_cache(), vm.create_captures());
            let mut scratch = nfasim::Scratch::default();
            let bad = rule.examples.bad.iter().map(|b| b.text.as_str());
            for text in bad.chain(rule.examples.good.iter().map(String::as_str)) {
                for m in regex.find_iter(text) {
                    let haystack = &text[..m.end()];
                    vm.captures(&mut cache, Input::new(haystack).span(m.range()), &mut caps);
                    let by_pike: Vec<Option<usize>> = (0..caps.group_len())
                        .flat_map(|g| match caps.get_group(g) {
                            Some(span) => [Some(span.start), Some(span.end)],
                            None => [None, None],
                        })
                        .collect();
                    let by_sim = sim.captures(&mut scratch, haystack.as_bytes(), m.start());
                    assert_eq!(by_sim, Some(by_pike), "{} on {text}", p.source);
                    matched += 1;
                }
            }
            checked += 1;
        }
        assert!(checked >= 5, "only {checked} capture readers");
        assert!(matched >= checked, "only {matched} matches read");
    }

    #[test]
    fn luhn_option_filters_matches() {
        let def = |luhn| RegexDef {
            pattern: r"\d{4}(?: \d{4}){3}".into(),
            luhn,
        };
        let p = Pattern::compile(def(true), &[]);
        assert!(p.accepts("4242 4242 4242 4242"));
        assert!(!p.accepts("1234 5678 9012 3456"));
        assert!(p.describe().contains("Luhn"));
        let plain = Pattern::compile(def(false), &[]);
        assert!(plain.accepts("1234 5678 9012 3456"));
    }
}
