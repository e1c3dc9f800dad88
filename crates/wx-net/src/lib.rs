//! wx-net: the network backend of wxrun. It knows nothing of JavaScript: callers hand it
//! requests decided by wx-policy and receive events over channels.

mod lan;

pub use lan::detect_lan;
