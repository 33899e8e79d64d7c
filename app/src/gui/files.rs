//! Opening and saving model files: the file dialogs behind a trait, the typed-path
//! fallback, the recent-files list, and the question asked before unsaved changes are lost.
//!
//! Saving goes through the model crate's atomic save (a temporary file beside the target,
//! synced, then renamed over it), so a crash mid-save never leaves a half-written model.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use trustmap_model::edit::History;
use trustmap_model::{Document, load, templates};

use super::app::TrustmapApp;
use super::export::{ExportFormat, ExportUi, FileFilter};
use super::panels;

/// The result of asking the user for a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogAnswer {
    /// The user chose this path.
    Picked(PathBuf),
    /// The user closed the dialog without choosing.
    Cancelled,
    /// No dialog can be shown here, so the window shows a typed-path prompt instead.
    Unavailable,
}

/// The file dialogs the window uses, so tests and headless runs can supply paths.
pub trait FileDialogs {
    /// Asks for an existing model to open.
    fn pick_open(&mut self, start: Option<&Path>) -> DialogAnswer;

    /// Asks where to save a model, suggesting a file name.
    fn pick_save(&mut self, start: Option<&Path>, file_name: &str) -> DialogAnswer;

    /// Asks where to export, suggesting a file name and listing the files of one type.
    fn pick_export(
        &mut self,
        start: Option<&Path>,
        file_name: &str,
        filter: &FileFilter,
    ) -> DialogAnswer;
}

/// The platform's native dialogs through `rfd`.
///
/// On Linux `rfd` talks to the XDG desktop portal over the D-Bus session bus and falls back
/// to `zenity`. With neither, it returns nothing, just as for a cancelled dialog. So where
/// no session bus is set and no `zenity` is on the `PATH`, the dialogs report
/// [`DialogAnswer::Unavailable`] and the window shows a typed-path prompt.
#[derive(Clone, Copy, Debug, Default)]
pub struct NativeDialogs;

impl NativeDialogs {
    fn available() -> bool {
        if !cfg!(target_os = "linux") {
            return true;
        }
        env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() || program_on_path("zenity")
    }

    fn dialog(start: Option<&Path>) -> rfd::FileDialog {
        let dialog = rfd::FileDialog::new()
            .add_filter("Trustmap model", &["ron"])
            .add_filter("All files", &["*"]);
        match start.and_then(Path::parent) {
            Some(dir) if dir.is_dir() => dialog.set_directory(dir),
            _ => dialog,
        }
    }
}

impl FileDialogs for NativeDialogs {
    fn pick_open(&mut self, start: Option<&Path>) -> DialogAnswer {
        if !Self::available() {
            return DialogAnswer::Unavailable;
        }
        Self::dialog(start)
            .set_title("Open a model")
            .pick_file()
            .map_or(DialogAnswer::Cancelled, DialogAnswer::Picked)
    }

    fn pick_save(&mut self, start: Option<&Path>, file_name: &str) -> DialogAnswer {
        if !Self::available() {
            return DialogAnswer::Unavailable;
        }
        Self::dialog(start)
            .set_title("Save the model")
            .set_file_name(file_name)
            .save_file()
            .map_or(DialogAnswer::Cancelled, DialogAnswer::Picked)
    }

    fn pick_export(
        &mut self,
        start: Option<&Path>,
        file_name: &str,
        filter: &FileFilter,
    ) -> DialogAnswer {
        if !Self::available() {
            return DialogAnswer::Unavailable;
        }
        let dialog = rfd::FileDialog::new()
            .add_filter(filter.name, filter.extensions)
            .set_title("Export")
            .set_file_name(file_name);
        let dialog = match start.and_then(Path::parent) {
            Some(dir) if dir.is_dir() => dialog.set_directory(dir),
            _ => dialog,
        };
        dialog
            .save_file()
            .map_or(DialogAnswer::Cancelled, DialogAnswer::Picked)
    }
}

fn program_on_path(name: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|paths| env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
}

/// The most recently opened or saved files, newest first, kept in a small text file.
#[derive(Clone, Debug, Default)]
pub struct RecentFiles {
    paths: Vec<PathBuf>,
    store: Option<PathBuf>,
}

impl RecentFiles {
    /// Maximum number of files kept.
    pub const MAX: usize = 10;

