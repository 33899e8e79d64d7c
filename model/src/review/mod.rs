//! The Zero Trust review: a pure function from a document to its findings, the answers to
//! the three review questions, depth of defence, chokepoints and the checklist.
//!
//! Each question has its own module: [`reach`] (Q1, can a node be reached without explicit
//! authentication and authorization), [`defence`] (depth of defence and chokepoints),
//! [`blast`] (Q2, what one compromised identity reaches), [`east_west`] (Q3, is east-west
//! traffic authenticated and logged) and [`checklist`] (every checklist item). They read the
//! document only through the [`Graph`] view.

pub mod blast;
pub mod checklist;
pub mod defence;
pub mod east_west;
pub mod reach;
pub mod rules;

#[cfg(test)]
mod equivalence;

use std::fmt;

use serde::Serialize;

use crate::document::Document;
use crate::graph::{EdgeIx, Graph, NodeIx};
use crate::policy::PolicyCache;

pub use rules::{Pillar, RULES, Rule};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information: nothing to fix.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, from the least to the most severe.
    pub const ALL: [Self; 5] = [
        Self::Info,
        Self::Low,
        Self::Medium,
        Self::High,
        Self::Critical,
    ];

    /// Returns the lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Parses a lowercase name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|severity| severity.name() == name)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem the review found, with the evidence for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Id of the checklist item it falls under, such as `ID-1`.
    pub rule: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// One sentence naming the place and what is wrong.
    pub title: String,
    /// Ids of the nodes and zones involved, the place first.
    pub nodes: Vec<String>,
    /// Ids of the edges involved.
    pub edges: Vec<String>,
    /// Node ids along the evidence path, from its start to the place, where one exists.
    pub evidence: Vec<String>,
    /// What to do about it.
    pub remediation: &'static str,
    /// PCI DSS v4.0.1 requirements it bears on.
    pub pci: &'static [&'static str],
    /// Attributes whose value is unknown and that the finding rests on, such as
    /// `authentication of flow web-to-api`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// The finding rests on a Cedar check whose policies were not evaluated: the check counts
    /// as explicit authorization that is never closed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cedar_not_evaluated: bool,
}

impl Finding {
    /// Creates a finding under a checklist item, with the item's remediation and PCI DSS
    /// requirements.
    pub fn new(rule_id: &str, severity: Severity, title: impl Into<String>) -> Self {
        let rule = rules::rule(rule_id);
        Self {
            rule: rule.id,
            severity,
            title: title.into(),
            nodes: Vec::new(),
            edges: Vec::new(),
            evidence: Vec::new(),
            remediation: rule.remediation,
            pci: rule.pci,
            unknown: Vec::new(),
            cedar_not_evaluated: false,
        }
    }

    /// Adds the nodes involved, by index.
    pub fn with_nodes(
        mut self,
        graph: &Graph<'_>,
        nodes: impl IntoIterator<Item = NodeIx>,
    ) -> Self {
        self.nodes
            .extend(nodes.into_iter().map(|ix| graph.id(ix).to_owned()));
        self
    }

    /// Adds the edges involved, by index.
    pub fn with_edges(
        mut self,
        graph: &Graph<'_>,
        edges: impl IntoIterator<Item = EdgeIx>,
    ) -> Self {
        self.edges
            .extend(edges.into_iter().map(|ix| graph.edge(ix).id.clone()));
        self
    }

    /// Sets the evidence path, by node index.
    pub fn with_evidence(mut self, graph: &Graph<'_>, path: &[NodeIx]) -> Self {
        self.evidence = path.iter().map(|&ix| graph.id(ix).to_owned()).collect();
        self
    }

    /// Records an unknown attribute the finding rests on.
    pub fn with_unknown(mut self, attribute: impl Into<String>) -> Self {
        self.unknown.push(attribute.into());
        self
    }
}

/// Returns an item's position in the checklist, or `usize::MAX` for an unknown id.
fn rule_order(rule_id: &str) -> usize {
    RULES
        .iter()
        .position(|rule| rule.id == rule_id)
        .unwrap_or(usize::MAX)
}

/// Sorts findings into their stable report order: most severe first, then checklist order,
/// then the places involved and the title.
///
/// The first node id of every finding is ranked once, so most comparisons read integers
/// instead of strings. Findings that tie on it compare their ids and titles. The sort is
/// stable, so findings that tie on every key keep the order they came in.
pub fn sort_findings(findings: &mut [Finding]) {
    let order = report_order(findings);
    apply_order(findings, order);
}

