//! Loading and saving `.trustmap.ron` files.
//!
//! Loading checks the limits first (size, then bracket nesting, both before `ron` parses),
//! reads the `format` version, parses the version's types and migrates them to the current
//! [`Document`], and finally [`validate`]s it. Every error names the file, the line and
//! column, the field and the offending value in one sentence; see [`LoadError`].
//!
//! Saving writes pretty RON with fields in declaration order and 4-space indentation, so
//! two saves of the same document are byte-identical. It replaces the file atomically and
//! keeps the previous version as `NAME.bak`; see [`save_file`].
//! Files begin with `#![enable(implicit_some, unwrap_variant_newtypes)]`, which lets an
//! optional value be written without `Some(..)` and a kind as `Zone(sort: Vpc)`.

mod error;
pub mod locate;
mod migrate;
mod ron_error;
mod save;
pub mod validate;

use std::io::Read;
use std::path::Path;

use ron::extensions::Extensions;
use ron::ser::PrettyConfig;

pub use error::{LoadError, LoadErrorKind, Position, SaveError};
pub use save::{BACKUP_SUFFIX, backup_path, replace_file, save_file, write_file};
pub use validate::{Issue, validate};

use crate::document::{Document, FORMAT_VERSION};
use locate::LineIndex;

/// Largest file the loader reads, in bytes (64 MiB).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of brackets, parentheses and braces the loader accepts.
pub const MAX_NESTING: usize = 128;

/// Loads a document from RON text. `file` names the text in error messages.
#[expect(
    clippy::result_large_err,
    reason = "a load fails at most once per file, and callers read every field"
)]
pub fn load_str(text: &str, file: &str) -> Result<Document, LoadError> {
    // Editors on Windows may start a UTF-8 file with a byte order mark, which RON does not
    // allow. Positions count from after it, as editors show them.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large(file, text.len() as u64));
    }
    if text.trim().is_empty() {
        let message =
            "the file is empty; a model file contains at least (format: 1, name: \"...\")";
        let start = Position { line: 1, column: 1 };
        return Err(LoadError::new(file, LoadErrorKind::Syntax, message).at(start));
    }
    let lines = LineIndex::new(text);
    if let Some(offset) = locate::find_excess_nesting(text, MAX_NESTING) {
        let message = format!("brackets nest deeper than {MAX_NESTING} levels");
        return Err(
            LoadError::new(file, LoadErrorKind::TooDeep, message).at(lines.position(offset))
        );
    }

    // Optional values may omit `Some(..)` even without the file's own `#![enable(..)]`.
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    let format = declared_format(text);
    if format > FORMAT_VERSION {
        return Err(newer_format(file, text, &lines, format));
    }

    let doc = migrate::parse_any(&options, text, format)
        .map_err(|error| ron_error::convert(file, text, &lines, &error))?;

    let issues = validate(&doc);
    if issues.is_empty() {
        log::debug!(
            "loaded {file}: {} nodes, {} edges",
            doc.nodes.len(),
            doc.edges.len()
        );
        return Ok(doc);
    }
    Err(first_issue(file, text, &lines, issues))
}

/// Loads a document from a file, checking its size before reading it.
#[expect(
    clippy::result_large_err,
    reason = "a load fails at most once per file, and callers read every field"
)]
pub fn load_file(path: &Path) -> Result<Document, LoadError> {
    let file = path.display().to_string();
    let io_error = |error: std::io::Error| {
        LoadError::new(
            &file,
            LoadErrorKind::Io,
            format!("failed to read the file: {error}"),
        )
    };

    let handle = std::fs::File::open(path).map_err(io_error)?;
    let len = handle.metadata().map_err(io_error)?.len();
    if len > MAX_FILE_BYTES as u64 {
        return Err(too_large(&file, len));
    }
    let mut bytes = Vec::new();
    // The file may grow between the size check and the read, so the read is bounded too.
    handle
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(&file, bytes.len() as u64));
    }

    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(error) => return Err(invalid_utf8(&file, &bytes, &error)),
    };
    load_str(text, &file)
}

