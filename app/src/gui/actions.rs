//! The editing commands that act on the selection: add, delete, copy, paste, select all.
//! Each is one edit, so one undo step.

use std::collections::{BTreeSet, HashMap, HashSet};

use trustmap_model::document::{
    Account, CredentialLifetime, DataStore, Document, Edge, EdgeKind, External, ExternalSort, Flow,
    Gateway, Identity, IdentitySort, Key, KeyRotation, Node, NodeKind, Point, Secret,
    SecretStorage, Service, Zone, ZoneSort,
};
use trustmap_model::edit::Edit;
use trustmap_model::graph::Graph;
use trustmap_model::load;

use super::app::{Clipboard, TrustmapApp};

/// Distance in world units between a copied item and its pasted copy.
const PASTE_OFFSET: f32 = 40.0;

/// Returns a node corner rounded to the whole world unit, as a key of a set of corners.
fn corner_key(x: f32, y: f32) -> (i64, i64) {
    (x.round() as i64, y.round() as i64)
}

/// Returns copied nodes and edges as the text of a model named after the one they come
/// from. A node whose zone was not copied leaves it, so the text is a valid model that
/// another window can paste.
fn clipboard_text(from: &str, nodes: &[Node], edges: &[Edge]) -> String {
    let mut doc = Document::new(format!("Copied from {from}"));
    let copied: BTreeSet<&str> = nodes.iter().map(|node| node.id.as_str()).collect();
    doc.nodes = nodes
        .iter()
        .map(|node| {
            let mut node = node.clone();
            node.parent = node
                .parent
                .filter(|parent| copied.contains(parent.as_str()));
            node
        })
        .collect();
    doc.edges = edges.to_vec();
    load::to_ron(&doc)
}

/// Something the palette adds: a node kind, or a zone of one sort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaletteItem {
    /// An external node.
    External,
    /// A gateway.
    Gateway,
    /// A service.
    Service,
    /// A data store.
    DataStore,
    /// A secret.
    Secret,
    /// A KMS key.
    Key,
    /// An identity.
    Identity,
    /// An AWS account zone.
    Account,
    /// A region zone.
    Region,
    /// A VPC zone.
    Vpc,
    /// A subnet zone.
    Subnet,
    /// An EKS cluster zone.
    EksCluster,
    /// A Kubernetes namespace zone.
    Namespace,
}

impl PaletteItem {
    /// Every item, nodes first, then zones from the largest to the smallest.
    pub const ALL: [Self; 13] = [
        Self::External,
        Self::Gateway,
        Self::Service,
        Self::DataStore,
        Self::Secret,
        Self::Key,
        Self::Identity,
        Self::Account,
        Self::Region,
        Self::Vpc,
        Self::Subnet,
        Self::EksCluster,
        Self::Namespace,
    ];

    /// Returns the name shown in the palette, which also starts the label of a new node.
    pub fn title(self) -> &'static str {
        match self {
            Self::External => "External",
            Self::Gateway => "Gateway",
            Self::Service => "Service",
            Self::DataStore => "Data store",
            Self::Secret => "Secret",
            Self::Key => "Key",
            Self::Identity => "Identity",
            Self::Account => "Account",
            Self::Region => "Region",
            Self::Vpc => "VPC",
            Self::Subnet => "Subnet",
            Self::EksCluster => "EKS cluster",
            Self::Namespace => "Namespace",
        }
    }

    /// Returns the kind of a new node of this item, with the safest defaults where the
    /// format needs a value: an unknown external is the Internet, a secret lives in
    /// Secrets Manager, a key rotates automatically, an identity is an IAM role.
    pub fn kind(self) -> NodeKind {
        let zone = |sort| {
            NodeKind::Zone(Zone {
                sort,
                default_deny: false,
                cde: false,
            })
        };
        match self {
            Self::External => NodeKind::External(External {
                sort: ExternalSort::Internet,
            }),
            Self::Gateway => NodeKind::Gateway(Gateway::default()),
            Self::Service => NodeKind::Service(Service::default()),
            Self::DataStore => NodeKind::DataStore(DataStore::default()),
            Self::Secret => NodeKind::Secret(Secret {
                storage: SecretStorage::SecretsManager,
                rotation_days: None,
            }),
            Self::Key => NodeKind::Key(Key {
                cloudhsm: false,
                rotation: KeyRotation::Automatic,
            }),
            Self::Identity => NodeKind::Identity(Identity {
                sort: IdentitySort::IamRole,
                credentials: CredentialLifetime::ShortLived,
                boundary: None,
            }),
            Self::Account => zone(ZoneSort::Account(Account::default())),
            Self::Region => zone(ZoneSort::Region),
            Self::Vpc => zone(ZoneSort::Vpc),
            Self::Subnet => zone(ZoneSort::Subnet { public: false }),
            Self::EksCluster => zone(ZoneSort::EksCluster),
            Self::Namespace => zone(ZoneSort::Namespace),
        }
    }

    fn id_stem(self) -> String {
        self.title().to_lowercase().replace(' ', "-")
    }
}

