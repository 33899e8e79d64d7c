//! The SARIF 2.1.0 report of a review, for code-scanning tools in CI.
//!
//! The run's rules are the whole checklist, so a result's `ruleIndex` is the item's position
//! in the checklist. Each result points at the model file, and at the line that declares its
//! first node or edge when the file is a `.trustmap.ron` model. It names its nodes as logical
//! locations and carries the evidence path as a code flow. Its fingerprint stays the same
//! from run to run while the finding does.

use std::collections::HashMap;
use std::hash::Hasher as _;
use std::io::{self, Write};

use serde::Serialize;
use trustmap_model::review::{Finding, RULES, Review, Rule};
use trustmap_model::{Document, Severity};

/// The schema of SARIF 2.1.0, as published by OASIS.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

/// The key of the fingerprint in `partialFingerprints`. Its version changes whenever the
/// hashed contents change.
const FINGERPRINT_KEY: &str = "trustmapFinding/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    /// False when some Cedar check counts as explicit authorization without its policies
    /// being evaluated.
    cedar_evaluated: bool,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Message,
    help: Message,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties {
    pillar: &'static str,
    automatic: bool,
    tags: Vec<String>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    partial_fingerprints: HashMap<&'static str, String>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    severity: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    edges: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unknown: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cedar_not_evaluated: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
struct ThreadFlowLocation {
    location: Location,
}

/// The model file a report points into.
struct Artifact<'a> {
    /// The file as given on the command line, as a URI reference.
    uri: String,
    /// The file's text when it is a `.trustmap.ron` model, for line numbers.
    source: Option<&'a str>,
    document: &'a Document,
}

impl Artifact<'_> {
    /// Returns a location in the model file at the declaration of the first of these ids that
    /// is declared on a line of its own, naming the nodes among `nodes` as logical locations.
    fn location(&self, declared: &[&String], nodes: &[String]) -> Location {
        let line = self
            .source
            .and_then(|source| declared.iter().find_map(|id| declaration_line(source, id)));
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: self.uri.clone(),
                },
                region: line.map(|start_line| Region { start_line }),
            },
            logical_locations: nodes.iter().map(|id| self.logical(id)).collect(),
        }
    }

    fn logical(&self, id: &str) -> LogicalLocation {
        let name = self
            .document
            .node(id)
            .map_or_else(|| id.to_owned(), |node| node.label.clone());
        LogicalLocation {
            name,
            fully_qualified_name: id.to_owned(),
            kind: "resource",
        }
    }
}

/// Writes the review as a SARIF 2.1.0 log. `file` is the model's path as given. `source` is
/// its text when it is a `.trustmap.ron` model, and `None` for an imported file.
pub fn write_review(
    out: &mut dyn Write,
    file: &str,
    source: Option<&str>,
    document: &Document,
    review: &Review,
) -> io::Result<()> {
    let artifact = Artifact {
        uri: uri_reference(file),
        source,
        document,
    };
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool { driver: driver() },
            results: results(&artifact, &review.findings),
            properties: RunProperties {
                cedar_evaluated: review.cedar_evaluated,
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn driver() -> Driver {
    Driver {
        name: "trustmap",
        version: env!("CARGO_PKG_VERSION"),
        semantic_version: env!("CARGO_PKG_VERSION"),
        information_uri: env!("CARGO_PKG_REPOSITORY"),
        rules: RULES.iter().map(reporting_descriptor).collect(),
    }
}

fn reporting_descriptor(rule: &Rule) -> ReportingDescriptor {
    let mut tags = vec!["security".to_owned()];
    tags.extend(
        rule.pci
            .iter()
            .map(|requirement| format!("PCI DSS {requirement}")),
    );
    ReportingDescriptor {
        id: rule.id,
        name: pascal_case(rule.title),
        short_description: Message {
            text: rule.title.to_owned(),
        },
        help: Message {
            text: rule.remediation.to_owned(),
        },
        default_configuration: Configuration {
            level: rule.severity.map_or("note", level),
        },
        properties: RuleProperties {
            pillar: rule.pillar.title(),
            automatic: rule.automatic,
            tags,
            security_severity: rule.severity.map(security_severity),
        },
    }
}

fn results<'a>(artifact: &Artifact<'_>, findings: &'a [Finding]) -> Vec<SarifResult<'a>> {
    let mut occurrences: HashMap<(&str, &[String], &[String]), usize> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let key = (finding.rule, &finding.nodes[..], &finding.edges[..]);
            let occurrence = occurrences.entry(key).or_insert(0);
            let fingerprint = fingerprint(finding, *occurrence);
            *occurrence += 1;
            result(artifact, finding, fingerprint)
        })
        .collect()
}

