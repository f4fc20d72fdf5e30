//! The one label store behind both of Capillary's label APIs: org labels are the CUSTOMER labels
//! of the Labels API, and a customer's mappings (`changeLabels`) are its assignments. What the
//! public `labels`/`customers` fields cannot hold (external ids, descriptions, expiry, update
//! order, removed assignments) lives beside them here, so those fields keep their shape.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use super::{clock, CapillaryData, Mapping, OrgLabel, ADDED_BY};

/// How many active labels one entity may hold (Labels API).
pub const MAX_ACTIVE_LABELS_PER_ENTITY: usize = 200;
/// The org's `ORG_MAX_LABEL_COUNT` unless a test sets [`CapillaryData::max_labels`].
pub const DEFAULT_MAX_LABELS: usize = 1000;
/// When the labels the simulator starts with (or that tests push) were created and updated.
const SEEDED_AT: &str = "2025-01-15T09:30:00Z";

#[derive(Debug, Default)]
pub(super) struct Extra {
    meta: HashMap<u64, LabelMeta>,
    /// Removed assignments by customer, the latest per label: `includeInactive` shows them.
    inactive: BTreeMap<u64, Vec<Mapping>>,
    /// Assignment expiry days (`yyyy-MM-dd`) by (customer, label).
    expiries: HashMap<(u64, u64), String>,
    /// Ticks on every label write, so that labels list newest update first.
    clock: u64,
}

#[derive(Debug, Clone)]
struct LabelMeta {
    external_id: Option<String>,
    description: Option<String>,
    expiry: Value,
    created_on: String,
    updated_on: String,
    updated: u64,
}

/// A label to add to the catalog, already checked field by field.
pub(super) struct NewLabel<'a> {
    pub name: &'a str,
    pub external_id: Option<&'a str>,
    pub description: Option<&'a str>,
    pub expiry: Option<Value>,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum CreateRefusal {
    NameTaken,
    ExternalIdTaken,
    OrgFull,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Assigned {
    New(u64),
    Existing(u64),
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum AssignRefusal {
    UnknownCustomer,
    Full,
}

/// Label names compare case-insensitively everywhere in Capillary's store.
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || (!a.is_ascii() || !b.is_ascii())
            && a.chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase))
}

impl CapillaryData {
    /// The label with this name, in any case; an active one if there are several.
    pub fn label_named(&self, name: &str) -> Option<&OrgLabel> {
        let mut named = self.labels.iter().filter(|l| same_name(&l.name, name));
        let first = named.next()?;
        Some(named.find(|l| l.active && !first.active).unwrap_or(first))
    }

    pub fn label(&self, id: u64) -> Option<&OrgLabel> {
        self.labels.iter().find(|l| l.id == id)
    }

    pub fn label_with_external_id(&self, external_id: &str) -> Option<&OrgLabel> {
        let (&id, _) = self
            .extra
            .meta
            .iter()
            .find(|(_, m)| m.external_id.as_deref() == Some(external_id))?;
        self.label(id)
    }

    pub fn external_id(&self, label_id: u64) -> Option<&str> {
        self.extra.meta.get(&label_id)?.external_id.as_deref()
    }

    pub fn description(&self, label_id: u64) -> Option<&str> {
        self.extra.meta.get(&label_id)?.description.as_deref()
    }

    /// Whether the label came with the data rather than through an API call.
    pub(super) fn seeded(&self, label_id: u64) -> bool {
        self.extra.meta.is_empty() || !self.extra.meta.contains_key(&label_id)
    }

    pub(super) fn label_name(&self, id: u64) -> String {
        self.label(id).map(|l| l.name.clone()).unwrap_or_default()
    }

    /// Whether the customer exists: stored, or made up on demand in synthetic mode.
    pub(super) fn customer_exists(&self, id: u64) -> bool {
        self.synthetic || self.customers.contains_key(&id)
    }

