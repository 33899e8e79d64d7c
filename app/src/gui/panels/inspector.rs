//! The inspector: every attribute of the selected node, zone or edge, or of the model when
//! nothing is selected, each edited with the widget that fits it.
//!
//! Each change is one edit, so one undo step: a checkbox or a choice applies at once, and
//! a text field applies when it loses focus or Enter is pressed.

use std::mem::discriminant;

use egui::{RichText, Ui};
use trustmap_model::document::{
    Action, Authentication, Authorization, BoundaryRule, CanAssume, CedarCheck, CloudTrailLake,
    CredentialLifetime, DataClass, Edge, EdgeKind, Encryption, ExternalSort, Flow, IdentitySort,
    KeyRotation, NetworkPath, Node, NodeKind, OriginatingCheck, PortRange, SecretStorage, Tls,
    ZoneSort,
};
use trustmap_model::edit::Edit;
use trustmap_model::graph::Graph;

use crate::gui::app::TrustmapApp;

/// The text field being edited and its text so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InspectorState {
    /// The field's key and the text typed so far.
    pub editing: Option<(String, String)>,
}

/// Draws the inspector.
pub fn show(app: &mut TrustmapApp, ui: &mut Ui) {
    ui.heading("Inspector");
    let selected = (
        app.selection.nodes.len(),
        app.selection.edges.len(),
        app.selection.nodes.first().cloned(),
        app.selection.edges.first().cloned(),
    );
    match selected {
        (1, 0, Some(id), _) => match app.doc.node(&id).cloned() {
            Some(node) => node_inspector(app, ui, node),
            None => model_inspector(app, ui),
        },
        (0, 1, _, Some(id)) => match app.doc.edge(&id).cloned() {
            Some(edge) => edge_inspector(app, ui, edge),
            None => model_inspector(app, ui),
        },
        (0, 0, _, _) => model_inspector(app, ui),
        (nodes, edges, _, _) => {
            ui.label(format!("{nodes} nodes and zones, {edges} edges selected."));
            ui.label("Select one item to edit its attributes.");
        }
    }
}

fn model_inspector(app: &mut TrustmapApp, ui: &mut Ui) {
    ui.label(RichText::new("Model").strong());
    let name = app.doc.name.clone();
    if let Some(name) = text_row(app, ui, "model.name", "Name", &name) {
        app.apply(Edit::SetName { name });
    }
    let description = app.doc.description.clone();
    if let Some(description) = text_area(app, ui, "model.description", "Description", &description)
    {
        app.apply(Edit::SetDescription { description });
    }
}

fn node_inspector(app: &mut TrustmapApp, ui: &mut Ui, original: Node) {
    let title = if original.is_zone() { "Zone" } else { "Node" };
    ui.label(RichText::new(format!("{title}: {}", original.kind.name())).strong());
    let key = |field: &str| format!("node.{}.{field}", original.id);

    if let Some(to) = text_row(app, ui, &key("id"), "Id", &original.id) {
        let from = original.id.clone();
        if app.apply(Edit::RenameId {
            from,
            to: to.clone(),
        }) {
            app.selection.only_node(&to);
        }
        return;
    }
    parent_row(app, ui, &original);

    let mut node = original.clone();
    let mut changed = false;
    if let Some(label) = text_row(app, ui, &key("label"), "Label", &node.label) {
        node.label = label;
        changed = true;
    }
    if let Some(technology) = text_row(app, ui, &key("technology"), "Technology", &node.technology)
    {
        node.technology = technology;
        changed = true;
    }

    ui.separator();
    changed |= kind_attributes(app, ui, &original.id, &mut node.kind);
    ui.separator();

    if !node.is_zone() {
        ui.label("Data held");
        changed |= data_classes(ui, &mut node.data_classes);
        changed |= ui
            .checkbox(&mut node.critical, "Critical (a crown jewel)")
            .changed();
    }
    let tags = node.tags.join(", ");
    if let Some(tags) = text_row(app, ui, &key("tags"), "Tags", &tags) {
        node.tags = split_list(&tags);
        changed = true;
    }
    if let Some(note) = text_area(app, ui, &key("note"), "Note", &node.note) {
        node.note = note;
        changed = true;
    }

    if changed && node != original {
        app.apply(Edit::ReplaceNode {
            id: original.id.clone(),
            node,
        });
    }
}

