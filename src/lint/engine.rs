//! The engine: folds a text once, runs every phrase rule through one automaton and every regex
//! rule, `require` and `when` pattern through one lazy DFA (`patterns.rs`), filters the hits
//! (language, `when`, `unless`), adds the
//! document-level rules, and turns what is left into findings in the original text's offsets.

use super::learn::{CATEGORIES, category_index};
use super::metric::{self, Measure};
use super::pack::{LoadError, PackSource, embedded_packs, parse_pack};
use super::patterns::{PatternIndex, Seen};
use super::phrases::PhraseIndex;
use super::rule::{Matcher, Rule};
use super::{Applicability, Category, Finding, Suggestion, mask_secret, mask_within, pii_spans};
use crate::text::{Folded, Lang, LineIndex, Paragraph, paragraphs_and_lang, sentences};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

/// From how many sentences a text's work is shared out among rayon's threads: a letter holds a
/// few dozen.
const PARALLEL_SENTENCES: usize = 2048;

/// `f` of each item, in order: on rayon's threads when `parallel` (a long text), else on this
/// one, which starts no pool.
fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    parallel: bool,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if parallel {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// Which language's rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LangChoice {
    /// Decide per paragraph (Japanese where most letters are kana or kanji).
    #[default]
    Auto,
    /// Treat the whole text as this language.
    Force(Lang),
}

impl LangChoice {
    /// The languages whose rules [`Linter::check`] of `text` can apply: its paragraphs', as
    /// `check` decides them (on the folded text), or the forced one.
    pub fn langs_in(self, text: &str) -> Vec<Lang> {
        match self {
            LangChoice::Force(lang) => vec![lang],
            LangChoice::Auto => {
                let paragraphs = paragraphs_and_lang(&Folded::new(text).text).0;
                let found = |lang| paragraphs.iter().any(|p| p.lang == lang);
                Lang::ALL.into_iter().filter(|&l| found(l)).collect()
            }
        }
    }
}

/// What a user or a config may change about a loaded rule set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Rule ids (`pack/id`) or whole packs (`pack`) to switch off.
    pub disable: Vec<String>,
    /// New limits for metric rules, by rule id.
    pub limits: BTreeMap<String, usize>,
    /// The support form's character limit: the limit of every `chars` metric rule.
    pub max_chars: Option<usize>,
}

/// The result of linting one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The text's dominant language.
    pub lang: Lang,
    /// Findings in text order.
    pub findings: Vec<Finding>,
}

/// A loaded, compiled rule set. Build it once; `check` is cheap and can run on many threads.
#[derive(Debug)]
pub struct Linter {
    rules: Vec<Rule>,
    enabled: Vec<bool>,
    embedded: Vec<bool>,
    phrases: PhraseIndex,
    patterns: PatternIndex,
}

/// A text prepared for matching: folded once, split into paragraphs and sentences once. All
/// ranges are in the folded text's offsets.
pub(crate) struct Doc<'t> {
    original: &'t str,
    pub(crate) folded: Folded<'t>,
    paragraphs: Vec<Paragraph>,
    sentences: Vec<Range<usize>>,
    region_chars: std::cell::OnceCell<[(usize, bool); 2]>,
    /// Per sentence, its `score` per category of `learn::CATEGORIES`, in percent.
    scores: std::cell::OnceCell<Vec<[u8; CATEGORIES.len()]>>,
}

