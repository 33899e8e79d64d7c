//! The desktop window: a canvas to draw the model on, panels to edit it, and the review
//! answering live beside it.
//!
//! [`app::TrustmapApp`] holds the open document, its undo history, the selection and the
//! latest review; it draws the whole window into one [`egui::Ui`], so tests drive it the
//! same way eframe does. The canvas keeps its own camera and paints the shared diagram
//! geometry of the model crate. Every change to the document is an
//! [`trustmap_model::edit::Edit`] applied through the history, so each user action is one
//! undo step.

pub mod actions;
pub mod app;
pub mod canvas;
pub mod files;
pub mod icons;
pub mod live_review;
pub mod panels;
pub mod text;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_policies;

use std::path::PathBuf;

use anyhow::{Result, anyhow};

/// Opens the window on a model file, or on a new blank model, and returns when it closes.
pub fn run(file: Option<PathBuf>) -> Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Trustmap")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([640.0, 400.0])
            .with_app_id("trustmap"),
        ..eframe::NativeOptions::default()
    };

    eframe::run_native(
        "Trustmap",
        options,
        Box::new(move |creation| {
            text::setup_context(&creation.egui_ctx);
            let mut app = app::TrustmapApp::new(
                Box::new(files::NativeDialogs),
                files::RecentFiles::load_default(),
            );
            if let Some(path) = file {
                app.open_path(&path);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|err| anyhow!("could not open the window: {err}"))
}
