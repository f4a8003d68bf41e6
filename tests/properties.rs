//! Invariants of the engine over arbitrary text: spans on character boundaries, fixes converge,
//! nothing panics.

use appeal::lint::{Category, LangChoice, Linter, fix_text};
use proptest::prelude::*;
use std::sync::OnceLock;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| Linter::embedded().unwrap())
}

/// Text built from pieces the rules care about, mixed with arbitrary characters: full- and
/// half-width forms, voiced marks, CRLF, combining marks.
fn letter() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Amazonのミス".to_owned()),
        Just("ＡＭＡＺＯＮのミス".to_owned()),
        Just("(笑)".to_owned()),
        Just("（笑）".to_owned()),
        Just("！！".to_owned()),
        Just("!!!".to_owned()),
        Just("ｶﾞ".to_owned()),
        Just("ﾟ".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("I was hacked. ".to_owned()),
        Just("4242 4242 4242 4242".to_owned()),
        Just("か\u{3099}".to_owned()),
        "[ぁ-んァ-ヶｦ-ﾟＡ-Ｚａ-ｚ０-９a-zA-Z0-9 。、！？!?.()\n]{0,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn spans_are_on_character_boundaries_and_match_the_text(text in letter()) {
        for lang in [LangChoice::Auto, LangChoice::Force(appeal::text::Lang::En)] {
            for f in linter().check(&text, lang).findings {
                prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
                prop_assert!(f.start <= f.end && f.end <= text.len());
                if f.category != Category::Pii {
                    // The matched text, but for secrets inside it, masked with `*` character
                    // for character (a whole sentence flagged around a card number).
                    let source = &text[f.start..f.end];
                    prop_assert_eq!(source.chars().count(), f.matched.chars().count());
                    prop_assert!(
                        source.chars().zip(f.matched.chars()).all(|(t, m)| t == m || m == '*'),
                        "{:?} vs {:?}", source, f.matched
                    );
                }
                prop_assert!(f.line <= f.end_line);
            }
        }
    }

    #[test]
    fn a_second_fix_changes_nothing(text in letter(), unsafe_fixes in any::<bool>()) {
        let once = fix_text(linter(), &text, LangChoice::Auto, unsafe_fixes);
        let twice = fix_text(linter(), &once.text, LangChoice::Auto, unsafe_fixes);
        prop_assert_eq!(&twice.text, &once.text);
    }

    #[test]
    fn lint_never_panics_on_arbitrary_strings(text in any::<String>()) {
        let _ = linter().check(&text, LangChoice::Auto);
        let _ = fix_text(linter(), &text, LangChoice::Auto, true);
    }
}
