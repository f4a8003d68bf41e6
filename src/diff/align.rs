//! The first level: cut both revisions into sentences (or lines), align them, pair rewritten
//! sentences with their old versions, and find sentences that only moved.

use super::inline::{self, Tokens};
use super::{By, Op, Segment};
use crate::text::{Lang, paragraphs, sentences};
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};
use std::collections::HashMap;
use std::ops::Range;
use std::time::Instant;
use unicode_segmentation::UnicodeSegmentation;

/// Two sentences are treated as versions of one another when they share at least this share of
/// their character pairs (Dice coefficient); below it a rewrite shows as a deletion and an
/// insertion, which reads better than a diff of the few characters they happen to share.
const PAIR_MIN: f64 = 0.5;

/// Pairing inside a changed block is a full alignment up to this many candidate pairs; larger
/// blocks (a whole letter rewritten, or a pathological input) fall back to a windowed scan.
const FULL_PAIRING_CELLS: usize = 250_000;
const WINDOW: usize = 12;

/// A moved sentence must be at least this long (in characters) to be called moved; a repeated
/// 「以上」 or "Thanks." is not worth the note.
const MOVE_MIN_CHARS: usize = 4;

/// A sentence or line together with the white space that follows it.
#[derive(Debug, Clone)]
struct Unit {
    range: Range<usize>,
    /// The trimmed text: what alignment compares, so a changed line break does not unpair a
    /// sentence.
    key: Range<usize>,
}

pub(crate) struct Aligned {
    pub segments: Vec<Segment>,
    /// Characters the two revisions share, for the similarity ratio.
    pub kept_chars: usize,
}

pub(crate) fn align(old: &str, new: &str, by: By, deadline: Instant) -> Aligned {
    let old_units = units(old, by == By::Line);
    let new_units = units(new, by == By::Line);
    let old_keys: Vec<&str> = old_units.iter().map(|u| &old[u.key.clone()]).collect();
    let new_keys: Vec<&str> = new_units.iter().map(|u| &new[u.key.clone()]).collect();
    let ops =
        capture_diff_slices_deadline(Algorithm::Patience, &old_keys, &new_keys, Some(deadline));

    let mut a = Aligner {
        old,
        new,
        old_units: &old_units,
        new_units: &new_units,
        by,
        deadline,
        new_paragraphs: paragraphs(new)
            .into_iter()
            .map(|p| (p.range.start, p.lang))
            .collect(),
        segments: Vec::new(),
        kept_chars: 0,
        whole: Vec::new(),
    };
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    a.pair(old_index + k, new_index + k);
                }
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => a.block(old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => a.block(old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => a.block(
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        }
    }
    a.mark_moves();
    Aligned {
        segments: a.segments,
        kept_chars: a.kept_chars,
    }
}

/// Cuts a text into units that cover it without gaps: lines, or sentences with the white space
/// after them. Every cut is on a grapheme boundary, so no edit can split a character.
fn units(text: &str, lines: bool) -> Vec<Unit> {
    let mut cuts: Vec<usize> = if lines {
        text.split_inclusive('\n')
            .scan(0, |at, l| {
                *at += l.len();
                Some(*at)
            })
            .collect()
    } else {
        let graphemes: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
        let snap = |b: usize| {
            let i = graphemes.partition_point(|&g| g < b);
            graphemes.get(i).copied().unwrap_or(text.len())
        };
        let mut cuts: Vec<usize> = sentences(text)
            .iter()
            .skip(1)
            .map(|r| snap(r.start))
            .collect();
        cuts.push(text.len());
        cuts
    };
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    let mut start = 0;
    for end in cuts {
        if end <= start {
            continue;
        }
        let s = &text[start..end];
        let lead = s.len() - s.trim_start().len();
        let key = if lines {
            start..start + s.trim_end().len()
        } else {
            let trimmed = s.trim();
            start + lead..start + lead + trimmed.len()
        };
        out.push(Unit {
            range: start..end,
            key,
        });
        start = end;
    }
    out
}

struct Aligner<'a> {
    old: &'a str,
    new: &'a str,
    old_units: &'a [Unit],
    new_units: &'a [Unit],
    by: By,
    deadline: Instant,
    /// Start and language of each paragraph of the new text.
    new_paragraphs: Vec<(usize, Lang)>,
    segments: Vec<Segment>,
    kept_chars: usize,
    /// Indices of segments that delete or insert a whole unit: the candidates for moves.
    whole: Vec<usize>,
}

