//! Vendor text reaches clients (a problem's `detail` and `upstream.message`, label names and
//! every other string of an answer) and logs: a vendor that echoes the credentials it was sent
//! (`invalid actionhub-key <the key>`), in whatever spelling, must not hand them on. Every
//! configured secret of the tenant, and every token it was issued while the token lives, is
//! looked for in every spelling `spell.rs` reads (with its MD5) and replaced where it stands;
//! a message is then cut short.

use std::ops::Range;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use md5::{Digest, Md5};

mod body;
mod decode;
mod reading;
mod recent;
mod spell;

use reading::Reading;
use spell::{find, fold_secret, Needles, DEPTH};

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";
/// Vendor text is cut to this many characters.
pub const MAX_VENDOR_TEXT: usize = 256;
/// Shorter secrets are not looked for: they would match ordinary words, and a secret this
/// short protects nothing anyway.
const MIN_SECRET_CHARS: usize = 4;
/// A learnt secret (an OAuth token) is looked for until it expires, and a while after: a
/// vendor may still quote a token it has just refused as expired.
const LEARNT_GRACE: Duration = Duration::from_secs(300);
/// Bounds what a vendor that issues a token per call could make the gateway keep; past it the
/// oldest token goes first. At Capillary's hour-long tokens, refreshed once per refusal, this
/// is far more than a tenant ever holds alive.
const MAX_LEARNT: usize = 1024;
/// Text is read this many bytes at a time (see [`Redactor::spans`]).
const WINDOW: usize = 64 * 1024;

#[derive(Default)]
pub struct Redactor {
    /// Every configured secret and its MD5, each as [`spell::fold_secret`] reads it.
    configured: Vec<Vec<u8>>,
    /// Secrets learnt since (tokens the vendor issued), oldest first, each with when it may be
    /// forgotten.
    learnt: RwLock<Vec<(Instant, Vec<Vec<u8>>)>>,
    /// Answers scrubbed lately and what they scrubbed to, for the secrets as they are now.
    recent: recent::Recent,
}

impl Redactor {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut configured: Vec<Vec<u8>> = secrets.into_iter().flat_map(needles_of).collect();
        configured.sort();
        configured.dedup();
        Self {
            configured,
            learnt: RwLock::default(),
            recent: recent::Recent::default(),
        }
    }

    /// Keeps `secret` out of vendor text for as long as it `lives`, as if it had been
    /// configured.
    pub fn remember(&self, secret: &str, lives: Duration) {
        let now = Instant::now();
        let until = now
            .checked_add(lives.saturating_add(LEARNT_GRACE))
            .unwrap_or(now + LEARNT_GRACE + Duration::from_secs(365 * 86_400));
        let needles = needles_of(secret);
        if needles.is_empty() {
            return;
        }
        let mut learnt = self.learnt.write().unwrap_or_else(|p| p.into_inner());
        learnt.retain(|(until, _)| *until > now);
        if learnt.len() >= MAX_LEARNT {
            learnt.remove(0);
        }
        learnt.push((until, needles));
        // Text scrubbed before this secret was known may hold it.
        self.recent.clear();
    }

    /// How far a spelling of the longest secret can reach.
    fn reach(&self) -> usize {
        let learnt = self.learnt.read().unwrap_or_else(|p| p.into_inner());
        let all = self
            .configured
            .iter()
            .chain(learnt.iter().flat_map(|(_, n)| n));
        Needles::reach_of(all.map(Vec::len).max().unwrap_or(0))
    }

    /// Whether any secret is looked for at all: without one, vendor text passes untouched.
    fn is_empty(&self) -> bool {
        self.configured.is_empty() && self.learnt.read().is_ok_and(|l| l.is_empty())
    }

    /// Where any secret is in `text`, in any spelling, as sorted ranges that do not overlap.
    /// `escaped` text (a JSON body) is read once with its escapes undone too, before the
    /// decodings that count.
    fn spans(&self, text: &[u8], escaped: bool) -> Vec<Range<usize>> {
        let learnt = self.learnt.read().unwrap_or_else(|p| p.into_inner());
        let needles = Needles::new(
            self.configured
                .iter()
                .chain(learnt.iter().flat_map(|(_, needles)| needles))
                .map(Vec::as_slice)
                .collect(),
        );
        if needles.is_empty() {
            return Vec::new();
        }
        // A reading costs about 9 bytes a byte and a few are alive at once: a long text is read
        // in windows, each overlapping the next by more than any spelling of a secret can take.
        let overlap = needles.reach;
        let window = (4 * overlap).max(WINDOW);
        let mut found = Vec::new();
        let mut start = 0;
        loop {
            let end = (start + window).min(text.len());
            let window = &text[start..end];
            let mut here = Vec::new();
            // Read first without the places, which cost eight bytes a byte; only a window where
            // something matched is read again to place it.
            read(Reading::untracked(window), escaped, &needles, &mut here);
            if !here.is_empty() {
                here.clear();
                read(Reading::of(window), escaped, &needles, &mut here);
            }
            found.extend(here.into_iter().map(|s| s.start + start..s.end + start));
            if end == text.len() {
                break merge(found);
            }
            start = end - overlap;
        }
    }

    /// `text` with every secret replaced, cut to [`MAX_VENDOR_TEXT`] characters.
    pub fn scrub(&self, text: &str) -> String {
        // What the cut keeps, and as far past it as a spelling of a secret that starts inside
        // it can reach: a long message costs no more than a short one.
        let reach = self.reach();
        let text = match text.char_indices().nth(MAX_VENDOR_TEXT) {
            Some((cut, _)) if text.len() > cut + reach => {
                let end = (cut + reach..text.len()).find(|&i| text.is_char_boundary(i));
                &text[..end.unwrap_or(text.len())]
            }
            _ => text,
        };
        let spans = self.spans(text.as_bytes(), false);
        let mut clean = replace(text.as_bytes(), &spans);
        if let Some((cut, _)) = clean.char_indices().nth(MAX_VENDOR_TEXT) {
            clean.truncate(cut);
        }
        // The marker can complete a secret with the text around it (`d]ab` in `d]abab` reads
        // `[redacted]ab`): then none of the text is kept. A secret inside the marker itself
        // (`dact`) is the one thing no redacted text can avoid.
        if !spans.is_empty() || clean.contains(REDACTED) {
            let markers = markers(clean.as_bytes());
            let left = self.spans(clean.as_bytes(), false);
            if left.iter().any(|span| !within(span, &markers)) {
                return REDACTED.to_owned();
            }
        }
        clean
    }

    /// A vendor's answer with every secret in its text replaced (in a JSON answer, inside its
    /// strings, keys and values alike), or `None` when it holds none. Done once, as the answer
    /// is read: what is parsed from it, and cached, is already clean.
    pub fn scrub_body(&self, body: &[u8]) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        if let Some(clean) = self.recent.get(body) {
            return clean;
        }
        let clean = body::scrub(body, |text| self.spans(text, true));
        self.recent.put(body, &clean);
        clean
    }
}

