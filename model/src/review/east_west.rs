//! Q3: is east-west traffic fully authenticated and logged?
//!
//! Every node that is neither external nor a zone is internal, gateways included, and an
//! east-west flow joins two internal nodes (a bidirectional flow is two flows). It passes
//! when its check of the immediate caller proves the calling workload's identity (mTLS,
//! SigV4, a workload JWT or a managed secret) and authorizes it, and when the flow is logged
//! and uses TLS 1.3. An API key is a shared secret and a user JWT or session belongs to the
//! end user, so neither proves the workload's identity.

use serde::Serialize;

use super::{Finding, Severity, rules};
use crate::document::{Authentication, Authorization, Flow, Tls};
use crate::graph::{EdgeIx, Graph};

/// One failing east-west flow with every reason it fails.
#[derive(Clone, Debug, Serialize)]
pub struct FailingFlow {
    /// Flow id.
    pub flow: String,
    /// Caller id.
    pub from: String,
    /// Callee id.
    pub to: String,
    /// Each reason, as a short phrase, in the order authentication, authorization, logging,
    /// TLS.
    pub reasons: Vec<String>,
    /// Attributes whose value is unknown and that a reason rests on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// The flow's authorization is a Cedar check whose policies were not evaluated, so it
    /// counts as authorization even if the store would close the flow.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cedar_not_evaluated: bool,
}

/// The answer to Q3.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EastWest {
    /// East-west flows that pass.
    pub passing: usize,
    /// All east-west flows.
    pub total: usize,
    /// The failing flows, in document order.
    pub failing: Vec<FailingFlow>,
}

impl EastWest {
    /// Returns the one-line answer, such as "3 of 5 east-west flows pass".
    pub fn summary(&self) -> String {
        format!("{} of {} east-west flows pass", self.passing, self.total)
    }
}

/// Answers Q3.
pub fn answer(graph: &Graph<'_>) -> EastWest {
    let mut east_west = EastWest::default();
    for (edge_ix, from, to) in graph.all_flows() {
        if !(graph.is_internal(from) && graph.is_internal(to)) {
            continue;
        }
        east_west.total += 1;

        match failing_flow(graph, edge_ix) {
            Some(failing) => east_west.failing.push(failing),
            None => east_west.passing += 1,
        }
    }
    east_west
}

/// Returns the flow with its reasons when it fails, `None` when it passes.
fn failing_flow(graph: &Graph<'_>, edge_ix: EdgeIx) -> Option<FailingFlow> {
    let edge = graph.edge(edge_ix);
    let flow = graph.flow(edge_ix);
    let mut reasons = Vec::new();
    let mut unknown = Vec::new();

    if let Some(reason) = authentication_reason(flow.authentication) {
        reasons.push(reason.to_owned());
        if flow.authentication == Authentication::Unknown {
            unknown.push(format!("authentication of flow {}", edge.id));
        }
    }
    match flow.authorization {
        Authorization::None => reasons.push("the caller is not authorized".to_owned()),
        Authorization::Unknown => {
            reasons.push("the caller's authorization is unknown".to_owned());
            unknown.push(format!("authorization of flow {}", edge.id));
        }
        _ => {}
    }
    if graph.cedar().is_closed(edge_ix) {
        reasons.push("its Cedar store permits the action to no principal".to_owned());
    }
    if !flow.logged {
        reasons.push("requests are not logged".to_owned());
    }
    if let Some(reason) = tls_reason(flow) {
        reasons.push(reason.to_owned());
    }

    if reasons.is_empty() {
        return None;
    }
    Some(FailingFlow {
        flow: edge.id.clone(),
        from: edge.from.clone(),
        to: edge.to.clone(),
        reasons,
        unknown,
        // A Cedar check whose store could not be asked counts as authorization.
        cedar_not_evaluated: flow.authorization.cedar().is_some()
            && graph.cedar().is_unevaluated(edge_ix) != Some(false),
    })
}

/// Returns why an authentication does not prove the calling workload's identity, if it
/// does not.
fn authentication_reason(authentication: Authentication) -> Option<&'static str> {
    match authentication {
        Authentication::Mtls
        | Authentication::SigV4
        | Authentication::WorkloadJwt
        | Authentication::ManagedSecret => None,
        Authentication::None => Some("the calling workload is not authenticated"),
        Authentication::Unknown => Some("the calling workload's authentication is unknown"),
        Authentication::ApiKey => Some("an API key is a shared secret, not a workload identity"),
        Authentication::UserJwt => Some("a user JWT is not the workload's identity"),
        Authentication::Session => Some("a session is not the workload's identity"),
    }
}

