//! The Cedar view of a model: the entity kind of each node, its uid, attributes and
//! ancestors, the schema derived from the model, and both as the JSON that Cedar and
//! Amazon Verified Permissions read.
//!
//! Principals (`Customer`, `WorkforceUser`, `Partner`, `Identity`) have as ancestors the
//! groups they are members of; resources (`Gateway`, `Service`, `DataStore`, `Secret`,
//! `Key`) the zones that contain them. Can-assume edges never make an ancestor. Cedar needs
//! the ancestor relation to be acyclic, so a member-of edge that would close a cycle is left
//! out (the first such edge in document order, found by a depth-first walk).

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use serde_json::{Value, json};

use crate::document::{ExternalSort, IdentitySort, NodeKind};
use crate::graph::{Graph, NodeIx};

/// The namespace of the derived schema and entities.
pub const NAMESPACE: &str = "Trustmap";

/// The id of the synthetic principal: no node id contains parentheses.
pub const SYNTHETIC_ID: &str = "(synthetic)";

/// The Cedar entity kinds a node can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// An external customer.
    Customer,
    /// An external workforce user.
    WorkforceUser,
    /// An external partner.
    Partner,
    /// An identity other than a group.
    Identity,
    /// An identity group or a workforce group.
    Group,
    /// A gateway.
    Gateway,
    /// A service.
    Service,
    /// A data store.
    DataStore,
    /// A secret.
    Secret,
    /// A key.
    Key,
    /// A zone.
    Zone,
}

impl EntityKind {
    /// Every kind, principals first.
    pub const ALL: [Self; 11] = [
        Self::Customer,
        Self::WorkforceUser,
        Self::Partner,
        Self::Identity,
        Self::Group,
        Self::Gateway,
        Self::Service,
        Self::DataStore,
        Self::Secret,
        Self::Key,
        Self::Zone,
    ];

    /// The kinds a request's principal can be.
    pub const PRINCIPALS: [Self; 4] = [
        Self::Customer,
        Self::WorkforceUser,
        Self::Partner,
        Self::Identity,
    ];

    /// The kinds a request's resource can be.
    pub const RESOURCES: [Self; 5] = [
        Self::Gateway,
        Self::Service,
        Self::DataStore,
        Self::Secret,
        Self::Key,
    ];

    /// Returns the kind of a node, or `None` for the Internet node.
    pub fn of(kind: &NodeKind) -> Option<Self> {
        Some(match kind {
            NodeKind::External(external) => match external.sort {
                ExternalSort::Internet => return None,
                ExternalSort::Customer => Self::Customer,
                ExternalSort::WorkforceUser { .. } => Self::WorkforceUser,
                ExternalSort::WorkforceGroup => Self::Group,
                ExternalSort::Partner => Self::Partner,
            },
            NodeKind::Identity(identity) if identity.sort == IdentitySort::Group => Self::Group,
            NodeKind::Identity(_) => Self::Identity,
            NodeKind::Gateway(_) => Self::Gateway,
            NodeKind::Service(_) => Self::Service,
            NodeKind::DataStore(_) => Self::DataStore,
            NodeKind::Secret(_) => Self::Secret,
            NodeKind::Key(_) => Self::Key,
            NodeKind::Zone(_) => Self::Zone,
        })
    }

    /// Returns the entity type's name in the derived schema, without the namespace.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Customer => "Customer",
            Self::WorkforceUser => "WorkforceUser",
            Self::Partner => "Partner",
            Self::Identity => "Identity",
            Self::Group => "Group",
            Self::Gateway => "Gateway",
            Self::Service => "Service",
            Self::DataStore => "DataStore",
            Self::Secret => "Secret",
            Self::Key => "Key",
            Self::Zone => "Zone",
        }
    }

    /// Returns the key that names the kind in a store's `entity_types`: the node kind's
    /// name as the file format spells it (`data store`, `workforce user`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::WorkforceUser => "workforce user",
            Self::Partner => "partner",
            Self::Identity => "identity",
            Self::Group => "group",
            Self::Gateway => "gateway",
            Self::Service => "service",
            Self::DataStore => "data store",
            Self::Secret => "secret",
            Self::Key => "key",
            Self::Zone => "zone",
        }
    }

    /// Returns whether entities of this kind can be principals.
    pub fn is_principal(self) -> bool {
        Self::PRINCIPALS.contains(&self)
    }

    /// Returns the kind of this kind's ancestors: groups for principals and groups, zones
    /// for resources and zones.
    pub fn parent_kind(self) -> Self {
        if self.is_principal() || self == Self::Group {
            Self::Group
        } else {
            Self::Zone
        }
    }
}

