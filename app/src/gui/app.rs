//! The application: the open document, its history and selection, and the layout of the
//! window around the canvas.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use egui::{Key, KeyboardShortcut, Modifiers};
use trustmap_model::Document;
use trustmap_model::edit::{Edit, History};
use trustmap_model::geometry::{self, Diagram};

use super::autosave::Autosave;
use super::canvas::CanvasState;
use super::files::{FileDialogs, FileUi, RecentFiles};
use super::icons::Icons;
use super::live_review::LiveReview;
use super::panels::{self, PanelState};

/// The selected nodes, zones and edges, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Ids of the selected nodes and zones.
    pub nodes: BTreeSet<String>,
    /// Ids of the selected edges.
    pub edges: BTreeSet<String>,
}

impl Selection {
    /// Returns whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }

    /// Selects nothing.
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.edges.clear();
    }

    /// Selects one node or zone alone.
    pub fn only_node(&mut self, id: &str) {
        self.clear();
        self.nodes.insert(id.to_owned());
    }

    /// Selects one edge alone.
    pub fn only_edge(&mut self, id: &str) {
        self.clear();
        self.edges.insert(id.to_owned());
    }

    /// Drops ids that no longer exist in the document.
    pub fn retain_existing(&mut self, doc: &Document) {
        self.nodes.retain(|id| doc.node(id).is_some());
        self.edges.retain(|id| doc.edge(id).is_some());
    }
}

/// Nodes and edges copied for pasting.
#[derive(Clone, Debug, Default)]
pub struct Clipboard {
    /// The copied nodes and zones, each parent before its children.
    pub nodes: Vec<trustmap_model::document::Node>,
    /// The copied edges whose both ends were copied.
    pub edges: Vec<trustmap_model::document::Edge>,
    /// The copy as model text, put on the system clipboard. The window pastes on the
    /// system's paste command, which carries the system clipboard's text: this text means
    /// this copy, and any other model text is pasted as a model.
    pub text: String,
    /// Whether `text` still has to be put on the system clipboard.
    pub text_pending: bool,
}

/// The whole window's state.
pub struct TrustmapApp {
    /// The open model.
    pub doc: Document,
    /// Its undo and redo stacks, which also know whether it is saved.
    pub history: History,
    /// The file the model was opened from or last saved to.
    pub path: Option<PathBuf>,
    /// What is selected.
    pub selection: Selection,
    /// The canvas's camera and the drag in progress.
    pub canvas: CanvasState,
    /// The latest review.
    pub review: LiveReview,
    /// The panels' own state.
    pub panels: PanelState,
    /// The file dialogs.
    pub dialogs: Box<dyn FileDialogs>,
    /// The recently used files.
    pub recent: RecentFiles,
    /// The dialogs drawn inside the window.
    pub file_ui: FileUi,
    /// What was copied last.
    pub clipboard: Clipboard,
    /// The last edit that failed, shown in the status bar.
    pub edit_error: Option<String>,
    /// The recovery file of the document and the files earlier windows left.
    pub autosave: Autosave,
    /// Numbers every state of the document's content; changes on every change the review
    /// can see.
    generation: u64,
    /// Numbers every state of the document's geometry, which also changes during drags.
    geometry_generation: u64,
    diagram: Arc<Diagram>,
    diagram_generation: Option<u64>,
    icons: Option<Icons>,
    window_title: String,
}

impl TrustmapApp {
    /// Creates the window's state on a new blank model.
    pub fn new(dialogs: Box<dyn FileDialogs>, recent: RecentFiles) -> Self {
        let doc = blank_document();
        let review = LiveReview::new(&doc, 0);
        Self {
            doc,
            history: History::default(),
            path: None,
            selection: Selection::default(),
            canvas: CanvasState::default(),
            review,
            panels: PanelState::default(),
            dialogs,
            recent,
            file_ui: FileUi::default(),
            clipboard: Clipboard::default(),
            edit_error: None,
            autosave: Autosave::disabled(),
            generation: 0,
            geometry_generation: 0,
            diagram: Arc::new(Diagram::default()),
            diagram_generation: None,
            icons: None,
            window_title: String::new(),
        }
    }

    /// Returns the number of the document's current content.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Records that the document changed: the geometry and the review are recomputed.
    pub fn document_changed(&mut self) {
        self.generation += 1;
        self.geometry_generation += 1;
        self.selection.retain_existing(&self.doc);
    }

    /// Returns the diagram geometry of the document as it is now.
    pub fn diagram(&mut self) -> Arc<Diagram> {
        if self.diagram_generation != Some(self.geometry_generation) {
            self.diagram = Arc::new(geometry::layout(&self.doc));
            self.diagram_generation = Some(self.geometry_generation);
        }
        Arc::clone(&self.diagram)
    }