fn tls_reason(flow: &Flow) -> Option<&'static str> {
    match flow.tls {
        Tls::None => Some("no TLS"),
        Tls::V1_2 => Some("TLS 1.2, not TLS 1.3"),
        Tls::V1_3 => None,
    }
}

/// Returns the REV-3 findings: one for each failing east-west flow, high.
pub fn findings(graph: &Graph<'_>, east_west: &EastWest) -> Vec<Finding> {
    let severity = rules::rule("REV-3").severity.unwrap_or(Severity::High);
    east_west
        .failing
        .iter()
        .map(|failing| {
            let label = |id: &str| {
                graph
                    .ix(id)
                    .map_or(id, |ix| graph.node(ix).label.as_str())
                    .to_owned()
            };
            let title = format!(
                "East-west flow {} → {} fails: {}",
                label(&failing.from),
                label(&failing.to),
                failing.reasons.join("; ")
            );
            let mut finding = Finding::new("REV-3", severity, title);
            finding.nodes = vec![failing.from.clone(), failing.to.clone()];
            finding.edges = vec![failing.flow.clone()];
            finding.unknown = failing.unknown.clone();
            finding.cedar_not_evaluated = failing.cedar_not_evaluated;
            finding
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{CedarCheck, ExternalSort, Gateway};
    use crate::review::checklist::testing::{Model, good_flow};

    fn answer_of(model: &Model) -> EastWest {
        answer(&Graph::new(&model.doc))
    }

    #[test]
    fn bidirectional_flow_counts_twice() {
        // a → b passes, b → a is not logged: 1 of 2 pass, b → a fails for one reason.
        let mut model = Model::new();
        model.service("a");
        model.service("b");
        model.flow("a-b", "a", "b", good_flow());
        model.flow(
            "b-a",
            "b",
            "a",
            Flow {
                logged: false,
                ..good_flow()
            },
        );

        let east_west = answer_of(&model);

        assert_eq!(east_west.total, 2);
        assert_eq!(east_west.passing, 1);
        assert_eq!(east_west.summary(), "1 of 2 east-west flows pass");
        assert_eq!(east_west.failing.len(), 1);
        assert_eq!(east_west.failing[0].flow, "b-a");
        assert_eq!(east_west.failing[0].from, "b");
        assert_eq!(east_west.failing[0].to, "a");
        assert_eq!(east_west.failing[0].reasons, ["requests are not logged"]);
    }

    #[test]
    fn failing_flow_lists_every_reason() {
        // Unknown authentication, unknown authorization, not logged and no TLS: four reasons,
        // two unknown attributes.
        let mut model = Model::new();
        model.service("a");
        model.service("b");
        model.flow("a-b", "a", "b", Flow::default());

        let east_west = answer_of(&model);

        assert_eq!(east_west.summary(), "0 of 1 east-west flows pass");
        let failing = &east_west.failing[0];
        assert_eq!(
            failing.reasons,
            [
                "the calling workload's authentication is unknown",
                "the caller's authorization is unknown",
                "requests are not logged",
                "no TLS",
            ]
        );
        assert_eq!(
            failing.unknown,
            ["authentication of flow a-b", "authorization of flow a-b"]
        );
    }

    #[test]
    fn each_reason_alone() {
        // Each change to a passing flow gives exactly its own reason.
        let cases: [(Flow, &str); 5] = [
            (
                Flow {
                    authentication: Authentication::None,
                    ..good_flow()
                },
                "the calling workload is not authenticated",
            ),
            (
                Flow {
                    authentication: Authentication::Session,
                    ..good_flow()
                },
                "a session is not the workload's identity",
            ),
            (
                Flow {
                    authorization: Authorization::None,
                    ..good_flow()
                },
                "the caller is not authorized",
            ),
            (
                Flow {
                    tls: Tls::V1_2,
                    ..good_flow()
                },
                "TLS 1.2, not TLS 1.3",
            ),
            (
                Flow {
                    logged: false,
                    ..good_flow()
                },
                "requests are not logged",
            ),
        ];
        for (flow, reason) in cases {
            let mut model = Model::new();
            model.service("a");
            model.service("b");
            model.flow("a-b", "a", "b", flow);

            let east_west = answer_of(&model);

            assert_eq!(east_west.passing, 0, "{reason}");
            assert_eq!(east_west.failing[0].reasons, [reason]);
            assert!(east_west.failing[0].unknown.is_empty(), "{reason}");
        }
    }

    #[test]
    fn api_key_and_user_jwt_are_not_workload_identity() {
        let mut model = Model::new();
        model.service("a");
        model.service("b");
        model.service("c");
        model.flow(
            "a-b",
            "a",
            "b",
            Flow {
                authentication: Authentication::ApiKey,
                ..good_flow()
            },
        );
        model.flow(
            "a-c",
            "a",
            "c",
            Flow {
                authentication: Authentication::UserJwt,
                ..good_flow()
            },
        );

        let east_west = answer_of(&model);

        assert_eq!(east_west.passing, 0);
        assert_eq!(
            east_west.failing[0].reasons,
            ["an API key is a shared secret, not a workload identity"]
        );
        assert_eq!(
            east_west.failing[1].reasons,
            ["a user JWT is not the workload's identity"]
        );
    }

    #[test]
    fn workload_authentications_pass() {
        // mTLS, SigV4, workload JWT and managed secret each prove the workload: 4 of 4.
        let mut model = Model::new();
        model.service("caller");
        for (ix, authentication) in [
            Authentication::Mtls,
            Authentication::SigV4,
            Authentication::WorkloadJwt,
            Authentication::ManagedSecret,
        ]
        .into_iter()
        .enumerate()
        {
            let callee = format!("callee-{ix}");
            model.service(&callee);
            model.flow(
                &format!("flow-{ix}"),
                "caller",
                &callee,
                Flow {
                    authentication,
                    ..good_flow()
                },
            );
        }

        let east_west = answer_of(&model);

        assert_eq!(east_west.summary(), "4 of 4 east-west flows pass");
    }

    #[test]
    fn gateway_counts_as_internal() {
        // customer → gateway is not east-west; gateway → api is: 1 of 1 passes.
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.gateway("gw", Gateway::default());
        model.service("api");
        model.flow("customer-gw", "customer", "gw", Flow::default());
        model.flow("gw-api", "gw", "api", good_flow());

        let east_west = answer_of(&model);

        assert_eq!(east_west.total, 1);
        assert_eq!(east_west.passing, 1);
        assert!(east_west.failing.is_empty());
    }

    #[test]
    fn no_east_west_flows() {
        let model = Model::new();

        let east_west = answer_of(&model);

        assert_eq!(east_west.summary(), "0 of 0 east-west flows pass");
    }

    #[test]
    fn findings_one_per_failing_flow() {
        // a → b fails for two reasons, b → c fails with a Cedar check, a → c passes:
        // two REV-3 findings, high, naming both ends and the flow.
        let mut model = Model::new();
        model.service("a");
        model.service("b").critical = true;
        model.service("c");
        model.flow(
            "a-b",
            "a",
            "b",
            Flow {
                authentication: Authentication::Unknown,
                tls: Tls::None,
                ..good_flow()
            },
        );
        model.flow(
            "b-c",
            "b",
            "c",
            Flow {
                authorization: Authorization::Cedar(CedarCheck {
                    store: "store".into(),
                    action: "Call".into(),
                }),
                logged: false,
                ..good_flow()
            },
        );
        model.flow("a-c", "a", "c", good_flow());
        let graph = Graph::new(&model.doc);

        let east_west = answer(&graph);
        let findings = findings(&graph, &east_west);

        assert_eq!(east_west.summary(), "1 of 3 east-west flows pass");
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(|finding| finding.rule == "REV-3"));
        assert!(
            findings
                .iter()
                .all(|finding| finding.severity == Severity::High),
            "REV-3 is high even next to a crown jewel"
        );
        assert_eq!(findings[0].nodes, ["a", "b"]);
        assert_eq!(findings[0].edges, ["a-b"]);
        assert_eq!(
            findings[0].title,
            "East-west flow a → b fails: the calling workload's authentication is unknown; \
             no TLS"
        );
        assert_eq!(findings[0].unknown, ["authentication of flow a-b"]);
        assert!(!findings[0].cedar_not_evaluated);
        assert_eq!(findings[1].nodes, ["b", "c"]);
        assert!(findings[1].cedar_not_evaluated);
    }
}
