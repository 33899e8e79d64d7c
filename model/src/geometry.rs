//! The diagram's geometry: node boxes, zone regions, edge routes, arrowheads and label
//! anchors, computed once from a document in world coordinates.
//!
//! The canvas, the SVG, the PDF and the PNG all paint this same geometry, so every output
//! shows the same picture. Routes are polylines: a straight segment between the borders of
//! two boxes, a bowed curve (flattened) when several edges join the same two nodes, and a
//! loop on the box's top-right corner for an edge from a node to itself.

use std::collections::HashMap;

use crate::document::{Document, EdgeKind, Point};
use crate::graph::{EdgeIx, Graph, NodeIx, is_glob};

/// An axis-aligned rectangle in world coordinates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Top-left corner.
    pub min: Point,
    /// Bottom-right corner.
    pub max: Point,
}

impl Rect {
    /// Creates a rectangle from its top-left corner and size.
    pub fn from_min_size(min: Point, width: f32, height: f32) -> Self {
        Self {
            min,
            max: Point::new(min.x + width, min.y + height),
        }
    }

    /// Returns the width.
    pub fn width(&self) -> f32 {
        self.max.x - self.min.x
    }

    /// Returns the height.
    pub fn height(&self) -> f32 {
        self.max.y - self.min.y
    }

    /// Returns the centre.
    pub fn center(&self) -> Point {
        Point::new(
            (self.min.x + self.max.x) / 2.0,
            (self.min.y + self.max.y) / 2.0,
        )
    }

    /// Returns whether a point lies inside or on the border.
    pub fn contains(&self, point: Point) -> bool {
        (self.min.x..=self.max.x).contains(&point.x) && (self.min.y..=self.max.y).contains(&point.y)
    }

    /// Returns whether two rectangles overlap (touching borders do not count).
    pub fn intersects(&self, other: &Rect) -> bool {
        self.min.x < other.max.x
            && other.min.x < self.max.x
            && self.min.y < other.max.y
            && other.min.y < self.max.y
    }

    /// Returns the smallest rectangle containing both.
    pub fn union(&self, other: &Rect) -> Rect {
        Rect {
            min: Point::new(self.min.x.min(other.min.x), self.min.y.min(other.min.y)),
            max: Point::new(self.max.x.max(other.max.x), self.max.y.max(other.max.y)),
        }
    }

    /// Returns the rectangle grown by a margin on every side.
    pub fn expand(&self, margin: f32) -> Rect {
        Rect {
            min: Point::new(self.min.x - margin, self.min.y - margin),
            max: Point::new(self.max.x + margin, self.max.y + margin),
        }
    }

    /// Returns where the segment from the centre towards `toward` leaves the rectangle.
    pub fn border_toward(&self, toward: Point) -> Point {
        let center = self.center();
        let (dx, dy) = (toward.x - center.x, toward.y - center.y);
        if dx == 0.0 && dy == 0.0 {
            return center;
        }
        let half_width = self.width() / 2.0;
        let half_height = self.height() / 2.0;
        let scale_x = if dx == 0.0 {
            f32::INFINITY
        } else {
            half_width / dx.abs()
        };
        let scale_y = if dy == 0.0 {
            f32::INFINITY
        } else {
            half_height / dy.abs()
        };
        let scale = scale_x.min(scale_y);
        Point::new(center.x + dx * scale, center.y + dy * scale)
    }
}

/// A zone's region.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneShape {
    /// The zone.
    pub node: NodeIx,
    /// Its region.
    pub rect: Rect,
    /// How many zones contain it; 0 at the top level.
    pub depth: usize,
}

/// A node's box.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeShape {
    /// The node.
    pub node: NodeIx,
    /// Its box.
    pub rect: Rect,
}

/// An edge's route.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeShape {
    /// The edge.
    pub edge: EdgeIx,
    /// The caller, holder or source.
    pub from: NodeIx,
    /// The callee or target.
    pub to: NodeIx,
    /// Points from the source's border to the arrow's tip.
    pub route: Vec<Point>,
    /// The arrowhead: tip, then the two back corners.
    pub arrow: [Point; 3],
    /// Where the edge's label is centred.
    pub label_anchor: Point,
}

/// The whole diagram's geometry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    /// Zones, outermost first, which is the order to paint them in.
    pub zones: Vec<ZoneShape>,
    /// Nodes that are not zones, in document order.
    pub nodes: Vec<NodeShape>,
    /// Edges between drawn nodes, in document order. Grants whose target is a glob or `*`
    /// have no single end and are not drawn.
    pub edges: Vec<EdgeShape>,
    /// The rectangle that encloses everything, or an empty one at the origin.
    pub bounds: Rect,
}

/// Length of an arrowhead in world units.
pub const ARROW_LENGTH: f32 = 12.0;

/// Width of an arrowhead's base in world units.
pub const ARROW_WIDTH: f32 = 9.0;

/// Sideways distance between neighbouring parallel edges at their middle, in world units.
const PARALLEL_SPACING: f32 = 22.0;

