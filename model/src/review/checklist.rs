//! The checklist: the predicate of every automatic item, and each item's state.

use serde::Serialize;

use super::Finding;
use crate::graph::Graph;

/// The state of a checklist item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// The predicate finds nothing.
    Pass,
    /// The predicate finds at least one place.
    Fail,
    /// A manual item without a reviewer's verdict.
    Manual,
    /// The item's subject is absent from the model.
    NotApplicable,
}

/// One checklist item's result.
#[derive(Clone, Debug, Serialize)]
pub struct ItemResult {
    /// Item id.
    pub id: &'static str,
    /// Its state.
    pub state: ItemState,
    /// How many findings fall under it.
    pub findings: usize,
}

/// Returns the findings of the items decided by a predicate over the graph alone (all but
/// the review questions).
pub fn findings(_graph: &Graph<'_>) -> Vec<Finding> {
    Vec::new()
}

/// Returns the state of every checklist item, given all findings.
pub fn evaluate(_graph: &Graph<'_>, _findings: &[Finding]) -> Vec<ItemResult> {
    Vec::new()
}
