//! What every compromised principal without MFA reaches, computed once for the whole graph
//! and shared, for the results that need counts and access but no evidence paths.
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

/// The nodes a component's holder reaches, and with which access. Only crown jewels are
/// counted by access and only their keys by decrypt, so those sets are indexed by slot.
struct Reached {
    /// Every node reached, the held principals included, by node index.
    any: FixedBitSet,
    /// Crown jewels written, by jewel slot.
    write: FixedBitSet,
    /// Crown jewels read, by jewel slot.
    read: FixedBitSet,
    /// Crown jewels read through a login, by jewel slot.
    login: FixedBitSet,
    /// Keys of crown jewels decrypted, by key slot.
    decrypt: FixedBitSet,
}

impl Reached {
    fn new(slots: &Slots) -> Self {
        Self {
            any: FixedBitSet::with_capacity(slots.jewel.len()),
            write: FixedBitSet::with_capacity(slots.jewels),
            read: FixedBitSet::with_capacity(slots.jewels),
            login: FixedBitSet::with_capacity(slots.jewels),
            decrypt: FixedBitSet::with_capacity(slots.keys),
        }
    }

    fn add(&mut self, slots: &Slots, node: NodeIx, bits: Bits) {
        self.any.insert(node);
        let jewel = slots.jewel[node];
        if jewel != NONE {
            for (flag, set) in [
                (WRITE, &mut self.write),
                (READ, &mut self.read),
                (LOGIN, &mut self.login),
            ] {
                if bits & flag != 0 {
                    set.insert(jewel as usize);
                }
            }
        }
        let key = slots.key[node];
        if key != NONE && bits & DECRYPT != 0 {
            self.decrypt.insert(key as usize);
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

/// The slot of each crown jewel and of each key of a crown jewel, by node index.
struct Slots {
    /// The jewel slot of each node, or [`NONE`].
    jewel: Vec<u32>,
    /// The key slot of each node, or [`NONE`].
    key: Vec<u32>,
    jewels: usize,
    keys: usize,
}

/// A crown jewel, with what deciding whether a read exposes its data needs.
struct Jewel {
    node: NodeIx,
    /// Reading it through IAM needs decrypt on one of its keys.
    needs_decrypt: bool,
    /// The slots of its keys.
    keys: Vec<u32>,
}

/// The shared reach of every component of the link graph of a holder without MFA.
pub(super) struct Shared<'g, 'a> {
    search: Search<'g, 'a>,
    /// The component of each principal, or [`NONE`].
    component: Vec<u32>,
    reached: Vec<Reached>,
    /// The component of each principal in the graph of associations alone, which join the
    /// compromised principal to its own identities, or [`NONE`].
    own_component: Vec<u32>,
    /// The reach of the principal's own identities, by component of `own_component`.
    own_reached: Vec<Reached>,
    jewels: Vec<Jewel>,
}

impl<'g, 'a> Shared<'g, 'a> {
    /// Computes the shared reach of every compromisable principal of a graph.
    pub fn new(graph: &'g Graph<'a>) -> Self {
        let node_count = graph.node_count();
        let mut search = Search::new(graph);
        let principals = compromisable(graph);

        let mut slots = Slots {
            jewel: vec![NONE; node_count],
            key: vec![NONE; node_count],
            jewels: 0,
            keys: 0,
        };
        let mut jewels = Vec::new();
        for node in (0..node_count).filter(|&node| graph.is_crown_jewel(node)) {
            slots.jewel[node] = index_u32(jewels.len());
            let mut keys = Vec::new();
            for &edge in &graph.out_edges(node).encrypted_by {
                let Some((_, key)) = graph.ends(edge) else {
                    continue;
                };
                if slots.key[key] == NONE {
                    slots.key[key] = index_u32(slots.keys);
                    slots.keys += 1;
                }
                keys.push(slots.key[key]);
            }
            jewels.push(Jewel {
                node,
                needs_decrypt: read_needs_decrypt(&graph.node(node).kind),
                keys,
            });
        }
        slots.jewels = jewels.len();

        let (component, reached) = components(&mut search, &slots, &principals, false);
        let (own_component, own_reached) = components(&mut search, &slots, &principals, true);
        Self {
            search,
            component,
            reached,
            own_component,
            own_reached,
            jewels,
        }
    }

    /// Returns the graph.
    pub fn graph(&self) -> &'g Graph<'a> {
        self.search.graph()
    }

    /// Returns whether the shared sets cover a principal, which they do when it has no MFA.
    pub fn answers_for(&mut self, principal: NodeIx) -> bool {
        self.component[principal] != NONE && !self.search.holder_has_mfa(principal)
    }

    /// Returns the crown jewels that a principal the shared sets cover writes to, in index
    /// order, each with whether its own identities write it, as a run from the principal
    /// gives them.
    pub fn crown_jewels_written(&self, principal: NodeIx) -> Vec<(NodeIx, bool)> {
        let reached = &self.reached[self.component[principal] as usize];
        let own = &self.own_reached[self.own_component[principal] as usize];
        self.jewels
            .iter()
            .enumerate()
            .filter(|&(slot, jewel)| jewel.node != principal && reached.write.contains(slot))
            .map(|(slot, jewel)| (jewel.node, own.write.contains(slot)))
            .collect()
    }

    /// Counts what compromising a principal gives, as [`Search::tally`] counts it after a
    /// run from the principal.
    pub fn tally(&mut self, principal: NodeIx) -> Tally {
        if !self.answers_for(principal) {
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
        for (slot, jewel) in self.jewels.iter().enumerate() {
            if jewel.node == principal {
                continue;
            }
            if reached.write.contains(slot) {
                tally.written += 1;
            }
            if exposed(reached, slot, jewel) {
                tally.read += 1;
            }
        }
        tally
    }
}

/// Returns the component of each principal in the graph of the links a holder without MFA
/// follows (associations only, with `own`), and what each component's holder reaches.
fn components(
    search: &mut Search<'_, '_>,
    slots: &Slots,
    principals: &[NodeIx],
    own: bool,
) -> (Vec<u32>, Vec<Reached>) {
    let node_count = search.graph().node_count();
    let mut links = DiGraph::<(), ()>::with_capacity(node_count, 0);
    for _ in 0..node_count {
        links.add_node(());
    }
    for &principal in principals {
        search.links_without_mfa(principal, |target, association| {
            if association || !own {
                links.add_edge(NodeIndex::new(principal), NodeIndex::new(target), ());
            }
        });
    }

    let mut component = vec![NONE; node_count];
    let mut reached: Vec<Reached> = Vec::new();
    // Successors come first, so every component a link leads to is complete when the
    // components linking to it are built.
    for members in tarjan_scc(&links) {
        let first = members[0].index();
        if members.len() == 1 && principals.binary_search(&first).is_err() {
            continue;
        }
        let ix = index_u32(reached.len());
        for member in &members {
            component[member.index()] = ix;
        }
        let mut set = Reached::new(slots);
        let mut successors = Vec::new();
        for member in &members {
            let principal = member.index();
            set.any.insert(principal);
            search.contribution(principal, |node, bits| set.add(slots, node, bits));
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
            set.union_with(&reached[successor as usize]);
        }
        reached.push(set);
    }
    (component, reached)
}

/// Returns whether the holder's read of a crown jewel exposes its data, as
/// [`Search::exposure`] decides it.
fn exposed(reached: &Reached, slot: usize, jewel: &Jewel) -> bool {
    reached.read.contains(slot)
        && (!jewel.needs_decrypt
            || reached.login.contains(slot)
            || jewel.keys.is_empty()
            || jewel
                .keys
                .iter()
                .any(|&key| reached.decrypt.contains(key as usize)))
}