/// The Cedar facts of every node of a model, by node index.
pub struct ModelEntities {
    /// The entity kind of each node, `None` for the Internet node.
    pub kinds: Vec<Option<EntityKind>>,
    /// The ancestors of each node, in index order.
    pub ancestors: Vec<Vec<NodeIx>>,
    /// A hash of each node's uid, attributes and ancestors: what a request about it reads.
    pub fingerprints: Vec<u64>,
    /// Member-of edges left out because they close a cycle, by edge id.
    pub dropped_memberships: Vec<String>,
}

impl ModelEntities {
    /// Derives the entity facts of a graph.
    pub fn new(graph: &Graph<'_>) -> Self {
        let count = graph.node_count();
        let kinds: Vec<Option<EntityKind>> = (0..count)
            .map(|ix| EntityKind::of(&graph.node(ix).kind))
            .collect();
        let (groups, dropped_memberships) = acyclic_memberships(graph, &kinds);

        let ancestors: Vec<Vec<NodeIx>> = (0..count)
            .map(|ix| match kinds[ix] {
                None => Vec::new(),
                Some(kind) if kind.parent_kind() == EntityKind::Group => {
                    group_ancestors(ix, &groups)
                }
                Some(_) => {
                    let mut zones = graph.zones_of(ix);
                    zones.sort_unstable();
                    zones
                }
            })
            .collect();

        let fingerprints = (0..count)
            .map(|ix| {
                let mut hasher = foldhash::quality::FixedState::with_seed(0).build_hasher();
                kinds[ix].hash(&mut hasher);
                graph.id(ix).hash(&mut hasher);
                attributes(graph, ix).to_string().hash(&mut hasher);
                for &ancestor in &ancestors[ix] {
                    kinds[ancestor].hash(&mut hasher);
                    graph.id(ancestor).hash(&mut hasher);
                }
                hasher.finish()
            })
            .collect();

        Self {
            kinds,
            ancestors,
            fingerprints,
            dropped_memberships,
        }
    }

    /// Returns a hash of every entity: it changes whenever any request could read
    /// something new.
    pub fn version(&self) -> u64 {
        foldhash::quality::FixedState::with_seed(1).hash_one(&self.fingerprints)
    }
}

use std::hash::BuildHasher as _;

/// Returns the member-of edges between principals or groups and groups, as adjacency lists
/// by node, without the edges that close a cycle; and the ids of those left out.
fn acyclic_memberships(
    graph: &Graph<'_>,
    kinds: &[Option<EntityKind>],
) -> (Vec<Vec<NodeIx>>, Vec<String>) {
    let count = graph.node_count();
    let mut groups = vec![Vec::new(); count];
    let mut dropped = Vec::new();
    // 0 unvisited, 1 on the walk's stack, 2 done.
    let mut state = vec![0u8; count];
    for root in 0..count {
        if state[root] != 0 || kinds[root].is_none() {
            continue;
        }
        let mut stack: Vec<(NodeIx, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let edges = &graph.out_edges(node).member_of;
            let Some(&edge) = edges.get(*next) else {
                state[node] = 2;
                stack.pop();
                continue;
            };
            *next += 1;
            let Some((_, group)) = graph.ends(edge) else {
                continue;
            };
            if kinds[group] != Some(EntityKind::Group) {
                continue;
            }
            match state[group] {
                1 => dropped.push(graph.edge(edge).id.clone()),
                2 => groups[node].push(group),
                _ => {
                    groups[node].push(group);
                    state[group] = 1;
                    stack.push((group, 0));
                }
            }
        }
    }
    (groups, dropped)
}

/// Returns every group a node is a member of, directly or through other groups.
fn group_ancestors(node: NodeIx, groups: &[Vec<NodeIx>]) -> Vec<NodeIx> {
    let mut found = BTreeSet::new();
    let mut stack = groups[node].clone();
    while let Some(group) = stack.pop() {
        if group != node && found.insert(group) {
            stack.extend_from_slice(&groups[group]);
        }
    }
    found.into_iter().collect()
}

/// Returns the attributes of a node's entity as Cedar JSON values.
pub fn attributes(graph: &Graph<'_>, ix: NodeIx) -> Value {
    let node = graph.node(ix);
    let classes: Vec<&str> = node
        .held_data_classes()
        .iter()
        .map(|class| class.name())
        .collect();
    json!({
        "dataClasses": classes,
        "public": node.is_public(),
        "critical": node.critical,
        "technology": node.technology,
    })
}

/// The worst-case context attributes, by their standard path, with their Cedar types.
pub const CONTEXT_ATTRIBUTES: [(&str, &str); 5] = [
    ("device.managed", "Boolean"),
    ("device.compliant", "Boolean"),
    ("location", "String"),
    ("risk_score", "Long"),
    ("mfa", "Boolean"),
];

