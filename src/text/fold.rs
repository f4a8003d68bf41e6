//! Width folding: full-width ASCII becomes ASCII (ＡＢＣ → ABC, ！ → !), every non-ASCII space
//! (the ideographic space, a no-break space pasted from a web form) a space, and half-width
//! katakana full-width (ｱ → ア, ｶﾞ → ガ). Matching runs on the folded text so
//! one pattern covers every width a seller types; the offset map brings each match back to the
//! bytes of the text as read.

use std::borrow::Cow;

const HALF_KANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";

/// Folds one character, ignoring the voiced-mark composition that `Folded::new` does.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FF61}'..='\u{FF9F}' => HALF_KANA
            .chars()
            .nth((c as u32 - 0xFF61) as usize)
            .unwrap_or(c),
        // So patterns' `\s` can be ASCII (see `hircode::ascii_classes`).
        _ if c.is_whitespace() && !c.is_ascii() => ' ',
        _ => c,
    }
}

fn needs_fold(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{FF61}'..='\u{FF9F}')
        || (c.is_whitespace() && !c.is_ascii())
}

/// Composes a full-width kana with a following (half-width) voiced or semi-voiced mark.
fn compose_voiced(base: char, mark: char) -> Option<char> {
    let voiced = "カキクケコサシスセソタチツテトハヒフヘホ";
    let semi = "ハヒフヘホ";
    match mark {
        '\u{FF9E}' if base == 'ウ' => Some('ヴ'),
        '\u{FF9E}' if voiced.contains(base) => char::from_u32(base as u32 + 1),
        '\u{FF9F}' if semi.contains(base) => char::from_u32(base as u32 + 2),
        _ => None,
    }
}

/// A folded copy of a text with a map back to the original byte offsets.
#[derive(Debug, Clone)]
pub struct Folded<'t> {
    pub text: Cow<'t, str>,
    /// `map[i]` is the original byte offset of folded byte `i`; `map[len]` is the original length.
    /// `None` when folding changed nothing (the common case), so offsets are the identity.
    map: Option<Vec<u32>>,
}

impl<'t> Folded<'t> {
    pub fn new(original: &'t str) -> Self {
        // Every foldable character's UTF-8 starts with 0xC2 (U+0085, U+00A0), 0xE1 (U+1680),
        // 0xE2 (U+2000..U+205F), 0xE3 (U+3000) or 0xEF (U+FFxx): an English letter has none,
        // and a byte scan says so fast.
        let maybe = original
            .bytes()
            .any(|b| matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF));
        if !maybe || !original.chars().any(needs_fold) {
            return Folded {
                text: Cow::Borrowed(original),
                map: None,
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len() + 1);
        let mut chars = original.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let mut folded = fold_char(c);
            if matches!(c, '\u{FF61}'..='\u{FF9F}')
                && let Some(&(_, mark)) = chars.peek()
                && let Some(composed) = compose_voiced(folded, mark)
            {
                folded = composed;
                chars.next();
            }
            for _ in 0..folded.len_utf8() {
                map.push(at as u32);
            }
            text.push(folded);
        }
        map.push(original.len() as u32);
        Folded {
            text: Cow::Owned(text),
            map: Some(map),
        }
    }

    /// Original byte offset of folded byte offset `i` (which must be a char boundary or the end).
    pub fn original(&self, i: usize) -> usize {
        match &self.map {
            None => i,
            Some(map) => map[i] as usize,
        }
    }

    /// Maps a folded byte range to the original text.
    pub fn original_range(&self, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.original(r.start)..self.original(r.end)
    }

    /// Folded byte offset of original byte offset `o` (the first folded byte at or after it).
    pub fn folded(&self, o: usize) -> usize {
        match &self.map {
            None => o,
            Some(map) => map.partition_point(|&m| (m as usize) < o),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_ascii_folds_to_ascii() {
        let f = Folded::new("ＡＢＣ！！");
        assert_eq!(f.text, "ABC!!");
        assert_eq!(f.original_range(3..5), 9..15);
    }

    #[test]
    fn half_width_katakana_with_voiced_marks_composes() {
        let f = Folded::new("ｶﾞｲﾄﾞ");
        assert_eq!(f.text, "ガイド");
        // ド (folded bytes 6..9) came from ﾄﾞ (original bytes 9..15).
        assert_eq!(f.original_range(6..9), 9..15);
        assert_eq!(Folded::new("ﾊﾟｽﾜｰﾄﾞ").text, "パスワード");
        assert_eq!(Folded::new("ｳﾞ").text, "ヴ");
    }

    #[test]
    fn plain_text_is_borrowed_with_identity_offsets() {
        let f = Folded::new("Amazonのミス");
        assert!(matches!(f.text, Cow::Borrowed(_)));
        assert_eq!(f.original(6), 6);
        assert_eq!(f.folded(6), 6);
    }

    #[test]
    fn folded_offset_round_trips() {
        let s = "あＡい";
        let f = Folded::new(s);
        assert_eq!(f.text, "あAい");
        let o = s.find('い').unwrap();
        assert_eq!(f.original(f.folded(o)), o);
    }

    #[test]
    fn ideographic_space_and_half_width_w() {
        assert_eq!(Folded::new("草　ｗｗ").text, "草 ww");
    }

    #[test]
    fn every_non_ascii_space_becomes_a_space_and_maps_back() {
        let s = "got\u{A0}hacked\u{2003}now\u{3000}!\u{2028}x";
        let f = Folded::new(s);
        assert_eq!(f.text, "got hacked now ! x");
        let o = s.find('n').unwrap();
        assert_eq!(f.original(f.folded(o)), o);
        // What a pattern's ASCII `\s` sees is every space the regex crate's `\s` matches.
        let unicode = regex::Regex::new(r"\s").unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if unicode.is_match(c.encode_utf8(&mut [0; 4])) {
                let folded = fold_char(c);
                assert!(folded.is_ascii_whitespace() || folded == '\x0B', "{c:?}");
            }
        }
    }
}
