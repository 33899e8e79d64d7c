//! The request form: a principal, an action, a resource and a context, evaluated against
//! the selected store with Cedar's authorizer.

use std::sync::Arc;

use egui::{Color32, RichText};
use trustmap_model::graph::Graph;
use trustmap_model::policy::{
    AuthorizationRequest, Outcome, RequestChoices, evaluate_request, request_choices,
};

use super::FORM_WIDTH;
use crate::gui::app::TrustmapApp;

/// The request form's fields and its last result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestForm {
    /// The store the fields were filled for.
    pub store: String,
    /// The principal's uid.
    pub principal: String,
    /// The action's id.
    pub action: String,
    /// The resource's uid.
    pub resource: String,
    /// The context as JSON.
    pub context: String,
    /// The last decision, or the reason the request could not be evaluated, with the
    /// document generation it was computed on.
    pub result: Option<(u64, Result<Outcome, String>)>,
}

/// Draws the request form for a store.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui, id: &str) {
    ui.label(RichText::new("Test a request").strong());
    let choices = match choices(app, id) {
        Ok(choices) => choices,
        Err(message) => {
            ui.colored_label(ui.visuals().error_fg_color, message);
            return;
        }
    };
    let form = &mut app.panels.policies.form;
    if form.store != id {
        *form = RequestForm {
            store: id.to_owned(),
            principal: choices.principals.first().cloned().unwrap_or_default(),
            action: choices.actions.first().cloned().unwrap_or_default(),
            resource: choices.resources.first().cloned().unwrap_or_default(),
            context: choices.worst_case_context.clone(),
            result: None,
        };
    }

    uid_field(ui, "Principal", &mut form.principal, &choices.principals);
    egui::ComboBox::from_label("Action")
        .selected_text(form.action.clone())
        .width(FORM_WIDTH - 120.0)
        .show_ui(ui, |ui| {
            for action in &choices.actions {
                ui.selectable_value(&mut form.action, action.clone(), action);
            }
        });
    uid_field(ui, "Resource", &mut form.resource, &choices.resources);

    let label = ui.label("Context (JSON)");
    ui.add(
        egui::TextEdit::multiline(&mut form.context)
            .id_salt("request-context")
            .code_editor()
            .desired_rows(5)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);

    let mut evaluate = false;
    ui.horizontal(|ui| {
        evaluate = ui.button("Evaluate").clicked();
        if ui.button("Worst-case context").clicked() {
            form.context.clone_from(&choices.worst_case_context);
        }
    });
    if evaluate {
        let request = AuthorizationRequest {
            store: id.to_owned(),
            principal: form.principal.clone(),
            action: form.action.clone(),
            resource: form.resource.clone(),
            context: form.context.clone(),
        };
        let graph = Graph::new(&app.doc);
        let result = evaluate_request(&graph, &mut app.panels.policies.cache, &request)
            .map_err(|error| error.to_string());
        app.panels.policies.form.result = Some((app.generation(), result));
    }
    show_result(app, ui);
}

/// Draws a free-form uid field with a menu of the model's entities that fills it.
fn uid_field(ui: &mut egui::Ui, name: &str, value: &mut String, options: &[String]) {
    ui.horizontal(|ui| {
        let label = ui.label(name);
        ui.add(
            egui::TextEdit::singleline(value)
                .id_salt(("request-uid", name))
                .desired_width(FORM_WIDTH - 80.0),
        )
        .labelled_by(label.id);
    });
    // The menu shows the field's value when it is one of the model's entities, so a
    // choice made in it stays in view.
    let chosen = if options.contains(value) {
        value.clone()
    } else {
        "choose…".to_owned()
    };
    egui::ComboBox::from_label(format!("{name} from the model"))
        .selected_text(chosen)
        .width(FORM_WIDTH - 180.0)
        .show_ui(ui, |ui| {
            for option in options {
                ui.selectable_value(value, option.clone(), option);
            }
        });
}

fn show_result(app: &TrustmapApp, ui: &mut egui::Ui) {
    let Some((generation, result)) = &app.panels.policies.form.result else {
        return;
    };
    ui.add_space(4.0);
    if *generation != app.generation() {
        ui.label(RichText::new("Evaluated before the last edit.").italics());
    }
    match result {
        Ok(outcome) => {
            let (text, color) = if outcome.allowed {
                ("Allow", Color32::from_rgb(22, 163, 74))
            } else {
                ("Deny", Color32::from_rgb(220, 38, 38))
            };
            ui.label(RichText::new(text).color(color).strong().size(16.0));
            if outcome.reasons.is_empty() {
                ui.label("No policy decided: nothing permits the request, so it is denied.");
            } else {
                ui.label(format!("Decided by: {}", outcome.reasons.join(", ")));
            }
            for (policy, message) in &outcome.errors {
                let place = if policy.is_empty() {
                    String::new()
                } else {
                    format!("{policy}: ")
                };
                ui.colored_label(ui.visuals().error_fg_color, format!("{place}{message}"));
            }
        }
        Err(message) => {
            ui.colored_label(ui.visuals().error_fg_color, message);
        }
    }
}

/// Returns what a request to the store can name, recomputed when the document changes.
fn choices(app: &mut TrustmapApp, id: &str) -> Result<Arc<RequestChoices>, String> {
    let generation = app.generation();
    let state = &mut app.panels.policies;
    let fresh = matches!(&state.choices, Some((at, store, _)) if *at == generation && store == id);
    if !fresh {
        let graph = Graph::new(&app.doc);
        let computed = request_choices(&graph, &mut state.cache, id)
            .map(Arc::new)
            .map_err(|error| error.to_string());
        state.choices = Some((generation, id.to_owned(), computed));
    }
    match &state.choices {
        Some((_, _, choices)) => choices.clone(),
        None => Err(format!("no choices for policy store {id:?}")),
    }
}
