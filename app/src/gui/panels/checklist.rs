//! The checklist tab: every item by pillar with its automatic result, and the reviewer's
//! manual verdicts (pass, fail or not applicable, with name, date and comment), which are
//! saved in the document.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use egui::{Color32, RichText};
use trustmap_model::document::{ManualVerdict, Verdict};
use trustmap_model::edit::Edit;
use trustmap_model::review::Pillar;
use trustmap_model::review::checklist::{ItemResult, ItemState};

use crate::gui::app::TrustmapApp;

/// The verdicts being written, before they are saved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChecklistState {
    /// The reviewer's name, kept for every verdict of the session.
    pub reviewer: String,
    /// The item whose verdict form is open.
    pub open: Option<&'static str>,
    /// Each item's draft verdict and comment.
    pub drafts: HashMap<&'static str, Draft>,
}

/// A verdict being written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// The chosen verdict.
    pub verdict: Verdict,
    /// Why.
    pub comment: String,
}

/// Draws the checklist tab.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    let result = std::sync::Arc::clone(app.review.current());
    ui.horizontal(|ui| {
        let label = ui.label("Reviewer");
        ui.add(
            egui::TextEdit::singleline(&mut app.panels.checklist.reviewer)
                .id_salt("checklist-reviewer")
                .hint_text("Your name")
                .desired_width(200.0),
        )
        .labelled_by(label.id);
    });

    for pillar in Pillar::ALL {
        let items: Vec<&ItemResult> = result
            .review
            .checklist
            .iter()
            .filter(|item| item.pillar == pillar)
            .collect();
        if items.is_empty() {
            continue;
        }
        let failing = items
            .iter()
            .filter(|item| item.state == ItemState::Fail)
            .count();
        egui::CollapsingHeader::new(format!("{} ({failing} failing)", pillar.title()))
            .id_salt(("pillar", pillar.title()))
            .default_open(true)
            .show(ui, |ui| {
                for item in items {
                    item_row(app, ui, item);
                }
            });
    }
}

fn item_row(app: &mut TrustmapApp, ui: &mut egui::Ui, item: &ItemResult) {
    ui.horizontal(|ui| {
        let (state, color) = state_text(item.state);
        ui.label(RichText::new(state).color(color).strong().monospace());
        ui.label(RichText::new(item.id).monospace());
        ui.label(item.title);
        if item.findings > 0 {
            ui.label(format!("({} findings)", item.findings));
        }
        if !item.automatic {
            ui.label(RichText::new("manual").italics());
        }
        let open = app.panels.checklist.open == Some(item.id);
        let button = if open {
            format!("Close the verdict on {}", item.id)
        } else {
            format!("Verdict on {}…", item.id)
        };
        if ui.button(button).clicked() {
            app.panels.checklist.open = if open { None } else { Some(item.id) };
        }
    });
    if let Some(verdict) = &item.verdict {
        ui.indent(("verdict", item.id), |ui| {
            ui.label(format!(
                "{} by {} on {}{}",
                verdict_name(verdict.verdict),
                verdict.reviewer,
                verdict.date,
                if verdict.comment.is_empty() {
                    String::new()
                } else {
                    format!(": {}", verdict.comment)
                }
            ));
        });
    }
    if app.panels.checklist.open == Some(item.id) {
        ui.indent(("verdict-form", item.id), |ui| verdict_form(app, ui, item));
    }
}

fn verdict_form(app: &mut TrustmapApp, ui: &mut egui::Ui, item: &ItemResult) {
    let state = &mut app.panels.checklist;
    let draft = state.drafts.entry(item.id).or_insert_with(|| Draft {
        verdict: item
            .verdict
            .as_ref()
            .map_or(Verdict::Pass, |verdict| verdict.verdict),
        comment: item
            .verdict
            .as_ref()
            .map(|verdict| verdict.comment.clone())
            .unwrap_or_default(),
    });
    ui.horizontal(|ui| {
        for verdict in [Verdict::Pass, Verdict::Fail, Verdict::NotApplicable] {
            ui.radio_value(&mut draft.verdict, verdict, verdict_name(verdict));
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Comment");
        ui.add(
            egui::TextEdit::singleline(&mut draft.comment)
                .id_salt(("checklist-comment", item.id))
                .hint_text("Why")
                .desired_width(360.0),
        )
        .labelled_by(label.id);
    });

    let reviewer = state.reviewer.trim().to_owned();
    let draft = draft.clone();
    let mut edit = None;
    ui.horizontal(|ui| {
        let save = ui.add_enabled(!reviewer.is_empty(), egui::Button::new("Save verdict"));
        if reviewer.is_empty() {
            ui.label("Enter the reviewer's name first.");
        }
        if save.clicked() {
            edit = Some(Edit::SetVerdict {
                item: item.id.to_owned(),
                verdict: Some(ManualVerdict {
                    verdict: draft.verdict,
                    reviewer: reviewer.clone(),
                    date: today(),
                    comment: draft.comment.trim().to_owned(),
                }),
            });
        }
        if item.verdict.is_some() && ui.button("Clear verdict").clicked() {
            edit = Some(Edit::SetVerdict {
                item: item.id.to_owned(),
                verdict: None,
            });
        }
    });
    if let Some(edit) = edit
        && app.apply(edit)
    {
        app.panels.checklist.open = None;
        app.panels.checklist.drafts.remove(item.id);
    }
}

fn state_text(state: ItemState) -> (&'static str, Color32) {
    match state {
        ItemState::Pass => ("PASS", Color32::from_rgb(22, 163, 74)),
        ItemState::Fail => ("FAIL", Color32::from_rgb(220, 38, 38)),
        ItemState::Manual => ("TODO", Color32::from_rgb(202, 138, 4)),
        ItemState::NotApplicable => ("N/A ", Color32::from_gray(120)),
    }
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "Pass",
        Verdict::Fail => "Fail",
        Verdict::NotApplicable => "Not applicable",
    }
}

/// Returns today's date in UTC as ISO 8601 (`2026-12-04`).
pub fn today() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day), by
/// Howard Hinnant's `civil_from_days` algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn civil_dates_from_day_numbers() {
        // Day 0 is the epoch. 2000-01-01 is day 10,957 (30 years of 365 days and the leap
        // days of 1972 to 1996, 7 of them); March 1st comes 31 + 29 days later, 2000 being
        // a leap year.
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(20_791), (2026, 12, 4));
    }
}