fn result<'a>(
    artifact: &Artifact<'_>,
    finding: &'a Finding,
    fingerprint: String,
) -> SarifResult<'a> {
    let declared: Vec<&String> = finding.nodes.iter().chain(&finding.edges).collect();
    let location = artifact.location(&declared, &finding.nodes);

    let code_flows = if finding.evidence.is_empty() {
        Vec::new()
    } else {
        let locations = finding
            .evidence
            .iter()
            .map(|id| ThreadFlowLocation {
                location: artifact.location(&[id], std::slice::from_ref(id)),
            })
            .collect();
        vec![CodeFlow {
            thread_flows: vec![ThreadFlow { locations }],
        }]
    };

    SarifResult {
        rule_id: finding.rule,
        rule_index: RULES.iter().position(|rule| rule.id == finding.rule),
        level: level(finding.severity),
        message: Message {
            text: finding.title.clone(),
        },
        locations: vec![location],
        code_flows,
        partial_fingerprints: HashMap::from([(FINGERPRINT_KEY, fingerprint)]),
        properties: ResultProperties {
            severity: finding.severity.name(),
            edges: &finding.edges,
            unknown: &finding.unknown,
            cedar_not_evaluated: finding.cedar_not_evaluated,
        },
    }
}

/// Returns the SARIF level of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Returns the score that code-scanning services read from the `security-severity`
/// property, from 0.0 to 10.0, inside the band of the severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// Returns a hex FNV-1a hash of the rule, the nodes, the edges and how many earlier findings
/// share all three. The title is left out so that rewording a message keeps the fingerprint.
fn fingerprint(finding: &Finding, occurrence: usize) -> String {
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(finding.rule.as_bytes());
    for group in [&finding.nodes, &finding.edges] {
        hasher.write(&[0x1e]);
        for id in group {
            hasher.write(id.as_bytes());
            hasher.write(&[0x1f]);
        }
    }
    hasher.write(&[0x1e]);
    hasher.write(&(occurrence as u64).to_le_bytes());
    format!("{:016x}", hasher.finish())
}

/// Returns the 1-based line on which a `.trustmap.ron` model declares this node or edge id,
/// that is the first line reading `id: "<id>",`.
// NOTE: this relies on the one-field-a-line layout that saving writes. In a hand-written file
// with several fields on a line, results get no line number.
fn declaration_line(source: &str, id: &str) -> Option<usize> {
    let declaration = format!("id: {}", ron_string(id));
    source
        .lines()
        .position(|line| {
            let line = line.trim();
            line.strip_prefix(&declaration)
                .is_some_and(|rest| rest.is_empty() || rest == ",")
        })
        .map(|index| index + 1)
}

