//! Pack patterns as parsed regex syntax trees (`Hir`), and a compact byte encoding of them.
//!
//! Parsing the shipped packs' patterns took about half of a cold `appeal lint` (the English
//! `(?i)` patterns most: every letter becomes a case-folded class). `build.rs` parses every
//! embedded pattern once at build time and embeds the encoded trees; at run time a tree is
//! decoded in a few microseconds and goes straight to the automaton compiler. Patterns the table
//! does not hold (user packs) are parsed as before, through the same [`parse`].
//!
//! This file is also compiled into `build.rs` (`#[path]`), so it uses only `std` and
//! `regex_syntax`.

use regex_syntax::hir::{
    Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look,
    Repetition,
};

/// Makes `\b`, `\w`, `\d` and `\s` ASCII in a pack's pattern. Their Unicode forms are what
/// English rules never need (Japanese has no word boundaries, and digits and spaces are
/// width-folded to ASCII before matching) and cost dearly: a Unicode `\s` is a dozen multi-byte
/// ranges in every automaton state that allows a space, which made most English DFAs too big to
/// embed: a Unicode `\b` cannot run in a lazy DFA on non-ASCII text, so one
/// such rule made every Japanese letter fall back to the slow engine. `\B`, `\W` and `\D` stay as
/// written (their ASCII forms could match inside a multi-byte character).
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
                Some('s') if class_depth == 0 => out.push_str("[\\t\\n\\x0B\\x0C\\r ]"),
                Some('s') => out.push_str("\\t\\n\\x0B\\x0C\\r "),
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

/// A pack pattern as the scanning automaton sees it: [`ascii_classes`], parsed with the `regex`
/// crate's default syntax, capture groups dropped (the scan needs none), and the two non-ASCII
/// letters that Unicode case folding adds to ASCII ones (U+017F for `s`, U+212A for `k`) left
/// out: `(?i)` English patterns otherwise carry a multi-byte branch at every `s` and `k`.
pub(crate) fn parse(pattern: &str) -> Result<Hir, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&ascii_classes(pattern))
        .map_err(|e| e.to_string())?;
    Ok(simplify(hir))
}

fn simplify(hir: Hir) -> Hir {
    map_unicode_classes(hir, &|mut class| {
        let ascii_letter = class
            .ranges()
            .iter()
            .any(|r| r.start() <= 'z' && r.end() >= 'A');
        if ascii_letter && class.ranges().len() <= 8 {
            let mut keep = ClassUnicode::new([
                ClassUnicodeRange::new('\u{17F}', '\u{17F}'),
                ClassUnicodeRange::new('\u{212A}', '\u{212A}'),
            ]);
            keep.negate();
            class.intersect(&keep);
        }
        Hir::class(Class::Unicode(class))
    })
}

/// Rebuilds `hir` with every Unicode class replaced by what `f` makes of it, and capture groups
/// replaced by their contents.
fn map_unicode_classes(hir: Hir, f: &impl Fn(ClassUnicode) -> Hir) -> Hir {
    let map = |h| map_unicode_classes(h, f);
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(class)) => f(class),
        HirKind::Capture(c) => map(*c.sub),
        HirKind::Repetition(mut r) => {
            r.sub = Box::new(map(*r.sub));
            Hir::repetition(r)
        }
        HirKind::Concat(v) => Hir::concat(v.into_iter().map(map).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.into_iter().map(map).collect()),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Look(l) => Hir::look(l),
        HirKind::Class(c) => Hir::class(c),
    }
}

/// A branch's prefix literals; `None` when it has no usable set.
pub(crate) type Prefixes = Option<Vec<Vec<u8>>>;

/// One top-level alternative of a pattern, with the literals every match of it starts with
/// (ASCII-lowercased, deduplicated), or `None` when no finite, non-empty set is known (it starts
/// with a wide repetition, or can start with nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Branch {
    pub(crate) hir: Hir,
    /// The branch for ASCII-lowercased text, when it treats every ASCII letter the same in
    /// both cases (`(?i)` English): `[Aa][Mm]…` become plain literals, so its automaton is a
    /// fraction of the size. `None` when that is not so, or changes nothing (Japanese).
    pub(crate) caseless: Option<Hir>,
    pub(crate) prefixes: Prefixes,
    pub(crate) start: Start,
    /// Longer prefixes, checked at a prefix hit before the branch's automaton runs (see
    /// [`leads`]).
    pub(crate) leads: Prefixes,
    pub(crate) needles: Option<Needles>,
}

/// Where a branch's matches start, beside its prefix hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Start {
    /// The prefixes are those of the branch without its first character ([`after_first_char`]):
    /// a match starts one character before a prefix hit, or at one at the start of the text.
    pub(crate) shifted: bool,
    /// A match starts at a word boundary (`\b`, ASCII or Unicode): never between two ASCII
    /// word characters, where a third of a folder's checks used to start and all failed.
    pub(crate) at_word_boundary: bool,
}

impl Start {
    /// As the build-time tables write it: bit 0 `shifted`, bit 1 `at_word_boundary`.
    pub(crate) fn code(self) -> u32 {
        u32::from(self.shifted) | u32::from(self.at_word_boundary) << 1
    }

    pub(crate) fn of_code(code: u32) -> Option<Start> {
        (code < 4).then_some(Start {
            shifted: code & 1 == 1,
            at_word_boundary: code & 2 == 2,
        })
    }

    /// Whether a match can start at `at` of `text`, as far as this says.
    pub(crate) fn allows(self, text: &[u8], at: usize) -> bool {
        // The regex crates' own definition of an ASCII word byte, which `(?-u:\b)` uses.
        let word = |i: usize| text.get(i).is_some_and(|&c| regex_syntax::is_word_byte(c));
        !(self.at_word_boundary && at > 0 && word(at - 1) && word(at))
    }
}

