//! Where a secret is in a text, however the vendor spelt it. Rather than list every spelling of
//! every secret (percent-encoding may cover any subset of characters; a secret may sit at any
//! of three offsets inside a larger Base64 blob), the text is decoded every way it could be
//! (percent, JSON escapes, hex, Base64 at each alignment), twice over for one encoding nested in
//! another, and each reading is folded (ASCII case, full-width forms, separators) and searched
//! for the folded secrets. Each byte of a reading remembers which bytes of the text it came
//! from, so a match is replaced where it stands in the text.

use std::ops::Range;

/// Bytes of a text, decoded some way, each with the range of the text it was read from.
pub(super) struct Reading {
    bytes: Vec<u8>,
    from: Vec<(u32, u32)>,
}

/// Two decodings, one inside the other: "the encodings nested one inside another once".
pub(super) const DEPTH: u8 = 2;
/// No Base64 or hex run shorter than this can hold a 4-byte secret at any alignment.
const MIN_RUN: usize = 6;
/// Stands between two decoded runs. It reads from nowhere (`(0, 0)`), and no match may hold
/// it, so that no match joins two runs.
const SEAM: u8 = 0;

impl Reading {
    pub fn of(text: &[u8]) -> Self {
        let from = (0..text.len() as u32).map(|i| (i, i + 1)).collect();
        Self {
            bytes: text.to_vec(),
            from,
        }
    }

    fn with_capacity(n: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(n),
            from: Vec::with_capacity(n),
        }
    }

    /// Pushes `byte`, read from this reading's bytes `at`.
    fn push(&mut self, byte: u8, source: &Reading, at: Range<usize>) {
        self.bytes.push(byte);
        self.from
            .push((source.from[at.start].0, source.from[at.end - 1].1));
    }

    fn seam(&mut self) {
        if self.from.last().is_some_and(|&(start, end)| start != end) {
            self.bytes.push(SEAM);
            self.from.push((0, 0));
        }
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// The folded secrets looked for, and what their lengths bound.
pub(super) struct Needles<'a> {
    list: Vec<&'a [u8]>,
    /// The bytes a needle starts with: most of a text is passed over on one look-up.
    first: [bool; 256],
    shortest: usize,
    /// How far from an escape a spelling that uses it can reach: no spelling of a secret is
    /// more than 36 bytes a byte (`\u` escapes of `\u` escapes).
    pub reach: usize,
}

