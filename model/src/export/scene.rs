//! The painting primitives every export draws, and the painting of the diagram with them.
//!
//! Coordinates grow rightwards and downwards, in points on the page and in world units for
//! the diagram alone. Text runs are laid out here, once: each is already shortened to fit
//! its box and split into the spans each font face paints, in display order (right-to-left
//! runs reversed), so a painter only places them.

use std::collections::HashMap;

use unicode_bidi::BidiInfo;

use super::fonts::{self, Fonts, Span, Weight};
use super::icons::Icon;
use crate::document::{Authentication, Document, EdgeKind, NodeKind, Point};
use crate::geometry::{Diagram, Rect};
use crate::review::{Review, Severity};

/// An opaque colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    /// Returns the colour as `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Returns each channel from 0 to 1.
    pub fn unit(self) -> [f32; 3] {
        [self.0, self.1, self.2].map(|channel| f32::from(channel) / 255.0)
    }
}

/// Ink for text and lines.
pub const INK: Color = Color(0x1f, 0x29, 0x37);
/// Secondary text.
pub const MUTED: Color = Color(0x64, 0x74, 0x8b);
/// White.
pub const WHITE: Color = Color(0xff, 0xff, 0xff);
/// Failing marks, findings and unauthenticated flows.
pub const RED: Color = Color(0xb9, 0x1c, 0x1c);
/// Passing marks.
pub const GREEN: Color = Color(0x15, 0x80, 0x3d);
/// Manual marks and crown jewels.
pub const AMBER: Color = Color(0xb4, 0x53, 0x09);
/// Identity and permission relations.
pub const PURPLE: Color = Color(0x6d, 0x28, 0xd9);
/// Authenticated flows.
pub const SLATE: Color = Color(0x33, 0x41, 0x55);
/// Light fill of crown jewels.
pub const CROWN_FILL: Color = Color(0xfe, 0xf3, 0xc7);

/// How a line is dashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    /// A solid line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dots.
    Dotted,
}

impl Dash {
    /// Returns the dash and gap lengths for a line of this width, empty when solid.
    pub fn pattern(self, width: f32) -> Vec<f32> {
        match self {
            Self::Solid => Vec::new(),
            Self::Dashed => vec![4.0 * width.max(1.0), 3.0 * width.max(1.0)],
            Self::Dotted => vec![1.2 * width.max(0.5), 2.0 * width.max(0.5)],
        }
    }
}

/// How a line or an outline is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// Its colour.
    pub color: Color,
    /// Its width.
    pub width: f32,
    /// Its dashes.
    pub dash: Dash,
}

impl Stroke {
    /// A solid stroke.
    pub const fn solid(color: Color, width: f32) -> Self {
        Self {
            color,
            width,
            dash: Dash::Solid,
        }
    }
}

/// One line of text, measured and placed.
#[derive(Clone, Debug, PartialEq)]
pub struct TextRun {
    /// The text as written (logical order), already shortened to fit.
    pub text: String,
    /// Left end of the baseline.
    pub origin: Point,
    /// Font size.
    pub size: f32,
    /// Font weight.
    pub weight: Weight,
    /// Colour.
    pub color: Color,
    /// Advance width of the whole run.
    pub width: f32,
    /// What each face paints, in display order; offsets in em.
    pub spans: Vec<Span>,
    /// What the text is, for the SVG's `class` attribute: `label` for a node's or zone's
    /// label, empty otherwise.
    pub class: &'static str,
}

