//! The blast-radius tab: pick an identity, and the canvas highlights what it reaches and
//! dims the rest, while the panel lists each reached resource with its access and the path
//! that gives it.
//!
//! The identity comes from the combo box or from selecting it on the canvas while the tab
//! is open. The list puts crown jewels first and, within each group, keeps the review's
//! order: strongest access first, then by id. Clicking a row selects that node and brings
//! it into view.

use std::collections::HashSet;
use std::sync::{Arc, TryLockError};

use egui::{Color32, RichText};
use trustmap_model::Document;
use trustmap_model::graph::Graph;
use trustmap_model::review::blast::{self, Access, BlastRadius, Evidence, Reached};

use crate::gui::app::TrustmapApp;
use crate::gui::canvas::Highlight;
use crate::gui::text::display;

use super::findings::world_bounds;

/// The identity whose blast radius is shown, and what was computed for it.
#[derive(Clone, Debug, Default)]
pub struct BlastState {
    /// Its id.
    pub identity: Option<String>,
    /// The document generation the list and the highlight were computed for.
    pub generation: Option<u64>,
    /// The nodes that can be compromised, as id and label, for the combo box.
    candidates: Vec<(String, String)>,
    /// The blast radius of the identity, with crown jewels first.
    radius: Option<Arc<BlastRadius>>,
    /// The single node selected when the tab last looked, so that only a new selection on
    /// the canvas picks the identity.
    seen_selection: Option<String>,
}

impl BlastState {
    /// Returns the blast radius on show, if an identity is chosen.
    #[cfg(test)]
    pub fn radius(&self) -> Option<&BlastRadius> {
        self.radius.as_deref()
    }
}

/// Draws the blast-radius tab.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    if app.panels.blast.generation != Some(app.generation()) {
        refresh_highlight(app);
    }
    follow_canvas_selection(app);

    if app.panels.blast.candidates.is_empty() {
        ui.label("The model has no identity or workforce user.");
        return;
    }
    ui.horizontal(|ui| identity_picker(app, ui));

    let Some(radius) = app.panels.blast.radius.clone() else {
        return;
    };
    ui.separator();
    show_reached(app, ui, &radius);
}

/// Picks the identity selected alone on the canvas, when the selection is new and the node
/// can be compromised. A selection made by clicking a row of the list is already seen, so
/// it never replaces the identity.
fn follow_canvas_selection(app: &mut TrustmapApp) {
    let single = if app.selection.nodes.len() == 1 && app.selection.edges.is_empty() {
        app.selection.nodes.first().cloned()
    } else {
        None
    };
    if single == app.panels.blast.seen_selection {
        return;
    }
    app.panels.blast.seen_selection.clone_from(&single);
    let Some(id) = single else {
        return;
    };
    let compromisable = app
        .panels
        .blast
        .candidates
        .iter()
        .any(|(known, _)| *known == id);
    if compromisable && app.panels.blast.identity.as_ref() != Some(&id) {
        app.panels.blast.identity = Some(id);
        refresh_highlight(app);
    }
}

