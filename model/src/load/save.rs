//! Saving model files so that no crash or failure loses work.
//!
//! A save writes the new text to a temporary file beside the target, syncs it, renames it
//! over the target and syncs the directory, so the target always contains either the old
//! text or the new text in full. The previous version stays beside the file as a backup,
//! `NAME.bak` (`model.trustmap.ron.bak` for `model.trustmap.ron`). Temporary files are
//! named `.NAME.XXXXXX.tmp` with six random characters. A save killed halfway can leave
//! one behind, and the next successful save of the same file removes it.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::{Builder, NamedTempFile};

use super::{SaveError, to_ron};
use crate::document::Document;

/// The suffix that names the backup of a model file: the backup of `model.trustmap.ron`
/// is `model.trustmap.ron.bak`, in the same directory.
pub const BACKUP_SUFFIX: &str = ".bak";

/// Number of random characters in a temporary file's name.
const RANDOM_CHARS: usize = 6;

/// Suffix of every temporary file a save creates.
const TEMP_SUFFIX: &str = ".tmp";

/// Saves a document atomically and keeps the previous version as a backup.
///
/// The file is written as [`to_ron`] formats it, by [`replace_file`]. After a crash at any
/// moment `path` contains either the old model or the new one in full, never a mix. The
/// previous version is kept as `path` + [`BACKUP_SUFFIX`] (`model.trustmap.ron.bak`). A
/// save that fails leaves both the file and its backup as they were.
pub fn save_file(doc: &Document, path: &Path) -> Result<(), SaveError> {
    replace_file(path, to_ron(doc).as_bytes())
}

/// Returns the path of the backup that a save of `path` keeps: `path` with
/// [`BACKUP_SUFFIX`] appended to its file name.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(BACKUP_SUFFIX);
    PathBuf::from(name)
}

/// Writes `contents` to the file at `path` atomically, without a backup: for exports and
/// other files the tool writes but does not edit.
///
/// The new contents go to a synced temporary file beside `path`, which is renamed over it,
/// so a reader never sees half a file. A file being replaced keeps its permissions, and a
/// new one gets those of any new file. A symbolic link at `path` is followed.
///
/// # Errors
///
/// Fails without changing the file when `path` is a directory or another non-regular
/// file, when the directory does not exist or is not writable, or when writing or syncing
/// fails.
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), SaveError> {
    let target = resolve_link(path)?;
    let existing = regular_file_metadata(&target)?;
    let directory = parent_directory(&target);
    let name = file_name(&target)?;
    let new_file = write_new_file(&target, directory, name, existing.as_ref(), contents)?;
    new_file.persist(&target).map_err(|error| {
        io_error(
            &target,
            "could not rename the new file over it",
            error.error,
        )
    })?;
    sync_directory(directory)
        .map_err(|error| io_error(&target, "could not sync its directory", error))
}

/// Replaces the contents of the file at `path` atomically, keeping the previous version as
/// its backup ([`backup_path`]).
///
/// The steps are these. The new contents go to a temporary file in the same directory,
/// which is synced. The current file gets a second, temporary name by a hard link, or by a
/// copy where the file system has no hard links. The new file is renamed over `path`, the
/// old one over the backup, and the directory is synced where the platform allows it.
/// When `path` already contains exactly `contents`, nothing is written, so saving twice
/// does not replace the backup with a copy of the file.
///
/// A symbolic link at `path` is followed, and the file it points to is replaced. The new
/// file takes the permissions of the file it replaces. Its owner is the saving user, and
/// other hard links to the old file keep the old contents.
///
/// # Errors
///
/// Fails without changing the file or its backup when `path` or its backup is a directory
/// or another non-regular file, when the directory does not exist or is not writable, or
/// when writing or syncing the new text fails. Renaming the old version over the backup
/// happens after the file itself is replaced. If only that rename fails, the save
/// still succeeds, the previous backup stays, and a warning is logged.
pub fn replace_file(path: &Path, contents: &[u8]) -> Result<(), SaveError> {
    let target = resolve_link(path)?;
    let existing = regular_file_metadata(&target)?;
    let backup = backup_path(&target);
    if let Err(SaveError::IsDirectory { .. } | SaveError::NotAFile { .. }) =
        regular_file_metadata(&backup)
    {
        return Err(SaveError::BackupNotAFile {
            path: target,
            backup,
        });
    }

    if let Some(metadata) = &existing
        && contains_exactly(&target, metadata, contents)
    {
        log::debug!(
            "{} already contains this model; not saved again",
            target.display()
        );
        return Ok(());
    }

    let directory = parent_directory(&target);
    let name = file_name(&target)?;
    let new_file = write_new_file(&target, directory, name, existing.as_ref(), contents)?;
    let old_file = match existing {
        Some(_) => Some(link_old_file(&target, directory, name)?),
        None => None,
    };

    new_file.persist(&target).map_err(|error| {
        io_error(
            &target,
            "could not rename the new file over it",
            error.error,
        )
    })?;
    if let Some(old_file) = old_file
        && let Err(error) = old_file.persist(&backup)
    {
        log::warn!(
            "saved {} but could not keep the previous version as {}: {}; the older backup \
             is unchanged",
            target.display(),
            backup.display(),
            error.error
        );
    }
    sync_directory(directory)
        .map_err(|error| io_error(&target, "could not sync its directory", error))?;

    remove_stale_temporaries(directory, name);
    log::info!("saved {}", target.display());
    Ok(())
}

