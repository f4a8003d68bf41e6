//! Every pattern of every rule that decides *whether* something appears in a letter (the `regex`
//! rules' patterns, `require`'s `any`, `when`), found in one pass per language over that
//! language's paragraphs (see [`Plan`]); full regexes, for match positions and `unless`, are
//! built only when first needed, as lazy DFAs from the trees `build.rs` parsed (`hircode.rs`).
//!
//! Why: compiling the shipped packs' ~250 patterns as separate regexes (or as a `RegexSet`) took
//! about 170 ms, far more than linting a letter; one unanchored lazy DFA over all of them (the
//! previous design) still spent most of a cold run building DFA states.

use super::hircode::{self, ascii_classes};
use super::rule::{Matcher, Rule};
use crate::text::{Lang, Paragraph};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::Regex;
use regex_automata::hybrid::{
    self,
    dfa::{Cache, DFA, OverlappingState},
};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::Hir;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

/// Compiles a pack's pattern with a readable error, after [`ascii_classes`].
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
    Regex::new(&ascii_classes(pattern)).map_err(|e| format!("invalid regex `{pattern}`: {e}"))
}

/// A pack's pattern, compiled on first use.
///
/// Spans and `is_match` go through lazy DFAs built from the pattern's tree (prebuilt for the
/// embedded packs, see `hircode.rs`), which skips the parser and the `regex` crate's heavier
/// set-up (literal prefilters, one-pass and backtracking engines): about half of a cold lint of a
/// letter that breaks many rules went there. The `regex` crate's `Regex` remains for capture
/// groups, validation, and the rare DFA give-up (a Unicode word boundary in a user pattern).
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Regex>,
    /// Shared by clones, so a cloned rule keeps what was built.
    finder: Arc<OnceLock<Option<Finder>>>,
}

/// Forward and reverse lazy DFAs of one pattern, with a pool of caches for the threads.
#[derive(Debug)]
struct Finder {
    forward: DFA,
    regex: OnceLock<Option<hybrid::regex::Regex>>,
    hir: Hir,
    caches: Mutex<Vec<hybrid::regex::Cache>>,
    forward_caches: Mutex<Vec<Cache>>,
}

impl Finder {
    fn build(source: &str) -> Option<Finder> {
        Finder::from_hir(hir_of(source).ok()?)
    }

    fn from_hir(hir: Hir) -> Option<Finder> {
        let nfa = nfa_compiler(false).build_from_hir(&hir).ok()?;
        let forward = DFA::builder()
            .configure(DFA::config().unicode_word_boundary(true))
            .build_from_nfa(nfa)
            .ok()?;
        Some(Finder {
            forward,
            regex: OnceLock::new(),
            hir,
            caches: Mutex::new(Vec::new()),
            forward_caches: Mutex::new(Vec::new()),
        })
    }

    /// Whether the pattern matches somewhere in `text`; `None` when the DFA gives up.
    fn is_match(&self, text: &str) -> Option<bool> {
        let mut cache = pop(&self.forward_caches).unwrap_or_else(|| self.forward.create_cache());
        let found = self
            .forward
            .try_search_fwd(&mut cache, &Input::new(text).earliest(true));
        push(&self.forward_caches, cache);
        found.ok().map(|m| m.is_some())
    }

    /// Leftmost-first, non-overlapping matches starting in `range`, as [`matches_in`] gives
    /// them; `None` when a DFA gives up.
    fn find_all(&self, text: &str, range: Range<usize>) -> Option<Vec<Range<usize>>> {
        let regex = self
            .regex
            .get_or_init(|| {
                // The forward DFA shares its NFA (an `Arc`) with `is_match`'s.
                let forward = self.forward.clone();
                let reverse = DFA::builder()
                    .configure(
                        DFA::config()
                            .prefilter(None)
                            .specialize_start_states(false)
                            .match_kind(MatchKind::All)
                            .unicode_word_boundary(true),
                    )
                    .build_from_nfa(nfa_compiler(true).build_from_hir(&self.hir).ok()?)
                    .ok()?;
                Some(hybrid::regex::Regex::builder().build_from_dfas(forward, reverse))
            })
            .as_ref()?;
        let haystack = &text[..range.end];
        let mut cache = pop(&self.caches).unwrap_or_else(|| regex.create_cache());
        let mut input = Input::new(haystack).range(range);
        let mut out = Vec::new();
        let complete = loop {
            match regex.try_search(&mut cache, &input) {
                Ok(Some(m)) => {
                    out.push(m.range());
                    // Patterns never match the empty string (checked at load); step anyway.
                    let next = if m.is_empty() {
                        m.end() + haystack[m.end()..].chars().next().map_or(1, char::len_utf8)
                    } else {
                        m.end()
                    };
                    if next > haystack.len() {
                        break true;
                    }
                    input.set_start(next);
                }
                Ok(None) => break true,
                Err(_) => break false,
            }
        };
        push(&self.caches, cache);
        complete.then_some(out)
    }
}

