//! In-process lint benchmarks. Whole-process targets are measured by `benches/bench.sh`.
//!
//! - `load/embedded`: start-up cost of compiling the shipped packs.
//! - `check/letter-2kb`, `check/mixed-1mb`: one pass over a letter and over a mixed corpus.
//! - `phrase-rules/N`: the shipped packs plus N synthetic phrase rules; doubling N must cost
//!   well under 1.3x, since all phrases share one automaton.

use appeal::lint::{LangChoice, Linter, Options, PackSource, embedded_packs};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

/// Paragraphs of the shipped example letters, in path order.
fn paragraphs() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "txt") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        &mut files,
    );
    files.sort();
    let mut paras: Vec<String> = files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap_or_default()
                .split("\n\n")
                .filter(|p| !p.trim().is_empty())
                .map(|p| format!("{}\n", p.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    if paras.is_empty() {
        paras.push(
            "いつもお世話になっております。これはAmazonのミスです(笑)\nI was hacked!!\n".into(),
        );
    }
    paras
}

/// A deterministic text of about `size` bytes (a linear congruential pick of paragraphs).
fn corpus(paras: &[String], size: usize, ja_only: bool) -> String {
    let pool: Vec<&String> = paras
        .iter()
        .filter(|p| !ja_only || appeal::text::detect_lang(p) == appeal::text::Lang::Ja)
        .collect();
    let pool = if pool.is_empty() {
        paras.iter().collect()
    } else {
        pool
    };
    let mut state: u64 = 20261129;
    let mut out = String::new();
    while out.len() < size {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push_str(pool[(state >> 33) as usize % pool.len()]);
        out.push('\n');
    }
    out
}

/// A pack of `n` phrase rules with 8 distinct synthetic kana phrases each.
fn synthetic_pack(n: usize) -> PackSource {
    let kana: Vec<char> = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"
        .chars()
        .collect();
    let mut state: u64 = 7;
    let mut phrase = || {
        (0..5)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                kana[(state >> 33) as usize % kana.len()]
            })
            .collect::<String>()
    };
    let mut text = String::from("pack: synthetic\nlang: ja\nrules:\n");
    for i in 0..n {
        let phrases: Vec<String> = (0..8).map(|_| phrase()).collect();
        text.push_str(&format!(
            "  - id: r{i}\n    category: style\n    level: info\n    kind: phrases\n    phrases: [{}]\n    message: m\n    why: w\n    suggestions: [{{text: x, applicability: display-only}}]\n    examples: {{bad: [{}], good: [ー]}}\n",
            phrases.join(", "),
            phrases[0]
        ));
    }
    PackSource {
        path: "synthetic.yaml".into(),
        text: text.into(),
        embedded: true,
    }
}

fn bench(c: &mut Criterion) {
    let paras = paragraphs();
    let linter = Linter::embedded().unwrap();

    c.bench_function("load/embedded", |b| b.iter(|| Linter::embedded().unwrap()));

    let mut group = c.benchmark_group("check");
    let letter = corpus(&paras, 2048, true);
    group.throughput(Throughput::Bytes(letter.len() as u64));
    group.bench_function("letter-2kb", |b| {
        b.iter(|| linter.check(black_box(&letter), LangChoice::Auto))
    });
    let mixed = corpus(&paras, 1_000_000, false);
    group.throughput(Throughput::Bytes(mixed.len() as u64));
    group.sample_size(20);
    group.bench_function("mixed-1mb", |b| {
        b.iter(|| linter.check(black_box(&mixed), LangChoice::Auto))
    });
    group.finish();

    let mut group = c.benchmark_group("phrase-rules");
    group.sample_size(20);
    let text = corpus(&paras, 200_000, false);
    group.throughput(Throughput::Bytes(text.len() as u64));
    for n in [200, 400] {
        let mut sources = embedded_packs();
        sources.push(synthetic_pack(n));
        let l = Linter::load(&sources, &Options::default()).unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
            b.iter(|| l.check(black_box(t), LangChoice::Auto))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
