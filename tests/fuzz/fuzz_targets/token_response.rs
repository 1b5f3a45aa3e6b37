#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sipauth_tui::fuzz::token_response(data));
