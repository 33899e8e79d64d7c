//! The blast-radius tab: pick an identity, and the canvas highlights what it reaches and
//! dims the rest, while the panel lists each reached resource.

use std::collections::HashSet;

use trustmap_model::document::{ExternalSort, NodeKind};
use trustmap_model::graph::Graph;
use trustmap_model::review::blast::{self, BlastRadius};

use crate::gui::app::TrustmapApp;
use crate::gui::canvas::Highlight;

/// The identity whose blast radius is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlastState {
    /// Its id.
    pub identity: Option<String>,
    /// The document generation the highlight was computed for.
    pub generation: Option<u64>,
}

/// Draws the blast-radius tab.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    let candidates: Vec<(String, String)> = app
        .doc
        .nodes
        .iter()
        .filter(|node| is_compromisable(&node.kind))
        .map(|node| (node.id.clone(), node.label.clone()))
        .collect();
    if candidates.is_empty() {
        ui.label("The model has no identity or workforce user.");
        return;
    }

    let current = app.panels.blast.identity.clone();
    let shown = current
        .as_ref()
        .and_then(|id| candidates.iter().find(|(known, _)| known == id))
        .map_or("Choose an identity", |(_, label)| label.as_str());
    let mut picked = None;
    egui::ComboBox::from_label("Compromised identity")
        .selected_text(crate::gui::text::display(shown))
        .show_ui(ui, |ui| {
            for (id, label) in &candidates {
                let text = format!("{} ({id})", crate::gui::text::display(label));
                if ui
                    .selectable_label(current.as_ref() == Some(id), text)
                    .clicked()
                {
                    picked = Some(id.clone());
                }
            }
        });
    if let Some(id) = picked {
        app.panels.blast.identity = Some(id);
        refresh_highlight(app);
    }
    if app.panels.blast.identity.is_some() && ui.button("Clear").clicked() {
        app.panels.blast.identity = None;
        app.canvas.highlight = None;
        return;
    }

    if app.panels.blast.identity.is_some() && app.panels.blast.generation != Some(app.generation())
    {
        refresh_highlight(app);
    }
    let Some(radius) = current_radius(app) else {
        return;
    };
    ui.separator();
    show_reached(ui, &radius);
}

/// Returns whether a node can be the compromised party: an identity, or a workforce user
/// or group.
fn is_compromisable(kind: &NodeKind) -> bool {
    match kind {
        NodeKind::Identity(_) => true,
        NodeKind::External(external) => matches!(
            external.sort,
            ExternalSort::WorkforceUser { .. } | ExternalSort::WorkforceGroup
        ),
        _ => false,
    }
}

fn current_radius(app: &TrustmapApp) -> Option<BlastRadius> {
    let id = app.panels.blast.identity.as_deref()?;
    let graph = Graph::new(&app.doc);
    let ix = graph.ix(id)?;
    Some(blast::blast_radius(&graph, ix))
}

/// Recomputes the canvas highlight for the chosen identity, or clears it when the identity
/// no longer exists.
pub fn refresh_highlight(app: &mut TrustmapApp) {
    app.panels.blast.generation = Some(app.generation());
    match current_radius(app) {
        Some(radius) => app.canvas.highlight = Some(highlight_of(&radius)),
        None => {
            app.panels.blast.identity = None;
            app.canvas.highlight = None;
        }
    }
}

/// Returns what a blast radius highlights: the compromised identity.
// TODO: add every reached resource once `BlastRadius` lists them.
fn highlight_of(radius: &BlastRadius) -> Highlight {
    Highlight {
        nodes: HashSet::from([radius.identity.clone()]),
        edges: HashSet::new(),
        dim_rest: true,
    }
}

/// Lists what a blast radius reaches. This is the one place that renders the list.
// TODO: list each reached resource with its access level and path once `BlastRadius`
// carries them; today it names only the identity.
fn show_reached(ui: &mut egui::Ui, radius: &BlastRadius) {
    ui.label(format!("Compromised: {}", radius.identity));
    ui.label("The review does not yet list the resources an identity reaches.");
}
