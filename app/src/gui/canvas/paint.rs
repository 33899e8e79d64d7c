//! Painting one frame of the canvas: grid, zones, edges, nodes, badges and legend, each
//! only where it is on screen.

use egui::emath::TSTransform;
use egui::epaint::{PathShape, TextShape};
use egui::text::{LayoutJob, TextWrapping};
use egui::{Align2, Color32, CornerRadius, FontId, Pos2, Rect, Shape, Stroke, StrokeKind, Vec2};
use trustmap_model::Severity;
use trustmap_model::document::{Authentication, Document, EdgeKind, NodeKind, Point, ZoneSort};
use trustmap_model::geometry::{self, Diagram};

use super::{
    CanvasState, GRID, HANDLE_RADIUS, Hit, LABEL_MIN_ZOOM, OVERVIEW_MAX_ZOOM, ZONE_TITLE_HEIGHT,
    handle_world, to_pos, to_rect,
};
use crate::gui::app::Selection;
use crate::gui::icons::{Icon, Icons};
use crate::gui::live_review::Badge;
use crate::gui::text::{display, is_right_to_left_paragraph};

/// Everything one frame of painting reads.
pub(super) struct Scene<'a> {
    pub(super) doc: &'a Document,
    pub(super) diagram: &'a Diagram,
    pub(super) canvas: &'a CanvasState,
    pub(super) selection: &'a Selection,
    pub(super) badges: &'a std::collections::HashMap<String, Badge>,
    pub(super) icons: Option<&'a Icons>,
    pub(super) hovered: Option<Hit>,
    pub(super) pixels_per_point: f32,
}

