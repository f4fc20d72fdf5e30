#![no_main]
//! A PATCH body of any bytes is a change request or a list of problems, never a panic; what is
//! accepted obeys the contract (1 to 100 references, no control or bidirectional control
//! characters, no key named twice in an object).

use label_core::LabelRef;
use label_gateway::contract::{parse_change_request, strict_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_change_request(data) {
        Ok(request) => {
            let total = request.add.len() + request.remove.len();
            assert!((1..=100).contains(&total));
            assert!(
                strict_json::parse(data).is_ok(),
                "a body with a repeated key"
            );
            for reference in request.add.iter().chain(&request.remove) {
                let (LabelRef::Name(text) | LabelRef::Id(text)) = reference;
                assert!((1..=255).contains(&text.chars().count()));
                assert!(!text.chars().any(|c| c.is_control() || is_bidi_control(c)));
            }
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
});

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
