//! The checklist: the predicate of every automatic item, and each item's state.
//!
//! [`findings`] runs the predicates of the identity, network, data and visibility items. The
//! review items REV-1, REV-2 and REV-3 take their findings from the review questions.
//! [`evaluate`] then gives every item of [`RULES`] its state, from the findings under it and
//! from whether its subject is present in the model.
//!
//! An automatic item fails when some finding above info falls under it. Otherwise it passes
//! when its subject is present, and is not applicable when the model has none:
//!
//! | item | subject |
//! |---|---|
//! | ID-1 | flows |
//! | ID-2 | identities |
//! | ID-3 | flows from external nodes into gateways or services |
//! | ID-4 | workforce users and groups |
//! | ID-5 | services inside an EKS cluster zone |
//! | ID-6 | flows between two services that are each inside an EKS cluster zone |
//! | ID-7 | workforce users and groups |
//! | NET-1 | VPC and subnet zones |
//! | NET-2 | public nodes, and gateways |
//! | NET-3 | public gateways |
//! | NET-4 | flows between internal nodes whose nearest VPCs or nearest accounts differ |
//! | NET-5 | flows |
//! | DATA-1 | flows |
//! | DATA-2 | data stores |
//! | DATA-3 | keys |
//! | DATA-4 | secrets |
//! | DATA-5 | services |
//! | DATA-6 | grants, and IAM roles that a service runs as directly or through an association |
//! | DATA-7 | internal nodes and flows, only when at least one zone is a cardholder data environment |
//! | VIS-1, VIS-2, VIS-3 | account zones (VIS-3 also flows) |
//! | VIS-5 | account zones other than the organization's management account |
//! | REV-1 | internal nodes reachable along flows from an external or a public node |
//! | REV-2 | identities and workforce users |
//! | REV-3 | east-west flows (between two internal nodes) |
//!
//! "Different VPCs" compares the nearest VPC ancestors of two nodes, where "no VPC" is a
//! value of its own: it differs from every VPC and equals itself. Accounts and Kubernetes
//! namespaces compare the same way.
//!
//! A manual item (VIS-4) takes its state from the reviewer's verdict in the document, and is
//! [`ItemState::Manual`] without one. A verdict stored for an automatic item is reported
//! beside the automatic state and never overrides it: the predicate decides, and the
//! reviewer's note stays visible.

mod data;
mod identity;
mod network;
#[cfg(test)]
pub(crate) mod testing;
mod visibility;

use std::collections::HashMap;

use serde::Serialize;

use super::{Finding, Pillar, RULES, Rule, Severity, rules};
use crate::document::{DataClass, ExternalSort, ManualVerdict, NodeKind, Verdict};
use crate::graph::{EdgeIx, Graph, NodeIx};

/// The state of a checklist item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// The predicate finds nothing, or the reviewer passed a manual item.
    Pass,
    /// The predicate finds at least one place, or the reviewer failed a manual item.
    Fail,
    /// A manual item without a reviewer's verdict.
    Manual,
    /// The item's subject is absent from the model, or the reviewer marked a manual item as
    /// not applicable.
    NotApplicable,
}

/// One checklist item's result.
#[derive(Clone, Debug, Serialize)]
pub struct ItemResult {
    /// Item id.
    pub id: &'static str,
    /// The pillar it belongs to.
    pub pillar: Pillar,
    /// The item's title, naming the control it requires.
    pub title: &'static str,
    /// Whether a predicate decides it.
    pub automatic: bool,
    /// Its state.
    pub state: ItemState,
    /// How many findings fall under it, info findings included.
    pub findings: usize,
    /// The maximum severity of the findings under it.
    pub worst: Option<Severity>,
    /// The reviewer's verdict stored in the document. It decides a manual item; beside an
    /// automatic item it is shown and does not change the state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<ManualVerdict>,
    /// The state rests on Cedar checks whose policies were not evaluated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cedar_not_evaluated: bool,
}