impl TrustmapApp {
    /// Returns an id unused by any node, zone or edge: the stem followed by the smallest
    /// free number from 1.
    pub fn unused_id(&self, stem: &str) -> String {
        let taken: BTreeSet<&str> = self
            .doc
            .nodes
            .iter()
            .map(|node| node.id.as_str())
            .chain(self.doc.edges.iter().map(|edge| edge.id.as_str()))
            .collect();
        (1..)
            .map(|number| format!("{stem}-{number}"))
            .find(|id| !taken.contains(id.as_str()))
            .unwrap_or_else(|| stem.to_owned())
    }

    /// Adds a palette item centred on a world point, inside the innermost zone that
    /// contains the point, and selects it.
    pub fn add_item(&mut self, item: PaletteItem, center_world: Point) {
        let id = self.unused_id(&item.id_stem());
        let number = id.rsplit('-').next().unwrap_or("1");
        let mut node = Node::new(
            id.clone(),
            format!("{} {number}", item.title()),
            item.kind(),
        );
        let corner = Point::new(
            center_world.x - node.size.width / 2.0,
            center_world.y - node.size.height / 2.0,
        );
        node.position = self.canvas.snap(corner);
        node.parent = self.innermost_zone_at(center_world, &BTreeSet::new());

        if self.apply(Edit::AddNode {
            node,
            index: self.doc.nodes.len(),
        }) {
            self.selection.only_node(&id);
        }
    }

    /// Returns where a node added from the palette by a click goes: the view's centre, or
    /// the first place down and to the right of it, in steps of [`PASTE_OFFSET`], where no
    /// node already has its corner. Clicking twice so never hides the first node under the
    /// second.
    pub fn free_center_near(&self, item: PaletteItem, center_world: Point) -> Point {
        let size = Node::new(String::new(), String::new(), item.kind()).size;
        let occupied = self.occupied_corners();
        let mut center = center_world;
        for _ in 0..100 {
            let corner = self.canvas.snap(Point::new(
                center.x - size.width / 2.0,
                center.y - size.height / 2.0,
            ));
            if !occupied.contains(&corner_key(corner.x, corner.y)) {
                break;
            }
            center = Point::new(center.x + PASTE_OFFSET, center.y + PASTE_OFFSET);
        }
        center
    }

    /// Returns the innermost zone whose region contains a world point, skipping the
    /// zones in `excluded`.
    pub fn innermost_zone_at(
        &mut self,
        point: Point,
        excluded: &BTreeSet<String>,
    ) -> Option<String> {
        let diagram = self.diagram();
        diagram
            .zones
            .iter()
            .rev()
            .filter(|zone| zone.rect.contains(point))
            .map(|zone| &self.doc.nodes[zone.node].id)
            .find(|id| !excluded.contains(*id))
            .cloned()
    }

