//! Per-zoom command streams of a static layer's short features.
//!
//! A feature wholly inside the buffered tile with nothing to simplify (nearly every building at
//! z14) is only snapped, de-duplicated and oriented. Snapping rounds halves up, so it commutes
//! with moving by whole pixels, and each of those steps gives the same result in every tile of a
//! zoom: the feature's command stream differs from tile to tile only in its first point. Written
//! once per zoom on the zoom's whole pixel grid, drawing it in a tile is two varints and a copy,
//! instead of reading, projecting and snapping each coordinate again.

use super::encode::Commands;
use super::tile::{EXTENT, TileId};

/// The deepest zoom kept: the whole grid of zoom z is 2^(z+12) pixels across, which fits an
/// `i32` up to z18. Deeper tiles draw their features directly.
pub(super) const DEEPEST: u8 = 18;

/// One feature's stream on the zoom's grid; `head == 0` (never a command) when nothing of it
/// is left at this zoom, or when it was not written ahead.
#[derive(Debug, Clone, Copy, Default)]
struct Stream {
    head: u32,
    first: [i32; 2],
    rest: (u32, u32),
}

/// One zoom's streams, by feature position.
#[derive(Debug, Default)]
pub(super) struct ZoomStreams {
    streams: Vec<Stream>,
    bytes: Vec<u8>,
}

impl ZoomStreams {
    /// Appends the next feature's stream, as written in `written` on the zoom's grid, or none.
    pub(super) fn push(&mut self, written: Option<&Commands>) {
        let stream = written
            .and_then(Commands::split_first)
            .map(|(head, first, rest)| {
                let start = self.bytes.len() as u32;
                self.bytes.extend_from_slice(rest);
                Stream {
                    head,
                    first,
                    rest: (start, self.bytes.len() as u32),
                }
            })
            .unwrap_or_default();
        self.streams.push(stream);
    }

    /// Writes feature `i` as it appears in `tile` (of this zoom) into `out`; `false` if it has
    /// no stream.
    pub(super) fn write(&self, i: u32, tile: TileId, out: &mut Commands) -> bool {
        let s = self.streams[i as usize];
        if s.head == 0 {
            return false;
        }
        // Both fit: the tile's corner is on the grid, and the feature lies in the tile.
        let origin = [(tile.x * EXTENT) as i32, (tile.y * EXTENT) as i32];
        out.splice(
            s.head,
            [s.first[0] - origin[0], s.first[1] - origin[1]],
            &self.bytes[s.rest.0 as usize..s.rest.1 as usize],
        );
        true
    }
}
