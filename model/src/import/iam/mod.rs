//! Import of AWS IAM authorization details: the JSON that `aws iam
//! get-account-authorization-details` prints.
//!
//! The account becomes an account zone (its id read from the ARNs) that contains:
//!
//! - **Identities**: each user (`user/NAME`, long-lived credentials), group (`group/NAME`)
//!   and role (`role/NAME`), with member-of edges from users to their groups. A permission
//!   boundary becomes the identity's boundary rules.
//! - **Trust**: each role's trust policy becomes can-assume edges from the principals it
//!   names (see [`trust`]); AWS services that can run as the role become service nodes with
//!   a runs-as edge. An instance profile is no identity of its own: it is the way EC2
//!   instances run as its role, so it labels the EC2 service node of that role and is
//!   named in the role's note.
//! - **Grants**: the Allow statements of inline and attached managed policies (the default
//!   version of each) become grants on resource nodes created on demand (see [`grants`],
//!   [`actions`] for the action table and [`arn`] for the resource ids).
//! - **Privilege escalation**: what an identity can make itself with IAM permissions becomes
//!   can-assume edges labelled with the technique (see [`escalation`]).
//!
//! Nothing in the dump states data classes, encryption or which resources are crown jewels,
//! so every resource node is created without them and the report lists each as guessed.
//! The document is laid out with [`layered_layout`].

mod actions;
mod arn;
mod dump;
mod escalation;
mod grants;
mod policy;
mod trust;

use foldhash::{HashMap, HashMapExt as _, HashSet, HashSetExt as _};

use crate::document::{
    Account, Action, CanAssume, CredentialLifetime, DataStore, Document, Edge, EdgeKind,
    Encryption, Grant, Identity, IdentitySort, Key, KeyRotation, Node, NodeKind, Secret,
    SecretStorage, Service as ServiceNode, Zone, ZoneSort,
};
use crate::import::{IdAllocator, Import, ImportError, ImportReport, is_id_char, layered_layout};
use crate::load::validate::{MAX_EDGES, MAX_ID_LEN, MAX_LABEL_CHARS, MAX_NODES};

use actions::Service;
use dump::Dump;
use policy::Statement;

/// Imports an IAM authorization details dump; `file` names the input in error messages.
///
/// Input that is not JSON fails with [`ImportError::Json`]; JSON whose fields do not have
/// the dump's shape fails with [`ImportError::Field`] and the field's path. The report
/// lists every user, group, role, policy and statement by ARN or path.
pub fn import_iam(text: &str, file: &str) -> Result<Import, ImportError> {
    let dump = dump::read(text, file)?;
    let mut builder = Builder::new(&dump, file);
    builder.build()?;

    let mut import = Import {
        document: builder.document,
        report: builder.report,
    };
    super::clean::clean_texts(&mut import.document, &mut import.report);
    layered_layout(&mut import.document);
    log::info!(
        "imported {file}: {} nodes, {} edges, {} guesses, {} left out",
        import.document.nodes.len(),
        import.document.edges.len(),
        import.report.guessed.len(),
        import.report.left_out.len()
    );
    Ok(import)
}

/// The kinds of IAM identity in the dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IdentityKind {
    User,
    Group,
    Role,
}

/// One identity of the dump, with the statements that apply to it.
struct DumpIdentity<'d> {
    kind: IdentityKind,
    name: &'d str,
    arn: &'d str,
    node: String,
    /// Statements of its own inline and attached policies.
    own: Vec<&'d Statement>,
    /// Statements of its permission boundary, when it has one that the dump contains.
    boundary: Option<Vec<&'d Statement>>,
    /// Indices into [`Builder::identities`] of the groups a user is a member of.
    groups: Vec<usize>,
    /// ARNs of the managed policies attached to it.
    attached: Vec<&'d str>,
}

