//! Incoming incidents: GeoJSON Features or a FeatureCollection, or CSV with a header row.
//! Every row is checked before anything is written; the first bad one is a 422 naming the row
//! and the field. Grid and community are never read: the server derives them. The personal
//! fields (`reporter_name`, `reporter_phone`, `note`) are checked and go to the store only.

use serde_json::{Map, Value};

use crate::api::ApiError;
use crate::model::datum::Datum;
use crate::model::{
    Incident, IncidentSource, IncidentStatus, LonLat, Occurred, Personal, parse_instant,
};

/// The properties an incoming incident may carry.
const FIELDS: [&str; 10] = [
    "kind",
    "reported_at",
    "status",
    "resolved_at",
    "source",
    "occurred_from",
    "occurred_to",
    "reporter_name",
    "reporter_phone",
    "note",
];

/// An incoming incident with its personal fields.
pub type Reported = (Incident, Option<Personal>);

/// The longest reporter name, phone number and note accepted, in characters.
const MAX_NAME: usize = 100;
const MAX_PHONE: usize = 32;
const MAX_NOTE: usize = 2_000;
/// How far in the future a report may be dated (clock skew between devices).
const MAX_CLOCK_SKEW_S: i64 = 600;
/// The most incidents one request may carry.
pub const MAX_BATCH: usize = 50_000;

/// A 422 about `field` of row `row` (1-based).
fn invalid(row: usize, field: &str, detail: impl std::fmt::Display) -> ApiError {
    ApiError::Unprocessable(format!("row {row}, `{field}`: {detail}"))
}

/// Checks and converts one position.
fn position(row: usize, lon: f64, lat: f64, datum: Datum) -> Result<(f64, f64), ApiError> {
    if !LonLat::is_lon(lon) {
        return Err(invalid(
            row,
            "lon",
            format!("{lon} is not a longitude in -180..180"),
        ));
    }
    if !LonLat::is_lat(lat) {
        return Err(invalid(
            row,
            "lat",
            format!("{lat} is not a latitude in -90..90"),
        ));
    }
    Ok(datum.to_wgs84(lon, lat))
}

/// One incident from its fields (`get` answers a field's text, if present).
fn incident(
    row: usize,
    lon: f64,
    lat: f64,
    get: &dyn Fn(&str) -> Option<String>,
    datum: Datum,
    now: i64,
) -> Result<Reported, ApiError> {
    let (lon, lat) = position(row, lon, lat, datum)?;
    let required = |field: &str| {
        get(field)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| invalid(row, field, "is required"))
    };
    let kind = required("kind")?
        .trim()
        .parse()
        .map_err(|e| invalid(row, "kind", e))?;
    let reported_at =
        parse_instant(&required("reported_at")?).map_err(|e| invalid(row, "reported_at", e))?;
    if reported_at > now + MAX_CLOCK_SKEW_S {
        return Err(invalid(row, "reported_at", "is in the future"));
    }
    let status: IncidentStatus = match get("status").filter(|s| !s.trim().is_empty()) {
        Some(s) => s.trim().parse().map_err(|e| invalid(row, "status", e))?,
        None => IncidentStatus::Open,
    };
    let source: IncidentSource = required("source")?
        .trim()
        .parse()
        .map_err(|e| invalid(row, "source", e))?;
    let resolved_at = get("resolved_at")
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_instant(&s).map_err(|e| invalid(row, "resolved_at", e)))
        .transpose()?;
    match (status, resolved_at) {
        (IncidentStatus::Resolved, None) => {
            return Err(invalid(
                row,
                "resolved_at",
                "is required when the status is resolved",
            ));
        }
        (IncidentStatus::Open | IncidentStatus::Assigned, Some(_)) => {
            return Err(invalid(
                row,
                "resolved_at",
                "is only for resolved incidents",
            ));
        }
        (_, Some(t)) if t < reported_at => {
            return Err(invalid(row, "resolved_at", "is before reported_at"));
        }
        (_, Some(t)) if t > now + MAX_CLOCK_SKEW_S => {
            return Err(invalid(row, "resolved_at", "is in the future"));
        }
        _ => {}
    }
    let occurred = occurred(row, get, reported_at)?;
    let personal = personal(row, get)?;
    Ok((
        Incident {
            id: 0,
            lon,
            lat,
            kind,
            reported_at,
            status,
            resolved_at,
            source,
            occurred,
            handling: None,
        },
        (!personal.is_empty()).then_some(personal),
    ))
}

