//! Where the gateway sends requests of its own: a vendor's `base_url` and a webhook's `url`, both
//! held to the same rules (credentials or change events travel in them).

use url::Url;

/// The gateway appends the vendor's paths to this, so it may carry a path prefix but nothing
/// that appending would break or that would leak (credentials belong in the provider's keys).
pub(super) fn check_base_url(text: &str, allow_insecure_http: bool) -> Result<Url, &'static str> {
    let url = Url::parse(text).map_err(|_| "must be an absolute http:// or https:// URL")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http:// or https:// URL");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host");
    }
    // Vendor credentials travel in every request: in clear text only to this machine.
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(&url) {
        return Err(
            "must be https:// unless the host is loopback (or set allow_insecure_http = true)",
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; give them in the provider's own keys");
    }
    if url.query().is_some() {
        return Err("must not have a query (`?...`)");
    }
    if url.fragment().is_some() {
        return Err("must not have a fragment (`#...`)");
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
