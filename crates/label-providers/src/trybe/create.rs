//! Creating a label in Trybe's catalog: `POST /customers/labels` with `{"value", "colour"?}`;
//! a value already taken (in any case, archived labels included) fails Laravel's `unique` rule.

use label_core::{CallContext, CreatedLabel, Error, ErrorKind, NewLabel};
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use super::wire::{Failure, NewLabelBody};
use super::{error, parse_label, Trybe};

/// `{"data": <label>}`, as Trybe answers one record.
#[derive(Deserialize)]
struct Single {
    data: Value,
}

impl Trybe {
    /// Trybe keeps a colour, not a description.
    pub(super) async fn create(
        &self,
        ctx: &CallContext,
        new: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        let body = NewLabelBody {
            value: &new.name,
            colour: new.colour.as_deref(),
        };
        let path = "/customers/labels";
        let request = self.request(Method::POST, path).json(&body);
        let reply = self
            .endpoint
            .send(request, ctx, &Method::POST, path)
            .await?;
        if reply.status.as_u16() == 422 {
            let failure = Failure::parse(&reply.body);
            if failure.says("value", "taken") {
                let message = reply.said(failure.message.clone());
                let error = Error::new(
                    ErrorKind::LabelExists,
                    "Trybe already has a label of this name",
                )
                .with_upstream(reply.upstream(failure.first_field(), message));
                return Err(error);
            }
        }
        if reply.status.as_u16() != 201 {
            error::check(&reply, error::Scope::Account)?;
        }
        let single: Single = reply.json()?;
        let (label, _) = parse_label(&reply, single.data, ctx.include_raw)?;
        Ok(CreatedLabel {
            label,
            ignored: new.description.iter().map(|_| "description").collect(),
        })
    }
}
