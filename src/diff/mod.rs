//! Revision diff: what changed between two versions of a letter, shown like an editor's track
//! changes rather than as a confetti of single characters.
//!
//! The differ works in two levels. Sentences (or lines, with [`By::Line`]) are aligned first, so a
//! sentence that was rewritten is paired with its old version and one that was added or dropped
//! stands alone. Only inside a paired sentence does it diff characters (Japanese) or words
//! (English); tiny islands of equal text between two edits are folded into the edits, so a
//! rewritten clause reads as one deletion and one insertion. Sentences that only moved are marked.
//!
//! Beside the text diff this module finds the facts (dates, numbers, IDs, email addresses) that
//! one revision has and the other lacks, and matches lint findings between revisions. No I/O.

mod align;
mod facts;
mod hunk;
mod inline;
mod lint_delta;
#[cfg(test)]
mod tests;

pub use facts::{Fact, FactKind, FactsDelta, facts, facts_delta};
pub use hunk::{Hunk, Piece, Row, hunks};
pub use lint_delta::{Delta, lint_delta};

use crate::text::LineIndex;
use serde::Serialize;
use std::ops::Range;
use std::time::{Duration, Instant};

/// What the inline diff inside a changed sentence compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum By {
    /// Characters for Japanese paragraphs, words for English ones.
    #[default]
    Auto,
    /// Characters (grapheme clusters) everywhere.
    Char,
    /// Words everywhere.
    Word,
    /// Whole lines: no inline diff.
    Line,
}

/// How to diff.
#[derive(Debug, Clone)]
pub struct Options {
    pub by: By,
    /// After this much time the underlying diff algorithms return a coarser (still exact) result
    /// instead of searching for the minimal one, so a pathological pair cannot hang the tool.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            by: By::Auto,
            timeout: Duration::from_secs(2),
        }
    }
}

/// The kind of a change; `equal` stretches are part of the list so the changes rebuild both
/// revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Delete,
    Insert,
    Equal,
}

/// One stretch of text. Concatenating the `equal` and `delete` texts gives the old revision;
/// the `equal` and `insert` texts give the new one. Field order is the JSON contract's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub op: Op,
    /// 1-based line in the old revision where this change starts (for an insertion: where it
    /// goes in the old text).
    pub old_line: usize,
    /// 1-based line in the new revision where this change starts.
    pub new_line: usize,
    pub text: String,
    /// A whole sentence deleted here and inserted, unchanged, elsewhere (or the reverse).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
    /// For a moved sentence: its line in the other revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_line: Option<usize>,
    /// Byte range in the old revision (empty for an insertion).
    #[serde(skip)]
    pub old_range: Range<usize>,
    /// Byte range in the new revision (empty for a deletion).
    #[serde(skip)]
    pub new_range: Range<usize>,
}

/// The result of comparing two revisions.
#[derive(Debug, Clone, PartialEq)]
pub struct TextDiff {
    pub changes: Vec<Change>,
    /// Share of the text kept, `2 × kept characters / (old + new characters)`: 1 for equal
    /// texts, 0 for texts with nothing in common.
    pub similarity: f64,
    /// The same text once trailing white space and line endings are ignored.
    pub identical: bool,
}

impl TextDiff {
    /// Whether anything at all (even white space) differs.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.op != Op::Equal)
    }

    /// Number of sentences marked as moved (counted once, at their old place).
    pub fn moved_count(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.moved && c.op == Op::Delete)
            .count()
    }
}

/// Compares two revisions of a letter.
pub fn diff(old: &str, new: &str, options: &Options) -> TextDiff {
    let deadline = Instant::now() + options.timeout;
    let aligned = align::align(old, new, options.by, deadline);
    let total = old.chars().count() + new.chars().count();
    let similarity = if total == 0 {
        1.0
    } else {
        aligned.kept_chars as f64 / total as f64
    };
    let changes = assemble(old, new, aligned.segments);
    TextDiff {
        changes,
        similarity,
        identical: normalize(old) == normalize(new),
    }
}

/// A piece of the diff before it becomes a [`Change`]: byte ranges into both texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    pub op: Op,
    pub old: Range<usize>,
    pub new: Range<usize>,
    /// Links a moved deletion to its insertion.
    pub move_id: Option<usize>,
}

