//! wx-net: the network backend of wxrun. It knows nothing of JavaScript: callers hand it
//! requests already shaped by wx-api, it enforces the rules of wx-policy on every hop, runs
//! the tasks on tokio in per-interface pools, and reports events through a sink.

pub mod clock;
pub mod connect;
pub mod decode;
pub mod files;
pub mod http;
mod lan;
pub mod mdns;
mod network;
pub mod pool;
pub mod sandbox;
pub mod socket;
pub mod tcp;
pub mod tls;
pub mod transfer;
pub mod udp;

pub use clock::{Clock, Deadline};
pub use http::{
    EventSink, HttpRequest, HttpResponse, Payload, Profile, ResponseBody, ResponseKind, TaskEvent,
};
pub use lan::detect_lan;
pub use network::{Aborted, Network, SetupError};
pub use pool::TaskId;
