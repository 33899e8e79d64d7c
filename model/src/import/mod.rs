//! Import from other threat-modelling tools: the report every importer returns, detection of
//! an input's format, and the shared helpers for ids and text. Importers of formats without
//! positions lay their documents out with [`layered_layout`].
//!
//! An importer builds a [`Document`] with only the document types and reports, element by
//! element, what it [mapped](ImportReport#structfield.mapped), what it
//! [guessed](ImportReport#structfield.guessed) and what it [left out](ImportReport#structfield.left_out). A fact
//! the source does not state is recorded as unknown and listed as guessed, never silently
//! set to none.

mod clean;
pub mod iam;
mod json;
pub mod otm;
pub mod pytm;
pub mod threagile;
pub mod threat_dragon;
pub mod yaml;

use std::collections::HashSet;
use std::fmt;

use crate::document::Document;
use crate::load::validate::MAX_ID_LEN;

pub use crate::layout::layered_layout;
pub use iam::import_iam;
pub use otm::{export_otm, import_otm};
pub use pytm::import_pytm;
pub use threagile::import_threagile;
pub use threat_dragon::import_threat_dragon;
pub use yaml::{YamlError, YamlLimits};

/// The result of an import: the model and what happened to each source element.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The imported model, laid out.
    pub document: Document,
    /// The mapped, guessed and left-out elements.
    pub report: ImportReport,
}

/// The account of what an import did with each element of the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Elements carried over as the source states them.
    pub mapped: Vec<ReportEntry>,
    /// Values the source does not state, or states in terms the model lacks, and that the
    /// importer chose.
    pub guessed: Vec<ReportEntry>,
    /// Elements and attributes the model has no place for.
    pub left_out: Vec<ReportEntry>,
}

impl ImportReport {
    pub(crate) fn mapped(&mut self, id: impl Into<String>, message: impl Into<String>) {
        self.mapped.push(ReportEntry::new(id, message));
    }

    pub(crate) fn guessed(&mut self, id: impl Into<String>, message: impl Into<String>) {
        self.guessed.push(ReportEntry::new(id, message));
    }

    pub(crate) fn left_out(&mut self, id: impl Into<String>, message: impl Into<String>) {
        self.left_out.push(ReportEntry::new(id, message));
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sections = [
            ("Mapped", &self.mapped),
            ("Guessed", &self.guessed),
            ("Left out", &self.left_out),
        ];
        for (title, entries) in sections {
            writeln!(f, "{title} ({}):", entries.len())?;
            for entry in entries {
                writeln!(f, "  {entry}")?;
            }
        }
        Ok(())
    }
}

/// One line of an [`ImportReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportEntry {
    /// Id of the source element, as the source spells it.
    pub id: String,
    /// The outcome for the element, as a plain sentence.
    pub message: String,
}

impl ReportEntry {
    /// Creates an entry.
    pub fn new(id: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ReportEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.id, self.message)
    }
}

/// An error that stops an import.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input is not YAML, or passes a limit of the YAML loader. The message is one
    /// sentence, `file:line:column: message`, so the loader's error is not a separate
    /// source that a report of the error chain would print again.
    #[error("{file}{}: {error}", .error.location())]
    Yaml {
        /// The input's file name.
        file: String,
        /// The loader's error.
        error: YamlError,
    },
    /// The input is not JSON, or nests deeper than 128 levels.
    #[error("{file}:{line}:{column}: invalid JSON: {message}")]
    Json {
        /// The input's file name.
        file: String,
        /// 1-based line where the parser stopped.
        line: usize,
        /// 1-based column where the parser stopped.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The input parses but lacks a key that every model of the source format has, so it
    /// is most likely another tool's file.
    #[error("{file} is not a {format} model: it has no `{key}`")]
    NotFormat {
        /// The input's file name.
        file: String,
        /// The source format's name, such as `Threagile`.
        format: &'static str,
        /// The missing key.
        key: &'static str,
    },
    /// The input parses but a field does not fit the source format.
    #[error("{file}: `{path}` must be {expected}, but is {found}")]
    Field {
        /// The input's file name.
        file: String,
        /// Dotted path of the field, such as `technical_assets.Web Server.id`.
        path: String,
        /// The value the format expects there.
        expected: String,
        /// The input's content there: `missing`, a kind of value, or the value itself.
        found: String,
    },
}

/// The input formats Trustmap imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// Threagile YAML.
    Threagile,
    /// OWASP Threat Dragon JSON, version 1 or 2.
    ThreatDragon,
    /// Open Threat Model JSON or YAML.
    Otm,
    /// pytm's JSON model.
    Pytm,
    /// The output of `aws iam get-account-authorization-details`.
    Iam,
}

