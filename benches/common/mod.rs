//! The bench city: the bundled city with 1,000,000 incidents, generated in memory (the same as
//! `gridwatch generate --scale 1000000`) and indexed.

use std::path::Path;

use gridwatch::geodata::generate::{self, Options};
use gridwatch::index::Engine;

/// # Panics
/// If the bundled sources do not generate or index (a broken checkout).
#[must_use]
pub fn city_with_million_incidents() -> Engine {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/sources");
    let generated = generate::generate(
        &sources,
        Options {
            incidents: 1_000_000,
            ..Options::default()
        },
    )
    .expect("generates");
    Engine::build(generated.dataset).expect("indexes")
}