fn parent_row(app: &mut TrustmapApp, ui: &mut Ui, node: &Node) {
    let graph = Graph::new(&app.doc);
    let own = graph.ix(&node.id);
    let inside: Vec<usize> = own.map(|ix| graph.descendants(ix)).unwrap_or_default();
    let zones: Vec<(String, String)> = app
        .doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(ix, zone)| zone.is_zone() && Some(*ix) != own && !inside.contains(ix))
        .map(|(_, zone)| (zone.id.clone(), zone.label.clone()))
        .collect();
    let current = node.parent.clone();
    let shown = current
        .as_ref()
        .and_then(|id| zones.iter().find(|(known, _)| known == id))
        .map_or("(top level)".to_owned(), |(_, label)| label.clone());

    let mut picked = None;
    egui::ComboBox::from_label("Inside zone")
        .selected_text(crate::gui::text::display(&shown))
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(current.is_none(), "(top level)")
                .clicked()
            {
                picked = Some(None);
            }
            for (id, label) in &zones {
                let text = format!("{} ({id})", crate::gui::text::display(label));
                if ui
                    .selectable_label(current.as_ref() == Some(id), text)
                    .clicked()
                {
                    picked = Some(Some(id.clone()));
                }
            }
        });
    if let Some(parent) = picked
        && parent != current
    {
        app.apply(Edit::SetParent {
            id: node.id.clone(),
            parent,
        });
    }
}

