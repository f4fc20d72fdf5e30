//! A call past the normalized model: a client's request sent to the tenant's vendor at its
//! base URL plus a path, with the gateway's credentials. [`VendorPath`] is the only way to name
//! that path, and it cannot name anything outside the base URL: parse, don't validate.

use bytes::Bytes;

/// The longest path accepted, in bytes as sent (still percent-encoded).
pub const MAX_PATH_BYTES: usize = 2048;
/// The most segments a path may have.
pub const MAX_SEGMENTS: usize = 64;

/// Characters that some servers or proxies fold into `.`, `/` or `\` (Unicode normalization,
/// "best fit" code pages): a segment holding one could become a dot segment or a separator on
/// the way to the vendor, so none is let through.
const LOOKALIKES: &[char] = &[
    '\u{2024}', // one dot leader
    '\u{2025}', // two dot leader
    '\u{2026}', // horizontal ellipsis
    '\u{FE52}', // small full stop
    '\u{FF0E}', // fullwidth full stop
    '\u{3002}', // ideographic full stop
    '\u{FF61}', // halfwidth ideographic full stop
    '\u{2215}', // division slash
    '\u{2044}', // fraction slash
    '\u{29F8}', // big solidus
    '\u{FF0F}', // fullwidth solidus
    '\u{FE68}', // small reverse solidus
    '\u{FF3C}', // fullwidth reverse solidus
    '\u{29F5}', // reverse solidus operator
    '\u{29F9}', // big reverse solidus
];

/// A path below a vendor's base URL that stays below it: one or more segments, each a plain
/// name. Kept as the client sent it (percent-encoded) and as decoded segments, which the
/// allow-list matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorPath {
    encoded: String,
    segments: Vec<String>,
}

impl VendorPath {
    /// Reads a path as sent (`/v2/customers/1/labels`, percent-encoded). Refused: anything but
    /// `/` and RFC 3986 path characters, a backslash, an empty segment (`//`, a trailing `/`),
    /// a dot segment (`.`, `..`, also encoded, also before a `;`), an escape that is not two hex
    /// digits or decodes to `/`, `\`, `%` (a double encoding) or a control character, text that
    /// is not UTF-8 once decoded, and characters that look like a dot or a slash.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.len() > MAX_PATH_BYTES {
            return Err(format!("the path is over {MAX_PATH_BYTES} bytes"));
        }
        let Some(rest) = raw.strip_prefix('/') else {
            return Err("the path must start with `/`".to_owned());
        };
        if let Some(bad) = rest.chars().find(|&c| !is_path_char(c)) {
            return Err(format!(
                "the path holds {}, which a vendor path may not",
                describe(bad)
            ));
        }
        let mut segments = Vec::new();
        for raw_segment in rest.split('/') {
            segments.push(segment(raw_segment)?);
            if segments.len() > MAX_SEGMENTS {
                return Err(format!("the path has more than {MAX_SEGMENTS} segments"));
            }
        }
        Ok(Self {
            encoded: raw.to_owned(),
            segments,
        })
    }

    /// The path as sent, percent-encoded, starting with `/`.
    pub fn as_encoded(&self) -> &str {
        &self.encoded
    }

    /// The segments, decoded.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }
}

/// RFC 3986 `pchar` (unreserved, sub-delims, `:`, `@`, and `%` for escapes) or `/`.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%/".contains(c)
}

fn describe(c: char) -> String {
    match c {
        '\\' => "a backslash".to_owned(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// One segment, checked and decoded.
fn segment(raw: &str) -> Result<String, String> {
    if raw.is_empty() {
        return Err("the path has an empty segment (`//` or a trailing `/`)".to_owned());
    }
    let decoded = percent_decode(raw)?;
    let text = String::from_utf8(decoded)
        .map_err(|_| "a path segment is not UTF-8 once decoded".to_owned())?;
    if let Some(bad) = text
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '%') || c.is_control())
    {
        return Err(format!(
            "a path segment decodes to {} (an encoded separator or a double encoding)",
            describe(bad)
        ));
    }
    if let Some(bad) = text.chars().find(|c| LOOKALIKES.contains(c)) {
        return Err(format!(
            "a path segment holds U+{:04X}, which looks like a dot or a slash",
            bad as u32
        ));
    }
    // `..;x` is `..` to servers that read `;` as the start of a segment's parameters.
    let name = text.split(';').next().unwrap_or_default();
    if name == "." || name == ".." {
        return Err("the path has a dot segment (`.` or `..`)".to_owned());
    }
    Ok(text)
}

fn percent_decode(raw: &str) -> Result<Vec<u8>, String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let hex = bytes.get(i + 1..i + 3).and_then(|pair| {
            let pair = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(pair, 16).ok()
        });
        match hex {
            Some(byte) => out.push(byte),
            None => return Err("a `%` in the path is not followed by two hex digits".to_owned()),
        }
        i += 3;
    }
    Ok(out)
}

/// A client's request for the vendor: what goes on, and nothing else (no client header but
/// these, never its `Authorization`).
#[derive(Debug, Clone)]
pub struct PassthroughRequest {
    /// An upper-case HTTP method.
    pub method: String,
    pub path: VendorPath,
    /// The query string as sent, without `?`.
    pub query: Option<String>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub body: Bytes,
    /// A successful write drops every answer the gateway keeps for the tenant.
    pub invalidates_tenant: bool,
}

impl PassthroughRequest {
    /// `GET` and `HEAD`: the only calls repeated after a failure.
    pub fn reads(&self) -> bool {
        matches!(self.method.as_str(), "GET" | "HEAD")
    }
}

/// What the vendor answered: its status, the headers that may be handed on (already chosen and
/// scrubbed by the backend), its body (scrubbed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassthroughAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl PassthroughAnswer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_kept_as_sent_with_decoded_segments() {
        let path = VendorPath::parse("/v2/customers/a%20b/labels").unwrap();
        assert_eq!(path.as_encoded(), "/v2/customers/a%20b/labels");
        assert_eq!(path.segments(), ["v2", "customers", "a b", "labels"]);
        assert!(VendorPath::parse("/v2/x;y=1/@:z").is_ok());
    }

    #[test]
    fn hostile_paths_are_refused() {
        for raw in [
            "",
            "/",
            "//",
            "/a//b",
            "/a/",
            "/..",
            "/a/../b",
            "/./a",
            "/%2e%2e/a",
            "/.%2E/a",
            "/a%2fb",
            "/a%2Fb",
            "/a%5cb",
            "/a%5Cb",
            "/a\\b",
            "/a%252fb",
            "/a%25",
            "/a%",
            "/a%zz",
            "/a%00b",
            "/a%0d%0ab",
            "/..;/a",
            "/a/..;x",
            "/%E2%80%A4%E2%80%A4/x",
            "/%EF%BC%8E%EF%BC%8E/x",
            "/a%EF%BC%8Fb",
            "/a%ff",
            "a/b",
            "http://evil/x",
            "/a b",
            "/a?b",
            "/a#b",
            "/a\u{2024}",
        ] {
            assert!(VendorPath::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }
}
