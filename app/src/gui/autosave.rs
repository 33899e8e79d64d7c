//! Autosave and recovery: while the document has unsaved changes it is written every few
//! seconds to a recovery file, and a window that starts after a crash offers to recover
//! what the last one left.
//!
//! Each window owns one slot in the recovery directory, named after its process and start
//! time. A slot is up to three files. `<slot>.trustmap.ron` is the document, written with
//! the model crate's atomic save. `<slot>.origin` is the path of the file the document was
//! opened from, when it has one. `<slot>.lock` is locked by the window while it runs.
//! A document is written once no edit has come for [`QUIET_SECONDS`], and at least that long
//! after the previous write. Edits that never pause are still written after
//! [`MAX_WAIT_SECONDS`]. A save, a discard or undoing back to the saved state removes
//! the slot's files.
//!
//! At start, every document in the directory whose lock no running window holds is
//! offered for recovery. The window takes the lock of each file it offers, so two windows
//! never offer the same file.

use std::ffi::OsStr;
use std::fs::{self, File, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use trustmap_model::{Document, load};

/// Seconds without an edit before the document is written.
pub const QUIET_SECONDS: f64 = 5.0;

/// Seconds after the first unwritten edit by which the document is written, even while
/// the edits go on.
pub const MAX_WAIT_SECONDS: f64 = 30.0;

const DOCUMENT_SUFFIX: &str = ".trustmap.ron";
const ORIGIN_SUFFIX: &str = ".origin";
const LOCK_SUFFIX: &str = ".lock";

/// Returns the recovery directory: `$XDG_DATA_HOME/trustmap/recovery`, else
/// `~/.local/share/trustmap/recovery`. `None` when neither variable is set.
pub fn default_dir() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local").join("share"))
        })?;
    Some(data.join("trustmap").join("recovery"))
}

/// A document a previous window left in the recovery directory.
#[derive(Debug)]
pub struct RecoveryOffer {
    /// The recovery file.
    pub file: PathBuf,
    /// The file the document was opened from, if it had one.
    pub origin: Option<PathBuf>,
    /// The local time the document was last written, when the file system records it.
    pub saved_at: Option<String>,
    /// The document, or why it cannot be read.
    pub document: Result<Document, String>,
    /// The slot's lock, kept while the offer is open.
    lock: Option<File>,
}

impl RecoveryOffer {
    /// Returns the name the offer goes by: the original file, or the model's name.
    pub fn name(&self) -> String {
        if let Some(origin) = &self.origin {
            return origin.display().to_string();
        }
        match &self.document {
            Ok(doc) => format!("{} (never saved to a file)", doc.name),
            Err(_) => self.file.display().to_string(),
        }
    }

    /// Removes the offer's files.
    pub fn discard(mut self) {
        remove_slot_files(&self.file);
        if let Some(lock) = self.lock.take() {
            drop(lock);
            remove_quietly(&with_suffix(&self.file, LOCK_SUFFIX));
        }
    }
}

/// The autosave of one window.
#[derive(Debug, Default)]
pub struct Autosave {
    /// The window's document file in the recovery directory; `None` turns autosave off.
    file: Option<PathBuf>,
    /// The window's lock on its slot.
    lock: Option<File>,
    /// The generation of the document last seen, and when it was first seen.
    last_edit: Option<(u64, f64)>,
    /// When the oldest edit not yet written was made.
    first_unwritten: Option<f64>,
    /// The generation last written, and when.
    written: Option<(u64, f64)>,
    /// The last write error, logged once.
    last_error: Option<String>,
    /// The window's clock at the last tick, in seconds.
    clock: f64,
    /// Documents a previous window left, offered for recovery.
    pub offers: Vec<RecoveryOffer>,
}

impl Autosave {
    /// Returns an autosave that writes nothing, as for tests and windows without a data
    /// directory.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Starts the autosave of a window in a directory: creates it, takes a new slot and
    /// collects the documents that earlier windows left. Without a usable directory
    /// autosave is off, and the reason is logged.
    pub fn start(dir: &Path) -> Self {
        if let Err(err) = fs::create_dir_all(dir) {
            log::warn!("autosave is off: could not create {}: {err}", dir.display());
            return Self::disabled();
        }
        remove_stale_locks(dir);
        let offers = collect_offers(dir);

        let started = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let slot = format!(
            "window-{}-{}-{}",
            std::process::id(),
            started.as_secs(),
            started.subsec_nanos()
        );
        let file = dir.join(format!("{slot}{DOCUMENT_SUFFIX}"));
        let lock = match lock_slot(&file) {
            Ok(Some(lock)) => lock,
            Ok(None) | Err(_) => {
                log::warn!(
                    "autosave is off: could not lock a slot in {}",
                    dir.display()
                );
                let mut autosave = Self::disabled();
                autosave.offers = offers;
                return autosave;
            }
        };
        let mut autosave = Self::disabled();
        autosave.file = Some(file);
        autosave.lock = Some(lock);
        autosave.offers = offers;
        autosave
    }

