//! Hand-built graphs whose blast radius is worked out by hand in each test's comment.

use super::*;
use crate::document::{
    Account, BoundaryRule, CanAssume, CedarCheck, DataStore, Document, Edge, Encryption, External,
    ExternalSort, Flow, Grant, Identity, IdentitySort, Key, KeyRotation, Node, Secret,
    SecretStorage, Service, Zone, ZoneSort,
};
use crate::document::{Authorization, CredentialLifetime};
use crate::review::Severity;

/// A document under construction.
struct Model {
    doc: Document,
}

impl Model {
    fn new() -> Self {
        Self {
            doc: Document::new("blast"),
        }
    }

    fn node(&mut self, id: &str, kind: NodeKind) -> &mut Node {
        self.doc.nodes.push(Node::new(id, id, kind));
        self.doc.nodes.last_mut().expect("a node was just pushed")
    }

    fn identity(&mut self, id: &str, sort: IdentitySort) -> &mut Node {
        self.node(
            id,
            NodeKind::Identity(Identity {
                sort,
                credentials: CredentialLifetime::ShortLived,
                boundary: None,
            }),
        )
    }

    fn role(&mut self, id: &str) -> &mut Node {
        self.identity(id, IdentitySort::IamRole)
    }

    fn bounded_role(&mut self, id: &str, actions: &[Action], targets: &[&str]) -> &mut Node {
        self.node(
            id,
            NodeKind::Identity(Identity {
                sort: IdentitySort::IamRole,
                credentials: CredentialLifetime::ShortLived,
                boundary: Some(vec![BoundaryRule {
                    actions: actions.to_vec(),
                    targets: targets.iter().map(|target| (*target).to_owned()).collect(),
                }]),
            }),
        )
    }

    fn user(&mut self, id: &str, mfa: bool) -> &mut Node {
        self.node(
            id,
            NodeKind::External(External {
                sort: ExternalSort::WorkforceUser { mfa },
            }),
        )
    }

    fn store(&mut self, id: &str, classes: &[DataClass], read_needs_decrypt: bool) -> &mut Node {
        let node = self.node(
            id,
            NodeKind::DataStore(DataStore {
                public: false,
                encryption: Encryption::CustomerManaged,
                read_needs_decrypt,
            }),
        );
        node.data_classes = classes.to_vec();
        node
    }

    fn secret(&mut self, id: &str) -> &mut Node {
        self.node(
            id,
            NodeKind::Secret(Secret {
                storage: SecretStorage::SecretsManager,
                rotation_days: Some(30),
            }),
        )
    }

    fn key(&mut self, id: &str) -> &mut Node {
        self.node(
            id,
            NodeKind::Key(Key {
                cloudhsm: false,
                rotation: KeyRotation::Automatic,
            }),
        )
    }

    fn service(&mut self, id: &str) -> &mut Node {
        self.node(id, NodeKind::Service(Service::default()))
    }

    fn zone(&mut self, id: &str, sort: ZoneSort) -> &mut Node {
        self.node(
            id,
            NodeKind::Zone(Zone {
                sort,
                default_deny: true,
                cde: false,
            }),
        )
    }

    fn account(&mut self, id: &str) -> &mut Node {
        self.zone(id, ZoneSort::Account(Account::default()))
    }

    fn edge(&mut self, id: &str, from: &str, to: &str, kind: EdgeKind) {
        self.doc.edges.push(Edge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind,
        });
    }

    fn assume(&mut self, id: &str, from: &str, to: &str) {
        self.edge(id, from, to, EdgeKind::CanAssume(CanAssume::default()));
    }

    fn assume_with(&mut self, id: &str, from: &str, to: &str, condition: CanAssume) {
        self.edge(id, from, to, EdgeKind::CanAssume(condition));
    }

    fn associate(&mut self, id: &str, from: &str, to: &str) {
        let condition = CanAssume {
            association: true,
            ..CanAssume::default()
        };
        self.assume_with(id, from, to, condition);
    }

    fn grant(&mut self, id: &str, from: &str, to: &str, actions: &[Action]) {
        let grant = Grant {
            actions: actions.to_vec(),
        };
        self.edge(id, from, to, EdgeKind::Grants(grant));
    }

    fn flow(&mut self, id: &str, from: &str, to: &str) {
        self.edge(id, from, to, EdgeKind::Flow(Flow::default()));
    }
}

fn ix(graph: &Graph<'_>, id: &str) -> NodeIx {
    graph
        .ix(id)
        .unwrap_or_else(|| panic!("no node {id} in the test model"))
}

fn radius_of(model: &Model, id: &str) -> BlastRadius {
    let graph = Graph::new(&model.doc);
    blast_radius(&graph, ix(&graph, id))
}

fn reached_ids(radius: &BlastRadius) -> Vec<&str> {
    let mut ids: Vec<&str> = radius
        .reached
        .iter()
        .map(|entry| entry.node.as_str())
        .collect();
    ids.sort_unstable();
    ids
}

fn entry<'r>(radius: &'r BlastRadius, id: &str) -> &'r Reached {
    radius
        .reached
        .iter()
        .find(|entry| entry.node == id)
        .unwrap_or_else(|| panic!("{} does not reach {id}", radius.identity))
}

