//! The canvas: the diagram painted through one camera, with its own hit-testing.
//!
//! The camera is one transform, `screen_from_world`, from world coordinates (the
//! document's own units, y down) to screen points. Text is laid out at its final on-screen
//! size every frame, so it stays crisp at every zoom. The canvas paints the geometry that
//! the model crate computes for every output, and never routes an edge itself.
//!
//! One painter senses every click and drag; what it lands on is found by [`hit_test`].
//! Each node on screen also gets a hover-only widget whose accessible name is its label,
//! so screen readers and tests can find it.
//!
//! Pointer gestures:
//! - drag on empty space, or with the middle button anywhere: pan;
//! - Shift and drag on empty space: rubber-band select;
//! - wheel or pinch: zoom at the cursor;
//! - drag a node or zone (its title bar or border): move it and the rest of the selection,
//!   dropping it into the zone under its centre, or out of every zone;
//! - drag the handle on a node's right side to another node: draw a flow;
//! - drag a selected zone's bottom-right corner: resize it;
//! - double-click a node or zone: rename it in place.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use egui::emath::TSTransform;
use egui::{
    Align2, CornerRadius, FontId, PointerButton, Pos2, Rect, Role, Sense, Stroke, StrokeKind, Ui,
    Vec2, WidgetInfo,
};
use trustmap_model::document::{EdgeKind, NodeKind, Point, Size, ZoneSort};
use trustmap_model::edit::Edit;
use trustmap_model::geometry::{self, Diagram};
use trustmap_model::graph::Graph;

mod paint;

pub use paint::severity_color;

use super::actions::PaletteItem;
use super::app::TrustmapApp;

/// Spacing of the grid, and the step positions snap to, in world units.
pub const GRID: f32 = 20.0;

/// Room left between a fitted diagram and the canvas's edges, in screen points.
const FIT_MARGIN: f32 = 24.0;

/// The zoom range of the camera, in screen points per world unit. The lower end lets the
/// largest model a file may hold (200,000 nodes, laid out some 130,000 world units tall)
/// fit a canvas a few hundred points high.
const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.002..=8.0;

/// Below this zoom, labels give way to plain shapes.
const LABEL_MIN_ZOOM: f32 = 0.3;

/// Below this zoom the canvas shows an overview, where a default node is a few points
/// across: a node with findings is filled with its worst finding's colour instead of
/// carrying a badge, and edges are plain lines without dashes, arrowheads or marks.
const OVERVIEW_MAX_ZOOM: f32 = 0.15;

/// Height of a zone's title bar in world units, where a zone can be grabbed.
const ZONE_TITLE_HEIGHT: f32 = 28.0;

/// Radius of a node's flow handle in screen points.
const HANDLE_RADIUS: f32 = 6.0;

/// Distance in screen points within which the pointer counts as on an edge or a border.
const PICK_DISTANCE: f32 = 6.0;

/// Smallest zone size a resize leaves, in world units.
const MIN_ZONE_SIZE: Size = Size::new(120.0, 80.0);

/// The edge kinds and zone sorts shown on the canvas. Hidden items are still reviewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layers {
    /// Flows.
    pub flows: bool,
    /// Can-assume and member-of edges.
    pub trust: bool,
    /// Grants.
    pub grants: bool,
    /// Runs-as edges.
    pub runs_as: bool,
    /// Unlocks edges.
    pub unlocks: bool,
    /// Encrypted-by edges.
    pub encrypted_by: bool,
    /// Each zone sort, in the order of [`Layers::ZONE_SORTS`].
    pub zones: [bool; 6],
}

impl Default for Layers {
    fn default() -> Self {
        Self {
            flows: true,
            trust: true,
            grants: true,
            runs_as: true,
            unlocks: true,
            encrypted_by: true,
            zones: [true; 6],
        }
    }
}

impl Layers {
    /// The zone sorts' names, in the order of [`Layers::zones`].
    pub const ZONE_SORTS: [&'static str; 6] = [
        "accounts",
        "regions",
        "VPCs",
        "subnets",
        "EKS clusters",
        "namespaces",
    ];

    /// Returns whether edges of this kind are shown.
    pub fn shows_edge(&self, kind: &EdgeKind) -> bool {
        match kind {
            EdgeKind::Flow(_) => self.flows,
            EdgeKind::CanAssume(_) | EdgeKind::MemberOf => self.trust,
            EdgeKind::Grants(_) => self.grants,
            EdgeKind::RunsAs => self.runs_as,
            EdgeKind::Unlocks => self.unlocks,
            EdgeKind::EncryptedBy => self.encrypted_by,
        }
    }

