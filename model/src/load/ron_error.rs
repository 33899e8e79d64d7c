//! Plain sentences for the errors `ron` reports while parsing and deserializing.

use ron::error::{Error, SpannedError};

use super::error::{LoadError, LoadErrorKind, Position};
use super::locate::{self, LineIndex};
use super::migrate::LIMIT_EXPECTED;

/// Converts a `ron` error into a load error at the same position, naming the field the
/// error lies in and the text found there.
pub fn convert(file: &str, text: &str, lines: &LineIndex<'_>, error: &SpannedError) -> LoadError {
    let start = Position {
        line: error.span.start.line,
        column: error.span.start.col,
    };
    // ron's span may start at the whitespace before the offending token.
    let token = locate::token_at(text, lines.offset(start)).map(|token| with_sign(text, token));
    let offset = token.map_or(lines.offset(start), |(offset, _)| offset);
    let start = lines.position(offset);
    // A token is a word, number or string. Where a struct is expected but a `{` or `[`
    // stands, as in a JSON file, that character is what was found.
    let found = token.map(|(_, found)| found).or_else(|| {
        let punctuation = matches!(
            error.code,
            Error::ExpectedStructLike | Error::ExpectedNamedStructLike(_)
        )
        .then(|| text.get(offset..offset + 1))
        .flatten();
        punctuation.filter(|c| c.chars().all(|c| c.is_ascii_punctuation()))
    });
    let path = locate::path_at(text, offset);
    let place = if path.0.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    let end = lines.offset(Position {
        line: error.span.end.line,
        column: error.span.end.col,
    });
    let at_end = text.get(end..).is_none_or(|rest| rest.trim().is_empty());
    let control = text
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| c.is_control() && !c.is_whitespace());

    let (kind, field, message) = match &error.code {
        _ if at_end => (
            LoadErrorKind::Syntax,
            path.to_string(),
            format!("the file ends early{place}; it may be truncated"),
        ),
        _ if control.is_some() => (
            LoadErrorKind::ControlCharacter,
            path.to_string(),
            format!(
                "the control character U+{:04X} is not allowed outside strings{place}",
                control.map_or(0, u32::from)
            ),
        ),
        Error::ExpectedDifferentStructName { expected, found } => (
            LoadErrorKind::Syntax,
            path.to_string(),
            format!(
                "expected the attributes of {expected} in a second pair of parentheses, \
                 {expected}(({found}: ..)), or a file that starts with \
                 #![enable(unwrap_variant_newtypes)]{place}"
            ),
        ),
        Error::NoSuchStructField {
            expected,
            found,
            outer,
        } => (
            LoadErrorKind::UnknownField,
            join(&path, found),
            format!(
                "unknown field {found:?} in {}{place}; expected one of {}",
                noun(outer.as_deref()),
                expected.join(", ")
            ),
        ),
        Error::MissingStructField { field, outer } => (
            LoadErrorKind::MissingField,
            join(&path, field),
            format!(
                "{} is missing the required field {field:?}{place}",
                noun(outer.as_deref())
            ),
        ),
        Error::DuplicateStructField { field, outer } => (
            LoadErrorKind::DuplicateField,
            join(&path, field),
            format!(
                "{} has the field {field:?} twice{place}",
                noun(outer.as_deref())
            ),
        ),
        Error::NoSuchEnumVariant {
            expected, found, ..
        } => (
            LoadErrorKind::UnknownVariant,
            path.to_string(),
            format!(
                "unknown value {found:?}{place}; expected one of {}",
                expected.join(", ")
            ),
        ),
        Error::InvalidValueForType { expected, found } => (
            LoadErrorKind::WrongType,
            path.to_string(),
            format!("wrong type{place}: expected {expected}, found {found}"),
        ),
        Error::ExpectedDifferentLength { expected, .. } if expected.starts_with(LIMIT_EXPECTED) => {
            (
                LoadErrorKind::TooMany,
                path.to_string(),
                format!(
                    "\"{}\" holds more than {}",
                    path.last_field().unwrap_or("a list"),
                    expected.trim_start_matches(LIMIT_EXPECTED).trim_start(),
                ),
            )
        }
        Error::ExpectedDifferentLength { expected, found } => (
            LoadErrorKind::WrongType,
            path.to_string(),
            format!("wrong length{place}: expected {expected}, found {found} elements"),
        ),
        Error::IntegerOutOfBounds => (
            LoadErrorKind::OutOfRange,
            path.to_string(),
            format!(
                "the number {}{place} is out of range for its field",
                found.unwrap_or("")
            ),
        ),
        Error::Eof => (
            LoadErrorKind::Syntax,
            path.to_string(),
            format!("the file ends early{place}; it may be truncated"),
        ),
        code => {
            let (kind, what) = describe(code);
            let found = match found {
                Some(found) => format!(", found {}", shorten(found)),
                None => String::new(),
            };
            (kind, path.to_string(), format!("{what}{place}{found}"))
        }
    };

    let mut load_error = LoadError::new(file, kind, message).at(start);
    load_error.field = (!field.is_empty()).then_some(field);
    load_error.value = match &error.code {
        Error::NoSuchStructField { found, .. } | Error::NoSuchEnumVariant { found, .. } => {
            Some(found.clone())
        }
        _ => found.map(|found| shorten(found).into_owned()),
    };
    load_error
}

fn join(path: &locate::Path, field: &str) -> String {
    path.field(field).to_string()
}