fn pop<T>(pool: &Mutex<Vec<T>>) -> Option<T> {
    pool.lock().ok().and_then(|mut p| p.pop())
}

fn push<T>(pool: &Mutex<Vec<T>>, item: T) {
    if let Ok(mut p) = pool.lock() {
        p.push(item);
    }
}

impl LazyRegex {
    pub(crate) fn new(source: impl Into<String>) -> Self {
        LazyRegex {
            source: source.into(),
            compiled: OnceLock::new(),
            finder: Arc::new(OnceLock::new()),
        }
    }

    fn finder(&self) -> Option<&Finder> {
        self.finder
            .get_or_init(|| Finder::build(&self.source))
            .as_ref()
    }

    /// Whether the pattern matches somewhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.finder()
            .and_then(|f| f.is_match(text))
            .unwrap_or_else(|| self.get().is_match(text))
    }

    /// The matches (byte ranges) that start inside `range`, as [`matches_in`] gives them.
    pub(crate) fn find_in(&self, text: &str, range: Range<usize>) -> Vec<Range<usize>> {
        self.finder()
            .and_then(|f| f.find_all(text, range.clone()))
            .unwrap_or_else(|| {
                matches_in(self.get(), text, range)
                    .map(|m| m.range())
                    .collect()
            })
    }

    /// The pattern as the pack wrote it.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Compiles now; packs that are not embedded are validated this way at load.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.compiled.get().is_none() {
            let re = compile_regex(&self.source)?;
            let _ = self.compiled.set(re);
        }
        Ok(())
    }

    /// The compiled regex. Every pattern is validated before a check can reach here (user packs
    /// at load, embedded packs by `cargo test`); a pattern that still fails matches nothing.
    pub(crate) fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            compile_regex(&self.source).unwrap_or_else(|_| {
                Regex::new(r"[^\s\S]").expect("the never-matching pattern compiles")
            })
        })
    }
}

/// The pattern ids one rule owns in the index.
#[derive(Debug, Clone, Default)]
struct Owned {
    regex: Option<usize>,
    require: Range<usize>,
    when: Range<usize>,
}

fn lang_bit(lang: Lang) -> u8 {
    match lang {
        Lang::Ja => 1,
        Lang::En => 2,
    }
}

/// Where the patterns matched: per pattern, a bit per language of the paragraph a match ended
/// in, and those paragraphs' indices (in order), so a rule's own regex runs only over them.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    bits: Vec<u8>,
    paragraphs: Vec<Vec<u32>>,
    /// The prefixed branches confirmed: (paragraph, scope, branch index in its plan), sorted.
    branches: Vec<(u32, u8, u32)>,
}

impl Seen {
    fn record(&mut self, id: usize, bit: u8, paragraph: usize) {
        self.bits[id] |= bit;
        let list = &mut self.paragraphs[id];
        if list.last() != Some(&(paragraph as u32)) {
            list.push(paragraph as u32);
        }
    }

    fn in_lang(&self, ids: Range<usize>, lang: Option<Lang>) -> bool {
        let mask = lang.map_or(u8::MAX, lang_bit);
        self.bits[ids].iter().any(|b| b & mask != 0)
    }
}

/// The patterns that can apply to one language's paragraphs (its own rules' and `lang: any`
/// rules'). Built the first time a letter has such paragraphs, so a Japanese letter never pays
/// for the English rules.
#[derive(Debug)]
struct Scope {
    lang: Lang,
    /// Global ids of the patterns.
    ids: Vec<usize>,
    plan: OnceLock<Option<Plan>>,
    /// Lazy-DFA caches, one per thread that is checking a letter.
    caches: Mutex<Vec<Caches>>,
}

