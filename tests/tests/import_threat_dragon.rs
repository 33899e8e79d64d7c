//! End-to-end tests of the Threat Dragon importer on the upstream models in
//! `fixtures/threat-dragon/`, and on small drawings that exercise one rule each.
//!
//! Expected counts were taken from the files by hand: actors, processes and stores become
//! nodes, boundary boxes zones, each flow one flow and each bidirectional flow two.

use std::path::PathBuf;

use trustmap_model::document::{
    Authentication, Document, EdgeKind, Flow, NetworkPath, NodeKind, Tls,
};
use trustmap_model::import::{Import, ImportError, SourceFormat, detect, import_threat_dragon};
use trustmap_model::review::review;

fn fixture_text(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "fixtures",
        "threat-dragon",
        name,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn import(name: &str) -> Import {
    import_threat_dragon(&fixture_text(name), name).unwrap_or_else(|error| panic!("{error}"))
}

fn flow<'a>(doc: &'a Document, id: &str) -> &'a Flow {
    match &doc.edge(id).unwrap_or_else(|| panic!("no edge {id}")).kind {
        EdgeKind::Flow(flow) => flow,
        other => panic!("{id} is a {} edge", other.name()),
    }
}

fn zone_count(doc: &Document) -> usize {
    doc.nodes.iter().filter(|node| node.is_zone()).count()
}

fn parent_of<'a>(doc: &'a Document, id: &str) -> Option<&'a str> {
    doc.node(id)
        .unwrap_or_else(|| panic!("no node {id}"))
        .parent
        .as_deref()
}

/// Returns whether any report entry for `id` in `entries` contains `text`.
fn reported(entries: &[trustmap_model::import::ReportEntry], id: &str, text: &str) -> bool {
    entries
        .iter()
        .any(|entry| entry.id == id && entry.message.contains(text))
}

#[test]
fn three_tier_counts_and_zones() {
    let Import { document, report } = import("three-tier-web-app.json");

    // 3 processes and 2 boundary boxes; 2 flows and 1 bidirectional flow.
    assert_eq!(document.nodes.len(), 5);
    assert_eq!(zone_count(&document), 2);
    assert_eq!(document.edges.len(), 4);

    // The left box (x 152..402) holds Web UI's centre (277, 280); the right box
    // (x 563..1083) holds Web Service (662, 280) and PostgresSQL (953, 280).
    let left = parent_of(&document, "web-ui").expect("web-ui in a zone");
    assert_eq!(
        parent_of(&document, "web-service"),
        parent_of(&document, "postgressql")
    );
    assert_ne!(Some(left), parent_of(&document, "web-service"));

    // The bidirectional flow 91ccf804 runs both ways.
    assert!(reported(
        &report.mapped,
        "91ccf804-a9b8-45ca-ab35-992337903633",
        "bidirectional"
    ));
    let both_ways = document
        .edges
        .iter()
        .filter(|edge| {
            (edge.from == "web-service" && edge.to == "postgressql")
                || (edge.from == "postgressql" && edge.to == "web-service")
        })
        .count();
    assert_eq!(both_ways, 2);
}

#[test]
fn three_tier_report() {
    let report = import("three-tier-web-app.json").report;

    // Each unnamed boundary box and each unlabelled flow is reported.
    let empty_labels = report
        .guessed
        .iter()
        .filter(|entry| entry.message.contains("empty label"))
        .count();
    assert_eq!(empty_labels, 2 + 3);
    // The title text block is left out by id.
    assert!(reported(
        &report.left_out,
        "a981b8ca-b1b4-4c63-a54e-3680f35dcb22",
        "text block"
    ));
    // Authentication is never stated, so every flow cell has the guess.
    let unknown = report
        .guessed
        .iter()
        .filter(|entry| entry.message.contains("no authentication"))
        .count();
    assert_eq!(unknown, 3);
}

