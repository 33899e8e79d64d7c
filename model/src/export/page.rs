//! The one-page blueprint, laid out once as primitives in points for the PDF and the page
//! SVG to paint.
//!
//! The landscape page holds a header (model name, date, content hash), the diagram scaled
//! to fit its box, the answers to the three review questions, a legend, the checklist by
//! pillar and the top findings with their evidence. Every text is measured with the
//! bundled font and wrapped or shortened with an ellipsis to fit its box; lists that do not
//! fit end with a count of what was left out.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use super::fonts::{self, Fonts, Weight};
use super::icons::Icon;
use super::scene::{
    self, AMBER, CROWN_FILL, Color, Dash, GREEN, INK, MUTED, PURPLE, Primitive, RED, SLATE, Stroke,
    Transform, WHITE, text_run,
};
use crate::document::{Document, Point, Verdict};
use crate::geometry::{Diagram, Rect};
use crate::review::checklist::{ItemResult, ItemState};
use crate::review::reach::Level;
use crate::review::{Finding, Pillar, Review, Severity};

/// The paper size of the page, always in landscape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PageSize {
    /// ISO A4, 297 by 210 mm.
    #[default]
    A4,
    /// US Letter, 11 by 8.5 inches.
    Letter,
}

impl PageSize {
    /// Returns the width and height in points, landscape.
    pub fn points(self) -> (f32, f32) {
        match self {
            Self::A4 => (841.89, 595.28),
            Self::Letter => (792.0, 612.0),
        }
    }
}

/// What the page shows besides the model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageOptions {
    /// The paper size.
    pub size: PageSize,
    /// The date printed in the header, such as `2026-12-04`.
    pub date: String,
}

/// The laid-out page.
#[derive(Debug)]
pub struct Page {
    /// Width in points.
    pub width: f32,
    /// Height in points.
    pub height: f32,
    /// What to paint, in order, in points with y growing downwards.
    pub primitives: Vec<Primitive>,
    /// The faces the text runs use.
    pub fonts: Fonts,
    /// The model's name, the document title.
    pub title: String,
    /// The content hash printed in the header.
    pub hash: String,
}

impl Page {
    /// Returns the characters of the page that no font has; they print as U+FFFD.
    pub fn missing_characters(&self) -> &BTreeSet<char> {
        self.fonts.missing()
    }
}