    /// Returns the icons, rendering them on first use.
    pub fn icons(&mut self, ctx: &egui::Context) -> &Icons {
        self.icons.get_or_insert_with(|| Icons::load(ctx))
    }

    /// Returns the icons if they have been rendered.
    pub fn icons_if_loaded(&self) -> Option<&Icons> {
        self.icons.as_ref()
    }

    /// Applies an edit as one undo step. A rejected edit changes nothing and its reason
    /// shows in the status bar. Returns whether it was applied.
    pub fn apply(&mut self, edit: Edit) -> bool {
        match self.history.apply(edit, &mut self.doc) {
            Ok(()) => {
                self.edit_error = None;
                self.document_changed();
                true
            }
            Err(err) => {
                log::info!("edit rejected: {err}");
                self.edit_error = Some(err.to_string());
                false
            }
        }
    }

    /// Applies an edit outside the history, for the live preview of a drag that moves or
    /// resizes: the geometry follows, the review waits. The drag restores the document and
    /// applies the whole change as one step when it ends.
    pub fn apply_preview(&mut self, edit: Edit) -> bool {
        match edit.apply(&mut self.doc) {
            Ok(_) => {
                self.geometry_generation += 1;
                true
            }
            Err(err) => {
                log::debug!("preview edit rejected: {err}");
                false
            }
        }
    }

    /// Undoes the last edit, after applying the policy text still being typed.
    pub fn undo(&mut self) {
        panels::policies::commit(self);
        match self.history.undo(&mut self.doc) {
            Ok(true) => self.document_changed(),
            Ok(false) => {}
            Err(err) => self.edit_error = Some(format!("could not undo: {err}")),
        }
    }

    /// Redoes the last undone edit, after applying the policy text still being typed.
    pub fn redo(&mut self) {
        panels::policies::commit(self);
        match self.history.redo(&mut self.doc) {
            Ok(true) => self.document_changed(),
            Ok(false) => {}
            Err(err) => self.edit_error = Some(format!("could not redo: {err}")),
        }
    }

    /// Draws the whole window into a `Ui` and handles its input. eframe calls this every
    /// frame, and so do the tests.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.review.update(&self.doc, self.generation, &ctx);
        self.handle_shortcuts(&ctx);
        if std::mem::take(&mut self.clipboard.text_pending) {
            ctx.copy_text(self.clipboard.text.clone());
        }

        egui::Panel::top("menu-bar").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status-bar").show(ui, |ui| self.status_bar(ui));
        panels::show(self, ui);
        egui::CentralPanel::no_frame().show(ui, |ui| super::canvas::show(self, ui));

