//! Tests that drive the whole window through egui_kittest: pointer and keyboard events go
//! in, and the document, the review and the accessibility tree are checked.
//!
//! The harness also checks, whenever the window settles, that every widget a user can act
//! on has an accessible name.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use egui::{Key, Modifiers, Pos2, Role, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use trustmap_model::document::{Action, Authentication, Authorization, Document, EdgeKind, Tls};
use trustmap_model::load;

use super::app::TrustmapApp;
use super::export::FileFilter;
use super::files::{DialogAnswer, FileDialogs, RecentFiles};

/// File dialogs that return prepared paths, then report that no dialog exists.
#[derive(Clone, Default)]
struct ScriptedDialogs {
    answers: Rc<RefCell<Vec<DialogAnswer>>>,
    /// The suggested file name and the filter of each export dialog asked for.
    exports: Rc<RefCell<Vec<(String, FileFilter)>>>,
}

impl ScriptedDialogs {
    fn answering(answers: Vec<DialogAnswer>) -> Self {
        Self {
            answers: Rc::new(RefCell::new(answers)),
            exports: Rc::default(),
        }
    }

    fn next(&self) -> DialogAnswer {
        let mut answers = self.answers.borrow_mut();
        if answers.is_empty() {
            DialogAnswer::Unavailable
        } else {
            answers.remove(0)
        }
    }
}

impl FileDialogs for ScriptedDialogs {
    fn pick_open(&mut self, _start: Option<&Path>) -> DialogAnswer {
        self.next()
    }

    fn pick_save(&mut self, _start: Option<&Path>, _file_name: &str) -> DialogAnswer {
        self.next()
    }

    fn pick_export(
        &mut self,
        _start: Option<&Path>,
        file_name: &str,
        filter: &FileFilter,
    ) -> DialogAnswer {
        self.exports
            .borrow_mut()
            .push((file_name.to_owned(), *filter));
        self.next()
    }
}

fn app_with(dialogs: ScriptedDialogs) -> TrustmapApp {
    TrustmapApp::new(Box::new(dialogs), RecentFiles::in_memory())
}

/// Returns a harness around the window, set up as the window sets up its context. A
/// character the fonts lack is drawn as a box, as in the window, instead of failing the
/// test: the harness has only egui's bundled fonts (no arrows, no Hebrew), where the
/// window also finds the system's fonts.
fn harness(app: TrustmapApp) -> Harness<'static, TrustmapApp> {
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_step_dt(1.0 / 60.0)
        .with_theme(egui::Theme::Light)
        .with_context_setup(super::text::setup_context)
        .allow_missing_glyphs()
        .build_ui_state(
            |ui, app: &mut TrustmapApp| {
                app.show(ui);
                app.review.finish_pending();
            },
            app,
        );
    harness.run_steps(3);
    harness
}

/// Presses at one point, moves in steps to another and releases there.
fn drag(harness: &mut Harness<'_, TrustmapApp>, from: Pos2, to: Pos2) {
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    for step in 1..=6 {
        let t = step as f32 / 6.0;
        harness.hover_at(from + (to - from) * t);
        harness.step();
    }
    harness.drop_at(to);
    harness.run_steps(3);
}

fn node_rect(harness: &Harness<'_, TrustmapApp>, label: &str) -> egui::Rect {
    harness.get_by_role_and_label(Role::Button, label).rect()
}

fn choose(harness: &mut Harness<'_, TrustmapApp>, combo: &str, option: &str) {
    harness.get_by_role_and_label(Role::ComboBox, combo).click();
    harness.run_steps(2);
    harness.get_by_label(option).click();
    harness.run_steps(2);
}

fn east_west_failing(harness: &Harness<'_, TrustmapApp>) -> usize {
    harness
        .state()
        .review
        .current()
        .review
        .questions
        .east_west
        .failing
        .len()
}

const Q3_TITLE: &str = "East-west flow Service 1 → Service 2";

/// Adds two services from the palette (one by click, one by drag) and draws a flow
/// between them.
fn two_connected_services(harness: &mut Harness<'_, TrustmapApp>) {
    harness.get_by_label("Service").click();
    harness.run_steps(3);

    let palette = harness.get_by_label("Service").rect().center();
    let first = node_rect(harness, "Service 1");
    let drop = Pos2::new(first.center().x, first.center().y + 200.0);
    drag(harness, palette, drop);

    let first = node_rect(harness, "Service 1");
    let second = node_rect(harness, "Service 2");
    let handle = Pos2::new(first.right(), first.center().y);
    drag(harness, handle, second.center());
}

#[test]
fn palette_drag_draws_failing_flow() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    two_connected_services(&mut harness);

    let doc = &harness.state().doc;
    assert_eq!(doc.nodes.len(), 2, "two services were added");
    assert_eq!(
        doc.edges.len(),
        1,
        "dragging from the handle draws one flow"
    );
    let flow = &doc.edges[0];
    assert_eq!(
        (flow.from.as_str(), flow.to.as_str()),
        ("service-1", "service-2")
    );
    assert!(matches!(flow.kind, EdgeKind::Flow(_)));

    // The new flow has unknown authentication and authorization, is not logged and has
    // no TLS, so it is the one failing east-west flow.
    assert_eq!(east_west_failing(&harness), 1);
    harness.get_by_label_contains(Q3_TITLE);
}

#[test]
fn inspector_settings_clear_q3_and_undo_restores_it() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    two_connected_services(&mut harness);
    // The flow drawn last is selected, so the inspector shows it.
    assert_eq!(harness.state().selection.edges.len(), 1);

    choose(&mut harness, "Authentication", "mTLS");
    // mTLS over no TLS is flagged where the two are set.
    harness.get_by_label_contains("mTLS runs over TLS");
    choose(&mut harness, "Authorization", "IAM policy");
    choose(&mut harness, "TLS", "TLS 1.3");
    assert!(
        harness
            .query_by_label_contains("mTLS runs over TLS")
            .is_none()
    );
    harness.get_by_label("Logged").click();
    harness.run_steps(3);

    let EdgeKind::Flow(flow) = &harness.state().doc.edges[0].kind else {
        panic!("the edge is a flow");
    };
    assert_eq!(flow.authentication, Authentication::Mtls);
    assert_eq!(flow.authorization, Authorization::IamPolicy);
    assert_eq!(flow.tls, Tls::V1_3);
    assert!(flow.logged);
    assert_eq!(east_west_failing(&harness), 0, "the flow now passes Q3");
    assert!(harness.query_by_label_contains(Q3_TITLE).is_none());

    // Undo takes back only the last change, logging, so the flow fails again.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    let EdgeKind::Flow(flow) = &harness.state().doc.edges[0].kind else {
        panic!("the edge is a flow");
    };
    assert!(!flow.logged);
    assert_eq!(flow.tls, Tls::V1_3);
    assert_eq!(east_west_failing(&harness), 1);
    harness.get_by_label_contains(Q3_TITLE);

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(3);
    assert_eq!(east_west_failing(&harness), 0, "redo logs the flow again");
}