impl<'a> Needles<'a> {
    pub fn new(list: Vec<&'a [u8]>) -> Self {
        let longest = list.iter().map(|n| n.len()).max().unwrap_or(0);
        let shortest = list.iter().map(|n| n.len()).min().unwrap_or(usize::MAX);
        let mut first = [false; 256];
        for needle in &list {
            if let Some(&byte) = needle.first() {
                first[usize::from(byte)] = true;
            }
        }
        Self {
            list,
            first,
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
    for (at, &byte) in bytes.iter().enumerate() {
        if !needles.first[usize::from(byte)] {
            continue;
        }
        for needle in &needles.list {
            if !bytes[at..].starts_with(needle) {
                continue;
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
    let mut folded = Reading::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Most text is ASCII: one look at the byte.
        if bytes[i] < 0x80 {
            if !is_separator(bytes[i]) {
                folded.bytes.push(bytes[i].to_ascii_lowercase());
                folded.from.push(reading.from[i]);
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

fn is_separator(byte: u8) -> bool {
    byte.is_ascii_whitespace() || matches!(byte, b'-' | b'_' | b'.')
}

/// A secret as the folded text would show it.
pub(super) fn fold_secret(secret: &str) -> Vec<u8> {
    fold(&Reading::of(secret.as_bytes())).bytes
}

/// `%XX` as the byte it stands for, near each such escape; `None` when there is none.
fn percent(reading: &Reading, reach: usize) -> Option<Reading> {
    let bytes = &reading.bytes;
    let escape = |i: usize| bytes.get(i + 1..i + 3).and_then(hex_value);
    let marks = (0..bytes.len()).filter(|&i| bytes[i] == b'%' && escape(i).is_some());
    near_escapes(reading, marks, reach, |i| match escape(i) {
        Some(byte) if bytes[i] == b'%' => ([byte as u8, 0, 0, 0], 1, 3),
        _ => ([bytes[i], 0, 0, 0], 1, 1),
    })
}

/// JSON string escapes (`\"`, `\/`, `\u0041`, surrogate pairs) undone near each backslash;
/// `None` when there is none. A `lenient` reading takes `\\` before a `\u` escape as a lone
/// backslash, so that text put just after a backslash cannot hide an escaped secret behind
/// the pair it makes (`None` when there is no such `\\`).
pub(super) fn unescape(reading: &Reading, reach: usize, lenient: bool) -> Option<Reading> {
    let bytes = &reading.bytes;
    let unit = |i: usize| bytes.get(i..i + 4).and_then(hex_value);
    let escaped_u =
        |i: usize| bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'u') && unit(i + 2).is_some();
    if lenient && !(1..bytes.len()).any(|i| bytes[i - 1] == b'\\' && escaped_u(i)) {
        return None;
    }
    let marks = (0..bytes.len()).filter(|&i| bytes[i] == b'\\');
    near_escapes(reading, marks, reach, |i| {
        let (ch, len) = match (bytes[i], bytes.get(i + 1)) {
            (b'\\', Some(b'u')) => match unit(i + 2) {
                Some(high @ 0xD800..=0xDBFF) => {
                    let low = (bytes.get(i + 6..i + 8) == Some(b"\\u"))
                        .then(|| unit(i + 8))
                        .flatten()
                        .filter(|low| (0xDC00..=0xDFFF).contains(low));
                    match low {
                        Some(low) => (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), 12),
                        None => (0xFFFD, 6),
                    }
                }
                Some(unit) => (unit, 6),
                None => (u32::from(b'\\'), 1),
            },
            (b'\\', Some(b'\\')) if lenient && escaped_u(i + 1) => (u32::from(b'\\'), 1),
            (b'\\', Some(&c)) => match c {
                b'n' => (u32::from(b'\n'), 2),
                b't' => (u32::from(b'\t'), 2),
                b'r' => (u32::from(b'\r'), 2),
                b'b' => (8, 2),
                b'f' => (12, 2),
                _ => (u32::from(c), 2),
            },
            (byte, _) => return ([byte, 0, 0, 0], 1, 1),
        };
        let ch = char::from_u32(ch).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut utf8 = [0; 4];
        let n = ch.encode_utf8(&mut utf8).len();
        (utf8, n, len)
    })
}

/// The text within `reach` of each of the escapes at `marks` (in order), decoded by `item`
/// (at a position: up to 4 bytes, how many, and how many bytes of the text it reads). A
/// spelling that uses no escape is read as well without this decoding, so only the text near
/// escapes is decoded: a long text with a few escapes costs a few short readings.
fn near_escapes(
    reading: &Reading,
    marks: impl Iterator<Item = usize>,
    reach: usize,
    item: impl Fn(usize) -> ([u8; 4], usize, usize),
) -> Option<Reading> {
    let len = reading.bytes.len();
    let mut islands: Vec<Range<usize>> = Vec::new();
    for mark in marks {
        let island = mark.saturating_sub(reach)..(mark + reach).min(len);
        match islands.last_mut() {
            Some(last) if island.start <= last.end => last.end = island.end,
            _ => islands.push(island),
        }
    }
    if islands.is_empty() {
        return None;
    }
    let mut decoded = Reading::with_capacity(islands.iter().map(|i| i.len()).sum());
    let mut i = 0;
    for island in islands {
        i = i.max(island.start);
        while i < island.end {
            let (bytes, n, len) = item(i);
            for &byte in &bytes[..n] {
                decoded.push(byte, reading, i..(i + len).min(reading.bytes.len()));
            }
            i += len;
        }
        decoded.seam();
    }
    Some(decoded)
}

/// Each run of hex digits decoded in pairs from its `at`-th digit; `None` when no run is long
/// enough.
fn hex(reading: &Reading, runs: &[Range<usize>], at: usize) -> Option<Reading> {
    if runs.is_empty() {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut decoded = Reading::with_capacity(reading.bytes.len() / 2);
    for run in runs.iter().cloned() {
        let mut i = run.start + at;
        while i + 2 <= run.end {
            let byte = digit(reading.bytes[i]).zip(digit(reading.bytes[i + 1]));
            let (high, low) = byte.expect("a run of hex digits");
            decoded.push(high << 4 | low, reading, i..i + 2);
            i += 2;
        }
        decoded.seam();
    }
    (!decoded.is_empty()).then_some(decoded)
}

/// Each run of Base64 characters (standard and URL-safe alike) decoded from its `at`-th
/// character: a secret inside a larger blob is read whole from the blob's own alignment.
fn base64(reading: &Reading, runs: &[Range<usize>], at: usize) -> Option<Reading> {
    if runs.is_empty() {
        return None;
    }
    let mut decoded = Reading::with_capacity(reading.bytes.len());
    for run in runs.iter().cloned() {
        let chars = &reading.bytes[run.start + at.min(run.len())..run.end];
        let first = run.start + at.min(run.len());
        for (g, group) in chars.chunks(4).enumerate() {
            let bits: Vec<u32> = group
                .iter()
                .map(|&b| u32::from(sextet(b).unwrap()))
                .collect();
            let start = first + g * 4;
            // Byte k of a group is read from characters k and k + 1.
            for k in 0..group.len().saturating_sub(1) {
                let pair = (bits[k] << 6 | bits[k + 1]) >> (4 - 2 * k);
                decoded.push(pair as u8, reading, start + k..start + k + 2);
            }
        }
        decoded.seam();
    }
    (!decoded.is_empty()).then_some(decoded)
}

/// The value of `digits`, all hex digits (`from_str_radix` would take a sign too).
fn hex_value(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0, |value, &b| Some(value << 4 | (b as char).to_digit(16)?))
}

fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// The maximal runs of bytes that `fits`, at least `min_run` long.
fn runs(bytes: &[u8], min_run: usize, fits: impl Fn(u8) -> bool) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && fits(bytes[i]) {
            i += 1;
        }
        if i - start >= min_run {
            runs.push(start..i);
        }
        i += 1;
    }
    runs
}
