//! Older file formats and the migrations that bring them to [`FORMAT_VERSION`].
//!
//! Each older version has its own types for the parts that changed, deserialized straight
//! from the text (so syntax and type errors keep their positions), and a function that
//! turns them into the next version. [`parse_any`] reads the version and runs the chain.
//!
//! Version 0 kept data classes on data stores only, inside the kind:
//! `kind: DataStore(encryption: None, data_classes: [Pii])`. Version 1 gives every node
//! its `data_classes`, so a workload can hold data too.

use std::collections::BTreeMap;

use ron::error::SpannedResult;
use serde::de::{self, DeserializeOwned, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::validate::{MAX_EDGES, MAX_NODES};
use crate::document::{
    self, DataClass, Document, Edge, Encryption, External, FORMAT_VERSION, Gateway, Identity, Key,
    ManualVerdict, Node, NodeKind, Point, PolicyStore, Secret, Service, Size, Zone,
};

/// Parses a document of any supported format version and migrates it to the current one.
/// `format` is the version the text declares; the caller has checked that it is supported.
pub fn parse_any(options: &ron::Options, text: &str, format: u32) -> SpannedResult<Document> {
    match format {
        0 => {
            let v0: Envelope<NodeV0> = options.from_str(text)?;
            Ok(v1_from_v0(v0))
        }
        _ => {
            let current: Envelope<Node> = options.from_str(text)?;
            Ok(current.into_document())
        }
    }
}

/// The first line of defence: only the `format` field, whatever else the file holds.
#[derive(Deserialize)]
#[serde(rename = "Document")]
pub struct FormatPeek {
    /// The declared format version.
    pub format: u32,
}

/// The document's top level, generic over the node type of its version, with the node and
/// edge lists bounded while they are read.
#[derive(Deserialize)]
#[serde(
    rename = "Document",
    deny_unknown_fields,
    bound(deserialize = "N: DeserializeOwned")
)]
struct Envelope<N> {
    format: u32,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "Bounded::new")]
    nodes: Bounded<N, MAX_NODES>,
    #[serde(default = "Bounded::new")]
    edges: Bounded<Edge, MAX_EDGES>,
    #[serde(default)]
    policy_stores: Vec<PolicyStore>,
    #[serde(default)]
    verdicts: BTreeMap<String, ManualVerdict>,
}

impl Envelope<Node> {
    fn into_document(self) -> Document {
        Document {
            format: self.format,
            name: self.name,
            description: self.description,
            nodes: self.nodes.0,
            edges: self.edges.0,
            policy_stores: self.policy_stores,
            verdicts: self.verdicts,
        }
    }
}

/// A list that stops reading with an error after `MAX` elements, so a huge file fails
/// before it fills memory.
struct Bounded<T, const MAX: usize>(Vec<T>);

impl<T, const MAX: usize> Bounded<T, MAX> {
    fn new() -> Self {
        Self(Vec::new())
    }
}

/// The `expected` text of the length error a [`Bounded`] list raises; the loader
/// recognizes it.
pub const LIMIT_EXPECTED: &str = "at most";

impl<'de, T: DeserializeOwned, const MAX: usize> Deserialize<'de> for Bounded<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BoundedVisitor<T, const MAX: usize>(std::marker::PhantomData<T>);

        impl<'de, T: DeserializeOwned, const MAX: usize> Visitor<'de> for BoundedVisitor<T, MAX> {
            type Value = Bounded<T, MAX>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "a list")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if items.len() == MAX {
                        let expected = format!("{LIMIT_EXPECTED} {MAX} elements");
                        return Err(de::Error::invalid_length(MAX + 1, &expected.as_str()));
                    }
                    items.push(item);
                }
                Ok(Bounded(items))
            }
        }

        deserializer.deserialize_seq(BoundedVisitor::<T, MAX>(std::marker::PhantomData))
    }
}

/// A node of format version 0: no `data_classes` of its own.
#[derive(Deserialize)]
#[serde(rename = "Node", deny_unknown_fields)]
struct NodeV0 {
    id: String,
    label: String,
    kind: NodeKindV0,
    #[serde(default)]
    technology: String,
    #[serde(default)]
    position: Point,
    #[serde(default)]
    size: Size,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    critical: bool,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: String,
}

/// The node kinds of version 0; only the data store differs.
#[derive(Deserialize)]
#[serde(rename = "NodeKind")]
enum NodeKindV0 {
    External(External),
    Gateway(Gateway),
    Service(Service),
    DataStore(DataStoreV0),
    Secret(Secret),
    Key(Key),
    Identity(Identity),
    Zone(Zone),
}

/// A data store of version 0, which held its data classes.
#[derive(Deserialize)]
#[serde(rename = "DataStore", deny_unknown_fields)]
struct DataStoreV0 {
    #[serde(default)]
    public: bool,
    #[serde(default)]
    encryption: Encryption,
    #[serde(default)]
    read_needs_decrypt: bool,
    #[serde(default)]
    data_classes: Vec<DataClass>,
}

/// Migrates version 0 to version 1: a data store's data classes move to its node.
fn v1_from_v0(v0: Envelope<NodeV0>) -> Document {
    log::info!("migrating a model from format version 0 to {FORMAT_VERSION}");
    let nodes = v0.nodes.0.into_iter().map(node_v1_from_v0).collect();
    Document {
        format: 1,
        name: v0.name,
        description: v0.description,
        nodes,
        edges: v0.edges.0,
        policy_stores: v0.policy_stores,
        verdicts: v0.verdicts,
    }
}

fn node_v1_from_v0(node: NodeV0) -> Node {
    let mut data_classes = Vec::new();
    let kind = match node.kind {
        NodeKindV0::External(external) => NodeKind::External(external),
        NodeKindV0::Gateway(gateway) => NodeKind::Gateway(gateway),
        NodeKindV0::Service(service) => NodeKind::Service(service),
        NodeKindV0::DataStore(store) => {
            data_classes = store.data_classes;
            NodeKind::DataStore(document::DataStore {
                public: store.public,
                encryption: store.encryption,
                read_needs_decrypt: store.read_needs_decrypt,
            })
        }
        NodeKindV0::Secret(secret) => NodeKind::Secret(secret),
        NodeKindV0::Key(key) => NodeKind::Key(key),
        NodeKindV0::Identity(identity) => NodeKind::Identity(identity),
        NodeKindV0::Zone(zone) => NodeKind::Zone(zone),
    };
    Node {
        id: node.id,
        label: node.label,
        kind,
        technology: node.technology,
        position: node.position,
        size: node.size,
        parent: node.parent,
        data_classes,
        critical: node.critical,
        tags: node.tags,
        note: node.note,
    }
}
