//! Incidents 2019-01-01..2021-12-31 with planted structure, and the truth kept beside them.
//!
//! Background incidents happen where people live (buildings weighted by households), trade
//! (commercial buildings and markets) or study (schools), with:
//! - seasonality (summer peaks for disputes and calls, rainy-season drainage, school holidays),
//! - a time-of-day and weekday profile per kind,
//! - a slow city-wide decline of disputes, police calls and crimes (about 12 % a year, as the
//!   city report says they fall year on year),
//! - the Hubei lockdown of 2020-01-23..2020-04-08, when street life nearly stopped.
//!
//! Planted hotspots (written to `truth.json`) add tight clusters (σ = 35 m) at chosen markets,
//! schools and old "three-no" compounds: persistent ones for all three years, emerging ones that
//! start in 2021 and grow, fading ones that shrink steadily over the three years.

use geo::{Centroid, Coord, Point, Rect};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};
use serde::Serialize;

use super::buildings::Placed;
use super::shapes::offset_m;
use crate::model::{BuildingUse, Incident, IncidentKind as K, IncidentSource, IncidentStatus};

/// 2019-01-01T00:00:00+08:00.
pub const START: i64 = 1_546_272_000;
/// Days from 2019-01-01 to 2021-12-31 inclusive.
pub const DAYS: i64 = 1096;
/// The first second after the dataset (2022-01-01T00:00:00+08:00).
pub const END: i64 = START + DAYS * 86_400;
/// Incidents in the bundled dataset.
pub const DEFAULT_INCIDENTS: usize = 72_000;

/// How a planted hotspot behaves over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// Active at a steady rate over the whole three years.
    Persistent,
    /// Absent before 2021, then growing through 2021.
    Emerging,
    /// Strongest in early 2019, shrinking steadily to 40 % of that by the end of 2021.
    Fading,
}

/// One planted hotspot, as written to `truth.json`.
#[derive(Debug, Clone, Serialize)]
pub struct PlantedHotspot {
    pub id: usize,
    /// What is there: `market`, `school` or `old_compound`.
    pub place: &'static str,
    pub building_id: u64,
    pub pattern: Pattern,
    pub lon: f64,
    pub lat: f64,
    /// The res-9 H3 cell of the site.
    pub h3_res9: String,
    /// The kinds it produces, most frequent first.
    pub kinds: Vec<K>,
    pub active_from: String,
    pub active_to: String,
    pub incidents: usize,
}

struct Site {
    place: &'static str,
    building: u64,
    at: Coord,
    pattern: Pattern,
    kinds: &'static [(K, f64)],
}

const MARKET_KINDS: &[(K, f64)] = &[
    (K::MarketSanitation, 0.4),
    (K::StreetVending, 0.35),
    (K::Dispute, 0.25),
];
const SCHOOL_KINDS: &[(K, f64)] = &[
    (K::SchoolSurroundings, 0.6),
    (K::PoliceCall, 0.25),
    (K::Dispute, 0.15),
];
const COMPOUND_KINDS: &[(K, f64)] = &[
    (K::PropertyDispute, 0.45),
    (K::SafetyHazard, 0.3),
    (K::Drainage, 0.25),
];

/// Background mix of kinds (relative weights).
const BACKGROUND: &[(K, f64)] = &[
    (K::Dispute, 26.0),
    (K::PoliceCall, 22.0),
    (K::SafetyHazard, 8.0),
    (K::CriminalCase, 3.0),
    (K::PropertyDispute, 10.0),
    (K::IllegalConstruction, 6.0),
    (K::StreetVending, 7.0),
    (K::SchoolSurroundings, 2.0),
    (K::MarketSanitation, 4.0),
    (K::Drainage, 6.0),
    (K::Petition, 6.0),
];

/// Share of all incidents each planted hotspot gets, by pattern: enough that a site stands out
/// month by month at res 9 (about 16 a month for persistent sites; fading ones start near 30 a
/// month and end near 12).
fn hotspot_share(pattern: Pattern) -> f64 {
    match pattern {
        Pattern::Persistent | Pattern::Emerging => 0.008,
        Pattern::Fading => 0.012,
    }
}
/// Planted sites are at least this far apart, so their res-9 neighbourhoods (k = 1, about
/// 1 km across) never mix two sites.
const MIN_SITE_SPACING_M: f64 = 1_200.0;

