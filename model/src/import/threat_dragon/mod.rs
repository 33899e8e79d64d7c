//! Import of OWASP Threat Dragon models, versions 1 and 2.
//!
//! Actors become external nodes, processes services, stores data stores and flows flows; a
//! bidirectional flow becomes two flows. Threat Dragon draws trust boundaries as shapes
//! without member lists, so:
//!
//! - a boundary box becomes a zone holding every element and box whose centre lies inside
//!   it or on its border, the smallest such box winning;
//! - a boundary curve becomes nothing itself, but marks each flow it crosses. A flow that
//!   crosses one runs on a public network (guessed), because Threat Dragon's
//!   `isPublicNetwork` flag is off by default and so cannot tell "private" from "not set".
//!
//! A file with several diagrams becomes one model with one zone per diagram, the diagrams
//! side by side. The drawing's positions are kept. Threat Dragon states no authentication
//! or authorization, so both are unknown on every flow and reported as guessed.

mod geometry;
mod input;

use std::collections::HashMap;

use crate::document::{
    DataClass, DataStore, Document, Edge, EdgeKind, Encryption, External, ExternalSort, Flow,
    NetworkPath, Node, NodeKind, Point, Service, Size, Tls, Zone, ZoneSort,
};
use crate::import::{
    IdAllocator, Import, ImportError, ImportReport, check_size, clean_label, json, slug, strip_html,
};

use geometry::{Box2, Pt, polylines_cross};
use input::{Cell, CellKind, Diagram, End, Model};

/// Horizontal space between two diagrams of one file, in drawing units.
const DIAGRAM_GAP: f64 = 200.0;
/// Space between a diagram zone's border and its contents.
const DIAGRAM_PADDING: f64 = 30.0;
/// Extra space at the top of a diagram zone for its label.
const DIAGRAM_HEADER: f64 = 30.0;
/// Above this many flow and curve segment pairs, flows are not tested against boundary
/// curves, so that a huge drawing imports in bounded time.
const MAX_CROSSING_TESTS: usize = 50_000_000;

/// Imports a Threat Dragon JSON model, version 1 or 2; `file` names the input in error
/// messages.
///
/// The report lists every element, boundary and flow as mapped, each value the importer
/// chose as guessed, and the rest (text blocks, threats, flows that do not join two
/// elements) as left out.
pub fn import_threat_dragon(text: &str, file: &str) -> Result<Import, ImportError> {
    let root = json::parse(text, file)?;
    let model = input::read(&json::Field::root(file, &root))?;
    let cells: usize = model.diagrams.iter().map(|d| d.cells.len()).sum();
    check_size(file, "detail.diagrams", cells, cells)?;

    let mut import = Builder::new(&model).build();
    super::clean::clean_texts(&mut import.document, &mut import.report);
    log::info!(
        "imported {file}: {} nodes, {} edges, {} guesses, {} left out",
        import.document.nodes.len(),
        import.document.edges.len(),
        import.report.guessed.len(),
        import.report.left_out.len()
    );
    Ok(import)
}

/// Builds the document and the report from a read model.
struct Builder<'m> {
    model: &'m Model,
    document: Document,
    report: ImportReport,
    ids: IdAllocator,
    /// Boxes of the zones created from boundary boxes and diagrams, by node index.
    zone_areas: HashMap<usize, Box2>,
    threats: usize,
}

/// The nodes created from one diagram's cells.
struct DiagramNodes<'m> {
    /// Node index of each element or boundary box, by cell id.
    by_cell: HashMap<&'m str, usize>,
    /// Boundary curves as polylines, with their cell ids.
    curves: Vec<(&'m str, Vec<Pt>)>,
}

impl<'m> Builder<'m> {
    fn new(model: &'m Model) -> Self {
        let (name, _) = clean_label(model.title.trim());
        Self {
            model,
            document: Document::new(name),
            report: ImportReport::default(),
            ids: IdAllocator::default(),
            zone_areas: HashMap::new(),
            threats: 0,
        }
    }

    fn build(mut self) -> Import {
        self.document.description = strip_html(&self.model.description).trim().to_owned();

        let several = self.model.diagrams.len() > 1;
        let mut left = 0.0;
        for (index, diagram) in self.model.diagrams.iter().enumerate() {
            let Some(bounds) = bounds(&diagram.cells) else {
                self.report.mapped(
                    format!("detail.diagrams[{index}]"),
                    format!("diagram {:?} is empty", diagram.title),
                );
                continue;
            };
            // Shift each diagram so that it starts right of the previous one.
            let dx = if several {
                left - bounds.x + DIAGRAM_PADDING
            } else {
                0.0
            };
            let diagram_zone = several.then(|| self.diagram_zone(index, diagram, &bounds, dx));
            self.diagram(diagram, dx, diagram_zone);
            left += bounds.width + 2.0 * DIAGRAM_PADDING + DIAGRAM_GAP;
        }

        self.summarise();
        Import {
            document: self.document,
            report: self.report,
        }
    }