    /// Returns the innermost zone whose region encloses a whole world rectangle, skipping
    /// the zones in `excluded`.
    pub fn innermost_zone_around(
        &mut self,
        rect: trustmap_model::geometry::Rect,
        excluded: &BTreeSet<String>,
    ) -> Option<String> {
        let diagram = self.diagram();
        diagram
            .zones
            .iter()
            .rev()
            .filter(|zone| zone.rect.contains(rect.min) && zone.rect.contains(rect.max))
            .map(|zone| &self.doc.nodes[zone.node].id)
            .find(|id| !excluded.contains(*id))
            .cloned()
    }

    /// Adds a flow from one node to another with every attribute unknown, and selects it.
    pub fn add_flow(&mut self, from: &str, to: &str) {
        let id = self.unused_id("flow");
        let edge = Edge {
            id: id.clone(),
            from: from.to_owned(),
            to: to.to_owned(),
            kind: EdgeKind::Flow(Flow::default()),
        };
        if self.apply(Edit::AddEdge {
            edge,
            index: self.doc.edges.len(),
        }) {
            self.selection.only_edge(&id);
        }
    }

    /// Removes the selected nodes, zones and edges in one step.
    pub fn delete_selection(&mut self) {
        if self.selection.is_empty() {
            return;
        }
        let mut edits: Vec<Edit> = self
            .selection
            .edges
            .iter()
            .map(|id| Edit::RemoveEdge { id: id.clone() })
            .collect();
        // Edges at a removed node go with it, so only edges between kept nodes are removed
        // on their own.
        edits.retain(|edit| match edit {
            Edit::RemoveEdge { id } => self.doc.edge(id).is_some_and(|edge| {
                !self.selection.nodes.contains(&edge.from)
                    && !self.selection.nodes.contains(&edge.to)
            }),
            _ => true,
        });
        edits.extend(
            self.selection
                .nodes
                .iter()
                .map(|id| Edit::RemoveNode { id: id.clone() }),
        );
        if self.apply(Edit::Batch(edits)) {
            self.selection.clear();
        }
    }

    /// Selects every node, zone and edge.
    pub fn select_all(&mut self) {
        self.selection.nodes = self.doc.nodes.iter().map(|node| node.id.clone()).collect();
        self.selection.edges = self.doc.edges.iter().map(|edge| edge.id.clone()).collect();
    }

    /// Copies the selected nodes and zones, and the edges between them, with the contents
    /// of selected zones.
    pub fn copy_selection(&mut self) {
        if self.selection.nodes.is_empty() {
            return;
        }
        let graph = Graph::new(&self.doc);
        let mut copied: BTreeSet<usize> = BTreeSet::new();
        for id in &self.selection.nodes {
            if let Some(ix) = graph.ix(id) {
                copied.insert(ix);
                copied.extend(graph.descendants(ix));
            }
        }
        let ids: BTreeSet<&str> = copied.iter().map(|&ix| graph.id(ix)).collect();

        // Order parents before children, so each pasted node's parent already exists.
        let mut nodes: Vec<Node> = copied
            .iter()
            .map(|&ix| self.doc.nodes[ix].clone())
            .collect();
        nodes.sort_by_key(|node| graph.ix(&node.id).map_or(0, |ix| graph.zones_of(ix).len()));

        let edges: Vec<Edge> = self
            .doc
            .edges
            .iter()
            .filter(|edge| ids.contains(edge.from.as_str()) && ids.contains(edge.to.as_str()))
            .cloned()
            .collect();
        let text = clipboard_text(&self.doc.name, &nodes, &edges);
        self.clipboard = Clipboard {
            nodes,
            edges,
            text,
            text_pending: true,
        };
    }

    /// Pastes on the system's paste command, whose `text` is the system clipboard's: the
    /// window's own copy when the text is the one it put there, or else the nodes and edges
    /// of any model text. Other text pastes nothing, and the status bar shows why.
    pub fn paste_text(&mut self, text: &str) {
        if !self.clipboard.nodes.is_empty() && text == self.clipboard.text {
            self.paste();
            return;
        }
        match load::load_str(text, "the clipboard") {
            Ok(doc) if !doc.nodes.is_empty() => {
                self.clipboard = Clipboard {
                    nodes: doc.nodes,
                    edges: doc.edges,
                    text: text.to_owned(),
                    text_pending: false,
                };
                self.paste();
            }
            Ok(_) => self.edit_error = Some("The clipboard's model has no nodes.".to_owned()),
            Err(err) => {
                log::info!("nothing pasted: {err}");
                self.edit_error =
                    Some("Nothing pasted: the clipboard holds no Trustmap model.".to_owned());
            }
        }
    }

