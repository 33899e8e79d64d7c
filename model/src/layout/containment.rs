//! The containment tree of a document's nodes: which zone holds which node, with parent
//! links that name no zone dropped and zone cycles broken.

use std::collections::HashMap;

use crate::document::Document;

/// The containment tree of a document's nodes, cycles broken.
pub(super) struct Containment {
    /// Parent zone of each node, after cycles are broken.
    pub parent: Vec<Option<usize>>,
    /// Children of each node, in document order; empty for plain nodes.
    pub children: Vec<Vec<usize>>,
    /// Nodes with no (valid) parent, in document order.
    pub roots: Vec<usize>,
    /// Every zone that is reached from a root, children before parents.
    pub post_order: Vec<usize>,
    /// Number of zones above each node.
    depth: Vec<usize>,
}

impl Containment {
    /// Builds the tree. A parent that names no zone counts as no parent, and a zone cycle is
    /// cut where following parents would come back to a zone.
    pub fn new(doc: &Document) -> Self {
        let count = doc.nodes.len();
        let index: HashMap<&str, usize> = doc
            .nodes
            .iter()
            .enumerate()
            .rev()
            .map(|(ix, node)| (node.id.as_str(), ix))
            .collect();
        let mut parent: Vec<Option<usize>> = doc
            .nodes
            .iter()
            .map(|node| {
                let parent = *index.get(node.parent.as_deref()?)?;
                doc.nodes[parent].is_zone().then_some(parent)
            })
            .collect();
        break_cycles(&mut parent);

        let mut children = vec![Vec::new(); count];
        let mut roots = Vec::new();
        for (ix, parent) in parent.iter().enumerate() {
            match parent {
                Some(parent) => children[*parent].push(ix),
                None => roots.push(ix),
            }
        }

        let mut post_order = Vec::new();
        let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&ix| (ix, false)).collect();
        while let Some((ix, expanded)) = stack.pop() {
            if !doc.nodes[ix].is_zone() {
                continue;
            }
            if expanded {
                post_order.push(ix);
            } else {
                stack.push((ix, true));
                stack.extend(children[ix].iter().rev().map(|&child| (child, false)));
            }
        }
        let depth = depths(&roots, &children);
        Self {
            parent,
            children,
            roots,
            post_order,
            depth,
        }
    }

    /// Returns the two siblings under one container that hold `from` and `to`, with that
    /// container (`None` for the top level), or `None` when one node contains the other.
    pub fn sibling_pair(&self, from: usize, to: usize) -> Option<(Option<usize>, usize, usize)> {
        let (mut a, mut b) = (from, to);
        let (mut depth_a, mut depth_b) = (self.depth[a], self.depth[b]);
        while depth_a > depth_b {
            a = self.parent[a]?;
            depth_a -= 1;
        }
        while depth_b > depth_a {
            b = self.parent[b]?;
            depth_b -= 1;
        }
        if a == b {
            return None;
        }
        while self.parent[a] != self.parent[b] {
            a = self.parent[a]?;
            b = self.parent[b]?;
        }
        Some((self.parent[a], a, b))
    }
}

/// Returns the number of zones above each node, walking down from the roots.
fn depths(roots: &[usize], children: &[Vec<usize>]) -> Vec<usize> {
    let mut depth = vec![0; children.len()];
    let mut stack: Vec<usize> = roots.to_vec();
    while let Some(ix) = stack.pop() {
        for &child in &children[ix] {
            depth[child] = depth[ix] + 1;
            stack.push(child);
        }
    }
    depth
}

/// Cuts the parent link where following parents from a node would come back to it.
fn break_cycles(parent: &mut [Option<usize>]) {
    // 0: not seen, 1: on the current chain, 2: done.
    let mut state = vec![0u8; parent.len()];
    for start in 0..parent.len() {
        let mut chain = Vec::new();
        let mut ix = start;
        loop {
            if state[ix] == 2 {
                break;
            }
            if state[ix] == 1 {
                // The chain came back to `ix`: its last link closes the cycle.
                if let Some(&last) = chain.last() {
                    parent[last] = None;
                }
                break;
            }
            state[ix] = 1;
            chain.push(ix);
            match parent[ix] {
                Some(next) => ix = next,
                None => break,
            }
        }
        for ix in chain {
            state[ix] = 2;
        }
    }
}
