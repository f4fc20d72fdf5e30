#![no_main]
//! A PATCH body of any bytes is a change request or a list of problems, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(problems) = label_core::ChangeRequest::parse(data) {
        assert!(!problems.is_empty());
    }
});
