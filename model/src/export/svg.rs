//! SVG of the diagram alone and of the whole page, painted from the same primitives as the
//! PDF.
//!
//! The output is standalone XML: no external reference, the icons inlined as paths, every
//! text escaped exactly once and kept as written with `xml:space="preserve"`. Each node,
//! zone and edge is a group whose `<title>` holds its full label or description, so a
//! label shortened to fit its box stays whole in the file.

use std::fmt::Write as _;

use super::fonts::{Fonts, Weight};
use super::icons::{ICON_SIZE, Icon};
use super::page::Page;
use super::scene::{self, Color, Primitive, Stroke, TextRun};
use crate::document::{Document, Point};
use crate::geometry::{Diagram, Rect};
use crate::review::Review;

/// Margin around the diagram, in world units.
const DIAGRAM_MARGIN: f32 = 16.0;

/// Returns the SVG of the diagram alone, in world units.
pub fn diagram(doc: &Document, diagram: &Diagram, review: &Review, fonts: &mut Fonts) -> String {
    let primitives = scene::paint_diagram(doc, diagram, review, fonts);
    let view = scene::bounds(&primitives)
        .map(|bounds| bounds.expand(DIAGRAM_MARGIN))
        .unwrap_or(Rect::from_min_size(Point::new(0.0, 0.0), 200.0, 100.0));
    write_svg(&primitives, view, &doc.name, fonts)
}

/// Returns the SVG of the whole page, in points.
pub fn page(page: &Page) -> String {
    let view = Rect::from_min_size(Point::new(0.0, 0.0), page.width, page.height);
    let mut svg = String::new();
    let families = font_list(&page.fonts);
    open_svg(&mut svg, view, &page.title, &families);
    // A white sheet, so that viewers with a dark background show the page as printed.
    write_primitive(
        &mut svg,
        &Primitive::Rect {
            rect: view,
            fill: Some(scene::WHITE),
            stroke: None,
        },
    );
    for primitive in &page.primitives {
        write_primitive(&mut svg, primitive);
    }
    svg.push_str("</svg>\n");
    svg
}

fn write_svg(primitives: &[Primitive], view: Rect, title: &str, fonts: &Fonts) -> String {
    let mut svg = String::new();
    open_svg(&mut svg, view, title, &font_list(fonts));
    for primitive in primitives {
        write_primitive(&mut svg, primitive);
    }
    svg.push_str("</svg>\n");
    svg
}

/// The font list of the `font-family` attribute: the faces the text was measured with.
fn font_list(fonts: &Fonts) -> String {
    let mut list: Vec<String> = fonts
        .families()
        .iter()
        .map(|family| format!("'{}'", family.replace(['\'', '"', '\\'], "")))
        .collect();
    list.push("sans-serif".to_owned());
    list.join(", ")
}

fn open_svg(svg: &mut String, view: Rect, title: &str, families: &str) {
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}\" height=\"{}\" \
         viewBox=\"{} {} {} {}\" xml:space=\"preserve\" font-family=\"{}\">",
        num(view.width()),
        num(view.height()),
        num(view.min.x),
        num(view.min.y),
        num(view.width()),
        num(view.height()),
        escape(families)
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
}

fn write_primitive(svg: &mut String, primitive: &Primitive) {
    match primitive {
        Primitive::Rect { rect, fill, stroke } => {
            let _ = writeln!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}/>",
                num(rect.min.x),
                num(rect.min.y),
                num(rect.width().max(0.0)),
                num(rect.height().max(0.0)),
                paint(*fill, *stroke)
            );
        }
        Primitive::Polyline { points, stroke } => {
            let _ = writeln!(
                svg,
                "<polyline points=\"{}\"{}/>",
                point_list(points),
                paint(None, Some(*stroke))
            );
        }
        Primitive::Polygon {
            points,
            fill,
            stroke,
        } => {
            let _ = writeln!(
                svg,
                "<polygon points=\"{}\"{}/>",
                point_list(points),
                paint(*fill, *stroke)
            );
        }
        Primitive::Text(run) => write_text(svg, run),
        Primitive::Icon { icon, rect, color } => write_icon(svg, *icon, *rect, *color),
        Primitive::Begin { class, id, title } => {
            let _ = writeln!(
                svg,
                "<g class=\"{class}\" data-id=\"{}\"><title>{}</title>",
                escape(id),
                escape(title)
            );
        }
        Primitive::End => svg.push_str("</g>\n"),
    }
}

