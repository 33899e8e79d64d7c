//! Hand-built models whose Q1 answers were worked out by hand first.

use super::test_model::{Model, cedar, checked, generated_model, mtls, open};
use super::*;
use crate::document::{
    Authentication as Authn, Authorization as Authz, CanAssume, DataClass, EdgeKind,
    OriginatingCheck as Origin,
};
use crate::graph::Graph;

fn reach_of(model: &Model) -> Reach {
    answer(&Graph::new(&model.doc))
}

fn findings_of(model: &Model) -> Vec<Finding> {
    let graph = Graph::new(&model.doc);
    findings(&graph, &answer(&graph))
}

fn node<'r>(reach: &'r Reach, id: &str) -> &'r NodeReach {
    reach
        .nodes
        .iter()
        .find(|node| node.node == id)
        .unwrap_or_else(|| panic!("{id} is not in the answer"))
}

fn level(reach: &Reach, id: &str) -> Level {
    node(reach, id).level
}

fn path<'r>(reach: &'r Reach, id: &str) -> Vec<&'r str> {
    node(reach, id).path.iter().map(String::as_str).collect()
}

fn flows<'r>(reach: &'r Reach, id: &str) -> Vec<&'r str> {
    node(reach, id).flows.iter().map(String::as_str).collect()
}

/// Returns the ids of the nodes that have a finding of their level (not of a bypass).
fn flagged(findings: &[Finding]) -> Vec<&str> {
    findings
        .iter()
        .filter(|finding| !finding.title.contains("WAF"))
        .map(|finding| finding.nodes[0].as_str())
        .collect()
}

#[test]
fn confused_deputy_leaves_backend_anonymous() {
    // user -(none)-> gw -(mTLS + IAM, no end-user check)-> backend. The backend checks the
    // gateway strongly, but the gateway forwarded an unchecked request: both anonymous.
    let model = Model::new()
        .external("user")
        .gateway("gw")
        .service("backend")
        .flow("f1", "user", "gw", open())
        .flow("f2", "gw", "backend", mtls(Origin::None));
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "gw"), Level::Anonymous);
    assert_eq!(level(&reach, "backend"), Level::Anonymous);
    assert_eq!(path(&reach, "backend"), ["user", "gw", "backend"]);
    assert_eq!(flows(&reach, "backend"), ["f1", "f2"]);

    let findings = findings_of(&model);
    assert_eq!(flagged(&findings), ["backend", "gw"]);
    assert!(findings.iter().all(|finding| finding.rule == "REV-1"));
    assert!(
        findings
            .iter()
            .all(|finding| finding.severity == Severity::High)
    );
    assert_eq!(findings[0].evidence, ["user", "gw", "backend"]);
    assert_eq!(findings[0].edges, ["f1", "f2"]);
}

#[test]
fn originating_caller_state_rises_and_never_falls() {
    // user -(none)-> gw: anonymous. gw -(end user authenticated)-> api: any authenticated.
    // api -(end user authorized)-> db: explicitly authorized. db -(no end-user check)->
    // cache: stays explicitly authorized, because a state never falls.
    let model = Model::new()
        .external("user")
        .gateway("gw")
        .service("api")
        .store("db", false, &[])
        .service("cache")
        .flow("f1", "user", "gw", open())
        .flow("f2", "gw", "api", mtls(Origin::Authenticated))
        .flow("f3", "api", "db", mtls(Origin::Authorized { cedar: None }))
        .flow("f4", "db", "cache", open());
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "gw"), Level::Anonymous);
    assert_eq!(level(&reach, "api"), Level::AnyAuthenticatedPrincipal);
    assert_eq!(level(&reach, "db"), Level::ExplicitlyAuthorized);
    assert_eq!(level(&reach, "cache"), Level::ExplicitlyAuthorized);
    assert_eq!(path(&reach, "cache"), ["user", "gw", "api", "db", "cache"]);

    // gw and api are findings; db and cache are not.
    assert_eq!(flagged(&findings_of(&model)), ["api", "gw"]);
}