impl Scene<'_> {
    fn camera(&self) -> TSTransform {
        self.canvas.screen_from_world
    }

    pub(super) fn paint(&self, painter: &egui::Painter, screen_rect: Rect) {
        painter.rect_filled(
            screen_rect,
            CornerRadius::ZERO,
            Color32::from_rgb(248, 249, 251),
        );
        if self.canvas.show_grid {
            self.paint_grid(painter, screen_rect);
        }
        let visible_world = self.camera().inverse() * screen_rect;

        for zone in &self.diagram.zones {
            let rect = to_rect(zone.rect);
            if rect.intersects(visible_world) {
                self.paint_zone(painter, zone.node, rect);
            }
        }
        let edge_clip = screen_rect.expand(EDGE_CLIP_MARGIN);
        for edge in &self.diagram.edges {
            if edge_bounds(edge).intersects(visible_world) {
                self.paint_edge(painter, edge, edge_clip);
            }
        }
        for node in &self.diagram.nodes {
            let rect = to_rect(node.rect);
            if rect.intersects(visible_world) {
                self.paint_node(painter, node.node, rect);
            }
        }
        if self.canvas.show_legend {
            paint_legend(painter, screen_rect);
        }
    }

    fn paint_grid(&self, painter: &egui::Painter, screen_rect: Rect) {
        let camera = self.camera();
        let mut step = GRID * camera.scaling;
        while step < 10.0 {
            step *= 5.0;
        }
        let world_step = step / camera.scaling;
        let origin = camera * Pos2::ZERO;
        let stroke = Stroke::new(1.0, Color32::from_rgb(232, 235, 240));

        let first_x = origin.x + ((screen_rect.left() - origin.x) / step).ceil() * step;
        let mut x = first_x;
        while x <= screen_rect.right() {
            painter.vline(x, screen_rect.y_range(), stroke);
            x += step;
        }
        let first_y = origin.y + ((screen_rect.top() - origin.y) / step).ceil() * step;
        let mut y = first_y;
        while y <= screen_rect.bottom() {
            painter.hline(screen_rect.x_range(), y, stroke);
            y += step;
        }
        debug_assert!(world_step > 0.0);
    }

    fn emphasis(&self, id: &str, is_edge: bool) -> Emphasis {
        let selected = if is_edge {
            self.selection.edges.contains(id)
        } else {
            self.selection.nodes.contains(id)
        };
        let Some(highlight) = &self.canvas.highlight else {
            return Emphasis {
                selected,
                highlighted: false,
                dimmed: false,
            };
        };
        let highlighted = if is_edge {
            highlight.edges.contains(id)
        } else {
            highlight.nodes.contains(id)
        };
        Emphasis {
            selected,
            highlighted,
            dimmed: highlight.dim_rest && !highlighted && !selected,
        }
    }

    fn paint_zone(&self, painter: &egui::Painter, ix: usize, world_rect: Rect) {
        let node = &self.doc.nodes[ix];
        let NodeKind::Zone(zone) = &node.kind else {
            return;
        };
        if !self.canvas.layers.shows_node(&node.kind) {
            return;
        }
        let camera = self.camera();
        let rect = camera * world_rect;
        let emphasis = self.emphasis(&node.id, false);
        let tint = zone_color(&zone.sort);
        let fade = if emphasis.dimmed { 0.35 } else { 1.0 };
        let stroke = if emphasis.selected {
            Stroke::new(2.5, SELECTED)
        } else if emphasis.highlighted {
            Stroke::new(3.0, HIGHLIGHT)
        } else {
            Stroke::new(1.5, tint.gamma_multiply(fade))
        };
        painter.rect(
            rect,
            CornerRadius::same((8.0 * camera.scaling).clamp(0.0, 8.0) as u8),
            tint.gamma_multiply(0.07 * fade),
            stroke,
            StrokeKind::Inside,
        );

        let zoom = camera.scaling;
        if zoom >= LABEL_MIN_ZOOM {
            let title_height = ZONE_TITLE_HEIGHT * zoom;
            let icon_side = (title_height - 8.0).max(0.0);
            self.paint_icon(
                painter,
                Icon::Zone,
                Rect::from_min_size(rect.min + Vec2::splat(4.0), Vec2::splat(icon_side)),
                fade,
            );
            let mut title = node.label.clone();
            title.push_str("  ·  ");
            title.push_str(zone.sort.name());
            if zone.cde {
                title.push_str(", CDE");
            }
            let left = rect.min.x + icon_side + 10.0;
            self.paint_label(
                painter,
                &title,
                Pos2::new(left, rect.min.y + title_height / 2.0),
                (rect.max.x - left - 6.0).max(0.0),
                font_size(13.0 * zoom),
                tint.gamma_multiply(fade),
                Align2::LEFT_CENTER,
            );
        }
        if emphasis.selected {
            let corner = rect.max;
            painter.rect_filled(
                Rect::from_center_size(corner, Vec2::splat(9.0)),
                CornerRadius::same(2),
                SELECTED,
            );
        }
    }

    /// Paints an edge, only the parts of it within `clip`, a screen rectangle a margin larger
    /// than the canvas: a long edge crossing the view costs no more than a short one.
    fn paint_edge(&self, painter: &egui::Painter, shape: &geometry::EdgeShape, clip: Rect) {
        let edge = &self.doc.edges[shape.edge];
        if !self.canvas.layers.shows_edge(&edge.kind) {
            return;
        }
        let camera = self.camera();
        let emphasis = self.emphasis(&edge.id, true);
        let style = EdgeStyle::of(&edge.kind);
        let fade = if emphasis.dimmed { 0.2 } else { 1.0 };
        let (color, width) = if emphasis.selected {
            (SELECTED, style.width + 1.5)
        } else if emphasis.highlighted {
            (HIGHLIGHT, style.width + 2.0)
        } else {
            (style.color.gamma_multiply(fade), style.width)
        };
        let overview = camera.scaling < OVERVIEW_MAX_ZOOM;
        // In the overview an edge is thinner, so that the nodes under a dense web of flows
        // still show.
        let stroke = Stroke::new(if overview { width - 1.0 } else { width }, color);
        let route: Vec<Pos2> = shape
            .route
            .iter()
            .map(|point| camera * to_pos(*point))
            .collect();
        for piece in clip_polyline(&route, clip) {
            if style.dashed && !overview {
                let phase = piece.distance % DASH_PERIOD;
                painter.extend(Shape::dashed_line_with_offset(
                    &piece.points,
                    stroke,
                    &[DASH],
                    &[DASH_PERIOD - DASH],
                    // The dashes keep the phase they have from the route's start, so they
                    // stay still on the edge while the view pans.
                    (DASH_PERIOD - phase) % DASH_PERIOD,
                ));
            } else {
                painter.add(PathShape::line(piece.points, stroke));
            }
        }
        if overview {
            return;
        }
        let arrow: Vec<Pos2> = shape
            .arrow
            .iter()
            .map(|point| camera * to_pos(*point))
            .collect();
        if arrow.iter().any(|point| clip.contains(*point)) {
            painter.add(PathShape::convex_polygon(arrow, color, Stroke::NONE));
        }

        let anchor = camera * midpoint(&shape.route).unwrap_or(to_pos(shape.label_anchor));
        if !clip.contains(anchor) {
            return;
        }
        if style.lock {
            paint_lock(painter, anchor, color);
        }
        if camera.scaling >= 0.6
            && let EdgeKind::Flow(flow) = &edge.kind
            && !flow.protocol.is_empty()
        {
            painter.text(
                anchor + Vec2::new(10.0, -10.0),
                Align2::LEFT_BOTTOM,
                display(&flow.protocol),
                FontId::proportional(font_size(11.0 * camera.scaling.min(1.5))),
                color,
            );
        }
    }

    fn paint_node(&self, painter: &egui::Painter, ix: usize, world_rect: Rect) {
        let node = &self.doc.nodes[ix];
        let camera = self.camera();
        let zoom = camera.scaling;
        let rect = camera * world_rect;
        let emphasis = self.emphasis(&node.id, false);
        let fade = if emphasis.dimmed { 0.3 } else { 1.0 };
        let accent = node_color(&node.kind);

        let badge = self.badges.get(&node.id);
        let overview = zoom < OVERVIEW_MAX_ZOOM;
        // In the overview a node with findings is its worst finding's colour throughout:
        // the stroke would cover most of a box a few points across.
        let (fill, stroke) = match badge {
            Some(badge) if overview && !emphasis.selected && !emphasis.highlighted => {
                (severity_color(badge.worst), Stroke::NONE)
            }
            _ => (
                Color32::WHITE,
                if emphasis.selected {
                    Stroke::new(2.5, SELECTED)
                } else if emphasis.highlighted {
                    Stroke::new(3.0, HIGHLIGHT)
                } else {
                    Stroke::new(1.5, accent.gamma_multiply(fade))
                },
            ),
        };
        let radius = (6.0 * zoom).clamp(0.0, 255.0) as u8;
        painter.rect(
            rect,
            CornerRadius::same(radius),
            fill.gamma_multiply(if emphasis.dimmed { 0.6 } else { 1.0 }),
            stroke,
            StrokeKind::Inside,
        );
        if node.is_crown_jewel() {
            let band = Rect::from_min_max(
                rect.min,
                Pos2::new(rect.min.x + 4.0 * zoom.min(1.5), rect.max.y),
            );
            painter.rect_filled(
                band,
                CornerRadius::same(radius.min(3)),
                CRITICAL.gamma_multiply(fade),
            );
        }

        if zoom >= LABEL_MIN_ZOOM {
            let icon_side = (rect.height() - 16.0 * zoom).clamp(0.0, 36.0 * zoom);
            let icon_rect = Rect::from_min_size(
                Pos2::new(rect.min.x + 8.0 * zoom, rect.center().y - icon_side / 2.0),
                Vec2::splat(icon_side),
            );
            self.paint_icon(painter, Icon::of(&node.kind), icon_rect, fade);

            let left = icon_rect.max.x + 8.0 * zoom;
            let width = (rect.max.x - left - 6.0 * zoom).max(0.0);
            let text_color = Color32::from_rgb(17, 24, 39).gamma_multiply(fade);
            let has_technology = !node.technology.is_empty();
            let label_y = if has_technology {
                rect.center().y - 8.0 * zoom
            } else {
                rect.center().y
            };
            self.paint_label(
                painter,
                &node.label,
                Pos2::new(left, label_y),
                width,
                font_size(14.0 * zoom),
                text_color,
                Align2::LEFT_CENTER,
            );
            if has_technology {
                self.paint_label(
                    painter,
                    &node.technology,
                    Pos2::new(left, rect.center().y + 10.0 * zoom),
                    width,
                    font_size(11.0 * zoom),
                    Color32::from_rgb(75, 85, 99).gamma_multiply(fade),
                    Align2::LEFT_CENTER,
                );
            }
        }

        if let Some(badge) = badge
            && !overview
        {
            paint_badge(painter, rect.right_top(), *badge, zoom, fade);
        }

        // The handle is a fixed size on screen, larger than a node in the overview.
        let show_handle = !overview
            && (emphasis.selected
                || matches!(self.hovered, Some(Hit::Node(hovered) | Hit::Handle(hovered)) if hovered == ix));
        if show_handle {
            let handle = camera * handle_world(world_rect);
            let hot = self.hovered == Some(Hit::Handle(ix));
            painter.circle(
                handle,
                HANDLE_RADIUS,
                if hot { SELECTED } else { Color32::WHITE },
                Stroke::new(1.5, SELECTED),
            );
        }
    }

    fn paint_icon(&self, painter: &egui::Painter, kind: Icon, rect: Rect, fade: f32) {
        if rect.width() < 4.0 {
            return;
        }
        let Some(texture) = self
            .icons
            .and_then(|icons| icons.texture(kind, rect.width() * self.pixels_per_point))
        else {
            return;
        };
        painter.image(
            texture.id(),
            rect,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE.gamma_multiply(fade),
        );
    }

    /// Paints one line of text, given in logical order, shortened with an ellipsis where it
    /// is wider than `max_width`. A right-to-left label loses its logical end, which is on
    /// its left. The stored label is never changed.
    #[expect(clippy::too_many_arguments, reason = "one call paints one styled text")]
    fn paint_label(
        &self,
        painter: &egui::Painter,
        text: &str,
        anchor: Pos2,
        max_width: f32,
        size: f32,
        color: Color32,
        align: Align2,
    ) {
        if max_width < 8.0 || size < 4.0 {
            return;
        }
        let font = FontId::proportional(size);
        let mut job = LayoutJob::simple_singleline(display(text).into_owned(), font.clone(), color);
        job.wrap = TextWrapping {
            max_width,
            max_rows: 1,
            break_anywhere: true,
            overflow_character: Some('…'),
        };
        let mut galley = painter.layout_job(job);
        if galley.elided && is_right_to_left_paragraph(text) {
            let unwrapped = |candidate: String| {
                painter.layout_job(LayoutJob::simple_singleline(candidate, font.clone(), color))
            };
            galley = shortened_at_logical_end(text, unwrapped, max_width);
        }
        let rect = align.anchor_size(anchor, galley.size());
        painter.add(TextShape::new(rect.min, galley, color));
    }
}