#[test]
fn moving_a_node_is_one_undo_step() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);
    let before = harness.state().doc.nodes[0].position;
    let rect = node_rect(&harness, "Service 1");

    drag(
        &mut harness,
        rect.center(),
        rect.center() + Vec2::new(150.0, 90.0),
    );

    let after = harness.state().doc.nodes[0].position;
    assert_ne!(after, before, "the drag moved the node");
    // Positions snap to the 20-unit grid.
    assert_eq!(after.x % 20.0, 0.0);
    assert_eq!(after.y % 20.0, 0.0);
    assert_eq!(harness.state().history.undo_len(), 2, "add and move");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(harness.state().doc.nodes[0].position, before);
}

#[test]
fn drop_into_zone_sets_parent() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("VPC").click();
    harness.run_steps(3);
    harness.get_by_label("Service").click();
    harness.run_steps(3);
    // Both were added at the view's centre, so the service landed inside the VPC.
    assert_eq!(
        harness.state().doc.nodes[1].parent.as_deref(),
        Some("vpc-1")
    );

    // Drag the service far below the zone: it leaves the zone.
    let rect = node_rect(&harness, "Service 1");
    drag(
        &mut harness,
        rect.center(),
        rect.center() + Vec2::new(0.0, 320.0),
    );
    assert_eq!(harness.state().doc.nodes[1].parent, None);

    // And back into it.
    let rect = node_rect(&harness, "Service 1");
    drag(
        &mut harness,
        rect.center(),
        rect.center() - Vec2::new(0.0, 320.0),
    );
    assert_eq!(
        harness.state().doc.nodes[1].parent.as_deref(),
        Some("vpc-1")
    );
}

#[test]
fn zone_corner_drag_resizes_it() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("VPC").click();
    harness.run_steps(3);
    let before = harness.state().doc.nodes[0].size;
    let corner = node_rect(&harness, "VPC 1").max;

    drag(&mut harness, corner, corner - Vec2::new(150.0, 90.0));

    let after = harness.state().doc.nodes[0].size;
    assert!(
        after.width < before.width,
        "{after:?} is narrower than {before:?}"
    );
    assert!(
        after.height < before.height,
        "{after:?} is lower than {before:?}"
    );
    assert_eq!(harness.state().history.undo_len(), 2, "add and resize");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(harness.state().doc.nodes[0].size, before);
}

#[test]
fn shift_drag_selects_by_rubber_band() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    two_connected_services(&mut harness);
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.state().selection.is_empty());

    // A band from above-left of the first service to below-right of the second one.
    let first = node_rect(&harness, "Service 1");
    let second = node_rect(&harness, "Service 2");
    let start = first.left_top() - Vec2::new(30.0, 30.0);
    let end = second.right_bottom() + Vec2::new(30.0, 30.0);
    harness.event(egui::Event::ModifiersChanged(Modifiers::SHIFT));
    drag(&mut harness, start, end);
    harness.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    harness.run_steps(2);

    let selected: Vec<&str> = harness
        .state()
        .selection
        .nodes
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(selected, ["service-1", "service-2"]);
}

#[test]
fn plain_drag_on_empty_space_pans() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);
    let before = node_rect(&harness, "Service 1");
    let empty = before.left_top() - Vec2::new(60.0, 60.0);

    drag(&mut harness, empty, empty + Vec2::new(100.0, 40.0));

    let after = node_rect(&harness, "Service 1");
    assert!((after.min - before.min - Vec2::new(100.0, 40.0)).length() < 1.0);
    assert_eq!(
        harness.state().history.undo_len(),
        1,
        "panning edits nothing"
    );
}

#[test]
fn delete_copy_paste_and_select_all() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    two_connected_services(&mut harness);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run_steps(2);
    assert_eq!(harness.state().selection.nodes.len(), 2);
    assert_eq!(harness.state().selection.edges.len(), 1);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::C);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::V);
    harness.run_steps(3);
    let doc = &harness.state().doc;
    assert_eq!(doc.nodes.len(), 4, "both services were pasted");
    assert_eq!(doc.edges.len(), 2, "the flow between them was pasted too");
    let pasted = doc.edge("flow-1-copy-1").expect("pasted flow");
    assert_eq!(pasted.from, "service-1-copy-1");
    assert_eq!(pasted.to, "service-2-copy-1");

    // The pasted copies are selected; Delete removes them in one step.
    harness.key_press(Key::Delete);
    harness.run_steps(2);
    assert_eq!(harness.state().doc.nodes.len(), 2);
    assert_eq!(harness.state().doc.edges.len(), 1);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(harness.state().doc.nodes.len(), 4);
}

#[test]
fn paste_event_pastes_copy_or_model() {
    // On the desktop, Ctrl+V arrives as a paste event carrying the system clipboard's
    // text, not as a key: a copy puts its model text there.
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    two_connected_services(&mut harness);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::C);
    harness.run_steps(2);
    let copied = harness.state().clipboard.text.clone();
    let as_model = load::load_str(&copied, "the copy").expect("the copy is model text");
    assert_eq!(as_model.nodes.len(), 2);
    assert_eq!(as_model.edges.len(), 1);

    harness.event(egui::Event::Paste(copied));
    harness.run_steps(2);
    assert_eq!(harness.state().doc.nodes.len(), 4, "the copy was pasted");

    // Model text from elsewhere, such as another window, is pasted as it is.
    let mut other = Document::new("Other window");
    other.nodes.push(trustmap_model::document::Node::new(
        "ledger",
        "Ledger",
        trustmap_model::document::NodeKind::Service(Default::default()),
    ));
    harness.event(egui::Event::Paste(load::to_ron(&other)));
    harness.run_steps(2);
    assert_eq!(harness.state().doc.nodes.len(), 5);
    assert!(
        harness
            .state()
            .doc
            .nodes
            .iter()
            .any(|node| node.label == "Ledger")
    );

    // Other text pastes nothing, and the status bar shows why.
    harness.event(egui::Event::Paste("just some words".to_owned()));
    harness.run_steps(2);
    assert_eq!(harness.state().doc.nodes.len(), 5);
    harness.get_by_label_contains("the clipboard holds no Trustmap model");
}

