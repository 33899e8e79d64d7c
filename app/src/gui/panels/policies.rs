//! The policies tab: the document's Cedar policy stores, an editor for each store's policy
//! text and schema with the review's problems marked at their place, and a form that
//! evaluates one request against a store.
//!
//! Typing changes a draft, not the document. The draft becomes one `ReplacePolicyStore`
//! edit when the editor loses the focus or after [`PAUSE_SECONDS`] without a keystroke, so
//! a burst of typing is one undo step, and the review reruns on it. While no draft is
//! pending, the editor shows the document's text, so undo and redo show there too.

mod highlight;
mod mappings;
mod request_form;

use std::ops::Range;
use std::sync::Arc;

use egui::RichText;
use egui::text::{CCursor, CCursorRange};
use trustmap_model::document::{PolicyStore, TemplateLink};
use trustmap_model::edit::Edit;
use trustmap_model::graph::Graph;
use trustmap_model::policy::facts::cedar_checks;
use trustmap_model::policy::{PolicyCache, Problem, RequestChoices, Stage};

use crate::gui::app::TrustmapApp;

pub use mappings::MappingDrafts;
pub use request_form::RequestForm;

/// Seconds without a keystroke after which a draft becomes an edit.
pub const PAUSE_SECONDS: f64 = 1.0;

/// The text that a new store starts with.
const NEW_STORE_TEXT: &str = "// Cedar policies of this store, each ending with `;`.\n";

/// The text that a store's own schema starts with.
const NEW_SCHEMA_TEXT: &str = "// The Cedar schema of this store, in Cedar's schema syntax.\n";

/// Width of the list of stores, in points.
const LIST_WIDTH: f32 = 200.0;

/// Width of the request form, in points.
const FORM_WIDTH: f32 = 380.0;

/// One of the two texts of a store that the tab edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The policies and templates.
    Policies,
    /// The store's own schema.
    Schema,
}

impl Field {
    /// Returns the id of the field's editor, under which egui keeps its cursor.
    pub fn editor_id(self) -> egui::Id {
        egui::Id::unique(("policies-editor", self))
    }
}

/// The text of one field being edited, ahead of the document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    /// The store whose text this is.
    pub store: String,
    /// The text in the editor.
    pub text: String,
    /// The time (egui's input time, in seconds) of the last change not yet applied.
    pub edited_at: Option<f64>,
    /// The reason the last attempt to apply the draft was rejected. The draft is kept until
    /// the next change.
    pub rejected: Option<String>,
}

impl Draft {
    /// Returns whether the draft contains changes the document lacks.
    pub fn is_pending(&self) -> bool {
        self.edited_at.is_some() || self.rejected.is_some()
    }

    /// Shows the document's text unless the draft contains changes to the same store.
    fn sync(&mut self, store: &str, committed: &str) {
        if self.store != store || (!self.is_pending() && self.text != committed) {
            self.store = store.to_owned();
            self.text = committed.to_owned();
            self.edited_at = None;
            self.rejected = None;
        }
    }
}

/// A template link being written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkForm {
    /// Id of the template in the store's text.
    pub template: String,
    /// Id of the linked policy.
    pub id: String,
    /// Node id that fills `?principal`, or empty.
    pub principal: String,
    /// Node id that fills `?resource`, or empty.
    pub resource: String,
}

/// The tab's own state.
#[derive(Default)]
pub struct PoliciesState {
    /// The selected store's id.
    pub selected: Option<String>,
    /// The id being typed for a rename.
    pub new_id: String,
    /// The last refusal or failure of a store command, shown in the tab.
    pub message: Option<String>,
    /// The policy text being edited.
    pub policies: Draft,
    /// The schema text being edited.
    pub schema: Draft,
    /// The request form.
    pub form: RequestForm,
    /// The template link being written.
    pub link: LinkForm,
    /// The text in the mapping fields.
    pub mappings: MappingDrafts,
    /// The place a clicked problem moves the cursor to: the field and the character index.
    pub cursor: Option<(Field, usize)>,
    choices: Option<(u64, String, Result<Arc<RequestChoices>, String>)>,
    cache: PolicyCache,
}

