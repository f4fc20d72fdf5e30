//! A passthrough call signed in as every Capillary call is ([`Capillary::signed`]).

use label_core::{CallContext, Error, PassthroughAnswer, PassthroughRequest};

use super::Capillary;
use crate::passthrough::{answer, build, method, TEMPLATE};

impl Capillary {
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
