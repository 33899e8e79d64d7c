//! Privilege escalation: what an identity can make itself with its IAM permissions.
//!
//! Each technique below gives a can-assume edge from the user or role that can use it to
//! what it becomes, with the technique in the edge's `technique`, so that the blast radius
//! follows it like any other assumption. Permissions are those of the identity's own
//! policies and its groups', cut by its boundary, as [`super::policy::allows`] evaluates
//! them (conditions count as met, conditional denies as absent).
//!
//! | technique | needs | becomes |
//! |---|---|---|
//! | pass a role to new compute | `iam:PassRole` on the role and the service's actions (table [`PASS_ROLE`]) | each role it can pass whose trust policy trusts that service |
//! | rewrite a trust policy | `iam:UpdateAssumeRolePolicy` on a role | that role |
//! | take over a user | `iam:CreateAccessKey`, `iam:CreateLoginProfile` or `iam:UpdateLoginProfile` on another user | that user |
//! | join a group | `iam:AddUserToGroup` on a group (users only) | that group: its grants |
//! | change its own policies | [`SELF_POLICY`] actions on itself or a group it is in, or `iam:CreatePolicyVersion` or `iam:SetDefaultPolicyVersion` on a managed policy attached to it | the account administrator |
//!
//! Changing its own policies lets an identity grant itself anything, so it leads to one
//! synthetic identity, the account administrator, which has admin, invoke and configure
//! on `*`. An identity that can become the administrator gets no other technique edge,
//! since the administrator's grant already covers every node. A can-assume edge, unlike a grant, carries the technique, so the evidence path of
//! each reached node shows how the identity got there.
//!
//! NOTE: passing a role to EC2 also needs an instance profile that contains the role. The
//! table does not check for one, so an EC2 role without a profile may be reported
//! reachable even when creating a profile is not allowed.

use crate::document::{CanAssume, CredentialLifetime, Identity, IdentitySort, Node, NodeKind};

use super::actions::EVERY_ACTION;
use super::policy::{Effect, Principal};
use super::{Builder, Effective, IdentityKind};

