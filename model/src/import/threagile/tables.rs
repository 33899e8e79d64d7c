//! Mappings of Threagile's enumerated values onto the model: technologies to node kinds,
//! protocols to TLS, authentication and authorization to a flow's checks, trust boundary
//! types to zone sorts, and data asset ratings to data classes.
//!
//! Each function returns the model's value and, where the mapping is a choice the source
//! does not make, the sentence that the import report lists as guessed.

use crate::document::{
    Authentication, Authorization, DataClass, Encryption, IdentitySort, OriginatingCheck, Tls,
    ZoneSort,
};

/// The node kind chosen for a technical asset, before its attributes are filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KindChoice {
    External,
    Gateway { waf: bool },
    Service,
    DataStore,
    Identity(IdentitySort),
    Secret,
    Key,
}

/// Every technology Threagile 1.0 defines, with the kind it maps to:
///
/// | technologies | kind |
/// |---|---|
/// | load-balancer, reverse-proxy, gateway, waf (with a WAF), and `api-gateway` | gateway |
/// | database, file-server, local-file-system, block-storage, data-lake, search-index, ldap-server | data store |
/// | identity-provider, and `iam` | identity provider |
/// | identity-store-ldap, identity-store-database (directories of users and groups) | group identity |
/// | vault | secret |
/// | hsm | key (CloudHSM-backed) |
/// | every other technology, clients included | service |
const TECHNOLOGIES: [(&str, KindChoice); 59] = {
    use KindChoice::*;
    [
        ("load-balancer", Gateway { waf: false }),
        ("reverse-proxy", Gateway { waf: false }),
        ("gateway", Gateway { waf: false }),
        ("api-gateway", Gateway { waf: false }),
        ("waf", Gateway { waf: true }),
        ("database", DataStore),
        ("file-server", DataStore),
        ("local-file-system", DataStore),
        ("block-storage", DataStore),
        ("data-lake", DataStore),
        ("search-index", DataStore),
        ("ldap-server", DataStore),
        (
            "identity-provider",
            Identity(IdentitySort::IdentityProvider {
                enforces_mfa: false,
            }),
        ),
        (
            "iam",
            Identity(IdentitySort::IdentityProvider {
                enforces_mfa: false,
            }),
        ),
        ("identity-store-ldap", Identity(IdentitySort::Group)),
        ("identity-store-database", Identity(IdentitySort::Group)),
        ("vault", Secret),
        ("hsm", Key),
        ("unknown-technology", Service),
        ("client-system", Service),
        ("browser", Service),
        ("desktop", Service),
        ("mobile-app", Service),
        ("devops-client", Service),
        ("web-server", Service),
        ("web-application", Service),
        ("application-server", Service),
        ("erp", Service),
        ("cms", Service),
        ("web-service-rest", Service),
        ("web-service-soap", Service),
        ("ejb", Service),
        ("search-engine", Service),
        ("service-registry", Service),
        ("build-pipeline", Service),
        ("sourcecode-repository", Service),
        ("artifact-registry", Service),
        ("code-inspection-platform", Service),
        ("monitoring", Service),
        ("container-platform", Service),
        ("batch-processing", Service),
        ("event-listener", Service),
        ("tool", Service),
        ("cli", Service),
        ("task", Service),
        ("function", Service),
        ("iot-device", Service),
        ("message-queue", Service),
        ("stream-processing", Service),
        ("service-mesh", Service),
        ("big-data-platform", Service),
        ("report-engine", Service),
        ("ai", Service),
        ("mail-server", Service),
        ("ids", Service),
        ("ips", Service),
        ("scheduler", Service),
        ("mainframe", Service),
        ("library", Service),
    ]
};

/// Technologies of clients that a person uses.
const HUMAN_CLIENTS: [&str; 5] = [
    "browser",
    "desktop",
    "mobile-app",
    "client-system",
    "devops-client",
];

