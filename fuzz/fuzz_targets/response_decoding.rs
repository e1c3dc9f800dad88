#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wx_fuzz::response_decoding(data));