/// Returns the indices of the findings in report order.
fn report_order(findings: &[Finding]) -> Vec<usize> {
    // Each first id is looked up once, which gives its slot among the distinct first ids.
    // Sorting the distinct ids alone then ranks the slots.
    let mut slot: foldhash::HashMap<&str, u32> = foldhash::HashMap::default();
    let mut distinct: Vec<&str> = Vec::new();
    let firsts: Vec<Option<u32>> = findings
        .iter()
        .map(|finding| {
            let id = finding.nodes.first()?;
            let next = u32::try_from(distinct.len()).unwrap_or(u32::MAX);
            Some(*slot.entry(id.as_str()).or_insert_with(|| {
                distinct.push(id.as_str());
                next
            }))
        })
        .collect();
    let mut by_id: Vec<u32> = (0..u32::try_from(distinct.len()).unwrap_or(u32::MAX)).collect();
    by_id.sort_unstable_by_key(|&id_slot| distinct[id_slot as usize]);
    let mut rank_of_slot = vec![0; distinct.len()];
    for (rank, &id_slot) in (1u64..).zip(&by_id) {
        rank_of_slot[id_slot as usize] = rank;
    }

    // Severity, checklist position and the rank of the first id (0 for none) are packed in
    // one integer beside the index.
    let mut order: Vec<(u64, usize)> = findings
        .iter()
        .zip(firsts)
        .enumerate()
        .map(|(ix, (finding, first))| {
            let severity = 4 - finding.severity as u64;
            let rule = rule_order(finding.rule).min(0xff_ffff) as u64;
            let first = first.map_or(0, |id_slot| rank_of_slot[id_slot as usize]);
            ((severity << 56) | (rule << 32) | first.min(0xffff_ffff), ix)
        })
        .collect();
    order.sort_by(|&(packed_a, a), &(packed_b, b)| {
        packed_a.cmp(&packed_b).then_with(|| {
            let (a, b) = (&findings[a], &findings[b]);
            (&a.nodes, &a.edges, &a.title).cmp(&(&b.nodes, &b.edges, &b.title))
        })
    });
    order.into_iter().map(|(_, ix)| ix).collect()
}

/// Moves the findings into the order given as the index of the finding for each position.
fn apply_order(findings: &mut [Finding], order: Vec<usize>) {
    let mut destination = vec![0; order.len()];
    for (position, &from) in order.iter().enumerate() {
        destination[from] = position;
    }
    for ix in 0..findings.len() {
        while destination[ix] != ix {
            let target = destination[ix];
            findings.swap(ix, target);
            destination.swap(ix, target);
        }
    }
}

/// Returns the label of the node with this id, as finding titles name nodes, or the id
/// itself when no node has it.
pub(crate) fn label_of(graph: &Graph<'_>, id: &str) -> String {
    graph
        .ix(id)
        .map_or_else(|| id.to_owned(), |ix| graph.node(ix).label.clone())
}

/// Returns `Critical` when a node is a crown jewel, and the base severity otherwise.
pub fn severity_near_node(graph: &Graph<'_>, node: NodeIx, base: Severity) -> Severity {
    if graph.is_crown_jewel(node) {
        Severity::Critical
    } else {
        base
    }
}

/// Returns `Critical` when a flow goes into or out of a crown jewel or exchanges restricted
/// data, and the base severity otherwise.
pub fn severity_near_flow(graph: &Graph<'_>, flow: EdgeIx, base: Severity) -> Severity {
    let near = graph
        .ends(flow)
        .is_some_and(|(from, to)| graph.is_crown_jewel(from) || graph.is_crown_jewel(to))
        || graph.flow_is_restricted(flow);
    if near { Severity::Critical } else { base }
}

/// The answers to the three review questions.
#[derive(Clone, Debug, Serialize)]
pub struct Questions {
    /// Q1: the level at which each node can be reached.
    pub unauthenticated_reach: reach::Reach,
    /// Q2: every identity's blast radius, ranked.
    pub blast_radius: blast::Ranking,
    /// Q3: which east-west flows pass.
    pub east_west: east_west::EastWest,
}

/// The whole review of a document.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// Every finding, in stable report order.
    pub findings: Vec<Finding>,
    /// The answers to the three review questions.
    pub questions: Questions,
    /// Depth of defence and chokepoints of each crown jewel.
    pub defence: defence::Defence,
    /// Every checklist item with its state.
    pub checklist: Vec<checklist::ItemResult>,
    /// False when some flow's authorization is a Cedar store whose policies could not be
    /// evaluated (each such check counts as explicit authorization).
    pub cedar_evaluated: bool,
    /// Every parse, link, schema, validation and evaluation problem of the policy stores,
    /// with its place in the store's text.
    pub policy_problems: Vec<crate::policy::Problem>,
}

impl Review {
    /// Returns the most severe finding's severity, if there is any finding.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|finding| finding.severity).max()
    }
}

/// Reviews a document, asking its policy stores with a fresh cache.
pub fn review(doc: &Document) -> Review {
    review_with(doc, &mut PolicyCache::new())
}

/// Reviews a document, reusing the compiled stores and decisions a cache holds from earlier
/// reviews (of this document or of an earlier version of it). The result is the same as
/// [`review`]'s.
pub fn review_with(doc: &Document, cache: &mut PolicyCache) -> Review {
    let mut graph = Graph::new(doc);
    let facts = crate::policy::facts::compute(&graph, cache);
    graph.set_cedar(facts);

    let reach = reach::answer(&graph);
    let defence = defence::answer(&graph);
    let (ranking, rev2) = blast::ranking_and_findings(&graph);
    let east_west = east_west::answer(&graph);

    let mut findings = Vec::new();
    findings.extend(checklist::findings(&graph));
    findings.extend(reach::findings(&graph, &reach));
    findings.extend(defence::findings(&graph, &defence));
    findings.extend(rev2);
    findings.extend(east_west::findings(&graph, &east_west));
    findings.extend(graph.cedar().findings.iter().cloned());
    let cedar_evaluated = !graph.cedar().any_unevaluated();
    sort_findings(&mut findings);

    let checklist = checklist::evaluate(&graph, &findings);
    Review {
        findings,
        questions: Questions {
            unauthenticated_reach: reach,
            blast_radius: ranking,
            east_west,
        },
        defence,
        checklist,
        cedar_evaluated,
        policy_problems: graph.cedar().problems.clone(),
    }
}
