//! Edits as values: every change a user can make to a document, each applied as a whole or
//! not at all, and each returning its exact inverse.
//!
//! Undo, redo, autosave and tests all work on [`Edit`] values, so no window is needed to
//! exercise them. [`Edit::apply`] checks an edit before it changes anything: an edit that
//! names an unknown id, reuses an id, puts a node in something that is not a zone, makes a
//! zone contain itself or sets a value the file format rejects returns an error and leaves
//! the document as it was. A [`Edit::Batch`] that fails part-way is rolled back.
//!
//! Decisions the edits make:
//! - Removing a zone keeps its contents: its children move to the removed zone's parent.
//!   Removing a node also removes every edge that starts or ends at it, and every template
//!   link whose principal or resource it is.
//! - Moving a zone moves everything inside it.
//! - [`Edit::ReplaceNode`] and [`Edit::ReplaceEdge`] cannot change an id; [`Edit::RenameId`]
//!   does, and rewrites every reference to the old id.

mod history;

use std::collections::HashMap;

use crate::document::{
    Document, Edge, EdgeKind, ManualVerdict, Node, NodeKind, OriginatingCheck, Point, PolicyStore,
};
use crate::graph::is_glob;
use crate::load::validate::{self, MAX_COORDINATE, id_error};
use crate::review::RULES;

pub use history::History;

/// One change to a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Inserts a node or zone at a position of [`Document::nodes`].
    AddNode {
        /// The new node; its id must be unused and its parent, if any, a zone.
        node: Node,
        /// Where it goes, from 0 to the number of nodes.
        index: usize,
    },
    /// Removes a node or zone, the edges at it and the template links naming it. The
    /// children of a removed zone move to its parent.
    RemoveNode {
        /// The node's id.
        id: String,
    },
    /// Moves nodes and zones by a distance; a zone's contents move with it.
    MoveNodes {
        /// Ids of the nodes and zones to move.
        ids: Vec<String>,
        /// The distance in world units.
        delta: Point,
    },
    /// Sets the positions of nodes and zones, and nothing else.
    SetPositions {
        /// Each node's id with its new top-left corner in world coordinates.
        positions: Vec<(String, Point)>,
    },
    /// Puts a node or zone into a zone, or at the top level.
    SetParent {
        /// The node's id.
        id: String,
        /// The new parent zone's id, or `None` for the top level.
        parent: Option<String>,
    },
    /// Replaces every attribute of a node (label, kind, geometry, parent...) except its id.
    ReplaceNode {
        /// The node's id.
        id: String,
        /// The new value; its id must equal `id`.
        node: Node,
    },
    /// Changes the id of a node, zone or edge and every reference to it.
    RenameId {
        /// The current id.
        from: String,
        /// The new id, unused and referenced nowhere.
        to: String,
    },
    /// Inserts an edge at a position of [`Document::edges`].
    AddEdge {
        /// The new edge.
        edge: Edge,
        /// Where it goes, from 0 to the number of edges.
        index: usize,
    },
    /// Removes an edge.
    RemoveEdge {
        /// The edge's id.
        id: String,
    },
    /// Replaces an edge's ends, kind and attributes, but not its id.
    ReplaceEdge {
        /// The edge's id.
        id: String,
        /// The new value; its id must equal `id`.
        edge: Edge,
    },
    /// Inserts a policy store.
    AddPolicyStore {
        /// The new store; its id must be unused among stores.
        store: PolicyStore,
        /// Where it goes, from 0 to the number of stores.
        index: usize,
    },
    /// Removes a policy store that no flow names.
    RemovePolicyStore {
        /// The store's id.
        id: String,
    },
    /// Replaces a policy store's policies, links, schema and mappings, but not its id.
    ReplacePolicyStore {
        /// The store's id.
        id: String,
        /// The new value; its id must equal `id`.
        store: PolicyStore,
    },
    /// Changes a policy store's id and every Cedar check that names it.
    RenamePolicyStore {
        /// The current id.
        from: String,
        /// The new id, unused and named by no Cedar check.
        to: String,
    },
    /// Sets or clears the reviewer's verdict on a checklist item.
    SetVerdict {
        /// The checklist item's id, such as `ID-1`.
        item: String,
        /// The verdict, or `None` to clear it.
        verdict: Option<ManualVerdict>,
    },
    /// Renames the model.
    SetName {
        /// The new name.
        name: String,
    },
    /// Sets the model's description.
    SetDescription {
        /// The new description.
        description: String,
    },
    /// Several edits that make one user action, applied in order, all or none.
    Batch(Vec<Edit>),
}