/// Generates `total` incidents, sorted by time with ids 1..=total, and the planted truth.
pub fn generate(
    rng: &mut ChaCha8Rng,
    buildings: &[Placed],
    city: Rect,
    total: usize,
) -> (Vec<Incident>, Vec<PlantedHotspot>) {
    let sites = choose_sites(rng, buildings);
    let places = Places::new(buildings);
    let mut rows: Vec<(i64, Coord, K)> = Vec::with_capacity(total);
    let mut truth = Vec::new();
    let spread = Normal::new(0.0, 35.0).unwrap_or_else(|_| unreachable!("positive sigma"));
    for (id, site) in sites.iter().enumerate() {
        let per_site = ((total as f64) * hotspot_share(site.pattern)).round() as usize;
        let (from, to) = match site.pattern {
            Pattern::Persistent | Pattern::Fading => (START, END - 1),
            Pattern::Emerging => (START + 730 * 86_400, END - 1),
        };
        for _ in 0..per_site {
            let kind = weighted(rng, site.kinds);
            let t = site_time(rng, site.pattern, kind, from, to);
            rows.push((
                t,
                offset_m(site.at, spread.sample(rng), spread.sample(rng)),
                kind,
            ));
        }
        let cell = h3o::LatLng::new(site.at.y, site.at.x)
            .map(|ll| ll.to_cell(h3o::Resolution::Nine).to_string())
            .unwrap_or_default();
        truth.push(PlantedHotspot {
            id: id + 1,
            place: site.place,
            building_id: site.building,
            pattern: site.pattern,
            lon: site.at.x,
            lat: site.at.y,
            h3_res9: cell,
            kinds: site.kinds.iter().map(|(k, _)| *k).collect(),
            active_from: crate::model::format_local(from),
            active_to: crate::model::format_local(to),
            incidents: per_site,
        });
    }
    let jitter = Normal::new(0.0, 20.0).unwrap_or_else(|_| unreachable!("positive sigma"));
    while rows.len() < total {
        let kind = weighted(rng, BACKGROUND);
        let t = background_time(rng, kind);
        // A few incidents happen on country roads, outside every grid.
        let at = if rng.random_bool(0.003) {
            Coord {
                x: rng.random_range(city.min().x..city.max().x),
                y: rng.random_range(city.min().y..city.max().y),
            }
        } else {
            offset_m(
                places.pick(rng, kind),
                jitter.sample(rng),
                jitter.sample(rng),
            )
        };
        rows.push((t, at, kind));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.x.total_cmp(&b.1.x)));
    let incidents = rows
        .into_iter()
        .enumerate()
        .map(|(i, (t, at, kind))| {
            let (status, resolved_at) = handling(rng, kind, t);
            Incident {
                id: i as u64 + 1,
                lon: (at.x * 1e6).round() / 1e6,
                lat: (at.y * 1e6).round() / 1e6,
                kind,
                reported_at: t,
                status,
                resolved_at,
                source: source(rng, kind),
                occurred: None,
                handling: None,
            }
        })
        .collect();
    (incidents, truth)
}

/// What to plant: place, pattern, how many sites, and the kinds they produce.
type SitePlan = (&'static str, Pattern, usize, &'static [(K, f64)]);

