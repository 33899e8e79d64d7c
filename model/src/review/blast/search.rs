//! The search that one compromised principal starts: which principals the holder ends up
//! holding, which nodes it reaches with which actions, and, when asked, the evidence path of
//! each.
//!
//! A [`Search`] is a reusable workspace. Its arrays are indexed by node and stamped with the
//! generation of the run that wrote them, so a run touches only what it reaches and the
//! ranking of every identity allocates nothing per identity. Evidence paths cost more (a
//! shortest-path search with ties broken by node ids), so a run records them only for the
//! nodes it is asked about.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use crate::document::{Action, ExternalSort, IdentitySort, NodeKind};
use crate::graph::{Graph, NodeIx};

use super::access::{
    ACTIONS, Bits, CONFIGURE, DECRYPT, HELD, LOGIN, MEMBER, READ, WRITE, bit, meaningful_on,
    read_needs_decrypt,
};
use super::expansion::{Expansions, Hop, Link, LinkKind, NONE, Step, index_u32};

/// The evidence paths a run records.
#[derive(Clone, Copy, Debug)]
pub(super) enum Record<'r> {
    /// None: counts and access only.
    Nothing,
    /// Every reached node's.
    All,
    /// Only these nodes'.
    Nodes(&'r [NodeIx]),
    /// Only these nodes', and the run gathers the access to these nodes alone: the bits of
    /// every other node stay empty.
    Only(&'r [NodeIx]),
}

/// The access a run gathers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    /// Everything the holder reaches.
    Everything,
    /// Only write and what leads to it: calls and group memberships are skipped, and so
    /// are grants without write. REV-2 needs no more.
    Writes,
}

/// What gives a node's access, relative to the principal that holds it.
#[derive(Clone, Copy, Debug)]
enum Source {
    /// A grant use, with the grant's target as the candidate's node.
    Grant(u32),
    /// A membership of a group.
    Membership(u32),
    /// A data store login read from a secret.
    Login(u32),
    /// A call through a drawn flow.
    Call(u32),
}

/// One way of reaching a node with some access: through a held principal, then a source.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    len: u32,
    principal: NodeIx,
    node: NodeIx,
    source: Source,
}

/// One grant use of a held principal, while its targets are gathered.
#[derive(Clone, Copy, Debug)]
struct GrantOn {
    principal: NodeIx,
    use_ix: usize,
    bits: Bits,
    len: u32,
    bounded: bool,
    own: bool,
}

/// The exposure of a node's data to the holder's read, and the key that decrypts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Exposure {
    /// The holder reads the data.
    pub exposed: bool,
    /// The holder can read the store but decrypt none of its keys.
    pub encrypted: bool,
    /// The key whose decrypt the read needed, when it needed one.
    pub key: Option<NodeIx>,
}

/// Counts for the ranking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Tally {
    /// Crown jewels with write or admin.
    pub written: usize,
    /// Crown jewels whose data is exposed.
    pub read: usize,
    /// Everything reached but the compromised principal itself.
    pub reached: usize,
}

/// Shortest paths from the compromised principal to the principals it holds.
#[derive(Default)]
struct PrincipalPaths {
    seen: Vec<u32>,
    settled: Vec<u32>,
    dist: Vec<u32>,
    /// The previous principal and the link from it.
    parent: Vec<(u32, u32)>,
}

impl PrincipalPaths {
    fn with_len(node_count: usize) -> Self {
        Self {
            seen: vec![0; node_count],
            settled: vec![0; node_count],
            dist: vec![0; node_count],
            parent: vec![(NONE, NONE); node_count],
        }
    }
}

/// What one run gives on one node, kept together so that an update touches one cache line.
#[derive(Clone, Copy, Debug, Default)]
struct NodeAccess {
    /// The run that wrote the other fields; they are stale under any other generation.
    generation: u32,
    /// Everything the run gives on the node.
    bits: Bits,
    /// What the run gives through the compromised principal's own identities.
    own_bits: Bits,
}

