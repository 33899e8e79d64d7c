//! End-to-end tests of the Threagile importer on the upstream models in
//! `fixtures/threagile/`, and on inputs it must reject.
//!
//! Expected counts were taken from the files by hand: technical assets, links under
//! `communication_links`, links with `authentication: none`, and trust boundaries.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use trustmap_model::document::{
    Authentication, Authorization, DataClass, Document, EdgeKind, ExternalSort, Flow, NetworkPath,
    Node, NodeKind, OriginatingCheck, Tls, ZoneSort,
};
use trustmap_model::import::{
    Import, ImportError, SourceFormat, YamlError, detect, import_threagile,
};

fn fixture_text(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", "threagile", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn import(name: &str) -> Import {
    import_threagile(&fixture_text(name), name).unwrap_or_else(|error| panic!("{error}"))
}

fn node<'a>(doc: &'a Document, id: &str) -> &'a Node {
    doc.node(id).unwrap_or_else(|| panic!("no node {id}"))
}

fn flow<'a>(doc: &'a Document, id: &str) -> &'a Flow {
    match &doc.edge(id).unwrap_or_else(|| panic!("no edge {id}")).kind {
        EdgeKind::Flow(flow) => flow,
        other => panic!("{id} is a {} edge", other.name()),
    }
}

fn flows(doc: &Document) -> impl Iterator<Item = (&str, &Flow)> {
    doc.edges.iter().filter_map(|edge| match &edge.kind {
        EdgeKind::Flow(flow) => Some((edge.id.as_str(), flow)),
        _ => None,
    })
}

/// Ids of the flows with this authentication, sorted.
fn flows_with(doc: &Document, authentication: Authentication) -> Vec<&str> {
    let mut ids: Vec<&str> = flows(doc)
        .filter(|(_, flow)| flow.authentication == authentication)
        .map(|(id, _)| id)
        .collect();
    ids.sort_unstable();
    ids
}

