//! Automatic layout for models whose source has no positions: a layered layout that keeps
//! every zone around its members.
//!
//! Each zone is laid out on its own, innermost first, and then counts as one box in the
//! layout of its parent. Inside one container (a zone, or the top level) the members are
//! placed by [`layering`]: an edge between two nodes in different members, such as a flow
//! from a node in one nested zone to a node in another, counts as an edge between those
//! members. So the members of one zone are always contiguous, a zone encloses its members
//! and no other node, boxes never overlap, and flows run left to right except where a
//! cycle forces one back.

mod containment;
mod layering;

use std::collections::HashMap;

use crate::document::{Document, Point, Size};

use containment::Containment;

/// Space between a zone's border and its contents.
const ZONE_PADDING: f32 = 30.0;
/// Extra space at the top of a zone for its label.
const ZONE_HEADER: f32 = 30.0;

/// Places every node and zone of a document: nodes keep their size, zones get the size
/// that encloses their contents, and the top-left of the whole lands at the origin.
///
/// A parent that names no zone counts as no parent, and a zone cycle is broken where it
/// would repeat. Every edge kind takes part, flows and identity relations alike.
pub fn layered_layout(doc: &mut Document) {
    let containment = Containment::new(doc);
    let edges = container_edges(doc, &containment);

    // Lay out each zone's contents relative to the zone's corner, innermost zones first,
    // so that every nested zone has its size before its parent is laid out.
    let mut relative = vec![Point::default(); doc.nodes.len()];
    for &zone in &containment.post_order {
        let members = &containment.children[zone];
        let local = edges.get(&Some(zone)).map_or(&[][..], Vec::as_slice);
        let content = arrange_members(doc, members, local, &mut relative);
        for &member in members {
            relative[member].x += ZONE_PADDING;
            relative[member].y += ZONE_PADDING + ZONE_HEADER;
        }
        let minimum = Size::default();
        doc.nodes[zone].size = Size::new(
            content.width.max(minimum.width) + 2.0 * ZONE_PADDING,
            content.height.max(minimum.height) + 2.0 * ZONE_PADDING + ZONE_HEADER,
        );
    }
    let top = edges.get(&None).map_or(&[][..], Vec::as_slice);
    arrange_members(doc, &containment.roots, top, &mut relative);

    // Turn relative positions into world positions, outermost first.
    let mut stack: Vec<(usize, Point)> = containment
        .roots
        .iter()
        .map(|&ix| (ix, Point::default()))
        .collect();
    while let Some((ix, origin)) = stack.pop() {
        let position = Point::new(origin.x + relative[ix].x, origin.y + relative[ix].y);
        doc.nodes[ix].position = position;
        stack.extend(
            containment.children[ix]
                .iter()
                .map(|&child| (child, position)),
        );
    }
}

/// Edges between two members of one container, keyed by the container (`None` for the top
/// level), as pairs of document node indices.
type ContainerEdges = HashMap<Option<usize>, Vec<(usize, usize)>>;

/// Lifts every edge to the two members of the innermost container that hold its ends.
/// Edges whose ends are unknown (or are globs), and edges from a zone into itself, are
/// skipped.
fn container_edges(doc: &Document, containment: &Containment) -> ContainerEdges {
    let index: HashMap<&str, usize> = doc
        .nodes
        .iter()
        .enumerate()
        .rev()
        .map(|(ix, node)| (node.id.as_str(), ix))
        .collect();
    let mut edges = ContainerEdges::new();
    for edge in &doc.edges {
        let (Some(&from), Some(&to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str()))
        else {
            continue;
        };
        if let Some((container, from, to)) = containment.sibling_pair(from, to) {
            edges.entry(container).or_default().push((from, to));
        }
    }
    edges
}

