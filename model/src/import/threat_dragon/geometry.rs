//! Plane geometry for Threat Dragon drawings: which box holds an element's centre, and
//! which boundary curves a flow crosses.

/// A point in the drawing's coordinates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Pt {
    pub x: f64,
    pub y: f64,
}

impl Pt {
    pub fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// An axis-aligned box: top-left corner and size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Box2 {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Box2 {
    pub fn centre(&self) -> Pt {
        Pt::new(self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    pub fn area(&self) -> f64 {
        self.width * self.height
    }

    /// Returns whether the point lies inside or on the border: an element whose centre
    /// sits exactly on a boundary box's edge belongs to the box.
    pub fn contains(&self, point: Pt) -> bool {
        point.x >= self.x
            && point.x <= self.x + self.width
            && point.y >= self.y
            && point.y <= self.y + self.height
    }

    pub fn translated(&self, dx: f64) -> Self {
        Self {
            x: self.x + dx,
            ..*self
        }
    }
}

/// Returns whether two polylines share a point.
pub(super) fn polylines_cross(a: &[Pt], b: &[Pt]) -> bool {
    a.windows(2).any(|first| {
        b.windows(2)
            .any(|second| segments_cross(first[0], first[1], second[0], second[1]))
    })
}

/// Returns whether segment `p1 p2` and segment `q1 q2` share a point, touching included.
fn segments_cross(p1: Pt, p2: Pt, q1: Pt, q2: Pt) -> bool {
    let d1 = orientation(q1, q2, p1);
    let d2 = orientation(q1, q2, p2);
    let d3 = orientation(p1, p2, q1);
    let d4 = orientation(p1, p2, q2);
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && on_segment(q1, q2, p1))
        || (d2 == 0.0 && on_segment(q1, q2, p2))
        || (d3 == 0.0 && on_segment(p1, p2, q1))
        || (d4 == 0.0 && on_segment(p1, p2, q2))
}

/// The sign of the turn from `a → b` to `a → c`: positive anticlockwise, zero when the three
/// points are collinear.
fn orientation(a: Pt, b: Pt, c: Pt) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

/// Returns whether `c`, collinear with `a` and `b`, lies between them.
fn on_segment(a: Pt, b: Pt, c: Pt) -> bool {
    c.x >= a.x.min(b.x) && c.x <= a.x.max(b.x) && c.y >= a.y.min(b.y) && c.y <= a.y.max(b.y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_and_parallel_segments() {
        let flow = [Pt::new(0.0, 0.0), Pt::new(10.0, 0.0)];
        let across = [Pt::new(5.0, -5.0), Pt::new(5.0, 5.0)];
        let beside = [Pt::new(0.0, 1.0), Pt::new(10.0, 1.0)];
        let touching = [Pt::new(10.0, 0.0), Pt::new(10.0, 5.0)];
        assert!(polylines_cross(&flow, &across));
        assert!(!polylines_cross(&flow, &beside));
        assert!(polylines_cross(&flow, &touching));
    }

    #[test]
    fn box_border_counts_as_inside() {
        let area = Box2 {
            x: 0.0,
            y: 0.0,
            width: 200.0,
            height: 100.0,
        };
        assert!(area.contains(Pt::new(200.0, 50.0)));
        assert!(!area.contains(Pt::new(200.5, 50.0)));
    }
}