/// How a scope finds its patterns. Every top-level alternative (branch) of every pattern whose
/// matches start with one of a known set of literals is found by one Aho-Corasick pass over
/// those literals, each hit confirmed by an anchored search of that branch alone; the few
/// branches without such literals share one unanchored DFA.
///
/// Why not one unanchored DFA over everything (as before): with ~500 branches alive at every
/// position, each new DFA state walked thousands of NFA states and almost every byte of a letter
/// made a new state, so a 2 KB letter spent more time building the automaton than a 10 MB
/// corpus spends searching. Anchored searches reuse a handful of states per branch.
#[derive(Debug)]
struct Plan {
    prefixes: AhoCorasick,
    /// Per prefix literal: the branches (indices into `anchored`) it starts.
    starts: Vec<Vec<u32>>,
    anchored: Vec<Anchor>,
    compiler: Mutex<thompson::Compiler>,
    /// Patterns with a branch in `rest`: their spans need every branch.
    has_rest: HashSet<usize>,
    /// Whether some branch runs on the ASCII-lowercased text.
    any_lower: bool,
    /// Span finders for the alternatives of one pattern that matched in a paragraph.
    span_finders: Mutex<HashMap<SpanKey, Arc<Finder>>>,
    /// Branches without prefixes, and their global ids.
    rest: Option<(DFA, Vec<usize>)>,
}

/// A branch with prefixes: compiled (alone, anchored) the first time one of its prefixes turns
/// up, so a letter pays only for the branches its words could start.
#[derive(Debug)]
struct Anchor {
    /// The pattern's global id.
    id: usize,
    tree: Tree,
    /// The branch's caseless form, which the scan runs on the ASCII-lowercased text.
    caseless: Option<Tree>,
    dfa: OnceLock<Option<DFA>>,
}

#[derive(Debug)]
enum Tree {
    /// Still encoded, from the build-time table.
    Code(&'static [u8]),
    /// Parsed at load (a user pack's pattern).
    Parsed(Hir),
}

impl Anchor {
    /// `compiler` is shared: setting one up and dropping it cost more than compiling most
    /// branches.
    fn dfa(&self, compiler: &Mutex<thompson::Compiler>) -> Option<&DFA> {
        self.dfa
            .get_or_init(|| {
                let hir = self.caseless.as_ref().unwrap_or(&self.tree).hir()?;
                let nfa = compiler.lock().ok()?.build_from_hir(&hir).ok()?;
                DFA::builder()
                    .configure(DFA::config().unicode_word_boundary(true))
                    .build_from_nfa(nfa)
                    .ok()
            })
            .as_ref()
    }
}

/// A pattern's global id and the (sorted) branches a span finder holds.
type SpanKey = (usize, Vec<u32>);

/// Lazy-DFA caches for one thread's scan: one per anchored branch (made on first use), and one
/// for the unprefixed branches.
type Caches = (Vec<Option<Cache>>, Option<Cache>);

impl Plan {
    fn build(ids: &[usize], sources: &[LazyRegex]) -> Result<Plan, String> {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut literal_index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut starts: Vec<Vec<u32>> = Vec::new();
        let mut anchored = Vec::new();
        let (mut rest, mut rest_ids) = (Vec::new(), Vec::new());
        let mut has_rest = HashSet::new();
        let mut any_lower = false;
        for &id in ids {
            for (tree, caseless, prefixes) in trees_of(sources[id].as_str())? {
                let Some(prefixes) = prefixes else {
                    has_rest.insert(id);
                    rest.push(tree.hir().ok_or("a prebuilt pattern does not decode")?);
                    rest_ids.push(id);
                    continue;
                };
                let b = anchored.len() as u32;
                for lit in prefixes {
                    let next = literals.len();
                    let at = *literal_index.entry(lit.clone()).or_insert(next);
                    if at == next {
                        literals.push(lit);
                        starts.push(Vec::new());
                    }
                    starts[at].push(b);
                }
                any_lower |= caseless.is_some();
                anchored.push(Anchor {
                    id,
                    tree,
                    caseless,
                    dfa: OnceLock::new(),
                });
            }
        }
        let prefixes = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&literals)
            .map_err(|e| e.to_string())?;
        let rest = if rest.is_empty() {
            None
        } else {
            Some((build_dfa(&rest)?, rest_ids))
        };
        Ok(Plan {
            prefixes,
            starts,
            anchored,
            compiler: Mutex::new(nfa_compiler(false)),
            has_rest,
            any_lower,
            span_finders: Mutex::new(HashMap::new()),
            rest,
        })
    }