    /// Creates a list kept only in memory.
    #[cfg(test)]
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Loads the list from `recent-files.txt` in the user's configuration directory
    /// (`$XDG_CONFIG_HOME/trustmap`, else `~/.config/trustmap`). A missing or unreadable
    /// file gives an empty list.
    pub fn load_default() -> Self {
        let store = env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
            .map(|dir| dir.join("trustmap").join("recent-files.txt"));
        let paths = store
            .as_deref()
            .and_then(|store| fs::read_to_string(store).ok())
            .map(|text| {
                text.lines()
                    .filter(|line| !line.trim().is_empty())
                    .map(PathBuf::from)
                    .take(Self::MAX)
                    .collect()
            })
            .unwrap_or_default();
        Self { paths, store }
    }

    /// Returns the files, newest first.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Puts a file at the top of the list and writes the list back.
    pub fn push(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.paths.retain(|known| *known != path);
        self.paths.insert(0, path);
        self.paths.truncate(Self::MAX);
        self.write();
    }

    /// Removes a file, as when it no longer opens, and writes the list back.
    pub fn remove(&mut self, path: &Path) {
        self.paths.retain(|known| known != path);
        self.write();
    }

    fn write(&self) {
        let Some(store) = &self.store else {
            return;
        };
        let mut text = String::new();
        for path in &self.paths {
            // A path with a line break cannot be stored one to a line; leave it out.
            let Some(line) = path.to_str().filter(|line| !line.contains('\n')) else {
                continue;
            };
            text.push_str(line);
            text.push('\n');
        }
        let written = store
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::write(store, text));
        if let Err(err) = written {
            log::warn!(
                "could not write the recent files to {}: {err}",
                store.display()
            );
        }
    }
}

/// The action to perform once the user has dealt with unsaved changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterConfirm {
    /// Start a new model from the named template.
    New(&'static str),
    /// Ask for a model to open.
    OpenDialog,
    /// Open this model.
    Open(PathBuf),
    /// Close the window.
    Close,
    /// Open the document of this recovery file.
    Recover(PathBuf),
}

/// The purpose of a typed-path prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    /// A model to open.
    Open,
    /// The path to save the model to.
    Save,
    /// The path to export to, in this format.
    Export(ExportFormat),
}

/// The state of the file dialogs drawn inside the window.
#[derive(Debug, Default)]
pub struct FileUi {
    /// The action waiting for the user's choice about unsaved changes.
    pub confirm: Option<AfterConfirm>,
    /// A typed-path prompt, with the text typed so far.
    pub typed_path: Option<(PathPurpose, String)>,
    /// An error to show in a dialog until dismissed.
    pub error: Option<String>,
    /// The user agreed to close the window and lose the unsaved changes.
    pub close_confirmed: bool,
    /// The export settings and the outcome of the last export.
    pub export: ExportUi,
    /// The user put off deciding about the recovery files until the next start.
    pub recovery_postponed: bool,
}

impl TrustmapApp {
    /// Starts a new model from a bundled template, asking first about unsaved changes.
    pub fn request_new(&mut self, template: &'static str) {
        self.after_confirm(AfterConfirm::New(template));
    }

    /// Asks for a model and opens it, asking first about unsaved changes.
    pub fn request_open(&mut self) {
        self.after_confirm(AfterConfirm::OpenDialog);
    }

    /// Opens a known model file, asking first about unsaved changes.
    pub fn request_open_path(&mut self, path: PathBuf) {
        self.after_confirm(AfterConfirm::Open(path));
    }

    fn after_confirm(&mut self, action: AfterConfirm) {
        panels::policies::commit(self);
        if self.history.is_modified() {
            self.file_ui.confirm = Some(action);
        } else {
            self.perform(action);
        }
    }

    fn perform(&mut self, action: AfterConfirm) {
        match action {
            AfterConfirm::New(name) => self.new_from_template(name),
            AfterConfirm::OpenDialog => {
                let start = self.path.clone();
                match self.dialogs.pick_open(start.as_deref()) {
                    DialogAnswer::Picked(path) => self.open_path(&path),
                    DialogAnswer::Cancelled => {}
                    DialogAnswer::Unavailable => {
                        self.file_ui.typed_path = Some((PathPurpose::Open, String::new()));
                    }
                }
            }
            AfterConfirm::Open(path) => self.open_path(&path),
            AfterConfirm::Close => self.file_ui.close_confirmed = true,
            AfterConfirm::Recover(file) => self.recover(&file),
        }
    }

    /// Replaces the document with a bundled template, unsaved and without a file.
    pub fn new_from_template(&mut self, name: &str) {
        let Some(template) = templates::template(name) else {
            self.file_ui.error = Some(format!("no bundled template is named {name:?}"));
            return;
        };
        match load::load_str(template.text, name) {
            Ok(doc) => self.replace_document(doc, None),
            Err(err) => self.file_ui.error = Some(format!("the template {name} is invalid: {err}")),
        }
    }

