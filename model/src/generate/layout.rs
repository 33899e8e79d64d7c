//! The layout of a generated model: each node on a grid inside its zone, each zone sized
//! around its contents, and zones side by side on shelves.

use crate::document::{Node, Point, Size};
use crate::graph::NodeIx;

/// Each node has a cell of this size on its zone's grid.
const CELL: Size = Size::new(200.0, 100.0);
/// Space inside a zone's border, and between zones.
const ZONE_PADDING: f32 = 40.0;
/// Room for a zone's label above its contents.
const ZONE_HEADER: f32 = 48.0;

/// Places every node on a grid inside its zone and sizes every zone around its contents.
/// Each parent must come before its members in `nodes`, as the builder creates them.
pub(super) fn lay_out(nodes: &mut [Node], parents: &[Option<NodeIx>]) {
    let mut members = vec![Vec::new(); nodes.len()];
    let mut top_level = Vec::new();
    for (ix, parent) in parents.iter().enumerate() {
        match *parent {
            Some(parent) => {
                debug_assert!(parent < ix, "a zone must come before its members");
                members[parent].push(ix);
            }
            None => top_level.push(ix),
        }
    }

    // Offsets from the parent's corner. Measuring in reverse order sizes each zone after
    // every zone inside it.
    let mut offsets = vec![Point::default(); nodes.len()];
    for ix in (0..nodes.len()).rev() {
        if nodes[ix].is_zone() {
            let start = Point::new(ZONE_PADDING, ZONE_HEADER);
            let extent = arrange(&members[ix], nodes, &mut offsets, start);
            nodes[ix].size = Size::new(extent.width + ZONE_PADDING, extent.height + ZONE_PADDING);
        }
    }
    arrange(&top_level, nodes, &mut offsets, Point::default());

    // Forward order visits each parent before its members, so its position is final.
    for ix in 0..nodes.len() {
        let origin = parents[ix].map_or(Point::default(), |parent| nodes[parent].position);
        nodes[ix].position = Point::new(origin.x + offsets[ix].x, origin.y + offsets[ix].y);
    }
}

/// Arranges the members of one container from `start`: nodes on a square grid of cells,
/// then zones on shelves below them, wrapping to keep the container roughly square. Returns
/// the extent used, measured from the container's corner.
fn arrange(items: &[NodeIx], nodes: &[Node], offsets: &mut [Point], start: Point) -> Size {
    let (leaves, zones): (Vec<NodeIx>, Vec<NodeIx>) =
        items.iter().partition(|&&ix| !nodes[ix].is_zone());
    let mut width: f32 = 0.0;
    let mut y = start.y;

    if !leaves.is_empty() {
        let columns = ((leaves.len() as f64).sqrt().ceil() as usize).max(1);
        for (i, &ix) in leaves.iter().enumerate() {
            let column = (i % columns) as f32;
            let row = (i / columns) as f32;
            offsets[ix] = Point::new(start.x + column * CELL.width, y + row * CELL.height);
        }
        width = columns as f32 * CELL.width;
        y += leaves.len().div_ceil(columns) as f32 * CELL.height;
    }

    if !zones.is_empty() {
        let area: f32 = zones
            .iter()
            .map(|&ix| {
                (nodes[ix].size.width + ZONE_PADDING) * (nodes[ix].size.height + ZONE_PADDING)
            })
            .sum();
        let widest = zones
            .iter()
            .map(|&ix| nodes[ix].size.width)
            .fold(0.0, f32::max);
        let limit = width.max(widest).max(area.sqrt());
        let (mut x, mut shelf_height) = (0.0, 0.0_f32);
        for &ix in &zones {
            let size = nodes[ix].size;
            if x > 0.0 && x + size.width > limit {
                y += shelf_height + ZONE_PADDING;
                x = 0.0;
                shelf_height = 0.0;
            }
            offsets[ix] = Point::new(start.x + x, y);
            width = width.max(x + size.width);
            x += size.width + ZONE_PADDING;
            shelf_height = shelf_height.max(size.height);
        }
        y += shelf_height;
    }

    Size::new(start.x + width, y)
}
