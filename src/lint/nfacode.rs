//! A compact encoding of a Thompson NFA, so that build.rs can compile the branches whose DFA is
//! too big to embed and the binary can rebuild their NFAs without compiling them again.
//!
//! Why: compiling such a branch (a wide gap over any character before a list of words) from its
//! tree costs about a million instructions, mostly expanding each counted copy of a UTF-8 class;
//! rebuilding the finished NFA state by state through `thompson::Builder` costs a fraction of
//! that. The final NFA has no empty states, so adding its states in order gives every state the
//! same id, and `Builder::build` gives back the same NFA (a test checks every shipped one).

use super::hircode::{get, put};
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
pub(crate) const BINARY_UNION: u8 = 4;
pub(crate) const FAIL: u8 = 5;
pub(crate) const MATCH: u8 = 6;
pub(crate) const CAPTURE_START: u8 = 7;
pub(crate) const CAPTURE_END: u8 = 8;

/// Appends `nfa`'s encoding; `None` (nothing worth writing) for an NFA with states this encoding
/// does not hold (several patterns, dense states) or another look matcher. Capture groups are
/// kept, with their names, for the NFAs that read them (regex.rs).
#[allow(dead_code)] // used by build.rs
pub(crate) fn encode(nfa: &NFA) -> Option<Vec<u8>> {
    if nfa.pattern_len() != 1 || nfa.is_reverse() {
        return None;
    }
    let mut out = Vec::new();
    let id = |out: &mut Vec<u8>, sid: StateID| put(out, sid.as_u32());
    put(&mut out, nfa.states().len() as u32);
    out.push(u8::from(nfa.is_utf8()));
    id(&mut out, nfa.start_anchored());
    id(&mut out, nfa.start_unanchored());
    id(&mut out, nfa.start_pattern(0.into())?);
    let range = |out: &mut Vec<u8>, t: &Transition| {
        out.extend_from_slice(&[t.start, t.end]);
        put(out, t.next.as_u32());
    };
    for state in nfa.states() {
        match state {
            State::ByteRange { trans } => {
                out.push(BYTE_RANGE);
                range(&mut out, trans);
            }
            State::Sparse(sparse) => {
                out.push(SPARSE);
                put(&mut out, sparse.transitions.len() as u32);
                sparse.transitions.iter().for_each(|t| range(&mut out, t));
            }
            State::Look { look, next } => {
                out.push(LOOK);
                put(&mut out, look.as_repr());
                id(&mut out, *next);
            }
            State::Union { alternates } => {
                out.push(UNION);
                put(&mut out, alternates.len() as u32);
                alternates.iter().for_each(|&a| id(&mut out, a));
            }
            State::BinaryUnion { alt1, alt2 } => {
                out.push(BINARY_UNION);
                id(&mut out, *alt1);
                id(&mut out, *alt2);
            }
            State::Fail => out.push(FAIL),
            State::Match { .. } => out.push(MATCH),
            // One pattern: a group's slots are its index times two (start), plus one (end).
            State::Capture {
                next,
                pattern_id,
                group_index,
                slot,
            } => {
                let group = group_index.as_u32();
                if slot.as_usize() % 2 == 1 {
                    out.push(CAPTURE_END);
                    id(&mut out, *next);
                    put(&mut out, group);
                    continue;
                }
                out.push(CAPTURE_START);
                id(&mut out, *next);
                put(&mut out, group);
                // 0: no name, else its length + 1.
                let name = nfa
                    .group_info()
                    .to_name(*pattern_id, group_index.as_usize());
                put(&mut out, name.map_or(0, |n| n.len() as u32 + 1));
                out.extend_from_slice(name.unwrap_or_default().as_bytes());
            }
            State::Dense(_) => return None,
        }
    }
    Some(out)
}

/// `n` items read by `item`, into a vector sized once: collecting an `Option<Vec<_>>` from an
/// iterator grew it step by step, a fifth of decoding a big branch's NFA.
fn read_list<T>(
    bytes: &mut &[u8],
    n: u32,
    mut item: impl FnMut(&mut &[u8]) -> Option<T>,
) -> Option<Vec<T>> {
    // Each item takes at least one byte: a count beyond what is left is bad bytes, not a
    // reason to allocate.
    if n as usize > bytes.len() {
        return None;
    }
    let mut list = Vec::with_capacity(n as usize);
    for _ in 0..n {
        list.push(item(bytes)?);
    }
    Some(list)
}

/// Rebuilds the NFA [`encode`] wrote; `None` on bytes it did not write.
pub(crate) fn decode(mut bytes: &[u8]) -> Option<NFA> {
    let bytes = &mut bytes;
    let len = get(bytes)?;
    // Every id names one of the `len` states (`Builder::build` would panic on another).
    let id = |bytes: &mut &[u8]| {
        let sid = get(bytes)?;
        (sid < len).then(|| StateID::new(sid as usize).ok())?
    };
    let (&utf8, rest) = bytes.split_first()?;
    *bytes = rest;
    let (anchored, unanchored, pattern) = (id(bytes)?, id(bytes)?, id(bytes)?);
    let range = |bytes: &mut &[u8]| {
        let (&[start, end], rest) = bytes.split_first_chunk::<2>()?;
        *bytes = rest;
        let next = id(bytes)?;
        (start <= end).then_some(Transition { start, end, next })
    };
    let mut builder = Builder::new();
    builder.set_utf8(utf8 == 1);
    builder.start_pattern().ok()?;
    for _ in 0..len {
        let (&tag, rest) = bytes.split_first()?;
        *bytes = rest;
        let added = match tag {
            BYTE_RANGE => builder.add_range(range(bytes)?),
            SPARSE => {
                let n = get(bytes)?;
                builder.add_sparse(read_list(bytes, n, range)?)
            }
            LOOK => {
                let look = Look::from_repr(get(bytes)?)?;
                builder.add_look(id(bytes)?, look)
            }
            UNION => {
                let n = get(bytes)?;
                builder.add_union(read_list(bytes, n, id)?)
            }
            BINARY_UNION => builder.add_union(vec![id(bytes)?, id(bytes)?]),
            FAIL => builder.add_fail(),
            MATCH => builder.add_match(),
            CAPTURE_START => {
                let (next, group) = (id(bytes)?, get(bytes)?);
                let name = match get(bytes)?.checked_sub(1) {
                    None => None,
                    Some(len) => {
                        let (name, rest) = bytes.split_at_checked(len as usize)?;
                        *bytes = rest;
                        Some(std::sync::Arc::from(std::str::from_utf8(name).ok()?))
                    }
                };
                builder.add_capture_start(next, group, name)
            }
            CAPTURE_END => builder.add_capture_end(id(bytes)?, get(bytes)?),
            _ => return None,
        };
        added.ok()?;
    }
    if !bytes.is_empty() {
        return None;
    }
    builder.finish_pattern(pattern).ok()?;
    builder.build(anchored, unanchored).ok()
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
