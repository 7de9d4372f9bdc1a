//! Bad input across every endpoint: malformed, truncated, huge and deeply nested JSON, wrong
//! GeoJSON types, NaN, infinite and out-of-range coordinates, bad GPX (and GPX with an external
//! entity), bad CSV, unknown kinds and fields, bad dates and periods, tile addresses out of
//! range, bad limits, k and distances, SQL-looking strings, oversize bodies, wrong content
//! types and methods. Every case answers the 4xx it pins (400 unless it says otherwise) as an
//! `application/problem+json` whose `status` and `title` say the same, the server stays
//! healthy, and nothing is stored (the data version and every layer's size are unchanged).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::too_many_lines,
    reason = "tests fail loudly and read top to bottom"
)]

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::request_with_headers;
use gridwatch::api::{AppState, Tokens};
use gridwatch::index::Engine;
use gridwatch::store::Store;
use gridwatch::store::gpkg::GpkgStore;

const TOKENS: &str = "operator:op-token,admin:admin-token,viewer:view-token";

/// One request and the status it must get (400 unless the case says otherwise).
struct Case {
    method: &'static str,
    path: String,
    content_type: Option<&'static str>,
    token: Option<&'static str>,
    body: Option<String>,
    status: u16,
}

fn get(path: impl Into<String>) -> Case {
    Case {
        method: "GET",
        path: path.into(),
        content_type: None,
        token: None,
        body: None,
        status: 400,
    }
}

fn post(path: &str, content_type: &'static str, body: impl Into<String>) -> Case {
    Case {
        method: "POST",
        path: path.to_owned(),
        content_type: Some(content_type),
        token: Some("admin-token"),
        body: Some(body.into()),
        status: 400,
    }
}

impl Case {
    fn expect(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    fn method(mut self, method: &'static str) -> Self {
        self.method = method;
        self
    }

    fn token(mut self, token: Option<&'static str>) -> Self {
        self.token = token;
        self
    }
}

fn point(lon: &str, lat: &str, properties: &str) -> String {
    format!(
        r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{properties}}}"#
    )
}

const GOOD_PROPS: &str =
    r#"{"kind":"dispute","reported_at":"2022-05-01T10:00:00+08:00","source":"grid_worker"}"#;

