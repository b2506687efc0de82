//! Gradient histograms: per feature and bin, the sum of the rows' gradients and their count
//! ([`Bin`], squared error, whose hessian is 1 a row), or also their hessians ([`HessBin`],
//! log loss). Both are a [`Slot`]; the code below is written once for either.
//!
//! A node's histogram is built from a row-major copy of the training bins ([`RowBins`]), one
//! pass over the node's rows that updates every feature's histogram, as LightGBM's row-wise
//! mode does. Column by column, a node whose rows are scattered (most nodes below the first
//! split or two) reads a whole cache line of each column for every row or few rows, so each
//! such node streamed nearly all of the bins (16 MB at 800,000 rows and 20 features); row by
//! row it reads its own rows' 20 bytes and each row's gradient once. In alternating runs of
//! `train` that took 1 M rows from 6.9–7.7 s to 4.9–6.2 s (see docs/benchmarks.md). The
//! column-major bins stay for what reads one feature at a time: the root's histogram, the
//! partition and scoring.
//!
//! A large node is cut into chunks whose size depends on the node's size only; each chunk is
//! summed into its own histogram on whichever thread takes it, and the chunks' histograms are
//! then added in order, so the sums are the same on any number of threads.

use rayon::prelude::*;

use super::binning::Binned;
use crate::modeling::prefetch::prefetch;

/// Bins a histogram has per feature (255 for values, 1 for missing).
pub const BINS: usize = 256;

/// Rows a chunk of a node's histogram holds at least (a node of no more rows is one chunk, on
/// one thread).
const MIN_CHUNK_ROWS: usize = 4096;
/// Chunks a large node is cut into (more for very large ones, see [`chunk_rows`]), enough for
/// the threads to share them evenly.
const CHUNKS: usize = 16;
/// Rows a chunk holds at most.
const MAX_CHUNK_ROWS: usize = 32_768;
/// How many rows ahead the row-wise pass asks for a row's bins and gradient (see
/// `prefetch.rs`): a row takes about 20 updates, so 16 rows are a few hundred nanoseconds.
const PREFETCH_ROWS_AHEAD: usize = 16;

/// What a histogram's bin sums, for one loss: a row adds its [`Slot::Row`].
pub trait Slot: Copy + Default + PartialEq + std::fmt::Debug + Send + Sync {
    /// What one row brings: its gradient (and hessian, when it is not 1).
    type Row: Copy + Default + Send + Sync;
    /// Whether the root's histogram can be carried from one tree to the next by moving each
    /// bin by its leaves' values ([`Slot::carry`]): true when the gradient moves by exactly
    /// the prediction's change (squared error).
    const CARRIES: bool;
    /// Adds a row.
    fn add(&mut self, row: Self::Row);
    /// Adds another slot's sums.
    fn merge(&mut self, other: &Self);
    /// Takes another slot's sums away (the larger child: the parent minus the smaller).
    fn remove(&mut self, other: &Self);
    /// Sum of the gradients.
    fn g(&self) -> f64;
    /// Sum of the hessians.
    fn h(&self) -> f64;
    /// Number of rows.
    fn n(&self) -> f64;
    /// Moves the gradient sum by `value` for each of `leaf`'s rows (see `CARRIES`).
    fn carry(&mut self, value: f64, leaf: &Self);
}

/// A gradient sum and a row count: squared error, whose hessian sum is the count.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bin {
    /// Sum of the gradients.
    pub g: f64,
    /// Number of rows (the hessian sum, for squared error).
    pub n: f64,
}

impl Slot for Bin {
    type Row = f64;
    const CARRIES: bool = true;
    #[inline(always)]
    fn add(&mut self, g: f64) {
        self.g += g;
        self.n += 1.0;
    }
    #[inline(always)]
    fn merge(&mut self, other: &Self) {
        self.g += other.g;
        self.n += other.n;
    }
    #[inline(always)]
    fn remove(&mut self, other: &Self) {
        self.g -= other.g;
        self.n -= other.n;
    }
    fn g(&self) -> f64 {
        self.g
    }
    fn h(&self) -> f64 {
        self.n
    }
    fn n(&self) -> f64 {
        self.n
    }
    fn carry(&mut self, value: f64, leaf: &Self) {
        self.g += value * leaf.n;
    }
}

/// A row's gradient and hessian, for a loss whose hessian varies (log loss). Stored as
/// `f32`, as scikit-learn and LightGBM store them (half the memory a pass reads), and summed
/// in `f64`, as both sum them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GradHess {
    /// The gradient.
    pub g: f32,
    /// The hessian.
    pub h: f32,
}

