//! Searches an NFA read straight from [`nfacode`](super::nfacode)'s bytes: a Pike VM without
//! capture slots, over flat arrays.
//!
//! Why: a letter checks a few dozen branches that build.rs could not give a DFA (a wide gap
//! over any character before a list of words), each a few times over a few dozen bytes.
//! Rebuilding such a branch's `thompson::NFA` through `Builder` cost about 600 instructions per
//! state (a fifth of linting a letter), and a `PikeVM` over it tracks capture slots that nothing
//! reads. The encoding is fixed-width, so a search reads only the states it visits, in place
//! (reading every state into vectors first was a sixth of linting an English letter), and the
//! simulation only asks where the highest-priority thread ends.
//!
//! Semantics are the lazy DFA's (leftmost-first, as `patterns.rs` builds it): an anchored
//! search returns the earliest end or the leftmost-first one; an unanchored one, whether there
//! is a match. A test checks both against the lazy DFA on every shipped branch.

use super::nfacode::{
    BYTE_RANGE, CAPTURE_END, CAPTURE_START, Code, LOOK, MATCH, SPARSE, State8, UNION,
};
use regex_automata::util::look::{Look, LookMatcher};

#[derive(Debug, Clone, Copy)]
enum Op {
    /// One byte range.
    Range {
        lo: u8,
        hi: u8,
        next: u32,
    },
    /// Sorted, disjoint ranges: the code's ranges `from..to`.
    Sparse {
        from: u32,
        to: u32,
    },
    Look {
        look: Look,
        next: u32,
    },
    /// Alternatives in priority order: the code's alternatives `from..to`.
    Union {
        from: u32,
        to: u32,
    },
    /// An epsilon move that records the position in capture slot `slot` (group index times
    /// two, plus one for its end), for [`Nfa::captures`]; other searches just move on.
    Capture {
        next: u32,
        slot: u32,
    },
    Fail,
    Match,
}

/// An NFA as [`nfacode::encode`](super::nfacode) wrote it, searched in place.
#[derive(Debug)]
pub(crate) struct Nfa<'a> {
    code: Code<'a>,
    /// The groups' names by index.
    names: Vec<Option<Box<str>>>,
    looks: LookMatcher,
}

/// Working memory of searches, shared by every NFA one thread searches.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    curr: Threads,
    next: Threads,
    stack: Vec<u32>,
    /// For [`Nfa::captures`]: the closure's frames, and the slots of the thread it follows.
    frames: Vec<Frame>,
    slots: Vec<Option<usize>>,
}

/// A step of a closure that records capture slots: explore a state, or put a slot back as it
/// was before a capture state on the path explored last.
#[derive(Debug, Clone, Copy)]
enum Frame {
    Explore(u32),
    Restore(u32, Option<usize>),
}

/// The states alive at one position, in priority order, and which states the current
/// closure has visited (`seen[s] == stamp`): a new position takes a new stamp instead of
/// clearing the array.
#[derive(Debug, Default)]
struct Threads {
    list: Vec<u32>,
    seen: Vec<u32>,
    stamp: u32,
    /// For [`Nfa::captures`]: each thread's capture slots, in the order of `list`.
    slots: Vec<Option<usize>>,
}

