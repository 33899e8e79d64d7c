//! End-to-end tests of the exports: the SVG parses strictly and keeps every hostile label
//! exactly, long labels are shortened on the page only, the PDF is one page whose text holds
//! the model, and models from empty to large fit the page.

use std::collections::BTreeSet;

use trustmap_model::document::{
    Authentication, Document, Edge, EdgeKind, Flow, Node, NodeKind, Point, Service, Size, Zone,
    ZoneSort,
};
use trustmap_model::export::fonts::{Fonts, REPLACEMENT};
use trustmap_model::export::page::{self, PageOptions, PageSize};
use trustmap_model::export::scene::{self, Primitive};
use trustmap_model::export::{dot, mermaid, pdf, png, svg};
use trustmap_model::geometry;
use trustmap_model::review::{RULES, review};

const SAMPLE: &str = include_str!("../fixtures/export-sample.trustmap.ron");
const HEBREW: &str = include_str!("../fixtures/threatStatementExample.json");

/// Returns the Hebrew-and-Latin text of the first threat's prerequisites.
fn hebrew_label() -> String {
    let threats: serde_json::Value = serde_json::from_str(HEBREW).expect("the fixture is JSON");
    let text = threats[0]["prerequisites"]
        .as_str()
        .expect("the first threat has prerequisites");
    assert!(text.contains("AWS") && text.chars().any(|ch| ('\u{5d0}'..='\u{5ea}').contains(&ch)));
    text.to_owned()
}

/// The hostile labels: markup, quotes, escapes, spaces, a tab, right-to-left text, CJK,
/// emoji and combining accents.
fn hostile_labels() -> Vec<String> {
    vec![
        r#"A < B & "C" 'D'"#.to_owned(),
        "]]>".to_owned(),
        "<b>x</b>".to_owned(),
        "&amp;".to_owned(),
        "  padded  ".to_owned(),
        "tab\there".to_owned(),
        hebrew_label(),
        "支付服务".to_owned(),
        "Payments 💳🔐".to_owned(),
        "Cafe\u{301} Zoe\u{308}".to_owned(),
    ]
}

fn service(id: &str, label: &str, x: f32, y: f32, width: f32) -> Node {
    let mut node = Node::new(id, label, NodeKind::Service(Service::default()));
    node.position = Point::new(x, y);
    node.size = Size::new(width, 64.0);
    node
}

fn flow(id: &str, from: &str, to: &str, authentication: Authentication) -> Edge {
    Edge {
        id: id.to_owned(),
        from: from.to_owned(),
        to: to.to_owned(),
        kind: EdgeKind::Flow(Flow {
            protocol: "HTTPS".to_owned(),
            authentication,
            ..Flow::default()
        }),
    }
}