/// Picks 5 markets, 5 schools and 5 old compounds as persistent sites, then 3 emerging and
/// 3 fading ones among the remaining markets and compounds, all in the central city's dense
/// part and far enough apart.
fn choose_sites(rng: &mut ChaCha8Rng, buildings: &[Placed]) -> Vec<Site> {
    let mut sites: Vec<Site> = Vec::new();
    let plan: [SitePlan; 7] = [
        ("market", Pattern::Persistent, 5, MARKET_KINDS),
        ("school", Pattern::Persistent, 5, SCHOOL_KINDS),
        ("old_compound", Pattern::Persistent, 5, COMPOUND_KINDS),
        ("market", Pattern::Emerging, 2, MARKET_KINDS),
        ("old_compound", Pattern::Emerging, 1, COMPOUND_KINDS),
        ("market", Pattern::Fading, 1, MARKET_KINDS),
        ("old_compound", Pattern::Fading, 2, COMPOUND_KINDS),
    ];
    for (place, pattern, count, kinds) in plan {
        let mut candidates: Vec<(u64, Coord)> = buildings
            .iter()
            .map(|p| &p.building)
            .filter(|b| match place {
                "market" => b.building_use == BuildingUse::Market,
                "school" => b.building_use == BuildingUse::School,
                _ => b.unmanaged,
            })
            .filter_map(|b| b.geometry.centroid().map(|c| (b.id, c.0)))
            .filter(|(_, c)| (112.14..112.27).contains(&c.x) && (30.93..31.09).contains(&c.y))
            .collect();
        let mut taken = 0;
        while taken < count && !candidates.is_empty() {
            let (building, at) = candidates.swap_remove(rng.random_range(0..candidates.len()));
            let clear = sites
                .iter()
                .all(|s| distance_m(s.at, at) >= MIN_SITE_SPACING_M);
            if clear {
                sites.push(Site {
                    place,
                    building,
                    at,
                    pattern,
                    kinds,
                });
                taken += 1;
            }
        }
    }
    sites
}

fn distance_m(a: Coord, b: Coord) -> f64 {
    let dx = (b.x - a.x) * super::shapes::m_per_deg_lon(a.y);
    let dy = (b.y - a.y) * super::shapes::M_PER_DEG_LAT;
    dx.hypot(dy)
}

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0.0..total);
    for (item, w) in items {
        if pick < *w {
            return *item;
        }
        pick -= w;
    }
    items[items.len() - 1].0
}

/// Where background incidents of each kind happen: cumulative weights over buildings.
struct Places {
    homes: Vec<(f64, Coord)>,
    commerce: Vec<(f64, Coord)>,
    schools: Vec<(f64, Coord)>,
}

impl Places {
    fn new(buildings: &[Placed]) -> Self {
        let cumulative = |filter: &dyn Fn(&crate::model::Building) -> Option<f64>| {
            let mut sum = 0.0;
            buildings
                .iter()
                .map(|p| &p.building)
                .filter_map(|b| {
                    let w = filter(b)?;
                    sum += w;
                    Some((sum, b.geometry.centroid().unwrap_or(Point::new(0.0, 0.0)).0))
                })
                .collect::<Vec<_>>()
        };
        Self {
            homes: cumulative(&|b| {
                (b.households > 0)
                    .then(|| f64::from(b.households) * if b.unmanaged { 1.6 } else { 1.0 })
            }),
            commerce: cumulative(&|b| {
                matches!(
                    b.building_use,
                    BuildingUse::Commercial | BuildingUse::Market
                )
                .then_some(1.0)
            }),
            schools: cumulative(&|b| (b.building_use == BuildingUse::School).then_some(1.0)),
        }
    }

    fn pick(&self, rng: &mut ChaCha8Rng, kind: K) -> Coord {
        let table = match kind {
            K::StreetVending | K::MarketSanitation => &self.commerce,
            K::SchoolSurroundings if !self.schools.is_empty() => &self.schools,
            _ => &self.homes,
        };
        let total = table.last().map_or(0.0, |l| l.0);
        let x = rng.random_range(0.0..total.max(f64::MIN_POSITIVE));
        let i = table
            .partition_point(|(c, _)| *c <= x)
            .min(table.len().saturating_sub(1));
        table.get(i).map_or(Coord { x: 0.0, y: 0.0 }, |e| e.1)
    }
}

