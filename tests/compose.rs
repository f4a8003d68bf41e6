//! `appeal compose`, `init` and `templates` from the outside: every shipped example composes to
//! a clean letter (snapshotted), and bad input fails with an error a seller can act on.

use appeal::compose::Composer;
use appeal::facts::{self, Facts, Scenario, Text};
use appeal::lint::{LangChoice, Linter, Severity};
use appeal::text::Lang;
use assert_cmd::Command;
use predicates::prelude::*;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples/facts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    v
}

/// `appeal` run from a directory with no `.appeal.yaml` above it.
fn appeal(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("appeal").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn example_text(name: &str) -> String {
    std::fs::read_to_string(root().join("examples/facts").join(name)).unwrap()
}

#[test]
fn there_is_an_example_per_scenario_and_language() {
    let names: Vec<String> = examples()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for s in Scenario::ALL {
        for l in Lang::ALL {
            let want = format!("{s}-{l}");
            assert!(names.contains(&want), "missing examples/facts/{want}.yaml");
        }
    }
}

#[test]
fn every_example_composes_to_a_clean_letter() {
    let tmp = tempfile::tempdir().unwrap();
    for path in examples() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let out = appeal(tmp.path())
            .arg("compose")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
        assert!(stderr.is_empty(), "{name}: {stderr}");
        let letter = String::from_utf8(out.stdout).unwrap();
        assert!(
            letter.ends_with('\n') && !letter.ends_with("\n\n"),
            "{name}"
        );
        insta::assert_snapshot!(name, letter);
    }
}

/// The same check through the library, spelled out: nothing at `warning` or above.
#[test]
fn every_example_lints_clean_under_the_shipped_packs() {
    let composer = Composer::embedded().unwrap();
    let linter = Linter::embedded().unwrap();
    for path in examples() {
        let parsed = facts::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(
            parsed.warnings.is_empty(),
            "{path:?}: {:?}",
            parsed.warnings
        );
        let letter = composer.compose(&parsed.facts).unwrap();
        let loud: Vec<_> = linter
            .check(&letter.text, LangChoice::Auto)
            .findings
            .into_iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(loud.is_empty(), "{path:?}: {loud:#?}");
    }
}

