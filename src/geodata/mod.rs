//! The dataset on disk: the synthetic-city generator and the readers/writers of the bundled
//! formats (GeoJSON layers, CSV incidents).

pub mod files;
pub mod generate;
pub mod names;
pub mod osm;

use std::path::{Path, PathBuf};

pub use files::{read_dir, write_dir};

use crate::model::handling::{BadMove, Move, fold};
use crate::model::{
    Building, City, Community, District, Grid, Incident, PatrolRoute, PatrolTrack, Resource, Street,
};

/// Every layer of a dataset, as read from disk (derived fields not yet filled).
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The city every entity belongs to (`city.json`).
    pub city: City,
    pub districts: Vec<District>,
    pub communities: Vec<Community>,
    pub grids: Vec<Grid>,
    pub buildings: Vec<Building>,
    pub resources: Vec<Resource>,
    /// Street centre-lines; empty when the dataset has none (walking distances then fall back
    /// to straight lines).
    pub streets: Vec<Street>,
    pub patrol_routes: Vec<PatrolRoute>,
    pub patrol_tracks: Vec<PatrolTrack>,
    pub incidents: Vec<Incident>,
    /// The incidents' handling moves (`handling.csv`), each incident's in the order made;
    /// [`Self::attach_handling`] folds them into the incidents.
    pub moves: Vec<Move>,
    /// The governance lists (`lists.json`): units, resource and demand items, projects.
    pub lists: crate::model::lists::Lists,
}

impl Dataset {
    /// Folds the handling moves into the incidents they belong to (checking every move) and
    /// derives each such incident's status and resolution time from its state: open before
    /// dispatch, assigned while a department has it, resolved (at the close) when closed.
    ///
    /// # Errors
    /// A move that does not follow from the ones before it.
    pub fn attach_handling(&mut self) -> Result<(), BadMove> {
        if self.moves.is_empty() {
            return Ok(());
        }
        let calendar = crate::model::calendar::WorkingCalendar::current();
        let kinds: rustc_hash::FxHashMap<u64, crate::model::IncidentKind> =
            self.incidents.iter().map(|i| (i.id, i.kind)).collect();
        let limit = |id: u64| kinds.get(&id).map_or(0, |k| calendar.limit_s(*k));
        let mut records = fold(&self.moves, calendar, &limit)?;
        for i in &mut self.incidents {
            if let Some(record) = records.remove(&i.id) {
                i.status = record.state.status();
                i.resolved_at = record.closed_at();
                i.handling = Some(Box::new(record));
            }
        }
        Ok(())
    }

    /// Converts every coordinate from `datum` to WGS 84 (a city's own files are often in
    /// GCJ-02 or BD-09); nothing to do for WGS 84.
    pub fn to_wgs84(&mut self, datum: crate::model::datum::Datum) {
        if datum == crate::model::datum::Datum::Wgs84 {
            return;
        }
        self.map_coords(|c| {
            let (x, y) = datum.to_wgs84(c.x, c.y);
            geo::Coord { x, y }
        });
    }

    /// Applies `f` to every coordinate of every layer.
    pub fn map_coords(&mut self, f: impl Fn(geo::Coord) -> geo::Coord + Copy) {
        use geo::MapCoordsInPlace;
        self.districts
            .iter_mut()
            .for_each(|d| d.geometry.map_coords_in_place(f));
        self.communities
            .iter_mut()
            .for_each(|c| c.geometry.map_coords_in_place(f));
        self.grids
            .iter_mut()
            .for_each(|g| g.geometry.map_coords_in_place(f));
        self.buildings
            .iter_mut()
            .for_each(|b| b.geometry.map_coords_in_place(f));
        self.resources
            .iter_mut()
            .for_each(|r| r.geometry.map_coords_in_place(f));
        self.streets
            .iter_mut()
            .for_each(|s| s.geometry.map_coords_in_place(f));
        self.patrol_routes
            .iter_mut()
            .for_each(|r| r.geometry.map_coords_in_place(f));
        self.patrol_tracks
            .iter_mut()
            .for_each(|t| t.geometry.map_coords_in_place(f));
        for i in &mut self.incidents {
            let c = f(geo::Coord { x: i.lon, y: i.lat });
            (i.lon, i.lat) = (c.x, c.y);
        }
        for u in &mut self.lists.units {
            let c = f(geo::Coord { x: u.lon, y: u.lat });
            (u.lon, u.lat) = (c.x, c.y);
        }
        for d in &mut self.lists.demands {
            let c = f(geo::Coord { x: d.lon, y: d.lat });
            (d.lon, d.lat) = (c.x, c.y);
        }
        for i in &mut self.lists.inspections {
            let c = f(geo::Coord { x: i.lon, y: i.lat });
            (i.lon, i.lat) = (c.x, c.y);
        }
    }
}

/// A problem with a dataset file, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {detail}")]
    Invalid { path: PathBuf, detail: String },
}

impl DataError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn invalid(path: &Path, detail: impl Into<String>) -> Self {
        Self::Invalid {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }

    pub(crate) fn csv(path: &Path, e: &csv::Error) -> Self {
        Self::invalid(path, e.to_string())
    }
}