impl Doc<'_> {
    pub(crate) fn text(&self) -> &str {
        &self.folded.text
    }

    /// Whether some paragraph's language passes `f`.
    pub(crate) fn any_lang(&self, f: impl Fn(Lang) -> bool) -> bool {
        self.paragraphs.iter().any(|p| f(p.lang))
    }

    fn lang_at(&self, at: usize) -> Lang {
        lang_in(&self.paragraphs, at)
    }

    /// Whether the text is long enough for its work to be shared out among rayon's threads.
    fn is_long(&self) -> bool {
        self.sentences.len() >= PARALLEL_SENTENCES
    }

    fn sentence_around(&self, at: usize) -> Range<usize> {
        let i = self.sentences.partition_point(|s| s.end <= at);
        match self.sentences.get(i) {
            Some(s) if s.start <= at => s.clone(),
            _ => at..at,
        }
    }

    /// Each sentence's scores by its paragraph's model, computed once for all `score` rules.
    fn scores(&self) -> &[[u8; CATEGORIES.len()]] {
        self.scores.get_or_init(|| {
            // Not `self`, which its cells keep on one thread.
            let (all, paragraphs) = (self.text(), &self.paragraphs);
            let signature = signature_start(all);
            let score = |s: &Range<usize>| {
                let text = all[s.clone()].trim();
                if s.start >= signature || is_frame(text) || is_heading_line(all, s.clone()) {
                    return [0; CATEGORIES.len()];
                }
                let lang = lang_in(paragraphs, s.start);
                let p = metric::model(lang).scores(text, metric::script(lang));
                // Truncated, so `score > max` is `probability >= (max + 1) / 100`.
                p.map(|p| (p * 100.0) as u8)
            };
            // Sentences are scored apart, so a long text's can be shared out.
            map_in_order(&self.sentences, self.is_long(), score)
        })
    }

    /// How many characters the paragraphs of one language hold (all for `None`); `None` when
    /// they hold no text at all. Counted once per check, not once per `require` rule.
    fn region_chars(&self, lang: Option<Lang>) -> Option<usize> {
        let counts = self.region_chars.get_or_init(|| {
            let mut counts = [(0usize, false); 2];
            for p in &self.paragraphs {
                let t = &self.text()[p.range.clone()];
                let slot = &mut counts[p.lang as usize];
                slot.0 += t.chars().count();
                slot.1 |= !t.trim().is_empty();
            }
            counts
        });
        let (chars, any_text) = match lang {
            Some(l) => counts[l as usize],
            None => (counts[0].0 + counts[1].0, counts[0].1 || counts[1].1),
        };
        any_text.then_some(chars)
    }
}

/// The language of the paragraph around byte `at` (the last one past the end).
fn lang_in(paragraphs: &[Paragraph], at: usize) -> Lang {
    let i = paragraphs
        .partition_point(|p| p.range.end <= at)
        .min(paragraphs.len() - 1);
    paragraphs[i].lang
}

/// Whether a sentence is part of the letter's frame rather than its prose: a heading
/// (「【再発防止策】」, 「■ 再発防止策」, "## Prevention"), the line that introduces a list
/// ("Going forward:"), the address (「Amazonセラーサポート御中」, "Dear Seller Support,"), the
/// sign-off ("Best regards,"), the signature (「小川 直樹」, "Ken Yamada") or a list number.
/// The model, trained on sentences, reads 「再発防止策」 alone as a vague promise,
/// 「Amazon…サポート」 alone as blame and a bare name as anything at all; the frame is not scored.
fn is_frame(sentence: &str) -> bool {
    // A list number ("1.", 「（2）」) that the splitter cut off as a sentence of its own.
    if sentence
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(2)
        .count()
        < 2
    {
        return true;
    }
    let unpunctuated = !sentence.contains(['。', '.', '!', '?', '！', '？']);
    let words = sentence.split_whitespace().count();
    // An address in brackets, 「（危険物審査ご担当者様）」, is still an address.
    let unbracketed = sentence.trim_matches(['（', '）', '(', ')', '〔', '〕', '［', '］']);
    (unpunctuated
        && (sentence.starts_with(['■', '□', '●', '○', '◆', '◇', '▼', '▶', '★', '☆', '#'])
            || ["御中", "様", "各位", "殿"]
                .iter()
                .any(|e| unbracketed.ends_with(e))
            // 「Amazonさんへ」, 「セラーサポートの皆様へ」: an address, informal or not.
            || ((sentence.ends_with('へ') || sentence.ends_with("さん"))
                && sentence.chars().count() <= 20)
            || (sentence.ends_with(',') && (sentence.starts_with("Dear ") || words <= 4))))
        || (sentence.starts_with('【') && sentence.ends_with('】'))
        || sentence.ends_with([':', '：'])
        || is_name_line(sentence, unpunctuated)
}

/// Marks that end or split a clause: a line with none is a heading, a name or a signature, not
/// prose.
const CLAUSE_MARKS: [char; 8] = ['。', '.', '!', '?', '！', '？', '、', ','];

