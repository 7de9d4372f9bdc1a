//! Content codings for tiles: the one a client prefers, from its `Accept-Encoding`, and the
//! tile compressed into it.
//!
//! Tiles are compressed here, not by the app's compression layer, so that a cached tile is
//! compressed once and its compressed form cached beside it, instead of on every request (a
//! browser asks for br or gzip on every tile).

use std::io::Write;

use axum::http::HeaderValue;

/// A content coding gridwatch sends tiles in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Coding {
    Identity,
    Gzip,
    Br,
}

/// Brotli quality 5 and gzip level 6: most of the size saving at a few hundred microseconds
/// for a dense tile; a cached tile pays it once.
const BROTLI_QUALITY: i32 = 5;
const GZIP_LEVEL: u32 = 6;

impl Coding {
    /// The coding to send to a client that sent `accept` (its `Accept-Encoding`): br or gzip,
    /// whichever it weighs higher (br on a tie), else identity. No header means identity.
    pub(super) fn preferred(accept: Option<&HeaderValue>) -> Self {
        let Some(accept) = accept.and_then(|v| v.to_str().ok()) else {
            return Self::Identity;
        };
        let (mut br, mut gzip, mut any) = (None, None, None);
        for element in accept.split(',') {
            let mut parts = element.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let weight = parts
                .find_map(|p| {
                    let (name, value) = p.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| value.trim().parse::<f32>().unwrap_or(0.0))
                })
                .unwrap_or(1.0);
            if coding.eq_ignore_ascii_case("br") {
                br = Some(weight);
            } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(weight);
            } else if coding == "*" {
                any = Some(weight);
            }
        }
        let br = br.or(any).unwrap_or(0.0);
        let gzip = gzip.or(any).unwrap_or(0.0);
        if br > 0.0 && br >= gzip {
            Self::Br
        } else if gzip > 0.0 {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    /// The `Content-Encoding` value; none for identity.
    pub(super) fn header(self) -> Option<HeaderValue> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some(HeaderValue::from_static("gzip")),
            Self::Br => Some(HeaderValue::from_static("br")),
        }
    }

    /// What tells this coding's cache entries and entity tags from the identity ones.
    pub(super) fn suffix(self) -> &'static str {
        match self {
            Self::Identity => "",
            Self::Gzip => "-gzip",
            Self::Br => "-br",
        }
    }

    /// `bytes` in this coding.
    pub(super) fn compress(self, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Identity => Ok(bytes.to_vec()),
            Self::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(bytes.len() / 2),
                    flate2::Compression::new(GZIP_LEVEL),
                );
                encoder.write_all(bytes)?;
                encoder.finish()
            }
            Self::Br => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: BROTLI_QUALITY,
                    ..Default::default()
                };
                let mut out = Vec::with_capacity(bytes.len() / 2);
                brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
                Ok(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn preferred(accept: &str) -> Coding {
        Coding::preferred(Some(&HeaderValue::from_str(accept).unwrap()))
    }

    #[test]
    fn the_client_weights_choose_the_coding() {
        assert_eq!(Coding::preferred(None), Coding::Identity);
        assert_eq!(preferred(""), Coding::Identity);
        assert_eq!(preferred("identity"), Coding::Identity);
        assert_eq!(preferred("deflate"), Coding::Identity);
        assert_eq!(preferred("gzip"), Coding::Gzip);
        assert_eq!(preferred("x-gzip"), Coding::Gzip);
        assert_eq!(preferred("gzip, deflate, br, zstd"), Coding::Br);
        assert_eq!(preferred("GZIP;q=0.9, BR;Q=0.5"), Coding::Gzip);
        assert_eq!(preferred("br;q=0, gzip"), Coding::Gzip);
        assert_eq!(preferred("br;q=0, gzip;q=0"), Coding::Identity);
        assert_eq!(preferred("*"), Coding::Br);
        assert_eq!(preferred("*;q=0.1, br;q=0"), Coding::Gzip);
        assert_eq!(preferred("gzip;q=nonsense, br;q=0"), Coding::Identity);
    }

    #[test]
    fn compressed_tiles_decompress_to_the_tile() {
        let tile: Vec<u8> = (0..20_000u32).map(|i| (i % 251 / 7) as u8).collect();
        let gz = Coding::Gzip.compress(&tile).unwrap();
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, tile);
        let br = Coding::Br.compress(&tile).unwrap();
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, tile);
        assert!(br.len() < tile.len() / 4 && gz.len() < tile.len() / 4);
    }
}