        self.show_file_dialogs(&ctx);
        if self.review.is_pending() {
            ctx.request_repaint_after(std::time::Duration::from_millis(16));
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| self.file_menu(ui));
            ui.menu_button("Edit", |ui| self.edit_menu(ui));
            ui.menu_button("View", |ui| self.canvas.view_menu(ui));
        });
    }

    fn file_menu(&mut self, ui: &mut egui::Ui) {
        ui.menu_button("New from template", |ui| {
            for template in trustmap_model::templates::TEMPLATES {
                if ui
                    .button(template.name)
                    .on_hover_text(template.description)
                    .clicked()
                {
                    self.request_new(template.name);
                }
            }
        });
        if ui.button("Open… (Ctrl+O)").clicked() {
            self.request_open();
        }
        let recent = self.recent.paths().to_vec();
        ui.add_enabled_ui(!recent.is_empty(), |ui| {
            ui.menu_button("Open recent", |ui| {
                for path in recent {
                    if ui.button(path.display().to_string()).clicked() {
                        if path.is_file() {
                            self.request_open_path(path);
                        } else {
                            self.recent.remove(&path);
                            self.file_ui.error =
                                Some(format!("{} no longer exists", path.display()));
                        }
                    }
                }
            });
        });
        ui.separator();
        if ui.button("Save (Ctrl+S)").clicked() {
            self.save();
        }
        if ui.button("Save as… (Ctrl+Shift+S)").clicked() {
            self.save_as();
        }
        ui.separator();
        super::export::menu(self, ui);
        ui.separator();
        if ui.button("Quit (Ctrl+Q)").clicked() {
            // As the window's close button does: unsaved changes are asked about first.
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn edit_menu(&mut self, ui: &mut egui::Ui) {
        if ui
            .add_enabled(self.history.can_undo(), egui::Button::new("Undo (Ctrl+Z)"))
            .clicked()
        {
            self.undo();
        }
        if ui
            .add_enabled(
                self.history.can_redo(),
                egui::Button::new("Redo (Ctrl+Shift+Z)"),
            )
            .clicked()
        {
            self.redo();
        }
        ui.separator();
        if ui.button("Copy (Ctrl+C)").clicked() {
            self.copy_selection();
        }
        if ui.button("Paste (Ctrl+V)").clicked() {
            self.paste();
        }
        if ui.button("Delete (Del)").clicked() {
            self.delete_selection();
        }
        if ui.button("Select all (Ctrl+A)").clicked() {
            self.select_all();
        }
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let flows = self
                .doc
                .edges
                .iter()
                .filter(|edge| matches!(edge.kind, trustmap_model::document::EdgeKind::Flow(_)))
                .count();
            let zones = self.doc.nodes.iter().filter(|node| node.is_zone()).count();
            let result = self.review.current();
            ui.label(format!(
                "{} nodes, {} zones, {} flows, {} edges in all",
                self.doc.nodes.len() - zones,
                zones,
                flows,
                self.doc.edges.len()
            ));
            ui.separator();
            ui.label(format!("{} findings", result.review.findings.len()));
            ui.separator();
            // Before the review's time, whose width changes from one review to the next.
            ui.label(format!("zoom {}", zoom_percent(self.canvas.zoom())));
            ui.separator();
            let pending = if self.review.is_pending() {
                ", reviewing…"
            } else {
                ""
            };
            ui.label(format!(
                "review took {:.2} ms{pending}",
                result.duration.as_secs_f64() * 1000.0
            ));
            if let Some(error) = &self.edit_error {
                ui.separator();
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            if let Some(written) = &self.file_ui.export.last_written {
                ui.separator();
                ui.label(written);
            }
        });
    }

    /// Handles the keyboard shortcuts. Those that also edit text (copy, paste, select all,
    /// undo, delete) are left to a focused text field.
    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        let command = Modifiers::COMMAND;
        let command_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        let shortcut = |modifiers, key| {
            ctx.input_mut(|input| input.consume_shortcut(&KeyboardShortcut::new(modifiers, key)))
        };

        if self.modal_open() {
            if shortcut(Modifiers::NONE, Key::Escape) {
                self.dismiss_modal();
            }
            // Keys typed into the dialog's own fields reach them; none act behind it.
            return;
        }
        if shortcut(command, Key::N) {
            self.request_new("blank");
        }
        if shortcut(command, Key::O) {
            self.request_open();
        }
        if shortcut(command_shift, Key::S) {
            self.save_as();
        } else if shortcut(command, Key::S) {
            self.save();
        }

        if ctx.egui_wants_keyboard_input() || self.canvas.is_renaming() {
            return;
        }
        if shortcut(command_shift, Key::Z) || shortcut(command, Key::Y) {
            self.redo();
        } else if shortcut(command, Key::Z) {
            self.undo();
        }
        if shortcut(command, Key::A) {
            self.select_all();
        }
        let (copy, cut, pasted) = ctx.input(|input| {
            let mut found = (false, false, None);
            for event in &input.events {
                match event {
                    egui::Event::Copy => found.0 = true,
                    egui::Event::Cut => found.1 = true,
                    egui::Event::Paste(text) => found.2 = Some(text.clone()),
                    _ => {}
                }
            }
            found
        });
        if copy || cut || shortcut(command, Key::C) {
            self.copy_selection();
        }
        if cut || shortcut(command, Key::X) {
            self.delete_selection();
        }
        if let Some(text) = pasted {
            self.paste_text(&text);
        } else if shortcut(command, Key::V) {
            self.paste();
        }
        if shortcut(Modifiers::NONE, Key::Delete) || shortcut(Modifiers::NONE, Key::Backspace) {
            self.delete_selection();
        }
        if shortcut(Modifiers::NONE, Key::F) {
            self.canvas.request_fit();
        }
        if shortcut(Modifiers::NONE, Key::Escape) {
            self.selection.clear();
            self.canvas.cancel();
        }
    }
}

impl eframe::App for TrustmapApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.handle_close_request(&ctx);
        let title = self.title();
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
        self.show(ui);
        super::log_first_frame();
    }
}

/// Returns the model a window starts with when given no file: the blank template.
pub fn blank_document() -> Document {
    trustmap_model::templates::template("blank")
        .and_then(|template| trustmap_model::load::load_str(template.text, "blank").ok())
        .unwrap_or_else(|| Document::new("Untitled model"))
}

/// Returns a zoom as a percentage for the status bar, with a decimal below 10 percent so
/// that the zooms of a large model's overview stay apart: `0.05` gives `5.0%`.
fn zoom_percent(zoom: f32) -> String {
    let percent = zoom * 100.0;
    if percent < 10.0 {
        format!("{percent:.1}%")
    } else {
        format!("{percent:.0}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_percent_keeps_small_zooms_apart() {
        assert_eq!(zoom_percent(1.0), "100%");
        assert_eq!(zoom_percent(0.5), "50%");
        assert_eq!(zoom_percent(0.05), "5.0%");
        assert_eq!(zoom_percent(0.002), "0.2%");
    }
}
