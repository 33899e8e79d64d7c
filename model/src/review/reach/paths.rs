//! The flow graph as the reach and defence searches walk it, and the shortest-path forest
//! that picks every evidence path.
//!
//! A search runs over (node, state) pairs, where the state is whatever the search tracks
//! along a path (the originating caller's checks, whether a WAF was passed, nothing). Pair
//! `p` stands for node `p / states` in state `p % states`. The searches start at every
//! external node and at a virtual Internet node, whose index is one past the last node of
//! the document.
//!
//! Every evidence path is a shortest path to its pair. Ties go to the path whose node ids,
//! read from the start node on, come first in string order. Among paths with the same node
//! ids, the one whose flow ids come first wins. The forest finds that path without listing
//! paths: it walks the pairs layer by layer in breadth-first order and gives each pair of a
//! layer two dense ranks, one over the node ids of its path and one over its flow ids, so
//! each comparison of two paths is a comparison of two integers.

use crate::graph::{EdgeIx, Graph, NodeIx};

/// The id under which the virtual Internet node appears in evidence paths. Valid node ids
/// contain no parentheses, so it never collides with a node of a valid model.
pub const INTERNET: &str = "(internet)";

/// The id under which the implicit flow from the virtual Internet node into a public node
/// appears in the flows of an evidence path.
pub const IMPLICIT_FLOW: &str = "(implicit)";

/// Layer number of a pair no search step has reached.
const UNSEEN: u32 = u32::MAX;

/// Returns whether a flow is closed: its Cedar policies permit its action on the callee to
/// no principal, so it carries no request at all.
pub(crate) fn is_closed(graph: &Graph<'_>, flow: EdgeIx) -> bool {
    graph.cedar().is_closed(flow)
}

/// Returns whether a flow has a Cedar check whose policies were not evaluated: every Cedar
/// check while the stores have not been asked, and afterwards those whose store could not
/// be asked or whose evaluation failed.
pub(crate) fn has_cedar_check(graph: &Graph<'_>, flow: EdgeIx) -> bool {
    graph.cedar().is_unevaluated(flow).unwrap_or_else(|| {
        let flow = graph.flow(flow);
        flow.authorization.cedar().is_some()
            || matches!(
                flow.originating,
                crate::document::OriginatingCheck::Authorized { cedar: Some(_) }
            )
    })
}

/// One step of a path: a drawn flow, or the implicit flow from the Internet into a public
/// node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hop {
    /// A drawn flow, by edge index.
    Flow(EdgeIx),
    /// The implicit flow, with no authentication and no authorization, from the virtual
    /// Internet node into a public node that no drawn flow from an external node enters.
    Implicit,
}

impl Hop {
    /// Returns the drawn flow, if this is one.
    pub(crate) fn flow(self) -> Option<EdgeIx> {
        match self {
            Self::Flow(edge) => Some(edge),
            Self::Implicit => None,
        }
    }
}

/// A step a search may take from a node.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Arc {
    /// The flow taken.
    pub hop: Hop,
    /// The callee.
    pub to: NodeIx,
}

/// The flow graph with the virtual Internet node and without closed flows, with the string
/// order of node ids (and of the ids of parallel flows) as integer ranks.
pub(crate) struct FlowNet<'g, 'a> {
    /// The graph the net is built from.
    pub graph: &'g Graph<'a>,
    arcs: Vec<Vec<Arc>>,
    starts: Vec<NodeIx>,
    id_rank: Vec<u32>,
    flow_rank: Vec<u32>,
}

impl<'g, 'a> FlowNet<'g, 'a> {
    /// Builds the net of a graph.
    ///
    /// The virtual Internet node gets an implicit flow into each public node that no drawn
    /// flow from an external node enters (closed or not). Where such flows are drawn, they
    /// start at external nodes, which are start nodes anyway.
    pub(crate) fn new(graph: &'g Graph<'a>) -> Self {
        let node_count = graph.node_count();
        let internet = node_count;

        let mut arcs = vec![Vec::new(); node_count + 1];
        let mut entered_from_external = vec![false; node_count];
        for (edge, from, to) in graph.all_flows() {
            if graph.node(from).is_external() {
                entered_from_external[to] = true;
            }
            if !is_closed(graph, edge) {
                arcs[from].push(Arc {
                    hop: Hop::Flow(edge),
                    to,
                });
            }
        }
        arcs[internet] = (0..node_count)
            .filter(|&ix| graph.node(ix).is_public() && !entered_from_external[ix])
            .map(|to| Arc {
                hop: Hop::Implicit,
                to,
            })
            .collect();
        let flow_rank = rank_parallel_flows(graph, &mut arcs);

        let starts = (0..node_count)
            .filter(|&ix| graph.node(ix).is_external())
            .chain([internet])
            .collect();

        let id_rank = dense_ranks((0..=node_count).map(|ix| {
            if ix == internet {
                INTERNET
            } else {
                graph.id(ix)
            }
        }));

        Self {
            graph,
            arcs,
            starts,
            id_rank,
            flow_rank,
        }
    }