/// Lays out the longest logical beginning of `text`, with an ellipsis after it, whose
/// display fits in `max_width`, by bisection over the character count.
fn shortened_at_logical_end(
    text: &str,
    layout: impl Fn(String) -> std::sync::Arc<egui::Galley>,
    max_width: f32,
) -> std::sync::Arc<egui::Galley> {
    let ends: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
    let shortened = |count: usize| {
        let mut logical = text[..ends[count]].trim_end().to_owned();
        logical.push('…');
        layout(display(&logical).into_owned())
    };
    let (mut fits, mut too_long) = (0, ends.len());
    while too_long - fits > 1 {
        let middle = usize::midpoint(fits, too_long);
        if shortened(middle).size().x <= max_width {
            fits = middle;
        } else {
            too_long = middle;
        }
    }
    shortened(fits)
}

#[derive(Clone, Copy)]
struct Emphasis {
    selected: bool,
    highlighted: bool,
    dimmed: bool,
}

/// The stroke style of an edge: colour, width, dashes and lock mark.
struct EdgeStyle {
    color: Color32,
    width: f32,
    dashed: bool,
    lock: bool,
}

impl EdgeStyle {
    fn of(kind: &EdgeKind) -> Self {
        let plain = |color, dashed| Self {
            color,
            width: 1.5,
            dashed,
            lock: false,
        };
        match kind {
            EdgeKind::Flow(flow) => {
                let unauthenticated = matches!(
                    flow.authentication,
                    Authentication::None | Authentication::Unknown
                );
                Self {
                    color: if unauthenticated {
                        UNAUTHENTICATED
                    } else {
                        FLOW
                    },
                    width: 2.0,
                    dashed: unauthenticated,
                    lock: flow.authentication == Authentication::Mtls,
                }
            }
            EdgeKind::CanAssume(_) => plain(Color32::from_rgb(124, 58, 237), true),
            EdgeKind::MemberOf => plain(Color32::from_rgb(107, 114, 128), true),
            EdgeKind::Grants(_) => plain(Color32::from_rgb(217, 119, 6), false),
            EdgeKind::RunsAs => plain(Color32::from_rgb(13, 148, 136), false),
            EdgeKind::Unlocks => plain(Color32::from_rgb(190, 18, 60), true),
            EdgeKind::EncryptedBy => plain(Color32::from_rgb(120, 53, 15), true),
        }
    }
}

