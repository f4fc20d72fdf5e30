//! What every operation shares, added once to the derived document instead of to each handler:
//! the `X-Request-Id` header on every response, and named examples.

use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ObjectBuilder, OpenApi, RefOr, Type};
use utoipa::Modify;

use super::walk::operations;
use super::{
    cached_reads, examples, examples_bulk, examples_events, examples_jobs, examples_requests,
};

pub struct Decorations;

impl Modify for Decorations {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                cached_reads::add_ok_headers(operation);
                add_request_id(operation);
                add_examples(operation);
            }
        }
    }
}

fn request_id_header() -> Header {
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(128))
        .pattern(Some("^[A-Za-z0-9_.:/+=-]{1,128}$"))
        .examples(["0f8fad5b-d9cb-469f-a165-70867728950e"]);
    HeaderBuilder::new()
        .schema(schema)
        .description(Some(
            "The request's id: the client's `X-Request-Id` when it sent a sane one (1 to 128 of \
             `A-Z a-z 0-9 - _ . : / + =`), else a fresh UUID. The same id is sent to the vendor \
             and logged.",
        ))
        .build()
}

fn add_request_id(operation: &mut Operation) {
    for response in operation.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            response
                .headers
                .insert("X-Request-Id".to_owned(), request_id_header());
        }
    }
}

fn add_examples(operation: &mut Operation) {
    let id = operation.operation_id.clone().unwrap_or_default();
    for status in ["200", "201"] {
        if let Some(RefOr::T(ok)) = operation.responses.responses.get_mut(status) {
            if let Some(content) = ok.content.get_mut("application/json") {
                let oks = examples::ok_examples(&id);
                let more = examples_bulk::ok_examples(&id)
                    .into_iter()
                    .chain(examples_events::ok_examples(&id));
                for (name, example) in oks.into_iter().chain(more) {
                    content.examples.insert(name.to_owned(), example.into());
                }
            }
        }
    }
    let requests = match id.as_str() {
        "changeCustomerLabels" => examples_requests::change_request_examples(),
        "submitJob" => examples_jobs::submit_examples(),
        other => examples_bulk::request_examples(other),
    };
    if let Some(body) = operation.request_body.as_mut() {
        if let Some(content) = body.content.get_mut("application/json") {
            for (name, example) in requests {
                content.examples.insert(name.to_owned(), example.into());
            }
        }
    }
}