/// Builds the document and the report from a read dump.
struct Builder<'d> {
    dump: &'d Dump,
    file: &'d str,
    document: Document,
    report: ImportReport,
    ids: IdAllocator,
    /// The account's id, or `None` when no ARN states it.
    account: Option<String>,
    /// Node id of the account zone.
    zone: String,
    /// Node ids of the zones of other accounts, by account id.
    foreign_zones: HashMap<String, String>,
    /// Every user, group and role, groups first.
    identities: Vec<DumpIdentity<'d>>,
    /// Index into `identities` by ARN.
    by_arn: HashMap<&'d str, usize>,
    /// Managed policies by ARN.
    policies: HashMap<&'d str, &'d dump::ManagedPolicy>,
    /// Node ids created for resources, placeholders and outside principals, by their
    /// wanted id.
    created: HashMap<String, String>,
    /// Grants by holder and target, in the order first seen.
    grants: Vec<(String, String, Vec<Action>)>,
    grant_index: HashMap<(String, String), usize>,
    /// Can-assume edges by source and target node, to merge repeats.
    assume_index: HashMap<(String, String), usize>,
    /// Services whose placeholder node some grant needs.
    placeholders: HashSet<Service>,
    /// Roles that trust their own account, resolved after every policy is read.
    root_trusts: Vec<trust::RootTrust>,
    /// Set when the model would pass the edge limit; the import then fails.
    too_many_edges: bool,
    /// Pairs of identities checked against each other for account trusts and escalation.
    pair_checks: usize,
}

/// Maximum number of identity pairs that account trusts and escalation may check, so that
/// a dump with very many identities fails instead of running for hours.
// NOTE: a guessed bound. A pair costs one to a few policy evaluations of well under a
// microsecond each, and the 1,000-role benchmark account checks about 100,000 pairs.
const MAX_PAIR_CHECKS: usize = 20_000_000;

impl<'d> Builder<'d> {
    fn new(dump: &'d Dump, file: &'d str) -> Self {
        Self {
            dump,
            file,
            document: Document::new("AWS account"),
            report: ImportReport::default(),
            ids: IdAllocator::default(),
            account: None,
            zone: String::new(),
            foreign_zones: HashMap::new(),
            identities: Vec::new(),
            by_arn: HashMap::new(),
            policies: HashMap::new(),
            created: HashMap::new(),
            grants: Vec::new(),
            grant_index: HashMap::new(),
            assume_index: HashMap::new(),
            placeholders: HashSet::new(),
            root_trusts: Vec::new(),
            too_many_edges: false,
            pair_checks: 0,
        }
    }

    fn build(&mut self) -> Result<(), ImportError> {
        self.account_zone();
        self.managed_policies();
        self.identities();
        self.memberships();
        self.instance_profiles();
        trust::trust_policies(self);
        grants::permission_policies(self);
        grants::boundaries(self);
        trust::account_root_trusts(self);
        escalation::escalations(self);
        self.emit_grants();
        self.placeholder_nodes();
        self.check_limits()
    }

    /// Finds the account id in the ARNs and adds the account zone.
    fn account_zone(&mut self) {
        let dump = self.dump;
        let arns = dump
            .users
            .iter()
            .map(|user| user.arn.as_str())
            .chain(dump.groups.iter().map(|group| group.arn.as_str()))
            .chain(dump.roles.iter().map(|role| role.arn.as_str()));
        let mut accounts: Vec<&str> = arns.filter_map(arn::account_of).collect();
        accounts.sort_unstable();
        accounts.dedup();

        let (id, label) = match accounts.first() {
            Some(account) => (
                format!("account/{account}"),
                format!("AWS account {account}"),
            ),
            None => ("account".to_owned(), "AWS account".to_owned()),
        };
        match accounts.as_slice() {
            [] => self.report.guessed(
                "account",
                "no user, group or role ARN states the account id; the zone has none",
            ),
            [one] => self
                .report
                .mapped(*one, format!("account became zone {id}")),
            [first, rest @ ..] => self.report.guessed(
                *first,
                format!(
                    "the ARNs name several accounts ({}); all identities are placed in {first}",
                    rest.join(", ")
                ),
            ),
        }
        self.account = accounts.first().map(|account| (*account).to_owned());
        self.document.name = label.clone();
        self.zone = self.add_zone(&id, &label);
        self.report.guessed(
            &id,
            "the dump states no guardrails or detective controls (GuardDuty, CloudTrail, \
             Config, SCPs); the zone has none set",
        );
    }

