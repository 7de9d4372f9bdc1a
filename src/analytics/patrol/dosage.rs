//! Dosage: how long patrols stay at hot spots, from GPS tracks. Between two fixes the
//! position moves linearly in time; a gap longer than [`MAX_GAP_S`] is unknown time, not
//! presence (GPS-based hot-spot trials measure dosage this way: Ariel et al. 2016; Williams &
//! Coupe 2017). A visit is an unbroken stretch of presence inside a hot-spot cell, classed in
//! Koper's (1995) bands: `pass` under 2 minutes, `short` 2–10, `koper` 10–16, `long` over 16.
//!
//! Each segment is clipped to each (convex) cell in the local metric frame (Cyrus–Beck), which
//! gives the exact times of entry and exit.

use geo::Coord;
use h3o::CellIndex;

use crate::geodesy::Frame;
use crate::model::PatrolTrack;

/// The longest gap between fixes still walked through (seconds).
pub const MAX_GAP_S: i64 = 180;

/// Koper's bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    Pass,
    Short,
    Koper,
    Long,
}

impl Band {
    /// The band of a visit of `minutes`.
    #[must_use]
    pub fn of(minutes: f64) -> Self {
        if minutes < 2.0 {
            Self::Pass
        } else if minutes < 10.0 {
            Self::Short
        } else if minutes <= 16.0 {
            Self::Koper
        } else {
            Self::Long
        }
    }

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Short => "short",
            Self::Koper => "koper",
            Self::Long => "long",
        }
    }
}

/// One visit to a cell: entry and exit in Unix seconds (fractions kept).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Visit {
    pub cell: CellIndex,
    /// Id of the track it comes from.
    pub track: u64,
    pub entry: f64,
    pub exit: f64,
}

impl Visit {
    #[must_use]
    pub fn minutes(&self) -> f64 {
        (self.exit - self.entry) / 60.0
    }

    #[must_use]
    pub fn band(&self) -> Band {
        Band::of(self.minutes())
    }
}

/// A cell as a convex polygon in the frame, counter-clockwise.
struct Cell {
    index: CellIndex,
    ring: Vec<Coord>,
    min: Coord,
    max: Coord,
}

impl Cell {
    fn new(index: CellIndex, frame: &Frame) -> Self {
        let mut ring = frame.cell_ring(index);
        let twice_area: f64 = ring
            .iter()
            .zip(ring.iter().cycle().skip(1))
            .map(|(a, b)| a.x * b.y - b.x * a.y)
            .sum();
        if twice_area < 0.0 {
            ring.reverse();
        }
        let min = ring.iter().fold(
            Coord {
                x: f64::INFINITY,
                y: f64::INFINITY,
            },
            |m, c| Coord {
                x: m.x.min(c.x),
                y: m.y.min(c.y),
            },
        );
        let max = ring.iter().fold(
            Coord {
                x: f64::NEG_INFINITY,
                y: f64::NEG_INFINITY,
            },
            |m, c| Coord {
                x: m.x.max(c.x),
                y: m.y.max(c.y),
            },
        );
        Self {
            index,
            ring,
            min,
            max,
        }
    }

    /// The part of the segment `a → b` inside, as parameters `[u0, u1]` of `a + u (b − a)`.
    fn clip(&self, from: Coord, to: Coord) -> Option<(f64, f64)> {
        if from.x.max(to.x) < self.min.x
            || from.x.min(to.x) > self.max.x
            || from.y.max(to.y) < self.min.y
            || from.y.min(to.y) > self.max.y
        {
            return None;
        }
        let step = Coord {
            x: to.x - from.x,
            y: to.y - from.y,
        };
        let (mut enter, mut exit) = (0.0_f64, 1.0_f64);
        for (start, end) in self.ring.iter().zip(self.ring.iter().cycle().skip(1)) {
            // Inward normal of a counter-clockwise edge.
            let normal = Coord {
                x: -(end.y - start.y),
                y: end.x - start.x,
            };
            let num = normal.x * (from.x - start.x) + normal.y * (from.y - start.y);
            let den = normal.x * step.x + normal.y * step.y;
            if den == 0.0 {
                if num < 0.0 {
                    return None;
                }
            } else {
                let u = -num / den;
                if den > 0.0 {
                    enter = enter.max(u);
                } else {
                    exit = exit.min(u);
                }
            }
            if enter > exit {
                return None;
            }
        }
        Some((enter, exit))
    }
}

