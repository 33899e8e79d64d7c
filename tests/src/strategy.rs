//! Proptest strategies that generate whole valid documents.
//!
//! [`document`] covers every node kind, zone sort, edge kind and attribute value. Zones
//! nest in any order, grants name nodes, zones and globs, Cedar checks name the generated
//! policy stores and verdicts name real checklist items. Texts mix Unicode, right-to-left
//! scripts, emoji, quotes, backslashes, markup, tabs and newlines. Edges are drawn between
//! random nodes and then moved to the next node whose kind the edge kind accepts, so every
//! edge kind appears without breaking the endpoint rules. Self-loops, isolated nodes and
//! identities without edges occur on their own.
//!
//! Every generated document passes [`validate`](trustmap_model::load::validate).

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use trustmap_model::document::*;
use trustmap_model::load::validate::endpoint_error;
use trustmap_model::review::RULES;

/// Hand-picked texts that stress escaping and text handling: markup, quotes, RON syntax,
/// right-to-left and bidirectional controls, emoji sequences, combining marks and tabs.
const AWKWARD_TEXTS: &[&str] = &[
    "",
    " ",
    "\"quoted\" and 'single'",
    "back\\slash \\n \\u{0}",
    "r#\"raw\"# ) ] } , ( [ {",
    "<b>&amp;</b> <script>alert(1)</script>",
    "line one\nline two\n",
    "tab\there\t",
    "עברית מימין לשמאל",
    "العربية 123 mixed",
    "\u{202e}override\u{202c} \u{200f}mark",
    "🦀🔐 👩‍💻 🏳️‍🌈",
    "e\u{301}\u{301} Å ﬁ",
    "中文 日本語 한국어",
    "/* not a comment */ // nor this",
    "#![enable(implicit_some)]",
];

/// Returns a text without control characters other than tab and newline: a hand-picked
/// awkward text, a short ASCII text or a short run of any allowed characters.
pub fn text() -> impl Strategy<Value = String> {
    let allowed = any::<char>().prop_filter("a control character", |&c| {
        !c.is_control() || c == '\t' || c == '\n'
    });
    prop_oneof![
        select(AWKWARD_TEXTS).prop_map(str::to_owned),
        "[A-Za-z0-9 .,-]{0,12}",
        vec(allowed, 0..12).prop_map(String::from_iter),
    ]
}

/// Returns the characters an id may hold after its generated prefix. The prefix ends with
/// `-` after the index, so ids stay unique whatever the suffix.
fn id_suffix() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._:/@+=,-]{0,6}"
}

fn coordinate() -> impl Strategy<Value = f32> {
    prop_oneof![
        -1e7f32..=1e7f32,
        Just(0.0f32),
        Just(-0.0f32),
        Just(1e7f32),
        Just(-1e7f32),
        Just(0.1f32),
        Just(1.0f32 / 3.0),
    ]
}

fn length() -> impl Strategy<Value = f32> {
    prop_oneof![
        1e-3f32..=1e7f32,
        Just(f32::MIN_POSITIVE),
        Just(1e7f32),
        Just(160.0f32),
    ]
}

fn rotation_days() -> impl Strategy<Value = u32> {
    prop_oneof![1u32..=3650, Just(1u32), Just(3650u32)]
}

fn data_classes() -> impl Strategy<Value = Vec<DataClass>> {
    vec(select(&DataClass::ALL[..]), 0..4)
}

fn actions() -> impl Strategy<Value = Vec<Action>> {
    vec(select(&Action::ALL[..]), 0..4)
}

fn external_sort() -> impl Strategy<Value = ExternalSort> {
    prop_oneof![
        Just(ExternalSort::Internet),
        Just(ExternalSort::Customer),
        any::<bool>().prop_map(|mfa| ExternalSort::WorkforceUser { mfa }),
        Just(ExternalSort::WorkforceGroup),
        Just(ExternalSort::Partner),
    ]
}