/// Whether every match of `hir` starts with a word-boundary assertion (`\b`, or a word start).
fn at_word_boundary(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => matches!(
            look,
            Look::WordAscii
                | Look::WordUnicode
                | Look::WordStartAscii
                | Look::WordStartUnicode
                | Look::WordStartHalfAscii
                | Look::WordStartHalfUnicode
        ),
        HirKind::Concat(parts) => parts.first().is_some_and(at_word_boundary),
        HirKind::Capture(c) => at_word_boundary(&c.sub),
        HirKind::Alternation(alts) => alts.iter().all(at_word_boundary),
        _ => false,
    }
}

/// A branch as the build-time table holds it, trees still encoded.
pub(crate) struct EncodedBranch<'a> {
    pub(crate) tree: &'a [u8],
    pub(crate) caseless: Option<&'a [u8]>,
    /// Still encoded ([`put_literals`]), `None` when the branch has none: read in place by
    /// [`each_lead`], so a plan's thousands of literals are not each copied at start-up.
    pub(crate) prefixes: Option<&'a [u8]>,
    pub(crate) start: Start,
    /// Still encoded: read in place by [`each_lead`].
    pub(crate) leads: &'a [u8],
    /// Still encoded ([`decode_needles`]): only a branch about to be compiled reads them.
    pub(crate) needles: &'a [u8],
}

/// What a match of a branch must hold besides its prefix: for each of `sets`, one of its
/// literals (folded by [`fold_byte`], cut to their first bytes), which start a part of the
/// branch that cannot match empty; and at most `max_len` bytes, when that is bounded. Checked
/// before building the automaton of a branch whose DFA was too big to embed: for
/// `御社[^。]{0,30}(?:ミス|誤り|…)` in a letter that names 御社 but none of the words, none is
/// built at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Needles<B = Vec<u8>> {
    pub(crate) max_len: Option<u32>,
    /// The rarest first.
    pub(crate) sets: Vec<Vec<B>>,
}

/// At most this many parts of a branch give needles: each is one more search.
const NEEDLE_SETS: usize = 3;

/// `hir` for ASCII-lowercased text (see [`Branch::caseless`]).
pub(crate) fn caseless(hir: &Hir) -> Option<Hir> {
    let mut changed = false;
    let out = fold(hir, &mut changed)?;
    changed.then_some(out)
}

/// Whether a class (`has`: whether it holds an ASCII byte) holds ASCII letters; `None` when it
/// holds some letter in one case only, so it is not caseless.
fn has_letters_in_both_cases(has: impl Fn(u8) -> bool) -> Option<bool> {
    let mut letters = false;
    for upper in b'A'..=b'Z' {
        let (u, l) = (has(upper), has(upper.to_ascii_lowercase()));
        if u != l {
            return None;
        }
        letters |= u;
    }
    Some(letters)
}

fn fold(hir: &Hir, changed: &mut bool) -> Option<Hir> {
    Some(match hir.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => {
            if l.0.iter().any(u8::is_ascii_alphabetic) {
                return None;
            }
            Hir::literal(l.0.clone())
        }
        HirKind::Class(Class::Unicode(c)) => {
            let has = |b: u8| {
                let ch = char::from(b);
                c.ranges().iter().any(|r| r.start() <= ch && ch <= r.end())
            };
            if !has_letters_in_both_cases(has)? {
                return Some(hir.clone());
            }
            *changed = true;
            let mut no_upper = ClassUnicode::new([ClassUnicodeRange::new('A', 'Z')]);
            no_upper.negate();
            let mut class = c.clone();
            class.intersect(&no_upper);
            Hir::class(Class::Unicode(class))
        }
        HirKind::Class(Class::Bytes(c)) => {
            let has = |b: u8| c.ranges().iter().any(|r| r.start() <= b && b <= r.end());
            if !has_letters_in_both_cases(has)? {
                return Some(hir.clone());
            }
            *changed = true;
            let mut no_upper = ClassBytes::new([ClassBytesRange::new(b'A', b'Z')]);
            no_upper.negate();
            let mut class = c.clone();
            class.intersect(&no_upper);
            Hir::class(Class::Bytes(class))
        }
        HirKind::Look(l) => Hir::look(*l),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(fold(&r.sub, changed)?),
            ..r.clone()
        }),
        HirKind::Capture(c) => fold(&c.sub, changed)?,
        HirKind::Concat(v) => {
            Hir::concat(v.iter().map(|h| fold(h, changed)).collect::<Option<_>>()?)
        }
        HirKind::Alternation(v) => {
            Hir::alternation(v.iter().map(|h| fold(h, changed)).collect::<Option<_>>()?)
        }
    })
}

/// How prefixes and needles are compared: ASCII letters lowercased and ASCII spaces made `' '`,
/// in the literals and in the text they are looked for in (see `patterns::Texts`). `\s` after
/// a word made six literals of each English prefix (`your\t`, `your\n`, …); now it is one.
pub(crate) fn fold_byte(b: u8) -> u8 {
    match b {
        b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => b' ',
        _ => b.to_ascii_lowercase(),
    }
}

