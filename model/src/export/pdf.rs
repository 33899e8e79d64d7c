//! The one-page blueprint as PDF, painted from the page's primitives with printpdf's
//! drawing operators.
//!
//! Text is set in the bundled font, subset and embedded, and in any system face the page
//! fell back to; nothing uses a PDF built-in font. The page's y axis grows downwards and
//! the PDF's upwards, so every y is flipped here.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use printpdf::{
    Color as PdfColor, Line, LineCapStyle, LineDashPattern, LineJoinStyle, LinePoint, Mm, Op,
    PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Polygon,
    PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

use super::ExportError;
use super::fonts::FaceIx;
use super::icons::{ICON_SIZE, Icon};
use super::page::Page;
use super::scene::{Color, Primitive, Stroke, TextRun};
use crate::document::Point;
use crate::geometry::Rect;

/// Writes the page as a one-page PDF.
///
/// Characters that no font has print as U+FFFD; [`Page::missing_characters`] lists them
/// so the caller can warn about them, and each is logged.
pub fn write(page: &Page) -> Result<Vec<u8>, ExportError> {
    for ch in page.missing_characters() {
        log::info!(
            "no font has the character {ch:?} (U+{:04X}); it prints as U+FFFD",
            u32::from(*ch)
        );
    }

    let mut doc = PdfDocument::new(&page.title);
    let fonts = add_fonts(&mut doc, page)?;
    let painter = OpsPainter {
        height: page.height,
        fonts: &fonts,
    };

    let mut ops = vec![
        Op::SetLineCapStyle {
            cap: LineCapStyle::Round,
        },
        Op::SetLineJoinStyle {
            join: LineJoinStyle::Round,
        },
    ];
    for primitive in &page.primitives {
        painter.paint(primitive, &mut ops);
    }

    let pdf_page = PdfPage::new(Mm::from(Pt(page.width)), Mm::from(Pt(page.height)), ops);
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(vec![pdf_page]).save(&options, &mut warnings);
    for warning in warnings {
        log::debug!("PDF writer: {warning:?}");
    }
    Ok(bytes)
}

/// Adds every face that some text run uses, each subset to the glyphs the page paints;
/// returns the PDF font of each face.
fn add_fonts(
    doc: &mut PdfDocument,
    page: &Page,
) -> Result<HashMap<FaceIx, printpdf::FontId>, ExportError> {
    let mut used: BTreeMap<FaceIx, BTreeSet<char>> = BTreeMap::new();
    for primitive in &page.primitives {
        if let Primitive::Text(run) = primitive {
            for span in &run.spans {
                used.entry(span.face).or_default().extend(span.text.chars());
            }
        }
    }

    let mut fonts = HashMap::new();
    for (face_ix, chars) in used {
        let face = &page.fonts.faces()[face_ix];
        let bytes = match subset(&face.data, face.index, &chars) {
            Ok(bytes) => bytes,
            Err(err) => {
                log::warn!("the font {} is embedded whole: {err}", face.family);
                face.data.to_vec()
            }
        };
        let index = if bytes.len() == face.data.len() {
            face.index as usize
        } else {
            0
        };
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&bytes, index, &mut warnings)
            .ok_or_else(|| ExportError::Font(face.family.clone()))?;
        fonts.insert(face_ix, doc.add_font(&parsed));
    }
    Ok(fonts)
}

/// Returns a font with only the glyphs of these characters (and `.notdef`), with a Unicode
/// character map so that the PDF writer still finds each glyph by its character.
fn subset(data: &[u8], index: u32, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};
    use skrifa::{FontRef, MetadataProvider as _};

    let font = FontRef::from_index(data, index).map_err(|err| err.to_string())?;
    let charmap = font.charmap();
    let mut glyphs: BTreeSet<u16> = chars
        .iter()
        .filter_map(|ch| charmap.map(*ch))
        .filter_map(|glyph| u16::try_from(glyph.to_u32()).ok())
        .collect();
    glyphs.remove(&0);
    let ids: Vec<u16> = std::iter::once(0).chain(glyphs).collect();

    let scope = ReadScope::new(data);
    let file = scope
        .read::<FontData<'_>>()
        .map_err(|err| err.to_string())?;
    let provider = file
        .table_provider(index as usize)
        .map_err(|err| err.to_string())?;
    allsorts::subset::subset(
        &provider,
        &ids,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|err| err.to_string())
}

