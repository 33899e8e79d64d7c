//! Edits on a model loaded from a file, without any window: each edit then its inverse
//! restores the document exactly, failed edits change nothing, and the history undoes and
//! redoes whole user actions.

use trustmap_model::document::*;
use trustmap_model::edit::{Edit, EditError, History};
use trustmap_model::load::{load_str, to_ron, validate};

/// A payments model: an account with a VPC, a gateway and API in the VPC, the API's role,
/// a database with its key and a secret, and a Cedar store on the API flow.
const MODEL: &str = r#"#![enable(implicit_some, unwrap_variant_newtypes)]
(
    format: 1,
    name: "Payments",
    nodes: [
        (id: "acct", label: "Account", kind: Zone(sort: Account())),
        (id: "vpc", label: "VPC", kind: Zone(sort: Vpc, default_deny: true), parent: "acct"),
        (id: "internet", label: "Internet", kind: External(sort: Internet)),
        (id: "gw", label: "Gateway", kind: Gateway(public: true), parent: "vpc",
            position: (x: 0.1, y: 10.0)),
        (id: "api", label: "Payments API", kind: Service(), parent: "vpc",
            position: (x: 200.7, y: 10.0)),
        (id: "api-role", label: "API role", kind: Identity(sort: IamRole), parent: "acct"),
        (id: "db", label: "Ledger", kind: DataStore(encryption: CustomerManaged),
            parent: "vpc", data_classes: [Cardholder]),
        (id: "key", label: "Ledger key", kind: Key(rotation: Automatic), parent: "acct"),
        (id: "db-secret", label: "DB password", kind: Secret(storage: SecretsManager,
            rotation_days: 30)),
    ],
    edges: [
        (id: "in", from: "internet", to: "gw", kind: Flow(protocol: "HTTPS", tls: V1_3)),
        (id: "gw-api", from: "gw", to: "api", kind: Flow(authorization: Cedar(store: "pay",
            action: "Pay"))),
        (id: "api-db", from: "api", to: "db", kind: Flow(protocol: "PostgreSQL")),
        (id: "runs", from: "api", to: "api-role", kind: RunsAs),
        (id: "read", from: "api-role", to: "db-secret", kind: Grants(actions: [Read])),
        (id: "unlock", from: "db-secret", to: "db", kind: Unlocks),
        (id: "enc", from: "db", to: "key", kind: EncryptedBy),
    ],
    policy_stores: [
        (id: "pay", policies: "permit(principal, action, resource);", links: [
            (template: "t", id: "l", principal: "api-role", resource: "db"),
        ]),
    ],
)
"#;

fn model() -> Document {
    load_str(MODEL, "payments.trustmap.ron").expect("the test model loads")
}

/// Applies an edit, checks the result is still a valid model, then applies the inverse and
/// checks the document is exactly the original. Returns the edited document.
fn round_trip(edit: Edit) -> Document {
    let original = model();
    let mut doc = original.clone();
    let inverse = edit.clone().apply(&mut doc).expect("edit applies");
    let edited = doc.clone();
    assert_ne!(edited, original, "{edit:?} changed nothing");
    assert_eq!(validate(&edited), Vec::new(), "{edit:?}");

    let redo = inverse.apply(&mut doc).expect("inverse applies");
    assert_eq!(doc, original, "{edit:?}");
    // The inverse of the inverse redoes the edit.
    redo.apply(&mut doc).expect("redo applies");
    assert_eq!(doc, edited, "{edit:?}");
    edited
}

#[test]
fn add_node_inverts() {
    let mut node = Node::new("cache", "Cache", NodeKind::DataStore(DataStore::default()));
    node.parent = Some("vpc".into());
    let edited = round_trip(Edit::AddNode { node, index: 2 });
    assert_eq!(edited.nodes[2].id, "cache");
}

#[test]
fn remove_node_inverts() {
    // `api` is at the ends of gw-api, api-db and runs.
    let edited = round_trip(Edit::RemoveNode { id: "api".into() });
    let ids: Vec<_> = edited.edges.iter().map(|edge| edge.id.as_str()).collect();
    assert_eq!(ids, ["in", "read", "unlock", "enc"]);
}

#[test]
fn remove_zone_keeps_contents() {
    // `vpc` contains gw, api and db; they move up to `acct`.
    let edited = round_trip(Edit::RemoveNode { id: "vpc".into() });
    for id in ["gw", "api", "db"] {
        let parent = edited.node(id).and_then(|node| node.parent.as_deref());
        assert_eq!(parent, Some("acct"), "{id}");
    }
}