/// The window the incident happened in: both ends or neither, `from ≤ to ≤ reported_at`.
fn occurred(
    row: usize,
    get: &dyn Fn(&str) -> Option<String>,
    reported_at: i64,
) -> Result<Option<Occurred>, ApiError> {
    let instant = |field: &str| {
        get(field)
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_instant(&s).map_err(|e| invalid(row, field, e)))
            .transpose()
    };
    match (instant("occurred_from")?, instant("occurred_to")?) {
        (None, None) => Ok(None),
        (Some(from), Some(to)) => Occurred::new(from, to, reported_at)
            .map(Some)
            .map_err(|e| invalid(row, "occurred_from", e)),
        (None, Some(_)) => Err(invalid(
            row,
            "occurred_from",
            "is required with occurred_to",
        )),
        (Some(_), None) => Err(invalid(
            row,
            "occurred_to",
            "is required with occurred_from",
        )),
    }
}

/// The personal fields, checked: bounded lengths, no control characters (a note may hold line
/// breaks), a phone number of digits, spaces and `+-()`.
fn personal(row: usize, get: &dyn Fn(&str) -> Option<String>) -> Result<Personal, ApiError> {
    let field = |name: &str, max: usize, newlines: bool| -> Result<Option<String>, ApiError> {
        let Some(value) = get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
        else {
            return Ok(None);
        };
        if value.chars().count() > max {
            return Err(invalid(
                row,
                name,
                format!("is longer than {max} characters"),
            ));
        }
        if value
            .chars()
            .any(|c| c.is_control() && !(newlines && (c == '\n' || c == '\r' || c == '\t')))
        {
            return Err(invalid(row, name, "holds control characters"));
        }
        Ok(Some(value))
    };
    let reporter_phone = field("reporter_phone", MAX_PHONE, false)?;
    if let Some(phone) = &reporter_phone
        && (!phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
            || phone.chars().filter(char::is_ascii_digit).count() < 3)
    {
        return Err(invalid(
            row,
            "reporter_phone",
            "must be digits, with spaces, +, - and parentheses",
        ));
    }
    Ok(Personal {
        reporter_name: field("reporter_name", MAX_NAME, false)?,
        reporter_phone,
        note: field("note", MAX_NOTE, true)?,
    })
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn feature(row: usize, f: &Value, datum: Datum, now: i64) -> Result<Reported, ApiError> {
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(invalid(row, "type", "expected a GeoJSON Feature"));
    }
    let geometry = f
        .get("geometry")
        .filter(|g| !g.is_null())
        .ok_or_else(|| invalid(row, "geometry", "is required"))?;
    if geometry.get("type").and_then(Value::as_str) != Some("Point") {
        return Err(invalid(row, "geometry", "must be a Point"));
    }
    let coords = geometry
        .get("coordinates")
        .and_then(Value::as_array)
        .filter(|c| c.len() == 2 || c.len() == 3);
    let (lon, lat) = coords
        .and_then(|c| Some((c[0].as_f64()?, c[1].as_f64()?)))
        .ok_or_else(|| invalid(row, "geometry", "coordinates must be [longitude, latitude]"))?;
    let empty = Map::new();
    let props = match f.get("properties") {
        Some(Value::Object(p)) => p,
        None | Some(Value::Null) => &empty,
        Some(_) => return Err(invalid(row, "properties", "must be an object")),
    };
    if let Some(unknown) = props.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(invalid(
            row,
            unknown,
            "is not an incident field (grid and community are derived by the server); send only kind, reported_at, status, resolved_at, source, occurred_from, occurred_to, reporter_name, reporter_phone, note",
        ));
    }
    incident(row, lon, lat, &|k| props.get(k).and_then(text), datum, now)
}

