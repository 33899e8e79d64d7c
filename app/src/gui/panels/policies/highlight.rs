//! The layout of an editor's text with the byte ranges of its problems marked.

use std::ops::Range;

use egui::text::LayoutJob;
use egui::{Color32, FontId, Stroke, TextFormat};

/// Lays out text in the monospace font with the byte ranges in `spans` underlined and
/// shaded. Ranges may overlap and come in any order.
pub fn highlighted(
    text: &str,
    spans: &[Range<usize>],
    text_color: Color32,
    error_color: Color32,
) -> LayoutJob {
    let plain = TextFormat {
        font_id: FontId::monospace(13.0),
        color: text_color,
        ..TextFormat::default()
    };
    let marked = TextFormat {
        background: error_color.gamma_multiply(0.18),
        underline: Stroke::new(1.5, error_color),
        ..plain.clone()
    };

    // Each span is clamped to the text and widened to whole characters. Empty spans mark
    // nothing.
    let spans: Vec<Range<usize>> = spans
        .iter()
        .map(|span| widen_to_chars(text, span))
        .filter(|span| !span.is_empty())
        .collect();
    let mut cuts: Vec<usize> = spans
        .iter()
        .flat_map(|span| [span.start, span.end])
        .chain([0, text.len()])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();

    let mut job = LayoutJob::default();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let inside = spans
            .iter()
            .any(|span| span.start <= start && end <= span.end);
        let format = if inside { &marked } else { &plain };
        job.append(&text[start..end], 0.0, format.clone());
    }
    job
}

fn widen_to_chars(text: &str, span: &Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns the text of each section of a job, with whether it is marked.
    fn sections(job: &LayoutJob) -> Vec<(&str, bool)> {
        job.sections
            .iter()
            .map(|section| {
                let marked = section.format.underline.width > 0.0;
                (
                    &job.text[section.byte_range.start.0..section.byte_range.end.0],
                    marked,
                )
            })
            .collect()
    }

    #[test]
    fn highlighted_marks_each_span() {
        // Spans 0..2 and 1..3 overlap, so "abc" is marked as one section (the layout job
        // merges neighbours of one format). 5..6 marks "f".
        let job = highlighted("abcdefg", &[5..6, 0..2, 1..3], Color32::BLACK, Color32::RED);
        assert_eq!(
            sections(&job),
            [("abc", true), ("de", false), ("f", true), ("g", false)]
        );
        assert_eq!(job.text, "abcdefg");
    }

    #[test]
    fn highlighted_widens_ranges_to_whole_characters() {
        // "é" is bytes 0..2, so 1..9 starts inside it and ends past the text: it widens to
        // the whole text. The empty range 3..3 marks nothing.
        let job = highlighted("éab", &[1..9, 3..3], Color32::BLACK, Color32::RED);
        assert_eq!(sections(&job), [("éab", true)]);

        let empty = std::iter::once(3..3).collect::<Vec<_>>();
        let job = highlighted("éab", &empty, Color32::BLACK, Color32::RED);
        assert_eq!(sections(&job), [("éab", false)]);
    }
}