    /// Returns whether a node is shown: every node that is not a zone, and zones of shown
    /// sorts.
    pub fn shows_node(&self, kind: &NodeKind) -> bool {
        let NodeKind::Zone(zone) = kind else {
            return true;
        };
        let index = match zone.sort {
            ZoneSort::Account(_) => 0,
            ZoneSort::Region => 1,
            ZoneSort::Vpc => 2,
            ZoneSort::Subnet { .. } => 3,
            ZoneSort::EksCluster => 4,
            ZoneSort::Namespace => 5,
        };
        self.zones[index]
    }
}

/// Nodes and edges to stand out, with the rest dimmed or not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlight {
    /// Ids of the highlighted nodes and zones.
    pub nodes: HashSet<String>,
    /// Ids of the highlighted edges.
    pub edges: HashSet<String>,
    /// Dim everything that is not highlighted.
    pub dim_rest: bool,
}

/// A drag in progress.
#[derive(Clone, Debug)]
enum Drag {
    Pan,
    Move {
        /// The dragged nodes and zones, none inside another of them.
        ids: Vec<String>,
        /// Everything that moves, contents of zones included, with its first position.
        original: Vec<(String, Point)>,
        /// The first position of the node under the pointer, which snaps to the grid.
        anchor: Point,
        start_world: Pos2,
        applied: Vec2,
    },
    Resize {
        original: Box<trustmap_model::document::Node>,
        start_world: Pos2,
    },
    Connect {
        from: String,
    },
    RubberBand {
        start_world: Pos2,
        additive: bool,
    },
}

/// A label being edited in place.
#[derive(Clone, Debug)]
struct Rename {
    id: String,
    text: String,
    focused: bool,
}

/// The canvas's camera, options and gesture in progress.
#[derive(Clone, Debug)]
pub struct CanvasState {
    /// The camera: world coordinates to screen points.
    pub screen_from_world: TSTransform,
    /// Moves and new nodes snap to the grid.
    pub snap_to_grid: bool,
    /// The grid is drawn.
    pub show_grid: bool,
    /// The legend of edge styles is drawn.
    pub show_legend: bool,
    /// The edge kinds and zone sorts shown.
    pub layers: Layers,
    /// The highlight of the selected finding or blast radius.
    pub highlight: Option<Highlight>,
    /// The canvas's rectangle on screen in the last frame.
    pub screen_rect: Rect,
    drag: Option<Drag>,
    rename: Option<Rename>,
    fit_requested: bool,
    /// The canvas's rectangle and the camera right after the last fit.
    fitted: Option<(Rect, TSTransform)>,
    bring_into_view: Option<Rect>,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            screen_from_world: TSTransform::IDENTITY,
            snap_to_grid: true,
            show_grid: true,
            show_legend: true,
            layers: Layers::default(),
            highlight: None,
            screen_rect: Rect::NOTHING,
            drag: None,
            rename: None,
            fit_requested: true,
            fitted: None,
            bring_into_view: None,
        }
    }
}

impl CanvasState {
    /// Fits the whole diagram on screen at the next frame.
    pub fn request_fit(&mut self) {
        self.fit_requested = true;
    }

    /// Moves the camera at the next frame so that a world rectangle is on screen, zooming
    /// out only when it does not fit.
    pub fn request_bring_into_view(&mut self, world_rect: Rect) {
        self.bring_into_view = Some(world_rect);
    }

    /// Forgets the gesture, highlight and camera of the previous document.
    pub fn reset_for_new_document(&mut self) {
        self.drag = None;
        self.rename = None;
        self.highlight = None;
        self.fit_requested = true;
    }

    /// Abandons a rename or a connection being drawn.
    pub fn cancel(&mut self) {
        self.rename = None;
        if matches!(
            self.drag,
            Some(Drag::Connect { .. } | Drag::RubberBand { .. })
        ) {
            self.drag = None;
        }
    }

    /// Returns whether a label is being edited in place.
    pub fn is_renaming(&self) -> bool {
        self.rename.is_some()
    }

    /// Returns a world point snapped to the grid when snapping is on.
    pub fn snap(&self, point: Point) -> Point {
        if self.snap_to_grid {
            Point::new(
                (point.x / GRID).round() * GRID,
                (point.y / GRID).round() * GRID,
            )
        } else {
            point
        }
    }

    /// Returns the world point at the centre of the canvas.
    pub fn view_center_world(&self) -> Point {
        let center = if self.screen_rect.is_positive() {
            self.screen_rect.center()
        } else {
            Pos2::ZERO
        };
        from_pos(self.screen_from_world.inverse() * center)
    }

    /// Returns the zoom: screen points per world unit.
    pub fn zoom(&self) -> f32 {
        self.screen_from_world.scaling
    }

