#![no_main]

#[path = "engine.rs"]
mod engine;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    gridwatch::api::fuzz::gpx(data, engine::engine());
});
