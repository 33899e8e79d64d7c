//! The rules a parsed document must meet beyond its types: unique ids, references that
//! resolve, zones that nest without cycles, edges between kinds of node that make sense,
//! numbers in range and clean text.
//!
//! [`validate`] returns every problem with the path of the offending field; the loader turns
//! paths into lines and columns. Documents built in code (imports, templates, edits) can be
//! checked the same way.

use std::collections::HashMap;
use std::net::IpAddr;

use globset::Glob;

use super::error::LoadErrorKind;
use super::locate::Path;
use crate::document::{
    Document, Edge, EdgeKind, ExternalSort, Flow, IdentitySort, KeyRotation, Node, NodeKind,
    PolicyStore,
};
use crate::graph::is_glob;
use crate::review::RULES;

/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 4096;
/// Longest id, in bytes (ids are ASCII).
pub const MAX_ID_LEN: usize = 256;
/// Most nodes and zones in one document.
pub const MAX_NODES: usize = 200_000;
/// Most edges in one document.
pub const MAX_EDGES: usize = 1_000_000;
/// Largest absolute coordinate or size, in world units.
pub const MAX_COORDINATE: f32 = 1e7;
/// Longest rotation period of a secret or a key, in days (ten years).
pub const MAX_ROTATION_DAYS: u32 = 3650;

/// One problem with a document: where, what kind, which value and a sentence about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// The path of the offending field, such as `edges[7].to`.
    pub path: Path,
    /// The kind of problem.
    pub kind: LoadErrorKind,
    /// The offending value, where there is one.
    pub value: Option<String>,
    /// One plain sentence saying what is wrong.
    pub message: String,
}

/// Returns every problem of a document, in a fixed order: ids, then nodes, edges, policy
/// stores and verdicts, each in document order.
pub fn validate(doc: &Document) -> Vec<Issue> {
    let mut nodes = HashMap::with_capacity(doc.nodes.len());
    for (ix, node) in doc.nodes.iter().enumerate() {
        nodes.entry(node.id.as_str()).or_insert(ix);
    }
    let mut checker = Checker {
        doc,
        issues: Vec::new(),
        ids: HashMap::new(),
        nodes,
        stores: doc
            .policy_stores
            .iter()
            .map(|store| store.id.as_str())
            .collect(),
    };
    checker.counts();
    checker.text(&Path::root().field("name"), "the model", "name", &doc.name);
    checker.text(
        &Path::root().field("description"),
        "the model",
        "description",
        &doc.description,
    );
    checker.unique_ids();
    for (ix, node) in doc.nodes.iter().enumerate() {
        checker.node(ix, node);
    }
    checker.zone_cycles();
    for (ix, edge) in doc.edges.iter().enumerate() {
        checker.edge(ix, edge);
    }
    checker.policy_stores();
    checker.verdicts();
    checker.issues
}

