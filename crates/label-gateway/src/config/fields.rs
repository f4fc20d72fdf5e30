//! Typed reads from one TOML table that collect every problem instead of stopping at the first.
//!
//! This walks the table by hand rather than deriving `Deserialize`: serde stops a struct at its
//! first error, and its type errors quote the offending value (`invalid type: string "..."`),
//! which for an api key given as a string instead of a list would print the key.

use std::collections::{BTreeSet, HashSet};
use std::ops::RangeInclusive;
use std::time::Duration;

use super::path::{index, join};
use super::ConfigProblem;

pub struct Section<'a> {
    path: String,
    table: &'a toml::Table,
    /// Keys this section reads; any other key is reported as unknown by [`Section::finish`].
    known: &'static [&'static str],
    read: BTreeSet<&'a str>,
    /// Paths whose `${VAR}` could not be substituted: already reported, so read as absent.
    unresolved: &'a HashSet<String>,
    problems: Vec<ConfigProblem>,
}

impl<'a> Section<'a> {
    pub fn new(
        path: String,
        value: &'a toml::Value,
        known: &'static [&'static str],
        unresolved: &'a HashSet<String>,
    ) -> Result<Self, ConfigProblem> {
        let Some(table) = value.as_table() else {
            return Err(ConfigProblem::new(path, wrong_type("a table", value)));
        };
        Ok(Self {
            path,
            table,
            known,
            read: BTreeSet::new(),
            unresolved,
            problems: Vec::new(),
        })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    pub fn unresolved(&self) -> &'a HashSet<String> {
        self.unresolved
    }

    pub fn problem(&mut self, path: String, message: impl Into<String>) {
        self.problems.push(ConfigProblem::new(path, message));
    }

    /// The raw value of a key, marking it as read.
    pub fn value(&mut self, key: &'static str) -> Option<&'a toml::Value> {
        let (key, value) = self.table.get_key_value(key)?;
        self.read.insert(key.as_str());
        Some(value)
    }

    pub fn string(&mut self, key: &'static str, required: bool) -> Option<&'a str> {
        let Some(value) = self.value(key) else {
            if required {
                self.problem(self.path_of(key), "missing required key");
            }
            return None;
        };
        self.as_str(self.path_of(key), value)
    }

    /// Reads a string out of a value, or reports why not; `None` for an unresolved `${VAR}`.
    pub fn as_str(&mut self, path: String, value: &'a toml::Value) -> Option<&'a str> {
        if self.unresolved.contains(&path) {
            return None;
        }
        match value.as_str() {
            Some(text) => Some(text),
            None => {
                self.problem(path, wrong_type("a string", value));
                None
            }
        }
    }

    /// The items of the optional list at `key`, each with its own path; a value that is not a
    /// list is a problem that says what is expected (`hint`).
    pub fn list(&mut self, key: &'static str, hint: &str) -> Vec<(String, &'a toml::Value)> {
        let Some(value) = self.value(key) else {
            return Vec::new();
        };
        let path = self.path_of(key);
        let Some(items) = value.as_array() else {
            self.problem(path, hint);
            return Vec::new();
        };
        let paths = (0..items.len()).map(|i| index(&path, i));
        paths.zip(items).collect()
    }

    /// The required list of strings at `key`, each with its own path.
    pub fn strings(&mut self, key: &'static str) -> Option<Vec<(String, &'a str)>> {
        let Some(value) = self.value(key) else {
            self.problem(self.path_of(key), "missing required key");
            return None;
        };
        if !value.is_array() {
            self.problem(self.path_of(key), wrong_type("a list of strings", value));
            return None;
        }
        let mut strings = Vec::new();
        for (path, item) in self.list(key, "") {
            if let Some(text) = self.as_str(path.clone(), item) {
                strings.push((path, text));
            }
        }
        Some(strings)
    }

    /// The optional list of tables at `key`, each read by `read` as a section of its own with
    /// the keys `known`, its problems at its own path (`key[i].…`).
    pub fn tables<T>(
        &mut self,
        key: &'static str,
        known: &'static [&'static str],
        hint: &str,
        read: fn(&mut Section) -> Option<T>,
    ) -> Vec<T> {
        let mut read_all = Vec::new();
        for (path, item) in self.list(key, hint) {
            match Section::new(path, item, known, self.unresolved()) {
                Ok(mut table) => {
                    let one = read(&mut table);
                    for problem in table.finish() {
                        self.problem(problem.path, problem.message);
                    }
                    read_all.extend(one);
                }
                Err(problem) => self.problem(problem.path, problem.message),
            }
        }
        read_all
    }

    /// An optional integer in `range`; a bad one is reported and `None` is returned.
    pub fn integer(&mut self, key: &'static str, range: RangeInclusive<u64>) -> Option<u64> {
        let value = self.value(key)?;
        let path = self.path_of(key);
        let Some(number) = value.as_integer() else {
            self.problem(path, wrong_type("an integer", value));
            return None;
        };
        match u64::try_from(number) {
            Ok(number) if range.contains(&number) => Some(number),
            _ => {
                self.problem(path, range_message(&range));
                None
            }
        }
    }

    /// A boolean, `false` when absent or wrong (the wrong type is reported).
    pub fn flag(&mut self, key: &'static str) -> bool {
        let Some(value) = self.value(key) else {
            return false;
        };
        let path = self.path_of(key);
        value.as_bool().unwrap_or_else(|| {
            self.problem(path, wrong_type("true or false", value));
            false
        })
    }

    /// An integer with a default that stands in when the key is absent or wrong.
    pub fn integer_or(
        &mut self,
        key: &'static str,
        default: u64,
        range: RangeInclusive<u64>,
    ) -> u64 {
        self.integer(key, range).unwrap_or(default)
    }

    /// [`Section::integer_or`] for a setting the config holds as a count or a duration: the
    /// range is in the key's own unit, as the key's name says (`_ms`, `_seconds`, bytes...).
    pub fn setting_or<T: Setting>(
        &mut self,
        key: &'static str,
        default: T,
        range: RangeInclusive<u64>,
    ) -> T {
        T::from_integer(key, self.integer_or(key, default.to_integer(key), range))
    }

    /// The keys nobody read: what a tenant hands its provider.
    pub fn rest(&self) -> toml::Table {
        self.table
            .iter()
            .filter(|(key, _)| !self.read.contains(key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    }

    /// Every problem found, after reporting each key this section does not know.
    pub fn finish(mut self) -> Vec<ConfigProblem> {
        let unknown: Vec<(String, String)> = self
            .table
            .keys()
            .filter(|key| !self.read.contains(key.as_str()) && !self.known.contains(&key.as_str()))
            .map(|key| (self.path_of(key), unknown_key(key, self.known)))
            .collect();
        for (path, message) in unknown {
            self.problem(path, message);
        }
        self.problems
    }

    /// The problems found, leaving unread keys to someone else (see [`Section::rest`]).
    pub fn into_problems(self) -> Vec<ConfigProblem> {
        self.problems
    }
}

/// The one wording of an unknown key, wherever it is found (a section, a tenant's provider
/// keys): the nearest known key if one is alike, then all of them.
pub fn unknown_key(key: &str, known: &[&str]) -> String {
    let hint = label_core::suggest::closest(key, known.iter().copied())
        .map(|near| format!(" (did you mean `{near}`?)"))
        .unwrap_or_default();
    format!("unknown key{hint}; expected one of: {}", known.join(", "))
}

/// Names the type found, never the value: the value may be a secret.
pub fn wrong_type(expected: &str, found: &toml::Value) -> String {
    let found = found.type_str();
    let article = if found.starts_with(['a', 'i']) {
        "an"
    } else {
        "a"
    };
    format!("must be {expected}, not {article} {found}")
}

fn range_message(range: &RangeInclusive<u64>) -> String {
    let (min, max) = (*range.start(), *range.end());
    if max >= i64::MAX as u64 {
        format!("must be an integer of at least {min}")
    } else {
        format!("must be an integer from {min} to {max}")
    }
}

/// A value an integer key is read into. A duration's unit is its key's suffix.
pub trait Setting: Copy {
    fn to_integer(self, key: &str) -> u64;
    fn from_integer(key: &str, integer: u64) -> Self;
}

impl Setting for u64 {
    fn to_integer(self, _: &str) -> u64 {
        self
    }
    fn from_integer(_: &str, integer: u64) -> Self {
        integer
    }
}

/// The range read is within the type's: the casts cannot truncate.
impl Setting for usize {
    fn to_integer(self, _: &str) -> u64 {
        self as u64
    }
    fn from_integer(_: &str, integer: u64) -> Self {
        integer as usize
    }
}

impl Setting for u32 {
    fn to_integer(self, _: &str) -> u64 {
        self.into()
    }
    fn from_integer(_: &str, integer: u64) -> Self {
        integer as u32
    }
}

impl Setting for Duration {
    fn to_integer(self, key: &str) -> u64 {
        // A duration key names its unit; one that names neither would be read as seconds.
        debug_assert!(
            key.ends_with("_ms") || key.ends_with("_seconds"),
            "{key}: no unit"
        );
        if key.ends_with("_ms") {
            self.as_millis() as u64
        } else {
            self.as_secs()
        }
    }
    fn from_integer(key: &str, integer: u64) -> Self {
        if key.ends_with("_ms") {
            Duration::from_millis(integer)
        } else {
            Duration::from_secs(integer)
        }
    }
}
