//! TCP sockets (`wx.createTCPSocket`): one connection per [`TcpSocketHandle`], opened on a
//! tokio task under the address rules (checked by the caller with
//! [`wx_policy::UrlPolicy::check_tcp`]), read on that task, written from the caller's thread
//! straight into the kernel when it takes the bytes at once. Everything goes to a [`TcpSink`];
//! the last event is always `Close`.

use std::{
    collections::VecDeque,
    io,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{net::TcpStream, sync::Notify, time::Instant};
use wx_policy::{Failure, PeerAddress};

use crate::{clock::Deadline, connect::Router, pool::Cancel};

/// What a TCP socket reports.
#[derive(Debug)]
pub enum TcpEvent {
    Connected {
        local: SocketAddr,
        remote: SocketAddr,
    },
    Message(Vec<u8>),
    /// An `onError` payload, worded by the failure catalogue.
    Error {
        err_msg: String,
        err_code: i32,
    },
    Close,
}

pub type TcpSink = Arc<dyn Fn(TcpEvent) + Send + Sync>;

/// A connection to open, already allowed by the address rules.
#[derive(Clone, Debug)]
pub struct TcpConnect {
    pub target: PeerAddress,
    pub port: u16,
    /// An IPv6 socket (`type: 'ipv6'`): host names resolve to IPv6 addresses only.
    pub v6: bool,
    pub timeout: Duration,
}

/// Why a write was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteRefused {
    /// The socket is closing or closed.
    NotConnected,
}

/// How long `close()` waits for queued bytes to reach the kernel before it lets them go.
const CLOSE_FLUSH: Duration = Duration::from_secs(2);
/// The largest read handed to the script as one message.
const READ_BUFFER: usize = 64 * 1024;

/// The socket's write side, shared by the script's thread and the connection's task.
#[derive(Default)]
struct WriteState {
    /// Set once connected; `None` again once closed.
    stream: Option<Arc<TcpStream>>,
    /// Bytes the kernel did not take yet, in order.
    pending: VecDeque<Vec<u8>>,
    /// `close()` was called, or the connection ended.
    closing: bool,
}

struct Shared {
    state: Mutex<WriteState>,
    /// Wakes the connection's task: bytes are pending, or `close()` was called.
    wake: Notify,
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, WriteState> {
        // Nothing panics while the state is held, so a poisoned lock is still consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One `TCPSocket.connect()`: the connection, from connecting to closed.
pub struct TcpSocketHandle {
    shared: Arc<Shared>,
    sink: TcpSink,
}

/// The `onError` event of the catalogue entry `key`, reported by `api`.
fn error_event(api: &str, key: &'static str, details: Vec<String>) -> TcpEvent {
    let failure = Failure::Catalogued { key, details };
    TcpEvent::Error {
        err_msg: failure.err_msg(api),
        err_code: failure.err_code().unwrap_or(-1),
    }
}

/// The system errno and its text, as phones put them in an errMsg (`errno:111
/// errmsg:Connection refused`).
fn errno_details(error: &io::Error) -> Vec<String> {
    match error.raw_os_error() {
        Some(code) => {
            let text = io::Error::from_raw_os_error(code).to_string();
            let suffix = format!(" (os error {code})");
            vec![
                code.to_string(),
                text.strip_suffix(&suffix).unwrap_or(&text).to_string(),
            ]
        }
        None => vec!["-1".into(), error.to_string()],
    }
}

/// The failure of a cancelled connection: the app went to the background, or the device
/// was offline when it started.
fn cancelled_event(api: &str, failure: &Failure) -> TcpEvent {
    match failure {
        Failure::InternetDisconnected => error_event(api, "tcpOffline", Vec::new()),
        _ => error_event(api, "tcpInterrupted", Vec::new()),
    }
}

impl TcpSocketHandle {
    /// Starts connecting; `cancel` ends the connection early (background, offline). The
    /// returned handle writes and closes.
    pub(crate) fn connect(
        request: TcpConnect,
        connect_deadline: Deadline,
        router: Arc<Router>,
        cancel: Arc<Cancel>,
        sink: TcpSink,
        finished: impl FnOnce() + Send + 'static,
    ) -> TcpSocketHandle {
        let shared = Arc::new(Shared {
            state: Mutex::new(WriteState::default()),
            wake: Notify::new(),
        });
        let task_shared = shared.clone();
        let task_sink = sink.clone();
        tokio::spawn(async move {
            run(
                request,
                connect_deadline,
                &router,
                &cancel,
                &task_shared,
                &task_sink,
            )
            .await;
            {
                let mut state = task_shared.state();
                state.stream = None;
                state.closing = true;
                state.pending.clear();
            }
            task_sink(TcpEvent::Close);
            finished();
        });
        TcpSocketHandle { shared, sink }
    }

    /// Writes `data`: at once when the kernel takes it, else queued in order (also while
    /// connecting, to be sent once connected).
    pub fn write(&self, data: &[u8]) -> Result<(), WriteRefused> {
        let mut state = self.shared.state();
        if state.closing {
            return Err(WriteRefused::NotConnected);
        }
        let rest = match (&state.stream, state.pending.is_empty()) {
            (Some(stream), true) => match stream.try_write(data) {
                Ok(written) => &data[written..],
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => data,
                Err(error) => {
                    drop(state);
                    (self.sink)(error_event(
                        "write",
                        "tcpSocketError",
                        errno_details(&error),
                    ));
                    return Ok(());
                }
            },
            _ => data,
        };
        if !rest.is_empty() {
            state.pending.push_back(rest.to_vec());
            if state.stream.is_some() {
                self.shared.wake.notify_one();
            }
        }
        Ok(())
    }

    /// Closes the connection (after the queued bytes, for at most [`CLOSE_FLUSH`]); `Close`
    /// follows.
    pub fn close(&self) {
        self.shared.state().closing = true;
        self.shared.wake.notify_one();
    }
}

/// Resolves and connects, trying each address in turn.
async fn open(
    request: &TcpConnect,
    router: &Router,
) -> Result<(TcpStream, SocketAddr), (&'static str, Vec<String>)> {
    let addresses: Vec<SocketAddr> = match &request.target {
        PeerAddress::Ip(ip) => vec![SocketAddr::new(*ip, request.port)],
        PeerAddress::Host(host) => {
            let (target_host, target_port) = router.route(host, request.port);
            let bare = target_host.trim_start_matches('[').trim_end_matches(']');
            match bare.parse::<IpAddr>() {
                // A connectTo target is where the test or developer said to go, whatever
                // the socket's family.
                Ok(ip) => vec![SocketAddr::new(ip, target_port)],
                Err(_) => tokio::net::lookup_host((bare, target_port))
                    .await
                    .map(|found| found.filter(|addr| addr.is_ipv6() == request.v6).collect())
                    .unwrap_or_default(),
            }
        }
    };
    if addresses.is_empty() {
        let name = match &request.target {
            PeerAddress::Host(host) => host.clone(),
            PeerAddress::Ip(ip) => ip.to_string(),
        };
        return Err(("tcpResolveFailed", vec![name]));
    }
    let mut last = None;
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok((stream, address)),
            Err(error) => last = Some(error),
        }
    }
    let error = last.unwrap_or_else(|| io::Error::from(io::ErrorKind::NotConnected));
    Err(("tcpConnectFailed", errno_details(&error)))
}

