//! Vector tiles (MVT 2.1) of every layer, encoded from the in-memory engine (never through
//! PostGIS): `tile` addresses tiles, `layers` names the layers and picks their features, `draw` draws one tile for one query, `encode` turns geometry into
//! tile commands, `source` prepares static layers once (projected, attributes encoded; `streams`
//! keeps their short features' command streams per zoom), `mvt` writes the protobuf.

pub mod clip;
pub mod draw;
pub mod encode;
pub mod layers;
pub mod mvt;
pub mod pmtiles;
pub mod protobuf;
pub mod source;
mod streams;
pub mod tile;
pub mod touched;
