//! JSON as a request body must be: an object that names a key twice is refused (serde_json
//! keeps the last one silently, so a proxy and the gateway could read two different requests
//! from one body), each duplicate reported at its RFC 6901 pointer.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Problems found while reading, each `(pointer, detail)`.
pub type Duplicates = Vec<(String, String)>;

/// The value of `body`, or why it is not one: not JSON at all (`Err(None)` with serde's
/// message), or JSON whose objects repeat keys.
pub fn parse(body: &[u8]) -> Result<Value, Result<Duplicates, serde_json::Error>> {
    let mut duplicates = Vec::new();
    let mut reader = serde_json::Deserializer::from_slice(body);
    let value = Strict {
        pointer: String::new(),
        duplicates: &mut duplicates,
    }
    .deserialize(&mut reader)
    .and_then(|value| reader.end().map(|()| value))
    .map_err(Err)?;
    if duplicates.is_empty() {
        Ok(value)
    } else {
        Err(Ok(duplicates))
    }
}

/// RFC 6901: `~` and `/` inside a reference token are escaped.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

struct Strict<'a> {
    pointer: String,
    duplicates: &'a mut Duplicates,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut values = Vec::new();
        loop {
            let pointer = format!("{}/{}", self.pointer, values.len());
            let seed = Strict {
                pointer,
                duplicates: &mut *self.duplicates,
            };
            match items.next_element_seed(seed)? {
                Some(value) => values.push(value),
                None => return Ok(Value::Array(values)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            let pointer = format!("{}/{}", self.pointer, escape(&key));
            let seed = Strict {
                pointer: pointer.clone(),
                duplicates: &mut *self.duplicates,
            };
            let value = entries.next_value_seed(seed)?;
            if map.insert(key, value).is_some() {
                self.duplicates.push((
                    pointer,
                    "this key appears more than once in its object".to_owned(),
                ));
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_key_named_twice_is_reported_where_it_is() {
        let body = br#"{"add":[{"name":"a","name":"b"}],"add":[],"a/b":{"x":1,"x":2}}"#;
        let Err(Ok(duplicates)) = parse(body) else {
            panic!("duplicates were accepted");
        };
        let pointers: Vec<&str> = duplicates.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, ["/add/0/name", "/add", "/a~1b/x"]);
    }

    #[test]
    fn other_json_reads_as_serde_json_reads_it() {
        let body = br#"{"add":[{"name":"VIP"}],"n":[1,-2,3.5,true,null,"\u00e9"]}"#;
        let expected: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(parse(body).unwrap(), expected);
        assert_eq!(parse(b"[]").unwrap(), json!([]));
        assert!(matches!(parse(b"{"), Err(Err(_))));
        assert!(matches!(parse(b"{} x"), Err(Err(_))));
    }
}
