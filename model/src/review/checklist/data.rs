//! The data pillar: TLS 1.3 in transit (DATA-1), encryption at rest with customer-managed
//! keys (DATA-2), key rotation (DATA-3), managed and rotated secrets (DATA-4), signed images
//! and immutable deployment (DATA-5), least privilege with permission boundaries (DATA-6)
//! and cardholder data kept in scope (DATA-7).

use std::collections::BTreeMap;

use super::identity::associated;
use super::{Check, base_severity, flow_finding, label, nodes_where};
use crate::document::{
    Action, DataClass, Encryption, IdentitySort, KeyRotation, NetworkPath, NodeKind,
    SecretStorage, Tls,
};
use crate::graph::{EdgeIx, Graph, NodeIx};
use crate::review::{Finding, Severity};

/// The data items, in checklist order.
pub(super) const CHECKS: &[Check] = &[
    Check {
        id: "DATA-1",
        findings: flows_without_tls13,
        applies: has_flows,
    },
    Check {
        id: "DATA-2",
        findings: stores_without_customer_keys,
        applies: has_stores,
    },
    Check {
        id: "DATA-3",
        findings: keys_without_rotation,
        applies: has_keys,
    },
    Check {
        id: "DATA-4",
        findings: unmanaged_secrets,
        applies: has_secrets,
    },
    Check {
        id: "DATA-5",
        findings: mutable_services,
        applies: has_services,
    },
    Check {
        id: "DATA-6",
        findings: excess_privilege,
        applies: has_grants_or_execution_roles,
    },
    Check {
        id: "DATA-7",
        findings: cardholder_data_out_of_scope,
        applies: has_cde,
    },
];

/// The longest period, in days, between manual rotations of a key.
const MAX_KEY_ROTATION_DAYS: u32 = 365;

/// The longest period, in days, between rotations of a secret.
const MAX_SECRET_ROTATION_DAYS: u32 = 90;

fn has_flows(graph: &Graph<'_>) -> bool {
    graph.flows.edge_count() > 0
}

fn has_kind(graph: &Graph<'_>, kind: fn(&NodeKind) -> bool) -> bool {
    graph.doc.nodes.iter().any(|node| kind(&node.kind))
}

fn has_stores(graph: &Graph<'_>) -> bool {
    has_kind(graph, |kind| matches!(kind, NodeKind::DataStore(_)))
}

fn has_keys(graph: &Graph<'_>) -> bool {
    has_kind(graph, |kind| matches!(kind, NodeKind::Key(_)))
}

fn has_secrets(graph: &Graph<'_>) -> bool {
    has_kind(graph, |kind| matches!(kind, NodeKind::Secret(_)))
}

fn has_services(graph: &Graph<'_>) -> bool {
    has_kind(graph, |kind| matches!(kind, NodeKind::Service(_)))
}

fn has_grants_or_execution_roles(graph: &Graph<'_>) -> bool {
    !grant_edges(graph).is_empty() || !execution_roles(graph).is_empty()
}

fn has_cde(graph: &Graph<'_>) -> bool {
    has_kind(graph, |kind| matches!(kind, NodeKind::Zone(zone) if zone.cde))
}

/// DATA-1: a flow with no TLS or TLS 1.2; critical for restricted data on a public path.
fn flows_without_tls13(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("DATA-1");
    let mut findings = Vec::new();
    for place @ (edge_ix, _, _) in graph.all_flows() {
        let flow = graph.flow(edge_ix);
        let problem = match flow.tls {
            Tls::None => "is not encrypted in transit",
            Tls::V1_2 => "uses TLS 1.2, not TLS 1.3",
            Tls::V1_3 => continue,
        };
        let severity =
            if graph.flow_is_restricted(edge_ix) && flow.network == NetworkPath::Public {
                Severity::Critical
            } else {
                base
            };
        findings.push(flow_finding(graph, "DATA-1", severity, place, problem));
    }
    findings
}

