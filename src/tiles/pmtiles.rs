//! A PMTiles v3 archive writer (<https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md>):
//! one file holding every tile of a pyramid, addressed by Hilbert tile id, for static hosting
//! on a CDN. Tiles and directories are gzip-compressed; identical tiles are stored once.
//! Written by hand: the format is a 127-byte header, varint directories and the tile bytes.

use std::collections::HashMap;
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::tile::TileId;

/// The largest root directory (with the header) a reader fetches in its first request.
const ROOT_LIMIT: usize = 16_384 - 127;

/// The Hilbert tile id of a tile: tiles of lower zooms first, then the Hilbert curve order.
#[must_use]
pub fn tile_id(tile: TileId) -> u64 {
    let zoom = u32::from(tile.z);
    let before: u64 = (0..zoom).map(|i| 1u64 << (2 * i)).sum();
    let side = 1u64 << zoom;
    let (mut col, mut row, mut along) = (u64::from(tile.x), u64::from(tile.y), 0u64);
    let mut half = side / 2;
    while half > 0 {
        let right = u64::from(col & half > 0);
        let down = u64::from(row & half > 0);
        along += half * half * ((3 * right) ^ down);
        if down == 0 {
            if right == 1 {
                col = side - 1 - col;
                row = side - 1 - row;
            }
            std::mem::swap(&mut col, &mut row);
        }
        half /= 2;
    }
    before + along
}

/// One directory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub tile_id: u64,
    pub offset: u64,
    pub length: u32,
    /// 1 for a tile; 0 for a pointer to a leaf directory.
    pub run_length: u32,
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// A directory, serialised and compressed as the spec lays it out.
fn directory(entries: &[Entry]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    varint(&mut out, entries.len() as u64);
    let mut last = 0;
    for e in entries {
        varint(&mut out, e.tile_id - last);
        last = e.tile_id;
    }
    for e in entries {
        varint(&mut out, u64::from(e.run_length));
    }
    for e in entries {
        varint(&mut out, u64::from(e.length));
    }
    for (i, e) in entries.iter().enumerate() {
        let follows = i > 0 && e.offset == entries[i - 1].offset + u64::from(entries[i - 1].length);
        varint(&mut out, if follows { 0 } else { e.offset + 1 });
    }
    gzip(&out)
}

/// Collects tiles (in any order) and writes the archive.
#[derive(Default)]
pub struct Writer {
    tiles: Vec<(u64, TileId, Vec<u8>)>,
}

/// What the header describes beyond the tiles.
#[derive(Debug, Clone)]
pub struct Description {
    /// min lon, min lat, max lon, max lat.
    pub bounds: [f64; 4],
    pub centre: [f64; 2],
    pub centre_zoom: u8,
    /// JSON metadata (TileJSON-like: name, `vector_layers`, attribution).
    pub metadata: serde_json::Value,
}

impl Writer {
    /// Adds one encoded (uncompressed) MVT tile.
    pub fn add(&mut self, tile: TileId, mvt: Vec<u8>) {
        self.tiles.push((tile_id(tile), tile, mvt));
    }

    /// Number of tiles added.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    /// Whether no tile was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }

    /// The whole archive.
    ///
    /// # Errors
    /// Compression failures (none in practice: everything is in memory).
    pub fn finish(mut self, description: &Description) -> std::io::Result<Vec<u8>> {
        self.tiles.sort_by_key(|t| t.0);
        let mut data = Vec::new();
        let mut entries = Vec::with_capacity(self.tiles.len());
        let mut seen: HashMap<Vec<u8>, (u64, u32)> = HashMap::new();
        for (id, _, mvt) in &self.tiles {
            let compressed = gzip(mvt)?;
            let (offset, length) = if let Some(&at) = seen.get(&compressed) {
                at
            } else {
                let at = (data.len() as u64, compressed.len() as u32);
                data.extend_from_slice(&compressed);
                seen.insert(compressed, at);
                at
            };
            entries.push(Entry {
                tile_id: *id,
                offset,
                length,
                run_length: 1,
            });
        }
        let unique = seen.len();
        // The root directory, or leaves under it when it would not fit the first fetch.
        let mut root = directory(&entries)?;
        let mut leaves = Vec::new();
        let mut per_leaf = 4096;
        while root.len() > ROOT_LIMIT {
            leaves.clear();
            let mut pointers = Vec::new();
            for chunk in entries.chunks(per_leaf) {
                let leaf = directory(chunk)?;
                pointers.push(Entry {
                    tile_id: chunk[0].tile_id,
                    offset: leaves.len() as u64,
                    length: leaf.len() as u32,
                    run_length: 0,
                });
                leaves.extend_from_slice(&leaf);
            }
            root = directory(&pointers)?;
            per_leaf *= 2;
        }
        let metadata = gzip(description.metadata.to_string().as_bytes())?;
        let root_offset = 127u64;
        let metadata_offset = root_offset + root.len() as u64;
        let leaves_offset = metadata_offset + metadata.len() as u64;
        let data_offset = leaves_offset + leaves.len() as u64;
        let (min_zoom, max_zoom) = (
            self.tiles.iter().map(|t| t.1.z).min().unwrap_or(0),
            self.tiles.iter().map(|t| t.1.z).max().unwrap_or(0),
        );
        let e7 = |v: f64| ((v * 1e7).round() as i32).to_le_bytes();
        let mut out = Vec::with_capacity(data_offset as usize + data.len());
        out.extend_from_slice(b"PMTiles");
        out.push(3);
        for v in [
            root_offset,
            root.len() as u64,
            metadata_offset,
            metadata.len() as u64,
            leaves_offset,
            leaves.len() as u64,
            data_offset,
            data.len() as u64,
            entries.len() as u64,
            entries.len() as u64,
            unique as u64,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        // Clustered; internal compression gzip (2); tile compression gzip (2); tile type MVT (1).
        out.extend_from_slice(&[1, 2, 2, 1, min_zoom, max_zoom]);
        let [w, s, e, n] = description.bounds;
        for v in [w, s, e, n] {
            out.extend_from_slice(&e7(v));
        }
        out.push(description.centre_zoom);
        out.extend_from_slice(&e7(description.centre[0]));
        out.extend_from_slice(&e7(description.centre[1]));
        debug_assert_eq!(out.len(), 127);
        out.extend_from_slice(&root);
        out.extend_from_slice(&metadata);
        out.extend_from_slice(&leaves);
        out.extend_from_slice(&data);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_ids_follow_the_spec_examples() {
        // From the PMTiles v3 specification: z0 is 0, z1 starts at 1, z2 at 5 ...
        assert_eq!(tile_id(TileId { z: 0, x: 0, y: 0 }), 0);
        assert_eq!(tile_id(TileId { z: 1, x: 0, y: 0 }), 1);
        assert_eq!(tile_id(TileId { z: 1, x: 0, y: 1 }), 2);
        assert_eq!(tile_id(TileId { z: 1, x: 1, y: 1 }), 3);
        assert_eq!(tile_id(TileId { z: 1, x: 1, y: 0 }), 4);
        assert_eq!(tile_id(TileId { z: 2, x: 0, y: 0 }), 5);
        assert_eq!(
            tile_id(TileId {
                z: 12,
                x: 3423,
                y: 1763
            }),
            19_078_479
        );
        // From the Python reference implementation (pmtiles 3, `zxy_to_tileid`).
        assert_eq!(
            tile_id(TileId {
                z: 14,
                x: 13_298,
                y: 6_705
            }),
            304_170_498
        );
    }
}