#[test]
fn move_nodes_inverts() {
    let edited = round_trip(Edit::MoveNodes {
        ids: vec!["acct".into()],
        delta: Point::new(0.3, -7.7),
    });
    // `acct` contains everything except the Internet and the secret.
    assert_eq!(edited.node("internet"), model().node("internet"));
    assert_eq!(edited.node("db-secret"), model().node("db-secret"));
    let gw = edited.node("gw").map(|node| node.position);
    assert_eq!(gw, Some(Point::new(0.1 + 0.3, 10.0 - 7.7)));
}

#[test]
fn set_parent_inverts() {
    round_trip(Edit::SetParent {
        id: "db-secret".into(),
        parent: Some("vpc".into()),
    });
    round_trip(Edit::SetParent {
        id: "gw".into(),
        parent: None,
    });
}

#[test]
fn replace_node_inverts() {
    let mut node = model().node("api").cloned().expect("api");
    node.label = "Payments API v2 <b>&amp;</b>".into();
    node.kind = NodeKind::Service(Service {
        public: false,
        signed_image: true,
        immutable: true,
    });
    node.size = Size::new(300.0, 90.5);
    node.critical = true;
    round_trip(Edit::ReplaceNode {
        id: "api".into(),
        node,
    });
}

#[test]
fn rename_node_and_edge_inverts() {
    let edited = round_trip(Edit::RenameId {
        from: "db".into(),
        to: "ledger".into(),
    });
    assert_eq!(edited.edge("api-db").map(|e| e.to.as_str()), Some("ledger"));
    assert_eq!(
        edited.policy_stores[0].links[0].resource.as_deref(),
        Some("ledger")
    );
    round_trip(Edit::RenameId {
        from: "api-db".into(),
        to: "api-to-ledger".into(),
    });
}

#[test]
fn edge_edits_invert() {
    round_trip(Edit::AddEdge {
        edge: Edge {
            id: "api-key".into(),
            from: "api-role".into(),
            to: "key".into(),
            kind: EdgeKind::Grants(Grant {
                actions: vec![Action::Decrypt],
            }),
        },
        index: 0,
    });
    round_trip(Edit::RemoveEdge { id: "runs".into() });
    let mut edge = model().edge("api-db").cloned().expect("api-db");
    if let EdgeKind::Flow(flow) = &mut edge.kind {
        flow.tls = Tls::V1_2;
        flow.ports = Some(PortRange::single(5432));
        flow.authentication = Authentication::ManagedSecret;
    }
    round_trip(Edit::ReplaceEdge {
        id: "api-db".into(),
        edge,
    });
}

#[test]
fn policy_store_edits_invert() {
    let edited = round_trip(Edit::RenamePolicyStore {
        from: "pay".into(),
        to: "payments".into(),
    });
    let check = match edited.edge("gw-api").map(|edge| &edge.kind) {
        Some(EdgeKind::Flow(flow)) => flow.authorization.cedar().cloned(),
        _ => None,
    };
    assert_eq!(check.map(|check| check.store), Some("payments".to_owned()));

    round_trip(Edit::AddPolicyStore {
        store: PolicyStore {
            id: "audit".into(),
            policies: "forbid(principal, action, resource);".into(),
            ..PolicyStore::default()
        },
        index: 1,
    });
    let mut store = model().policy_stores[0].clone();
    store.links.clear();
    store.schema = Some("entity Service;".into());
    round_trip(Edit::ReplacePolicyStore {
        id: "pay".into(),
        store,
    });
}

#[test]
fn verdict_and_text_edits_invert() {
    round_trip(Edit::SetVerdict {
        item: trustmap_model::review::RULES[0].id.into(),
        verdict: Some(ManualVerdict {
            verdict: Verdict::NotApplicable,
            reviewer: "Ana".into(),
            date: "2026-12-04".into(),
            comment: "No users".into(),
        }),
    });
    round_trip(Edit::SetName {
        name: "Payments v2".into(),
    });
    round_trip(Edit::SetDescription {
        description: "Card payments\n\twith a ledger".into(),
    });
}

#[test]
fn batch_inverts_as_one() {
    // One user action: drop a new service into the VPC and connect it to the API.
    let mut node = Node::new("batch", "Batch job", NodeKind::Service(Service::default()));
    node.parent = Some("vpc".into());
    let edited = round_trip(Edit::Batch(vec![
        Edit::AddNode { node, index: 9 },
        Edit::AddEdge {
            edge: Edge {
                id: "batch-api".into(),
                from: "batch".into(),
                to: "api".into(),
                kind: EdgeKind::Flow(Flow::default()),
            },
            index: 7,
        },
        Edit::MoveNodes {
            ids: vec!["batch".into()],
            delta: Point::new(40.0, 40.0),
        },
    ]));
    assert_eq!(edited.nodes.len(), 10);
    assert_eq!(edited.edges.len(), 8);
}

