//! Facts files: the incident facts a letter is composed from. YAML in, typed `Facts` out, with
//! every problem a seller can fix reported at once (missing facts with their paths, unknown keys
//! with a did-you-mean, bad dates, secrets), and warnings for what is merely suspicious.

mod check;
mod schema;
mod skeleton;
mod types;

pub use schema::{Field, Kind, SCENARIOS, ScenarioInfo};
pub use skeleton::skeleton;
pub use types::{
    AlreadyDone, Change, Date, Dated, Facts, FollowUp, IdentityVerification, Original,
    PlanOfAction, Prevention, Previous, Registration, Rejection, Requested, SecurityLock, Seller,
    Submitted, Suspension, Text,
};

use crate::text::{Lang, closest};
use crate::yaml::{self, Value};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of letter there are templates for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    SecurityLock,
    IdentityVerification,
    PlanOfAction,
    FollowUp,
}

impl Scenario {
    pub const ALL: [Scenario; 4] = [
        Scenario::SecurityLock,
        Scenario::IdentityVerification,
        Scenario::PlanOfAction,
        Scenario::FollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::SecurityLock => "security-lock",
            Scenario::IdentityVerification => "identity-verification",
            Scenario::PlanOfAction => "plan-of-action",
            Scenario::FollowUp => "follow-up",
        }
    }

    /// The known scenario names, for error messages.
    pub fn known() -> String {
        Scenario::ALL.map(Scenario::as_str).join(", ")
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Scenario {
    type Err = FactsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scenario::ALL
            .into_iter()
            .find(|sc| sc.as_str() == s)
            .ok_or_else(|| FactsError::new(None, Problem::UnknownScenario(s.to_owned())))
    }
}

/// A 1-based position in the facts file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// What is wrong with a facts file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{0}")]
    Yaml(String),
    #[error("the facts file is empty: start from `appeal init SCENARIO`")]
    Empty,
    #[error("the facts file must be a mapping of keys (scenario, lang, seller, …)")]
    NotAMapping,
    #[error("missing `scenario` (one of: {known})", known = Scenario::known())]
    MissingScenario,
    #[error("unknown scenario `{0}` (known scenarios: {known}){hint}", known = Scenario::known(), hint = did_you_mean(.0, Scenario::ALL.map(Scenario::as_str)))]
    UnknownScenario(String),
    #[error("missing `lang` (ja or en)")]
    MissingLang,
    #[error("unknown language `{0}` (expected ja or en)")]
    UnknownLang(String),
    #[error("missing required fact `{0}`")]
    Missing(String),
    #[error("`{0}` needs at least one item")]
    EmptyList(String),
    #[error("unknown key `{path}`{hint}", hint = match .suggestion { Some(s) => format!(" (did you mean `{s}`?)"), None => String::new() })]
    UnknownKey {
        path: String,
        suggestion: Option<String>,
    },
    #[error("`{path}`: `{value}` is not a date: write it as YYYY-MM-DD (e.g. 2025-06-03)")]
    BadDate { path: String, value: String },
    #[error("`{path}`: expected {expected}, found {found}")]
    WrongType {
        path: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error(
        "`{path}`: looks like a full {what}; never put it in a letter: give the last four digits only (e.g. `…{last4}`)"
    )]
    Secret {
        path: String,
        what: &'static str,
        last4: String,
    },
}

/// A problem, with its position in the file where it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsError {
    pub pos: Option<Pos>,
    pub problem: Problem,
}

impl FactsError {
    pub fn new(pos: Option<Pos>, problem: Problem) -> Self {
        FactsError { pos, problem }
    }
}

impl fmt::Display for FactsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}: {}", p.line, p.column, self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}

impl std::error::Error for FactsError {}

/// A facts file that passed validation, and what looked odd about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub facts: Facts,
    pub warnings: Vec<String>,
}

/// Reads a facts file. On failure, every problem found (all missing facts, unknown keys, bad
/// dates and secrets at once; a YAML syntax or type error alone, with its position).
pub fn parse(src: &str) -> Result<Parsed, Vec<FactsError>> {
    let value: Value = yaml::parse(src).map_err(|e| vec![yaml_error(e)])?;
    let map = match &value {
        Value::Null => return Err(vec![FactsError::new(None, Problem::Empty)]),
        Value::Mapping(m) => m,
        _ => return Err(vec![FactsError::new(None, Problem::NotAMapping)]),
    };
    let header = |key: &str| map.get(key).map(|v| (v, check::locate(src, &[key])));
    let scenario = match header("scenario") {
        None => return Err(vec![FactsError::new(None, Problem::MissingScenario)]),
        Some((Value::String(s), pos)) => s
            .parse::<Scenario>()
            .map_err(|e| vec![FactsError { pos, ..e }])?,
        Some((other, pos)) => {
            let shown = yaml::to_string(other).unwrap_or_default();
            return Err(vec![FactsError::new(
                pos,
                Problem::UnknownScenario(shown.trim().to_owned()),
            )]);
        }
    };
    let mut errors = Vec::new();
    match header("lang") {
        None => errors.push(FactsError::new(None, Problem::MissingLang)),
        Some((Value::String(s), _)) if s.parse::<Lang>().is_ok() => {}
        Some((other, pos)) => {
            let shown = yaml::to_string(other).unwrap_or_default();
            errors.push(FactsError::new(
                pos,
                Problem::UnknownLang(shown.trim().to_owned()),
            ));
        }
    }
    errors.extend(check::check(src, map, scenario.info().fields));
    if !errors.is_empty() {
        return Err(errors);
    }
    // The walk above found nothing; serde now checks the types and says where a wrong one is.
    let facts = match scenario {
        Scenario::SecurityLock => yaml::parse(src).map(Facts::SecurityLock),
        Scenario::IdentityVerification => yaml::parse(src).map(Facts::IdentityVerification),
        Scenario::PlanOfAction => yaml::parse(src).map(Facts::PlanOfAction),
        Scenario::FollowUp => yaml::parse(src).map(Facts::FollowUp),
    }
    .map_err(|e| vec![yaml_error(e)])?;
    let warnings = check::warnings(&facts);
    Ok(Parsed { facts, warnings })
}

fn yaml_error(e: yaml::YamlError) -> FactsError {
    let pos = e.line.map(|line| Pos {
        line,
        column: e.column.unwrap_or(1),
    });
    FactsError::new(pos, Problem::Yaml(e.message))
}

/// ` (did you mean `x`?)` when one candidate is close to `given`, else nothing.
pub(crate) fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    match closest(given, candidates) {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(
            closest("mercant_id", ["name", "merchant_id", "email"]),
            Some("merchant_id")
        );
        assert_eq!(closest("zzzzzz", ["name", "merchant_id"]), None);
        assert_eq!(
            did_you_mean("security_lock", Scenario::ALL.map(Scenario::as_str)),
            " (did you mean `security-lock`?)"
        );
    }

    #[test]
    fn unknown_scenario_lists_the_known_ones() {
        let err = parse("scenario: hacked\nlang: ja\n").unwrap_err();
        assert_eq!(err.len(), 1);
        let msg = err[0].to_string();
        assert!(msg.starts_with("1:1: unknown scenario `hacked`"), "{msg}");
        for s in Scenario::ALL {
            assert!(msg.contains(s.as_str()), "{msg}");
        }
    }
}