    /// A finder for pattern `id`'s matches in `paragraph`, made of only the alternatives that
    /// matched there (in their order, so leftmost-first picks the same match): a rule that
    /// fires compiles one or two small branches instead of its whole pattern. `None` when the
    /// whole pattern is needed.
    fn span_finder(
        &self,
        seen: &Seen,
        scope: u8,
        id: usize,
        paragraph: u32,
    ) -> Option<Arc<Finder>> {
        if self.has_rest.contains(&id) {
            return None;
        }
        // `branches` is sorted by paragraph (see `PatternIndex::scan`).
        let from = seen.branches.partition_point(|&(p, _, _)| p < paragraph);
        let to = seen.branches.partition_point(|&(p, _, _)| p <= paragraph);
        let mut picked: Vec<u32> = seen.branches[from..to]
            .iter()
            .filter(|&&(_, s, b)| s == scope && self.anchored[b as usize].id == id)
            .map(|&(_, _, b)| b)
            .collect();
        if picked.is_empty() {
            return None;
        }
        picked.sort_unstable();
        picked.dedup();
        let key = (id, picked);
        if let Some(f) = self.span_finders.lock().ok()?.get(&key) {
            return Some(f.clone());
        }
        let mut hirs = Vec::with_capacity(key.1.len());
        for &b in &key.1 {
            hirs.push(self.anchored[b as usize].tree.hir()?);
        }
        // Anchors of one pattern were pushed in branch order, so `picked` is in that order.
        // Spans come from the original trees, on the original text.
        let finder = Arc::new(Finder::from_hir(Hir::alternation(hirs))?);
        self.span_finders.lock().ok()?.insert(key, finder.clone());
        Some(finder)
    }

    /// Builds every branch's automaton now (validation of user packs).
    fn compile_all(&self) -> bool {
        self.anchored
            .iter()
            .all(|a| a.dfa(&self.compiler).is_some())
    }

    /// Records where the branches match in `run` of `text` (`lowered` is `text` ASCII-lowercased,
    /// for the caseless branches); `Err` when a DFA gives up (a Unicode word
    /// boundary on non-ASCII text) or cannot be built.
    fn scan(
        &self,
        caches: &mut Caches,
        (text, lowered): (&str, &str),
        run: Range<usize>,
        paragraphs: &[Paragraph],
        paragraph_of: &impl Fn(usize) -> usize,
        record: &mut impl FnMut(usize, usize, Option<u32>),
    ) -> Result<(), ()> {
        caches.0.resize_with(self.anchored.len(), || None);
        // The last paragraph each branch was found in: one confirmation per paragraph is enough.
        let mut found_in = vec![usize::MAX; self.anchored.len()];
        // The last start each branch was tried at: literals of one branch can share a start.
        let mut tried_at = vec![usize::MAX; self.anchored.len()];
        let haystack = &text[..run.end];
        let lowered = &lowered[..run.end];
        // The paragraph of the last hit, and where it ends: hits come nearly in text order.
        let mut current = (usize::MAX, 0..0);
        for hit in self.prefixes.find_overlapping_iter(&text[run.clone()]) {
            let start = run.start + hit.start();
            if !current.1.contains(&start) {
                let p = paragraph_of(start + 1);
                current = (p, paragraphs[p].range.clone());
            }
            let paragraph = current.0;
            for &b in &self.starts[hit.pattern().as_usize()] {
                let b = b as usize;
                if found_in[b] == paragraph || tried_at[b] == start {
                    continue;
                }
                tried_at[b] = start;
                let anchor = &self.anchored[b];
                let dfa = anchor.dfa(&self.compiler).ok_or(())?;
                let cache = caches.0[b].get_or_insert_with(|| dfa.create_cache());
                // The haystack keeps the text before `start` visible to `\b` and `^`.
                let lower = anchor.caseless.is_some();
                let input = Input::new(if lower { lowered } else { haystack })
                    .range(start..)
                    .anchored(Anchored::Yes)
                    .earliest(true);
                if let Some(m) = dfa.try_search_fwd(cache, &input).map_err(|_| ())? {
                    let paragraph = paragraph_of(m.offset());
                    found_in[b] = paragraph;
                    record(anchor.id, paragraph, Some(b as u32));
                }
            }
        }
        if let Some((dfa, ids)) = &self.rest {
            let cache = caches.1.get_or_insert_with(|| dfa.create_cache());
            let input = Input::new(text).span(run);
            let mut state = OverlappingState::start();
            loop {
                dfa.try_search_overlapping_fwd(cache, &input, &mut state)
                    .map_err(|_| ())?;
                let Some(m) = state.get_match() else {
                    break;
                };
                record(ids[m.pattern().as_usize()], paragraph_of(m.offset()), None);
            }
        }
        Ok(())
    }
}

impl Scope {
    fn plan(&self, sources: &[LazyRegex]) -> Option<&Plan> {
        self.plan
            .get_or_init(|| Plan::build(&self.ids, sources).ok())
            .as_ref()
    }

