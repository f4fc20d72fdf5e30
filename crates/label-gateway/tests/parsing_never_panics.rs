//! Whatever a client sends, parsing answers with a value or a list of problems, never a panic,
//! and what it accepts obeys the contract's rules.

use label_core::{CustomerId, CustomerIdFormat, LabelRef};
use label_gateway::contract::parse_change_request;
use proptest::prelude::*;
use serde_json::{json, Value};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        prop_oneof![Just("name"), Just("id"), Just("add"), Just("remove")].prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("add".to_owned()),
                    Just("remove".to_owned()),
                    Just("name".to_owned()),
                    Just("id".to_owned()),
                    ".{0,8}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Label text the contract accepts: no control characters, no bidirectional controls.
fn label_text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}\u{202A}-\u{202E}\u{2066}-\u{2069}]{1,40}"
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_change_request(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics_and_what_passes_obeys_the_rules(value in any_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        match parse_change_request(&bytes) {
            Ok(request) => {
                let total = request.add.len() + request.remove.len();
                prop_assert!((1..=100).contains(&total));
                for reference in request.add.iter().chain(&request.remove) {
                    let (LabelRef::Name(text) | LabelRef::Id(text)) = reference;
                    prop_assert!((1..=255).contains(&text.chars().count()));
                    prop_assert!(!text.chars().any(char::is_control));
                    prop_assert!(!text.chars().any(is_bidi_control));
                }
                for removed in &request.remove {
                    prop_assert!(!request.add.contains(removed));
                }
            }
            Err(problems) => prop_assert!(!problems.is_empty()),
        }
    }

    #[test]
    fn valid_requests_are_accepted_as_sent(
        add in prop::collection::btree_set(label_text(), 0..5),
        remove in prop::collection::btree_set(label_text(), 1..5),
    ) {
        let remove: Vec<String> = remove.into_iter().filter(|r| !add.contains(r)).collect();
        prop_assume!(!remove.is_empty());
        let body = json!({
            "add": add.iter().map(|n| json!({"name": n})).collect::<Vec<_>>(),
            "remove": remove.iter().map(|i| json!({"id": i})).collect::<Vec<_>>(),
        });
        let request = parse_change_request(&serde_json::to_vec(&body).unwrap()).unwrap();
        prop_assert_eq!(request.add, add.into_iter().map(LabelRef::Name).collect::<Vec<_>>());
        prop_assert_eq!(request.remove, remove.into_iter().map(LabelRef::Id).collect::<Vec<_>>());
    }

    #[test]
    fn a_bidirectional_control_anywhere_in_a_name_is_refused(
        before in label_text(),
        control in prop::sample::select(vec!['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']),
    ) {
        let name: String = before.chars().take(100).chain([control]).collect();
        let body = json!({"add": [{"name": name}]});
        let problems = parse_change_request(&serde_json::to_vec(&body).unwrap()).unwrap_err();
        prop_assert_eq!(problems[0].pointer.as_deref(), Some("/add/0/name"));
    }

    #[test]
    fn customer_ids_never_panic_and_accepted_ones_keep_their_format(raw in ".{0,300}") {
        if let Ok(id) = CustomerId::parse(&raw, CustomerIdFormat::PositiveInteger { max_digits: 19 }) {
            prop_assert!(id.as_str().bytes().all(|b| b.is_ascii_digit()) && id.as_str().len() <= 19);
        }
        if let Ok(id) = CustomerId::parse(&raw, CustomerIdFormat::Uuid) {
            prop_assert_eq!(id.as_str(), raw.to_lowercase());
        }
        if let Ok(id) = CustomerId::parse(&raw, CustomerIdFormat::Opaque { max_chars: 256 }) {
            prop_assert!(id.as_str() != "." && id.as_str() != ".." && !id.as_str().chars().any(char::is_control));
        }
    }
}
