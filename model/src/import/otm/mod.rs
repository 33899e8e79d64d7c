//! Import and export of Open Threat Model (OTM) files, JSON or YAML.
//!
//! Trust zones become zones (nested by `parent.trustZone`), components nodes, dataflows
//! flows (a bidirectional dataflow becomes two flows) and data assets the data classes of
//! nodes and flows. A component's kind is guessed from its `type` and name. A dataflow's
//! `protocol`, `port`, `tls`, `network`, `authentication`, `authorization` and `logged`
//! properties are read; authentication that no property states is unknown.
//!
//! [`export_otm`] writes the same document back. It keeps every node kind and flow check
//! in `trustmap:` properties, so a round trip through OTM loses nothing this module writes.
//! OTM gives every component a parent, so the export puts nodes outside any zone in one
//! extra trust zone marked `trustmap:outside-zones`, which the import drops again.

mod export;

use std::collections::HashMap;

use serde_json::Value;

use crate::document::{
    Authentication, Authorization, DataClass, DataStore, Document, Edge, EdgeKind, External,
    ExternalSort, Flow, Gateway, NetworkPath, Node, NodeKind, PortRange, Service, Tls, Zone,
    ZoneSort,
};
use crate::import::json::Field;
use crate::import::{
    IdAllocator, Import, ImportError, ImportReport, check_size, clean_label, json, layered_layout,
    strip_html, yaml,
};

pub use export::export_otm;

/// Property that carries a node's or zone's whole kind, as the document file writes it.
pub(crate) const KIND_PROPERTY: &str = "trustmap:kind";
/// Property that carries a flow's whole set of checks, as the document file writes it.
pub(crate) const FLOW_PROPERTY: &str = "trustmap:flow";
/// Property that marks the trust zone the export adds for nodes outside any zone.
pub(crate) const OUTSIDE_PROPERTY: &str = "trustmap:outside-zones";

/// Imports an OTM model, JSON or YAML; `file` names the input in error messages.
///
/// OTM's diagram positions are not used: the document is laid out with [`layered_layout`].
pub fn import_otm(text: &str, file: &str) -> Result<Import, ImportError> {
    let value = parse(text, file)?;
    let root = Field::root(file, &value);
    root.field("otmVersion")?.str()?;
    let project = root.field("project")?;
    let name = project.field("name")?.str()?;

    let zones = root.opt_array("trustZones")?;
    let components = root.opt_array("components")?;
    let dataflows = root.opt_array("dataflows")?;
    check_size(
        file,
        "components",
        zones.len() + components.len(),
        dataflows.len() * 2,
    )?;

    let mut builder = Builder {
        document: Document::new(clean_label(name.trim()).0),
        report: ImportReport::default(),
        ids: IdAllocator::default(),
        data: HashMap::new(),
        zones: HashMap::new(),
        components: HashMap::new(),
    };
    builder.document.description = strip_html(project.opt_str("description")?.unwrap_or_default())
        .trim()
        .to_owned();
    builder.assets(&root.opt_array("assets")?)?;
    builder.zones(&zones)?;
    builder.components(&components)?;
    for dataflow in &dataflows {
        builder.dataflow(dataflow)?;
    }
    builder.left_out(&root)?;

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

/// Parses OTM JSON, or OTM YAML with the bounded YAML loader.
fn parse(text: &str, file: &str) -> Result<Value, ImportError> {
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        return json::parse(text, file);
    }
    let yaml =
        yaml::load(text, &yaml::YamlLimits::default()).map_err(|error| ImportError::Yaml {
            file: file.to_owned(),
            error,
        })?;
    serde_json::to_value(&yaml).map_err(|error| ImportError::Field {
        file: file.to_owned(),
        path: "(root)".to_owned(),
        expected: "YAML whose mapping keys are strings".to_owned(),
        found: error.to_string(),
    })
}

struct Builder {
    document: Document,
    report: ImportReport,
    ids: IdAllocator,
    /// Data classes of each data asset, by asset id.
    data: HashMap<String, DataClass>,
    /// Node index of each trust zone by OTM id, or `None` for the export's outside zone.
    zones: HashMap<String, Option<usize>>,
    /// Node index of each component, by OTM id.
    components: HashMap<String, usize>,
}

