//! Joint inspections done (`GET`/`POST /api/v1/inspections`): the bundled city's 2021 holds
//! the seed's 321 inspections and 304 problems solved (planted, `truth.json`), every total
//! equals a count over `lists.json` done here, a record written through the API is counted
//! and kept by the store, a bad one is refused and changes nothing, and a community-bound
//! token sees and writes only its communities.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use axum::http::StatusCode;
use common::callers::{access, call, get, two_communities};
use common::{geodata_dir, writable};
use gridwatch::api::Anonymous;
use serde_json::{Value, json};

fn read(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(geodata_dir().join(name)).unwrap()).unwrap()
}

/// The records of `lists.json` whose local date starts with `prefix` (`2021`, `2021-07`).
fn records(prefix: &str) -> Vec<Value> {
    read("lists.json")["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["at"].as_str().unwrap().starts_with(prefix))
        .cloned()
        .collect()
}

fn sum(records: &[Value], field: &str) -> u64 {
    records.iter().map(|r| r[field].as_u64().unwrap()).sum()
}

#[tokio::test]
async fn the_seed_year_counts_321_inspections_and_304_problems_solved() {
    let truth = &read("truth.json")["inspections"];
    let (state, _store) = writable("inspections-seed", access(Anonymous::Full));
    let year = get(
        &state,
        "/api/v1/inspections?from=2021-01-01&to=2021-12-31",
        None,
    )
    .await;
    assert_eq!(year.status, StatusCode::OK, "{}", year.json);
    let s = &year.json["summary"];
    assert_eq!(s["inspections"], truth["inspections"]);
    assert_eq!(s["problems_solved"], truth["problems_solved"]);
    assert_eq!(s["inspections"], 321);
    assert_eq!(s["problems_solved"], 304);
    let mine = records("2021");
    assert_eq!(
        s["problems_found"].as_u64().unwrap(),
        sum(&mine, "problems_found")
    );
    assert_eq!(year.json["features"].as_array().unwrap().len(), 321);
    // Each agency's count is the records naming it.
    for a in s["by_agency"].as_array().unwrap() {
        let name = a["name"].as_str().unwrap();
        let expected = mine
            .iter()
            .filter(|r| r["agencies"].as_array().unwrap().iter().any(|x| x == name))
            .count() as u64;
        assert_eq!(a["count"].as_u64().unwrap(), expected, "{name}");
    }
    // The four quarters add up to the year; every record ever is more than the year's.
    let mut quarters = (0, 0);
    for q in 1..=4 {
        let reply = get(
            &state,
            &format!("/api/v1/inspections?quarter=2021Q{q}"),
            None,
        )
        .await;
        quarters.0 += reply.json["summary"]["inspections"].as_u64().unwrap();
        quarters.1 += reply.json["summary"]["problems_solved"].as_u64().unwrap();
    }
    assert_eq!(quarters, (321, 304));
    let all = get(&state, "/api/v1/inspections", None).await;
    assert_eq!(all.json["summary"]["inspections"], truth["all"]);
    assert!(truth["all"].as_u64().unwrap() > 321);
    // One community's: the records of that community.
    let community = mine[0]["community_id"].as_u64().unwrap();
    let reply = get(
        &state,
        &format!("/api/v1/inspections?quarter=2021Q1&community={community}"),
        None,
    )
    .await;
    let expected = records("2021-0")
        .iter()
        .filter(|r| {
            r["community_id"] == community
                && ["2021-01", "2021-02", "2021-03"]
                    .iter()
                    .any(|m| r["at"].as_str().unwrap().starts_with(m))
        })
        .count() as u64;
    assert_eq!(
        reply.json["summary"]["inspections"].as_u64().unwrap(),
        expected
    );
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one record's way in and the refusals around it, read top to bottom"
)]
async fn a_recorded_inspection_is_counted_kept_and_bad_ones_change_nothing() {
    use gridwatch::store::Store;
    let (state, store) = writable("inspections-write", access(Anonymous::Full));
    let ((row, mine), (other_row, _)) = two_communities();
    let e = common::engine();
    let at = |row: usize| {
        let i = e.incidents.incident(row);
        [i.lon, i.lat]
    };
    let record = |place: [f64; 2], props: Value| {
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": place}, "properties": props})
            .to_string()
    };
    let good = json!({"at": "2022-03-01T10:00:00+08:00", "agencies": ["city_management", "market_supervision", "city_management"],
                      "kinds": ["street_vending"], "problems_found": 3, "problems_solved": 2});
    let count = || async {
        get(&state, "/api/v1/inspections", None).await.json["summary"]["inspections"]
            .as_u64()
            .unwrap()
    };
    let before = count().await;
    // Refusals first: none of them writes.
    let bad = |props: Value, place: [f64; 2], token: &'static str, status: StatusCode| {
        let body = record(place, props);
        let state = state.clone();
        async move {
            let reply = call(
                &state,
                "POST",
                "/api/v1/inspections",
                Some(token),
                Some(&body),
            )
            .await;
            assert_eq!(reply.status, status, "{body}: {}", reply.json);
            assert!(reply.content_type.starts_with("application/problem+json"));
        }
    };
    let with = |key: &str, value: Value| {
        let mut p = good.clone();
        p[key] = value;
        p
    };
    bad(
        with("agencies", json!(["police"])),
        at(row),
        "op",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bad(
        with("agencies", json!(["police", "army"])),
        at(row),
        "op",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bad(
        with("kinds", json!([])),
        at(row),
        "op",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bad(
        with("problems_solved", json!(4)),
        at(row),
        "op",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bad(
        with("problems_found", json!(-1)),
        at(row),
        "op",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bad(
        with("at", json!("yesterday")),
        at(row),
        "op",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bad(
        with("note", json!("x")),
        at(row),
        "op",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    bad(good.clone(), [0.0, 0.0], "op", StatusCode::BAD_REQUEST).await;
    bad(good.clone(), at(row), "look", StatusCode::FORBIDDEN).await;
    bad(good.clone(), at(other_row), "mine", StatusCode::FORBIDDEN).await;
    assert_eq!(count().await, before);
    assert_eq!(
        store.load().await.unwrap().lists.inspections.len() as u64,
        before
    );

    // A good one, by the community's own bound operator.
    let reply = call(
        &state,
        "POST",
        "/api/v1/inspections",
        Some("mine"),
        Some(&record(at(row), good.clone())),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
    assert_eq!(reply.json["community_id"], mine);
    assert_eq!(
        reply.json["agencies"],
        json!(["city_management", "market_supervision"])
    );
    let id = reply.json["id"].as_u64().unwrap();
    assert_eq!(count().await, before + 1);
    let quarter = get(&state, "/api/v1/inspections?quarter=2022Q1", None).await;
    assert_eq!(quarter.json["summary"]["inspections"], 1);
    assert_eq!(quarter.json["summary"]["problems_solved"], 2);
    assert_eq!(quarter.json["features"][0]["id"], id);
    // The store kept it, as written.
    let kept = store.load().await.unwrap().lists;
    let r = kept.inspections.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        (r.community_id, r.problems_found, r.problems_solved),
        (mine, 3, 2)
    );
    assert_eq!(
        r.at,
        gridwatch::model::parse_instant("2022-03-01T10:00:00+08:00").unwrap()
    );

    // A bound viewer sees its community's records only; another community is unknown.
    let seen = get(&state, "/api/v1/inspections", Some("seer")).await;
    let features = seen.json["features"].as_array().unwrap();
    assert!(features.iter().any(|f| f["id"] == id));
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["community_id"] == mine)
    );
    let elsewhere = e
        .communities
        .items()
        .iter()
        .find(|c| c.id != mine)
        .unwrap()
        .id;
    let hidden = get(
        &state,
        &format!("/api/v1/inspections?community={elsewhere}"),
        Some("seer"),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

/// The committee's placed records as OGC collections: units (with tiles), demand items and
/// inspections, their counts, filters and CQL2 against a count over `lists.json`, and a
/// community-bound token's view.
#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "three collections, their filters and who sees them, read top to bottom"
)]
async fn the_lists_are_ogc_collections_within_the_callers_communities() {
    let (state, _store) = writable("inspections-ogc", access(Anonymous::Full));
    let lists = read("lists.json");
    let count = |path: String| {
        let state = state.clone();
        async move {
            let reply = get(&state, &path, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.json);
            reply.json["numberMatched"].as_u64().unwrap()
        }
    };
    let demands = lists["demands"].as_array().unwrap();
    let brute = |keep: &dyn Fn(&Value) -> bool| demands.iter().filter(|d| keep(d)).count() as u64;
    assert_eq!(
        count("/ogc/collections/units/items?limit=1".into()).await,
        523
    );
    assert_eq!(
        count("/ogc/collections/demand_items/items?status=open&limit=1".into()).await,
        brute(&|d| d["status"] == "open")
    );
    // CQL2 over the properties, and datetime over raised_at.
    let filter = "category%20%3D%20%27drainage%27%20AND%20households%20%3E%2030";
    assert_eq!(
        count(format!(
            "/ogc/collections/demand_items/items?filter={filter}&limit=1"
        ))
        .await,
        brute(&|d| d["category"] == "drainage" && d["households"].as_u64().unwrap() > 30)
    );
    assert_eq!(
        count("/ogc/collections/demand_items/items?datetime=2021-01-01/2021-12-31&limit=1".into())
            .await,
        brute(&|d| d["raised_at"].as_str().unwrap().starts_with("2021"))
    );
    assert_eq!(
        count("/ogc/collections/inspections/items?datetime=2021-01-01/2021-12-31&limit=1".into())
            .await,
        321
    );
    let police = "agencies%20LIKE%20%27%25police%25%27";
    assert_eq!(
        count(format!(
            "/ogc/collections/inspections/items?filter={police}&limit=1"
        ))
        .await,
        lists["inspections"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["agencies"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "police"))
            .count() as u64
    );
    // One item, with its Chinese category.
    let one = get(&state, "/ogc/collections/demand_items/items/1", None).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json["properties"]["category"], demands[0]["category"]);
    assert!(one.json["properties"]["category_zh"].is_string());

    // A bound viewer: its community's needs and inspections only; another's is unknown.
    let ((_, mine), _) = two_communities();
    let seen = get(
        &state,
        "/ogc/collections/demand_items/items?limit=1000",
        Some("seer"),
    )
    .await;
    let features = seen.json["features"].as_array().unwrap();
    assert_eq!(features.len() as u64, brute(&|d| d["community_id"] == mine));
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["community_id"] == mine)
    );
    let other = demands.iter().find(|d| d["community_id"] != mine).unwrap();
    let hidden = get(
        &state,
        &format!("/ogc/collections/demand_items/items/{}", other["id"]),
        Some("seer"),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let inspections = get(
        &state,
        "/ogc/collections/inspections/items?limit=1000",
        Some("seer"),
    )
    .await;
    assert!(
        inspections.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["community_id"] == mine)
    );
    // Counts-only anonymous readers get neither needs nor inspections.
    let (aggregate, _store) = writable("inspections-ogc-aggregate", access(Anonymous::Aggregate));
    for collection in ["demand_items", "inspections"] {
        let refused = get(
            &aggregate,
            &format!("/ogc/collections/{collection}/items"),
            None,
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{collection}");
    }

    // Units as vector tiles: the tile holding the first unit draws it with its name.
    let unit = &lists["units"][0];
    let (lon, lat) = (unit["lon"].as_f64().unwrap(), unit["lat"].as_f64().unwrap());
    let (x, y) = common::callers::tile_of(lon, lat, 14);
    let tile = common::mvt::fetch(&state, &format!("/tiles/units/14/{x}/{y}.mvt"), &[]).await;
    assert_eq!(tile.status, StatusCode::OK);
    let layers = common::mvt::decode(&tile.bytes);
    let drawn = &layers["units"];
    let names: Vec<_> = (0..drawn.features.len())
        .map(|k| common::mvt::properties(drawn, k)["name"].clone())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| format!("{n:?}").contains(unit["name"].as_str().unwrap())),
        "{names:?}"
    );
    let tilesets = get(&state, "/ogc/collections/units/tiles", None).await;
    assert_eq!(tilesets.status, StatusCode::OK, "{}", tilesets.json);
}
