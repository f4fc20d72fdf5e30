//! The query parameters of the listings, each documented and read by the same type, read
//! strictly: a parameter given twice is refused.

use axum::http::Uri;
use label_core::FieldProblem;

use std::marker::PhantomData;

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
use utoipa::openapi::{ObjectBuilder, Required, Type};
use utoipa::IntoParams;

use crate::contract::Error;
use crate::http::routes::cursor::MAX_CURSOR_CHARS;

use crate::engine::jobs::results::Filter;
use crate::engine::jobs::view::ItemStatus;

/// A paged listing: the word for its items, its page size when not asked for, and the most a
/// page may hold.
pub trait Listing {
    const ITEMS: &'static str;
    const DEFAULT: u32;
    const MAX: u32;
}

/// The tenant's jobs.
pub enum Jobs {}

impl Listing for Jobs {
    const ITEMS: &'static str = "Jobs";
    const DEFAULT: u32 = 20;
    const MAX: u32 = 100;
}

/// A job's results.
pub enum Results {}

impl Listing for Results {
    const ITEMS: &'static str = "Items";
    const DEFAULT: u32 = 100;
    const MAX: u32 = 1000;
}

/// `?cursor=&limit=` of a listing: documented and read with the listing's bounds.
pub struct Page<L> {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
    listing: PhantomData<L>,
}

impl<L: Listing> Page<L> {
    pub fn read(uri: &Uri) -> Result<Self, Error> {
        Self::of(&pairs(uri, &["cursor", "limit"])?)
    }

    fn of(pairs: &[(String, String)]) -> Result<Self, Error> {
        Ok(Self {
            limit: limit(pairs, L::MAX)?,
            cursor: value(pairs, "cursor"),
            listing: PhantomData,
        })
    }

    pub fn size(&self) -> usize {
        self.limit.unwrap_or(L::DEFAULT) as usize
    }
}

impl<L: Listing> IntoParams for Page<L> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let query = |name: &str, description: String, schema: ObjectBuilder| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        };
        let cursor = ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_CURSOR_CHARS));
        let limit = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1))
            .maximum(Some(L::MAX));
        let (items, max, default) = (L::ITEMS, L::MAX, L::DEFAULT);
        vec![
            query(
                "cursor",
                "`next_cursor` of the page before; absent for the first page.".into(),
                cursor,
            ),
            query(
                "limit",
                format!("{items} a page, 1 to {max}; default {default}."),
                limit,
            ),
        ]
    }
}

/// `?status=` of a job's results, beside its [`Page`].
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Only the customers that `succeeded`, or that `failed`; absent: both.
    #[param(inline, nullable = false)]
    pub status: Option<ItemStatus>,
    /// Documented on its own: `params(.., ResultsQuery, Page<Results>)`.
    #[param(ignore)]
    pub page: Page<Results>,
}

impl ResultsQuery {
    pub fn read(uri: &Uri) -> Result<Self, Error> {
        let pairs = pairs(uri, &["status", "cursor", "limit"])?;
        let page = Page::of(&pairs)?;
        let status = match value(&pairs, "status").as_deref() {
            None => None,
            Some("succeeded") => Some(ItemStatus::Succeeded),
            Some("failed") => Some(ItemStatus::Failed),
            Some(_) => return Err(problem("query: status must be succeeded or failed")),
        };
        Ok(Self { status, page })
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
        let list = Page::<Jobs>::read(&uri("limit=5&cursor=abc&other=1")).unwrap();
        assert_eq!((list.size(), list.cursor.as_deref()), (5, Some("abc")));
        assert_eq!(Page::<Jobs>::read(&uri("")).unwrap().size(), 20);
        for wrong in ["limit=0", "limit=101", "limit=x", "limit=99999999999"] {
            let why = problem_of(Page::<Jobs>::read(&uri(wrong)).err().unwrap());
            assert_eq!(
                why, "query: limit must be an integer from 1 to 100",
                "{wrong}"
            );
        }
        let why = problem_of(Page::<Jobs>::read(&uri("limit=1&limit=2")).err().unwrap());
        assert_eq!(why, "query: limit is given more than once");

        let results = ResultsQuery::read(&uri("status=failed&limit=1000")).unwrap();
        assert_eq!(results.page.size(), 1000);
        assert!(matches!(results.filter(), Filter::Failed));
        let all = ResultsQuery::read(&uri("")).unwrap();
        assert_eq!(all.page.size(), 100);
        assert!(matches!(all.filter(), Filter::All));
        let why = problem_of(ResultsQuery::read(&uri("status=done")).err().unwrap());
        assert_eq!(why, "query: status must be succeeded or failed");
    }
}