    /// Draws the View menu: fit, grid, snap, legend and layers.
    pub fn view_menu(&mut self, ui: &mut Ui) {
        if ui.button("Zoom to fit (F)").clicked() {
            self.request_fit();
        }
        ui.checkbox(&mut self.show_grid, "Show grid");
        ui.checkbox(&mut self.snap_to_grid, "Snap to grid");
        ui.checkbox(&mut self.show_legend, "Show legend");
        ui.separator();
        ui.label("Edges");
        ui.checkbox(&mut self.layers.flows, "Flows");
        ui.checkbox(&mut self.layers.trust, "Trust (can assume, member of)");
        ui.checkbox(&mut self.layers.grants, "Grants");
        ui.checkbox(&mut self.layers.runs_as, "Runs as");
        ui.checkbox(&mut self.layers.unlocks, "Unlocks");
        ui.checkbox(&mut self.layers.encrypted_by, "Encrypted by");
        ui.separator();
        ui.label("Zones");
        for (shown, name) in self.layers.zones.iter_mut().zip(Layers::ZONE_SORTS) {
            ui.checkbox(shown, capitalized(name));
        }
    }

    fn fit(&mut self, world: Rect, screen: Rect) {
        if !screen.is_positive() {
            return;
        }
        // A margin on screen, not in the world, so a large model fitted at a small zoom
        // does not touch the canvas's edges.
        let screen = screen.shrink(
            FIT_MARGIN
                .min(screen.width() / 4.0)
                .min(screen.height() / 4.0),
        );
        let scale = if world.is_positive() {
            (screen.width() / world.width()).min(screen.height() / world.height())
        } else {
            1.0
        }
        .clamp(*ZOOM_RANGE.start(), 1.5);
        let center = if world.is_finite() {
            world.center()
        } else {
            Pos2::ZERO
        };
        self.screen_from_world =
            TSTransform::new(screen.center().to_vec2() - center.to_vec2() * scale, scale);
    }

    fn show_in_view(&mut self, world: Rect, screen: Rect) {
        let visible = self.screen_from_world.inverse() * screen;
        if visible.contains_rect(world.expand(20.0)) {
            return;
        }
        let scale = self.zoom();
        let fits = world.width() * scale < screen.width() - 40.0
            && world.height() * scale < screen.height() - 40.0;
        if fits {
            self.screen_from_world.translation =
                screen.center().to_vec2() - world.center().to_vec2() * scale;
        } else {
            self.fit(world, screen);
        }
    }

    fn zoom_at(&mut self, screen_point: Pos2, factor: f32) {
        let current = self.zoom();
        let target = (current * factor).clamp(*ZOOM_RANGE.start(), *ZOOM_RANGE.end());
        let factor = target / current;
        let pivot = screen_point.to_vec2();
        self.screen_from_world = TSTransform::from_translation(pivot)
            * TSTransform::from_scaling(factor)
            * TSTransform::from_translation(-pivot)
            * self.screen_from_world;
    }
}

/// The item under the pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hit {
    Handle(usize),
    Resize(usize),
    Node(usize),
    Zone(usize),
    Edge(usize),
    Empty,
}

/// Draws the canvas and handles its input.
pub fn show(app: &mut TrustmapApp, ui: &mut Ui) {
    let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
    response.widget_info(|| WidgetInfo::labeled(Role::Canvas, true, "Diagram canvas"));
    let screen_rect = response.rect;
    app.canvas.screen_rect = screen_rect;

    let diagram = app.diagram();
    // A fitted view stays fitted while the canvas changes size (as it does while a new
    // window settles, or when the window is resized), until the camera is moved.
    if let Some((fitted_rect, fitted_camera)) = app.canvas.fitted
        && fitted_rect != screen_rect
        && fitted_camera == app.canvas.screen_from_world
    {
        app.canvas.fit_requested = true;
    }
    if app.canvas.fit_requested {
        app.canvas.fit_requested = false;
        // Keep the fitted diagram clear of the legend in the bottom-left corner.
        let mut fit_area = screen_rect;
        if app.canvas.show_legend {
            fit_area.max.y =
                (fit_area.max.y - paint::legend_size().y - 10.0).max(fit_area.min.y + 100.0);
        }
        app.canvas.fit(to_rect(diagram.bounds), fit_area);
        app.canvas.fitted = Some((screen_rect, app.canvas.screen_from_world));
    }
    if let Some(world) = app.canvas.bring_into_view.take() {
        app.canvas.show_in_view(world, screen_rect);
    }

    handle_zoom(app, ui, &response);
    handle_pointer(app, ui, &response, &diagram);
    handle_palette_drop(app, &response);

    let diagram = app.diagram();
    let review = Arc::clone(app.review.current());
    let icons_ctx = ui.ctx().clone();
    app.icons(&icons_ctx);
    let hovered = response
        .hover_pos()
        .map(|pointer| hit_test(app, &diagram, pointer));

    let painter = painter.with_clip_rect(screen_rect);
    let scene = paint::Scene {
        doc: &app.doc,
        diagram: &diagram,
        canvas: &app.canvas,
        selection: &app.selection,
        badges: &review.badges,
        icons: app.icons_if_loaded(),
        hovered,
        pixels_per_point: ui.ctx().pixels_per_point(),
    };
    scene.paint(&painter, screen_rect);
    paint_gesture(app, ui, &painter, &response);
    register_accessible_nodes(app, ui, &diagram, screen_rect);
    show_rename(app, ui, &diagram);
}

