//! ActionHub quirks through the gateway: ids that look like paths stay one segment, `.` and
//! `..` are refused, ties are broken by name, and nothing can be written.

use label_gateway_tests::subjects;
use label_gateway_tests::{expect_problem, json};
use label_sim::actionhub::{ODD_USERS, TIED_USER};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn odd_user_ids_reach_the_vendor_as_exactly_one_segment() {
    let s = subjects::actionhub().await;
    let subjects::Vendor::ActionHub(sim) = &s.vendor else {
        unreachable!()
    };
    for (n, user) in ODD_USERS.iter().enumerate() {
        let (status, body) = s.read(user).await;
        assert_eq!(status, 200, "{user}: {body}");
        assert_eq!(body["customer_id"], *user);
        assert!(
            !body["labels"][0]["id"]
                .as_str()
                .unwrap()
                .starts_with("Wrong User"),
            "{user}: {body}"
        );
        let sent = &sim.server.requests()[n];
        let encoded: String = label_providers_segment(user);
        assert_eq!(sent.target, format!("/users/{encoded}/labels"));
    }
}

/// What the gateway must send: every byte but RFC 3986's unreserved ones percent-encoded.
fn label_providers_segment(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// HTTP clients normalize `..` away, so these go over a raw socket, as an attacker's would.
#[tokio::test]
async fn dot_segments_are_refused_before_any_vendor_call() {
    let s = subjects::actionhub().await;
    let addr = s.gateway.base_url.trim_start_matches("http://").to_owned();
    for segment in ["%2E", "%2E%2E", ".%2e"] {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        let request = format!(
            "GET /v1/tenants/good/customers/{segment}/labels HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good-key\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 400"), "{segment}: {answer}");
        assert!(answer.contains("invalid_customer_id"), "{answer}");
    }
    assert_eq!(s.vendor.calls(), 0);
}

#[tokio::test]
async fn equal_weights_are_ordered_by_name() {
    let s = subjects::actionhub().await;
    let (_, body) = s.read(TIED_USER).await;
    let names: Vec<&str> = body["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Vegan",
            "Apple Pay User",
            "Zebra Print",
            "Late Night Browser"
        ]
    );
    assert_eq!(body["labels"][1]["weight"], 0.7);
}

#[tokio::test]
async fn raw_is_the_label_and_its_weight() {
    let s = subjects::actionhub().await;
    let path = format!("{}?include=raw", s.labels_path(&s.known_customer));
    let (_, body) = json(s.gateway.get(&path, "good-key").send().await.unwrap()).await;
    assert_eq!(
        body["labels"][0]["raw"],
        serde_json::json!({"label": "Sports Fan", "weight": 0.92})
    );
}

#[tokio::test]
async fn control_characters_and_overlong_ids_are_400() {
    let s = subjects::actionhub().await;
    for bad in ["a\u{1}b", "tab\there", &"x".repeat(257)] {
        let response = s
            .gateway
            .get(&s.labels_path(bad), "good-key")
            .send()
            .await
            .unwrap();
        expect_problem(response, 400, "invalid_customer_id").await;
    }
    let (status, _) = s.read(&"y".repeat(256)).await;
    assert_eq!(
        status, 404,
        "256 characters is allowed and reaches the vendor"
    );
    assert_eq!(s.vendor.calls(), 1);
}
