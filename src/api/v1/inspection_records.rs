//! `GET /api/v1/inspections?quarter=|from=&to=&community=`: the joint inspections done, and
//! their totals as the seed counts them (inspections, problems solved). Recording one is a
//! write (`POST /api/v1/inspections`, see [`super::ingest`]).

use serde_json::Value;

use super::answer::{
    Feature, InspectionRecordProperties, Inspections, InspectionsSummary, NamedCount, PointGeometry,
};
use crate::api::{ApiError, QueryParams};
use crate::index::Engine;
use crate::model::inspections::Agency;
use crate::model::{IncidentKind, Period, format_local};

/// The period asked: `quarter`, or `from`/`to`, or everything.
fn period(params: &QueryParams) -> Result<Period, ApiError> {
    let bad = |m: String| ApiError::BadRequest(m);
    match params.get("quarter") {
        Some(_) if params.get("from").is_some() || params.get("to").is_some() => {
            Err(bad("give `quarter` or `from`/`to`, not both".into()))
        }
        Some(raw) => {
            let q = super::lists::parse_quarter(raw)?;
            Ok(Period {
                start: Some(q.start()),
                end: Some(q.end()),
            })
        }
        None => Period::from_bounds(params.get("from"), params.get("to"))
            .map_err(|e| bad(e.to_string())),
    }
}

/// The records and their totals.
pub fn inspections(
    engine: &Engine,
    _areas: &crate::analytics::study_areas::StudyAreas,
    params: &QueryParams,
) -> Result<Value, ApiError> {
    params.only(&["quarter", "from", "to", "community"])?;
    let period = period(params)?;
    let asked = super::lists::community(engine, params)?;
    let records: Vec<_> = engine
        .lists
        .inspections
        .iter()
        .filter(|r| {
            period.contains(r.at)
                && asked.is_none_or(|c| c == r.community_id)
                && params.scope().sees(Some(r.community_id))
        })
        .collect();
    let count = |keep: &dyn Fn(&crate::model::inspections::InspectionRecord) -> bool| {
        records.iter().filter(|r| keep(r)).count() as u64
    };
    let summary = InspectionsSummary {
        period: period.into(),
        community: asked,
        inspections: records.len() as u64,
        problems_found: records.iter().map(|r| u64::from(r.problems_found)).sum(),
        problems_solved: records.iter().map(|r| u64::from(r.problems_solved)).sum(),
        by_agency: Agency::ALL
            .iter()
            .map(|&a| NamedCount {
                name: a.to_string(),
                name_zh: a.name_zh(),
                count: count(&|r| r.agencies.contains(&a)),
            })
            .collect(),
        by_kind: IncidentKind::ALL
            .iter()
            .map(|&k| NamedCount {
                name: k.to_string(),
                name_zh: k.name_zh(),
                count: count(&|r| r.kinds.contains(&k)),
            })
            .filter(|c| c.count > 0)
            .collect(),
    };
    let features = records
        .iter()
        .map(|r| {
            Feature::new(
                r.id,
                PointGeometry::from(geo::Point::new(r.lon, r.lat)),
                InspectionRecordProperties {
                    community_id: r.community_id,
                    at: format_local(r.at),
                    agencies: r.agencies.clone(),
                    kinds: r.kinds.clone(),
                    problems_found: r.problems_found,
                    problems_solved: r.problems_solved,
                },
            )
        })
        .collect();
    Inspections::new(features, summary).into_value()
}
