//! A hand-built model and a hand-built review of it. They test the report formats on results
//! of every kind without depending on what the review computes.

use trustmap_model::document::{
    Authentication, Authorization, CedarCheck, DataClass, Document, Edge, EdgeKind, External,
    ExternalSort, Flow, Identity, IdentitySort, Node, NodeKind, Service,
};
use trustmap_model::review::blast::{RankEntry, Ranking};
use trustmap_model::review::checklist::{ItemResult, ItemState};
use trustmap_model::review::defence::{Chokepoint, Defence, JewelDefence};
use trustmap_model::review::east_west::{EastWest, FailingFlow};
use trustmap_model::review::reach::{Level, NodeReach, Reach};
use trustmap_model::review::{Questions, Review};
use trustmap_model::{Finding, Severity};

/// Returns the model's text as saved, one field a line, so that declarations have line numbers.
pub fn source() -> String {
    super::input::to_ron(&document()).unwrap_or_default()
}

/// Returns a model of Internet -> api -> vault, whose second flow is authorized by a Cedar
/// store, and one identity.
pub fn document() -> Document {
    let mut document = Document::new("Fixture");
    let internet = External {
        sort: ExternalSort::Internet,
    };
    let role = Identity {
        sort: IdentitySort::IamRole,
        credentials: Default::default(),
        boundary: None,
    };
    let mut vault = Node::new("vault", "Card vault", NodeKind::Service(Service::default()));
    vault.data_classes.push(DataClass::Cardholder);
    document.nodes = vec![
        Node::new("internet", "Internet", NodeKind::External(internet)),
        Node::new("api", "Orders API", NodeKind::Service(Service::default())),
        vault,
        Node::new("payments-role", "Payments role", NodeKind::Identity(role)),
    ];

    let open = Flow {
        authentication: Authentication::None,
        authorization: Authorization::None,
        ..Flow::default()
    };
    let cedar = Flow {
        authentication: Authentication::Mtls,
        authorization: Authorization::Cedar(CedarCheck {
            store: "store".to_owned(),
            action: "Read".to_owned(),
        }),
        ..Flow::default()
    };
    document.edges = vec![
        flow_edge("internet-to-api", "internet", "api", open),
        flow_edge("api-to-vault", "api", "vault", cedar),
    ];
    document
}

fn flow_edge(id: &str, from: &str, to: &str, flow: Flow) -> Edge {
    Edge {
        id: id.to_owned(),
        from: from.to_owned(),
        to: to.to_owned(),
        kind: EdgeKind::Flow(flow),
    }
}

fn ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|&id| id.to_owned()).collect()
}

/// Returns a review of [`document`] with findings of three severities, two of them under the same
/// rule at the same place, and twelve ranked identities.
pub fn review() -> Review {
    let mut id1 = Finding::new(
        "ID-1",
        Severity::High,
        "Flow internet-to-api is not authenticated",
    );
    id1.nodes = ids(&["api", "internet"]);
    id1.edges = ids(&["internet-to-api"]);
    id1.evidence = ids(&["internet", "api"]);

    let mut rev1 = Finding::new(
        "REV-1",
        Severity::Critical,
        "Card vault is reached at depth 1",
    );
    rev1.nodes = ids(&["vault"]);
    rev1.evidence = ids(&["internet", "api", "vault"]);
    rev1.cedar_not_evaluated = true;

    let mut vis_a = Finding::new("VIS-3", Severity::High, "Flow api-to-vault is not logged");
    vis_a.edges = ids(&["api-to-vault"]);
    let mut vis_b = Finding::new(
        "VIS-3",
        Severity::High,
        "Flow api-to-vault is not logged too",
    );
    vis_b.edges = ids(&["api-to-vault"]);
    vis_b.unknown = ids(&["logging of flow api-to-vault"]);

    let entries = (0..12)
        .map(|i| RankEntry {
            identity: format!("identity-{i:02}"),
            crown_jewels_written: 12 - i,
            crown_jewels_read: 1,
            reached: 20,
        })
        .collect();

    Review {
        findings: vec![rev1, id1, vis_a, vis_b],
        questions: Questions {
            unauthenticated_reach: Reach {
                nodes: vec![
                    NodeReach {
                        node: "api".to_owned(),
                        level: Level::Anonymous,
                        path: ids(&["internet", "api"]),
                        flows: ids(&["internet-to-api"]),
                        unknown: Vec::new(),
                        cedar_not_evaluated: false,
                    },
                    NodeReach {
                        node: "payments-role".to_owned(),
                        level: Level::Unreachable,
                        path: Vec::new(),
                        flows: Vec::new(),
                        unknown: Vec::new(),
                        cedar_not_evaluated: false,
                    },
                    NodeReach {
                        node: "vault".to_owned(),
                        level: Level::ExplicitlyAuthorized,
                        path: ids(&["internet", "api", "vault"]),
                        flows: ids(&["internet-to-api", "api-to-vault"]),
                        unknown: Vec::new(),
                        cedar_not_evaluated: false,
                    },
                ],
                bypasses: Vec::new(),
            },
            blast_radius: Ranking {
                entries,
                cedar_not_evaluated: false,
            },
            east_west: EastWest {
                passing: 0,
                total: 1,
                failing: vec![FailingFlow {
                    flow: "api-to-vault".to_owned(),
                    from: "api".to_owned(),
                    to: "vault".to_owned(),
                    reasons: ids(&["not logged", "no TLS"]),
                    unknown: Vec::new(),
                    cedar_not_evaluated: false,
                }],
            },
        },
        defence: Defence {
            jewels: vec![JewelDefence {
                jewel: "vault".to_owned(),
                depth: 1,
                path: ids(&["internet", "api", "vault"]),
                flows: ids(&["internet-to-api", "api-to-vault"]),
                chokepoints: ids(&["api"]),
                unknown: Vec::new(),
                cedar_not_evaluated: false,
            }],
            chokepoints: vec![Chokepoint {
                node: "api".to_owned(),
                gates: ids(&["vault"]),
            }],
        },
        checklist: vec![
            item("ID-1", ItemState::Fail, 1),
            item("ID-2", ItemState::Pass, 0),
            item("ID-5", ItemState::NotApplicable, 0),
            item("VIS-3", ItemState::Fail, 2),
            item("VIS-4", ItemState::Manual, 0),
        ],
        cedar_evaluated: false,
        policy_problems: Vec::new(),
    }
}

fn item(id: &'static str, state: ItemState, findings: usize) -> ItemResult {
    let rule = trustmap_model::review::rules::rule(id);
    ItemResult {
        id,
        pillar: rule.pillar,
        title: rule.title,
        automatic: rule.automatic,
        state,
        findings,
        worst: None,
        verdict: None,
        cedar_not_evaluated: false,
    }
}