fn handle_zoom(app: &mut TrustmapApp, ui: &Ui, response: &egui::Response) {
    let Some(pointer) = response.hover_pos() else {
        return;
    };
    let (scroll, zoom) = ui.input(|input| (input.smooth_scroll_delta, input.zoom_delta()));
    // The wheel zooms, as in most diagram editors; pinch and Ctrl with the wheel do too.
    let factor = zoom * (scroll.y / 400.0).exp();
    if (factor - 1.0).abs() > 1e-4 {
        app.canvas.zoom_at(pointer, factor);
    }
    if scroll.x != 0.0 {
        app.canvas.screen_from_world.translation.x += scroll.x;
    }
}

fn handle_pointer(app: &mut TrustmapApp, ui: &Ui, response: &egui::Response, diagram: &Diagram) {
    let shift = ui.input(|input| input.modifiers.shift);
    let world_from_screen = app.canvas.screen_from_world.inverse();

    if response.drag_started() {
        let origin = ui
            .input(|input| input.pointer.press_origin())
            .or(response.interact_pointer_pos())
            .unwrap_or(response.rect.center());
        let middle = response.dragged_by(PointerButton::Middle);
        let hit = if middle {
            Hit::Empty
        } else {
            hit_test(app, diagram, origin)
        };
        app.canvas.drag = start_drag(app, diagram, hit, world_from_screen * origin, shift, middle);
    }

    if response.dragged() {
        let pointer = response.interact_pointer_pos();
        match app.canvas.drag.clone() {
            Some(Drag::Pan) => app.canvas.screen_from_world.translation += response.drag_delta(),
            Some(Drag::Move { .. }) => {
                if let Some(pointer) = pointer {
                    continue_move(app, world_from_screen * pointer);
                }
            }
            Some(Drag::Resize {
                original,
                start_world,
            }) => {
                if let Some(pointer) = pointer {
                    let delta = world_from_screen * pointer - start_world;
                    let resized = resized_zone(&app.canvas, &original, delta);
                    app.apply_preview(Edit::ReplaceNode {
                        id: original.id.clone(),
                        node: resized,
                    });
                }
            }
            Some(Drag::Connect { .. } | Drag::RubberBand { .. }) | None => {}
        }
    }

    if response.drag_stopped() {
        let pointer = response
            .interact_pointer_pos()
            .or(ui.input(|input| input.pointer.latest_pos()));
        if let Some(drag) = app.canvas.drag.take() {
            finish_drag(app, diagram, drag, pointer);
        }
    }

    let pointer = response.interact_pointer_pos();
    if response.double_clicked() {
        if let Some(pointer) = pointer
            && let Hit::Node(ix) | Hit::Zone(ix) = hit_test(app, diagram, pointer)
        {
            let node = &app.doc.nodes[ix];
            // The inspector follows what is being renamed.
            app.selection.only_node(&node.id);
            app.canvas.rename = Some(Rename {
                id: node.id.clone(),
                text: node.label.clone(),
                focused: false,
            });
        }
    } else if response.clicked()
        && let Some(pointer) = pointer
    {
        click(app, hit_test(app, diagram, pointer), shift);
    }
}

fn click(app: &mut TrustmapApp, hit: Hit, shift: bool) {
    let (id, is_edge) = match hit {
        Hit::Node(ix) | Hit::Zone(ix) | Hit::Handle(ix) | Hit::Resize(ix) => {
            (app.doc.nodes[ix].id.clone(), false)
        }
        Hit::Edge(ix) => (app.doc.edges[ix].id.clone(), true),
        Hit::Empty => {
            if !shift {
                app.selection.clear();
            }
            return;
        }
    };
    let set = if is_edge {
        &mut app.selection.edges
    } else {
        &mut app.selection.nodes
    };
    if shift {
        if !set.remove(&id) {
            set.insert(id);
        }
    } else if is_edge {
        app.selection.only_edge(&id);
    } else {
        app.selection.only_node(&id);
    }
}

