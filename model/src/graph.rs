//! The graph view of a document: integer indices, the flow graph as a petgraph `DiGraph`,
//! and the identity relations as adjacency lists, built once and read by the whole review.
//!
//! Node indices are positions in [`Document::nodes`] and edge indices positions in
//! [`Document::edges`], so a [`NodeIx`] is also a `petgraph` node index of [`Graph::flows`].
//! The view tolerates a document that has not been validated: an edge whose ends do not
//! resolve is left out, and a zone cycle ends the parent chain where it would repeat.

use foldhash::HashMap;
use globset::{Candidate, Glob, GlobSetBuilder};
use petgraph::graph::{DiGraph, NodeIndex};

use crate::document::{
    Action, BoundaryRule, CanAssume, DataClass, Document, Edge, EdgeKind, Flow, Node, NodeKind,
    ZoneSort,
};

/// Index of a node or zone in [`Document::nodes`].
pub type NodeIx = usize;

/// Index of an edge in [`Document::edges`].
pub type EdgeIx = usize;

/// A read-only, indexed view of a document.
pub struct Graph<'a> {
    /// The document this view reads.
    pub doc: &'a Document,
    /// Flows only: node weights are node indices, edge weights edge indices. Node `i` of
    /// this graph is node `i` of the document.
    pub flows: DiGraph<NodeIx, EdgeIx>,
    index: HashMap<&'a str, NodeIx>,
    parent: Vec<Option<NodeIx>>,
    children: Vec<Vec<NodeIx>>,
    out_by_kind: Vec<OutEdges>,
    in_by_kind: Vec<OutEdges>,
    /// The resolved source and target of every edge, by edge index (`None` where either end
    /// is not a node id, as for a grant on a glob).
    ends: Vec<Option<(NodeIx, NodeIx)>>,
    grant_targets: HashMap<EdgeIx, Vec<NodeIx>>,
    boundaries: Vec<Option<Vec<CompiledBoundaryRule>>>,
    globs: Globs,
    crown_jewel: Vec<bool>,
    cedar: crate::policy::Facts,
}

/// The non-flow edges at one node, by kind, as edge indices in document order.
#[derive(Clone, Debug, Default)]
pub struct OutEdges {
    /// Can-assume edges.
    pub can_assume: Vec<EdgeIx>,
    /// Member-of edges.
    pub member_of: Vec<EdgeIx>,
    /// Grants edges.
    pub grants: Vec<EdgeIx>,
    /// Runs-as edges.
    pub runs_as: Vec<EdgeIx>,
    /// Unlocks edges.
    pub unlocks: Vec<EdgeIx>,
    /// Encrypted-by edges.
    pub encrypted_by: Vec<EdgeIx>,
}

struct CompiledBoundaryRule {
    actions: Vec<Action>,
    targets: Vec<Pattern>,
}

/// A grant target or boundary pattern, resolved against the document's node ids.
#[derive(Clone, Copy)]
enum Pattern {
    /// `*`: every node.
    Everything,
    /// One node id, or `None` when no node has it.
    Exact(Option<NodeIx>),
    /// A glob, by its index in [`Globs`].
    Glob(usize),
}

/// Every distinct glob of the document's grants and boundaries, with the nodes each matches.
///
/// The globs are matched together, once per node id, through one `GlobSet`: matching each
/// glob against every id separately costs one regex search per pair and dominated the time
/// to build the view of a large model.
#[derive(Default)]
struct Globs {
    index: HashMap<String, usize>,
    members: Vec<Vec<NodeIx>>,
}

impl Globs {
    fn new<'t>(doc: &Document, texts: impl IntoIterator<Item = &'t str>) -> Self {
        let mut globs = Self::default();
        let mut builder = GlobSetBuilder::new();
        let mut set_to_glob = Vec::new();
        for text in texts {
            if text == "*" || !is_glob(text) || globs.index.contains_key(text) {
                continue;
            }
            let glob_ix = globs.members.len();
            globs.index.insert(text.to_owned(), glob_ix);
            globs.members.push(Vec::new());
            // An invalid glob matches nothing; loading rejects it with its position.
            if let Ok(glob) = Glob::new(text) {
                builder.add(glob);
                set_to_glob.push(glob_ix);
            }
        }
        let Ok(set) = builder.build() else {
            return globs;
        };

        let mut matched = Vec::new();
        for (ix, node) in doc.nodes.iter().enumerate() {
            set.matches_candidate_into(&Candidate::new(&node.id), &mut matched);
            for &set_ix in &matched {
                globs.members[set_to_glob[set_ix]].push(ix);
            }
        }
        globs
    }
}

