//! `incidents.csv`: `id,lon,lat,kind,reported_at,status,resolved_at,source,occurred_from,
//! occurred_to`, one incident a row, times in local time (UTC+08:00). The last two are empty
//! when the incident happened when it was reported; files without them (the eight columns
//! written before the window existed) are read too.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use super::super::DataError;
use crate::model::{Incident, LonLat, Occurred, format_local, parse_instant};

/// The header of the files this writes.
const HEADER: &str =
    "id,lon,lat,kind,reported_at,status,resolved_at,source,occurred_from,occurred_to";
/// The header of files written before incidents had a time window.
const HEADER_WITHOUT_WINDOW: &str = "id,lon,lat,kind,reported_at,status,resolved_at,source";

/// Writes incidents as CSV.
///
/// # Errors
/// I/O failures.
pub fn write_incidents(path: &Path, incidents: &[Incident]) -> Result<(), DataError> {
    let io = |e| DataError::io(path, e);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path).map_err(io)?);
    writeln!(out, "{HEADER}").map_err(io)?;
    for i in incidents {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            i.id,
            i.lon,
            i.lat,
            i.kind,
            format_local(i.reported_at),
            i.status,
            i.resolved_at.map(format_local).unwrap_or_default(),
            i.source,
            i.occurred.map(|o| format_local(o.from)).unwrap_or_default(),
            i.occurred.map(|o| format_local(o.to)).unwrap_or_default(),
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
    if header.trim() != HEADER && header.trim() != HEADER_WITHOUT_WINDOW {
        return Err(DataError::invalid(
            path,
            format!("header must be {HEADER} (the last two may be left out)"),
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
    if f.len() != 8 && f.len() != 10 {
        return Err(format!("expected 10 fields (or 8), found {}", f.len()));
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
    let instant = |i: usize, name: &str| match f.get(i) {
        None | Some(&"") => Ok(None),
        Some(s) => parse_instant(s)
            .map(Some)
            .map_err(|e| format!("{name}: {e}")),
    };
    let reported_at = parse_instant(f[4]).map_err(|e| format!("reported_at: {e}"))?;
    let occurred = match (instant(8, "occurred_from")?, instant(9, "occurred_to")?) {
        (None, None) => None,
        (Some(from), Some(to)) => Some(Occurred::new(from, to, reported_at)?),
        _ => return Err("give both occurred_from and occurred_to, or neither".into()),
    };
    Ok(Incident {
        id: f[0]
            .parse()
            .map_err(|_| format!("id `{}` is not a positive integer", f[0]))?,
        lon,
        lat,
        kind: f[3].parse().map_err(|e| format!("kind: {e}"))?,
        reported_at,
        status: f[5].parse().map_err(|e| format!("status: {e}"))?,
        resolved_at: if f[6].is_empty() {
            None
        } else {
            Some(parse_instant(f[6]).map_err(|e| format!("resolved_at: {e}"))?)
        },
        source: f[7].parse().map_err(|e| format!("source: {e}"))?,
        occurred,
        handling: None,
    })
}