impl Threads {
    fn reset(&mut self, states: usize) {
        self.list.clear();
        self.slots.clear();
        if self.seen.len() < states {
            self.seen.resize(states, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.fill(0);
            self.stamp = 1;
        }
    }
}

impl<'a> Nfa<'a> {
    /// The NFA in the bytes `nfacode::encode` wrote; `None` when they do not hold one. Only the
    /// sizes are checked here: a state is read, and checked, when a search reaches it.
    pub(crate) fn decode(bytes: &'a [u8]) -> Option<Nfa<'a>> {
        let code = Code::read(bytes)?;
        // More slots than states is bad bytes, not a reason to allocate.
        if code.slots > code.len.saturating_mul(2) {
            return None;
        }
        // One per group, named or not.
        let mut names = vec![None; code.slots.div_ceil(2) as usize];
        for named in code.names() {
            let (group, name) = named?;
            *names.get_mut(group as usize)? = Some(Box::from(name));
        }
        Some(Nfa {
            code,
            names,
            looks: LookMatcher::new(),
        })
    }

    /// State `sid`; a state the bytes do not hold fails.
    #[inline]
    fn op(&self, sid: u32) -> Op {
        let Some(State8 { tag, a, b }) = self.code.state(sid) else {
            return Op::Fail;
        };
        // A list past the code's end is bad bytes: read as empty (see `Code::ranges`).
        let span = |count: u32| b.checked_add(count).map(|to| (b, to));
        match tag {
            BYTE_RANGE => Op::Range {
                lo: a as u8,
                hi: (a >> 8) as u8,
                next: b,
            },
            SPARSE => span(a).map_or(Op::Fail, |(from, to)| Op::Sparse { from, to }),
            LOOK => Look::from_repr(a).map_or(Op::Fail, |look| Op::Look { look, next: b }),
            UNION => span(a).map_or(Op::Fail, |(from, to)| Op::Union { from, to }),
            MATCH => Op::Match,
            CAPTURE_START | CAPTURE_END => Op::Capture {
                next: b,
                slot: a.saturating_mul(2) + u32::from(tag == CAPTURE_END),
            },
            // FAIL, and a tag the encoding does not have.
            _ => Op::Fail,
        }
    }

    /// Whether a state asserts a Unicode word boundary.
    pub(crate) fn has_unicode_word(&self) -> bool {
        self.code.unicode_word
    }

    /// Where a match anchored at `start` of `haystack` ends: the earliest end, or the
    /// leftmost-first one. The text before `start` stays visible to look-around.
    pub(crate) fn find(
        &self,
        scratch: &mut Scratch,
        haystack: &[u8],
        start: usize,
        earliest: bool,
    ) -> Option<usize> {
        self.search(scratch, haystack, start, true, earliest)
    }

    /// The capture slots (`2 * group` its start, `2 * group + 1` its end) of the
    /// leftmost-first match anchored at `start` of `haystack`, as a PikeVM gives them.
    pub(crate) fn captures(
        &self,
        scratch: &mut Scratch,
        haystack: &[u8],
        start: usize,
    ) -> Option<Vec<Option<usize>>> {
        let n = self.code.slots as usize;
        let states = self.code.len as usize;
        let Scratch {
            curr,
            next,
            frames,
            slots,
            ..
        } = scratch;
        curr.reset(states);
        next.reset(states);
        slots.clear();
        slots.resize(n, None);
        let mut found = None;
        self.add_slots(
            curr,
            frames,
            slots,
            self.code.start_anchored,
            haystack,
            start,
        );
        let mut at = start;
        loop {
            for i in 0..curr.list.len() {
                let s = curr.list[i];
                let thread = &curr.slots[i * n..(i + 1) * n];
                let to = match (self.op(s), haystack.get(at).copied()) {
                    (Op::Match, _) => {
                        found = Some(thread.to_vec());
                        // Lower-priority threads lose to this match.
                        break;
                    }
                    (op, Some(b)) => match self.step(op, b) {
                        Some(to) => to,
                        None => continue,
                    },
                    _ => continue,
                };
                slots.copy_from_slice(thread);
                self.add_slots(next, frames, slots, to, haystack, at + 1);
            }
            if at >= haystack.len() || next.list.is_empty() {
                return found;
            }
            at += 1;
            std::mem::swap(curr, next);
            next.reset(states);
        }
    }

    /// Where state `op` goes on byte `b`, if it reads it.
    fn step(&self, op: Op, b: u8) -> Option<u32> {
        match op {
            Op::Range { lo, hi, next } if (lo..=hi).contains(&b) => Some(next),
            Op::Sparse { from, to } => {
                match self.code.ranges(from, to).find(|&(_, hi, _)| b <= hi) {
                    Some((lo, _, next)) if lo <= b => Some(next),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The names of the capture groups, by index.
    pub(crate) fn group_names(&self) -> &[Option<Box<str>>] {
        &self.names
    }

    /// Whether the pattern matches anywhere in `haystack`.
    pub(crate) fn is_match(&self, scratch: &mut Scratch, haystack: &[u8]) -> bool {
        self.search(scratch, haystack, 0, false, true).is_some()
    }

    fn search(
        &self,
        scratch: &mut Scratch,
        haystack: &[u8],
        start: usize,
        anchored: bool,
        earliest: bool,
    ) -> Option<usize> {
        let Scratch {
            curr, next, stack, ..
        } = scratch;
        let states = self.code.len as usize;
        let begin = self.code.start_anchored;
        curr.reset(states);
        next.reset(states);
        let mut found = None;
        self.add(curr, stack, begin, haystack, start);
        let mut at = start;
        loop {
            for i in 0..curr.list.len() {
                let s = curr.list[i];
                let byte = haystack.get(at).copied();
                let to = match (self.op(s), byte) {
                    (Op::Match, _) => {
                        found = Some(at);
                        if earliest {
                            return found;
                        }
                        // Lower-priority threads lose to this match.
                        break;
                    }
                    (op, Some(b)) => match self.step(op, b) {
                        Some(to) => to,
                        None => continue,
                    },
                    _ => continue,
                };
                self.add(next, stack, to, haystack, at + 1);
            }
            if at >= haystack.len() {
                return found;
            }
            at += 1;
            // A new start at every position while nothing matched, after the older threads.
            if !anchored && found.is_none() {
                self.add(next, stack, begin, haystack, at);
            }
            // Unanchored, a start that a look-behind kills here may live at the next byte.
            if next.list.is_empty() && (anchored || found.is_some()) {
                return found;
            }
            std::mem::swap(curr, next);
            next.reset(states);
        }
    }

    /// [`Nfa::add`] for [`Nfa::captures`]: each state that goes on the list takes the slots
    /// of the path that reached it first, `slots` as they were at `sid` with the captures on
    /// the way recorded. Kept apart from `add` on purpose: `add` serving both (empty slots,
    /// restore frames on its stack) cost the bench letter 0.7M more instructions (+3.7%).
    fn add_slots(
        &self,
        set: &mut Threads,
        frames: &mut Vec<Frame>,
        slots: &mut [Option<usize>],
        sid: u32,
        haystack: &[u8],
        at: usize,
    ) {
        frames.push(Frame::Explore(sid));
        while let Some(frame) = frames.pop() {
            let s = match frame {
                Frame::Restore(slot, was) => {
                    slots[slot as usize] = was;
                    continue;
                }
                Frame::Explore(s) => s,
            };
            let Some(seen) = set.seen.get_mut(s as usize) else {
                continue;
            };
            if *seen == set.stamp {
                continue;
            }
            *seen = set.stamp;
            match self.op(s) {
                Op::Union { from, to } => {
                    frames.extend(self.code.alts_reversed(from, to).map(Frame::Explore));
                }
                Op::Capture { next, slot } => {
                    let Some(&was) = slots.get(slot as usize) else {
                        continue;
                    };
                    frames.push(Frame::Restore(slot, was));
                    slots[slot as usize] = Some(at);
                    frames.push(Frame::Explore(next));
                }
                Op::Look { look, next } => {
                    if self.looks.matches(look, haystack, at) {
                        frames.push(Frame::Explore(next));
                    }
                }
                Op::Fail => {}
                Op::Range { .. } | Op::Sparse { .. } | Op::Match => {
                    set.list.push(s);
                    set.slots.extend_from_slice(slots);
                }
            }
        }
    }

    /// Adds the states `sid` reaches at `at` without reading a byte, in priority order: those
    /// that read a byte or match go on `set`'s list.
    fn add(&self, set: &mut Threads, stack: &mut Vec<u32>, sid: u32, haystack: &[u8], at: usize) {
        stack.push(sid);
        while let Some(s) = stack.pop() {
            let Some(seen) = set.seen.get_mut(s as usize) else {
                continue;
            };
            if *seen == set.stamp {
                continue;
            }
            *seen = set.stamp;
            match self.op(s) {
                Op::Union { from, to } => {
                    stack.extend(self.code.alts_reversed(from, to));
                }
                Op::Capture { next, .. } => stack.push(next),
                Op::Look { look, next } => {
                    if self.looks.matches(look, haystack, at) {
                        stack.push(next);
                    }
                }
                Op::Fail => {}
                Op::Range { .. } | Op::Sparse { .. } | Op::Match => set.list.push(s),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::nfacode;
    use regex_automata::hybrid::dfa::DFA;
    use regex_automata::nfa::thompson;
    use regex_automata::{Anchored, Input};

    fn encoded(pattern: &str) -> Vec<u8> {
        let nfa = thompson::Compiler::new()
            .configure(nfacode::config())
            .build(pattern)
            .unwrap();
        nfacode::encode(&nfa).unwrap()
    }

    const HAYSTACKS: [&str; 4] = [
        "Your team made a mistake. your own fault, not mine; your  X fault",
        "御社のミスです。御社の対応の誤りであり、御社はミス",
        "I understand that my late reply to the notice triggered it. my x caused",
        "line one\nline two: 1234-56\n",
    ];

    // Word boundaries as the packs' become (`hircode::ascii_classes`), lines, alternatives
    // whose order decides the leftmost-first end, and gaps that keep many threads alive.
    const PATTERNS: [&str; 6] = [
        r"(?i)(?-u:\b)your\s+(?-u:\w)+\s+(?:fault|mistake)(?-u:\b)",
        "御社[^。]{0,9}(?:ミス|誤り)",
        r"(?i)(?-u:\b)I\s+understand\s+(?:that\s+)?my\s+[^.\n]{0,60}(?-u:\b)(?:triggered|caused)(?-u:\b)",
        r"(?i)(?-u:\b)my\s+(?-u:\w)+|x|(?:late|reply)\s",
        r"(?m)^line\s+\w+$|\d{4}-\d{2}$|two:",
        "御社(?:の対応)?の?|ミス",
    ];

    #[test]
    fn anchored_searches_end_where_the_lazy_dfa_does() {
        let mut scratch = Scratch::default();
        for pattern in PATTERNS {
            let code = encoded(pattern);
            let nfa = Nfa::decode(&code).unwrap();
            let dfa = DFA::builder()
                .configure(DFA::config().unicode_word_boundary(true))
                .build_from_nfa(nfacode::decode(&code).unwrap())
                .unwrap();
            let mut cache = dfa.create_cache();
            let mut found = 0;
            for text in HAYSTACKS {
                let starts = (0..=text.len()).filter(|&at| text.is_char_boundary(at));
                for (start, earliest) in starts.flat_map(|at| [(at, false), (at, true)]) {
                    let input = Input::new(text)
                        .range(start..)
                        .anchored(Anchored::Yes)
                        .earliest(earliest);
                    let by_dfa = dfa.try_search_fwd(&mut cache, &input).unwrap();
                    let by_dfa = by_dfa.map(|m| m.offset());
                    let by_sim = nfa.find(&mut scratch, text.as_bytes(), start, earliest);
                    assert_eq!(by_sim, by_dfa, "{pattern} at {start} in {text:?}");
                    found += usize::from(by_sim.is_some());
                }
                // A haystack cut short ends the search there.
                let cut = text.len() / 2;
                let whole = nfa.find(&mut scratch, text.as_bytes(), 0, false);
                let short = nfa.find(&mut scratch, &text.as_bytes()[..cut], 0, false);
                assert!(short.is_none_or(|end| end <= cut));
                if whole.is_some_and(|end| end <= cut) {
                    assert!(short.is_some(), "{pattern}");
                }
            }
            assert!(found > 0, "{pattern} matched nowhere");
        }
    }

    #[test]
    fn unanchored_searches_agree_with_the_regex_crate() {
        let mut scratch = Scratch::default();
        for pattern in PATTERNS {
            let code = encoded(pattern);
            let nfa = Nfa::decode(&code).unwrap();
            let regex = regex::Regex::new(pattern).unwrap();
            for text in HAYSTACKS {
                let lines = text.split_inclusive(['。', '.', '\n']);
                for sentence in lines.chain([text, ""]) {
                    let expected = regex.is_match(sentence);
                    let got = nfa.is_match(&mut scratch, sentence.as_bytes());
                    assert_eq!(got, expected, "{pattern} in {sentence:?}");
                }
            }
        }
    }

    #[test]
    fn capture_slots_are_the_pikevms() {
        use regex_automata::nfa::thompson::pikevm::PikeVM;
        let mut scratch = Scratch::default();
        let mut compared = 0;
        for pattern in [
            r"(a+)(b)?|(ab)c",
            r"(?P<who>御社|貴社)[^。]{0,5}(ミス|誤り)(です)?",
            r"(\w+)((?:w|ｗ)+)(。|$)",
            r"((?:a|ab)(c|bcd))(d*)",
        ] {
            let vm = PikeVM::new(pattern).unwrap();
            let code = nfacode::encode(vm.get_nfa()).unwrap();
            let nfa = Nfa::decode(&code).unwrap();
            let (mut cache, mut caps) = (vm.create_cache(), vm.create_captures());
            for text in [
                "aab abc abcd",
                "御社の対応ミスです。貴社の誤り",
                "草www。すごいｗ",
                "abcdd acd",
            ] {
                let starts = (0..=text.len()).filter(|&at| text.is_char_boundary(at));
                for start in starts {
                    let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                    vm.captures(&mut cache, input, &mut caps);
                    let by_pike = caps.is_match().then(|| {
                        (0..caps.group_len())
                            .flat_map(|g| match caps.get_group(g) {
                                Some(span) => [Some(span.start), Some(span.end)],
                                None => [None, None],
                            })
                            .collect::<Vec<_>>()
                    });
                    let by_sim = nfa.captures(&mut scratch, text.as_bytes(), start);
                    assert_eq!(by_sim, by_pike, "{pattern} at {start} of {text}");
                    compared += usize::from(by_sim.is_some());
                }
            }
        }
        assert!(compared > 10, "{compared} matches compared");
        let code = nfacode::encode(PikeVM::new(r"(?P<who>a)(b)").unwrap().get_nfa()).unwrap();
        let names: Vec<_> = Nfa::decode(&code)
            .unwrap()
            .group_names()
            .iter()
            .map(|n| n.as_deref().map(str::to_owned))
            .collect();
        assert_eq!(names, [None, Some("who".to_owned()), None]);
    }

    #[test]
    fn bad_bytes_are_refused_or_searched_without_panicking() {
        let code = encoded(PATTERNS[2]);
        assert!(Nfa::decode(&code[..code.len() - 1]).is_none());
        let mut scratch = Scratch::default();
        for i in 0..code.len() {
            for flip in [0x55, 0x01, 0x80] {
                let mut bad = code.clone();
                bad[i] ^= flip;
                if let Some(nfa) = Nfa::decode(&bad) {
                    let _ = nfa.find(&mut scratch, HAYSTACKS[2].as_bytes(), 0, false);
                    let _ = nfa.is_match(&mut scratch, HAYSTACKS[2].as_bytes());
                    let _ = nfa.captures(&mut scratch, HAYSTACKS[2].as_bytes(), 0);
                }
            }
        }
        // Unicode word boundaries are reported, so that patterns.rs leaves them to the DFA.
        assert!(
            Nfa::decode(&encoded(r"\bword\b"))
                .unwrap()
                .has_unicode_word()
        );
        assert!(
            !Nfa::decode(&encoded(r"(?-u:\b)word"))
                .unwrap()
                .has_unicode_word()
        );
    }
}