/// Where the letter's signature block starts, or the text's length when it has none: the last
/// paragraph, when it is at most four short unpunctuated lines and one of them is a name
/// (「中村 由美」 over 「ベビー用品のここっと」, where the shop's name alone reads as prose).
fn signature_start(text: &str) -> usize {
    let body = text.trim_end();
    let start = body.rfind("\n\n").map_or(0, |i| i + 2);
    let lines: Vec<&str> = body[start..].lines().map(str::trim).collect();
    let short = |l: &&str| !l.is_empty() && l.chars().count() <= 30 && !l.contains(CLAUSE_MARKS);
    let signed =
        lines.len() <= 4 && lines.iter().all(short) && lines.iter().any(|l| is_name_line(l, true));
    if signed { start } else { text.len() }
}

/// A signature or a name on a line of its own: in Japanese, unpunctuated, at most 20
/// characters and no hiragana (「小川 直樹」, 「株式会社ヤマダ商店」), since Japanese prose, even a
/// short outburst, has its particles and endings in hiragana; in English, at most five words,
/// each capitalised, not all in capitals (shouting is prose), with no full stop but an
/// abbreviation's at the end: "Ken Yamada", "Owner, Northgate Supply Co.".
fn is_name_line(sentence: &str, unpunctuated: bool) -> bool {
    let hiragana = |c: char| ('\u{3041}'..='\u{309f}').contains(&c);
    if !sentence.is_ascii() {
        return unpunctuated && sentence.chars().count() <= 20 && !sentence.chars().any(hiragana);
    }
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let abbreviation =
        |w: &str| ["Co.", "Ltd.", "Inc.", "Corp.", "Jr.", "Sr.", "Pty."].contains(&w);
    let stops = sentence.matches(['.', '!', '?']).count();
    words.len() <= 5
        && words
            .iter()
            .all(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
        && sentence.chars().any(|c| c.is_ascii_lowercase())
        && (stops == 0 || (stops == 1 && words.last().is_some_and(|w| abbreviation(w))))
}

/// A short unpunctuated line of its own that heads the lines under it ("What I have done",
/// 「経緯」), the headings written without a colon or brackets. In English it starts with a
/// capital and has at most five words; in Japanese it has at most 15 characters and ends in a
/// kanji or katakana (a noun, as headings do), so an unpunctuated outburst such as 「なんで止め
/// られるの」 on its own line is still prose.
fn is_heading_line(text: &str, sentence: Range<usize>) -> bool {
    let line = text[sentence.clone()].trim();
    // The cheap tests first: this runs for every sentence of a text of any size, so nothing
    // here may scan further than the line itself.
    if line.contains(CLAUSE_MARKS) || line.chars().nth(60).is_some() {
        return false;
    }
    let Some(last) = line.chars().last() else {
        return false;
    };
    let latin = line.chars().any(|c| c.is_ascii_alphabetic());
    let shaped = if latin {
        line.starts_with(|c: char| c.is_uppercase()) && line.split_whitespace().count() <= 5
    } else {
        line.chars().count() <= 15
            && matches!(last, '\u{4E00}'..='\u{9FFF}' | '\u{30A1}'..='\u{30FA}' | 'ー')
    };
    if !shaped {
        return false;
    }
    let blank = |c: char| matches!(c, ' ' | '\t' | '\r' | '\u{3000}');
    let before = text[..sentence.start].trim_end_matches(blank);
    let at_line_start = before.is_empty() || before.ends_with('\n');
    // The rest of its line is blank, and the next line is not.
    let after = text[sentence.end..].trim_start_matches(blank);
    let Some(next) = after.strip_prefix('\n') else {
        return false;
    };
    at_line_start
        && next
            .trim_start_matches(blank)
            .starts_with(|c: char| c != '\n')
}

/// A match before it becomes a finding.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) rule: usize,
    pub(crate) range: Range<usize>,
    /// Suggestion texts expanded for this match (regex capture groups).
    pub(crate) suggestions: Option<Vec<String>>,
    /// A message with this match's measures filled in (metric rules).
    pub(crate) message: Option<String>,
}

impl Hit {
    pub(crate) fn new(rule: usize, range: Range<usize>) -> Self {
        Hit {
            rule,
            range,
            suggestions: None,
            message: None,
        }
    }
}

impl Linter {
    /// The embedded packs with default options.
    pub fn embedded() -> Result<Self, LoadError> {
        Self::new(&embedded_packs(), &Options::default())
    }

