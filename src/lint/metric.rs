//! `kind: metric`: measures of the text against a limit that a config may change
//! (`limits: {rule-id: N}`, or `max_chars` for every `chars` metric).

use super::learn::{Model, Script};
use crate::text::Lang;
use serde::Deserialize;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The whole letter's length in characters (a support form's limit).
    Chars,
    /// Each sentence's length in characters (run-on sentences).
    SentenceChars,
    /// How much each sentence reads like the rule's category, in percent: the probability a
    /// model trained on the labelled corpus gives (learn.rs). Catches the phrasings no pattern
    /// names; `max` trades recall for precision.
    Score,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MetricDef {
    metric: Measure,
    max: usize,
}

#[derive(Debug, Clone)]
pub struct Metric {
    pub measure: Measure,
    pub max: usize,
}

impl Metric {
    pub(crate) fn compile(def: MetricDef) -> Result<Self, String> {
        if def.max == 0 {
            return Err("`max` must be at least 1".into());
        }
        Ok(Metric {
            measure: def.metric,
            max: def.max,
        })
    }

    pub(crate) fn describe(&self) -> String {
        match self.measure {
            Measure::Chars => format!("metric: letter longer than {} characters", self.max),
            Measure::SentenceChars => {
                format!("metric: sentence longer than {} characters", self.max)
            }
            Measure::Score => format!(
                "metric: sentence that a model trained on the labelled corpus scores over {} of 100",
                self.max
            ),
        }
    }

    /// Spans over the limit, with their measure. For `chars` the span is the first character past
    /// the limit, so the report points where the form would cut the letter. `score` needs the
    /// rule's language and category: the engine measures it (`Doc::scores`).
    pub(crate) fn measure(
        &self,
        text: &str,
        sentences: &[Range<usize>],
        max: usize,
    ) -> Vec<(Range<usize>, usize)> {
        match self.measure {
            Measure::Chars => {
                let count = text.chars().count();
                if count <= max {
                    return Vec::new();
                }
                let (at, c) = text.char_indices().nth(max).expect("count > max");
                vec![(at..at + c.len_utf8(), count)]
            }
            Measure::SentenceChars => sentences
                .iter()
                .filter_map(|r| {
                    let n = text[r.clone()].chars().count();
                    (n > max).then(|| (r.clone(), n))
                })
                .collect(),
            Measure::Score => Vec::new(),
        }
    }
}

/// The models build.rs trained on tests/corpus, per language.
pub(crate) fn model(lang: Lang) -> Model<'static> {
    static JA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model-ja.bin"));
    static EN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model-en.bin"));
    let bytes = match lang {
        Lang::Ja => JA,
        Lang::En => EN,
    };
    Model::new(bytes).expect("build.rs writes a model of MODEL_BYTES")
}

/// The features a language's sentences are cut into.
pub(crate) fn script(lang: Lang) -> Script {
    match lang {
        Lang::Ja => Script::Ja,
        Lang::En => Script::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::learn::{CATEGORIES, category_index};
    use crate::lint::{Linter, Matcher};

    /// The `max` of each shipped `score` rule is where cross-validation on tests/corpus keeps
    /// precision at 0.97 (build.rs, train.rs): a corpus change that moves it must move the pack.
    #[test]
    fn shipped_score_rules_cut_where_cross_validation_says() {
        static JA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model-ja.max"));
        static EN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model-en.max"));
        let linter = Linter::embedded().expect("shipped packs load");
        let mut seen = 0;
        for rule in linter.rules() {
            let Matcher::Metric(m) = &rule.matcher else {
                continue;
            };
            if m.measure != Measure::Score {
                continue;
            }
            let cuts = match rule.lang.example_lang() {
                Some(Lang::Ja) => JA,
                Some(Lang::En) => EN,
                None => unreachable!("pack.rs refuses `score` for `lang: any`"),
            };
            let c = category_index(rule.category.as_str()).expect("a modelled category");
            assert_eq!(
                m.max,
                usize::from(cuts[c]),
                "{}: set `max: {}` (5-fold cross-validation on tests/corpus)",
                rule.id,
                cuts[c]
            );
            seen += 1;
        }
        assert_eq!(
            seen,
            2 * CATEGORIES.len(),
            "one score rule per language and category"
        );
    }
}
