//! `/ogc/collections/{id}/items` and `/items/{fid}`: selection (bbox, datetime, property
//! filters), paging (limit, offset, next link) and GeoJSON rendering.

use serde_json::{Map, Value, json};

use super::features::{FilterType, OgcFeature};
use crate::api::params::{Choice, Integer};
use crate::api::{ApiError, QueryParams};
use crate::index::{Engine, IncidentFilter, IncidentTable, Layer, NONE};
use crate::model::{Bbox, Period, format_local};

/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: u64 = 100;
/// The largest page; larger `limit`s are refused.
pub const MAX_LIMIT: u64 = 10_000;

/// `f`: the format (GeoJSON, whichever name).
pub const FORMAT: Choice = Choice {
    key: "f",
    names: &["json", "geojson"],
    default: "json",
    about: "format",
};

/// `limit`: the page size.
pub const LIMIT: Integer = Integer {
    key: "limit",
    default: DEFAULT_LIMIT,
    min: 1,
    max: MAX_LIMIT,
    about: "page size",
};
/// `offset`: the first feature of the page.
pub const OFFSET: Integer = Integer {
    key: "offset",
    default: 0,
    min: 0,
    max: u32::MAX as u64,
    about: "first feature",
};

const PAGING_KEYS: [&str; 7] = [
    "bbox", "bbox-crs", "limit", "offset", "datetime", "f", "crs",
];

/// A page of results before rendering.
pub struct Page {
    pub matched: usize,
    pub features: Vec<Value>,
}

/// The common paging and spatial/temporal parameters.
pub struct Common {
    pub limit: usize,
    pub offset: usize,
    pub bbox: Option<Bbox>,
    pub period: Option<Period>,
}

impl Common {
    /// Parses and validates the common parameters, and refuses keys outside them and `filters`.
    ///
    /// # Errors
    /// Bad numbers, bbox or datetime, an unsupported `f`, or an unknown key.
    pub fn parse(params: &QueryParams, filters: &[(&str, FilterType)]) -> Result<Self, ApiError> {
        let allowed: Vec<&str> = PAGING_KEYS
            .iter()
            .copied()
            .chain(filters.iter().map(|(k, _)| *k))
            .collect();
        params.only(&allowed)?;
        FORMAT.read(params)?;
        Ok(Self {
            limit: LIMIT.read(params)? as usize,
            offset: OFFSET.read(params)? as usize,
            // A bbox in another CRS (`bbox-crs`, Part 2) is read in that CRS's axis order.
            bbox: match (params.get("bbox"), params.get("bbox-crs")) {
                (Some(b), Some(crs)) => Some(super::crs::Crs::parse(crs)?.bbox_to_crs84(b)?),
                (Some(b), None) => Some(b.parse()?),
                (None, Some(_)) => {
                    return Err(ApiError::BadRequest("`bbox-crs` needs a `bbox`".into()));
                }
                (None, None) => None,
            },
            period: params.get("datetime").map(Period::parse_ogc).transpose()?,
        })
    }
}