/// Returns whether a grant target or boundary pattern is a glob rather than a node id.
pub fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

impl<'a> Graph<'a> {
    /// Builds the view of a document.
    pub fn new(doc: &'a Document) -> Self {
        let node_count = doc.nodes.len();
        let mut index = HashMap::with_capacity_and_hasher(node_count, Default::default());
        for (ix, node) in doc.nodes.iter().enumerate() {
            index.entry(node.id.as_str()).or_insert(ix);
        }

        let mut parent: Vec<Option<NodeIx>> = doc
            .nodes
            .iter()
            .map(|node| {
                let parent_ix = *index.get(node.parent.as_deref()?)?;
                doc.nodes[parent_ix].is_zone().then_some(parent_ix)
            })
            .collect();
        cut_parent_cycles(&mut parent);
        let mut children = vec![Vec::new(); node_count];
        for (ix, parent_ix) in parent.iter().enumerate() {
            if let Some(parent_ix) = parent_ix {
                children[*parent_ix].push(ix);
            }
        }

        let mut flows = DiGraph::with_capacity(node_count, doc.edges.len());
        for ix in 0..node_count {
            flows.add_node(ix);
        }
        let mut out_by_kind = vec![OutEdges::default(); node_count];
        let mut in_by_kind = vec![OutEdges::default(); node_count];
        let mut grant_edges = Vec::new();
        let mut ends = vec![None; doc.edges.len()];
        for (edge_ix, edge) in doc.edges.iter().enumerate() {
            let Some(&from) = index.get(edge.from.as_str()) else {
                continue;
            };
            if let EdgeKind::Grants(_) = edge.kind {
                ends[edge_ix] = index.get(edge.to.as_str()).map(|&to| (from, to));
                out_by_kind[from].grants.push(edge_ix);
                grant_edges.push(edge_ix);
                continue;
            }
            let Some(&to) = index.get(edge.to.as_str()) else {
                continue;
            };
            ends[edge_ix] = Some((from, to));
            let (out, incoming) = (&mut out_by_kind[from], &mut in_by_kind[to]);
            match edge.kind {
                EdgeKind::Flow(_) => {
                    flows.add_edge(NodeIndex::new(from), NodeIndex::new(to), edge_ix);
                }
                EdgeKind::CanAssume(_) => {
                    out.can_assume.push(edge_ix);
                    incoming.can_assume.push(edge_ix);
                }
                EdgeKind::MemberOf => {
                    out.member_of.push(edge_ix);
                    incoming.member_of.push(edge_ix);
                }
                EdgeKind::RunsAs => {
                    out.runs_as.push(edge_ix);
                    incoming.runs_as.push(edge_ix);
                }
                EdgeKind::Unlocks => {
                    out.unlocks.push(edge_ix);
                    incoming.unlocks.push(edge_ix);
                }
                EdgeKind::EncryptedBy => {
                    out.encrypted_by.push(edge_ix);
                    incoming.encrypted_by.push(edge_ix);
                }
                EdgeKind::Grants(_) => unreachable!("grants are indexed above"),
            }
        }

        let crown_jewel = doc.nodes.iter().map(Node::is_crown_jewel).collect();
        let boundary_targets = doc.nodes.iter().flat_map(|node| match &node.kind {
            NodeKind::Identity(identity) => identity.boundary.as_deref().unwrap_or_default(),
            _ => &[],
        });
        let glob_texts = grant_edges
            .iter()
            .map(|&edge_ix| doc.edges[edge_ix].to.as_str())
            .chain(boundary_targets.flat_map(|rule| rule.targets.iter().map(String::as_str)));
        let globs = Globs::new(doc, glob_texts);

        let mut graph = Self {
            doc,
            flows,
            index,
            parent,
            children,
            out_by_kind,
            in_by_kind,
            ends,
            grant_targets: HashMap::default(),
            boundaries: Vec::new(),
            globs,
            crown_jewel,
            cedar: crate::policy::Facts::default(),
        };
        graph.boundaries = doc
            .nodes
            .iter()
            .map(|node| match &node.kind {
                NodeKind::Identity(identity) => identity
                    .boundary
                    .as_ref()
                    .map(|rules| graph.compile_boundary(rules)),
                _ => None,
            })
            .collect();
        graph.grant_targets = graph.resolve_grant_targets(&grant_edges);
        graph
    }

