//! Text as the window shows it: labels in visual order, and fonts for every script.
//!
//! egui 0.37 shapes each stretch of text set in one font with HarfBuzz's rules (through
//! `harfrust`), which lays a stretch of Hebrew or Arabic letters out right to left and joins
//! Arabic letters. It runs no bidirectional algorithm, though: the stretches themselves,
//! and the spaces, digits and punctuation between them, stay in logical order from left to
//! right, so a label of several Hebrew words would show its words in reverse order.
//! [`display`] runs the Unicode bidirectional algorithm (UAX #9, through `unicode-bidi`) to
//! put every run in display order, and leaves each stretch of right-to-left letters in
//! logical order for egui's shaper to lay out. The document always keeps the logical
//! order; only what is painted is reordered.
//!
//! Scripts that egui's bundled fonts lack (CJK, Hebrew, Arabic, Devanagari...) come from
//! the fonts installed on the system, found on demand by eframe's system font provider. A
//! character that no font has is drawn as a box, never dropped.

use std::borrow::Cow;

use unicode_bidi::{BidiClass, BidiInfo, bidi_class};

/// Returns the text as egui must be given it to show it in display order: unchanged when
/// it contains no right-to-left character, otherwise each paragraph reordered by the Unicode
/// bidirectional algorithm, with every stretch of right-to-left letters (and their
/// combining marks) put back in logical order, because egui's shaper reverses those.
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
    Cow::Owned(unreverse_letter_stretches(&visual))
}

/// Reverses each maximal stretch of right-to-left letters and combining marks in a text
/// that is in full visual order, which gives back the logical order inside the stretch.
fn unreverse_letter_stretches(visual: &str) -> String {
    let mut out = String::with_capacity(visual.len());
    let mut stretch: Vec<char> = Vec::new();
    for character in visual.chars() {
        if is_shaped_right_to_left(character) {
            stretch.push(character);
            continue;
        }
        out.extend(stretch.drain(..).rev());
        out.push(character);
    }
    out.extend(stretch.drain(..).rev());
    out
}

/// Returns whether the shaper lays a character out as part of a right-to-left stretch: a
/// right-to-left letter, or a combining mark, which stays with the letter it follows.
fn is_shaped_right_to_left(character: char) -> bool {
    matches!(
        bidi_class(character),
        BidiClass::R | BidiClass::AL | BidiClass::NSM
    )
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
/// for scripts the bundled fonts lack. This makes the missing-glyph choice explicit, so a
/// label never loses a character silently.
pub fn setup_context(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_is_unchanged() {
        assert!(matches!(
            display("payments-api"),
            Cow::Borrowed("payments-api")
        ));
    }

    #[test]
    fn single_hebrew_word_is_left_to_the_shaper() {
        // One stretch of letters: the shaper lays it out right to left by itself.
        assert_eq!(display("שלום"), "שלום");
    }

    #[test]
    fn hebrew_words_swap_places() {
        // A right-to-left paragraph of two words: on screen the first word is at the
        // right, so left to right come "עולם", the space, then "שלום".
        assert_eq!(display("שלום עולם"), "עולם שלום");
    }

    #[test]
    fn mixed_line_keeps_latin_runs_in_order() {
        // A left-to-right paragraph (its first strong character is Latin): "API" stays at
        // the left, and the two Hebrew words after it swap places.
        assert_eq!(display("API שרת תשלומים"), "API תשלומים שרת");
    }

    #[test]
    fn arabic_number_goes_left_and_keeps_its_order() {
        // A right-to-left paragraph: the Arabic word is at the right on screen, and the
        // number, a left-to-right run, keeps its own order at the left.
        assert_eq!(display("خادم 42"), "42 خادم");
    }

    #[test]
    fn combining_marks_stay_after_their_letter() {
        // Shin with a shin dot (U+05C1) and a final mem, then a second word: each word
        // keeps its marks in logical order after their letters.
        assert_eq!(display("שׁם טוב"), "טוב שׁם");
    }

    /// The system's Hebrew font, where the Noto fonts are installed.
    const HEBREW_FONT: &str = "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf";

    #[test]
    fn egui_shows_reordered_hebrew_right_to_left() {
        // This checks the premise of `display` against egui's real layout: given
        // "עולם שלום" for the label "שלום עולם", the first word's shin ends up right of
        // the space and the second word's ayin left of it.
        let Ok(bytes) = std::fs::read(HEBREW_FONT) else {
            eprintln!("skipped: {HEBREW_FONT} is not installed");
            return;
        };
        let ctx = egui::Context::default();
        let mut fonts = egui::FontDefinitions::default();
        fonts.font_data.insert(
            "hebrew".into(),
            std::sync::Arc::new(egui::FontData::from_owned(bytes)),
        );
        if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
            family.push("hebrew".into());
        }
        ctx.set_fonts(fonts);

        let mut positions = Vec::new();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let galley = ui.painter().layout_no_wrap(
                display("שלום עולם").into_owned(),
                egui::FontId::proportional(14.0),
                egui::Color32::WHITE,
            );
            positions = galley.rows[0]
                .glyphs
                .iter()
                .map(|glyph| (glyph.chr, glyph.pos.x))
                .collect();
        });
        output.textures_delta.clear();

        let x_of = |wanted: char| {
            positions
                .iter()
                .find(|(character, _)| *character == wanted)
                .map(|(_, x)| *x)
                .expect("glyph laid out")
        };
        assert!(x_of('ש') > x_of(' '), "the first word is at the right");
        assert!(x_of('ע') < x_of(' '), "the second word is at the left");
    }

    #[test]
    fn cjk_text_is_unchanged() {
        assert_eq!(display("支付服务"), "支付服务");
    }
}