/// Parses `key=a,b,…` filters into canonical value lists.
fn property_filters<'f>(
    params: &QueryParams,
    filters: &'f [(&'f str, FilterType)],
) -> Result<Vec<(&'f str, Vec<String>)>, ApiError> {
    let mut out = Vec::new();
    for (key, ty) in filters {
        if let Some(raw) = params.get(key) {
            let values = raw
                .split(',')
                .map(|v| {
                    ty.canonical(v)
                        .map_err(|e| ApiError::BadRequest(format!("filter `{key}`: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            out.push((*key, values));
        }
    }
    Ok(out)
}

/// Selects and renders a page of a static layer.
///
/// # Errors
/// Bad parameters, or `datetime` on a collection without time.
pub fn static_page<T: OgcFeature>(
    layer: &Layer<T>,
    params: &QueryParams,
) -> Result<(Common, Page), ApiError> {
    static_page_where(layer, params, |_| true)
}

/// Selects and renders a page of the items of a static layer that are `visible` (to the
/// caller: a community-bound token sees only its communities' tracks).
///
/// # Errors
/// Bad parameters, or `datetime` on a collection without time.
pub fn static_page_where<T: OgcFeature>(
    layer: &Layer<T>,
    params: &QueryParams,
    visible: impl Fn(&T) -> bool,
) -> Result<(Common, Page), ApiError> {
    let common = Common::parse(params, T::FILTERS)?;
    let filters = property_filters(params, T::FILTERS)?;
    let positions: Vec<u32> = match common.bbox {
        Some(bbox) => {
            let mut hits: Vec<u32> = bbox
                .rects()
                .iter()
                .flat_map(|r| layer.intersecting(r))
                .collect();
            hits.sort_unstable();
            hits.dedup();
            hits
        }
        None => (0..layer.len() as u32).collect(),
    };
    let items = layer.items();
    let mut matched = Vec::with_capacity(positions.len());
    for p in positions {
        let item = &items[p as usize];
        if !visible(item) {
            continue;
        }
        if let Some(period) = &common.period {
            let (a, b) = item.time_span().ok_or_else(|| {
                ApiError::BadRequest("this collection has no time; datetime does not apply".into())
            })?;
            if !period.overlaps(a, b) {
                continue;
            }
        }
        let passes = filters.iter().all(|(key, values)| {
            item.filter_value(key)
                .is_some_and(|v| values.iter().any(|x| *x == v))
        });
        if passes {
            matched.push(p);
        }
    }
    let features = matched
        .iter()
        .skip(common.offset)
        .take(common.limit)
        .map(|&p| static_feature(&items[p as usize]))
        .collect();
    Ok((
        common,
        Page {
            matched: matched.len(),
            features,
        },
    ))
}

/// One static feature as GeoJSON.
pub fn static_feature<T: OgcFeature>(item: &T) -> Value {
    json!({ "type": "Feature", "id": item.id(), "geometry": item.geometry(), "properties": item.properties() })
}

/// The filters incidents take.
pub const INCIDENT_FILTERS: &[(&str, FilterType)] = &[
    ("kind", FilterType::IncidentKind),
    ("status", FilterType::IncidentStatus),
    ("source", FilterType::IncidentSource),
    ("grid_id", FilterType::Integer),
    ("community_id", FilterType::Integer),
];

/// Selects and renders a page of incidents.
///
/// # Errors
/// Bad parameters.
pub fn incident_page(engine: &Engine, params: &QueryParams) -> Result<(Common, Page), ApiError> {
    let common = Common::parse(params, INCIDENT_FILTERS)?;
    let list = |key: &str| {
        params
            .get(key)
            .map(|v| v.split(',').map(str::trim).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let parse_ids = |key: &str,
                     layer_position: &dyn Fn(u64) -> Option<u32>|
     -> Result<Option<Vec<u32>>, ApiError> {
        if params.get(key).is_none() {
            return Ok(None);
        }
        let mut out = Vec::new();
        for v in list(key) {
            let id: u64 = v.parse().map_err(|_| {
                ApiError::BadRequest(format!(
                    "filter `{key}`: `{v}` is not a non-negative integer"
                ))
            })?;
            out.extend(layer_position(id));
        }
        Ok(Some(out))
    };
    // A community-bound caller's filters reach only its communities, and no filter means all
    // of them.
    let scope = params.scope();
    let grids = parse_ids("grid_id", &|id| {
        engine
            .grids
            .position(id)
            .filter(|&g| scope.sees(engine.community_of_grid(g)))
    })?;
    let communities = parse_ids("community_id", &|id| {
        engine
            .communities
            .position(id)
            .filter(|_| scope.sees(Some(id)))
    })?;
    let communities = match (communities, &scope.communities) {
        (None, Some(bound)) => Some(
            bound
                .iter()
                .filter_map(|&id| engine.communities.position(id))
                .collect(),
        ),
        (asked, _) => asked,
    };
    // An id filter naming no existing grid/community matches nothing.
    if grids.as_ref().is_some_and(Vec::is_empty) || communities.as_ref().is_some_and(Vec::is_empty)
    {
        return Ok((
            common,
            Page {
                matched: 0,
                features: Vec::new(),
            },
        ));
    }
    let filter = IncidentFilter {
        kinds: list("kind")
            .into_iter()
            .map(str::parse)
            .collect::<Result<_, _>>()?,
        statuses: list("status")
            .into_iter()
            .map(str::parse)
            .collect::<Result<_, _>>()?,
        sources: list("source")
            .into_iter()
            .map(str::parse)
            .collect::<Result<_, _>>()?,
        period: common.period.unwrap_or_default(),
        grids: grids.unwrap_or_default(),
        communities: communities.unwrap_or_default(),
        bbox: common.bbox,
    };
    let rows = engine.incidents.select(&filter);
    let features = rows
        .iter()
        .skip(common.offset)
        .take(common.limit)
        .map(|&r| incident_feature(engine, r as usize))
        .collect();
    Ok((
        common,
        Page {
            matched: rows.len(),
            features,
        },
    ))
}

/// One incident as GeoJSON.
#[must_use]
pub fn incident_feature(engine: &Engine, row: usize) -> Value {
    let t: &IncidentTable = &engine.incidents;
    let id_of = |pos: u32, ids: &dyn Fn(usize) -> u64| {
        if pos == NONE {
            Value::Null
        } else {
            Value::from(ids(pos as usize))
        }
    };
    let mut properties = Map::new();
    properties.insert("kind".into(), t.kind[row].as_str().into());
    properties.insert(
        "reported_at".into(),
        format_local(t.reported_at[row]).into(),
    );
    properties.insert("status".into(), t.status[row].as_str().into());
    properties.insert(
        "resolved_at".into(),
        if t.resolved_at[row] == i64::MIN {
            Value::Null
        } else {
            format_local(t.resolved_at[row]).into()
        },
    );
    properties.insert("source".into(), t.source[row].as_str().into());
    let window = t.occurred[row];
    properties.insert(
        "occurred_from".into(),
        window.map_or(Value::Null, |o| format_local(o.from).into()),
    );
    properties.insert(
        "occurred_to".into(),
        window.map_or(Value::Null, |o| format_local(o.to).into()),
    );
    properties.insert(
        "grid_id".into(),
        id_of(t.grid[row], &|p| engine.grids.items()[p].id),
    );
    properties.insert(
        "community_id".into(),
        id_of(t.community[row], &|p| engine.communities.items()[p].id),
    );
    json!({
        "type": "Feature",
        "id": t.id[row],
        "geometry": { "type": "Point", "coordinates": [t.lon[row], t.lat[row]] },
        "properties": properties,
    })
}