/// Splits a parsed pattern into its top-level alternatives and finds their prefixes.
#[allow(dead_code)] // the library reads prebuilt branches; it splits only user patterns
pub(crate) fn branches(hir: &Hir) -> Vec<Branch> {
    let mut alternatives = Vec::new();
    split(hir, &mut alternatives);
    alternatives
        .into_iter()
        .map(|hir| {
            // What a prefix hit is the start of: the branch, or what follows its first
            // character. Leads are compared at the hit too, so they come from the same.
            let after = match prefixes(&hir) {
                Some(_) => None,
                None => after_first_char(&hir).filter(|after| prefixes(after).is_some()),
            };
            let found_by = after.as_ref().unwrap_or(&hir);
            Branch {
                start: Start {
                    shifted: after.is_some(),
                    at_word_boundary: at_word_boundary(&hir),
                },
                prefixes: prefixes(found_by),
                leads: leads(found_by),
                caseless: caseless(&hir),
                needles: needles(&hir),
                hir,
            }
        })
        .collect()
}

/// What a match of `hir` holds after its first character (a superset), when that character
/// comes from a class or a literal, or the match starts at the start of the text (`\A`, which
/// then stands for that character): `None` otherwise.
///
/// Why: a branch such as `[^まで]した`, `(?:\A|[^由])乙` or `[ぁ-ん]w+` has no prefix
/// literals, only a wide class before them. Without this it went to an unanchored lazy DFA
/// over all such branches, which built a state at nearly every byte of a Japanese letter, and
/// its pattern's spans to a whole-pattern automaton compiled at run time.
fn after_first_char(hir: &Hir) -> Option<Hir> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let first = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
            Some(Hir::literal(lit.0[first.len_utf8()..].to_vec()))
        }
        HirKind::Class(Class::Unicode(_)) => Some(Hir::empty()),
        // A byte class steps one character only when its bytes are ASCII.
        HirKind::Class(Class::Bytes(class)) if class.ranges().iter().all(|r| r.end() < 0x80) => {
            Some(Hir::empty())
        }
        HirKind::Look(Look::Start) => Some(Hir::empty()),
        HirKind::Capture(c) => after_first_char(&c.sub),
        HirKind::Alternation(alternatives) => {
            let rest: Option<Vec<Hir>> = alternatives.iter().map(after_first_char).collect();
            Some(Hir::alternation(rest?))
        }
        HirKind::Concat(parts) => {
            // Assertions before the first character look at what is before the match.
            let at = parts
                .iter()
                .position(|h| !matches!(h.kind(), HirKind::Look(l) if *l != Look::Start))?;
            let mut rest = vec![after_first_char(&parts[at])?];
            rest.extend_from_slice(&parts[at + 1..]);
            Some(Hir::concat(rest))
        }
        _ => None,
    }
}

/// Pushes the alternatives of `hir`, looking through assertions around an alternation:
/// `\b(?:A|B)\b` is `\bA\b|\bB\b` (an assertion matches no text and makes no choice, so
/// leftmost-first picks the same match), and each of `A` and `B` is then a small automaton of
/// its own instead of one big one. English rules are mostly written this way.
fn split(hir: &Hir, out: &mut Vec<Hir>) {
    match hir.kind() {
        HirKind::Alternation(v) => v.iter().for_each(|h| split(h, out)),
        HirKind::Concat(v) => {
            let is_look = |h: &Hir| matches!(h.kind(), HirKind::Look(_));
            let inner: Vec<usize> = (0..v.len()).filter(|&i| !is_look(&v[i])).collect();
            let HirKind::Alternation(subs) = (match inner[..] {
                [i] => v[i].kind(),
                _ => return out.push(hir.clone()),
            }) else {
                return out.push(hir.clone());
            };
            let at = inner[0];
            for sub in subs {
                let mut parts = v[..at].to_vec();
                parts.push(sub.clone());
                parts.extend_from_slice(&v[at + 1..]);
                split(&Hir::concat(parts), out);
            }
        }
        _ => out.push(hir.clone()),
    }
}

/// At most this many distinct prefixes per branch; a longer list gates too little to pay.
const MAX_PREFIXES: usize = 400;

/// Prefixes are cut to this many bytes (two Japanese characters, six ASCII letters): the
/// extractor's full cross products ran to 9,000 literals for the Japanese packs, and building
/// the automaton for them cost more than the searches it saves.
const PREFIX_BYTES: usize = 6;

/// The extractor's own budget of literals (its default), and the one a branch gets when that
/// leaves it with none.
const LITERAL_BUDGETS: [usize; 2] = [250, 1000];

fn prefixes(hir: &Hir) -> Prefixes {
    // The prefixes are matched ASCII-case-insensitively, so `[Aa][Mm]…` of a `(?i)` pattern can
    // be one literal instead of 2^n: without this the extractor gave up on most English rules.
    let lowered = lowercase_letters(hir.clone());
    // Past its budget the extractor keeps shorter literals, or none when a part before can
    // match empty (`(?:really\s+|…)?(?:an?\s+)?(?:great|…)`): such a branch went to the
    // unanchored DFA, and its pattern's spans to a whole-pattern automaton compiled at run
    // time. A larger budget finds its literals; the first is kept for the others, whose lists
    // it keeps short.
    LITERAL_BUDGETS
        .iter()
        .find_map(|&budget| prefixes_within(&lowered, budget))
}

/// [`prefixes`] of a lowered branch, the extractor keeping at most `budget` literals.
fn prefixes_within(lowered: &Hir, budget: usize) -> Prefixes {
    let seq = regex_syntax::hir::literal::Extractor::new()
        .kind(regex_syntax::hir::literal::ExtractKind::Prefix)
        .limit_total(budget)
        .extract(lowered);
    let mut out: Vec<Vec<u8>> = Vec::new();
    for lit in seq.literals()? {
        let bytes = lit.as_bytes();
        let bytes: Vec<u8> = bytes[..bytes.len().min(PREFIX_BYTES)]
            .iter()
            .map(|&b| fold_byte(b))
            .collect();
        if bytes.is_empty() {
            return None;
        }
        if !out.contains(&bytes) {
            out.push(bytes);
        }
    }
    (!out.is_empty() && out.len() <= MAX_PREFIXES).then_some(out)
}

