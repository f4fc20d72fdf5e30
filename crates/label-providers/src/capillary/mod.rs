//! Capillary (v2 API): labels attached to a customer by name; the org catalog maps names to ids.

mod auth;
mod bulk;
mod calls;
mod error;
mod wire;

use std::sync::Arc;

use async_trait::async_trait;
use label_core::{
    CallContext, Capabilities, Catalog, CreatedLabel, CustomerId, CustomerIdFormat,
    CustomerOutcome, Error, Fetched, Label, LabelChange, LabelIdFormat, LabelIdentity, LabelKey,
    LabelList, LabelProvider, ManyChange, Members, MembersPage, NewLabel, Op, PassthroughAnswer,
    PassthroughRequest, WriteStatus,
};
use reqwest::Method;

use crate::endpoint::Endpoint;
use crate::http::{segment, Reply};
use crate::settings::{vendor_settings, ProviderSettings, SettingProblem};
use auth::{CapillarySettings, OAuth};
use error::{parse_record, raw_record};
use wire::{ChangeLabels, ChangeReply, CustomerLabel, Envelope, LabelName, OrgLabel};

/// The longest org label name Capillary accepts.
const MAX_LABEL_NAME_CHARS: usize = 100;
/// Customers one assignment or removal call takes, and one assignment read answers for.
const MAX_ASSIGNMENTS: u32 = 100;
const MAX_ENTITY_IDS: u32 = 10;

#[derive(Debug)]
pub struct Capillary {
    /// Carries `Authorization: Basic ...`, built once, unless the tenant uses OAuth.
    endpoint: Endpoint,
    /// The tenant's OAuth client, whose token each call carries instead.
    oauth: Option<OAuth>,
}

pub fn build(settings: &ProviderSettings) -> Result<Arc<dyn LabelProvider>, Vec<SettingProblem>> {
    let own: CapillarySettings = vendor_settings(settings)?;
    let sign_in = own.sign_in()?;
    let secrets: Vec<&str> = sign_in.secrets.iter().map(String::as_str).collect();
    Ok(Arc::new(Capillary {
        endpoint: Endpoint::new(settings, sign_in.headers, &secrets),
        oauth: sign_in.oauth,
    }))
}

impl Capillary {
    async fn change(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        body: &ChangeLabels<'_>,
    ) -> Result<Vec<WriteStatus>, Error> {
        let path = format!("/v2/customers/{}/changeLabels", segment(customer.as_str()));
        let template = "/v2/customers/{id}/changeLabels";
        let reply = self
            .send_json(ctx, Method::POST, &path, template, body)
            .await?;
        let answer: ChangeReply = reply.json()?;
        error::check_errors(&reply, &answer.errors)?;
        // 33000 names the label it could not find; every other label of the call was applied.
        let names = body.add.iter().chain(&body.remove).map(|l| l.label_name);
        Ok(names
            .map(|name| {
                let missing = format!("{name} label not found");
                let not_found = answer.warnings.iter().any(|w| {
                    w.is(error::LABEL_NOT_FOUND) && w.message.as_deref() == Some(missing.as_str())
                });
                if not_found {
                    WriteStatus::NotFound
                } else {
                    WriteStatus::Applied
                }
            })
            .collect())
    }
}

/// What the backend can do, known before any tenant is built (the API document lists each
/// provider's customer-id format from it).
pub const CAPABILITIES: Capabilities = Capabilities {
    read: true,
    add: true,
    remove: true,
    catalog: true,
    weights: false,
    label_key: LabelKey::Name,
    create_labels: true,
    members: true,
    batch: MAX_ASSIGNMENTS,
    batch_read: MAX_ENTITY_IDS,
    max_label_name_chars: MAX_LABEL_NAME_CHARS,
    catalog_search: false,
    customer_id_format: CustomerIdFormat::PositiveInteger { max_digits: 19 },
    label_id_format: LabelIdFormat::Integer,
    idempotent_writes: false,
};

#[async_trait]
impl LabelProvider for Capillary {
    fn name(&self) -> &'static str {
        "capillary"
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Fetched<LabelList>, Error> {
        let path = format!("/v2/customers/{}/labels", segment(customer.as_str()));
        let reply = self.get(ctx, "/v2/customers/{id}/labels", &path).await?;
        let envelope: Envelope = reply.json()?;
        error::check_errors(&reply, &envelope.errors)?;
        // 33001 "User labels not found" is how Capillary says "no labels": not an error here.
        let records = envelope.data.unwrap_or_default();
        let labels = labels_of(ctx, &reply, &records, |mapping: CustomerLabel| {
            (!mapping.deleted).then_some((mapping.label_id, mapping.label_name))
        })?;
        Ok(Fetched::from_vendor(labels.into()))
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        let path = "/v2/organization/labels";
        let reply = self.get(ctx, path, path).await?;
        let envelope: Envelope = reply.json()?;
        error::check_errors(&reply, &envelope.errors)?;
        let records = envelope.data.unwrap_or_default();
        let labels = labels_of(ctx, &reply, &records, |label: OrgLabel| {
            label.active.then_some((label.id, label.name))
        })?;
        Ok(Fetched::from_vendor(Arc::new(Catalog::new(labels.into()))))
    }

    async fn change_labels(
        &self,
        ctx: &CallContext,
        change: LabelChange<'_>,
    ) -> Result<Vec<WriteStatus>, Error> {
        let names = names(change.labels);
        let (add, remove) = match change.op {
            Op::Add => (names, Vec::new()),
            Op::Remove => (Vec::new(), names),
        };
        let body = ChangeLabels { add, remove };
        self.change(ctx, change.customer, &body).await
    }

    async fn create_label(
        &self,
        ctx: &CallContext,
        label: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        self.create_org_label(ctx, label).await
    }

    async fn members(&self, ctx: &CallContext, page: MembersPage<'_>) -> Result<Members, Error> {
        self.search_assignments(ctx, page).await
    }

    async fn change_many(
        &self,
        ctx: &CallContext,
        change: ManyChange<'_>,
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let ManyChange {
            op,
            label,
            customers,
        } = change;
        match op {
            Op::Add => self.assign(ctx, label, customers).await,
            Op::Remove => self.unassign(ctx, label, customers).await,
        }
    }

    async fn customers_labels(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> Result<Vec<Result<Fetched<LabelList>, Error>>, Error> {
        self.read_assignments(ctx, customers).await
    }

    async fn passthrough(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        self.pass(ctx, request).await
    }
}

/// The labels among `records` that `kept` accepts, as its `(id, name)`, each with its record as
/// `raw` when the caller asked for it.
fn labels_of<R: serde::de::DeserializeOwned>(
    ctx: &CallContext,
    reply: &Reply,
    records: &[Box<serde_json::value::RawValue>],
    kept: impl Fn(R) -> Option<(serde_json::Value, String)>,
) -> Result<Vec<Label>, Error> {
    let mut labels = Vec::with_capacity(records.len());
    for record in records {
        let Some((id, name)) = kept(parse_record(reply, record)?) else {
            continue;
        };
        labels.push(Label {
            id: wire::id_text(&id).unwrap_or_default(),
            name: Some(name),
            weight: None,
            raw: raw_record(ctx, reply, record)?,
        });
    }
    Ok(labels)
}

/// Capillary is keyed by name; the change planner only sends labels whose name it knows.
fn names(labels: &[LabelIdentity]) -> Vec<LabelName<'_>> {
    labels
        .iter()
        .map(|l| LabelName {
            label_name: l.name.as_deref().unwrap_or_default(),
        })
        .collect()
}
