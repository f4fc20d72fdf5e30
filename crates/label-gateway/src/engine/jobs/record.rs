//! One customer's result as a job keeps it: a few bytes (a tag, then per reference its op and
//! status in one byte and its label's place in the job's label table), turned into JSON only
//! when a client reads it. A failure keeps its problem's code and detail; a success keeps no
//! text at all.

use label_core::Op;

/// A detail is cut to this many bytes: enough to say why, bounded whatever the vendor said.
const MAX_DETAIL_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefStatus {
    Applied,
    Unchanged,
    NotFound,
    /// A dry run: the change would be made.
    WouldApply,
}

impl RefStatus {
    pub fn as_str(self, created: bool) -> &'static str {
        match self {
            RefStatus::Applied if created => "created",
            RefStatus::Applied => "applied",
            RefStatus::Unchanged => "unchanged",
            RefStatus::NotFound => "not_found",
            RefStatus::WouldApply => "would_apply",
        }
    }

    fn code(self) -> u8 {
        match self {
            RefStatus::Applied => 0,
            RefStatus::Unchanged => 1,
            RefStatus::NotFound => 2,
            RefStatus::WouldApply => 3,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => RefStatus::Applied,
            1 => RefStatus::Unchanged,
            2 => RefStatus::NotFound,
            3 => RefStatus::WouldApply,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefResult {
    pub op: Op,
    /// The label's place in the job's label table.
    pub label: u32,
    pub status: RefStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not started (the job was cancelled before it).
    NotDone,
    Succeeded(Vec<RefResult>),
    Failed {
        code: String,
        detail: String,
    },
}

const NOT_DONE: u8 = 0;
const SUCCEEDED: u8 = 1;
const FAILED: u8 = 2;

pub fn encode(outcome: &Outcome, out: &mut Vec<u8>) {
    match outcome {
        Outcome::NotDone => out.push(NOT_DONE),
        Outcome::Succeeded(results) => {
            out.push(SUCCEEDED);
            varint(results.len() as u64, out);
            for result in results {
                let op = u8::from(result.op == Op::Remove) << 4;
                out.push(op | result.status.code());
                varint(result.label.into(), out);
            }
        }
        Outcome::Failed { code, detail } => {
            out.push(FAILED);
            let code = &code.as_bytes()[..code.len().min(255)];
            out.push(code.len() as u8);
            out.extend_from_slice(code);
            let detail = cut(detail, MAX_DETAIL_BYTES);
            out.extend_from_slice(&(detail.len() as u16).to_le_bytes());
            out.extend_from_slice(detail.as_bytes());
        }
    }
}

/// The record at `*at`, moving `*at` past it; `None` for bytes this module did not write.
pub fn decode(bytes: &[u8], at: &mut usize) -> Option<Outcome> {
    let tag = *bytes.get(*at)?;
    *at += 1;
    match tag {
        NOT_DONE => Some(Outcome::NotDone),
        SUCCEEDED => {
            let n = read_varint(bytes, at)?;
            let mut results = Vec::with_capacity(n.min(256) as usize);
            for _ in 0..n {
                let byte = *bytes.get(*at)?;
                *at += 1;
                let op = if byte >> 4 == 1 { Op::Remove } else { Op::Add };
                let status = RefStatus::from_code(byte & 0x0f)?;
                let label = u32::try_from(read_varint(bytes, at)?).ok()?;
                results.push(RefResult { op, label, status });
            }
            Some(Outcome::Succeeded(results))
        }
        FAILED => {
            let code_len = usize::from(*bytes.get(*at)?);
            let code = bytes.get(*at + 1..*at + 1 + code_len)?;
            *at += 1 + code_len;
            let len = bytes.get(*at..*at + 2)?;
            let detail_len = usize::from(u16::from_le_bytes([len[0], len[1]]));
            let detail = bytes.get(*at + 2..*at + 2 + detail_len)?;
            *at += 2 + detail_len;
            Some(Outcome::Failed {
                code: String::from_utf8_lossy(code).into_owned(),
                detail: String::from_utf8_lossy(detail).into_owned(),
            })
        }
        _ => None,
    }
}

fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_as_written_one_after_another() {
        let outcomes = [
            Outcome::Succeeded(vec![
                RefResult {
                    op: Op::Add,
                    label: 0,
                    status: RefStatus::Applied,
                },
                RefResult {
                    op: Op::Remove,
                    label: 300,
                    status: RefStatus::Unchanged,
                },
                RefResult {
                    op: Op::Add,
                    label: 7,
                    status: RefStatus::WouldApply,
                },
            ]),
            Outcome::NotDone,
            Outcome::Failed {
                code: "customer_not_found".into(),
                detail: "ü".repeat(600),
            },
            Outcome::Succeeded(Vec::new()),
        ];
        let mut bytes = Vec::new();
        for outcome in &outcomes {
            encode(outcome, &mut bytes);
        }
        let mut at = 0;
        for outcome in &outcomes {
            let read = decode(&bytes, &mut at).expect("a record");
            match (outcome, &read) {
                (Outcome::Failed { detail, .. }, Outcome::Failed { detail: kept, .. }) => {
                    assert!(kept.len() <= MAX_DETAIL_BYTES && detail.starts_with(kept.as_str()));
                }
                _ => assert_eq!(&read, outcome),
            }
        }
        assert_eq!(at, bytes.len());
        assert_eq!(decode(&bytes, &mut at), None);
        assert_eq!(decode(&[9], &mut 0), None);
    }
}
