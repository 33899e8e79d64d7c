//! File > Export: the one-page blueprint as PDF or SVG, the diagram as SVG or PNG, and the
//! diagram as Graphviz DOT or Mermaid text.
//!
//! The bytes come from the model crate's exporters, the same ones the `export` command
//! uses. The path comes from the save dialog, filtered to the format's extension, or from
//! the typed-path prompt where no dialog exists. A worker thread renders and writes the
//! file, so a large PDF or PNG does not freeze the window, and one export runs at a time.
//! Each file is written beside its destination and renamed over it, so a reader never sees
//! half a file. Errors show in the window's error dialog, and characters that no font has
//! show in a warning.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use egui::containers::menu::{MenuConfig, SubMenuButton};
use trustmap_model::Document;
use trustmap_model::export::{
    self, ExportError, PageOptions, PageSize, dot, fonts::Fonts, mermaid, pdf, png, svg,
};
use trustmap_model::geometry::Diagram;
use trustmap_model::graph::Graph;
use trustmap_model::policy::derive;

use super::app::TrustmapApp;
use super::files::{DialogAnswer, PathPurpose};

/// Pixels of an exported PNG per unit of the diagram, as the `export` command's default.
pub const PNG_SCALE: f32 = 2.0;

/// One kind of file the window exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// The one-page blueprint as PDF, on this paper.
    Pdf(PageSize),
    /// The one-page blueprint as SVG, laid out for this paper.
    PageSvg(PageSize),
    /// The diagram alone as SVG.
    DiagramSvg,
    /// The diagram alone as PNG.
    Png,
    /// The diagram as Graphviz DOT.
    Dot,
    /// The diagram as a Mermaid flowchart.
    Mermaid,
    /// The model as Open Threat Model JSON.
    Otm,
    /// The Cedar schema derived from the model, as JSON.
    CedarSchema,
    /// The Cedar entities derived from the model, as JSON.
    CedarEntities,
}

/// A file-type filter of a save dialog: its name and the extensions it lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileFilter {
    /// The file type's name in the dialog, such as `PDF document`.
    pub name: &'static str,
    /// The extensions without the dot, the one given to new files first.
    pub extensions: &'static [&'static str],
}

impl ExportFormat {
    /// Returns the menu entry of the format.
    pub fn menu_label(self) -> &'static str {
        match self {
            Self::Pdf(_) => "PDF page…",
            Self::PageSvg(_) => "Page SVG…",
            Self::DiagramSvg => "Diagram SVG…",
            Self::Png => "Diagram PNG…",
            Self::Dot => "Graphviz DOT…",
            Self::Mermaid => "Mermaid flowchart…",
            Self::Otm => "Open Threat Model JSON…",
            Self::CedarSchema => "Cedar schema JSON…",
            Self::CedarEntities => "Cedar entities JSON…",
        }
    }

    /// Returns the heading of the typed-path prompt for the format.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Pdf(_) => "Export the page as PDF",
            Self::PageSvg(_) => "Export the page as SVG",
            Self::DiagramSvg => "Export the diagram as SVG",
            Self::Png => "Export the diagram as PNG",
            Self::Dot => "Export the diagram as Graphviz DOT",
            Self::Mermaid => "Export the diagram as Mermaid",
            Self::Otm => "Export the model as Open Threat Model JSON",
            Self::CedarSchema => "Export the derived Cedar schema",
            Self::CedarEntities => "Export the derived Cedar entities",
        }
    }

    /// Returns the save dialog's filter for the format.
    pub fn filter(self) -> FileFilter {
        let (name, extensions): (&'static str, &'static [&'static str]) = match self {
            Self::Pdf(_) => ("PDF document", &["pdf"]),
            Self::PageSvg(_) | Self::DiagramSvg => ("SVG image", &["svg"]),
            Self::Png => ("PNG image", &["png"]),
            Self::Dot => ("Graphviz DOT", &["dot", "gv"]),
            Self::Mermaid => ("Mermaid diagram", &["mmd", "mermaid"]),
            Self::Otm | Self::CedarSchema | Self::CedarEntities => ("JSON", &["json"]),
        };
        FileFilter { name, extensions }
    }

    /// Returns the file name suggested for a model: its stem, with `-page` for the page
    /// exports, and the format's extension.
    pub fn file_name(self, stem: &str) -> String {
        let extension = self.filter().extensions[0];
        match self {
            Self::Pdf(_) | Self::PageSvg(_) => format!("{stem}-page.{extension}"),
            Self::Otm => format!("{stem}.otm.{extension}"),
            Self::CedarSchema => format!("{stem}.cedarschema.{extension}"),
            Self::CedarEntities => format!("{stem}.entities.{extension}"),
            _ => format!("{stem}.{extension}"),
        }
    }
}

/// The outcome of an export on the worker thread: the characters no font has, or the error.
type ExportOutcome = Result<BTreeSet<char>, String>;

