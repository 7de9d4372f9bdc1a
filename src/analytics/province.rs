//! Province-wide statistics: incidents, the resolved share and the median hours to resolve, by
//! city, by district or by month (local time), over several cities. The same figures come from
//! memory (the cities a process serves, [`in_memory`]) or from the database as one SQL
//! aggregate (every city it holds; on Citus run by the workers: `store::postgis`), so the one
//! checks the other.

use std::collections::BTreeMap;

use crate::index::{Engine, IncidentFilter};
use crate::model::format_local;
pub use crate::model::province::{By, Key, Question, Row};

/// The rows of `question` over `engines`' incidents, in key order.
#[must_use]
pub fn in_memory(engines: &[std::sync::Arc<Engine>], question: &Question) -> Vec<Row> {
    let by = question.by.unwrap_or(By::City);
    let filter = IncidentFilter {
        kinds: question.kinds.clone(),
        period: question.period,
        ..IncidentFilter::default()
    };
    let mut groups: BTreeMap<Key, (u64, Vec<f64>)> = BTreeMap::new();
    for engine in engines {
        let table = &engine.incidents;
        let communities = engine.communities.items();
        table.for_each_match(&filter, |row| {
            let key = match by {
                By::City => Key {
                    city: Some(engine.city.code),
                    district_id: None,
                    month: None,
                },
                By::District => Key {
                    city: Some(engine.city.code),
                    district_id: communities
                        .get(table.community[row] as usize)
                        .map(|c| c.district_id),
                    month: None,
                },
                By::Month => Key {
                    city: None,
                    district_id: None,
                    month: Some(format_local(table.reported_at[row])[..7].to_owned()),
                },
            };
            let group = groups.entry(key).or_default();
            group.0 += 1;
            if table.resolved_at[row] != i64::MIN {
                group
                    .1
                    .push((table.resolved_at[row] - table.reported_at[row]) as f64 / 3600.0);
            }
        });
    }
    groups
        .into_iter()
        .map(|(key, (incidents, mut hours))| row(key, incidents, &mut hours))
        .collect()
}

/// A row from its incidents and the hours to resolve of the resolved ones.
pub(crate) fn row(key: Key, incidents: u64, hours: &mut [f64]) -> Row {
    let resolved = hours.len() as u64;
    hours.sort_by(f64::total_cmp);
    let mid = hours.len() / 2;
    let median = match hours.len() {
        0 => None,
        n if n.is_multiple_of(2) => Some(f64::midpoint(hours[mid - 1], hours[mid])),
        _ => Some(hours[mid]),
    };
    Row::new(key, incidents, resolved, median)
}

#[cfg(test)]
mod tests {
    use super::{Key, row};

    #[test]
    fn a_row_of_hand_counted_incidents() {
        let r = row(Key::default(), 5, &mut [4.0, 1.0, 3.0, 2.0]);
        assert_eq!((r.incidents, r.resolved), (5, 4));
        assert!((r.resolved_share - 0.8).abs() < 1e-12);
        assert_eq!(r.median_hours_to_resolve, Some(2.5));
        assert_eq!(
            row(Key::default(), 2, &mut []).median_hours_to_resolve,
            None
        );
    }
}
