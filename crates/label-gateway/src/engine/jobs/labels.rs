//! The labels a job works with, resolved once per job (not per customer) through the target's
//! catalog, and the job's label table: each label its results name, once, so that a result
//! stores a number instead of a label.

use std::collections::HashMap;
use std::sync::Arc;

use label_core::{
    CallContext, Capabilities, Catalog, Error, Label, LabelIdentity, LabelKey, LabelProvider,
    LabelRef,
};

use super::model::LabelEntry;

/// A label a customer's change names: its place in the table, and whether it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub op: label_core::Op,
    pub label: u32,
    /// `None`: no such label at the vendor (`not_found`, nothing is sent).
    pub identity: Option<LabelIdentity>,
}

/// The job's table, and the target's catalog read once.
pub struct Labels {
    pub entries: Vec<LabelEntry>,
    places: HashMap<(Option<String>, Option<String>), u32>,
    catalog: Option<Arc<Catalog>>,
    capabilities: Capabilities,
}

impl Labels {
    /// Reads the target's catalog (where it has one) and takes up the table as far as it was
    /// kept, so that a resumed job's results keep their numbers.
    pub async fn load(
        provider: &dyn LabelProvider,
        ctx: &CallContext,
        kept: Vec<LabelEntry>,
    ) -> Result<Self, Error> {
        let capabilities = provider.capabilities();
        let catalog = match capabilities.catalog {
            true => Some(provider.catalog(ctx).await?.value),
            false => None,
        };
        let mut labels = Self {
            entries: Vec::new(),
            places: HashMap::new(),
            catalog,
            capabilities,
        };
        for entry in kept {
            labels.place(entry);
        }
        Ok(labels)
    }

    /// The table's place of `entry`, adding it if it is new.
    fn place(&mut self, entry: LabelEntry) -> u32 {
        let key = (entry.id.clone(), entry.name.clone());
        if let Some(&place) = self.places.get(&key) {
            if entry.created {
                self.entries[place as usize].created = true;
            }
            return place;
        }
        let place = self.entries.len() as u32;
        self.entries.push(entry);
        self.places.insert(key, place);
        place
    }

    /// Resolves a reference through the catalog (or, without one, takes it as the vendor's
    /// key if it is one).
    pub fn want(&mut self, op: label_core::Op, reference: &LabelRef) -> Wanted {
        let reference = match reference {
            LabelRef::Id(id) => LabelRef::Id(self.capabilities.label_id_format.canonical(id)),
            name => name.clone(),
        };
        let identity = match &self.catalog {
            Some(catalog) => catalog.find(&reference).map(Label::identity),
            None => Some(LabelIdentity::from(&reference)).filter(|identity| {
                match self.capabilities.label_key {
                    LabelKey::Name => identity.name.is_some(),
                    LabelKey::Id => identity.id.is_some(),
                }
            }),
        };
        let entry = match &identity {
            Some(identity) => LabelEntry::of(identity),
            None => LabelEntry::of(&LabelIdentity::from(&reference)),
        };
        Wanted {
            op,
            label: self.place(entry),
            identity,
        }
    }

    /// The label at `place` was made by this job: it now has its vendor identity.
    pub fn created(&mut self, place: u32, identity: &LabelIdentity) {
        let mut entry = LabelEntry::of(identity);
        entry.created = true;
        self.places
            .insert((entry.id.clone(), entry.name.clone()), place);
        if let Some(slot) = self.entries.get_mut(place as usize) {
            *slot = entry;
        }
    }

    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }
}

/// Whether a customer's label is the one named: by id (in the vendor's one spelling) where the
/// id is known, else by name.
pub fn holds(label: &Label, identity: &LabelIdentity, capabilities: &Capabilities) -> bool {
    let format = capabilities.label_id_format;
    match &identity.id {
        Some(id) => format.canonical(&label.id) == format.canonical(id),
        None => label.name.is_some() && label.name == identity.name,
    }
}
