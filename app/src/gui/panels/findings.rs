//! The findings tab: every finding, grouped by severity. Selecting one highlights its
//! evidence path on the canvas and brings it into view.

use std::collections::HashSet;

use egui::{Color32, RichText};
use trustmap_model::document::Document;
use trustmap_model::{Finding, Severity};

use crate::gui::app::TrustmapApp;
use crate::gui::canvas::{Highlight, severity_color, to_pos};
use crate::gui::text;

/// The selected finding, by checklist item and title, which stay the same when the review
/// reruns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingsState {
    /// The selected finding's checklist item id and title.
    pub selected: Option<(String, String)>,
}

/// Draws the findings tab.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    let result = std::sync::Arc::clone(app.review.current());
    let findings = &result.review.findings;

    let selected_exists = app
        .panels
        .findings
        .selected
        .as_ref()
        .is_none_or(|(rule, title)| {
            findings
                .iter()
                .any(|finding| finding.rule == rule && finding.title == *title)
        });
    if !selected_exists {
        app.panels.findings.selected = None;
        app.canvas.highlight = None;
    }
    if findings.is_empty() {
        ui.label("No findings.");
        return;
    }

    for severity in Severity::ALL.into_iter().rev() {
        let group = &result.by_severity[severity as usize];
        if group.is_empty() {
            continue;
        }
        let heading = RichText::new(format!(
            "{} ({})",
            capitalized(severity.name()),
            group.len()
        ))
        .color(severity_color(severity))
        .strong();
        egui::CollapsingHeader::new(heading)
            .id_salt(("severity", severity.name()))
            .default_open(true)
            .show(ui, |ui| {
                let selected = group
                    .iter()
                    .position(|&index| is_selected(&app.panels.findings, &findings[index]));
                let (before, after) = match selected {
                    Some(position) => (&group[..position], &group[position + 1..]),
                    None => (&group[..], &[][..]),
                };
                finding_rows(app, ui, findings, before);
                if let Some(position) = selected {
                    finding_row(app, ui, &findings[group[position]]);
                }
                finding_rows(app, ui, findings, after);
            });
    }
}

fn is_selected(state: &FindingsState, finding: &Finding) -> bool {
    state
        .selected
        .as_ref()
        .is_some_and(|(rule, title)| rule == finding.rule && *title == finding.title)
}

/// Shows the rows of `indices`, each one line high, laying out only those in the visible
/// part of the list. The rows above and below it are passed over as one block of space
/// each: a large model has tens of thousands of findings, and even reserving their rows one
/// by one takes longer than a frame.
fn finding_rows(app: &mut TrustmapApp, ui: &mut egui::Ui, findings: &[Finding], indices: &[usize]) {
    if indices.is_empty() {
        return;
    }
    let row_height = ui.spacing().interact_size.y;
    let pitch = row_height + ui.spacing().item_spacing.y;
    let top = ui.cursor().top();
    let visible = ui.clip_rect().y_range();
    let first = (((visible.min - top) / pitch).floor().max(0.0) as usize).min(indices.len());
    let end = (((visible.max - top) / pitch).ceil().max(0.0) as usize).clamp(first, indices.len());

    skip_rows(ui, first, pitch);
    for &index in &indices[first..end] {
        let width = ui.available_width();
        let (_, rect) = ui.allocate_space(egui::vec2(width, row_height));
        ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
            // Every row is one line high, so a long title ends in an ellipsis instead of
            // wrapping over the next row.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            finding_row(app, ui, &findings[index]);
        });
    }
    skip_rows(ui, indices.len() - end, pitch);
}

/// Reserves the space of `count` rows, `pitch` apart, as one block.
fn skip_rows(ui: &mut egui::Ui, count: usize, pitch: f32) {
    if count > 0 {
        let height = count as f32 * pitch - ui.spacing().item_spacing.y;
        ui.allocate_space(egui::vec2(ui.available_width(), height));
    }
}

