//! A job submission read as it arrives, never held whole: the body's bytes go through a
//! splitter that keeps everything but the `customers` array's entries as they came (the
//! *skeleton*, a few hundred bytes, with `"customers": []` in its place), and each entry,
//! without the whitespace around its tokens, into a list deflated chunk by chunk. Once the body
//! has ended, the skeleton is read as strict JSON like any body and the entries are walked in
//! order, now that the formats their ids must have are known (`kind` and `from_tenant` may come
//! after `customers`). Whatever the splitter cannot make sense of marks the body as not JSON.

use super::compact::CompactList;

/// Entries a chunk of the raw list holds: its size only trades deflate's ratio against the one
/// chunk left open.
const RAW_CHUNK: usize = 1000;

#[derive(Default, PartialEq, Eq)]
enum Mode {
    /// Copying into the skeleton.
    #[default]
    Copy,
    /// After `"customers":` at the top level, before its value.
    Value,
    /// Inside the `customers` array.
    Array,
}

#[derive(Default)]
pub struct Splitter {
    mode: Mode,
    skeleton: Vec<u8>,
    entries: CompactList,
    entry: Vec<u8>,
    /// Nesting, in the skeleton or in the array (where 1 is the array itself).
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The last string closed at the top level of the object, while it is short: a key.
    key: Vec<u8>,
    /// The array has an entry or a comma already: a `]` then closes an entry.
    array_started: bool,
    broken: bool,
}

/// What the splitter made of a body.
pub struct Split {
    pub skeleton: Vec<u8>,
    /// Every entry of `customers` as its compact JSON text, in order.
    pub entries: CompactList,
    /// The body is not JSON (the skeleton may still read: the body's problem is this).
    pub broken: bool,
}

impl Splitter {
    pub fn new() -> Self {
        Self {
            entries: CompactList::new(RAW_CHUNK),
            ..Self::default()
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            match self.mode {
                Mode::Array => self.array(byte),
                Mode::Value if byte == b'[' => {
                    self.skeleton.extend_from_slice(b"[]");
                    self.mode = Mode::Array;
                    self.depth = 1;
                    self.array_started = false;
                }
                Mode::Value if byte.is_ascii_whitespace() => self.skeleton.push(byte),
                Mode::Value | Mode::Copy => {
                    self.mode = Mode::Copy;
                    self.copy(byte);
                }
            }
        }
    }

    /// Bytes held now.
    pub fn weight(&self) -> usize {
        self.skeleton.capacity() + self.entries.weight() + self.entry.capacity()
    }

    pub fn finish(mut self) -> Split {
        self.entries.finish();
        Split {
            skeleton: self.skeleton,
            entries: self.entries,
            broken: self.broken || self.mode == Mode::Array || self.in_string,
        }
    }

    fn copy(&mut self, byte: u8) {
        self.skeleton.push(byte);
        if self.in_string {
            if self.depth == 1 && self.key.len() <= 16 {
                self.key.push(byte);
            }
            self.string_byte(byte);
            return;
        }
        match byte {
            b'"' => {
                self.in_string = true;
                self.key.clear();
                self.key.push(byte);
            }
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            b':' if self.depth == 1 && self.key == b"\"customers\"" => self.mode = Mode::Value,
            _ => {}
        }
    }

    fn array(&mut self, byte: u8) {
        if self.in_string {
            self.entry.push(byte);
            self.string_byte(byte);
            return;
        }
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b',' if self.depth == 1 => {
                self.array_started = true;
                self.end_entry();
            }
            b']' if self.depth == 1 => {
                if self.array_started || !self.entry.is_empty() {
                    self.end_entry();
                }
                self.mode = Mode::Copy;
            }
            b'"' => {
                self.in_string = true;
                self.entry.push(byte);
            }
            b'[' | b'{' => {
                self.depth += 1;
                self.entry.push(byte);
            }
            // Closing what no entry opened (`["1"}`) is no JSON.
            b'}' if self.depth == 1 => self.broken = true,
            b']' | b'}' => {
                self.depth -= 1;
                self.entry.push(byte);
            }
            _ => self.entry.push(byte),
        }
    }

    fn string_byte(&mut self, byte: u8) {
        if self.escaped {
            self.escaped = false;
        } else if byte == b'\\' {
            self.escaped = true;
        } else if byte == b'"' {
            self.in_string = false;
        } else if byte < 0x20 {
            // JSON has no raw control character in a string (and the entries' list keeps
            // them apart with `\n`).
            self.broken = true;
        }
    }

    fn end_entry(&mut self) {
        match std::str::from_utf8(&self.entry) {
            Ok(text) if !text.is_empty() => self.entries.push(text),
            _ => self.broken = true,
        }
        self.entry.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(body: &str, step: usize) -> (String, Vec<String>, bool) {
        let mut splitter = Splitter::new();
        for piece in body.as_bytes().chunks(step) {
            splitter.feed(piece);
        }
        let split = splitter.finish();
        let entries = (0..split.entries.len())
            .map(|i| split.entries.get(i).unwrap())
            .collect();
        let skeleton = String::from_utf8(split.skeleton).unwrap();
        (skeleton, entries, split.broken)
    }

    #[test]
    fn entries_go_to_the_list_and_the_rest_stays_in_the_skeleton() {
        let body = r#"{"add": [{"name": "a]\"b"}], "customers" : [ "1", {"from": "x,y", "to": "2"} ,"3" ], "kind": "change"}"#;
        for step in [1, 3, 1000] {
            let (skeleton, entries, broken) = split(body, step);
            assert_eq!(
                skeleton,
                r#"{"add": [{"name": "a]\"b"}], "customers" : [], "kind": "change"}"#
            );
            assert_eq!(entries, [r#""1""#, r#"{"from":"x,y","to":"2"}"#, r#""3""#]);
            assert!(!broken);
        }
        let (_, entries, broken) = split(r#"{"customers": []}"#, 1);
        assert!(entries.is_empty() && !broken);
        for bad in [
            r#"{"customers": ["1",]}"#,
            r#"{"customers": [,]}"#,
            r#"{"customers": ["1""#,
            r#"{"customers": ["1"}, "2"]}"#,
            "{\"customers\": [\"1\n\"]}",
        ] {
            assert!(split(bad, 2).2, "{bad}");
        }
        // Only the top level's key: a nested `customers` stays in the skeleton.
        let (skeleton, entries, _) = split(r#"{"labels": {"customers": ["1"]}}"#, 1);
        assert!(entries.is_empty() && skeleton.contains(r#"["1"]"#));
    }
}
