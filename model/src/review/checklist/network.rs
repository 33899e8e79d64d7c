//! The network pillar: default deny (NET-1), no public endpoints but gateways with a WAF
//! (NET-2), request signing or tokens at the edge (NET-3), private paths between VPCs and
//! accounts (NET-4) and narrow source ranges and ports (NET-5).

use std::net::IpAddr;

use super::{Check, base_severity, flow_finding, label, nodes_where};
use crate::document::{Authentication, NetworkPath, NodeKind, ZoneSort};
use crate::graph::{EdgeIx, Graph, NodeIx};
use crate::review::{Finding, Severity};

/// The network items, in checklist order.
pub(super) const CHECKS: &[Check] = &[
    Check {
        id: "NET-1",
        findings: zones_without_default_deny,
        applies: has_network_zones,
    },
    Check {
        id: "NET-2",
        findings: public_endpoints,
        applies: has_public_nodes_or_gateways,
    },
    Check {
        id: "NET-3",
        findings: edge_without_tokens,
        applies: has_public_gateways,
    },
    Check {
        id: "NET-4",
        findings: public_paths_between_zones,
        applies: has_flows_between_zones,
    },
    Check {
        id: "NET-5",
        findings: broad_ranges,
        applies: has_flows,
    },
];

/// The shortest prefix an IPv4 source range may have: a /24 passes, a /23 fails.
const MIN_IPV4_PREFIX: u8 = 24;

/// The shortest prefix an IPv6 source range may have: a /48 passes, a /47 fails.
const MIN_IPV6_PREFIX: u8 = 48;

fn is_network_zone(graph: &Graph<'_>, ix: NodeIx) -> bool {
    matches!(
        &graph.node(ix).kind,
        NodeKind::Zone(zone) if matches!(zone.sort, ZoneSort::Vpc | ZoneSort::Subnet { .. })
    )
}

fn has_network_zones(graph: &Graph<'_>) -> bool {
    !nodes_where(graph, |ix| is_network_zone(graph, ix)).is_empty()
}

fn has_public_nodes_or_gateways(graph: &Graph<'_>) -> bool {
    graph
        .doc
        .nodes
        .iter()
        .any(|node| node.is_public() || matches!(node.kind, NodeKind::Gateway(_)))
}

fn is_public_gateway(graph: &Graph<'_>, ix: NodeIx) -> bool {
    matches!(&graph.node(ix).kind, NodeKind::Gateway(gateway) if gateway.public)
}

fn has_public_gateways(graph: &Graph<'_>) -> bool {
    !nodes_where(graph, |ix| is_public_gateway(graph, ix)).is_empty()
}

fn has_flows(graph: &Graph<'_>) -> bool {
    graph.flows.edge_count() > 0
}

fn has_flows_between_zones(graph: &Graph<'_>) -> bool {
    graph
        .all_flows()
        .into_iter()
        .any(|(_, from, to)| crosses_zones(graph, from, to))
}

/// NET-1: a VPC or subnet zone without default deny.
fn zones_without_default_deny(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("NET-1");
    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| is_network_zone(graph, ix)) {
        let NodeKind::Zone(zone) = &graph.node(ix).kind else {
            continue;
        };
        if zone.default_deny {
            continue;
        }
        let title = format!(
            "{} {} admits more than the drawn flows",
            zone.sort.name(),
            label(graph, ix)
        );
        findings.push(Finding::new("NET-1", base, title).with_nodes(graph, [ix]));
    }
    findings
}

/// NET-2: a public service or data store (critical for a data store), or a public gateway
/// without a WAF.
fn public_endpoints(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("NET-2");
    let mut findings = Vec::new();
    for ix in nodes_where(graph, |ix| graph.node(ix).is_public()) {
        let name = label(graph, ix);
        let (severity, title) = match &graph.node(ix).kind {
            NodeKind::Service(_) => (base, format!("Service {name} has a public endpoint")),
            NodeKind::DataStore(_) => (
                Severity::Critical,
                format!("Data store {name} has a public endpoint"),
            ),
            NodeKind::Gateway(gateway) if !gateway.waf => {
                (base, format!("Public gateway {name} has no WAF"))
            }
            _ => continue,
        };
        findings.push(Finding::new("NET-2", severity, title).with_nodes(graph, [ix]));
    }
    findings
}

