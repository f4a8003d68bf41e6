//! The second level: inside one pair of sentences, diff characters (grapheme clusters) or words,
//! then fold tiny equal islands into the edits around them so the result reads as whole edits.

use super::Segment;
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};
use std::ops::Range;
use std::time::Instant;
use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tokens {
    /// Japanese has no spaces: compare characters (grapheme clusters, so a base character and its
    /// combining mark, or an emoji sequence, stay whole).
    Graphemes,
    /// Words, spaces and punctuation as Unicode word boundaries cut them.
    Words,
}

/// An equal island this short (non-space characters) is always folded into its neighbours:
/// a shared 「ま」 or "the" between two edits is noise.
fn small_island(tokens: Tokens) -> usize {
    match tokens {
        Tokens::Graphemes => 2,
        Tokens::Words => 3,
    }
}

fn split(text: &str, tokens: Tokens) -> Vec<(usize, &str)> {
    match tokens {
        Tokens::Graphemes => text.grapheme_indices(true).collect(),
        Tokens::Words => text.split_word_bound_indices().collect(),
    }
}

#[derive(Debug, Clone)]
enum Piece {
    Equal(Range<usize>, Range<usize>),
    Edit(Range<usize>, Range<usize>),
}

/// Diffs one pair of sentences at byte offsets `old_at`/`new_at` of their revisions. Returns the
/// segments and the number of characters the pair shares (counted on both sides).
pub(crate) fn diff(
    old: &str,
    old_at: usize,
    new: &str,
    new_at: usize,
    tokens: Tokens,
    deadline: Instant,
) -> (Vec<Segment>, usize) {
    let ot = split(old, tokens);
    let nt = split(new, tokens);
    let os: Vec<&str> = ot.iter().map(|t| t.1).collect();
    let ns: Vec<&str> = nt.iter().map(|t| t.1).collect();
    let ops = capture_diff_slices_deadline(Algorithm::Myers, &os, &ns, Some(deadline));

    // Token ranges → byte ranges within the sentence.
    let obyte = |r: Range<usize>| byte_range(&ot, old.len(), r);
    let nbyte = |r: Range<usize>| byte_range(&nt, new.len(), r);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut kept = 0;
    for op in ops {
        let (o, n) = (obyte(op.old_range()), nbyte(op.new_range()));
        if let DiffOp::Equal { .. } = op {
            kept += 2 * old[o.clone()].chars().count();
            pieces.push(Piece::Equal(o, n));
        } else if let Some(Piece::Edit(po, pn)) = pieces.last_mut() {
            po.end = o.end;
            pn.end = n.end;
        } else {
            pieces.push(Piece::Edit(o, n));
        }
    }

    let pieces = fold_islands(pieces, old, new, tokens);
    let segments = pieces
        .into_iter()
        .flat_map(|p| match p {
            Piece::Equal(o, n) => vec![Segment::equal(shift(o, old_at), shift(n, new_at))],
            Piece::Edit(o, n) => vec![
                Segment::delete(shift(o.clone(), old_at), new_at + n.start),
                Segment::insert(old_at + o.end, shift(n, new_at)),
            ],
        })
        .collect();
    (segments, kept)
}

fn byte_range(tokens: &[(usize, &str)], len: usize, r: Range<usize>) -> Range<usize> {
    let at = |i: usize| tokens.get(i).map_or(len, |t| t.0);
    at(r.start)..at(r.end)
}

fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}

/// Folds an equal island between two edits into one edit when it is short, or short next to the
/// edits around it; never across a line break, which the reader uses to find their place.
fn fold_islands(pieces: Vec<Piece>, old: &str, new: &str, tokens: Tokens) -> Vec<Piece> {
    let chars = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
    let edit_size = |o: &Range<usize>, n: &Range<usize>| {
        old[o.clone()].chars().count() + new[n.clone()].chars().count()
    };
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        let Piece::Edit(mut o, mut n) = p else {
            out.push(p);
            continue;
        };
        // Merge backwards while the island before this edit is worth folding.
        while let [.., Piece::Edit(po, pn), Piece::Equal(io, _)] = out.as_slice() {
            let island = &old[io.clone()];
            let size = chars(island);
            let fold = !island.contains('\n')
                && (size <= small_island(tokens)
                    || size * 4 <= edit_size(po, pn) + edit_size(&o, &n));
            if !fold {
                break;
            }
            let (po, pn) = (po.clone(), pn.clone());
            out.truncate(out.len() - 2);
            o.start = po.start;
            n.start = pn.start;
        }
        out.push(Piece::Edit(o, n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Op;

    fn far() -> Instant {
        Instant::now() + std::time::Duration::from_secs(5)
    }

    fn show(old: &str, new: &str, tokens: Tokens) -> String {
        let (segments, _) = diff(old, 0, new, 0, tokens, far());
        segments
            .iter()
            .filter(|s| !(s.old.is_empty() && s.new.is_empty()))
            .map(|s| match s.op {
                Op::Equal => old[s.old.clone()].to_owned(),
                Op::Delete => format!("[-{}-]", &old[s.old.clone()]),
                Op::Insert => format!("{{+{}+}}", &new[s.new.clone()]),
            })
            .collect()
    }

    #[test]
    fn shared_kana_between_edits_is_folded() {
        assert_eq!(
            show(
                "アカウントが乗っ取られました！！",
                "アカウントにログインできなくなりました。",
                Tokens::Graphemes
            ),
            "アカウント[-が乗っ取られました！！-]{+にログインできなくなりました。+}"
        );
    }

    #[test]
    fn a_kept_phrase_between_small_edits_stays() {
        assert_eq!(
            show(
                "11月3日に口座情報を変更しました。",
                "11月2日に口座情報を変更いたしました。",
                Tokens::Graphemes
            ),
            "11月[-3-]{+2+}日に口座情報を変更{+いた+}しました。"
        );
    }

    #[test]
    fn words_and_spaces_between_edits_fold() {
        assert_eq!(
            show(
                "My account was hacked by someone.",
                "My account was locked after my update.",
                Tokens::Words
            ),
            "My account was [-hacked by someone-]{+locked after my update+}."
        );
    }

    #[test]
    fn line_breaks_are_never_folded() {
        assert_eq!(
            show("甲乙\n丙丁", "戊乙\n己丁", Tokens::Graphemes),
            "[-甲-]{+戊+}乙\n[-丙-]{+己+}丁"
        );
    }

    #[test]
    fn kept_counts_shared_characters_on_both_sides() {
        let (_, kept) = diff("abc", 0, "abd", 0, Tokens::Graphemes, far());
        assert_eq!(kept, 4);
    }
}