/// Returns why an edge of this kind cannot join these nodes, or `None` when it can. `to` is
/// `None` for a grant whose target is a glob.
pub fn endpoint_error(kind: &EdgeKind, from: &Node, to: Option<&Node>) -> Option<String> {
    let (from_ok, from_wanted, to_ok, to_wanted) = match kind {
        EdgeKind::Flow(_) => return None,
        EdgeKind::RunsAs => (
            matches!(from.kind, NodeKind::Service(_)),
            "a service",
            to.is_none_or(|to| matches!(to.kind, NodeKind::Identity(_))),
            "an identity",
        ),
        EdgeKind::MemberOf => (
            is_identity(from) || is_workforce_user(from),
            "an identity or a workforce user",
            to.is_none_or(is_group),
            "a group identity or a workforce group",
        ),
        EdgeKind::CanAssume(_) => (
            is_identity(from) || external_sort(from).is_some_and(ExternalSort::is_workforce),
            "an identity, a workforce user or a workforce group",
            to.is_none_or(is_identity),
            "an identity",
        ),
        EdgeKind::Unlocks => (
            matches!(from.kind, NodeKind::Secret(_)),
            "a secret",
            to.is_none_or(|to| matches!(to.kind, NodeKind::Identity(_) | NodeKind::DataStore(_))),
            "an identity or a data store",
        ),
        EdgeKind::EncryptedBy => (
            matches!(from.kind, NodeKind::DataStore(_)),
            "a data store",
            to.is_none_or(|to| matches!(to.kind, NodeKind::Key(_))),
            "a key",
        ),
        EdgeKind::Grants(_) => (
            is_identity(from) || external_sort(from) == Some(ExternalSort::WorkforceGroup),
            "an identity or a workforce group",
            true,
            "",
        ),
    };
    let name = kind.name();
    if !from_ok {
        return Some(format!(
            "a {name} edge must start at {from_wanted}, but \"{}\" is {}",
            from.id,
            describe_kind(from)
        ));
    }
    if let Some(to) = to.filter(|_| !to_ok) {
        return Some(format!(
            "a {name} edge must end at {to_wanted}, but \"{}\" is {}",
            to.id,
            describe_kind(to)
        ));
    }
    None
}

/// Returns the node's kind with an article, as messages spell it: `a workforce group`.
pub fn describe_kind(node: &Node) -> String {
    let name = match &node.kind {
        NodeKind::External(external) => match external.sort {
            ExternalSort::Internet => "the Internet",
            ExternalSort::Customer => "a customer",
            ExternalSort::WorkforceUser { .. } => "a workforce user",
            ExternalSort::WorkforceGroup => "a workforce group",
            ExternalSort::Partner => "a partner",
        },
        NodeKind::Identity(identity) if identity.sort == IdentitySort::Group => "a group identity",
        NodeKind::Identity(_) => "an identity",
        kind => return with_article(kind.name()),
    };
    name.to_owned()
}

fn with_article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

fn is_identity(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Identity(_))
}

fn is_group(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Identity(identity) => identity.sort == IdentitySort::Group,
        NodeKind::External(external) => external.sort == ExternalSort::WorkforceGroup,
        _ => false,
    }
}

fn is_workforce_user(node: &Node) -> bool {
    matches!(
        external_sort(node),
        Some(ExternalSort::WorkforceUser { .. })
    )
}

fn external_sort(node: &Node) -> Option<ExternalSort> {
    match &node.kind {
        NodeKind::External(external) => Some(external.sort),
        _ => None,
    }
}

/// Returns why an id is invalid, or `None` when it is valid.
pub fn id_error(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("an id must not be empty".to_owned());
    }
    if id.len() > MAX_ID_LEN {
        return Some(format!(
            "an id holds at most {MAX_ID_LEN} characters, but this one has {}",
            id.chars().count()
        ));
    }
    let bad = id.chars().find(|&c| !is_id_char(c))?;
    Some(format!(
        "ids hold only letters, digits and . _ : / @ + = , -, not {bad:?}"
    ))
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '/' | '@' | '+' | '=' | ',' | '-')
}

/// Returns the first control character other than tab and newline in a text.
pub fn control_character(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && c != '\t' && c != '\n')
}

/// Returns why a source range is not a CIDR block, or `None` when it is one.
pub fn cidr_error(text: &str) -> Option<String> {
    let Some((address, prefix)) = text.split_once('/') else {
        return Some("it has no /prefix length".to_owned());
    };
    let Ok(address) = address.parse::<IpAddr>() else {
        return Some(format!("{address:?} is no IP address"));
    };
    let max = if address.is_ipv4() { 32 } else { 128 };
    let digits =
        !prefix.is_empty() && prefix.len() <= 3 && prefix.bytes().all(|b| b.is_ascii_digit());
    match prefix.parse::<u8>() {
        Ok(length) if digits && length <= max => None,
        Ok(_) if digits => Some(format!("the prefix length exceeds {max}")),
        _ => Some(format!("{prefix:?} is no prefix length")),
    }
}