fn start_drag(
    app: &mut TrustmapApp,
    diagram: &Diagram,
    hit: Hit,
    start_world: Pos2,
    shift: bool,
    middle: bool,
) -> Option<Drag> {
    if middle {
        return Some(Drag::Pan);
    }
    match hit {
        Hit::Handle(ix) => Some(Drag::Connect {
            from: app.doc.nodes[ix].id.clone(),
        }),
        Hit::Resize(ix) => Some(Drag::Resize {
            original: Box::new(app.doc.nodes[ix].clone()),
            start_world,
        }),
        Hit::Node(ix) | Hit::Zone(ix) => {
            let id = app.doc.nodes[ix].id.clone();
            if !app.selection.nodes.contains(&id) {
                if shift {
                    app.selection.nodes.insert(id);
                } else {
                    app.selection.only_node(&id);
                }
            }
            Some(start_move(app, diagram, ix, start_world))
        }
        Hit::Edge(_) => None,
        Hit::Empty if shift => Some(Drag::RubberBand {
            start_world,
            additive: true,
        }),
        Hit::Empty => Some(Drag::Pan),
    }
}

fn start_move(app: &TrustmapApp, _diagram: &Diagram, anchor_ix: usize, start_world: Pos2) -> Drag {
    let graph = Graph::new(&app.doc);
    let selected: BTreeSet<usize> = app
        .selection
        .nodes
        .iter()
        .filter_map(|id| graph.ix(id))
        .collect();
    // A node inside a selected zone moves with the zone, so only the outermost selected
    // items are moved by name.
    let tops: Vec<usize> = selected
        .iter()
        .copied()
        .filter(|&ix| {
            !graph
                .zones_of(ix)
                .iter()
                .any(|zone| selected.contains(zone))
        })
        .collect();
    let mut moving: BTreeSet<usize> = BTreeSet::new();
    for &ix in &tops {
        moving.insert(ix);
        moving.extend(graph.descendants(ix));
    }
    Drag::Move {
        ids: tops.iter().map(|&ix| graph.id(ix).to_owned()).collect(),
        original: moving
            .iter()
            .map(|&ix| (graph.id(ix).to_owned(), graph.node(ix).position))
            .collect(),
        anchor: graph.node(anchor_ix).position,
        start_world,
        applied: Vec2::ZERO,
    }
}

fn continue_move(app: &mut TrustmapApp, pointer_world: Pos2) {
    let Some(Drag::Move {
        ids,
        anchor,
        start_world,
        applied,
        ..
    }) = &app.canvas.drag
    else {
        return;
    };
    let pointer_offset = pointer_world - *start_world;
    let target = app.canvas.snap(Point::new(
        anchor.x + pointer_offset.x,
        anchor.y + pointer_offset.y,
    ));
    let delta = Vec2::new(target.x - anchor.x, target.y - anchor.y);
    let step = delta - *applied;
    if step == Vec2::ZERO {
        return;
    }
    let edit = Edit::MoveNodes {
        ids: ids.clone(),
        delta: Point::new(step.x, step.y),
    };
    if app.apply_preview(edit)
        && let Some(Drag::Move { applied, .. }) = &mut app.canvas.drag
    {
        *applied = delta;
    }
}

fn resized_zone(
    canvas: &CanvasState,
    original: &trustmap_model::document::Node,
    delta: Vec2,
) -> trustmap_model::document::Node {
    let corner = canvas.snap(Point::new(
        original.position.x + original.size.width + delta.x,
        original.position.y + original.size.height + delta.y,
    ));
    let mut resized = original.clone();
    resized.size = Size::new(
        (corner.x - original.position.x).max(MIN_ZONE_SIZE.width),
        (corner.y - original.position.y).max(MIN_ZONE_SIZE.height),
    );
    resized
}

fn finish_drag(app: &mut TrustmapApp, diagram: &Diagram, drag: Drag, pointer: Option<Pos2>) {
    let world_from_screen = app.canvas.screen_from_world.inverse();
    match drag {
        Drag::Pan => {}
        Drag::Move {
            ids,
            original,
            applied,
            ..
        } => finish_move(app, ids, original, applied),
        Drag::Resize { original, .. } => {
            let resized = app.doc.node(&original.id).cloned();
            app.apply_preview(Edit::ReplaceNode {
                id: original.id.clone(),
                node: (*original).clone(),
            });
            if let Some(resized) = resized.filter(|resized| resized.size != original.size) {
                app.apply(Edit::ReplaceNode {
                    id: original.id.clone(),
                    node: resized,
                });
            }
        }
        Drag::Connect { from } => {
            let Some(pointer) = pointer else {
                return;
            };
            if let Hit::Node(ix) | Hit::Handle(ix) = hit_test(app, diagram, pointer) {
                let to = app.doc.nodes[ix].id.clone();
                if to != from {
                    app.add_flow(&from, &to);
                }
            }
        }
        Drag::RubberBand {
            start_world,
            additive,
        } => {
            let Some(pointer) = pointer else {
                return;
            };
            let band = Rect::from_two_pos(start_world, world_from_screen * pointer);
            if !additive {
                app.selection.clear();
            }
            for shape in &diagram.nodes {
                if band.intersects(to_rect(shape.rect)) {
                    app.selection
                        .nodes
                        .insert(app.doc.nodes[shape.node].id.clone());
                }
            }
            for shape in &diagram.zones {
                if band.contains_rect(to_rect(shape.rect)) {
                    app.selection
                        .nodes
                        .insert(app.doc.nodes[shape.node].id.clone());
                }
            }
        }
    }
}

