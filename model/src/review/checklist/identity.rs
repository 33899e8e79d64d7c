//! The identity pillar: every request authenticates (ID-1), short-lived credentials (ID-2),
//! fine-grained authorization (ID-3), context-aware workforce access (ID-4), workload
//! identity on Kubernetes (ID-5), mutual authentication between Kubernetes workloads (ID-6)
//! and MFA for the workforce (ID-7).

use std::collections::{BTreeSet, HashMap};

use super::{Check, base_severity, flow_finding, is_public_content, label, nodes_where};
use crate::document::{
    Authentication, Authorization, CredentialLifetime, ExternalSort, IdentitySort, NetworkPath,
    NodeKind, OriginatingCheck, ZoneSort,
};
use crate::graph::{EdgeIx, Graph, NodeIx};
use crate::review::{Finding, severity_near_flow};

/// The identity items, in checklist order.
pub(super) const CHECKS: &[Check] = &[
    Check {
        id: "ID-1",
        findings: unauthenticated_flows,
        applies: has_flows,
    },
    Check {
        id: "ID-2",
        findings: long_lived_identities,
        applies: has_identities,
    },
    Check {
        id: "ID-3",
        findings: coarse_edge_authorization,
        applies: has_edge_flows,
    },
    Check {
        id: "ID-4",
        findings: workforce_without_context,
        applies: has_workforce,
    },
    Check {
        id: "ID-5",
        findings: kubernetes_workload_identity,
        applies: has_kubernetes_services,
    },
    Check {
        id: "ID-6",
        findings: kubernetes_flows_without_mutual_authentication,
        applies: has_kubernetes_flows,
    },
    Check {
        id: "ID-7",
        findings: workforce_without_mfa,
        applies: has_workforce,
    },
];

fn has_flows(graph: &Graph<'_>) -> bool {
    graph.flows.edge_count() > 0
}

fn has_identities(graph: &Graph<'_>) -> bool {
    !nodes_where(graph, |ix| is_identity(graph, ix)).is_empty()
}

fn has_edge_flows(graph: &Graph<'_>) -> bool {
    graph
        .all_flows()
        .into_iter()
        .any(|(_, from, to)| is_edge_flow(graph, from, to))
}

fn has_workforce(graph: &Graph<'_>) -> bool {
    !nodes_where(graph, |ix| is_workforce(graph, ix)).is_empty()
}

fn has_kubernetes_services(graph: &Graph<'_>) -> bool {
    !nodes_where(graph, |ix| is_kubernetes_service(graph, ix)).is_empty()
}

fn has_kubernetes_flows(graph: &Graph<'_>) -> bool {
    graph
        .all_flows()
        .into_iter()
        .any(|(_, from, to)| is_kubernetes_service(graph, from) && is_kubernetes_service(graph, to))
}

fn is_identity(graph: &Graph<'_>, ix: NodeIx) -> bool {
    matches!(graph.node(ix).kind, NodeKind::Identity(_))
}

fn external_sort(graph: &Graph<'_>, ix: NodeIx) -> Option<ExternalSort> {
    match &graph.node(ix).kind {
        NodeKind::External(external) => Some(external.sort),
        _ => None,
    }
}

fn is_workforce(graph: &Graph<'_>, ix: NodeIx) -> bool {
    external_sort(graph, ix).is_some_and(ExternalSort::is_workforce)
}

/// Returns whether a flow goes from an external node into a gateway or a service.
fn is_edge_flow(graph: &Graph<'_>, from: NodeIx, to: NodeIx) -> bool {
    graph.node(from).is_external()
        && matches!(
            graph.node(to).kind,
            NodeKind::Gateway(_) | NodeKind::Service(_)
        )
}

fn is_kubernetes_service(graph: &Graph<'_>, ix: NodeIx) -> bool {
    matches!(graph.node(ix).kind, NodeKind::Service(_))
        && graph
            .nearest_zone(ix, |sort| matches!(sort, ZoneSort::EksCluster))
            .is_some()
}

/// ID-1: a flow whose check of the immediate caller has authentication none or unknown.
/// Flows into public content are passed over.
fn unauthenticated_flows(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("ID-1");
    let mut findings = Vec::new();
    for place @ (edge_ix, _, to) in graph.all_flows() {
        let authentication = graph.flow(edge_ix).authentication;
        if authentication.authenticates() || is_public_content(graph, to) {
            continue;
        }

        let severity = severity_near_flow(graph, edge_ix, base);
        let finding = if authentication == Authentication::Unknown {
            flow_finding(
                graph,
                "ID-1",
                severity,
                place,
                "authenticates its caller in an unknown way",
            )
            .with_unknown(format!("authentication of flow {}", graph.edge(edge_ix).id))
        } else {
            flow_finding(
                graph,
                "ID-1",
                severity,
                place,
                "does not authenticate its caller",
            )
        };
        findings.push(finding);
    }
    findings
}

