//! The kinds of change event (CONTRACT §11): what a feed's `type=` and a webhook's `types`
//! name, read by the config, the engine that records events and the HTTP side that lists them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    /// Labels attached to or detached from a customer, as the vendor confirmed.
    #[serde(rename = "customer.labels.changed")]
    CustomerLabelsChanged,
    /// A label created in the vendor's catalog.
    #[serde(rename = "label.created")]
    LabelCreated,
    /// A job ended (succeeded, failed or cancelled).
    #[serde(rename = "job.ended")]
    JobEnded,
}

impl EventType {
    pub const ALL: [EventType; 3] = [
        EventType::CustomerLabelsChanged,
        EventType::LabelCreated,
        EventType::JobEnded,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EventType::CustomerLabelsChanged => "customer.labels.changed",
            EventType::LabelCreated => "label.created",
            EventType::JobEnded => "job.ended",
        }
    }

    pub fn parse(text: &str) -> Option<EventType> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The types as a sentence lists them: "`a`, `b` or `c`".
    pub fn listed() -> String {
        let names: Vec<String> = Self::ALL
            .iter()
            .map(|t| format!("`{}`", t.as_str()))
            .collect();
        format!(
            "{} or {}",
            names[..names.len() - 1].join(", "),
            names[names.len() - 1]
        )
    }
}

/// Which types a reader wants: all, or those named (at most each once).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeFilter(Option<Vec<EventType>>);

impl TypeFilter {
    pub fn only(types: Vec<EventType>) -> Self {
        Self(Some(types))
    }

    pub fn admits(&self, kind: EventType) -> bool {
        self.0.as_ref().is_none_or(|types| types.contains(&kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for kind in EventType::ALL {
            assert_eq!(EventType::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(EventType::parse("customer.labels"), None);
        assert!(TypeFilter::default().admits(EventType::JobEnded));
        assert!(!TypeFilter::only(vec![EventType::LabelCreated]).admits(EventType::JobEnded));
    }
}