fn evidence(reached: &Reached, access: Access) -> &Evidence {
    reached
        .evidence
        .iter()
        .find(|evidence| evidence.access == access)
        .unwrap_or_else(|| panic!("{} has no evidence for {access:?}", reached.node))
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

#[test]
fn assume_chain_of_three_roles() {
    // a assumes b (e1), b assumes c (e2), c writes db (g1).
    // Compromising a: b assumed [a,b], c assumed [a,b,c], db write [a,b,c,db] by e1,e2,g1,
    // all through another identity; db's pii is exposed (write includes read).
    // Compromising c: db only, its own.
    let mut model = Model::new();
    model.role("a");
    model.role("b");
    model.role("c");
    model.store("db", &[DataClass::Pii], false);
    model.assume("e1", "a", "b");
    model.assume("e2", "b", "c");
    model.grant("g1", "c", "db", &[Action::Write]);

    let radius = radius_of(&model, "a");
    assert_eq!(reached_ids(&radius), vec!["b", "c", "db"]);
    let b = entry(&radius, "b");
    assert_eq!(b.hold, Some(Hold::Assumed));
    assert!(b.through_another_identity);
    assert_eq!(
        evidence(b, Access::Hold(Hold::Assumed)).nodes,
        strings(&["a", "b"])
    );
    let c = entry(&radius, "c");
    assert_eq!(
        evidence(c, Access::Hold(Hold::Assumed)).edges,
        strings(&["e1", "e2"])
    );
    let db = entry(&radius, "db");
    assert_eq!(db.access, vec![Action::Write]);
    assert!(db.own_access.is_empty());
    assert!(db.through_another_identity);
    assert_eq!(db.data_classes, vec![DataClass::Pii]);
    let write = evidence(db, Access::Action(Action::Write));
    assert_eq!(write.nodes, strings(&["a", "b", "c", "db"]));
    assert_eq!(write.edges, strings(&["e1", "e2", "g1"]));
    assert!(write.through_another_identity);

    let radius = radius_of(&model, "c");
    assert_eq!(reached_ids(&radius), vec!["db"]);
    assert!(!entry(&radius, "db").through_another_identity);
    assert_eq!(entry(&radius, "db").own_access, vec![Action::Write]);
}

#[test]
fn mfa_required_blocks_roles_not_mfa_users() {
    // dev can assume admin only with MFA (e1). Roles never have MFA, so compromising dev
    // stops there. alice signs in with MFA: alice -> dev -> admin. bob has no MFA: dev only.
    // carol has no MFA flag but can assume (e4) an identity provider that enforces MFA:
    // carol -> dev -> admin, and the provider itself is reached.
    let mut model = Model::new();
    model.role("dev");
    model.role("admin");
    model.user("alice", true);
    model.user("bob", false);
    model.user("carol", false);
    model.identity("sso", IdentitySort::IdentityProvider { enforces_mfa: true });
    let mfa = CanAssume {
        mfa_required: true,
        ..CanAssume::default()
    };
    model.assume_with("e1", "dev", "admin", mfa);
    model.assume("e2", "alice", "dev");
    model.assume("e3", "bob", "dev");
    model.assume("e4", "carol", "sso");
    model.assume("e5", "carol", "dev");

    let dev = radius_of(&model, "dev");
    assert!(!dev.mfa);
    assert!(dev.reached.is_empty());

    let alice = radius_of(&model, "alice");
    assert!(alice.mfa);
    assert_eq!(reached_ids(&alice), vec!["admin", "dev"]);
    assert_eq!(
        evidence(entry(&alice, "admin"), Access::Hold(Hold::Assumed)).edges,
        strings(&["e2", "e1"])
    );

    let bob = radius_of(&model, "bob");
    assert!(!bob.mfa);
    assert_eq!(reached_ids(&bob), vec!["dev"]);

    let carol = radius_of(&model, "carol");
    assert!(carol.mfa);
    assert_eq!(reached_ids(&carol), vec!["admin", "dev", "sso"]);
}

#[test]
fn mfa_through_identity_provider_membership() {
    // dana is a member (m1) of a provider that enforces MFA, so she has MFA and passes e1.
    // erin is a member (m2) of a provider that does not: no MFA, blocked at e1.
    let mut model = Model::new();
    model.role("admin");
    model.user("dana", false);
    model.user("erin", false);
    model.identity(
        "strict-idp",
        IdentitySort::IdentityProvider { enforces_mfa: true },
    );
    model.identity(
        "lax-idp",
        IdentitySort::IdentityProvider {
            enforces_mfa: false,
        },
    );
    let mfa = CanAssume {
        mfa_required: true,
        ..CanAssume::default()
    };
    model.assume_with("e1", "dana", "admin", mfa.clone());
    model.assume_with("e2", "erin", "admin", mfa);
    model.edge("m1", "dana", "strict-idp", EdgeKind::MemberOf);
    model.edge("m2", "erin", "lax-idp", EdgeKind::MemberOf);

    assert_eq!(reached_ids(&radius_of(&model, "dana")), vec!["admin"]);
    assert!(radius_of(&model, "erin").reached.is_empty());
}

#[test]
fn external_id_is_no_obstacle() {
    // partner-role trusts ci only with an external id: ci still reaches it.
    let mut model = Model::new();
    model.role("ci");
    model.role("partner-role");
    let condition = CanAssume {
        external_id: true,
        ..CanAssume::default()
    };
    model.assume_with("e1", "ci", "partner-role", condition);

    let radius = radius_of(&model, "ci");
    assert_eq!(reached_ids(&radius), vec!["partner-role"]);
    assert_eq!(entry(&radius, "partner-role").hold, Some(Hold::Assumed));
}

#[test]
fn association_works_both_directions() {
    // sa is associated (a1) with role. role reads bucket (g1), sa can invoke api (g2).
    // Compromising sa: role associated, bucket read, both its own.
    // Compromising role: sa associated, api invoke, both its own.
    let mut model = Model::new();
    model.identity("sa", IdentitySort::ServiceAccount);
    model.role("role");
    model.store("bucket", &[DataClass::Internal], false);
    model.service("api");
    model.associate("a1", "sa", "role");
    model.grant("g1", "role", "bucket", &[Action::Read]);
    model.grant("g2", "sa", "api", &[Action::Invoke]);

    let from_sa = radius_of(&model, "sa");
    assert_eq!(reached_ids(&from_sa), vec!["api", "bucket", "role"]);
    let role = entry(&from_sa, "role");
    assert_eq!(role.hold, Some(Hold::Associated));
    assert!(!role.through_another_identity);
    let bucket = entry(&from_sa, "bucket");
    assert!(!bucket.through_another_identity);
    assert_eq!(bucket.own_access, vec![Action::Read]);
    assert_eq!(
        evidence(bucket, Access::Action(Action::Read)).edges,
        strings(&["a1", "g1"])
    );

    let from_role = radius_of(&model, "role");
    assert_eq!(reached_ids(&from_role), vec!["api", "bucket", "sa"]);
    assert_eq!(entry(&from_role, "sa").hold, Some(Hold::Associated));
    let api = entry(&from_role, "api");
    assert_eq!(api.own_access, vec![Action::Invoke]);
    assert_eq!(
        evidence(api, Access::Action(Action::Invoke)).nodes,
        strings(&["role", "sa", "api"])
    );
}

#[test]
fn own_identity_keeps_association_path() {
    // p can assume a directly (e1), and is also associated with b (a1), which is associated
    // with a (a2). a is p's own identity, so its evidence is the association path
    // [p, b, a], although [p, a] is shorter. a's read on db (g1) is p's own, by a1, a2, g1.
    let mut model = Model::new();
    model.role("p");
    model.role("a");
    model.role("b");
    model.store("db", &[], false);
    model.assume("e1", "p", "a");
    model.associate("a1", "p", "b");
    model.associate("a2", "b", "a");
    model.grant("g1", "a", "db", &[Action::Read]);

    let radius = radius_of(&model, "p");
    let a = entry(&radius, "a");
    assert_eq!(a.hold, Some(Hold::Associated));
    assert!(!a.through_another_identity);
    assert_eq!(
        evidence(a, Access::Hold(Hold::Associated)).nodes,
        strings(&["p", "b", "a"])
    );
    let db = entry(&radius, "db");
    assert!(!db.through_another_identity);
    assert_eq!(
        evidence(db, Access::Action(Action::Read)).edges,
        strings(&["a1", "a2", "g1"])
    );
}

#[test]
fn workforce_group_gives_assumption() {
    // ann is a member (m1) of the workforce group oncall, which can assume responder (e1):
    // ann reaches oncall as a member and responder by [ann, oncall, responder].
    let mut model = Model::new();
    model.user("ann", false);
    model.node(
        "oncall",
        NodeKind::External(External {
            sort: ExternalSort::WorkforceGroup,
        }),
    );
    model.role("responder");
    model.edge("m1", "ann", "oncall", EdgeKind::MemberOf);
    model.assume("e1", "oncall", "responder");

    let radius = radius_of(&model, "ann");
    assert_eq!(reached_ids(&radius), vec!["oncall", "responder"]);
    assert_eq!(entry(&radius, "oncall").hold, Some(Hold::Member));
    assert_eq!(
        evidence(entry(&radius, "responder"), Access::Hold(Hold::Assumed)).nodes,
        strings(&["ann", "oncall", "responder"])
    );
}

#[test]
fn login_through_another_identity_is_not_own() {
    // p assumes q (e1); q reads secret s (g1), which unlocks the login of db (u1). The login
    // has the standing of the secret's read: db is written only through another identity.
    let mut model = Model::new();
    model.role("p");
    model.role("q");
    model.secret("s");
    model.store("db", &[DataClass::Pii], true);
    model.key("kms");
    model.edge("k1", "db", "kms", EdgeKind::EncryptedBy);
    model.assume("e1", "p", "q");
    model.grant("g1", "q", "s", &[Action::Read]);
    model.edge("u1", "s", "db", EdgeKind::Unlocks);

    let radius = radius_of(&model, "p");
    let db = entry(&radius, "db");
    assert_eq!(db.access, vec![Action::Write]);
    assert!(db.through_another_identity);
    // A login reads through the database, so the store's key is not needed.
    assert!(!db.encrypted);
    assert_eq!(db.data_classes, vec![DataClass::Pii]);
    assert_eq!(
        evidence(db, Access::Action(Action::Write)).edges,
        strings(&["e1", "g1", "u1"])
    );
}

#[test]
fn group_grants_and_assumptions_via_membership() {
    // worker is a member of team (m1), team of org (m2). org reads ledger (g1); team can
    // assume ops (e1). Compromising worker: team and org as member, ledger read as its own
    // by [worker, team, org, ledger], ops assumed by [worker, team, ops].
    let mut model = Model::new();
    model.role("worker");
    model.identity("team", IdentitySort::Group);
    model.identity("org", IdentitySort::Group);
    model.role("ops");
    model.store("ledger", &[DataClass::Internal], false);
    model.edge("m1", "worker", "team", EdgeKind::MemberOf);
    model.edge("m2", "team", "org", EdgeKind::MemberOf);
    model.grant("g1", "org", "ledger", &[Action::Read]);
    model.assume("e1", "team", "ops");

    let radius = radius_of(&model, "worker");
    assert_eq!(reached_ids(&radius), vec!["ledger", "ops", "org", "team"]);
    let org = entry(&radius, "org");
    assert_eq!(org.hold, Some(Hold::Member));
    assert!(!org.through_another_identity);
    assert_eq!(
        evidence(org, Access::Hold(Hold::Member)).edges,
        strings(&["m1", "m2"])
    );
    let ledger = entry(&radius, "ledger");
    assert_eq!(ledger.own_access, vec![Action::Read]);
    assert_eq!(
        evidence(ledger, Access::Action(Action::Read)).nodes,
        strings(&["worker", "team", "org", "ledger"])
    );
    let ops = entry(&radius, "ops");
    assert_eq!(ops.hold, Some(Hold::Assumed));
    assert_eq!(
        evidence(ops, Access::Hold(Hold::Assumed)).edges,
        strings(&["m1", "e1"])
    );
}

#[test]
fn group_grant_is_cut_by_member_boundary() {
    // Both roles are members of admins, which has admin on db. capped's boundary allows only
    // read on db-*, so it reads db; free has no boundary and administers it.
    let mut model = Model::new();
    model.bounded_role("capped", &[Action::Read], &["db-*"]);
    model.role("free");
    model.identity("admins", IdentitySort::Group);
    model.store("db-main", &[DataClass::Pii], false);
    model.edge("m1", "capped", "admins", EdgeKind::MemberOf);
    model.edge("m2", "free", "admins", EdgeKind::MemberOf);
    model.grant("g1", "admins", "db-main", &[Action::Admin]);

    let capped = radius_of(&model, "capped");
    assert_eq!(entry(&capped, "db-main").access, vec![Action::Read]);
    let free = radius_of(&model, "free");
    assert_eq!(entry(&free, "db-main").access, vec![Action::Admin]);
}

#[test]
fn boundary_cuts_admin_to_read_and_to_nothing() {
    // reader's boundary allows read on db: admin (g1) becomes read.
    // blocked's boundary allows admin only on other: its admin on db (g2) gives nothing, so
    // db is not reached at all.
    let mut model = Model::new();
    model.bounded_role("reader", &[Action::Read], &["db"]);
    model.bounded_role("blocked", &[Action::Admin], &["other"]);
    model.store("db", &[DataClass::Cardholder], false);
    model.grant("g1", "reader", "db", &[Action::Admin]);
    model.grant("g2", "blocked", "db", &[Action::Admin]);

    let reader = radius_of(&model, "reader");
    let db = entry(&reader, "db");
    assert_eq!(db.access, vec![Action::Read]);
    assert_eq!(db.data_classes, vec![DataClass::Cardholder]);
    assert_eq!(reader.crown_jewels_written, 0);
    assert_eq!(reader.crown_jewels_read, 1);

    let blocked = radius_of(&model, "blocked");
    assert!(blocked.reached.is_empty());
}

#[test]
fn grants_on_zone_glob_and_star() {
    // prod holds s1 and the subnet inner, which holds s2. zoner reads prod (g1): s1 and s2
    // (zones take no read). globber invokes pay-* (g2): pay-api only (pay-db is a store, on
    // which invoke means nothing). configurer configures * (g3): every other node and zone
    // is listed with configure.
    let mut model = Model::new();
    model.role("zoner");
    model.role("globber");
    model.role("configurer");
    model.zone("prod", ZoneSort::Vpc);
    model
        .zone("inner", ZoneSort::Subnet { public: false })
        .parent = Some("prod".into());
    model.store("s1", &[], false).parent = Some("prod".into());
    model.store("s2", &[], false).parent = Some("inner".into());
    model.service("pay-api");
    model.store("pay-db", &[], false);
    model.grant("g1", "zoner", "prod", &[Action::Read]);
    model.grant("g2", "globber", "pay-*", &[Action::Invoke]);
    model.grant("g3", "configurer", "*", &[Action::Configure]);

    let zoner = radius_of(&model, "zoner");
    assert_eq!(reached_ids(&zoner), vec!["s1", "s2"]);
    assert_eq!(
        evidence(entry(&zoner, "s2"), Access::Action(Action::Read)).edges,
        strings(&["g1"])
    );

    let globber = radius_of(&model, "globber");
    assert_eq!(reached_ids(&globber), vec!["pay-api"]);
    assert_eq!(entry(&globber, "pay-api").access, vec![Action::Invoke]);

    let configurer = radius_of(&model, "configurer");
    assert_eq!(configurer.reached.len(), model.doc.nodes.len() - 1);
    assert!(
        configurer
            .reached
            .iter()
            .all(|entry| entry.access == vec![Action::Configure] && entry.data_classes.is_empty())
    );
}

#[test]
fn secret_unlocks_role_and_store_login() {
    // app reads s-role (g1), which unlocks deployer (u1); deployer writes cards (g2).
    // app reads s-db (g3), which unlocks the login of orders (u2).
    // Compromising app: s-role and s-db read (credentials exposed); deployer unlocked by
    // [app, s-role, deployer], through another identity; cards written only through it;
    // orders read and written as app's own by [app, s-db, orders].
    let mut model = Model::new();
    model.role("app");
    model.role("deployer");
    model.secret("s-role");
    model.secret("s-db");
    model.store("cards", &[DataClass::Cardholder], false);
    model.store("orders", &[DataClass::Pii], false);
    model.grant("g1", "app", "s-role", &[Action::Read]);
    model.edge("u1", "s-role", "deployer", EdgeKind::Unlocks);
    model.grant("g2", "deployer", "cards", &[Action::Write]);
    model.grant("g3", "app", "s-db", &[Action::Read]);
    model.edge("u2", "s-db", "orders", EdgeKind::Unlocks);

    let radius = radius_of(&model, "app");
    assert_eq!(
        reached_ids(&radius),
        vec!["cards", "deployer", "orders", "s-db", "s-role"]
    );
    assert_eq!(
        entry(&radius, "s-role").data_classes,
        vec![DataClass::Credentials]
    );
    let deployer = entry(&radius, "deployer");
    assert_eq!(deployer.hold, Some(Hold::Unlocked));
    assert!(deployer.through_another_identity);
    assert_eq!(
        evidence(deployer, Access::Hold(Hold::Unlocked)).edges,
        strings(&["g1", "u1"])
    );
    let cards = entry(&radius, "cards");
    assert!(cards.through_another_identity);
    assert_eq!(
        evidence(cards, Access::Action(Action::Write)).nodes,
        strings(&["app", "s-role", "deployer", "cards"])
    );
    let orders = entry(&radius, "orders");
    assert_eq!(orders.access, vec![Action::Write]);
    assert_eq!(orders.own_access, vec![Action::Write]);
    assert_eq!(orders.data_classes, vec![DataClass::Pii]);
    assert_eq!(
        evidence(orders, Access::Action(Action::Write)).edges,
        strings(&["g3", "u2"])
    );
    // cards and both secrets are crown jewels; s-db and s-role are read, cards is written.
    assert_eq!(radius.crown_jewels_written, 1);
    assert_eq!(radius.crown_jewels_read, 3);
}

#[test]
fn store_needs_decrypt_on_its_key() {
    // bucket needs decrypt on kms (k1). reader reads bucket (g1) without decrypt: listed,
    // encrypted, no data. reader can also assume helper (e1), which decrypts with kms (g2):
    // then pii is exposed through kms. keyadmin reads bucket (g3) and administers kms (g4):
    // admin on a key gives decrypt.
    let mut model = Model::new();
    model.role("alone");
    model.role("reader");
    model.role("helper");
    model.role("keyadmin");
    model.store("bucket", &[DataClass::Pii], true);
    model.key("kms");
    model.edge("k1", "bucket", "kms", EdgeKind::EncryptedBy);
    model.grant("g0", "alone", "bucket", &[Action::Read]);
    model.grant("g1", "reader", "bucket", &[Action::Read]);
    model.assume("e1", "reader", "helper");
    model.grant("g2", "helper", "kms", &[Action::Decrypt]);
    model.grant("g3", "keyadmin", "bucket", &[Action::Read]);
    model.grant("g4", "keyadmin", "kms", &[Action::Admin]);

    let alone = radius_of(&model, "alone");
    let bucket = entry(&alone, "bucket");
    assert_eq!(bucket.access, vec![Action::Read]);
    assert!(bucket.encrypted);
    assert!(bucket.data_classes.is_empty());
    assert_eq!(bucket.decrypted_with, None);

    let reader = radius_of(&model, "reader");
    let bucket = entry(&reader, "bucket");
    assert!(!bucket.encrypted);
    assert_eq!(bucket.data_classes, vec![DataClass::Pii]);
    assert_eq!(bucket.decrypted_with.as_deref(), Some("kms"));
    assert_eq!(entry(&reader, "kms").access, vec![Action::Decrypt]);

    let keyadmin = radius_of(&model, "keyadmin");
    assert_eq!(entry(&keyadmin, "kms").access, vec![Action::Admin]);
    assert_eq!(
        entry(&keyadmin, "bucket").data_classes,
        vec![DataClass::Pii]
    );
}

#[test]
fn write_needs_no_decrypt() {
    // writer writes bucket (g1) without decrypt on kms: write is held, read is encrypted.
    let mut model = Model::new();
    model.role("writer");
    model.store("bucket", &[DataClass::Cardholder], true);
    model.key("kms");
    model.edge("k1", "bucket", "kms", EdgeKind::EncryptedBy);
    model.grant("g1", "writer", "bucket", &[Action::Write]);

    let radius = radius_of(&model, "writer");
    let bucket = entry(&radius, "bucket");
    assert_eq!(bucket.access, vec![Action::Write]);
    assert!(bucket.encrypted);
    assert_eq!(radius.crown_jewels_written, 1);
    assert_eq!(radius.crown_jewels_read, 0);
}

#[test]
fn callable_services_via_invoke_and_flows() {
    // front runs as web-role (r1) and calls back (f1) and db (f2). back runs as back-role
    // (r2), which writes db (g1), and calls deep (f3). web-role can invoke batch (g2).
    // Compromising web-role: back callable by [web-role, front, back] (edges r1, f1), batch
    // by invoke. db is a store (flows reach services only), and calling back does not
    // compromise it: back-role, deep and db are not reached.
    let mut model = Model::new();
    model.role("web-role");
    model.role("back-role");
    model.service("front");
    model.service("back");
    model.service("deep");
    model.service("batch");
    model.store("db", &[DataClass::Cardholder], false);
    model.edge("r1", "front", "web-role", EdgeKind::RunsAs);
    model.edge("r2", "back", "back-role", EdgeKind::RunsAs);
    model.flow("f1", "front", "back");
    model.flow("f2", "front", "db");
    model.flow("f3", "back", "deep");
    model.grant("g1", "back-role", "db", &[Action::Write]);
    model.grant("g2", "web-role", "batch", &[Action::Invoke]);

    let radius = radius_of(&model, "web-role");
    assert_eq!(reached_ids(&radius), vec!["back", "batch"]);
    let back = entry(&radius, "back");
    assert_eq!(back.access, vec![Action::Invoke]);
    assert!(back.data_classes.is_empty());
    let call = evidence(back, Access::Action(Action::Invoke));
    assert_eq!(call.nodes, strings(&["web-role", "front", "back"]));
    assert_eq!(call.edges, strings(&["r1", "f1"]));
    assert!(!radius.cedar_not_evaluated);
}

#[test]
fn cedar_flow_into_service_marks_answer() {
    // A flow into a service authorized by a Cedar store: the blast radius and the ranking
    // are marked as not evaluating Cedar; the flow itself still counts as open.
    let mut model = Model::new();
    model.role("role");
    model.service("a");
    model.service("b");
    model.edge("r1", "a", "role", EdgeKind::RunsAs);
    let flow = Flow {
        authorization: Authorization::Cedar(CedarCheck {
            store: "policies".into(),
            action: "Call".into(),
        }),
        ..Flow::default()
    };
    model.edge("f1", "a", "b", EdgeKind::Flow(flow));

    let radius = radius_of(&model, "role");
    assert!(radius.cedar_not_evaluated);
    assert_eq!(reached_ids(&radius), vec!["b"]);
    let graph = Graph::new(&model.doc);
    assert!(ranking(&graph).cedar_not_evaluated);
}

#[test]
fn trust_cycle_and_self_loop_terminate() {
    // a assumes b (e1) and b assumes a (e2); c assumes itself (e3).
    // a reaches b only, b reaches a only, c reaches nothing.
    let mut model = Model::new();
    model.role("a");
    model.role("b");
    model.role("c");
    model.assume("e1", "a", "b");
    model.assume("e2", "b", "a");
    model.assume("e3", "c", "c");

    assert_eq!(reached_ids(&radius_of(&model, "a")), vec!["b"]);
    assert_eq!(reached_ids(&radius_of(&model, "b")), vec!["a"]);
    assert!(radius_of(&model, "c").reached.is_empty());
}

#[test]
fn configure_is_listed_without_data() {
    // ops configures vault (g1), a cardholder store: listed with configure, nothing exposed,
    // not a crown jewel written or read.
    let mut model = Model::new();
    model.role("ops");
    model.store("vault", &[DataClass::Cardholder], false);
    model.grant("g1", "ops", "vault", &[Action::Configure]);

    let radius = radius_of(&model, "ops");
    let vault = entry(&radius, "vault");
    assert_eq!(vault.access, vec![Action::Configure]);
    assert!(vault.data_classes.is_empty());
    assert!(vault.crown_jewel);
    assert_eq!(radius.crown_jewels_written, 0);
    assert_eq!(radius.crown_jewels_read, 0);
}

#[test]
fn evidence_ties_break_by_node_ids() {
    // start assumes zeta (e1) and alpha (e2); both write db (g1, g2). Both paths have three
    // nodes, so the one through alpha wins. A second grant of start itself on db (g3) with
    // read only is shorter and becomes the read evidence.
    let mut model = Model::new();
    model.role("start");
    model.role("zeta");
    model.role("alpha");
    model.store("db", &[], false);
    model.assume("e1", "start", "zeta");
    model.assume("e2", "start", "alpha");
    model.grant("g1", "zeta", "db", &[Action::Write]);
    model.grant("g2", "alpha", "db", &[Action::Write]);
    model.grant("g3", "start", "db", &[Action::Read]);

    let radius = radius_of(&model, "start");
    let db = entry(&radius, "db");
    assert_eq!(db.access, vec![Action::Write]);
    assert_eq!(db.own_access, vec![Action::Read]);
    assert!(!db.through_another_identity);
    let write = evidence(db, Access::Action(Action::Write));
    assert_eq!(write.nodes, strings(&["start", "alpha", "db"]));
    assert!(write.through_another_identity);
}

#[test]
fn ranking_orders_by_crown_jewels_then_reach() {
    // writer writes cards (cardholder): 1 written, 1 read, 1 reached.
    // reader-a and reader-b read cards: 0, 1, 1; tie broken by id.
    // wide invokes three services: 0, 0, 3. idle reaches nothing: 0, 0, 0.
    let mut model = Model::new();
    model.role("writer");
    model.role("reader-b");
    model.role("reader-a");
    model.role("wide");
    model.role("idle");
    model.store("cards", &[DataClass::Cardholder], false);
    for service in ["s1", "s2", "s3"] {
        model.service(service);
    }
    model.grant("g1", "writer", "cards", &[Action::Write]);
    model.grant("g2", "reader-a", "cards", &[Action::Read]);
    model.grant("g3", "reader-b", "cards", &[Action::Read]);
    model.grant("g4", "wide", "s*", &[Action::Invoke]);

    let graph = Graph::new(&model.doc);
    let ranking = ranking(&graph);
    let order: Vec<&str> = ranking
        .entries
        .iter()
        .map(|entry| entry.identity.as_str())
        .collect();
    assert_eq!(
        order,
        vec!["writer", "reader-a", "reader-b", "wide", "idle"]
    );
    let first = &ranking.entries[0];
    assert_eq!(
        (
            first.crown_jewels_written,
            first.crown_jewels_read,
            first.reached
        ),
        (1, 1, 1)
    );
    assert_eq!(ranking.entries[3].reached, 3);
}

#[test]
fn reverse_lists_who_reaches_node() {
    // admin administers cards (g1); reader reads it (g2); chain assumes admin (e1) and so
    // administers it through [chain, admin, cards]; other reaches nothing.
    // Strongest first, ties by id: admin and chain (admin), then reader (read).
    let mut model = Model::new();
    model.role("reader");
    model.role("admin");
    model.role("chain");
    model.role("other");
    model.store("cards", &[DataClass::Cardholder], false);
    model.grant("g1", "admin", "cards", &[Action::Admin]);
    model.grant("g2", "reader", "cards", &[Action::Read]);
    model.assume("e1", "chain", "admin");

    let graph = Graph::new(&model.doc);
    let entries = reverse(&graph, ix(&graph, "cards"));
    let order: Vec<&str> = entries
        .iter()
        .map(|entry| entry.identity.as_str())
        .collect();
    assert_eq!(order, vec!["admin", "chain", "reader"]);
    let chain = &entries[1].reached;
    assert_eq!(chain.access, vec![Action::Admin]);
    assert!(chain.through_another_identity);
    assert_eq!(
        evidence(chain, Access::Action(Action::Admin)).nodes,
        strings(&["chain", "admin", "cards"])
    );
    assert_eq!(entries[2].reached.access, vec![Action::Read]);

    // The reverse question for an identity lists who holds it.
    let entries = reverse(&graph, ix(&graph, "admin"));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].identity, "chain");
    assert_eq!(entries[0].reached.hold, Some(Hold::Assumed));
}