    /// Pastes the copied items with fresh ids, shifted so they do not hide the originals,
    /// and selects the copies. A copied node keeps its zone when that zone still exists.
    pub fn paste(&mut self) {
        if self.clipboard.nodes.is_empty() {
            return;
        }
        let clipboard = self.clipboard.clone();
        let offset = self.free_paste_offset(&clipboard.nodes);
        let mut renamed: HashMap<String, String> = HashMap::new();
        let mut edits = Vec::new();
        let mut taken: BTreeSet<String> = BTreeSet::new();

        for node in &clipboard.nodes {
            let id = self.fresh_copy_id(&node.id, &mut taken);
            renamed.insert(node.id.clone(), id.clone());
            let mut copy = node.clone();
            copy.id = id;
            copy.position = Point::new(node.position.x + offset, node.position.y + offset);
            copy.parent = node.parent.as_ref().and_then(|parent| {
                renamed
                    .get(parent)
                    .cloned()
                    .or_else(|| self.doc.node(parent).map(|_| parent.clone()))
            });
            edits.push(Edit::AddNode {
                node: copy,
                index: self.doc.nodes.len() + edits.len(),
            });
        }
        let mut edge_ids = Vec::new();
        for edge in &clipboard.edges {
            let (Some(from), Some(to)) = (renamed.get(&edge.from), renamed.get(&edge.to)) else {
                continue;
            };
            let id = self.fresh_copy_id(&edge.id, &mut taken);
            edge_ids.push(id.clone());
            edits.push(Edit::AddEdge {
                edge: Edge {
                    id,
                    from: from.clone(),
                    to: to.clone(),
                    kind: edge.kind.clone(),
                },
                index: self.doc.edges.len() + edge_ids.len() - 1,
            });
        }

        if self.apply(Edit::Batch(edits)) {
            self.selection.clear();
            self.selection.nodes.extend(renamed.into_values());
            self.selection.edges.extend(edge_ids);
            // Pasting again shifts the next copies further.
            for node in &mut self.clipboard.nodes {
                node.position = Point::new(node.position.x + offset, node.position.y + offset);
            }
        }
    }

    /// Returns the smallest multiple of [`PASTE_OFFSET`], down and to the right, that puts
    /// no pasted node's corner on an existing node's corner, so no copy hides a node.
    fn free_paste_offset(&self, nodes: &[Node]) -> f32 {
        let occupied = self.occupied_corners();
        (1..=100)
            .map(|step| step as f32 * PASTE_OFFSET)
            .find(|&offset| {
                !nodes.iter().any(|node| {
                    occupied.contains(&corner_key(
                        node.position.x + offset,
                        node.position.y + offset,
                    ))
                })
            })
            .unwrap_or(PASTE_OFFSET)
    }

    /// Returns the corners of every node, each rounded to the whole world unit, so that a
    /// search for a free place looks each one up instead of scanning every node.
    fn occupied_corners(&self) -> HashSet<(i64, i64)> {
        self.doc
            .nodes
            .iter()
            .map(|node| corner_key(node.position.x, node.position.y))
            .collect()
    }

    /// Returns `{stem}-copy-{n}` with the smallest `n` unused in the document and in
    /// `taken`, and adds it to `taken`.
    fn fresh_copy_id(&self, stem: &str, taken: &mut BTreeSet<String>) -> String {
        let id = (1..)
            .map(|number| format!("{stem}-copy-{number}"))
            .find(|id| {
                !taken.contains(id) && self.doc.node(id).is_none() && self.doc.edge(id).is_none()
            })
            .unwrap_or_else(|| format!("{stem}-copy"));
        taken.insert(id.clone());
        id
    }
}
