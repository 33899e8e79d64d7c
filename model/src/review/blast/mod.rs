//! Q2: what happens if a single identity is compromised?
//!
//! Any identity, and any workforce user, can be the compromised principal. The holder starts
//! with its credentials and keeps gaining until nothing changes:
//!
//! - **Associations** join two identities into one workload identity, whichever end is
//!   compromised; what either reaches is the holder's own access.
//! - **Can assume** leads to the target unless the trust policy requires MFA and the holder
//!   has none. Only a workforce user has MFA: one marked as signing in with MFA, or one that
//!   (itself or through a workforce group) can assume or is a member of an identity provider
//!   that enforces MFA. The holder keeps that MFA along the whole search. An external id is
//!   no obstacle.
//! - **Member of**: a held principal holds the grants and the can-assume edges of every
//!   group it is a member of, directly or through nested groups, as its own.
//! - **Grants**, cut down to the permission boundary of the held principal that uses them
//!   (a group's grants are cut by the member's boundary), give their actions on every node
//!   the target covers. Actions that mean nothing on a node are dropped: decrypt counts only
//!   on keys, invoke only on services, and identities, gateways, external nodes and zones
//!   can only be configured. Boundaries cut grants only: can-assume edges are trust
//!   relations and pass whatever the boundary says.
//! - **Secrets**: read on a secret gives what it unlocks. An identity joins the held set,
//!   reached through another identity; a data store login gives read and write on the store,
//!   with the same standing as the read of the secret.
//! - **Keys**: reading through IAM a store that needs decrypt also needs decrypt on one of
//!   its keys, through any held identity. Without it the store is listed as encrypted and its
//!   data is not exposed. A login reads through the database and needs no decrypt, and a
//!   store with no key drawn is decrypted by the provider for any reader.
//! - **Services**: the holder calls a service it has invoke on, and any service that a drawn
//!   flow reaches from a service running as a held identity. Calling is not compromising: the
//!   search does not continue from the callee, and a call exposes none of its data. Cedar
//!   policies are not evaluated yet, so no flow is closed and services that a Cedar store
//!   lets a held identity call are missing: such answers are marked `cedar_not_evaluated`.
//! - **Read** exposes the data classes a node holds (a secret always holds credentials),
//!   subject to the key rule above.
//! - **Configure** is listed and exposes no data.
//!
//! Access reached through the compromised principal or the identities associated with it is
//! its own; everything else is reached only through another identity. Each access has an
//! evidence path: the shortest, ties broken by the node ids along it, and for own access the
//! shortest through own identities only.

mod access;
#[cfg(test)]
mod equivalence;
mod expansion;
mod rev2;
mod search;
mod shared;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::document::{Action, DataClass, EdgeKind, NodeKind, OriginatingCheck};
use crate::graph::{Graph, NodeIx};

use access::{ACTIONS, Bits, HELD, MEMBER, bit, normalized, strength};
use expansion::{LinkKind, NONE, Step, is_principal};
use search::{Record, Scope, Search};

pub use rev2::findings;

/// The way the holder came to act as an identity or group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    /// Joined by an association: the two act as one workload identity.
    Associated,
    /// Assumed through a trust policy.
    Assumed,
    /// Unlocked by a secret the holder reads.
    Unlocked,
    /// A group some held identity is a member of: the holder has its grants.
    Member,
}

impl Hold {
    /// Returns the way of holding as reports spell it, such as `assumed`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Associated => "associated",
            Self::Assumed => "assumed",
            Self::Unlocked => "unlocked",
            Self::Member => "member",
        }
    }
}

/// One access that an evidence path gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Acting as the identity or group.
    Hold(Hold),
    /// An action on the node.
    Action(Action),
}

