//! The engine on small inline packs: matcher kinds, exceptions, languages, options, fixes.

use appeal::lint::{
    Category, LangChoice, Linter, LoadError, Options, PackSource, fix_text, mask_secret,
};
use appeal::text::Lang;

const JA: &str = r#"
pack: t-ja
lang: ja
rules:
  - id: blame
    category: blame
    level: error
    kind: phrases
    phrases: [Amazonのミス, 乗っ取られ, 乗っ取られました]
    unless: ['ポリシー']
    message: 責任を相手に求めています。
    why: 読まれません。
    suggestions: [{text: 私の変更がきっかけとなり, applicability: unsafe}]
    examples: {bad: [Amazonのミスです。], good: [Amazonのポリシーに従い、Amazonのミスではなく私の変更です。]}
  - id: bang
    category: emotional
    level: warning
    kind: regex
    pattern: '[!?]{2,}'
    message: 感嘆符の連続です。
    why: 感情的に読まれます。
    suggestions: [{text: 。, applicability: safe}]
    examples:
      bad: [{text: 困っています！！, fixed: 困っています。}]
      good: [困っています。]
  - id: apology
    category: missing-content
    level: warning
    kind: require
    any: ['申し訳', 'お詫び']
    min_chars: 20
    message: お詫びがありません。
    why: 非を認める一文が必要です。
    suggestions: [{text: ご迷惑をおかけし、申し訳ございません。, applicability: display-only}]
    examples:
      bad: [出品者IDはA1B2C3D4E5F6G7です。アカウントにログインできなくなりました。]
      good: [出品者IDはA1B2C3D4E5F6G7です。ご迷惑をおかけし、申し訳ございません。]
  - id: two-factor
    category: missing-content
    level: warning
    kind: require
    when: ['ロック']
    any: ['二段階認証|2段階認証']
    message: 二段階認証の再設定を済ませたと書いていません。
    why: 書かないと同じ手順を案内されます。
    suggestions: [{text: 二段階認証の再設定も既に実施済みです。, applicability: display-only}]
    examples:
      bad: [アカウントがロックされました。]
      good: [アカウントがロックされました。二段階認証は再設定済みです。, 住所を変更しました。]
"#;

const EN: &str = r#"
pack: t-en
lang: en
rules:
  - id: hacked
    category: unauthorized-access
    level: error
    kind: phrases
    phrases: [hacked, got hacked]
    message: Do not claim the account was hacked.
    why: Unverified claims are ignored.
    suggestions: [{text: locked for a security review, applicability: unsafe}]
    examples: {bad: [My account was HACKED.], good: [I was not sure whether it was unhacked.]}
  - id: long
    category: style
    level: info
    kind: metric
    metric: sentence_chars
    max: 40
    message: 'Sentence of {count} characters (over {max}).'
    why: Long sentences are skimmed.
    suggestions: [{text: Split it in two., applicability: display-only}]
    examples: {bad: [This sentence is long enough to go over the forty character limit.], good: [Short one.]}
  - id: card
    category: pii
    level: error
    kind: regex
    pattern: '\b\d{4}(?:[ -]?\d{4}){3}\b'
    message: A card number.
    why: Never paste it.
    suggestions: [{text: 'card ending in ****', applicability: display-only}]
    examples: {bad: [card 4242 4242 4242 4242 here], good: [card ending 4242]}
  - id: demand
    category: demand
    level: error
    kind: regex
    pattern: '(?i)\bfix (this|it) (now|immediately)\b'
    message: A demand.
    why: Demands are ignored.
    suggestions: [{text: 'could you please review $1', applicability: unsafe}]
    examples:
      bad: [{text: Fix this now., fixed: could you please review this.}]
      good: [Could you please review this?]
"#;

const ANY: &str = r#"
pack: t-any
lang: any
rules:
  - id: length
    category: style
    level: warning
    kind: metric
    metric: chars
    max: 30
    message: '{count} characters; the form takes {max}.'
    why: The form cuts the rest.
    suggestions: [{text: Shorten the letter., applicability: display-only}]
    examples: {bad: [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa], good: [short]}
"#;

fn src(path: &str, text: &str, embedded: bool) -> PackSource {
    PackSource {
        path: path.into(),
        text: text.to_owned().into(),
        embedded,
    }
}

fn linter() -> Linter {
    linter_with(&Options::default())
}

