//! The shipped rule packs measured on labelled sentences (tests/corpus/{ja,en}.yaml): each entry is
//! a sentence and the categories it should raise, empty for clean sentences taken from good
//! appeals. Per category, recall must be at least 0.9 and precision at least 0.95.
//!
//! Run with `cargo test --test corpus -- --nocapture` to see the table and every miss.

use appeal::lint::{Category, LangChoice, Linter};
use appeal::text::Lang;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

const MIN_RECALL: f64 = 0.9;
const MIN_PRECISION: f64 = 0.95;
const MIN_SENTENCES: usize = 150;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    text: String,
    #[serde(default)]
    categories: BTreeSet<Category>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    true_pos: usize,
    false_pos: usize,
    false_neg: usize,
}

impl Counts {
    fn recall(self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }
    fn precision(self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }
}

/// 1.0 when nothing was expected or predicted: no evidence of a problem.
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

fn load(lang: Lang) -> Vec<Entry> {
    load_file(&format!(
        "{}/tests/corpus/{lang}.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
}

fn load_file(path: &str) -> Vec<Entry> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    appeal::yaml::parse(&text).unwrap_or_else(|e| {
        panic!(
            "{path}:{}:{}: {}",
            e.line.unwrap_or(0),
            e.column.unwrap_or(0),
            e.message
        )
    })
}

/// The sentence-level categories the linter raises for one sentence (a single sentence is not a
/// letter, so document-level `missing-content` findings are ignored).
fn predict(linter: &Linter, text: &str, lang: Lang) -> BTreeSet<Category> {
    linter
        .check(text, LangChoice::Force(lang))
        .findings
        .iter()
        .filter(|f| !f.is_document_level() && f.category != Category::MissingContent)
        .map(|f| f.category)
        .collect()
}

fn measure(lang: Lang) {
    let entries = load(lang);
    assert!(
        entries.len() >= MIN_SENTENCES,
        "{lang} corpus has {} sentences, fewer than {MIN_SENTENCES}",
        entries.len()
    );
    let clean = entries.iter().filter(|e| e.categories.is_empty()).count();
    assert!(
        clean >= entries.len() / 4,
        "{lang} corpus: only {clean} clean sentences; good-letter sentences keep precision honest"
    );
    let failures = score(&entries, lang);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Prints the table and every miss; returns the categories below the thresholds.
fn score(entries: &[Entry], lang: Lang) -> Vec<String> {
    let clean = entries.iter().filter(|e| e.categories.is_empty()).count();
    let linter = Linter::embedded().expect("shipped packs load");
    let mut counts: BTreeMap<Category, Counts> = BTreeMap::new();
    let mut misses = Vec::new();
    for e in entries {
        let got = predict(&linter, &e.text, lang);
        for &c in e.categories.union(&got) {
            let slot = counts.entry(c).or_default();
            match (e.categories.contains(&c), got.contains(&c)) {
                (true, true) => slot.true_pos += 1,
                (true, false) => {
                    slot.false_neg += 1;
                    misses.push(format!("  missed {c:<20} {}", e.text));
                }
                (false, true) => {
                    slot.false_pos += 1;
                    misses.push(format!("  false  {c:<20} {}", e.text));
                }
                (false, false) => unreachable!("c comes from one of the two sets"),
            }
        }
    }

    let mut table = format!(
        "{lang} corpus: {} sentences ({clean} clean)\n{:<20} {:>4} {:>4} {:>4} {:>7} {:>9}\n",
        entries.len(),
        "category",
        "tp",
        "fp",
        "fn",
        "recall",
        "precision"
    );
    let mut failures = Vec::new();
    for c in Category::ALL {
        if c == Category::MissingContent {
            continue;
        }
        let n = counts.get(&c).copied().unwrap_or_default();
        table.push_str(&format!(
            "{:<20} {:>4} {:>4} {:>4} {:>7.3} {:>9.3}\n",
            c.as_str(),
            n.true_pos,
            n.false_pos,
            n.false_neg,
            n.recall(),
            n.precision()
        ));
        if n.true_pos + n.false_neg == 0 {
            failures.push(format!("{c}: no labelled sentence in the {lang} corpus"));
        }
        if n.recall() < MIN_RECALL {
            failures.push(format!("{c}: recall {:.3} < {MIN_RECALL}", n.recall()));
        }
        if n.precision() < MIN_PRECISION {
            failures.push(format!(
                "{c}: precision {:.3} < {MIN_PRECISION}",
                n.precision()
            ));
        }
    }
    eprintln!("{table}{}", misses.join("\n"));
    failures
}

#[test]
fn japanese_corpus_meets_recall_and_precision() {
    measure(Lang::Ja);
}

#[test]
fn english_corpus_meets_recall_and_precision() {
    measure(Lang::En);
}

/// Scores sentences that are not in the repository, without thresholds: how the packs do on
/// unseen phrasing. `APPEAL_PROBE=probe.yaml APPEAL_PROBE_LANG=ja cargo test --test corpus probe
/// -- --nocapture` (same format as tests/corpus/*.yaml). Does nothing without `APPEAL_PROBE`.
#[test]
fn probe() {
    let Ok(path) = std::env::var("APPEAL_PROBE") else {
        return;
    };
    let lang = match std::env::var("APPEAL_PROBE_LANG").as_deref() {
        Ok("en") => Lang::En,
        Ok("ja") => Lang::Ja,
        other => panic!("set APPEAL_PROBE_LANG to ja or en, not {other:?}"),
    };
    score(&load_file(&path), lang);
}
