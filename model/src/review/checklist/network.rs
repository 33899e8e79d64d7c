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
                "reaches a public gateway with {} authentication, not a signed request or token",
                authentication.name()
            );
            let mut finding =
                flow_finding(graph, "NET-3", base, (edge_ix, caller, gateway_ix), &problem);
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
/// range, an invalid one, or one broader than an IPv4 /24 or an IPv6 /48; and any flow whose
/// port range spans more than one port. Each is its own finding.
fn broad_ranges(graph: &Graph<'_>) -> Vec<Finding> {
    let base = base_severity("NET-5");
    let mut findings = Vec::new();
    for place @ (edge_ix, from, to) in graph.all_flows() {
        let flow = graph.flow(edge_ix);

        if graph.node(from).is_external() && !is_public_gateway(graph, to) {
            let problem = match flow.source_range.as_deref() {
                None => Some("admits any source address".to_owned()),
                Some(range) => match parse_cidr(range) {
                    None => Some(format!("has a source range {range:?} that is not a valid CIDR")),
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

/// Parses a CIDR block such as `203.0.113.0/24` or `2001:db8::/48`; an address without a
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