    /// Loads packs in order (see [`Linter::load`]), then runs the examples of every rule that
    /// is not embedded: a failing one is a load error. Embedded packs are held to theirs by
    /// `cargo test`, and skipping them keeps start-up fast.
    pub fn new(sources: &[PackSource], options: &Options) -> Result<Self, LoadError> {
        // Examples run before `options` apply: a disabled rule or a changed limit is the user's
        // choice, not a broken example.
        let mut linter = Self::load(sources, &Options::default())?;
        let failure = linter
            .self_test(|i, _| !linter.embedded[i])
            .into_iter()
            .next();
        match failure {
            None => {
                linter.configure(options)?;
                Ok(linter)
            }
            Some(f) => Err(LoadError::Rule {
                path: f.path,
                line: f.line,
                rule: f.rule,
                message: f.message,
            }),
        }
    }

    /// Loads packs in order without running their examples (`appeal rules test` runs them all
    /// and reports every failure). A later pack with the id of an embedded one replaces it (that
    /// is how `--lints DIR` overrides a shipped pack); any other repeated pack id is an error.
    pub fn load(sources: &[PackSource], options: &Options) -> Result<Self, LoadError> {
        let mut packs: Vec<(String, bool, Vec<Rule>)> = Vec::new();
        for src in sources {
            let (id, rules) = parse_pack(src)?;
            match packs.iter_mut().find(|(p, _, _)| *p == id) {
                Some(slot) if slot.1 && !src.embedded => *slot = (id, false, rules),
                Some(_) => {
                    return Err(LoadError::Yaml {
                        path: src.path.clone(),
                        line: 1,
                        column: 1,
                        message: format!("pack `{id}` is defined twice"),
                    });
                }
                None => packs.push((id, src.embedded, rules)),
            }
        }
        let mut embedded = Vec::new();
        let mut rules = Vec::new();
        for (_, is_embedded, pack_rules) in packs {
            embedded.extend(std::iter::repeat_n(is_embedded, pack_rules.len()));
            rules.extend(pack_rules);
        }
        let linter = Linter {
            enabled: vec![true; rules.len()],
            phrases: PhraseIndex::build(&rules),
            patterns: PatternIndex::build(&rules),
            embedded,
            rules,
        };
        // Embedded packs are validated by `cargo test` (`compile_all`); others now, so a bad
        // pattern is a load error, not a silent miss.
        linter.validate_patterns(|i| !linter.embedded[i], false)?;
        let mut linter = linter;
        linter.configure(options)?;
        Ok(linter)
    }

    /// Compiles every pattern that is otherwise compiled on first use, and builds the automata,
    /// so that a broken one shows now (the tests run this over the embedded packs).
    pub fn compile_all(&self) -> Result<(), LoadError> {
        self.validate_patterns(|_| true, true)
    }

    /// Compiles the patterns (`regex`, `require`, `when`, `unless`) of the rules `select`
    /// accepts; with `automata`, builds the per-language automata too.
    fn validate_patterns(
        &self,
        select: impl Fn(usize) -> bool,
        automata: bool,
    ) -> Result<(), LoadError> {
        self.patterns
            .validate(&select, automata)
            .map_err(|(i, message)| rule_error(&self.rules[i], message))?;
        for (_, rule) in self.rules.iter().enumerate().filter(|(i, _)| select(*i)) {
            rule.unless
                .iter()
                .try_for_each(|re| re.validate())
                .map_err(|message| rule_error(rule, message))?;
        }
        Ok(())
    }

    /// Whether rule `i` came from a pack compiled into the binary.
    pub fn is_embedded(&self, i: usize) -> bool {
        self.embedded[i]
    }

    fn configure(&mut self, options: &Options) -> Result<(), LoadError> {
        for name in &options.disable {
            let mut hit = false;
            for (i, rule) in self.rules.iter().enumerate() {
                if rule.id == *name || rule.id.split('/').next() == Some(name.as_str()) {
                    self.enabled[i] = false;
                    hit = true;
                }
            }
            if !hit {
                return Err(Self::unknown_in(&self.rules, name));
            }
        }
        for (id, &max) in &options.limits {
            let Some(rule) = self.rules.iter_mut().find(|r| r.id == *id) else {
                return Err(Self::unknown_in(&self.rules, id));
            };
            match &mut rule.matcher {
                Matcher::Metric(m) => m.max = max,
                _ => {
                    let message = "a limit was set for it, but it is not a metric rule".into();
                    return Err(rule_error(rule, message));
                }
            }
        }
        if let Some(max) = options.max_chars {
            for rule in &mut self.rules {
                if let Matcher::Metric(m) = &mut rule.matcher
                    && m.measure == Measure::Chars
                {
                    m.max = max;
                }
            }
        }
        Ok(())
    }

