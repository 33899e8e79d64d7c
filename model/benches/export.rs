//! Benchmarks of the blueprint export: the PDF, the page SVG and the diagram SVG of the
//! PCI DSS reference template and of a generated 2,000-node model.

use criterion::{Criterion, criterion_group, criterion_main};
use trustmap_model::document::{
    Authentication, Document, Edge, EdgeKind, Flow, Node, NodeKind, Point, Service, Size, Zone,
    ZoneSort,
};
use trustmap_model::export::fonts::Fonts;
use trustmap_model::export::page::{self, PageOptions};
use trustmap_model::export::{pdf, svg};
use trustmap_model::{geometry, review};

/// Returns `count` services in VPC zones of 50, each flowing to the next.
fn large_model(count: usize) -> Document {
    let mut doc = Document::new("Generated");
    let per_zone = 50;
    for zone in 0..count.div_ceil(per_zone) {
        let mut node = Node::new(
            format!("zone-{zone}"),
            format!("Zone {zone}"),
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: true,
                cde: false,
            }),
        );
        node.position = Point::new((zone % 8) as f32 * 1900.0, (zone / 8) as f32 * 900.0);
        node.size = Size::new(1850.0, 860.0);
        doc.nodes.push(node);
    }
    for ix in 0..count {
        let (zone, slot) = (ix / per_zone, ix % per_zone);
        let origin = doc.nodes[zone].position;
        let mut node = Node::new(
            format!("svc-{ix}"),
            format!("Service {ix}"),
            NodeKind::Service(Service::default()),
        );
        node.position = Point::new(
            origin.x + 20.0 + (slot % 10) as f32 * 180.0,
            origin.y + 40.0 + (slot / 10) as f32 * 160.0,
        );
        node.parent = Some(format!("zone-{zone}"));
        doc.nodes.push(node);
        if ix > 0 {
            doc.edges.push(Edge {
                id: format!("f{ix}"),
                from: format!("svc-{}", ix - 1),
                to: format!("svc-{ix}"),
                kind: EdgeKind::Flow(Flow {
                    authentication: Authentication::Mtls,
                    ..Flow::default()
                }),
            });
        }
    }
    doc
}

fn page_of(doc: &Document) -> page::Page {
    let options = PageOptions {
        date: "2026-12-04".to_owned(),
        ..PageOptions::default()
    };
    page::layout(
        doc,
        &geometry::layout(doc),
        &review(doc),
        &options,
        Fonts::bundled_only(),
    )
}

fn bench_export(c: &mut Criterion) {
    let Some(template) = trustmap_model::templates::template("aws-pci-zero-trust") else {
        panic!("the PCI DSS reference template is not bundled");
    };
    let blueprint = match trustmap_model::load::load_str(template.text, "aws-pci-zero-trust") {
        Ok(doc) => doc,
        Err(err) => panic!("the template does not load: {err}"),
    };
    let large = large_model(2_000);

    for (name, doc) in [("template", &blueprint), ("2000 nodes", &large)] {
        c.bench_function(&format!("export PDF, {name}"), |b| {
            b.iter(|| pdf::write(&page_of(doc)).map(|bytes| bytes.len()))
        });
        c.bench_function(&format!("export page SVG, {name}"), |b| {
            b.iter(|| svg::page(&page_of(doc)).len())
        });
        c.bench_function(&format!("export diagram SVG, {name}"), |b| {
            b.iter(|| {
                svg::diagram(
                    doc,
                    &geometry::layout(doc),
                    &review(doc),
                    &mut Fonts::bundled_only(),
                )
                .len()
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_export
}
criterion_main!(benches);
