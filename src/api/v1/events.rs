//! `GET /api/v1/events`: Server-Sent Events, one `change` event per committed write (ids,
//! kinds, points and status of the incidents it touched, the tiles that draw them; ids of
//! tracks and resources; the data version), and an `alert` event when the clock turns open
//! incidents amber or red ([`crate::alerts`]), for live maps. A client reconnecting with `Last-Event-ID` first gets what it
//! missed, or a `reset` event when that is no longer known (reload everything). A comment
//! every 15 s keeps proxies from closing an idle stream; the stream ends when the server
//! shuts down. A caller bound to communities gets only their incidents and tracks.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use crate::api::{AppState, Caller, Scope};
use crate::feed::{CatchUp, Change};
use crate::live::Live;

fn event(live: &Live, scope: &Scope, change: &Change) -> Event {
    let feed = live.feed();
    // A change made by the clock alone (alerts) is its own kind of event.
    let name = if change.alerts.is_empty() {
        "change"
    } else {
        "alert"
    };
    let event = Event::default().event(name).id(feed.event_id(change));
    let mine = if scope.communities.is_some() {
        let engine = live.engine();
        let mut mine = change.clone();
        mine.incidents.retain(|i| scope.sees(i.community_id));
        mine.alerts.retain(|a| scope.sees(a.community_id));
        if mine.incidents.len() < change.incidents.len() {
            mine.incident_count = mine.incidents.len();
        }
        mine.tracks.retain(|&t| {
            engine
                .patrol_tracks
                .get(t)
                .is_some_and(|t| scope.sees(Some(t.community_id)))
        });
        std::borrow::Cow::Owned(mine)
    } else {
        std::borrow::Cow::Borrowed(change)
    };
    // The tiles that draw the incidents this caller sees, for the map to refetch only those.
    let sent = serde_json::to_value(mine.as_ref()).and_then(|mut value| {
        if !mine.incidents.is_empty() {
            let touched = crate::tiles::touched::by_incidents(
                mine.incidents
                    .iter()
                    .map(|i| geo::Coord { x: i.lon, y: i.lat }),
            );
            value["tiles"] = serde_json::to_value(touched)?;
        }
        event.json_data(value).map_err(serde::ser::Error::custom)
    });
    sent.unwrap_or_else(|_| Event::default().event("reset").data("{}"))
}

fn reset() -> Event {
    Event::default().event("reset").data("{}")
}

/// The stream: the catch-up, then live events until the server closes the feed. A client too
/// slow to keep up with the channel gets a `reset` and stays connected.
pub(in crate::api) async fn events(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let live = state.live.clone();
    let (receiver, catch_up) = live.feed().subscribe(last.as_deref());
    let first: Vec<Event> = match catch_up {
        CatchUp::Events(missed) => missed
            .iter()
            .map(|c| event(&live, &caller.scope, c))
            .collect(),
        CatchUp::Reset => vec![reset()],
    };
    let closed = live.feed().closed();
    let following = stream::unfold(
        (receiver, closed, live, caller.scope),
        |(mut receiver, mut closed, live, scope)| async move {
            let next = tokio::select! {
                received = receiver.recv() => received,
                _ = closed.wait_for(|c| *c) => return None,
            };
            let item = match next {
                Ok(change) => event(&live, &scope, &Arc::clone(&change)),
                Err(RecvError::Lagged(_)) => reset(),
                Err(RecvError::Closed) => return None,
            };
            Some((Ok(item), (receiver, closed, live, scope)))
        },
    );
    Sse::new(stream::iter(first.into_iter().map(Ok)).chain(following))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
