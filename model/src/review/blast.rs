//! Q2: what happens if a single identity is compromised?

use serde::Serialize;

use super::Finding;
use crate::graph::{Graph, NodeIx};

/// What one compromised identity reaches.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BlastRadius {
    /// Id of the compromised identity or workforce user.
    pub identity: String,
}

/// One identity's blast radius in the ranking.
#[derive(Clone, Debug, Serialize)]
pub struct RankEntry {
    /// Identity or workforce user id.
    pub identity: String,
    /// Crown jewels reached with write or admin.
    pub crown_jewels_written: usize,
    /// Crown jewels whose data is exposed.
    pub crown_jewels_read: usize,
    /// Everything reached.
    pub reached: usize,
}

/// Every identity and workforce user by blast radius, largest first.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ranking {
    /// The entries, largest blast radius first, ties by id.
    pub entries: Vec<RankEntry>,
}

/// Computes the blast radius of one compromised identity or workforce user.
pub fn blast_radius(graph: &Graph<'_>, identity: NodeIx) -> BlastRadius {
    BlastRadius {
        identity: graph.id(identity).to_owned(),
    }
}

/// Ranks every identity and workforce user by blast radius.
pub fn ranking(_graph: &Graph<'_>) -> Ranking {
    Ranking::default()
}

/// Returns the REV-2 findings.
pub fn findings(_graph: &Graph<'_>) -> Vec<Finding> {
    Vec::new()
}
