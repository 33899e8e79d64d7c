//! Benchmarks of the IAM import: importing a generated account of 1,000 roles and 2,000
//! managed policies, and importing it and ranking every identity by blast radius.
//!
//! `cargo bench -p trustmap-model --bench iam` runs them. `BENCHMARKS.md` at the repository
//! root records the target (under one second for import and ranking), the machine and the
//! last results.

use std::hint::black_box;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use serde_json::{Value, json};
use trustmap_model::graph::Graph;
use trustmap_model::import::import_iam;
use trustmap_model::review::blast;

/// The generated account's id.
const ACCOUNT: &str = "123456789012";

/// Roles, managed policies, users and groups of the generated account.
const ROLES: usize = 1_000;
const POLICIES: usize = 2_000;
const USERS: usize = 100;
const GROUPS: usize = 10;

/// Sample count: each iteration takes a large part of a second.
const SAMPLES: usize = 10;

/// Returns the managed policy `k`: two data statements on resources of its own, one in five
/// with a wildcard or `*` resource, and one in fifty with `iam:PassRole`.
fn policy(k: usize) -> Value {
    let mut statements = vec![
        json!({
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": [format!("arn:aws:s3:::bucket-{}/*", k % 500)]
        }),
        json!({
            "Effect": "Allow",
            "Action": ["dynamodb:Query", "secretsmanager:GetSecretValue", "kms:Decrypt"],
            "Resource": [
                format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/table-{}", k % 300),
                format!("arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:secret-{}", k % 200),
                format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/key-{}", k % 50)
            ]
        }),
    ];
    if k.is_multiple_of(5) {
        statements.push(json!({
            "Effect": "Allow",
            "Action": "s3:Get*",
            "Resource": if k.is_multiple_of(10) {
                "*".to_owned()
            } else {
                format!("arn:aws:s3:::bucket-{}*", k % 7)
            }
        }));
    }
    if k.is_multiple_of(50) {
        statements.push(json!({
            "Effect": "Allow",
            "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
            "Resource": "*"
        }));
    }
    json!({
        "PolicyName": format!("policy-{k}"),
        "Arn": format!("arn:aws:iam::{ACCOUNT}:policy/policy-{k}"),
        "DefaultVersionId": "v1",
        "PolicyVersionList": [
            {"Document": {"Version": "2012-10-17", "Statement": statements},
             "VersionId": "v1", "IsDefaultVersion": true}
        ]
    })
}

/// Returns role `k`: trusted by Lambda, by its own account, or by the previous role (with
/// MFA on every tenth), with two managed policies attached.
fn role(k: usize) -> Value {
    let principal = match k % 3 {
        0 => json!({"Service": "lambda.amazonaws.com"}),
        1 => json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}),
        _ => json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:role/role-{}", k - 1)}),
    };
    let mut statement =
        json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
    if k % 10 == 2 {
        statement["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
    }
    json!({
        "RoleName": format!("role-{k}"),
        "Arn": format!("arn:aws:iam::{ACCOUNT}:role/role-{k}"),
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        "RolePolicyList": [],
        "AttachedManagedPolicies": [attached(2 * k), attached(2 * k + 1)]
    })
}

/// Returns the reference to managed policy `k` that an identity lists.
fn attached(k: usize) -> Value {
    json!({
        "PolicyName": format!("policy-{k}"),
        "PolicyArn": format!("arn:aws:iam::{ACCOUNT}:policy/policy-{k}")
    })
}

/// Returns user `k`: a member of one group, allowed to assume one role in ten.
fn user(k: usize) -> Value {
    json!({
        "UserName": format!("user-{k}"),
        "Arn": format!("arn:aws:iam::{ACCOUNT}:user/user-{k}"),
        "GroupList": [format!("group-{}", k % GROUPS)],
        "UserPolicyList": [{
            "PolicyName": "assume",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": format!("arn:aws:iam::{ACCOUNT}:role/role-{}*", k % 10)
            }]}
        }],
        "AttachedManagedPolicies": []
    })
}

fn group(k: usize) -> Value {
    json!({
        "GroupName": format!("group-{k}"),
        "Arn": format!("arn:aws:iam::{ACCOUNT}:group/group-{k}"),
        "GroupPolicyList": [],
        "AttachedManagedPolicies": [attached(k)]
    })
}

/// Returns the generated dump as JSON text.
fn account_text() -> String {
    let dump = json!({
        "UserDetailList": (0..USERS).map(user).collect::<Vec<_>>(),
        "GroupDetailList": (0..GROUPS).map(group).collect::<Vec<_>>(),
        "RoleDetailList": (0..ROLES).map(role).collect::<Vec<_>>(),
        "Policies": (0..POLICIES).map(policy).collect::<Vec<_>>(),
    });
    dump.to_string()
}

fn bench_iam(c: &mut Criterion) {
    let text = account_text();
    match import_iam(&text, "generated.json") {
        Ok(import) => eprintln!(
            "note: the generated dump is {} bytes and imports to {} nodes and {} edges",
            text.len(),
            import.document.nodes.len(),
            import.document.edges.len()
        ),
        Err(error) => panic!("the generated dump does not import: {error}"),
    }

    let mut group = c.benchmark_group("iam");
    group.sample_size(SAMPLES);
    group.sampling_mode(SamplingMode::Flat);

    group.bench_function("import/1000_roles_2000_policies", |b| {
        b.iter(|| import_iam(black_box(&text), "generated.json"));
    });
    group.bench_function("import_and_rank/1000_roles_2000_policies", |b| {
        b.iter(|| {
            let Ok(import) = import_iam(black_box(&text), "generated.json") else {
                return 0;
            };
            let graph = Graph::new(&import.document);
            blast::ranking(&graph).entries.len()
        });
    });
    group.finish();
}

criterion_group!(benches, bench_iam);
criterion_main!(benches);
