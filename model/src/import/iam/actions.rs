//! The action table: which model action each AWS action grants.
//!
//! The model knows the resources of seven services: S3 buckets, DynamoDB tables, Secrets
//! Manager secrets, KMS keys, Lambda functions, SSM parameters and IAM identities. For
//! each, the table lists the data-plane actions by name:
//!
//! | model action | AWS actions |
//! |---|---|
//! | read | reading data: `s3:GetObject`, `dynamodb:Query`, `secretsmanager:GetSecretValue`, `ssm:GetParameter`, `lambda:GetFunction` (its code and environment) |
//! | write | changing or deleting data: `s3:PutObject`, `dynamodb:PutItem`, `secretsmanager:PutSecretValue`, `kms:Encrypt`, `lambda:UpdateFunctionCode` |
//! | admin | changing who may access the resource: `s3:PutBucketPolicy`, `kms:PutKeyPolicy`, `kms:CreateGrant`, `lambda:AddPermission`; `svc:*` grants admin and configure (and invoke on Lambda), `*` admin, invoke and configure |
//! | invoke | `lambda:InvokeFunction`, `lambda:InvokeAsync`, `lambda:InvokeFunctionUrl` |
//! | decrypt | `kms:Decrypt`, `kms:ReEncryptFrom` |
//! | configure | every other action of these services that changes something: `s3:PutBucketVersioning`, `kms:EnableKeyRotation`, `iam:CreateRole` |
//! | nothing | metadata reads: `Describe*`, `List*`, `Head*`, `Simulate*`, `Search*` and the `Get*` that read settings (`s3:GetBucketPolicy`) |
//!
//! Metadata reads grant nothing because they neither expose data nor change the control
//! plane; a grant of configure would count the node as reached. IAM actions other than
//! metadata reads map to configure (and `iam:*` to admin): what they let an identity
//! become is the privilege-escalation table's business. A wildcard pattern (`s3:Get*`,
//! `s3:*Object`) grants the union of the table entries it matches, plus configure when it
//! may also match unlisted actions that are not metadata reads. Actions of other services
//! have no node to act on.

use crate::document::Action;

use super::policy::wildcard_match;

/// A service whose resources the model has nodes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Service {
    S3,
    DynamoDb,
    SecretsManager,
    Kms,
    Lambda,
    Ssm,
    Iam,
}

impl Service {
    /// Every modelled service.
    pub const ALL: [Self; 7] = [
        Self::S3,
        Self::DynamoDb,
        Self::SecretsManager,
        Self::Kms,
        Self::Lambda,
        Self::Ssm,
        Self::Iam,
    ];

