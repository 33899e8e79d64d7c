//! The SARIF 2.1.0 report of a review, for code-scanning tools in CI.
//!
//! The run's rules are the whole checklist, so a result's `ruleIndex` is the item's position
//! in the checklist. Each result points at the model file, and, when the file is a
//! `.trustmap.ron` model, at the line that declares its first edge, or its first node when
//! it has no edge. It names its nodes as logical
//! locations and carries the evidence path as a code flow. Its fingerprint stays the same
//! from run to run while the finding does.

use std::collections::HashMap;
use std::hash::Hasher as _;
use std::io::{self, Write};

use serde::Serialize;
use trustmap_model::load::locate::{self, LineIndex, Path};
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
    /// The declaration lines of the file's nodes and edges when it is a `.trustmap.ron` model.
    lines: Option<DeclarationLines>,
    document: &'a Document,
}

/// The 1-based line of the `id` value of each node and edge in a `.trustmap.ron` model,
/// found in one walk over the text.
#[derive(Debug, Default)]
struct DeclarationLines {
    nodes: HashMap<String, usize>,
    edges: HashMap<String, usize>,
}

impl DeclarationLines {
    /// Indexes the text of a model that loaded as `document`.
    fn new(source: &str, document: &Document) -> Self {
        // The loader skips a leading byte order mark, and so does the locator here.
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let node_paths = (0..document.nodes.len()).map(|i| id_path("nodes", i));
        let edge_paths = (0..document.edges.len()).map(|j| id_path("edges", j));
        let paths: Vec<Path> = node_paths.chain(edge_paths).collect();
        let offsets = locate::locate_all(source, &paths);
        let index = LineIndex::new(source);
        let mut lines = offsets.iter().map(|&offset| index.position(offset).line);

        let nodes = document
            .nodes
            .iter()
            .zip(lines.by_ref())
            .map(|(node, line)| (node.id.clone(), line))
            .collect();
        let edges = document
            .edges
            .iter()
            .zip(lines)
            .map(|(edge, line)| (edge.id.clone(), line))
            .collect();
        Self { nodes, edges }
    }
}

/// Returns the path of the `id` field of the `index`th element of a list such as `nodes`.
fn id_path(list: &str, index: usize) -> Path {
    Path::root().field(list).index(index).field("id")
}

/// The ids of a finding that its location points at, in order of preference.
struct Declared<'a> {
    edges: &'a [String],
    nodes: &'a [String],
}

impl Artifact<'_> {
    /// Returns a location in the model file at the declaration of the first of the `declared`
    /// edges, or of the first declared node when there is no edge, naming the nodes among
    /// `nodes` as logical locations.
    fn location(&self, declared: &Declared<'_>, nodes: &[String]) -> Location {
        let line = self.lines.as_ref().and_then(|lines| {
            match (declared.edges.first(), declared.nodes.first()) {
                (Some(edge), _) => lines.edges.get(edge).copied(),
                (None, Some(node)) => lines.nodes.get(node).copied(),
                (None, None) => None,
            }
        });
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
        lines: source.map(|source| DeclarationLines::new(source, document)),
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
    let declared = Declared {
        edges: &finding.edges,
        nodes: &finding.nodes,
    };
    let location = artifact.location(&declared, &finding.nodes);

    let code_flows = if finding.evidence.is_empty() {
        Vec::new()
    } else {
        let locations = finding
            .evidence
            .iter()
            .map(|id| {
                let step = std::slice::from_ref(id);
                let declared = Declared {
                    edges: &[],
                    nodes: step,
                };
                ThreadFlowLocation {
                    location: artifact.location(&declared, step),
                }
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
    fn declaration_lines_read_compact_layout() {
        // Fields share lines here, so the id of `api` is on line 3 and the edge's on line 5.
        let source = "(format: 1, name: \"N\",\n nodes: [(id: \"a\", label: \"A\", kind: Service(())),\n  (label: \"B\", id: \"api\", kind: Service(()))],\n edges: [\n  (from: \"a\", to: \"api\", id: \"a-to-api\", kind: Flow(()))])";
        let document = trustmap_model::load::load_str(source, "n.trustmap.ron");
        assert!(document.is_ok(), "{document:?}");
        let document = document.unwrap_or_default();
        let lines = DeclarationLines::new(source, &document);
        assert_eq!(lines.nodes.get("a"), Some(&2));
        assert_eq!(lines.nodes.get("api"), Some(&3));
        assert_eq!(lines.edges.get("a-to-api"), Some(&5));
        assert_eq!(lines.nodes.get("missing"), None);
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

    /// Returns the trimmed text of the line that result `index` points at.
    fn result_line(log: &serde_json::Value, source: &str, index: usize) -> String {
        let region = &log["runs"][0]["results"][index]["locations"][0]["physicalLocation"];
        let line = region["region"]["startLine"].as_u64().unwrap_or(0) as usize;
        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
        text.trim().to_owned()
    }

    #[test]
    fn result_region_is_declaration_line() {
        let source = crate::cli::fixture::source();
        let log = fixture_log(Some(&source));

        // REV-1 names the node `vault` and no edge, so it points at the node.
        assert_eq!(result_line(&log, &source, 0), "id: \"vault\",");

        // ID-1 names the nodes `api` and `internet` and the flow between them. It is a
        // finding on the flow, so it points at the flow rather than at its caller.
        assert_eq!(result_line(&log, &source, 1), "id: \"internet-to-api\",");

        // A finding on an edge alone points at the edge's declaration.
        assert_eq!(result_line(&log, &source, 2), "id: \"api-to-vault\",");
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