/// One painting instruction.
#[derive(Clone, Debug, PartialEq)]
pub enum Primitive {
    /// A rectangle.
    Rect {
        /// Where.
        rect: Rect,
        /// Fill, if any.
        fill: Option<Color>,
        /// Outline, if any.
        stroke: Option<Stroke>,
    },
    /// An open polyline.
    Polyline {
        /// Its points.
        points: Vec<Point>,
        /// Its stroke.
        stroke: Stroke,
    },
    /// A closed polygon.
    Polygon {
        /// Its corners.
        points: Vec<Point>,
        /// Fill, if any.
        fill: Option<Color>,
        /// Outline, if any.
        stroke: Option<Stroke>,
    },
    /// A line of text.
    Text(TextRun),
    /// A node-kind icon drawn in a square.
    Icon {
        /// Which icon.
        icon: Icon,
        /// The square.
        rect: Rect,
        /// Stroke colour.
        color: Color,
    },
    /// Starts a group of primitives that stand for one thing, with its full description.
    Begin {
        /// What the group is: `node`, `zone` or `edge`.
        class: &'static str,
        /// The id of the node, zone or edge.
        id: String,
        /// The full label or description, shown as a tooltip.
        title: String,
    },
    /// Ends the innermost group.
    End,
}

/// Lays out one line of text with its left end at `origin`. The text must already fit.
pub fn text_run(
    fonts: &mut Fonts,
    text: &str,
    origin: Point,
    size: f32,
    weight: Weight,
    color: Color,
) -> TextRun {
    let display = display_order(text);
    let spans = fonts.spans(&display, weight);
    let width = fonts.width(text, size, weight);
    TextRun {
        text: text.to_owned(),
        origin,
        size,
        weight,
        color,
        width,
        spans,
        class: "",
    }
}

/// Returns a text in display order: runs of right-to-left script reversed as the Unicode
/// bidirectional algorithm places them on a left-to-right line.
pub fn display_order(text: &str) -> String {
    let bidi = BidiInfo::new(text, None);
    if !bidi.has_rtl() {
        return text.to_owned();
    }
    bidi.paragraphs
        .iter()
        .map(|paragraph| {
            bidi.reorder_line(paragraph, paragraph.range.clone())
                .into_owned()
        })
        .collect()
}

/// Maps world coordinates into the coordinates of the output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    /// Scale factor.
    pub scale: f32,
    /// Horizontal shift after scaling.
    pub dx: f32,
    /// Vertical shift after scaling.
    pub dy: f32,
}

impl Transform {
    /// The identity.
    pub const IDENTITY: Self = Self {
        scale: 1.0,
        dx: 0.0,
        dy: 0.0,
    };

    /// Maps a point.
    pub fn point(self, point: Point) -> Point {
        Point::new(
            point.x * self.scale + self.dx,
            point.y * self.scale + self.dy,
        )
    }

    /// Maps a rectangle.
    pub fn rect(self, rect: Rect) -> Rect {
        Rect {
            min: self.point(rect.min),
            max: self.point(rect.max),
        }
    }

    /// Maps a primitive; text smaller than `min_text` after scaling is left out.
    pub fn primitive(self, primitive: &Primitive, min_text: f32) -> Option<Primitive> {
        let scale_stroke = |stroke: Stroke| Stroke {
            width: stroke.width * self.scale,
            ..stroke
        };
        Some(match primitive {
            Primitive::Rect { rect, fill, stroke } => Primitive::Rect {
                rect: self.rect(*rect),
                fill: *fill,
                stroke: stroke.map(scale_stroke),
            },
            Primitive::Polyline { points, stroke } => Primitive::Polyline {
                points: points.iter().map(|point| self.point(*point)).collect(),
                stroke: scale_stroke(*stroke),
            },
            Primitive::Polygon {
                points,
                fill,
                stroke,
            } => Primitive::Polygon {
                points: points.iter().map(|point| self.point(*point)).collect(),
                fill: *fill,
                stroke: stroke.map(scale_stroke),
            },
            Primitive::Text(run) => {
                if run.size * self.scale < min_text {
                    return None;
                }
                Primitive::Text(TextRun {
                    origin: self.point(run.origin),
                    size: run.size * self.scale,
                    width: run.width * self.scale,
                    ..run.clone()
                })
            }
            Primitive::Icon { icon, rect, color } => Primitive::Icon {
                icon: *icon,
                rect: self.rect(*rect),
                color: *color,
            },
            other => other.clone(),
        })
    }
}

