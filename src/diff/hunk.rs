//! Display rows and hunks: the change list cut at line breaks, unchanged rows folded away except
//! for a few rows of context around each edit. The CLI only has to paint them.

use super::{Change, Op};

/// Part of a row: text of one kind, without its line break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub op: Op,
    pub text: String,
    /// The row ends with this piece's line break (so an empty `text` is a deleted or inserted
    /// line break, worth showing).
    pub newline: bool,
    /// For a moved sentence: its line in the other revision.
    pub moved_line: Option<usize>,
}

/// One display line: where it starts in each revision (`None` when it has no text from that
/// revision) and its pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
    pub pieces: Vec<Piece>,
}

impl Row {
    pub fn is_changed(&self) -> bool {
        self.pieces.iter().any(|p| p.op != Op::Equal)
    }
}

/// A run of changed rows with their context, like a unified diff's `@@ -a,b +c,d @@`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: usize,
    pub old_len: usize,
    pub new_start: usize,
    pub new_len: usize,
    pub rows: Vec<Row>,
}

/// Cuts the changes into rows at every line break and groups the changed rows into hunks with
/// `context` unchanged rows around them.
pub fn hunks(changes: &[Change], context: usize) -> Vec<Hunk> {
    let rows = rows(changes);
    let changed: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].is_changed()).collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        let (lo, hi) = (i.saturating_sub(context), (i + context + 1).min(rows.len()));
        match spans.last_mut() {
            Some(last) if lo <= last.1 => last.1 = hi,
            _ => spans.push((lo, hi)),
        }
    }
    spans
        .into_iter()
        .map(|(lo, hi)| {
            let rows = rows[lo..hi].to_vec();
            let (old_start, old_len) = extent(rows.iter().map(|r| r.old_line));
            let (new_start, new_len) = extent(rows.iter().map(|r| r.new_line));
            Hunk {
                old_start,
                old_len,
                new_start,
                new_len,
                rows,
            }
        })
        .collect()
}

/// First line and number of lines a hunk covers in one revision.
fn extent(lines: impl Iterator<Item = Option<usize>>) -> (usize, usize) {
    let lines: Vec<usize> = lines.flatten().collect();
    match (lines.iter().min(), lines.iter().max()) {
        (Some(&lo), Some(&hi)) => (lo, hi - lo + 1),
        _ => (0, 0),
    }
}

fn rows(changes: &[Change]) -> Vec<Row> {
    let mut rows = Vec::new();
    let (mut old_line, mut new_line) = (1, 1);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut row_start = (1, 1);
    for c in changes {
        for part in c.text.split_inclusive('\n') {
            let newline = part.ends_with('\n');
            let text = part.trim_end_matches('\n').trim_end_matches('\r');
            if pieces.is_empty() {
                row_start = (old_line, new_line);
            }
            pieces.push(Piece {
                op: c.op,
                text: text.to_owned(),
                newline,
                moved_line: c.moved_line,
            });
            if newline {
                match c.op {
                    Op::Equal => {
                        old_line += 1;
                        new_line += 1;
                    }
                    Op::Delete => old_line += 1,
                    Op::Insert => new_line += 1,
                }
                rows.push(finish(std::mem::take(&mut pieces), row_start));
            }
        }
    }
    if !pieces.is_empty() {
        rows.push(finish(pieces, row_start));
    }
    rows
}

fn finish(mut pieces: Vec<Piece>, (old_line, new_line): (usize, usize)) -> Row {
    // Drop empty pieces that neither carry text nor the row's line break.
    pieces.retain(|p| !p.text.is_empty() || p.newline);
    let has = |op: Op| pieces.iter().any(|p| p.op == op);
    Row {
        old_line: (has(Op::Equal) || has(Op::Delete)).then_some(old_line),
        new_line: (has(Op::Equal) || has(Op::Insert)).then_some(new_line),
        pieces,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Options, diff};

    #[test]
    fn unchanged_rows_are_folded_to_context() {
        let old: String = (1..=20).map(|i| format!("行{i}です。\n")).collect();
        let new = old.replace("行10です。", "行10でした。");
        let d = diff(&old, &new, &Options::default());
        let h = hunks(&d.changes, 2);
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].old_start, h[0].old_len), (8, 5));
        assert_eq!((h[0].new_start, h[0].new_len), (8, 5));
        assert_eq!(h[0].rows.len(), 5);
        assert!(h[0].rows[2].is_changed());
        assert!(!h[0].rows[1].is_changed());
    }

    #[test]
    fn a_replaced_line_becomes_a_deleted_row_and_an_inserted_row() {
        let d = diff(
            "前。\n私のミスではありません！！\n後。\n",
            "前。\n私の変更がきっかけでした。\n後。\n",
            &Options::default(),
        );
        let h = hunks(&d.changes, 1);
        let rows = &h[0].rows;
        assert_eq!(rows.len(), 4);
        assert_eq!((rows[1].old_line, rows[1].new_line), (Some(2), None));
        assert_eq!((rows[2].old_line, rows[2].new_line), (None, Some(2)));
        assert_eq!((rows[3].old_line, rows[3].new_line), (Some(3), Some(3)));
    }

    #[test]
    fn far_apart_edits_make_separate_hunks() {
        let old: String = (1..=30).map(|i| format!("Line {i} stays.\n")).collect();
        let new = old
            .replace("Line 3 stays.", "Line 3 changed.")
            .replace("Line 25 stays.", "Line 25 changed.");
        let d = diff(&old, &new, &Options::default());
        assert_eq!(hunks(&d.changes, 3).len(), 2);
        assert!(hunks(&diff(&old, &old, &Options::default()).changes, 3).is_empty());
    }
}
