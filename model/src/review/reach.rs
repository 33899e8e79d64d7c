//! Q1: can this node be reached without explicit authentication and authorization?

use serde::Serialize;

use super::Finding;
use crate::graph::Graph;

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
    /// Node ids from the start node to this node (empty when unreachable).
    pub path: Vec<String>,
    /// Flow ids along the path.
    pub flows: Vec<String>,
}

/// The answer to Q1.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Reach {
    /// Every internal node with its level, in node id order.
    pub nodes: Vec<NodeReach>,
}

/// Answers Q1.
pub fn answer(_graph: &Graph<'_>) -> Reach {
    Reach::default()
}

/// Returns the REV-1 findings of Q1: nodes reached below explicit authorization, bypasses.
pub fn findings(_graph: &Graph<'_>, _reach: &Reach) -> Vec<Finding> {
    Vec::new()
}