/// Returns the derived schema in Cedar's JSON form, with these actions and the context
/// attributes at these paths (standard path, store path).
pub fn schema_json<'a>(
    actions: impl IntoIterator<Item = &'a str>,
    context_paths: &[(String, String)],
) -> Value {
    let shape = json!({
        "type": "Record",
        "attributes": {
            "dataClasses": { "type": "Set", "element": { "type": "String" } },
            "public": { "type": "Boolean" },
            "critical": { "type": "Boolean" },
            "technology": { "type": "String" },
        },
    });
    let mut entity_types = serde_json::Map::new();
    for kind in EntityKind::ALL {
        entity_types.insert(
            kind.type_name().to_owned(),
            json!({
                "memberOfTypes": [kind.parent_kind().type_name()],
                "shape": shape,
            }),
        );
    }

    let mut context = json!({ "type": "Record", "attributes": {} });
    for (standard, store_path) in context_paths {
        let Some((_, cedar_type)) = CONTEXT_ATTRIBUTES.iter().find(|(name, _)| name == standard)
        else {
            continue;
        };
        insert_path(&mut context, store_path, json!({ "type": cedar_type }));
    }
    let names =
        |kinds: &[EntityKind]| -> Vec<&str> { kinds.iter().map(|kind| kind.type_name()).collect() };
    let applies_to = json!({
        "principalTypes": names(&EntityKind::PRINCIPALS),
        "resourceTypes": names(&EntityKind::RESOURCES),
        "context": context,
    });
    let actions: serde_json::Map<String, Value> = actions
        .into_iter()
        .map(|action| (action.to_owned(), json!({ "appliesTo": applies_to })))
        .collect();

    json!({ NAMESPACE: { "entityTypes": entity_types, "actions": actions } })
}

/// Inserts a leaf type at a dotted path of a schema record type, creating the records on
/// the way. A path through a leaf already there is left alone.
fn insert_path(record: &mut Value, path: &str, leaf: Value) {
    let mut current = record;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Some(attributes) = current.get_mut("attributes").and_then(Value::as_object_mut) else {
            return;
        };
        let entry = attributes.entry(part.to_owned()).or_insert_with(|| {
            if parts.peek().is_some() {
                json!({ "type": "Record", "attributes": {} })
            } else {
                leaf.clone()
            }
        });
        current = entry;
    }
}

/// Returns the standard context paths mapped through a store's `context_paths`.
pub fn mapped_context_paths(
    context_paths: &std::collections::BTreeMap<String, String>,
) -> Vec<(String, String)> {
    CONTEXT_ATTRIBUTES
        .iter()
        .map(|(standard, _)| {
            let mapped = context_paths
                .get(*standard)
                .cloned()
                .unwrap_or_else(|| (*standard).to_owned());
            ((*standard).to_owned(), mapped)
        })
        .collect()
}

/// Returns the entities of a model in Cedar's JSON form, in the derived namespace, in
/// document order. Every ancestor is listed, not only the direct ones.
pub fn entities_json(graph: &Graph<'_>, entities: &ModelEntities) -> Value {
    let uid = |ix: NodeIx, kind: EntityKind| json!({ "type": format!("{NAMESPACE}::{}", kind.type_name()), "id": graph.id(ix) });
    let list: Vec<Value> = (0..graph.node_count())
        .filter_map(|ix| {
            let kind = entities.kinds[ix]?;
            let parents: Vec<Value> = entities.ancestors[ix]
                .iter()
                .filter_map(|&parent| Some(uid(parent, entities.kinds[parent]?)))
                .collect();
            Some(json!({
                "uid": uid(ix, kind),
                "attrs": attributes(graph, ix),
                "parents": parents,
            }))
        })
        .collect();
    Value::Array(list)
}

/// Returns the schema derived from the whole model in Cedar's JSON form: every action any
/// flow names, with the standard context paths. Verified Permissions accepts it as a
/// store's schema (`cedarJson`).
pub fn model_schema_json(graph: &Graph<'_>) -> Value {
    let mut actions = BTreeSet::new();
    for (edge, _, _) in graph.all_flows() {
        for check in super::facts::cedar_checks(graph, edge) {
            actions.insert(check.action.as_str());
        }
    }
    let paths = mapped_context_paths(&std::collections::BTreeMap::new());
    schema_json(actions, &paths)
}

/// Returns the model's entities in Cedar's JSON form (see [`entities_json`]).
pub fn model_entities_json(graph: &Graph<'_>) -> Value {
    entities_json(graph, &ModelEntities::new(graph))
}
