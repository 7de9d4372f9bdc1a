//! Callers for the who-sees-what tests: a writable server whose tokens include ones bound to a
//! community, requests as a given token, and places in two different communities.

#![allow(clippy::unwrap_used, reason = "test set-up fails loudly")]

use gridwatch::api::{Access, Anonymous, AppState, Tokens};
use serde_json::json;

use super::{Reply, engine, request_with_headers};

/// Two incidents' rows in different communities: (row, community id) each.
pub fn two_communities() -> ((usize, u64), (usize, u64)) {
    let e = engine();
    let a = (0..e.incidents.len())
        .find_map(|r| Some((r, e.community_of_incident(r)?)))
        .unwrap();
    let b = (0..e.incidents.len())
        .find_map(|r| Some((r, e.community_of_incident(r).filter(|&c| c != a.1)?)))
        .unwrap();
    (a, b)
}

/// Tokens: `op` (operator), `look` (viewer), and `mine` (operator) and `seer` (viewer) bound
/// to the first community of [`two_communities`].
pub fn access(anonymous: Anonymous) -> Access {
    let ((_, a), _) = two_communities();
    let spec = format!(
        "operator:op,viewer:look,operator:mine:communities={a},viewer:seer:communities={a}"
    );
    Access {
        anonymous,
        ..Tokens::parse_plain(&spec).unwrap().into()
    }
}

pub async fn call(
    state: &AppState,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/geo+json")];
    if let Some(a) = &auth {
        headers.push(("authorization", a));
    }
    request_with_headers(state.clone(), method, path, body, &headers).await
}

pub async fn get(state: &AppState, path: &str, token: Option<&str>) -> Reply {
    call(state, "GET", path, token, None).await
}

/// An incident at the place of incident `row`, with personal fields.
pub fn report_at(row: usize, name: &str) -> String {
    let i = engine().incidents.incident(row);
    json!({ "type": "Feature", "geometry": { "type": "Point", "coordinates": [i.lon, i.lat] },
            "properties": { "kind": "dispute", "reported_at": "2022-05-01T10:00:00+08:00", "source": "hotline",
                            "reporter_name": name, "reporter_phone": "138-0000-1234", "note": "楼道堆物，夜间吵闹" } })
    .to_string()
}

/// The slippy tile of a point at zoom `z`.
pub fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}
