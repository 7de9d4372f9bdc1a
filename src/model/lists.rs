//! The community's governance lists (the seed's 共建共治): the units in its area (驻区单位),
//! what they offer (资源清单), what residents need (需求清单) and the projects that paired
//! them (项目清单), which each community's big party committee reviews every quarter.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::named_enum;

named_enum! {
    /// What a need is about, and what an offer can do: an offer serves a need of its own
    /// category only. The first three are the "three-no" compounds' usual problems (下水道堵塞,
    /// 化粪池淤塞, 路难行).
    ListCategory, "list category" {
        Drainage => "drainage",
        Septic => "septic",
        Road => "road",
        Sanitation => "sanitation",
        ElderCare => "elder_care",
        ChildCare => "child_care",
        Health => "health",
        Legal => "legal",
        Employment => "employment",
        Culture => "culture",
        Security => "security",
        Property => "property",
    }
}

impl ListCategory {
    /// The category's name on the committee's lists.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Drainage => "下水道疏通",
            Self::Septic => "化粪池清淤",
            Self::Road => "道路修缮",
            Self::Sanitation => "环境卫生",
            Self::ElderCare => "助老服务",
            Self::ChildCare => "青少年托管",
            Self::Health => "义诊健康",
            Self::Legal => "法律咨询",
            Self::Employment => "就业帮扶",
            Self::Culture => "文体活动",
            Self::Security => "治安巡防",
            Self::Property => "物业服务",
        }
    }
}

named_enum! {
    /// What kind of body a unit in the community's area is.
    UnitKind, "unit kind" {
        Agency => "agency",
        StateEnterprise => "state_enterprise",
        School => "school",
        Hospital => "hospital",
        Enterprise => "enterprise",
        SocialOrganisation => "social_organisation",
    }
}

named_enum! {
    /// Where a need stands: open (on the list, no project yet), in a project, or met.
    DemandStatus, "demand status" {
        Open => "open",
        InProject => "in_project",
        Met => "met",
    }
}

named_enum! {
    /// Where a project stands.
    ProjectStatus, "project status" {
        Planned => "planned",
        InProgress => "in_progress",
        Done => "done",
    }
}

/// A unit in the community's area (驻区单位) that offers resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Unit {
    pub id: u64,
    pub name: String,
    pub kind: UnitKind,
    pub community_id: u64,
    /// WGS 84.
    pub lon: f64,
    pub lat: f64,
}

/// One resource-list item: a unit's offer of a category, for a number of households each
/// quarter, from one quarter to another (both included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceItem {
    pub id: u64,
    pub unit_id: u64,
    pub category: ListCategory,
    /// Households it can serve in a quarter.
    pub capacity: u32,
    /// Volunteer or staff hours it puts in a quarter.
    pub hours: u32,
    #[schemars(with = "String")]
    pub from: Quarter,
    #[schemars(with = "String")]
    pub to: Quarter,
}

impl ResourceItem {
    /// Whether it is offered in quarter `q`.
    #[must_use]
    pub fn offered_in(&self, q: Quarter) -> bool {
        self.from <= q && q <= self.to
    }
}

/// One demand-list item: residents' need at a place (a building when there is one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DemandItem {
    pub id: u64,
    pub community_id: u64,
    pub building_id: Option<u64>,
    pub category: ListCategory,
    pub households: u32,
    /// When it was raised (local time, UTC+08:00).
    #[serde(with = "local_time")]
    #[schemars(with = "String")]
    pub raised_at: i64,
    pub status: DemandStatus,
    /// WGS 84.
    pub lon: f64,
    pub lat: f64,
}

/// A project: demand items met with resource items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Project {
    pub id: u64,
    pub community_id: u64,
    pub name: String,
    pub category: ListCategory,
    pub demand_ids: Vec<u64>,
    pub resource_ids: Vec<u64>,
    pub status: ProjectStatus,
    /// Local time, UTC+08:00.
    #[serde(with = "local_time")]
    #[schemars(with = "String")]
    pub opened_at: i64,
    #[serde(with = "local_time::option", default)]
    #[schemars(with = "Option<String>")]
    pub closed_at: Option<i64>,
    /// Households the project helped (its demands' households, once done).
    pub households: u32,
}

/// Every list of a city (`lists.json` in a dataset).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lists {
    pub units: Vec<Unit>,
    pub resources: Vec<ResourceItem>,
    pub demands: Vec<DemandItem>,
    pub projects: Vec<Project>,
    /// The joint inspections done (联合执法), oldest first.
    #[serde(default)]
    pub inspections: Vec<super::inspections::InspectionRecord>,
}

impl Lists {
    /// True when there is nothing on any list.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
            && self.resources.is_empty()
            && self.demands.is_empty()
            && self.projects.is_empty()
            && self.inspections.is_empty()
    }

    /// Each resource item's capacity left in quarter `q` (in list order): its capacity less
    /// what the projects going in the quarter (opened before its end, not closed before its
    /// start) draw from it; a project draws its needs' households from the offers it names,
    /// in the order named, as far as each has capacity.
    #[must_use]
    pub fn capacity_left(&self, q: Quarter) -> Vec<u32> {
        let position: rustc_hash::FxHashMap<u64, usize> = self
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        let households: rustc_hash::FxHashMap<u64, u32> =
            self.demands.iter().map(|d| (d.id, d.households)).collect();
        let mut left: Vec<u32> = self.resources.iter().map(|r| r.capacity).collect();
        let (start, end) = (q.start(), q.end());
        for p in &self.projects {
            if p.opened_at >= end || p.closed_at.is_some_and(|c| c < start) {
                continue;
            }
            let mut need: u32 = p.demand_ids.iter().filter_map(|d| households.get(d)).sum();
            for r in &p.resource_ids {
                if let Some(&i) = position.get(r) {
                    let take = need.min(left[i]);
                    left[i] -= take;
                    need -= take;
                }
            }
        }
        left
    }

    /// Whether each demand item (in list order) was open at instant `t`: raised before it and
    /// in no project opened before it. A need's status is today's; this is what the committee
    /// saw then, so a past quarter's questions come out as they would have.
    #[must_use]
    pub fn open_at(&self, t: i64) -> Vec<bool> {
        let taken: rustc_hash::FxHashSet<u64> = self
            .projects
            .iter()
            .filter(|p| p.opened_at < t)
            .flat_map(|p| p.demand_ids.iter().copied())
            .collect();
        self.demands
            .iter()
            .map(|d| d.raised_at < t && !taken.contains(&d.id))
            .collect()
    }
}