    /// Finds the patterns in this language's paragraphs (adjacent ones as one run), recording
    /// where each matched. Without a plan (a pattern it cannot hold), asks each regex.
    fn scan(&self, sources: &[LazyRegex], text: &str, paragraphs: &[Paragraph], seen: &mut Seen) {
        let runs = runs_of(paragraphs, self.lang);
        if runs.is_empty() || self.ids.is_empty() {
            return;
        }
        let bit = lang_bit(self.lang);
        let paragraph_of = |end: usize| {
            let last = end.saturating_sub(1);
            paragraphs
                .partition_point(|p| p.range.end <= last)
                .min(paragraphs.len() - 1)
        };
        let Some(plan) = self.plan(sources) else {
            return self.scan_slowly(sources, text, &runs, paragraph_of, seen);
        };
        let mut caches = pop(&self.caches).unwrap_or_default();
        // Same length and offsets as `text`: only ASCII letters change.
        let lowered = plan.any_lower.then(|| text.to_ascii_lowercase());
        let lowered = lowered.as_deref().unwrap_or(text);
        let scope = self.lang as u8;
        let mut record = |id: usize, paragraph: usize, branch: Option<u32>| {
            seen.record(id, bit, paragraph);
            if let Some(b) = branch {
                seen.branches.push((paragraph as u32, scope, b));
            }
        };
        let complete = runs.iter().all(|run| {
            plan.scan(
                &mut caches,
                (text, lowered),
                run.clone(),
                paragraphs,
                &paragraph_of,
                &mut record,
            )
            .is_ok()
        });
        push(&self.caches, caches);
        if !complete {
            for &id in &self.ids {
                seen.bits[id] &= !bit;
            }
            return self.scan_slowly(sources, text, &runs, paragraph_of, seen);
        }
        for list in &mut seen.paragraphs {
            if !list.is_sorted() {
                list.sort_unstable();
                list.dedup();
            }
        }
    }

    fn scan_slowly(
        &self,
        sources: &[LazyRegex],
        text: &str,
        runs: &[Range<usize>],
        paragraph_of: impl Fn(usize) -> usize,
        seen: &mut Seen,
    ) {
        let bit = lang_bit(self.lang);
        for &id in &self.ids {
            let re = sources[id].get();
            for run in runs {
                for m in matches_in(re, text, run.clone()) {
                    seen.record(id, bit, paragraph_of(m.end()));
                }
            }
        }
        for list in &mut seen.paragraphs {
            list.sort_unstable();
            list.dedup();
        }
    }
}

/// Byte ranges of the paragraphs of `lang`, adjacent ones merged. Empty paragraphs (an empty
/// file) hold no match (patterns never match the empty string), so they build no automaton.
fn runs_of(paragraphs: &[Paragraph], lang: Lang) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for p in paragraphs
        .iter()
        .filter(|p| p.lang == lang && !p.range.is_empty())
    {
        match runs.last_mut() {
            Some(last) if last.end == p.range.start => last.end = p.range.end,
            _ => runs.push(p.range.clone()),
        }
    }
    runs
}

/// The matches of `re` that start inside `range`, with the text before it visible to look-behind
/// assertions (`\b`, `^`). Patterns never match the empty string (checked at load).
pub(crate) fn matches_in<'t>(
    re: &'t Regex,
    text: &'t str,
    range: Range<usize>,
) -> impl Iterator<Item = regex::Match<'t>> + 't {
    let haystack = &text[..range.end];
    let mut at = range.start;
    std::iter::from_fn(move || {
        if at > haystack.len() {
            return None;
        }
        let m = re.find_at(haystack, at)?;
        at = if m.end() > m.start() {
            m.end()
        } else {
            // Step over one character so an empty match cannot repeat.
            m.end() + haystack[m.end()..].chars().next().map_or(1, char::len_utf8)
        };
        Some(m)
    })
}

/// The embedded packs' patterns, parsed by `build.rs`: entries of (varint length, pattern as
/// written, varint length, [`hircode::encode`]d tree).
static PREBUILT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/patterns.bin"));

fn prebuilt() -> &'static HashMap<&'static str, &'static [u8]> {
    static TABLE: OnceLock<HashMap<&'static str, &'static [u8]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = HashMap::new();
        let mut bytes = PREBUILT;
        while !bytes.is_empty() {
            let (Some(source), Some(code)) = (hircode::take(&mut bytes), hircode::take(&mut bytes))
            else {
                break;
            };
            if let Ok(source) = std::str::from_utf8(source) {
                table.insert(source, code);
            }
        }
        table
    })
}

