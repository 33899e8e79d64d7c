//! A seeded generator of large, realistic models, for benchmarks and tests.
//!
//! [`generate`] builds AWS accounts, each holding a region, a VPC with public, application
//! and data subnets, and an EKS cluster with namespaces. It fills them with gateways,
//! services, data stores, identities, secrets and keys, and joins them with flows and
//! identity relations whose checks mix strong, weak and unknown values, so that the review
//! has work to do everywhere.
//!
//! Every id is unique and valid, every reference resolves, the zones form a tree, and each
//! node sits on a grid inside its zone. The same [`GeneratorConfig`] always gives the same
//! document with the same `rand` version on the same platform word size: `SmallRng` is not
//! portable across either.

use std::collections::HashMap;

use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::document::{
    Account, Action, BoundaryRule, CanAssume, CloudTrailLake, CredentialLifetime, DataClass,
    DataStore, Document, Edge, EdgeKind, Encryption, External, ExternalSort, Gateway, Grant,
    Identity, IdentitySort, Key, KeyRotation, Node, NodeKind, Secret, SecretStorage, Service, Zone,
    ZoneSort,
};
use crate::graph::NodeIx;

mod flows;
mod layout;

/// The largest [`GeneratorConfig::nodes`] that [`generate`] honours. With the external nodes,
/// secrets and keys on top, the model stays under 200,000 nodes and 1,000,000 edges, the
/// largest model the file format accepts.
pub const MAX_NODES: usize = 190_000;

/// The size and seed of a generated model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GeneratorConfig {
    /// Number of services, gateways, data stores, identities and zones together, split by
    /// [`Counts::for_nodes`]. Four external nodes (the Internet, customers, a workforce
    /// user and a workforce group), the secrets (one for every five data stores) and the keys
    /// (one for every ten data stores) come on top. Values above [`MAX_NODES`] are clamped.
    pub nodes: usize,
    /// Seed of the random number generator.
    pub seed: u64,
}

impl GeneratorConfig {
    /// Creates a configuration.
    pub const fn new(nodes: usize, seed: u64) -> Self {
        Self { nodes, seed }
    }
}

impl Default for GeneratorConfig {
    /// 1,000 nodes from seed 0.
    fn default() -> Self {
        Self::new(1_000, 0)
    }
}

/// How many nodes of each proportioned kind a generated model holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Services, 60 percent.
    pub services: usize,
    /// Gateways, 5 percent.
    pub gateways: usize,
    /// Data stores, 15 percent.
    pub data_stores: usize,
    /// Identities, 15 percent.
    pub identities: usize,
    /// Zones, 5 percent.
    pub zones: usize,
}

impl Counts {
    /// The share of each kind in percent, in field order.
    pub const SHARES_PERCENT: [usize; 5] = [60, 5, 15, 15, 5];

    /// Splits `nodes` by [`Counts::SHARES_PERCENT`] with the largest-remainder method: each
    /// count is its exact share rounded down or up, and the counts add up to `nodes`.
    pub fn for_nodes(nodes: usize) -> Self {
        let mut counts = [0; 5];
        let mut remainders = [0; 5];
        for (i, share) in Self::SHARES_PERCENT.into_iter().enumerate() {
            // `nodes * share / 100`, split so that it cannot overflow.
            counts[i] = nodes / 100 * share + nodes % 100 * share / 100;
            remainders[i] = nodes % 100 * share % 100;
        }

        // The shares add up to 100, so the rounding lost less than one node per kind.
        let lost = nodes - counts.iter().sum::<usize>();
        let mut order = [0, 1, 2, 3, 4];
        order.sort_by_key(|&i| std::cmp::Reverse(remainders[i]));
        for &i in order.iter().take(lost) {
            counts[i] += 1;
        }

        let [services, gateways, data_stores, identities, zones] = counts;
        Self {
            services,
            gateways,
            data_stores,
            identities,
            zones,
        }
    }

    /// Returns the number of secrets that come on top: one for every five data stores.
    pub fn secrets(&self) -> usize {
        self.data_stores.div_ceil(5)
    }

    /// Returns the number of keys that come on top: one for every ten data stores.
    pub fn keys(&self) -> usize {
        self.data_stores.div_ceil(10)
    }
}

/// Generates a model of `config.nodes` proportioned nodes from `config.seed`.
pub fn generate(config: &GeneratorConfig) -> Document {
    let nodes = clamped_nodes(config.nodes);
    let mut builder = Builder::new(Counts::for_nodes(nodes), config.seed);

    builder.doc.name = format!("Generated model of {nodes} nodes, seed {}", config.seed);
    builder.doc.description = "Generated for benchmarks and tests: AWS accounts with VPCs, \
        subnets and EKS clusters, and a mix of strong, weak and unknown checks."
        .to_owned();

    builder.add_zones();
    builder.add_externals();
    builder.add_identities();
    builder.add_keys();
    builder.add_data_stores();
    builder.add_secrets();
    builder.add_gateways();
    builder.add_services();
    builder.add_service_flows();
    builder.add_identity_edges();
    builder.add_workforce_edges();
    builder.finish()
}

fn clamped_nodes(nodes: usize) -> usize {
    if nodes > MAX_NODES {
        log::warn!(
            "requested {nodes} nodes, above the maximum of {MAX_NODES}; generating {MAX_NODES}"
        );
    }
    nodes.min(MAX_NODES)
}

/// Business domains: the id segment (no `-`, so ids split back unambiguously) and the label.
const DOMAINS: [(&str, &str); 20] = [
    ("payments", "Payments"),
    ("ledger", "Ledger"),
    ("orders", "Orders"),
    ("catalog", "Catalog"),
    ("accounts", "Accounts"),
    ("fraud", "Fraud"),
    ("search", "Search"),
    ("billing", "Billing"),
    ("shipping", "Shipping"),
    ("clearing", "Zahlungsverkehr"),
    ("loyalty", "Loyalty"),
    ("notifications", "Notifications"),
    ("reporting", "Reporting"),
    ("invoicing", "Facturación"),
    ("checkout", "Checkout"),
    ("settlement", "決済"),
    ("pricing", "Pricing"),
    ("remittance", "تحويلات"),
    ("inventory", "Inventory"),
    ("cards", "Cards"),
];

const REGIONS: [&str; 4] = ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"];

const ENVIRONMENTS: [&str; 4] = ["production", "staging", "shared services", "analytics"];

/// Service roles: the id segment and the label.
const SERVICE_ROLES: [(&str, &str); 6] = [
    ("api", "API"),
    ("worker", "worker"),
    ("web", "web app"),
    ("batch", "batch job"),
    ("stream", "stream processor"),
    ("scheduler", "scheduler"),
];

/// Technologies of services that run outside an EKS cluster.
const SUBNET_SERVICE_TECHNOLOGIES: [&str; 3] =
    ["Amazon ECS on AWS Fargate", "AWS Lambda", "Amazon EC2"];

/// A sort of data store and how services talk to it.
struct StoreKind {
    slug: &'static str,
    label: &'static str,
    technology: &'static str,
    protocol: &'static str,
    port: u16,
    /// Callers sign in with a password, which a secret can hold.
    login: bool,
    /// Lives in a data subnet rather than in the region.
    in_vpc: bool,
}

const STORE_KINDS: [(StoreKind, u32); 4] = [
    (
        StoreKind {
            slug: "db",
            label: "database",
            technology: "Amazon RDS for PostgreSQL",
            protocol: "PostgreSQL",
            port: 5432,
            login: true,
            in_vpc: true,
        },
        40,
    ),
    (
        StoreKind {
            slug: "table",
            label: "table",
            technology: "Amazon DynamoDB",
            protocol: "HTTPS",
            port: 443,
            login: false,
            in_vpc: false,
        },
        20,
    ),
    (
        StoreKind {
            slug: "bucket",
            label: "bucket",
            technology: "Amazon S3",
            protocol: "HTTPS",
            port: 443,
            login: false,
            in_vpc: false,
        },
        25,
    ),
    (
        StoreKind {
            slug: "cache",
            label: "cache",
            technology: "Amazon ElastiCache for Redis",
            protocol: "Redis",
            port: 6379,
            login: true,
            in_vpc: true,
        },
        15,
    ),
];

