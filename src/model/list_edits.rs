//! The committee's edits to its lists between and at its meetings: a project opened on open
//! needs and offers of their category, and a project moved on (planned → in progress → done).
//! Checked here against the lists as they stand, so both stores and every caller apply the
//! same rules; the stores give new rows their ids.

use super::lists::{DemandItem, DemandStatus, Lists, Project, ProjectStatus, Quarter};

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListEditError {
    #[error("there is no demand item {0}")]
    NoDemand(u64),
    #[error("there is no resource item {0}")]
    NoResource(u64),
    #[error("there is no project {0}")]
    NoProject(u64),
    #[error("a project meets at least one need")]
    NoDemands,
    #[error("demand item {0} is not open (it is {1})")]
    NotOpen(u64, DemandStatus),
    #[error("the needs of a project are of one community and one category")]
    Mixed,
    #[error("resource item {id} offers {offers}, not {needs}")]
    WrongCategory {
        id: u64,
        offers: String,
        needs: String,
    },
    #[error("resource item {id} is not offered in {quarter}")]
    NotOffered { id: u64, quarter: Quarter },
    #[error("a project goes planned → in progress → done; it cannot go from {from} to {to}")]
    Illegal {
        from: ProjectStatus,
        to: ProjectStatus,
    },
    #[error("a project is done after it opened")]
    BeforeOpened,
    #[error("a project is named (1 to 200 characters)")]
    Name,
}

/// A project to open.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub name: String,
    pub demand_ids: Vec<u64>,
    pub resource_ids: Vec<u64>,
    pub opened_at: i64,
    /// Planned or in progress.
    pub status: ProjectStatus,
}

/// The project as it will be stored (id 0: the store gives it) and its needs, now in it.
pub type Opened = (Project, Vec<DemandItem>);