/// Every match in `reading` in any spelling, and in its JSON-unescaped reading when `escaped`.
fn read(reading: Reading, escaped: bool, needles: &Needles, found: &mut Vec<Range<usize>>) {
    find(&reading, DEPTH, needles, found);
    if escaped {
        if let Some(unescaped) = decode::unescape(&reading, needles.reach, false) {
            find(&unescaped, DEPTH, needles, found);
        }
    }
}

/// What is looked for of one secret: itself and its MD5, folded.
fn needles_of(secret: &str) -> Vec<Vec<u8>> {
    let folded = fold_secret(secret);
    if secret.chars().count() < MIN_SECRET_CHARS || folded.len() < MIN_SECRET_CHARS {
        return Vec::new();
    }
    let md5 = hex::encode(Md5::digest(secret.as_bytes()));
    vec![folded, md5.into_bytes()]
}

fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|span| (span.start, span.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

/// `text` with each of `spans` (sorted, apart) replaced by [`REDACTED`], widened to whole
/// characters.
fn replace(text: &[u8], spans: &[Range<usize>]) -> String {
    String::from_utf8_lossy(&replace_bytes(text, spans)).into_owned()
}

fn replace_bytes(text: &[u8], spans: &[Range<usize>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    for span in spans {
        let start = (at..=span.start)
            .rev()
            .find(|&i| is_boundary(text, i))
            .unwrap_or(at);
        out.extend_from_slice(&text[at..start]);
        out.extend_from_slice(REDACTED.as_bytes());
        at = (span.end..=text.len())
            .find(|&i| is_boundary(text, i))
            .unwrap_or(text.len());
    }
    out.extend_from_slice(&text[at..]);
    out
}

fn is_boundary(text: &[u8], i: usize) -> bool {
    text.get(i).is_none_or(|&b| (b as i8) >= -0x40)
}

/// Where [`REDACTED`] stands in `text`.
fn markers(text: &[u8]) -> Vec<Range<usize>> {
    let marker = REDACTED.as_bytes();
    (0..text.len().saturating_sub(marker.len() - 1))
        .filter(|&i| text[i..].starts_with(marker))
        .map(|i| i..i + marker.len())
        .collect()
}

fn within(span: &Range<usize>, markers: &[Range<usize>]) -> bool {
    markers
        .iter()
        .any(|m| m.start <= span.start && span.end <= m.end)
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} needles)", self.configured.len())
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_spellings;
