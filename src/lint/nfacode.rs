//! A fixed-width encoding of a Thompson NFA, so that build.rs can compile the branches whose DFA is
//! too big to embed and the binary can rebuild their NFAs without compiling them again.
//!
//! Why: compiling such a branch (a wide gap over any character before a list of words) from its
//! tree costs about a million instructions, mostly expanding each counted copy of a UTF-8 class;
//! rebuilding the finished NFA state by state through `thompson::Builder` costs a fraction of
//! that. The final NFA has no empty states, so adding its states in order gives every state the
//! same id, and `Builder::build` gives back the same NFA (a test checks every shipped one).

use regex_automata::nfa::thompson::{self, Builder, NFA, State, Transition, WhichCaptures};
use regex_automata::util::look::Look;
use regex_automata::util::primitives::StateID;

/// How the packs' patterns are compiled to NFAs, at build time and at run time alike: no capture
/// groups (nothing reads them) and no shrinking (it costs more than it saves on one search).
pub(crate) fn config() -> thompson::Config {
    thompson::Config::new()
        .shrink(false)
        .which_captures(WhichCaptures::None)
        .nfa_size_limit(Some(256 << 20))
}

pub(crate) const BYTE_RANGE: u8 = 0;
pub(crate) const SPARSE: u8 = 1;
pub(crate) const LOOK: u8 = 2;
pub(crate) const UNION: u8 = 3;
pub(crate) const FAIL: u8 = 5;
pub(crate) const MATCH: u8 = 6;
pub(crate) const CAPTURE_START: u8 = 7;
pub(crate) const CAPTURE_END: u8 = 8;

/// Header words: states, flags, the three starts, ranges, alternatives, name bytes, slots.
const HEADER: usize = 9 * 4;
/// A state is 8 bytes: its tag, a 24-bit field `a` and a 32-bit field `b` (see [`State8`]).
const STATE: usize = 8;
/// A transition of a sparse state: low and high byte, and the next state.
const RANGE: usize = 6;
/// Flag: a state asserts a Unicode word boundary (the lazy DFA gives up on those).
const UNICODE_WORD: u32 = 1;
/// Flag: the NFA matches only UTF-8 (`NFA::is_utf8`).
const UTF8: u32 = 2;