    fn unknown_in(rules: &[Rule], name: &str) -> LoadError {
        let hint = match crate::text::closest(name, rules.iter().map(|r| r.id.as_str())) {
            Some(b) => format!(" (did you mean `{b}`?)"),
            None => " (see `appeal rules list`)".into(),
        };
        LoadError::Rule {
            path: "options".into(),
            line: 1,
            rule: name.into(),
            message: format!("no such rule{hint}"),
        }
    }

    /// All loaded rules, in pack order (disabled ones included).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Whether `disable` switched a rule off.
    pub fn is_enabled(&self, id: &str) -> bool {
        self.rules
            .iter()
            .position(|r| r.id == id)
            .is_some_and(|i| self.enabled[i])
    }

    /// Lints one text.
    pub fn check(&self, text: &str, lang: LangChoice) -> Outcome {
        self.check_filtered(text, lang, |_| true)
    }

    /// Lints one text with only the rules `keep` accepts (rule self-tests use one rule).
    pub(crate) fn check_filtered(
        &self,
        text: &str,
        lang: LangChoice,
        keep: impl Fn(usize) -> bool,
    ) -> Outcome {
        let folded = Folded::new(text);
        let (mut paras, detected) = paragraphs_and_lang(&folded.text);
        let dominant = match lang {
            LangChoice::Auto => detected,
            LangChoice::Force(l) => {
                paras.iter_mut().for_each(|p| p.lang = l);
                l
            }
        };
        let doc = Doc {
            original: text,
            region_chars: Default::default(),
            scores: Default::default(),
            sentences: sentences(&folded.text),
            paragraphs: paras,
            folded,
        };
        let active = |i: usize| self.enabled[i] && keep(i);

        let seen = self.patterns.scan(doc.text(), &doc.paragraphs);
        let mut hits = Vec::new();
        self.phrases.scan(&self.rules, &doc, &mut hits);
        // Each `regex` rule's hits, from only the paragraphs where the one-pass scan saw its
        // pattern end. A long text's rules are matched on rayon's threads, each rule's hits kept
        // together and in rule order, as on one thread.
        let (all, paragraphs, seen_ref) = (doc.text(), &doc.paragraphs, &seen);
        let rule_hits = |&i: &usize| {
            let mut out = Vec::new();
            let rule = &self.rules[i];
            if let Matcher::Regex(p) = &rule.matcher {
                for &para in self.patterns.fired(seen_ref, i) {
                    let range = paragraphs[para as usize].range.clone();
                    let spans =
                        |re: &_, range| self.patterns.spans(seen_ref, i, re, all, para, range);
                    p.hits(i, rule, all, range, spans, &mut out);
                }
            }
            out
        };
        let rules: Vec<usize> = (0..self.rules.len())
            .filter(|&i| matches!(self.rules[i].matcher, Matcher::Regex(_)) && active(i))
            .collect();
        let found = map_in_order(&rules, doc.is_long(), rule_hits);
        hits.extend(found.into_iter().flatten());
        // Every match before exceptions, with its category, by start (see `excepted`).
        let mut matched: Vec<(Category, Range<usize>)> = hits
            .iter()
            .map(|h| (self.rules[h.rule].category, h.range.clone()))
            .collect();
        matched.sort_unstable_by_key(|(_, r)| r.start);
        hits.retain(|h| {
            let rule = &self.rules[h.rule];
            let lang = doc.lang_at(h.range.start);
            active(h.rule)
                && rule.lang.applies_to(lang)
                && self.patterns.when(&seen, h.rule, Some(lang))
                && !self.excepted(h.rule, &doc, &seen, &h.range, &matched)
        });
        self.document_rules(&doc, &seen, &active, &matched, &mut hits);
        let hits = one_per_span(longest_per_rule(hits), &self.rules);

        let index = LineIndex::new(text);
        let mut findings: Vec<Finding> = hits
            .into_iter()
            .map(|h| self.finding(text, &doc, &index, h))
            .collect();
        findings.sort_by(|a, b| (a.start, a.end, &a.rule).cmp(&(b.start, b.end, &b.rule)));
        // A secret never shows, even inside another finding's span (a whole sentence that a
        // `score` rule flagged, a phrase around it).
        let secrets = pii_spans(&findings);
        for f in findings.iter_mut().filter(|f| f.category != Category::Pii) {
            if secrets.iter().any(|s| s.start < f.end && f.start < s.end) {
                f.matched = mask_within(text, f.start..f.end, &secrets);
            }
        }
        Outcome {
            lang: dominant,
            findings,
        }
    }