/// ID-2: an identity with long-lived keys that a service runs as, or that can assume another
/// identity.
fn long_lived_identities(graph: &Graph<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| is_identity(graph, ix)) {
        let NodeKind::Identity(identity) = &graph.node(ix).kind else {
            continue;
        };
        if identity.credentials != CredentialLifetime::LongLived {
            continue;
        }

        let run_by: Vec<(EdgeIx, NodeIx)> = graph
            .in_edges(ix)
            .runs_as
            .iter()
            .filter_map(|&edge_ix| Some((edge_ix, graph.ends(edge_ix)?.0)))
            .filter(|&(_, service)| matches!(graph.node(service).kind, NodeKind::Service(_)))
            .collect();
        let assumes: Vec<(EdgeIx, NodeIx)> = graph
            .out_edges(ix)
            .can_assume
            .iter()
            .filter_map(|&edge_ix| Some((edge_ix, graph.ends(edge_ix)?.1)))
            .filter(|&(_, target)| target != ix)
            .collect();
        if run_by.is_empty() && assumes.is_empty() {
            continue;
        }

        let uses = match (run_by.is_empty(), assumes.is_empty()) {
            (false, true) => "a service runs as it",
            (true, false) => "it can assume another identity",
            _ => "a service runs as it and it can assume another identity",
        };
        let title = format!("{} has long-lived credentials and {uses}", label(graph, ix));
        let related = run_by.iter().chain(&assumes);
        findings.push(
            Finding::new("ID-2", base_severity("ID-2"), title)
                .with_nodes(graph, [ix])
                .with_nodes(graph, related.clone().map(|&(_, node)| node))
                .with_edges(graph, related.map(|&(edge_ix, _)| edge_ix)),
        );
    }
    findings
}

/// ID-3: a flow from an external node into a gateway or service with no or unknown
/// authorization, or with an IAM policy alone on a flow from a customer or the workforce.
fn coarse_edge_authorization(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("ID-3");
    let mut findings = Vec::new();
    for place @ (edge_ix, from, to) in graph.all_flows() {
        if !is_edge_flow(graph, from, to) {
            continue;
        }

        let from_people = external_sort(graph, from)
            .is_some_and(|sort| sort == ExternalSort::Customer || sort.is_workforce());
        let finding = match graph.flow(edge_ix).authorization {
            Authorization::None => {
                flow_finding(graph, "ID-3", base, place, "does not authorize its caller")
            }
            Authorization::Unknown => flow_finding(
                graph,
                "ID-3",
                base,
                place,
                "authorizes its caller in an unknown way",
            )
            .with_unknown(format!("authorization of flow {}", graph.edge(edge_ix).id)),
            Authorization::IamPolicy if from_people => flow_finding(
                graph,
                "ID-3",
                base,
                place,
                "authorizes people with an IAM policy alone",
            ),
            _ => continue,
        };
        findings.push(finding);
    }
    findings
}

/// ID-4: a flow from a workforce user or group into a gateway that is not identity-aware,
/// or straight into anything else of the system, where no gateway can weigh the request's
/// context at all.
fn workforce_without_context(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("ID-4");
    let mut findings = Vec::new();
    for place @ (_, from, to) in graph.all_flows() {
        if !is_workforce(graph, from) {
            continue;
        }
        let title = match &graph.node(to).kind {
            NodeKind::Gateway(gateway) if gateway.identity_aware => continue,
            NodeKind::Gateway(_) => {
                "lets the workforce in through a gateway that is not identity-aware"
            }
            NodeKind::External(_) => continue,
            _ => "lets the workforce in directly, past any identity-aware gateway",
        };
        findings.push(flow_finding(graph, "ID-4", base, place, title));
    }

    // The Cedar part of ID-4 (a policy that permits a workforce principal a flow's action
    // toward a crown jewel under the worst-case context) comes from the policy stores'
    // answers, which the review adds to the findings.
    findings
}

/// Returns whether the Cedar part of ID-4 could apply but was not evaluated: the model has
/// a workforce user or group and some flow names a Cedar store.
pub(super) fn workforce_cedar_unevaluated(graph: &Graph<'_>) -> bool {
    has_workforce(graph)
        && graph.all_flows().into_iter().any(|(edge_ix, _, _)| {
            if graph.cedar().is_unevaluated(edge_ix) == Some(false) {
                return false;
            }
            let flow = graph.flow(edge_ix);
            flow.authorization.cedar().is_some()
                || matches!(
                    flow.originating,
                    OriginatingCheck::Authorized { cedar: Some(_) }
                )
        })
}

