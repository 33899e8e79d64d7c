//! Times each part of the review of a generated model, one `Instant` around each, to show
//! where the review spends its time. It is not a benchmark: each part runs once, so the
//! times are estimates.
//!
//! `cargo run --profile release -p trustmap-model --example review_parts -- 10000` times a
//! model of 10,000 nodes (seed 2026, as the benchmarks use).

use std::time::{Duration, Instant};

use trustmap_model::generate::{GeneratorConfig, generate};
use trustmap_model::graph::Graph;
use trustmap_model::policy::PolicyCache;
use trustmap_model::review::{self, blast, checklist, defence, east_west, reach};

fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    report(label, start.elapsed());
    value
}

fn report(label: &str, elapsed: Duration) {
    println!("{label:<28} {:>10.2} ms", elapsed.as_secs_f64() * 1e3);
}

fn main() {
    let nodes = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(10_000);
    let doc = generate(&GeneratorConfig::new(nodes, 2026));
    println!("{} nodes, {} edges", doc.nodes.len(), doc.edges.len());

    let mut graph = timed("Graph::new", || Graph::new(&doc));
    let facts = timed("policy facts", || {
        trustmap_model::policy::facts::compute(&graph, &mut PolicyCache::new())
    });
    graph.set_cedar(facts);
    let reach = timed("reach::answer", || reach::answer(&graph));
    let defence = timed("defence::answer", || defence::answer(&graph));
    let ranking = timed("blast::ranking", || blast::ranking(&graph));
    let east_west = timed("east_west::answer", || east_west::answer(&graph));

    let mut findings = timed("checklist::findings", || checklist::findings(&graph));
    findings.extend(timed("reach::findings", || reach::findings(&graph, &reach)));
    findings.extend(timed("defence::findings", || {
        defence::findings(&graph, &defence)
    }));
    findings.extend(timed("blast::findings", || blast::findings(&graph)));
    findings.extend(timed("east_west::findings", || {
        east_west::findings(&graph, &east_west)
    }));
    timed("sort_findings", || review::sort_findings(&mut findings));
    timed("checklist::evaluate", || {
        checklist::evaluate(&graph, &findings)
    });
    println!(
        "{} findings, {} ranked identities",
        findings.len(),
        ranking.entries.len()
    );
    let mut per_rule = std::collections::BTreeMap::new();
    for finding in &findings {
        *per_rule.entry(finding.rule).or_insert(0) += 1;
    }
    println!("{per_rule:?}");
    widest(&graph, &ranking);
    let whole = timed("whole review::review", || review::review(&doc));
    assert_eq!(whole.findings.len(), findings.len());
}

/// Prints the size of the widest blast radius, which its evidence paths dominate.
fn widest(graph: &Graph<'_>, ranking: &blast::Ranking) {
    let widest = ranking.entries.first();
    let Some(ix) = widest.and_then(|entry| graph.ix(&entry.identity)) else {
        return;
    };
    let start = Instant::now();
    let radius = blast::blast_radius(graph, ix);
    report("blast_radius (widest)", start.elapsed());
    let evidence: usize = radius.reached.iter().map(|node| node.evidence.len()).sum();
    let ids: usize = radius
        .reached
        .iter()
        .flat_map(|node| &node.evidence)
        .map(|path| path.nodes.len() + path.edges.len())
        .sum();
    println!(
        "{} reached, {evidence} evidence paths, {ids} ids in them",
        radius.reached.len()
    );
}