/// One wide node per hostile label in two columns, a flow between the first two and a
/// self-loop on the first.
fn hostile_model() -> Document {
    let mut doc = Document::new(r#"Hostile <labels> & "quotes""#);
    for (ix, label) in hostile_labels().iter().enumerate() {
        let (x, y) = ((ix % 2) as f32 * 520.0, (ix / 2) as f32 * 110.0);
        doc.nodes
            .push(service(&format!("n{ix}"), label, x, y, 380.0));
    }
    doc.edges = vec![
        flow("f1", "n0", "n1", Authentication::Mtls),
        flow("loop", "n0", "n0", Authentication::Unknown),
    ];
    doc
}

fn options() -> PageOptions {
    PageOptions {
        size: PageSize::A4,
        date: "2026-12-04".to_owned(),
    }
}

fn page_of(doc: &Document) -> page::Page {
    page::layout(
        doc,
        &geometry::layout(doc),
        &review(doc),
        &options(),
        Fonts::new(),
    )
}

fn diagram_svg(doc: &Document) -> String {
    svg::diagram(doc, &geometry::layout(doc), &review(doc), &mut Fonts::new())
}

/// A node group of an SVG: its `<title>` and the raw text of its label lines.
struct SvgNode {
    title: String,
    label_lines: Vec<String>,
}

/// Parses an SVG strictly and returns the groups of one class.
fn groups(svg_text: &str, class: &str) -> Vec<SvgNode> {
    let xml = roxmltree::Document::parse(svg_text).expect("the SVG is well-formed XML");
    xml.descendants()
        .filter(|node| node.has_tag_name("g") && node.attribute("class") == Some(class))
        .map(|group| {
            let title = group
                .children()
                .find(|child| child.has_tag_name("title"))
                .and_then(|title| title.text())
                .unwrap_or_default()
                .to_owned();
            let label_lines = group
                .children()
                .filter(|child| {
                    child.has_tag_name("text") && child.attribute("class") == Some("label")
                })
                .map(|text| text.text().unwrap_or_default().to_owned())
                .collect();
            SvgNode { title, label_lines }
        })
        .collect()
}

/// Returns the text a PDF page shows, as lopdf extracts it.
fn pdf_text(bytes: &[u8]) -> (usize, String) {
    let pdf = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    let text = pdf.extract_text(&pages).expect("the PDF's text extracts");
    (pages.len(), text)
}

#[test]
fn diagram_svg_keeps_every_hostile_label_exactly() {
    let doc = hostile_model();
    let text = diagram_svg(&doc);

    png::parse(&text).expect("usvg reads the SVG");
    assert!(!text.contains("href"), "no external reference");
    let nodes = groups(&text, "node");
    assert_eq!(nodes.len(), doc.nodes.len());
    for (node, label) in nodes.iter().zip(hostile_labels()) {
        assert_eq!(node.title, label);
        assert_eq!(
            node.label_lines,
            std::slice::from_ref(&label),
            "the label fits its box whole"
        );
    }
}

#[test]
fn page_svg_keeps_every_hostile_label_exactly() {
    let doc = hostile_model();
    let text = svg::page(&page_of(&doc));

    png::parse(&text).expect("usvg reads the page SVG");
    let nodes = groups(&text, "node");
    assert_eq!(nodes.len(), doc.nodes.len());
    for (node, label) in nodes.iter().zip(hostile_labels()) {
        assert_eq!(node.title, label);
        assert_eq!(node.label_lines, [label]);
    }
}

#[test]
fn svg_draws_the_same_nodes_and_edges_as_the_geometry() {
    let doc: Document = ron::from_str(SAMPLE).expect("the sample parses");
    let diagram = geometry::layout(&doc);
    let text = diagram_svg(&doc);

    assert_eq!(groups(&text, "node").len(), diagram.nodes.len());
    assert_eq!(groups(&text, "zone").len(), diagram.zones.len());
    assert_eq!(groups(&text, "edge").len(), diagram.edges.len());
}

#[test]
fn self_loop_is_drawn_outside_its_node() {
    let doc = hostile_model();
    let text = diagram_svg(&doc);
    let xml = roxmltree::Document::parse(&text).expect("well-formed");

    let group = xml
        .descendants()
        .find(|node| node.has_tag_name("g") && node.attribute("data-id") == Some("loop"))
        .expect("the loop is drawn");
    let points: Vec<(f32, f32)> = group
        .children()
        .find(|child| child.has_tag_name("polyline"))
        .and_then(|line| line.attribute("points"))
        .expect("the loop is a polyline")
        .split(' ')
        .filter_map(|pair| pair.split_once(','))
        .map(|(x, y)| (x.parse().unwrap_or(f32::NAN), y.parse().unwrap_or(f32::NAN)))
        .collect();
    // The node n0 spans x 0..380 and y 0..64; the loop swings above and to its right.
    assert!(points.len() > 4);
    assert!(points.iter().any(|(x, y)| *x > 380.0 || *y < 0.0));
    assert!(points.iter().all(|(x, y)| x.is_finite() && y.is_finite()));
}

#[test]
fn long_arn_is_shortened_on_the_page_and_whole_in_its_title_and_model() {
    let arn = format!(
        "arn:aws:iam::123456789012:role/{}",
        "service-role-with-a-very-long-name".repeat(8)
    )[..300]
        .to_owned();
    assert_eq!(arn.chars().count(), 300);
    let mut doc = Document::new("Long label");
    doc.nodes.push(service("arn", &arn, 0.0, 0.0, 160.0));
    let before = doc.clone();

    let page = page_of(&doc);
    let page_svg = svg::page(&page);
    let nodes = groups(&page_svg, "node");

    assert_eq!(doc, before, "the stored label never changes");
    assert_eq!(nodes[0].title, arn);
    let lines = &nodes[0].label_lines;
    assert!(!lines.is_empty() && lines.len() <= 3, "{lines:?}");
    assert!(lines.last().is_some_and(|line| line.ends_with('…')));
    let shown: String = lines.concat();
    assert!(arn.starts_with(shown.trim_end_matches('…')));

    // Every label line stays inside the node's box on the page.
    let boxes: Vec<_> = page
        .primitives
        .iter()
        .filter_map(|primitive| match primitive {
            Primitive::Rect {
                rect,
                stroke: Some(_),
                ..
            } if rect.width() < page.width / 2.0 => Some(*rect),
            _ => None,
        })
        .collect();
    let node_box = boxes
        .iter()
        .copied()
        .find(|rect| {
            rect.width() > 30.0 && (rect.width() / rect.height() - 160.0 / 64.0).abs() < 0.01
        })
        .expect("the node's box is on the page");
    for primitive in &page.primitives {
        if let Primitive::Text(run) = primitive
            && run.class == "label"
        {
            assert!(run.origin.x >= node_box.min.x && run.origin.x + run.width <= node_box.max.x);
        }
    }
}

#[test]
fn pdf_is_one_page_with_the_model_name_and_every_checklist_item() {
    let doc: Document = ron::from_str(SAMPLE).expect("the sample parses");
    let bytes = pdf::write(&page_of(&doc)).expect("the PDF is written");

    let (pages, text) = pdf_text(&bytes);
    assert_eq!(pages, 1);
    assert!(text.contains("Card payments platform"), "{text}");
    for rule in RULES {
        assert!(text.contains(rule.id), "{} is missing", rule.id);
    }
}

#[test]
fn pdf_text_holds_each_hostile_label_as_printed() {
    let doc = hostile_model();
    let page = page_of(&doc);
    let bytes = pdf::write(&page).expect("the PDF is written");
    let (pages, text) = pdf_text(&bytes);
    assert_eq!(pages, 1);

    let missing: &BTreeSet<char> = page.missing_characters();
    for label in hostile_labels() {
        // The PDF prints a line in display order (right-to-left runs reversed), a tab as a
        // space, and a character that no font has as U+FFFD; the lookup applies the same.
        let printed: String = scene::display_order(&label)
            .chars()
            .map(|ch| match ch {
                '\t' => ' ',
                ch if missing.contains(&ch) => REPLACEMENT,
                ch => ch,
            })
            .collect();
        assert!(
            text.contains(&printed),
            "{label:?} printed as {printed:?} is not in {:?}",
            text.lines()
                .filter(|line| line.contains("Payments"))
                .collect::<Vec<_>>()
        );
    }
    // Every character that printed as U+FFFD is one that some hostile label holds.
    let all: String = hostile_labels().concat();
    assert!(missing.iter().all(|ch| all.contains(*ch)));
}

/// Asserts that every primitive of a page lies on the paper.
fn assert_fits(page: &page::Page) {
    let bounds = scene::bounds(&page.primitives).expect("the page has content");
    assert!(bounds.min.x >= 0.0 && bounds.min.y >= 0.0, "{bounds:?}");
    assert!(
        bounds.max.x <= page.width && bounds.max.y <= page.height,
        "{bounds:?}"
    );
}

/// A model of `count` services in a grid of zones, each flowing to the next.
fn large_model(count: usize) -> Document {
    let mut doc = Document::new("Large");
    let per_zone = 50;
    for zone in 0..count.div_ceil(per_zone) {
        let mut node = Node::new(
            format!("zone-{zone}"),
            format!("Zone {zone}"),
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: zone % 2 == 0,
                cde: false,
            }),
        );
        node.position = Point::new((zone % 8) as f32 * 1900.0, (zone / 8) as f32 * 900.0);
        node.size = Size::new(1850.0, 860.0);
        doc.nodes.push(node);
    }
    for ix in 0..count {
        let zone = ix / per_zone;
        let slot = ix % per_zone;
        let origin = doc.nodes[zone].position;
        let mut node = service(
            &format!("svc-{ix}"),
            &format!("Service {ix}"),
            origin.x + 20.0 + (slot % 10) as f32 * 180.0,
            origin.y + 40.0 + (slot / 10) as f32 * 160.0,
            160.0,
        );
        node.parent = Some(format!("zone-{zone}"));
        doc.nodes.push(node);
        if ix > 0 {
            doc.edges.push(flow(
                &format!("f{ix}"),
                &format!("svc-{}", ix - 1),
                &format!("svc-{ix}"),
                Authentication::Unknown,
            ));
        }
    }
    doc
}

