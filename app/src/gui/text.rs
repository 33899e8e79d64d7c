//! Text as the window shows it: labels in visual order, and fonts for every script.
//!
//! egui lays text out left to right and has no bidirectional algorithm, so a Hebrew or
//! Arabic label would show its letters backwards. [`display`] runs the Unicode
//! bidirectional algorithm (UAX #9, through `unicode-bidi`) and returns the label in the
//! order its characters appear on screen. The document always keeps the logical order;
//! only what is painted is reordered.
//!
//! Scripts that egui's bundled fonts lack (CJK, Hebrew, Arabic, Devanagari...) come from
//! the fonts installed on the system, found on demand by eframe's system font provider. A
//! character that no font has is drawn as a box, never dropped.

use std::borrow::Cow;

use unicode_bidi::{BidiClass, BidiInfo, bidi_class};

/// Returns the text in display order: unchanged when it holds no right-to-left character,
/// otherwise each paragraph reordered by the Unicode bidirectional algorithm.
///
/// The base direction of each paragraph comes from its first strong character, as the
/// algorithm's rules P2 and P3 say. Mirrored characters such as brackets keep their code
/// point, so a bracket inside a right-to-left run faces the logical way.
pub fn display(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_right_to_left) {
        return Cow::Borrowed(text);
    }

    let info = BidiInfo::new(text, None);
    let mut visual = String::with_capacity(text.len());
    for paragraph in &info.paragraphs {
        let line = paragraph.range.clone();
        visual.push_str(&info.reorder_line(paragraph, line));
    }
    Cow::Owned(visual)
}

/// Returns whether a character is right-to-left or opens a right-to-left embedding,
/// override or isolate, which are what can make a text need reordering.
fn is_right_to_left(character: char) -> bool {
    matches!(
        bidi_class(character),
        BidiClass::R | BidiClass::AL | BidiClass::RLE | BidiClass::RLO | BidiClass::RLI
    )
}

/// Sets up the look of a new context: the light theme, on which the dark strokes of the
/// kind icons show, and characters no font has drawn as a visible box.
///
/// eframe's `system_fonts` feature already installs the provider that loads system fonts
/// for scripts the bundled fonts lack; this only makes the missing-glyph choice explicit,
/// so a label is never shown with characters silently left out.
pub fn setup_context(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_is_unchanged() {
        assert!(matches!(display("payments-api"), Cow::Borrowed("payments-api")));
    }

    #[test]
    fn hebrew_is_reversed_for_display() {
        // "שלום" is stored shin, lamed, vav, final mem; on screen the first letter is at the
        // right, so left to right the characters run final mem, vav, lamed, shin.
        assert_eq!(display("שלום"), "םולש");
    }

    #[test]
    fn mixed_line_keeps_latin_runs_in_order() {
        // A left-to-right paragraph (first strong character is Latin): "API " stays first,
        // then the Hebrew word reversed.
        assert_eq!(display("API שרת"), "API תרש");
    }

    #[test]
    fn arabic_digits_keep_their_order() {
        // Right-to-left paragraph: the Arabic word comes last on screen, and the number
        // keeps its left-to-right order.
        assert_eq!(display("خادم 42"), "42 مداخ");
    }

    #[test]
    fn cjk_text_is_unchanged() {
        assert_eq!(display("支付服务"), "支付服务");
    }
}
