//! Key paths as problems name them: `tenants.acme.api_keys[0]`, the way TOML would address them.

/// `parent.key`, quoting a key that is not a bare TOML key, so that a key holding a `.` still
/// reads as one key.
pub fn join(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let key = if bare {
        key.to_owned()
    } else {
        format!("{key:?}")
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_toml() {
        assert_eq!(join("", "tenants"), "tenants");
        assert_eq!(join("tenants", "acme"), "tenants.acme");
        assert_eq!(join("tenants", "Acme.Corp"), "tenants.\"Acme.Corp\"");
        assert_eq!(join("tenants", ""), "tenants.\"\"");
        assert_eq!(
            index("tenants.acme.api_keys", 2),
            "tenants.acme.api_keys[2]"
        );
    }
}
