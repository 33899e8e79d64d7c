//! Tests that drive the policies tab through egui_kittest on the blueprint template: the
//! store list and its commands, the editor with its inline problems and undo, and the
//! request form against the real Cedar authorizer.

use std::path::Path;

use egui::{Key, Modifiers, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use trustmap_model::document::{Authorization, EdgeKind};
use trustmap_model::policy::Stage;

use super::app::TrustmapApp;
use super::export::FileFilter;
use super::files::{DialogAnswer, FileDialogs, RecentFiles};
use super::panels::policies::{Field, PAUSE_SECONDS};

/// File dialogs that never show, for tests and measurements that open no files.
pub(super) struct NoDialogs;

impl FileDialogs for NoDialogs {
    fn pick_open(&mut self, _start: Option<&Path>) -> DialogAnswer {
        DialogAnswer::Unavailable
    }

    fn pick_save(&mut self, _start: Option<&Path>, _file_name: &str) -> DialogAnswer {
        DialogAnswer::Unavailable
    }

    fn pick_export(
        &mut self,
        _start: Option<&Path>,
        _file_name: &str,
        _filter: &FileFilter,
    ) -> DialogAnswer {
        DialogAnswer::Unavailable
    }
}

const PAYMENTS: &str = "payments-policies";
const WORKFORCE: &str = "workforce-access-policies";

/// The text typed into the payments store in front of its first line. Its `}` follows
/// `1 +`, where Cedar expects an expression: 48 characters precede it, so Cedar reports
/// line 1, column 49.
const BROKEN: &str = "forbid (principal, action, resource) when { 1 + };";

/// Steps of 1/60 s that outlast the pause after which typing becomes an edit.
const PAUSE_STEPS: usize = (PAUSE_SECONDS * 60.0) as usize + 10;

/// Returns a harness around the window with the blueprint template open on the
/// policies tab. The harness checks the accessible names whenever the window settles.
fn blueprint_on_policies_tab() -> Harness<'static, TrustmapApp> {
    let mut app = TrustmapApp::new(Box::new(NoDialogs), RecentFiles::in_memory());
    app.request_new("aws-pci-zero-trust");
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1600.0, 1000.0))
        .with_step_dt(1.0 / 60.0)
        .with_theme(egui::Theme::Light)
        .with_context_setup(super::text::setup_context)
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut TrustmapApp| app.show(ui), app);
    harness.run_steps(3);
    assert_eq!(
        harness.state().doc.policy_stores.len(),
        2,
        "the blueprint opened"
    );
    harness.get_by_label("Policies").click();
    harness.run_steps(3);
    harness
}

/// Replaces the text of a single-line field with `text`.
fn type_into(harness: &mut Harness<'_, TrustmapApp>, field: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, field)
        .focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(egui::Event::Text(text.to_owned()));
    harness.run_steps(2);
}

/// Steps the window until the review has caught up with the document. A review of the
/// blueprint may take longer than a frame allows and then runs on a worker thread.
fn settle_review(harness: &mut Harness<'_, TrustmapApp>) {
    let start = std::time::Instant::now();
    while harness.state().review.is_pending() && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
    assert!(!harness.state().review.is_pending(), "the review finished");
    harness.run_steps(2);
}

fn choose(harness: &mut Harness<'_, TrustmapApp>, combo: &str, option: &str) {
    harness
        .get_by_role_and_label(Role::ComboBox, combo)
        .click_accesskit();
    harness.run_steps(2);
    harness.get_by_label(option).click_accesskit();
    harness.run_steps(2);
}

fn evaluate(harness: &mut Harness<'_, TrustmapApp>) {
    harness.get_by_label("Evaluate").click_accesskit();
    harness.run_steps(2);
}

fn select_store(harness: &mut Harness<'_, TrustmapApp>, id: &str) {
    harness.get_by_label(id).click_accesskit();
    harness.run_steps(3);
}

#[test]
fn tab_lists_both_stores() {
    let mut harness = blueprint_on_policies_tab();
    harness.get_by_label(PAYMENTS);
    harness.get_by_label(WORKFORCE);
    harness.get_by_role_and_label(Role::MultilineTextInput, "Policy text of payments-policies");
    assert_eq!(
        harness.state().panels.policies.policies.text,
        harness.state().doc.policy_stores[0].policies,
        "the editor shows the first store's text"
    );

    select_store(&mut harness, WORKFORCE);
    harness.get_by_role_and_label(
        Role::MultilineTextInput,
        "Policy text of workforce-access-policies",
    );
    assert!(
        harness
            .state()
            .panels
            .policies
            .policies
            .text
            .contains("refuse-risky-sessions")
    );
}