    fn add_zone(&mut self, wanted: &str, label: &str) -> String {
        let kind = NodeKind::Zone(Zone {
            sort: ZoneSort::Account(Account::default()),
            default_deny: false,
            cde: false,
        });
        let mut node = Node::new(self.claim(wanted), clean_label(label), kind);
        node.technology = "AWS account".to_owned();
        let id = node.id.clone();
        self.document.nodes.push(node);
        id
    }

    fn managed_policies(&mut self) {
        let dump = self.dump;
        let attached: HashSet<&str> = dump
            .users
            .iter()
            .flat_map(|user| user.attached.iter().chain(&user.boundary))
            .chain(dump.groups.iter().flat_map(|group| group.attached.iter()))
            .chain(
                dump.roles
                    .iter()
                    .flat_map(|role| role.attached.iter().chain(&role.boundary)),
            )
            .map(|policy| policy.arn.as_str())
            .collect();
        for policy in &dump.policies {
            self.policies.insert(&policy.arn, policy);
            let Some(document) = &policy.document else {
                self.report.left_out(
                    &policy.arn,
                    "the policy lists no default version, so its statements are unknown",
                );
                continue;
            };
            if attached.contains(policy.arn.as_str()) {
                self.report.mapped(
                    &policy.arn,
                    format!(
                        "managed policy {:?}: the {} statements of its default version apply \
                         to each identity it is attached to",
                        policy.name,
                        document.statements.len()
                    ),
                );
            } else {
                self.report.left_out(
                    &policy.arn,
                    format!(
                        "managed policy {:?} is attached to no user, group or role in the dump",
                        policy.name
                    ),
                );
            }
        }
    }

    /// Adds a node for every group, user and role, and collects the statements of each.
    fn identities(&mut self) {
        let dump = self.dump;
        for group in &dump.groups {
            let own = self.statements_of(&group.arn, &group.inline, &group.attached);
            self.add_identity(IdentityKind::Group, &group.name, &group.arn, own);
        }
        for user in &dump.users {
            let own = self.statements_of(&user.arn, &user.inline, &user.attached);
            let ix = self.add_identity(IdentityKind::User, &user.name, &user.arn, own);
            self.identities[ix].attached = user.attached.iter().map(|p| p.arn.as_str()).collect();
        }
        for role in &dump.roles {
            let own = self.statements_of(&role.arn, &role.inline, &role.attached);
            let ix = self.add_identity(IdentityKind::Role, &role.name, &role.arn, own);
            self.identities[ix].attached = role.attached.iter().map(|p| p.arn.as_str()).collect();
        }
        for group in &dump.groups {
            if let Some(&ix) = self.by_arn.get(group.arn.as_str()) {
                self.identities[ix].attached =
                    group.attached.iter().map(|p| p.arn.as_str()).collect();
            }
        }
    }

