//! Capillary (v2 API): labels attached to a customer by name; the org catalog maps names to ids.

mod error;
mod wire;

use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine;
use label_core::{
    CallContext, Capabilities, Catalog, CustomerId, CustomerIdFormat, Error, Fetched, Label,
    LabelIdFormat, LabelIdentity, LabelKey, LabelList, LabelProvider, WriteStatus,
};
use md5::{Digest, Md5};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::endpoint::{self, Endpoint};
use crate::http::{segment, Reply};
use crate::settings::{vendor_settings, ProviderSettings, SettingProblem};
use wire::{ChangeLabels, ChangeReply, CustomerLabel, Envelope, LabelName, OrgLabel};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CapillarySettings {
    username: String,
    password: Option<SecretString>,
    password_md5: Option<SecretString>,
}

#[derive(Debug)]
pub struct Capillary {
    /// Carries `Authorization: Basic ...`, built once.
    endpoint: Endpoint,
}

pub fn build(settings: &ProviderSettings) -> Result<Arc<dyn LabelProvider>, Vec<SettingProblem>> {
    let own: CapillarySettings = vendor_settings(settings)?;
    let hashed = match (&own.password, &own.password_md5) {
        (Some(password), None) => hex::encode(Md5::digest(password.expose_secret().as_bytes())),
        (None, Some(md5)) => {
            let md5 = md5.expose_secret();
            if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(vec![SettingProblem::new(
                    "password_md5",
                    "must be 32 hex digits",
                )]);
            }
            md5.to_ascii_lowercase()
        }
        (Some(_), Some(_)) => {
            return Err(vec![SettingProblem::new(
                "password_md5",
                "give either password or password_md5, not both",
            )])
        }
        (None, None) => {
            return Err(vec![SettingProblem::new(
                "password",
                "missing: give password or password_md5",
            )])
        }
    };
    if own.username.is_empty() || own.username.contains(':') {
        return Err(vec![SettingProblem::new(
            "username",
            "must be non-empty and contain no `:`",
        )]);
    }
    let credentials = format!("{}:{hashed}", own.username);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&credentials);
    let basic = format!("Basic {encoded}");
    let headers = endpoint::headers(&[("authorization", "username", &basic, true)])?;
    let password = own.password.as_ref().map(|p| p.expose_secret());
    let secrets: Vec<&str> = [Some(hashed.as_str()), Some(credentials.as_str()), password]
        .into_iter()
        .flatten()
        .collect();
    Ok(Arc::new(Capillary {
        endpoint: Endpoint::new(settings, headers, &secrets),
    }))
}

impl Capillary {
    async fn get(
        &self,
        ctx: &CallContext,
        template: &'static str,
        path: &str,
    ) -> Result<Reply, Error> {
        let request = self.endpoint.request(Method::GET, path);
        let reply = self
            .endpoint
            .send(request, ctx, &Method::GET, template)
            .await?;
        error::check_status(&reply)?;
        Ok(reply)
    }

    async fn change(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        body: &ChangeLabels<'_>,
    ) -> Result<Vec<WriteStatus>, Error> {
        let path = format!("/v2/customers/{}/changeLabels", segment(customer.as_str()));
        let request = self.endpoint.request(Method::POST, &path).json(body);
        let template = "/v2/customers/{id}/changeLabels";
        let reply = self
            .endpoint
            .send(request, ctx, &Method::POST, template)
            .await?;
        error::check_status(&reply)?;
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

#[async_trait]
impl LabelProvider for Capillary {
    fn name(&self) -> &'static str {
        "capillary"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            read: true,
            add: true,
            remove: true,
            catalog: true,
            weights: false,
            label_key: LabelKey::Name,
            customer_id_format: CustomerIdFormat::PositiveInteger { max_digits: 19 },
            label_id_format: LabelIdFormat::Exact,
            idempotent_writes: false,
        }
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
        let mut labels = Vec::with_capacity(records.len());
        for record in records {
            let mapping: CustomerLabel = parse_record(&reply, &record)?;
            if mapping.deleted {
                continue;
            }
            labels.push(Label {
                id: wire::id_text(&mapping.label_id).unwrap_or_default(),
                name: Some(mapping.label_name),
                weight: None,
                raw: raw_record(ctx, &reply, &record)?,
            });
        }
        Ok(Fetched::from_vendor(labels.into()))
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        let path = "/v2/organization/labels";
        let reply = self.get(ctx, path, path).await?;
        let envelope: Envelope = reply.json()?;
        error::check_errors(&reply, &envelope.errors)?;
        let mut labels = Vec::new();
        for record in envelope.data.unwrap_or_default() {
            let label: OrgLabel = parse_record(&reply, &record)?;
            if !label.active {
                continue;
            }
            labels.push(Label {
                id: wire::id_text(&label.id).unwrap_or_default(),
                name: Some(label.name),
                weight: None,
                raw: raw_record(ctx, &reply, &record)?,
            });
        }
        Ok(Fetched::from_vendor(Arc::new(Catalog::new(labels.into()))))
    }

    async fn attach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let body = ChangeLabels {
            add: names(labels),
            remove: Vec::new(),
        };
        self.change(ctx, customer, &body).await
    }

    async fn detach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let body = ChangeLabels {
            add: Vec::new(),
            remove: names(labels),
        };
        self.change(ctx, customer, &body).await
    }
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

/// The vendor's record as it came, for `include=raw`.
fn raw_record(ctx: &CallContext, reply: &Reply, record: &RawValue) -> Result<Option<Value>, Error> {
    if ctx.include_raw {
        parse_record(reply, record).map(Some)
    } else {
        Ok(None)
    }
}

fn parse_record<T: serde::de::DeserializeOwned>(
    reply: &Reply,
    record: &RawValue,
) -> Result<T, Error> {
    serde_json::from_str(record.get())
        .map_err(|err| reply.broken("a Capillary record does not parse", err))
}
