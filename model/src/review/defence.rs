//! Depth of defence and chokepoints of every crown jewel reachable from a start node.
//!
//! Paths run along flows from the start nodes of Q1 (every external node and the virtual
//! Internet node with its implicit flows), whatever their checks, except closed flows.
//! Crown jewels are internal nodes (neither external nor zones) marked critical or holding
//! restricted data.
//!
//! - **Depth of defence** of a crown jewel is the fewest enforcing flows on any path to it.
//!   A flow enforces when its check of the immediate caller has authentication other than
//!   none, unknown and API key, and authorization other than none and unknown. A Cedar
//!   check counts as authorization (its policies are not evaluated yet). The evidence path
//!   is the shortest path of that depth, ties going to the path whose node ids come first,
//!   read from the start node. Depth 0 or 1 is a finding: one failure exposes the jewel.
//! - **Chokepoints** of a crown jewel are the internal nodes other than itself that lie on
//!   every path to it: its dominators in the flow graph from a virtual root linked to every
//!   start node.

#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::algo::dominators;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use super::reach::{FlowNet, Hop, PathForest, flow_ids, path_ids, rests_on_cedar};
use super::{Finding, Severity};
use crate::document::{Authentication, Authorization, Flow};
use crate::graph::{Graph, NodeIx};

/// The depth of defence of one crown jewel.
#[derive(Clone, Debug, Serialize)]
pub struct JewelDefence {
    /// Crown jewel id.
    pub jewel: String,
    /// Minimum number of enforcing flows on any path from a start node.
    pub depth: usize,
    /// Node ids along the shortest path with that many enforcing flows, from its start node.
    pub path: Vec<String>,
    /// Flow ids along the path.
    pub flows: Vec<String>,
    /// Ids of the chokepoints that gate it, in id order.
    pub chokepoints: Vec<String>,
    /// Unknown checks of flows on the path that would have made the flow enforce had they
    /// been known, such as `authorization of flow api-to-db`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// The path has a Cedar check whose policies were not evaluated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cedar_not_evaluated: bool,
}

/// A node that lies on every path to some crown jewels.
#[derive(Clone, Debug, Serialize)]
pub struct Chokepoint {
    /// Node id.
    pub node: String,
    /// Ids of the crown jewels it gates, in id order.
    pub gates: Vec<String>,
}

/// Depth of defence and chokepoints.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Defence {
    /// Each reachable crown jewel, in id order.
    pub jewels: Vec<JewelDefence>,
    /// Chokepoints, gating the most crown jewels first, then by id.
    pub chokepoints: Vec<Chokepoint>,
}

/// The cost of the cheapest path to a node: enforcing flows, then flows.
type Cost = (u32, u32);

/// Cost of a node no path reaches.
const UNREACHED: Cost = (u32::MAX, u32::MAX);

/// What to do about a chokepoint: nothing is wrong, but everything behind it depends on it.
const CHOKEPOINT_REMEDIATION: &str = "Nothing to fix: every path to these crown jewels passes \
     this node, so harden it, monitor it and review changes to it first.";

/// Computes depth of defence and chokepoints.
pub fn answer(graph: &Graph<'_>) -> Defence {
    let net = FlowNet::new(graph);
    let costs = cheapest_costs(&net);

    let mut jewels: Vec<NodeIx> = (0..graph.node_count())
        .filter(|&ix| graph.is_internal(ix) && graph.is_crown_jewel(ix) && costs[ix] != UNREACHED)
        .collect();
    jewels.sort_by_key(|&ix| (net.id_rank(ix), ix));

    let forest = cheapest_paths(&net, &costs);
    let gates = chokepoints_of(&net, &jewels);

    let jewel_defences = jewels
        .iter()
        .zip(&gates)
        .map(|(&jewel, chokepoints)| {
            let path = forest.path(jewel);
            JewelDefence {
                jewel: graph.id(jewel).to_owned(),
                depth: costs[jewel].0 as usize,
                path: path_ids(&net, &path, 1),
                flows: flow_ids(&net, &path),
                chokepoints: chokepoints
                    .iter()
                    .map(|&ix| net.id(ix).to_owned())
                    .collect(),
                unknown: unknown_enforcement(graph, &path.hops),
                cedar_not_evaluated: rests_on_cedar(graph, &path),
            }
        })
        .collect();

    Defence {
        jewels: jewel_defences,
        chokepoints: rank_chokepoints(&net, &jewels, &gates),
    }
}

