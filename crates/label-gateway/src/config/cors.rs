//! `[server] cors_allowed_origins`: the browser origins allowed to call the API, each exactly
//! as a browser sends it in `Origin` (`https://app.example.com`, a port only when it is not the
//! scheme's default), so that comparing is comparing bytes. No `*`, no path, no `null`.

use super::fields::Section;

pub(super) fn read(section: &mut Section) -> Vec<String> {
    let hint = "must be a list of origins, like [\"https://app.example.com\"]";
    let mut origins = Vec::new();
    for (path, item) in section.list("cors_allowed_origins", hint) {
        let Some(text) = section.as_str(path.clone(), item) else {
            continue;
        };
        match origin(text) {
            Ok(origin) => origins.push(origin),
            Err(why) => section.problem(path, why),
        }
    }
    origins
}

/// `text` when it is an origin as a browser serializes it.
pub fn origin(text: &str) -> Result<String, String> {
    const FORM: &str = "an origin, scheme://host[:port] with no path, like https://app.example.com";
    if text == "*" {
        return Err(format!("`*` is not allowed: list each origin ({FORM})"));
    }
    let url = url::Url::parse(text).map_err(|_| format!("must be {FORM}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("must be an http or https origin: {FORM}"));
    }
    let serialized = url.origin().ascii_serialization();
    if serialized != text {
        return Err(format!(
            "must be {FORM}, written as browsers send it in `Origin`: `{serialized}`"
        ));
    }
    Ok(serialized)
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn only_origins_as_browsers_send_them_are_accepted() {
        for good in [
            "https://app.example.com",
            "http://127.0.0.1:8081",
            "https://a.b:8443",
        ] {
            assert_eq!(origin(good).as_deref(), Ok(good));
        }
        for bad in [
            "*",
            "null",
            "app.example.com",
            "https://app.example.com/",
            "https://app.example.com/path",
            "https://App.Example.com",
            "https://app.example.com:443",
            "https://app.example.com?x=1",
            "https://user@app.example.com",
            "ftp://app.example.com",
            "",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
    }
}
