//! A job's customer list, held the way a million of them stay small: every id in one string,
//! each entry's end in one `u32` array (a `Vec<String>` would cost 24 bytes of header and an
//! allocation per id). The text is what the shared store keeps: the ids joined by `\n`, which
//! no valid id contains (each provider's format refuses control characters).

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Packed {
    text: String,
    ends: Vec<u32>,
}

impl Packed {
    pub fn with_capacity(entries: usize, bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(entries),
        }
    }

    /// Appends an entry; `false` (and nothing appended) past 4 GiB of text, which no accepted
    /// body reaches.
    pub fn push(&mut self, id: &str) -> bool {
        let Ok(end) = u32::try_from(self.text.len() + id.len()) else {
            return false;
        };
        self.text.push_str(id);
        self.ends.push(end);
        true
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1] as usize,
        };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The entries joined by `\n`: what the shared store keeps.
    pub fn joined(&self) -> String {
        let mut joined = String::with_capacity(self.text.len() + self.len());
        for (i, id) in self.iter().enumerate() {
            if i > 0 {
                joined.push('\n');
            }
            joined.push_str(id);
        }
        joined
    }

    /// Reads back what [`Packed::joined`] wrote.
    pub fn from_joined(joined: &str) -> Self {
        if joined.is_empty() {
            return Self::default();
        }
        let mut packed = Self::with_capacity(joined.len() / 8, joined.len());
        for id in joined.split('\n') {
            packed.push(id);
        }
        packed
    }

    /// Bytes held on the heap.
    pub fn weight(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4
    }

    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_in_order_and_through_the_joined_text() {
        let mut packed = Packed::default();
        for id in [
            "564663098",
            "1",
            "9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b",
            "ü",
        ] {
            assert!(packed.push(id));
        }
        assert_eq!(packed.len(), 4);
        assert_eq!(packed.get(1), Some("1"));
        assert_eq!(packed.get(4), None);
        let again = Packed::from_joined(&packed.joined());
        assert_eq!(
            again.iter().collect::<Vec<_>>(),
            packed.iter().collect::<Vec<_>>()
        );
        assert!(Packed::from_joined("").is_empty());
    }
}
