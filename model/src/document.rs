//! The document: every node, zone, edge and policy store of a model, as stored in a
//! `.trustmap.ron` file.
//!
//! The types mirror the file format one to one. Each fact is stored once: a relation is an
//! [`Edge`], never also an attribute. Fields that hold their default value are left out of
//! the file, so a small model stays small and a diff shows only what changed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The format version written by this build. Older versions are migrated on load.
pub const FORMAT_VERSION: u32 = 1;

/// A whole model: the diagram, its policy stores and the reviewer's manual verdicts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// File format version, [`FORMAT_VERSION`] when written by this build.
    pub format: u32,
    /// Name of the modelled system, shown in titles and exports.
    pub name: String,
    /// Free text about the model.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Nodes and zones, in the order the author keeps them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<Node>,
    /// Flows and the identity relations between nodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edges: Vec<Edge>,
    /// Cedar policy stores that flows name as their authorization.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_stores: Vec<PolicyStore>,
    /// The reviewer's verdicts on checklist items, keyed by item id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub verdicts: BTreeMap<String, ManualVerdict>,
}

impl Document {
    /// Creates an empty model with the given name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            format: FORMAT_VERSION,
            name: name.into(),
            ..Self::default()
        }
    }

    /// Returns the node or zone with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|node| node.id == id)
    }

    /// Returns the node or zone with this id, for editing.
    pub fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|node| node.id == id)
    }

    /// Returns the edge with this id.
    pub fn edge(&self, id: &str) -> Option<&Edge> {
        self.edges.iter().find(|edge| edge.id == id)
    }

    /// Returns the edge with this id, for editing.
    pub fn edge_mut(&mut self, id: &str) -> Option<&mut Edge> {
        self.edges.iter_mut().find(|edge| edge.id == id)
    }

    /// Returns the policy store with this id.
    pub fn policy_store(&self, id: &str) -> Option<&PolicyStore> {
        self.policy_stores.iter().find(|store| store.id == id)
    }
}

/// A point in world coordinates (the diagram's own units, y down).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Horizontal coordinate.
    pub x: f32,
    /// Vertical coordinate, growing downwards.
    pub y: f32,
}

impl Point {
    /// Creates a point.
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }
}

/// A width and height in world units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Size {
    /// Width, positive.
    pub width: f32,
    /// Height, positive.
    pub height: f32,
}

impl Size {
    /// Creates a size.
    pub const fn new(width: f32, height: f32) -> Self {
        Self { width, height }
    }
}

impl Default for Size {
    fn default() -> Self {
        Self::new(160.0, 64.0)
    }
}

/// A node or a zone of the diagram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Stable id, unique among nodes, zones and edges, such as `payments-api`.
    pub id: String,
    /// Name shown on the canvas and in every report.
    pub label: String,
    /// The node's kind, with the attributes of that kind.
    pub kind: NodeKind,
    /// The concrete technology it stands for, such as `Amazon API Gateway`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub technology: String,
    /// Top-left corner in world coordinates.
    #[serde(default)]
    pub position: Point,
    /// Size in world units.
    #[serde(default)]
    pub size: Size,
    /// Id of the zone that contains this node or zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Data classes the node holds: at rest for a data store, in memory or on disk for a
    /// workload. A node with none holds none; it is not thereby public.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_classes: Vec<DataClass>,
    /// A crown jewel whatever data it holds.
    #[serde(default, skip_serializing_if = "is_false")]
    pub critical: bool,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Free-text note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Node {
    /// Creates a node of this kind with default geometry and no attributes.
    pub fn new(id: impl Into<String>, label: impl Into<String>, kind: NodeKind) -> Self {
        let size = if matches!(kind, NodeKind::Zone(_)) {
            Size::new(480.0, 320.0)
        } else {
            Size::default()
        };
        Self {
            id: id.into(),
            label: label.into(),
            kind,
            technology: String::new(),
            position: Point::default(),
            size,
            parent: None,
            data_classes: Vec::new(),
            critical: false,
            tags: Vec::new(),
            note: String::new(),
        }
    }

    /// Returns whether this is a zone.
    pub fn is_zone(&self) -> bool {
        matches!(self.kind, NodeKind::Zone(_))
    }

    /// Returns whether this is an external node (always untrusted).
    pub fn is_external(&self) -> bool {
        matches!(self.kind, NodeKind::External(_))
    }

    /// Returns the data classes the node holds, counting the credentials that every secret
    /// holds by definition.
    pub fn held_data_classes(&self) -> Vec<DataClass> {
        let mut classes = self.data_classes.clone();
        if matches!(self.kind, NodeKind::Secret(_)) && !classes.contains(&DataClass::Credentials) {
            classes.push(DataClass::Credentials);
        }
        classes.sort();
        classes.dedup();
        classes
    }

    /// Returns whether the node is a crown jewel: marked critical or holding restricted data.
    pub fn is_crown_jewel(&self) -> bool {
        self.critical
            || self
                .held_data_classes()
                .iter()
                .any(|class| class.is_restricted())
    }

    /// Returns whether the node has an endpoint on the Internet. Only gateways, services and
    /// data stores can be public.
    pub fn is_public(&self) -> bool {
        match &self.kind {
            NodeKind::Gateway(gateway) => gateway.public,
            NodeKind::Service(service) => service.public,
            NodeKind::DataStore(store) => store.public,
            _ => false,
        }
    }
}

