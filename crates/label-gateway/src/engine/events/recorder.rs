//! The one place events of changes are made: a [`Keeper`] around each tenant's provider, told
//! of every write the vendor answered, whichever route or job made it (a PATCH, a bulk PATCH,
//! `create_missing`, a label's customers, a job). Only what the vendor confirmed becomes an
//! event: `applied` and `created`; never `unchanged`, `not_found` or a failed write (a dry run
//! writes nothing, so it is never told).

use std::sync::Arc;

use label_core::keeper::{Keeper, Written};
use label_core::{
    CallContext, CustomerOutcome, LabelChange, LabelIdentity, LabelProvider, Op, WriteStatus,
};

use super::event::{ChangeSource, Event, EventData, LabelCreated, LabelsChanged, Origin};
use super::Events;
use crate::contract::EventType;

/// Keeps no answer: every read goes through to `inner`.
pub struct Recorder {
    pub inner: Arc<dyn LabelProvider>,
    pub events: Arc<Events>,
    pub tenant: Arc<str>,
    pub provider: &'static str,
}

impl Keeper for Recorder {
    fn inner(&self) -> &Arc<dyn LabelProvider> {
        &self.inner
    }

    async fn written(&self, ctx: &CallContext, written: Written<'_>) {
        let origin = origin(ctx);
        let mut made = Vec::new();
        match written {
            Written::Labels { change, statuses } => {
                let LabelChange {
                    op,
                    customer,
                    labels,
                } = change;
                let applied: Vec<LabelIdentity> = labels
                    .iter()
                    .zip(statuses)
                    .filter(|(_, status)| **status == WriteStatus::Applied)
                    .map(|(label, _)| label.clone())
                    .collect();
                if !applied.is_empty() {
                    made.push(self.changed(customer.as_str(), op, applied, origin));
                }
            }
            Written::Created(created) => {
                let mut label = created.label.clone();
                label.raw = None;
                let data = EventData::LabelCreated(LabelCreated {
                    label,
                    provider: self.provider.to_owned(),
                    origin,
                });
                made.push(Event::new(&self.tenant, EventType::LabelCreated, data));
            }
            Written::Many { change, outcomes } => {
                for (customer, outcome) in change.customers.iter().zip(outcomes) {
                    if matches!(outcome, CustomerOutcome::Applied) {
                        let labels = vec![change.label.clone()];
                        let event =
                            self.changed(customer.as_str(), change.op, labels, origin.clone());
                        made.push(event);
                    }
                }
            }
        }
        if !made.is_empty() {
            self.events.record(&self.tenant, made).await;
        }
    }
}

impl Recorder {
    fn changed(&self, customer: &str, op: Op, labels: Vec<LabelIdentity>, origin: Origin) -> Event {
        let (added, removed) = match op {
            Op::Add => (labels, Vec::new()),
            Op::Remove => (Vec::new(), labels),
        };
        let data = EventData::LabelsChanged(LabelsChanged {
            customer_id: customer.to_owned(),
            provider: self.provider.to_owned(),
            added,
            removed,
            origin,
        });
        Event::new(&self.tenant, EventType::CustomerLabelsChanged, data)
    }
}

fn origin(ctx: &CallContext) -> Origin {
    Origin {
        source: if ctx.job_id.is_some() {
            ChangeSource::Job
        } else {
            ChangeSource::Api
        },
        job_id: ctx.job_id.as_deref().map(str::to_owned),
        request_id: ctx.request_id.clone(),
    }
}