impl Segment {
    pub fn equal(old: Range<usize>, new: Range<usize>) -> Self {
        Segment {
            op: Op::Equal,
            old,
            new,
            move_id: None,
        }
    }

    pub fn delete(old: Range<usize>, at_new: usize) -> Self {
        Segment {
            op: Op::Delete,
            old,
            new: at_new..at_new,
            move_id: None,
        }
    }

    pub fn insert(at_old: usize, new: Range<usize>) -> Self {
        Segment {
            op: Op::Insert,
            old: at_old..at_old,
            new,
            move_id: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.old.is_empty() && self.new.is_empty()
    }
}

/// Orders each run of edits between two equal stretches as all deletions, then all insertions
/// (how track changes reads), merges neighbours of the same kind, and numbers the lines.
fn assemble(old: &str, new: &str, segments: Vec<Segment>) -> Vec<Change> {
    let mut ordered: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut run: Vec<Segment> = Vec::new();
    let flush = |run: &mut Vec<Segment>, ordered: &mut Vec<Segment>| {
        let (deletes, inserts): (Vec<_>, Vec<_>) = run.drain(..).partition(|s| s.op == Op::Delete);
        ordered.extend(deletes);
        ordered.extend(inserts);
    };
    for s in segments.into_iter().filter(|s| !s.is_empty()) {
        if s.op == Op::Equal {
            flush(&mut run, &mut ordered);
            ordered.push(s);
        } else {
            run.push(s);
        }
    }
    flush(&mut run, &mut ordered);

    let mut merged: Vec<Segment> = Vec::with_capacity(ordered.len());
    for s in ordered {
        if let Some(last) = merged.last_mut()
            && last.op == s.op
            && last.move_id.is_none()
            && s.move_id.is_none()
            && last.old.end == s.old.start
            && last.new.end == s.new.start
        {
            last.old.end = s.old.end;
            last.new.end = s.new.end;
            continue;
        }
        merged.push(s);
    }

    // Deletions sit in the new text where the following text continues, and insertions likewise
    // in the old one; recompute those anchor points from the running cursors.
    let old_lines = LineIndex::new(old);
    let new_lines = LineIndex::new(new);
    let (mut at_old, mut at_new) = (0, 0);
    let mut changes: Vec<Change> = merged
        .iter()
        .map(|s| {
            let (old_range, new_range, text) = match s.op {
                Op::Equal => (s.old.clone(), s.new.clone(), &old[s.old.clone()]),
                Op::Delete => (s.old.clone(), at_new..at_new, &old[s.old.clone()]),
                Op::Insert => (at_old..at_old, s.new.clone(), &new[s.new.clone()]),
            };
            let change = Change {
                op: s.op,
                old_line: old_lines.line_of(old_range.start) + 1,
                new_line: new_lines.line_of(new_range.start) + 1,
                text: text.to_owned(),
                moved: s.move_id.is_some(),
                moved_line: None,
                old_range: old_range.clone(),
                new_range: new_range.clone(),
            };
            at_old = old_range.end;
            at_new = new_range.end;
            change
        })
        .collect();

    // Link each moved sentence to the line of its counterpart.
    let mut partner: std::collections::HashMap<usize, [Option<usize>; 2]> = Default::default();
    for (i, s) in merged.iter().enumerate() {
        if let Some(id) = s.move_id {
            let slot = if s.op == Op::Delete { 0 } else { 1 };
            partner.entry(id).or_default()[slot] = Some(i);
        }
    }
    for [d, i] in partner.into_values() {
        if let (Some(d), Some(i)) = (d, i) {
            changes[d].moved_line = Some(changes[i].new_line);
            changes[i].moved_line = Some(changes[d].old_line);
        }
    }
    changes
}

/// The text with line endings unified, trailing white space removed from every line, and
/// trailing blank lines dropped: what "identical" compares.
fn normalize(text: &str) -> Vec<&str> {
    // `trim_end` also takes the `\r` of a CRLF line ending.
    let mut lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    fn show(d: &TextDiff) -> String {
        d.changes
            .iter()
            .map(|c| match c.op {
                Op::Equal => c.text.clone(),
                Op::Delete => format!("[-{}-]", c.text),
                Op::Insert => format!("{{+{}+}}", c.text),
            })
            .collect()
    }

    #[test]
    fn rewritten_japanese_clause_is_one_deletion_and_one_insertion() {
        let old = "いつもお世話になっております。\nアカウントが乗っ取られました！！\n";
        let new = "いつもお世話になっております。\nアカウントにログインできなくなりました。\n";
        let d = diff(old, new, &Options::default());
        assert_eq!(
            show(&d),
            "いつもお世話になっております。\n[-アカウントが乗っ取られました！！\n-]{+アカウントにログインできなくなりました。\n+}"
        );
        assert!(d.similarity > 0.3 && d.similarity < 0.8, "{}", d.similarity);
    }

    #[test]
    fn a_replaced_paragraph_end_keeps_its_blank_line() {
        let old = "前。\n甲です！！\n\n後。\n";
        let new = "前。\n乙でございます。\n\n後。\n";
        let d = diff(old, new, &Options::default());
        assert_eq!(
            show(&d),
            "前。\n[-甲です！！\n-]{+乙でございます。\n+}\n後。\n"
        );
        // A CRLF is never split, even when only its LF is shared.
        let d = diff(
            "甲です！！\r\n\r\n後。",
            "乙でございます。\n\n後。",
            &Options::default(),
        );
        let eq: Vec<&str> = d
            .changes
            .iter()
            .filter(|c| c.op == Op::Equal)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(eq, vec!["後。"]);
    }

    #[test]
    fn small_japanese_edit_stays_small() {
        let old = "11月3日に口座情報を変更しました。\n";
        let new = "11月2日に口座情報を変更しました。\n";
        let d = diff(old, new, &Options::default());
        assert_eq!(show(&d), "11月[-3-]{+2+}日に口座情報を変更しました。\n");
    }

    #[test]
    fn english_is_diffed_by_words() {
        let old = "Hello.\nMy account was hacked on November 3, and I lost all my sales.\n";
        let new = "Hello.\nMy account was locked on November 3, and I lost all my sales.\n";
        let d = diff(old, new, &Options::default());
        assert_eq!(
            show(&d),
            "Hello.\nMy account was [-hacked-]{+locked+} on November 3, and I lost all my sales.\n"
        );
    }

    #[test]
    fn moved_sentence_is_marked_with_its_other_line() {
        let old = "First line here.\nSecond line here.\nThird line here.\n";
        let new = "Second line here.\nThird line here.\nFirst line here.\n";
        let d = diff(old, new, &Options::default());
        let moved: Vec<&Change> = d.changes.iter().filter(|c| c.moved).collect();
        assert_eq!(moved.len(), 2);
        assert_eq!(moved[0].op, Op::Delete);
        assert_eq!(moved[0].text, "First line here.\n");
        assert_eq!(moved[0].moved_line, Some(3));
        assert_eq!(moved[1].op, Op::Insert);
        assert_eq!(moved[1].moved_line, Some(1));
        assert_eq!(d.moved_count(), 1);
    }

    #[test]
    fn identical_ignores_trailing_space_and_line_endings_only() {
        let d = diff(
            "一行目。  \r\n二行目。\r\n\r\n",
            "一行目。\n二行目。",
            &Options::default(),
        );
        assert!(d.identical);
        assert!(d.has_changes());
        let d = diff("一行目。\n", "一 行目。\n", &Options::default());
        assert!(!d.identical);
    }

    #[test]
    fn line_mode_shows_whole_lines() {
        let old = "a b c\nkeep\n";
        let new = "a b d\nkeep\n";
        let d = diff(
            old,
            new,
            &Options {
                by: By::Line,
                ..Options::default()
            },
        );
        assert_eq!(show(&d), "[-a b c\n-]{+a b d\n+}keep\n");
    }

    #[test]
    fn change_lines_are_one_based_and_anchored() {
        let old = "一。\n二。\n三。\n";
        let new = "一。\n三。\n四。\n";
        let d = diff(old, new, &Options::default());
        let del = d.changes.iter().find(|c| c.op == Op::Delete).unwrap();
        assert_eq!(
            (del.old_line, del.new_line, del.text.as_str()),
            (2, 2, "二。\n")
        );
        let ins = d.changes.iter().find(|c| c.op == Op::Insert).unwrap();
        assert_eq!(
            (ins.old_line, ins.new_line, ins.text.as_str()),
            (4, 3, "四。\n")
        );
    }
}