#[test]
fn clicking_the_palette_twice_does_not_stack_nodes() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    for _ in 0..3 {
        harness.get_by_label("Service").click();
        harness.run_steps(2);
    }

    let positions: Vec<(f32, f32)> = harness
        .state()
        .doc
        .nodes
        .iter()
        .map(|node| (node.position.x, node.position.y))
        .collect();
    assert_eq!(positions.len(), 3);
    assert_ne!(positions[0], positions[1]);
    assert_ne!(positions[1], positions[2]);
    assert_ne!(positions[0], positions[2]);
}

#[test]
fn double_click_renames_in_place() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);
    let center = node_rect(&harness, "Service 1").center();
    // Let the palette click age past the double-click delay (0.3 s), so the two clicks
    // below count as a double click and not as the end of a triple click.
    harness.run_steps(30);

    harness.hover_at(center);
    harness.step();
    harness.state_mut().selection.clear();
    // Both clicks within one frame, as a fast double click arrives: no single click
    // selects the node first.
    for pressed in [true, false, true, false] {
        harness.event(egui::Event::PointerButton {
            pos: center,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run_steps(3);
    assert!(harness.state().canvas.is_renaming());
    assert!(
        harness.state().selection.nodes.contains("service-1"),
        "the node being renamed is selected, so the inspector shows it"
    );

    // The field has the focus: replace its text and press Enter.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(egui::Event::Text("Payments API".to_owned()));
    harness.step();
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    assert_eq!(harness.state().doc.nodes[0].label, "Payments API");
    harness.get_by_role_and_label(Role::Button, "Payments API");
}

#[test]
fn save_and_reopen_give_the_same_document() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("two-services.trustmap.ron");
    let dialogs = ScriptedDialogs::answering(vec![DialogAnswer::Picked(path.clone())]);
    let mut harness = harness(app_with(dialogs));
    two_connected_services(&mut harness);
    assert!(
        harness.state().title().starts_with('*'),
        "unsaved changes are marked"
    );

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    harness.run_steps(2);
    assert!(path.is_file(), "the model was saved");
    assert_eq!(harness.state().path.as_deref(), Some(path.as_path()));
    assert!(!harness.state().title().starts_with('*'));
    let saved = harness.state().doc.clone();

    let dialogs = ScriptedDialogs::answering(vec![DialogAnswer::Picked(path.clone())]);
    let mut reopened = self::harness(app_with(dialogs));
    reopened.key_press_modifiers(Modifiers::COMMAND, Key::O);
    reopened.run_steps(3);
    assert_eq!(reopened.state().doc, saved);
    assert_eq!(load::load_file(&path).expect("saved file loads"), saved);
}

#[test]
fn typed_path_saves_without_a_dialog() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("typed.trustmap.ron");
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run_steps(3);
    harness
        .get_by_role_and_label(Role::TextInput, "File path")
        .focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(egui::Event::Text(path.display().to_string()));
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    harness.run_steps(3);

    assert!(path.is_file(), "the typed path was saved to");
    assert_eq!(
        load::load_file(&path).expect("saved file loads"),
        harness.state().doc
    );
}

#[test]
fn opening_over_unsaved_changes_asks_first() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let other = dir.path().join("other.trustmap.ron");
    load::save_file(&Document::new("Other model"), &other).expect("fixture saves");

    let dialogs = ScriptedDialogs::answering(vec![DialogAnswer::Picked(other.clone())]);
    let mut harness = harness(app_with(dialogs));
    harness.get_by_label("Service").click();
    harness.run_steps(3);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run_steps(3);
    assert_eq!(
        harness.state().doc.nodes.len(),
        1,
        "nothing is lost before the answer"
    );
    harness.get_by_label("Cancel").click();
    harness.run_steps(3);
    assert_eq!(harness.state().doc.nodes.len(), 1);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run_steps(3);
    harness.get_by_label("Discard changes").click();
    harness.run_steps(3);
    assert_eq!(harness.state().doc.name, "Other model");
    assert_eq!(harness.state().path.as_deref(), Some(other.as_path()));
}

#[test]
fn load_error_is_shown_in_a_dialog() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let broken = dir.path().join("broken.trustmap.ron");
    std::fs::write(&broken, "(format: 1, name: ").expect("fixture writes");
    let mut app = app_with(ScriptedDialogs::default());
    app.open_path(&broken);
    let mut harness = harness(app);

    harness.get_by_label("Could not complete the operation");
    harness.get_by_label_contains("broken.trustmap.ron");
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    assert!(harness.state().file_ui.error.is_none());
}

#[test]
fn selecting_a_finding_highlights_its_place() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    two_connected_services(&mut harness);
    harness.key_press(Key::Escape);
    harness.run_steps(2);

    harness.get_by_label_contains(Q3_TITLE).click();
    harness.run_steps(3);

    let highlight = harness
        .state()
        .canvas
        .highlight
        .clone()
        .expect("the finding highlights the canvas");
    assert!(highlight.nodes.contains("service-1"));
    assert!(highlight.nodes.contains("service-2"));
    assert!(highlight.edges.contains("flow-1"));
    assert!(highlight.dim_rest, "the rest of the diagram is dimmed");
    // Highlighted nodes are reported as selected to assistive technology.
    let node = harness.get_by_role_and_label(Role::Button, "Service 1");
    assert_eq!(
        node.accesskit_node().data().toggled(),
        Some(egui::accesskit::Toggled::True)
    );

    // Selecting it again clears the highlight.
    harness.get_by_label_contains(Q3_TITLE).click();
    harness.run_steps(2);
    assert!(harness.state().canvas.highlight.is_none());
}

#[test]
fn blast_radius_mode_dims_all_but_the_identity() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Identity").click();
    harness.run_steps(3);
    harness.get_by_label("Blast radius").click();
    harness.run_steps(2);
    choose(
        &mut harness,
        "Compromised identity",
        "Identity 1 (identity-1)",
    );

    let highlight = harness
        .state()
        .canvas
        .highlight
        .clone()
        .expect("the blast radius highlights the canvas");
    assert!(highlight.dim_rest);
    assert!(highlight.nodes.contains("identity-1"));

    harness.get_by_label("Findings (0)").click();
    harness.run_steps(2);
    assert!(
        harness.state().canvas.highlight.is_none(),
        "leaving the tab ends the mode"
    );
}