/// Writes a document as pretty RON: fields in declaration order, 4-space indentation and
/// a trailing newline.
pub fn to_ron(doc: &Document) -> String {
    let config = PrettyConfig::new()
        .indentor("    ")
        .new_line("\n")
        .separator(" ")
        .struct_names(false)
        .extensions(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES);
    // Writing to a `String` cannot fail. The document's maps all have string keys, and its
    // types nest about ten levels deep, far below the serializer's limit of 128.
    let mut text =
        ron::ser::to_string_pretty(doc, config).expect("every document serializes to RON");
    text.push('\n');
    text
}

/// Returns the version in the text's `format` field, read without parsing the rest. A
/// missing or malformed field counts as the current version, whose full parse then
/// reports the problem with its position.
fn declared_format(text: &str) -> u32 {
    let path = locate::Path::root().field("format");
    let offset = locate::locate(text, &path);
    locate::token_at(text, offset)
        .and_then(|(_, token)| ron::from_str::<u32>(token).ok())
        .unwrap_or(FORMAT_VERSION)
}

fn too_large(file: &str, len: u64) -> LoadError {
    let message = format!(
        "the file has {len} bytes; model files hold at most {MAX_FILE_BYTES} bytes (64 MiB)"
    );
    LoadError::new(file, LoadErrorKind::TooLarge, message)
}

fn invalid_utf8(file: &str, bytes: &[u8], error: &std::str::Utf8Error) -> LoadError {
    let valid = error.valid_up_to();
    // The prefix before the first invalid byte is valid UTF-8 by definition.
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let position = LineIndex::new(prefix).position(valid);
    let message = format!(
        "the file is not valid UTF-8: byte {valid} (0x{:02X}) starts no character",
        bytes[valid]
    );
    let mut load_error = LoadError::new(file, LoadErrorKind::InvalidUtf8, message).at(position);
    load_error.value = Some(format!("0x{:02X}", bytes[valid]));
    load_error
}

fn newer_format(file: &str, text: &str, lines: &LineIndex<'_>, format: u32) -> LoadError {
    let path = locate::Path::root().field("format");
    let offset = locate::locate(text, &path);
    let message = format!(
        "\"format\": {format} is newer than this build of Trustmap reads (up to \
         {FORMAT_VERSION}); open the file with a newer version"
    );
    let mut error =
        LoadError::new(file, LoadErrorKind::UnsupportedVersion, message).at(lines.position(offset));
    error.field = Some("format".to_owned());
    error.value = Some(format.to_string());
    error
}

/// Turns the issues of validation into one error: the first in file order, counting the
/// others.
fn first_issue(file: &str, text: &str, lines: &LineIndex<'_>, issues: Vec<Issue>) -> LoadError {
    let paths: Vec<_> = issues.iter().map(|issue| issue.path.clone()).collect();
    let offsets = locate::locate_all(text, &paths);
    let first = (0..issues.len())
        .min_by_key(|&i| (offsets[i], i))
        .unwrap_or_default();

    let more = issues.len() - 1;
    let Some(issue) = issues.into_iter().nth(first) else {
        return LoadError::new(file, LoadErrorKind::Syntax, "the model is invalid");
    };
    LoadError {
        file: file.to_owned(),
        position: Some(lines.position(offsets[first])),
        kind: issue.kind,
        field: Some(issue.path.to_string()),
        value: issue.value,
        message: issue.message,
        more,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_mark_skipped() {
        let document = load_str("\u{feff}(format: 1, name: \"N\")", "n.trustmap.ron");

        assert_eq!(
            document.map(|document| document.name).ok().as_deref(),
            Some("N")
        );
    }

    #[test]
    fn position_after_byte_order_mark() {
        let error = load_str("\u{feff}(format: 1, nam: \"N\")", "n.trustmap.ron")
            .expect_err("unknown field");

        // `nam` starts at the 13th character after the mark: `(format: 1, ` is 12 long.
        assert_eq!(
            error.position,
            Some(Position {
                line: 1,
                column: 13
            })
        );
    }
}