/// At most this many bytes of a lead (eight Japanese characters).
pub(crate) const LEAD_BYTES: usize = 24;

/// At most this many leads per branch. A prefix literal's leads are sorted and walked a byte at
/// a time at its hits ([`super::leads::Leads::pick`]), so a long list costs little; a branch
/// with more (or none) runs at every hit of its prefixes. At 32, branches such as
/// `(?:I|we)(?:'ve|\s+have)\s+…` ran at every `i `: 128 ran a folder of letters in 8% fewer
/// instructions and 8% less time, and the 10 MB corpus in 15% less.
const MAX_LEADS: usize = 128;

/// A branch's leads: the literals every match starts with, like its prefixes but longer and
/// read through runs of spaces, so that `I\s+will\s+never` leads with `i will never` where its
/// prefix is `i `. The prefixes stay short because every one of them is a state of the prefix
/// automaton; a lead costs nothing until its prefix is hit, and then rules out most hits before
/// the branch's automaton runs: `i ` starts about a hundred English branches.
///
/// A space in a lead stands for a run of one or more spaces (folded by [`fold_byte`]), and
/// leads never hold two spaces in a row: every match, [`squeeze`]d, starts with a lead.
/// `None` when the leads say no more than the prefixes.
fn leads(hir: &Hir) -> Prefixes {
    let seq = regex_syntax::hir::literal::Extractor::new()
        .kind(regex_syntax::hir::literal::ExtractKind::Prefix)
        .limit_total(4 * MAX_LEADS)
        .extract(&lowercase_letters(spaces_as_one(hir.clone())));
    let squeezed: Vec<Vec<u8>> = seq
        .literals()?
        .iter()
        .map(|lit| {
            let mut out = [0; LEAD_BYTES];
            let n = squeeze(lit.as_bytes(), &mut out);
            out[..n].to_vec()
        })
        .collect();
    // The longest cut that keeps the list short.
    let mut out: Vec<Vec<u8>> = Vec::new();
    for cut in [LEAD_BYTES, 16, 12, 8] {
        out.clear();
        for lit in &squeezed {
            let lit = &lit[..lit.len().min(cut)];
            if lit.is_empty() {
                return None;
            }
            if !out.iter().any(|o| o == lit) {
                out.push(lit.to_vec());
            }
        }
        if out.len() <= MAX_LEADS {
            break;
        }
    }
    let mut prefixes = prefixes(hir)?;
    prefixes.sort_unstable();
    out.sort_unstable();
    (out.len() <= MAX_LEADS && prefixes != out).then_some(out)
}

/// `hir` with every class of ASCII spaces made one space, and every repetition of one made one
/// space (at least one) or an optional space (none).
fn spaces_as_one(hir: Hir) -> Hir {
    let is_space = |c: char| matches!(c, '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ');
    let space = || Hir::literal(*b" ");
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(class))
            if class
                .ranges()
                .iter()
                .all(|r| (r.start()..=r.end()).all(is_space)) =>
        {
            space()
        }
        HirKind::Class(Class::Bytes(class))
            if class
                .ranges()
                .iter()
                .all(|r| (r.start()..=r.end()).all(|b| is_space(b as char))) =>
        {
            space()
        }
        HirKind::Repetition(r) => {
            let sub = spaces_as_one(*r.sub);
            if *sub.kind() == *space().kind() {
                if r.min >= 1 {
                    return space();
                }
                return Hir::repetition(Repetition {
                    min: 0,
                    max: Some(1),
                    greedy: r.greedy,
                    sub: Box::new(sub),
                });
            }
            Hir::repetition(Repetition {
                sub: Box::new(sub),
                ..r
            })
        }
        HirKind::Capture(c) => spaces_as_one(*c.sub),
        HirKind::Concat(v) => Hir::concat(v.into_iter().map(spaces_as_one).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.into_iter().map(spaces_as_one).collect()),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Look(l) => Hir::look(l),
        HirKind::Class(c) => Hir::class(c),
    }
}

/// Calls `f` with each lead encoded in `leads` (by [`put_literals`]) and returns how many
/// there were: none when the branch has none, or the bytes are not what was written.
pub(crate) fn each_lead<'a>(mut leads: &'a [u8], mut f: impl FnMut(&'a [u8])) -> usize {
    let Some(count) = get(&mut leads).and_then(|n| n.checked_sub(1)) else {
        return 0;
    };
    for i in 0..count as usize {
        match take(&mut leads) {
            Some(lead) => f(lead),
            None => return i,
        }
    }
    count as usize
}

/// `bytes` folded by [`fold_byte`] with each run of spaces made one, as far as a lead reaches:
/// what a lead is compared with.
pub(crate) fn squeeze(bytes: &[u8], out: &mut [u8; LEAD_BYTES]) -> usize {
    let mut n = 0;
    for b in bytes.iter().map(|&b| fold_byte(b)) {
        if n == LEAD_BYTES {
            break;
        }
        if !(b == b' ' && n > 0 && out[n - 1] == b' ') {
            out[n] = b;
            n += 1;
        }
    }
    n
}