#[test]
fn blast_radius_lists_what_the_pod_identity_reaches() {
    // In the blueprint template the payments API's service account is associated with the
    // payments API role (pod identity). The role reads the payments database login, whose
    // login gives read and write on the payments database. The payments API runs as the
    // account and has a flow to tokenization, which it can therefore call. So it reaches:
    // the database (crown jewel: cardholder data; write), the login (crown jewel: a
    // secret holds credentials; read), tokenization (crown jewel: it holds cardholder
    // data; invoke) and the role (associated, no crown jewel). Crown jewels first, each
    // group strongest access first: database, login, tokenization, then the role.
    let mut app = app_with(ScriptedDialogs::default());
    app.new_from_template("aws-pci-zero-trust");
    let mut harness = harness(app);
    harness.get_by_label("Blast radius").click();
    harness.run_steps(2);
    choose(
        &mut harness,
        "Compromised identity",
        "Payments API service account (payments-api-sa)",
    );

    let radius = harness
        .state()
        .panels
        .blast
        .radius()
        .expect("the blast radius is computed");
    let order: Vec<&str> = radius.reached.iter().map(|r| r.node.as_str()).collect();
    assert_eq!(
        order,
        [
            "payments-db",
            "payments-db-credentials",
            "tokenization",
            "payments-api-role"
        ]
    );
    let database = &radius.reached[0];
    assert_eq!(database.access, [Action::Write]);
    assert_eq!(
        database.evidence[0].nodes,
        [
            "payments-api-sa",
            "payments-api-role",
            "payments-db-credentials",
            "payments-db"
        ]
    );
    let highlight = harness
        .state()
        .canvas
        .highlight
        .clone()
        .expect("the blast radius highlights the canvas");
    assert!(highlight.nodes.contains("payments-db"));
    assert!(highlight.edges.contains("payments-db-login-unlocks"));
    assert!(
        !highlight.nodes.contains("card-vault"),
        "the card vault is out of reach and dimmed"
    );

    // The row shows the access and the path from the account to the database.
    harness.get_by_label("write");
    harness.get_by_label(
        "Payments API service account ─can assume→ Payments API role ─grants→ \
         Payments DB login ─unlocks→ Payments database",
    );

    // Clicking the row selects the database and brings it into view; the identity stays.
    harness
        .get_by_label("★ Payments database (payments-db)")
        .click();
    harness.run_steps(4);
    let selected: Vec<&str> = harness
        .state()
        .selection
        .nodes
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(selected, ["payments-db"]);
    assert_eq!(
        harness.state().panels.blast.identity.as_deref(),
        Some("payments-api-sa")
    );
    let node = node_rect(&harness, "Payments database");
    assert!(
        harness.state().canvas.screen_rect.contains_rect(node),
        "{node:?} is in view"
    );
}

#[test]
fn selecting_an_identity_on_the_canvas_shows_its_blast_radius() {
    let mut app = app_with(ScriptedDialogs::default());
    app.new_from_template("aws-pci-zero-trust");
    let mut harness = harness(app);
    harness.get_by_label("Blast radius").click();
    harness.run_steps(2);
    assert!(harness.state().panels.blast.identity.is_none());

    // Clicking the support role on the canvas picks it. By hand: it reads the case notes,
    // which hold personal data, through its own grant.
    harness.state_mut().canvas.request_fit();
    harness.run_steps(3);
    harness
        .get_by_role_and_label(Role::Button, "Support permission set")
        .click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().panels.blast.identity.as_deref(),
        Some("support-role")
    );
    harness.get_by_label("Case notes (case-notes)");
}

#[test]
fn checklist_verdict_is_saved_in_the_document() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Checklist").click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::TextInput, "Reviewer")
        .focus();
    harness.step();
    harness.event(egui::Event::Text("Dana".to_owned()));
    harness.run_steps(2);

    let manual = harness
        .state()
        .review
        .current()
        .review
        .checklist
        .iter()
        .find(|item| !item.automatic)
        .map(|item| item.id)
        .expect("the checklist has a manual item");
    harness
        .get_by_label(&format!("Verdict on {manual}…"))
        .click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("Not applicable").click_accesskit();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::TextInput, "Comment")
        .focus();
    harness.step();
    harness.event(egui::Event::Text("No workforce access".to_owned()));
    harness.run_steps(2);
    harness.get_by_label("Save verdict").click_accesskit();
    harness.run_steps(3);

    let verdict = harness
        .state()
        .doc
        .verdicts
        .get(manual)
        .cloned()
        .expect("the verdict is in the document");
    assert_eq!(verdict.reviewer, "Dana");
    assert_eq!(verdict.comment, "No workforce access");
    assert_eq!(verdict.date.len(), "2026-12-04".len());
}

#[test]
fn every_panel_names_its_widgets() {
    // The harness panics on an unnamed input widget whenever the window settles. Each
    // step below opens another form (flow, node, zone, tabs, menus) and checks it.
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    two_connected_services(&mut harness);
    harness.check_accessibility();
    harness
        .get_by_role_and_label(Role::Button, "Service 1")
        .click();
    harness.run_steps(2);
    harness.check_accessibility();
    harness.get_by_label("Account").click();
    harness.run_steps(2);
    harness.check_accessibility();
    for tab in ["Checklist", "Blast radius"] {
        harness.get_by_label(tab).click();
        harness.run_steps(2);
        harness.check_accessibility();
    }
    for menu in ["File", "Edit", "View"] {
        harness.get_by_label(menu).click();
        harness.run_steps(2);
        harness.check_accessibility();
        harness.key_press(Key::Escape);
        harness.run_steps(2);
    }
}

#[test]
fn hebrew_labels_show_in_display_order() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);
    let mut node = harness.state().doc.nodes[0].clone();
    node.label = "שרת תשלומים".to_owned();
    harness
        .state_mut()
        .apply(trustmap_model::edit::Edit::ReplaceNode {
            id: node.id.clone(),
            node,
        });
    harness.run_steps(3);

    // The accessible name keeps the logical order; the painted text puts the first word
    // at the right.
    harness.get_by_role_and_label(Role::Button, "שרת תשלומים");
    assert_eq!(super::text::display("שרת תשלומים"), "תשלומים שרת");
}

#[test]
fn snapshot_of_two_connected_services() {
    // Rendered with wgpu, on a CPU adapter such as lavapipe where no GPU exists. The status
    // bar shows how long the review took, which differs from run to run, so it is masked.
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_step_dt(1.0 / 60.0)
        .with_theme(egui::Theme::Light)
        .with_context_setup(super::text::setup_context)
        .allow_missing_glyphs()
        .wgpu()
        .build_ui_state(
            |ui, app: &mut TrustmapApp| {
                app.show(ui);
                app.review.finish_pending();
            },
            app_with(ScriptedDialogs::default()),
        );
    harness.run_steps(3);
    two_connected_services(&mut harness);
    harness.key_press(Key::Escape);
    harness.run_steps(3);

    let timing = harness.get_by_label_contains("review took").rect();
    harness.mask(timing.expand(4.0));
    harness.snapshot("two_connected_services");
}

