use proptest::prelude::*;

use super::*;
use crate::document::{
    Account, Action, Authorization, CedarCheck, DataStore, Flow, Grant, Identity, IdentitySort,
    Key, KeyRotation, ManualVerdict, Service, Size, TemplateLink, Verdict, Zone, ZoneSort,
};

fn zone(id: &str, sort: ZoneSort, parent: Option<&str>) -> Node {
    let mut node = Node::new(
        id,
        id,
        NodeKind::Zone(Zone {
            sort,
            default_deny: true,
            cde: false,
        }),
    );
    node.parent = parent.map(str::to_owned);
    node
}

fn node(id: &str, kind: NodeKind, parent: Option<&str>) -> Node {
    let mut node = Node::new(id, id.to_uppercase(), kind);
    node.parent = parent.map(str::to_owned);
    node.position = Point::new(0.1, -3.5);
    node
}

fn edge(id: &str, from: &str, to: &str, kind: EdgeKind) -> Edge {
    Edge {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        kind,
    }
}

/// Builds a small valid model: an account holding a VPC holding a subnet, workloads and their
/// identities, a store with its key, a secret, and a Cedar-checked flow.
fn base() -> Document {
    let mut doc = Document::new("base");
    let role = || {
        NodeKind::Identity(Identity {
            sort: IdentitySort::IamRole,
            credentials: Default::default(),
            boundary: None,
        })
    };
    doc.nodes = vec![
        zone("acct", ZoneSort::Account(Account::default()), None),
        zone("vpc", ZoneSort::Vpc, Some("acct")),
        zone("subnet", ZoneSort::Subnet { public: false }, Some("vpc")),
        node("api", NodeKind::Service(Service::default()), Some("subnet")),
        node("worker", NodeKind::Service(Service::default()), Some("vpc")),
        node("api-role", role(), Some("acct")),
        node(
            "db",
            NodeKind::DataStore(DataStore::default()),
            Some("subnet"),
        ),
        node(
            "db-key",
            NodeKind::Key(Key {
                cloudhsm: false,
                rotation: KeyRotation::Manual { days: 90 },
            }),
            None,
        ),
    ];
    let cedar = Flow {
        authorization: Authorization::Cedar(CedarCheck {
            store: "main".into(),
            action: "Read".into(),
        }),
        ..Flow::default()
    };
    doc.edges = vec![
        edge("api-db", "api", "db", EdgeKind::Flow(cedar)),
        edge("api-runs", "api", "api-role", EdgeKind::RunsAs),
        edge(
            "role-db",
            "api-role",
            "db",
            EdgeKind::Grants(Grant {
                actions: vec![Action::Read],
            }),
        ),
        edge(
            "role-all",
            "api-role",
            "db*",
            EdgeKind::Grants(Grant {
                actions: vec![Action::Read],
            }),
        ),
        edge("db-enc", "db", "db-key", EdgeKind::EncryptedBy),
        edge(
            "worker-api",
            "worker",
            "api",
            EdgeKind::Flow(Flow::default()),
        ),
    ];
    doc.policy_stores = vec![PolicyStore {
        id: "main".into(),
        policies: "permit(principal, action, resource);".into(),
        links: vec![TemplateLink {
            template: "t".into(),
            id: "l1".into(),
            principal: Some("api".into()),
            resource: Some("db".into()),
        }],
        ..PolicyStore::default()
    }];
    doc
}

#[test]
fn base_is_valid() {
    assert_eq!(validate::validate(&base()), Vec::new());
}

#[test]
fn remove_zone_reparents_and_undoes() {
    let mut doc = base();
    let original = doc.clone();

    // Removing `vpc` moves `subnet` and `worker` up to `acct`.
    let inverse = Edit::RemoveNode { id: "vpc".into() }
        .apply(&mut doc)
        .expect("remove vpc");
    assert_eq!(
        doc.node("subnet").and_then(|n| n.parent.as_deref()),
        Some("acct")
    );
    assert_eq!(
        doc.node("worker").and_then(|n| n.parent.as_deref()),
        Some("acct")
    );
    assert!(doc.node("vpc").is_none());
    assert_eq!(validate::validate(&doc), Vec::new());

    inverse.apply(&mut doc).expect("undo");
    assert_eq!(doc, original);
}

#[test]
fn remove_node_drops_edges_and_links() {
    let mut doc = base();
    let original = doc.clone();

    // `db` is at the end of api-db, role-db and db-enc, and the resource of link l1.
    let inverse = Edit::RemoveNode { id: "db".into() }
        .apply(&mut doc)
        .expect("remove db");
    let ids: Vec<_> = doc.edges.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["api-runs", "role-all", "worker-api"]);
    assert!(doc.policy_stores[0].links.is_empty());
    assert_eq!(validate::validate(&doc), Vec::new());

    inverse.apply(&mut doc).expect("undo");
    assert_eq!(doc, original);
}