#[test]
fn japanese_letters_use_full_width_punctuation_and_no_exclamation() {
    let composer = Composer::embedded().unwrap();
    for path in examples() {
        let parsed = facts::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let letter = composer.compose(&parsed.facts).unwrap();
        assert!(
            !letter.text.contains('！') && !letter.text.contains('!'),
            "{path:?}"
        );
        if letter.lang == Lang::Ja {
            for line in letter.text.lines() {
                let japanese = line.chars().any(appeal::text::is_japanese_char);
                if japanese {
                    assert!(
                        !line.contains(", ") && !line.ends_with('.'),
                        "{path:?}: half-width punctuation in {line:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_init_skeleton_composes_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    for s in Scenario::ALL {
        for l in Lang::ALL {
            let out = appeal(tmp.path())
                .args(["init", s.as_str(), "--lang", l.as_str()])
                .output()
                .unwrap();
            assert!(out.status.success());
            let skeleton = String::from_utf8(out.stdout).unwrap();
            assert!(skeleton.contains("(required)"), "{s} {l}");
            assert!(skeleton.contains("(optional)"), "{s} {l}");
            appeal(tmp.path())
                .args(["compose", "-"])
                .write_stdin(skeleton)
                .assert()
                .code(0)
                .stderr("");
        }
    }
}

#[test]
fn init_rejects_an_unknown_scenario_listing_the_known_ones() {
    let tmp = tempfile::tempdir().unwrap();
    appeal(tmp.path())
        .args(["init", "hacked"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("security-lock").and(predicate::str::contains("follow-up")),
        );
}

#[test]
fn templates_list_and_show() {
    let tmp = tempfile::tempdir().unwrap();
    let out = appeal(tmp.path()).arg("templates").output().unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    for s in Scenario::ALL {
        assert!(list.contains(s.as_str()), "{list}");
    }
    assert!(list.contains("[ja, en]"), "{list}");
    appeal(tmp.path())
        .args(["templates", "show", "security-lock"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("merchant_id *")
                .and(predicate::str::contains("password_reset *"))
                .and(predicate::str::contains("ja/security-lock.txt"))
                .and(predicate::str::contains("other_changes  ")),
        );
}

fn compose_stdin(yaml: &str) -> assert_cmd::assert::Assert {
    let tmp = tempfile::tempdir().unwrap();
    appeal(tmp.path())
        .args(["compose", "-"])
        .write_stdin(yaml.to_owned())
        .assert()
}

#[test]
fn malformed_yaml_names_line_and_column() {
    compose_stdin("scenario: security-lock\nlang: ja\nseller: [a, b\n")
        .code(2)
        .stdout("")
        .stderr(predicate::str::is_match(r"^error: <stdin>:\d+:\d+: ").unwrap());
}

#[test]
fn wrong_types_are_named_with_their_path_and_line() {
    let text =
        example_text("security-lock-ja.yaml").replace("  name: 佐藤 美咲", "  name: [佐藤, 美咲]");
    compose_stdin(&text)
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: <stdin>:6:3: `seller.name`: expected text, found a list",
        ));
}

#[test]
fn unknown_scenario_lists_the_known_ones() {
    compose_stdin("scenario: hacked-account\nlang: ja\n")
        .code(2)
        .stderr(predicate::str::contains(
            "unknown scenario `hacked-account` (known scenarios: security-lock, identity-verification, plan-of-action, follow-up)",
        ));
}

#[test]
fn every_missing_fact_is_reported_at_once() {
    let text = example_text("security-lock-ja.yaml")
        .replace("  merchant_id: A2K9XQ7RTB4M1Z\n", "")
        .replace("  email: misaki.shop@example.jp\n", "")
        .replace("locked_since: 2025-06-03\n", "");
    let out = compose_stdin(&text).code(2).stdout("").get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    for path in ["seller.merchant_id", "seller.email", "locked_since"] {
        assert!(
            stderr.contains(&format!("missing required fact `{path}`")),
            "{path}: {stderr}"
        );
    }
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
}

#[test]
fn unknown_keys_get_a_did_you_mean() {
    let text = example_text("security-lock-ja.yaml").replace("locked_since:", "locked_sice:");
    compose_stdin(&text)
        .code(2)
        .stderr(predicate::str::contains(
            "unknown key `locked_sice` (did you mean `locked_since`?)",
        ));
}

#[test]
fn dates_must_be_iso() {
    let text = example_text("security-lock-ja.yaml")
        .replace("locked_since: 2025-06-03", "locked_since: 2025/06/03");
    compose_stdin(&text)
        .code(2)
        .stderr(predicate::str::contains(
            "`locked_since`: `2025/06/03` is not a date: write it as YYYY-MM-DD",
        ));
}

#[test]
fn full_card_and_bank_numbers_are_refused() {
    let text = example_text("security-lock-ja.yaml").replace(
        "  what: 売上金の振込先銀行口座",
        "  what: 売上金の振込先銀行口座（口座番号 1234567）",
    );
    compose_stdin(&text).code(2).stdout("").stderr(
        predicate::str::contains("`change.what`: looks like a full bank account number").and(
            predicate::str::contains("give the last four digits only (e.g. `…4567`)"),
        ),
    );
    let text = example_text("security-lock-en.yaml")
        .replace("(the card is valid)", "(card 4111 1111 1111 1111 is valid)");
    compose_stdin(&text).code(2).stderr(
        predicate::str::contains("full card number").and(predicate::str::contains("`…1111`")),
    );
}

#[test]
fn a_merchant_id_of_the_wrong_shape_is_a_warning_only() {
    let text = example_text("security-lock-ja.yaml").replace("A2K9XQ7RTB4M1Z", "misaki-shop");
    compose_stdin(&text)
        .code(0)
        .stdout(predicate::str::contains("misaki-shop"))
        .stderr(predicate::str::starts_with("warning: <stdin>: `seller.merchant_id` `misaki-shop` does not look like a merchant token"));
}

#[test]
fn template_syntax_in_a_fact_stays_literal() {
    let text = example_text("identity-verification-en.yaml").replace(
        "store_name: Reyes Outdoor Supply",
        "store_name: \"Reyes {{ seller.email }} {% if true %}Supply{% endif %}\"",
    );
    compose_stdin(&text)
        .code(0)
        .stdout(predicate::str::contains(
            "Store name: Reyes {{ seller.email }} {% if true %}Supply{% endif %}\n",
        ));
}

#[test]
fn output_file_is_written_once_and_replaced_only_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let facts = root().join("examples/facts/plan-of-action-en.yaml");
    let out = tmp.path().join("letter.txt");
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.contains("Seller ID (Merchant Token): A7M2X9Q4KD1R8W"));
    std::fs::write(&out, "my own edits\n").unwrap();
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already exists (pass --force to replace it)",
        ));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my own edits\n");
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
}

#[test]
fn composing_twice_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    for path in examples() {
        let run = || {
            appeal(tmp.path())
                .arg("compose")
                .arg(&path)
                .output()
                .unwrap()
                .stdout
        };
        assert_eq!(run(), run(), "{path:?}");
    }
}