/// The kind of a node, with the attributes of that kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NodeKind {
    /// Someone or something outside the system; always untrusted.
    External(External),
    /// An entry point: API Gateway, a load balancer, CloudFront, a Verified Access endpoint.
    Gateway(Gateway),
    /// A workload: an EKS deployment, an ECS task, a Lambda function, an EC2 instance.
    Service(Service),
    /// A data store: RDS, DynamoDB, S3 and the like.
    DataStore(DataStore),
    /// Credentials at rest.
    Secret(Secret),
    /// A KMS key.
    Key(Key),
    /// An identity: an IAM role or user, a service account, a group, an identity provider.
    Identity(Identity),
    /// A region of the diagram that contains nodes: an account, a VPC, a cluster.
    Zone(Zone),
}

impl NodeKind {
    /// Returns the kind's name as the file format and the reports spell it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::External(_) => "external",
            Self::Gateway(_) => "gateway",
            Self::Service(_) => "service",
            Self::DataStore(_) => "data store",
            Self::Secret(_) => "secret",
            Self::Key(_) => "key",
            Self::Identity(_) => "identity",
            Self::Zone(_) => "zone",
        }
    }
}

/// An external node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct External {
    /// The sort of outsider.
    pub sort: ExternalSort,
}

/// The sorts of external node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExternalSort {
    /// The Internet at large.
    Internet,
    /// A member of the public using the system.
    Customer,
    /// One employee or contractor.
    WorkforceUser {
        /// Signs in with multi-factor authentication.
        #[serde(default)]
        mfa: bool,
    },
    /// A group of employees or contractors.
    WorkforceGroup,
    /// A partner's system.
    Partner,
}

impl ExternalSort {
    /// Returns whether this is a workforce user or group.
    pub fn is_workforce(self) -> bool {
        matches!(self, Self::WorkforceUser { .. } | Self::WorkforceGroup)
    }
}

/// A gateway's attributes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    /// Has an endpoint on the Internet.
    #[serde(default)]
    pub public: bool,
    /// A web application firewall is attached.
    #[serde(default)]
    pub waf: bool,
    /// Callers must sign their requests.
    #[serde(default)]
    pub request_signing: bool,
    /// Checks the human's identity and device, as AWS Verified Access does.
    #[serde(default)]
    pub identity_aware: bool,
}

/// A service's attributes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Has an endpoint on the Internet.
    #[serde(default)]
    pub public: bool,
    /// Runs only signed images.
    #[serde(default)]
    pub signed_image: bool,
    /// Is replaced, never patched in place.
    #[serde(default)]
    pub immutable: bool,
}

/// A data store's attributes. Its data classes are those of its [`Node`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataStore {
    /// Has an endpoint on the Internet.
    #[serde(default)]
    pub public: bool,
    /// The owner of the key that encrypts the data at rest.
    #[serde(default)]
    pub encryption: Encryption,
    /// Reading through IAM also needs decrypt on the store's key (true for object stores
    /// such as S3 with SSE-KMS, false for database logins).
    #[serde(default)]
    pub read_needs_decrypt: bool,
}

