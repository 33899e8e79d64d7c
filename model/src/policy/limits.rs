//! Limits on Cedar text, checked by one linear scan before Cedar's parser sees the text.
//!
//! Cedar's parser and the conversion of its syntax tree recurse once per level of nesting
//! and once per operator of a chain, with no limit of their own. In a debug build one level
//! of parentheses costs about 50 KiB of stack: 40 levels overflow a 2 MiB thread, and 800
//! levels (600 of list brackets) overflow the 32 MiB thread that parses here. A chain of
//! 10,000 `+` overflows a 2 MiB thread while parsing; 3,000 do not. The limits below keep a
//! margin of three or more under those figures.

use std::ops::Range;

/// Maximum length of a policy or schema text, in bytes.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// The deepest nesting of `()`, `[]` and `{}` accepted.
pub const MAX_NESTING: usize = 200;

/// Maximum number of operators on one path into an expression: the operators of the chain
/// at each enclosing level, added up.
pub const MAX_CHAIN: usize = 1000;

/// The reason text was rejected before parsing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// The text is longer than [`MAX_TEXT_BYTES`].
    #[error("the text is {len} bytes long; at most {MAX_TEXT_BYTES} are accepted")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// Brackets nest deeper than [`MAX_NESTING`].
    #[error("brackets nest deeper than {MAX_NESTING} levels")]
    TooDeep {
        /// Byte range of the bracket that goes too deep.
        span: Range<usize>,
    },
    /// An operator chain is longer than [`MAX_CHAIN`].
    #[error("more than {MAX_CHAIN} operators are chained into one expression")]
    ChainTooLong {
        /// Byte range of the operator that goes too far.
        span: Range<usize>,
    },
}

impl LimitError {
    /// Returns the byte range the error points at (the start of the text for a length).
    pub fn span(&self) -> Range<usize> {
        match self {
            Self::TooLong { .. } => 0..0,
            Self::TooDeep { span } | Self::ChainTooLong { span } => span.clone(),
        }
    }
}

/// Checks text against the length, nesting and chain limits in one pass. Strings and `//`
/// comments are skipped; `;` at the outer level ends a policy and resets the count.
pub fn check(text: &str) -> Result<(), LimitError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(LimitError::TooLong { len: text.len() });
    }

    let bytes = text.as_bytes();
    // Operators chained at each open level, the outer level first.
    let mut chains: Vec<usize> = vec![0];
    let mut chained = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let width = match byte {
            b'"' => skip_string(bytes, at),
            b'/' if bytes.get(at + 1) == Some(&b'/') => skip_comment(bytes, at),
            b'(' | b'[' | b'{' => {
                if chains.len() > MAX_NESTING {
                    return Err(LimitError::TooDeep { span: at..at + 1 });
                }
                chains.push(0);
                1
            }
            b')' | b']' | b'}' => {
                if chains.len() > 1 {
                    chained -= chains.pop().unwrap_or(0);
                }
                1
            }
            b';' if chains.len() == 1 => {
                chains[0] = 0;
                chained = 0;
                1
            }
            _ => match operator_width(bytes, at) {
                Some(width) => {
                    chained += 1;
                    if let Some(top) = chains.last_mut() {
                        *top += 1;
                    }
                    if chained > MAX_CHAIN {
                        return Err(LimitError::ChainTooLong {
                            span: at..at + width,
                        });
                    }
                    width
                }
                None => word_width(bytes, at),
            },
        };
        at += width.max(1);
    }
    Ok(())
}

/// Returns the width of a string literal starting at `at`, escapes included. An unclosed
/// string runs to the end of the text.
fn skip_string(bytes: &[u8], at: usize) -> usize {
    let mut end = at + 1;
    while end < bytes.len() {
        match bytes[end] {
            b'\\' => end += 2,
            b'"' => return end + 1 - at,
            _ => end += 1,
        }
    }
    bytes.len() - at
}

/// Returns the width of a `//` comment starting at `at`, up to the end of its line.
fn skip_comment(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&byte| byte == b'\n')
        .unwrap_or(bytes.len() - at)
}

