//! The parts of a Threagile model that the importer reads, taken out of the YAML tree with
//! the path of every field, so that a field of the wrong shape is reported by its path.
//!
//! Threagile keys its data assets, technical assets, links and trust boundaries by title.
//! Each of them but a link also has an `id` that other elements refer to. A field that Threagile
//! leaves empty (`tags:` with no value) reads as absent.

use std::collections::HashSet;

use serde_norway::{Mapping, Value};

use crate::import::ImportError;

/// A Threagile model, as far as the importer reads it.
#[derive(Debug, Default)]
pub(super) struct Model {
    pub title: String,
    /// Management summary and the business and technical overviews, in that order.
    pub descriptions: Vec<String>,
    pub data_assets: Vec<DataAsset>,
    pub technical_assets: Vec<TechnicalAsset>,
    pub trust_boundaries: Vec<TrustBoundary>,
    pub shared_runtimes: Vec<SharedRuntime>,
    pub risk_categories: Vec<RiskCategory>,
    /// Keys of `risk_tracking`.
    pub risk_tracking: Vec<String>,
    /// Other top-level keys with a value, in file order.
    pub other_keys: Vec<String>,
}

#[derive(Debug)]
pub(super) struct DataAsset {
    pub title: String,
    pub id: String,
    pub confidentiality: Option<String>,
    pub integrity: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Debug)]
pub(super) struct TechnicalAsset {
    pub title: String,
    pub id: String,
    pub description: String,
    pub asset_type: Option<String>,
    pub technology: Option<String>,
    pub usage: Option<String>,
    pub used_as_client_by_human: bool,
    pub out_of_scope: bool,
    pub internet: bool,
    pub encryption: Option<String>,
    pub tags: Vec<String>,
    pub data_assets_processed: Vec<String>,
    pub data_assets_stored: Vec<String>,
    pub communication_links: Vec<Link>,
}

#[derive(Debug)]
pub(super) struct Link {
    pub title: String,
    pub target: String,
    pub description: String,
    pub protocol: Option<String>,
    pub authentication: Option<String>,
    pub authorization: Option<String>,
    pub tags: Vec<String>,
    pub vpn: bool,
    pub ip_filtered: bool,
    pub readonly: bool,
    pub usage: Option<String>,
    pub data_assets_sent: Vec<String>,
    pub data_assets_received: Vec<String>,
}

#[derive(Debug)]
pub(super) struct TrustBoundary {
    pub title: String,
    pub id: String,
    pub description: String,
    pub boundary_type: Option<String>,
    pub tags: Vec<String>,
    pub technical_assets_inside: Vec<String>,
    pub trust_boundaries_nested: Vec<String>,
}

#[derive(Debug)]
pub(super) struct SharedRuntime {
    pub id: String,
    pub technical_assets_running: Vec<String>,
}

#[derive(Debug)]
pub(super) struct RiskCategory {
    /// The top-level key it was found under.
    pub key: &'static str,
    pub id: String,
    pub title: String,
    pub risks_identified: usize,
}

/// Top-level keys whose content the importer reads.
const READ_KEYS: [&str; 11] = [
    "threagile_version",
    "title",
    "management_summary_comment",
    "business_overview",
    "technical_overview",
    "data_assets",
    "technical_assets",
    "trust_boundaries",
    "shared_runtimes",
    "individual_risk_categories",
    "custom_risk_categories",
];

