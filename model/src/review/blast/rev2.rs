//! REV-2, one compromised identity stays contained: the identities and workforce users whose
//! blast radius writes to a crown jewel only through another identity, or writes to crown
//! jewels in more than one account.

use std::collections::BTreeMap;

use crate::document::{NodeKind, ZoneSort};
use crate::graph::{Graph, NodeIx};
use crate::review::{Finding, Severity};

use super::access::WRITE;
use super::expansion::{NONE, Step};
use super::search::{Record, Scope, Search, compare_paths};
use super::shared::Shared;
use super::{cedar_not_evaluated, compromisable};

/// The crown jewels one compromised principal writes to, for REV-2.
pub(super) struct Writes {
    /// Crown jewels written only through another identity, in index order.
    through_another: Vec<NodeIx>,
    /// The crown jewels written, by the account they are in (a crown jewel in no account is
    /// its own), in index order.
    by_account: BTreeMap<NodeIx, Vec<NodeIx>>,
}

impl Writes {
    pub(super) fn breach(&self) -> bool {
        !self.through_another.is_empty() || self.by_account.len() > 1
    }

    /// Returns the crown jewels the finding names: those written only through another identity,
    /// and every crown jewel written when they lie in more than one account.
    pub(super) fn places(&self) -> Vec<NodeIx> {
        let mut places = self.through_another.clone();
        if self.by_account.len() > 1 {
            places.extend(self.by_account.values().flatten());
        }
        places.sort_unstable();
        places.dedup();
        places
    }
}

/// Returns the REV-2 findings: one for each identity or workforce user whose blast radius
/// writes to a crown jewel only through another identity, or to crown jewels in more than
/// one account.
pub fn findings(graph: &Graph<'_>) -> Vec<Finding> {
    findings_from(&mut Shared::new(graph))
}

/// Returns the REV-2 findings, deciding them from shared sets already computed.
pub(super) fn findings_from(shared: &mut Shared<'_, '_>) -> Vec<Finding> {
    let graph = shared.graph();
    let cedar = cedar_not_evaluated(graph);
    let mut search = Search::new(graph);
    let mut findings = Vec::new();
    for principal in compromisable(graph) {
        let written = if shared.answers_for(principal) {
            shared.crown_jewels_written(principal)
        } else {
            search.run(principal, Scope::Writes, Record::Nothing);
            crown_jewels_written(&search)
        };
        let writes = writes(graph, written);
        if !writes.breach() {
            continue;
        }
        let places = writes.places();
        // The finding reads the evidence and own access of its places alone.
        search.run(principal, Scope::Writes, Record::Only(&places));
        let mut finding = finding(&search, &writes, &places);
        finding.cedar_not_evaluated = cedar;
        findings.push(finding);
    }
    findings
}

/// Returns the crown jewels the last run writes to, in index order, each with whether the
/// compromised principal's own identities write it.
pub(super) fn crown_jewels_written(search: &Search<'_, '_>) -> Vec<(NodeIx, bool)> {
    let graph = search.graph();
    let mut written: Vec<(NodeIx, bool)> = search
        .touched()
        .iter()
        .copied()
        .filter(|&node| node != search.start())
        .filter(|&node| graph.is_crown_jewel(node) && search.bits(node) & WRITE != 0)
        .map(|node| (node, search.own_bits(node) & WRITE != 0))
        .collect();
    written.sort_unstable();
    written
}

/// Sorts the crown jewels written, given in index order, by account.
pub(super) fn writes(graph: &Graph<'_>, written: Vec<(NodeIx, bool)>) -> Writes {
    let mut by_account: BTreeMap<NodeIx, Vec<NodeIx>> = BTreeMap::new();
    for &(node, _) in &written {
        by_account
            .entry(account_of(graph, node))
            .or_default()
            .push(node);
    }
    Writes {
        through_another: written
            .into_iter()
            .filter(|&(_, own)| !own)
            .map(|(node, _)| node)
            .collect(),
        by_account,
    }
}

/// Returns the nearest account zone containing a node, or the node itself when no account
/// contains it.
fn account_of(graph: &Graph<'_>, node: NodeIx) -> NodeIx {
    graph
        .nearest_zone(node, |sort| matches!(sort, ZoneSort::Account(_)))
        .unwrap_or(node)
}

/// Builds the finding of one principal from a run that recorded the evidence of `places`.
pub(super) fn finding(search: &Search<'_, '_>, writes: &Writes, places: &[NodeIx]) -> Finding {
    let graph = search.graph();
    let principal = search.start();

    let paths: Vec<Vec<Step>> = places
        .iter()
        .filter_map(|&place| {
            let own = search.own_bits(place) & WRITE != 0;
            search.evidence(place, WRITE, own)
        })
        .collect();
    let shortest = paths
        .iter()
        .min_by(|a, b| compare_paths(graph, a, b))
        .cloned()
        .unwrap_or_default();
    let mut edges = Vec::new();
    for step in paths.iter().flatten() {
        if step.edge != NONE && !edges.contains(&(step.edge as usize)) {
            edges.push(step.edge as usize);
        }
    }
    let evidence: Vec<NodeIx> = shortest.iter().map(|step| step.node as usize).collect();

    Finding::new("REV-2", Severity::High, title(graph, principal, writes))
        .with_nodes(
            graph,
            std::iter::once(principal).chain(places.iter().copied()),
        )
        .with_edges(graph, edges)
        .with_evidence(graph, &evidence)
}

fn title(graph: &Graph<'_>, principal: NodeIx, writes: &Writes) -> String {
    let subject_kind = match &graph.node(principal).kind {
        NodeKind::External(_) => "workforce user",
        _ => "identity",
    };
    let through = id_list(graph, &writes.through_another);
    let accounts = id_list(
        graph,
        &writes.by_account.keys().copied().collect::<Vec<_>>(),
    );
    let count = writes.by_account.len();
    let subject = format!(
        "Compromising {subject_kind} {} gives write on crown jewels",
        graph.id(principal)
    );
    match (writes.through_another.is_empty(), count > 1) {
        (false, true) => format!(
            "{subject} only through another identity ({through}) and in {count} accounts \
             ({accounts})"
        ),
        (false, false) => format!("{subject} only through another identity: {through}"),
        _ => format!("{subject} in {count} accounts: {accounts}"),
    }
}

fn id_list(graph: &Graph<'_>, nodes: &[NodeIx]) -> String {
    let mut ids: Vec<&str> = nodes.iter().map(|&node| graph.id(node)).collect();
    ids.sort_unstable();
    ids.join(", ")
}
