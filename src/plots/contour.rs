//! Filled density contours: seaborn's levels (iso-proportions of the probability mass) and
//! marching squares, which turns a grid of densities into closed rings around the region at
//! or above a level. Filled with the even-odd rule, the rings of one level paint exactly that
//! region, holes included; painting the levels from lowest to highest gives seaborn's
//! `kdeplot(fill=True)` bands.
//!
//! Written here rather than taken from a crate: the contour crates on crates.io trace
//! isolines for GeoJSON (their own geometry types and a geo stack), while this needs closed
//! rings in data coordinates, about a hundred lines.

use std::collections::HashMap;

/// Densities on a grid: `z[iy][ix]` at (`xs[ix]`, `ys[iy]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Grid<'a> {
    /// Grid x coordinates, increasing.
    pub xs: &'a [f64],
    /// Grid y coordinates, increasing.
    pub ys: &'a [f64],
    /// Values, one row per y.
    pub z: &'a [Vec<f64>],
}

/// seaborn's contour levels for `levels` and `thresh`: the densities below which a share
/// `q` of the grid's mass lies, for `q` evenly spaced from `thresh` to 1 (the last is the peak,
/// which encloses nothing). The region above the first level holds 1 − `thresh` of the mass.
pub fn mass_levels(z: &[Vec<f64>], levels: usize, thresh: f64) -> Vec<f64> {
    let mut values: Vec<f64> = z
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    values.sort_by(f64::total_cmp);
    let total: f64 = values.iter().sum();
    if values.is_empty() || total <= 0.0 || levels < 2 {
        return vec![];
    }
    let mut cumulative = Vec::with_capacity(values.len());
    let mut sum = 0.0;
    for v in &values {
        sum += v;
        cumulative.push(sum / total);
    }
    (0..levels)
        .map(|i| {
            let q = thresh + (1.0 - thresh) * i as f64 / (levels - 1) as f64;
            let at = cumulative.partition_point(|c| *c < q).min(values.len() - 1);
            values[at]
        })
        .collect()
}

/// The closed rings bounding the region where the grid is at or above `level`. Outside the
/// grid counts as below every level, so a region touching the border is closed along it.
pub fn rings(grid: &Grid, level: f64) -> Vec<Vec<(f64, f64)>> {
    let (nx, ny) = (grid.xs.len(), grid.ys.len());
    if nx < 2 || ny < 2 || grid.z.len() != ny || grid.z.iter().any(|row| row.len() != nx) {
        return vec![];
    }
    // Work on the grid padded by one cell of "below" on every side; padded nodes sit on the
    // border coordinates, so crossings towards them land on the border.
    let padded = Padded { grid, level };
    let mut crossings: HashMap<Edge, (f64, f64)> = HashMap::new();
    let mut links: HashMap<Edge, Vec<Edge>> = HashMap::new();
    for cy in 0..=ny {
        for cx in 0..=nx {
            for (a, b) in padded.cell_segments(cx, cy) {
                for e in [a, b] {
                    crossings.entry(e).or_insert_with(|| padded.crossing(e));
                }
                links.entry(a).or_default().push(b);
                links.entry(b).or_default().push(a);
            }
        }
    }
    trace(&links, &crossings)
}

/// An edge of the padded grid: the node (ix, iy) and whether it runs right or up from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Edge {
    ix: usize,
    iy: usize,
    up: bool,
}

/// The grid with a border of below-level nodes: padded node (i, j) is grid node (i−1, j−1).
struct Padded<'g, 'a> {
    grid: &'g Grid<'a>,
    level: f64,
}

impl Padded<'_, '_> {
    fn value(&self, ix: usize, iy: usize) -> f64 {
        let (nx, ny) = (self.grid.xs.len(), self.grid.ys.len());
        if ix == 0 || iy == 0 || ix > nx || iy > ny {
            return f64::NEG_INFINITY;
        }
        let v = self.grid.z[iy - 1][ix - 1];
        if v.is_finite() {
            v
        } else {
            f64::NEG_INFINITY
        }
    }

    fn position(&self, ix: usize, iy: usize) -> (f64, f64) {
        let (nx, ny) = (self.grid.xs.len(), self.grid.ys.len());
        let gx = ix.saturating_sub(1).min(nx - 1);
        let gy = iy.saturating_sub(1).min(ny - 1);
        (self.grid.xs[gx], self.grid.ys[gy])
    }

    fn above(&self, ix: usize, iy: usize) -> bool {
        self.value(ix, iy) >= self.level
    }

    /// Where the level crosses an edge, interpolating linearly between its two nodes.
    fn crossing(&self, e: Edge) -> (f64, f64) {
        let (jx, jy) = if e.up {
            (e.ix, e.iy + 1)
        } else {
            (e.ix + 1, e.iy)
        };
        let (a, b) = (self.value(e.ix, e.iy), self.value(jx, jy));
        let (pa, pb) = (self.position(e.ix, e.iy), self.position(jx, jy));
        let t = if a.is_finite() && b.is_finite() && a != b {
            ((self.level - a) / (b - a)).clamp(0.0, 1.0)
        } else if a.is_finite() {
            0.0
        } else {
            1.0
        };
        (pa.0 + (pb.0 - pa.0) * t, pa.1 + (pb.1 - pa.1) * t)
    }