/// Draws the attributes of a node's kind. Returns whether one changed.
fn kind_attributes(app: &mut TrustmapApp, ui: &mut Ui, id: &str, kind: &mut NodeKind) -> bool {
    let mut changed = false;
    match kind {
        NodeKind::External(external) => {
            changed |= choice(
                ui,
                "Sort",
                &mut external.sort,
                &[
                    (ExternalSort::Internet, "Internet"),
                    (ExternalSort::Customer, "Customer"),
                    (ExternalSort::WorkforceUser { mfa: false }, "Workforce user"),
                    (ExternalSort::WorkforceGroup, "Workforce group"),
                    (ExternalSort::Partner, "Partner"),
                ],
            );
            if let ExternalSort::WorkforceUser { mfa } = &mut external.sort {
                changed |= ui.checkbox(mfa, "Signs in with MFA").changed();
            }
        }
        NodeKind::Gateway(gateway) => {
            changed |= ui
                .checkbox(&mut gateway.public, "Public endpoint")
                .changed();
            changed |= ui
                .checkbox(&mut gateway.waf, "Web application firewall")
                .changed();
            changed |= ui
                .checkbox(&mut gateway.request_signing, "Requires signed requests")
                .changed();
            changed |= ui
                .checkbox(
                    &mut gateway.identity_aware,
                    "Identity-aware (checks user and device)",
                )
                .changed();
        }
        NodeKind::Service(service) => {
            changed |= ui
                .checkbox(&mut service.public, "Public endpoint")
                .changed();
            changed |= ui
                .checkbox(&mut service.signed_image, "Runs only signed images")
                .changed();
            changed |= ui
                .checkbox(
                    &mut service.immutable,
                    "Immutable (replaced, never patched)",
                )
                .changed();
        }
        NodeKind::DataStore(store) => {
            changed |= ui.checkbox(&mut store.public, "Public endpoint").changed();
            changed |= choice(
                ui,
                "Encryption at rest",
                &mut store.encryption,
                &[
                    (Encryption::None, "None"),
                    (Encryption::ProviderManaged, "Provider-managed key"),
                    (Encryption::CustomerManaged, "Customer-managed key"),
                ],
            );
            changed |= ui
                .checkbox(
                    &mut store.read_needs_decrypt,
                    "Reading needs decrypt on its key",
                )
                .changed();
        }
        NodeKind::Secret(secret) => {
            changed |= choice(
                ui,
                "Storage",
                &mut secret.storage,
                &[
                    (SecretStorage::SecretsManager, "Secrets Manager"),
                    (SecretStorage::ParameterStore, "Parameter Store"),
                    (
                        SecretStorage::PlaintextConfig,
                        "Plain text in configuration",
                    ),
                ],
            );
            changed |= optional_days(ui, "Rotates", "Rotation period", &mut secret.rotation_days);
        }
        NodeKind::Key(key) => {
            changed |= ui
                .checkbox(&mut key.cloudhsm, "In a CloudHSM key store")
                .changed();
            changed |= choice(
                ui,
                "Rotation",
                &mut key.rotation,
                &[
                    (KeyRotation::None, "None"),
                    (KeyRotation::Automatic, "Automatic"),
                    (KeyRotation::Manual { days: 365 }, "Manual"),
                ],
            );
            if let KeyRotation::Manual { days } = &mut key.rotation {
                changed |= days_value(ui, "Rotation period", days);
            }
        }
        NodeKind::Identity(identity) => {
            changed |= choice(
                ui,
                "Sort",
                &mut identity.sort,
                &[
                    (IdentitySort::IamRole, "IAM role"),
                    (IdentitySort::IamUser, "IAM user"),
                    (IdentitySort::ServiceAccount, "Service account"),
                    (IdentitySort::SpiffeId, "SPIFFE ID"),
                    (IdentitySort::Group, "Group"),
                    (
                        IdentitySort::IdentityProvider {
                            enforces_mfa: false,
                        },
                        "Identity provider",
                    ),
                ],
            );
            if let IdentitySort::IdentityProvider { enforces_mfa } = &mut identity.sort {
                changed |= ui.checkbox(enforces_mfa, "Enforces MFA").changed();
            }
            changed |= choice(
                ui,
                "Credentials",
                &mut identity.credentials,
                &[
                    (CredentialLifetime::ShortLived, "Short-lived"),
                    (CredentialLifetime::LongLived, "Long-lived"),
                ],
            );
            changed |= boundary(app, ui, id, &mut identity.boundary);
        }
        NodeKind::Zone(zone) => {
            changed |= choice(
                ui,
                "Sort",
                &mut zone.sort,
                &[
                    (ZoneSort::Account(Default::default()), "Account"),
                    (ZoneSort::Region, "Region"),
                    (ZoneSort::Vpc, "VPC"),
                    (ZoneSort::Subnet { public: false }, "Subnet"),
                    (ZoneSort::EksCluster, "EKS cluster"),
                    (ZoneSort::Namespace, "Namespace"),
                ],
            );
            changed |= ui
                .checkbox(
                    &mut zone.default_deny,
                    "Default deny (only drawn flows pass)",
                )
                .changed();
            changed |= ui
                .checkbox(&mut zone.cde, "Cardholder data environment")
                .changed();
            match &mut zone.sort {
                ZoneSort::Subnet { public } => {
                    changed |= ui
                        .checkbox(public, "Routes to an Internet gateway")
                        .changed();
                }
                ZoneSort::Account(account) => {
                    changed |= ui
                        .checkbox(&mut account.management, "Management account")
                        .changed();
                    changed |= ui.checkbox(&mut account.guardduty, "GuardDuty").changed();
                    changed |= ui
                        .checkbox(&mut account.security_hub, "Security Hub")
                        .changed();
                    changed |= ui.checkbox(&mut account.inspector, "Inspector").changed();
                    changed |= ui.checkbox(&mut account.config, "AWS Config").changed();
                    changed |= ui
                        .checkbox(&mut account.remediation, "Automatic remediation")
                        .changed();
                    changed |= ui.checkbox(&mut account.cloudtrail, "CloudTrail").changed();
                    changed |= choice(
                        ui,
                        "CloudTrail Lake",
                        &mut account.cloudtrail_lake,
                        &[
                            (CloudTrailLake::None, "None"),
                            (CloudTrailLake::Own, "Own event data store"),
                            (
                                CloudTrailLake::Organization,
                                "Organization's event data store",
                            ),
                        ],
                    );
                    let scps = account.scps.join(", ");
                    if let Some(scps) =
                        text_row(app, ui, &format!("node.{id}.scps"), "Guardrail SCPs", &scps)
                    {
                        account.scps = split_list(&scps);
                        changed = true;
                    }
                }
                _ => {}
            }
        }
    }
    changed
}