/// A sort of gateway and who calls it.
struct GatewayKind {
    slug: &'static str,
    label: &'static str,
    technology: &'static str,
    public: bool,
    /// Receives the workforce rather than customers and the Internet.
    workforce: bool,
}

const GATEWAY_KINDS: [(GatewayKind, u32); 5] = [
    (
        GatewayKind {
            slug: "apigw",
            label: "API gateway",
            technology: "Amazon API Gateway",
            public: true,
            workforce: false,
        },
        35,
    ),
    (
        GatewayKind {
            slug: "alb",
            label: "load balancer",
            technology: "Application Load Balancer",
            public: true,
            workforce: false,
        },
        25,
    ),
    (
        GatewayKind {
            slug: "cdn",
            label: "CDN",
            technology: "Amazon CloudFront",
            public: true,
            workforce: false,
        },
        15,
    ),
    (
        GatewayKind {
            slug: "nlb",
            label: "internal load balancer",
            technology: "Network Load Balancer",
            public: false,
            workforce: true,
        },
        10,
    ),
    (
        GatewayKind {
            slug: "ava",
            label: "Verified Access endpoint",
            technology: "AWS Verified Access",
            public: false,
            workforce: true,
        },
        15,
    ),
];

/// The identity sorts of each run of twenty identities in a unit, interleaved so that a
/// unit with few identities still gets roles and service accounts first.
const IDENTITY_PLAN: [IdentitySlot; 20] = {
    use IdentitySlot::{Group, Provider, Role, ServiceAccount, Spiffe, User};
    [
        Role,
        ServiceAccount,
        Role,
        Role,
        ServiceAccount,
        User,
        Role,
        ServiceAccount,
        Role,
        Spiffe,
        Role,
        ServiceAccount,
        Role,
        Group,
        Role,
        ServiceAccount,
        Role,
        User,
        Role,
        Provider,
    ]
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IdentitySlot {
    Role,
    ServiceAccount,
    Spiffe,
    User,
    Group,
    Provider,
}

/// The zones of one unit (an account), in creation order: every zone comes after its parent.
/// A unit whose zone budget runs out keeps only the first zones of this plan.
const UNIT_PLAN: [ZoneStep; 12] = {
    use ZoneStep::{Account, AppSubnet, Cluster, DataSubnet, Namespace, PublicSubnet, Region, Vpc};
    [
        Account,
        Region,
        Vpc,
        PublicSubnet,
        Cluster,
        Namespace(0),
        AppSubnet(0),
        DataSubnet(0),
        Namespace(1),
        AppSubnet(1),
        DataSubnet(1),
        Namespace(2),
    ]
};

#[derive(Clone, Copy, Debug)]
enum ZoneStep {
    Account,
    Region,
    Vpc,
    PublicSubnet,
    Cluster,
    Namespace(usize),
    AppSubnet(usize),
    DataSubnet(usize),
}

/// The data classes of a classified data store (30 percent of them are).
const STORE_DATA_CLASSES: [(&[DataClass], u32); 7] = [
    (&[DataClass::Internal], 30),
    (&[DataClass::Pii], 25),
    (&[DataClass::Internal, DataClass::Pii], 10),
    (&[DataClass::Cardholder], 15),
    (&[DataClass::Credentials], 5),
    (&[DataClass::SafetyCritical], 5),
    (&[DataClass::Public], 10),
];

/// Probability that a service calls a service of another account.
const CROSS_ACCOUNT_CALL: f64 = 0.1;

/// The zones of one account.
#[derive(Debug, Default)]
struct UnitZones {
    account: Option<NodeIx>,
    region: Option<NodeIx>,
    vpc: Option<NodeIx>,
    public_subnet: Option<NodeIx>,
    cluster: Option<NodeIx>,
    namespaces: Vec<NodeIx>,
    app_subnets: Vec<NodeIx>,
    data_subnets: Vec<NodeIx>,
}

impl UnitZones {
    /// Returns the first zone present, in the order given.
    fn first_of(candidates: &[Option<NodeIx>]) -> Option<NodeIx> {
        candidates.iter().flatten().next().copied()
    }

    /// Returns the `turn`-th zone of a list, round robin, if the list has any.
    fn nth(zones: &[NodeIx], turn: usize) -> Option<NodeIx> {
        (!zones.is_empty()).then(|| zones[turn % zones.len()])
    }
}

/// The nodes of one account by role, or of the whole model.
#[derive(Debug, Default)]
struct Members {
    iam_roles: Vec<NodeIx>,
    service_accounts: Vec<NodeIx>,
    identities: Vec<NodeIx>,
    groups: Vec<NodeIx>,
    keys: Vec<NodeIx>,
    stores: Vec<NodeIx>,
    login_stores: Vec<NodeIx>,
    secrets: Vec<NodeIx>,
    gateways: Vec<NodeIx>,
    services: Vec<NodeIx>,
}

/// The zone, account and business domain of a node.
#[derive(Clone, Copy, Debug)]
struct Placement {
    parent: Option<NodeIx>,
    unit: usize,
    domain: usize,
    /// Index into the kind's table ([`STORE_KINDS`], [`GATEWAY_KINDS`]) where it has one.
    variant: usize,
}

/// An account: its zones and its members.
#[derive(Debug, Default)]
struct Unit {
    zones: UnitZones,
    members: Members,
}

/// The four external nodes.
#[derive(Clone, Copy, Debug, Default)]
struct Externals {
    internet: NodeIx,
    customers: NodeIx,
    workforce_user: NodeIx,
    workforce_group: NodeIx,
}

struct Builder {
    rng: SmallRng,
    counts: Counts,
    doc: Document,
    placements: Vec<Placement>,
    units: Vec<Unit>,
    all: Members,
    externals: Externals,
    namespace_accounts: HashMap<NodeIx, Vec<NodeIx>>,
}

impl Builder {
    fn new(counts: Counts, seed: u64) -> Self {
        Self {
            rng: SmallRng::seed_from_u64(seed),
            counts,
            doc: Document::new(""),
            placements: Vec::new(),
            units: Vec::new(),
            all: Members::default(),
            externals: Externals::default(),
            namespace_accounts: HashMap::new(),
        }
    }

    fn add_node(&mut self, mut node: Node, placement: Placement) -> NodeIx {
        let ix = self.doc.nodes.len();
        node.parent = placement
            .parent
            .map(|parent| self.doc.nodes[parent].id.clone());
        self.doc.nodes.push(node);
        self.placements.push(placement);
        ix
    }

    fn add_edge(&mut self, from: NodeIx, to: String, kind: EdgeKind) {
        let prefix = match kind {
            EdgeKind::Flow(_) => "flow",
            EdgeKind::CanAssume(_) => "assume",
            EdgeKind::MemberOf => "member",
            EdgeKind::Grants(_) => "grant",
            EdgeKind::RunsAs => "runs-as",
            EdgeKind::Unlocks => "unlocks",
            EdgeKind::EncryptedBy => "encrypted-by",
        };
        let id = format!("{prefix}-{}", self.doc.edges.len());
        let from = self.doc.nodes[from].id.clone();
        self.doc.edges.push(Edge { id, from, to, kind });
    }

    fn add_edge_to(&mut self, from: NodeIx, to: NodeIx, kind: EdgeKind) {
        let to = self.doc.nodes[to].id.clone();
        self.add_edge(from, to, kind);
    }

    fn id(&self, ix: NodeIx) -> &str {
        &self.doc.nodes[ix].id
    }

    /// Returns a domain of a unit: each unit has three, one per namespace.
    fn unit_domain(unit: usize, which: usize) -> usize {
        (unit * 3 + which % 3) % DOMAINS.len()
    }

    fn random_unit_domain(&mut self, unit: usize) -> usize {
        let which = self.rng.random_range(0..3);
        Self::unit_domain(unit, which)
    }

    /// Returns a label that reads `{domain} {role}`, numbered once every combination is used.
    fn label(domain: usize, role: &str, turn: usize, combinations: usize) -> String {
        let round = turn / (DOMAINS.len() * combinations).max(1);
        let name = DOMAINS[domain].1;
        if round == 0 {
            format!("{name} {role}")
        } else {
            format!("{name} {role} {}", round + 1)
        }
    }

    /// Returns the unit of the `turn`-th node of a kind: kinds spread round robin.
    fn unit_for(&self, turn: usize) -> usize {
        turn % self.units.len()
    }

    /// Picks a member from a unit's list, or from the whole model's when the unit has none.
    fn pick(&mut self, unit: usize, select: fn(&Members) -> &Vec<NodeIx>) -> Option<NodeIx> {
        let local = select(&self.units[unit].members);
        let list = if local.is_empty() {
            select(&self.all)
        } else {
            local
        };
        list.choose(&mut self.rng).copied()
    }

    /// Picks a member other than `exclude`, from the unit's list when it has one, else from
    /// the whole model's.
    fn pick_other(
        &mut self,
        unit: usize,
        exclude: NodeIx,
        select: fn(&Members) -> &Vec<NodeIx>,
    ) -> Option<NodeIx> {
        choose_other(&mut self.rng, select(&self.units[unit].members), exclude)
            .or_else(|| choose_other(&mut self.rng, select(&self.all), exclude))
    }

    // Zones.

    fn add_zones(&mut self) {
        let total = self.counts.zones;
        let unit_count = total.div_ceil(UNIT_PLAN.len()).max(1);
        for unit in 0..unit_count {
            self.units.push(Unit::default());
            let budget = total
                .saturating_sub(unit * UNIT_PLAN.len())
                .min(UNIT_PLAN.len());
            for &step in &UNIT_PLAN[..budget] {
                self.add_zone(unit, step);
            }
        }
    }

    fn add_zone(&mut self, unit: usize, step: ZoneStep) {
        let zones = &self.units[unit].zones;
        let domain = Self::unit_domain(unit, 0);
        let domain_label = DOMAINS[domain].1;
        let region = REGIONS[unit % REGIONS.len()];
        let vpc_id = format!("acct-{unit}/{region}/vpc");

        let (sort, id, label, parent) = match step {
            ZoneStep::Account => {
                let environment = ENVIRONMENTS[unit / DOMAINS.len() % ENVIRONMENTS.len()];
                (
                    ZoneSort::Account(Account::default()),
                    format!("acct-{unit}"),
                    format!("{domain_label} {environment}"),
                    None,
                )
            }
            ZoneStep::Region => (
                ZoneSort::Region,
                format!("acct-{unit}/{region}"),
                region.to_owned(),
                zones.account,
            ),
            ZoneStep::Vpc => (
                ZoneSort::Vpc,
                vpc_id,
                format!("{domain_label} VPC"),
                zones.region,
            ),
            ZoneStep::PublicSubnet => (
                ZoneSort::Subnet { public: true },
                format!("{vpc_id}/public-a"),
                "Public subnet".to_owned(),
                zones.vpc,
            ),
            ZoneStep::Cluster => (
                ZoneSort::EksCluster,
                format!("{vpc_id}/eks"),
                format!("{domain_label} EKS cluster"),
                zones.vpc,
            ),
            ZoneStep::Namespace(which) => {
                let slug = DOMAINS[Self::unit_domain(unit, which)].0;
                (
                    ZoneSort::Namespace,
                    format!("{vpc_id}/eks/{slug}"),
                    format!("{slug} namespace"),
                    zones.cluster,
                )
            }
            ZoneStep::AppSubnet(which) | ZoneStep::DataSubnet(which) => {
                let (slug, label) = match step {
                    ZoneStep::AppSubnet(_) => ("app", "Application subnet"),
                    _ => ("data", "Data subnet"),
                };
                let letter = char::from(b'a' + (which % 26) as u8);
                (
                    ZoneSort::Subnet { public: false },
                    format!("{vpc_id}/{slug}-{letter}"),
                    format!("{label} {}", letter.to_ascii_uppercase()),
                    zones.vpc,
                )
            }
        };

        let network = matches!(sort, ZoneSort::Vpc | ZoneSort::Subnet { .. });
        let zone = Zone {
            sort: match sort {
                ZoneSort::Account(_) => ZoneSort::Account(self.account_controls()),
                other => other,
            },
            default_deny: network && self.rng.random_bool(0.85),
            cde: matches!(step, ZoneStep::Vpc) && unit.is_multiple_of(4),
        };
        let mut node = Node::new(id, label, NodeKind::Zone(zone));
        node.technology = match step {
            ZoneStep::Account | ZoneStep::Region => "AWS",
            ZoneStep::Vpc
            | ZoneStep::PublicSubnet
            | ZoneStep::AppSubnet(_)
            | ZoneStep::DataSubnet(_) => "Amazon VPC",
            ZoneStep::Cluster | ZoneStep::Namespace(_) => "Amazon EKS",
        }
        .to_owned();
        let placement = Placement {
            parent,
            unit,
            domain,
            variant: 0,
        };
        let ix = self.add_node(node, placement);

        let zones = &mut self.units[unit].zones;
        match step {
            ZoneStep::Account => zones.account = Some(ix),
            ZoneStep::Region => zones.region = Some(ix),
            ZoneStep::Vpc => zones.vpc = Some(ix),
            ZoneStep::PublicSubnet => zones.public_subnet = Some(ix),
            ZoneStep::Cluster => zones.cluster = Some(ix),
            ZoneStep::Namespace(_) => zones.namespaces.push(ix),
            ZoneStep::AppSubnet(_) => zones.app_subnets.push(ix),
            ZoneStep::DataSubnet(_) => zones.data_subnets.push(ix),
        }
    }

    fn account_controls(&mut self) -> Account {
        let scps = if self.rng.random_bool(0.85) {
            vec![
                "deny-leaving-organization".to_owned(),
                "deny-root-user".to_owned(),
                "region-allowlist".to_owned(),
            ]
        } else {
            Vec::new()
        };
        Account {
            management: false,
            scps,
            guardduty: self.rng.random_bool(0.9),
            security_hub: self.rng.random_bool(0.8),
            inspector: self.rng.random_bool(0.7),
            config: self.rng.random_bool(0.85),
            remediation: self.rng.random_bool(0.5),
            cloudtrail: self.rng.random_bool(0.95),
            cloudtrail_lake: weighted(
                &mut self.rng,
                &[
                    (CloudTrailLake::Organization, 60),
                    (CloudTrailLake::Own, 20),
                    (CloudTrailLake::None, 20),
                ],
            ),
        }
    }

    // Nodes.

    fn add_externals(&mut self) {
        let externals = [
            ("internet", "Internet", ExternalSort::Internet),
            ("customers", "Customers", ExternalSort::Customer),
            (
                "workforce-user",
                "On-call engineer",
                ExternalSort::WorkforceUser { mfa: true },
            ),
            (
                "workforce-group",
                "Support staff",
                ExternalSort::WorkforceGroup,
            ),
        ];
        let mut indices = [0; 4];
        for (slot, (id, label, sort)) in indices.iter_mut().zip(externals) {
            let node = Node::new(id, label, NodeKind::External(External { sort }));
            let placement = Placement {
                parent: None,
                unit: 0,
                domain: 0,
                variant: 0,
            };
            *slot = self.add_node(node, placement);
        }
        let [internet, customers, workforce_user, workforce_group] = indices;
        self.externals = Externals {
            internet,
            customers,
            workforce_user,
            workforce_group,
        };
    }

    fn add_identities(&mut self) {
        let unit_count = self.units.len();
        for turn in 0..self.counts.identities {
            let unit = self.unit_for(turn);
            let zones = &self.units[unit].zones;
            let mut slot = IDENTITY_PLAN[turn / unit_count % IDENTITY_PLAN.len()];
            if slot == IdentitySlot::ServiceAccount && zones.namespaces.is_empty() {
                slot = IdentitySlot::Role;
            }

            let (parent, domain) = if slot == IdentitySlot::ServiceAccount {
                let accounts_here = self.units[unit].members.service_accounts.len();
                let namespace = UnitZones::nth(&zones.namespaces, accounts_here);
                let which = accounts_here % zones.namespaces.len().max(1);
                (namespace, Self::unit_domain(unit, which))
            } else {
                let parent = zones.account;
                (parent, self.random_unit_domain(unit))
            };

            let node = self.identity_node(slot, domain, turn);
            let placement = Placement {
                parent,
                unit,
                domain,
                variant: 0,
            };
            let ix = self.add_node(node, placement);

            let lists = [&mut self.units[unit].members, &mut self.all];
            for members in lists {
                members.identities.push(ix);
                match slot {
                    IdentitySlot::Role => members.iam_roles.push(ix),
                    IdentitySlot::ServiceAccount => members.service_accounts.push(ix),
                    IdentitySlot::Group => members.groups.push(ix),
                    _ => {}
                }
            }
            if let (IdentitySlot::ServiceAccount, Some(namespace)) = (slot, parent) {
                self.namespace_accounts
                    .entry(namespace)
                    .or_default()
                    .push(ix);
            }
        }
    }

    fn identity_node(&mut self, slot: IdentitySlot, domain: usize, turn: usize) -> Node {
        let slug = DOMAINS[domain].0;
        let mut identity = Identity {
            sort: IdentitySort::IamRole,
            credentials: CredentialLifetime::ShortLived,
            boundary: None,
        };
        let (segment, role, technology) = match slot {
            IdentitySlot::Role => {
                if self.rng.random_bool(0.4) {
                    identity.boundary = Some(vec![BoundaryRule {
                        actions: vec![Action::Write, Action::Invoke, Action::Decrypt],
                        targets: vec![format!("{slug}-*")],
                    }]);
                }
                ("role", "role", "AWS IAM")
            }
            IdentitySlot::ServiceAccount => {
                identity.sort = IdentitySort::ServiceAccount;
                ("sa", "service account", "Kubernetes")
            }
            IdentitySlot::Spiffe => {
                identity.sort = IdentitySort::SpiffeId;
                ("spiffe", "SPIFFE ID", "SPIRE")
            }
            IdentitySlot::User => {
                identity.sort = IdentitySort::IamUser;
                if self.rng.random_bool(0.8) {
                    identity.credentials = CredentialLifetime::LongLived;
                }
                ("user", "deploy user", "AWS IAM")
            }
            IdentitySlot::Group => {
                identity.sort = IdentitySort::Group;
                ("group", "operators", "AWS IAM")
            }
            IdentitySlot::Provider => {
                identity.sort = IdentitySort::IdentityProvider {
                    enforces_mfa: self.rng.random_bool(0.7),
                };
                ("idp", "sign-in", "AWS IAM Identity Center")
            }
        };

        let id = format!("{slug}-{segment}-{turn}");
        let label = Self::label(domain, role, turn, 6);
        let mut node = Node::new(id, label, NodeKind::Identity(identity));
        node.technology = technology.to_owned();
        node
    }

    fn add_keys(&mut self) {
        for turn in 0..self.counts.keys() {
            let unit = self.unit_for(turn);
            let domain = self.random_unit_domain(unit);
            let cloudhsm = self.rng.random_bool(0.2);
            let rotation = if cloudhsm {
                // AWS offers no automatic rotation for keys in a custom key store.
                weighted(
                    &mut self.rng,
                    &[
                        (KeyRotation::Manual { days: 365 }, 50),
                        (KeyRotation::None, 50),
                    ],
                )
            } else {
                weighted(
                    &mut self.rng,
                    &[
                        (KeyRotation::Automatic, 70),
                        (KeyRotation::Manual { days: 180 }, 10),
                        (KeyRotation::Manual { days: 730 }, 10),
                        (KeyRotation::None, 10),
                    ],
                )
            };

            let id = format!("{}-key-{turn}", DOMAINS[domain].0);
            let label = Self::label(domain, "data key", turn, 1);
            let mut node = Node::new(id, label, NodeKind::Key(Key { cloudhsm, rotation }));
            node.technology = if cloudhsm {
                "AWS KMS with AWS CloudHSM"
            } else {
                "AWS KMS"
            }
            .to_owned();
            let zones = &self.units[unit].zones;
            let placement = Placement {
                parent: UnitZones::first_of(&[zones.region, zones.account]),
                unit,
                domain,
                variant: 0,
            };
            let ix = self.add_node(node, placement);
            self.units[unit].members.keys.push(ix);
            self.all.keys.push(ix);
        }
    }

    fn add_data_stores(&mut self) {
        for turn in 0..self.counts.data_stores {
            let unit = self.unit_for(turn);
            let domain = self.random_unit_domain(unit);
            let variant = weighted_index(&mut self.rng, &STORE_KINDS);
            let kind = &STORE_KINDS[variant].0;

            let zones = &self.units[unit].zones;
            let parent = if kind.in_vpc {
                let subnet = UnitZones::nth(&zones.data_subnets, turn / self.units.len());
                UnitZones::first_of(&[subnet, zones.vpc, zones.region, zones.account])
            } else {
                UnitZones::first_of(&[zones.region, zones.account])
            };

            let (node, key) = self.store_node(variant, domain, turn, unit);
            let placement = Placement {
                parent,
                unit,
                domain,
                variant,
            };
            let ix = self.add_node(node, placement);
            if let Some(key) = key {
                self.add_edge_to(ix, key, EdgeKind::EncryptedBy);
            }

            let lists = [&mut self.units[unit].members, &mut self.all];
            for members in lists {
                members.stores.push(ix);
                if kind.login {
                    members.login_stores.push(ix);
                }
            }
        }
    }

    /// Returns a data store and the key it is encrypted by, if its key is customer-managed.
    fn store_node(
        &mut self,
        variant: usize,
        domain: usize,
        turn: usize,
        unit: usize,
    ) -> (Node, Option<NodeIx>) {
        let kind = &STORE_KINDS[variant].0;
        let mut encryption = weighted(
            &mut self.rng,
            &[
                (Encryption::CustomerManaged, 55),
                (Encryption::ProviderManaged, 30),
                (Encryption::None, 15),
            ],
        );
        let key = match encryption {
            Encryption::CustomerManaged => self.pick(unit, |members| &members.keys),
            _ => None,
        };
        if encryption == Encryption::CustomerManaged && key.is_none() {
            encryption = Encryption::ProviderManaged;
        }
        let is_bucket = kind.slug == "bucket";
        let store = DataStore {
            public: is_bucket && self.rng.random_bool(0.05),
            encryption,
            read_needs_decrypt: is_bucket && encryption == Encryption::CustomerManaged,
        };

        let id = format!("{}-{}-{turn}", DOMAINS[domain].0, kind.slug);
        let label = Self::label(domain, kind.label, turn, STORE_KINDS.len());
        let mut node = Node::new(id, label, NodeKind::DataStore(store));
        node.technology = kind.technology.to_owned();
        if self.rng.random_bool(0.3) {
            node.data_classes = weighted(&mut self.rng, &STORE_DATA_CLASSES).to_vec();
        }
        node.critical = self.rng.random_bool(0.03);
        (node, key)
    }

    fn add_secrets(&mut self) {
        for turn in 0..self.counts.secrets() {
            let unit = self.unit_for(turn);
            let domain = self.random_unit_domain(unit);
            let (storage, technology) = weighted(
                &mut self.rng,
                &[
                    ((SecretStorage::SecretsManager, "AWS Secrets Manager"), 70),
                    (
                        (
                            SecretStorage::ParameterStore,
                            "AWS Systems Manager Parameter Store",
                        ),
                        20,
                    ),
                    ((SecretStorage::PlaintextConfig, "environment variable"), 10),
                ],
            );
            let rotation_days = match storage {
                SecretStorage::SecretsManager => weighted(
                    &mut self.rng,
                    &[(Some(30), 40), (Some(90), 30), (Some(180), 15), (None, 15)],
                ),
                _ => None,
            };

            // A database login most of the time, else an IAM user's access key.
            let unlocks = if self.rng.random_bool(0.7) {
                self.pick(unit, |members| &members.login_stores)
                    .or_else(|| self.pick(unit, |members| &members.identities))
            } else {
                self.pick(unit, |members| &members.identities)
                    .or_else(|| self.pick(unit, |members| &members.login_stores))
            };
            let role = match unlocks.map(|ix| &self.doc.nodes[ix].kind) {
                Some(NodeKind::Identity(_)) => "access key",
                _ => "database login",
            };

            let id = format!("{}-secret-{turn}", DOMAINS[domain].0);
            let label = Self::label(domain, role, turn, 2);
            let secret = Secret {
                storage,
                rotation_days,
            };
            let mut node = Node::new(id, label, NodeKind::Secret(secret));
            node.technology = technology.to_owned();
            let zones = &self.units[unit].zones;
            let placement = Placement {
                parent: UnitZones::first_of(&[zones.region, zones.account]),
                unit,
                domain,
                variant: 0,
            };
            let ix = self.add_node(node, placement);
            if let Some(target) = unlocks {
                self.add_edge_to(ix, target, EdgeKind::Unlocks);
            }
            self.units[unit].members.secrets.push(ix);
            self.all.secrets.push(ix);
        }
    }

    fn add_gateways(&mut self) {
        for turn in 0..self.counts.gateways {
            let unit = self.unit_for(turn);
            let domain = self.random_unit_domain(unit);
            let variant = weighted_index(&mut self.rng, &GATEWAY_KINDS);
            let kind = &GATEWAY_KINDS[variant].0;
            let gateway = Gateway {
                public: kind.public,
                waf: kind.public && self.rng.random_bool(0.8),
                request_signing: kind.slug == "apigw" && self.rng.random_bool(0.3),
                identity_aware: kind.slug == "ava",
            };

            let id = format!("{}-{}-{turn}", DOMAINS[domain].0, kind.slug);
            let label = Self::label(domain, kind.label, turn, GATEWAY_KINDS.len());
            let mut node = Node::new(id, label, NodeKind::Gateway(gateway));
            node.technology = kind.technology.to_owned();
            let zones = &self.units[unit].zones;
            let placement = Placement {
                parent: UnitZones::first_of(&[
                    zones.public_subnet,
                    zones.vpc,
                    zones.region,
                    zones.account,
                ]),
                unit,
                domain,
                variant,
            };
            let ix = self.add_node(node, placement);
            self.units[unit].members.gateways.push(ix);
            self.all.gateways.push(ix);

            self.add_ingress_flow(ix, kind.workforce);
        }
    }

    fn add_services(&mut self) {
        for turn in 0..self.counts.services {
            let unit = self.unit_for(turn);
            let zones = &self.units[unit].zones;
            let spread = turn / self.units.len();
            let on_cluster = !zones.namespaces.is_empty() && self.rng.random_bool(0.5);

            let (parent, domain, technology) = if on_cluster {
                let which = spread % zones.namespaces.len();
                let namespace = zones.namespaces[which];
                (
                    Some(namespace),
                    Self::unit_domain(unit, which),
                    "Amazon EKS",
                )
            } else {
                let subnet = UnitZones::nth(&zones.app_subnets, spread);
                let parent = UnitZones::first_of(&[subnet, zones.vpc, zones.region, zones.account]);
                let technology = *SUBNET_SERVICE_TECHNOLOGIES
                    .choose(&mut self.rng)
                    .unwrap_or(&"Amazon EC2");
                (parent, self.random_unit_domain(unit), technology)
            };

            let service = Service {
                public: self.rng.random_bool(0.02),
                signed_image: self.rng.random_bool(0.6),
                immutable: self.rng.random_bool(0.7),
            };
            let (segment, role) = SERVICE_ROLES[self.rng.random_range(0..SERVICE_ROLES.len())];
            let id = format!("{}-{segment}-{turn}", DOMAINS[domain].0);
            let label = Self::label(domain, role, turn, SERVICE_ROLES.len());
            let mut node = Node::new(id, label, NodeKind::Service(service));
            node.technology = technology.to_owned();
            node.critical = self.rng.random_bool(0.01);
            let placement = Placement {
                parent,
                unit,
                domain,
                variant: 0,
            };
            let ix = self.add_node(node, placement);
            self.units[unit].members.services.push(ix);
            self.all.services.push(ix);

            if let Some(identity) =
                self.workload_identity(unit, on_cluster.then_some(parent).flatten())
            {
                self.add_edge_to(ix, identity, EdgeKind::RunsAs);
            }
        }
    }

    /// Picks the identity a service runs as: a service account of its namespace on a
    /// cluster, an IAM role of its account elsewhere.
    fn workload_identity(&mut self, unit: usize, namespace: Option<NodeIx>) -> Option<NodeIx> {
        let in_namespace = namespace
            .and_then(|namespace| self.namespace_accounts.get(&namespace))
            .and_then(|accounts| accounts.choose(&mut self.rng).copied());
        in_namespace
            .or_else(|| self.pick(unit, |members| &members.iam_roles))
            .or_else(|| self.pick(unit, |members| &members.identities))
    }

    // Flows.

    fn add_ingress_flow(&mut self, gateway: NodeIx, workforce: bool) {
        let externals = self.externals;
        let (caller, sort) = if workforce {
            if self.rng.random_bool(0.5) {
                (externals.workforce_group, ExternalSort::WorkforceGroup)
            } else {
                (
                    externals.workforce_user,
                    ExternalSort::WorkforceUser { mfa: true },
                )
            }
        } else if self.rng.random_bool(0.7) {
            (externals.customers, ExternalSort::Customer)
        } else {
            (externals.internet, ExternalSort::Internet)
        };
        let flow = flows::ingress_flow(&mut self.rng, sort);
        self.add_edge_to(caller, gateway, EdgeKind::Flow(flow));
    }

    /// Adds four flows for every service: out to a data store, out to another service, one
    /// more out to either, and for every fourth service one in from a gateway in place of the
    /// last. A flow whose callee cannot exist (a model without data stores or with a single
    /// service) is replaced by the other sort or left out.
    fn add_service_flows(&mut self) {
        let services = self.all.services.clone();
        for (turn, &service) in services.iter().enumerate() {
            let unit = self.placements[service].unit;
            self.add_call(service, unit, true);
            self.add_call(service, unit, false);
            let to_store = self.rng.random_bool(0.5);
            self.add_call(service, unit, to_store);

            let gateway = if turn.is_multiple_of(4) {
                self.pick(unit, |members| &members.gateways)
            } else {
                None
            };
            match gateway {
                Some(gateway) => {
                    let flow = flows::gateway_flow(&mut self.rng);
                    self.add_edge_to(gateway, service, EdgeKind::Flow(flow));
                }
                None => {
                    let to_store = self.rng.random_bool(0.5);
                    self.add_call(service, unit, to_store);
                }
            }
        }
    }

    fn add_call(&mut self, caller: NodeIx, unit: usize, to_store: bool) {
        let callee = if to_store {
            self.pick(unit, |members| &members.stores)
                .map(|store| (store, true))
                .or_else(|| self.pick_peer(caller, unit).map(|peer| (peer, false)))
        } else {
            self.pick_peer(caller, unit)
                .map(|peer| (peer, false))
                .or_else(|| {
                    self.pick(unit, |members| &members.stores)
                        .map(|store| (store, true))
                })
        };
        let Some((callee, is_store)) = callee else {
            return;
        };

        let flow = if is_store {
            let kind = &STORE_KINDS[self.placements[callee].variant].0;
            let data_classes = self.doc.nodes[callee].data_classes.clone();
            flows::store_flow(&mut self.rng, kind, data_classes)
        } else {
            let across = self.placements[callee].unit != unit;
            flows::service_flow(&mut self.rng, across)
        };
        self.add_edge_to(caller, callee, EdgeKind::Flow(flow));
    }

    /// Picks another service to call, now and then from another account.
    fn pick_peer(&mut self, caller: NodeIx, unit: usize) -> Option<NodeIx> {
        if self.rng.random_bool(CROSS_ACCOUNT_CALL) {
            choose_other(&mut self.rng, &self.all.services, caller)
        } else {
            self.pick_other(unit, caller, |members| &members.services)
        }
    }

    // Identity relations.

    /// Adds two grants and one can-assume edge for every identity, and puts every IAM user
    /// into a group.
    fn add_identity_edges(&mut self) {
        let identities = self.all.identities.clone();
        for identity in identities {
            for _ in 0..2 {
                let (target, actions) = self.grant(identity);
                self.add_edge(identity, target, EdgeKind::Grants(Grant { actions }));
            }

            if let Some((target, condition)) = self.assume_target(identity) {
                self.add_edge_to(identity, target, EdgeKind::CanAssume(condition));
            }

            let is_user = matches!(
                &self.doc.nodes[identity].kind,
                NodeKind::Identity(Identity {
                    sort: IdentitySort::IamUser,
                    ..
                })
            );
            let unit = self.placements[identity].unit;
            if is_user && let Some(group) = self.pick(unit, |members| &members.groups) {
                self.add_edge_to(identity, group, EdgeKind::MemberOf);
            }
        }
    }

    /// Returns a grant's target (a node id, a zone id or a glob) and its actions: mostly
    /// a node of the identity's account, sometimes a zone, rarely a glob.
    fn grant(&mut self, identity: NodeIx) -> (String, Vec<Action>) {
        let unit = self.placements[identity].unit;
        let scope = weighted(&mut self.rng, &[(0, 80), (1, 15), (2, 5)]);
        let granted = match scope {
            0 => self.node_grant(unit),
            1 => self.zone_grant(unit),
            _ => None,
        };
        granted.unwrap_or_else(|| self.glob_grant(identity))
    }

    fn node_grant(&mut self, unit: usize) -> Option<(String, Vec<Action>)> {
        let category = weighted(&mut self.rng, &[(0, 50), (1, 20), (2, 15), (3, 15)]);
        let (target, actions) = match category {
            0 => {
                let action = weighted(
                    &mut self.rng,
                    &[
                        (Action::Read, 50),
                        (Action::Write, 35),
                        (Action::Admin, 5),
                        (Action::Configure, 10),
                    ],
                );
                (self.pick(unit, |members| &members.stores)?, vec![action])
            }
            1 => (
                self.pick(unit, |members| &members.services)?,
                vec![Action::Invoke],
            ),
            2 => (
                self.pick(unit, |members| &members.secrets)?,
                vec![Action::Read],
            ),
            _ => {
                let action = weighted(&mut self.rng, &[(Action::Decrypt, 85), (Action::Admin, 15)]);
                (self.pick(unit, |members| &members.keys)?, vec![action])
            }
        };
        Some((self.id(target).to_owned(), actions))
    }

    fn zone_grant(&mut self, unit: usize) -> Option<(String, Vec<Action>)> {
        let zones = &self.units[unit].zones;
        // Zone grants name the small zones a team owns (a data subnet, a namespace); a grant
        // on a whole account or region is the rare broad grant that globs stand for.
        let candidates: Vec<NodeIx> = zones
            .data_subnets
            .iter()
            .chain(zones.namespaces.iter())
            .copied()
            .collect();
        let zone = *candidates.choose(&mut self.rng)?;
        let action = weighted(
            &mut self.rng,
            &[
                (Action::Read, 45),
                (Action::Configure, 45),
                (Action::Admin, 10),
            ],
        );
        Some((self.id(zone).to_owned(), vec![action]))
    }

    /// Returns a grant on the identity's own domain, which covers at least the identity.
    ///
    /// No generated grant names `*`: with one can-assume edge per identity, a single grant on
    /// every node makes nearly every identity's blast radius the whole model, which is not
    /// the shape of a real account (where the few administrator roles require MFA).
    fn glob_grant(&mut self, identity: NodeIx) -> (String, Vec<Action>) {
        let target = format!("{}-*", DOMAINS[self.placements[identity].domain].0);
        let action = weighted(
            &mut self.rng,
            &[(Action::Read, 60), (Action::Configure, 40)],
        );
        (target, vec![action])
    }

    /// Returns the identity an identity can assume, and the trust policy's conditions: a
    /// service account's IAM role by association, another role for the rest.
    fn assume_target(&mut self, identity: NodeIx) -> Option<(NodeIx, CanAssume)> {
        let NodeKind::Identity(Identity { sort, .. }) = self.doc.nodes[identity].kind else {
            return None;
        };
        let unit = self.placements[identity].unit;
        let mut condition = CanAssume::default();

        let target = match sort {
            IdentitySort::ServiceAccount => {
                condition.association = true;
                self.pick_other(unit, identity, |members| &members.iam_roles)
            }
            IdentitySort::IamRole if self.rng.random_bool(0.15) => {
                // A cross-account role, as deployment pipelines use.
                condition.external_id = self.rng.random_bool(0.2);
                choose_other(&mut self.rng, &self.all.iam_roles, identity)
            }
            IdentitySort::IamUser => {
                condition.mfa_required = self.rng.random_bool(0.5);
                self.pick_other(unit, identity, |members| &members.iam_roles)
            }
            IdentitySort::Group => {
                condition.mfa_required = self.rng.random_bool(0.7);
                self.pick_other(unit, identity, |members| &members.iam_roles)
            }
            _ => self.pick_other(unit, identity, |members| &members.iam_roles),
        };
        let target = target.or_else(|| {
            condition = CanAssume::default();
            self.pick_other(unit, identity, |members| &members.identities)
        })?;
        Some((target, condition))
    }

    /// Lets the workforce user (who signs in with MFA) assume a role that requires MFA and
    /// join a group, and the workforce group assume a role without any MFA condition.
    fn add_workforce_edges(&mut self) {
        let Externals {
            workforce_user,
            workforce_group,
            ..
        } = self.externals;

        if let Some(role) = self.all.iam_roles.choose(&mut self.rng).copied() {
            let condition = CanAssume {
                mfa_required: true,
                ..CanAssume::default()
            };
            self.add_edge_to(workforce_user, role, EdgeKind::CanAssume(condition));
        }
        if let Some(group) = self.all.groups.choose(&mut self.rng).copied() {
            self.add_edge_to(workforce_user, group, EdgeKind::MemberOf);
        }
        if let Some(role) = self.all.iam_roles.choose(&mut self.rng).copied() {
            let condition = CanAssume::default();
            self.add_edge_to(workforce_group, role, EdgeKind::CanAssume(condition));
        }
    }

    fn finish(mut self) -> Document {
        let parents: Vec<Option<NodeIx>> = self
            .placements
            .iter()
            .map(|placement| placement.parent)
            .collect();
        layout::lay_out(&mut self.doc.nodes, &parents);
        self.doc
    }
}

/// Picks a value from `(value, weight)` options in proportion to the weights. The options
/// are constant tables, never empty.
fn weighted<T: Clone>(rng: &mut SmallRng, options: &[(T, u32)]) -> T {
    let index = weighted_index(rng, options);
    options[index].0.clone()
}

/// Picks an index into `(value, weight)` options in proportion to the weights.
fn weighted_index<T>(rng: &mut SmallRng, options: &[(T, u32)]) -> usize {
    let total: u32 = options.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (index, (_, weight)) in options.iter().enumerate() {
        if roll < *weight {
            return index;
        }
        roll -= weight;
    }
    options.len().saturating_sub(1)
}

/// Picks a node other than `exclude` from a list that contains each node at most once.
fn choose_other(rng: &mut SmallRng, list: &[NodeIx], exclude: NodeIx) -> Option<NodeIx> {
    if list.is_empty() {
        return None;
    }
    let position = rng.random_range(0..list.len());
    if list[position] != exclude {
        return Some(list[position]);
    }
    let next = list[(position + 1) % list.len()];
    (next != exclude).then_some(next)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::graph::{Graph, is_glob};

    fn counts_in(doc: &Document) -> Counts {
        let mut counts = Counts::default();
        for node in &doc.nodes {
            match node.kind {
                NodeKind::Service(_) => counts.services += 1,
                NodeKind::Gateway(_) => counts.gateways += 1,
                NodeKind::DataStore(_) => counts.data_stores += 1,
                NodeKind::Identity(_) => counts.identities += 1,
                NodeKind::Zone(_) => counts.zones += 1,
                _ => {}
            }
        }
        counts
    }

    fn kind_of<'a>(graph: &Graph<'a>, id: &str) -> &'a NodeKind {
        let ix = graph
            .ix(id)
            .unwrap_or_else(|| panic!("{id} does not resolve"));
        &graph.node(ix).kind
    }

    fn assert_ids_unique_and_valid(doc: &Document) {
        let valid = |c: char| c.is_ascii_alphanumeric() || "._:/@+=,-".contains(c);
        let ids = doc
            .nodes
            .iter()
            .map(|node| &node.id)
            .chain(doc.edges.iter().map(|edge| &edge.id));
        let mut seen = HashSet::new();
        for id in ids {
            assert!(!id.is_empty(), "an id is empty");
            assert!(id.chars().all(valid), "id {id:?} has an invalid character");
            assert!(seen.insert(id), "id {id} is not unique");
        }
    }

    fn assert_references_resolve(doc: &Document) {
        let graph = Graph::new(doc);
        for edge in &doc.edges {
            assert!(
                graph.ix(&edge.from).is_some(),
                "{}: from {}",
                edge.id,
                edge.from
            );
            match edge.kind {
                EdgeKind::Grants(_) if is_glob(&edge.to) => assert!(
                    !graph.nodes_covered_by(&edge.to).is_empty(),
                    "{}: glob {} covers nothing",
                    edge.id,
                    edge.to
                ),
                _ => assert!(graph.ix(&edge.to).is_some(), "{}: to {}", edge.id, edge.to),
            }
        }
        for node in &doc.nodes {
            if let Some(parent) = &node.parent {
                let parent_ix = graph.ix(parent);
                assert!(parent_ix.is_some(), "{}: parent {parent}", node.id);
                let parent_is_zone = parent_ix.is_some_and(|ix| graph.node(ix).is_zone());
                assert!(parent_is_zone, "{}: parent {parent} is no zone", node.id);
            }
        }
        assert!(doc.policy_stores.is_empty());
    }

    #[test]
    fn same_seed_gives_equal_documents() {
        let config = GeneratorConfig::new(1_000, 42);
        assert_eq!(generate(&config), generate(&config));
    }

    #[test]
    fn different_seeds_give_different_documents() {
        let first = generate(&GeneratorConfig::new(1_000, 1));
        let second = generate(&GeneratorConfig::new(1_000, 2));
        assert_ne!(first, second);
    }

    #[test]
    fn split_by_largest_remainder() {
        // 13,334 nodes: exact shares 8000.4, 666.7, 2000.1, 2000.1, 666.7. The floors add up
        // to 13,332; the two largest remainders (0.7, gateways then zones) get one each.
        let split = Counts::for_nodes(13_334);
        assert_eq!(split.services, 8_000);
        assert_eq!(split.gateways, 667);
        assert_eq!(split.data_stores, 2_000);
        assert_eq!(split.identities, 2_000);
        assert_eq!(split.zones, 667);

        // 10 nodes: exact shares 6, 0.5, 1.5, 1.5, 0.5. Floors add up to 8; the four tied
        // remainders of 0.5 go in field order, to gateways and data stores.
        let split = Counts::for_nodes(10);
        assert_eq!(split.services, 6);
        assert_eq!(split.gateways, 1);
        assert_eq!(split.data_stores, 2);
        assert_eq!(split.identities, 1);
        assert_eq!(split.zones, 0);
    }

    #[test]
    fn split_of_huge_counts_does_not_overflow() {
        let split = Counts::for_nodes(usize::MAX);
        let total = [
            split.services,
            split.gateways,
            split.data_stores,
            split.identities,
            split.zones,
        ]
        .iter()
        .fold(0_usize, |sum, count| sum.saturating_add(*count));
        assert_eq!(total, usize::MAX);
    }

    #[test]
    fn node_count_is_clamped() {
        assert_eq!(clamped_nodes(5), 5);
        assert_eq!(clamped_nodes(MAX_NODES), MAX_NODES);
        assert_eq!(clamped_nodes(MAX_NODES + 1), MAX_NODES);
        assert_eq!(clamped_nodes(usize::MAX), MAX_NODES);
    }

    #[test]
    fn proportions_within_one_of_targets() {
        for nodes in [0, 1, 2, 7, 19, 20, 99, 100, 101, 1_000, 1_234, 3_333] {
            let doc = generate(&GeneratorConfig::new(nodes, 7));
            let counts = counts_in(&doc);
            let actual = [
                ("services", counts.services),
                ("gateways", counts.gateways),
                ("data stores", counts.data_stores),
                ("identities", counts.identities),
                ("zones", counts.zones),
            ];
            for ((kind, count), share) in actual.into_iter().zip(Counts::SHARES_PERCENT) {
                let target = nodes as f64 * share as f64 / 100.0;
                assert!(
                    (count as f64 - target).abs() <= 1.0,
                    "{nodes} nodes: {count} {kind}, target {target}"
                );
            }
            assert_eq!(counts, Counts::for_nodes(nodes), "{nodes} nodes");

            // The externals, secrets and keys come on top.
            let extra = 4 + counts.secrets() + counts.keys();
            assert_eq!(doc.nodes.len(), nodes + extra, "{nodes} nodes");
        }
    }

    #[test]
    fn every_reference_resolves() {
        for nodes in [0, 5, 30, 1_000] {
            let doc = generate(&GeneratorConfig::new(nodes, 3));
            assert_references_resolve(&doc);
        }
    }

    #[test]
    fn small_models_stay_valid() {
        for nodes in 0..=40 {
            let doc = generate(&GeneratorConfig::new(nodes, nodes as u64));
            assert_ids_unique_and_valid(&doc);
            assert_references_resolve(&doc);
        }
    }

    #[test]
    fn ids_unique_and_valid() {
        let doc = generate(&GeneratorConfig::new(3_000, 11));
        assert_ids_unique_and_valid(&doc);
    }

    #[test]
    fn edges_join_the_right_kinds() {
        let doc = generate(&GeneratorConfig::new(1_000, 5));
        let graph = Graph::new(&doc);
        for edge in &doc.edges {
            let from = kind_of(&graph, &edge.from);
            let fits = match &edge.kind {
                EdgeKind::Flow(_) => {
                    let to = kind_of(&graph, &edge.to);
                    match from {
                        NodeKind::External(_) => matches!(to, NodeKind::Gateway(_)),
                        NodeKind::Gateway(_) => matches!(to, NodeKind::Service(_)),
                        NodeKind::Service(_) => {
                            matches!(to, NodeKind::Service(_) | NodeKind::DataStore(_))
                        }
                        _ => false,
                    }
                }
                EdgeKind::RunsAs => {
                    matches!(from, NodeKind::Service(_))
                        && matches!(kind_of(&graph, &edge.to), NodeKind::Identity(_))
                }
                EdgeKind::CanAssume(_) => {
                    matches!(from, NodeKind::Identity(_) | NodeKind::External(_))
                        && matches!(kind_of(&graph, &edge.to), NodeKind::Identity(_))
                }
                EdgeKind::MemberOf => matches!(
                    kind_of(&graph, &edge.to),
                    NodeKind::Identity(Identity {
                        sort: IdentitySort::Group,
                        ..
                    })
                ),
                EdgeKind::Grants(grant) => {
                    matches!(from, NodeKind::Identity(_)) && !grant.actions.is_empty()
                }
                EdgeKind::Unlocks => {
                    matches!(from, NodeKind::Secret(_))
                        && matches!(
                            kind_of(&graph, &edge.to),
                            NodeKind::Identity(_) | NodeKind::DataStore(_)
                        )
                }
                EdgeKind::EncryptedBy => {
                    let customer_managed = matches!(
                        from,
                        NodeKind::DataStore(DataStore {
                            encryption: Encryption::CustomerManaged,
                            ..
                        })
                    );
                    customer_managed && matches!(kind_of(&graph, &edge.to), NodeKind::Key(_))
                }
            };
            assert!(fits, "{} joins the wrong kinds: {edge:?}", edge.id);
            assert_ne!(edge.from, edge.to, "{} is a loop", edge.id);
        }
    }

    #[test]
    fn relations_per_node() {
        // 1,000 nodes hold 600 services and 50 gateways. Each service makes three calls and
        // either receives a flow from a gateway or makes a fourth call; each gateway
        // receives one flow from an external node: 4 * 600 + 50 = 2,450 flows.
        let doc = generate(&GeneratorConfig::new(1_000, 9));
        let graph = Graph::new(&doc);
        assert_eq!(graph.all_flows().len(), 2_450);

        for (ix, node) in doc.nodes.iter().enumerate() {
            let out = graph.out_edges(ix);
            match node.kind {
                NodeKind::Service(_) => {
                    assert_eq!(out.runs_as.len(), 1, "{} runs as", node.id);
                }
                NodeKind::Identity(_) => {
                    assert_eq!(out.grants.len(), 2, "{} grants", node.id);
                    assert_eq!(out.can_assume.len(), 1, "{} can assume", node.id);
                }
                NodeKind::Secret(_) => {
                    assert_eq!(out.unlocks.len(), 1, "{} unlocks", node.id);
                }
                NodeKind::DataStore(DataStore { encryption, .. }) => {
                    let expected = usize::from(encryption == Encryption::CustomerManaged);
                    assert_eq!(out.encrypted_by.len(), expected, "{} key", node.id);
                }
                _ => {}
            }
        }
    }

    #[test]
    fn data_classes_and_crown_jewels_mix() {
        let doc = generate(&GeneratorConfig::new(10_000, 13));
        let stores: Vec<&Node> = doc
            .nodes
            .iter()
            .filter(|node| matches!(node.kind, NodeKind::DataStore(_)))
            .collect();
        let classified = stores
            .iter()
            .filter(|store| !store.data_classes.is_empty())
            .count();
        let share = classified as f64 / stores.len() as f64;
        // 1,500 stores at 30 percent: 450 expected, with a standard deviation of about 18.
        assert!(
            (0.25..=0.35).contains(&share),
            "{share} of stores classified"
        );

        let restricted = stores
            .iter()
            .filter(|store| store.data_classes.iter().any(|class| class.is_restricted()))
            .count();
        assert!(restricted > 0, "no store holds restricted data");

        let critical = doc.nodes.iter().filter(|node| node.critical).count();
        assert!(critical > 0, "no node is critical");
        assert!(critical < doc.nodes.len() / 20, "{critical} critical nodes");

        let globs = doc
            .edges
            .iter()
            .filter(|edge| matches!(edge.kind, EdgeKind::Grants(_)) && is_glob(&edge.to))
            .count();
        let grants = 2 * 1_500;
        assert!(globs > 0, "no grant targets a glob");
        assert!(
            globs < grants / 10,
            "{globs} of {grants} grants target a glob"
        );
    }

    #[test]
    fn zones_form_a_tree() {
        let doc = generate(&GeneratorConfig::new(2_000, 17));
        let graph = Graph::new(&doc);
        for ix in 0..graph.node_count() {
            let mut seen = HashSet::from([ix]);
            let mut current = graph.parent(ix);
            while let Some(zone) = current {
                assert!(seen.insert(zone), "{} is in a zone cycle", graph.id(ix));
                current = graph.parent(zone);
            }

            // Only accounts and external nodes sit at the top.
            let top_level = graph.parent(ix).is_none();
            let may_be_top = match &graph.node(ix).kind {
                NodeKind::Zone(zone) => matches!(zone.sort, ZoneSort::Account(_)),
                NodeKind::External(_) => true,
                _ => false,
            };
            assert_eq!(top_level, may_be_top, "{}", graph.id(ix));
        }
    }

    #[test]
    fn zone_ids_match_their_sorts() {
        // Zone ids name the place in the account: `acct-N`, `acct-N/region`,
        // `acct-N/region/vpc`, then `/public-a`, `/app-b`, `/data-a`, `/eks` and
        // `/eks/namespace` under the VPC.
        let doc = generate(&GeneratorConfig::new(1_000, 29));
        let mut seen = HashSet::new();
        for node in &doc.nodes {
            let NodeKind::Zone(zone) = &node.kind else {
                continue;
            };
            let segments: Vec<&str> = node.id.split('/').collect();
            let expected = match segments.as_slice() {
                [_] => "account",
                [_, _] => "region",
                [_, _, "vpc"] => "VPC",
                [_, _, "vpc", "eks"] => "EKS cluster",
                [_, _, "vpc", "eks", _] => "namespace",
                [_, _, "vpc", _] => "subnet",
                _ => "unexpected",
            };
            assert_eq!(zone.sort.name(), expected, "{}", node.id);
            if let ZoneSort::Subnet { public } = zone.sort {
                assert_eq!(public, node.id.ends_with("/public-a"), "{}", node.id);
            }
            seen.insert(expected);
        }
        // 50 zones make four whole accounts and one of two zones: every sort appears.
        assert_eq!(seen.len(), 6, "{seen:?}");
    }

    #[test]
    fn positions_nest_inside_zones() {
        let doc = generate(&GeneratorConfig::new(1_000, 19));
        let graph = Graph::new(&doc);
        let inside = |inner: &Node, outer: &Node| {
            inner.position.x >= outer.position.x
                && inner.position.y >= outer.position.y
                && inner.position.x + inner.size.width <= outer.position.x + outer.size.width
                && inner.position.y + inner.size.height <= outer.position.y + outer.size.height
        };
        let overlap = |a: &Node, b: &Node| {
            a.position.x < b.position.x + b.size.width
                && b.position.x < a.position.x + a.size.width
                && a.position.y < b.position.y + b.size.height
                && b.position.y < a.position.y + a.size.height
        };

        for (ix, node) in doc.nodes.iter().enumerate() {
            assert!(
                node.size.width > 0.0 && node.size.height > 0.0,
                "{}",
                node.id
            );
            if let Some(parent) = graph.parent(ix) {
                let zone = graph.node(parent);
                assert!(inside(node, zone), "{} sticks out of {}", node.id, zone.id);
            }
        }
        let top_level: Vec<NodeIx> = (0..graph.node_count())
            .filter(|&ix| graph.parent(ix).is_none())
            .collect();
        let containers = (0..graph.node_count()).map(|zone| graph.children(zone).to_vec());
        for siblings in containers.chain([top_level]) {
            for (i, &a) in siblings.iter().enumerate() {
                for &b in &siblings[i + 1..] {
                    let (a, b) = (graph.node(a), graph.node(b));
                    assert!(!overlap(a, b), "{} overlaps {}", a.id, b.id);
                }
            }
        }
    }

    #[test]
    fn ron_round_trip_is_lossless() {
        let doc = generate(&GeneratorConfig::new(1_000, 23));
        let text = ron::ser::to_string_pretty(&doc, ron::ser::PrettyConfig::default());
        let text = text.unwrap_or_else(|error| panic!("serializing failed: {error}"));
        let parsed: Document =
            ron::from_str(&text).unwrap_or_else(|error| panic!("parsing failed: {error}"));
        assert_eq!(parsed, doc);
    }
}
