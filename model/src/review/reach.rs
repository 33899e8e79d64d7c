//! Q1: can this node be reached without explicit authentication and authorization?
//!
//! The attacker is the originating caller of a request, starting at every external node
//! and at a virtual Internet node ([`INTERNET`]). Its state only rises along a path:
//! anonymous, then authenticated as some principal, then explicitly authorized (which
//! implies authenticated). A request that arrives at a node may cause any flow out of it.
//!
//! - A flow from an external node checks the attacker directly. Authentication other than
//!   none and unknown authenticates it (an API key authenticates whoever holds it). Once
//!   authenticated, authorization other than none and unknown authorizes it; authorization
//!   without authentication raises nothing.
//! - A flow between other nodes checks the sending workload with its first check, which
//!   does not concern the attacker: a gateway that forwards a request without checking it
//!   makes the backend reachable as whatever the attacker was (a confused deputy), however
//!   strongly the backend checks the gateway. Its check of the originating caller
//!   authenticates the attacker, or authenticates and authorizes it.
//! - The Internet reaches each public node that no drawn flow from an external node enters
//!   through an implicit flow with no authentication and no authorization.
//! - An unknown authentication or authorization counts as none, and the answer records it
//!   where the evidence path rests on it.
//! - A Cedar check counts as explicit authorization and never closes its flow, because
//!   Cedar policies are not evaluated yet; answers whose evidence path has a Cedar check set
//!   `cedar_not_evaluated`.
//!
//! Internal nodes are all nodes that are neither external nor zones. A node's level is the
//! weakest state in which a request arrives at it, after the checks of the flow into it,
//! with the shortest path to that state as evidence (ties go to the path whose node ids come
//! first, read from the start node).
//!
//! A node has a **bypass** when one path reaches it through a gateway with a WAF and another
//! path from a start node reaches it through none. A path passes through every node on it,
//! its last node included: a request that arrives at a gateway with a WAF is inspected by
//! that WAF, so such a gateway never has a bypass itself.

mod paths;
#[cfg(test)]
pub(crate) mod test_model;
#[cfg(test)]
mod tests;

use serde::Serialize;

use super::{Finding, Severity, severity_near_node};
use crate::document::{Authentication, Authorization, DataClass, NodeKind, OriginatingCheck};
use crate::graph::{Graph, NodeIx};

pub(crate) use paths::{FlowNet, Hop, PairPath, PathForest, has_cedar_check};
pub use paths::{IMPLICIT_FLOW, INTERNET};

/// The weakest state in which a request arrives at a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Neither authenticated nor authorized.
    Anonymous,
    /// Authenticated, not authorized.
    AnyAuthenticatedPrincipal,
    /// Authenticated and authorized.
    ExplicitlyAuthorized,
    /// Not reached from any start node.
    Unreachable,
}

/// The level of one node and the evidence path that gives it.
#[derive(Clone, Debug, Serialize)]
pub struct NodeReach {
    /// Node id.
    pub node: String,
    /// Its level.
    pub level: Level,
    /// Node ids from the start node to this node (empty when unreachable). The virtual
    /// Internet node is [`INTERNET`].
    pub path: Vec<String>,
    /// Flow ids along the path, one per step; the implicit flow from the Internet into a
    /// public node is [`IMPLICIT_FLOW`].
    pub flows: Vec<String>,
    /// Unknown checks on the path that would have raised the attacker's state had they been
    /// known, such as `authentication of flow web-to-api`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// The path has a Cedar check whose policies were not evaluated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cedar_not_evaluated: bool,
}

/// A node that a path through a gateway with a WAF reaches and a path through none also
/// reaches.
#[derive(Clone, Debug, Serialize)]
pub struct Bypass {
    /// Id of the node reached both ways.
    pub node: String,
    /// Id of the first internal node of the unprotected path, where requests get in
    /// around the WAF.
    pub entry: String,
    /// Id of the first gateway with a WAF on the shortest protected path.
    pub waf_gateway: String,
    /// Node ids of the shortest unprotected path, from its start node.
    pub path: Vec<String>,
    /// Flow ids along the unprotected path.
    pub flows: Vec<String>,
    /// The unprotected path has a Cedar check whose policies were not evaluated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cedar_not_evaluated: bool,
}

