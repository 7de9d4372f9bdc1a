//! Replays what the fuzzers were started from (`fuzz/seeds/`) and every input they found that
//! crashed something (`fuzz/regressions/{target}/`, kept after the fix; none so far, see its
//! README for the rule) through the same entry points the fuzz targets call, so a normal
//! `cargo test` fails if an old crash comes back.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::path::Path;

use common::engine;
use gridwatch::api::fuzz;

/// Every file under `fuzz/{seeds,regressions}/{target}`.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    // The folder the fuzz script copies crash inputs to is where this test looks.
    assert!(root.join("regressions/README.md").is_file());
    let mut out = Vec::new();
    for kind in ["seeds", "regressions"] {
        let Ok(dir) = std::fs::read_dir(root.join(kind).join(target)) else {
            continue;
        };
        for entry in dir {
            let path = entry.unwrap().path();
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

#[test]
fn every_saved_fuzz_input_is_answered_without_a_panic() {
    let engine = engine();
    let mut replayed = 0;
    for (target, run) in [
        (
            "geojson",
            &(|d: &[u8]| fuzz::geojson(d, &engine)) as &dyn Fn(&[u8]),
        ),
        ("csv", &fuzz::csv),
        ("gpx", &|d: &[u8]| fuzz::gpx(d, &engine)),
        ("query", &|d: &[u8]| fuzz::query(d, &engine)),
        ("tile_path", &fuzz::tile_path),
        ("dataset", &fuzz::dataset),
    ] {
        let saved = inputs(target);
        assert!(!saved.is_empty(), "no seeds for {target}");
        for (name, bytes) in saved {
            eprintln!("{target}: {name}");
            run(&bytes);
            replayed += 1;
        }
    }
    assert!(replayed >= 6);
}
