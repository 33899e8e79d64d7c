//! The palette: every node kind and zone sort. Click an item to add it at the centre of
//! the view, or drag it onto the canvas to add it where it is dropped.

use egui::{Image, Sense, Vec2};

use crate::gui::actions::PaletteItem;
use crate::gui::app::TrustmapApp;
use crate::gui::icons::Icon;

/// Draws the palette.
pub fn show(app: &mut TrustmapApp, ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    ui.heading("Add");
    ui.label("Click, or drag onto the canvas");
    ui.add_space(4.0);

    for item in PaletteItem::ALL {
        if item == PaletteItem::Account {
            ui.separator();
            ui.label("Zones");
        }
        let icon = Icon::of(&item.kind());
        let texture = app.icons(&ctx).texture(icon, 36.0).cloned();
        let button = match &texture {
            Some(texture) => egui::Button::image_and_text(
                Image::new(texture).fit_to_exact_size(Vec2::splat(18.0)),
                item.title(),
            ),
            None => egui::Button::new(item.title()),
        };
        let response = ui
            .add_sized(
                [ui.available_width(), 24.0],
                button.sense(Sense::click_and_drag()),
            )
            .on_hover_text(format!("Add a {}", item.title().to_lowercase()));

        if response.drag_started() {
            egui::DragAndDrop::set_payload(&ctx, item);
        }
        if response.clicked() {
            let center = app.free_center_near(item, app.canvas.view_center_world());
            app.add_item(item, center);
        }
    }
}
