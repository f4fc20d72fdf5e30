//! A vendor on loopback written straight onto TCP, for the answers no simulator gives: bodies
//! that echo the credentials they were sent, bodies larger than any limit, framed by
//! `Content-Length` or chunked. It answers every request with what its `answer` function makes
//! of the request's head, closes the connection after each answer, and reports how each
//! answer went: how many bytes of it the peer took before it hung up.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A request head as the vendor received it.
#[derive(Debug, Clone)]
pub struct Head {
    /// `GET /users/1/labels`
    pub request_line: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// How a body is framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    ContentLength,
    Chunked,
}

/// One answer: a status, then `prefix` followed by `filler` repeated up to `length` bytes in all
/// (so that a body of gigabytes needs no memory).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub prefix: Arc<Vec<u8>>,
    pub length: u64,
    pub filler: u8,
    pub framing: Framing,
}

impl Answer {
    /// `body` as it is, with a `Content-Length`.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        let body = body.into();
        Self {
            status,
            length: body.len() as u64,
            prefix: Arc::new(body),
            filler: b' ',
            framing: Framing::ContentLength,
        }
    }

    /// `body` padded with JSON whitespace to exactly `length` bytes.
    pub fn padded(status: u16, body: &[u8], length: u64, framing: Framing) -> Self {
        Self {
            status,
            prefix: Arc::new(body.to_vec()),
            length: length.max(body.len() as u64),
            filler: b' ',
            framing,
        }
    }
}

/// What became of one answer.
#[derive(Debug, Clone)]
pub struct Served {
    pub head: Head,
    /// Body bytes the peer's socket accepted before it went away (or all of them).
    pub body_sent: u64,
    /// Whether the whole answer was written.
    pub complete: bool,
}

pub struct RawVendor {
    pub base_url: String,
    served: tokio::sync::Mutex<mpsc::UnboundedReceiver<Served>>,
    task: JoinHandle<()>,
}

impl Drop for RawVendor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type AnswerFn = dyn Fn(&Head) -> Answer + Send + Sync;

impl RawVendor {
    pub async fn start(answer: impl Fn(&Head) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let (report, served) = mpsc::unbounded_channel();
        let answer: Arc<AnswerFn> = Arc::new(answer);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (answer, report) = (answer.clone(), report.clone());
                tokio::spawn(async move {
                    if let Some(served) = serve(stream, &*answer).await {
                        let _ = report.send(served);
                    }
                });
            }
        });
        Self {
            base_url,
            served: tokio::sync::Mutex::new(served),
            task,
        }
    }

    /// The next answer that has finished, written whole or cut off by the peer; `None` if none
    /// finishes within `at_most`.
    pub async fn next_served(&self, at_most: Duration) -> Option<Served> {
        let mut served = self.served.lock().await;
        tokio::time::timeout(at_most, served.recv())
            .await
            .ok()
            .flatten()
    }
}

async fn serve(mut stream: TcpStream, answer: &AnswerFn) -> Option<Served> {
    let head = read_head(&mut stream).await?;
    let reply = answer(&head);
    let mut sent = 0;
    let complete = write_answer(&mut stream, &reply, &mut sent).await.is_ok();
    let _ = stream.shutdown().await;
    Some(Served {
        head,
        body_sent: sent,
        complete,
    })
}

/// Reads up to the blank line, and any body a `Content-Length` announces (a POST's).
async fn read_head(stream: &mut TcpStream) -> Option<Head> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    let end = loop {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        bytes.extend_from_slice(&buffer[..read]);
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
    };
    let text = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let head = Head {
        request_line,
        headers,
    };
    let length: usize = head
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body_read = bytes.len() - (end + 4);
    while body_read < length {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            break;
        }
        body_read += read;
    }
    Some(head)
}

async fn write_answer(
    stream: &mut TcpStream,
    reply: &Answer,
    sent: &mut u64,
) -> std::io::Result<()> {
    let framing = match reply.framing {
        Framing::ContentLength => format!("content-length: {}", reply.length),
        Framing::Chunked => "transfer-encoding: chunked".to_owned(),
    };
    let head = format!(
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\n{framing}\r\nconnection: close\r\n\r\n",
        reply.status
    );
    stream.write_all(head.as_bytes()).await?;
    const PIECE: usize = 64 * 1024;
    let filler = vec![reply.filler; PIECE];
    let mut at: u64 = 0;
    while at < reply.length {
        let piece: &[u8] = if (at as usize) < reply.prefix.len() {
            let from = at as usize;
            &reply.prefix[from..reply.prefix.len().min(from + PIECE)]
        } else {
            &filler[..PIECE.min((reply.length - at) as usize)]
        };
        let piece = &piece[..piece.len().min((reply.length - at) as usize)];
        if reply.framing == Framing::Chunked {
            stream
                .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                .await?;
        }
        stream.write_all(piece).await?;
        if reply.framing == Framing::Chunked {
            stream.write_all(b"\r\n").await?;
        }
        at += piece.len() as u64;
        *sent = at;
    }
    if reply.framing == Framing::Chunked {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    stream.flush().await
}