/// Chooses the kind of a technical asset from its `type` and `technology`.
///
/// An external entity is always external. A `datastore` whose technology names a workload
/// or nothing known is still a data store. Returns the guess sentence when the choice is
/// not the technology's own meaning.
pub(super) fn kind_of(
    asset_type: Option<&str>,
    technology: Option<&str>,
) -> (KindChoice, Option<String>) {
    if asset_type == Some("external-entity") {
        return (KindChoice::External, None);
    }
    let datastore = asset_type == Some("datastore");
    let known = technology.and_then(|technology| {
        TECHNOLOGIES
            .iter()
            .find(|(name, _)| *name == technology)
            .map(|(_, kind)| *kind)
    });

    match (known, datastore) {
        (Some(KindChoice::Service), true) => (
            KindChoice::DataStore,
            Some(format!(
                "has type datastore and technology {}; taken as a data store",
                technology.unwrap_or_default()
            )),
        ),
        (Some(kind @ KindChoice::Identity(sort)), _) => {
            let sentence = match sort {
                IdentitySort::Group => {
                    "is an identity store, a directory of users and groups; \
                                        taken as a group identity"
                }
                _ => {
                    "taken as an identity provider that does not enforce MFA, since \
                      Threagile does not record it"
                }
            };
            (kind, Some(sentence.to_owned()))
        }
        (Some(KindChoice::Secret), _) => (
            KindChoice::Secret,
            Some(
                "is a vault; taken as a managed secret store (like Secrets Manager) \
                 whose rotation is unknown, recorded as never"
                    .to_owned(),
            ),
        ),
        (Some(KindChoice::Key), _) => (
            KindChoice::Key,
            Some("is an HSM; taken as a CloudHSM-backed key that never rotates".to_owned()),
        ),
        (Some(kind), _) => (kind, None),
        (None, true) => (
            KindChoice::DataStore,
            Some(unknown_technology(technology, "a data store")),
        ),
        (None, false) => (
            KindChoice::Service,
            Some(unknown_technology(technology, "a service")),
        ),
    }
}

fn unknown_technology(technology: Option<&str>, kind: &str) -> String {
    match technology {
        Some(technology) => {
            format!("technology {technology:?} is not a Threagile technology; taken as {kind}")
        }
        None => format!("states no technology; taken as {kind}"),
    }
}

/// Returns whether a technology is a client that a person uses.
pub(super) fn is_human_client(technology: Option<&str>) -> bool {
    technology.is_some_and(|technology| HUMAN_CLIENTS.contains(&technology))
}

/// Maps a data store's `encryption` to encryption at rest.
pub(super) fn encryption(value: Option<&str>) -> (Encryption, Option<String>) {
    match value {
        None | Some("none") => (Encryption::None, None),
        Some("transparent") => (
            Encryption::ProviderManaged,
            Some("transparent encryption taken as provider-managed encryption at rest".to_owned()),
        ),
        Some(
            style @ ("data-with-symmetric-shared-key"
            | "data-with-asymmetric-shared-key"
            | "data-with-enduser-individual-key"
            | "data-with-end-user-individual-key"),
        ) => (
            Encryption::CustomerManaged,
            Some(format!(
                "encryption {style} taken as customer-managed; \
                 draw the key and its encrypted-by edge"
            )),
        ),
        Some(other) => (
            Encryption::None,
            Some(format!(
                "encryption {other:?} is not a Threagile value; taken as none"
            )),
        ),
    }
}

/// Protocols that Threagile 1.0 counts as encrypted in transit.
const ENCRYPTED_PROTOCOLS: [&str; 21] = [
    "https",
    "wss",
    "reverse-proxy-web-protocol-encrypted",
    "jdbc-encrypted",
    "odbc-encrypted",
    "sql-access-protocol-encrypted",
    "nosql-access-protocol-encrypted",
    "binary-encrypted",
    "text-encrypted",
    "ssh",
    "ssh-tunnel",
    "smtp-encrypted",
    "pop3-encrypted",
    "imap-encrypted",
    "ftps",
    "sftp",
    "scp",
    "ldaps",
    "smb-encrypted",
    "iiop-encrypted",
    "jrmp-encrypted",
];

/// Protocols that Threagile 1.0 counts as plain text, or that never leave the host.
const PLAIN_PROTOCOLS: [&str; 25] = [
    "http",
    "ws",
    "reverse-proxy-web-protocol",
    "mqtt",
    "jdbc",
    "odbc",
    "sql-access-protocol",
    "nosql-access-protocol",
    "binary",
    "text",
    "smtp",
    "pop3",
    "imap",
    "ftp",
    "ldap",
    "jms",
    "nfs",
    "smb",
    "local-file-access",
    "nrpe",
    "xmpp",
    "iiop",
    "jrmp",
    "in-process-library-call",
    "container-spawning",
];

