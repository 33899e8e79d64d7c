//! Trust policies: who can assume each role.
//!
//! Each Allow statement of a role's trust policy whose actions include `sts:AssumeRole`,
//! `sts:AssumeRoleWithSAML` or `sts:AssumeRoleWithWebIdentity` gives its principals a
//! can-assume edge to the role:
//!
//! - a user or role of the dump, by ARN or by an `assumed-role` session ARN: that identity;
//! - the account itself (`arn:aws:iam::ACCOUNT:root` or the bare id): every user and role
//!   of the dump whose own policies, its groups' and its boundary allow `sts:AssumeRole` on
//!   the role, as IAM requires when a trust policy names only the account;
//! - another account, or a principal in it: a placeholder identity in that account's zone;
//! - `*`: a placeholder identity for any AWS principal;
//! - a SAML or OIDC provider: an identity-provider node;
//! - an AWS service (`ec2.amazonaws.com`): a service node that runs as the role.
//!
//! A `Bool` condition that `aws:MultiFactorAuthPresent` is true (or a `Null` condition that
//! `aws:MultiFactorAuthAge` is not null) marks the edge as requiring MFA, and any condition
//! on `sts:ExternalId` as requiring an external id. `BoolIfExists` on MFA does not require
//! MFA from long-lived access keys, which send no MFA key at all, so it is reported and not
//! marked. Other conditions cannot be expressed: the edge is kept and the condition
//! reported. Deny statements and `NotPrincipal` are reported and left out.

use crate::document::{CanAssume, CredentialLifetime, Identity, IdentitySort, Node, NodeKind};

use super::policy::{Condition, Effect, Principal, Statement};
use super::{Builder, IdentityKind, arn, clean_label};

/// The trust actions that let a principal take a role's credentials.
const ASSUME_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

/// A role whose trust policy names its own account: resolved once every identity's policies
/// are known.
pub(super) struct RootTrust {
    role: usize,
    condition: CanAssume,
    statement: String,
}

/// Adds the edges of every role's trust policy, except those to the role's own account,
/// which [`account_root_trusts`] adds.
pub(super) fn trust_policies(builder: &mut Builder<'_>) {
    let dump = builder.dump;
    let mut root_trusts = Vec::new();
    for role in &dump.roles {
        let Some(&role_ix) = builder.by_arn.get(role.arn.as_str()) else {
            continue;
        };
        let Some(trust) = &role.trust else {
            builder.report.left_out(
                &role.arn,
                format!("{} is missing; nobody can assume the role", role.trust_path),
            );
            continue;
        };
        for statement in &trust.statements {
            trust_statement(builder, role_ix, statement, &mut root_trusts);
        }
    }
    builder.root_trusts = root_trusts;
}

fn trust_statement(
    builder: &mut Builder<'_>,
    role_ix: usize,
    statement: &Statement,
    root_trusts: &mut Vec<RootTrust>,
) {
    let role_arn = builder.identities[role_ix].arn;
    let assumes = ASSUME_ACTIONS
        .iter()
        .any(|action| statement.covers_action(action));
    if !assumes {
        return;
    }
    if statement.effect == Effect::Deny {
        builder.report.left_out(
            &statement.path,
            format!("Deny in the trust policy of {role_arn} is not modelled; no edge is removed"),
        );
        return;
    }
    let Some(principals) = &statement.principals else {
        builder.report.left_out(
            &statement.path,
            "trust statement names no principal; left out",
        );
        return;
    };
    if principals.negated {
        builder.report.left_out(
            &statement.path,
            "NotPrincipal in a trust policy is not modelled; left out",
        );
        return;
    }

    let condition = conditions(builder, &statement.path, &statement.conditions);
    for principal in &principals.items {
        match principal {
            Principal::Everyone => {
                let from = outside_identity(builder, "anyone", "Any AWS principal", None);
                builder.report.guessed(
                    &statement.path,
                    format!("{role_arn} trusts every AWS principal; {from} stands for them"),
                );
                builder.can_assume(&from, &role_node(builder, role_ix), condition.clone());
            }
            Principal::Aws(value) => {
                aws_principal(builder, role_ix, value, statement, &condition, root_trusts);
            }
            Principal::Federated(provider) => {
                let from = identity_provider(builder, provider);
                builder.can_assume(&from, &role_node(builder, role_ix), condition.clone());
                builder.report.mapped(
                    &statement.path,
                    format!("federated principal {provider} can assume {role_arn}"),
                );
            }
            Principal::Service(service) => service_principal(builder, role_ix, service),
            Principal::Other(kind, value) => builder.report.left_out(
                &statement.path,
                format!("principal {kind} {value:?} has no place in the model"),
            ),
        }
    }
}

fn role_node(builder: &Builder<'_>, role_ix: usize) -> String {
    builder.identities[role_ix].node.clone()
}

