//! Export of a document as Open Threat Model JSON, version 0.2.0.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::document::{DataClass, Document, EdgeKind, Node, NodeKind};
use crate::import::slug;

use super::{FLOW_PROPERTY, KIND_PROPERTY, OUTSIDE_PROPERTY};

/// The OTM version written.
const OTM_VERSION: &str = "0.2.0";
/// Id of the trust zone that holds the nodes outside any zone.
const OUTSIDE_ZONE_ID: &str = "trustmap-outside-zones";

/// Writes a document as OTM: zones as trust zones, other nodes as components, flows as
/// dataflows and the data classes in use as data assets.
///
/// Each component and trust zone carries its whole kind in a `trustmap:kind` property and
/// each dataflow its checks in `trustmap:flow`, so that importing the output gives the same
/// nodes, zones and flows. Identity relations (can assume, member of, grants, runs as,
/// unlocks, encrypted by) have no OTM equivalent and are not written; neither are
/// positions, policy stores and verdicts.
pub fn export_otm(doc: &Document) -> Value {
    let mut classes = BTreeSet::new();
    for node in &doc.nodes {
        classes.extend(node.data_classes.iter().copied());
    }
    for edge in &doc.edges {
        if let EdgeKind::Flow(flow) = &edge.kind {
            classes.extend(flow.data_classes.iter().copied());
        }
    }

    let zone_ids: BTreeSet<&str> = doc
        .nodes
        .iter()
        .filter(|node| node.is_zone())
        .map(|node| node.id.as_str())
        .collect();
    let parent_zone = |node| parent_zone(node, &zone_ids);

    let mut trust_zones: Vec<Value> = doc
        .nodes
        .iter()
        .filter(|node| node.is_zone())
        .map(|zone| trust_zone(zone, parent_zone(zone)))
        .collect();
    let components: Vec<Value> = doc
        .nodes
        .iter()
        .filter(|node| !node.is_zone())
        .map(|node| component(node, parent_zone(node)))
        .collect();
    if doc
        .nodes
        .iter()
        .any(|node| !node.is_zone() && parent_zone(node).is_none())
    {
        trust_zones.push(json!({
            "id": OUTSIDE_ZONE_ID,
            "name": "Outside any zone",
            "risk": { "trustRating": 0 },
            "properties": { OUTSIDE_PROPERTY: true },
        }));
    }
    let dataflows: Vec<Value> = doc
        .edges
        .iter()
        .filter_map(|edge| {
            let EdgeKind::Flow(flow) = &edge.kind else {
                return None;
            };
            let mut properties = Map::new();
            if !flow.protocol.is_empty() {
                properties.insert("protocol".to_owned(), json!(flow.protocol));
            }
            properties.insert(FLOW_PROPERTY.to_owned(), to_value(flow));
            Some(json!({
                "id": edge.id,
                "name": edge.id,
                "source": edge.from,
                "destination": edge.to,
                "bidirectional": false,
                "assets": class_ids(&flow.data_classes),
                "properties": properties,
            }))
        })
        .collect();
    let assets: Vec<Value> = classes.iter().map(|class| asset(*class)).collect();

    let project_id = match slug(&doc.name) {
        id if id.is_empty() => "trustmap-model".to_owned(),
        id => id,
    };
    json!({
        "otmVersion": OTM_VERSION,
        "project": {
            "name": doc.name,
            "id": project_id,
            "description": doc.description,
        },
        "assets": assets,
        "trustZones": trust_zones,
        "components": components,
        "dataflows": dataflows,
    })
}

/// Returns the zone that holds a node. A parent that names no zone counts as none, as the
/// layout and the review take it.
fn parent_zone<'a>(node: &'a Node, zone_ids: &BTreeSet<&str>) -> Option<&'a str> {
    node.parent
        .as_deref()
        .filter(|parent| zone_ids.contains(parent))
}

fn trust_zone(zone: &Node, parent: Option<&str>) -> Value {
    let mut value = json!({
        "id": zone.id,
        "name": zone.label,
        "type": match &zone.kind {
            NodeKind::Zone(kind) => kind.sort.name(),
            _ => "zone",
        },
        "description": zone.note,
        // OTM requires a trust rating; Trustmap has none, so every zone gets the middle.
        "risk": { "trustRating": 50 },
        "properties": { KIND_PROPERTY: to_value(&zone.kind) },
    });
    if let Some(parent) = parent {
        value["parent"] = json!({ "trustZone": parent });
    }
    value
}

fn component(node: &Node, parent: Option<&str>) -> Value {
    json!({
        "id": node.id,
        "name": node.label,
        "type": node.kind.name(),
        "description": node.note,
        "parent": { "trustZone": parent.unwrap_or(OUTSIDE_ZONE_ID) },
        "tags": node.tags,
        "assets": { "processed": [], "stored": class_ids(&node.data_classes) },
        "properties": {
            "technology": node.technology,
            "critical": node.critical,
            KIND_PROPERTY: to_value(&node.kind),
        },
    })
}

fn asset(class: DataClass) -> Value {
    // Confidentiality and integrity from 0 to 100, rising with the class's sensitivity.
    let rating = match class {
        DataClass::Public => 10,
        DataClass::Internal => 40,
        DataClass::Pii => 70,
        DataClass::Cardholder | DataClass::Credentials | DataClass::SafetyCritical => 100,
    };
    json!({
        "id": class.name(),
        "name": class.name(),
        "risk": { "confidentiality": rating, "integrity": rating, "availability": 50 },
    })
}

fn class_ids(classes: &[DataClass]) -> Vec<&'static str> {
    classes.iter().map(|class| class.name()).collect()
}

/// Serializes a document value; the document types serialize to JSON without fail.
fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|error| {
        log::error!("failed to write a value as JSON: {error}");
        Value::Null
    })
}
