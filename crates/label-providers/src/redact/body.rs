//! A vendor's whole answer, scrubbed before anything reads it. In a JSON answer only the
//! strings are vendor text: a secret is replaced inside the string it is in, so the answer
//! still parses as it did; numbers and the structure are left alone.

use std::ops::Range;

use super::{markers, replace_bytes, within, REDACTED};

/// `body` with every range `spans_of` finds replaced, or `None` when it finds none.
pub(super) fn scrub(body: &[u8], spans_of: impl Fn(&[u8]) -> Vec<Range<usize>>) -> Option<Vec<u8>> {
    let spans = spans_of(body);
    if spans.is_empty() {
        return None;
    }
    let json = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['));
    if !json {
        return Some(replace_bytes(body, &spans));
    }
    let strings = strings(body);
    let inside: Vec<_> = spans
        .into_iter()
        .filter(|span| string_of(&strings, span).is_some())
        .collect();
    if inside.is_empty() {
        return None;
    }
    let clean = replace_bytes(body, &inside);
    // The marker can complete a secret with the text around it: then the whole string goes.
    let (strings, markers) = (self::strings(&clean), markers(&clean));
    let mut whole: Vec<Range<usize>> = spans_of(&clean)
        .iter()
        .filter(|span| !within(span, &markers))
        .filter_map(|span| string_of(&strings, span))
        .collect();
    if whole.is_empty() {
        return Some(clean);
    }
    whole.dedup();
    let mut out = Vec::with_capacity(clean.len());
    let mut at = 0;
    for string in whole {
        out.extend_from_slice(&clean[at..string.start]);
        out.extend_from_slice(REDACTED.as_bytes());
        at = string.end;
    }
    out.extend_from_slice(&clean[at..]);
    Some(out)
}

/// The contents (between the quotes) of every string of a JSON text, in order.
fn strings(json: &[u8]) -> Vec<Range<usize>> {
    let mut strings = Vec::new();
    let mut i = 0;
    while i < json.len() {
        if json[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        i = start;
        while i < json.len() && json[i] != b'"' {
            i += if json[i] == b'\\' { 2 } else { 1 };
        }
        strings.push(start..i.min(json.len()));
        i += 1;
    }
    strings
}

/// The string that holds all of `span`, if one does.
fn string_of(strings: &[Range<usize>], span: &Range<usize>) -> Option<Range<usize>> {
    let at = strings.partition_point(|s| s.end < span.end);
    strings
        .get(at)
        .filter(|s| s.start <= span.start && span.end <= s.end)
        .cloned()
}
