//! Facts a revision states: dates, times, IDs, numbers and email addresses. An appeal that
//! contradicts an earlier submission hurts the case, so the diff calls out every fact one revision
//! has and the other does not, whatever the wording around it.

use crate::text::{Folded, LineIndex};
use regex::Regex;
use serde::Serialize;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FactKind {
    Date,
    Time,
    Email,
    Id,
    Number,
}

impl FactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::Date => "date",
            FactKind::Time => "time",
            FactKind::Email => "email",
            FactKind::Id => "id",
            FactKind::Number => "number",
        }
    }
}

/// One fact as written in a revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub kind: FactKind,
    /// As written.
    pub text: String,
    /// Normalised, so `2026年11月3日` and `2026-11-03` are the same fact: ISO dates (`--11-03`
    /// without a year), `HH:MM` times, digits without separators, lower-case email addresses.
    pub value: String,
    /// 1-based line in its revision.
    pub line: usize,
}

/// Facts in the old revision that the new one lacks, and the reverse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FactsDelta {
    pub removed: Vec<Fact>,
    pub added: Vec<Fact>,
}

impl FactsDelta {
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty()
    }
}

/// Compares the facts of two revisions by kind and value; each value is reported once, where it
/// first appears.
pub fn facts_delta(old: &str, new: &str) -> FactsDelta {
    let (of, nf) = (facts(old), facts(new));
    let only = |a: &[Fact], b: &[Fact]| {
        let present: HashSet<(FactKind, &str)> =
            b.iter().map(|f| (f.kind, f.value.as_str())).collect();
        let mut seen = HashSet::new();
        a.iter()
            .filter(|f| !present.contains(&(f.kind, f.value.as_str())))
            // `11月2日` in one revision and `2026年11月2日` in the other agree.
            .filter(|f| !(f.kind == FactKind::Date && dated_elsewhere(&f.value, b)))
            .filter(|f| seen.insert((f.kind, f.value.clone())))
            .cloned()
            .collect()
    };
    FactsDelta {
        removed: only(&of, &nf),
        added: only(&nf, &of),
    }
}

/// Whether a date without a year matches a dated one in `facts` with the same month and day, or
/// the reverse. Two full dates with different years still differ.
fn dated_elsewhere(value: &str, facts: &[Fact]) -> bool {
    let month_day = |v: &str| v.get(v.len().saturating_sub(6)..).map(str::to_owned);
    let yearless = value.starts_with("--");
    facts.iter().any(|f| {
        f.kind == FactKind::Date
            && f.value.starts_with("--") != yearless
            && month_day(&f.value) == month_day(value)
    })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

struct Pattern {
    kind: FactKind,
    regex: Regex,
    /// Builds the normalised value from the captures, or rejects the match.
    value: fn(&regex::Captures) -> Option<String>,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |kind, re: &str, value| Pattern {
        kind,
        regex: Regex::new(re).expect("fact pattern compiles"),
        value,
    };
    let month = r"(?i:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)";
    vec![
        p(
            FactKind::Email,
            r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
            |c| Some(c[0].to_lowercase()),
        ),
        p(
            FactKind::Date,
            r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})日?",
            |c| iso(Some(&c[1]), &c[2], &c[3]),
        ),
        p(FactKind::Date, r"(\d{1,2})\s*月\s*(\d{1,2})\s*日", |c| {
            iso(None, &c[1], &c[2])
        }),
        p(
            FactKind::Date,
            &format!(r"{month}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?"),
            |c| iso(c.get(3).map(|m| m.as_str()), &month_number(&c[1])?, &c[2]),
        ),
        p(
            FactKind::Date,
            &format!(r"(\d{{1,2}})(?:st|nd|rd|th)?\s+{month}(?:,?\s+(\d{{4}}))?"),
            |c| iso(c.get(3).map(|m| m.as_str()), &month_number(&c[2])?, &c[1]),
        ),
        p(FactKind::Date, r"(\d{1,2})/(\d{1,2})", |c| {
            iso(None, &c[1], &c[2])
        }),
        p(FactKind::Time, r"(\d{1,2}):(\d{2})", |c| time(&c[1], &c[2])),
        p(FactKind::Time, r"(\d{1,2})時(?:(\d{1,2})分|半)?", |c| {
            let minutes = match c.get(2) {
                Some(m) => m.as_str().to_owned(),
                None if c[0].ends_with('半') => "30".into(),
                None => "0".into(),
            };
            time(&c[1], &minutes)
        }),
        p(
            FactKind::Id,
            r"[A-Za-z0-9][A-Za-z0-9-]{4,}[A-Za-z0-9]",
            |c| {
                let s = &c[0];
                let digits = s.chars().filter(char::is_ascii_digit).count();
                let upper = s.chars().any(|c| c.is_ascii_uppercase());
                let lower = s.chars().any(|c| c.is_ascii_lowercase());
                // Seller IDs and ASINs mix capitals and digits; order and case numbers are long digit
                // runs, possibly hyphenated. English words and "v2" are not IDs.
                let is_id = !lower
                    && ((digits > 0 && upper) || digits >= 8 || (digits >= 6 && s.contains('-')));
                is_id.then(|| s.to_owned())
            },
        ),
        p(FactKind::Number, r"\d+(?:,\d{3})*(?:\.\d+)?", |c| {
            Some(c[0].replace(',', ""))
        }),
    ]
});

fn month_number(name: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| name.starts_with(m))
        .map(|i| (i + 1).to_string())
}

