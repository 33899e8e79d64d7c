//! What holding one principal's credentials gives directly, before any search: its groups,
//! the identities it leads to, its grants, the data store logins its secrets hold and the
//! services it can call through drawn flows.
//!
//! An expansion depends only on the principal and the graph, so it is built once per
//! principal and reused by every compromised identity whose search holds that principal.
//! Grants are kept as grant edges rather than expanded into their targets, because a grant
//! on a zone or on `*` covers many nodes and a group's grants are shared by every member.

use std::ops::Range;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef as _;

use crate::document::{ExternalSort, IdentitySort, NodeKind};
use crate::graph::{EdgeIx, Graph, NodeIx};

use super::access::{Bits, READ, closure};

/// Marks a missing index: no edge before the start of a path, no group on a hop.
pub(super) const NONE: u32 = u32::MAX;

/// One step of an evidence path: the edge taken and the node it leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Step {
    /// Edge index, or [`NONE`] for the start of a path.
    pub edge: u32,
    /// Node index.
    pub node: u32,
}

impl Step {
    /// Creates a step along an edge to a node.
    pub fn new(edge: EdgeIx, node: NodeIx) -> Self {
        Self {
            edge: index_u32(edge),
            node: index_u32(node),
        }
    }

    /// Creates the first step of a path, which takes no edge.
    pub fn start(node: NodeIx) -> Self {
        Self {
            edge: NONE,
            node: index_u32(node),
        }
    }
}

/// Converts an index to `u32`. The document limits (200,000 nodes, 1,000,000 edges) keep
/// every index far below `u32::MAX`; a larger one saturates rather than wrapping.
pub(super) fn index_u32(ix: usize) -> u32 {
    u32::try_from(ix).unwrap_or(NONE - 1)
}

/// A range of an arena, small enough to copy.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn between(start: usize, end: usize) -> Self {
        Self {
            start: index_u32(start),
            end: index_u32(end),
        }
    }

    /// Returns the indices of the arena the span covers.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A group a principal is a member of, with the shortest chain of member-of edges to it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Membership {
    /// The group.
    pub group: NodeIx,
    /// Steps from the principal (excluded) to the group (included), in the steps arena.
    pub chain: Span,
}

/// The kind of link from one principal to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LinkKind {
    /// An association: the two act as one workload identity, in both directions.
    Association,
    /// A can-assume edge of the principal or of one of its groups.
    Assumption,
    /// Read on a secret that unlocks the other principal's credentials.
    Unlock,
}

/// The steps from a principal to what it gives: first the member-of chain to one of its
/// groups (when a group gives it), then up to two steps of the principal's or group's own.
#[derive(Clone, Copy, Debug)]
pub(super) struct Hop {
    /// Index of the membership in the memberships arena, or [`NONE`].
    pub membership: u32,
    /// The steps after the membership chain.
    pub tail: [Step; 2],
    /// How many steps of `tail` are used.
    pub tail_len: u8,
}

impl Hop {
    fn new(membership: u32, tail: &[Step]) -> Self {
        let mut steps = [Step::start(0); 2];
        steps[..tail.len()].copy_from_slice(tail);
        Self {
            membership,
            tail: steps,
            tail_len: tail.len() as u8,
        }
    }

    /// Returns the steps after the membership chain.
    pub fn tail(&self) -> &[Step] {
        &self.tail[..usize::from(self.tail_len)]
    }
}

/// A principal that holding another one gives.
#[derive(Clone, Copy, Debug)]
pub(super) struct Link {
    /// The principal it leads to.
    pub target: NodeIx,
    /// How.
    pub kind: LinkKind,
    /// The trust policy requires MFA (only for assumptions).
    pub mfa_required: bool,
    /// The steps to the target.
    pub hop: Hop,
}

/// A grant the principal holds, its own or through one of its groups.
#[derive(Clone, Copy, Debug)]
pub(super) struct GrantUse {
    /// The grants edge.
    pub edge: EdgeIx,
    /// The membership that gives it, or [`NONE`] for the principal's own grant.
    pub membership: u32,
    /// The granted actions, closed under implication, before the boundary cuts them.
    pub bits: Bits,
}

