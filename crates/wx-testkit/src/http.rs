//! The HTTP(S) server: accepts TCP, optionally TLS with ALPN h2/http1.1, and serves the routes
//! with hyper. A route can reset its connection (RST), which needs the raw socket.

use std::{
    os::fd::{AsRawFd, BorrowedFd, RawFd},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use hyper::{body::Incoming, service::service_fn};
use hyper_util::{
    rt::{TokioExecutor, TokioIo},
    server::conn::auto,
};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpListener,
    sync::Notify,
};
use tokio_rustls::TlsAcceptor;

use crate::routes;

/// What a route knows of its connection.
pub struct Connection {
    pub id: u64,
    pub tls: bool,
    fd: RawFd,
    reset: Notify,
}

impl Connection {
    /// Ends the connection with a TCP reset instead of an orderly close.
    pub fn reset(&self) {
        // SAFETY: the descriptor belongs to the connection, which stays open until the task
        // that owns it sees the notification and drops it.
        let socket = unsafe { BorrowedFd::borrow_raw(self.fd) };
        let _ = socket2::SockRef::from(&socket).set_linger(Some(std::time::Duration::ZERO));
        self.reset.notify_one();
    }

    /// Closes the connection in an orderly way, mid-exchange.
    pub fn close(&self) {
        self.reset.notify_one();
    }
}

static CONNECTIONS: AtomicU64 = AtomicU64::new(1);

async fn serve<IO>(io: IO, connection: Arc<Connection>)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let route_connection = connection.clone();
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        routes::handle(request, route_connection.clone())
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Header names in the common Title-Case on HTTP/1, as most servers send them, so that
    // clients can be checked to keep the spelling (HTTP/2 names are lower case by protocol).
    builder.http1().title_case_headers(true);
    let serving = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
    tokio::select! {
        _ = serving => {}
        () = connection.reset.notified() => {}
    }
}

/// Serves `listener` until the runtime ends; with `tls`, over TLS.
pub async fn run(listener: TcpListener, tls: Option<Arc<rustls::ServerConfig>>) {
    let acceptor = tls.map(TlsAcceptor::from);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let connection = Arc::new(Connection {
            id: CONNECTIONS.fetch_add(1, Ordering::Relaxed),
            tls: acceptor.is_some(),
            fd: tcp.as_raw_fd(),
            reset: Notify::new(),
        });
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        serve(stream, connection).await;
                    }
                }
                None => serve(tcp, connection).await,
            }
        });
    }
}