impl Default for DataStore {
    fn default() -> Self {
        Self {
            public: false,
            encryption: Encryption::None,
            read_needs_decrypt: false,
        }
    }
}

/// Encryption at rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encryption {
    /// Not encrypted.
    #[default]
    #[serde(rename = "Unencrypted")]
    None,
    /// Encrypted with a key the provider manages.
    ProviderManaged,
    /// Encrypted with a customer-managed key (its `encrypted by` edge names the key).
    CustomerManaged,
}

/// A secret's attributes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// The secret's storage.
    pub storage: SecretStorage,
    /// Rotation period in days, or `None` when it never rotates.
    #[serde(default)]
    pub rotation_days: Option<u32>,
}

/// The storage of a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretStorage {
    /// AWS Secrets Manager.
    SecretsManager,
    /// SSM Parameter Store.
    ParameterStore,
    /// Plain text in configuration, environment or code.
    PlaintextConfig,
}

/// A KMS key's attributes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    /// Lives in a custom key store backed by CloudHSM.
    #[serde(default)]
    pub cloudhsm: bool,
    /// The rotation of the key material.
    pub rotation: KeyRotation,
}

/// The rotation of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyRotation {
    /// Never rotated.
    #[serde(rename = "NoRotation")]
    None,
    /// Rotated by AWS (not available for keys in a custom key store).
    Automatic,
    /// Rotated by hand every this many days.
    Manual {
        /// Period in days.
        days: u32,
    },
}

/// An identity's attributes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The sort of identity.
    pub sort: IdentitySort,
    /// How long its credentials live.
    #[serde(default)]
    pub credentials: CredentialLifetime,
    /// The permission boundary that caps its grants, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<Vec<BoundaryRule>>,
}

/// The sorts of identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentitySort {
    /// An IAM role.
    IamRole,
    /// An IAM user.
    IamUser,
    /// A Kubernetes service account.
    ServiceAccount,
    /// A SPIFFE ID.
    SpiffeId,
    /// A group of identities.
    Group,
    /// An identity provider: Cognito, IAM Identity Center, Auth0, an OIDC provider.
    IdentityProvider {
        /// Enforces MFA at sign-in.
        #[serde(default)]
        enforces_mfa: bool,
    },
}

/// How long an identity's credentials live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialLifetime {
    /// Temporary credentials that expire within hours.
    #[default]
    ShortLived,
    /// Access keys or passwords that live until someone revokes them.
    LongLived,
}

/// One statement of a permission boundary: these actions on targets matching these patterns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryRule {
    /// Actions the boundary allows (admin implies write, write implies read).
    pub actions: Vec<Action>,
    /// Node ids or glob patterns over node ids (`*` and `?`), or `*` for every node.
    pub targets: Vec<String>,
}

/// A zone's attributes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// The sort of zone.
    pub sort: ZoneSort,
    /// Security groups and network ACLs admit only the drawn flows (VPCs and subnets).
    #[serde(default, skip_serializing_if = "is_false")]
    pub default_deny: bool,
    /// A cardholder data environment, in PCI DSS scope.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cde: bool,
}

/// The sorts of zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ZoneSort {
    /// An AWS account, with its guardrails and detective controls.
    Account(Account),
    /// An AWS region.
    Region,
    /// A VPC.
    Vpc,
    /// A subnet.
    Subnet {
        /// Routes to an Internet gateway.
        #[serde(default)]
        public: bool,
    },
    /// An EKS cluster.
    EksCluster,
    /// A Kubernetes namespace.
    Namespace,
}

impl ZoneSort {
    /// Returns the sort's name as reports spell it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Account(_) => "account",
            Self::Region => "region",
            Self::Vpc => "VPC",
            Self::Subnet { .. } => "subnet",
            Self::EksCluster => "EKS cluster",
            Self::Namespace => "namespace",
        }
    }
}