fn linter_with(options: &Options) -> Linter {
    Linter::new(
        &[
            src("ja.yaml", JA, false),
            src("en.yaml", EN, false),
            src("any.yaml", ANY, false),
        ],
        options,
    )
    .unwrap()
}

fn rules_hit(linter: &Linter, text: &str) -> Vec<String> {
    linter
        .check(text, LangChoice::Auto)
        .findings
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

#[test]
fn full_width_and_half_width_variants_match_and_map_back() {
    let l = linter();
    let text = "ＡＭＡＺＯＮのミス！！";
    let out = l.check(text, LangChoice::Auto);
    let blame = out
        .findings
        .iter()
        .find(|f| f.rule == "t-ja/blame")
        .unwrap();
    assert_eq!(blame.matched, "ＡＭＡＺＯＮのミス");
    assert_eq!((blame.start, blame.column, blame.end_column), (0, 1, 10));
    let bang = out.findings.iter().find(|f| f.rule == "t-ja/bang").unwrap();
    assert_eq!(bang.matched, "！！");
    assert_eq!(&text[bang.start..bang.end], "！！");
}

#[test]
fn longest_phrase_of_a_rule_wins_and_english_needs_word_boundaries() {
    let l = linter();
    let out = l.check("乗っ取られました", LangChoice::Auto);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].matched, "乗っ取られました");
    assert_eq!(rules_hit(&l, "It was unhacked then."), Vec::<String>::new());
    assert_eq!(
        rules_hit(&l, "I got Hacked yesterday."),
        vec!["t-en/hacked"]
    );
}

#[test]
fn unless_applies_within_the_sentence_only() {
    let l = linter();
    let hits = rules_hit(&l, "Amazonのポリシーに反するAmazonのミスです。");
    assert!(!hits.contains(&"t-ja/blame".to_owned()), "{hits:?}");
    let hits = rules_hit(&l, "Amazonのポリシーを読みました。Amazonのミスです。");
    assert!(hits.contains(&"t-ja/blame".to_owned()), "{hits:?}");
}

/// An exception that holds a match of its own (a quoted claim) excuses that match only, not a
/// claim made in another clause of the same sentence.
#[test]
fn an_exception_around_a_quoted_claim_does_not_excuse_another_clause() {
    const QUOTE: &str = r#"
pack: t-quote
lang: en
rules:
  - id: claim
    category: unauthorized-access
    level: error
    kind: phrases
    phrases: [taken over, someone logged in]
    unless: ['\bsaying someone logged in\b', '\bno longer think\b']
    message: Do not claim a takeover.
    why: Unverified claims are ignored.
    suggestions: [{text: locked for a security review, applicability: unsafe}]
    examples: {bad: [It was taken over.], good: [I got an email saying someone logged in.]}
"#;
    let l = Linter::new(&[src("quote.yaml", QUOTE, false)], &Options::default()).unwrap();
    let matched = |text: &str| -> Vec<String> {
        l.check(text, LangChoice::Auto)
            .findings
            .into_iter()
            .map(|f| f.matched)
            .collect()
    };
    assert!(matched("I got an email saying someone logged in.").is_empty());
    assert_eq!(
        matched("My account was taken over, I got an email saying someone logged in."),
        vec!["taken over"]
    );
    // An exception that holds no other claim still covers the whole sentence.
    assert!(
        matched("I no longer think it was taken over, someone logged in was my son.").is_empty()
    );
}

#[test]
fn require_reports_once_at_the_document_start_and_respects_min_chars_and_when() {
    let l = linter();
    let letter = "出品者IDはA1B2C3D4E5F6G7です。アカウントがロックされ、ログインできません。";
    let out = l.check(letter, LangChoice::Auto);
    let missing: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.category == Category::MissingContent)
        .collect();
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(
        missing
            .iter()
            .all(|f| f.is_document_level() && f.line == 1 && f.column == 1)
    );
    // Short texts are not letters; `when` keeps the lock rule off other letters.
    assert!(rules_hit(&l, "短い文です。").is_empty());
    let hits = rules_hit(
        &l,
        "出品者IDはA1B2C3D4E5F6G7です。住所の変更についてご相談いたします。",
    );
    assert!(hits.contains(&"t-ja/apology".to_owned()), "{hits:?}");
    assert!(!hits.contains(&"t-ja/two-factor".to_owned()), "{hits:?}");
}