impl std::fmt::Debug for PoliciesState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoliciesState")
            .field("selected", &self.selected)
            .field("new_id", &self.new_id)
            .field("message", &self.message)
            .field("policies", &self.policies)
            .field("schema", &self.schema)
            .field("form", &self.form)
            .field("link", &self.link)
            .field("mappings", &self.mappings)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

/// Draws the policies tab.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    select_existing(app);
    let list_width = LIST_WIDTH.min(ui.available_width() / 4.0);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(list_width);
            store_list(app, ui);
        });
        ui.separator();
        let Some(id) = app.panels.policies.selected.clone() else {
            ui.label("The model has no policy stores. Add one to write Cedar policies.");
            return;
        };
        let editor_width = (ui.available_width() - FORM_WIDTH - 16.0).max(200.0);
        ui.vertical(|ui| {
            ui.set_width(editor_width);
            store_details(app, ui, &id);
        });
        ui.separator();
        ui.vertical(|ui| {
            ui.set_width(ui.available_width().min(FORM_WIDTH));
            request_form::show(app, ui, &id);
        });
    });
    schedule_commit(app, ui);
}

/// Keeps the selection on a store that exists, the first one by default.
fn select_existing(app: &mut TrustmapApp) {
    let state = &mut app.panels.policies;
    let exists = state
        .selected
        .as_ref()
        .is_some_and(|id| app.doc.policy_store(id).is_some());
    if !exists {
        state.selected = app.doc.policy_stores.first().map(|store| store.id.clone());
        if let Some(id) = &state.selected {
            state.new_id.clone_from(id);
        }
    }
}