/// Opens File > Export and clicks an entry of it.
fn click_export_entry(harness: &mut Harness<'_, TrustmapApp>, entry: &str) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Export").click();
    harness.run_steps(2);
    harness.get_by_label(entry).click();
    harness.run_steps(3);
    wait_for_export(harness);
}

/// Steps the window until the running export has ended, for at most a minute.
fn wait_for_export(harness: &mut Harness<'_, TrustmapApp>) {
    let started = std::time::Instant::now();
    while harness.state().file_ui.export.is_running() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the export ended within a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.step();
    }
    harness.run_steps(2);
}

#[test]
fn export_menu_writes_every_format() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let files = [
        ("PDF page…", "page.pdf"),
        ("Page SVG…", "page.svg"),
        ("Diagram SVG…", "diagram.svg"),
        ("Diagram PNG…", "diagram.png"),
        ("Graphviz DOT…", "diagram.dot"),
        ("Mermaid flowchart…", "diagram.mmd"),
        ("Open Threat Model JSON…", "model.otm.json"),
        ("Cedar schema JSON…", "schema.json"),
        ("Cedar entities JSON…", "entities.json"),
    ];
    let dialogs = ScriptedDialogs::answering(
        files
            .iter()
            .map(|(_, name)| DialogAnswer::Picked(dir.path().join(name)))
            .collect(),
    );
    let exports = Rc::clone(&dialogs.exports);
    let mut app = app_with(dialogs);
    app.new_from_template("aws-pci-zero-trust");
    let mut harness = harness(app);

    // Letter paper for the page exports: 792 by 612 points, landscape.
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Export").click();
    harness.run_steps(2);
    harness.get_by_label("Letter").click();
    harness.run_steps(2);
    // Choosing the paper keeps the menu open, so the first format is clicked in it.
    harness.get_by_label(files[0].0).click();
    harness.run_steps(3);
    wait_for_export(&mut harness);
    for (entry, _) in &files[1..] {
        click_export_entry(&mut harness, entry);
        assert!(harness.state().file_ui.error.is_none(), "{entry} failed");
    }

    let read = |name: &str| std::fs::read(dir.path().join(name)).expect("exported file");
    assert!(read("page.pdf").starts_with(b"%PDF-"));
    let page = String::from_utf8(read("page.svg")).expect("the SVG is text");
    assert!(page.starts_with("<svg") || page.starts_with("<?xml"));
    assert!(page.contains("792"), "the page is Letter wide");
    let diagram = String::from_utf8(read("diagram.svg")).expect("the SVG is text");
    assert!(diagram.starts_with("<svg") || diagram.starts_with("<?xml"));
    assert!(read("diagram.png").starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(read("diagram.dot").starts_with(b"digraph"));
    assert!(read("diagram.mmd").starts_with(b"flowchart"));
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&read(name)).expect("the export is JSON")
    };
    assert!(json("model.otm.json")["otmVersion"].is_string());
    let schema =
        cedar_policy::Schema::from_json_value(json("schema.json")).expect("Cedar reads the schema");
    cedar_policy::Entities::from_json_value(json("entities.json"), Some(&schema))
        .expect("the entities conform to the schema");

    // Each dialog suggested a name from the model and filtered to the format's extension.
    let asked = exports.borrow();
    let suggested: Vec<&str> = asked.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        suggested,
        [
            "payments-on-aws-pci-dss-zero-trust-reference-page.pdf",
            "payments-on-aws-pci-dss-zero-trust-reference-page.svg",
            "payments-on-aws-pci-dss-zero-trust-reference.svg",
            "payments-on-aws-pci-dss-zero-trust-reference.png",
            "payments-on-aws-pci-dss-zero-trust-reference.dot",
            "payments-on-aws-pci-dss-zero-trust-reference.mmd",
            "payments-on-aws-pci-dss-zero-trust-reference.otm.json",
            "payments-on-aws-pci-dss-zero-trust-reference.cedarschema.json",
            "payments-on-aws-pci-dss-zero-trust-reference.entities.json",
        ]
    );
    let extensions: Vec<&str> = asked
        .iter()
        .map(|(_, filter)| filter.extensions[0])
        .collect();
    assert_eq!(
        extensions,
        [
            "pdf", "svg", "svg", "png", "dot", "mmd", "json", "json", "json"
        ]
    );
    harness.get_by_label_contains("Exported");
}

#[test]
fn export_without_a_dialog_takes_a_typed_path() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("typed.dot");
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);

    click_export_entry(&mut harness, "Graphviz DOT…");
    harness.get_by_label("Export the diagram as Graphviz DOT");
    harness
        .get_by_role_and_label(Role::TextInput, "File path")
        .focus();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(egui::Event::Text(path.display().to_string()));
    harness.run_steps(2);
    harness.get_by_label("Export").click();
    harness.run_steps(3);
    wait_for_export(&mut harness);

    let text = std::fs::read_to_string(&path).expect("the typed path was written");
    assert!(text.starts_with("digraph"));
    assert!(text.contains("Service 1"));
}

#[test]
fn export_error_and_missing_glyphs_show_in_the_window() {
    // A directory that does not exist cannot hold the file: the error dialog says so.
    let dir = tempfile::tempdir().expect("temporary directory");
    let missing_dir = dir.path().join("no-such-dir").join("page.pdf");
    let dialogs = ScriptedDialogs::answering(vec![
        DialogAnswer::Picked(missing_dir),
        DialogAnswer::Picked(dir.path().join("page.pdf")),
    ]);
    let mut harness = harness(app_with(dialogs));
    harness.get_by_label("Service").click();
    harness.run_steps(3);

    click_export_entry(&mut harness, "PDF page…");
    harness.get_by_label("Could not complete the operation");
    harness.get_by_label_contains("no-such-dir");
    harness.get_by_label("OK").click();
    harness.run_steps(2);

    // A label with a private-use code point of plane 16, which no font has: the export
    // succeeds and a warning names the character.
    let mut node = harness.state().doc.nodes[0].clone();
    node.label = "Service \u{10FFFD}".to_owned();
    harness
        .state_mut()
        .apply(trustmap_model::edit::Edit::ReplaceNode {
            id: node.id.clone(),
            node,
        });
    harness.run_steps(2);
    click_export_entry(&mut harness, "PDF page…");
    assert!(dir.path().join("page.pdf").is_file());
    harness.get_by_label("Some characters have no font");
    harness.get_by_label_contains("U+10FFFD");
}

/// Returns a harness whose clock moves a quarter second a step, so autosave delays pass in
/// a few steps.
fn quick_clock_harness(app: TrustmapApp) -> Harness<'static, TrustmapApp> {
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_step_dt(0.25)
        .with_theme(egui::Theme::Light)
        .with_context_setup(super::text::setup_context)
        .allow_missing_glyphs()
        .build_ui_state(
            |ui, app: &mut TrustmapApp| {
                app.show(ui);
                app.review.finish_pending();
            },
            app,
        );
    harness.run_steps(3);
    harness
}

