//! Where in the file a problem is: its key path (`tenants.acme.api_keys[0]`) looked up in the
//! document as toml_edit parsed it, with the span of every key and value. The checks work on
//! plain values and name paths; this maps each path back to a line and column once, at the
//! end, so no check has to carry spans.

use std::ops::Range;

use toml_edit::{ImDocument, Item, Table, TableLike, Value};

use super::{ConfigProblem, Position};

/// Gives every problem the position of its path: the value (or, for an unknown key, the key);
/// for a key that is missing, the table it is missing from; the document's start for the
/// document as a whole.
pub fn locate(text: &str, problems: &mut [ConfigProblem]) {
    let Ok(document) = ImDocument::parse(text) else {
        return;
    };
    for problem in problems.iter_mut().filter(|p| p.at.is_none()) {
        let at_key = problem.message.starts_with("unknown key");
        let offset = offset_of(document.as_table(), &problem.path, at_key);
        problem.at = Some(position(text, offset));
    }
}

/// The line and column (both from 1, the column in characters) of a byte offset.
pub fn position(text: &str, offset: usize) -> Position {
    let before = text.get(..offset).unwrap_or(text);
    Position {
        line: before.matches('\n').count() + 1,
        column: before.chars().rev().take_while(|&c| c != '\n').count() + 1,
    }
}

#[derive(Debug, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Value(&'a Value),
    Table(&'a Table),
}

fn offset_of(root: &Table, path: &str, at_key: bool) -> usize {
    let Some(segments) = segments(path) else {
        return 0;
    };
    let mut node = Node::Table(root);
    let mut found = 0;
    let mut complete = true;
    let mut key_span: Option<Range<usize>> = None;
    for segment in &segments {
        let next = match segment {
            Segment::Key(key) => {
                node.table_like()
                    .and_then(|t| t.get_key_value(key))
                    .map(|(key, item)| {
                        key_span = key.span();
                        Node::Item(item)
                    })
            }
            Segment::Index(i) => {
                key_span = None;
                node.index(*i)
            }
        };
        let Some(next) = next else {
            complete = false;
            break;
        };
        node = next;
        if let Some(span) = node.span().or_else(|| key_span.clone()) {
            found = span.start;
        }
    }
    match (complete && at_key, key_span) {
        (true, Some(span)) => span.start,
        _ => found,
    }
}

impl<'a> Node<'a> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(item) => item.span(),
            Node::Value(value) => value.span(),
            Node::Table(table) => table.span(),
        }
    }

    fn table_like(self) -> Option<&'a dyn TableLike> {
        match self {
            Node::Item(item) => item.as_table_like(),
            Node::Value(value) => value.as_inline_table().map(|t| t as &dyn TableLike),
            Node::Table(table) => Some(table),
        }
    }

    fn index(self, i: usize) -> Option<Node<'a>> {
        match self {
            Node::Item(Item::ArrayOfTables(tables)) => tables.get(i).map(Node::Table),
            Node::Item(Item::Value(value)) | Node::Value(value) => {
                value.as_array()?.get(i).map(Node::Value)
            }
            _ => None,
        }
    }
}

/// A key path as `path::join` and `path::index` write it, read back: bare keys, keys quoted
/// as Rust's `{:?}` quotes them, and `[n]` indexes. `None` for anything else.
fn segments(path: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut chars = path.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '.' if !segments.is_empty() => {
                chars.next();
            }
            '[' => {
                chars.next();
                let digits: String = chars.by_ref().take_while(|&c| c != ']').collect();
                segments.push(Segment::Index(digits.parse().ok()?));
            }
            '"' => {
                chars.next();
                segments.push(Segment::Key(quoted(&mut chars)?));
            }
            _ => {
                let mut key = String::new();
                while let Some(&c) = chars.peek() {
                    if c == '.' || c == '[' {
                        break;
                    }
                    key.push(c);
                    chars.next();
                }
                segments.push(Segment::Key(key));
            }
        }
    }
    Some(segments)
}

/// The rest of a `{:?}`-quoted string, its closing quote consumed.
fn quoted(chars: &mut impl Iterator<Item = char>) -> Option<String> {
    let mut key = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(key),
            '\\' => key.push(match chars.next()? {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                'u' => {
                    let hex: String = chars.skip(1).take_while(|&c| c != '}').collect();
                    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                }
                other => other,
            }),
            c => key.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_back_as_written() {
        use Segment::{Index, Key};
        let path = "tenants.\"a.b\\\"\\u{7f}\".api_keys[2]";
        assert_eq!(
            segments(path),
            Some(vec![
                Key("tenants".into()),
                Key("a.b\"\u{7f}".into()),
                Key("api_keys".into()),
                Index(2)
            ])
        );
        assert_eq!(segments(""), Some(vec![]));
    }

    fn at(text: &str, path: &str, message: &str) -> (usize, usize) {
        let mut problems = [ConfigProblem::new(path, message)];
        locate(text, &mut problems);
        let at = problems[0].at.expect("a position");
        (at.line, at.column)
    }

    #[test]
    fn a_path_is_found_at_its_value_its_key_or_its_table() {
        let text = "[cache]\nttl_seconds = -1\n\n[tenants.acme]\napi_keys = [\"a\", 7]\nx = 1\n";
        assert_eq!(at(text, "cache.ttl_seconds", "must be"), (2, 15));
        assert_eq!(at(text, "tenants.acme.api_keys[1]", "must be"), (5, 18));
        assert_eq!(at(text, "tenants.acme.x", "unknown key"), (6, 1));
        // Missing: the table it should be in.
        assert_eq!(at(text, "tenants.acme.provider", "missing"), (4, 1));
        // An implicit table: where its key is first written.
        assert_eq!(at(text, "tenants", "at least one"), (4, 2));
        assert_eq!(at(text, "", "whole"), (1, 1));
        let inline = "tenants = { acme = { provider = 3 } }\n";
        assert_eq!(at(inline, "tenants.acme.provider", "must be"), (1, 33));
    }
}