/// NET-3: a flow from an external node into a public gateway whose authentication is not a
/// user JWT, workload JWT, SigV4 or mTLS, unless the gateway requires request signing. A
/// public gateway without a drawn flow from an external node is reached by an implicit flow
/// from the Internet with no authentication.
fn edge_without_tokens(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("NET-3");
    let mut findings = Vec::new();
    for gateway_ix in nodes_where(graph, |ix| is_public_gateway(graph, ix)) {
        let NodeKind::Gateway(gateway) = &graph.node(gateway_ix).kind else {
            continue;
        };
        let from_outside: Vec<(EdgeIx, NodeIx)> = graph
            .flows_in(gateway_ix)
            .into_iter()
            .filter(|&(_, caller)| graph.node(caller).is_external())
            .collect();
        if gateway.request_signing {
            continue;
        }

        if from_outside.is_empty() {
            let title = format!(
                "Public gateway {} is reached from the Internet with no authentication",
                label(graph, gateway_ix)
            );
            findings.push(Finding::new("NET-3", base, title).with_nodes(graph, [gateway_ix]));
            continue;
        }

        for (edge_ix, caller) in from_outside {
            let authentication = graph.flow(edge_ix).authentication;
            if is_edge_token(authentication) {
                continue;
            }
            let problem = format!(
                "reaches a public gateway and {}; a signed request or token is expected",
                super::identity::authentication_clause(authentication)
            );
            let mut finding = flow_finding(
                graph,
                "NET-3",
                base,
                (edge_ix, caller, gateway_ix),
                &problem,
            );
            if authentication == Authentication::Unknown {
                finding = finding
                    .with_unknown(format!("authentication of flow {}", graph.edge(edge_ix).id));
            }
            findings.push(finding);
        }
    }
    findings
}

/// Returns whether an authentication is a token or a signed request fit for the edge.
fn is_edge_token(authentication: Authentication) -> bool {
    matches!(
        authentication,
        Authentication::UserJwt
            | Authentication::WorkloadJwt
            | Authentication::SigV4
            | Authentication::Mtls
    )
}

/// Returns whether a flow joins two internal nodes whose nearest VPCs or nearest accounts
/// differ. A node in no VPC is in "no VPC", which differs from every VPC.
fn crosses_zones(graph: &Graph<'_>, from: NodeIx, to: NodeIx) -> bool {
    if !(graph.is_internal(from) && graph.is_internal(to)) {
        return false;
    }
    let vpc = |ix| graph.nearest_zone(ix, |sort| matches!(sort, ZoneSort::Vpc));
    let account = |ix| graph.nearest_zone(ix, |sort| matches!(sort, ZoneSort::Account(_)));
    vpc(from) != vpc(to) || account(from) != account(to)
}

/// NET-4: a flow between internal nodes in different VPCs or accounts over the public
/// Internet.
fn public_paths_between_zones(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("NET-4");
    graph
        .all_flows()
        .into_iter()
        .filter(|&(edge_ix, from, to)| {
            crosses_zones(graph, from, to) && graph.flow(edge_ix).network == NetworkPath::Public
        })
        .map(|place| {
            flow_finding(
                graph,
                "NET-4",
                base,
                place,
                "crosses VPCs or accounts over the public Internet",
            )
        })
        .collect()
}

/// NET-5: a flow from an external node into anything but a public gateway with no source
/// range, an invalid one, or one broader than an IPv4 /24 or an IPv6 /48. Any flow whose port
/// range spans more than one port fails too, as a finding of its own.
fn broad_ranges(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("NET-5");
    let mut findings = Vec::new();
    for place @ (edge_ix, from, to) in graph.all_flows() {
        let flow = graph.flow(edge_ix);

        if graph.node(from).is_external() && !is_public_gateway(graph, to) {
            let problem = match flow.source_range.as_deref() {
                None => Some("admits any source address".to_owned()),
                Some(range) => match parse_cidr(range) {
                    None => Some(format!(
                        "has a source range {range:?} that is not a valid CIDR"
                    )),
                    Some(cidr) if is_broad(cidr) => Some(format!(
                        "admits the source range {range}, broader than /{MIN_IPV4_PREFIX} \
                         (IPv4) or /{MIN_IPV6_PREFIX} (IPv6)"
                    )),
                    Some(_) => None,
                },
            };
            if let Some(problem) = problem {
                findings.push(flow_finding(graph, "NET-5", base, place, &problem));
            }
        }

        if let Some(ports) = flow.ports
            && ports.len() > 1
        {
            let problem = format!("admits the port range {}-{}", ports.first, ports.last);
            findings.push(flow_finding(graph, "NET-5", base, place, &problem));
        }
    }
    findings
}

/// Parses a CIDR block such as `203.0.113.0/24` or `2001:db8::/48`. An address without a
/// prefix is a single host. Returns `None` when the text is not a valid block.
fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let text = text.trim();
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().ok()?;
    let max_prefix = if address.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        // Only plain decimal digits: `u8::from_str` would also take a leading `+`.
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse::<u8>().ok()?
        }
        Some(_) => return None,
        None => max_prefix,
    };
    (prefix <= max_prefix).then_some((address, prefix))
}