#[test]
fn api_key_authenticates_its_holder() {
    // An API key authenticates: alone it gives any authenticated principal, with an
    // authorization it gives explicit authorization.
    let model = Model::new()
        .external("user")
        .service("keyed")
        .service("keyed-authorized")
        .flow("f1", "user", "keyed", checked(Authn::ApiKey, Authz::None))
        .flow(
            "f2",
            "user",
            "keyed-authorized",
            checked(Authn::ApiKey, Authz::IamPolicy),
        );
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "keyed"), Level::AnyAuthenticatedPrincipal);
    assert_eq!(
        level(&reach, "keyed-authorized"),
        Level::ExplicitlyAuthorized
    );
}

#[test]
fn authorization_without_authentication_raises_nothing() {
    // f1: no authentication, custom authorization: anonymous.
    // f2: unknown authentication (counts as none), custom authorization: anonymous, and
    // the answer rests on the unknown authentication.
    // f3: no authentication, unknown authorization: anonymous; the authorization could not
    // have raised anything, so nothing unknown is recorded.
    // f4: session, unknown authorization: any authenticated, resting on the authorization.
    let model = Model::new()
        .external("user")
        .service("a")
        .service("b")
        .service("c")
        .service("d")
        .flow("f1", "user", "a", checked(Authn::None, Authz::Custom))
        .flow("f2", "user", "b", checked(Authn::Unknown, Authz::Custom))
        .flow("f3", "user", "c", checked(Authn::None, Authz::Unknown))
        .flow("f4", "user", "d", checked(Authn::Session, Authz::Unknown));
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "a"), Level::Anonymous);
    assert!(node(&reach, "a").unknown.is_empty());
    assert_eq!(level(&reach, "b"), Level::Anonymous);
    assert_eq!(node(&reach, "b").unknown, ["authentication of flow f2"]);
    assert_eq!(level(&reach, "c"), Level::Anonymous);
    assert!(node(&reach, "c").unknown.is_empty());
    assert_eq!(level(&reach, "d"), Level::AnyAuthenticatedPrincipal);
    assert_eq!(node(&reach, "d").unknown, ["authorization of flow f4"]);

    let findings = findings_of(&model);
    let on_b = findings
        .iter()
        .find(|finding| finding.nodes == ["b"])
        .expect("b has a finding");
    assert_eq!(on_b.unknown, ["authentication of flow f2"]);
}

#[test]
fn public_node_reached_from_internet() {
    // web is public and no drawn flow from an external node enters it: the Internet
    // reaches it anonymously through the implicit flow. api is public too, but the drawn
    // flow from user enters it with a user JWT and custom authorization, so it has no
    // implicit flow and is explicitly authorized. hidden is not public: unreachable.
    let model = Model::new()
        .external("user")
        .public_service("web")
        .public_service("api")
        .service("hidden")
        .flow("f1", "user", "api", checked(Authn::UserJwt, Authz::Custom));
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "web"), Level::Anonymous);
    assert_eq!(path(&reach, "web"), [INTERNET, "web"]);
    assert_eq!(flows(&reach, "web"), [IMPLICIT_FLOW]);
    assert_eq!(level(&reach, "api"), Level::ExplicitlyAuthorized);
    assert_eq!(path(&reach, "api"), ["user", "api"]);
    assert_eq!(level(&reach, "hidden"), Level::Unreachable);

    let findings = findings_of(&model);
    assert_eq!(flagged(&findings), ["web"]);
    assert_eq!(findings[0].evidence, [INTERNET, "web"]);
    assert!(findings[0].edges.is_empty());
}

#[test]
fn public_content_is_passed_over() {
    // Every store and service below is public, so the Internet reaches each anonymously.
    // Only assets is public content (public data only, no flows out, no runs-as, no
    // unlocks); each other one has a finding:
    // - site holds public data only but calls db;
    // - mixed holds internal data as well;
    // - bare holds no data class at all;
    // - app holds public data only but runs as a role.
    // db is reached anonymously through site, and is a finding too.
    let model = Model::new()
        .store("assets", true, &[DataClass::Public])
        .store("site", true, &[DataClass::Public])
        .store("db", false, &[DataClass::Internal])
        .store("mixed", true, &[DataClass::Public, DataClass::Internal])
        .store("bare", true, &[])
        .public_service("app")
        .role("app-role")
        .flow("f1", "site", "db", open())
        .edge("r1", "app", "app-role", EdgeKind::RunsAs);
    let mut model = model;
    if let Some(app) = model.doc.node_mut("app") {
        app.data_classes = vec![DataClass::Public];
    }
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "assets"), Level::Anonymous);
    assert_eq!(level(&reach, "app-role"), Level::Unreachable);
    assert_eq!(
        flagged(&findings_of(&model)),
        ["app", "bare", "db", "mixed", "site"]
    );
}

