//! The typed facts, one struct per scenario. These are what templates see: serialised, never
//! raw YAML values. Optional facts that are absent are *not serialised*, so a template that prints
//! one without an `{% if %}` fails (Tera reports an undefined value) instead of leaving a gap.

use super::Scenario;
use crate::text::Lang;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A calendar date written `YYYY-MM-DD`. Serialised back as the same ISO string; templates format
/// it for the letter's language with the `date` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses a strict ISO date, checking the calendar (no 2025-02-30).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = &s[r];
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1900 && (1..=days).contains(&day)).then_some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "`{s}` is not a date: write it as YYYY-MM-DD (e.g. 2025-06-03)"
            ))
        })
    }
}

/// Free text from the seller. Accepts a YAML number too (`case_id: 12345678901` needs no quotes),
/// keeping its digits exactly as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.trim().to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(TextVisitor)
    }
}

/// Who is writing: the account the letter is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seller {
    pub name: Text,
    pub store_name: Text,
    pub merchant_id: Text,
    pub email: Text,
}

/// Something that happened (or was done) on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dated {
    pub date: Date,
    pub what: Text,
}

/// One prevention step: what, from when, and who does it (DOMAIN.md: a promise with no
/// mechanism, date or owner reads as vague).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prevention {
    pub step: Text,
    pub from: Date,
    pub owner: Text,
}

/// The fixes support proposes again and again; saying up front that they were done (and when)
/// is what gets a security-lock case passed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlreadyDone {
    pub password_reset: Date,
    pub two_step_reset: Date,
    #[serde(default)]
    pub other: Vec<Dated>,
}

/// The sensitive change that triggered the lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub what: Text,
    pub date: Date,
    pub reason: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityLock {
    pub scenario: Scenario,
    pub lang: Lang,
    pub seller: Seller,
    pub change: Change,
    pub notices: Vec<Dated>,
    pub locked_since: Date,
    pub already_done: AlreadyDone,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_changes: Option<Text>,
    pub prevention: Vec<Prevention>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requested {
    pub date: Date,
    pub documents: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    pub date: Date,
    pub reason: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submitted {
    pub date: Date,
    pub document: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub name: Text,
    pub address: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityVerification {
    pub scenario: Scenario,
    pub lang: Lang,
    pub seller: Seller,
    pub requested: Requested,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
    pub submitted: Vec<Submitted>,
    pub registration: Registration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Text>,
    pub prevention: Vec<Prevention>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    pub date: Date,
    pub reason: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanOfAction {
    pub scenario: Scenario,
    pub lang: Lang,
    pub seller: Seller,
    pub suspension: Suspension,
    pub root_causes: Vec<Text>,
    pub actions_taken: Vec<Dated>,
    pub prevention: Vec<Prevention>,
    #[serde(default)]
    pub evidence: Vec<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Original {
    pub date: Date,
    pub subject: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Previous {
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub scenario: Scenario,
    pub lang: Lang,
    pub seller: Seller,
    pub original: Original,
    pub previous: Vec<Previous>,
    pub situation: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_done: Option<AlreadyDone>,
    pub prevention: Vec<Prevention>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Text>,
}

/// A validated facts file: one scenario's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Facts {
    SecurityLock(SecurityLock),
    IdentityVerification(IdentityVerification),
    PlanOfAction(PlanOfAction),
    FollowUp(FollowUp),
}

impl Facts {
    pub fn scenario(&self) -> Scenario {
        match self {
            Facts::SecurityLock(_) => Scenario::SecurityLock,
            Facts::IdentityVerification(_) => Scenario::IdentityVerification,
            Facts::PlanOfAction(_) => Scenario::PlanOfAction,
            Facts::FollowUp(_) => Scenario::FollowUp,
        }
    }

    pub fn lang(&self) -> Lang {
        match self {
            Facts::SecurityLock(f) => f.lang,
            Facts::IdentityVerification(f) => f.lang,
            Facts::PlanOfAction(f) => f.lang,
            Facts::FollowUp(f) => f.lang,
        }
    }

    pub fn seller(&self) -> &Seller {
        match self {
            Facts::SecurityLock(f) => &f.seller,
            Facts::IdentityVerification(f) => &f.seller,
            Facts::PlanOfAction(f) => &f.seller,
            Facts::FollowUp(f) => &f.seller,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict_iso_and_real() {
        assert_eq!(
            Date::parse("2024-02-29"),
            Some(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-6-3",
            "2025/06/03",
            "２０２５-06-03",
            "",
            "2025-06-00",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(Date::parse("2025-06-03").unwrap().to_string(), "2025-06-03");
    }
}
