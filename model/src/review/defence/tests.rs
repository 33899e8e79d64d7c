//! Hand-built models whose depth of defence and chokepoints were worked out by hand first.

use super::*;
use crate::document::{
    Authentication as Authn, Authorization as Authz, DataClass, Node, NodeKind,
    OriginatingCheck as Origin, Secret, SecretStorage,
};
use crate::review::reach::INTERNET;
use crate::review::reach::test_model::{Model, checked, generated_model, mtls, open};

fn defence_of(model: &Model) -> Defence {
    answer(&Graph::new(&model.doc))
}

fn findings_of(model: &Model) -> Vec<Finding> {
    let graph = Graph::new(&model.doc);
    findings(&graph, &answer(&graph))
}

fn jewel<'d>(defence: &'d Defence, id: &str) -> &'d JewelDefence {
    defence
        .jewels
        .iter()
        .find(|jewel| jewel.jewel == id)
        .unwrap_or_else(|| panic!("{id} is not a reachable crown jewel"))
}

fn enforcing() -> Flow {
    mtls(Origin::None)
}

#[test]
fn depth_zero_without_enforcing_flow() {
    // user -(none)-> db: no enforcing flow, depth 0, a high finding.
    let model = Model::new()
        .external("user")
        .store("db", false, &[])
        .critical("db")
        .flow("f1", "user", "db", open());
    let defence = defence_of(&model);

    assert_eq!(jewel(&defence, "db").depth, 0);
    assert_eq!(jewel(&defence, "db").path, ["user", "db"]);

    let findings = findings_of(&model);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "REV-1");
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(findings[0].nodes, ["db"]);
    assert_eq!(findings[0].evidence, ["user", "db"]);
    assert_eq!(findings[0].edges, ["f1"]);
}

#[test]
fn depth_one_is_a_finding() {
    // user -(none)-> gw -(mTLS + IAM)-> db: one enforcing flow, depth 1. gw is the only
    // way in, so it is a chokepoint of db.
    let model = Model::new()
        .external("user")
        .gateway("gw")
        .store("db", false, &[])
        .critical("db")
        .flow("f1", "user", "gw", open())
        .flow("f2", "gw", "db", enforcing());
    let defence = defence_of(&model);

    assert_eq!(jewel(&defence, "db").depth, 1);
    assert_eq!(jewel(&defence, "db").chokepoints, ["gw"]);

    let findings = findings_of(&model);
    let depth: Vec<&Finding> = findings
        .iter()
        .filter(|finding| finding.severity == Severity::High)
        .collect();
    assert_eq!(depth.len(), 1);
    assert_eq!(depth[0].evidence, ["user", "gw", "db"]);
}

#[test]
fn depth_two_through_parallel_paths() {
    // ledger holds cardholder data, so it is a crown jewel.
    // Through gw: f1 (user JWT + custom) enforces, f2 and f3 (mTLS + IAM) enforce: 3.
    // Through worker: f4 (API key) does not enforce, f5 and f3 do: 2. Its parallel flow f6
    // (mTLS + IAM) would enforce, so the path takes f4.
    // Both paths have three flows; depth decides before ids (gw comes before worker).
    let model = Model::new()
        .external("user")
        .gateway("gw")
        .service("api")
        .service("worker")
        .store("ledger", false, &[DataClass::Cardholder])
        .flow("f1", "user", "gw", checked(Authn::UserJwt, Authz::Custom))
        .flow("f2", "gw", "api", enforcing())
        .flow("f3", "api", "ledger", enforcing())
        .flow(
            "f4",
            "user",
            "worker",
            checked(Authn::ApiKey, Authz::Custom),
        )
        .flow("f5", "worker", "api", enforcing())
        .flow(
            "f6",
            "user",
            "worker",
            checked(Authn::Mtls, Authz::IamPolicy),
        );
    let defence = defence_of(&model);

    let ledger = jewel(&defence, "ledger");
    assert_eq!(ledger.depth, 2);
    assert_eq!(ledger.path, ["user", "worker", "api", "ledger"]);
    assert_eq!(ledger.flows, ["f4", "f5", "f3"]);
    assert_eq!(ledger.chokepoints, ["api"]);

    // Depth 2 is no finding; api is an info chokepoint.
    let findings = findings_of(&model);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Info);
    assert_eq!(findings[0].nodes, ["api", "ledger"]);
}

