//! The dataset on disk: the synthetic-city generator and the readers/writers of the bundled
//! formats (GeoJSON layers, CSV incidents).

pub mod files;
pub mod generate;
pub mod names;

use std::path::{Path, PathBuf};

pub use files::{read_dir, write_dir};

use crate::model::{
    Building, Community, District, Grid, Incident, PatrolRoute, PatrolTrack, Resource, Street,
};

/// Every layer of a dataset, as read from disk (derived fields not yet filled).
#[derive(Debug, Clone, Default)]
pub struct Dataset {
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