/// DATA-2: a data store that is not customer-managed with an `encrypted by` key, and
/// separately a store of restricted data whose key is not CloudHSM-backed (a store without
/// a key fails both).
fn stores_without_customer_keys(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("DATA-2");
    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| matches!(graph.node(ix).kind, NodeKind::DataStore(_))) {
        let NodeKind::DataStore(store) = &graph.node(ix).kind else {
            continue;
        };
        let keys: Vec<(EdgeIx, NodeIx, bool)> = graph
            .out_edges(ix)
            .encrypted_by
            .iter()
            .filter_map(|&edge_ix| {
                let key = graph.ends(edge_ix)?.1;
                match &graph.node(key).kind {
                    NodeKind::Key(attributes) => Some((edge_ix, key, attributes.cloudhsm)),
                    _ => None,
                }
            })
            .collect();
        let name = label(graph, ix);

        if store.encryption != Encryption::CustomerManaged || keys.is_empty() {
            let title = match store.encryption {
                Encryption::None => format!("Data store {name} is not encrypted at rest"),
                Encryption::ProviderManaged => {
                    format!("Data store {name} is encrypted with a provider-managed key")
                }
                Encryption::CustomerManaged => {
                    format!("Data store {name} names no customer-managed key")
                }
            };
            findings.push(Finding::new("DATA-2", base, title).with_nodes(graph, [ix]));
        }

        let restricted = graph
            .node(ix)
            .held_data_classes()
            .iter()
            .any(|class| class.is_restricted());
        let software_keys: Vec<&(EdgeIx, NodeIx, bool)> =
            keys.iter().filter(|(_, _, cloudhsm)| !cloudhsm).collect();
        if restricted && (keys.is_empty() || !software_keys.is_empty()) {
            let title =
                format!("Data store {name} holds restricted data without a CloudHSM-backed key");
            findings.push(
                Finding::new("DATA-2", base, title)
                    .with_nodes(graph, [ix])
                    .with_nodes(graph, software_keys.iter().map(|&&(_, key, _)| key))
                    .with_edges(graph, software_keys.iter().map(|&&(edge_ix, _, _)| edge_ix)),
            );
        }
    }
    findings
}

/// DATA-3: a key with no rotation, or rotated by hand less often than every 365 days.
fn keys_without_rotation(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("DATA-3");
    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| matches!(graph.node(ix).kind, NodeKind::Key(_))) {
        let NodeKind::Key(key) = &graph.node(ix).kind else {
            continue;
        };
        let name = label(graph, ix);
        let title = match key.rotation {
            KeyRotation::None => format!("Key {name} is never rotated"),
            KeyRotation::Manual { days } if days > MAX_KEY_ROTATION_DAYS => {
                format!("Key {name} is rotated every {days} days, less often than yearly")
            }
            _ => continue,
        };
        findings.push(Finding::new("DATA-3", base, title).with_nodes(graph, [ix]));
    }
    findings
}

/// DATA-4: a secret outside Secrets Manager, and separately one that is never rotated or
/// rotated less often than every 90 days.
fn unmanaged_secrets(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("DATA-4");
    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| matches!(graph.node(ix).kind, NodeKind::Secret(_))) {
        let NodeKind::Secret(secret) = &graph.node(ix).kind else {
            continue;
        };
        let name = label(graph, ix);

        let storage = match secret.storage {
            SecretStorage::SecretsManager => None,
            SecretStorage::ParameterStore => Some("in Parameter Store"),
            SecretStorage::PlaintextConfig => Some("in plain-text configuration"),
        };
        if let Some(storage) = storage {
            let title = format!("Secret {name} is kept {storage}, not in Secrets Manager");
            findings.push(Finding::new("DATA-4", base, title).with_nodes(graph, [ix]));
        }

        let rotation = match secret.rotation_days {
            None => Some(format!("Secret {name} is never rotated")),
            Some(days) if days > MAX_SECRET_ROTATION_DAYS => Some(format!(
                "Secret {name} is rotated every {days} days, less often than every \
                 {MAX_SECRET_ROTATION_DAYS}"
            )),
            Some(_) => None,
        };
        if let Some(title) = rotation {
            findings.push(Finding::new("DATA-4", base, title).with_nodes(graph, [ix]));
        }
    }
    findings
}

/// DATA-5: a service without a signed image, and separately one without immutable
/// deployment.
fn mutable_services(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("DATA-5");
    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| matches!(graph.node(ix).kind, NodeKind::Service(_))) {
        let NodeKind::Service(service) = &graph.node(ix).kind else {
            continue;
        };
        let name = label(graph, ix);
        if !service.signed_image {
            let title = format!("Service {name} runs images that are not signed");
            findings.push(Finding::new("DATA-5", base, title).with_nodes(graph, [ix]));
        }
        if !service.immutable {
            let title = format!("Service {name} is changed in place, not replaced");
            findings.push(Finding::new("DATA-5", base, title).with_nodes(graph, [ix]));
        }
    }
    findings
}

/// Returns every grants edge whose holder resolves, with its holder, in document order.
fn grant_edges(graph: &Graph<'_>) -> Vec<(EdgeIx, NodeIx)> {
    let mut grants: Vec<(EdgeIx, NodeIx)> = (0..graph.node_count())
        .flat_map(|holder| {
            graph
                .out_edges(holder)
                .grants
                .iter()
                .map(move |&edge_ix| (edge_ix, holder))
        })
        .collect();
    grants.sort_unstable();
    grants
}

