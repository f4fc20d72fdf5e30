#![no_main]
//! Change requests built from fuzzed references (names and ids of any text, bidirectional
//! controls included, keys repeated on purpose) are accepted exactly when the contract says:
//! every reference exactly one of a valid name or id, none twice in a list or in both lists,
//! 1 to 100 in all, and no key named twice in any object.

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Ref {
    Name(String),
    Id(String),
    /// `{"name": a, "id": b}`: always refused.
    Both(String, String),
    /// `{"name": a, "name": b}`: a repeated key.
    NameTwice(String, String),
}

#[derive(Debug, Arbitrary)]
struct Input {
    add: Vec<Ref>,
    remove: Vec<Ref>,
    /// Names `add` twice at the top level.
    add_twice: bool,
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn object(reference: &Ref) -> String {
    match reference {
        Ref::Name(name) => format!("{{\"name\":{}}}", quoted(name)),
        Ref::Id(id) => format!("{{\"id\":{}}}", quoted(id)),
        Ref::Both(name, id) => format!("{{\"name\":{},\"id\":{}}}", quoted(name), quoted(id)),
        Ref::NameTwice(a, b) => format!("{{\"name\":{},\"name\":{}}}", quoted(a), quoted(b)),
    }
}

fn list(refs: &[Ref]) -> String {
    let objects: Vec<String> = refs.iter().map(object).collect();
    format!("[{}]", objects.join(","))
}

fn valid_text(text: &str) -> bool {
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    (1..=255).contains(&text.chars().count()) && !text.chars().any(|c| c.is_control() || bidi(c))
}

/// The reference as the contract reads it, or `None` if it is refused.
fn accepted(reference: &Ref) -> Option<(bool, &str)> {
    match reference {
        Ref::Name(name) => valid_text(name).then_some((true, name.as_str())),
        Ref::Id(id) => valid_text(id).then_some((false, id.as_str())),
        Ref::Both(..) | Ref::NameTwice(..) => None,
    }
}

fuzz_target!(|input: Input| {
    let mut body = format!(
        "{{\"add\":{},\"remove\":{}",
        list(&input.add),
        list(&input.remove)
    );
    if input.add_twice {
        body.push_str(&format!(",\"add\":{}", list(&input.add)));
    }
    body.push('}');
    let add: Vec<_> = input.add.iter().map(accepted).collect();
    let remove: Vec<_> = input.remove.iter().map(accepted).collect();
    let all_valid = add.iter().chain(&remove).all(Option::is_some);
    let unique = |refs: &[Option<(bool, &str)>]| {
        refs.iter().enumerate().all(|(i, r)| !refs[..i].contains(r))
    };
    let disjoint = remove.iter().all(|r| !add.contains(r));
    let total = add.len() + remove.len();
    let expected = !input.add_twice
        && all_valid
        && unique(&add)
        && unique(&remove)
        && disjoint
        && (1..=100).contains(&total);
    let parsed = label_gateway::contract::parse_change_request(body.as_bytes());
    assert_eq!(parsed.is_ok(), expected, "{body}: {parsed:?}");
    if let Err(problems) = parsed {
        assert!(!problems.is_empty());
    }
});