/// Incidents from a GeoJSON Feature or FeatureCollection.
///
/// # Errors
/// 400 for something that is not one of those; 422 for a bad feature (named by its 1-based
/// position) or an empty or oversize batch.
pub fn from_geojson(body: &Value, datum: Datum, now: i64) -> Result<Vec<Reported>, ApiError> {
    let features: Vec<&Value> = match body.get("type").and_then(Value::as_str) {
        Some("Feature") => vec![body],
        Some("FeatureCollection") => body
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                ApiError::BadRequest("a FeatureCollection needs a `features` array".into())
            })?
            .iter()
            .collect(),
        _ => {
            return Err(ApiError::BadRequest(
                "expected a GeoJSON Feature or FeatureCollection".into(),
            ));
        }
    };
    check_size(features.len())?;
    features
        .iter()
        .enumerate()
        .map(|(i, f)| feature(i + 1, f, datum, now))
        .collect()
}

fn check_size(n: usize) -> Result<(), ApiError> {
    if n == 0 {
        return Err(ApiError::Unprocessable(
            "the batch holds no incidents".into(),
        ));
    }
    if n > MAX_BATCH {
        return Err(ApiError::PayloadTooLarge(format!(
            "{n} incidents in one batch; send at most {MAX_BATCH}"
        )));
    }
    Ok(())
}

/// Incidents from CSV with a header row naming `lon`, `lat`, `kind`, `reported_at`, `source`
/// and optionally `status`, `resolved_at` and the personal fields.
///
/// # Errors
/// 422 for a missing or unknown column or a bad row (1-based, not counting the header).
pub fn from_csv(body: &[u8], datum: Datum, now: i64) -> Result<Vec<Reported>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::BadRequest(format!("the CSV header cannot be read: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    if let Some(unknown) = header
        .iter()
        .find(|h| !FIELDS.contains(&h.as_str()) && *h != "lon" && *h != "lat")
    {
        return Err(ApiError::Unprocessable(format!(
            "column `{unknown}` is not an incident field; use lon, lat, kind, reported_at, source, status, resolved_at, occurred_from, occurred_to, reporter_name, reporter_phone, note"
        )));
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(lon_at), Some(lat_at)) = (column("lon"), column("lat")) else {
        return Err(ApiError::Unprocessable(
            "the CSV needs `lon` and `lat` columns".into(),
        ));
    };
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = record.map_err(|e| ApiError::Unprocessable(format!("row {row}: {e}")))?;
        let number = |at: usize, field: &str| -> Result<f64, ApiError> {
            record
                .get(at)
                .unwrap_or_default()
                .parse()
                .map_err(|_| invalid(row, field, "is not a number"))
        };
        let (lon, lat) = (number(lon_at, "lon")?, number(lat_at, "lat")?);
        let get = |field: &str| {
            column(field)
                .and_then(|at| record.get(at))
                .map(str::to_owned)
        };
        out.push(incident(row, lon, lat, &get, datum, now)?);
        if out.len() > MAX_BATCH {
            break;
        }
    }
    check_size(out.len())?;
    Ok(out)
}