fn boundary(
    app: &mut TrustmapApp,
    ui: &mut Ui,
    id: &str,
    boundary: &mut Option<Vec<BoundaryRule>>,
) -> bool {
    let mut changed = false;
    let mut has = boundary.is_some();
    if ui.checkbox(&mut has, "Permission boundary").changed() {
        *boundary = has.then(Vec::new);
        return true;
    }
    let Some(rules) = boundary else {
        return false;
    };
    let mut remove = None;
    for (index, rule) in rules.iter_mut().enumerate() {
        ui.group(|ui| {
            ui.label(format!("Rule {}", index + 1));
            changed |= actions(ui, &mut rule.actions);
            let targets = rule.targets.join(", ");
            let key = format!("node.{id}.boundary.{index}");
            if let Some(targets) = text_row(app, ui, &key, "Targets", &targets) {
                rule.targets = split_list(&targets);
                changed = true;
            }
            if ui.button(format!("Remove rule {}", index + 1)).clicked() {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        rules.remove(index);
        changed = true;
    }
    if ui.button("Add a boundary rule").clicked() {
        rules.push(BoundaryRule {
            actions: vec![Action::Read],
            targets: vec!["*".to_owned()],
        });
        changed = true;
    }
    changed
}

fn edge_inspector(app: &mut TrustmapApp, ui: &mut Ui, original: Edge) {
    ui.label(RichText::new(format!("Edge: {}", original.kind.name())).strong());
    let key = |field: &str| format!("edge.{}.{field}", original.id);

    if let Some(to) = text_row(app, ui, &key("id"), "Id", &original.id) {
        if app.apply(Edit::RenameId {
            from: original.id.clone(),
            to: to.clone(),
        }) {
            app.selection.only_edge(&to);
        }
        return;
    }

    let mut edge = original.clone();
    let nodes: Vec<(String, String)> = app
        .doc
        .nodes
        .iter()
        .filter(|node| !node.is_zone())
        .map(|node| (node.id.clone(), node.label.clone()))
        .collect();
    let mut changed = end_choice(ui, "From", &mut edge.from, &nodes);
    changed |= end_choice(ui, "To", &mut edge.to, &nodes);
    ui.separator();

    let stores: Vec<String> = app
        .doc
        .policy_stores
        .iter()
        .map(|store| store.id.clone())
        .collect();
    match &mut edge.kind {
        EdgeKind::Flow(flow) => changed |= flow_attributes(app, ui, &original.id, flow, &stores),
        EdgeKind::CanAssume(assume) => changed |= can_assume(app, ui, &original.id, assume),
        EdgeKind::Grants(grant) => {
            ui.label("Actions granted");
            changed |= actions(ui, &mut grant.actions);
        }
        EdgeKind::MemberOf | EdgeKind::RunsAs | EdgeKind::Unlocks | EdgeKind::EncryptedBy => {
            ui.label("This kind of edge has no attributes.");
        }
    }

    if changed && edge != original {
        app.apply(Edit::ReplaceEdge {
            id: original.id.clone(),
            edge,
        });
    }
}

fn flow_attributes(
    app: &mut TrustmapApp,
    ui: &mut Ui,
    id: &str,
    flow: &mut Flow,
    stores: &[String],
) -> bool {
    let key = |field: &str| format!("edge.{id}.{field}");
    let mut changed = false;

    if let Some(protocol) = text_row(app, ui, &key("protocol"), "Protocol", &flow.protocol) {
        flow.protocol = protocol;
        changed = true;
    }
    let ports = flow.ports.map(format_ports).unwrap_or_default();
    if let Some(ports) = text_row(app, ui, &key("ports"), "Ports", &ports) {
        match parse_ports(&ports) {
            Ok(parsed) => {
                flow.ports = parsed;
                changed = true;
            }
            Err(message) => app.edit_error = Some(message),
        }
    }
    let range = flow.source_range.clone().unwrap_or_default();
    if let Some(range) = text_row(app, ui, &key("source"), "Source range (CIDR)", &range) {
        let range = range.trim().to_owned();
        flow.source_range = (!range.is_empty()).then_some(range);
        changed = true;
    }
    changed |= choice(
        ui,
        "Network",
        &mut flow.network,
        &[
            (NetworkPath::Public, "Public Internet"),
            (NetworkPath::Private, "Private network"),
            (NetworkPath::PrivateLink, "PrivateLink"),
            (NetworkPath::VpcLattice, "VPC Lattice"),
        ],
    );
    changed |= choice(
        ui,
        "TLS",
        &mut flow.tls,
        &[
            (Tls::None, "None"),
            (Tls::V1_2, "TLS 1.2"),
            (Tls::V1_3, "TLS 1.3"),
        ],
    );
    changed |= ui.checkbox(&mut flow.logged, "Logged").changed();
    changed |= choice(
        ui,
        "Authentication",
        &mut flow.authentication,
        &[
            (Authentication::Unknown, "Unknown"),
            (Authentication::None, "None"),
            (Authentication::ApiKey, "API key"),
            (Authentication::ManagedSecret, "Managed secret"),
            (Authentication::Session, "Session"),
            (Authentication::UserJwt, "User JWT"),
            (Authentication::WorkloadJwt, "Workload JWT"),
            (Authentication::SigV4, "SigV4"),
            (Authentication::Mtls, "mTLS"),
        ],
    );
    if flow.authentication == Authentication::Mtls && flow.tls == Tls::None {
        // The review takes both fields as drawn, so a flow marked mTLS over no TLS still
        // fails the TLS checks. The warning sits where the two are set.
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "mTLS runs over TLS: set the TLS version too, or the review reports no TLS.",
        );
    }
    let first_store = stores.first().cloned().unwrap_or_default();
    let cedar = CedarCheck {
        store: first_store.clone(),
        action: String::new(),
    };
    let mut authorizations = vec![
        (Authorization::Unknown, "Unknown"),
        (Authorization::None, "None"),
        (Authorization::IamPolicy, "IAM policy"),
        (Authorization::LatticeAuthPolicy, "Lattice auth policy"),
        (Authorization::KubernetesRbac, "Kubernetes RBAC"),
        (Authorization::Custom, "Custom code"),
    ];
    if !stores.is_empty() {
        authorizations.push((Authorization::Cedar(cedar.clone()), "Cedar policy store"));
    }
    changed |= choice(
        ui,
        "Authorization",
        &mut flow.authorization,
        &authorizations,
    );
    if let Authorization::Cedar(check) = &mut flow.authorization {
        changed |= cedar_check(app, ui, &key("cedar"), check, stores);
    }

    let mut originating = vec![
        (OriginatingCheck::None, "Not checked"),
        (OriginatingCheck::Authenticated, "Authenticated"),
        (OriginatingCheck::Authorized { cedar: None }, "Authorized"),
    ];
    if !stores.is_empty() {
        originating.push((
            OriginatingCheck::Authorized { cedar: Some(cedar) },
            "Authorized by Cedar",
        ));
    }
    changed |= originating_choice(ui, &mut flow.originating, &originating);
    if let OriginatingCheck::Authorized { cedar: Some(check) } = &mut flow.originating {
        changed |= cedar_check(app, ui, &key("originating-cedar"), check, stores);
    }

    ui.label("Data exchanged");
    changed |= data_classes(ui, &mut flow.data_classes);
    changed
}

/// Chooses how the originating caller is checked. The two authorized options differ in
/// whether a Cedar store decides, which a plain discriminant cannot tell apart.
fn originating_choice(
    ui: &mut Ui,
    current: &mut OriginatingCheck,
    options: &[(OriginatingCheck, &str)],
) -> bool {
    let same = |a: &OriginatingCheck, b: &OriginatingCheck| match (a, b) {
        (OriginatingCheck::Authorized { cedar: x }, OriginatingCheck::Authorized { cedar: y }) => {
            x.is_some() == y.is_some()
        }
        _ => discriminant(a) == discriminant(b),
    };
    let shown = options
        .iter()
        .find(|(option, _)| same(option, current))
        .map_or("", |(_, name)| *name);
    let mut changed = false;
    egui::ComboBox::from_label("End user check")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (option, name) in options {
                if ui.selectable_label(same(option, current), *name).clicked()
                    && !same(option, current)
                {
                    *current = option.clone();
                    changed = true;
                }
            }
        });
    changed
}

