//! What a write asks of a provider: labels to attach to or detach from a customer, a label
//! for many customers, a label to create (and what its name must be). One value a call, so
//! that every layer and backend names a write the same way.

use crate::customer_id::CustomerId;
use crate::label_ref::check_label_text;
use crate::model::{LabelIdentity, Op};

/// Resolved labels to attach to (`Op::Add`) or detach from one customer.
#[derive(Debug, Clone, Copy)]
pub struct LabelChange<'a> {
    pub op: Op,
    pub customer: &'a CustomerId,
    pub labels: &'a [LabelIdentity],
}

/// One resolved label to attach to (`Op::Add`) or detach from each of many customers.
#[derive(Debug, Clone, Copy)]
pub struct ManyChange<'a> {
    pub op: Op,
    pub label: &'a LabelIdentity,
    pub customers: &'a [CustomerId],
}

/// A label to create: `{"name", "description"?, "colour"?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLabel {
    pub name: String,
    pub description: Option<String>,
    /// Six hex digits in lower case, without `#`.
    pub colour: Option<String>,
}

/// A label name to create: a label text (1 to 255 characters, no controls), no blanks at its
/// ends (vendors store names trimmed, so the answer would not be what was asked), and no longer
/// than the vendor allows.
pub fn check_new_name(name: &str, max_chars: usize) -> Result<(), String> {
    check_label_text(name)?;
    if name.trim() != name {
        return Err("must not begin or end with whitespace".to_owned());
    }
    let chars = name.chars().count();
    if chars > max_chars {
        return Err(format!(
            "is {chars} characters; this tenant's vendor allows at most {max_chars}"
        ));
    }
    Ok(())
}