/// Instants as local time with their offset (`2021-07-01T09:30:00+08:00`), as everywhere else.
pub(crate) mod local_time {
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` hands over a reference"
    )]
    pub fn serialize<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::model::format_local(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let s = String::deserialize(d)?;
        crate::model::parse_instant(&s).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        #[allow(clippy::ref_option, reason = "serde's `with` hands over a reference")]
        pub fn serialize<S: Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| crate::model::parse_instant(&s).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// A calendar quarter, the committee's period: `2021Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

/// Why a quarter could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a quarter: write the year, `Q` and 1 to 4, e.g. 2021Q3")]
pub struct QuarterError(pub String);

impl Quarter {
    /// The quarter holding the local date of Unix time `t` (UTC+08:00).
    #[must_use]
    pub fn of(t: i64) -> Self {
        let local = chrono::DateTime::from_timestamp(t, 0)
            .unwrap_or_default()
            .with_timezone(&super::period::local());
        let month = chrono::Datelike::month(&local);
        Self {
            year: chrono::Datelike::year(&local),
            q: u8::try_from((month - 1) / 3 + 1).unwrap_or(1),
        }
    }

    /// The first instant of the quarter (local midnight, Unix seconds).
    #[must_use]
    pub fn start(self) -> i64 {
        let month = u32::from(self.q - 1) * 3 + 1;
        chrono::NaiveDate::from_ymd_opt(self.year, month, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(0, |d| {
                d.and_utc().timestamp() - i64::from(super::period::LOCAL_OFFSET_S)
            })
    }

    /// The quarter after this one.
    #[must_use]
    pub const fn next(self) -> Self {
        if self.q == 4 {
            Self {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Self {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    /// The quarter before this one.
    #[must_use]
    pub const fn previous(self) -> Self {
        if self.q == 1 {
            Self {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Self {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// The first instant after the quarter.
    #[must_use]
    pub fn end(self) -> i64 {
        self.next().start()
    }
}

impl std::str::FromStr for Quarter {
    type Err = QuarterError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || QuarterError(s.chars().take(32).collect());
        let (year, q) = s.split_once(['Q', 'q']).ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) || !(1900..=2200).contains(&year) {
            return Err(bad());
        }
        Ok(Self { year, q })
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_going_in_the_quarter_draws_on_the_offers_it_names_in_order() {
        let q: Quarter = "2021Q3".parse().unwrap();
        let offer = |id, capacity| ResourceItem {
            id,
            unit_id: 1,
            category: ListCategory::Drainage,
            capacity,
            hours: 0,
            from: q,
            to: q,
        };
        let need = |id, households| DemandItem {
            id,
            community_id: 1,
            building_id: None,
            category: ListCategory::Drainage,
            households,
            raised_at: q.start(),
            status: DemandStatus::InProject,
            lon: 0.0,
            lat: 0.0,
        };
        let project = |id, demands: Vec<u64>, resources: Vec<u64>, opened_at, closed_at| Project {
            id,
            community_id: 1,
            name: String::new(),
            category: ListCategory::Drainage,
            demand_ids: demands,
            resource_ids: resources,
            status: ProjectStatus::InProgress,
            opened_at,
            closed_at,
            households: 0,
        };
        let lists = Lists {
            resources: vec![offer(1, 10), offer(2, 10), offer(3, 10)],
            demands: vec![need(1, 8), need(2, 7), need(3, 50)],
            projects: vec![
                // 15 households: 10 from offer 1, 5 from offer 2.
                project(1, vec![1, 2], vec![1, 2], q.start() - 86_400, None),
                // Closed before the quarter: draws nothing.
                project(
                    2,
                    vec![3],
                    vec![3],
                    q.start() - 100 * 86_400,
                    Some(q.start() - 1),
                ),
                // Opens after the quarter: draws nothing.
                project(3, vec![3], vec![3], q.end(), None),
            ],
            ..Lists::default()
        };
        assert_eq!(lists.capacity_left(q), vec![0, 5, 10]);
        assert_eq!(lists.capacity_left(q.next().next()), vec![0, 5, 0]);
    }

    #[test]
    fn a_quarter_reads_writes_and_bounds_its_days_in_local_time() {
        let q: Quarter = "2021Q3".parse().unwrap();
        assert_eq!(q, Quarter { year: 2021, q: 3 });
        assert_eq!(q.to_string(), "2021Q3");
        // 2021-07-01T00:00+08:00 is 2021-06-30T16:00Z.
        assert_eq!(q.start(), 1_625_068_800);
        assert_eq!(q.end(), "2021Q4".parse::<Quarter>().unwrap().start());
        assert_eq!(Quarter::of(q.start()), q);
        assert_eq!(Quarter::of(q.start() - 1), q.previous());
        assert_eq!(
            "2021Q4".parse::<Quarter>().unwrap().next().to_string(),
            "2022Q1"
        );
        for bad in ["2021", "2021Q5", "2021Q0", "Q3", "abcQ1", ""] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }
}