fn store_list(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    ui.label(RichText::new("Policy stores").strong());
    let problems = &app.review.current().review.policy_problems;
    let mut clicked = None;
    for store in &app.doc.policy_stores {
        let errors = problems
            .iter()
            .filter(|problem| problem.store == store.id && problem.is_error())
            .count();
        let title = match errors {
            0 => store.id.clone(),
            1 => format!("{} (1 error)", store.id),
            count => format!("{} ({count} errors)", store.id),
        };
        let selected = app.panels.policies.selected.as_deref() == Some(store.id.as_str());
        if ui.selectable_label(selected, title).clicked() && !selected {
            clicked = Some(store.id.clone());
        }
    }
    if let Some(id) = clicked {
        select(app, id);
    }

    ui.add_space(4.0);
    if ui.button("Add store").clicked() {
        add_store(app);
    }
    if let Some(id) = app.panels.policies.selected.clone() {
        ui.horizontal(|ui| {
            let label = ui.label("New id");
            ui.add(
                egui::TextEdit::singleline(&mut app.panels.policies.new_id)
                    .id_salt("policy-store-new-id")
                    .desired_width(110.0),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            if ui.button("Rename store").clicked() {
                rename_store(app, &id);
            }
            if ui.button("Delete store").clicked() {
                delete_store(app, &id);
            }
        });
    }
    if let Some(message) = &app.panels.policies.message {
        ui.colored_label(ui.visuals().error_fg_color, message);
    }
}

/// Selects a store, applying the drafts of the one selected before.
fn select(app: &mut TrustmapApp, id: String) {
    commit(app);
    let state = &mut app.panels.policies;
    state.new_id.clone_from(&id);
    state.selected = Some(id);
    state.message = None;
    state.cursor = None;
}

fn add_store(app: &mut TrustmapApp) {
    commit(app);
    let id = (1..)
        .map(|n| format!("policy-store-{n}"))
        .find(|id| app.doc.policy_store(id).is_none())
        .unwrap_or_default();
    let edit = Edit::AddPolicyStore {
        store: PolicyStore {
            id: id.clone(),
            policies: NEW_STORE_TEXT.to_owned(),
            ..PolicyStore::default()
        },
        index: app.doc.policy_stores.len(),
    };
    if app.apply(edit) {
        select(app, id);
    } else {
        app.panels.policies.message = app.edit_error.clone();
    }
}

fn rename_store(app: &mut TrustmapApp, id: &str) {
    commit(app);
    let to = app.panels.policies.new_id.trim().to_owned();
    if to == id {
        return;
    }
    let edit = Edit::RenamePolicyStore {
        from: id.to_owned(),
        to: to.clone(),
    };
    if app.apply(edit) {
        select(app, to);
    } else {
        app.panels.policies.message = app
            .edit_error
            .as_ref()
            .map(|error| format!("Could not rename {id:?}: {error}"));
    }
}

fn delete_store(app: &mut TrustmapApp, id: &str) {
    let users = flows_naming(app, id);
    if !users.is_empty() {
        let list = users
            .iter()
            .map(|flow| format!("{flow:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        app.panels.policies.message = Some(format!(
            "Policy store {id:?} is not deleted because flows name it: {list}. \
             Point those flows at another store first."
        ));
        return;
    }
    // The drafts belong to the store that goes, so they are dropped rather than applied.
    app.panels.policies.policies = Draft::default();
    app.panels.policies.schema = Draft::default();
    if app.apply(Edit::RemovePolicyStore { id: id.to_owned() }) {
        app.panels.policies.selected = None;
        app.panels.policies.message = None;
    } else {
        app.panels.policies.message = app.edit_error.clone();
    }
}

/// Returns the ids of the flows whose Cedar checks name the store, in document order.
fn flows_naming(app: &TrustmapApp, store: &str) -> Vec<String> {
    let graph = Graph::new(&app.doc);
    graph
        .all_flows()
        .into_iter()
        .filter(|&(edge, _, _)| {
            cedar_checks(&graph, edge)
                .iter()
                .any(|check| check.store == store)
        })
        .map(|(edge, _, _)| graph.edge(edge).id.clone())
        .collect()
}

fn store_details(app: &mut TrustmapApp, ui: &mut egui::Ui, id: &str) {
    let Some(store) = app.doc.policy_store(id).cloned() else {
        return;
    };
    let state = &mut app.panels.policies;
    state.policies.sync(id, &store.policies);
    if let Some(schema) = &store.schema {
        state.schema.sync(id, schema);
    }

    let problems: Vec<Problem> = app
        .review
        .current()
        .review
        .policy_problems
        .iter()
        .filter(|problem| problem.store == id)
        .cloned()
        .collect();
    let (schema_problems, policy_problems): (Vec<Problem>, Vec<Problem>) = problems
        .into_iter()
        .partition(|problem| problem.stage == Stage::Schema && store.schema.is_some());
    // The review's places match the editor's text only once the draft is applied and the
    // review has caught up with it.
    let current = !app.review.is_pending();

    ui.label(RichText::new(format!("Policies of {id}")).strong());
    let current_policies = current && app.panels.policies.policies.text == store.policies;
    editor(
        app,
        ui,
        Field::Policies,
        id,
        &policy_problems,
        current_policies,
    );
    problem_list(app, ui, Field::Policies, &policy_problems, current_policies);

    links(app, ui, &store);

    ui.add_space(6.0);
    let mut own_schema = store.schema.is_some();
    if ui
        .checkbox(
            &mut own_schema,
            "Own schema (otherwise derived from the model)",
        )
        .changed()
    {
        set_own_schema(app, &store, own_schema);
    }
    if let Some(schema) = &store.schema {
        let current_schema = current && app.panels.policies.schema.text == *schema;
        editor(app, ui, Field::Schema, id, &schema_problems, current_schema);
        problem_list(app, ui, Field::Schema, &schema_problems, current_schema);
    } else if !schema_problems.is_empty() {
        problem_list(app, ui, Field::Schema, &schema_problems, false);
    }

    mappings::show(app, ui, &store);
}

/// Draws a monospace editor for one field, with each problem's text highlighted.
fn editor(
    app: &mut TrustmapApp,
    ui: &mut egui::Ui,
    field: Field,
    store: &str,
    problems: &[Problem],
    current: bool,
) {
    let editor_id = field.editor_id();
    if let Some((wanted, char_index)) = app.panels.policies.cursor
        && wanted == field
    {
        let mut state = egui::TextEdit::load_state(ui.ctx(), editor_id).unwrap_or_default();
        let cursor = CCursor::new(char_index);
        state.cursor.set_char_range(Some(CCursorRange::one(cursor)));
        egui::TextEdit::store_state(ui.ctx(), editor_id, state);
        ui.memory_mut(|memory| memory.request_focus(editor_id));
        app.panels.policies.cursor = None;
    }

    let draft = match field {
        Field::Policies => &mut app.panels.policies.policies,
        Field::Schema => &mut app.panels.policies.schema,
    };
    let spans: Vec<Range<usize>> = if current {
        problems
            .iter()
            .map(|problem| problem.span_in(&draft.text))
            .collect()
    } else {
        Vec::new()
    };
    let error_color = ui.visuals().error_fg_color;
    let text_color = ui.visuals().text_color();
    let mut layouter = |ui: &egui::Ui, text: &dyn egui::TextBuffer, wrap_width: f32| {
        let mut job = highlight::highlighted(text.as_str(), &spans, text_color, error_color);
        job.wrap.max_width = wrap_width;
        ui.fonts_mut(|fonts| fonts.layout_job(job))
    };

    let name = match field {
        Field::Policies => format!("Policy text of {store}"),
        Field::Schema => format!("Schema text of {store}"),
    };
    let label = ui.label(&name);
    let response = ui
        .add(
            egui::TextEdit::multiline(&mut draft.text)
                .id(editor_id)
                .code_editor()
                .desired_rows(8)
                .desired_width(f32::INFINITY)
                .layouter(&mut layouter),
        )
        .labelled_by(label.id);
    if response.changed() {
        draft.edited_at = Some(ui.input(|input| input.time));
        draft.rejected = None;
    }
    if response.lost_focus() {
        commit(app);
    }
    if let Some(rejected) = &draft_of(app, field).rejected {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Not applied: {rejected}"),
        );
    }
}

