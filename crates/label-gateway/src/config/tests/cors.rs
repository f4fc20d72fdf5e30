//! `[server] cors_allowed_origins`: exact origins, each problem at its index.

use super::problems::tenant;
use super::{parse_ok, problems};

#[test]
fn origins_are_read_and_anything_else_is_named() {
    let text = format!(
        "[server]\ncors_allowed_origins = [\"https://app.example.com\", \"http://127.0.0.1:8081\"]\n{}",
        tenant("acme", "")
    );
    assert_eq!(
        parse_ok(&text).server.cors_allowed_origins,
        ["https://app.example.com", "http://127.0.0.1:8081"]
    );
    assert!(parse_ok(&tenant("acme", ""))
        .server
        .cors_allowed_origins
        .is_empty());
    let text = format!(
        "[server]\ncors_allowed_origins = [\"*\", \"https://app.example.com/app\", \"https://ok.example\", 3]\n{}",
        tenant("acme", "")
    );
    let found = problems(&text);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("server.cors_allowed_origins[0]: `*` is not allowed"));
    assert!(found[1].starts_with("server.cors_allowed_origins[1]: must be an origin"));
    assert!(found[2].starts_with("server.cors_allowed_origins[3]: "));
    let found = problems(&format!(
        "[server]\ncors_allowed_origins = \"https://a.b\"\n{}",
        tenant("acme", "")
    ));
    assert!(found[0].starts_with("server.cors_allowed_origins: must be a list of origins"));
}