/// An AWS account's guardrails and detective controls.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The organization's management account, which service control policies cannot restrict.
    #[serde(default, skip_serializing_if = "is_false")]
    pub management: bool,
    /// Names of the guardrail service control policies that apply to the account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scps: Vec<String>,
    /// Amazon GuardDuty is enabled.
    #[serde(default)]
    pub guardduty: bool,
    /// AWS Security Hub is enabled.
    #[serde(default)]
    pub security_hub: bool,
    /// Amazon Inspector is enabled.
    #[serde(default)]
    pub inspector: bool,
    /// AWS Config records the configuration.
    #[serde(default)]
    pub config: bool,
    /// Non-compliant configuration is remediated automatically.
    #[serde(default)]
    pub remediation: bool,
    /// AWS CloudTrail records API activity.
    #[serde(default)]
    pub cloudtrail: bool,
    /// Where CloudTrail events can be queried.
    #[serde(default)]
    pub cloudtrail_lake: CloudTrailLake,
}

/// Whether an account's CloudTrail events land in a CloudTrail Lake event data store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CloudTrailLake {
    /// No event data store covers the account.
    #[default]
    #[serde(rename = "NotCovered")]
    None,
    /// The account has its own event data store.
    Own,
    /// The organization's event data store covers the account.
    Organization,
}

/// Classes of data, by sensitivity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DataClass {
    /// Meant for anyone.
    Public,
    /// Internal to the organization.
    Internal,
    /// Personally identifiable information.
    Pii,
    /// Cardholder data (PCI DSS); restricted.
    Cardholder,
    /// Passwords, keys and tokens; restricted.
    Credentials,
    /// Data whose loss or corruption endangers people; restricted.
    SafetyCritical,
}

impl DataClass {
    /// Every data class, in rising order of sensitivity.
    pub const ALL: [Self; 6] = [
        Self::Public,
        Self::Internal,
        Self::Pii,
        Self::Cardholder,
        Self::Credentials,
        Self::SafetyCritical,
    ];

    /// Returns whether the class is restricted (cardholder, credentials, safety-critical).
    pub fn is_restricted(self) -> bool {
        matches!(
            self,
            Self::Cardholder | Self::Credentials | Self::SafetyCritical
        )
    }

    /// Returns the class's name as reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Internal => "internal",
            Self::Pii => "pii",
            Self::Cardholder => "cardholder",
            Self::Credentials => "credentials",
            Self::SafetyCritical => "safety-critical",
        }
    }
}

/// A directed relation between two nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Stable id, unique among nodes, zones and edges.
    pub id: String,
    /// Id of the node the edge starts at (the caller of a flow, the holder of a grant).
    pub from: String,
    /// Id of the node the edge ends at. For a grant this may also be a glob over node ids
    /// (`payments-*`) or `*` for every node.
    pub to: String,
    /// What the relation is.
    pub kind: EdgeKind,
}

/// The kinds of edge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EdgeKind {
    /// One request direction from caller to callee; a bidirectional flow is two flows.
    Flow(Flow),
    /// The target's trust policy lets the source assume it.
    CanAssume(CanAssume),
    /// The source identity or workforce user is a member of the target group.
    MemberOf,
    /// The source identity or group has these actions on the target.
    Grants(Grant),
    /// The source service runs as the target identity.
    RunsAs,
    /// Holding the source secret's value gives the target identity's or store's credentials.
    Unlocks,
    /// The source data store is encrypted with the target key.
    EncryptedBy,
}

impl EdgeKind {
    /// Returns the kind's name as the reports spell it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Flow(_) => "flow",
            Self::CanAssume(_) => "can assume",
            Self::MemberOf => "member of",
            Self::Grants(_) => "grants",
            Self::RunsAs => "runs as",
            Self::Unlocks => "unlocks",
            Self::EncryptedBy => "encrypted by",
        }
    }
}

/// A request flow and the checks on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Application protocol, such as `HTTPS`, `gRPC` or `PostgreSQL`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    /// Destination port or port range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<PortRange>,
    /// Source address range (CIDR) admitted where the caller is external.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_range: Option<String>,
    /// Which network the requests travel.
    #[serde(default)]
    pub network: NetworkPath,
    /// Data classes exchanged, in either direction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_classes: Vec<DataClass>,
    /// TLS version in transit.
    #[serde(default)]
    pub tls: Tls,
    /// Requests are logged.
    #[serde(default)]
    pub logged: bool,
    /// How the callee authenticates the immediate caller: the external caller on a flow from
    /// an external node, the sending workload otherwise.
    #[serde(default)]
    pub authentication: Authentication,
    /// How the callee authorizes the immediate caller.
    #[serde(default)]
    pub authorization: Authorization,
    /// How the callee checks the originating caller (the end user) on a flow between
    /// internal nodes.
    #[serde(default)]
    pub originating: OriginatingCheck,
}