fn draft_of(app: &TrustmapApp, field: Field) -> &Draft {
    match field {
        Field::Policies => &app.panels.policies.policies,
        Field::Schema => &app.panels.policies.schema,
    }
}

/// Lists the problems of one field with line:column; clicking one puts the cursor there.
fn problem_list(
    app: &mut TrustmapApp,
    ui: &mut egui::Ui,
    field: Field,
    problems: &[Problem],
    current: bool,
) {
    if problems.is_empty() {
        return;
    }
    if !current {
        ui.label(RichText::new("Problems of the applied text:").italics());
    }
    for problem in problems {
        let policy = problem
            .policy
            .as_ref()
            .map(|policy| format!(" in {policy}"))
            .unwrap_or_default();
        let title = format!(
            "{}:{}{policy}: {}",
            problem.line, problem.column, problem.message
        );
        let color = if problem.is_error() {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().warn_fg_color
        };
        let button = egui::Button::new(RichText::new(title).color(color)).frame(false);
        if ui.add(button).clicked() && current {
            let text = &draft_of(app, field).text;
            let offset = problem.span_in(text).start;
            let char_index = text[..offset].chars().count();
            app.panels.policies.cursor = Some((field, char_index));
        }
    }
}

fn links(app: &mut TrustmapApp, ui: &mut egui::Ui, store: &PolicyStore) {
    ui.add_space(6.0);
    ui.label(RichText::new(format!("Template links ({})", store.links.len())).strong());
    let mut remove = None;
    egui::Grid::new("policy-links")
        .striped(true)
        .show(ui, |ui| {
            for (ix, link) in store.links.iter().enumerate() {
                ui.label(RichText::new(&link.id).monospace());
                ui.label(format!("of {}", link.template));
                ui.label(format!(
                    "principal {}",
                    link.principal.as_deref().unwrap_or("(none)")
                ));
                ui.label(format!(
                    "resource {}",
                    link.resource.as_deref().unwrap_or("(none)")
                ));
                if ui.button(format!("Remove link {}", link.id)).clicked() {
                    remove = Some(ix);
                }
                ui.end_row();
            }
        });
    if let Some(ix) = remove {
        commit(app);
        let Some(mut changed) = app.doc.policy_store(&store.id).cloned() else {
            return;
        };
        if ix < changed.links.len() {
            changed.links.remove(ix);
            replace(app, changed);
        }
    }
    link_form(app, ui, &store.id);
}

