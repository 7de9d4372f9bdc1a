//! `/ogc/collections/{id}/items` and `/items/{fid}`: selection (bbox, datetime, property
//! filters), paging (limit, offset, next link) and GeoJSON rendering.

use serde_json::{Map, Value, json};

use std::cmp::Ordering;
use std::sync::Arc;

use super::crs::Crs;
use super::features::{FeatureRecord, FilterType, OgcFeature};
use crate::api::params::{Choice, Integer};
use crate::api::{ApiError, QueryParams};
use crate::filter::{Filter, Lang, Queryable, Record, Val};
use crate::index::cql::{AreaIds, IncidentPredicate, IncidentRow, REPORTED_AT};
use crate::index::{Engine, IncidentFilter, IncidentTable, Layer, NONE};
use crate::model::{Bbox, Period, format_local};

/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: u64 = 100;
/// The largest page; larger `limit`s are refused.
pub const MAX_LIMIT: u64 = 10_000;

/// `f`: the format (GeoJSON, whichever name).
pub const FORMAT: Choice = Choice {
    key: "f",
    names: &["json", "geojson", "html"],
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

const PAGING_KEYS: [&str; 11] = [
    "bbox",
    "bbox-crs",
    "limit",
    "offset",
    "datetime",
    "f",
    "crs",
    "filter",
    "filter-lang",
    "filter-crs",
    "sortby",
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
    /// `filter=`, with its language and the CRS of its geometries.
    filter: Option<FilterParam>,
    /// `sortby=`: properties, `-` before a name for descending.
    sortby: Option<String>,
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
            filter: FilterParam::read(params)?,
            sortby: params.get("sortby").map(str::to_owned),
        })
    }

    /// The CQL2 filter compiled against `schema`, if one was given.
    ///
    /// # Errors
    /// The filter's own errors, as 400s.
    pub fn compile(&self, schema: &[Queryable]) -> Result<Option<Filter>, ApiError> {
        self.filter.as_ref().map(|f| f.compile(schema)).transpose()
    }

    /// The sort keys: positions in `schema`, descending or not.
    ///
    /// # Errors
    /// A name outside `schema`.
    pub fn sort_keys(&self, schema: &[Queryable]) -> Result<Vec<(usize, bool)>, ApiError> {
        let Some(given) = &self.sortby else {
            return Ok(Vec::new());
        };
        given
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| {
                let (name, descending) = match k.as_bytes()[0] {
                    b'-' => (&k[1..], true),
                    b'+' => (&k[1..], false),
                    _ => (k, false),
                };
                let name = name.trim();
                schema
                    .iter()
                    .position(|q| q.name == name)
                    .map(|i| (i, descending))
                    .ok_or_else(|| {
                        let known: Vec<&str> = schema.iter().map(|q| q.name).collect();
                        ApiError::BadRequest(format!(
                            "`sortby`: `{}` is not a sortable; the sortables are: {}",
                            name.chars().take(64).collect::<String>(),
                            known.join(", ")
                        ))
                    })
            })
            .collect()
    }
}

/// A CQL2 filter as asked: `filter`, `filter-lang` and `filter-crs`, read together.
pub(crate) struct FilterParam {
    source: String,
    lang: Lang,
    crs: Crs,
}

impl FilterParam {
    /// The request's filter, if it has one.
    ///
    /// # Errors
    /// An unknown language or CRS, or either without a filter.
    pub(crate) fn read(params: &QueryParams) -> Result<Option<Self>, ApiError> {
        let lang = params
            .get("filter-lang")
            .map(Lang::parse)
            .transpose()
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let crs = params.get("filter-crs").map(Crs::parse).transpose()?;
        match params.get("filter") {
            Some(source) => Ok(Some(Self {
                source: source.to_owned(),
                lang: lang.unwrap_or(Lang::Text),
                crs: crs.unwrap_or(Crs::Crs84),
            })),
            None if lang.is_some() || crs.is_some() => Err(ApiError::BadRequest(
                "`filter-lang` and `filter-crs` need a `filter`".into(),
            )),
            None => Ok(None),
        }
    }

