//! Readings, tariffs, billing runs and bills over the API (domain brief §4). One module a
//! concern; every type is re-exported here, so callers name `shared::api::billing::X`
//! whatever file it lives in.
//!
//! Numbers in readings arrive as strings, so that a bad value (`1e400`, `NaN`, `-3`) is a
//! rejected line with its reason rather than a whole batch refused as malformed JSON.

mod adjustments;
mod bills;
mod integration;
mod readings;
mod runs;
mod tariffs;
mod usage;

pub use adjustments::*;
pub use bills::*;
pub use integration::*;
pub use readings::*;
pub use runs::*;
pub use tariffs::*;
pub use usage::*;

#[cfg(test)]
mod tests;