const SELECTED: Color32 = Color32::from_rgb(37, 99, 235);
const HIGHLIGHT: Color32 = Color32::from_rgb(234, 88, 12);
const FLOW: Color32 = Color32::from_rgb(55, 65, 81);
const UNAUTHENTICATED: Color32 = Color32::from_rgb(220, 38, 38);
const CRITICAL: Color32 = Color32::from_rgb(185, 28, 28);

fn node_color(kind: &NodeKind) -> Color32 {
    match kind {
        NodeKind::External(_) => Color32::from_rgb(107, 114, 128),
        NodeKind::Gateway(_) => Color32::from_rgb(124, 58, 237),
        NodeKind::Service(_) => Color32::from_rgb(37, 99, 235),
        NodeKind::DataStore(_) => Color32::from_rgb(5, 150, 105),
        NodeKind::Secret(_) => Color32::from_rgb(190, 18, 60),
        NodeKind::Key(_) => Color32::from_rgb(180, 83, 9),
        NodeKind::Identity(_) => Color32::from_rgb(14, 116, 144),
        NodeKind::Zone(_) => Color32::from_rgb(75, 85, 99),
    }
}

fn zone_color(sort: &ZoneSort) -> Color32 {
    match sort {
        ZoneSort::Account(_) => Color32::from_rgb(202, 138, 4),
        ZoneSort::Region => Color32::from_rgb(71, 85, 105),
        ZoneSort::Vpc => Color32::from_rgb(22, 163, 74),
        ZoneSort::Subnet { public: true } => Color32::from_rgb(220, 38, 38),
        ZoneSort::Subnet { public: false } => Color32::from_rgb(37, 99, 235),
        ZoneSort::EksCluster => Color32::from_rgb(234, 88, 12),
        ZoneSort::Namespace => Color32::from_rgb(147, 51, 234),
    }
}