    /// Adds the zone that stands for one diagram of several.
    fn diagram_zone(&mut self, index: usize, diagram: &Diagram, bounds: &Box2, dx: f64) -> usize {
        let title = match diagram.title.trim() {
            "" => format!("Diagram {}", index + 1),
            title => title.to_owned(),
        };
        let source_id = format!("detail.diagrams[{index}]");
        let ix = self.add_node(&source_id, &title, "diagram", zone_kind());
        let area = Box2 {
            x: bounds.x + dx - DIAGRAM_PADDING,
            y: bounds.y - DIAGRAM_PADDING - DIAGRAM_HEADER,
            width: bounds.width + 2.0 * DIAGRAM_PADDING,
            height: bounds.height + 2.0 * DIAGRAM_PADDING + DIAGRAM_HEADER,
        };
        self.set_area(ix, &area);
        self.zone_areas.insert(ix, area);
        let id = self.document.nodes[ix].id.clone();
        self.report.mapped(
            &source_id,
            format!("diagram {title:?} became zone {id}, one zone per diagram"),
        );
        ix
    }

    fn diagram(&mut self, diagram: &'m Diagram, dx: f64, diagram_zone: Option<usize>) {
        let mut nodes = DiagramNodes {
            by_cell: HashMap::new(),
            curves: Vec::new(),
        };
        for cell in &diagram.cells {
            self.threats += cell.properties.threats;
            match &cell.kind {
                CellKind::BoundaryBox => self.boundary_box(cell, dx, &mut nodes),
                CellKind::BoundaryCurve => self.boundary_curve(cell, dx, &mut nodes),
                CellKind::Actor | CellKind::Process | CellKind::Store => {
                    self.element(cell, dx, &mut nodes)
                }
                CellKind::Flow => {}
                CellKind::Text => self.report.left_out(
                    &cell.id,
                    format!(
                        "text block {:?} is not modelled",
                        strip_html(&cell.name).trim()
                    ),
                ),
                CellKind::Other(name) => self
                    .report
                    .left_out(&cell.id, format!("cell of type {name:?} is not modelled")),
            }
        }
        self.place_in_boxes(diagram, &nodes, diagram_zone);
        for cell in &diagram.cells {
            if cell.kind == CellKind::Flow {
                self.flow(cell, dx, &nodes);
            }
        }
    }

    /// Adds a node with a unique id built from its label (or from `fallback` when the label
    /// is empty), reporting an empty or cleaned label.
    fn add_node(&mut self, source_id: &str, name: &str, fallback: &str, kind: NodeKind) -> usize {
        let text = strip_html(name);
        let text = text.trim();
        let wanted = match slug(text) {
            id if id.is_empty() => fallback.to_owned(),
            id => id,
        };
        let id = self.ids.claim(&wanted);
        let label = if text.is_empty() {
            self.report.guessed(
                source_id,
                format!("has an empty label; labelled with its id {id}"),
            );
            id.clone()
        } else {
            let (label, changed) = clean_label(text);
            if changed {
                self.report.guessed(
                    source_id,
                    "label holds control characters or is too long; cleaned",
                );
            }
            label
        };
        self.document.nodes.push(Node::new(id, label, kind));
        self.document.nodes.len() - 1
    }

    fn set_area(&mut self, ix: usize, area: &Box2) {
        let node = &mut self.document.nodes[ix];
        node.position = Point::new(area.x as f32, area.y as f32);
        node.size = Size::new((area.width as f32).max(1.0), (area.height as f32).max(1.0));
    }

    fn boundary_box(&mut self, cell: &'m Cell, dx: f64, nodes: &mut DiagramNodes<'m>) {
        let Some(area) = cell.area else {
            self.report
                .left_out(&cell.id, "trust boundary box has no position or size");
            return;
        };
        let area = area.translated(dx);
        let ix = self.add_node(&cell.id, &cell.name, "trust-boundary", zone_kind());
        self.set_area(ix, &area);
        self.document.nodes[ix].note = strip_html(&cell.description).trim().to_owned();
        self.zone_areas.insert(ix, area);
        nodes.by_cell.insert(&cell.id, ix);

        let id = self.document.nodes[ix].id.clone();
        self.report
            .mapped(&cell.id, format!("trust boundary box became zone {id}"));
        self.report.guessed(
            &cell.id,
            "Threat Dragon does not say what a boundary encloses; taken as a VPC",
        );
    }