/// A temporary directory holding `tpl/PATH` with `body`, for `--templates tpl`.
fn user_template(path: &str, body: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tpl").join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, body).unwrap();
    tmp
}

/// A user template that writes what the packs flag: compose reports it and exits 1 (the letter
/// is still printed); `--no-lint` skips the check.
#[test]
fn compose_lints_its_own_draft() {
    let tmp = user_template(
        "ja/security-lock.txt",
        "{% extends \"ja/base.txt\" %}{% block purpose %}\nこれはAmazonのミスです。ご迷惑をおかけし、申し訳ございません。\n{%- endblock purpose %}\n",
    );
    let facts = root().join("examples/facts/security-lock-ja.yaml");
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .args(["--templates", "tpl"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("これはAmazonのミスです。"))
        .stderr(predicate::str::contains("ja-tone/amazon-mistake"));
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .args(["--templates", "tpl", "--no-lint"])
        .assert()
        .code(0)
        .stderr("");
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .args(["--templates", "tpl", "--disable", "ja-tone/amazon-mistake"])
        // The model reads the sentence as blame too: a user who turns both off gets no finding.
        .args(["--disable", "ja-learned/reads-as-blame"])
        .assert()
        .code(0);
}

const FORM_PACK: &str = r#"pack: test-form
lang: any
rules:
  - id: too-long
    category: style
    level: warning
    kind: metric
    metric: chars
    max: 100
    message: "{count} characters; the form takes {max}"
    why: the form cuts the rest
    suggestions:
      - text: shorten the letter
        applicability: display-only
    examples:
      bad: ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
      good: ["short"]
"#;

#[test]
fn max_chars_from_the_flag_or_the_config_reaches_the_linter() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("packs")).unwrap();
    std::fs::write(tmp.path().join("packs/form.yaml"), FORM_PACK).unwrap();
    let facts = root().join("examples/facts/follow-up-en.yaml");
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .args(["--lints", "packs"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the form takes 100"));
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .args(["--lints", "packs", "--max-chars", "97"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("test-form/too-long")
                .and(predicate::str::contains("the form takes 97")),
        );
    std::fs::write(
        tmp.path().join(".appeal.yaml"),
        "lints: [packs]\nmax_chars: 98\n",
    )
    .unwrap();
    appeal(tmp.path())
        .arg("compose")
        .arg(&facts)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the form takes 98"));
}

#[test]
fn a_broken_user_template_is_named_with_its_path_and_line() {
    let tmp = user_template(
        "en/follow-up.txt",
        "{% extends \"en/base.txt\" %}\n{% block purpose %}\nAbout {{ original.topic }}.\n{%- endblock purpose %}\n",
    );
    appeal(tmp.path())
        .arg("compose")
        .arg(root().join("examples/facts/follow-up-en.yaml"))
        .args(["--templates", "tpl"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::is_match(r"error: template tpl/en/follow-up\.txt:3:\d+: ").unwrap(),
        );
}

fn base_facts() -> Facts {
    facts::parse(&example_text("security-lock-ja.yaml"))
        .unwrap()
        .facts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever a seller types is inserted as text, never run as a template, and the same facts
    /// always give the same letter.
    #[test]
    fn compose_is_deterministic_and_literal(
        store in "[^\\x00-\\x1f\\x7f]{1,30}",
        name in "(\\{\\{|\\{%|%\\}|\\}\\}|[a-zあ-ん漢字 ]){1,12}",
    ) {
        let composer = Composer::embedded().unwrap();
        let mut facts = base_facts();
        if let Facts::SecurityLock(f) = &mut facts {
            f.seller.store_name = Text(store.trim().to_owned());
            f.seller.name = Text(name.trim().to_owned());
        }
        let a = composer.compose(&facts).unwrap();
        let b = composer.compose(&facts).unwrap();
        prop_assert_eq!(&a.text, &b.text);
        let store_line = format!("ストア名：{}", store.trim());
        prop_assert!(a.text.contains(store_line.trim_end()), "{}", a.text);
        prop_assert!(a.text.contains(name.trim()), "{}", a.text);
        prop_assert!(a.text.ends_with('\n'));
    }
}

#[test]
fn unreadable_and_empty_facts_files_are_input_errors() {
    let tmp = tempfile::tempdir().unwrap();
    appeal(tmp.path())
        .args(["compose", "missing.yaml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: missing.yaml: no such file (check the path)\n");
    compose_stdin("").code(2).stderr(predicate::str::contains(
        "the facts file is empty: start from `appeal init SCENARIO`",
    ));
    compose_stdin("scenario: follow-up\nlang: fr\n")
        .code(2)
        .stderr(predicate::str::contains(
            "unknown language `fr` (expected ja or en)",
        ));
}
