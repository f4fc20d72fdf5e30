//! Answers scrubbed lately, by their exact bytes. A vendor sends the same text again and again
//! (a tenant's label catalog, a customer without labels, the same few label sets), and reading
//! one in every spelling costs tens of microseconds on every cache miss; an answer seen before
//! is looked up by a hash and confirmed byte for byte, so only the very same text gets the very
//! same result. Cleared whenever the secrets looked for change.

use std::collections::hash_map::RandomState;
use std::collections::VecDeque;
use std::hash::BuildHasher;
use std::sync::Mutex;

/// Answers longer than this are scrubbed anew each time: keeping them would cost more memory
/// than their reading costs time.
const MAX_BODY: usize = 64 * 1024;
/// What the kept answers and their results may weigh in all, per tenant.
const MAX_BYTES: usize = 512 * 1024;

#[derive(Default)]
pub(super) struct Recent {
    hasher: RandomState,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// Newest last: (hash, answer, its scrubbed text if it held a secret).
    answers: VecDeque<(u64, Vec<u8>, Option<Vec<u8>>)>,
    bytes: usize,
}

impl Recent {
    /// What `body` scrubbed to before, if it was seen since the secrets last changed.
    pub(super) fn get(&self, body: &[u8]) -> Option<Option<Vec<u8>>> {
        if body.len() > MAX_BODY {
            return None;
        }
        let hash = self.hasher.hash_one(body);
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.answers
            .iter()
            .rev()
            .find(|(h, answer, _)| *h == hash && answer == body)
            .map(|(_, _, clean)| clean.clone())
    }

    pub(super) fn put(&self, body: &[u8], clean: &Option<Vec<u8>>) {
        let weight = body.len() + clean.as_ref().map_or(0, Vec::len);
        if body.len() > MAX_BODY || weight > MAX_BYTES {
            return;
        }
        let hash = self.hasher.hash_one(body);
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        while kept.bytes + weight > MAX_BYTES {
            let Some((_, answer, old)) = kept.answers.pop_front() else {
                break;
            };
            kept.bytes -= answer.len() + old.map_or(0, |old| old.len());
        }
        kept.answers.push_back((hash, body.to_vec(), clean.clone()));
        kept.bytes += weight;
    }

    pub(super) fn clear(&self) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.answers.clear();
        kept.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_very_same_text_is_answered_and_the_weight_is_bounded() {
        let recent = Recent::default();
        recent.put(b"{\"a\":1}", &None);
        recent.put(b"{\"b\":\"x\"}", &Some(b"{\"b\":\"[redacted]\"}".to_vec()));
        assert_eq!(recent.get(b"{\"a\":1}"), Some(None));
        assert_eq!(
            recent.get(b"{\"b\":\"x\"}"),
            Some(Some(b"{\"b\":\"[redacted]\"}".to_vec()))
        );
        assert_eq!(recent.get(b"{\"a\":2}"), None);
        for i in 0..100 {
            recent.put(&vec![b'x'; 60 * 1024 + i], &None);
        }
        assert!(recent.kept.lock().unwrap().bytes <= MAX_BYTES);
        assert_eq!(recent.get(b"{\"a\":1}"), None, "the oldest went first");
        recent.clear();
        assert_eq!(recent.get(&vec![b'x'; 60 * 1024 + 99]), None);
    }
}