/// A pattern's branch trees, left encoded when they come from the build-time table.
/// (the tree, its caseless form if any, its prefixes) per branch.
fn trees_of(source: &str) -> Result<Vec<(Tree, Option<Tree>, hircode::Prefixes)>, String> {
    if let Some(mut code) = prebuilt().get(source).copied()
        && let Some(branches) = hircode::split_branches(&mut code)
    {
        return Ok(branches
            .into_iter()
            .map(|b| (Tree::Code(b.tree), b.caseless.map(Tree::Code), b.prefixes))
            .collect());
    }
    let branches = hircode::branches(&hircode::parse(source)?);
    Ok(branches
        .into_iter()
        .map(|b| {
            (
                Tree::Parsed(b.hir),
                b.caseless.map(Tree::Parsed),
                b.prefixes,
            )
        })
        .collect())
}

impl Tree {
    fn hir(&self) -> Option<Hir> {
        match self {
            Tree::Code(code) => hircode::decode(&mut &code[..]),
            Tree::Parsed(hir) => Some(hir.clone()),
        }
    }
}

/// A pattern's whole tree (its branches joined again).
fn hir_of(source: &str) -> Result<Hir, String> {
    let branches = trees_of(source)?.into_iter().map(|(tree, _, _)| tree.hir());
    let hirs: Option<Vec<Hir>> = branches.collect();
    Ok(Hir::alternation(
        hirs.ok_or("a prebuilt pattern does not decode")?,
    ))
}

/// The NFA compiler for pack patterns: no capture groups (nothing reads them), forward or reverse.
fn nfa_compiler(reverse: bool) -> thompson::Compiler {
    let mut compiler = thompson::Compiler::new();
    compiler.configure(
        thompson::Config::new()
            .shrink(false)
            .reverse(reverse)
            .which_captures(WhichCaptures::None)
            .nfa_size_limit(Some(256 << 20)),
    );
    compiler
}

