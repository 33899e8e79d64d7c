//! End-to-end tests of the pytm importer on pytm's own test model in `fixtures/pytm/`.
//!
//! Expected counts were taken from the file by hand: 2 boundaries (Internet and
//! `Server/DB`), 3 elements (User in Internet, Web Server in no boundary, SQL Database in
//! `Server/DB`) and 4 flows, of which Insert and Select form a 2-cycle.

use std::path::PathBuf;

use trustmap_model::document::{DataClass, EdgeKind, NodeKind};
use trustmap_model::import::{Import, SourceFormat, detect, import_pytm};
use trustmap_model::review::review;

fn fixture() -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", "pytm", "input.json"]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn import() -> Import {
    import_pytm(&fixture(), "input.json").unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn counts_and_boundaries() {
    let document = import().document;
    let zones: Vec<&str> = document
        .nodes
        .iter()
        .filter(|node| node.is_zone())
        .map(|node| node.id.as_str())
        .collect();
    assert_eq!(zones, ["internet", "server-db"]);
    assert_eq!(document.nodes.len(), 5);
    assert_eq!(document.edges.len(), 4);

    let parent = |id: &str| document.node(id).and_then(|node| node.parent.as_deref());
    assert_eq!(parent("user"), Some("internet"));
    assert_eq!(parent("sql-database"), Some("server-db"));
    assert_eq!(parent("web-server"), None);
    assert!(matches!(
        document.node("user").map(|node| &node.kind),
        Some(NodeKind::External(_))
    ));
}

#[test]
fn two_cycle_and_data() {
    let document = import().document;
    let insert = document.edge("web-server.insert").expect("insert");
    let select = document.edge("sql-database.select").expect("select");
    assert_eq!(
        (insert.from.as_str(), insert.to.as_str()),
        ("web-server", "sql-database")
    );
    assert_eq!(
        (select.from.as_str(), select.to.as_str()),
        ("sql-database", "web-server")
    );

    // Request carries Password, classified SECRET, taken as credentials.
    let EdgeKind::Flow(request) = &document.edge("user.request").expect("request").kind else {
        panic!("request is a flow");
    };
    assert_eq!(request.data_classes, [DataClass::Credentials]);
}

#[test]
fn report_covers_every_element() {
    let report = import().report;
    for id in [
        "User",
        "Web Server",
        "SQL Database",
        "Internet",
        "Server/DB",
        "Password",
    ] {
        assert!(
            report.mapped.iter().any(|entry| entry.id == id),
            "{id} not mapped"
        );
    }
    assert!(
        report
            .mapped
            .iter()
            .any(|entry| entry.id == "Web Server" && entry.message.contains("no boundary"))
    );
    for key in ["isOrdered", "onDuplicates"] {
        assert!(report.left_out.iter().any(|entry| entry.id == key), "{key}");
    }
    assert!(
        report
            .left_out
            .iter()
            .any(|entry| entry.id == "Request" && entry.message.contains("note"))
    );
}

#[test]
fn east_west_answer() {
    let document = import().document;
    // Insert and Select join the web server and the database; neither states
    // authentication, so neither passes.
    let east_west = review(&document).questions.east_west;
    assert_eq!(east_west.total, 2);
    assert_eq!(east_west.passing, 0);
}

#[test]
fn detected_as_pytm() {
    assert_eq!(detect(&fixture()), Some(SourceFormat::Pytm));
}
