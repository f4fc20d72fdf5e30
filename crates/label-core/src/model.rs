use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A label as every provider reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label {
    // `name` and `weight` are always sent, null when unknown.
    /// The provider's label identifier: Capillary `labelId`, a Trybe UUID, the ActionHub label text.
    pub id: String,
    /// The label's name where the provider knows it.
    pub name: Option<String>,
    /// The label's weight (ActionHub), else null.
    pub weight: Option<f64>,
    /// The provider's own record, unchanged; only with `?include=raw`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<serde_json::Value>,
}

/// A list of labels, shared cheaply between a cache and the reads it answers. It has two forms,
/// the labels and their JSON encoding (the array the model serializes to, with a digest of it);
/// each is made from the other at most once, when first asked for, and kept. A cache keeps
/// [`LabelList::compact`] lists, which hold the encoding only: that is what its readers send on,
/// and it is about a third of the labels' size in memory.
#[derive(Clone, Default)]
pub struct LabelList(Arc<Forms>);

#[derive(Default)]
struct Forms {
    labels: OnceLock<Box<[Label]>>,
    encoded: OnceLock<Encoded>,
}

/// A list's JSON array and the first 128 bits of its SHA-256, in hex (so that whoever sends
/// it as a validator writes it, rather than formats it, on every use).
#[derive(Debug)]
pub struct Encoded {
    json: Box<str>,
    digest: [u8; 32],
}

impl Encoded {
    fn of(labels: &[Label]) -> Self {
        Self::from_json(exact_json(labels))
    }

    fn from_json(json: String) -> Self {
        let digest = Sha256::digest(json.as_bytes());
        let mut hex = [0; 32];
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        for (pair, byte) in hex.chunks_exact_mut(2).zip(&digest[..16]) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0xf)];
        }
        Self {
            json: json.into_boxed_str(),
            digest: hex,
        }
    }

    pub fn json(&self) -> &str {
        &self.json
    }

    /// Equal lists have equal digests; different ones, in all likelihood, different digests.
    /// 32 lower-case hex digits.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }
}

impl LabelList {
    pub fn new(labels: Vec<Label>) -> Self {
        let forms = Forms::default();
        let _ = forms.labels.set(labels.into_boxed_slice());
        Self(Arc::new(forms))
    }

    pub fn labels(&self) -> &[Label] {
        self.0.labels.get_or_init(|| {
            let encoded = self.0.encoded.get().map_or("[]", |e| e.json());
            // Our own encoding of labels reads back into labels.
            serde_json::from_str(encoded).unwrap_or_default()
        })
    }

    pub fn encoded(&self) -> &Encoded {
        self.0.encoded.get_or_init(|| Encoded::of(self.labels()))
    }

    /// A list written straight from what a backend read, each item seen as a label through
    /// `view` (borrowing from the vendor's answer), never made into [`Label`]s: it holds its
    /// encoding only, the same bytes [`LabelList::new`] would encode. For large answers, where
    /// a `Label` per item would weigh several times the answer itself.
    pub fn encode<'a, T, R: Serialize>(
        items: &'a [T],
        view: impl Fn(&'a T) -> LabelView<'a, R>,
    ) -> Self {
        let encoded = Encoded::from_json(exact_json(&Views { items, view }));
        let forms = Forms::default();
        let _ = forms.encoded.set(encoded);
        Self(Arc::new(forms))
    }

    /// The same list holding its encoding only, for keeping long.
    pub fn compact(&self) -> Self {
        let encoded = Encoded {
            json: self.encoded().json.clone(),
            digest: self.encoded().digest,
        };
        let forms = Forms::default();
        let _ = forms.encoded.set(encoded);
        Self(Arc::new(forms))
    }

    /// Bytes this list holds on the heap, as far as it can tell: what a bounded cache weighs.
    pub fn weight(&self) -> usize {
        let encoded = self.0.encoded.get().map_or(0, |e| e.json.len() + 32);
        let labels = self
            .0
            .labels
            .get()
            .map_or(0, |labels| labels.iter().map(Label::weight).sum::<usize>());
        std::mem::size_of::<Forms>() + encoded + labels
    }
}

/// A label borrowed from wherever a backend read it, written exactly as a [`Label`] is (the
/// same fields in the same order).
#[derive(Serialize)]
pub struct LabelView<'a, R: Serialize = ()> {
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub weight: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<R>,
}

struct Views<'a, T, F> {
    items: &'a [T],
    view: F,
}

impl<'a, T, R: Serialize, F: Fn(&'a T) -> LabelView<'a, R>> Serialize for Views<'a, T, F> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.items.iter().map(&self.view))
    }
}

/// JSON in a buffer of exactly its length, measured by writing it once to nowhere: a buffer
/// grown as it is written holds up to twice the text at its last doubling, and a large
/// list's encoding is several megabytes.
fn exact_json<T: Serialize + ?Sized>(value: &T) -> String {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Labels always serialize: strings, finite numbers and JSON values.
    if serde_json::to_writer(&mut count, value).is_err() {
        return "[]".to_owned();
    }
    let mut json = Vec::with_capacity(count.0);
    let _ = serde_json::to_writer(&mut json, value);
    String::from_utf8(json).unwrap_or_else(|_| "[]".to_owned())
}

impl Deref for LabelList {
    type Target = [Label];

    fn deref(&self) -> &[Label] {
        self.labels()
    }
}

impl From<Vec<Label>> for LabelList {
    fn from(labels: Vec<Label>) -> Self {
        Self::new(labels)
    }
}

impl FromIterator<Label> for LabelList {
    fn from_iter<I: IntoIterator<Item = Label>>(labels: I) -> Self {
        Self::new(labels.into_iter().collect())
    }
}

impl fmt::Debug for LabelList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.labels()).finish()
    }
}

impl PartialEq for LabelList {
    fn eq(&self, other: &Self) -> bool {
        self.labels() == other.labels()
    }
}

impl Label {
    /// Bytes the label holds, itself and on the heap.
    fn weight(&self) -> usize {
        let text = |s: &String| s.capacity();
        let raw = self.raw.as_ref().map_or(0, |raw| raw.to_string().len() * 2);
        std::mem::size_of::<Label>() + text(&self.id) + self.name.as_ref().map_or(0, text) + raw
    }

    pub fn identity(&self) -> LabelIdentity {
        LabelIdentity {
            id: Some(self.id.clone()),
            name: self.name.clone(),
        }
    }
}

/// A label as far as it could be resolved: what a change result reports and what a backend is
/// asked to attach or detach. A backend reads the key it needs (`name` or `id`), which the
/// resolution guarantees is present.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct LabelIdentity {
    // Both are always sent, null when unresolved.
    pub id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Add,
    Remove,
}

/// The outcome of one reference of a change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// The vendor made the change.
    Applied,
    /// Already attached (add) or not attached (remove), judged on a fresh vendor read.
    Unchanged,
    /// No such label at the vendor.
    NotFound,
    /// The label did not exist: it was created (`create_missing`), then attached.
    Created,
}

/// What a backend reports for each label it was asked to attach or detach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatus {
    Applied,
    NotFound,
}

impl From<WriteStatus> for ChangeStatus {
    fn from(status: WriteStatus) -> Self {
        match status {
            WriteStatus::Applied => ChangeStatus::Applied,
            WriteStatus::NotFound => ChangeStatus::NotFound,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeResult {
    pub op: Op,
    pub label: LabelIdentity,
    pub status: ChangeStatus,
}
