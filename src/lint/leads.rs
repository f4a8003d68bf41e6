//! Which of the branches a prefix literal starts to run at one of its hits ([`Leads`]), shared
//! with build.rs, which derives them for the shipped packs' plans ([`Leads::encode`]) so that a
//! letter reads them instead (deriving them at first hits was 8% of linting one).

use super::hircode;
use std::ops::Range;

/// The branches one prefix literal starts, as its hits pick them: those to run at every hit,
/// and the others by their leads ([`hircode::leads`]), of which only those the text at a hit
/// starts with are run. `i ` starts about a hundred English branches, and their leads (`i will
/// never`, `i demand`, …) leave a few at each hit: a few binary searches per hit instead of
/// one automaton per branch.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Leads {
    pub(crate) always: Vec<u32>,
    /// How many bytes the literal is once [`hircode::squeeze`]d: every lead in `sorted`
    /// starts with it, and so does the text at a hit.
    head: usize,
    /// The leads that start with the literal, sorted, each with its branch; their bytes are in
    /// `bytes`.
    sorted: Vec<(Range<u32>, u32)>,
    bytes: Vec<u8>,
    /// Per byte that follows the literal in some lead, the leads (in `sorted`) it starts.
    next: Vec<(u8, Range<u32>)>,
}

impl Leads {
    /// From the literal, the branches it starts, and each branch's leads as
    /// [`hircode::put_literals`] encoded them.
    pub(crate) fn of<'a>(
        literal: &[u8],
        branches: &[u32],
        leads_of: impl Fn(u32) -> &'a [u8],
    ) -> Leads {
        let mut head = [0; hircode::LEAD_BYTES];
        let n = hircode::squeeze(literal, &mut head);
        let head = &head[..n];
        let mut out = Leads {
            head: n,
            ..Leads::default()
        };
        let mut sorted: Vec<(&[u8], u32)> = Vec::new();
        for &b in branches {
            let leads = leads_of(b);
            let from = sorted.len();
            let mut always = false;
            let count = hircode::each_lead(leads, |lead| {
                // A lead the literal starts with says no more than the literal; one that
                // neither starts with it nor is started by it cannot begin where it does.
                always |= head.starts_with(lead);
                if lead.starts_with(head) {
                    sorted.push((lead, b));
                }
            });
            if always || count == 0 {
                sorted.truncate(from);
                out.always.push(b);
            }
        }
        sorted.sort_unstable();
        for (i, (lead, b)) in sorted.into_iter().enumerate() {
            let start = out.bytes.len() as u32;
            out.bytes.extend_from_slice(lead);
            out.sorted.push((start..out.bytes.len() as u32, b));
            // Every lead in `sorted` is longer than the literal.
            match out.next.last_mut() {
                Some((byte, range)) if *byte == lead[n] => range.end = i as u32 + 1,
                _ => out.next.push((lead[n], i as u32..i as u32 + 1)),
            }
        }
        out
    }

    /// Pushes the branches to run where `text` (folded) starts with the literal, which is
    /// `literal` bytes long; a branch may come more than once.
    pub(crate) fn pick(&self, text: &[u8], literal: usize, out: &mut Vec<u32>) {
        out.extend_from_slice(&self.always);
        if self.sorted.is_empty() {
            return;
        }
        let lead = |r: &Range<u32>| &self.bytes[r.start as usize..r.end as usize];
        // The text after the literal, runs of spaces made one as [`hircode::squeeze`] does,
        // read only as far as the walk goes.
        let mut last = text.get(literal.wrapping_sub(1)).copied();
        let mut rest = text
            .get(literal..)
            .unwrap_or_default()
            .iter()
            .filter(move |&&b| {
                let keep = !(b == b' ' && last == Some(b' '));
                last = Some(b);
                keep
            });
        let Some(&byte) = rest.next() else {
            return;
        };
        let Ok(at) = self.next.binary_search_by_key(&byte, |(b, _)| *b) else {
            return;
        };
        // `lo..hi`: the leads that start with the text's first `k` bytes (squeezed). Those
        // that are no longer sort first, then the rest by their next byte.
        let Range { start, end } = self.next[at].1.clone();
        let (mut lo, mut hi) = (start as usize, end as usize);
        let mut k = self.head + 1;
        loop {
            let ends = self.sorted[lo..hi]
                .iter()
                .take_while(|(r, _)| lead(r).len() == k);
            out.extend(ends.map(|&(_, b)| b));
            let Some(&byte) = rest.next() else {
                return;
            };
            let range = &self.sorted[lo..hi];
            lo += partition(range, |(r, _)| {
                let l = lead(r);
                l.len() <= k || l[k] < byte
            });
            hi = lo + partition(&self.sorted[lo..hi], |(r, _)| lead(r)[k] == byte);
            if lo == hi {
                return;
            }
            k += 1;
        }
    }
}