/// Ends a move: works out which zone each moved item now lies in, puts the document back
/// as it was before the drag, and applies the move and the new parents as one edit.
fn finish_move(
    app: &mut TrustmapApp,
    ids: Vec<String>,
    original: Vec<(String, Point)>,
    applied: Vec2,
) {
    let moving: BTreeSet<String> = original.iter().map(|(id, _)| id.clone()).collect();
    let mut reparent = Vec::new();
    for id in &ids {
        let Some(node) = app.doc.node(id) else {
            continue;
        };
        let rect = geometry::Rect::from_min_size(node.position, node.size.width, node.size.height);
        let current = node.parent.clone();
        // A node goes into the zone under its centre; a zone only into one that encloses it
        // whole, so dragging a large zone across a small one does not nest it there.
        let parent = if node.is_zone() {
            app.innermost_zone_around(rect, &moving)
        } else {
            app.innermost_zone_at(rect.center(), &moving)
        };
        if parent != current {
            reparent.push(Edit::SetParent {
                id: id.clone(),
                parent,
            });
        }
    }

    if applied != Vec2::ZERO {
        app.apply_preview(Edit::SetPositions {
            positions: original,
        });
    }
    let mut edits = Vec::new();
    if applied != Vec2::ZERO {
        edits.push(Edit::MoveNodes {
            ids,
            delta: Point::new(applied.x, applied.y),
        });
    }
    edits.extend(reparent);
    if !edits.is_empty() {
        app.apply(Edit::Batch(edits));
    }
}

fn handle_palette_drop(app: &mut TrustmapApp, response: &egui::Response) {
    let Some(item) = response.dnd_release_payload::<PaletteItem>() else {
        return;
    };
    let Some(pointer) = response.ctx.input(|input| input.pointer.latest_pos()) else {
        return;
    };
    let world = app.canvas.screen_from_world.inverse() * pointer;
    app.add_item(*item, from_pos(world));
}

/// Returns what lies under a screen point: a flow handle, a zone's resize corner, a node,
/// an edge, a zone's title bar or border, or nothing.
fn hit_test(app: &TrustmapApp, diagram: &Diagram, pointer: Pos2) -> Hit {
    let canvas = &app.canvas;
    let camera = canvas.screen_from_world;
    let world = camera.inverse() * pointer;
    let tolerance = PICK_DISTANCE / camera.scaling;

    // The overview draws no handles, so none can be picked.
    let handles = if camera.scaling < OVERVIEW_MAX_ZOOM {
        &[][..]
    } else {
        &diagram.nodes[..]
    };
    for shape in handles.iter().rev() {
        let rect = to_rect(shape.rect);
        if !rect
            .expand(HANDLE_RADIUS / camera.scaling + tolerance)
            .contains(world)
        {
            continue;
        }
        let handle = camera * handle_world(rect);
        if handle.distance(pointer) <= HANDLE_RADIUS + 2.0 {
            return Hit::Handle(shape.node);
        }
    }

    for shape in diagram.zones.iter().rev() {
        let node = &app.doc.nodes[shape.node];
        if !canvas.layers.shows_node(&node.kind) || !app.selection.nodes.contains(&node.id) {
            continue;
        }
        let corner = camera * to_pos(shape.rect.max);
        if corner.distance(pointer) <= PICK_DISTANCE + 2.0 {
            return Hit::Resize(shape.node);
        }
    }

    if let Some(shape) = diagram
        .nodes
        .iter()
        .rev()
        .find(|shape| to_rect(shape.rect).contains(world))
    {
        return Hit::Node(shape.node);
    }

    for shape in &diagram.edges {
        if !canvas.layers.shows_edge(&app.doc.edges[shape.edge].kind) {
            continue;
        }
        let near = shape
            .route
            .windows(2)
            .any(|pair| distance_to_segment(world, to_pos(pair[0]), to_pos(pair[1])) <= tolerance);
        if near {
            return Hit::Edge(shape.edge);
        }
    }

    for shape in diagram.zones.iter().rev() {
        if !canvas.layers.shows_node(&app.doc.nodes[shape.node].kind) {
            continue;
        }
        let rect = to_rect(shape.rect);
        let title = Rect::from_min_max(
            rect.min,
            Pos2::new(
                rect.max.x,
                rect.min.y + ZONE_TITLE_HEIGHT.min(rect.height()),
            ),
        );
        let on_border =
            rect.expand(tolerance).contains(world) && !rect.shrink(tolerance).contains(world);
        if title.contains(world) || on_border {
            return Hit::Zone(shape.node);
        }
    }
    Hit::Empty
}