    /// Returns the statements of an identity's inline policies and of the default versions
    /// of its attached managed policies, reporting policies the dump does not contain.
    fn statements_of(
        &mut self,
        owner: &str,
        inline: &'d [dump::InlinePolicy],
        attached: &'d [dump::AttachedPolicy],
    ) -> Vec<&'d Statement> {
        let mut statements: Vec<&'d Statement> = Vec::new();
        for policy in inline {
            statements.extend(policy.document.statements.iter());
            self.report.mapped(
                owner,
                format!(
                    "inline policy {:?}: {} statements",
                    policy.name,
                    policy.document.statements.len()
                ),
            );
        }
        for reference in attached {
            match self.policies.get(reference.arn.as_str()) {
                Some(policy) => {
                    if let Some(document) = &policy.document {
                        statements.extend(document.statements.iter());
                    }
                }
                None => self.report.left_out(
                    owner,
                    format!(
                        "attached policy {:?} ({}) is not in the dump's Policies, so its \
                         grants are missing",
                        reference.name, reference.arn
                    ),
                ),
            }
        }
        statements
    }

    fn add_identity(
        &mut self,
        kind: IdentityKind,
        name: &'d str,
        arn: &'d str,
        own: Vec<&'d Statement>,
    ) -> usize {
        let (prefix, sort, credentials, technology) = match kind {
            IdentityKind::User => (
                "user",
                IdentitySort::IamUser,
                CredentialLifetime::LongLived,
                "AWS IAM user",
            ),
            IdentityKind::Group => (
                "group",
                IdentitySort::Group,
                CredentialLifetime::ShortLived,
                "AWS IAM group",
            ),
            IdentityKind::Role => (
                "role",
                IdentitySort::IamRole,
                CredentialLifetime::ShortLived,
                "AWS IAM role",
            ),
        };
        let node_kind = NodeKind::Identity(Identity {
            sort,
            credentials,
            boundary: None,
        });
        let id = self.claim(&format!("{prefix}/{name}"));
        let mut node = Node::new(id.clone(), clean_label(name), node_kind);
        node.technology = technology.to_owned();
        node.note = arn.to_owned();
        node.parent = Some(self.zone.clone());
        self.document.nodes.push(node);

        self.report
            .mapped(arn, format!("{prefix} {name:?} became identity {id}"));
        if kind == IdentityKind::User {
            self.report.guessed(
                arn,
                "the dump does not list passwords or access keys; the user is taken to hold \
                 long-lived credentials",
            );
        }

        let ix = self.identities.len();
        self.by_arn.insert(arn, ix);
        self.identities.push(DumpIdentity {
            kind,
            name,
            arn,
            node: id,
            own,
            boundary: None,
            groups: Vec::new(),
            attached: Vec::new(),
        });
        ix
    }

    fn memberships(&mut self) {
        let dump = self.dump;
        let group_by_name: HashMap<&str, usize> = self
            .identities
            .iter()
            .enumerate()
            .filter(|(_, identity)| identity.kind == IdentityKind::Group)
            .map(|(ix, identity)| (identity.name, ix))
            .collect();
        for user in &dump.users {
            let Some(&user_ix) = self.by_arn.get(user.arn.as_str()) else {
                continue;
            };
            for group_name in &user.groups {
                let Some(&group_ix) = group_by_name.get(group_name.as_str()) else {
                    self.report.left_out(
                        &user.arn,
                        format!("group {group_name:?} is not in the dump; membership left out"),
                    );
                    continue;
                };
                self.identities[user_ix].groups.push(group_ix);
                let from = self.identities[user_ix].node.clone();
                let to = self.identities[group_ix].node.clone();
                self.add_edge("member", &from, &to, EdgeKind::MemberOf);
            }
        }
    }

    /// Names each instance profile in its role's note and adds the EC2 service node that
    /// runs as the role through it.
    fn instance_profiles(&mut self) {
        let dump = self.dump;
        for role in &dump.roles {
            let Some(&ix) = self.by_arn.get(role.arn.as_str()) else {
                continue;
            };
            let role_node = self.identities[ix].node.clone();
            for profile in &role.instance_profiles {
                if let Some(node) = self.document.node_mut(&role_node) {
                    node.note
                        .push_str(&format!("\nInstance profile: {}", profile.arn));
                }
                let wanted = format!("service/ec2/{}", profile.name);
                let label = format!("EC2 instances with profile {}", profile.name);
                let service = self.service_node(&wanted, &label, "Amazon EC2");
                self.add_edge("runs-as", &service, &role_node, EdgeKind::RunsAs);
                self.report.mapped(
                    &profile.arn,
                    format!("instance profile became service {service}, which runs as {role_node}"),
                );
            }
        }
    }

    /// Returns the node of an AWS service running as an identity, adding it when new.
    fn service_node(&mut self, wanted: &str, label: &str, technology: &str) -> String {
        if let Some(id) = self.created.get(wanted) {
            return id.clone();
        }
        let id = self.claim(wanted);
        let mut node = Node::new(
            id.clone(),
            clean_label(label),
            NodeKind::Service(ServiceNode::default()),
        );
        node.technology = technology.to_owned();
        node.parent = Some(self.zone.clone());
        self.document.nodes.push(node);
        self.created.insert(wanted.to_owned(), id.clone());
        id
    }

    /// Returns the node of a resource, adding it when new.
    fn resource_node(&mut self, service: Service, wanted: &str, name: &str, arn: &str) -> String {
        if let Some(id) = self.created.get(wanted) {
            return id.clone();
        }
        let (kind, technology) = resource_kind(service);
        let id = self.claim(wanted);
        let mut node = Node::new(id.clone(), clean_label(name), kind);
        node.technology = technology.to_owned();
        node.parent = Some(self.zone.clone());
        self.document.nodes.push(node);
        self.created.insert(wanted.to_owned(), id.clone());
        self.report
            .mapped(arn, format!("resource became node {id}"));
        self.report.guessed(
            &id,
            "the dump states no data classes, encryption or exposure for resources; none are \
             set, so mark crown jewels by hand",
        );
        id
    }

    /// Adds the node that stands for every resource of a service that the dump names none
    /// of, for the services some grant on `*` needs.
    fn placeholder_nodes(&mut self) {
        let mut services: Vec<Service> = self.placeholders.iter().copied().collect();
        services.sort();
        for service in services {
            let wanted = arn::placeholder_id(service);
            let (kind, technology) = resource_kind(service);
            let label = format!("Any {technology}");
            let id = self.claim(wanted);
            let mut node = Node::new(id.clone(), label, kind);
            node.technology = technology.to_owned();
            node.parent = Some(self.zone.clone());
            node.note = format!(
                "Stands for every {technology} that the dump does not name: grants on \"*\" \
                 reach it."
            );
            self.document.nodes.push(node);
            self.report.guessed(
                &id,
                format!(
                    "grants cover every {technology}, but the dump names none by ARN; one \
                     node stands for them"
                ),
            );
        }
    }

    /// Adds a grant of actions, merged with earlier grants from the same holder to the
    /// same target.
    fn grant(&mut self, holder: &str, target: &str, actions: &[Action]) {
        let key = (holder.to_owned(), target.to_owned());
        match self.grant_index.get(&key) {
            Some(&ix) => self.grants[ix].2.extend_from_slice(actions),
            None => {
                self.grant_index.insert(key, self.grants.len());
                self.grants
                    .push((holder.to_owned(), target.to_owned(), actions.to_vec()));
            }
        }
    }

    fn emit_grants(&mut self) {
        let grants = std::mem::take(&mut self.grants);
        for (holder, target, mut actions) in grants {
            actions.sort();
            actions.dedup();
            if actions.contains(&Action::Admin) {
                actions.retain(|&action| {
                    !matches!(action, Action::Read | Action::Write | Action::Decrypt)
                });
            } else if actions.contains(&Action::Write) {
                actions.retain(|&action| action != Action::Read);
            }
            self.add_edge(
                "grant",
                &holder,
                &target,
                EdgeKind::Grants(Grant { actions }),
            );
        }
    }

    /// Adds a can-assume edge, or merges it with an earlier one between the same nodes: the
    /// merged edge requires MFA or an external id only when both do.
    fn can_assume(&mut self, from: &str, to: &str, condition: CanAssume) {
        let key = (from.to_owned(), to.to_owned());
        if let Some(&ix) = self.assume_index.get(&key) {
            if let EdgeKind::CanAssume(existing) = &mut self.document.edges[ix].kind {
                existing.mfa_required &= condition.mfa_required;
                existing.external_id &= condition.external_id;
                if existing.technique.is_empty() || condition.technique.is_empty() {
                    existing.technique.clear();
                }
            }
            return;
        }
        if self.add_edge("assume", from, to, EdgeKind::CanAssume(condition)) {
            self.assume_index.insert(key, self.document.edges.len() - 1);
        }
    }

    /// Adds an edge with an id made of its kind and ends; returns false past the limit.
    fn add_edge(&mut self, kind: &str, from: &str, to: &str, edge: EdgeKind) -> bool {
        if self.document.edges.len() >= MAX_EDGES {
            self.too_many_edges = true;
            return false;
        }
        let id = self.claim(&format!("{kind}:{from}:{to}"));
        self.document.edges.push(Edge {
            id,
            from: from.to_owned(),
            to: to.to_owned(),
            kind: edge,
        });
        true
    }

    /// Claims a unique id, shortened to fit the id length limit.
    fn claim(&mut self, wanted: &str) -> String {
        let mut clean: String = wanted
            .chars()
            .map(|c| if is_id_char(c) { c } else { '-' })
            .collect();
        // Leave room for the `-2`, `-3`... that the allocator adds to a taken id.
        let limit = MAX_ID_LEN - 8;
        if clean.len() > limit {
            clean.truncate(limit);
        }
        self.ids.claim(&clean)
    }

    /// Counts identity pairs about to be checked; returns false once the budget is spent.
    fn spend_pair_checks(&mut self, pairs: usize) -> bool {
        self.pair_checks = self.pair_checks.saturating_add(pairs);
        self.pair_checks <= MAX_PAIR_CHECKS
    }

    fn check_limits(&self) -> Result<(), ImportError> {
        if self.pair_checks > MAX_PAIR_CHECKS {
            return Err(dump::field_error(
                self.file,
                String::new(),
                &format!(
                    "a dump whose trust and escalation checks need at most {MAX_PAIR_CHECKS} \
                     identity pairs"
                ),
                format!("one that needs {} or more", self.pair_checks),
            ));
        }
        if self.too_many_edges {
            return Err(dump::field_error(
                self.file,
                String::new(),
                &format!("a dump whose model has at most {MAX_EDGES} edges"),
                "a dump with more trust and grant relations than that",
            ));
        }
        if self.document.nodes.len() > MAX_NODES {
            return Err(dump::field_error(
                self.file,
                String::new(),
                &format!("a dump whose model has at most {MAX_NODES} nodes"),
                format!("one with {} nodes", self.document.nodes.len()),
            ));
        }
        Ok(())
    }

    /// Returns the statements that apply to an identity: its own and, for a user, its
    /// groups'.
    fn effective(&self, ix: usize) -> Effective<'d> {
        let identity = &self.identities[ix];
        let mut statements: Vec<&'d Statement> = identity.own.clone();
        for &group in &identity.groups {
            statements.extend(self.identities[group].own.iter().copied());
        }
        Effective {
            statements,
            boundary: identity.boundary.clone(),
        }
    }

    /// Returns the effective statements of every identity, by index.
    fn effective_all(&self) -> Vec<Effective<'d>> {
        (0..self.identities.len())
            .map(|ix| self.effective(ix))
            .collect()
    }
}

