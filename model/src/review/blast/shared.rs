//! What every compromised principal without MFA reaches, computed once for the whole graph
//! and shared, for the answers that need counts and access but no evidence paths.
//!
//! Holding a principal gives the same access whoever holds it (its
//! [contribution](Search::contribution)), and a holder without MFA holds every principal that
//! the links it follows lead to. So the principals of one strongly connected component of the
//! link graph hold the same set, and a component holds what its own principals give plus what
//! the components it links to hold. The components are visited successors first, each set
//! the union of its successors' sets, as bit sets over the nodes.
//!
//! A holder with MFA follows more links than the shared sets allow for, so its answer comes
//! from its own [`Search`].

use fixedbitset::FixedBitSet;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::graph::{Graph, NodeIx};

use super::access::{Bits, DECRYPT, LOGIN, READ, WRITE, read_needs_decrypt};
use super::compromisable;
use super::expansion::{NONE, index_u32};
use super::search::{Search, Tally};

/// The nodes a component's holder reaches, and with which access.
struct Reached {
    /// Every node reached, the held principals included.
    any: FixedBitSet,
    /// Nodes written.
    write: FixedBitSet,
    /// Nodes read.
    read: FixedBitSet,
    /// Nodes read through a login.
    login: FixedBitSet,
    /// Keys decrypted.
    decrypt: FixedBitSet,
}

impl Reached {
    fn new(node_count: usize) -> Self {
        Self {
            any: FixedBitSet::with_capacity(node_count),
            write: FixedBitSet::with_capacity(node_count),
            read: FixedBitSet::with_capacity(node_count),
            login: FixedBitSet::with_capacity(node_count),
            decrypt: FixedBitSet::with_capacity(node_count),
        }
    }

    fn add(&mut self, node: NodeIx, bits: Bits) {
        self.any.insert(node);
        for (flag, set) in [
            (WRITE, &mut self.write),
            (READ, &mut self.read),
            (LOGIN, &mut self.login),
            (DECRYPT, &mut self.decrypt),
        ] {
            if bits & flag != 0 {
                set.insert(node);
            }
        }
    }

    fn union_with(&mut self, other: &Self) {
        self.any.union_with(&other.any);
        self.write.union_with(&other.write);
        self.read.union_with(&other.read);
        self.login.union_with(&other.login);
        self.decrypt.union_with(&other.decrypt);
    }
}

/// A crown jewel, with what deciding whether a read exposes its data needs.
struct Jewel {
    node: NodeIx,
    /// Reading it through IAM needs decrypt on one of its keys.
    needs_decrypt: bool,
    /// Its keys.
    keys: Vec<NodeIx>,
}

/// The shared reach of every component of the link graph of a holder without MFA.
pub(super) struct Shared<'g, 'a> {
    search: Search<'g, 'a>,
    /// The component of each principal, or [`NONE`].
    component: Vec<u32>,
    reached: Vec<Reached>,
    jewels: Vec<Jewel>,
}

impl<'g, 'a> Shared<'g, 'a> {
    /// Computes the shared reach of every compromisable principal of a graph.
    pub fn new(graph: &'g Graph<'a>) -> Self {
        let node_count = graph.node_count();
        let mut search = Search::new(graph);
        let principals = compromisable(graph);

        let mut links = DiGraph::<(), ()>::with_capacity(node_count, 0);
        for _ in 0..node_count {
            links.add_node(());
        }
        for &principal in &principals {
            search.links_without_mfa(principal, |target, _| {
                links.add_edge(NodeIndex::new(principal), NodeIndex::new(target), ());
            });
        }

        let mut component = vec![NONE; node_count];
        let mut reached: Vec<Reached> = Vec::new();
        // Successors come first, so every component a link leads to is complete when the
        // components linking to it are built.
        for members in tarjan_scc(&links) {
            let first = members[0].index();
            if members.len() == 1 && !principals.binary_search(&first).is_ok() {
                continue;
            }
            let ix = index_u32(reached.len());
            for member in &members {
                component[member.index()] = ix;
            }
            let mut own = Reached::new(node_count);
            let mut successors = Vec::new();
            for member in &members {
                let principal = member.index();
                own.any.insert(principal);
                search.contribution(principal, |node, bits| own.add(node, bits));
                for target in links.neighbors(*member) {
                    let target_component = component[target.index()];
                    if target_component != ix && target_component != NONE {
                        successors.push(target_component);
                    }
                }
            }
            successors.sort_unstable();
            successors.dedup();
            for successor in successors {
                own.union_with(&reached[successor as usize]);
            }
            reached.push(own);
        }

        let jewels = (0..node_count)
            .filter(|&node| graph.is_crown_jewel(node))
            .map(|node| Jewel {
                node,
                needs_decrypt: read_needs_decrypt(&graph.node(node).kind),
                keys: graph
                    .out_edges(node)
                    .encrypted_by
                    .iter()
                    .filter_map(|&edge| graph.ends(edge).map(|(_, key)| key))
                    .collect(),
            })
            .collect();
        Self {
            search,
            component,
            reached,
            jewels,
        }
    }

    /// Counts what compromising a principal gives, as [`Search::tally`] counts it after a
    /// run from the principal.
    pub fn tally(&mut self, principal: NodeIx) -> Tally {
        if self.search.holder_has_mfa(principal) || self.component[principal] == NONE {
            self.search.run(
                principal,
                super::search::Scope::Everything,
                super::search::Record::Nothing,
            );
            return self.search.tally();
        }
        let reached = &self.reached[self.component[principal] as usize];
        let mut tally = Tally {
            // The principal itself is held and is not counted.
            reached: reached.any.count_ones(..) - 1,
            ..Tally::default()
        };
        for jewel in &self.jewels {
            if jewel.node == principal {
                continue;
            }
            if reached.write.contains(jewel.node) {
                tally.written += 1;
            }
            if exposed(reached, jewel) {
                tally.read += 1;
            }
        }
        tally
    }
}

/// Returns whether the holder's read of a crown jewel exposes its data, as
/// [`Search::exposure`] decides it.
fn exposed(reached: &Reached, jewel: &Jewel) -> bool {
    reached.read.contains(jewel.node)
        && (!jewel.needs_decrypt
            || reached.login.contains(jewel.node)
            || jewel.keys.is_empty()
            || jewel.keys.iter().any(|&key| reached.decrypt.contains(key)))
}
