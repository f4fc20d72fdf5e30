//! Slow request bodies sent with a valid key: a body must keep arriving at
//! `min_body_bytes_per_second` (after a grace), one key may have only `max_connections_per_key`
//! connections sending a body, and at the connection cap the slowest body is stopped first.
//!
//! A connection is known to be reading its body when the gateway answers its
//! `Expect: 100-continue`: hyper sends `100 Continue` when the handler first reads the body,
//! after the key was checked and counted.

use std::time::Duration;

use label_gateway_tests::TestGateway;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CONFIG: &str = r#"
[server]
header_read_timeout_ms = 60000
body_read_timeout_ms = 60000
max_connections_per_key = 2

[tenants.acme]
provider = "capillary"
base_url = "http://127.0.0.1:9"
username = "u"
password = "p"
api_keys = ["k", "k2"]

[tenants.globex]
provider = "capillary"
base_url = "http://127.0.0.1:9"
username = "u"
password = "p"
api_keys = ["g"]
"#;

/// Only keeps a broken build from hanging the suite: every wait below ends far sooner.
const AT_MOST: Duration = Duration::from_secs(20);

const BODY: &str = r#"{"add": [{"name": "VIP"}]}"#;

fn addr(gateway: &TestGateway) -> String {
    gateway.base_url.trim_start_matches("http://").to_owned()
}

/// A change of `tenant`'s customer whose body of `length` bytes starts with `sent` and waits
/// for more; returns once the gateway reads it.
async fn start_body(gateway: &TestGateway, tenant: &str, key: &str, sent: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr(gateway)).await.unwrap();
    let head = format!(
        "PATCH /v1/tenants/{tenant}/customers/123/labels HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {key}\r\nContent-Type: application/json\r\n\
         Content-Length: 4096\r\nExpect: 100-continue\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let said = read_some(&mut stream).await;
    assert!(said.starts_with("HTTP/1.1 100"), "not read: {said}");
    stream.write_all(sent.as_bytes()).await.unwrap();
    stream
}

async fn read_some(stream: &mut TcpStream) -> String {
    let mut buffer = vec![0; 4096];
    let read = tokio::time::timeout(AT_MOST, stream.read(&mut buffer))
        .await
        .expect("the gateway said nothing")
        .unwrap();
    String::from_utf8_lossy(&buffer[..read]).into_owned()
}

/// Everything the gateway says until it closes the connection.
async fn said_until_closed(stream: &mut TcpStream) -> String {
    let mut said = Vec::new();
    tokio::time::timeout(AT_MOST, stream.read_to_end(&mut said))
        .await
        .expect("the gateway kept the connection open")
        .unwrap();
    String::from_utf8_lossy(&said).into_owned()
}

#[tokio::test]
async fn a_body_that_falls_behind_min_body_bytes_per_second_is_408() {
    let config = CONFIG.replace("[server]\n", "[server]\nmin_body_bytes_per_second = 1000\n");
    let gateway = TestGateway::start(&config, &[]).await;
    // 10 bytes buy 10 ms past the 2 s grace; the body's deadline is a minute away.
    let mut stream = start_body(&gateway, "acme", "k", &BODY[..10]).await;
    let said = said_until_closed(&mut stream).await;
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    assert!(said.contains("\"code\":\"request_timeout\""), "{said}");
    assert!(said.contains("min_body_bytes_per_second"), "{said}");
}

#[tokio::test]
async fn a_body_that_keeps_the_pace_is_read_however_long_it_takes() {
    let config = CONFIG.replace("[server]\n", "[server]\nmin_body_bytes_per_second = 1000\n");
    let gateway = TestGateway::start(&config, &[]).await;
    let padded = format!("{BODY:<4096}");
    let mut stream = start_body(&gateway, "acme", "k", &padded[..1024]).await;
    // 1024 bytes a second for three seconds: past the grace, never behind the pace.
    for part in padded.as_bytes()[1024..].chunks(1024) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        stream.write_all(part).await.unwrap();
    }
    let said = read_some(&mut stream).await;
    // No vendor listens at port 9: the body was read whole and the change attempted.
    assert!(said.starts_with("HTTP/1.1 502"), "{said}");
}

#[tokio::test]
async fn one_key_may_have_only_max_connections_per_key_bodies_in_flight() {
    let gateway = TestGateway::start(CONFIG, &[]).await;
    let first = start_body(&gateway, "acme", "k", "{").await;
    let _second = start_body(&gateway, "acme", "k", "{").await;

    let mut third = TcpStream::connect(addr(&gateway)).await.unwrap();
    let head = "PATCH /v1/tenants/acme/customers/123/labels HTTP/1.1\r\nHost: x\r\n\
                Authorization: Bearer k\r\nContent-Type: application/json\r\n\
                Content-Length: 4096\r\nExpect: 100-continue\r\n\r\n";
    third.write_all(head.as_bytes()).await.unwrap();
    let said = said_until_closed(&mut third).await;
    assert!(said.starts_with("HTTP/1.1 429"), "{said}");
    assert!(said.contains("\"code\":\"too_many_connections\""), "{said}");
    assert!(
        said.to_ascii_lowercase().contains("retry-after: 1"),
        "{said}"
    );
    // Answered before its body was read: README and docs/README.md list it among those.
    assert!(
        said.to_ascii_lowercase().contains("connection: close"),
        "{said}"
    );
    assert!(
        said.to_ascii_lowercase().contains("connection: close"),
        "{said}"
    );

    // Another key, of the same tenant or another, is not held to this key's count.
    let _other_key = start_body(&gateway, "acme", "k2", "{").await;
    let _other_tenant = start_body(&gateway, "globex", "g", "{").await;

    // A body that ends makes room for the key's next one.
    drop(first);
    let answered = tokio::time::timeout(AT_MOST, async {
        loop {
            let mut stream = TcpStream::connect(addr(&gateway)).await.unwrap();
            stream.write_all(head.as_bytes()).await.unwrap();
            if read_some(&mut stream).await.starts_with("HTTP/1.1 100") {
                break;
            }
        }
    });
    answered
        .await
        .expect("the key never got its connection back");
}

#[tokio::test]
async fn at_the_connection_cap_the_slowest_body_makes_room() {
    // At one byte a second, the slow bodies below would be read for ever: only the cap stops them.
    let config = CONFIG
        .replace(
            "[server]\n",
            "[server]\nmax_connections = 2\nmin_body_bytes_per_second = 1\n",
        )
        .replace("max_connections_per_key = 2", "max_connections_per_key = 8");
    let gateway = TestGateway::start(&config, &[]).await;
    let mut slowest = start_body(&gateway, "acme", "k", "{").await;
    let _faster = start_body(&gateway, "acme", "k", &BODY[..20]).await;

    let answer = tokio::time::timeout(AT_MOST, gateway.get("/v1/tenants/globex", "g").send())
        .await
        .expect("slow bodies kept another tenant out")
        .expect("the gateway answers");
    assert_eq!(answer.status(), 200);
    let said = said_until_closed(&mut slowest).await;
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    assert!(said.contains("room for other clients"), "{said}");
}