/// A branch's [`Needles`]: the prefixes of the parts of its concatenation that every match
/// passes through (they cannot match empty), after the first; `None` when no such part has a
/// known literal set that is worth looking for. The parts whose literals are likeliest to be
/// rare come first: the most letters, digits and ideographs in their least such literal,
/// hiragana counting half (「誤作動」 over 「します」, `careful` over `you`), then the fewest
/// literals; a part that can be spaces or punctuation only is not looked for.
fn needles(hir: &Hir) -> Option<Needles> {
    let max_len = hir.properties().maximum_len();
    let max_len = max_len.and_then(|n| u32::try_from(n).ok());
    let HirKind::Concat(parts) = hir.kind() else {
        return None;
    };
    let rarity = |literals: &Vec<Vec<u8>>| {
        // Hiragana count half: they spell the endings every sentence has.
        let weight = |lit: &Vec<u8>| -> usize {
            let chars = String::from_utf8_lossy(lit).into_owned();
            let chars = chars.chars().filter(|c| c.is_alphanumeric());
            chars
                .map(|c| {
                    if ('\u{3041}'..='\u{309F}').contains(&c) {
                        1
                    } else {
                        2
                    }
                })
                .sum()
        };
        let least = literals.iter().map(weight).min().unwrap_or(0);
        (least, std::cmp::Reverse(literals.len()))
    };
    let required = |part: &&Hir| part.properties().minimum_len().is_some_and(|n| n > 0);
    // Not the first part that holds text (after `\b`, say): its literals are the prefixes.
    let mut sets: Vec<_> = parts
        .iter()
        .filter(required)
        .skip(1)
        .filter_map(prefixes)
        .map(|set| (rarity(&set), set))
        .filter(|((least, _), _)| *least > 0)
        .collect();
    // On a tie the later part: the words after a gap say more than those before it.
    sets.reverse();
    sets.sort_by_key(|set| std::cmp::Reverse(set.0));
    sets.truncate(NEEDLE_SETS);
    let sets: Vec<_> = sets.into_iter().map(|(_, set)| set).collect();
    (!sets.is_empty()).then_some(Needles { max_len, sets })
}

/// Turns every class that is just one ASCII letter in both cases (`[Aa]`) into the lowercase
/// letter, and every class of ASCII spaces only (`\s`) into `' '`: literals are compared with
/// text folded by [`fold_byte`], where they are the same. Without the spaces, a branch such as
/// `(?:the\s+)?(?:buyer|another\s+seller|…)` ran to more literals than the extractor keeps and
/// had none at all.
fn lowercase_letters(hir: Hir) -> Hir {
    map_unicode_classes(hir, &|class| {
        let r = class.ranges();
        // The ASCII spaces are `\t`..=`\r` and ` `.
        let space = |r: &ClassUnicodeRange| {
            ('\t'..='\r').contains(&r.start()) && r.end() <= '\r'
                || (r.start(), r.end()) == (' ', ' ')
        };
        if r.iter().all(space) {
            return Hir::literal(*b" ");
        }
        let pair = r.len() == 2
            && r.iter()
                .all(|r| r.start() == r.end() && r.start().is_ascii_alphabetic())
            && r[0].start().to_ascii_lowercase() == r[1].start();
        if pair {
            Hir::literal(r[1].start().to_string().into_bytes())
        } else {
            Hir::class(Class::Unicode(class))
        }
    })
}

/// Appends the encoding of a pattern's branches.
#[allow(dead_code)] // used by build.rs
pub(crate) fn encode_branches(branches: &[Branch], out: &mut Vec<u8>) {
    put(out, branches.len() as u32);
    for b in branches {
        // Length first, so a reader can keep a tree encoded without walking it.
        let mut tree = Vec::new();
        encode(&b.hir, &mut tree);
        put(out, tree.len() as u32);
        out.extend_from_slice(&tree);
        // 0: none, else length + 1.
        let mut caseless = Vec::new();
        if let Some(hir) = &b.caseless {
            encode(hir, &mut caseless);
            put(out, caseless.len() as u32 + 1);
            out.extend_from_slice(&caseless);
        } else {
            put(out, 0);
        }
        put_literals(out, b.prefixes.as_deref());
        put(out, b.start.code());
        let mut leads = Vec::new();
        put_literals(&mut leads, b.leads.as_deref());
        put(out, leads.len() as u32);
        out.extend_from_slice(&leads);
        // Length first, like the trees: read when needed.
        // 0: no needles, 1: no bound on the length, else the bound + 2.
        let mut needles = Vec::new();
        match &b.needles {
            None => put(&mut needles, 0),
            Some(n) => {
                put(&mut needles, n.max_len.map_or(1, |len| len + 2));
                put(&mut needles, n.sets.len() as u32);
                for set in &n.sets {
                    put_literals(&mut needles, Some(set));
                }
            }
        }
        put(out, needles.len() as u32);
        out.extend_from_slice(&needles);
    }
}

/// Reads the needles [`encode_branches`] wrote for a branch, each borrowed from `bytes` (the
/// binary's table: copying each needle twice to build its finder was most of reading them);
/// `None` on bytes it did not write.
pub(crate) fn decode_needles(mut bytes: &[u8]) -> Option<Option<Needles<&[u8]>>> {
    let max_len = match get(&mut bytes)? {
        0 => return Some(None),
        1 => None,
        n => Some(n - 2),
    };
    let count = get(&mut bytes)?;
    let mut sets = Vec::with_capacity(count as usize);
    for _ in 0..count {
        // Each set is a list `put_literals` wrote, never "none".
        let list = skip_literals(&mut bytes)??;
        let mut set = Vec::new();
        each_lead(list, |needle| set.push(needle));
        sets.push(set);
    }
    Some(Some(Needles { max_len, sets }))
}

/// 0 for none, else the count + 1 and each literal with its length.
pub(crate) fn put_literals(out: &mut Vec<u8>, list: Option<&[Vec<u8>]>) {
    match list {
        None => put(out, 0),
        Some(list) => {
            put(out, list.len() as u32 + 1);
            for lit in list {
                put(out, lit.len() as u32);
                out.extend_from_slice(lit);
            }
        }
    }
}