/// Returns the rectangle that encloses every primitive, or `None` when nothing is drawn.
pub fn bounds(primitives: &[Primitive]) -> Option<Rect> {
    let mut all: Option<Rect> = None;
    let mut add = |rect: Rect| {
        all = Some(all.map_or(rect, |all| all.union(&rect)));
    };
    for primitive in primitives {
        match primitive {
            Primitive::Rect { rect, stroke, .. } => {
                add(rect.expand(stroke.map_or(0.0, |stroke| stroke.width / 2.0)));
            }
            Primitive::Polyline { points, stroke } => {
                points.iter().for_each(|point| {
                    add(Rect::from_min_size(*point, 0.0, 0.0).expand(stroke.width))
                });
            }
            Primitive::Polygon { points, .. } => {
                points
                    .iter()
                    .for_each(|point| add(Rect::from_min_size(*point, 0.0, 0.0)));
            }
            Primitive::Text(run) => add(Rect {
                min: Point::new(run.origin.x, run.origin.y - run.size),
                max: Point::new(run.origin.x + run.width, run.origin.y + run.size * 0.3),
            }),
            Primitive::Icon { rect, .. } => add(*rect),
            Primitive::Begin { .. } | Primitive::End => {}
        }
    }
    all
}

/// Font size of node labels, in world units.
pub const NODE_LABEL_SIZE: f32 = 11.0;
/// Font size of the technology line under a node label.
const TECHNOLOGY_SIZE: f32 = 8.0;
/// Font size of zone labels.
const ZONE_LABEL_SIZE: f32 = 10.5;
/// Font size of edge labels.
const EDGE_LABEL_SIZE: f32 = 7.5;
/// Widest edge label, in world units.
const EDGE_LABEL_WIDTH: f32 = 110.0;
/// Space between a box's border and its content.
const PADDING: f32 = 6.0;

/// Zone fills, by depth.
const ZONE_FILLS: [Color; 4] = [
    Color(0xf8, 0xfa, 0xfc),
    Color(0xee, 0xf2, 0xff),
    Color(0xf0, 0xfd, 0xf4),
    Color(0xfd, 0xf4, 0xff),
];

/// Returns the outline colour of a node kind.
pub fn kind_color(icon: Icon) -> Color {
    match icon {
        Icon::External => Color(0x4b, 0x55, 0x63),
        Icon::Gateway => Color(0x0e, 0x74, 0x90),
        Icon::Service => Color(0x1d, 0x4e, 0xd8),
        Icon::DataStore => Color(0x9a, 0x34, 0x12),
        Icon::Secret => Color(0xa1, 0x62, 0x07),
        Icon::Key => Color(0x85, 0x4d, 0x0e),
        Icon::Identity => PURPLE,
        Icon::Zone => MUTED,
    }
}

/// The look of an edge.
pub fn edge_stroke(kind: &EdgeKind) -> Stroke {
    match kind {
        EdgeKind::Flow(flow) => match flow.authentication {
            Authentication::None | Authentication::Unknown => Stroke {
                color: RED,
                width: 1.4,
                dash: Dash::Dashed,
            },
            _ => Stroke::solid(SLATE, 1.4),
        },
        _ => Stroke {
            color: PURPLE,
            width: 1.1,
            dash: Dash::Dotted,
        },
    }
}

/// Paints the diagram in world units: zones outermost first, then edges, then nodes.
pub fn paint_diagram(
    doc: &Document,
    diagram: &Diagram,
    review: &Review,
    fonts: &mut Fonts,
) -> Vec<Primitive> {
    let mut out = Vec::new();
    let findings = findings_per_node(review);

    for zone in &diagram.zones {
        let node = &doc.nodes[zone.node];
        paint_zone(fonts, node, zone.rect, zone.depth, &mut out);
    }
    for edge in &diagram.edges {
        paint_edge(fonts, doc, edge, &mut out);
    }
    for shape in &diagram.nodes {
        let node = &doc.nodes[shape.node];
        let count = findings.get(node.id.as_str()).copied().unwrap_or(0);
        paint_node(fonts, node, shape.rect, count, &mut out);
    }
    out
}