    /// Returns the service's action prefix, as in `s3:GetObject`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::S3 => "s3",
            Self::DynamoDb => "dynamodb",
            Self::SecretsManager => "secretsmanager",
            Self::Kms => "kms",
            Self::Lambda => "lambda",
            Self::Ssm => "ssm",
            Self::Iam => "iam",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|service| service.prefix().eq_ignore_ascii_case(prefix))
    }

    /// The data-plane actions of the service, in the order they are tried.
    fn table(self) -> &'static [(&'static str, Action)] {
        use Action::{Admin, Decrypt, Invoke, Read, Write};
        match self {
            Self::S3 => &[
                ("GetObject", Read),
                ("GetObjectVersion", Read),
                ("GetObjectTorrent", Read),
                ("GetObjectVersionTorrent", Read),
                ("PutObject", Write),
                ("DeleteObject", Write),
                ("DeleteObjectVersion", Write),
                ("RestoreObject", Write),
                ("ReplicateObject", Write),
                ("ReplicateDelete", Write),
                ("AbortMultipartUpload", Write),
                ("DeleteBucket", Write),
                ("PutLifecycleConfiguration", Write),
                ("BypassGovernanceRetention", Write),
                ("PutBucketPolicy", Admin),
                ("DeleteBucketPolicy", Admin),
                ("PutBucketAcl", Admin),
                ("PutObjectAcl", Admin),
                ("PutObjectVersionAcl", Admin),
                ("PutAccessPointPolicy", Admin),
                ("PutBucketPublicAccessBlock", Admin),
                ("PutAccountPublicAccessBlock", Admin),
            ],
            Self::DynamoDb => &[
                ("GetItem", Read),
                ("BatchGetItem", Read),
                ("Query", Read),
                ("Scan", Read),
                ("GetRecords", Read),
                ("PartiQLSelect", Read),
                ("ExportTableToPointInTime", Read),
                ("PutItem", Write),
                ("UpdateItem", Write),
                ("DeleteItem", Write),
                ("BatchWriteItem", Write),
                ("PartiQLInsert", Write),
                ("PartiQLUpdate", Write),
                ("PartiQLDelete", Write),
                ("DeleteTable", Write),
                ("RestoreTableFromBackup", Write),
                ("RestoreTableToPointInTime", Write),
                ("PutResourcePolicy", Admin),
                ("DeleteResourcePolicy", Admin),
            ],
            Self::SecretsManager => &[
                ("GetSecretValue", Read),
                ("BatchGetSecretValue", Read),
                ("PutSecretValue", Write),
                ("UpdateSecret", Write),
                ("DeleteSecret", Write),
                ("RestoreSecret", Write),
                ("RotateSecret", Write),
                ("PutResourcePolicy", Admin),
                ("DeleteResourcePolicy", Admin),
            ],
            Self::Kms => &[
                ("Decrypt", Decrypt),
                ("ReEncryptFrom", Decrypt),
                ("Encrypt", Write),
                ("ReEncryptTo", Write),
                ("GenerateDataKey*", Write),
                ("ScheduleKeyDeletion", Write),
                ("DisableKey", Write),
                ("PutKeyPolicy", Admin),
                ("CreateGrant", Admin),
            ],
            Self::Lambda => &[
                ("InvokeFunction", Invoke),
                ("InvokeAsync", Invoke),
                ("InvokeFunctionUrl", Invoke),
                ("GetFunction", Read),
                ("UpdateFunctionCode", Write),
                ("UpdateFunctionConfiguration", Write),
                ("DeleteFunction", Write),
                ("AddPermission", Admin),
            ],
            Self::Ssm => &[
                ("GetParameter", Read),
                ("GetParameters", Read),
                ("GetParametersByPath", Read),
                ("GetParameterHistory", Read),
                ("PutParameter", Write),
                ("DeleteParameter", Write),
                ("DeleteParameters", Write),
                ("LabelParameterVersion", Write),
            ],
            Self::Iam => &[],
        }
    }
}

/// What one action pattern of an Allow statement grants.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Classified {
    /// The pattern is `*` or `*:*`: admin on every resource of every service.
    pub everything: bool,
    /// The modelled services the pattern covers, with the actions it grants on each.
    pub services: Vec<(Service, Vec<Action>)>,
    /// The service prefix, when the pattern covers a service the model has no nodes for.
    pub unmodelled: Option<String>,
}

/// Classifies one action pattern, such as `s3:GetObject`, `s3:Get*` or `*`.
pub(super) fn classify(pattern: &str) -> Classified {
    if pattern == "*" || pattern == "*:*" {
        return Classified {
            everything: true,
            ..Classified::default()
        };
    }
    let Some((prefix, name)) = pattern.split_once(':') else {
        return Classified {
            unmodelled: Some(pattern.to_owned()),
            ..Classified::default()
        };
    };

    let mut classified = Classified::default();
    if is_wildcard(prefix) {
        for service in Service::ALL {
            if wildcard_match(prefix, service.prefix(), true) {
                classified
                    .services
                    .push((service, actions_of(service, name)));
            }
        }
        classified.unmodelled = Some(prefix.to_owned());
    } else {
        match Service::from_prefix(prefix) {
            Some(service) => classified
                .services
                .push((service, actions_of(service, name))),
            None => classified.unmodelled = Some(prefix.to_ascii_lowercase()),
        }
    }
    classified
}

/// Returns the model actions that an action name pattern grants on one service.
fn actions_of(service: Service, name: &str) -> Vec<Action> {
    let table = service.table();
    if name == "*" {
        return every_action(service);
    }
    let mut actions = Vec::new();
    if is_wildcard(name) {
        for &(entry, action) in table {
            if patterns_overlap(name, entry) {
                actions.push(action);
            }
        }
        // The pattern may also match actions the table does not list.
        let literal = name.split(['*', '?']).next().unwrap_or_default();
        if !is_metadata_read(literal) {
            actions.push(Action::Configure);
        }
    } else {
        let listed = table
            .iter()
            .find(|(entry, _)| wildcard_match(entry, name, true))
            .map(|&(_, action)| action);
        match listed {
            Some(action) => actions.push(action),
            None if is_metadata_read(name) => {}
            None => actions.push(Action::Configure),
        }
    }
    actions.sort();
    actions.dedup();
    actions
}

