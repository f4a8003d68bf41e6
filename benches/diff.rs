//! Two ~100 KB revisions of a letter: the issue asks for "well under a second".

use appeal::diff::{By, Options, diff, facts_delta, hunks};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// A long letter built from the example's sentences, numbered so most are unique, and a revision
/// of it: every 7th sentence edited, every 13th dropped, every 17th followed by a new one, and a
/// few moved to the end.
fn revisions(source: &str, target_bytes: usize) -> (String, String) {
    let sentences: Vec<&str> = source.lines().filter(|l| !l.trim().is_empty()).collect();
    let (mut old, mut new, mut moved) = (String::new(), String::new(), String::new());
    let mut i = 0;
    while old.len() < target_bytes {
        let s = sentences[i % sentences.len()];
        let line = format!("{i}. {s}\n");
        old.push_str(&line);
        match i {
            _ if i % 13 == 0 => {}
            _ if i % 101 == 0 => moved.push_str(&line),
            _ if i % 7 == 0 => new.push_str(
                &line
                    .replacen('。', "、念のため申し添えます。", 1)
                    .replacen(". ", ". Also, ", 1),
            ),
            _ => new.push_str(&line),
        }
        if i % 17 == 0 {
            new.push_str(&format!(
                "{i}. 追記: 2026年11月{}日に確認しました。\n",
                i % 28 + 1
            ));
        }
        if i % 400 == 0 {
            old.push('\n');
            new.push('\n');
        }
        i += 1;
    }
    new.push_str(&moved);
    (old, new)
}

fn bench(c: &mut Criterion) {
    let ja = revisions(include_str!("../examples/revisions/ja/v3.txt"), 100_000);
    let en = revisions(include_str!("../examples/revisions/en/v3.txt"), 100_000);
    eprintln!(
        "ja: {} / {} bytes, en: {} / {} bytes",
        ja.0.len(),
        ja.1.len(),
        en.0.len(),
        en.1.len()
    );
    let auto = Options::default();
    c.bench_function("diff 100KB ja", |b| {
        b.iter(|| diff(black_box(&ja.0), black_box(&ja.1), &auto))
    });
    c.bench_function("diff 100KB en", |b| {
        b.iter(|| diff(black_box(&en.0), black_box(&en.1), &auto))
    });
    c.bench_function("diff+hunks+facts 100KB ja", |b| {
        b.iter(|| {
            let d = diff(black_box(&ja.0), black_box(&ja.1), &auto);
            (hunks(&d.changes, 2).len(), facts_delta(&ja.0, &ja.1))
        })
    });
    // Nothing in common and no sentence breaks: the deadline has to bound this one.
    let a: String = (0..33_000)
        .map(|i| if i % 7 == 0 { 'あ' } else { 'い' })
        .collect();
    let b: String = (0..33_000)
        .map(|i| if i % 5 == 0 { 'う' } else { 'い' })
        .collect();
    let by_char = Options {
        by: By::Char,
        timeout: std::time::Duration::from_millis(500),
    };
    let mut group = c.benchmark_group("pathological");
    group.sample_size(10);
    group.bench_function("diff 100KB one-sentence ja", |bch| {
        bch.iter(|| diff(black_box(&a), black_box(&b), &by_char))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
