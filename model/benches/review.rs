//! Benchmarks of the review: the whole review of each template and of generated models of
//! 1,000 and 10,000 nodes, one blast radius, the ranking of every identity, and building the
//! graph view alone.
//!
//! `cargo bench -p trustmap-model --bench review` runs them all. `BENCHMARKS.md` at the
//! repository root lists the targets, the machine and the last results.

use std::hint::black_box;
use std::path::PathBuf;
use std::{fs, io};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use trustmap_model::Document;
use trustmap_model::document::{
    Authorization, CedarCheck, EdgeKind, Identity, IdentitySort, NodeKind, PolicyStore,
};
use trustmap_model::generate::{Counts, GeneratorConfig, generate};
use trustmap_model::graph::{Graph, NodeIx};
use trustmap_model::policy::PolicyCache;
use trustmap_model::review::{self, blast};

/// The templates under `templates/`, by file stem.
const TEMPLATES: [&str; 2] = ["aws-pci-zero-trust", "legacy-flat-network"];

/// Seed of every generated model, fixed so that each run measures the same documents.
const SEED: u64 = 2026;

/// The generated model of the ranking: 15 percent of 13,334 nodes are 2,000 identities.
const RANKING_NODES: usize = 13_334;

/// Sample count of the benchmarks that take milliseconds an iteration. Criterion's default of
/// 100 samples in linear sampling mode needs 5,050 iterations: minutes at 70 ms each.
const SLOW_SAMPLES: usize = 20;

/// Loads a template, or returns `None` with a note when the file does not exist.
///
/// # Panics
/// When the file exists but cannot be read or parsed: a broken template must not pass as a
/// skipped one.
fn load_template(name: &str) -> Option<Document> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../templates")
        .join(format!("{name}.trustmap.ron"));
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            eprintln!(
                "note: skipped template {name}: {} not found",
                path.display()
            );
            return None;
        }
        Err(error) => panic!("failed to read {}: {error}", path.display()),
    };
    match ron::from_str(&text) {
        Ok(doc) => Some(doc),
        Err(error) => panic!("failed to parse {}: {error}", path.display()),
    }
}

fn generated(nodes: usize) -> Document {
    generate(&GeneratorConfig::new(nodes, SEED))
}

/// Returns the identity with the largest blast radius, or the first IAM role while the
/// ranking is empty.
fn widest_identity(graph: &Graph<'_>) -> NodeIx {
    let ranking = blast::ranking(graph);
    if let Some(ix) = ranking
        .entries
        .first()
        .and_then(|entry| graph.ix(&entry.identity))
    {
        return ix;
    }

    eprintln!("note: the ranking is empty, so the blast radius is of the first IAM role");
    (0..graph.node_count())
        .find(|&ix| {
            matches!(
                graph.node(ix).kind,
                NodeKind::Identity(Identity {
                    sort: IdentitySort::IamRole,
                    ..
                })
            )
        })
        .expect("a generated model of 10,000 nodes has IAM roles")
}

fn review_templates(c: &mut Criterion) {
    let mut group = c.benchmark_group("review/template");
    for name in TEMPLATES {
        let Some(doc) = load_template(name) else {
            continue;
        };
        group.bench_with_input(BenchmarkId::from_parameter(name), &doc, |b, doc| {
            b.iter(|| review::review(black_box(doc)));
        });
    }
    group.finish();
}

fn review_generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("review/generated");
    group
        .sample_size(SLOW_SAMPLES)
        .sampling_mode(SamplingMode::Flat);
    for nodes in [1_000, 10_000] {
        let doc = generated(nodes);
        group.bench_with_input(BenchmarkId::from_parameter(nodes), &doc, |b, doc| {
            b.iter(|| review::review(black_box(doc)));
        });
    }
    group.finish();
}

fn blast_radius(c: &mut Criterion) {
    let doc = generated(10_000);
    let graph = Graph::new(&doc);
    let identity = widest_identity(&graph);
    eprintln!("note: the blast radius is of {}", graph.id(identity));

    let mut group = c.benchmark_group("blast_radius");
    group.bench_function("10000", |b| {
        b.iter(|| blast::blast_radius(&graph, black_box(identity)));
    });
    group.finish();
}

