#![no_main]

#[path = "engine.rs"]
mod engine;

libfuzzer_sys::fuzz_target!(
    // The city loads before the first input, so its seconds are not taken for a hang.
    init: {
        engine::engine();
    },
    |data: &[u8]| {
        gridwatch::api::fuzz::query(data, engine::engine());
    }
);
