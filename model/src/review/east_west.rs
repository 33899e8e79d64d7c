//! Q3: is east-west traffic fully authenticated and logged?

use serde::Serialize;

use super::Finding;
use crate::graph::Graph;

/// One failing east-west flow with every reason it fails.
#[derive(Clone, Debug, Serialize)]
pub struct FailingFlow {
    /// Flow id.
    pub flow: String,
    /// Caller id.
    pub from: String,
    /// Callee id.
    pub to: String,
    /// Each reason, as a short phrase.
    pub reasons: Vec<String>,
}

/// The answer to Q3.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EastWest {
    /// East-west flows that pass.
    pub passing: usize,
    /// All east-west flows.
    pub total: usize,
    /// The failing flows, in document order.
    pub failing: Vec<FailingFlow>,
}

/// Answers Q3.
pub fn answer(_graph: &Graph<'_>) -> EastWest {
    EastWest::default()
}

/// Returns the REV-3 findings.
pub fn findings(_graph: &Graph<'_>, _east_west: &EastWest) -> Vec<Finding> {
    Vec::new()
}