/// Why an edit was rejected. The document is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// No node or zone has this id.
    #[error("no node or zone has the id {0:?}")]
    UnknownNode(String),
    /// No edge has this id.
    #[error("no edge has the id {0:?}")]
    UnknownEdge(String),
    /// No node, zone or edge has this id.
    #[error("no node, zone or edge has the id {0:?}")]
    UnknownId(String),
    /// No policy store has this id.
    #[error("no policy store has the id {0:?}")]
    UnknownPolicyStore(String),
    /// No checklist item has this id.
    #[error("no checklist item has the id {0:?}")]
    UnknownChecklistItem(String),
    /// The id is already used by a node, zone or edge, or by another policy store.
    #[error("the id {0:?} is already in use")]
    DuplicateId(String),
    /// The id is not a valid id.
    #[error("invalid id {id:?}: {reason}")]
    InvalidId {
        /// The id.
        id: String,
        /// Why it is invalid.
        reason: String,
    },
    /// Something in the document still names the id the edit would introduce, so the
    /// edit could not be undone exactly.
    #[error("the model already refers to {0:?}; remove that reference first")]
    AlreadyReferenced(String),
    /// The insertion index is past the end of the list.
    #[error("index {index} is out of range for a list of {len}")]
    IndexOutOfRange {
        /// The index given.
        index: usize,
        /// The length of the list.
        len: usize,
    },
    /// The parent is not a zone.
    #[error("{parent:?} is not a zone, so {id:?} cannot go inside it")]
    ParentNotZone {
        /// The node being placed.
        id: String,
        /// The would-be parent.
        parent: String,
    },
    /// The zone would end up inside itself.
    #[error("zone {zone:?} cannot go inside {parent:?}, which lies inside it")]
    ZoneCycle {
        /// The zone being placed.
        zone: String,
        /// The would-be parent.
        parent: String,
    },
    /// A zone that contains nodes would stop being a zone.
    #[error("zone {0:?} contains nodes, so it must stay a zone")]
    ZoneNotEmpty(String),
    /// A replacement value carries a different id from the one it replaces.
    #[error("the new value has the id {new:?}, not {id:?}; change ids with a rename")]
    IdMismatch {
        /// The id being replaced.
        id: String,
        /// The id of the new value.
        new: String,
    },
    /// A flow still names the policy store.
    #[error("policy store {store:?} is still named by edge {edge:?}")]
    PolicyStoreInUse {
        /// The store.
        store: String,
        /// The first edge that names it.
        edge: String,
    },
    /// The edit would set a value the file format rejects.
    #[error("{0}")]
    Invalid(String),
    /// One edit of a batch failed; the whole batch was rolled back.
    #[error("edit {index} of the batch failed: {source}")]
    Batch {
        /// The position of the failed edit in the batch.
        index: usize,
        /// Why it failed.
        source: Box<EditError>,
    },
}

