//! Loading and saving `.trustmap.ron` files.
//!
//! Loading checks the limits first (size, then bracket nesting, both before `ron` parses),
//! reads the `format` version, parses the version's types and migrates them to the current
//! [`Document`], and finally [`validate`]s it. Every error names the file, the line and
//! column, the field and the offending value in one sentence; see [`LoadError`].
//!
//! Saving writes pretty RON with fields in declaration order and 4-space indentation, so
//! two saves of the same document are byte-identical, and replaces the file atomically.
//! Files begin with `#![enable(implicit_some, unwrap_variant_newtypes)]`, which lets an
//! optional value be written without `Some(..)` and a kind as `Zone(sort: Vpc)`.

mod error;
pub mod locate;
mod migrate;
mod ron_error;
pub mod validate;

use std::io::{Read, Write};
use std::path::Path;

use ron::extensions::Extensions;
use ron::ser::PrettyConfig;

pub use error::{LoadError, LoadErrorKind, Position, SaveError};
pub use validate::{Issue, validate};

use crate::document::{Document, FORMAT_VERSION};
use locate::LineIndex;

/// Largest file the loader reads, in bytes (64 MiB).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of brackets, parentheses and braces the loader accepts.
pub const MAX_NESTING: usize = 128;

/// Loads a document from RON text. `file` names the text in error messages.
pub fn load_str(text: &str, file: &str) -> Result<Document, LoadError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large(file, text.len() as u64));
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
    let peek: migrate::FormatPeek = options
        .from_str(text)
        .map_err(|error| ron_error::convert(file, text, &lines, &error))?;
    if peek.format > FORMAT_VERSION {
        return Err(newer_format(file, text, &lines, peek.format));
    }

    let doc = migrate::parse_any(&options, text, peek.format)
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
    // Writing to a `String` cannot fail, the document's maps have string keys and its
    // nesting stays far below the serializer's recursion limit.
    let mut text =
        ron::ser::to_string_pretty(doc, config).expect("every document serializes to RON");
    text.push('\n');
    text
}

/// Saves a document atomically: writes a temporary file beside the target, syncs it,
/// renames it over the target and syncs the directory. A crash leaves either the old file
/// or the new one, never a mix.
pub fn save_file(doc: &Document, path: &Path) -> Result<(), SaveError> {
    let text = to_ron(doc);
    let io_error = |source: std::io::Error| SaveError::Io {
        path: path.to_owned(),
        source,
    };

    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".trustmap-save-")
        .suffix(".tmp")
        .tempfile_in(directory)
        .map_err(io_error)?;
    temp.write_all(text.as_bytes()).map_err(io_error)?;
    temp.as_file().sync_all().map_err(io_error)?;
    temp.persist(path).map_err(|error| io_error(error.error))?;
    sync_directory(directory).map_err(io_error)?;

    log::info!("saved {}", path.display());
    Ok(())
}

/// Syncs a directory so that a rename in it survives a crash. Windows cannot open a
/// directory as a file, and there the rename is already durable enough.
fn sync_directory(directory: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        std::fs::File::open(directory)?.sync_all()?;
    }
    Ok(())
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
