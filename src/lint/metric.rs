//! `kind: metric`: measures of the text against a limit that a config may change
//! (`limits: {rule-id: N}`, or `max_chars` for every `chars` metric).

use serde::Deserialize;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The whole letter's length in characters (a support form's limit).
    Chars,
    /// Each sentence's length in characters (run-on sentences).
    SentenceChars,
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
        }
    }

    /// Spans over the limit, with their measure. For `chars` the span is the first character past
    /// the limit, so the report points where the form would cut the letter.
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
        }
    }
}
