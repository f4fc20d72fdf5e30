//! A label to create, and what its name must be.

use crate::label_ref::check_label_text;

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