/// The export settings the menu keeps between exports, and the export running.
#[derive(Debug, Default)]
pub struct ExportUi {
    /// The export running on the worker thread: its destination and where its outcome
    /// arrives.
    running: Option<(PathBuf, Receiver<ExportOutcome>)>,
    /// The paper of the page exports.
    pub page_size: PageSize,
    /// The message naming the last file saved or exported, shown in the status bar.
    pub last_written: Option<String>,
    /// Characters of the last export that no font has, shown in a warning until dismissed.
    pub missing: Option<(String, BTreeSet<char>)>,
}

impl ExportUi {
    /// Returns whether an export is running.
    #[cfg(test)]
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }
}

/// The output of an export.
#[derive(Debug)]
pub struct Exported {
    /// The file's content.
    pub bytes: Vec<u8>,
    /// Characters that no bundled or installed font has; the PDF prints U+FFFD in their
    /// place.
    pub missing: BTreeSet<char>,
}

/// Renders a model in a format. The diagram must be the model's current geometry.
pub fn render(
    doc: &Document,
    diagram: &Diagram,
    format: ExportFormat,
    date: String,
) -> Result<Exported, ExportError> {
    let mut missing = BTreeSet::new();
    let bytes = match format {
        ExportFormat::Pdf(size) | ExportFormat::PageSvg(size) => {
            let review = trustmap_model::review::review(doc);
            let options = PageOptions { size, date };
            let page = export::page::layout(doc, diagram, &review, &options, Fonts::new());
            missing.extend(page.missing_characters().iter().copied());
            if matches!(format, ExportFormat::Pdf(_)) {
                pdf::write(&page)?
            } else {
                svg::page(&page).into_bytes()
            }
        }
        ExportFormat::DiagramSvg | ExportFormat::Png => {
            let review = trustmap_model::review::review(doc);
            let mut fonts = Fonts::new();
            let diagram_svg = svg::diagram(doc, diagram, &review, &mut fonts);
            missing.extend(fonts.missing().iter().copied());
            if format == ExportFormat::Png {
                png::render(&diagram_svg, PNG_SCALE)?
            } else {
                diagram_svg.into_bytes()
            }
        }
        ExportFormat::Dot => dot::write(doc, diagram).into_bytes(),
        ExportFormat::Mermaid => mermaid::write(doc, diagram).into_bytes(),
        ExportFormat::Otm => json_bytes(&trustmap_model::import::export_otm(doc)),
        ExportFormat::CedarSchema => json_bytes(&derive::model_schema_json(&Graph::new(doc))),
        ExportFormat::CedarEntities => json_bytes(&derive::model_entities_json(&Graph::new(doc))),
    };
    Ok(Exported { bytes, missing })
}

/// Returns a JSON value as pretty-printed text with a final newline.
fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.push('\n');
    text.into_bytes()
}

/// Draws the Export submenu of the File menu. Choosing the page size keeps the menu open;
/// choosing a format closes it.
pub fn menu(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    let config = MenuConfig::new().close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    SubMenuButton::new("Export")
        .config(config)
        .ui(ui, |ui| menu_contents(app, ui));
}

fn menu_contents(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    ui.label("Page size");
    ui.horizontal(|ui| {
        let size = &mut app.file_ui.export.page_size;
        ui.radio_value(size, PageSize::A4, "A4");
        ui.radio_value(size, PageSize::Letter, "Letter");
    });
    let size = app.file_ui.export.page_size;
    let formats = [
        ExportFormat::Pdf(size),
        ExportFormat::PageSvg(size),
        ExportFormat::DiagramSvg,
        ExportFormat::Png,
        ExportFormat::Dot,
        ExportFormat::Mermaid,
        ExportFormat::Otm,
        ExportFormat::CedarSchema,
        ExportFormat::CedarEntities,
    ];
    for (index, format) in formats.into_iter().enumerate() {
        if index == 2 || index == 6 {
            ui.separator();
        }
        if ui.button(format.menu_label()).clicked() {
            ui.close();
            app.request_export(format);
        }
    }
}

impl TrustmapApp {
    /// Asks where to export and exports there. Returns whether a file was written.
    pub fn request_export(&mut self, format: ExportFormat) -> bool {
        let stem = self.export_stem();
        let file_name = format.file_name(&stem);
        let start = self.path.clone();
        match self
            .dialogs
            .pick_export(start.as_deref(), &file_name, &format.filter())
        {
            DialogAnswer::Picked(path) => self.export_to(format, &path),
            DialogAnswer::Cancelled => false,
            DialogAnswer::Unavailable => {
                let typed = start.as_deref().and_then(Path::parent).map_or_else(
                    || file_name.clone(),
                    |dir| dir.join(&file_name).display().to_string(),
                );
                self.file_ui.typed_path = Some((PathPurpose::Export(format), typed));
                false
            }
        }
    }