/// Returns how messages name a struct of the format, with an article.
fn noun(outer: Option<&str>) -> String {
    let Some(name) = outer else {
        return "a struct".to_owned();
    };
    let special = match name {
        "Document" => Some("the model"),
        "Point" => Some("a position"),
        "CedarCheck" => Some("a Cedar check"),
        "ManualVerdict" => Some("a verdict"),
        "CanAssume" => Some("a can-assume edge"),
        _ => None,
    };
    if let Some(special) = special {
        return special.to_owned();
    }
    let mut words = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    let vowel = words.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {words}", if vowel { "an" } else { "a" })
}

/// Returns the kind and a sentence for the remaining syntax and type errors.
fn describe(code: &Error) -> (LoadErrorKind, String) {
    let wrong_type = |what: &str| (LoadErrorKind::WrongType, format!("expected {what}"));
    let syntax = |what: &str| (LoadErrorKind::Syntax, format!("syntax error: {what}"));
    match code {
        Error::ExpectedBoolean => wrong_type("true or false"),
        Error::ExpectedInteger => wrong_type("an integer"),
        Error::ExpectedFloat => wrong_type("a number"),
        Error::ExpectedString => wrong_type("a string"),
        Error::ExpectedStringEnd => syntax("a string has no closing quote"),
        Error::ExpectedChar => wrong_type("a character"),
        Error::ExpectedOption => wrong_type("an optional value (Some(..) or None)"),
        Error::ExpectedArray => wrong_type("a list in [ ]"),
        Error::ExpectedMap => wrong_type("a map in { }"),
        Error::ExpectedStructLike | Error::ExpectedNamedStructLike(_) => {
            wrong_type("a struct in ( )")
        }
        Error::ExpectedUnit => wrong_type("()"),
        Error::ExpectedIdentifier => wrong_type("a name"),
        Error::ExpectedArrayEnd => syntax("expected , or ] to continue or end the list"),
        Error::ExpectedMapEnd => syntax("expected , or } to continue or end the map"),
        Error::ExpectedStructLikeEnd | Error::ExpectedOptionEnd => {
            syntax("expected , or ) to continue or end the struct")
        }
        Error::ExpectedComma => syntax("expected a comma"),
        Error::ExpectedMapColon => syntax("expected a colon after the map key"),
        Error::UnexpectedChar(c) => syntax(&format!("unexpected character {c:?}")),
        Error::TrailingCharacters => syntax("unexpected text after the model's closing )"),
        Error::UnclosedBlockComment => syntax("a /* comment is never closed"),
        Error::InvalidEscape(what) => syntax(&format!("invalid escape: {what}")),
        Error::ExceededRecursionLimit => (
            LoadErrorKind::TooDeep,
            "the values nest too deeply".to_owned(),
        ),
        Error::Utf8Error(error) => (
            LoadErrorKind::InvalidUtf8,
            format!("invalid UTF-8: {error}"),
        ),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            let lowered: String = match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => String::new(),
            };
            syntax(&lowered)
        }
    }
}

/// Extends a number token to the sign before it: ron's span of an out-of-range number starts
/// after its `-` or `+`.
fn with_sign<'t>(text: &'t str, (offset, token): (usize, &'t str)) -> (usize, &'t str) {
    let is_number = token.starts_with(|c: char| c.is_ascii_digit());
    let before = &text[..offset];
    match before.strip_suffix(['-', '+']) {
        Some(unsigned) if is_number => {
            let start = unsigned.len();
            (start, &text[start..offset + token.len()])
        }
        _ => (offset, token),
    }
}

/// Shortens a long token for a message and makes control characters visible.
fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX_CHARS: usize = 40;
    let plain = !text.chars().any(char::is_control);
    if plain && text.chars().count() <= MAX_CHARS {
        return text.into();
    }
    let mut short = String::new();
    for c in text.chars().take(MAX_CHARS) {
        if c.is_control() {
            short.extend(c.escape_debug());
        } else {
            short.push(c);
        }
    }
    if text.chars().count() > MAX_CHARS {
        short.push_str("...");
    }
    short.into()
}

#[cfg(test)]
mod tests {
    use crate::load::{LoadErrorKind, load_str};

    #[test]
    fn negative_number_keeps_its_sign() {
        let error = load_str("(format: -1, name: \"N\")", "n.trustmap.ron")
            .expect_err("format is unsigned");

        assert_eq!(error.kind, LoadErrorKind::OutOfRange);
        assert_eq!(
            error.message,
            "the number -1 at format is out of range for its field"
        );
        // The position is that of the sign, the 10th character.
        assert_eq!(error.position.map(|position| position.column), Some(10));
    }

    #[test]
    fn missing_field_message_starts_lowercase() {
        // The message follows `file:line:column: `, so it does not start a sentence.
        let error = load_str("(format: 1)", "n.trustmap.ron").expect_err("name is required");

        assert_eq!(error.kind, LoadErrorKind::MissingField);
        assert!(
            error
                .message
                .starts_with("the model is missing the required field \"name\""),
            "{}",
            error.message
        );
    }

    #[test]
    fn number_too_large_shown_whole() {
        let error = load_str("(format: 99999999999, name: \"N\")", "n.trustmap.ron")
            .expect_err("format is a u32");

        assert_eq!(
            error.message,
            "the number 99999999999 at format is out of range for its field"
        );
    }
}