/// The path that gives one access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The access it gives.
    pub access: Access,
    /// No path through the compromised identity and its associated identities alone gives
    /// this access.
    pub through_another_identity: bool,
    /// Node ids from the compromised identity to the node reached.
    pub nodes: Vec<String>,
    /// Edge ids along the path, one fewer than the nodes. A runs-as edge appears where the
    /// path goes from an identity to the service that runs as it.
    pub edges: Vec<String>,
}

/// One node in a blast radius.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reached {
    /// Node id.
    pub node: String,
    /// Node kind, as reports spell it.
    pub kind: &'static str,
    /// The way the holder acts as this identity or group, when it does.
    pub hold: Option<Hold>,
    /// The actions held on the node, without those another held action implies.
    pub access: Vec<Action>,
    /// The actions held through the compromised identity and its associated identities.
    pub own_access: Vec<Action>,
    /// Data classes the holder can read.
    pub data_classes: Vec<DataClass>,
    /// Read is held, but the holder can decrypt none of the store's keys.
    pub encrypted: bool,
    /// The key the holder decrypts the store's data with, when reading needs one.
    pub decrypted_with: Option<String>,
    /// The node is a crown jewel.
    pub crown_jewel: bool,
    /// Nothing of this node is reached through the compromised identity and its associated
    /// identities alone.
    pub through_another_identity: bool,
    /// The path that gives each access, the holding first, then each action of `access`.
    pub evidence: Vec<Evidence>,
}

impl Reached {
    /// Returns how the holder acts as or on the node, as reports write it: the way it holds
    /// an identity, then its actions, such as `associated` or `read, invoke`.
    pub fn access_text(&self) -> String {
        let hold = self.hold.map(Hold::name);
        let actions = self.access.iter().map(|action| action.name());
        hold.into_iter()
            .chain(actions)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Returns the data classes exposed, or why none are: `none (encrypted)` when the
    /// holder reads the store but decrypts none of its keys.
    pub fn exposure_text(&self) -> String {
        if self.encrypted {
            return "none (encrypted)".to_owned();
        }
        if self.data_classes.is_empty() {
            return "none".to_owned();
        }
        let classes: Vec<&str> = self.data_classes.iter().map(|class| class.name()).collect();
        classes.join(", ")
    }
}

/// What one compromised identity reaches.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BlastRadius {
    /// Id of the compromised identity or workforce user.
    pub identity: String,
    /// The holder has MFA and passes trust policies that require it.
    pub mfa: bool,
    /// Crown jewels reached with write or admin.
    pub crown_jewels_written: usize,
    /// Crown jewels whose data is exposed.
    pub crown_jewels_read: usize,
    /// Every node reached, strongest access first, ties by id. The compromised identity
    /// itself is not listed.
    pub reached: Vec<Reached>,
    /// Some flow into a service is authorized by a Cedar store whose policies were not
    /// evaluated, so services that such a store lets a held identity call are missing.
    pub cedar_not_evaluated: bool,
}

/// One identity's blast radius in the ranking.
#[derive(Clone, Debug, Serialize)]
pub struct RankEntry {
    /// Identity or workforce user id.
    pub identity: String,
    /// Crown jewels reached with write or admin.
    pub crown_jewels_written: usize,
    /// Crown jewels whose data is exposed.
    pub crown_jewels_read: usize,
    /// Everything reached.
    pub reached: usize,
}

/// Every identity and workforce user by blast radius, largest first.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ranking {
    /// The entries, largest blast radius first, ties by id.
    pub entries: Vec<RankEntry>,
    /// Services that a Cedar store lets a held identity call are missing, as in
    /// [`BlastRadius::cedar_not_evaluated`].
    pub cedar_not_evaluated: bool,
}

/// One identity or workforce user whose blast radius reaches a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReverseEntry {
    /// Id of the compromised identity or workforce user.
    pub identity: String,
    /// The holder's access to the node, with the evidence paths.
    pub reached: Reached,
}

