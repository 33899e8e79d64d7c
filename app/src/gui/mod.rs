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
pub mod autosave;
pub mod canvas;
pub mod export;
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
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};

/// When the window started to open, and how old the process was then.
static STARTED: OnceLock<(Instant, Duration)> = OnceLock::new();

/// Opens the window on a model file, or on a new blank model, and returns when it closes.
pub fn run(file: Option<PathBuf>) -> Result<()> {
    STARTED.get_or_init(|| (Instant::now(), process_age().unwrap_or_default()));
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
            if let Some(dir) = autosave::default_dir() {
                app.autosave = autosave::Autosave::start(&dir);
            }
            if let Some(path) = file {
                app.open_path(&path);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|err| anyhow!("could not open the window: {err}"))
}

/// Logs, once, how long after the process started the first frame was drawn, so that the
/// start-up time can be measured, such as under Xvfb.
pub fn log_first_frame() {
    static LOGGED: Once = Once::new();
    LOGGED.call_once(|| {
        let Some((opened, age)) = STARTED.get() else {
            return;
        };
        let elapsed = *age + opened.elapsed();
        log::info!("first frame after {} ms", elapsed.as_millis());
    });
}

/// Returns how long ago the process started, from `/proc` on Linux, to the hundredth of a
/// second the kernel counts in. `None` elsewhere or when `/proc` cannot be read.
fn process_age() -> Option<Duration> {
    /// Clock ticks per second of the times in `/proc`, which Linux fixes at 100 for
    /// programs whatever the kernel's own tick rate.
    const TICKS_PER_SECOND: f64 = 100.0;

    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let started_ticks = start_ticks(&stat)?;
    let uptime_seconds: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    let age = uptime_seconds - started_ticks as f64 / TICKS_PER_SECOND;
    Duration::try_from_secs_f64(age.max(0.0)).ok()
}

/// Returns the start time, in clock ticks after boot, from the text of `/proc/self/stat`:
/// its 22nd field. The second field, the command name in brackets, may hold spaces and
/// brackets, so the fields are counted from the last closing bracket.
fn start_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    // After the name come fields 3 (the state) onwards, so field 22 is the 20th.
    after_name.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod startup_tests {
    use super::*;

    #[test]
    fn start_ticks_are_counted_past_an_awkward_name() {
        // A command named "a) b" with the start time 4242 in field 22.
        let stat = "77 (a) b) S 1 77 77 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 4242 1000 50";
        assert_eq!(start_ticks(stat), Some(4242));
        assert_eq!(start_ticks("77 (short) S 1"), None);
    }

    #[test]
    fn this_process_has_an_age() {
        if cfg!(target_os = "linux") {
            let age = process_age().expect("/proc is readable");
            assert!(age < Duration::from_secs(24 * 3600));
        }
    }
}
