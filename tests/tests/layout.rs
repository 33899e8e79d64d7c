//! Measures the layered layout on every imported fixture: no two boxes overlap unless one
//! is a zone holding the other, every zone encloses its members and no other node, and at
//! least as many flows run left to right as right to left.
//!
//! Threat Dragon files keep their drawn positions on import, so their documents are laid
//! out again here to measure the layout on them too.

use std::path::PathBuf;

use trustmap_model::document::{Document, EdgeKind, Node};
use trustmap_model::import::{
    import_otm, import_pytm, import_threagile, import_threat_dragon, layered_layout,
};

fn fixture_text(dir: &str, name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", dir, name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn documents() -> Vec<(&'static str, Document)> {
    let mut documents = Vec::new();
    for name in [
        "threagile-demo-example.yaml",
        "threagile-demo-stub.yaml",
        "threagile-automotive-zonal.yaml",
    ] {
        let text = fixture_text("threagile", name);
        let import = import_threagile(&text, name).unwrap_or_else(|e| panic!("{e}"));
        documents.push((name, import.document));
    }
    for name in [
        "three-tier-web-app.json",
        "demo-threat-model.json",
        "webapp-threat-dragon.json",
        "v2-new-model.json",
    ] {
        let text = fixture_text("threat-dragon", name);
        let mut document = import_threat_dragon(&text, name)
            .unwrap_or_else(|e| panic!("{e}"))
            .document;
        layered_layout(&mut document);
        documents.push((name, document));
    }
    let otm = fixture_text("otm", "mobile-cloud.otm.json");
    let import = import_otm(&otm, "mobile-cloud.otm.json").unwrap_or_else(|e| panic!("{e}"));
    documents.push(("mobile-cloud.otm.json", import.document));
    let pytm = fixture_text("pytm", "input.json");
    let import = import_pytm(&pytm, "input.json").unwrap_or_else(|e| panic!("{e}"));
    documents.push(("input.json", import.document));
    documents
}

fn encloses(outer: &Node, inner: &Node) -> bool {
    inner.position.x >= outer.position.x
        && inner.position.y >= outer.position.y
        && inner.position.x + inner.size.width <= outer.position.x + outer.size.width
        && inner.position.y + inner.size.height <= outer.position.y + outer.size.height
}

fn overlaps(a: &Node, b: &Node) -> bool {
    a.position.x < b.position.x + b.size.width
        && b.position.x < a.position.x + a.size.width
        && a.position.y < b.position.y + b.size.height
        && b.position.y < a.position.y + a.size.height
}

/// Returns whether `zone` is `node`'s parent, or its parent's parent, and so on.
fn is_ancestor(doc: &Document, zone: &Node, node: &Node) -> bool {
    let mut current = node.parent.as_deref();
    let mut steps = 0;
    while let Some(id) = current {
        if id == zone.id {
            return true;
        }
        steps += 1;
        if steps > doc.nodes.len() {
            return false;
        }
        current = doc.node(id).and_then(|parent| parent.parent.as_deref());
    }
    false
}

#[test]
fn no_boxes_overlap() {
    for (name, doc) in documents() {
        for (i, a) in doc.nodes.iter().enumerate() {
            for b in &doc.nodes[i + 1..] {
                if is_ancestor(&doc, a, b) || is_ancestor(&doc, b, a) {
                    continue;
                }
                assert!(!overlaps(a, b), "{name}: {} overlaps {}", a.id, b.id);
            }
        }
    }
}

#[test]
fn zones_enclose_members_only() {
    for (name, doc) in documents() {
        for zone in doc.nodes.iter().filter(|node| node.is_zone()) {
            for node in doc.nodes.iter().filter(|node| node.id != zone.id) {
                if is_ancestor(&doc, zone, node) {
                    assert!(encloses(zone, node), "{name}: {} ∌ {}", zone.id, node.id);
                } else if !is_ancestor(&doc, node, zone) {
                    assert!(
                        !overlaps(zone, node),
                        "{name}: {} covers {}",
                        zone.id,
                        node.id
                    );
                }
            }
        }
    }
}

#[test]
fn most_flows_run_left_to_right() {
    for (name, doc) in documents() {
        let centre = |id: &str| {
            doc.node(id)
                .map(|node| node.position.x + node.size.width / 2.0)
        };
        let (mut rightwards, mut leftwards) = (0, 0);
        for edge in &doc.edges {
            if !matches!(edge.kind, EdgeKind::Flow(_)) {
                continue;
            }
            let (Some(from), Some(to)) = (centre(&edge.from), centre(&edge.to)) else {
                continue;
            };
            if from < to {
                rightwards += 1;
            } else if from > to {
                leftwards += 1;
            }
        }
        // A flow and its reverse always split one each way, so "most" allows a tie.
        assert!(
            rightwards >= leftwards,
            "{name}: {rightwards} flows run right, {leftwards} left"
        );
        println!("{name}: {rightwards} flows run right, {leftwards} left");
    }
}