/// ID-5: a service inside an EKS cluster zone that runs as no service account, or whose
/// workload identity is shared with a service of another namespace.
fn kubernetes_workload_identity(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("ID-5");
    let services = nodes_where(graph, |ix| {
        matches!(graph.node(ix).kind, NodeKind::Service(_))
    });
    let workload_identities: Vec<(NodeIx, BTreeSet<NodeIx>)> = services
        .iter()
        .map(|&service| (service, workload_identity(graph, service)))
        .collect();

    let namespaces: Vec<Option<NodeIx>> = workload_identities
        .iter()
        .map(|(service, _)| namespace_of(graph, *service))
        .collect();
    // The services that run as each identity, by position in `workload_identities`, so that
    // finding the services that share an identity does not compare every pair of services.
    let mut services_by_identity: HashMap<NodeIx, Vec<usize>> = HashMap::new();
    for (position, (_, identities)) in workload_identities.iter().enumerate() {
        for &identity in identities {
            services_by_identity
                .entry(identity)
                .or_default()
                .push(position);
        }
    }

    let mut findings = Vec::new();
    for (position, (service, identities)) in workload_identities.iter().enumerate() {
        let service = *service;
        if !is_kubernetes_service(graph, service) {
            continue;
        }
        let runs_as = runs_as_edges(graph, service);

        let has_service_account = runs_as.iter().any(|&(_, identity)| {
            matches!(
                &graph.node(identity).kind,
                NodeKind::Identity(identity) if identity.sort == IdentitySort::ServiceAccount
            )
        });
        if !has_service_account {
            findings.push(
                Finding::new(
                    "ID-5",
                    base,
                    format!("{} runs as no service account", label(graph, service)),
                )
                .with_nodes(graph, [service])
                .with_nodes(graph, runs_as.iter().map(|&(_, identity)| identity))
                .with_edges(graph, runs_as.iter().map(|&(edge_ix, _)| edge_ix)),
            );
        }

        let mut sharing = BTreeSet::new();
        let mut shared = BTreeSet::new();
        for &identity in identities {
            for &other_position in &services_by_identity[&identity] {
                if other_position != position && namespaces[other_position] != namespaces[position]
                {
                    sharing.insert(workload_identities[other_position].0);
                    shared.insert(identity);
                }
            }
        }
        if !sharing.is_empty() {
            findings.push(
                Finding::new(
                    "ID-5",
                    base,
                    format!(
                        "{} shares its workload identity with a service of another namespace",
                        label(graph, service)
                    ),
                )
                .with_nodes(graph, [service])
                .with_nodes(graph, sharing)
                .with_nodes(graph, shared)
                .with_edges(graph, runs_as.iter().map(|&(edge_ix, _)| edge_ix)),
            );
        }
    }
    findings
}

/// Returns the runs-as edges of a service with the identity each names.
fn runs_as_edges(graph: &Graph<'_>, service: NodeIx) -> Vec<(EdgeIx, NodeIx)> {
    graph
        .out_edges(service)
        .runs_as
        .iter()
        .filter_map(|&edge_ix| Some((edge_ix, graph.ends(edge_ix)?.1)))
        .collect()
}

/// Returns a service's workload identity: the identities it runs as and every identity
/// joined to one of them by associations, followed in either direction.
pub(super) fn workload_identity(graph: &Graph<'_>, service: NodeIx) -> BTreeSet<NodeIx> {
    let mut found = BTreeSet::new();
    let mut stack: Vec<NodeIx> = runs_as_edges(graph, service)
        .into_iter()
        .map(|(_, identity)| identity)
        .collect();
    while let Some(identity) = stack.pop() {
        if !found.insert(identity) {
            continue;
        }
        stack.extend(associated(graph, identity));
    }
    found
}

/// Returns the identities joined to one by an association edge, in either direction.
pub(super) fn associated(graph: &Graph<'_>, identity: NodeIx) -> Vec<NodeIx> {
    let out = graph.out_edges(identity).can_assume.iter();
    let incoming = graph.in_edges(identity).can_assume.iter();
    out.chain(incoming)
        .filter(|&&edge_ix| graph.can_assume(edge_ix).association)
        .filter_map(|&edge_ix| {
            let (from, to) = graph.ends(edge_ix)?;
            Some(if from == identity { to } else { from })
        })
        .collect()
}

fn namespace_of(graph: &Graph<'_>, ix: NodeIx) -> Option<NodeIx> {
    graph.nearest_zone(ix, |sort| matches!(sort, ZoneSort::Namespace))
}

/// Returns a verb phrase for how a flow authenticates its caller, to follow the flow's name:
/// `does not authenticate its caller`, `authenticates with API key`.
pub(super) fn authentication_clause(authentication: Authentication) -> String {
    match authentication {
        Authentication::None => "does not authenticate its caller".to_owned(),
        Authentication::Unknown => "authenticates its caller in an unknown way".to_owned(),
        other => format!("authenticates with {}", other.name()),
    }
}