/// Counts the findings above info that involve each node.
fn findings_per_node(review: &Review) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for finding in &review.findings {
        if finding.severity > Severity::Info {
            for node in &finding.nodes {
                *counts.entry(node.as_str()).or_insert(0) += 1;
            }
        }
    }
    counts
}

fn paint_zone(
    fonts: &mut Fonts,
    node: &crate::document::Node,
    rect: Rect,
    depth: usize,
    out: &mut Vec<Primitive>,
) {
    let NodeKind::Zone(zone) = &node.kind else {
        return;
    };
    out.push(Primitive::Begin {
        class: "zone",
        id: node.id.clone(),
        title: node.label.clone(),
    });
    let stroke = if zone.cde {
        Stroke::solid(RED, 1.6)
    } else {
        Stroke::solid(MUTED, 1.0)
    };
    out.push(Primitive::Rect {
        rect,
        fill: Some(ZONE_FILLS[depth % ZONE_FILLS.len()]),
        stroke: Some(stroke),
    });

    let width = rect.width() - 2.0 * PADDING;
    if width > 8.0 && rect.height() > ZONE_LABEL_SIZE + PADDING {
        let label = fonts::ellipsize(fonts, &node.label, ZONE_LABEL_SIZE, Weight::Bold, width);
        let baseline = rect.min.y + PADDING + ZONE_LABEL_SIZE;
        let run = TextRun {
            class: "label",
            ..text_run(
                fonts,
                &label,
                Point::new(rect.min.x + PADDING, baseline),
                ZONE_LABEL_SIZE,
                Weight::Bold,
                INK,
            )
        };
        let mut facts = vec![zone.sort.name()];
        if zone.default_deny {
            facts.push("default deny");
        }
        if zone.cde {
            facts.push("CDE");
        }
        let rest = width - run.width - PADDING;
        out.push(Primitive::Text(run));
        let facts = facts.join(" · ");
        if rest > 20.0 {
            let facts = fonts::ellipsize(fonts, &facts, TECHNOLOGY_SIZE, Weight::Regular, rest);
            let x = rect.max.x - PADDING - fonts.width(&facts, TECHNOLOGY_SIZE, Weight::Regular);
            out.push(Primitive::Text(text_run(
                fonts,
                &facts,
                Point::new(x, baseline),
                TECHNOLOGY_SIZE,
                Weight::Regular,
                MUTED,
            )));
        }
    }
    out.push(Primitive::End);
}

fn paint_edge(
    fonts: &mut Fonts,
    doc: &Document,
    shape: &crate::geometry::EdgeShape,
    out: &mut Vec<Primitive>,
) {
    let edge = &doc.edges[shape.edge];
    let from = &doc.nodes[shape.from];
    let to = &doc.nodes[shape.to];
    let caption = match &edge.kind {
        EdgeKind::Flow(flow) => flow.protocol.clone(),
        other => other.name().to_owned(),
    };
    let mut title = format!("{} → {}: {}", from.label, to.label, edge.kind.name());
    if let EdgeKind::Flow(flow) = &edge.kind {
        if !flow.protocol.is_empty() {
            title.push_str(&format!(", {}", flow.protocol));
        }
        title.push_str(&format!(", authentication {}", flow.authentication.name()));
    }
    out.push(Primitive::Begin {
        class: "edge",
        id: edge.id.clone(),
        title,
    });

    let stroke = edge_stroke(&edge.kind);
    out.push(Primitive::Polyline {
        points: shape.route.clone(),
        stroke,
    });
    out.push(Primitive::Polygon {
        points: shape.arrow.to_vec(),
        fill: Some(stroke.color),
        stroke: None,
    });

    if !caption.trim().is_empty() {
        let caption = fonts::ellipsize(
            fonts,
            &caption,
            EDGE_LABEL_SIZE,
            Weight::Regular,
            EDGE_LABEL_WIDTH,
        );
        let width = fonts.width(&caption, EDGE_LABEL_SIZE, Weight::Regular);
        let anchor = midpoint(&shape.route).unwrap_or(shape.label_anchor);
        let origin = Point::new(anchor.x - width / 2.0, anchor.y + EDGE_LABEL_SIZE * 0.35);
        out.push(Primitive::Rect {
            rect: Rect {
                min: Point::new(origin.x - 2.0, anchor.y - EDGE_LABEL_SIZE * 0.7),
                max: Point::new(origin.x + width + 2.0, anchor.y + EDGE_LABEL_SIZE * 0.6),
            },
            fill: Some(WHITE),
            stroke: None,
        });
        out.push(Primitive::Text(text_run(
            fonts,
            &caption,
            origin,
            EDGE_LABEL_SIZE,
            Weight::Regular,
            stroke.color,
        )));
    }
    out.push(Primitive::End);
}

