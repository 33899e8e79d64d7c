//! Tests of the policy stores: the Cedar examples, the limits, links, cycles, closed flows,
//! the blueprint template's stores and the decision cache.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::document::{
    Authentication, Authorization, CedarCheck, DataClass, Document, Edge, EdgeKind, External,
    ExternalSort, Flow, Gateway, Identity, IdentitySort, Node, NodeKind, PolicyStore, Service,
    TemplateLink,
};
use crate::graph::Graph;
use crate::review::reach::Level;
use crate::review::{self, blast, review_with};

use super::derive::EntityKind;
use super::store::{compile, declared_id};
use super::{PolicyCache, Stage, limits};

fn fixture(folder: &str, file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/cedar")
        .join(folder)
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn example_store(folder: &str) -> PolicyStore {
    PolicyStore {
        id: folder.to_owned(),
        policies: fixture(folder, "policies.cedar"),
        schema: Some(fixture(folder, "policies.cedarschema")),
        ..PolicyStore::default()
    }
}

fn no_nodes(_: &str) -> Option<EntityKind> {
    None
}

#[test]
fn cedar_examples_parse_and_validate() {
    for folder in ["document-cloud", "github", "tags-n-roles"] {
        let compiled = compile(&example_store(folder), &BTreeSet::new(), &no_nodes);
        assert!(compiled.is_sound(), "{folder}: {:?}", compiled.problems);
        assert!(compiled.policies.policies().count() > 0, "{folder}");
    }
}

#[test]
fn policy_ids_come_from_id_annotations() {
    let compiled = compile(&example_store("tags-n-roles"), &BTreeSet::new(), &no_nodes);
    let ids: Vec<String> = compiled
        .policies
        .policies()
        .map(|policy| policy.id().to_string())
        .collect();
    assert!(ids.iter().all(|id| !id.starts_with("policy")), "{ids:?}");
}

#[test]
fn example_entities_parse_and_are_checked_against_their_schemas() {
    for folder in [
        "document-cloud",
        "github",
        "tags-n-roles",
        "hotel-templated",
    ] {
        let parsed = cedar_policy::Entities::from_json_str(&fixture(folder, "entities.json"), None);
        assert!(parsed.is_ok(), "{folder}: {parsed:?}");
    }
    for folder in ["tags-n-roles", "hotel-templated"] {
        let compiled = compile(&example_store(folder), &BTreeSet::new(), &no_nodes);
        let entities =
            super::evaluate::entities_from_json(&compiled, &fixture(folder, "entities.json"));
        assert!(entities.is_ok(), "{folder}: {entities:?}");
    }

    // The document cloud's `alice_public` holds a `Document` in `manageACL`, which its
    // schema types as `DocumentShare`.
    let compiled = compile(
        &example_store("document-cloud"),
        &BTreeSet::new(),
        &no_nodes,
    );
    let problem =
        super::evaluate::entities_from_json(&compiled, &fixture("document-cloud", "entities.json"))
            .expect_err("the mistyped attribute must be refused");
    assert!(problem.message.contains("manageACL"), "{}", problem.message);
}

#[test]
fn github_parent_type_missing_from_schema_is_reported() {
    // The schema declares `Org`; an entity names a parent of type `Organization`.
    let compiled = compile(&example_store("github"), &BTreeSet::new(), &no_nodes);
    let problem =
        super::evaluate::entities_from_json(&compiled, &fixture("github", "entities.json"))
            .expect_err("the undeclared parent type must be refused");
    assert_eq!(problem.stage, Stage::Schema);
    assert!(
        problem.message.contains("Organization"),
        "{}",
        problem.message
    );
}

#[test]
fn unlinked_templates_are_reported_and_links_instantiate_them() {
    let mut store = example_store("hotel-templated");
    store.entity_types = BTreeMap::from([
        ("workforce user".to_owned(), "User".to_owned()),
        ("service".to_owned(), "Hotel".to_owned()),
    ]);
    store.links = vec![
        TemplateLink {
            template: "ViewReservation".into(),
            id: "alice-views-hotel".into(),
            principal: Some("alice".into()),
            resource: Some("hotel".into()),
        },
        TemplateLink {
            template: "NoSuchTemplate".into(),
            id: "broken".into(),
            principal: Some("alice".into()),
            resource: Some("hotel".into()),
        },
    ];
    let kinds = |id: &str| match id {
        "alice" => Some(EntityKind::WorkforceUser),
        "hotel" => Some(EntityKind::Service),
        _ => None,
    };
    let compiled = compile(&store, &BTreeSet::new(), &kinds);

    let templates = compiled.policies.templates().count();
    let unlinked: Vec<_> = compiled
        .problems
        .iter()
        .filter(|problem| problem.stage == Stage::Unlinked)
        .collect();
    // Every template but the linked one is reported, at its own line.
    assert_eq!(unlinked.len(), templates - 1);
    assert!(
        unlinked
            .iter()
            .all(|problem| problem.line > 1 || problem.column >= 1)
    );
    assert!(
        compiled
            .policies
            .policy(&cedar_policy::PolicyId::new("alice-views-hotel"))
            .is_some()
    );
    let broken = compiled
        .problems
        .iter()
        .find(|problem| problem.stage == Stage::Link)
        .expect("the link to a missing template is reported");
    assert!(broken.message.contains("broken"), "{}", broken.message);
}

#[test]
fn parse_errors_carry_policy_id_and_position() {
    let store = PolicyStore {
        id: "s".into(),
        policies: "@id(\"fine\")\npermit (principal, action, resource);\n\n\
                   @id(\"broken\")\npermit (principal, action, resource) when { 1 + };\n"
            .into(),
        ..PolicyStore::default()
    };
    let compiled = compile(&store, &BTreeSet::new(), &no_nodes);
    let problem = compiled
        .problems
        .iter()
        .find(|problem| problem.stage == Stage::Parse)
        .expect("a parse error");
    // The second statement starts after the first `;`; its error is on line 5.
    assert_eq!(problem.line, 5);
    assert!(problem.column > 40, "{problem}");
    // It is named by its `@id`, though it does not parse.
    assert_eq!(problem.policy.as_deref(), Some("broken"));
}

#[test]
fn declared_ids_are_read_before_the_effect() {
    assert_eq!(
        declared_id("@id(\"refuse\")\npermit (principal, action, resource);").as_deref(),
        Some("refuse")
    );
    assert_eq!(
        declared_id("@advice(\"x\") @id ( \"two\" ) forbid (principal, action, resource);")
            .as_deref(),
        Some("two")
    );
    // No annotation, one after the effect, an empty or escaped value: none.
    assert_eq!(declared_id("permit (principal, action, resource);"), None);
    assert_eq!(
        declared_id("permit (principal, action, resource) when { \"@id(\\\"x\\\")\" == \"\" };"),
        None
    );
    assert_eq!(
        declared_id("@id(\"\") permit (principal, action, resource);"),
        None
    );
    assert_eq!(
        declared_id("@id(\"a\\\"b\") permit (principal, action, resource);"),
        None
    );
}

#[test]
fn problem_spans_cover_the_offending_text() {
    // Line 2 reads `permit (principal, action, resource) when { context.nope };`. The
    // derived schema declares no `nope` in the context, so strict validation flags the
    // attribute access, which starts at the `c` of `context` (column 45) and runs 12 bytes.
    let store = PolicyStore {
        id: "s".into(),
        policies: "// first line\n\
                   permit (principal, action, resource) when { context.nope };\n"
            .into(),
        ..PolicyStore::default()
    };
    let actions = BTreeSet::from(["Read".to_owned()]);
    let compiled = compile(&store, &actions, &no_nodes);
    let problem = compiled
        .problems
        .iter()
        .find(|problem| problem.stage == Stage::Validation)
        .expect("a validation error");
    assert_eq!((problem.line, problem.column), (2, 45), "{problem}");
    let span = problem.span_in(&store.policies);
    assert_eq!(&store.policies[span], "context.nope");
}

/// A policy of `count` chained operators: `1 + 1 + ... == 1`.
fn chained(operator: &str, count: usize) -> String {
    format!(
        "permit (principal, action, resource) when {{ {}true }};",
        format!("true {operator} ").repeat(count)
    )
}

#[test]
fn thousands_of_chained_operators_are_refused_without_overflow() {
    for operator in ["&&", "||", "=="] {
        let store = PolicyStore {
            id: "s".into(),
            policies: chained(operator, 5000),
            ..PolicyStore::default()
        };
        let compiled = compile(&store, &BTreeSet::new(), &no_nodes);
        assert_eq!(compiled.problems.len(), 1, "{operator}");
        assert_eq!(compiled.problems[0].stage, Stage::Limit);
        assert!(!compiled.is_sound());
    }
    let plus = format!(
        "permit (principal, action, resource) when {{ {}1 == 1 }};",
        "1 + ".repeat(5000)
    );
    assert!(matches!(
        limits::check(&plus),
        Err(limits::LimitError::ChainTooLong { .. })
    ));
}

#[test]
fn hundreds_of_nested_parentheses_are_refused_without_overflow() {
    for (open, close) in [("(", ")"), ("[", "]")] {
        let text = format!(
            "permit (principal, action, resource) when {{ {}true{} }};",
            open.repeat(500),
            close.repeat(500)
        );
        let store = PolicyStore {
            id: "s".into(),
            policies: text,
            ..PolicyStore::default()
        };
        let compiled = compile(&store, &BTreeSet::new(), &no_nodes);
        assert_eq!(compiled.problems.len(), 1);
        assert_eq!(compiled.problems[0].stage, Stage::Limit);
    }
}

#[test]
fn text_at_the_limits_parses_and_evaluates() {
    // 199 nested parentheses and 990 chained `+` pass the scan, then parse on the large
    // stack and evaluate on this (small) test thread.
    let nested = format!(
        "@id(\"deep\") permit (principal, action, resource) when {{ {}true{} }};",
        "(".repeat(limits::MAX_NESTING - 2),
        ")".repeat(limits::MAX_NESTING - 2)
    );
    let sum = format!(
        "@id(\"long\") permit (principal, action, resource) when {{ {}1 == 991 }};",
        "1 + ".repeat(990)
    );
    let mut doc = closed_flow_model(&format!("{nested}\n{sum}"));
    doc.policy_stores[0].id = "s".into();
    let review = review::review(&doc);
    assert!(
        review.policy_problems.is_empty(),
        "{:?}",
        review.policy_problems
    );
    assert!(review.cedar_evaluated);
}

fn node(id: &str, kind: NodeKind) -> Node {
    Node::new(id, id, kind)
}

fn flow(
    id: &str,
    from: &str,
    to: &str,
    authentication: Authentication,
    authorization: Authorization,
) -> Edge {
    Edge {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        kind: EdgeKind::Flow(Flow {
            authentication,
            authorization,
            ..Flow::default()
        }),
    }
}

/// customer -(user JWT, Cedar store `s` action `Pay`)-> gw -(mTLS, custom)-> svc, where svc
/// holds cardholder data; role `svc-role`.
fn closed_flow_model(policies: &str) -> Document {
    let mut doc = Document::new("closed");
    let mut svc = node("svc", NodeKind::Service(Service::default()));
    svc.data_classes = vec![DataClass::Cardholder];
    doc.nodes = vec![
        node(
            "customer",
            NodeKind::External(External {
                sort: ExternalSort::Customer,
            }),
        ),
        node("gw", NodeKind::Gateway(Gateway::default())),
        svc,
        node(
            "svc-role",
            NodeKind::Identity(Identity {
                sort: IdentitySort::IamRole,
                credentials: Default::default(),
                boundary: None,
            }),
        ),
    ];
    let cedar = Authorization::Cedar(CedarCheck {
        store: "s".into(),
        action: "Pay".into(),
    });
    doc.edges = vec![
        flow("pay", "customer", "gw", Authentication::UserJwt, cedar),
        flow(
            "forward",
            "gw",
            "svc",
            Authentication::Mtls,
            Authorization::Custom,
        ),
    ];
    doc.policy_stores = vec![PolicyStore {
        id: "s".into(),
        policies: policies.into(),
        ..PolicyStore::default()
    }];
    doc
}

fn level(review: &review::Review, id: &str) -> Level {
    review
        .questions
        .unauthenticated_reach
        .nodes
        .iter()
        .find(|reach| reach.node == id)
        .map(|reach| reach.level)
        .unwrap_or(Level::Unreachable)
}

#[test]
fn a_store_that_permits_no_caller_closes_the_flow() {
    // Only partners may pay. The calling kind is Customer: neither `customer` nor a
    // synthetic customer is permitted, under either context, so `pay` is closed: gw and svc
    // are unreachable, and the only flow into gw carries nothing.
    let partners =
        "permit (principal is Trustmap::Partner, action == Trustmap::Action::\"Pay\", resource);";
    let review = review::review(&closed_flow_model(partners));
    assert!(review.cedar_evaluated);
    assert_eq!(level(&review, "gw"), Level::Unreachable);
    assert_eq!(level(&review, "svc"), Level::Unreachable);

    // Customers may pay: `pay` is open and explicitly authorizes; `forward` checks only the
    // gateway, so the customer reaches svc as it was: explicitly authorized.
    let customers =
        "permit (principal is Trustmap::Customer, action == Trustmap::Action::\"Pay\", resource);";
    let review = review::review(&closed_flow_model(customers));
    assert_eq!(level(&review, "gw"), Level::ExplicitlyAuthorized);
    assert_eq!(level(&review, "svc"), Level::ExplicitlyAuthorized);
    assert!(
        review
            .questions
            .unauthenticated_reach
            .nodes
            .iter()
            .all(|reach| !reach.cedar_not_evaluated)
    );
}

#[test]
fn a_condition_on_attributes_the_synthetic_principal_lacks_keeps_the_flow_open() {
    // The policy reads `principal.technology` without `has`: the synthetic customer has no
    // attributes, so its request fails. A failed request cannot show the flow closed: `pay`
    // stays open, and the answer says evaluation failed.
    let policies = "@id(\"tech\") permit (principal is Trustmap::Customer, action, resource) \
                    when { principal.technology == \"never\" };";
    let review = review::review(&closed_flow_model(policies));
    assert_eq!(level(&review, "gw"), Level::ExplicitlyAuthorized);
    assert!(!review.cedar_evaluated);
    let problem = review
        .policy_problems
        .iter()
        .find(|problem| problem.stage == Stage::Evaluation)
        .expect("the evaluation error is reported");
    assert_eq!(problem.policy.as_deref(), Some("tech"));
    assert!(
        review
            .findings
            .iter()
            .any(|finding| finding.rule == "ID-3" && finding.title.contains("tech"))
    );
}

#[test]
fn a_membership_cycle_terminates() {
    // g1 and g2 are members of each other; alice is a member of g1. The edge that closes
    // the cycle (g2 member of g1) is left out, and alice is still in both groups.
    let mut doc =
        closed_flow_model("permit (principal in Trustmap::Group::\"g2\", action, resource);");
    doc.nodes.push(node(
        "alice",
        NodeKind::External(External {
            sort: ExternalSort::WorkforceUser { mfa: true },
        }),
    ));
    for id in ["g1", "g2"] {
        doc.nodes.push(node(
            id,
            NodeKind::External(External {
                sort: ExternalSort::WorkforceGroup,
            }),
        ));
    }
    for (id, from, to) in [
        ("m1", "alice", "g1"),
        ("m2", "g1", "g2"),
        ("m3", "g2", "g1"),
    ] {
        doc.edges.push(Edge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind: EdgeKind::MemberOf,
        });
    }
    let graph = Graph::new(&doc);
    let model = super::derive::ModelEntities::new(&graph);
    assert_eq!(model.dropped_memberships, vec!["m3".to_owned()]);
    let alice = graph.ix("alice").expect("alice");
    let groups: Vec<&str> = model.ancestors[alice]
        .iter()
        .map(|&ix| graph.id(ix))
        .collect();
    assert_eq!(groups, vec!["g1", "g2"]);

    let review = review::review(&doc);
    assert!(
        review.policy_problems.is_empty(),
        "{:?}",
        review.policy_problems
    );
}

