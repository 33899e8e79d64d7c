//! End-to-end tests of the `trustmap` binary: exit codes, the three report formats, errors
//! with positions, templates, `new`, `import` and `blast-radius`.
//!
//! They live in the binary's own package because only its integration tests are guaranteed
//! a built binary (`CARGO_BIN_EXE_trustmap`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use trustmap_model::Document;
use trustmap_model::review::RULES;

/// A model with one unauthenticated, unauthorized flow from the Internet into a service, and
/// one identity that nothing uses.
///
/// Worked out by hand from the review's rules:
/// - Q1: `api` is reached anonymously along `internet -> api`.
/// - ID-1 fails on `internet-to-api` (authentication none) at high: neither end is a crown
///   jewel and the flow carries no data class. REV-1 fails on `api` at high as well.
/// - Nothing is critical: no node is a crown jewel and no flow carries restricted data.
/// - So `--fail-on high` exits 1, `--fail-on critical` exits 0.
const OPEN_FLOW: &str = r#"(
    format: 1,
    name: "One open flow",
    nodes: [
        (
            id: "internet",
            label: "Internet",
            kind: External((sort: Internet)),
        ),
        (
            id: "api",
            label: "Orders API",
            kind: Service(()),
        ),
        (
            id: "payments-role",
            label: "Payments role",
            kind: Identity((sort: IamRole)),
        ),
    ],
    edges: [
        (
            id: "internet-to-api",
            from: "internet",
            to: "api",
            kind: Flow((
                protocol: "HTTPS",
                network: Public,
                authentication: NoAuthentication,
                authorization: NoAuthorization,
            )),
        ),
    ],
)
"#;

/// The file name the tests give models, relative to the directory the binary runs in.
const MODEL_FILE: &str = "open-flow.trustmap.ron";

/// Runs the binary in `dir` with colour and logging off.
fn trustmap_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustmap"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("the trustmap binary runs")
}

/// Runs the binary in the workspace root.
fn trustmap(args: &[&str]) -> Output {
    trustmap_in(&workspace(), args)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Creates a temporary directory holding the open-flow model as [`MODEL_FILE`].
fn open_flow_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join(MODEL_FILE), OPEN_FLOW).expect("the model is written");
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_stdout(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("standard output is JSON")
}