/// Returns the width of the operator starting at `at`, if one does: the binary operators,
/// member access, unary `!` and `-`, and the keywords that join or nest expressions.
fn operator_width(bytes: &[u8], at: usize) -> Option<usize> {
    let pair = bytes.get(at..at + 2).unwrap_or_default();
    if matches!(pair, b"&&" | b"||" | b"==" | b"!=" | b"<=" | b">=") {
        return Some(2);
    }
    if matches!(
        bytes[at],
        b'<' | b'>' | b'+' | b'-' | b'*' | b'.' | b'!' | b'?'
    ) {
        // `?principal` is a slot, not an operator.
        return (bytes[at] != b'?').then_some(1);
    }
    let word = &bytes[at..at + word_width(bytes, at)];
    let starts_word = at == 0 || !is_word_byte(bytes[at - 1]);
    let keyword = matches!(
        word,
        b"in" | b"has" | b"like" | b"is" | b"if" | b"then" | b"else"
    );
    (starts_word && keyword).then_some(word.len())
}

/// Returns the width of the identifier or number starting at `at`, or 1 for any other byte.
fn word_width(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&byte| !is_word_byte(byte))
        .unwrap_or(bytes.len() - at)
        .max(1)
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Converts a byte offset into a one-based line and a one-based column counted in
/// characters.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Converts a one-based line and a one-based column counted in characters into a byte
/// offset: the inverse of [`line_column`]. A line past the end gives the text's length,
/// and a column past the end of its line gives the offset of the line's end.
pub fn offset_at(text: &str, line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match text[line_start..].find('\n') {
            Some(newline) => line_start += newline + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[line_start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    let within = line_text[..line_end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_end, |(at, _)| at);
    line_start + within
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_at_inverts_line_column() {
        let text = "permit (\n    principal == É::\"é\",\n\naction, resource);";
        for offset in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
            let (line, column) = line_column(text, offset);
            assert_eq!(offset_at(text, line, column), offset, "offset {offset}");
        }
    }

    #[test]
    fn offset_at_clamps_past_the_end() {
        // Line 1 is "ab" (bytes 0 and 1, its newline at 2); line 2 is "c" at byte 3.
        let text = "ab\nc";
        assert_eq!(offset_at(text, 1, 9), 2);
        assert_eq!(offset_at(text, 2, 1), 3);
        assert_eq!(offset_at(text, 7, 1), text.len());
        assert_eq!(offset_at(text, 0, 0), 0);
    }

    #[test]
    fn accepts_ordinary_policies() {
        let text = "permit (principal in G::\"a\", action, resource)\n\
                    when { context.device.managed && context.risk_score <= 70 }; // ((";
        assert_eq!(check(text), Ok(()));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!(
            "permit (principal, action, resource) when {{ \"{}\" == \"\\\"\" }}; // {}",
            "(".repeat(5000),
            "[".repeat(5000)
        );
        assert_eq!(check(&text), Ok(()));
    }

    #[test]
    fn rejects_deep_nesting() {
        let text = format!(
            "permit (principal, action, resource) when {{ {}true }};",
            "(".repeat(300)
        );
        assert!(matches!(check(&text), Err(LimitError::TooDeep { .. })));
    }

    #[test]
    fn rejects_long_chains_and_resets_at_each_policy() {
        let long = format!(
            "permit (principal, action, resource) when {{ {}1 == 1 }};",
            "1 + ".repeat(MAX_CHAIN + 1)
        );
        assert!(matches!(check(&long), Err(LimitError::ChainTooLong { .. })));

        let policy = format!(
            "permit (principal, action, resource) when {{ {}true }};",
            "true && ".repeat(MAX_CHAIN / 2)
        );
        assert_eq!(check(&policy.repeat(10)), Ok(()));
    }

    #[test]
    fn chains_add_up_across_levels() {
        // 200 levels, each with 10 operators: 2,000 operators on the path to the innermost.
        let level = "1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + (";
        let text = format!(
            "permit (principal, action, resource) when {{ {}1{} == 1 }};",
            level.repeat(150),
            ")".repeat(150)
        );
        assert!(matches!(check(&text), Err(LimitError::ChainTooLong { .. })));
    }

    #[test]
    fn rejects_long_text() {
        let text = " ".repeat(MAX_TEXT_BYTES + 1);
        assert_eq!(
            check(&text),
            Err(LimitError::TooLong {
                len: MAX_TEXT_BYTES + 1
            })
        );
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
        assert_eq!(line_column("", 5), (1, 1));
    }
}
