//! One module a route.

pub mod home;
pub mod not_found;