    fn resolve_grant_targets(&self, grant_edges: &[EdgeIx]) -> HashMap<EdgeIx, Vec<NodeIx>> {
        let mut by_pattern: HashMap<&str, Vec<NodeIx>> = HashMap::default();
        let mut targets = HashMap::with_capacity_and_hasher(grant_edges.len(), Default::default());
        for &edge_ix in grant_edges {
            let pattern = self.doc.edges[edge_ix].to.as_str();
            let covered = by_pattern
                .entry(pattern)
                .or_insert_with(|| self.nodes_covered_by(pattern))
                .clone();
            targets.insert(edge_ix, covered);
        }
        targets
    }

    /// Returns the nodes a grant target covers, in index order: the node itself, every node
    /// inside a zone (the zone included), every node whose id matches a glob, or every node
    /// for `*`. A glob that no grant or boundary of the document uses is matched on the spot.
    pub fn nodes_covered_by(&self, target: &str) -> Vec<NodeIx> {
        match self.pattern(target) {
            Pattern::Everything => (0..self.doc.nodes.len()).collect(),
            Pattern::Glob(glob_ix) => self.globs.members[glob_ix].clone(),
            Pattern::Exact(None) if is_glob(target) => self.match_glob_on_the_spot(target),
            Pattern::Exact(None) => Vec::new(),
            Pattern::Exact(Some(ix)) => {
                let mut covered = self.descendants(ix);
                covered.push(ix);
                covered.sort_unstable();
                covered
            }
        }
    }

    fn match_glob_on_the_spot(&self, text: &str) -> Vec<NodeIx> {
        let Ok(glob) = Glob::new(text) else {
            return Vec::new();
        };
        let matcher = glob.compile_matcher();
        (0..self.doc.nodes.len())
            .filter(|&ix| matcher.is_match(&self.doc.nodes[ix].id))
            .collect()
    }

    /// Resolves a grant target or boundary pattern against the globs collected when the view
    /// was built; any other glob resolves to no node.
    fn pattern(&self, text: &str) -> Pattern {
        if text == "*" {
            return Pattern::Everything;
        }
        if !is_glob(text) {
            return Pattern::Exact(self.ix(text));
        }
        match self.globs.index.get(text) {
            Some(&glob_ix) => Pattern::Glob(glob_ix),
            None => Pattern::Exact(None),
        }
    }

    fn pattern_matches(&self, pattern: Pattern, ix: NodeIx) -> bool {
        match pattern {
            Pattern::Everything => true,
            Pattern::Exact(exact) => exact == Some(ix),
            Pattern::Glob(glob_ix) => self.globs.members[glob_ix].binary_search(&ix).is_ok(),
        }
    }

    fn compile_boundary(&self, rules: &[BoundaryRule]) -> Vec<CompiledBoundaryRule> {
        rules
            .iter()
            .map(|rule| CompiledBoundaryRule {
                actions: rule.actions.clone(),
                targets: rule
                    .targets
                    .iter()
                    .map(|target| self.pattern(target))
                    .collect(),
            })
            .collect()
    }

    /// Returns the index of the node or zone with this id.
    pub fn ix(&self, id: &str) -> Option<NodeIx> {
        self.index.get(id).copied()
    }