/// Returns the SHA-256 of the model's RON serialization, in hexadecimal.
pub fn content_hash(doc: &Document) -> String {
    let text = ron::ser::to_string(doc).unwrap_or_else(|err| {
        log::warn!("the model could not be serialized for its hash: {err}");
        String::new()
    });
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Page margin in points.
const MARGIN: f32 = 24.0;
/// Gap between the columns and between sections.
const GAP: f32 = 12.0;
/// Section heading size.
const HEADING: f32 = 9.0;
/// Body text size.
const BODY: f32 = 7.0;
/// Small text size.
const SMALL: f32 = 6.3;
/// Text size of the PASS, FAIL and severity marks.
const MARK_SIZE: f32 = 5.4;
/// The smallest diagram text painted on the page; smaller labels stay in the tooltips.
const MIN_DIAGRAM_TEXT: f32 = 2.5;
/// The largest scale of the diagram on the page.
const MAX_DIAGRAM_SCALE: f32 = 1.25;

/// Lays out the page.
pub fn layout(
    doc: &Document,
    diagram: &Diagram,
    review: &Review,
    options: &PageOptions,
    fonts: Fonts,
) -> Page {
    let (width, height) = options.size.points();
    let hash = content_hash(doc);
    let mut page = Painter {
        fonts,
        out: Vec::new(),
    };

    let body_top = page.header(doc, &options.date, &hash, width);
    let content = Rect {
        min: Point::new(MARGIN, body_top),
        max: Point::new(width - MARGIN, height - MARGIN),
    };
    let left_width = (content.width() - GAP) * 0.63;
    let left = Rect {
        min: content.min,
        max: Point::new(content.min.x + left_width, content.max.y),
    };
    let right = Rect {
        min: Point::new(left.max.x + GAP, content.min.y),
        max: content.max,
    };

    let legend_top = page.legend(left);
    let answers_top = page.answers(doc, review, left, legend_top - GAP / 2.0);
    let diagram_box = Rect {
        min: left.min,
        max: Point::new(left.max.x, answers_top - GAP),
    };
    page.diagram(doc, diagram, review, diagram_box);

    let findings_top = page.checklist(review, right);
    page.findings(
        doc,
        review,
        Rect {
            min: Point::new(right.min.x, findings_top + GAP),
            max: right.max,
        },
    );

    Page {
        width,
        height,
        primitives: page.out,
        fonts: page.fonts,
        title: doc.name.clone(),
        hash,
    }
}

/// Lays out the parts of the page.
struct Painter {
    fonts: Fonts,
    out: Vec<Primitive>,
}

impl Painter {
    /// Adds one line of text, shortened to `max_width`; returns its width.
    fn text(
        &mut self,
        text: &str,
        origin: Point,
        size: f32,
        weight: Weight,
        color: Color,
        max_width: f32,
    ) -> f32 {
        let text = fonts::ellipsize(&mut self.fonts, text, size, weight, max_width);
        if text.is_empty() {
            return 0.0;
        }
        let run = text_run(&mut self.fonts, &text, origin, size, weight, color);
        let width = run.width;
        self.out.push(Primitive::Text(run));
        width
    }

    /// Adds a text wrapped to at most `max_lines` lines; returns the baseline after it.
    #[allow(clippy::too_many_arguments)]
    fn paragraph(
        &mut self,
        text: &str,
        left: f32,
        baseline: f32,
        size: f32,
        color: Color,
        max_width: f32,
        max_lines: usize,
    ) -> f32 {
        let lines = fonts::wrap(
            &mut self.fonts,
            text,
            size,
            Weight::Regular,
            max_width,
            max_lines,
        );
        let mut baseline = baseline;
        for line in lines {
            let run = text_run(
                &mut self.fonts,
                &line,
                Point::new(left, baseline),
                size,
                Weight::Regular,
                color,
            );
            self.out.push(Primitive::Text(run));
            baseline += size * 1.3;
        }
        baseline
    }

    fn heading(&mut self, text: &str, left: f32, top: f32, width: f32) -> f32 {
        let baseline = top + HEADING;
        self.text(
            text,
            Point::new(left, baseline),
            HEADING,
            Weight::Bold,
            INK,
            width,
        );
        self.out.push(Primitive::Polyline {
            points: vec![
                Point::new(left, baseline + 3.0),
                Point::new(left + width, baseline + 3.0),
            ],
            stroke: Stroke::solid(Color(0xcb, 0xd5, 0xe1), 0.6),
        });
        baseline + 3.0 + BODY + 4.0
    }

    /// A small filled label such as PASS or HIGH; returns its width.
    fn mark(&mut self, text: &str, left: f32, baseline: f32, width: f32, fill: Color) -> f32 {
        let size = MARK_SIZE;
        self.out.push(Primitive::Rect {
            rect: Rect {
                min: Point::new(left, baseline - BODY + 0.6),
                max: Point::new(left + width, baseline + 1.6),
            },
            fill: Some(fill),
            stroke: None,
        });
        let text_width = self.fonts.width(text, size, Weight::Bold);
        let x = left + (width - text_width).max(0.0) / 2.0;
        self.text(
            text,
            Point::new(x, baseline - 0.6),
            size,
            Weight::Bold,
            WHITE,
            width,
        );
        width
    }

    /// The header; returns where the body starts.
    fn header(&mut self, doc: &Document, date: &str, hash: &str, width: f32) -> f32 {
        let hash_line = format!("SHA-256 {hash}");
        let hash_width = self.fonts.width(&hash_line, SMALL, Weight::Regular);
        let right = width - MARGIN;
        let title_width = right - MARGIN - hash_width - GAP;

        let name = if doc.name.trim().is_empty() {
            "Untitled model"
        } else {
            doc.name.as_str()
        };
        self.text(
            name,
            Point::new(MARGIN, MARGIN + 14.0),
            15.0,
            Weight::Bold,
            INK,
            title_width,
        );
        let subtitle = format!("Zero Trust blueprint · reviewed {date}");
        self.text(
            &subtitle,
            Point::new(MARGIN, MARGIN + 27.0),
            8.5,
            Weight::Regular,
            MUTED,
            title_width,
        );

        let date_width = self.fonts.width(date, 8.5, Weight::Bold);
        self.text(
            date,
            Point::new(right - date_width, MARGIN + 12.0),
            8.5,
            Weight::Bold,
            INK,
            hash_width.max(date_width),
        );
        self.text(
            &hash_line,
            Point::new(right - hash_width, MARGIN + 24.0),
            SMALL,
            Weight::Regular,
            MUTED,
            hash_width + 1.0,
        );

        let rule = MARGIN + 33.0;
        self.out.push(Primitive::Polyline {
            points: vec![Point::new(MARGIN, rule), Point::new(right, rule)],
            stroke: Stroke::solid(INK, 0.8),
        });
        rule + 8.0
    }

    /// The diagram, scaled to fit its box and centred in it.
    fn diagram(&mut self, doc: &Document, diagram: &Diagram, review: &Review, area: Rect) {
        self.out.push(Primitive::Rect {
            rect: area,
            fill: None,
            stroke: Some(Stroke::solid(Color(0xcb, 0xd5, 0xe1), 0.6)),
        });
        let inner = area.expand(-8.0);
        let world = scene::paint_diagram(doc, diagram, review, &mut self.fonts);
        let Some(bounds) = scene::bounds(&world) else {
            let message = "The model has no nodes or zones yet.";
            let width = self.fonts.width(message, BODY, Weight::Regular);
            let center = inner.center();
            self.text(
                message,
                Point::new(center.x - width / 2.0, center.y),
                BODY,
                Weight::Regular,
                MUTED,
                inner.width().max(0.0),
            );
            return;
        };

        let scale = (inner.width() / bounds.width().max(1.0))
            .min(inner.height() / bounds.height().max(1.0))
            .min(MAX_DIAGRAM_SCALE);
        let center = inner.center();
        let transform = Transform {
            scale,
            dx: center.x - bounds.center().x * scale,
            dy: center.y - bounds.center().y * scale,
        };
        self.out.extend(
            world
                .iter()
                .filter_map(|primitive| transform.primitive(primitive, MIN_DIAGRAM_TEXT)),
        );
    }

    /// The answers to the three questions, bottom-aligned above `bottom`; returns their top.
    fn answers(&mut self, doc: &Document, review: &Review, column: Rect, bottom: f32) -> f32 {
        let answers = [
            ("Q1", answer_reach(review)),
            ("Q2", answer_blast(doc, review)),
            ("Q3", answer_east_west(review)),
        ];
        let width = column.width();
        let line = BODY * 1.3;
        let mut lines = Vec::new();
        for (_, answer) in &answers {
            let wrapped = fonts::wrap(
                &mut self.fonts,
                answer,
                BODY,
                Weight::Regular,
                width - 18.0,
                2,
            );
            lines.push(wrapped.len());
        }
        let height = HEADING + 3.0 + BODY + 4.0 + lines.iter().sum::<usize>() as f32 * line + 4.0;
        let top = bottom - height;

        let mut baseline = self.heading("Review questions", column.min.x, top, width);
        for (label, answer) in &answers {
            self.text(
                label,
                Point::new(column.min.x, baseline),
                BODY,
                Weight::Bold,
                INK,
                18.0,
            );
            baseline = self.paragraph(
                answer,
                column.min.x + 18.0,
                baseline,
                BODY,
                INK,
                width - 18.0,
                2,
            );
        }
        top
    }

    /// The legend along the bottom of the left column, in as many rows as it needs;
    /// returns its top.
    fn legend(&mut self, column: Rect) -> f32 {
        let mut items: Vec<(String, Sample)> = Icon::ALL
            .iter()
            .map(|icon| (icon.name().to_owned(), Sample::Icon(*icon)))
            .collect();
        items.extend([
            (
                "authenticated flow".to_owned(),
                Sample::Line(Stroke::solid(SLATE, 1.2)),
            ),
            (
                "unauthenticated or unknown flow".to_owned(),
                Sample::Line(Stroke {
                    color: RED,
                    width: 1.2,
                    dash: Dash::Dashed,
                }),
            ),
            (
                "identity or permission relation".to_owned(),
                Sample::Line(Stroke {
                    color: PURPLE,
                    width: 1.0,
                    dash: Dash::Dotted,
                }),
            ),
            ("crown jewel".to_owned(), Sample::Box(CROWN_FILL, AMBER)),
            ("cardholder data zone".to_owned(), Sample::Box(WHITE, RED)),
            ("findings on a node".to_owned(), Sample::Box(RED, RED)),
        ]);

        // Place the items in rows first, to know how high the legend is.
        let row = 11.0;
        let mut placed = Vec::new();
        let (mut x, mut line) = (column.min.x, 0usize);
        for (name, sample) in items {
            let sample_width = match sample {
                Sample::Icon(_) => 11.0,
                Sample::Line(_) | Sample::Box(..) => 18.0,
            };
            let width = sample_width
                + self
                    .fonts
                    .width(&name, SMALL, Weight::Regular)
                    .min(column.width() - sample_width);
            if x + width > column.max.x && x > column.min.x {
                x = column.min.x;
                line += 1;
            }
            placed.push((x, line, sample_width, name, sample));
            x += width + 8.0;
        }
        let top = column.max.y - (line + 1) as f32 * row;

        for (x, line, sample_width, name, sample) in placed {
            let baseline = top + 8.0 + line as f32 * row;
            match sample {
                Sample::Icon(icon) => self.out.push(Primitive::Icon {
                    icon,
                    rect: Rect::from_min_size(Point::new(x, baseline - 7.5), 9.0, 9.0),
                    color: scene::kind_color(icon),
                }),
                Sample::Line(stroke) => self.out.push(Primitive::Polyline {
                    points: vec![
                        Point::new(x, baseline - 2.5),
                        Point::new(x + 14.0, baseline - 2.5),
                    ],
                    stroke,
                }),
                Sample::Box(fill, outline) => self.out.push(Primitive::Rect {
                    rect: Rect::from_min_size(Point::new(x + 2.0, baseline - 6.5), 10.0, 7.0),
                    fill: Some(fill),
                    stroke: Some(Stroke::solid(outline, 1.0)),
                }),
            }
            let room = column.max.x - x - sample_width;
            self.text(
                &name,
                Point::new(x + sample_width, baseline),
                SMALL,
                Weight::Regular,
                INK,
                room,
            );
        }
        top
    }

    /// The checklist by pillar; returns the baseline after it.
    fn checklist(&mut self, review: &Review, column: Rect) -> f32 {
        let width = column.width();
        let mut baseline = self.heading("Checklist", column.min.x, column.min.y, width);
        let mark_width = [
            ItemState::Pass,
            ItemState::Fail,
            ItemState::Manual,
            ItemState::NotApplicable,
        ]
        .into_iter()
        .map(|state| {
            self.fonts
                .width(state_mark(state).0, MARK_SIZE, Weight::Bold)
        })
        .fold(0.0, f32::max)
            + 4.0;
        let id_width = review
            .checklist
            .iter()
            .map(|item| self.fonts.width(item.id, BODY, Weight::Bold))
            .fold(0.0, f32::max)
            + 5.0;
        let line = BODY * 1.28;

        for pillar in Pillar::ALL {
            let items: Vec<&ItemResult> = review
                .checklist
                .iter()
                .filter(|item| item.pillar == pillar)
                .collect();
            if items.is_empty() {
                continue;
            }
            self.text(
                pillar.title(),
                Point::new(column.min.x, baseline),
                BODY,
                Weight::Bold,
                INK,
                width,
            );
            baseline += line;
            for item in items {
                let (mark, fill) = state_mark(item.state);
                let mut x = column.min.x;
                x += self.mark(mark, x, baseline, mark_width, fill) + 4.0;
                self.text(
                    item.id,
                    Point::new(x, baseline),
                    BODY,
                    Weight::Bold,
                    INK,
                    id_width,
                );
                x += id_width;

                let rest = column.max.x - x;
                let detail = (!item.automatic).then(|| verdict_detail(item));
                let detail_width = match &detail {
                    Some(detail) => {
                        let full = self.fonts.width(detail, SMALL, Weight::Regular);
                        full.min(rest * 0.5)
                    }
                    None => 0.0,
                };
                let title_room = rest
                    - if detail.is_some() {
                        detail_width + 4.0
                    } else {
                        0.0
                    };
                self.text(
                    item.title,
                    Point::new(x, baseline),
                    BODY,
                    Weight::Regular,
                    INK,
                    title_room,
                );
                if let Some(detail) = detail {
                    let shown = fonts::ellipsize(
                        &mut self.fonts,
                        &detail,
                        SMALL,
                        Weight::Regular,
                        detail_width,
                    );
                    let shown_width = self.fonts.width(&shown, SMALL, Weight::Regular);
                    self.text(
                        &shown,
                        Point::new(column.max.x - shown_width, baseline),
                        SMALL,
                        Weight::Regular,
                        AMBER,
                        detail_width + 0.5,
                    );
                }
                baseline += line;
            }
            baseline += 1.5;
        }
        baseline
    }

    /// The top findings above info, as many as fit, then how many were left out.
    fn findings(&mut self, doc: &Document, review: &Review, area: Rect) {
        let width = area.width();
        let mut baseline = self.heading("Top findings", area.min.x, area.min.y, width);
        let shown: Vec<&Finding> = review
            .findings
            .iter()
            .filter(|finding| finding.severity > Severity::Info)
            .collect();
        if shown.is_empty() {
            self.text(
                "No finding above info.",
                Point::new(area.min.x, baseline),
                BODY,
                Weight::Regular,
                MUTED,
                width,
            );
            return;
        }

        let mark_width = 24.0;
        let text_left = area.min.x + mark_width + 4.0;
        let text_width = area.max.x - text_left;
        let line = BODY * 1.3;
        let more_line = line + 2.0;
        for (ix, finding) in shown.iter().enumerate() {
            let title = format!("{} {}", finding.rule, finding.title);
            let lines = fonts::wrap(
                &mut self.fonts,
                &title,
                BODY,
                Weight::Regular,
                text_width,
                2,
            );
            let height = lines.len() as f32 * line + SMALL * 1.3 + 2.0;
            let last = ix + 1 == shown.len();
            let needed = height + if last { 0.0 } else { more_line };
            if baseline - BODY + needed > area.max.y {
                let more = shown.len() - ix;
                let text = format!(
                    "and {more} more finding{} (the full list: trustmap review)",
                    if more == 1 { "" } else { "s" }
                );
                self.text(
                    &text,
                    Point::new(area.min.x, baseline),
                    BODY,
                    Weight::Regular,
                    MUTED,
                    width,
                );
                return;
            }

            let (mark, fill) = severity_mark(finding.severity);
            self.mark(mark, area.min.x, baseline, mark_width, fill);
            for text in lines {
                let run = text_run(
                    &mut self.fonts,
                    &text,
                    Point::new(text_left, baseline),
                    BODY,
                    Weight::Regular,
                    INK,
                );
                self.out.push(Primitive::Text(run));
                baseline += line;
            }
            let evidence = evidence_line(doc, finding);
            self.text(
                &evidence,
                Point::new(text_left, baseline - 1.0),
                SMALL,
                Weight::Regular,
                MUTED,
                text_width,
            );
            baseline += SMALL * 1.3 + 2.0;
        }
    }
}

/// A legend sample.
enum Sample {
    Icon(Icon),
    Line(Stroke),
    Box(Color, Color),
}

fn state_mark(state: ItemState) -> (&'static str, Color) {
    match state {
        ItemState::Pass => ("PASS", GREEN),
        ItemState::Fail => ("FAIL", RED),
        ItemState::Manual => ("MANUAL", AMBER),
        ItemState::NotApplicable => ("N/A", MUTED),
    }
}

fn severity_mark(severity: Severity) -> (&'static str, Color) {
    match severity {
        Severity::Critical => ("CRIT", Color(0x7f, 0x1d, 0x1d)),
        Severity::High => ("HIGH", RED),
        Severity::Medium => ("MED", AMBER),
        Severity::Low => ("LOW", Color(0x4d, 0x7c, 0x0f)),
        Severity::Info => ("INFO", MUTED),
    }
}

/// The reviewer's verdict on a manual item, or that it awaits one.
fn verdict_detail(item: &ItemResult) -> String {
    match &item.verdict {
        Some(verdict) => {
            let word = match verdict.verdict {
                Verdict::Pass => "pass",
                Verdict::Fail => "fail",
                Verdict::NotApplicable => "not applicable",
            };
            format!("{word} by {}, {}", verdict.reviewer, verdict.date)
        }
        None => "awaiting the reviewer".to_owned(),
    }
}

/// The evidence path of a finding by node label, or the places it names.
fn evidence_line(doc: &Document, finding: &Finding) -> String {
    let label = |id: &String| {
        doc.node(id)
            .map_or_else(|| id.clone(), |node| node.label.clone())
    };
    if !finding.evidence.is_empty() {
        let path: Vec<String> = finding.evidence.iter().map(label).collect();
        return format!("path: {}", path.join(" → "));
    }
    let mut places: Vec<String> = finding.nodes.iter().map(label).collect();
    places.extend(finding.edges.iter().cloned());
    if places.is_empty() {
        "the whole model".to_owned()
    } else {
        format!("at: {}", places.join(", "))
    }
}

/// Q1 in a sentence.
fn answer_reach(review: &Review) -> String {
    let nodes = &review.questions.unauthenticated_reach.nodes;
    let count = |level: Level| nodes.iter().filter(|node| node.level == level).count();
    let anonymous = count(Level::Anonymous);
    let authenticated = count(Level::AnyAuthenticatedPrincipal);
    let reached = nodes.len() - count(Level::Unreachable);
    if reached == 0 {
        return "No internal node is reached from an external or public node.".to_owned();
    }
    format!(
        "{} of {reached} reached internal node{} can be reached without explicit \
         authentication and authorization ({anonymous} anonymously, {authenticated} by any \
         authenticated principal).",
        anonymous + authenticated,
        plural(reached)
    )
}

/// Q2 in a sentence.
fn answer_blast(doc: &Document, review: &Review) -> String {
    let entries = &review.questions.blast_radius.entries;
    let Some(first) = entries.first() else {
        return "No identity or workforce user has a blast radius to rank.".to_owned();
    };
    let name = doc
        .node(&first.identity)
        .map_or(first.identity.as_str(), |node| node.label.as_str());
    let reaching = entries
        .iter()
        .filter(|entry| entry.crown_jewels_written + entry.crown_jewels_read > 0)
        .count();
    format!(
        "The largest blast radius is {name}'s: {} node{} reached, {} crown jewel{} written and \
         {} read; {reaching} of {} identit{} reach a crown jewel.",
        first.reached,
        plural(first.reached),
        first.crown_jewels_written,
        plural(first.crown_jewels_written),
        first.crown_jewels_read,
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" }
    )
}

/// Q3 in a sentence.
fn answer_east_west(review: &Review) -> String {
    let east_west = &review.questions.east_west;
    if east_west.total == 0 {
        return "There is no east-west flow between internal nodes.".to_owned();
    }
    format!(
        "{} of {} east-west flow{} pass (workload identity, authorization, logging, TLS 1.3); \
         {} fail.",
        east_west.passing,
        east_west.total,
        plural(east_west.total),
        east_west.failing.len()
    )
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_sha256_of_the_serialized_model() {
        let doc = Document::new("hash");
        let hash = content_hash(&doc);
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, content_hash(&doc.clone()));
        assert_ne!(hash, content_hash(&Document::new("other")));
    }

    #[test]
    fn the_page_keeps_every_text_inside_the_paper() {
        let doc = Document::new("A model");
        let page = layout(
            &doc,
            &crate::geometry::layout(&doc),
            &crate::review::review(&doc),
            &PageOptions {
                size: PageSize::Letter,
                date: "2026-12-04".into(),
            },
            Fonts::bundled_only(),
        );
        assert_eq!((page.width, page.height), (792.0, 612.0));
        for primitive in &page.primitives {
            if let Primitive::Text(run) = primitive {
                assert!(run.origin.x >= MARGIN - 0.01, "{run:?}");
                assert!(
                    run.origin.x + run.width <= page.width - MARGIN + 0.01,
                    "{run:?}"
                );
                assert!(run.origin.y <= page.height - MARGIN + 0.01, "{run:?}");
            }
        }
    }
}