/// Returns the colour of a finding's severity, shared by badges and the findings panel.
pub fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Critical => CRITICAL,
        Severity::High => Color32::from_rgb(234, 88, 12),
        Severity::Medium => Color32::from_rgb(202, 138, 4),
        Severity::Low => Color32::from_rgb(37, 99, 235),
        Severity::Info => Color32::from_rgb(107, 114, 128),
    }
}

fn paint_badge(painter: &egui::Painter, corner: Pos2, badge: Badge, zoom: f32, fade: f32) {
    let radius = (9.0 * zoom).clamp(5.0, 14.0);
    painter.circle(
        corner,
        radius,
        severity_color(badge.worst).gamma_multiply(fade),
        Stroke::new(1.5, Color32::WHITE),
    );
    if radius >= 7.0 {
        painter.text(
            corner,
            Align2::CENTER_CENTER,
            badge.count.to_string(),
            FontId::proportional(font_size(radius * 1.2)),
            Color32::WHITE,
        );
    }
}

fn paint_lock(painter: &egui::Painter, center: Pos2, color: Color32) {
    let body = Rect::from_center_size(center + Vec2::new(0.0, 2.0), Vec2::new(10.0, 8.0));
    painter.rect_filled(body.expand(2.0), CornerRadius::same(2), Color32::WHITE);
    painter.rect_filled(body, CornerRadius::same(1), color);
    let shackle: Vec<Pos2> = (0..=8)
        .map(|step| {
            let angle = std::f32::consts::PI * (1.0 + step as f32 / 8.0);
            Pos2::new(center.x + 3.5 * angle.cos(), body.min.y + 4.0 * angle.sin())
        })
        .collect();
    painter.add(PathShape::line(shackle, Stroke::new(1.5, color)));
}