/// The answer to Q1.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Reach {
    /// Every internal node with its level, in node id order.
    pub nodes: Vec<NodeReach>,
    /// Every node with a bypass of a WAF, in node id order.
    pub bypasses: Vec<Bypass>,
}

/// The originating caller's state along a path, in rising order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum State {
    Anonymous,
    AnyAuthenticated,
    Authorized,
}

impl State {
    /// Number of states, the width of a pair index.
    const COUNT: usize = 3;

    fn of_pair(pair: usize) -> Self {
        match pair % Self::COUNT {
            0 => Self::Anonymous,
            1 => Self::AnyAuthenticated,
            _ => Self::Authorized,
        }
    }

    fn pair(self, node: NodeIx) -> usize {
        node * Self::COUNT + self as usize
    }

    fn level(self) -> Level {
        match self {
            Self::Anonymous => Level::Anonymous,
            Self::AnyAuthenticated => Level::AnyAuthenticatedPrincipal,
            Self::Authorized => Level::ExplicitlyAuthorized,
        }
    }
}

/// Answers Q1.
pub fn answer(graph: &Graph<'_>) -> Reach {
    let net = FlowNet::new(graph);
    let forest = search_states(&net);

    let mut internal: Vec<NodeIx> = (0..graph.node_count())
        .filter(|&ix| graph.is_internal(ix))
        .collect();
    internal.sort_by_key(|&ix| (net.id_rank(ix), ix));

    let nodes = internal
        .iter()
        .map(|&node| node_reach(&net, &forest, node))
        .collect();
    let bypasses = find_bypasses(&net, &internal);
    Reach { nodes, bypasses }
}

/// Returns the REV-1 findings of Q1: one for each internal node reached anonymously or by
/// any authenticated principal (except a public gateway and public content), and one for
/// each bypass of a WAF.
pub fn findings(graph: &Graph<'_>, reach: &Reach) -> Vec<Finding> {
    let mut findings = Vec::new();

    for node_reach in &reach.nodes {
        let Some(node) = graph.ix(&node_reach.node) else {
            continue;
        };
        let what = match node_reach.level {
            Level::Anonymous => "anonymously",
            Level::AnyAuthenticatedPrincipal => "by any authenticated principal",
            Level::ExplicitlyAuthorized | Level::Unreachable => continue,
        };
        if is_public_gateway(graph, node) || is_public_content(graph, node) {
            continue;
        }

        let severity = severity_near_node(graph, node, Severity::High);
        let title = format!(
            "{} can be reached {what}, without explicit authorization",
            graph.node(node).label
        );
        let mut finding = Finding::new("REV-1", severity, title).with_nodes(graph, [node]);
        finding.edges = drawn_flows(&node_reach.flows);
        finding.evidence = node_reach.path.clone();
        finding.unknown = node_reach.unknown.clone();
        finding.cedar_not_evaluated = node_reach.cedar_not_evaluated;
        findings.push(finding);
    }

    for bypass in &reach.bypasses {
        let Some(node) = graph.ix(&bypass.node) else {
            continue;
        };
        let severity = severity_near_node(graph, node, Severity::High);
        let title = format!(
            "{} can be reached through {} without passing the WAF of {}",
            graph.node(node).label,
            super::label_of(graph, &bypass.entry),
            super::label_of(graph, &bypass.waf_gateway)
        );
        let mut finding = Finding::new("REV-1", severity, title).with_nodes(graph, [node]);
        for id in [&bypass.entry, &bypass.waf_gateway] {
            if !finding.nodes.contains(id) {
                finding.nodes.push(id.clone());
            }
        }
        finding.edges = drawn_flows(&bypass.flows);
        finding.evidence = bypass.path.clone();
        finding.cedar_not_evaluated = bypass.cedar_not_evaluated;
        findings.push(finding);
    }

    findings
}

