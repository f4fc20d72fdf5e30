//! The decodings a spelling of a secret may need undone, each a new [`Reading`] that keeps,
//! for every byte, where in the text it was read from: percent and JSON escapes (only near an
//! escape), runs of hex digits, runs of Base64 characters from each alignment.

use std::ops::Range;

use super::reading::Reading;

/// `%XX` as the byte it stands for, near each such escape; `None` when there is none.
pub(super) fn percent(reading: &Reading, reach: usize) -> Option<Reading> {
    let bytes = &reading.bytes;
    memchr::memchr(b'%', bytes)?;
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
    memchr::memchr(b'\\', bytes)?;
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
    let mut decoded = Reading::like(reading, islands.iter().map(|i| i.len()).sum());
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
pub(super) fn hex(reading: &Reading, runs: &[Range<usize>], at: usize) -> Option<Reading> {
    if runs.is_empty() {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut decoded = Reading::like(reading, reading.bytes.len() / 2);
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
pub(super) fn base64(reading: &Reading, runs: &[Range<usize>], at: usize) -> Option<Reading> {
    if runs.is_empty() {
        return None;
    }
    let mut decoded = Reading::like(reading, reading.bytes.len());
    for run in runs.iter().cloned() {
        let chars = &reading.bytes[run.start + at.min(run.len())..run.end];
        let first = run.start + at.min(run.len());
        for (g, group) in chars.chunks(4).enumerate() {
            let mut bits = [0u32; 4];
            for (bit, &b) in bits.iter_mut().zip(group) {
                *bit = u32::from(sextet(b).expect("a run of Base64 characters"));
            }
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

pub(super) fn sextet(b: u8) -> Option<u8> {
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
pub(super) fn runs(bytes: &[u8], min_run: usize, fits: impl Fn(u8) -> bool) -> Vec<Range<usize>> {
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
