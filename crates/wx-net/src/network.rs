//! The network of one run: the HTTP clients, the pools, the policy, and the app's foreground
//! state. wx-api talks to this; everything it starts runs as tokio tasks that report through
//! an [`EventSink`].

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use tokio::sync::mpsc;
use wx_offline::{HttpRecord, StandIn, har::RecordedFailure};
use wx_policy::{
    Config, CreationWindow, Failure, FixedHeaders, Interface, RunPolicy, UrlPolicy, limits,
};

use crate::{
    clock::Clock,
    connect::{HttpConnector, Router, now_ms},
    http::{EventSink, Exchange, HttpClient, HttpRequest, Profile, TaskEvent, perform},
    pool::{Admission, Cancel, TaskId, TaskPool},
    sandbox::Sandbox,
    socket::{self, SocketCommand, SocketRequest, SocketSink},
    tcp::{TcpConnect, TcpSink, TcpSocketHandle},
    tls::{Alpn, TlsSettings, TlsSetupError},
};

/// A queued HTTP task.
pub struct HttpJob {
    request: HttpRequest,
    sink: EventSink,
    profile: Profile,
    /// Called while the app was in the background.
    in_background: bool,
}

/// What `abort` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Aborted {
    /// It was waiting in the queue and is gone; nothing is sent to its sink.
    WasQueued,
    /// It is running and will report `abort`.
    Cancelling,
    /// It already finished.
    NotRunning,
}

struct Inner {
    policy: Arc<RunPolicy>,
    clients: (HttpClient, HttpClient),
    pools: HttpPools,
    running: Mutex<HashMap<TaskId, Arc<Cancel>>>,
    interface_of: Mutex<HashMap<TaskId, Interface>>,
    foreground: AtomicBool,
    /// False while the device is offline (`wxrun.network`): new tasks fail at once.
    online: AtomicBool,
    /// Counts moves to the background, so that a late grace timer of an earlier move does
    /// nothing.
    background_epoch: AtomicU64,
    /// The grace period after the latest move to the background has passed.
    grace_over: AtomicBool,
    tls: TlsSettings,
    router: Arc<Router>,
    sandbox: Arc<Sandbox>,
    max_download_bytes: u64,
    max_response_bytes: u64,
    /// WebSockets and TCP connections not yet closed, to interrupt when the app goes to the
    /// background.
    sockets: Mutex<HashMap<TaskId, Arc<Cancel>>>,
    /// TCPSockets created lately, for the limit of 20 in 5 minutes.
    tcp_created: Mutex<CreationWindow>,
    /// Mock rules, replay and recording, when the run uses any.
    stand_in: Option<Arc<StandIn>>,
    /// What timeouts, the background grace period and mDNS's stop are measured on.
    clock: Clock,
}

/// Why the network of a run could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Tls(#[from] TlsSetupError),
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
}

/// The network of a run. Cheap to clone.
#[derive(Clone)]
pub struct Network {
    inner: Arc<Inner>,
}

/// The task pools of the three HTTP interfaces, each with its own limit and queue.
struct HttpPools {
    request: TaskPool<HttpJob>,
    upload: TaskPool<HttpJob>,
    download: TaskPool<HttpJob>,
}

impl HttpPools {
    fn of(&self, interface: Interface) -> &TaskPool<HttpJob> {
        match interface {
            Interface::UploadFile => &self.upload,
            Interface::DownloadFile => &self.download,
            // Only HTTP tasks are pooled; wx-api submits no other interface.
            _ => &self.request,
        }
    }
}