/// A reusable workspace for the searches of one graph.
pub(super) struct Search<'g, 'a> {
    graph: &'g Graph<'a>,
    expansions: Expansions,
    meaningful: Vec<Bits>,
    generation: u32,
    start: NodeIx,
    mfa: bool,
    principal_stamp: Vec<u32>,
    principal_own: Vec<bool>,
    held: Vec<NodeIx>,
    nodes: Vec<NodeAccess>,
    touched: Vec<NodeIx>,
    stack: Vec<NodeIx>,
    recording: bool,
    scope: Scope,
    want_all: bool,
    want: Vec<u32>,
    /// The nodes the run gathers access to, in index order, when it gathers only some.
    only: Vec<NodeIx>,
    restricted: bool,
    own_paths: PrincipalPaths,
    full_paths: PrincipalPaths,
    best: HashMap<(NodeIx, Bits), Candidate>,
    best_own: HashMap<(NodeIx, Bits), Candidate>,
}

impl<'g, 'a> Search<'g, 'a> {
    /// Creates a workspace for a graph.
    pub fn new(graph: &'g Graph<'a>) -> Self {
        let node_count = graph.node_count();
        Self {
            graph,
            expansions: Expansions::new(node_count),
            meaningful: graph
                .doc
                .nodes
                .iter()
                .map(|node| meaningful_on(&node.kind))
                .collect(),
            generation: 0,
            start: 0,
            mfa: false,
            principal_stamp: vec![0; node_count],
            principal_own: vec![false; node_count],
            held: Vec::new(),
            nodes: vec![NodeAccess::default(); node_count],
            touched: Vec::new(),
            stack: Vec::new(),
            recording: false,
            scope: Scope::Everything,
            want_all: false,
            want: Vec::new(),
            only: Vec::new(),
            restricted: false,
            own_paths: PrincipalPaths::default(),
            full_paths: PrincipalPaths::default(),
            best: HashMap::new(),
            best_own: HashMap::new(),
        }
    }

    /// Returns the graph searched.
    pub fn graph(&self) -> &'g Graph<'a> {
        self.graph
    }