fn identity_sort() -> impl Strategy<Value = IdentitySort> {
    prop_oneof![
        Just(IdentitySort::IamRole),
        Just(IdentitySort::IamUser),
        Just(IdentitySort::ServiceAccount),
        Just(IdentitySort::SpiffeId),
        Just(IdentitySort::Group),
        any::<bool>().prop_map(|enforces_mfa| IdentitySort::IdentityProvider { enforces_mfa }),
    ]
}

/// Returns a boundary target: a node id pattern the document may or may not contain.
fn boundary_target() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_owned()),
        "n[0-9]{1,2}",
        "n[0-9]?\\*",
        "n?[0-9]-*",
        "[a-z]{1,4}",
    ]
}

fn boundary() -> impl Strategy<Value = Option<Vec<BoundaryRule>>> {
    let rule = (actions(), vec(boundary_target(), 0..3))
        .prop_map(|(actions, targets)| BoundaryRule { actions, targets });
    prop::option::of(vec(rule, 0..3))
}

fn zone_sort() -> impl Strategy<Value = ZoneSort> {
    let lake = select(&[
        CloudTrailLake::None,
        CloudTrailLake::Own,
        CloudTrailLake::Organization,
    ]);
    let account = (any::<[bool; 7]>(), vec(text(), 0..3), lake).prop_map(
        |(
            [
                management,
                guardduty,
                security_hub,
                inspector,
                config,
                remediation,
                cloudtrail,
            ],
            scps,
            cloudtrail_lake,
        )| {
            ZoneSort::Account(Account {
                management,
                scps,
                guardduty,
                security_hub,
                inspector,
                config,
                remediation,
                cloudtrail,
                cloudtrail_lake,
            })
        },
    );
    prop_oneof![
        account,
        Just(ZoneSort::Region),
        Just(ZoneSort::Vpc),
        any::<bool>().prop_map(|public| ZoneSort::Subnet { public }),
        Just(ZoneSort::EksCluster),
        Just(ZoneSort::Namespace),
    ]
}

/// Returns a node kind with random attributes, zones included.
pub fn node_kind() -> impl Strategy<Value = NodeKind> {
    let encryption = select(&[
        Encryption::None,
        Encryption::ProviderManaged,
        Encryption::CustomerManaged,
    ]);
    let storage = select(&[
        SecretStorage::SecretsManager,
        SecretStorage::ParameterStore,
        SecretStorage::PlaintextConfig,
    ]);
    let key_rotation = prop_oneof![
        Just(KeyRotation::None),
        Just(KeyRotation::Automatic),
        rotation_days().prop_map(|days| KeyRotation::Manual { days }),
    ];
    let credentials = select(&[
        CredentialLifetime::ShortLived,
        CredentialLifetime::LongLived,
    ]);
    prop_oneof![
        external_sort().prop_map(|sort| NodeKind::External(External { sort })),
        any::<[bool; 4]>().prop_map(|[public, waf, request_signing, identity_aware]| {
            NodeKind::Gateway(Gateway {
                public,
                waf,
                request_signing,
                identity_aware,
            })
        }),
        any::<[bool; 3]>().prop_map(|[public, signed_image, immutable]| {
            NodeKind::Service(Service {
                public,
                signed_image,
                immutable,
            })
        }),
        (any::<[bool; 2]>(), encryption).prop_map(|([public, read_needs_decrypt], encryption)| {
            NodeKind::DataStore(DataStore {
                public,
                encryption,
                read_needs_decrypt,
            })
        }),
        (storage, prop::option::of(rotation_days())).prop_map(|(storage, rotation_days)| {
            NodeKind::Secret(Secret {
                storage,
                rotation_days,
            })
        }),
        (any::<bool>(), key_rotation)
            .prop_map(|(cloudhsm, rotation)| NodeKind::Key(Key { cloudhsm, rotation })),
        (identity_sort(), credentials, boundary()).prop_map(|(sort, credentials, boundary)| {
            NodeKind::Identity(Identity {
                sort,
                credentials,
                boundary,
            })
        }),
        (zone_sort(), any::<[bool; 2]>()).prop_map(|(sort, [default_deny, cde])| {
            NodeKind::Zone(Zone {
                sort,
                default_deny,
                cde,
            })
        }),
    ]
}