/// Returns whether a CIDR block is broader than a /24 (IPv4) or a /48 (IPv6).
fn is_broad((address, prefix): (IpAddr, u8)) -> bool {
    match address {
        IpAddr::V4(_) => prefix < MIN_IPV4_PREFIX,
        IpAddr::V6(_) => prefix < MIN_IPV6_PREFIX,
    }
}

#[cfg(test)]
mod tests {
    use super::super::ItemState;
    use super::super::testing::{Model, findings_of, good_flow, places, state};
    use super::*;
    use crate::document::{
        DataStore, ExternalSort, Flow, Gateway, NodeKind, PortRange, Service, Zone,
    };

    fn with_deny(model: &mut Model, id: &str, sort: ZoneSort) {
        model.node(
            id,
            NodeKind::Zone(Zone {
                sort,
                default_deny: true,
                cde: false,
            }),
        );
    }

    fn public_gateway(waf: bool, request_signing: bool) -> Gateway {
        Gateway {
            public: true,
            waf,
            request_signing,
            identity_aware: false,
        }
    }

    #[test]
    fn net1_fails_zones_without_default_deny() {
        // vpc and the subnet open lack default deny; the closed subnet has it; account and
        // EKS zones are no subject. Two findings, high.
        let mut model = Model::new();
        model.account("acct");
        model.zone("vpc", ZoneSort::Vpc);
        with_deny(&mut model, "closed", ZoneSort::Subnet { public: false });
        model.zone("open", ZoneSort::Subnet { public: true });
        model.zone("eks", ZoneSort::EksCluster);

        let findings = findings_of(&model.doc, "NET-1");

        assert_eq!(places(&findings), [["vpc"], ["open"]]);
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(
            findings[1].title,
            "subnet open admits more than the drawn flows"
        );
    }

    #[test]
    fn net1_passes_default_deny() {
        let mut model = Model::new();
        with_deny(&mut model, "vpc", ZoneSort::Vpc);

        assert!(findings_of(&model.doc, "NET-1").is_empty());
        assert_eq!(state(&model.doc, "NET-1", &[]), ItemState::Pass);
    }

