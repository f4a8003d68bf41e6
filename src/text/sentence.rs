use std::ops::Range;

fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '．' | '！' | '？' | '!' | '?')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '」' | '』' | '）' | ')' | '"' | '\'' | '”' | '’' | '】' | '〕'
    )
}

/// Splits `text` into sentences: byte ranges, in order, not overlapping, each trimmed of
/// surrounding white space and never empty. A sentence ends after a run of `。！？!?` (with any
/// closing brackets or quotes that follow), after a `.` followed by white space or the end, and at
/// a line break, except where an English sentence is hard-wrapped (the line ends in a letter or
/// comma and the next starts with a lower-case letter). Japanese has no spaces, so nothing here
/// relies on them.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = if is_terminator(c) || c == '.' {
            if c == '.'
                && chars
                    .peek()
                    .is_some_and(|&(_, n)| !n.is_whitespace() && !is_closer(n))
            {
                continue; // "e.g", "3.5", "amazon.co.jp"
            }
            if c == '.' && after_title(text, i) {
                continue; // "Dr. Anna Krüger", "Mr. Tanaka"
            }
            if c == '.' && ends_dotted_abbreviation(text, i) {
                continue; // "at 2 p.m. each day", "e.g. the invoice"
            }
            if matches!(c, '!' | '?')
                && ascii_alphanumeric_before(text, i)
                && chars.peek().is_some_and(|&(_, n)| {
                    (n.is_alphanumeric() && !n.is_ascii_alphanumeric())
                        || (n.is_ascii_alphanumeric() && in_token_with_digit(text, i))
                })
            {
                // Inside a password or a name that Japanese text runs on from:
                // 「Hanako2024!にしてあります」, 「Yahoo!ショッピング」, "Br1ght!Goods". A word with
                // no digit splits: "help!I am" is two sentences typed without a space.
                continue;
            }
            let mut end = i + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if is_terminator(n) || is_closer(n) || (c != '.' && n == '.') {
                    end = j + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if matches!(c, '!' | '?') && ends_password(text, i, end) {
                continue; // "Hunter22!! on the 5th", 「Sakura2024!」もお伝えします
            }
            end
        } else if c == '\n' {
            if is_hard_wrap(text, i) {
                continue;
            }
            i
        } else {
            continue;
        };
        push_trimmed(text, start..end, &mut out);
        start = end;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn ascii_alphanumeric_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|p| p.is_ascii_alphanumeric())
}

/// Whether the full stop at byte `at` ends a title written before a name ("Dr.", "Mrs.").
fn after_title(text: &str, at: usize) -> bool {
    const TITLES: [&str; 6] = ["Dr", "Mr", "Mrs", "Ms", "Prof", "St"];
    let word = text[..at].rsplit(|c: char| !c.is_ascii_alphabetic()).next();
    word.is_some_and(|w| TITLES.contains(&w))
}

/// Whether the full stop at byte `at` closes an abbreviation with dots inside it ("p.m.",
/// "e.g.", "U.S.") and the text runs on with a space and a lower-case word: a new sentence starts
/// with a capital, and a clause cut off there ("each day.") reads as something else on its own.
fn ends_dotted_abbreviation(text: &str, at: usize) -> bool {
    let word = text[..at].rsplit(|c: char| c.is_whitespace()).next();
    let dotted = word
        .is_some_and(|w| w.contains('.') && w.chars().all(|c| c.is_ascii_alphabetic() || c == '.'));
    dotted && lower_case_word_follows(&text[at + 1..])
}

/// Whether `rest` starts with a space and a lower-case word: a sentence goes on there.
fn lower_case_word_follows(rest: &str) -> bool {
    let mut chars = rest.chars();
    chars.next() == Some(' ') && chars.next().is_some_and(|c| c.is_ascii_lowercase())
}

/// Whether the run of non-space characters around byte `at` of `text` holds an ASCII digit
/// within 32 characters of `at` (a password is short; a long run must not make this quadratic).
fn in_token_with_digit(text: &str, at: usize) -> bool {
    let has_digit = |chars: &mut dyn Iterator<Item = char>| {
        chars
            .take(32)
            .take_while(|c| !c.is_whitespace())
            .any(|c| c.is_ascii_digit())
    };
    has_digit(&mut text[..at].chars().rev()) || has_digit(&mut text[at..].chars())
}

