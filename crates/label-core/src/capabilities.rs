use serde::Serialize;

/// What a provider natively identifies a label by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelKey {
    Name,
    Id,
}

/// The shape a provider's customer ids must have; checked before any upstream call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerIdFormat {
    /// A positive decimal integer of at most this many digits.
    PositiveInteger { max_digits: usize },
    /// A UUID, normalized to lower case.
    Uuid,
    /// Any text of 1..=max_chars characters without control characters, and not `.` or `..`.
    Opaque { max_chars: usize },
}

impl CustomerIdFormat {
    /// What the format accepts, in words, for the API document.
    pub fn describe(self) -> String {
        match self {
            CustomerIdFormat::PositiveInteger { max_digits } => format!(
                "a positive decimal integer of at most {max_digits} digits (answered without leading zeros)"
            ),
            CustomerIdFormat::Uuid => "a UUID (answered in lower case)".to_owned(),
            CustomerIdFormat::Opaque { max_chars } => format!(
                "1 to {max_chars} characters without control characters, not `.` or `..`"
            ),
        }
    }
}

/// How a provider's label ids compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelIdFormat {
    /// Exactly as written.
    Exact,
    /// UUIDs, compared in lower case whatever case they are written in.
    Uuid,
    /// Decimal integers, compared without leading zeros (`020942` is `20942`), as the customer
    /// ids of the same vendor are; anything else is compared exactly.
    Integer,
}

/// The digits of a decimal integer after its leading zeros (empty for zero); `None` when `raw`
/// is not one. Both integer id formats compare ids in this spelling.
pub(crate) fn significant_digits(raw: &str) -> Option<&str> {
    let decimal = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    decimal.then(|| raw.trim_start_matches('0'))
}

impl LabelIdFormat {
    /// The one spelling a label id is compared and sent in.
    pub fn canonical(self, id: &str) -> String {
        match self {
            LabelIdFormat::Exact => id.to_owned(),
            LabelIdFormat::Uuid => id.to_ascii_lowercase(),
            LabelIdFormat::Integer => match significant_digits(id) {
                Some("") => "0".to_owned(),
                Some(significant) => significant.to_owned(),
                None => id.to_owned(),
            },
        }
    }
}

/// Plain flags saying what a provider can do, so callers ask instead of trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// A customer's labels can be read.
    pub read: bool,
    /// Labels can be attached to a customer.
    pub add: bool,
    /// Labels can be detached from a customer.
    pub remove: bool,
    /// The vendor account has a label catalog.
    pub catalog: bool,
    /// Labels carry a weight.
    pub weights: bool,
    /// What the provider natively identifies a label by.
    pub label_key: LabelKey,
    /// Labels can be created in the vendor's catalog.
    pub create_labels: bool,
    /// The customers that have a label can be listed.
    pub members: bool,
    /// The most customers one vendor call can change: 1 where the vendor has no batch call, 0
    /// for a provider that cannot write.
    pub batch: u32,
    /// The most customers one vendor read answers for: 1 where the vendor has no batch read.
    #[serde(skip)]
    pub batch_read: u32,
    /// The longest label name the vendor accepts, in characters.
    #[serde(skip)]
    pub max_label_name_chars: usize,
    /// The vendor filters its catalog by a name's substring itself.
    #[serde(skip)]
    pub catalog_search: bool,
    #[serde(skip)]
    pub customer_id_format: CustomerIdFormat,
    #[serde(skip)]
    pub label_id_format: LabelIdFormat,
    /// Repeating an attach or detach cannot change the outcome, so a failed write may be retried.
    #[serde(skip)]
    pub idempotent_writes: bool,
}

impl Capabilities {
    pub fn can_write(&self) -> bool {
        self.add || self.remove
    }
}

impl LabelIdFormat {
    /// Whether `id` can be a label id of this format at all: a Trybe label id that is not a
    /// UUID names no label, and needs no catalog read to say so.
    pub fn admits(self, id: &str) -> bool {
        match self {
            LabelIdFormat::Exact | LabelIdFormat::Integer => !id.is_empty(),
            LabelIdFormat::Uuid => id.len() == 36 && uuid::Uuid::try_parse(id).is_ok(),
        }
    }
}
