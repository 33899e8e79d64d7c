//! Frame-time measurements of the whole window, run headlessly: each frame is one egui pass
//! of the app plus tessellation, with no GPU, while the camera pans across a generated
//! model. They are ignored by default; run them in release mode with
//! `cargo test -p trustmap --release --bin trustmap frame_time -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use egui::emath::TSTransform;
use trustmap_model::document::{
    Document, Edge, EdgeKind, Flow, Node, NodeKind, Point, Service, Zone, ZoneSort,
};

use super::app::TrustmapApp;
use super::files::RecentFiles;
use super::tests_policies::NoDialogs;

/// Generates services on a square grid, 200 world units apart, in one zone per 100
/// services, each calling the next three services.
fn generated_model(nodes: usize, flows_per_node: usize) -> Document {
    let mut doc = Document::new(format!("{nodes} services"));
    let columns = (nodes as f32).sqrt().ceil() as usize;
    let zones = nodes.div_ceil(100);
    for zone in 0..zones {
        let mut node = Node::new(
            format!("zone-{zone}"),
            format!("Zone {zone}"),
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: false,
                cde: false,
            }),
        );
        node.position = Point::new(-40.0, zone as f32 * 10.0 - 40.0);
        node.size = trustmap_model::document::Size::new(
            columns as f32 * 200.0 + 80.0,
            (columns as f32) * 120.0 + 80.0,
        );
        doc.nodes.push(node);
    }
    for index in 0..nodes {
        let mut node = Node::new(
            format!("service-{index}"),
            format!("Service {index}"),
            NodeKind::Service(Service::default()),
        );
        node.technology = "Amazon EKS deployment".to_owned();
        node.position = Point::new(
            (index % columns) as f32 * 200.0,
            (index / columns) as f32 * 120.0,
        );
        node.parent = Some(format!("zone-{}", index / 100));
        doc.nodes.push(node);
    }
    for index in 0..nodes {
        for step in 1..=flows_per_node {
            let target = (index + step) % nodes;
            doc.edges.push(Edge {
                id: format!("flow-{index}-{step}"),
                from: format!("service-{index}"),
                to: format!("service-{target}"),
                kind: EdgeKind::Flow(Flow::default()),
            });
        }
    }
    doc
}

/// CPU time of the frames of one run.
struct FrameTimes {
    /// Median time of a whole frame.
    median: Duration,
    /// Mean time of a whole frame.
    mean: Duration,
    /// Longest frame.
    worst: Duration,
    /// Mean time of the egui pass alone.
    pass: Duration,
    /// Mean time of tessellation alone.
    tessellation: Duration,
}

/// Runs `frames` frames while the camera pans, and returns the CPU time they took.
fn measure(app: &mut TrustmapApp, zoom: f32, frames: usize) -> FrameTimes {
    let ctx = egui::Context::default();
    super::text::setup_context(&ctx);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1600.0, 1000.0),
        )),
        ..egui::RawInput::default()
    };
    let run_frame = |app: &mut TrustmapApp| {
        let start = Instant::now();
        let mut output = ctx.run_ui(input(), |ui| app.show(ui));
        let pass = start.elapsed();
        let primitives =
            ctx.tessellate(std::mem::take(&mut output.shapes), output.pixels_per_point);
        output.textures_delta.clear();
        assert!(!primitives.is_empty(), "the frame painted something");
        (pass, start.elapsed() - pass)
    };

    // Warm up: lay out the diagram, render the icons and fill the glyph cache.
    for _ in 0..3 {
        run_frame(app);
    }
    app.canvas.screen_from_world = TSTransform::new(egui::vec2(200.0, 100.0), zoom);

    let mut whole = Vec::with_capacity(frames);
    let mut times = FrameTimes {
        median: Duration::ZERO,
        mean: Duration::ZERO,
        worst: Duration::ZERO,
        pass: Duration::ZERO,
        tessellation: Duration::ZERO,
    };
    for _ in 0..frames {
        app.canvas.screen_from_world.translation.x -= 7.0;
        let (pass, tessellation) = run_frame(app);
        times.pass += pass;
        times.tessellation += tessellation;
        whole.push(pass + tessellation);
    }
    whole.sort_unstable();
    times.median = whole[whole.len() / 2];
    times.worst = whole[whole.len() - 1];
    let frames = frames as u32;
    times.mean = (times.pass + times.tessellation) / frames;
    times.pass /= frames;
    times.tessellation /= frames;
    times
}

fn report(nodes: usize, flows_per_node: usize) {
    let doc = generated_model(nodes, flows_per_node);
    let mut app = TrustmapApp::new(Box::new(NoDialogs), RecentFiles::in_memory());
    app.doc = doc;
    app.document_changed();

    let milliseconds = |duration: Duration| duration.as_secs_f64() * 1000.0;
    for (zoom, name) in [
        (0.05, "whole model on screen (overview)"),
        (0.16, "zoom 0.16, badges and dashes, no labels"),
        (1.0, "zoom 1, labels drawn"),
    ] {
        let times = measure(&mut app, zoom, 60);
        println!(
            "{nodes} nodes, {} flows, {name}: median {:.2} ms, mean {:.2} ms (egui pass \
             {:.2} ms, tessellation {:.2} ms), max {:.2} ms per frame",
            nodes * flows_per_node,
            milliseconds(times.median),
            milliseconds(times.mean),
            milliseconds(times.pass),
            milliseconds(times.tessellation),
            milliseconds(times.worst),
        );
    }
}

#[test]
#[ignore = "a measurement, not a check: run in release mode with --ignored"]
fn frame_time_2000_nodes() {
    report(2000, 3);
}

#[test]
#[ignore = "a measurement, not a check: run in release mode with --ignored"]
fn frame_time_10000_nodes() {
    report(10_000, 3);
}
