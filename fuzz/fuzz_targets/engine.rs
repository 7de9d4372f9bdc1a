// The bundled city, loaded once per fuzzing process (the GPX, GeoJSON and query targets need
// its communities, routes and grids).
use std::sync::OnceLock;

use gridwatch::index::Engine;

pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../geodata");
        Engine::build(gridwatch::geodata::read_dir(&dir).expect("the bundled dataset reads"))
            .expect("the bundled dataset indexes")
    })
}
