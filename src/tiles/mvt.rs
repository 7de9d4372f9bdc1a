//! A tile's layers into Mapbox Vector Tile 2.1 bytes (protobuf, via geozero's generated types).

use geozero::mvt::tile::{Feature as MvtFeature, Layer as MvtLayer};
use geozero::mvt::{Message, TagsBuilder, Tile};

use super::encode::{commands, prepare};
use super::layers::Feature;
use super::tile::{EXTENT, TileId};

/// Encodes `layers` (name, features in lon/lat) for `tile`. Features with nothing in the
/// buffered tile are left out, and so are layers left empty; an empty result means an empty
/// tile.
#[must_use]
pub fn encode(tile: TileId, layers: &[(&str, Vec<Feature>)]) -> Vec<u8> {
    let mut out = Tile::default();
    for (name, features) in layers {
        let mut tags = TagsBuilder::new();
        let mut encoded = Vec::with_capacity(features.len());
        for f in features {
            let Some(geometry) = prepare(tile, &f.geometry) else {
                continue;
            };
            let (kind, geometry) = commands(&geometry);
            let mut feature_tags = Vec::with_capacity(f.properties.len() * 2);
            for (key, value) in &f.properties {
                let (k, v) = tags.insert_ref(key, value.clone());
                feature_tags.extend([k, v]);
            }
            encoded.push(MvtFeature {
                id: Some(f.id),
                tags: feature_tags,
                r#type: Some(kind as i32),
                geometry,
            });
        }
        if encoded.is_empty() {
            continue;
        }
        let (keys, values) = tags.into_tags();
        out.layers.push(MvtLayer {
            version: 2,
            name: (*name).to_owned(),
            features: encoded,
            keys,
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        });
    }
    if out.layers.is_empty() {
        Vec::new()
    } else {
        out.encode_to_vec()
    }
}