/// Radius of a self-loop in world units.
const LOOP_RADIUS: f32 = 18.0;

/// Computes the geometry of a document.
pub fn layout(doc: &Document) -> Diagram {
    let graph = Graph::new(doc);

    let mut zones: Vec<ZoneShape> = Vec::new();
    let mut nodes = Vec::new();
    for (ix, node) in doc.nodes.iter().enumerate() {
        let rect = Rect::from_min_size(node.position, node.size.width, node.size.height);
        if node.is_zone() {
            let depth = graph.zones_of(ix).len();
            zones.push(ZoneShape {
                node: ix,
                rect,
                depth,
            });
        } else {
            nodes.push(NodeShape { node: ix, rect });
        }
    }
    zones.sort_by_key(|zone| (zone.depth, zone.node));

    let rects: HashMap<NodeIx, Rect> = zones
        .iter()
        .map(|zone| (zone.node, zone.rect))
        .chain(nodes.iter().map(|node| (node.node, node.rect)))
        .collect();
    let edges = route_edges(&graph, &rects);

    let bounds = zones
        .iter()
        .map(|zone| zone.rect)
        .chain(nodes.iter().map(|node| node.rect))
        .reduce(|a, b| a.union(&b))
        .unwrap_or_default();

    Diagram {
        zones,
        nodes,
        edges,
        bounds,
    }
}

/// Returns the drawn ends of each edge: grants to a glob or `*` have none.
fn drawn_ends(graph: &Graph<'_>, edge_ix: EdgeIx) -> Option<(NodeIx, NodeIx)> {
    let edge = graph.edge(edge_ix);
    if matches!(edge.kind, EdgeKind::Grants(_)) && is_glob(&edge.to) {
        return None;
    }
    let from = graph.ix(&edge.from)?;
    let to = graph.ix(&edge.to)?;
    Some((from, to))
}

fn route_edges(graph: &Graph<'_>, rects: &HashMap<NodeIx, Rect>) -> Vec<EdgeShape> {
    // Edges that join the same two nodes, in either direction, fan out around the straight
    // line so each stays visible.
    let mut bundles: HashMap<(NodeIx, NodeIx), Vec<EdgeIx>> = HashMap::new();
    let mut ends = Vec::new();
    for edge_ix in 0..graph.doc.edges.len() {
        if let Some((from, to)) = drawn_ends(graph, edge_ix) {
            bundles
                .entry((from.min(to), from.max(to)))
                .or_default()
                .push(edge_ix);
            ends.push((edge_ix, from, to));
        }
    }

    let mut shapes = Vec::with_capacity(ends.len());
    for (edge_ix, from, to) in ends {
        let (Some(from_rect), Some(to_rect)) = (rects.get(&from), rects.get(&to)) else {
            continue;
        };
        let bundle = &bundles[&(from.min(to), from.max(to))];
        let slot = bundle
            .iter()
            .position(|&other| other == edge_ix)
            .unwrap_or(0);
        let route = if from == to {
            self_loop(from_rect, slot)
        } else {
            let offset = (slot as f32 - (bundle.len() as f32 - 1.0) / 2.0) * PARALLEL_SPACING;
            // Keep the offset's side fixed for the pair, whichever way the edge points.
            let signed = if from < to { offset } else { -offset };
            bowed_route(from_rect, to_rect, signed)
        };
        shapes.push(finish_shape(edge_ix, from, to, route));
    }
    shapes
}

fn bowed_route(from_rect: &Rect, to_rect: &Rect, offset: f32) -> Vec<Point> {
    let (a, b) = (from_rect.center(), to_rect.center());
    if offset == 0.0 {
        return vec![from_rect.border_toward(b), to_rect.border_toward(a)];
    }

    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = (dx * dx + dy * dy).sqrt().max(1.0);
    let normal = Point::new(-dy / length, dx / length);
    // A quadratic curve whose middle lies `offset` to the side of the straight line.
    let control = Point::new(
        (a.x + b.x) / 2.0 + normal.x * offset * 2.0,
        (a.y + b.y) / 2.0 + normal.y * offset * 2.0,
    );
    let start = from_rect.border_toward(control);
    let end = to_rect.border_toward(control);
    flatten_quadratic(start, control, end, 12)
}

fn self_loop(rect: &Rect, slot: usize) -> Vec<Point> {
    // Three quarters of a circle centred on the box's top-right corner: it leaves the top
    // border, swings outside the box and comes back on the right border (y grows downwards).
    let radius = LOOP_RADIUS + slot as f32 * 8.0;
    let center = Point::new(rect.max.x, rect.min.y);
    let steps = 18;
    let (start_angle, end_angle) = (180f32.to_radians(), 450f32.to_radians());
    (0..=steps)
        .map(|step| {
            let angle = start_angle + (end_angle - start_angle) * step as f32 / steps as f32;
            Point::new(
                center.x + radius * angle.cos(),
                center.y + radius * angle.sin(),
            )
        })
        .collect()
}