impl Aligner<'_> {
    fn old_at(&self, i: usize) -> usize {
        self.old_units
            .get(i)
            .map_or(self.old.len(), |u| u.range.start)
    }

    fn new_at(&self, j: usize) -> usize {
        self.new_units
            .get(j)
            .map_or(self.new.len(), |u| u.range.start)
    }

    /// Emits two units that correspond: equal, or diffed inline.
    fn pair(&mut self, i: usize, j: usize) {
        let (o, n) = (&self.old_units[i], &self.new_units[j]);
        let (ot, nt) = (&self.old[o.range.clone()], &self.new[n.range.clone()]);
        if ot == nt {
            self.kept_chars += 2 * ot.chars().count();
            self.segments
                .push(Segment::equal(o.range.clone(), n.range.clone()));
            return;
        }
        let Some(tokens) = self.tokens_at(n.range.start) else {
            // Lines that differ only in trailing white space: shown whole, never as a move.
            self.segments
                .push(Segment::delete(o.range.clone(), n.range.start));
            self.segments
                .push(Segment::insert(o.range.end, n.range.clone()));
            return;
        };
        let (segments, kept) =
            inline::diff(ot, o.range.start, nt, n.range.start, tokens, self.deadline);
        self.kept_chars += kept;
        self.segments.extend(segments);
    }

    /// What the inline diff compares for a sentence starting at `at` in the new text; `None`
    /// when lines are compared whole.
    fn tokens_at(&self, at: usize) -> Option<Tokens> {
        match self.by {
            By::Line => None,
            By::Char => Some(Tokens::Graphemes),
            By::Word => Some(Tokens::Words),
            By::Auto => {
                let p = self
                    .new_paragraphs
                    .partition_point(|&(start, _)| start <= at)
                    .saturating_sub(1);
                Some(match self.new_paragraphs.get(p).map(|&(_, l)| l) {
                    Some(Lang::En) => Tokens::Words,
                    _ => Tokens::Graphemes,
                })
            }
        }
    }

    fn delete_unit(&mut self, i: usize, at_new: usize) {
        self.whole.push(self.segments.len());
        self.segments
            .push(Segment::delete(self.old_units[i].range.clone(), at_new));
    }

    fn insert_unit(&mut self, at_old: usize, j: usize) {
        self.whole.push(self.segments.len());
        self.segments
            .push(Segment::insert(at_old, self.new_units[j].range.clone()));
    }

    /// A changed block: pairs rewritten sentences, the rest are deleted or inserted whole.
    fn block(&mut self, olds: Range<usize>, news: Range<usize>) {
        let pairs = if self.by == By::Line || olds.is_empty() || news.is_empty() {
            Vec::new()
        } else {
            self.pairing(olds.clone(), news.clone())
        };
        let (mut i, mut j) = (olds.start, news.start);
        for (pi, pj) in pairs.into_iter().chain([(olds.end, news.end)]) {
            let both = i < pi && j < pj;
            while i < pi {
                self.delete_unit(i, self.new_at(j));
                i += 1;
            }
            while j < pj {
                self.insert_unit(self.old_at(i), j);
                j += 1;
            }
            if both {
                self.share_trailing_gap(pi - 1, pj - 1);
            }
            if pi < olds.end && pj < news.end {
                self.pair(pi, pj);
                i += 1;
                j += 1;
            }
        }
    }

    /// When a stretch of a block ends with a sentence deleted and another inserted, the line break (or blank
    /// line) after both is not part of the edit: without this a replaced paragraph end shows as a
    /// deleted and an inserted blank line.
    fn share_trailing_gap(&mut self, i: usize, j: usize) {
        let (o, n) = (&self.old_units[i], &self.new_units[j]);
        let (og, ng) = (
            &self.old[o.key.end..o.range.end],
            &self.new[n.key.end..n.range.end],
        );
        let mut len: usize = og
            .chars()
            .rev()
            .zip(ng.chars().rev())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        // Each side keeps its own first line break, so the deleted and the inserted sentence stay
        // on rows of their own; what is shared is the blank line after them.
        let shareable = |gap: &str| gap.find('\n').map_or(gap.len(), |i| gap.len() - i - 1);
        len = len.min(shareable(og)).min(shareable(ng));
        // Never split a CRLF, which is one grapheme.
        let splits_crlf = |gap: &str| gap[..gap.len() - len].ends_with('\r') && len > 0;
        if splits_crlf(og) || splits_crlf(ng) {
            len -= 1;
        }
        if len == 0 {
            return;
        }
        let (Some(d), Some(k)) = (
            self.segments.iter().rposition(|s| s.op == Op::Delete),
            self.segments.iter().rposition(|s| s.op == Op::Insert),
        ) else {
            return;
        };
        let (old_end, new_end) = (o.range.end, n.range.end);
        if self.segments[d].old.end != old_end || self.segments[k].new.end != new_end {
            return;
        }
        self.segments[d].old.end -= len;
        self.segments[k].new.end -= len;
        self.segments.push(Segment::equal(
            old_end - len..old_end,
            new_end - len..new_end,
        ));
        self.kept_chars += 2 * self.old[old_end - len..old_end].chars().count();
    }

    /// Which sentences of a changed block are versions of each other: an order-preserving
    /// matching that maximises total similarity, each pair at least [`PAIR_MIN`] alike.
    fn pairing(&self, olds: Range<usize>, news: Range<usize>) -> Vec<(usize, usize)> {
        let ob: Vec<Vec<u64>> = olds
            .clone()
            .map(|i| bigrams(&self.old[self.old_units[i].key.clone()]))
            .collect();
        let nb: Vec<Vec<u64>> = news
            .clone()
            .map(|j| bigrams(&self.new[self.new_units[j].key.clone()]))
            .collect();
        let (n, m) = (ob.len(), nb.len());
        let score = |a: usize, b: usize| {
            let s = dice(&ob[a], &nb[b]);
            (s >= PAIR_MIN).then_some(s)
        };
        let mut pairs = Vec::new();
        if n * m <= FULL_PAIRING_CELLS {
            // best[a][b]: best total over the first a old and b new sentences.
            let w = m + 1;
            let mut best = vec![0.0f64; (n + 1) * w];
            for a in 1..=n {
                for b in 1..=m {
                    let mut v = best[(a - 1) * w + b].max(best[a * w + b - 1]);
                    if let Some(s) = score(a - 1, b - 1) {
                        v = v.max(best[(a - 1) * w + b - 1] + s);
                    }
                    best[a * w + b] = v;
                }
            }
            let (mut a, mut b) = (n, m);
            while a > 0 && b > 0 {
                let here = best[a * w + b];
                if here == best[(a - 1) * w + b] {
                    a -= 1;
                } else if here == best[a * w + b - 1] {
                    b -= 1;
                } else {
                    pairs.push((olds.start + a - 1, news.start + b - 1));
                    a -= 1;
                    b -= 1;
                }
            }
            pairs.reverse();
        } else {
            // Too big to align fully: take, for each old sentence, the best match in a short
            // window of the new sentences not yet used.
            let mut b0 = 0;
            for a in 0..n {
                let found = (b0..m.min(b0 + WINDOW))
                    .filter_map(|b| score(a, b).map(|s| (b, s)))
                    .max_by(|x, y| x.1.total_cmp(&y.1));
                if let Some((b, _)) = found {
                    pairs.push((olds.start + a, news.start + b));
                    b0 = b + 1;
                }
            }
        }
        pairs
    }

    /// A sentence deleted in one place and inserted, with the same text, in another has moved.
    fn mark_moves(&mut self) {
        let mut deleted: HashMap<&str, Vec<usize>> = HashMap::new();
        for &k in &self.whole {
            let s = &self.segments[k];
            if s.op == Op::Delete {
                let key = self.old[s.old.clone()].trim();
                if key.chars().count() >= MOVE_MIN_CHARS {
                    deleted.entry(key).or_default().push(k);
                }
            }
        }
        for list in deleted.values_mut() {
            list.reverse(); // pop() then takes the first
        }
        let mut next_id = 0;
        for &k in &self.whole {
            let s = &self.segments[k];
            if s.op != Op::Insert {
                continue;
            }
            let key = self.new[s.new.clone()].trim();
            if let Some(d) = deleted.get_mut(key).and_then(Vec::pop) {
                self.segments[d].move_id = Some(next_id);
                self.segments[k].move_id = Some(next_id);
                next_id += 1;
            }
        }
    }
}