fn ranking(c: &mut Criterion) {
    let identities = Counts::for_nodes(RANKING_NODES).identities;
    assert_eq!(
        identities, 2_000,
        "the ranking model must hold 2,000 identities"
    );
    let doc = generated(RANKING_NODES);
    let graph = Graph::new(&doc);

    let mut group = c.benchmark_group("ranking");
    group
        .sample_size(SLOW_SAMPLES)
        .sampling_mode(SamplingMode::Flat);
    group.bench_function("2000_identities", |b| {
        b.iter(|| blast::ranking(black_box(&graph)));
    });
    group.finish();
}

fn graph_new(c: &mut Criterion) {
    let doc = generated(10_000);

    let mut group = c.benchmark_group("graph_new");
    group
        .sample_size(SLOW_SAMPLES)
        .sampling_mode(SamplingMode::Flat);
    group.bench_function("10000", |b| {
        b.iter(|| Graph::new(black_box(&doc)));
    });
    group.finish();
}

/// The blueprint template's review with its policy stores, with a cache warmed by one
/// review (as the window keeps it across edits) and with a fresh cache.
fn review_cedar_template(c: &mut Criterion) {
    let Some(doc) = load_template("aws-pci-zero-trust") else {
        return;
    };
    let mut group = c.benchmark_group("review/cedar/template");
    let mut cache = PolicyCache::new();
    review::review_with(&doc, &mut cache);
    group.bench_function("warm", |b| {
        b.iter(|| review::review_with(black_box(&doc), &mut cache));
    });
    group.bench_function("cold", |b| b.iter(|| review::review(black_box(&doc))));
    group.finish();
}

/// A generated model whose first 1,000 flows are authorized by one Cedar store, reviewed
/// with a warm cache.
fn review_cedar_generated(c: &mut Criterion) {
    let doc = cedar_model(generated(1_000), 1_000);
    let mut cache = PolicyCache::new();
    let first = review::review_with(&doc, &mut cache);
    assert!(first.cedar_evaluated, "{:?}", first.policy_problems);
    let mut group = c.benchmark_group("review/cedar/generated");
    group.sample_size(SLOW_SAMPLES);
    group.bench_function("1000_flows_warm", |b| {
        b.iter(|| review::review_with(black_box(&doc), &mut cache));
    });
    group.finish();
}

/// Authorizes up to `count` flows of a model with a Cedar store: identities may call
/// services in zones, customers and partners may use gateways, a forbid refuses risky
/// sessions.
fn cedar_model(mut doc: Document, count: usize) -> Document {
    doc.policy_stores.push(PolicyStore {
        id: "bench-policies".into(),
        policies: CEDAR_POLICIES.into(),
        ..PolicyStore::default()
    });
    let actions = ["Invoke", "Read", "Write", "Admin"];
    let mut authorized = 0;
    for (ix, edge) in doc.edges.iter_mut().enumerate() {
        let EdgeKind::Flow(flow) = &mut edge.kind else {
            continue;
        };
        if authorized == count {
            break;
        }
        flow.authorization = Authorization::Cedar(CedarCheck {
            store: "bench-policies".into(),
            action: actions[ix % actions.len()].into(),
        });
        authorized += 1;
    }
    assert_eq!(authorized, count, "the generated model has fewer flows");
    doc
}

const CEDAR_POLICIES: &str = r#"
@id("identities-invoke-services")
permit (principal is Trustmap::Identity, action == Trustmap::Action::"Invoke", resource is Trustmap::Service);

@id("identities-read-critical-from-managed-devices")
permit (principal is Trustmap::Identity, action in [Trustmap::Action::"Read", Trustmap::Action::"Write"], resource)
when { context.device.managed && resource.critical };

@id("customers-use-public-gateways")
permit (principal is Trustmap::Customer, action, resource is Trustmap::Gateway)
when { resource.public };

@id("refuse-risky-sessions")
forbid (principal, action, resource) when { context.risk_score > 90 };
"#;

criterion_group!(
    benches,
    review_templates,
    review_generated,
    blast_radius,
    ranking,
    graph_new,
    review_cedar_template,
    review_cedar_generated
);
criterion_main!(benches);
