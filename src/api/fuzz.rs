//! Entry points for the fuzz targets in `fuzz/` and for `tests/fuzz_regressions.rs`, which
//! replays the inputs they found: each takes arbitrary bytes and must return (an answer or an
//! error) without panicking. Not part of the API.

use crate::index::Engine;
use crate::model::datum::Datum;

use super::QueryParams;
use super::v1::filters::Filters;
use super::v1::ingest::{incidents, resources, tracks};

/// The write path's JSON bodies: incidents, a resource, a track.
pub fn geojson(data: &[u8], engine: &Engine) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = incidents::from_geojson(&value, Datum::Gcj02, 1_700_000_000);
    let _ = resources::from_geojson(&value, Datum::Bd09);
    let _ = tracks::from_geojson(&value, Datum::Wgs84, &QueryParams::default(), engine);
    let _ = incidents::status_change(&value);
}

/// CSV incident batches.
pub fn csv(data: &[u8]) {
    let _ = incidents::from_csv(data, Datum::Wgs84, 1_700_000_000);
}

/// GPX tracks (with the owner given in the query, as clients send it).
pub fn gpx(data: &[u8], engine: &Engine) {
    let params = QueryParams::parse(Some("community_id=1")).unwrap_or_default();
    let _ = tracks::from_gpx(data, Datum::Wgs84, &params, engine);
}

/// Query strings: the analytics filters (kinds, dates, ids, bbox), OGC datetime and bbox.
pub fn query(data: &[u8], engine: &Engine) {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(params) = QueryParams::parse(Some(raw)) {
        let _ = Filters::parse(engine, &params, &["res", "k", "step"]);
        let _ = params.integer("limit", 10, 1..=10_000);
    }
    let _ = crate::model::Period::parse_ogc(raw);
    let _ = raw.parse::<crate::model::Bbox>();
    let _ = crate::model::parse_instant(raw);
}

/// Tile paths: `{layers}/{z}/{x}/{y}.mvt`.
pub fn tile_path(data: &[u8]) {
    let Ok(path) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = path.rsplitn(4, '/');
    let (Some(y), Some(x), Some(z), Some(names)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let _ = super::tiles::layers(names);
    if let Some(y) = y.strip_suffix(".mvt") {
        let _ = crate::tiles::tile::TileId::parse(z, x, y);
    }
}

/// The dataset reader: the bytes as a GeoJSON layer file, and each line as an incident row.
pub fn dataset(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.lines() {
            let _ = crate::geodata::files::parse_incident_row(line);
        }
    }
    let dir = std::env::temp_dir().join(format!(
        "gridwatch-fuzz-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    if std::fs::create_dir_all(&dir).is_ok()
        && std::fs::write(dir.join("districts.geojson"), data).is_ok()
    {
        let _ = crate::geodata::read_dir(&dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
