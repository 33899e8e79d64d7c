//! ARNs, and the node each resource ARN of a permission statement stands for.
//!
//! Resource nodes get ids of the form `service/name`, from the part of the ARN that names
//! the resource within its service:
//!
//! | ARN | node id | node |
//! |---|---|---|
//! | `arn:aws:s3:::bucket`, `arn:aws:s3:::bucket/key` | `s3/bucket` | data store |
//! | `arn:aws:dynamodb:region:account:table/Orders[/index/...]` | `dynamodb/Orders` | data store |
//! | `arn:aws:secretsmanager:region:account:secret:db-AbC123` | `secretsmanager/db-AbC123` | secret |
//! | `arn:aws:kms:region:account:key/1234abcd-...` | `kms/1234abcd-...` | key |
//! | `arn:aws:lambda:region:account:function:name[:alias]` | `lambda/name` | service |
//! | `arn:aws:ssm:region:account:parameter/app/db` | `ssm/app/db` | secret |
//!
//! A name with `*` or `?` becomes a glob over those ids (`arn:aws:s3:::logs-*` to
//! `s3/logs-*`), and a name that is only `*` stands for every resource of the service. IAM
//! ARNs name the dump's own users, groups and roles and are resolved against them. Region
//! and account wildcards are ignored: the model holds one account's resources.

use super::actions::Service;

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Arn<'a> {
    pub service: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Splits an ARN into its parts, or returns `None` when the text is no ARN.
pub(super) fn parse(text: &str) -> Option<Arn<'_>> {
    let mut parts = text.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let _partition = parts.next()?;
    let service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some(Arn {
        service,
        account,
        resource,
    })
}

/// Returns the 12-digit account id of an ARN, if it has one.
pub(super) fn account_of(text: &str) -> Option<&str> {
    parse(text)
        .map(|arn| arn.account)
        .filter(|account| is_account_id(account))
}

/// Returns whether a text is a 12-digit AWS account id.
pub(super) fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// What the resource of a permission statement stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Resource {
    /// One resource node, created on demand.
    Node {
        service: Service,
        /// The id the node gets, `service/name`.
        id: String,
        /// The resource's name, for the label.
        name: String,
    },
    /// A glob over the resource ids of one service.
    Glob { service: Service, glob: String },
    /// Every resource of one service.
    Every(Service),
    /// Every resource of every service: `*`.
    Everything,
    /// IAM users, groups or roles whose ARNs match this pattern.
    Identities(String),
    /// A resource the model has no node for, with the reason.
    Unmodelled(String),
}

/// Maps a resource ARN, or `*`, to what it stands for.
pub(super) fn resource(text: &str) -> Resource {
    if text == "*" {
        return Resource::Everything;
    }
    let Some(arn) = parse(text) else {
        return Resource::Unmodelled("it is no ARN".to_owned());
    };
    let (service, name) = match arn.service {
        "s3" => (Service::S3, s3_bucket(arn.resource)),
        "dynamodb" => (Service::DynamoDb, after_type(arn.resource, "table/", '/')),
        "secretsmanager" => (
            Service::SecretsManager,
            arn.resource.strip_prefix("secret:"),
        ),
        "kms" => (Service::Kms, kms_key(arn.resource)),
        "lambda" => (Service::Lambda, after_type(arn.resource, "function:", ':')),
        "ssm" => (Service::Ssm, arn.resource.strip_prefix("parameter/")),
        "iam" => return Resource::Identities(text.to_owned()),
        other => {
            return Resource::Unmodelled(format!("the model has no nodes for {other} resources"));
        }
    };
    let Some(name) = name.filter(|name| !name.is_empty()) else {
        return Resource::Unmodelled(format!(
            "{:?} names no {} resource the model has nodes for",
            arn.resource,
            service.prefix()
        ));
    };
    if name == "*" {
        return Resource::Every(service);
    }
    if let Some(bad) = name
        .chars()
        .find(|&c| !(super::super::is_id_char(c) || c == '*' || c == '?'))
    {
        return Resource::Unmodelled(format!(
            "the resource name holds {bad:?}, which node ids cannot hold"
        ));
    }
    let id = format!("{}/{name}", service.prefix());
    if name.contains(['*', '?']) {
        Resource::Glob { service, glob: id }
    } else {
        Resource::Node {
            service,
            id,
            name: name.to_owned(),
        }
    }
}

