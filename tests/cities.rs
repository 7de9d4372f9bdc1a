//! Many cities in one process: a second city generated from Jingmen's shapes (moved, with its
//! own code), both served by one application. Each city answers under `/cities/{code}/` exactly
//! as it answers alone, the unprefixed paths stay the first city's, a city not served is a 404
//! naming the served ones, links carry the city's prefix, and a write to one city reaches only
//! that city's store.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::sync::{Arc, OnceLock};

use axum::http::StatusCode;
use gridwatch::api::{AppState, app_of};
use gridwatch::geodata::generate::{self, Options};
use gridwatch::index::Engine;
use gridwatch::model::{City, LonLat};
use gridwatch::store::Store;

use common::{Reply, engine, send};

/// Xiangyang's code and the centre the test city is moved to.
const XIANGYANG: &str = "420600";
const CENTRE: (f64, f64) = (112.14, 32.04);

/// The second city, generated once: Jingmen's shapes around [`CENTRE`], 5,000 incidents.
fn second_city() -> Arc<Engine> {
    static CITY: OnceLock<Arc<Engine>> = OnceLock::new();
    CITY.get_or_init(|| {
        let sources = common::geodata_dir().join("sources");
        let generated = generate::generate(
            &sources,
            Options {
                incidents: 5_000,
                city: City {
                    code: XIANGYANG.parse().unwrap(),
                    name: "Xiangyang".into(),
                },
                centre: LonLat::new(CENTRE.0, CENTRE.1),
                ..Options::default()
            },
        )
        .unwrap();
        assert!(
            generated.truth.is_none(),
            "a moved city has no planted truth"
        );
        Arc::new(Engine::build(generated.dataset).unwrap())
    })
    .clone()
}

fn states() -> [AppState; 2] {
    [
        AppState::new(Engine::clone(&engine())),
        AppState::new(Engine::clone(&second_city())),
    ]
}

async fn get(router: &axum::Router, path: &str, headers: &[(&str, &str)]) -> Reply {
    send(router.clone(), "GET", path, None, headers).await
}

