#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wx_fuzz::url_policy(data));
