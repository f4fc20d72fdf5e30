//! A tenant's vendor: where it is, the pooled client that reaches it, and the headers every
//! call carries. Credentials are header values marked sensitive, so no `Debug` shows them.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder};

use crate::http;
use crate::settings::{ProviderSettings, SettingProblem};

pub struct Endpoint {
    base_url: String,
    client: reqwest::Client,
    headers: HeaderMap,
}

impl Endpoint {
    pub fn new(settings: &ProviderSettings, headers: HeaderMap) -> Self {
        Self {
            base_url: settings.base_url.as_str().trim_end_matches('/').to_owned(),
            client: http::client(settings),
            headers,
        }
    }

    /// A request to `base_url` + an already-encoded path, with the vendor's headers.
    pub fn request(&self, method: Method, encoded_path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{encoded_path}", self.base_url))
            .headers(self.headers.clone())
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("base_url", &self.base_url)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// Builds the headers of a vendor from `(name, config key, value, secret)`, naming the config
/// key of each value HTTP cannot carry unchanged (blanks at the ends, control characters),
/// without repeating the value.
pub fn headers(
    entries: &[(&'static str, &str, &str, bool)],
) -> Result<HeaderMap, Vec<SettingProblem>> {
    let mut headers = HeaderMap::new();
    let mut problems = Vec::new();
    for &(name, key, value, secret) in entries {
        let printable = value.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
        let valid = !value.is_empty() && printable && value.trim() == value;
        match HeaderValue::from_str(value).ok().filter(|_| valid) {
            Some(mut header) => {
                header.set_sensitive(secret);
                headers.insert(HeaderName::from_static(name), header);
            }
            None => problems.push(SettingProblem::new(
                key,
                "must be non-empty printable ASCII without leading or trailing spaces",
            )),
        }
    }
    if problems.is_empty() {
        Ok(headers)
    } else {
        Err(problems)
    }
}
