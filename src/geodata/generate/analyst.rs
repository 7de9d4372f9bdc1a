//! What the analyst's methods must find, planted beside the other incidents:
//!
//! - time windows: most criminal cases (a burglary found on return) and some illegal
//!   construction (found after it went up) are known only to a window before their report;
//! - near repeats: in a few communities, criminal cases of 2021 are followed within 200 m and
//!   7 days by one to three more (the pattern of burglaries next door);
//! - a rising community: from April 2021 one community reports property disputes, drainage
//!   and safety hazards at an extra half a day, so its 2021 Q3 is well up on 2020 Q3 while level
//!   with 2021 Q2.
//!
//! Each plant draws from its own random stream, after the others, so the incidents planted
//! before stay exactly as they were.

use geo::Coord;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde::Serialize;

use super::buildings::Placed;
use super::incidents::{DAYS, START, homes, source};
use super::shapes::offset_m;
use crate::model::{Incident, IncidentKind as K, IncidentStatus, Occurred};

/// The near-repeat pattern planted, as written to `truth.json`.
#[derive(Debug, Clone, Serialize)]
pub struct PlantedNearRepeats {
    pub kind: K,
    pub community_ids: Vec<u64>,
    pub year: i32,
    /// Follow-ups lie within this distance and time of the case they follow.
    pub within_m: f64,
    pub within_days: f64,
    /// Cases planted: first ones and their follow-ups.
    pub incidents: usize,
}

/// The rising community, as written to `truth.json`.
#[derive(Debug, Clone, Serialize)]
pub struct PlantedRise {
    pub community_id: u64,
    pub kinds: Vec<K>,
    pub from: String,
    pub to: String,
    pub incidents: usize,
    /// The quarter that is up on the same quarter a year before and level with the one before.
    pub quarter: &'static str,
}

/// Day (from 2019-01-01) 2021-01-01, 2021-04-01 and 2021-10-01.
const DAY_2021: i64 = 731;
const DAY_2021_Q2: i64 = 821;
const DAY_2021_Q4: i64 = 1004;

/// Gives most criminal cases and some illegal construction the window they happened in: a
/// case is found between an hour and three days after it happened and reported within two
/// hours; construction goes up over one to fourteen days before it is reported.
pub fn give_windows(rng: &mut ChaCha8Rng, incidents: &mut [Incident]) {
    for i in incidents.iter_mut() {
        let (share, longest_s) = match i.kind {
            K::CriminalCase => (0.7, 3 * 86_400),
            K::IllegalConstruction => (0.3, 14 * 86_400),
            _ => continue,
        };
        if !rng.random_bool(share) {
            continue;
        }
        let to = i.reported_at - rng.random_range(0..7_200);
        let from = to - rng.random_range(3_600..=longest_s);
        i.occurred = Occurred::new(from, to, i.reported_at).ok();
    }
}

/// Criminal cases of 2021 with near repeats in `communities` (positions): about 30 first cases
/// each, each followed by one to three cases within 200 m and 7 days. Ids follow `first_id`.
pub fn near_repeats(
    rng: &mut ChaCha8Rng,
    buildings: &[Placed],
    grid_community: &[usize],
    communities: &[usize],
    first_id: u64,
) -> (Vec<Incident>, PlantedNearRepeats) {
    let spread = Normal::new(0.0, 60.0).unwrap_or_else(|_| unreachable!("positive sigma"));
    let mut rows: Vec<(i64, Coord)> = Vec::new();
    for &community in communities {
        let homes = homes(buildings, grid_community, community);
        if homes.is_empty() {
            continue;
        }
        for _ in 0..30 {
            let first_at = homes[rng.random_range(0..homes.len())];
            let first_t = START + rng.random_range(DAY_2021..DAYS - 8) * 86_400;
            let first_t = first_t + rng.random_range(0..86_400);
            rows.push((first_t, first_at));
            for _ in 0..rng.random_range(1..=3) {
                // Within 200 m: redraw the rare offsets beyond it.
                let offset = loop {
                    let (dx, dy): (f64, f64) = (spread.sample(rng), spread.sample(rng));
                    if dx.hypot(dy) <= 190.0 {
                        break (dx, dy);
                    }
                };
                let t = first_t + rng.random_range(3_600..7 * 86_400 - 3_600);
                rows.push((t, offset_m(first_at, offset.0, offset.1)));
            }
        }
    }
    let incidents = finish(rng, rows, &[K::CriminalCase], first_id);
    let truth = PlantedNearRepeats {
        kind: K::CriminalCase,
        community_ids: communities.iter().map(|&c| c as u64 + 1).collect(),
        year: 2021,
        within_m: 200.0,
        within_days: 7.0,
        incidents: incidents.len(),
    };
    (incidents, truth)
}

/// The rising community's extra incidents, 2021-04-01..2021-09-30, about one every other day,
/// at its homes. Ids follow `first_id`.
pub fn rise(
    rng: &mut ChaCha8Rng,
    buildings: &[Placed],
    grid_community: &[usize],
    community: usize,
    first_id: u64,
) -> (Vec<Incident>, PlantedRise) {
    const KINDS: [K; 3] = [K::PropertyDispute, K::Drainage, K::SafetyHazard];
    let homes = homes(buildings, grid_community, community);
    let mut rows = Vec::new();
    if !homes.is_empty() {
        for day in DAY_2021_Q2..DAY_2021_Q4 {
            if rng.random_bool(0.5) {
                let t = START + day * 86_400 + 8 * 3600 + rng.random_range(0..12 * 3600);
                rows.push((t, homes[rng.random_range(0..homes.len())]));
            }
        }
    }
    let incidents = finish(rng, rows, &KINDS, first_id);
    let truth = PlantedRise {
        community_id: community as u64 + 1,
        kinds: KINDS.to_vec(),
        from: crate::model::format_local(START + DAY_2021_Q2 * 86_400),
        to: crate::model::format_local(START + DAY_2021_Q4 * 86_400 - 1),
        incidents: incidents.len(),
        quarter: "2021Q3",
    };
    (incidents, truth)
}

/// Incidents from (time, place) rows: sorted by time, kinds drawn in turn from `kinds`, ids
/// from `first_id`, all resolved within two days.
fn finish(
    rng: &mut ChaCha8Rng,
    mut rows: Vec<(i64, Coord)>,
    kinds: &[K],
    first_id: u64,
) -> Vec<Incident> {
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.x.total_cmp(&b.1.x)));
    rows.into_iter()
        .enumerate()
        .map(|(i, (t, at))| {
            let kind = kinds[i % kinds.len()];
            Incident {
                id: first_id + i as u64,
                lon: (at.x * 1e6).round() / 1e6,
                lat: (at.y * 1e6).round() / 1e6,
                kind,
                reported_at: t,
                status: IncidentStatus::Resolved,
                resolved_at: Some(t + rng.random_range(3_600..2 * 86_400)),
                source: source(rng, kind),
                occurred: None,
                handling: None,
            }
        })
        .collect()
}