fn app_autosaving_to(dir: &Path) -> TrustmapApp {
    let mut app = app_with(ScriptedDialogs::default());
    app.autosave = super::autosave::Autosave::start(dir);
    app
}

/// Opens a saved one-service model, adds a second service and lets the autosave write it.
/// Returns the edited document.
fn edit_and_autosave(recovery: &Path, model: &Path) -> Document {
    let mut doc = Document::new("Recovered payments");
    doc.description = "Saved before the crash".to_owned();
    load::save_file(&doc, model).expect("fixture saves");
    let mut app = app_autosaving_to(recovery);
    app.open_path(model);
    let mut harness = quick_clock_harness(app);
    harness.get_by_label("Service").click();
    harness.run_steps(2);
    let file = harness
        .state()
        .autosave
        .file()
        .expect("autosave is on")
        .to_owned();

    // Half a second after the edit nothing is written; five seconds after it, it is.
    assert!(!file.exists(), "not written right after the edit");
    harness.run_steps(20);
    assert!(file.exists(), "written five seconds after the edit");
    let edited = harness.state().doc.clone();
    assert_eq!(edited.nodes.len(), 1);
    assert_eq!(load::load_file(&file).expect("recovery file loads"), edited);
    // The harness goes without a save, as a crash would leave it.
    edited
}

#[test]
fn autosave_is_recovered_in_the_next_window() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let recovery = dir.path().join("recovery");
    let model = dir.path().join("payments.trustmap.ron");
    let edited = edit_and_autosave(&recovery, &model);

    let mut harness = harness(app_autosaving_to(&recovery));
    harness.get_by_label("Recover unsaved changes");
    harness.get_by_label(&model.display().to_string());
    harness.get_by_label_contains("Last autosaved 20");
    harness.get_by_label("Recover").click();
    harness.run_steps(3);

    let state = harness.state();
    assert_eq!(state.doc, edited);
    assert_eq!(state.path.as_deref(), Some(model.as_path()));
    assert!(
        state.history.is_modified(),
        "the recovered changes are unsaved"
    );
    assert!(state.title().starts_with('*'));
    // The old recovery file is gone; the window's own holds the document now.
    let own = state.autosave.file().expect("autosave is on");
    let left: Vec<PathBuf> = std::fs::read_dir(&recovery)
        .expect("recovery directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".trustmap.ron"))
        .collect();
    assert_eq!(left, [own.to_owned()]);
    assert_eq!(load::load_file(own).expect("own recovery file"), edited);

    // A clean save removes it.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run_steps(2);
    assert!(!harness.state().history.is_modified());
    assert!(!harness.state().autosave.file().expect("on").exists());
    assert_eq!(load::load_file(&model).expect("saved"), edited);
}

#[test]
fn discarding_a_recovery_removes_its_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let recovery = dir.path().join("recovery");
    let model = dir.path().join("payments.trustmap.ron");
    edit_and_autosave(&recovery, &model);

    let mut harness = harness(app_autosaving_to(&recovery));
    harness.get_by_label("Discard").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Recover unsaved changes").is_none());
    assert_eq!(harness.state().doc.nodes.len(), 0, "the blank model stays");
    let documents = std::fs::read_dir(&recovery)
        .expect("recovery directory")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|entry| entry.path().to_string_lossy().ends_with(".trustmap.ron"))
        })
        .count();
    assert_eq!(documents, 0);

    // A new window has nothing to offer.
    let again = self::harness(app_autosaving_to(&recovery));
    assert!(again.query_by_label("Recover unsaved changes").is_none());
}

#[test]
fn corrupt_recovery_file_is_explained_not_opened() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let broken = dir.path().join("window-1-2-3.trustmap.ron");
    std::fs::write(&broken, "(format: 1, name: \"half").expect("fixture writes");

    let mut harness = harness(app_autosaving_to(dir.path()));
    harness.get_by_label_contains("This recovery file cannot be read");
    assert!(
        harness
            .get_by_label("Recover")
            .accesskit_node()
            .is_disabled(),
        "a broken file cannot be recovered"
    );
    harness.get_by_label("Discard").click();
    harness.run_steps(2);
    assert!(!broken.exists());
}

#[test]
fn discarding_changes_removes_the_recovery_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let other = dir.path().join("other.trustmap.ron");
    load::save_file(&Document::new("Other"), &other).expect("fixture saves");
    let dialogs = ScriptedDialogs::answering(vec![DialogAnswer::Picked(other)]);
    let mut app = app_with(dialogs);
    app.autosave = super::autosave::Autosave::start(&dir.path().join("recovery"));
    let mut harness = quick_clock_harness(app);
    harness.get_by_label("Service").click();
    harness.run_steps(22);
    let file = harness.state().autosave.file().expect("on").to_owned();
    assert!(file.exists());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run_steps(2);
    harness.get_by_label("Discard changes").click();
    harness.run_steps(2);
    assert!(!file.exists(), "the discarded changes are not kept");
    assert_eq!(harness.state().doc.name, "Other");
}

/// Returns a harness that runs the window as eframe does, the close button included.
fn closable_harness(app: TrustmapApp) -> Harness<'static, TrustmapApp> {
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_step_dt(1.0 / 60.0)
        .with_theme(egui::Theme::Light)
        .with_context_setup(super::text::setup_context)
        .allow_missing_glyphs()
        .build_ui_state(
            |ui, app: &mut TrustmapApp| {
                app.handle_close_request(&ui.ctx().clone());
                app.show(ui);
            },
            app,
        );
    harness.run_steps(3);
    harness
}

/// Clicks the window's close button.
fn click_close_button(harness: &mut Harness<'_, TrustmapApp>) {
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.step();
}

/// Returns whether the last frame sent a command to the window.
fn sent(harness: &Harness<'_, TrustmapApp>, command: &egui::ViewportCommand) -> bool {
    harness
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .is_some_and(|viewport| viewport.commands.contains(command))
}

#[test]
fn closing_without_changes_just_closes() {
    let mut harness = closable_harness(app_with(ScriptedDialogs::default()));
    click_close_button(&mut harness);
    assert!(!sent(&harness, &egui::ViewportCommand::CancelClose));
    assert!(harness.query_by_label("Unsaved changes").is_none());
}

