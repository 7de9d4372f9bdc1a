//! End to end: the real binary serving the bundled data on a real socket, read by a plain
//! HTTP client, by GDAL's OGC API – Features driver (as QGIS and ogr2ogr use it) and by `OWSLib`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `gridwatch serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[expect(
    clippy::panic,
    reason = "a server that never gets ready fails the test that needs it"
)]
fn start_server() -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_gridwatch"))
        .args([
            "serve",
            "--read-only",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data",
        ])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let server = Server { child, port };
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if http_get(port, "/readyz").is_some_and(|(status, _)| status == 200) {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not become ready within 60 s");
}

/// A minimal HTTP/1.0 GET (the server then closes the connection after the body).
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

#[test]
fn the_binary_serves_the_bundled_city_over_http() {
    let server = start_server();
    let (status, body) = http_get(server.port, "/ogc/collections/grids/items?limit=1").unwrap();
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["numberMatched"], 866);
    let (status, body) =
        http_get(server.port, "/ogc/collections/grids/items?bbox=nonsense").unwrap();
    assert_eq!(status, 400);
    assert!(body.contains("\"status\":400"));
}

/// Whether `ogrinfo` is absent (then a GDAL test is skipped, unless `GRIDWATCH_REQUIRE_GDAL`
/// says it must run, as `scripts/test-all` does).
fn gdal_missing() -> bool {
    if Command::new("ogrinfo").arg("--version").output().is_ok() {
        return false;
    }
    assert!(
        std::env::var_os("GRIDWATCH_REQUIRE_GDAL").is_none(),
        "ogrinfo (gdal-bin) is required but missing"
    );
    eprintln!("skipped: ogrinfo (gdal-bin) is not installed; scripts/test-all installs it");
    true
}