/// Returns every node that can be compromised, in index order: identities (groups and
/// identity providers included) and workforce users.
pub fn compromisable(graph: &Graph<'_>) -> Vec<NodeIx> {
    (0..graph.node_count())
        .filter(|&ix| is_principal(&graph.node(ix).kind))
        .collect()
}

/// Returns whether some flow into a service is authorized, for the immediate or for the
/// originating caller, by a Cedar store. Until Cedar policies are evaluated such a store may
/// let a held identity call the service, so blast radii are marked incomplete.
pub fn cedar_not_evaluated(graph: &Graph<'_>) -> bool {
    graph.doc.edges.iter().enumerate().any(|(edge_ix, edge)| {
        if graph.cedar().is_unevaluated(edge_ix) == Some(false) {
            return false;
        }
        let EdgeKind::Flow(flow) = &edge.kind else {
            return false;
        };
        let uses_cedar = flow.authorization.cedar().is_some()
            || matches!(
                flow.originating,
                OriginatingCheck::Authorized { cedar: Some(_) }
            );
        uses_cedar
            && graph
                .ix(&edge.to)
                .is_some_and(|callee| matches!(graph.node(callee).kind, NodeKind::Service(_)))
    })
}

/// Computes the blast radius of one compromised identity or workforce user. A node of any
/// other kind holds no credentials and reaches nothing.
pub fn blast_radius(graph: &Graph<'_>, identity: NodeIx) -> BlastRadius {
    if identity >= graph.node_count() {
        log::warn!("no node has the index {identity}; its blast radius is empty");
        return BlastRadius::default();
    }
    let mut radius = BlastRadius {
        identity: graph.id(identity).to_owned(),
        cedar_not_evaluated: cedar_not_evaluated(graph),
        ..BlastRadius::default()
    };
    if !is_principal(&graph.node(identity).kind) {
        return radius;
    }

    let mut search = Search::new(graph);
    search.run(identity, Scope::Everything, Record::All);
    let tally = search.tally();
    radius.mfa = search.mfa();
    radius.crown_jewels_written = tally.written;
    radius.crown_jewels_read = tally.read;

    let mut reached: Vec<(Bits, Reached)> = search
        .touched()
        .iter()
        .filter(|&&node| node != identity)
        .map(|&node| (search.bits(node), reached_entry(&search, node)))
        .collect();
    reached.sort_by(|(a_bits, a), (b_bits, b)| {
        strength(*b_bits)
            .cmp(&strength(*a_bits))
            .then_with(|| a.node.cmp(&b.node))
    });
    radius.reached = reached.into_iter().map(|(_, entry)| entry).collect();
    radius
}

/// Ranks every identity and workforce user by blast radius: most crown jewels written
/// first, then most crown jewels whose data is exposed, then most nodes reached, then by id.
pub fn ranking(graph: &Graph<'_>) -> Ranking {
    ranking_from(&mut shared::Shared::new(graph))
}

/// Returns the ranking and the REV-2 findings, as [`ranking`] and [`findings`] give them,
/// computing the sets they share once.
pub(crate) fn ranking_and_findings(graph: &Graph<'_>) -> (Ranking, Vec<crate::review::Finding>) {
    let mut shared = shared::Shared::new(graph);
    (ranking_from(&mut shared), rev2::findings_from(&mut shared))
}

