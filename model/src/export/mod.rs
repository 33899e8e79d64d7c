//! Export of a model: the one-page blueprint as PDF and SVG, the diagram as SVG and PNG,
//! and the diagram as Graphviz DOT and Mermaid text.
//!
//! Everything is painted from one picture. [`scene`] turns the diagram's geometry into a
//! list of [`Primitive`]s; [`page`] lays the whole page out once as primitives; [`svg`] and
//! [`pdf`] are two painters of those primitives, and [`png`] renders the SVG. Text is
//! measured with the glyph advances of the bundled font ([`fonts`]) so that nothing
//! overflows its box. Export reads the document, the geometry and the review, nothing else.

pub mod dot;
pub mod fonts;
pub mod icons;
pub mod mermaid;
pub mod page;
pub mod pdf;
pub mod png;
pub mod scene;
pub mod svg;

use thiserror::Error;

use crate::document::Document;
use crate::geometry;

pub use page::{Page, PageOptions, PageSize};
pub use scene::{Color, Dash, Primitive, Stroke, TextRun};

/// Why an export failed.
#[derive(Debug, Error)]
pub enum ExportError {
    /// The PDF writer could not load a font.
    #[error("the font {0} could not be loaded for the PDF")]
    Font(String),
    /// The SVG did not parse for rendering.
    #[error("the SVG could not be read for rendering: {0}")]
    Svg(String),
    /// The PNG would be empty or too large to render.
    #[error(
        "a PNG of {width} by {height} pixels cannot be rendered; choose a scale that gives 1 to {max} pixels a side"
    )]
    PngSize {
        /// Width asked for, in pixels.
        width: f32,
        /// Height asked for, in pixels.
        height: f32,
        /// The largest side allowed.
        max: u32,
    },
    /// The PNG encoder failed.
    #[error("the PNG could not be encoded: {0}")]
    Png(String),
}

/// Lays out the one-page blueprint of a model: its geometry, review and page.
pub fn blueprint(doc: &Document, options: &PageOptions) -> Page {
    let diagram = geometry::layout(doc);
    let review = crate::review::review(doc);
    page::layout(doc, &diagram, &review, options, fonts::Fonts::new())
}

/// Returns the SVG of the diagram alone, in world units.
pub fn diagram_svg(doc: &Document) -> String {
    let diagram = geometry::layout(doc);
    let review = crate::review::review(doc);
    let mut fonts = fonts::Fonts::new();
    svg::diagram(doc, &diagram, &review, &mut fonts)
}