    pub(super) fn create_label(&mut self, new: NewLabel<'_>) -> Result<u64, CreateRefusal> {
        if self.labels.iter().any(|l| same_name(&l.name, new.name)) {
            return Err(CreateRefusal::NameTaken);
        }
        if new
            .external_id
            .is_some_and(|e| self.label_with_external_id(e).is_some())
        {
            return Err(CreateRefusal::ExternalIdTaken);
        }
        if self.labels.len() >= self.max_labels {
            return Err(CreateRefusal::OrgFull);
        }
        let id = self.labels.iter().map(|l| l.id).max().unwrap_or(0) + 1;
        self.labels.push(OrgLabel {
            id,
            name: new.name.to_owned(),
            active: true,
        });
        self.extra.clock += 1;
        let now = clock::now_iso();
        let meta = LabelMeta {
            external_id: new.external_id.map(str::to_owned),
            description: new.description.map(str::to_owned),
            expiry: new.expiry.unwrap_or_else(|| json!({"type": "NONE"})),
            created_on: now.clone(),
            updated_on: now,
            updated: self.extra.clock,
        };
        self.extra.meta.insert(id, meta);
        Ok(id)
    }

    /// When the label was last written, for "newest update first"; seeded labels are oldest.
    pub(super) fn label_updated(&self, id: u64) -> u64 {
        self.extra.meta.get(&id).map_or(0, |m| m.updated)
    }

    /// A label as the Labels API shows it.
    pub(super) fn label_json(&self, label: &OrgLabel) -> Value {
        let meta = self.extra.meta.get(&label.id);
        let seeded = || SEEDED_AT.to_owned();
        json!({
            "id": label.id,
            "externalId": meta.and_then(|m| m.external_id.clone()),
            "name": label.name,
            "description": meta.and_then(|m| m.description.clone()),
            "entityType": "CUSTOMER",
            "expiryConfig": meta.map_or_else(|| json!({"type": "NONE"}), |m| m.expiry.clone()),
            "status": if label.active { "ACTIVE" } else { "ARCHIVED" },
            "createdOn": meta.map_or_else(seeded, |m| m.created_on.clone()),
            "createdBy": ADDED_BY,
            "lastUpdatedOn": meta.map_or_else(seeded, |m| m.updated_on.clone()),
            "lastUpdatedBy": ADDED_BY,
        })
    }

    /// Attaches a label; `cap` limits the customer's active labels (the Labels API's rule).
    pub(super) fn assign(
        &mut self,
        customer: u64,
        label_id: u64,
        expiry: Option<&str>,
        cap: Option<usize>,
    ) -> Result<Assigned, AssignRefusal> {
        let next = self.next_mapping_id;
        let mappings = self
            .stored_mut(customer)
            .ok_or(AssignRefusal::UnknownCustomer)?;
        if let Some(existing) = mappings.iter().find(|m| m.label_id == label_id) {
            return Ok(Assigned::Existing(existing.id));
        }
        if cap.is_some_and(|cap| mappings.len() >= cap) {
            return Err(AssignRefusal::Full);
        }
        // Exactly one more slot: a million written customers should not carry doubled capacity.
        mappings.reserve_exact(1);
        mappings.push(Mapping { id: next, label_id });
        self.next_mapping_id += 1;
        if let Some(list) = self.extra.inactive.get_mut(&customer) {
            list.retain(|m| m.label_id != label_id);
        }
        match expiry {
            Some(day) => self
                .extra
                .expiries
                .insert((customer, label_id), day.to_owned()),
            None => self.extra.expiries.remove(&(customer, label_id)),
        };
        Ok(Assigned::New(next))
    }

    /// Detaches a label, keeping the assignment as inactive. `None`: no such customer;
    /// `Some(false)`: the label was not attached.
    pub(super) fn unassign(&mut self, customer: u64, label_id: u64) -> Option<bool> {
        let mappings = self.stored_mut(customer)?;
        let Some(at) = mappings.iter().position(|m| m.label_id == label_id) else {
            return Some(false);
        };
        let removed = mappings.remove(at);
        let inactive = self.extra.inactive.entry(customer).or_default();
        inactive.retain(|m| m.label_id != label_id);
        inactive.push(removed);
        Some(true)
    }

    /// The customer's removed assignments, oldest first.
    pub(super) fn inactive_of(&self, customer: u64) -> &[Mapping] {
        self.extra
            .inactive
            .get(&customer)
            .map_or(&[], Vec::as_slice)
    }

    /// A label attached to an entity, as the assignment endpoints show it.
    pub(super) fn assigned_json(&self, customer: u64, label_id: u64) -> Value {
        let expiry = self.extra.expiries.get(&(customer, label_id));
        json!({
            "labelId": label_id,
            "labelName": self.label_name(label_id),
            "labelExternalId": self.external_id(label_id),
            "expiryDate": expiry.map(|day| clock::end_of_day(day)),
        })
    }
}
