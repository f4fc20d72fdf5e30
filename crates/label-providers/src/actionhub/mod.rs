//! ActionHub by Data Baller: weighted labels per user, read-only for us (labels change only
//! through the vendor's own event processing), scoped to one program by the `program-id` header.

mod error;
mod user_labels;
mod wire;

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use label_core::{
    CallContext, Capabilities, Catalog, CustomerId, CustomerIdFormat, Error, ErrorKind, Fetched,
    Label, LabelIdFormat, LabelKey, LabelList, LabelProvider, PassthroughAnswer,
    PassthroughRequest,
};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use crate::endpoint::{self, Endpoint};
use crate::http::{segment, Reply};
use crate::settings::{vendor_settings, ProviderSettings, SettingProblem};
use error::Call;
use wire::{CatalogItem, CatalogPage, Weighted};

/// The page size asked of `/labels`; the vendor may answer with fewer.
const PAGE_SIZE: u64 = 50;
/// A catalog that has not ended after this many pages is a vendor gone wrong, not a catalog.
const MAX_PAGES: u64 = 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionHubSettings {
    api_key: SecretString,
    program_id: String,
}

#[derive(Debug)]
pub struct ActionHub {
    /// Carries `actionhub-key` (sensitive) and `program-id`.
    endpoint: Endpoint,
}

pub fn build(settings: &ProviderSettings) -> Result<Arc<dyn LabelProvider>, Vec<SettingProblem>> {
    let own: ActionHubSettings = vendor_settings(settings)?;
    let headers = endpoint::headers(&[
        (
            "actionhub-key",
            "api_key",
            own.api_key.expose_secret(),
            true,
        ),
        ("program-id", "program_id", &own.program_id, false),
    ])?;
    Ok(Arc::new(ActionHub {
        endpoint: Endpoint::new(settings, headers, &[own.api_key.expose_secret()]),
    }))
}

impl ActionHub {
    async fn get(&self, ctx: &CallContext, path: &str, call: Call) -> Result<Reply, Error> {
        let request = self.endpoint.request(Method::GET, path);
        // The path as traces show it: without the user id.
        let template = match call {
            Call::UserLabels => "/users/{id}/labels",
            Call::Catalog => "/labels",
        };
        let reply = self
            .endpoint
            .send(request, ctx, &Method::GET, template)
            .await?;
        error::check(&reply, call)?;
        Ok(reply)
    }
}

/// What the backend can do, known before any tenant is built (the API document lists each
/// provider's customer-id format from it).
pub const CAPABILITIES: Capabilities = Capabilities {
    read: true,
    add: false,
    remove: false,
    catalog: true,
    weights: true,
    label_key: LabelKey::Name,
    create_labels: false,
    members: false,
    batch: 0,
    batch_read: 1,
    max_label_name_chars: 255,
    catalog_search: true,
    customer_id_format: CustomerIdFormat::Opaque { max_chars: 256 },
    label_id_format: LabelIdFormat::Exact,
    idempotent_writes: false,
};

#[async_trait]
impl LabelProvider for ActionHub {
    fn name(&self) -> &'static str {
        "actionhub"
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Fetched<LabelList>, Error> {
        let path = format!("/users/{}/labels", segment(customer.as_str()));
        let reply = self.get(ctx, &path, Call::UserLabels).await?;
        let entries = user_labels::read(&reply.body)
            .map_err(|err| reply.broken("the vendor's response does not parse", err))?;
        Ok(Fetched::from_vendor(user_labels::encode(
            &entries,
            ctx.include_raw,
        )))
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        let labels = self.walk(ctx, None).await?;
        Ok(Fetched::from_vendor(Arc::new(Catalog::new(labels))))
    }

    /// ActionHub filters by `search` itself: a case-insensitive substring of the label.
    async fn search_catalog(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> Result<Fetched<LabelList>, Error> {
        self.walk(ctx, Some(text)).await.map(Fetched::from_vendor)
    }

    /// ActionHub's credentials, `actionhub-key` and `program-id`, are the endpoint's fixed
    /// headers.
    async fn passthrough(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        crate::passthrough::send(&self.endpoint, ctx, request).await
    }
}

impl ActionHub {
    /// Every page of `/labels` (of those matching `search`), by weight then name.
    async fn walk(&self, ctx: &CallContext, search: Option<&str>) -> Result<LabelList, Error> {
        let mut labels = Vec::new();
        let mut seen = HashSet::new();
        let search = search.map_or_else(String::new, |text| format!("&search={}", segment(text)));
        // Counted as received, not as kept: a vendor that ignores `page` still ends the walk.
        let mut received: u64 = 0;
        for page in 1..=MAX_PAGES {
            let path = format!("/labels?page={page}&size={PAGE_SIZE}{search}");
            let reply = self.get(ctx, &path, Call::Catalog).await?;
            let answer: CatalogPage = reply.json()?;
            let count = answer.items.len() as u64;
            received += count;
            for record in answer.items {
                let item = catalog_item(&reply, &record)?;
                // A label added while we walk shifts the pages: one seen twice is kept once.
                if !seen.insert(item.label.clone()) {
                    continue;
                }
                let weight = Weighted {
                    weight: item.weight.as_f64().unwrap_or(0.0),
                    label: item.label,
                    number: item.weight,
                };
                let mut label = weighted_label(weight, false);
                label.raw = ctx.include_raw.then_some(record);
                labels.push(label);
            }
            // An empty page ends the walk even short of `total`: a catalog that shrank has no more.
            if count == 0 || received >= answer.total {
                by_weight_then_name(&mut labels);
                return Ok(labels.into());
            }
        }
        Err(Error::new(
            ErrorKind::UpstreamError,
            format!("the ActionHub catalog did not end within {MAX_PAGES} pages"),
        ))
    }
}

fn weighted_label(entry: Weighted, include_raw: bool) -> Label {
    let raw = include_raw.then(|| json!({"label": entry.label, "weight": entry.number}));
    Label {
        id: entry.label.clone(),
        name: Some(entry.label),
        weight: Some(entry.weight),
        raw,
    }
}

/// The contract's order: highest weight first, ties by name. Sorted here rather than trusted
/// from the vendor, whose order for equal weights is unspecified.
fn by_weight_then_name(labels: &mut [Label]) {
    labels.sort_by(|a, b| {
        let weight = |l: &Label| l.weight.unwrap_or(f64::NEG_INFINITY);
        // Weights are finite (parsing refuses others), so only -0.0 and 0.0 compare equal.
        weight(b)
            .partial_cmp(&weight(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.name.cmp(&b.name))
    });
}

fn catalog_item(reply: &Reply, record: &serde_json::Value) -> Result<CatalogItem, Error> {
    let problem = match CatalogItem::deserialize(record) {
        Ok(item) if item.weight.as_f64().is_some_and(f64::is_finite) => return Ok(item),
        Ok(item) => format!("the weight of {:?} is not a finite number", item.label),
        Err(err) => err.to_string(),
    };
    Err(reply.broken("an ActionHub catalog item does not parse", problem))
}
