//! The node-kind icons as outlines that every painter can draw.
//!
//! The icons are SVG files drawn with strokes only on a 48 by 48 grid. They are parsed once
//! with usvg into subpaths of straight and cubic segments, which the SVG writer turns back
//! into path data and the PDF writer into path operators.

use std::sync::OnceLock;

use resvg::tiny_skia::{PathSegment, Point as SkPoint};
use resvg::usvg;

use crate::document::{NodeKind, Point};

/// The side of the square an icon is drawn in, in its own units.
pub const ICON_SIZE: f32 = 48.0;

/// The icon of a node kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Icon {
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
    /// A key.
    Key,
    /// An identity.
    Identity,
    /// A zone.
    Zone,
}

impl Icon {
    /// Every icon, in the order the legend lists them.
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

    /// Returns the kind's name as the legend spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::External => "external",
            Self::Gateway => "gateway",
            Self::Service => "service",
            Self::DataStore => "data store",
            Self::Secret => "secret",
            Self::Key => "key",
            Self::Identity => "identity",
            Self::Zone => "zone",
        }
    }

    /// Returns the icon's SVG source, as bundled from `assets/icons/`.
    pub fn svg(self) -> &'static str {
        match self {
            Self::External => include_str!("../../../assets/icons/external.svg"),
            Self::Gateway => include_str!("../../../assets/icons/gateway.svg"),
            Self::Service => include_str!("../../../assets/icons/service.svg"),
            Self::DataStore => include_str!("../../../assets/icons/data-store.svg"),
            Self::Secret => include_str!("../../../assets/icons/secret.svg"),
            Self::Key => include_str!("../../../assets/icons/key.svg"),
            Self::Identity => include_str!("../../../assets/icons/identity.svg"),
            Self::Zone => include_str!("../../../assets/icons/zone.svg"),
        }
    }

    /// Returns the icon's outline, parsed on first use.
    pub fn outline(self) -> &'static Outline {
        static OUTLINES: OnceLock<Vec<Outline>> = OnceLock::new();
        let outlines =
            OUTLINES.get_or_init(|| Self::ALL.iter().map(|icon| parse(icon.svg())).collect());
        let ix = Self::ALL.iter().position(|icon| *icon == self).unwrap_or(0);
        &outlines[ix]
    }
}

/// A point of a subpath: an end point, or a control point of a cubic curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathPoint {
    /// Where it is, in icon units.
    pub at: Point,
    /// Whether it is a control point: two control points precede each curve's end point.
    pub control: bool,
}

/// One connected piece of an icon's path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subpath {
    /// The start point, then the points of each segment.
    pub points: Vec<PathPoint>,
    /// Whether the subpath closes back to its start.
    pub closed: bool,
}

/// One stroked path of an icon.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IconPath {
    /// Its subpaths.
    pub subpaths: Vec<Subpath>,
    /// The stroke width, in icon units.
    pub stroke_width: f32,
}

/// An icon's paths, on a square of [`ICON_SIZE`] units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outline {
    /// The paths.
    pub paths: Vec<IconPath>,
}

fn parse(source: &str) -> Outline {
    let tree = match usvg::Tree::from_str(source, &usvg::Options::default()) {
        Ok(tree) => tree,
        Err(err) => {
            log::warn!("a bundled icon does not parse: {err}");
            return Outline::default();
        }
    };
    let mut outline = Outline::default();
    collect(tree.root(), &mut outline);
    outline
}

fn collect(group: &usvg::Group, outline: &mut Outline) {
    for node in group.children() {
        match node {
            usvg::Node::Group(group) => collect(group, outline),
            usvg::Node::Path(path) => outline.paths.push(convert(path)),
            _ => {}
        }
    }
}

fn convert(path: &usvg::Path) -> IconPath {
    let transform = path.abs_transform();
    let map = |point: SkPoint| {
        let mut point = point;
        transform.map_point(&mut point);
        Point::new(point.x, point.y)
    };
    let end = |point: SkPoint| PathPoint {
        at: map(point),
        control: false,
    };
    let control = |point: SkPoint| PathPoint {
        at: map(point),
        control: true,
    };

    let mut subpaths: Vec<Subpath> = Vec::new();
    let mut last = SkPoint::zero();
    for segment in path.data().segments() {
        match segment {
            PathSegment::MoveTo(point) => {
                subpaths.push(Subpath {
                    points: vec![end(point)],
                    closed: false,
                });
                last = point;
            }
            PathSegment::LineTo(point) => {
                if let Some(subpath) = subpaths.last_mut() {
                    subpath.points.push(end(point));
                }
                last = point;
            }
            PathSegment::QuadTo(ctrl, point) => {
                // A quadratic curve is the cubic whose controls lie two thirds of the way
                // from each end towards the quadratic's control point.
                let c1 = SkPoint::from_xy(
                    last.x + (ctrl.x - last.x) * 2.0 / 3.0,
                    last.y + (ctrl.y - last.y) * 2.0 / 3.0,
                );
                let c2 = SkPoint::from_xy(
                    point.x + (ctrl.x - point.x) * 2.0 / 3.0,
                    point.y + (ctrl.y - point.y) * 2.0 / 3.0,
                );
                if let Some(subpath) = subpaths.last_mut() {
                    subpath
                        .points
                        .extend([control(c1), control(c2), end(point)]);
                }
                last = point;
            }
            PathSegment::CubicTo(c1, c2, point) => {
                if let Some(subpath) = subpaths.last_mut() {
                    subpath
                        .points
                        .extend([control(c1), control(c2), end(point)]);
                }
                last = point;
            }
            PathSegment::Close => {
                if let Some(subpath) = subpaths.last_mut() {
                    subpath.closed = true;
                }
            }
        }
    }

    let stroke_width = path.stroke().map_or(2.5, |stroke| stroke.width().get());
    IconPath {
        subpaths,
        stroke_width,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_has_visible_paths_inside_its_square() {
        for icon in Icon::ALL {
            let outline = icon.outline();
            assert!(!outline.paths.is_empty(), "{icon:?}");
            for path in &outline.paths {
                assert!(path.stroke_width > 0.0);
                for point in path.subpaths.iter().flat_map(|sub| &sub.points) {
                    assert!((-1.0..=49.0).contains(&point.at.x), "{icon:?} {point:?}");
                    assert!((-1.0..=49.0).contains(&point.at.y), "{icon:?} {point:?}");
                }
            }
        }
    }
}
