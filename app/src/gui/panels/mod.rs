//! The panels around the canvas: the palette on the left, the inspector on the right and
//! the review panel with its tabs at the bottom.

pub mod blast_radius;
pub mod checklist;
pub mod findings;
pub mod inspector;
pub mod palette;
pub mod policies;

use super::app::TrustmapApp;

/// The tabs of the review panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReviewTab {
    /// Findings by severity.
    #[default]
    Findings,
    /// The checklist by pillar.
    Checklist,
    /// One identity's blast radius.
    BlastRadius,
    /// The Cedar policy stores.
    Policies,
}

/// The panels' own state.
#[derive(Debug, Default)]
pub struct PanelState {
    /// The open tab of the review panel.
    pub tab: ReviewTab,
    /// The findings panel's selection.
    pub findings: findings::FindingsState,
    /// The checklist's verdicts being written.
    pub checklist: checklist::ChecklistState,
    /// The identity whose blast radius is shown.
    pub blast: blast_radius::BlastState,
    /// Text being typed into the inspector.
    pub inspector: inspector::InspectorState,
    /// The policy stores' editor and request form.
    pub policies: policies::PoliciesState,
}

impl PanelState {
    /// Forgets what belonged to the previous document.
    pub fn reset_for_new_document(&mut self) {
        *self = Self {
            tab: self.tab,
            checklist: checklist::ChecklistState {
                reviewer: std::mem::take(&mut self.checklist.reviewer),
                ..Default::default()
            },
            ..Self::default()
        };
    }
}

/// Draws the palette, the inspector and the review panel.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    egui::Panel::left("palette")
        .resizable(false)
        .default_size(150.0)
        .show(ui, |ui| palette::show(app, ui));
    // Minimum sizes keep a panel usable after the window was made very small and then
    // large again: a panel keeps the size it was squeezed to.
    egui::Panel::right("inspector")
        .resizable(true)
        .default_size(300.0)
        .min_size(220.0)
        .show(ui, |ui| {
            // The panel keeps its width whatever is selected, so the canvas never moves:
            // the scroll area fills the width when the fields are narrower, and scrolls
            // sideways when they are wider.
            egui::ScrollArea::both()
                .auto_shrink([false, true])
                .id_salt("inspector-scroll")
                .show(ui, |ui| inspector::show(app, ui));
        });
    egui::Panel::bottom("review")
        .resizable(true)
        .default_size(230.0)
        .min_size(140.0)
        .show(ui, |ui| review_panel(app, ui));
}

fn review_panel(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        let findings = app.review.current().review.findings.len();
        let tabs = [
            (ReviewTab::Findings, format!("Findings ({findings})")),
            (ReviewTab::Checklist, "Checklist".to_owned()),
            (ReviewTab::BlastRadius, "Blast radius".to_owned()),
            (ReviewTab::Policies, "Policies".to_owned()),
        ];
        for (tab, title) in tabs {
            if ui.selectable_label(app.panels.tab == tab, title).clicked() && app.panels.tab != tab
            {
                policies::commit(app);
                app.panels.tab = tab;
                // The blast radius dims the canvas only while its tab is open.
                if tab != ReviewTab::BlastRadius && app.panels.blast.identity.is_some() {
                    app.canvas.highlight = None;
                }
                if tab == ReviewTab::BlastRadius {
                    blast_radius::refresh_highlight(app);
                }
            }
        }
        ui.separator();
        ui.label(app.review.current().review.questions.east_west.summary());
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("review-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| match app.panels.tab {
            ReviewTab::Findings => findings::show(app, ui),
            ReviewTab::Checklist => checklist::show(app, ui),
            ReviewTab::BlastRadius => blast_radius::show(app, ui),
            ReviewTab::Policies => policies::show(app, ui),
        });
}
