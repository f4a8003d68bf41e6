//! Every pattern of every rule that decides *whether* something appears in a letter (the `regex`
//! rules' patterns, `require`'s `any`, `when`), found in one pass per language over that
//! language's paragraphs (see [`Plan`]): a prefix hit runs only the branches whose longer lead
//! the text starts with ([`Leads`]). Match positions reuse that pass: where it picked each
//! branch, checked by the same per-branch automata, for only the branches that matched in the
//! paragraph. `unless` patterns have a plan of their own, run on the sentence around a hit. A
//! branch runs on the DFA build.rs embedded for it, or, when that was too big, on a lazy DFA
//! over the NFA build.rs embedded (`nfacode.rs`), built only once the branch's needles (words
//! every match holds, `hircode::Needles`) turn up; a plan's first few such searches (a letter's
//! all) run on a simulation of that NFA instead (`nfasim.rs`), which costs far less than
//! building the lazy DFA. A
//! whole pattern is compiled (a lazy DFA from the tree `build.rs` parsed, `hircode.rs`) only
//! when it has a branch without prefix literals or a DFA gives up.
//!
//! Why: compiling the shipped packs' ~250 patterns as separate regexes (or as a `RegexSet`) took
//! about 170 ms, far more than linting a letter; one unanchored lazy DFA over all of them (the
//! previous design) still spent most of a cold run building DFA states.

use super::hircode::{self, ascii_classes};
use super::leads::Leads;
use super::nfacode;
use super::nfasim;
use super::rule::{Matcher, Rule};
use crate::text::{Lang, Paragraph};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use daachorse::DoubleArrayAhoCorasick;
use regex::Regex;
use regex_automata::dfa::{Automaton, sparse};
use regex_automata::hybrid::{
    self,
    dfa::{Cache, DFA, OverlappingState},
};
use regex_automata::nfa::thompson;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::Hir;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};
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
    /// Borrowed when it comes from the embedded packs.
    source: Cow<'static, str>,
    compiled: OnceLock<Regex>,
    /// Shared by clones, so a cloned rule keeps what was built. Boxed: each of the packs'
    /// thousands of patterns allocates this at start-up, and most never build a finder.
    finder: Arc<OnceLock<Option<Box<Finder>>>>,
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
        let hir = hir_of(source).ok()?;
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
    pub(crate) fn new(source: impl Into<Cow<'static, str>>) -> Self {
        LazyRegex {
            source: source.into(),
            compiled: OnceLock::new(),
            finder: Arc::new(OnceLock::new()),
        }
    }

    fn finder(&self) -> Option<&Finder> {
        self.finder
            .get_or_init(|| Finder::build(&self.source).map(Box::new))
            .as_deref()
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
    /// Ids in [`PatternIndex::unless`].
    unless: Range<usize>,
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
    /// The text lowercased and folded (once a scope has been scanned).
    lowered: Option<Lowered>,
    /// Per scope, per branch, where it could start by its prefixes and leads (sorted): spans
    /// start from them.
    prefix_hits: [Vec<Vec<u32>>; 2],
}

/// A text's [`Texts`] other than itself, made once per letter.
#[derive(Debug, Clone)]
struct Lowered {
    lowered: String,
    folded: Vec<u8>,
}

impl Lowered {
    fn of(text: &str) -> Lowered {
        let folded = text.bytes().map(hircode::fold_byte).collect();
        Lowered {
            lowered: text.to_ascii_lowercase(),
            folded,
        }
    }

    fn texts<'a>(&'a self, text: &'a str) -> Texts<'a> {
        Texts {
            text,
            lowered: &self.lowered,
            folded: &self.folded,
        }
    }
}

/// A haystack three ways, with the same length and offsets: as written; ASCII-lowercased, which
/// the caseless branches run on; and that with ASCII spaces made `' '`, where prefixes and
/// needles are looked for ([`hircode::fold_byte`]).
#[derive(Debug, Clone, Copy)]
struct Texts<'a> {
    text: &'a str,
    lowered: &'a str,
    folded: &'a [u8],
}

impl<'a> Texts<'a> {
    fn slice(self, range: Range<usize>) -> Texts<'a> {
        Texts {
            text: &self.text[range.clone()],
            lowered: &self.lowered[range.clone()],
            folded: &self.folded[range],
        }
    }
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
    plan: Lazy,
    /// Ids (in [`PatternIndex::unless`]) of the `unless` patterns of the scope's rules, and the
    /// plan that looks for them in the sentences around hits.
    unless_ids: Vec<usize>,
    unless: Lazy,
}

/// A plan built on first use, with the lazy-DFA caches of the threads using it.
#[derive(Debug, Default)]
struct Lazy {
    plan: OnceLock<Option<Plan>>,
    caches: Mutex<Vec<Caches>>,
}

impl Lazy {
    fn get(&self, ids: &[usize], sources: &[LazyRegex]) -> Option<&Plan> {
        self.plan
            .get_or_init(|| Plan::build(ids, sources).ok())
            .as_ref()
    }

    /// Runs `f` with the plan (if it is built) and a thread's caches, for one haystack.
    fn with<T>(&self, f: impl FnOnce(&Plan, &mut Caches) -> T) -> Option<T> {
        let plan = self.plan.get()?.as_ref()?;
        let mut caches = pop(&self.caches).unwrap_or_default();
        let out = f(plan, caches.for_haystack());
        push(&self.caches, caches);
        Some(out)
    }
}

/// The Aho-Corasick automaton of a plan's prefix literals (lowercase, run over the folded
/// text: the same hits as an ASCII-case-insensitive automaton, which took 70% longer to build).
/// For the shipped packs, build.rs built one per language over every literal they hold; a plan
/// whose literals are all among those uses it, its values mapped to the plan's literals, and
/// builds nothing. Building took a quarter of linting a letter.
enum Prefixes {
    Built(AhoCorasick),
    Embedded {
        automaton: &'static DoubleArrayAhoCorasick<u32>,
        /// Per embedded literal, the plan's index of it, or `u32::MAX`.
        map: Vec<u32>,
    },
}

impl std::fmt::Debug for Prefixes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Prefixes::Built(ac) => f.debug_tuple("Built").field(ac).finish(),
            Prefixes::Embedded { map, .. } => f.debug_struct("Embedded").field("map", map).finish(),
        }
    }
}

/// Per language: build.rs's literals (as [`hircode::put_literals`] wrote them) and automaton.
static EMBEDDED_PREFIXES: [(&[u8], &[u8]); 2] = [
    (
        include_bytes!(concat!(env!("OUT_DIR"), "/prefixes-ja.bin")),
        include_bytes!(concat!(env!("OUT_DIR"), "/prefixes-ja.ac")),
    ),
    (
        include_bytes!(concat!(env!("OUT_DIR"), "/prefixes-en.bin")),
        include_bytes!(concat!(env!("OUT_DIR"), "/prefixes-en.ac")),
    ),
];

/// Each language's embedded literals and automaton, read when first needed.
type EmbeddedPrefixes = Option<(Vec<&'static [u8]>, DoubleArrayAhoCorasick<u32>)>;

static LOADED_PREFIXES: [OnceLock<EmbeddedPrefixes>; 2] = [OnceLock::new(), OnceLock::new()];

/// Language `i`'s embedded literals and automaton, loaded on first use.
fn loaded_prefixes(i: usize) -> &'static EmbeddedPrefixes {
    let (list, bytes) = EMBEDDED_PREFIXES[i];
    LOADED_PREFIXES[i].get_or_init(|| {
        let mut embedded = Vec::new();
        let count = hircode::each_lead(list, |l| embedded.push(l));
        // SAFETY: `bytes` is an automaton that build.rs serialised with this same daachorse
        // (one version in Cargo.lock), and `cargo test` reads both languages' with the checked
        // `deserialize` (`both_embedded_prefix_automata_pass_the_checked_reader`). Checking
        // them here, state by state, was 5% of linting a letter.
        let (automaton, _) = unsafe { DoubleArrayAhoCorasick::deserialize_unchecked(bytes) };
        (count > 0).then_some((embedded, automaton))
    })
}