/// Lays out `members` relative to their container's content corner and returns the extent
/// of the content.
fn arrange_members(
    doc: &Document,
    members: &[usize],
    edges: &[(usize, usize)],
    relative: &mut [Point],
) -> Size {
    let local: HashMap<usize, usize> = members
        .iter()
        .enumerate()
        .map(|(local, &ix)| (ix, local))
        .collect();
    let sizes: Vec<Size> = members.iter().map(|&ix| doc.nodes[ix].size).collect();
    let local_edges: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|(from, to)| Some((*local.get(from)?, *local.get(to)?)))
        .collect();

    let (positions, extent) = layering::arrange(&sizes, &local_edges);
    for (&ix, position) in members.iter().zip(positions) {
        relative[ix] = position;
    }
    extent
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Edge, EdgeKind, Flow, Node, NodeKind, Service, Zone, ZoneSort};

    fn service(id: &str, parent: Option<&str>) -> Node {
        let mut node = Node::new(id, id, NodeKind::Service(Service::default()));
        node.parent = parent.map(str::to_owned);
        node
    }

    fn zone(id: &str, parent: Option<&str>) -> Node {
        let mut node = Node::new(
            id,
            id,
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: false,
                cde: false,
            }),
        );
        node.parent = parent.map(str::to_owned);
        node
    }

    fn flow(from: &str, to: &str) -> Edge {
        Edge {
            id: format!("{from}.{to}"),
            from: from.to_owned(),
            to: to.to_owned(),
            kind: EdgeKind::Flow(Flow::default()),
        }
    }

    fn contains(outer: &Node, inner: &Node) -> bool {
        inner.position.x >= outer.position.x
            && inner.position.y >= outer.position.y
            && inner.position.x + inner.size.width <= outer.position.x + outer.size.width
            && inner.position.y + inner.size.height <= outer.position.y + outer.size.height
    }

    fn overlap(a: &Node, b: &Node) -> bool {
        a.position.x < b.position.x + b.size.width
            && b.position.x < a.position.x + a.size.width
            && a.position.y < b.position.y + b.size.height
            && b.position.y < a.position.y + a.size.height
    }

    #[test]
    fn nested_zones_enclose_members() {
        let mut doc = Document::new("layout");
        doc.nodes = vec![
            zone("outer", None),
            zone("inner", Some("outer")),
            zone("empty", Some("outer")),
            service("a", Some("outer")),
            service("b", Some("inner")),
            service("c", Some("inner")),
            service("d", None),
            service("e", Some("missing")),
        ];
        doc.edges = vec![
            flow("d", "a"),
            flow("a", "b"),
            flow("b", "c"),
            flow("c", "e"),
        ];
        layered_layout(&mut doc);

        let node = |id: &str| doc.node(id).expect("node exists");
        for (outer, inner) in [
            ("outer", "inner"),
            ("outer", "empty"),
            ("outer", "a"),
            ("outer", "b"),
            ("inner", "b"),
            ("inner", "c"),
        ] {
            assert!(contains(node(outer), node(inner)), "{outer} ∌ {inner}");
        }
        let apart = [
            ("inner", "empty"),
            ("inner", "a"),
            ("empty", "a"),
            ("b", "c"),
            ("outer", "d"),
            ("outer", "e"),
            ("d", "e"),
        ];
        for (a, b) in apart {
            assert!(!overlap(node(a), node(b)), "{a} overlaps {b}");
        }
        // d → a → b → c → e is acyclic, so every flow runs left to right.
        for (from, to) in [("d", "a"), ("a", "b"), ("b", "c"), ("c", "e")] {
            assert!(node(from).position.x < node(to).position.x, "{from} → {to}");
        }
    }

    #[test]
    fn zone_cycle_is_survived() {
        let mut doc = Document::new("cycle");
        doc.nodes = vec![
            zone("x", Some("y")),
            zone("y", Some("x")),
            service("s", Some("x")),
        ];
        layered_layout(&mut doc);

        let x = doc.node("x").expect("x");
        let s = doc.node("s").expect("s");
        assert!(contains(x, s));
    }
}
