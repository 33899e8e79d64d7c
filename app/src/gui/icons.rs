//! The node-kind icons, rendered once from the bundled SVG files into egui textures.
//!
//! Each icon is rendered at two resolutions, so it stays sharp from a small box at low zoom
//! to a large one when zoomed in. The canvas picks the smallest that is at least as large
//! as the icon on screen.

use egui::{ColorImage, TextureHandle, TextureOptions};
use resvg::{tiny_skia, usvg};
use trustmap_model::document::NodeKind;

/// The icon sizes rendered, in physical pixels.
const SIZES: [u32; 2] = [48, 192];

/// The icon of a node kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IconKind {
    /// An external node.
    External,
    /// A gateway.
    Gateway,
    /// A service.
    Service,
    /// A data store.
    DataStore,
    /// A secret.
    Secret,
    /// A KMS key.
    Key,
    /// An identity.
    Identity,
    /// A zone.
    Zone,
}

impl IconKind {
    /// Every icon, in palette order.
    pub const ALL: [Self; 8] = [
        Self::External,
        Self::Gateway,
        Self::Service,
        Self::DataStore,
        Self::Secret,
        Self::Key,
        Self::Identity,
        Self::Zone,
    ];

    /// Returns the icon of a node kind.
    pub fn of(kind: &NodeKind) -> Self {
        match kind {
            NodeKind::External(_) => Self::External,
            NodeKind::Gateway(_) => Self::Gateway,
            NodeKind::Service(_) => Self::Service,
            NodeKind::DataStore(_) => Self::DataStore,
            NodeKind::Secret(_) => Self::Secret,
            NodeKind::Key(_) => Self::Key,
            NodeKind::Identity(_) => Self::Identity,
            NodeKind::Zone(_) => Self::Zone,
        }
    }

    fn svg(self) -> &'static [u8] {
        match self {
            Self::External => include_bytes!("../../../assets/icons/external.svg"),
            Self::Gateway => include_bytes!("../../../assets/icons/gateway.svg"),
            Self::Service => include_bytes!("../../../assets/icons/service.svg"),
            Self::DataStore => include_bytes!("../../../assets/icons/data-store.svg"),
            Self::Secret => include_bytes!("../../../assets/icons/secret.svg"),
            Self::Key => include_bytes!("../../../assets/icons/key.svg"),
            Self::Identity => include_bytes!("../../../assets/icons/identity.svg"),
            Self::Zone => include_bytes!("../../../assets/icons/zone.svg"),
        }
    }
}

/// The rendered icons.
pub struct Icons {
    textures: Vec<(IconKind, [Option<TextureHandle>; SIZES.len()])>,
}

impl Icons {
    /// Renders every icon at every size and uploads them to the context. An icon that
    /// fails to render is logged and left out; its nodes are drawn without one.
    pub fn load(ctx: &egui::Context) -> Self {
        let textures = IconKind::ALL
            .into_iter()
            .map(|kind| {
                let handles = SIZES.map(|size| match render(kind.svg(), size) {
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
    pub fn texture(&self, kind: IconKind, pixels: f32) -> Option<&TextureHandle> {
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
        for kind in IconKind::ALL {
            let image = render(kind.svg(), 48).expect("bundled icon renders");
            assert_eq!(image.size, [48, 48]);
            let inked = image.pixels.iter().filter(|pixel| pixel.a() > 0).count();
            assert!(
                inked > 20,
                "{kind:?} icon draws something, got {inked} pixels"
            );
        }
    }
}
