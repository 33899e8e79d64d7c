//! `trustmap export --otm`: writing a model as Open Threat Model JSON.

use std::path::Path;

use anyhow::{Context as _, Result};
use trustmap_model::Document;

use super::input::write_new_file;

/// Writes `document` as OTM JSON to `path`, replacing the file atomically if it exists.
pub fn write_otm(document: &Document, path: &Path) -> Result<()> {
    let value = trustmap_model::import::export_otm(document);
    let mut text = serde_json::to_string_pretty(&value)
        .with_context(|| format!("failed to write {} as JSON", path.display()))?;
    text.push('\n');
    write_new_file(path, &text, true)?;
    log::info!("wrote {} as Open Threat Model JSON", path.display());
    Ok(())
}
