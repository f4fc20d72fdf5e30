//! A tenant's `passthrough` allow-list: which vendor calls its clients may make past the
//! normalized model. `passthrough = [{ methods = ["GET"], path = "/v2/customers/*/labels",
//! invalidate = "tenant" }]`: `*` is one segment, `**` (last only) one or more; the rest of a
//! glob is literal segments, compared with the request's decoded segments.

use super::fields::Section;

const ENTRY_KEYS: &[&str] = &["methods", "path", "invalidate"];
/// The methods an entry may name. `GET` lets `HEAD` through too, as HTTP means it to.
pub const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/// The calls a tenant's clients may make; empty (the default) allows none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    methods: Vec<&'static str>,
    glob: Vec<Glob>,
    /// A successful write through this entry drops everything the gateway keeps for the
    /// tenant, on every replica.
    pub invalidates_tenant: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Glob {
    Literal(String),
    /// `*`: exactly one segment.
    One,
    /// `**`: the rest, one segment or more.
    Rest,
}

impl AllowList {
    /// The first entry that allows `method` on a path of these (decoded) segments.
    pub fn find(&self, method: &str, segments: &[String]) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|rule| rule.allows_method(method) && matches(&rule.glob, segments))
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

impl Rule {
    fn allows_method(&self, method: &str) -> bool {
        self.methods
            .iter()
            .any(|m| *m == method || (*m == "GET" && method == "HEAD"))
    }
}

fn matches(glob: &[Glob], segments: &[String]) -> bool {
    match (glob.split_first(), segments.split_first()) {
        (None, None) => true,
        (Some((Glob::Rest, _)), Some(_)) => true,
        (Some((Glob::One, glob)), Some((_, segments))) => matches(glob, segments),
        (Some((Glob::Literal(literal), glob)), Some((segment, segments))) => {
            literal == segment && matches(glob, segments)
        }
        _ => false,
    }
}

/// The tenant's `passthrough`, every problem at its key path.
pub(super) fn read(section: &mut Section) -> AllowList {
    let hint = "must be a list of tables, like [{ methods = [\"GET\"], path = \"/v2/x/*\" }]";
    let rules = section.tables("passthrough", ENTRY_KEYS, hint, rule);
    AllowList { rules }
}

fn rule(entry: &mut Section) -> Option<Rule> {
    let methods = methods(entry);
    let glob = entry
        .string("path", true)
        .and_then(|text| match glob(text) {
            Ok(glob) => Some(glob),
            Err(why) => {
                entry.problem(entry.path_of("path"), why);
                None
            }
        });
    let invalidates_tenant = match entry.string("invalidate", false) {
        None => false,
        Some("tenant") => true,
        Some(_) => {
            let why = "must be \"tenant\" (drop the tenant's kept answers after a write)";
            entry.problem(entry.path_of("invalidate"), why);
            false
        }
    };
    Some(Rule {
        methods: methods?,
        glob: glob?,
        invalidates_tenant,
    })
}

fn methods(entry: &mut Section) -> Option<Vec<&'static str>> {
    let listed = entry.strings("methods")?;
    if listed.is_empty() {
        entry.problem(entry.path_of("methods"), "must name at least one method");
        return None;
    }
    let mut methods = Vec::with_capacity(listed.len());
    let mut valid = true;
    for (path, name) in listed {
        match METHODS.iter().find(|m| **m == name) {
            Some(method) => methods.push(*method),
            None => {
                valid = false;
                let why = format!("must be one of {} (in capitals)", METHODS.join(", "));
                entry.problem(path, why);
            }
        }
    }
    valid.then_some(methods)
}

/// A glob's segments; literal ones are plain path names (RFC 3986 unreserved characters and
/// sub-delimiters but `*`, `:` and `@`), so that they read as the decoded segments they match.
fn glob(text: &str) -> Result<Vec<Glob>, String> {
    let rest = text
        .strip_prefix('/')
        .ok_or("must start with `/`, like \"/v2/customers/*/labels\"")?;
    let parts: Vec<&str> = rest.split('/').collect();
    let mut glob = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let segment = match *part {
            "" => return Err("has an empty segment (`//` or a trailing `/`)".to_owned()),
            "." | ".." => return Err("has a dot segment (`.` or `..`)".to_owned()),
            "*" => Glob::One,
            "**" if i + 1 == parts.len() => Glob::Rest,
            "**" => return Err("may have `**` only as its last segment".to_owned()),
            literal => {
                let plain = literal
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()+,;=:@".contains(c));
                if !plain {
                    let why = "may hold only `*`, `**` or plain names (letters, digits and -._~!$&'()+,;=:@) between its `/`s";
                    return Err(why.to_owned());
                }
                Glob::Literal(literal.to_owned())
            }
        };
        glob.push(segment);
    }
    Ok(glob)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &str) -> Vec<String> {
        path.trim_start_matches('/')
            .split('/')
            .map(str::to_owned)
            .collect()
    }

    fn list(globs: &[(&'static str, &str)]) -> AllowList {
        AllowList {
            rules: globs
                .iter()
                .map(|(method, text)| Rule {
                    methods: vec![method],
                    glob: glob(text).unwrap(),
                    invalidates_tenant: false,
                })
                .collect(),
        }
    }

    #[test]
    fn globs_match_one_segment_or_the_rest() {
        let allow = list(&[("GET", "/v2/customers/*/labels"), ("POST", "/v2/labels/**")]);
        let cases = [
            ("GET", "/v2/customers/7/labels", true),
            ("HEAD", "/v2/customers/7/labels", true),
            ("POST", "/v2/customers/7/labels", false),
            ("GET", "/v2/customers/7/8/labels", false),
            ("GET", "/v2/customers/labels", false),
            ("POST", "/v2/labels/a/b", true),
            ("POST", "/v2/labels", false),
            ("DELETE", "/v2/labels/a", false),
        ];
        for (method, path, allowed) in cases {
            let found = allow.find(method, &segments(path)).is_some();
            assert_eq!(found, allowed, "{method} {path}");
        }
    }

    #[test]
    fn bad_globs_are_refused() {
        for text in [
            "v2/x", "/v2//x", "/v2/x/", "/**/x", "/v2/a*b", "/v2/%2f", "/../x", "/a b",
        ] {
            assert!(glob(text).is_err(), "{text}");
        }
    }
}