#[test]
fn rev2_flags_write_only_through_another_identity() {
    // ci assumes deployer (e1), which writes cards (g1): cards is written only through
    // another identity, so ci fails. deployer writes cards as its own and passes.
    // The evidence is [ci, deployer, cards] by e1, g1.
    let mut model = Model::new();
    model.role("ci");
    model.role("deployer");
    model.store("cards", &[DataClass::Cardholder], false);
    model.assume("e1", "ci", "deployer");
    model.grant("g1", "deployer", "cards", &[Action::Write]);

    let graph = Graph::new(&model.doc);
    let findings = findings(&graph);
    assert_eq!(findings.len(), 1);
    let finding = &findings[0];
    assert_eq!(finding.rule, "REV-2");
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(finding.nodes, strings(&["ci", "cards"]));
    assert_eq!(finding.edges, strings(&["e1", "g1"]));
    assert_eq!(finding.evidence, strings(&["ci", "deployer", "cards"]));
    assert!(finding.title.contains("only through another identity"));
    assert!(!finding.cedar_not_evaluated);
}

#[test]
fn rev2_flags_write_across_accounts() {
    // ops writes db-a in account acct-a (g1) and db-b in acct-b (g2), both its own: two
    // accounts, so ops fails. single writes db-a (g3) and loose (g4), a crown jewel in no
    // account, which counts as its own account: single fails too. narrow writes only db-a
    // (g5) and passes. reader only reads both (g6, g7) and passes.
    let mut model = Model::new();
    model.role("ops");
    model.role("single");
    model.role("narrow");
    model.role("reader");
    model.account("acct-a");
    model.account("acct-b");
    model.zone("vpc-a", ZoneSort::Vpc).parent = Some("acct-a".into());
    model.store("db-a", &[DataClass::Cardholder], false).parent = Some("vpc-a".into());
    model.store("db-b", &[], false).parent = Some("acct-b".into());
    model
        .doc
        .nodes
        .last_mut()
        .expect("db-b was just pushed")
        .critical = true;
    model.store("loose", &[DataClass::SafetyCritical], false);
    model.grant("g1", "ops", "db-a", &[Action::Write]);
    model.grant("g2", "ops", "db-b", &[Action::Admin]);
    model.grant("g3", "single", "db-a", &[Action::Write]);
    model.grant("g4", "single", "loose", &[Action::Write]);
    model.grant("g5", "narrow", "db-a", &[Action::Write]);
    model.grant("g6", "reader", "db-a", &[Action::Read]);
    model.grant("g7", "reader", "db-b", &[Action::Read]);

    let graph = Graph::new(&model.doc);
    let findings = findings(&graph);
    let flagged: Vec<&str> = findings
        .iter()
        .map(|finding| finding.nodes[0].as_str())
        .collect();
    assert_eq!(flagged, vec!["ops", "single"]);
    let ops = &findings[0];
    assert_eq!(ops.nodes, strings(&["ops", "db-a", "db-b"]));
    assert_eq!(ops.edges, strings(&["g1", "g2"]));
    assert_eq!(ops.evidence, strings(&["ops", "db-a"]));
    assert!(ops.title.contains("in 2 accounts: acct-a, acct-b"));
    assert!(findings[1].title.contains("in 2 accounts: acct-a, loose"));
}

