//! Checks that the results computed from shared reach agree with a search from each
//! compromised principal, on generated models and on generated models given trust cycles,
//! associations, MFA conditions and workforce users with MFA.

use rand::rngs::SmallRng;
use rand::{Rng as _, SeedableRng as _};

use super::*;
use crate::document::{CanAssume, Document, Edge, External, ExternalSort, Node};
use crate::generate::{GeneratorConfig, generate};
use crate::review::equivalence::MODELS;

/// Adds trust relations between random principals, so that the link graph has cycles,
/// associations and links that need MFA, and workforce users with MFA who may assume them.
fn tangled(mut doc: Document, seed: u64) -> Document {
    let mut rng = SmallRng::seed_from_u64(seed);
    for ix in 0..3 {
        doc.nodes.push(Node::new(
            format!("mfa-user-{ix}"),
            format!("MFA user {ix}"),
            NodeKind::External(External {
                sort: ExternalSort::WorkforceUser { mfa: true },
            }),
        ));
    }
    let principals: Vec<String> = doc
        .nodes
        .iter()
        .filter(|node| is_principal(&node.kind))
        .map(|node| node.id.clone())
        .collect();
    for ix in 0..principals.len() / 2 {
        let from = &principals[rng.random_range(0..principals.len())];
        let to = &principals[rng.random_range(0..principals.len())];
        doc.edges.push(Edge {
            id: format!("tangle-{ix}"),
            from: from.clone(),
            to: to.clone(),
            kind: EdgeKind::CanAssume(CanAssume {
                mfa_required: rng.random_bool(0.3),
                association: rng.random_bool(0.1),
                ..CanAssume::default()
            }),
        });
    }
    doc
}

/// Returns every model compared: the generated ones, plain and tangled.
fn models() -> impl Iterator<Item = (String, Document)> {
    MODELS.into_iter().flat_map(|(nodes, seed)| {
        let doc = generate(&GeneratorConfig::new(nodes, seed));
        [
            (format!("{nodes} nodes, seed {seed}"), doc.clone()),
            (
                format!("{nodes} nodes, seed {seed}, tangled"),
                tangled(doc, seed),
            ),
        ]
    })
}

#[test]
fn shared_tallies_match_a_search_from_each_principal() {
    for (name, doc) in models() {
        let graph = Graph::new(&doc);
        let mut shared = shared::Shared::new(&graph);
        let mut search = Search::new(&graph);
        let mut reached = 0;
        for principal in compromisable(&graph) {
            search.run(principal, Scope::Everything, Record::Nothing);
            let expected = search.tally();
            reached += expected.reached;
            assert_eq!(
                shared.tally(principal),
                expected,
                "{name}: {}",
                graph.id(principal)
            );
        }
        assert!(reached > 0, "{name}: nothing is reached");
    }
}

/// Returns the REV-2 findings from a search from each compromised principal.
fn rev2_reference(graph: &Graph<'_>) -> Vec<crate::review::Finding> {
    let cedar = cedar_not_evaluated(graph);
    let mut search = Search::new(graph);
    let mut findings = Vec::new();
    for principal in compromisable(graph) {
        search.run(principal, Scope::Writes, Record::Nothing);
        let writes = rev2::writes(graph, rev2::crown_jewels_written(&search));
        if !writes.breach() {
            continue;
        }
        let places = writes.places();
        search.run(principal, Scope::Writes, Record::Nodes(&places));
        let mut finding = rev2::finding(&search, &writes, &places);
        finding.cedar_not_evaluated = cedar;
        findings.push(finding);
    }
    findings
}

#[test]
fn rev2_findings_match_a_search_from_each_principal() {
    let mut total = 0;
    for (name, doc) in models() {
        let graph = Graph::new(&doc);
        let expected = rev2_reference(&graph);
        total += expected.len();
        assert!(
            findings(&graph) == expected,
            "{name}: REV-2 findings differ"
        );
    }
    assert!(total > 0, "no model gives a REV-2 finding");
}