/// Follows a symbolic link at `path` to the file it names, so that a save replaces that
/// file and leaves the link in place. Any other path is returned as it is.
fn resolve_link(path: &Path) -> Result<PathBuf, SaveError> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => fs::canonicalize(path)
            .map_err(|error| io_error(path, "could not resolve the symbolic link", error)),
        _ => Ok(path.to_owned()),
    }
}

/// Returns the metadata of the regular file at `path`, or `None` when nothing is there.
fn regular_file_metadata(path: &Path) -> Result<Option<Metadata>, SaveError> {
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => Err(SaveError::IsDirectory {
            path: path.to_owned(),
        }),
        Ok(metadata) if !metadata.is_file() => Err(SaveError::NotAFile {
            path: path.to_owned(),
        }),
        Ok(metadata) => Ok(Some(metadata)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io_error(path, "could not read its metadata", error)),
    }
}

/// Returns whether the file already contains exactly `contents`. A file that cannot be read
/// counts as different, so the save goes ahead and reports the real problem.
fn contains_exactly(path: &Path, metadata: &Metadata, contents: &[u8]) -> bool {
    if metadata.len() != contents.len() as u64 {
        return false;
    }
    fs::read(path).is_ok_and(|current| current == contents)
}

fn parent_directory(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

fn file_name(path: &Path) -> Result<&OsStr, SaveError> {
    path.file_name().ok_or_else(|| SaveError::NotAFile {
        path: path.to_owned(),
    })
}

/// Returns the prefix of the temporary files that a save of `name` creates, `.NAME.`, so
/// that they sort beside the file and hide from directory listings.
fn temp_prefix(name: &OsStr) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    prefix
}

/// Writes `contents` to a new temporary file in `directory` and syncs it to disk. The file
/// gets the permissions of the file it will replace, if there is one.
fn write_new_file(
    target: &Path,
    directory: &Path,
    name: &OsStr,
    existing: Option<&Metadata>,
    contents: &[u8],
) -> Result<NamedTempFile, SaveError> {
    let prefix = temp_prefix(name);
    let mut builder = Builder::new();
    builder
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(RANDOM_CHARS);
    // A new model file gets the permissions any new file gets (read and write for all,
    // less the umask), not the owner-only ones of a temporary file.
    #[cfg(unix)]
    if existing.is_none() {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(directory).map_err(|error| {
        let step = format!(
            "could not create a temporary file in {}",
            directory.display()
        );
        io_error(target, step, error)
    })?;

    file.write_all(contents)
        .map_err(|error| io_error(target, "could not write the temporary file", error))?;
    if let Some(metadata) = existing {
        file.as_file()
            .set_permissions(metadata.permissions())
            .map_err(|error| io_error(target, "could not copy its permissions", error))?;
    }
    file.as_file()
        .sync_all()
        .map_err(|error| io_error(target, "could not sync the temporary file", error))?;
    Ok(file)
}

/// Gives the current version of `target` a second, temporary name, which becomes the
/// backup once the new version is in place. A hard link costs nothing, and where the file
/// system has none the file is copied and synced instead.
fn link_old_file(
    target: &Path,
    directory: &Path,
    name: &OsStr,
) -> Result<NamedTempFile<()>, SaveError> {
    let prefix = temp_prefix(name);
    let mut builder = Builder::new();
    builder
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(RANDOM_CHARS);
    match builder.make_in(directory, |temp_path| fs::hard_link(target, temp_path)) {
        Ok(linked) => return Ok(linked),
        Err(error) => log::debug!(
            "could not hard-link {} for its backup ({error}); copying it instead",
            target.display()
        ),
    }

    let copied = builder
        .make_in(directory, |temp_path| {
            fs::copy(target, temp_path)?;
            File::open(temp_path)?.sync_all()
        })
        .map_err(|error| io_error(target, "could not copy it for the backup", error))?;
    Ok(copied)
}

/// Syncs a directory so that a rename in it survives a crash. Windows cannot open a
/// directory as a file, and there the rename is already durable enough.
fn sync_directory(directory: &Path) -> io::Result<()> {
    if cfg!(unix) {
        File::open(directory)?.sync_all()?;
    }
    Ok(())
}

/// Removes the temporary files that earlier saves of the file `name` left behind when they
/// were killed halfway. Failures are logged and otherwise ignored, because the save itself
/// is complete.
///
/// NOTE: a save of the same file running at this moment in another process loses its
/// temporary file and fails, leaving the file and its backup intact.
fn remove_stale_temporaries(directory: &Path, name: &OsStr) {
    let entries = match fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => {
            log::warn!("could not list {}: {error}", directory.display());
            return;
        }
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name();
        if !is_temporary_of(&entry_name, name) {
            continue;
        }
        let stale = entry.path();
        match fs::remove_file(&stale) {
            Ok(()) => log::info!("removed {}, left by an interrupted save", stale.display()),
            Err(error) => log::warn!("could not remove {}: {error}", stale.display()),
        }
    }
}

/// Returns whether `candidate` has the form `.NAME.XXXXXX.tmp` of a temporary file that a
/// save of `name` creates.
pub(crate) fn is_temporary_of(candidate: &OsStr, name: &OsStr) -> bool {
    let (Some(candidate), Some(name)) = (candidate.to_str(), name.to_str()) else {
        return false;
    };
    let Some(rest) = candidate
        .strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
    else {
        return false;
    };
    rest.len() == RANDOM_CHARS && rest.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

fn io_error(path: &Path, step: impl Into<String>, source: io::Error) -> SaveError {
    SaveError::Io {
        path: path.to_owned(),
        step: step.into(),
        source,
    }
}

#[cfg(test)]
mod tests;