fn write_text(svg: &mut String, run: &TextRun) {
    let weight = match run.weight {
        Weight::Regular => "",
        Weight::Bold => " font-weight=\"bold\"",
    };
    let class = if run.class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{}\"", run.class)
    };
    let _ = writeln!(
        svg,
        "<text{class} x=\"{}\" y=\"{}\" font-size=\"{}\"{weight} fill=\"{}\" \
         xml:space=\"preserve\">{}</text>",
        num(run.origin.x),
        num(run.origin.y),
        num(run.size),
        run.color.hex(),
        escape(&run.text)
    );
}

fn write_icon(svg: &mut String, icon: Icon, rect: Rect, color: Color) {
    let scale = rect.width() / ICON_SIZE;
    let _ = write!(
        svg,
        "<g transform=\"translate({} {}) scale({})\" fill=\"none\" stroke=\"{}\" \
         stroke-linecap=\"round\" stroke-linejoin=\"round\">",
        num(rect.min.x),
        num(rect.min.y),
        num(scale),
        color.hex()
    );
    for path in &icon.outline().paths {
        let mut data = String::new();
        for subpath in &path.subpaths {
            let mut points = subpath.points.iter();
            if let Some(start) = points.next() {
                let _ = write!(data, "M{} {}", num(start.at.x), num(start.at.y));
            }
            let mut pending = Vec::new();
            for point in points {
                if point.control {
                    pending.push(point.at);
                    continue;
                }
                if pending.len() == 2 {
                    let _ = write!(
                        data,
                        "C{} {} {} {} {} {}",
                        num(pending[0].x),
                        num(pending[0].y),
                        num(pending[1].x),
                        num(pending[1].y),
                        num(point.at.x),
                        num(point.at.y)
                    );
                } else {
                    let _ = write!(data, "L{} {}", num(point.at.x), num(point.at.y));
                }
                pending.clear();
            }
            if subpath.closed {
                data.push('Z');
            }
        }
        let _ = write!(
            svg,
            "<path d=\"{data}\" stroke-width=\"{}\"/>",
            num(path.stroke_width)
        );
    }
    svg.push_str("</g>\n");
}

/// The fill and stroke attributes.
fn paint(fill: Option<Color>, stroke: Option<Stroke>) -> String {
    let mut attributes = match fill {
        Some(color) => format!(" fill=\"{}\"", color.hex()),
        None => " fill=\"none\"".to_owned(),
    };
    if let Some(stroke) = stroke {
        let _ = write!(
            attributes,
            " stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"",
            stroke.color.hex(),
            num(stroke.width)
        );
        let pattern = stroke.dash.pattern(stroke.width);
        if !pattern.is_empty() {
            let dashes: Vec<String> = pattern.iter().map(|length| num(*length)).collect();
            let _ = write!(attributes, " stroke-dasharray=\"{}\"", dashes.join(" "));
        }
    }
    attributes
}

fn point_list(points: &[Point]) -> String {
    points
        .iter()
        .map(|point| format!("{},{}", num(point.x), num(point.y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Formats a coordinate with at most two decimals; a value that is not finite becomes 0.
fn num(value: f32) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Escapes a text for XML content or a quoted attribute. Line breaks and carriage returns
/// become character references so that they survive attribute normalization; characters
/// XML 1.0 forbids become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            ch if is_xml_char(ch) => out.push(ch),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Returns whether XML 1.0 allows a character.
fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_quotes_and_forbidden_characters() {
        assert_eq!(
            escape("A < B & \"C\" 'D' ]]>"),
            "A &lt; B &amp; &quot;C&quot; &apos;D&apos; ]]&gt;"
        );
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("a\u{1}b\tc"), "a\u{FFFD}b&#9;c");
    }

    #[test]
    fn numbers_are_short_and_finite() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f32::NAN), "0");
    }
}