impl Builder {
    fn assets(&mut self, assets: &[Field<'_>]) -> Result<(), ImportError> {
        for asset in assets {
            let id = asset.field("id")?.str()?;
            let name = asset.opt_str("name")?.unwrap_or(id);
            let (class, guess) = asset_class(id, name);
            self.report.mapped(
                id,
                format!("data asset {name:?} became data class {}", class.name()),
            );
            if let Some(guess) = guess {
                self.report.guessed(id, guess);
            }
            self.data.insert(id.to_owned(), class);
        }
        Ok(())
    }

    fn zones(&mut self, zones: &[Field<'_>]) -> Result<(), ImportError> {
        for zone in zones {
            let id = zone.field("id")?.str()?;
            let name = zone.opt_str("name")?.unwrap_or(id);
            let properties = zone.get("properties");
            let outside = properties
                .as_ref()
                .and_then(|p| p.get(OUTSIDE_PROPERTY))
                .is_some_and(|flag| flag.value() == &Value::Bool(true));
            if outside {
                self.report.mapped(
                    id,
                    "trust zone stands for no zone (written by Trustmap's export); its \
                     components stay at the top level",
                );
                self.zones.insert(id.to_owned(), None);
                continue;
            }
            let (kind, guess) = match stored_kind(properties.as_ref()) {
                Some(kind @ NodeKind::Zone(_)) => (kind, None),
                _ => (
                    NodeKind::Zone(Zone {
                        sort: ZoneSort::Vpc,
                        default_deny: false,
                        cde: false,
                    }),
                    Some("OTM does not say what a trust zone encloses; taken as a VPC"),
                ),
            };
            let ix = self.add_node(id, name, kind);
            self.document.nodes[ix].note = description(zone)?;
            let node_id = self.document.nodes[ix].id.clone();
            self.report
                .mapped(id, format!("trust zone {name:?} became zone {node_id}"));
            if let Some(guess) = guess {
                self.report.guessed(id, guess);
            }
            self.zones.insert(id.to_owned(), Some(ix));
        }
        for zone in zones {
            let id = zone.field("id")?.str()?;
            let Some(Some(ix)) = self.zones.get(id).copied() else {
                continue;
            };
            let Some(parent) = zone.get("parent") else {
                continue;
            };
            let parent_id = parent.field("trustZone")?.str()?;
            match self.zones.get(parent_id).copied() {
                Some(Some(parent_ix)) if !self.is_inside(parent_ix, ix) => {
                    let parent_node = self.document.nodes[parent_ix].id.clone();
                    self.document.nodes[ix].parent = Some(parent_node);
                }
                Some(Some(_)) => self.report.left_out(
                    id,
                    format!("nesting it in {parent_id} would close a cycle of trust zones"),
                ),
                Some(None) => {}
                None => self.report.left_out(
                    id,
                    format!("parent {parent_id:?} is no trust zone; left at the top level"),
                ),
            }
        }
        Ok(())
    }

    /// Returns whether `inner` is `outer` or inside it.
    fn is_inside(&self, inner: usize, outer: usize) -> bool {
        let index: HashMap<&str, usize> = self
            .document
            .nodes
            .iter()
            .enumerate()
            .map(|(ix, node)| (node.id.as_str(), ix))
            .collect();
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
                .and_then(|parent| index.get(parent).copied());
        }
        false
    }

    fn add_node(&mut self, source_id: &str, name: &str, kind: NodeKind) -> usize {
        let id = self.ids.claim(source_id);
        if id != source_id {
            self.report.guessed(
                source_id,
                format!("id {source_id:?} is taken or invalid; renamed {id}"),
            );
        }
        let (label, changed) = clean_label(name.trim());
        if changed {
            self.report.guessed(
                source_id,
                "name holds control characters or is too long; cleaned",
            );
        }
        let label = if label.is_empty() { id.clone() } else { label };
        self.document.nodes.push(Node::new(id, label, kind));
        self.document.nodes.len() - 1
    }

    fn components(&mut self, components: &[Field<'_>]) -> Result<(), ImportError> {
        for component in components {
            let id = component.field("id")?.str()?;
            let name = component.opt_str("name")?.unwrap_or(id);
            let type_name = component.opt_str("type")?.unwrap_or_default();
            let properties = component.get("properties");
            let (kind, guess) = match stored_kind(properties.as_ref()) {
                Some(kind) if !matches!(kind, NodeKind::Zone(_)) => (kind, None),
                _ => guess_kind(type_name, name),
            };
            let ix = self.add_node(id, name, kind);
            let stored = self.stored_classes(id, component)?;
            let node = &mut self.document.nodes[ix];
            node.note = description(component)?;
            node.data_classes = stored;
            node.tags = strings(&component.opt_array("tags")?)?;
            if let Some(properties) = &properties {
                node.technology = properties
                    .opt_str("technology")?
                    .unwrap_or_default()
                    .to_owned();
                node.critical = properties.opt_bool("critical")?.unwrap_or(false);
            }
            let kind_name = node.kind.name();
            let node_id = node.id.clone();
            self.report.mapped(
                id,
                format!(
                    "component {name:?} of type {type_name:?} became {kind_name} node {node_id}"
                ),
            );
            if let Some(guess) = guess {
                self.report.guessed(id, guess);
            }
            self.components.insert(id.to_owned(), ix);
        }
        for component in components {
            self.place_component(component)?;
        }
        Ok(())
    }

    /// Returns the data classes of the assets a component stores, reporting processed-only
    /// assets as left out.
    fn stored_classes(
        &mut self,
        id: &str,
        component: &Field<'_>,
    ) -> Result<Vec<DataClass>, ImportError> {
        let Some(assets) = component.get("assets") else {
            return Ok(Vec::new());
        };
        let mut classes = Vec::new();
        for asset in assets.opt_array("stored")? {
            let asset_id = asset.str()?;
            match self.data.get(asset_id) {
                Some(class) => classes.push(*class),
                None => self
                    .report
                    .left_out(id, format!("stores {asset_id:?}, which is no data asset")),
            }
        }
        if !assets.opt_array("processed")?.is_empty() {
            self.report.left_out(
                id,
                "the data assets it only processes are not modelled; a node's data classes are \
                 the data it stores",
            );
        }
        classes.sort();
        classes.dedup();
        Ok(classes)
    }

    /// Sets a component's zone from `parent.trustZone`, or from the zone of the component
    /// named by `parent.component`, since nodes do not nest in nodes.
    fn place_component(&mut self, component: &Field<'_>) -> Result<(), ImportError> {
        let id = component.field("id")?.str()?;
        let ix = self.components[id];
        let Some(parent) = component.get("parent") else {
            self.report
                .guessed(id, "component states no parent; placed at the top level");
            return Ok(());
        };
        if let Some(zone) = parent.opt_str("trustZone")? {
            match self.zones.get(zone).copied() {
                Some(Some(zone_ix)) => {
                    self.document.nodes[ix].parent = Some(self.document.nodes[zone_ix].id.clone());
                }
                Some(None) => {}
                None => self.report.left_out(
                    id,
                    format!("parent {zone:?} is no trust zone; left at the top level"),
                ),
            }
        } else if let Some(host) = parent.opt_str("component")? {
            match self.components.get(host).copied() {
                Some(host_ix) => {
                    self.document.nodes[ix].parent = self.document.nodes[host_ix].parent.clone();
                    self.report.guessed(
                        id,
                        format!(
                            "is part of component {host}; nodes do not nest, so it is placed \
                             in {host}'s zone"
                        ),
                    );
                }
                None => self.report.left_out(
                    id,
                    format!("parent {host:?} is no component; left at the top level"),
                ),
            }
        } else {
            return Err(parent.mismatch("an object with `trustZone` or `component`"));
        }
        Ok(())
    }

    fn dataflow(&mut self, dataflow: &Field<'_>) -> Result<(), ImportError> {
        let id = dataflow.field("id")?.str()?;
        let name = dataflow.opt_str("name")?.unwrap_or(id);
        let source = dataflow.field("source")?.str()?;
        let destination = dataflow.field("destination")?.str()?;
        let (Some(&from), Some(&to)) = (
            self.components.get(source),
            self.components.get(destination),
        ) else {
            let missing = if self.components.contains_key(source) {
                destination
            } else {
                source
            };
            self.report.left_out(
                id,
                format!("dataflow {name:?} joins {missing:?}, which is no component, so it is not a flow"),
            );
            return Ok(());
        };

        let mut data_classes = Vec::new();
        for asset in dataflow.opt_array("assets")? {
            let asset_id = asset.str()?;
            match self.data.get(asset_id) {
                Some(class) => data_classes.push(*class),
                None => self
                    .report
                    .left_out(id, format!("carries {asset_id:?}, which is no data asset")),
            }
        }
        data_classes.sort();
        data_classes.dedup();

        let (mut flow, guesses, left_out) = read_flow(dataflow.get("properties").as_ref())?;
        flow.data_classes = data_classes;

        let there = self.push_flow(id, from, to, flow.clone());
        let sentence = if dataflow.opt_bool("bidirectional")? == Some(true) {
            let back = self.push_flow(&format!("{id}.reverse"), to, from, flow);
            format!("bidirectional dataflow {name:?} became flows {there} and {back}")
        } else {
            format!("dataflow {name:?} became flow {there}")
        };
        self.report.mapped(id, sentence);
        for guess in guesses {
            self.report.guessed(id, guess);
        }
        if !left_out.is_empty() {
            self.report.left_out(
                id,
                format!("properties not modelled: {}", left_out.join(", ")),
            );
        }
        Ok(())
    }

    fn push_flow(&mut self, wanted: &str, from: usize, to: usize, flow: Flow) -> String {
        let id = self.ids.claim(wanted);
        self.document.edges.push(Edge {
            id: id.clone(),
            from: self.document.nodes[from].id.clone(),
            to: self.document.nodes[to].id.clone(),
            kind: EdgeKind::Flow(flow),
        });
        id
    }

    fn left_out(&mut self, root: &Field<'_>) -> Result<(), ImportError> {
        for key in ["threats", "mitigations"] {
            let count = root.opt_array(key)?.len();
            if count > 0 {
                self.report.left_out(
                    key,
                    format!(
                        "{count} {key} are not modelled; the review derives findings from the \
                         model itself"
                    ),
                );
            }
        }
        if !root.opt_array("representations")?.is_empty() {
            self.report.left_out(
                "representations",
                "diagram positions are not used; the model is laid out automatically",
            );
        }
        Ok(())
    }
}

/// Reads the node or zone kind the export stores in a `trustmap:kind` property.
fn stored_kind(properties: Option<&Field<'_>>) -> Option<NodeKind> {
    let value = properties?.get(KIND_PROPERTY)?.value().clone();
    serde_json::from_value(value).ok()
}

fn description(field: &Field<'_>) -> Result<String, ImportError> {
    Ok(
        strip_html(field.opt_str("description")?.unwrap_or_default())
            .trim()
            .to_owned(),
    )
}

fn strings(items: &[Field<'_>]) -> Result<Vec<String>, ImportError> {
    items
        .iter()
        .map(|item| item.str().map(str::to_owned))
        .collect()
}

/// Guesses a component's kind from the words of its type and name.
fn guess_kind(type_name: &str, name: &str) -> (NodeKind, Option<String>) {
    let text = format!("{type_name} {name}").to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    let any = |list: &[&str]| words.iter().any(|word| list.contains(word));

    let (kind, what) = if any(&[
        "client", "browser", "mobile", "device", "user", "actor", "external", "partner",
    ]) {
        (
            NodeKind::External(External {
                sort: ExternalSort::Customer,
            }),
            "an external customer",
        )
    } else if any(&["gateway", "balancer", "lb", "cdn", "waf", "proxy"]) {
        (NodeKind::Gateway(Gateway::default()), "a gateway")
    } else if any(&[
        "db",
        "database",
        "sql",
        "postgresql",
        "mysql",
        "storage",
        "bucket",
        "s3",
        "store",
        "datastore",
        "cache",
        "redis",
        "queue",
        "table",
    ]) {
        (
            NodeKind::DataStore(DataStore::default()),
            "an unencrypted data store",
        )
    } else {
        (NodeKind::Service(Service::default()), "a service")
    };
    (
        kind,
        Some(format!(
            "type {type_name:?} and name {name:?}; taken as {what}"
        )),
    )
}

/// Guesses a data asset's class from its id and name; an exported asset is named after its
/// class.
fn asset_class(id: &str, name: &str) -> (DataClass, Option<String>) {
    if let Some(class) = DataClass::ALL.into_iter().find(|class| class.name() == id) {
        return (class, None);
    }
    let text = format!("{id} {name}").to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|word| text.contains(word));
    let class = if has(&["password", "credential", "secret", "token", "key"]) {
        DataClass::Credentials
    } else if has(&["card", "payment", "pan"]) {
        DataClass::Cardholder
    } else if has(&["pii", "personal", "customer", "email", "address"]) {
        DataClass::Pii
    } else if has(&["public"]) {
        DataClass::Public
    } else {
        DataClass::Internal
    };
    (
        class,
        Some(format!("taken as {} from its name", class.name())),
    )
}

/// Reads a dataflow's checks from its properties; returns the flow, the guesses and the
/// names of properties left out.
fn read_flow(
    properties: Option<&Field<'_>>,
) -> Result<(Flow, Vec<String>, Vec<String>), ImportError> {
    let mut guesses = Vec::new();
    let mut left_out = Vec::new();
    let Some(properties) = properties else {
        guesses.push(unknown_checks());
        return Ok((Flow::default(), guesses, left_out));
    };
    if let Some(stored) = properties.get(FLOW_PROPERTY) {
        let flow = serde_json::from_value(stored.value().clone())
            .map_err(|_| stored.mismatch("a Trustmap flow"))?;
        return Ok((flow, guesses, left_out));
    }

    let mut flow = Flow::default();
    let mut authentication_stated = false;
    for (key, value) in properties.object()? {
        let field = properties.get(key);
        let Some(field) = field else { continue };
        match key.to_ascii_lowercase().as_str() {
            "protocol" => flow.protocol = field.str()?.to_owned(),
            "port" => flow.ports = Some(port(&field)?),
            "tls" => flow.tls = enum_value(&field, "TLS")?,
            "network" => flow.network = enum_value::<NetworkPath>(&field, "network")?,
            "ispublicnetwork" => {
                if field.bool()? {
                    flow.network = NetworkPath::Public;
                }
            }
            "encrypted" | "isencrypted" => {
                if field.bool()? {
                    flow.tls = Tls::V1_2;
                    guesses.push("encrypted without a TLS version; taken as TLS 1.2".to_owned());
                }
            }
            "authentication" => {
                flow.authentication = enum_value::<Authentication>(&field, "authentication")?;
                authentication_stated = true;
            }
            "authorization" => {
                flow.authorization = enum_value::<Authorization>(&field, "authorization")?;
            }
            "logged" => flow.logged = field.bool()?,
            _ => {
                if !matches!(value, Value::Object(map) if map.is_empty()) {
                    left_out.push(key.clone());
                }
            }
        }
    }
    if !authentication_stated {
        guesses.push(unknown_checks());
    }
    Ok((flow, guesses, left_out))
}

fn unknown_checks() -> String {
    "states no authentication or authorization; both taken as unknown".to_owned()
}

/// Reads a value spelled as the document file spells it, such as `V1_3` or `Mtls`.
fn enum_value<T: serde::de::DeserializeOwned>(
    field: &Field<'_>,
    what: &str,
) -> Result<T, ImportError> {
    serde_json::from_value(field.value().clone())
        .map_err(|_| field.mismatch(&format!("a {what} value as Trustmap writes it")))
}

fn port(field: &Field<'_>) -> Result<PortRange, ImportError> {
    let number = match field.value() {
        Value::String(text) => text.trim().parse::<f64>().ok(),
        value => value.as_f64(),
    };
    match number {
        Some(port) if (1.0..=65535.0).contains(&port) && port.fract() == 0.0 => {
            Ok(PortRange::single(port as u16))
        }
        _ => Err(field.mismatch("a port from 1 to 65535")),
    }
}