/// Gradient and hessian sums and a row count (log loss: the count still limits the leaves).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HessBin {
    /// Sum of the gradients.
    pub g: f64,
    /// Sum of the hessians.
    pub h: f64,
    /// Number of rows.
    pub n: f64,
}

impl Slot for HessBin {
    type Row = GradHess;
    const CARRIES: bool = false;
    #[inline(always)]
    fn add(&mut self, row: GradHess) {
        self.g += f64::from(row.g);
        self.h += f64::from(row.h);
        self.n += 1.0;
    }
    #[inline(always)]
    fn merge(&mut self, other: &Self) {
        self.g += other.g;
        self.h += other.h;
        self.n += other.n;
    }
    #[inline(always)]
    fn remove(&mut self, other: &Self) {
        self.g -= other.g;
        self.h -= other.h;
        self.n -= other.n;
    }
    fn g(&self) -> f64 {
        self.g
    }
    fn h(&self) -> f64 {
        self.h
    }
    fn n(&self) -> f64 {
        self.n
    }
    fn carry(&mut self, _value: f64, _leaf: &Self) {}
}

/// The training bins row by row: row `r`'s bins are `bins[r * width..(r + 1) * width]`.
#[derive(Debug, Clone)]
pub struct RowBins {
    width: usize,
    bins: Vec<u8>,
}

impl RowBins {
    /// The row-major copy of `binned` (rows in blocks, in parallel).
    pub fn of(binned: &Binned) -> RowBins {
        const BLOCK: usize = 16_384;
        let n = binned.n_rows;
        let width = binned.has_missing.len();
        let mut bins = vec![0u8; n * width];
        if width > 0 {
            bins.par_chunks_mut(BLOCK * width)
                .enumerate()
                .for_each(|(k, out)| {
                    let first = k * BLOCK;
                    for f in 0..width {
                        let column = &binned.feature(f)[first..];
                        for (row, &b) in out.chunks_exact_mut(width).zip(column) {
                            row[f] = b;
                        }
                    }
                });
        }
        RowBins { width, bins }
    }
}

/// The histogram of every row, from the column-major bins: features in parallel, each column
/// read front to back.
pub fn column_histogram<S: Slot>(binned: &Binned, n_features: usize, g: &[S::Row]) -> Vec<S> {
    let mut hist = vec![S::default(); n_features * BINS];
    let (per_feature, _) = hist.as_chunks_mut::<BINS>();
    per_feature.par_iter_mut().enumerate().for_each(|(f, h)| {
        for (&b, &gi) in binned.feature(f).iter().zip(g) {
            h[usize::from(b)].add(gi);
        }
    });
    hist
}

/// The histogram of a node's rows `samples` (increasing, see the partition) into `hist` (empty
/// bins, [`BINS`] a feature); `spare` lends and takes back the chunks' histograms.
pub fn node_histogram<S: Slot>(
    rows: &RowBins,
    g: &[S::Row],
    samples: &[u32],
    mut hist: Vec<S>,
    spare: &mut Vec<Vec<S>>,
) -> Vec<S> {
    let size = chunk_rows(samples.len());
    if samples.len() <= size {
        add_rows(rows, g, samples, &mut hist);
        return hist;
    }
    let chunks: Vec<&[u32]> = samples.chunks(size).collect();
    let len = hist.len();
    let mut parts: Vec<Vec<S>> = (1..chunks.len())
        .map(|_| spare.pop().unwrap_or_default())
        .collect();
    rayon::join(
        || add_rows(rows, g, chunks[0], &mut hist),
        || {
            parts
                .par_iter_mut()
                .zip(&chunks[1..])
                .for_each(|(h, chunk)| {
                    // Emptied on the thread that fills it, so that it is in that core's cache.
                    h.clear();
                    h.resize(len, S::default());
                    add_rows(rows, g, chunk, h);
                });
        },
    );
    // In chunk order, so that the sums do not depend on which thread took which chunk.
    hist.par_chunks_mut(BINS).enumerate().for_each(|(f, h)| {
        for part in &parts {
            for (a, b) in h.iter_mut().zip(&part[f * BINS..(f + 1) * BINS]) {
                a.merge(b);
            }
        }
    });
    spare.append(&mut parts);
    hist
}

/// Rows a chunk of a node of `n` rows holds: a sixteenth of the node, within
/// [`MIN_CHUNK_ROWS`] and [`MAX_CHUNK_ROWS`].
fn chunk_rows(n: usize) -> usize {
    (n / CHUNKS).clamp(MIN_CHUNK_ROWS, MAX_CHUNK_ROWS)
}