/// `slice.partition_point(pred)`, always inlined: [`Leads::pick`] runs it a few times at every
/// prefix hit, and when the compiler left the library's copy out of line, the calls cost 2% of
/// linting a folder of letters.
#[inline(always)]
fn partition<T>(slice: &[T], mut pred: impl FnMut(&T) -> bool) -> usize {
    let (mut lo, mut hi) = (0, slice.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(&slice[mid]) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

impl Leads {
    /// Appends the encoding [`Leads::decode`] reads: little-endian `u32`s, and the bytes.
    #[allow(dead_code)] // used by build.rs
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        let mut put = |n: u32| out.extend_from_slice(&n.to_le_bytes());
        put(self.always.len() as u32);
        self.always.iter().for_each(|&b| put(b));
        put(self.head as u32);
        put(self.sorted.len() as u32);
        for (r, b) in &self.sorted {
            [r.start, r.end, *b].into_iter().for_each(&mut put);
        }
        put(self.next.len() as u32);
        for (byte, r) in &self.next {
            [u32::from(*byte), r.start, r.end]
                .into_iter()
                .for_each(&mut put);
        }
        put(self.bytes.len() as u32);
        out.extend_from_slice(&self.bytes);
    }

    /// Reads what [`Leads::encode`] wrote; `None` when the bytes are not that.
    pub(crate) fn decode(mut bytes: &[u8]) -> Option<Leads> {
        let bytes = &mut bytes;
        let word = |bytes: &mut &[u8]| {
            let (head, rest) = bytes.split_first_chunk::<4>()?;
            *bytes = rest;
            Some(u32::from_le_bytes(*head))
        };
        // Read in one slice, into a vector sized once: collecting word by word through an
        // `Option` grew it step by step, most of decoding a branch's leads.
        let list = |bytes: &mut &[u8], each: usize| -> Option<Vec<u32>> {
            let len = (word(bytes)? as usize).checked_mul(each * 4)?;
            let (words, rest) = bytes.split_at_checked(len)?;
            *bytes = rest;
            let words = words.chunks_exact(4);
            Some(
                words
                    .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                    .collect(),
            )
        };
        let always = list(bytes, 1)?;
        let head = word(bytes)? as usize;
        let sorted = list(bytes, 3)?;
        let sorted = sorted.chunks_exact(3).map(|c| (c[0]..c[1], c[2])).collect();
        let next = list(bytes, 3)?;
        let next = next
            .chunks_exact(3)
            .map(|c| Some((u8::try_from(c[0]).ok()?, c[1]..c[2])))
            .collect::<Option<_>>()?;
        let n = word(bytes)? as usize;
        let leads = Leads {
            always,
            head,
            sorted,
            bytes: bytes.get(..n)?.to_vec(),
            next,
        };
        // `pick` indexes `bytes` and `sorted` by what it read.
        let fits = leads
            .sorted
            .iter()
            .all(|(r, _)| r.start <= r.end && r.end as usize <= n)
            && leads
                .next
                .iter()
                .all(|(_, r)| r.start <= r.end && r.end as usize <= leads.sorted.len());
        fits.then_some(leads)
    }
}