fn zone_count(doc: &Document) -> usize {
    doc.nodes.iter().filter(|node| node.is_zone()).count()
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

/// Checks that every zone encloses its members and that siblings do not overlap.
fn assert_layout_tidy(doc: &Document) {
    for child in &doc.nodes {
        if let Some(parent) = &child.parent {
            assert!(
                encloses(node(doc, parent), child),
                "{parent} does not enclose {}",
                child.id
            );
        }
    }
    for (ix, a) in doc.nodes.iter().enumerate() {
        for b in &doc.nodes[ix + 1..] {
            if a.parent == b.parent {
                assert!(!overlaps(a, b), "{} overlaps {}", a.id, b.id);
            }
        }
    }
}

#[test]
fn demo_example_counts() {
    let doc = import("threagile-demo-example.yaml").document;

    // 14 technical assets and 5 trust boundaries; 20 links.
    assert_eq!(doc.nodes.len(), 14 + 5);
    assert_eq!(zone_count(&doc), 5);
    assert_eq!(flows(&doc).count(), 20);
    assert_eq!(doc.name, "Some Example Application");
}

#[test]
fn demo_example_nested_zones() {
    let doc = import("threagile-demo-example.yaml").document;

    for nested in ["web-dmz", "erp-dmz", "auth-env"] {
        assert_eq!(
            node(&doc, nested).parent.as_deref(),
            Some("application-network"),
            "{nested}"
        );
    }
    assert_eq!(node(&doc, "application-network").parent, None);
    assert_eq!(
        node(&doc, "load-balancer").parent.as_deref(),
        Some("application-network")
    );
    assert_eq!(
        node(&doc, "sql-database").parent.as_deref(),
        Some("erp-dmz")
    );
    assert_eq!(
        node(&doc, "git-repo").parent.as_deref(),
        Some("dev-network")
    );
    // The customer's browser lies in no trust boundary.
    assert_eq!(node(&doc, "customer-client").parent, None);

    // network-cloud-security-group becomes a private subnet with default deny.
    let NodeKind::Zone(web_dmz) = &node(&doc, "web-dmz").kind else {
        panic!("web-dmz is no zone");
    };
    assert_eq!(web_dmz.sort, ZoneSort::Subnet { public: false });
    assert!(web_dmz.default_deny);
    assert_layout_tidy(&doc);
}

#[test]
fn demo_example_unauthenticated_flows() {
    let doc = import("threagile-demo-example.yaml").document;

    // The two links with `authentication: none`, and no link without one.
    assert_eq!(
        flows_with(&doc, Authentication::None),
        [
            "erp-system.nfs-filesystem-access",
            "load-balancer.cms-content-traffic"
        ]
    );
    assert!(flows_with(&doc, Authentication::Unknown).is_empty());

    let nfs = flow(&doc, "erp-system.nfs-filesystem-access");
    assert_eq!(nfs.authorization, Authorization::None);
    assert_eq!(nfs.protocol, "nfs");
    assert_eq!(nfs.tls, Tls::None);
    // Customer contracts are rated confidential: PII.
    assert_eq!(nfs.data_classes, [DataClass::Pii]);
}

#[test]
fn demo_example_checks_by_caller() {
    let doc = import("threagile-demo-example.yaml").document;

    // From the customer's browser: a session, checked at the load balancer, over the
    // Internet without a VPN.
    let customer = flow(&doc, "customer-client.customer-traffic");
    assert_eq!(customer.authentication, Authentication::Session);
    assert_eq!(customer.authorization, Authorization::Custom);
    assert_eq!(customer.originating, OriginatingCheck::None);
    assert_eq!(customer.network, NetworkPath::Public);
    assert_eq!(customer.tls, Tls::V1_2);

    // Between internal nodes, end-user identity propagation authorizes the end user.
    let web = flow(&doc, "load-balancer.web-application-traffic");
    assert_eq!(
        web.originating,
        OriginatingCheck::Authorized { cedar: None }
    );
    assert_eq!(web.tls, Tls::None);

    // A token from a workload is a workload JWT, from a person a user JWT.
    let erp = flow(&doc, "apache-webserver.erp-system-traffic");
    assert_eq!(erp.authentication, Authentication::WorkloadJwt);
    let backoffice = flow(&doc, "backoffice-client.erp-internal-access");
    assert_eq!(backoffice.authentication, Authentication::UserJwt);
    // The back office reaches the ERP system through a VPN.
    assert_eq!(backoffice.network, NetworkPath::Private);

    assert_eq!(
        flow(&doc, "backend-admin-client.db-update-access").authentication,
        Authentication::Mtls
    );
    assert_eq!(
        flow(&doc, "erp-system.database-traffic").authentication,
        Authentication::ApiKey
    );
}

#[test]
fn demo_example_nodes() {
    let doc = import("threagile-demo-example.yaml").document;

    // No internal asset is on the Internet, so no node is public.
    let public: Vec<&str> = doc
        .nodes
        .iter()
        .filter(|node| node.is_public())
        .map(|node| node.id.as_str())
        .collect();
    assert!(public.is_empty(), "public: {public:?}");

    let customer = node(&doc, "customer-client");
    assert_eq!(customer.label, "Customer Web Client");
    assert!(matches!(
        customer.kind,
        NodeKind::External(ref external) if external.sort == ExternalSort::Customer
    ));
    assert!(matches!(
        node(&doc, "external-dev-client").kind,
        NodeKind::External(ref external)
            if external.sort == ExternalSort::WorkforceUser { mfa: false }
    ));
    assert!(matches!(
        node(&doc, "load-balancer").kind,
        NodeKind::Gateway(_)
    ));
    assert!(matches!(
        node(&doc, "sql-database").kind,
        NodeKind::DataStore(_)
    ));
    assert!(matches!(
        node(&doc, "identity-provider").kind,
        NodeKind::Identity(_)
    ));
    assert_eq!(node(&doc, "apache-webserver").technology, "web-server");
    assert_eq!(
        node(&doc, "apache-webserver").tags,
        ["linux", "apache", "aws:ec2"]
    );

    // The database stores customer accounts (strictly confidential, no card or
    // credential word in the name: PII and critical), operational data (confidential:
    // PII) and internal business data (strictly confidential: PII and critical).
    let database = node(&doc, "sql-database");
    assert_eq!(database.data_classes, [DataClass::Pii]);
    assert!(database.critical);
}

#[test]
fn demo_example_merge_keys_resolved() {
    let import = import("threagile-demo-example.yaml");

    // Marketing material takes `confidentiality: public` only from its merge key
    // (`<<: *client-application-code`), and the CMS stores nothing else.
    assert_eq!(
        node(&import.document, "marketing-cms").data_classes,
        [DataClass::Public]
    );
    assert!(
        !import
            .report
            .guessed
            .iter()
            .any(|entry| entry.id == "marketing-material"),
        "marketing material must have a stated confidentiality"
    );
}

#[test]
fn demo_example_html_stripped() {
    let doc = import("threagile-demo-example.yaml").document;

    assert!(doc.description.contains("Just some more custom summary"));
    assert!(doc.description.contains("Some more demo text here"));
    assert!(!doc.description.contains('<'), "{}", doc.description);
}

#[test]
fn demo_example_report() {
    let report = import("threagile-demo-example.yaml").report;

    let left_out_ids: Vec<&str> = report.left_out.iter().map(|e| e.id.as_str()).collect();
    assert!(
        left_out_ids.contains(&"something-strange"),
        "{left_out_ids:?}"
    );
    assert!(left_out_ids.contains(&"webapp-virtualization"));
    assert!(left_out_ids.contains(&"untrusted-deserialization@erp-system"));
    let category = report
        .left_out
        .iter()
        .find(|entry| entry.id == "something-strange")
        .expect("risk category reported");
    assert!(category.message.contains("individual_risk_categories"));
    assert!(category.message.contains("2 identified risks"));

    // Six links authenticate with credentials, each reported as an API key guess.
    let credentials: Vec<&str> = report
        .guessed
        .iter()
        .filter(|entry| entry.message.contains("credentials (a password)"))
        .map(|entry| entry.id.as_str())
        .collect();
    assert_eq!(credentials.len(), 6, "{credentials:?}");
    assert!(credentials.contains(&"erp-system.Database Traffic"));

    // Every technical asset, link, boundary and data asset is reported as mapped.
    assert_eq!(report.mapped.len(), 14 + 20 + 5 + 12);
}

#[test]
fn demo_stub() {
    let import = import("threagile-demo-stub.yaml");
    let doc = &import.document;

    // 2 technical assets, 1 trust boundary, 1 link without authentication.
    assert_eq!(doc.nodes.len(), 3);
    assert_eq!(zone_count(doc), 1);
    assert_eq!(
        flows_with(doc, Authentication::None),
        ["some-component.some-traffic"]
    );
    assert_eq!(flows(doc).count(), 1);
    assert_eq!(
        node(doc, "some-component").parent.as_deref(),
        Some("some-network")
    );
    assert_eq!(node(doc, "some-other-component").parent, None);
    assert_layout_tidy(doc);

    let left_out: Vec<&str> = import
        .report
        .left_out
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert!(left_out.contains(&"something-strange"));
    assert!(left_out.contains(&"some-runtime"));
}

#[test]
fn automotive_counts() {
    let doc = import("threagile-automotive-zonal.yaml").document;

    // 37 technical assets, 7 trust boundaries, 42 links of which 31 unauthenticated.
    assert_eq!(doc.nodes.len(), 37 + 7);
    assert_eq!(zone_count(&doc), 7);
    assert_eq!(flows(&doc).count(), 42);
    assert_eq!(flows_with(&doc, Authentication::None).len(), 31);
    assert_eq!(flows_with(&doc, Authentication::ApiKey).len(), 9);
    assert_eq!(flows_with(&doc, Authentication::Mtls).len(), 2);
    assert_layout_tidy(&doc);
}

#[test]
fn automotive_public_nodes() {
    let doc = import("threagile-automotive-zonal.yaml").document;

    // The internal assets marked `internet: true`.
    let mut public: Vec<&str> = doc
        .nodes
        .iter()
        .filter(|node| node.is_public())
        .map(|node| node.id.as_str())
        .collect();
    public.sort_unstable();
    assert_eq!(
        public,
        [
            "charge-controller",
            "gnss-receiver",
            "ivi",
            "tcu",
            "v2x-module",
            "wifi-bt-module"
        ]
    );
    assert!(matches!(node(&doc, "tcu").kind, NodeKind::Gateway(ref g) if g.public));
}

#[test]
fn automotive_text_and_data() {
    let import = import("threagile-automotive-zonal.yaml");
    let doc = &import.document;

    let charger = node(doc, "charge-controller");
    assert_eq!(charger.label, "Charge Port Controller");
    assert_eq!(
        charger.note,
        "EVCC — ISO 15118 Plug & Charge, CCS PLC, EVSE handshake"
    );
    // `CAN<->Ethernet` is not an HTML tag.
    assert!(node(doc, "zone-chassis").note.contains("CAN<->Ethernet"));

    // The brake ECU is tagged safety-critical.
    assert!(node(doc, "brake-ecu").critical);
    // Safety control messages: internal, mission-critical integrity, named for safety.
    assert_eq!(
        flow(doc, "zone-chassis.to-brake-ecu").data_classes,
        [DataClass::Internal, DataClass::SafetyCritical]
    );
    // The misspelled-upstream value `enduser-identity-propagation` is understood.
    assert_eq!(
        flow(doc, "companion-app.app-to-oem-cloud").authorization,
        Authorization::Custom
    );
    // Both ends are external and on the Internet.
    assert_eq!(
        flow(doc, "companion-app.app-to-oem-cloud").network,
        NetworkPath::Public
    );
    // In-vehicle Ethernet from the internet-facing TCU is no Internet path.
    assert_eq!(
        flow(doc, "tcu.backbone-to-central-gateway").network,
        NetworkPath::Private
    );
}

#[test]
fn fixtures_detected_as_threagile() {
    for name in [
        "threagile-demo-example.yaml",
        "threagile-demo-stub.yaml",
        "threagile-automotive-zonal.yaml",
    ] {
        assert_eq!(
            detect(&fixture_text(name)),
            Some(SourceFormat::Threagile),
            "{name}"
        );
    }
}

#[test]
fn reject_invalid_yaml_with_position() {
    let error = import_threagile("title: x\ntechnical_assets: [a, b\n", "bad.yaml")
        .expect_err("invalid YAML");

    let ImportError::Yaml {
        error: YamlError::Syntax { location, .. },
        ..
    } = &error
    else {
        panic!("unexpected error: {error}");
    };
    let line = location.line().expect("a line");
    let column = location.column().expect("a column");
    let message = error.to_string();
    let prefix = format!("bad.yaml:{line}:{column}: invalid YAML: ");
    assert!(message.starts_with(&prefix), "{message}");
    assert!(
        !message.contains(" at line {line} column {column}"),
        "{message}"
    );
}

#[test]
fn reject_asset_list() {
    let error = import_threagile("technical_assets:\n  - id: a\n", "list.yaml")
        .expect_err("technical_assets must be a mapping");

    assert_eq!(
        error.to_string(),
        "list.yaml: `technical_assets` must be a mapping, but is a sequence"
    );
}

#[test]
fn reject_link_without_target() {
    let text = "\
technical_assets:
  Web Server:
    id: web-server
    communication_links:
      x:
        protocol: https
";
    let error = import_threagile(text, "m.yaml").expect_err("link needs a target");

    let ImportError::Field { path, found, .. } = &error else {
        panic!("unexpected error: {error}");
    };
    assert_eq!(
        path,
        "technical_assets.Web Server.communication_links.x.target"
    );
    assert_eq!(found, "missing");
}

#[test]
fn reject_wrong_flag_and_duplicate_id() {
    let text = "technical_assets:\n  A:\n    id: a\n    internet: yes please\n";
    let error = import_threagile(text, "m.yaml").expect_err("flag must be a bool");
    assert_eq!(
        error.to_string(),
        "m.yaml: `technical_assets.A.internet` must be `true` or `false`, but is \"yes please\""
    );

    let text = "technical_assets:\n  A:\n    id: a\n  B:\n    id: a\n";
    let error = import_threagile(text, "m.yaml").expect_err("ids must be unique");
    assert!(
        error.to_string().contains("`technical_assets.B.id`"),
        "{error}"
    );
}

#[test]
fn missing_target_asset_left_out() {
    let text = "\
technical_assets:
  A:
    id: a
    communication_links:
      To Nowhere:
        target: nowhere
";
    let import = import_threagile(text, "m.yaml").expect("valid model");

    assert!(import.document.edges.is_empty());
    assert!(
        import
            .report
            .left_out
            .iter()
            .any(|entry| entry.id == "a.To Nowhere" && entry.message.contains("nowhere"))
    );
}

#[test]
fn missing_authentication_is_unknown() {
    let text = "\
technical_assets:
  A:
    id: a
    communication_links:
      Call:
        target: b
  B:
    id: b
";
    let import = import_threagile(text, "m.yaml").expect("valid model");

    let call = flow(&import.document, "a.call");
    assert_eq!(call.authentication, Authentication::Unknown);
    assert_eq!(call.authorization, Authorization::Unknown);
    assert!(import.report.guessed.iter().any(|entry| {
        entry.id == "a.Call" && entry.message == "states no authentication; recorded as unknown"
    }));
}

#[test]
fn asset_in_two_boundaries_goes_innermost() {
    let text = "\
technical_assets:
  A:
    id: a
trust_boundaries:
  Inner:
    id: inner
    technical_assets_inside: [a]
  Outer:
    id: outer
    technical_assets_inside: [a]
    trust_boundaries_nested: [inner]
  Loop:
    id: loop
    trust_boundaries_nested: [outer, loop]
";
    let import = import_threagile(text, "m.yaml").expect("valid model");
    let doc = &import.document;

    assert_eq!(node(doc, "a").parent.as_deref(), Some("inner"));
    assert_eq!(node(doc, "inner").parent.as_deref(), Some("outer"));
    assert_eq!(node(doc, "outer").parent.as_deref(), Some("loop"));
    // `loop` nesting itself would close a cycle.
    assert_eq!(node(doc, "loop").parent, None);
    assert!(
        import
            .report
            .guessed
            .iter()
            .any(|entry| entry.id == "a" && entry.message.contains("innermost, inner"))
    );
    assert!(
        import
            .report
            .left_out
            .iter()
            .any(|entry| entry.id == "loop")
    );
    assert_layout_tidy(doc);
}

#[test]
fn billion_laughs_rejected_quickly() {
    let mut text = String::from("a0: &a0 [\"lol\"]\n");
    for level in 1..=9 {
        let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
    }
    text.push_str("technical_assets: *a9\n");

    let start = Instant::now();
    let error = import_threagile(&text, "laughs.yaml").expect_err("must be rejected");
    let elapsed = start.elapsed();

    assert!(error.to_string().contains("aliases"), "{error}");
    assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
}

#[test]
fn deep_nesting_rejected_quickly() {
    let text = format!(
        "technical_assets: {}{}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );

    let start = Instant::now();
    let error = import_threagile(&text, "deep.yaml").expect_err("must be rejected");
    let elapsed = start.elapsed();

    assert!(
        error.to_string().contains("deeper than 128 levels"),
        "{error}"
    );
    assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
}
