//! A tile's layers into Mapbox Vector Tile 2.1 bytes, written field by field (`protobuf`) into
//! buffers reused across features and layers.

use std::cell::RefCell;
use std::sync::Arc;

use geozero::mvt::tile::GeomType;
use rustc_hash::FxHashMap;

use super::encode::{Commands, prepare};
use super::layers::Feature;
use super::protobuf::{self, LEN, VARINT};
use super::source::{Scratch, TileSource, key_position};
use super::tile::{EXTENT, TileId};

/// What one layer of a tile is drawn from.
pub enum LayerContent {
    /// A prepared static layer: the tile draws its features meeting the buffered tile.
    Source(Arc<TileSource>),
    /// Features made for this tile (incidents, H3 cells), in lon/lat.
    Features(Vec<Feature>),
}

/// Encodes `layers` (name, content) for `tile`. Features with nothing in the buffered tile are
/// left out, and so are layers left empty; an empty result means an empty tile.
#[must_use]
pub fn encode(tile: TileId, layers: &[(&str, LayerContent)]) -> Vec<u8> {
    // Each thread keeps its buffers, grown to its largest tile, so a tile allocates only its
    // result.
    thread_local! {
        static WRITER: RefCell<Writer> = RefCell::default();
    }
    WRITER.with_borrow_mut(|writer| {
        writer.tile.clear();
        for (name, content) in layers {
            writer.start_layer(name);
            match content {
                LayerContent::Source(source) => writer.source_features(tile, source),
                LayerContent::Features(features) => writer.features(tile, features),
            }
            writer.finish_layer();
        }
        writer.tile.clone()
    })
}

/// Buffers of one tile being written. Field order follows the MVT `.proto` (features, keys,
/// values, extent, version), as generated encoders write it.
#[derive(Default)]
struct Writer {
    tile: Vec<u8>,
    /// The current layer: its name, then its features as they are written.
    layer: Vec<u8>,
    features: usize,
    keys: Vec<&'static str>,
    /// The layer's `values` fields, each a distinct value.
    values: Vec<u8>,
    value_count: u32,
    /// Layer value position per source value position (`u32::MAX`: not in this layer yet).
    source_values: Vec<u32>,
    /// Layer key position per source key position.
    source_keys: Vec<u32>,
    /// Layer value position per encoded value, for features made per tile.
    value_ids: FxHashMap<Vec<u8>, u32>,
    commands: Commands,
    /// The current feature's tags, as packed varints.
    tags: Vec<u8>,
    value: Vec<u8>,
    scratch: Scratch,
    candidates: Vec<u32>,
}

impl Writer {
    fn start_layer(&mut self, name: &str) {
        self.layer.clear();
        protobuf::bytes(&mut self.layer, 1, name.as_bytes());
        self.features = 0;
        self.keys.clear();
        self.values.clear();
        self.value_count = 0;
        self.value_ids.clear();
    }

    fn finish_layer(&mut self) {
        if self.features == 0 {
            return;
        }
        for key in &self.keys {
            protobuf::bytes(&mut self.layer, 3, key.as_bytes());
        }
        self.layer.extend_from_slice(&self.values);
        protobuf::key(&mut self.layer, 5, VARINT);
        protobuf::varint(&mut self.layer, u64::from(EXTENT));
        protobuf::key(&mut self.layer, 15, VARINT);
        protobuf::varint(&mut self.layer, 2);
        protobuf::bytes(&mut self.tile, 3, &self.layer);
    }

    fn push_value(&mut self, body: &[u8]) -> u32 {
        protobuf::bytes(&mut self.values, 4, body);
        self.value_count += 1;
        self.value_count - 1
    }

    /// Appends a feature from `self.commands` and `self.tags`, straight into the layer (its
    /// length is known before it is written).
    fn push_feature(&mut self, id: u64, kind: GeomType) {
        let (tags, geometry) = (self.tags.len(), self.commands.bytes().len());
        let packed = |len: usize| {
            if len == 0 {
                0
            } else {
                1 + protobuf::varint_len(len as u64) + len
            }
        };
        let len = 1 + protobuf::varint_len(id) + packed(tags) + 2 + packed(geometry);
        let out = &mut self.layer;
        protobuf::key(out, 2, LEN);
        protobuf::varint(out, len as u64);
        protobuf::key(out, 1, VARINT);
        protobuf::varint(out, id);
        if tags > 0 {
            protobuf::bytes(out, 2, &self.tags);
        }
        protobuf::key(out, 3, VARINT);
        protobuf::varint(out, kind as u64);
        if geometry > 0 {
            protobuf::bytes(out, 4, self.commands.bytes());
        }
        self.features += 1;
    }

    fn tag(&mut self, key: u32, value: u32) {
        protobuf::varint(&mut self.tags, u64::from(key));
        protobuf::varint(&mut self.tags, u64::from(value));
    }

    fn source_features(&mut self, tile: TileId, source: &TileSource) {
        self.source_values.clear();
        self.source_values.resize(source.values().len(), u32::MAX);
        // All of the source's keys go in (a few bytes), so its tags need no key lookups.
        let mut source_keys = std::mem::take(&mut self.source_keys);
        source_keys.clear();
        source_keys.extend(
            source
                .keys()
                .iter()
                .map(|k| key_position(&mut self.keys, k)),
        );
        let mut candidates = std::mem::take(&mut self.candidates);
        source.candidates_into(tile, &mut candidates);
        for &i in &candidates {
            let Some(kind) = source.geometry(i, tile, &mut self.commands, &mut self.scratch) else {
                continue;
            };
            self.tags.clear();
            for &[k, v] in source.tags(i) {
                let mut local = self.source_values[v as usize];
                if local == u32::MAX {
                    local = self.push_value(&source.values()[v as usize]);
                    self.source_values[v as usize] = local;
                }
                self.tag(source_keys[k as usize], local);
            }
            self.push_feature(source.id(i), kind);
        }
        self.candidates = candidates;
        self.source_keys = source_keys;
    }

    fn features(&mut self, tile: TileId, features: &[Feature]) {
        for f in features {
            let Some(geometry) = prepare(tile, &f.geometry) else {
                continue;
            };
            self.commands.clear();
            let kind = self.commands.geometry(&geometry);
            self.tags.clear();
            for (key, value) in &f.properties {
                let k = key_position(&mut self.keys, key);
                self.value.clear();
                protobuf::value(&mut self.value, value);
                let v = if let Some(&v) = self.value_ids.get(self.value.as_slice()) {
                    v
                } else {
                    let body = std::mem::take(&mut self.value);
                    let v = self.push_value(&body);
                    self.value_ids.insert(body, v);
                    v
                };
                self.tag(k, v);
            }
            self.push_feature(f.id, kind);
        }
    }
}
