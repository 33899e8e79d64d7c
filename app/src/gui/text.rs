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
//! the fonts installed on the system, found on demand by eframe's system font provider.
//! Chinese and Japanese also have a bundled last resort, Droid Sans Fallback, asked only
//! after the system's fonts, so those labels show on a system without a CJK font. The font
//! has no Hangul, so Korean still needs a system font. A character that no font has is
//! drawn as a box, never dropped.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use egui::epaint::text::{FallbackRequest, FontProvider};
use egui::{FontData, FontInsert};
use skrifa::MetadataProvider as _;

use unicode_bidi::{BidiClass, BidiInfo, bidi_class};

/// Returns the text as egui must be given it to show it in display order: unchanged when
/// it contains no right-to-left character, otherwise each paragraph reordered by the Unicode
/// bidirectional algorithm, with every stretch of right-to-left letters (and their
/// combining marks) put back in logical order, because egui's shaper reverses those.
///
/// The base direction of each paragraph comes from its first strong character, as the
/// algorithm's rules P2 and P3 say. A mirrored character such as a bracket inside a
/// right-to-left run is replaced by its mirror image (rule L4), since egui draws every
/// glyph left to right: `(API)` in a Hebrew label still opens on the right.
pub fn display(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_right_to_left) {
        return Cow::Borrowed(text);
    }

    let info = BidiInfo::new(text, None);
    let mut visual = String::with_capacity(text.len());
    for paragraph in &info.paragraphs {
        let (levels, runs) = info.visual_runs(paragraph, paragraph.range.clone());
        for run in runs {
            let piece = &text[run.clone()];
            if levels[run.start].is_rtl() {
                visual.extend(piece.chars().rev().map(mirrored));
            } else {
                visual.push_str(piece);
            }
        }
    }
    // The isolate marks of `isolated` have done their work and have no glyph.
    visual.retain(|character| !ISOLATE_MARKS.contains(&character));
    Cow::Owned(unreverse_letter_stretches(&visual))
}

/// The marks that open (first strong, left-to-right, right-to-left) and close an isolate.
const ISOLATE_MARKS: [char; 4] = ['\u{2068}', '\u{2066}', '\u{2067}', '\u{2069}'];

/// Returns `text` with each right-to-left `part` found in it set apart as a bidirectional
/// isolate, so that [`display`] orders it as one unit. In "Flow A → B" with two Hebrew
/// labels, the arrow then stays between them instead of joining their right-to-left run.
pub fn isolated<'a>(text: &str, parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut result = text.to_owned();
    for part in parts {
        if part.is_empty() || !part.chars().any(is_right_to_left) {
            continue;
        }
        result = result.replace(part, &format!("\u{2068}{part}\u{2069}"));
    }
    result
}

/// Returns whether a text contains a right-to-left character, so [`display`] would
/// reorder it.
pub fn has_right_to_left(text: &str) -> bool {
    text.chars().any(is_right_to_left)
}

/// Returns whether the first paragraph of a text runs right to left: its first strong
/// character is right-to-left. Such a label is shortened at its logical end, which is on
/// the left.
pub fn is_right_to_left_paragraph(text: &str) -> bool {
    text.chars().any(is_right_to_left)
        && BidiInfo::new(text, None)
            .paragraphs
            .first()
            .is_some_and(|paragraph| paragraph.level.is_rtl())
}

/// Returns the mirror image of a character that has one (Unicode's Bidi_Mirroring_Glyph,
/// for the pairs labels use), and any other character unchanged.
fn mirrored(character: char) -> char {
    const PAIRS: [(char, char); 12] = [
        ('(', ')'),
        ('[', ']'),
        ('{', '}'),
        ('<', '>'),
        ('«', '»'),
        ('‹', '›'),
        ('≤', '≥'),
        ('⟨', '⟩'),
        ('⁅', '⁆'),
        ('⁽', '⁾'),
        ('₍', '₎'),
        ('≪', '≫'),
    ];
    PAIRS
        .iter()
        .find_map(|&(left, right)| {
            if character == left {
                Some(right)
            } else if character == right {
                Some(left)
            } else {
                None
            }
        })
        .unwrap_or(character)
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
/// kind icons show, the bundled CJK font as the last fallback, and characters no font has
/// drawn as a visible box.
///
/// eframe's `system_fonts` feature installs the provider that loads system fonts for
/// scripts the bundled fonts lack before the window is created, so the bundled CJK font,
/// added here, is asked only after it. A character that no font has is drawn as a box
/// (the tofu policy), so it never vanishes from a label.
pub fn setup_context(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.add_font_provider(Arc::new(BundledCjkFont));
    ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
}

/// Droid Sans Fallback: Han characters and kana in one font, under the Apache License 2.0.
/// Its licence is in `assets/fonts`.
static CJK_FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");

/// The name of the bundled CJK font among egui's fonts.
pub const CJK_FONT_NAME: &str = "Droid Sans Fallback (bundled)";

/// The bundled CJK font, parsed once to look its characters up.
static CJK_FONT: LazyLock<Option<skrifa::FontRef<'static>>> = LazyLock::new(|| {
    skrifa::FontRef::new(CJK_FONT_BYTES)
        .inspect_err(|err| log::warn!("the bundled CJK font does not parse: {err}"))
        .ok()
});