impl Edit {
    /// Applies the edit and returns its exact inverse: applying that restores the document
    /// to what it was, field for field. On error the document is unchanged.
    pub fn apply(self, doc: &mut Document) -> Result<Edit, EditError> {
        match self {
            Self::AddNode { node, index } => add_node(doc, node, index),
            Self::RemoveNode { id } => remove_node(doc, &id),
            Self::MoveNodes { ids, delta } => move_nodes(doc, &ids, delta),
            Self::SetPositions { positions } => set_positions(doc, positions),
            Self::SetParent { id, parent } => set_parent(doc, &id, parent),
            Self::ReplaceNode { id, node } => replace_node(doc, &id, node),
            Self::RenameId { from, to } => rename_id(doc, &from, &to),
            Self::AddEdge { edge, index } => add_edge(doc, edge, index),
            Self::RemoveEdge { id } => remove_edge(doc, &id),
            Self::ReplaceEdge { id, edge } => replace_edge(doc, &id, edge),
            Self::AddPolicyStore { store, index } => add_policy_store(doc, store, index),
            Self::RemovePolicyStore { id } => remove_policy_store(doc, &id),
            Self::ReplacePolicyStore { id, store } => replace_policy_store(doc, &id, store),
            Self::RenamePolicyStore { from, to } => rename_policy_store(doc, &from, &to),
            Self::SetVerdict { item, verdict } => set_verdict(doc, item, verdict),
            Self::SetName { name } => {
                check_text("the model's name", &name)?;
                Ok(Self::SetName {
                    name: std::mem::replace(&mut doc.name, name),
                })
            }
            Self::SetDescription { description } => {
                check_text("the model's description", &description)?;
                Ok(Self::SetDescription {
                    description: std::mem::replace(&mut doc.description, description),
                })
            }
            Self::Batch(edits) => apply_batch(doc, edits),
        }
    }
}

fn apply_batch(doc: &mut Document, edits: Vec<Edit>) -> Result<Edit, EditError> {
    let mut inverses = Vec::with_capacity(edits.len());
    for (index, edit) in edits.into_iter().enumerate() {
        match edit.apply(doc) {
            Ok(inverse) => inverses.push(inverse),
            Err(error) => {
                roll_back(doc, inverses);
                return Err(EditError::Batch {
                    index,
                    source: Box::new(error),
                });
            }
        }
    }
    inverses.reverse();
    Ok(Edit::Batch(inverses))
}

/// Undoes the applied part of a failed batch, last edit first.
fn roll_back(doc: &mut Document, inverses: Vec<Edit>) {
    for inverse in inverses.into_iter().rev() {
        if let Err(error) = inverse.apply(doc) {
            // An inverse applies to the state its edit left, so this cannot happen unless
            // an edit's inverse is wrong.
            log::error!("rolling back a failed batch failed: {error}");
        }
    }
}

fn node_ix(doc: &Document, id: &str) -> Result<usize, EditError> {
    doc.nodes
        .iter()
        .position(|node| node.id == id)
        .ok_or_else(|| EditError::UnknownNode(id.to_owned()))
}

fn edge_ix(doc: &Document, id: &str) -> Result<usize, EditError> {
    doc.edges
        .iter()
        .position(|edge| edge.id == id)
        .ok_or_else(|| EditError::UnknownEdge(id.to_owned()))
}

fn store_ix(doc: &Document, id: &str) -> Result<usize, EditError> {
    doc.policy_stores
        .iter()
        .position(|store| store.id == id)
        .ok_or_else(|| EditError::UnknownPolicyStore(id.to_owned()))
}

fn check_index(index: usize, len: usize) -> Result<(), EditError> {
    if index > len {
        return Err(EditError::IndexOutOfRange { index, len });
    }
    Ok(())
}

fn check_new_id(doc: &Document, id: &str) -> Result<(), EditError> {
    if let Some(reason) = id_error(id) {
        return Err(EditError::InvalidId {
            id: id.to_owned(),
            reason,
        });
    }
    if doc.node(id).is_some() || doc.edge(id).is_some() {
        return Err(EditError::DuplicateId(id.to_owned()));
    }
    Ok(())
}