fn corpus() -> Vec<Case> {
    let mut cases = Vec::new();
    // The analytics that read the common filters: every bad filter on each.
    let analytics = [
        "/api/v1/hexbins?res=8",
        "/api/v1/hotspots?res=8",
        "/api/v1/hotspots/emerging?res=8",
        "/api/v1/stats/grids?",
        "/api/v1/stats/communities?",
        "/api/v1/access/gaps?",
        "/api/v1/patrol/teams?",
    ];
    let bad_filters = [
        "kind=bank",
        "kind=dispute,bank",
        "kind=dispute%27%3B%20DROP%20TABLE%20incidents%3B--",
        "from=2021-13-01",
        "from=2021-02-30",
        "to=yesterday",
        "from=2021-06-01&to=2021-01-01",
        "from=99999-01-01",
        "bbox=1,2,3",
        "bbox=NaN,0,1,1",
        "bbox=0,0,inf,1",
        "bbox=200,0,201,1",
        "bbox=0,-95,1,1",
        "frobnicate=1",
        "from=2021-01-01&from=2021-02-01",
    ];
    for base in analytics {
        for bad in bad_filters {
            let sep = if base.ends_with('?') { "" } else { "&" };
            cases.push(get(format!("{base}{sep}{bad}")));
        }
    }
    // Resolutions and steps out of range.
    for path in [
        "/api/v1/hexbins?res=99",
        "/api/v1/hexbins?res=-1",
        "/api/v1/hexbins?res=abc",
        "/api/v1/hexbins?res=4",
        "/api/v1/hotspots?res=16",
        "/api/v1/hotspots?res=9&k=0",
        "/api/v1/hotspots?res=9&k=99",
        "/api/v1/hotspots/emerging?res=8&step=fortnight",
        "/api/v1/access/gaps?h3_res=3",
        "/api/v1/access/gaps?kind=spaceport",
        "/api/v1/access/gaps?mode=teleport",
        "/api/v1/access/gaps?features=maybe",
        "/api/v1/access/fca?kind=service_complex&weight=cubic",
        "/api/v1/access/fca?kind=service_complex&threshold_m=-5",
        "/api/v1/access/fca?kind=service_complex&threshold_m=1e12",
    ] {
        cases.push(get(path));
    }
    // Walking: points, distances, ids.
    for path in [
        "/api/v1/route",
        "/api/v1/route?from=112.2,31.0",
        "/api/v1/route?from=abc&to=112.2,31.0",
        "/api/v1/route?from=NaN,NaN&to=112.2,31.0",
        "/api/v1/route?from=inf,31&to=112.2,31.0",
        "/api/v1/route?from=200,100&to=112.2,31.0",
        "/api/v1/route?from=112.2&to=112.2,31.0",
        "/api/v1/route?from=112.2,31.0,5&to=112.2,31.0",
        "/api/v1/route?from=112.2,31.0&to=112.21,31.01&snap_m=-1",
        "/api/v1/route?from=112.2,31.0&to=112.21,31.01&mode=fly",
        "/api/v1/nearest",
        "/api/v1/nearest?lon=112.2",
        "/api/v1/nearest?lon=NaN&lat=31",
        "/api/v1/nearest?lon=112.2&lat=95",
        "/api/v1/nearest?lon=112.2&lat=31.03&k=0",
        "/api/v1/nearest?lon=112.2&lat=31.03&k=-1",
        "/api/v1/nearest?lon=112.2&lat=31.03&k=1000000",
        "/api/v1/nearest?lon=112.2&lat=31.03&k=1.5",
        "/api/v1/nearest?lon=112.2&lat=31.03&max_m=0",
        "/api/v1/nearest?lon=112.2&lat=31.03&max_m=99999999999",
        "/api/v1/nearest?lon=112.2&lat=31.03&kind=bank",
        "/api/v1/nearest?lon=112.2&lat=31.03&mode=swim",
        "/api/v1/isochrones",
        "/api/v1/isochrones?resource=abc",
        "/api/v1/isochrones?resource=15&distances_m=-1",
        "/api/v1/isochrones?resource=15&distances_m=1e9",
        "/api/v1/isochrones?resource=15&distances_m=,,",
        "/api/v1/isochrones?resource=15&distances_m=300,NaN",
        "/api/v1/isochrones?lon=112.2&lat=31.03&resource=15",
    ] {
        cases.push(get(path));
    }
    cases.push(get("/api/v1/isochrones?resource=99999999").expect(404));
    // Patrol.
    for path in [
        "/api/v1/patrol/coverage",
        "/api/v1/patrol/coverage?route=1&community=1",
        "/api/v1/patrol/coverage?route=x",
        "/api/v1/patrol/coverage?route=1&buffer_m=0",
        "/api/v1/patrol/coverage?route=1&buffer_m=nan",
        "/api/v1/patrol/coverage?route=1&buffer_m=1e6",
        "/api/v1/patrol/dosage",
        "/api/v1/patrol/dosage?track=-1",
        "/api/v1/patrol/timing?community=1&speed=3",
        "/api/v1/patrol/timing?community=1&kind=bank",
        "/api/v1/patrol/suggest",
        "/api/v1/patrol/suggest?route=1&extra_m=-5",
        "/api/v1/patrol/suggest?route=1&extra_m=1e9",
        "/api/v1/patrol/suggest?route=1&community=2",
        "/api/v1/patrol/timing?community=99999",
    ] {
        cases.push(get(path));
    }
    for path in [
        "/api/v1/patrol/coverage?route=999999",
        "/api/v1/patrol/dosage?track=0",
        "/api/v1/patrol/suggest?route=0",
    ] {
        cases.push(get(path).expect(404));
    }
    // OGC API – Features.
    for path in [
        "/ogc/collections/incidents/items?limit=-1",
        "/ogc/collections/incidents/items?limit=0",
        "/ogc/collections/incidents/items?limit=1000000000000",
        "/ogc/collections/incidents/items?limit=abc",
        "/ogc/collections/incidents/items?offset=-3",
        "/ogc/collections/incidents/items?bbox=1,2,3",
        "/ogc/collections/incidents/items?bbox=NaN,1,2,3",
        "/ogc/collections/incidents/items?bbox=0,100,1,101",
        "/ogc/collections/incidents/items?datetime=yesterday",
        "/ogc/collections/incidents/items?datetime=2021-06-01/2021-01-01",
        "/ogc/collections/incidents/items?datetime=2021-01-01/2021-02-01/2021-03-01",
        "/ogc/collections/incidents/items?kind=bank",
        "/ogc/collections/incidents/items?status=lost",
        "/ogc/collections/incidents/items?colour=red",
        "/ogc/collections/grids/items?community_id=abc",
        "/ogc/collections/buildings/items?bbox-crs=EPSG:9999",
        "/ogc/collections/streets/items?limit=1e3",
    ] {
        cases.push(get(path));
    }
    for path in [
        "/ogc/collections/nope",
        "/ogc/collections/nope/items",
        "/ogc/collections/incidents/items/99999999",
        "/ogc/collections/grids/items/0",
        "/ogc/collections/incidents/items/abc",
    ] {
        cases.push(get(path).expect(404));
    }
    // Tiles.
    for path in [
        "/tiles/grids/99/0/0.mvt",
        "/tiles/grids/13/-1/0.mvt",
        "/tiles/grids/13/0/99999.mvt",
        "/tiles/grids/13/8192/0.mvt",
        "/tiles/grids/x/0/0.mvt",
        "/tiles/grids/13/0/0.5.mvt",
        "/tiles/incidents/13/6649/3352.mvt?from=bad",
        "/tiles/incidents/13/6649/3352.mvt?kind=bank",
        "/tiles/hexbins/13/6649/3352.mvt?res=99",
        "/tiles/service_gaps/14/13299/6704.mvt?access_kind=spaceport",
        "/tiles/hexbins.json?from=bad",
    ] {
        cases.push(get(path));
    }
    for path in [
        "/tiles/nope/13/0/0.mvt",
        "/tiles/grids/13/0/0.png",
        "/tiles/nope.json",
        "/tiles/grids,nope/13/0/0.mvt",
    ] {
        cases.push(get(path).expect(404));
    }
    // Writes: incidents as GeoJSON.
    let incidents = "/api/v1/incidents";
    let json = "application/geo+json";
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for body in [
        "{".to_owned(),
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.2,"#.to_owned(),
        "[]".to_owned(),
        "null".to_owned(),
        "42".to_owned(),
        "\"a string\"".to_owned(),
        String::new(),
        nested,
        r#"{"type":"FeatureCollection"}"#.to_owned(),
        r#"{"type":"FeatureCollection","features":{}}"#.to_owned(),
        r#"{"type":"Topology","objects":{}}"#.to_owned(),
        // A number JSON cannot hold.
        point("1e999", "31.03", GOOD_PROPS),
    ] {
        cases.push(post(incidents, json, body));
    }
    // Well-formed GeoJSON whose content is wrong: 422.
    for body in [
        point("112.2", "31.03", "null"),
        point("112.2", "31.03", "{}"),
        point(
            "112.2",
            "31.03",
            r#"{"kind":"bank","reported_at":"2022-05-01T10:00:00+08:00"}"#,
        ),
        point(
            "112.2",
            "31.03",
            r#"{"kind":"dispute' OR 1=1 --","reported_at":"2022-05-01T10:00:00+08:00"}"#,
        ),
        point(
            "112.2",
            "31.03",
            r#"{"kind":"dispute","reported_at":"yesterday"}"#,
        ),
        point(
            "112.2",
            "31.03",
            r#"{"kind":"dispute","reported_at":"2022-02-30T10:00:00+08:00"}"#,
        ),
        point(
            "112.2",
            "31.03",
            r#"{"kind":"dispute","reported_at":"2022-05-01T10:00:00+08:00","status":"lost"}"#,
        ),
        point(
            "112.2",
            "31.03",
            r#"{"kind":"dispute","reported_at":"2022-05-01T10:00:00+08:00","source":"rumour"}"#,
        ),
        point(
            "112.2",
            "31.03",
            r#"{"kind":"dispute","reported_at":"2022-05-01T10:00:00+08:00","colour":"red"}"#,
        ),
        point(
            "112.2",
            "31.03",
            r#"{"kind":"dispute","reported_at":"2022-05-01T10:00:00+08:00","status":"resolved","resolved_at":"2022-04-01T10:00:00+08:00"}"#,
        ),
        point("200", "31.03", GOOD_PROPS),
        point("112.2", "95", GOOD_PROPS),
        point("-181", "0", GOOD_PROPS),
        point("\"NaN\"", "31.03", GOOD_PROPS),
        point("null", "31.03", GOOD_PROPS),
        point("112.2", "31.03", r#""properties as a string""#),
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[112.2]}},"properties":{GOOD_PROPS}}}"#
        ),
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[112.2,31.0],[112.3,31.1]]}},"properties":{GOOD_PROPS}}}"#
        ),
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[[[112.2,31.0],[112.3,31.1],[112.2,31.1],[112.2,31.0]]]}},"properties":{GOOD_PROPS}}}"#
        ),
        format!(r#"{{"type":"Feature","geometry":null,"properties":{GOOD_PROPS}}}"#),
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Circle","coordinates":[112.2,31.0]}},"properties":{GOOD_PROPS}}}"#
        ),
        format!(
            r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
            point("112.2", "31.03", GOOD_PROPS),
            point("999", "31.03", GOOD_PROPS)
        ),
    ] {
        cases.push(post(incidents, json, body).expect(422));
    }
    // The whole batch must be one size too many.
    let big = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        vec![point("112.2", "31.03", GOOD_PROPS); 120_000].join(",")
    );
    cases.push(post(incidents, json, big).expect(413));
    // Incidents as CSV.
    let csv = "text/csv";
    for body in [
        "",
        "lon,lat\n112.2,31.03\n",
        "lon,lat,kind,reported_at\n112.2,31.03,bank,2022-05-01T10:00:00+08:00\n",
        "lon,lat,kind,reported_at\nabc,31.03,dispute,2022-05-01T10:00:00+08:00\n",
        "lon,lat,kind,reported_at\nNaN,31.03,dispute,2022-05-01T10:00:00+08:00\n",
        "lon,lat,kind,reported_at\n112.2,931.03,dispute,2022-05-01T10:00:00+08:00\n",
        "lon,lat,kind,reported_at\n112.2,31.03,dispute,not a date\n",
        "lon,lat,kind,reported_at\n112.2,31.03,dispute\n",
        "lon,lat,kind,reported_at,colour\n112.2,31.03,dispute,2022-05-01T10:00:00+08:00,red\n",
        "\"lon,lat\n112.2,31.03\n",
        "lon,lat,kind,reported_at\n112.2,31.03,dispute,2022-05-01T10:00:00+08:00\n112.2,31.03,\"dispute';DROP TABLE incidents;--\",2022-05-01T10:00:00+08:00\n",
    ] {
        // CSV has no syntax to break but its columns and values: every case is a 422.
        cases.push(post(incidents, csv, body).expect(422));
    }
    // Wrong content types, tokens and methods on the write paths.
    cases.push(post(incidents, "text/plain", point("112.2", "31.03", GOOD_PROPS)).expect(415));
    cases.push(post(incidents, "application/xml", "<a/>").expect(415));
    cases.push(
        post(incidents, json, point("112.2", "31.03", GOOD_PROPS))
            .token(None)
            .expect(401),
    );
    cases.push(
        post(incidents, json, point("112.2", "31.03", GOOD_PROPS))
            .token(Some("view-token"))
            .expect(403),
    );
    cases.push(
        post(incidents, json, point("112.2", "31.03", GOOD_PROPS))
            .token(Some("forged-token"))
            .expect(401),
    );
    cases.push(post(incidents, json, "{}").method("PUT").expect(405));
    cases.push(post(incidents, json, "{}").method("DELETE").expect(405));
    // Patching incidents.
    cases.push(
        post(
            "/api/v1/incidents/99999999",
            "application/json",
            r#"{"status":"resolved"}"#,
        )
        .method("PATCH")
        .expect(404),
    );
    for (path, body) in [
        ("/api/v1/incidents/abc", r#"{"status":"resolved"}"#),
        ("/api/v1/incidents/1", r#"{"status":"lost"}"#),
        ("/api/v1/incidents/1", "{"),
        ("/api/v1/incidents/1", r#"{"colour":"red"}"#),
        ("/api/v1/incidents/1", r#"{"resolved_at":"yesterday"}"#),
    ] {
        cases.push(post(path, "application/json", body).method("PATCH"));
    }
    // Tracks as GeoJSON and GPX.
    let tracks = "/api/v1/patrol/tracks";
    let gpx = "application/gpx+xml";
    for body in [
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.2,31.03]},"properties":{"route_id":1,"times":["2022-01-01T10:00:00+08:00"]}}"#,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[112.2,31.03],[112.21,31.04]]},"properties":{"route_id":1}}"#,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[112.2,31.03],[112.21,31.04]]},"properties":{"route_id":1,"times":["2022-01-01T10:00:00+08:00"]}}"#,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[112.2,31.03],[112.21,31.04]]},"properties":{"route_id":1,"times":["2022-01-01T10:05:00+08:00","2022-01-01T10:00:00+08:00"]}}"#,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[112.2,31.03],[112.21,31.04]]},"properties":{"route_id":999999,"times":["2022-01-01T10:00:00+08:00","2022-01-01T10:05:00+08:00"]}}"#,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[112.2,31.03],[512.21,31.04]]},"properties":{"route_id":1,"times":["2022-01-01T10:00:00+08:00","2022-01-01T10:05:00+08:00"]}}"#,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[112.2,31.03],[112.21,31.04]]},"properties":{"times":["2022-01-01T10:00:00+08:00","2022-01-01T10:05:00+08:00"]}}"#,
    ] {
        cases.push(post(tracks, json, body).expect(422));
    }
    cases.push(post(tracks, json, "["));
    for body in [
        "<gpx>",
        "<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"31.03\" lon=\"112.2\"><time>never</time></trkpt><trkpt lat=\"31.04\" lon=\"112.21\"><time>never</time></trkpt></trkseg></trk></gpx>",
        "<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"931.03\" lon=\"112.2\"><time>2022-01-01T02:00:00Z</time></trkpt><trkpt lat=\"31.04\" lon=\"112.21\"><time>2022-01-01T02:05:00Z</time></trkpt></trkseg></trk></gpx>",
        "<?xml version=\"1.0\"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><gpx version=\"1.1\"><trk><name>&xxe;</name><trkseg><trkpt lat=\"31.03\" lon=\"112.2\"><time>2022-01-01T02:00:00Z</time></trkpt><trkpt lat=\"31.04\" lon=\"112.21\"><time>2022-01-01T02:05:00Z</time></trkpt></trkseg></trk></gpx>",
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><gpx><trk><name>&lol2;</name></trk></gpx>",
        "not xml at all",
    ] {
        cases.push(post(&format!("{tracks}?route_id=1"), gpx, body));
    }
    // Well-formed GPX without what a track needs: a time per point, a route or community.
    cases.push(
        post(
            &format!("{tracks}?route_id=1"),
            gpx,
            "<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"31.03\" lon=\"112.2\"/></trkseg></trk></gpx>",
        )
        .expect(422),
    );
    cases.push(post(tracks, gpx, "<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"31.03\" lon=\"112.2\"><time>2022-01-01T02:00:00Z</time></trkpt><trkpt lat=\"31.04\" lon=\"112.21\"><time>2022-01-01T02:05:00Z</time></trkpt></trkseg></trk></gpx>").expect(422));
    // Resources.
    for body in [
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.2,31.03]},"properties":{"kind":"spaceport","name":"x"}}"#,
        r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[112.2,31.0],[112.3,31.1],[112.2,31.1],[112.2,31.0]]]},"properties":{"kind":"clinic","name":"x"}}"#,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[412.2,31.03]},"properties":{"kind":"clinic","name":"x"}}"#,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.2,31.03]},"properties":{}}"#,
    ] {
        cases.push(post("/api/v1/resources", json, body).expect(422));
    }
    cases.push(post("/api/v1/resources", json, "{"));
    // Batch nearest and site proposals.
    let many = format!(
        r#"{{"points":[{}]}}"#,
        vec![r#"{"id":1,"lon":112.2,"lat":31.03}"#; 10_001].join(",")
    );
    for body in [
        "{".to_owned(),
        "[]".to_owned(),
        r#"{"points":[]}"#.to_owned(),
        r#"{"points":[{"id":1,"lon":"NaN","lat":31.03}]}"#.to_owned(),
        r#"{"points":[{"id":1,"lon":112.2}]}"#.to_owned(),
        r#"{"points":[{"id":1,"lon":112.2,"lat":31.03}],"k":0}"#.to_owned(),
        r#"{"points":[{"id":1,"lon":112.2,"lat":31.03}],"kind":"bank"}"#.to_owned(),
        many,
    ] {
        cases.push(post("/api/v1/nearest", "application/json", body));
    }
    for body in [
        "{",
        r#"{"kind":"spaceport","k":3}"#,
        r#"{"kind":"service_complex","k":0}"#,
        r#"{"kind":"service_complex","k":1000000}"#,
        r#"{"kind":"service_complex","k":3,"threshold_m":-1}"#,
        r#"{"kind":"service_complex","k":3,"objective":"happiness"}"#,
        r#"{"kind":"service_complex","k":3,"candidates":[[400,100]]}"#,
    ] {
        cases.push(post("/api/v1/access/sites", "application/json", body));
    }
    cases.push(post("/api/v1/access/sites", "text/plain", "k=3").expect(415));
    // Wrong methods on read paths.
    for (method, path) in [
        ("POST", "/api/v1/hexbins"),
        ("DELETE", "/api/v1/hotspots"),
        ("PUT", "/ogc/collections"),
        ("POST", "/ogc/collections/incidents/items/1"),
        ("DELETE", "/tiles/grids/13/6649/3352.mvt"),
        ("POST", "/healthz"),
        ("PATCH", "/api/v1/patrol/teams"),
        ("GET", "/api/v1/access/sites"),
    ] {
        cases.push(get(path).method(method).expect(405));
    }
    cases
}