fn handle_world(rect: Rect) -> Pos2 {
    Pos2::new(rect.max.x, rect.center().y)
}

fn distance_to_segment(point: Pos2, a: Pos2, b: Pos2) -> f32 {
    let along = b - a;
    let length_squared = along.length_sq();
    if length_squared == 0.0 {
        return point.distance(a);
    }
    let t = ((point - a).dot(along) / length_squared).clamp(0.0, 1.0);
    point.distance(a + along * t)
}

/// Gives each node and zone on screen a hover-only widget named by its label, so screen
/// readers and tests can find it. Clicks and drags still reach the canvas.
fn register_accessible_nodes(app: &TrustmapApp, ui: &Ui, diagram: &Diagram, screen_rect: Rect) {
    let camera = app.canvas.screen_from_world;
    // Below the zoom at which labels show, nodes are anonymous shapes to the eye, and naming
    // thousands of them each frame would cost more than the frame.
    if camera.scaling < LABEL_MIN_ZOOM {
        return;
    }
    let shapes = diagram
        .zones
        .iter()
        .map(|zone| (zone.node, zone.rect))
        .chain(diagram.nodes.iter().map(|node| (node.node, node.rect)));
    for (ix, rect) in shapes {
        let node = &app.doc.nodes[ix];
        let screen = camera * to_rect(rect);
        if !screen.intersects(screen_rect) || !app.canvas.layers.shows_node(&node.kind) {
            continue;
        }
        let response = ui.interact(
            screen.intersect(screen_rect),
            ui.scope_id().with(("node", &node.id)),
            Sense::hover(),
        );
        let selected = app.selection.nodes.contains(&node.id)
            || app
                .canvas
                .highlight
                .as_ref()
                .is_some_and(|highlight| highlight.nodes.contains(&node.id));
        let label = node.label.clone();
        response.widget_info(|| WidgetInfo::selected(Role::Button, true, selected, &label));
    }
}

fn show_rename(app: &mut TrustmapApp, ui: &mut Ui, diagram: &Diagram) {
    let Some(rename) = &mut app.canvas.rename else {
        return;
    };
    let Some(ix) = app.doc.nodes.iter().position(|node| node.id == rename.id) else {
        app.canvas.rename = None;
        return;
    };
    let Some(rect) = diagram
        .nodes
        .iter()
        .map(|shape| (shape.node, shape.rect))
        .chain(diagram.zones.iter().map(|shape| (shape.node, shape.rect)))
        .find(|(node, _)| *node == ix)
        .map(|(_, rect)| app.canvas.screen_from_world * to_rect(rect))
    else {
        app.canvas.rename = None;
        return;
    };

    let field_rect = Rect::from_min_size(
        rect.min + Vec2::new(4.0, 4.0),
        Vec2::new(rect.width().max(160.0) - 8.0, 24.0),
    );
    let response = ui.put(
        field_rect,
        egui::TextEdit::singleline(&mut rename.text).hint_text("Label"),
    );
    if !rename.focused {
        response.request_focus();
        rename.focused = true;
        return;
    }
    if !response.lost_focus() {
        return;
    }

    let cancelled = ui.input(|input| input.key_pressed(egui::Key::Escape));
    let Some(rename) = app.canvas.rename.take() else {
        return;
    };
    let label = rename.text.trim().to_owned();
    if cancelled || label.is_empty() || label == app.doc.nodes[ix].label {
        return;
    }
    let mut node = app.doc.nodes[ix].clone();
    node.label = label;
    app.apply(Edit::ReplaceNode {
        id: rename.id,
        node,
    });
}

