//! A job submission's body, read for what it is: up to a million customers. The object's
//! small members are read as strict JSON (a key named twice is refused); `customers` is kept
//! as the raw text it is in the body and walked one entry at a time once the formats its ids
//! must have are known, each id written straight into a [`CompactList`] in its canonical
//! spelling, deflated chunk by chunk. Nothing holds a million JSON values, nor a million ids
//! as text.

use std::collections::HashSet;
use std::hash::BuildHasher;

use label_core::{CustomerId, CustomerIdFormat};
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::compact::CompactList;
use super::problems::Problems;
use super::twice;
use crate::contract::strict_json;

/// The top level of a body: its members but `customers`, and `customers` as text.
pub struct Top<'a> {
    pub fields: Map<String, Value>,
    pub customers: Option<&'a RawValue>,
}

/// Reads the top level (of a streamed body, its skeleton: `customers` is `[]` there, its
/// entries apart); problems (not JSON, not an object, keys named twice) go to `problems`.
pub fn top<'a>(body: &'a [u8], problems: &mut Problems) -> Option<Top<'a>> {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(_) => {
            problems.add("", "body is not valid JSON: it is not UTF-8");
            return None;
        }
    };
    let mut reader = serde_json::Deserializer::from_str(text);
    let read = reader
        .deserialize_map(TopVisitor)
        .and_then(|top| reader.end().map(|()| top));
    let (raw_fields, customers, duplicates) = match read {
        Ok(read) => read,
        Err(err) if err.is_data() => {
            problems.add("", "body must be a JSON object");
            return None;
        }
        Err(err) => {
            problems.add("", format!("body is not valid JSON: {err}"));
            return None;
        }
    };
    for key in duplicates {
        problems.add(
            pointer(&[&key]),
            "this key appears more than once in its object",
        );
    }
    let mut fields = Map::new();
    for (key, raw) in raw_fields {
        match strict_json::parse(raw.get().as_bytes()) {
            Ok(value) => {
                fields.insert(key, value);
            }
            Err(Ok(duplicates)) => {
                for (at, detail) in duplicates {
                    problems.add(format!("{}{at}", pointer(&[&key])), detail);
                }
            }
            Err(Err(err)) => problems.add(pointer(&[&key]), err.to_string()),
        }
    }
    Some(Top { fields, customers })
}

type TopRead<'a> = (
    Vec<(String, &'a RawValue)>,
    Option<&'a RawValue>,
    Vec<String>,
);

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = TopRead<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<TopRead<'de>, A::Error> {
        let (mut fields, mut customers, mut seen, mut duplicates) =
            (Vec::new(), None, HashSet::new(), Vec::new());
        while let Some(key) = entries.next_key::<String>()? {
            let raw: &'de RawValue = entries.next_value()?;
            if !seen.insert(key.clone()) {
                duplicates.push(key);
            } else if key == "customers" {
                customers = Some(raw);
            } else {
                fields.push((key, raw));
            }
        }
        Ok((fields, customers, duplicates))
    }
}

/// The customers' id formats: a change's are the tenant's; a copy's come in pairs.
#[derive(Clone, Copy)]
pub enum Shape {
    Change(CustomerIdFormat),
    Copy {
        from: CustomerIdFormat,
        to: CustomerIdFormat,
    },
}

/// Walks `customers`: each entry checked, canonical, and packed `chunk_size` to a chunk (a
/// copy's as `from\tto`: a tab is in no valid id); a target customer named twice is a problem
/// at its second place.
pub fn customers(
    raw: &RawValue,
    streamed: &CompactList,
    shape: Shape,
    max: usize,
    chunk_size: usize,
    problems: &mut Problems,
) -> CompactList {
    let mut walk = Walk {
        shape,
        max,
        packed: CompactList::new(chunk_size),
        hashes: Vec::with_capacity(streamed.len()),
        skipped: Vec::new(),
        hasher: foldhash::fast::RandomState::default(),
        count: 0,
        problems,
    };
    let mut reader = serde_json::Deserializer::from_str(raw.get());
    if let Err(err) = (&mut reader).deserialize_seq(&mut walk) {
        walk.problems
            .add("/customers", format!("must be an array: {err}"));
    }
    for chunk in 0..streamed.chunks().len() {
        for text in streamed.chunk(chunk).iter() {
            let at = walk.count;
            walk.count += 1;
            if at >= max {
                continue;
            }
            match serde_json::from_str::<&RawValue>(text) {
                Ok(raw) => walk.entry(at, raw),
                Err(err) => {
                    walk.skipped.push(at as u32);
                    let detail = format!("body is not valid JSON: {err}");
                    walk.problems.add(format!("/customers/{at}"), detail);
                }
            }
        }
    }
    walk.packed.finish();
    walk.duplicates();
    if walk.count == 0 && walk.problems.is_empty() {
        walk.problems
            .add("/customers", "at least one customer is required");
    }
    if walk.count > max {
        walk.problems.add(
            "/customers",
            format!("at most {max} customers a job, got {}", walk.count),
        );
    }
    walk.packed
}

