//! A route's template as the router reads it (`/v1/tenants/{tenant}/...`), matched without the
//! router, for the requests the front answers before it: the match comes from the route's own
//! definition, so the two cannot drift apart.

#[derive(Debug, Clone)]
pub struct Template {
    /// The literal text before each parameter, and after the last one.
    literals: Vec<&'static str>,
}

impl Template {
    pub fn parse(template: &'static str) -> Self {
        let mut literals = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            literals.push(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
            rest = &rest[close..];
        }
        literals.push(rest);
        Self { literals }
    }

    /// The values of the template's `N` parameters, in order, when `path` has its shape and no
    /// value is empty or percent-encoded (those the router decodes). A literal is a prefix
    /// compare and a value a scan to the next `/`: a read of a plain path costs next to nothing.
    pub fn capture<'p, const N: usize>(&self, path: &'p str) -> Option<[&'p str; N]> {
        if self.literals.len() != N + 1 {
            return None;
        }
        let mut values = [""; N];
        let mut rest = path.strip_prefix(self.literals[0])?;
        for (value, literal) in values.iter_mut().zip(&self.literals[1..]) {
            let end = rest.bytes().position(|b| b == b'/').unwrap_or(rest.len());
            let (captured, after) = rest.split_at(end);
            if captured.is_empty() || captured.as_bytes().contains(&b'%') {
                return None;
            }
            *value = captured;
            rest = after.strip_prefix(literal)?;
        }
        rest.is_empty().then_some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::Template;
    use crate::http::routes::customer_labels::ROUTE;

    #[test]
    fn only_plain_paths_of_the_route_are_captured() {
        let template = Template::parse(ROUTE);
        let taken = template.capture("/v1/tenants/acme/customers/564663098/labels");
        assert_eq!(taken, Some(["acme", "564663098"]));
        for left in [
            "/v1/tenants/acme/customers/564663098/labels/",
            "/v1/tenants/acme/customers/5646%2F63098/labels",
            "/v1/tenants/ac%6De/customers/564663098/labels",
            "/v1/tenants/acme/customers/a/b/labels",
            "/v1/tenants/acme/customers//labels",
            "/v1/tenants//customers/1/labels",
            "/v1/tenants/acme/labels",
            "/v1/tenants/acme/customers/1/label",
            "/v2/tenants/acme/customers/1/labels",
        ] {
            assert_eq!(template.capture::<2>(left), None, "{left}");
        }
        assert_eq!(
            template.capture::<1>("/v1/tenants/acme/customers/1/labels"),
            None
        );
    }
}
