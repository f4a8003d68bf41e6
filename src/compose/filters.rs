//! The custom Tera filters, all in one place. They format facts for the letter's language (read
//! from the context's `lang`), so templates stay free of date and punctuation plumbing.

use crate::facts::Date;
use std::borrow::Cow;
use tera::{Kwargs, State, Tera, TeraResult};

pub(super) fn register(tera: &mut Tera) {
    tera.register_filter("date", date);
    tera.register_filter("clause", clause);
    tera.register_filter("sentence", sentence);
}

fn is_japanese(state: &State) -> TeraResult<bool> {
    Ok(state.get::<String>("lang")?.as_deref() == Some("ja"))
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2025-06-03` → 「2025年6月3日」 or "June 3, 2025".
fn date(value: Cow<'_, str>, _: Kwargs, state: &State) -> TeraResult<String> {
    let d = Date::parse(&value).ok_or_else(|| {
        tera::Error::message(format!(
            "the `date` filter needs a YYYY-MM-DD date, got `{value}`"
        ))
    })?;
    Ok(if is_japanese(state)? {
        format!("{}年{}月{}日", d.year, d.month, d.day)
    } else {
        format!(
            "{} {}, {}",
            EN_MONTHS[usize::from(d.month) - 1],
            d.day,
            d.year
        )
    })
}

const TERMINAL: &[char] = &['。', '．', '.', '！', '？', '!', '?'];

/// A fact as part of a sentence: trimmed, without its closing full stop.
fn clause(value: Cow<'_, str>, _: Kwargs, _: &State) -> String {
    value.trim().trim_end_matches(['。', '．', '.']).to_owned()
}

/// A fact as a whole sentence: trimmed, with a full stop for the letter's language if it has
/// none (a closing bracket after the stop counts).
fn sentence(value: Cow<'_, str>, _: Kwargs, state: &State) -> TeraResult<String> {
    let text = value.trim();
    let bare = text.trim_end_matches(['」', '）', ')', '"', '\'']);
    if text.is_empty() || bare.ends_with(TERMINAL) {
        return Ok(text.to_owned());
    }
    let stop = if is_japanese(state)? { "。" } else { "." };
    Ok(format!("{text}{stop}"))
}