impl Network {
    /// The network of a run with `policy`: `config` is read here for what sets it up (the
    /// sandbox's folders, certificates, `connectTo`), and not again. Calls first ask
    /// `stand_in` (mock rules, replay) and are recorded by it.
    pub fn new(
        config: &Config,
        policy: Arc<RunPolicy>,
        stand_in: Option<Arc<StandIn>>,
    ) -> Result<Network, SetupError> {
        let mounts: Vec<_> = config.mounts.iter().map(|m| m.value.clone()).collect();
        let sandbox = Sandbox::new(config.data_dir.value.as_deref(), &mounts)?;
        let ca_files: Vec<_> = config.ca_files.iter().map(|ca| ca.value.clone()).collect();
        let tls = TlsSettings::new(&ca_files, config.insecure.value)?;
        let router = Arc::new(Router::new(
            config
                .connect_to
                .iter()
                .map(|rule| rule.value.clone())
                .collect(),
        ));
        let client = |alpn: Alpn| -> HttpClient {
            // hyper-rustls sets the ALPN protocols itself from what it is told to speak.
            let connector = HttpConnector::new(
                router.clone(),
                tls.config(Alpn::None).as_ref().clone(),
                alpn == Alpn::Http2,
            );
            Client::builder(TokioExecutor::new())
                .pool_idle_timeout(std::time::Duration::from_secs(60))
                .build(connector)
        };
        let pool = |interface| {
            let rule = policy.pool(interface);
            TaskPool::new(rule.size, rule.queues)
        };
        let inner = Inner {
            clients: (client(Alpn::Http1), client(Alpn::Http2)),
            pools: HttpPools {
                request: pool(Interface::Request),
                upload: pool(Interface::UploadFile),
                download: pool(Interface::DownloadFile),
            },
            running: Mutex::new(HashMap::new()),
            interface_of: Mutex::new(HashMap::new()),
            foreground: AtomicBool::new(true),
            online: AtomicBool::new(true),
            background_epoch: AtomicU64::new(0),
            grace_over: AtomicBool::new(false),
            tls,
            router,
            sandbox: Arc::new(sandbox),
            max_download_bytes: policy.max_download_bytes,
            max_response_bytes: policy.max_response_bytes,
            policy,
            sockets: Mutex::new(HashMap::new()),
            tcp_created: Mutex::new(CreationWindow::new(
                limits::TCP_SOCKETS_PER_WINDOW,
                limits::TCP_SOCKET_WINDOW,
            )),
            stand_in,
            clock: Clock::new(),
        };
        Ok(Network {
            inner: Arc::new(inner),
        })
    }

    /// The URL rules of the run.
    pub fn policy(&self) -> &UrlPolicy {
        &self.inner.policy.urls
    }

    /// The run's rules.
    pub fn run_policy(&self) -> &Arc<RunPolicy> {
        &self.inner.policy
    }

    pub fn fixed_headers(&self) -> &FixedHeaders {
        &self.inner.policy.fixed_headers
    }

    pub fn tls(&self) -> &TlsSettings {
        &self.inner.tls
    }

    pub fn router(&self) -> &Arc<Router> {
        &self.inner.router
    }

    /// The clock of this run's deadlines (real time unless a test switches it).
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Mock rules, replay and recording of this run, if any.
    pub fn stand_in(&self) -> Option<&Arc<StandIn>> {
        self.inner.stand_in.as_ref()
    }

    /// Binds a UDP socket; its events go to `sink`.
    pub fn udp_bind(
        &self,
        v6: bool,
        port: u16,
        sink: crate::udp::UdpSink,
    ) -> std::io::Result<crate::udp::UdpSocketHandle> {
        crate::udp::UdpSocketHandle::bind(
            v6,
            port,
            self.inner.policy.clone(),
            self.inner.router.clone(),
            sink,
        )
    }

    /// Counts a new TCPSocket; false when 20 were created in the last 5 minutes.
    pub fn admit_tcp_socket(&self) -> bool {
        lock(&self.inner.tcp_created).admit(std::time::Instant::now())
    }

    /// Opens a TCP connection already allowed by [`UrlPolicy::check_tcp`]; its events go to
    /// `sink`, the last one `Close`. Like a WebSocket, it is closed when the app goes to the
    /// background, and fails at once when started there or offline.
    pub fn tcp_connect(&self, id: TaskId, request: TcpConnect, sink: TcpSink) -> TcpSocketHandle {
        let cancel = self.new_socket_cancel(id);
        let network = self.clone();
        let connect_deadline = self.inner.clock.deadline(request.timeout);
        TcpSocketHandle::connect(
            request,
            connect_deadline,
            self.inner.router.clone(),
            cancel,
            sink,
            move || {
                lock(&network.inner.sockets).remove(&id);
            },
        )
    }