/// Returns the REV-1 findings of depth (0 or 1) and the chokepoints as info findings.
pub fn findings(graph: &Graph<'_>, defence: &Defence) -> Vec<Finding> {
    let mut findings = Vec::new();

    for jewel in defence.jewels.iter().filter(|jewel| jewel.depth <= 1) {
        let Some(node) = graph.ix(&jewel.jewel) else {
            continue;
        };
        // Titles name nodes by their labels, as every other finding's title does.
        let label = &graph.node(node).label;
        let title = if jewel.depth == 0 {
            format!("Crown jewel {label} can be reached through no enforcing flow")
        } else {
            format!(
                "Crown jewel {label} can be reached through one enforcing flow, so one failure \
                 exposes it"
            )
        };
        let mut finding = Finding::new("REV-1", Severity::High, title).with_nodes(graph, [node]);
        finding.edges = jewel
            .flows
            .iter()
            .filter(|id| id.as_str() != super::reach::IMPLICIT_FLOW)
            .cloned()
            .collect();
        finding.evidence = jewel.path.clone();
        finding.unknown = jewel.unknown.clone();
        finding.cedar_not_evaluated = jewel.cedar_not_evaluated;
        findings.push(finding);
    }

    for chokepoint in &defence.chokepoints {
        let gates: Vec<String> = chokepoint
            .gates
            .iter()
            .map(|id| super::label_of(graph, id))
            .collect();
        let title = format!(
            "{} lies on every path to {} crown jewel{}: {}",
            super::label_of(graph, &chokepoint.node),
            gates.len(),
            if gates.len() == 1 { "" } else { "s" },
            gates.join(", ")
        );
        let mut finding = Finding::new("REV-1", Severity::Info, title);
        finding.remediation = CHOKEPOINT_REMEDIATION;
        finding.nodes.push(chokepoint.node.clone());
        finding.nodes.extend(chokepoint.gates.iter().cloned());
        findings.push(finding);
    }

    findings
}

/// Returns whether a flow enforces: its check of the immediate caller has authentication
/// other than none, unknown and API key, and authorization other than none and unknown.
fn enforces(flow: &Flow) -> bool {
    strong_authentication(flow.authentication) && flow.authorization.authorizes()
}

/// Returns whether an authentication proves more than possession of a shared key.
fn strong_authentication(authentication: Authentication) -> bool {
    authentication.authenticates() && authentication != Authentication::ApiKey
}

/// Returns the cost of a step: 1 for an enforcing flow, 0 otherwise.
fn step_cost(graph: &Graph<'_>, hop: Hop) -> u32 {
    match hop {
        Hop::Flow(edge) => u32::from(enforces(graph.flow(edge))),
        Hop::Implicit => 0,
    }
}

/// Returns the cheapest cost of every node from the start nodes (fewest enforcing flows,
/// then fewest flows), [`UNREACHED`] where no path goes. Steps cost (0, 1) or (1, 1), which
/// makes this a 0-1 search on the first component ordered by the second. A binary heap
/// keeps both in order.
fn cheapest_costs(net: &FlowNet<'_, '_>) -> Vec<Cost> {
    let mut costs = vec![UNREACHED; net.node_count()];
    let mut heap = BinaryHeap::new();
    for &start in net.starts() {
        costs[start] = (0, 0);
        heap.push(Reverse(((0, 0), start)));
    }

    while let Some(Reverse((cost, node))) = heap.pop() {
        if cost > costs[node] {
            continue;
        }
        for arc in net.arcs(node) {
            let next = (
                cost.0 + step_cost(net.graph, arc.hop),
                cost.1.saturating_add(1),
            );
            if next < costs[arc.to] {
                costs[arc.to] = next;
                heap.push(Reverse((next, arc.to)));
            }
        }
    }
    costs
}