#[test]
fn public_gateway_is_passed_over() {
    // edge is a public gateway without a WAF: anonymous, but REV-1 passes it over. The
    // backend behind it is anonymous and is a finding.
    let model = Model::new()
        .gateway_with("edge", true, false)
        .service("backend")
        .flow("f1", "edge", "backend", mtls(Origin::None));
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "edge"), Level::Anonymous);
    assert_eq!(path(&reach, "backend"), [INTERNET, "edge", "backend"]);
    assert_eq!(flagged(&findings_of(&model)), ["backend"]);
}

/// Builds a model where the Internet reaches cdn (public, with a WAF), which calls api,
/// which calls db (a crown jewel). With `partner_flow`, the partner also calls api directly.
fn waf_model(partner_flow: bool) -> Model {
    let model = Model::new()
        .external("partner")
        .gateway_with("cdn", true, true)
        .service("api")
        .store("db", false, &[DataClass::Cardholder])
        .flow("f1", "cdn", "api", mtls(Origin::Authorized { cedar: None }))
        .flow("f2", "api", "db", mtls(Origin::Authorized { cedar: None }));
    if partner_flow {
        model.flow("f3", "partner", "api", checked(Authn::Mtls, Authz::Custom))
    } else {
        model
    }
}

#[test]
fn bypass_around_waf() {
    // api is reached through cdn's WAF, and from partner through no WAF: a bypass whose
    // entry is api. db is reached both ways through api: a bypass with entry api too. cdn
    // itself is never reached around its own WAF.
    let model = waf_model(true);
    let reach = reach_of(&model);

    let bypassed: Vec<&str> = reach
        .bypasses
        .iter()
        .map(|bypass| bypass.node.as_str())
        .collect();
    assert_eq!(bypassed, ["api", "db"]);
    let to_db = &reach.bypasses[1];
    assert_eq!(to_db.entry, "api");
    assert_eq!(to_db.waf_gateway, "cdn");
    assert_eq!(to_db.path, ["partner", "api", "db"]);
    assert_eq!(to_db.flows, ["f3", "f2"]);

    // Every node is explicitly authorized or a public gateway, so the only findings are
    // the bypasses: critical at the crown jewel db, high at api.
    let findings = findings_of(&model);
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0].nodes, ["api", "cdn"]);
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(findings[1].nodes, ["db", "api", "cdn"]);
    assert_eq!(findings[1].severity, Severity::Critical);
    assert_eq!(findings[1].evidence, ["partner", "api", "db"]);
}

#[test]
fn no_bypass_when_every_path_passes_waf() {
    let reach = reach_of(&waf_model(false));

    assert!(reach.bypasses.is_empty());
    assert_eq!(path(&reach, "db"), [INTERNET, "cdn", "api", "db"]);
}

#[test]
fn public_node_behind_waf_is_bypass_entry() {
    // api is public itself, so the Internet also reaches it without cdn: entry api.
    let mut model = waf_model(false);
    model.doc.nodes.push(crate::document::Node::new(
        "direct",
        "direct",
        NodeKind::Service(crate::document::Service {
            public: true,
            ..Default::default()
        }),
    ));
    let model = model.flow("f4", "direct", "api", open());
    let reach = reach_of(&model);

    let to_api = reach
        .bypasses
        .iter()
        .find(|bypass| bypass.node == "api")
        .expect("api has a bypass");
    assert_eq!(to_api.entry, "direct");
    assert_eq!(to_api.path, [INTERNET, "direct", "api"]);
    assert_eq!(to_api.flows, [IMPLICIT_FLOW, "f4"]);
}