/// Returns the point halfway along a polyline, measured along its length.
fn midpoint(points: &[Point]) -> Option<Point> {
    let length = |a: Point, b: Point| ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
    let total: f32 = points.windows(2).map(|pair| length(pair[0], pair[1])).sum();
    let mut left = total / 2.0;
    for pair in points.windows(2) {
        let step = length(pair[0], pair[1]);
        if step >= left && step > 0.0 {
            let t = left / step;
            return Some(Point::new(
                pair[0].x + (pair[1].x - pair[0].x) * t,
                pair[0].y + (pair[1].y - pair[0].y) * t,
            ));
        }
        left -= step;
    }
    points.first().copied()
}

fn paint_node(
    fonts: &mut Fonts,
    node: &crate::document::Node,
    rect: Rect,
    findings: usize,
    out: &mut Vec<Primitive>,
) {
    let icon = Icon::of(&node.kind);
    let color = kind_color(icon);
    let crown = node.is_crown_jewel();
    out.push(Primitive::Begin {
        class: "node",
        id: node.id.clone(),
        title: node.label.clone(),
    });
    out.push(Primitive::Rect {
        rect,
        fill: Some(if crown { CROWN_FILL } else { WHITE }),
        stroke: Some(Stroke::solid(color, if crown { 2.2 } else { 1.4 })),
    });

    // The icon sits on the left when the box is large enough to keep room for the text.
    let icon_side = (rect.height() - 2.0 * PADDING).min(22.0);
    let with_icon = icon_side >= 10.0 && rect.width() >= 3.0 * icon_side + 2.0 * PADDING;
    let mut text_left = rect.min.x + PADDING;
    if with_icon {
        let top = rect.min.y + (rect.height() - icon_side) / 2.0;
        out.push(Primitive::Icon {
            icon,
            rect: Rect::from_min_size(Point::new(text_left, top), icon_side, icon_side),
            color,
        });
        text_left += icon_side + PADDING;
    }
    let marks_width = if findings > 0 || crown { 14.0 } else { 0.0 };
    let text_width = rect.max.x - PADDING - text_left;
    paint_node_text(fonts, node, rect, text_left, text_width, marks_width, out);

    if findings > 0 {
        paint_badge(fonts, rect, findings, out);
    }
    if crown {
        let star_size = 10.0;
        let star_width = fonts.width("★", star_size, Weight::Regular);
        out.push(Primitive::Text(text_run(
            fonts,
            "★",
            Point::new(rect.max.x - star_width - 3.0, rect.max.y - 4.0),
            star_size,
            Weight::Regular,
            AMBER,
        )));
    }
    out.push(Primitive::End);
}