#[test]
fn three_tier_east_west_answer() {
    let document = import("three-tier-web-app.json").document;
    // All four flows join two processes, and none states authentication.
    let east_west = review(&document).questions.east_west;
    assert_eq!(east_west.total, 4);
    assert_eq!(east_west.passing, 0);
    for (_, flow) in document.edges.iter().map(|edge| (edge, &edge.kind)) {
        let EdgeKind::Flow(flow) = flow else { continue };
        assert_eq!(flow.authentication, Authentication::Unknown);
    }
}

#[test]
fn v1_demo_counts() {
    let Import { document, report } = import("demo-threat-model.json");

    // 4 stores, 2 processes and 1 actor; 10 flows; 4 curves and no boxes.
    assert_eq!(document.nodes.len(), 7);
    assert_eq!(zone_count(&document), 0);
    assert_eq!(document.edges.len(), 10);
    let curves = report
        .mapped
        .iter()
        .filter(|entry| entry.message.contains("boundary curve"))
        .count();
    assert_eq!(curves, 4);

    let browser = document.node("browser").expect("the actor");
    assert!(matches!(browser.kind, NodeKind::External(_)));
    let config = document.node("worker-config").expect("a store");
    assert!(matches!(config.kind, NodeKind::DataStore(_)));
    assert!(config.is_crown_jewel(), "stores credentials");
}

#[test]
fn v1_demo_flow_attributes() {
    let document = import("demo-threat-model.json").document;

    // Web Request: HTTP/S, encrypted, on a public network, as stated.
    let request = flow(&document, "browser.web-request");
    assert_eq!(request.protocol, "HTTP/S");
    assert_eq!(request.tls, Tls::V1_2);
    assert_eq!(request.network, NetworkPath::Public);
    assert_eq!(request.authentication, Authentication::Unknown);

    // Queries runs from (258, 239) through (311, 324), across the curve a61cbe16 whose
    // first segment passes y = 313 at x = 311, so it is taken as public.
    let queries = flow(&document, "web-application.queries");
    assert_eq!(queries.network, NetworkPath::Public);
    // Put Message runs from (258, 239) to (351, 120), where the curve 70a1b898 around the
    // queue passes y = 129: it crosses the curve, so it is public too.
    let put = flow(&document, "web-application.put-message");
    assert_eq!(put.network, NetworkPath::Public);
    // Read web app config runs from (132, 448) through (157, 292) to (258, 239), below the
    // curve 64d52ab0 (y at most 232) and left of a61cbe16 (x from 253, where it is at
    // y 378): it crosses no curve and states nothing, so it is private and plain text.
    let config = flow(&document, "web-application-config.read-web-app-config");
    assert_eq!(config.network, NetworkPath::Private);
    assert_eq!(config.tls, Tls::None);
}

#[test]
fn v1_demo_crossing_reported() {
    let report = import("demo-threat-model.json").report;
    let queries = report
        .guessed
        .iter()
        .find(|entry| entry.id.starts_with("2fd00bd2"))
        .expect("Queries has guesses");
    assert!(
        report
            .guessed
            .iter()
            .any(|entry| entry.id == queries.id && entry.message.contains("a61cbe16")),
        "{report}"
    );
}

#[test]
fn v1_demo_east_west_answer() {
    let document = import("demo-threat-model.json").document;
    // 10 flows, of which Web Request and Web Response touch the actor: 8 east-west, and
    // none passes because none states authentication.
    let east_west = review(&document).questions.east_west;
    assert_eq!(east_west.total, 8);
    assert_eq!(east_west.passing, 0);
}

#[test]
fn cookbook_counts_and_answer() {
    let document = import("webapp-threat-dragon.json").document;

    // 4 stores, 2 processes and 1 actor; 7 flows; 4 curves and no boxes.
    assert_eq!(document.nodes.len(), 7);
    assert_eq!(zone_count(&document), 0);
    assert_eq!(document.edges.len(), 7);

    // Web Request and Web Response touch the actor, so 5 flows are east-west.
    let east_west = review(&document).questions.east_west;
    assert_eq!(east_west.total, 5);
    assert_eq!(east_west.passing, 0);
}

