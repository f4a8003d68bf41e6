//! Invariants of the differ, over generated letters mixing Japanese, English, punctuation, line
//! endings, combining marks and emoji sequences.

use super::*;
use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

const PIECES: &[&str] = &[
    "アカウント",
    "が",
    "に",
    "乗っ取られ",
    "ました",
    "口座",
    "を変更",
    "しました",
    "。",
    "！！",
    "？",
    "(笑)",
    "11月3日",
    "2026-11-03",
    " ",
    "　",
    "\n",
    "\n\n",
    "\r\n",
    "The ",
    "account ",
    "was ",
    "hacked",
    "locked",
    ". ",
    "!",
    "e\u{301}",
    "👩‍💻",
    "ｶﾞ",
    "A1B2C3D4E5",
    "a@example.com",
];

fn letter() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
}

/// A letter and a revision of it: some pieces dropped, replaced or added.
fn revision_pair() -> impl Strategy<Value = (String, String)> {
    (
        prop::collection::vec(prop::sample::select(PIECES), 0..40),
        prop::collection::vec((0..4u8, prop::sample::select(PIECES)), 0..40),
    )
        .prop_map(|(old, edits)| {
            let mut new = Vec::new();
            for (i, piece) in old.iter().enumerate() {
                match edits.get(i).map(|e| e.0) {
                    Some(0) => {}
                    Some(1) => new.push(edits[i].1),
                    Some(2) => {
                        new.push(edits[i].1);
                        new.push(*piece);
                    }
                    _ => new.push(*piece),
                }
            }
            new.extend(edits.iter().skip(old.len()).map(|e| e.1));
            (old.concat(), new.concat())
        })
}

const MODES: [By; 4] = [By::Auto, By::Char, By::Word, By::Line];

fn options(by: By) -> Options {
    Options {
        by,
        ..Options::default()
    }
}

fn boundaries(text: &str) -> Vec<usize> {
    let mut b: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
    b.push(text.len());
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_text_against_itself_has_no_changes(text in letter()) {
        for by in MODES {
            let d = diff(&text, &text, &options(by));
            prop_assert!(!d.has_changes(), "{by:?}: {:?}", d.changes);
            prop_assert_eq!(d.similarity, 1.0);
            prop_assert!(d.identical);
        }
    }

    #[test]
    fn the_changes_rebuild_both_revisions((old, new) in revision_pair()) {
        for by in MODES {
            let d = diff(&old, &new, &options(by));
            let rebuilt_old: String = d.changes.iter()
                .filter(|c| c.op != Op::Insert).map(|c| c.text.as_str()).collect();
            let rebuilt_new: String = d.changes.iter()
                .filter(|c| c.op != Op::Delete).map(|c| c.text.as_str()).collect();
            prop_assert_eq!(&rebuilt_old, &old, "{:?}", by);
            prop_assert_eq!(&rebuilt_new, &new, "{:?}", by);
            prop_assert!((0.0..=1.0).contains(&d.similarity));
            prop_assert_eq!(d.has_changes(), old != new);
        }
    }

    #[test]
    fn every_change_boundary_is_a_grapheme_boundary((old, new) in revision_pair()) {
        let (ob, nb) = (boundaries(&old), boundaries(&new));
        for by in MODES {
            let d = diff(&old, &new, &options(by));
            for c in &d.changes {
                for at in [c.old_range.start, c.old_range.end] {
                    prop_assert!(ob.binary_search(&at).is_ok(), "{by:?} old {at} in {old:?}");
                }
                for at in [c.new_range.start, c.new_range.end] {
                    prop_assert!(nb.binary_search(&at).is_ok(), "{by:?} new {at} in {new:?}");
                }
                prop_assert!(!c.text.is_empty());
            }
        }
    }

    #[test]
    fn line_numbers_match_the_ranges((old, new) in revision_pair()) {
        let d = diff(&old, &new, &Options::default());
        for c in &d.changes {
            prop_assert_eq!(c.old_line, old[..c.old_range.start].matches('\n').count() + 1);
            prop_assert_eq!(c.new_line, new[..c.new_range.start].matches('\n').count() + 1);
        }
    }
}

#[test]
fn a_pathological_pair_finishes_within_its_deadline() {
    // Two long texts with almost nothing in common and no sentence breaks: the worst case for the
    // character diff inside the one "sentence" each has.
    let old: String = (0..60_000)
        .map(|i| if i % 7 == 0 { 'あ' } else { 'い' })
        .collect();
    let new: String = (0..60_000)
        .map(|i| if i % 5 == 0 { 'う' } else { 'い' })
        .collect();
    let start = std::time::Instant::now();
    let d = diff(
        &old,
        &new,
        &Options {
            by: By::Char,
            timeout: std::time::Duration::from_millis(200),
        },
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    let rebuilt: String = d
        .changes
        .iter()
        .filter(|c| c.op != Op::Delete)
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(rebuilt, new);
}