/// Relative daily rate of `kind` on day `day` (0 = 2019-01-01): season × trend × weekday ×
/// lockdown. Bounded by 2.
fn day_rate(kind: K, day: i64) -> f64 {
    let (year, day_of_year) = (day / 365, day % 365);
    let month = (day_of_year / 31).min(11); // 0 = January; close enough for a seasonal curve
    let weekend = (day + 1) % 7 >= 5; // 2019-01-01 was a Tuesday
    let summer = 1.0 + 0.25 * ((month as f64 - 6.5) / 12.0 * std::f64::consts::TAU).cos();
    let season = match kind {
        K::Drainage if (5..=7).contains(&month) => 2.5,
        K::Drainage => 0.6,
        K::SchoolSurroundings if matches!(month, 1 | 6 | 7) => 0.1,
        K::StreetVending => summer * summer,
        _ => summer,
    };
    let trend = match kind {
        K::Dispute | K::PoliceCall | K::CriminalCase => 0.88_f64.powf(day as f64 / 365.0),
        _ => 1.0 - 0.02 * year as f64,
    };
    let week = match kind {
        K::SchoolSurroundings | K::Petition if weekend => 0.1,
        K::Dispute | K::PoliceCall if weekend => 1.25,
        _ => 1.0,
    };
    let lockdown = match kind {
        _ if !(387..=463).contains(&day) => 1.0,
        K::Drainage => 0.8,
        _ => 0.25,
    };
    (season * trend * week * lockdown).min(2.0)
}

/// Hour-of-day weights per kind (24 values, local time).
fn hour_profile(kind: K) -> [f64; 24] {
    let mut w = [1.0; 24];
    let mut boost = |hours: std::ops::RangeInclusive<usize>, by: f64| {
        for h in hours {
            w[h] += by;
        }
    };
    match kind {
        K::PoliceCall => {
            boost(19..=23, 4.0);
            boost(0..=1, 2.0);
        }
        K::CriminalCase => {
            boost(0..=4, 4.0);
            boost(21..=23, 2.0);
        }
        K::Dispute | K::PropertyDispute => {
            boost(9..=11, 3.0);
            boost(18..=21, 4.0);
        }
        K::StreetVending => {
            boost(6..=8, 2.0);
            boost(17..=21, 6.0);
        }
        K::MarketSanitation => boost(5..=10, 6.0),
        K::SchoolSurroundings => {
            boost(7..=8, 8.0);
            boost(16..=17, 8.0);
        }
        K::Petition | K::IllegalConstruction | K::SafetyHazard => boost(8..=17, 4.0),
        K::Drainage => {}
    }
    if !matches!(kind, K::PoliceCall | K::CriminalCase | K::Drainage) {
        for v in &mut w[..6] {
            *v *= 0.2;
        }
    }
    w
}

fn time_of_day(rng: &mut ChaCha8Rng, kind: K) -> i64 {
    let profile = hour_profile(kind);
    let hours: Vec<(i64, f64)> = (0..24).map(|h| (h, profile[h as usize])).collect();
    weighted(rng, &hours) * 3600 + rng.random_range(0..3600)
}

fn background_time(rng: &mut ChaCha8Rng, kind: K) -> i64 {
    loop {
        let day = rng.random_range(0..DAYS);
        if rng.random_range(0.0..2.0) < day_rate(kind, day) {
            return START + day * 86_400 + time_of_day(rng, kind);
        }
    }
}

/// A time in `[from, to]` for a planted hotspot: emerging ones ramp up linearly, fading ones
/// ramp down, and the kind's own day and hour profile still applies.
fn site_time(rng: &mut ChaCha8Rng, pattern: Pattern, kind: K, from: i64, to: i64) -> i64 {
    let span_days = (to - from) / 86_400 + 1;
    loop {
        let d = rng.random_range(0..span_days);
        let ramp = d as f64 / span_days as f64;
        let shape = match pattern {
            Pattern::Persistent => 1.0,
            Pattern::Emerging => 0.15 + 0.85 * ramp,
            Pattern::Fading => 1.0 - 0.6 * ramp,
        };
        let day = (from - START) / 86_400 + d;
        if rng.random_range(0.0..2.0) < shape * day_rate(kind, day) {
            return (from + d * 86_400 + time_of_day(rng, kind)).min(to);
        }
    }
}

/// Median hours to resolve each kind.
fn median_hours(kind: K) -> f64 {
    match kind {
        K::PoliceCall => 2.0,
        K::StreetVending => 6.0,
        K::SchoolSurroundings => 12.0,
        K::Dispute => 20.0,
        K::MarketSanitation => 24.0,
        K::SafetyHazard => 36.0,
        K::Drainage => 48.0,
        K::PropertyDispute => 72.0,
        K::Petition => 120.0,
        K::IllegalConstruction => 168.0,
        K::CriminalCase => 240.0,
    }
}

