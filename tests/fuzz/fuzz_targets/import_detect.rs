#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sipauth_tui::fuzz::import_detect(data));
