//! Trybe (per its API reference): labels attached to a customer by UUID; the paginated label catalog
//! maps values (names) to ids. Attach and detach ignore what is already so, which makes them
//! safe to repeat.

mod create;
mod error;
mod wire;

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use label_core::{
    CallContext, Capabilities, Catalog, CreatedLabel, CustomerId, CustomerIdFormat, Error,
    ErrorKind, Fetched, Label, LabelChange, LabelIdFormat, LabelIdentity, LabelKey, LabelList,
    LabelProvider, NewLabel, Op, PassthroughAnswer, PassthroughRequest, WriteStatus,
};
use reqwest::{Method, RequestBuilder};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

use crate::endpoint::{self, Endpoint};
use crate::http::{segment, Reply};
use crate::settings::{vendor_settings, ProviderSettings, SettingProblem};
use error::Scope;
use wire::{Collection, LabelIds, Page};

/// Trybe's `value: max:20`.
const MAX_LABEL_NAME_CHARS: usize = 20;
/// Trybe caps `per_page` silently (at 15 today); asking for more costs nothing and saves
/// pages should the cap ever rise.
const PER_PAGE: u32 = 100;
/// A catalog claiming more pages than this is taken for a broken answer rather than walked:
/// 500 pages is 7,500 labels even at the cap.
const MAX_PAGES: u64 = 500;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrybeSettings {
    token: SecretString,
}

#[derive(Debug)]
pub struct Trybe {
    /// Carries `Authorization: Bearer <token>` and `Accept: application/json`.
    endpoint: Endpoint,
}

pub fn build(settings: &ProviderSettings) -> Result<Arc<dyn LabelProvider>, Vec<SettingProblem>> {
    let own: TrybeSettings = vendor_settings(settings)?;
    let token = own.token.expose_secret();
    // A header value must be visible ASCII; a token that is not would fail on every call.
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(vec![SettingProblem::new(
            "token",
            "must be non-empty, visible ASCII characters without spaces",
        )]);
    }
    let bearer = format!("Bearer {token}");
    // Laravel answers a client that does not ask for JSON with redirects (to a login page on
    // 401, back on 422) instead of JSON errors.
    let headers = endpoint::headers(&[
        ("authorization", "token", &bearer, true),
        ("accept", "token", "application/json", false),
    ])?;
    Ok(Arc::new(Trybe {
        endpoint: Endpoint::new(settings, headers, &[token]),
    }))
}

impl Trybe {
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.endpoint.request(method, path)
    }

    /// Attach (POST) or detach (DELETE): the same path and body, and both ignore labels that
    /// are already so, which is why every label sent is `applied`.
    async fn write(
        &self,
        ctx: &CallContext,
        method: Method,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let body = LabelIds {
            labels: labels.iter().filter_map(|l| l.id.as_deref()).collect(),
        };
        if !body.labels.is_empty() {
            let request = self.request(method.clone(), &customer_path(customer));
            let request = request.json(&body);
            let reply = self
                .endpoint
                .send(request, ctx, &method, CUSTOMER_TEMPLATE)
                .await?;
            error::check(&reply, Scope::Customer)?;
        }
        // The planner resolves ids before writing; a label still without one cannot exist here.
        Ok(labels
            .iter()
            .map(|l| match l.id {
                Some(_) => WriteStatus::Applied,
                None => WriteStatus::NotFound,
            })
            .collect())
    }

    async fn catalog_page(&self, ctx: &CallContext, page: u64) -> Result<(Reply, Page), Error> {
        let path = format!("/customers/labels?page={page}&per_page={PER_PAGE}&archived=false");
        let request = self.request(Method::GET, &path);
        let reply = self
            .endpoint
            .send(request, ctx, &Method::GET, "/customers/labels")
            .await?;
        error::check(&reply, Scope::Account)?;
        let body: Page = reply.json()?;
        if body.meta.current_page != page {
            return Err(broken(
                &reply,
                format!("asked for page {page}, got page {}", body.meta.current_page),
            ));
        }
        if body.meta.last_page > MAX_PAGES {
            return Err(broken(
                &reply,
                format!("the catalog claims {} pages", body.meta.last_page),
            ));
        }
        Ok((reply, body))
    }
}

/// `customer_path` as traces show it: without the customer id.
const CUSTOMER_TEMPLATE: &str = "/customers/customers/{id}/labels";

