#![no_main]
//! Config text of any shape is a config or a list of problems, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let env = |name: &str| (name == "PW").then(|| "pw".to_owned());
        if let Err(problems) = label_gateway::config::parse(text, &env) {
            assert!(!problems.is_empty());
        }
    }
});
