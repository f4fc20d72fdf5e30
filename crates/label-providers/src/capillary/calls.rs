//! How a Capillary call is made: signed in (Basic in the endpoint's fixed headers, or an OAuth
//! token), sent, its answer checked; and the passthrough, signed in the same way.

use bytes::Bytes;
use label_core::{CallContext, Error, PassthroughAnswer, PassthroughRequest};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;

use super::auth::OAUTH_HEADER;
use super::{error, Capillary};
use crate::http::Reply;
use crate::passthrough::{answer, build, method, TEMPLATE};

impl Capillary {
    /// One call, signed in, its answer checked.
    pub(super) async fn call(
        &self,
        ctx: &CallContext,
        method: Method,
        path: &str,
        template: &'static str,
        body: Option<Bytes>,
    ) -> Result<Reply, Error> {
        let build = || {
            let request = self.endpoint.request(method.clone(), path);
            Ok(match &body {
                Some(body) => request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone()),
                None => request,
            })
        };
        let reply = self.signed(ctx, &method, template, build).await?;
        error::check_status(&reply)?;
        Ok(reply)
    }

    /// The request `build` makes, signed in: Basic is in the endpoint's fixed headers; with
    /// OAuth the token goes on, and a 401 is taken for a token that died early and the request
    /// is made once more with a new one (the vendor did not act on a refused call).
    async fn signed(
        &self,
        ctx: &CallContext,
        method: &Method,
        template: &'static str,
        build: impl Fn() -> Result<RequestBuilder, Error> + Send,
    ) -> Result<Reply, Error> {
        let mut refused = None;
        loop {
            let mut request = build()?;
            let generation = match &self.oauth {
                Some(oauth) => {
                    let token = oauth.token(&self.endpoint, ctx, refused).await?;
                    request = request.header(OAUTH_HEADER, token.header);
                    Some(token.generation)
                }
                None => None,
            };
            let reply = self.endpoint.send(request, ctx, method, template).await?;
            if reply.status == StatusCode::UNAUTHORIZED && refused.is_none() && generation.is_some()
            {
                refused = generation;
                continue;
            }
            return Ok(reply);
        }
    }

    pub(super) async fn get(
        &self,
        ctx: &CallContext,
        template: &'static str,
        path: &str,
    ) -> Result<Reply, Error> {
        self.call(ctx, Method::GET, path, template, None).await
    }

    pub(super) async fn send_json(
        &self,
        ctx: &CallContext,
        method: Method,
        path: &str,
        template: &'static str,
        body: &impl Serialize,
    ) -> Result<Reply, Error> {
        // Our own wire types always serialize.
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.call(ctx, method, path, template, Some(bytes.into()))
            .await
    }

    /// The client's request, signed in as every call is; the vendor's answer as it is.
    pub(super) async fn pass(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        let method = method(request)?;
        let make = || build(&self.endpoint, request);
        answer(self.signed(ctx, &method, TEMPLATE, make).await?)
    }
}