fn flatten_quadratic(start: Point, control: Point, end: Point, steps: usize) -> Vec<Point> {
    (0..=steps)
        .map(|step| {
            let t = step as f32 / steps as f32;
            let u = 1.0 - t;
            Point::new(
                u * u * start.x + 2.0 * u * t * control.x + t * t * end.x,
                u * u * start.y + 2.0 * u * t * control.y + t * t * end.y,
            )
        })
        .collect()
}

fn finish_shape(edge: EdgeIx, from: NodeIx, to: NodeIx, route: Vec<Point>) -> EdgeShape {
    let tip = route.last().copied().unwrap_or_default();
    let before = route
        .iter()
        .rev()
        .skip(1)
        .find(|point| distance(**point, tip) > 1e-3)
        .copied()
        .unwrap_or(Point::new(tip.x - 1.0, tip.y));
    let length = distance(before, tip).max(1e-3);
    let direction = Point::new((tip.x - before.x) / length, (tip.y - before.y) / length);
    let base = Point::new(
        tip.x - direction.x * ARROW_LENGTH,
        tip.y - direction.y * ARROW_LENGTH,
    );
    let half = ARROW_WIDTH / 2.0;
    let arrow = [
        tip,
        Point::new(base.x - direction.y * half, base.y + direction.x * half),
        Point::new(base.x + direction.y * half, base.y - direction.x * half),
    ];
    let label_anchor = route[route.len() / 2];
    EdgeShape {
        edge,
        from,
        to,
        route,
        arrow,
        label_anchor,
    }
}

fn distance(a: Point, b: Point) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Edge, Flow, Node, NodeKind, Service, Zone, ZoneSort};

    fn service(id: &str, x: f32, y: f32) -> Node {
        let mut node = Node::new(id, id, NodeKind::Service(Service::default()));
        node.position = Point::new(x, y);
        node
    }

    fn flow(id: &str, from: &str, to: &str) -> Edge {
        Edge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind: EdgeKind::Flow(Flow::default()),
        }
    }

    #[test]
    fn straight_edge_runs_border_to_border() {
        let mut doc = Document::new("two");
        doc.nodes = vec![service("a", 0.0, 0.0), service("b", 400.0, 0.0)];
        doc.edges = vec![flow("f", "a", "b")];

        let diagram = layout(&doc);

        let route = &diagram.edges[0].route;
        assert_eq!(route.first(), Some(&Point::new(160.0, 32.0)));
        assert_eq!(route.last(), Some(&Point::new(400.0, 32.0)));
        assert_eq!(diagram.edges[0].arrow[0], Point::new(400.0, 32.0));
    }

    #[test]
    fn parallel_edges_take_distinct_routes() {
        let mut doc = Document::new("parallel");
        doc.nodes = vec![service("a", 0.0, 0.0), service("b", 400.0, 0.0)];
        doc.edges = vec![
            flow("f1", "a", "b"),
            flow("f2", "a", "b"),
            flow("back", "b", "a"),
        ];

        let diagram = layout(&doc);

        let middles: Vec<Point> = diagram.edges.iter().map(|edge| edge.label_anchor).collect();
        assert_ne!(middles[0], middles[1]);
        assert_ne!(middles[1], middles[2]);
        assert_ne!(middles[0], middles[2]);
    }

    #[test]
    fn self_loop_leaves_and_returns_to_its_node() {
        let mut doc = Document::new("loop");
        doc.nodes = vec![service("a", 0.0, 0.0)];
        doc.edges = vec![flow("f", "a", "a")];

        let diagram = layout(&doc);

        let route = &diagram.edges[0].route;
        assert!(route.len() > 4, "a loop is drawn as a curve");
        let rect = diagram.nodes[0].rect.expand(2.0);
        assert!(rect.contains(route[0]));
        assert!(rect.contains(*route.last().expect("route has points")));
        assert!(
            route.iter().any(|point| !rect.contains(*point)),
            "the loop is visible"
        );
    }

    #[test]
    fn zones_paint_outermost_first_and_bounds_enclose_all() {
        let mut doc = Document::new("zones");
        let mut inner = Node::new(
            "inner",
            "inner",
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: false,
                cde: false,
            }),
        );
        inner.parent = Some("outer".into());
        let outer = Node::new(
            "outer",
            "outer",
            NodeKind::Zone(Zone {
                sort: ZoneSort::Region,
                default_deny: false,
                cde: false,
            }),
        );
        doc.nodes = vec![inner, outer, service("far", 900.0, 700.0)];

        let diagram = layout(&doc);

        assert_eq!(diagram.zones[0].node, 1);
        assert_eq!(diagram.zones[1].depth, 1);
        assert_eq!(diagram.bounds.max, Point::new(1060.0, 764.0));
    }

    #[test]
    fn glob_grants_are_not_drawn() {
        let mut doc = Document::new("grants");
        doc.nodes = vec![service("a", 0.0, 0.0)];
        doc.edges = vec![Edge {
            id: "g".into(),
            from: "a".into(),
            to: "*".into(),
            kind: EdgeKind::Grants(crate::document::Grant::default()),
        }];

        assert!(layout(&doc).edges.is_empty());
    }
}
