//! PNG of an SVG export, rendered with resvg at a chosen scale.
//!
//! The renderer's font database starts with the bundled faces, then the system's fonts as
//! fallbacks, so the PNG shows the same letters as the PDF.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use super::ExportError;
use super::fonts::{self, BOLD, FAMILY, REGULAR};

/// The longest side of a PNG, in pixels.
pub const MAX_SIDE: u32 = 16_384;

/// Parses an SVG with the bundled fonts and the system's fonts loaded.
pub fn parse(svg: &str) -> Result<usvg::Tree, ExportError> {
    let mut options = usvg::Options {
        font_family: FAMILY.to_owned(),
        ..usvg::Options::default()
    };
    let mut db = fonts::system_fonts().clone();
    db.load_font_data(REGULAR.to_vec());
    db.load_font_data(BOLD.to_vec());
    options.fontdb = Arc::new(db);
    usvg::Tree::from_str(svg, &options).map_err(|err| ExportError::Svg(err.to_string()))
}

/// Renders an SVG into a PNG, `scale` pixels to the SVG's unit.
pub fn render(svg: &str, scale: f32) -> Result<Vec<u8>, ExportError> {
    let tree = parse(svg)?;
    let size = tree.size();
    let (width, height) = (size.width() * scale, size.height() * scale);
    let fits = |side: f32| side.is_finite() && side >= 1.0 && side <= MAX_SIDE as f32;
    if !(fits(width) && fits(height)) {
        return Err(ExportError::PngSize {
            width,
            height,
            max: MAX_SIDE,
        });
    }

    let (pixels_wide, pixels_high) = (width.ceil() as u32, height.ceil() as u32);
    let mut pixmap =
        tiny_skia::Pixmap::new(pixels_wide, pixels_high).ok_or(ExportError::PngSize {
            width,
            height,
            max: MAX_SIDE,
        })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|err| ExportError::Png(err.to_string()))
}