fn iso(year: Option<&str>, month: &str, day: &str) -> Option<String> {
    let (m, d): (u32, u32) = (month.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(match year {
        Some(y) => format!("{y}-{m:02}-{d:02}"),
        None => format!("--{m:02}-{d:02}"),
    })
}

fn time(hours: &str, minutes: &str) -> Option<String> {
    let (h, m): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// The facts in a text, in order. Matching runs on the width-folded text, so `２０２６年` and
/// `2026年` are one fact; each span is claimed by the first kind that matches it.
pub fn facts(text: &str) -> Vec<Fact> {
    let folded = Folded::new(text);
    let f = folded.text.as_ref();
    let lines = LineIndex::new(text);
    let mut claimed: Vec<Range<usize>> = Vec::new();
    let mut out: Vec<(usize, Fact)> = Vec::new();
    for pattern in PATTERNS.iter() {
        for caps in pattern.regex.captures_iter(f) {
            let m = caps.get(0).expect("group 0 always matches");
            let r = m.range();
            if !standalone(f, &r, pattern.kind)
                || claimed.iter().any(|c| c.start < r.end && r.start < c.end)
                || is_list_marker(f, &r, pattern.kind)
                // 「3時間」 is a duration, not a time of day.
                || (pattern.kind == FactKind::Time && f[r.end..].starts_with('間'))
            {
                continue;
            }
            let Some(value) = (pattern.value)(&caps) else {
                continue;
            };
            claimed.push(r.clone());
            let original = folded.original_range(r);
            out.push((
                original.start,
                Fact {
                    kind: pattern.kind,
                    text: text[original.clone()].to_owned(),
                    value,
                    line: lines.line_of(original.start) + 1,
                },
            ));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, f)| f).collect()
}

/// A fact does not start or end inside a longer run of ASCII letters and digits (`v2`, `A1B2` as
/// part of a word), nor next to the `*` of a masked secret (`********2024` is the tail of a
/// password, not the year). Japanese text around a fact is fine: it has no spaces.
fn standalone(text: &str, r: &Range<usize>, kind: FactKind) -> bool {
    let before = text[..r.start].chars().next_back();
    let after = text[r.end..].chars().next();
    if before == Some('*') || after == Some('*') {
        return false;
    }
    let joins = |c: Option<char>| match kind {
        FactKind::Email => c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '@'),
        FactKind::Number | FactKind::Time => {
            c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '/' || c == ':')
        }
        _ => c.is_some_and(|c| c.is_ascii_alphanumeric()),
    };
    !joins(before) && !joins(after)
}

/// `1.` or `2)` at the start of a line numbers a list item; that is layout, not a fact.
fn is_list_marker(text: &str, r: &Range<usize>, kind: FactKind) -> bool {
    if kind != FactKind::Number {
        return false;
    }
    let line_start = text[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..r.start].trim();
    let after = text[r.end..].chars().next();
    before.is_empty() && matches!(after, Some('.' | ')' | '、'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(FactKind, String)> {
        facts(text).into_iter().map(|f| (f.kind, f.value)).collect()
    }

    #[test]
    fn the_tail_of_a_masked_secret_is_not_a_fact() {
        assert_eq!(values("パスワードは************2024です。"), vec![]);
        assert_eq!(
            values("2024年から"),
            vec![(FactKind::Number, "2024".into())]
        );
    }

    #[test]
    fn japanese_dates_times_and_ids() {
        assert_eq!(
            values(
                "２０２６年１１月３日の14時頃、出品者ID A1B2C3D4E5F6G7 の口座を変更し、20日間停止。"
            ),
            vec![
                (FactKind::Date, "2026-11-03".into()),
                (FactKind::Time, "14:00".into()),
                (FactKind::Id, "A1B2C3D4E5F6G7".into()),
                (FactKind::Number, "20".into()),
            ]
        );
        assert_eq!(
            values("11月3日と11/4、お問い合わせ番号 1234567890"),
            vec![
                (FactKind::Date, "--11-03".into()),
                (FactKind::Date, "--11-04".into()),
                (FactKind::Id, "1234567890".into()),
            ]
        );
    }

    #[test]
    fn english_dates_emails_and_list_markers() {
        assert_eq!(
            values(
                "1. On November 3, 2026 I wrote to Seller@Example.com about order 503-1234567-7654321.\n2) $1,200"
            ),
            vec![
                (FactKind::Date, "2026-11-03".into()),
                (FactKind::Email, "seller@example.com".into()),
                (FactKind::Id, "503-1234567-7654321".into()),
                (FactKind::Number, "1200".into()),
            ]
        );
    }

    #[test]
    fn same_date_in_another_format_is_not_a_change() {
        let d = facts_delta(
            "2026年11月3日に変更しました。連絡先 a@example.com",
            "2026-11-03に変更しました。連絡先 b@example.com",
        );
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].text, "a@example.com");
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].value, "b@example.com");
        assert_eq!(d.added[0].line, 1);
    }

    #[test]
    fn a_date_gains_its_year_without_changing() {
        assert!(facts_delta("11月2日に変更。", "2026年11月2日に変更。").is_empty());
        assert!(facts_delta("On November 2, 2026.", "On November 2.").is_empty());
        let d = facts_delta("2025年11月2日", "2026年11月2日");
        assert_eq!((d.removed.len(), d.added.len()), (1, 1));
        assert_eq!(
            values("2〜3時間後、1時間ごと"),
            vec![
                (FactKind::Number, "2".into()),
                (FactKind::Number, "3".into()),
                (FactKind::Number, "1".into()),
            ]
        );
    }

    #[test]
    fn a_changed_day_is_reported_once_each_way() {
        let d = facts_delta("11月3日、11月3日。", "11月2日。");
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].value, "--11-03");
        assert_eq!(d.added[0].value, "--11-02");
    }
}