/// A writable server over a fresh GeoPackage store.
fn server() -> (AppState, Arc<GpkgStore>) {
    common::writable("bad-input", Tokens::parse_plain(TOKENS).unwrap().into())
}

fn sizes(e: &Engine) -> [usize; 5] {
    [
        e.incidents.len(),
        e.patrol_tracks.len(),
        e.resources.len(),
        e.buildings.len(),
        e.version as usize,
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_request_gets_a_problem_and_changes_nothing() {
    let (state, store) = server();
    let before = sizes(&state.engine());
    let cases = corpus();
    assert!(cases.len() >= 200, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let auth = case.token.map(|t| format!("Bearer {t}"));
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(ct) = case.content_type {
            headers.push(("content-type", ct));
        }
        if let Some(a) = &auth {
            headers.push(("authorization", a));
        }
        let reply = request_with_headers(
            state.clone(),
            case.method,
            &case.path,
            case.body.as_deref(),
            &headers,
        )
        .await;
        let status = reply.status.as_u16();
        // The status pinned, and a problem that says the same: its `status`, the status's
        // own title, a detail; a 404 from a handler, never the router's "no resource at".
        let detail = reply.json["detail"].as_str().unwrap_or_default();
        let right = status == case.status
            && reply.json["status"].as_u64() == Some(u64::from(status))
            && reply.json["title"].as_str() == reply.status.canonical_reason()
            && reply.json["type"] == "about:blank"
            && !detail.is_empty()
            && !(status == 404 && detail.starts_with("no resource at"));
        if !right || reply.content_type != "application/problem+json" {
            wrong.push(format!(
                "{} {} {:?}: {status} (expected {}) {} {}",
                case.method,
                case.path.chars().take(120).collect::<String>(),
                case.body
                    .as_deref()
                    .map(|b| b.chars().take(80).collect::<String>()),
                case.status,
                reply.content_type,
                reply.json.to_string().chars().take(160).collect::<String>()
            ));
        }
        assert_eq!(
            sizes(&state.engine()),
            before,
            "{} {} {:?} changed the data: {status}",
            case.method,
            case.path,
            case.body
                .as_deref()
                .map(|b| b.chars().take(200).collect::<String>())
        );
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases answered wrongly:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    // Healthy after all of it, and nothing reached the store.
    let health = common::request_to(state.clone(), "GET", "/readyz", None).await;
    assert_eq!(health.status, StatusCode::OK);
    let stored = store.load().await.unwrap();
    assert_eq!(stored.incidents.len(), before[0]);
    assert_eq!(stored.patrol_tracks.len(), before[1]);
    assert_eq!(stored.resources.len(), before[2]);
    eprintln!(
        "{} bad requests, each a 4xx problem, nothing stored",
        cases.len()
    );
}