#[test]
fn cardholder_may_create_a_payment() {
    // "cardholders-create-payments" permits any customer CreatePayment on a resource in the
    // payments account, and the payments edge sits in that account.
    let mut harness = blueprint_on_policies_tab();
    choose(
        &mut harness,
        "Principal from the model",
        r#"Trustmap::Customer::"cardholder""#,
    );
    choose(&mut harness, "Action", "CreatePayment");
    type_into(
        &mut harness,
        "Resource",
        r#"Trustmap::Gateway::"payments-edge""#,
    );
    evaluate(&mut harness);

    harness.get_by_label("Allow");
    harness.get_by_label("Decided by: cardholders-create-payments");
    let form = &harness.state().panels.policies.form;
    assert_eq!(form.principal, r#"Trustmap::Customer::"cardholder""#);
    let (_, result) = form.result.as_ref().expect("a result");
    let outcome = result.as_ref().expect("the request is valid");
    assert!(outcome.allowed);
    // The menus show what was chosen and the typed value they also list.
    let menu = |label: &str| {
        harness
            .get_by_role_and_label(Role::ComboBox, label)
            .value()
            .unwrap_or_default()
    };
    assert_eq!(
        menu("Principal from the model"),
        r#"Trustmap::Customer::"cardholder""#
    );
    assert_eq!(
        menu("Resource from the model"),
        r#"Trustmap::Gateway::"payments-edge""#
    );
    assert!(outcome.errors.is_empty());
}

#[test]
fn processor_may_not_create_a_payment() {
    // The processor's only permit is for PostSettlementEvent: nothing permits it
    // CreatePayment, so Cedar denies by default and no policy decides.
    let mut harness = blueprint_on_policies_tab();
    type_into(
        &mut harness,
        "Principal",
        r#"Trustmap::Partner::"card-processor""#,
    );
    choose(&mut harness, "Action", "CreatePayment");
    type_into(
        &mut harness,
        "Resource",
        r#"Trustmap::Gateway::"payments-edge""#,
    );
    evaluate(&mut harness);

    harness.get_by_label("Deny");
    harness.get_by_label_contains("No policy decided");
    assert!(harness.query_by_label("Allow").is_none());
}

#[test]
fn worst_case_context_is_refused_as_risky() {
    // The form starts from the worst-case context, whose risk score 100 is over the 70 of
    // "refuse-risky-sessions": that forbid decides, whatever the group permit allows.
    let mut harness = blueprint_on_policies_tab();
    select_store(&mut harness, WORKFORCE);
    choose(
        &mut harness,
        "Principal from the model",
        r#"Trustmap::WorkforceUser::"support-engineer""#,
    );
    type_into(
        &mut harness,
        "Resource",
        r#"Trustmap::Gateway::"workforce-access""#,
    );
    evaluate(&mut harness);

    harness.get_by_label("Deny");
    harness.get_by_label("Decided by: refuse-risky-sessions");
}

#[test]
fn invalid_request_shows_why() {
    let mut harness = blueprint_on_policies_tab();
    type_into(&mut harness, "Principal", "cardholder");
    evaluate(&mut harness);
    harness.get_by_label_contains("invalid principal \"cardholder\"");
    assert!(harness.query_by_label("Allow").is_none());
    assert!(harness.query_by_label("Deny").is_none());
}

#[test]
fn syntax_error_is_marked_and_undo_removes_it() {
    let mut harness = blueprint_on_policies_tab();
    let original = harness.state().doc.policy_stores[0].policies.clone();
    let steps_before = harness.state().history.undo_len();

    // Type at the very start, in three bursts closer together than the pause.
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "Policy text of payments-policies")
        .focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::CTRL, Key::Home);
    harness.step();
    let (first, rest) = BROKEN.split_at(20);
    let (second, third) = rest.split_at(15);
    for chunk in [first, second, third] {
        harness.event(egui::Event::Text(chunk.to_owned()));
        harness.run_steps(10);
    }
    assert_eq!(
        harness.state().doc.policy_stores[0].policies,
        original,
        "the document waits for the pause"
    );
    harness.run_steps(PAUSE_STEPS);
    settle_review(&mut harness);

    let expected = format!("{BROKEN}{original}");
    assert_eq!(harness.state().doc.policy_stores[0].policies, expected);
    assert_eq!(
        harness.state().history.undo_len(),
        steps_before + 1,
        "the burst of typing is one undo step"
    );

    // The review marks the error: in its problems, in the findings, and in the tab.
    let problem = harness
        .state()
        .review
        .current()
        .review
        .policy_problems
        .iter()
        .find(|problem| problem.store == PAYMENTS && problem.stage == Stage::Parse)
        .cloned()
        .expect("a parse problem");
    assert_eq!((problem.line, problem.column), (1, 49), "{problem}");
    assert_eq!(problem.policy.as_deref(), Some("policy0"));
    let span = problem.span_in(&expected);
    assert_eq!(&expected[span.start..span.start + 1], "}");
    let finding = format!("policy store \"{PAYMENTS}\", policy \"policy0\", 1:49");
    assert!(
        harness
            .state()
            .review
            .current()
            .review
            .findings
            .iter()
            .any(|found| found.rule == "ID-3" && found.title.starts_with(&finding)),
        "an ID-3 finding names the place"
    );
    harness.get_by_label_contains("1:49 in policy0:");
    harness.get_by_label(&format!("{PAYMENTS} (1 error)"));

    // Clicking the problem puts the cursor on the `}`, the 49th character.
    harness
        .get_by_label_contains("1:49 in policy0:")
        .click_accesskit();
    harness.run_steps(3);
    let state = egui::TextEdit::load_state(&harness.ctx, Field::Policies.editor_id())
        .expect("the editor keeps its state");
    let cursor = state.cursor.char_range().expect("a cursor");
    assert_eq!(cursor.primary.index.0, 48);

    // The findings tab lists it too.
    harness
        .get_by_label_contains("Findings (")
        .click_accesskit();
    harness.run_steps(3);
    harness.get_by_label_contains(&format!("ID-3  {finding}"));
    harness.get_by_label("Policies").click_accesskit();
    harness.run_steps(3);

    // Undo from the menu brings the text back into the editor and clears the error.
    harness.get_by_label("Edit").click();
    harness.run_steps(2);
    harness.get_by_label("Undo (Ctrl+Z)").click();
    harness.run_steps(3);
    settle_review(&mut harness);
    assert_eq!(harness.state().doc.policy_stores[0].policies, original);
    assert_eq!(harness.state().panels.policies.policies.text, original);
    assert!(
        !harness
            .state()
            .review
            .current()
            .review
            .policy_problems
            .iter()
            .any(|problem| problem.store == PAYMENTS),
        "the store has no problems again"
    );
    assert!(harness.query_by_label_contains("1:49").is_none());
    harness.get_by_label(PAYMENTS);
}

