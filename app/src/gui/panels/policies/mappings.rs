//! The two mapping tables of a store, as editable fields: the entity type each node kind
//! maps to, which a store with its own schema needs, and the paths where the store reads
//! the worst-case context attributes. A field becomes one `ReplacePolicyStore` edit when it
//! loses the focus or Enter is pressed; an emptied field removes its entry.

use std::collections::BTreeMap;

use egui::RichText;
use trustmap_model::document::PolicyStore;
use trustmap_model::policy::derive::{CONTEXT_ATTRIBUTES, EntityKind};

use crate::gui::app::TrustmapApp;

/// One of a store's two mapping tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Table {
    /// `entity_types`: node kind to Cedar entity type.
    EntityTypes,
    /// `context_paths`: standard context attribute to the store's path.
    ContextPaths,
}

/// The text in the mapping fields of one store, ahead of the document while a field has
/// the focus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappingDrafts {
    store: String,
    texts: BTreeMap<(Table, &'static str), String>,
}

/// Draws both tables of `store`. The entity types show only with an own schema, since a
/// store without one uses the derived types.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui, store: &PolicyStore) {
    let drafts = &mut app.panels.policies.mappings;
    if drafts.store != store.id {
        *drafts = MappingDrafts {
            store: store.id.clone(),
            texts: BTreeMap::new(),
        };
    }

    let mut changed = None;
    if store.schema.is_some() {
        ui.add_space(6.0);
        ui.label(RichText::new("Entity types of the own schema").strong());
        let rows: Vec<(&'static str, String)> = EntityKind::ALL
            .iter()
            .map(|kind| {
                (
                    kind.key(),
                    format!("for example Bank::{}", kind.type_name()),
                )
            })
            .collect();
        changed = table_fields(app, ui, store, Table::EntityTypes, &rows).or(changed);
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Context paths").strong());
    let rows: Vec<(&'static str, String)> = CONTEXT_ATTRIBUTES
        .iter()
        .map(|(standard, _)| (*standard, format!("standard: {standard}")))
        .collect();
    changed = table_fields(app, ui, store, Table::ContextPaths, &rows).or(changed);

    if let Some((table, key, value)) = changed {
        apply(app, &store.id, table, key, &value);
    }
}

/// Draws one table's fields, `rows` giving each key and its hint. Returns the field whose
/// text was just confirmed with a value other than the document's.
fn table_fields(
    app: &mut TrustmapApp,
    ui: &mut egui::Ui,
    store: &PolicyStore,
    table: Table,
    rows: &[(&'static str, String)],
) -> Option<(Table, &'static str, String)> {
    let mut confirmed = None;
    for (key, hint) in rows {
        let committed = current(store, table, key);
        let text = app
            .panels
            .policies
            .mappings
            .texts
            .entry((table, key))
            .or_insert_with(|| committed.clone());
        // One row a mapping, with the keys in a column of fixed width, so each value field
        // gets its full width.
        let response = ui
            .horizontal(|ui| {
                let label = ui.add_sized(
                    [KEY_WIDTH, ui.spacing().interact_size.y],
                    egui::Label::new(*key),
                );
                ui.add(
                    egui::TextEdit::singleline(text)
                        // A stable id keeps the focus while the review's problems, listed
                        // above, come and go.
                        .id_salt(("policy-mapping", table, *key))
                        .hint_text(hint)
                        .font(egui::TextStyle::Monospace)
                        .desired_width(VALUE_WIDTH),
                )
                .labelled_by(label.id)
            })
            .inner;
        if response.lost_focus() {
            if text.trim() != committed {
                confirmed = Some((table, *key, text.trim().to_owned()));
            }
        } else if !response.has_focus() && *text != committed {
            // Undo or redo changed the document: show it.
            text.clone_from(&committed);
        }
    }
    confirmed
}

/// Width of the column of mapping keys, in points.
const KEY_WIDTH: f32 = 120.0;

/// Width of a mapping's value field, in points.
const VALUE_WIDTH: f32 = 240.0;

/// Returns the document's value of one entry, or an empty text.
fn current(store: &PolicyStore, table: Table, key: &str) -> String {
    match table {
        Table::EntityTypes => EntityKind::ALL
            .iter()
            .find(|kind| kind.key() == key)
            .and_then(|kind| {
                store
                    .entity_types
                    .get(key)
                    .or_else(|| store.entity_types.get(kind.type_name()))
            }),
        Table::ContextPaths => store.context_paths.get(key),
    }
    .cloned()
    .unwrap_or_default()
}

/// Sets one entry of a store's table, or removes it when `value` is empty, as one edit.
fn apply(app: &mut TrustmapApp, id: &str, table: Table, key: &'static str, value: &str) {
    super::commit(app);
    let Some(mut changed) = app.doc.policy_store(id).cloned() else {
        return;
    };
    let map = match table {
        Table::EntityTypes => {
            // An entry may be keyed by the type's name instead, so the kind's key replaces it.
            if let Some(kind) = EntityKind::ALL.iter().find(|kind| kind.key() == key) {
                changed.entity_types.remove(kind.type_name());
            }
            &mut changed.entity_types
        }
        Table::ContextPaths => &mut changed.context_paths,
    };
    if value.is_empty() {
        map.remove(key);
    } else {
        map.insert(key.to_owned(), value.to_owned());
    }
    if !super::replace(app, changed) {
        let error = app.edit_error.clone().unwrap_or_default();
        app.panels.policies.message = Some(format!("Failed to set {key} to {value:?}: {error}"));
    }
}
