//! What the review needs from the policy stores, asked once per review.
//!
//! - **Closed flows (Q1).** A Cedar check is closed when its store permits the action on
//!   the callee to no principal: neither to a principal of the model of the calling kind
//!   nor to a synthetic principal of that kind with no groups and no attributes, each asked
//!   without evaluation errors, under the worst-case and under the best-case context. The
//!   calling kinds are the external caller's kind on a flow from an external node (the
//!   Internet node stands for customers, workforce users and partners; a workforce group for
//!   workforce users), `Identity` for the sending workload of a flow between internal nodes,
//!   and the kinds of the model's external nodes for the check of the originating caller.
//!   A flow with a closed check is closed.
//! - **Calls (Q2).** A principal (an identity or a workforce user) can call a service when
//!   some Cedar check of a flow into that service permits it under the worst-case context.
//! - **ID-4.** Every policy that permits a workforce user (of the model, or synthetic) a
//!   Cedar check's action under the worst-case context, on a flow whose callee is a crown
//!   jewel or reaches one along flows that are not closed.
//! - **Problems.** Parse, link, schema, validation and evaluation problems become ID-3
//!   findings (a store that does not work is no fine-grained authorization). A store with
//!   an error is not asked: its checks count as explicit authorization that is never closed,
//!   and answers resting on them stay marked as not evaluated.

use std::collections::{BTreeMap, BTreeSet};

use crate::document::{CedarCheck, EdgeKind, NodeKind, OriginatingCheck};
use crate::graph::{EdgeIx, Graph, NodeIx};
use crate::review::{Finding, Severity};

use super::derive::EntityKind;
use std::sync::Arc;

use super::evaluate::{Posture, Principal, Session, Summary};
use super::{PolicyCache, Problem, Stage};

/// The policy stores' decisions that one review reads.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    evaluated: bool,
    closed: Vec<bool>,
    unevaluated: Vec<bool>,
    calls: BTreeMap<NodeIx, Vec<(EdgeIx, NodeIx)>>,
    /// ID-3 findings for store problems and ID-4 findings, in no particular order.
    pub findings: Vec<Finding>,
    /// Every problem of every store, sorted.
    pub problems: Vec<Problem>,
}

impl Facts {
    /// Returns whether the stores were asked at all.
    pub fn evaluated(&self) -> bool {
        self.evaluated
    }

    /// Returns whether a flow is closed.
    pub fn is_closed(&self, edge: EdgeIx) -> bool {
        self.closed.get(edge).copied().unwrap_or(false)
    }

    /// Returns whether a flow has a Cedar check that could not be evaluated (always false
    /// for a flow without one, once evaluated).
    pub fn is_unevaluated(&self, edge: EdgeIx) -> Option<bool> {
        self.evaluated
            .then(|| self.unevaluated.get(edge).copied().unwrap_or(false))
    }

    /// Returns whether any flow's Cedar check could not be evaluated.
    pub fn any_unevaluated(&self) -> bool {
        self.unevaluated.iter().any(|&flag| flag)
    }

    /// Returns the services a principal may call through Cedar checks, as (flow, service).
    pub fn calls(&self, principal: NodeIx) -> &[(EdgeIx, NodeIx)] {
        self.calls
            .get(&principal)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// The check of a flow that a Cedar check makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckOf {
    /// The check of the immediate caller.
    Immediate,
    /// The check of the originating caller.
    Originating,
}

/// Returns a flow's Cedar checks, the immediate caller's first.
pub fn cedar_checks<'d>(graph: &Graph<'d>, edge: EdgeIx) -> Vec<&'d CedarCheck> {
    checks_with_kind(graph, edge)
        .into_iter()
        .map(|(_, check)| check)
        .collect()
}

fn checks_with_kind<'d>(graph: &Graph<'d>, edge: EdgeIx) -> Vec<(CheckOf, &'d CedarCheck)> {
    let EdgeKind::Flow(flow) = &graph.edge(edge).kind else {
        return Vec::new();
    };
    let mut checks = Vec::new();
    if let Some(check) = flow.authorization.cedar() {
        checks.push((CheckOf::Immediate, check));
    }
    if let OriginatingCheck::Authorized { cedar: Some(check) } = &flow.originating {
        checks.push((CheckOf::Originating, check));
    }
    checks
}

