#![no_main]
//! Customer ids of any text: one canonical spelling per customer. What parses is its own
//! canonical form (parsing it again gives it back), and that form is the one the contract
//! names: an integer without leading zeros, a UUID hyphenated in lower case, an opaque id as
//! sent.

use label_core::{CustomerId, CustomerIdFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, String)| {
    let (choice, raw) = input;
    let format = match choice % 4 {
        0 => CustomerIdFormat::PositiveInteger { max_digits: 19 },
        1 => CustomerIdFormat::Uuid,
        2 => CustomerIdFormat::Opaque { max_chars: 256 },
        _ => CustomerIdFormat::PositiveInteger {
            max_digits: usize::from(choice / 4 % 25),
        },
    };
    let Ok(id) = CustomerId::parse(&raw, format) else {
        // A plain integer of few enough digits is never refused.
        if let CustomerIdFormat::PositiveInteger { max_digits } = format {
            let digits = raw.trim_start_matches('0');
            let plain =
                !raw.is_empty() && raw.len() <= 64 && raw.bytes().all(|b| b.is_ascii_digit());
            assert!(
                !(plain && (1..=max_digits).contains(&digits.len())),
                "{raw:?} refused"
            );
        }
        return;
    };
    let canonical = id.as_str();
    assert_eq!(CustomerId::parse(canonical, format).ok(), Some(id.clone()));
    match format {
        CustomerIdFormat::PositiveInteger { max_digits } => {
            assert_eq!(canonical, raw.trim_start_matches('0'));
            assert!(!canonical.starts_with('0') && (1..=max_digits).contains(&canonical.len()));
            assert!(canonical.bytes().all(|b| b.is_ascii_digit()));
        }
        CustomerIdFormat::Uuid => {
            assert_eq!(canonical, raw.to_ascii_lowercase());
            assert_eq!(canonical.len(), 36);
            for (i, b) in canonical.bytes().enumerate() {
                let hyphen = matches!(i, 8 | 13 | 18 | 23);
                assert!(if hyphen {
                    b == b'-'
                } else {
                    matches!(b, b'0'..=b'9' | b'a'..=b'f')
                });
            }
            let upper = CustomerId::parse(&canonical.to_ascii_uppercase(), format).ok();
            assert_eq!(upper, Some(id), "one customer, one spelling");
        }
        CustomerIdFormat::Opaque { max_chars } => {
            assert_eq!(canonical, raw);
            assert!((1..=max_chars).contains(&canonical.chars().count()));
            assert!(!canonical.chars().any(char::is_control));
            assert!(canonical != "." && canonical != "..");
        }
    }
});
