//! Walking the operations of a path, for whatever adds to each of them (the routes' tags, the
//! document's decorations); it imports nothing of the gateway, so both sides may use it.

use utoipa::openapi::path::{Operation, PathItem};

/// Every operation of a path, whatever its method.
pub fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}
