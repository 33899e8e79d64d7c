//! The fonts of the exports and the measuring of text with their glyph advances.
//!
//! DejaVu Sans (regular and bold) is bundled and embedded in every PDF; the SVG names it
//! first and the PNG renderer loads it. A character neither bundled face has is looked up
//! in the fonts installed on the system, face by face, and the first face that maps it is
//! used. A character that no font has is painted as U+FFFD in the PDF and recorded, so the
//! caller can warn about it: nothing is ever dropped silently.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The bundled regular face.
pub const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// The bundled bold face.
pub const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The family name of the bundled faces, as the SVG names it.
pub const FAMILY: &str = "DejaVu Sans";

/// The character painted in place of one that no font has.
pub const REPLACEMENT: char = '\u{FFFD}';

/// The weight of a text run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Regular text.
    #[default]
    Regular,
    /// Headings and emphasis.
    Bold,
}

/// The index of a face in [`Fonts::faces`].
pub type FaceIx = usize;

/// Index of the bundled regular face.
pub const REGULAR_FACE: FaceIx = 0;

/// Index of the bundled bold face.
pub const BOLD_FACE: FaceIx = 1;

/// One font face: its bytes and its glyph advances, read lazily.
#[derive(Debug)]
pub struct Face {
    /// The font file's bytes.
    pub data: Arc<[u8]>,
    /// The face's index in a font collection; 0 for a single font.
    pub index: u32,
    /// The family name, for the SVG's font list.
    pub family: String,
    /// Advance of each character already looked up, in em; `None` when the face lacks it.
    advances: HashMap<char, Option<f32>>,
}

impl Face {
    fn new(data: Arc<[u8]>, index: u32, family: impl Into<String>) -> Self {
        Self {
            data,
            index,
            family: family.into(),
            advances: HashMap::new(),
        }
    }

    /// Returns the advance of a character in em, or `None` when the face has no glyph for it.
    pub fn advance(&mut self, ch: char) -> Option<f32> {
        if let Some(advance) = self.advances.get(&ch) {
            return *advance;
        }
        let advance = read_advance(&self.data, self.index, ch);
        self.advances.insert(ch, advance);
        advance
    }
}

/// Reads a character's advance in em from a font file.
fn read_advance(data: &[u8], index: u32, ch: char) -> Option<f32> {
    let font = FontRef::from_index(data, index).ok()?;
    let glyph = font.charmap().map(ch)?;
    let units_per_em = f32::from(
        font.metrics(Size::unscaled(), LocationRef::default())
            .units_per_em,
    )
    .max(1.0);
    let advance = font
        .glyph_metrics(Size::unscaled(), LocationRef::default())
        .advance_width(glyph)?;
    Some(advance / units_per_em)
}

/// A run of text that one face paints.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// The face.
    pub face: FaceIx,
    /// The characters, in the order they are painted.
    pub text: String,
    /// Offset of the span's start from the run's start, in em.
    pub offset: f32,
}

/// The bundled faces, the system faces loaded as fallbacks, and the characters no font has.
#[derive(Debug)]
pub struct Fonts {
    faces: Vec<Face>,
    /// The face chosen for each character outside the bundled faces.
    fallback: HashMap<char, Option<FaceIx>>,
    /// Characters that no face has.
    missing: BTreeSet<char>,
    /// Whether to look in the system's fonts at all.
    use_system: bool,
}

impl Default for Fonts {
    fn default() -> Self {
        Self::new()
    }
}

impl Fonts {
    /// Creates the bundled faces, with the system's fonts as fallbacks.
    pub fn new() -> Self {
        Self {
            faces: vec![
                Face::new(Arc::from(REGULAR), 0, FAMILY),
                Face::new(Arc::from(BOLD), 0, FAMILY),
            ],
            fallback: HashMap::new(),
            missing: BTreeSet::new(),
            use_system: true,
        }
    }

    /// Creates the bundled faces only, without looking at the system's fonts. Output is then
    /// the same on every machine.
    pub fn bundled_only() -> Self {
        Self {
            use_system: false,
            ..Self::new()
        }
    }

    /// Returns every face loaded so far, bundled ones first.
    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    /// Returns the characters that no font has, met so far.
    pub fn missing(&self) -> &BTreeSet<char> {
        &self.missing
    }