/// Adds rows `samples` to `hist`, every feature of a row at once.
fn add_rows<S: Slot>(rows: &RowBins, g: &[S::Row], samples: &[u32], hist: &mut [S]) {
    let width = rows.width;
    if width == 0 {
        return;
    }
    let (per_feature, _) = hist.as_chunks_mut::<BINS>();
    let per_feature = &mut per_feature[..width];
    for (k, &i) in samples.iter().enumerate() {
        if let Some(&ahead) = samples.get(k + PREFETCH_ROWS_AHEAD) {
            let at = ahead as usize * width;
            prefetch(&rows.bins, at);
            prefetch(&rows.bins, at + width - 1);
            prefetch(g, ahead as usize);
        }
        let i = i as usize;
        let gi = g.get(i).copied().unwrap_or_default();
        let Some(row) = rows.bins.get(i * width..(i + 1) * width) else {
            continue;
        };
        for (h, &b) in per_feature.iter_mut().zip(row) {
            h[usize::from(b)].add(gi);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` rows of `width` features with a gap (the missing bin 255) now and then.
    fn binned(n: usize, width: usize) -> Binned {
        let mut binned = Binned::with_room(n, width);
        for f in 0..width {
            let bins: Vec<u8> = (0..n)
                .map(|r| {
                    if (r + f) % 113 == 0 {
                        255
                    } else {
                        ((r * 7 + f * 31 + r / 5) % 200) as u8
                    }
                })
                .collect();
            binned.push_feature(&bins, 255);
        }
        binned
    }

    /// The histogram of `samples` summed one feature and one row at a time.
    fn by_columns(binned: &Binned, g: &[f64], samples: &[u32]) -> Vec<Bin> {
        let width = binned.has_missing.len();
        let mut hist = vec![Bin::default(); width * BINS];
        for f in 0..width {
            for &i in samples {
                let slot = &mut hist[f * BINS + usize::from(binned.feature(f)[i as usize])];
                slot.g += g[i as usize];
                slot.n += 1.0;
            }
        }
        hist
    }

    #[test]
    fn the_row_major_copy_holds_every_cell() {
        let data = binned(40_000, 7);
        let rows = RowBins::of(&data);
        assert_eq!(rows.width, 7);
        for r in [0, 1, 16_383, 16_384, 39_999] {
            for f in 0..7 {
                assert_eq!(
                    rows.bins[r * 7 + f],
                    data.feature(f)[r],
                    "row {r}, feature {f}"
                );
            }
        }
    }

    #[test]
    fn a_node_histogram_equals_one_summed_column_by_column() {
        let n = 300_000;
        let data = binned(n, 5);
        let rows = RowBins::of(&data);
        let g: Vec<f64> = (0..n)
            .map(|r| ((r * 37) % 1_001) as f64 / 7.0 - 60.0)
            .collect();
        let mut spare = Vec::new();
        // One thread's worth, a few chunks, many chunks; the rows of a node are increasing.
        for every in [97, 11, 1] {
            let samples: Vec<u32> = (0..n as u32).filter(|r| r % every == 0).collect();
            let want = by_columns(&data, &g, &samples);
            let got = node_histogram(
                &rows,
                &g,
                &samples,
                vec![Bin::default(); 5 * BINS],
                &mut spare,
            );
            assert_eq!(got.len(), want.len());
            let scale: f64 = samples.iter().map(|&i| g[i as usize].abs()).sum();
            for (k, (a, b)) in got.iter().zip(&want).enumerate() {
                assert_eq!(a.n, b.n, "every {every}, bin {k}");
                assert!((a.g - b.g).abs() <= 1e-12 * scale, "every {every}, bin {k}");
            }
        }
        // The chunks' histograms went back for the next node.
        assert!(!spare.is_empty());
    }

    #[test]
    fn the_sums_do_not_depend_on_the_number_of_threads() {
        let n = 200_000;
        let data = binned(n, 3);
        let rows = RowBins::of(&data);
        let g: Vec<f64> = (0..n).map(|r| (r as f64 * 0.37).sin() * 1e3).collect();
        let samples: Vec<u32> = (0..n as u32).collect();
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
                .install(|| {
                    node_histogram(
                        &rows,
                        &g,
                        &samples,
                        vec![Bin::default(); 3 * BINS],
                        &mut Vec::new(),
                    )
                })
        };
        assert_eq!(on(1), on(3));
    }

    #[test]
    fn chunks_hold_a_sixteenth_within_bounds() {
        assert_eq!(chunk_rows(1_000), MIN_CHUNK_ROWS);
        assert_eq!(chunk_rows(160_000), 10_000);
        assert_eq!(chunk_rows(10_000_000), MAX_CHUNK_ROWS);
    }
}
