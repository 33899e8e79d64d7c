//! The parts of an `aws iam get-account-authorization-details` dump that the importer reads,
//! taken out of the JSON tree with the path of every field, so that a field of the wrong
//! shape is reported by its path (`RoleDetailList[3].AssumeRolePolicyDocument`).
//!
//! Keys the importer does not use (`CreateDate`, `Tags`, `RoleLastUsed`...) are ignored.
//! Policy documents are parsed by [`super::policy`].

use serde_json::Value;

use crate::import::ImportError;

use super::policy::{self, PolicyDocument};

/// A whole dump, as far as the importer reads it.
#[derive(Debug, Default)]
pub(super) struct Dump {
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    pub policies: Vec<ManagedPolicy>,
}

/// An IAM user.
#[derive(Debug)]
pub(super) struct User {
    pub name: String,
    pub arn: String,
    /// Names of the groups the user is a member of.
    pub groups: Vec<String>,
    pub inline: Vec<InlinePolicy>,
    pub attached: Vec<AttachedPolicy>,
    pub boundary: Option<AttachedPolicy>,
}

/// An IAM group.
#[derive(Debug)]
pub(super) struct Group {
    pub name: String,
    pub arn: String,
    pub inline: Vec<InlinePolicy>,
    pub attached: Vec<AttachedPolicy>,
}

/// An IAM role with its trust policy.
#[derive(Debug)]
pub(super) struct Role {
    pub name: String,
    pub arn: String,
    /// Path of the trust policy in the dump, for report entries.
    pub trust_path: String,
    pub trust: Option<PolicyDocument>,
    pub instance_profiles: Vec<InstanceProfile>,
    pub inline: Vec<InlinePolicy>,
    pub attached: Vec<AttachedPolicy>,
    pub boundary: Option<AttachedPolicy>,
}

/// An EC2 instance profile that contains a role.
#[derive(Debug)]
pub(super) struct InstanceProfile {
    pub name: String,
    pub arn: String,
}

/// A policy embedded in one user, group or role.
#[derive(Debug)]
pub(super) struct InlinePolicy {
    pub name: String,
    pub document: PolicyDocument,
}

/// A reference to a managed policy, by ARN.
#[derive(Debug)]
pub(super) struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

/// A managed policy with the document of its default version.
#[derive(Debug)]
pub(super) struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    /// The default version's document, or `None` when the dump lists no default version.
    pub document: Option<PolicyDocument>,
}

/// Parses the dump's text.
pub(super) fn read(text: &str, file: &str) -> Result<Dump, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let root: Value = serde_json::from_str(text).map_err(|error| json_error(file, &error))?;
    let root = At::root(&root, file);
    root.object()?;

    let mut dump = Dump::default();
    for user in root.optional_array("UserDetailList")? {
        dump.users.push(read_user(&user)?);
    }
    for group in root.optional_array("GroupDetailList")? {
        dump.groups.push(read_group(&group)?);
    }
    for role in root.optional_array("RoleDetailList")? {
        dump.roles.push(read_role(&role)?);
    }
    for policy in root.optional_array("Policies")? {
        dump.policies.push(read_managed_policy(&policy)?);
    }
    Ok(dump)
}

/// Turns a parser error into an import error with its position.
pub(super) fn json_error(file: &str, error: &serde_json::Error) -> ImportError {
    let text = error.to_string();
    let message = match text.rfind(" at line ") {
        Some(end) => text[..end].to_owned(),
        None => text,
    };
    ImportError::Json {
        file: file.to_owned(),
        line: error.line(),
        column: error.column(),
        message,
    }
}

fn read_user(at: &At<'_>) -> Result<User, ImportError> {
    Ok(User {
        name: at.required_str("UserName")?.to_owned(),
        arn: at.required_str("Arn")?.to_owned(),
        groups: at.optional_strings("GroupList")?,
        inline: read_inline(at, "UserPolicyList")?,
        attached: read_attached(at)?,
        boundary: read_boundary(at)?,
    })
}

fn read_group(at: &At<'_>) -> Result<Group, ImportError> {
    Ok(Group {
        name: at.required_str("GroupName")?.to_owned(),
        arn: at.required_str("Arn")?.to_owned(),
        inline: read_inline(at, "GroupPolicyList")?,
        attached: read_attached(at)?,
    })
}

fn read_role(at: &At<'_>) -> Result<Role, ImportError> {
    let trust_at = at.field("AssumeRolePolicyDocument");
    let trust = match &trust_at {
        Some(document) => Some(policy::read_document(document)?),
        None => None,
    };
    let mut instance_profiles = Vec::new();
    for profile in at.optional_array("InstanceProfileList")? {
        instance_profiles.push(InstanceProfile {
            name: profile.required_str("InstanceProfileName")?.to_owned(),
            arn: profile.required_str("Arn")?.to_owned(),
        });
    }
    Ok(Role {
        name: at.required_str("RoleName")?.to_owned(),
        arn: at.required_str("Arn")?.to_owned(),
        trust_path: format!("{}.AssumeRolePolicyDocument", at.path),
        trust,
        instance_profiles,
        inline: read_inline(at, "RolePolicyList")?,
        attached: read_attached(at)?,
        boundary: read_boundary(at)?,
    })
}