/// Height of one row of the legend, in screen points.
const LEGEND_ROW: f32 = 18.0;

/// Number of rows in the legend.
const LEGEND_ROWS: usize = 6;

pub(super) fn legend_size() -> Vec2 {
    Vec2::new(270.0, LEGEND_ROW * LEGEND_ROWS as f32 + 12.0)
}

fn paint_legend(painter: &egui::Painter, screen_rect: Rect) {
    let entries: [(&str, EdgeStyle); LEGEND_ROWS] = [
        (
            "authenticated flow",
            EdgeStyle {
                color: FLOW,
                width: 2.0,
                dashed: false,
                lock: false,
            },
        ),
        (
            "flow, no or unknown authentication",
            EdgeStyle {
                color: UNAUTHENTICATED,
                width: 2.0,
                dashed: true,
                lock: false,
            },
        ),
        (
            "flow with mTLS",
            EdgeStyle {
                color: FLOW,
                width: 2.0,
                dashed: false,
                lock: true,
            },
        ),
        (
            "can assume",
            EdgeStyle::of(&EdgeKind::CanAssume(Default::default())),
        ),
        (
            "grants",
            EdgeStyle::of(&EdgeKind::Grants(Default::default())),
        ),
        ("runs as", EdgeStyle::of(&EdgeKind::RunsAs)),
    ];
    let size = legend_size();
    let rect = Rect::from_min_size(
        Pos2::new(
            screen_rect.left() + 10.0,
            screen_rect.bottom() - size.y - 10.0,
        ),
        size,
    );
    painter.rect(
        rect,
        CornerRadius::same(6),
        Color32::from_white_alpha(235),
        Stroke::new(1.0, Color32::from_gray(210)),
        StrokeKind::Inside,
    );
    for (row, (name, style)) in entries.iter().enumerate() {
        let y = rect.top() + 6.0 + LEGEND_ROW * (row as f32 + 0.5);
        let start = Pos2::new(rect.left() + 10.0, y);
        let end = Pos2::new(rect.left() + 56.0, y);
        let stroke = Stroke::new(style.width, style.color);
        if style.dashed {
            painter.extend(Shape::dashed_line(&[start, end], stroke, 6.0, 4.0));
        } else {
            painter.line_segment([start, end], stroke);
        }
        if style.lock {
            paint_lock(painter, Pos2::new((start.x + end.x) / 2.0, y), style.color);
        }
        painter.text(
            Pos2::new(rect.left() + 66.0, y),
            Align2::LEFT_CENTER,
            *name,
            FontId::proportional(12.0),
            Color32::from_gray(40),
        );
    }
}