#[test]
fn blank_empty_zone_sample_and_large_models_fit_one_page() {
    let blank = Document::new("Blank");
    let mut empty_zone = Document::new("One empty zone");
    empty_zone.nodes.push(Node::new(
        "vpc",
        "Empty VPC",
        NodeKind::Zone(Zone {
            sort: ZoneSort::Vpc,
            default_deny: true,
            cde: false,
        }),
    ));
    let sample: Document = ron::from_str(SAMPLE).expect("the sample parses");

    for doc in [blank, empty_zone, sample, large_model(2_000)] {
        for size in [PageSize::A4, PageSize::Letter] {
            let page = page::layout(
                &doc,
                &geometry::layout(&doc),
                &review(&doc),
                &PageOptions {
                    size,
                    date: "2026-12-04".to_owned(),
                },
                Fonts::new(),
            );
            assert_fits(&page);
            let (pages, text) = pdf_text(&pdf::write(&page).expect("the PDF is written"));
            assert_eq!(pages, 1, "{}", doc.name);
            assert!(text.contains(&doc.name));
            roxmltree::Document::parse(&svg::page(&page)).expect("the page SVG is XML");
        }
    }
}

#[test]
fn findings_that_do_not_fit_are_counted() {
    // 2,000 services each with an unknown flow give far more findings than a page holds.
    let doc = large_model(2_000);
    let findings = review(&doc)
        .findings
        .iter()
        .filter(|finding| finding.severity > trustmap_model::Severity::Info)
        .count();
    let (_, text) = pdf_text(&pdf::write(&page_of(&doc)).expect("the PDF is written"));

    let more = text
        .split("and ")
        .filter_map(|rest| rest.split(" more finding").next())
        .find_map(|count| count.trim().parse::<usize>().ok())
        .expect("the page says how many findings it left out");
    assert!(more > 0 && more < findings, "{more} of {findings}");
}