#[test]
fn depth_before_length_then_ids() {
    // j through a: user -(none)-> a -(mTLS + IAM)-> j, depth 1 in two flows.
    // j through b and c: three open flows, depth 0: the longer path wins.
    // k through p or q: two open flows each, depth 0; p comes first.
    let model = Model::new()
        .external("user")
        .service("a")
        .service("b")
        .service("c")
        .service("q")
        .service("p")
        .service("j")
        .service("k")
        .critical("j")
        .critical("k")
        .flow("f1", "user", "a", open())
        .flow("f2", "a", "j", enforcing())
        .flow("f3", "user", "b", open())
        .flow("f4", "b", "c", open())
        .flow("f5", "c", "j", open())
        .flow("f6", "user", "q", open())
        .flow("f7", "q", "k", open())
        .flow("f8", "user", "p", open())
        .flow("f9", "p", "k", open());
    let defence = defence_of(&model);

    assert_eq!(jewel(&defence, "j").depth, 0);
    assert_eq!(jewel(&defence, "j").path, ["user", "b", "c", "j"]);
    assert_eq!(jewel(&defence, "k").depth, 0);
    assert_eq!(jewel(&defence, "k").path, ["user", "p", "k"]);
}

#[test]
fn implicit_internet_flow_starts_path() {
    // web is public and entered by no drawn flow: (internet) -> web -(mTLS + IAM)-> db.
    let model = Model::new()
        .public_service("web")
        .store("db", false, &[])
        .critical("db")
        .flow("f1", "web", "db", enforcing());
    let defence = defence_of(&model);

    assert_eq!(jewel(&defence, "db").depth, 1);
    assert_eq!(jewel(&defence, "db").path, [INTERNET, "web", "db"]);
    assert_eq!(jewel(&defence, "db").chokepoints, ["web"]);

    let findings = findings_of(&model);
    let depth = findings
        .iter()
        .find(|finding| finding.severity == Severity::High)
        .expect("depth 1 is a finding");
    assert_eq!(depth.edges, ["f1"]);
}

#[test]
fn unknown_checks_are_recorded() {
    // f1 has unknown authentication and custom authorization: it does not enforce, but
    // would with a known strong authentication. f2 has no authentication and unknown
    // authorization: it could not enforce whatever the authorization, so nothing is
    // recorded for it.
    let model = Model::new()
        .external("user")
        .service("svc")
        .store("db", false, &[])
        .critical("db")
        .flow("f1", "user", "svc", checked(Authn::Unknown, Authz::Custom))
        .flow("f2", "svc", "db", checked(Authn::None, Authz::Unknown));
    let defence = defence_of(&model);

    assert_eq!(jewel(&defence, "db").depth, 0);
    assert_eq!(jewel(&defence, "db").unknown, ["authentication of flow f1"]);
    let findings = findings_of(&model);
    let depth = findings
        .iter()
        .find(|finding| finding.severity == Severity::High)
        .expect("depth 0 is a finding");
    assert_eq!(depth.unknown, ["authentication of flow f1"]);
}

#[test]
fn diamond_has_no_chokepoint() {
    // user calls a and b, both call db: no internal node lies on every path.
    let model = Model::new()
        .external("user")
        .service("a")
        .service("b")
        .store("db", false, &[])
        .critical("db")
        .flow("f1", "user", "a", enforcing())
        .flow("f2", "user", "b", enforcing())
        .flow("f3", "a", "db", enforcing())
        .flow("f4", "b", "db", enforcing());
    let defence = defence_of(&model);

    assert_eq!(jewel(&defence, "db").depth, 2);
    assert!(jewel(&defence, "db").chokepoints.is_empty());
    assert!(defence.chokepoints.is_empty());
    assert!(findings_of(&model).is_empty());
}

