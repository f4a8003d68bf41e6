//! The shipped example letters (examples/letters/) hold the packs to the product's promise: a
//! good appeal raises nothing at warning or above, an angry first draft raises findings in every
//! category, and a letter missing a required part says which part.

use appeal::lint::{
    Category, Finding, LangChoice, Linter, Options, Severity, embedded_packs, embedded_packs_for,
    fix_text,
};
use appeal::text::Lang;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Compiling every pack takes a moment in a debug build; the tests share one linter.
fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::embedded().expect("shipped packs load"))
}

fn letter(name: &str) -> String {
    let path = format!("{}/examples/letters/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn lint(name: &str) -> Vec<Finding> {
    linter().check(&letter(name), LangChoice::Auto).findings
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "  {}:{} {} {} {:?}",
                f.line, f.column, f.severity, f.rule, f.matched
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn good_letters_raise_nothing_at_warning_or_above() {
    for name in ["ja-good.txt", "en-good.txt"] {
        let findings = lint(name);
        let serious: Vec<Finding> = findings
            .into_iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(serious.is_empty(), "{name}:\n{}", describe(&serious));
    }
}

#[test]
fn angry_drafts_raise_every_category() {
    // Every category but `style`, which an angry draft need not break.
    let expected: BTreeSet<Category> = Category::ALL
        .into_iter()
        .filter(|c| *c != Category::Style)
        .collect();
    for name in ["ja-angry.txt", "en-angry.txt"] {
        let findings = lint(name);
        let got: BTreeSet<Category> = findings.iter().map(|f| f.category).collect();
        let missing: Vec<_> = expected.difference(&got).collect();
        assert!(
            missing.is_empty(),
            "{name}: no finding for {missing:?}\n{}",
            describe(&findings)
        );
        assert!(
            findings.len() >= 15,
            "{name}: only {} findings\n{}",
            findings.len(),
            describe(&findings)
        );
    }
}

#[test]
fn secrets_in_angry_drafts_are_masked() {
    for name in ["ja-angry.txt", "en-angry.txt"] {
        let findings = lint(name);
        let pii: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.category == Category::Pii)
            .collect();
        assert!(pii.len() >= 2, "{name}: card number and password expected");
        for f in pii {
            assert!(!f.matched.contains("4242 4242"), "{name}: {:?}", f.matched);
            assert!(!f.matched.contains("akura"), "{name}: {:?}", f.matched);
            assert!(f.matched.contains('*'), "{name}: {:?}", f.matched);
        }
    }
}

#[test]
fn letters_missing_a_part_name_that_part() {
    for (name, rule) in [
        ("ja-no-apology.txt", "ja-content/missing-apology"),
        ("ja-no-prevention.txt", "ja-content/missing-prevention"),
        ("en-no-apology.txt", "en-content/missing-apology"),
        ("en-no-prevention.txt", "en-content/missing-prevention"),
    ] {
        let findings = lint(name);
        let missing: Vec<&str> = findings
            .iter()
            .filter(|f| f.category == Category::MissingContent)
            .map(|f| f.rule.as_str())
            .collect();
        assert_eq!(missing, vec![rule], "{name}:\n{}", describe(&findings));
        let f = findings.iter().find(|f| f.rule == rule).unwrap();
        assert!(f.is_document_level());
        assert_eq!((f.line, f.column), (1, 1));
        // Apart from the missing part these are good letters.
        let others: Vec<Finding> = findings
            .iter()
            .filter(|f| f.rule != rule && f.severity >= Severity::Warning)
            .cloned()
            .collect();
        assert!(others.is_empty(), "{name}:\n{}", describe(&others));
    }
}

#[test]
fn safe_fixes_calm_the_punctuation_and_converge() {
    let linter = linter();
    let ja = fix_text(linter, &letter("ja-angry.txt"), LangChoice::Auto, false);
    assert!(!ja.text.contains("！！"), "{}", ja.text);
    assert!(!ja.text.contains("ですねｗ"), "{}", ja.text);
    assert!(ja.text.contains("いい加減にしてください。"), "{}", ja.text);
    let en = fix_text(linter, &letter("en-angry.txt"), LangChoice::Auto, false);
    assert!(!en.text.contains("!!!"), "{}", en.text);
    assert!(!en.text.contains(" lol"), "{}", en.text);
    for fixed in [ja.text, en.text] {
        let again = fix_text(linter, &fixed, LangChoice::Auto, false);
        assert_eq!(again.text, fixed, "a second --fix changed the text");
        assert!(again.applied.is_empty());
    }
}

#[test]
fn the_character_limit_is_reported_on_an_overlong_letter() {
    let linter = linter();
    for (name, rule) in [
        ("ja-good.txt", "ja-style/letter-too-long"),
        ("en-good.txt", "en-style/letter-too-long"),
    ] {
        let once = linter.check(&letter(name), LangChoice::Auto).findings;
        assert!(once.iter().all(|f| f.rule != rule), "{name} alone is short");
        let long = letter(name).repeat(3);
        let findings = linter.check(&long, LangChoice::Auto).findings;
        assert!(
            findings.iter().any(|f| f.rule == rule),
            "{name} x3:\n{}",
            describe(&findings)
        );
    }
}

/// A promise that heads the steps under it is a heading, not a vague promise; the same words as
/// a sentence of their own still are one.
#[test]
fn a_promise_heading_a_list_is_not_a_vague_promise() {
    let vague = |text: &str| {
        linter()
            .check(text, LangChoice::Auto)
            .findings
            .iter()
            .filter(|f| f.category == Category::Vague)
            .count()
    };
    let en =
        "How we will prevent this\n- Daily: our lead checks the Account Health page at 9:00.\n";
    let ja = "今後の注意徹底\n・毎朝9時に担当の佐藤がアカウント健全性を確認します。\n";
    assert_eq!(vague(en), 0, "{en}");
    assert_eq!(vague(ja), 0, "{ja}");
    assert!(vague("We will prevent this.\nThank you.\n") > 0);
    assert!(vague("今後の注意徹底。\nよろしくお願いします。\n") > 0);
}

/// `appeal lint` loads only the packs of the languages a letter holds: each letter, and one
/// with an English translation under the Japanese, gets the findings it gets from every pack.
#[test]
fn a_letter_linted_with_its_languages_packs_gets_every_finding() {
    let names = ["ja-angry.txt", "ja-good.txt", "en-angry.txt", "en-good.txt"];
    let mut texts: Vec<String> = names.iter().map(|n| letter(n)).collect();
    texts.push(format!(
        "{}\n\n{}",
        letter("ja-angry.txt"),
        letter("en-angry.txt")
    ));
    let mut found = 0;
    for text in &texts {
        let langs = LangChoice::Auto.langs_in(text);
        let sources = embedded_packs_for(|l| langs.contains(&l));
        assert!(sources.len() < embedded_packs().len() || langs.len() == 2);
        let some = Linter::new(&sources, &Options::default()).expect("shipped packs load");
        let (all, picked) = (
            linter().check(text, LangChoice::Auto),
            some.check(text, LangChoice::Auto),
        );
        assert_eq!(describe(&all.findings), describe(&picked.findings));
        found += all.findings.len();
    }
    assert!(found > 20, "the angry drafts raise findings to compare");
    assert_eq!(LangChoice::Auto.langs_in(&texts[4]), [Lang::Ja, Lang::En]);
    assert_eq!(LangChoice::Force(Lang::En).langs_in(&texts[0]), [Lang::En]);
}
