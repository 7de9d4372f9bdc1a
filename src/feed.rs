//! The change feed: one event per committed write (this server's or another replica's), for
//! live maps (`GET /api/v1/events`, Server-Sent Events).
//!
//! Events are numbered in order from this server's start; the SSE id is `{epoch}-{seq}`, the
//! epoch being the start time, so a client that reconnects with `Last-Event-ID` gets the
//! events it missed from a ring of the last [`RING`] events, and one whose id is older than
//! the ring, or from before a restart, gets a reset (reload everything). Events hold only what
//! a viewer may see of an incident: no personal fields ever enter the feed.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::broadcast;

use crate::model::format_local;

/// How many past events a reconnecting client can catch up on.
pub const RING: usize = 1024;

/// The most incidents an event lists one by one; a bigger batch (an import of 50,000, say) is
/// announced by its count alone, so the ring stays small (at most ~100 KB an event).
pub const MAX_LISTED_INCIDENTS: usize = 500;

/// An incident as a live map draws it.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentChange {
    pub id: u64,
    pub kind: &'static str,
    pub status: &'static str,
    pub reported_at: String,
    pub lon: f64,
    pub lat: f64,
    /// The grid and community ids, when the point is in one.
    pub grid_id: Option<u64>,
    pub community_id: Option<u64>,
}

/// One committed write.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Its place in the feed (1, 2, ...), set by [`Feed::send`].
    pub seq: u64,
    /// The data version after the write.
    pub version: u64,
    /// Incidents added or changed (none listed when more than [`MAX_LISTED_INCIDENTS`]).
    pub incidents: Vec<IncidentChange>,
    /// How many incidents the write added or changed.
    pub incident_count: usize,
    /// Patrol tracks added.
    pub tracks: Vec<u64>,
    /// Resources added or replaced.
    pub resources: Vec<u64>,
    /// The whole dataset was reloaded: clients should refetch everything.
    pub reload: bool,
    /// Incidents whose alert changed with the clock (not a write: `version` is unchanged).
    pub alerts: Vec<AlertChange>,
}

/// An incident whose alert changed: turned amber (past 80 % of its time limit) or red.
#[derive(Debug, Clone, Serialize)]
pub struct AlertChange {
    pub id: u64,
    pub alert: &'static str,
    pub kind: &'static str,
    pub state: &'static str,
    pub department: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub community_id: Option<u64>,
    /// When its limit runs out or ran out.
    pub due_at: Option<String>,
}

/// The feed: a broadcast channel for open streams and a ring for reconnecting ones.
pub struct Feed {
    epoch: u64,
    /// Becomes true when the server shuts down, so open streams end and connections drain.
    closed: tokio::sync::watch::Sender<bool>,
    sender: broadcast::Sender<Arc<Change>>,
    /// The ring and the last sequence number given.
    ring: Mutex<(VecDeque<Arc<Change>>, u64)>,
}

impl Default for Feed {
    fn default() -> Self {
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Self {
            epoch,
            closed: tokio::sync::watch::Sender::new(false),
            sender: broadcast::channel(RING).0,
            ring: Mutex::new((VecDeque::with_capacity(RING), 0)),
        }
    }
}

/// What a (re)connecting client gets before the live events.
#[derive(Debug)]
pub enum CatchUp {
    /// The events after its last one (possibly none).
    Events(Vec<Arc<Change>>),
    /// Its last event is older than the ring: it must reload.
    Reset,
}

impl Feed {
    /// Numbers `change`, sends it to every open stream and keeps it in the ring.
    pub fn send(&self, mut change: Change) {
        let mut ring = match self.ring.lock() {
            Ok(ring) => ring,
            Err(poisoned) => poisoned.into_inner(),
        };
        ring.1 += 1;
        change.seq = ring.1;
        let change = Arc::new(change);
        if ring.0.len() == RING {
            ring.0.pop_front();
        }
        ring.0.push_back(change.clone());
        // Sent under the lock, so streams see events in sequence order. No receiver is not
        // an error: nobody is watching.
        let _ = self.sender.send(change);
    }

    /// Ends every open stream (at shutdown).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// A watch that turns true when the feed is closed.
    #[must_use]
    pub fn closed(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closed.subscribe()
    }

    /// The SSE id of `change`.
    #[must_use]
    pub fn event_id(&self, change: &Change) -> String {
        format!("{}-{}", self.epoch, change.seq)
    }

