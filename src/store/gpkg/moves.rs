//! The handling moves in the GeoPackage: a plain table (not a layer), one row a move, keyed by
//! incident and sequence, so an incident's history is one indexed range.

use rusqlite::{Connection, Transaction, params};

use super::time;
use crate::model::handling::{Move, Transition};
use crate::store::StoreError;

/// The moves table; a store made before it existed gets it (empty) when opened.
pub const TABLE: &str = "CREATE TABLE IF NOT EXISTS incident_moves (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at DATETIME NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    department TEXT,
    by TEXT,
    note TEXT,
    PRIMARY KEY (incident_id, seq)
) WITHOUT ROWID;";

/// Inserts `moves` (each incident's in order), numbering each incident's from `first_seq`.
pub fn insert(tx: &Transaction, moves: &[Move], first_seq: i64) -> Result<(), StoreError> {
    let mut st = tx.prepare(
        "INSERT INTO incident_moves (incident_id, seq, at, from_state, to_state, department, by, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut last = None;
    let mut seq = first_seq;
    for m in moves {
        if last != Some(m.incident_id) {
            seq = first_seq;
            last = Some(m.incident_id);
        }
        let t = &m.transition;
        st.execute(params![
            m.incident_id as i64,
            seq,
            time::to_text(t.at),
            t.from.as_str(),
            t.to.as_str(),
            t.department,
            t.by,
            t.note,
        ])?;
        seq += 1;
    }
    Ok(())
}

fn transition(r: &rusqlite::Row<'_>, id: i64) -> Result<Transition, StoreError> {
    let bad = |what: &str| StoreError::Failed(format!("incident {id}'s move: bad {what}"));
    let at: String = r.get(1)?;
    Ok(Transition {
        at: time::from_text(&at).ok_or_else(|| bad("time"))?,
        from: r.get_ref(2)?.as_str()?.parse().map_err(|_| bad("from"))?,
        to: r.get_ref(3)?.as_str()?.parse().map_err(|_| bad("to"))?,
        department: r.get(4)?,
        by: r.get(5)?,
        note: r.get(6)?,
    })
}

/// Every move, by incident and sequence.
pub fn load(tx: &Connection) -> Result<Vec<Move>, StoreError> {
    let mut st = tx.prepare(
        "SELECT incident_id, at, from_state, to_state, department, by, note FROM incident_moves ORDER BY incident_id, seq",
    )?;
    let mut rows = st.query([])?;
    let mut moves = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        moves.push(Move {
            incident_id: id as u64,
            transition: transition(r, id)?,
        });
    }
    Ok(moves)
}

/// The moves of incident `id`, in order.
pub fn of(c: &Connection, id: u64) -> Result<Vec<Transition>, StoreError> {
    let mut st = c.prepare(
        "SELECT incident_id, at, from_state, to_state, department, by, note FROM incident_moves WHERE incident_id = ?1 ORDER BY seq",
    )?;
    let mut rows = st.query(params![id as i64])?;
    let mut moves = Vec::new();
    while let Some(r) = rows.next()? {
        moves.push(transition(r, id as i64)?);
    }
    Ok(moves)
}

/// The next sequence number of incident `id`'s moves.
pub fn next_seq(tx: &Transaction, id: u64) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "SELECT COALESCE(MAX(seq) + 1, 0) FROM incident_moves WHERE incident_id = ?1",
        params![id as i64],
        |r| r.get(0),
    )?)
}