fn paint_gesture(app: &TrustmapApp, ui: &Ui, painter: &egui::Painter, response: &egui::Response) {
    let camera = app.canvas.screen_from_world;
    let pointer = ui.input(|input| input.pointer.latest_pos());
    let accent = ui.visuals().selection.stroke.color;
    match (&app.canvas.drag, pointer) {
        (Some(Drag::RubberBand { start_world, .. }), Some(pointer)) => {
            let band = Rect::from_two_pos(camera * *start_world, pointer);
            painter.rect(
                band,
                CornerRadius::ZERO,
                accent.gamma_multiply(0.1),
                Stroke::new(1.0, accent),
                StrokeKind::Inside,
            );
        }
        (Some(Drag::Connect { from }), Some(pointer)) => {
            if let Some(node) = app.doc.node(from) {
                let rect = camera
                    * Rect::from_min_size(
                        to_pos(node.position),
                        Vec2::new(node.size.width, node.size.height),
                    );
                let start = Pos2::new(rect.max.x, rect.center().y);
                painter.arrow(start, pointer - start, Stroke::new(2.0, accent));
            }
        }
        _ => {}
    }

    let over_canvas = pointer.filter(|pointer| response.rect.contains(*pointer));
    if let (Some(item), Some(pointer)) = (
        egui::DragAndDrop::payload::<PaletteItem>(ui.ctx()),
        over_canvas,
    ) {
        let kind = item.kind();
        let size = trustmap_model::document::Node::new("", "", kind).size;
        let ghost =
            Rect::from_center_size(pointer, Vec2::new(size.width, size.height) * camera.scaling);
        painter.rect(
            ghost,
            CornerRadius::same(6),
            accent.gamma_multiply(0.15),
            Stroke::new(1.5, accent),
            StrokeKind::Inside,
        );
        painter.text(
            ghost.center(),
            Align2::CENTER_CENTER,
            item.title(),
            FontId::proportional(14.0),
            accent,
        );
    }
}

fn capitalized(name: &str) -> String {
    let mut characters = name.chars();
    characters
        .next()
        .map(|first| first.to_uppercase().chain(characters).collect())
        .unwrap_or_default()
}

/// Converts a world point of the model to an egui position in world coordinates.
pub fn to_pos(point: Point) -> Pos2 {
    Pos2::new(point.x, point.y)
}

/// Converts an egui position in world coordinates to a world point of the model.
pub fn from_pos(pos: Pos2) -> Point {
    Point::new(pos.x, pos.y)
}

/// Converts a world rectangle of the model to an egui rectangle in world coordinates.
pub fn to_rect(rect: geometry::Rect) -> Rect {
    Rect::from_min_max(to_pos(rect.min), to_pos(rect.max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midpoint_halves_the_route_length() {
        // Segments of length 10 and 30: halfway (20 along) lies 10 into the second one.
        let route = [
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(10.0, 30.0),
        ];
        assert_eq!(paint::midpoint(&route), Some(Pos2::new(10.0, 10.0)));
        assert_eq!(paint::midpoint(&[]), None);
    }

    #[test]
    fn hidden_layers_hide_their_kinds_only() {
        let layers = Layers {
            grants: false,
            ..Layers::default()
        };
        assert!(!layers.shows_edge(&EdgeKind::Grants(Default::default())));
        assert!(layers.shows_edge(&EdgeKind::RunsAs));
    }

    #[test]
    fn overview_has_no_handles_to_pick() {
        use trustmap_model::document::{Node, NodeKind, Service};

        let mut app = TrustmapApp::new(
            Box::new(crate::gui::tests_policies::NoDialogs),
            crate::gui::files::RecentFiles::in_memory(),
        );
        app.doc.nodes.push(Node::new(
            "api",
            "API",
            NodeKind::Service(Service::default()),
        ));
        let diagram = app.diagram();
        let world = to_rect(diagram.nodes[0].rect);

        for (zoom, expected) in [(1.0, Hit::Handle(0)), (0.1, Hit::Node(0))] {
            app.canvas.screen_from_world = TSTransform::from_scaling(zoom);
            let handle = app.canvas.screen_from_world * handle_world(world);
            assert_eq!(hit_test(&app, &diagram, handle), expected, "at zoom {zoom}");
        }
    }

    #[test]
    fn fit_shows_the_largest_model() {
        let mut canvas = CanvasState::default();
        let world = Rect::from_min_size(Pos2::ZERO, Vec2::new(90_000.0, 130_000.0));
        let screen = Rect::from_min_size(Pos2::new(130.0, 20.0), Vec2::new(860.0, 300.0));

        canvas.fit(world, screen);

        let on_screen = canvas.screen_from_world * world;
        assert!(
            screen.expand(0.01).contains_rect(on_screen),
            "{on_screen:?} in {screen:?}"
        );
        assert!(on_screen.height() > 250.0, "{on_screen:?}");
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut canvas = CanvasState {
            screen_from_world: TSTransform::new(Vec2::new(50.0, 20.0), 1.0),
            ..CanvasState::default()
        };
        let cursor = Pos2::new(300.0, 200.0);
        let world_before = canvas.screen_from_world.inverse() * cursor;

        canvas.zoom_at(cursor, 2.0);

        let world_after = canvas.screen_from_world.inverse() * cursor;
        assert!((world_after - world_before).length() < 1e-3);
        assert_eq!(canvas.zoom(), 2.0);
    }

    #[test]
    fn snap_rounds_to_the_grid() {
        let canvas = CanvasState::default();
        assert_eq!(
            canvas.snap(Point::new(29.0, -11.0)),
            Point::new(20.0, -20.0)
        );
    }
}