impl SourceFormat {
    /// Returns the name the command line uses for the format.
    pub fn name(self) -> &'static str {
        match self {
            Self::Threagile => "threagile",
            Self::ThreatDragon => "threat-dragon",
            Self::Otm => "otm",
            Self::Pytm => "pytm",
            Self::Iam => "iam",
        }
    }
}

/// Guesses an input's format from its top-level keys, or returns `None`.
///
/// JSON inputs are parsed (serde_json stops at 128 levels of nesting); YAML inputs are only
/// scanned for top-level keys at the start of a line, so detection never expands aliases.
pub fn detect(text: &str) -> Option<SourceFormat> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        return detect_json(text);
    }
    detect_yaml(text)
}

fn detect_json(text: &str) -> Option<SourceFormat> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let root = value.as_object()?;

    if root.contains_key("otmVersion") {
        Some(SourceFormat::Otm)
    } else if root.contains_key("UserDetailList") || root.contains_key("RoleDetailList") {
        Some(SourceFormat::Iam)
    } else if is_threat_dragon(root) {
        Some(SourceFormat::ThreatDragon)
    } else if root.get("elements").is_some_and(|v| v.is_array()) {
        Some(SourceFormat::Pytm)
    } else if root.contains_key("threagile_version") || root.contains_key("technical_assets") {
        Some(SourceFormat::Threagile)
    } else {
        None
    }
}

/// Returns whether a JSON object looks like a Threat Dragon model: it has `detail`
/// (`details` in some hand-edited files) beside `summary`, or a version 1 `diagramJson`.
fn is_threat_dragon(root: &serde_json::Map<String, serde_json::Value>) -> bool {
    let has_detail = root.contains_key("detail") || root.contains_key("details");
    let has_summary = root.contains_key("summary") || root.contains_key("summarize");
    root.contains_key("diagramJson")
        || (has_detail && (has_summary || root.contains_key("version")))
}

fn detect_yaml(text: &str) -> Option<SourceFormat> {
    let top_level_key = |line: &str, key: &str| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    };
    for line in text.lines() {
        if top_level_key(line, "threagile_version") || top_level_key(line, "technical_assets") {
            return Some(SourceFormat::Threagile);
        }
        if top_level_key(line, "otmVersion") {
            return Some(SourceFormat::Otm);
        }
    }
    None
}