#[test]
fn rev2_flags_login_through_another_identity() {
    // p assumes q (e1); q reads secret s (g1), which unlocks the login of the cardholder
    // store vault (u1). p writes vault only through q and fails; q writes it as its own and
    // passes. Evidence: [p, q, s, vault] by e1, g1, u1.
    let mut model = Model::new();
    model.role("p");
    model.role("q");
    model.secret("s");
    model.store("vault", &[DataClass::Cardholder], false);
    model.assume("e1", "p", "q");
    model.grant("g1", "q", "s", &[Action::Read]);
    model.edge("u1", "s", "vault", EdgeKind::Unlocks);

    let graph = Graph::new(&model.doc);
    let findings = findings(&graph);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].nodes, strings(&["p", "vault"]));
    assert_eq!(findings[0].evidence, strings(&["p", "q", "s", "vault"]));
    assert_eq!(findings[0].edges, strings(&["e1", "g1", "u1"]));
}

#[test]
fn rev2_not_applicable_without_identities() {
    // No identity or workforce user: nothing to rank and no finding.
    let mut model = Model::new();
    model.service("api");
    model.store("db", &[DataClass::Cardholder], false);
    model.flow("f1", "api", "db");

    let graph = Graph::new(&model.doc);
    assert!(compromisable(&graph).is_empty());
    assert!(findings(&graph).is_empty());
    assert!(ranking(&graph).entries.is_empty());
    assert!(reverse(&graph, ix(&graph, "db")).is_empty());
}