/// Asks every store what the review needs.
pub fn compute(graph: &Graph<'_>, cache: &mut PolicyCache) -> Facts {
    let flows = graph.all_flows();
    let edge_count = graph.doc.edges.len();
    let mut facts = Facts {
        evaluated: true,
        closed: vec![false; edge_count],
        unevaluated: vec![false; edge_count],
        ..Facts::default()
    };
    if !flows
        .iter()
        .any(|&(edge, _, _)| !cedar_checks(graph, edge).is_empty())
        && graph.doc.policy_stores.is_empty()
    {
        return facts;
    }

    let mut session = Session::new(cache, graph);
    for dropped in &session.model.dropped_memberships {
        log::warn!("member-of edge {dropped:?} closes a cycle; Cedar entities leave it out");
    }
    let mut problems: BTreeSet<Problem> = session
        .stores
        .iter()
        .flat_map(|store| store.problems.iter().cloned())
        .collect();

    let by_kind = principals_by_kind(graph, &session);
    let external_kinds = external_kinds(graph, &session);

    for &(edge, caller, callee) in &flows {
        for (check_of, check) in checks_with_kind(graph, edge) {
            let Some(store_ix) = sound_store(&session, &check.store) else {
                facts.unevaluated[edge] = true;
                continue;
            };
            let kinds = match check_of {
                CheckOf::Immediate => calling_kinds(graph, &session, caller),
                CheckOf::Originating => external_kinds.clone(),
            };
            match closure(
                &mut session,
                store_ix,
                check,
                callee,
                &kinds,
                &by_kind,
                &mut problems,
            ) {
                Closure::Closed => facts.closed[edge] = true,
                Closure::Open => {}
                Closure::Failed => facts.unevaluated[edge] = true,
            }
        }
    }

    collect_calls(graph, &mut session, &flows, &by_kind, &mut facts);
    facts.findings = workforce_findings(graph, &mut session, &flows, &by_kind, &facts);
    facts
        .findings
        .extend(problem_findings(graph, &flows, &problems));
    facts.problems = problems.into_iter().collect();
    facts
}

/// Returns the index of a store that can be asked, if the named store is one.
fn sound_store(session: &Session<'_, '_>, id: &str) -> Option<usize> {
    let ix = session.store_ix(id)?;
    session.stores[ix].is_sound().then_some(ix)
}

/// Returns the nodes of each principal kind, in index order.
fn principals_by_kind(
    graph: &Graph<'_>,
    session: &Session<'_, '_>,
) -> BTreeMap<EntityKind, Vec<NodeIx>> {
    let mut by_kind: BTreeMap<EntityKind, Vec<NodeIx>> = BTreeMap::new();
    for ix in 0..graph.node_count() {
        if let Some(kind) = session.model.kinds[ix].filter(|kind| kind.is_principal()) {
            by_kind.entry(kind).or_default().push(ix);
        }
    }
    by_kind
}

/// Returns the principal kinds a caller stands for.
fn calling_kinds(graph: &Graph<'_>, session: &Session<'_, '_>, caller: NodeIx) -> Vec<EntityKind> {
    match &graph.node(caller).kind {
        NodeKind::External(_) => match session.model.kinds[caller] {
            Some(EntityKind::Group) => vec![EntityKind::WorkforceUser],
            Some(kind) => vec![kind],
            None => vec![
                EntityKind::Customer,
                EntityKind::WorkforceUser,
                EntityKind::Partner,
            ],
        },
        _ => vec![EntityKind::Identity],
    }
}

