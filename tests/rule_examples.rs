//! One test per example of every shipped rule, named after the rule (`ja-tone/amazon-mistake::bad[0]`),
//! so `cargo test` fails on exactly the example a rule gets wrong.

use appeal::lint::Linter;
use libtest_mimic::{Arguments, Failed, Trial};
use std::sync::Arc;

fn main() {
    let args = Arguments::from_args();
    let linter = Arc::new(Linter::embedded().expect("shipped packs load"));
    let compile = {
        let linter = Arc::clone(&linter);
        // Patterns compiled on first use must compile: embedded packs skip that check at load.
        Trial::test("every pattern compiles", move || {
            linter
                .compile_all()
                .map_err(|e| Failed::from(e.to_string()))
        })
    };
    let trials = std::iter::once(compile)
        .chain(linter.examples().into_iter().map(|(name, rule, example)| {
            let linter = Arc::clone(&linter);
            Trial::test(name, move || {
                linter
                    .check_example(rule, example)
                    .map_err(|f| Failed::from(format!("{}:{}: {}", f.path, f.line, f.message)))
            })
        }))
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
