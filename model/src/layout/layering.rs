//! The layered placement of one container's members: the Sugiyama steps of cycle breaking,
//! layering, crossing reduction and coordinate assignment, with layers as columns so that
//! flows run left to right.
//!
//! Members are boxes of any size. Edges that skip layers get no dummy nodes, so crossing
//! reduction only uses the ranks of their ends, which is enough for the small graphs one zone
//! holds.

use crate::document::{Point, Size};

/// Horizontal space between two layers, room for the arrows.
const LAYER_GAP: f32 = 80.0;
/// Vertical space between two boxes of one layer, and between the layers and the row of
/// unconnected boxes below them.
const ROW_GAP: f32 = 40.0;
/// Maximum number of crossing-reduction sweeps, downwards and upwards counted apart.
const SWEEPS: usize = 12;
/// Above this many edges the crossings are not counted, and the last sweep's order is kept
/// instead of the best one, so that a huge zone stays quick to lay out.
const MAX_COUNTED_EDGES: usize = 5_000;

/// Places boxes of the given sizes so that edges run left to right where the cycles allow,
/// and returns each box's top-left corner (the top-left of the whole being the origin) and
/// the size that encloses them all.
///
/// Boxes with no edge are set in rows below the layered ones.
pub(super) fn arrange(sizes: &[Size], edges: &[(usize, usize)]) -> (Vec<Point>, Size) {
    let count = sizes.len();
    let edges = acyclic_edges(count, edges);

    let mut connected = vec![false; count];
    for &(from, to) in &edges {
        connected[from] = true;
        connected[to] = true;
    }

    let layer = assign_layers(count, &edges, &connected);
    let mut layers = group_layers(&layer, &connected);
    reduce_crossings(&mut layers, &layer, &edges);

    let mut positions = vec![Point::default(); count];
    let mut extent = place_layers(&layers, sizes, &edges, &mut positions);

    let loose: Vec<usize> = (0..count).filter(|&ix| !connected[ix]).collect();
    let top = if extent.height > 0.0 {
        extent.height + ROW_GAP
    } else {
        0.0
    };
    let row_width = extent.width.max(4.0 * (Size::default().width + ROW_GAP));
    let loose_extent = place_rows(&loose, sizes, top, row_width, &mut positions);
    extent.width = extent.width.max(loose_extent.width);
    extent.height = extent.height.max(loose_extent.height);
    (positions, extent)
}

/// Drops self-loops and duplicates and reverses the edges that close a cycle: those that a
/// depth-first search in index order finds pointing back to a node on its stack.
fn acyclic_edges(count: usize, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut successors = vec![Vec::new(); count];
    for &(from, to) in edges {
        if from != to && !successors[from].contains(&to) {
            successors[from].push(to);
        }
    }

    // 0: not seen, 1: on the stack, 2: done.
    let mut state = vec![0u8; count];
    let mut result = Vec::with_capacity(edges.len());
    for start in 0..count {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let Some(&to) = successors[node].get(*next) else {
                state[node] = 2;
                stack.pop();
                continue;
            };
            *next += 1;
            match state[to] {
                0 => {
                    result.push((node, to));
                    state[to] = 1;
                    stack.push((to, 0));
                }
                1 => result.push((to, node)),
                _ => result.push((node, to)),
            }
        }
    }
    result.sort_unstable();
    result.dedup();
    result
}

/// Gives each connected node the length of the longest path that ends at it, then moves
/// each source right to just before its nearest successor, so that no edge from a source
/// is longer than it must be.
fn assign_layers(count: usize, edges: &[(usize, usize)], connected: &[bool]) -> Vec<usize> {
    let mut successors = vec![Vec::new(); count];
    let mut in_degree = vec![0usize; count];
    for &(from, to) in edges {
        successors[from].push(to);
        in_degree[to] += 1;
    }

    // Kahn's algorithm in index order, so that the layering is deterministic.
    let mut layer = vec![0usize; count];
    let mut remaining = in_degree.clone();
    let mut ready: Vec<usize> = (0..count).rev().filter(|&ix| in_degree[ix] == 0).collect();
    while let Some(node) = ready.pop() {
        for &to in &successors[node] {
            layer[to] = layer[to].max(layer[node] + 1);
            remaining[to] -= 1;
            if remaining[to] == 0 {
                ready.push(to);
            }
        }
    }

    for node in 0..count {
        if connected[node]
            && in_degree[node] == 0
            && let Some(nearest) = successors[node].iter().map(|&to| layer[to]).min()
        {
            layer[node] = nearest.saturating_sub(1);
        }
    }
    layer
}