    /// Returns the node or zone at this index.
    pub fn node(&self, ix: NodeIx) -> &'a Node {
        &self.doc.nodes[ix]
    }

    /// Returns the id of the node or zone at this index.
    pub fn id(&self, ix: NodeIx) -> &'a str {
        &self.doc.nodes[ix].id
    }

    /// Returns the edge at this index.
    pub fn edge(&self, edge_ix: EdgeIx) -> &'a Edge {
        &self.doc.edges[edge_ix]
    }

    /// Returns the number of nodes and zones.
    pub fn node_count(&self) -> usize {
        self.doc.nodes.len()
    }

    /// Returns the flow of a flow edge.
    ///
    /// # Panics
    /// When the edge is not a flow.
    pub fn flow(&self, edge_ix: EdgeIx) -> &'a Flow {
        match &self.doc.edges[edge_ix].kind {
            EdgeKind::Flow(flow) => flow,
            other => panic!("edge {edge_ix} is a {} edge, not a flow", other.name()),
        }
    }

    /// Returns the conditions of a can-assume edge.
    ///
    /// # Panics
    /// When the edge is not a can-assume edge.
    pub fn can_assume(&self, edge_ix: EdgeIx) -> &'a CanAssume {
        match &self.doc.edges[edge_ix].kind {
            EdgeKind::CanAssume(condition) => condition,
            other => panic!("edge {edge_ix} is a {} edge, not can assume", other.name()),
        }
    }

    /// Returns the actions of a grants edge.
    ///
    /// # Panics
    /// When the edge is not a grants edge.
    pub fn grant_actions(&self, edge_ix: EdgeIx) -> &'a [Action] {
        match &self.doc.edges[edge_ix].kind {
            EdgeKind::Grants(grant) => &grant.actions,
            other => panic!("edge {edge_ix} is a {} edge, not grants", other.name()),
        }
    }

    /// Returns the nodes a grants edge covers, in index order (empty for other edges).
    pub fn grant_targets(&self, edge_ix: EdgeIx) -> &[NodeIx] {
        self.grant_targets
            .get(&edge_ix)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Returns the source and target node of a resolved edge. A grant whose target is a glob
    /// or `*` has no single target: see [`Graph::grant_targets`].
    pub fn ends(&self, edge_ix: EdgeIx) -> Option<(NodeIx, NodeIx)> {
        self.ends.get(edge_ix).copied().flatten()
    }

    /// Returns the non-flow edges leaving a node, by kind.
    pub fn out_edges(&self, ix: NodeIx) -> &OutEdges {
        &self.out_by_kind[ix]
    }

    /// Returns the non-flow edges arriving at a node, by kind (grants excepted, which may
    /// target many nodes: see [`Graph::grant_targets`]).
    pub fn in_edges(&self, ix: NodeIx) -> &OutEdges {
        &self.in_by_kind[ix]
    }

    /// Returns the flows leaving a node as (edge index, callee), in document order.
    pub fn flows_out(&self, ix: NodeIx) -> Vec<(EdgeIx, NodeIx)> {
        let mut flows: Vec<_> = self
            .flows
            .edges(NodeIndex::new(ix))
            .map(|edge| {
                (
                    *edge.weight(),
                    petgraph::visit::EdgeRef::target(&edge).index(),
                )
            })
            .collect();
        flows.sort_unstable();
        flows
    }

    /// Returns the flows arriving at a node as (edge index, caller), in document order.
    pub fn flows_in(&self, ix: NodeIx) -> Vec<(EdgeIx, NodeIx)> {
        let mut flows: Vec<_> = self
            .flows
            .edges_directed(NodeIndex::new(ix), petgraph::Direction::Incoming)
            .map(|edge| {
                (
                    *edge.weight(),
                    petgraph::visit::EdgeRef::source(&edge).index(),
                )
            })
            .collect();
        flows.sort_unstable();
        flows
    }

    /// Returns every flow edge as (edge index, caller, callee), in document order.
    pub fn all_flows(&self) -> Vec<(EdgeIx, NodeIx, NodeIx)> {
        let mut flows: Vec<_> = self
            .flows
            .raw_edges()
            .iter()
            .map(|edge| (edge.weight, edge.source().index(), edge.target().index()))
            .collect();
        flows.sort_unstable();
        flows
    }

    /// Returns the zone that directly contains a node.
    pub fn parent(&self, ix: NodeIx) -> Option<NodeIx> {
        self.parent[ix]
    }

    /// Returns the zones that contain a node, innermost first. A (rejected) zone cycle is cut
    /// when the view is built, so the chain never repeats a zone.
    pub fn zones_of(&self, ix: NodeIx) -> Vec<NodeIx> {
        self.ancestors(ix).collect()
    }

    /// Iterates over the zones that contain a node, innermost first.
    pub fn ancestors(&self, ix: NodeIx) -> impl Iterator<Item = NodeIx> + '_ {
        std::iter::successors(self.parent[ix], |&zone| self.parent[zone])
    }

    /// Returns the nearest zone containing a node (not the node itself) whose sort matches.
    pub fn nearest_zone(&self, ix: NodeIx, sort: impl Fn(&ZoneSort) -> bool) -> Option<NodeIx> {
        self.ancestors(ix)
            .find(|&zone| matches!(&self.node(zone).kind, NodeKind::Zone(z) if sort(&z.sort)))
    }

    /// Returns every node and zone inside a zone, at any depth, in index order.
    pub fn descendants(&self, zone: NodeIx) -> Vec<NodeIx> {
        let mut seen = vec![false; self.node_count()];
        seen[zone] = true;
        let mut stack = vec![zone];
        let mut found = Vec::new();
        while let Some(current) = stack.pop() {
            for &child in &self.children[current] {
                if !seen[child] {
                    seen[child] = true;
                    found.push(child);
                    stack.push(child);
                }
            }
        }
        found.sort_unstable();
        found
    }

    /// Returns the nodes and zones directly inside a zone, in index order.
    pub fn children(&self, zone: NodeIx) -> &[NodeIx] {
        &self.children[zone]
    }

    /// Returns the answers of the policy stores, as the review has set them (none asked
    /// until then).
    pub fn cedar(&self) -> &crate::policy::Facts {
        &self.cedar
    }

    /// Sets the answers of the policy stores.
    pub fn set_cedar(&mut self, facts: crate::policy::Facts) {
        self.cedar = facts;
    }

    /// Returns whether a node is a crown jewel.
    pub fn is_crown_jewel(&self, ix: NodeIx) -> bool {
        self.crown_jewel[ix]
    }

    /// Returns whether a node is internal: neither external nor a zone.
    pub fn is_internal(&self, ix: NodeIx) -> bool {
        !matches!(
            self.node(ix).kind,
            NodeKind::External(_) | NodeKind::Zone(_)
        )
    }

    /// Returns whether a flow exchanges restricted data.
    pub fn flow_is_restricted(&self, edge_ix: EdgeIx) -> bool {
        self.flow(edge_ix)
            .data_classes
            .iter()
            .any(|class| DataClass::is_restricted(*class))
    }

    /// Returns whether an identity's permission boundary allows this action on this node.
    /// An identity without a boundary is not capped. Admin in a boundary allows write, read
    /// and decrypt; write allows read.
    pub fn boundary_allows(&self, identity: NodeIx, action: Action, target: NodeIx) -> bool {
        let Some(rules) = &self.boundaries[identity] else {
            return true;
        };
        rules.iter().any(|rule| {
            rule.actions.iter().any(|&allowed| implies(allowed, action))
                && rule
                    .targets
                    .iter()
                    .any(|&pattern| self.pattern_matches(pattern, target))
        })
    }

    /// Returns whether an identity has a permission boundary.
    pub fn has_boundary(&self, identity: NodeIx) -> bool {
        self.boundaries[identity].is_some()
    }
}

