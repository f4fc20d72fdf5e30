//! A route's template as the router reads it (`/v1/tenants/{tenant}/...`), matched without the
//! router, for the requests the front answers before it: the match comes from the route's own
//! definition, so the two cannot drift apart.

#[derive(Debug, Clone)]
pub struct Template {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(&'static str),
    Param,
}

impl Template {
    pub fn parse(template: &'static str) -> Self {
        let segments = template
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') && segment.ends_with('}') {
                    Segment::Param
                } else {
                    Segment::Literal(segment)
                }
            })
            .collect();
        Self { segments }
    }

    /// The values of the template's `N` parameters, in order, when `path` has its shape and no
    /// value is empty or percent-encoded (those the router decodes).
    pub fn capture<'p, const N: usize>(&self, path: &'p str) -> Option<[&'p str; N]> {
        let mut values = [""; N];
        let mut found = 0;
        let mut parts = path.split('/');
        for segment in &self.segments {
            let part = parts.next()?;
            match segment {
                Segment::Literal(literal) if *literal == part => {}
                Segment::Literal(_) => return None,
                Segment::Param => {
                    if part.is_empty() || part.contains('%') {
                        return None;
                    }
                    *values.get_mut(found)? = part;
                    found += 1;
                }
            }
        }
        (parts.next().is_none() && found == N).then_some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::Template;
    use crate::routes::customer_labels::ROUTE;

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
