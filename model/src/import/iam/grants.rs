//! Permission statements: grants from each user, group and role, and permission
//! boundaries.
//!
//! Each action of an Allow statement is mapped by the action table ([`super::actions`]) and
//! each resource by ARN ([`super::arn`]). The pairs that name the same service become a
//! grant from the identity to the resource node, to its glob, or to the node that is every
//! resource of the service. `*` actions on `*` resources become a grant on `*`.
//!
//! - A Deny statement is reported. An allowed action and resource are dropped, and
//!   reported, where an unconditional Deny of the same identity clearly covers them: its
//!   action pattern matches the allowed pattern as text (`s3:*` covers `s3:Get*`) and one
//!   of its resources matches the allowed resource as text (`*` covers all).
//! - An Allow with conditions is kept as if the conditions held, and reported as guessed.
//! - `NotAction` grants admin and configure on each modelled service that the statement
//!   does not exclude whole (`s3:*` or `*`), reported as guessed. `NotResource` is taken as
//!   `*`, reported as guessed.
//! - Actions of services the model has no nodes for (EC2, RDS...) and resources it has no
//!   nodes for are reported as left out, once per statement. STS actions are not reported:
//!   the trust policies read them.

use crate::document::{Action, BoundaryRule, NodeKind};

use super::actions::{self, EVERY_ACTION, Service};
use super::arn::{self, Resource};
use super::policy::{Effect, Statement, action_matches, wildcard_match};
use super::{Builder, IdentityKind};

/// One target of a grant or boundary rule with the actions on it.
struct Target {
    target: String,
    actions: Vec<Action>,
}

/// Adds the grants of every identity's own policies.
pub(super) fn permission_policies(builder: &mut Builder<'_>) {
    for ix in 0..builder.identities.len() {
        let statements = builder.identities[ix].own.clone();
        let denies: Vec<&Statement> = statements
            .iter()
            .copied()
            .filter(|statement| statement.effect == Effect::Deny)
            .collect();
        let holder = builder.identities[ix].node.clone();
        let arn = builder.identities[ix].arn;
        for statement in &statements {
            if statement.effect == Effect::Deny {
                report_deny(builder, arn, statement);
                continue;
            }
            for Target { target, actions } in targets(builder, statement, &denies) {
                builder.grant(&holder, &target, &actions);
            }
        }
    }
}

fn report_deny(builder: &mut Builder<'_>, arn: &str, statement: &Statement) {
    let message = if statement.conditions.is_empty() {
        format!(
            "Deny for {arn}: the model has no deny, so only grants it clearly covers are dropped"
        )
    } else {
        format!("Deny with conditions for {arn}: not modelled, no grant is dropped")
    };
    builder.report.left_out(&statement.path, message);
}

/// Maps an Allow statement to its targets, reporting what it cannot map.
fn targets(builder: &mut Builder<'_>, statement: &Statement, denies: &[&Statement]) -> Vec<Target> {
    if !statement.conditions.is_empty() {
        let conditions: Vec<String> = statement
            .conditions
            .iter()
            .map(|condition| condition.describe())
            .collect();
        builder.report.guessed(
            &statement.path,
            format!(
                "conditions cannot be expressed ({}); the grants are kept as if they held",
                conditions.join("; ")
            ),
        );
    }

    let Some(resources) = &statement.resources else {
        builder
            .report
            .left_out(&statement.path, "statement names no resource; left out");
        return Vec::new();
    };
    let resource_items: Vec<String> = if resources.negated {
        builder.report.guessed(
            &statement.path,
            "NotResource is taken as every resource (\"*\")",
        );
        vec!["*".to_owned()]
    } else {
        resources.items.clone()
    };

    let action_items = action_patterns(builder, statement);
    let mut unmodelled_services = Vec::new();
    let mut unmodelled_resources = Vec::new();
    let mut out = Vec::new();
    for action in &action_items {
        let classified = actions::classify(action);
        if let Some(service) = classified.unmodelled.clone() {
            // STS actions have no resource node: they decide which identities can assume
            // a role that trusts its own account.
            if service != "sts" && !unmodelled_services.contains(&service) {
                unmodelled_services.push(service);
            }
        }
        for resource in &resource_items {
            if covered_by_deny(action, resource, denies) {
                builder.report.left_out(
                    &statement.path,
                    format!("Allow of {action} on {resource} dropped: a Deny covers it"),
                );
                continue;
            }
            match arn::resource(resource) {
                Resource::Unmodelled(reason) => {
                    let entry = format!("{resource} ({reason})");
                    if !unmodelled_resources.contains(&entry) {
                        unmodelled_resources.push(entry);
                    }
                }
                mapped => resolve(builder, &classified, &mapped, resource, &mut out),
            }
        }
    }

    if !unmodelled_services.is_empty() {
        builder.report.left_out(
            &statement.path,
            format!(
                "actions of {} act on resources the model has no nodes for",
                unmodelled_services.join(", ")
            ),
        );
    }
    if !unmodelled_resources.is_empty() {
        builder.report.left_out(
            &statement.path,
            format!("resources left out: {}", unmodelled_resources.join("; ")),
        );
    }
    out
}

/// Returns the action patterns of an Allow statement, turning `NotAction` into `svc:*` for
/// each modelled service it does not exclude whole.
fn action_patterns(builder: &mut Builder<'_>, statement: &Statement) -> Vec<String> {
    if !statement.actions.negated {
        return statement.actions.items.clone();
    }
    let excluded = |service: Service| {
        let whole = format!("{}:*", service.prefix());
        statement
            .actions
            .items
            .iter()
            .any(|pattern| action_matches(pattern, &whole) && pattern.ends_with('*'))
    };
    let kept: Vec<String> = Service::ALL
        .into_iter()
        .filter(|&service| !excluded(service))
        .map(|service| format!("{}:*", service.prefix()))
        .collect();
    builder.report.guessed(
        &statement.path,
        format!(
            "NotAction {:?} is taken as all actions of {}",
            statement.actions.items,
            if kept.is_empty() {
                "no modelled service".to_owned()
            } else {
                kept.join(", ")
            }
        ),
    );
    kept
}

