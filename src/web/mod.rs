//! The web map's files, embedded in the binary so the page works with no network beyond the
//! server: our page, script and stylesheet, and MapLibre GL JS 6.20.0 (vendored unmodified
//! from the npm package, BSD-3-Clause; see `vendor/maplibre-gl/VERSION`).

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// The path under `/web/` (the page itself is `index.html`, also served at `/`).
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
    /// Vendored files never change under their versioned path; ours change with each build.
    pub immutable: bool,
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every embedded file.
pub const ASSETS: [Asset; 12] = [
    Asset {
        path: "index.html",
        content_type: "text/html; charset=utf-8",
        bytes: include_bytes!("index.html"),
        immutable: false,
    },
    Asset {
        path: "map.js",
        content_type: JS,
        bytes: include_bytes!("map.js"),
        immutable: false,
    },
    Asset {
        path: "command.js",
        content_type: JS,
        bytes: include_bytes!("command.js"),
        immutable: false,
    },
    Asset {
        path: "handling.js",
        content_type: JS,
        bytes: include_bytes!("handling.js"),
        immutable: false,
    },
    Asset {
        path: "patrol.js",
        content_type: JS,
        bytes: include_bytes!("patrol.js"),
        immutable: false,
    },
    Asset {
        path: "planning.js",
        content_type: JS,
        bytes: include_bytes!("planning.js"),
        immutable: false,
    },
    Asset {
        path: "committee.js",
        content_type: JS,
        bytes: include_bytes!("committee.js"),
        immutable: false,
    },
    Asset {
        path: "i18n.js",
        content_type: JS,
        bytes: include_bytes!("i18n.js"),
        immutable: false,
    },
    Asset {
        path: "map.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("map.css"),
        immutable: false,
    },
    Asset {
        path: "vendor/maplibre-gl-6.20.0/maplibre-gl.mjs",
        content_type: JS,
        bytes: include_bytes!("vendor/maplibre-gl/maplibre-gl.mjs"),
        immutable: true,
    },
    Asset {
        path: "vendor/maplibre-gl-6.20.0/maplibre-gl-worker.mjs",
        content_type: JS,
        bytes: include_bytes!("vendor/maplibre-gl/maplibre-gl-worker.mjs"),
        immutable: true,
    },
    Asset {
        path: "vendor/maplibre-gl-6.20.0/maplibre-gl.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("vendor/maplibre-gl/maplibre-gl.css"),
        immutable: true,
    },
];

/// The file at `path` (under `/web/`).
#[must_use]
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}