#[test]
fn paragraphs_get_their_own_language_and_lang_can_be_forced() {
    let l = linter();
    let text = "アカウントについてご相談いたします。\n\nMy seller account got hacked last week, I think.\n";
    let out = l.check(text, LangChoice::Auto);
    assert_eq!(out.lang, Lang::Ja);
    assert!(
        out.findings
            .iter()
            .any(|f| f.rule == "t-en/hacked" && f.line == 3)
    );
    let forced = l.check(text, LangChoice::Force(Lang::Ja));
    assert!(!forced.findings.iter().any(|f| f.rule == "t-en/hacked"));
}

#[test]
fn metrics_fill_in_their_numbers_and_limits_can_change() {
    let l = linter();
    let long = "This sentence is long enough to go over the forty character limit.";
    let out = l.check(long, LangChoice::Auto);
    let f = out.findings.iter().find(|f| f.rule == "t-en/long").unwrap();
    assert_eq!(f.message, "Sentence of 66 characters (over 40).");
    let chars = out
        .findings
        .iter()
        .find(|f| f.rule == "t-any/length")
        .unwrap();
    assert_eq!(
        chars.column, 31,
        "points at the first character past the limit"
    );
    let mut options = Options::default();
    options.limits.insert("t-en/long".into(), 100);
    options.max_chars = Some(1000);
    let relaxed = linter_with(&options);
    assert!(relaxed.check(long, LangChoice::Auto).findings.is_empty());
}

#[test]
fn pii_is_masked_in_findings() {
    let l = linter();
    let out = l.check("My card is 4242-4242-4242-4242 ok", LangChoice::Auto);
    let f = out.findings.iter().find(|f| f.rule == "t-en/card").unwrap();
    assert_eq!(f.matched, "****-****-****-4242");
    assert_eq!(f.matched, mask_secret("4242-4242-4242-4242"));
}

#[test]
fn fixes_expand_captures_and_converge() {
    let l = linter();
    let fixed = fix_text(
        &l,
        "Fix it now, I have been waiting for weeks.\n\n困っています！！",
        LangChoice::Auto,
        true,
    );
    assert_eq!(
        fixed.text,
        "could you please review it, I have been waiting for weeks.\n\n困っています。"
    );
    assert_eq!(fixed.applied.len(), 2);
    let again = fix_text(&l, &fixed.text, LangChoice::Auto, true);
    assert_eq!(again.text, fixed.text);
    assert!(again.applied.is_empty());
    // Without --unsafe-fixes only the safe one applies.
    let safe = fix_text(
        &l,
        "Fix it now, I have been waiting for weeks.\n\n困っています！！",
        LangChoice::Auto,
        false,
    );
    assert_eq!(
        safe.text,
        "Fix it now, I have been waiting for weeks.\n\n困っています。"
    );
}

#[test]
fn crlf_positions() {
    let l = linter();
    let out = l.check("一行目です。\r\nAmazonのミスです。\r\n", LangChoice::Auto);
    let f = out
        .findings
        .iter()
        .find(|f| f.rule == "t-ja/blame")
        .unwrap();
    assert_eq!((f.line, f.column, f.end_line, f.end_column), (2, 1, 2, 10));
}

#[test]
fn disable_by_rule_or_pack_and_unknown_ids_are_errors() {
    let options = Options {
        disable: vec!["t-ja/blame".into(), "t-any".into()],
        ..Options::default()
    };
    let l = linter_with(&options);
    assert!(!l.is_enabled("t-ja/blame"));
    assert!(rules_hit(&l, "Amazonのミス").is_empty());
    let bad = Options {
        disable: vec!["t-ja/blam".into()],
        ..Options::default()
    };
    let err = Linter::new(&[src("ja.yaml", JA, false)], &bad).unwrap_err();
    assert!(
        err.to_string().contains("did you mean `t-ja/blame`"),
        "{err}"
    );
}

