//! The behaviour every provider must show through the gateway, run against each simulator by
//! `conformance_tests!`: a new backend is tested by writing one subject.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::subjects::Vendor;
use crate::{expect_problem, json, TestGateway};

/// A provider's tenant `good` (working credentials) and `bad` (rejected ones) on one gateway.
pub struct Subject {
    pub provider: &'static str,
    pub gateway: TestGateway,
    pub known_customer: String,
    /// The known customer's label ids, in the order the API promises.
    pub known_label_ids: Vec<String>,
    pub empty_customer: String,
    pub unknown_customer: String,
    pub invalid_customer: String,
    pub catalog_size: usize,
    /// `None` for a read-only provider.
    pub writes: Option<WriteCase>,
    /// Whether the provider's labels carry weights (independent of whether it can write).
    pub weighted: bool,
    /// The longest label name the vendor takes; `None` where labels cannot be created.
    pub max_label_name: Option<usize>,
    /// Whether the provider lists a label's customers.
    pub members: bool,
    /// `Capabilities::batch`: customers one vendor call changes.
    pub batch: u64,
    pub vendor: Vendor,
}

/// Catalog names for the write checks: one the known customer lacks, one it has.
pub struct WriteCase {
    pub attachable: &'static str,
    pub attached: &'static str,
}

impl Subject {
    pub fn labels_path(&self, customer: &str) -> String {
        let segment: String = customer
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!("/v1/tenants/good/customers/{segment}/labels")
    }