/// An automatic item decided by a predicate over the graph alone.
struct Check {
    /// Item id in [`RULES`].
    id: &'static str,
    /// Returns one finding for each place the predicate names and each missing control.
    findings: fn(&Graph<'_>) -> Vec<Finding>,
    /// Returns whether the item's subject is present in the model.
    applies: fn(&Graph<'_>) -> bool,
}

/// Returns every check, pillar by pillar.
fn checks() -> impl Iterator<Item = &'static Check> {
    identity::CHECKS
        .iter()
        .chain(network::CHECKS)
        .chain(data::CHECKS)
        .chain(visibility::CHECKS)
}

/// Returns the findings of the items decided by a predicate over the graph alone (all but
/// the review questions), in checklist order.
pub fn findings(graph: &Graph<'_>) -> Vec<Finding> {
    checks().flat_map(|check| (check.findings)(graph)).collect()
}

/// Returns the state of every checklist item, in checklist order, given all findings.
pub fn evaluate(graph: &Graph<'_>, findings: &[Finding]) -> Vec<ItemResult> {
    let mut by_rule: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in findings {
        by_rule.entry(finding.rule).or_default().push(finding);
    }

    RULES
        .iter()
        .map(|rule| {
            let under = by_rule.get(rule.id).map(Vec::as_slice).unwrap_or_default();
            evaluate_item(graph, rule, under)
        })
        .collect()
}

fn evaluate_item(graph: &Graph<'_>, rule: &'static Rule, under: &[&Finding]) -> ItemResult {
    let verdict = graph.doc.verdicts.get(rule.id).cloned();
    let state = if rule.automatic {
        let failing = under
            .iter()
            .any(|finding| finding.severity > Severity::Info);
        if failing {
            ItemState::Fail
        } else if applies(graph, rule.id) {
            ItemState::Pass
        } else {
            ItemState::NotApplicable
        }
    } else {
        match verdict.as_ref().map(|verdict| verdict.verdict) {
            Some(Verdict::Pass) => ItemState::Pass,
            Some(Verdict::Fail) => ItemState::Fail,
            Some(Verdict::NotApplicable) => ItemState::NotApplicable,
            None => ItemState::Manual,
        }
    };

    let cedar_not_evaluated = under.iter().any(|finding| finding.cedar_not_evaluated)
        || (rule.id == "ID-4" && identity::workforce_cedar_unevaluated(graph));
    ItemResult {
        id: rule.id,
        pillar: rule.pillar,
        title: rule.title,
        automatic: rule.automatic,
        state,
        findings: under.len(),
        worst: under.iter().map(|finding| finding.severity).max(),
        verdict,
        cedar_not_evaluated,
    }
}

/// Returns whether the subject of an automatic item is present in the model.
fn applies(graph: &Graph<'_>, id: &str) -> bool {
    if let Some(check) = checks().find(|check| check.id == id) {
        return (check.applies)(graph);
    }
    match id {
        "REV-1" => reaches_internal_node(graph),
        "REV-2" => graph.doc.nodes.iter().any(|node| match &node.kind {
            NodeKind::Identity(_) => true,
            NodeKind::External(external) => {
                matches!(external.sort, ExternalSort::WorkforceUser { .. })
            }
            _ => false,
        }),
        "REV-3" => graph
            .all_flows()
            .into_iter()
            .any(|(_, from, to)| graph.is_internal(from) && graph.is_internal(to)),
        _ => {
            log::warn!("checklist item {id} has no subject; it is reported as not applicable");
            false
        }
    }
}

/// Returns whether some internal node is reachable along flows from a start node: an
/// external node, or a public node (which the Internet reaches).
fn reaches_internal_node(graph: &Graph<'_>) -> bool {
    let mut seen = vec![false; graph.node_count()];
    let mut stack: Vec<NodeIx> = (0..graph.node_count())
        .filter(|&ix| graph.node(ix).is_external() || graph.node(ix).is_public())
        .collect();
    for &ix in &stack {
        seen[ix] = true;
    }

    while let Some(ix) = stack.pop() {
        if graph.is_internal(ix) {
            return true;
        }
        for (_, callee) in graph.flows_out(ix) {
            if !seen[callee] {
                seen[callee] = true;
                stack.push(callee);
            }
        }
    }
    false
}

/// Returns the severity an automatic item's findings have before any raise.
fn base_severity(id: &str) -> Severity {
    rules::rule(id)
        .severity
        .unwrap_or_else(|| panic!("checklist item {id} is manual and has no severity"))
}

/// Returns a node's label for a finding title.
fn label<'a>(graph: &Graph<'a>, ix: NodeIx) -> &'a str {
    &graph.node(ix).label
}