/// ID-6: a flow between two services inside EKS cluster zones whose check of the immediate
/// caller is neither mTLS nor SigV4 over VPC Lattice.
fn kubernetes_flows_without_mutual_authentication(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("ID-6");
    let mut findings = Vec::new();
    for place @ (edge_ix, from, to) in graph.all_flows() {
        if !(is_kubernetes_service(graph, from) && is_kubernetes_service(graph, to)) {
            continue;
        }
        let flow = graph.flow(edge_ix);
        let mutual = match flow.authentication {
            Authentication::Mtls => true,
            Authentication::SigV4 => flow.network == NetworkPath::VpcLattice,
            _ => false,
        };
        if mutual {
            continue;
        }

        let problem = format!(
            "between Kubernetes workloads over a {} path {}; mTLS or SigV4 over VPC Lattice \
             is expected",
            network_name(flow.network),
            authentication_clause(flow.authentication),
        );
        let mut finding = flow_finding(graph, "ID-6", base, place, &problem);
        if flow.authentication == Authentication::Unknown {
            finding =
                finding.with_unknown(format!("authentication of flow {}", graph.edge(edge_ix).id));
        }
        findings.push(finding);
    }
    findings
}

fn network_name(network: NetworkPath) -> &'static str {
    match network {
        NetworkPath::Public => "public",
        NetworkPath::Private => "private",
        NetworkPath::PrivateLink => "PrivateLink",
        NetworkPath::VpcLattice => "VPC Lattice",
    }
}

/// ID-7: a workforce user or group that can assume an identity without an MFA condition,
/// unless it signs in with MFA or through an identity provider that enforces MFA. Signing
/// in through an identity provider is a can-assume edge to it.
fn workforce_without_mfa(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("ID-7");
    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| is_workforce(graph, ix)) {
        if signs_in_with_mfa(graph, ix) {
            continue;
        }

        let without_mfa: Vec<(EdgeIx, NodeIx)> = graph
            .out_edges(ix)
            .can_assume
            .iter()
            .filter(|&&edge_ix| !graph.can_assume(edge_ix).mfa_required)
            .filter_map(|&edge_ix| Some((edge_ix, graph.ends(edge_ix)?.1)))
            .filter(|&(_, target)| is_identity(graph, target))
            .collect();
        if without_mfa.is_empty() {
            continue;
        }

        let targets: Vec<&str> = without_mfa
            .iter()
            .map(|&(_, target)| label(graph, target))
            .collect();
        let title = format!(
            "{} can assume {} without MFA",
            label(graph, ix),
            targets.join(", ")
        );
        findings.push(
            Finding::new("ID-7", base, title)
                .with_nodes(graph, [ix])
                .with_nodes(graph, without_mfa.iter().map(|&(_, target)| target))
                .with_edges(graph, without_mfa.iter().map(|&(edge_ix, _)| edge_ix)),
        );
    }
    findings
}