/// Removes HTML tags (`<b>`, `</i>`, `<br/>`) and decodes the common character entities.
/// A `<` that does not open a tag, as in `CAN<->Ethernet`, is kept; a line break tag
/// becomes a newline.
pub fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let opens_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>').filter(|_| opens_tag) {
            Some(end) => {
                let name = after[..end].trim_start_matches('/').to_ascii_lowercase();
                if name.starts_with("br") {
                    out.push('\n');
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

fn decode_entities(text: &str) -> String {
    const ENTITIES: [(&str, &str); 6] = [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&nbsp;", " "),
        // Last, so that `&amp;lt;` becomes `&lt;` and not `<`.
        ("&amp;", "&"),
    ];
    let mut out = text.to_owned();
    for (entity, replacement) in ENTITIES {
        if out.contains(entity) {
            out = out.replace(entity, replacement);
        }
    }
    out
}

/// Maximum label length that the document accepts, in characters.
pub(crate) const MAX_LABEL_CHARS: usize = 4096;
/// Maximum number of nodes and zones an import may create.
pub(crate) const MAX_NODES: usize = 200_000;
/// Maximum number of edges an import may create.
pub(crate) const MAX_EDGES: usize = 1_000_000;

/// Replaces control characters other than tab and newline with spaces and cuts the label to
/// [`MAX_LABEL_CHARS`]; returns whether anything changed.
pub(crate) fn clean_label(title: &str) -> (String, bool) {
    let mut changed = false;
    let label: String = title
        .chars()
        .take(MAX_LABEL_CHARS)
        .map(|c| {
            if c.is_control() && c != '\t' && c != '\n' {
                changed = true;
                ' '
            } else {
                c
            }
        })
        .collect();
    changed |= title.chars().count() > MAX_LABEL_CHARS;
    (label, changed)
}

/// Returns an error when an import would create more nodes or edges than a document may
/// hold; `path` names the source's list of elements.
pub(crate) fn check_size(
    file: &str,
    path: &str,
    nodes: usize,
    edges: usize,
) -> Result<(), ImportError> {
    if nodes > MAX_NODES || edges > MAX_EDGES {
        return Err(ImportError::Field {
            file: file.to_owned(),
            path: path.to_owned(),
            expected: format!("at most {MAX_NODES} elements and {MAX_EDGES} flows"),
            found: format!("{nodes} elements and {edges} flows"),
        });
    }
    Ok(())
}

/// Returns whether a character may appear in a document id.
pub fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._:/@+=,-".contains(c)
}

/// Turns a title into an id the way Threagile does: lower case, each run of other characters
/// than ASCII letters and digits becomes one `-`, and no `-` at either end.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// Hands out ids unique among nodes, zones and edges, keeping each wanted id where it is
/// free and valid.
#[derive(Debug, Default)]
pub(crate) struct IdAllocator {
    taken: HashSet<String>,
}

impl IdAllocator {
    /// Returns `wanted` with invalid characters replaced by `-`, cut to [`MAX_ID_LEN`]
    /// bytes, and with `-2`, `-3`... added (in place of its last bytes, if need be) when
    /// another element already has it.
    pub(crate) fn claim(&mut self, wanted: &str) -> String {
        let mut base: String = wanted
            .chars()
            .map(|c| if is_id_char(c) { c } else { '-' })
            .collect();
        if base.is_empty() {
            base = "unnamed".to_owned();
        }
        // Every character is ASCII now, so any byte length is a character boundary.
        base.truncate(MAX_ID_LEN);

        let mut candidate = base.clone();
        let mut suffix = 2;
        while self.taken.contains(&candidate) {
            let tail = format!("-{suffix}");
            let keep = base.len().min(MAX_ID_LEN - tail.len());
            candidate = format!("{}{tail}", &base[..keep]);
            suffix += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_html_removes_tags_only() {
        assert_eq!(
            strip_html("Some <b>more</b> text<br/>next"),
            "Some more text\nnext"
        );
        assert_eq!(strip_html("CAN<->Ethernet, a < b"), "CAN<->Ethernet, a < b");
        assert_eq!(strip_html("Tom &amp; Jerry &lt;3"), "Tom & Jerry <3");
        assert_eq!(strip_html("unclosed <b tag"), "unclosed <b tag");
    }

    #[test]
    fn slug_matches_threagile_ids() {
        assert_eq!(slug("OTA / Remote Commands"), "ota-remote-commands");
        assert_eq!(slug("  Git-Repo Web-UI Access "), "git-repo-web-ui-access");
        assert_eq!(slug("—"), "");
    }

    #[test]
    fn id_allocator_keeps_ids_unique_and_valid() {
        let mut ids = IdAllocator::default();

        assert_eq!(ids.claim("web"), "web");
        assert_eq!(ids.claim("web"), "web-2");
        assert_eq!(ids.claim("web"), "web-3");
        assert_eq!(ids.claim("a b>c"), "a-b-c");
        assert_eq!(ids.claim(""), "unnamed");
    }

    #[test]
    fn id_allocator_cuts_long_ids() {
        let mut ids = IdAllocator::default();
        let long = "x".repeat(MAX_ID_LEN + 10);

        // The first id is the first MAX_ID_LEN bytes; the next ones give up their last
        // two bytes, then three, to the suffix.
        let first = ids.claim(&long);
        let second = ids.claim(&long);
        let tenth = (3..=10).map(|_| ids.claim(&long)).last();

        assert_eq!(first, "x".repeat(MAX_ID_LEN));
        assert_eq!(second, format!("{}-2", "x".repeat(MAX_ID_LEN - 2)));
        assert_eq!(tenth, Some(format!("{}-10", "x".repeat(MAX_ID_LEN - 3))));
        assert!(crate::load::validate::id_error(&second).is_none());
    }

    #[test]
    fn detect_formats() {
        let cases = [
            (
                "threagile_version: 1.0.0\ntitle: x\n",
                Some(SourceFormat::Threagile),
            ),
            (
                "title: x\ntechnical_assets:\n  a: {}\n",
                Some(SourceFormat::Threagile),
            ),
            ("otmVersion: 0.2.0\n", Some(SourceFormat::Otm)),
            (r#"{"otmVersion": "0.1.0"}"#, Some(SourceFormat::Otm)),
            (
                r#"{"summary": {}, "detail": {"diagrams": []}}"#,
                Some(SourceFormat::ThreatDragon),
            ),
            (r#"{"diagramJson": {}}"#, Some(SourceFormat::ThreatDragon)),
            (
                r#"{"version": "1.6.1", "summarize": {}, "detail": {}}"#,
                Some(SourceFormat::ThreatDragon),
            ),
            (r#"{"RoleDetailList": []}"#, Some(SourceFormat::Iam)),
            (
                r#"{"elements": [], "boundaries": []}"#,
                Some(SourceFormat::Pytm),
            ),
            ("  nested:\n    technical_assets: 1\n", None),
            ("{ not json", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(detect(text), expected, "input {text:?}");
        }
    }
}