    /// Returns the face that paints a character at a weight and the advance in em. A
    /// character no face has is measured as the replacement character of the regular face.
    pub fn resolve(&mut self, ch: char, weight: Weight) -> (FaceIx, f32) {
        let primary = match weight {
            Weight::Regular => REGULAR_FACE,
            Weight::Bold => BOLD_FACE,
        };
        for face in [primary, REGULAR_FACE] {
            if let Some(advance) = self.faces[face].advance(ch) {
                return (face, advance);
            }
        }
        if ch.is_control() {
            // Tabs and other controls have no glyph; they are painted as a space.
            let advance = self.faces[primary].advance(' ').unwrap_or(0.3);
            return (primary, advance);
        }
        if let Some(face) = self.fallback_face(ch)
            && let Some(advance) = self.faces[face].advance(ch)
        {
            return (face, advance);
        }

        self.missing.insert(ch);
        let advance = self.faces[REGULAR_FACE].advance(REPLACEMENT).unwrap_or(0.6);
        (REGULAR_FACE, advance)
    }

    /// Returns the width of a text at a font size, in the size's units.
    pub fn width(&mut self, text: &str, size: f32, weight: Weight) -> f32 {
        text.chars()
            .map(|ch| self.resolve(ch, weight).1)
            .sum::<f32>()
            * size
    }

    /// Splits a text into the spans that each face paints, in the order given. Characters
    /// that no font has become the replacement character, and controls become spaces.
    pub fn spans(&mut self, text: &str, weight: Weight) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        let mut offset = 0.0;
        for ch in text.chars() {
            let (face, advance) = self.resolve(ch, weight);
            let painted = if ch.is_control() {
                ' '
            } else if self.missing.contains(&ch) {
                REPLACEMENT
            } else {
                ch
            };
            match spans.last_mut() {
                Some(span) if span.face == face => span.text.push(painted),
                _ => spans.push(Span {
                    face,
                    text: painted.to_string(),
                    offset,
                }),
            }
            offset += advance;
        }
        spans
    }

    /// Returns the family names of every face loaded so far, bundled first, without repeats.
    pub fn families(&self) -> Vec<&str> {
        let mut families: Vec<&str> = Vec::new();
        for face in &self.faces {
            if !families.contains(&face.family.as_str()) {
                families.push(&face.family);
            }
        }
        families
    }

    /// Finds a system face that maps the character, loading it on first use.
    fn fallback_face(&mut self, ch: char) -> Option<FaceIx> {
        if !self.use_system {
            return None;
        }
        if let Some(face) = self.fallback.get(&ch) {
            return *face;
        }

        // A face loaded earlier for another character may have this one too.
        let loaded =
            (BOLD_FACE + 1..self.faces.len()).find(|&ix| self.faces[ix].advance(ch).is_some());
        let face = loaded.or_else(|| self.load_system_face(ch));
        self.fallback.insert(ch, face);
        face
    }

    fn load_system_face(&mut self, ch: char) -> Option<FaceIx> {
        let db = system_fonts();
        let found = db.faces().find_map(|info| {
            db.with_face_data(info.id, |data, index| {
                read_advance(data, index, ch).map(|_| (Arc::<[u8]>::from(data), index))
            })
            .flatten()
            .map(|(data, index)| {
                let family = info
                    .families
                    .first()
                    .map_or_else(String::new, |(name, _)| name.clone());
                (data, index, family)
            })
        })?;

        let (data, index, family) = found;
        log::info!("using the system font {family} for {ch:?}");
        self.faces.push(Face::new(data, index, family));
        Some(self.faces.len() - 1)
    }
}

/// Returns the fonts installed on the system, read once.
pub fn system_fonts() -> &'static fontdb::Database {
    static DB: OnceLock<fontdb::Database> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        db
    })
}