/// A node the principal reaches along a fixed hop: a data store through a login, or a
/// service through a drawn flow.
#[derive(Clone, Copy, Debug)]
pub(super) struct Reach {
    /// The node reached.
    pub node: NodeIx,
    /// The steps to it.
    pub hop: Hop,
}

/// The ranges of one principal's expansion in the arenas.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Expansion {
    /// Its groups.
    pub memberships: Span,
    /// The principals it leads to.
    pub links: Span,
    /// Its grants and its groups' grants.
    pub grants: Span,
    /// Data stores whose login it reads from a secret.
    pub logins: Span,
    /// Services it can call through flows from services that run as it.
    pub calls: Span,
}

/// The expansions of every principal met so far, in shared arenas.
pub(super) struct Expansions {
    index: Vec<u32>,
    list: Vec<Expansion>,
    /// Memberships of every expanded principal.
    pub memberships: Vec<Membership>,
    /// Steps of the membership chains.
    pub steps: Vec<Step>,
    /// Links of every expanded principal.
    pub links: Vec<Link>,
    /// Grant uses of every expanded principal.
    pub grants: Vec<GrantUse>,
    /// Logins of every expanded principal.
    pub logins: Vec<Reach>,
    /// Calls of every expanded principal.
    pub calls: Vec<Reach>,
    visited: Vec<u32>,
    generation: u32,
}

impl Expansions {
    /// Creates an empty cache for a graph with this many nodes.
    pub fn new(node_count: usize) -> Self {
        Self {
            index: vec![NONE; node_count],
            list: Vec::new(),
            memberships: Vec::new(),
            steps: Vec::new(),
            links: Vec::new(),
            grants: Vec::new(),
            logins: Vec::new(),
            calls: Vec::new(),
            visited: vec![0; node_count],
            generation: 0,
        }
    }

    /// Returns the expansion of a principal, building it on first use.
    pub fn get(&mut self, graph: &Graph<'_>, principal: NodeIx) -> Expansion {
        if let Some(&expansion) = self.list.get(self.index[principal] as usize) {
            return expansion;
        }
        let expansion = self.build(graph, principal);
        self.index[principal] = index_u32(self.list.len());
        self.list.push(expansion);
        expansion
    }

    /// Returns the number of steps in a hop.
    pub fn hop_len(&self, hop: &Hop) -> u32 {
        let chain = match hop.membership {
            NONE => 0,
            ix => {
                self.memberships[ix as usize].chain.end - self.memberships[ix as usize].chain.start
            }
        };
        chain + u32::from(hop.tail_len)
    }

    /// Appends the steps of a hop to a path.
    pub fn push_hop(&self, hop: &Hop, path: &mut Vec<Step>) {
        if hop.membership != NONE {
            self.push_chain(hop.membership, path);
        }
        path.extend_from_slice(hop.tail());
    }

    /// Appends the member-of chain of a membership to a path.
    pub fn push_chain(&self, membership: u32, path: &mut Vec<Step>) {
        let chain = self.memberships[membership as usize].chain;
        path.extend_from_slice(&self.steps[chain.range()]);
    }

    fn build(&mut self, graph: &Graph<'_>, principal: NodeIx) -> Expansion {
        let memberships = self.collect_memberships(graph, principal);

        // NOTE: each member gets its own copy of its groups' grants and can-assume edges, so
        // memory grows with members times group edges. A group shared by thousands of
        // identities and holding thousands of grants would cost millions of entries.
        let grants_start = self.grants.len();
        self.push_grants(graph, principal, NONE);
        for membership in memberships.range() {
            let group = self.memberships[membership].group;
            self.push_grants(graph, group, index_u32(membership));
        }
        let grants = Span::between(grants_start, self.grants.len());

        let links_start = self.links.len();
        self.push_associations(graph, principal);
        self.push_assumptions(graph, principal, NONE);
        for membership in memberships.range() {
            let group = self.memberships[membership].group;
            self.push_assumptions(graph, group, index_u32(membership));
        }
        let logins_start = self.logins.len();
        self.push_secrets(graph, principal, grants);
        let links = Span::between(links_start, self.links.len());
        let logins = Span::between(logins_start, self.logins.len());

        let calls_start = self.calls.len();
        self.push_calls(graph, principal);
        let calls = Span::between(calls_start, self.calls.len());

        Expansion {
            memberships,
            links,
            grants,
            logins,
            calls,
        }
    }