    /// Returns the index of the virtual Internet node.
    pub(crate) fn internet(&self) -> NodeIx {
        self.graph.node_count()
    }

    /// Returns the number of nodes the searches walk: the document's and the Internet.
    pub(crate) fn node_count(&self) -> usize {
        self.arcs.len()
    }

    /// Returns the start nodes: every external node, then the virtual Internet node.
    pub(crate) fn starts(&self) -> &[NodeIx] {
        &self.starts
    }

    /// Returns the steps a search may take from a node, ordered by callee and then by flow
    /// id.
    pub(crate) fn arcs(&self, node: NodeIx) -> &[Arc] {
        &self.arcs[node]
    }

    /// Returns the id of a node, [`INTERNET`] for the virtual Internet node.
    pub(crate) fn id(&self, node: NodeIx) -> &'a str {
        if node == self.internet() {
            INTERNET
        } else {
            self.graph.id(node)
        }
    }

    /// Returns the id of a step's flow, [`IMPLICIT_FLOW`] for an implicit one.
    pub(crate) fn hop_id(&self, hop: Hop) -> &'a str {
        hop_id(self.graph, hop)
    }

    /// Returns the rank of a node's id in string order among all ids, the Internet's
    /// included; equal ids share a rank.
    pub(crate) fn id_rank(&self, node: NodeIx) -> u32 {
        self.id_rank[node]
    }

    /// Returns whether a node is internal: neither external, nor a zone, nor the Internet.
    pub(crate) fn is_internal(&self, node: NodeIx) -> bool {
        node < self.graph.node_count() && self.graph.is_internal(node)
    }

    /// Returns the rank of a step's flow id among the flows between the same two nodes.
    fn hop_rank(&self, hop: Hop) -> u32 {
        match hop {
            Hop::Flow(edge) => self.flow_rank[edge].saturating_add(1),
            Hop::Implicit => 0,
        }
    }
}

/// Sorts the arcs of every node by callee and then by flow id, and returns the rank of
/// each flow's id among the flows between the same two nodes, by edge index.
///
/// Flow ids only break ties between paths with the same node ids, whose steps at each
/// position join the same two nodes, so comparing these ranks compares the ids. This
/// avoids sorting every flow id of the model.
fn rank_parallel_flows(graph: &Graph<'_>, arcs: &mut [Vec<Arc>]) -> Vec<u32> {
    let mut flow_rank = vec![0; graph.doc.edges.len()];
    for node_arcs in arcs.iter_mut() {
        node_arcs.sort_by(|a, b| {
            a.to.cmp(&b.to)
                .then_with(|| hop_id(graph, a.hop).cmp(hop_id(graph, b.hop)))
        });

        let mut rank = 0;
        for position in 0..node_arcs.len() {
            let arc = node_arcs[position];
            rank = match position.checked_sub(1).map(|before| node_arcs[before]) {
                Some(before) if before.to == arc.to => rank + 1,
                _ => 0,
            };
            if let Hop::Flow(edge) = arc.hop {
                flow_rank[edge] = rank;
            }
        }
    }
    flow_rank
}

/// Returns the id of a step's flow, [`IMPLICIT_FLOW`] for an implicit one.
fn hop_id<'a>(graph: &Graph<'a>, hop: Hop) -> &'a str {
    match hop {
        Hop::Flow(edge) => &graph.edge(edge).id,
        Hop::Implicit => IMPLICIT_FLOW,
    }
}

/// Returns, for each key in order, its dense rank among all keys: equal keys share a rank
/// and the smallest key has rank 0.
fn dense_ranks<K: Ord>(keys: impl IntoIterator<Item = K>) -> Vec<u32> {
    let keys: Vec<K> = keys.into_iter().collect();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));

    let mut ranks = vec![0; keys.len()];
    let mut rank = 0;
    for (position, &ix) in order.iter().enumerate() {
        if position > 0 && keys[order[position - 1]] != keys[ix] {
            rank += 1;
        }
        ranks[ix] = rank;
    }
    ranks
}

/// The step into a pair on its evidence path.
#[derive(Clone, Copy, Debug)]
struct Step {
    from: usize,
    hop: Hop,
}