    /// Returns the window's recovery file, when autosave is on.
    #[cfg(test)]
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Looks at the document once a frame: removes the recovery file when nothing is
    /// unsaved, and writes the document when its edits have paused long enough. `now` is
    /// the window's clock in seconds. Returns how long until a write is due, so the window
    /// can wake up for it.
    pub fn tick(
        &mut self,
        now: f64,
        generation: u64,
        modified: bool,
        doc: &Document,
        origin: Option<&Path>,
    ) -> Option<Duration> {
        self.file.as_ref()?;
        self.clock = now;
        if !modified {
            self.remove();
            return None;
        }
        if self.last_edit.is_none_or(|(seen, _)| seen != generation) {
            self.last_edit = Some((generation, now));
            self.first_unwritten.get_or_insert(now);
        }
        if self
            .written
            .is_some_and(|(written, _)| written == generation)
        {
            return None;
        }

        let (_, edited) = self.last_edit?;
        let mut due = edited + QUIET_SECONDS;
        if let Some((_, written_at)) = self.written {
            due = due.max(written_at + QUIET_SECONDS);
        }
        if let Some(first) = self.first_unwritten {
            due = due.min(first + MAX_WAIT_SECONDS);
        }
        if now < due {
            return Some(Duration::from_secs_f64(due - now));
        }
        self.write(now, generation, doc, origin);
        None
    }

    /// Writes the document now, with the path it came from.
    pub fn write(&mut self, now: f64, generation: u64, doc: &Document, origin: Option<&Path>) {
        let Some(file) = self.file.clone() else {
            return;
        };
        match write_slot(&file, doc, origin) {
            Ok(()) => {
                log::debug!("autosaved to {}", file.display());
                self.last_error = None;
            }
            Err(message) => {
                if self.last_error.as_ref() != Some(&message) {
                    log::warn!("autosave failed: {message}");
                }
                self.last_error = Some(message);
            }
        }
        // A failed write waits as long as a successful one before the next try.
        self.written = Some((generation, now));
        self.first_unwritten = None;
    }

    /// Writes the document now, timed by the window's clock at the last tick, as when a
    /// recovered document takes over the slot.
    pub fn write_now(&mut self, generation: u64, doc: &Document, origin: Option<&Path>) {
        self.write(self.clock, generation, doc, origin);
    }

    /// Removes the window's recovery file, as after a save or a discard.
    pub fn remove(&mut self) {
        if let Some(file) = &self.file
            && self.written.is_some()
        {
            remove_slot_files(file);
        }
        self.written = None;
        self.last_edit = None;
        self.first_unwritten = None;
    }

    /// Takes the offer of a recovery file, if it is still offered.
    pub fn take_offer(&mut self, file: &Path) -> Option<RecoveryOffer> {
        let index = self.offers.iter().position(|offer| offer.file == file)?;
        Some(self.offers.remove(index))
    }
}

impl Drop for Autosave {
    /// Gives up the slot. The lock file goes only when no document is left in the slot, so
    /// a document whose window ends without a save or a discard stays to be recovered.
    fn drop(&mut self) {
        let (Some(file), Some(lock)) = (&self.file, self.lock.take()) else {
            return;
        };
        drop(lock);
        if !file.exists() {
            remove_quietly(&with_suffix(file, LOCK_SUFFIX));
        }
    }
}

/// Removes the lock files, and origin files, of slots that hold no document and that no
/// running window holds: a window that was killed leaves them behind.
fn remove_stale_locks(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let lock_file = entry.path();
        let Some(stem) = lock_file
            .file_name()
            .and_then(OsStr::to_str)
            .and_then(|name| name.strip_suffix(LOCK_SUFFIX))
        else {
            continue;
        };
        let document = lock_file.with_file_name(format!("{stem}{DOCUMENT_SUFFIX}"));
        if document.exists() {
            continue;
        }
        // Holding the lock proves no window uses the slot while its files go.
        if let Ok(Some(lock)) = lock_slot(&document) {
            remove_quietly(&with_suffix(&document, ORIGIN_SUFFIX));
            remove_quietly(&lock_file);
            drop(lock);
        }
    }
}

