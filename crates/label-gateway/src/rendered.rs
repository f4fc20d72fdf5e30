//! An answer as the API sends it: the JSON body with its strong `ETag`, made once. The cache
//! keeps customers' labels in this form, so that a hit serializes and hashes nothing and an
//! entry is one allocation of about the size of the body.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::HeaderValue;
use label_core::{CustomerId, Error, ErrorKind, Label, LabelList};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::CustomerLabelsResponse;

/// `"` + 32 hex digits (the first 128 bits of the body's SHA-256) + `"`.
const ETAG_LEN: usize = 34;
/// Room for a typical answer up front: growing the buffer from empty copies it several times.
const TYPICAL_BODY: usize = 512;

/// The ETag and the body in one buffer: one allocation, shared by every answer made from it.
/// An `Arc<[u8]>` rather than `Bytes`: 16 bytes to keep instead of 32 plus the 32 that `Bytes`
/// allocates on its first clone, for a small allocation per answer instead.
#[derive(Debug, Clone)]
pub struct Rendered(Arc<[u8]>);

impl AsRef<[u8]> for Rendered {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Rendered {
    pub fn new<T: Serialize>(body: &T) -> Result<Self, Error> {
        let mut bytes = Vec::with_capacity(TYPICAL_BODY);
        bytes.resize(ETAG_LEN, b'"');
        serde_json::to_writer(&mut bytes, body).map_err(|err| {
            Error::new(
                ErrorKind::UpstreamError,
                format!("the answer could not be serialized: {err}"),
            )
        })?;
        let digest = Sha256::digest(&bytes[ETAG_LEN..]);
        hex::encode_to_slice(&digest[..16], &mut bytes[1..ETAG_LEN - 1])
            .expect("16 bytes are 32 hex digits");
        // Copied into an allocation of the exact size: an entry lives for minutes.
        Ok(Self(bytes.into()))
    }

    pub fn etag(&self) -> &str {
        std::str::from_utf8(&self.0[..ETAG_LEN]).expect("quotes and hex digits")
    }

    /// The `ETag` header and the body, both views of this answer's one buffer: nothing is
    /// copied or allocated per answer but the view's owner.
    pub fn into_etag_and_body(self) -> (HeaderValue, Bytes) {
        let whole = Bytes::from_owner(self);
        let etag =
            HeaderValue::from_maybe_shared(whole.slice(..ETAG_LEN)).expect("quotes and hex digits");
        (etag, whole.slice(ETAG_LEN..))
    }

    /// The labels back from a customer's answer, for callers that want them rather than JSON.
    pub fn customer_labels(&self) -> Result<LabelList, Error> {
        #[derive(Deserialize)]
        struct Body {
            labels: Vec<Label>,
        }
        let body: Body = serde_json::from_slice(&self.0[ETAG_LEN..]).map_err(|err| {
            Error::new(
                ErrorKind::UpstreamError,
                format!("a cached answer could not be read back: {err}"),
            )
        })?;
        Ok(body.labels.into())
    }
}

/// `GET /v1/tenants/{tenant}/customers/{customer_id}/labels`, answered.
pub fn customer_labels(
    tenant: &str,
    customer: &CustomerId,
    provider: &str,
    labels: &[Label],
) -> Result<Rendered, Error> {
    Rendered::new(&CustomerLabelsResponse {
        tenant,
        customer_id: customer.as_str(),
        provider,
        labels,
    })
}