fn identity_picker(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    let current = app.panels.blast.identity.clone();
    let candidates = &app.panels.blast.candidates;
    let shown = current
        .as_ref()
        .and_then(|id| candidates.iter().find(|(known, _)| known == id))
        .map_or("Choose an identity", |(_, label)| label.as_str());
    let mut picked = None;
    egui::ComboBox::from_label("Compromised identity")
        .selected_text(display(shown))
        .show_ui(ui, |ui| {
            for (id, label) in candidates {
                let text = format!("{} ({id})", display(label));
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
        app.panels.blast.radius = None;
        app.canvas.highlight = None;
    }
}

/// Recomputes the candidates, the blast radius and the canvas highlight for the chosen
/// identity. An identity that no longer exists, or can no longer be compromised, is
/// forgotten and the highlight cleared.
pub fn refresh_highlight(app: &mut TrustmapApp) {
    let generation = app.generation();
    let mut graph = Graph::new(&app.doc);
    // Ask the policy stores, so services a store lets the identity call count as reached.
    // The review has usually filled the cache with these decisions already. While a review
    // worker holds the cache this waits for a later frame (the worker's result repaints)
    // rather than block the window.
    let facts = match app.review.cache().try_lock() {
        Ok(mut cache) => trustmap_model::policy::facts::compute(&graph, &mut cache),
        Err(TryLockError::Poisoned(poisoned)) => {
            trustmap_model::policy::facts::compute(&graph, &mut poisoned.into_inner())
        }
        Err(TryLockError::WouldBlock) => return,
    };
    graph.set_cedar(facts);
    let state = &mut app.panels.blast;
    state.generation = Some(generation);
    state.candidates = blast::compromisable(&graph)
        .into_iter()
        .map(|ix| {
            let node = graph.node(ix);
            (node.id.clone(), node.label.clone())
        })
        .collect();

    let chosen = state
        .identity
        .as_deref()
        .filter(|id| state.candidates.iter().any(|(known, _)| known == id))
        .and_then(|id| graph.ix(id));
    match chosen {
        Some(ix) => {
            let mut radius = blast::blast_radius(&graph, ix);
            crown_jewels_first(&mut radius.reached);
            app.canvas.highlight = Some(highlight_of(&radius));
            state.radius = Some(Arc::new(radius));
        }
        None => {
            if state.identity.take().is_some() {
                app.canvas.highlight = None;
            }
            state.radius = None;
        }
    }
}

/// Puts crown jewels first. The sort is stable, so within each group the review's order
/// stays: strongest access first, then by id.
fn crown_jewels_first(reached: &mut [Reached]) {
    reached.sort_by_key(|entry| !entry.crown_jewel);
}

/// Returns what a blast radius highlights: the compromised identity, every node it reaches
/// and every node and edge along the paths that give the access. The rest is dimmed.
fn highlight_of(radius: &BlastRadius) -> Highlight {
    let mut nodes = HashSet::from([radius.identity.clone()]);
    let mut edges = HashSet::new();
    for reached in &radius.reached {
        nodes.insert(reached.node.clone());
        for evidence in &reached.evidence {
            nodes.extend(evidence.nodes.iter().cloned());
            edges.extend(evidence.edges.iter().cloned());
        }
    }
    Highlight {
        nodes,
        edges,
        dim_rest: true,
    }
}

/// Lists what a blast radius reaches: a summary, then one row per node with its access, the
/// data it exposes and the path that gives the strongest access. This is the one place
/// that renders the list.
fn show_reached(app: &mut TrustmapApp, ui: &mut egui::Ui, radius: &BlastRadius) {
    ui.label(summary(&app.doc, radius));
    if radius.cedar_not_evaluated {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "Cedar policies are not evaluated, so services a policy store lets it call may be \
             missing.",
        );
    }
    if radius.reached.is_empty() {
        ui.label("It reaches nothing beyond itself.");
        return;
    }

    let mut clicked = None;
    egui::Grid::new("blast-radius-list")
        .striped(true)
        .num_columns(4)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for heading in ["Resource", "Access", "Data exposed", "Path"] {
                ui.label(RichText::new(heading).strong());
            }
            ui.end_row();
            for reached in &radius.reached {
                if reached_row(
                    &app.doc,
                    ui,
                    reached,
                    app.selection.nodes.contains(&reached.node),
                ) {
                    clicked = Some(reached.node.clone());
                }
                ui.end_row();
            }
        });

    if let Some(id) = clicked {
        select_and_show(app, &id);
    }
}

/// Draws one row of the list and returns whether its resource was clicked.
fn reached_row(doc: &Document, ui: &mut egui::Ui, reached: &Reached, selected: bool) -> bool {
    let mut name = format!(
        "{} ({})",
        display(label_of(doc, &reached.node)),
        reached.node
    );
    if reached.crown_jewel {
        name = format!("★ {name}");
    }
    let clicked = ui
        .selectable_label(selected, name)
        .on_hover_text(format!(
            "{}{}",
            reached.kind,
            if reached.crown_jewel {
                ", a crown jewel"
            } else {
                ""
            }
        ))
        .clicked();

    let mut access = reached.access_text();
    if reached.through_another_identity {
        access.push_str(" (through another identity)");
    }
    ui.label(access);
    ui.label(reached.exposure_text());

    match reached.evidence.first() {
        Some(evidence) => {
            let all: Vec<String> = reached
                .evidence
                .iter()
                .map(|evidence| evidence_detail(doc, evidence))
                .collect();
            let path = RichText::new(path_text(doc, evidence)).color(Color32::from_gray(70));
            // The path is the last column; it wraps at the panel's edge.
            ui.add(egui::Label::new(path).wrap())
                .on_hover_text(all.join("\n"));
        }
        None => {
            ui.label("");
        }
    }
    clicked
}

/// Selects a node alone and brings it into view, keeping the blast radius on show.
fn select_and_show(app: &mut TrustmapApp, id: &str) {
    app.selection.only_node(id);
    app.panels.blast.seen_selection = Some(id.to_owned());
    if let Some(bounds) = world_bounds(&app.doc, &HashSet::from([id.to_owned()])) {
        app.canvas.request_bring_into_view(bounds);
    }
}

