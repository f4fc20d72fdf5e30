//! The problems of a job submission: every one is counted, the first `MAX_PROBLEMS` are kept
//! (a million bad customer ids must not make a problem body of a hundred megabytes).

use crate::contract::{Code, Error};
use label_core::{FieldProblem, MAX_PROBLEMS};

#[derive(Debug, Default)]
pub struct Problems {
    kept: Vec<FieldProblem>,
    total: usize,
}

impl Problems {
    pub fn add(&mut self, pointer: impl Into<String>, detail: impl Into<String>) {
        self.total += 1;
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(FieldProblem::at(pointer, detail));
        }
    }

    pub fn extend(&mut self, problems: impl IntoIterator<Item = FieldProblem>) {
        for problem in problems {
            self.total += 1;
            if self.kept.len() < MAX_PROBLEMS {
                self.kept.push(problem);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// `invalid_request` listing the kept problems, saying when there were more.
    pub fn into_error(self) -> Error {
        let detail = match (self.total, self.kept.first()) {
            (1, Some(one)) => format!(
                "{}: {}",
                one.pointer
                    .as_deref()
                    .filter(|p| !p.is_empty())
                    .unwrap_or("body"),
                one.detail
            ),
            (total, _) => format!("{total} problems in the job"),
        };
        let mut error = Error::new(Code::InvalidRequest, detail);
        error.problems_truncated = self.total > self.kept.len();
        error.problems = self.kept;
        error
    }
}
