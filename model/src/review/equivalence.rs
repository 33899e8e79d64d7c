//! Checks that the fast paths of the review give what a straightforward computation gives, on
//! generated models of several sizes and seeds.

use rand::SeedableRng as _;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom as _;

use super::*;
use crate::generate::{GeneratorConfig, generate};

/// The models compared: sizes and seeds, small enough for a debug build.
pub(crate) const MODELS: [(usize, u64); 5] =
    [(60, 1), (200, 7), (400, 2026), (700, 3), (1_000, 11)];

/// Sorts findings the plain way: by places and title, then by severity and checklist order,
/// each sort stable.
fn sort_reference(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (&a.nodes, &a.edges, &a.title).cmp(&(&b.nodes, &b.edges, &b.title)));
    findings.sort_by_key(|finding| {
        (
            std::cmp::Reverse(finding.severity),
            rule_order(finding.rule),
        )
    });
}

/// Returns every finding of a model, in the order the review gathers them.
fn unsorted_findings(graph: &Graph<'_>) -> Vec<Finding> {
    let reach = reach::answer(graph);
    let defence = defence::answer(graph);
    let east_west = east_west::answer(graph);
    let mut findings = checklist::findings(graph);
    findings.extend(reach::findings(graph, &reach));
    findings.extend(defence::findings(graph, &defence));
    findings.extend(blast::findings(graph));
    findings.extend(east_west::findings(graph, &east_west));
    findings
}

#[test]
fn sorting_findings_matches_the_plain_sort() {
    for (nodes, seed) in MODELS {
        let doc = generate(&GeneratorConfig::new(nodes, seed));
        let graph = Graph::new(&doc);
        let mut gathered = unsorted_findings(&graph);
        assert!(gathered.len() > nodes, "{nodes} nodes give few findings");
        let mut shuffled = gathered.clone();
        shuffled.shuffle(&mut SmallRng::seed_from_u64(seed));
        // Findings that tie on every key but differ elsewhere keep their order.
        let tie = Finding {
            evidence: vec!["tie".into()],
            ..shuffled[0].clone()
        };
        shuffled.push(tie);

        for findings in [&mut gathered, &mut shuffled] {
            let mut expected = findings.clone();
            sort_reference(&mut expected);
            sort_findings(findings);
            assert!(
                *findings == expected,
                "{nodes} nodes, seed {seed}: orders differ"
            );
        }
    }
}
