//! End-to-end tests of the Open Threat Model import and export on the upstream model in
//! `fixtures/otm/`, on YAML input and on a round trip.
//!
//! Expected counts were taken from the file by hand: 2 trust zones, 4 components and 6
//! dataflows, none bidirectional.

use std::path::PathBuf;

use trustmap_model::document::{Authentication, Document, NodeKind};
use trustmap_model::import::{
    Import, ImportError, SourceFormat, detect, export_otm, import_otm, import_threagile,
};
use trustmap_model::review::review;

fn fixture_text(dir: &str, name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", dir, name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn mobile_cloud() -> Import {
    let text = fixture_text("otm", "mobile-cloud.otm.json");
    import_otm(&text, "mobile-cloud.otm.json").unwrap_or_else(|error| panic!("{error}"))
}

const API: &str = "5d15323e-3729-4694-87b1-181c90af5045";
const POSTGRES: &str = "53245f54-0656-4ede-a393-357aeaa2e20f";
const CLIENT: &str = "6183b7fa-eba5-4bf8-a0af-c3e30d144a10";
const CLOUD: &str = "b61d6911-338d-46a8-9f39-8dcd24abfe91";

#[test]
fn mobile_cloud_counts() {
    let Import { document, report } = mobile_cloud();
    let zones = document.nodes.iter().filter(|node| node.is_zone()).count();
    assert_eq!(zones, 2);
    assert_eq!(document.nodes.len(), 2 + 4);
    assert_eq!(document.edges.len(), 6);
    assert!(report.left_out.iter().any(|entry| entry.id == "threats"));
}

#[test]
fn mobile_cloud_kinds_and_parents() {
    let document = mobile_cloud().document;
    let node = |id: &str| document.node(id).unwrap_or_else(|| panic!("no node {id}"));

    assert!(matches!(node(CLIENT).kind, NodeKind::External(_)));
    assert!(matches!(node(API).kind, NodeKind::Service(_)));
    assert!(matches!(node(POSTGRES).kind, NodeKind::DataStore(_)));
    assert_eq!(node(POSTGRES).parent.as_deref(), Some(CLOUD));
    assert_eq!(node(API).parent.as_deref(), Some(CLOUD));
}

#[test]
fn mobile_cloud_east_west_answer() {
    let document = mobile_cloud().document;
    // The API's four flows to and from its two stores are east-west; the two flows with
    // the mobile client are not. None states authentication.
    let east_west = review(&document).questions.east_west;
    assert_eq!(east_west.total, 4);
    assert_eq!(east_west.passing, 0);
}

#[test]
fn fixture_detected_as_otm() {
    let text = fixture_text("otm", "mobile-cloud.otm.json");
    assert_eq!(detect(&text), Some(SourceFormat::Otm));
}

const YAML: &str = "\
otmVersion: 0.2.0
project:
  name: Shop
  id: shop
assets:
  - id: cards
    name: Card numbers
trustZones:
  - id: internet
    name: Internet
    risk: { trustRating: 0 }
  - id: vpc
    name: VPC
    risk: { trustRating: 80 }
  - id: private
    name: Private subnet
    parent: { trustZone: vpc }
    risk: { trustRating: 90 }
components:
  - id: browser
    name: Browser
    type: web-client
    parent: { trustZone: internet }
  - id: api
    name: API
    type: web-service
    parent: { trustZone: vpc }
  - id: db
    name: Orders
    type: postgresql
    parent: { trustZone: private }
    assets: { stored: [cards] }
dataflows:
  - id: checkout
    source: browser
    destination: api
    bidirectional: true
    properties: { protocol: HTTPS, tls: V1_3, network: Public }
  - id: orders
    source: api
    destination: db
    properties: { authentication: Mtls, authorization: IamPolicy, logged: true, tls: V1_3 }
";

#[test]
fn yaml_model_imports() {
    let Import { document, report } =
        import_otm(YAML, "shop.otm.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(detect(YAML), Some(SourceFormat::Otm));
    // 3 zones and 3 components; one bidirectional dataflow and one plain one.
    assert_eq!(document.nodes.len(), 6);
    assert_eq!(document.edges.len(), 3);
    assert_eq!(
        document.node("private").and_then(|n| n.parent.as_deref()),
        Some("vpc")
    );
    let db = document.node("db").expect("db");
    assert!(db.is_crown_jewel(), "stores card numbers");

    // orders states mTLS, an IAM policy, logging and TLS 1.3, so it passes east-west.
    let east_west = review(&document).questions.east_west;
    assert_eq!(east_west.total, 1);
    assert_eq!(east_west.passing, 1);
    // checkout states no authentication: unknown, and reported as guessed.
    assert!(
        report
            .guessed
            .iter()
            .any(|entry| entry.id == "checkout" && entry.message.contains("unknown"))
    );
    let checkout = document.edge("checkout").expect("checkout");
    let trustmap_model::document::EdgeKind::Flow(flow) = &checkout.kind else {
        panic!("checkout is a flow");
    };
    assert_eq!(flow.authentication, Authentication::Unknown);
}

#[test]
fn missing_project_name_path() {
    let error = import_otm(
        r#"{"otmVersion": "0.2.0", "project": {"id": "x"}}"#,
        "x.otm.json",
    )
    .expect_err("no name");
    assert_eq!(
        error.to_string(),
        "x.otm.json: `project.name` must be present, but is missing"
    );
    let error = import_otm("{ not json", "x.otm.json").expect_err("not JSON");
    assert!(matches!(error, ImportError::Json { .. }), "{error}");
}

/// Returns the sorted node ids with their parents, and the sorted flows as id, from, to.
type Shape = (Vec<(String, Option<String>)>, Vec<(String, String, String)>);

fn shape(document: &Document) -> Shape {
    let mut nodes: Vec<_> = document
        .nodes
        .iter()
        .map(|node| (node.id.clone(), node.parent.clone()))
        .collect();
    nodes.sort();
    let mut flows: Vec<_> = document
        .edges
        .iter()
        .map(|edge| (edge.id.clone(), edge.from.clone(), edge.to.clone()))
        .collect();
    flows.sort();
    (nodes, flows)
}

#[test]
fn round_trip_keeps_nodes_flows_zones() {
    let threagile = fixture_text("threagile", "threagile-demo-example.yaml");
    let sources = [
        mobile_cloud().document,
        import_threagile(&threagile, "demo.yaml")
            .unwrap_or_else(|e| panic!("{e}"))
            .document,
    ];
    for original in sources {
        let text = serde_json::to_string_pretty(&export_otm(&original)).expect("JSON");
        let back = import_otm(&text, "round.otm.json")
            .unwrap_or_else(|e| panic!("{e}"))
            .document;
        assert_eq!(shape(&back), shape(&original), "{}", original.name);
        for node in &original.nodes {
            let copy = back.node(&node.id).expect("node kept");
            assert_eq!(copy.kind, node.kind, "{}", node.id);
            assert_eq!(copy.data_classes, node.data_classes, "{}", node.id);
        }
        for edge in &original.edges {
            assert_eq!(
                back.edge(&edge.id).map(|e| &e.kind),
                Some(&edge.kind),
                "{}",
                edge.id
            );
        }
    }
}