/// Appends `nfa`'s encoding; `None` (nothing worth writing) for an NFA with states this encoding
/// does not hold (several patterns, dense states) or another look matcher. Capture groups are
/// kept, with their names, for the NFAs that read them (regex.rs).
///
/// The layout is fixed-width so that a search reads the states it visits straight from the
/// bytes (`nfasim`): decoding a whole branch's NFA into vectors first, when a letter visits a
/// few dozen of its thousands of states, was a sixth of linting an English letter.
#[allow(dead_code)] // used by build.rs
pub(crate) fn encode(nfa: &NFA) -> Option<Vec<u8>> {
    if nfa.pattern_len() != 1 || nfa.is_reverse() {
        return None;
    }
    let (mut states, mut ranges, mut alts, mut names) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut flags, mut slots) = (0u32, 0u32);
    let mut state = |tag: u8, a: u32, b: u32| -> Option<()> {
        if a >= 1 << 24 {
            return None;
        }
        states.push(tag);
        states.extend_from_slice(&a.to_le_bytes()[..3]);
        states.extend_from_slice(&b.to_le_bytes());
        Some(())
    };
    let count = |list: &Vec<u8>, width: usize| (list.len() / width) as u32;
    for s in nfa.states() {
        match s {
            State::ByteRange { trans: t } => state(
                BYTE_RANGE,
                u32::from(t.start) | u32::from(t.end) << 8,
                t.next.as_u32(),
            )?,
            State::Sparse(sparse) => {
                let from = count(&ranges, RANGE);
                for t in sparse.transitions.iter() {
                    ranges.extend_from_slice(&[t.start, t.end]);
                    ranges.extend_from_slice(&t.next.as_u32().to_le_bytes());
                }
                state(SPARSE, sparse.transitions.len() as u32, from)?
            }
            State::Look { look, next } => {
                if matches!(
                    look,
                    Look::WordUnicode
                        | Look::WordUnicodeNegate
                        | Look::WordStartUnicode
                        | Look::WordEndUnicode
                        | Look::WordStartHalfUnicode
                        | Look::WordEndHalfUnicode
                ) {
                    flags |= UNICODE_WORD;
                }
                state(LOOK, look.as_repr(), next.as_u32())?
            }
            State::Union { alternates } => {
                let from = count(&alts, 4);
                alternates
                    .iter()
                    .for_each(|a| alts.extend_from_slice(&a.as_u32().to_le_bytes()));
                state(UNION, alternates.len() as u32, from)?
            }
            State::BinaryUnion { alt1, alt2 } => {
                let from = count(&alts, 4);
                for a in [alt1, alt2] {
                    alts.extend_from_slice(&a.as_u32().to_le_bytes());
                }
                state(UNION, 2, from)?
            }
            State::Fail => state(FAIL, 0, 0)?,
            State::Match { .. } => state(MATCH, 0, 0)?,
            // One pattern: a group's slots are its index times two (start), plus one (end).
            State::Capture {
                next,
                pattern_id,
                group_index,
                slot,
            } => {
                let group = group_index.as_u32();
                slots = slots.max(slot.as_u32() + 1);
                if slot.as_usize() % 2 == 1 {
                    state(CAPTURE_END, group, next.as_u32())?;
                    continue;
                }
                state(CAPTURE_START, group, next.as_u32())?;
                // Names: the group, the name's length, the name.
                let name = nfa
                    .group_info()
                    .to_name(*pattern_id, group_index.as_usize());
                if let Some(name) = name {
                    names.extend_from_slice(&group.to_le_bytes());
                    names.extend_from_slice(&(name.len() as u32).to_le_bytes());
                    names.extend_from_slice(name.as_bytes());
                }
            }
            State::Dense(_) => return None,
        }
    }
    let header = [
        nfa.states().len() as u32,
        flags | if nfa.is_utf8() { UTF8 } else { 0 },
        nfa.start_anchored().as_u32(),
        nfa.start_unanchored().as_u32(),
        nfa.start_pattern(0.into())?.as_u32(),
        count(&ranges, RANGE),
        count(&alts, 4),
        names.len() as u32,
        slots,
    ];
    let mut out: Vec<u8> = header.iter().flat_map(|w| w.to_le_bytes()).collect();
    for part in [states, ranges, alts, names] {
        out.extend_from_slice(&part);
    }
    Some(out)
}

/// One state as [`encode`] wrote it: its tag and fields (`a` 24 bits, `b` 32).
#[derive(Debug, Clone, Copy)]
pub(crate) struct State8 {
    pub(crate) tag: u8,
    pub(crate) a: u32,
    pub(crate) b: u32,
}

/// An encoded NFA, read in place: each accessor checks its bounds, so bytes [`encode`] did not
/// write give `None`s, never a panic.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Code<'a> {
    pub(crate) len: u32,
    pub(crate) unicode_word: bool,
    pub(crate) utf8: bool,
    pub(crate) start_anchored: u32,
    pub(crate) start_unanchored: u32,
    pub(crate) start_pattern: u32,
    /// Capture slots (two per group).
    pub(crate) slots: u32,
    states: &'a [u8],
    ranges: &'a [u8],
    alts: &'a [u8],
    names: &'a [u8],
}

/// A transition as [`encode`] wrote it: low byte, high byte, next state.
fn transition(r: &[u8; RANGE]) -> (u8, u8, u32) {
    (r[0], r[1], u32::from_le_bytes([r[2], r[3], r[4], r[5]]))
}