#[test]
fn move_zone_moves_contents() {
    let mut doc = base();
    let original = doc.clone();

    let delta = Point::new(1000.3, 0.7);
    let inverse = Edit::MoveNodes {
        ids: vec!["vpc".into()],
        delta,
    }
    .apply(&mut doc)
    .expect("move");
    // vpc, subnet, api, worker and db moved; acct, api-role and db-key did not.
    for id in ["vpc", "subnet", "api", "worker", "db"] {
        let before = original.node(id).map(|n| n.position).unwrap_or_default();
        let after = doc.node(id).map(|n| n.position).unwrap_or_default();
        assert_eq!(
            after,
            Point::new(before.x + delta.x, before.y + delta.y),
            "{id}"
        );
    }
    for id in ["acct", "api-role", "db-key"] {
        assert_eq!(doc.node(id), original.node(id), "{id}");
    }

    // The inverse restores the exact floats, which subtracting the delta would not.
    inverse.apply(&mut doc).expect("undo");
    assert_eq!(doc, original);
}

#[test]
fn rename_rewrites_references() {
    let mut doc = base();
    let original = doc.clone();

    let inverse = Edit::RenameId {
        from: "db".into(),
        to: "ledger-db".into(),
    }
    .apply(&mut doc)
    .expect("rename");
    assert_eq!(doc.edge("api-db").map(|e| e.to.as_str()), Some("ledger-db"));
    assert_eq!(
        doc.edge("db-enc").map(|e| e.from.as_str()),
        Some("ledger-db")
    );
    assert_eq!(
        doc.policy_stores[0].links[0].resource.as_deref(),
        Some("ledger-db")
    );
    // The glob `db*` is a pattern, not a reference, and stays as written.
    assert_eq!(doc.edge("role-all").map(|e| e.to.as_str()), Some("db*"));
    assert_eq!(validate::validate(&doc), Vec::new());

    inverse.apply(&mut doc).expect("undo");
    assert_eq!(doc, original);
}

#[test]
fn invalid_edits_leave_document_unchanged() {
    let service = node("new", NodeKind::Service(Service::default()), None);
    let mut in_service = service.clone();
    in_service.parent = Some("api".into());
    let mut bad_label = service.clone();
    bad_label.label = "bell\u{7}".into();
    let cases = [
        (
            Edit::RemoveNode { id: "nope".into() },
            EditError::UnknownNode("nope".into()),
        ),
        (
            Edit::AddNode {
                node: node("api", NodeKind::Service(Service::default()), None),
                index: 0,
            },
            EditError::DuplicateId("api".into()),
        ),
        (
            // Edge ids share the namespace of node ids.
            Edit::AddNode {
                node: node("api-db", NodeKind::Service(Service::default()), None),
                index: 0,
            },
            EditError::DuplicateId("api-db".into()),
        ),
        (
            Edit::AddNode {
                node: in_service,
                index: 0,
            },
            EditError::ParentNotZone {
                id: "new".into(),
                parent: "api".into(),
            },
        ),
        (
            Edit::SetParent {
                id: "acct".into(),
                parent: Some("subnet".into()),
            },
            EditError::ZoneCycle {
                zone: "acct".into(),
                parent: "subnet".into(),
            },
        ),
        (
            Edit::SetParent {
                id: "vpc".into(),
                parent: Some("vpc".into()),
            },
            EditError::ZoneCycle {
                zone: "vpc".into(),
                parent: "vpc".into(),
            },
        ),
        (
            Edit::AddNode {
                node: service.clone(),
                index: 99,
            },
            EditError::IndexOutOfRange { index: 99, len: 8 },
        ),
        (
            Edit::RenameId {
                from: "api".into(),
                to: "worker".into(),
            },
            EditError::DuplicateId("worker".into()),
        ),
        (
            Edit::ReplaceNode {
                id: "vpc".into(),
                node: node("vpc", NodeKind::Service(Service::default()), Some("acct")),
            },
            EditError::ZoneNotEmpty("vpc".into()),
        ),
        (
            Edit::RemovePolicyStore { id: "main".into() },
            EditError::PolicyStoreInUse {
                store: "main".into(),
                edge: "api-db".into(),
            },
        ),
        (
            Edit::SetVerdict {
                item: "NOPE-1".into(),
                verdict: None,
            },
            EditError::UnknownChecklistItem("NOPE-1".into()),
        ),
    ];
    for (edit, expected) in cases {
        let mut doc = base();
        let result = edit.clone().apply(&mut doc);
        assert_eq!(result, Err(expected), "{edit:?}");
        assert_eq!(doc, base(), "{edit:?}");
    }

    let mut doc = base();
    let result = Edit::AddNode {
        node: bad_label,
        index: 0,
    }
    .apply(&mut doc);
    assert!(
        matches!(result, Err(EditError::Invalid(ref m)) if m.contains("U+0007")),
        "{result:?}"
    );
    // A runs-as edge must end at an identity; `db` is a data store.
    let result = Edit::AddEdge {
        edge: edge("x", "api", "db", EdgeKind::RunsAs),
        index: 0,
    }
    .apply(&mut doc);
    assert!(
        matches!(result, Err(EditError::Invalid(ref m)) if m.contains("must end at an identity")),
        "{result:?}"
    );
    assert_eq!(doc, base());
}