/// The random parts of one node. Its id and parent are settled when the document is built.
#[derive(Clone, Debug)]
struct NodeSpec {
    id_suffix: String,
    label: String,
    kind: NodeKind,
    technology: String,
    position: Point,
    size: Size,
    parent: Option<Index>,
    data_classes: Vec<DataClass>,
    critical: bool,
    tags: Vec<String>,
    note: String,
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (
        (id_suffix(), text(), node_kind(), text()),
        (coordinate(), coordinate(), length(), length()),
        (
            prop::option::weighted(0.6, any::<Index>()),
            data_classes(),
            any::<bool>(),
            vec(text(), 0..3),
            text(),
        ),
    )
        .prop_map(
            |(
                (id_suffix, label, kind, technology),
                (x, y, width, height),
                (parent, data_classes, critical, tags, note),
            )| NodeSpec {
                id_suffix,
                label,
                kind,
                technology,
                position: Point::new(x, y),
                size: Size::new(width, height),
                parent,
                data_classes,
                critical,
                tags,
                note,
            },
        )
}

fn port_range() -> impl Strategy<Value = PortRange> {
    (1u16..=65535, any::<Index>()).prop_map(|(first, last)| PortRange {
        first,
        last: first + last.index(usize::from(65535 - first) + 1) as u16,
    })
}

fn cidr() -> impl Strategy<Value = String> {
    prop_oneof![
        (any::<[u8; 4]>(), 0u8..=32)
            .prop_map(|([a, b, c, d], prefix)| { format!("{a}.{b}.{c}.{d}/{prefix}") }),
        (any::<[u16; 8]>(), 0u8..=128).prop_map(|(segments, prefix)| {
            format!("{}/{prefix}", std::net::Ipv6Addr::from(segments))
        }),
    ]
}

/// The parts of a flow. Its Cedar checks name a store by index, settled once the stores
/// exist.
#[derive(Clone, Debug)]
struct FlowSpec {
    flow: Flow,
    authorization: u8,
    originating: u8,
    store: Index,
    action: String,
}

fn flow_spec() -> impl Strategy<Value = FlowSpec> {
    let network = select(&[
        NetworkPath::Public,
        NetworkPath::Private,
        NetworkPath::PrivateLink,
        NetworkPath::VpcLattice,
    ]);
    let authentication = select(&[
        Authentication::None,
        Authentication::Unknown,
        Authentication::ApiKey,
        Authentication::ManagedSecret,
        Authentication::Session,
        Authentication::UserJwt,
        Authentication::WorkloadJwt,
        Authentication::SigV4,
        Authentication::Mtls,
    ]);
    (
        (
            text(),
            prop::option::of(port_range()),
            prop::option::of(cidr()),
        ),
        (
            network,
            data_classes(),
            select(&[Tls::None, Tls::V1_2, Tls::V1_3]),
        ),
        (any::<bool>(), authentication, 0u8..7, 0u8..4),
        (any::<Index>(), text()),
    )
        .prop_map(
            |(
                (protocol, ports, source_range),
                (network, data_classes, tls),
                (logged, authentication, authorization, originating),
                (store, action),
            )| FlowSpec {
                flow: Flow {
                    protocol,
                    ports,
                    source_range,
                    network,
                    data_classes,
                    tls,
                    logged,
                    authentication,
                    authorization: Authorization::Unknown,
                    originating: OriginatingCheck::None,
                },
                authorization,
                originating,
                store,
                action,
            },
        )
}

/// The kind of one edge, before its Cedar checks are settled.
#[derive(Clone, Debug)]
enum EdgeKindSpec {
    Flow(Box<FlowSpec>),
    Other(EdgeKind),
}