/// Returns the RON string literal of a text.
fn ron_string(text: &str) -> String {
    ron::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

/// Returns a path as a URI reference: `/` separators, and every byte outside the unreserved
/// characters percent-encoded.
fn uri_reference(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for &byte in path.replace('\\', "/").as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// Returns a title as one PascalCase word, a rule `name` without spaces.
fn pascal_case(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_follows_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }

    #[test]
    fn fingerprint_ignores_title_and_tells_places_apart() {
        let a = Finding::new("ID-1", Severity::High, "one wording");
        let mut b = Finding::new("ID-1", Severity::High, "another wording");
        assert_eq!(fingerprint(&a, 0), fingerprint(&b, 0));
        assert_ne!(fingerprint(&a, 0), fingerprint(&a, 1));

        b.nodes.push("api".to_owned());
        assert_ne!(fingerprint(&a, 0), fingerprint(&b, 0));

        // The same id as a node or as an edge is a different place.
        let mut c = Finding::new("ID-1", Severity::High, "x");
        c.edges.push("api".to_owned());
        assert_ne!(fingerprint(&b, 0), fingerprint(&c, 0));
    }

    #[test]
    fn declaration_line_finds_id_field() {
        let source = "(\n    nodes: [\n        (\n            id: \"api\",\n        ),\n    ],\n)";
        assert_eq!(declaration_line(source, "api"), Some(4));
        assert_eq!(declaration_line(source, "ap"), None);
        assert_eq!(declaration_line(source, "missing"), None);
    }

    #[test]
    fn uri_reference_encodes_spaces_and_keeps_slashes() {
        assert_eq!(uri_reference("models/a b.ron"), "models/a%20b.ron");
        assert_eq!(uri_reference("é"), "%C3%A9");
    }

    #[test]
    fn pascal_case_joins_words() {
        assert_eq!(
            pascal_case("No public endpoints but gateways with a WAF"),
            "NoPublicEndpointsButGatewaysWithAWAF"
        );
        assert_eq!(pascal_case("TLS 1.3 in transit"), "TLS13InTransit");
    }

    fn fixture_log(source: Option<&str>) -> serde_json::Value {
        let document = crate::cli::fixture::document();
        let review = crate::cli::fixture::review();
        let mut out = Vec::new();
        let written = write_review(&mut out, "models/f 1.ron", source, &document, &review);
        assert!(written.is_ok());
        serde_json::from_slice(&out).unwrap_or_default()
    }

    #[test]
    fn results_follow_findings_with_rule_index() {
        let log = fixture_log(None);
        let results = log["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let rule_ids: Vec<&str> = results
            .iter()
            .filter_map(|r| r["ruleId"].as_str())
            .collect();
        assert_eq!(rule_ids, ["REV-1", "ID-1", "VIS-3", "VIS-3"]);
        let rules = &log["runs"][0]["tool"]["driver"]["rules"];
        for result in &results {
            let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[0]["properties"]["severity"], "critical");
        assert_eq!(results[0]["properties"]["cedarNotEvaluated"], true);
        assert_eq!(log["runs"][0]["properties"]["cedarEvaluated"], false);
    }

    #[test]
    fn result_locations_name_file_and_nodes() {
        let log = fixture_log(None);
        let result = &log["runs"][0]["results"][1];
        let location = &result["locations"][0];
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]["uri"],
            "models/f%201.ron"
        );
        assert!(location["physicalLocation"].get("region").is_none());
        let logical = &location["logicalLocations"];
        assert_eq!(logical[0]["fullyQualifiedName"], "api");
        assert_eq!(logical[0]["name"], "Orders API");
        assert_eq!(logical[0]["kind"], "resource");
        assert_eq!(logical[1]["fullyQualifiedName"], "internet");
    }

    #[test]
    fn result_region_is_declaration_line() {
        let source = crate::cli::fixture::source();
        let log = fixture_log(Some(&source));
        let result = &log["runs"][0]["results"][1];
        let line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap_or(0) as usize;
        let declared = source
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default();
        assert_eq!(declared.trim(), "id: \"api\",");

        // A finding on an edge alone points at the edge's declaration.
        let result = &log["runs"][0]["results"][2];
        let line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap_or(0) as usize;
        let declared = source
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default();
        assert_eq!(declared.trim(), "id: \"api-to-vault\",");
    }

    #[test]
    fn code_flow_follows_evidence_path() {
        let log = fixture_log(None);
        let flow = &log["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"];
        let steps: Vec<&str> = flow
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|step| {
                step["location"]["logicalLocations"][0]["fullyQualifiedName"].as_str()
            })
            .collect();
        assert_eq!(steps, ["internet", "api", "vault"]);
    }

    #[test]
    fn findings_at_same_place_get_distinct_fingerprints() {
        let log = fixture_log(None);
        let results = log["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let fingerprint = |i: usize| results[i]["partialFingerprints"][FINGERPRINT_KEY].clone();
        assert!(fingerprint(2).is_string());
        assert_ne!(fingerprint(2), fingerprint(3));
    }
}