#[test]
fn flow_and_trust_cycles_terminate() {
    // a and b call each other; roles r1 and r2 can assume each other (Q1 ignores identity
    // relations, so both are unreachable). a is anonymous, b any authenticated; the flow
    // back from b to a cannot make a weaker.
    let model = Model::new()
        .external("user")
        .service("a")
        .service("b")
        .role("r1")
        .role("r2")
        .flow("f1", "user", "a", open())
        .flow("f2", "a", "b", mtls(Origin::Authenticated))
        .flow("f3", "b", "a", mtls(Origin::None))
        .edge("t1", "r1", "r2", EdgeKind::CanAssume(CanAssume::default()))
        .edge("t2", "r2", "r1", EdgeKind::CanAssume(CanAssume::default()));
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "a"), Level::Anonymous);
    assert_eq!(path(&reach, "a"), ["user", "a"]);
    assert_eq!(level(&reach, "b"), Level::AnyAuthenticatedPrincipal);
    assert_eq!(level(&reach, "r1"), Level::Unreachable);
    assert_eq!(level(&reach, "r2"), Level::Unreachable);
}

#[test]
fn self_loop_flow_keeps_level() {
    // user -(user JWT + custom)-> s: explicitly authorized; the open loop s -> s carries
    // the state unchanged.
    let model = Model::new()
        .external("user")
        .service("s")
        .flow("f1", "user", "s", checked(Authn::UserJwt, Authz::Custom))
        .flow("loop", "s", "s", open());
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "s"), Level::ExplicitlyAuthorized);
    assert_eq!(path(&reach, "s"), ["user", "s"]);
}

#[test]
fn weakest_parallel_flow_decides() {
    // Two flows from user into api: the strong one authorizes, the weak one checks
    // nothing, so api is anonymous through the weak one. Two flows from gw into svc: gw is
    // any authenticated (session), strong checks the end user's authorization and weak
    // only its authentication, so svc is any authenticated through weak.
    let model = Model::new()
        .external("user")
        .service("api")
        .gateway("gw")
        .service("svc")
        .flow(
            "strong",
            "user",
            "api",
            checked(Authn::UserJwt, Authz::Custom),
        )
        .flow("weak", "user", "api", open())
        .flow("g", "user", "gw", checked(Authn::Session, Authz::None))
        .flow("p1", "gw", "svc", mtls(Origin::Authorized { cedar: None }))
        .flow("p2", "gw", "svc", mtls(Origin::Authenticated));
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "api"), Level::Anonymous);
    assert_eq!(flows(&reach, "api"), ["weak"]);
    assert_eq!(level(&reach, "svc"), Level::AnyAuthenticatedPrincipal);
    assert_eq!(flows(&reach, "svc"), ["g", "p2"]);
}

#[test]
fn path_ties_go_to_node_ids_in_order() {
    // Two shortest paths to t: user, a, y, t and user, b, x, t. They differ first at a
    // and b, so the path through a wins although x comes before y and its flow ids come
    // later.
    // Two open flows from user into c: the flow ids decide, f-a before f-b.
    // shared is reached from the Internet through web (public) and from a-user through
    // mid, both in two steps: "(internet)" comes before "a-user".
    let model = Model::new()
        .external("user")
        .external("a-user")
        .service("b")
        .service("a")
        .service("x")
        .service("y")
        .service("t")
        .service("c")
        .public_service("web")
        .service("mid")
        .service("shared")
        .flow("e1", "user", "b", open())
        .flow("e2", "user", "a", open())
        .flow("e3", "b", "x", open())
        .flow("e4", "a", "y", open())
        .flow("e5", "x", "t", open())
        .flow("e6", "y", "t", open())
        .flow("f-b", "user", "c", open())
        .flow("f-a", "user", "c", open())
        .flow("m1", "a-user", "mid", open())
        .flow("m2", "mid", "shared", open())
        .flow("w1", "web", "shared", open());
    let reach = reach_of(&model);

    assert_eq!(path(&reach, "t"), ["user", "a", "y", "t"]);
    assert_eq!(flows(&reach, "t"), ["e2", "e4", "e6"]);
    assert_eq!(flows(&reach, "c"), ["f-a"]);
    assert_eq!(path(&reach, "shared"), [INTERNET, "web", "shared"]);
}

