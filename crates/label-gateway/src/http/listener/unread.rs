//! Saying `Connection: close` on an answer given before its request's body was read.
//!
//! An answer can come before the body does: a 401, 403, 404, 405 or 415 decided on the head
//! alone, a 413 at the size limit, a 429 `too_many_connections`, a 408 for a body that stopped
//! arriving (README, "Connections", lists the same). hyper then closes the connection after the answer without
//! saying so, and a client that sends its next request on the same connection in that moment
//! sees it dropped unanswered (a keep-alive pool does exactly that). Saying so lets the client
//! open a new connection instead (RFC 9112 §9.6).
//!
//! The same watch counts the body's bytes for its [`pace`](super::pace) and ends the body
//! early when the pace stopped it.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{HeaderValue, CONNECTION};
use axum::response::Response;
use hyper::body::{Body as _, Frame, Incoming, SizeHint};

use super::pace::{Reader, Readers};

/// Whether a request's body has been read to its end.
#[derive(Clone, Default)]
pub struct ReadToEnd(Option<Arc<AtomicBool>>);

impl ReadToEnd {
    /// After the answer: if the body was left unread, the connection is about to close.
    pub fn mark(&self, response: &mut Response) {
        if let Some(read) = &self.0 {
            if !read.load(Ordering::Acquire) {
                response
                    .headers_mut()
                    .insert(CONNECTION, HeaderValue::from_static("close"));
            }
        }
    }
}

/// The request as the application takes it, and what tells afterwards whether its body was
/// read. A request without a body costs nothing more; one with a body carries its [`Reader`]
/// in its extensions, for the key that sends it to [`Reader::claim`].
pub fn watch(request: Request<Incoming>, readers: &Arc<Readers>) -> (Request<Body>, ReadToEnd) {
    let (mut head, body) = request.into_parts();
    if body.is_end_stream() {
        return (Request::from_parts(head, Body::empty()), ReadToEnd(None));
    }
    let read = Arc::new(AtomicBool::new(false));
    let pace = readers.start();
    head.extensions.insert(pace.clone());
    let watched = Watched {
        body,
        read: read.clone(),
        pace,
    };
    let request = Request::from_parts(head, Body::new(watched));
    (request, ReadToEnd(Some(read)))
}

struct Watched {
    body: Incoming,
    read: Arc<AtomicBool>,
    pace: Arc<Reader>,
}

impl hyper::body::Body for Watched {
    type Data = bytes::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        if let Err(stopped) = self.pace.check(context.waker()) {
            return Poll::Ready(Some(Err(Box::new(stopped))));
        }
        let frame = Pin::new(&mut self.body).poll_frame(context);
        if let Poll::Ready(Some(Ok(frame))) = &frame {
            if let Some(data) = frame.data_ref() {
                self.pace.received(data.len());
            }
        }
        if matches!(frame, Poll::Ready(None)) || self.body.is_end_stream() {
            self.read.store(true, Ordering::Release);
            self.pace.finished();
        }
        frame.map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
