//! The clock pass behind live alerts: twice a second the working clock is read, and each open
//! incident whose alert changed since the last reading (green to amber past 80 % of its time
//! limit, to red past it) is announced on the feed as an `alert` event. Driven by the clock,
//! not by writes: an incident turns amber while nobody touches it. Nights, weekends and
//! holidays move nothing, as the working clock stands still then.

use std::sync::Arc;
use std::time::Duration;

use crate::analytics::handling::crossed;
use crate::feed::{AlertChange, Change};
use crate::live::Live;
use crate::model::calendar::WorkingCalendar;
use crate::model::format_local;

/// How often the clock is read.
pub const PASS_EVERY: Duration = Duration::from_millis(500);

/// The most alerts one event carries (the rest follow in the next events).
const ALERTS_PER_EVENT: usize = 500;

/// Runs the clock pass over `live` until its feed closes.
pub async fn run(live: Arc<Live>) {
    let calendar = WorkingCalendar::current();
    let mut closed = live.feed().closed();
    let mut before = calendar.working_clock(chrono::Utc::now().timestamp());
    let mut ticks = tokio::time::interval(PASS_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = closed.wait_for(|c| *c) => return,
        }
        let now = calendar.working_clock(chrono::Utc::now().timestamp());
        if now == before {
            continue;
        }
        let engine = live.engine();
        let changed = tokio::task::spawn_blocking({
            let engine = engine.clone();
            move || crossed(&engine, calendar, before, now)
        })
        .await
        .unwrap_or_default();
        before = now;
        if changed.is_empty() {
            continue;
        }
        metrics::counter!("gridwatch_alerts_total").increment(changed.len() as u64);
        let t = &engine.incidents;
        for chunk in changed.chunks(ALERTS_PER_EVENT) {
            let alerts = chunk
                .iter()
                .map(|&(r, alert)| {
                    let h = &t.handling[r];
                    AlertChange {
                        id: t.id[r],
                        alert: alert.as_str(),
                        kind: t.kind[r].as_str(),
                        state: h.state.as_str(),
                        department: t.departments.name(h.department).map(str::to_owned),
                        lon: t.lon[r],
                        lat: t.lat[r],
                        community_id: (t.community[r] != crate::index::NONE)
                            .then(|| engine.communities.items()[t.community[r] as usize].id),
                        due_at: (h.due_at != i64::MIN).then(|| format_local(h.due_at)),
                    }
                })
                .collect();
            live.feed().send(Change {
                seq: 0,
                version: engine.version,
                incidents: Vec::new(),
                incident_count: 0,
                tracks: Vec::new(),
                resources: Vec::new(),
                reload: false,
                alerts,
            });
        }
    }
}
