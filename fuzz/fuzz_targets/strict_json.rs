#![no_main]
//! A request body of any bytes reads as serde_json reads it, except that an object naming a key
//! twice is refused, with a pointer for each repeat; `read_json` says the same as problems.

use label_gateway::contract::strict_json;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let reference = serde_json::from_slice::<Value>(data);
    match strict_json::parse(data) {
        Ok(value) => assert_eq!(Some(&value), reference.as_ref().ok()),
        Err(Err(_)) => assert!(reference.is_err(), "serde_json reads it"),
        Err(Ok(duplicates)) => {
            assert!(reference.is_ok(), "JSON that serde_json refuses");
            assert!(!duplicates.is_empty());
            for (pointer, _) in &duplicates {
                assert!(pointer.starts_with('/'), "{pointer:?}");
            }
        }
    }
    match label_gateway::contract::read_json(data) {
        Ok(value) => assert!(strict_json::parse(data).is_ok_and(|v| v == value)),
        Err(problems) => {
            assert!(!problems.is_empty());
            assert!(problems
                .iter()
                .all(|p| p.pointer.is_some() && p.header.is_none()));
        }
    }
});
