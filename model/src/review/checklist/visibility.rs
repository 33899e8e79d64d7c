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

/// A control of an account: its name, and whether the account has it enabled.
type Control = (&'static str, fn(&Account) -> bool);

/// Returns one finding for each control an account lacks.
fn missing_controls(graph: &Graph<'_>, id: &str, controls: &[Control]) -> Vec<Finding> {
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
/// organization's), and a flow that is not logged.
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

#[cfg(test)]
mod tests {
    use super::super::ItemState;
    use super::super::testing::{Model, findings_of, good_flow, places, state};
    use super::*;
    use crate::document::Flow;
    use crate::review::Severity;

    /// Adds an account zone with these controls.
    fn account(model: &mut Model, id: &str, account: Account) {
        model.zone(id, ZoneSort::Account(account));
    }

    fn full() -> Account {
        Account {
            management: false,
            scps: vec!["deny-leave-org".into()],
            guardduty: true,
            security_hub: true,
            inspector: true,
            config: true,
            remediation: true,
            cloudtrail: true,
            cloudtrail_lake: CloudTrailLake::Organization,
        }
    }

    #[test]
    fn vis1_fails_each_missing_detector() {
        // bare lacks all three: three findings. partial lacks Inspector only. Four, high.
        let mut model = Model::new();
        model.account("bare");
        account(
            &mut model,
            "partial",
            Account {
                inspector: false,
                ..full()
            },
        );
        account(&mut model, "good", full());

        let findings = findings_of(&model.doc, "VIS-1");

        assert_eq!(
            places(&findings),
            [["bare"], ["bare"], ["bare"], ["partial"]]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        let titles: Vec<&str> = findings.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Account bare has no GuardDuty",
                "Account bare has no Security Hub",
                "Account bare has no Inspector",
                "Account partial has no Inspector",
            ]
        );
    }

    #[test]
    fn vis1_passes_full_detection() {
        let mut model = Model::new();
        account(&mut model, "good", full());

        assert!(findings_of(&model.doc, "VIS-1").is_empty());
        assert_eq!(state(&model.doc, "VIS-1", &[]), ItemState::Pass);
    }

    #[test]
    fn vis1_not_applicable_without_accounts() {
        let mut model = Model::new();
        model.zone("vpc", ZoneSort::Vpc);

        assert_eq!(state(&model.doc, "VIS-1", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn vis2_fails_each_missing_control() {
        // bare lacks Config and remediation; watched has Config only. Three, medium.
        let mut model = Model::new();
        model.account("bare");
        account(
            &mut model,
            "watched",
            Account {
                remediation: false,
                ..full()
            },
        );

        let findings = findings_of(&model.doc, "VIS-2");

        assert_eq!(places(&findings), [["bare"], ["bare"], ["watched"]]);
        assert!(findings.iter().all(|f| f.severity == Severity::Medium));
        assert_eq!(
            findings[2].title,
            "Account watched has no automated remediation"
        );
    }

    #[test]
    fn vis2_passes_config_with_remediation() {
        let mut model = Model::new();
        account(&mut model, "good", full());

        assert!(findings_of(&model.doc, "VIS-2").is_empty());
        assert_eq!(state(&model.doc, "VIS-2", &[]), ItemState::Pass);
    }

    #[test]
    fn vis2_not_applicable_without_accounts() {
        let mut model = Model::new();
        model.service("api");

        assert_eq!(state(&model.doc, "VIS-2", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn vis3_fails_trail_lake_and_unlogged_flows() {
        // bare lacks CloudTrail and CloudTrail Lake; own has its own lake; a → b is not
        // logged, b → a is. Three findings, high.
        let mut model = Model::new();
        model.account("bare");
        account(
            &mut model,
            "own",
            Account {
                cloudtrail_lake: CloudTrailLake::Own,
                ..full()
            },
        );
        model.service("a");
        model.service("b");
        model.flow(
            "a-b",
            "a",
            "b",
            Flow {
                logged: false,
                ..good_flow()
            },
        );
        model.flow("b-a", "b", "a", good_flow());

        let findings = findings_of(&model.doc, "VIS-3");

        assert_eq!(
            places(&findings),
            [vec!["bare"], vec!["bare"], vec!["a", "b"]]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(findings[1].title, "Account bare has no CloudTrail Lake");
        assert_eq!(findings[2].edges, ["a-b"]);
    }

    #[test]
    fn vis3_passes_logged_everything() {
        let mut model = Model::new();
        account(&mut model, "good", full());
        model.service("a");
        model.service("b");
        model.flow("a-b", "a", "b", good_flow());

        assert!(findings_of(&model.doc, "VIS-3").is_empty());
        assert_eq!(state(&model.doc, "VIS-3", &[]), ItemState::Pass);
    }

    #[test]
    fn vis3_not_applicable_without_accounts_or_flows() {
        let mut model = Model::new();
        model.service("a");

        assert_eq!(state(&model.doc, "VIS-3", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn vis3_applies_to_flows_alone() {
        // No account zone, one logged flow: the flow is the subject, and it passes.
        let mut model = Model::new();
        model.service("a");
        model.service("b");
        model.flow("a-b", "a", "b", good_flow());

        assert_eq!(state(&model.doc, "VIS-3", &[]), ItemState::Pass);
    }

    #[test]
    fn vis5_fails_member_account_without_scps() {
        // member has no SCPs: medium. management has none either but is exempt. guarded
        // has one. One finding.
        let mut model = Model::new();
        model.account("member");
        account(
            &mut model,
            "management",
            Account {
                management: true,
                scps: Vec::new(),
                ..full()
            },
        );
        account(&mut model, "guarded", full());

        let findings = findings_of(&model.doc, "VIS-5");

        assert_eq!(places(&findings), [["member"]]);
        assert_eq!(findings[0].severity, Severity::Medium);
    }

    #[test]
    fn vis5_passes_guarded_accounts() {
        let mut model = Model::new();
        account(&mut model, "guarded", full());

        assert!(findings_of(&model.doc, "VIS-5").is_empty());
        assert_eq!(state(&model.doc, "VIS-5", &[]), ItemState::Pass);
    }

    #[test]
    fn vis5_not_applicable_with_only_management_account() {
        // SCPs cannot restrict the management account, so it is no subject.
        let mut model = Model::new();
        account(
            &mut model,
            "management",
            Account {
                management: true,
                scps: Vec::new(),
                ..full()
            },
        );

        assert_eq!(state(&model.doc, "VIS-5", &[]), ItemState::NotApplicable);
    }
}