    /// The contour segments inside the cell whose lower-left node is (cx, cy), as pairs of
    /// crossed edges. Saddles are split by the cell's mean, as matplotlib does.
    fn cell_segments(&self, cx: usize, cy: usize) -> Vec<(Edge, Edge)> {
        let bottom = Edge {
            ix: cx,
            iy: cy,
            up: false,
        };
        let top = Edge {
            ix: cx,
            iy: cy + 1,
            up: false,
        };
        let left = Edge {
            ix: cx,
            iy: cy,
            up: true,
        };
        let right = Edge {
            ix: cx + 1,
            iy: cy,
            up: true,
        };
        let corners = [
            self.above(cx, cy),
            self.above(cx + 1, cy),
            self.above(cx + 1, cy + 1),
            self.above(cx, cy + 1),
        ];
        let case = corners
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &c)| acc | (usize::from(c) << i));
        match case {
            0 | 15 => vec![],
            1 | 14 => vec![(left, bottom)],
            2 | 13 => vec![(bottom, right)],
            3 | 12 => vec![(left, right)],
            4 | 11 => vec![(right, top)],
            6 | 9 => vec![(bottom, top)],
            7 | 8 => vec![(left, top)],
            5 | 10 => {
                let mean = [(cx, cy), (cx + 1, cy), (cx + 1, cy + 1), (cx, cy + 1)]
                    .iter()
                    .map(|&(x, y)| self.value(x, y))
                    .sum::<f64>()
                    / 4.0;
                // Case 5: bottom-left and top-right above. If the centre is above too they
                // join through the middle, leaving the other two corners cut off.
                let joined = mean >= self.level;
                match (case == 5, joined) {
                    (true, true) | (false, false) => vec![(left, top), (bottom, right)],
                    _ => vec![(left, bottom), (right, top)],
                }
            }
            _ => unreachable!("four corners give sixteen cases"),
        }
    }
}

/// Links the segments into rings: every crossed edge is shared by exactly two segments.
fn trace(
    links: &HashMap<Edge, Vec<Edge>>,
    crossings: &HashMap<Edge, (f64, f64)>,
) -> Vec<Vec<(f64, f64)>> {
    let mut visited: HashMap<Edge, bool> = HashMap::new();
    let mut starts: Vec<&Edge> = links.keys().collect();
    // Deterministic output whatever the hash order.
    starts.sort_by_key(|e| (e.iy, e.ix, e.up));
    let mut rings = Vec::new();
    for &start in starts {
        if visited.contains_key(&start) {
            continue;
        }
        let mut ring = Vec::new();
        let (mut previous, mut current) = (None, start);
        loop {
            visited.insert(current, true);
            ring.push(crossings[&current]);
            let next = links[&current]
                .iter()
                .copied()
                .find(|n| Some(*n) != previous && !visited.contains_key(n));
            match next {
                Some(n) => {
                    previous = Some(current);
                    current = n;
                }
                None => break,
            }
        }
        rings.push(ring);
    }
    rings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `f` on an `n` × `n` grid over [−3, 3]².
    fn grid_of(n: usize, f: impl Fn(f64, f64) -> f64) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
        let xs: Vec<f64> = (0..n)
            .map(|i| -3.0 + 6.0 * i as f64 / (n - 1) as f64)
            .collect();
        let ys = xs.clone();
        let z = ys
            .iter()
            .map(|&y| xs.iter().map(|&x| f(x, y)).collect())
            .collect();
        (xs, ys, z)
    }

    /// The rings of `z` over `xs` × `ys` at `level`.
    fn rings_of(xs: &[f64], ys: &[f64], z: &[Vec<f64>], level: f64) -> Vec<Vec<(f64, f64)>> {
        rings(&Grid { xs, ys, z }, level)
    }

    fn bump(n: usize) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
        grid_of(n, |x, y| (-(x * x + y * y) / 2.0).exp())
    }

    #[test]
    fn a_bump_gives_one_circle_at_the_right_radius() {
        let (xs, ys, z) = bump(61);
        // exp(−r²/2) = 0.5 at r = sqrt(2 ln 2) ≈ 1.1774.
        let rings = rings_of(&xs, &ys, &z, 0.5);
        assert_eq!(rings.len(), 1);
        for (x, y) in &rings[0] {
            let r = (x * x + y * y).sqrt();
            assert!((r - 1.1774).abs() < 0.01, "r = {r}");
        }
        assert!(rings[0].len() > 20);
    }

    #[test]
    fn a_region_touching_the_border_is_closed_along_it() {
        let xs = [0.0, 1.0, 2.0];
        let ys = [0.0, 1.0];
        let z = vec![vec![1.0, 1.0, 0.0], vec![1.0, 1.0, 0.0]];
        let rings = rings_of(&xs, &ys, &z, 0.5);
        assert_eq!(rings.len(), 1);
        let ring = &rings[0];
        assert!(
            ring.contains(&(0.0, 0.0)) && ring.contains(&(1.5, 1.0)),
            "{ring:?}"
        );
    }

    #[test]
    fn a_crater_has_a_hole() {
        let (xs, ys, z) = grid_of(41, |x, y| {
            let r = (x * x + y * y).sqrt();
            (-(r - 1.5).powi(2) * 4.0).exp()
        });
        let rings = rings_of(&xs, &ys, &z, 0.5);
        assert_eq!(rings.len(), 2, "an outer ring and the hole");
    }

    #[test]
    fn mass_levels_rise_to_the_peak() {
        let (_, _, z) = bump(61);
        let levels = mass_levels(&z, 10, 0.05);
        assert_eq!(levels.len(), 10);
        assert!(levels.windows(2).all(|w| w[0] <= w[1]));
        assert!(
            (levels[9] - 1.0).abs() < 1e-12,
            "the last level is the peak"
        );
        // The region above the first level holds 95 % of the mass.
        let total: f64 = z.iter().flatten().sum();
        let above: f64 = z.iter().flatten().filter(|v| **v >= levels[0]).sum();
        assert!((above / total - 0.95).abs() < 0.01, "{}", above / total);
    }
}