/// Returns the principal kinds of the model's external nodes.
fn external_kinds(graph: &Graph<'_>, session: &Session<'_, '_>) -> Vec<EntityKind> {
    let kinds: BTreeSet<EntityKind> = (0..graph.node_count())
        .filter(|&ix| graph.node(ix).is_external())
        .flat_map(|ix| calling_kinds(graph, session, ix))
        .collect();
    kinds.into_iter().collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Closure {
    Closed,
    Open,
    Failed,
}

/// Summary purposes, one per kind of question.
const CLOSURE: u8 = 0;
const CALLERS: u8 = 1;
const WORKFORCE: u8 = 2;

/// Returns whether a check permits its action on the callee to any principal of these
/// kinds, under the best-case or the worst-case context.
fn closure(
    session: &mut Session<'_, '_>,
    store_ix: usize,
    check: &CedarCheck,
    callee: NodeIx,
    kinds: &[EntityKind],
    by_kind: &BTreeMap<EntityKind, Vec<NodeIx>>,
    problems: &mut BTreeSet<Problem>,
) -> Closure {
    let principals: Vec<Principal> = kinds
        .iter()
        .flat_map(|&kind| {
            let nodes = by_kind.get(&kind).map(Vec::as_slice).unwrap_or_default();
            nodes
                .iter()
                .map(|&ix| Principal::Node(ix))
                .chain([Principal::Synthetic(kind)])
        })
        .collect();
    let hash = session.principals_hash(&principals);
    let key = session.summary_key(CLOSURE, store_ix, &check.action, callee, hash);
    let summary = session.summary(key, |session| {
        let mut failed = BTreeSet::new();
        for posture in [Posture::Best, Posture::Worst] {
            for &principal in &principals {
                let outcome = session.ask(store_ix, principal, &check.action, callee, posture);
                if outcome.allowed {
                    return Summary::Closure(Closure::Open as u8, Vec::new());
                }
                record_errors(session, store_ix, &outcome.errors, &mut failed);
            }
        }
        let closure = if failed.is_empty() {
            Closure::Closed
        } else {
            Closure::Failed
        };
        Summary::Closure(closure as u8, failed.into_iter().collect())
    });
    match &*summary {
        Summary::Closure(closure, failed) => {
            problems.extend(failed.iter().cloned());
            [Closure::Closed, Closure::Open, Closure::Failed]
                .into_iter()
                .find(|candidate| *candidate as u8 == *closure)
                .unwrap_or(Closure::Failed)
        }
        Summary::Permitted(_) => Closure::Failed,
    }
}

/// Returns the principals (by position) that a check permits under the worst-case
/// context, with the deciding policies of each.
fn permitted(
    session: &mut Session<'_, '_>,
    purpose: u8,
    store_ix: usize,
    check: &CedarCheck,
    callee: NodeIx,
    principals: &[Principal],
    principals_hash: u64,
) -> Arc<Summary> {
    let key = session.summary_key(purpose, store_ix, &check.action, callee, principals_hash);
    session.summary(key, |session| {
        let positions = principals
            .iter()
            .enumerate()
            .filter(|&(_, &principal)| {
                session
                    .ask(store_ix, principal, &check.action, callee, Posture::Worst)
                    .allowed
            })
            .filter_map(|(position, _)| u32::try_from(position).ok())
            .collect();
        Summary::Permitted(positions)
    })
}

fn record_errors(
    session: &Session<'_, '_>,
    store_ix: usize,
    errors: &[(String, String)],
    problems: &mut BTreeSet<Problem>,
) {
    let compiled = &session.stores[store_ix];
    let text = session_text(session, store_ix);
    for (policy, message) in errors {
        let policy = (!policy.is_empty()).then_some(policy.as_str());
        problems.insert(compiled.problem_at(
            text,
            Stage::Evaluation,
            policy,
            None,
            message.clone(),
        ));
    }
}

fn session_text<'s>(session: &'s Session<'_, '_>, store_ix: usize) -> &'s str {
    session.policy_text(store_ix)
}

/// Adds the services each principal may call under the worst-case context.
fn collect_calls(
    graph: &Graph<'_>,
    session: &mut Session<'_, '_>,
    flows: &[(EdgeIx, NodeIx, NodeIx)],
    by_kind: &BTreeMap<EntityKind, Vec<NodeIx>>,
    facts: &mut Facts,
) {
    let holders: Vec<NodeIx> = [EntityKind::Identity, EntityKind::WorkforceUser]
        .iter()
        .filter_map(|kind| by_kind.get(kind))
        .flatten()
        .copied()
        .collect();
    let principals: Vec<Principal> = holders.iter().map(|&ix| Principal::Node(ix)).collect();
    let hash = session.principals_hash(&principals);
    for &(edge, _, callee) in flows {
        if !matches!(graph.node(callee).kind, NodeKind::Service(_)) {
            continue;
        }
        for check in cedar_checks(graph, edge) {
            let Some(store_ix) = sound_store(session, &check.store) else {
                continue;
            };
            let summary = permitted(session, CALLERS, store_ix, check, callee, &principals, hash);
            let Summary::Permitted(positions) = &*summary else {
                continue;
            };
            for &position in positions {
                let holder = holders[position as usize];
                let calls = facts.calls.entry(holder).or_default();
                if !calls.contains(&(edge, callee)) {
                    calls.push((edge, callee));
                }
            }
        }
    }
}

/// Returns, for each node, whether it is a crown jewel or reaches one along flows that are
/// not closed.
fn reaches_crown_jewel(
    graph: &Graph<'_>,
    flows: &[(EdgeIx, NodeIx, NodeIx)],
    facts: &Facts,
) -> Vec<bool> {
    let mut callers: Vec<Vec<NodeIx>> = vec![Vec::new(); graph.node_count()];
    for &(edge, caller, callee) in flows {
        if !facts.is_closed(edge) {
            callers[callee].push(caller);
        }
    }
    let mut reaches: Vec<bool> = (0..graph.node_count())
        .map(|ix| graph.is_crown_jewel(ix))
        .collect();
    let mut stack: Vec<NodeIx> = (0..graph.node_count()).filter(|&ix| reaches[ix]).collect();
    while let Some(node) = stack.pop() {
        for &caller in &callers[node] {
            if !reaches[caller] {
                reaches[caller] = true;
                stack.push(caller);
            }
        }
    }
    reaches
}