fn ranking_from(shared: &mut shared::Shared<'_, '_>) -> Ranking {
    let graph = shared.graph();
    let mut entries: Vec<RankEntry> = compromisable(graph)
        .into_iter()
        .map(|principal| {
            let tally = shared.tally(principal);
            RankEntry {
                identity: graph.id(principal).to_owned(),
                crown_jewels_written: tally.written,
                crown_jewels_read: tally.read,
                reached: tally.reached,
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        (b.crown_jewels_written, b.crown_jewels_read, b.reached)
            .cmp(&(a.crown_jewels_written, a.crown_jewels_read, a.reached))
            .then_with(|| a.identity.cmp(&b.identity))
    });
    Ranking {
        entries,
        cedar_not_evaluated: cedar_not_evaluated(graph),
    }
}

/// Answers the reverse question for a node: every identity or workforce user whose blast
/// radius reaches it, strongest access first, ties by id. The node itself, when it is an
/// identity, is not listed.
pub fn reverse(graph: &Graph<'_>, node: NodeIx) -> Vec<ReverseEntry> {
    if node >= graph.node_count() {
        log::warn!("no node has the index {node}; nothing reaches it");
        return Vec::new();
    }
    let mut search = Search::new(graph);
    let mut entries = Vec::new();
    for principal in compromisable(graph) {
        if principal == node {
            continue;
        }
        search.run(principal, Scope::Everything, Record::Nothing);
        if search.bits(node) == 0 {
            continue;
        }
        search.run(principal, Scope::Everything, Record::Nodes(&[node]));
        let entry = ReverseEntry {
            identity: graph.id(principal).to_owned(),
            reached: reached_entry(&search, node),
        };
        entries.push((search.bits(node), entry));
    }
    entries.sort_by(|(a_bits, a), (b_bits, b)| {
        strength(*b_bits)
            .cmp(&strength(*a_bits))
            .then_with(|| a.identity.cmp(&b.identity))
    });
    entries.into_iter().map(|(_, entry)| entry).collect()
}

/// Builds the entry of one node reached by the last run, which must have recorded its
/// evidence.
fn reached_entry(search: &Search<'_, '_>, node: NodeIx) -> Reached {
    let graph = search.graph();
    let bits = search.bits(node);
    let own_bits = search.own_bits(node);
    let mut evidence = Vec::new();

    let hold = if bits & HELD != 0 {
        search.held_by(node).map(|kind| match kind {
            LinkKind::Association => Hold::Associated,
            LinkKind::Assumption => Hold::Assumed,
            LinkKind::Unlock => Hold::Unlocked,
        })
    } else if bits & MEMBER != 0 {
        Some(Hold::Member)
    } else {
        None
    };
    if let Some(hold) = hold {
        let path = if bits & HELD != 0 {
            let mut path = Vec::new();
            search.principal_path(node, &mut path);
            Some(path)
        } else {
            search.evidence(node, MEMBER, own_bits & MEMBER != 0)
        };
        let own_flag = if bits & HELD != 0 { HELD } else { MEMBER };
        if let Some(path) = path {
            evidence.push(evidence_of(
                graph,
                Access::Hold(hold),
                &path,
                own_bits & own_flag == 0,
            ));
        }
    }

    let access = normalized(bits & ACTIONS);
    for &action in &access {
        let flag = bit(action);
        let own = own_bits & flag != 0;
        if let Some(path) = search.evidence(node, flag, own) {
            evidence.push(evidence_of(graph, Access::Action(action), &path, !own));
        }
    }

    let exposure = search.exposure(node);
    let data_classes = if exposure.exposed {
        graph.node(node).held_data_classes()
    } else {
        Vec::new()
    };
    Reached {
        node: graph.id(node).to_owned(),
        kind: graph.node(node).kind.name(),
        hold,
        access,
        own_access: normalized(own_bits & ACTIONS),
        data_classes,
        encrypted: exposure.encrypted,
        decrypted_with: exposure.key.map(|key| graph.id(key).to_owned()),
        crown_jewel: graph.is_crown_jewel(node),
        through_another_identity: own_bits == 0,
        evidence,
    }
}

/// Turns a path of indices into an evidence path of ids.
fn evidence_of(graph: &Graph<'_>, access: Access, path: &[Step], through: bool) -> Evidence {
    Evidence {
        access,
        through_another_identity: through,
        nodes: path
            .iter()
            .map(|step| graph.id(step.node as usize).to_owned())
            .collect(),
        edges: path
            .iter()
            .filter(|step| step.edge != NONE)
            .map(|step| graph.edge(step.edge as usize).id.clone())
            .collect(),
    }
}