#[test]
fn blank_model_is_empty() {
    let Import { document, report } = import("v2-new-model.json");
    assert!(document.nodes.is_empty());
    assert!(document.edges.is_empty());
    assert_eq!(document.name, "New Blank Model");
    assert!(
        report
            .mapped
            .iter()
            .any(|entry| entry.message.contains("imported model is empty")),
        "{report}"
    );
    assert!(reported(
        &report.left_out,
        "f3ba6ded-7614-456e-b6b8-76d9f227e9de",
        "text block"
    ));
}

#[test]
fn malformed_files_name_field() {
    let cases = [
        (
            "malformed-new-model.json",
            "malformed-new-model.json: `summary` must be present, but is missing",
        ),
        (
            "v2-malformed-new-model.json",
            "v2-malformed-new-model.json: `summary.title` must be present, but is missing",
        ),
    ];
    for (name, expected) in cases {
        let text = fixture_text(name);
        assert_eq!(detect(&text), Some(SourceFormat::ThreatDragon), "{name}");
        let error = import_threat_dragon(&text, name).expect_err("malformed");
        assert!(
            matches!(error, ImportError::Field { .. }),
            "{name}: {error}"
        );
        assert_eq!(error.to_string(), expected);
    }
}

#[test]
fn not_json_rejected_with_position() {
    let error = import_threat_dragon("{\n  \"summary\": {\"title\": \"x\"},\n  oops\n}", "x.json")
        .expect_err("not JSON");
    let ImportError::Json { line, .. } = &error else {
        panic!("expected a JSON error, got {error}");
    };
    assert_eq!(*line, 3);
    assert!(error.to_string().starts_with("x.json:3:"), "{error}");
}

#[test]
fn wrong_type_names_path() {
    let text = r#"{"summary": {"title": "t"}, "detail": {"diagrams": [
        {"cells": [{"id": "a", "shape": "process", "data": {"type": "tm.Process", "name": 7}}]}
    ]}}"#;
    let error = import_threat_dragon(text, "t.json").expect_err("name is a number");
    assert_eq!(
        error.to_string(),
        "t.json: `detail.diagrams[0].cells[0].data.name` must be a string, but is 7"
    );
}

/// A version 2 model with one diagram of the given cells.
fn v2(cells: &str) -> String {
    format!(
        r#"{{"summary": {{"title": "t"}}, "detail": {{"diagrams": [{{"title": "d", "cells": [{cells}]}}]}}}}"#
    )
}

fn process(id: &str, name: &str, x: f64, y: f64) -> String {
    format!(
        r#"{{"id": "{id}", "shape": "process", "position": {{"x": {x}, "y": {y}}},
            "size": {{"width": 100, "height": 100}},
            "data": {{"type": "tm.Process", "name": "{name}"}}}}"#
    )
}

fn boundary_box(id: &str, x: f64, y: f64, width: f64, height: f64) -> String {
    format!(
        r#"{{"id": "{id}", "shape": "trust-boundary-box", "position": {{"x": {x}, "y": {y}}},
            "size": {{"width": {width}, "height": {height}}},
            "data": {{"type": "tm.BoundaryBox", "name": "{id}"}}}}"#
    )
}

#[test]
fn centre_on_box_edge_is_inside() {
    // Box 0..200; "edge" has its centre at x = 150 + 50 = 200, on the right border;
    // "outside" has its centre at 201.
    let cells = [
        boundary_box("box", 0.0, 0.0, 200.0, 200.0),
        process("p1", "edge", 150.0, 50.0),
        process("p2", "outside", 151.0, 300.0),
    ]
    .join(",");
    let document = import_threat_dragon(&v2(&cells), "edge.json")
        .unwrap_or_else(|error| panic!("{error}"))
        .document;
    assert_eq!(parent_of(&document, "edge"), Some("box"));
    assert_eq!(parent_of(&document, "outside"), None);
    // The zone grows to cover the member that sticks out of the drawn box.
    let zone = document.node("box").expect("zone");
    assert!(zone.position.x + zone.size.width >= 250.0);
}

