//! A cache entry's key: always with its tenant, so that two tenants on one vendor account never
//! share an entry, and borrowed from the request on lookups, so that a hit allocates nothing.

use std::hash::{Hash, Hasher};

use moka::Equivalent;

/// What an entry holds: a customer's labels (with or without the vendor's records), or the
/// tenant's catalog. A shadow is the copy kept past an entry's lifetime for stale-if-error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Labels { raw: bool },
    Catalog { raw: bool },
}

impl Kind {
    /// Every kind of a customer's entry: a change drops them all.
    pub const CUSTOMER: [Kind; 2] = [Kind::Labels { raw: false }, Kind::Labels { raw: true }];
    /// Every kind of the catalog's entry: a catalog write drops them all.
    pub const CATALOG: [Kind; 2] = [Kind::Catalog { raw: false }, Kind::Catalog { raw: true }];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    /// The tenant, `/`, the customer (empty for a catalog): one allocation per entry. A tenant
    /// id has no `/`, so the first one splits the two.
    scope: Box<str>,
    kind: Kind,
    shadow: bool,
}

impl Key {
    fn parts(&self) -> (&str, &str) {
        self.scope.split_once('/').unwrap_or((&self.scope, ""))
    }

    pub fn tenant(&self) -> &str {
        self.parts().0
    }

    pub fn shadow_of(key: &Key) -> Key {
        Key {
            shadow: true,
            ..key.clone()
        }
    }

    /// Bytes the key holds.
    pub fn weight(&self) -> usize {
        std::mem::size_of::<Self>() + self.scope.len()
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyRef<'a> {
    pub tenant: &'a str,
    /// Empty for a catalog.
    pub customer: &'a str,
    pub kind: Kind,
    pub shadow: bool,
}

impl<'a> KeyRef<'a> {
    pub fn new(tenant: &'a str, customer: &'a str, kind: Kind) -> Self {
        Self {
            tenant,
            customer,
            kind,
            shadow: false,
        }
    }

    pub fn to_key(self) -> Key {
        Key {
            scope: [self.tenant, "/", self.customer].concat().into(),
            kind: self.kind,
            shadow: self.shadow,
        }
    }

    pub fn shadow(self) -> Self {
        Self {
            shadow: true,
            ..self
        }
    }
}

// `Key` and `KeyRef` must hash alike for moka to find one by the other.
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (tenant, customer) = self.parts();
        (tenant, customer, self.kind, self.shadow).hash(state);
    }
}

impl Hash for KeyRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.tenant, self.customer, self.kind, self.shadow).hash(state);
    }
}

impl Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        key.parts() == (self.tenant, self.customer)
            && key.kind == self.kind
            && key.shadow == self.shadow
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// moka finds a stored key by a borrowed one only if both hash alike and compare equal;
        /// a `/` in a customer id must not move the split between tenant and customer.
        #[test]
        fn a_borrowed_key_finds_its_own_entry_only(
            tenant in "[a-z0-9][a-z0-9_-]{0,8}",
            customer in "[a-z/]{0,6}",
            other in "[a-z/]{0,6}",
        ) {
            let hasher = std::collections::hash_map::RandomState::new();
            let borrowed = |customer| KeyRef::new(&tenant, customer, Kind::Catalog { raw: false });
            let key = borrowed(customer.as_str()).to_key();
            prop_assert_eq!(hasher.hash_one(borrowed(&customer)), hasher.hash_one(&key));
            prop_assert!(borrowed(&customer).equivalent(&key));
            prop_assert_eq!(borrowed(&other).equivalent(&key), other == customer);
        }
    }
}
