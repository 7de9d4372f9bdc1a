//! `handling.csv`: `incident_id,at,from,to,department,by,note`, one move a row, each
//! incident's moves in the order made, times in local time (UTC+08:00). Optional: a dataset
//! without it has incidents with a status only.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::super::DataError;
use crate::model::handling::{Move, Transition};
use crate::model::{HandlingState, format_local, parse_instant};

#[derive(Serialize, Deserialize)]
struct Row {
    incident_id: u64,
    at: String,
    from: String,
    to: String,
    department: Option<String>,
    by: Option<String>,
    note: Option<String>,
}

/// Writes the moves as CSV.
///
/// # Errors
/// I/O failures.
pub fn write_moves(path: &Path, moves: &[Move]) -> Result<(), DataError> {
    let file = File::create(path).map_err(|e| DataError::io(path, e))?;
    let mut out = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
    for m in moves {
        let t = &m.transition;
        out.serialize(Row {
            incident_id: m.incident_id,
            at: format_local(t.at),
            from: t.from.as_str().to_owned(),
            to: t.to.as_str().to_owned(),
            department: t.department.clone(),
            by: t.by.clone(),
            note: t.note.clone(),
        })
        .map_err(|e| DataError::csv(path, &e))?;
    }
    out.flush().map_err(|e| DataError::io(path, e))
}

/// Reads `handling.csv` if the dataset has one.
///
/// # Errors
/// A malformed row, naming its line and field.
pub fn read_moves(path: &Path) -> Result<Vec<Move>, DataError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    let mut reader = csv::Reader::from_reader(BufReader::with_capacity(1 << 20, file));
    let mut moves = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let row = row.map_err(|e| DataError::csv(path, &e))?;
        let line = i + 2;
        let bad = |field: &str, e: &dyn std::fmt::Display| {
            DataError::invalid(path, format!("line {line}, {field}: {e}"))
        };
        let state = |field: &str, s: &str| s.parse::<HandlingState>().map_err(|e| bad(field, &e));
        let text = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        moves.push(Move {
            incident_id: row.incident_id,
            transition: Transition {
                at: parse_instant(&row.at).map_err(|e| bad("at", &e))?,
                from: state("from", &row.from)?,
                to: state("to", &row.to)?,
                department: text(row.department),
                by: text(row.by),
                note: text(row.note),
            },
        });
    }
    Ok(moves)
}