fn word(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*bytes.get(at..)?.first_chunk::<4>()?))
}

impl<'a> Code<'a> {
    /// The encoding in `bytes`; `None` when its parts do not add up to its length.
    pub(crate) fn read(bytes: &'a [u8]) -> Option<Code<'a>> {
        let h = |i: usize| word(bytes, i * 4);
        let (len, flags) = (h(0)?, h(1)?);
        let sizes = [
            len as usize * STATE,
            h(5)? as usize * RANGE,
            h(6)? as usize * 4,
            h(7)? as usize,
        ];
        if HEADER + sizes.iter().sum::<usize>() != bytes.len() {
            return None;
        }
        let mut rest = &bytes[HEADER..];
        let [states, ranges, alts, names] = sizes.map(|n| {
            let (part, after) = rest.split_at(n);
            rest = after;
            part
        });
        let id = |i: usize| h(i).filter(|&sid| sid < len);
        Some(Code {
            len,
            unicode_word: flags & UNICODE_WORD != 0,
            utf8: flags & UTF8 != 0,
            start_anchored: id(2)?,
            start_unanchored: id(3)?,
            start_pattern: id(4)?,
            slots: h(8)?,
            states,
            ranges,
            alts,
            names,
        })
    }

    /// State `sid`.
    #[inline]
    pub(crate) fn state(&self, sid: u32) -> Option<State8> {
        let at = sid as usize * STATE;
        let s = self.states.get(at..)?.first_chunk::<STATE>()?;
        let w = u64::from_le_bytes(*s);
        Some(State8 {
            tag: w as u8,
            a: (w >> 8) as u32 & 0xff_ffff,
            b: (w >> 32) as u32,
        })
    }

    /// Transition `i` of the sparse states: low byte, high byte, next state.
    #[inline]
    pub(crate) fn range(&self, i: u32) -> Option<(u8, u8, u32)> {
        let at = i as usize * RANGE;
        Some(transition(self.ranges.get(at..)?.first_chunk()?))
    }

    /// Transitions `from..to` of the sparse states, as [`Code::range`] gives each (empty when
    /// the bytes do not hold them all).
    #[inline]
    pub(crate) fn ranges(&self, from: u32, to: u32) -> impl Iterator<Item = (u8, u8, u32)> {
        let part = (self.ranges)
            .get(from as usize * RANGE..to as usize * RANGE)
            .unwrap_or_default();
        part.as_chunks::<RANGE>().0.iter().map(transition)
    }

    /// Alternatives `from..to` of the union states, last first (empty when the bytes do not
    /// hold them all).
    #[inline]
    pub(crate) fn alts_reversed(&self, from: u32, to: u32) -> impl ExactSizeIterator<Item = u32> {
        let part = (self.alts)
            .get(from as usize * 4..to as usize * 4)
            .unwrap_or_default();
        part.as_chunks::<4>()
            .0
            .iter()
            .rev()
            .map(|a| u32::from_le_bytes(*a))
    }

    /// Alternative `i` of the union states.
    #[inline]
    pub(crate) fn alt(&self, i: u32) -> Option<u32> {
        word(self.alts, i as usize * 4)
    }

    /// The named groups: (group, name).
    pub(crate) fn names(&self) -> impl Iterator<Item = Option<(u32, &'a str)>> + 'a {
        let mut rest = self.names;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let item = (|| {
                let (group, len) = (word(rest, 0)?, word(rest, 4)? as usize);
                let name = rest.get(8..8 + len)?;
                rest = &rest[8 + len..];
                Some((group, std::str::from_utf8(name).ok()?))
            })();
            if item.is_none() {
                rest = &[];
            }
            Some(item)
        })
    }
}