    /// A receiver of the events sent from now on, and the catch-up for a client whose last
    /// event id was `last` (none: a new client, which needs no catch-up). The receiver is
    /// made under the ring's lock, so no event falls between the catch-up and it.
    #[must_use]
    pub fn subscribe(&self, last: Option<&str>) -> (broadcast::Receiver<Arc<Change>>, CatchUp) {
        let ring = match self.ring.lock() {
            Ok(ring) => ring,
            Err(poisoned) => poisoned.into_inner(),
        };
        let receiver = self.sender.subscribe();
        let Some(last) = last else {
            return (receiver, CatchUp::Events(Vec::new()));
        };
        let seq = last
            .split_once('-')
            .filter(|(epoch, _)| epoch.parse() == Ok(self.epoch))
            .and_then(|(_, seq)| seq.parse::<u64>().ok());
        let (events, newest) = (&ring.0, ring.1);
        let catch_up = match seq {
            // Every event after `seq` is still in the ring.
            Some(seq) if seq <= newest && events.front().is_none_or(|c| c.seq <= seq + 1) => {
                CatchUp::Events(events.iter().filter(|c| c.seq > seq).cloned().collect())
            }
            _ => CatchUp::Reset,
        };
        (receiver, catch_up)
    }
}

impl IncidentChange {
    /// The incident of `row` in `engine`, as the feed shows it.
    #[must_use]
    pub fn of_row(engine: &crate::index::Engine, row: usize) -> Self {
        let t = &engine.incidents;
        let grid = (t.grid[row] != crate::index::NONE)
            .then(|| engine.grids.items()[t.grid[row] as usize].id);
        let community = (t.community[row] != crate::index::NONE)
            .then(|| engine.communities.items()[t.community[row] as usize].id);
        Self {
            id: t.id[row],
            kind: t.kind[row].as_str(),
            status: t.status[row].as_str(),
            reported_at: format_local(t.reported_at[row]),
            lon: t.lon[row],
            lat: t.lat[row],
            grid_id: grid,
            community_id: community,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(version: u64) -> Change {
        Change {
            seq: 0,
            version,
            incidents: Vec::new(),
            incident_count: 0,
            tracks: vec![version],
            resources: Vec::new(),
            reload: false,
            alerts: Vec::new(),
        }
    }

    fn versions(catch_up: &CatchUp) -> Vec<u64> {
        match catch_up {
            CatchUp::Events(events) => events.iter().map(|c| c.seq).collect(),
            CatchUp::Reset => vec![u64::MAX],
        }
    }

    #[test]
    fn a_reconnecting_client_gets_what_it_missed_or_a_reset() {
        let feed = Feed::default();
        let id = |seq: u64| format!("{}-{seq}", feed.epoch);
        for v in 1..=5 {
            feed.send(change(v * 10));
        }
        assert_eq!(versions(&feed.subscribe(None).1), Vec::<u64>::new());
        assert_eq!(versions(&feed.subscribe(Some(&id(3))).1), vec![4, 5]);
        assert_eq!(versions(&feed.subscribe(Some(&id(5))).1), Vec::<u64>::new());
        assert_eq!(
            versions(&feed.subscribe(Some(&id(0))).1),
            vec![1, 2, 3, 4, 5]
        );
        // From the future, another server run, or nonsense: reload.
        for stale in [
            id(6),
            format!("{}-3", feed.epoch + 1),
            "x".into(),
            "7".into(),
        ] {
            assert_eq!(
                versions(&feed.subscribe(Some(&stale)).1),
                vec![u64::MAX],
                "{stale}"
            );
        }
        for v in 0..RING as u64 {
            feed.send(change(v));
        }
        assert_eq!(versions(&feed.subscribe(Some(&id(3))).1), vec![u64::MAX]);
        let newest = RING as u64 + 5;
        assert_eq!(
            versions(&feed.subscribe(Some(&id(newest - 1))).1),
            vec![newest]
        );
    }

    #[tokio::test]
    async fn open_streams_receive_each_event_once() {
        let feed = Feed::default();
        let (mut receiver, _) = feed.subscribe(None);
        feed.send(change(1));
        feed.send(change(2));
        assert_eq!(receiver.recv().await.map(|c| c.seq).ok(), Some(1));
        assert_eq!(receiver.recv().await.map(|c| c.seq).ok(), Some(2));
    }
}