fn edge_kind_spec() -> impl Strategy<Value = EdgeKindSpec> {
    let can_assume = (any::<[bool; 3]>(), text()).prop_map(
        |([mfa_required, external_id, association], technique)| {
            EdgeKind::CanAssume(CanAssume {
                mfa_required,
                external_id,
                association,
                technique,
            })
        },
    );
    let other = prop_oneof![
        can_assume,
        Just(EdgeKind::MemberOf),
        actions().prop_map(|actions| EdgeKind::Grants(Grant { actions })),
        Just(EdgeKind::RunsAs),
        Just(EdgeKind::Unlocks),
        Just(EdgeKind::EncryptedBy),
    ];
    prop_oneof![
        2 => flow_spec().prop_map(|spec| EdgeKindSpec::Flow(Box::new(spec))),
        3 => other.prop_map(EdgeKindSpec::Other),
    ]
}

/// How a grant names its target.
#[derive(Clone, Copy, Debug)]
enum GrantTarget {
    /// The node found by the usual search.
    Node,
    /// Every node: `*`.
    Everything,
    /// A glob: the target's id cut after some characters, then `*`.
    Prefix(Index),
    /// A glob with `?` in place of the id's first character.
    AnyFirst,
}

#[derive(Clone, Debug)]
struct EdgeSpec {
    id_suffix: String,
    kind: EdgeKindSpec,
    from: Index,
    to: Index,
    self_loop: bool,
    grant_target: GrantTarget,
}

fn edge_spec() -> impl Strategy<Value = EdgeSpec> {
    let grant_target = prop_oneof![
        3 => Just(GrantTarget::Node),
        1 => Just(GrantTarget::Everything),
        1 => any::<Index>().prop_map(GrantTarget::Prefix),
        1 => Just(GrantTarget::AnyFirst),
    ];
    (
        id_suffix(),
        edge_kind_spec(),
        any::<Index>(),
        any::<Index>(),
        prop::bool::weighted(0.1),
        grant_target,
    )
        .prop_map(
            |(id_suffix, kind, from, to, self_loop, grant_target)| EdgeSpec {
                id_suffix,
                kind,
                from,
                to,
                self_loop,
                grant_target,
            },
        )
}

#[derive(Clone, Debug)]
struct StoreSpec {
    policies: String,
    links: Vec<(String, String, Option<Index>, Option<Index>)>,
    schema: Option<String>,
    entity_types: BTreeMap<String, String>,
    context_paths: BTreeMap<String, String>,
}

/// Returns policy text: valid Cedar, Cedar with errors, or any text.
fn policies() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("permit(principal, action, resource);".to_owned()),
        Just(
            "permit(principal == ?principal, action, resource in ?resource)\n\
             when { context.device.managed };"
                .to_owned()
        ),
        Just("forbid(principal, action, resource) unless { principal.mfa };".to_owned()),
        Just("permit(principal, action".to_owned()),
        text(),
    ]
}

fn store_spec() -> impl Strategy<Value = StoreSpec> {
    let link = (
        text(),
        text(),
        prop::option::of(any::<Index>()),
        prop::option::of(any::<Index>()),
    );
    (
        policies(),
        vec(link, 0..3),
        prop::option::of(prop_oneof![
            Just("namespace Bank { entity Service; }".to_owned()),
            text()
        ]),
        btree_map(text(), text(), 0..3),
        btree_map(text(), text(), 0..3),
    )
        .prop_map(
            |(policies, links, schema, entity_types, context_paths)| StoreSpec {
                policies,
                links,
                schema,
                entity_types,
                context_paths,
            },
        )
}

fn verdict() -> impl Strategy<Value = ManualVerdict> {
    let verdict = select(&[Verdict::Pass, Verdict::Fail, Verdict::NotApplicable]);
    let date = (1000u32..=9999, 1u32..=12, 1u32..=28)
        .prop_map(|(year, month, day)| format!("{year:04}-{month:02}-{day:02}"));
    (verdict, text(), date, text()).prop_map(|(verdict, reviewer, date, comment)| ManualVerdict {
        verdict,
        reviewer,
        date,
        comment,
    })
}

