//! `gridwatch tiles export` writes a PMTiles v3 archive; a small independent reader here
//! checks the header and finds tiles through the (compressed, varint) directories, and each
//! tile it finds equals the tile the engine encodes for that address.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::io::Read;

use flate2::read::GzDecoder;
use gridwatch::config::ExportArgs;
use gridwatch::tiles::layers::Layer;
use gridwatch::tiles::mvt::{LayerContent, encode};
use gridwatch::tiles::pmtiles::tile_id;
use gridwatch::tiles::source::StaticSources;
use gridwatch::tiles::tile::TileId;

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

fn varints(bytes: &[u8]) -> Vec<u64> {
    let (mut out, mut v, mut shift) = (Vec::new(), 0u64, 0);
    for &b in bytes {
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            out.push(v);
            v = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    out
}

/// (tile id, offset, length, run length) of a directory.
fn entries(compressed: &[u8]) -> Vec<(u64, u64, u64, u64)> {
    let v = varints(&gunzip(compressed));
    let n = v[0] as usize;
    let (ids, runs, lengths, offsets) = (
        &v[1..=n],
        &v[n + 1..=2 * n],
        &v[2 * n + 1..=3 * n],
        &v[3 * n + 1..=4 * n],
    );
    let mut out: Vec<(u64, u64, u64, u64)> = Vec::with_capacity(n);
    let mut id = 0;
    for i in 0..n {
        id += ids[i];
        let offset = if offsets[i] == 0 {
            out[i - 1].1 + out[i - 1].2
        } else {
            offsets[i] - 1
        };
        out.push((id, offset, lengths[i], runs[i]));
    }
    out
}

/// The tile at `id`, read through the root and leaf directories.
fn find(archive: &[u8], id: u64) -> Option<Vec<u8>> {
    let (root_at, root_len) = (u64_at(archive, 8) as usize, u64_at(archive, 16) as usize);
    let leaves_at = u64_at(archive, 40) as usize;
    let data_at = u64_at(archive, 56) as usize;
    let mut dir = entries(&archive[root_at..root_at + root_len]);
    loop {
        let e = *dir.iter().rev().find(|e| e.0 <= id)?;
        if e.3 == 0 {
            let at = leaves_at + e.1 as usize;
            dir = entries(&archive[at..at + e.2 as usize]);
            continue;
        }
        if id >= e.0 + e.3 {
            return None;
        }
        let at = data_at + e.1 as usize;
        return Some(gunzip(&archive[at..at + e.2 as usize]));
    }
}

#[test]
fn the_exported_archive_holds_the_engines_tiles() {
    let out = std::env::temp_dir().join(format!("gridwatch-{}.pmtiles", std::process::id()));
    let layers: Vec<Layer> = [
        Layer::Districts,
        Layer::Communities,
        Layer::Grids,
        Layer::Buildings,
    ]
    .to_vec();
    gridwatch::cli::export_tiles(&ExportArgs {
        out: out.clone(),
        layers: layers.clone(),
        minzoom: 6,
        maxzoom: 13,
        data: common::geodata_dir(),
    })
    .unwrap();
    let archive = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    assert_eq!(&archive[..7], b"PMTiles");
    assert_eq!(archive[7], 3, "version 3");
    assert_eq!(
        &archive[96..102],
        &[1, 2, 2, 1, 6, 13],
        "clustered, gzip, gzip, MVT, zooms 6–13"
    );
    let metadata: serde_json::Value = {
        let (at, len) = (u64_at(&archive, 24) as usize, u64_at(&archive, 32) as usize);
        serde_json::from_slice(&gunzip(&archive[at..at + len])).unwrap()
    };
    assert_eq!(metadata["vector_layers"].as_array().unwrap().len(), 4);
    let addressed = u64_at(&archive, 72);
    assert!(addressed > 100, "{addressed} tiles");

    let e = common::engine();
    let sources = StaticSources::default();
    for tile in [
        TileId { z: 6, x: 51, y: 26 },
        TileId {
            z: 10,
            x: 831,
            y: 419,
        },
        TileId {
            z: 13,
            x: 6649,
            y: 3352,
        },
        TileId {
            z: 13,
            x: 6650,
            y: 3353,
        },
    ] {
        let parts: Vec<_> = layers
            .iter()
            .filter(|l| l.drawn_at(tile.z))
            .map(|&l| {
                (
                    l.as_str(),
                    LayerContent::Source(sources.get(&e, l).unwrap()),
                )
            })
            .collect();
        let expected = encode(tile, &parts);
        assert!(!expected.is_empty(), "{tile:?} should have content");
        assert_eq!(
            find(&archive, tile_id(tile)).as_deref(),
            Some(expected.as_slice()),
            "{tile:?}"
        );
    }
    assert_eq!(
        find(&archive, tile_id(TileId { z: 13, x: 0, y: 0 })),
        None,
        "no tile far from the city"
    );
}
