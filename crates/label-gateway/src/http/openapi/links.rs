//! OpenAPI links: how a client goes from one answer to the next call, with the values that
//! answer gives it. Swagger UI shows them under each response; schemathesis's stateful phase
//! follows them to chain requests (read a tenant, then its catalog, then change a customer's labels).

use serde_json::{json, Map, Value};

/// One link from the 200 answer of `from` to the operation `to`. A link must resolve from every
/// 200 answer: none takes a customer's first label, since a customer may have none.
struct Link {
    from: &'static str,
    name: &'static str,
    to: &'static str,
    description: &'static str,
    /// Parameters of `to` taken from the member of the same name in the answer's body.
    /// No link gives a request body: OpenAPI allows a literal or one runtime expression there,
    /// and an object with expressions inside (`{"add": [{"id": "$response…"}]}`) is neither,
    /// which openapi-generator's validation refuses.
    parameters: &'static [&'static str],
}

const LINKS: &[Link] = &[
    Link {
        from: "getTenant",
        name: "catalog",
        to: "listCatalogLabels",
        description: "The tenant's label catalog",
        parameters: &["tenant"],
    },
    Link {
        from: "getTenant",
        name: "customerLabels",
        to: "getCustomerLabels",
        description: "A customer's labels at this tenant (the customer id is the caller's)",
        parameters: &["tenant"],
    },
    Link {
        from: "getTenant",
        name: "change",
        to: "changeCustomerLabels",
        description: "Change a customer's labels at this tenant, if `capabilities` allow it",
        parameters: &["tenant"],
    },
    Link {
        from: "getCustomerLabels",
        name: "change",
        to: "changeCustomerLabels",
        description: "Change this customer's labels",
        parameters: &["tenant", "customer_id"],
    },
    Link {
        from: "getCustomerLabels",
        name: "catalog",
        to: "listCatalogLabels",
        description: "The labels this customer could be given",
        parameters: &["tenant"],
    },
    Link {
        from: "listCatalogLabels",
        name: "attach",
        to: "changeCustomerLabels",
        description:
            "Attach one of these labels, by its `id` or `name`, to a customer of this tenant",
        parameters: &["tenant"],
    },
    Link {
        from: "changeCustomerLabels",
        name: "readBack",
        to: "getCustomerLabels",
        description: "Read the changed labels back (the change dropped them from the cache)",
        parameters: &["tenant", "customer_id"],
    },
];

/// Adds the links that start at `operation_id` to its 200 `response`.
pub fn add(operation_id: &str, response: &mut Value) {
    let mut links = Map::new();
    for link in LINKS.iter().filter(|link| link.from == operation_id) {
        let parameters: Map<String, Value> = link
            .parameters
            .iter()
            .map(|p| ((*p).to_owned(), json!(format!("$response.body#/{p}"))))
            .collect();
        let value = json!({
            "operationId": link.to,
            "description": link.description,
            "parameters": parameters,
        });
        links.insert(link.name.to_owned(), value);
    }
    if !links.is_empty() {
        response["links"] = Value::Object(links);
    }
}