    /// Whether an `unless` exception matches in the sentence around the hit.
    /// A promise on a heading line ("How we will prevent this", 「今後の対策について」) is
    /// excepted too: it heads the steps listed under it, and `missing-prevention` judges those.
    ///
    /// An exception that holds another match of the rule's category, such as a quoted claim
    /// ("an email saying someone logged in"), speaks for that match only. It does not excuse
    /// a claim made in another clause of the sentence ("My account got taken over, I got an
    /// email saying someone logged in"). `matched` is every match before exceptions, sorted by
    /// start, so only the sentence's own are read.
    fn excepted(
        &self,
        rule: usize,
        doc: &Doc,
        seen: &Seen,
        range: &Range<usize>,
        matched: &[(Category, Range<usize>)],
    ) -> bool {
        let def = &self.rules[rule];
        if def.category == Category::Vague
            && is_heading_line(doc.text(), doc.sentence_around(range.start))
        {
            return true;
        }
        if def.unless.is_empty() {
            return false;
        }
        let sentence = doc.sentence_around(range.start);
        let s = sentence.start.min(range.start)..sentence.end.max(range.end);
        let lang = doc.lang_at(range.start);
        if !self
            .patterns
            .excepted(seen, rule, lang, doc.text(), s.clone())
        {
            return false;
        }
        let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
        let from = matched.partition_point(|(_, r)| r.start < s.start);
        let others: Vec<&Range<usize>> = matched[from..]
            .iter()
            .take_while(|(_, r)| r.start < s.end)
            .filter(|(c, r)| *c == def.category && r.end <= s.end)
            .map(|(_, r)| r)
            .filter(|r| !overlaps(r, range))
            .collect();
        // The common case: no other claim in the sentence, so the scan's answer stands.
        if others.is_empty() {
            return true;
        }
        def.unless.iter().any(|u| {
            u.find_in(doc.text(), s.clone())
                .iter()
                .any(|m| overlaps(m, range) || !others.iter().any(|o| overlaps(o, m)))
        })
    }

    /// `require` and `metric` rules, which look at the document rather than at phrases.
    fn document_rules(
        &self,
        doc: &Doc,
        seen: &Seen,
        active: &impl Fn(usize) -> bool,
        matched: &[(Category, Range<usize>)],
        hits: &mut Vec<Hit>,
    ) {
        // (sentence, category) pairs that a pattern already flagged: a `score` rule says nothing
        // more about them.
        let flagged: std::cell::OnceCell<BTreeSet<(usize, Category)>> = Default::default();
        for (i, rule) in self.rules.iter().enumerate() {
            if !active(i) {
                continue;
            }
            match &rule.matcher {
                Matcher::Require(req) => {
                    // Each language of a bilingual letter must carry the part on its own.
                    let lang = rule.lang.example_lang();
                    let Some(chars) = doc.region_chars(lang) else {
                        continue;
                    };
                    // A pasted sentence is not a letter: short texts are not judged.
                    if chars >= req.min_chars
                        && self.patterns.when(seen, i, lang)
                        && !self.patterns.required(seen, i, lang)
                    {
                        hits.push(Hit::new(i, 0..0));
                    }
                }
                Matcher::Metric(m) => {
                    let spans = match m.measure {
                        // The form counts the characters the seller typed, not folded ones
                        // (`ｶﾞ` is two there), so measure the original and map back.
                        Measure::Chars => m
                            .measure(doc.original, &[], m.max)
                            .into_iter()
                            .map(|(r, n)| (doc.folded.folded(r.start)..doc.folded.folded(r.end), n))
                            .collect(),
                        Measure::SentenceChars => m.measure(doc.text(), &doc.sentences, m.max),
                        Measure::Score => {
                            let flagged = flagged.get_or_init(|| {
                                hits.iter()
                                    .filter(|h| h.range.end > h.range.start)
                                    .map(|h| {
                                        let s = doc
                                            .sentences
                                            .partition_point(|s| s.end <= h.range.start);
                                        (s, self.rules[h.rule].category)
                                    })
                                    .collect()
                            });
                            let c = category_index(rule.category.as_str())
                                .expect("pack.rs accepts `score` only for a modelled category");
                            doc.scores()
                                .iter()
                                .enumerate()
                                .filter(|&(s, scores)| {
                                    usize::from(scores[c]) > m.max
                                        && !flagged.contains(&(s, rule.category))
                                })
                                .map(|(s, scores)| {
                                    (doc.sentences[s].clone(), usize::from(scores[c]))
                                })
                                .collect()
                        }
                    };
                    for (range, count) in spans {
                        let lang = doc.lang_at(range.start);
                        if !rule.lang.applies_to(lang) || !self.patterns.when(seen, i, Some(lang)) {
                            continue;
                        }
                        if self.excepted(i, doc, seen, &range, matched) {
                            continue;
                        }
                        let mut hit = Hit::new(i, range);
                        hit.message = Some(rule.message_with(count, m.max));
                        hits.push(hit);
                    }
                }
                Matcher::Phrases(_) | Matcher::Regex(_) => {}
            }
        }
    }