/// A way to run code as a passed role: the service principal the role must trust and the
/// actions needed besides `iam:PassRole`, each an alternative set of which one is enough.
pub(super) struct PassRoleTechnique {
    /// The service the role is passed to, as trust policies name it.
    pub service: &'static str,
    /// Every entry must be allowed; an entry with several actions needs any one of them.
    pub needs: &'static [&'static [&'static str]],
}

/// The compute services a role can be passed to, and what launching code there needs.
pub(super) const PASS_ROLE: [PassRoleTechnique; 9] = [
    PassRoleTechnique {
        service: "ec2.amazonaws.com",
        needs: &[&["ec2:RunInstances"]],
    },
    PassRoleTechnique {
        service: "lambda.amazonaws.com",
        needs: &[
            &["lambda:CreateFunction"],
            &["lambda:InvokeFunction", "lambda:CreateEventSourceMapping"],
        ],
    },
    PassRoleTechnique {
        service: "lambda.amazonaws.com",
        needs: &[&["lambda:UpdateFunctionConfiguration"]],
    },
    PassRoleTechnique {
        service: "glue.amazonaws.com",
        needs: &[&["glue:CreateDevEndpoint", "glue:UpdateDevEndpoint"]],
    },
    PassRoleTechnique {
        service: "cloudformation.amazonaws.com",
        needs: &[&["cloudformation:CreateStack", "cloudformation:UpdateStack"]],
    },
    PassRoleTechnique {
        service: "datapipeline.amazonaws.com",
        needs: &[
            &["datapipeline:CreatePipeline"],
            &["datapipeline:PutPipelineDefinition"],
        ],
    },
    PassRoleTechnique {
        service: "ecs-tasks.amazonaws.com",
        needs: &[
            &["ecs:RegisterTaskDefinition"],
            &["ecs:RunTask", "ecs:StartTask", "ecs:CreateService"],
        ],
    },
    PassRoleTechnique {
        service: "sagemaker.amazonaws.com",
        needs: &[&["sagemaker:CreateNotebookInstance"]],
    },
    PassRoleTechnique {
        service: "codebuild.amazonaws.com",
        needs: &[&["codebuild:CreateProject"], &["codebuild:StartBuild"]],
    },
];

/// Actions that take over another user's credentials.
pub(super) const USER_TAKEOVER: [&str; 3] = [
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
];

/// Actions that change an identity's own policies, by the kind of identity they act on.
pub(super) const SELF_POLICY: [(&str, IdentityKind); 6] = [
    ("iam:AttachUserPolicy", IdentityKind::User),
    ("iam:PutUserPolicy", IdentityKind::User),
    ("iam:AttachRolePolicy", IdentityKind::Role),
    ("iam:PutRolePolicy", IdentityKind::Role),
    ("iam:AttachGroupPolicy", IdentityKind::Group),
    ("iam:PutGroupPolicy", IdentityKind::Group),
];

/// Actions that change what an attached managed policy allows.
pub(super) const POLICY_VERSION: [&str; 2] =
    ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"];

/// Adds a can-assume edge for every technique each user and role can use.
pub(super) fn escalations(builder: &mut Builder<'_>) {
    let effective = builder.effective_all();
    let trusted = trusted_services(builder);
    for (ix, permissions) in effective.iter().enumerate() {
        if builder.identities[ix].kind == IdentityKind::Group {
            continue;
        }
        let mut pairs = 0;
        let found = techniques_of(builder, ix, permissions, &trusted, &mut pairs);
        if !builder.spend_pair_checks(pairs) {
            return;
        }
        let from = builder.identities[ix].node.clone();
        let from_arn = builder.identities[ix].arn;
        for (target, technique) in found {
            let to = match target {
                Target::Identity(target) => builder.identities[target].node.clone(),
                Target::Administrator => administrator(builder),
            };
            builder.report.mapped(
                from_arn,
                format!("privilege escalation: {technique} makes it {to}"),
            );
            let condition = CanAssume {
                technique,
                ..CanAssume::default()
            };
            builder.can_assume(&from, &to, condition);
        }
    }
}

/// The identity that a technique makes its user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Identity(usize),
    Administrator,
}

/// Returns the services each role's trust policy lets run as it, by identity index.
fn trusted_services(builder: &Builder<'_>) -> Vec<Vec<String>> {
    let mut trusted = vec![Vec::new(); builder.identities.len()];
    for role in &builder.dump.roles {
        let Some(&ix) = builder.by_arn.get(role.arn.as_str()) else {
            continue;
        };
        let Some(trust) = &role.trust else {
            continue;
        };
        for statement in &trust.statements {
            if statement.effect != Effect::Allow || !statement.covers_action("sts:AssumeRole") {
                continue;
            }
            let Some(principals) = &statement.principals else {
                continue;
            };
            if principals.negated {
                continue;
            }
            for principal in &principals.items {
                if let Principal::Service(service) = principal {
                    trusted[ix].push(service.clone());
                }
            }
        }
    }
    trusted
}