impl Default for Flow {
    fn default() -> Self {
        Self {
            protocol: String::new(),
            ports: None,
            source_range: None,
            network: NetworkPath::Private,
            data_classes: Vec::new(),
            tls: Tls::None,
            logged: false,
            authentication: Authentication::Unknown,
            authorization: Authorization::Unknown,
            originating: OriginatingCheck::None,
        }
    }
}

/// An inclusive range of ports; a single port has `first == last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortRange {
    /// First port, 1 to 65535.
    pub first: u16,
    /// Last port, from `first` to 65535.
    pub last: u16,
}

impl PortRange {
    /// A single port.
    pub const fn single(port: u16) -> Self {
        Self {
            first: port,
            last: port,
        }
    }

    /// Returns how many ports the range spans.
    pub fn len(self) -> u32 {
        u32::from(self.last).saturating_sub(u32::from(self.first)) + 1
    }

    /// Returns whether the range spans no port (never true for a valid range).
    pub fn is_empty(self) -> bool {
        self.last < self.first
    }
}

/// The network a flow travels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkPath {
    /// The public Internet.
    Public,
    /// A private network: within a VPC, or peered.
    #[default]
    Private,
    /// AWS PrivateLink.
    PrivateLink,
    /// Amazon VPC Lattice.
    VpcLattice,
}

/// TLS version in transit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tls {
    /// Plain text.
    #[default]
    #[serde(rename = "Plaintext")]
    None,
    /// TLS 1.2.
    V1_2,
    /// TLS 1.3.
    V1_3,
}

/// How a callee authenticates its immediate caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Authentication {
    /// No authentication.
    #[serde(rename = "NoAuthentication")]
    None,
    /// Not known; the review treats it as none and says so.
    #[default]
    Unknown,
    /// An API key or a shared signing key: authenticates whoever holds it.
    ApiKey,
    /// A password the caller reads from a rotated secret with its own identity.
    ManagedSecret,
    /// A session cookie.
    Session,
    /// A JSON Web Token issued to the end user.
    UserJwt,
    /// A JSON Web Token issued to the workload.
    WorkloadJwt,
    /// AWS Signature Version 4.
    SigV4,
    /// Mutual TLS.
    Mtls,
}

impl Authentication {
    /// Returns whether the caller is authenticated at all (not none or unknown).
    pub fn authenticates(self) -> bool {
        !matches!(self, Self::None | Self::Unknown)
    }

    /// Returns whether this proves the calling workload's own identity.
    pub fn is_workload_identity(self) -> bool {
        matches!(
            self,
            Self::Mtls | Self::SigV4 | Self::WorkloadJwt | Self::ManagedSecret
        )
    }

    /// Returns the name as reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Unknown => "unknown",
            Self::ApiKey => "API key",
            Self::ManagedSecret => "managed secret",
            Self::Session => "session",
            Self::UserJwt => "user JWT",
            Self::WorkloadJwt => "workload JWT",
            Self::SigV4 => "SigV4",
            Self::Mtls => "mTLS",
        }
    }
}

/// How a callee authorizes its immediate caller.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Authorization {
    /// No authorization.
    #[serde(rename = "NoAuthorization")]
    None,
    /// Not known; the review treats it as none and says so.
    #[default]
    Unknown,
    /// An IAM policy.
    IamPolicy,
    /// A Cedar policy store asked for this action.
    Cedar(CedarCheck),
    /// A VPC Lattice auth policy.
    LatticeAuthPolicy,
    /// Kubernetes RBAC.
    KubernetesRbac,
    /// Code of the application's own.
    Custom,
}

impl Authorization {
    /// Returns whether the caller is authorized at all (not none or unknown).
    pub fn authorizes(&self) -> bool {
        !matches!(self, Self::None | Self::Unknown)
    }

