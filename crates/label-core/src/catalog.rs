//! A vendor's label catalog with its lookups built once, so that resolving a reference costs
//! the same with ten labels as with ten thousand: a cached catalog is read by every change.

use std::collections::HashMap;

use crate::label_ref::LabelRef;
use crate::model::{Label, LabelList};

#[derive(Debug)]
pub struct Catalog {
    labels: LabelList,
    /// Positions in `labels`; where two labels share a name or id, the first, as a scan would.
    by_id: HashMap<Box<str>, usize>,
    by_name: HashMap<Box<str>, usize>,
}

impl Catalog {
    pub fn new(labels: LabelList) -> Self {
        let mut by_id = HashMap::with_capacity(labels.len());
        let mut by_name = HashMap::with_capacity(labels.len());
        for (position, label) in labels.iter().enumerate() {
            by_id.entry(label.id.as_str().into()).or_insert(position);
            if let Some(name) = &label.name {
                by_name.entry(name.as_str().into()).or_insert(position);
            }
        }
        Self {
            labels,
            by_id,
            by_name,
        }
    }

    pub fn labels(&self) -> &LabelList {
        &self.labels
    }

    /// Bytes the catalog holds, lookups included: what a bounded cache weighs.
    pub fn weight(&self) -> usize {
        let lookups = (self.by_id.len() + self.by_name.len())
            * (std::mem::size_of::<(Box<str>, usize)>() + 8);
        let keys: usize = self
            .by_id
            .keys()
            .chain(self.by_name.keys())
            .map(|k| k.len())
            .sum();
        std::mem::size_of::<Self>() + self.labels.weight() + lookups + keys
    }

    /// The label a reference names, by its id or its exact name.
    pub fn find(&self, reference: &LabelRef) -> Option<&Label> {
        let position = match reference {
            LabelRef::Id(id) => self.by_id.get(id.as_str()),
            LabelRef::Name(name) => self.by_name.get(name.as_str()),
        };
        position.map(|&position| &self.labels[position])
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn label(id: &str, name: Option<&str>) -> Label {
        Label {
            id: id.to_owned(),
            name: name.map(str::to_owned),
            weight: None,
            raw: None,
        }
    }

    fn scan<'a>(labels: &'a [Label], reference: &LabelRef) -> Option<&'a Label> {
        labels.iter().find(|label| match reference {
            LabelRef::Id(id) => &label.id == id,
            LabelRef::Name(name) => label.name.as_ref() == Some(name),
        })
    }

    proptest! {
        /// The lookups answer exactly what a scan from the start would, duplicates included.
        #[test]
        fn finds_what_a_scan_finds(
            entries in prop::collection::vec(("[a-c]{1,2}", prop::option::of("[x-z]{1,2}")), 0..12),
            wanted in "[a-c x-z]{1,2}",
        ) {
            let labels: LabelList = entries
                .iter()
                .map(|(id, name)| label(id, name.as_deref()))
                .collect();
            let catalog = Catalog::new(labels.clone());
            for reference in [LabelRef::Id(wanted.clone()), LabelRef::Name(wanted.clone())] {
                prop_assert_eq!(
                    catalog.find(&reference).map(|l| l as *const Label),
                    scan(&labels, &reference).map(|l| l as *const Label)
                );
            }
        }
    }
}
