//! A text as the scrubber reads it: its bytes decoded some way, each remembering which bytes of
//! the text it came from, so that a match in any reading is replaced where it stands.

use std::ops::Range;

/// Bytes of a text, decoded some way, each with the range of the text it was read from when
/// the reading is `tracked`. Most text holds no secret: it is first read untracked (a byte a
/// byte instead of nine), and only a window where something matched is read again tracked.
pub(super) struct Reading {
    pub(super) bytes: Vec<u8>,
    pub(super) from: Vec<(u32, u32)>,
    pub(super) tracked: bool,
    /// Something was pushed since the last seam.
    pub(super) open: bool,
}

/// Stands between two decoded runs. It reads from nowhere (`(0, 0)`), and no match may hold
/// it, so that no match joins two runs.
const SEAM: u8 = 0;

impl Reading {
    pub fn of(text: &[u8]) -> Self {
        let from = (0..text.len() as u32).map(|i| (i, i + 1)).collect();
        Self {
            bytes: text.to_vec(),
            from,
            tracked: true,
            open: !text.is_empty(),
        }
    }

    /// `text` read without where each byte came from: [`search`] then only says whether
    /// anything may match (see [`MAYBE`]).
    pub fn untracked(text: &[u8]) -> Self {
        Self {
            bytes: text.to_vec(),
            from: Vec::new(),
            tracked: false,
            open: !text.is_empty(),
        }
    }

    /// An empty reading to decode `source` into, tracked as `source` is.
    pub(super) fn like(source: &Reading, n: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(n),
            from: Vec::with_capacity(if source.tracked { n } else { 0 }),
            tracked: source.tracked,
            open: false,
        }
    }

    /// Pushes `byte`, read from this reading's bytes `at`.
    pub(super) fn push(&mut self, byte: u8, source: &Reading, at: Range<usize>) {
        self.bytes.push(byte);
        if self.tracked {
            self.from
                .push((source.from[at.start].0, source.from[at.end - 1].1));
        }
        self.open = true;
    }

    pub(super) fn seam(&mut self) {
        if self.open {
            self.bytes.push(SEAM);
            if self.tracked {
                self.from.push((0, 0));
            }
            self.open = false;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}