    fn boundary_curve(&mut self, cell: &'m Cell, dx: f64, nodes: &mut DiagramNodes<'m>) {
        let mut line = Vec::with_capacity(cell.vertices.len() + 2);
        let (End::Point(start), End::Point(end)) = (&cell.source, &cell.target) else {
            self.report.left_out(
                &cell.id,
                "trust boundary curve is not drawn between two points, so no flow is tested \
                 against it",
            );
            return;
        };
        line.push(*start);
        line.extend(cell.vertices.iter().copied());
        line.push(*end);
        for point in &mut line {
            point.x += dx;
        }
        self.report.mapped(
            &cell.id,
            "trust boundary curve marks the flows that cross it; it is not a zone",
        );
        nodes.curves.push((&cell.id, line));
    }

    fn element(&mut self, cell: &'m Cell, dx: f64, nodes: &mut DiagramNodes<'m>) {
        let props = &cell.properties;
        let (kind, fallback) = match cell.kind {
            CellKind::Actor => (
                NodeKind::External(External {
                    sort: ExternalSort::Customer,
                }),
                "actor",
            ),
            CellKind::Store => {
                let encryption = match props.encrypted {
                    Some(true) => Encryption::ProviderManaged,
                    _ => Encryption::None,
                };
                (
                    NodeKind::DataStore(DataStore {
                        encryption,
                        ..DataStore::default()
                    }),
                    "store",
                )
            }
            _ => (NodeKind::Service(Service::default()), "process"),
        };
        let ix = self.add_node(&cell.id, &cell.name, fallback, kind);
        let area = cell.area.map(|area| area.translated(dx)).unwrap_or(Box2 {
            x: dx,
            y: 0.0,
            width: f64::from(Size::default().width),
            height: f64::from(Size::default().height),
        });
        self.set_area(ix, &area);
        nodes.by_cell.insert(&cell.id, ix);

        let node = &mut self.document.nodes[ix];
        node.note = strip_html(&cell.description).trim().to_owned();
        if props.stores_credentials {
            node.data_classes.push(DataClass::Credentials);
        }
        if props.handles_card_payment {
            node.data_classes.push(DataClass::Cardholder);
        }
        if props.is_log {
            node.tags.push("log".to_owned());
        }
        if props.out_of_scope {
            node.tags.push("out-of-scope".to_owned());
        }
        let kind_name = node.kind.name();
        let id = node.id.clone();
        self.report
            .mapped(&cell.id, format!("became {kind_name} node {id}"));
        self.element_guesses(cell);
    }

    fn element_guesses(&mut self, cell: &Cell) {
        let props = &cell.properties;
        match cell.kind {
            CellKind::Actor => self.report.guessed(
                &cell.id,
                "an actor; taken as a customer, a member of the public",
            ),
            CellKind::Store => match props.encrypted {
                Some(true) => self.report.guessed(
                    &cell.id,
                    "encrypted at rest without saying who holds the key; taken as \
                     provider-managed",
                ),
                Some(false) => {}
                None => self.report.guessed(
                    &cell.id,
                    "does not state encryption at rest; taken as unencrypted",
                ),
            },
            _ => {}
        }
        if props.handles_card_payment {
            self.report
                .guessed(&cell.id, "handles card payments; given cardholder data");
        }
        let mut parts = Vec::new();
        if props.out_of_scope {
            parts.push("its out-of-scope mark (kept as the tag out-of-scope)");
        }
        if props.signed {
            parts.push("its signed mark");
        }
        if props.provides_authentication {
            parts.push("its mark that it provides authentication");
        }
        if props.privilege_level.is_some() {
            parts.push("its privilege level");
        }
        if !parts.is_empty() {
            self.report
                .left_out(&cell.id, format!("not modelled: {}", parts.join("; ")));
        }
    }

