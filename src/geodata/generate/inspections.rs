//! The joint inspections done (联合执法), generated after the lists from their own random
//! stream: teams of two or three agencies at the places of enforcement incidents (illegal
//! construction, street vending, market sanitation, school surroundings, property disputes),
//! in working hours.
//!
//! Planted: 2021 holds the seed's year, 321 inspections that solved 304 problems ("联合执法
//! 321次，解决问题304个"); 2019 and 2020 hold fewer, so that a count that ignores the year is
//! wrong.

use geo::Point;
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::incidents::START;
use crate::geodata::Dataset;
use crate::model::IncidentKind as K;
use crate::model::inspections::{Agency, InspectionRecord};
use crate::model::lists::Quarter;

/// The seed's year and its figures.
pub const YEAR: i32 = 2021;
pub const INSPECTIONS: usize = 321;
pub const PROBLEMS_SOLVED: u32 = 304;
/// The earlier years' inspections (the programme growing).
const EARLIER: [(i32, usize); 2] = [(2019, 180), (2020, 250)];

/// What the inspections carry (`truth.json`, `inspections`).
#[derive(Debug, Clone, Serialize)]
pub struct InspectionsTruth {
    pub year: i32,
    pub inspections: usize,
    pub problems_solved: u32,
    /// Every year's records, 2019 to 2021.
    pub all: usize,
}

/// The agencies a kind of problem calls for.
fn agencies_for(kind: K) -> &'static [Agency] {
    use Agency::{CityManagement, Housing, MarketSupervision, Police};
    match kind {
        K::IllegalConstruction => &[CityManagement, Housing],
        K::StreetVending => &[CityManagement, MarketSupervision],
        K::MarketSanitation => &[MarketSupervision, CityManagement],
        K::SchoolSurroundings => &[Police, MarketSupervision, CityManagement],
        _ => &[Housing, Police],
    }
}

const KINDS: [K; 5] = [
    K::IllegalConstruction,
    K::StreetVending,
    K::MarketSanitation,
    K::SchoolSurroundings,
    K::PropertyDispute,
];

/// Writes the inspections into `data.lists` (after the lists).
pub fn plant(rng: &mut ChaCha8Rng, data: &mut Dataset) -> InspectionsTruth {
    let community_at = super::lists::community_finder(&data.communities);
    let community_of = |lon: f64, lat: f64| community_at(Point::new(lon, lat));
    let mut records = Vec::new();
    for (year, count) in EARLIER.into_iter().chain([(YEAR, INSPECTIONS)]) {
        let from = Quarter { year, q: 1 }.start().max(START);
        let to = Quarter { year, q: 4 }.end();
        let places: Vec<(f64, f64, u64, K)> = data
            .incidents
            .iter()
            .filter(|i| KINDS.contains(&i.kind) && (from..to).contains(&i.reported_at))
            .filter_map(|i| Some((i.lon, i.lat, community_of(i.lon, i.lat)?, i.kind)))
            .collect();
        if places.is_empty() {
            continue;
        }
        let mut year_records: Vec<InspectionRecord> = (0..count)
            .map(|_| {
                let &(lon, lat, community_id, kind) = places.choose(rng).unwrap_or(&places[0]);
                let mut agencies = agencies_for(kind).to_vec();
                if rng.random_range(0..10) == 0 {
                    agencies.push(Agency::EmergencyManagement);
                }
                let mut kinds = vec![kind];
                if rng.random_range(0..4) == 0 {
                    kinds.push(*KINDS.choose(rng).unwrap_or(&kind));
                }
                let day = rng.random_range(0..(to - from) / 86_400);
                let at = from + day * 86_400 + rng.random_range(9 * 3_600..17 * 3_600);
                InspectionRecord {
                    id: 0,
                    community_id,
                    at,
                    agencies,
                    kinds,
                    problems_found: rng.random_range(1..=2),
                    problems_solved: 0,
                    lon,
                    lat,
                }
                .normalised()
                .unwrap_or_else(|e| unreachable!("a generated record is joint: {e}"))
            })
            .collect();
        // Solve the year's share of the problems found, each found problem as likely as any.
        let found: u32 = year_records.iter().map(|r| r.problems_found).sum();
        let solved = if year == YEAR {
            PROBLEMS_SOLVED.min(found)
        } else {
            found * 9 / 10
        };
        let mut slots: Vec<usize> = year_records
            .iter()
            .enumerate()
            .flat_map(|(k, r)| std::iter::repeat_n(k, r.problems_found as usize))
            .collect();
        slots.shuffle(rng);
        for &k in slots.iter().take(solved as usize) {
            year_records[k].problems_solved += 1;
        }
        records.extend(year_records);
    }
    records.sort_by_key(|r| r.at);
    for (k, r) in records.iter_mut().enumerate() {
        r.id = k as u64 + 1;
    }
    let all = records.len();
    data.lists.inspections = records;
    InspectionsTruth {
        year: YEAR,
        inspections: INSPECTIONS,
        problems_solved: PROBLEMS_SOLVED,
        all,
    }
}
