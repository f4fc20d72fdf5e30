//! A passthrough call signed in as every Capillary call is: Basic is in the endpoint's fixed
//! headers; with OAuth the token goes on, and a 401 is taken for a token that died early and
//! the call is made once more with a new one (the vendor did not act on a refused call).

use label_core::{CallContext, Error, PassthroughAnswer, PassthroughRequest};
use reqwest::StatusCode;

use super::auth::OAUTH_HEADER;
use super::Capillary;
use crate::passthrough::{answer, build, method, TEMPLATE};

impl Capillary {
    pub(super) async fn pass(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        let method = method(request)?;
        let mut refused = None;
        loop {
            let mut builder = build(&self.endpoint, request)?;
            let generation = match &self.oauth {
                Some(oauth) => {
                    let token = oauth.token(&self.endpoint, ctx, refused).await?;
                    builder = builder.header(OAUTH_HEADER, token.header);
                    Some(token.generation)
                }
                None => None,
            };
            let reply = self.endpoint.send(builder, ctx, &method, TEMPLATE).await?;
            if reply.status == StatusCode::UNAUTHORIZED && refused.is_none() && generation.is_some()
            {
                refused = generation;
                continue;
            }
            return answer(reply);
        }
    }
}