fn check_text(owner: &str, text: &str) -> Result<(), EditError> {
    match validate::control_character(text) {
        Some(c) => Err(EditError::Invalid(format!(
            "{owner} has the control character U+{:04X}; only tab and newline are allowed",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// Returns the first problem validation finds in a document made only of the given parts.
/// This reuses every value rule of the file format (text, ranges, endpoints, dates) for a
/// single node, edge, store or verdict.
fn check_alone(parts: Document) -> Result<(), EditError> {
    match validate::validate(&parts).into_iter().next() {
        Some(issue) => Err(EditError::Invalid(issue.message)),
        None => Ok(()),
    }
}

/// Checks a node's own values: a copy without its parent, validated alone.
fn check_node_values(node: &Node) -> Result<(), EditError> {
    let mut alone = node.clone();
    alone.parent = None;
    let mut parts = Document::new("");
    parts.nodes.push(alone);
    check_alone(parts)
}

/// Returns whether a node's parent chain, followed from `start`, reaches `target`. The
/// walk stops after as many steps as there are nodes, so an existing cycle cannot loop.
fn chain_reaches(doc: &Document, start: &str, target: &str) -> bool {
    let mut current = Some(start);
    for _ in 0..=doc.nodes.len() {
        let Some(id) = current else {
            return false;
        };
        if id == target {
            return true;
        }
        current = doc.node(id).and_then(|node| node.parent.as_deref());
    }
    false
}

/// Checks that `parent` can contain the node `id`: it exists, is a zone and does not lie
/// inside `id`.
fn check_placement(doc: &Document, id: &str, parent: Option<&str>) -> Result<(), EditError> {
    let Some(parent_id) = parent else {
        return Ok(());
    };
    let parent = doc
        .node(parent_id)
        .ok_or_else(|| EditError::UnknownNode(parent_id.to_owned()))?;
    if !parent.is_zone() {
        return Err(EditError::ParentNotZone {
            id: id.to_owned(),
            parent: parent_id.to_owned(),
        });
    }
    if chain_reaches(doc, parent_id, id) {
        return Err(EditError::ZoneCycle {
            zone: id.to_owned(),
            parent: parent_id.to_owned(),
        });
    }
    Ok(())
}

/// Returns whether a parent, an edge end or a template link names this id.
fn is_referenced(doc: &Document, id: &str) -> bool {
    doc.nodes
        .iter()
        .any(|node| node.parent.as_deref() == Some(id))
        || doc
            .edges
            .iter()
            .any(|edge| edge.from == id || edge.to == id)
        || doc.policy_stores.iter().any(|store| {
            store.links.iter().any(|link| {
                link.principal.as_deref() == Some(id) || link.resource.as_deref() == Some(id)
            })
        })
}

/// Returns whether a permission boundary names this id as a target.
fn is_boundary_target(doc: &Document, id: &str) -> bool {
    doc.nodes.iter().any(|node| match &node.kind {
        NodeKind::Identity(identity) => identity
            .boundary
            .iter()
            .flatten()
            .any(|rule| rule.targets.iter().any(|target| target == id)),
        _ => false,
    })
}

fn add_node(doc: &mut Document, node: Node, index: usize) -> Result<Edit, EditError> {
    check_index(index, doc.nodes.len())?;
    check_new_id(doc, &node.id)?;
    if is_referenced(doc, &node.id) {
        return Err(EditError::AlreadyReferenced(node.id));
    }
    check_placement(doc, &node.id, node.parent.as_deref())?;
    check_node_values(&node)?;

    let id = node.id.clone();
    doc.nodes.insert(index, node);
    Ok(Edit::RemoveNode { id })
}

fn remove_node(doc: &mut Document, id: &str) -> Result<Edit, EditError> {
    let ix = node_ix(doc, id)?;
    let mut restore = Vec::new();

    let touching: Vec<usize> = (0..doc.edges.len())
        .filter(|&e| doc.edges[e].from == id || doc.edges[e].to == id)
        .collect();
    let children: Vec<usize> = (0..doc.nodes.len())
        .filter(|&n| doc.nodes[n].parent.as_deref() == Some(id))
        .collect();
    let linked: Vec<usize> = (0..doc.policy_stores.len())
        .filter(|&s| {
            doc.policy_stores[s].links.iter().any(|link| {
                link.principal.as_deref() == Some(id) || link.resource.as_deref() == Some(id)
            })
        })
        .collect();

    // The inverse first restores the node, then its edges in rising index order (each at
    // its old index), then its children's parent, then the stores' links.
    restore.push(Edit::AddNode {
        node: doc.nodes[ix].clone(),
        index: ix,
    });
    for &e in &touching {
        restore.push(Edit::AddEdge {
            edge: doc.edges[e].clone(),
            index: e,
        });
    }
    for &child in &children {
        restore.push(Edit::SetParent {
            id: doc.nodes[child].id.clone(),
            parent: Some(id.to_owned()),
        });
    }
    for &s in &linked {
        restore.push(Edit::ReplacePolicyStore {
            id: doc.policy_stores[s].id.clone(),
            store: doc.policy_stores[s].clone(),
        });
    }

    for &e in touching.iter().rev() {
        doc.edges.remove(e);
    }
    let grandparent = doc.nodes[ix].parent.clone();
    for &child in &children {
        doc.nodes[child].parent.clone_from(&grandparent);
    }
    for &s in &linked {
        doc.policy_stores[s].links.retain(|link| {
            link.principal.as_deref() != Some(id) && link.resource.as_deref() != Some(id)
        });
    }
    doc.nodes.remove(ix);
    Ok(Edit::Batch(restore))
}

/// Returns the indices of the given nodes and everything inside them, in index order.
fn with_contents(doc: &Document, ids: &[String]) -> Result<Vec<usize>, EditError> {
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    for (ix, node) in doc.nodes.iter().enumerate() {
        if let Some(parent) = &node.parent {
            children.entry(parent.as_str()).or_default().push(ix);
        }
    }

    let mut moved = vec![false; doc.nodes.len()];
    let mut stack = Vec::new();
    for id in ids {
        stack.push(node_ix(doc, id)?);
    }
    while let Some(ix) = stack.pop() {
        if std::mem::replace(&mut moved[ix], true) {
            continue;
        }
        if let Some(inside) = children.get(doc.nodes[ix].id.as_str()) {
            stack.extend(inside.iter().filter(|&&child| !moved[child]));
        }
    }
    Ok((0..doc.nodes.len()).filter(|&ix| moved[ix]).collect())
}

fn check_position(id: &str, point: Point) -> Result<(), EditError> {
    let inside = |value: f32| value.is_finite() && value.abs() <= MAX_COORDINATE;
    if inside(point.x) && inside(point.y) {
        return Ok(());
    }
    Err(EditError::Invalid(format!(
        "node {id:?} would move to ({}, {}); coordinates must be finite and within \
         ±{MAX_COORDINATE}",
        point.x, point.y
    )))
}

fn move_nodes(doc: &mut Document, ids: &[String], delta: Point) -> Result<Edit, EditError> {
    let moved = with_contents(doc, ids)?;
    let mut positions = Vec::with_capacity(moved.len());
    for &ix in &moved {
        let node = &doc.nodes[ix];
        let to = Point::new(node.position.x + delta.x, node.position.y + delta.y);
        check_position(&node.id, to)?;
        positions.push((node.id.clone(), to));
    }
    set_positions(doc, positions)
}

fn set_positions(doc: &mut Document, positions: Vec<(String, Point)>) -> Result<Edit, EditError> {
    let mut targets = Vec::with_capacity(positions.len());
    for (id, point) in &positions {
        targets.push(node_ix(doc, id)?);
        check_position(id, *point)?;
    }

    // Old positions are recorded in reverse so that, were an id listed twice, the inverse
    // ends on the oldest value.
    let mut old = Vec::with_capacity(positions.len());
    for (&ix, (_, point)) in targets.iter().zip(&positions) {
        let node = &mut doc.nodes[ix];
        old.push((node.id.clone(), node.position));
        node.position = *point;
    }
    old.reverse();
    Ok(Edit::SetPositions { positions: old })
}

fn set_parent(doc: &mut Document, id: &str, parent: Option<String>) -> Result<Edit, EditError> {
    let ix = node_ix(doc, id)?;
    check_placement(doc, id, parent.as_deref())?;
    let old = std::mem::replace(&mut doc.nodes[ix].parent, parent);
    Ok(Edit::SetParent {
        id: id.to_owned(),
        parent: old,
    })
}

fn replace_node(doc: &mut Document, id: &str, node: Node) -> Result<Edit, EditError> {
    let ix = node_ix(doc, id)?;
    if node.id != id {
        return Err(EditError::IdMismatch {
            id: id.to_owned(),
            new: node.id,
        });
    }
    if node.parent != doc.nodes[ix].parent {
        check_placement(doc, id, node.parent.as_deref())?;
    }
    let has_children = doc
        .nodes
        .iter()
        .any(|other| other.parent.as_deref() == Some(id));
    if has_children && !node.is_zone() {
        return Err(EditError::ZoneNotEmpty(id.to_owned()));
    }
    check_node_values(&node)?;
    for edge in doc
        .edges
        .iter()
        .filter(|edge| edge.from == id || edge.to == id)
    {
        let from = if edge.from == id {
            Some(&node)
        } else {
            doc.node(&edge.from)
        };
        let to = if edge.to == id {
            Some(&node)
        } else {
            doc.node(&edge.to)
        };
        if let (Some(from), to) = (from, to)
            && let Some(problem) = validate::endpoint_error(&edge.kind, from, to)
        {
            return Err(EditError::Invalid(format!("edge {:?}: {problem}", edge.id)));
        }
    }

    let old = std::mem::replace(&mut doc.nodes[ix], node);
    Ok(Edit::ReplaceNode {
        id: id.to_owned(),
        node: old,
    })
}

fn rename_id(doc: &mut Document, from: &str, to: &str) -> Result<Edit, EditError> {
    let node = doc.nodes.iter().position(|node| node.id == from);
    let edge = doc.edges.iter().position(|edge| edge.id == from);
    if node.is_none() && edge.is_none() {
        return Err(EditError::UnknownId(from.to_owned()));
    }
    if from == to {
        return Ok(Edit::RenameId {
            from: to.to_owned(),
            to: from.to_owned(),
        });
    }
    check_new_id(doc, to)?;
    if is_referenced(doc, to) || is_boundary_target(doc, to) {
        return Err(EditError::AlreadyReferenced(to.to_owned()));
    }

    if let Some(ix) = edge {
        doc.edges[ix].id = to.to_owned();
    }
    if let Some(ix) = node {
        doc.nodes[ix].id = to.to_owned();
        rewrite_node_references(doc, from, to);
    }
    Ok(Edit::RenameId {
        from: to.to_owned(),
        to: from.to_owned(),
    })
}

/// Rewrites every reference to a node id: parents, edge ends, template links and the
/// boundary targets that name the node exactly (globs are left alone).
fn rewrite_node_references(doc: &mut Document, from: &str, to: &str) {
    let rewrite = |value: &mut String| {
        if value == from {
            to.clone_into(value);
        }
    };
    for node in &mut doc.nodes {
        if let Some(parent) = &mut node.parent {
            rewrite(parent);
        }
        if let NodeKind::Identity(identity) = &mut node.kind {
            for rule in identity.boundary.iter_mut().flatten() {
                rule.targets.iter_mut().for_each(rewrite);
            }
        }
    }
    for edge in &mut doc.edges {
        rewrite(&mut edge.from);
        rewrite(&mut edge.to);
    }
    for link in doc
        .policy_stores
        .iter_mut()
        .flat_map(|store| &mut store.links)
    {
        link.principal.iter_mut().for_each(rewrite);
        link.resource.iter_mut().for_each(rewrite);
    }
}

/// Checks an edge against the document: its ends exist (a grant may target a glob), its
/// policy stores exist, and its kind and values are valid.
fn check_edge(doc: &Document, edge: &Edge) -> Result<(), EditError> {
    let from = doc
        .node(&edge.from)
        .ok_or_else(|| EditError::UnknownNode(edge.from.clone()))?;
    let glob_grant = matches!(edge.kind, EdgeKind::Grants(_)) && is_glob(&edge.to);
    let to = if glob_grant {
        None
    } else {
        Some(
            doc.node(&edge.to)
                .ok_or_else(|| EditError::UnknownNode(edge.to.clone()))?,
        )
    };

    let mut parts = Document::new("");
    for end in [Some(from), to].into_iter().flatten() {
        if parts.node(&end.id).is_none() {
            let mut alone = end.clone();
            alone.parent = None;
            parts.nodes.push(alone);
        }
    }
    for store in cedar_stores(edge) {
        let store = doc
            .policy_store(store)
            .ok_or_else(|| EditError::UnknownPolicyStore(store.to_owned()))?;
        if parts.policy_store(&store.id).is_none() {
            parts.policy_stores.push(PolicyStore {
                id: store.id.clone(),
                ..PolicyStore::default()
            });
        }
    }
    parts.edges.push(edge.clone());
    check_alone(parts)
}

/// Returns the ids of the policy stores an edge's Cedar checks name.
fn cedar_stores(edge: &Edge) -> Vec<&str> {
    let EdgeKind::Flow(flow) = &edge.kind else {
        return Vec::new();
    };
    let mut stores = Vec::new();
    if let Some(check) = flow.authorization.cedar() {
        stores.push(check.store.as_str());
    }
    if let OriginatingCheck::Authorized { cedar: Some(check) } = &flow.originating {
        stores.push(check.store.as_str());
    }
    stores
}

fn add_edge(doc: &mut Document, edge: Edge, index: usize) -> Result<Edit, EditError> {
    check_index(index, doc.edges.len())?;
    check_new_id(doc, &edge.id)?;
    check_edge(doc, &edge)?;
    let id = edge.id.clone();
    doc.edges.insert(index, edge);
    Ok(Edit::RemoveEdge { id })
}

fn remove_edge(doc: &mut Document, id: &str) -> Result<Edit, EditError> {
    let index = edge_ix(doc, id)?;
    let edge = doc.edges.remove(index);
    Ok(Edit::AddEdge { edge, index })
}

fn replace_edge(doc: &mut Document, id: &str, edge: Edge) -> Result<Edit, EditError> {
    let ix = edge_ix(doc, id)?;
    if edge.id != id {
        return Err(EditError::IdMismatch {
            id: id.to_owned(),
            new: edge.id,
        });
    }
    check_edge(doc, &edge)?;
    let old = std::mem::replace(&mut doc.edges[ix], edge);
    Ok(Edit::ReplaceEdge {
        id: id.to_owned(),
        edge: old,
    })
}

/// Checks a policy store's values and that its template links name existing nodes.
fn check_store(doc: &Document, store: &PolicyStore) -> Result<(), EditError> {
    let mut parts = Document::new("");
    for link in &store.links {
        for id in [&link.principal, &link.resource].into_iter().flatten() {
            let node = doc
                .node(id)
                .ok_or_else(|| EditError::UnknownNode(id.clone()))?;
            if parts.node(id).is_none() {
                let mut alone = node.clone();
                alone.parent = None;
                parts.nodes.push(alone);
            }
        }
    }
    parts.policy_stores.push(store.clone());
    check_alone(parts)
}

fn add_policy_store(
    doc: &mut Document,
    store: PolicyStore,
    index: usize,
) -> Result<Edit, EditError> {
    check_index(index, doc.policy_stores.len())?;
    if let Some(reason) = id_error(&store.id) {
        return Err(EditError::InvalidId {
            id: store.id,
            reason,
        });
    }
    if doc.policy_store(&store.id).is_some() {
        return Err(EditError::DuplicateId(store.id));
    }
    check_store(doc, &store)?;
    let id = store.id.clone();
    doc.policy_stores.insert(index, store);
    Ok(Edit::RemovePolicyStore { id })
}

/// Returns the id of the first edge whose Cedar checks name the store.
fn first_user(doc: &Document, store: &str) -> Option<String> {
    doc.edges
        .iter()
        .find(|edge| cedar_stores(edge).contains(&store))
        .map(|edge| edge.id.clone())
}

fn remove_policy_store(doc: &mut Document, id: &str) -> Result<Edit, EditError> {
    let index = store_ix(doc, id)?;
    if let Some(edge) = first_user(doc, id) {
        return Err(EditError::PolicyStoreInUse {
            store: id.to_owned(),
            edge,
        });
    }
    let store = doc.policy_stores.remove(index);
    Ok(Edit::AddPolicyStore { store, index })
}

fn replace_policy_store(
    doc: &mut Document,
    id: &str,
    store: PolicyStore,
) -> Result<Edit, EditError> {
    let ix = store_ix(doc, id)?;
    if store.id != id {
        return Err(EditError::IdMismatch {
            id: id.to_owned(),
            new: store.id,
        });
    }
    check_store(doc, &store)?;
    let old = std::mem::replace(&mut doc.policy_stores[ix], store);
    Ok(Edit::ReplacePolicyStore {
        id: id.to_owned(),
        store: old,
    })
}

fn rename_policy_store(doc: &mut Document, from: &str, to: &str) -> Result<Edit, EditError> {
    let ix = store_ix(doc, from)?;
    if from != to {
        if let Some(reason) = id_error(to) {
            return Err(EditError::InvalidId {
                id: to.to_owned(),
                reason,
            });
        }
        if doc.policy_store(to).is_some() {
            return Err(EditError::DuplicateId(to.to_owned()));
        }
        if first_user(doc, to).is_some() {
            return Err(EditError::AlreadyReferenced(to.to_owned()));
        }
    }

    doc.policy_stores[ix].id = to.to_owned();
    for edge in &mut doc.edges {
        let EdgeKind::Flow(flow) = &mut edge.kind else {
            continue;
        };
        if let crate::document::Authorization::Cedar(check) = &mut flow.authorization
            && check.store == from
        {
            to.clone_into(&mut check.store);
        }
        if let OriginatingCheck::Authorized { cedar: Some(check) } = &mut flow.originating
            && check.store == from
        {
            to.clone_into(&mut check.store);
        }
    }
    Ok(Edit::RenamePolicyStore {
        from: to.to_owned(),
        to: from.to_owned(),
    })
}

fn set_verdict(
    doc: &mut Document,
    item: String,
    verdict: Option<ManualVerdict>,
) -> Result<Edit, EditError> {
    if !RULES.iter().any(|rule| rule.id == item) {
        return Err(EditError::UnknownChecklistItem(item));
    }
    if let Some(verdict) = &verdict {
        let mut parts = Document::new("");
        parts.verdicts.insert(item.clone(), verdict.clone());
        check_alone(parts)?;
    }
    let old = match verdict {
        Some(verdict) => doc.verdicts.insert(item.clone(), verdict),
        None => doc.verdicts.remove(&item),
    };
    Ok(Edit::SetVerdict { item, verdict: old })
}

#[cfg(test)]
mod tests;