#[test]
fn non_principal_reaches_nothing() {
    // A service is not an identity: its blast radius is empty, and an index past the end
    // gives an empty answer rather than a panic.
    let mut model = Model::new();
    model.service("api");
    model.role("role");
    model.edge("r1", "api", "role", EdgeKind::RunsAs);

    let graph = Graph::new(&model.doc);
    assert!(blast_radius(&graph, ix(&graph, "api")).reached.is_empty());
    assert!(blast_radius(&graph, 99).identity.is_empty());
    assert!(reverse(&graph, 99).is_empty());
}

/// Builds the benchmark shape: `identities` roles with two grants and one can-assume edge
/// each, four services per identity with four flows each, stores, secrets and keys, in
/// two accounts.
fn generated(identities: usize) -> Document {
    let mut model = Model::new();
    let services = identities * 4;
    let stores = identities / 2;
    model.account("acct-0");
    model.account("acct-1");
    for i in 0..stores {
        let classes = if i % 5 == 0 {
            vec![DataClass::Cardholder]
        } else {
            vec![DataClass::Internal]
        };
        model.store(&format!("db-{i}"), &classes, i % 3 == 0).parent =
            Some(format!("acct-{}", i % 2));
        model.key(&format!("key-{i}"));
        model.edge(
            &format!("enc-{i}"),
            &format!("db-{i}"),
            &format!("key-{i}"),
            EdgeKind::EncryptedBy,
        );
    }
    for i in 0..identities {
        model.role(&format!("role-{i}"));
    }
    for i in 0..services {
        model.service(&format!("svc-{i}"));
    }
    for i in 0..identities {
        let role = format!("role-{i}");
        let target = format!("role-{}", (i * 7 + 3) % identities);
        let mfa = CanAssume {
            mfa_required: i % 11 == 0,
            association: i % 13 == 0,
            ..CanAssume::default()
        };
        model.assume_with(&format!("assume-{i}"), &role, &target, mfa);
        let store = format!("db-{}", (i * 3) % stores);
        let action = if i % 4 == 0 {
            Action::Write
        } else {
            Action::Read
        };
        model.grant(&format!("grant-a-{i}"), &role, &store, &[action]);
        let key = format!("key-{}", (i * 3) % stores);
        model.grant(&format!("grant-b-{i}"), &role, &key, &[Action::Decrypt]);
    }
    for i in 0..services {
        let service = format!("svc-{i}");
        model.edge(
            &format!("runs-{i}"),
            &service,
            &format!("role-{}", i % identities),
            EdgeKind::RunsAs,
        );
        for k in 0..4 {
            let callee = format!("svc-{}", (i * 31 + k * 17 + 1) % services);
            model.flow(&format!("flow-{i}-{k}"), &service, &callee);
        }
    }
    model.doc
}