/// A status change: `{"status": ..., "resolved_at": ...}`.
///
/// # Errors
/// 400 for anything else.
pub fn status_change(body: &Value) -> Result<(IncidentStatus, Option<i64>), ApiError> {
    let object = body
        .as_object()
        .ok_or_else(|| ApiError::BadRequest("expected a JSON object".into()))?;
    if let Some(unknown) = object
        .keys()
        .find(|k| *k != "status" && *k != "resolved_at")
    {
        return Err(ApiError::BadRequest(format!(
            "`{unknown}` cannot be changed; send status and resolved_at"
        )));
    }
    let status = object
        .get("status")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::BadRequest("`status` is required".into()))?
        .parse()?;
    let resolved_at = object
        .get("resolved_at")
        .and_then(Value::as_str)
        .map(parse_instant)
        .transpose()
        .map_err(|e| ApiError::BadRequest(format!("`resolved_at`: {e}")))?;
    Ok((status, resolved_at))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn point(props: &Value) -> Value {
        json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [112.2, 31.03] }, "properties": props })
    }

    #[test]
    fn a_valid_feature_becomes_an_open_incident() {
        let batch = from_geojson(&point(&json!({ "kind": "dispute", "reported_at": "2023-01-02T08:00:00+08:00", "source": "hotline" })), Datum::Wgs84, NOW).unwrap();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].0.status, IncidentStatus::Open);
        assert_eq!((batch[0].0.lon, batch[0].0.lat), (112.2, 31.03));
    }

    #[test]
    fn bad_rows_are_named_by_position_and_field() {
        let ok =
            point(&json!({ "kind": "dispute", "reported_at": "2023-01-02", "source": "patrol" }));
        let cases = [
            (
                json!({ "kind": "arson", "reported_at": "2023-01-02", "source": "patrol" }),
                "row 2, `kind`",
            ),
            (
                json!({ "kind": "dispute", "source": "patrol" }),
                "row 2, `reported_at`",
            ),
            (
                json!({ "kind": "dispute", "reported_at": "2023-01-02", "source": "patrol", "status": "resolved" }),
                "row 2, `resolved_at`",
            ),
            (
                json!({ "kind": "dispute", "reported_at": "2099-01-02", "source": "patrol" }),
                "row 2, `reported_at`",
            ),
            (
                json!({ "kind": "dispute", "reported_at": "2023-01-02", "source": "patrol", "grid_id": 4 }),
                "row 2, `grid_id`",
            ),
        ];
        for (props, expected) in cases {
            let body =
                json!({ "type": "FeatureCollection", "features": [ok.clone(), point(&props)] });
            let err = from_geojson(&body, Datum::Wgs84, NOW).unwrap_err();
            assert!(
                matches!(&err, ApiError::Unprocessable(d) if d.starts_with(expected)),
                "{err}"
            );
        }
        let nan = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [500.0, 31.0] }, "properties": {} });
        assert!(
            matches!(from_geojson(&nan, Datum::Wgs84, NOW), Err(ApiError::Unprocessable(d)) if d.contains("`lon`"))
        );
    }

    #[test]
    fn csv_rows_with_header() {
        let body = b"lon,lat,kind,reported_at,source,status,resolved_at\n112.2,31.03,dispute,2023-01-02T08:00:00+08:00,hotline,resolved,2023-01-02T10:00:00+08:00\n112.21,31.04,drainage,2023-01-03,grid_worker,,\n";
        let batch = from_csv(body, Datum::Wgs84, NOW).unwrap();
        assert_eq!(batch.len(), 2);
        assert_eq!(
            batch[0].0.resolved_at.unwrap() - batch[0].0.reported_at,
            7200
        );
        assert_eq!(batch[1].0.status, IncidentStatus::Open);
        let bad = b"lon,lat,kind,reported_at,source\n112.2,31.03,dispute,2023-01-02,hotline\n112.2,north,dispute,2023-01-02,hotline\n";
        assert!(
            matches!(from_csv(bad, Datum::Wgs84, NOW), Err(ApiError::Unprocessable(d)) if d.starts_with("row 2, `lat`"))
        );
    }

    #[test]
    fn gcj02_positions_are_moved_to_wgs84() {
        let (gx, gy) = crate::model::datum::wgs84_to_gcj02(112.2, 31.03);
        let f = json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [gx, gy] }, "properties": { "kind": "dispute", "reported_at": "2023-01-02", "source": "patrol" } });
        let batch = from_geojson(&f, Datum::Gcj02, NOW).unwrap();
        assert!((batch[0].0.lon - 112.2).abs() < 1e-7 && (batch[0].0.lat - 31.03).abs() < 1e-7);
    }
}
