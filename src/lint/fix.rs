//! Fixes: each finding offers at most one edit (its first suggestion the caller allows); edits
//! that overlap an earlier one are skipped, and the loop lints again until nothing changes, so a
//! second `--fix` is a no-op.

use super::{Applicability, Finding, LangChoice, Linter};
use std::ops::Range;

/// How many lint-and-fix passes before giving up; rules whose fix re-triggers a rule stop here.
const MAX_PASSES: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    pub text: String,
    /// Findings whose fix was applied, as found in the pass that fixed them.
    pub applied: Vec<Finding>,
    /// Findings in the fixed text.
    pub remaining: Vec<Finding>,
}

/// Applies non-overlapping edits; returns the new text and the indices of the edits applied.
/// An edit that overlaps one already taken (in start order) is skipped, as is a second insertion
/// at the same point.
pub fn apply_fixes(text: &str, edits: &[(Range<usize>, &str)]) -> (String, Vec<usize>) {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| (edits[i].0.start, edits[i].0.end));
    let mut taken = Vec::new();
    let mut last_end: Option<usize> = None;
    for i in order {
        let r = &edits[i].0;
        let valid = r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end);
        if !valid || last_end.is_some_and(|e| r.start < e || (r.start == e && r.start == r.end)) {
            continue;
        }
        last_end = Some(r.end);
        taken.push(i);
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for &i in &taken {
        let (r, replacement) = &edits[i];
        out.push_str(&text[pos..r.start]);
        out.push_str(replacement);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    taken.sort_unstable();
    (out, taken)
}

/// The edit a finding offers: its first suggestion that `allow_unsafe` permits.
fn edit_of(f: &Finding, allow_unsafe: bool) -> Option<(Range<usize>, &str)> {
    if f.is_document_level() {
        return None;
    }
    f.suggestions
        .iter()
        .find(|s| {
            s.applicability == Applicability::Safe
                || (allow_unsafe && s.applicability == Applicability::Unsafe)
        })
        .map(|s| (f.start..f.end, s.text.as_str()))
}

/// Lints and fixes `text` until nothing changes.
pub fn fix_text(linter: &Linter, text: &str, lang: LangChoice, allow_unsafe: bool) -> FixOutcome {
    fix_filtered(linter, text, lang, allow_unsafe, |_| true)
}

pub(crate) fn fix_filtered(
    linter: &Linter,
    text: &str,
    lang: LangChoice,
    allow_unsafe: bool,
    keep: impl Fn(usize) -> bool + Copy,
) -> FixOutcome {
    let mut current = text.to_owned();
    let mut applied = Vec::new();
    for _ in 0..MAX_PASSES {
        let findings = linter.check_filtered(&current, lang, keep).findings;
        let (edits, owners): (Vec<_>, Vec<_>) = findings
            .iter()
            .filter_map(|f| edit_of(f, allow_unsafe).map(|e| (e, f)))
            .unzip();
        if edits.is_empty() {
            break;
        }
        let (next, taken) = apply_fixes(&current, &edits);
        if next == current {
            break;
        }
        applied.extend(taken.into_iter().map(|i| owners[i].clone()));
        current = next;
    }
    let remaining = linter.check_filtered(&current, lang, keep).findings;
    FixOutcome {
        text: current,
        applied,
        remaining,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_grow_and_shrink() {
        let (out, taken) = apply_fixes(
            "至急！！対応を",
            &[(6..12, "。"), (0..6, "恐れ入りますが早めに")],
        );
        assert_eq!(out, "恐れ入りますが早めに。対応を");
        assert_eq!(taken, vec![0, 1]);
    }

    #[test]
    fn edit_at_end_of_file_and_deletion() {
        let text = "了解です(笑)";
        let at = text.find('(').unwrap();
        let (out, _) = apply_fixes(text, &[(at..text.len(), "")]);
        assert_eq!(out, "了解です");
        let (out, _) = apply_fixes("abc", &[(3..3, "。")]);
        assert_eq!(out, "abc。");
    }

    #[test]
    fn overlapping_edits_are_skipped() {
        let (out, taken) = apply_fixes("abcdef", &[(1..4, "X"), (2..5, "Y"), (4..6, "Z")]);
        assert_eq!(out, "aXZ");
        assert_eq!(taken, vec![0, 2]);
        let (out, taken) = apply_fixes("ab", &[(1..1, "X"), (1..1, "Y")]);
        assert_eq!(out, "aXb");
        assert_eq!(taken.len(), 1);
    }

    #[test]
    fn edits_off_character_boundaries_are_refused() {
        let (out, taken) = apply_fixes("あい", &[(1..3, "x")]);
        assert_eq!(out, "あい");
        assert!(taken.is_empty());
    }
}