/// Returns the bucket of an S3 resource: the part before the first `/`.
fn s3_bucket(resource: &str) -> Option<&str> {
    resource.split('/').next()
}

/// Returns the name after a resource type prefix, up to the first `separator`.
fn after_type<'a>(resource: &'a str, kind: &str, separator: char) -> Option<&'a str> {
    resource.strip_prefix(kind)?.split(separator).next()
}

/// Returns the key id of a KMS key ARN, or `alias/name` for an alias.
fn kms_key(resource: &str) -> Option<&str> {
    if resource.starts_with("alias/") {
        return Some(resource);
    }
    resource.strip_prefix("key/")
}

/// Returns the id of the node that stands for every resource of a service it does not name.
pub(super) fn placeholder_id(service: Service) -> &'static str {
    service.prefix()
}

/// Returns the glob that covers every resource node of a service and its placeholder.
pub(super) fn every_glob(service: Service) -> String {
    format!("{}*", service.prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(service: Service, id: &str, name: &str) -> Resource {
        Resource::Node {
            service,
            id: id.to_owned(),
            name: name.to_owned(),
        }
    }

    #[test]
    fn resources_map_to_nodes() {
        let cases = [
            ("*", Resource::Everything),
            ("arn:aws:s3:::logs", node(Service::S3, "s3/logs", "logs")),
            ("arn:aws:s3:::logs/*", node(Service::S3, "s3/logs", "logs")),
            ("arn:aws:s3:::*", Resource::Every(Service::S3)),
            (
                "arn:aws:s3:::logs-*",
                Resource::Glob {
                    service: Service::S3,
                    glob: "s3/logs-*".to_owned(),
                },
            ),
            (
                "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/index/byDate",
                node(Service::DynamoDb, "dynamodb/Orders", "Orders"),
            ),
            (
                "arn:aws:secretsmanager:*:*:secret:db-AbC123",
                node(
                    Service::SecretsManager,
                    "secretsmanager/db-AbC123",
                    "db-AbC123",
                ),
            ),
            (
                "arn:aws:kms:us-east-1:123456789012:key/1a2b",
                node(Service::Kms, "kms/1a2b", "1a2b"),
            ),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:resize:prod",
                node(Service::Lambda, "lambda/resize", "resize"),
            ),
            (
                "arn:aws:ssm:us-east-1:123456789012:parameter/app/db",
                node(Service::Ssm, "ssm/app/db", "app/db"),
            ),
            (
                "arn:aws:iam::123456789012:role/app",
                Resource::Identities("arn:aws:iam::123456789012:role/app".to_owned()),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(resource(text), expected, "{text}");
        }
    }

    #[test]
    fn unmodelled_resources_say_why() {
        for text in [
            "arn:aws:ec2:*:*:instance/*",
            "not-an-arn",
            "arn:aws:dynamodb:*:*:global-table/x",
            "arn:aws:s3:::{bucket}",
        ] {
            assert!(
                matches!(resource(text), Resource::Unmodelled(_)),
                "{text} should be unmodelled"
            );
        }
    }

    #[test]
    fn account_ids() {
        assert_eq!(
            account_of("arn:aws:iam::012345678901:user/x"),
            Some("012345678901")
        );
        assert_eq!(
            account_of("arn:aws:iam::aws:policy/AdministratorAccess"),
            None
        );
        assert!(!is_account_id("12345"));
    }
}
