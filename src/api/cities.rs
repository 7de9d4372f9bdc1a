//! Many cities in one process: `GET /cities` lists them, and every path of the one-city
//! application is also served under `/cities/{code}/` for each (the unprefixed paths are the
//! first city's, so nothing that worked before breaks). A code this process does not serve is a
//! 404 that names the ones it does.
//!
//! Each city is its own [`AppState`] (its live dataset, store, answer cache and study areas);
//! the tile caches and the analytics slots are shared, since the memory and the cores are.
//! Links an answer writes (OGC, TileJSON, the style, the web map's base) carry the city's
//! prefix through `X-Forwarded-Prefix`, which a proxy in front may also set.

use axum::Json;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use super::{ApiError, AppState, app};
use crate::model::CityCode;

/// The header carrying the path prefix an application is served under.
pub const PREFIX_HEADER: &str = "x-forwarded-prefix";

/// The prefix a request was served under: `X-Forwarded-Prefix` when it is a clean absolute
/// path (`/`, letters, digits, `-`, `_`, `.`), else none.
#[must_use]
pub fn prefix(headers: &HeaderMap) -> String {
    headers
        .get(PREFIX_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|p| p.trim_end_matches('/'))
        .filter(|p| {
            p.starts_with('/')
                && !p.contains("//")
                && !p.contains("..")
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b))
        })
        .unwrap_or_default()
        .to_owned()
}

/// The cities a process serves, in order, as each city's state knows them (weakly: the
/// states own each other's lists).
#[derive(Default)]
pub struct Served(std::sync::RwLock<Vec<std::sync::Weak<super::state::Shared>>>);

impl Served {
    /// The cities, in order (the first is the unprefixed one); just this one before
    /// [`app_of`] names the others.
    pub(in crate::api) fn all(&self, me: &AppState) -> Vec<AppState> {
        let listed: Vec<AppState> = self
            .0
            .read()
            .map(|l| l.iter().filter_map(AppState::upgrade).collect())
            .unwrap_or_default();
        if listed.is_empty() {
            vec![me.clone()]
        } else {
            listed
        }
    }
}

/// Every city's application under `/cities/{code}`, the first's also unprefixed. The
/// routes themselves (`/cities`, the 404 of a city not served) are rows of
/// [`super::routes::ENDPOINTS`] in every city's application.
///
/// # Panics
/// With no city (the caller checks).
pub fn app_of(cities: &[AppState]) -> Router {
    let first = cities.first().expect("at least one city").clone();
    let weak: Vec<_> = cities.iter().map(AppState::downgrade).collect();
    for s in cities {
        if let Ok(mut list) = s.cities.0.write() {
            list.clone_from(&weak);
        }
    }
    let mut router = Router::new();
    for s in cities {
        let code = s.engine().city.code;
        let under = format!("/cities/{code}");
        let city = app(s.clone()).layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let under = under.clone();
                async move { add_prefix(request, next, &under).await }
            },
        ));
        router = router.nest_service(&format!("/cities/{code}"), city);
    }
    router.fallback_service(app(first))
}

/// Appends `under` to the request's prefix, so links the city writes point into it.
async fn add_prefix(mut request: Request, next: Next, under: &str) -> Response {
    let full = format!("{}{under}", prefix(request.headers()));
    if let Ok(value) = HeaderValue::from_str(&full) {
        request.headers_mut().insert(PREFIX_HEADER, value);
    }
    next.run(request).await
}

/// One city as `GET /cities` lists it.
#[derive(Serialize)]
struct CityOut {
    code: CityCode,
    name: String,
    /// West, south, east, north (WGS 84) of its districts.
    bbox: Option<[f64; 4]>,
    /// Where a map of it opens: the middle of its central city's communities.
    centre: Option<[f64; 2]>,
    counts: Counts,
    /// Its web map and OGC landing page.
    links: Vec<Link>,
}

#[derive(Serialize)]
struct Counts {
    districts: usize,
    communities: usize,
    grids: usize,
    buildings: usize,
    resources: usize,
    incidents: usize,
}

#[derive(Serialize)]
struct Link {
    href: String,
    rel: &'static str,
}

/// `GET /cities`: the cities this process serves, the first being the unprefixed one.
pub(super) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Json<serde_json::Value> {
    let base = format!(
        "{}{}",
        super::ogc::host_url(&headers),
        root(&prefix(&headers))
    );
    let served = state.cities.all(&state);
    let cities: Vec<CityOut> = served
        .iter()
        .map(|c| {
            let engine = c.engine();
            let city = engine.city.as_ref();
            let href = format!("{base}/cities/{}", city.code);
            CityOut {
                code: city.code,
                name: city.name.clone(),
                bbox: engine
                    .districts
                    .extent()
                    .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]),
                centre: centre(&engine),
                counts: Counts {
                    districts: engine.districts.len(),
                    communities: engine.communities.len(),
                    grids: engine.grids.len(),
                    buildings: engine.buildings.len(),
                    resources: engine.resources.len(),
                    incidents: engine.incidents.len(),
                },
                links: vec![
                    Link {
                        href: format!("{href}/"),
                        rel: "alternate",
                    },
                    Link {
                        href: format!("{href}/ogc"),
                        rel: "service",
                    },
                ],
            }
        })
        .collect();
    Json(serde_json::json!({
        "default": served.first().map(|c| c.engine().city.code),
        "cities": cities,
    }))
}

/// `prefix` without a city's `/cities/{code}` at its end: where the cities' list is.
#[must_use]
pub fn root(prefix: &str) -> &str {
    match prefix.rsplit_once("/cities/") {
        Some((root, code)) if code.parse::<CityCode>().is_ok() => root,
        _ => prefix,
    }
}

/// The middle of the communities of the central city's districts (of every district when none
/// is marked central).
fn centre(engine: &crate::index::Engine) -> Option<[f64; 2]> {
    use geo::BoundingRect;
    let central: Vec<u64> = engine
        .districts
        .items()
        .iter()
        .filter(|d| d.central_city)
        .map(|d| d.id)
        .collect();
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for r in engine
        .communities
        .items()
        .iter()
        .filter(|c| central.is_empty() || central.contains(&c.district_id))
        .filter_map(|c| c.geometry.bounding_rect())
    {
        min = [min[0].min(r.min().x), min[1].min(r.min().y)];
        max = [max[0].max(r.max().x), max[1].max(r.max().y)];
    }
    min[0]
        .is_finite()
        .then(|| [f64::midpoint(min[0], max[0]), f64::midpoint(min[1], max[1])])
}

/// A city code this process does not serve (or not a code at all).
pub(super) async fn unknown(State(state): State<AppState>, request: Request) -> ApiError {
    let served: Vec<String> = state
        .cities
        .all(&state)
        .iter()
        .map(|c| {
            let engine = c.engine();
            format!("{} ({})", engine.city.code, engine.city.name)
        })
        .collect();
    let asked = request
        .uri()
        .path()
        .trim_start_matches("/cities/")
        .split('/')
        .next()
        .unwrap_or_default()
        .chars()
        .take(16)
        .collect::<String>();
    ApiError::NotFound(format!(
        "this process does not serve city `{asked}`; it serves {}",
        served.join(", ")
    ))
}