#[test]
fn png_renders_the_diagram_with_the_bundled_font() {
    let doc = hostile_model();
    let text = diagram_svg(&doc);
    let bytes = png::render(&text, 1.0).expect("the PNG renders");

    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&bytes).expect("a PNG");
    let tree = png::parse(&text).expect("usvg reads it");
    assert_eq!(pixmap.width(), tree.size().width().ceil() as u32);
    let dark = pixmap
        .pixels()
        .iter()
        .filter(|pixel| pixel.red() < 80 && pixel.green() < 80 && pixel.blue() < 80)
        .count();
    assert!(
        dark > 100,
        "text and outlines are drawn: {dark} dark pixels"
    );

    // Without a loaded font usvg drops text; with the bundled one the word is drawn.
    let word = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"60\">\
                <text x=\"5\" y=\"45\" font-size=\"40\">Trustmap</text></svg>";
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png::render(word, 1.0).expect("renders"))
        .expect("a PNG");
    let inked = pixmap
        .pixels()
        .iter()
        .filter(|pixel| pixel.red() < 128)
        .count();
    assert!(inked > 300, "the word is drawn: {inked} inked pixels");

    assert!(png::render(&text, 0.0).is_err());
    assert!(png::render(&text, 1e6).is_err());
}

#[test]
fn dot_quotes_every_label_and_nests_zones_as_clusters() {
    let mut doc = hostile_model();
    let mut zone = Node::new(
        "z",
        r#"Zone "Z" \ back"#,
        NodeKind::Zone(Zone {
            sort: ZoneSort::Vpc,
            default_deny: false,
            cde: false,
        }),
    );
    zone.position = Point::new(-20.0, -20.0);
    zone.size = Size::new(1000.0, 700.0);
    doc.nodes.push(zone);
    doc.nodes[0].parent = Some("z".to_owned());
    let text = dot::write(&doc, &geometry::layout(&doc));

    assert!(text.contains(r#"label="Zone \"Z\" \\ back""#), "{text}");
    assert!(text.contains(r#"label="A < B & \"C\" 'D'""#));
    assert_eq!(text.matches("subgraph \"cluster_").count(), 1);
    // Node n0 is written inside the cluster, before the cluster closes.
    let cluster = text.find("cluster_").expect("a cluster");
    let n0 = text.find("\"n0\" [").expect("n0 is written");
    let close = text[cluster..].find("\n  }").expect("the cluster closes") + cluster;
    assert!(cluster < n0 && n0 < close);
    // Every line closes every string it opens.
    for line in text.lines() {
        let mut open = false;
        let mut chars = line.chars();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' if open => {
                    chars.next();
                }
                '"' => open = !open,
                _ => {}
            }
        }
        assert!(!open, "unbalanced quotes in {line}");
    }
    assert_eq!(text.matches(" -> ").count(), 2);
}

#[test]
fn mermaid_quotes_every_label_and_nests_zones_as_subgraphs() {
    let mut doc = hostile_model();
    let mut zone = Node::new(
        "z",
        "Zone | #1",
        NodeKind::Zone(Zone {
            sort: ZoneSort::Vpc,
            default_deny: false,
            cde: false,
        }),
    );
    zone.size = Size::new(1000.0, 700.0);
    doc.nodes.push(zone);
    doc.nodes[1].parent = Some("z".to_owned());
    let text = mermaid::write(&doc, &geometry::layout(&doc));

    assert!(text.starts_with("flowchart LR\n"));
    assert!(
        text.contains(r#"n0["A #lt; B #amp; #quot;C#quot; 'D'"]"#),
        "{text}"
    );
    assert!(
        text.contains(r#"subgraph z10["Zone #124; #35;1"]"#),
        "{text}"
    );
    assert_eq!(
        text.matches("subgraph ").count(),
        text.matches("\n  end\n").count()
    );
    for line in text.lines() {
        // Each label is one quoted string: two quotes at most on a line.
        assert!(line.matches('"').count() <= 2, "{line}");
        assert!(
            !line.contains('<') && !line.contains('>')
                || line.contains("-->")
                || line.contains("-.->"),
            "{line}"
        );
    }
    assert!(text.contains("n0 -->|\"HTTPS\"| n1"));
    assert!(text.contains("n0 -.->|\"HTTPS\"| n0"));
}

/// Imports a fixture with the importer for its format.
fn import_fixture(dir: &str, name: &str) -> Document {
    use trustmap_model::import::{
        import_iam, import_otm, import_pytm, import_threagile, import_threat_dragon,
    };

    let path: std::path::PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", dir, name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let imported = match dir {
        "threagile" => import_threagile(&text, name),
        "threat-dragon" => import_threat_dragon(&text, name),
        "otm" => import_otm(&text, name),
        "pytm" => import_pytm(&text, name),
        "iam" => import_iam(&text, name),
        _ => panic!("no importer for {dir}"),
    };
    imported
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .document
}

#[test]
fn every_imported_model_exports_to_one_page() {
    let fixtures = [
        ("threagile", "threagile-automotive-zonal.yaml"),
        ("threagile", "threagile-demo-example.yaml"),
        ("threat-dragon", "demo-threat-model.json"),
        ("threat-dragon", "three-tier-web-app.json"),
        ("threat-dragon", "webapp-threat-dragon.json"),
        ("otm", "mobile-cloud.otm.json"),
        ("pytm", "input.json"),
        ("iam", "example-authz-details.json"),
    ];
    let mut largest = (0, "");
    for (dir, name) in fixtures {
        let doc = import_fixture(dir, name);
        assert!(!doc.nodes.is_empty(), "{name} imports nodes");
        largest = largest.max((doc.nodes.len() + doc.edges.len(), name));

        let page = page_of(&doc);
        assert_fits(&page);
        let (pages, text) = pdf_text(&pdf::write(&page).expect("the PDF is written"));
        assert_eq!(pages, 1, "{name}");
        assert!(
            text.contains(&doc.name),
            "{name}: {:?} is on the page",
            doc.name
        );
        roxmltree::Document::parse(&svg::page(&page)).expect("the page SVG is XML");

        // The diagram SVG draws one group per node, however many the import made.
        let nodes = groups(&diagram_svg(&doc), "node");
        let drawn = doc.nodes.iter().filter(|node| !node.is_zone()).count();
        assert_eq!(nodes.len(), drawn, "{name}");
    }
    // The Threagile automotive model, with 86 nodes and edges, is the largest of the
    // inputs; it fits like the others.
    assert_eq!(largest, (86, "threagile-automotive-zonal.yaml"));
}