#[test]
fn help_flag_prints_usage() {
    let output = trustmap(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Usage:"), "{}", stdout(&output));
}

#[test]
fn bare_file_without_a_display_exits_2() {
    // A bare file opens the window; with no display to open it on, that fails cleanly.
    let output = Command::new(env!("CARGO_BIN_EXE_trustmap"))
        .arg("templates/aws-pci-zero-trust.trustmap.ron")
        .current_dir(workspace())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .output()
        .expect("the trustmap binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("could not open the window"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[&[&str]] = &[
        &["review"],
        &["review", "x.trustmap.ron", "--format", "xml"],
        &["review", "x.trustmap.ron", "--fail-on", "severe"],
        &["blast-radius", "x.trustmap.ron", "--identity", "a", "--all"],
        &["no-such-command", "x", "y"],
    ];
    for args in cases {
        let output = trustmap(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn review_exit_code_follows_fail_on() {
    let dir = open_flow_dir();
    let cases: &[(&[&str], i32)] = &[
        (&[], 0),
        (&["--fail-on", "critical"], 0),
        (&["--fail-on", "high"], 1),
        (&["--fail-on", "info"], 1),
    ];
    for (extra, code) in cases {
        let mut args = vec!["review", MODEL_FILE];
        args.extend_from_slice(extra);
        let output = trustmap_in(dir.path(), &args);
        assert_eq!(
            output.status.code(),
            Some(*code),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn review_of_missing_file_exits_2() {
    let output = trustmap(&["review", "no-such-model.trustmap.ron"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.starts_with("error: "), "{message}");
    assert!(message.contains("no-such-model.trustmap.ron"), "{message}");
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // The comma after `name` is missing, so the parser stops at line 4.
    let text = "(\n    format: 1,\n    name: \"x\"\n    description: \"y\",\n)\n";
    std::fs::write(dir.path().join("bad.trustmap.ron"), text).expect("the model is written");

    let output = trustmap_in(dir.path(), &["review", "bad.trustmap.ron"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: bad.trustmap.ron:4:"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
}

#[test]
fn review_text_has_every_section() {
    let dir = open_flow_dir();
    let output = trustmap_in(dir.path(), &["review", MODEL_FILE]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);

    assert!(text.starts_with("One open flow"), "{text}");
    for section in [
        "Q1.",
        "Depth of defence",
        "Chokepoints",
        "Q2.",
        "Q3.",
        "Findings",
        "Checklist",
    ] {
        assert!(text.contains(section), "missing {section}: {text}");
    }
    assert!(!text.contains('\u{1b}'), "colour in a pipe: {text}");
}

#[test]
fn review_text_shows_finding_and_evidence() {
    let dir = open_flow_dir();
    let output = trustmap_in(dir.path(), &["review", MODEL_FILE]);
    let text = stdout(&output);

    assert!(text.contains("ID-1"), "{text}");
    assert!(text.contains("HIGH"), "{text}");
    assert!(text.contains("internet -> api"), "{text}");
    assert!(text.contains("PCI DSS: 8.2, 8.3"), "{text}");
}

#[test]
fn review_json_has_top_level_keys() {
    let dir = open_flow_dir();
    let output = trustmap_in(dir.path(), &["review", MODEL_FILE, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let report = json_stdout(&output);

    for key in ["model", "findings", "questions", "defence", "checklist"] {
        assert!(report.get(key).is_some(), "missing {key}");
    }
    for key in ["unauthenticated_reach", "blast_radius", "east_west"] {
        assert!(
            report["questions"].get(key).is_some(),
            "missing questions.{key}"
        );
    }
    assert_eq!(report["model"]["name"], "One open flow");
}

#[test]
fn review_json_reports_unauthenticated_flow() {
    let dir = open_flow_dir();
    let output = trustmap_in(dir.path(), &["review", MODEL_FILE, "--format", "json"]);
    let report = json_stdout(&output);

    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let id1 = findings
        .iter()
        .find(|finding| finding["rule"] == "ID-1")
        .unwrap_or_else(|| panic!("no ID-1 finding in {findings:?}"));
    assert_eq!(id1["severity"], "high");
    assert_eq!(id1["edges"], serde_json::json!(["internet-to-api"]));
    assert!(
        findings
            .iter()
            .all(|finding| finding["severity"] != "critical")
    );
}

/// Checks the parts of a SARIF 2.1.0 log that its schema requires, plus the conventions this
/// tool promises: rules are the checklist, results point back at their rule.
fn check_sarif(log: &Value) {
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].is_string());
    let runs = log["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1);

    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "trustmap");
    assert!(driver["version"].is_string());
    assert!(driver["informationUri"].is_string());

    let rules = driver["rules"].as_array().expect("rules is an array");
    assert_eq!(rules.len(), RULES.len());
    for (rule, expected) in rules.iter().zip(RULES) {
        assert_eq!(rule["id"], expected.id);
        assert!(rule["shortDescription"]["text"].is_string(), "{rule}");
        assert!(rule["help"]["text"].is_string(), "{rule}");
        let level = rule["defaultConfiguration"]["level"]
            .as_str()
            .unwrap_or_default();
        assert!(
            ["none", "note", "warning", "error"].contains(&level),
            "{rule}"
        );
        assert!(rule["properties"]["pillar"].is_string(), "{rule}");
        assert!(rule["properties"]["tags"].is_array(), "{rule}");
    }

    let results = runs[0]["results"].as_array().expect("results is an array");
    for result in results {
        assert!(result["message"]["text"].is_string(), "{result}");
        let level = result["level"].as_str().unwrap_or_default();
        assert!(["note", "warning", "error"].contains(&level), "{result}");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");

        for location in result["locations"].as_array().expect("locations") {
            let uri = &location["physicalLocation"]["artifactLocation"]["uri"];
            assert!(uri.is_string(), "{result}");
            for logical in location["logicalLocations"]
                .as_array()
                .into_iter()
                .flatten()
            {
                assert!(logical["fullyQualifiedName"].is_string(), "{result}");
                assert_eq!(logical["kind"], "resource", "{result}");
            }
        }
        for code_flow in result["codeFlows"].as_array().into_iter().flatten() {
            let thread_flows = code_flow["threadFlows"].as_array().expect("threadFlows");
            assert!(!thread_flows.is_empty(), "{result}");
            for thread_flow in thread_flows {
                assert!(thread_flow["locations"].is_array(), "{result}");
            }
        }
        let fingerprints = result["partialFingerprints"]
            .as_object()
            .expect("fingerprints");
        assert!(fingerprints.values().all(Value::is_string), "{result}");
    }
}

#[test]
fn review_sarif_has_required_fields() {
    let output = trustmap(&[
        "review",
        "templates/blank.trustmap.ron",
        "--format",
        "sarif",
    ]);
    assert_eq!(output.status.code(), Some(0));
    check_sarif(&json_stdout(&output));
}

#[test]
fn review_sarif_result_points_at_model() {
    let dir = open_flow_dir();
    let output = trustmap_in(dir.path(), &["review", MODEL_FILE, "--format", "sarif"]);
    let log = json_stdout(&output);
    check_sarif(&log);

    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let id1 = results
        .iter()
        .find(|result| result["ruleId"] == "ID-1")
        .unwrap_or_else(|| panic!("no ID-1 result in {results:?}"));
    assert_eq!(id1["ruleIndex"], 0);
    assert_eq!(id1["level"], "error");

    let location = &id1["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        MODEL_FILE
    );
    let line = location["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .expect("a start line") as usize;
    // ID-1 is a finding on the flow, so it points at the flow, not at its caller `internet`.
    let declared = OPEN_FLOW.lines().nth(line - 1).unwrap_or_default();
    assert_eq!(declared.trim(), "id: \"internet-to-api\",", "line {line}");

    let logical: Vec<&Value> = location["logicalLocations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|logical| &logical["fullyQualifiedName"])
        .collect();
    assert!(logical.contains(&&Value::from("api")), "{logical:?}");
}

#[test]
fn review_sarif_fingerprints_are_stable() {
    let dir = open_flow_dir();
    let fingerprints = || {
        let output = trustmap_in(dir.path(), &["review", MODEL_FILE, "--format", "sarif"]);
        let log = json_stdout(&output);
        log["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|result| result["partialFingerprints"].clone())
            .collect::<Vec<_>>()
    };
    let first = fingerprints();
    assert_eq!(first, fingerprints());

    let mut unique = first.iter().map(Value::to_string).collect::<Vec<_>>();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len(), "two results share a fingerprint");
}

/// Returns the id that a line of a saved model declares, if it is an `id: "..",` line.
fn declared_id(line: &str) -> Option<&str> {
    line.trim().strip_prefix("id: \"")?.strip_suffix("\",")
}

#[test]
fn review_sarif_of_large_model_points_at_ids() {
    // Each of the many findings is placed through one index of the declarations, not by
    // rescanning the file, and at its first edge if it has one. The model is kept at 2,000
    // nodes so that the debug build runs it in seconds.
    let config = trustmap_model::generate::GeneratorConfig::new(2_000, 7);
    let document = trustmap_model::generate::generate(&config);
    let text = trustmap_model::load::to_ron(&document);
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("big.trustmap.ron"), &text).expect("the model is written");

    let output = trustmap_in(
        dir.path(),
        &["review", "big.trustmap.ron", "--format", "sarif"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let log = json_stdout(&output);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(results.len() > 100, "only {} results", results.len());

    let lines: Vec<&str> = text.lines().collect();
    for result in &results {
        let location = &result["locations"][0];
        let Some(line) = location["physicalLocation"]["region"]["startLine"].as_u64() else {
            continue;
        };
        let declared = declared_id(lines[line as usize - 1]);
        let expected = result["properties"]["edges"][0]
            .as_str()
            .or_else(|| location["logicalLocations"][0]["fullyQualifiedName"].as_str());
        assert_eq!(declared, expected, "{result}");
    }
}

#[test]
fn templates_lists_three() {
    let output = trustmap(&["templates"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        ["aws-pci-zero-trust", "legacy-flat-network", "blank"]
    );
    assert!(
        text.lines().all(|line| line.split_whitespace().count() > 1),
        "{text}"
    );
}

#[test]
fn new_writes_model_and_refuses_overwrite() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("mine.trustmap.ron");
    let path_arg = path.to_string_lossy().into_owned();

    let output = trustmap(&["new", "--template", "blank", "-o", &path_arg]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&path).expect("the model was written");
    let document: Document = ron::from_str(&text).expect("the model loads");
    assert_eq!(document.name, "Untitled model");

    std::fs::write(&path, "kept").expect("the file is changed");
    let output = trustmap(&["new", "--template", "blank", "-o", &path_arg]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("kept"));

    let output = trustmap(&["new", "--template", "blank", "-o", &path_arg, "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&path).ok(), Some(text));
}

#[test]
fn new_every_template_reviews_cleanly() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for name in ["aws-pci-zero-trust", "legacy-flat-network", "blank"] {
        let file = format!("{name}.trustmap.ron");
        let output = trustmap_in(dir.path(), &["new", "--template", name, "-o", &file]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        let output = trustmap_in(dir.path(), &["review", &file, "--format", "json"]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
    }
}

#[test]
fn new_unknown_template_lists_names() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = trustmap_in(
        dir.path(),
        &["new", "--template", "aws", "-o", "x.trustmap.ron"],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    for name in ["aws-pci-zero-trust", "legacy-flat-network", "blank"] {
        assert!(message.contains(name), "{message}");
    }
    assert!(!dir.path().join("x.trustmap.ron").exists());
}

const THREAGILE_STUB: &str = "tests/fixtures/threagile/threagile-demo-stub.yaml";

#[test]
fn import_threagile_stub_writes_model_and_report() {
    let output = trustmap(&["import", THREAGILE_STUB]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // The stub has two technical assets and one communication link between them.
    let document: Document = ron::from_str(&stdout(&output)).expect("the output loads");
    let services = document.nodes.iter().filter(|node| !node.is_zone()).count();
    assert!(services >= 2, "{:?}", document.nodes);
    assert!(!document.edges.is_empty());

    let report = stderr(&output);
    assert!(report.contains("mapped"), "{report}");
    assert!(report.contains("guessed"), "{report}");
    assert!(report.contains("left out"), "{report}");
}

#[test]
fn import_of_other_tool_as_threagile_exits_2() {
    let file = "tests/fixtures/threat-dragon/v2-new-model.json";
    let output = trustmap(&["import", file, "--from", "threagile"]);

    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output).trim(),
        format!("error: {file} is not a Threagile model: it has no `technical_assets`")
    );
}

#[test]
fn import_yaml_error_printed_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let text = "title: T\ntechnical_assets:\n  A:\n    id: *nowhere\n";
    std::fs::write(dir.path().join("t.yaml"), text).expect("the file is written");
    let output = trustmap_in(dir.path(), &["import", "t.yaml", "--from", "threagile"]);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "error: t.yaml:4:9: invalid YAML: unknown anchor"
    );
}

#[test]
fn import_with_explicit_format_writes_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("stub.trustmap.ron");
    let out_arg = out.to_string_lossy().into_owned();
    let output = trustmap(&[
        "import",
        THREAGILE_STUB,
        "--from",
        "threagile",
        "-o",
        &out_arg,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());

    let text = std::fs::read_to_string(&out).expect("the model was written");
    let document: Result<Document, _> = ron::from_str(&text);
    assert!(document.is_ok(), "{document:?}");
}

#[test]
fn import_of_wrong_format_exits_2() {
    // A Trustmap model is not JSON, so reading it as pytm fails at its first character.
    let dir = open_flow_dir();
    let output = trustmap_in(dir.path(), &["import", MODEL_FILE, "--from", "pytm"]);
    assert_eq!(output.status.code(), Some(2));
    let expected = format!("error: {MODEL_FILE}:1:1: invalid JSON");
    assert!(
        stderr(&output).starts_with(&expected),
        "{}",
        stderr(&output)
    );
}

#[test]
fn import_of_unknown_format_asks_for_from() {
    let dir = open_flow_dir();
    let output = trustmap_in(dir.path(), &["import", MODEL_FILE]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--from"), "{}", stderr(&output));
}

#[test]
fn review_of_threagile_reports_import_and_findings() {
    // The stub's one link has authentication none, so the imported flow fails ID-1 (high).
    let output = trustmap(&["review", THREAGILE_STUB, "--fail-on", "high"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("imported"), "{}", stderr(&output));
    assert!(stdout(&output).contains("ID-1"), "{}", stdout(&output));
}

#[test]
fn blast_radius_unknown_identity_lists_near_matches() {
    let dir = open_flow_dir();
    let output = trustmap_in(
        dir.path(),
        &["blast-radius", MODEL_FILE, "--identity", "payment-role"],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("did you mean payments-role"), "{message}");
}

#[test]
fn blast_radius_of_external_names_its_sort() {
    let dir = open_flow_dir();
    let output = trustmap_in(
        dir.path(),
        &["blast-radius", MODEL_FILE, "--identity", "internet"],
    );

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        format!(
            "error: internet in {MODEL_FILE} is the Internet, not an identity or workforce user"
        )
    );
}

#[test]
fn review_log_names_worst_severity() {
    let dir = open_flow_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_trustmap"))
        .args(["review", MODEL_FILE])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "debug")
        .output()
        .expect("the trustmap binary runs");

    let log = stderr(&output);
    assert!(log.contains("worst high"), "{log}");
    assert!(!log.contains("Some("), "{log}");
}

#[test]
fn blast_radius_of_non_identity_exits_2() {
    let dir = open_flow_dir();
    let output = trustmap_in(
        dir.path(),
        &["blast-radius", MODEL_FILE, "--identity", "api"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is a service"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn blast_radius_of_identity_prints_its_table() {
    let dir = open_flow_dir();
    let args = ["blast-radius", MODEL_FILE, "--identity", "payments-role"];
    let output = trustmap_in(dir.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("Blast radius of payments-role"));
}

#[test]
fn blast_radius_rows_show_reach_and_path() {
    // In the legacy template the shared node role assumes deploy-role, which assumes
    // db-admin-role, which writes the card database: a row reached only through another
    // identity, with the whole chain as its path.
    let template = workspace().join("templates/legacy-flat-network.trustmap.ron");
    let file = template.to_string_lossy();
    let output = trustmap(&["blast-radius", &file, "--identity", "node-role"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let text = stdout(&output);
    let card_db = text
        .lines()
        .find(|line| line.trim_start().starts_with("card-db "))
        .unwrap_or_else(|| panic!("no card-db row in:\n{text}"));
    let cells: Vec<&str> = card_db
        .split("  ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect();
    assert_eq!(
        cells,
        [
            "card-db",
            "data store",
            "write",
            "pii, cardholder",
            "yes",
            "node-role -> deploy-role -> db-admin-role -> card-db",
        ]
    );
}

#[test]
fn blast_radius_ranking_lists_identity() {
    // The one identity has no grant, so it is ranked with zero crown jewels and nothing
    // reached.
    let dir = open_flow_dir();
    let output = trustmap_in(
        dir.path(),
        &["blast-radius", MODEL_FILE, "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ranking = json_stdout(&output);
    let entries = ranking["entries"].as_array().cloned().unwrap_or_default();
    let identities: Vec<&Value> = entries.iter().map(|entry| &entry["identity"]).collect();
    assert_eq!(identities, [&Value::from("payments-role")]);
    assert_eq!(entries[0]["crown_jewels_written"], 0);
}

#[test]
fn review_of_malformed_input_exits_2() {
    let deep = format!(
        "(format: 1, name: \"x\", nodes: {}{})",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let cases: &[(&str, &[u8])] = &[
        ("empty", b""),
        ("not UTF-8", b"\xff\xfe\x00("),
        ("unclosed", b"(format: 1, name: \"x\""),
        ("deeply nested", deep.as_bytes()),
        (
            "node without kind",
            b"(format: 1, name: \"x\", nodes: [(id: \"a\", label: \"A\")])",
        ),
        ("wrong type", b"(format: \"one\", name: \"x\")"),
    ];
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (case, bytes) in cases {
        std::fs::write(dir.path().join("bad.trustmap.ron"), bytes).expect("the model is written");
        let output = trustmap_in(dir.path(), &["review", "bad.trustmap.ron"]);
        assert_eq!(output.status.code(), Some(2), "{case}");
        let message = stderr(&output);
        assert!(
            message.starts_with("error: bad.trustmap.ron:"),
            "{case}: {message}"
        );
        assert_eq!(message.lines().count(), 1, "{case}: {message}");
    }
}

#[test]
fn misspelt_command_names_the_command_meant() {
    let output = trustmap(&["reveiw"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "error: reveiw: no such file or command; did you mean `trustmap review`?"
    );

    // A missing model file is named, and no window opens.
    let output = trustmap(&["missing.trustmap.ron"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "error: missing.trustmap.ron: no such file"
    );
}
