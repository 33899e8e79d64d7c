//! Import from other threat-modelling tools: the report every importer returns, detection of
//! an input's format, and the shared helpers for ids, text and layout.
//!
//! An importer builds a [`Document`] with only the document types and reports, element by
//! element, what it [mapped](ImportReport#structfield.mapped), what it
//! [guessed](ImportReport#structfield.guessed) and what it [left out](ImportReport#structfield.left_out). A fact
//! the source does not state is recorded as unknown and listed as guessed, never silently
//! set to none.

pub mod iam;
pub mod threagile;
pub mod yaml;

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::document::{Document, Point, Size};

pub use iam::import_iam;
pub use threagile::import_threagile;
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
    /// The input is not YAML, or passes a limit of the YAML loader.
    #[error("{file}: {source}")]
    Yaml {
        /// The input's file name.
        file: String,
        /// The loader's error.
        #[source]
        source: YamlError,
    },
    /// The input is not JSON, or nests deeper than the JSON parser allows.
    #[error("{file}:{line}:{column}: the file is not valid JSON: {message}")]
    Json {
        /// The input's file name.
        file: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's description of the error.
        message: String,
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
    } else if root.contains_key("diagramJson")
        || value
            .pointer("/detail/diagrams")
            .is_some_and(|v| v.is_array())
    {
        Some(SourceFormat::ThreatDragon)
    } else if root.get("elements").is_some_and(|v| v.is_array()) {
        Some(SourceFormat::Pytm)
    } else if root.contains_key("threagile_version") || root.contains_key("technical_assets") {
        Some(SourceFormat::Threagile)
    } else {
        None
    }
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
    /// Returns `wanted` with invalid characters replaced by `-`, and with `-2`, `-3`... added
    /// when another element already has it.
    pub(crate) fn claim(&mut self, wanted: &str) -> String {
        let mut base: String = wanted
            .chars()
            .map(|c| if is_id_char(c) { c } else { '-' })
            .collect();
        if base.is_empty() {
            base = "unnamed".to_owned();
        }
        let mut candidate = base.clone();
        let mut suffix = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}-{suffix}");
            suffix += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// Space between neighbouring boxes, in world units.
const GAP: f32 = 40.0;
/// Space between a zone's border and its contents.
const ZONE_PADDING: f32 = 30.0;
/// Extra space at the top of a zone for its label.
const ZONE_HEADER: f32 = 30.0;

/// Places every node in a grid inside its zone and sizes each zone to enclose its members
/// and nested zones, so that no two boxes overlap.
///
/// Inside a zone the plain nodes come first, in a near-square grid in document order, and
/// the nested zones follow in rows below them. Top-level nodes and zones are laid out the
/// same way from the origin. Nodes keep their size; zones get the size that encloses their
/// contents. A parent that names no zone counts as no parent, and a zone cycle is broken
/// where it would repeat.
///
/// NOTE: this is a stand-in for a layered layout that would also order nodes along their
/// flows. It only keeps boxes apart and zones around their members.
pub fn grid_layout(doc: &mut Document) {
    let containers = Containers::new(doc);

    // Lay out each zone's contents relative to the zone's corner, innermost zones first,
    // so that every nested zone has its size before its parent is laid out.
    let mut relative = vec![Point::default(); doc.nodes.len()];
    for &zone in &containers.post_order {
        let size = layout_contents(doc, &containers.children[zone], &mut relative, true);
        doc.nodes[zone].size = size;
    }
    layout_contents(doc, &containers.roots, &mut relative, false);

    // Turn relative positions into world positions, outermost first.
    let mut stack: Vec<(usize, Point)> = containers
        .roots
        .iter()
        .map(|&ix| (ix, Point::default()))
        .collect();
    while let Some((ix, origin)) = stack.pop() {
        let position = Point::new(origin.x + relative[ix].x, origin.y + relative[ix].y);
        doc.nodes[ix].position = position;
        stack.extend(
            containers.children[ix]
                .iter()
                .map(|&child| (child, position)),
        );
    }
}

/// The containment tree of a document's nodes, cycles broken.
struct Containers {
    /// Children of each node, in document order; empty for plain nodes.
    children: Vec<Vec<usize>>,
    /// Nodes with no (valid) parent, in document order.
    roots: Vec<usize>,
    /// Every zone that is reached from a root, children before parents.
    post_order: Vec<usize>,
}

impl Containers {
    fn new(doc: &Document) -> Self {
        let count = doc.nodes.len();
        let index: HashMap<&str, usize> = doc
            .nodes
            .iter()
            .enumerate()
            .rev()
            .map(|(ix, node)| (node.id.as_str(), ix))
            .collect();
        let mut parent: Vec<Option<usize>> = doc
            .nodes
            .iter()
            .map(|node| {
                let parent = *index.get(node.parent.as_deref()?)?;
                doc.nodes[parent].is_zone().then_some(parent)
            })
            .collect();
        break_cycles(&mut parent);

        let mut children = vec![Vec::new(); count];
        let mut roots = Vec::new();
        for (ix, parent) in parent.iter().enumerate() {
            match parent {
                Some(parent) => children[*parent].push(ix),
                None => roots.push(ix),
            }
        }

        let mut post_order = Vec::new();
        let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&ix| (ix, false)).collect();
        while let Some((ix, expanded)) = stack.pop() {
            if !doc.nodes[ix].is_zone() {
                continue;
            }
            if expanded {
                post_order.push(ix);
            } else {
                stack.push((ix, true));
                stack.extend(children[ix].iter().rev().map(|&child| (child, false)));
            }
        }
        Self {
            children,
            roots,
            post_order,
        }
    }
}

