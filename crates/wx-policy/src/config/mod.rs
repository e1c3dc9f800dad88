//! The configuration of one run (spec section 11): the model, where each value came from, and
//! loading it from the mini-program project, `wxrun.json` and command-line overrides.

mod device;
mod error;
mod json;
mod load;
mod model;

pub use device::{DeviceProfile, Location, PaymentAnswer, SubscribeAnswer, Theme, User};
pub use error::ConfigError;
pub use load::{Overrides, ProjectFiles, load};
pub use model::{
    CompileType, Config, ConnectTo, Limits, NetworkTimeouts, Source, Sourced, WXRUN_JSON,
};
