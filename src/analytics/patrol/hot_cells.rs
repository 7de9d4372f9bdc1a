//! Which cells a community's patrol team is judged on.
//!
//! A city-wide Gi* finds significant hot spots in only a few communities (in the bundled city,
//! 8 of 222 for the last 90 days), so judging teams on those alone ranks most teams on nothing.
//! Each community's hot cells are therefore:
//! 1. its cells of Gi* class ≥ +2 city-wide (`GiStar`), when it has any;
//! 2. otherwise its own busiest cells (`CommunityTop`): the [`TOP_CELLS`] cells with the most
//!    incidents, each with at least [`MIN_INCIDENTS`] (ties broken by cell index), so a quiet
//!    community's team is judged on where its incidents do gather;
//! 3. none when no cell of the community reaches [`MIN_INCIDENTS`]: such a team is listed
//!    apart, not ranked.

use geo::Coord;
use h3o::{CellIndex, LatLng, Resolution};
use serde::Serialize;

use crate::analytics::hotspots::{NotBinned, hot_spots};
use crate::analytics::study_areas::StudyAreas;
use crate::index::{Engine, IncidentFilter};

/// How many of a community's own busiest cells stand in for city-wide hot spots.
pub const TOP_CELLS: usize = 3;
/// The fewest incidents a community's own cell needs to count as one of its hot spots.
pub const MIN_INCIDENTS: f64 = 3.0;

/// Why a cell is one of its community's hot spots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HotSource {
    /// A Gi* hot spot (class ≥ +2) of the whole city.
    GiStar,
    /// One of the community's own busiest cells (it has no Gi* hot spot).
    CommunityTop,
}

/// One hot cell and the community (position) it belongs to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HotCell {
    pub cell: CellIndex,
    pub community: u32,
    pub incidents: f64,
    pub source: HotSource,
}

/// The hot cells of every community from the study area's `cells`, their incident `counts`
/// and Gi* `classes` (all in study-area order), and each cell's community (`None`: outside
/// every community). Sorted by community, then source, then incidents (most first).
#[must_use]
pub fn hot_cells(
    cells: &[CellIndex],
    counts: &[f64],
    classes: &[i8],
    community_of: impl Fn(CellIndex) -> Option<u32>,
) -> Vec<HotCell> {
    let mut all: Vec<HotCell> = cells
        .iter()
        .zip(counts)
        .zip(classes)
        .filter(|((_, n), class)| **class >= 2 || **n >= MIN_INCIDENTS)
        .filter_map(|((&cell, &incidents), &class)| {
            Some(HotCell {
                cell,
                community: community_of(cell)?,
                incidents,
                source: if class >= 2 {
                    HotSource::GiStar
                } else {
                    HotSource::CommunityTop
                },
            })
        })
        .collect();
    all.sort_by(|a, b| {
        (a.community, a.source as u8)
            .cmp(&(b.community, b.source as u8))
            .then(b.incidents.total_cmp(&a.incidents))
            .then(a.cell.cmp(&b.cell))
    });
    let mut chosen = Vec::new();
    for group in all.chunk_by(|a, b| a.community == b.community) {
        if group[0].source == HotSource::GiStar {
            chosen.extend(group.iter().take_while(|h| h.source == HotSource::GiStar));
        } else {
            chosen.extend(group.iter().take(TOP_CELLS));
        }
    }
    chosen
}

/// The hot cells of every community for the incidents of `filter`: its res-9 cells of Gi*
/// class ≥ +2 over the whole city, else its own busiest res-9 cells ([`hot_cells`]).
///
/// # Errors
/// [`NotBinned`] if the incidents have no res-9 bins.
pub fn city_hot_cells(
    engine: &Engine,
    areas: &StudyAreas,
    filter: &IncidentFilter,
) -> Result<Vec<HotCell>, NotBinned> {
    let city = areas.get(engine, Resolution::Nine, &[], &[], 1);
    let spots = hot_spots(engine, city, Resolution::Nine, filter)?;
    Ok(hot_cells(
        spots.cells(),
        &spots.counts,
        &spots.gi.class,
        |cell| {
            let c = LatLng::from(cell);
            let community = engine
                .place(Coord {
                    x: c.lng(),
                    y: c.lat(),
                })
                .1?;
            engine.communities.position(community)
        },
    ))
}

#[cfg(test)]
mod tests {
    use h3o::{LatLng, Resolution};

    use super::*;

    fn cells(n: usize) -> Vec<CellIndex> {
        let start = LatLng::new(31.0, 112.2)
            .expect("valid")
            .to_cell(Resolution::Nine);
        start.grid_disk::<Vec<_>>(3).into_iter().take(n).collect()
    }

    #[test]
    fn gi_star_cells_win_and_quiet_communities_get_their_busiest() {
        let c = cells(9);
        // Community 0: one Gi* cell and a busier ordinary one; community 1: four ordinary
        // cells (5, 9, 3, 7 incidents) and one below the minimum; community 2: only quiet cells.
        let counts = [4.0, 20.0, 5.0, 9.0, 3.0, 7.0, 2.0, 1.0, 2.0];
        let classes = [3, 0, 0, 0, 0, 0, 0, 0, 0];
        let community = [0, 0, 1, 1, 1, 1, 1, 2, 2];
        let of = |cell: CellIndex| c.iter().position(|&x| x == cell).map(|i| community[i]);
        let hot = hot_cells(&c, &counts, &classes, of);
        let got: Vec<(u32, CellIndex, HotSource)> = hot
            .iter()
            .map(|h| (h.community, h.cell, h.source))
            .collect();
        assert_eq!(
            got,
            [
                (0, c[0], HotSource::GiStar),
                (1, c[3], HotSource::CommunityTop),
                (1, c[5], HotSource::CommunityTop),
                (1, c[2], HotSource::CommunityTop),
            ]
        );
    }

    #[test]
    fn cells_outside_communities_are_left_out() {
        let c = cells(2);
        let hot = hot_cells(&c, &[10.0, 10.0], &[2, 0], |cell| {
            (cell == c[1]).then_some(4)
        });
        assert_eq!(hot.len(), 1);
        assert_eq!(
            (hot[0].community, hot[0].source),
            (4, HotSource::CommunityTop)
        );
    }
}
