//! The team ranking: every community's patrol team measured four ways against its hot cells,
//! then ordered worst first by the mean of its ranks (see [`ORDER`]).

use geo::{MultiLineString, Point};
use h3o::CellIndex;
use rayon::prelude::*;

use super::adherence::tracks_walked_share;
use super::coverage::{DEFAULT_BUFFER_M, coverage};
use super::dosage::{dosage, visits};
use super::hot_cells::{HotCell, HotSource};
use super::timing::{Timing, community_profile, patrolled_hours, timing};
use crate::index::{Engine, IncidentFilter};

/// What ranks a team: hot spots its routes reach, route walked, minutes at hot spots, timing.
pub const MEASURES: usize = 4;

/// What the rank is made of, as the answer and the page say it.
pub const ORDER: &str = "worst first by the mean of four ranks (each worst first, ties sharing the better rank): hotspots_reached_share (the share of the community's hot spots its routes pass within 50 m), route_walked_share (the share of its routes its GPS tracks walked, 50 m), minutes_per_week_at_hotspots (GPS minutes in hot-spot cells) and timing_vs_best (the incidents in the hours it patrols, against the best block of the same length). Hot spots: the community's cells of Gi* class >= +2 city-wide, else its own busiest cells (hotspot_source). Teams whose community has no cell with 3 or more incidents in the period are listed apart, unranked.";

/// One community's team as measured.
#[derive(Debug, Clone)]
pub struct Team {
    /// The community's position.
    pub community: u32,
    pub team: Option<String>,
    pub route_ids: Vec<u64>,
    pub tracks: usize,
    /// The hot cells it is judged on (empty: it is not ranked).
    pub hot: Vec<HotCell>,
    /// The share of its hot cells its routes reach within 50 m (`None` without hot cells).
    pub reached_share: Option<f64>,
    /// The share of its routes its tracks walked (`None` without tracks on a route).
    pub walked_share: Option<f64>,
    pub minutes_per_week: f64,
    /// Koper's share of its minutes at hot cells (`None` without such minutes).
    pub koper_share: Option<f64>,
    pub timing: Timing,
    /// Its timing score against the best block of the same length.
    pub vs_best: f64,
    /// A point inside its community.
    pub at: Option<Point>,
}

impl Team {
    /// Its four measures, or `None` when it has no hot cell to be judged on.
    #[must_use]
    pub fn measures(&self) -> Option<[f64; MEASURES]> {
        self.reached_share.map(|reached| {
            [
                reached,
                self.walked_share.unwrap_or(0.0),
                self.minutes_per_week,
                self.vs_best,
            ]
        })
    }

    /// Where its hot cells come from (`None`: it has none).
    #[must_use]
    pub fn hotspot_source(&self) -> Option<HotSource> {
        self.hot.first().map(|h| h.source)
    }
}

/// The teams of the communities `sees` admits (those with routes or tracks), measured against
/// `hot` (every community's hot cells) and the incidents of `filter`.
#[must_use]
pub fn teams(
    engine: &Engine,
    hot: &[HotCell],
    filter: &IncidentFilter,
    sees: impl Fn(u64) -> bool + Sync,
) -> Vec<Team> {
    (0..engine.communities.len() as u32)
        .into_par_iter()
        .filter(|&c| sees(engine.communities.items()[c as usize].id))
        .filter_map(|c| team(engine, c, hot, filter))
        .collect()
}

/// One team (`None`: a community without routes or tracks).
fn team(engine: &Engine, c: u32, hot: &[HotCell], filter: &IncidentFilter) -> Option<Team> {
    let community = &engine.communities.items()[c as usize];
    let routes: Vec<_> = engine
        .patrol_routes
        .items()
        .iter()
        .filter(|r| r.community_id == community.id)
        .collect();
    let tracks: Vec<_> = engine
        .patrol_tracks
        .items()
        .iter()
        .filter(|t| t.community_id == community.id)
        .collect();
    if routes.is_empty() && tracks.is_empty() {
        return None;
    }
    let mine: Vec<HotCell> = hot.iter().filter(|h| h.community == c).copied().collect();
    let cells: Vec<CellIndex> = mine.iter().map(|h| h.cell).collect();
    let path = MultiLineString::new(
        routes
            .iter()
            .flat_map(|r| r.geometry.0.iter().cloned())
            .collect(),
    );
    let reached_share = if cells.is_empty() {
        None
    } else if path.0.is_empty() {
        Some(0.0)
    } else {
        let cov = coverage(engine, &path, c, DEFAULT_BUFFER_M, &cells, filter);
        Some(cov.hotspots_reached.len() as f64 / cells.len() as f64)
    };
    let all: Vec<_> = tracks.iter().flat_map(|t| visits(t, &cells)).collect();
    let from = tracks.iter().map(|t| t.started_at).min().unwrap_or(0);
    let to = tracks.iter().map(|t| t.ended_at).max().unwrap_or(0);
    let doses = dosage(&cells, &all, from, to);
    let dosed: f64 = doses.iter().map(|d| d.minutes).sum();
    let koper_share =
        (dosed > 0.0).then(|| doses.iter().map(|d| d.koper_share * d.minutes).sum::<f64>() / dosed);
    let t = timing(
        &community_profile(engine, filter, c),
        &patrolled_hours(tracks.iter().copied()),
    );
    let vs_best = if t.best_score > 0.0 {
        t.score / t.best_score
    } else {
        0.0
    };
    Some(Team {
        community: c,
        team: routes
            .first()
            .map(|r| r.team.clone())
            .or_else(|| tracks.first().map(|t| t.team.clone())),
        route_ids: routes.iter().map(|r| r.id).collect(),
        tracks: tracks.len(),
        walked_share: tracks_walked_share(&routes, &tracks, DEFAULT_BUFFER_M),
        minutes_per_week: doses.iter().map(|d| d.minutes_per_week).sum(),
        hot: mine,
        reached_share,
        koper_share,
        timing: t,
        vs_best,
        at: geo::InteriorPoint::interior_point(&community.geometry),
    })
}

/// The ranked teams (those with [`Team::measures`]) in order, worst first, each with its mean
/// rank: in each measure a team's rank is one more than the number of teams below it (ties
/// share the better rank); teams are ordered by the mean of their four ranks, then by
/// community.
#[must_use]
pub fn rank(teams: &[Team]) -> Vec<(usize, f64)> {
    let ranked: Vec<(usize, [f64; MEASURES])> = teams
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((i, t.measures()?)))
        .collect();
    let mut mean_rank: Vec<(usize, f64)> = ranked
        .iter()
        .map(|&(i, row)| {
            let sum: usize = (0..MEASURES)
                .map(|m| ranked.iter().filter(|(_, o)| o[m] < row[m]).count() + 1)
                .sum();
            (i, sum as f64 / MEASURES as f64)
        })
        .collect();
    mean_rank.sort_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then(teams[a.0].community.cmp(&teams[b.0].community))
    });
    mean_rank
}