#[test]
fn an_identity_permitted_by_a_store_calls_the_service() {
    // Cedar check on gw -> svc (originating caller, action Pay). A store permitting every
    // identity lets svc-role call svc under the worst-case context; one permitting only
    // customers does not.
    let mut doc = closed_flow_model("permit (principal is Trustmap::Identity, action, resource);");
    if let EdgeKind::Flow(flow) = &mut doc.edges[1].kind {
        flow.originating = crate::document::OriginatingCheck::Authorized {
            cedar: Some(CedarCheck {
                store: "s".into(),
                action: "Pay".into(),
            }),
        };
    }
    let calls = |doc: &Document| {
        let mut graph = Graph::new(doc);
        let facts = super::facts::compute(&graph, &mut PolicyCache::new());
        graph.set_cedar(facts);
        let role = graph.ix("svc-role").expect("role");
        blast::blast_radius(&graph, role)
            .reached
            .iter()
            .map(|reached| reached.node.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(calls(&doc), vec!["svc".to_owned()]);
    doc.policy_stores[0].policies =
        "permit (principal is Trustmap::Customer, action, resource);".into();
    assert!(calls(&doc).is_empty());
}

fn blueprint() -> Document {
    let text = crate::templates::TEMPLATES
        .iter()
        .find(|template| template.name == "aws-pci-zero-trust")
        .map(|template| template.text)
        .expect("the blueprint template");
    ron::from_str(text).expect("the blueprint parses")
}

fn edit_policy(doc: &mut Document, store: &str, from: &str, to: &str) {
    let store = doc
        .policy_stores
        .iter_mut()
        .find(|candidate| candidate.id == store)
        .expect("store");
    assert!(store.policies.contains(from), "{from}");
    store.policies = store.policies.replace(from, to);
}

fn answers(doc: &Document, cache: &mut PolicyCache) -> (serde_json::Value, serde_json::Value) {
    let review = review_with(doc, cache);
    assert!(review.cedar_evaluated, "{:?}", review.policy_problems);
    (
        serde_json::to_value(&review.questions.unauthenticated_reach).expect("json"),
        serde_json::to_value(&review.questions.blast_radius).expect("json"),
    )
}

#[test]
fn blueprint_answers_follow_its_policies() {
    let mut cache = PolicyCache::new();
    let mut doc = blueprint();
    let (q1, q2) = answers(&doc, &mut cache);

    // Widening: any principal may create payments. Every identity may now call the payments
    // API and tokenization (their checks of the originating caller ask for CreatePayment),
    // so Q2 changes; narrowing back restores it.
    let customers = "principal is Trustmap::Customer,";
    edit_policy(&mut doc, "payments-policies", customers, "principal,");
    let (wide_q1, wide_q2) = answers(&doc, &mut cache);
    assert_eq!(wide_q1, q1, "every check was already open to someone");
    assert_ne!(wide_q2, q2);
    edit_policy(&mut doc, "payments-policies", "principal,", customers);
    assert_eq!(answers(&doc, &mut cache), (q1.clone(), q2.clone()));

    // Narrowing the partner policy to a zone that holds nothing closes processor-to-edge and
    // edge-to-settlement: Q1 changes. Widening it back reopens them and restores Q1.
    let zone = "action == Trustmap::Action::\"PostSettlementEvent\",\n    resource in Trustmap::Zone::\"payments-account\"";
    let nowhere = "action == Trustmap::Action::\"PostSettlementEvent\",\n    resource in Trustmap::Zone::\"nowhere\"";
    edit_policy(&mut doc, "payments-policies", zone, nowhere);
    let (narrow_q1, _) = answers(&doc, &mut cache);
    assert_ne!(narrow_q1, q1);
    edit_policy(&mut doc, "payments-policies", nowhere, zone);
    assert_eq!(answers(&doc, &mut cache), (q1, q2));
}

#[test]
fn cache_is_reused_across_edits_elsewhere_but_not_after_a_store_edit() {
    let mut cache = PolicyCache::new();
    let mut doc = blueprint();
    review_with(&doc, &mut cache);
    let first = cache.stats();
    assert!(first.misses > 0);

    // An edit elsewhere: a new secret no request names.
    let mut secret = node(
        "spare-secret",
        NodeKind::Secret(crate::document::Secret {
            storage: crate::document::SecretStorage::SecretsManager,
            rotation_days: Some(30),
        }),
    );
    secret.label = "Spare".into();
    doc.nodes.push(secret);
    review_with(&doc, &mut cache);
    let second = cache.stats();
    assert_eq!(
        second.misses, first.misses,
        "no request was evaluated again"
    );
    assert!(second.hits > first.hits);

    // An edit to the store: every decision of that store is asked again.
    let store = doc
        .policy_stores
        .iter_mut()
        .find(|store| store.id == "payments-policies")
        .expect("store");
    store.policies.push_str("\n// reviewed\n");
    review_with(&doc, &mut cache);
    let third = cache.stats();
    assert!(third.misses > second.misses);
}