#[test]
fn failed_batch_rolls_back() {
    let mut doc = base();
    let batch = Edit::Batch(vec![
        Edit::SetName {
            name: "renamed".into(),
        },
        Edit::RemoveNode { id: "db".into() },
        Edit::RemoveNode { id: "db".into() },
    ]);
    let result = batch.apply(&mut doc);
    assert_eq!(
        result,
        Err(EditError::Batch {
            index: 2,
            source: Box::new(EditError::UnknownNode("db".into()))
        })
    );
    assert_eq!(doc, base());
}

#[test]
fn history_undo_redo_and_saved_state() {
    let mut doc = base();
    let mut history = History::new(2);
    assert!(!history.is_modified());

    let verdict = ManualVerdict {
        verdict: Verdict::Pass,
        reviewer: "ana".into(),
        date: "2026-12-04".into(),
        comment: String::new(),
    };
    history
        .apply(Edit::SetName { name: "one".into() }, &mut doc)
        .expect("one");
    history.mark_saved();
    history
        .apply(Edit::SetName { name: "two".into() }, &mut doc)
        .expect("two");
    history
        .apply(
            Edit::SetVerdict {
                item: RULES[0].id.into(),
                verdict: Some(verdict),
            },
            &mut doc,
        )
        .expect("verdict");
    assert!(history.is_modified());
    // Depth 2: the first edit's inverse has been forgotten.
    assert_eq!(history.undo_len(), 2);

    assert_eq!(history.undo(&mut doc), Ok(true));
    assert!(doc.verdicts.is_empty());
    assert_eq!(history.undo(&mut doc), Ok(true));
    assert_eq!(doc.name, "one");
    assert!(!history.is_modified());
    assert_eq!(history.undo(&mut doc), Ok(false));

    assert_eq!(history.redo(&mut doc), Ok(true));
    assert_eq!(doc.name, "two");
    assert!(history.is_modified());
    assert_eq!(history.redo(&mut doc), Ok(true));
    assert_eq!(doc.verdicts.len(), 1);
    assert_eq!(history.redo(&mut doc), Ok(false));

    // A new edit after an undo clears the redo stack.
    assert_eq!(history.undo(&mut doc), Ok(true));
    history
        .apply(
            Edit::SetDescription {
                description: "d".into(),
            },
            &mut doc,
        )
        .expect("d");
    assert!(!history.can_redo());
}