    pub async fn read(&self, customer: &str) -> (u16, Value) {
        json(
            self.gateway
                .get(&self.labels_path(customer), "good-key")
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn change(&self, body: Value) -> (u16, Value) {
        let path = self.labels_path(&self.known_customer);
        json(
            self.gateway
                .patch(&path, "good-key", body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

fn ids(body: &Value) -> Vec<String> {
    body["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn reads_a_known_customer(s: Subject) {
    let (status, body) = s.read(&s.known_customer).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["tenant"].as_str(), body["provider"].as_str()),
        (Some("good"), Some(s.provider))
    );
    assert_eq!(body["customer_id"], s.known_customer.as_str());
    assert_eq!(ids(&body), s.known_label_ids);
    for label in body["labels"].as_array().unwrap() {
        assert!(label["name"].is_string(), "{label}");
        assert_eq!(label["weight"].is_number(), s.weighted, "{label}");
        assert!(label.get("raw").is_none());
    }
}

pub async fn reads_an_empty_customer(s: Subject) {
    assert_eq!(
        s.read(&s.empty_customer).await,
        (
            200,
            json!({
                "tenant": "good", "customer_id": s.empty_customer, "provider": s.provider, "labels": []
            })
        )
    );
}

pub async fn unknown_customer_is_not_found(s: Subject) {
    let response = s
        .gateway
        .get(&s.labels_path(&s.unknown_customer), "good-key")
        .send()
        .await
        .unwrap();
    let body = expect_problem(response, 404, "customer_not_found").await;
    assert_eq!(body["provider"], s.provider);
    assert!(body["upstream"]["status"].is_number(), "{body}");
}

pub async fn invalid_customer_id_never_reaches_the_vendor(s: Subject) {
    let response = s
        .gateway
        .get(&s.labels_path(&s.invalid_customer), "good-key")
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "invalid_customer_id").await;
    assert_eq!(s.vendor.calls(), 0);
}

pub async fn rejected_credentials_are_upstream_auth_failed(s: Subject) {
    let path = s.labels_path(&s.known_customer).replace("/good/", "/bad/");
    let response = s.gateway.get(&path, "bad-key").send().await.unwrap();
    let body = expect_problem(response, 502, "upstream_auth_failed").await;
    assert!(
        matches!(body["upstream"]["status"].as_u64(), Some(401 | 403)),
        "{body}"
    );
}

pub async fn include_raw_adds_the_vendor_record(s: Subject) {
    let path = format!("{}?include=raw", s.labels_path(&s.known_customer));
    let (status, body) = json(s.gateway.get(&path, "good-key").send().await.unwrap()).await;
    assert_eq!(status, 200);
    for label in body["labels"].as_array().unwrap() {
        assert!(label["raw"].is_object(), "{label}");
    }
}

pub async fn reports_its_capabilities(s: Subject) {
    let (status, body) = json(
        s.gateway
            .get("/v1/tenants/good", "good-key")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let writable = s.writes.is_some();
    assert_eq!(body["provider"], s.provider);
    let caps = &body["capabilities"];
    assert_eq!(
        (caps["read"].as_bool(), caps["catalog"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(
        (caps["add"].as_bool(), caps["remove"].as_bool()),
        (Some(writable), Some(writable))
    );
    assert_eq!(caps["weights"].as_bool(), Some(s.weighted));
    assert!(matches!(caps["label_key"].as_str(), Some("name" | "id")));
    assert_eq!(
        caps["create_labels"].as_bool(),
        Some(s.max_label_name.is_some())
    );
    assert_eq!(caps["members"].as_bool(), Some(s.members));
    assert_eq!(caps["batch"].as_u64(), Some(s.batch));
}

pub async fn lists_the_whole_catalog(s: Subject) {
    let (status, body) = json(
        s.gateway
            .get("/v1/tenants/good/labels", "good-key")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["labels"].as_array().unwrap().len(), s.catalog_size);
    assert_eq!(body["provider"], s.provider);
}

pub async fn etag_revalidation_gives_304(s: Subject) {
    let path = s.labels_path(&s.known_customer);
    let first = s.gateway.get(&path, "good-key").send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = s
        .gateway
        .get(&path, "good-key")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());
}

/// Attach, see it, attach again (unchanged), detach, detach again (unchanged), and an unknown
/// name; a read-only provider answers 405 and calls nothing.
pub async fn changes_labels_or_refuses(s: Subject) {
    let Some(case) = &s.writes else {
        let path = s.labels_path(&s.known_customer);
        let response = s
            .gateway
            .patch(&path, "good-key", json!({"add": [{"name": "x"}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], "GET, HEAD");
        expect_problem(response, 405, "unsupported_operation").await;
        assert_eq!(s.vendor.calls(), 0);
        return;
    };
    let add = json!({"add": [{"name": case.attachable}, {"name": case.attached}, {"name": "No Such Label"}]});
    let (status, body) = s.change(add.clone()).await;
    assert_eq!(status, 200, "{body}");
    let statuses: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["applied", "unchanged", "not_found"]);
    let attached_id = body["results"][0]["label"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(ids(&s.read(&s.known_customer).await.1).contains(&attached_id));
    assert_eq!(s.change(add).await.1["results"][0]["status"], "unchanged");
    let remove = json!({"remove": [{"id": attached_id}]});
    let (_, body) = s.change(remove.clone()).await;
    assert_eq!(
        body["results"][0],
        json!({"op": "remove", "label": {"id": attached_id, "name": case.attachable}, "status": "applied"})
    );
    assert!(!ids(&s.read(&s.known_customer).await.1).contains(&attached_id));
    assert_eq!(
        s.change(remove).await.1["results"][0]["status"],
        "unchanged"
    );
}

pub use crate::conformance_more::{
    changes_many_customers_or_refuses, creates_labels_or_refuses,
    creates_missing_labels_on_a_change, filters_the_catalog_and_shows_raw_records,
    lists_a_labels_customers_or_refuses, reads_many_customers_in_one_request,
};

/// One `#[tokio::test]` per conformance check for the subject made by `$make`.
#[macro_export]
macro_rules! conformance_tests {
    ($make:path) => {
        $crate::conformance_tests!(@each $make,
            reads_a_known_customer, reads_an_empty_customer, unknown_customer_is_not_found,
            invalid_customer_id_never_reaches_the_vendor, rejected_credentials_are_upstream_auth_failed,
            include_raw_adds_the_vendor_record, reports_its_capabilities, lists_the_whole_catalog,
            etag_revalidation_gives_304, changes_labels_or_refuses, creates_labels_or_refuses,
            creates_missing_labels_on_a_change, lists_a_labels_customers_or_refuses,
            changes_many_customers_or_refuses, reads_many_customers_in_one_request,
            filters_the_catalog_and_shows_raw_records);
    };
    (@each $make:path, $($check:ident),+) => {
        $(
            #[tokio::test]
            async fn $check() {
                $crate::conformance::$check($make().await).await;
            }
        )+
    };
}