fn customer_path(customer: &CustomerId) -> String {
    format!("/customers/customers/{}/labels", segment(customer.as_str()))
}

/// What the backend can do, known before any tenant is built (the API document lists each
/// provider's customer-id format from it).
pub const CAPABILITIES: Capabilities = Capabilities {
    read: true,
    add: true,
    remove: true,
    catalog: true,
    weights: false,
    label_key: LabelKey::Id,
    create_labels: true,
    members: false,
    batch: 1,
    batch_read: 1,
    max_label_name_chars: MAX_LABEL_NAME_CHARS,
    catalog_search: false,
    customer_id_format: CustomerIdFormat::Uuid,
    label_id_format: LabelIdFormat::Uuid,
    idempotent_writes: true,
};

#[async_trait]
impl LabelProvider for Trybe {
    fn name(&self) -> &'static str {
        "trybe"
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Fetched<LabelList>, Error> {
        let request = self.request(Method::GET, &customer_path(customer));
        let reply = self
            .endpoint
            .send(request, ctx, &Method::GET, CUSTOMER_TEMPLATE)
            .await?;
        error::check(&reply, Scope::Customer)?;
        let collection: Collection = reply.json()?;
        // An archived label stays attached until detached, so it is still the customer's.
        let labels = collection
            .data
            .into_iter()
            .map(|record| parse_label(&reply, record, ctx.include_raw).map(|(label, _)| label))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Fetched::from_vendor(labels.into()))
    }

    /// Walks the pages by `meta.last_page`: the vendor cuts `per_page` without saying so.
    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        let mut labels = Vec::new();
        // A label created mid-walk shifts the pages, so one may be seen twice.
        let mut seen = HashSet::new();
        let mut page = 1;
        loop {
            let (reply, body) = self.catalog_page(ctx, page).await?;
            for record in body.data {
                let (label, archived) = parse_label(&reply, record, ctx.include_raw)?;
                // `archived=false` already filters; this also holds if the filter is ignored.
                if !archived && seen.insert(label.id.clone()) {
                    labels.push(label);
                }
            }
            if page >= body.meta.last_page {
                return Ok(Fetched::from_vendor(Arc::new(Catalog::new(labels.into()))));
            }
            page += 1;
        }
    }

    async fn change_labels(
        &self,
        ctx: &CallContext,
        change: LabelChange<'_>,
    ) -> Result<Vec<WriteStatus>, Error> {
        let method = match change.op {
            Op::Add => Method::POST,
            Op::Remove => Method::DELETE,
        };
        self.write(ctx, method, change.customer, change.labels)
            .await
    }

    async fn create_label(
        &self,
        ctx: &CallContext,
        label: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        self.create(ctx, label).await
    }

    /// Trybe's credential, `Authorization: Bearer`, is one of the endpoint's fixed headers.
    async fn passthrough(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        crate::passthrough::send(&self.endpoint, ctx, request).await
    }
}

/// A label of the common model, and whether Trybe has archived it.
fn parse_label(reply: &Reply, record: Value, include_raw: bool) -> Result<(Label, bool), Error> {
    let parsed = wire::Label::deserialize(&record)
        .map_err(|err| reply.broken("a Trybe label does not parse", err))?;
    let archived = parsed.archived();
    // Trybe's ids are UUIDs: compared, and so kept, in lower case.
    let label = Label {
        id: parsed.id.to_ascii_lowercase(),
        name: Some(parsed.value),
        weight: None,
        raw: include_raw.then_some(record),
    };
    Ok((label, archived))
}

fn broken(reply: &Reply, detail: String) -> Error {
    Error::new(ErrorKind::UpstreamError, detail).with_upstream(reply.upstream(None, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vendor: &str) -> ProviderSettings {
        ProviderSettings::for_test("https://api.try.be", vendor)
    }

    fn problem_key(vendor: &str) -> String {
        build(&settings(vendor)).map(|_| ()).unwrap_err()[0]
            .key
            .clone()
    }

    #[test]
    fn settings_name_the_offending_key() {
        assert!(build(&settings(r#"token = "1|abcDEF""#)).is_ok());
        assert_eq!(problem_key(""), "token");
        assert_eq!(problem_key(r#"token = """#), "token");
        assert_eq!(problem_key(r#"token = "has space""#), "token");
        assert_eq!(problem_key("token = \"x\"\nusername = \"y\""), "username");
    }
}
