//! The analyst's methods against independent truth: PySAL pointpats' Knox test, a brute-force
//! pair count, `KDEpy`'s exact biweight density and scipy's binomial test (answers committed in
//! `tests/fixtures/analyst_reference.json` by `scripts/reference/analyst.py`), and the near
//! repeats and the rising community planted in `geodata/truth.json`, over HTTP.

#![allow(
    clippy::unwrap_used,
    clippy::float_cmp,
    reason = "helpers fail loudly on bad fixtures; compared integers travel as floats"
)]

mod common;

use axum::http::StatusCode;
use common::{fixture, geodata_dir, get};
use gridwatch::analytics::kde::{Raster, Weighted, density};
use gridwatch::analytics::near_repeat::{Bands, Event, near_repeat};
use gridwatch::analytics::significance::rate_change_p;
use serde_json::Value;

fn reference() -> Value {
    fixture("analyst_reference.json")
}

fn truth() -> Value {
    serde_json::from_str(&std::fs::read_to_string(geodata_dir().join("truth.json")).unwrap())
        .unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs())
}

/// The fixture's planar events.
fn events(case: &Value) -> Vec<Event> {
    let (x, y) = (floats(&case["x"]), floats(&case["y"]));
    let t: Vec<i64> = case["t"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    (0..x.len())
        .map(|i| Event {
            x: x[i],
            y: y[i],
            t: t[i],
        })
        .collect()
}

async fn ok(path: &str) -> Value {
    let reply = get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    reply.json
}

#[test]
fn knox_equals_pointpats_and_band_counts_equal_brute_force() {
    let case = &reference()["near_repeat"];
    let events = events(case);
    let bands = Bands::new(
        floats(&case["distance_bands_m"]),
        floats(&case["time_bands_days"]),
    )
    .unwrap();
    let ours = near_repeat(&events, &bands, 199, 7);
    let observed: Vec<Vec<u64>> = ours
        .cells
        .iter()
        .map(|row| row.iter().map(|c| c.observed).collect())
        .collect();
    let brute: Vec<Vec<u64>> = serde_json::from_value(case["band_counts"].clone()).unwrap();
    assert_eq!(observed, brute);

    for knox in case["knox"].as_array().unwrap() {
        let bands = Bands::new(
            vec![knox["delta"].as_f64().unwrap()],
            vec![knox["tau_days"].as_f64().unwrap()],
        )
        .unwrap();
        let k = near_repeat(&events, &bands, 0, 1).knox;
        assert_eq!(k.spatial_pairs, knox["spatial_pairs"].as_u64().unwrap());
        assert_eq!(k.temporal_pairs, knox["temporal_pairs"].as_u64().unwrap());
        assert_eq!(
            k.space_time_pairs,
            knox["space_time_pairs"].as_u64().unwrap()
        );
        assert_eq!(k.pairs, knox["pairs"].as_u64().unwrap());
        assert!(close(k.expected, knox["expected"].as_f64().unwrap(), 1e-12));
        let p = knox["p_poisson"].as_f64().unwrap();
        assert!(close(k.p_poisson, p, 1e-6), "{} vs {p}", k.p_poisson);
    }
}

#[test]
fn planted_near_repeats_are_found_and_shuffled_times_find_none() {
    let case = &reference()["near_repeat"];
    let events = events(case);
    let bands = Bands::new(vec![100.0, 200.0, 400.0], vec![7.0, 14.0]).unwrap();
    let found = near_repeat(&events, &bands, 999, 3);
    // Follow-ups lie within ~141 m and 5 days of their first event.
    for d in 0..2 {
        let cell = &found.cells[d][0];
        assert!(cell.p_value <= 0.002, "band {d}: {cell:?}");
        assert!(cell.knox_ratio.unwrap() > 1.5, "band {d}: {cell:?}");
    }
    // Beyond 400 m nothing was planted... and no band shows interaction once the times are
    // shuffled among the events.
    let mut times: Vec<i64> = events.iter().map(|e| e.t).collect();
    {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        times.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(11));
    }
    let shuffled: Vec<Event> = events
        .iter()
        .zip(&times)
        .map(|(e, &t)| Event { t, ..*e })
        .collect();
    let none = near_repeat(&shuffled, &bands, 999, 3);
    assert!(none.knox.p_value >= 0.01, "{:?}", none.knox);
    for cell in none.cells.iter().flatten() {
        assert!(cell.p_value >= 0.01, "{cell:?}");
    }
}