#[test]
fn generated_shape_agrees_with_ranking() {
    // The ranking's counts come from runs that record no evidence; each must agree with
    // the full blast radius of the same identity, and every evidence path must start at
    // the compromised identity and end at the node it explains.
    let doc = generated(120);
    let graph = Graph::new(&doc);
    let ranking = ranking(&graph);
    assert_eq!(ranking.entries.len(), 120);
    for entry in &ranking.entries {
        let radius = blast_radius(&graph, ix(&graph, &entry.identity));
        assert_eq!(radius.reached.len(), entry.reached, "{}", entry.identity);
        assert_eq!(radius.crown_jewels_written, entry.crown_jewels_written);
        assert_eq!(radius.crown_jewels_read, entry.crown_jewels_read);
        for reached in &radius.reached {
            assert!(
                !reached.evidence.is_empty(),
                "{} has no evidence",
                reached.node
            );
            for evidence in &reached.evidence {
                assert_eq!(evidence.nodes.first(), Some(&radius.identity));
                assert_eq!(evidence.nodes.last(), Some(&reached.node));
                assert_eq!(evidence.edges.len() + 1, evidence.nodes.len());
            }
        }
    }
    let findings = findings(&graph);
    assert!(findings.iter().all(|finding| finding.rule == "REV-2"));
    assert!(findings.iter().all(|finding| !finding.evidence.is_empty()));
}