    /// Puts each element and box in the smallest box of its diagram that holds its centre,
    /// or in the diagram's zone.
    fn place_in_boxes(
        &mut self,
        diagram: &Diagram,
        nodes: &DiagramNodes<'_>,
        diagram_zone: Option<usize>,
    ) {
        let boxes: Vec<(usize, Box2)> = diagram
            .cells
            .iter()
            .filter(|cell| cell.kind == CellKind::BoundaryBox)
            .filter_map(|cell| nodes.by_cell.get(cell.id.as_str()))
            .map(|&ix| (ix, self.zone_areas[&ix]))
            .collect();

        for cell in &diagram.cells {
            let Some(&ix) = nodes.by_cell.get(cell.id.as_str()) else {
                continue;
            };
            let own = self.node_box(ix);
            let centre = own.centre();
            let is_box = cell.kind == CellKind::BoundaryBox;
            let home = boxes
                .iter()
                .filter(|(other, area)| {
                    *other != ix && area.contains(centre) && (!is_box || area.area() > own.area())
                })
                .min_by(|a, b| a.1.area().total_cmp(&b.1.area()))
                .map(|(other, _)| *other)
                .or(diagram_zone);
            if let Some(home) = home {
                let zone_id = self.document.nodes[home].id.clone();
                self.document.nodes[ix].parent = Some(zone_id);
            }
        }
        self.grow_zones_around_members();
    }

    fn node_box(&self, ix: usize) -> Box2 {
        let node = &self.document.nodes[ix];
        Box2 {
            x: f64::from(node.position.x),
            y: f64::from(node.position.y),
            width: f64::from(node.size.width),
            height: f64::from(node.size.height),
        }
    }

    /// Widens each zone to cover its members' boxes, innermost first, because an element
    /// whose centre is inside a box may stick out of it.
    fn grow_zones_around_members(&mut self) {
        let index: HashMap<String, usize> = self
            .document
            .nodes
            .iter()
            .enumerate()
            .map(|(ix, node)| (node.id.clone(), ix))
            .collect();
        let depth = |doc: &Document, mut ix: usize| {
            let mut depth = 0;
            while let Some(parent) = doc.nodes[ix].parent.as_ref().and_then(|p| index.get(p)) {
                depth += 1;
                ix = *parent;
                if depth > doc.nodes.len() {
                    break;
                }
            }
            depth
        };
        let mut order: Vec<(usize, usize)> = (0..self.document.nodes.len())
            .map(|ix| (depth(&self.document, ix), ix))
            .collect();
        order.sort_unstable_by(|a, b| b.cmp(a));
        for (_, ix) in order {
            let Some(parent) = self.document.nodes[ix]
                .parent
                .as_ref()
                .and_then(|p| index.get(p))
                .copied()
            else {
                continue;
            };
            let child = self.node_box(ix);
            let outer = self.node_box(parent);
            let x = outer.x.min(child.x);
            let y = outer.y.min(child.y);
            let grown = Box2 {
                x,
                y,
                width: (outer.x + outer.width).max(child.x + child.width) - x,
                height: (outer.y + outer.height).max(child.y + child.height) - y,
            };
            self.set_area(parent, &grown);
        }
    }

    fn flow(&mut self, cell: &'m Cell, dx: f64, nodes: &DiagramNodes<'m>) {
        let (from, to) = match (
            self.flow_end(cell, &cell.source, "starts", nodes),
            self.flow_end(cell, &cell.target, "ends", nodes),
        ) {
            (Some(from), Some(to)) => (from, to),
            _ => return,
        };
        let props = &cell.properties;

        let mut path = vec![self.node_box(from).centre()];
        path.extend(cell.vertices.iter().map(|v| Pt::new(v.x + dx, v.y)));
        path.push(self.node_box(to).centre());
        let crossed = self.crossed_curves(&path, nodes);

        let (network, network_guess) = match (props.public_network, crossed.is_empty()) {
            (Some(true), _) => (NetworkPath::Public, None),
            (_, false) => (
                NetworkPath::Public,
                Some(format!(
                    "crosses trust boundary curve {} and is not marked as on a public \
                     network; taken as public",
                    crossed.join(" and ")
                )),
            ),
            (Some(false), true) => (NetworkPath::Private, None),
            (None, true) => (
                NetworkPath::Private,
                Some("does not state its network; taken as private".to_owned()),
            ),
        };
        let (tls, tls_guess) = match props.encrypted {
            Some(true) => (
                Tls::V1_2,
                Some("encrypted without a TLS version; taken as TLS 1.2"),
            ),
            Some(false) => (Tls::None, None),
            None => (
                Tls::None,
                Some("does not state encryption; taken as plain text"),
            ),
        };
        let flow = Flow {
            protocol: props.protocol.clone().unwrap_or_default().trim().to_owned(),
            network,
            tls,
            ..Flow::default()
        };

        let label = strip_html(&cell.name).trim().to_owned();
        let there = self.push_flow(from, to, &label, flow.clone());
        let sentence = if props.bidirectional == Some(true) {
            let back = self.push_flow(to, from, &label, flow);
            format!("bidirectional flow {label:?} became flows {there} and {back}")
        } else {
            format!("flow {label:?} became flow {there}")
        };
        self.report.mapped(&cell.id, sentence);
        if label.is_empty() {
            self.report.guessed(
                &cell.id,
                "flow has an empty label; its id is built from its ends",
            );
        }
        for guess in [network_guess.as_deref(), tls_guess].into_iter().flatten() {
            self.report.guessed(&cell.id, guess);
        }
        self.report.guessed(
            &cell.id,
            "Threat Dragon states no authentication or authorization; both taken as unknown",
        );
        if props.out_of_scope {
            self.report
                .left_out(&cell.id, "not modelled: its out-of-scope mark");
        }
    }