#[tokio::test]
async fn the_cities_are_listed_with_their_extent_and_counts() {
    let router = app_of(&states());
    let reply = get(&router, "/cities", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let cities = reply.json["cities"].as_array().unwrap();
    assert_eq!(reply.json["default"], "420800");
    let codes: Vec<&str> = cities.iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["420800", XIANGYANG]);
    let second = &cities[1];
    assert_eq!(second["name"], "Xiangyang");
    assert_eq!(second["counts"]["incidents"], second_city().incidents.len());
    assert_eq!(second["counts"]["grids"], 866);
    // Its districts' box is centred where it was asked to be.
    let b: Vec<f64> = second["bbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!((f64::midpoint(b[0], b[2]) - CENTRE.0).abs() < 1e-6, "{b:?}");
    assert!((f64::midpoint(b[1], b[3]) - CENTRE.1).abs() < 1e-6, "{b:?}");
    // The map opens on its central city, moved with it: Jingmen's opens at about
    // (112.206, 31.008), and the move keeps the offset from the districts' centre.
    let centre = |c: &serde_json::Value| {
        [
            c["centre"][0].as_f64().unwrap(),
            c["centre"][1].as_f64().unwrap(),
        ]
    };
    let jingmen = centre(&cities[0]);
    assert!(
        (jingmen[0] - 112.206).abs() < 0.01 && (jingmen[1] - 31.008).abs() < 0.01,
        "{jingmen:?}"
    );
    let moved = centre(second);
    assert!(
        moved[0] > b[0] && moved[0] < b[2] && moved[1] > b[1] && moved[1] < b[3],
        "{moved:?}"
    );
    assert_eq!(
        second["links"][0]["href"],
        "http://test.local/cities/420600/"
    );
}

#[tokio::test]
async fn each_city_answers_under_its_prefix_as_it_answers_alone() {
    let [jingmen, xiangyang] = states();
    let router = app_of(&[jingmen.clone(), xiangyang.clone()]);
    for path in [
        "/api/v1/hexbins?res=7",
        "/api/v1/stats/communities?from=2021-01-01&to=2021-12-31",
        "/ogc/collections/districts/items",
    ] {
        let alone = common::request_to(xiangyang.clone(), "GET", path, None).await;
        let served = get(&router, &format!("/cities/{XIANGYANG}{path}"), &[]).await;
        let first = get(&router, path, &[]).await;
        let first_alone = common::request_to(jingmen.clone(), "GET", path, None).await;
        assert_eq!(served.status, StatusCode::OK, "{path}");
        assert_eq!(served.json["features"], alone.json["features"], "{path}");
        // The unprefixed paths are the first city's, and the two cities differ.
        assert_eq!(
            first.json["features"], first_alone.json["features"],
            "{path}"
        );
        assert_ne!(first.json["features"], served.json["features"], "{path}");
    }
    // The moved districts carry the city's codes, every feature its city, and the other
    // entities' ids a range of their own: none is one of Jingmen's.
    let districts = get(
        &router,
        "/cities/420600/ogc/collections/districts/items",
        &[],
    )
    .await;
    for d in districts.json["features"].as_array().unwrap() {
        assert!(d["id"].as_u64().unwrap() / 100 == 4206, "{}", d["id"]);
        assert_eq!(d["properties"]["city_code"], XIANGYANG);
    }
    for collection in [
        "communities",
        "grids",
        "buildings",
        "incidents",
        "patrol_tracks",
    ] {
        let page = get(
            &router,
            &format!("/cities/{XIANGYANG}/ogc/collections/{collection}/items?limit=50"),
            &[],
        )
        .await;
        for f in page.json["features"].as_array().unwrap() {
            let id = f["id"].as_u64().unwrap();
            assert_eq!(id / 1_000_000_000, 4206, "{collection} {id}");
            assert_eq!(f["properties"]["city_code"], XIANGYANG);
        }
    }
    let one = get(&router, "/ogc/collections/incidents/items/1", &[]).await;
    assert_eq!(one.json["properties"]["city_code"], "420800");
    // A vector tile of the second city, at one of its communities, is the one it draws alone.
    let at = {
        use geo::InteriorPoint;
        second_city().communities.items()[0]
            .geometry
            .interior_point()
            .unwrap()
    };
    let (x, y) = common::callers::tile_of(at.x(), at.y(), 13);
    let path = format!("/tiles/communities/13/{x}/{y}.mvt");
    let alone = common::mvt::fetch(&xiangyang, &path, &[]).await;
    assert_eq!(alone.status, StatusCode::OK);
    assert!(
        !common::mvt::decode(&alone.bytes)["communities"]
            .features
            .is_empty()
    );
    let routed = get(&router, &format!("/cities/{XIANGYANG}{path}"), &[]).await;
    assert_eq!(routed.status, StatusCode::OK);
    assert_eq!(routed.headers["etag"], alone.headers["etag"]);
    let first = get(&router, &path, &[]).await;
    assert_ne!(first.headers.get("etag"), Some(&alone.headers["etag"]));
}

#[tokio::test]
async fn a_city_not_served_is_a_404_naming_those_that_are() {
    let router = app_of(&states());
    for path in [
        "/cities/999900/ogc",
        "/cities/420500/api/v1/hexbins",
        "/cities/abc",
        "/cities/420800x/ogc",
    ] {
        let reply = get(&router, path, &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.content_type, "application/problem+json", "{path}");
        let detail = reply.json["detail"].as_str().unwrap();
        assert!(
            detail.contains("420800 (Jingmen)") && detail.contains("420600 (Xiangyang)"),
            "{path}: {detail}"
        );
    }
}

#[tokio::test]
async fn links_carry_the_city_and_a_proxy_prefix() {
    let router = app_of(&states());
    let landing = get(&router, "/cities/420600/ogc", &[]).await;
    let self_link = landing.json["links"][0]["href"].as_str().unwrap();
    assert_eq!(self_link, "http://test.local/cities/420600/ogc");
    assert!(
        landing.json["description"]
            .as_str()
            .unwrap()
            .contains("Xiangyang (420600)")
    );
    // Behind a proxy that mounts the process at /gw, the prefixes add up.
    let proxied = get(
        &router,
        "/cities/420600/tiles/style.json",
        &[("x-forwarded-prefix", "/gw")],
    )
    .await;
    let url = proxied.json["sources"]["gridwatch"]["url"]
        .as_str()
        .unwrap();
    assert!(
        url.starts_with("http://test.local/gw/cities/420600/tiles/"),
        "{url}"
    );
    // A prefix that is not a clean path is ignored, never echoed.
    for bad in ["/gw/../admin", "gw", "/g\"w", "/g w", "//evil.example"] {
        let reply = get(&router, "/ogc", &[("x-forwarded-prefix", bad)]).await;
        assert_eq!(
            reply.json["links"][0]["href"], "http://test.local/ogc",
            "{bad}"
        );
    }
    // The page's base is the city's, and it names its city and the cities' list.
    let page = get(&router, "/cities/420600/", &[("x-forwarded-prefix", "/gw")]).await;
    assert!(
        page.body.contains(r#"<base href="/gw/cities/420600/">"#),
        "{}",
        &page.body[..400]
    );
    assert!(
        page.body
            .contains(r#"<meta name="gridwatch-city" content="420600">"#)
    );
    assert!(
        page.body
            .contains(r#"<meta name="gridwatch-cities" content="/gw/cities">"#)
    );
    let root = get(&router, "/", &[]).await;
    assert!(root.body.contains(r#"<base href="/">"#));
    assert!(
        root.body
            .contains(r#"<meta name="gridwatch-city" content="420800">"#)
    );
}

#[tokio::test]
async fn a_write_reaches_its_city_and_no_other() {
    let access = || {
        gridwatch::api::Access::from(gridwatch::api::Tokens::parse_plain("operator:op").unwrap())
    };
    let (jingmen, jingmen_store) = common::writable("cities-jingmen", access());
    let dir = common::scratch_dir("cities-xiangyang");
    let (store, _) =
        gridwatch::store::gpkg::GpkgStore::open_or_create(&dir.join("city.gpkg"), || {
            Ok(Engine::clone(&second_city()))
        })
        .unwrap();
    let store = Arc::new(store);
    let dynamic: Arc<dyn gridwatch::store::Store> = store.clone();
    let xiangyang = AppState::with_access(
        gridwatch::live::Live::new(Engine::clone(&second_city()), Some(dynamic)),
        access(),
        gridwatch::api::TileCaches::default(),
        gridwatch::api::Limits::default(),
    );
    let router = app_of(&[jingmen.clone(), xiangyang.clone()]);
    let before = (
        jingmen.engine().incidents.len(),
        xiangyang.engine().incidents.len(),
    );
    let body = serde_json::json!({ "type": "Feature",
        "geometry": { "type": "Point", "coordinates": [CENTRE.0, CENTRE.1] },
        "properties": { "kind": "dispute", "reported_at": "2022-05-01T10:00:00+08:00", "source": "hotline" } })
    .to_string();
    let reply = send(
        router.clone(),
        "POST",
        "/cities/420600/api/v1/incidents",
        Some(&body),
        &[
            ("authorization", "Bearer op"),
            ("content-type", "application/geo+json"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(xiangyang.engine().incidents.len(), before.1 + 1);
    assert_eq!(jingmen.engine().incidents.len(), before.0);
    // The store of that city has it, read back as a new process would; the other's does not.
    assert_eq!(store.load().await.unwrap().incidents.len(), before.1 + 1);
    assert_eq!(store.load().await.unwrap().city.name, "Xiangyang");
    assert_eq!(
        jingmen_store.load().await.unwrap().incidents.len(),
        before.0
    );
}

#[tokio::test]
async fn province_stats_equal_each_citys_own_statistics() {
    let router = app_of(&states());
    let period = "from=2021-01-01&to=2021-12-31";
    let by_city = get(&router, &format!("/api/v1/cities/stats?{period}"), &[]).await;
    assert_eq!(by_city.status, StatusCode::OK, "{}", by_city.body);
    assert_eq!(by_city.json["summary"]["computed_by"], "memory");
    let by_district = get(
        &router,
        &format!("/api/v1/cities/stats?{period}&by=district"),
        &[],
    )
    .await;
    let by_month = get(
        &router,
        &format!("/api/v1/cities/stats?{period}&by=month"),
        &[],
    )
    .await;
    let rows = |r: &Reply| r.json["rows"].as_array().unwrap().clone();
    let count = |v: &serde_json::Value| v["incidents"].as_u64().unwrap();
    for code in ["420800", XIANGYANG] {
        let own = get(
            &router,
            &format!("/cities/{code}/api/v1/stats/communities?{period}"),
            &[],
        )
        .await;
        let city_row = rows(&by_city)
            .into_iter()
            .find(|r| r["city"] == code)
            .unwrap();
        assert_eq!(
            count(&city_row),
            own.json["summary"]["total"].as_u64().unwrap(),
            "{code}"
        );
        // The districts' rows add up to the incidents in communities, and their resolved to
        // the communities' count × resolved share.
        let districts: Vec<_> = rows(&by_district)
            .into_iter()
            .filter(|r| r["city"] == code && !r["district_id"].is_null())
            .collect();
        let in_areas: u64 = districts.iter().map(count).sum();
        assert_eq!(
            in_areas,
            own.json["summary"]["in_areas"].as_u64().unwrap(),
            "{code}"
        );
        let resolved: u64 = districts
            .iter()
            .map(|r| r["resolved"].as_u64().unwrap())
            .sum();
        let own_resolved: f64 = own.json["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| {
                let p = &f["properties"];
                Some(p["count"].as_f64()? * p["resolved_share"].as_f64()?)
            })
            .sum();
        assert_eq!(resolved, own_resolved.round() as u64, "{code}");
    }
    let months: u64 = rows(&by_month).iter().map(count).sum();
    assert_eq!(
        months,
        by_city.json["summary"]["incidents"].as_u64().unwrap()
    );
    assert_eq!(rows(&by_month).len(), 12);
    // Bad questions are refused.
    for bad in ["by=week", "kind=theft", "from=2021-13-01", "city=420800"] {
        let reply = get(&router, &format!("/api/v1/cities/stats?{bad}"), &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn a_token_bound_to_a_city_reaches_only_that_city() {
    let access = std::sync::Arc::new(gridwatch::api::Access::from(
        gridwatch::api::Tokens::parse_plain("viewer:xy:cities=420600").unwrap(),
    ));
    let state = |engine: Arc<Engine>| {
        AppState::with_shared_access(
            gridwatch::live::Live::new(Engine::clone(&engine), None),
            access.clone(),
            gridwatch::api::TileCaches::default(),
            gridwatch::api::Limits::default(),
        )
    };
    let router = app_of(&[state(engine()), state(second_city())]);
    let auth = [("authorization", "Bearer xy")];
    let mine = get(&router, "/cities/420600/api/v1/hexbins?res=7", &auth).await;
    assert_eq!(mine.status, StatusCode::OK);
    for other in [
        "/api/v1/hexbins?res=7",
        "/cities/420800/ogc/collections/incidents/items",
    ] {
        let refused = get(&router, other, &auth).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{other}");
        assert!(
            refused.json["detail"].as_str().unwrap().contains("420600"),
            "{}",
            refused.body
        );
    }
    // The documents every reader gets stay open to it.
    assert_eq!(get(&router, "/cities", &auth).await.status, StatusCode::OK);
    assert_eq!(get(&router, "/ogc", &auth).await.status, StatusCode::OK);
}