/// Removes the parent link that closes each cycle of zones, walking from the nodes in index
/// order, so that every parent chain ends. Loading rejects zone cycles; this keeps a view of
/// an unvalidated document from looping.
fn cut_parent_cycles(parent: &mut [Option<NodeIx>]) {
    const UNSEEN: u8 = 0;
    const ON_WALK: u8 = 1;
    const DONE: u8 = 2;

    let mut state = vec![UNSEEN; parent.len()];
    let mut walk = Vec::new();
    for start in 0..parent.len() {
        let mut current = start;
        while state[current] == UNSEEN {
            state[current] = ON_WALK;
            walk.push(current);
            match parent[current] {
                Some(next) if state[next] == ON_WALK => parent[current] = None,
                Some(next) => current = next,
                None => {}
            }
        }
        for ix in walk.drain(..) {
            state[ix] = DONE;
        }
    }
}

/// Returns whether holding `held` gives `wanted`: admin gives write, read and decrypt;
/// write gives read; every action gives itself.
pub fn implies(held: Action, wanted: Action) -> bool {
    held == wanted
        || matches!(
            (held, wanted),
            (
                Action::Admin,
                Action::Write | Action::Read | Action::Decrypt
            ) | (Action::Write, Action::Read)
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Grant, Identity, IdentitySort, Service, Zone};

    fn zone(id: &str, parent: Option<&str>) -> Node {
        let mut node = Node::new(
            id,
            id,
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: true,
                cde: false,
            }),
        );
        node.parent = parent.map(str::to_owned);
        node
    }

    fn service(id: &str, parent: Option<&str>) -> Node {
        let mut node = Node::new(id, id, NodeKind::Service(Service::default()));
        node.parent = parent.map(str::to_owned);
        node
    }

    #[test]
    fn grant_on_zone_covers_nested_members() {
        let mut doc = Document::new("zones");
        doc.nodes = vec![
            zone("outer", None),
            zone("inner", Some("outer")),
            service("a", Some("inner")),
            service("b", None),
            Node::new(
                "role",
                "role",
                NodeKind::Identity(Identity {
                    sort: IdentitySort::IamRole,
                    credentials: Default::default(),
                    boundary: None,
                }),
            ),
        ];
        doc.edges = vec![Edge {
            id: "g".into(),
            from: "role".into(),
            to: "outer".into(),
            kind: EdgeKind::Grants(Grant {
                actions: vec![Action::Read],
            }),
        }];
        let graph = Graph::new(&doc);

        assert_eq!(graph.grant_targets(0), &[0, 1, 2]);
        assert_eq!(graph.zones_of(2), vec![1, 0]);
    }

    #[test]
    fn glob_target_matches_ids() {
        let mut doc = Document::new("globs");
        doc.nodes = vec![
            service("pay-api", None),
            service("pay-db", None),
            service("ledger", None),
        ];
        let graph = Graph::new(&doc);

        assert_eq!(graph.nodes_covered_by("pay-*"), vec![0, 1]);
        assert_eq!(graph.nodes_covered_by("*"), vec![0, 1, 2]);
        assert_eq!(graph.nodes_covered_by("missing"), Vec::<NodeIx>::new());
    }

    #[test]
    fn zone_cycle_ends_parent_chain() {
        let mut doc = Document::new("cycle");
        doc.nodes = vec![zone("a", Some("b")), zone("b", Some("a"))];
        let graph = Graph::new(&doc);

        assert_eq!(graph.zones_of(0), vec![1]);
    }

    #[test]
    fn action_implication() {
        assert!(implies(Action::Admin, Action::Read));
        assert!(implies(Action::Admin, Action::Decrypt));
        assert!(implies(Action::Write, Action::Read));
        assert!(!implies(Action::Read, Action::Write));
        assert!(!implies(Action::Write, Action::Decrypt));
        assert!(!implies(Action::Invoke, Action::Read));
    }

    #[test]
    fn boundary_glob_caps_actions_by_target() {
        let mut doc = Document::new("boundary");
        let mut role = Node::new(
            "role",
            "role",
            NodeKind::Identity(Identity {
                sort: IdentitySort::IamRole,
                credentials: Default::default(),
                boundary: Some(vec![BoundaryRule {
                    actions: vec![Action::Write],
                    targets: vec!["pay-*".into()],
                }]),
            }),
        );
        role.label = "Role".into();
        doc.nodes = vec![role, service("pay-db", None), service("ledger", None)];
        let graph = Graph::new(&doc);

        // Write on pay-* implies read there, and allows nothing on other ids.
        assert!(graph.boundary_allows(0, Action::Read, 1));
        assert!(graph.boundary_allows(0, Action::Write, 1));
        assert!(!graph.boundary_allows(0, Action::Admin, 1));
        assert!(!graph.boundary_allows(0, Action::Read, 2));
        assert!(
            graph.boundary_allows(1, Action::Admin, 2),
            "no boundary, no cap"
        );
    }
}