/// Cuts the parent link where following parents from a node would come back to it.
fn break_cycles(parent: &mut [Option<usize>]) {
    // 0: not seen, 1: on the current chain, 2: done.
    let mut state = vec![0u8; parent.len()];
    for start in 0..parent.len() {
        let mut chain = Vec::new();
        let mut ix = start;
        loop {
            if state[ix] == 2 {
                break;
            }
            if state[ix] == 1 {
                // The chain came back to `ix`: its last link closes the cycle.
                if let Some(&last) = chain.last() {
                    parent[last] = None;
                }
                break;
            }
            state[ix] = 1;
            chain.push(ix);
            match parent[ix] {
                Some(next) => ix = next,
                None => break,
            }
        }
        for ix in chain {
            state[ix] = 2;
        }
    }
}

/// Positions `members` relative to their container's corner and returns the container's
/// size: plain nodes in a grid, then zones in rows below.
fn layout_contents(doc: &Document, members: &[usize], relative: &mut [Point], zone: bool) -> Size {
    let (left, top) = if zone {
        (ZONE_PADDING, ZONE_PADDING + ZONE_HEADER)
    } else {
        (0.0, 0.0)
    };
    let (zones, plain): (Vec<usize>, Vec<usize>) =
        members.iter().partition(|&&ix| doc.nodes[ix].is_zone());

    let mut width: f32 = 0.0;
    let mut y = top;
    for cells in rows(&plain) {
        y = place_row(doc, cells, left, y, relative, &mut width);
    }
    for cells in rows(&zones) {
        y = place_row(doc, cells, left, y, relative, &mut width);
    }

    if zone {
        let content_height = (y - GAP - top).max(0.0);
        Size::new(
            (width + 2.0 * ZONE_PADDING).max(Size::default().width + 2.0 * ZONE_PADDING),
            (top + content_height + ZONE_PADDING).max(Size::default().height + top),
        )
    } else {
        Size::new(width, (y - GAP).max(0.0))
    }
}

/// Splits items into rows of a near-square grid.
fn rows(items: &[usize]) -> std::slice::Chunks<'_, usize> {
    let columns = (items.len() as f64).sqrt().ceil().max(1.0) as usize;
    items.chunks(columns)
}

/// Places one row of boxes at `y` from `left`, widens `width` to the row's right edge and
/// returns the top of the next row.
fn place_row(
    doc: &Document,
    cells: &[usize],
    left: f32,
    y: f32,
    relative: &mut [Point],
    width: &mut f32,
) -> f32 {
    let mut x = left;
    let mut height: f32 = 0.0;
    for &ix in cells {
        let size = doc.nodes[ix].size;
        relative[ix] = Point::new(x, y);
        x += size.width + GAP;
        height = height.max(size.height);
    }
    *width = width.max(x - GAP - left);
    y + height + GAP
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Node, NodeKind, Service, Zone, ZoneSort};

    fn service(id: &str, parent: Option<&str>) -> Node {
        let mut node = Node::new(id, id, NodeKind::Service(Service::default()));
        node.parent = parent.map(str::to_owned);
        node
    }

    fn zone(id: &str, parent: Option<&str>) -> Node {
        let mut node = Node::new(
            id,
            id,
            NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: false,
                cde: false,
            }),
        );
        node.parent = parent.map(str::to_owned);
        node
    }

    fn contains(outer: &Node, inner: &Node) -> bool {
        inner.position.x >= outer.position.x
            && inner.position.y >= outer.position.y
            && inner.position.x + inner.size.width <= outer.position.x + outer.size.width
            && inner.position.y + inner.size.height <= outer.position.y + outer.size.height
    }

    fn overlap(a: &Node, b: &Node) -> bool {
        a.position.x < b.position.x + b.size.width
            && b.position.x < a.position.x + a.size.width
            && a.position.y < b.position.y + b.size.height
            && b.position.y < a.position.y + a.size.height
    }

    #[test]
    fn grid_layout_nests_without_overlap() {
        let mut doc = Document::new("layout");
        doc.nodes = vec![
            zone("outer", None),
            zone("inner", Some("outer")),
            zone("empty", Some("outer")),
            service("a", Some("outer")),
            service("b", Some("inner")),
            service("c", Some("inner")),
            service("d", None),
            service("e", Some("missing")),
        ];
        grid_layout(&mut doc);

        let node = |id: &str| doc.node(id).expect("node exists");
        for (outer, inner) in [("outer", "inner"), ("outer", "empty"), ("outer", "a")] {
            assert!(contains(node(outer), node(inner)), "{outer} ∌ {inner}");
        }
        for (outer, inner) in [("inner", "b"), ("inner", "c"), ("outer", "b")] {
            assert!(contains(node(outer), node(inner)), "{outer} ∌ {inner}");
        }
        // Siblings never overlap: check every pair that is not a zone and its descendant.
        let siblings = [
            ("inner", "empty"),
            ("inner", "a"),
            ("empty", "a"),
            ("b", "c"),
            ("outer", "d"),
            ("outer", "e"),
            ("d", "e"),
        ];
        for (a, b) in siblings {
            assert!(!overlap(node(a), node(b)), "{a} overlaps {b}");
        }
    }

    #[test]
    fn grid_layout_survives_zone_cycle() {
        let mut doc = Document::new("cycle");
        doc.nodes = vec![
            zone("x", Some("y")),
            zone("y", Some("x")),
            service("s", Some("x")),
        ];
        grid_layout(&mut doc);

        let x = doc.node("x").expect("x");
        let s = doc.node("s").expect("s");
        assert!(contains(x, s));
    }

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
                r#"{"detail": {"diagrams": []}}"#,
                Some(SourceFormat::ThreatDragon),
            ),
            (r#"{"diagramJson": {}}"#, Some(SourceFormat::ThreatDragon)),
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