/// Maps a link's protocol to TLS in transit. Threagile records only whether a protocol is
/// encrypted, so an encrypted one is taken as TLS 1.2 and reported.
pub(super) fn tls(protocol: Option<&str>) -> (Tls, Option<String>) {
    match protocol {
        Some(protocol) if ENCRYPTED_PROTOCOLS.contains(&protocol) => {
            let how = if protocol.starts_with("ssh") || protocol == "sftp" || protocol == "scp" {
                "encrypted by SSH"
            } else {
                "encrypted"
            };
            (
                Tls::V1_2,
                Some(format!(
                    "protocol {protocol} is {how}, with no version stated; taken as TLS 1.2"
                )),
            )
        }
        Some(protocol) if PLAIN_PROTOCOLS.contains(&protocol) => (Tls::None, None),
        Some(protocol) => (
            Tls::None,
            Some(format!(
                "protocol {protocol:?} is not a Threagile protocol; taken as plain text"
            )),
        ),
        None => (
            Tls::None,
            Some("states no protocol; taken as plain text".to_owned()),
        ),
    }
}

/// Maps a link's `authentication` to the callee's check of its immediate caller.
///
/// `credentials` is a password, a shared secret that authenticates any holder, so it maps
/// to an API key. A `token` is taken as a user JWT when the caller is external or a client a
/// person uses, and as a workload JWT otherwise.
pub(super) fn authentication(
    value: Option<&str>,
    caller_is_user: bool,
) -> (Authentication, Option<String>) {
    match value {
        Some("none") => (Authentication::None, None),
        Some("session-id") => (Authentication::Session, None),
        Some("client-certificate") => (Authentication::Mtls, None),
        Some("credentials") => (
            Authentication::ApiKey,
            Some(
                "authentication credentials (a password) taken as a shared secret, \
                 like an API key"
                    .to_owned(),
            ),
        ),
        Some("token") if caller_is_user => (
            Authentication::UserJwt,
            Some("authentication token taken as a user JWT, since a person calls".to_owned()),
        ),
        Some("token") => (
            Authentication::WorkloadJwt,
            Some("authentication token taken as a workload JWT, since a workload calls".to_owned()),
        ),
        Some("two-factor") => (
            Authentication::Session,
            Some("two-factor authentication taken as a session after sign-in".to_owned()),
        ),
        Some("externalized") => (
            Authentication::Unknown,
            Some(
                "authentication is externalized to another component; recorded as unknown"
                    .to_owned(),
            ),
        ),
        Some(other) => (
            Authentication::Unknown,
            Some(format!(
                "authentication {other:?} is not a Threagile value; recorded as unknown"
            )),
        ),
        None => (
            Authentication::Unknown,
            Some("states no authentication; recorded as unknown".to_owned()),
        ),
    }
}

/// Maps a link's `authorization` to the callee's checks of the immediate and the
/// originating caller.
///
/// A technical user is authorized by the callee's own rules (database grants, application
/// roles), so it maps to custom authorization. End-user identity propagation means the
/// callee authorizes the end user: on a flow from an internal caller that is the
/// originating caller's check, and the immediate caller is taken as authorized by custom
/// rules too.
pub(super) fn authorization(
    value: Option<&str>,
    caller_is_external: bool,
) -> (Authorization, OriginatingCheck, Option<String>) {
    match value {
        Some("none") => (Authorization::None, OriginatingCheck::None, None),
        Some("technical-user") => (
            Authorization::Custom,
            OriginatingCheck::None,
            Some("authorization of a technical user taken as custom authorization".to_owned()),
        ),
        Some("end-user-identity-propagation" | "enduser-identity-propagation") if caller_is_external => (
            Authorization::Custom,
            OriginatingCheck::None,
            Some("end-user identity propagation from an external caller taken as custom authorization of that caller".to_owned()),
        ),
        Some("end-user-identity-propagation" | "enduser-identity-propagation") => (
            Authorization::Custom,
            OriginatingCheck::Authorized { cedar: None },
            Some(
                "end-user identity propagation taken as authorization of the originating \
                 caller, with custom authorization of the immediate caller"
                    .to_owned(),
            ),
        ),
        Some(other) => (
            Authorization::Unknown,
            OriginatingCheck::None,
            Some(format!(
                "authorization {other:?} is not a Threagile value; recorded as unknown"
            )),
        ),
        None => (
            Authorization::Unknown,
            OriginatingCheck::None,
            Some("states no authorization; recorded as unknown".to_owned()),
        ),
    }
}

