//! A compact builder of small models for the checklist and east-west tests.

use super::{ItemState, evaluate, findings};
use crate::document::{
    Account, Authentication, Authorization, DataStore, Document, Edge, EdgeKind, External,
    ExternalSort, Flow, Gateway, Identity, IdentitySort, Key, Node, NodeKind, PortRange, Secret,
    Service, Tls, Zone, ZoneSort,
};
use crate::graph::Graph;
use crate::review::Finding;

/// A model under construction. Every node's label is its id.
pub(crate) struct Model {
    /// The document built so far.
    pub doc: Document,
}

impl Model {
    /// Starts an empty model.
    pub fn new() -> Self {
        Self {
            doc: Document::new("test"),
        }
    }

    /// Adds a node of any kind.
    pub fn node(&mut self, id: &str, kind: NodeKind) -> &mut Node {
        self.doc.nodes.push(Node::new(id, id, kind));
        self.doc.nodes.last_mut().expect("a node was just pushed")
    }

    /// Adds an external node.
    pub fn external(&mut self, id: &str, sort: ExternalSort) -> &mut Node {
        self.node(id, NodeKind::External(External { sort }))
    }

    /// Adds a gateway.
    pub fn gateway(&mut self, id: &str, gateway: Gateway) -> &mut Node {
        self.node(id, NodeKind::Gateway(gateway))
    }

    /// Adds a private service with neither a signed image nor immutable deployment.
    pub fn service(&mut self, id: &str) -> &mut Node {
        self.node(id, NodeKind::Service(Service::default()))
    }

    /// Adds a data store.
    pub fn store(&mut self, id: &str, store: DataStore) -> &mut Node {
        self.node(id, NodeKind::DataStore(store))
    }

    /// Adds a secret.
    pub fn secret(&mut self, id: &str, secret: Secret) -> &mut Node {
        self.node(id, NodeKind::Secret(secret))
    }

    /// Adds a key.
    pub fn key(&mut self, id: &str, key: Key) -> &mut Node {
        self.node(id, NodeKind::Key(key))
    }

    /// Adds an identity with short-lived credentials and no permission boundary.
    pub fn identity(&mut self, id: &str, sort: IdentitySort) -> &mut Node {
        self.node(
            id,
            NodeKind::Identity(Identity {
                sort,
                credentials: Default::default(),
                boundary: None,
            }),
        )
    }

    /// Adds a zone without default deny, outside any cardholder data environment.
    pub fn zone(&mut self, id: &str, sort: ZoneSort) -> &mut Node {
        self.node(
            id,
            NodeKind::Zone(Zone {
                sort,
                default_deny: false,
                cde: false,
            }),
        )
    }

    /// Adds an account zone with every control off.
    pub fn account(&mut self, id: &str) -> &mut Node {
        self.zone(id, ZoneSort::Account(Account::default()))
    }

    /// Puts a node or zone inside a zone.
    pub fn within(&mut self, id: &str, zone: &str) {
        let node = self
            .doc
            .node_mut(id)
            .unwrap_or_else(|| panic!("no node {id} in the test model"));
        node.parent = Some(zone.to_owned());
    }

    /// Adds an edge of any kind.
    pub fn edge(&mut self, id: &str, from: &str, to: &str, kind: EdgeKind) {
        self.doc.edges.push(Edge {
            id: id.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            kind,
        });
    }

    /// Adds a flow.
    pub fn flow(&mut self, id: &str, from: &str, to: &str, flow: Flow) {
        self.edge(id, from, to, EdgeKind::Flow(flow));
    }
}

/// Returns a flow that every flow predicate passes: mTLS, custom authorization, TLS 1.3,
/// logged, one port, a private network and a /32 source range.
pub(crate) fn good_flow() -> Flow {
    Flow {
        protocol: "HTTPS".into(),
        ports: Some(PortRange::single(443)),
        source_range: Some("203.0.113.7/32".into()),
        tls: Tls::V1_3,
        logged: true,
        authentication: Authentication::Mtls,
        authorization: Authorization::Custom,
        ..Flow::default()
    }
}

/// Returns the findings the checklist predicates give under one item.
pub(crate) fn findings_of(doc: &Document, rule: &str) -> Vec<Finding> {
    let graph = Graph::new(doc);
    findings(&graph)
        .into_iter()
        .filter(|finding| finding.rule == rule)
        .collect()
}

/// Returns an item's state given the predicate findings and some extra ones.
pub(crate) fn state(doc: &Document, rule: &str, extra: &[Finding]) -> ItemState {
    let graph = Graph::new(doc);
    let mut all = findings(&graph);
    all.extend_from_slice(extra);
    evaluate(&graph, &all)
        .into_iter()
        .find(|result| result.id == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
        .state
}

/// Returns the node ids of each finding, for compact assertions.
pub(crate) fn places(findings: &[Finding]) -> Vec<Vec<&str>> {
    findings
        .iter()
        .map(|finding| finding.nodes.iter().map(String::as_str).collect())
        .collect()
}
