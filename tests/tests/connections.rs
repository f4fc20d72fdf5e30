//! Connection-level protection: every connection must deliver a request head within the header
//! deadline whatever it sends (nothing, a partial line, an HTTP/2 preface), heads are bounded,
//! connections that send nothing can never keep out a client that sends a request, and an answer
//! given before its request's body was read says that the connection closes.

use std::time::Duration;

use label_gateway_tests::TestGateway;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CONFIG: &str = r#"
[server]
max_connections = 2
header_read_timeout_ms = 300

[tenants.acme]
provider = "capillary"
base_url = "http://127.0.0.1:9"
username = "u"
password = "p"
api_keys = ["k"]
"#;

/// Only keeps a broken build from hanging the suite: every wait below ends far sooner.
const AT_MOST: Duration = Duration::from_secs(20);

/// A deadline the tests never reach: what is cut off under it was cut off for another reason.
fn with_a_long_header_deadline(config: &str) -> String {
    config.replace(
        "header_read_timeout_ms = 300",
        "header_read_timeout_ms = 60000",
    )
}

fn addr(gateway: &TestGateway) -> String {
    gateway.base_url.trim_start_matches("http://").to_owned()
}

async fn healthz_on(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    answer_on(stream).await
}

/// Whether the gateway closes the connection (before `AT_MOST`), and what it said before.
async fn closed_after(stream: &mut TcpStream) -> Option<String> {
    let mut said = Vec::new();
    match tokio::time::timeout(AT_MOST, stream.read_to_end(&mut said)).await {
        Ok(_) => Some(String::from_utf8_lossy(&said).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let gateway = TestGateway::start(CONFIG, &[]).await;
    let mut stream = TcpStream::connect(addr(&gateway)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let said = closed_after(&mut stream).await;
    let said = said.expect("the gateway kept a half-sent request open");
    assert!(!said.contains("200 OK"), "{said}");
}

#[tokio::test]
async fn silence_a_lone_byte_or_an_http2_preface_are_cut_off_at_the_header_deadline() {
    let gateway = TestGateway::start(CONFIG, &[]).await;
    let preface: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    for sent in [&b""[..], b"P", preface] {
        let mut stream = TcpStream::connect(addr(&gateway)).await.unwrap();
        stream.write_all(sent).await.unwrap();
        let said = closed_after(&mut stream).await;
        let shown = String::from_utf8_lossy(sent);
        let said = said.unwrap_or_else(|| panic!("a connection that sent {shown:?} stayed open"));
        assert!(!said.contains(" 200 "), "{shown:?} was served: {said}");
    }
}

#[tokio::test]
async fn silent_sockets_beyond_the_cap_cannot_keep_out_a_client_with_a_key() {
    let gateway = TestGateway::start(&with_a_long_header_deadline(CONFIG), &[]).await;
    let mut silent = Vec::new();
    for _ in 0..10 {
        silent.push(TcpStream::connect(addr(&gateway)).await.unwrap());
    }
    let answer = tokio::time::timeout(AT_MOST, gateway.get("/v1/tenants/acme", "k").send())
        .await
        .expect("a client with a key was kept out by silent sockets")
        .expect("the gateway answers");
    assert_eq!(answer.status(), 200);
    drop(silent);
}

#[tokio::test]
async fn idle_connections_give_way_at_the_cap() {
    let gateway = TestGateway::start(&with_a_long_header_deadline(CONFIG), &[]).await;
    let mut first = TcpStream::connect(addr(&gateway)).await.unwrap();
    let mut second = TcpStream::connect(addr(&gateway)).await.unwrap();
    assert!(healthz_on(&mut first).await.starts_with("HTTP/1.1 200"));
    assert!(healthz_on(&mut second).await.starts_with("HTTP/1.1 200"));
    let mut third = TcpStream::connect(addr(&gateway)).await.unwrap();
    assert!(healthz_on(&mut third).await.starts_with("HTTP/1.1 200"));
    // The one that had waited longest for its next request made room.
    assert_eq!(closed_after(&mut first).await.as_deref(), Some(""));
    assert!(healthz_on(&mut third).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_request_head_over_max_header_bytes_is_431() {
    let config = CONFIG.replace("[server]\n", "[server]\nmax_header_bytes = 8192\n");
    let gateway = TestGateway::start(&config, &[]).await;
    let mut stream = TcpStream::connect(addr(&gateway)).await.unwrap();
    let big = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(9000)
    );
    stream.write_all(big.as_bytes()).await.unwrap();
    let said = closed_after(&mut stream)
        .await
        .expect("closed after the 431");
    assert!(said.starts_with("HTTP/1.1 431"), "{said}");
    let mut fits = TcpStream::connect(addr(&gateway)).await.unwrap();
    assert!(healthz_on(&mut fits).await.starts_with("HTTP/1.1 200"));
}

/// The head of a request whose body of `length` bytes comes later, if at all.
fn head_of_a_post(path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn an_answer_given_before_the_body_arrived_says_the_connection_closes() {
    let gateway = TestGateway::start(&with_a_long_header_deadline(CONFIG), &[]).await;
    let mut stream = TcpStream::connect(addr(&gateway)).await.unwrap();
    let body = br#"{"customer_ids":["1"]}"#;
    let head = head_of_a_post("/v1/tenants/nosuch/customers/labels:batchGet", body.len());
    stream.write_all(head.as_bytes()).await.unwrap();
    let said = closed_after(&mut stream)
        .await
        .expect("the connection was closed after the answer");
    let said = said.to_ascii_lowercase();
    assert!(said.starts_with("http/1.1 404"), "{said}");
    // Without it, a client reusing the connection meets it closed under its next request.
    assert!(said.contains("\r\nconnection: close\r\n"), "{said}");
}

#[tokio::test]
async fn an_answer_after_the_whole_body_keeps_the_connection() {
    let gateway = TestGateway::start(&with_a_long_header_deadline(CONFIG), &[]).await;
    let mut stream = TcpStream::connect(addr(&gateway)).await.unwrap();
    let body = "{";
    let head = head_of_a_post("/v1/tenants/acme/customers/1/labels", body.len())
        .replacen("POST", "PATCH", 1);
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .await
        .unwrap();
    let said = answer_on(&mut stream).await;
    assert!(
        said.to_ascii_lowercase().starts_with("http/1.1 422"),
        "{said}"
    );
    assert!(
        !said.to_ascii_lowercase().contains("connection: close"),
        "{said}"
    );
    assert!(healthz_on(&mut stream).await.starts_with("HTTP/1.1 200"));
}

/// The answer to what was already sent on `stream`.
async fn answer_on(stream: &mut TcpStream) -> String {
    let mut buffer = vec![0; 4096];
    let read = tokio::time::timeout(AT_MOST, stream.read(&mut buffer))
        .await
        .expect("an answer")
        .unwrap_or(0);
    String::from_utf8_lossy(&buffer[..read]).into_owned()
}

#[tokio::test]
async fn at_the_cap_a_silent_new_connection_gives_way_before_a_served_idle_one() {
    let gateway = TestGateway::start(&with_a_long_header_deadline(CONFIG), &[]).await;
    let mut served = TcpStream::connect(addr(&gateway)).await.unwrap();
    assert!(healthz_on(&mut served).await.starts_with("HTTP/1.1 200"));
    // Connected after `served` was answered: it has waited less long, but for its first head.
    let mut silent = TcpStream::connect(addr(&gateway)).await.unwrap();
    let mut third = TcpStream::connect(addr(&gateway)).await.unwrap();
    assert!(healthz_on(&mut third).await.starts_with("HTTP/1.1 200"));
    assert_eq!(closed_after(&mut silent).await.as_deref(), Some(""));
    assert!(healthz_on(&mut served).await.starts_with("HTTP/1.1 200"));
}