/// Reads a model out of a loaded YAML tree.
pub(super) fn read(root: &Value, file: &str) -> Result<Model, ImportError> {
    let reader = Reader { file };
    let Some(root_map) = reader.mapping(Some(root), "")? else {
        return Err(reader.wrong("", "a mapping of Threagile model keys", Some(root)));
    };
    // Every Threagile model lists its technical assets, even when the list is empty. Without
    // the key the file most likely comes from another tool, and importing it would give an
    // empty model that looks like a success.
    if !root_map.contains_key("technical_assets") {
        return Err(ImportError::NotFormat {
            file: file.to_owned(),
            format: "Threagile",
            key: "technical_assets",
        });
    }

    let mut model = Model {
        title: reader
            .string(root_map.get("title"), "title")?
            .unwrap_or_default(),
        ..Model::default()
    };
    if let Some(summary) = reader.string(
        root_map.get("management_summary_comment"),
        "management_summary_comment",
    )? {
        model.descriptions.push(summary);
    }
    for key in ["business_overview", "technical_overview"] {
        if let Some(overview) = reader.mapping(root_map.get(key), key)? {
            let path = format!("{key}.description");
            if let Some(text) = reader.string(overview.get("description"), &path)? {
                model.descriptions.push(text);
            }
        }
    }

    model.data_assets = reader.entries(root_map, "data_assets", |path, title, map| {
        Ok(DataAsset {
            id: reader.required_string(map, path, "id")?,
            title,
            confidentiality: reader
                .string(map.get("confidentiality"), &sub(path, "confidentiality"))?,
            integrity: reader.string(map.get("integrity"), &sub(path, "integrity"))?,
            tags: reader.string_list(map.get("tags"), &sub(path, "tags"))?,
        })
    })?;
    reader.unique_ids(&model.data_assets, "data_assets", |a| (&a.title, &a.id))?;

    model.technical_assets = reader.entries(root_map, "technical_assets", |path, title, map| {
        reader.technical_asset(path, title, map)
    })?;
    reader.unique_ids(&model.technical_assets, "technical_assets", |a| {
        (&a.title, &a.id)
    })?;

    model.trust_boundaries = reader.entries(root_map, "trust_boundaries", |path, title, map| {
        Ok(TrustBoundary {
            id: reader.required_string(map, path, "id")?,
            title,
            description: reader.text(map, path, "description")?,
            boundary_type: reader.string(map.get("type"), &sub(path, "type"))?,
            tags: reader.string_list(map.get("tags"), &sub(path, "tags"))?,
            technical_assets_inside: reader.string_list(
                map.get("technical_assets_inside"),
                &sub(path, "technical_assets_inside"),
            )?,
            trust_boundaries_nested: reader.string_list(
                map.get("trust_boundaries_nested"),
                &sub(path, "trust_boundaries_nested"),
            )?,
        })
    })?;
    reader.unique_ids(&model.trust_boundaries, "trust_boundaries", |b| {
        (&b.title, &b.id)
    })?;

    model.shared_runtimes = reader.entries(root_map, "shared_runtimes", |path, title, map| {
        Ok(SharedRuntime {
            id: reader
                .string(map.get("id"), &sub(path, "id"))?
                .unwrap_or(title),
            technical_assets_running: reader.string_list(
                map.get("technical_assets_running"),
                &sub(path, "technical_assets_running"),
            )?,
        })
    })?;

    for key in ["individual_risk_categories", "custom_risk_categories"] {
        let categories = reader.entries(root_map, key, |path, title, map| {
            let risks_path = sub(path, "risks_identified");
            let risks_identified = reader
                .mapping(map.get("risks_identified"), &risks_path)?
                .map_or(0, Mapping::len);
            Ok(RiskCategory {
                key,
                id: reader
                    .string(map.get("id"), &sub(path, "id"))?
                    .unwrap_or(title.clone()),
                title,
                risks_identified,
            })
        })?;
        model.risk_categories.extend(categories);
    }

    if let Some(tracking) = reader.mapping(root_map.get("risk_tracking"), "risk_tracking")? {
        for key in tracking.keys() {
            model.risk_tracking.push(reader.key(key, "risk_tracking")?);
        }
    }

    for (key, value) in root_map {
        let key = reader.key(key, "")?;
        if !READ_KEYS.contains(&key.as_str()) && key != "risk_tracking" && !value.is_null() {
            model.other_keys.push(key);
        }
    }
    Ok(model)
}

