//! IAM policy documents: reading their statements, and asking whether a set of statements
//! allows an action on a resource.
//!
//! A document is a JSON object, or a string that contains one. The IAM API returns documents
//! URL-encoded (RFC 3986 percent-encoding); the AWS CLI decodes them. Both are read.
//!
//! Evaluation follows the IAM rules that matter for reachability: a request is allowed when
//! some Allow statement matches and no Deny statement does. Action names match without
//! regard to case and resources with regard to case, both with the `*` and `?` wildcards.
//! Conditions are not evaluated: an Allow with conditions counts as allowing (the worst
//! case) and a Deny with conditions as not denying.

use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::import::ImportError;

use super::dump::{At, field_error, json_error};

/// A policy's statements.
#[derive(Debug, Default)]
pub(super) struct PolicyDocument {
    pub statements: Vec<Statement>,
}

/// One statement of a policy.
#[derive(Debug)]
pub(super) struct Statement {
    /// Path of the statement in the dump, for report entries.
    pub path: String,
    pub effect: Effect,
    /// `Action`, or `NotAction` when negated.
    pub actions: Patterns,
    /// `Resource`, or `NotResource` when negated; absent in trust policies.
    pub resources: Option<Patterns>,
    /// `Principal`, or `NotPrincipal` when negated; present only in trust policies.
    pub principals: Option<Principals>,
    pub conditions: Vec<Condition>,
}

/// Whether a statement allows or denies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Effect {
    Allow,
    Deny,
}

/// The values of `Action` or `Resource`, or of their `Not` forms.
#[derive(Debug, Default)]
pub(super) struct Patterns {
    /// The statement lists what it does not apply to (`NotAction`, `NotResource`).
    pub negated: bool,
    pub items: Vec<String>,
}

/// The principals of a trust policy statement.
#[derive(Debug, Default)]
pub(super) struct Principals {
    /// The statement uses `NotPrincipal`.
    pub negated: bool,
    pub items: Vec<Principal>,
}

/// One principal of a trust policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Principal {
    /// `"Principal": "*"` or `{"AWS": "*"}`: any AWS principal anywhere.
    Everyone,
    /// An AWS account, user, role or session, by ARN, account id or unique id.
    Aws(String),
    /// A SAML or OIDC provider, by ARN or by domain (`accounts.google.com`).
    Federated(String),
    /// An AWS service, such as `ec2.amazonaws.com`.
    Service(String),
    /// An S3 canonical user id, or another principal type, with its type name.
    Other(String, String),
}

/// One condition: an operator, a context key and the values it compares with.
#[derive(Debug)]
pub(super) struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

impl Condition {
    /// Returns the condition as policies spell it, for report entries.
    pub fn describe(&self) -> String {
        format!("{} {} {:?}", self.operator, self.key, self.values)
    }
}

/// Reads a policy document: an object, or a string (URL-encoded or not) that contains one.
pub(super) fn read_document(at: &At<'_>) -> Result<PolicyDocument, ImportError> {
    match at.value {
        Value::String(text) => {
            let decoded = decode(text);
            let value: Value = serde_json::from_str(&decoded).map_err(|error| {
                let ImportError::Json {
                    line,
                    column,
                    message,
                    ..
                } = json_error(at.file, &error)
                else {
                    return at.mismatch("a policy document");
                };
                field_error(
                    at.file,
                    at.path.clone(),
                    "a policy document",
                    format!("a string that is not JSON ({message} at {line}:{column})"),
                )
            })?;
            let inner = At {
                value: &value,
                path: at.path.clone(),
                file: at.file,
            };
            read_object(&inner)
        }
        _ => read_object(at),
    }
}

/// Percent-decodes a document that the IAM API returned URL-encoded. A plain JSON text is
/// returned as it is, since it starts with `{` and decoding could alter a `%` in it.
fn decode(text: &str) -> String {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return text.to_owned();
    }
    percent_decode_str(trimmed).decode_utf8_lossy().into_owned()
}

fn read_object(at: &At<'_>) -> Result<PolicyDocument, ImportError> {
    at.object()?;
    let Some(statement) = at.field("Statement") else {
        return Ok(PolicyDocument::default());
    };
    let items = match statement.value {
        Value::Array(_) => statement.array()?,
        _ => vec![statement],
    };
    let statements = items
        .iter()
        .map(read_statement)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PolicyDocument { statements })
}

