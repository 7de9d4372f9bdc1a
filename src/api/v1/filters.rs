//! The common analytics filters (`kind`, `from`, `to`, `community`, `grid`, `bbox`, `status`)
//! parsed once into an [`IncidentFilter`] plus the chosen areas.

use std::sync::Arc;

use crate::api::ogc::FilterParam;
use crate::api::{ApiError, QueryParams};
use crate::index::cql::{AreaIds, IncidentPredicate};
use crate::index::{BinLevel, Engine, IncidentFilter};
use crate::model::{IncidentKind, IncidentStatus, Period};

/// Query keys every analytics endpoint takes.
pub const COMMON_KEYS: [&str; 10] = [
    "kind",
    "from",
    "to",
    "community",
    "grid",
    "bbox",
    "status",
    "filter",
    "filter-lang",
    "filter-crs",
];

/// Parsed analytics filters.
#[derive(Debug, Clone)]
pub struct Filters {
    pub incidents: IncidentFilter,
    /// Chosen community positions (empty: all).
    pub communities: Vec<u32>,
    /// Chosen grid positions (empty: all).
    pub grids: Vec<u32>,
}

pub(in crate::api) fn list(params: &QueryParams, key: &str) -> Vec<String> {
    params
        .get(key)
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Positions of the ids listed under `key`; an unknown id is a 400 naming it.
pub(crate) fn positions(
    params: &QueryParams,
    key: &str,
    position: impl Fn(u64) -> Option<u32>,
) -> Result<Vec<u32>, ApiError> {
    list(params, key)
        .iter()
        .map(|v| {
            let id: u64 = v
                .parse()
                .map_err(|_| ApiError::BadRequest(format!("`{key}`: `{v}` is not an id")))?;
            position(id)
                .ok_or_else(|| ApiError::BadRequest(format!("`{key}`: there is no {key} {id}")))
        })
        .collect()
}

/// The CQL2 filter of `filter`/`filter-lang`/`filter-crs`, on the incidents' queryables.
fn incident_cql(
    engine: &Engine,
    params: &QueryParams,
) -> Result<Option<Arc<IncidentPredicate>>, ApiError> {
    let Some(asked) = FilterParam::read(params)? else {
        return Ok(None);
    };
    let filter = asked.compile(crate::index::cql::QUERYABLES)?;
    Ok(Some(Arc::new(IncidentPredicate::new(
        filter,
        AreaIds::of(engine),
    ))))
}

impl Filters {
    /// Parses the common filters; `extra` are the endpoint's own keys (checked by the caller).
    ///
    /// # Errors
    /// Unknown keys, kinds, statuses or ids; bad dates or bbox.
    pub fn parse(engine: &Engine, params: &QueryParams, extra: &[&str]) -> Result<Self, ApiError> {
        let allowed: Vec<&str> = COMMON_KEYS.iter().chain(extra).copied().collect();
        params.only(&allowed)?;
        let kinds = list(params, "kind")
            .iter()
            .map(|k| k.parse::<IncidentKind>())
            .collect::<Result<_, _>>()?;
        let statuses = list(params, "status")
            .iter()
            .map(|k| k.parse::<IncidentStatus>())
            .collect::<Result<_, _>>()?;
        let period = Period::from_bounds(params.get("from"), params.get("to"))?;
        // A caller bound to communities sees only theirs: another community or its grids is
        // as unknown as an id that does not exist, and no choice means all of theirs.
        let scope = params.scope();
        let mut communities = positions(params, "community", |id| {
            engine
                .communities
                .position(id)
                .filter(|_| scope.sees(Some(id)))
        })?;
        let grids = positions(params, "grid", |id| {
            engine
                .grids
                .position(id)
                .filter(|&g| scope.sees(engine.community_of_grid(g)))
        })?;
        if let Some(bound) = &scope.communities
            && communities.is_empty()
        {
            communities = bound
                .iter()
                .filter_map(|&id| engine.communities.position(id))
                .collect();
            if communities.is_empty() {
                return Err(ApiError::Forbidden(
                    "none of this token's communities is in the data".into(),
                ));
            }
        }
        Ok(Self {
            incidents: IncidentFilter {
                kinds,
                statuses,
                period,
                grids: grids.clone(),
                communities: communities.clone(),
                bbox: params.get("bbox").map(str::parse).transpose()?,
                cql: incident_cql(engine, params)?,
                ..IncidentFilter::default()
            },
            communities,
            grids,
        })
    }

    /// The period with open ends closed at the data's first and last incident.
    #[must_use]
    pub fn closed_period(&self, engine: &Engine) -> Period {
        let (first, last) = engine.incidents.time_extent().unwrap_or((0, 0));
        Period {
            start: Some(self.incidents.period.start.unwrap_or(first)),
            end: Some(self.incidents.period.end.unwrap_or(last)),
        }
    }
}

/// The incidents' bins at `res` (every resolution [`resolution`] accepts has them).
///
/// # Errors
/// A resolution outside [`crate::index::BIN_RESOLUTIONS`].
pub fn bin_level(engine: &Engine, res: h3o::Resolution) -> Result<&BinLevel, ApiError> {
    engine.incidents.bin_level(res).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "`res`: incidents are not binned at resolution {res}"
        ))
    })
}