/// Turns primitives into PDF operators.
struct OpsPainter<'a> {
    height: f32,
    fonts: &'a HashMap<FaceIx, printpdf::FontId>,
}

impl OpsPainter<'_> {
    fn point(&self, point: Point) -> printpdf::Point {
        printpdf::Point {
            x: Pt(point.x),
            y: Pt(self.height - point.y),
        }
    }

    fn line_point(&self, point: Point, control: bool) -> LinePoint {
        LinePoint {
            p: self.point(point),
            bezier: control,
        }
    }

    fn paint(&self, primitive: &Primitive, ops: &mut Vec<Op>) {
        match primitive {
            Primitive::Rect { rect, fill, stroke } => {
                let corners = [
                    rect.min,
                    Point::new(rect.max.x, rect.min.y),
                    rect.max,
                    Point::new(rect.min.x, rect.max.y),
                ];
                self.polygon(&corners, *fill, *stroke, ops);
            }
            Primitive::Polygon {
                points,
                fill,
                stroke,
            } => self.polygon(points, *fill, *stroke, ops),
            Primitive::Polyline { points, stroke } => {
                if points.len() < 2 {
                    return;
                }
                set_stroke(*stroke, ops);
                ops.push(Op::DrawLine {
                    line: Line {
                        points: points
                            .iter()
                            .map(|point| self.line_point(*point, false))
                            .collect(),
                        is_closed: false,
                    },
                });
            }
            Primitive::Text(run) => self.text(run, ops),
            Primitive::Icon { icon, rect, color } => self.icon(*icon, *rect, *color, ops),
            Primitive::Begin { .. } | Primitive::End => {}
        }
    }

    fn polygon(
        &self,
        points: &[Point],
        fill: Option<Color>,
        stroke: Option<Stroke>,
        ops: &mut Vec<Op>,
    ) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            (None, Some(_)) => PaintMode::Stroke,
            (None, None) => return,
        };
        if let Some(fill) = fill {
            ops.push(Op::SetFillColor {
                col: pdf_color(fill),
            });
        }
        if let Some(stroke) = stroke {
            set_stroke(stroke, ops);
        }
        ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: points
                        .iter()
                        .map(|point| self.line_point(*point, false))
                        .collect(),
                }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// Paints a run as one text object: each span switches the face and continues where
    /// the previous one stopped, because the embedded widths are the advances it was
    /// measured with.
    fn text(&self, run: &TextRun, ops: &mut Vec<Op>) {
        ops.push(Op::SetFillColor {
            col: pdf_color(run.color),
        });
        ops.push(Op::StartTextSection);
        ops.push(Op::SetTextCursor {
            pos: self.point(run.origin),
        });
        for span in &run.spans {
            let Some(font) = self.fonts.get(&span.face) else {
                continue;
            };
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(font.clone()),
                size: Pt(run.size),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(span.text.clone())],
            });
        }
        ops.push(Op::EndTextSection);
    }

    fn icon(&self, icon: Icon, rect: Rect, color: Color, ops: &mut Vec<Op>) {
        let scale = rect.width() / ICON_SIZE;
        let place =
            |point: Point| Point::new(rect.min.x + point.x * scale, rect.min.y + point.y * scale);
        for path in &icon.outline().paths {
            set_stroke(Stroke::solid(color, path.stroke_width * scale), ops);
            for subpath in &path.subpaths {
                if subpath.points.len() < 2 {
                    continue;
                }
                ops.push(Op::DrawLine {
                    line: Line {
                        points: subpath
                            .points
                            .iter()
                            .map(|point| self.line_point(place(point.at), point.control))
                            .collect(),
                        is_closed: subpath.closed,
                    },
                });
            }
        }
    }
}

fn set_stroke(stroke: Stroke, ops: &mut Vec<Op>) {
    let pattern = stroke.dash.pattern(stroke.width);
    ops.extend([
        Op::SetOutlineColor {
            col: pdf_color(stroke.color),
        },
        Op::SetOutlineThickness {
            pt: Pt(stroke.width),
        },
        Op::SetLineDashPattern {
            dash: if pattern.is_empty() {
                LineDashPattern::solid()
            } else {
                LineDashPattern::new(0.0, &pattern)
            },
        },
    ]);
}

fn pdf_color(color: Color) -> PdfColor {
    let [r, g, b] = color.unit();
    PdfColor::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}