impl Prefixes {
    fn of(literals: &[Cow<'static, [u8]>]) -> Result<Prefixes, String> {
        for i in 0..EMBEDDED_PREFIXES.len() {
            let Some((embedded, automaton)) = loaded_prefixes(i) else {
                continue;
            };
            let mut map = vec![u32::MAX; embedded.len()];
            let all = literals.iter().enumerate().all(|(n, lit)| {
                let found = embedded.binary_search(&&lit[..]);
                found.map(|at| map[at] = n as u32).is_ok()
            });
            if all {
                return Ok(Prefixes::Embedded { automaton, map });
            }
        }
        let built = AhoCorasick::builder()
            .ascii_case_insensitive(false)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(literals)
            .map_err(|e| e.to_string())?;
        Ok(Prefixes::Built(built))
    }

    /// Every occurrence of every literal in `haystack`, overlapping: (start, literal).
    fn hits<'a>(&'a self, haystack: &'a [u8]) -> impl Iterator<Item = (usize, u32)> + 'a {
        let (built, embedded) = match self {
            Prefixes::Built(ac) => (Some(ac.find_overlapping_iter(haystack)), None),
            Prefixes::Embedded { automaton, map } => {
                (None, Some((automaton.find_overlapping_iter(haystack), map)))
            }
        };
        let built = built.into_iter().flatten();
        let built = built.map(|h| (h.start(), h.pattern().as_u32()));
        let embedded = embedded.into_iter().flat_map(|(hits, map)| {
            hits.filter_map(|m| {
                let literal = map[m.value() as usize];
                (literal != u32::MAX).then_some((m.start(), literal))
            })
        });
        built.chain(embedded)
    }
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
    prefixes: Prefixes,
    /// Per prefix literal: the branches (indices into `anchored`) it starts.
    starts: Starts,
    /// Per prefix literal, its branches sorted by their leads; made when it is first hit.
    leads: Vec<OnceLock<Leads>>,
    literals: Vec<Cow<'static, [u8]>>,
    anchored: Vec<Anchor>,
    compiler: Mutex<thompson::Compiler>,
    /// Patterns with a branch in `rest`: their spans need every branch.
    has_rest: HashSet<usize, FxBuild>,
    /// Branches without prefixes, and their global ids.
    rest_branches: Vec<(usize, Tree)>,
    /// Their NFAs from build.rs, to simulate on an `unless` sentence ([`Plan::rest_match`]).
    rest_sims: Vec<Sim>,
    /// How many sentences [`Plan::rest_match`] simulated: past [`SIM_RUNS`], the patterns'
    /// lazy DFAs (built once, then faster) take over, as in a large text.
    rest_sim_runs: AtomicU32,
    /// Their automaton, made when a scan first needs it: a plan of `unless` patterns never
    /// does. `None` when it cannot be built.
    rest: OnceLock<Option<Rest>>,
    /// For a plan build.rs derived, each literal's [`Leads`] as it encoded them: per literal a
    /// little-endian `u32`, where its encoding starts after these; empty for another plan.
    leads_code: &'static [u8],
}

/// The lazy DFA of a plan's branches without prefixes (one pattern each), and the global id of
/// each.
#[derive(Debug)]
struct Rest {
    dfa: DFA,
    ids: Vec<usize>,
}

impl Rest {
    fn build(branches: &[(usize, Tree)]) -> Option<Rest> {
        let hirs: Option<Vec<Hir>> = branches.iter().map(|(_, tree)| tree.hir()).collect();
        Some(Rest {
            dfa: build_dfa(&hirs?).ok()?,
            ids: branches.iter().map(|&(id, _)| id).collect(),
        })
    }
}

/// Per prefix literal, the branches it starts, in one list: a list per literal was an
/// allocation for each of a plan's thousands of literals at start-up.
#[derive(Debug)]
struct Starts {
    /// Where each literal's branches end in `branches`.
    ends: Vec<u32>,
    branches: Vec<u32>,
}

impl Starts {
    /// From (literal, branch) pairs: each literal's branches keep their order in `pairs`.
    fn of(literals: usize, pairs: &[(u32, u32)]) -> Starts {
        let mut ends = vec![0u32; literals];
        for &(lit, _) in pairs {
            ends[lit as usize] += 1;
        }
        let mut sum = 0;
        for end in &mut ends {
            sum += *end;
            *end = sum;
        }
        // Filled from the back, each literal's slot from its end.
        let mut branches = vec![0u32; pairs.len()];
        let mut next = ends.clone();
        for &(lit, b) in pairs.iter().rev() {
            let at = &mut next[lit as usize];
            *at -= 1;
            branches[*at as usize] = b;
        }
        Starts { ends, branches }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

impl std::ops::Index<usize> for Starts {
    type Output = [u32];

    fn index(&self, literal: usize) -> &[u32] {
        let start = literal.checked_sub(1).map_or(0, |l| self.ends[l]);
        &self.branches[start as usize..self.ends[literal] as usize]
    }
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
    /// Where its matches start beside its prefix hits.
    start: hircode::Start,
    /// Its leads, encoded ([`hircode::read_leads`]), read into [`Plan::leads`] when one of
    /// its prefixes is first hit.
    leads: Cow<'static, [u8]>,
    /// What every match holds, checked before compiling the branch (see [`hircode::Needles`]):
    /// decoded from the build-time table when first needed.
    needles: Needled,
    /// Its DFA serialised by build.rs (for the caseless form when there is one), if small.
    embedded: Option<&'static [u8]>,
    /// Its NFA encoded by build.rs ([`nfacode`]; empty when not), rebuilt instead of compiled
    /// when the branch gets its lazy DFA (too big to embed, or hot).
    nfa: &'static [u8],
    /// Boxed, like `sparse`: most branches never build theirs, and a DFA in place (its byte
    /// classes alone are 256 bytes) made each plan's branch list megabytes that a letter's
    /// start-up allocated and touched.
    dfa: OnceLock<Option<Box<DFA>>>,
    /// A branch without an embedded DFA runs on this while its needles are still checked
    /// ([`NEEDLE_CHECKS`]): a letter checks such a branch a few times, each over a few dozen
    /// bytes, and its lazy DFA made nearly every byte a new state, at about 5,000 instructions
    /// each. `None` when it has no NFA from build.rs (a user pack's branch), or one with a
    /// Unicode word boundary, where the lazy DFA gives up (the slower path decides, as before).
    sim: OnceLock<Option<Box<nfasim::Nfa<'static>>>>,
    sparse: OnceLock<Option<Box<sparse::DFA<&'static [u8]>>>>,
    /// How many checks the embedded DFA ran.
    uses: AtomicU32,
}

/// The longest sentence whose `unless` branches without prefixes are simulated
/// ([`Plan::rest_match`]) rather than searched by the pattern's lazy DFA, which is faster once
/// built.
const SIM_TEXT: usize = 4 << 10;

/// After this many checks with its embedded DFA, a branch is compiled to a lazy DFA. A check
/// on the sparse DFA cost about 110 instructions, most of them walking transitions: at 64
/// instead of 256 a folder of 1,000 letters ran 3.5% fewer instructions, and a letter (whose
/// branches rarely reach 64 checks) as many; at 32 a letter cost 3% more.
const HOT_BRANCH: u32 = 64;

/// A branch without an embedded DFA gets its lazy DFA after this many checks, even when its
/// needles said no each time: a search for them costs far less than building the automaton
/// once, but many of them do not. Until then, a check its needles let through runs on the
/// simulated NFA ([`Anchor::sim`]): tens of thousands of instructions, where rebuilding the NFA
/// and starting its lazy DFA cost about a million. This was also capped for the whole plan (32
/// simulations), which an English letter used up halfway, building some twenty DFAs after it
/// (a third of linting it: 40M instructions, 27M without the cap; a folder of letters 2% more).
const NEEDLE_CHECKS: u32 = 32;

/// A plan's sentences simulated by [`Plan::rest_match`] before the patterns' lazy DFAs take
/// over.
const SIM_RUNS: u32 = 32;

#[derive(Debug)]
enum Tree {
    /// Still encoded, from the build-time table.
    Code(&'static [u8]),
    /// Parsed at load (a user pack's pattern). Boxed: a plan holds thousands of trees, nearly
    /// all of them `Code`.
    Parsed(Box<Hir>),
}

impl Anchor {
    /// The embedded DFA, read in place.
    fn sparse(&self) -> Option<&sparse::DFA<&'static [u8]>> {
        let bytes = self.embedded?;
        self.sparse
            .get_or_init(|| {
                // SAFETY: `bytes` is a DFA that build.rs serialised with this same
                // regex-automata (one version in Cargo.lock) for this target's byte order, and
                // `cargo test` deserialises every one of them with the checked `from_bytes`
                // (`every_embedded_scanning_pattern_is_prebuilt_and_decodes_to_its_parse`).
                // Checking them here instead cost 14% of linting a letter.
                unsafe { sparse::DFA::from_bytes_unchecked(bytes) }
                    .ok()
                    .map(|(dfa, _)| Box::new(dfa))
            })
            .as_deref()
    }

    /// `compiler` is shared: setting one up and dropping it cost more than compiling most
    /// branches.
    fn dfa(&self, compiler: &Mutex<thompson::Compiler>) -> Option<&DFA> {
        self.dfa
            .get_or_init(|| {
                let nfa = match nfacode::decode(self.nfa) {
                    Some(nfa) => nfa,
                    None => {
                        let hir = self.caseless.as_ref().unwrap_or(&self.tree).hir()?;
                        compiler.lock().ok()?.build_from_hir(&hir).ok()?
                    }
                };
                DFA::builder()
                    .configure(DFA::config().unicode_word_boundary(true))
                    .build_from_nfa(nfa)
                    .ok()
                    .map(Box::new)
            })
            .as_deref()
    }

    /// The branch's NFA, to simulate (see [`Anchor::sim`]).
    fn sim(&self) -> Option<&nfasim::Nfa<'static>> {
        simulation(&self.sim, self.nfa)
    }
}

/// A branch's NFA encoded by build.rs, and its simulation, read from it on first use.
type Sim = (&'static [u8], OnceLock<Option<Box<nfasim::Nfa<'static>>>>);

/// The simulation of the NFA `code` encodes, read into `cell` on first use; `None` without an
/// NFA or with a Unicode word boundary (the lazy DFA gives up on those, and the slower path
/// decides, as before).
fn simulation<'a>(
    cell: &'a OnceLock<Option<Box<nfasim::Nfa<'static>>>>,
    code: &'static [u8],
) -> Option<&'a nfasim::Nfa<'static>> {
    cell.get_or_init(|| {
        let nfa = nfasim::Nfa::decode(code)?;
        (!nfa.has_unicode_word()).then(|| Box::new(nfa))
    })
    .as_deref()
}

/// One thread's working memory for a plan: a lazy-DFA cache per anchored branch (made on first
/// use) and one for the unprefixed branches, and per branch what its last needle search found.
#[derive(Debug, Default)]
struct Caches {
    anchored: Vec<Option<Box<Cache>>>,
    /// The working memory of NFA simulations, shared by the branches.
    sim: nfasim::Scratch,
    rest: Option<Cache>,
    /// Valid for one haystack: cleared by [`Caches::for_haystack`].
    needles: Vec<Option<NeedleSearch>>,
    /// Per branch, the last paragraph the scan found it in (one confirmation per paragraph is
    /// enough) and the last start it was tried at (literals of one branch can share a start),
    /// for one haystack: kept across its runs of paragraphs, each of which filling them anew
    /// cost more than scanning it in a mixed corpus.
    found_in: Vec<usize>,
    tried_at: Vec<usize>,
}

/// A needle search from `from` up to `to` (excluded): the first needle found starts at `found`.
#[derive(Debug, Clone, Copy)]
struct NeedleSearch {
    from: usize,
    to: usize,
    found: Option<usize>,
}

impl Caches {
    /// Forgets what holds positions or paragraphs of the previous haystack.
    fn for_haystack(&mut self) -> &mut Self {
        self.needles.clear();
        self.found_in.clear();
        self.tried_at.clear();
        self
    }
}

/// How far ahead of a start the needles of a branch with no bound on its length are looked
/// for; when the haystack goes on further and none is found, the branch is compiled after all.
/// A letter is shorter, so its answer is exact.
const NEEDLE_WINDOW: usize = 16 << 10;

/// From how many bytes of a language's paragraphs the scan is split over threads: a letter is
/// far shorter, and a folder of letters already runs a letter per thread.
const PARALLEL_SCAN: usize = 256 << 10;

/// What `Plan::build` derives for each language's scan and `unless` patterns of the shipped
/// packs, derived by build.rs (its `plan`), read by [`Plan::embedded`].
static EMBEDDED_PLANS: [&[u8]; 4] = [
    include_bytes!(concat!(env!("OUT_DIR"), "/plan-ja-scan.bin")),
    include_bytes!(concat!(env!("OUT_DIR"), "/plan-ja-unless.bin")),
    include_bytes!(concat!(env!("OUT_DIR"), "/plan-en-scan.bin")),
    include_bytes!(concat!(env!("OUT_DIR"), "/plan-en-unless.bin")),
];

impl Plan {
    fn build(ids: &[usize], sources: &[LazyRegex]) -> Result<Plan, String> {
        // Building the shipped packs' two plans for a letter was a quarter of linting it.
        if let Some(plan) = EMBEDDED_PLANS
            .iter()
            .find_map(|bytes| Plan::embedded(bytes, ids, sources))
        {
            return Ok(plan);
        }
        Plan::derive(ids, sources)
    }