/// Like [`decode_branches`], but leaves each branch's tree encoded (decoded when first needed).
pub(crate) fn split_branches<'a>(bytes: &mut &'a [u8]) -> Option<Vec<EncodedBranch<'a>>> {
    let n = get(bytes)?;
    let mut branches = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let tree = take(bytes)?;
        // 0: no caseless tree, else its length + 1.
        let caseless = match get(bytes)?.checked_sub(1) {
            None => None,
            Some(len) => {
                let tree = bytes.get(..len as usize)?;
                *bytes = &bytes[len as usize..];
                Some(tree)
            }
        };
        let prefixes = skip_literals(bytes)?;
        let start = Start::of_code(get(bytes)?)?;
        let leads = take(bytes)?;
        let needles = take(bytes)?;
        branches.push(EncodedBranch {
            tree,
            caseless,
            prefixes,
            start,
            leads,
            needles,
        });
    }
    Some(branches)
}

/// Reads a varint length and that many bytes.
pub(crate) fn take<'a>(bytes: &mut &'a [u8]) -> Option<&'a [u8]> {
    let n = get(bytes)? as usize;
    let head = bytes.get(..n)?;
    *bytes = &bytes[n..];
    Some(head)
}

/// Steps over a list [`put_literals`] wrote; returns it, still encoded, or `None` when it says
/// "none".
fn skip_literals<'a>(bytes: &mut &'a [u8]) -> Option<Option<&'a [u8]>> {
    let all = *bytes;
    let Some(count) = get(bytes)?.checked_sub(1) else {
        return Some(None);
    };
    for _ in 0..count {
        take(bytes)?;
    }
    Some(Some(&all[..all.len() - bytes.len()]))
}

#[cfg(test)]
fn read_literals(bytes: &mut &[u8]) -> Option<Prefixes> {
    let Some(count) = get(bytes)?.checked_sub(1) else {
        return Some(None);
    };
    let mut list = Vec::with_capacity(count as usize);
    for _ in 0..count {
        list.push(take(bytes)?.to_vec());
    }
    Some(Some(list))
}

/// Reads what [`encode_branches`] wrote, trees decoded; `None` on bytes it did not write. The
/// binary keeps trees encoded ([`split_branches`]); tests check the encoding round-trips.
#[cfg(test)]
pub(crate) fn decode_branches(bytes: &mut &[u8]) -> Option<Vec<Branch>> {
    split_branches(bytes)?
        .into_iter()
        .map(|b| {
            Some(Branch {
                hir: decode(&mut &b.tree[..])?,
                caseless: match b.caseless {
                    Some(code) => Some(decode(&mut &code[..])?),
                    None => None,
                },
                prefixes: match b.prefixes {
                    Some(code) => read_literals(&mut &code[..])?,
                    None => None,
                },
                start: b.start,
                leads: read_literals(&mut &b.leads[..])?,
                needles: decode_needles(b.needles)?.map(|n| Needles {
                    max_len: n.max_len,
                    sets: n
                        .sets
                        .iter()
                        .map(|s| s.iter().map(|l| l.to_vec()).collect())
                        .collect(),
                }),
            })
        })
        .collect()
}

const EMPTY: u8 = 0;
const LITERAL: u8 = 1;
const UNICODE: u8 = 2;
const BYTES: u8 = 3;
const LOOK: u8 = 4;
const REPEAT: u8 = 5;
const CONCAT: u8 = 6;
const ALTERNATE: u8 = 7;

/// Appends the encoding of `hir` (captures are written as their contents).
#[allow(dead_code)] // used by build.rs
pub(crate) fn encode(hir: &Hir, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty => out.push(EMPTY),
        HirKind::Literal(l) => {
            out.push(LITERAL);
            put(out, l.0.len() as u32);
            out.extend_from_slice(&l.0);
        }
        HirKind::Class(Class::Unicode(c)) => {
            out.push(UNICODE);
            put(out, c.ranges().len() as u32);
            for r in c.ranges() {
                put(out, r.start() as u32);
                put(out, r.end() as u32);
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            out.push(BYTES);
            put(out, c.ranges().len() as u32);
            for r in c.ranges() {
                out.extend_from_slice(&[r.start(), r.end()]);
            }
        }
        HirKind::Look(l) => {
            out.push(LOOK);
            put(out, l.as_repr());
        }
        HirKind::Repetition(r) => {
            out.push(REPEAT);
            put(out, r.min);
            // max + 1, so 0 can mean "unbounded".
            put(out, r.max.map_or(0, |m| m + 1));
            out.push(u8::from(r.greedy));
            encode(&r.sub, out);
        }
        HirKind::Capture(c) => encode(&c.sub, out),
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            let tag = if matches!(hir.kind(), HirKind::Concat(_)) {
                CONCAT
            } else {
                ALTERNATE
            };
            out.push(tag);
            put(out, v.len() as u32);
            for h in v {
                encode(h, out);
            }
        }
    }
}

