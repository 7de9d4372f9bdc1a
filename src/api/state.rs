//! The state every request shares: the live dataset, who may see what, the caches and the
//! limits, behind one pointer.

use std::sync::Arc;

use super::tiles::TileCaches;
use super::{Access, AnswerCache, Limits, StudyAreas, Tokens};
use crate::index::Engine;
use crate::live::Live;

/// Everything a handler may read, behind one pointer: axum clones the state for every
/// request, and one reference count is cheaper than the five inside.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The state every request shares.
pub struct Shared {
    /// The current snapshot and the write path.
    pub live: Arc<Live>,
    /// Who may read and write what.
    pub access: Arc<Access>,
    /// Analytics answers by (query, data version).
    pub answers: AnswerCache,
    /// Hot-spot study areas by (resolution, areas, k, places version).
    pub study_areas: StudyAreas,
    /// Encoded tiles and per-query cell values, by data version.
    pub tiles: TileCaches,
    /// How many analytics computations may run at once, and for how long.
    pub limits: Limits,
    /// The cities served beside this one, itself included (set by [`super::app_of`]).
    pub cities: super::cities::Served,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// Read-only state over `engine` with empty caches (64 MiB of analytics answers) and no
    /// tokens.
    #[must_use]
    pub fn new(engine: Engine) -> Self {
        Self::with_live(Live::new(engine, None), Tokens::none())
    }

    /// State over a live dataset (with its store) and the write tokens, with the default tile
    /// cache (256 MiB).
    #[must_use]
    pub fn with_live(live: Live, tokens: Tokens) -> Self {
        Self::with_tile_cache(live, tokens, TileCaches::default())
    }

    /// State over a live dataset, the write tokens and the given tile caches.
    #[must_use]
    pub fn with_tile_cache(live: Live, tokens: Tokens, tiles: TileCaches) -> Self {
        Self::with_limits(live, tokens, tiles, Limits::default())
    }

    /// State with the write tokens, the tile caches and the limits given (anonymous readers
    /// see everything).
    #[must_use]
    pub fn with_limits(live: Live, tokens: Tokens, tiles: TileCaches, limits: Limits) -> Self {
        Self::with_access(live, Access::from(tokens), tiles, limits)
    }

    /// State with every part given.
    #[must_use]
    pub fn with_access(live: Live, access: Access, tiles: TileCaches, limits: Limits) -> Self {
        Self::with_shared_access(live, Arc::new(access), tiles, limits)
    }

    /// State whose access, tile caches and limits other cities' states share.
    #[must_use]
    pub fn with_shared_access(
        live: Live,
        access: Arc<Access>,
        tiles: TileCaches,
        limits: Limits,
    ) -> Self {
        Self(Arc::new(Shared {
            live: Arc::new(live),
            access,
            answers: AnswerCache::new(64 << 20),
            study_areas: StudyAreas::default(),
            tiles,
            limits,
            cities: super::cities::Served::default(),
        }))
    }

    /// The current snapshot.
    #[must_use]
    pub fn engine(&self) -> Arc<Engine> {
        self.live.engine()
    }

    /// A handle that does not keep the state alive (for the other cities' lists).
    #[must_use]
    pub fn downgrade(&self) -> std::sync::Weak<Shared> {
        Arc::downgrade(&self.0)
    }

    /// The state behind a handle from [`Self::downgrade`], while it lives.
    #[must_use]
    pub fn upgrade(weak: &std::sync::Weak<Shared>) -> Option<Self> {
        weak.upgrade().map(Self)
    }
}