#[test]
fn generated_bench_shape_ranks_everyone() {
    // The benchmark's shape at full size: every identity is ranked, in ranking order, and
    // every REV-2 finding names its identity first and carries an evidence path from it.
    let doc = generated(1500);
    let graph = Graph::new(&doc);
    let ranked = ranking(&graph);
    assert_eq!(ranked.entries.len(), 1500);
    for pair in ranked.entries.windows(2) {
        let key = |entry: &RankEntry| {
            (
                std::cmp::Reverse(entry.crown_jewels_written),
                std::cmp::Reverse(entry.crown_jewels_read),
                std::cmp::Reverse(entry.reached),
                entry.identity.clone(),
            )
        };
        assert!(key(&pair[0]) < key(&pair[1]), "{pair:?} out of order");
    }
    for finding in findings(&graph) {
        assert_eq!(finding.evidence.first(), finding.nodes.first());
        assert!(finding.evidence.len() >= 2, "{:?}", finding.evidence);
        let last = finding.evidence.last().expect("the evidence has two nodes");
        assert!(finding.nodes.contains(last), "{last} is not named");
    }
}

#[test]
fn review_reports_rev2_from_ron_model() {
    // The model is read by the RON parser. ci assumes deployer (e1), which writes the
    // cardholder store cards (g1): the whole review carries one REV-2 finding for ci. The
    // ranking: ci writes and reads one crown jewel and reaches two nodes (deployer, cards),
    // deployer writes and reads the same one but reaches only cards, idle reaches nothing.
    let text = r#"(
        format: 1,
        name: "pipeline",
        nodes: [
            (id: "ci", label: "CI", kind: Identity((sort: IamRole))),
            (id: "deployer", label: "Deployer", kind: Identity((sort: IamRole))),
            (id: "idle", label: "Idle", kind: Identity((sort: IamRole))),
            (id: "cards", label: "Cards", kind: DataStore((read_needs_decrypt: false)),
             data_classes: [Cardholder]),
        ],
        edges: [
            (id: "e1", from: "ci", to: "deployer", kind: CanAssume(())),
            (id: "g1", from: "deployer", to: "cards", kind: Grants((actions: [Write]))),
        ],
    )"#;
    let doc: Document = ron::from_str(text).expect("the test model is valid RON");

    let review = crate::review::review(&doc);
    let rev2: Vec<_> = review
        .findings
        .iter()
        .filter(|finding| finding.rule == "REV-2")
        .collect();
    assert_eq!(rev2.len(), 1);
    assert_eq!(rev2[0].nodes, strings(&["ci", "cards"]));
    assert_eq!(rev2[0].evidence, strings(&["ci", "deployer", "cards"]));

    let order: Vec<&str> = review
        .questions
        .blast_radius
        .entries
        .iter()
        .map(|entry| entry.identity.as_str())
        .collect();
    assert_eq!(order, vec!["ci", "deployer", "idle"]);
}
