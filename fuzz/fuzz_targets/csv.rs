#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    gridwatch::api::fuzz::csv(data);
});