#[test]
fn delete_refuses_while_flows_name_the_store() {
    let mut harness = blueprint_on_policies_tab();
    harness.get_by_label("Delete store").click_accesskit();
    harness.run_steps(2);
    // The first flow naming the payments store, in document order, is the cardholder's.
    harness.get_by_label_contains("not deleted because flows name it: \"cardholder-to-edge\"");
    assert!(harness.state().doc.policy_store(PAYMENTS).is_some());

    // A new store is named by no flow, so it goes, and undo brings it back.
    harness.get_by_label("Add store").click_accesskit();
    harness.run_steps(3);
    assert!(harness.state().doc.policy_store("policy-store-1").is_some());
    assert_eq!(
        harness.state().panels.policies.selected.as_deref(),
        Some("policy-store-1"),
        "the new store is selected"
    );
    harness.get_by_label("Delete store").click_accesskit();
    harness.run_steps(3);
    assert!(harness.state().doc.policy_store("policy-store-1").is_none());
    assert_eq!(harness.state().doc.policy_stores.len(), 2);
}

#[test]
fn rename_follows_into_the_flows() {
    let mut harness = blueprint_on_policies_tab();
    type_into(&mut harness, "New id", "payment-rules");
    harness.get_by_label("Rename store").click_accesskit();
    harness.run_steps(3);

    let doc = &harness.state().doc;
    assert!(doc.policy_store("payment-rules").is_some());
    assert!(doc.policy_store(PAYMENTS).is_none());
    let EdgeKind::Flow(flow) = &doc.edge("cardholder-to-edge").expect("the flow").kind else {
        panic!("cardholder-to-edge is a flow");
    };
    let Authorization::Cedar(check) = &flow.authorization else {
        panic!("the flow asks Cedar");
    };
    assert_eq!(check.store, "payment-rules");
    harness.get_by_label("payment-rules");

    // An id in use is rejected with the reason.
    type_into(&mut harness, "New id", WORKFORCE);
    harness.get_by_label("Rename store").click_accesskit();
    harness.run_steps(2);
    harness.get_by_label_contains("Could not rename \"payment-rules\"");
}

#[test]
fn own_schema_gets_its_own_editor() {
    let mut harness = blueprint_on_policies_tab();
    harness
        .get_by_label("Own schema (otherwise derived from the model)")
        .click_accesskit();
    harness.run_steps(3);
    assert!(harness.state().doc.policy_stores[0].schema.is_some());
    harness.get_by_role_and_label(Role::MultilineTextInput, "Schema text of payments-policies");

    // Undo takes the schema away again. The editor has no focus, so the window undoes.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert!(harness.state().doc.policy_stores[0].schema.is_none());
}