/// Returns an ID-4 finding for every policy that permits a workforce user a check's action
/// toward a crown jewel under the worst-case context.
fn workforce_findings(
    graph: &Graph<'_>,
    session: &mut Session<'_, '_>,
    flows: &[(EdgeIx, NodeIx, NodeIx)],
    by_kind: &BTreeMap<EntityKind, Vec<NodeIx>>,
    facts: &Facts,
) -> Vec<Finding> {
    let has_workforce = (0..graph.node_count()).any(|ix| {
        matches!(&graph.node(ix).kind, NodeKind::External(external) if external.sort.is_workforce())
    });
    if !has_workforce {
        return Vec::new();
    }
    let reaches = reaches_crown_jewel(graph, flows, facts);
    let users = by_kind
        .get(&EntityKind::WorkforceUser)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let principals: Vec<Principal> = users
        .iter()
        .map(|&ix| Principal::Node(ix))
        .chain([Principal::Synthetic(EntityKind::WorkforceUser)])
        .collect();
    let hash = session.principals_hash(&principals);

    let mut findings = Vec::new();
    for &(edge, _, callee) in flows {
        if !reaches[callee] || facts.is_closed(edge) {
            continue;
        }
        for check in cedar_checks(graph, edge) {
            let Some(store_ix) = sound_store(session, &check.store) else {
                continue;
            };
            // Policy id to the principals it permits.
            let mut permitting: BTreeMap<String, Vec<Principal>> = BTreeMap::new();
            let summary = permitted(
                session,
                WORKFORCE,
                store_ix,
                check,
                callee,
                &principals,
                hash,
            );
            let Summary::Permitted(positions) = &*summary else {
                continue;
            };
            for &position in positions {
                let principal = principals[position as usize];
                let outcome =
                    session.ask(store_ix, principal, &check.action, callee, Posture::Worst);
                for policy in &outcome.reasons {
                    permitting
                        .entry(policy.clone())
                        .or_default()
                        .push(principal);
                }
            }
            for (policy, principals) in permitting {
                findings.push(workforce_finding(
                    graph,
                    edge,
                    callee,
                    check,
                    &policy,
                    &principals,
                ));
            }
        }
    }
    findings
}

fn workforce_finding(
    graph: &Graph<'_>,
    edge: EdgeIx,
    callee: NodeIx,
    check: &CedarCheck,
    policy: &str,
    principals: &[Principal],
) -> Finding {
    let names: Vec<String> = principals
        .iter()
        .map(|principal| match principal {
            Principal::Node(ix) => graph.id(*ix).to_owned(),
            Principal::Synthetic(_) => "any workforce user".to_owned(),
        })
        .collect();
    let title = format!(
        "Cedar policy {policy:?} of store {:?} permits {} to {} on {} over flow {} under the \
         worst-case context (unmanaged device, risk score 100, no MFA)",
        check.store,
        names.join(", "),
        check.action,
        graph.id(callee),
        graph.edge(edge).id,
    );
    let nodes =
        std::iter::once(callee).chain(principals.iter().filter_map(|principal| match principal {
            Principal::Node(ix) => Some(*ix),
            Principal::Synthetic(_) => None,
        }));
    Finding::new("ID-4", Severity::Medium, title)
        .with_nodes(graph, nodes)
        .with_edges(graph, [edge])
}

/// Returns an ID-3 finding for every store problem, naming the flows that use the store.
fn problem_findings(
    graph: &Graph<'_>,
    flows: &[(EdgeIx, NodeIx, NodeIx)],
    problems: &BTreeSet<Problem>,
) -> Vec<Finding> {
    problems
        .iter()
        .map(|problem| {
            let using: Vec<(EdgeIx, NodeIx)> = flows
                .iter()
                .filter(|&&(edge, _, _)| {
                    cedar_checks(graph, edge)
                        .iter()
                        .any(|check| check.store == problem.store)
                })
                .map(|&(edge, _, callee)| (edge, callee))
                .collect();
            let mut callees: Vec<NodeIx> = using.iter().map(|&(_, callee)| callee).collect();
            callees.sort_unstable();
            callees.dedup();
            let severity = if problem.is_error() {
                Severity::High
            } else {
                Severity::Info
            };
            Finding::new("ID-3", severity, problem.to_string())
                .with_nodes(graph, callees)
                .with_edges(graph, using.iter().map(|&(edge, _)| edge))
        })
        .collect()
}