/// Returns every IAM role that a service runs as, directly or through an association with a
/// service account that the service runs as, with those services, in document order.
fn execution_roles(graph: &Graph<'_>) -> BTreeMap<NodeIx, Vec<NodeIx>> {
    let mut roles: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
    for service in nodes_where(graph, |ix| matches!(graph.node(ix).kind, NodeKind::Service(_))) {
        for &edge_ix in &graph.out_edges(service).runs_as {
            let Some((_, identity)) = graph.ends(edge_ix) else {
                continue;
            };
            let candidates = match identity_sort(graph, identity) {
                Some(IdentitySort::IamRole) => vec![identity],
                Some(IdentitySort::ServiceAccount) => associated(graph, identity),
                _ => Vec::new(),
            };
            for role in candidates {
                if identity_sort(graph, role) == Some(IdentitySort::IamRole) {
                    let services = roles.entry(role).or_default();
                    if !services.contains(&service) {
                        services.push(service);
                    }
                }
            }
        }
    }
    roles
}

fn identity_sort(graph: &Graph<'_>, ix: NodeIx) -> Option<IdentitySort> {
    match &graph.node(ix).kind {
        NodeKind::Identity(identity) => Some(identity.sort),
        _ => None,
    }
}

/// DATA-6: a grant on `*`; a grant of admin on a zone; an IAM role that a service runs as,
/// or that is associated with a service account a service runs as, without a permission
/// boundary.
fn excess_privilege(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("DATA-6");
    let mut findings = Vec::new();

    for (edge_ix, holder) in grant_edges(graph) {
        let target = graph.edge(edge_ix).to.as_str();
        let holder_name = label(graph, holder);
        let title = if target == "*" {
            format!("{holder_name} is granted actions on every node (*)")
        } else if let Some(zone) = graph.ix(target).filter(|&ix| graph.node(ix).is_zone())
            && graph.grant_actions(edge_ix).contains(&Action::Admin)
        {
            format!("{holder_name} is granted admin on zone {}", label(graph, zone))
        } else {
            continue;
        };
        let mut finding = Finding::new("DATA-6", base, title).with_nodes(graph, [holder]);
        if let Some(target_ix) = graph.ix(target) {
            finding = finding.with_nodes(graph, [target_ix]);
        }
        findings.push(finding.with_edges(graph, [edge_ix]));
    }

    for (role, services) in execution_roles(graph) {
        if graph.has_boundary(role) {
            continue;
        }
        let title = format!(
            "Execution role {} has no permission boundary",
            label(graph, role)
        );
        findings.push(
            Finding::new("DATA-6", base, title)
                .with_nodes(graph, [role])
                .with_nodes(graph, services),
        );
    }
    findings
}

/// DATA-7: an internal node holding cardholder data, or at either end of a flow exchanging
/// it, outside every cardholder data environment; only when the model marks one. External
/// nodes are left to DATA-1.
fn cardholder_data_out_of_scope(graph: &Graph<'_>) -> Vec<Finding> {
    if !has_cde(graph) {
        return Vec::new();
    }
    let base = base_severity("DATA-7");

    let mut cardholder_flows: BTreeMap<NodeIx, Vec<EdgeIx>> = BTreeMap::new();
    for (edge_ix, from, to) in graph.all_flows() {
        if graph.flow(edge_ix).data_classes.contains(&DataClass::Cardholder) {
            cardholder_flows.entry(from).or_default().push(edge_ix);
            if to != from {
                cardholder_flows.entry(to).or_default().push(edge_ix);
            }
        }
    }

    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| graph.is_internal(ix) && !in_cde(graph, ix)) {
        let holds = graph
            .node(ix)
            .held_data_classes()
            .contains(&DataClass::Cardholder);
        let flows = cardholder_flows.get(&ix).map(Vec::as_slice).unwrap_or_default();
        if !holds && flows.is_empty() {
            continue;
        }
        let how = if holds {
            "holds"
        } else {
            "exchanges"
        };
        let title = format!(
            "{} {how} cardholder data outside the cardholder data environment",
            label(graph, ix)
        );
        findings.push(
            Finding::new("DATA-7", base, title)
                .with_nodes(graph, [ix])
                .with_edges(graph, flows.iter().copied()),
        );
    }
    findings
}

fn in_cde(graph: &Graph<'_>, ix: NodeIx) -> bool {
    graph
        .zones_of(ix)
        .into_iter()
        .any(|zone| matches!(&graph.node(zone).kind, NodeKind::Zone(zone) if zone.cde))
}
