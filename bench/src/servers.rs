//! The loopback servers the benchmarks talk to: nginx when it is installed (a server nobody
//! tuned for wxrun; bench/run installs it with apt-get when missing), else wxrun's own test
//! server; and a small transfer server that streams zeros and counts uploaded bytes.
//!
//! Every server listens on 127.0.0.2, which the clients under test reach through the LAN rule
//! (`--lan 127.0.0.1/8` makes 127.0.0.1 the device's own address).

use std::{
    convert::Infallible,
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::{Request, Response, body::Frame, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;

use crate::child::available;

/// The address every benchmark server listens on.
pub const HOST: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

/// The small JSON array of the request benchmark, byte for byte what wx-testkit's `/json/3`
/// answers, so that both servers give the clients the same work.
pub const SMALL_JSON: &str = r#"[{"id":0,"name":"item 0","ok":true},{"id":1,"name":"item 1","ok":true},{"id":2,"name":"item 2","ok":true}]"#;

/// Where large scratch files go: `WX_BENCH_SCRATCH`, else /dev/shm (memory, so that a 1 GiB
/// file measures the clients rather than the disk, and fits on a full disk), else the temp
/// folder.
pub fn scratch_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("WX_BENCH_SCRATCH") {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind((HOST, 0))?.local_addr()?.port())
}

fn wait_for(addr: SocketAddr, child: &mut Child) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("nginx exited at start ({status})");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    bail!("nginx did not listen on {addr}")
}

/// nginx serving a folder, as one process (no workers to outlive it), access log off,
/// keep-alive without a request limit, sendfile on.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
    pub addr: SocketAddr,
}

impl Nginx {
    /// Starts nginx on `root`, or `None` when nginx is not installed.
    pub fn start(root: &Path) -> Result<Option<Nginx>> {
        if !available("nginx", "-v") {
            return Ok(None);
        }
        let addr = SocketAddr::from((HOST, free_port()?));
        let dir = std::env::temp_dir().join(format!("wx-bench-nginx-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let d = dir.display();
        let config = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
             error_log {d}/error.log warn;\nevents {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n\
               keepalive_requests 100000000;\n  keepalive_timeout 120s;\n\
               client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n\
               scgi_temp_path {d}/scgi;\n\
               types {{ application/json json; application/octet-stream bin; }}\n\
               server {{\n    listen {addr};\n    root {};\n    location / {{ }}\n  }}\n}}\n",
            root.display()
        );
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, config)?;
        let mut child = Command::new("nginx")
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting nginx")?;
        if let Err(err) = wait_for(addr, &mut child) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(err);
        }
        Ok(Some(Nginx { child, dir, addr }))
    }

    pub fn version() -> String {
        Command::new("nginx")
            .arg("-v")
            .output()
            .ok()
            .map(|o| {
                String::from_utf8_lossy(&o.stderr)
                    .trim()
                    .replace("nginx version: ", "")
            })
            .unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

type Body = BoxBody<Bytes, Infallible>;

/// `left` zero bytes, one shared chunk at a time.
struct Zeros {
    left: u64,
    chunk: Bytes,
}

impl hyper::body::Body for Zeros {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return std::task::Poll::Ready(None);
        }
        let take = self.left.min(self.chunk.len() as u64);
        self.left -= take;
        let data = self.chunk.slice(..take as usize);
        std::task::Poll::Ready(Some(Ok(Frame::data(data))))
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.left)
    }
}

/// `GET /zeros/N` streams N zero bytes; `POST` anything reads the body and answers
/// `{"size": bytes}`.
async fn transfer(request: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
    if request.method() == hyper::Method::POST {
        let mut body = request.into_body();
        let mut size = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            size += frame.data_ref().map_or(0, |data| data.len() as u64);
        }
        let text = format!("{{\"size\":{size}}}");
        return Ok(Response::new(Full::new(Bytes::from(text)).boxed()));
    }
    let left: u64 = request
        .uri()
        .path()
        .strip_prefix("/zeros/")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let zeros = Zeros {
        left,
        chunk: Bytes::from(vec![0u8; 256 * 1024]),
    };
    Ok(Response::new(zeros.boxed()))
}

/// The transfer server: its own thread and tokio runtime, for as long as the value lives.
pub struct TransferServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TransferServer {
    pub fn start() -> Result<TransferServer> {
        let listener = TcpListener::bind((HOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let serve = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        tokio::spawn(async move {
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service_fn(transfer))
                                .await;
                        });
                    }
                };
                tokio::select! {
                    () = serve => {}
                    _ = stopped => {}
                }
            });
        });
        Ok(TransferServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for TransferServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