struct Walk<'p> {
    shape: Shape,
    max: usize,
    packed: CompactList,
    /// Per packed entry, its target's hash (high bits) and its place in the body (low bits):
    /// sorted once all are read, equal hashes sit side by side and are compared in full. Eight
    /// bytes an entry, where a hash map of them took 34 MB for a million.
    hashes: Vec<u64>,
    /// Places of the entries not packed (they had a problem): a packed entry's index is its
    /// place less the skipped places before it.
    skipped: Vec<u32>,
    hasher: foldhash::fast::RandomState,
    count: usize,
    problems: &'p mut Problems,
}

impl<'de> Visitor<'de> for &mut Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of customers")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        while let Some(raw) = items.next_element::<&RawValue>()? {
            let at = self.count;
            self.count += 1;
            // Past the limit the rest are counted, not checked.
            if at < self.max {
                self.entry(at, raw);
            }
        }
        Ok(())
    }
}

impl Walk<'_> {
    fn entry(&mut self, at: usize, raw: &RawValue) {
        let place = format!("/customers/{at}");
        let packed = match self.shape {
            Shape::Change(format) => match serde_json::from_str::<String>(raw.get()) {
                Ok(id) => self.id(&place, &id, format),
                Err(_) => {
                    self.problems
                        .add(place.clone(), "must be a customer id (a string)");
                    None
                }
            },
            Shape::Copy { from, to } => self.pair(&place, raw, from, to),
        };
        let Some((entry, target)) = packed else {
            self.skipped.push(at as u32);
            return;
        };
        self.hashes
            .push(twice::entry(self.hasher.hash_one(&target), at));
        self.packed.push(&entry);
    }

    /// Problems for the targets named twice, each at its later place, in body order.
    fn duplicates(&mut self) {
        let hashes = std::mem::take(&mut self.hashes);
        let (skipped, packed) = (&self.skipped, &self.packed);
        let entry_at = |place: usize| {
            let before = skipped.partition_point(|&s| (s as usize) < place);
            packed.get(place - before)
        };
        for (at, first) in twice::found(hashes, entry_at, target_of) {
            self.problems.add(
                format!("/customers/{at}"),
                format!("the same customer as /customers/{first}"),
            );
        }
    }

    fn id(&mut self, place: &str, raw: &str, format: CustomerIdFormat) -> Option<(String, String)> {
        match CustomerId::parse(raw, format) {
            Ok(id) => Some((id.as_str().to_owned(), id.as_str().to_owned())),
            Err(err) => {
                self.problems.add(place, err.detail.clone());
                None
            }
        }
    }

    fn pair(
        &mut self,
        place: &str,
        raw: &RawValue,
        from: CustomerIdFormat,
        to: CustomerIdFormat,
    ) -> Option<(String, String)> {
        let value = match strict_json::parse(raw.get().as_bytes()) {
            Ok(Value::Object(object)) => object,
            _ => {
                let detail = r#"must be an object {"from": "...", "to": "..."} with no key twice"#;
                self.problems.add(place, detail);
                return None;
            }
        };
        for key in value.keys().filter(|k| *k != "from" && *k != "to") {
            self.problems
                .add(format!("{place}{}", pointer(&[key])), "unknown field");
        }
        let mut ids = [None, None];
        for (slot, (key, format)) in [("from", from), ("to", to)].into_iter().enumerate() {
            let at = format!("{place}/{key}");
            match value.get(key) {
                Some(Value::String(raw)) => {
                    ids[slot] = self.id(&at, raw, format).map(|(id, _)| id);
                }
                Some(_) => self.problems.add(at, "must be a customer id (a string)"),
                None => self.problems.add(at, "is required"),
            }
        }
        let [Some(from), Some(to)] = ids else {
            return None;
        };
        Some((format!("{from}\t{to}"), to))
    }
}

/// The customer an entry changes: a copy's `to`, else the entry itself.
pub fn target_of(entry: &str) -> &str {
    entry.split_once('\t').map_or(entry, |(_, to)| to)
}

/// The source customer of a copy's entry.
pub fn source_of(entry: &str) -> Option<&str> {
    entry.split_once('\t').map(|(from, _)| from)
}

pub fn pointer(tokens: &[&str]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", strict_json::escape(t)))
        .collect()
}