fn cedar_check(
    app: &mut TrustmapApp,
    ui: &mut Ui,
    key: &str,
    check: &mut CedarCheck,
    stores: &[String],
) -> bool {
    let mut changed = false;
    egui::ComboBox::from_label("Policy store")
        .selected_text(check.store.as_str())
        .show_ui(ui, |ui| {
            for store in stores {
                if ui.selectable_label(check.store == *store, store).clicked()
                    && check.store != *store
                {
                    check.store = store.clone();
                    changed = true;
                }
            }
        });
    if let Some(action) = text_row(app, ui, key, "Cedar action", &check.action) {
        check.action = action;
        changed = true;
    }
    changed
}

fn can_assume(app: &mut TrustmapApp, ui: &mut Ui, id: &str, assume: &mut CanAssume) -> bool {
    let mut changed = ui
        .checkbox(&mut assume.mfa_required, "Trust policy requires MFA")
        .changed();
    changed |= ui
        .checkbox(
            &mut assume.external_id,
            "Trust policy requires an external id",
        )
        .changed();
    changed |= ui
        .checkbox(
            &mut assume.association,
            "Association (IRSA, Pod Identity, instance profile)",
        )
        .changed();
    if let Some(technique) = text_row(
        app,
        ui,
        &format!("edge.{id}.technique"),
        "Technique",
        &assume.technique,
    ) {
        assume.technique = technique;
        changed = true;
    }
    changed
}