#[test]
fn closing_with_changes_asks_and_cancel_keeps_the_window() {
    let mut harness = closable_harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(2);

    click_close_button(&mut harness);
    assert!(sent(&harness, &egui::ViewportCommand::CancelClose));
    harness.run_steps(2);
    harness.get_by_label("Unsaved changes");
    harness.get_by_label("Cancel").click();
    harness.run_steps(3);

    assert!(harness.query_by_label("Unsaved changes").is_none());
    assert!(!sent(&harness, &egui::ViewportCommand::Close));
    assert_eq!(harness.state().doc.nodes.len(), 1, "nothing is lost");
    assert!(harness.state().history.is_modified());
}

#[test]
fn closing_with_changes_and_discarding_closes_and_drops_the_recovery() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut app = app_with(ScriptedDialogs::default());
    app.autosave = super::autosave::Autosave::start(dir.path());
    let mut harness = closable_harness(app);
    harness.get_by_label("Service").click();
    harness.run_steps(2);
    let recovery = harness.state().autosave.file().expect("on").to_owned();
    let doc = harness.state().doc.clone();
    let generation = harness.state().generation();
    harness
        .state_mut()
        .autosave
        .write(0.0, generation, &doc, None);
    assert!(recovery.exists());

    click_close_button(&mut harness);
    harness.run_steps(2);
    harness.get_by_label("Discard changes").click();
    harness.run_steps(2);

    assert!(sent(&harness, &egui::ViewportCommand::Close));
    assert!(
        !recovery.exists(),
        "discarded changes are not offered again"
    );
}

#[test]
fn closing_with_changes_and_saving_saves_then_closes() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("closing.trustmap.ron");
    let dialogs = ScriptedDialogs::answering(vec![DialogAnswer::Picked(path.clone())]);
    let mut harness = closable_harness(app_with(dialogs));
    harness.get_by_label("Service").click();
    harness.run_steps(2);

    click_close_button(&mut harness);
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    harness.run_steps(2);

    assert!(sent(&harness, &egui::ViewportCommand::Close));
    assert_eq!(
        load::load_file(&path).expect("saved before closing"),
        harness.state().doc
    );
    assert!(!harness.state().history.is_modified());
}

/// Sends a press, moves and a release of one pointer button.
fn button_drag(
    harness: &mut Harness<'_, TrustmapApp>,
    button: egui::PointerButton,
    from: Pos2,
    to: Pos2,
) {
    harness.hover_at(from);
    harness.step();
    harness.event(egui::Event::PointerButton {
        pos: from,
        button,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    harness.step();
    for step in 1..=6 {
        let t = step as f32 / 6.0;
        harness.hover_at(from + (to - from) * t);
        harness.step();
    }
    harness.event(egui::Event::PointerButton {
        pos: to,
        button,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.run_steps(3);
}

#[test]
fn middle_drag_pans_even_over_a_node() {
    // A middle-button drag of (120, -70) starting on the service moves the camera by that
    // much: the service's world position stays and its screen rectangle follows.
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);
    let world_before = harness.state().doc.nodes[0].position;
    let camera_before = harness.state().canvas.screen_from_world.translation;
    let rect_before = node_rect(&harness, "Service 1");

    let drag = Vec2::new(120.0, -70.0);
    button_drag(
        &mut harness,
        egui::PointerButton::Middle,
        rect_before.center(),
        rect_before.center() + drag,
    );

    let camera_after = harness.state().canvas.screen_from_world.translation;
    assert!(
        (camera_after - camera_before - drag).length() < 0.5,
        "the camera moved by {:?}",
        camera_after - camera_before
    );
    assert_eq!(harness.state().doc.nodes[0].position, world_before);
    let rect_after = node_rect(&harness, "Service 1");
    assert!((rect_after.min - rect_before.min - drag).length() < 1.0);
    assert_eq!(
        harness.state().history.undo_len(),
        1,
        "panning edits nothing"
    );
}

#[test]
fn zoom_keeps_the_world_point_under_the_cursor() {
    // Zooming by 1.5 at a cursor: the world point under the cursor is the same before and
    // after, and the scale grows by 1.5.
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);
    let canvas = harness.state().canvas.screen_rect;
    let cursor = canvas.center() + Vec2::new(-130.0, 60.0);
    let camera = harness.state().canvas.screen_from_world;
    let world_under_cursor = camera.inverse() * cursor;

    harness.hover_at(cursor);
    harness.step();
    harness.event(egui::Event::Zoom(1.5));
    harness.run_steps(2);

    let after = harness.state().canvas.screen_from_world;
    assert!((after.scaling - camera.scaling * 1.5).abs() < 1e-3);
    let world_after = after.inverse() * cursor;
    assert!(
        (world_after - world_under_cursor).length() < 0.01,
        "{world_under_cursor:?} moved to {world_after:?}"
    );
}

#[test]
fn chinese_label_resolves_through_the_bundled_font() {
    // The harness has egui's bundled fonts and no system font provider, so only the
    // bundled CJK font can give these glyphs.
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);
    let mut node = harness.state().doc.nodes[0].clone();
    node.label = "支付服务".to_owned();
    harness
        .state_mut()
        .apply(trustmap_model::edit::Edit::ReplaceNode {
            id: node.id.clone(),
            node,
        });
    harness.run_steps(3);

    harness.get_by_role_and_label(Role::Button, "支付服务");
    let font = egui::FontId::proportional(14.0);
    assert!(
        harness
            .ctx
            .fonts_mut(|fonts| fonts.has_glyphs(&font, "支付服务"))
    );
}

#[test]
fn second_export_waits_for_the_first() {
    // Two exports started in one frame: the second is rejected with a message, the first
    // still writes its file.
    let dir = tempfile::tempdir().expect("temporary directory");
    let first = dir.path().join("first.png");
    let second = dir.path().join("second.png");
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);

    let png = super::export::ExportFormat::Png;
    assert!(harness.state_mut().export_to(png, &first));
    assert!(!harness.state_mut().export_to(png, &second));
    let error = harness.state().file_ui.error.clone().expect("a message");
    assert!(error.contains("still being exported"), "{error}");
    harness.run_steps(2);
    harness.get_by_label("OK").click();
    wait_for_export(&mut harness);

    assert!(first.is_file());
    assert!(!second.exists());
}