/// Rebuilds the NFA [`encode`] wrote; `None` on bytes it did not write.
pub(crate) fn decode(bytes: &[u8]) -> Option<NFA> {
    let code = Code::read(bytes)?;
    let len = code.len;
    // Every id names one of the `len` states (`Builder::build` would panic on another).
    let id = |sid: u32| (sid < len).then(|| StateID::new(sid as usize).ok())?;
    let range = |i: u32| {
        let (start, end, next) = code.range(i)?;
        (start <= end).then_some(Transition {
            start,
            end,
            next: id(next)?,
        })
    };
    let mut names = std::collections::HashMap::new();
    for named in code.names() {
        let (group, name) = named?;
        names.insert(group, name);
    }
    let mut builder = Builder::new();
    builder.set_utf8(code.utf8);
    builder.start_pattern().ok()?;
    for sid in 0..len {
        let State8 { tag, a, b } = code.state(sid)?;
        let added = match tag {
            BYTE_RANGE => {
                let (start, end) = (a as u8, (a >> 8) as u8);
                if start > end {
                    return None;
                }
                builder.add_range(Transition {
                    start,
                    end,
                    next: id(b)?,
                })
            }
            SPARSE => {
                let list: Option<Vec<_>> = (b..b.checked_add(a)?).map(range).collect();
                builder.add_sparse(list?)
            }
            LOOK => builder.add_look(id(b)?, Look::from_repr(a)?),
            UNION => {
                let list: Option<Vec<_>> = (b..b.checked_add(a)?)
                    .map(|i| code.alt(i).and_then(id))
                    .collect();
                builder.add_union(list?)
            }
            FAIL => builder.add_fail(),
            MATCH => builder.add_match(),
            CAPTURE_START => {
                let name = names.get(&a).map(|&n| std::sync::Arc::from(n));
                builder.add_capture_start(id(b)?, a, name)
            }
            CAPTURE_END => builder.add_capture_end(id(b)?, a),
            _ => return None,
        };
        added.ok()?;
    }
    builder
        .finish_pattern(StateID::new(code.start_pattern as usize).ok()?)
        .ok()?;
    builder
        .build(
            StateID::new(code.start_anchored as usize).ok()?,
            StateID::new(code.start_unanchored as usize).ok()?,
        )
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(pattern: &str) -> NFA {
        thompson::Compiler::new()
            .configure(config())
            .build(pattern)
            .unwrap()
    }

    #[test]
    fn nfas_round_trip_state_for_state() {
        for pattern in [
            r"(?i)\byour\s+\w+\s+(?:fault|mistake)\b",
            "御社[^。]{0,9}(?:ミス|誤り)",
            r"(?m)^\d{4}-\d{2}$|a+b*|[a-c]",
        ] {
            let nfa = compile(pattern);
            let code = encode(&nfa).unwrap();
            let back = decode(&code).unwrap();
            assert_eq!(back.states(), nfa.states(), "{pattern}");
            assert_eq!(back.start_anchored(), nfa.start_anchored());
            assert_eq!(back.start_unanchored(), nfa.start_unanchored());
            assert_eq!(back.is_utf8(), nfa.is_utf8());
            // Cut short or with a byte changed, it is refused or still a valid NFA, never a
            // panic.
            assert!(decode(&code[..code.len() - 1]).is_none());
            for i in 0..code.len() {
                let mut bad = code.clone();
                bad[i] ^= 0x55;
                let _ = decode(&bad);
            }
        }
        // With capture groups, as regex.rs's capture reader compiles them (names kept).
        let captures = thompson::NFA::new(r"(?P<a>\d{4})-(\d+)(?:x(?P<c>y))?").unwrap();
        let back = decode(&encode(&captures).unwrap()).unwrap();
        assert_eq!(back.states(), captures.states());
        let names = |nfa: &NFA| -> Vec<Option<String>> {
            let all = nfa.group_info().all_names();
            all.map(|(_, _, name)| name.map(str::to_owned)).collect()
        };
        assert_eq!(names(&back), names(&captures));
        assert_eq!(names(&back)[1].as_deref(), Some("a"));
    }
}
