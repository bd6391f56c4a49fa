//! Connection applications (`/api/v1/applications`, `/api/v1/staff/applications`): the
//! form, the timeline, the actions of each party, the staff queue and the figures. One
//! module a concern; every type is re-exported here, so callers name
//! `shared::api::applications::X` whatever file it lives in.

mod actions;
mod form;
mod queue;
mod views;

pub use actions::*;
pub use form::*;
pub use queue::*;
pub use views::*;

#[cfg(test)]
mod tests;