#[test]
fn quartic_density_equals_kdepy_at_every_cell() {
    let case = &reference()["kde"];
    let points: Vec<Weighted> = case["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Weighted {
            x: p[0].as_f64().unwrap(),
            y: p[1].as_f64().unwrap(),
            w: 1.0,
        })
        .collect();
    let origin = floats(&case["origin"]);
    let raster = Raster {
        origin: [origin[0], origin[1]],
        cell_m: case["cell_m"].as_f64().unwrap(),
        columns: case["columns"].as_u64().unwrap() as usize,
        rows: case["rows"].as_u64().unwrap() as usize,
    };
    let ours = density(&points, case["bandwidth_m"].as_f64().unwrap(), &raster);
    let theirs = floats(&case["density_per_km2"]);
    assert_eq!(ours.len(), theirs.len());
    let peak = theirs.iter().copied().fold(0.0, f64::max);
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        // Relative 1e-9, or (where both are next to nothing: KDEpy leaves ~1e-10 of the peak
        // where no point reaches) 1e-9 of the peak.
        assert!(
            close(*a, *b, 1e-9) || (a - b).abs() <= 1e-9 * peak,
            "cell {i}: {a} vs {b}"
        );
    }
}

#[test]
fn rate_change_p_values_equal_scipy_binomtest() {
    for case in reference()["rate_change"].as_array().unwrap() {
        let p = rate_change_p(
            case["c1"].as_u64().unwrap(),
            case["t1"].as_f64().unwrap(),
            case["c2"].as_u64().unwrap(),
            case["t2"].as_f64().unwrap(),
        )
        .unwrap();
        let expected = case["p"].as_f64().unwrap();
        assert!(close(p, expected, 1e-9), "{case}: {p}");
    }
}

#[tokio::test]
async fn the_planted_near_repeats_come_out_over_http() {
    let truth = truth();
    let planted = &truth["near_repeats"];
    for id in planted["community_ids"].as_array().unwrap() {
        let answer = ok(&format!(
            "/api/v1/near-repeat?kind=criminal_case&from=2021-01-01&to=2021-12-31&community={id}&distance_bands_m=200,400,800&time_bands_days=7,14,30&permutations=999"
        ))
        .await;
        let first = &answer["bands"][0];
        assert_eq!(first["distance_to_m"], 200.0);
        assert_eq!(first["time_to_days"], 7.0);
        assert!(first["p_value"].as_f64().unwrap() <= 0.002, "{id}: {first}");
        assert!(first["knox_ratio"].as_f64().unwrap() > 2.0, "{id}: {first}");
        // Far and late pairs are as chance has them.
        let far_late = &answer["bands"][8];
        assert!(far_late["p_value"].as_f64().unwrap() > 0.01, "{far_late}");
    }
    // Criminal cases of 2020, where nothing was planted, show no interaction near and soon.
    let background = ok(
        "/api/v1/near-repeat?kind=criminal_case&from=2020-01-01&to=2020-12-31&distance_bands_m=200&time_bands_days=7&permutations=999",
    )
    .await;
    assert!(
        background["bands"][0]["p_value"].as_f64().unwrap() >= 0.01,
        "{background}"
    );
    // The same question answers the same, seed and all.
    let again = ok(
        "/api/v1/near-repeat?kind=criminal_case&from=2020-01-01&to=2020-12-31&distance_bands_m=200&time_bands_days=7&permutations=999&seed=1",
    )
    .await;
    assert_eq!(again["bands"], background["bands"]);
}