fn read_statement(at: &At<'_>) -> Result<Statement, ImportError> {
    at.object()?;
    let effect = match at.required_str("Effect")? {
        "Allow" => Effect::Allow,
        "Deny" => Effect::Deny,
        _ => {
            let effect = at.required("Effect")?;
            return Err(field_error(
                at.file,
                effect.path,
                "\"Allow\" or \"Deny\"",
                format!("{:?}", effect.value.as_str().unwrap_or_default()),
            ));
        }
    };
    let actions = read_patterns(at, "Action", "NotAction")?.unwrap_or_default();
    let resources = read_patterns(at, "Resource", "NotResource")?;
    let principals = match (at.field("Principal"), at.field("NotPrincipal")) {
        (Some(principal), _) => Some(read_principals(&principal, false)?),
        (None, Some(principal)) => Some(read_principals(&principal, true)?),
        (None, None) => None,
    };
    let conditions = match at.field("Condition") {
        Some(condition) => read_conditions(&condition)?,
        None => Vec::new(),
    };
    Ok(Statement {
        path: at.path.clone(),
        effect,
        actions,
        resources,
        principals,
        conditions,
    })
}

/// Reads `key` or, when it is absent, `not_key`, each a string or an array of strings.
fn read_patterns(at: &At<'_>, key: &str, not_key: &str) -> Result<Option<Patterns>, ImportError> {
    let (field, negated) = match (at.field(key), at.field(not_key)) {
        (Some(field), _) => (field, false),
        (None, Some(field)) => (field, true),
        (None, None) => return Ok(None),
    };
    Ok(Some(Patterns {
        negated,
        items: strings(&field)?,
    }))
}

/// Reads a string or an array of strings.
fn strings(at: &At<'_>) -> Result<Vec<String>, ImportError> {
    match at.value {
        Value::String(text) => Ok(vec![text.clone()]),
        Value::Array(_) => at
            .array()?
            .iter()
            .map(|item| item.str().map(str::to_owned))
            .collect(),
        _ => Err(at.mismatch("a string or an array of strings")),
    }
}

fn read_principals(at: &At<'_>, negated: bool) -> Result<Principals, ImportError> {
    if let Value::String(text) = at.value {
        if text == "*" {
            return Ok(Principals {
                negated,
                items: vec![Principal::Everyone],
            });
        }
        return Err(at.mismatch("\"*\" or an object of principal types"));
    }
    let object = at.object()?;
    let mut items = Vec::new();
    for kind in object.keys() {
        let Some(values) = at.field(kind) else {
            continue;
        };
        for value in strings(&values)? {
            items.push(match kind.as_str() {
                "AWS" if value == "*" => Principal::Everyone,
                "AWS" => Principal::Aws(value),
                "Federated" => Principal::Federated(value),
                "Service" => Principal::Service(value),
                _ => Principal::Other(kind.clone(), value),
            });
        }
    }
    Ok(Principals { negated, items })
}

fn read_conditions(at: &At<'_>) -> Result<Vec<Condition>, ImportError> {
    let object = at.object()?;
    let mut conditions = Vec::new();
    for operator in object.keys() {
        let Some(keys) = at.field(operator) else {
            continue;
        };
        let keys_object = keys.object()?;
        for key in keys_object.keys() {
            let Some(values) = keys.field(key) else {
                continue;
            };
            conditions.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values: condition_values(&values)?,
            });
        }
    }
    Ok(conditions)
}

/// Reads a condition's values: strings, booleans or numbers, alone or in an array.
fn condition_values(at: &At<'_>) -> Result<Vec<String>, ImportError> {
    let scalar = |at: &At<'_>| match at.value {
        Value::String(text) => Ok(text.clone()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Number(number) => Ok(number.to_string()),
        _ => Err(at.mismatch("a string, a boolean or a number")),
    };
    match at.value {
        Value::Array(_) => at.array()?.iter().map(scalar).collect(),
        _ => Ok(vec![scalar(at)?]),
    }
}

/// Returns whether an IAM pattern with `*` (any run of characters) and `?` (one character)
/// matches a text. Action names compare without regard to ASCII case.
pub(super) fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let pattern = pattern.as_bytes();
    let text = text.as_bytes();
    let same = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };

    // Greedy matching that backtracks only to the last `*`: linear in the common case and
    // at worst the product of the two lengths.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || same(pattern[p], text[t])) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Returns whether an action pattern of a statement covers an action name.