/// Returns whether a node is a gateway with an endpoint on the Internet, which REV-1 passes
/// over: reaching it anonymously is its purpose.
fn is_public_gateway(graph: &Graph<'_>, node: NodeIx) -> bool {
    matches!(&graph.node(node).kind, NodeKind::Gateway(gateway) if gateway.public)
}

/// Returns whether a node is public content, which REV-1 passes over. Public content holds
/// public data only (at least one class, every one public), calls nothing, runs as no
/// identity and unlocks nothing, as a static site or a public bucket of assets does.
pub fn is_public_content(graph: &Graph<'_>, node: NodeIx) -> bool {
    let classes = graph.node(node).held_data_classes();
    let edges = graph.out_edges(node);
    !classes.is_empty()
        && classes.iter().all(|&class| class == DataClass::Public)
        && graph.flows_out(node).is_empty()
        && edges.runs_as.is_empty()
        && edges.unlocks.is_empty()
}

/// Returns the flow ids that are drawn edges, leaving out implicit flows.
fn drawn_flows(flows: &[String]) -> Vec<String> {
    flows
        .iter()
        .filter(|id| id.as_str() != IMPLICIT_FLOW)
        .cloned()
        .collect()
}

/// Searches the (node, originating caller state) pairs from every start node.
fn search_states(net: &FlowNet<'_, '_>) -> PathForest {
    let graph = net.graph;
    let starts = net.starts().iter().map(|&node| State::Anonymous.pair(node));
    PathForest::search(net, State::COUNT, starts, |from, arc| {
        let caller = from / State::COUNT;
        let state = raise(graph, caller, State::of_pair(from), arc.hop);
        Some(state.pair(arc.to))
    })
}

/// Returns the originating caller's state after a step from `caller`.
fn raise(graph: &Graph<'_>, caller: NodeIx, state: State, hop: Hop) -> State {
    let Hop::Flow(edge) = hop else {
        return state;
    };
    let flow = graph.flow(edge);

    if graph.node(caller).is_external() {
        let authenticated = state >= State::AnyAuthenticated || flow.authentication.authenticates();
        let authorized =
            state == State::Authorized || (authenticated && flow.authorization.authorizes());
        return match (authenticated, authorized) {
            (_, true) => State::Authorized,
            (true, false) => State::AnyAuthenticated,
            (false, false) => State::Anonymous,
        };
    }

    let checked = match flow.originating {
        OriginatingCheck::None => State::Anonymous,
        OriginatingCheck::Authenticated => State::AnyAuthenticated,
        OriginatingCheck::Authorized { .. } => State::Authorized,
    };
    state.max(checked)
}

/// Returns the level and evidence of one internal node.
fn node_reach(net: &FlowNet<'_, '_>, forest: &PathForest, node: NodeIx) -> NodeReach {
    let weakest = [State::Anonymous, State::AnyAuthenticated, State::Authorized]
        .into_iter()
        .find(|state| forest.reached(state.pair(node)));
    let Some(state) = weakest else {
        return NodeReach {
            node: net.id(node).to_owned(),
            level: Level::Unreachable,
            path: Vec::new(),
            flows: Vec::new(),
            unknown: Vec::new(),
            cedar_not_evaluated: false,
        };
    };

    let path = forest.path(state.pair(node));
    NodeReach {
        node: net.id(node).to_owned(),
        level: state.level(),
        path: path_ids(net, &path, State::COUNT),
        flows: flow_ids(net, &path),
        unknown: unknowns_on_path(net, &path),
        cedar_not_evaluated: rests_on_cedar(net.graph, &path),
    }
}