fn verdicts() -> impl Strategy<Value = BTreeMap<String, ManualVerdict>> {
    let item = select(
        RULES
            .iter()
            .map(|rule| rule.id.to_owned())
            .collect::<Vec<_>>(),
    );
    btree_map(item, verdict(), 0..4)
}

/// Returns a valid document with up to `max_nodes` nodes and zones and up to `max_edges`
/// edges. Nodes come in a random order, so a zone may come after the nodes it contains.
pub fn document(max_nodes: usize, max_edges: usize) -> impl Strategy<Value = Document> {
    (
        (text(), text()),
        vec(node_spec(), 0..=max_nodes),
        vec(edge_spec(), 0..=max_edges),
        vec(store_spec(), 0..3),
        verdicts(),
    )
        .prop_flat_map(|((name, description), nodes, edges, stores, verdicts)| {
            let doc = build(name, description, nodes, &edges, stores, verdicts);
            Just(doc.nodes.clone())
                .prop_shuffle()
                .prop_map(move |nodes| Document {
                    nodes,
                    ..doc.clone()
                })
        })
}

/// Returns a valid document whose zones nest `depth` levels deep, one inside the other,
/// each holding an identity with no edges, and a self-looping service in the innermost.
pub fn deep_zones(depth: usize) -> Document {
    let mut doc = Document::new("Deeply nested zones");
    for level in 0..depth {
        let mut zone = Node::new(
            format!("z{level}"),
            format!("Zone {level}"),
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: level % 2 == 0,
                cde: level % 3 == 0,
            }),
        );
        zone.parent = level.checked_sub(1).map(|outer| format!("z{outer}"));
        doc.nodes.push(zone);

        let mut identity = Node::new(
            format!("i{level}"),
            format!("Identity {level}"),
            NodeKind::Identity(Identity {
                sort: IdentitySort::IamRole,
                credentials: CredentialLifetime::LongLived,
                boundary: None,
            }),
        );
        identity.parent = Some(format!("z{level}"));
        doc.nodes.push(identity);
    }
    let mut service = Node::new("svc", "Innermost", NodeKind::Service(Service::default()));
    service.parent = depth.checked_sub(1).map(|inner| format!("z{inner}"));
    doc.nodes.push(service);
    doc.edges.push(Edge {
        id: "loop".to_owned(),
        from: "svc".to_owned(),
        to: "svc".to_owned(),
        kind: EdgeKind::Flow(Flow::default()),
    });
    doc
}

/// Turns the random parts into a valid document.
fn build(
    name: String,
    description: String,
    node_specs: Vec<NodeSpec>,
    edge_specs: &[EdgeSpec],
    store_specs: Vec<StoreSpec>,
    verdicts: BTreeMap<String, ManualVerdict>,
) -> Document {
    let mut doc = Document::new(name);
    doc.description = description;
    doc.nodes = build_nodes(node_specs);
    doc.policy_stores = build_stores(store_specs, &doc.nodes);
    doc.edges = edge_specs
        .iter()
        .enumerate()
        .filter_map(|(i, spec)| build_edge(i, spec, &doc.nodes, &doc.policy_stores))
        .collect();
    doc.verdicts = verdicts;
    doc
}

/// Builds the nodes. A node's parent is a zone that comes before it in generation order, so
/// zones never form a cycle. The later shuffle hides that order.
fn build_nodes(specs: Vec<NodeSpec>) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::with_capacity(specs.len());
    let mut zones: Vec<usize> = Vec::new();
    for (i, spec) in specs.into_iter().enumerate() {
        let parent = spec
            .parent
            .filter(|_| !zones.is_empty())
            .map(|choice| nodes[zones[choice.index(zones.len())]].id.clone());
        if matches!(spec.kind, NodeKind::Zone(_)) {
            zones.push(i);
        }
        nodes.push(Node {
            id: format!("n{i}-{}", spec.id_suffix),
            label: spec.label,
            kind: spec.kind,
            technology: spec.technology,
            position: spec.position,
            size: spec.size,
            parent,
            data_classes: spec.data_classes,
            critical: spec.critical,
            tags: spec.tags,
            note: spec.note,
        });
    }
    nodes
}