pub(super) fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(pattern, action, true)
}

impl Statement {
    /// Returns whether the statement applies to an action.
    pub fn covers_action(&self, action: &str) -> bool {
        let listed = self
            .actions
            .items
            .iter()
            .any(|pattern| action_matches(pattern, action));
        listed != self.actions.negated
    }

    /// Returns whether the statement applies to a resource ARN. With `None` it checks
    /// whether the statement applies to some resource, which is true unless it names none.
    pub fn covers_resource(&self, resource: Option<&str>) -> bool {
        let Some(resources) = &self.resources else {
            return false;
        };
        let Some(resource) = resource else {
            return resources.negated || !resources.items.is_empty();
        };
        let listed = resources
            .items
            .iter()
            .any(|pattern| wildcard_match(pattern, resource, false));
        listed != resources.negated
    }
}

impl Statement {
    /// Returns whether the statement names every resource with `Resource: "*"`.
    pub fn covers_every_resource(&self) -> bool {
        self.resources
            .as_ref()
            .is_some_and(|resources| !resources.negated && resources.items.iter().any(|r| r == "*"))
    }
}

/// Returns whether a set of statements allows an action on a resource (`None`: on some
/// resource): some Allow covers it and no Deny without conditions does.
pub(super) fn allows<'s>(
    statements: impl IntoIterator<Item = &'s Statement> + Clone,
    action: &str,
    resource: Option<&str>,
) -> bool {
    let covers = |statement: &Statement| {
        statement.covers_action(action) && statement.covers_resource(resource)
    };
    // Asked about some resource, only a Deny of every resource rules the action out.
    let denies = |statement: &Statement| match resource {
        Some(_) => covers(statement),
        None => statement.covers_action(action) && statement.covers_every_resource(),
    };
    let allowed = statements
        .clone()
        .into_iter()
        .any(|statement| statement.effect == Effect::Allow && covers(statement));
    allowed
        && !statements.into_iter().any(|statement| {
            statement.effect == Effect::Deny && statement.conditions.is_empty() && denies(statement)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_match_cases() {
        let cases = [
            ("s3:*", "s3:GetObject", true, true),
            ("s3:Get*", "s3:getobject", true, true),
            ("s3:Get*", "s3:getobject", false, false),
            ("*", "", false, true),
            ("s3:?etObject", "s3:GetObject", false, true),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b", false, false),
            ("arn:aws:s3:::b*", "arn:aws:s3:::b/key", false, true),
            ("a*b*c", "aXbYbZc", false, true),
            ("a*b*c", "aXbYbZ", false, false),
            ("iam:PassRole", "iam:PassRoles", true, false),
        ];
        for (pattern, text, ignore_case, expected) in cases {
            assert_eq!(
                wildcard_match(pattern, text, ignore_case),
                expected,
                "{pattern} against {text}"
            );
        }
    }

    #[test]
    fn url_encoded_document_reads() -> Result<(), ImportError> {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect\
                       %22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource\
                       %22%3A%22%2A%22%7D%5D%7D";
        let value = Value::String(encoded.to_owned());
        let document = read_document(&At::root(&value, "dump.json"))?;

        assert_eq!(document.statements.len(), 1);
        assert_eq!(document.statements[0].actions.items, ["s3:GetObject"]);
        Ok(())
    }

    #[test]
    fn allow_and_deny_evaluate() -> Result<(), ImportError> {
        let value: Value = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/admin"},
            {"Effect": "Allow", "NotAction": "s3:*", "Resource": "arn:x"}
        ]});
        let document = read_document(&At::root(&value, "dump.json"))?;
        let statements = &document.statements;

        assert!(allows(
            statements,
            "iam:PassRole",
            Some("arn:aws:iam::1:role/app")
        ));
        assert!(!allows(
            statements,
            "iam:PassRole",
            Some("arn:aws:iam::1:role/admin")
        ));
        assert!(allows(statements, "ec2:RunInstances", Some("arn:x")));
        assert!(!allows(statements, "s3:GetObject", Some("arn:x")));
        Ok(())
    }

    #[test]
    fn statement_of_wrong_shape_names_path() {
        let value: Value = serde_json::json!({"Statement": [{"Effect": "Allow", "Action": 3}]});
        let error = read_document(&At::root(&value, "dump.json")).err();
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("`Statement[0].Action`"), "{message}");
    }
}