/// Status and resolution time as of the end of the dataset: almost everything older than a
/// month is resolved; recent incidents are often still open or assigned.
fn handling(rng: &mut ChaCha8Rng, kind: K, t: i64) -> (IncidentStatus, Option<i64>) {
    let delay = LogNormal::new(median_hours(kind).ln(), 0.8).map_or(24.0, |d| d.sample(rng));
    let resolved_at = t + (delay * 3600.0) as i64;
    let old = t < END - 30 * 86_400;
    let roll = rng.random_range(0..100);
    if resolved_at < END && (old && roll < 96 || !old && roll < 60) {
        (IncidentStatus::Resolved, Some(resolved_at))
    } else if roll % 4 == 0 {
        (IncidentStatus::Open, None)
    } else {
        (IncidentStatus::Assigned, None)
    }
}

pub(super) fn source(rng: &mut ChaCha8Rng, kind: K) -> IncidentSource {
    use IncidentSource as S;
    let table: &[(S, f64)] = match kind {
        K::PoliceCall | K::CriminalCase => &[(S::Police, 85.0), (S::Hotline, 15.0)],
        K::StreetVending | K::MarketSanitation => {
            &[(S::Patrol, 40.0), (S::GridWorker, 45.0), (S::Hotline, 15.0)]
        }
        _ => &[
            (S::Patrol, 20.0),
            (S::Hotline, 30.0),
            (S::GridWorker, 35.0),
            (S::PartyMember, 15.0),
        ],
    };
    weighted(rng, table)
}

/// The centres of the homes (buildings with households) of `community` (a position).
pub(super) fn homes(
    buildings: &[Placed],
    grid_community: &[usize],
    community: usize,
) -> Vec<Coord> {
    buildings
        .iter()
        .filter(|p| grid_community[p.grid] == community && p.building.households > 0)
        .filter_map(|p| p.building.geometry.centroid().map(|c| c.0))
        .collect()
}

/// First day (from 2019-01-01) of the planted weekday-evening disputes: 2021-01-01.
const EVENING_FROM_DAY: i64 = 731;

/// Disputes planted on weekday evenings (Monday–Friday, 19:00–20:59) through 2021 in
/// `communities` (positions), about four a week each, at homes of the community: the
/// peak a team walking on Saturday morning misses (the wrong-hours teams of `truth.json`).
/// Ids follow `first_id`, in time order; they come after the other incidents in the file.
pub fn evening_disputes(
    rng: &mut ChaCha8Rng,
    buildings: &[Placed],
    grid_community: &[usize],
    communities: &[usize],
    first_id: u64,
) -> Vec<Incident> {
    let jitter = Normal::new(0.0, 20.0).unwrap_or_else(|_| unreachable!("positive sigma"));
    let mut rows: Vec<(i64, Coord)> = Vec::new();
    for &community in communities {
        let homes = homes(buildings, grid_community, community);
        if homes.is_empty() {
            continue;
        }
        for day in EVENING_FROM_DAY..DAYS {
            let weekday = (day + 1) % 7; // 0 = Monday; 2019-01-01 was a Tuesday
            if weekday >= 5 || !rng.random_bool(0.8) {
                continue;
            }
            let t = START + day * 86_400 + 19 * 3600 + rng.random_range(0..7200);
            let home = homes[rng.random_range(0..homes.len())];
            rows.push((t, offset_m(home, jitter.sample(rng), jitter.sample(rng))));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.x.total_cmp(&b.1.x)));
    rows.into_iter()
        .enumerate()
        .map(|(i, (t, at))| {
            let (status, resolved_at) = handling(rng, K::Dispute, t);
            Incident {
                id: first_id + i as u64,
                lon: (at.x * 1e6).round() / 1e6,
                lat: (at.y * 1e6).round() / 1e6,
                kind: K::Dispute,
                reported_at: t,
                status,
                resolved_at,
                source: source(rng, K::Dispute),
                occurred: None,
                handling: None,
            }
        })
        .collect()
}
