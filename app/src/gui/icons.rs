//! The node-kind icons, rendered once from the bundled SVG files into egui textures. The
//! export draws the same icons as outlines.
//!
//! Each icon is rendered at two resolutions, so it stays sharp from a small box at low zoom
//! to a large one when zoomed in. The canvas picks the smallest that is at least as large
//! as the icon on screen.

use egui::{ColorImage, TextureHandle, TextureOptions};
use resvg::{tiny_skia, usvg};
pub use trustmap_model::export::icons::Icon;

/// The icon sizes rendered, in physical pixels.
const SIZES: [u32; 2] = [48, 192];

/// The rendered icons.
pub struct Icons {
    textures: Vec<(Icon, [Option<TextureHandle>; SIZES.len()])>,
}

impl Icons {
    /// Renders every icon at every size and uploads them to the context. An icon that
    /// fails to render is logged and left out; its nodes are drawn without one.
    pub fn load(ctx: &egui::Context) -> Self {
        let textures = Icon::ALL
            .into_iter()
            .map(|kind| {
                let handles = SIZES.map(|size| match render(kind.svg().as_bytes(), size) {
                    Ok(image) => Some(ctx.load_texture(
                        format!("icon-{kind:?}-{size}"),
                        image,
                        TextureOptions::LINEAR,
                    )),
                    Err(err) => {
                        log::error!("could not render the {kind:?} icon: {err}");
                        None
                    }
                });
                (kind, handles)
            })
            .collect();
        Self { textures }
    }

    /// Returns the texture of an icon best suited to a side of `pixels` physical pixels.
    pub fn texture(&self, kind: Icon, pixels: f32) -> Option<&TextureHandle> {
        let (_, handles) = self.textures.iter().find(|(known, _)| *known == kind)?;
        let index = SIZES
            .iter()
            .position(|&size| size as f32 >= pixels)
            .unwrap_or(SIZES.len() - 1);
        handles[index]
            .as_ref()
            .or_else(|| handles.iter().flatten().next())
    }
}

/// Renders an SVG into a square image of `size` pixels.
fn render(svg: &[u8], size: u32) -> Result<ColorImage, String> {
    let tree =
        usvg::Tree::from_data(svg, &usvg::Options::default()).map_err(|err| err.to_string())?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size, size).ok_or_else(|| format!("invalid icon size {size}"))?;
    let view = tree.size();
    let scale = size as f32 / view.width().max(view.height());
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok(ColorImage::from_rgba_premultiplied(
        [size as usize, size as usize],
        pixmap.data(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_renders_with_ink() {
        for kind in Icon::ALL {
            let image = render(kind.svg().as_bytes(), 48).expect("bundled icon renders");
            assert_eq!(image.size, [48, 48]);
            let inked = image.pixels.iter().filter(|pixel| pixel.a() > 0).count();
            assert!(
                inked > 20,
                "{kind:?} icon draws something, got {inked} pixels"
            );
        }
    }
}