/// Picks a concrete edit for the document as it is, from random numbers. Some of the edits
/// are invalid on purpose (unknown ids, cycles, non-zone parents).
fn pick_edit(doc: &Document, op: u8, a: usize, b: usize, c: i16, counter: usize) -> Edit {
    let node_id = |k: usize| {
        if doc.nodes.is_empty() {
            "none".to_owned()
        } else {
            doc.nodes[k % doc.nodes.len()].id.clone()
        }
    };
    let edge_id = |k: usize| {
        if doc.edges.is_empty() {
            "none".to_owned()
        } else {
            doc.edges[k % doc.edges.len()].id.clone()
        }
    };
    let fresh = format!("n{counter}");
    let store_id = |k: usize| {
        if doc.policy_stores.is_empty() {
            "none".to_owned()
        } else {
            doc.policy_stores[k % doc.policy_stores.len()].id.clone()
        }
    };
    match op % 16 {
        0 => {
            let kind = if a.is_multiple_of(3) {
                NodeKind::Zone(Zone {
                    sort: ZoneSort::Vpc,
                    default_deny: false,
                    cde: true,
                })
            } else {
                NodeKind::Service(Service {
                    public: a.is_multiple_of(2),
                    ..Service::default()
                })
            };
            let mut new = node(&fresh, kind, None);
            new.parent = (!b.is_multiple_of(3)).then(|| node_id(b));
            Edit::AddNode {
                node: new,
                index: a % (doc.nodes.len() + 1),
            }
        }
        1 => Edit::RemoveNode { id: node_id(a) },
        2 => Edit::MoveNodes {
            ids: vec![node_id(a), node_id(b)],
            delta: Point::new(f32::from(c) * 0.1, f32::from(c) / 3.0),
        },
        3 => Edit::SetParent {
            id: node_id(a),
            parent: (!b.is_multiple_of(4)).then(|| node_id(b)),
        },
        4 => {
            let id = node_id(a);
            match doc.node(&id) {
                Some(old) => {
                    let mut new = old.clone();
                    new.label = format!("{} {c}", old.label);
                    new.critical = !old.critical;
                    new.size = Size::new(old.size.width + 0.3, old.size.height);
                    Edit::ReplaceNode { id, node: new }
                }
                None => Edit::ReplaceNode {
                    id: id.clone(),
                    node: node(&id, NodeKind::Service(Service::default()), None),
                },
            }
        }
        5 if a.is_multiple_of(2) => Edit::RenameId {
            from: node_id(b),
            to: fresh,
        },
        5 => Edit::RenameId {
            from: edge_id(b),
            to: fresh,
        },
        6 => Edit::AddEdge {
            edge: edge(
                &fresh,
                &node_id(a),
                &node_id(b),
                EdgeKind::Flow(Flow::default()),
            ),
            index: b % (doc.edges.len() + 1),
        },
        7 => Edit::RemoveEdge { id: edge_id(a) },
        8 => {
            let id = edge_id(a);
            match doc.edge(&id) {
                Some(old) => {
                    let mut new = old.clone();
                    if let EdgeKind::Flow(flow) = &mut new.kind {
                        flow.logged = !flow.logged;
                    }
                    new.to = node_id(b);
                    Edit::ReplaceEdge { id, edge: new }
                }
                None => Edit::RemoveEdge { id },
            }
        }
        9 => Edit::SetVerdict {
            item: RULES[a % RULES.len()].id.to_owned(),
            verdict: b.is_multiple_of(2).then(|| ManualVerdict {
                verdict: Verdict::Fail,
                reviewer: "r".into(),
                date: "2026-01-31".into(),
                comment: format!("{c}"),
            }),
        },
        10 => Edit::Batch(vec![
            pick_edit(doc, (a % 9) as u8, b, a, c, counter),
            Edit::SetName {
                name: format!("name {c}"),
            },
        ]),
        12 => Edit::SetPositions {
            positions: vec![
                (node_id(a), Point::new(f32::from(c), -f32::from(c) / 7.0)),
                (node_id(b), Point::new(0.5, f32::from(c) * 0.25)),
            ],
        },
        13 => {
            let id = store_id(a);
            let mut store = doc.policy_store(&id).cloned().unwrap_or_default();
            store.id = id.clone();
            store.policies = format!("permit(principal, action, resource); // {c}");
            store.schema = b.is_multiple_of(2).then(|| "entity Service;".to_owned());
            Edit::ReplacePolicyStore { id, store }
        }
        14 => Edit::RenamePolicyStore {
            from: store_id(a),
            to: if b.is_multiple_of(5) {
                store_id(b)
            } else {
                fresh
            },
        },
        15 => Edit::SetDescription {
            description: format!("description {c}\nwith a second line"),
        },
        _ if a.is_multiple_of(2) => Edit::RemovePolicyStore { id: "main".into() },
        _ => Edit::AddPolicyStore {
            store: PolicyStore {
                id: fresh,
                policies: String::new(),
                ..PolicyStore::default()
            },
            index: b % (doc.policy_stores.len() + 1),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_edits_undo_to_original(
        steps in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<i16>()), 1..40)
    ) {
        let original = base();
        let mut doc = original.clone();
        let mut history = History::new(1000);

        let mut applied = 0;
        for (counter, &(op, a, b, c)) in steps.iter().enumerate() {
            let edit = pick_edit(&doc, op, a, b, c, counter);
            let before = doc.clone();
            if history.apply(edit.clone(), &mut doc).is_err() {
                prop_assert_eq!(&doc, &before, "a failed edit changed the document: {:?}", edit);
            } else {
                applied += 1;
                // Edits keep a valid document valid.
                prop_assert_eq!(validate::validate(&doc), Vec::new(), "after {:?}", edit);
            }
        }

        // As many undos as edits that applied restore the original exactly.
        let edited = doc.clone();
        for _ in 0..applied {
            prop_assert_eq!(history.undo(&mut doc), Ok(true));
        }
        prop_assert!(!history.can_undo());
        prop_assert_eq!(&doc, &original);
        prop_assert!(!history.is_modified());

        while history.can_redo() {
            prop_assert_eq!(history.redo(&mut doc), Ok(true));
        }
        prop_assert_eq!(&doc, &edited);
    }
}
