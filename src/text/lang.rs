use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// A language the tool has rules and templates for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ja" => Ok(Lang::Ja),
            "en" => Ok(Lang::En),
            other => Err(format!(
                "unknown language `{other}` (expected `ja` or `en`)"
            )),
        }
    }
}

/// Hiragana, katakana (full and half width), CJK ideographs and the iteration mark.
pub fn is_japanese_char(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{31F0}'..='\u{31FF}' // katakana phonetic extensions
        | '\u{3005}'              // 々
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{3400}'..='\u{4DBF}' // extension A
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // half-width katakana
    )
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

/// Counts (japanese, latin) letters.
fn letter_counts(text: &str) -> (usize, usize) {
    let mut ja = 0;
    let mut latin = 0;
    for c in text.chars() {
        if is_japanese_char(c) {
            ja += 1;
        } else if is_latin_letter(c) {
            latin += 1;
        }
    }
    (ja, latin)
}

fn lang_of_counts(ja: usize, latin: usize) -> Option<Lang> {
    // A Japanese sentence carries far fewer letters than its English translation, and often
    // embeds Latin names ("Amazon", "Seller Central"); weigh each kana/kanji as three letters.
    match (ja, latin) {
        (0, 0) => None,
        (ja, latin) if ja * 3 >= latin => Some(Lang::Ja),
        _ => Some(Lang::En),
    }
}

/// The dominant language of a whole text; Japanese when the text has no letters at all.
pub fn detect_lang(text: &str) -> Lang {
    let (ja, latin) = letter_counts(text);
    lang_of_counts(ja, latin).unwrap_or(Lang::Ja)
}

/// A run of lines separated from its neighbours by blank lines, with its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub range: Range<usize>,
    pub lang: Lang,
}

/// Splits `text` into paragraphs (blank-line separated) and decides each one's language, so a
/// Japanese letter with an English translation below gets both rule sets. A short paragraph with
/// no kana or kanji (a `Seller ID: A1B2C3` line, a signature, a date) takes the language of the
/// whole text: it belongs to the letter around it. The paragraphs cover the text without gaps.
pub fn paragraphs(text: &str) -> Vec<Paragraph> {
    paragraphs_and_lang(text).0
}

/// [`paragraphs`] and the text's dominant language ([`detect_lang`]), counting letters once.
pub fn paragraphs_and_lang(text: &str) -> (Vec<Paragraph>, Lang) {
    let mut spans: Vec<(Range<usize>, usize, usize)> = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    let mut prev_blank = false;
    let push = |range: Range<usize>, spans: &mut Vec<_>| {
        let (ja, latin) = letter_counts(&text[range.clone()]);
        spans.push((range, ja, latin));
    };
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        // A paragraph ends at the first non-blank line after a blank one.
        if !blank && prev_blank && pos > start {
            push(start..pos, &mut spans);
            start = pos;
        }
        prev_blank = blank;
        pos += line.len();
    }
    if pos > start || spans.is_empty() {
        push(start..pos, &mut spans);
    }
    let (ja, latin) = spans
        .iter()
        .fold((0, 0), |(j, l), (_, ja, latin)| (j + ja, l + latin));
    let fallback = lang_of_counts(ja, latin).unwrap_or(Lang::Ja);
    let paragraphs = spans
        .into_iter()
        .map(|(range, ja, latin)| {
            // Only short Latin-only paragraphs are ambiguous: kana or kanji is Japanese at any
            // length.
            let lang = if ja == 0 && latin < MIN_LETTERS {
                fallback
            } else {
                lang_of_counts(ja, latin).unwrap_or(fallback)
            };
            Paragraph { range, lang }
        })
        .collect();
    (paragraphs, fallback)
}

/// Below this many Latin letters, a paragraph with no kana or kanji is too short to tell.
const MIN_LETTERS: usize = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_with_latin_names_is_japanese() {
        assert_eq!(
            detect_lang("Amazon Seller Centralにログインできません。"),
            Lang::Ja
        );
    }

    #[test]
    fn english_is_english() {
        assert_eq!(detect_lang("I cannot sign in to Seller Central."), Lang::En);
    }

    #[test]
    fn empty_text_defaults_to_japanese() {
        assert_eq!(detect_lang(""), Lang::Ja);
        assert_eq!(paragraphs("").len(), 1);
    }

    #[test]
    fn paragraphs_split_on_blank_lines_and_keep_their_language() {
        let text = "いつもお世話になっております。\n出品者IDはA1B2C3です。ログインできなくなりました。\n\n\n\
                    Thank you for your help with my seller account.\nBest regards\n\n\
                    2026-11-01\n\nSeller ID: A1B2C3D4E5\n\n困っています。\n";
        let paras = paragraphs(text);
        let langs: Vec<Lang> = paras.iter().map(|p| p.lang).collect();
        // Short Latin-only paragraphs (a date, an ID line) belong to the letter's language;
        // a short Japanese one is Japanese.
        assert_eq!(langs, [Lang::Ja, Lang::En, Lang::Ja, Lang::Ja, Lang::Ja]);
        assert_eq!(
            &text[paras[1].range.clone()],
            "Thank you for your help with my seller account.\nBest regards\n\n"
        );
        // Contiguous cover.
        assert_eq!(paras[0].range.start, 0);
        assert_eq!(paras.last().unwrap().range.end, text.len());
        assert!(paras.windows(2).all(|w| w[0].range.end == w[1].range.start));
    }

    #[test]
    fn half_width_katakana_counts_as_japanese() {
        assert_eq!(detect_lang("ｱｶｳﾝﾄ"), Lang::Ja);
    }
}