/// Returns whether a text is a `YYYY-MM-DD` calendar date.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

struct Checker<'a> {
    doc: &'a Document,
    issues: Vec<Issue>,
    /// Each node, zone and edge id with the description of its first owner.
    ids: HashMap<&'a str, String>,
    /// Each node and zone id with the index of its first node.
    nodes: HashMap<&'a str, usize>,
    /// Every policy store id.
    stores: std::collections::HashSet<&'a str>,
}

impl<'a> Checker<'a> {
    fn find(&self, id: &str) -> Option<&'a Node> {
        let doc = self.doc;
        self.nodes.get(id).map(|&ix| &doc.nodes[ix])
    }

    fn push(&mut self, path: Path, kind: LoadErrorKind, value: Option<&str>, message: String) {
        self.issues.push(Issue {
            path,
            kind,
            value: value.map(str::to_owned),
            message,
        });
    }

    fn counts(&mut self) {
        if self.doc.nodes.len() > MAX_NODES {
            let message = format!(
                "the model has {} nodes and zones; at most {MAX_NODES} are allowed",
                self.doc.nodes.len()
            );
            self.push(
                Path::root().field("nodes"),
                LoadErrorKind::TooMany,
                None,
                message,
            );
        }
        if self.doc.edges.len() > MAX_EDGES {
            let message = format!(
                "the model has {} edges; at most {MAX_EDGES} are allowed",
                self.doc.edges.len()
            );
            self.push(
                Path::root().field("edges"),
                LoadErrorKind::TooMany,
                None,
                message,
            );
        }
    }

    /// Checks a free text for control characters.
    fn text(&mut self, path: &Path, owner: &str, field: &str, text: &str) {
        if let Some(c) = control_character(text) {
            let message = format!(
                "{owner} has the control character U+{:04X} in \"{field}\"; only tab and \
                 newline are allowed",
                u32::from(c)
            );
            self.push(
                path.clone(),
                LoadErrorKind::ControlCharacter,
                Some(text),
                message,
            );
        }
    }

    fn id(&mut self, path: &Path, what: &str, id: &str) -> bool {
        let Some(problem) = id_error(id) else {
            return true;
        };
        let message = format!("{what} has the invalid id {id:?}: {problem}");
        self.push(path.clone(), LoadErrorKind::InvalidId, Some(id), message);
        false
    }

    fn unique_ids(&mut self) {
        let doc = self.doc;
        let nodes = doc.nodes.iter().enumerate().map(|(ix, node)| {
            let path = Path::root().field("nodes").index(ix);
            (path, &node.id, describe_kind(node))
        });
        let edges = doc.edges.iter().enumerate().map(|(ix, edge)| {
            let path = Path::root().field("edges").index(ix);
            (path, &edge.id, format!("the {} edge", edge.kind.name()))
        });
        for (path, id, what) in nodes.chain(edges) {
            let path = path.field("id");
            if !self.id(&path, &what, id) {
                continue;
            }
            if let Some(first) = self.ids.get(id.as_str()) {
                let message = format!("the id {id:?} of {what} is already the id of {first}");
                self.push(path, LoadErrorKind::DuplicateId, Some(id), message);
            } else {
                self.ids.insert(id, what);
            }
        }

        let mut store_ids = HashMap::new();
        for (ix, store) in doc.policy_stores.iter().enumerate() {
            let path = Path::root().field("policy_stores").index(ix).field("id");
            if !self.id(&path, "a policy store", &store.id) {
                continue;
            }
            if store_ids.insert(store.id.as_str(), ix).is_some() {
                let message = format!("two policy stores have the id {:?}", store.id);
                self.push(path, LoadErrorKind::DuplicateId, Some(&store.id), message);
            }
        }
    }

    fn node(&mut self, ix: usize, node: &Node) {
        let path = Path::root().field("nodes").index(ix);
        let owner = format!("node {:?}", node.id);

        for (field, text) in [
            ("label", &node.label),
            ("technology", &node.technology),
            ("note", &node.note),
        ] {
            self.text(&path.field(field), &owner, field, text);
        }
        for (i, tag) in node.tags.iter().enumerate() {
            self.text(&path.field("tags").index(i), &owner, "tags", tag);
        }
        let label_chars = node.label.chars().count();
        if label_chars > MAX_LABEL_CHARS {
            let message = format!(
                "{owner} has a label of {label_chars} characters; labels hold at most \
                 {MAX_LABEL_CHARS}"
            );
            self.push(path.field("label"), LoadErrorKind::TooLong, None, message);
        }

        self.geometry(&path, &owner, node);
        self.parent(&path, &owner, node);
        self.kind_attributes(&path.field("kind"), &owner, node);
    }

    fn geometry(&mut self, path: &Path, owner: &str, node: &Node) {
        for (field, axis, value) in [
            ("position", "x", node.position.x),
            ("position", "y", node.position.y),
        ] {
            if !value.is_finite() || value.abs() > MAX_COORDINATE {
                let message = format!(
                    "{owner} has the position {axis} = {value}; coordinates must be finite \
                     and within ±{MAX_COORDINATE}"
                );
                let text = value.to_string();
                let at = path.field(field).field(axis);
                self.push(at, LoadErrorKind::OutOfRange, Some(&text), message);
            }
        }
        for (axis, value) in [("width", node.size.width), ("height", node.size.height)] {
            if !(value > 0.0 && value <= MAX_COORDINATE) {
                let message = format!(
                    "{owner} has the {axis} {value}; sizes must be positive and at most \
                     {MAX_COORDINATE}"
                );
                let text = value.to_string();
                let at = path.field("size").field(axis);
                self.push(at, LoadErrorKind::OutOfRange, Some(&text), message);
            }
        }
    }

    fn parent(&mut self, path: &Path, owner: &str, node: &Node) {
        let Some(parent_id) = &node.parent else {
            return;
        };
        let at = path.field("parent");
        match self.find(parent_id) {
            None => {
                let message =
                    format!("{owner} has \"parent\": {parent_id:?}, which is no node or zone");
                self.push(
                    at,
                    LoadErrorKind::DanglingReference,
                    Some(parent_id),
                    message,
                );
            }
            Some(parent) if !parent.is_zone() => {
                let message = format!(
                    "{owner} has \"parent\": {parent_id:?}, which is {}, not a zone",
                    describe_kind(parent)
                );
                self.push(at, LoadErrorKind::ParentNotZone, Some(parent_id), message);
            }
            Some(_) => {}
        }
    }

    fn kind_attributes(&mut self, path: &Path, owner: &str, node: &Node) {
        match &node.kind {
            NodeKind::Secret(secret) => {
                if let Some(days) = secret.rotation_days {
                    self.rotation(&path.field("rotation_days"), owner, "rotation_days", days);
                }
            }
            NodeKind::Key(key) => {
                if let KeyRotation::Manual { days } = key.rotation {
                    self.rotation(&path.field("rotation").field("days"), owner, "days", days);
                }
            }
            NodeKind::Identity(identity) => {
                for (r, rule) in identity.boundary.iter().flatten().enumerate() {
                    for (t, target) in rule.targets.iter().enumerate() {
                        let at = path.field("boundary").index(r).field("targets").index(t);
                        self.text(&at, owner, "targets", target);
                        self.pattern(at, owner, "boundary target", target);
                    }
                }
            }
            NodeKind::Zone(zone) => {
                if let crate::document::ZoneSort::Account(account) = &zone.sort {
                    for (i, scp) in account.scps.iter().enumerate() {
                        let at = path.field("sort").field("scps").index(i);
                        self.text(&at, owner, "scps", scp);
                    }
                }
            }
            _ => {}
        }
    }

    fn rotation(&mut self, path: &Path, owner: &str, field: &str, days: u32) {
        if !(1..=MAX_ROTATION_DAYS).contains(&days) {
            let message = format!(
                "{owner} has \"{field}\": {days}; a rotation period runs from 1 to \
                 {MAX_ROTATION_DAYS} days"
            );
            let text = days.to_string();
            self.push(
                path.clone(),
                LoadErrorKind::OutOfRange,
                Some(&text),
                message,
            );
        }
    }

    /// Checks a grant or boundary target that is a glob.
    fn pattern(&mut self, path: Path, owner: &str, what: &str, pattern: &str) {
        if !is_glob(pattern) {
            return;
        }
        if let Err(error) = Glob::new(pattern) {
            let message = format!(
                "{owner} has the {what} {pattern:?}, which is no valid glob: {}",
                error.kind()
            );
            self.push(path, LoadErrorKind::InvalidGlob, Some(pattern), message);
        }
    }

    /// Finds zones inside themselves, each cycle once, named from its first zone in
    /// document order.
    fn zone_cycles(&mut self) {
        let doc = self.doc;
        let index: HashMap<&str, usize> = doc
            .nodes
            .iter()
            .enumerate()
            .rev()
            .map(|(ix, node)| (node.id.as_str(), ix))
            .collect();
        let parent_zone = |ix: usize| {
            let parent = *index.get(doc.nodes[ix].parent.as_deref()?)?;
            (doc.nodes[ix].is_zone() && doc.nodes[parent].is_zone()).then_some(parent)
        };

        // 0: not visited, 1: on the current chain, 2: done.
        let mut state = vec![0u8; doc.nodes.len()];
        for start in 0..doc.nodes.len() {
            let mut chain = Vec::new();
            let mut current = Some(start);
            while let Some(ix) = current {
                match state[ix] {
                    2 => break,
                    1 => {
                        let from = chain.iter().position(|&c| c == ix).unwrap_or(0);
                        self.cycle(&chain[from..]);
                        break;
                    }
                    _ => {
                        state[ix] = 1;
                        chain.push(ix);
                        current = parent_zone(ix);
                    }
                }
            }
            for ix in chain {
                state[ix] = 2;
            }
        }
    }

    fn cycle(&mut self, members: &[usize]) {
        let first = members
            .iter()
            .position(|&ix| ix == *members.iter().min().unwrap_or(&0));
        let first = first.unwrap_or(0);
        let mut ids: Vec<&str> = members[first..]
            .iter()
            .chain(&members[..first])
            .map(|&ix| self.doc.nodes[ix].id.as_str())
            .collect();
        ids.push(ids[0]);
        let zone = &self.doc.nodes[members[first]];
        let message = format!(
            "zone {:?} lies inside itself: {}",
            zone.id,
            ids.join(" -> ")
        );
        let path = Path::root()
            .field("nodes")
            .index(members[first])
            .field("parent");
        let parent = zone.parent.clone();
        self.push(path, LoadErrorKind::ZoneCycle, parent.as_deref(), message);
    }

    fn edge(&mut self, ix: usize, edge: &Edge) {
        let path = Path::root().field("edges").index(ix);
        let owner = format!("{} edge {:?}", edge.kind.name(), edge.id);

        let from = self.end(&path, &owner, "from", &edge.from);
        let to = if matches!(edge.kind, EdgeKind::Grants(_)) && is_glob(&edge.to) {
            self.text(&path.field("to"), &owner, "to", &edge.to);
            self.pattern(path.field("to"), &owner, "grant target", &edge.to);
            None
        } else {
            self.end(&path, &owner, "to", &edge.to)
        };
        let glob_target = to.is_none() && matches!(edge.kind, EdgeKind::Grants(_));
        if let Some(from) = from
            && (to.is_some() || glob_target)
            && let Some(problem) = endpoint_error(&edge.kind, from, to)
        {
            let (field, value) = if problem.contains("must start") {
                ("from", &edge.from)
            } else {
                ("to", &edge.to)
            };
            let message = format!("{owner}: {problem}");
            self.push(
                path.field(field),
                LoadErrorKind::InvalidEndpoint,
                Some(value),
                message,
            );
        }

        match &edge.kind {
            EdgeKind::Flow(flow) => self.flow(&path.field("kind"), &owner, flow),
            EdgeKind::CanAssume(condition) => {
                let at = path.field("kind").field("technique");
                self.text(&at, &owner, "technique", &condition.technique);
            }
            _ => {}
        }
    }

    /// Resolves one end of an edge, reporting it when it names no node or zone.
    fn end(&mut self, path: &Path, owner: &str, field: &str, id: &str) -> Option<&'a Node> {
        let node = self.find(id);
        if node.is_none() {
            self.text(&path.field(field), owner, field, id);
            let message = format!("{owner} has \"{field}\": {id:?}, which is no node or zone");
            self.push(
                path.field(field),
                LoadErrorKind::DanglingReference,
                Some(id),
                message,
            );
        }
        node
    }

    fn flow(&mut self, path: &Path, owner: &str, flow: &Flow) {
        self.text(&path.field("protocol"), owner, "protocol", &flow.protocol);

        if let Some(ports) = flow.ports {
            let at = path.field("ports");
            if ports.first == 0 || ports.last == 0 {
                let field = if ports.first == 0 { "first" } else { "last" };
                let message = format!("{owner} has port 0; ports run from 1 to 65535");
                self.push(
                    at.field(field),
                    LoadErrorKind::OutOfRange,
                    Some("0"),
                    message,
                );
            } else if ports.first > ports.last {
                let message = format!(
                    "{owner} has the port range {} to {}, which ends before it starts",
                    ports.first, ports.last
                );
                let value = ports.last.to_string();
                self.push(
                    at.field("last"),
                    LoadErrorKind::OutOfRange,
                    Some(&value),
                    message,
                );
            }
        }

        if let Some(range) = &flow.source_range {
            let at = path.field("source_range");
            self.text(&at, owner, "source_range", range);
            if let Some(problem) = cidr_error(range) {
                let message = format!(
                    "{owner} has \"source_range\": {range:?}, which is no CIDR block: {problem}"
                );
                self.push(at, LoadErrorKind::InvalidCidr, Some(range), message);
            }
        }

        if let Some(check) = flow.authorization.cedar() {
            let at = path.field("authorization");
            self.cedar_check(&at, owner, &check.store, &check.action);
        }
        if let crate::document::OriginatingCheck::Authorized { cedar: Some(check) } =
            &flow.originating
        {
            let at = path.field("originating").field("cedar");
            self.cedar_check(&at, owner, &check.store, &check.action);
        }
    }

    fn cedar_check(&mut self, path: &Path, owner: &str, store: &str, action: &str) {
        self.text(&path.field("action"), owner, "action", action);
        if !self.stores.contains(store) {
            self.text(&path.field("store"), owner, "store", store);
            let message = format!("{owner} names the policy store {store:?}, which does not exist");
            self.push(
                path.field("store"),
                LoadErrorKind::DanglingReference,
                Some(store),
                message,
            );
        }
    }

    fn policy_stores(&mut self) {
        for (ix, store) in self.doc.policy_stores.iter().enumerate() {
            let path = Path::root().field("policy_stores").index(ix);
            self.policy_store(&path, store);
        }
    }

    fn policy_store(&mut self, path: &Path, store: &PolicyStore) {
        let owner = format!("policy store {:?}", store.id);
        self.text(&path.field("policies"), &owner, "policies", &store.policies);
        if let Some(schema) = &store.schema {
            self.text(&path.field("schema"), &owner, "schema", schema);
        }
        for (field, map) in [
            ("entity_types", &store.entity_types),
            ("context_paths", &store.context_paths),
        ] {
            for (key, value) in map {
                let at = path.field(field).key(key);
                self.text(&at, &owner, field, key);
                self.text(&at, &owner, field, value);
            }
        }

        for (i, link) in store.links.iter().enumerate() {
            let at = path.field("links").index(i);
            let link_owner = format!("template link {:?} of {owner}", link.id);
            self.text(
                &at.field("template"),
                &link_owner,
                "template",
                &link.template,
            );
            self.text(&at.field("id"), &link_owner, "id", &link.id);
            for (field, slot) in [("principal", &link.principal), ("resource", &link.resource)] {
                let Some(id) = slot else {
                    continue;
                };
                if self.find(id).is_none() {
                    self.text(&at.field(field), &link_owner, field, id);
                    let message =
                        format!("{link_owner} has \"{field}\": {id:?}, which is no node or zone");
                    let field_path = at.field(field);
                    self.push(
                        field_path,
                        LoadErrorKind::DanglingReference,
                        Some(id),
                        message,
                    );
                }
            }
        }
    }

    fn verdicts(&mut self) {
        for (item, verdict) in &self.doc.verdicts {
            let path = Path::root().field("verdicts").key(item);
            let owner = format!("the verdict on {item:?}");
            if !RULES.iter().any(|rule| rule.id == item) {
                self.text(&path, &owner, "item", item);
                let message = format!("a verdict names {item:?}, which is no checklist item");
                self.push(
                    path.clone(),
                    LoadErrorKind::DanglingReference,
                    Some(item),
                    message,
                );
            }
            self.text(
                &path.field("reviewer"),
                &owner,
                "reviewer",
                &verdict.reviewer,
            );
            self.text(&path.field("comment"), &owner, "comment", &verdict.comment);
            if !is_date(&verdict.date) {
                let message = format!(
                    "{owner} has \"date\": {:?}, which is no YYYY-MM-DD date",
                    verdict.date
                );
                let at = path.field("date");
                self.push(at, LoadErrorKind::InvalidDate, Some(&verdict.date), message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_rules() {
        assert_eq!(cidr_error("10.0.0.0/8"), None);
        assert_eq!(cidr_error("2001:db8::/32"), None);
        assert_eq!(cidr_error("::/128"), None);
        assert!(cidr_error("10.0.0.0/33").is_some_and(|e| e.contains("exceeds 32")));
        assert!(cidr_error("::/129").is_some_and(|e| e.contains("exceeds 128")));
        assert!(cidr_error("10.0.0.0").is_some());
        assert!(cidr_error("10.0.0/8").is_some());
        assert!(cidr_error("10.0.0.0/+8").is_some());
        assert!(cidr_error("10.0.0.0/").is_some());
    }

    #[test]
    fn date_rules() {
        assert!(is_date("2026-12-04"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2025-02-29"));
        assert!(!is_date("1900-02-29"));
        assert!(is_date("2000-02-29"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("2026-04-31"));
        assert!(!is_date("2026-4-01"));
        assert!(!is_date("2026-04-01T00:00"));
        assert!(!is_date("２０２６-04-01"));
    }

    #[test]
    fn id_rules() {
        assert_eq!(id_error("payments-api"), None);
        assert_eq!(id_error("arn:aws:iam::123:role/x+y=z,w@q.r_s"), None);
        assert!(id_error("").is_some());
        assert!(id_error("a b").is_some_and(|e| e.contains("' '")));
        assert!(id_error("é").is_some());
        assert!(id_error(&"a".repeat(256)).is_none());
        assert!(id_error(&"a".repeat(257)).is_some());
    }

    #[test]
    fn control_characters() {
        assert_eq!(control_character("a\tb\nc"), None);
        assert_eq!(control_character("a\rb"), Some('\r'));
        assert_eq!(control_character("a\u{7}"), Some('\u{7}'));
        assert_eq!(control_character("a\u{85}"), Some('\u{85}'));
        assert_eq!(control_character("<b>&amp;</b> \u{202E}"), None);
    }
}
