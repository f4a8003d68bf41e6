//! Rules carry their own tests (prh's `specs`, clippy's examples): every bad example must be
//! flagged by its rule, no good example may be, and a bad example's `fixed` text must be what
//! this rule's fixes produce.

use super::fix::fix_filtered;
use super::{LangChoice, Linter};

/// One example a rule got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// Which example of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleRef {
    Bad(usize),
    Good(usize),
}

impl Linter {
    /// Every (rule index, example) pair, with a test name like `ja-tone/blame-amazon::bad[0]`.
    pub fn examples(&self) -> Vec<(String, usize, ExampleRef)> {
        let mut out = Vec::new();
        for (i, rule) in self.rules().iter().enumerate() {
            for n in 0..rule.examples.bad.len() {
                out.push((format!("{}::bad[{n}]", rule.id), i, ExampleRef::Bad(n)));
            }
            for n in 0..rule.examples.good.len() {
                out.push((format!("{}::good[{n}]", rule.id), i, ExampleRef::Good(n)));
            }
        }
        out
    }

    /// Runs one example of one rule, alone (other rules cannot mask or add findings).
    pub fn check_example(&self, rule: usize, example: ExampleRef) -> Result<(), ExampleFailure> {
        let r = &self.rules()[rule];
        let lang = r
            .lang
            .example_lang()
            .map_or(LangChoice::Auto, LangChoice::Force);
        let only = |i: usize| i == rule;
        let fail = |message: String| ExampleFailure {
            rule: r.id.clone(),
            path: r.path.clone(),
            line: r.line,
            message,
        };
        match example {
            ExampleRef::Bad(n) => {
                let ex = &r.examples.bad[n];
                if self
                    .check_filtered(&ex.text, lang, only)
                    .findings
                    .is_empty()
                {
                    return Err(fail(format!("bad example is not flagged: {:?}", ex.text)));
                }
                if let Some(expected) = &ex.fixed {
                    let got = fix_filtered(self, &ex.text, lang, true, only).text;
                    if got != *expected {
                        return Err(fail(format!(
                            "fix of {:?} gives {got:?}, expected {expected:?}",
                            ex.text
                        )));
                    }
                }
                Ok(())
            }
            ExampleRef::Good(n) => {
                let text = &r.examples.good[n];
                let findings = self.check_filtered(text, lang, only).findings;
                match findings.first() {
                    None => Ok(()),
                    Some(f) => Err(fail(format!(
                        "good example is flagged at {:?}: {text:?}",
                        f.matched
                    ))),
                }
            }
        }
    }

    /// Runs the examples of the rules `select` accepts (by index and rule).
    /// (Loading runs this for user packs only: naming every example first, as [`Self::examples`]
    /// does, cost 10% of loading the shipped packs for nothing.)
    pub fn self_test(&self, select: impl Fn(usize, &super::Rule) -> bool) -> Vec<ExampleFailure> {
        let mut out = Vec::new();
        for (i, rule) in self.rules().iter().enumerate() {
            if !select(i, rule) {
                continue;
            }
            let bad = (0..rule.examples.bad.len()).map(ExampleRef::Bad);
            let good = (0..rule.examples.good.len()).map(ExampleRef::Good);
            out.extend(
                bad.chain(good)
                    .filter_map(|ex| self.check_example(i, ex).err()),
            );
        }
        out
    }
}
