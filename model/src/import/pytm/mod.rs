//! Import of pytm's JSON model: the `boundaries`, `elements`, `flows` and `data` lists that
//! pytm reads with its `--json` input.
//!
//! pytm names everything by its `name`, so elements, boundaries and flows refer to each
//! other by name and each gets an id made from it (`Server/DB` becomes `server-db`).
//! Boundaries become zones, nested by `inBoundary`; an element without `inBoundary` stays at
//! the top level. pytm's model has no positions, so the document is laid out with
//! [`layered_layout`].

use std::collections::HashMap;

use crate::document::{
    Authentication, DataClass, DataStore, Document, Edge, EdgeKind, Encryption, External,
    ExternalSort, Flow, Node, NodeKind, PortRange, Service, Tls, Zone, ZoneSort,
};
use crate::import::json::Field;
use crate::import::{
    IdAllocator, Import, ImportError, ImportReport, check_size, clean_label, json, layered_layout,
    slug, strip_html,
};

/// Top-level keys this importer reads.
const KNOWN_KEYS: [&str; 5] = ["name", "description", "boundaries", "elements", "flows"];
/// Flow keys this importer reads.
const FLOW_KEYS: [&str; 9] = [
    "name",
    "source",
    "sink",
    "data",
    "protocol",
    "dstPort",
    "isEncrypted",
    "tlsVersion",
    "authenticatesSource",
];

/// Imports a pytm JSON model; `file` names the input in error messages.
pub fn import_pytm(text: &str, file: &str) -> Result<Import, ImportError> {
    let value = json::parse(text, file)?;
    let root = Field::root(file, &value);
    root.object()?;
    let boundaries = root.opt_array("boundaries")?;
    let elements = root.opt_array("elements")?;
    let flows = root.opt_array("flows")?;
    check_size(
        file,
        "elements",
        boundaries.len() + elements.len(),
        flows.len() * 2,
    )?;

    let name = root.opt_str("name")?.unwrap_or("pytm model");
    let mut builder = Builder {
        document: Document::new(clean_label(name.trim()).0),
        report: ImportReport::default(),
        ids: IdAllocator::default(),
        data: HashMap::new(),
        by_name: HashMap::new(),
        zones: HashMap::new(),
    };
    builder.document.description = strip_html(root.opt_str("description")?.unwrap_or_default())
        .trim()
        .to_owned();

    builder.data_assets(&root.opt_array("data")?)?;
    builder.boundaries(&boundaries)?;
    builder.elements(&elements)?;
    for flow in &flows {
        builder.flow(flow)?;
    }
    builder.left_out_keys(&root)?;

    let mut import = Import {
        document: builder.document,
        report: builder.report,
    };
    super::clean::clean_texts(&mut import.document, &mut import.report);
    layered_layout(&mut import.document);
    log::info!(
        "imported {file}: {} nodes, {} edges, {} guesses, {} left out",
        import.document.nodes.len(),
        import.document.edges.len(),
        import.report.guessed.len(),
        import.report.left_out.len()
    );
    Ok(import)
}

struct Builder {
    document: Document,
    report: ImportReport,
    ids: IdAllocator,
    /// Data classes of each data asset, by name.
    data: HashMap<String, Vec<DataClass>>,
    /// Node index of each element, by name.
    by_name: HashMap<String, usize>,
    /// Node index of each boundary, by name.
    zones: HashMap<String, usize>,
}