#[test]
fn lists_every_internal_node_in_id_order() {
    // Every kind but external and zone is internal; lonely is reached by no flow, and
    // after-lonely only from lonely.
    let mut model = Model::new()
        .external("user")
        .service("lonely")
        .service("after-lonely")
        .role("role")
        .gateway("gw")
        .flow("f1", "lonely", "after-lonely", open())
        .flow("f2", "user", "gw", open());
    model.doc.nodes.push(crate::document::Node::new(
        "vpc",
        "vpc",
        NodeKind::Zone(crate::document::Zone {
            sort: crate::document::ZoneSort::Vpc,
            default_deny: true,
            cde: false,
        }),
    ));
    let reach = reach_of(&model);

    let ids: Vec<&str> = reach.nodes.iter().map(|node| node.node.as_str()).collect();
    assert_eq!(ids, ["after-lonely", "gw", "lonely", "role"]);
    assert_eq!(level(&reach, "lonely"), Level::Unreachable);
    assert!(path(&reach, "lonely").is_empty());
    assert_eq!(level(&reach, "after-lonely"), Level::Unreachable);
    assert_eq!(level(&reach, "gw"), Level::Anonymous);
}

#[test]
fn cedar_check_counts_as_authorization() {
    // user -(user JWT + Cedar)-> api: explicitly authorized, resting on Cedar.
    // user -(none)-> gw -(mTLS + Cedar, no end-user check)-> svc: anonymous, and the
    // finding rests on the Cedar check that might close the flow into svc.
    let model = Model::new()
        .external("user")
        .service("api")
        .gateway("gw")
        .service("svc")
        .flow("f1", "user", "api", checked(Authn::UserJwt, cedar()))
        .flow("f2", "user", "gw", open())
        .flow("f3", "gw", "svc", checked(Authn::Mtls, cedar()));
    let reach = reach_of(&model);

    assert_eq!(level(&reach, "api"), Level::ExplicitlyAuthorized);
    assert!(node(&reach, "api").cedar_not_evaluated);
    assert_eq!(level(&reach, "svc"), Level::Anonymous);

    let findings = findings_of(&model);
    let on_svc = findings
        .iter()
        .find(|finding| finding.nodes == ["svc"])
        .expect("svc has a finding");
    assert!(on_svc.cedar_not_evaluated);
    let on_gw = findings
        .iter()
        .find(|finding| finding.nodes == ["gw"])
        .expect("gw has a finding");
    assert!(!on_gw.cedar_not_evaluated);
}

#[test]
fn crown_jewel_finding_is_critical() {
    // vault is a secret (it holds credentials, a restricted class) reached anonymously.
    let mut model = Model::new()
        .external("user")
        .flow("f1", "user", "vault", open());
    model.doc.nodes.push(crate::document::Node::new(
        "vault",
        "Card vault",
        NodeKind::Secret(crate::document::Secret {
            storage: crate::document::SecretStorage::SecretsManager,
            rotation_days: Some(30),
        }),
    ));
    let findings = findings_of(&model);

    assert_eq!(flagged(&findings), ["vault"]);
    assert_eq!(findings[0].severity, Severity::Critical);
    // The title names the node by its label, as every finding title does.
    assert_eq!(
        findings[0].title,
        "Card vault can be reached anonymously, without explicit authorization"
    );
}

#[test]
fn whole_review_carries_reach_findings() {
    let model = waf_model(true);
    let review = crate::review::review(&model.doc);

    assert_eq!(review.questions.unauthenticated_reach.bypasses.len(), 2);
    assert!(
        review
            .findings
            .iter()
            .any(|finding| finding.rule == "REV-1" && finding.severity == Severity::Critical)
    );
}

#[test]
fn generated_model_completes() {
    let model = generated_model();
    assert_eq!(model.doc.nodes.len(), 10_000);
    assert_eq!(model.doc.edges.len(), 40_000);
    let reach = reach_of(&model);

    // Every service is entered from its gateway with the end user authenticated and
    // nowhere below that; every store only with the end user authorized.
    assert_eq!(reach.nodes.len(), 9900);
    assert_eq!(level(&reach, "s00042"), Level::AnyAuthenticatedPrincipal);
    assert_eq!(path(&reach, "s00042"), ["e00042", "g00042", "s00042"]);
    assert_eq!(level(&reach, "d00007"), Level::ExplicitlyAuthorized);
    assert_eq!(
        path(&reach, "d00007"),
        ["e00007", "g00007", "s00007", "d00007"]
    );
    assert_eq!(level(&reach, "open"), Level::Anonymous);
    assert_eq!(path(&reach, "open"), ["e00000", "g00000", "open"]);
    assert_eq!(level(&reach, "unreached"), Level::Unreachable);
    assert!(reach.bypasses.is_empty());
}
