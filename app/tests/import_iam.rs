//! End-to-end tests of `trustmap import --from iam` and of `trustmap blast-radius` on an IAM
//! dump, through the built binary.
//!
//! The expected blast radii of `tests/fixtures/iam/hand-built-chain.json` are worked out in
//! the comment on `HAND_BUILT` in `tests/tests/import_iam.rs`. The dump imports to 27
//! nodes, and alice reaches 7 of them. Bob, break-glass, the admins group and the account
//! administrator reach the 26 others.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use trustmap_model::Document;

const HAND_BUILT: &str = "tests/fixtures/iam/hand-built-chain.json";

/// Runs the binary in the workspace root with colour and logging off.
fn trustmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustmap"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("the trustmap binary runs")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn import_iam_writes_model_and_report() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("account.trustmap.ron");
    let out_arg = out.to_string_lossy().into_owned();
    let output = trustmap(&["import", HAND_BUILT, "--from", "iam", "-o", &out_arg]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let text = std::fs::read_to_string(&out).expect("the model was written");
    let document: Document = ron::from_str(&text).expect("the model loads");
    assert_eq!(document.nodes.len(), 27);
    assert_eq!(document.name, "AWS account 111122223333");

    let report = stderr(&output);
    assert!(
        report.contains("from AWS IAM authorization details"),
        "{report}"
    );
    assert!(
        report
            .contains("left out GroupDetailList[1].GroupPolicyList[0].PolicyDocument.Statement[1]"),
        "{report}"
    );
}

#[test]
fn blast_radius_ranks_imported_account() {
    let output = trustmap(&["blast-radius", HAND_BUILT, "--all"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // The detected dump is imported first, with a one-line summary on standard error.
    assert!(stderr(&output).contains("imported"), "{}", stderr(&output));
    let text = stdout(&output);
    let (rows, notes): (Vec<&str>, Vec<&str>) = text
        .lines()
        .skip(2)
        .partition(|line| !line.contains("No node is a crown jewel"));
    // Nothing in a dump marks a crown jewel, and a note below the table states it.
    assert_eq!(notes.len(), 1, "{text}");
    // 16 principals: 3 users, 2 groups, 8 roles, the identity provider, the outside
    // account and the account administrator.
    assert_eq!(rows.len(), 16, "{text}");
    let first = rows.first().copied().unwrap_or_default();
    assert!(first.contains("26"), "{text}");
    let alice = rows.iter().find(|row| row.contains("user/alice"));
    assert!(
        alice.is_some_and(|row| row.split_whitespace().any(|cell| cell == "7")),
        "{text}"
    );
}

#[test]
fn blast_radius_of_user_as_json() {
    let output = trustmap(&[
        "blast-radius",
        HAND_BUILT,
        "--identity",
        "user/alice",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let radius: Value = serde_json::from_slice(&output.stdout).expect("standard output is JSON");

    let reached = radius["reached"].as_array().map_or(0, Vec::len);
    assert_eq!(reached, 7);
}

#[test]
fn import_iam_of_bad_json_exits_2() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("dump.json");
    std::fs::write(&path, "{\"RoleDetailList\": [").expect("the file is written");
    let path_arg = path.to_string_lossy().into_owned();

    let output = trustmap(&["import", &path_arg, "--from", "iam"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid JSON"),
        "{}",
        stderr(&output)
    );
}