    /// Opens a model file now, without asking about unsaved changes. A file that fails to
    /// load leaves the current document as it was and shows the error.
    pub fn open_path(&mut self, path: &Path) {
        let path = &absolute(path);
        match load::load_file(path) {
            Ok(doc) => {
                self.recent.push(path);
                self.replace_document(doc, Some(path.to_owned()));
            }
            Err(err) => {
                log::warn!("could not open {}: {err}", path.display());
                self.file_ui.error = Some(err.to_string());
            }
        }
    }

    fn replace_document(&mut self, doc: Document, path: Option<PathBuf>) {
        self.doc = doc;
        self.history = History::default();
        self.path = path;
        self.selection.clear();
        self.canvas.reset_for_new_document();
        self.panels.reset_for_new_document();
        self.document_changed();
    }

    /// Saves to the current file, or to a path from the save dialog when there is none.
    /// Returns whether the model was saved.
    pub fn save(&mut self) -> bool {
        match self.path.clone() {
            Some(path) => self.save_to(&path),
            None => self.save_as(),
        }
    }

    /// Asks where to save and saves there. Returns whether the model was saved.
    pub fn save_as(&mut self) -> bool {
        let file_name = self.path.as_deref().and_then(Path::file_name).map_or_else(
            || suggested_file_name(&self.doc.name),
            |name| name.to_string_lossy().into_owned(),
        );
        let start = self.path.clone();
        match self.dialogs.pick_save(start.as_deref(), &file_name) {
            DialogAnswer::Picked(path) => self.save_to(&path),
            DialogAnswer::Cancelled => false,
            DialogAnswer::Unavailable => {
                let typed = start.map_or(file_name, |path| path.display().to_string());
                self.file_ui.typed_path = Some((PathPurpose::Save, typed));
                false
            }
        }
    }

    /// Saves to a path and makes it the current file. Returns whether the model was saved.
    pub fn save_to(&mut self, path: &Path) -> bool {
        let path = &absolute(path);
        // Text typed into a policy editor and not yet applied belongs in the file.
        panels::policies::commit(self);
        match load::save_file(&self.doc, path) {
            Ok(()) => {
                self.history.mark_saved();
                self.autosave.remove();
                self.file_ui.export.last_written = Some(format!("Saved {}", path.display()));
                self.path = Some(path.to_owned());
                self.recent.push(path);
                true
            }
            Err(err) => {
                log::warn!("could not save {}: {err}", path.display());
                self.file_ui.error = Some(err.to_string());
                false
            }
        }
    }

    /// Returns the window title: the file name (or the model name when unsaved to a file),
    /// with a leading `*` while there are unsaved changes.
    pub fn title(&self) -> String {
        let name = self.path.as_deref().and_then(Path::file_name).map_or_else(
            || self.doc.name.clone(),
            |name| name.to_string_lossy().into_owned(),
        );
        let mark = if self.history.is_modified() { "*" } else { "" };
        format!("{mark}{name} - Trustmap")
    }

    /// Returns whether one of the window's modal dialogs is open. While one is, the
    /// window's shortcuts are off, so no key acts on the model behind it.
    pub fn modal_open(&self) -> bool {
        self.file_ui.confirm.is_some()
            || (!self.autosave.offers.is_empty() && !self.file_ui.recovery_postponed)
            || self.file_ui.typed_path.is_some()
            || self.file_ui.export.missing.is_some()
            || self.file_ui.error.is_some()
    }

    /// Closes the modal dialog on top as its cancelling button would: Escape's action.
    pub fn dismiss_modal(&mut self) {
        if self.file_ui.error.take().is_some() || self.file_ui.export.missing.take().is_some() {
            return;
        }
        if self.file_ui.typed_path.take().is_some() || self.file_ui.confirm.take().is_some() {
            return;
        }
        if !self.autosave.offers.is_empty() {
            self.file_ui.recovery_postponed = true;
        }
    }

    /// Draws the dialogs of this module: the unsaved-changes question, the typed-path
    /// prompt and the error message.
    pub fn show_file_dialogs(&mut self, ctx: &egui::Context) {
        self.autosave_tick(ctx);
        self.show_recovery(ctx);
        self.show_confirm(ctx);
        self.show_typed_path(ctx);
        self.poll_export(ctx);
        self.show_export_warning(ctx);
        self.show_error(ctx);
    }

