use std::fmt;

use crate::capabilities::{significant_digits, CustomerIdFormat};
use crate::error::{Error, ErrorKind};

/// How long a spelling of an integer id may be, leading zeros included.
const MAX_SPELLING: usize = 64;

/// A customer id that already satisfies its provider's format, in its one canonical spelling
/// (an integer without leading zeros, a UUID in lower case); [`CustomerId::parse`] is the only
/// way to make one, so a backend never sees an unchecked id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerId(String);

impl CustomerId {
    pub fn parse(raw: &str, format: CustomerIdFormat) -> Result<Self, Error> {
        match format {
            CustomerIdFormat::PositiveInteger { max_digits } => {
                // One customer, one spelling: leading zeros are dropped, so `0564663098` and
                // `564663098` share a cache entry and an idempotency scope.
                let significant = significant_digits(raw).filter(|digits| {
                    !digits.is_empty() && digits.len() <= max_digits && raw.len() <= MAX_SPELLING
                });
                if let Some(significant) = significant {
                    Ok(Self(significant.to_owned()))
                } else {
                    Err(invalid(format!(
                        "customer id must be a positive decimal integer of at most {max_digits} digits"
                    )))
                }
            }
            CustomerIdFormat::Uuid => uuid::Uuid::try_parse(raw)
                .ok()
                // Only the hyphenated 36-character form: braces or urn prefixes would be a
                // second spelling of the same customer.
                .filter(|_| raw.len() == 36)
                .map(|id| Self(id.hyphenated().to_string()))
                .ok_or_else(|| invalid("customer id must be a UUID".to_owned())),
            CustomerIdFormat::Opaque { max_chars } => {
                let chars = raw.chars().count();
                if chars == 0 || chars > max_chars {
                    Err(invalid(format!(
                        "customer id must be 1 to {max_chars} characters"
                    )))
                } else if raw.chars().any(char::is_control) {
                    Err(invalid(
                        "customer id must not contain control characters".to_owned(),
                    ))
                } else if raw == "." || raw == ".." {
                    Err(invalid("customer id must not be `.` or `..`".to_owned()))
                } else {
                    Ok(Self(raw.to_owned()))
                }
            }
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn invalid(detail: String) -> Error {
    Error::new(ErrorKind::InvalidCustomerId, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPILLARY: CustomerIdFormat = CustomerIdFormat::PositiveInteger { max_digits: 19 };
    const OPAQUE: CustomerIdFormat = CustomerIdFormat::Opaque { max_chars: 256 };

    #[test]
    fn integers_must_be_positive_decimal_and_short() {
        assert!(CustomerId::parse("564663098", CAPILLARY).is_ok());
        assert!(CustomerId::parse("9999999999999999999", CAPILLARY).is_ok());
        let padded = CustomerId::parse("0564663098", CAPILLARY).unwrap();
        assert_eq!(padded.as_str(), "564663098");
        assert_eq!(
            CustomerId::parse("00000000000000000000007", CAPILLARY)
                .unwrap()
                .as_str(),
            "7"
        );
        for bad in [
            "",
            "0",
            "000",
            "-1",
            "+1",
            "1.0",
            "12a",
            "99999999999999999999",
            " 1",
            "0000000000000000000000000000000000000000000000000000000000000000001",
        ] {
            let err = CustomerId::parse(bad, CAPILLARY).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidCustomerId, "{bad:?}");
        }
    }

    #[test]
    fn uuids_are_lowercased_and_only_hyphenated() {
        let id = CustomerId::parse(
            "0F8FAD5B-D9CB-469F-A165-70867728950E",
            CustomerIdFormat::Uuid,
        )
        .unwrap();
        assert_eq!(id.as_str(), "0f8fad5b-d9cb-469f-a165-70867728950e");
        for bad in [
            "0f8fad5bd9cb469fa16570867728950e",
            "{0f8fad5b-d9cb-469f-a165-70867728950e}",
            "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
            "nope",
        ] {
            assert!(
                CustomerId::parse(bad, CustomerIdFormat::Uuid).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn opaque_ids_refuse_dots_controls_and_length() {
        for ok in ["a/../b", "x?y=1", "%2F", "...", "ü"] {
            assert!(CustomerId::parse(ok, OPAQUE).is_ok(), "{ok}");
        }
        let long = "x".repeat(257);
        for bad in [".", "..", "", "a\nb", "\u{7f}", long.as_str()] {
            assert!(CustomerId::parse(bad, OPAQUE).is_err(), "{bad:?}");
        }
    }
}
