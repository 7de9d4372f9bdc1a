//! The few protobuf primitives an MVT needs, written straight into byte buffers.
//!
//! Hand-written because the generated `prost` types were the bottleneck of an uncached tile:
//! profiling the dense z14 buildings tile under load put a third of its time in building the
//! `Tile`/`Layer`/`Feature` structs (an allocation per feature for tags and geometry) and in
//! `prost`'s two passes over them (`encoded_len`, then `encode`). Writing the fields into
//! reused buffers removes both. The tests decode the output with geozero's `prost` types.

use geozero::mvt::TileValue;

/// Wire type of a varint field.
pub const VARINT: u32 = 0;
/// Wire type of a 64-bit fixed field.
const FIXED64: u32 = 1;
/// Wire type of a length-delimited field (strings, messages, packed arrays).
pub const LEN: u32 = 2;
/// Wire type of a 32-bit fixed field.
const FIXED32: u32 = 5;

/// Appends `v` as a base-128 varint.
#[inline]
pub fn varint(out: &mut Vec<u8>, mut v: u64) {
    if v < 0x80 {
        out.push(v as u8);
        return;
    }
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Bytes `v` takes as a varint.
#[must_use]
#[inline]
pub fn varint_len(v: u64) -> usize {
    // 1 byte per started group of 7 bits, at least one.
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// Appends a field key.
pub fn key(out: &mut Vec<u8>, field: u32, wire: u32) {
    varint(out, u64::from((field << 3) | wire));
}

/// Appends a length-delimited field holding `data`.
pub fn bytes(out: &mut Vec<u8>, field: u32, data: &[u8]) {
    key(out, field, LEN);
    varint(out, data.len() as u64);
    out.extend_from_slice(data);
}

/// The body of an MVT `Value` message holding `value`.
pub fn value(out: &mut Vec<u8>, value: &TileValue) {
    match value {
        TileValue::Str(s) => bytes(out, 1, s.as_bytes()),
        TileValue::Float(f) => {
            key(out, 2, FIXED32);
            out.extend_from_slice(&f.to_le_bytes());
        }
        TileValue::Double(d) => {
            key(out, 3, FIXED64);
            out.extend_from_slice(&d.to_le_bytes());
        }
        TileValue::Int(i) => {
            key(out, 4, VARINT);
            // int64 is written as its two's-complement bits.
            varint(out, *i as u64);
        }
        TileValue::Uint(u) => {
            key(out, 5, VARINT);
            varint(out, *u);
        }
        TileValue::Sint(i) => {
            key(out, 6, VARINT);
            varint(out, ((i << 1) ^ (i >> 63)) as u64);
        }
        TileValue::Bool(b) => {
            key(out, 7, VARINT);
            varint(out, u64::from(*b));
        }
    }
}

#[cfg(test)]
mod tests {
    use geozero::mvt::Message;
    use geozero::mvt::tile::Value;

    use super::*;

    #[test]
    fn varints_match_the_protobuf_encoding() {
        for v in [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut out = Vec::new();
            varint(&mut out, v);
            assert_eq!(out.len(), varint_len(v), "{v}");
            assert_eq!(
                out,
                Value {
                    uint_value: Some(v),
                    ..Value::default()
                }
                .encode_to_vec()[1..]
            );
        }
    }

    #[test]
    fn values_decode_as_written() {
        for v in [
            TileValue::Str("网格 7".into()),
            TileValue::Float(1.5),
            TileValue::Double(-2.25),
            TileValue::Int(-3),
            TileValue::Uint(1 << 40),
            TileValue::Sint(-5),
            TileValue::Bool(true),
        ] {
            let mut out = Vec::new();
            value(&mut out, &v);
            let decoded = Value::decode(out.as_slice()).expect("a Value");
            assert_eq!(decoded, Value::from(v.clone()), "{v:?}");
        }
    }
}