#[test]
fn a_user_pack_with_a_failing_example_is_a_load_error_naming_file_line_and_rule() {
    let broken = JA.replace("good: [困っています。]", "good: [困っています！！]");
    let err = Linter::new(&[src("mine/ja.yaml", &broken, false)], &Options::default()).unwrap_err();
    match &err {
        LoadError::Rule {
            path,
            line,
            rule,
            message,
        } => {
            assert_eq!(path, "mine/ja.yaml");
            assert_eq!(rule, "t-ja/bang");
            assert_eq!(*line, 15);
            assert!(message.contains("good example is flagged"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_user_pack_replaces_an_embedded_pack_with_the_same_id() {
    let replacement = EN.replace("phrases: [hacked, got hacked]", "phrases: [compromised]").replace(
        "examples: {bad: [My account was HACKED.], good: [I was not sure whether it was unhacked.]}",
        "examples: {bad: [It was compromised.], good: [It was hacked.]}",
    );
    let l = Linter::new(
        &[
            src("lints/en.yaml", EN, true),
            src("mine/en.yaml", &replacement, false),
        ],
        &Options::default(),
    )
    .unwrap();
    assert!(rules_hit(&l, "I got hacked.").is_empty());
    assert_eq!(rules_hit(&l, "It was compromised."), vec!["t-en/hacked"]);
    // Two packs with one id from the same origin are an error.
    let err = Linter::new(
        &[src("a.yaml", EN, false), src("b.yaml", EN, false)],
        &Options::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("defined twice"), "{err}");
}

/// A user pattern with a Unicode word boundary cannot run in the lazy DFA on Japanese text; the
/// engine falls back to the pattern's own regex, in every paragraph of the language.
#[test]
fn unicode_word_boundaries_fall_back_to_each_regex() {
    let pack = r#"
pack: uni
lang: ja
rules:
  - id: hack
    category: unauthorized-access
    level: error
    kind: regex
    pattern: '(?u:\b)hack(?u:\b)'
    message: m
    why: w
    suggestions: [{text: x, applicability: display-only}]
    examples: {bad: [昨日 hack されました], good: [昨日hackerに]}
"#;
    let l = Linter::new(&[src("uni.yaml", pack, false)], &Options::default()).unwrap();
    let text = "アカウントが hack されました。\n\nThe English paragraph in between is long enough to count.\n\n二度目の hack です。\n";
    let lines: Vec<usize> = l
        .check(text, LangChoice::Auto)
        .findings
        .iter()
        .map(|f| f.line)
        .collect();
    assert_eq!(lines, [1, 5]);
}

const SCORED: &str = r#"
pack: t-score
lang: ja
rules:
  - id: blame-phrase
    category: blame
    level: error
    kind: phrases
    phrases: [Amazonのミス]
    message: 責任を相手に求めています。
    why: 読まれません。
    suggestions: [{text: 私の確認不足により, applicability: display-only}]
    examples: {bad: [これはAmazonのミスです。], good: [申し訳ございません。]}
  - id: reads-as-blame
    category: blame
    level: warning
    kind: metric
    metric: score
    max: 60
    message: '責任転嫁に読めます（{count}/100点）。'
    why: 読まれません。
    suggestions: [{text: 当方の確認不足が原因です。, applicability: display-only}]
    examples:
      bad: [御社の確認が遅いせいで、機会損失がどんどん膨らんでいます。]
      good: [10月30日に、該当ASIN 12件の在庫をすべて出品停止にしました。]
"#;

#[test]
fn score_rules_flag_whole_sentences_a_pattern_did_not_and_limits_tune_them() {
    let l = Linter::new(&[src("score.yaml", SCORED, false)], &Options::default()).unwrap();
    let text = "御社の確認が遅いせいで、機会損失がどんどん膨らんでいます。\
                これはAmazonのミスです。\n\n【再発防止策】\n11月1日に出品を停止しました。";
    let out = l.check(text, LangChoice::Auto);
    let found: Vec<(&str, &str)> = out
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.matched.as_str()))
        .collect();
    // The first sentence by the model, whole; the second only by the phrase (the model says
    // nothing more about a sentence a pattern of its category flagged); the heading and the
    // dated fact not at all.
    assert_eq!(
        found,
        [
            (
                "t-score/reads-as-blame",
                "御社の確認が遅いせいで、機会損失がどんどん膨らんでいます。"
            ),
            ("t-score/blame-phrase", "Amazonのミス"),
        ]
    );
    let score: usize = out.findings[0]
        .message
        .trim_start_matches("責任転嫁に読めます（")
        .trim_end_matches("/100点）。")
        .parse()
        .unwrap();
    assert!((61..=100).contains(&score), "{}", out.findings[0].message);

    // A limit at the score silences it.
    let mut options = Options::default();
    options
        .limits
        .insert("t-score/reads-as-blame".into(), score);
    let strict = Linter::new(&[src("score.yaml", SCORED, false)], &options).unwrap();
    let rules = rules_hit(&strict, text);
    assert_eq!(rules, ["t-score/blame-phrase"]);
}

#[test]
fn score_rules_need_a_language_a_modelled_category_and_a_percentage() {
    let rule = |lang: &str, category: &str, max: usize| {
        format!(
            "pack: t-bad\nlang: {lang}\nrules:\n  - id: r\n    category: {category}\n    level: warning\n    kind: metric\n    metric: score\n    max: {max}\n    message: m\n    why: w\n    suggestions: [{{text: t, applicability: display-only}}]\n    examples: {{bad: [a], good: [b]}}\n"
        )
    };
    for (text, expected) in [
        (rule("any", "blame", 50), "needs `lang: ja` or `lang: en`"),
        (rule("en", "pii", 50), "has models for blame"),
        (rule("en", "blame", 100), "is a percentage"),
    ] {
        let err = Linter::new(&[src("bad.yaml", &text, false)], &Options::default()).unwrap_err();
        let LoadError::Rule { rule, message, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(rule, "t-bad/r");
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn a_secret_inside_another_findings_span_is_masked_there_too() {
    let pack = r#"
pack: t-mask
lang: en
rules:
  - id: password
    category: pii
    level: error
    kind: regex
    pattern: '(?i)password\s+is\s+\S+'
    message: m
    why: w
    suggestions: [{text: t, applicability: display-only}]
    examples: {bad: [my password is abc12345], good: [I reset my password.]}
  - id: losing-it
    category: emotional
    level: warning
    kind: regex
    pattern: '(?i)my\s+password.*mind'
    message: m
    why: w
    suggestions: [{text: t, applicability: display-only}]
    examples: {bad: [my password is x and I lost my mind], good: [I am fine.]}
"#;
    let l = Linter::new(&[src("mask.yaml", pack, false)], &Options::default()).unwrap();
    let out = l.check(
        "My password is Kyoto2026 and I am losing my mind.",
        LangChoice::Auto,
    );
    let matched: Vec<&str> = out.findings.iter().map(|f| f.matched.as_str()).collect();
    assert_eq!(
        matched,
        [
            "My ******** ** *****2026 and I am losing my mind",
            "******** ** *****2026"
        ]
    );
}

/// Overlapping rules of one pack and category give one finding (the most severe, then the
/// longest); a safe fix and another pack's rule are never hidden.
#[test]
fn one_finding_per_span_per_pack_and_category() {
    let rule = |id: &str, level: &str, pattern: &str, applicability: &str, bad: &str| {
        format!(
            "  - id: {id}\n    category: blame\n    level: {level}\n    kind: regex\n    pattern: '{pattern}'\n    message: m\n    why: w\n    suggestions: [{{text: 'x', applicability: {applicability}}}]\n    examples: {{bad: [{bad}], good: [ご確認ください。]}}\n"
        )
    };
    let one = format!(
        "pack: one\nlang: ja\nrules:\n{}{}{}{}",
        rule(
            "fault",
            "warning",
            "システムの不具合",
            "unsafe",
            "システムの不具合です。"
        ),
        rule(
            "judge",
            "error",
            "御社のシステム",
            "unsafe",
            "御社のシステムです。"
        ),
        rule(
            "long",
            "warning",
            "御社のシステムの不具合",
            "unsafe",
            "御社のシステムの不具合です。"
        ),
        rule("safe", "info", "不具合", "safe", "不具合です。"),
    );
    let two = format!(
        "pack: two\nlang: ja\nrules:\n{}",
        rule("mine", "info", "不具合です", "unsafe", "不具合です。")
    );
    let linter = Linter::new(
        &[src("one.yaml", &one, false), src("two.yaml", &two, false)],
        &Options::default(),
    )
    .unwrap();
    let mut hit = rules_hit(&linter, "御社のシステムの不具合です。");
    hit.sort();
    // `judge` is the only error; `long` and `fault` overlap it. `safe` carries a safe fix,
    // `two/mine` is another pack's.
    assert_eq!(hit, ["one/judge", "one/safe", "two/mine"]);
    // Apart, each is reported.
    let mut apart = rules_hit(
        &linter,
        "御社のシステムです。システムの不具合がありました。",
    );
    apart.sort();
    assert_eq!(apart, ["one/fault", "one/judge", "one/safe"]);
}