/// Lists the connected nodes of each layer, in index order.
fn group_layers(layer: &[usize], connected: &[bool]) -> Vec<Vec<usize>> {
    let depth = (0..layer.len())
        .filter(|&ix| connected[ix])
        .map(|ix| layer[ix] + 1)
        .max()
        .unwrap_or(0);
    let mut layers = vec![Vec::new(); depth];
    for (ix, &l) in layer.iter().enumerate() {
        if connected[ix] {
            layers[l].push(ix);
        }
    }
    layers
}

/// Reorders each layer by the barycentre of its neighbours' ranks, sweeping right and then
/// left, and keeps the order with the fewest crossings between neighbouring layers.
fn reduce_crossings(layers: &mut [Vec<usize>], layer: &[usize], edges: &[(usize, usize)]) {
    let count = layer.len();
    let mut predecessors = vec![Vec::new(); count];
    let mut successors = vec![Vec::new(); count];
    for &(from, to) in edges {
        successors[from].push(to);
        predecessors[to].push(from);
    }

    let counted = edges.len() <= MAX_COUNTED_EDGES;
    let mut rank = vec![0.0f32; count];
    update_ranks(layers, &mut rank);
    let mut best = layers.to_vec();
    let mut best_crossings = if counted {
        crossings(layers, layer, edges, &rank)
    } else {
        0
    };

    for sweep in 0..SWEEPS {
        if counted && best_crossings == 0 {
            break;
        }
        let rightwards = sweep % 2 == 0;
        let order: Vec<usize> = if rightwards {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in order {
            let neighbours = if rightwards {
                &predecessors
            } else {
                &successors
            };
            sort_by_barycentre(&mut layers[l], neighbours, &rank);
            for (position, &node) in layers[l].iter().enumerate() {
                rank[node] = position as f32;
            }
        }
        if counted {
            let now = crossings(layers, layer, edges, &rank);
            if now < best_crossings {
                best_crossings = now;
                best = layers.to_vec();
            }
        }
    }
    if counted {
        layers.clone_from_slice(&best);
    }
}

fn update_ranks(layers: &[Vec<usize>], rank: &mut [f32]) {
    for nodes in layers {
        for (position, &node) in nodes.iter().enumerate() {
            rank[node] = position as f32;
        }
    }
}

/// Sorts one layer by the mean rank of each node's neighbours; a node without neighbours
/// keeps its current rank. The sort is stable, so ties keep their order.
fn sort_by_barycentre(nodes: &mut [usize], neighbours: &[Vec<usize>], rank: &[f32]) {
    let key = |node: usize| -> f32 {
        let around = &neighbours[node];
        if around.is_empty() {
            rank[node]
        } else {
            around.iter().map(|&other| rank[other]).sum::<f32>() / around.len() as f32
        }
    };
    let mut keyed: Vec<(f32, usize)> = nodes.iter().map(|&node| (key(node), node)).collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (slot, (_, node)) in nodes.iter_mut().zip(keyed) {
        *slot = node;
    }
}

/// Counts the crossings among edges that join neighbouring layers.
fn crossings(
    layers: &[Vec<usize>],
    layer: &[usize],
    edges: &[(usize, usize)],
    rank: &[f32],
) -> usize {
    let mut rank = rank.to_vec();
    update_ranks(layers, &mut rank);
    let mut by_gap: Vec<Vec<(f32, f32)>> = vec![Vec::new(); layers.len()];
    for &(from, to) in edges {
        if layer[to] == layer[from] + 1 {
            by_gap[layer[from]].push((rank[from], rank[to]));
        }
    }
    let mut total = 0;
    for segments in &by_gap {
        for (i, a) in segments.iter().enumerate() {
            for b in &segments[i + 1..] {
                if (a.0 - b.0) * (a.1 - b.1) < 0.0 {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Sets each layer as a column, left to right. Each box goes as near as its order allows
/// to the mean height of its neighbours in earlier columns. Returns the columns' extent.
fn place_layers(
    layers: &[Vec<usize>],
    sizes: &[Size],
    edges: &[(usize, usize)],
    positions: &mut [Point],
) -> Size {
    let mut predecessors = vec![Vec::new(); sizes.len()];
    for &(from, to) in edges {
        predecessors[to].push(from);
    }

    let mut x = 0.0f32;
    let mut width = 0.0f32;
    for nodes in layers {
        let column_width = nodes
            .iter()
            .map(|&node| sizes[node].width)
            .fold(0.0, f32::max);
        let mut floor = f32::NEG_INFINITY;
        for &node in nodes {
            let size = sizes[node];
            let placed: Vec<f32> = predecessors[node]
                .iter()
                .map(|&other| positions[other].y + sizes[other].height / 2.0)
                .collect();
            let wanted = if placed.is_empty() {
                floor.max(0.0)
            } else {
                placed.iter().sum::<f32>() / placed.len() as f32 - size.height / 2.0
            };
            let y = wanted.max(floor);
            positions[node] = Point::new(x + (column_width - size.width) / 2.0, y);
            floor = y + size.height + ROW_GAP;
        }
        width = x + column_width;
        x += column_width + LAYER_GAP;
    }

    // Shift everything down so that the highest box touches the top.
    let placed = layers.iter().flatten();
    let top = placed
        .clone()
        .map(|&node| positions[node].y)
        .fold(f32::INFINITY, f32::min);
    let mut height = 0.0f32;
    if top.is_finite() {
        for &node in placed {
            positions[node].y -= top;
            height = height.max(positions[node].y + sizes[node].height);
        }
    }
    Size::new(width, height)
}

/// Sets boxes in rows from `top`, starting a new row before one would pass `row_width`, and
/// returns the extent reached.
fn place_rows(
    nodes: &[usize],
    sizes: &[Size],
    top: f32,
    row_width: f32,
    positions: &mut [Point],
) -> Size {
    let mut x = 0.0f32;
    let mut y = top;
    let mut row_height = 0.0f32;
    let mut extent = Size::new(0.0, 0.0);
    for &node in nodes {
        let size = sizes[node];
        if x > 0.0 && x + size.width > row_width {
            x = 0.0;
            y += row_height + ROW_GAP;
            row_height = 0.0;
        }
        positions[node] = Point::new(x, y);
        extent.width = extent.width.max(x + size.width);
        extent.height = extent.height.max(y + size.height);
        x += size.width + ROW_GAP;
        row_height = row_height.max(size.height);
    }
    extent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_edge_is_reversed() {
        // 0 → 1 → 2 → 0: the search from 0 reaches 2, whose edge back to 0 is reversed.
        let edges = acyclic_edges(3, &[(0, 1), (1, 2), (2, 0)]);
        assert_eq!(edges, vec![(0, 1), (0, 2), (1, 2)]);
    }

    #[test]
    fn chain_runs_left_to_right() {
        let sizes = vec![Size::default(); 3];
        let (positions, extent) = arrange(&sizes, &[(2, 1), (1, 0)]);
        assert!(positions[2].x < positions[1].x);
        assert!(positions[1].x < positions[0].x);
        // One row: the chain's boxes share a height, so they line up.
        assert_eq!(positions[0].y, positions[2].y);
        assert_eq!(extent.height, Size::default().height);
    }

    #[test]
    fn source_moves_next_to_its_successor() {
        // 0 → 1 → 2 and 3 → 2: longest path puts 3 in layer 0, the pass moves it to layer 1.
        let layer = assign_layers(4, &[(0, 1), (1, 2), (3, 2)], &[true; 4]);
        assert_eq!(layer, vec![0, 1, 2, 1]);
    }

    #[test]
    fn barycentre_removes_crossing() {
        // Layer 0: a=0, b=1; layer 1: c=2, d=3 with a → d and b → c cross in index order.
        let sizes = vec![Size::default(); 4];
        let (positions, _) = arrange(&sizes, &[(0, 3), (1, 2)]);
        let a_above_b = positions[0].y < positions[1].y;
        let d_above_c = positions[3].y < positions[2].y;
        assert_eq!(a_above_b, d_above_c);
    }

    #[test]
    fn unconnected_boxes_go_below() {
        let sizes = vec![Size::default(); 3];
        let (positions, _) = arrange(&sizes, &[(0, 1)]);
        assert!(positions[2].y >= Size::default().height + ROW_GAP);
    }
}