/// Returns the one-line summary above the list.
fn summary(doc: &Document, radius: &BlastRadius) -> String {
    let jewels: usize = radius
        .reached
        .iter()
        .filter(|reached| reached.crown_jewel)
        .count();
    let mut text = format!(
        "{} reaches {} nodes, {jewels} of them crown jewels: {} written, {} with data exposed.",
        display(label_of(doc, &radius.identity)),
        radius.reached.len(),
        radius.crown_jewels_written,
        radius.crown_jewels_read,
    );
    if radius.mfa {
        text.push_str(" It signs in with MFA.");
    }
    text
}

/// Returns an evidence path as node labels joined by the kinds of the edges between them,
/// such as `Pod SA ─can assume→ Pod role ─grants→ Login`.
fn path_text(doc: &Document, evidence: &Evidence) -> String {
    let mut text = String::new();
    for (index, node) in evidence.nodes.iter().enumerate() {
        if index > 0 {
            let kind = evidence
                .edges
                .get(index - 1)
                .and_then(|id| doc.edge(id))
                .map_or("", |edge| edge.kind.name());
            text.push_str(&format!(" ─{kind}→ "));
        }
        text.push_str(&display(label_of(doc, node)));
    }
    text
}

/// Returns one evidence path with the access it gives and its node and edge ids, for the
/// hover text.
fn evidence_detail(doc: &Document, evidence: &Evidence) -> String {
    let access = match evidence.access {
        Access::Hold(hold) => hold.name(),
        Access::Action(action) => action.name(),
    };
    let through = if evidence.through_another_identity {
        ", through another identity"
    } else {
        ""
    };
    format!(
        "{access}{through}: {}\n    edges: {}",
        path_text(doc, evidence),
        evidence.edges.join(", ")
    )
}

/// Returns a node's label, or its id when the label is empty or the node is gone.
fn label_of<'a>(doc: &'a Document, id: &'a str) -> &'a str {
    doc.node(id)
        .map(|node| node.label.as_str())
        .filter(|label| !label.is_empty())
        .unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use trustmap_model::document::{Action, DataClass};

    use super::*;

    fn reached(node: &str, crown_jewel: bool) -> Reached {
        Reached {
            node: node.to_owned(),
            kind: "data store",
            hold: None,
            access: vec![Action::Read],
            own_access: vec![Action::Read],
            data_classes: vec![DataClass::Pii],
            encrypted: false,
            decrypted_with: None,
            crown_jewel,
            through_another_identity: false,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn crown_jewels_come_first_and_keep_their_order() {
        // The review's order is a, b, c, d; b and d are crown jewels. Crown jewels first,
        // each group in the review's order: b, d, a, c.
        let mut list = vec![
            reached("a", false),
            reached("b", true),
            reached("c", false),
            reached("d", true),
        ];
        crown_jewels_first(&mut list);
        let order: Vec<&str> = list.iter().map(|entry| entry.node.as_str()).collect();
        assert_eq!(order, ["b", "d", "a", "c"]);
    }

    #[test]
    fn highlight_covers_reached_nodes_and_paths() {
        // Identity i reaches store s through role r: i -assume-> r -grants-> s.
        let mut store = reached("s", true);
        store.evidence = vec![Evidence {
            access: Access::Action(Action::Read),
            through_another_identity: false,
            nodes: vec!["i".into(), "r".into(), "s".into()],
            edges: vec!["i-r".into(), "r-s".into()],
        }];
        let radius = BlastRadius {
            identity: "i".into(),
            reached: vec![store],
            ..BlastRadius::default()
        };
        let highlight = highlight_of(&radius);
        let nodes: HashSet<String> = ["i", "r", "s"].map(String::from).into();
        let edges: HashSet<String> = ["i-r", "r-s"].map(String::from).into();
        assert_eq!(highlight.nodes, nodes);
        assert_eq!(highlight.edges, edges);
        assert!(highlight.dim_rest);
    }

    #[test]
    fn access_and_exposure_read_as_words() {
        let mut role = reached("r", false);
        role.hold = Some(blast::Hold::Assumed);
        role.access = vec![Action::Configure];
        role.data_classes = Vec::new();
        assert_eq!(role.access_text(), "assumed, configure");
        assert_eq!(role.exposure_text(), "none");

        let mut store = reached("s", true);
        store.encrypted = true;
        assert_eq!(store.exposure_text(), "none (encrypted)");
    }
}