    fn finding(&self, text: &str, doc: &Doc, index: &LineIndex, hit: Hit) -> Finding {
        let rule = &self.rules[hit.rule];
        let range = doc.folded.original_range(hit.range);
        let start = index.position(text, range.start);
        let end = index.position(text, range.end);
        let matched = &text[range.clone()];
        let matched = if rule.category == Category::Pii {
            mask_secret(matched)
        } else {
            matched.to_owned()
        };
        let texts = hit
            .suggestions
            .unwrap_or_else(|| rule.suggestions.iter().map(|s| s.text.clone()).collect());
        Finding {
            rule: rule.id.clone(),
            category: rule.category,
            severity: rule.level,
            message: hit.message.unwrap_or_else(|| rule.message.clone()),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            start: range.start,
            end: range.end,
            matched,
            suggestions: rule
                .suggestions
                .iter()
                .zip(texts)
                .map(|(def, text)| Suggestion {
                    text,
                    applicability: def.applicability,
                })
                .collect(),
            why: rule.why.clone(),
        }
    }
}

fn rule_error(rule: &Rule, message: String) -> LoadError {
    LoadError::Rule {
        path: rule.path.clone(),
        line: rule.line,
        rule: rule.id.clone(),
        message,
    }
}

/// Keeps one finding where rules of one pack and category overlap: 「システムの不具合で」 was reported
/// by three blame rules, 「二度と同じことはしません」 by three vague ones, each with its own
/// message for the same words. The one kept is the most severe, then the longest, then the
/// first in pack order. A hit with a `safe` fix is always kept (and does not hide others), so
/// `--fix` still removes every 「ｗ」 and 「！！」; pii is kept whole, as every secret is masked.
/// Another pack's rule is never hidden: a user's own rule on 「大至急」 shows beside the shipped
/// one on 「至急」.
fn one_per_span(mut hits: Vec<Hit>, rules: &[Rule]) -> Vec<Hit> {
    let exempt = |h: &Hit| {
        let rule = &rules[h.rule];
        rule.category == Category::Pii
            || h.range.is_empty()
            || rule
                .suggestions
                .iter()
                .any(|s| s.applicability == Applicability::Safe)
    };
    hits.sort_by_key(|h| {
        let rule = &rules[h.rule];
        (
            std::cmp::Reverse(rule.level),
            std::cmp::Reverse(h.range.len()),
            h.rule,
            h.range.start,
        )
    });
    // Per pack and category, the kept spans by start. They never overlap one another, so the
    // last one starting before a hit's end is the only one that can overlap it: a big text
    // with thousands of hits stays linear, not quadratic.
    let mut spans: HashMap<(&str, Category), BTreeMap<usize, usize>> = HashMap::new();
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if !exempt(&h) {
            let rule = &rules[h.rule];
            let group = spans.entry((pack_of(&rule.id), rule.category)).or_default();
            let overlaps = group
                .range(..h.range.end)
                .next_back()
                .is_some_and(|(_, &end)| end > h.range.start);
            if overlaps {
                continue;
            }
            group.insert(h.range.start, h.range.end);
        }
        kept.push(h);
    }
    kept
}