/// Rounds a font size to whole points, so zooming reuses a few glyph sizes instead of
/// rasterizing a new one every frame.
fn font_size(size: f32) -> f32 {
    size.round().clamp(4.0, 96.0)
}

/// Returns the point halfway along a polyline, measured by length, where an edge's lock
/// mark and protocol go. The route's own label anchor is one of its vertices, which for a
/// straight edge is the arrow's tip.
pub(super) fn midpoint(route: &[Point]) -> Option<Pos2> {
    let points: Vec<Pos2> = route.iter().map(|point| to_pos(*point)).collect();
    let total: f32 = points
        .windows(2)
        .map(|pair| pair[0].distance(pair[1]))
        .sum();
    let mut remaining = total / 2.0;
    for pair in points.windows(2) {
        let length = pair[0].distance(pair[1]);
        if length >= remaining && length > 0.0 {
            return Some(pair[0] + (pair[1] - pair[0]) * (remaining / length));
        }
        remaining -= length;
    }
    points.first().copied()
}

fn edge_bounds(shape: &geometry::EdgeShape) -> Rect {
    let mut rect = Rect::NOTHING;
    for point in &shape.route {
        rect.extend_with(to_pos(*point));
    }
    rect.expand(ARROW_MARGIN)
}

/// Margin around an edge's route that covers its arrowhead and label.
const ARROW_MARGIN: f32 = 16.0;

/// Margin, in screen points, by which edges are painted past the canvas, so that no cut
/// line end, dash or half-drawn lock mark shows at its border.
const EDGE_CLIP_MARGIN: f32 = 40.0;

/// Length of one dash of a dashed edge, in screen points.
const DASH: f32 = 7.0;

/// Length of one dash and the gap after it, in screen points.
const DASH_PERIOD: f32 = 12.0;

/// A run of a polyline inside a clip rectangle.
#[derive(Debug, PartialEq)]
struct Piece {
    /// Length of the polyline before the run starts.
    distance: f32,
    /// The run's points, at least two.
    points: Vec<Pos2>,
}

/// Returns the runs of a polyline that lie inside `clip`, in order along it.
fn clip_polyline(points: &[Pos2], clip: Rect) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut open = false;
    let mut distance = 0.0;
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let length = a.distance(b);
        if let Some((enter, leave)) = clip_segment(a, b, clip) {
            let end = a + (b - a) * leave;
            match pieces.last_mut() {
                Some(piece) if open && enter == 0.0 => piece.points.push(end),
                _ => pieces.push(Piece {
                    distance: distance + length * enter,
                    points: vec![a + (b - a) * enter, end],
                }),
            }
            open = leave == 1.0;
        } else {
            open = false;
        }
        distance += length;
    }
    pieces
}

