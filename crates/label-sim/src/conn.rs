//! The simulators' own listener: plain TCP, except that a fault can reset the connection a
//! request came in on. A middleware cannot reach its socket, so each accepted connection carries
//! a [`ConnHandle`] that axum hands to the request as `ConnectInfo`.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

pub struct FaultListener(pub TcpListener);

/// One accepted connection; once its handle says so, every read and write fails and the socket
/// is closed with a zero linger, which makes the kernel send RST instead of FIN.
pub struct FaultIo {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

/// What a request knows of its connection: a switch to reset it.
#[derive(Clone, Debug)]
pub struct ConnHandle(Arc<AtomicBool>);

impl ConnHandle {
    /// The connection is reset as soon as the server next touches it, before any answer.
    pub fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Listener for FaultListener {
    type Io = FaultIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (FaultIo, SocketAddr) {
        let (stream, addr) = Listener::accept(&mut self.0).await;
        let io = FaultIo {
            stream,
            reset: Arc::new(AtomicBool::new(false)),
        };
        (io, addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        ConnHandle(stream.io().reset.clone())
    }
}

impl FaultIo {
    fn broken(&self) -> Option<io::Error> {
        if !self.reset.load(Ordering::SeqCst) {
            return None;
        }
        // Zero linger: dropping the socket, which hyper does after this error, sends RST.
        let _ = self.stream.set_zero_linger();
        Some(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "fault: connection reset",
        ))
    }
}

impl AsyncRead for FaultIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(err) = self.broken() {
            return Poll::Ready(Err(err));
        }
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(err) = self.broken() {
            return Poll::Ready(Err(err));
        }
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(err) = self.broken() {
            return Poll::Ready(Err(err));
        }
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(err) = self.broken() {
            return Poll::Ready(Err(err));
        }
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