/// Returns the documents in the directory that no running window holds, oldest first.
fn collect_offers(dir: &Path) -> Vec<RecoveryOffer> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            log::warn!("could not list {}: {err}", dir.display());
            return Vec::new();
        }
    };
    let mut offers: Vec<(Option<SystemTime>, RecoveryOffer)> = Vec::new();
    for entry in entries.flatten() {
        let file = entry.path();
        let is_document = file
            .file_name()
            .and_then(OsStr::to_str)
            .is_some_and(|name| name.ends_with(DOCUMENT_SUFFIX) && !name.starts_with('.'));
        if !is_document || !file.is_file() {
            continue;
        }
        let lock = match lock_slot(&file) {
            Ok(Some(lock)) => Some(lock),
            // A running window has locked it.
            Ok(None) => continue,
            Err(err) => {
                log::warn!("could not lock the slot of {}: {err}", file.display());
                None
            }
        };
        let modified = entry.metadata().and_then(|meta| meta.modified()).ok();
        let offer = RecoveryOffer {
            origin: read_origin(&file),
            saved_at: modified.and_then(local_time),
            document: load::load_file(&file).map_err(|err| err.to_string()),
            file,
            lock,
        };
        offers.push((modified, offer));
    }
    offers.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.file.cmp(&b.1.file)));
    offers.into_iter().map(|(_, offer)| offer).collect()
}

/// Opens and locks the lock file of a slot. `Ok(None)` when another window has locked it.
fn lock_slot(document: &Path) -> std::io::Result<Option<File>> {
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(with_suffix(document, LOCK_SUFFIX))?;
    match lock.try_lock() {
        Ok(()) => Ok(Some(lock)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(err)) => Err(err),
    }
}

/// Writes the origin, then the document, each atomically. Without an origin any old one
/// is removed, so a recovered document never names a file it did not come from.
fn write_slot(file: &Path, doc: &Document, origin: Option<&Path>) -> Result<(), String> {
    let origin_file = with_suffix(file, ORIGIN_SUFFIX);
    match origin.map(|path| path.to_str()) {
        Some(Some(text)) if !text.contains('\n') => write_small_file(&origin_file, text)
            .map_err(|err| format!("could not write {}: {err}", origin_file.display()))?,
        Some(_) => {
            log::warn!("the model's path cannot be kept as text; a recovery will not name it");
            remove_quietly(&origin_file);
        }
        None => remove_quietly(&origin_file),
    }
    load::save_file(doc, file).map_err(|err| err.to_string())?;
    // The previous recovery copy is of no use once the new one is in place.
    remove_quietly(&load::backup_path(file));
    Ok(())
}

fn write_small_file(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".trustmap-origin-")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

/// Reads the origin of a slot: one path, at most a few kilobytes.
fn read_origin(document: &Path) -> Option<PathBuf> {
    const MAX_BYTES: u64 = 16 * 1024;
    let origin = with_suffix(document, ORIGIN_SUFFIX);
    let length = fs::metadata(&origin).ok()?.len();
    if length > MAX_BYTES {
        log::warn!("{} is too long to be a path", origin.display());
        return None;
    }
    let text = fs::read_to_string(&origin).ok()?;
    let text = text.trim_end_matches('\n');
    (!text.is_empty()).then(|| PathBuf::from(text))
}

fn remove_slot_files(document: &Path) {
    remove_quietly(document);
    remove_quietly(&load::backup_path(document));
    remove_quietly(&with_suffix(document, ORIGIN_SUFFIX));
}

fn remove_quietly(path: &Path) {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => log::warn!("could not remove {}: {err}", path.display()),
    }
}

/// Returns the path of another file of a document's slot: the document's path with its
/// `.trustmap.ron` replaced by `suffix`.
fn with_suffix(document: &Path, suffix: &str) -> PathBuf {
    let name = document
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(DOCUMENT_SUFFIX).unwrap_or(&name);
    document.with_file_name(format!("{stem}{suffix}"))
}