/// Returns the unknown checks of a Q1 evidence path that would have raised the state had
/// they been known. Only flows from external nodes check the attacker with their first
/// check, and the check of the originating caller has no unknown value.
fn unknowns_on_path(net: &FlowNet<'_, '_>, path: &PairPath) -> Vec<String> {
    let graph = net.graph;
    let mut unknown = Vec::new();
    for (&from, &hop) in path.pairs.iter().zip(&path.hops) {
        let Hop::Flow(edge) = hop else {
            continue;
        };
        if !graph.node(from / State::COUNT).is_external() {
            continue;
        }

        let flow = graph.flow(edge);
        let state = State::of_pair(from);
        let id = &graph.edge(edge).id;
        if flow.authentication == Authentication::Unknown && state == State::Anonymous {
            unknown.push(format!("authentication of flow {id}"));
        }
        let could_authenticate =
            state >= State::AnyAuthenticated || flow.authentication != Authentication::None;
        if flow.authorization == Authorization::Unknown
            && state < State::Authorized
            && could_authenticate
        {
            unknown.push(format!("authorization of flow {id}"));
        }
    }
    unknown
}

/// Returns whether a path takes a flow with a Cedar check: had its policies been
/// evaluated, the flow might be closed and the path gone.
pub(crate) fn rests_on_cedar(graph: &Graph<'_>, path: &PairPath) -> bool {
    path.hops
        .iter()
        .filter_map(|hop| hop.flow())
        .any(|edge| has_cedar_check(graph, edge))
}

/// Returns the node ids along a path of pairs with `states` states per node.
pub(crate) fn path_ids(net: &FlowNet<'_, '_>, path: &PairPath, states: usize) -> Vec<String> {
    path.pairs
        .iter()
        .map(|&pair| net.id(pair / states).to_owned())
        .collect()
}

/// Returns the flow ids along a path.
pub(crate) fn flow_ids(net: &FlowNet<'_, '_>, path: &PairPath) -> Vec<String> {
    path.hops
        .iter()
        .map(|&hop| net.hop_id(hop).to_owned())
        .collect()
}

/// Returns whether a node is a gateway with a WAF.
fn has_waf(net: &FlowNet<'_, '_>, node: NodeIx) -> bool {
    node < net.graph.node_count()
        && matches!(&net.graph.node(node).kind, NodeKind::Gateway(gateway) if gateway.waf)
}

/// Finds every internal node with a bypass of a WAF, by a search over (node, passed a WAF
/// yet) pairs. Arriving at a gateway with a WAF counts as passing it.
fn find_bypasses(net: &FlowNet<'_, '_>, internal: &[NodeIx]) -> Vec<Bypass> {
    const UNPROTECTED: usize = 0;
    const PROTECTED: usize = 1;
    const STATES: usize = 2;

    let starts = net
        .starts()
        .iter()
        .map(|&node| node * STATES + usize::from(has_waf(net, node)));
    let forest = PathForest::search(net, STATES, starts, |from, arc| {
        let protected = from % STATES == PROTECTED || has_waf(net, arc.to);
        Some(arc.to * STATES + usize::from(protected))
    });

    let mut bypasses = Vec::new();
    for &node in internal {
        let (open, guarded) = (node * STATES + UNPROTECTED, node * STATES + PROTECTED);
        if !forest.reached(open) || !forest.reached(guarded) {
            continue;
        }

        let path = forest.path(open);
        let Some(entry) = path
            .pairs
            .iter()
            .map(|&pair| pair / STATES)
            .find(|&ix| net.is_internal(ix))
        else {
            continue;
        };
        let Some(waf_gateway) = forest
            .path(guarded)
            .pairs
            .iter()
            .map(|&pair| pair / STATES)
            .find(|&ix| has_waf(net, ix))
        else {
            continue;
        };

        bypasses.push(Bypass {
            node: net.id(node).to_owned(),
            entry: net.id(entry).to_owned(),
            waf_gateway: net.id(waf_gateway).to_owned(),
            path: path_ids(net, &path, STATES),
            flows: flow_ids(net, &path),
            cedar_not_evaluated: rests_on_cedar(net.graph, &path),
        });
    }
    bypasses
}
