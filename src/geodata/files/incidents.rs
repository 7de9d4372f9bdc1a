//! `incidents.csv`: `id,lon,lat,kind,reported_at,status,resolved_at,source`, one incident a
//! row, times in local time (UTC+08:00).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use super::super::DataError;
use crate::model::{Incident, LonLat, format_local, parse_instant};

/// Writes incidents as CSV.
///
/// # Errors
/// I/O failures.
pub fn write_incidents(path: &Path, incidents: &[Incident]) -> Result<(), DataError> {
    let io = |e| DataError::io(path, e);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path).map_err(io)?);
    out.write_all(b"id,lon,lat,kind,reported_at,status,resolved_at,source\n")
        .map_err(io)?;
    for i in incidents {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            i.id,
            i.lon,
            i.lat,
            i.kind,
            format_local(i.reported_at),
            i.status,
            i.resolved_at.map(format_local).unwrap_or_default(),
            i.source
        )
        .map_err(io)?;
    }
    out.flush().map_err(io)
}

/// Reads `incidents.csv`. Rows are parsed by hand from byte records because this is the one
/// file that reaches millions of rows (a `--scale` dataset).
///
/// # Errors
/// A missing file or a malformed row, naming the line and field.
pub fn read_incidents(path: &Path) -> Result<Vec<Incident>, DataError> {
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    let mut lines = BufReader::with_capacity(1 << 20, file).lines();
    let header = lines
        .next()
        .transpose()
        .map_err(|e| DataError::io(path, e))?
        .unwrap_or_default();
    if header.trim() != "id,lon,lat,kind,reported_at,status,resolved_at,source" {
        return Err(DataError::invalid(
            path,
            "header must be id,lon,lat,kind,reported_at,status,resolved_at,source",
        ));
    }
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        let line = line.map_err(|e| DataError::io(path, e))?;
        if line.is_empty() {
            continue;
        }
        out.push(
            parse_incident_row(&line)
                .map_err(|e| DataError::invalid(path, format!("line {}: {e}", n + 2)))?,
        );
    }
    Ok(out)
}

/// Parses one CSV row of `incidents.csv`.
///
/// # Errors
/// A message naming the bad field.
pub fn parse_incident_row(line: &str) -> Result<Incident, String> {
    let f: Vec<&str> = line.split(',').collect();
    if f.len() != 8 {
        return Err(format!("expected 8 fields, found {}", f.len()));
    }
    let num = |i: usize, name: &str| {
        f[i].parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{name} `{}` is not a number", f[i]))
    };
    let (lon, lat) = (num(1, "lon")?, num(2, "lat")?);
    if LonLat::new(lon, lat).is_none() {
        return Err(format!("coordinates {lon},{lat} are out of range"));
    }
    Ok(Incident {
        id: f[0]
            .parse()
            .map_err(|_| format!("id `{}` is not a positive integer", f[0]))?,
        lon,
        lat,
        kind: f[3].parse().map_err(|e| format!("kind: {e}"))?,
        reported_at: parse_instant(f[4]).map_err(|e| format!("reported_at: {e}"))?,
        status: f[5].parse().map_err(|e| format!("status: {e}"))?,
        resolved_at: if f[6].is_empty() {
            None
        } else {
            Some(parse_instant(f[6]).map_err(|e| format!("resolved_at: {e}"))?)
        },
        source: f[7].parse().map_err(|e| format!("source: {e}"))?,
    })
}