#[test]
fn funnel_chokepoint_gates_several_jewels() {
    // a and b both call hub; hub calls j1, j2 and y; y calls j3; x calls j2 and is
    // called by hub, so every path to j2 passes hub. w alone reaches j4.
    // Chokepoints: hub gates j1, j2, j3; w gates j4; y gates j3.
    // Order: hub (three jewels), then w and y (one each) by id.
    let model = Model::new()
        .external("user")
        .service("a")
        .service("b")
        .service("hub")
        .service("x")
        .service("y")
        .service("w")
        .service("j1")
        .service("j2")
        .service("j3")
        .service("j4")
        .critical("j1")
        .critical("j2")
        .critical("j3")
        .critical("j4")
        .flow("f1", "user", "a", enforcing())
        .flow("f2", "user", "b", enforcing())
        .flow("f3", "a", "hub", enforcing())
        .flow("f4", "b", "hub", enforcing())
        .flow("f5", "hub", "j1", enforcing())
        .flow("f6", "hub", "j2", enforcing())
        .flow("f7", "hub", "x", enforcing())
        .flow("f8", "x", "j2", enforcing())
        .flow("f9", "hub", "y", enforcing())
        .flow("f10", "y", "j3", enforcing())
        .flow("f11", "user", "w", enforcing())
        .flow("f12", "w", "j4", enforcing());
    let defence = defence_of(&model);

    let listed: Vec<(&str, Vec<&str>)> = defence
        .chokepoints
        .iter()
        .map(|chokepoint| {
            (
                chokepoint.node.as_str(),
                chokepoint.gates.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("hub", vec!["j1", "j2", "j3"]),
            ("w", vec!["j4"]),
            ("y", vec!["j3"]),
        ]
    );
    assert_eq!(jewel(&defence, "j3").chokepoints, ["hub", "y"]);

    let findings = findings_of(&model);
    let info: Vec<&Finding> = findings
        .iter()
        .filter(|finding| finding.severity == Severity::Info)
        .collect();
    assert_eq!(info.len(), 3);
    assert_eq!(info[0].nodes, ["hub", "j1", "j2", "j3"]);
    assert!(info.iter().all(|finding| finding.rule == "REV-1"));
}

#[test]
fn crown_jewels_from_flag_and_restricted_data() {
    // core is marked critical; vault is a secret, which holds credentials (restricted);
    // plain holds internal data only and is no crown jewel; far is critical but no flow
    // reaches it, so it is not listed.
    let mut model = Model::new()
        .external("user")
        .service("core")
        .critical("core")
        .store("plain", false, &[DataClass::Internal])
        .service("far")
        .critical("far")
        .flow("f1", "user", "core", enforcing())
        .flow("f2", "user", "plain", enforcing())
        .flow("f3", "core", "vault", enforcing());
    model.doc.nodes.push(Node::new(
        "vault",
        "vault",
        NodeKind::Secret(Secret {
            storage: SecretStorage::SecretsManager,
            rotation_days: Some(30),
        }),
    ));
    let defence = defence_of(&model);

    let ids: Vec<&str> = defence
        .jewels
        .iter()
        .map(|jewel| jewel.jewel.as_str())
        .collect();
    assert_eq!(ids, ["core", "vault"]);
    assert_eq!(jewel(&defence, "vault").depth, 2);
    assert_eq!(jewel(&defence, "vault").chokepoints, ["core"]);
}

#[test]
fn generated_model_completes() {
    // Every store d_i is called only by s_i, which its gateway g_(i mod 900) calls with an
    // enforcing flow; the gateway is called with no checks. d00000 is critical: depth 2,
    // through e00000, g00000, s00000, and s00000 lies on every path to it.
    let model = generated_model();
    let defence = defence_of(&model);

    let ids: Vec<&str> = defence
        .jewels
        .iter()
        .map(|jewel| jewel.jewel.as_str())
        .collect();
    assert_eq!(ids, ["d00000", "d01000", "d02000", "d03000", "d04000"]);
    let first = jewel(&defence, "d00000");
    assert_eq!(first.depth, 2);
    assert_eq!(first.path, ["e00000", "g00000", "s00000", "d00000"]);
    assert!(first.chokepoints.contains(&"s00000".to_owned()));

    let review = crate::review::review(&model.doc);
    assert_eq!(review.defence.jewels.len(), 5);
}

#[test]
fn titles_name_nodes_by_label() {
    // As depth_one_is_a_finding, with labels that differ from the ids.
    let mut model = Model::new()
        .external("user")
        .gateway("gw")
        .store("db", false, &[])
        .critical("db")
        .flow("f1", "user", "gw", open())
        .flow("f2", "gw", "db", enforcing());
    for node in &mut model.doc.nodes {
        node.label = match node.id.as_str() {
            "gw" => "Edge gateway".to_owned(),
            "db" => "Card database".to_owned(),
            _ => continue,
        };
    }

    let findings = findings_of(&model);
    let titles: Vec<&str> = findings
        .iter()
        .map(|finding| finding.title.as_str())
        .collect();
    assert!(
        titles.contains(
            &"Crown jewel Card database can be reached through one enforcing flow, so one \
              failure exposes it"
        ),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Edge gateway lies on every path to 1 crown jewel: Card database"),
        "{titles:?}"
    );
}