/// The statements that decide what an identity may do.
struct Effective<'d> {
    statements: Vec<&'d Statement>,
    boundary: Option<Vec<&'d Statement>>,
}

impl Effective<'_> {
    /// Returns whether the identity may perform an action on a resource (`None`: on some
    /// resource): its policies allow it and its boundary, if any, does too.
    fn allows(&self, action: &str, resource: Option<&str>) -> bool {
        policy::allows(self.statements.iter().copied(), action, resource)
            && self
                .boundary
                .as_ref()
                .is_none_or(|boundary| policy::allows(boundary.iter().copied(), action, resource))
    }
}

/// Returns the node kind and technology of a resource of a service.
fn resource_kind(service: Service) -> (NodeKind, &'static str) {
    match service {
        Service::S3 => (
            NodeKind::DataStore(DataStore {
                encryption: Encryption::ProviderManaged,
                ..DataStore::default()
            }),
            "Amazon S3 bucket",
        ),
        Service::DynamoDb => (
            NodeKind::DataStore(DataStore {
                encryption: Encryption::ProviderManaged,
                ..DataStore::default()
            }),
            "Amazon DynamoDB table",
        ),
        Service::SecretsManager => (
            NodeKind::Secret(Secret {
                storage: SecretStorage::SecretsManager,
                rotation_days: None,
            }),
            "AWS Secrets Manager secret",
        ),
        Service::Ssm => (
            NodeKind::Secret(Secret {
                storage: SecretStorage::ParameterStore,
                rotation_days: None,
            }),
            "SSM parameter",
        ),
        Service::Kms => (
            NodeKind::Key(Key {
                cloudhsm: false,
                rotation: KeyRotation::None,
            }),
            "AWS KMS key",
        ),
        Service::Lambda => (
            NodeKind::Service(ServiceNode::default()),
            "AWS Lambda function",
        ),
        Service::Iam => (
            NodeKind::Identity(Identity {
                sort: IdentitySort::IamRole,
                credentials: CredentialLifetime::ShortLived,
                boundary: None,
            }),
            "AWS IAM identity",
        ),
    }
}

/// Returns a label without control characters and within the label length limit.
fn clean_label(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_LABEL_CHARS)
        .collect()
}