fn end_choice(ui: &mut Ui, label: &str, end: &mut String, nodes: &[(String, String)]) -> bool {
    let mut changed = false;
    egui::ComboBox::from_label(label)
        .selected_text(end.as_str())
        .show_ui(ui, |ui| {
            for (id, node_label) in nodes {
                let text = format!("{} ({id})", crate::gui::text::display(node_label));
                if ui.selectable_label(end == id, text).clicked() && end != id {
                    end.clone_from(id);
                    changed = true;
                }
            }
        });
    changed
}

/// Draws a combo box over the options; variants with data count as the same option when
/// their variant matches. Returns whether the choice changed.
fn choice<T: Clone>(ui: &mut Ui, label: &str, current: &mut T, options: &[(T, &str)]) -> bool {
    let shown = options
        .iter()
        .find(|(option, _)| discriminant(option) == discriminant(current))
        .map_or("", |(_, name)| *name);
    let mut changed = false;
    egui::ComboBox::from_label(label)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (option, name) in options {
                let same = discriminant(option) == discriminant(current);
                if ui.selectable_label(same, *name).clicked() && !same {
                    *current = option.clone();
                    changed = true;
                }
            }
        });
    changed
}

fn data_classes(ui: &mut Ui, classes: &mut Vec<DataClass>) -> bool {
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        for class in DataClass::ALL {
            let mut held = classes.contains(&class);
            if ui.checkbox(&mut held, class.name()).changed() {
                if held {
                    classes.push(class);
                    classes.sort();
                } else {
                    classes.retain(|known| *known != class);
                }
                changed = true;
            }
        }
    });
    changed
}

fn actions(ui: &mut Ui, actions: &mut Vec<Action>) -> bool {
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        for action in Action::ALL {
            let mut granted = actions.contains(&action);
            if ui.checkbox(&mut granted, action.name()).changed() {
                if granted {
                    actions.push(action);
                    actions.sort();
                } else {
                    actions.retain(|known| *known != action);
                }
                changed = true;
            }
        }
    });
    changed
}