/// Whether the marks from `at` to `end` close a token with a digit and the sentence runs on:
/// into a lower-case word ("I changed it to Hunter22!! on the 5th"), or, after a closing
/// bracket or quote, straight into Japanese (「Sakura2024!」もお伝えします). The marks end a
/// password there, not a sentence.
fn ends_password(text: &str, at: usize, end: usize) -> bool {
    let closed = text[at..end].chars().skip(1).any(is_closer);
    let japanese_follows = || {
        let next = text[end..].chars().next();
        next.is_some_and(|n| n.is_alphanumeric() && !n.is_ascii())
    };
    let runs_on = lower_case_word_follows(&text[end..]) || (closed && japanese_follows());
    runs_on && ascii_alphanumeric_before(text, at) && in_token_with_digit(text, at)
}

fn is_hard_wrap(text: &str, newline: usize) -> bool {
    let before = text[..newline].trim_end_matches([' ', '\r', '\t']);
    let after = text[newline + 1..].trim_start_matches([' ', '\t']);
    let last = before.chars().next_back();
    let next = after.chars().next();
    matches!(last, Some(c) if c.is_ascii_alphanumeric() || c == ',')
        && matches!(next, Some(c) if c.is_ascii_lowercase())
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn japanese_sentences_end_at_maru_and_keep_closing_brackets() {
        assert_eq!(
            split("ご確認ください。「承知しました。」と言われました！！次です"),
            vec![
                "ご確認ください。",
                "「承知しました。」",
                "と言われました！！",
                "次です"
            ]
        );
    }

    #[test]
    fn a_half_width_bang_inside_a_word_does_not_split() {
        assert_eq!(
            split("パスワードはHanako2024!にしてあります。Yahoo!ショッピングでも販売しています。"),
            vec![
                "パスワードはHanako2024!にしてあります。",
                "Yahoo!ショッピングでも販売しています。"
            ]
        );
        assert_eq!(
            split("It failed again! Why?"),
            vec!["It failed again!", "Why?"]
        );
        assert_eq!(
            split("Log in with Br1ght!Goods to see it. Please help!I am lost."),
            vec![
                "Log in with Br1ght!Goods to see it.",
                "Please help!",
                "I am lost."
            ]
        );
        assert_eq!(
            split("Our lawyer, Dr. Anna Krüger, checked it. Thanks."),
            vec!["Our lawyer, Dr. Anna Krüger, checked it.", "Thanks."]
        );
        assert_eq!(
            split("I changed it to Hunter22!! on the 5th. It failed again!! why?"),
            vec![
                "I changed it to Hunter22!! on the 5th.",
                "It failed again!!",
                "why?"
            ]
        );
    }

    #[test]
    fn a_dotted_abbreviation_before_a_lower_case_word_does_not_split() {
        assert_eq!(
            split("She checks every order at 2 p.m. each day. Then she signs."),
            vec![
                "She checks every order at 2 p.m. each day.",
                "Then she signs."
            ]
        );
        assert_eq!(
            split("Send proof, e.g. the invoice. We did."),
            vec!["Send proof, e.g. the invoice.", "We did."]
        );
        // A capital after it starts a sentence, as after any full stop.
        assert_eq!(
            split("We ship before 3 p.m. We check twice."),
            vec!["We ship before 3 p.m.", "We check twice."]
        );
    }

    #[test]
    fn a_quoted_password_that_japanese_runs_on_from_does_not_split() {
        assert_eq!(
            split("念のため、パスワード「Sakura2024!」もお伝えします。以上です。"),
            vec![
                "念のため、パスワード「Sakura2024!」もお伝えします。",
                "以上です。"
            ]
        );
    }

    #[test]
    fn english_periods_inside_words_do_not_split() {
        assert_eq!(
            split("I use amazon.co.jp, e.g. Daily. Version 3.5 works."),
            vec!["I use amazon.co.jp, e.g.", "Daily.", "Version 3.5 works."]
        );
    }

    #[test]
    fn line_breaks_end_sentences_except_english_hard_wraps() {
        assert_eq!(
            split(
                "・パスワードを再設定\n・二段階認証を再設定\nI changed my bank account and\nthen was locked out.\n"
            ),
            vec![
                "・パスワードを再設定",
                "・二段階認証を再設定",
                "I changed my bank account and\nthen was locked out."
            ]
        );
    }

    #[test]
    fn crlf_and_empty() {
        assert_eq!(split("一。\r\n二。\r\n"), vec!["一。", "二。"]);
        assert!(sentences("  \n\n").is_empty());
    }
}