/// Returns each target one identity can become, with the technique's description, and
/// sets `pairs` to the number of other identities it was checked against.
fn techniques_of(
    builder: &Builder<'_>,
    ix: usize,
    effective: &Effective<'_>,
    trusted: &[Vec<String>],
    pairs: &mut usize,
) -> Vec<(Target, String)> {
    let identity = &builder.identities[ix];
    let mut found = Vec::new();

    // Changing its own policies, or those of a group it is in.
    let own_kind = identity.kind;
    for (action, kind) in SELF_POLICY {
        let targets: Vec<&str> = if kind == own_kind {
            vec![identity.arn]
        } else if kind == IdentityKind::Group {
            identity
                .groups
                .iter()
                .map(|&group| builder.identities[group].arn)
                .collect()
        } else {
            Vec::new()
        };
        if let Some(arn) = targets
            .into_iter()
            .find(|arn| effective.allows(action, Some(arn)))
        {
            found.push((Target::Administrator, format!("{action} on {arn}")));
            break;
        }
    }
    let attached = identity.attached.iter().copied().chain(
        identity
            .groups
            .iter()
            .flat_map(|&group| builder.identities[group].attached.iter().copied()),
    );
    if found.is_empty() {
        'policies: for policy in attached.filter(|arn| !arn.starts_with("arn:aws:iam::aws:")) {
            for action in POLICY_VERSION {
                if effective.allows(action, Some(policy)) {
                    found.push((Target::Administrator, format!("{action} on {policy}")));
                    break 'policies;
                }
            }
        }
    }
    // The administrator's grant covers every node, so becoming anyone else adds nothing.
    if !found.is_empty() {
        return found;
    }

    // Becoming other identities.
    let can_pass = effective.allows("iam:PassRole", None);
    let launchers: Vec<&PassRoleTechnique> = if can_pass {
        PASS_ROLE
            .iter()
            .filter(|technique| {
                technique.needs.iter().all(|alternatives| {
                    alternatives
                        .iter()
                        .any(|action| effective.allows(action, None))
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    // Checked once for some resource, so that an identity without them skips the
    // per-target checks.
    let can_update_trust = effective.allows("iam:UpdateAssumeRolePolicy", None);
    let can_take_over = USER_TAKEOVER
        .iter()
        .any(|action| effective.allows(action, None));
    let can_join = own_kind == IdentityKind::User && effective.allows("iam:AddUserToGroup", None);
    if !(can_update_trust || can_take_over || can_join || !launchers.is_empty()) {
        return found;
    }
    *pairs = builder.identities.len();
    for (target_ix, target) in builder.identities.iter().enumerate() {
        if target_ix == ix {
            continue;
        }
        match target.kind {
            IdentityKind::Role => {
                if can_update_trust
                    && effective.allows("iam:UpdateAssumeRolePolicy", Some(target.arn))
                {
                    found.push((
                        Target::Identity(target_ix),
                        "iam:UpdateAssumeRolePolicy".to_owned(),
                    ));
                    continue;
                }
                let launcher = launchers.iter().find(|technique| {
                    trusted[target_ix]
                        .iter()
                        .any(|service| service == technique.service)
                });
                if let Some(technique) = launcher
                    && effective.allows("iam:PassRole", Some(target.arn))
                {
                    found.push((Target::Identity(target_ix), describe_pass_role(technique)));
                }
            }
            IdentityKind::User if can_take_over => {
                let action = USER_TAKEOVER
                    .iter()
                    .find(|action| effective.allows(action, Some(target.arn)));
                if let Some(action) = action {
                    found.push((Target::Identity(target_ix), (*action).to_owned()));
                }
            }
            IdentityKind::User => {}
            IdentityKind::Group => {
                let member = identity.groups.contains(&target_ix);
                if can_join && !member && effective.allows("iam:AddUserToGroup", Some(target.arn)) {
                    found.push((Target::Identity(target_ix), "iam:AddUserToGroup".to_owned()));
                }
            }
        }
    }
    found
}

fn describe_pass_role(technique: &PassRoleTechnique) -> String {
    let needs: Vec<String> = technique
        .needs
        .iter()
        .map(|alternatives| alternatives.join(" or "))
        .collect();
    format!("iam:PassRole + {}", needs.join(" + "))
}

/// Returns the account administrator node, adding it and its grant on `*` when new.
fn administrator(builder: &mut Builder<'_>) -> String {
    const ID: &str = "account-administrator";
    if let Some(id) = builder.created.get(ID) {
        return id.clone();
    }
    let id = builder.claim(ID);
    let kind = NodeKind::Identity(Identity {
        sort: IdentitySort::IamRole,
        credentials: CredentialLifetime::ShortLived,
        boundary: None,
    });
    let mut node = Node::new(id.clone(), "Account administrator", kind);
    node.technology = "AWS IAM".to_owned();
    node.note = "Stands for the full access that an identity gains by changing its own \
                 policies."
        .to_owned();
    node.parent = Some(builder.zone.clone());
    builder.document.nodes.push(node);
    builder.created.insert(ID.to_owned(), id.clone());
    builder.grant(&id, "*", &EVERY_ACTION);
    builder.report.guessed(
        &id,
        "identities that can change their own policies can grant themselves anything; this \
         identity stands for that access",
    );
    id
}