/// GDAL's OAPIF driver lists every collection and reads every feature of the small ones.
#[test]
fn gdal_reads_every_collection() {
    if gdal_missing() {
        return;
    }
    let server = start_server();
    let url = format!("OAPIF:http://127.0.0.1:{}/ogc", server.port);
    let listing = Command::new("ogrinfo")
        .args(["-ro", "-q", &url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing.status.success(),
        "{}",
        String::from_utf8_lossy(&listing.stderr)
    );
    for layer in [
        "districts",
        "communities",
        "grids",
        "buildings",
        "resources",
        "incidents",
        "patrol_routes",
        "patrol_tracks",
    ] {
        assert!(text.contains(layer), "GDAL does not list {layer}:\n{text}");
    }
    for (layer, count) in [
        ("districts", 5),
        ("communities", 222),
        ("grids", 866),
        ("patrol_routes", 222),
    ] {
        let out = Command::new("ogrinfo")
            .args(["-ro", "-al", "-geom=NO", &url, layer])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{layer}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let features = text.matches("OGRFeature(").count();
        assert_eq!(features, count, "GDAL read {features} {layer}");
    }
}

/// `numberMatched` of an items query, asked over plain HTTP.
fn number_matched(port: u16, path: &str) -> u64 {
    let (status, body) = http_get(port, path).expect("the server answers");
    assert_eq!(status, 200, "{path}: {body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("items are JSON");
    json["numberMatched"]
        .as_u64()
        .expect("items carry numberMatched")
}

/// GDAL sends `-where` to the server as a CQL2 filter (its request log shows
/// `filter=…&filter-lang=cql-text`: the server's `/ogc/api` offers `cql-text`) and `-spat`
/// as a `bbox`, and reads the features the server's own property and bbox filters select.
#[test]
fn gdal_pushes_where_and_spat_to_the_server() {
    if gdal_missing() {
        return;
    }
    let server = start_server();
    let url = format!("OAPIF:http://127.0.0.1:{}/ogc", server.port);
    let run = |extra: &[&str]| {
        let out = Command::new("ogrinfo")
            .args([
                "-ro",
                "-al",
                "-q",
                "-geom=NO",
                "--config",
                "CPL_DEBUG",
                "ON",
                &url,
                "incidents",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout)
                .matches("OGRFeature(")
                .count() as u64,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (features, log) = run(&["-where", "kind = 'drainage' AND status = 'open'"]);
    let fetches: Vec<&str> = log.lines().filter(|l| l.contains("HTTP: Fetch(")).collect();
    assert!(
        fetches.iter().any(|l| l.contains("/items?")
            && l.contains("filter=")
            && l.contains("filter-lang=cql-text")),
        "GDAL did not send the filter:\n{}",
        fetches.join("\n")
    );
    let expected = number_matched(
        server.port,
        "/ogc/collections/incidents/items?kind=drainage&status=open&limit=1",
    );
    assert!(expected > 0);
    assert_eq!(features, expected);
    let (features, log) = run(&["-spat", "112.19", "31.02", "112.20", "31.03"]);
    assert!(
        log.lines()
            .any(|l| l.contains("HTTP: Fetch(") && l.contains("bbox=")),
        "GDAL did not send the bbox"
    );
    let expected = number_matched(
        server.port,
        "/ogc/collections/incidents/items?bbox=112.19,31.02,112.20,31.03&limit=1",
    );
    assert!(expected > 0);
    assert_eq!(features, expected);
}

/// GDAL's MVT driver reads a composite tile straight from the server, with typed fields.
#[test]
fn gdal_reads_a_vector_tile() {
    if gdal_missing() {
        return;
    }
    let server = start_server();
    let url = format!(
        "/vsicurl/http://127.0.0.1:{}/tiles/buildings,incidents/14/13298/6705.mvt",
        server.port
    );
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so", &url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Layer name: buildings") && text.contains("Layer name: incidents"),
        "{text}"
    );
    assert!(
        text.contains("households: Integer"),
        "integers stay integers: {text}"
    );
}

/// GDAL's MVT driver reads the tiles a collection's OGC API – Tiles tileset points at: the
/// tileset's templated `item` link, filled with a tile of its `tileMatrixSetLimits`. (GDAL's
/// own OGCAPI driver cannot open vector tilesets in Debian 12's build: its vector branch is
/// compiled out; see docs/reference.md.)
#[test]
fn gdal_reads_the_tiles_a_tileset_points_at() {
    if gdal_missing() {
        return;
    }
    let server = start_server();
    let (status, body) = http_get(
        server.port,
        "/ogc/collections/buildings/tiles/WebMercatorQuad",
    )
    .expect("the server answers");
    assert_eq!(status, 200, "{body}");
    let tileset: serde_json::Value = serde_json::from_str(&body).expect("a JSON tileset");
    let template = tileset["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["rel"] == "item" && l["type"] == "application/vnd.mapbox-vector-tile")
        .and_then(|l| l["href"].as_str())
        .expect("a templated MVT item link")
        .to_owned();
    let limits = tileset["tileMatrixSetLimits"]
        .as_array()
        .expect("limits")
        .iter()
        .find(|l| l["tileMatrix"] == "14")
        .expect("limits at zoom 14")
        .clone();
    // A tile of the central city, which the limits must hold.
    let (col, row) = (13_298_u64, 6_705_u64);
    let within = |key: &str| limits[key].as_u64().expect("a limit");
    assert!(
        (within("minTileCol")..=within("maxTileCol")).contains(&col),
        "{limits}"
    );
    assert!(
        (within("minTileRow")..=within("maxTileRow")).contains(&row),
        "{limits}"
    );
    let url = template
        .replace("{tileMatrix}", "14")
        .replace("{tileCol}", &col.to_string())
        .replace("{tileRow}", &row.to_string());
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so", &format!("/vsicurl/{url}")])
        .output()
        .expect("ogrinfo runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Layer name: buildings"), "{url}: {text}");
    assert!(text.contains("Feature Count: "), "{text}");
}

/// `OWSLib` (`owslib.ogcapi.features`, as its users call it) reads the incidents' queryables,
/// items filtered on a queryable and by a CQL2 `filter`, sorted items, and items in CGCS2000 / Gauss–Krüger CM 111°E, whose
/// coordinates equal pyproj's (`tests/fixtures/crs_reference.json`) within 1 mm. Skipped
/// without `OWSLib` unless `GRIDWATCH_REQUIRE_OWSLIB` is set (scripts/test-all installs it).
#[test]
fn owslib_reads_queryables_filtered_items_and_another_crs() {
    let probe = Command::new("python3")
        .args(["-c", "import owslib"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        assert!(
            std::env::var_os("GRIDWATCH_REQUIRE_OWSLIB").is_none(),
            "OWSLib is required here but not installed (pip install owslib)"
        );
        eprintln!("skipped: no OWSLib (pip install owslib)");
        return;
    }
    let server = start_server();
    let script = r#"
import json, sys
from owslib.ogcapi.features import Features
api = Features(sys.argv[1])
queryables = api.collection_queryables("incidents")
assert "criminal_case" in queryables["properties"]["kind"]["enum"], queryables
cases = api.collection_items("incidents", kind="criminal_case", limit=50)
assert len(cases["features"]) == 50, len(cases["features"])
assert all(f["properties"]["kind"] == "criminal_case" for f in cases["features"])
box = "S_INTERSECTS(geometry, BBOX(112.19, 31.02, 112.21, 31.04))"
cql = api.collection_items("incidents", filter=f"kind = 'criminal_case' AND {box}", limit=500)
assert 0 < cql["numberMatched"] <= 500, cql["numberMatched"]
for f in cql["features"]:
    x, y = f["geometry"]["coordinates"]
    assert f["properties"]["kind"] == "criminal_case" and 112.19 <= x <= 112.21 and 31.02 <= y <= 31.04
newest = api.collection_items("incidents", sortby=("reported_at", "desc"), limit=3)
times = [f["properties"]["reported_at"] for f in newest["features"]]
assert times == sorted(times, reverse=True), times
reference = json.load(open(sys.argv[2]))
gk = api.collection_items("incidents", limit=30, crs="http://www.opengis.net/def/crs/EPSG/0/4546")
expected = reference["projected"]["4546"]["incidents"]
assert len(gk["features"]) == len(expected)
for feature, (north, east) in zip(gk["features"], expected):
    x, y = feature["geometry"]["coordinates"]
    assert abs(x - north) < 1e-3 and abs(y - east) < 1e-3, (x, y, north, east)
print("OK")
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(format!("http://127.0.0.1:{}/ogc", server.port))
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/crs_reference.json"
        ))
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.contains("OK"), "{said}");
}
