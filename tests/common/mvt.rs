//! Fetching tiles in-process and decoding them with an independent reader: the protobuf
//! types, and the command stream decoded here.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use geozero::mvt::tile::{Layer, Value};
use geozero::mvt::{Message, Tile};
use gridwatch::api::{AppState, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Fetched {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

pub async fn fetch(state: &AppState, path: &str, headers: &[(&str, &str)]) -> Fetched {
    let mut request = Request::builder().uri(path).header("host", "test.local");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Fetched {
        status,
        headers,
        bytes,
    }
}

pub fn decode(bytes: &[u8]) -> BTreeMap<String, Layer> {
    Tile::decode(bytes)
        .unwrap()
        .layers
        .into_iter()
        .map(|l| (l.name.clone(), l))
        .collect()
}

/// The parts of a feature's geometry: each a list of tile coordinates (points: one part each).
pub fn parts(geometry: &[u32]) -> Vec<Vec<[i64; 2]>> {
    let zigzag = |v: u32| i64::from((v >> 1) as i32 ^ -((v & 1) as i32));
    let (mut out, mut cursor, mut i) = (Vec::new(), [0i64; 2], 0);
    while i < geometry.len() {
        let (id, count) = (geometry[i] & 7, geometry[i] >> 3);
        i += 1;
        match id {
            1 | 2 => {
                for _ in 0..count {
                    cursor = [
                        cursor[0] + zigzag(geometry[i]),
                        cursor[1] + zigzag(geometry[i + 1]),
                    ];
                    i += 2;
                    if id == 1 {
                        out.push(vec![cursor]);
                    } else {
                        out.last_mut().unwrap().push(cursor);
                    }
                }
            }
            7 => {}
            other => panic!("unknown command {other}"),
        }
    }
    out
}

pub fn properties(layer: &Layer, feature: usize) -> BTreeMap<String, Value> {
    let tags = &layer.features[feature].tags;
    tags.chunks(2)
        .map(|kv| {
            (
                layer.keys[kv[0] as usize].clone(),
                layer.values[kv[1] as usize].clone(),
            )
        })
        .collect()
}
