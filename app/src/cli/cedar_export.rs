//! `trustmap export --cedar-schema S --cedar-entities E`: the Cedar schema and entities
//! derived from a model, as the JSON that Cedar and Amazon Verified Permissions read (the
//! schema as a store's `cedarJson` schema, the entities as Cedar's entity list).

use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result};
use trustmap_model::Document;
use trustmap_model::graph::Graph;
use trustmap_model::policy::derive;

/// Writes the derived schema and entities of a model to the paths given.
pub fn write_cedar(
    document: &Document,
    schema_path: Option<&Path>,
    entities_path: Option<&Path>,
) -> Result<()> {
    let graph = Graph::new(document);
    if let Some(path) = schema_path {
        write_json(path, &derive::model_schema_json(&graph))?;
    }
    if let Some(path) = entities_path {
        write_json(path, &derive::model_entities_json(&graph))?;
    }
    Ok(())
}

fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    fs::write(path, text).with_context(|| format!("failed to write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_schema_and_entities_load_in_cedar() {
        let template = trustmap_model::templates::TEMPLATES
            .iter()
            .find(|template| template.name == "aws-pci-zero-trust")
            .expect("template");
        let document: Document = ron::from_str(template.text).expect("template parses");
        let dir = tempfile::tempdir().expect("temp dir");
        let (schema_path, entities_path) = (dir.path().join("s.json"), dir.path().join("e.json"));
        write_cedar(&document, Some(&schema_path), Some(&entities_path)).expect("written");

        let schema_text = fs::read_to_string(&schema_path).expect("schema");
        let schema = cedar_policy::Schema::from_json_str(&schema_text).expect("schema loads");
        let entities_text = fs::read_to_string(&entities_path).expect("entities");
        let entities = cedar_policy::Entities::from_json_str(&entities_text, Some(&schema))
            .expect("entities conform to the schema");
        // Every node but the zones' contents' count: each entity kind appears.
        let engineer: cedar_policy::EntityUid = r#"Trustmap::WorkforceUser::"support-engineer""#
            .parse()
            .expect("uid");
        let entity = entities.get(&engineer).expect("the support engineer");
        assert!(
            entity
                .clone()
                .into_inner()
                .2
                .iter()
                .any(|parent| parent.id().unescaped() == "support-engineers")
        );
    }
}