    /// The plan of patterns `ids` of `sources`, derived from their branches.
    fn derive(ids: &[usize], sources: &[LazyRegex]) -> Result<Plan, String> {
        let mut literals: Vec<Cow<'static, [u8]>> = Vec::new();
        // Keyed by the literal's position in `literals`, compared by its bytes: no copy.
        let mut literal_index: HashMap<Cow<'static, [u8]>, usize, FxBuild> =
            HashMap::with_capacity_and_hasher(ids.len() * 4, FxBuild::default());
        // (literal, branch), in the order of the branches.
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(ids.len() * 8);
        let mut anchored = Vec::with_capacity(ids.len() * 2);
        let mut rest_branches = Vec::new();
        let mut rest_sims = Vec::new();
        let mut has_rest = HashSet::default();
        for &id in ids {
            for (tree, caseless, (prefixes, start, leads, needles), (embedded, nfa)) in
                trees_of(sources[id].as_str())?
            {
                let Some(prefixes) = prefixes else {
                    has_rest.insert(id);
                    rest_branches.push((id, tree));
                    rest_sims.push((nfa, OnceLock::new()));
                    continue;
                };
                let b = anchored.len() as u32;
                prefixes.each(|lit| {
                    let at = match literal_index.get(&lit) {
                        Some(&at) => at,
                        None => {
                            let at = literals.len();
                            literal_index.insert(lit.clone(), at);
                            literals.push(lit);
                            at
                        }
                    };
                    pairs.push((at as u32, b));
                });
                anchored.push(Anchor {
                    id,
                    tree,
                    caseless,
                    start,
                    leads,
                    needles,
                    embedded,
                    nfa,
                    dfa: OnceLock::new(),
                    sim: OnceLock::new(),
                    sparse: OnceLock::new(),
                    uses: AtomicU32::new(0),
                });
            }
        }
        let starts = Starts::of(literals.len(), &pairs);
        let prefixes = Prefixes::of(&literals)?;
        Ok(Plan {
            prefixes,
            leads: (0..starts.len()).map(|_| OnceLock::new()).collect(),
            literals,
            starts,
            anchored,
            compiler: Mutex::new(nfa_compiler(false)),
            has_rest,
            rest_branches,
            rest_sims,
            rest_sim_runs: AtomicU32::new(0),
            rest: OnceLock::new(),
            leads_code: &[],
        })
    }

    /// The automaton of the branches without prefixes, if there are any; `Err` when it
    /// cannot be built.
    fn rest(&self) -> Result<Option<&Rest>, ()> {
        if self.rest_branches.is_empty() {
            return Ok(None);
        }
        let rest = self.rest.get_or_init(|| Rest::build(&self.rest_branches));
        rest.as_ref().map(Some).ok_or(())
    }