#[test]
fn long_finding_titles_stay_on_one_line() {
    use trustmap_model::document::{Edge, Flow, Node, NodeKind, Service};

    let mut app = app_with(ScriptedDialogs::default());
    let long = "with a name far too long for one line of the findings list ".repeat(8);
    let mut doc = Document::new("long labels");
    for index in 0..3 {
        let mut node = Node::new(
            format!("service-{index}"),
            format!("Service {index} {long}"),
            NodeKind::Service(Service::default()),
        );
        node.position.x = index as f32 * 300.0;
        doc.nodes.push(node);
    }
    for index in 0..2 {
        doc.edges.push(Edge {
            id: format!("flow-{index}"),
            from: format!("service-{index}"),
            to: format!("service-{}", index + 1),
            kind: EdgeKind::Flow(Flow::default()),
        });
    }
    app.doc = doc;
    app.document_changed();
    let mut harness = harness(app);
    harness.run_steps(3);

    let rows: Vec<egui::Rect> = harness
        .get_all_by_label_contains("authenticates its caller")
        .map(|node| node.rect())
        .collect();
    assert!(rows.len() >= 2, "{rows:?}");
    let line = harness.ctx.global_style().spacing.interact_size.y;
    for pair in rows.windows(2) {
        assert!(
            pair[0].height() <= line + 1.0,
            "one line high: {:?}",
            pair[0]
        );
        assert!(pair[0].bottom() <= pair[1].top(), "no overlap: {pair:?}");
    }
}

#[test]
fn quit_asks_the_window_to_close() {
    // Quitting goes through the window's close request, which first puts the question
    // about unsaved changes. Ctrl+Q is egui's own quit shortcut and sends the same request.
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Quit (Ctrl+Q)").click();
    harness.step();
    assert!(sent(&harness, &egui::ViewportCommand::Close));
}

#[test]
fn fit_follows_a_canvas_resize() {
    use trustmap_model::document::{Node, NodeKind, Service};

    let mut app = app_with(ScriptedDialogs::default());
    let mut doc = Document::new("tall");
    for (index, y) in [0.0, 30_000.0].into_iter().enumerate() {
        let mut node = Node::new(
            format!("service-{index}"),
            format!("Service {index}"),
            NodeKind::Service(Service::default()),
        );
        node.position.y = y;
        doc.nodes.push(node);
    }
    app.doc = doc;
    app.document_changed();
    let mut harness = harness(app);

    // The fit is asked for in one frame, and the window shrinks in the next, as a window
    // does while its panels and size settle after it opens.
    harness.state_mut().canvas.request_fit();
    harness.step();
    harness.set_size(Vec2::new(1000.0, 640.0));
    harness.run_steps(3);

    let app = harness.state_mut();
    let bounds = egui::Rect::from_min_max(
        super::canvas::to_pos(app.diagram().bounds.min),
        super::canvas::to_pos(app.diagram().bounds.max),
    );
    let on_screen = app.canvas.screen_from_world * bounds;
    let canvas = app.canvas.screen_rect;
    assert!(
        canvas.contains_rect(on_screen),
        "{on_screen:?} on {canvas:?}"
    );
    assert!(
        on_screen.top() >= canvas.top() + 10.0,
        "clear of the edge: {on_screen:?}"
    );
    assert!(on_screen.height() > 120.0, "{on_screen:?} on {canvas:?}");
}

#[test]
fn inspector_keeps_its_width_whatever_is_selected() {
    let mut app = app_with(ScriptedDialogs::default());
    app.new_from_template("aws-pci-zero-trust");
    let mut harness = harness(app);
    let canvas = harness.state().canvas.screen_rect;

    let nodes: Vec<String> = harness
        .state()
        .doc
        .nodes
        .iter()
        .map(|node| node.id.clone())
        .collect();
    let edges: Vec<String> = harness
        .state()
        .doc
        .edges
        .iter()
        .map(|edge| edge.id.clone())
        .collect();
    for id in &nodes {
        harness.state_mut().selection.only_node(id);
        harness.run_steps(2);
        assert_eq!(
            harness.state().canvas.screen_rect,
            canvas,
            "with node {id} selected"
        );
    }
    for id in &edges {
        harness.state_mut().selection.only_edge(id);
        harness.run_steps(2);
        assert_eq!(
            harness.state().canvas.screen_rect,
            canvas,
            "with edge {id} selected"
        );
    }
    harness.state_mut().select_all();
    harness.run_steps(2);
    assert_eq!(
        harness.state().canvas.screen_rect,
        canvas,
        "with everything selected"
    );
}

#[test]
fn paste_lands_clear_of_existing_nodes() {
    // Three palette clicks step the nodes 40 units apart; a copy of the first must not
    // land on the second or third.
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    for _ in 0..3 {
        harness.get_by_label("Service").click();
        harness.run_steps(2);
    }
    harness.state_mut().selection.only_node("service-1");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::C);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::V);
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::V);
    harness.run_steps(2);

    let corners: Vec<(f32, f32)> = harness
        .state()
        .doc
        .nodes
        .iter()
        .map(|node| (node.position.x, node.position.y))
        .collect();
    assert_eq!(corners.len(), 5);
    for (index, corner) in corners.iter().enumerate() {
        assert!(
            !corners[..index].contains(corner),
            "two nodes share the corner {corner:?}: {corners:?}"
        );
    }
}

#[test]
fn keys_stay_in_an_open_dialog() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("typed.trustmap.ron");
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.get_by_label("Service").click();
    harness.run_steps(3);

    // The typed-path prompt takes the keys at once: Ctrl+A selects its text, not the
    // canvas, and Enter saves.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run_steps(3);
    harness.state_mut().selection.clear();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.event(egui::Event::Text(path.display().to_string()));
    harness.run_steps(2);
    assert!(
        harness.state().selection.nodes.is_empty(),
        "the canvas kept no keys"
    );
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    assert!(path.is_file(), "Enter saved to the typed path");
    harness.get_by_label(&format!("Saved {}", path.display()));

    // With the unsaved-changes question open, shortcuts do not act behind it, and Escape
    // cancels it.
    harness.get_by_label("Service").click();
    harness.run_steps(2);
    harness.state_mut().request_new("blank");
    harness.run_steps(2);
    harness.get_by_label("Unsaved changes");
    let nodes = harness.state().doc.nodes.len();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Delete);
    harness.run_steps(2);
    assert_eq!(
        harness.state().doc.nodes.len(),
        nodes,
        "nothing deleted behind it"
    );
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.query_by_label("Unsaved changes").is_none());
    assert_eq!(
        harness.state().doc.nodes.len(),
        nodes,
        "cancelled, the model stays"
    );
}

#[test]
fn panels_recover_after_the_window_was_tiny() {
    let mut harness = harness(app_with(ScriptedDialogs::default()));
    harness.set_size(Vec2::new(250.0, 150.0));
    harness.run_steps(3);
    harness.set_size(Vec2::new(1400.0, 900.0));
    harness.run_steps(3);

    let canvas = harness.state().canvas.screen_rect;
    assert!(
        1400.0 - canvas.right() >= 220.0,
        "inspector width: {canvas:?}"
    );
    assert!(
        900.0 - canvas.bottom() >= 140.0,
        "review panel height: {canvas:?}"
    );
}