/// Returns whether a workforce user or group has MFA: a user that signs in with MFA, or a
/// user or group that can assume an identity provider which enforces MFA.
fn signs_in_with_mfa(graph: &Graph<'_>, ix: NodeIx) -> bool {
    if external_sort(graph, ix) == Some(ExternalSort::WorkforceUser { mfa: true }) {
        return true;
    }
    graph.out_edges(ix).can_assume.iter().any(|&edge_ix| {
        graph.ends(edge_ix).is_some_and(|(_, target)| {
            matches!(
                &graph.node(target).kind,
                NodeKind::Identity(identity)
                    if identity.sort == (IdentitySort::IdentityProvider { enforces_mfa: true })
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::ItemState;
    use super::super::testing::{Model, findings_of, good_flow, places, state};
    use crate::document::{
        Authentication, Authorization, CanAssume, CedarCheck, CredentialLifetime, DataClass,
        DataStore, EdgeKind, ExternalSort, Flow, Gateway, IdentitySort, NetworkPath, NodeKind,
        ZoneSort,
    };
    use crate::graph::Graph;
    use crate::review::Severity;
    use crate::review::checklist::evaluate;

    fn unauthenticated() -> Flow {
        Flow {
            authentication: Authentication::None,
            ..good_flow()
        }
    }

    fn long_lived(model: &mut Model, id: &str, sort: IdentitySort) {
        if let NodeKind::Identity(identity) = &mut model.identity(id, sort).kind {
            identity.credentials = CredentialLifetime::LongLived;
        }
    }

    fn can_assume(model: &mut Model, id: &str, from: &str, to: &str, mfa_required: bool) {
        let condition = CanAssume {
            mfa_required,
            ..CanAssume::default()
        };
        model.edge(id, from, to, EdgeKind::CanAssume(condition));
    }

    fn association(model: &mut Model, id: &str, from: &str, to: &str) {
        let condition = CanAssume {
            association: true,
            ..CanAssume::default()
        };
        model.edge(id, from, to, EdgeKind::CanAssume(condition));
    }

    #[test]
    fn id1_fails_unauthenticated_flows() {
        // customer → gw: none, high. gw → vault (holds credentials): unknown, critical.
        // gw → api exchanging cardholder data: none, critical. api → assets (public
        // content): passed over. Three findings.
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.gateway("gw", Gateway::default());
        model.service("api");
        model
            .store("vault", DataStore::default())
            .data_classes
            .push(DataClass::Credentials);
        model
            .store("assets", DataStore::default())
            .data_classes
            .push(DataClass::Public);
        model.flow("customer-gw", "customer", "gw", unauthenticated());
        model.flow(
            "gw-vault",
            "gw",
            "vault",
            Flow {
                authentication: Authentication::Unknown,
                ..good_flow()
            },
        );
        model.flow(
            "gw-api",
            "gw",
            "api",
            Flow {
                data_classes: vec![DataClass::Cardholder],
                ..unauthenticated()
            },
        );
        model.flow("api-assets", "api", "assets", unauthenticated());

        let findings = findings_of(&model.doc, "ID-1");

        assert_eq!(
            places(&findings),
            [["customer", "gw"], ["gw", "vault"], ["gw", "api"]]
        );
        assert_eq!(findings[0].severity, Severity::High);
        assert_eq!(findings[0].edges, ["customer-gw"]);
        assert!(findings[0].unknown.is_empty());
        assert_eq!(findings[1].severity, Severity::Critical);
        assert_eq!(findings[1].unknown, ["authentication of flow gw-vault"]);
        assert_eq!(findings[2].severity, Severity::Critical);
        assert_eq!(state(&model.doc, "ID-1", &[]), ItemState::Fail);
    }

    #[test]
    fn id1_passes_authenticated_flows() {
        let mut model = Model::new();
        model.service("a");
        model.service("b");
        model.flow("a-b", "a", "b", good_flow());

        assert!(findings_of(&model.doc, "ID-1").is_empty());
        assert_eq!(state(&model.doc, "ID-1", &[]), ItemState::Pass);
    }

    #[test]
    fn id1_not_applicable_without_flows() {
        let mut model = Model::new();
        model.service("a");

        assert_eq!(state(&model.doc, "ID-1", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn id2_fails_long_lived_identities_in_use() {
        // ci-user can assume deploy; app-user is run as by legacy; both-user does both;
        // idle-user is long-lived but unused. Three findings, high.
        let mut model = Model::new();
        model.identity("deploy", IdentitySort::IamRole);
        long_lived(&mut model, "ci-user", IdentitySort::IamUser);
        long_lived(&mut model, "app-user", IdentitySort::IamUser);
        long_lived(&mut model, "both-user", IdentitySort::IamUser);
        long_lived(&mut model, "idle-user", IdentitySort::IamUser);
        model.service("legacy");
        model.service("batch");
        can_assume(&mut model, "ci-deploy", "ci-user", "deploy", false);
        model.edge("legacy-as", "legacy", "app-user", EdgeKind::RunsAs);
        model.edge("batch-as", "batch", "both-user", EdgeKind::RunsAs);
        can_assume(&mut model, "both-deploy", "both-user", "deploy", false);

        let findings = findings_of(&model.doc, "ID-2");

        assert_eq!(
            places(&findings),
            [
                vec!["ci-user", "deploy"],
                vec!["app-user", "legacy"],
                vec!["both-user", "batch", "deploy"],
            ]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(findings[2].edges, ["batch-as", "both-deploy"]);
        assert_eq!(
            findings[2].title,
            "both-user has long-lived credentials and a service runs as it and it can assume \
             another identity"
        );
    }

    #[test]
    fn id2_passes_short_lived_or_unused() {
        let mut model = Model::new();
        model.identity("role", IdentitySort::IamRole);
        long_lived(&mut model, "idle-user", IdentitySort::IamUser);
        model.service("api");
        model.edge("api-as", "api", "role", EdgeKind::RunsAs);

        assert!(findings_of(&model.doc, "ID-2").is_empty());
        assert_eq!(state(&model.doc, "ID-2", &[]), ItemState::Pass);
    }

    #[test]
    fn id2_not_applicable_without_identities() {
        let mut model = Model::new();
        model.service("api");

        assert_eq!(state(&model.doc, "ID-2", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn id3_fails_coarse_edge_authorization() {
        // customer → gw: none. staff → api: IAM policy alone from the workforce. partner →
        // gw: unknown. partner → api: IAM policy from a partner is fine. customer → db: a
        // data store is no subject. Three findings, high.
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.external("staff", ExternalSort::WorkforceGroup);
        model.external("partner", ExternalSort::Partner);
        model.gateway("gw", Gateway::default());
        model.service("api");
        model.store("db", DataStore::default());
        let authorized = |authorization| Flow {
            authorization,
            ..good_flow()
        };
        model.flow(
            "customer-gw",
            "customer",
            "gw",
            authorized(Authorization::None),
        );
        model.flow(
            "staff-api",
            "staff",
            "api",
            authorized(Authorization::IamPolicy),
        );
        model.flow(
            "partner-gw",
            "partner",
            "gw",
            authorized(Authorization::Unknown),
        );
        model.flow(
            "partner-api",
            "partner",
            "api",
            authorized(Authorization::IamPolicy),
        );
        model.flow(
            "customer-db",
            "customer",
            "db",
            authorized(Authorization::None),
        );

        let findings = findings_of(&model.doc, "ID-3");

        assert_eq!(
            places(&findings),
            [["customer", "gw"], ["staff", "api"], ["partner", "gw"]]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(findings[2].unknown, ["authorization of flow partner-gw"]);
    }

    #[test]
    fn id3_passes_policy_engine() {
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.gateway("gw", Gateway::default());
        model.flow(
            "customer-gw",
            "customer",
            "gw",
            Flow {
                authorization: Authorization::Cedar(CedarCheck {
                    store: "store".into(),
                    action: "Call".into(),
                }),
                ..good_flow()
            },
        );

        assert!(findings_of(&model.doc, "ID-3").is_empty());
        assert_eq!(state(&model.doc, "ID-3", &[]), ItemState::Pass);
    }

    #[test]
    fn id3_not_applicable_without_edge_flows() {
        // Only a flow from outside into a data store, and one between services.
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.store("db", DataStore::default());
        model.service("a");
        model.service("b");
        model.flow("customer-db", "customer", "db", good_flow());
        model.flow("a-b", "a", "b", good_flow());

        assert_eq!(state(&model.doc, "ID-3", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn id4_fails_workforce_through_plain_gateway() {
        // ada → gw (not identity-aware): medium. staff → va (identity-aware): fine.
        // customer → gw: not the workforce. One finding.
        let mut model = Model::new();
        model.external("ada", ExternalSort::WorkforceUser { mfa: true });
        model.external("staff", ExternalSort::WorkforceGroup);
        model.external("customer", ExternalSort::Customer);
        model.gateway("gw", Gateway::default());
        model.gateway(
            "va",
            Gateway {
                identity_aware: true,
                ..Gateway::default()
            },
        );
        model.flow("ada-gw", "ada", "gw", good_flow());
        model.flow("staff-va", "staff", "va", good_flow());
        model.flow("customer-gw", "customer", "gw", good_flow());

        let findings = findings_of(&model.doc, "ID-4");

        assert_eq!(places(&findings), [["ada", "gw"]]);
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_eq!(findings[0].edges, ["ada-gw"]);
    }

    #[test]
    fn id4_fails_direct_workforce_flows() {
        // ada → payments and ada → cards skip every gateway; ada → saas leaves the system.
        let mut model = Model::new();
        model.external("ada", ExternalSort::WorkforceUser { mfa: true });
        model.external("saas", ExternalSort::Internet);
        model.service("payments");
        model.store("cards", DataStore::default());
        model.flow("ada-payments", "ada", "payments", good_flow());
        model.flow("ada-cards", "ada", "cards", good_flow());
        model.flow("ada-saas", "ada", "saas", good_flow());

        let findings = findings_of(&model.doc, "ID-4");

        assert_eq!(places(&findings), [["ada", "payments"], ["ada", "cards"]]);
        assert!(
            findings
                .iter()
                .all(|finding| finding.title.contains("past any identity-aware gateway")),
            "{findings:?}"
        );
    }

    #[test]
    fn id4_passes_identity_aware_gateway() {
        let mut model = Model::new();
        model.external("staff", ExternalSort::WorkforceGroup);
        model.gateway(
            "va",
            Gateway {
                identity_aware: true,
                ..Gateway::default()
            },
        );
        model.flow("staff-va", "staff", "va", good_flow());
        let graph = Graph::new(&model.doc);

        let results = evaluate(&graph, &[]);
        let id4 = results.iter().find(|result| result.id == "ID-4");

        assert_eq!(id4.map(|result| result.state), Some(ItemState::Pass));
        assert_eq!(id4.map(|result| result.cedar_not_evaluated), Some(false));
    }

    #[test]
    fn id4_not_applicable_without_workforce() {
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.gateway("gw", Gateway::default());
        model.flow("customer-gw", "customer", "gw", good_flow());

        assert_eq!(state(&model.doc, "ID-4", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn id4_marks_unevaluated_cedar_part() {
        // The workforce exists and a flow names a Cedar store: the Cedar part is pending.
        let mut model = Model::new();
        model.external("staff", ExternalSort::WorkforceGroup);
        model.gateway(
            "va",
            Gateway {
                identity_aware: true,
                ..Gateway::default()
            },
        );
        model.service("ledger");
        model.flow("staff-va", "staff", "va", good_flow());
        model.flow(
            "va-ledger",
            "va",
            "ledger",
            Flow {
                authorization: Authorization::Cedar(CedarCheck {
                    store: "store".into(),
                    action: "Read".into(),
                }),
                ..good_flow()
            },
        );
        let graph = Graph::new(&model.doc);

        let results = evaluate(&graph, &[]);
        let id4 = results.iter().find(|result| result.id == "ID-4");

        assert_eq!(id4.map(|result| result.cedar_not_evaluated), Some(true));
    }

    /// Builds an EKS cluster with namespaces ns-a and ns-b.
    fn cluster() -> Model {
        let mut model = Model::new();
        model.zone("eks", ZoneSort::EksCluster);
        model.zone("ns-a", ZoneSort::Namespace);
        model.zone("ns-b", ZoneSort::Namespace);
        model.within("ns-a", "eks");
        model.within("ns-b", "eks");
        model
    }

    fn service_in(model: &mut Model, id: &str, zone: &str, runs_as: &str) {
        model.service(id);
        model.within(id, zone);
        model.edge(&format!("{id}-as"), id, runs_as, EdgeKind::RunsAs);
    }

    #[test]
    fn id5_fails_missing_or_shared_workload_identity() {
        // a (ns-a) runs as sa-a and b (ns-b) as sa-b. Both service accounts are associated
        // with the role shared, so a and b share a workload identity across namespaces. The
        // associations join sa-a, shared and sa-b into one workload identity, which each
        // finding names in full. c (ns-a) runs as the IAM role node-role, no service
        // account. Three findings, high.
        let mut model = cluster();
        model.identity("sa-a", IdentitySort::ServiceAccount);
        model.identity("sa-b", IdentitySort::ServiceAccount);
        model.identity("shared", IdentitySort::IamRole);
        model.identity("node-role", IdentitySort::IamRole);
        association(&mut model, "sa-a-role", "sa-a", "shared");
        association(&mut model, "sa-b-role", "sa-b", "shared");
        service_in(&mut model, "a", "ns-a", "sa-a");
        service_in(&mut model, "b", "ns-b", "sa-b");
        service_in(&mut model, "c", "ns-a", "node-role");

        let findings = findings_of(&model.doc, "ID-5");

        assert_eq!(
            places(&findings),
            [
                vec!["a", "b", "sa-a", "sa-b", "shared"],
                vec!["b", "a", "sa-a", "sa-b", "shared"],
                vec!["c", "node-role"],
            ]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(findings[2].title, "c runs as no service account");
        assert_eq!(findings[2].edges, ["c-as"]);
    }

    #[test]
    fn id5_passes_own_or_same_namespace_accounts() {
        // a and a2 share sa-a inside ns-a, and b has its own sa-b.
        let mut model = cluster();
        model.identity("sa-a", IdentitySort::ServiceAccount);
        model.identity("sa-b", IdentitySort::ServiceAccount);
        service_in(&mut model, "a", "ns-a", "sa-a");
        service_in(&mut model, "a2", "ns-a", "sa-a");
        service_in(&mut model, "b", "ns-b", "sa-b");

        assert!(findings_of(&model.doc, "ID-5").is_empty());
        assert_eq!(state(&model.doc, "ID-5", &[]), ItemState::Pass);
    }

    #[test]
    fn id5_not_applicable_outside_eks() {
        // A service in a namespace-less VPC runs as no service account: no subject.
        let mut model = Model::new();
        model.zone("vpc", ZoneSort::Vpc);
        model.service("lambda");
        model.within("lambda", "vpc");

        assert!(findings_of(&model.doc, "ID-5").is_empty());
        assert_eq!(state(&model.doc, "ID-5", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn id6_fails_without_mutual_authentication() {
        // a → b mTLS: fine. a → c SigV4 on a private path: fails. b → c SigV4 over VPC
        // Lattice: fine. c → a unknown: fails. a → outside: no subject. Two findings, medium.
        let mut model = cluster();
        for id in ["a", "b", "c"] {
            model.service(id);
            model.within(id, "ns-a");
        }
        model.service("outside");
        let authenticated = |authentication, network| Flow {
            authentication,
            network,
            ..good_flow()
        };
        model.flow("a-b", "a", "b", good_flow());
        model.flow(
            "a-c",
            "a",
            "c",
            authenticated(Authentication::SigV4, NetworkPath::Private),
        );
        model.flow(
            "b-c",
            "b",
            "c",
            authenticated(Authentication::SigV4, NetworkPath::VpcLattice),
        );
        model.flow(
            "c-a",
            "c",
            "a",
            authenticated(Authentication::Unknown, NetworkPath::Private),
        );
        model.flow(
            "a-out",
            "a",
            "outside",
            authenticated(Authentication::ApiKey, NetworkPath::Private),
        );

        let findings = findings_of(&model.doc, "ID-6");

        assert_eq!(places(&findings), [["a", "c"], ["c", "a"]]);
        assert!(findings.iter().all(|f| f.severity == Severity::Medium));
        assert!(findings[0].unknown.is_empty());
        assert_eq!(findings[1].unknown, ["authentication of flow c-a"]);
    }

    #[test]
    fn id6_title_says_caller_is_not_authenticated() {
        let mut model = cluster();
        for id in ["a", "b"] {
            model.service(id);
            model.within(id, "ns-a");
        }
        let open = Flow {
            authentication: Authentication::None,
            network: NetworkPath::Private,
            ..good_flow()
        };
        model.flow("a-b", "a", "b", open);

        let findings = findings_of(&model.doc, "ID-6");

        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].title.ends_with(
                "between Kubernetes workloads over a private path does not authenticate its \
                 caller; mTLS or SigV4 over VPC Lattice is expected"
            ),
            "{}",
            findings[0].title
        );
    }

    #[test]
    fn authentication_clause_reads_as_verb_phrase() {
        let clause = super::authentication_clause;

        assert_eq!(
            clause(Authentication::None),
            "does not authenticate its caller"
        );
        assert_eq!(clause(Authentication::ApiKey), "authenticates with API key");
        assert_eq!(
            clause(Authentication::Unknown),
            "authenticates its caller in an unknown way"
        );
    }

    #[test]
    fn id6_passes_mtls_between_workloads() {
        let mut model = cluster();
        model.service("a");
        model.service("b");
        model.within("a", "ns-a");
        model.within("b", "ns-b");
        model.flow("a-b", "a", "b", good_flow());

        assert!(findings_of(&model.doc, "ID-6").is_empty());
        assert_eq!(state(&model.doc, "ID-6", &[]), ItemState::Pass);
    }

    #[test]
    fn id6_not_applicable_without_pod_to_pod_flow() {
        // The only flow leaves the cluster, with an API key.
        let mut model = cluster();
        model.service("a");
        model.within("a", "ns-a");
        model.service("outside");
        model.flow(
            "a-out",
            "a",
            "outside",
            Flow {
                authentication: Authentication::ApiKey,
                ..good_flow()
            },
        );

        assert_eq!(state(&model.doc, "ID-6", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn id7_fails_assumption_without_mfa() {
        // ada (no MFA) can assume admin without MFA and ro with MFA: admin named. ops (group)
        // can assume admin: named. bob signs in with MFA; cy goes through an identity
        // provider that enforces MFA; dee goes through one that does not. Three findings.
        let mut model = Model::new();
        model.identity("admin", IdentitySort::IamRole);
        model.identity("ro", IdentitySort::IamRole);
        model.identity("sso", IdentitySort::IdentityProvider { enforces_mfa: true });
        model.identity(
            "weak-idp",
            IdentitySort::IdentityProvider {
                enforces_mfa: false,
            },
        );
        model.external("ada", ExternalSort::WorkforceUser { mfa: false });
        model.external("ops", ExternalSort::WorkforceGroup);
        model.external("bob", ExternalSort::WorkforceUser { mfa: true });
        model.external("cy", ExternalSort::WorkforceUser { mfa: false });
        model.external("dee", ExternalSort::WorkforceUser { mfa: false });
        can_assume(&mut model, "ada-admin", "ada", "admin", false);
        can_assume(&mut model, "ada-ro", "ada", "ro", true);
        can_assume(&mut model, "ops-admin", "ops", "admin", false);
        can_assume(&mut model, "bob-admin", "bob", "admin", false);
        can_assume(&mut model, "cy-sso", "cy", "sso", false);
        can_assume(&mut model, "cy-admin", "cy", "admin", false);
        can_assume(&mut model, "dee-idp", "dee", "weak-idp", false);

        let findings = findings_of(&model.doc, "ID-7");

        assert_eq!(
            places(&findings),
            [["ada", "admin"], ["ops", "admin"], ["dee", "weak-idp"]]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(findings[0].edges, ["ada-admin"]);
        assert_eq!(findings[0].title, "ada can assume admin without MFA");
    }

    #[test]
    fn id7_passes_mfa_conditions() {
        let mut model = Model::new();
        model.identity("admin", IdentitySort::IamRole);
        model.external("ada", ExternalSort::WorkforceUser { mfa: false });
        can_assume(&mut model, "ada-admin", "ada", "admin", true);

        assert!(findings_of(&model.doc, "ID-7").is_empty());
        assert_eq!(state(&model.doc, "ID-7", &[]), ItemState::Pass);
    }

    #[test]
    fn id7_not_applicable_without_workforce() {
        // A role assuming another without MFA is not workforce access.
        let mut model = Model::new();
        model.identity("a", IdentitySort::IamRole);
        model.identity("b", IdentitySort::IamRole);
        can_assume(&mut model, "a-b", "a", "b", false);

        assert_eq!(state(&model.doc, "ID-7", &[]), ItemState::NotApplicable);
    }
}
