//! The data pillar. It checks TLS 1.3 in transit (DATA-1), encryption at rest with
//! customer-managed keys (DATA-2), key rotation (DATA-3), managed and rotated secrets
//! (DATA-4), signed images and immutable deployment (DATA-5), least privilege with permission
//! boundaries (DATA-6), and that cardholder data stays in scope (DATA-7).

use std::collections::BTreeMap;

use super::identity::associated;
use super::{Check, base_severity, flow_finding, label, nodes_where};
use crate::document::{
    Action, DataClass, Encryption, IdentitySort, KeyRotation, NetworkPath, NodeKind, SecretStorage,
    Tls,
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

/// The maximum period, in days, between manual rotations of a key.
const MAX_KEY_ROTATION_DAYS: u32 = 365;

/// The maximum period, in days, between rotations of a secret.
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
    has_kind(
        graph,
        |kind| matches!(kind, NodeKind::Zone(zone) if zone.cde),
    )
}

/// DATA-1: a flow with no TLS or TLS 1.2. It is critical for restricted data on a public path.
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
        let severity = if graph.flow_is_restricted(edge_ix) && flow.network == NetworkPath::Public {
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
    for ix in nodes_where(graph, |ix| {
        matches!(graph.node(ix).kind, NodeKind::DataStore(_))
    }) {
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
    for ix in nodes_where(graph, |ix| {
        matches!(graph.node(ix).kind, NodeKind::Secret(_))
    }) {
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
    for ix in nodes_where(graph, |ix| {
        matches!(graph.node(ix).kind, NodeKind::Service(_))
    }) {
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
    for service in nodes_where(graph, |ix| {
        matches!(graph.node(ix).kind, NodeKind::Service(_))
    }) {
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

/// DATA-6: a grant on `*`, a grant of admin on a zone, and an IAM role without a permission
/// boundary that a service runs as directly or through its service account's association.
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
            format!(
                "{holder_name} is granted admin on zone {}",
                label(graph, zone)
            )
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

/// DATA-7: an internal node outside every cardholder data environment that holds cardholder
/// data or is at either end of a flow exchanging it. The item applies only when the model
/// marks such an environment. External nodes are left to DATA-1.
fn cardholder_data_out_of_scope(graph: &Graph<'_>) -> Vec<Finding> {
    if !has_cde(graph) {
        return Vec::new();
    }
    let base = base_severity("DATA-7");

    let mut cardholder_flows: BTreeMap<NodeIx, Vec<EdgeIx>> = BTreeMap::new();
    for (edge_ix, from, to) in graph.all_flows() {
        if graph
            .flow(edge_ix)
            .data_classes
            .contains(&DataClass::Cardholder)
        {
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
        let flows = cardholder_flows
            .get(&ix)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if !holds && flows.is_empty() {
            continue;
        }
        let how = if holds { "holds" } else { "exchanges" };
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

#[cfg(test)]
mod tests {
    use super::super::ItemState;
    use super::super::testing::{Model, findings_of, good_flow, places, state};
    use super::*;
    use crate::document::{
        BoundaryRule, CanAssume, DataStore, EdgeKind, ExternalSort, Flow, Gateway, Grant, Key,
        NodeKind, Secret, Service, Zone, ZoneSort,
    };

    #[test]
    fn data1_fails_old_or_missing_tls() {
        // f1 plain text: medium. f2 TLS 1.2, public, cardholder: critical. f3 TLS 1.2,
        // private, cardholder: medium. f4 TLS 1.3: fine. f5 plain text, public, internal
        // data: medium. Four findings.
        let mut model = Model::new();
        model.service("a");
        model.service("b");
        let flow = |tls, network, class| Flow {
            tls,
            network,
            data_classes: vec![class],
            ..good_flow()
        };
        model.flow(
            "f1",
            "a",
            "b",
            flow(Tls::None, NetworkPath::Private, DataClass::Internal),
        );
        model.flow(
            "f2",
            "a",
            "b",
            flow(Tls::V1_2, NetworkPath::Public, DataClass::Cardholder),
        );
        model.flow(
            "f3",
            "a",
            "b",
            flow(Tls::V1_2, NetworkPath::Private, DataClass::Cardholder),
        );
        model.flow(
            "f4",
            "a",
            "b",
            flow(Tls::V1_3, NetworkPath::Public, DataClass::Cardholder),
        );
        model.flow(
            "f5",
            "a",
            "b",
            flow(Tls::None, NetworkPath::Public, DataClass::Internal),
        );

        let findings = findings_of(&model.doc, "DATA-1");

        let edges: Vec<&str> = findings.iter().map(|f| f.edges[0].as_str()).collect();
        assert_eq!(edges, ["f1", "f2", "f3", "f5"]);
        let severities: Vec<Severity> = findings.iter().map(|f| f.severity).collect();
        assert_eq!(
            severities,
            [
                Severity::Medium,
                Severity::Critical,
                Severity::Medium,
                Severity::Medium
            ]
        );
        assert_eq!(findings[1].title, "Flow a → b uses TLS 1.2, not TLS 1.3");
    }

    #[test]
    fn data1_passes_tls13() {
        let mut model = Model::new();
        model.service("a");
        model.service("b");
        model.flow("a-b", "a", "b", good_flow());

        assert!(findings_of(&model.doc, "DATA-1").is_empty());
        assert_eq!(state(&model.doc, "DATA-1", &[]), ItemState::Pass);
    }

    #[test]
    fn data1_not_applicable_without_flows() {
        let mut model = Model::new();
        model.service("a");

        assert_eq!(state(&model.doc, "DATA-1", &[]), ItemState::NotApplicable);
    }

    fn encrypted(model: &mut Model, id: &str, encryption: Encryption, class: DataClass) {
        model
            .store(
                id,
                DataStore {
                    encryption,
                    ..DataStore::default()
                },
            )
            .data_classes
            .push(class);
    }

    fn key(cloudhsm: bool) -> Key {
        Key {
            cloudhsm,
            rotation: KeyRotation::Automatic,
        }
    }

    #[test]
    fn data2_fails_without_customer_keys() {
        // plain: not encrypted. provider: provider-managed and restricted, so two findings.
        // no-key: customer-managed without a key. soft: restricted with a software key.
        // hsm: restricted with a CloudHSM key, fine. soft-internal: internal data with a
        // software key, fine. Five findings, high.
        let mut model = Model::new();
        model.key("soft-key", key(false));
        model.key("hsm-key", key(true));
        encrypted(&mut model, "plain", Encryption::None, DataClass::Internal);
        encrypted(
            &mut model,
            "provider",
            Encryption::ProviderManaged,
            DataClass::Cardholder,
        );
        encrypted(
            &mut model,
            "no-key",
            Encryption::CustomerManaged,
            DataClass::Internal,
        );
        encrypted(
            &mut model,
            "soft",
            Encryption::CustomerManaged,
            DataClass::Credentials,
        );
        encrypted(
            &mut model,
            "hsm",
            Encryption::CustomerManaged,
            DataClass::Cardholder,
        );
        encrypted(
            &mut model,
            "soft-internal",
            Encryption::CustomerManaged,
            DataClass::Internal,
        );
        model.edge("soft-by", "soft", "soft-key", EdgeKind::EncryptedBy);
        model.edge("hsm-by", "hsm", "hsm-key", EdgeKind::EncryptedBy);
        model.edge(
            "soft-internal-by",
            "soft-internal",
            "soft-key",
            EdgeKind::EncryptedBy,
        );

        let findings = findings_of(&model.doc, "DATA-2");

        assert_eq!(
            places(&findings),
            [
                vec!["plain"],
                vec!["provider"],
                vec!["provider"],
                vec!["no-key"],
                vec!["soft", "soft-key"],
            ]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(
            findings[1].title,
            "Data store provider is encrypted with a provider-managed key"
        );
        assert_eq!(
            findings[2].title,
            "Data store provider holds restricted data without a CloudHSM-backed key"
        );
        assert_eq!(findings[4].edges, ["soft-by"]);
    }

    #[test]
    fn data2_passes_cloudhsm_key() {
        let mut model = Model::new();
        model.key("hsm-key", key(true));
        encrypted(
            &mut model,
            "hsm",
            Encryption::CustomerManaged,
            DataClass::Cardholder,
        );
        model.edge("hsm-by", "hsm", "hsm-key", EdgeKind::EncryptedBy);

        assert!(findings_of(&model.doc, "DATA-2").is_empty());
        assert_eq!(state(&model.doc, "DATA-2", &[]), ItemState::Pass);
    }

    #[test]
    fn data2_not_applicable_without_stores() {
        let mut model = Model::new();
        model.key("key", key(true));

        assert_eq!(state(&model.doc, "DATA-2", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn data3_fails_unrotated_keys() {
        // never: no rotation. yearly: 365 days, fine. slow: 400 days. auto: fine.
        // Two findings, medium.
        let mut model = Model::new();
        let rotated = |rotation| Key {
            cloudhsm: false,
            rotation,
        };
        model.key("never", rotated(KeyRotation::None));
        model.key("yearly", rotated(KeyRotation::Manual { days: 365 }));
        model.key("slow", rotated(KeyRotation::Manual { days: 400 }));
        model.key("auto", rotated(KeyRotation::Automatic));

        let findings = findings_of(&model.doc, "DATA-3");

        assert_eq!(places(&findings), [["never"], ["slow"]]);
        assert!(findings.iter().all(|f| f.severity == Severity::Medium));
    }

    #[test]
    fn data3_passes_automatic_rotation() {
        let mut model = Model::new();
        model.key("auto", key(false));

        assert!(findings_of(&model.doc, "DATA-3").is_empty());
        assert_eq!(state(&model.doc, "DATA-3", &[]), ItemState::Pass);
    }

    #[test]
    fn data3_not_applicable_without_keys() {
        let mut model = Model::new();
        model.store("db", DataStore::default());

        assert_eq!(state(&model.doc, "DATA-3", &[]), ItemState::NotApplicable);
    }

    fn secret(storage: SecretStorage, rotation_days: Option<u32>) -> Secret {
        Secret {
            storage,
            rotation_days,
        }
    }

    #[test]
    fn data4_fails_unmanaged_secrets() {
        // plain: plain text and never rotated, two findings. param: Parameter Store, 30
        // days. slow: Secrets Manager, 91 days. ok: Secrets Manager, 90 days. Four, high.
        let mut model = Model::new();
        model.secret("plain", secret(SecretStorage::PlaintextConfig, None));
        model.secret("param", secret(SecretStorage::ParameterStore, Some(30)));
        model.secret("slow", secret(SecretStorage::SecretsManager, Some(91)));
        model.secret("ok", secret(SecretStorage::SecretsManager, Some(90)));

        let findings = findings_of(&model.doc, "DATA-4");

        assert_eq!(
            places(&findings),
            [["plain"], ["plain"], ["param"], ["slow"]]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(
            findings[0].title,
            "Secret plain is kept in plain-text configuration, not in Secrets Manager"
        );
        assert_eq!(findings[1].title, "Secret plain is never rotated");
    }

    #[test]
    fn data4_passes_managed_rotated_secret() {
        let mut model = Model::new();
        model.secret("ok", secret(SecretStorage::SecretsManager, Some(30)));

        assert!(findings_of(&model.doc, "DATA-4").is_empty());
        assert_eq!(state(&model.doc, "DATA-4", &[]), ItemState::Pass);
    }

    #[test]
    fn data4_not_applicable_without_secrets() {
        let mut model = Model::new();
        model.key("key", key(false));

        assert_eq!(state(&model.doc, "DATA-4", &[]), ItemState::NotApplicable);
    }

    fn service(model: &mut Model, id: &str, signed_image: bool, immutable: bool) {
        model.node(
            id,
            NodeKind::Service(Service {
                public: false,
                signed_image,
                immutable,
            }),
        );
    }

    #[test]
    fn data5_fails_each_missing_control() {
        // bare lacks both (two findings), signed lacks immutable, fixed lacks a signature,
        // good has both. Four findings, medium.
        let mut model = Model::new();
        service(&mut model, "bare", false, false);
        service(&mut model, "signed", true, false);
        service(&mut model, "fixed", false, true);
        service(&mut model, "good", true, true);

        let findings = findings_of(&model.doc, "DATA-5");

        assert_eq!(
            places(&findings),
            [["bare"], ["bare"], ["signed"], ["fixed"]]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::Medium));
        assert_eq!(
            findings[2].title,
            "Service signed is changed in place, not replaced"
        );
        assert_eq!(
            findings[3].title,
            "Service fixed runs images that are not signed"
        );
    }

    #[test]
    fn data5_passes_signed_immutable_service() {
        let mut model = Model::new();
        service(&mut model, "good", true, true);

        assert!(findings_of(&model.doc, "DATA-5").is_empty());
        assert_eq!(state(&model.doc, "DATA-5", &[]), ItemState::Pass);
    }

    #[test]
    fn data5_not_applicable_without_services() {
        let mut model = Model::new();
        model.gateway("gw", Gateway::default());

        assert_eq!(state(&model.doc, "DATA-5", &[]), ItemState::NotApplicable);
    }

    fn grant(model: &mut Model, id: &str, from: &str, to: &str, actions: &[Action]) {
        let grant = Grant {
            actions: actions.to_vec(),
        };
        model.edge(id, from, to, EdgeKind::Grants(grant));
    }

    fn bound(model: &mut Model, id: &str) {
        if let NodeKind::Identity(identity) = &mut model.identity(id, IdentitySort::IamRole).kind {
            identity.boundary = Some(vec![BoundaryRule {
                actions: vec![Action::Read],
                targets: vec!["*".into()],
            }]);
        }
    }

    #[test]
    fn data6_fails_excess_privilege() {
        // g-star: on *. g-zone-admin: admin on the vpc zone. g-zone-read (read on the zone)
        // and g-glob (admin on a glob) are fine. api runs as exec-role without a boundary;
        // pod runs as sa, associated with irsa-role without a boundary; capped runs as
        // bounded. ops-role runs no service. Four findings, high.
        let mut model = Model::new();
        model.zone("vpc", ZoneSort::Vpc);
        model.identity("ops-role", IdentitySort::IamRole);
        model.identity("exec-role", IdentitySort::IamRole);
        model.identity("sa", IdentitySort::ServiceAccount);
        model.identity("irsa-role", IdentitySort::IamRole);
        bound(&mut model, "bounded");
        model.service("api");
        model.service("pod");
        model.service("capped");
        grant(&mut model, "g-star", "ops-role", "*", &[Action::Read]);
        grant(
            &mut model,
            "g-zone-admin",
            "ops-role",
            "vpc",
            &[Action::Admin],
        );
        grant(
            &mut model,
            "g-zone-read",
            "ops-role",
            "vpc",
            &[Action::Read],
        );
        grant(&mut model, "g-glob", "ops-role", "pay-*", &[Action::Admin]);
        model.edge("api-as", "api", "exec-role", EdgeKind::RunsAs);
        model.edge("pod-as", "pod", "sa", EdgeKind::RunsAs);
        model.edge("capped-as", "capped", "bounded", EdgeKind::RunsAs);
        let association = CanAssume {
            association: true,
            ..CanAssume::default()
        };
        model.edge(
            "sa-irsa",
            "sa",
            "irsa-role",
            EdgeKind::CanAssume(association),
        );

        let findings = findings_of(&model.doc, "DATA-6");

        assert_eq!(
            places(&findings),
            [
                vec!["ops-role"],
                vec!["ops-role", "vpc"],
                vec!["exec-role", "api"],
                vec!["irsa-role", "pod"],
            ]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(findings[0].edges, ["g-star"]);
        assert_eq!(findings[1].edges, ["g-zone-admin"]);
        assert_eq!(
            findings[3].title,
            "Execution role irsa-role has no permission boundary"
        );
    }

    #[test]
    fn data6_passes_narrow_grants_and_bounded_roles() {
        let mut model = Model::new();
        model.store("db", DataStore::default());
        bound(&mut model, "bounded");
        model.service("api");
        model.edge("api-as", "api", "bounded", EdgeKind::RunsAs);
        grant(&mut model, "g-db", "bounded", "db", &[Action::Admin]);

        assert!(findings_of(&model.doc, "DATA-6").is_empty());
        assert_eq!(state(&model.doc, "DATA-6", &[]), ItemState::Pass);
    }

    #[test]
    fn data6_not_applicable_without_grants_or_execution_roles() {
        // A role that no service runs as, and a service account with no associated role.
        let mut model = Model::new();
        model.identity("ops-role", IdentitySort::IamRole);
        model.identity("sa", IdentitySort::ServiceAccount);
        model.service("pod");
        model.edge("pod-as", "pod", "sa", EdgeKind::RunsAs);

        assert_eq!(state(&model.doc, "DATA-6", &[]), ItemState::NotApplicable);
    }

    fn cde(model: &mut Model, id: &str) {
        model.node(
            id,
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: true,
                cde: true,
            }),
        );
    }

    fn carrying(class: DataClass) -> Flow {
        Flow {
            data_classes: vec![class],
            ..good_flow()
        }
    }

    #[test]
    fn data7_fails_cardholder_data_outside_cde() {
        // vault holds cardholder data inside the CDE. reports holds it outside. api is
        // outside and exchanges it with the customer (external, excluded) and with vault.
        // logger handles none. Two findings, high.
        let mut model = Model::new();
        cde(&mut model, "cde");
        model.store("vault", DataStore::default()).data_classes = vec![DataClass::Cardholder];
        model.within("vault", "cde");
        model.store("reports", DataStore::default()).data_classes = vec![DataClass::Cardholder];
        model.service("api");
        model.external("customer", ExternalSort::Customer);
        model.service("logger");
        model.flow(
            "customer-api",
            "customer",
            "api",
            carrying(DataClass::Cardholder),
        );
        model.flow("api-vault", "api", "vault", carrying(DataClass::Cardholder));
        model.flow("api-logger", "api", "logger", carrying(DataClass::Internal));

        let findings = findings_of(&model.doc, "DATA-7");

        assert_eq!(places(&findings), [["reports"], ["api"]]);
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert!(findings[0].edges.is_empty());
        assert_eq!(findings[1].edges, ["customer-api", "api-vault"]);
        assert_eq!(
            findings[1].title,
            "api exchanges cardholder data outside the cardholder data environment"
        );
    }

    #[test]
    fn data7_passes_cardholder_data_in_scope() {
        let mut model = Model::new();
        cde(&mut model, "cde");
        model.service("api");
        model.store("vault", DataStore::default()).data_classes = vec![DataClass::Cardholder];
        model.within("api", "cde");
        model.within("vault", "cde");
        model.flow("api-vault", "api", "vault", carrying(DataClass::Cardholder));

        assert!(findings_of(&model.doc, "DATA-7").is_empty());
        assert_eq!(state(&model.doc, "DATA-7", &[]), ItemState::Pass);
    }

    #[test]
    fn data7_not_applicable_without_cde() {
        // Cardholder data with no CDE marked: no findings.
        let mut model = Model::new();
        model.store("vault", DataStore::default()).data_classes = vec![DataClass::Cardholder];

        assert!(findings_of(&model.doc, "DATA-7").is_empty());
        assert_eq!(state(&model.doc, "DATA-7", &[]), ItemState::NotApplicable);
    }
}
