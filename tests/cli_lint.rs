//! `appeal lint` and `appeal rules` from the outside: formats, exit codes, bad input, fixes.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

/// A letter every shipped pack has something to say about: blame, sarcasm, an exclamation run.
const ANGRY: &str = "いつもお世話になっております。\nこれはAmazonのミスです(笑)\n";
/// A letter with full-width characters before the match, for caret placement.
const WIDE: &str = "　ＡＢＣ、Amazonのミスです。\n";

fn appeal(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("appeal").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

fn temp_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

#[test]
fn human_output_is_rustc_style_and_exits_1_on_errors() {
    let dir = temp_with(&[("letter.txt", ANGRY)]);
    let out = appeal(dir.path())
        .args(["lint", "letter.txt"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains('\u{1b}'), "no colour when NO_COLOR is set");
    insta::assert_snapshot!("human", out);
}

#[test]
fn underline_sits_under_the_match_after_full_width_characters() {
    let dir = temp_with(&[("wide.txt", WIDE)]);
    let out = stdout_of(appeal(dir.path()).args(["lint", "wide.txt"]));
    let lines: Vec<&str> = out.lines().collect();
    let src = lines
        .iter()
        .position(|l| l.ends_with("Amazonのミスです。"))
        .unwrap();
    let caret = lines[src + 1].find('^').unwrap();
    let before = &lines[src][..lines[src].find("Amazon").unwrap()];
    assert_eq!(appeal::text::display_width(before), caret, "\n{out}");
}

#[test]
fn json_output_follows_the_contract() {
    let dir = temp_with(&[("letter.txt", ANGRY)]);
    let out = stdout_of(appeal(dir.path()).args(["lint", "--format", "json", "letter.txt"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["path"], "letter.txt");
    assert_eq!(f["lang"], "ja");
    let first = &f["findings"][0];
    for key in [
        "rule",
        "category",
        "severity",
        "message",
        "line",
        "column",
        "end_line",
        "end_column",
        "start",
        "end",
        "matched",
        "suggestions",
        "why",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    let start = first["start"].as_u64().unwrap() as usize;
    let end = first["end"].as_u64().unwrap() as usize;
    assert_eq!(&ANGRY[start..end], first["matched"].as_str().unwrap());
    let errors = v["summary"]["error"].as_u64().unwrap();
    assert!(errors >= 2, "{v}");
    insta::assert_snapshot!("json", out);
}

#[test]
fn github_annotations() {
    let dir = temp_with(&[("letter.txt", ANGRY)]);
    let out = stdout_of(appeal(dir.path()).args(["lint", "--format", "github", "letter.txt"]));
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    insta::assert_snapshot!("github", out);
}

#[test]
fn stdin_and_fail_on() {
    let dir = temp_with(&[]);
    appeal(dir.path())
        .args(["lint", "-"])
        .write_stdin(ANGRY)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("--> <stdin>:2:"));
    // An empty text lints clean.
    appeal(dir.path())
        .args(["lint", "-", "--fail-on", "info"])
        .write_stdin("")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings in 1 file"));
}

#[test]
fn bad_input_gets_one_clear_error_each_and_exit_2_while_other_files_still_run() {
    let dir = temp_with(&[("good.txt", ANGRY), ("empty.txt", "")]);
    fs::write(dir.path().join("latin1.txt"), b"caf\xe9\n").unwrap();
    fs::write(dir.path().join("bin.txt"), b"\x00\x01\x02").unwrap();
    let huge = fs::File::create(dir.path().join("huge.txt")).unwrap();
    huge.set_len(100_000_000).unwrap();
    let out = appeal(dir.path())
        .args([
            "lint",
            "missing.txt",
            "latin1.txt",
            "bin.txt",
            "huge.txt",
            "empty.txt",
            "good.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(err.contains("error: missing.txt: no such file"), "{err}");
    assert!(
        err.contains("error: latin1.txt:1:4: not valid UTF-8"),
        "{err}"
    );
    assert!(
        err.contains("error: bin.txt: looks like a binary file"),
        "{err}"
    );
    assert!(err.contains("error: huge.txt: is 100.0 MB"), "{err}");
    assert_eq!(err.lines().count(), 4, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        stdout.contains("--> good.txt:2:"),
        "the good file is still linted:\n{stdout}"
    );
}

#[test]
fn directories_are_walked_in_path_order_skipping_hidden_files() {
    let dir = temp_with(&[
        ("letters/b.txt", ANGRY),
        ("letters/a.md", ANGRY),
        ("letters/sub/c.txt", ANGRY),
        ("letters/.hidden.txt", ANGRY),
        ("letters/notes.pdf", "x"),
    ]);
    let out = stdout_of(appeal(dir.path()).args(["lint", "--format", "json", "letters"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["letters/a.md", "letters/b.txt", "letters/sub/c.txt"]
    );
}

#[test]
fn fix_rewrites_atomically_keeps_permissions_and_converges() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_with(&[("letter.txt", ANGRY)]);
    let path = dir.path().join("letter.txt");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    // --diff shows the fix and writes nothing.
    appeal(dir.path())
        .args(["lint", "--diff", "letter.txt"])
        .assert()
        .stdout(predicate::str::contains("-これはAmazonのミスです(笑)"))
        .stdout(predicate::str::contains("+これはAmazonのミスです"));
    assert_eq!(fs::read_to_string(&path).unwrap(), ANGRY);
    appeal(dir.path())
        .args(["lint", "--fix", "letter.txt"])
        .assert()
        .stdout(predicate::str::contains("letter.txt: fixed"));
    let fixed = fs::read_to_string(&path).unwrap();
    assert!(!fixed.contains("(笑)"), "{fixed}");
    assert!(
        fixed.contains("Amazonのミス"),
        "unsafe rewrites need --unsafe-fixes: {fixed}"
    );
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    // A second --fix changes nothing.
    appeal(dir.path())
        .args(["lint", "--fix", "letter.txt"])
        .assert()
        .stdout(predicate::str::contains("fixed").not());
    assert_eq!(fs::read_to_string(&path).unwrap(), fixed);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".appeal-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn fix_on_stdin_prints_the_fixed_text_and_reports_on_stderr() {
    let dir = temp_with(&[]);
    let out = appeal(dir.path())
        .args(["lint", "--fix", "-"])
        .write_stdin(ANGRY)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("いつもお世話になっております。\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("(笑)") && !stdout.contains("error["),
        "{stdout}"
    );
    assert!(String::from_utf8(out.stderr).unwrap().contains("error["));
}

#[test]
fn colour_only_when_forced_or_on_a_terminal() {
    let dir = temp_with(&[("letter.txt", ANGRY)]);
    let plain = stdout_of(
        appeal(dir.path())
            .env_remove("NO_COLOR")
            .args(["lint", "letter.txt"]),
    );
    assert!(!plain.contains('\u{1b}'), "a pipe gets no colour");
    let forced = stdout_of(
        appeal(dir.path())
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .args(["lint", "letter.txt"]),
    );
    assert!(forced.contains('\u{1b}'), "CLICOLOR_FORCE colours");
}

const USER_PACK: &str = r#"pack: mine
lang: ja
rules:
  - id: urgent
    category: demand
    level: warning
    kind: phrases
    phrases: [大至急]
    message: 急かす表現です。
    why: 急かすと後回しにされます。
    suggestions: [{text: 恐れ入りますが、ご確認をお願いいたします, applicability: unsafe}]
    examples: {bad: [大至急対応してください], good: [ご確認をお願いいたします]}
"#;

#[test]
fn user_packs_config_and_disable() {
    let dir = temp_with(&[
        ("my-lints/mine.yaml", USER_PACK),
        (
            "letter.txt",
            "出品者IDはA1B2C3D4E5F6G7です。大至急お願いします。\n",
        ),
    ]);
    appeal(dir.path())
        .args([
            "lint",
            "--lints",
            "my-lints",
            "--format",
            "json",
            "letter.txt",
        ])
        .assert()
        .stdout(predicate::str::contains("\"rule\": \"mine/urgent\""));
    // The config adds the pack and makes warnings fail; a flag overrides the config.
    fs::write(
        dir.path().join(".appeal.yaml"),
        "lints: [my-lints]\nfail_on: warning\n",
    )
    .unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    appeal(&sub)
        .args([
            "lint",
            "../letter.txt",
            "--disable",
            "mine/urgent",
            "--format",
            "json",
        ])
        .assert()
        .stdout(predicate::str::contains("mine/urgent").not());
    appeal(&sub)
        .args(["lint", "../letter.txt", "--format", "json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("mine/urgent"));
    // A Japanese letter is linted without the English packs, but `--disable` may still name
    // an English rule; a rule that is nowhere is an error.
    for (rule, code) in [("en-tone/amazon-mistake", 1), ("en-tone/no-such-rule", 2)] {
        appeal(&sub)
            .args(["lint", "../letter.txt", "--disable", rule])
            .assert()
            .code(code);
    }
    fs::write(dir.path().join(".appeal.yaml"), "fail_on: sometimes\n").unwrap();
    appeal(&sub)
        .args(["lint", "../letter.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".appeal.yaml:1:"));
}

#[test]
fn invalid_rule_packs_are_load_errors_with_file_line_and_rule() {
    let bad_regex = USER_PACK
        .replace("kind: phrases", "kind: regex")
        .replace("phrases: [大至急]", "pattern: '(大至急'");
    let unknown_key = USER_PACK.replace("    why:", "    wyh: x\n    why:");
    let failing = USER_PACK.replace("good: [ご確認をお願いいたします]", "good: [大至急で]");
    for (text, expect) in [
        (bad_regex.as_str(), "invalid regex"),
        (
            unknown_key.as_str(),
            "unknown key `wyh` (did you mean `why`?)",
        ),
        (failing.as_str(), "good example is flagged"),
        ("pack: x\nlang: ja\nrules: [\n", "packs/p.yaml:"),
    ] {
        let dir = temp_with(&[("packs/p.yaml", text), ("l.txt", "はい")]);
        appeal(dir.path())
            .args(["lint", "--lints", "packs", "l.txt"])
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("error: packs/p.yaml:"))
            .stderr(predicate::str::contains(expect))
            .stdout("");
        if expect != "packs/p.yaml:" {
            appeal(dir.path())
                .args(["lint", "--lints", "packs", "l.txt"])
                .assert()
                .stderr(predicate::str::contains(
                    "packs/p.yaml:4: rule `mine/urgent`",
                ));
        }
    }
}

#[test]
fn rules_list_explain_and_test() {
    let dir = temp_with(&[("my/mine.yaml", USER_PACK)]);
    let list = stdout_of(appeal(dir.path()).args(["rules", "list"]));
    let first = list.lines().next().unwrap();
    let id = first.split_whitespace().next().unwrap();
    assert!(id.contains('/'), "{list}");
    let explain = stdout_of(appeal(dir.path()).args(["rules", "explain", id]));
    for part in [
        "## What it finds",
        "## Why it matters",
        "## Write instead",
        "## Examples",
    ] {
        assert!(explain.contains(part), "{explain}");
    }
    appeal(dir.path())
        .args(["rules", "explain", "nope/nothing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule `nope/nothing`"));
    appeal(dir.path())
        .args(["rules", "test", "my"])
        .assert()
        .success()
        .stdout("2 passed, 0 failed (1 rules)\n");
    fs::write(
        dir.path().join("my/mine.yaml"),
        USER_PACK.replace("bad: [大至急対応してください]", "bad: [対応してください]"),
    )
    .unwrap();
    appeal(dir.path())
        .args(["rules", "test", "my"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad example is not flagged"));
}

#[test]
fn usage_errors_exit_2_and_help_has_examples() {
    let dir = temp_with(&[]);
    appeal(dir.path())
        .args(["lint", "--format", "xml"])
        .assert()
        .code(2);
    appeal(dir.path())
        .args(["lint", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
}

/// `--diff` previews fixes on lines that may hold a secret: the secret shows masked, as in
/// every other output, while `--fix` still writes the real text.
#[test]
fn diff_preview_masks_secrets() {
    let letter = "パスワードはHanako2024です！！\n";
    let dir = temp_with(&[("letter.txt", letter)]);
    appeal(dir.path())
        .args(["lint", "--diff", "letter.txt"])
        .assert()
        .stdout(predicate::str::contains("+************2024です。"))
        .stdout(predicate::str::contains("Hanako").not());
    appeal(dir.path())
        .args(["lint", "--fix", "letter.txt"])
        .assert()
        .stdout(predicate::str::contains("letter.txt: fixed"));
    assert_eq!(
        fs::read_to_string(dir.path().join("letter.txt")).unwrap(),
        "パスワードはHanako2024です。\n"
    );
}