/// A path through the pairs of a search, from a start pair.
#[derive(Clone, Debug, Default)]
pub(crate) struct PairPath {
    /// The pairs along the path, the start pair first.
    pub pairs: Vec<usize>,
    /// The steps between consecutive pairs.
    pub hops: Vec<Hop>,
}

/// The shortest evidence path to every pair a breadth-first search reached.
pub(crate) struct PathForest {
    states: usize,
    layer: Vec<u32>,
    pred: Vec<Option<Step>>,
    node_rank: Vec<u32>,
    flow_rank: Vec<u32>,
}

impl PathForest {
    /// Runs a breadth-first search over pairs of `states` states per node, from the start
    /// pairs. `next` returns the pair that an arc leads to from a pair, or `None` where the
    /// search does not take that arc.
    pub(crate) fn search(
        net: &FlowNet<'_, '_>,
        states: usize,
        starts: impl IntoIterator<Item = usize>,
        mut next: impl FnMut(usize, &Arc) -> Option<usize>,
    ) -> Self {
        let pair_count = net.node_count() * states;
        let mut forest = Self {
            states,
            layer: vec![UNSEEN; pair_count],
            pred: vec![None; pair_count],
            node_rank: vec![0; pair_count],
            flow_rank: vec![0; pair_count],
        };

        let mut layer = Vec::new();
        for pair in starts {
            if forest.layer[pair] == UNSEEN {
                forest.layer[pair] = 0;
                layer.push(pair);
            }
        }
        forest.rank_layer(net, &mut layer);

        let mut distance = 0;
        while !layer.is_empty() {
            distance += 1;
            let mut upcoming = Vec::new();
            for &from in &layer {
                for arc in net.arcs(from / states) {
                    if let Some(to) = next(from, arc) {
                        forest.offer(net, to, from, arc.hop, distance, &mut upcoming);
                    }
                }
            }
            forest.rank_layer(net, &mut upcoming);
            layer = upcoming;
        }
        forest
    }

    /// Returns whether the search reached a pair.
    pub(crate) fn reached(&self, pair: usize) -> bool {
        self.layer[pair] != UNSEEN
    }

    /// Returns the evidence path to a pair (empty when the search did not reach it).
    pub(crate) fn path(&self, pair: usize) -> PairPath {
        let mut path = PairPath::default();
        if !self.reached(pair) {
            return path;
        }

        let mut current = pair;
        path.pairs.push(current);
        while let Some(step) = self.pred[current] {
            path.hops.push(step.hop);
            path.pairs.push(step.from);
            current = step.from;
        }
        path.pairs.reverse();
        path.hops.reverse();
        path
    }

    /// Records that a step from a pair of the previous layer reaches `to`, keeping the step
    /// whose path comes first when `to` is already in this layer.
    fn offer(
        &mut self,
        net: &FlowNet<'_, '_>,
        to: usize,
        from: usize,
        hop: Hop,
        distance: u32,
        upcoming: &mut Vec<usize>,
    ) {
        let step = Step { from, hop };
        if self.layer[to] == UNSEEN {
            self.layer[to] = distance;
            self.pred[to] = Some(step);
            upcoming.push(to);
        } else if self.layer[to] == distance
            && let Some(current) = self.pred[to]
            && self.step_key(net, step) < self.step_key(net, current)
        {
            self.pred[to] = Some(step);
        }
    }

    /// Returns the order of the paths that end with a step, among steps into one pair: by
    /// the node ids of the path before it, then by its flow ids.
    fn step_key(&self, net: &FlowNet<'_, '_>, step: Step) -> (u32, u32, u32) {
        (
            self.node_rank[step.from],
            self.flow_rank[step.from],
            net.hop_rank(step.hop),
        )
    }

    /// Ranks the pairs of a complete layer by the node ids and by the flow ids of their
    /// paths.
    fn rank_layer(&mut self, net: &FlowNet<'_, '_>, layer: &mut [usize]) {
        let node_keys: Vec<(u32, u32)> = layer
            .iter()
            .map(|&pair| {
                let before = self.pred[pair].map_or(0, |step| self.node_rank[step.from]);
                (before, net.id_rank[pair / self.states])
            })
            .collect();
        for (&pair, rank) in layer.iter().zip(dense_ranks(node_keys)) {
            self.node_rank[pair] = rank;
        }

        let flow_keys: Vec<(u32, u32)> = layer
            .iter()
            .map(|&pair| {
                self.pred[pair].map_or((0, 0), |step| {
                    (self.flow_rank[step.from], net.hop_rank(step.hop))
                })
            })
            .collect();
        for (&pair, rank) in layer.iter().zip(dense_ranks(flow_keys)) {
            self.flow_rank[pair] = rank;
        }
    }
}