/// Clips the segment from `a` to `b` to `clip` (the Liang–Barsky method), returning the
/// parameters along it, from 0 at `a` to 1 at `b`, where it enters and leaves.
fn clip_segment(a: Pos2, b: Pos2, clip: Rect) -> Option<(f32, f32)> {
    let delta = b - a;
    let mut enter = 0.0_f32;
    let mut leave = 1.0_f32;
    for (towards, room) in [
        (-delta.x, a.x - clip.min.x),
        (delta.x, clip.max.x - a.x),
        (-delta.y, a.y - clip.min.y),
        (delta.y, clip.max.y - a.y),
    ] {
        if towards == 0.0 {
            if room < 0.0 {
                return None;
            }
        } else {
            let t = room / towards;
            if towards < 0.0 {
                enter = enter.max(t);
            } else {
                leave = leave.min(t);
            }
        }
    }
    (enter < leave).then_some((enter, leave))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip() -> Rect {
        Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(100.0, 100.0))
    }

    #[test]
    fn clip_keeps_an_inside_polyline_whole() {
        let points = [
            Pos2::new(10.0, 10.0),
            Pos2::new(50.0, 10.0),
            Pos2::new(50.0, 90.0),
        ];
        assert_eq!(
            clip_polyline(&points, clip()),
            vec![Piece {
                distance: 0.0,
                points: points.to_vec()
            }]
        );
    }

    #[test]
    fn clip_cuts_a_crossing_segment_at_both_borders() {
        let points = [Pos2::new(-100.0, 50.0), Pos2::new(300.0, 50.0)];
        assert_eq!(
            clip_polyline(&points, clip()),
            vec![Piece {
                distance: 100.0,
                points: vec![Pos2::new(0.0, 50.0), Pos2::new(100.0, 50.0)]
            }]
        );
    }

    #[test]
    fn clip_splits_a_polyline_that_leaves_and_returns() {
        let points = [
            Pos2::new(50.0, 50.0),
            Pos2::new(50.0, 150.0),
            Pos2::new(80.0, 150.0),
            Pos2::new(80.0, 50.0),
        ];
        let pieces = clip_polyline(&points, clip());
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(
            pieces[0].points,
            vec![Pos2::new(50.0, 50.0), Pos2::new(50.0, 100.0)]
        );
        assert_eq!(pieces[1].distance, 180.0);
        assert_eq!(
            pieces[1].points,
            vec![Pos2::new(80.0, 100.0), Pos2::new(80.0, 50.0)]
        );
    }

    #[test]
    fn clip_drops_segments_outside_or_at_a_corner() {
        let beside = [Pos2::new(-10.0, -10.0), Pos2::new(-10.0, 200.0)];
        assert!(clip_polyline(&beside, clip()).is_empty());
        let diagonal_past_corner = [Pos2::new(150.0, 0.0), Pos2::new(250.0, 100.0)];
        assert!(clip_polyline(&diagonal_past_corner, clip()).is_empty());
        let touching_corner = [Pos2::new(100.0, 120.0), Pos2::new(120.0, 100.0)];
        assert!(clip_polyline(&touching_corner, clip()).is_empty());
    }

    #[test]
    fn shortening_drops_the_logical_end_of_rtl_labels() {
        let label = "שירותי AWS בתוך גבול האמון";
        let ctx = egui::Context::default();
        let mut displayed = String::new();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let painter = ui.painter();
            let layout = |text: String| {
                painter.layout_job(LayoutJob::simple_singleline(
                    text,
                    FontId::proportional(14.0),
                    Color32::BLACK,
                ))
            };
            let whole = layout(display(label).into_owned()).size().x;
            let galley = shortened_at_logical_end(label, layout, whole * 0.6);
            assert!(galley.size().x <= whole * 0.6);
            displayed = galley.text().to_owned();
        });
        output.textures_delta.clear();

        assert!(displayed.contains('…'), "{displayed}");
        assert!(
            displayed.contains("AWS"),
            "the beginning stays: {displayed}"
        );
        assert!(!displayed.contains("האמון"), "the end goes: {displayed}");
    }

    #[test]
    fn clip_cuts_a_diagonal_where_it_crosses() {
        let points = [Pos2::new(-50.0, -50.0), Pos2::new(150.0, 150.0)];
        let pieces = clip_polyline(&points, clip());
        assert_eq!(pieces.len(), 1);
        let piece = &pieces[0];
        assert!((piece.distance - 50.0 * std::f32::consts::SQRT_2).abs() < 1e-3);
        assert!(piece.points[0].distance(Pos2::new(0.0, 0.0)) < 1e-3);
        assert!(piece.points[1].distance(Pos2::new(100.0, 100.0)) < 1e-3);
    }
}
