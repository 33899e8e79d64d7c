//! The visibility pillar: threat detection (VIS-1), configuration compliance (VIS-2),
//! logging (VIS-3) and guardrail SCPs (VIS-5) in every account. Anomaly detection (VIS-4)
//! is a manual item.

use super::{Check, base_severity, flow_finding, label, nodes_where};
use crate::document::{Account, CloudTrailLake, NodeKind, ZoneSort};
use crate::graph::{Graph, NodeIx};
use crate::review::Finding;

/// The automatic visibility items, in checklist order.
pub(super) const CHECKS: &[Check] = &[
    Check {
        id: "VIS-1",
        findings: accounts_without_threat_detection,
        applies: has_accounts,
    },
    Check {
        id: "VIS-2",
        findings: accounts_without_config,
        applies: has_accounts,
    },
    Check {
        id: "VIS-3",
        findings: unlogged_access,
        applies: has_accounts_or_flows,
    },
    Check {
        id: "VIS-5",
        findings: accounts_without_guardrails,
        applies: has_member_accounts,
    },
];

/// Returns every account zone with its controls, in document order.
fn accounts<'a>(graph: &Graph<'a>) -> Vec<(NodeIx, &'a Account)> {
    nodes_where(graph, |_| true)
        .into_iter()
        .filter_map(|ix| match &graph.node(ix).kind {
            NodeKind::Zone(zone) => match &zone.sort {
                ZoneSort::Account(account) => Some((ix, account)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn has_accounts(graph: &Graph<'_>) -> bool {
    !accounts(graph).is_empty()
}

fn has_accounts_or_flows(graph: &Graph<'_>) -> bool {
    has_accounts(graph) || graph.flows.edge_count() > 0
}

fn has_member_accounts(graph: &Graph<'_>) -> bool {
    accounts(graph)
        .iter()
        .any(|(_, account)| !account.management)
}

/// Returns one finding for each control an account lacks.
fn missing_controls(
    graph: &Graph<'_>,
    id: &str,
    controls: &[(&str, fn(&Account) -> bool)],
) -> Vec<Finding> {
    let base = base_severity(id);
    let mut findings = Vec::new();
    for (ix, account) in accounts(graph) {
        for (control, enabled) in controls {
            if !enabled(account) {
                let title = format!("Account {} has no {control}", label(graph, ix));
                findings.push(Finding::new(id, base, title).with_nodes(graph, [ix]));
            }
        }
    }
    findings
}

/// VIS-1: an account zone without GuardDuty, without Security Hub, or without Inspector.
fn accounts_without_threat_detection(graph: &Graph<'_>) -> Vec<Finding> {
    missing_controls(
        graph,
        "VIS-1",
        &[
            ("GuardDuty", |account| account.guardduty),
            ("Security Hub", |account| account.security_hub),
            ("Inspector", |account| account.inspector),
        ],
    )
}

/// VIS-2: an account zone without AWS Config, or without automated remediation.
fn accounts_without_config(graph: &Graph<'_>) -> Vec<Finding> {
    missing_controls(
        graph,
        "VIS-2",
        &[
            ("AWS Config", |account| account.config),
            ("automated remediation", |account| account.remediation),
        ],
    )
}

/// VIS-3: an account zone without CloudTrail, or without CloudTrail Lake (its own or the
/// organization's); a flow that is not logged.
fn unlogged_access(graph: &Graph<'_>) -> Vec<Finding> {
    let mut findings = missing_controls(
        graph,
        "VIS-3",
        &[
            ("CloudTrail", |account| account.cloudtrail),
            ("CloudTrail Lake", |account| {
                account.cloudtrail_lake != CloudTrailLake::None
            }),
        ],
    );

    let base = base_severity("VIS-3");
    for place @ (edge_ix, _, _) in graph.all_flows() {
        if !graph.flow(edge_ix).logged {
            findings.push(flow_finding(graph, "VIS-3", base, place, "is not logged"));
        }
    }
    findings
}

/// VIS-5: an account zone other than the organization's management account without
/// guardrail SCPs.
fn accounts_without_guardrails(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("VIS-5");
    accounts(graph)
        .into_iter()
        .filter(|(_, account)| !account.management && account.scps.is_empty())
        .map(|(ix, _)| {
            let title = format!("Account {} has no guardrail SCPs", label(graph, ix));
            Finding::new("VIS-5", base, title).with_nodes(graph, [ix])
        })
        .collect()
}
