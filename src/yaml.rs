//! The one module that touches the YAML crate. `serde_yaml` is archived upstream; keeping it behind
//! this door makes a move to a maintained fork a one-line change.

use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// A dynamic YAML value, for the few places that must look at a document before typing it.
pub type Value = serde_yaml::Value;
pub type Mapping = serde_yaml::Mapping;

/// A YAML error with its 1-based position where the parser knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<serde_yaml::Error> for YamlError {
    fn from(e: serde_yaml::Error) -> Self {
        let loc = e.location();
        // serde_yaml appends " at line L column C" to the message; the position is carried apart.
        let mut message = e.to_string();
        if let Some(cut) = message.find(" at line ") {
            message.truncate(cut);
        }
        YamlError {
            message,
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
        }
    }
}

/// Parses a YAML document into `T`.
pub fn parse<T: DeserializeOwned>(src: &str) -> Result<T, YamlError> {
    Ok(serde_yaml::from_str(src)?)
}

/// Types a value taken out of a document (no position is known for it).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, YamlError> {
    Ok(serde_yaml::from_value(value)?)
}

/// Serialises a value as YAML (used for `appeal init` skeleton values and snapshots).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    Ok(serde_yaml::to_string(value)?)
}

/// The 1-based line of the first `key: value` (or `- key: value`) line for every value, in one
/// pass: looking each rule's id up separately made loading the packs quadratic.
pub fn key_lines<'t>(text: &'t str, key: &str) -> HashMap<&'t str, usize> {
    let mut lines = HashMap::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_start().trim_start_matches("- ").trim_start();
        if let Some(v) = l.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            lines
                .entry(v.trim().trim_matches(['"', '\'']))
                .or_insert(i + 1);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_line_and_column_apart_from_the_message() {
        let err = parse::<Value>("a: 1\nb: [unclosed\n").unwrap_err();
        assert!(err.line.is_some());
        assert!(!err.message.contains(" at line "));
    }
}