    /// Searches from one compromised principal for the access `scope` names, recording the
    /// evidence that `record` requests.
    pub fn run(&mut self, start: NodeIx, scope: Scope, record: Record<'_>) {
        self.next_generation();
        self.scope = scope;
        self.start = start;
        self.held.clear();
        self.touched.clear();
        self.mfa = self.holder_has_mfa(start);

        self.hold_principals();

        self.recording = !matches!(record, Record::Nothing);
        self.want_all = matches!(record, Record::All);
        self.best.clear();
        self.best_own.clear();
        self.restricted = matches!(record, Record::Only(_));
        self.only.clear();
        if let Record::Nodes(nodes) | Record::Only(nodes) = record {
            if self.restricted {
                self.only.extend_from_slice(nodes);
                self.only.sort_unstable();
                self.only.dedup();
            }
            if self.want.is_empty() {
                self.want = vec![0; self.graph.node_count()];
            }
            for &node in nodes {
                self.want[node] = self.generation;
            }
        }
        if self.recording {
            self.find_principal_paths(true);
            self.find_principal_paths(false);
        }

        self.gather();
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.principal_stamp.fill(0);
            self.nodes.fill(NodeAccess::default());
            self.want.fill(0);
            self.own_paths = PrincipalPaths::default();
            self.full_paths = PrincipalPaths::default();
            self.generation = 1;
        }
    }

    /// Returns whether the holder has MFA: only a workforce user who signs in with MFA, or
    /// who (or whose workforce group) can assume or is a member of an identity provider that
    /// enforces MFA at sign-in.
    pub fn holder_has_mfa(&mut self, start: NodeIx) -> bool {
        let graph = self.graph;
        match &graph.node(start).kind {
            NodeKind::External(external) => match external.sort {
                ExternalSort::WorkforceUser { mfa: true } => return true,
                ExternalSort::WorkforceUser { mfa: false } => {}
                _ => return false,
            },
            _ => return false,
        }

        let expansion = self.expansions.get(graph, start);
        let groups = expansion
            .memberships
            .range()
            .map(|ix| self.expansions.memberships[ix].group);
        std::iter::once(start).chain(groups).any(|holder| {
            let edges = graph.out_edges(holder);
            edges.can_assume.iter().chain(&edges.member_of).any(|&edge| {
                graph.ends(edge).is_some_and(|(_, target)| {
                    matches!(
                        &graph.node(target).kind,
                        NodeKind::Identity(identity)
                            if identity.sort == IdentitySort::IdentityProvider { enforces_mfa: true }
                    )
                })
            })
        })
    }

    /// Finds the held principals: first the compromised one and every identity joined to it
    /// by associations (its own), then every principal those lead to.
    fn hold_principals(&mut self) {
        self.mark_held(self.start, true);
        self.stack.clear();
        self.stack.push(self.start);
        while let Some(principal) = self.stack.pop() {
            let expansion = self.expansions.get(self.graph, principal);
            for link_ix in expansion.links.range() {
                let link = self.expansions.links[link_ix];
                if link.kind == LinkKind::Association && !self.is_held(link.target) {
                    self.mark_held(link.target, true);
                    self.stack.push(link.target);
                }
            }
        }

        self.stack.clone_from(&self.held);
        while let Some(principal) = self.stack.pop() {
            let expansion = self.expansions.get(self.graph, principal);
            for link_ix in expansion.links.range() {
                let link = self.expansions.links[link_ix];
                if self.passes(&link) && !self.is_held(link.target) {
                    self.mark_held(link.target, false);
                    self.stack.push(link.target);
                }
            }
        }
    }

    fn mark_held(&mut self, principal: NodeIx, own: bool) {
        self.principal_stamp[principal] = self.generation;
        self.principal_own[principal] = own;
        self.held.push(principal);
    }

    /// Returns whether the holder can follow a link: an assumption whose trust policy
    /// requires MFA needs a holder with MFA; an external id is no obstacle.
    fn passes(&self, link: &Link) -> bool {
        !(link.kind == LinkKind::Assumption && link.mfa_required && !self.mfa)
    }

    /// Finds the shortest paths to the held principals, ties broken by the node ids along
    /// them. With `own_only`, only associations are followed, which gives the paths of the
    /// compromised principal's own identities.
    fn find_principal_paths(&mut self, own_only: bool) {
        let node_count = self.graph.node_count();
        let mut paths = std::mem::take(if own_only {
            &mut self.own_paths
        } else {
            &mut self.full_paths
        });
        if paths.seen.len() != node_count {
            paths = PrincipalPaths::with_len(node_count);
        }
        let generation = self.generation;
        let (mut candidate, mut current) = (Vec::new(), Vec::new());

        paths.seen[self.start] = generation;
        paths.dist[self.start] = 0;
        paths.parent[self.start] = (NONE, NONE);
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((0u32, self.start)));
        while let Some(Reverse((dist, principal))) = heap.pop() {
            if paths.settled[principal] == generation {
                continue;
            }
            paths.settled[principal] = generation;

            let expansion = self.expansions.get(self.graph, principal);
            for link_ix in expansion.links.range() {
                let link = self.expansions.links[link_ix];
                let followed = if own_only {
                    link.kind == LinkKind::Association
                } else {
                    self.passes(&link)
                };
                if !followed {
                    continue;
                }
                let target = link.target;
                let target_dist = dist + self.expansions.hop_len(&link.hop);
                let parent = (index_u32(principal), index_u32(link_ix));
                if paths.seen[target] != generation || target_dist < paths.dist[target] {
                    paths.seen[target] = generation;
                    paths.dist[target] = target_dist;
                    paths.parent[target] = parent;
                    heap.push(Reverse((target_dist, target)));
                } else if target_dist == paths.dist[target] {
                    self.path_through(&paths, principal, &mut candidate);
                    self.expansions.push_hop(&link.hop, &mut candidate);
                    self.path_through(&paths, target, &mut current);
                    if compare_paths(self.graph, &candidate, &current) == Ordering::Less {
                        paths.parent[target] = parent;
                    }
                }
            }
        }

        if own_only {
            self.own_paths = paths;
        } else {
            self.full_paths = paths;
        }
    }

    /// Writes the path to a held principal recorded in `paths` into `out`.
    fn path_through(&self, paths: &PrincipalPaths, principal: NodeIx, out: &mut Vec<Step>) {
        let mut links = Vec::new();
        let mut current = principal;
        while current != self.start && links.len() <= self.held.len() {
            let (previous, link) = paths.parent[current];
            if previous == NONE {
                break;
            }
            links.push(link);
            current = previous as usize;
        }
        out.clear();
        out.push(Step::start(self.start));
        for &link in links.iter().rev() {
            self.expansions
                .push_hop(&self.expansions.links[link as usize].hop, out);
        }
    }

    /// Adds the access that every held principal gives, recording candidates for evidence.
    fn gather(&mut self) {
        let graph = self.graph;
        for held_ix in 0..self.held.len() {
            let principal = self.held[held_ix];
            let own = self.principal_own[principal];
            if principal != self.start && self.gathers(principal) {
                self.add(principal, HELD, own);
            }
            let base = if self.recording {
                self.principal_dist(principal)
            } else {
                0
            };
            let expansion = self.expansions.get(graph, principal);
            let bounded = graph.has_boundary(principal);

            for use_ix in expansion.grants.range() {
                let grant = self.expansions.grants[use_ix];
                if self.scope == Scope::Writes && grant.bits & WRITE == 0 {
                    continue;
                }
                let len = base + self.chain_len(grant.membership) + 1;
                let targets = graph.grant_targets(grant.edge);
                let granted = GrantOn {
                    principal,
                    use_ix,
                    bits: grant.bits,
                    len,
                    bounded,
                    own,
                };
                if self.restricted {
                    for only_ix in 0..self.only.len() {
                        let node = self.only[only_ix];
                        if targets.binary_search(&node).is_ok() {
                            self.grant_on(granted, node);
                        }
                    }
                } else {
                    for &node in targets {
                        self.grant_on(granted, node);
                    }
                }
            }

            for login_ix in expansion.logins.range() {
                let login = self.expansions.logins[login_ix];
                if !self.gathers(login.node) {
                    continue;
                }
                self.add(login.node, READ | WRITE | LOGIN, own);
                let len = base + self.expansions.hop_len(&login.hop);
                let source = Source::Login(index_u32(login_ix));
                self.offer(principal, login.node, len, source, READ | WRITE);
            }

            if self.scope == Scope::Writes {
                continue;
            }

            for membership_ix in expansion.memberships.range() {
                let group = self.expansions.memberships[membership_ix].group;
                if !self.gathers(group) {
                    continue;
                }
                self.add(group, MEMBER, own);
                let len = base + self.chain_len(index_u32(membership_ix));
                let source = Source::Membership(index_u32(membership_ix));
                self.offer(principal, group, len, source, MEMBER);
            }

            for call_ix in expansion.calls.range() {
                let call = self.expansions.calls[call_ix];
                if !self.gathers(call.node) {
                    continue;
                }
                self.add(call.node, super::access::INVOKE, own);
                let len = base + self.expansions.hop_len(&call.hop);
                let source = Source::Call(index_u32(call_ix));
                self.offer(principal, call.node, len, source, super::access::INVOKE);
            }
        }
    }

    /// Calls `visit` with every node that holding one principal gives access to, and the
    /// access, as [`Search::run`] adds it for a held principal with [`Scope::Everything`]
    /// (the principal's own holding excluded). It depends on nothing but the principal.
    pub fn contribution(&mut self, principal: NodeIx, mut visit: impl FnMut(NodeIx, Bits)) {
        let graph = self.graph;
        let expansion = self.expansions.get(graph, principal);
        let bounded = graph.has_boundary(principal);
        for use_ix in expansion.grants.range() {
            let grant = self.expansions.grants[use_ix];
            for &node in graph.grant_targets(grant.edge) {
                let mut bits = grant.bits & self.meaningful[node];
                if bounded && bits != 0 {
                    bits = cut_to_boundary(graph, principal, node, bits);
                }
                if bits != 0 {
                    visit(node, bits);
                }
            }
        }
        for login_ix in expansion.logins.range() {
            visit(self.expansions.logins[login_ix].node, READ | WRITE | LOGIN);
        }
        for membership_ix in expansion.memberships.range() {
            visit(self.expansions.memberships[membership_ix].group, MEMBER);
        }
        for call_ix in expansion.calls.range() {
            visit(self.expansions.calls[call_ix].node, super::access::INVOKE);
        }
    }

    /// Calls `visit` with the target of every link from a principal that a holder without
    /// MFA follows, and whether the link is an association.
    pub fn links_without_mfa(&mut self, principal: NodeIx, mut visit: impl FnMut(NodeIx, bool)) {
        let expansion = self.expansions.get(self.graph, principal);
        for link_ix in expansion.links.range() {
            let link = self.expansions.links[link_ix];
            if !(link.kind == LinkKind::Assumption && link.mfa_required) {
                visit(link.target, link.kind == LinkKind::Association);
            }
        }
    }

    /// Returns whether the run gathers the access to a node.
    fn gathers(&self, node: NodeIx) -> bool {
        !self.restricted || self.want[node] == self.generation
    }

    /// Adds what one grant use gives on one node it covers.
    fn grant_on(&mut self, granted: GrantOn, node: NodeIx) {
        let mut bits = granted.bits & self.meaningful[node];
        if granted.bounded && bits != 0 {
            bits = cut_to_boundary(self.graph, granted.principal, node, bits);
        }
        if bits == 0 {
            return;
        }
        self.add(node, bits, granted.own);
        let source = Source::Grant(index_u32(granted.use_ix));
        self.offer(granted.principal, node, granted.len, source, bits);
    }

    fn chain_len(&self, membership: u32) -> u32 {
        let hop = Hop {
            membership,
            tail: [Step::start(0); 2],
            tail_len: 0,
        };
        self.expansions.hop_len(&hop)
    }

    fn principal_dist(&self, principal: NodeIx) -> u32 {
        if self.principal_own[principal] {
            self.own_paths.dist[principal]
        } else {
            self.full_paths.dist[principal]
        }
    }

    fn add(&mut self, node: NodeIx, bits: Bits, own: bool) {
        let access = &mut self.nodes[node];
        if access.generation != self.generation {
            *access = NodeAccess {
                generation: self.generation,
                ..NodeAccess::default()
            };
            self.touched.push(node);
        }
        access.bits |= bits;
        if own {
            access.own_bits |= bits;
        }
    }

    /// Offers a way of reaching a node as the evidence of each access it gives, keeping the
    /// shortest (ties by node ids) for every node and access.
    fn offer(&mut self, principal: NodeIx, node: NodeIx, len: u32, source: Source, bits: Bits) {
        if !self.recording || !(self.want_all || self.want[node] == self.generation) {
            return;
        }
        let candidate = Candidate {
            len,
            principal,
            node,
            source,
        };
        let own = self.principal_own[principal];
        for flag in [READ, WRITE, super::access::ADMIN, super::access::INVOKE]
            .into_iter()
            .chain([DECRYPT, CONFIGURE, MEMBER])
        {
            if bits & flag == 0 {
                continue;
            }
            self.offer_one(false, (node, flag), candidate);
            if own {
                self.offer_one(true, (node, flag), candidate);
            }
        }
    }

    fn offer_one(&mut self, own: bool, key: (NodeIx, Bits), candidate: Candidate) {
        let best = if own { &self.best_own } else { &self.best };
        let better = match best.get(&key) {
            None => true,
            Some(current) if candidate.len != current.len => candidate.len < current.len,
            Some(current) => {
                let current = *current;
                let (mut a, mut b) = (Vec::new(), Vec::new());
                self.candidate_path(&candidate, &mut a);
                self.candidate_path(&current, &mut b);
                compare_paths(self.graph, &a, &b) == Ordering::Less
            }
        };
        if better {
            let best = if own {
                &mut self.best_own
            } else {
                &mut self.best
            };
            best.insert(key, candidate);
        }
    }

    fn candidate_path(&self, candidate: &Candidate, out: &mut Vec<Step>) {
        self.principal_path(candidate.principal, out);
        match candidate.source {
            Source::Grant(ix) => {
                let grant = self.expansions.grants[ix as usize];
                if grant.membership != NONE {
                    self.expansions.push_chain(grant.membership, out);
                }
                out.push(Step::new(grant.edge, candidate.node));
            }
            Source::Membership(ix) => self.expansions.push_chain(ix, out),
            Source::Login(ix) => self
                .expansions
                .push_hop(&self.expansions.logins[ix as usize].hop, out),
            Source::Call(ix) => self
                .expansions
                .push_hop(&self.expansions.calls[ix as usize].hop, out),
        }
    }

    /// Writes the evidence path of a held principal into `out`: its own path (associations
    /// only) when it is one of the compromised principal's own identities.
    pub fn principal_path(&self, principal: NodeIx, out: &mut Vec<Step>) {
        let paths = if self.principal_own[principal] {
            &self.own_paths
        } else {
            &self.full_paths
        };
        self.path_through(paths, principal, out);
    }

    /// Returns how the holder came to hold a principal: the kind of the last link of its
    /// evidence path (`None` for the compromised principal, or a principal not held).
    pub fn held_by(&self, principal: NodeIx) -> Option<LinkKind> {
        if !self.is_held(principal) || principal == self.start {
            return None;
        }
        let paths = if self.principal_own[principal] {
            &self.own_paths
        } else {
            &self.full_paths
        };
        let (_, link) = *paths.parent.get(principal)?;
        self.expansions
            .links
            .get(link as usize)
            .map(|link| link.kind)
    }

    /// Returns the evidence path of one access on a node, recorded by the last run: through
    /// the compromised principal's own identities when `own`, else through any.
    pub fn evidence(&self, node: NodeIx, flag: Bits, own: bool) -> Option<Vec<Step>> {
        let best = if own { &self.best_own } else { &self.best };
        let candidate = best.get(&(node, flag))?;
        let mut path = Vec::new();
        self.candidate_path(candidate, &mut path);
        Some(path)
    }

    /// Returns the compromised principal of the last run.
    pub fn start(&self) -> NodeIx {
        self.start
    }

    /// Returns whether the holder of the last run has MFA.
    pub fn mfa(&self) -> bool {
        self.mfa
    }

    /// Returns every node the last run reached (the compromised principal included when it reached
    /// itself), in the order first reached.
    pub fn touched(&self) -> &[NodeIx] {
        &self.touched
    }

    /// Returns whether the last run holds a principal.
    pub fn is_held(&self, principal: NodeIx) -> bool {
        self.principal_stamp[principal] == self.generation
    }

    /// Returns everything the last run gives on a node.
    pub fn bits(&self, node: NodeIx) -> Bits {
        let access = self.nodes[node];
        if access.generation == self.generation {
            access.bits
        } else {
            0
        }
    }

    /// Returns what the last run gives on a node through the compromised principal's own
    /// identities.
    pub fn own_bits(&self, node: NodeIx) -> Bits {
        let access = self.nodes[node];
        if access.generation == self.generation {
            access.own_bits
        } else {
            0
        }
    }

    /// Returns whether the holder's read of a node exposes its data. Reading through IAM a
    /// store that needs decrypt also needs decrypt on one of its keys, through any held
    /// identity. A login reads through the database, so it needs no decrypt. A store with no
    /// key drawn is decrypted by the provider for any reader.
    pub fn exposure(&self, node: NodeIx) -> Exposure {
        let bits = self.bits(node);
        if bits & READ == 0 {
            return Exposure::default();
        }
        let exposed = Exposure {
            exposed: true,
            ..Exposure::default()
        };
        let graph = self.graph;
        if !read_needs_decrypt(&graph.node(node).kind) || bits & LOGIN != 0 {
            return exposed;
        }
        let mut has_key = false;
        for &edge in &graph.out_edges(node).encrypted_by {
            let Some((_, key)) = graph.ends(edge) else {
                continue;
            };
            has_key = true;
            if self.bits(key) & DECRYPT != 0 {
                return Exposure {
                    key: Some(key),
                    ..exposed
                };
            }
        }
        if has_key {
            Exposure {
                encrypted: true,
                ..Exposure::default()
            }
        } else {
            exposed
        }
    }

    /// Counts the crown jewels written and exposed and everything reached by the last run.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for &node in &self.touched {
            if node == self.start {
                continue;
            }
            tally.reached += 1;
            if self.graph.is_crown_jewel(node) {
                if self.bits(node) & WRITE != 0 {
                    tally.written += 1;
                }
                if self.exposure(node).exposed {
                    tally.read += 1;
                }
            }
        }
        tally
    }
}

/// Cuts a grant's actions on a node down to what the holder's permission boundary allows.
fn cut_to_boundary(graph: &Graph<'_>, holder: NodeIx, node: NodeIx, bits: Bits) -> Bits {
    Action::ALL
        .into_iter()
        .filter(|&action| bits & bit(action) != 0)
        .filter(|&action| graph.boundary_allows(holder, action, node))
        .fold(0, |kept, action| kept | bit(action))
        & ACTIONS
}

/// Orders two paths: the shorter first, then by the node ids along them, then by the edge
/// order along them.
pub(super) fn compare_paths(graph: &Graph<'_>, a: &[Step], b: &[Step]) -> Ordering {
    let ids = |path: &'_ [Step]| {
        path.iter()
            .map(|step| graph.id(step.node as usize))
            .collect::<Vec<_>>()
    };
    a.len()
        .cmp(&b.len())
        .then_with(|| ids(a).cmp(&ids(b)))
        .then_with(|| {
            a.iter()
                .map(|step| step.edge)
                .cmp(b.iter().map(|step| step.edge))
        })
}
