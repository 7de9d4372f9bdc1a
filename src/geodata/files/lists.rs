//! `lists.json`: the governance lists, `{"units": […], "resources": […], "demands": […],
//! "projects": […]}`, each item as the API shows it (positions as `lon`/`lat`, times in local
//! time). Optional: a dataset without it has empty lists.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use super::super::DataError;
use crate::model::lists::Lists;

/// Writes the lists (nothing when they are empty).
///
/// # Errors
/// I/O failures.
pub fn write_lists(path: &Path, lists: &Lists) -> Result<(), DataError> {
    if lists.is_empty() {
        return Ok(());
    }
    let file = File::create(path).map_err(|e| DataError::io(path, e))?;
    let mut out = BufWriter::new(file);
    serde_json::to_writer(&mut out, lists).map_err(|e| DataError::invalid(path, e.to_string()))?;
    out.write_all(b"\n").map_err(|e| DataError::io(path, e))?;
    out.flush().map_err(|e| DataError::io(path, e))
}

/// Reads `lists.json` if the dataset has one.
///
/// # Errors
/// Malformed JSON or an item that does not parse, naming where.
pub fn read_lists(path: &Path) -> Result<Lists, DataError> {
    if !path.exists() {
        return Ok(Lists::default());
    }
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    serde_json::from_reader(BufReader::new(file))
        .map_err(|e| DataError::invalid(path, e.to_string()))
}