    fn show_confirm(&mut self, ctx: &egui::Context) {
        let Some(action) = self.file_ui.confirm.clone() else {
            return;
        };
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.heading("Unsaved changes");
            ui.label(format!("Save the changes to {} first?", self.title_name()));
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    answer = Some(ConfirmAnswer::Save);
                }
                if ui.button("Discard changes").clicked() {
                    answer = Some(ConfirmAnswer::Discard);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(ConfirmAnswer::Cancel);
                }
            });
        });

        match answer {
            Some(ConfirmAnswer::Save) => {
                self.file_ui.confirm = None;
                if self.save() {
                    self.perform(action);
                }
            }
            Some(ConfirmAnswer::Discard) => {
                self.file_ui.confirm = None;
                self.autosave.remove();
                self.perform(action);
            }
            Some(ConfirmAnswer::Cancel) => self.file_ui.confirm = None,
            None => {}
        }
    }

    /// Writes the document to its recovery file when an autosave is due, and wakes the
    /// window up when the next one will be.
    fn autosave_tick(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|input| input.time);
        let generation = self.generation();
        let modified = self.history.is_modified();
        let wait = self
            .autosave
            .tick(now, generation, modified, &self.doc, self.path.as_deref());
        if let Some(wait) = wait {
            ctx.request_repaint_after(wait);
        }
    }

    /// Recovers the document of a recovery file, asking first about unsaved changes.
    pub fn request_recover(&mut self, file: PathBuf) {
        self.after_confirm(AfterConfirm::Recover(file));
    }

    /// Opens the document of a recovery file now, marked unsaved and with the path it was
    /// opened from, writes it to this window's own recovery file and removes the old one.
    pub fn recover(&mut self, file: &Path) {
        let Some(mut offer) = self.autosave.take_offer(file) else {
            return;
        };
        let document = std::mem::replace(&mut offer.document, Err(String::new()));
        let doc = match document {
            Ok(doc) => doc,
            Err(err) => {
                self.file_ui.error = Some(format!(
                    "{} cannot be recovered: {err}",
                    offer.file.display()
                ));
                self.autosave.offers.push(offer);
                return;
            }
        };
        let origin = offer.origin.clone();
        log::info!("recovered {}", offer.name());
        self.replace_document(doc, origin);
        self.history.mark_unsaved();
        let generation = self.generation();
        self.autosave
            .write_now(generation, &self.doc, self.path.as_deref());
        offer.discard();
    }

    fn show_recovery(&mut self, ctx: &egui::Context) {
        if self.autosave.offers.is_empty() || self.file_ui.recovery_postponed {
            return;
        }
        let mut recover = None;
        let mut discard = None;
        let mut later = false;
        egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
            ui.heading("Recover unsaved changes");
            ui.label("Trustmap closed before these changes were saved.");
            for offer in &self.autosave.offers {
                ui.separator();
                ui.strong(offer.name());
                ui.label(offer.saved_at.as_ref().map_or_else(
                    || "Last autosaved at an unknown time".to_owned(),
                    |time| format!("Last autosaved {time}"),
                ));
                if let Err(err) = &offer.document {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("This recovery file cannot be read: {err}"),
                    );
                }
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(offer.document.is_ok(), egui::Button::new("Recover"))
                        .clicked()
                    {
                        recover = Some(offer.file.clone());
                    }
                    if ui.button("Discard").clicked() {
                        discard = Some(offer.file.clone());
                    }
                });
            }
            ui.separator();
            if ui
                .button("Decide later")
                .on_hover_text("Keep the recovery files and ask again at the next start")
                .clicked()
            {
                later = true;
            }
        });

        if let Some(file) = recover {
            self.request_recover(file);
        }
        if let Some(file) = discard
            && let Some(offer) = self.autosave.take_offer(&file)
        {
            log::info!("discarded the recovery file {}", file.display());
            offer.discard();
        }
        self.file_ui.recovery_postponed |= later;
    }

    fn title_name(&self) -> String {
        self.path
            .as_deref()
            .map_or_else(|| self.doc.name.clone(), |path| path.display().to_string())
    }

    fn show_typed_path(&mut self, ctx: &egui::Context) {
        let Some((purpose, mut typed)) = self.file_ui.typed_path.take() else {
            return;
        };
        let (heading, action) = match purpose {
            PathPurpose::Open => ("Open a model", "Open"),
            PathPurpose::Save => ("Save the model", "Save"),
            PathPurpose::Export(format) => (format.heading(), "Export"),
        };
        let mut done = false;
        let mut accepted = false;
        egui::Modal::new(egui::Id::unique("typed-path")).show(ctx, |ui| {
            ui.heading(heading);
            ui.label("No file dialog is available here. Type the file's path.");
            let field = ui
                .horizontal(|ui| {
                    let label = ui.label("File path");
                    ui.add(egui::TextEdit::singleline(&mut typed).desired_width(420.0))
                        .labelled_by(label.id)
                })
                .inner;
            // The field takes the keys as soon as the prompt opens.
            if ui.memory(|memory| memory.focused().is_none()) {
                field.request_focus();
            }
            // Enter accepts the prompt, as its default button; the field gives up the
            // focus on Enter, so asking the field would miss it.
            let entered = ui.input(|input| input.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                if ui.button(action).clicked() || entered {
                    accepted = true;
                    done = true;
                }
                if ui.button("Cancel").clicked() {
                    done = true;
                }
            });
        });

        if !done {
            self.file_ui.typed_path = Some((purpose, typed));
            return;
        }
        let path = PathBuf::from(typed.trim());
        if !accepted || path.as_os_str().is_empty() {
            return;
        }
        match purpose {
            PathPurpose::Open => self.open_path(&path),
            PathPurpose::Save => {
                self.save_to(&path);
            }
            PathPurpose::Export(format) => {
                self.export_to(format, &path);
            }
        }
    }

    fn show_error(&mut self, ctx: &egui::Context) {
        let Some(error) = &self.file_ui.error else {
            return;
        };
        let mut dismissed = false;
        egui::Modal::new(egui::Id::unique("file-error")).show(ctx, |ui| {
            ui.heading("Could not complete the operation");
            ui.label(error.as_str());
            if ui.button("OK").clicked() {
                dismissed = true;
            }
        });
        if dismissed {
            self.file_ui.error = None;
        }
    }

    /// Handles the window's close button: with unsaved changes the close is cancelled and
    /// the user asked first.
    pub fn handle_close_request(&mut self, ctx: &egui::Context) {
        if self.file_ui.close_confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        let requested = ctx.input(|input| input.viewport().close_requested());
        if requested {
            panels::policies::commit(self);
        }
        if requested && self.history.is_modified() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.file_ui.confirm = Some(AfterConfirm::Close);
        }
    }
}

