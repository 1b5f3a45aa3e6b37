#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sipauth_tui::fuzz::store_parse(data));
