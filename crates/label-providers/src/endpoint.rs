//! A tenant's vendor: where it is, the pooled client that reaches it, and the headers every
//! call carries. Credentials are header values marked sensitive, so no `Debug` shows them.

use std::fmt;
use std::sync::Arc;

use label_core::{CallContext, Error};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder, Url};
use secrecy::ExposeSecret;

use crate::http::{self, Reply};
use crate::in_flight::InFlight;
use crate::redact::Redactor;
use crate::settings::{ProviderSettings, SettingProblem};

pub struct Endpoint {
    base_url: Url,
    /// The base URL's path without its trailing `/`, which every request's path extends.
    base_path: String,
    client: reqwest::Client,
    headers: HeaderMap,
    max_body_bytes: usize,
    in_flight: InFlight,
    /// How long an answer may wait for its bytes outside any deadline: one call's bound.
    wait: std::time::Duration,
    redactor: Arc<Redactor>,
}

impl Endpoint {
    /// `secrets` are the backend's credentials in every form it sends them (a Basic
    /// credential, a token): with the tenant's own keys and every sensitive header value as it
    /// goes out (`Bearer <token>`, whose Base64 form is not the token's), they are kept out of
    /// vendor text.
    pub fn new(settings: &ProviderSettings, headers: HeaderMap, secrets: &[&str]) -> Self {
        let hidden = settings.hidden.iter().map(|s| s.expose_secret());
        let sent = headers
            .values()
            .filter(|value| value.is_sensitive())
            .filter_map(|value| value.to_str().ok());
        let redactor = Redactor::new(secrets.iter().copied().chain(hidden).chain(sent));
        Self {
            base_url: settings.base_url.clone(),
            base_path: settings.base_url.path().trim_end_matches('/').to_owned(),
            client: http::client(settings),
            max_body_bytes: settings.max_body_bytes,
            in_flight: settings.in_flight.clone(),
            wait: settings.request_timeout,
            redactor: Arc::new(redactor),
            headers,
        }
    }

    /// Sends a request made by [`Endpoint::request`]; see [`http::send`]. The answer comes
    /// back with every secret in its text replaced: whatever is parsed from it (label names
    /// included) and cached is clean, and a cache hit pays nothing for it.
    pub async fn send(
        &self,
        request: RequestBuilder,
        ctx: &CallContext,
        method: &Method,
        template: &'static str,
    ) -> Result<Reply, Error> {
        let mut reply = http::send(request, ctx, method, template, self.limits()).await?;
        reply.scrub_body();
        Ok(reply)
    }

    /// What [`http::send`] holds a call of this endpoint to. Given to it directly only for the
    /// one answer whose secret the gateway needs: a token the vendor may issue again while it
    /// lives, which [`Endpoint::send`] would turn into `[redacted]`.
    pub fn limits(&self) -> http::Limits<'_> {
        http::Limits {
            max_body: self.max_body_bytes,
            in_flight: &self.in_flight,
            wait: self.wait,
            redactor: &self.redactor,
        }
    }

    /// What keeps the tenant's secrets out of vendor text; a secret learnt later (a token the
    /// vendor issued) is added to it.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// A request to the base URL + an already-encoded path (and query), with the vendor's
    /// headers. The parsed base is reused: parsing the whole URL again, host included, was a
    /// tenth of the gateway's instructions on a cache miss.
    pub fn request(&self, method: Method, encoded_path: &str) -> RequestBuilder {
        self.request_to(method, self.url(encoded_path))
    }

    /// The base URL + an already-encoded path (and query).
    pub fn url(&self, encoded_path: &str) -> Url {
        let (path, query) = match encoded_path.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (encoded_path, None),
        };
        let mut url = self.base_url.clone();
        url.set_path(&[self.base_path.as_str(), path].concat());
        url.set_query(query);
        url
    }

    /// A request to `url` with the vendor's headers.
    pub fn request_to(&self, method: Method, url: Url) -> RequestBuilder {
        self.client
            .request(method, url)
            .headers(self.headers.clone())
    }

    /// Whether `url` is below the base URL: same origin, the base's path a whole prefix.
    pub fn contains(&self, url: &Url) -> bool {
        within(&self.base_url, &self.base_path, url)
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

/// Whether `url` is below `base` (same scheme, host and port; the base's path as a prefix that
/// ends at a segment's end).
fn within(base: &Url, base_path: &str, url: &Url) -> bool {
    let same_origin = url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
        && url.username() == base.username()
        && url.password() == base.password();
    let below = url
        .path()
        .strip_prefix(base_path)
        .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1);
    same_origin && below && url.fragment().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_of(base: &str, encoded_path: &str) -> String {
        let settings = ProviderSettings::for_test(base, "");
        let request = Endpoint::new(&settings, HeaderMap::new(), &[])
            .request(Method::GET, encoded_path)
            .build()
            .unwrap();
        request.url().to_string()
    }

    #[test]
    fn paths_extend_the_base_url_as_given() {
        let cases = [
            (
                "http://127.0.0.1:9/",
                "/v2/customers/7/labels",
                "http://127.0.0.1:9/v2/customers/7/labels",
            ),
            (
                "https://h.example/api/",
                "/v2/x",
                "https://h.example/api/v2/x",
            ),
            (
                "https://h.example/api",
                "/v2/x",
                "https://h.example/api/v2/x",
            ),
            // Encoded segments stay encoded: nothing a customer id holds becomes a path step.
            ("http://h/", "/u/a%2F..%2Fb/l", "http://h/u/a%2F..%2Fb/l"),
            ("http://h/", "/u/%252F/l", "http://h/u/%252F/l"),
            (
                "http://h/p/",
                "/labels?page=2&per_page=100",
                "http://h/p/labels?page=2&per_page=100",
            ),
        ];
        for (base, path, expected) in cases {
            assert_eq!(url_of(base, path), expected, "{base} + {path}");
        }
    }
}