    /// The filter compiled against `schema`.
    ///
    /// # Errors
    /// The filter's own errors, as 400s.
    pub(crate) fn compile(&self, schema: &[Queryable]) -> Result<Filter, ApiError> {
        let crs = self.crs;
        Filter::parse(&self.source, self.lang, schema, &|a, b| {
            crs.to_lon_lat(a, b)
        })
        .map_err(|e| ApiError::BadRequest(e.to_string()))
    }
}

/// Orders two values for `sortby`: NULLs last ascending (first descending), as PostgreSQL
/// sorts them.
fn sort_order(a: &Val<'_>, b: &Val<'_>) -> Ordering {
    match (a, b) {
        (Val::Null, Val::Null) => Ordering::Equal,
        (Val::Null, _) => Ordering::Greater,
        (_, Val::Null) => Ordering::Less,
        (Val::Number(x), Val::Number(y)) => x.total_cmp(y),
        (Val::Text(x), Val::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        (Val::Time(x), Val::Time(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// Sorts `items` by `keys`, stably (ties keep their order), reading values with `record`.
fn sort_by_keys<R: Record>(items: &mut [u32], keys: &[(usize, bool)], record: impl Fn(u32) -> R) {
    if keys.is_empty() {
        return;
    }
    items.sort_by(|&a, &b| {
        let (ra, rb) = (record(a), record(b));
        keys.iter()
            .map(|&(k, descending)| {
                let o = sort_order(&ra.value(k), &rb.value(k));
                if descending { o.reverse() } else { o }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
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
    let (common, matched) = static_matches(layer, params, visible)?;
    let items = layer.items();
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

/// The positions of the items of a static layer that match the request and are `visible`,
/// in the asked order.
///
/// # Errors
/// Bad parameters, or `datetime` on a collection without time.
pub fn static_matches<T: OgcFeature>(
    layer: &Layer<T>,
    params: &QueryParams,
    visible: impl Fn(&T) -> bool,
) -> Result<(Common, Vec<u32>), ApiError> {
    let common = Common::parse(params, T::FILTERS)?;
    let filters = property_filters(params, T::FILTERS)?;
    let cql = common.compile(T::QUERYABLES)?;
    let sort = common.sort_keys(T::QUERYABLES)?;
    // The R-tree finds the candidates of a bbox, and of a spatial condition the filter needs.
    let cql_bounds = cql.as_ref().and_then(Filter::bounds);
    let rects: Option<Vec<geo::Rect>> = match (common.bbox.map(|b| b.rects()), cql_bounds) {
        (Some(boxes), Some(r)) => Some(boxes.iter().filter_map(|b| intersection(b, &r)).collect()),
        (Some(boxes), None) => Some(boxes),
        (None, Some(r)) => Some(vec![r]),
        (None, None) => None,
    };
    let positions: Vec<u32> = if let Some(rects) = rects {
        let mut hits: Vec<u32> = rects.iter().flat_map(|r| layer.intersecting(r)).collect();
        hits.sort_unstable();
        hits.dedup();
        hits
    } else {
        (0..layer.len() as u32).collect()
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
        if passes
            && cql
                .as_ref()
                .is_none_or(|f| f.matches(&FeatureRecord::new(item)))
        {
            matched.push(p);
        }
    }
    sort_by_keys(&mut matched, &sort, |p| {
        FeatureRecord::new(&items[p as usize])
    });
    Ok((common, matched))
}

/// The overlap of two rectangles, if they meet.
fn intersection(a: &geo::Rect, b: &geo::Rect) -> Option<geo::Rect> {
    let (min_x, min_y) = (a.min().x.max(b.min().x), a.min().y.max(b.min().y));
    let (max_x, max_y) = (a.max().x.min(b.max().x), a.max().y.min(b.max().y));
    (min_x <= max_x && min_y <= max_y).then(|| geo::Rect::new((min_x, min_y), (max_x, max_y)))
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
    let (common, rows) = incident_matches(engine, params)?;
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

/// The rows of the incidents that match the request, in the asked order.
///
/// # Errors
/// Bad parameters.
pub fn incident_matches(
    engine: &Engine,
    params: &QueryParams,
) -> Result<(Common, Vec<u32>), ApiError> {
    let common = Common::parse(params, INCIDENT_FILTERS)?;
    let schema = crate::index::cql::QUERYABLES;
    let ids = AreaIds::of(engine);
    let cql = common
        .compile(schema)?
        .map(|f| Arc::new(IncidentPredicate::new(f, ids.clone())));
    let sort = common.sort_keys(schema)?;
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
        return Ok((common, Vec::new()));
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
        cql,
    };
    let mut rows = engine.incidents.select(&filter);
    // Rows come in time order: by `reported_at` alone is that order or its reverse (ties
    // kept in the order a stable sort would keep them), not a sort of up to 1M rows.
    match sort.as_slice() {
        [(REPORTED_AT, false)] => {}
        [(REPORTED_AT, true)] => {
            let t = &engine.incidents.reported_at;
            rows.reverse();
            for group in rows.chunk_by_mut(|a, b| t[*a as usize] == t[*b as usize]) {
                group.reverse();
            }
        }
        _ => sort_by_keys(&mut rows, &sort, |r| IncidentRow {
            table: &engine.incidents,
            row: r as usize,
            ids: &ids,
        }),
    }
    Ok((common, rows))
}

/// An incident's handling as properties, its clock read at `now`: `state`, `department`,
/// `filed_at`, `due_at`, `closed_at`, `time_limit_h` (working hours), `returns`, `redos`,
/// `overdue`, `alert` (null where they do not apply: before filing, without a history).
pub fn handling_properties(engine: &Engine, row: usize, now: i64, out: &mut Map<String, Value>) {
    use crate::index::handling::alert_at;
    let t: &IncidentTable = &engine.incidents;
    let h = &t.handling[row];
    let calendar = crate::model::calendar::WorkingCalendar::current();
    let limit = calendar.limit_s(t.kind[row]);
    let time = |v: Option<i64>| v.map_or(Value::Null, |t| format_local(t).into());
    out.insert("state".into(), h.state.as_str().into());
    out.insert(
        "department".into(),
        t.departments
            .name(h.department)
            .map_or(Value::Null, Into::into),
    );
    out.insert(
        "filed_at".into(),
        time((h.filed_at != i64::MIN).then_some(h.filed_at)),
    );
    out.insert(
        "due_at".into(),
        time((h.due_at != i64::MIN).then_some(h.due_at)),
    );
    out.insert(
        "closed_at".into(),
        time((h.recorded && h.state == crate::model::HandlingState::Closed).then_some(h.last_at)),
    );
    out.insert(
        "time_limit_h".into(),
        if limit > 0 {
            json!(limit as f64 / 3600.0)
        } else {
            Value::Null
        },
    );
    out.insert("returns".into(), h.returns.into());
    out.insert("redos".into(), h.redos.into());
    let alert = alert_at(h, limit, calendar.working_clock(now));
    out.insert(
        "overdue".into(),
        alert.map_or(Value::Null, |a| {
            (a == crate::model::handling::Alert::Red).into()
        }),
    );
    out.insert(
        "alert".into(),
        alert.map_or(Value::Null, |a| a.as_str().into()),
    );
}

/// The properties of incident `id` as its feature has them (null if there is none).
#[must_use]
pub fn incident_properties(engine: &Engine, id: u64) -> Value {
    engine.incidents.row(id).map_or(Value::Null, |row| {
        let mut feature = incident_feature(engine, row);
        feature["properties"].take()
    })
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
    handling_properties(engine, row, chrono::Utc::now().timestamp(), &mut properties);
    json!({
        "type": "Feature",
        "id": t.id[row],
        "geometry": { "type": "Point", "coordinates": [t.lon[row], t.lat[row]] },
        "properties": properties,
    })
}