#[tokio::test]
async fn the_aoristic_table_sums_to_the_count_and_counts_the_windows_in_the_file() {
    let answer = ok("/api/v1/aoristic?kind=criminal_case,illegal_construction").await;
    let total: f64 = answer["weights"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(floats)
        .sum();
    let incidents = answer["incidents"].as_u64().unwrap();
    assert!(
        (total - incidents as f64).abs() < 1e-3,
        "{total} vs {incidents}"
    );
    // The windows, counted straight from incidents.csv.
    let csv = std::fs::read_to_string(geodata_dir().join("incidents.csv")).unwrap();
    let (mut rows, mut windows) = (0u64, 0u64);
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[3] == "criminal_case" || f[3] == "illegal_construction" {
            rows += 1;
            windows += u64::from(!f[8].is_empty());
        }
    }
    assert_eq!(incidents, rows);
    assert_eq!(answer["with_window"].as_u64().unwrap(), windows);
    assert!(windows > 1_000, "{windows}");
    // Spread windows fill the small hours that exact reports leave nearly empty.
    let exact = ok("/api/v1/aoristic?kind=dispute").await;
    let night = |a: &Value| floats(&a["by_hour"])[3] / a["incidents"].as_f64().unwrap();
    assert!(night(&answer) > night(&exact), "{answer} {exact}");
}

#[tokio::test]
async fn the_rising_community_is_up_year_on_year_and_level_on_the_quarter_before() {
    let truth = truth();
    let id = truth["rise"]["community_id"].as_u64().unwrap();
    let answer = ok(&format!(
        "/api/v1/stats/communities?from=2021-07-01&to=2021-09-30&community={id}"
    ))
    .await;
    let p = &answer["features"][0]["properties"];
    assert!(p["year_on_year_p"].as_f64().unwrap() < 0.01, "{p}");
    assert!(p["year_on_year_pct"].as_f64().unwrap() > 50.0, "{p}");
    assert!(p["change_p"].as_f64().unwrap() > 0.05, "{p}");
    // The served p-values are the exact test on the served counts and the periods' lengths
    // (92 days now, 92 in Q3 2020, 92 in Q2 2021 before: 2021-04-01..06-30 is 91 days, and the
    // previous period of equal length starts on 2021-03-31).
    let count = p["count"].as_u64().unwrap();
    let year_ago = p["year_ago_count"].as_u64().unwrap();
    let expected = rate_change_p(count, 92.0, year_ago, 92.0).unwrap();
    assert!(close(
        p["year_on_year_p"].as_f64().unwrap(),
        expected,
        1e-12
    ));
    assert_eq!(
        answer["summary"]["year_ago_period"]["from"],
        "2020-07-01T00:00:00+08:00"
    );
    // A community with nothing planted is not flagged in the same quarter, most of the time:
    // at p < 0.01, fewer than 5 % of the 222 communities.
    let all = ok("/api/v1/stats/communities?from=2021-07-01&to=2021-09-30").await;
    let flagged = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["properties"]["year_on_year_p"]
                .as_f64()
                .is_some_and(|p| p < 0.01)
                && f["properties"]["year_on_year_pct"].as_f64().unwrap_or(0.0) > 0.0
        })
        .count();
    assert!(flagged < 12, "{flagged} communities up at p < 0.01");
}