fn build_dfa(patterns: &[Hir]) -> Result<DFA, String> {
    let nfa = nfa_compiler(false)
        .build_many_from_hir(patterns)
        .map_err(|e| e.to_string())?;
    DFA::builder()
        .configure(
            DFA::config()
                .match_kind(MatchKind::All)
                .unicode_word_boundary(true)
                .cache_capacity(32 << 20),
        )
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

#[derive(Debug)]
pub(crate) struct PatternIndex {
    /// Every pattern, by global id; compiled alone only on the slow path and for validation.
    sources: Vec<LazyRegex>,
    rule_of: Vec<usize>,
    owned: Vec<Owned>,
    scopes: [Scope; 2],
}

impl PatternIndex {
    /// Collects the patterns; nothing is compiled until a letter needs it.
    pub(crate) fn build(rules: &[Rule]) -> Self {
        let mut sources: Vec<LazyRegex> = Vec::new();
        let mut rule_of: Vec<usize> = Vec::new();
        let mut owned = vec![Owned::default(); rules.len()];
        // Appends a rule's patterns; returns the ids they got.
        let mut add = |patterns: &mut dyn Iterator<Item = &str>, rule: usize| {
            let start = sources.len();
            for p in patterns {
                sources.push(LazyRegex::new(p));
                rule_of.push(rule);
            }
            start..sources.len()
        };
        for (i, rule) in rules.iter().enumerate() {
            match &rule.matcher {
                Matcher::Regex(p) => {
                    owned[i].regex = Some(add(&mut std::iter::once(p.regex.as_str()), i).start);
                }
                Matcher::Require(r) => {
                    owned[i].require = add(&mut r.any.iter().map(String::as_str), i);
                }
                Matcher::Phrases(_) | Matcher::Metric(_) => {}
            }
            owned[i].when = add(&mut rule.when.iter().map(LazyRegex::as_str), i);
        }
        let scope = |lang: Lang| Scope {
            lang,
            ids: (0..sources.len())
                .filter(|&id| rules[rule_of[id]].lang.applies_to(lang))
                .collect(),
            plan: OnceLock::new(),
            caches: Mutex::new(Vec::new()),
        };
        PatternIndex {
            scopes: [scope(Lang::Ja), scope(Lang::En)],
            sources,
            rule_of,
            owned,
        }
    }

    /// Compiles every pattern of the rules `select` accepts, alone, and rejects one that matches
    /// the empty string (it would match everywhere); with `scopes`, builds the DFAs too. Returns
    /// the rule index with the message.
    pub(crate) fn validate(
        &self,
        select: impl Fn(usize) -> bool,
        scopes: bool,
    ) -> Result<(), (usize, String)> {
        for (id, re) in self.sources.iter().enumerate() {
            let rule = self.rule_of[id];
            if !select(rule) {
                continue;
            }
            re.validate().map_err(|e| (rule, e))?;
            if re.get().is_match("") {
                return Err((
                    rule,
                    format!("pattern `{}` matches the empty string", re.as_str()),
                ));
            }
        }
        if scopes {
            for scope in &self.scopes {
                if !scope.plan(&self.sources).is_some_and(Plan::compile_all) {
                    let rule = scope.ids.first().map_or(0, |&id| self.rule_of[id]);
                    return Err((rule, "the patterns do not fit in one automaton".into()));
                }
            }
        }
        Ok(())
    }

    /// One pass over each language's paragraphs: which patterns match, and where.
    pub(crate) fn scan(&self, text: &str, paragraphs: &[Paragraph]) -> Seen {
        let mut seen = Seen {
            bits: vec![0u8; self.sources.len()],
            paragraphs: vec![Vec::new(); self.sources.len()],
            branches: Vec::new(),
        };
        for scope in &self.scopes {
            scope.scan(&self.sources, text, paragraphs, &mut seen);
        }
        // Looked up per paragraph when a rule's spans are found.
        seen.branches.sort_unstable();
        seen
    }

    /// The matches of rule `rule`'s `regex` pattern in paragraph `paragraph` (`range`), found
    /// with only the alternatives that matched there when the scan knows them.
    pub(crate) fn spans(
        &self,
        seen: &Seen,
        rule: usize,
        pattern: &LazyRegex,
        text: &str,
        paragraph: u32,
        range: Range<usize>,
    ) -> Vec<Range<usize>> {
        let id = self.owned[rule].regex;
        let finder = id.and_then(|id| {
            self.scopes.iter().find_map(|scope| {
                let plan = scope.plan.get()?.as_ref()?;
                plan.span_finder(seen, scope.lang as u8, id, paragraph)
            })
        });
        finder
            .and_then(|f| f.find_all(text, range.clone()))
            .unwrap_or_else(|| pattern.find_in(text, range))
    }

    /// The paragraphs (indices, in order) where rule `rule`'s `regex` pattern matched.
    pub(crate) fn fired<'s>(&self, seen: &'s Seen, rule: usize) -> &'s [u32] {
        match self.owned[rule].regex {
            Some(id) => &seen.paragraphs[id],
            None => &[],
        }
    }

    /// Whether one of rule `rule`'s `require` patterns matched in `lang`'s paragraphs (anywhere
    /// for `None`).
    pub(crate) fn required(&self, seen: &Seen, rule: usize, lang: Option<Lang>) -> bool {
        seen.in_lang(self.owned[rule].require.clone(), lang)
    }

    /// Whether rule `rule` has no `when`, or one of its `when` patterns matched in `lang`'s
    /// paragraphs.
    pub(crate) fn when(&self, seen: &Seen, rule: usize, lang: Option<Lang>) -> bool {
        let ids = self.owned[rule].when.clone();
        ids.is_empty() || seen.in_lang(ids, lang)
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

    fn embedded_rules() -> Vec<Rule> {
        let packs = crate::lint::pack::embedded_packs();
        packs
            .iter()
            .flat_map(|src| crate::lint::pack::parse_pack(src).unwrap().1)
            .collect()
    }

    #[test]
    fn every_embedded_scanning_pattern_is_prebuilt_and_decodes_to_its_parse() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        assert!(index.sources.len() > 100);
        let unless = rules.iter().flat_map(|r| &r.unless);
        for source in index.sources.iter().chain(unless) {
            let code = prebuilt()
                .get(source.as_str())
                .unwrap_or_else(|| panic!("build.rs did not prebuild `{}`", source.as_str()));
            let decoded = hircode::decode_branches(&mut &code[..]).expect("decodes");
            let parsed = hircode::parse(source.as_str()).unwrap();
            assert_eq!(decoded, hircode::branches(&parsed));
        }
    }

    #[test]
    fn dfa_spans_and_is_match_agree_with_the_regex_crate_on_every_pack_pattern() {
        let rules = embedded_rules();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letters");
        let mut texts = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            texts.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        // Bad examples hold a match for nearly every rule; good ones exercise `unless`.
        for rule in &rules {
            texts.extend(rule.examples.bad.iter().map(|b| b.text.clone()));
            texts.extend(rule.examples.good.iter().cloned());
        }
        let mut checked = 0;
        for rule in &rules {
            let patterns = match &rule.matcher {
                Matcher::Regex(p) => vec![&p.regex],
                _ => Vec::new(),
            };
            for re in patterns.into_iter().chain(&rule.unless) {
                let fresh = LazyRegex::new(re.as_str());
                for text in &texts {
                    let expected: Vec<_> = matches_in(fresh.get(), text, 0..text.len())
                        .map(|m| m.range())
                        .collect();
                    assert_eq!(re.find_in(text, 0..text.len()), expected, "{}", re.as_str());
                    assert_eq!(re.is_match(text), !expected.is_empty(), "{}", re.as_str());
                    checked += usize::from(!expected.is_empty());
                }
            }
        }
        assert!(checked > 500, "only {checked} matches compared");
    }

    #[test]
    fn the_prefix_plan_finds_what_each_regex_finds() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letters");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        // Every rule example, several to a text so paragraphs and languages mix.
        let examples: Vec<String> = rules
            .iter()
            .flat_map(|r| {
                let bad = r.examples.bad.iter().map(|b| b.text.clone());
                bad.chain(r.examples.good.iter().cloned())
            })
            .collect();
        texts.extend(examples.chunks(7).map(|c| c.join("\n\n")));
        let mut compared = 0;
        for text in &texts {
            let (paragraphs, _) = crate::text::paragraphs_and_lang(text);
            let fast = index.scan(text, &paragraphs);
            let mut slow = Seen {
                bits: vec![0; index.sources.len()],
                paragraphs: vec![Vec::new(); index.sources.len()],
                branches: Vec::new(),
            };
            for scope in &index.scopes {
                let runs = runs_of(&paragraphs, scope.lang);
                let paragraph_of = |end: usize| {
                    paragraphs
                        .partition_point(|p| p.range.end <= end.saturating_sub(1))
                        .min(paragraphs.len() - 1)
                };
                scope.scan_slowly(&index.sources, text, &runs, paragraph_of, &mut slow);
            }
            assert_eq!(fast.bits, slow.bits, "{text}");
            assert_eq!(fast.paragraphs, slow.paragraphs, "{text}");
            // Spans from only the alternatives that matched equal the whole regex's.
            for (i, rule) in rules.iter().enumerate() {
                let Matcher::Regex(p) = &rule.matcher else {
                    continue;
                };
                let fresh = LazyRegex::new(p.regex.as_str());
                for &para in index.fired(&fast, i) {
                    let range = paragraphs[para as usize].range.clone();
                    let expected: Vec<_> = matches_in(fresh.get(), text, range.clone())
                        .map(|m| m.range())
                        .collect();
                    let got = index.spans(&fast, i, &p.regex, text, para, range);
                    assert_eq!(got, expected, "{} in {text}", rule.id);
                }
            }
            compared += slow.bits.iter().filter(|&&b| b != 0).count();
        }
        assert!(compared > 300, "only {compared} pattern hits compared");
    }

    #[test]
    fn decoding_bad_bytes_fails_without_panicking() {
        let mut code = Vec::new();
        hircode::encode(
            &hircode::parse(r"(?i)\bhack(?:ed|ing){1,2}[^.\n]{0,9}x").unwrap(),
            &mut code,
        );
        for cut in 0..code.len() {
            assert_eq!(hircode::decode(&mut &code[..cut]), None, "cut at {cut}");
        }
        assert_eq!(hircode::decode(&mut &[0xFF, 1, 2][..]), None);
        // A surrogate (U+D800) is not a char.
        assert_eq!(hircode::decode(&mut &[2, 1, 0, 0x80, 0xB0, 0x03][..]), None);
    }

    #[test]
    fn parsed_patterns_drop_captures_and_the_case_fold_extras() {
        let hir = hircode::parse("(?i)(sk)").unwrap();
        assert_eq!(hir.properties().explicit_captures_len(), 0);
        let re = regex::Regex::new(&hir.to_string()).unwrap();
        assert!(re.is_match("SK") && re.is_match("sk"));
        assert!(
            !re.is_match("\u{17F}\u{212A}"),
            "long s and Kelvin sign are not ASCII letters"
        );
    }

    #[test]
    fn lazy_regex_compiles_once_on_use() {
        let lazy = LazyRegex::new(r"\bok\b");
        assert!(lazy.compiled.get().is_none());
        assert!(lazy.get().is_match("it is ok."));
        assert!(lazy.compiled.get().is_some());
        assert!(LazyRegex::new("(").validate().is_err());
    }
}