/// The pack of a rule id (`ja-tone` of `ja-tone/w-laugh`).
fn pack_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(pack, _)| pack)
}

/// Keeps, per rule, the longest of overlapping hits (「乗っ取られました」 over 「乗っ取られ」).
fn longest_per_rule(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (a.rule, a.range.start, std::cmp::Reverse(a.range.end)).cmp(&(
            b.rule,
            b.range.start,
            std::cmp::Reverse(b.range.end),
        ))
    });
    let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        match out.last() {
            Some(last) if last.rule == h.rule && h.range.start < last.range.end => {}
            _ => out.push(h),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{is_frame, is_heading_line, signature_start};

    #[test]
    fn a_short_line_heading_the_lines_under_it_is_frame() {
        let heading = |text: &str, line: &str| {
            let at = text.find(line).unwrap();
            is_heading_line(text, at..at + line.len())
        };
        let letter = "Background\nOn May 2 the account was locked.\n\nWhat I have done\n1. Reset.\n\n経緯\n5月2日に変更しました。\n今後の対策\n- 毎月確認します。\nSteps Taken To Prevent Recurrence\n- A checklist.\n";
        for h in [
            "Background",
            "What I have done",
            "経緯",
            "今後の対策",
            "Steps Taken To Prevent Recurrence",
        ] {
            assert!(heading(letter, h), "{h}");
        }
        for (text, line) in [
            // Last line: heads nothing.
            ("I waited.\nnice one amazon smh", "nice one amazon smh"),
            // Lower case, or too many words, or followed by a blank line.
            ("nice one amazon smh\nI waited.", "nice one amazon smh"),
            (
                "This is the worst support I have ever seen\nI waited.",
                "This is the worst support I have ever seen",
            ),
            ("Going forward\n\nI check.", "Going forward"),
            // Japanese ending in kana: an outburst, not a noun heading.
            (
                "なんで止められるの\n三週間待っています。",
                "なんで止められるの",
            ),
        ] {
            assert!(!heading(text, line), "{line}");
        }
    }

    #[test]
    fn a_last_paragraph_of_short_lines_with_a_name_is_the_signature() {
        let letter =
            "ご確認のほどよろしくお願い申し上げます。\n\n中村 由美\nベビー用品のここっと\n";
        assert_eq!(signature_start(letter), letter.find('中').unwrap());
        let signed = "Thank you for your time.\n\nKen Yamada\nYamada Goods\n";
        assert_eq!(signature_start(signed), signed.find("Ken").unwrap());
        for unsigned in [
            "ご確認のほどよろしくお願い申し上げます。\n\nもう無理\n",
            "Thank you.\n\nfix it now\n",
            "Thank you.\n\nKen Yamada, who has waited three weeks for an answer\n",
        ] {
            assert_eq!(signature_start(unsigned), unsigned.len(), "{unsigned}");
        }
    }

    #[test]
    fn the_frame_of_a_letter_is_not_prose() {
        for frame in [
            "【再発防止策】",
            "■ 再発防止策",
            "## Prevention",
            "Going forward:",
            "再発防止策：",
            "Amazonセラーサポート御中",
            "ご担当者様",
            "Amazonさんへ",
            "セラーサポートの皆様へ",
            "（危険物審査ご担当者様）",
            "Dear Seller Support,",
            "Best regards,",
            "1.",
            "（2）",
            "小川 直樹",
            "株式会社ヤマダ商店",
            "Ken Yamada",
            "Yamada Goods LLC",
            "Owner, Northgate Supply Co.",
        ] {
            assert!(is_frame(frame), "{frame}");
        }
        for prose in [
            "御社のミスです。",
            "もう無理",
            "Dear me, what a mess.",
            "Thanks for nothing, really, you guys, great job,",
            "■ 御社の対応には失望しました。",
            "ご担当者様のご対応に感謝いたします。",
            "激怒している",
            "ふざけるな",
            "FIX MY ACCOUNT",
            "Fix My Account Now Please Amazon",
            "you ruined everything",
            "Shame On You.",
            "Why Me?",
        ] {
            assert!(!is_frame(prose), "{prose}");
        }
    }
}
