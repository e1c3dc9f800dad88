//! Plain TCP servers for TCPSocket's tests, each on the LAN peer address: an echo server, and
//! fault modes — one that says `hello` and closes, one that resets a connection once data
//! arrives on it, one
//! whose connections never complete (a full accept queue: SYNs go unanswered, so a connect
//! times out), and a port where nothing listens.

use std::{io, net::SocketAddr};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// What the greeting server sends before it closes.
pub const GREETING: &[u8] = b"hello";

/// The bound (not yet served) listeners, so that [`crate::TestServers::start`] can learn the
/// ports before the runtime serves them.
pub(crate) struct TcpServers {
    pub echo: std::net::TcpListener,
    pub greet: std::net::TcpListener,
    pub reset: std::net::TcpListener,
    /// Never accepted from; its queue is full.
    pub hold: std::net::TcpListener,
    /// The connection that fills [`TcpServers::hold`]'s queue, kept for the servers' life.
    pub hold_filler: std::net::TcpStream,
    pub refused: SocketAddr,
}

impl TcpServers {
    pub fn bind(host: &str) -> io::Result<TcpServers> {
        let listener = |backlog: i32| -> io::Result<std::net::TcpListener> {
            let address: SocketAddr = format!("{host}:0")
                .parse()
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
            let socket = socket2::Socket::new(
                socket2::Domain::for_address(address),
                socket2::Type::STREAM,
                None,
            )?;
            socket.bind(&address.into())?;
            socket.listen(backlog)?;
            socket.set_nonblocking(true)?;
            Ok(socket.into())
        };
        let hold = listener(0)?;
        // With a backlog of 0 the kernel queues one connection; this is it. Later SYNs are
        // dropped until the queue has room, which never happens.
        let hold_filler = std::net::TcpStream::connect(hold.local_addr()?)?;
        let refused = std::net::TcpListener::bind(format!("{host}:0"))?.local_addr()?;
        Ok(TcpServers {
            echo: listener(128)?,
            greet: listener(128)?,
            reset: listener(128)?,
            hold,
            hold_filler,
            refused,
        })
    }

    /// Serves every listener until the runtime stops.
    pub fn serve(self) {
        let listen = |l| TcpListener::from_std(l).expect("inside the runtime");
        tokio::spawn(echo(listen(self.echo)));
        tokio::spawn(greet(listen(self.greet)));
        tokio::spawn(reset(listen(self.reset)));
        let (hold, filler) = (self.hold, self.hold_filler);
        tokio::spawn(async move {
            let _kept = (hold, filler);
            std::future::pending::<()>().await;
        });
    }
}

/// Every byte goes back to its sender; the connection closes when the client's does.
async fn echo(listener: TcpListener) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let (mut read, mut write) = stream.split();
            let _ = tokio::io::copy(&mut read, &mut write).await;
        });
    }
}

/// Says [`GREETING`], then closes.
async fn greet(listener: TcpListener) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let _ = stream.write_all(GREETING).await;
            let _ = stream.shutdown().await;
            // Wait for the client to go, so that the close is the client's to see, not a reset.
            let mut rest = [0u8; 256];
            while matches!(stream.read(&mut rest).await, Ok(n) if n > 0) {}
        });
    }
}

/// Resets a connection as soon as data arrives on it (after the client saw it connect).
async fn reset(listener: TcpListener) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let mut first = [0u8; 1];
            let _ = stream.read(&mut first).await;
            let _ = socket2::SockRef::from(&stream).set_linger(Some(std::time::Duration::ZERO));
        });
    }
}