#[test]
fn rejected_edits_change_nothing() {
    let cases = [
        (
            Edit::ReplaceNode {
                id: "ghost".into(),
                node: Node::new("ghost", "G", NodeKind::Service(Service::default())),
            },
            EditError::UnknownNode("ghost".into()),
        ),
        (
            Edit::RenameId {
                from: "api".into(),
                to: "gw-api".into(),
            },
            EditError::DuplicateId("gw-api".into()),
        ),
        (
            Edit::RenameId {
                from: "api".into(),
                to: "bad id".into(),
            },
            EditError::InvalidId {
                id: "bad id".into(),
                reason: "ids hold only letters, digits and . _ : / @ + = , -, not ' '".into(),
            },
        ),
        (
            Edit::SetParent {
                id: "db".into(),
                parent: Some("api".into()),
            },
            EditError::ParentNotZone {
                id: "db".into(),
                parent: "api".into(),
            },
        ),
        (
            Edit::SetParent {
                id: "acct".into(),
                parent: Some("vpc".into()),
            },
            EditError::ZoneCycle {
                zone: "acct".into(),
                parent: "vpc".into(),
            },
        ),
        (
            Edit::ReplaceNode {
                id: "api".into(),
                node: Node::new("api2", "API", NodeKind::Service(Service::default())),
            },
            EditError::IdMismatch {
                id: "api".into(),
                new: "api2".into(),
            },
        ),
        (
            Edit::RemovePolicyStore { id: "pay".into() },
            EditError::PolicyStoreInUse {
                store: "pay".into(),
                edge: "gw-api".into(),
            },
        ),
        (
            Edit::AddEdge {
                edge: Edge {
                    id: "x".into(),
                    from: "api".into(),
                    to: "nowhere".into(),
                    kind: EdgeKind::Flow(Flow::default()),
                },
                index: 0,
            },
            EditError::UnknownNode("nowhere".into()),
        ),
        (
            Edit::Batch(vec![
                Edit::RemoveNode { id: "gw".into() },
                Edit::RemoveEdge { id: "in".into() },
            ]),
            // Removing `gw` already removed the flow `in` that ends at it.
            EditError::Batch {
                index: 1,
                source: Box::new(EditError::UnknownEdge("in".into())),
            },
        ),
    ];
    for (edit, expected) in cases {
        let mut doc = model();
        assert_eq!(edit.clone().apply(&mut doc), Err(expected), "{edit:?}");
        assert_eq!(doc, model(), "{edit:?}");
    }

    // Changing the API into a data store would leave `runs` starting at a data store.
    let mut doc = model();
    let mut node = model().node("api").cloned().expect("api");
    node.kind = NodeKind::DataStore(DataStore::default());
    let result = Edit::ReplaceNode {
        id: "api".into(),
        node,
    }
    .apply(&mut doc);
    assert_eq!(
        result,
        Err(EditError::Invalid(
            "edge \"runs\": a runs as edge must start at a service, but \"api\" is a data \
             store"
                .into()
        ))
    );
    assert_eq!(doc, model());
}

#[test]
fn history_undo_redo_sequence() {
    let mut doc = model();
    let mut history = History::default();
    let states = [
        Edit::SetName { name: "A".into() },
        Edit::RemoveNode { id: "vpc".into() },
        Edit::MoveNodes {
            ids: vec!["acct".into()],
            delta: Point::new(1.1, 2.2),
        },
    ];
    let mut snapshots = vec![doc.clone()];
    for edit in states {
        history.apply(edit, &mut doc).expect("edit");
        snapshots.push(doc.clone());
    }

    // Undo twice, redo once, undo three times: each step lands on a recorded snapshot.
    for (step, expected) in [
        ("undo", 2),
        ("undo", 1),
        ("redo", 2),
        ("undo", 1),
        ("undo", 0),
    ] {
        let moved = if step == "undo" {
            history.undo(&mut doc)
        } else {
            history.redo(&mut doc)
        };
        assert_eq!(moved, Ok(true), "{step} to {expected}");
        assert_eq!(doc, snapshots[expected], "{step} to {expected}");
    }
    assert!(!history.can_undo());
    assert!(!history.is_modified());
    // The undone document saves to the same bytes as the loaded one.
    assert_eq!(to_ron(&doc), to_ron(&model()));
}