/// Offers the bundled CJK font for a character that every other font lacks, when it has
/// the character.
struct BundledCjkFont;

impl FontProvider for BundledCjkFont {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let character = request.cluster.chars().next()?;
        if !bundled_cjk_font_has(character) {
            return None;
        }
        Some(FontInsert::new(
            CJK_FONT_NAME,
            FontData::from_static(CJK_FONT_BYTES),
            Vec::new(),
        ))
    }
}

/// Returns whether the bundled CJK font has a glyph for a character.
pub fn bundled_cjk_font_has(character: char) -> bool {
    CJK_FONT
        .as_ref()
        .and_then(|font| font.charmap().map(character))
        .is_some_and(|glyph| glyph.to_u32() != 0)
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
        fonts
            .font_data
            .insert("hebrew".into(), Arc::new(FontData::from_owned(bytes)));
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
    fn bundled_font_covers_han_and_kana() {
        // Han (simplified and traditional), hiragana and katakana are in Droid Sans
        // Fallback. Hangul syllables are not: Korean labels need a system font. A
        // private-use character of plane 16 is in no font.
        for character in ['支', '付', '服', '务', '與', 'の', 'カ', 'ー'] {
            assert!(bundled_cjk_font_has(character), "{character}");
        }
        assert!(!bundled_cjk_font_has('\u{10FFFD}'));
    }

    #[test]
    fn cjk_resolves_in_a_context_without_system_fonts() {
        // A context set up as the window's, with egui's bundled fonts and no system font
        // provider: every CJK character resolves through the bundled font, which egui has
        // installed as a fallback, and a character no font has still takes room as a box.
        let ctx = egui::Context::default();
        setup_context(&ctx);
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear();

        let font = egui::FontId::proportional(14.0);
        ctx.fonts_mut(|fonts| {
            assert!(fonts.has_glyphs(&font, "支付服务 カード 與"));
            assert!(!fonts.has_glyph(&font, '\u{10FFFD}'));
        });
        let discovered: Vec<String> = ctx.fonts_mut(|fonts| {
            fonts
                .discovered_fonts()
                .iter()
                .map(|insert| insert.name.clone())
                .collect()
        });
        assert_eq!(discovered, [CJK_FONT_NAME]);

        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let galley = ui.painter().layout_no_wrap(
                "a\u{10FFFD}b".to_owned(),
                font.clone(),
                egui::Color32::BLACK,
            );
            let glyphs = &galley.rows[0].glyphs;
            assert_eq!(glyphs.len(), 3, "the missing character is not dropped");
            let tofu = &glyphs[1];
            assert_eq!(tofu.chr, '\u{10FFFD}');
            assert!(tofu.advance_width > 1.0, "the box takes room");
            assert!(tofu.uv_rect.size.x > 0.0, "the box is drawn");
        });
        output.textures_delta.clear();
    }

    #[test]
    fn brackets_in_right_to_left_runs_are_mirrored() {
        // Logical "גורם (API) 2024": the bracketed Latin run sits inside the right-to-left
        // paragraph, so on screen the bracket that opens it is on its right.
        let displayed = display("גורם (API) 2024");
        assert_eq!(displayed, "2024 (API) גורם");
        assert!(displayed.find('(') < displayed.find(')'), "{displayed}");
        // Brackets in a left-to-right paragraph are left alone.
        assert_eq!(display("API (שרת)"), "API (שרת)");
    }

    #[test]
    fn isolated_labels_keep_the_arrow_between_them() {
        let title = "Flow רישום רכב → שירותי AWS authenticates";
        let parts = ["רישום רכב", "שירותי AWS"];
        assert_eq!(
            display(&isolated(title, parts)),
            "Flow רכב רישום → AWS שירותי authenticates"
        );
        // Without isolates the arrow joins the right-to-left run around it.
        assert_ne!(display(title), "Flow רכב רישום → AWS שירותי authenticates");
        // Left-to-right labels are left as they are.
        assert_eq!(isolated("Flow a → b", ["a", "b"]), "Flow a → b");
    }

    #[test]
    fn right_to_left_paragraphs_are_told_apart() {
        assert!(is_right_to_left_paragraph("שירותי AWS"));
        assert!(!is_right_to_left_paragraph("AWS שירותי"));
        assert!(!is_right_to_left_paragraph("支付服务"));
    }

    #[test]
    fn cjk_text_is_unchanged() {
        assert_eq!(display("支付服务"), "支付服务");
    }
}