/// Joins a field name to a path.
fn sub(path: &str, field: &str) -> String {
    format!("{path}.{field}")
}

/// Describes a value for an error message: the scalar itself, or the kind of collection.
fn describe(value: Option<&Value>) -> String {
    match value {
        None => "missing".to_owned(),
        Some(Value::Null) => "empty".to_owned(),
        Some(Value::Bool(b)) => format!("`{b}`"),
        Some(Value::Number(n)) => format!("`{n}`"),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(Value::Sequence(_)) => "a sequence".to_owned(),
        Some(Value::Mapping(_)) => "a mapping".to_owned(),
        Some(Value::Tagged(tagged)) => format!("a value tagged {}", tagged.tag),
    }
}

struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn wrong(&self, path: &str, expected: &str, found: Option<&Value>) -> ImportError {
        ImportError::Field {
            file: self.file.to_owned(),
            path: if path.is_empty() {
                "(root)".to_owned()
            } else {
                path.to_owned()
            },
            expected: expected.to_owned(),
            found: describe(found),
        }
    }

    /// Reads a mapping; an empty or absent value reads as `None`.
    fn mapping<'v>(
        &self,
        value: Option<&'v Value>,
        path: &str,
    ) -> Result<Option<&'v Mapping>, ImportError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Mapping(map)) => Ok(Some(map)),
            other => Err(self.wrong(path, "a mapping", other)),
        }
    }

    /// Reads a scalar as text; an empty or absent value reads as `None`.
    fn string(&self, value: Option<&Value>, path: &str) -> Result<Option<String>, ImportError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            other => Err(self.wrong(path, "a text value", other)),
        }
    }

    /// Reads a free-text field, empty when absent.
    fn text(&self, map: &Mapping, path: &str, field: &str) -> Result<String, ImportError> {
        Ok(self
            .string(map.get(field), &sub(path, field))?
            .unwrap_or_default())
    }

    fn required_string(
        &self,
        map: &Mapping,
        path: &str,
        field: &str,
    ) -> Result<String, ImportError> {
        let path = sub(path, field);
        match self.string(map.get(field), &path)? {
            Some(text) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            _ => Err(self.wrong(&path, "a non-empty id", map.get(field))),
        }
    }

    /// Reads a flag; an empty or absent value reads as false.
    fn flag(&self, map: &Mapping, path: &str, field: &str) -> Result<bool, ImportError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            other => Err(self.wrong(&sub(path, field), "`true` or `false`", other)),
        }
    }

    /// Reads a sequence of scalars; an empty or absent value reads as no items, and so does
    /// an empty item.
    fn string_list(&self, value: Option<&Value>, path: &str) -> Result<Vec<String>, ImportError> {
        let items = match value {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Sequence(items)) => items,
            other => return Err(self.wrong(path, "a sequence of ids or names", other)),
        };
        let mut out = Vec::with_capacity(items.len());
        for (ix, item) in items.iter().enumerate() {
            if let Some(text) = self.string(Some(item), &format!("{path}[{ix}]"))? {
                out.push(text.trim().to_owned());
            }
        }
        Ok(out)
    }

    fn key(&self, key: &Value, path: &str) -> Result<String, ImportError> {
        self.string(Some(key), path)?
            .ok_or_else(|| self.wrong(path, "keyed by text", Some(key)))
    }

    /// Reads each entry of the mapping under a top-level key, in file order.
    fn entries<T>(
        &self,
        root: &Mapping,
        key: &str,
        mut read_entry: impl FnMut(&str, String, &Mapping) -> Result<T, ImportError>,
    ) -> Result<Vec<T>, ImportError> {
        let Some(map) = self.mapping(root.get(key), key)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(map.len());
        for (title, value) in map {
            let title = self.key(title, key)?;
            let path = sub(key, &title);
            let Some(entry) = self.mapping(Some(value), &path)? else {
                return Err(self.wrong(&path, "a mapping of fields", Some(value)));
            };
            out.push(read_entry(&path, title, entry)?);
        }
        Ok(out)
    }

    fn unique_ids<T>(
        &self,
        items: &[T],
        key: &str,
        title_and_id: impl Fn(&T) -> (&String, &String),
    ) -> Result<(), ImportError> {
        let mut seen = HashSet::new();
        for item in items {
            let (title, id) = title_and_id(item);
            if !seen.insert(id.as_str()) {
                return Err(ImportError::Field {
                    file: self.file.to_owned(),
                    path: format!("{key}.{title}.id"),
                    expected: format!("an id that no other entry of `{key}` has"),
                    found: format!("{id:?} again"),
                });
            }
        }
        Ok(())
    }

    fn technical_asset(
        &self,
        path: &str,
        title: String,
        map: &Mapping,
    ) -> Result<TechnicalAsset, ImportError> {
        let links_path = sub(path, "communication_links");
        let mut communication_links = Vec::new();
        if let Some(links) = self.mapping(map.get("communication_links"), &links_path)? {
            for (link_title, value) in links {
                let link_title = self.key(link_title, &links_path)?;
                let link_path = sub(&links_path, &link_title);
                let Some(link) = self.mapping(Some(value), &link_path)? else {
                    return Err(self.wrong(&link_path, "a mapping of fields", Some(value)));
                };
                communication_links.push(self.link(&link_path, link_title, link)?);
            }
        }

        Ok(TechnicalAsset {
            id: self.required_string(map, path, "id")?,
            title,
            description: self.text(map, path, "description")?,
            asset_type: self.string(map.get("type"), &sub(path, "type"))?,
            technology: self.string(map.get("technology"), &sub(path, "technology"))?,
            usage: self.string(map.get("usage"), &sub(path, "usage"))?,
            used_as_client_by_human: self.flag(map, path, "used_as_client_by_human")?,
            out_of_scope: self.flag(map, path, "out_of_scope")?,
            internet: self.flag(map, path, "internet")?,
            encryption: self.string(map.get("encryption"), &sub(path, "encryption"))?,
            tags: self.string_list(map.get("tags"), &sub(path, "tags"))?,
            data_assets_processed: self.string_list(
                map.get("data_assets_processed"),
                &sub(path, "data_assets_processed"),
            )?,
            data_assets_stored: self.string_list(
                map.get("data_assets_stored"),
                &sub(path, "data_assets_stored"),
            )?,
            communication_links,
        })
    }

    fn link(&self, path: &str, title: String, map: &Mapping) -> Result<Link, ImportError> {
        let target_path = sub(path, "target");
        let target = match self.string(map.get("target"), &target_path)? {
            Some(target) if !target.trim().is_empty() => target.trim().to_owned(),
            _ => {
                return Err(self.wrong(
                    &target_path,
                    "the id of a technical asset",
                    map.get("target"),
                ));
            }
        };
        Ok(Link {
            title,
            target,
            description: self.text(map, path, "description")?,
            protocol: self.string(map.get("protocol"), &sub(path, "protocol"))?,
            authentication: self.string(map.get("authentication"), &sub(path, "authentication"))?,
            authorization: self.string(map.get("authorization"), &sub(path, "authorization"))?,
            tags: self.string_list(map.get("tags"), &sub(path, "tags"))?,
            vpn: self.flag(map, path, "vpn")?,
            ip_filtered: self.flag(map, path, "ip_filtered")?,
            readonly: self.flag(map, path, "readonly")?,
            usage: self.string(map.get("usage"), &sub(path, "usage"))?,
            data_assets_sent: self
                .string_list(map.get("data_assets_sent"), &sub(path, "data_assets_sent"))?,
            data_assets_received: self.string_list(
                map.get("data_assets_received"),
                &sub(path, "data_assets_received"),
            )?,
        })
    }
}