#[test]
fn mappings_are_edited_one_field_at_a_time() {
    let mut harness = blueprint_on_policies_tab();
    let store = |harness: &Harness<'_, TrustmapApp>| harness.state().doc.policy_stores[0].clone();

    // The entity types show only once the store has its own schema.
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "service")
            .is_none()
    );
    harness
        .get_by_label("Own schema (otherwise derived from the model)")
        .click_accesskit();
    harness.run_steps(3);

    let field = harness
        .get_by_role_and_label(Role::TextInput, "service")
        .rect();
    assert!(
        field.width() >= 150.0,
        "a mapping value is readable: {field:?}"
    );
    type_into(&mut harness, "service", "Bank::Service");
    assert!(
        store(&harness).entity_types.is_empty(),
        "nothing applied while typing"
    );
    harness.key_press(Key::Enter);
    settle_review(&mut harness);
    assert_eq!(
        store(&harness)
            .entity_types
            .get("service")
            .map(String::as_str),
        Some("Bank::Service")
    );

    type_into(&mut harness, "mfa", "session.mfa");
    harness.key_press(Key::Enter);
    settle_review(&mut harness);
    assert_eq!(
        store(&harness).context_paths.get("mfa").map(String::as_str),
        Some("session.mfa")
    );

    // Each field was one undo step, and the field shows the undone value.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle_review(&mut harness);
    assert!(store(&harness).context_paths.is_empty());
    assert_eq!(store(&harness).entity_types.len(), 1);
    let field = harness.get_by_role_and_label(Role::TextInput, "mfa");
    assert_eq!(field.value().as_deref(), Some(""));

    // Emptying a field removes its entry.
    harness
        .get_by_role_and_label(Role::TextInput, "service")
        .focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    assert!(store(&harness).entity_types.is_empty());
}

#[test]
fn every_widget_of_the_tab_is_named() {
    // The harness panics on an unnamed widget a user can act on whenever the window
    // settles. Each step opens another part of the tab.
    let mut harness = blueprint_on_policies_tab();
    harness.check_accessibility();
    for combo in [
        "Principal from the model",
        "Action",
        "Resource from the model",
    ] {
        harness
            .get_by_role_and_label(Role::ComboBox, combo)
            .click_accesskit();
        harness.run_steps(2);
        harness.check_accessibility();
        harness.key_press(Key::Escape);
        harness.run_steps(2);
    }
    evaluate(&mut harness);
    harness.check_accessibility();
    select_store(&mut harness, WORKFORCE);
    harness.check_accessibility();
}

#[test]
fn links_are_added_and_removed() {
    let mut harness = blueprint_on_policies_tab();
    harness.get_by_label("Template links (0)");
    type_into(&mut harness, "Template id", "cardholder-template");
    type_into(&mut harness, "Link id", "cardholder-link");
    type_into(&mut harness, "Principal node", "cardholder");
    harness.get_by_label("Add link").click_accesskit();
    harness.run_steps(3);
    settle_review(&mut harness);

    let store = harness
        .state()
        .doc
        .policy_store(PAYMENTS)
        .cloned()
        .expect("the store");
    assert_eq!(store.links.len(), 1);
    assert_eq!(store.links[0].principal.as_deref(), Some("cardholder"));
    assert_eq!(store.links[0].resource, None);
    // The store has no such template, so the link fails and the review reports it.
    assert!(
        harness
            .state()
            .review
            .current()
            .review
            .policy_problems
            .iter()
            .any(|problem| problem.store == PAYMENTS && problem.stage == Stage::Link)
    );
    harness.get_by_label_contains("link \"cardholder-link\"");

    harness
        .get_by_label("Remove link cardholder-link")
        .click_accesskit();
    harness.run_steps(3);
    settle_review(&mut harness);
    assert!(
        harness
            .state()
            .doc
            .policy_store(PAYMENTS)
            .expect("the store")
            .links
            .is_empty()
    );
    harness.get_by_label("Template links (0)");
}

#[test]
fn link_to_a_missing_node_is_rejected() {
    let mut harness = blueprint_on_policies_tab();
    type_into(&mut harness, "Template id", "t");
    type_into(&mut harness, "Link id", "l");
    type_into(&mut harness, "Resource node", "no-such-node");
    harness.get_by_label("Add link").click_accesskit();
    harness.run_steps(3);
    assert!(harness.state().doc.policy_stores[0].links.is_empty());
    harness.get_by_label_contains("Could not add link \"l\"");
}