impl Builder {
    fn data_assets(&mut self, assets: &[Field<'_>]) -> Result<(), ImportError> {
        for asset in assets {
            let name = asset.field("name")?.str()?;
            let classification = asset.opt_str("classification")?.unwrap_or("UNKNOWN");
            let (class, guess) = data_class(classification);
            let mut classes = vec![class];
            if asset.opt_bool("isCredentials")? == Some(true) {
                classes.push(DataClass::Credentials);
            }
            if asset.opt_bool("isPII")? == Some(true) {
                classes.push(DataClass::Pii);
            }
            classes.sort();
            classes.dedup();
            let names: Vec<&str> = classes.iter().map(|class| class.name()).collect();
            self.report.mapped(
                name,
                format!("data {name:?} became data class {}", names.join(" and ")),
            );
            if let Some(guess) = guess {
                self.report.guessed(name, guess);
            }
            self.data.insert(name.to_owned(), classes);
        }
        Ok(())
    }

    fn boundaries(&mut self, boundaries: &[Field<'_>]) -> Result<(), ImportError> {
        for boundary in boundaries {
            let name = boundary.field("name")?.str()?;
            let kind = NodeKind::Zone(Zone {
                sort: ZoneSort::Vpc,
                default_deny: false,
                cde: false,
            });
            let ix = self.add_node(name, "boundary", kind);
            let id = self.document.nodes[ix].id.clone();
            self.report
                .mapped(name, format!("boundary {name:?} became zone {id}"));
            self.report.guessed(
                name,
                "pytm does not say what a boundary encloses; taken as a VPC",
            );
            self.zones.insert(name.to_owned(), ix);
        }
        // Nest boundaries once all exist, so that a boundary may name a later one.
        for boundary in boundaries {
            let name = boundary.field("name")?.str()?;
            self.place(name, boundary)?;
        }
        Ok(())
    }

    fn add_node(&mut self, name: &str, fallback: &str, kind: NodeKind) -> usize {
        let wanted = match slug(name) {
            id if id.is_empty() => fallback.to_owned(),
            id => id,
        };
        let id = self.ids.claim(&wanted);
        let (label, changed) = clean_label(name.trim());
        if changed {
            self.report.guessed(
                name,
                "name holds control characters or is too long; cleaned",
            );
        }
        let label = if label.is_empty() { id.clone() } else { label };
        self.document.nodes.push(Node::new(id, label, kind));
        self.document.nodes.len() - 1
    }

    /// Sets the parent of the node named `name` from the `inBoundary` of `field`.
    fn place(&mut self, name: &str, field: &Field<'_>) -> Result<(), ImportError> {
        let Some(boundary) = field.opt_str("inBoundary")? else {
            return Ok(());
        };
        let ix = self.by_name.get(name).or(self.zones.get(name)).copied();
        let Some(ix) = ix else {
            return Ok(());
        };
        match self.zones.get(boundary).copied() {
            Some(zone) if zone != ix && !self.is_inside(zone, ix) => {
                let zone_id = self.document.nodes[zone].id.clone();
                self.document.nodes[ix].parent = Some(zone_id);
            }
            Some(_) => self.report.left_out(
                name,
                format!("placing it in boundary {boundary:?} would close a cycle of boundaries"),
            ),
            None => self.report.left_out(
                name,
                format!("is in boundary {boundary:?}, which is no boundary; left at the top level"),
            ),
        }
        Ok(())
    }

    /// Returns whether `inner` is `outer` or inside it.
    fn is_inside(&self, inner: usize, outer: usize) -> bool {
        let mut current = Some(inner);
        let mut steps = 0;
        while let Some(ix) = current {
            if ix == outer || steps > self.document.nodes.len() {
                return true;
            }
            steps += 1;
            current = self.document.nodes[ix]
                .parent
                .as_deref()
                .and_then(|parent| self.document.nodes.iter().position(|n| n.id == parent));
        }
        false
    }

    fn elements(&mut self, elements: &[Field<'_>]) -> Result<(), ImportError> {
        for element in elements {
            let name = element.field("name")?.str()?;
            let class = element.opt_str("__class__")?.unwrap_or("Element");
            if self.by_name.contains_key(name) || self.zones.contains_key(name) {
                self.report.left_out(
                    name,
                    "another element or boundary has this name, and pytm refers to elements \
                     by name; this one is skipped",
                );
                continue;
            }
            let (kind, guess) = element_kind(class, element)?;
            let ix = self.add_node(name, "element", kind);
            let node = &mut self.document.nodes[ix];
            node.note = strip_html(element.opt_str("description")?.unwrap_or_default())
                .trim()
                .to_owned();
            if element.opt_bool("storesPII")? == Some(true) {
                node.data_classes.push(DataClass::Pii);
            }
            let kind_name = node.kind.name();
            let id = node.id.clone();
            self.report.mapped(
                name,
                format!("{class} {name:?} became {kind_name} node {id}"),
            );
            if let Some(guess) = guess {
                self.report.guessed(name, guess);
            }
            self.by_name.insert(name.to_owned(), ix);
            if element.get("inBoundary").is_some() {
                self.place(name, element)?;
            } else {
                self.report
                    .mapped(name, "is in no boundary; placed at the top level");
            }
        }
        Ok(())
    }

    fn flow(&mut self, flow: &Field<'_>) -> Result<(), ImportError> {
        let name = flow.field("name")?.str()?;
        let source = flow.field("source")?.str()?;
        let sink = flow.field("sink")?.str()?;
        let (Some(&from), Some(&to)) = (self.by_name.get(source), self.by_name.get(sink)) else {
            let missing = if self.by_name.contains_key(source) {
                sink
            } else {
                source
            };
            self.report.left_out(
                name,
                format!("flow names {missing:?}, which is no element, so it is not a flow"),
            );
            return Ok(());
        };

        let mut data_classes = Vec::new();
        for data in flow.opt_array("data")? {
            let data_name = data.str()?;
            match self.data.get(data_name) {
                Some(classes) => data_classes.extend_from_slice(classes),
                None => self
                    .report
                    .left_out(name, format!("carries {data_name:?}, which is no data")),
            }
        }
        data_classes.sort();
        data_classes.dedup();

        let (tls, tls_guess) = tls(flow)?;
        let authentication = match flow.opt_bool("authenticatesSource")? {
            Some(false) => Authentication::None,
            _ => Authentication::Unknown,
        };
        let ports = match flow.opt_f64("dstPort")? {
            Some(port) if (1.0..=65535.0).contains(&port) && port.fract() == 0.0 => {
                Some(PortRange::single(port as u16))
            }
            Some(_) => return Err(flow.field("dstPort")?.mismatch("a port from 1 to 65535")),
            None => None,
        };

        let from_id = self.document.nodes[from].id.clone();
        let to_id = self.document.nodes[to].id.clone();
        let label = match slug(name) {
            label if label.is_empty() => format!("to-{to_id}"),
            label => label,
        };
        let id = self.ids.claim(&format!("{from_id}.{label}"));
        self.document.edges.push(Edge {
            id: id.clone(),
            from: from_id.clone(),
            to: to_id.clone(),
            kind: EdgeKind::Flow(Flow {
                protocol: flow.opt_str("protocol")?.unwrap_or_default().to_owned(),
                ports,
                data_classes,
                tls,
                authentication,
                ..Flow::default()
            }),
        });
        self.report.mapped(
            name,
            format!("flow {name:?} became flow {id} from {from_id} to {to_id}"),
        );
        if let Some(guess) = tls_guess {
            self.report.guessed(name, guess);
        }
        match authentication {
            Authentication::None => {}
            _ => self.report.guessed(
                name,
                "states no authentication method; authentication and authorization taken as \
                 unknown",
            ),
        }
        let extra: Vec<&str> = flow
            .object()?
            .keys()
            .map(String::as_str)
            .filter(|key| !FLOW_KEYS.contains(key))
            .collect();
        if !extra.is_empty() {
            self.report
                .left_out(name, format!("not modelled: {}", extra.join(", ")));
        }
        Ok(())
    }

    fn left_out_keys(&mut self, root: &Field<'_>) -> Result<(), ImportError> {
        for key in root.object()?.keys() {
            if !KNOWN_KEYS.contains(&key.as_str()) && key != "data" {
                self.report.left_out(key, "top-level entry is not modelled");
            }
        }
        Ok(())
    }
}

/// Maps a pytm element class to a node kind, with the guess it rests on.
fn element_kind(
    class: &str,
    element: &Field<'_>,
) -> Result<(NodeKind, Option<String>), ImportError> {
    Ok(match class {
        "Actor" => (
            NodeKind::External(External {
                sort: ExternalSort::Customer,
            }),
            Some("an actor; taken as a customer, a member of the public".to_owned()),
        ),
        "ExternalEntity" => (
            NodeKind::External(External {
                sort: ExternalSort::Partner,
            }),
            Some("an external entity; taken as a partner's system".to_owned()),
        ),
        "Datastore" => {
            let (encryption, guess) = match element.opt_bool("isEncrypted")? {
                Some(true) => (
                    Encryption::ProviderManaged,
                    Some("encrypted without saying who holds the key; taken as provider-managed"),
                ),
                Some(false) => (Encryption::None, None),
                None => (
                    Encryption::None,
                    Some("does not state encryption at rest; taken as unencrypted"),
                ),
            };
            (
                NodeKind::DataStore(DataStore {
                    encryption,
                    ..DataStore::default()
                }),
                guess.map(str::to_owned),
            )
        }
        "Server" | "Process" | "Lambda" | "SetOfProcesses" => {
            (NodeKind::Service(Service::default()), None)
        }
        other => (
            NodeKind::Service(Service::default()),
            Some(format!("unknown class {other:?}; taken as a service")),
        ),
    })
}

/// Maps a pytm classification to a data class, with the guess it rests on.
fn data_class(classification: &str) -> (DataClass, Option<&'static str>) {
    match classification.rsplit('.').next().unwrap_or(classification) {
        "PUBLIC" => (DataClass::Public, None),
        "RESTRICTED" => (DataClass::Internal, None),
        "SENSITIVE" => (
            DataClass::Pii,
            Some("classified SENSITIVE; taken as personal data"),
        ),
        "SECRET" | "TOP_SECRET" => (
            DataClass::Credentials,
            Some("classified SECRET or TOP_SECRET; taken as credentials, a restricted class"),
        ),
        _ => (
            DataClass::Internal,
            Some("classification unknown; taken as internal"),
        ),
    }
}

/// Reads a flow's TLS from `tlsVersion`, or from `isEncrypted` when no version is given.
fn tls(flow: &Field<'_>) -> Result<(Tls, Option<&'static str>), ImportError> {
    if let Some(version) = flow.opt_str("tlsVersion")? {
        let digits: String = version.chars().filter(char::is_ascii_digit).collect();
        return Ok(match digits.as_str() {
            "13" => (Tls::V1_3, None),
            "12" => (Tls::V1_2, None),
            "" | "0" => (Tls::None, None),
            _ => (
                Tls::None,
                Some("TLS version older than 1.2; taken as plain text"),
            ),
        });
    }
    Ok(match flow.opt_bool("isEncrypted")? {
        Some(true) => (
            Tls::V1_2,
            Some("encrypted without a TLS version; taken as TLS 1.2"),
        ),
        Some(false) => (Tls::None, None),
        None => (
            Tls::None,
            Some("does not state encryption; taken as plain text"),
        ),
    })
}