    /// Starts exporting the model in a format to a path on a worker thread. Returns whether
    /// the export started. Its outcome shows when it ends: an error in the error dialog,
    /// missing characters in a warning.
    pub fn export_to(&mut self, format: ExportFormat, path: &Path) -> bool {
        if let Some((running, _)) = &self.file_ui.export.running {
            self.file_ui.error = Some(format!(
                "{} is still being exported; export again once it is done",
                running.display()
            ));
            return false;
        }
        if self
            .path
            .as_deref()
            .is_some_and(|model| same_file(model, path))
        {
            self.file_ui.error = Some(format!(
                "{} is the model itself; choose another file to export to",
                path.display()
            ));
            return false;
        }

        let date = jiff::Zoned::now().date().to_string();
        let diagram = self.diagram();
        let doc = self.doc.clone();
        let destination = path.to_owned();
        let (sender, receiver) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("export".to_owned())
            .spawn(move || {
                let written = render(&doc, &diagram, format, date)
                    .map_err(|err| err.to_string())
                    .and_then(|exported| {
                        trustmap_model::load::write_file(&destination, &exported.bytes)
                            .map(|()| exported.missing)
                            .map_err(|err| err.to_string())
                    });
                // The window may have closed meanwhile, so no receiver is left and the send fails.
                let _ = sender.send(written);
            });
        match spawned {
            Ok(_) => {
                self.file_ui.export.last_written = Some(format!("Exporting {}…", path.display()));
                self.file_ui.export.running = Some((path.to_owned(), receiver));
                true
            }
            Err(err) => {
                self.file_ui.error = Some(format!("could not start the export: {err}"));
                false
            }
        }
    }

    /// Takes the outcome of the running export when it has ended, and keeps the window
    /// awake while it runs.
    pub fn poll_export(&mut self, ctx: &egui::Context) {
        let Some((path, receiver)) = &self.file_ui.export.running else {
            return;
        };
        let outcome = match receiver.try_recv() {
            Ok(outcome) => outcome,
            Err(TryRecvError::Empty) => {
                ctx.request_repaint_after(Duration::from_millis(50));
                return;
            }
            Err(TryRecvError::Disconnected) => Err(format!(
                "the export of {} stopped unexpectedly",
                path.display()
            )),
        };
        let shown = path.display().to_string();
        self.file_ui.export.running = None;
        match outcome {
            Ok(missing) => {
                log::info!("exported {shown}");
                self.file_ui.export.last_written = Some(format!("Exported {shown}"));
                self.file_ui.export.missing = (!missing.is_empty()).then_some((shown, missing));
            }
            Err(message) => {
                log::warn!("export failed: {message}");
                self.file_ui.export.last_written = None;
                self.file_ui.error = Some(message);
            }
        }
    }

    /// Returns the stem of exported file names: the model file's name without its
    /// extensions, or the model's name in lowercase words.
    fn export_stem(&self) -> String {
        let from_path = self
            .path
            .as_deref()
            .and_then(Path::file_name)
            .map(|name| name.to_string_lossy().into_owned());
        let name = from_path.unwrap_or_else(|| super::files::suggested_file_name(&self.doc.name));
        let stem = name
            .strip_suffix(".trustmap.ron")
            .or_else(|| name.strip_suffix(".ron"))
            .unwrap_or(&name);
        if stem.is_empty() {
            "model".to_owned()
        } else {
            stem.to_owned()
        }
    }

    /// Draws the warning about characters that no font has, until dismissed.
    pub fn show_export_warning(&mut self, ctx: &egui::Context) {
        let Some((path, missing)) = &self.file_ui.export.missing else {
            return;
        };
        let mut dismissed = false;
        egui::Modal::new(egui::Id::unique("export-missing-glyphs")).show(ctx, |ui| {
            ui.heading("Some characters have no font");
            ui.label(format!(
                "No bundled or installed font has {}. {path} shows U+FFFD (�) in their place.",
                describe_characters(missing)
            ));
            if ui.button("OK").clicked() {
                dismissed = true;
            }
        });
        if dismissed {
            self.file_ui.export.missing = None;
        }
    }
}

/// Returns the characters with their code points, such as `€ (U+20AC), ∑ (U+2211)`. At most
/// twenty are named; the rest are counted.
fn describe_characters(missing: &BTreeSet<char>) -> String {
    const SHOWN: usize = 20;
    let mut listed: Vec<String> = missing
        .iter()
        .take(SHOWN)
        .map(|ch| format!("{ch} (U+{:04X})", u32::from(*ch)))
        .collect();
    if missing.len() > SHOWN {
        listed.push(format!("{} more", missing.len() - SHOWN));
    }
    listed.join(", ")
}

/// Returns whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_takes_first_filter_extension() {
        assert_eq!(
            ExportFormat::Pdf(PageSize::Letter).file_name("payments"),
            "payments-page.pdf"
        );
        assert_eq!(ExportFormat::Dot.file_name("payments"), "payments.dot");
        assert_eq!(ExportFormat::Mermaid.file_name("payments"), "payments.mmd");
        assert_eq!(ExportFormat::Png.filter().extensions, ["png"]);
    }

    #[test]
    fn many_missing_characters_are_counted_past_twenty() {
        // 25 characters: the first twenty are named, then "5 more".
        let missing: BTreeSet<char> = ('\u{4e00}'..'\u{4e19}').collect();
        assert_eq!(missing.len(), 25);
        let text = describe_characters(&missing);
        assert!(text.starts_with("一 (U+4E00), "), "{text}");
        assert!(text.ends_with(", 5 more"), "{text}");
    }
}