/// Reads one tree written by [`encode`]; `None` on bytes it did not write.
pub(crate) fn decode(bytes: &mut &[u8]) -> Option<Hir> {
    let (&tag, rest) = bytes.split_first()?;
    *bytes = rest;
    Some(match tag {
        EMPTY => Hir::empty(),
        LITERAL => {
            let n = get(bytes)? as usize;
            let lit = bytes.get(..n)?;
            *bytes = &bytes[n..];
            Hir::literal(lit)
        }
        UNICODE => {
            let n = get(bytes)?;
            let mut ranges = Vec::with_capacity(n as usize);
            for _ in 0..n {
                let start = char::from_u32(get(bytes)?)?;
                let end = char::from_u32(get(bytes)?)?;
                ranges.push(ClassUnicodeRange::new(start, end));
            }
            Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
        }
        BYTES => {
            let n = get(bytes)? as usize;
            let pairs = bytes.get(..2 * n)?;
            *bytes = &bytes[2 * n..];
            let ranges = pairs
                .chunks_exact(2)
                .map(|p| ClassBytesRange::new(p[0], p[1]));
            Hir::class(Class::Bytes(ClassBytes::new(ranges)))
        }
        LOOK => Hir::look(Look::from_repr(get(bytes)?)?),
        REPEAT => {
            let min = get(bytes)?;
            let max = get(bytes)?.checked_sub(1);
            let (&greedy, rest) = bytes.split_first()?;
            *bytes = rest;
            let sub = Box::new(decode(bytes)?);
            Hir::repetition(Repetition {
                min,
                max,
                greedy: greedy == 1,
                sub,
            })
        }
        CONCAT | ALTERNATE => {
            let n = get(bytes)?;
            let mut subs = Vec::with_capacity(n as usize);
            for _ in 0..n {
                subs.push(decode(bytes)?);
            }
            if tag == CONCAT {
                Hir::concat(subs)
            } else {
                Hir::alternation(subs)
            }
        }
        _ => return None,
    })
}

