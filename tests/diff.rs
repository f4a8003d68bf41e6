//! `appeal diff` from the outside: snapshots of the example revision sequences, and bad input.
//!
//! Snapshots whose name starts with `lint_` depend on the shipped rule packs; when the packs
//! change, review and re-accept only those (`cargo insta review`).

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn appeal() -> Command {
    let mut cmd = Command::cargo_bin("appeal").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

fn stdout_of(args: &[&str]) -> String {
    let out = appeal().arg("diff").args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// `appeal diff` on the revisions in `lang`, run from a copy of them beside a `.appeal.yaml` that
/// turns the learned packs off. Their snapshots pin how the differ sorts findings into fixed,
/// introduced and kept; a learned score near its cut moves with every retraining on the corpus,
/// so a finding from it would come and go with corpus edits that have nothing to do with diff.
fn stdout_without_learned(lang: &str, test: &str, args: &[&str]) -> String {
    let dir =
        std::env::temp_dir().join(format!("appeal-diff-{lang}-{test}-{}", std::process::id()));
    let revisions = dir.join("examples/revisions").join(lang);
    std::fs::create_dir_all(&revisions).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/revisions")
        .join(lang);
    for entry in std::fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, revisions.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        dir.join(".appeal.yaml"),
        "disable: [ja-learned, en-learned]\n",
    )
    .unwrap();
    let out = appeal()
        .current_dir(&dir)
        .arg("diff")
        .arg(format!("examples/revisions/{lang}"))
        .args(args)
        .assert()
        .success();
    std::fs::remove_dir_all(&dir).unwrap();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn japanese_revisions_human() {
    insta::assert_snapshot!(stdout_of(&["examples/revisions/ja", "--no-lint"]));
}

#[test]
fn english_revisions_human() {
    insta::assert_snapshot!(stdout_of(&["examples/revisions/en", "--no-lint"]));
}

#[test]
fn japanese_first_pair_json() {
    let out = stdout_of(&[
        "examples/revisions/ja/v1.txt",
        "examples/revisions/ja/v2.txt",
        "--no-lint",
        "--format",
        "json",
    ]);
    // Snapshot the text itself: it keeps the contract's key order.
    serde_json::from_str::<serde_json::Value>(&out).unwrap();
    insta::assert_snapshot!(out);
}

#[test]
fn english_last_pair_json() {
    let out = stdout_of(&[
        "examples/revisions/en/v2.txt",
        "examples/revisions/en/v3.txt",
        "--no-lint",
        "--format",
        "json",
    ]);
    // Snapshot the text itself: it keeps the contract's key order.
    serde_json::from_str::<serde_json::Value>(&out).unwrap();
    insta::assert_snapshot!(out);
}

#[test]
fn lint_japanese_revisions_human() {
    insta::assert_snapshot!(stdout_without_learned("ja", "human", &[]));
}

#[test]
fn lint_english_revisions_human() {
    insta::assert_snapshot!(stdout_without_learned("en", "human", &[]));
}

#[test]
fn lint_japanese_json_lint_section() {
    let out = stdout_without_learned("ja", "json", &["--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lint: Vec<&serde_json::Value> = value["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["lint"])
        .collect();
    insta::assert_json_snapshot!(lint);
}

/// The contract's keys are there with the contract's types, whatever the rule packs say.
#[test]
fn json_keeps_the_contract_shape() {
    let out = stdout_of(&["examples/revisions/ja", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let pairs = value["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 2);
    assert_eq!(pairs[0]["old"], "examples/revisions/ja/v1.txt");
    assert_eq!(pairs[1]["new"], "examples/revisions/ja/v3.txt");
    for p in pairs {
        let s = p["similarity"].as_f64().unwrap();
        assert!((0.0..1.0).contains(&s));
        assert_eq!(p["identical"], false);
        for c in p["changes"].as_array().unwrap() {
            assert!(["delete", "insert", "equal"].contains(&c["op"].as_str().unwrap()));
            assert!(c["old_line"].as_u64().unwrap() >= 1);
            assert!(c["new_line"].as_u64().unwrap() >= 1);
            assert!(c["text"].is_string());
        }
        for key in ["fixed", "introduced", "kept"] {
            assert!(p["lint"][key].is_array(), "{key}");
        }
    }
    // The changes rebuild both revisions exactly.
    for (p, (old, new)) in pairs.iter().zip([("v1", "v2"), ("v2", "v3")]) {
        let rebuild = |skip: &str| -> String {
            p["changes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["op"] != skip)
                .map(|c| c["text"].as_str().unwrap())
                .collect()
        };
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/revisions/ja");
        let read = |v: &str| std::fs::read_to_string(dir.join(format!("{v}.txt"))).unwrap();
        assert_eq!(rebuild("insert"), read(old));
        assert_eq!(rebuild("delete"), read(new));
    }
}

#[test]
fn the_final_letters_lint_clean_and_the_first_drafts_do_not() {
    for lang in ["ja", "en"] {
        let out = stdout_of(&[&format!("examples/revisions/{lang}"), "--format", "json"]);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        let last = &value["pairs"][1]["lint"];
        for key in ["introduced", "kept"] {
            let serious: Vec<_> = last[key]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["severity"] != "info")
                .collect();
            assert!(serious.is_empty(), "{lang} {key}: {serious:?}");
        }
    }
    let out = stdout_of(&["examples/revisions/ja", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        !value["pairs"][0]["lint"]["fixed"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn line_mode_shows_whole_lines() {
    let out = stdout_of(&[
        "examples/revisions/ja/v1.txt",
        "examples/revisions/ja/v2.txt",
        "--no-lint",
        "--by",
        "line",
    ]);
    assert!(out.contains("[-11月3日に売上金の振込口座を変更しただけなのに"));
    assert!(out.contains("{+11月2日に売上金の振込口座を変更したところ"));
    assert!(!out.contains("11月[-3-]"));
}

#[test]
fn identical_revisions_say_so_and_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/revisions/ja/v3.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("a.txt"), &text).unwrap();
    std::fs::write(dir.path().join("b.txt"), &text).unwrap();
    std::fs::write(dir.path().join("c.txt"), text.replace('\n', "  \r\n")).unwrap();
    let out = appeal()
        .current_dir(dir.path())
        .args(["diff", "a.txt", "b.txt", "c.txt", "--no-lint"])
        .assert()
        .success();
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains("identical (similarity 1.00): the same text as a.txt"),
        "{out}"
    );
    assert!(
        out.contains("identical ignoring trailing white space and line endings"),
        "{out}"
    );
    assert!(!out.contains("@@"), "{out}");
}

#[test]
fn stdin_is_a_revision() {
    appeal()
        .args(["diff", "examples/revisions/en/v1.txt", "-", "--no-lint"])
        .write_stdin("To Amazon Seller Support,\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("+++ <stdin>"));
}

#[test]
fn colour_only_when_asked_and_then_without_markers() {
    let out = appeal()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args([
            "diff",
            "examples/revisions/ja/v1.txt",
            "examples/revisions/ja/v2.txt",
            "--no-lint",
        ])
        .assert()
        .success();
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(out.contains("\x1b[31;9m3\x1b[0m"), "{out}");
    assert!(!out.contains("[-3-]"));
    let plain = stdout_of(&[
        "examples/revisions/ja/v1.txt",
        "examples/revisions/ja/v2.txt",
        "--no-lint",
    ]);
    assert!(!plain.contains('\x1b'));
    assert!(plain.contains("11月[-3-]{+2+}日"));
}

#[test]
fn missing_file_is_exit_2_and_nothing_on_stdout() {
    appeal()
        .args(["diff", "examples/revisions/ja/v1.txt", "nope.txt"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("error: nope.txt: no such file"));
}

#[test]
fn invalid_utf8_is_exit_2_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "一。\n").unwrap();
    std::fs::write(dir.path().join("b.txt"), b"ok\n\x82\xa0").unwrap();
    appeal()
        .current_dir(dir.path())
        .args(["diff", "a.txt", "b.txt"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: b.txt:2:1: not valid UTF-8",
        ));
}

#[test]
fn one_revision_is_not_enough() {
    appeal()
        .args(["diff", "examples/revisions/ja/v1.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least two revisions, got 1"));
    appeal().args(["diff"]).assert().code(2);
    appeal()
        .args(["diff", "-", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only once"));
}

#[test]
fn unknown_by_is_a_usage_error() {
    appeal()
        .args(["diff", "a", "b", "--by", "sentence"])
        .assert()
        .code(2);
}

#[test]
fn a_directory_gives_its_letters_in_natural_order() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("v1.txt", "一。\n"),
        ("v2.txt", "二。\n"),
        ("v10.txt", "十。\n"),
        ("notes.yaml", "not a letter"),
        (".draft.txt", "hidden"),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::create_dir(dir.path().join("old")).unwrap();
    std::fs::write(dir.path().join("old/v0.txt"), "零。\n").unwrap();
    let out = appeal()
        .current_dir(dir.path())
        .args(["diff", "revs", "--no-lint", "--format", "json"])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("revs: no such file"));
    let out = appeal()
        .current_dir(dir.path())
        .args(["diff", ".", "--no-lint", "--format", "json"])
        .assert()
        .success();
    let value: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let names: Vec<(&str, &str)> = value["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["old"].as_str().unwrap(), p["new"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        vec![("./v1.txt", "./v2.txt"), ("./v2.txt", "./v10.txt")]
    );
}

#[test]
fn a_directory_without_letters_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    appeal()
        .args([
            "diff",
            dir.path().to_str().unwrap(),
            "examples/revisions/ja/v1.txt",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no .txt or .md letters"));
}

/// The lint delta end to end with a rule pack of our own, so it holds whatever the shipped packs
/// say: matched by rule and text, reported against the revision each finding is in.
#[test]
fn lint_delta_matches_by_rule_and_text_not_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("packs")).unwrap();
    std::fs::write(
        dir.path().join("packs/shout.yaml"),
        r#"pack: test-shout
lang: any
description: capitals used for shouting
rules:
  - id: caps
    category: emotional
    level: warning
    kind: regex
    pattern: '\b[A-Z]{5,}\b'
    message: do not shout
    why: shouting reads as anger
    suggestions:
      - text: write it in lower case
        applicability: display-only
    examples:
      bad: [This is URGENT.]
      good: [This is urgent.]
"#,
    )
    .unwrap();
    std::fs::write(dir.path().join(".appeal.yaml"), "lints: [packs]\n").unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "Fix it.\nThis is URGENT and UNFAIR.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        "Please fix it.\nI am ANGRY.\nThis is URGENT, sorry.\n",
    )
    .unwrap();
    let out = appeal()
        .current_dir(dir.path())
        .args(["diff", "a.txt", "b.txt"])
        .assert()
        .success();
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let ours: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("test-shout/caps"))
        .collect();
    assert_eq!(ours.len(), 3, "{out}");
    assert!(
        ours[0].contains("fixed") && ours[0].contains("\"UNFAIR\"") && ours[0].ends_with("a.txt:2")
    );
    assert!(
        ours[1].contains("introduced")
            && ours[1].contains("\"ANGRY\"")
            && ours[1].ends_with("b.txt:2")
    );
    assert!(
        ours[2].contains("kept") && ours[2].contains("\"URGENT\"") && ours[2].ends_with("b.txt:3")
    );

    let out = appeal()
        .current_dir(dir.path())
        .args(["diff", "a.txt", "b.txt", "--format", "json"])
        .assert()
        .success();
    let value: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let lint = &value["pairs"][0]["lint"];
    let ours = |key: &str| -> Vec<(String, u64)> {
        lint[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "test-shout/caps")
            .map(|f| {
                (
                    f["matched"].as_str().unwrap().to_owned(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(ours("fixed"), vec![("UNFAIR".to_owned(), 2)]);
    assert_eq!(ours("introduced"), vec![("ANGRY".to_owned(), 2)]);
    assert_eq!(ours("kept"), vec![("URGENT".to_owned(), 3)]);
}

/// A revision that held a password, a card number or a bank account number shows them masked
/// in every format, with or without the lint delta.
#[test]
fn secrets_in_a_revision_never_show() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("v1.txt");
    let new = dir.path().join("v2.txt");
    std::fs::write(
        &old,
        "パスワードはHanako2024です。カード番号は4111 1111 1111 1111です。\n\nMy password is Tr0ub4dor&3 and the account number is 12345678.\n",
    )
    .unwrap();
    std::fs::write(&new, "よろしくお願いいたします。\nThank you.\n").unwrap();
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    for args in [
        vec![old, new],
        vec![old, new, "--no-lint"],
        vec![old, new, "--format", "json"],
        vec![old, new, "--format", "json", "--no-lint"],
    ] {
        let out = stdout_of(&args);
        for secret in ["Hanako", "4111 1111 1111", "Tr0ub", "12345678", "1234"] {
            assert!(!out.contains(secret), "{secret} in {args:?}:\n{out}");
        }
        // Masked, not dropped: the change is still shown.
        assert!(out.contains("2024"), "{args:?}:\n{out}");
    }
}