/// Returns "caller → callee" for a flow in a finding title.
fn flow_name(graph: &Graph<'_>, from: NodeIx, to: NodeIx) -> String {
    format!("{} → {}", label(graph, from), label(graph, to))
}

/// Returns the finding for a flow: its two ends as the nodes and the flow as the edge.
fn flow_finding(
    graph: &Graph<'_>,
    id: &str,
    severity: Severity,
    (edge_ix, from, to): (EdgeIx, NodeIx, NodeIx),
    problem: &str,
) -> Finding {
    Finding::new(
        id,
        severity,
        format!("Flow {} {problem}", flow_name(graph, from, to)),
    )
    .with_nodes(graph, [from, to])
    .with_edges(graph, [edge_ix])
}

/// Returns the indices of the nodes for which `keep` holds, in document order.
fn nodes_where(graph: &Graph<'_>, keep: impl Fn(NodeIx) -> bool) -> Vec<NodeIx> {
    (0..graph.node_count()).filter(|&ix| keep(ix)).collect()
}

/// Returns whether a node is public content, which may be reached anonymously: it holds
/// only public data, calls nothing, runs as no identity and unlocks nothing. A crown jewel
/// never is.
fn is_public_content(graph: &Graph<'_>, ix: NodeIx) -> bool {
    let node = graph.node(ix);
    let classes = node.held_data_classes();
    let out = graph.out_edges(ix);
    !classes.is_empty()
        && classes.iter().all(|class| *class == DataClass::Public)
        && !graph.is_crown_jewel(ix)
        && graph.flows_out(ix).is_empty()
        && out.runs_as.is_empty()
        && out.unlocks.is_empty()
}

#[cfg(test)]
mod tests {
    use rand::rngs::SmallRng;
    use rand::{Rng as _, SeedableRng as _};

    use super::testing::{Model, good_flow, state};
    use super::*;
    use crate::document::{
        Account, Action, Authentication, Authorization, CanAssume, CredentialLifetime, DataStore,
        Document, Edge, EdgeKind, Encryption, External, Flow, Gateway, Grant, Identity,
        IdentitySort, Key, KeyRotation, NetworkPath, Node, PortRange, Secret, SecretStorage,
        Service, Zone, ZoneSort,
    };

    fn finding(rule: &str, severity: Severity) -> Finding {
        Finding::new(rule, severity, "a finding")
    }

    fn verdict(verdict: Verdict) -> ManualVerdict {
        ManualVerdict {
            verdict,
            reviewer: "Ada".into(),
            date: "2026-12-04".into(),
            comment: "checked the alerts".into(),
        }
    }