fn finding_row(app: &mut TrustmapApp, ui: &mut egui::Ui, finding: &Finding) {
    let key = (finding.rule.to_owned(), finding.title.clone());
    let is_selected = app.panels.findings.selected.as_ref() == Some(&key);
    // Each node's label is one unit in the title, so right-to-left labels on both sides
    // of an arrow keep the arrow between them. Only such titles pay for the lookup.
    let title = if text::has_right_to_left(&finding.title) {
        let labels = finding
            .nodes
            .iter()
            .filter_map(|id| app.doc.node(id))
            .map(|node| node.label.as_str());
        text::display(&text::isolated(&finding.title, labels)).into_owned()
    } else {
        finding.title.clone()
    };
    let row = format!("{}  {title}", finding.rule);
    if ui.selectable_label(is_selected, row).clicked() {
        if is_selected {
            app.panels.findings.selected = None;
            app.canvas.highlight = None;
        } else {
            select(app, finding);
        }
    }
    if is_selected {
        ui.indent(("finding-detail", finding.rule, &finding.title), |ui| {
            if !finding.evidence.is_empty() {
                ui.label(format!("Path: {}", finding.evidence.join(" → ")));
            }
            if !finding.unknown.is_empty() {
                ui.label(format!("Rests on unknown: {}", finding.unknown.join(", ")));
            }
            ui.label(RichText::new(finding.remediation).color(Color32::from_gray(70)));
            if !finding.pci.is_empty() {
                ui.label(format!("PCI DSS: {}", finding.pci.join(", ")));
            }
        });
    }
}

/// Selects a finding: highlights its evidence path, the nodes and edges it names and the
/// flows along the path, and brings them into view.
pub fn select(app: &mut TrustmapApp, finding: &Finding) {
    app.panels.findings.selected = Some((finding.rule.to_owned(), finding.title.clone()));
    let highlight = highlight_of(&app.doc, finding);
    if let Some(bounds) = world_bounds(&app.doc, &highlight.nodes) {
        app.canvas.request_bring_into_view(bounds);
    }
    app.canvas.highlight = Some(highlight);
}

/// Returns what a finding highlights: the evidence path's nodes, the nodes and edges the
/// finding names, and every edge joining two consecutive nodes of the path.
pub fn highlight_of(doc: &Document, finding: &Finding) -> Highlight {
    let nodes: HashSet<String> = finding
        .evidence
        .iter()
        .chain(&finding.nodes)
        .cloned()
        .collect();
    let mut edges: HashSet<String> = finding.edges.iter().cloned().collect();
    for pair in finding.evidence.windows(2) {
        edges.extend(
            doc.edges
                .iter()
                .filter(|edge| edge.from == pair[0] && edge.to == pair[1])
                .map(|edge| edge.id.clone()),
        );
    }
    Highlight {
        nodes,
        edges,
        dim_rest: true,
    }
}

/// Returns the world rectangle enclosing the named nodes, if any exists.
pub fn world_bounds(doc: &Document, ids: &HashSet<String>) -> Option<egui::Rect> {
    doc.nodes
        .iter()
        .filter(|node| ids.contains(&node.id))
        .map(|node| {
            egui::Rect::from_min_size(
                to_pos(node.position),
                egui::vec2(node.size.width, node.size.height),
            )
        })
        .reduce(|a, b| a.union(b))
}

fn capitalized(name: &str) -> String {
    let mut characters = name.chars();
    characters
        .next()
        .map(|first| first.to_uppercase().chain(characters).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use trustmap_model::document::{Edge, EdgeKind, Flow};

    use super::*;

    #[test]
    fn highlight_follows_the_evidence_path() {
        // Path a → b → c. Flows a→b and b→c lie on it. Flow c→a joins two path nodes but
        // runs against the path, so it is not highlighted unless the finding names it.
        let mut doc = Document::new("path");
        let flow = |id: &str, from: &str, to: &str| Edge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind: EdgeKind::Flow(Flow::default()),
        };
        doc.edges = vec![
            flow("ab", "a", "b"),
            flow("bc", "b", "c"),
            flow("ca", "c", "a"),
        ];
        let mut finding = Finding::new("REV-1", Severity::High, "c is reachable");
        finding.evidence = vec!["a".into(), "b".into(), "c".into()];
        finding.nodes = vec!["c".into()];

        let highlight = highlight_of(&doc, &finding);

        let expected_nodes: HashSet<String> = ["a", "b", "c"].map(String::from).into();
        let expected_edges: HashSet<String> = ["ab", "bc"].map(String::from).into();
        assert_eq!(highlight.nodes, expected_nodes);
        assert_eq!(highlight.edges, expected_edges);
        assert!(highlight.dim_rest);
    }
}
