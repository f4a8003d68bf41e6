/// A 1-based line and column; the column counts Unicode scalar values, so a Japanese character is
/// one column (the JSON contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Byte offset → line/column lookups over one text, in O(log lines) each.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Position of byte `offset` (clamped to a character boundary at or before it). A `\r`
    /// before `\n` belongs to the line it ends.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let column = text[self.starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The text of 0-based `line` without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "一行目\nAmazonのミスです";
        let idx = LineIndex::new(text);
        let start = text.find("のミス").unwrap();
        assert_eq!(idx.position(text, start), Position { line: 2, column: 7 });
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn full_width_characters_are_one_column() {
        let text = "ＡＢＣ　です";
        let idx = LineIndex::new(text);
        let at = text.find("です").unwrap();
        assert_eq!(idx.position(text, at).column, 5);
    }

    #[test]
    fn combining_marks_count_as_their_own_scalar_values() {
        // "か" + combining voiced mark (U+3099) is two scalar values.
        let text = "か\u{3099}ミス";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, text.find("ミス").unwrap()).column, 3);
    }

    #[test]
    fn crlf_lines() {
        let text = "abc\r\ndef\r\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 5), Position { line: 2, column: 1 });
        assert_eq!(idx.line_text(text, 0), "abc");
        assert_eq!(idx.line_text(text, 1), "def");
        // The end of the text sits on the empty line after the last newline.
        assert_eq!(
            idx.position(text, text.len()),
            Position { line: 3, column: 1 }
        );
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "あい";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 1).column, 1);
        assert_eq!(idx.position(text, 3).column, 2);
    }
}