/// Sorted hashes of adjacent character pairs (the single character for one-character texts).
fn bigrams(s: &str) -> Vec<u64> {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out: Vec<u64> = if chars.len() < 2 {
        chars.iter().map(|&c| c as u64).collect()
    } else {
        chars
            .windows(2)
            .map(|w| ((w[0] as u64) << 32) | w[1] as u64)
            .collect()
    };
    out.sort_unstable();
    out
}

/// Dice coefficient of two sorted multisets: 1 for equal, 0 for disjoint.
fn dice(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_cover_the_text_and_keep_trailing_space() {
        let text = "  一。二！！\n\nThree. Four";
        let u = units(text, false);
        let parts: Vec<&str> = u.iter().map(|u| &text[u.range.clone()]).collect();
        assert_eq!(parts, vec!["  一。", "二！！\n\n", "Three. ", "Four"]);
        let keys: Vec<&str> = u.iter().map(|u| &text[u.key.clone()]).collect();
        assert_eq!(keys, vec!["一。", "二！！", "Three.", "Four"]);
        let lines = units("a \r\nb", true);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].key, 0..1);
    }

    #[test]
    fn dice_is_one_for_equal_and_zero_for_disjoint() {
        assert_eq!(dice(&bigrams("あいう"), &bigrams("あいう")), 1.0);
        assert_eq!(dice(&bigrams("あいう"), &bigrams("かきく")), 0.0);
        let s = dice(
            &bigrams("口座を変更しました"),
            &bigrams("口座を変更いたしました"),
        );
        assert!(s > PAIR_MIN && s < 1.0, "{s}");
    }
}