/// Every visit of `track` to each of `cells`, in time order.
#[must_use]
pub fn visits(track: &PatrolTrack, cells: &[CellIndex]) -> Vec<Visit> {
    let coords = &track.geometry.0;
    if coords.len() < 2 || track.times.len() != coords.len() || cells.is_empty() {
        return Vec::new();
    }
    let frame = Frame::at(coords[0]);
    let cells: Vec<Cell> = cells.iter().map(|&c| Cell::new(c, &frame)).collect();
    let local: Vec<Coord> = coords.iter().map(|&c| frame.to_local(c)).collect();
    let mut open: Vec<Option<Visit>> = vec![None; cells.len()];
    let mut done = Vec::new();
    for i in 0..coords.len() - 1 {
        let (t0, t1) = (track.times[i], track.times[i + 1]);
        let dt = t1 - t0;
        let known = dt > 0 && dt <= MAX_GAP_S;
        for (c, cell) in cells.iter().enumerate() {
            let inside = if known {
                cell.clip(local[i], local[i + 1])
            } else {
                None
            };
            match inside {
                Some((u0, u1)) if u1 > u0 => {
                    let (entry, exit) = (t0 as f64 + u0 * dt as f64, t0 as f64 + u1 * dt as f64);
                    match &mut open[c] {
                        // Still inside from the segment before.
                        Some(v) if (v.exit - entry).abs() < 1e-6 => v.exit = exit,
                        slot => {
                            if let Some(v) = slot.take() {
                                done.push(v);
                            }
                            *slot = Some(Visit {
                                cell: cell.index,
                                track: track.id,
                                entry,
                                exit,
                            });
                        }
                    }
                }
                _ => {
                    if let Some(v) = open[c].take() {
                        done.push(v);
                    }
                }
            }
        }
    }
    done.extend(open.into_iter().flatten());
    done.sort_by(|a, b| a.entry.total_cmp(&b.entry));
    done
}

/// One hot spot's dosage over an observation window.
#[derive(Debug, Clone, PartialEq)]
pub struct Dosage {
    pub cell: CellIndex,
    pub visits: Vec<Visit>,
    pub minutes: f64,
    pub minutes_per_week: f64,
    /// Share of the minutes spent in `koper` visits.
    pub koper_share: f64,
    /// The longest time without a visit in the window, hours.
    pub longest_gap_h: f64,
}

/// The dosage of each of `cells` from the visits of every track, over `[from, to]` (Unix s).
#[must_use]
pub fn dosage(cells: &[CellIndex], visits: &[Visit], from: i64, to: i64) -> Vec<Dosage> {
    let weeks = ((to - from) as f64 / (7.0 * 86_400.0)).max(1.0 / 7.0);
    cells
        .iter()
        .map(|&cell| {
            let mut mine: Vec<Visit> = visits.iter().filter(|v| v.cell == cell).copied().collect();
            mine.sort_by(|a, b| a.entry.total_cmp(&b.entry));
            let minutes: f64 = mine.iter().map(Visit::minutes).sum();
            let koper: f64 = mine
                .iter()
                .filter(|v| v.band() == Band::Koper)
                .map(Visit::minutes)
                .sum();
            let mut last = from as f64;
            let mut longest = 0.0_f64;
            for v in &mine {
                longest = longest.max(v.entry - last);
                last = last.max(v.exit);
            }
            longest = longest.max(to as f64 - last);
            Dosage {
                cell,
                minutes,
                minutes_per_week: minutes / weeks,
                koper_share: if minutes > 0.0 { koper / minutes } else { 0.0 },
                longest_gap_h: longest / 3_600.0,
                visits: mine,
            }
        })
        .collect()
}
