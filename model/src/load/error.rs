//! The errors of loading and saving a model file.

use std::fmt;
use std::path::PathBuf;

/// A line and column in a file, both counted from 1; columns count characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The kind of problem a load found, for code that reacts to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoadErrorKind {
    /// The file could not be read.
    Io,
    /// The file is larger than [`super::MAX_FILE_BYTES`].
    TooLarge,
    /// The file is not valid UTF-8.
    InvalidUtf8,
    /// Brackets nest deeper than [`super::MAX_NESTING`].
    TooDeep,
    /// The text is not valid RON, or ends early.
    Syntax,
    /// A struct has a field the format does not define.
    UnknownField,
    /// A required field is missing.
    MissingField,
    /// A field appears twice in one struct.
    DuplicateField,
    /// An enum value names no variant of its enum.
    UnknownVariant,
    /// A value has the wrong type, such as a string where a number belongs.
    WrongType,
    /// The file's format version is newer than this build reads.
    UnsupportedVersion,
    /// More nodes or edges than the limits allow.
    TooMany,
    /// An id names no node, zone, edge, policy store or checklist item.
    DanglingReference,
    /// Two nodes, zones or edges share an id, or two policy stores do.
    DuplicateId,
    /// A zone lies inside itself.
    ZoneCycle,
    /// A node's parent is not a zone.
    ParentNotZone,
    /// An edge joins kinds of node that its kind cannot join.
    InvalidEndpoint,
    /// A number lies outside its allowed range.
    OutOfRange,
    /// A text contains a control character other than tab and newline.
    ControlCharacter,
    /// A label is longer than [`super::validate::MAX_LABEL_CHARS`].
    TooLong,
    /// An id is empty, too long or contains a character that ids cannot contain.
    InvalidId,
    /// A source range is not a CIDR block.
    InvalidCidr,
    /// A grant target or boundary target is not a valid glob.
    InvalidGlob,
    /// A date is not a `YYYY-MM-DD` calendar date.
    InvalidDate,
}

/// An error loading a model file: where, what and which value, in one sentence.
///
/// Its `Display` form is `file:line:column: message`, followed by the number of further
/// problems when validation found more than one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file name as the caller gave it.
    pub file: String,
    /// The problem's line and column, when it has a place in the text.
    pub position: Option<Position>,
    /// The kind of problem.
    pub kind: LoadErrorKind,
    /// The path of the field involved, such as `edges[7].to`, where known.
    pub field: Option<String>,
    /// The offending value as written, where there is one.
    pub value: Option<String>,
    /// One plain sentence saying what is wrong, without the file and position.
    pub message: String,
    /// How many more problems validation found after this one.
    pub more: usize,
}

impl LoadError {
    /// Creates an error without a position, field or value.
    pub(crate) fn new(file: &str, kind: LoadErrorKind, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            position: None,
            kind,
            field: None,
            value: None,
            message: message.into(),
            more: 0,
        }
    }

    pub(crate) fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.file)?;
        if let Some(position) = self.position {
            write!(f, "{position}:")?;
        }
        write!(f, " {}", self.message)?;
        match self.more {
            0 => Ok(()),
            1 => write!(f, " (and 1 more problem)"),
            more => write!(f, " (and {more} more problems)"),
        }
    }
}

impl std::error::Error for LoadError {}

/// An error saving a model file. A save that fails leaves the file and its backup as they
/// were.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Creating, writing, syncing or renaming a file failed.
    #[error("failed to save {}: {step}: {source}", path.display())]
    Io {
        /// The file being saved.
        path: PathBuf,
        /// The step that failed, as a clause such as `could not sync its directory`.
        step: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The path names a directory.
    #[error("failed to save {}: it is a directory; choose a file name", path.display())]
    IsDirectory {
        /// The directory.
        path: PathBuf,
    },
    /// The path names a device, socket, pipe or other file that is not a regular file, or
    /// has no file name.
    #[error("failed to save {}: it is not a regular file; choose another file name", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The backup's path is taken by a directory or another non-regular file, so the
    /// previous version could not be kept.
    #[error(
        "failed to save {}: its backup path {} is not a regular file; move that away and \
         save again",
        path.display(),
        backup.display()
    )]
    BackupNotAFile {
        /// The file being saved.
        path: PathBuf,
        /// The backup's path.
        backup: PathBuf,
    },
}
