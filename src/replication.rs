//! Keeping a replica current: follow PostGIS notifications of changes other servers made and
//! apply them to the live snapshot, within a second of their commit.
//!
//! If the listening connection drops, notifications sent meanwhile are lost, so after every
//! reconnection the whole snapshot is reloaded from the database.

use std::sync::Arc;
use std::time::Duration;

use crate::live::Live;
use crate::store::load_snapshot;
use crate::store::postgis::{Change, PgStore};

/// Follows changes until the process ends.
pub async fn follow(store: Arc<PgStore>, live: Arc<Live>) {
    loop {
        let mut listener = match store.listen().await {
            Ok(l) => {
                // LISTEN has returned: changes committed from now on reach this replica.
                live.set_following(true);
                l
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for changes; retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        loop {
            match listener.try_recv().await {
                Ok(Some(notice)) => {
                    let Ok(change) = serde_json::from_str::<Change>(notice.payload()) else {
                        tracing::warn!(
                            payload = notice.payload(),
                            "ignoring a malformed change notice"
                        );
                        continue;
                    };
                    // Our own change is applied already; another city's is not ours.
                    if change.origin == store.origin()
                        || change.city.is_some_and(|c| c != store.city().code)
                    {
                        continue;
                    }
                    let applied = if change.reload {
                        reload(&store, &live).await
                    } else {
                        apply(&store, &live, &change).await
                    };
                    if let Err(e) = applied {
                        tracing::warn!(error = %e, "applying a change failed; reloading");
                        let _ = reload(&store, &live).await;
                    }
                }
                Ok(None) => {
                    tracing::warn!("the change listener reconnected; reloading the snapshot");
                    if let Err(e) = reload(&store, &live).await {
                        tracing::warn!(error = %e, "reloading failed");
                    }
                }
                Err(e) => {
                    live.set_following(false);
                    tracing::warn!(error = %e, "the change listener failed; reconnecting in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

async fn apply(store: &PgStore, live: &Live, change: &Change) -> anyhow::Result<()> {
    let changed = store.fetch(change).await?;
    tracing::debug!(
        incidents = changed.incidents.len(),
        tracks = changed.tracks.len(),
        resources = changed.resources.len(),
        "applying a remote change"
    );
    live.apply_remote(changed).await?;
    Ok(())
}

async fn reload(store: &PgStore, live: &Live) -> anyhow::Result<()> {
    live.replace(load_snapshot(store).await?).await;
    Ok(())
}