/// Returns what `svc:*` grants: admin, configure (admin does not imply it) and invoke on
/// services that can be called.
pub(super) fn every_action(service: Service) -> Vec<Action> {
    let mut actions = vec![Action::Admin, Action::Configure];
    if service
        .table()
        .iter()
        .any(|&(_, action)| action == Action::Invoke)
    {
        actions.insert(1, Action::Invoke);
    }
    actions
}

/// The actions `*` grants on every node: admin, invoke and configure, because admin
/// implies neither of the other two.
pub(super) const EVERY_ACTION: [Action; 3] = [Action::Admin, Action::Invoke, Action::Configure];

/// Returns whether an action name, or the literal start of a pattern, names a metadata read
/// by its verb. An empty start (`*Object`) may match anything, so it is none.
fn is_metadata_read(name: &str) -> bool {
    const VERBS: [&str; 6] = ["Get", "List", "Describe", "Head", "Simulate", "Search"];
    VERBS.iter().any(|verb| {
        name.get(..verb.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(verb))
    })
}

fn is_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// Returns whether a pattern may match some action that a table entry covers. An entry is
/// a name or a name prefix followed by `*`.
fn patterns_overlap(pattern: &str, entry: &str) -> bool {
    match entry.strip_suffix('*') {
        None => wildcard_match(pattern, entry, true),
        Some(entry_prefix) => {
            let literal = pattern.split(['*', '?']).next().unwrap_or_default();
            let (shorter, longer) = if literal.len() <= entry_prefix.len() {
                (literal, entry_prefix)
            } else {
                (entry_prefix, literal)
            };
            longer
                .get(..shorter.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(shorter))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::{Admin, Configure, Decrypt, Invoke, Read, Write};

    fn on(pattern: &str, service: Service) -> Vec<Action> {
        classify(pattern)
            .services
            .into_iter()
            .find(|(found, _)| *found == service)
            .map(|(_, actions)| actions)
            .unwrap_or_default()
    }

    #[test]
    fn table_maps_named_actions() {
        let cases = [
            ("s3:GetObject", Service::S3, vec![Read]),
            ("s3:getobject", Service::S3, vec![Read]),
            ("s3:PutObject", Service::S3, vec![Write]),
            ("s3:GetBucketPolicy", Service::S3, vec![]),
            ("s3:PutBucketVersioning", Service::S3, vec![Configure]),
            ("s3:PutBucketPolicy", Service::S3, vec![Admin]),
            ("s3:*", Service::S3, vec![Admin, Configure]),
            ("lambda:*", Service::Lambda, vec![Admin, Invoke, Configure]),
            ("kms:Decrypt", Service::Kms, vec![Decrypt]),
            (
                "kms:GenerateDataKeyWithoutPlaintext",
                Service::Kms,
                vec![Write],
            ),
            ("lambda:InvokeFunction", Service::Lambda, vec![Invoke]),
            ("dynamodb:DescribeTable", Service::DynamoDb, vec![]),
            ("iam:PassRole", Service::Iam, vec![Configure]),
            ("iam:*", Service::Iam, vec![Admin, Configure]),
        ];
        for (pattern, service, expected) in cases {
            assert_eq!(on(pattern, service), expected, "{pattern}");
        }
    }

    #[test]
    fn wildcards_take_union() {
        assert_eq!(on("s3:Get*", Service::S3), [Read]);
        assert_eq!(on("s3:*Object", Service::S3), [Read, Write, Configure]);
        assert_eq!(on("s3:Put*", Service::S3), [Write, Admin, Configure]);
        assert_eq!(on("kms:Generate*", Service::Kms), [Write, Configure]);
        assert!(on("s3:List*", Service::S3).is_empty());
    }

    #[test]
    fn everything_and_unmodelled() {
        assert!(classify("*").everything);
        assert_eq!(
            classify("ec2:RunInstances").unmodelled.as_deref(),
            Some("ec2")
        );
        assert!(classify("ec2:RunInstances").services.is_empty());
        assert_eq!(classify("nocolon").unmodelled.as_deref(), Some("nocolon"));
    }
}
