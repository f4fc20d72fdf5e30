//! Where a secret is in a text, however the vendor spelt it. Rather than list every spelling of
//! every secret (percent-encoding may cover any subset of characters; a secret may sit at any
//! of three offsets inside a larger Base64 blob), the text is decoded every way it could be
//! (percent, JSON escapes, hex, Base64 at each alignment), twice over for one encoding nested in
//! another, and each reading is folded (ASCII case, full-width forms, separators) and searched
//! for the folded secrets. Each byte of a reading remembers which bytes of the text it came
//! from, so a match is replaced where it stands in the text.

use std::ops::Range;

use super::decode::{base64, hex, percent, runs, sextet, unescape};
use super::reading::Reading;

/// Two decodings, one inside the other: "the encodings nested one inside another once".
pub(super) const DEPTH: u8 = 2;
/// No Base64 or hex run shorter than this can hold a 4-byte secret at any alignment.
const MIN_RUN: usize = 6;
/// What [`search`] finds in an untracked reading: a match somewhere (perhaps across a seam),
/// to be placed by reading the text again tracked.
pub(super) const MAYBE: Range<usize> = 0..0;

/// The folded secrets looked for, and what their lengths bound.
pub(super) struct Needles<'a> {
    list: Vec<&'a [u8]>,
    /// A SIMD substring search for each needle of `list`.
    finders: Vec<memchr::memmem::Finder<'a>>,
    shortest: usize,
    /// How far from an escape a spelling that uses it can reach: no spelling of a secret is
    /// more than 36 bytes a byte (`\u` escapes of `\u` escapes).
    pub reach: usize,
}

impl<'a> Needles<'a> {
    pub fn new(list: Vec<&'a [u8]>) -> Self {
        let longest = list.iter().map(|n| n.len()).max().unwrap_or(0);
        let shortest = list.iter().map(|n| n.len()).min().unwrap_or(usize::MAX);
        let finders = list
            .iter()
            .map(|n| memchr::memmem::Finder::new(*n))
            .collect();
        Self {
            list,
            finders,
            shortest,
            reach: Self::reach_of(longest),
        }
    }

    pub fn reach_of(longest: usize) -> usize {
        36 * longest + 64
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The shortest run of Base64 (4 characters for 3 bytes) or hex (2 for 1) that can hold
    /// a whole secret: shorter runs are not decoded.
    fn min_run(&self, chars: usize, bytes: usize) -> usize {
        (self.shortest.saturating_mul(chars) / bytes).max(MIN_RUN)
    }
}

/// Adds to `found` the range of the text of every match of a needle in any reading of
/// `reading`, decoding at most `depth` more times.
pub(super) fn find(reading: &Reading, depth: u8, needles: &Needles, found: &mut Vec<Range<usize>>) {
    if reading.bytes.len() < needles.shortest {
        return;
    }
    search(&fold(reading), needles, found);
    if depth == 0 {
        return;
    }
    let decoded = [
        percent(reading, needles.reach),
        unescape(reading, needles.reach, false),
        unescape(reading, needles.reach, true),
    ];
    let hex_runs = runs(&reading.bytes, needles.min_run(2, 1), |b| {
        b.is_ascii_hexdigit()
    });
    let base64_runs = runs(&reading.bytes, needles.min_run(4, 3), |b| {
        sextet(b).is_some()
    });
    let runs = (0..2)
        .map(|at| hex(reading, &hex_runs, at))
        .chain((0..4).map(|at| base64(reading, &base64_runs, at)));
    for next in decoded.into_iter().flatten().chain(runs.flatten()) {
        find(&next, depth - 1, needles, found);
    }
}

fn search(folded: &Reading, needles: &Needles, found: &mut Vec<Range<usize>>) {
    let bytes = &folded.bytes;
    for (needle, finder) in needles.list.iter().zip(&needles.finders) {
        for at in finder.find_iter(bytes) {
            if !folded.tracked {
                found.push(MAYBE);
                return;
            }
            let end = at + needle.len() - 1;
            // A seam reads from nowhere (`(0, 0)`): a secret with a NUL in it cannot join two runs.
            let across = folded.from[at..=end]
                .iter()
                .any(|(start, end)| start == end);
            if !across {
                found.push(folded.from[at].0 as usize..folded.from[end].1 as usize);
            }
        }
    }
}

/// ASCII letters in lower case, full-width forms (U+FF01–U+FF5E) as the ASCII they stand for,
/// and separators left out: `ＡＢ-c d` reads `abcd`.
pub(super) fn fold(reading: &Reading) -> Reading {
    let bytes = &reading.bytes;
    let mut folded = Reading::like(reading, bytes.len());
    // Untracked ASCII, most of what is read: one table look-up a byte.
    if !reading.tracked && bytes.is_ascii() {
        folded.bytes.extend(
            bytes
                .iter()
                .map(|&b| ASCII_FOLD[usize::from(b)])
                .filter(|&b| b != SKIP),
        );
        folded.open = !folded.bytes.is_empty();
        return folded;
    }
    let mut i = 0;
    while i < bytes.len() {
        // Most text is ASCII: one look at the byte.
        if bytes[i] < 0x80 {
            if !is_separator(bytes[i]) {
                folded.bytes.push(bytes[i].to_ascii_lowercase());
                if folded.tracked {
                    folded.from.push(reading.from[i]);
                }
                folded.open = true;
            }
            i += 1;
            continue;
        }
        let (byte, len) = match bytes[i..] {
            // U+FF01..U+FF3F and U+FF40..U+FF5E in UTF-8.
            [0xEF, 0xBC, b @ 0x81..=0xBF, ..] => (Some(b - 0x81 + 0x21), 3),
            [0xEF, 0xBD, b @ 0x80..=0x9E, ..] => (Some(b - 0x80 + 0x60), 3),
            // No-break, ideographic and zero-width spaces, the byte-order mark.
            [0xC2, 0xA0, ..] => (None, 2),
            [0xE3, 0x80, 0x80, ..] | [0xEF, 0xBB, 0xBF, ..] => (None, 3),
            [0xE2, 0x80, 0x8B..=0x8D, ..] => (None, 3),
            [b, ..] => (Some(b), 1),
            [] => unreachable!("i < len"),
        };
        if let Some(byte) = byte.filter(|&b| !is_separator(b)) {
            folded.push(byte.to_ascii_lowercase(), reading, i..i + len);
        }
        i += len;
    }
    folded
}

/// Marks a separator in [`ASCII_FOLD`]; no folded byte is 0xFF.
const SKIP: u8 = 0xFF;

/// Each ASCII byte as [`fold`] reads it: lower case, or [`SKIP`] for a separator.
const ASCII_FOLD: [u8; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if is_separator(byte) {
            SKIP
        } else {
            byte.to_ascii_lowercase()
        };
        b += 1;
    }
    table
};

const fn is_separator(byte: u8) -> bool {
    byte.is_ascii_whitespace() || matches!(byte, b'-' | b'_' | b'.')
}

/// A secret as the folded text would show it.
pub(super) fn fold_secret(secret: &str) -> Vec<u8> {
    fold(&Reading::of(secret.as_bytes())).bytes
}
