//! Depth of defence and chokepoints of every crown jewel reachable from a start node.

use serde::Serialize;

use super::Finding;
use crate::graph::Graph;

/// The depth of defence of one crown jewel.
#[derive(Clone, Debug, Serialize)]
pub struct JewelDefence {
    /// Crown jewel id.
    pub jewel: String,
    /// Fewest enforcing flows on any path from a start node.
    pub depth: usize,
    /// Node ids along a path with that many enforcing flows.
    pub path: Vec<String>,
}

/// A node that lies on every path to some crown jewels.
#[derive(Clone, Debug, Serialize)]
pub struct Chokepoint {
    /// Node id.
    pub node: String,
    /// Ids of the crown jewels it gates.
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

/// Computes depth of defence and chokepoints.
pub fn answer(_graph: &Graph<'_>) -> Defence {
    Defence::default()
}

/// Returns the REV-1 findings of depth (0 or 1) and the chokepoints as info findings.
pub fn findings(_graph: &Graph<'_>, _defence: &Defence) -> Vec<Finding> {
    Vec::new()
}
