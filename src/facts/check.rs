//! The walk over a facts document against its scenario's schema: everything wrong is collected,
//! not just the first thing serde would stop at. Also where a key sits in the file (serde's
//! values carry no positions) and the warnings for facts that are odd but not wrong.

use super::schema::{Field, Kind};
use super::types::{Date, Facts};
use super::{FactsError, Pos, Problem};
use crate::text::closest;
use crate::yaml::{Mapping, Value};
use regex::Regex;
use std::sync::LazyLock;

/// Checks a scenario's facts (the top-level mapping); `scenario` and `lang` are checked by the
/// caller.
pub(super) fn check(src: &str, map: &Mapping, fields: &[Field]) -> Vec<FactsError> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(src, map, fields, &["scenario", "lang"], &mut path, &mut out);
    out
}

fn display(path: &[String]) -> String {
    let mut s = String::new();
    for seg in path {
        if !s.is_empty() && !seg.starts_with('[') {
            s.push('.');
        }
        s.push_str(seg);
    }
    s
}

fn at(src: &str, path: &[String]) -> Option<Pos> {
    let segs: Vec<&str> = path.iter().map(String::as_str).collect();
    locate(src, &segs)
}

fn walk(
    src: &str,
    map: &Mapping,
    fields: &[Field],
    also_allowed: &[&str],
    path: &mut Vec<String>,
    out: &mut Vec<FactsError>,
) {
    for key in map.keys() {
        let name = match key {
            Value::String(s) => s.clone(),
            other => crate::yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        if fields.iter().any(|f| f.name == name) || also_allowed.contains(&name.as_str()) {
            continue;
        }
        path.push(name.clone());
        let suggestion = closest(&name, fields.iter().map(|f| f.name)).map(str::to_owned);
        out.push(FactsError::new(
            at(src, path),
            Problem::UnknownKey {
                path: display(path),
                suggestion,
            },
        ));
        path.pop();
    }
    for field in fields {
        let value = map.get(field.name);
        path.push(field.name.to_owned());
        match value {
            None | Some(Value::Null) => {
                if field.required {
                    // Point at the enclosing key: that is where the fact belongs.
                    let parent = at(src, &path[..path.len() - 1]);
                    out.push(FactsError::new(parent, Problem::Missing(display(path))));
                }
            }
            Some(v) => check_value(src, field, v, path, out),
        }
        path.pop();
    }
}

fn found(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

fn check_value(
    src: &str,
    field: &Field,
    v: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<FactsError>,
) {
    let wrong = |path: &[String], expected| {
        FactsError::new(
            at(src, path),
            Problem::WrongType {
                path: display(path),
                expected,
                found: found(v),
            },
        )
    };
    match field.kind {
        Kind::Text | Kind::MerchantId | Kind::CaseId => match scalar_text(v) {
            Some(t) if t.trim().is_empty() && field.required => {
                out.push(FactsError::new(
                    at(src, path),
                    Problem::Missing(display(path)),
                ));
            }
            Some(t) => {
                if let Some(p) = secret(src, &t, field.kind, path) {
                    out.push(p);
                }
            }
            None => out.push(wrong(path, "text")),
        },
        Kind::Date => match v {
            Value::String(s) if Date::parse(s.trim()).is_some() => {}
            Value::Mapping(_) | Value::Sequence(_) | Value::Bool(_) | Value::Tagged(_) => {
                out.push(wrong(path, "a date (YYYY-MM-DD)"))
            }
            _ => out.push(FactsError::new(
                at(src, path),
                Problem::BadDate {
                    path: display(path),
                    value: scalar_text(v).unwrap_or_else(|| found(v).to_owned()),
                },
            )),
        },
        Kind::Group(sub) => match v {
            Value::Mapping(m) => walk(src, m, sub, &[], path, out),
            _ => out.push(wrong(path, "a mapping of facts")),
        },
        Kind::List(sub) => match v {
            Value::Sequence(items) => {
                if items.is_empty() && field.required {
                    out.push(FactsError::new(
                        at(src, path),
                        Problem::EmptyList(display(path)),
                    ));
                }
                for (i, item) in items.iter().enumerate() {
                    path.push(format!("[{i}]"));
                    match item {
                        Value::Mapping(m) => walk(src, m, sub, &[], path, out),
                        _ => out.push(FactsError::new(
                            at(src, path),
                            Problem::WrongType {
                                path: display(path),
                                expected: "a mapping of facts",
                                found: found(item),
                            },
                        )),
                    }
                    path.pop();
                }
            }
            _ => out.push(wrong(path, "a list")),
        },
        Kind::TextList => match v {
            Value::Sequence(items) => {
                if items.is_empty() && field.required {
                    out.push(FactsError::new(
                        at(src, path),
                        Problem::EmptyList(display(path)),
                    ));
                }
                for (i, item) in items.iter().enumerate() {
                    path.push(format!("[{i}]"));
                    match scalar_text(item) {
                        Some(t) => {
                            if let Some(p) = secret(src, &t, Kind::Text, path) {
                                out.push(p);
                            }
                        }
                        None => out.push(FactsError::new(
                            at(src, path),
                            Problem::WrongType {
                                path: display(path),
                                expected: "text",
                                found: found(item),
                            },
                        )),
                    }
                    path.pop();
                }
            }
            _ => out.push(wrong(path, "a list of text")),
        },
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// Amazon order IDs (`503-1234567-1234567`) are long digit runs that are fine in a letter.
static ORDER_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{3}-\d{7}-\d{7}").expect("valid regex"));
/// Digit groups that may be a card number: 13–19 digits with optional single separators.
static CARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[ -]?\d){12,18}").expect("valid regex"));
static LONG_DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{7,}").expect("valid regex"));
static IBAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b").expect("valid regex"));
/// A long digit run is only a bank number when the text talks about an account; otherwise it is
/// far more likely a case ID or a reference.
static BANK_WORDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)口座|銀行|account|bank|iban|routing").expect("valid regex"));

fn last4(digits: &str) -> String {
    let d: Vec<char> = digits.chars().filter(char::is_ascii_digit).collect();
    d[d.len().saturating_sub(4)..].iter().collect()
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits
        .chars()
        .rev()
        .filter(char::is_ascii_digit)
        .enumerate()
    {
        let mut d = c.to_digit(10).unwrap_or(0);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// Full card or bank numbers in a fact: refused, so they never reach a support form.
fn secret(src: &str, text: &str, kind: Kind, path: &[String]) -> Option<FactsError> {
    if kind == Kind::CaseId {
        return None;
    }
    // Full-width digits are digits too (a seller typing in a Japanese IME gets them).
    let text: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            'ー' | '－' => '-',
            c => c,
        })
        .collect();
    let text = ORDER_ID.replace_all(&text, "");
    let hit = |what, number: &str| {
        Some(FactsError::new(
            at(src, path),
            Problem::Secret {
                path: display(path),
                what,
                last4: last4(number),
            },
        ))
    };
    for m in CARD.find_iter(&text) {
        if luhn(m.as_str()) {
            return hit("card number", m.as_str());
        }
    }
    if kind == Kind::MerchantId {
        return None;
    }
    if let Some(m) = IBAN.find(&text) {
        return hit("bank account number (IBAN)", m.as_str());
    }
    if BANK_WORDS.is_match(&text)
        && let Some(m) = LONG_DIGITS.find(&text)
    {
        return hit("bank account number", m.as_str());
    }
    None
}

/// Where the key at `path` is written (1-based), found by indentation: serde_yaml values carry no
/// positions. Handles block-style YAML (what `appeal init` writes); `None` when unsure.
pub(crate) fn locate(src: &str, path: &[&str]) -> Option<Pos> {
    let lines: Vec<&str> = src.lines().collect();
    let mut start = 0;
    // The indentation of the enclosing key (or list dash); children sit deeper.
    let mut parent: Option<usize> = None;
    let mut pos = None;
    for seg in path {
        if let Some(index) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            let index: usize = index.parse().ok()?;
            let mut dash_indent = None;
            let mut seen = 0;
            let mut hit = None;
            for (i, line) in lines.iter().enumerate().skip(start) {
                let Some((indent, rest)) = content(line) else {
                    continue;
                };
                if rest.starts_with('-') {
                    if parent.is_some_and(|p| indent < p) {
                        break;
                    }
                    let d = *dash_indent.get_or_insert(indent);
                    if indent == d {
                        if seen == index {
                            hit = Some((i, indent));
                            break;
                        }
                        seen += 1;
                    }
                } else if parent.is_none_or(|p| indent <= p) {
                    break;
                }
            }
            let (i, indent) = hit?;
            start = i;
            parent = Some(indent);
            pos = Some(Pos {
                line: i + 1,
                column: indent + 1,
            });
        } else {
            let mut hit = None;
            for (i, line) in lines.iter().enumerate().skip(start) {
                let Some((indent, rest)) = content(line) else {
                    continue;
                };
                // `- key:` puts the key two columns right of the dash.
                let (indent, rest) = match rest.strip_prefix("- ") {
                    Some(r) => (
                        indent + 2 + (r.len() - r.trim_start().len()),
                        r.trim_start(),
                    ),
                    None => (indent, rest),
                };
                if parent.is_some_and(|p| indent <= p) {
                    if i > start {
                        break;
                    }
                    continue;
                }
                let key = rest
                    .strip_prefix(seg)
                    .or_else(|| rest.strip_prefix(&format!("\"{seg}\"")))
                    .or_else(|| rest.strip_prefix(&format!("'{seg}'")));
                if key.is_some_and(|r| r.starts_with(':')) {
                    hit = Some((i, indent));
                    break;
                }
            }
            let (i, indent) = hit?;
            start = i + 1;
            parent = Some(indent);
            pos = Some(Pos {
                line: i + 1,
                column: indent + 1,
            });
        }
    }
    pos
}

/// A line's indentation (in bytes of leading spaces) and the rest, skipping blanks and comments.
fn content(line: &str) -> Option<(usize, &str)> {
    let rest = line.trim_start_matches(' ');
    if rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    Some((line.len() - rest.len(), rest.trim_end()))
}

static MERCHANT_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^A[0-9A-Z]{9,15}$").expect("valid regex"));

/// Odd but not wrong: reported, never fatal.
pub(super) fn warnings(facts: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    let id = facts.seller().merchant_id.as_str();
    if !MERCHANT_TOKEN.is_match(id) {
        out.push(format!(
            "`seller.merchant_id` `{id}` does not look like a merchant token (usually 13 or 14 capital \
             letters and digits starting with A; see Seller Central > Settings > Account Info)"
        ));
    }
    if let Facts::SecurityLock(f) = facts
        && f.notices.windows(2).any(|w| w[0].date > w[1].date)
    {
        out.push("`notices` are not in date order: list them in the order they arrived".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
scenario: security-lock
seller:
  name: x
  # a comment
  merchant_id: A1
notices:
  - date: 2025-06-03
    what: a
  - date: 2025-06-04
    what: b
prevention:
- step: s
  from: 2025-06-05
";

    #[test]
    fn locate_follows_indentation_and_list_items() {
        let p = |path: &[&str]| locate(DOC, path).map(|p| (p.line, p.column));
        assert_eq!(p(&["seller"]), Some((2, 1)));
        assert_eq!(p(&["seller", "merchant_id"]), Some((5, 3)));
        assert_eq!(p(&["notices", "[1]", "date"]), Some((9, 5)));
        assert_eq!(p(&["notices", "[1]", "what"]), Some((10, 5)));
        assert_eq!(p(&["notices", "[0]", "what"]), Some((8, 5)));
        assert_eq!(p(&["prevention", "[0]", "from"]), Some((13, 3)));
        assert_eq!(p(&["seller", "email"]), None);
        assert_eq!(p(&["notices", "[2]"]), None);
    }

    #[test]
    fn card_numbers_are_refused_but_case_ids_and_order_ids_are_not() {
        let path = vec!["x".to_owned()];
        let err = secret("", "カード 4242 4242 4242 4242", Kind::Text, &path).unwrap();
        assert!(err.to_string().contains("card number"), "{err}");
        assert!(err.to_string().contains("4242`"), "{err}");
        assert!(secret("", "4242424242424242", Kind::CaseId, &path).is_none());
        assert!(secret("", "注文 503-1234567-1234567", Kind::Text, &path).is_none());
        assert!(secret("", "ケースID 12345678901", Kind::Text, &path).is_none());
        assert!(secret("", "末尾1234の口座", Kind::Text, &path).is_none());
    }

    #[test]
    fn bank_numbers_need_an_account_word() {
        let path = vec!["x".to_owned()];
        let err = secret(
            "",
            "振込先口座（口座番号１２３４５６７）",
            Kind::Text,
            &path,
        )
        .unwrap();
        assert!(err.to_string().contains("bank account number"), "{err}");
        assert!(err.to_string().contains("4567"), "{err}");
        assert!(secret("", "account GB82WEST12345698765432", Kind::Text, &path).is_some());
        assert!(secret("", "reference 1234567", Kind::Text, &path).is_none());
    }
}