/// LEB128 unsigned varint.
#[allow(dead_code)] // used by build.rs
pub(crate) fn put(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

pub(crate) fn get(bytes: &mut &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for shift in (0..35).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        n |= u32::from(b & 0x7F).checked_shl(shift)?;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(hir: &Hir, text: &str) -> bool {
        regex::Regex::new(&hir.to_string()).unwrap().is_match(text)
    }

    #[test]
    fn caseless_forms_match_lowercased_text_exactly_when_the_original_matches() {
        for pattern in [
            r"(?i)\bhacked\b",
            r"(?i)you(?:r team)? [^.!?\n]{0,9}wrong",
            r"(?i)[a-c]x",
        ] {
            let hir = parse(pattern).unwrap();
            let folded = caseless(&hir).expect("a (?i) pattern is caseless");
            for text in [
                "I was HACKED.",
                "Your Team is Wrong",
                "you r wrong",
                "BX",
                "dx",
            ] {
                let lowered = text.to_ascii_lowercase();
                assert_eq!(
                    matches(&folded, &lowered),
                    matches(&hir, text),
                    "{pattern} on {text}"
                );
            }
        }
        // A letter in one case only, or no letter at all (nothing to gain): no caseless form.
        assert_eq!(caseless(&parse("Amazon|amazon").unwrap()), None);
        assert_eq!(caseless(&parse("[A-Z]{2,}").unwrap()), None);
        assert_eq!(caseless(&parse("御社の(?:ミス|不具合)").unwrap()), None);
    }

    #[test]
    fn branches_round_trip_through_the_table_encoding() {
        let hir = parse(r"(?i)\bmy lawyer\b|御社[^。]{0,9}ミス|[A-Z]{3,}").unwrap();
        let branches = branches(&hir);
        assert_eq!(branches.len(), 3);
        assert!(branches[0].caseless.is_some() && branches[0].prefixes.is_some());
        assert!(
            branches[2].prefixes.is_none(),
            "a broad class has no prefix set"
        );
        let mut code = Vec::new();
        encode_branches(&branches, &mut code);
        assert_eq!(decode_branches(&mut &code[..]), Some(branches));
    }

    #[test]
    fn a_branch_after_a_wide_first_character_is_prefixed_by_what_follows_it() {
        let only = |pattern: &str| {
            let mut branches = branches(&parse(pattern).unwrap());
            assert_eq!(branches.len(), 1, "{pattern}");
            let b = branches.remove(0);
            let words = b.prefixes.map(|list| {
                let words = list.into_iter().map(|l| String::from_utf8(l).unwrap());
                words.collect::<Vec<_>>()
            });
            (b.start.shifted, words, b.leads)
        };
        let words = |list: &[&str]| Some(list.iter().map(|s| s.to_string()).collect());
        assert_eq!(only("[^まで]した"), (true, words(&["した"]), None));
        // `\A` stands for the first character: the match starts at the hit.
        assert_eq!(only(r"(?:\A|[^由])乙"), (true, words(&["乙"]), None));
        // Each alternative loses its own first character.
        // Leads read on past the prefixes from the hit, as for any branch.
        let leads = ["した。", "れた。"].map(|l| l.as_bytes().to_vec());
        assert_eq!(
            only("(?:[^まで]した|された)。"),
            (true, words(&["した", "れた"]), Some(leads.to_vec()))
        );
        // Prefixes of its own: not shifted.
        assert_eq!(only("御社"), (false, words(&["御社"]), None));
        // A repetition first, or a first part that can be empty: none at all.
        assert_eq!(only("[A-Z]{3,}x").1, None);
        assert_eq!(only("(?:[ぁ-ん]|)した").1, None);
    }

    #[test]
    fn a_branch_past_the_extractors_budget_gets_a_larger_one() {
        let adjectives = "great|good|nice|fine|amazing|awesome|excellent|wonderful|lovely|perfect|\
            brilliant|fantastic|superb|terrific|splendid|marvelous|outstanding|incredible|\
            impressive|stellar|beautiful|grand|cool|sweet|neat|swell|peachy|dandy|fabulous|super";
        let adjectives = adjectives.replace(' ', "");
        let pattern = format!(
            r"(?i)\b(?:(?:really|truly|very|so|just|simply|absolutely|such|what)\s+)?(?:an?\s+)?(?:{adjectives})\b"
        );
        let hir = parse(&pattern).unwrap();
        let lowered = lowercase_letters(hir.clone());
        assert_eq!(prefixes_within(&lowered, LITERAL_BUDGETS[0]), None);
        let found = prefixes(&hir).expect("the larger budget finds literals");
        for word in ["really", "an ", "great", "fabulo"] {
            assert!(
                found.contains(&word.as_bytes().to_vec()),
                "{word}: {found:?}"
            );
        }
    }

    #[test]
    fn spaces_are_one_literal_space_to_the_prefixes() {
        let hir = parse(
            r"(?i)\b(?:the\s+)?(?:buyer|buyers|customer|customers|competitor|competitors|another\s+seller|other\s+sellers|the\s+bank|my\s+bank|the\s+card\s+company)(?:['’]s|s['’])?\s+(?:fault|lied)\b",
        )
        .unwrap();
        let prefixes = prefixes(&hir).expect("six spaces per `\\s` made too many literals");
        assert!(prefixes.contains(&b"the ".to_vec()), "{prefixes:?}");
        assert!(prefixes.contains(&b"anothe".to_vec()), "{prefixes:?}");
    }

    #[test]
    fn leads_read_through_runs_of_spaces_and_say_more_than_the_prefixes() {
        let leads_of = |pattern: &str| leads(&parse(pattern).unwrap());
        let strings = |list: &[&str]| Some(list.iter().map(|s| s.as_bytes().to_vec()).collect());
        assert_eq!(
            leads_of(r"(?i)\bI\s+will\s+never\b"),
            strings(&["i will never"])
        );
        assert_eq!(
            leads_of(r"(?i)\b(?:I|we)\s+(?:will|'ll)\s+never\b"),
            strings(&[
                "i 'll never",
                "i will never",
                "we 'll never",
                "we will never"
            ])
        );
        // An optional run of spaces: with and without one.
        assert_eq!(
            leads_of(r"a\s*b\s?c"),
            strings(&["a b c", "a bc", "ab c", "abc"])
        );
        // A lead is at most 24 bytes.
        assert_eq!(
            leads_of("この度は大変ご迷惑をおかけしました"),
            strings(&["この度は大変ご迷"])
        );
        // When the prefixes say as much: none.
        assert_eq!(leads_of("御社"), None);
        assert_eq!(leads_of(r"\d+円"), None);
        // Too many: cut shorter, then none.
        assert!(leads_of(r"[a-h][a-h][a-h][a-h]x").is_none());
        let mut window = [0; LEAD_BYTES];
        let n = squeeze(b"I  \t WILL\n never", &mut window);
        assert_eq!(&window[..n], b"i will never");
    }

    #[test]
    fn a_branch_led_by_a_word_boundary_never_starts_inside_a_word() {
        let starts = |pattern: &str| -> Vec<Start> {
            branches(&parse(pattern).unwrap())
                .iter()
                .map(|b| b.start)
                .collect()
        };
        let [word, plain, grouped, mixed] = [
            r"\bhack(?:ed|ing)\b",
            r"hack(?:ed|ing)\b",
            r"(?:\bhacked|\bhijacked)\s+account",
            r"(?:\bhacked|hijacked)\s+account",
        ]
        .map(|p| starts(p)[0]);
        assert!(word.at_word_boundary && grouped.at_word_boundary);
        assert!(!plain.at_word_boundary && !mixed.at_word_boundary);
        // Not between two ASCII word characters; anywhere else, as far as this says.
        let text = b"we got hacked, rehacked";
        let at = |needle: &str| {
            let n = needle.as_bytes();
            text.windows(n.len()).position(|w| w == n).unwrap()
        };
        assert!(word.allows(text, at("hacked")));
        assert!(!word.allows(text, at("hacked") + 2));
        assert!(!word.allows(text, at("rehacked") + 2));
        assert!(plain.allows(text, at("rehacked") + 2));
        assert!(word.allows(text, 0));
        // It travels through the build-time encoding.
        for start in [
            word,
            plain,
            Start {
                shifted: true,
                at_word_boundary: true,
            },
        ] {
            assert_eq!(Start::of_code(start.code()), Some(start));
        }
        assert_eq!(Start::of_code(4), None);
    }

    #[test]
    fn needles_are_the_rarest_required_part_after_the_first() {
        let needles_of = |pattern: &str| {
            let hir = parse(pattern).unwrap();
            needles(&hir).map(|n| {
                let words: Vec<String> = n.sets[0]
                    .iter()
                    .map(|l| String::from_utf8(l.clone()).unwrap())
                    .collect();
                (n.max_len.map(|n| n as usize), words)
            })
        };
        // In bytes: 御社, nine characters of up to 4 bytes, ミス or 誤り, でした.
        let (max_len, words) = needles_of("御社[^。]{0,9}(?:ミス|誤り)(?:です|でした)?").unwrap();
        assert_eq!(
            (max_len, words),
            (Some(6 + 9 * 4 + 6 + 9), vec!["ミス".into(), "誤り".into()])
        );
        // 「します」 is in every other sentence; 「注意」 is not.
        let (_, words) = needles_of("今後[^。]{0,9}(?:注意|確認)(?:します|いたします)").unwrap();
        assert_eq!(words, ["注意", "確認"]);
        // English words are found in the lowercased text.
        let (_, words) = needles_of(r"(?i)\byour [^.]{0,20}\b(?:Fault|Mistake)\b").unwrap();
        assert_eq!(words, ["fault", "mistak"]);
        // No bound on a match's length: needles all the same.
        assert_eq!(needles_of("御社.*ミス"), Some((None, vec!["ミス".into()])));
        // Nothing required after the first part: no needles.
        assert_eq!(needles_of("御社(?:ミス)?"), None);
    }
}