/// Paints a node's label (wrapped to the lines that fit) and its technology.
fn paint_node_text(
    fonts: &mut Fonts,
    node: &crate::document::Node,
    rect: Rect,
    left: f32,
    width: f32,
    marks_width: f32,
    out: &mut Vec<Primitive>,
) {
    if width < 6.0 {
        return;
    }
    let line_height = NODE_LABEL_SIZE * 1.2;
    let room = rect.height() - 2.0;
    let with_technology =
        !node.technology.is_empty() && room >= line_height + TECHNOLOGY_SIZE * 1.4 + 4.0;
    let label_room = room
        - if with_technology {
            TECHNOLOGY_SIZE * 1.4
        } else {
            0.0
        };
    let max_lines = ((label_room / line_height).floor() as usize).clamp(0, 3);
    if max_lines == 0 {
        return;
    }
    // The first line keeps clear of the badge in the top-right corner.
    let lines = fonts::wrap(
        fonts,
        &node.label,
        NODE_LABEL_SIZE,
        Weight::Regular,
        width - marks_width,
        max_lines,
    );
    let technology = if with_technology {
        Some(fonts::ellipsize(
            fonts,
            &node.technology,
            TECHNOLOGY_SIZE,
            Weight::Regular,
            width - marks_width,
        ))
    } else {
        None
    };

    let block = lines.len() as f32 * line_height
        + technology.as_ref().map_or(0.0, |_| TECHNOLOGY_SIZE * 1.4);
    let mut baseline = rect.min.y + (rect.height() - block) / 2.0 + NODE_LABEL_SIZE;
    for line in lines {
        out.push(Primitive::Text(TextRun {
            class: "label",
            ..text_run(
                fonts,
                &line,
                Point::new(left, baseline),
                NODE_LABEL_SIZE,
                Weight::Regular,
                INK,
            )
        }));
        baseline += line_height;
    }
    if let Some(technology) = technology {
        out.push(Primitive::Text(text_run(
            fonts,
            &technology,
            Point::new(left, baseline - NODE_LABEL_SIZE + TECHNOLOGY_SIZE + 2.0),
            TECHNOLOGY_SIZE,
            Weight::Regular,
            MUTED,
        )));
    }
}

/// Paints the count of a node's findings in its top-right corner.
fn paint_badge(fonts: &mut Fonts, rect: Rect, findings: usize, out: &mut Vec<Primitive>) {
    let size = 7.5;
    let text = findings.to_string();
    let width = fonts.width(&text, size, Weight::Bold).max(size * 0.6);
    let badge = Rect {
        min: Point::new(rect.max.x - width - 7.0, rect.min.y + 2.0),
        max: Point::new(rect.max.x - 2.0, rect.min.y + 2.0 + size + 3.0),
    };
    out.push(Primitive::Rect {
        rect: badge,
        fill: Some(RED),
        stroke: None,
    });
    out.push(Primitive::Text(text_run(
        fonts,
        &text,
        Point::new(badge.min.x + 2.5, badge.max.y - 3.0),
        size,
        Weight::Bold,
        WHITE,
    )));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hebrew_runs_are_reversed_for_display_and_latin_stays() {
        assert_eq!(display_order("abc"), "abc");
        // "שלום" written logically right to left appears reversed on a left-to-right line.
        assert_eq!(display_order("שלום"), "םולש");
    }

    #[test]
    fn transform_scales_text_and_drops_what_is_too_small() {
        let mut fonts = Fonts::bundled_only();
        let run = text_run(
            &mut fonts,
            "x",
            Point::new(10.0, 20.0),
            10.0,
            Weight::Regular,
            INK,
        );
        let half = Transform {
            scale: 0.5,
            dx: 1.0,
            dy: 2.0,
        };
        let Some(Primitive::Text(scaled)) = half.primitive(&Primitive::Text(run.clone()), 1.0)
        else {
            panic!("the text is kept");
        };
        assert_eq!(scaled.origin, Point::new(6.0, 12.0));
        assert_eq!(scaled.size, 5.0);
        assert!(half.primitive(&Primitive::Text(run), 6.0).is_none());
    }
}