/// A zone sort with its default-deny flag.
pub(super) struct ZoneChoice {
    pub sort: ZoneSort,
    pub default_deny: bool,
}

/// Maps a trust boundary's type to a zone.
///
/// | Threagile type | zone |
/// |---|---|
/// | network-on-prem, network-dedicated-hoster, network-cloud-provider | VPC |
/// | network-virtual-lan | private subnet |
/// | network-cloud-security-group | private subnet with default deny |
/// | network-policy-namespace-isolation | namespace |
/// | execution-environment | namespace |
///
/// A cloud provider network is not taken as an account, because an account zone would
/// claim detective controls and guardrails that Threagile does not record. An execution
/// environment isolates workloads inside one runtime as a namespace does, whereas an EKS
/// cluster would add Kubernetes checks that the source does not ask for.
pub(super) fn zone(boundary_type: Option<&str>) -> (ZoneChoice, Option<String>) {
    let private_subnet = ZoneSort::Subnet { public: false };
    let (sort, default_deny, sentence) = match boundary_type {
        Some("network-on-prem") => (
            ZoneSort::Vpc,
            false,
            Some("an on-premises network taken as a VPC"),
        ),
        Some("network-dedicated-hoster") => (
            ZoneSort::Vpc,
            false,
            Some("a network at a dedicated hoster taken as a VPC"),
        ),
        Some("network-cloud-provider") => (
            ZoneSort::Vpc,
            false,
            Some("a cloud provider network taken as a VPC"),
        ),
        Some("network-virtual-lan") => (
            private_subnet,
            false,
            Some("a virtual LAN taken as a private subnet"),
        ),
        Some("network-cloud-security-group") => (
            private_subnet,
            true,
            Some("a cloud security group taken as a private subnet with default deny"),
        ),
        Some("network-policy-namespace-isolation") => (ZoneSort::Namespace, false, None),
        Some("execution-environment") => (
            ZoneSort::Namespace,
            false,
            Some("an execution environment taken as a namespace"),
        ),
        Some(_) | None => (ZoneSort::Vpc, false, None),
    };
    let sentence = match (boundary_type, sentence) {
        (_, Some(sentence)) => Some(sentence.to_owned()),
        (Some(other), None) if other != "network-policy-namespace-isolation" => Some(format!(
            "type {other:?} is not a Threagile boundary type; taken as a VPC"
        )),
        (None, _) => Some("states no type; taken as a VPC".to_owned()),
        _ => None,
    };
    (ZoneChoice { sort, default_deny }, sentence)
}

/// Words in a data asset's id or title that mark cardholder data.
const CARDHOLDER_WORDS: [&str; 7] = [
    "card",
    "cards",
    "cardholder",
    "creditcard",
    "payment",
    "payments",
    "pan",
];

/// Words in a data asset's id or title that mark credentials.
const CREDENTIAL_WORDS: [&str; 16] = [
    "credential",
    "credentials",
    "creds",
    "password",
    "passwords",
    "secret",
    "secrets",
    "token",
    "tokens",
    "key",
    "keys",
    "crypto",
    "cert",
    "certs",
    "certificate",
    "certificates",
];

/// The data classes of a data asset, and whether holding it makes a node critical.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct DataAssetClasses {
    pub classes: Vec<DataClass>,
    pub critical: bool,
    pub guesses: Vec<String>,
}