    /// The cancel of a new socket, registered for interruption; already stopped when the app
    /// is in the background or the device offline.
    fn new_socket_cancel(&self, id: TaskId) -> Arc<Cancel> {
        let cancel = Arc::new(Cancel::default());
        if !self.is_foreground() {
            cancel.interrupt();
        } else if !self.is_online() {
            cancel.disconnect();
        }
        lock(&self.inner.sockets).insert(id, cancel.clone());
        cancel
    }

    /// Starts an mDNS scan for `service_type` that stops by itself after `duration`.
    pub fn start_discovery(
        &self,
        service_type: &str,
        duration: std::time::Duration,
        sink: crate::mdns::MdnsSink,
    ) -> Result<crate::mdns::Discovery, String> {
        let stop = self.inner.clock.deadline(duration);
        crate::mdns::start(service_type, self.inner.policy.urls.lan(), stop, sink)
    }

    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.inner.sandbox
    }

    /// The largest download kept (`limits.maxDownloadFileSize`).
    pub fn max_download_bytes(&self) -> u64 {
        self.inner.max_download_bytes
    }

    pub fn is_foreground(&self) -> bool {
        self.inner.foreground.load(Ordering::Acquire)
    }

    pub fn is_online(&self) -> bool {
        self.inner.online.load(Ordering::Acquire)
    }

    /// Takes the device off the network or back on. Tasks that start while offline fail as
    /// on a phone without a connection; tasks already running are left alone.
    pub fn set_online(&self, online: bool) {
        self.inner.online.store(online, Ordering::Release);
    }

    /// Submits an HTTP task: it starts, waits in its interface's queue, or fails at once with
    /// the queue full. Every outcome reaches `sink`.
    pub fn submit(&self, id: TaskId, request: HttpRequest, sink: EventSink) {
        let interface = request.interface;
        let now = now_ms();
        let job = HttpJob {
            request,
            sink,
            profile: Profile {
                fetch_start: now,
                queue_start: now,
                ..Profile::default()
            },
            in_background: !self.is_foreground(),
        };
        lock(&self.inner.interface_of).insert(id, interface);
        match self.inner.pools.of(interface).submit(id, job) {
            Admission::Run(job) => self.start(id, job),
            Admission::Queued => {}
            Admission::Rejected(job) => {
                lock(&self.inner.interface_of).remove(&id);
                (job.sink)(TaskEvent::Failed(Failure::ExceedMaxTaskCount));
            }
        }
    }

    fn start(&self, id: TaskId, mut job: HttpJob) {
        let cancel = Arc::new(Cancel::default());
        lock(&self.inner.running).insert(id, cancel.clone());
        job.profile.queue_end = now_ms();
        // The timeout runs from the moment the task leaves the queue.
        let deadline = self.inner.clock.deadline(job.request.timeout);
        let network = self.clone();
        tokio::spawn(async move {
            let HttpJob {
                request,
                sink,
                mut profile,
                in_background,
            } = job;
            let interface = request.interface;
            let timeout = request.timeout;
            let inner = &network.inner;
            // Called in the background, or leaving the queue after the grace period.
            let interrupted = in_background
                || (!network.is_foreground() && inner.grace_over.load(Ordering::Acquire));
            let outcome = if interrupted {
                Err(Failure::Interrupted)
            } else if !network.is_online() {
                Err(Failure::InternetDisconnected)
            } else {
                let stand_in = inner.stand_in.as_deref();
                // A timeout drops the exchange half-way, so the recording learns of it here.
                let timed_out_record = stand_in
                    .filter(|s| s.recorder().is_some())
                    .map(|_| TimedOut::of(&request));
                let exchange = Exchange {
                    policy: &inner.policy.urls,
                    clients: &inner.clients,
                    fixed: &inner.policy.fixed_headers,
                    stand_in,
                    max_response_bytes: inner.max_response_bytes,
                };
                let work = perform(request, &exchange, &mut profile, &sink);
                let result = tokio::select! {
                    biased;
                    result = work => result,
                    () = deadline.passed() => Err(Failure::Timeout),
                    failure = cancel.cancelled() => Err(failure),
                };
                if let (Err(Failure::Timeout), Some(record), Some(recorder)) = (
                    &result,
                    timed_out_record,
                    stand_in.and_then(StandIn::recorder),
                ) {
                    recorder.record_http(record.into_record(timeout));
                }
                result
            };
            sink(match outcome {
                Ok(response) => TaskEvent::Done(response),
                Err(failure) => TaskEvent::Failed(failure),
            });
            network.finished(id, interface);
        });
    }

    fn finished(&self, id: TaskId, interface: Interface) {
        lock(&self.inner.running).remove(&id);
        lock(&self.inner.interface_of).remove(&id);
        if let Some((next_id, job)) = self.inner.pools.of(interface).finish() {
            self.start(next_id, job);
        }
    }

    /// Aborts a task: a queued one is removed at once, a running one is cancelled.
    pub fn abort(&self, id: TaskId) -> Aborted {
        let interface = lock(&self.inner.interface_of).get(&id).copied();
        if let Some(interface) = interface
            && self.inner.pools.of(interface).remove_queued(id).is_some()
        {
            lock(&self.inner.interface_of).remove(&id);
            return Aborted::WasQueued;
        }
        match lock(&self.inner.running).get(&id) {
            Some(cancel) => {
                cancel.abort();
                Aborted::Cancelling
            }
            None => Aborted::NotRunning,
        }
    }

    /// Opens a WebSocket; its events go to `sink`, the last one a close. Returns the channel
    /// for the script's sends and close.
    pub fn connect_socket(
        &self,
        id: TaskId,
        request: SocketRequest,
        sink: SocketSink,
    ) -> mpsc::UnboundedSender<SocketCommand> {
        let (commands, receiver) = mpsc::unbounded_channel();
        let cancel = self.new_socket_cancel(id);
        let connect_deadline = self.inner.clock.deadline(request.timeout);
        let network = self.clone();
        tokio::spawn(async move {
            let inner = &network.inner;
            socket::run(
                request,
                connect_deadline,
                &inner.policy.urls,
                &inner.tls,
                &inner.router,
                &inner.policy.fixed_headers,
                inner.stand_in.as_deref(),
                receiver,
                cancel,
                sink,
            )
            .await;
            lock(&inner.sockets).remove(&id);
        });
        commands
    }

    /// Moves the app between foreground and background. In the background, tasks that start
    /// fail with `interrupted`, and tasks still running after the grace period are interrupted.
    pub fn set_foreground(&self, foreground: bool) {
        let was = self.inner.foreground.swap(foreground, Ordering::AcqRel);
        if foreground {
            self.inner.grace_over.store(false, Ordering::Release);
            return;
        }
        if !was {
            return;
        }
        // Sockets close at once; HTTP tasks get a grace period.
        for cancel in lock(&self.inner.sockets).values() {
            cancel.interrupt();
        }
        let epoch = self.inner.background_epoch.fetch_add(1, Ordering::AcqRel) + 1;
        let grace = self.inner.clock.deadline(limits::BACKGROUND_GRACE);
        let network = self.clone();
        tokio::spawn(async move {
            grace.passed().await;
            let inner = &network.inner;
            if inner.foreground.load(Ordering::Acquire)
                || inner.background_epoch.load(Ordering::Acquire) != epoch
            {
                return;
            }
            inner.grace_over.store(true, Ordering::Release);
            for cancel in lock(&inner.running).values() {
                cancel.interrupt();
            }
        });
    }
}

/// What a recording keeps of a request that timed out.
struct TimedOut {
    api: Interface,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    started: std::time::SystemTime,
}

impl TimedOut {
    fn of(request: &HttpRequest) -> TimedOut {
        TimedOut {
            api: request.interface,
            method: request.method.to_string(),
            url: request.url.clone(),
            headers: request.headers.clone(),
            body: match &request.body {
                crate::http::Payload::Bytes(bytes) => Some(bytes.to_vec()),
                crate::http::Payload::Multipart(_) => None,
            },
            started: std::time::SystemTime::now(),
        }
    }

    fn into_record(self, timeout: std::time::Duration) -> HttpRecord {
        HttpRecord {
            api: self.api,
            method: self.method,
            url: self.url,
            request_headers: self.headers,
            request_body: self.body,
            started: self.started,
            elapsed_ms: timeout.as_secs_f64() * 1000.0,
            outcome: Err(RecordedFailure {
                reason: Failure::Timeout.reason(),
                errno: Failure::Timeout.errno(),
            }),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing can panic while these maps are held, so a poisoned lock is still consistent.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