/// Reads a trust statement's conditions into the can-assume flags and reports the rest.
fn conditions(builder: &mut Builder<'_>, path: &str, conditions: &[Condition]) -> CanAssume {
    let mut flags = CanAssume::default();
    for condition in conditions {
        let key = condition.key.to_ascii_lowercase();
        let operator = condition.operator.as_str();
        let is_true = condition.values.iter().any(|v| v == "true");
        let is_false = condition.values.iter().any(|v| v == "false");
        let requires_mfa = (key == "aws:multifactorauthpresent" && operator == "Bool" && is_true)
            || (key == "aws:multifactorauthage" && operator == "Null" && is_false);
        if requires_mfa {
            flags.mfa_required = true;
        } else if key == "aws:multifactorauthpresent" && operator == "BoolIfExists" {
            builder.report.guessed(
                path,
                format!(
                    "{} does not stop access keys, which send no MFA key; MFA is not required",
                    condition.describe()
                ),
            );
        } else if key == "sts:externalid" {
            flags.external_id = true;
        } else {
            builder.report.left_out(
                path,
                format!(
                    "condition {} cannot be expressed; the can-assume edge is kept without it",
                    condition.describe()
                ),
            );
        }
    }
    flags
}

fn aws_principal(
    builder: &mut Builder<'_>,
    role_ix: usize,
    value: &str,
    statement: &Statement,
    condition: &CanAssume,
    root_trusts: &mut Vec<RootTrust>,
) {
    let role_arn = builder.identities[role_ix].arn;
    let to = role_node(builder, role_ix);
    let own_account = builder.account.clone();

    // The account itself: a bare id or the root ARN.
    let root_account = if arn::is_account_id(value) {
        Some(value)
    } else {
        arn::parse(value)
            .filter(|parsed| parsed.service == "iam" && parsed.resource == "root")
            .map(|parsed| parsed.account)
    };
    if let Some(account) = root_account {
        if own_account.as_deref() == Some(account) {
            root_trusts.push(RootTrust {
                role: role_ix,
                condition: condition.clone(),
                statement: statement.path.clone(),
            });
        } else {
            let from = outside_identity(
                builder,
                &format!("{account}/root"),
                &format!("Any identity in account {account}"),
                Some(account),
            );
            builder.report.guessed(
                &statement.path,
                format!(
                    "{role_arn} trusts account {account}, which the dump does not describe; \
                     {from} stands for its identities"
                ),
            );
            builder.can_assume(&from, &to, condition.clone());
        }
        return;
    }

    if let Some(&ix) = builder.by_arn.get(value) {
        if builder.identities[ix].kind == IdentityKind::Group {
            builder.report.left_out(
                &statement.path,
                format!("a group ({value}) cannot be a principal; left out"),
            );
            return;
        }
        let from = builder.identities[ix].node.clone();
        builder.can_assume(&from, &to, condition.clone());
        builder
            .report
            .mapped(&statement.path, format!("{value} can assume {role_arn}"));
        return;
    }

    let Some(parsed) = arn::parse(value) else {
        builder.report.left_out(
            &statement.path,
            format!(
                "principal {value:?} is no ARN or account id (a unique id such as AROA... \
                 names a deleted identity); left out"
            ),
        );
        return;
    };

    // A session of a role: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    if parsed.service == "sts"
        && let Some(rest) = parsed.resource.strip_prefix("assumed-role/")
    {
        let role_name = rest.split('/').next().unwrap_or(rest);
        let role = builder.identities.iter().position(|identity| {
            identity.kind == IdentityKind::Role
                && identity.name == role_name
                && own_account.as_deref() == Some(parsed.account)
        });
        if let Some(ix) = role {
            let from = builder.identities[ix].node.clone();
            builder.can_assume(&from, &to, condition.clone());
            builder
                .report
                .mapped(&statement.path, format!("{value} can assume {role_arn}"));
            return;
        }
    }

    if own_account.as_deref() == Some(parsed.account) {
        builder.report.left_out(
            &statement.path,
            format!("principal {value} is not in the dump; left out"),
        );
        return;
    }
    let label = format!("{} in account {}", parsed.resource, parsed.account);
    let from = outside_identity(
        builder,
        &format!("{}/{}", parsed.account, parsed.resource),
        &label,
        Some(parsed.account),
    );
    builder.report.guessed(
        &statement.path,
        format!("principal {value} is outside the dump; {from} stands for it"),
    );
    builder.can_assume(&from, &to, condition.clone());
}

