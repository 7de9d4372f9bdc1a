//! Joint inspections (联合执法): a team drawn from several agencies visits a place, looks into
//! problems of some kinds and solves some of them. The seed counts them a year at a time ("联合
//! 执法321次，解决问题304个"); the record keeps what that count needs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{IncidentKind, named_enum};

named_enum! {
    /// An agency that sends officers to joint enforcement teams (联合执法队).
    Agency, "agency" {
        Police => "police",
        CityManagement => "city_management",
        MarketSupervision => "market_supervision",
        Housing => "housing",
        EmergencyManagement => "emergency_management",
    }
}

impl Agency {
    /// The agency's short name, as the command centre writes it.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Police => "公安",
            Self::CityManagement => "城管",
            Self::MarketSupervision => "市场监管",
            Self::Housing => "住建",
            Self::EmergencyManagement => "应急管理",
        }
    }
}

/// One joint inspection done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InspectionRecord {
    pub id: u64,
    /// The community of the place (derived from it).
    pub community_id: u64,
    /// When the team was there (local time, UTC+08:00).
    #[serde(with = "super::lists::local_time")]
    #[schemars(with = "String")]
    pub at: i64,
    /// At least two agencies: one alone is not a joint inspection.
    pub agencies: Vec<Agency>,
    /// The kinds of problem looked into.
    pub kinds: Vec<IncidentKind>,
    pub problems_found: u32,
    /// At most `problems_found`.
    pub problems_solved: u32,
    /// WGS 84.
    pub lon: f64,
    pub lat: f64,
}

/// Why a record cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("a joint inspection has at least two different agencies")]
    NotJoint,
    #[error("name at least one kind of problem looked into")]
    NoKinds,
    #[error("{solved} problems solved is more than the {found} found")]
    SolvedOverFound { found: u32, solved: u32 },
}

impl InspectionRecord {
    /// Checks the record's own rules; sorts and dedups its agencies and kinds.
    ///
    /// # Errors
    /// Fewer than two agencies, no kind, more solved than found.
    pub fn normalised(mut self) -> Result<Self, RecordError> {
        self.agencies.sort_unstable();
        self.agencies.dedup();
        self.kinds.sort_unstable();
        self.kinds.dedup();
        if self.agencies.len() < 2 {
            return Err(RecordError::NotJoint);
        }
        if self.kinds.is_empty() {
            return Err(RecordError::NoKinds);
        }
        if self.problems_solved > self.problems_found {
            return Err(RecordError::SolvedOverFound {
                found: self.problems_found,
                solved: self.problems_solved,
            });
        }
        Ok(self)
    }
}

/// Joins a closed vocabulary's names with commas (how both stores keep a record's lists).
#[must_use]
pub fn joined<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads what [`joined`] wrote.
///
/// # Errors
/// A name that is not one of `T`'s.
pub fn split<T: std::str::FromStr>(text: &str) -> Result<Vec<T>, T::Err> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> InspectionRecord {
        InspectionRecord {
            id: 1,
            community_id: 1,
            at: 0,
            agencies: vec![Agency::Police, Agency::CityManagement, Agency::Police],
            kinds: vec![IncidentKind::StreetVending],
            problems_found: 2,
            problems_solved: 2,
            lon: 112.2,
            lat: 31.03,
        }
    }

    #[test]
    fn a_record_is_joint_names_kinds_and_solves_no_more_than_it_found() {
        let r = record().normalised().unwrap();
        assert_eq!(r.agencies, vec![Agency::Police, Agency::CityManagement]);
        let alone = InspectionRecord {
            agencies: vec![Agency::Police, Agency::Police],
            ..record()
        };
        assert_eq!(alone.normalised(), Err(RecordError::NotJoint));
        let nothing = InspectionRecord {
            kinds: vec![],
            ..record()
        };
        assert_eq!(nothing.normalised(), Err(RecordError::NoKinds));
        let over = InspectionRecord {
            problems_solved: 3,
            ..record()
        };
        assert!(matches!(
            over.normalised(),
            Err(RecordError::SolvedOverFound { .. })
        ));
        let text = joined(&r.agencies);
        assert_eq!(text, "police,city_management");
        assert_eq!(split::<Agency>(&text).unwrap(), r.agencies);
        assert!(split::<Agency>("police,army").is_err());
    }
}
