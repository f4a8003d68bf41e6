//! `kind: require`: a document-level check. Unless one of the patterns appears in the paragraphs
//! of the rule's language, the rule reports one `missing-content` finding for the document.

use super::regex::compile_regex;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequireDef {
    any: Vec<String>,
    /// Texts shorter than this (in characters, in the rule's language) are not checked: a pasted
    /// sentence is not a letter.
    #[serde(default)]
    min_chars: usize,
}

#[derive(Debug, Clone)]
pub struct Require {
    pub any: Vec<String>,
    pub min_chars: usize,
    regex: regex::Regex,
}

impl Require {
    pub(crate) fn compile(def: RequireDef) -> Result<Self, String> {
        if def.any.is_empty() {
            return Err("`any` is empty".into());
        }
        for p in &def.any {
            compile_regex(p)?;
        }
        let joined = def
            .any
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        Ok(Require {
            regex: compile_regex(&joined)?,
            any: def.any,
            min_chars: def.min_chars,
        })
    }

    /// Whether `text` (the paragraphs of one language) satisfies the requirement.
    pub(crate) fn is_met(&self, text: &str) -> bool {
        text.chars().count() < self.min_chars || self.regex.is_match(text)
    }

    pub(crate) fn describe(&self) -> String {
        format!("require any of: {}", self.any.join(" | "))
    }
}