/// Returns the placeholder identity for a principal outside the dump, in the zone of its
/// account when one is given.
fn outside_identity(
    builder: &mut Builder<'_>,
    wanted: &str,
    label: &str,
    account: Option<&str>,
) -> String {
    if let Some(id) = builder.created.get(wanted) {
        return id.clone();
    }
    let parent = account.map(|account| foreign_zone(builder, account));
    let id = builder.claim(wanted);
    let kind = NodeKind::Identity(Identity {
        sort: IdentitySort::IamRole,
        credentials: CredentialLifetime::ShortLived,
        boundary: None,
    });
    let mut node = Node::new(id.clone(), clean_label(label), kind);
    node.technology = "AWS principal outside the dump".to_owned();
    node.parent = parent;
    builder.document.nodes.push(node);
    builder.created.insert(wanted.to_owned(), id.clone());
    id
}

fn foreign_zone(builder: &mut Builder<'_>, account: &str) -> String {
    if let Some(zone) = builder.foreign_zones.get(account) {
        return zone.clone();
    }
    let zone = builder.add_zone(
        &format!("account/{account}"),
        &format!("AWS account {account}"),
    );
    builder
        .foreign_zones
        .insert(account.to_owned(), zone.clone());
    zone
}

/// Returns the identity-provider node for a federated principal: a SAML or OIDC provider
/// ARN, or a web identity domain such as `accounts.google.com`.
fn identity_provider(builder: &mut Builder<'_>, provider: &str) -> String {
    let name = arn::parse(provider)
        .map(|parsed| {
            parsed
                .resource
                .split_once('/')
                .map_or(parsed.resource, |(_, name)| name)
        })
        .unwrap_or(provider);
    let wanted = format!("idp/{name}");
    if let Some(id) = builder.created.get(&wanted) {
        return id.clone();
    }

    let id = builder.claim(&wanted);
    let kind = NodeKind::Identity(Identity {
        sort: IdentitySort::IdentityProvider {
            enforces_mfa: false,
        },
        credentials: CredentialLifetime::ShortLived,
        boundary: None,
    });
    let mut node = Node::new(id.clone(), clean_label(name), kind);
    node.technology = if provider.contains(":saml-provider/") {
        "SAML identity provider".to_owned()
    } else {
        "OIDC identity provider".to_owned()
    };
    node.note = provider.to_owned();
    node.parent = Some(builder.zone.clone());
    builder.document.nodes.push(node);

    builder.created.insert(wanted, id.clone());
    builder.report.guessed(
        provider,
        format!("the dump does not say whether {name} enforces MFA; taken as not enforcing it"),
    );
    id
}

/// Adds the service node that runs as a role for a service principal.
fn service_principal(builder: &mut Builder<'_>, role_ix: usize, service: &str) {
    let role = &builder.identities[role_ix];
    let (role_name, role_arn, role_node) = (role.name, role.arn, role.node.clone());
    let short = service.strip_suffix(".amazonaws.com").unwrap_or(service);

    // An EC2 role with an instance profile already has its service node.
    let dump_role = builder
        .dump
        .roles
        .iter()
        .find(|candidate| candidate.arn == role_arn);
    if short == "ec2" && dump_role.is_some_and(|role| !role.instance_profiles.is_empty()) {
        return;
    }
    let wanted = format!("service/{short}/{role_name}");
    let label = format!("{short} as {role_name}");
    let technology = format!("AWS service {service}");
    let node = builder.service_node(&wanted, &label, &technology);
    builder.add_edge(
        "runs-as",
        &node,
        &role_node,
        crate::document::EdgeKind::RunsAs,
    );
    builder.report.mapped(
        role_arn,
        format!("service principal {service} became service {node}, which runs as the role"),
    );
}

/// Adds a can-assume edge to each role that trusts its own account from every user and
/// role whose policies allow `sts:AssumeRole` on it.
pub(super) fn account_root_trusts(builder: &mut Builder<'_>) {
    let root_trusts = std::mem::take(&mut builder.root_trusts);
    if root_trusts.is_empty() {
        return;
    }
    // Only identities that may assume some role are candidates: checking the others
    // against every role would cost identities times roles policy evaluations.
    let effective = builder.effective_all();
    let candidates: Vec<usize> = (0..builder.identities.len())
        .filter(|&ix| builder.identities[ix].kind != IdentityKind::Group)
        .filter(|&ix| effective[ix].allows("sts:AssumeRole", None))
        .collect();
    if !builder.spend_pair_checks(candidates.len().saturating_mul(root_trusts.len())) {
        return;
    }
    for trust in root_trusts {
        let role_arn = builder.identities[trust.role].arn;
        let to = builder.identities[trust.role].node.clone();
        let mut count = 0;
        for &ix in &candidates {
            if ix == trust.role {
                continue;
            }
            if !effective[ix].allows("sts:AssumeRole", Some(role_arn)) {
                continue;
            }
            let from = builder.identities[ix].node.clone();
            builder.can_assume(&from, &to, trust.condition.clone());
            count += 1;
        }
        builder.report.mapped(
            &trust.statement,
            format!(
                "{role_arn} trusts its own account: {count} identities whose policies allow \
                 sts:AssumeRole on it can assume it"
            ),
        );
    }
}
