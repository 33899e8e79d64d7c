//! A small builder of hand-drawn models for the tests of the review searches.

use crate::document::{
    Authentication, Authorization, CedarCheck, DataClass, DataStore, Document, Edge, EdgeKind,
    External, ExternalSort, Flow, Gateway, Identity, IdentitySort, Node, NodeKind,
    OriginatingCheck, Service,
};

/// A model under construction.
pub(crate) struct Model {
    pub doc: Document,
}

impl Model {
    pub(crate) fn new() -> Self {
        Self {
            doc: Document::new("test"),
        }
    }

    fn node(mut self, id: &str, kind: NodeKind) -> Self {
        self.doc.nodes.push(Node::new(id, id, kind));
        self
    }

    /// Adds a customer.
    pub(crate) fn external(self, id: &str) -> Self {
        self.node(
            id,
            NodeKind::External(External {
                sort: ExternalSort::Customer,
            }),
        )
    }

    /// Adds a private gateway without a WAF.
    pub(crate) fn gateway(self, id: &str) -> Self {
        self.node(id, NodeKind::Gateway(Gateway::default()))
    }

    /// Adds a gateway with these settings.
    pub(crate) fn gateway_with(self, id: &str, public: bool, waf: bool) -> Self {
        self.node(
            id,
            NodeKind::Gateway(Gateway {
                public,
                waf,
                ..Gateway::default()
            }),
        )
    }

    /// Adds a private service.
    pub(crate) fn service(self, id: &str) -> Self {
        self.node(id, NodeKind::Service(Service::default()))
    }

    /// Adds a service with an endpoint on the Internet.
    pub(crate) fn public_service(self, id: &str) -> Self {
        self.node(
            id,
            NodeKind::Service(Service {
                public: true,
                ..Service::default()
            }),
        )
    }

    /// Adds a data store holding these data classes.
    pub(crate) fn store(mut self, id: &str, public: bool, classes: &[DataClass]) -> Self {
        let mut node = Node::new(
            id,
            id,
            NodeKind::DataStore(DataStore {
                public,
                ..DataStore::default()
            }),
        );
        node.data_classes = classes.to_vec();
        self.doc.nodes.push(node);
        self
    }

    /// Adds an IAM role.
    pub(crate) fn role(self, id: &str) -> Self {
        self.node(
            id,
            NodeKind::Identity(Identity {
                sort: IdentitySort::IamRole,
                credentials: Default::default(),
                boundary: None,
            }),
        )
    }

    /// Marks a node critical.
    pub(crate) fn critical(mut self, id: &str) -> Self {
        if let Some(node) = self.doc.node_mut(id) {
            node.critical = true;
        }
        self
    }

    /// Adds a flow.
    pub(crate) fn flow(mut self, id: &str, from: &str, to: &str, flow: Flow) -> Self {
        self.doc.edges.push(Edge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind: EdgeKind::Flow(flow),
        });
        self
    }

    /// Adds a non-flow edge.
    pub(crate) fn edge(mut self, id: &str, from: &str, to: &str, kind: EdgeKind) -> Self {
        self.doc.edges.push(Edge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind,
        });
        self
    }
}

/// Returns a flow with this check of the immediate caller and no check of the originating
/// caller.
pub(crate) fn checked(authentication: Authentication, authorization: Authorization) -> Flow {
    Flow {
        authentication,
        authorization,
        ..Flow::default()
    }
}

/// Returns a flow with no checks at all.
pub(crate) fn open() -> Flow {
    checked(Authentication::None, Authorization::None)
}

/// Returns a flow that checks the immediate caller with mTLS and an IAM policy (so it
/// enforces) and the originating caller as given.
pub(crate) fn mtls(originating: OriginatingCheck) -> Flow {
    Flow {
        originating,
        ..checked(Authentication::Mtls, Authorization::IamPolicy)
    }
}

/// Returns an authorization by a Cedar store.
pub(crate) fn cedar() -> Authorization {
    Authorization::Cedar(CedarCheck {
        store: "store".into(),
        action: "Call".into(),
    })
}

/// Builds a model of 10,000 nodes and 40,000 flows:
/// - externals e00000 to e00099;
/// - gateways g00000 to g00899, g_i called by e_(i mod 100) with no checks;
/// - services s00000 to s04899, s_i called by g_(i mod 900) with the end user
///   authenticated, and 30,101 flows between services picked by a fixed generator, each
///   authorizing the end user;
/// - stores d00000 to d04097, d_i called only by s_i, authorizing the end user, d_i
///   critical when i is a multiple of 1,000;
/// - open, called by g00000 with no end-user check, and unreached, called by nothing.
pub(crate) fn generated_model() -> Model {
    let mut model = Model::new();
    for i in 0..100 {
        model = model.external(&format!("e{i:05}"));
    }
    for i in 0..900 {
        model = model.gateway(&format!("g{i:05}")).flow(
            &format!("eg{i}"),
            &format!("e{:05}", i % 100),
            &format!("g{i:05}"),
            open(),
        );
    }
    for i in 0..4900 {
        model = model.service(&format!("s{i:05}")).flow(
            &format!("gs{i}"),
            &format!("g{:05}", i % 900),
            &format!("s{i:05}"),
            mtls(OriginatingCheck::Authenticated),
        );
    }
    for i in 0..4098 {
        model = model.store(&format!("d{i:05}"), false, &[]).flow(
            &format!("sd{i}"),
            &format!("s{i:05}"),
            &format!("d{i:05}"),
            mtls(OriginatingCheck::Authorized { cedar: None }),
        );
        if i % 1000 == 0 {
            model = model.critical(&format!("d{i:05}"));
        }
    }
    let mut seed: u64 = 0x5eed;
    for i in 0..30_101 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let from = (seed >> 33) % 4900;
        let to = (seed >> 13) % 4900;
        model = model.flow(
            &format!("ss{i}"),
            &format!("s{from:05}"),
            &format!("s{to:05}"),
            mtls(OriginatingCheck::Authorized { cedar: None }),
        );
    }
    model.service("open").service("unreached").flow(
        "g-open",
        "g00000",
        "open",
        mtls(OriginatingCheck::None),
    )
}
