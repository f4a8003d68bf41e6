//! Text primitives shared by lint, compose and diff: language detection, sentence splitting,
//! byte ↔ line/column conversion and width folding. No I/O here.

mod fold;
mod hint;
mod lang;
mod position;
mod sentence;

pub use fold::{Folded, fold_char};
pub use hint::{closest, edit_distance};
pub use lang::{Lang, Paragraph, detect_lang, is_japanese_char, paragraphs, paragraphs_and_lang};
pub use position::{LineIndex, Position};
pub use sentence::sentences;

/// Display width of a string in terminal cells (CJK characters are two cells wide).
pub fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}