    /// Returns the node a flow's end names, or reports the flow as left out.
    fn flow_end(
        &mut self,
        cell: &Cell,
        end: &End,
        verb: &str,
        nodes: &DiagramNodes<'_>,
    ) -> Option<usize> {
        let reason = match end {
            End::Cell(id) => match nodes.by_cell.get(id.as_str()) {
                Some(&ix) if !self.document.nodes[ix].is_zone() => return Some(ix),
                Some(_) => format!("{verb} at a trust boundary box, not at an element"),
                None => format!("{verb} at cell {id:?}, which is no element of its diagram"),
            },
            End::Point(point) => format!(
                "{verb} at the point ({}, {}), not at an element",
                point.x, point.y
            ),
            End::Missing => format!("states no element where it {verb}"),
        };
        let label = strip_html(&cell.name);
        self.report.left_out(
            &cell.id,
            format!("flow {:?} {reason}, so it is not a flow", label.trim()),
        );
        None
    }

    fn push_flow(&mut self, from: usize, to: usize, label: &str, flow: Flow) -> String {
        let from_id = self.document.nodes[from].id.clone();
        let to_id = self.document.nodes[to].id.clone();
        let name = match slug(label) {
            name if name.is_empty() => format!("to-{to_id}"),
            name => name,
        };
        let id = self.ids.claim(&format!("{from_id}.{name}"));
        self.document.edges.push(Edge {
            id: id.clone(),
            from: from_id,
            to: to_id,
            kind: EdgeKind::Flow(flow),
        });
        id
    }

    /// Returns the ids of the boundary curves the flow's path crosses.
    fn crossed_curves(&self, path: &[Pt], nodes: &DiagramNodes<'m>) -> Vec<&'m str> {
        let segments: usize = nodes.curves.iter().map(|(_, line)| line.len()).sum();
        if segments.saturating_mul(path.len()) > MAX_CROSSING_TESTS {
            return Vec::new();
        }
        nodes
            .curves
            .iter()
            .filter(|(_, line)| polylines_cross(path, line))
            .map(|(id, _)| *id)
            .collect()
    }

    fn summarise(&mut self) {
        if self.threats > 0 {
            self.report.left_out(
                "threats",
                format!(
                    "{} threats are not modelled; the review derives findings from the model \
                     itself",
                    self.threats
                ),
            );
        }
        if !self.document.edges.is_empty() {
            self.report.guessed(
                "flows",
                "Threat Dragon records no request logging, so every flow is marked not logged",
            );
        }
        if self.document.nodes.is_empty() {
            self.report.mapped(
                "detail.diagrams",
                "the model has no actors, processes, stores or trust boundary boxes, so the \
                 imported model is empty",
            );
        }
    }
}

/// The kind of every zone this importer creates.
fn zone_kind() -> NodeKind {
    NodeKind::Zone(Zone {
        sort: ZoneSort::Vpc,
        default_deny: false,
        cde: false,
    })
}

/// Returns the box around a diagram's elements, boxes and curves, or `None` when it has
/// none.
fn bounds(cells: &[Cell]) -> Option<Box2> {
    let mut points = Vec::new();
    for cell in cells {
        if let Some(area) = cell.area {
            points.push(Pt::new(area.x, area.y));
            points.push(Pt::new(area.x + area.width, area.y + area.height));
        }
        points.extend(cell.vertices.iter().copied());
        for end in [&cell.source, &cell.target] {
            if let End::Point(point) = end {
                points.push(*point);
            }
        }
    }
    let first = points.first()?;
    let (mut min, mut max) = (*first, *first);
    for point in &points {
        min = Pt::new(min.x.min(point.x), min.y.min(point.y));
        max = Pt::new(max.x.max(point.x), max.y.max(point.y));
    }
    Some(Box2 {
        x: min.x,
        y: min.y,
        width: max.x - min.x,
        height: max.y - min.y,
    })
}