#[derive(Clone, Copy)]
enum ConfirmAnswer {
    Save,
    Discard,
    Cancel,
}

/// Returns a file name for a model without one: its name in lowercase words joined by
/// hyphens, with the `.trustmap.ron` extension.
pub fn suggested_file_name(model_name: &str) -> String {
    let mut stem = String::new();
    for word in model_name
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(&word.to_lowercase());
    }
    if stem.is_empty() {
        stem.push_str("model");
    }
    format!("{stem}.trustmap.ron")
}

/// Returns `path` made absolute against the current directory, so the window's file, its
/// recent files and the recovery record keep naming the same file when the window is
/// started again from elsewhere. A path that cannot be made absolute is kept as it is.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_become_absolute() {
        let relative = Path::new("models/shop.trustmap.ron");
        let absolute_path = absolute(relative);
        assert!(absolute_path.is_absolute(), "{}", absolute_path.display());
        assert_eq!(
            absolute_path,
            env::current_dir()
                .expect("current directory")
                .join(relative)
        );
        assert_eq!(
            absolute(&absolute_path),
            absolute_path,
            "an absolute path stays as it is"
        );
    }

    #[test]
    fn recent_files_keep_newest_first_without_repeats() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = dir.path().join("config").join("recent-files.txt");
        let mut recent = RecentFiles {
            paths: Vec::new(),
            store: Some(store.clone()),
        };
        for index in 0..12 {
            recent.push(Path::new(&format!("/models/{index}.trustmap.ron")));
        }
        recent.push(Path::new("/models/5.trustmap.ron"));

        assert_eq!(recent.paths().len(), RecentFiles::MAX);
        assert_eq!(recent.paths()[0], Path::new("/models/5.trustmap.ron"));
        assert_eq!(recent.paths()[1], Path::new("/models/11.trustmap.ron"));
        let written = fs::read_to_string(&store).expect("list written");
        assert_eq!(written.lines().count(), RecentFiles::MAX);
        assert_eq!(written.lines().next(), Some("/models/5.trustmap.ron"));
    }

    #[test]
    fn suggested_names_are_lowercase_words() {
        assert_eq!(
            suggested_file_name("Payments on AWS: PCI"),
            "payments-on-aws-pci.trustmap.ron"
        );
        assert_eq!(suggested_file_name("  "), "model.trustmap.ron");
    }
}
