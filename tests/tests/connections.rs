//! Connection-level protection: a client that never finishes its headers is cut off, and open
//! connections are capped.

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

fn addr(gateway: &TestGateway) -> String {
    gateway.base_url.trim_start_matches("http://").to_owned()
}

async fn healthz_on(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = vec![0; 1024];
    let read = stream.read(&mut buffer).await.unwrap();
    String::from_utf8_lossy(&buffer[..read]).into_owned()
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let gateway = TestGateway::start(CONFIG, &[]).await;
    let mut stream = TcpStream::connect(addr(&gateway)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    // The generous outer bound only keeps a broken build from hanging the suite.
    let closed = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the gateway kept a half-sent request open");
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
}

#[tokio::test]
async fn connections_over_the_cap_wait_until_one_closes() {
    // Idle connections must outlive the test, or the cap would be freed by the header timeout.
    let config = CONFIG.replace(
        "header_read_timeout_ms = 300",
        "header_read_timeout_ms = 60000",
    );
    let gateway = TestGateway::start(&config, &[]).await;
    let mut first = TcpStream::connect(addr(&gateway)).await.unwrap();
    let mut second = TcpStream::connect(addr(&gateway)).await.unwrap();
    assert!(healthz_on(&mut first).await.starts_with("HTTP/1.1 200"));
    assert!(healthz_on(&mut second).await.starts_with("HTTP/1.1 200"));
    let mut third = TcpStream::connect(addr(&gateway)).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = vec![0; 1024];
    let early = tokio::time::timeout(Duration::from_millis(200), third.read(&mut buffer)).await;
    assert!(
        early.is_err(),
        "a third connection was served while two were open"
    );
    drop(first);
    let read = tokio::time::timeout(Duration::from_secs(20), third.read(&mut buffer))
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
    drop(second);
}