    #[test]
    fn net1_not_applicable_without_vpc_or_subnet() {
        let mut model = Model::new();
        model.account("acct");

        assert_eq!(state(&model.doc, "NET-1", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn net2_fails_public_endpoints() {
        // bare (public gateway, no WAF): high. guarded (WAF): fine. api (public service):
        // high. bucket (public store): critical. inner (private gateway): fine.
        let mut model = Model::new();
        model.gateway("bare", public_gateway(false, false));
        model.gateway("guarded", public_gateway(true, false));
        model.node(
            "api",
            NodeKind::Service(Service {
                public: true,
                ..Service::default()
            }),
        );
        model.store(
            "bucket",
            DataStore {
                public: true,
                ..DataStore::default()
            },
        );
        model.gateway("inner", Gateway::default());

        let findings = findings_of(&model.doc, "NET-2");

        assert_eq!(places(&findings), [["bare"], ["api"], ["bucket"]]);
        assert_eq!(findings[0].severity, Severity::High);
        assert_eq!(findings[1].severity, Severity::High);
        assert_eq!(findings[2].severity, Severity::Critical);
    }

    #[test]
    fn net2_passes_gateway_with_waf() {
        let mut model = Model::new();
        model.gateway("edge", public_gateway(true, false));
        model.service("api");

        assert!(findings_of(&model.doc, "NET-2").is_empty());
        assert_eq!(state(&model.doc, "NET-2", &[]), ItemState::Pass);
    }

    #[test]
    fn net2_not_applicable_without_public_nodes_or_gateways() {
        let mut model = Model::new();
        model.service("api");
        model.store("db", DataStore::default());

        assert_eq!(state(&model.doc, "NET-2", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn net3_fails_edge_without_tokens() {
        // keyed: customer with an API key fails, partner with mTLS passes. implicit: no
        // drawn caller, so the Internet reaches it with no authentication. signed: requires
        // request signing. unknown: customer with unknown authentication. private: no
        // subject. Three findings, medium.
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.external("partner", ExternalSort::Partner);
        model.gateway("keyed", public_gateway(true, false));
        model.gateway("implicit", public_gateway(true, false));
        model.gateway("signed", public_gateway(true, true));
        model.gateway("unknown", public_gateway(true, false));
        model.gateway("private", Gateway::default());
        let authenticated = |authentication| Flow {
            authentication,
            ..good_flow()
        };
        model.flow(
            "customer-keyed",
            "customer",
            "keyed",
            authenticated(Authentication::ApiKey),
        );
        model.flow(
            "partner-keyed",
            "partner",
            "keyed",
            authenticated(Authentication::Mtls),
        );
        model.flow(
            "customer-unknown",
            "customer",
            "unknown",
            authenticated(Authentication::Unknown),
        );
        model.flow(
            "customer-private",
            "customer",
            "private",
            authenticated(Authentication::None),
        );

        let findings = findings_of(&model.doc, "NET-3");

        assert_eq!(
            places(&findings),
            [
                vec!["customer", "keyed"],
                vec!["implicit"],
                vec!["customer", "unknown"],
            ]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::Medium));
        assert!(findings[1].edges.is_empty());
        assert_eq!(
            findings[1].title,
            "Public gateway implicit is reached from the Internet with no authentication"
        );
        assert_eq!(
            findings[2].unknown,
            ["authentication of flow customer-unknown"]
        );
        assert!(
            findings[0].title.ends_with(
                "reaches a public gateway and authenticates with API key; a signed request or \
                 token is expected"
            ),
            "{}",
            findings[0].title
        );
    }

    #[test]
    fn net3_passes_token_at_edge() {
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.gateway("edge", public_gateway(true, false));
        model.flow(
            "customer-edge",
            "customer",
            "edge",
            Flow {
                authentication: Authentication::UserJwt,
                ..good_flow()
            },
        );

        assert!(findings_of(&model.doc, "NET-3").is_empty());
        assert_eq!(state(&model.doc, "NET-3", &[]), ItemState::Pass);
    }

    #[test]
    fn net3_not_applicable_without_public_gateway() {
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.gateway("inner", Gateway::default());
        model.flow("customer-inner", "customer", "inner", Flow::default());

        assert_eq!(state(&model.doc, "NET-3", &[]), ItemState::NotApplicable);
    }

    /// Accounts acct-a and acct-b, each with one VPC: a and a2 in vpc-a, b in vpc-b.
    fn two_accounts() -> Model {
        let mut model = Model::new();
        model.account("acct-a");
        model.account("acct-b");
        model.zone("vpc-a", ZoneSort::Vpc);
        model.zone("vpc-b", ZoneSort::Vpc);
        model.within("vpc-a", "acct-a");
        model.within("vpc-b", "acct-b");
        for (id, vpc) in [("a", "vpc-a"), ("a2", "vpc-a"), ("b", "vpc-b")] {
            model.service(id);
            model.within(id, vpc);
        }
        model
    }

    fn on(network: NetworkPath) -> Flow {
        Flow {
            network,
            ..good_flow()
        }
    }

    #[test]
    fn net4_fails_public_path_between_zones() {
        // a → b crosses accounts publicly: fails. a → b privately: fine. a → a2 stays in
        // vpc-a: no subject. lone (in no VPC or account) → a publicly: "no VPC" differs
        // from vpc-a, fails. Two findings, high.
        let mut model = two_accounts();
        model.service("lone");
        model.flow("a-b", "a", "b", on(NetworkPath::Public));
        model.flow("a-b-private", "a", "b", on(NetworkPath::Private));
        model.flow("a-a2", "a", "a2", on(NetworkPath::Public));
        model.flow("lone-a", "lone", "a", on(NetworkPath::Public));

        let findings = findings_of(&model.doc, "NET-4");

        assert_eq!(places(&findings), [["a", "b"], ["lone", "a"]]);
        assert!(findings.iter().all(|f| f.severity == Severity::High));
        assert_eq!(findings[0].edges, ["a-b"]);
    }

    #[test]
    fn net4_passes_private_link() {
        let mut model = two_accounts();
        model.flow("a-b", "a", "b", on(NetworkPath::PrivateLink));

        assert!(findings_of(&model.doc, "NET-4").is_empty());
        assert_eq!(state(&model.doc, "NET-4", &[]), ItemState::Pass);
    }

    #[test]
    fn net4_not_applicable_within_one_zone() {
        // a → a2 in one VPC, and x → y with no zones at all ("no VPC" equals itself).
        let mut model = two_accounts();
        model.service("x");
        model.service("y");
        model.flow("a-a2", "a", "a2", on(NetworkPath::Public));
        model.flow("x-y", "x", "y", on(NetworkPath::Public));

        assert!(findings_of(&model.doc, "NET-4").is_empty());
        assert_eq!(state(&model.doc, "NET-4", &[]), ItemState::NotApplicable);
    }

    fn ranged(range: Option<&str>, ports: Option<(u16, u16)>) -> Flow {
        Flow {
            source_range: range.map(str::to_owned),
            ports: ports.map(|(first, last)| PortRange { first, last }),
            ..good_flow()
        }
    }

    #[test]
    fn net5_fails_broad_ranges() {
        // 1 no range into a service; 2 an IPv4 /16; 3 an IPv6 /32; 4 an IPv6 /48 is fine;
        // 5 no range into a public gateway is fine; 6 ports 1024-2048 into the gateway;
        // 7 ports 8000-8001 between services; 8 a range that is no CIDR; 9 a /8 with ports
        // 80-443 gives two findings. Eight findings, medium.
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.external("partner", ExternalSort::Partner);
        model.gateway("gw", public_gateway(true, false));
        model.service("svc");
        model.service("other");
        let port = Some((443, 443));
        model.flow("f1", "customer", "svc", ranged(None, port));
        model.flow("f2", "customer", "svc", ranged(Some("10.0.0.0/16"), port));
        model.flow("f3", "partner", "svc", ranged(Some("2001:db8::/32"), port));
        model.flow(
            "f4",
            "partner",
            "svc",
            ranged(Some("2001:db8:1::/48"), port),
        );
        model.flow("f5", "customer", "gw", ranged(None, port));
        model.flow("f6", "customer", "gw", ranged(None, Some((1024, 2048))));
        model.flow("f7", "svc", "other", ranged(None, Some((8000, 8001))));
        model.flow("f8", "customer", "svc", ranged(Some("not-a-cidr"), port));
        model.flow(
            "f9",
            "customer",
            "svc",
            ranged(Some("10.0.0.0/8"), Some((80, 443))),
        );

        let findings = findings_of(&model.doc, "NET-5");

        let edges: Vec<&str> = findings.iter().map(|f| f.edges[0].as_str()).collect();
        assert_eq!(edges, ["f1", "f2", "f3", "f6", "f7", "f8", "f9", "f9"]);
        assert!(findings.iter().all(|f| f.severity == Severity::Medium));
        assert_eq!(
            findings[0].title,
            "Flow customer → svc admits any source address"
        );
        assert_eq!(findings[3].nodes, ["customer", "gw"]);
        assert_eq!(
            findings[3].title,
            "Flow customer → gw admits the port range 1024-2048"
        );
        assert_eq!(
            findings[5].title,
            "Flow customer → svc has a source range \"not-a-cidr\" that is not a valid CIDR"
        );
        assert!(findings[6].title.contains("10.0.0.0/8"));
        assert!(findings[7].title.contains("80-443"));
    }

    #[test]
    fn net5_passes_narrow_rules() {
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.service("svc");
        model.flow(
            "f",
            "customer",
            "svc",
            ranged(Some("203.0.113.0/24"), Some((443, 443))),
        );

        assert!(findings_of(&model.doc, "NET-5").is_empty());
        assert_eq!(state(&model.doc, "NET-5", &[]), ItemState::Pass);
    }

    #[test]
    fn net5_not_applicable_without_flows() {
        let mut model = Model::new();
        model.external("customer", ExternalSort::Customer);
        model.service("svc");

        assert_eq!(state(&model.doc, "NET-5", &[]), ItemState::NotApplicable);
    }

    #[test]
    fn parse_cidr_cases() {
        let v4 = |text: &str| text.parse::<IpAddr>().ok();
        assert_eq!(parse_cidr("10.0.0.1"), v4("10.0.0.1").map(|ip| (ip, 32)));
        assert_eq!(
            parse_cidr(" 10.0.0.0/24 "),
            v4("10.0.0.0").map(|ip| (ip, 24))
        );
        assert_eq!(parse_cidr("::/0").map(|(_, prefix)| prefix), Some(0));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert_eq!(parse_cidr("2001:db8::/129"), None);
        assert_eq!(parse_cidr("10.0.0.0/+8"), None);
        assert_eq!(parse_cidr("10.0.0.0/"), None);
        assert_eq!(parse_cidr("10.0.0/8"), None);
        assert_eq!(parse_cidr(""), None);
        assert_eq!(parse_cidr("10.0.0.0/99999999999999999999"), None);
    }

    #[test]
    fn broad_prefix_limits() {
        let cidr = |text| parse_cidr(text).expect("a valid CIDR");
        assert!(!is_broad(cidr("10.0.0.0/24")));
        assert!(is_broad(cidr("10.0.0.0/23")));
        assert!(!is_broad(cidr("2001:db8::/48")));
        assert!(is_broad(cidr("2001:db8::/47")));
    }
}