/// Picks the evidence path of every reached node among its cheapest paths. Every step of a
/// cheapest path is tight (it adds exactly its cost), and every tight step adds one flow,
/// so a breadth-first search along tight steps walks the cheapest paths in layers of equal
/// length.
fn cheapest_paths(net: &FlowNet<'_, '_>, costs: &[Cost]) -> PathForest {
    let graph = net.graph;
    PathForest::search(net, 1, net.starts().iter().copied(), |from, arc| {
        let (depth, length) = costs[from];
        let tight = (depth + step_cost(graph, arc.hop), length.saturating_add(1));
        (costs[from] != UNREACHED && tight == costs[arc.to]).then_some(arc.to)
    })
}

/// Returns, for each crown jewel, its chokepoints in id order.
fn chokepoints_of(net: &FlowNet<'_, '_>, jewels: &[NodeIx]) -> Vec<Vec<NodeIx>> {
    let root = net.node_count();
    let mut flow_graph: DiGraph<(), ()> = DiGraph::with_capacity(root + 1, 0);
    for _ in 0..=root {
        flow_graph.add_node(());
    }
    for &start in net.starts() {
        flow_graph.add_edge(NodeIndex::new(root), NodeIndex::new(start), ());
    }
    for from in 0..root {
        for arc in net.arcs(from) {
            flow_graph.add_edge(NodeIndex::new(from), NodeIndex::new(arc.to), ());
        }
    }

    let dominators = dominators::simple_fast(&flow_graph, NodeIndex::new(root));
    jewels
        .iter()
        .map(|&jewel| {
            // NOTE: the whole list of chokepoints is kept per crown jewel, so a long chain
            // of crown jewels that each gate the next costs quadratic time and memory.
            let mut gating: Vec<NodeIx> = dominators
                .strict_dominators(NodeIndex::new(jewel))
                .into_iter()
                .flatten()
                .map(NodeIndex::index)
                .filter(|&ix| ix != jewel && net.is_internal(ix))
                .collect();
            gating.sort_by_key(|&ix| (net.id_rank(ix), ix));
            gating
        })
        .collect()
}

/// Lists every chokepoint with the crown jewels it gates, the most first, then by id.
fn rank_chokepoints(
    net: &FlowNet<'_, '_>,
    jewels: &[NodeIx],
    gates: &[Vec<NodeIx>],
) -> Vec<Chokepoint> {
    let mut gated: Vec<Vec<NodeIx>> = vec![Vec::new(); net.node_count()];
    for (&jewel, chokepoints) in jewels.iter().zip(gates) {
        for &chokepoint in chokepoints {
            gated[chokepoint].push(jewel);
        }
    }

    let mut chokepoints: Vec<NodeIx> = (0..gated.len())
        .filter(|&ix| !gated[ix].is_empty())
        .collect();
    chokepoints.sort_by_key(|&ix| (Reverse(gated[ix].len()), net.id_rank(ix), ix));

    // Jewels were visited in id order, so each list of gated jewels already is in id order.
    chokepoints
        .into_iter()
        .map(|ix| Chokepoint {
            node: net.id(ix).to_owned(),
            gates: gated[ix]
                .iter()
                .map(|&jewel| net.id(jewel).to_owned())
                .collect(),
        })
        .collect()
}

/// Returns the unknown checks of flows on a path that would have made the flow enforce had
/// they been known.
fn unknown_enforcement(graph: &Graph<'_>, hops: &[Hop]) -> Vec<String> {
    let mut unknown = Vec::new();
    for edge in hops.iter().filter_map(|hop| hop.flow()) {
        let flow = graph.flow(edge);
        if enforces(flow) {
            continue;
        }

        let id = &graph.edge(edge).id;
        let authentication_open = flow.authentication == Authentication::Unknown
            || strong_authentication(flow.authentication);
        let authorization_open =
            flow.authorization == Authorization::Unknown || flow.authorization.authorizes();
        if flow.authentication == Authentication::Unknown && authorization_open {
            unknown.push(format!("authentication of flow {id}"));
        }
        if flow.authorization == Authorization::Unknown && authentication_open {
            unknown.push(format!("authorization of flow {id}"));
        }
    }
    unknown
}
