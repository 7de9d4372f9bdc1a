//! Access to resources under `/api/v1/access`: life-circle gaps, capacity (2SFCA) and where to
//! build next. Every answer says in its summary whether distances are on foot (`walk`, the
//! default when the dataset has streets) or in a straight line (`straight`).

mod fca;
mod gaps;
mod sites;

pub use fca::{CATCHMENT_M, SIGMA_M, WEIGHTS, fca};
pub use gaps::{FEATURES, H3_RES, gaps};
pub use sites::sites;

use crate::api::ApiError;
use crate::api::params::resource_kinds;
use crate::model::ResourceKind;

/// Resource kinds from a comma list given as `kind`.
pub(in crate::api::v1) fn kinds(list: &str) -> Result<Vec<ResourceKind>, ApiError> {
    resource_kinds("kind", list)
}