/// Draws the fields of a new template link and adds it on request.
fn link_form(app: &mut TrustmapApp, ui: &mut egui::Ui, store: &str) {
    let form = &mut app.panels.policies.link;
    let mut add = false;
    ui.horizontal_wrapped(|ui| {
        let fields = [
            ("Template id", &mut form.template),
            ("Link id", &mut form.id),
            ("Principal node", &mut form.principal),
            ("Resource node", &mut form.resource),
        ];
        for (name, value) in fields {
            let label = ui.label(name);
            // A stable id keeps the focus while the problems listed above come and go.
            ui.add(
                egui::TextEdit::singleline(value)
                    .id_salt(("policy-link-form", name))
                    .desired_width(110.0),
            )
            .labelled_by(label.id);
        }
        add = ui.button("Add link").clicked();
    });
    if !add {
        return;
    }

    let form = app.panels.policies.link.clone();
    let (template, id) = (form.template.trim(), form.id.trim());
    if template.is_empty() || id.is_empty() {
        app.panels.policies.message =
            Some("A link needs a template id and its own id; fill both in first.".to_owned());
        return;
    }
    commit(app);
    let Some(mut changed) = app.doc.policy_store(store).cloned() else {
        return;
    };
    let node = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
    changed.links.push(TemplateLink {
        template: template.to_owned(),
        id: id.to_owned(),
        principal: node(&form.principal),
        resource: node(&form.resource),
    });
    if replace(app, changed) {
        app.panels.policies.link = LinkForm::default();
        app.panels.policies.message = None;
    } else {
        app.panels.policies.message = app
            .edit_error
            .as_ref()
            .map(|error| format!("Could not add link {id:?}: {error}"));
    }
}

fn set_own_schema(app: &mut TrustmapApp, store: &PolicyStore, own: bool) {
    commit(app);
    let Some(mut changed) = app.doc.policy_store(&store.id).cloned() else {
        return;
    };
    changed.schema = own.then(|| NEW_SCHEMA_TEXT.to_owned());
    app.panels.policies.schema = Draft::default();
    replace(app, changed);
}

/// Applies the pending drafts once the pause after the last keystroke has passed, and
/// requests a repaint for that time otherwise.
fn schedule_commit(app: &mut TrustmapApp, ui: &egui::Ui) {
    let now = ui.input(|input| input.time);
    let state = &app.panels.policies;
    let last = [&state.policies, &state.schema]
        .into_iter()
        .filter_map(|draft| draft.edited_at)
        .reduce(f64::max);
    let Some(last) = last else {
        return;
    };
    let left = PAUSE_SECONDS - (now - last);
    if left <= 0.0 {
        commit(app);
    } else {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(left));
    }
}

/// Applies the drafts of the selected store as one `ReplacePolicyStore` edit, if they
/// differ from the document.
pub fn commit(app: &mut TrustmapApp) {
    let state = &mut app.panels.policies;
    let pending = state.policies.edited_at.is_some() || state.schema.edited_at.is_some();
    state.policies.edited_at = None;
    state.schema.edited_at = None;
    if !pending {
        return;
    }
    let Some(id) = state.selected.clone() else {
        return;
    };
    let Some(mut changed) = app.doc.policy_store(&id).cloned() else {
        return;
    };
    if state.policies.store == id {
        changed.policies.clone_from(&state.policies.text);
    }
    if changed.schema.is_some() && state.schema.store == id {
        changed.schema = Some(state.schema.text.clone());
    }
    if app.doc.policy_store(&id) == Some(&changed) {
        return;
    }
    if !replace(app, changed) {
        let error = app.edit_error.clone().unwrap_or_default();
        let state = &mut app.panels.policies;
        state.policies.rejected = Some(error.clone());
        if state.schema.store == id {
            state.schema.rejected = Some(error);
        }
    }
}

fn replace(app: &mut TrustmapApp, store: PolicyStore) -> bool {
    let applied = app.apply(Edit::ReplacePolicyStore {
        id: store.id.clone(),
        store,
    });
    if applied {
        let state = &mut app.panels.policies;
        state.policies.rejected = None;
        state.schema.rejected = None;
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_follows_the_document_unless_pending() {
        let mut draft = Draft::default();
        draft.sync("s", "one");
        assert_eq!(draft.text, "one");

        // Undo changed the document: a draft without changes shows it.
        draft.sync("s", "two");
        assert_eq!(draft.text, "two");

        // A pending draft keeps the typed text until it is applied.
        draft.text = "typed".to_owned();
        draft.edited_at = Some(1.0);
        draft.sync("s", "two");
        assert_eq!(draft.text, "typed");

        // Another store always shows its own text.
        draft.sync("t", "other");
        assert_eq!(draft.text, "other");
        assert!(!draft.is_pending());
    }
}