    /// Collects every group the principal is a member of, directly or through other groups,
    /// each with its shortest member-of chain (ties broken by the node ids along the chain,
    /// then by edge order).
    fn collect_memberships(&mut self, graph: &Graph<'_>, principal: NodeIx) -> Span {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.visited.fill(0);
            self.generation = 1;
        }
        let generation = self.generation;
        self.visited[principal] = generation;

        let start = self.memberships.len();
        if graph.out_edges(principal).member_of.is_empty() {
            return Span::between(start, start);
        }
        // The frontier contains (membership index, node), sorted by chain in path order.
        let mut frontier = vec![(NONE, principal)];
        while !frontier.is_empty() {
            let mut level = Vec::new();
            for (position, &(_, node)) in frontier.iter().enumerate() {
                for &edge in &graph.out_edges(node).member_of {
                    let Some((_, group)) = graph.ends(edge) else {
                        continue;
                    };
                    if !is_group(&graph.node(group).kind) || self.visited[group] == generation {
                        continue;
                    }
                    self.visited[group] = generation;
                    level.push((position, group, edge));
                }
            }
            level.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| graph.id(a.1).cmp(graph.id(b.1))));

            let mut next = Vec::with_capacity(level.len());
            for (position, group, edge) in level {
                let parent = frontier[position].0;
                let chain_start = self.steps.len();
                if parent != NONE {
                    let chain = self.memberships[parent as usize].chain;
                    self.steps.extend_from_within(chain.range());
                }
                self.steps.push(Step::new(edge, group));
                let chain = Span::between(chain_start, self.steps.len());
                next.push((index_u32(self.memberships.len()), group));
                self.memberships.push(Membership { group, chain });
            }
            frontier = next;
        }
        Span::between(start, self.memberships.len())
    }

    fn push_grants(&mut self, graph: &Graph<'_>, holder: NodeIx, membership: u32) {
        for &edge in &graph.out_edges(holder).grants {
            let bits = closure(graph.grant_actions(edge));
            if bits != 0 {
                self.grants.push(GrantUse {
                    edge,
                    membership,
                    bits,
                });
            }
        }
    }

    /// Pushes the principal's associations, which join it to another identity whichever
    /// end of the edge it is on.
    fn push_associations(&mut self, graph: &Graph<'_>, principal: NodeIx) {
        let edges = graph.out_edges(principal).can_assume.iter();
        let incoming = graph.in_edges(principal).can_assume.iter();
        for &edge in edges.chain(incoming) {
            if !graph.can_assume(edge).association {
                continue;
            }
            let Some((from, to)) = graph.ends(edge) else {
                continue;
            };
            let other = if from == principal { to } else { from };
            if other != principal && is_principal(&graph.node(other).kind) {
                self.links.push(Link {
                    target: other,
                    kind: LinkKind::Association,
                    mfa_required: false,
                    hop: Hop::new(NONE, &[Step::new(edge, other)]),
                });
            }
        }
    }

    /// Pushes the can-assume edges of a principal, or of one of its groups. A group's
    /// association is followed as an ordinary assumption: only the principal itself acts as
    /// one workload identity with its associated identity.
    fn push_assumptions(&mut self, graph: &Graph<'_>, holder: NodeIx, membership: u32) {
        for &edge in &graph.out_edges(holder).can_assume {
            let condition = graph.can_assume(edge);
            if condition.association && membership == NONE {
                continue;
            }
            let Some((_, target)) = graph.ends(edge) else {
                continue;
            };
            if is_principal(&graph.node(target).kind) {
                self.links.push(Link {
                    target,
                    kind: LinkKind::Assumption,
                    mfa_required: condition.mfa_required,
                    hop: Hop::new(membership, &[Step::new(edge, target)]),
                });
            }
        }
    }

    /// Pushes what the secrets that the principal can read unlock: principals become links,
    /// data stores become logins.
    fn push_secrets(&mut self, graph: &Graph<'_>, principal: NodeIx, grants: Span) {
        for use_ix in grants.range() {
            let grant = self.grants[use_ix];
            if grant.bits & READ == 0 {
                continue;
            }
            for &secret in graph.grant_targets(grant.edge) {
                let is_secret = matches!(graph.node(secret).kind, NodeKind::Secret(_));
                if !is_secret
                    || !graph.boundary_allows(principal, crate::document::Action::Read, secret)
                {
                    continue;
                }
                for &unlock in &graph.out_edges(secret).unlocks {
                    let Some((_, target)) = graph.ends(unlock) else {
                        continue;
                    };
                    let tail = [Step::new(grant.edge, secret), Step::new(unlock, target)];
                    let hop = Hop::new(grant.membership, &tail);
                    match &graph.node(target).kind {
                        NodeKind::DataStore(_) => self.logins.push(Reach { node: target, hop }),
                        kind if is_principal(kind) => self.links.push(Link {
                            target,
                            kind: LinkKind::Unlock,
                            mfa_required: false,
                            hop,
                        }),
                        _ => {}
                    }
                }
            }
        }
    }

    /// Pushes the services that drawn flows reach from a service running as the principal.
    /// Calling a service does not compromise it, so nothing continues from the callee.
    fn push_calls(&mut self, graph: &Graph<'_>, principal: NodeIx) {
        for &runs_as in &graph.in_edges(principal).runs_as {
            let Some((caller, _)) = graph.ends(runs_as) else {
                continue;
            };
            // Calls may be collected in any order: ties between evidence paths are broken
            // later by comparing the paths themselves.
            let flows = graph.flows.edges(NodeIndex::new(caller));
            for (flow, callee) in flows.map(|edge| (*edge.weight(), edge.target().index())) {
                let callee_is_service = matches!(graph.node(callee).kind, NodeKind::Service(_));
                if callee_is_service && !flow_is_closed(graph, flow) {
                    let tail = [Step::new(runs_as, caller), Step::new(flow, callee)];
                    self.calls.push(Reach {
                        node: callee,
                        hop: Hop::new(NONE, &tail),
                    });
                }
            }
        }
        // A service whose Cedar store permits the principal a flow's action under the
        // worst-case context is callable, drawn flow from a held workload or not.
        for &(flow, callee) in graph.cedar().calls(principal) {
            self.calls.push(Reach {
                node: callee,
                hop: Hop::new(NONE, &[Step::new(flow, callee)]),
            });
        }
    }
}

/// Returns whether a flow carries no request at all because its Cedar store permits the
/// action to no principal.
fn flow_is_closed(graph: &Graph<'_>, flow: EdgeIx) -> bool {
    graph.cedar().is_closed(flow)
}

/// Returns whether a node can be compromised and held: an identity or a workforce user.
pub(super) fn is_principal(kind: &NodeKind) -> bool {
    matches!(
        kind,
        NodeKind::Identity(_)
            | NodeKind::External(crate::document::External {
                sort: ExternalSort::WorkforceUser { .. }
            })
    )
}

/// Returns whether a node is a group whose members hold its grants: an identity group or a
/// workforce group.
pub(super) fn is_group(kind: &NodeKind) -> bool {
    match kind {
        NodeKind::Identity(identity) => identity.sort == IdentitySort::Group,
        NodeKind::External(external) => external.sort == ExternalSort::WorkforceGroup,
        _ => false,
    }
}
