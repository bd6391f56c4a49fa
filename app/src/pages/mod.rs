//! One module a route.

pub mod account;
pub mod applications;
pub mod auth;
pub mod billing;
pub mod bills;
pub mod connections;
pub mod enterprise;
pub mod home;
pub mod my_accounts;
pub mod not_found;
pub mod settings;
pub mod staff;
pub mod tariffs;
