//! `kind: require`: a document-level check. Unless one of the patterns appears in the paragraphs
//! of the rule's language, the rule reports one `missing-content` finding for the document.

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
    /// Validated and matched by the pattern index (`patterns.rs`).
    pub any: Vec<String>,
    pub min_chars: usize,
}

impl Require {
    pub(crate) fn compile(def: RequireDef) -> Result<Self, String> {
        if def.any.is_empty() {
            return Err("`any` is empty".into());
        }
        Ok(Require {
            any: def.any,
            min_chars: def.min_chars,
        })
    }

    pub(crate) fn describe(&self) -> String {
        format!("require any of: {}", self.any.join(" | "))
    }
}