impl Lists {
    /// Opens `new` on open needs of one community and category and offers of that category
    /// offered in the quarter it opens.
    ///
    /// # Errors
    /// A missing or taken need, mixed needs, an offer of another category or quarter.
    pub fn open_project(&self, new: NewProject) -> Result<Opened, ListEditError> {
        let name = new.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ListEditError::Name);
        }
        if new.demand_ids.is_empty() {
            return Err(ListEditError::NoDemands);
        }
        if matches!(new.status, ProjectStatus::Done) {
            return Err(ListEditError::Illegal {
                from: ProjectStatus::Planned,
                to: ProjectStatus::Done,
            });
        }
        let mut demands = Vec::with_capacity(new.demand_ids.len());
        for &id in &new.demand_ids {
            let d = self
                .demands
                .iter()
                .find(|d| d.id == id)
                .ok_or(ListEditError::NoDemand(id))?;
            if d.status != DemandStatus::Open {
                return Err(ListEditError::NotOpen(id, d.status));
            }
            demands.push(d.clone());
        }
        let (community_id, category) = (demands[0].community_id, demands[0].category);
        if demands
            .iter()
            .any(|d| d.community_id != community_id || d.category != category)
        {
            return Err(ListEditError::Mixed);
        }
        let quarter = Quarter::of(new.opened_at);
        for &id in &new.resource_ids {
            let r = self
                .resources
                .iter()
                .find(|r| r.id == id)
                .ok_or(ListEditError::NoResource(id))?;
            if r.category != category {
                return Err(ListEditError::WrongCategory {
                    id,
                    offers: r.category.to_string(),
                    needs: category.to_string(),
                });
            }
            if !r.offered_in(quarter) {
                return Err(ListEditError::NotOffered { id, quarter });
            }
        }
        for d in &mut demands {
            d.status = DemandStatus::InProject;
        }
        let project = Project {
            id: 0,
            community_id,
            name,
            category,
            demand_ids: new.demand_ids,
            resource_ids: new.resource_ids,
            status: new.status,
            opened_at: new.opened_at,
            closed_at: None,
            households: 0,
        };
        Ok((project, demands))
    }

    /// Moves project `id` on to `to` at `at`; done, its needs are met and it counts their
    /// households as helped.
    ///
    /// # Errors
    /// No such project, a move back or a repeat, done before it opened.
    pub fn move_project(
        &self,
        id: u64,
        to: ProjectStatus,
        at: i64,
    ) -> Result<Opened, ListEditError> {
        let p = self
            .projects
            .iter()
            .find(|p| p.id == id)
            .ok_or(ListEditError::NoProject(id))?;
        let legal = matches!(
            (p.status, to),
            (
                ProjectStatus::Planned,
                ProjectStatus::InProgress | ProjectStatus::Done
            ) | (ProjectStatus::InProgress, ProjectStatus::Done)
        );
        if !legal {
            return Err(ListEditError::Illegal { from: p.status, to });
        }
        let mut project = p.clone();
        project.status = to;
        let mut demands: Vec<DemandItem> = self
            .demands
            .iter()
            .filter(|d| p.demand_ids.contains(&d.id))
            .cloned()
            .collect();
        if to == ProjectStatus::Done {
            if at < p.opened_at {
                return Err(ListEditError::BeforeOpened);
            }
            project.closed_at = Some(at);
            project.households = demands.iter().map(|d| d.households).sum();
            for d in &mut demands {
                d.status = DemandStatus::Met;
            }
        }
        Ok((project, demands))
    }

    /// These lists with `project` (added or replaced) and `demands` (replaced).
    #[must_use]
    pub fn with_project(&self, project: Project, demands: &[DemandItem]) -> Self {
        let mut next = self.clone();
        for d in demands {
            if let Some(slot) = next.demands.iter_mut().find(|x| x.id == d.id) {
                slot.clone_from(d);
            }
        }
        match next.projects.iter_mut().find(|p| p.id == project.id) {
            Some(slot) => *slot = project,
            None => next.projects.push(project),
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lists::{ListCategory, ResourceItem};

    fn lists() -> Lists {
        let q: Quarter = "2021Q3".parse().unwrap();
        let need = |id, community, category| DemandItem {
            id,
            community_id: community,
            building_id: None,
            category,
            households: 10 * id as u32,
            raised_at: q.start(),
            status: DemandStatus::Open,
            lon: 112.2,
            lat: 31.0,
        };
        Lists {
            demands: vec![
                need(1, 7, ListCategory::Drainage),
                need(2, 7, ListCategory::Drainage),
                need(3, 8, ListCategory::Drainage),
                need(4, 7, ListCategory::Road),
            ],
            resources: vec![ResourceItem {
                id: 9,
                unit_id: 1,
                category: ListCategory::Drainage,
                capacity: 30,
                hours: 10,
                from: q,
                to: q,
            }],
            ..Lists::default()
        }
    }

    fn new(demands: Vec<u64>, resources: Vec<u64>, at: i64) -> NewProject {
        NewProject {
            name: "疏通下水道".into(),
            demand_ids: demands,
            resource_ids: resources,
            opened_at: at,
            status: ProjectStatus::Planned,
        }
    }

    #[test]
    fn a_project_opens_on_open_needs_of_one_kind_and_moves_only_forward() {
        let l = lists();
        let q: Quarter = "2021Q3".parse().unwrap();
        let at = q.start() + 86_400;
        let (p, d) = l.open_project(new(vec![1, 2], vec![9], at)).unwrap();
        assert_eq!((p.community_id, p.households), (7, 0));
        assert!(d.iter().all(|d| d.status == DemandStatus::InProject));
        assert_eq!(
            l.open_project(new(vec![1, 3], vec![], at)).unwrap_err(),
            ListEditError::Mixed
        );
        assert_eq!(
            l.open_project(new(vec![1, 4], vec![], at)).unwrap_err(),
            ListEditError::Mixed
        );
        assert!(matches!(
            l.open_project(new(vec![4], vec![9], at)).unwrap_err(),
            ListEditError::WrongCategory { .. }
        ));
        assert!(matches!(
            l.open_project(new(vec![1], vec![9], q.end() + 1))
                .unwrap_err(),
            ListEditError::NotOffered { .. }
        ));
        assert_eq!(
            l.open_project(new(vec![99], vec![], at)).unwrap_err(),
            ListEditError::NoDemand(99)
        );
        // Stored with id 5, then moved on.
        let stored = Project { id: 5, ..p };
        let l = l.with_project(stored, &d);
        assert_eq!(
            l.open_project(new(vec![1], vec![], at)).unwrap_err(),
            ListEditError::NotOpen(1, DemandStatus::InProject)
        );
        let (going, _) = l.move_project(5, ProjectStatus::InProgress, at).unwrap();
        let l = l.with_project(going, &[]);
        assert_eq!(
            l.move_project(5, ProjectStatus::Planned, at).unwrap_err(),
            ListEditError::Illegal {
                from: ProjectStatus::InProgress,
                to: ProjectStatus::Planned
            }
        );
        assert_eq!(
            l.move_project(5, ProjectStatus::Done, at - 2 * 86_400)
                .unwrap_err(),
            ListEditError::BeforeOpened
        );
        let (done, met) = l
            .move_project(5, ProjectStatus::Done, at + 86_400 * 30)
            .unwrap();
        assert_eq!(done.households, 30, "the needs' 10 + 20 households");
        assert!(met.iter().all(|d| d.status == DemandStatus::Met));
        let l = l.with_project(done, &met);
        assert!(l.move_project(5, ProjectStatus::Done, at).is_err());
    }
}