/// Runs one connection to its end; the caller sends `Close`.
async fn run(
    request: TcpConnect,
    connect_deadline: Deadline,
    router: &Router,
    cancel: &Cancel,
    shared: &Shared,
    sink: &TcpSink,
) {
    // A socket started in the background or offline never tries.
    let (stream, remote) = tokio::select! {
        biased;
        failure = cancel.cancelled() => return sink(cancelled_event("connect", &failure)),
        () = closed(shared) => return,
        () = connect_deadline.passed() => {
            return sink(error_event("connect", "tcpConnectTimeout", Vec::new()));
        }
        opened = open(&request, router) => match opened {
            Ok(opened) => opened,
            Err((key, details)) => return sink(error_event("connect", key, details)),
        },
    };
    // Small writes go out at once: scripts speak request/response protocols over these.
    let _ = stream.set_nodelay(true);
    // A connection reset this early still connected; the reset shows on the first read.
    let local = stream
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::new(unspecified(remote.is_ipv6()), 0));
    let stream = Arc::new(stream);
    sink(TcpEvent::Connected { local, remote });
    shared.state().stream = Some(stream.clone());
    let mut buffer = vec![0u8; READ_BUFFER];
    let mut flush_deadline: Option<Instant> = None;
    loop {
        let (has_pending, closing) = {
            let state = shared.state();
            (!state.pending.is_empty(), state.closing)
        };
        if closing && !has_pending {
            return;
        }
        if closing && flush_deadline.is_none() {
            flush_deadline = Some(Instant::now() + CLOSE_FLUSH);
        }
        tokio::select! {
            biased;
            failure = cancel.cancelled() => return sink(cancelled_event("TCPSocket", &failure)),
            ready = stream.readable() => {
                if let Err(error) = ready {
                    return sink(error_event("TCPSocket", "tcpSocketError", errno_details(&error)));
                }
                match stream.try_read(&mut buffer) {
                    // The peer closed its side: the socket closes, as a phone's does.
                    Ok(0) => return,
                    Ok(length) => sink(TcpEvent::Message(buffer[..length].to_vec())),
                    Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                    Err(error) => {
                        return sink(error_event("TCPSocket", "tcpSocketError", errno_details(&error)));
                    }
                }
            }
            ready = stream.writable(), if has_pending => {
                if let Err(error) = ready.and_then(|()| flush(&stream, shared)) {
                    sink(error_event("write", "tcpSocketError", errno_details(&error)));
                    return;
                }
            }
            () = shared.wake.notified() => {}
            () = until(flush_deadline) => return,
        }
    }
}

/// Hands the kernel as much of the queue as it takes now.
fn flush(stream: &TcpStream, shared: &Shared) -> io::Result<()> {
    let mut state = shared.state();
    while let Some(front) = state.pending.front_mut() {
        match stream.try_write(front) {
            Ok(written) if written == front.len() => {
                state.pending.pop_front();
            }
            Ok(written) => {
                front.drain(..written);
            }
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(error) => {
                state.pending.clear();
                return Err(error);
            }
        }
    }
    Ok(())
}

/// Resolves once `close()` was called (while connecting: the attempt is dropped).
async fn closed(shared: &Shared) {
    loop {
        let notified = shared.wake.notified();
        if shared.state().closing {
            return;
        }
        notified.await;
    }
}

fn unspecified(v6: bool) -> IpAddr {
    if v6 {
        std::net::Ipv6Addr::UNSPECIFIED.into()
    } else {
        std::net::Ipv4Addr::UNSPECIFIED.into()
    }
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_texts_read_as_phones_write_them() {
        let refused = io::Error::from_raw_os_error(111);
        let details = errno_details(&refused);
        assert_eq!(details[0], "111");
        assert!(!details[1].contains("os error"), "{details:?}");
        let TcpEvent::Error { err_msg, err_code } =
            error_event("connect", "tcpConnectFailed", details)
        else {
            unreachable!()
        };
        assert!(
            err_msg.starts_with("connect:fail errno:111 errmsg:"),
            "{err_msg}"
        );
        assert_eq!(err_code, -4);
    }
}