/// Returns whether an unconditional Deny clearly covers an allowed action on a resource.
fn covered_by_deny(action: &str, resource: &str, denies: &[&Statement]) -> bool {
    denies.iter().any(|deny| {
        if !deny.conditions.is_empty() || deny.actions.negated {
            return false;
        }
        let Some(resources) = &deny.resources else {
            return false;
        };
        if resources.negated {
            return false;
        }
        let covers_action = deny
            .actions
            .items
            .iter()
            .any(|pattern| action_matches(pattern, action));
        let covers_resource = resources
            .items
            .iter()
            .any(|pattern| wildcard_match(pattern, resource, false));
        covers_action && covers_resource
    })
}

/// Adds the targets of one action pattern on one mapped resource.
fn resolve(
    builder: &mut Builder<'_>,
    classified: &actions::Classified,
    resource: &Resource,
    text: &str,
    out: &mut Vec<Target>,
) {
    let actions_on = |service: Service| -> Vec<Action> {
        if classified.everything {
            return actions::every_action(service);
        }
        classified
            .services
            .iter()
            .filter(|(found, _)| *found == service)
            .flat_map(|(_, actions)| actions.iter().copied())
            .collect()
    };
    let mut push = |target: String, actions: Vec<Action>| {
        if !actions.is_empty() {
            out.push(Target { target, actions });
        }
    };

    match resource {
        Resource::Everything if classified.everything => {
            push("*".to_owned(), EVERY_ACTION.to_vec());
        }
        Resource::Everything => {
            for (service, actions) in &classified.services {
                if actions.is_empty() {
                    continue;
                }
                if *service == Service::Iam {
                    for prefix in ["user/*", "group/*", "role/*"] {
                        push(prefix.to_owned(), actions.clone());
                    }
                    continue;
                }
                builder.placeholders.insert(*service);
                push(arn::every_glob(*service), actions.clone());
            }
        }
        Resource::Every(service) => {
            let actions = actions_on(*service);
            if !actions.is_empty() {
                builder.placeholders.insert(*service);
            }
            push(arn::every_glob(*service), actions);
        }
        Resource::Node { service, id, name } => {
            let actions = actions_on(*service);
            if !actions.is_empty() {
                let node = builder.resource_node(*service, id, name, text);
                push(node, actions);
            }
        }
        Resource::Glob { service, glob } => push(glob.clone(), actions_on(*service)),
        Resource::Identities(pattern) => {
            let actions = actions_on(Service::Iam);
            if actions.is_empty() {
                return;
            }
            let matched: Vec<String> = builder
                .identities
                .iter()
                .filter(|identity| wildcard_match(pattern, identity.arn, false))
                .map(|identity| identity.node.clone())
                .collect();
            for node in matched {
                push(node, actions.clone());
            }
        }
        Resource::Unmodelled(_) => {}
    }
}

/// Sets each user's and role's permission boundary from its boundary policy's Allow
/// statements. A boundary policy missing from the dump leaves the identity without one.
pub(super) fn boundaries(builder: &mut Builder<'_>) {
    let dump = builder.dump;
    let boundaries = dump
        .users
        .iter()
        .map(|user| (user.arn.as_str(), user.boundary.as_ref()))
        .chain(
            dump.roles
                .iter()
                .map(|role| (role.arn.as_str(), role.boundary.as_ref())),
        );
    let boundaries: Vec<_> = boundaries
        .filter_map(|(arn, boundary)| Some((arn, boundary?)))
        .collect();

    for (owner, boundary) in boundaries {
        let Some(&ix) = builder.by_arn.get(owner) else {
            continue;
        };
        let document = builder
            .policies
            .get(boundary.arn.as_str())
            .and_then(|policy| policy.document.as_ref());
        let Some(document) = document else {
            builder.report.left_out(
                owner,
                format!(
                    "permission boundary {} is not in the dump's Policies; the identity is \
                     taken as having no boundary",
                    boundary.arn
                ),
            );
            continue;
        };
        let statements: Vec<&Statement> = document.statements.iter().collect();
        let denies: Vec<&Statement> = statements
            .iter()
            .copied()
            .filter(|statement| statement.effect == Effect::Deny)
            .collect();

        let mut rules: Vec<BoundaryRule> = Vec::new();
        for statement in &statements {
            if statement.effect == Effect::Deny {
                report_deny(builder, owner, statement);
                continue;
            }
            for Target { target, actions } in targets(builder, statement, &denies) {
                match rules.iter_mut().find(|rule| rule.actions == actions) {
                    Some(rule) => rule.targets.push(target),
                    None => rules.push(BoundaryRule {
                        actions,
                        targets: vec![target],
                    }),
                }
            }
        }

        builder.identities[ix].boundary = Some(statements);
        let node_id = builder.identities[ix].node.clone();
        let rule_count = rules.len();
        if let Some(node) = builder.document.node_mut(&node_id)
            && let NodeKind::Identity(identity) = &mut node.kind
        {
            identity.boundary = Some(rules);
        }
        let kind = match builder.identities[ix].kind {
            IdentityKind::User => "user",
            IdentityKind::Role => "role",
            IdentityKind::Group => "group",
        };
        builder.report.mapped(
            owner,
            format!(
                "permission boundary {} became {rule_count} boundary rules of the {kind}",
                boundary.arn
            ),
        );
    }
}