/// Returns a time as local date and time to the second, such as `2026-12-04 19:40:02`.
fn local_time(time: SystemTime) -> Option<String> {
    let timestamp = jiff::Timestamp::try_from(time).ok()?;
    let zoned = timestamp.to_zoned(jiff::tz::TimeZone::system());
    Some(zoned.strftime("%Y-%m-%d %H:%M:%S").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(dir: &Path) -> Autosave {
        let autosave = Autosave::start(dir);
        assert!(autosave.file().is_some(), "autosave is on");
        autosave
    }

    #[test]
    fn tick_writes_after_quiet_spell() {
        // Edits at 0 s and 3 s: the write is due at 3 + 5 = 8 s. A new edit at 9 s is not
        // written before 9 + 5 = 14 s, which is also 8 + 5 s after the first write.
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut autosave = started(dir.path());
        let doc = Document::new("Autosaved");
        let file = autosave.file().expect("slot").to_owned();

        assert_eq!(
            autosave.tick(0.0, 1, true, &doc, None),
            Some(Duration::from_secs(5))
        );
        autosave.tick(3.0, 2, true, &doc, None);
        autosave.tick(7.9, 2, true, &doc, None);
        assert!(!file.exists(), "not written before the quiet spell ends");
        assert_eq!(autosave.tick(8.0, 2, true, &doc, None), None);
        assert!(file.exists(), "written once the edits paused for 5 s");

        let edited = Document::new("Autosaved, then edited");
        autosave.tick(9.0, 3, true, &edited, None);
        autosave.tick(13.9, 3, true, &edited, None);
        assert_eq!(autosave.written, Some((2, 8.0)));
        autosave.tick(14.0, 3, true, &edited, None);
        assert_eq!(autosave.written, Some((3, 14.0)));
        let backup = load::backup_path(&file);
        assert!(!backup.exists(), "a recovery file keeps no backup");

        // Nothing unsaved: the file goes.
        autosave.tick(15.0, 4, false, &edited, None);
        assert!(!file.exists());
        assert!(!backup.exists());
    }

    #[test]
    fn write_now_uses_the_clock_of_the_ticks() {
        // Ticks at 100 s, a write now (so at 100 s), then an edit at 101 s: the next write
        // is due at 101 + 5 = 106 s, not sooner and not later.
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut autosave = started(dir.path());
        let doc = Document::new("Recovered");
        autosave.tick(100.0, 1, true, &doc, None);
        autosave.write_now(2, &doc, None);
        assert_eq!(autosave.written, Some((2, 100.0)));

        autosave.tick(101.0, 3, true, &doc, None);
        autosave.tick(105.9, 3, true, &doc, None);
        assert_eq!(autosave.written, Some((2, 100.0)));
        autosave.tick(106.0, 3, true, &doc, None);
        assert_eq!(autosave.written, Some((3, 106.0)));
    }

    #[test]
    fn tick_writes_unpaused_edits_at_longest_wait() {
        // An edit every second from 0 s: no 5 s pause ever comes, so the write happens at
        // the longest wait, 30 s after the first edit.
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut autosave = started(dir.path());
        let doc = Document::new("Busy");
        for second in 0..30 {
            autosave.tick(f64::from(second), second as u64 + 1, true, &doc, None);
        }
        assert!(autosave.written.is_none());
        autosave.tick(30.0, 31, true, &doc, None);
        assert_eq!(autosave.written, Some((31, 30.0)));
    }

    #[test]
    fn start_removes_locks_that_killed_windows_left() {
        // A killed window left a lock and an origin but no document; a running window's
        // slot has its lock held and no document yet. Only the first goes.
        let dir = tempfile::tempdir().expect("temporary directory");
        let stale = dir.path().join("window-1-2-3.lock");
        let stale_origin = dir.path().join("window-1-2-3.origin");
        fs::write(&stale, "").expect("stale lock");
        fs::write(&stale_origin, "/models/gone.trustmap.ron").expect("stale origin");
        let running = started(dir.path());
        let running_lock = with_suffix(running.file().expect("slot"), LOCK_SUFFIX);
        assert!(!stale.exists(), "the killed window's lock is removed");
        assert!(!stale_origin.exists());

        let _next = started(dir.path());
        assert!(running_lock.exists(), "a running window keeps its lock");
    }

    #[test]
    fn start_skips_slots_of_running_windows() {
        // The first window wrote its document and still runs, so a second window offers
        // nothing. Once the first is gone, leaving its file, a third window offers it.
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut first = started(dir.path());
        let doc = Document::new("Left behind");
        first.write(0.0, 1, &doc, Some(Path::new("/models/left.trustmap.ron")));

        let second = started(dir.path());
        assert!(second.offers.is_empty());
        drop(second);

        drop(first);
        let third = started(dir.path());
        assert_eq!(third.offers.len(), 1);
        let offer = &third.offers[0];
        assert_eq!(offer.document.as_ref().ok(), Some(&doc));
        assert_eq!(
            offer.origin.as_deref(),
            Some(Path::new("/models/left.trustmap.ron"))
        );
        assert!(offer.saved_at.is_some());
    }

    #[test]
    fn slot_files_share_a_stem() {
        let document = Path::new("/data/window-1-2-3.trustmap.ron");
        assert_eq!(
            with_suffix(document, ORIGIN_SUFFIX),
            Path::new("/data/window-1-2-3.origin")
        );
    }
}