fn optional_days(ui: &mut Ui, toggle: &str, label: &str, days: &mut Option<u32>) -> bool {
    let mut on = days.is_some();
    let mut changed = false;
    if ui.checkbox(&mut on, toggle).changed() {
        *days = on.then_some(90);
        changed = true;
    }
    if let Some(value) = days {
        changed |= days_value(ui, label, value);
    }
    changed
}

/// Draws a whole number of days from 1 to 3,650 and returns whether it changed. The value
/// applies when the drag or typing ends, so one change is one undo step.
fn days_value(ui: &mut Ui, label: &str, days: &mut u32) -> bool {
    ui.horizontal(|ui| {
        let name = ui.label(label);
        let response = ui
            .add(egui::DragValue::new(days).range(1..=3650).suffix(" days"))
            .labelled_by(name.id);
        response.drag_stopped()
            || response.lost_focus()
            || (response.changed() && !response.dragged() && !response.has_focus())
    })
    .inner
}

/// Draws a one-line text field. Returns the new text once editing ends with a change.
fn text_row(
    app: &mut TrustmapApp,
    ui: &mut Ui,
    key: &str,
    label: &str,
    value: &str,
) -> Option<String> {
    text_field(app, ui, key, label, value, false)
}

/// Draws a multi-line text field. Returns the new text once editing ends with a change.
fn text_area(
    app: &mut TrustmapApp,
    ui: &mut Ui,
    key: &str,
    label: &str,
    value: &str,
) -> Option<String> {
    text_field(app, ui, key, label, value, true)
}

fn text_field(
    app: &mut TrustmapApp,
    ui: &mut Ui,
    key: &str,
    label: &str,
    value: &str,
    multiline: bool,
) -> Option<String> {
    let state = &mut app.panels.inspector;
    let mut text = match state.editing.take() {
        Some((editing, text)) if editing == key => text,
        other => {
            state.editing = other;
            value.to_owned()
        }
    };

    let response = ui
        .horizontal(|ui| {
            let name = ui.label(label);
            let edit = if multiline {
                egui::TextEdit::multiline(&mut text).desired_rows(3)
            } else {
                egui::TextEdit::singleline(&mut text)
            };
            ui.add(edit.id_salt(key).desired_width(ui.available_width()))
                .labelled_by(name.id)
        })
        .inner;

    if response.has_focus() {
        app.panels.inspector.editing = Some((key.to_owned(), text));
        return None;
    }
    (response.lost_focus() && text != value).then_some(text)
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn format_ports(ports: PortRange) -> String {
    if ports.first == ports.last {
        ports.first.to_string()
    } else {
        format!("{}-{}", ports.first, ports.last)
    }
}

/// Parses `443` or `8000-8100`; an empty text clears the ports.
fn parse_ports(text: &str) -> Result<Option<PortRange>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let port = |part: &str| {
        part.trim()
            .parse::<u16>()
            .ok()
            .filter(|port| *port > 0)
            .ok_or_else(|| format!("invalid port {part:?}: expected a number from 1 to 65535"))
    };
    let range = match text.split_once('-') {
        Some((first, last)) => PortRange {
            first: port(first)?,
            last: port(last)?,
        },
        None => PortRange::single(port(text)?),
    };
    if range.last < range.first {
        return Err(format!(
            "invalid port range {text:?}: the last port is below the first"
        ));
    }
    Ok(Some(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_single_and_range() {
        assert_eq!(parse_ports("443"), Ok(Some(PortRange::single(443))));
        assert_eq!(
            parse_ports(" 8000 - 8100 "),
            Ok(Some(PortRange {
                first: 8000,
                last: 8100
            }))
        );
        assert_eq!(parse_ports(""), Ok(None));
    }

    #[test]
    fn ports_reject_invalid_text() {
        assert!(parse_ports("0").is_err());
        assert!(parse_ports("70000").is_err());
        assert!(parse_ports("https").is_err());
        assert!(parse_ports("9000-8000").is_err());
    }

    #[test]
    fn lists_split_on_commas() {
        assert_eq!(split_list(" pci, , prod ,"), vec!["pci", "prod"]);
    }
}