/// Returns a text shortened with an ellipsis so that it is at most `max_width` wide.
pub fn ellipsize(
    fonts: &mut Fonts,
    text: &str,
    size: f32,
    weight: Weight,
    max_width: f32,
) -> String {
    if fonts.width(text, size, weight) <= max_width {
        return text.to_owned();
    }
    let ellipsis = fonts.width("…", size, weight);
    let mut width = 0.0;
    let mut out = String::new();
    for ch in text.chars() {
        let advance = fonts.resolve(ch, weight).1 * size;
        if width + advance + ellipsis > max_width {
            break;
        }
        width += advance;
        out.push(ch);
    }
    if ellipsis > max_width {
        return String::new();
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('…');
    out
}

/// Wraps a text into at most `max_lines` lines each at most `max_width` wide. Lines break
/// at spaces where they can and inside a word that is wider than a line by itself; the
/// last line ends with an ellipsis when the text does not fit. A text that fits on one
/// line is returned whole, its spaces included.
pub fn wrap(
    fonts: &mut Fonts,
    text: &str,
    size: f32,
    weight: Weight,
    max_width: f32,
    max_lines: usize,
) -> Vec<String> {
    if max_lines == 0 {
        return Vec::new();
    }
    if fonts.width(text, size, weight) <= max_width || max_lines == 1 {
        return vec![ellipsize(fonts, text, size, weight, max_width)];
    }

    let mut lines = greedy_lines(fonts, text, size, weight, max_width);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            last.push('…');
            *last = ellipsize(fonts, last, size, weight, max_width);
        }
    }
    lines
}

/// Breaks a text into lines at most `max_width` wide, at spaces, and inside words wider
/// than a line.
fn greedy_lines(
    fonts: &mut Fonts,
    text: &str,
    size: f32,
    weight: Weight,
    max_width: f32,
) -> Vec<String> {
    let space = fonts.width(" ", size, weight);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for word in text.split([' ', '\t']).filter(|word| !word.is_empty()) {
        let word_width = fonts.width(word, size, weight);
        let gap = if line.is_empty() { 0.0 } else { space };
        if width + gap + word_width <= max_width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            width += gap + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            width = 0.0;
        }
        for ch in word.chars() {
            let advance = fonts.resolve(ch, weight).1 * size;
            if width + advance > max_width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                width = 0.0;
            }
            line.push(ch);
            width += advance;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_measure_latin_text() {
        let mut fonts = Fonts::bundled_only();
        let width = fonts.width("Hello", 10.0, Weight::Regular);
        // DejaVu Sans letters are about 0.55 to 0.7 em wide.
        assert!(width > 25.0 && width < 40.0, "{width}");
        assert!(fonts.width("Hello", 10.0, Weight::Bold) > width);
        assert!(fonts.missing().is_empty());
    }

    #[test]
    fn hebrew_is_in_the_bundled_face() {
        let mut fonts = Fonts::bundled_only();
        let spans = fonts.spans("שלום", Weight::Regular);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].face, REGULAR_FACE);
    }

    #[test]
    fn a_character_no_font_has_is_recorded_and_replaced() {
        let mut fonts = Fonts::bundled_only();
        // U+10FFFD is a private-use character that no bundled face maps.
        let spans = fonts.spans("a\u{10FFFD}b", Weight::Regular);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].text, "a\u{FFFD}b");
        assert!(fonts.missing().contains(&'\u{10FFFD}'));
    }

    #[test]
    fn ellipsize_keeps_what_fits_and_shortens_the_rest() {
        let mut fonts = Fonts::bundled_only();
        assert_eq!(
            ellipsize(&mut fonts, " padded ", 10.0, Weight::Regular, 500.0),
            " padded "
        );
        let long = "x".repeat(300);
        let short = ellipsize(&mut fonts, &long, 10.0, Weight::Regular, 100.0);
        assert!(short.ends_with('…'));
        assert!(fonts.width(&short, 10.0, Weight::Regular) <= 100.0);
    }

    #[test]
    fn wrap_breaks_long_words_and_ends_with_an_ellipsis() {
        let mut fonts = Fonts::bundled_only();
        let arn = format!("arn:aws:iam::123456789012:role/{}", "a".repeat(270));
        let lines = wrap(&mut fonts, &arn, 10.0, Weight::Regular, 120.0, 2);
        assert_eq!(lines.len(), 2);
        for line in &lines {
            assert!(fonts.width(line, 10.0, Weight::Regular) <= 120.0, "{line}");
        }
        assert!(lines[1].ends_with('…'));
        assert!(arn.starts_with(&lines[0]));
    }

    #[test]
    fn wrap_splits_at_spaces() {
        let mut fonts = Fonts::bundled_only();
        // At 10 units DejaVu Sans gives "payments" 49.8, "api" 15.3, "gateway" 42.8 and a
        // space 3.2: "payments api" (68.3) and "api gateway" (61.3) are wider than 60.
        let lines = wrap(
            &mut fonts,
            "payments api gateway",
            10.0,
            Weight::Regular,
            60.0,
            3,
        );
        assert_eq!(lines, ["payments", "api", "gateway"]);
    }
}