    /// Returns the Cedar check, if this is one.
    pub fn cedar(&self) -> Option<&CedarCheck> {
        match self {
            Self::Cedar(check) => Some(check),
            _ => None,
        }
    }

    /// Returns the name as reports spell it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Unknown => "unknown",
            Self::IamPolicy => "IAM policy",
            Self::Cedar(_) => "Cedar",
            Self::LatticeAuthPolicy => "Lattice auth policy",
            Self::KubernetesRbac => "Kubernetes RBAC",
            Self::Custom => "custom",
        }
    }
}

/// A request to a Cedar policy store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CedarCheck {
    /// Id of the policy store in [`Document::policy_stores`].
    pub store: String,
    /// The Cedar action's id, such as `ReadStatement`.
    pub action: String,
}

/// How a callee checks the originating caller of a request between internal nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OriginatingCheck {
    /// The callee does not check the end user.
    #[default]
    #[serde(rename = "NotChecked")]
    None,
    /// The callee verifies the end user's identity that the caller forwards.
    Authenticated,
    /// The callee verifies and also authorizes the end user.
    Authorized {
        /// The Cedar store and action that authorize the end user, if a Cedar store does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cedar: Option<CedarCheck>,
    },
}

/// The conditions of a can-assume edge.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanAssume {
    /// The trust policy requires MFA.
    #[serde(default, skip_serializing_if = "is_false")]
    pub mfa_required: bool,
    /// The trust policy requires an external id (no obstacle to an attacker).
    #[serde(default, skip_serializing_if = "is_false")]
    pub external_id: bool,
    /// The assumption happens without a request (IRSA, EKS Pod Identity, an instance
    /// profile): the two identities act as one workload identity.
    #[serde(default, skip_serializing_if = "is_false")]
    pub association: bool,
    /// How the assumption is possible when that is not a plain trust policy, such as a
    /// privilege-escalation technique.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub technique: String,
}

/// The actions of a grant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// The actions granted on the target.
    pub actions: Vec<Action>,
}

/// What a grant or boundary allows on a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Read data.
    Read,
    /// Write data; includes read.
    Write,
    /// Administer; includes write, and decrypt on a key.
    Admin,
    /// Call a service.
    Invoke,
    /// Decrypt with a key.
    Decrypt,
    /// Change the control plane without exposing data.
    Configure,
}

impl Action {
    /// Every action.
    pub const ALL: [Self; 6] = [
        Self::Read,
        Self::Write,
        Self::Admin,
        Self::Invoke,
        Self::Decrypt,
        Self::Configure,
    ];

    /// Returns the name as reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
            Self::Invoke => "invoke",
            Self::Decrypt => "decrypt",
            Self::Configure => "configure",
        }
    }
}

/// A Cedar policy store, as Amazon Verified Permissions keeps one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyStore {
    /// Stable id, unique among policy stores.
    pub id: String,
    /// Cedar policies and templates.
    pub policies: String,
    /// Instances of the templates, linked to their slots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<TemplateLink>,
    /// The store's own Cedar schema (human-readable form); without one the schema is derived
    /// from the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// With an own schema, the entity type each node kind maps to (`service` to
    /// `Bank::Service`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub entity_types: BTreeMap<String, String>,
    /// Where the store reads the worst-case context attributes (`device.managed` to
    /// `posture.managed`), when it does not use the standard paths.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub context_paths: BTreeMap<String, String>,
}

/// A template instance: the template's id, the new policy's id and the slots' values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateLink {
    /// Id of the template in the store's text.
    pub template: String,
    /// Id of the linked policy.
    pub id: String,
    /// Node id that fills `?principal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Node id that fills `?resource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

/// A reviewer's verdict on a checklist item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualVerdict {
    /// The verdict.
    pub verdict: Verdict,
    /// Who gave it.
    pub reviewer: String,
    /// When, as an ISO 8601 date (`2026-12-04`).
    pub date: String,
    /// Why.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

/// A reviewer's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The control is in place.
    Pass,
    /// The control is missing.
    Fail,
    /// The item does not apply to this system.
    NotApplicable,
}

fn is_false(value: &bool) -> bool {
    !*value
}
