//! `GET /users/{user_id}/labels` (`{"labels": {label: weight, ...}}`) read straight from the
//! answer's bytes into a list's encoding. A user may have hundreds of thousands of labels in a
//! few megabytes; a `String` and a `Label` for each weighed about ten times the answer. Here
//! each label is a borrowed slice of the answer and its number (48 bytes), in a vector sized
//! by a first pass that counts them and allocates nothing.

use std::borrow::Cow;
use std::fmt;

use label_core::{LabelList, LabelView};
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Number;

/// One label of the answer, as it was written.
pub struct Entry<'a> {
    label: Cow<'a, str>,
    number: Number,
    /// Its place in the answer: of a label written twice, the last weight counts.
    at: u32,
}

impl Entry<'_> {
    fn weight(&self) -> f64 {
        // Checked finite when read.
        self.number.as_f64().unwrap_or(0.0)
    }
}

/// The user's labels in the contract's order (highest weight first, ties by name), each
/// label once with its last weight, as the vendor's own (Python) dict would keep it.
pub fn read(body: &[u8]) -> Result<Vec<Entry<'_>>, serde_json::Error> {
    let count = Answer(None).deserialize(&mut serde_json::Deserializer::from_slice(body))?;
    let mut entries = Vec::with_capacity(count);
    let mut parser = serde_json::Deserializer::from_slice(body);
    Answer(Some(&mut entries)).deserialize(&mut parser)?;
    parser.end()?;
    // Sorted in place (an unstable sort allocates nothing); with each name once, weight then
    // name is a total order, so the vendor's order of ties cannot show.
    entries.sort_unstable_by(|a, b| a.label.cmp(&b.label).then(b.at.cmp(&a.at)));
    entries.dedup_by(|later, kept| later.label == kept.label);
    entries.sort_unstable_by(|a, b| {
        b.weight()
            .partial_cmp(&a.weight())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.label.cmp(&b.label))
    });
    Ok(entries)
}

/// ActionHub's record of a label for `include=raw`: the number exactly as the vendor wrote it
/// (`3` must not come back as `3.0`).
#[derive(Serialize)]
struct Raw<'a> {
    label: &'a str,
    weight: &'a Number,
}

/// The entries as the API's label list: id and name are the label's text.
pub fn encode(entries: &[Entry<'_>], include_raw: bool) -> LabelList {
    LabelList::encode(entries, |entry| LabelView {
        id: &entry.label,
        name: Some(&entry.label),
        weight: Some(entry.weight()),
        raw: include_raw.then_some(Raw {
            label: &entry.label,
            weight: &entry.number,
        }),
    })
}

/// The answer object; counts its labels, and keeps them when given a place to.
struct Answer<'v, 'de>(Option<&'v mut Vec<Entry<'de>>>);

impl<'de> DeserializeSeed<'de> for Answer<'_, 'de> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Answer<'_, 'de> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with labels")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<usize, A::Error> {
        let mut count = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if key.0 != "labels" {
                map.next_value::<IgnoredAny>()?;
            } else if count.is_some() {
                return Err(A::Error::duplicate_field("labels"));
            } else {
                count = Some(map.next_value_seed(Labels(self.0.take()))?);
            }
        }
        count.ok_or_else(|| A::Error::missing_field("labels"))
    }
}

/// The `labels` object.
struct Labels<'v, 'de>(Option<&'v mut Vec<Entry<'de>>>);

impl<'de> DeserializeSeed<'de> for Labels<'_, 'de> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Labels<'_, 'de> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of label: weight")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut count = 0usize;
        let Some(entries) = self.0 else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                count += 1;
            }
            return Ok(count);
        };
        while let Some((Text(label), number)) = map.next_entry::<Text<'de>, Number>()? {
            if !number.as_f64().is_some_and(f64::is_finite) {
                return Err(A::Error::custom(format!(
                    "weight of {label:?} is not a number"
                )));
            }
            let at = u32::try_from(count).map_err(A::Error::custom)?;
            entries.push(Entry { label, number, at });
            count += 1;
        }
        Ok(count)
    }
}

/// A string borrowed from the answer where it has no escapes, else unescaped into its own.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Of;
        impl<'de> Visitor<'de> for Of {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
        }
        deserializer.deserialize_str(Of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use label_core::Label;

    #[test]
    fn labels_come_once_each_by_weight_then_name_with_their_last_weight() {
        let body = br#"{"labels": {"b": 3, "a": 2.5, "c": 0.1, "a": 1, "d\u00e9": 3}, "x": [1]}"#;
        let entries = read(body).unwrap();
        let got: Vec<(&str, f64)> = entries.iter().map(|e| (&*e.label, e.weight())).collect();
        assert_eq!(got, [("b", 3.0), ("dé", 3.0), ("a", 1.0), ("c", 0.1)]);
    }

    #[test]
    fn the_encoding_is_what_the_labels_would_encode_to() {
        let body = br#"{"labels": {"b": 3, "a\"q": 2.5}}"#;
        let entries = read(body).unwrap();
        for include_raw in [false, true] {
            let labels: Vec<Label> = [("b", 3.0, "3"), ("a\"q", 2.5, "2.5")]
                .iter()
                .map(|&(name, weight, text)| Label {
                    id: name.to_owned(),
                    name: Some(name.to_owned()),
                    weight: Some(weight),
                    raw: include_raw.then(|| {
                        let number: serde_json::Value = serde_json::from_str(text).unwrap();
                        serde_json::json!({"label": name, "weight": number})
                    }),
                })
                .collect();
            let expected = LabelList::new(labels);
            let written = encode(&entries, include_raw);
            assert_eq!(written.encoded().json(), expected.encoded().json());
            assert_eq!(written.encoded().digest(), expected.encoded().digest());
        }
    }

    #[test]
    fn answers_that_are_not_labels_with_weights_do_not_parse() {
        for text in [
            r#"{"labels": {"a": "1"}}"#,
            r#"{"labels": {"a": null}}"#,
            r#"{"labels": ["a"]}"#,
            r#"{"labels": null}"#,
            r#"{"labels": {}, "labels": {}}"#,
            r#"{}"#,
            r#"{"labels": {"a": 1}} trailing"#,
        ] {
            assert!(read(text.as_bytes()).is_err(), "{text}");
        }
    }
}