fn read_inline(at: &At<'_>, key: &str) -> Result<Vec<InlinePolicy>, ImportError> {
    let mut policies = Vec::new();
    for entry in at.optional_array(key)? {
        policies.push(InlinePolicy {
            name: entry.required_str("PolicyName")?.to_owned(),
            document: policy::read_document(&entry.required("PolicyDocument")?)?,
        });
    }
    Ok(policies)
}

fn read_attached(at: &At<'_>) -> Result<Vec<AttachedPolicy>, ImportError> {
    let mut policies = Vec::new();
    for entry in at.optional_array("AttachedManagedPolicies")? {
        policies.push(AttachedPolicy {
            name: entry.required_str("PolicyName")?.to_owned(),
            arn: entry.required_str("PolicyArn")?.to_owned(),
        });
    }
    Ok(policies)
}

fn read_boundary(at: &At<'_>) -> Result<Option<AttachedPolicy>, ImportError> {
    let Some(boundary) = at.field("PermissionsBoundary") else {
        return Ok(None);
    };
    let arn = boundary.required_str("PermissionsBoundaryArn")?;
    let name = arn.rsplit('/').next().unwrap_or(arn);
    Ok(Some(AttachedPolicy {
        name: name.to_owned(),
        arn: arn.to_owned(),
    }))
}

fn read_managed_policy(at: &At<'_>) -> Result<ManagedPolicy, ImportError> {
    let default_version = at.optional_str("DefaultVersionId")?;
    let mut document = None;
    for version in at.optional_array("PolicyVersionList")? {
        let is_default = match version.field("IsDefaultVersion") {
            Some(flag) => flag.bool()?,
            None => false,
        };
        let id = version.optional_str("VersionId")?;
        let matches_default = default_version.is_some() && id == default_version;
        if is_default || matches_default {
            document = Some(policy::read_document(&version.required("Document")?)?);
            break;
        }
    }
    Ok(ManagedPolicy {
        name: at.required_str("PolicyName")?.to_owned(),
        arn: at.required_str("Arn")?.to_owned(),
        document,
    })
}

/// A JSON value with its path in the input, for error messages.
#[derive(Clone, Debug)]
pub(super) struct At<'v> {
    pub value: &'v Value,
    /// Path of the value, such as `RoleDetailList[3].AssumeRolePolicyDocument`.
    pub path: String,
    pub file: &'v str,
}

impl<'v> At<'v> {
    /// Wraps the root of a document, whose path is empty.
    pub fn root(value: &'v Value, file: &'v str) -> Self {
        Self {
            value,
            path: String::new(),
            file,
        }
    }

    /// The value of an object's field, or `None` when the field is absent or `null`.
    pub fn field(&self, key: &str) -> Option<At<'v>> {
        let value = self.value.as_object()?.get(key)?;
        if value.is_null() {
            return None;
        }
        let path = if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        };
        Some(At {
            value,
            path,
            file: self.file,
        })
    }

    /// The value of a field that must be present.
    pub fn required(&self, key: &str) -> Result<At<'v>, ImportError> {
        self.object()?;
        self.field(key).ok_or_else(|| {
            let path = if self.path.is_empty() {
                key.to_owned()
            } else {
                format!("{}.{key}", self.path)
            };
            field_error(self.file, path, "present", "missing")
        })
    }

    pub fn required_str(&self, key: &str) -> Result<&'v str, ImportError> {
        self.required(key)?.str()
    }

    pub fn optional_str(&self, key: &str) -> Result<Option<&'v str>, ImportError> {
        self.object()?;
        self.field(key).map(|at| at.str()).transpose()
    }

    /// The elements of an array field, or none when the field is absent.
    pub fn optional_array(&self, key: &str) -> Result<Vec<At<'v>>, ImportError> {
        self.object()?;
        match self.field(key) {
            Some(at) => at.array(),
            None => Ok(Vec::new()),
        }
    }

    /// The strings of a field that holds an array of strings, or none when it is absent.
    pub fn optional_strings(&self, key: &str) -> Result<Vec<String>, ImportError> {
        self.optional_array(key)?
            .iter()
            .map(|at| at.str().map(str::to_owned))
            .collect()
    }

    pub fn object(&self) -> Result<&'v serde_json::Map<String, Value>, ImportError> {
        self.value
            .as_object()
            .ok_or_else(|| self.mismatch("an object"))
    }

    pub fn str(&self) -> Result<&'v str, ImportError> {
        self.value.as_str().ok_or_else(|| self.mismatch("a string"))
    }

    pub fn bool(&self) -> Result<bool, ImportError> {
        self.value
            .as_bool()
            .ok_or_else(|| self.mismatch("true or false"))
    }

    pub fn array(&self) -> Result<Vec<At<'v>>, ImportError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.mismatch("an array"))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(ix, value)| At {
                value,
                path: format!("{}[{ix}]", self.path),
                file: self.file,
            })
            .collect())
    }

    /// The error for a value of the wrong kind.
    pub fn mismatch(&self, expected: &str) -> ImportError {
        field_error(self.file, self.path.clone(), expected, describe(self.value))
    }
}

/// Builds the error for a field that does not fit.
pub(super) fn field_error(
    file: &str,
    path: String,
    expected: &str,
    found: impl Into<String>,
) -> ImportError {
    ImportError::Field {
        file: file.to_owned(),
        path: if path.is_empty() {
            "(the whole file)".to_owned()
        } else {
            path
        },
        expected: expected.to_owned(),
        found: found.into(),
    }
}

/// Names a JSON value's kind for error messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("{flag}"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