    /// The plan build.rs derived in `bytes` (see its `plan`), when it was derived from these
    /// patterns in this order: the pattern list of a user pack, or one a config changed,
    /// builds its own.
    fn embedded(mut bytes: &'static [u8], ids: &[usize], sources: &[LazyRegex]) -> Option<Plan> {
        let bytes = &mut bytes;
        // Numbers are little-endian `u32`s: varints took twice as long to read.
        let word = |bytes: &mut &'static [u8]| {
            let (head, rest) = bytes.split_first_chunk::<4>()?;
            *bytes = rest;
            Some(u32::from_le_bytes(*head))
        };
        let get = |bytes: &mut &'static [u8]| word(bytes).map(|n| n as usize);
        if get(bytes)? != ids.len() {
            return None;
        }
        for &id in ids {
            if hircode::take(bytes)? != sources[id].as_str().as_bytes() {
                return None;
            }
        }
        let lang = get(bytes)?;
        if lang >= EMBEDDED_PREFIXES.len() {
            return None;
        }
        let Some((embedded, automaton)) = loaded_prefixes(lang) else {
            return None;
        };
        let mut map = vec![u32::MAX; embedded.len()];
        let mut n = 0;
        let literals = read_n(get(bytes)?, || {
            let at = get(bytes)?;
            *map.get_mut(at)? = n;
            n += 1;
            Some(Cow::Borrowed(embedded[at]))
        })?;
        let pairs = read_n(get(bytes)?, || Some((word(bytes)?, word(bytes)?)))?;
        // A part of a branch in `PREBUILT`, by its place and length.
        let part = |bytes: &mut &'static [u8]| {
            let from = get(bytes)?;
            PREBUILT.get(from..from + get(bytes)?)
        };
        let anchored = read_n(get(bytes)?, || {
            let id = *ids.get(get(bytes)?)?;
            let tree = Tree::Code(part(bytes)?);
            let caseless = match get(bytes)? {
                0 => None,
                _ => Some(Tree::Code(part(bytes)?)),
            };
            let start = hircode::Start::of_code(u32::try_from(get(bytes)?).ok()?)?;
            let (leads, needles, dfa) = (part(bytes)?, part(bytes)?, part(bytes)?);
            Some(Anchor {
                id,
                tree,
                caseless,
                start,
                leads: Cow::Borrowed(leads),
                needles: (needles, OnceLock::new()),
                embedded: (!dfa.is_empty()).then_some(dfa),
                nfa: part(bytes)?,
                dfa: OnceLock::new(),
                sim: OnceLock::new(),
                sparse: OnceLock::new(),
                uses: AtomicU32::new(0),
            })
        })?;
        let rest = read_n(get(bytes)?, || {
            let id = *ids.get(get(bytes)?)?;
            Some((
                (id, Tree::Code(part(bytes)?)),
                (part(bytes)?, OnceLock::new()),
            ))
        })?;
        let (rest_branches, rest_sims): (Vec<_>, Vec<_>) = rest.into_iter().unzip();
        // Left as it is: a literal's leads are read when it is first hit.
        if bytes.len() < literals.len() * 4 {
            return None;
        }
        let leads_code = *bytes;
        let fits = |&(lit, b): &(u32, u32)| {
            (lit as usize) < literals.len() && (b as usize) < anchored.len()
        };
        if !pairs.iter().all(fits) {
            return None;
        }
        let starts = Starts::of(literals.len(), &pairs);
        Some(Plan {
            prefixes: Prefixes::Embedded { automaton, map },
            leads: (0..starts.len()).map(|_| OnceLock::new()).collect(),
            literals,
            starts,
            anchored,
            compiler: Mutex::new(nfa_compiler(false)),
            has_rest: rest_branches.iter().map(|&(id, _)| id).collect(),
            rest_branches,
            rest_sims,
            rest_sim_runs: AtomicU32::new(0),
            rest: OnceLock::new(),
            leads_code,
        })
    }

    /// The branches of pattern `id` the scan confirmed in `paragraph` (sorted), or `None` when
    /// they do not tell (a branch without prefixes, or the scan fell back to the regexes).
    fn confirmed(&self, seen: &Seen, scope: u8, id: usize, paragraph: u32) -> Option<Vec<u32>> {
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
        picked.sort_unstable();
        picked.dedup();
        (!picked.is_empty()).then_some(picked)
    }

    /// Whether a branch without prefixes of pattern `id` matches in `text` (an `unless`
    /// sentence, on its own), by simulating its NFA; `None` when one has no NFA from build.rs
    /// or a Unicode word boundary. Building the whole pattern's lazy DFA for one sentence cost
    /// a tenth of linting a letter.
    fn rest_match(&self, caches: &mut Caches, text: &str, id: usize) -> Option<bool> {
        if text.len() > SIM_TEXT || self.rest_sim_runs.fetch_add(1, Ordering::Relaxed) >= SIM_RUNS {
            return None;
        }
        let branches = self.rest_branches.iter().zip(&self.rest_sims);
        for (_, (code, sim)) in branches.filter(|((b, _), _)| *b == id) {
            if simulation(sim, code)?.is_match(&mut caches.sim, text.as_bytes()) {
                return Some(true);
            }
        }
        Some(false)
    }

    /// The leads of literal `literal` that build.rs derived, if it did.
    fn embedded_leads(&self, literal: usize) -> Option<Leads> {
        let index = self.leads_code.get(literal * 4..literal * 4 + 4)?;
        let at = u32::from_le_bytes(index.try_into().ok()?) as usize;
        let code = self.leads_code.get(self.literals.len() * 4..)?;
        Leads::decode(code.get(at..)?)
    }

    /// Pushes the branches to run at a hit of prefix literal `literal` at `start` of `folded`.
    fn branches_at(&self, literal: usize, folded: &[u8], start: usize, out: &mut Vec<u32>) {
        let leads = self.leads[literal].get_or_init(|| {
            self.embedded_leads(literal).unwrap_or_else(|| {
                let text = &self.literals[literal];
                Leads::of(text, &self.starts[literal], |b| {
                    &self.anchored[b as usize].leads
                })
            })
        });
        leads.pick(&folded[start..], self.literals[literal].len(), out);
    }

    /// Where one of the branches `keep` accepts could start inside `range`: (start, branch),
    /// sorted, so that branches of one pattern at one start come in the pattern's order.
    fn candidates(
        &self,
        texts: Texts,
        hits: impl Iterator<Item = (usize, u32)>,
        keep: impl Fn(u32) -> bool,
    ) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        let mut picked = Vec::new();
        for (at, literal) in hits {
            // Most hits start none of the branches asked about: skip them before the leads.
            if !self.starts[literal as usize].iter().any(|&b| keep(b)) {
                continue;
            }
            picked.clear();
            self.branches_at(literal as usize, texts.folded, at, &mut picked);
            let kept = picked.iter().filter(|&&b| keep(b));
            out.extend(kept.map(|&b| (self.start_of(b, texts.text, 0, at), b)));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Where branch `b` starts for a hit of its prefix at `at` of `text`, in a haystack that
    /// begins at `from`: there, or for a shifted branch one character before, unless that is
    /// before the haystack (a match at the start of the text starts at the hit).
    fn start_of(&self, b: u32, text: &str, from: usize, at: usize) -> usize {
        if !self.anchored[b as usize].start.shifted || at <= from {
            return at;
        }
        let mut start = at - 1;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        start
    }

    /// Where branch `b`, anchored at `start`, ends its match in `texts` cut at `end` (the
    /// earliest end, or the leftmost-first one); `Err` when its DFA gives up or cannot be built.
    fn run_anchored(
        &self,
        caches: &mut Caches,
        texts: Texts,
        end: usize,
        (start, b): (usize, u32),
        earliest: bool,
    ) -> Result<Option<usize>, ()> {
        let anchor = &self.anchored[b as usize];
        if !anchor.start.allows(texts.text.as_bytes(), start) {
            return Ok(None);
        }
        // The haystack keeps the text before `start` visible to `\b` and `^`.
        let haystack = if anchor.caseless.is_some() {
            texts.lowered
        } else {
            texts.text
        };
        let input = Input::new(&haystack[..end])
            .range(start..)
            .anchored(Anchored::Yes)
            .earliest(earliest);
        // The embedded DFA saves compiling, but a sparse DFA walks each state's transitions
        // where a lazy one indexes a table: a branch that keeps being checked (a folder of
        // letters) is compiled after all. Until then, a branch too big to embed is compiled
        // only when its needles say it could match here.
        let uses = match anchor.dfa.get() {
            None => anchor.uses.fetch_add(1, Ordering::Relaxed),
            Some(_) => u32::MAX,
        };
        if uses < HOT_BRANCH
            && let Some(dfa) = anchor.sparse()
        {
            let found = Automaton::try_search_fwd(dfa, &input).map_err(|_| ())?;
            return Ok(found.map(|m| m.offset()));
        }
        if uses < NEEDLE_CHECKS {
            if !self.could_match(caches, b, texts.folded, start..end) {
                return Ok(None);
            }
            if let Some(nfa) = anchor.sim() {
                let haystack = &haystack.as_bytes()[..end];
                return Ok(nfa.find(&mut caches.sim, haystack, start, earliest));
            }
        }
        let dfa = anchor.dfa(&self.compiler).ok_or(())?;
        if caches.anchored.len() < self.anchored.len() {
            caches.anchored.resize_with(self.anchored.len(), || None);
        }
        let cache = caches.anchored[b as usize].get_or_insert_with(|| Box::new(dfa.create_cache()));
        let found = dfa.try_search_fwd(cache, &input).map_err(|_| ())?;
        Ok(found.map(|m| m.offset()))
    }

    /// Whether branch `b` could match from `range.start` (inside `range` of the folded text),
    /// judging by its needles. Asked only of a branch's first [`NEEDLE_CHECKS`] checks: a branch
    /// checked more often is built anyway, and its lazy DFA rejects faster than the needles are
    /// searched. Hits come nearly in text order, so one search usually answers many of them:
    /// where it found the next needle, or that there is none.
    fn could_match(&self, caches: &mut Caches, b: u32, folded: &[u8], range: Range<usize>) -> bool {
        let (code, needles) = &self.anchored[b as usize].needles;
        let needles = needles.get_or_init(|| {
            hircode::decode_needles(code)
                .flatten()
                .map(|n| NeedleFinders::new(n, memchr::memmem::Finder::new))
        });
        let Some(needles) = needles else {
            return true;
        };
        let start = range.start;
        let reach = needles.max_len.map_or(NEEDLE_WINDOW, |n| n as usize);
        let to = range.end.min(start.saturating_add(reach));
        if caches.needles.len() < self.anchored.len() {
            caches.needles.resize(self.anchored.len(), None);
        }
        // Where the first needle of `set` at or after `start` is, if before `to`.
        let first = |set: &[memchr::memmem::Finder]| {
            let window = &folded[start..to];
            let found = set.iter().filter_map(|n| n.find(window));
            found.min().map(|at| start + at)
        };
        // The rarest set's search is remembered: it answers most checks alone.
        let memo = &mut caches.needles[b as usize];
        let known = memo.filter(|m| m.from <= start && m.found.is_none_or(|f| f >= start));
        let found = match known {
            // The first needle at or after `start` is at `found` (or beyond `m.to`).
            Some(m) if m.found.is_some() || m.to >= to => m.found.filter(|&at| at < to),
            _ => {
                let found = first(&needles.sets[0]);
                *memo = Some(NeedleSearch {
                    from: start,
                    to,
                    found,
                });
                found
            }
        };
        // A set missing from the window rules a match out when the window reaches as far as a
        // match can.
        let exact = to == range.end || needles.max_len.is_some();
        let missing = found.is_none() || needles.sets[1..].iter().any(|set| first(set).is_none());
        !(missing && exact)
    }

    /// The leftmost-first, non-overlapping matches starting in `range` of the alternatives
    /// `picked` (sorted) of one pattern, when those are the only ones that can match there:
    /// the same spans as the whole pattern's, from the automata the scan already built.
    fn spans(
        &self,
        caches: &mut Caches,
        texts: Texts,
        range: Range<usize>,
        (hits, picked): (&[Vec<u32>], &[u32]),
    ) -> Result<Vec<Range<usize>>, ()> {
        let mut out = Vec::new();
        let (mut cursor, mut last) = (range.start, usize::MAX);
        // The scan's candidates of the picked branches that start in `range`, sorted by start,
        // then branch: at one start, the pattern's order.
        let mut candidates = Vec::new();
        for &b in picked {
            let starts = hits.get(b as usize).map_or(&[][..], Vec::as_slice);
            let from = starts.partition_point(|&s| (s as usize) < range.start);
            let to = from + starts[from..].partition_point(|&s| (s as usize) < range.end);
            candidates.extend(starts[from..to].iter().map(|&s| (s as usize, b)));
        }
        candidates.sort_unstable();
        for (start, b) in candidates {
            // At one start the first alternative (in the pattern's order) that matches wins.
            if start < cursor || start == last {
                continue;
            }
            if let Some(end) = self.run_anchored(caches, texts, range.end, (start, b), false)? {
                out.push(start..end);
                (cursor, last) = (end, start);
            }
        }
        Ok(out)
    }

    /// Whether a prefixed branch of one of the patterns `ids` matches in `texts` (a whole
    /// haystack): for a pattern in `has_rest`, that is not the whole answer. `None` when a DFA
    /// gave up.
    fn any_match(&self, caches: &mut Caches, texts: Texts, ids: &Range<usize>) -> Option<bool> {
        let keep = |b: u32| ids.contains(&self.anchored[b as usize].id);
        let end = texts.text.len();
        let hits = self.prefixes.hits(texts.folded);
        for candidate in self.candidates(texts, hits, keep) {
            if self
                .run_anchored(caches, texts, end, candidate, true)
                .ok()?
                .is_some()
            {
                return Some(true);
            }
        }
        Some(false)
    }

    /// Builds every branch's automaton now (validation of user packs), and the one of the
    /// branches without prefixes.
    fn compile_all(&self) -> bool {
        self.rest().is_ok()
            && self
                .anchored
                .iter()
                .all(|a| a.dfa(&self.compiler).is_some())
    }

    /// [`Plan::scan`] over `runs` in order, stopping at the first whose DFA gave up: `false`
    /// then, and the caller asks each regex instead.
    fn scan_runs(
        &self,
        caches: &mut Caches,
        texts: Texts,
        runs: &[Range<usize>],
        paragraphs: &[Paragraph],
        (paragraph_of, record, hits): (
            &impl Fn(usize) -> usize,
            &mut impl FnMut(usize, usize, Option<u32>),
            &mut Vec<Vec<u32>>,
        ),
    ) -> bool {
        runs.iter().all(|run| {
            let found = (paragraph_of, &mut *record, &mut *hits);
            self.scan(caches, texts, run.clone(), paragraphs, found)
                .is_ok()
        })
    }

    /// Records where the branches match in `run` of `texts`; `Err` when a DFA gives up (a
    /// Unicode word boundary on non-ASCII text) or cannot be built.
    fn scan(
        &self,
        caches: &mut Caches,
        texts: Texts,
        run: Range<usize>,
        paragraphs: &[Paragraph],
        (paragraph_of, record, hits): (
            &impl Fn(usize) -> usize,
            &mut impl FnMut(usize, usize, Option<u32>),
            &mut Vec<Vec<u32>>,
        ),
    ) -> Result<(), ()> {
        if caches.found_in.len() < self.anchored.len() {
            caches.found_in.resize(self.anchored.len(), usize::MAX);
            caches.tried_at.resize(self.anchored.len(), usize::MAX);
        }
        // The paragraph of the last hit, and where it ends: hits come nearly in text order.
        let mut current = (usize::MAX, 0..0);
        let mut picked = Vec::new();
        for (at, literal) in self.prefixes.hits(&texts.folded[run.clone()]) {
            let at = run.start + at;
            if !current.1.contains(&at) {
                let p = paragraph_of(at + 1);
                current = (p, paragraphs[p].range.clone());
            }
            let paragraph = current.0;
            picked.clear();
            let folded = &texts.folded[..run.end];
            self.branches_at(literal as usize, folded, at, &mut picked);
            if hits.len() < self.anchored.len() {
                hits.resize_with(self.anchored.len(), Vec::new);
            }
            let start_of = |b: u32| self.start_of(b, texts.text, run.start, at);
            for &b in &picked {
                let start = start_of(b);
                let starts = &mut hits[b as usize];
                if starts.last() != Some(&(start as u32)) {
                    starts.push(start as u32);
                }
            }
            for &b in &picked {
                let (i, start) = (b as usize, start_of(b));
                if caches.found_in[i] == paragraph || caches.tried_at[i] == start {
                    continue;
                }
                caches.tried_at[i] = start;
                if let Some(end) = self.run_anchored(caches, texts, run.end, (start, b), true)? {
                    let paragraph = paragraph_of(end);
                    caches.found_in[i] = paragraph;
                    record(self.anchored[i].id, paragraph, Some(b));
                }
            }
        }
        if let Some(Rest { dfa, ids }) = self.rest()? {
            let cache = caches.rest.get_or_insert_with(|| dfa.create_cache());
            let input = Input::new(texts.text).span(run);
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
        self.plan.get(&self.ids, sources)
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
        if self.plan(sources).is_none() {
            return self.scan_slowly(sources, text, &runs, paragraph_of, seen);
        }
        let lowered = seen.lowered.take().unwrap_or_else(|| Lowered::of(text));
        let texts = lowered.texts(text);
        let scope = self.lang as u8;
        let mut record = |id: usize, paragraph: usize, branch: Option<u32>| {
            seen.record(id, bit, paragraph);
            if let Some(b) = branch {
                seen.branches.push((paragraph as u32, scope, b));
            }
        };
        let mut hits = Vec::new();
        let bytes: usize = runs.iter().map(|r| r.len()).sum();
        let complete = if bytes >= PARALLEL_SCAN && rayon::current_num_threads() > 1 {
            self.scan_in_parallel(
                texts,
                (&runs, bytes),
                paragraphs,
                &paragraph_of,
                &mut record,
                &mut hits,
            )
        } else {
            self.plan.with(|plan, caches| {
                let found = (&paragraph_of, &mut record, &mut hits);
                plan.scan_runs(caches, texts, &runs, paragraphs, found)
            })
        };
        // Overlapping hits come by where they end: a longer literal can start earlier.
        for starts in &mut hits {
            if !starts.is_sorted() {
                starts.sort_unstable();
                starts.dedup();
            }
        }
        seen.prefix_hits[self.lang as usize] = hits;
        seen.lowered = Some(lowered);
        if complete != Some(true) {
            for &id in &self.ids {
                seen.bits[id] &= !bit;
            }
            // What the scan confirmed before it stopped is not the whole story: spans then come
            // from the whole patterns.
            seen.branches.retain(|&(_, s, _)| s != scope);
            return self.scan_slowly(sources, text, &runs, paragraph_of, seen);
        }
        for list in &mut seen.paragraphs {
            if !list.is_sorted() {
                list.sort_unstable();
                list.dedup();
            }
        }
    }

    /// [`Scope::scan`]'s loop over `runs` on rayon's threads, for a long text: runs are
    /// independent (a match ends in its own run, and what [`Caches`] keeps from one run never
    /// answers for another), so groups of adjacent runs are scanned apart and what each found
    /// is replayed in text order, up to the first run whose DFA gave up as the loop on one
    /// thread would have stopped there: the same records, in the same order.
    fn scan_in_parallel(
        &self,
        texts: Texts,
        (runs, bytes): (&[Range<usize>], usize),
        paragraphs: &[Paragraph],
        paragraph_of: &(impl Fn(usize) -> usize + Sync),
        record: &mut impl FnMut(usize, usize, Option<u32>),
        hits: &mut Vec<Vec<u32>>,
    ) -> Option<bool> {
        use rayon::prelude::*;
        // A few groups per thread, so that one slow group does not leave a thread idle.
        let per_group = bytes.div_ceil(rayon::current_num_threads() * 4).max(1);
        let mut groups = Vec::new();
        let (mut from, mut size) = (0, 0);
        for (i, run) in runs.iter().enumerate() {
            size += run.len();
            if size >= per_group || i + 1 == runs.len() {
                groups.push(&runs[from..=i]);
                (from, size) = (i + 1, 0);
            }
        }
        type Found = (Vec<(usize, usize, Option<u32>)>, Vec<Vec<u32>>, bool);
        let found: Vec<Option<Found>> = groups
            .par_iter()
            .map(|group| {
                self.plan.with(|plan, caches| {
                    let (mut records, mut hits) = (Vec::new(), Vec::new());
                    let mut record = |id, paragraph, branch| records.push((id, paragraph, branch));
                    let found = (paragraph_of, &mut record, &mut hits);
                    let ok = plan.scan_runs(caches, texts, group, paragraphs, found);
                    (records, hits, ok)
                })
            })
            .collect();
        for group in found {
            let (records, group_hits, ok) = group?;
            for (id, paragraph, branch) in records {
                record(id, paragraph, branch);
            }
            if hits.len() < group_hits.len() {
                hits.resize_with(group_hits.len(), Vec::new);
            }
            for (all, more) in hits.iter_mut().zip(group_hits) {
                all.extend(more);
            }
            if !ok {
                return Some(false);
            }
        }
        Some(true)
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

/// `n` items read by `item`, or `None` when one is not there. The room for them is made first:
/// collecting into an `Option<Vec>` grew the vector by doubling, copying a plan's thousands of
/// branches over and over (and touching as many fresh pages) at every start-up.
fn read_n<T>(n: usize, mut item: impl FnMut() -> Option<T>) -> Option<Vec<T>> {
    // A count past what any plan holds is not one build.rs wrote.
    let mut out = Vec::with_capacity(n.min(1 << 16));
    for _ in 0..n {
        out.push(item()?);
    }
    Some(out)
}

/// The embedded packs' patterns, parsed by `build.rs`: entries of (varint length, pattern as
/// written, varint length, [`hircode::encode_branches`]d branches, varint count, per branch a
/// varint length and its serialised sparse anchored DFA, empty when it was too big).
static PREBUILT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/patterns.bin"));

/// Where each entry of [`PREBUILT`] starts (little-endian `u32`s), in the order of the entries,
/// which is the patterns' sorted order.
static PREBUILT_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/patterns.idx"));

/// A pattern's encoded branches and per branch its DFA and NFA, as build.rs wrote them (empty
/// when there is none).
type Prebuilt = (&'static [u8], Vec<(&'static [u8], &'static [u8])>);

/// The build-time entry for `source`, found by binary search over the entries (hashing every
/// pattern's text into a table cost 7% of linting a letter).
fn prebuilt(source: &str) -> Option<Prebuilt> {
    let entry = |i: usize| {
        let chunk = PREBUILT_INDEX.get(i * 4..i * 4 + 4)?;
        let at = u32::from_le_bytes(chunk.try_into().ok()?) as usize;
        let mut bytes = PREBUILT.get(at..)?;
        let key = hircode::take(&mut bytes)?;
        Some((key, bytes))
    };
    let (mut low, mut high) = (0, PREBUILT_INDEX.len() / 4);
    let mut bytes = loop {
        if low >= high {
            return None;
        }
        let mid = low + (high - low) / 2;
        let (key, rest) = entry(mid)?;
        match key.cmp(source.as_bytes()) {
            std::cmp::Ordering::Less => low = mid + 1,
            std::cmp::Ordering::Greater => high = mid,
            std::cmp::Ordering::Equal => break rest,
        }
    };
    let code = hircode::take(&mut bytes)?;
    let n = hircode::get(&mut bytes)?;
    let mut automaton = || Some((hircode::take(&mut bytes)?, hircode::take(&mut bytes)?));
    let automata: Option<Vec<_>> = (0..n).map(|_| automaton()).collect();
    Some((code, automata?))
}

/// One branch of a pattern: its tree, its caseless form if any, its prefixes and needles
/// (encoded, or decoded already), and its DFA if build.rs embedded one, else its NFA if build.rs
/// encoded one (empty when not).
type BranchTrees = (
    Tree,
    Option<Tree>,
    (
        Option<Literals>,
        hircode::Start,
        Cow<'static, [u8]>,
        Needled,
    ),
    (Option<&'static [u8]>, &'static [u8]),
);

/// Boxed once decoded, like the automata: most branches never read theirs.
type Needled = (&'static [u8], OnceLock<Option<Box<NeedleFinders>>>);

/// A branch's [`hircode::Needles`] with a searcher built for each: building a
/// `memmem::Finder` cost more than most of the short searches it ran (a tenth of an English
/// letter's instructions when each search built its own).
#[derive(Debug)]
struct NeedleFinders {
    max_len: Option<u32>,
    /// The rarest set first.
    sets: Vec<Vec<memchr::memmem::Finder<'static>>>,
}

impl NeedleFinders {
    /// Finders of `needles`, each made by `finder`: borrowing a needle of build.rs's table,
    /// or owning a copy of one parsed at load (a user pack's pattern).
    fn new<B>(
        needles: hircode::Needles<B>,
        finder: impl Fn(B) -> memchr::memmem::Finder<'static>,
    ) -> Box<Self> {
        Box::new(NeedleFinders {
            max_len: needles.max_len,
            sets: (needles.sets.into_iter())
                .map(|set| set.into_iter().map(&finder).collect())
                .collect(),
        })
    }
}

/// A branch's prefix literals: still encoded in the build-time table, or parsed at load (a user
/// pack's pattern).
enum Literals {
    Code(&'static [u8]),
    Parsed(Vec<Vec<u8>>),
}

impl Literals {
    /// Calls `f` with each literal, borrowed from the build-time table when it is there.
    fn each(self, mut f: impl FnMut(Cow<'static, [u8]>)) {
        match self {
            Literals::Code(code) => {
                hircode::each_lead(code, |lit| f(Cow::Borrowed(lit)));
            }
            Literals::Parsed(list) => list.into_iter().for_each(|lit| f(Cow::Owned(lit))),
        }
    }
}

/// FxHash (rustc's hasher) for the tables a plan builds at start-up from the packs' own
/// literals: SipHash's resistance to chosen keys buys nothing there, and hashing was a tenth of
/// building a plan.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(tail));
    }

    fn write_u8(&mut self, n: u8) {
        self.add(n.into());
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// A pattern's branch trees, left encoded when they come from the build-time table.
fn trees_of(source: &str) -> Result<Vec<BranchTrees>, String> {
    if let Some((code, automata)) = prebuilt(source)
        && let Some(branches) = hircode::split_branches(&mut &code[..])
        && branches.len() == automata.len()
    {
        return Ok(branches
            .into_iter()
            .zip(automata)
            .map(|(b, (dfa, nfa))| {
                let dfa = (!dfa.is_empty()).then_some(dfa);
                (
                    Tree::Code(b.tree),
                    b.caseless.map(Tree::Code),
                    (
                        b.prefixes.map(Literals::Code),
                        b.start,
                        Cow::Borrowed(b.leads),
                        (b.needles, OnceLock::new()),
                    ),
                    (dfa, nfa),
                )
            })
            .collect());
    }
    let branches = hircode::branches(&hircode::parse(source)?);
    Ok(branches
        .into_iter()
        .map(|b| {
            let caseless = b.caseless.map(|hir| Tree::Parsed(Box::new(hir)));
            let needles = (
                &[][..],
                OnceLock::from(b.needles.map(|n| {
                    NeedleFinders::new(n, |n: Vec<u8>| memchr::memmem::Finder::new(&n).into_owned())
                })),
            );
            let mut leads = Vec::new();
            hircode::put_literals(&mut leads, b.leads.as_deref());
            (
                Tree::Parsed(Box::new(b.hir)),
                caseless,
                (
                    b.prefixes.map(Literals::Parsed),
                    b.start,
                    Cow::Owned(leads),
                    needles,
                ),
                (None, &[][..]),
            )
        })
        .collect())
}

impl Tree {
    fn hir(&self) -> Option<Hir> {
        match self {
            Tree::Code(code) => hircode::decode(&mut &code[..]),
            Tree::Parsed(hir) => Some((**hir).clone()),
        }
    }
}

/// A pattern's whole tree (its branches joined again).
fn hir_of(source: &str) -> Result<Hir, String> {
    let branches = trees_of(source)?.into_iter().map(|(tree, ..)| tree.hir());
    let hirs: Option<Vec<Hir>> = branches.collect();
    Ok(Hir::alternation(
        hirs.ok_or("a prebuilt pattern does not decode")?,
    ))
}

/// The NFA compiler for pack patterns ([`nfacode::config`]), forward or reverse.
fn nfa_compiler(reverse: bool) -> thompson::Compiler {
    let mut compiler = thompson::Compiler::new();
    compiler.configure(nfacode::config().reverse(reverse));
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
    /// Every rule's `unless` patterns, looked for only around hits.
    unless: Vec<LazyRegex>,
    scopes: [Scope; 2],
}

impl PatternIndex {
    /// Collects the patterns; nothing is compiled until a letter needs it.
    pub(crate) fn build(rules: &[Rule]) -> Self {
        let mut sources: Vec<LazyRegex> = Vec::new();
        let mut rule_of: Vec<usize> = Vec::new();
        let mut owned = vec![Owned::default(); rules.len()];
        // Appends a rule's patterns; returns the ids they got.
        let mut add = |patterns: &mut dyn Iterator<Item = &LazyRegex>, rule: usize| {
            let start = sources.len();
            for p in patterns {
                // Not a clone: the index's copy builds its own finder.
                sources.push(LazyRegex::new(p.source.clone()));
                rule_of.push(rule);
            }
            start..sources.len()
        };
        for (i, rule) in rules.iter().enumerate() {
            match &rule.matcher {
                Matcher::Regex(p) => {
                    owned[i].regex = Some(add(&mut std::iter::once(&p.regex), i).start);
                }
                Matcher::Require(r) => {
                    let any: Vec<_> = r.any.iter().map(|p| LazyRegex::new(p.clone())).collect();
                    owned[i].require = add(&mut any.iter(), i);
                }
                Matcher::Phrases(_) | Matcher::Metric(_) => {}
            }
            owned[i].when = add(&mut rule.when.iter(), i);
        }
        let mut unless = Vec::new();
        let mut unless_rule_of = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let start = unless.len();
            unless.extend(rule.unless.iter().cloned());
            unless_rule_of.resize(unless.len(), i);
            owned[i].unless = start..unless.len();
        }
        let in_scope = |rule_of: &[usize], lang: Lang| -> Vec<usize> {
            (0..rule_of.len())
                .filter(|&id| rules[rule_of[id]].lang.applies_to(lang))
                .collect()
        };
        let scope = |lang: Lang| Scope {
            lang,
            ids: in_scope(&rule_of, lang),
            plan: Lazy::default(),
            unless_ids: in_scope(&unless_rule_of, lang),
            unless: Lazy::default(),
        };
        PatternIndex {
            scopes: [scope(Lang::Ja), scope(Lang::En)],
            sources,
            rule_of,
            owned,
            unless,
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
                let unless = scope.unless.get(&scope.unless_ids, &self.unless);
                if !scope.plan(&self.sources).is_some_and(Plan::compile_all)
                    || !unless.is_some_and(Plan::compile_all)
                {
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
            lowered: None,
            prefix_hits: Default::default(),
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
        let found = self.owned[rule].regex.and_then(|id| {
            self.scopes.iter().find_map(|scope| {
                // A rule fires only after a scan, which lowered the text.
                let texts = seen.lowered.as_ref()?.texts(text);
                scope.plan.with(|plan, caches| {
                    let picked = plan.confirmed(seen, scope.lang as u8, id, paragraph)?;
                    let hits = &seen.prefix_hits[scope.lang as usize];
                    plan.spans(caches, texts, range.clone(), (hits, &picked))
                        .ok()
                })?
            })
        });
        found.unwrap_or_else(|| pattern.find_in(text, range))
    }

    /// Whether one of rule `rule`'s `unless` patterns matches in `text[sentence]`, the
    /// sentence around a hit in a paragraph of `lang` (on its own: nothing before or after it
    /// is visible to the pattern).
    pub(crate) fn excepted(
        &self,
        seen: &Seen,
        rule: usize,
        lang: Lang,
        text: &str,
        sentence: Range<usize>,
    ) -> bool {
        let ids = self.owned[rule].unless.clone();
        if ids.is_empty() {
            return false;
        }
        let scope = &self.scopes[lang as usize];
        let _ = scope.unless.get(&scope.unless_ids, &self.unless);
        let sentence_text = &text[sentence.clone()];
        // The scan lowered the whole text already (same offsets); else only the sentence is.
        let own;
        let texts = match &seen.lowered {
            Some(all) => all.texts(text).slice(sentence),
            None => {
                own = Lowered::of(sentence_text);
                own.texts(sentence_text)
            }
        };
        let found = scope
            .unless
            .with(|plan, caches| {
                let found = plan.any_match(caches, texts, &ids)?;
                // A pattern with a branch the plan does not hold is asked on its own, so the
                // rule's other patterns still come from the plan.
                let mut rest = ids.clone().filter(|id| plan.has_rest.contains(id));
                Some(
                    found
                        || rest.any(|id| {
                            plan.rest_match(caches, sentence_text, id)
                                .unwrap_or_else(|| self.unless[id].is_match(sentence_text))
                        }),
                )
            })
            .flatten();
        found.unwrap_or_else(|| self.unless[ids].iter().any(|u| u.is_match(sentence_text)))
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
        assert_eq!(
            ascii_classes(r"a\s+b[\s,]"),
            r"a[\t\n\x0B\x0C\r ]+b[\t\n\x0B\x0C\r ,]"
        );
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

    /// The shipped example letters.
    fn letters() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letters");
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect()
    }

    /// Every rule's bad and good examples.
    fn examples(rules: &[Rule]) -> Vec<String> {
        rules
            .iter()
            .flat_map(|r| {
                let bad = r.examples.bad.iter().map(|b| b.text.clone());
                bad.chain(r.examples.good.iter().cloned())
            })
            .collect()
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
        let (mut prefixed, mut embedded, mut nfas) = (0, 0, 0);
        for source in index.sources.iter().chain(unless) {
            let (code, automata) = prebuilt(source.as_str())
                .unwrap_or_else(|| panic!("build.rs did not prebuild `{}`", source.as_str()));
            let decoded = hircode::decode_branches(&mut &code[..]).expect("decodes");
            let parsed = hircode::parse(source.as_str()).unwrap();
            assert_eq!(decoded, hircode::branches(&parsed));
            assert_eq!(automata.len(), decoded.len());
            for (branch, (dfa, nfa)) in decoded.iter().zip(automata) {
                prefixed += usize::from(branch.prefixes.is_some());
                if !dfa.is_empty() {
                    assert!(
                        branch.prefixes.is_some(),
                        "only prefixed branches run anchored"
                    );
                    sparse::DFA::from_bytes(dfa).expect("an embedded DFA deserialises");
                    embedded += 1;
                }
                if branch.prefixes.is_some() {
                    // The NFA build.rs encoded is the one the branch compiles to.
                    let hir = branch.caseless.as_ref().unwrap_or(&branch.hir);
                    let compiled = nfa_compiler(false).build_from_hir(hir).unwrap();
                    let rebuilt = nfacode::decode(nfa).expect("an embedded NFA decodes");
                    assert_eq!(rebuilt.states(), compiled.states(), "{}", source.as_str());
                    assert_eq!(rebuilt.start_anchored(), compiled.start_anchored());
                    assert_eq!(rebuilt.start_unanchored(), compiled.start_unanchored());
                    nfas += 1;
                }
            }
        }
        assert!(nfas > 100, "only {nfas} NFAs embedded");
        // Most branches run from build.rs's DFAs; the big ones compile when first needed.
        assert!(
            embedded * 10 >= prefixed * 8,
            "{embedded} of {prefixed} embedded"
        );
    }

    #[test]
    fn both_embedded_prefix_automata_pass_the_checked_reader() {
        for (i, (_, bytes)) in EMBEDDED_PREFIXES.iter().enumerate() {
            let (checked, rest) = DoubleArrayAhoCorasick::<u32>::deserialize(bytes)
                .unwrap_or_else(|e| panic!("language {i}'s automaton: {e}"));
            assert!(
                rest.is_empty(),
                "language {i}: {} bytes after the automaton",
                rest.len()
            );
            // The unchecked reader, as `loaded_prefixes` uses it, finds what the checked finds.
            let (embedded, unchecked) = loaded_prefixes(i).as_ref().expect("embedded prefixes");
            assert!(!embedded.is_empty());
            for lit in embedded.iter().take(200) {
                let hits = |ac: &DoubleArrayAhoCorasick<u32>| {
                    ac.find_overlapping_iter(lit)
                        .map(|m| (m.start(), m.end(), m.value()))
                        .collect::<Vec<_>>()
                };
                let found = hits(&checked);
                assert!(found.iter().any(|&(s, e, _)| s == 0 && e == lit.len()));
                assert_eq!(found, hits(unchecked));
            }
        }
    }

    /// A branch without prefix literals makes its whole pattern compile at run time whenever the
    /// pattern fires (about 25M instructions, more than linting a letter): a shipped pattern
    /// starts every branch with words or digits (`\d+日以内`, not `[0-9０-９]+日以内`, which gave no
    /// prefixes; the text is width-folded before matching anyway).
    #[test]
    fn every_branch_of_a_shipped_scanning_pattern_has_prefixes() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        // Patterns led by a character class on purpose (an e-mail address, a run of capitals,
        // an emoji): their whole-pattern DFA is small.
        let known = [
            "[A-Za-z0-9._%+-]+@",
            "[A-Z0-9._%+-]+@",
            "\\b[A-Z]{2,}",
            "(?-u:\\b)[A-Z]{2,}",
            "\\((?:怒|泣",
        ];
        let mut without = Vec::new();
        for source in &index.sources {
            if known.iter().any(|k| source.as_str().starts_with(k)) {
                continue;
            }
            let (code, _) = prebuilt(source.as_str()).unwrap();
            for branch in hircode::decode_branches(&mut &code[..]).unwrap() {
                // A prefix that is only a space, with no leads to narrow it, runs the branch at
                // every space of a letter: `(?:very|so)?\s*(?:helpful|…)` and `^\s*give` did,
                // a fifth of a folder's anchored checks. Make the optional part own its space.
                let at_every_space = branch.leads.is_none()
                    && (branch.prefixes.iter().flatten()).any(|p| p.iter().all(|&b| b == b' '));
                if branch.prefixes.is_none() || at_every_space {
                    without.push(format!("{} in `{:.60}`", branch.hir, source.as_str()));
                }
            }
        }
        assert!(
            without.is_empty(),
            "branches without prefixes, or started by every space:\n{}",
            without.join("\n")
        );
    }

    #[test]
    fn every_match_of_a_pack_branch_holds_one_of_its_needles() {
        let rules = embedded_rules();
        let mut texts = letters();
        texts.extend(examples(&rules));
        let index = PatternIndex::build(&rules);
        let unless = rules.iter().flat_map(|r| &r.unless);
        let mut checked = 0;
        for source in index.sources.iter().chain(unless) {
            let (code, _) = prebuilt(source.as_str()).unwrap();
            for branch in hircode::decode_branches(&mut &code[..]).unwrap() {
                let Some(needles) = &branch.needles else {
                    continue;
                };
                let re = Regex::new(&branch.hir.to_string()).unwrap();
                for text in &texts {
                    let folded = Lowered::of(text).folded;
                    for m in re.find_iter(text) {
                        let found = &folded[m.range()];
                        let holds = |set: &Vec<Vec<u8>>| {
                            set.iter().any(|n| memchr::memmem::find(found, n).is_some())
                        };
                        assert!(
                            needles.max_len.is_none_or(|n| m.len() <= n as usize)
                                && needles.sets.iter().all(holds),
                            "`{}` in `{text}` holds none of {needles:?}",
                            m.as_str()
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "only {checked} matches checked");
    }

    #[test]
    fn shipped_plans_search_with_build_rs_automata_and_user_patterns_build_their_own() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        for scope in &index.scopes {
            let plans = [
                scope.plan(&index.sources).unwrap(),
                scope.unless.get(&scope.unless_ids, &index.unless).unwrap(),
            ];
            for plan in plans {
                let Prefixes::Embedded { map, .. } = &plan.prefixes else {
                    panic!("{:?} built its own prefix automaton", scope.lang);
                };
                assert!(map.iter().filter(|&&m| m != u32::MAX).count() == plan.literals.len());
            }
        }
        // A literal no shipped pattern starts with.
        let sources = [LazyRegex::new("zqxjv(?:foo|bar)")];
        let plan = Plan::build(&[0], &sources).unwrap();
        assert!(matches!(plan.prefixes, Prefixes::Built(_)));
        let hits: Vec<_> = plan.prefixes.hits(b"a zqxjvfoo").collect();
        assert_eq!(hits, [(2, 0)]);
    }

    #[test]
    fn the_shipped_packs_plans_are_build_rs_s_and_equal_what_would_be_derived() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        let mut compared = 0;
        for scope in &index.scopes {
            let plans = [
                (&scope.ids, &index.sources[..]),
                (&scope.unless_ids, &index.unless[..]),
            ];
            for (ids, sources) in plans {
                let embedded = EMBEDDED_PLANS
                    .iter()
                    .find_map(|bytes| Plan::embedded(bytes, ids, sources))
                    .unwrap_or_else(|| panic!("no embedded plan for {:?}", scope.lang));
                let derived = Plan::derive(ids, sources).unwrap();
                assert_eq!(embedded.literals, derived.literals);
                assert_eq!(embedded.starts.ends, derived.starts.ends);
                assert_eq!(embedded.starts.branches, derived.starts.branches);
                let (Prefixes::Embedded { map: a, .. }, Prefixes::Embedded { map: b, .. }) =
                    (&embedded.prefixes, &derived.prefixes)
                else {
                    panic!("a shipped plan built its own prefix automaton");
                };
                assert_eq!(a, b);
                assert_eq!(embedded.has_rest, derived.has_rest);
                let code = |t: &Tree| match t {
                    Tree::Code(code) => *code,
                    Tree::Parsed(_) => panic!("a shipped tree was parsed"),
                };
                let rest = |p: &Plan| -> Vec<_> {
                    p.rest_branches
                        .iter()
                        .map(|(id, t)| (*id, code(t)))
                        .collect()
                };
                assert_eq!(rest(&embedded), rest(&derived));
                for literal in 0..derived.literals.len() {
                    let text = &derived.literals[literal];
                    let starts = &derived.starts[literal];
                    let leads = Leads::of(text, starts, |b| &derived.anchored[b as usize].leads);
                    assert_eq!(embedded.embedded_leads(literal), Some(leads));
                }
                assert_eq!(embedded.anchored.len(), derived.anchored.len());
                for (a, b) in embedded.anchored.iter().zip(&derived.anchored) {
                    assert_eq!(a.id, b.id);
                    assert_eq!(code(&a.tree), code(&b.tree));
                    assert_eq!(a.caseless.as_ref().map(code), b.caseless.as_ref().map(code));
                    assert_eq!(a.leads, b.leads);
                    assert_eq!(a.needles.0, b.needles.0);
                    assert_eq!(a.embedded, b.embedded);
                    assert_eq!(a.nfa, b.nfa);
                    compared += 1;
                }
            }
        }
        assert!(compared > 1000, "only {compared} branches compared");
        // Another order of the same patterns is not the embedded plan's.
        let scope = &index.scopes[0];
        let mut ids = scope.ids.clone();
        ids.swap(0, 1);
        assert!(
            EMBEDDED_PLANS
                .iter()
                .all(|bytes| Plan::embedded(bytes, &ids, &index.sources).is_none())
        );
    }

    #[test]
    fn a_prefix_hit_picks_exactly_the_branches_whose_leads_start_there() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        let mut texts = letters();
        texts.extend(examples(&rules));
        // Runs of spaces, tabs and line breaks between the words.
        texts.push("I   will\tnever  do it, I\n\nwill  never. i'll   never, we  WILL never".into());
        let (mut picked_fewer, mut hits, mut ruled_out) = (0, 0, 0);
        for scope in &index.scopes {
            let plan = scope.plan(&index.sources).unwrap();
            let mut caches = Caches::default();
            for text in &texts {
                let folded = Lowered::of(text).folded;
                for (start, literal) in plan.prefixes.hits(&folded) {
                    let literal = literal as usize;
                    let mut picked = Vec::new();
                    plan.branches_at(literal, &folded, start, &mut picked);
                    picked.sort_unstable();
                    picked.dedup();
                    let mut window = [0; hircode::LEAD_BYTES];
                    let n = hircode::squeeze(&folded[start..], &mut window);
                    let starts_here = |b: &&u32| {
                        let leads = &plan.anchored[**b as usize].leads;
                        let mut any = false;
                        let count =
                            hircode::each_lead(leads, |l| any |= window[..n].starts_with(l));
                        count == 0 || any
                    };
                    let mut expected: Vec<u32> = plan.starts[literal]
                        .iter()
                        .filter(starts_here)
                        .copied()
                        .collect();
                    expected.sort_unstable();
                    assert_eq!(picked, expected, "at {} of `{text}`", start);
                    // And none of the others matches there.
                    let lowered = Lowered::of(text);
                    for &b in &plan.starts[literal] {
                        if picked.binary_search(&b).is_err() {
                            let (texts, at) = (lowered.texts(text), (start, b));
                            let found = plan.run_anchored(&mut caches, texts, text.len(), at, true);
                            assert_eq!(found, Ok(None), "branch {b} at {} of `{text}`", at.0);
                            ruled_out += 1;
                        }
                    }
                    picked_fewer += usize::from(picked.len() < plan.starts[literal].len());
                    hits += 1;
                }
            }
        }
        assert!(
            picked_fewer * 4 > hits,
            "leads ruled out branches at {picked_fewer} of {hits} hits"
        );
        assert!(ruled_out > 10_000, "only {ruled_out} branches ruled out");
    }

    #[test]
    fn needles_rule_out_only_what_cannot_match() {
        let patterns = [
            "御社[^。]{0,9}(?:ミス|誤り)",
            r"(?i)\byour\s+\w+\s+(?:fault|mistake)\b",
            "(?:今後|以後)[^。]{0,20}(?:注意|確認)(?:します|いたします)",
        ];
        let texts = [
            "ミス。御社は。御社の対応。御社の審査担当のミス。御社。",
            "御社の対応はとても長い文章ですが誤りではありません。御社",
            "誤り御社",
            "Your team. Your review team. YOUR review team made a MISTAKE.",
            "It was my fault, not your team.",
            "your team your team your team",
            "今後は注意します。以後、十分に確認いたします。今後は",
            "今後はとても長い文になりますが、注意だけは気をつけていきたいと存じます。",
        ];
        for pattern in patterns {
            let sources = [LazyRegex::new(pattern)];
            let plan = Plan::build(&[0], &sources).unwrap();
            assert!(
                plan.anchored.iter().all(|a| a.embedded.is_none()),
                "a user pattern has no embedded DFA, so its needles are asked"
            );
            let re = Regex::new(pattern).unwrap();
            let mut uncompiled = 0;
            for text in texts {
                let lowered = Lowered::of(text);
                // A fresh plan per text: each check goes through the needles.
                let plan = Plan::build(&[0], &sources).unwrap();
                let mut caches = Caches::default();
                let found = plan.any_match(&mut caches, lowered.texts(text), &(0..1));
                assert_eq!(found, Some(re.is_match(text)), "`{pattern}` on `{text}`");
                uncompiled += usize::from(plan.anchored.iter().all(|a| a.dfa.get().is_none()));
            }
            let needles = |a: &Anchor| a.needles.1.get().is_some_and(Option::is_some);
            assert!(plan.anchored.iter().all(needles), "`{pattern}` has needles");
            assert!(uncompiled >= 3, "`{pattern}` was compiled for most texts");
        }
    }

    #[test]
    fn dfa_spans_and_is_match_agree_with_the_regex_crate_on_every_pack_pattern() {
        let rules = embedded_rules();
        // Bad examples hold a match for nearly every rule; good ones exercise `unless`.
        let mut texts = letters();
        texts.extend(examples(&rules));
        let mut checked = 0;
        for rule in &rules {
            let patterns = match &rule.matcher {
                Matcher::Regex(p) => vec![&p.regex],
                _ => Vec::new(),
            };
            for re in patterns.into_iter().chain(&rule.unless) {
                let fresh = LazyRegex::new(re.as_str().to_owned());
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
        let mut texts = letters();
        // Every rule example, several to a text so paragraphs and languages mix.
        let examples = examples(&rules);
        texts.extend(examples.chunks(7).map(|c| c.join("\n\n")));
        let mut compared = 0;
        for text in &texts {
            let (paragraphs, _) = crate::text::paragraphs_and_lang(text);
            let fast = index.scan(text, &paragraphs);
            let mut slow = Seen {
                bits: vec![0; index.sources.len()],
                paragraphs: vec![Vec::new(); index.sources.len()],
                branches: Vec::new(),
                lowered: None,
                prefix_hits: Default::default(),
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
                let fresh = LazyRegex::new(p.regex.as_str().to_owned());
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

    /// A letter's first searches of a branch without an embedded DFA run on its simulated NFA
    /// (nfasim.rs), later ones on its lazy DFA: both must end every match the same, at every
    /// place a prefix hit starts the branch in the examples and the letters.
    #[test]
    fn simulated_branches_end_where_their_lazy_dfas_do() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        let mut texts = letters();
        texts.extend(examples(&rules));
        let mut scratch = nfasim::Scratch::default();
        let (mut compared, mut matched) = (0, 0);
        for scope in &index.scopes {
            let unless = scope.unless.get(&scope.unless_ids, &index.unless);
            for plan in [scope.plan(&index.sources), unless].into_iter().flatten() {
                let mut caches: Vec<Option<Cache>> = Vec::new();
                caches.resize_with(plan.anchored.len(), || None);
                let mut picked = Vec::new();
                for text in &texts {
                    let lowered = Lowered::of(text);
                    let texts = lowered.texts(text);
                    for (at, literal) in plan.prefixes.hits(texts.folded) {
                        picked.clear();
                        plan.branches_at(literal as usize, texts.folded, at, &mut picked);
                        for &b in &picked {
                            let anchor = &plan.anchored[b as usize];
                            let Some(nfa) =
                                anchor.embedded.is_none().then(|| anchor.sim()).flatten()
                            else {
                                continue;
                            };
                            let dfa = anchor.dfa(&plan.compiler).unwrap();
                            let cache =
                                caches[b as usize].get_or_insert_with(|| dfa.create_cache());
                            let haystack = match anchor.caseless {
                                Some(_) => texts.lowered,
                                None => texts.text,
                            };
                            let start = plan.start_of(b, text, 0, at);
                            for earliest in [true, false] {
                                let input = Input::new(haystack)
                                    .range(start..)
                                    .anchored(Anchored::Yes)
                                    .earliest(earliest);
                                let by_dfa = dfa.try_search_fwd(cache, &input).unwrap();
                                let by_dfa = by_dfa.map(|m| m.offset());
                                let by_sim =
                                    nfa.find(&mut scratch, haystack.as_bytes(), start, earliest);
                                assert_eq!(by_sim, by_dfa, "branch {b} at {start} of {text}");
                                compared += 1;
                                matched += usize::from(by_sim.is_some());
                            }
                        }
                    }
                }
            }
        }
        assert!(
            compared > 1000 && matched > 100,
            "{compared} searches, {matched} matches"
        );
    }

    /// An `unless` sentence's first checks of branches without prefixes simulate their NFAs
    /// ([`Plan::rest_match`]): each must say what the branch's own regex says.
    #[test]
    fn simulated_branches_without_prefixes_match_what_their_regexes_match() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        let sentences: Vec<String> = (letters().iter())
            .flat_map(|text| text.lines().map(str::to_owned).collect::<Vec<_>>())
            .chain(examples(&rules))
            .collect();
        let mut scratch = nfasim::Scratch::default();
        let (mut branches, mut matched) = (0, 0);
        for scope in &index.scopes {
            let Some(plan) = scope.unless.get(&scope.unless_ids, &index.unless) else {
                continue;
            };
            for ((_, tree), (code, _)) in plan.rest_branches.iter().zip(&plan.rest_sims) {
                let nfa = nfasim::Nfa::decode(code).expect("build.rs encodes every rest branch");
                let regex = regex::Regex::new(&tree.hir().unwrap().to_string()).unwrap();
                for sentence in &sentences {
                    let expected = regex.is_match(sentence);
                    let got = nfa.is_match(&mut scratch, sentence.as_bytes());
                    assert_eq!(got, expected, "{regex} on {sentence}");
                    matched += usize::from(got);
                }
                branches += 1;
            }
        }
        assert!(
            branches >= 5 && matched > 20,
            "{branches} branches, {matched} matches"
        );
    }

    #[test]
    fn unless_exceptions_found_by_the_plan_equal_each_regex() {
        let rules = embedded_rules();
        let index = PatternIndex::build(&rules);
        // `unless` sees a sentence: each line of the letters, and each example.
        let mut texts: Vec<String> = letters()
            .iter()
            .flat_map(|text| text.lines().map(str::to_owned))
            .collect();
        texts.extend(examples(&rules));
        // With the scan's lowercased copy of the text, and without one.
        let seen: Vec<(Seen, Seen)> = texts
            .iter()
            .map(|text| {
                let scanned = index.scan(text, &crate::text::paragraphs_and_lang(text).0);
                let mut unscanned = scanned.clone();
                unscanned.lowered = None;
                (scanned, unscanned)
            })
            .collect();
        let mut excepted = 0;
        for (i, rule) in rules.iter().enumerate() {
            if rule.unless.is_empty() {
                continue;
            }
            for (text, (scanned, unscanned)) in texts.iter().zip(&seen) {
                let expected = rule.unless.iter().any(|u| u.get().is_match(text));
                for lang in [Lang::Ja, Lang::En] {
                    if rule.lang.applies_to(lang) {
                        for seen in [scanned, unscanned] {
                            let got = index.excepted(seen, i, lang, text, 0..text.len());
                            assert_eq!(got, expected, "{} on {text}", rule.id);
                        }
                    }
                }
                excepted += usize::from(expected);
            }
        }
        assert!(excepted > 100, "only {excepted} exceptions compared");
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

    #[test]
    fn starts_keep_each_literals_branches_in_order() {
        let starts = Starts::of(4, &[(1, 0), (0, 0), (1, 1), (2, 2), (0, 3), (1, 3)]);
        assert_eq!(starts.len(), 4);
        assert_eq!(&starts[0], &[0, 3]);
        assert_eq!(&starts[1], &[0, 1, 3]);
        assert_eq!(&starts[2], &[2]);
        assert!(starts[3].is_empty());
    }
}
