//! The query parameters of the listings, each documented and read by the same type, read
//! strictly: a parameter given twice is refused.

use axum::http::Uri;
use label_core::FieldProblem;

use crate::contract::Error;
use utoipa::IntoParams;

use crate::engine::jobs::results::Filter;
use crate::engine::jobs::view::ItemStatus;

/// `?cursor=&limit=` of the job listing.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `next_cursor` of the page before; absent for the first page.
    #[param(max_length = 512, nullable = false)]
    pub cursor: Option<String>,
    /// Jobs a page, 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100, nullable = false)]
    pub limit: Option<u32>,
}

impl ListQuery {
    pub fn read(uri: &Uri) -> Result<Self, Error> {
        let pairs = pairs(uri, &["cursor", "limit"])?;
        Ok(Self {
            limit: limit(&pairs, 100)?,
            cursor: value(&pairs, "cursor"),
        })
    }

    pub fn page_size(&self) -> usize {
        self.limit.unwrap_or(20) as usize
    }
}

/// `?status=&cursor=&limit=` of a job's results.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Only the customers that `succeeded`, or that `failed`; absent: both.
    #[param(inline, nullable = false)]
    pub status: Option<ItemStatus>,
    /// `next_cursor` of the page before; absent for the first page.
    #[param(max_length = 512, nullable = false)]
    pub cursor: Option<String>,
    /// Items a page, 1 to 1000; default 100.
    #[param(minimum = 1, maximum = 1000, nullable = false)]
    pub limit: Option<u32>,
}

impl ResultsQuery {
    pub fn read(uri: &Uri) -> Result<Self, Error> {
        let pairs = pairs(uri, &["status", "cursor", "limit"])?;
        let limit = limit(&pairs, 1000)?;
        let status = match value(&pairs, "status").as_deref() {
            None => None,
            Some("succeeded") => Some(ItemStatus::Succeeded),
            Some("failed") => Some(ItemStatus::Failed),
            Some(_) => return Err(problem("query: status must be succeeded or failed")),
        };
        Ok(Self {
            status,
            cursor: value(&pairs, "cursor"),
            limit,
        })
    }

    pub fn page_size(&self) -> usize {
        self.limit.unwrap_or(100) as usize
    }

    /// The results the page is of.
    pub fn filter(&self) -> Filter {
        match self.status {
            None => Filter::All,
            Some(ItemStatus::Succeeded) => Filter::Succeeded,
            Some(ItemStatus::Failed) => Filter::Failed,
        }
    }
}

/// The query's `known` parameters by name, read strictly: a parameter given twice is a problem
/// (serde would take either, or refuse with its own words).
pub(super) fn pairs(uri: &Uri, known: &[&str]) -> Result<Vec<(String, String)>, Error> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut problems = Vec::new();
    for (name, value) in url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        if !known.contains(&name.as_ref()) {
            continue;
        }
        if pairs.iter().any(|(seen, _)| *seen == name) {
            problems.push(FieldProblem::at(
                "",
                format!("query: {name} is given more than once"),
            ));
        }
        pairs.push((name.into_owned(), value.into_owned()));
    }
    if problems.is_empty() {
        Ok(pairs)
    } else {
        Err(label_core::invalid_request(&problems).into())
    }
}

pub(super) fn value(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// `limit`, if given: 1 to `max`.
pub(super) fn limit(pairs: &[(String, String)], max: u32) -> Result<Option<u32>, Error> {
    match value(pairs, "limit") {
        None => Ok(None),
        Some(text) => match text.parse::<u32>() {
            Ok(limit) if (1..=max).contains(&limit) => Ok(Some(limit)),
            _ => Err(problem(&format!(
                "query: limit must be an integer from 1 to {max}"
            ))),
        },
    }
}

pub(super) fn problem(detail: &str) -> Error {
    label_core::invalid_request(&[FieldProblem::at("", detail)]).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Code;

    fn problem_of(error: Error) -> String {
        assert_eq!(error.kind, Code::InvalidRequest);
        error.problems[0].detail.clone()
    }

    #[test]
    fn the_listings_queries_are_read_strictly() {
        let uri = |q: &str| format!("/v1/tenants/acme/jobs?{q}").parse::<Uri>().unwrap();
        let list = ListQuery::read(&uri("limit=5&cursor=abc&other=1")).unwrap();
        assert_eq!((list.page_size(), list.cursor.as_deref()), (5, Some("abc")));
        assert_eq!(ListQuery::read(&uri("")).unwrap().page_size(), 20);
        for wrong in ["limit=0", "limit=101", "limit=x", "limit=99999999999"] {
            let why = problem_of(ListQuery::read(&uri(wrong)).err().unwrap());
            assert_eq!(
                why, "query: limit must be an integer from 1 to 100",
                "{wrong}"
            );
        }
        let why = problem_of(ListQuery::read(&uri("limit=1&limit=2")).err().unwrap());
        assert_eq!(why, "query: limit is given more than once");

        let results = ResultsQuery::read(&uri("status=failed&limit=1000")).unwrap();
        assert_eq!(results.page_size(), 1000);
        assert!(matches!(results.filter(), Filter::Failed));
        let all = ResultsQuery::read(&uri("")).unwrap();
        assert_eq!(all.page_size(), 100);
        assert!(matches!(all.filter(), Filter::All));
        let why = problem_of(ResultsQuery::read(&uri("status=done")).err().unwrap());
        assert_eq!(why, "query: status must be succeeded or failed");
    }
}