#[tokio::test]
async fn the_density_integrates_to_the_incidents() {
    // The raster reaches a bandwidth beyond every incident, so none of the mass is cut off (a few
    // market incidents lie on country roads across the prefecture: coarse cells).
    let answer = ok("/api/v1/kde?kind=market_sanitation&from=2021-01-01&to=2021-12-31&bandwidth_m=800&cell_m=200").await;
    let summary = &answer["summary"];
    let cell = summary["cell_m"].as_f64().unwrap();
    let mass: f64 = answer["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["density_per_km2"].as_f64().unwrap() * cell * cell / 1e6)
        .sum();
    let n = summary["incidents"].as_f64().unwrap();
    assert!((mass - n).abs() / n < 0.01, "{mass} vs {n}");
    assert_eq!(summary["bandwidth_rule"], "given");
    // Without a bandwidth the rule picks one.
    let ruled =
        ok("/api/v1/kde?kind=market_sanitation&from=2021-01-01&to=2021-12-31&cell_m=200").await;
    assert!(ruled["summary"]["bandwidth_m"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn the_backtest_scores_maps_and_finds_the_planted_markets() {
    let answer = ok(
        "/api/v1/forecast/backtest?kind=market_sanitation&from=2021-01-01&to=2021-06-30&step=month",
    )
    .await;
    let steps = answer["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 6);
    let share = answer["area_share"].as_f64().unwrap();
    for step in steps {
        for s in step["scores"].as_array().unwrap() {
            let (hits, best) = (
                s["hits"].as_u64().unwrap(),
                s["best_hits"].as_u64().unwrap(),
            );
            assert!(hits <= best, "{s}");
            let rate = hits as f64 / step["incidents"].as_f64().unwrap();
            assert!(close(s["hit_rate"].as_f64().unwrap(), rate, 1e-5));
            assert!(close(s["pai"].as_f64().unwrap(), rate / share, 1e-5));
        }
    }
    // Planted persistent markets make every map far better than chance.
    for m in answer["methods"].as_array().unwrap() {
        assert!(m["pai"].as_f64().unwrap() > 5.0, "{m}");
    }
}

#[tokio::test]
async fn bad_questions_are_refused_clearly() {
    for (path, status) in [
        ("/api/v1/near-repeat?distance_bands_m=200,100", 400),
        ("/api/v1/near-repeat?time_bands_days=0", 400),
        ("/api/v1/near-repeat?permutations=100000", 400),
        ("/api/v1/near-repeat?distance_bands_m=5000", 422),
        ("/api/v1/kde?cell_m=1", 400),
        ("/api/v1/kde?cell_m=5&bandwidth_m=100", 422),
        ("/api/v1/forecast/backtest?methods=crystal_ball", 400),
        ("/api/v1/forecast/backtest?area_share=0.9", 400),
        ("/api/v1/forecast/backtest?from=2000-01-01&step=week", 422),
    ] {
        let reply = get(path).await;
        assert_eq!(reply.status.as_u16(), status, "{path}: {}", reply.body);
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
    }
}

#[tokio::test]
async fn the_density_tile_peaks_at_a_planted_market() {
    use common::callers::tile_of;
    use common::mvt::{decode, fetch, parts, properties};
    let truth = truth();
    let market = truth["hotspots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["place"] == "market" && h["pattern"] == "persistent")
        .unwrap();
    let (lon, lat) = (
        market["lon"].as_f64().unwrap(),
        market["lat"].as_f64().unwrap(),
    );
    let z = 15;
    let (x, y) = tile_of(lon, lat, z);
    let state = gridwatch::api::AppState::new(gridwatch::index::Engine::clone(&common::engine()));
    let got = fetch(
        &state,
        &format!("/tiles/kde/{z}/{x}/{y}.mvt?kind=market_sanitation&from=2021-01-01&to=2021-12-31"),
        &[],
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    let layers = decode(&got.bytes);
    let layer = &layers["kde"];
    let extent = f64::from(layer.extent.unwrap_or(4096));
    let mut best = (0.0, [0.0, 0.0]);
    for (i, feature) in layer.features.iter().enumerate() {
        let density = properties(layer, i)["density_per_km2"]
            .double_value
            .unwrap();
        assert!(density > 0.0);
        if density > best.0 {
            let ring = &parts(&feature.geometry)[0];
            let n = ring.len() as f64;
            let cx = ring.iter().map(|p| p[0] as f64).sum::<f64>() / n;
            let cy = ring.iter().map(|p| p[1] as f64).sum::<f64>() / n;
            best = (density, [cx, cy]);
        }
    }
    // Tile pixels to lon/lat.
    let scale = f64::from(1u32 << z);
    let peak_lon = (f64::from(x) + best.1[0] / extent) / scale * 360.0 - 180.0;
    let my = f64::from(y) + best.1[1] / extent;
    let peak_lat = (std::f64::consts::PI * (1.0 - 2.0 * my / scale))
        .sinh()
        .atan()
        .to_degrees();
    let metres = ((peak_lon - lon) * 95_300.0).hypot((peak_lat - lat) * 110_900.0);
    assert!(
        metres < 150.0,
        "the peak is {metres:.0} m from the market ({best:?})"
    );
    assert!(best.0 > 100.0, "{best:?}");
}