fn build_stores(specs: Vec<StoreSpec>, nodes: &[Node]) -> Vec<PolicyStore> {
    let node_id = |slot: Option<Index>| {
        slot.filter(|_| !nodes.is_empty())
            .map(|choice| nodes[choice.index(nodes.len())].id.clone())
    };
    specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| PolicyStore {
            id: format!("store{i}"),
            policies: spec.policies,
            links: spec
                .links
                .into_iter()
                .map(|(template, id, principal, resource)| TemplateLink {
                    template,
                    id,
                    principal: node_id(principal),
                    resource: node_id(resource),
                })
                .collect(),
            schema: spec.schema,
            entity_types: spec.entity_types,
            context_paths: spec.context_paths,
        })
        .collect()
}

/// Builds one edge, or `None` when no pair of nodes suits its kind.
fn build_edge(i: usize, spec: &EdgeSpec, nodes: &[Node], stores: &[PolicyStore]) -> Option<Edge> {
    if nodes.is_empty() {
        return None;
    }
    let kind = edge_kind(&spec.kind, stores);
    let count = nodes.len();

    // The first node at or after the chosen one, cyclically, that the kind may start at.
    let start = spec.from.index(count);
    let from = (0..count)
        .map(|step| &nodes[(start + step) % count])
        .find(|node| endpoint_error(&kind, node, None).is_none())?;

    let to = if spec.self_loop && endpoint_error(&kind, from, Some(from)).is_none() {
        from.id.clone()
    } else {
        let start = spec.to.index(count);
        let to = (0..count)
            .map(|step| &nodes[(start + step) % count])
            .find(|node| endpoint_error(&kind, from, Some(node)).is_none())?;
        grant_target(&kind, spec.grant_target, &to.id)
    };

    Some(Edge {
        id: format!("e{i}-{}", spec.id_suffix),
        from: from.id.clone(),
        to,
        kind,
    })
}

/// Returns the grant's target: the node's id, or a glob over ids that matches it.
fn grant_target(kind: &EdgeKind, target: GrantTarget, id: &str) -> String {
    if !matches!(kind, EdgeKind::Grants(_)) {
        return id.to_owned();
    }
    match target {
        GrantTarget::Node => id.to_owned(),
        GrantTarget::Everything => "*".to_owned(),
        GrantTarget::Prefix(cut) => {
            // Ids are ASCII, so every byte offset is a character boundary.
            let cut = 1 + cut.index(id.len());
            format!("{}*", &id[..cut])
        }
        GrantTarget::AnyFirst => format!("?{}", &id[1..]),
    }
}

/// Settles a flow's Cedar checks against the generated stores. Without stores a flow uses
/// the non-Cedar choices only.
fn edge_kind(spec: &EdgeKindSpec, stores: &[PolicyStore]) -> EdgeKind {
    let spec = match spec {
        EdgeKindSpec::Flow(spec) => spec,
        EdgeKindSpec::Other(kind) => return kind.clone(),
    };
    let check = (!stores.is_empty()).then(|| CedarCheck {
        store: stores[spec.store.index(stores.len())].id.clone(),
        action: spec.action.clone(),
    });
    let mut flow = spec.flow.clone();
    flow.authorization = match (spec.authorization, &check) {
        (0, _) => Authorization::None,
        (1, _) => Authorization::Unknown,
        (2, _) => Authorization::IamPolicy,
        (3, Some(check)) => Authorization::Cedar(check.clone()),
        (4, _) => Authorization::LatticeAuthPolicy,
        (5, _) => Authorization::KubernetesRbac,
        _ => Authorization::Custom,
    };
    flow.originating = match (spec.originating, &check) {
        (0, _) => OriginatingCheck::None,
        (1, _) => OriginatingCheck::Authenticated,
        (2, _) => OriginatingCheck::Authorized { cedar: None },
        (_, check) => OriginatingCheck::Authorized {
            cedar: check.clone(),
        },
    };
    EdgeKind::Flow(flow)
}
