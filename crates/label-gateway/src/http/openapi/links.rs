//! OpenAPI links: how a client goes from one answer to the next call, with the values that
//! answer gives it. Swagger UI shows them under each response; schemathesis's stateful phase
//! follows them to chain requests (read a tenant, then its catalog, then attach a label of it).

use serde_json::{json, Map, Value};

/// One link from the 200 answer of `from` to the operation `to`. A link must resolve from every
/// 200 answer: none takes a customer's first label, since a customer may have none.
struct Link {
    from: &'static str,
    name: &'static str,
    to: &'static str,
    description: &'static str,
    /// Parameters of `to` taken from the member of the same name in the answer's body.
    parameters: &'static [&'static str],
    /// The request body of `to`, as JSON whose strings may be runtime expressions.
    body: Option<&'static str>,
}

const LINKS: &[Link] = &[
    Link {
        from: "getTenant",
        name: "catalog",
        to: "listCatalogLabels",
        description: "The tenant's label catalog",
        parameters: &["tenant"],
        body: None,
    },
    Link {
        from: "getTenant",
        name: "customerLabels",
        to: "getCustomerLabels",
        description: "A customer's labels at this tenant (the customer id is the caller's)",
        parameters: &["tenant"],
        body: None,
    },
    Link {
        from: "getTenant",
        name: "change",
        to: "changeCustomerLabels",
        description: "Change a customer's labels at this tenant, if `capabilities` allow it",
        parameters: &["tenant"],
        body: None,
    },
    Link {
        from: "getCustomerLabels",
        name: "change",
        to: "changeCustomerLabels",
        description: "Change this customer's labels",
        parameters: &["tenant", "customer_id"],
        body: None,
    },
    Link {
        from: "getCustomerLabels",
        name: "catalog",
        to: "listCatalogLabels",
        description: "The labels this customer could be given",
        parameters: &["tenant"],
        body: None,
    },
    Link {
        from: "listCatalogLabels",
        name: "attachFirst",
        to: "changeCustomerLabels",
        description: "Attach the catalog's first label, by its id, to a customer of this tenant",
        parameters: &["tenant"],
        body: Some(r#"{"add": [{"id": "$response.body#/labels/0/id"}]}"#),
    },
    Link {
        from: "changeCustomerLabels",
        name: "readBack",
        to: "getCustomerLabels",
        description: "Read the changed labels back (the change dropped them from the cache)",
        parameters: &["tenant", "customer_id"],
        body: None,
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
        let mut value = json!({
            "operationId": link.to,
            "description": link.description,
            "parameters": parameters,
        });
        if let Some(body) = link.body {
            value["requestBody"] = serde_json::from_str(body).expect("link bodies are JSON");
        }
        links.insert(link.name.to_owned(), value);
    }
    if !links.is_empty() {
        response["links"] = Value::Object(links);
    }
}