#[test]
fn nested_boxes_nest_zones() {
    let cells = [
        boundary_box("outer", 0.0, 0.0, 1000.0, 1000.0),
        boundary_box("inner", 100.0, 100.0, 300.0, 300.0),
        process("p", "deep", 150.0, 150.0),
        process("q", "shallow", 600.0, 600.0),
    ]
    .join(",");
    let document = import_threat_dragon(&v2(&cells), "nest.json")
        .unwrap_or_else(|error| panic!("{error}"))
        .document;
    assert_eq!(parent_of(&document, "inner"), Some("outer"));
    assert_eq!(parent_of(&document, "deep"), Some("inner"));
    assert_eq!(parent_of(&document, "shallow"), Some("outer"));
}

#[test]
fn flow_to_point_left_out() {
    let cells = [
        process("p", "api", 0.0, 0.0),
        process("q", "db", 300.0, 0.0),
        r#"{"id": "f1", "shape": "flow", "source": {"cell": "p"}, "target": {"x": 500, "y": 40},
            "data": {"type": "tm.Flow", "name": "dangling"}}"#
            .to_owned(),
        r#"{"id": "f2", "shape": "flow", "source": {"cell": "p"}, "target": {"cell": "q"},
            "data": {"type": "tm.Flow", "name": "query", "isBidirectional": true,
                     "isEncrypted": true, "protocol": "SQL"}}"#
            .to_owned(),
    ]
    .join(",");
    let Import { document, report } =
        import_threat_dragon(&v2(&cells), "points.json").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(document.edges.len(), 2);
    assert!(
        reported(&report.left_out, "f1", "not at an element"),
        "{report}"
    );
    assert_eq!(flow(&document, "api.query").protocol, "SQL");
    assert_eq!(flow(&document, "db.query").tls, Tls::V1_2);
}

#[test]
fn curve_crossing_makes_flow_public() {
    // A curve from (200, -100) to (200, 200) separates api (centre 50, 50) from db
    // (centre 350, 50); the flow between them crosses it.
    let cells = [
        process("p", "api", 0.0, 0.0),
        process("q", "db", 300.0, 0.0),
        r#"{"id": "c", "shape": "trust-boundary-curve", "source": {"x": 200, "y": -100},
            "target": {"x": 200, "y": 200}, "data": {"type": "tm.Boundary"}}"#
            .to_owned(),
        r#"{"id": "f", "shape": "flow", "source": {"cell": "p"}, "target": {"cell": "q"},
            "data": {"type": "tm.Flow", "name": "call", "isPublicNetwork": false}}"#
            .to_owned(),
    ]
    .join(",");
    let Import { document, report } =
        import_threat_dragon(&v2(&cells), "curve.json").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(flow(&document, "api.call").network, NetworkPath::Public);
    assert!(reported(
        &report.guessed,
        "f",
        "crosses trust boundary curve c"
    ));
    assert_eq!(zone_count(&document), 0);
}

#[test]
fn several_diagrams_become_zones() {
    let one = [process("p", "api", 0.0, 0.0)].join(",");
    let two = [
        process("p", "worker", 0.0, 0.0),
        boundary_box("b", -50.0, -50.0, 300.0, 300.0),
    ]
    .join(",");
    let text = format!(
        r#"{{"summary": {{"title": "t"}}, "detail": {{"diagrams": [
            {{"title": "Front", "cells": [{one}]}},
            {{"title": "Back", "cells": [{two}]}}
        ]}}}}"#
    );
    let document = import_threat_dragon(&text, "two.json")
        .unwrap_or_else(|error| panic!("{error}"))
        .document;
    // Two diagram zones and one boundary box.
    assert_eq!(zone_count(&document), 3);
    assert_eq!(parent_of(&document, "api"), Some("front"));
    assert_eq!(parent_of(&document, "worker"), Some("b"));
    assert_eq!(parent_of(&document, "b"), Some("back"));
    // The diagrams sit side by side: the second starts right of the first.
    let front = document.node("front").expect("front");
    let back = document.node("back").expect("back");
    assert!(front.position.x + front.size.width < back.position.x);
}