/// Maps a data asset's ratings to data classes.
///
/// Confidentiality `public` and `internal` map to the classes of the same name; `restricted`
/// and `confidential` to PII. A `strictly-confidential` asset whose id or title names cards
/// or payments is cardholder data, and one that names credentials, secrets, tokens or keys
/// is credentials. Any other is PII whose holders are marked critical, so that it stays a
/// crown jewel. Integrity `mission-critical` adds safety-critical only when the id, title
/// or tags name safety: Threagile uses that rating for business-critical data too.
pub(super) fn data_classes(
    id: &str,
    title: &str,
    tags: &[String],
    confidentiality: Option<&str>,
    integrity: Option<&str>,
) -> DataAssetClasses {
    let words: Vec<String> = format!("{id} {title}")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let names_any = |list: &[&str]| words.iter().any(|word| list.contains(&word.as_str()));

    let mut out = DataAssetClasses::default();
    match confidentiality {
        Some("public") => out.classes.push(DataClass::Public),
        Some("internal") => out.classes.push(DataClass::Internal),
        Some(rating @ ("restricted" | "confidential")) => {
            out.classes.push(DataClass::Pii);
            out.guesses.push(format!("rated {rating}; taken as PII"));
        }
        Some("strictly-confidential") if names_any(&CARDHOLDER_WORDS) => {
            out.classes.push(DataClass::Cardholder);
            out.guesses.push(
                "rated strictly confidential and named for cards or payments; \
                 taken as cardholder data"
                    .to_owned(),
            );
        }
        Some("strictly-confidential") if names_any(&CREDENTIAL_WORDS) => {
            out.classes.push(DataClass::Credentials);
            out.guesses.push(
                "rated strictly confidential and named for credentials or keys; \
                 taken as credentials"
                    .to_owned(),
            );
        }
        Some("strictly-confidential") => {
            out.classes.push(DataClass::Pii);
            out.critical = true;
            out.guesses.push(
                "rated strictly confidential; taken as PII, and the nodes that store it \
                 are marked critical"
                    .to_owned(),
            );
        }
        Some(other) => {
            out.classes.push(DataClass::Internal);
            out.guesses.push(format!(
                "confidentiality {other:?} is not a Threagile rating; taken as internal"
            ));
        }
        None => {
            out.classes.push(DataClass::Internal);
            out.guesses
                .push("states no confidentiality; taken as internal".to_owned());
        }
    }

    let names_safety = words.iter().any(|word| word == "safety")
        || tags
            .iter()
            .any(|tag| tag.to_ascii_lowercase().contains("safety"));
    if integrity == Some("mission-critical") && names_safety {
        out.classes.push(DataClass::SafetyCritical);
        out.guesses.push(
            "integrity rated mission-critical and named for safety; taken as \
             safety-critical"
                .to_owned(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_threagile_technology_has_a_kind() {
        // Threagile 1.0 defines 57 technologies; `api-gateway` and `iam` are added.
        assert_eq!(TECHNOLOGIES.len(), 59);
        let mut names: Vec<&str> = TECHNOLOGIES.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TECHNOLOGIES.len(), "duplicate technology");
    }

    #[test]
    fn protocol_lists_are_disjoint() {
        for protocol in ENCRYPTED_PROTOCOLS {
            assert!(!PLAIN_PROTOCOLS.contains(&protocol), "{protocol}");
        }
    }

    #[test]
    fn data_classes_by_keyword() {
        let classes = |id: &str, title: &str, c: &str, i: &str| {
            data_classes(id, title, &[], Some(c), Some(i)).classes
        };

        assert_eq!(
            classes(
                "card-data",
                "Card Data",
                "strictly-confidential",
                "critical"
            ),
            [DataClass::Cardholder]
        );
        assert_eq!(
            classes(
                "crypto-material",
                "Crypto Material",
                "strictly-confidential",
                "mission-critical"
            ),
            [DataClass::Credentials]
        );
        assert_eq!(
            classes(
                "safety-messages",
                "Safety Messages",
                "internal",
                "mission-critical"
            ),
            [DataClass::Internal, DataClass::SafetyCritical]
        );
        // "keyboard" is not the word "key".
        let other = data_classes(
            "keyboard-layouts",
            "Keyboard",
            &[],
            Some("strictly-confidential"),
            None,
        );
        assert_eq!(other.classes, [DataClass::Pii]);
        assert!(other.critical);
    }
}