    fn result<'a>(results: &'a [ItemResult], id: &str) -> &'a ItemResult {
        results
            .iter()
            .find(|result| result.id == id)
            .unwrap_or_else(|| panic!("no result for {id}"))
    }

    #[test]
    fn evaluate_lists_every_item_in_order() {
        let doc = Model::new().doc;
        let graph = Graph::new(&doc);

        let results = evaluate(&graph, &[]);

        let ids: Vec<_> = results.iter().map(|result| result.id).collect();
        let expected: Vec<_> = RULES.iter().map(|rule| rule.id).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn every_automatic_item_has_a_subject() {
        for rule in RULES.iter().filter(|rule| rule.automatic) {
            let known = checks().any(|check| check.id == rule.id)
                || ["REV-1", "REV-2", "REV-3"].contains(&rule.id);
            assert!(known, "{} has no subject", rule.id);
        }
    }

    #[test]
    fn empty_model_has_no_applicable_item() {
        // No nodes at all: every automatic item is not applicable and VIS-4 awaits a verdict.
        let doc = Model::new().doc;
        let graph = Graph::new(&doc);

        let results = evaluate(&graph, &findings(&graph));

        for result in &results {
            let expected = if result.automatic {
                ItemState::NotApplicable
            } else {
                ItemState::Manual
            };
            assert_eq!(result.state, expected, "{}", result.id);
        }
    }

    #[test]
    fn manual_item_takes_reviewer_verdict() {
        // VIS-4 without a verdict is manual, and each stored verdict sets its state.
        let mut model = Model::new();
        model.account("acct");
        let doc = model.doc.clone();
        let graph = Graph::new(&doc);
        assert_eq!(
            result(&evaluate(&graph, &[]), "VIS-4").state,
            ItemState::Manual
        );

        for (stored, expected) in [
            (Verdict::Pass, ItemState::Pass),
            (Verdict::Fail, ItemState::Fail),
            (Verdict::NotApplicable, ItemState::NotApplicable),
        ] {
            let mut doc = model.doc.clone();
            doc.verdicts.insert("VIS-4".into(), verdict(stored));
            let graph = Graph::new(&doc);

            let results = evaluate(&graph, &[]);
            let vis4 = result(&results, "VIS-4");

            assert_eq!(vis4.state, expected);
            assert_eq!(vis4.verdict, Some(verdict(stored)));
            assert_eq!(vis4.findings, 0);
        }
    }

    #[test]
    fn verdict_on_automatic_item_is_shown_not_applied() {
        // One account with every control off fails VIS-1, and a stored pass does not change
        // that.
        let mut model = Model::new();
        model.account("acct");
        model
            .doc
            .verdicts
            .insert("VIS-1".into(), verdict(Verdict::Pass));
        let graph = Graph::new(&model.doc);

        let results = evaluate(&graph, &findings(&graph));
        let vis1 = result(&results, "VIS-1");

        assert_eq!(vis1.state, ItemState::Fail);
        assert_eq!(vis1.verdict, Some(verdict(Verdict::Pass)));
        assert_eq!(vis1.findings, 3);
        assert_eq!(vis1.worst, Some(Severity::High));
    }

    /// Builds a model where a customer calls a gateway that calls a service, so REV-1 and
    /// REV-3 have subjects.
    fn reachable_model() -> Model {
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.gateway("gw", Gateway::default());
        model.service("api");
        model.flow("customer-gw", "customer", "gw", good_flow());
        model.flow("gw-api", "gw", "api", good_flow());
        model
    }

    #[test]
    fn rev1_fails_on_a_finding() {
        let model = reachable_model();
        let findings = [finding("REV-1", Severity::Critical)];

        assert_eq!(state(&model.doc, "REV-1", &findings), ItemState::Fail);
    }

    #[test]
    fn rev1_passes_reachable_model_without_findings() {
        // Chokepoints are info findings under REV-1 and fail nothing.
        let model = reachable_model();
        let findings = [finding("REV-1", Severity::Info)];

        assert_eq!(state(&model.doc, "REV-1", &findings), ItemState::Pass);
    }

    #[test]
    fn rev1_not_applicable_without_reachable_node() {
        // Two private services call each other, and nothing external or public starts a path.
        let mut model = Model::new();
        model.service("a");
        model.service("b");
        model.flow("a-b", "a", "b", good_flow());

        assert_eq!(state(&model.doc, "REV-1", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn rev1_public_node_starts_a_path() {
        // A public store with no drawn caller is reached by the Internet.
        let mut model = Model::new();
        model.store(
            "bucket",
            DataStore {
                public: true,
                ..DataStore::default()
            },
        );

        assert_eq!(state(&model.doc, "REV-1", &[]), ItemState::Pass);
    }

    #[test]
    fn rev2_states_follow_findings_and_subjects() {
        // REV-2 fails on a high finding and passes with an identity. It is not applicable
        // without an identity or a workforce user: a workforce group alone is no subject.
        let mut with_identity = Model::new();
        with_identity.identity("role", IdentitySort::IamRole);
        let findings = [finding("REV-2", Severity::High)];
        assert_eq!(
            state(&with_identity.doc, "REV-2", &findings),
            ItemState::Fail
        );
        assert_eq!(state(&with_identity.doc, "REV-2", &[]), ItemState::Pass);

        let mut with_user = Model::new();
        with_user.external("ada", ExternalSort::WorkforceUser { mfa: false });
        assert_eq!(state(&with_user.doc, "REV-2", &[]), ItemState::Pass);

        let mut with_group = Model::new();
        with_group.external("staff", ExternalSort::WorkforceGroup);
        assert_eq!(
            state(&with_group.doc, "REV-2", &[]),
            ItemState::NotApplicable
        );
    }

    #[test]
    fn rev3_states_follow_findings_and_subjects() {
        // The gateway-to-service flow is east-west, but a customer-to-gateway flow is not.
        let model = reachable_model();
        let findings = [finding("REV-3", Severity::High)];
        assert_eq!(state(&model.doc, "REV-3", &findings), ItemState::Fail);
        assert_eq!(state(&model.doc, "REV-3", &[]), ItemState::Pass);

        let mut edge_only = Model::new();
        edge_only.external("customer", ExternalSort::Customer);
        edge_only.gateway("gw", Gateway::default());
        edge_only.flow("customer-gw", "customer", "gw", good_flow());
        assert_eq!(
            state(&edge_only.doc, "REV-3", &[]),
            ItemState::NotApplicable
        );
    }

    #[test]
    fn review_derives_rev3_from_east_west() {
        // customer → gw → api, where gw → api is not logged: Q3 gives 0 of 1, so REV-3 fails
        // with one finding, and the checklist lists every item.
        let mut model = reachable_model();
        if let Some(EdgeKind::Flow(flow)) = model.doc.edge_mut("gw-api").map(|edge| &mut edge.kind)
        {
            flow.logged = false;
        }

        let review = crate::review::review(&model.doc);

        assert_eq!(review.checklist.len(), RULES.len());
        let rev3 = result(&review.checklist, "REV-3");
        assert_eq!(rev3.state, ItemState::Fail);
        assert_eq!(rev3.findings, 1);
        assert_eq!(
            review.questions.east_west.summary(),
            "0 of 1 east-west flows pass"
        );
    }

    /// Builds a model of random nodes and edges, with dangling ids, zone cycles, odd ranges
    /// and every attribute drawn at random.
    fn random_model(seed: u64) -> Document {
        let mut rng = SmallRng::seed_from_u64(seed);
        let node_count = rng.random_range(0..24);
        let id = |rng: &mut SmallRng| match rng.random_range(0..=node_count + 1) {
            n if n == node_count => "*".to_owned(),
            n if n > node_count => "ghost".to_owned(),
            n => format!("n{n}"),
        };

        let mut doc = Document::new("random");
        for ix in 0..node_count {
            let kind = random_kind(&mut rng);
            let mut node = Node::new(format!("n{ix}"), format!("n{ix}"), kind);
            if rng.random_bool(0.6) {
                node.parent = Some(id(&mut rng));
            }
            let class = DataClass::ALL[rng.random_range(0..DataClass::ALL.len())];
            node.data_classes.push(class);
            node.critical = rng.random_bool(0.1);
            doc.nodes.push(node);
        }
        for ix in 0..rng.random_range(0..40) {
            let kind = random_edge_kind(&mut rng);
            doc.edges.push(Edge {
                id: format!("e{ix}"),
                from: id(&mut rng),
                to: id(&mut rng),
                kind,
            });
        }
        doc
    }

    fn random_kind(rng: &mut SmallRng) -> NodeKind {
        let flag = |rng: &mut SmallRng| rng.random_bool(0.5);
        match rng.random_range(0..8) {
            0 => NodeKind::External(External {
                sort: [
                    ExternalSort::Internet,
                    ExternalSort::Customer,
                    ExternalSort::WorkforceUser { mfa: flag(rng) },
                    ExternalSort::WorkforceGroup,
                    ExternalSort::Partner,
                ][rng.random_range(0..5)],
            }),
            1 => NodeKind::Gateway(Gateway {
                public: flag(rng),
                waf: flag(rng),
                request_signing: flag(rng),
                identity_aware: flag(rng),
            }),
            2 => NodeKind::Service(Service {
                public: flag(rng),
                signed_image: flag(rng),
                immutable: flag(rng),
            }),
            3 => NodeKind::DataStore(DataStore {
                public: flag(rng),
                encryption: [
                    Encryption::None,
                    Encryption::ProviderManaged,
                    Encryption::CustomerManaged,
                ][rng.random_range(0..3)],
                read_needs_decrypt: flag(rng),
            }),
            4 => NodeKind::Secret(Secret {
                storage: SecretStorage::SecretsManager,
                rotation_days: flag(rng).then(|| rng.random_range(0..400)),
            }),
            5 => NodeKind::Key(Key {
                cloudhsm: flag(rng),
                rotation: KeyRotation::Manual {
                    days: rng.random_range(0..u32::MAX),
                },
            }),
            6 => NodeKind::Identity(Identity {
                sort: [
                    IdentitySort::IamRole,
                    IdentitySort::ServiceAccount,
                    IdentitySort::IdentityProvider {
                        enforces_mfa: flag(rng),
                    },
                ][rng.random_range(0..3)],
                credentials: CredentialLifetime::LongLived,
                boundary: None,
            }),
            _ => NodeKind::Zone(Zone {
                sort: [
                    ZoneSort::Account(Account {
                        management: flag(rng),
                        ..Account::default()
                    }),
                    ZoneSort::Vpc,
                    ZoneSort::Subnet { public: true },
                    ZoneSort::EksCluster,
                    ZoneSort::Namespace,
                ][rng.random_range(0..5)]
                .clone(),
                default_deny: flag(rng),
                cde: flag(rng),
            }),
        }
    }

    fn random_edge_kind(rng: &mut SmallRng) -> EdgeKind {
        match rng.random_range(0..6) {
            0 => EdgeKind::CanAssume(CanAssume {
                mfa_required: rng.random_bool(0.5),
                association: rng.random_bool(0.5),
                ..CanAssume::default()
            }),
            1 => EdgeKind::Grants(Grant {
                actions: vec![Action::Admin],
            }),
            2 => EdgeKind::RunsAs,
            3 => EdgeKind::EncryptedBy,
            4 => EdgeKind::MemberOf,
            _ => EdgeKind::Flow(Flow {
                ports: Some(PortRange {
                    first: rng.random(),
                    last: rng.random(),
                }),
                source_range: ["10.0.0.0/8", "::/0", "300.1.1.1/8", "/", "1.2.3.4/-1"]
                    .get(rng.random_range(0..6))
                    .map(|range| (*range).to_owned()),
                network: NetworkPath::Public,
                data_classes: vec![DataClass::Cardholder],
                authentication: Authentication::SigV4,
                authorization: Authorization::IamPolicy,
                ..Flow::default()
            }),
        }
    }

    #[test]
    fn random_models_never_panic() {
        // Each result must list every item, whatever the model.
        for seed in 0..300 {
            let doc = random_model(seed);
            let graph = Graph::new(&doc);

            let mut all = findings(&graph);
            let east_west = crate::review::east_west::answer(&graph);
            all.extend(crate::review::east_west::findings(&graph, &east_west));
            let results = evaluate(&graph, &all);

            assert_eq!(results.len(), RULES.len(), "seed {seed}");
            assert!(east_west.passing <= east_west.total, "seed {seed}");
        }
    }

    #[test]
    fn public_content_needs_only_public_data() {
        let mut model = Model::new();
        model
            .store("assets", DataStore::default())
            .data_classes
            .push(DataClass::Public);
        model.store("empty", DataStore::default());
        model.service("site").data_classes.push(DataClass::Public);
        model.service("backend");
        model.flow("site-backend", "site", "backend", good_flow());
        let graph = Graph::new(&model.doc);

        assert!(is_public_content(&graph, 0), "public data, no calls");
        assert!(!is_public_content(&graph, 1), "holds no data classes");
        assert!(!is_public_content(&graph, 2), "calls the backend");
    }
}
